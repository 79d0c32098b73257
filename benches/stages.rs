//! Criterion benches of the hot stages: ingest per row, geo lookup, rule evaluation per
//! candidate and the link index build.
//!
//! ```text
//! cargo bench --bench stages [-- FILTER] [-- --warm-up-time 1 --measurement-time 2]
//! ```
//!
//! The input is made at start by a small seeded generator below (same seed, same bytes; no
//! network): canonical applications, interviews and sign-ins in a folder under the system temp
//! directory, deleted at the end. Addresses fall in the networks of the synthetic databases in
//! `samples/geo`, which every lookup uses. A few candidates share a laptop farm (phone, device,
//! address, resume) and a few sign in through VPNs, so rules fire and the link stage has work.
//! For whole-scan timings on big corpora see `benches/scan.sh` and `benches/link.sh`.

use chrono_tz::Tz;
use criterion::{Criterion, Throughput};
use hirescreen::engine::{self, Options, Reference};
use hirescreen::enrich::mmdb::MmdbGeo;
use hirescreen::enrich::{self, Enricher};
use hirescreen::facts::{self, watch::Watchlist, FactEnv};
use hirescreen::ingest::{self, values::parse_ip, Fate, Opened};
use hirescreen::link::{self, LinkOptions};
use hirescreen::model::{login, Candidate};
use hirescreen::rules::{eval, score, Pack};
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::hint::black_box;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

/// Candidates in the corpus; sign-ins are ten times as many.
const CANDIDATES: usize = 4000;
const LOGINS_PER_CANDIDATE: usize = 10;
const SEED: u64 = 42;

/// splitmix64: enough randomness for a corpus, and the same stream on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n`.
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next()) * n as u128) >> 64) as usize
    }
    fn pick<'a>(&mut self, v: &[&'a str]) -> &'a str {
        v[self.below(v.len())]
    }
}

/// A claimed home: (city, region, country, zone, its UTC offset in February, the /16 the
/// databases in `samples/geo` place there).
const HOMES: &[(&str, &str, &str, &str, i64, &str)] = &[
    ("Houston", "TX", "US", "America/Chicago", -6, "24.10"),
    ("Seattle", "WA", "US", "America/Los_Angeles", -8, "24.11"),
    ("Henderson", "NV", "US", "America/Los_Angeles", -8, "24.12"),
    ("Miami", "FL", "US", "America/New_York", -5, "24.13"),
    ("Warsaw", "14", "PL", "Europe/Warsaw", 1, "83.50"),
    ("Berlin", "BE", "DE", "Europe/Berlin", 1, "85.70"),
];
/// Where the other sign-ins of fraud come from: a hosting VPN, a consumer VPN, abroad.
const AWAY: &[&str] = &["45.90", "45.91", "58.21", "95.30", "115.80"];
const FIRST: &[&str] = &[
    "Dana", "Steven", "Maria", "Jordan", "Priya", "Wei", "Olga", "Lucas", "Amara", "Kenji",
    "Sofia", "Omar", "Elena", "Tom", "Aisha", "Mateo",
];
const LAST: &[&str] = &[
    "Whitman", "Smith", "Garcia", "Lee", "Patel", "Chen", "Novak", "Silva", "Okafor", "Tanaka",
    "Rossi", "Haddad", "Kowalski", "Brown", "Khan", "Moreno", "Jensen", "Park",
];
const WORDS: &[&str] = &[
    "rust", "go", "k8s", "postgres", "backend", "services", "designed", "built", "scaled",
    "latency", "etl", "teams", "led", "migrated", "cloud", "apis", "payments", "search", "tracing",
    "mentored", "shipped", "data", "platform", "uptime",
];

/// The generated corpus: its folder and every distinct sign-in address.
struct Corpus {
    dir: PathBuf,
    ips: Vec<IpAddr>,
}

const APP_HEADER: &str = "candidate_id,full_name,email,phone,applied_at,claimed_city,\
    claimed_region,claimed_country,claimed_timezone,resume_text,position,ip";
const INTERVIEW_HEADER: &str =
    "interview_id,candidate_id,stage,started_at,platform,ip,display_name,camera,voice_change";
const LOGIN_HEADER: &str = "timestamp,candidate_id,account,ip,user_agent,outcome,device_id,\
    device_managed,browser_timezone,browser_language,remote_tool,latency_ms";

/// Writes `applications.csv`, `interviews.csv` and `logins.csv` for [`CANDIDATES`] people.
/// One in fifty starts a farm of three who share phone, device, address and resume; they and
/// one in twenty-five others sign in half the time through a VPN or from abroad.
fn generate() -> Corpus {
    let dir = std::env::temp_dir().join(format!("hirescreen-stages-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let mut rng = Rng(SEED);
    let [mut apps, mut ivs, mut logins] =
        [APP_HEADER, INTERVIEW_HEADER, LOGIN_HEADER].map(|h| format!("{h}\n"));
    let mut ips = BTreeSet::new();
    // Writing to a String cannot fail: the results of `writeln!` are ignored.
    for i in 0..CANDIDATES {
        let (city, region, country, tz, offset, net) = HOMES[rng.below(HOMES.len())];
        let farm = (i % 50 < 3).then_some(i / 50);
        let risky = farm.is_some() || i % 25 == 7;
        let (first, last) = (rng.pick(FIRST), rng.pick(LAST));
        let name = format!("{first} {last}");
        let email = format!("{first}.{last}{i}@example.com").to_lowercase();
        let phone = match farm {
            Some(g) => format!("+1 555 090 {g:04}"),
            None => format!("+1 555 {:03} {:04}", 100 + i / 10_000, i % 10_000),
        };
        // A farm's members send the same resume; everyone else draws their own words.
        let mut words = Rng(farm.map_or(SEED ^ ((i as u64) << 20), |g| g as u64));
        let resume: Vec<&str> = (0..40).map(|_| words.pick(WORDS)).collect();
        let resume = resume.join(" ");
        let home_ip = format!("{net}.{}.{}", rng.below(250) + 1, rng.below(250) + 1);
        let away_ip = match farm {
            Some(g) => format!("95.30.{}.{}", g % 250, g / 250 + 1),
            None => format!("{}.{}.{}", rng.pick(AWAY), rng.below(250), rng.below(256)),
        };
        let day = 1 + i % 28;
        let _ = writeln!(
            apps,
            "c{i:05},{name},{email},{phone},2026-01-{day:02}T15:00:00Z,{city},{region},\
             {country},{tz},{resume},Backend Engineer,{home_ip}"
        );
        let (camera, voice, iv_ip) = match risky {
            true => ("off", "yes", &away_ip),
            false => ("on", "no", &home_ip),
        };
        let _ = writeln!(
            ivs,
            "iv{i:05},c{i:05},screening,2026-01-{day:02}T18:00:00Z,zoom,{iv_ip},{name},\
             {camera},{voice}"
        );
        let device = match farm {
            Some(g) => format!("farm-{g}"),
            None => format!("dev-{i}"),
        };
        for k in 0..LOGINS_PER_CANDIDATE {
            let away = risky && k % 2 == 1;
            let ip = if away { &away_ip } else { &home_ip };
            ips.insert(ip.parse::<IpAddr>().expect("generated address"));
            // Working hours where the person really is: home, or Shanghai (UTC+8) when away.
            let (browser_tz, offset, tool, latency) = match away {
                true => ("Asia/Shanghai", 8, "AnyDesk", 180 + rng.below(200)),
                false => (tz, offset, "", 15 + rng.below(60)),
            };
            let hour = (8 + rng.below(10) as i64 - offset).rem_euclid(24);
            let (date, minute) = (1 + (day + 2 * k) % 28, rng.below(60));
            let outcome = ["success", "failure"][usize::from(rng.below(20) == 0)];
            let _ = writeln!(
                logins,
                "2026-02-{date:02}T{hour:02}:{minute:02}:00Z,c{i:05},,{ip},\
                 Mozilla/5.0 (Windows NT 10.0; Win64; x64),{outcome},{device},{},{browser_tz},\
                 en-US,{tool},{latency}",
                !risky
            );
        }
    }
    let files = [
        ("applications.csv", apps),
        ("interviews.csv", ivs),
        ("logins.csv", logins),
    ];
    for (name, text) in files {
        std::fs::write(dir.join(name), text).expect("write corpus");
    }
    let ips = ips.into_iter().collect();
    Corpus { dir, ips }
}

/// The synthetic City, ASN and Anonymous-IP databases shipped in `samples/geo`.
fn sample_geo() -> MmdbGeo {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/geo");
    let files = ["City.mmdb", "ASN.mmdb", "Anonymous-IP.mmdb"].map(|f| dir.join(f));
    MmdbGeo::open(&files).expect("samples/geo databases")
}

/// Opening and streaming the sign-ins file: reading, recognising and canonicalising each row,
/// then also parsing its timestamp and address as the engine does before joining. Opening
/// (header detection) is timed too; it is small beside the rows.
fn bench_ingest(c: &mut Criterion, corpus: &Corpus) {
    let path = corpus.dir.join("logins.csv");
    let formats = engine::default_formats();
    let stream = |parse: bool| {
        let Ok(Opened::Input(mut input)) = ingest::open(0, &path, "logins.csv", &formats, Tz::UTC)
        else {
            panic!("logins.csv not recognised");
        };
        let mut rows = 0u64;
        input.for_each(|row, ts, _| {
            rows += 1;
            if parse {
                black_box(row.get(login::TIMESTAMP).map(|s| ts.parse(s)));
                black_box(row.get(login::IP).and_then(parse_ip));
            }
            Fate::Used
        });
        rows
    };
    let rows = stream(false);
    assert_eq!(rows as usize, CANDIDATES * LOGINS_PER_CANDIDATE);
    let mut g = c.benchmark_group("ingest");
    g.throughput(Throughput::Elements(rows));
    g.bench_function("logins_per_row", |b| b.iter(|| stream(false)));
    g.bench_function("logins_parse_per_row", |b| b.iter(|| stream(true)));
    g.finish();
}

/// Address lookups over every distinct sign-in address: `lookup_uncached` pays databases and
/// lists each time; `lookup_cold` is a fresh [`Enricher`] (first sight of each address, its
/// per-network cache filling as it goes); `lookup_cached` is an Enricher that has seen them all.
fn bench_geo(c: &mut Criterion, corpus: &Corpus, pack: &Pack, geo: &MmdbGeo) {
    let ips = &corpus.ips;
    let mut g = c.benchmark_group("geo");
    g.throughput(Throughput::Elements(ips.len() as u64));
    g.bench_function("lookup_uncached", |b| {
        b.iter(|| {
            for &ip in ips {
                black_box(enrich::lookup_uncached(geo, &pack.lists, ip));
            }
        })
    });
    g.bench_function("lookup_cold", |b| {
        b.iter(|| {
            let mut e = Enricher::new(geo, &pack.lists);
            for &ip in ips {
                black_box(e.lookup(ip));
            }
        })
    });
    let mut warm = Enricher::new(geo, &pack.lists);
    for &ip in ips {
        warm.lookup(ip);
    }
    g.bench_function("lookup_cached", |b| {
        b.iter(|| {
            for &ip in ips {
                black_box(warm.lookup(ip));
            }
        })
    });
    g.finish();
}

/// Facts, rules and score for every candidate in turn (one thread, unlike a scan), and the
/// link stage over all of them. Candidates come from one real scan of the corpus.
fn bench_rules_and_link(c: &mut Criterion, corpus: &Corpus, pack: &Pack, geo: &MmdbGeo) {
    let opts = Options {
        inputs: vec![corpus.dir.clone()],
        watchlists: Vec::new(),
        geo,
        databases: geo.infos.clone(),
        pack,
        tz: Tz::UTC,
        formats: engine::default_formats(),
        only: None,
        progress: false,
    };
    let scan = engine::run(&opts, &Reference::builtin()).expect("scan of the corpus");
    let flagged = scan.outcomes.iter().filter(|s| s.score > 0).count();
    let cands: Vec<Candidate> = scan.candidates;
    let (links, layers) = (scan.links, scan.layers);
    eprintln!(
        "corpus: {} candidates ({flagged} with findings), {} links, {} clusters, {} addresses",
        cands.len(),
        links.links.len(),
        links.clusters.len(),
        corpus.ips.len()
    );
    let watch = Watchlist::default();
    let env = FactEnv { watch: &watch };
    let root = eval::root_context(&pack.env);
    let mut g = c.benchmark_group("rules");
    g.sample_size(20)
        .throughput(Throughput::Elements(cands.len() as u64));
    g.bench_function("derive_per_candidate", |b| {
        b.iter(|| {
            for c in &cands {
                black_box(facts::derive(c, &env));
            }
        })
    });
    g.bench_function("evaluate_per_candidate", |b| {
        b.iter(|| {
            let mut total = 0u64;
            for (i, c) in cands.iter().enumerate() {
                let mut facts = facts::derive(c, &env);
                link::set_facts(&links, &cands, i, &mut facts);
                let (findings, _) = eval::evaluate(pack, &root, c, &facts, layers);
                total += u64::from(score::score(pack, &findings).0);
            }
            total
        })
    });
    g.finish();
    let mut g = c.benchmark_group("link");
    g.sample_size(20)
        .throughput(Throughput::Elements(cands.len() as u64));
    g.bench_function("build", |b| {
        b.iter(|| link::link(&cands, &LinkOptions::default()))
    });
    g.finish();
}

fn main() {
    let corpus = generate();
    let pack = Pack::builtin().expect("built-in rule pack");
    let geo = sample_geo();
    let mut c = Criterion::default().configure_from_args();
    bench_ingest(&mut c, &corpus);
    bench_geo(&mut c, &corpus, &pack, &geo);
    bench_rules_and_link(&mut c, &corpus, &pack, &geo);
    c.final_summary();
    let _ = std::fs::remove_dir_all(&corpus.dir);
}
