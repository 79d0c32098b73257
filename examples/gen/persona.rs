//! Personas: the fraud patterns FP-A..FP-I and the honest look-alikes BC-1..BC-11 of
//! `indicators.md` §6, plus `plain` honest applicants. A *unit* is one candidate, or a group
//! (laptop farm, rotation pair, agency batch, household) generated together from one PRNG
//! stream so members can share artefacts.
//!
//! BC-10 (night owl) and BC-11 (browser locale differs from the claimed country, e.g. a
//! Korean-American in the US with `ko-KR`) extend §6.2.

use std::net::IpAddr;

use chrono_tz::Tz;

use super::people::{account_for, when, Cand, Ctx, Hours, Mode, Watch};
use super::rng::{rfc3339, scramble, Rng, DAY};
use super::world::{city_idx, CITIES};
use super::{fraud, honest};

#[derive(Clone, Copy, PartialEq, Eq, Debug, PartialOrd, Ord, Hash)]
pub enum P {
    Plain,
    Bc1,
    Bc2,
    Bc3,
    Bc4,
    Bc5,
    Bc6,
    Bc7,
    Bc8,
    Bc9,
    Bc10,
    Bc11,
    FpA,
    FpB,
    FpC,
    FpD,
    FpE,
    FpF,
    FpG,
    FpH,
    FpI,
}

pub struct Info {
    pub code: &'static str,
    pub fraud: bool,
    /// Share of candidates within its class (fraud or honest).
    pub share: f64,
    /// Members per unit, inclusive range.
    pub size: (u32, u32),
    /// Members when placed by `--cover`.
    pub cover: u32,
    /// Prefix of the `group` label, empty for single candidates.
    pub group: &'static str,
    pub what: &'static str,
}

pub const ALL: [P; 21] = [
    P::Plain,
    P::Bc1,
    P::Bc2,
    P::Bc3,
    P::Bc4,
    P::Bc5,
    P::Bc6,
    P::Bc7,
    P::Bc8,
    P::Bc9,
    P::Bc10,
    P::Bc11,
    P::FpA,
    P::FpB,
    P::FpC,
    P::FpD,
    P::FpE,
    P::FpF,
    P::FpG,
    P::FpH,
    P::FpI,
];

const fn info(
    code: &'static str,
    fraud: bool,
    share: f64,
    size: (u32, u32),
    cover: u32,
    group: &'static str,
    what: &'static str,
) -> Info {
    Info {
        code,
        fraud,
        share,
        size,
        cover,
        group,
        what,
    }
}

impl P {
    #[rustfmt::skip]
    pub fn info(self) -> Info {
        match self {
            P::Plain => info("plain", false, 0.899, (1, 1), 1, "", "ordinary honest applicant"),
            P::Bc1 => info("BC-1", false, 0.012, (1, 1), 1, "", "privacy VPN, exit in the claimed country"),
            P::Bc2 => info("BC-2", false, 0.012, (1, 1), 1, "", "traveller: conference trip, logins from 2-3 other countries"),
            P::Bc3 => info("BC-3", false, 0.005, (1, 1), 1, "", "developer in China, says so; Astrill-like VPN, China hours, CN bank"),
            P::Bc4 => info("BC-4", false, 0.015, (2, 3), 2, "household", "household: same surname and address, own email and phone"),
            P::Bc5 => info("BC-5", false, 0.015, (3, 6), 3, "agency", "staffing agency batch sharing the agency phone and office IP"),
            P::Bc6 => info("BC-6", false, 0.012, (1, 1), 1, "", "name variants across application, ID and call"),
            P::Bc7 => info("BC-7", false, 0.008, (1, 1), 1, "", "recent mover: ID address in another state"),
            P::Bc8 => info("BC-8", false, 0.005, (1, 1), 1, "", "new GitHub account with re-uploaded old code"),
            P::Bc9 => info("BC-9", false, 0.008, (1, 1), 1, "", "camera off in screening, on later"),
            P::Bc10 => info("BC-10", false, 0.005, (1, 1), 1, "", "night owl: many late logins in the claimed zone"),
            P::Bc11 => info("BC-11", false, 0.004, (1, 1), 1, "", "browser locale of a heritage language (ko-KR in the US)"),
            P::FpA => info("FP-A", true, 0.10, (1, 1), 1, "", "Kraken: name/ID variant, rename, voice change, fails local knowledge, watchlisted email, VPN"),
            P::FpB => info("FP-B", true, 0.10, (1, 1), 1, "", "Motoki: claims JP, fails language check, rage-quits, screen share shows other identity, no VPN"),
            P::FpC => info("FP-C", true, 0.20, (2, 5), 2, "farm", "laptop farm: different states, one ship-to address and IP, AnyDesk, VPN, referral chain"),
            P::FpD => info("FP-D", true, 0.08, (1, 1), 1, "", "KnowBe4: ship-to differs from ID address, stock photo reused"),
            P::FpE => info("FP-E", true, 0.12, (1, 1), 1, "", "LevelBlue: CN baseline, then US logins via IOC VPN IPs on an unmanaged device"),
            P::FpF => info("FP-F", true, 0.14, (2, 4), 3, "farm", "Amazon: contractor, shared Arizona farm IP, ~110-130 ms latency, near-duplicate resumes"),
            P::FpG => info("FP-G", true, 0.08, (1, 1), 1, "", "Eastern-European facade: claims PL, fails local knowledge, VPN, East-Asian hours"),
            P::FpH => info("FP-H", true, 0.08, (1, 1), 1, "", "Japan advisory: camera off in two stages, crypto payment"),
            P::FpI => info("FP-I", true, 0.10, (2, 2), 2, "rotation", "identity rotation: new name reuses phone, photo and device"),
        }
    }

    pub fn code(self) -> &'static str {
        self.info().code
    }
}

/// One unit to generate.
pub struct UnitPlan {
    pub persona: P,
    pub size: u32,
    pub first_idx: u64,
    pub unit_idx: u64,
    pub group: String,
    /// Placed by `--cover`: the persona's signature features are all switched on.
    pub cover: bool,
}

/// A generated candidate with its label.
pub struct Member {
    pub c: Cand,
    pub persona: P,
    pub group: String,
}

/// A dozen "stock" portrait hashes that several fraud identities reuse.
pub fn stock_photo(i: u64) -> String {
    format!(
        "{:016x}",
        (scramble(i, 0x5eed) * 0x9e37_79b9) ^ 0x00c0_ffee_0000_0000
    )
}

pub const STOCK_PHOTOS: u64 = 12;

pub fn pick_city(rng: &mut Rng, filter: impl Fn(usize) -> bool) -> usize {
    let idx: Vec<usize> = (0..CITIES.len()).filter(|&i| filter(i)).collect();
    let w: Vec<f64> = idx.iter().map(|&i| CITIES[i].weight.max(0.1)).collect();
    idx[rng.weighted(&w)]
}

pub fn honest_city(rng: &mut Rng) -> usize {
    pick_city(rng, |_| true)
}

pub fn us_city(rng: &mut Rng, not_states: &[&str]) -> usize {
    pick_city(rng, |i| {
        CITIES[i].cc == "US"
            && !not_states.contains(&CITIES[i].region)
            && CITIES[i].name != "Baton Rouge"
    })
}

pub fn city_of(rng: &mut Rng, names: &[&str]) -> usize {
    city_idx(rng.choose(names))
}

/// Where a fraud operator actually sits, and the clock the team works to.
pub struct Actor {
    pub city: usize,
    pub clock: Tz,
    pub clock_name: &'static str,
}

pub fn actor(rng: &mut Rng, china_only: bool) -> Actor {
    let (cities, w): (&[&str], &[f64]) = if china_only {
        (&["Shenyang", "Dandong", "Beijing"], &[0.5, 0.3, 0.2])
    } else {
        (
            &[
                "Shenyang",
                "Dandong",
                "Beijing",
                "Vladivostok",
                "Moscow",
                "Vientiane",
                "Dubai",
                "Jakarta",
            ],
            &[0.3, 0.2, 0.1, 0.15, 0.05, 0.1, 0.05, 0.05],
        )
    };
    let city = city_idx(cities[rng.weighted(w)]);
    let (clock, clock_name) = if rng.chance(0.6) {
        (chrono_tz::Asia::Shanghai, "Asia/Shanghai")
    } else {
        (chrono_tz::Asia::Pyongyang, "Asia/Pyongyang")
    };
    Actor {
        city,
        clock,
        clock_name,
    }
}

/// One login's network and browser context.
pub struct Hop {
    pub ip: IpAddr,
    pub dev: usize,
    pub btz: &'static str,
    pub lang: &'static str,
    pub tool: &'static str,
    pub latency: (u16, u16),
}

pub fn v4(ip: std::net::Ipv4Addr) -> IpAddr {
    IpAddr::V4(ip)
}

impl Cand {
    pub fn set_mode(&mut self, rng: &mut Rng, mode: Mode) {
        if self.mode == mode {
            return;
        }
        self.mode = mode;
        let managed = (mode == Mode::Work).then_some(true);
        for (i, d) in self.devices.iter_mut().enumerate() {
            d.managed = managed.map(|m| m && i == 0);
        }
        let applied_day = self.applied.div_euclid(DAY);
        self.account = account_for(mode, &self.name, &self.app.email, self.idx, rng);
        (self.win_start, self.win_span) = if mode == Mode::Work {
            (applied_day + rng.range(21, 35), 45)
        } else {
            (applied_day + 1, 40)
        };
    }

    /// Move the application date; interviews and the login window move with it.
    pub fn set_applied_day(&mut self, day: i64) {
        let shift = (day - self.applied.div_euclid(DAY)) * DAY;
        self.applied += shift;
        self.app.applied_at = rfc3339(self.applied);
        self.win_start += shift / DAY;
        for iv in &mut self.interviews {
            iv.started_at += shift;
            iv.ended_at = iv.ended_at.map(|e| e + shift);
        }
    }

    pub fn set_home_ip(&mut self, ip: IpAddr) {
        self.home_ip = ip;
        self.app.ip = ip.to_string();
    }

    pub fn run_logins(
        &mut self,
        rng: &mut Rng,
        n: usize,
        clock: Tz,
        hours: Hours,
        mut hop: impl FnMut(&mut Rng, &Cand) -> Hop,
    ) {
        for _ in 0..n {
            let ts = when(rng, clock, self.win_start, self.win_span, hours);
            let h = hop(rng, self);
            self.login(rng, ts, h.ip, h.dev, h.btz, h.lang, h.tool, h.latency);
        }
    }

    pub fn watch(&mut self, kind: &'static str, value: String, note: &'static str) {
        self.watch.push(Watch { kind, value, note });
    }
}

/// Ordinary honest logins: home (v4, sometimes v6), mobile, rarely a cloud dev box, and for a
/// few a short trip.
/// Staffing agencies, shared by honest agency batches and the FP-F contractor.
pub const AGENCIES: &[&str] = &[
    "Brightpath Talent Partners (synthetic)",
    "Northstar Contract Staffing (synthetic)",
    "Bluewave Tech Recruiting (synthetic)",
    "Summit Bridge Consulting (synthetic)",
    "Keystone Remote Staffing (synthetic)",
    "Harbor & Vale Talent (synthetic)",
];

/// Generate every member of a unit, deterministically from `(seed, unit index)`.
pub fn gen_unit(ctx: &Ctx, u: &UnitPlan) -> Vec<Member> {
    let mut rng = Rng::new(ctx.seed, u.unit_idx);
    let rng = &mut rng;
    let idx = u.first_idx;
    let cands = match u.persona {
        P::Plain => vec![honest::plain(ctx, rng, idx)],
        P::Bc1 => vec![honest::bc1(ctx, rng, idx)],
        P::Bc2 => vec![honest::bc2(ctx, rng, idx)],
        P::Bc3 => vec![honest::bc3(ctx, rng, idx)],
        P::Bc4 => honest::bc4(ctx, rng, u),
        P::Bc5 => honest::bc5(ctx, rng, u),
        P::Bc6 => vec![honest::bc6(ctx, rng, idx)],
        P::Bc7 => vec![honest::bc7(ctx, rng, idx)],
        P::Bc8 => vec![honest::bc8(ctx, rng, idx)],
        P::Bc9 => vec![honest::bc9(ctx, rng, idx)],
        P::Bc10 => vec![honest::bc10(ctx, rng, idx)],
        P::Bc11 => vec![honest::bc11(ctx, rng, idx)],
        P::FpA => vec![fraud::fp_a(ctx, rng, u)],
        P::FpB => vec![fraud::fp_b(ctx, rng, u)],
        P::FpC => fraud::fp_c(ctx, rng, u),
        P::FpD => vec![fraud::fp_d(ctx, rng, u)],
        P::FpE => vec![fraud::fp_e(ctx, rng, u)],
        P::FpF => fraud::fp_f(ctx, rng, u),
        P::FpG => vec![fraud::fp_g(ctx, rng, u)],
        P::FpH => vec![fraud::fp_h(ctx, rng, u)],
        P::FpI => fraud::fp_i(ctx, rng, u),
    };
    cands
        .into_iter()
        .map(|mut c| {
            c.logins.sort_by_key(|l| l.ts);
            Member {
                c,
                persona: u.persona,
                group: u.group.clone(),
            }
        })
        .collect()
}
