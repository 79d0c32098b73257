//! One candidate's record before personas bend it: identity, contact details, documents,
//! payment, resume, devices, interviews and the timing helpers that logins use.
//!
//! Everything here is what an ordinary honest applicant looks like; `persona.rs` changes the
//! fields each fraud persona or honest look-alike is about.

use std::net::IpAddr;

use chrono_tz::Tz;
use deunicode::deunicode;

pub use super::records::{
    App, Device, Interview, Login, Watch, APP_HEADER, INTERVIEW_HEADER, LOGIN_HEADER,
};

use super::names::{self, Name};
use super::rng::{local_to_utc, scramble, weekday, Rng, DAY};
use super::world::{country_of, Country, World, CITIES};

pub struct Ctx<'a> {
    pub world: &'a World,
    pub seed: u64,
    pub logins: u32,
    pub interviews: u32,
    pub apply_start_day: i64,
    pub apply_span_days: i64,
}

/// How a candidate's logins name them.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Mode {
    /// `candidate_id` filled (applicant-portal logins).
    CandidateId,
    /// A work account (`jdoe123@corp.example`), joined through `identities.csv`.
    Work,
    /// The application email, in odd case or with spaces, joined by normalised email.
    Email,
}

/// Hours-of-day profile for activity.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Hours {
    /// Mostly 08–19 local, some evenings.
    Office,
    /// Many late nights.
    Night,
    /// A 09–18 working day on the operator's own clock.
    Actor,
}

pub struct Cand {
    pub idx: u64,
    pub name: Name,
    pub city: usize,
    pub tz: Tz,
    pub applied: i64,
    pub app: App,
    pub interviews: Vec<Interview>,
    pub logins: Vec<Login>,
    pub devices: Vec<Device>,
    pub mode: Mode,
    pub account: String,
    pub watch: Vec<Watch>,
    pub home_ip: IpAddr,
    pub lang: &'static str,
    pub win_start: i64,
    pub win_span: i64,
}

pub fn cand_id(idx: u64) -> String {
    format!("C{:07}", idx + 1)
}

pub fn ascii(s: &str) -> String {
    deunicode(s)
        .to_lowercase()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect()
}

pub fn base36(mut n: u64) -> String {
    const D: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut v = Vec::new();
    loop {
        v.push(D[(n % 36) as usize]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    v.reverse();
    String::from_utf8(v).unwrap_or_default()
}

pub const EMAIL_DOMAINS: &[&str] = &["example.com", "example.org", "example.net"];

/// Unique per candidate: the scrambled index is part of the local part.
pub fn email(name: &Name, s: u64, rng: &mut Rng) -> String {
    let f = ascii(&name.first);
    let l = ascii(&name.last);
    let b = base36(s);
    let d = rng.pick(EMAIL_DOMAINS);
    match rng.below(3) {
        0 => format!("{f}.{l}.{b}@{d}"),
        1 => format!("{f}{l}{b}@{d}"),
        _ => format!("{}{l}.{b}@{d}", f.chars().next().unwrap_or('x')),
    }
}

/// Obviously fictional numbers: NANP `NPA-555-xxxx`, elsewhere `+CC 555 nnnnnnn`. Unique per
/// `s` (a scrambled candidate index). `exchange` "556" gives agency lines that never collide
/// with personal ones.
pub fn phone(country: &Country, s: u64, exchange: &str) -> String {
    if country.dial == "1" {
        let npa = 201 + (s / 10_000 % 105) * 7;
        format!("+1 {npa}-{exchange}-{:04}", s % 10_000)
    } else {
        format!("+{} {exchange} {:07}", country.dial, s % 10_000_000)
    }
}

/// A fictional street address in `city`, unique per `s` within the city.
pub fn address(city: usize, s: u64) -> String {
    let c = &CITIES[city];
    // Offsets by city keep the mapping one-to-one within a city while the same `s` gives
    // unrelated-looking addresses in different cities.
    let k = city as u64;
    let num = 100 + (s + k * 7919) % 9000;
    let n_st = (names::STREETS.len() * names::STREET_KINDS.len()) as u64;
    let st = ((s / 9000 + k * 37) % n_st) as usize;
    let region = if matches!(c.cc, "US" | "CA" | "AU" | "BR") {
        c.region
    } else {
        c.region_name
    };
    format!(
        "{num} {} {}, {}, {region}, {}",
        names::STREETS[st % names::STREETS.len()],
        names::STREET_KINDS[st / names::STREETS.len()],
        c.name,
        c.cc
    )
}

/// The same address as typed by someone else: case or spacing differs, words do not.
pub fn address_variant(a: &str, rng: &mut Rng) -> String {
    match rng.below(4) {
        0 | 1 => a.to_owned(),
        2 => a.to_uppercase(),
        _ => format!(" {}", a.replace(", ", ",  ")),
    }
}

pub fn resume(rng: &mut Rng, years: Option<u32>) -> String {
    let role = rng.pick(names::ROLES);
    let n = years.unwrap_or(2 + rng.below(14) as u32);
    let mut t: Vec<&str> = Vec::new();
    while t.len() < 3 {
        let x = rng.choose(names::TECH);
        if !t.contains(&x) {
            t.push(x);
        }
    }
    let e1 = rng.pick(names::EMPLOYERS);
    let mut e2 = rng.pick(names::EMPLOYERS);
    while e2 == e1 {
        e2 = rng.pick(names::EMPLOYERS);
    }
    format!(
        "{role} with {n} years of experience in {}, {} and {}. Previously at {e1} and {e2}; {} from {}. Recently {} {}.",
        t[0],
        t[1],
        t[2],
        rng.pick(names::DEGREES),
        rng.pick(names::SCHOOLS),
        rng.pick(names::PROJECT_VERBS),
        rng.pick(names::PROJECTS)
    )
}

/// A near-duplicate of `text`: one small edit of the kind copy-paste résumés show.
pub fn mutate_resume(text: &str, rng: &mut Rng) -> String {
    match rng.below(4) {
        0 => text.replacen(" years of experience", " years experience", 1),
        1 => text.replacen("Previously at", "Before worked at", 1),
        2 => text.replacen(" from a ", " from the ", 1) + " Available immediately.",
        _ => format!("{text} Ready to start any time zone."),
    }
}

pub fn github(name: &Name, s: u64, rng: &mut Rng) -> String {
    let f = ascii(&name.first);
    let l = ascii(&name.last);
    let b = base36(s);
    if rng.chance(0.02) {
        format!(
            "https://github.com/{}{f}{b}",
            rng.pick(names::HANDLE_PREFIXES)
        )
    } else if rng.chance(0.5) {
        format!("https://github.com/{f}{l}-{b}")
    } else {
        format!("https://github.com/{f}-{l}{b}")
    }
}

pub fn linkedin(name: &Name, s: u64) -> String {
    format!(
        "https://www.linkedin.com/in/{}-{}-{}",
        ascii(&name.first),
        ascii(&name.last),
        base36(s)
    )
}

/// Hour of day (0..24) for a profile.
fn hour(rng: &mut Rng, h: Hours) -> i64 {
    match h {
        Hours::Night if rng.chance(0.45) => (22 + rng.range(0, 4)) % 24,
        Hours::Office | Hours::Night => {
            let r = rng.unit();
            if r < 0.82 {
                rng.range(8, 18)
            } else if r < 0.97 {
                rng.range(19, 22)
            } else {
                (23 + rng.range(0, 7)) % 24
            }
        }
        Hours::Actor => {
            let r = rng.unit();
            if r < 0.85 {
                rng.range(9, 17)
            } else if r < 0.95 {
                rng.range(18, 22)
            } else {
                rng.range(7, 8)
            }
        }
    }
}

/// A moment on a (mostly week-) day in `start_day .. start_day + span`, at local hours of
/// `tz` following `h`.
pub fn when(rng: &mut Rng, tz: Tz, start_day: i64, span: i64, h: Hours) -> i64 {
    let mut day = start_day + rng.below(span.max(1) as u64) as i64;
    if weekday(day) >= 5 && rng.chance(0.7) {
        day = start_day + rng.below(span.max(1) as u64) as i64;
    }
    let local = day * DAY + hour(rng, h) * 3600 + rng.range(0, 59) * 60 + rng.range(0, 59);
    local_to_utc(tz, local)
}

pub fn n_logins(ctx: &Ctx, rng: &mut Rng) -> usize {
    let l = u64::from(ctx.logins);
    if l == 0 {
        0
    } else {
        (l / 2 + rng.below(l + 1)).max(1) as usize
    }
}

fn citizenship(rng: &mut Rng, claimed: &str) -> &'static str {
    use super::world::COUNTRIES;
    if rng.chance(0.85) {
        COUNTRIES
            .iter()
            .find(|c| c.cc == claimed)
            .map_or("US", |c| c.cc)
    } else {
        rng.pick(COUNTRIES).cc
    }
}

/// What the login export calls the candidate in `mode`: nothing (the row has
/// `candidate_id`), a work account, or the application email typed carelessly.
pub fn account_for(mode: Mode, name: &Name, email: &str, idx: u64, rng: &mut Rng) -> String {
    match mode {
        Mode::CandidateId => String::new(),
        Mode::Work => format!(
            "{}{}{}@corp.example",
            ascii(&name.first).chars().next().unwrap_or('x'),
            ascii(&name.last),
            idx + 1
        ),
        Mode::Email => {
            let e = if rng.chance(0.5) {
                email.to_uppercase()
            } else {
                let mut ch = email.chars();
                ch.next()
                    .map(|f| f.to_uppercase().collect::<String>() + ch.as_str())
                    .unwrap_or_default()
            };
            if rng.chance(0.3) {
                format!(" {e} ")
            } else {
                e
            }
        }
    }
}

/// The default honest applicant in `city`.
pub fn base(ctx: &Ctx, rng: &mut Rng, idx: u64, city: usize) -> Cand {
    let w = ctx.world;
    let name = names::draw_name(rng);
    let country = country_of(city);
    let c = &CITIES[city];
    let tz = w.tz[city];
    let s = scramble(idx, ctx.seed);
    let applied_day = ctx.apply_start_day + rng.below(ctx.apply_span_days as u64) as i64;
    let applied = when(rng, tz, applied_day, 1, Hours::Office);
    let home = address(city, s);
    let home_ip = IpAddr::V4(w.home_v4(city, idx));
    let full = name.full();

    let mut app = App {
        candidate_id: cand_id(idx),
        full_name: full.clone(),
        email: email(&name, s, rng),
        phone: phone(country, s, "555"),
        applied_at: super::rng::rfc3339(applied),
        claimed_city: c.name.to_owned(),
        ..App::default()
    };
    if rng.chance(0.04) {
        app.phone.clear();
    }
    app.claimed_region = if rng.chance(0.15) {
        c.region_name.to_owned()
    } else if matches!(c.cc, "US" | "CA" | "AU" | "BR") {
        c.region.to_owned()
    } else {
        c.region_name.to_owned()
    };
    app.claimed_country = if rng.chance(0.1) {
        country.name.to_owned()
    } else {
        c.cc.to_owned()
    };
    if rng.chance(0.9) {
        app.claimed_timezone = c.tz.to_owned();
    }
    app.citizenship = citizenship(rng, c.cc).to_owned();
    app.home_address = home.clone();
    app.shipping_address = if rng.chance(0.93) {
        home.clone()
    } else {
        String::new()
    };
    let r = rng.unit();
    app.id_doc_name = if r < 0.72 {
        full.clone()
    } else if r < 0.94 {
        full.to_uppercase()
    } else {
        String::new()
    };
    app.id_doc_country = if app.citizenship != c.cc && rng.chance(0.5) {
        app.citizenship.clone()
    } else {
        c.cc.to_owned()
    };
    if app.id_doc_country == c.cc && rng.chance(0.8) {
        app.id_doc_address = home;
    }
    app.payment_method = ["bank", "paypal", "payoneer", "wise", "crypto"]
        [rng.weighted(&[0.72, 0.08, 0.08, 0.10, 0.02])]
    .to_owned();
    app.payment_account = if app.payment_method == "crypto" {
        format!("wallet:0x{}", rng.hex(16))
    } else {
        format!("acct-{}", rng.hex(12))
    };
    if rng.chance(0.95) {
        app.payment_country = c.cc.to_owned();
    }
    if rng.chance(0.75) {
        app.github_url = github(&name, s, rng);
    }
    if rng.chance(0.8) {
        app.linkedin_url = linkedin(&name, s);
    }
    app.resume_text = resume(rng, None);
    if rng.chance(0.85) {
        app.photo_hash = rng.hex(16);
    }
    let sources = [
        "linkedin",
        "indeed",
        "company-site",
        "referral",
        "wellfound",
        "upwork",
        "telegram",
        "other",
    ];
    app.source = sources[rng.weighted(&[0.35, 0.2, 0.15, 0.08, 0.07, 0.08, 0.02, 0.05])].to_owned();
    if app.source == "referral" && idx > 0 {
        app.referred_by = cand_id(rng.below(idx));
    }
    app.position = (rng.choose(names::POSITIONS)).to_owned();
    app.ip = home_ip.to_string();

    let mode = match rng.weighted(&[0.62, 0.33, 0.05]) {
        0 => Mode::CandidateId,
        1 => Mode::Work,
        _ => Mode::Email,
    };
    let managed = (mode == Mode::Work).then_some(true);
    let mut devices = vec![Device {
        id: format!("dev-{}", rng.hex(12)),
        ua: rng.choose(names::DESKTOP_UAS),
        managed,
    }];
    if rng.chance(0.6) {
        devices.push(Device {
            id: format!("dev-{}", rng.hex(12)),
            ua: rng.choose(names::MOBILE_UAS),
            managed: managed.map(|_| false),
        });
    }
    app.user_agent = devices[0].ua.to_owned();
    let account = account_for(mode, &name, &app.email, idx, rng);
    let lang = if country.lang.starts_with("en") || rng.chance(0.7) {
        country.lang
    } else {
        "en-US"
    };
    let (win_start, win_span) = if mode == Mode::Work {
        (applied_day + rng.range(21, 35), 45)
    } else {
        (applied_day + 1, 40)
    };
    Cand {
        idx,
        name,
        city,
        tz,
        applied,
        app,
        interviews: Vec::new(),
        logins: Vec::new(),
        devices,
        mode,
        account,
        watch: Vec::new(),
        home_ip,
        lang,
        win_start,
        win_span,
    }
}

impl Cand {
    pub fn country(&self) -> &'static Country {
        country_of(self.city)
    }

    pub fn claimed_tz_name(&self) -> &'static str {
        CITIES[self.city].tz
    }

    /// Latency is only reported by the managed-endpoint agent on work accounts.
    pub fn latency(&self, rng: &mut Rng, lo: u16, hi: u16) -> Option<u16> {
        (self.mode == Mode::Work).then(|| lo + rng.below(u64::from(hi - lo) + 1) as u16)
    }

    pub fn push(&mut self, l: Login) {
        self.logins.push(l);
    }

    /// Build a login with the candidate's defaults for outcome.
    #[allow(clippy::too_many_arguments)]
    pub fn login(
        &mut self,
        rng: &mut Rng,
        ts: i64,
        ip: IpAddr,
        dev: usize,
        btz: &'static str,
        lang: &'static str,
        tool: &'static str,
        latency: (u16, u16),
    ) {
        let latency = self.latency(rng, latency.0, latency.1);
        let ok = rng.chance(0.96);
        self.push(Login {
            ts,
            ip,
            dev: dev.min(self.devices.len() - 1) as u8,
            ok,
            btz,
            lang,
            tool,
            latency,
        });
    }

    pub fn add_device(&mut self, rng: &mut Rng, ua: &'static str, managed: Option<bool>) -> usize {
        self.devices.push(Device {
            id: format!("dev-{}", rng.hex(12)),
            ua,
            managed,
        });
        self.devices.len() - 1
    }

    pub fn mobile_dev(&self) -> usize {
        if self.devices.len() > 1 {
            1
        } else {
            0
        }
    }
}

fn stage_names(k: usize) -> Vec<&'static str> {
    const MID: [&str; 10] = [
        "technical",
        "technical-2",
        "technical-3",
        "technical-4",
        "technical-5",
        "technical-6",
        "technical-7",
        "technical-8",
        "technical-9",
        "technical-10",
    ];
    match k {
        0 => vec![],
        1 => vec!["screening"],
        _ => {
            let mut v = vec!["screening"];
            v.extend(MID.iter().cycle().take(k - 2));
            v.push("final");
            v
        }
    }
}

/// Honest interviews: `min` stages at least (capped at the configured count).
pub fn interviews(ctx: &Ctx, rng: &mut Rng, c: &mut Cand, min: usize) {
    let k = ctx.interviews as usize;
    if k == 0 {
        return;
    }
    let names = stage_names(k);
    let n = if rng.chance(0.15) {
        1 + rng.below(k as u64) as usize
    } else {
        k
    }
    .max(min.min(k));
    let company_tz = chrono_tz::America::New_York;
    let mut day = c.applied.div_euclid(DAY) + rng.range(3, 9);
    let platform = rng.choose(&["zoom", "teams", "meet", "zoom", ""]);
    let local_lang = !c.country().lang.starts_with("en");
    for (i, stage) in names.iter().take(n).enumerate() {
        let start_local = day * DAY + rng.range(9, 16) * 3600 + 900 * rng.range(0, 3);
        let start = local_to_utc(company_tz, start_local);
        let end = start + 60 * rng.range(25, 60);
        let r = rng.unit();
        let ip = if r < 0.8 {
            c.home_ip.to_string()
        } else if r < 0.9 {
            c.world_mobile(ctx, rng)
        } else {
            String::new()
        };
        let full = c.app.full_name.clone();
        let (display_name, changes) = {
            let r = rng.unit();
            if r < 0.75 {
                (full.clone(), String::new())
            } else if r < 0.87 {
                (c.name.first.clone(), String::new())
            } else if r < 0.92 {
                (names::benign_variant(&c.name, rng), String::new())
            } else if r < 0.95 {
                let dev = rng.choose(&["iPhone", "Galaxy S24", "Zoom user", "Guest"]);
                (dev.to_owned(), format!("{dev}|{full}"))
            } else {
                (String::new(), String::new())
            }
        };
        let camera = ["on", "partial", "off"][rng.weighted(&[0.9, 0.06, 0.04])];
        let last = i + 1 == names.len();
        let mut iv = Interview {
            interview_id: format!("I{:07}-{}", c.idx + 1, i + 1),
            stage,
            started_at: start,
            ended_at: rng.chance(0.97).then_some(end),
            platform,
            ip,
            display_name,
            display_name_changes: changes,
            camera,
            voice_change: if rng.chance(0.7) { "false" } else { "" },
            ended_early: if rng.chance(0.6) { "false" } else { "" },
            screen_share_other_identity: if rng.chance(0.5) { "false" } else { "" },
            notes: (rng.choose(names::HONEST_NOTES)).to_owned(),
            ..Interview::default()
        };
        if last && rng.chance(0.25) {
            iv.local_knowledge = if rng.chance(0.99) { "pass" } else { "fail" };
        }
        if last && rng.chance(0.35) {
            iv.live_id = ["physical", "screenshot", "refused"][rng.weighted(&[0.97, 0.02, 0.01])];
            if iv.live_id != "refused" {
                iv.live_id_name = if c.app.id_doc_name.is_empty() {
                    full.clone()
                } else {
                    c.app.id_doc_name.clone()
                };
            }
        }
        if local_lang && rng.chance(0.1) {
            iv.language_check = "pass";
        }
        if rng.chance(0.01) {
            iv.ended_early = "true";
            iv.notes = "Connection dropped near the end; rescheduled the last question.".into();
        }
        c.interviews.push(iv);
        day += rng.range(2, 8);
    }
}

impl Cand {
    fn world_mobile(&self, ctx: &Ctx, rng: &mut Rng) -> String {
        ctx.world.mobile(self.country().cc, rng).to_string()
    }
}
