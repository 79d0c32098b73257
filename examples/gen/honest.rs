//! Honest applicants: `plain`, and the look-alikes BC-1..BC-11 that trip single indicators
//! without any inconsistency behind them (`indicators.md` §6.2, plus BC-10 night owl and
//! BC-11 heritage-language browser locale).

use std::net::IpAddr;

use super::names::{self, Name};
use super::people::{
    account_for, address, address_variant, base, interviews, n_logins, phone, resume, when, Cand,
    Ctx, Hours, Mode,
};
use super::persona::{city_of, honest_city, pick_city, us_city, v4, Hop, UnitPlan, AGENCIES};
use super::rng::{scramble, Rng, DAY};
use super::world::{city_idx, country_of, Provider, CITIES};

fn honest_logins(ctx: &Ctx, rng: &mut Rng, c: &mut Cand, hours: Hours, lang: &'static str) {
    let w = ctx.world;
    let n = n_logins(ctx, rng);
    let btz = c.claimed_tz_name();
    let v6 = rng.chance(0.2);
    let devbox = rng.chance(0.05);
    // A few privacy-minded people sign in over Tor once.
    let tor = rng.chance(0.003);
    let n_trip = if rng.chance(0.06) {
        rng.range(1, 3) as usize
    } else {
        0
    };
    let dest = if rng.chance(0.6) {
        let cc = c.country().cc;
        let home = c.city;
        let same: Vec<usize> = (0..CITIES.len())
            .filter(|&i| CITIES[i].cc == cc && i != home)
            .collect();
        if same.is_empty() {
            honest_city(rng)
        } else {
            rng.choose(&same)
        }
    } else {
        honest_city(rng)
    };
    let dest = if dest == c.city {
        (dest + 1) % CITIES.len()
    } else {
        dest
    };
    for i in 0..n {
        if i < n_trip {
            let ts = when(rng, w.tz[dest], c.win_start, c.win_span, Hours::Office);
            let ip = v4(w.home_v4(dest, c.idx));
            c.login(rng, ts, ip, 0, CITIES[dest].tz, lang, "", (40, 160));
            continue;
        }
        let ts = when(rng, c.tz, c.win_start, c.win_span, hours);
        if tor && i == n_trip {
            let e = w.any_exit(Provider::Tor, rng);
            let ip = v4(w.exit_ip(e, rng));
            c.login(rng, ts, ip, 0, btz, lang, "", (150, 400));
            continue;
        }
        let r = rng.unit();
        if devbox && r < 0.1 {
            let e = w.any_exit(Provider::Hosting, rng);
            let ip = v4(w.exit_ip(e, rng));
            c.login(rng, ts, ip, 0, btz, lang, "", (20, 90));
        } else if r < 0.86 {
            let ip = if v6 && rng.chance(0.4) {
                IpAddr::V6(w.home_v6(c.city, c.idx, rng.next_u64()))
            } else {
                c.home_ip
            };
            let tool = if c.mode == Mode::Work && rng.chance(0.01) {
                rng.choose(&["rdp", "rdp", "teamviewer"])
            } else {
                ""
            };
            c.login(rng, ts, ip, 0, btz, lang, tool, (8, 45));
        } else {
            let ip = v4(w.mobile(c.country().cc, rng));
            let dev = c.mobile_dev();
            c.login(rng, ts, ip, dev, btz, lang, "", (35, 90));
        }
    }
}

pub fn plain(ctx: &Ctx, rng: &mut Rng, idx: u64) -> Cand {
    let city = honest_city(rng);
    let mut c = base(ctx, rng, idx, city);
    interviews(ctx, rng, &mut c, 0);
    let lang = c.lang;
    honest_logins(ctx, rng, &mut c, Hours::Office, lang);
    c
}

/// Fraud applicants present as locals with a clean-looking (often stolen) identity, and get
/// through more stages; interviewers notice more camera and coaching oddities.
pub fn bc1(ctx: &Ctx, rng: &mut Rng, idx: u64) -> Cand {
    let w = ctx.world;
    let city = pick_city(rng, |i| {
        w.has_exit_in_country(Provider::Privata, CITIES[i].cc)
    });
    let mut c = base(ctx, rng, idx, city);
    interviews(ctx, rng, &mut c, 0);
    let exit = w
        .exit_in(Provider::Privata, city)
        .or_else(|| w.exit_in_country(Provider::Privata, CITIES[city].cc, rng))
        .unwrap_or(0);
    let ip = v4(w.exit_ip(exit, rng));
    c.set_home_ip(ip);
    for iv in &mut c.interviews {
        iv.ip = w.exit_ip(exit, rng).to_string();
    }
    let (btz, lang) = (c.claimed_tz_name(), c.lang);
    let n = n_logins(ctx, rng);
    let tz = c.tz;
    c.run_logins(rng, n, tz, Hours::Office, |r, _| Hop {
        ip: v4(w.exit_ip(exit, r)),
        dev: 0,
        btz,
        lang,
        tool: "",
        latency: (25, 80),
    });
    c
}

pub fn bc2(ctx: &Ctx, rng: &mut Rng, idx: u64) -> Cand {
    let w = ctx.world;
    let city = honest_city(rng);
    let mut c = base(ctx, rng, idx, city);
    interviews(ctx, rng, &mut c, 0);
    let home_cc = CITIES[city].cc;
    let venues: Vec<usize> = [
        "Berlin",
        "Amsterdam",
        "London",
        "Singapore",
        "Tokyo",
        "San Francisco",
        "Las Vegas",
        "Paris",
        "Toronto",
        "Sydney",
        "Dubai",
        "Seoul",
    ]
    .iter()
    .map(|n| city_idx(n))
    .filter(|&i| CITIES[i].cc != home_cc)
    .collect();
    let legs = rng.range(2, 3) as usize;
    let mut trip: Vec<usize> = Vec::new();
    while trip.len() < legs {
        let v = rng.choose(&venues);
        if trip.iter().all(|&t| CITIES[t].cc != CITIES[v].cc) {
            trip.push(v);
        }
    }
    let trip_days = rng.range(5, 7);
    let trip_start = c.win_start + rng.below((c.win_span - trip_days).max(1) as u64) as i64;
    let lang = c.lang;
    let n_trip = if ctx.logins == 0 { 0 } else { rng.range(5, 9) };
    for i in 0..n_trip {
        // Every leg gets logins: leg i % legs, on one of that leg's days.
        let leg = i as usize % legs;
        let first = (leg as i64 * trip_days) / legs as i64;
        let last = ((leg as i64 + 1) * trip_days) / legs as i64;
        let off = first + rng.below((last - first).max(1) as u64) as i64;
        let dest = trip[leg];
        let ts = when(rng, w.tz[dest], trip_start + off, 1, Hours::Office);
        let roaming = rng.chance(0.15);
        let (ip, dev) = if roaming {
            (v4(w.mobile(home_cc, rng)), c.mobile_dev())
        } else {
            (v4(w.home_v4(dest, idx)), 0)
        };
        c.login(rng, ts, ip, dev, CITIES[dest].tz, lang, "", (60, 180));
    }
    if let Some(iv) = c.interviews.first_mut() {
        iv.notes = format!(
            "Mentioned a conference trip to {} next month.",
            trip.iter()
                .map(|&t| CITIES[t].name)
                .collect::<Vec<_>>()
                .join(" and ")
        );
    }
    // Home logins outside the trip.
    let n = n_logins(ctx, rng);
    let (btz, home_ip, tz) = (c.claimed_tz_name(), c.home_ip, c.tz);
    for _ in 0..n {
        let mut ts = when(rng, tz, c.win_start, c.win_span, Hours::Office);
        let day = ts.div_euclid(DAY);
        if day >= trip_start - 1 && day <= trip_start + trip_days {
            ts += (trip_days + 2) * DAY;
        }
        c.login(rng, ts, home_ip, 0, btz, lang, "", (8, 45));
    }
    c
}

pub fn bc3(ctx: &Ctx, rng: &mut Rng, idx: u64) -> Cand {
    let w = ctx.world;
    let city = city_of(rng, &["Beijing", "Shanghai", "Shenyang"]);
    let mut c = base(ctx, rng, idx, city);
    interviews(ctx, rng, &mut c, 0);
    c.app.citizenship = "CN".into();
    c.app.id_doc_country = "CN".into();
    c.app.payment_method = "bank".into();
    c.app.payment_account = format!("acct-{}", rng.hex(12));
    c.app.payment_country = "CN".into();
    let home = c.home_ip;
    let app_ip = v4(w.exit_ip(w.any_exit(Provider::Astrill, rng), rng));
    c.set_home_ip(app_ip);
    c.home_ip = home;
    let n = n_logins(ctx, rng);
    let tz = c.tz;
    c.run_logins(rng, n, tz, Hours::Office, |r, _| Hop {
        ip: if r.chance(0.65) {
            v4(w.exit_ip(w.any_exit(Provider::Astrill, r), r))
        } else {
            home
        },
        dev: 0,
        btz: "Asia/Shanghai",
        lang: if r.chance(0.7) { "zh-CN" } else { "en-US" },
        tool: "",
        latency: (60, 160),
    });
    c
}

pub fn bc4(ctx: &Ctx, rng: &mut Rng, u: &UnitPlan) -> Vec<Cand> {
    let city = honest_city(rng);
    let mut out: Vec<Cand> = Vec::new();
    for m in 0..u.size as u64 {
        let idx = u.first_idx + m;
        let mut c = base(ctx, rng, idx, city);
        if let Some(first) = out.first() {
            let mut firsts = vec![first.name.first.clone()];
            let mut f = names::draw_first(rng);
            while firsts.contains(&f) {
                f = names::draw_first(rng);
            }
            firsts.push(f.clone());
            c.name = Name {
                first: f,
                last: first.name.last.clone(),
            };
            let full = c.name.full();
            c.app.full_name = full.clone();
            c.app.id_doc_name = if rng.chance(0.3) {
                full.to_uppercase()
            } else {
                full
            };
            let s = scramble(idx, ctx.seed);
            c.app.email = super::people::email(&c.name, s, rng);
            c.account = account_for(c.mode, &c.name, &c.app.email, idx, rng);
            c.app.home_address = first.app.home_address.clone();
            c.set_home_ip(first.home_ip);
        }
        c.app.id_doc_country = CITIES[city].cc.into();
        c.app.id_doc_address = c.app.home_address.clone();
        c.app.shipping_address = address_variant(&c.app.home_address, rng);
        interviews(ctx, rng, &mut c, 0);
        let lang = c.lang;
        honest_logins(ctx, rng, &mut c, Hours::Office, lang);
        out.push(c);
    }
    out
}

pub fn bc5(ctx: &Ctx, rng: &mut Rng, u: &UnitPlan) -> Vec<Cand> {
    let w = ctx.world;
    let agency = (rng.choose(AGENCIES)).to_owned();
    let office_cc = if rng.chance(0.7) {
        "US"
    } else {
        rng.choose(&["IN", "PH", "PL", "GB"])
    };
    let cities: Vec<usize> = (0..u.size).map(|_| honest_city(rng)).collect();
    // The office is in a different city from the first member, so its address slot (the
    // first member's index) is nobody's home.
    let office_city = if (0..CITIES.len()).any(|i| CITIES[i].cc == office_cc && i != cities[0]) {
        pick_city(rng, |i| CITIES[i].cc == office_cc && i != cities[0])
    } else {
        pick_city(rng, |i| i != cities[0])
    };
    let s = scramble(u.first_idx, ctx.seed);
    let agency_phone = phone(country_of(office_city), s, "556");
    let office_ip = w.home_v4(office_city, u.first_idx).to_string();
    let mut out = Vec::new();
    for (m, &city) in cities.iter().enumerate() {
        let idx = u.first_idx + m as u64;
        let mut c = base(ctx, rng, idx, city);
        c.app.agency = agency.clone();
        c.app.source = "agency".into();
        c.app.referred_by.clear();
        c.app.phone = agency_phone.clone();
        c.app.ip = office_ip.clone();
        let r = resume(rng, None);
        c.app.resume_text = format!("Candidate profile ({agency}). {r}");
        interviews(ctx, rng, &mut c, 0);
        let lang = c.lang;
        honest_logins(ctx, rng, &mut c, Hours::Office, lang);
        out.push(c);
    }
    out
}

pub fn bc6(ctx: &Ctx, rng: &mut Rng, idx: u64) -> Cand {
    let mut c = plain(ctx, rng, idx);
    let variant = names::benign_variant(&c.name, rng);
    c.app.id_doc_name = if rng.chance(0.5) {
        variant.to_uppercase()
    } else {
        variant.clone()
    };
    for iv in &mut c.interviews {
        if rng.chance(0.5) {
            iv.display_name = variant.clone();
        }
        if !iv.live_id_name.is_empty() {
            iv.live_id_name = c.app.id_doc_name.clone();
        }
    }
    c
}

pub fn bc7(ctx: &Ctx, rng: &mut Rng, idx: u64) -> Cand {
    let city = us_city(rng, &[]);
    let mut c = base(ctx, rng, idx, city);
    let old = us_city(rng, &[CITIES[city].region]);
    c.app.citizenship = "US".into();
    c.app.id_doc_country = "US".into();
    c.app.id_doc_address = address(old, scramble(idx, ctx.seed));
    c.app.shipping_address = c.app.home_address.clone();
    interviews(ctx, rng, &mut c, 0);
    if let Some(iv) = c.interviews.first_mut() {
        iv.notes = format!(
            "Moved from {} a few months ago; licence not updated yet.",
            CITIES[old].name
        );
    }
    let lang = c.lang;
    honest_logins(ctx, rng, &mut c, Hours::Office, lang);
    c
}

pub fn bc8(ctx: &Ctx, rng: &mut Rng, idx: u64) -> Cand {
    let mut c = plain(ctx, rng, idx);
    if c.app.github_url.is_empty() {
        let s = scramble(idx, ctx.seed);
        c.app.github_url = super::people::github(&c.name, s, rng);
    }
    c.app.resume_text.push_str(
        " GitHub account created in 2024; older repositories (2016 onwards) re-uploaded from a personal archive.",
    );
    c
}

pub fn bc9(ctx: &Ctx, rng: &mut Rng, idx: u64) -> Cand {
    let city = honest_city(rng);
    let mut c = base(ctx, rng, idx, city);
    interviews(ctx, rng, &mut c, 2);
    for (i, iv) in c.interviews.iter_mut().enumerate() {
        if i == 0 {
            iv.camera = "off";
            iv.notes = "Camera not working on this laptop; joined with audio only.".into();
        } else {
            iv.camera = "on";
        }
    }
    let lang = c.lang;
    honest_logins(ctx, rng, &mut c, Hours::Office, lang);
    c
}

pub fn bc10(ctx: &Ctx, rng: &mut Rng, idx: u64) -> Cand {
    let city = honest_city(rng);
    let mut c = base(ctx, rng, idx, city);
    interviews(ctx, rng, &mut c, 0);
    let lang = c.lang;
    honest_logins(ctx, rng, &mut c, Hours::Night, lang);
    c
}

pub fn bc11(ctx: &Ctx, rng: &mut Rng, idx: u64) -> Cand {
    let city = us_city(rng, &[]);
    let mut c = base(ctx, rng, idx, city);
    c.app.citizenship = "US".into();
    interviews(ctx, rng, &mut c, 0);
    honest_logins(ctx, rng, &mut c, Hours::Office, "ko-KR");
    c
}
