//! Fraud personas FP-A..FP-I (`indicators.md` §6.1), shaped after the case files of §5:
//! claims that the evidence contradicts, operators on an East-Asian working day, VPN exits,
//! laptop farms and reused artefacts.

use std::net::IpAddr;

use super::names;
use super::people::{
    address, address_variant, base, cand_id, interviews, mutate_resume, n_logins, phone, resume,
    when, Cand, Ctx, Hours, Mode,
};
use super::persona::{
    actor, city_of, stock_photo, us_city, v4, Actor, Hop, UnitPlan, AGENCIES, STOCK_PHOTOS,
};
use super::rng::{scramble, Rng};
use super::world::{city_idx, Provider, CITIES, IOC_DALLAS, IOC_LOS_ANGELES};

fn fraud_base(ctx: &Ctx, rng: &mut Rng, idx: u64, city: usize) -> Cand {
    let mut c = base(ctx, rng, idx, city);
    let cc = CITIES[city].cc;
    if rng.chance(0.95) {
        c.app.citizenship = cc.to_owned();
        c.app.id_doc_country = cc.to_owned();
    }
    if rng.chance(0.7) {
        c.app.id_doc_address = c.app.home_address.clone();
    }
    interviews(ctx, rng, &mut c, ctx.interviews as usize);
    for iv in &mut c.interviews {
        iv.camera = ["on", "partial", "off"][rng.weighted(&[0.65, 0.15, 0.2])];
        if rng.chance(0.4) {
            iv.notes = (rng.choose(names::FRAUD_NOTES)).to_owned();
        }
    }
    c
}

/// Add one login from North Korea's own range (an operator's slip).
/// Personas whose story needs a few logins get at least `n`, unless logins are switched off.
fn min_logins(ctx: &Ctx, n: usize) -> usize {
    if ctx.logins == 0 {
        0
    } else {
        n
    }
}

fn kp_slip(ctx: &Ctx, rng: &mut Rng, c: &mut Cand, a: &Actor, force: bool) {
    if ctx.logins > 0 && (force || rng.chance(0.08)) {
        let ts = when(rng, a.clock, c.win_start, c.win_span, Hours::Actor);
        let ip = v4(ctx.world.kp_ip(rng));
        c.login(rng, ts, ip, 0, a.clock_name, "en-US", "", (150, 260));
    }
}

fn set_interview_ips(c: &mut Cand, rng: &mut Rng, mut ip: impl FnMut(&mut Rng) -> String) {
    for iv in &mut c.interviews {
        iv.ip = if rng.chance(0.9) {
            ip(rng)
        } else {
            String::new()
        };
    }
}

fn us_exit_ip(ctx: &Ctx, rng: &mut Rng, p: Provider) -> IpAddr {
    let w = ctx.world;
    let e = w
        .exit_in_country(p, "US", rng)
        .unwrap_or_else(|| w.any_exit(p, rng));
    v4(w.exit_ip(e, rng))
}

pub fn fp_a(ctx: &Ctx, rng: &mut Rng, u: &UnitPlan) -> Cand {
    let idx = u.first_idx;
    let city = if rng.chance(0.6) {
        city_idx("Houston")
    } else {
        us_city(rng, &[])
    };
    let mut c = fraud_base(ctx, rng, idx, city);
    let a = actor(rng, false);
    let state = CITIES[city].region;
    // The document: a spelling variant of the first name, an address in another state
    // (Baton Rouge is ~270 miles from Houston).
    let doc_city = if state == "TX" && rng.chance(0.6) {
        city_idx("Baton Rouge")
    } else {
        us_city(rng, &[state])
    };
    c.app.id_doc_name = format!("{} {}", names::spelling_variant(&c.name.first), c.name.last);
    c.app.id_doc_country = "US".into();
    c.app.citizenship = "US".into();
    c.app.id_doc_address = address(doc_city, scramble(idx, ctx.seed));
    c.app.resume_text = format!(
        "Software engineer with 11+ years at US companies; BSc in Computer Science from a New York university. Lived in {} for two years. Interests: food, travel.",
        CITIES[city].name
    );
    c.devices[0].ua = names::UA_MAC_SAFARI;
    c.app.user_agent = names::UA_MAC_SAFARI.into();
    if u.cover || rng.chance(0.7) {
        c.watch(
            "email",
            c.app.email.clone(),
            "do-not-hire list from an industry partner",
        );
    }
    let n = c.interviews.len();
    if n > 0 {
        let other = names::draw_name(rng).full();
        let iv = &mut c.interviews[0];
        iv.display_name = other.clone();
        iv.display_name_changes = format!("{other}|{}", c.app.full_name);
        iv.voice_change = "true";
        let doc = c.app.id_doc_name.clone();
        let iv = &mut c.interviews[n - 1];
        iv.local_knowledge = "fail";
        iv.live_id = "screenshot";
        iv.live_id_name = doc;
        iv.notes =
            "Could not name a local restaurant; showed a photo of a licence instead of the card."
                .into();
    }
    let tz_name = c.claimed_tz_name();
    let app_ip = us_exit_ip(ctx, rng, Provider::Astrill);
    c.set_home_ip(app_ip);
    set_interview_ips(&mut c, rng, |r| {
        us_exit_ip(ctx, r, Provider::Astrill).to_string()
    });
    let n = n_logins(ctx, rng);
    c.run_logins(rng, n, a.clock, Hours::Actor, |r, _| {
        let hosting = r.chance(0.15);
        let ip = if hosting {
            us_exit_ip(ctx, r, Provider::Hosting)
        } else if r.chance(0.05) {
            us_exit_ip(ctx, r, Provider::Proxy)
        } else if r.chance(0.7) {
            us_exit_ip(ctx, r, Provider::Astrill)
        } else {
            us_exit_ip(ctx, r, Provider::Privata)
        };
        Hop {
            ip,
            dev: 0,
            btz: if r.chance(0.8) { tz_name } else { a.clock_name },
            lang: "en-US",
            tool: if hosting {
                r.choose(&["rdp", "chrome_rd"])
            } else {
                ""
            },
            latency: (170, 280),
        }
    });
    kp_slip(ctx, rng, &mut c, &a, false);
    c
}

pub fn fp_b(ctx: &Ctx, rng: &mut Rng, u: &UnitPlan) -> Cand {
    let idx = u.first_idx;
    let city = if rng.chance(0.7) {
        city_idx("Tokyo")
    } else {
        city_idx("Osaka")
    };
    let mut c = fraud_base(ctx, rng, idx, city);
    let a = if rng.chance(0.7) {
        actor(rng, true)
    } else {
        Actor {
            city: city_idx("Vientiane"),
            ..actor(rng, false)
        }
    };
    let w = ctx.world;
    c.app.source = "telegram".into();
    c.app.referred_by.clear();
    if rng.chance(0.5) {
        c.app.github_url = format!(
            "https://github.com/0x{}{}",
            super::people::ascii(&c.name.first),
            super::people::base36(scramble(idx, ctx.seed))
        );
    }
    if rng.chance(0.5) {
        c.app.photo_hash = stock_photo(rng.below(STOCK_PHOTOS));
    }
    if let Some(pos) = c.interviews.len().checked_sub(1).map(|l| l.min(1)) {
        let iv = &mut c.interviews[pos];
        iv.language_check = "fail";
        iv.ended_early = "true";
        iv.screen_share_other_identity = "true";
        iv.ended_at = Some(iv.started_at + 60 * rng.range(8, 15));
        iv.notes = "Asked for a short self-introduction in Japanese; the candidate left the call. Screen share showed repositories of another account.".into();
        c.interviews.truncate(pos + 1);
    }
    let home = v4(w.home_v4(a.city, idx));
    c.set_home_ip(home);
    set_interview_ips(&mut c, rng, |_| home.to_string());
    let cc = CITIES[a.city].cc;
    let n = n_logins(ctx, rng);
    c.run_logins(rng, n, a.clock, Hours::Actor, |r, c| {
        let mobile = r.chance(0.1);
        Hop {
            ip: if mobile { v4(w.mobile(cc, r)) } else { home },
            dev: if mobile { c.mobile_dev() } else { 0 },
            btz: if r.chance(0.7) {
                a.clock_name
            } else {
                "Asia/Tokyo"
            },
            lang: ["en-US", "zh-CN", "ja-JP"][r.weighted(&[0.6, 0.25, 0.15])],
            tool: "",
            latency: (60, 140),
        }
    });
    kp_slip(ctx, rng, &mut c, &a, u.cover);
    c
}

pub fn fp_c(ctx: &Ctx, rng: &mut Rng, u: &UnitPlan) -> Vec<Cand> {
    let w = ctx.world;
    let farm_city = city_of(
        rng,
        &["Las Vegas", "Phoenix", "Nashville", "Columbus", "Atlanta"],
    );
    let farm_state = CITIES[farm_city].region;
    let farm_addr = address(farm_city, scramble(u.first_idx, ctx.seed));
    let farm_ip = v4(w.home_v4(farm_city, u.first_idx));
    let farm_tz = CITIES[farm_city].tz;
    let a = actor(rng, false);
    let shared_payment = rng.chance(0.4).then(|| format!("acct-{}", rng.hex(12)));
    let work = rng.chance(0.7);
    let mut used = vec![farm_state];
    let mut out = Vec::new();
    for m in 0..u.size as u64 {
        let idx = u.first_idx + m;
        let city = if m == 0 {
            city_of(rng, &["Houston", "Dallas", "Austin"])
        } else {
            us_city(rng, &used)
        };
        used.push(CITIES[city].region);
        let farm_tool = if m == 2 { "teamviewer" } else { "anydesk" };
        let mut c = fraud_base(ctx, rng, idx, city);
        if work {
            c.set_mode(rng, Mode::Work);
        }
        c.app.shipping_address = address_variant(&farm_addr, rng);
        if m > 0 {
            c.app.referred_by = cand_id(idx - 1);
            c.app.source = "referral".into();
        }
        if let Some(acct) = &shared_payment {
            c.app.payment_method = "bank".into();
            c.app.payment_account = acct.clone();
        }
        if rng.chance(0.2) {
            c.app.payment_country = "CN".into();
        }
        if m == 0 && (u.cover || rng.chance(0.5)) {
            c.watch(
                "ip",
                farm_ip.to_string(),
                "laptop-farm egress reported by a partner",
            );
        }
        for iv in &mut c.interviews {
            if rng.chance(0.3) {
                iv.voice_change = "true";
            }
        }
        let app_ip = if rng.chance(0.6) {
            farm_ip
        } else {
            us_exit_ip(ctx, rng, Provider::Astrill)
        };
        c.set_home_ip(app_ip);
        set_interview_ips(&mut c, rng, |r| {
            if r.chance(0.6) {
                farm_ip.to_string()
            } else {
                us_exit_ip(ctx, r, Provider::Astrill).to_string()
            }
        });
        let n = n_logins(ctx, rng).max(min_logins(ctx, 4));
        c.run_logins(rng, n, a.clock, Hours::Actor, |r, _| {
            let at_farm = r.chance(0.7);
            Hop {
                ip: if at_farm {
                    farm_ip
                } else {
                    us_exit_ip(ctx, r, Provider::Astrill)
                },
                dev: 0,
                btz: if r.chance(0.85) {
                    farm_tz
                } else {
                    a.clock_name
                },
                lang: "en-US",
                tool: if at_farm && (u.cover || r.chance(0.85)) {
                    farm_tool
                } else {
                    ""
                },
                latency: if at_farm { (140, 230) } else { (180, 260) },
            }
        });
        kp_slip(ctx, rng, &mut c, &a, false);
        out.push(c);
    }
    out
}

pub fn fp_d(ctx: &Ctx, rng: &mut Rng, u: &UnitPlan) -> Cand {
    let w = ctx.world;
    let idx = u.first_idx;
    let city = us_city(rng, &["WA"]);
    let mut c = fraud_base(ctx, rng, idx, city);
    let a = actor(rng, false);
    let ship_city = if rng.chance(0.6) {
        city_idx("Seattle")
    } else {
        us_city(rng, &[CITIES[city].region])
    };
    // A valid stolen identity: documents match the claimed home; the laptop goes elsewhere.
    c.app.id_doc_address = c.app.home_address.clone();
    c.app.id_doc_name = c.app.full_name.clone();
    c.app.shipping_address = address(ship_city, scramble(idx, ctx.seed));
    c.app.photo_hash = stock_photo(if u.cover { 0 } else { rng.below(STOCK_PHOTOS) });
    for iv in &mut c.interviews {
        iv.camera = "on";
    }
    let ship_ip = v4(w.home_v4(ship_city, idx));
    let tz_name = c.claimed_tz_name();
    let app_ip = us_exit_ip(ctx, rng, Provider::Astrill);
    c.set_home_ip(app_ip);
    set_interview_ips(&mut c, rng, |r| {
        us_exit_ip(ctx, r, Provider::Astrill).to_string()
    });
    if rng.chance(0.5) {
        c.set_mode(rng, Mode::Work);
    }
    let n = n_logins(ctx, rng);
    c.run_logins(rng, n, a.clock, Hours::Actor, |r, _| {
        let ship = r.chance(0.4);
        Hop {
            ip: if ship {
                ship_ip
            } else {
                us_exit_ip(ctx, r, Provider::Astrill)
            },
            dev: 0,
            btz: tz_name,
            lang: "en-US",
            tool: if ship && r.chance(0.5) { "ipkvm" } else { "" },
            latency: (150, 250),
        }
    });
    kp_slip(ctx, rng, &mut c, &a, false);
    c
}

pub fn fp_e(ctx: &Ctx, rng: &mut Rng, u: &UnitPlan) -> Cand {
    let w = ctx.world;
    let idx = u.first_idx;
    let city = if rng.chance(0.4) {
        city_idx("Dallas")
    } else {
        us_city(rng, &[])
    };
    let mut c = fraud_base(ctx, rng, idx, city);
    c.set_mode(rng, Mode::Work);
    let a = actor(rng, true);
    let unmanaged = c.add_device(rng, names::UA_WIN_CHROME, Some(false));
    let cn_ip = v4(w.home_v4(a.city, idx));
    let tz_name = c.claimed_tz_name();
    let app_ip = us_exit_ip(ctx, rng, Provider::Astrill);
    c.set_home_ip(app_ip);
    set_interview_ips(&mut c, rng, |r| {
        us_exit_ip(ctx, r, Provider::Astrill).to_string()
    });
    let n = n_logins(ctx, rng).max(min_logins(ctx, 8));
    if n == 0 {
        return c;
    }
    let start = c.win_start;
    // Baseline: the first five logins come from China on the issued laptop.
    for _ in 0..5 {
        let ts = when(rng, a.clock, start, 4, Hours::Actor);
        let lang = if rng.chance(0.7) { "en-US" } else { "zh-CN" };
        c.login(rng, ts, cn_ip, 0, "Asia/Shanghai", lang, "", (30, 80));
    }
    // Then Dallas and Los Angeles through the IOC addresses, on an unmanaged device.
    let t1 = when(rng, a.clock, start + 5, 1, Hours::Actor);
    c.login(
        rng,
        t1,
        v4(IOC_DALLAS),
        unmanaged,
        tz_name,
        "en-US",
        "",
        (180, 260),
    );
    let t2 = when(rng, a.clock, start + 6, 1, Hours::Actor);
    c.login(
        rng,
        t2,
        v4(IOC_LOS_ANGELES),
        unmanaged,
        tz_name,
        "en-US",
        "",
        (180, 260),
    );
    c.win_start = start + 7;
    c.win_span = (c.win_span - 7).max(3);
    c.run_logins(rng, n - 7, a.clock, Hours::Actor, |r, _| Hop {
        ip: us_exit_ip(ctx, r, Provider::Astrill),
        dev: unmanaged,
        btz: tz_name,
        lang: "en-US",
        tool: "",
        latency: (180, 260),
    });
    c.win_start = start;
    kp_slip(ctx, rng, &mut c, &a, false);
    c
}

pub fn fp_f(ctx: &Ctx, rng: &mut Rng, u: &UnitPlan) -> Vec<Cand> {
    let w = ctx.world;
    let farm_city = city_idx("Phoenix");
    let farm_addr = address(farm_city, scramble(u.first_idx, ctx.seed));
    let farm_ip = v4(w.home_v4(farm_city, u.first_idx));
    let agency = (rng.choose(AGENCIES)).to_owned();
    let a = actor(rng, false);
    let years = 6 + rng.below(8) as u32;
    let template = resume(rng, Some(years))
        .replacen(" years of experience", " years experience", 1)
        .replacen("Previously at", "Worked in the", 1);
    let mut out = Vec::new();
    for m in 0..u.size as u64 {
        let idx = u.first_idx + m;
        let city = us_city(rng, &["AZ"]);
        let mut c = fraud_base(ctx, rng, idx, city);
        c.set_mode(rng, Mode::Work);
        c.app.agency = agency.clone();
        c.app.source = "agency".into();
        c.app.referred_by.clear();
        c.app.position = "Systems Administrator".into();
        c.app.shipping_address = address_variant(&farm_addr, rng);
        c.app.resume_text = if m == 0 {
            template.clone()
        } else {
            mutate_resume(&template, rng)
        };
        c.set_home_ip(farm_ip);
        set_interview_ips(&mut c, rng, |_| farm_ip.to_string());
        let n = n_logins(ctx, rng).max(min_logins(ctx, 4));
        c.run_logins(rng, n, a.clock, Hours::Actor, |r, _| Hop {
            ip: farm_ip,
            dev: 0,
            btz: "America/Phoenix",
            lang: "en-US",
            tool: if r.chance(0.3) { "ipkvm" } else { "" },
            latency: (110, 130),
        });
        kp_slip(ctx, rng, &mut c, &a, false);
        out.push(c);
    }
    out
}

pub fn fp_g(ctx: &Ctx, rng: &mut Rng, u: &UnitPlan) -> Cand {
    let w = ctx.world;
    let idx = u.first_idx;
    let city = if rng.chance(0.6) {
        city_idx("Warsaw")
    } else {
        city_idx("Krakow")
    };
    let mut c = fraud_base(ctx, rng, idx, city);
    let a = actor(rng, false);
    if u.cover || rng.chance(0.5) {
        c.app.photo_hash = stock_photo(if u.cover { 0 } else { rng.below(STOCK_PHOTOS) });
    }
    if let Some(iv) = c.interviews.last_mut() {
        iv.local_knowledge = "fail";
        if rng.chance(0.5) {
            iv.language_check = "fail";
        }
        iv.notes = "Could not pronounce own surname or street name; possible face-swap artefacts during head turns.".into();
    }
    let exits: Vec<usize> = ["Amsterdam", "Frankfurt", "Singapore"]
        .iter()
        .filter_map(|n| {
            w.exit_in(Provider::Astrill, city_idx(n))
                .or_else(|| w.exit_in(Provider::Privata, city_idx(n)))
        })
        .collect();
    let moscow = v4(w.home_v4(city_idx("Moscow"), idx));
    let app_ip = v4(w.exit_ip(rng.choose(&exits), rng));
    c.set_home_ip(app_ip);
    set_interview_ips(&mut c, rng, |r| w.exit_ip(r.choose(&exits), r).to_string());
    let n = n_logins(ctx, rng);
    c.run_logins(rng, n, a.clock, Hours::Actor, |r, _| Hop {
        ip: if r.chance(0.9) {
            v4(w.exit_ip(r.choose(&exits), r))
        } else {
            moscow
        },
        dev: 0,
        btz: if r.chance(0.7) {
            "Europe/Warsaw"
        } else {
            a.clock_name
        },
        lang: if r.chance(0.3) { "pl-PL" } else { "en-US" },
        tool: "",
        latency: (120, 220),
    });
    kp_slip(ctx, rng, &mut c, &a, false);
    c
}

pub fn fp_h(ctx: &Ctx, rng: &mut Rng, u: &UnitPlan) -> Cand {
    let w = ctx.world;
    let idx = u.first_idx;
    let city = if rng.chance(0.7) {
        city_idx("Tokyo")
    } else {
        city_idx("Osaka")
    };
    let mut c = fraud_base(ctx, rng, idx, city);
    let a = actor(rng, false);
    c.app.payment_method = "crypto".into();
    c.app.payment_account = format!("wallet:0x{}", rng.hex(16));
    c.app.payment_country.clear();
    if u.cover || rng.chance(0.5) {
        c.watch(
            "payment_account",
            c.app.payment_account.clone(),
            "wallet seen in a prior fraud case",
        );
    }
    if rng.chance(0.3) {
        c.app.photo_hash = stock_photo(rng.below(STOCK_PHOTOS));
    }
    for iv in c.interviews.iter_mut().take(2) {
        iv.camera = "off";
        iv.notes = "Camera \"broken\"; audio only.".into();
    }
    let tokyo = w.exit_in(Provider::Astrill, city_idx("Tokyo")).unwrap_or(0);
    let own = v4(w.home_v4(a.city, idx));
    let app_ip = v4(w.exit_ip(tokyo, rng));
    c.set_home_ip(app_ip);
    set_interview_ips(&mut c, rng, |r| w.exit_ip(tokyo, r).to_string());
    let n = n_logins(ctx, rng);
    c.run_logins(rng, n, a.clock, Hours::Actor, |r, _| Hop {
        ip: if r.chance(0.6) {
            v4(w.exit_ip(tokyo, r))
        } else {
            own
        },
        dev: 0,
        btz: "Asia/Tokyo",
        lang: if r.chance(0.4) { "ja-JP" } else { "en-US" },
        tool: "",
        latency: (90, 180),
    });
    kp_slip(ctx, rng, &mut c, &a, false);
    c
}

pub fn fp_i(ctx: &Ctx, rng: &mut Rng, u: &UnitPlan) -> Vec<Cand> {
    let w = ctx.world;
    let a = actor(rng, false);
    let claim = [
        "Houston",
        "New York",
        "Seattle",
        "Toronto",
        "Singapore",
        "Tokyo",
        "Miami",
    ];
    let mut out: Vec<Cand> = Vec::new();
    let first_day =
        ctx.apply_start_day + rng.below((ctx.apply_span_days - 100).max(1) as u64) as i64;
    for m in 0..2u64 {
        let idx = u.first_idx + m;
        let city = city_of(rng, &claim);
        let mut c = fraud_base(ctx, rng, idx, city);
        let day = if m == 0 {
            first_day
        } else {
            first_day + rng.range(80, 100)
        };
        c.set_applied_day(day);
        if let Some(prev) = out.first() {
            // The rotation: same phone (typed differently), same photo, same laptop.
            c.app.phone = prev.app.phone.replace('-', " ");
            c.app.photo_hash = prev.app.photo_hash.clone();
            c.devices[0].id = prev.devices[0].id.clone();
            c.app.resume_text = mutate_resume(&prev.app.resume_text, rng);
            if rng.chance(0.5) {
                if let Some(iv) = c.interviews.first_mut() {
                    iv.display_name = prev.app.full_name.clone();
                    iv.display_name_changes = format!("{}|{}", prev.app.full_name, c.app.full_name);
                }
            }
        } else {
            if c.app.phone.is_empty() {
                c.app.phone = phone(c.country(), scramble(idx, ctx.seed), "555");
            }
            if c.app.photo_hash.is_empty() {
                c.app.photo_hash = rng.hex(16);
            }
            if u.cover || rng.chance(0.5) {
                c.watch(
                    "phone",
                    c.app.phone.clone(),
                    "phone of a rejected applicant (identity fraud)",
                );
            }
        }
        let own = v4(w.home_v4(a.city, idx));
        let app_ip = us_exit_ip(ctx, rng, Provider::Astrill);
        c.set_home_ip(app_ip);
        set_interview_ips(&mut c, rng, |r| {
            us_exit_ip(ctx, r, Provider::Astrill).to_string()
        });
        let tz_name = c.claimed_tz_name();
        let n = n_logins(ctx, rng);
        c.run_logins(rng, n, a.clock, Hours::Actor, |r, _| Hop {
            ip: if r.chance(0.6) {
                us_exit_ip(ctx, r, Provider::Astrill)
            } else {
                own
            },
            dev: 0,
            btz: if r.chance(0.7) { tz_name } else { a.clock_name },
            lang: "en-US",
            tool: "",
            latency: (150, 250),
        });
        kp_slip(ctx, rng, &mut c, &a, false);
        out.push(c);
    }
    out
}
