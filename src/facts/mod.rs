//! Derived facts: what the engine works out about one candidate before any rule runs, so
//! rules stay short comparisons and each fact is computed once. Every fact has a name, a type
//! and a line of documentation in [`SCHEMA`] (rules are validated against it), and carries the
//! cells it was computed from, which become a finding's `sources`. A fact that cannot be
//! computed (no claimed country, no logins) is null, never zero or false.

pub mod names;
pub mod watch;

use crate::enrich::gazetteer::{distance_km, offset_hours, Gazetteer};
use crate::ingest::values::{is_one_of, TRUE_WORDS};
use crate::model::{app, interview, Candidate, Claim, IpGroup, IpInfo, SourceRef, REMOTE_TOOLS};
use std::collections::{BTreeMap, BTreeSet};
use watch::Watchlist;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FactType {
    Bool,
    Int,
    Float,
    Str,
    List,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Fact {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    List(Vec<String>),
}

macro_rules! facts {
    ($($c:ident = $name:literal : $ty:ident, $doc:literal;)*) => {
        /// Every fact: name, type, meaning.
        pub const SCHEMA: &[(&str, FactType, &str)] = &[$(($name, FactType::$ty, $doc)),*];
        facts!(@idx 0usize; $($c),*);
    };
    (@idx $n:expr; $head:ident $(, $tail:ident)*) => {
        pub const $head: usize = $n;
        facts!(@idx $n + 1usize; $($tail),*);
    };
    (@idx $n:expr;) => {};
}

facts! {
    NAME_VS_ID_DOC = "name_vs_id_doc": Float, "similarity 0-1 of full_name and id_doc_name (case, accents, order, nicknames folded)";
    INTERVIEW_NAMES_UNMATCHED = "interview_names_unmatched": List, "names shown in interviews (display names and renames) that match neither full_name nor id_doc_name";
    RENAMED_IN_CALL = "renamed_in_call": Int, "interviews in which the display name changed";
    LIVE_ID_NAME_MISMATCH = "live_id_name_mismatch": Int, "interviews whose live ID name does not match full_name";
    LIVE_ID_REFUSED = "live_id_refused": Int, "interviews where a live ID was refused";
    LIVE_ID_SCREENSHOT = "live_id_screenshot": Int, "interviews where only a screenshot of an ID was shown";
    VOICE_CHANGE = "voice_change": Int, "interviews with a voice change observed";
    LOCAL_KNOWLEDGE_FAIL = "local_knowledge_fail": Int, "interviews with a failed local-knowledge check";
    LANGUAGE_CHECK_FAIL = "language_check_fail": Int, "interviews with a failed check of the claimed language";
    ENDED_EARLY = "ended_early": Int, "interviews the candidate ended early";
    SCREEN_SHARE_OTHER = "screen_share_other_identity": Int, "interviews whose screen share showed another identity";
    CAMERA_OFF = "camera_off": Int, "interviews with the camera off";
    CAMERA_OFF_STAGES = "camera_off_stages": Int, "distinct interview stages with the camera off";
    INTERVIEWS = "interviews": Int, "interview sessions joined to the candidate";
    CLAIMED_COUNTRY = "claimed_country": Str, "claimed country, ISO alpha-2";
    CLAIMED_PLACE = "claimed_place": Str, "the claimed city as found in the gazetteer";
    CLAIMED_TZ = "claimed_tz": Str, "the claimed IANA zone (claimed_timezone, else the claimed city's, else the country's)";
    CLAIMED_TZ_CONFLICT = "claimed_tz_conflict": Bool, "claimed_timezone is 2+ hours off the claimed city's zone";
    ID_DOC_COUNTRY_DIFFERS = "id_doc_country_differs": Bool, "the ID document's country differs from the claimed country";
    PAYMENT_COUNTRY_DIFFERS = "payment_country_differs": Bool, "the payment country differs from the claimed country";
    PAYMENT_CRYPTO = "payment_crypto": Bool, "payment_method is a cryptocurrency";
    SHIP_DIFFERS_ID_ADDRESS = "ship_differs_id_address": Bool, "shipping_address differs from id_doc_address (normalised)";
    SHIP_DIFFERS_HOME = "ship_differs_home": Bool, "shipping_address differs from home_address (normalised)";
    APP_IP_COUNTRY = "app_ip_country": Str, "country of the application's submission IP";
    APP_IP_OUTSIDE_CLAIM = "app_ip_outside_claim": Bool, "the application was submitted from a non-anonymized IP outside the claimed country";
    LOGINS = "logins": Int, "sign-ins joined to the candidate";
    LOGINS_GEO = "logins_geo": Int, "sign-ins whose country is known";
    LOGIN_COUNTRIES = "login_countries": List, "countries of sign-ins";
    LOGINS_OUTSIDE_CLAIM = "logins_outside_claim": Int, "sign-ins from a country other than the claimed one";
    SHARE_OUTSIDE_CLAIM = "share_outside_claim": Float, "share of located sign-ins outside the claimed country";
    COUNTRIES_OUTSIDE_CLAIM = "countries_outside_claim": List, "countries other than the claimed one that sign-ins came from";
    DIRECT_OUTSIDE_CLAIM = "direct_outside_claim": Int, "sign-ins outside the claimed country from addresses that are not VPN, proxy or hosting";
    DIRECT_COUNTRIES_OUTSIDE_CLAIM = "direct_countries_outside_claim": List, "countries of those direct sign-ins";
    DIRECT_LOGINS_GEO = "direct_logins_geo": Int, "located sign-ins from addresses that are not VPN, proxy or hosting";
    DIRECT_IN_CLAIM_SHARE = "direct_in_claim_share": Float, "share of located direct sign-ins inside the claimed country (null without any)";
    LOGIN_KM_MEDIAN = "login_km_median": Float, "median distance in km of city-located direct sign-ins from the claimed city";
    INTERVIEW_COUNTRIES = "interview_countries": List, "countries of interview connections";
    INTERVIEWS_OUTSIDE_CLAIM = "interviews_outside_claim": Int, "interview connections from outside the claimed country";
    KP_HITS = "kp_hits": Int, "addresses (application, sign-ins, interviews) inside North Korea's allocation";
    IOC_HITS = "ioc_hits": Int, "addresses that are published indicator IPs (rules/lists/ioc_ips.csv)";
    IOC_LABELS = "ioc_labels": List, "labels of those indicators";
    ANONYMIZED_LOGINS = "anonymized_logins": Int, "sign-ins via VPN, proxy, Tor or hosting";
    ANONYMIZED_SHARE = "anonymized_share": Float, "share of sign-ins via VPN, proxy, Tor or hosting";
    ANONYMIZED_OUTSIDE_CLAIM = "anonymized_outside_claim": Int, "anonymized sign-ins whose exit is outside the claimed country";
    ANONYMIZERS = "anonymizers": List, "the networks or flags that marked sign-ins anonymized";
    MAX_SPEED_KMH = "max_speed_kmh": Float, "fastest implied travel between consecutive direct sign-ins more than 500 km apart";
    SPEED_PAIR = "speed_pair": Str, "the two sign-ins behind max_speed_kmh";
    MAX_COUNTRIES_24H = "max_countries_24h": Int, "most distinct countries of direct sign-ins within any 24 hours";
    EARLY_ELSEWHERE_THEN_CLAIM = "early_elsewhere_then_claim": Bool, "the first direct sign-ins came from another country, later ones from the claimed country";
    EARLY_COUNTRIES = "early_countries": List, "countries of those first sign-ins";
    HOURS_LOGINS = "hours_logins": Int, "sign-ins counted in the hour histograms";
    WORK_HOURS_SHARE = "work_hours_share": Float, "share of sign-ins between 08:00 and 19:00 in the claimed zone";
    NIGHT_SHARE = "night_share": Float, "share of sign-ins between 22:00 and 06:00 in the claimed zone";
    CLAIMED_OFFSET = "claimed_offset": Float, "UTC offset in hours of the claimed zone";
    BEST_OFFSET = "best_offset": Int, "the UTC offset whose 09:00-18:00 holds the most sign-ins";
    BEST_OFFSET_SHARE = "best_offset_share": Float, "share of sign-ins inside 09:00-18:00 at best_offset";
    EAST_ASIA_SHARE = "east_asia_share": Float, "best share of sign-ins inside 09:00-18:00 at UTC+7..+10";
    REMOTE_TOOLS_USED = "remote_tools": List, "remote-access tools seen on sign-ins";
    UNMANAGED_LOGINS = "unmanaged_logins": Int, "sign-ins from unmanaged devices";
    UNMANAGED_SHARE = "unmanaged_share": Float, "share of sign-ins with a known device state that were unmanaged";
    LATENCY_MS_MEAN = "latency_ms_mean": Float, "mean input latency in ms";
    LATENCY_SAMPLES = "latency_samples": Int, "sign-ins with a latency value";
    BROWSER_TZ_OFF = "browser_tz_off": Int, "sign-ins whose browser zone is 3+ hours off the claimed zone";
    BROWSER_TZS_OFF = "browser_tzs_off": List, "those browser zones";
    WATCHLIST_HITS = "watchlist_hits": List, "watchlist entries matched, as 'type value (note)'";
    // Linking (src/link): set by the link stage after `derive`. Lists hold other candidates'
    // ids. Explained links (agency, household) and links to the same name (a duplicate
    // application) never count here; a list is null when the candidate lacks the artefact.
    SAME_PHONE_OTHER_NAME = "same_phone_other_name": List, "other candidates with the same phone (normalised, claimed country's code) under a different name";
    SAME_EMAIL_OTHER_NAME = "same_email_other_name": List, "other candidates with the same email (case, plus-tag, Gmail dots folded) under a different name";
    SAME_PHOTO_OTHER_NAME = "same_photo_other_name": List, "other candidates with the same photo_hash under a different name";
    SAME_PAYMENT_OTHER_NAME = "same_payment_other_name": List, "other candidates with the same payment_account under a different name";
    SHARED_SHIPPING = "shared_shipping": List, "other candidates with the same shipping_address (normalised) and a different surname or a different ID/home address";
    SHARED_SHIPPING_COUNT = "shared_shipping_count": Int, "how many candidates are in shared_shipping";
    SHARED_HOME_ADDRESS = "shared_home_address": List, "other candidates with the same home_address (normalised) and a different surname";
    SHARED_LOGIN_IP_24H = "shared_login_ip_24h": List, "other candidates (different names) who used the same public, non-anonymized IP within 24 hours of this candidate, each at least twice (sign-ins and the application submission)";
    SHARED_DEVICE = "shared_device": List, "other candidates (different names) who signed in with the same device_id";
    RESUME_NEAR_DUPLICATE = "resume_near_duplicate": List, "other candidates (different names) whose resume_text is a near-duplicate (word-shingle Jaccard >= 0.8, names and contacts removed)";
    RESUME_SIMILARITY_MAX = "resume_similarity_max": Float, "highest resume Jaccard similarity with another candidate (1.0 = identical apart from names and contacts; 0 when none)";
    ROTATION_OF = "rotation_of": List, "earlier applications under other names whose phone, photo hash or sign-in device this application reuses";
    ROTATION_GAP_DAYS = "rotation_gap_days": Int, "days between this application and the earliest application in rotation_of (0 when none)";
    REFERRED_BY_FLAGGED = "referred_by_flagged": Bool, "the referrer's first-pass verdict is review or escalate, or it shares a cluster with an escalated candidate";
    REFERRER_VERDICT = "referrer_verdict": Str, "first-pass verdict of the candidate in referred_by (clear, review, escalate)";
    REFERRER_CLUSTER_ESCALATED = "referrer_cluster_escalated": Bool, "the referrer shares a cluster with a candidate escalated in the first pass";
    CLUSTER_SIZE = "cluster_size": Int, "candidates in this candidate's cluster (1 when linked to nobody)";
    LINK_EXPLANATIONS = "link_explanations": List, "links explained as agency or household, as 'explanation: key shared with id'";
    SAME_NAME_OTHERS = "same_name_others": List, "other candidates with a near-identical name (weak: names alone prove nothing)";
    CAPPED_KEYS = "capped_keys": List, "this candidate's keys shared by too many candidates to link on (an office egress, a placeholder value)";
}

/// Facts of one candidate, by [`SCHEMA`] index, each with the cells it rests on.
#[derive(Clone, Debug)]
pub struct Facts {
    pub values: Vec<Fact>,
    pub prov: Vec<Vec<SourceRef>>,
}

impl Default for Facts {
    fn default() -> Self {
        Facts {
            values: vec![Fact::Null; SCHEMA.len()],
            prov: vec![Vec::new(); SCHEMA.len()],
        }
    }
}

impl Facts {
    pub fn set(&mut self, i: usize, v: Fact, prov: impl IntoIterator<Item = SourceRef>) {
        self.values[i] = v;
        // A reused `Facts` keeps its buffers (see [`derive_into`]); a new one takes the
        // given vector as it is.
        let p = &mut self.prov[i];
        if p.capacity() == 0 {
            *p = prov.into_iter().collect();
        } else {
            p.clear();
            p.extend(prov);
        }
        p.sort();
        p.dedup();
    }
    /// Every fact back to unknown, keeping the buffers.
    pub fn reset(&mut self) {
        self.values.fill(Fact::Null);
        self.prov.iter_mut().for_each(Vec::clear);
    }
    pub fn get(&self, i: usize) -> &Fact {
        &self.values[i]
    }
    pub fn index(name: &str) -> Option<usize> {
        SCHEMA.iter().position(|(n, _, _)| *n == name)
    }
}

/// What facts are derived with.
pub struct FactEnv<'a> {
    pub watch: &'a Watchlist,
}

/// Resolves the claimed place and zone of an application.
pub fn resolve_claim(a: &crate::model::Application, gaz: &Gazetteer) -> Claim {
    let country = a.get(app::CLAIMED_COUNTRY).map(Box::from);
    let mut claim = Claim {
        country: country.clone(),
        ..Claim::default()
    };
    if let Some(city) = a.get(app::CLAIMED_CITY) {
        if let Some(p) = gaz.find(city, a.get(app::CLAIMED_REGION), country.as_deref()) {
            // Numeric admin1 codes (most countries) mean nothing to a reader.
            claim.place = Some(
                if p.admin1.chars().all(|c| c.is_ascii_alphabetic()) && !p.admin1.is_empty() {
                    format!("{}, {}, {}", p.name, p.admin1, p.country)
                } else {
                    format!("{}, {}", p.name, p.country)
                }
                .into(),
            );
            claim.lat = Some(p.lat);
            claim.lon = Some(p.lon);
            claim.tz = Some(p.tz);
            claim.city_tz = Some(p.tz);
            claim.tz_source = Some("city");
            if claim.country.is_none() {
                claim.country = Some(p.country.as_str().into());
            }
        }
    }
    if let Some(tz) = a.claimed_tz {
        claim.tz = Some(tz);
        claim.tz_source = Some("claimed_timezone");
    } else if claim.tz.is_none() {
        if let Some(tz) = claim.country.as_deref().and_then(|c| gaz.country_tz(c)) {
            claim.tz = Some(tz);
            claim.tz_source = Some("country");
        }
    }
    claim
}

/// True when there is a value and it is one of `yes` (see [`is_one_of`]).
fn flag(v: Option<&str>, yes: &[&str]) -> bool {
    v.is_some_and(|s| is_one_of(s, yes))
}

fn info_country(i: &IpInfo) -> Option<&str> {
    i.country.as_deref()
}

/// Countries with their sign-in counts, most first: `CN (3)`, or `CN (3, from the export)`
/// when every sign-in located there was located by the export, not a database.
fn pct_list(map: BTreeMap<&str, u32>, from_export: &BTreeMap<&str, bool>) -> Vec<String> {
    let mut v: Vec<(&str, u32)> = map.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    v.into_iter()
        .map(|(k, n)| match from_export.get(k) {
            Some(true) => format!("{k} ({n}, from the export)"),
            _ => format!("{k} ({n})"),
        })
        .collect()
}

fn plain_list(set: BTreeSet<String>) -> Vec<String> {
    set.into_iter().collect()
}

/// Derives every fact of [`SCHEMA`] that depends on the candidate alone (the link stage adds
/// cross-candidate facts afterwards).
pub fn derive(c: &Candidate, env: &FactEnv<'_>) -> Facts {
    let mut f = Facts::default();
    derive_into(c, env, &mut f);
    f
}

/// [`derive`] into a `Facts` that is reused from candidate to candidate (it is reset first),
/// so screening a million candidates does not allocate a million fact tables.
pub fn derive_into(c: &Candidate, env: &FactEnv<'_>, f: &mut Facts) {
    f.reset();
    identity_facts(c, f);
    interview_facts(c, f);
    claim_facts(c, f);
    login_facts(c, f);
    hour_facts(c, f);
    watch_facts(c, env, f);
}

fn identity_facts(c: &Candidate, f: &mut Facts) {
    let a = &c.app;
    if let (Some(n), Some(d)) = (a.get(app::FULL_NAME), a.get(app::ID_DOC_NAME)) {
        f.set(
            NAME_VS_ID_DOC,
            Fact::Float(names::similarity(n, d)),
            [
                a.fields.cell(app::FULL_NAME),
                a.fields.cell(app::ID_DOC_NAME),
            ],
        );
    }
    let country = a.get(app::CLAIMED_COUNTRY);
    let differs = |field: usize, out: usize, f: &mut Facts| {
        if let (Some(cl), Some(v)) = (country, a.get(field)) {
            f.set(
                out,
                Fact::Bool(!cl.eq_ignore_ascii_case(v)),
                [a.fields.cell(app::CLAIMED_COUNTRY), a.fields.cell(field)],
            );
        }
    };
    differs(app::ID_DOC_COUNTRY, ID_DOC_COUNTRY_DIFFERS, f);
    differs(app::PAYMENT_COUNTRY, PAYMENT_COUNTRY_DIFFERS, f);
    if let Some(m) = a.get(app::PAYMENT_METHOD) {
        let t = m.to_ascii_lowercase();
        let crypto = [
            "crypto",
            "usdt",
            "usdc",
            "bitcoin",
            "btc",
            "eth",
            "stablecoin",
            "tether",
        ]
        .iter()
        .any(|w| t.contains(w));
        f.set(
            PAYMENT_CRYPTO,
            Fact::Bool(crypto),
            [a.fields.cell(app::PAYMENT_METHOD)],
        );
    }
    // Most applications give one address in every field, copied: text equal up to ASCII
    // case normalises equal, so only differing text is normalised (half the cost of facts
    // for addresses).
    let ship_text = a.get(app::SHIPPING_ADDRESS);
    let ship = ship_text.and_then(crate::norm::address);
    for (other, out) in [
        (app::ID_DOC_ADDRESS, SHIP_DIFFERS_ID_ADDRESS),
        (app::HOME_ADDRESS, SHIP_DIFFERS_HOME),
    ] {
        let (Some(s), Some(o_text)) = (&ship, a.get(other)) else {
            continue;
        };
        let differs = match ship_text.is_some_and(|t| t.eq_ignore_ascii_case(o_text)) {
            true => false,
            false => match crate::norm::address(o_text) {
                Some(o) => *s != o,
                None => continue,
            },
        };
        f.set(
            out,
            Fact::Bool(differs),
            [a.fields.cell(app::SHIPPING_ADDRESS), a.fields.cell(other)],
        );
    }
}

fn interview_facts(c: &Candidate, f: &mut Facts) {
    if c.interviews.is_empty() {
        f.set(INTERVIEWS, Fact::Int(0), []);
        return;
    }
    // Tokenised once: every name shown in a call is compared with these.
    let full_text = c.app.get(app::FULL_NAME).unwrap_or("");
    let full = names::tokens(full_text);
    let doc = c.app.get(app::ID_DOC_NAME).map(names::tokens);
    // A name shown exactly as claimed (up to ASCII case) has the claimed tokens: it matches
    // without being split, when the claimed name has tokens at all.
    let is_claimed_text = |n: &str| !full.is_empty() && n.eq_ignore_ascii_case(full_text);
    let matches_claimed = |t: &names::Tokens| {
        names::similarity_tokens(t, &full) >= 0.8
            || doc
                .as_ref()
                .is_some_and(|d| names::similarity_tokens(t, d) >= 0.8)
    };
    let mut unmatched = BTreeSet::new();
    let mut unmatched_src = Vec::new();
    let mut counts: BTreeMap<usize, (i64, Vec<SourceRef>)> = BTreeMap::new();
    let mut bump = |k: usize, src: SourceRef| {
        let e = counts.entry(k).or_default();
        e.0 += 1;
        e.1.push(src);
    };
    let mut off_stages = BTreeSet::new();
    for iv in &c.interviews {
        let cell = |fld| iv.fields.cell(fld);
        let mut shown: Vec<(&str, SourceRef)> = Vec::new();
        if let Some(d) = iv.get(interview::DISPLAY_NAME) {
            shown.push((d, cell(interview::DISPLAY_NAME)));
        }
        if let Some(ch) = iv.get(interview::DISPLAY_NAME_CHANGES) {
            let parts: Vec<&str> = ch
                .split('|')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect();
            if !parts.is_empty() {
                bump(RENAMED_IN_CALL, cell(interview::DISPLAY_NAME_CHANGES));
            }
            for p in parts {
                shown.push((p, cell(interview::DISPLAY_NAME_CHANGES)));
            }
        }
        for (n, src) in shown {
            if is_claimed_text(n) {
                continue;
            }
            let t = names::tokens(n);
            if !names::is_generic_tokens(&t) && !matches_claimed(&t) {
                unmatched.insert(n.to_string());
                unmatched_src.push(src);
            }
        }
        if let Some(n) = iv.get(interview::LIVE_ID_NAME) {
            if !is_claimed_text(n) && names::similarity_tokens(&names::tokens(n), &full) < 0.8 {
                bump(LIVE_ID_NAME_MISMATCH, cell(interview::LIVE_ID_NAME));
            }
        }
        // Values are trimmed when read, so `flag`'s trimming changes nothing here.
        let live_id = iv.get(interview::LIVE_ID);
        if flag(live_id, &["refused", "none"]) {
            bump(LIVE_ID_REFUSED, cell(interview::LIVE_ID));
        } else if flag(live_id, &["screenshot", "photo"]) {
            bump(LIVE_ID_SCREENSHOT, cell(interview::LIVE_ID));
        }
        for (field, fact) in [
            (interview::VOICE_CHANGE, VOICE_CHANGE),
            (interview::ENDED_EARLY, ENDED_EARLY),
            (interview::SCREEN_SHARE_OTHER_IDENTITY, SCREEN_SHARE_OTHER),
        ] {
            if flag(iv.get(field), TRUE_WORDS) {
                bump(fact, cell(field));
            }
        }
        for (field, fact) in [
            (interview::LOCAL_KNOWLEDGE, LOCAL_KNOWLEDGE_FAIL),
            (interview::LANGUAGE_CHECK, LANGUAGE_CHECK_FAIL),
        ] {
            if flag(iv.get(field), &["fail", "failed", "false", "no"]) {
                bump(fact, cell(field));
            }
        }
        if flag(iv.get(interview::CAMERA), &["off", "false", "no", "0"]) {
            bump(CAMERA_OFF, cell(interview::CAMERA));
            // A session with no stage counts as a stage of its own.
            off_stages.insert(match iv.get(interview::STAGE) {
                Some(stage) => stage.to_ascii_lowercase(),
                None => format!("row {}", iv.fields.row.line),
            });
        }
    }
    let n = c.interviews.len() as i64;
    f.set(
        INTERVIEWS,
        Fact::Int(n),
        c.interviews.iter().map(|i| i.fields.row.cell(0)),
    );
    if n == 0 {
        return;
    }
    for k in [
        RENAMED_IN_CALL,
        LIVE_ID_NAME_MISMATCH,
        LIVE_ID_REFUSED,
        LIVE_ID_SCREENSHOT,
        VOICE_CHANGE,
        LOCAL_KNOWLEDGE_FAIL,
        LANGUAGE_CHECK_FAIL,
        ENDED_EARLY,
        SCREEN_SHARE_OTHER,
        CAMERA_OFF,
    ] {
        let (v, src) = counts.remove(&k).unwrap_or_default();
        f.set(k, Fact::Int(v), src);
    }
    let camera_src = f.prov[CAMERA_OFF].clone();
    f.set(
        CAMERA_OFF_STAGES,
        Fact::Int(off_stages.len() as i64),
        camera_src,
    );
    f.set(
        INTERVIEW_NAMES_UNMATCHED,
        Fact::List(plain_list(unmatched)),
        unmatched_src,
    );
}

fn claim_facts(c: &Candidate, f: &mut Facts) {
    let claim = &c.claim;
    let a = &c.app;
    let claim_src = [a.fields.cell(app::CLAIMED_COUNTRY)];
    if let Some(cc) = &claim.country {
        f.set(CLAIMED_COUNTRY, Fact::Str(cc.to_string()), claim_src);
    }
    if let Some(p) = &claim.place {
        f.set(
            CLAIMED_PLACE,
            Fact::Str(p.to_string()),
            [a.fields.cell(app::CLAIMED_CITY)],
        );
    }
    if let Some(tz) = claim.tz {
        f.set(
            CLAIMED_TZ,
            Fact::Str(tz.name().to_string()),
            [a.fields.cell(app::CLAIMED_TIMEZONE)],
        );
    }
    // The claimed city was resolved once, at load (resolve_claim).
    if let (Some(explicit), Some(city_tz)) = (a.claimed_tz, claim.city_tz) {
        let t = a.applied_at.unwrap_or(1_767_225_600);
        let diff = (offset_hours(explicit, t) - offset_hours(city_tz, t)).abs();
        f.set(
            CLAIMED_TZ_CONFLICT,
            Fact::Bool(diff >= 2.0),
            [
                a.fields.cell(app::CLAIMED_TIMEZONE),
                a.fields.cell(app::CLAIMED_CITY),
            ],
        );
    }
    if let Some(info) = &c.app_ip_info {
        if let Some(country) = info_country(info) {
            f.set(
                APP_IP_COUNTRY,
                Fact::Str(country.to_string()),
                [a.fields.cell(app::IP)],
            );
            if let Some(cl) = &claim.country {
                f.set(
                    APP_IP_OUTSIDE_CLAIM,
                    Fact::Bool(!info.anonymized() && !cl.eq_ignore_ascii_case(country)),
                    [a.fields.cell(app::IP), a.fields.cell(app::CLAIMED_COUNTRY)],
                );
            }
        }
    }
    // Interview connections.
    let mut countries = BTreeSet::new();
    let mut outside = 0;
    let mut outside_src = Vec::new();
    let mut any_geo = false;
    for iv in &c.interviews {
        let Some(info) = &iv.ip_info else { continue };
        let Some(country) = info_country(info) else {
            continue;
        };
        any_geo = true;
        countries.insert(country.to_string());
        if claim
            .country
            .as_deref()
            .is_some_and(|cl| !cl.eq_ignore_ascii_case(country))
        {
            outside += 1;
            outside_src.push(iv.fields.cell(interview::IP));
        }
    }
    if any_geo {
        f.set(INTERVIEW_COUNTRIES, Fact::List(plain_list(countries)), []);
        if claim.country.is_some() {
            outside_src.extend(claim_src);
            f.set(INTERVIEWS_OUTSIDE_CLAIM, Fact::Int(outside), outside_src);
        }
    }
}

fn login_facts(c: &Candidate, f: &mut Facts) {
    let t = &c.logins;
    let claim = &c.claim;
    let claim_src = c.app.fields.cell(app::CLAIMED_COUNTRY);
    f.set(
        LOGINS,
        Fact::Int(t.total as i64),
        t.groups.iter().take(20).map(|g| g.first),
    );
    // Addresses in North Korea's allocation or on the indicator list, anywhere.
    let mut kp = 0i64;
    let mut kp_src = Vec::new();
    let mut ioc = 0i64;
    let mut ioc_src = Vec::new();
    let mut ioc_labels = BTreeSet::new();
    let mut check = |info: &IpInfo, n: i64, src: SourceRef| {
        if info.kp {
            kp += n;
            kp_src.push(src);
        }
        if let Some(l) = &info.ioc {
            ioc += n;
            ioc_src.push(src);
            ioc_labels.insert(l.to_string());
        }
    };
    for g in &t.groups {
        check(&g.info, g.count as i64, g.first);
    }
    for iv in &c.interviews {
        if let Some(info) = &iv.ip_info {
            check(info, 1, iv.fields.cell(interview::IP));
        }
    }
    if let Some(info) = &c.app_ip_info {
        check(info, 1, c.app.fields.cell(app::IP));
    }
    f.set(KP_HITS, Fact::Int(kp), kp_src);
    f.set(IOC_HITS, Fact::Int(ioc), ioc_src);
    f.set(IOC_LABELS, Fact::List(plain_list(ioc_labels)), []);
    if t.total == 0 {
        return;
    }
    // Countries.
    let mut geo = 0i64;
    // Keyed by the country as the address records spell it (no copies).
    let mut countries: BTreeMap<&str, u32> = BTreeMap::new();
    // Per country: were all its sign-ins located by the export rather than a database?
    let mut from_export: BTreeMap<&str, bool> = BTreeMap::new();
    let mut outside: BTreeMap<&str, u32> = BTreeMap::new();
    let mut direct_outside: BTreeMap<&str, u32> = BTreeMap::new();
    let (mut n_out, mut n_direct_out, mut n_direct) = (0i64, 0i64, 0i64);
    let (mut out_src, mut direct_src) = (vec![claim_src], vec![claim_src]);
    let (mut anon, mut anon_out) = (0i64, 0i64);
    let mut anon_src = Vec::new();
    let mut anonymizers = BTreeSet::new();
    let mut kms: Vec<(f64, u32)> = Vec::new();
    for g in &t.groups {
        let info = &g.info;
        if info.anonymized() {
            anon += g.count as i64;
            anon_src.push(g.first);
            let label = info
                .listed_anonymizer
                .as_deref()
                .map(str::to_string)
                .or_else(|| info.ioc.as_deref().map(str::to_string))
                .unwrap_or_else(|| {
                    let kinds: Vec<&str> = [
                        (info.vpn || info.anonymous, "vpn"),
                        (info.hosting, "hosting"),
                        (info.proxy, "proxy"),
                        (info.tor, "tor"),
                    ]
                    .iter()
                    .filter(|(b, _)| *b)
                    .map(|(_, s)| *s)
                    .collect();
                    // The kinds in square brackets, as the anonymizer list labels them:
                    // network names often hold round brackets of their own.
                    let org = info.asn_org.as_deref().unwrap_or("unknown network");
                    format!("{org} [{}]", kinds.join("/"))
                });
            anonymizers.insert(label);
        }
        let Some(country) = info_country(info) else {
            continue;
        };
        geo += g.count as i64;
        if !info.anonymized() {
            n_direct += g.count as i64;
        }
        *countries.entry(country).or_default() += g.count;
        *from_export.entry(country).or_insert(true) &= info.country_from_export;
        if let Some(cl) = &claim.country {
            if !cl.eq_ignore_ascii_case(country) {
                n_out += g.count as i64;
                *outside.entry(country).or_default() += g.count;
                out_src.push(g.first);
                if info.anonymized() {
                    anon_out += g.count as i64;
                } else {
                    n_direct_out += g.count as i64;
                    *direct_outside.entry(country).or_default() += g.count;
                    direct_src.push(g.first);
                }
            }
        }
        if let (Some(la), Some(lo), Some(cla), Some(clo)) =
            (info.lat, info.lon, claim.lat, claim.lon)
        {
            // City-level records only: a country centroid says nothing about distance.
            if !info.anonymized()
                && info.city.is_some()
                && info.accuracy_km.is_none_or(|a| a <= 300)
            {
                kms.push((distance_km(la, lo, cla, clo), g.count));
            }
        }
    }
    f.set(LOGINS_GEO, Fact::Int(geo), []);
    f.set(
        LOGIN_COUNTRIES,
        Fact::List(pct_list(countries, &from_export)),
        t.groups.iter().take(20).map(|g| g.first),
    );
    if claim.country.is_some() && geo > 0 {
        f.set(
            LOGINS_OUTSIDE_CLAIM,
            Fact::Int(n_out),
            out_src.iter().copied().take(21),
        );
        f.set(
            SHARE_OUTSIDE_CLAIM,
            Fact::Float(n_out as f64 / geo as f64),
            out_src.iter().copied().take(21),
        );
        f.set(
            COUNTRIES_OUTSIDE_CLAIM,
            Fact::List(pct_list(outside, &from_export)),
            out_src.iter().copied().take(21),
        );
        f.set(
            DIRECT_OUTSIDE_CLAIM,
            Fact::Int(n_direct_out),
            direct_src.iter().copied().take(21),
        );
        f.set(
            DIRECT_COUNTRIES_OUTSIDE_CLAIM,
            Fact::List(pct_list(direct_outside, &from_export)),
            direct_src.iter().copied().take(21),
        );
        f.set(
            ANONYMIZED_OUTSIDE_CLAIM,
            Fact::Int(anon_out),
            anon_src.iter().copied().take(20),
        );
        f.set(DIRECT_LOGINS_GEO, Fact::Int(n_direct), []);
        if n_direct > 0 {
            f.set(
                DIRECT_IN_CLAIM_SHARE,
                Fact::Float((n_direct - n_direct_out) as f64 / n_direct as f64),
                direct_src.iter().copied().take(21),
            );
        }
    }
    if !kms.is_empty() {
        kms.sort_by(|a, b| a.0.total_cmp(&b.0));
        let half = kms.iter().map(|k| k.1 as u64).sum::<u64>() / 2;
        let mut acc = 0u64;
        let median = kms
            .iter()
            .find(|k| {
                acc += k.1 as u64;
                acc > half
            })
            .map(|k| k.0)
            .unwrap_or(kms[0].0);
        f.set(
            LOGIN_KM_MEDIAN,
            Fact::Float(median.round()),
            [c.app.fields.cell(app::CLAIMED_CITY)],
        );
    }
    f.set(
        ANONYMIZED_LOGINS,
        Fact::Int(anon),
        anon_src.iter().copied().take(20),
    );
    f.set(
        ANONYMIZED_SHARE,
        Fact::Float(anon as f64 / t.total as f64),
        anon_src.iter().copied().take(20),
    );
    f.set(
        ANONYMIZERS,
        Fact::List(plain_list(anonymizers)),
        anon_src.iter().copied().take(20),
    );
    travel_facts(c, f);
    // Devices and tools.
    let tools: Vec<String> = REMOTE_TOOLS
        .iter()
        .enumerate()
        .filter(|(i, _)| t.remote_tools & (1 << i) != 0)
        .map(|(_, n)| n.to_string())
        .collect();
    f.set(REMOTE_TOOLS_USED, Fact::List(tools), t.first_remote_tool);
    f.set(
        UNMANAGED_LOGINS,
        Fact::Int(t.unmanaged as i64),
        t.first_unmanaged,
    );
    let known = t.managed + t.unmanaged;
    if known > 0 {
        f.set(
            UNMANAGED_SHARE,
            Fact::Float(t.unmanaged as f64 / known as f64),
            t.first_unmanaged,
        );
    }
    f.set(
        LATENCY_SAMPLES,
        Fact::Int(t.latency_n as i64),
        t.first_latency,
    );
    if t.latency_n > 0 {
        f.set(
            LATENCY_MS_MEAN,
            Fact::Float((t.latency_sum / t.latency_n as f64).round()),
            t.first_latency,
        );
    }
    if let Some(tz) = claim.tz {
        let ref_ts = t.groups.first().map(|g| g.first_ts).unwrap_or(0);
        let claimed = offset_hours(tz, ref_ts);
        let mut off = 0i64;
        let mut zones = BTreeSet::new();
        for &(btz, n) in &t.browser_tzs {
            if (offset_hours(btz, ref_ts) - claimed).abs() >= 3.0 {
                off += n as i64;
                zones.insert(btz.name().to_string());
            }
        }
        let mut src: Vec<SourceRef> = t.first_browser_tz.into_iter().collect();
        src.push(c.app.fields.cell(app::CLAIMED_TIMEZONE));
        f.set(BROWSER_TZ_OFF, Fact::Int(off), src.clone());
        f.set(BROWSER_TZS_OFF, Fact::List(plain_list(zones)), src);
    }
}

fn place_label(info: &IpInfo) -> String {
    match (&info.city, &info.country) {
        (Some(city), Some(c)) => format!("{city}, {c}"),
        (None, Some(c)) => c.to_string(),
        _ => "?".into(),
    }
}

fn fmt_ts(ts: i64) -> String {
    chrono::DateTime::from_timestamp(ts, 0)
        .map(|d| d.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_default()
}

fn travel_facts(c: &Candidate, f: &mut Facts) {
    let t = &c.logins;
    let claim = &c.claim;
    let mut ev = t.events.clone();
    ev.sort_unstable();
    // What each address group adds, worked out once per group rather than per sign-in:
    // direct (neither anonymized nor non-public), located at city level, and its country.
    struct Place<'g> {
        group: &'g IpGroup,
        located: bool,
        country: Option<&'g str>,
    }
    let places: Vec<Option<Place>> = t
        .groups
        .iter()
        .map(|g| {
            let i = &g.info;
            (!i.anonymized() && !i.non_public).then(|| Place {
                group: g,
                // Country-level records (no city, wide radius) place an address at a centroid.
                located: i.lat.is_some()
                    && i.city.is_some()
                    && i.accuracy_km.is_none_or(|a| a <= 300),
                country: info_country(i),
            })
        })
        .collect();
    // The direct sign-ins located at city level, and those with a country, in time order.
    let mut located: Vec<(i64, &IpGroup)> = Vec::with_capacity(ev.len());
    let mut with_country: Vec<(i64, &str, SourceRef)> = Vec::with_capacity(ev.len());
    for e in &ev {
        if let Some(p) = &places[e.group() as usize] {
            if p.located {
                located.push((e.ts(), p.group));
            }
            if let Some(country) = p.country {
                with_country.push((e.ts(), country, p.group.first));
            }
        }
    }
    // Fastest implied travel between consecutive located direct sign-ins; its description
    // is written once, for the fastest pair.
    struct Hop<'g> {
        speed: f64,
        from: (i64, &'g IpGroup),
        to: (i64, &'g IpGroup),
        km: f64,
        hours: f64,
    }
    let mut best: Option<Hop> = None;
    for w in located.windows(2) {
        let ((t1, a), (t2, b)) = (w[0], w[1]);
        if a.ip == b.ip {
            continue;
        }
        let (Some(la1), Some(lo1), Some(la2), Some(lo2)) =
            (a.info.lat, a.info.lon, b.info.lat, b.info.lon)
        else {
            continue;
        };
        let km = distance_km(la1, lo1, la2, lo2);
        if km < 500.0 {
            continue;
        }
        let hours = ((t2 - t1).max(60)) as f64 / 3600.0;
        let speed = km / hours;
        if best.as_ref().is_none_or(|b| speed > b.speed) {
            best = Some(Hop {
                speed,
                from: w[0],
                to: w[1],
                km,
                hours,
            });
        }
    }
    if let Some(Hop {
        speed,
        from: (t1, a),
        to: (t2, b),
        km,
        hours,
    }) = best
    {
        let desc = format!(
            "{} at {} then {} at {} ({:.0} km in {:.1} h)",
            place_label(&a.info),
            fmt_ts(t1),
            place_label(&b.info),
            fmt_ts(t2),
            km,
            hours
        );
        f.set(
            MAX_SPEED_KMH,
            Fact::Float(speed.round()),
            [a.first, b.first],
        );
        f.set(SPEED_PAIR, Fact::Str(desc), [a.first, b.first]);
    } else if located.len() >= 2 {
        f.set(MAX_SPEED_KMH, Fact::Float(0.0), []);
    }
    // Distinct countries within any 24 hours.
    // A sliding window with a count per country in it (countries are few: a small list).
    let mut max_c = 0usize;
    let mut max_window = (0, 0);
    let mut in_window: Vec<(&str, u32)> = Vec::new();
    let mut lo = 0;
    for hi in 0..with_country.len() {
        match in_window.iter_mut().find(|(c, _)| *c == with_country[hi].1) {
            Some(e) => e.1 += 1,
            None => in_window.push((with_country[hi].1, 1)),
        }
        while with_country[hi].0 - with_country[lo].0 > 86_400 {
            if let Some(i) = in_window.iter().position(|(c, _)| *c == with_country[lo].1) {
                in_window[i].1 -= 1;
                if in_window[i].1 == 0 {
                    in_window.swap_remove(i);
                }
            }
            lo += 1;
        }
        if in_window.len() > max_c {
            max_c = in_window.len();
            max_window = (lo, hi);
        }
    }
    let max_src: Vec<SourceRef> = match max_c {
        0 => Vec::new(),
        _ => with_country[max_window.0..=max_window.1]
            .iter()
            .map(|x| x.2)
            .collect(),
    };
    if !with_country.is_empty() {
        f.set(
            MAX_COUNTRIES_24H,
            Fact::Int(max_c as i64),
            max_src.into_iter().take(20),
        );
    }
    // Early sign-ins elsewhere, later ones in the claimed country.
    if let Some(cl) = claim.country.as_deref() {
        let early: Vec<&(i64, &str, SourceRef)> = with_country.iter().take(5).collect();
        if early.len() >= 3 && early.iter().all(|e| !e.1.eq_ignore_ascii_case(cl)) {
            let cut = early.last().map(|e| e.0).unwrap_or(0);
            let later = ev.iter().find(|e| {
                e.ts() > cut
                    && info_country(&t.groups[e.group() as usize].info)
                        .is_some_and(|c| c.eq_ignore_ascii_case(cl))
            });
            let countries: BTreeSet<String> = early.iter().map(|e| e.1.to_string()).collect();
            let mut src: Vec<SourceRef> = early.iter().map(|e| e.2).collect();
            if let Some(l) = later {
                src.push(t.groups[l.group() as usize].first);
            }
            f.set(
                EARLY_ELSEWHERE_THEN_CLAIM,
                Fact::Bool(later.is_some()),
                src.clone(),
            );
            f.set(EARLY_COUNTRIES, Fact::List(plain_list(countries)), src);
        } else if !with_country.is_empty() {
            f.set(EARLY_ELSEWHERE_THEN_CLAIM, Fact::Bool(false), []);
        }
    }
}

fn hour_facts(c: &Candidate, f: &mut Facts) {
    let t = &c.logins;
    let total: u32 = t.utc_hours.iter().sum();
    f.set(HOURS_LOGINS, Fact::Int(total as i64), []);
    if total == 0 {
        return;
    }
    let src: Vec<SourceRef> = t.groups.iter().take(5).map(|g| g.first).collect();
    let share_at = |offset: i32| -> f64 {
        let n: u32 = (9..18)
            .map(|h: i32| t.utc_hours[(h - offset).rem_euclid(24) as usize])
            .sum();
        n as f64 / total as f64
    };
    let (best, best_share) = (-12..=14)
        .map(|o| (o, share_at(o)))
        .fold((0, -1.0), |acc, x| if x.1 > acc.1 { x } else { acc });
    f.set(BEST_OFFSET, Fact::Int(best as i64), src.clone());
    f.set(BEST_OFFSET_SHARE, Fact::Float(best_share), src.clone());
    let east = (7..=10).map(share_at).fold(0.0, f64::max);
    f.set(EAST_ASIA_SHARE, Fact::Float(east), src.clone());
    if let Some(tz) = c.claim.tz {
        let local_total: u32 = t.local_hours.iter().sum();
        if local_total > 0 {
            let work: u32 = t.local_hours[8..19].iter().sum();
            let night: u32 =
                t.local_hours[22..].iter().sum::<u32>() + t.local_hours[..6].iter().sum::<u32>();
            let mut s = src.clone();
            s.push(c.app.fields.cell(app::CLAIMED_TIMEZONE));
            f.set(
                WORK_HOURS_SHARE,
                Fact::Float(work as f64 / local_total as f64),
                s.clone(),
            );
            f.set(
                NIGHT_SHARE,
                Fact::Float(night as f64 / local_total as f64),
                s,
            );
        }
        let ref_ts = t.groups.first().map(|g| g.first_ts).unwrap_or(0);
        f.set(CLAIMED_OFFSET, Fact::Float(offset_hours(tz, ref_ts)), []);
    }
}

fn watch_facts(c: &Candidate, env: &FactEnv<'_>, f: &mut Facts) {
    let w = env.watch;
    if w.is_empty() {
        f.set(WATCHLIST_HITS, Fact::List(Vec::new()), []);
        return;
    }
    let a = &c.app;
    let mut hits = BTreeSet::new();
    let mut src = Vec::new();
    let mut hit = |e: &watch::WatchEntry, at: SourceRef| {
        let note = if e.note.is_empty() {
            String::new()
        } else {
            format!(" ({})", e.note)
        };
        hits.insert(format!("{} {}{}", e.kind, e.value, note));
        src.push(at);
        src.push(e.src);
    };
    let checks: &[(usize, &'static str)] = &[
        (app::EMAIL, "email"),
        (app::PHONE, "phone"),
        (app::FULL_NAME, "name"),
        (app::ID_DOC_NAME, "name"),
        (app::PHOTO_HASH, "photo_hash"),
        (app::PAYMENT_ACCOUNT, "payment_account"),
        (app::HOME_ADDRESS, "address"),
        (app::SHIPPING_ADDRESS, "address"),
        (app::ID_DOC_ADDRESS, "address"),
    ];
    for &(field, kind) in checks {
        if let Some(v) = a.get(field) {
            if let Some(e) = w.find(kind, v) {
                hit(e, a.fields.cell(field));
            }
        }
    }
    if let Some(d) = a.get(app::EMAIL).and_then(crate::norm::email_domain) {
        if let Some(e) = w.find("domain", &d) {
            hit(e, a.fields.cell(app::EMAIL));
        }
    }
    if let Some(ip) = a.ip {
        if let Some(e) = w.find_ip(ip) {
            hit(e, a.fields.cell(app::IP));
        }
    }
    for g in &c.logins.groups {
        if let Some(e) = w.find_ip(g.ip) {
            hit(e, g.first);
        }
    }
    for iv in &c.interviews {
        if let Some(e) = iv.ip.and_then(|ip| w.find_ip(ip)) {
            hit(e, iv.fields.cell(interview::IP));
        }
    }
    f.set(WATCHLIST_HITS, Fact::List(plain_list(hits)), src);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn countries_located_only_by_the_export_say_so() {
        let counts: BTreeMap<&str, u32> = [("CN", 3), ("US", 1)].into();
        let from_export: BTreeMap<&str, bool> = [("CN", true), ("US", false)].into();
        assert_eq!(
            pct_list(counts.clone(), &from_export),
            ["CN (3, from the export)", "US (1)"]
        );
        assert_eq!(pct_list(counts, &BTreeMap::new()), ["CN (3)", "US (1)"]);
    }

    /// A candidate with direct sign-ins from the given (hours after a start, country) pairs.
    fn signed_in_from(logins: &[(i64, &str)]) -> Candidate {
        let mut c = Candidate::with_application(&[]);
        for (n, (hours, country)) in logins.iter().enumerate() {
            let info = std::sync::Arc::new(crate::model::IpInfo {
                country: Some((*country).into()),
                ..Default::default()
            });
            let ip = std::net::IpAddr::from([198, 51, 100, n as u8]);
            let l = crate::model::LoginRow::plain(n as u32 + 2, 1_700_000_000 + hours * 3600, ip);
            c.logins.add(&l, || info);
        }
        c
    }

    /// A candidate with sign-ins at the given (hours after a start, what the address is).
    fn signed_in_with(logins: &[(i64, crate::model::IpInfo)]) -> Candidate {
        let mut c = Candidate::with_application(&[]);
        for (n, (hours, info)) in logins.iter().enumerate() {
            let info = std::sync::Arc::new(info.clone());
            let ip = std::net::IpAddr::from([198, 51, 100, n as u8]);
            let l = crate::model::LoginRow::plain(n as u32 + 2, 1_700_000_000 + hours * 3600, ip);
            c.logins.add(&l, || info);
        }
        c
    }

    fn city(name: &str, country: &str, lat: f64, lon: f64) -> crate::model::IpInfo {
        crate::model::IpInfo {
            city: Some(name.into()),
            country: Some(country.into()),
            lat: Some(lat),
            lon: Some(lon),
            ..Default::default()
        }
    }

    #[test]
    fn travel_speed_is_the_fastest_pair_of_located_direct_sign_ins() {
        let w = watch::Watchlist::default();
        let env = FactEnv { watch: &w };
        let houston = city("Houston", "US", 29.76, -95.37);
        let london = city("London", "GB", 51.51, -0.13);
        let paris = city("Paris", "FR", 48.86, 2.35);
        let seoul = city("Seoul", "KR", 37.57, 126.98);
        let vpn = crate::model::IpInfo {
            vpn: true,
            ..city("Tokyo", "JP", 35.68, 139.69)
        };
        let centroid = crate::model::IpInfo {
            city: None,
            ..seoul.clone()
        };
        // Houston, then London 10 h later (fast), then a VPN exit in Japan and a country
        // centroid in Korea (neither counts for speed), then Paris a day later (slow): the
        // fastest pair is Houston -> London.
        let c = signed_in_with(&[
            (0, houston.clone()),
            (10, london.clone()),
            (11, vpn.clone()),
            (12, centroid.clone()),
            (34, paris),
        ]);
        let f = derive(&c, &env);
        // Countries within a day: Great Britain, Korea (the centroid is a direct sign-in)
        // and France; not Japan, seen only through the VPN.
        assert_eq!(f.values[MAX_COUNTRIES_24H], Fact::Int(3));
        let km = distance_km(29.76, -95.37, 51.51, -0.13);
        assert_eq!(f.values[MAX_SPEED_KMH], Fact::Float((km / 10.0).round()));
        assert_eq!(
            f.values[SPEED_PAIR],
            Fact::Str(format!(
                "Houston, US at 2023-11-14 22:13 UTC then London, GB at 2023-11-15 08:13 UTC \
                 ({km:.0} km in 10.0 h)"
            ))
        );
        let lines: Vec<u32> = f.prov[SPEED_PAIR].iter().map(|s| s.line).collect();
        assert_eq!(lines, [2, 3]);
        // The skipped sign-ins sit between the two of a pair: London, then New York 4 h
        // later, is the fastest.
        let new_york = city("New York", "US", 40.71, -74.01);
        let c = signed_in_with(&[
            (0, houston.clone()),
            (10, london.clone()),
            (11, vpn),
            (12, centroid),
            (14, new_york),
        ]);
        let f = derive(&c, &env);
        let km = distance_km(51.51, -0.13, 40.71, -74.01);
        assert_eq!(f.values[MAX_SPEED_KMH], Fact::Float((km / 4.0).round()));
        let lines: Vec<u32> = f.prov[SPEED_PAIR].iter().map(|s| s.line).collect();
        assert_eq!(lines, [3, 6]);
        // Two located sign-ins closer than 500 km: a speed of 0, and no pair.
        let c = signed_in_with(&[(0, london), (1, city("Paris", "FR", 48.86, 2.35))]);
        let f = derive(&c, &env);
        assert_eq!(f.values[MAX_SPEED_KMH], Fact::Float(0.0));
        assert_eq!(f.values[SPEED_PAIR], Fact::Null);
        // One located sign-in: no speed at all.
        let f = derive(&signed_in_with(&[(0, houston)]), &env);
        assert_eq!(f.values[MAX_SPEED_KMH], Fact::Null);
    }

    /// A city-located record with the given accuracy radius in km.
    fn city_within(
        name: &str,
        country: &str,
        lat: f64,
        lon: f64,
        accuracy_km: Option<u32>,
    ) -> crate::model::IpInfo {
        crate::model::IpInfo {
            accuracy_km,
            ..city(name, country, lat, lon)
        }
    }

    /// The median distance from the claimed city counts city records with an accuracy
    /// radius of up to 300 km (or none given), and leaves out wider ones as country-level.
    #[test]
    fn sign_in_distance_counts_city_records_up_to_300_km_accuracy() {
        let w = watch::Watchlist::default();
        let env = FactEnv { watch: &w };
        let claimed_in_houston = |logins: &[(i64, crate::model::IpInfo)]| {
            let mut c = signed_in_with(logins);
            c.claim.lat = Some(29.76);
            c.claim.lon = Some(-95.37);
            c
        };
        let km = distance_km(51.51, -0.13, 29.76, -95.37);
        for accuracy in [None, Some(300)] {
            let london = city_within("London", "GB", 51.51, -0.13, accuracy);
            let f = derive(&claimed_in_houston(&[(0, london)]), &env);
            assert_eq!(
                f.values[LOGIN_KM_MEDIAN],
                Fact::Float(km.round()),
                "{accuracy:?}"
            );
        }
        // A radius of 301 km is country-level: no distance at all.
        let london = city_within("London", "GB", 51.51, -0.13, Some(301));
        let f = derive(&claimed_in_houston(&[(0, london.clone())]), &env);
        assert_eq!(f.values[LOGIN_KM_MEDIAN], Fact::Null);
        // London at 300 km and two wide records near Houston: the median is London's
        // distance alone, not the near one the wide records would make it.
        let dallas = city_within("Dallas", "US", 32.78, -96.80, Some(301));
        let london = city_within("London", "GB", 51.51, -0.13, Some(300));
        let f = derive(
            &claimed_in_houston(&[(0, dallas.clone()), (1, dallas), (2, london)]),
            &env,
        );
        assert_eq!(f.values[LOGIN_KM_MEDIAN], Fact::Float(km.round()));
    }

    /// Impossible travel counts city records with an accuracy radius of up to 300 km (or
    /// none given) as located, and does not report travel between wider ones.
    #[test]
    fn travel_counts_city_records_up_to_300_km_accuracy() {
        let w = watch::Watchlist::default();
        let env = FactEnv { watch: &w };
        let km = distance_km(29.76, -95.37, 51.51, -0.13);
        // Houston, then London 10 h later.
        let trip = |from: Option<u32>, to: Option<u32>| {
            signed_in_with(&[
                (0, city_within("Houston", "US", 29.76, -95.37, from)),
                (10, city_within("London", "GB", 51.51, -0.13, to)),
            ])
        };
        for accuracy in [None, Some(300)] {
            let f = derive(&trip(accuracy, accuracy), &env);
            assert_eq!(
                f.values[MAX_SPEED_KMH],
                Fact::Float((km / 10.0).round()),
                "{accuracy:?}"
            );
            assert_ne!(f.values[SPEED_PAIR], Fact::Null, "{accuracy:?}");
        }
        // Either end at 301 km is country-level: fewer than two located sign-ins, so no
        // speed and no pair.
        for (from, to) in [
            (Some(301), Some(301)),
            (Some(300), Some(301)),
            (Some(301), None),
        ] {
            let f = derive(&trip(from, to), &env);
            assert_eq!(f.values[MAX_SPEED_KMH], Fact::Null, "{from:?} {to:?}");
            assert_eq!(f.values[SPEED_PAIR], Fact::Null, "{from:?} {to:?}");
        }
    }

    #[test]
    fn flags_match_whole_words_up_to_ascii_case_and_spaces() {
        for v in ["yes", " Yes ", "TRUE", "t", "1", "\tY\n"] {
            assert!(flag(Some(v), TRUE_WORDS), "{v:?}");
        }
        for v in ["", "yes please", "no", "tru", "ＹＥＳ", "yés", "0"] {
            assert!(!flag(Some(v), TRUE_WORDS), "{v:?}");
        }
        assert!(!flag(None, TRUE_WORDS));
    }

    #[test]
    fn live_id_answers_are_read_up_to_case() {
        let w = watch::Watchlist::default();
        let env = FactEnv { watch: &w };
        let mut c = Candidate::with_application(&[]);
        for (line, v) in [
            (3, "Refused"),
            (4, "NONE"),
            (5, "screenShot"),
            (6, "shown"),
            (7, "photo id"),
        ] {
            let mut cells = vec![None; interview::FIELDS.len()];
            cells[interview::LIVE_ID] = Some(v);
            let cols: crate::model::ColumnNumbers = vec![1u32; interview::FIELDS.len()].into();
            let row = crate::model::RowRef { file: 1, line };
            c.interviews.push(crate::model::Interview {
                fields: crate::model::Fields::new(row, cols, cells),
                started_at: 0,
                ended_at: None,
                ip: None,
                ip_info: None,
                weak_join: false,
            });
        }
        let f = derive(&c, &env);
        assert_eq!(f.values[LIVE_ID_REFUSED], Fact::Int(2));
        assert_eq!(f.values[LIVE_ID_SCREENSHOT], Fact::Int(1));
        let lines: Vec<u32> = f.prov[LIVE_ID_REFUSED].iter().map(|s| s.line).collect();
        assert_eq!(lines, [3, 4]);
    }

    #[test]
    fn most_countries_within_a_day_counts_a_sliding_window() {
        let w = watch::Watchlist::default();
        let env = FactEnv { watch: &w };
        // US, CN and RU within 3 hours; a day later DE and US again (two within 24 h).
        let c = signed_in_from(&[(0, "US"), (1, "CN"), (3, "RU"), (30, "DE"), (31, "US")]);
        let f = derive(&c, &env);
        assert_eq!(f.values[MAX_COUNTRIES_24H], Fact::Int(3));
        let lines: Vec<u32> = f.prov[MAX_COUNTRIES_24H].iter().map(|s| s.line).collect();
        assert_eq!(lines, [2, 3, 4]);
        // The same country all day long is one.
        let c = signed_in_from(&[(0, "US"), (5, "US"), (10, "US")]);
        assert_eq!(derive(&c, &env).values[MAX_COUNTRIES_24H], Fact::Int(1));
    }

    #[test]
    fn schema_names_are_unique_snake_case() {
        let mut seen = BTreeSet::new();
        for (n, _, doc) in SCHEMA {
            assert!(seen.insert(*n), "duplicate fact {n}");
            assert!(n
                .chars()
                .all(|c| c.is_ascii_lowercase() || c == '_' || c.is_ascii_digit()));
            assert!(!doc.is_empty());
        }
        assert_eq!(Facts::index("kp_hits"), Some(KP_HITS));
    }
}
