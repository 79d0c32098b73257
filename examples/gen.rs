//! Seeded generator of a labelled synthetic corpus for `hirescreen`.
//!
//! ```text
//! cargo run --release --example gen -- --out DIR --candidates N --seed S \
//!     [--fraud-rate 0.03] [--logins-per-candidate 20] [--interviews-per-candidate 3] [--cover]
//! ```
//!
//! Writes the canonical inputs of SPEC §3 (`applications.csv`, `interviews.csv`, `logins.csv`,
//! `identities.csv`, `watchlist.csv`), the answer key `labels.csv`, and `geo/` (the address
//! plan as `ranges.csv` plus the three `.mmdb` files built from it by `mkgeo`'s code).
//! Personas follow `indicators.md` §6; see `tools/gen.md`.
//!
//! Output is a function of the arguments only: each unit of candidates draws from its own PRNG
//! stream, units are generated in parallel in fixed-size chunks and written in order, and the
//! databases carry a fixed build date. Memory is bounded by one batch of chunks; logins are
//! never held beyond their candidate.

#[path = "gen/fraud.rs"]
mod fraud;
#[path = "gen/honest.rs"]
mod honest;
#[allow(dead_code)]
#[path = "mkgeo.rs"]
mod mkgeo;
#[path = "gen/names.rs"]
mod names;
#[path = "gen/people.rs"]
mod people;
#[path = "gen/persona.rs"]
mod persona;
#[path = "gen/readme.rs"]
mod readme;
#[path = "gen/records.rs"]
mod records;
#[path = "gen/rng.rs"]
mod rng;
#[path = "gen/world.rs"]
mod world;

use std::collections::{BTreeMap, VecDeque};
use std::error::Error;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::Parser;
use rayon::prelude::*;

use people::{Ctx, Mode, Watch};
use persona::{gen_unit, Member, UnitPlan, ALL, P};
use rng::{days_from_civil, rfc3339, Rng};
use world::World;

/// Generate a labelled synthetic corpus (applications, interviews, logins, watchlist, GeoIP).
#[derive(Parser)]
#[command(name = "gen")]
struct Args {
    /// Output folder (created if missing; files in it are overwritten).
    #[arg(long, required_unless_present = "personas")]
    out: Option<PathBuf>,
    /// Number of candidates.
    #[arg(long, required_unless_present = "personas")]
    candidates: Option<u64>,
    /// PRNG seed: same arguments, same bytes.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Share of candidates who are fraud (group members count individually).
    #[arg(long, default_value_t = 0.03)]
    fraud_rate: f64,
    /// Mean logins per candidate (each draws between half and one and a half times this).
    #[arg(long, default_value_t = 20)]
    logins_per_candidate: u32,
    /// Interview stages per candidate (some honest candidates drop out earlier).
    #[arg(long, default_value_t = 3)]
    interviews_per_candidate: u32,
    /// Place every persona at least once (for a small demo).
    #[arg(long)]
    cover: bool,
    /// Print the persona table (code, label, share, group size, description) and exit.
    #[arg(long)]
    personas: bool,
}

type Res<T> = Result<T, Box<dyn Error>>;

/// Units generated per parallel task, and tasks per batch held in memory at once.
const CHUNK_UNITS: usize = 256;
const BATCH_UNITS: usize = CHUNK_UNITS * 32;
/// At most this many watchlist entries of each type come from generated personas.
const WATCH_CAP: usize = 8;

/// Decides, in order, which persona each next unit is and how big it is. Sequential and
/// cheap; the expensive generation happens per unit in parallel.
struct Planner {
    rng: Rng,
    n: u64,
    emitted: u64,
    unit_idx: u64,
    weights: Vec<f64>,
    cover: VecDeque<P>,
    cover_left: u64,
    counters: BTreeMap<&'static str, u64>,
}

impl Planner {
    fn new(args: &Args) -> Self {
        let rate = args.fraud_rate.clamp(0.0, 1.0);
        let weights = ALL
            .iter()
            .map(|p| {
                let i = p.info();
                let class = if i.fraud { rate } else { 1.0 - rate };
                class * i.share / f64::from(i.size.0 + i.size.1) * 2.0
            })
            .collect();
        let mut rng = Rng::new(args.seed, u64::MAX);
        let mut cover: Vec<P> = if args.cover {
            ALL.iter().copied().filter(|p| *p != P::Plain).collect()
        } else {
            Vec::new()
        };
        rng.shuffle(&mut cover);
        let cover_left = cover.iter().map(|p| u64::from(p.info().cover)).sum();
        Planner {
            rng,
            n: args.candidates.unwrap_or(0),
            emitted: 0,
            unit_idx: 0,
            weights,
            cover: cover.into(),
            cover_left,
            counters: BTreeMap::new(),
        }
    }

    fn next(&mut self) -> Option<UnitPlan> {
        let remaining = self.n.checked_sub(self.emitted).filter(|r| *r > 0)?;
        let from_cover = !self.cover.is_empty()
            && (self.cover_left >= remaining
                || self
                    .rng
                    .chance(self.cover_left as f64 / remaining as f64 * 1.5));
        let (mut persona, mut size) = if from_cover {
            let p = self.cover.pop_front().unwrap_or(P::Plain);
            self.cover_left -= u64::from(p.info().cover);
            (p, p.info().cover)
        } else {
            let p = ALL[self.rng.weighted(&self.weights)];
            let (lo, hi) = p.info().size;
            (p, self.rng.range(i64::from(lo), i64::from(hi)) as u32)
        };
        if u64::from(size) > remaining {
            size = remaining as u32;
            if size < persona.info().size.0 {
                // A group does not fit in the last slots: a single of the same class instead.
                let fraud = persona.info().fraud;
                let w: Vec<f64> = ALL
                    .iter()
                    .zip(&self.weights)
                    .map(|(p, w)| {
                        let i = p.info();
                        if i.fraud == fraud && i.size.0 == 1 {
                            *w + 1e-9
                        } else {
                            0.0
                        }
                    })
                    .collect();
                persona = ALL[self.rng.weighted(&w)];
                size = 1;
            }
        }
        let prefix = persona.info().group;
        let group = if prefix.is_empty() {
            String::new()
        } else {
            let n = self.counters.entry(prefix).or_insert(0);
            *n += 1;
            format!("{prefix}-{n}")
        };
        let plan = UnitPlan {
            persona,
            size,
            first_idx: self.emitted,
            unit_idx: self.unit_idx,
            group,
            cover: from_cover,
        };
        self.emitted += u64::from(size);
        self.unit_idx += 1;
        Some(plan)
    }
}

/// CSV bytes for one chunk of units, plus what the main thread aggregates.
struct ChunkOut {
    apps: Vec<u8>,
    interviews: Vec<u8>,
    logins: Vec<u8>,
    identities: Vec<u8>,
    labels: Vec<u8>,
    watch: Vec<Watch>,
    personas: BTreeMap<P, u64>,
    /// applications, interviews, logins, identities
    rows: [u64; 4],
}

fn csv_buf() -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::with_capacity(1 << 16))
}

fn opt_bool(b: Option<bool>) -> &'static str {
    match b {
        Some(true) => "true",
        Some(false) => "false",
        None => "",
    }
}

fn gen_chunk(ctx: &Ctx, units: &[UnitPlan]) -> Result<ChunkOut, csv::Error> {
    let mut apps = csv_buf();
    let mut ints = csv_buf();
    let mut logins = csv_buf();
    let mut idents = csv_buf();
    let mut labels = csv_buf();
    let mut out_watch = Vec::new();
    let mut personas = BTreeMap::new();
    let mut rows = [0u64; 4];
    for u in units {
        for Member { c, persona, group } in gen_unit(ctx, u) {
            let id = c.app.candidate_id.as_str();
            apps.write_record(c.app.record())?;
            rows[0] += 1;
            for iv in &c.interviews {
                ints.write_record([
                    iv.interview_id.as_str(),
                    id,
                    iv.stage,
                    &rfc3339(iv.started_at),
                    &iv.ended_at.map(rfc3339).unwrap_or_default(),
                    iv.platform,
                    &iv.ip,
                    &iv.display_name,
                    &iv.display_name_changes,
                    iv.camera,
                    iv.voice_change,
                    iv.local_knowledge,
                    iv.live_id,
                    &iv.live_id_name,
                    iv.language_check,
                    iv.ended_early,
                    iv.screen_share_other_identity,
                    &iv.notes,
                ])?;
                rows[1] += 1;
            }
            let (account, cid) = match c.mode {
                Mode::CandidateId => ("", id),
                Mode::Work | Mode::Email => (c.account.as_str(), ""),
            };
            let mut srng = Rng::new(ctx.seed ^ 0x5e55_1015, c.idx);
            for l in &c.logins {
                let d = &c.devices[usize::from(l.dev)];
                logins.write_field(rfc3339(l.ts))?;
                logins.write_field(account)?;
                logins.write_field(cid)?;
                logins.write_field(l.ip.to_string())?;
                logins.write_field(d.ua)?;
                logins.write_field(if l.ok { "success" } else { "failure" })?;
                logins.write_field(&d.id)?;
                logins.write_field(opt_bool(d.managed))?;
                logins.write_field(l.btz)?;
                logins.write_field(l.lang)?;
                logins.write_field(l.tool)?;
                logins.write_field(l.latency.map(|v| v.to_string()).unwrap_or_default())?;
                logins.write_field(format!("s-{}", srng.hex(16)))?;
                logins.write_record(None::<&[u8]>)?;
                rows[2] += 1;
            }
            if c.mode == Mode::Work {
                idents.write_record([id, c.app.email.as_str(), c.account.as_str()])?;
                rows[3] += 1;
            }
            let label = if persona.info().fraud {
                "fraud"
            } else {
                "honest"
            };
            labels.write_record([id, label, persona.code(), group.as_str()])?;
            *personas.entry(persona).or_insert(0) += 1;
            out_watch.extend(c.watch);
        }
    }
    let inner =
        |w: csv::Writer<Vec<u8>>| w.into_inner().map_err(|e| csv::Error::from(e.into_error()));
    Ok(ChunkOut {
        apps: inner(apps)?,
        interviews: inner(ints)?,
        logins: inner(logins)?,
        identities: inner(idents)?,
        labels: inner(labels)?,
        watch: out_watch,
        personas,
        rows,
    })
}

fn create(path: &Path, header: &[&str]) -> Res<BufWriter<File>> {
    let f = File::create(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut w = BufWriter::with_capacity(1 << 20, f);
    let mut h = csv_buf();
    h.write_record(header)?;
    w.write_all(&h.into_inner().map_err(|e| e.into_error())?)?;
    Ok(w)
}

fn write_csv(path: &Path, header: &[&str], rows: &[Vec<String>]) -> Res<()> {
    let mut w = csv::Writer::from_path(path).map_err(|e| format!("{}: {e}", path.display()))?;
    w.write_record(header)?;
    for r in rows {
        w.write_record(r)?;
    }
    w.flush()?;
    Ok(())
}

/// The watchlist: a capped handful of persona artefacts (in generation order), the public
/// DPRK range, and decoys that match nobody. The Astrill IOC addresses are left out on
/// purpose: honest Astrill users (BC-3) share those exits, and a watchlist hit escalates.
fn watchlist_rows(found: &[Watch]) -> Vec<Vec<String>> {
    let mut per_kind: BTreeMap<&str, usize> = BTreeMap::new();
    let mut rows: Vec<Vec<String>> = Vec::new();
    for w in found {
        let n = per_kind.entry(w.kind).or_insert(0);
        if *n < WATCH_CAP {
            *n += 1;
            rows.push(vec![w.kind.into(), w.value.clone(), w.note.into()]);
        }
    }
    const DPRK: &str = "DPRK allocation (AS131279), public registry data";
    const DECOY: &str = "decoy entry (matches nobody)";
    let fixed = [
        ("cidr", "175.45.176.0/22", DPRK),
        ("email", "decoy.applicant.zz9@example.net", DECOY),
        ("phone", "+1 999-555-0199", DECOY),
        ("payment_account", "acct-000000000000", DECOY),
    ];
    rows.extend(
        fixed
            .iter()
            .map(|(k, v, n)| vec![(*k).into(), (*v).into(), (*n).into()]),
    );
    rows
}

/// The command that reproduces this output, with non-default options only.
fn command_line(args: &Args, out: &Path) -> String {
    let mut cmd = format!(
        "cargo run --release --example gen -- --out {} --candidates {} --seed {}",
        out.display(),
        args.candidates.unwrap_or(0),
        args.seed
    );
    if (args.fraud_rate - 0.03).abs() > f64::EPSILON {
        cmd.push_str(&format!(" --fraud-rate {}", args.fraud_rate));
    }
    if args.logins_per_candidate != 20 {
        cmd.push_str(&format!(
            " --logins-per-candidate {}",
            args.logins_per_candidate
        ));
    }
    if args.interviews_per_candidate != 3 {
        cmd.push_str(&format!(
            " --interviews-per-candidate {}",
            args.interviews_per_candidate
        ));
    }
    if args.cover {
        cmd.push_str(" --cover");
    }
    cmd
}

fn print_personas(rate: f64) {
    println!("| persona | label | share of all candidates | group size | what |");
    println!("|---|---|---|---|---|");
    for p in ALL {
        let i = p.info();
        let class = if i.fraud { rate } else { 1.0 - rate };
        let mut size = if i.size.0 == i.size.1 {
            i.size.0.to_string()
        } else {
            format!("{}-{}", i.size.0, i.size.1)
        };
        if !i.group.is_empty() {
            size.push_str(&format!(" (`{}-N`)", i.group));
        }
        println!(
            "| {} | {} | {:.2}% | {size} | {} |",
            i.code,
            if i.fraud { "fraud" } else { "honest" },
            class * i.share * 100.0,
            i.what
        );
    }
}

fn main() -> Res<()> {
    let args = Args::parse();
    if args.personas {
        print_personas(args.fraud_rate);
        return Ok(());
    }
    let Some(out) = args.out.as_deref() else {
        return Err("--out is required".into());
    };
    let t0 = Instant::now();
    let world = World::new(args.seed);
    let ctx = Ctx {
        world: &world,
        seed: args.seed,
        logins: args.logins_per_candidate,
        interviews: args.interviews_per_candidate,
        apply_start_day: days_from_civil(2026, 1, 5),
        apply_span_days: 280,
    };
    std::fs::create_dir_all(out.join("geo"))?;

    let mut apps = create(&out.join("applications.csv"), &people::APP_HEADER)?;
    let mut ints = create(&out.join("interviews.csv"), &people::INTERVIEW_HEADER)?;
    let mut logins = create(&out.join("logins.csv"), &people::LOGIN_HEADER)?;
    let mut idents = create(
        &out.join("identities.csv"),
        &["candidate_id", "email", "account"],
    )?;
    let mut labels = create(
        &out.join("labels.csv"),
        &["candidate_id", "label", "persona", "group"],
    )?;

    let mut planner = Planner::new(&args);
    let mut watch: Vec<Watch> = Vec::new();
    let mut personas: BTreeMap<P, u64> = BTreeMap::new();
    let mut rows = [0u64; 4];
    loop {
        let batch: Vec<UnitPlan> = std::iter::from_fn(|| planner.next())
            .take(BATCH_UNITS)
            .collect();
        if batch.is_empty() {
            break;
        }
        let chunks: Vec<ChunkOut> = batch
            .par_chunks(CHUNK_UNITS)
            .map(|units| gen_chunk(&ctx, units))
            .collect::<Result<_, _>>()?;
        for ch in chunks {
            apps.write_all(&ch.apps)?;
            ints.write_all(&ch.interviews)?;
            logins.write_all(&ch.logins)?;
            idents.write_all(&ch.identities)?;
            labels.write_all(&ch.labels)?;
            watch.extend(ch.watch);
            for (p, n) in ch.personas {
                *personas.entry(p).or_insert(0) += n;
            }
            for (total, n) in rows.iter_mut().zip(ch.rows) {
                *total += n;
            }
        }
    }
    for w in [&mut apps, &mut ints, &mut logins, &mut idents, &mut labels] {
        w.flush()?;
    }
    let watch_rows = watchlist_rows(&watch);
    write_csv(
        &out.join("watchlist.csv"),
        &["type", "value", "note"],
        &watch_rows,
    )?;

    let ranges_path = out.join("geo").join("ranges.csv");
    let ranges: Vec<Vec<String>> = world.ranges().iter().map(|r| r.record().to_vec()).collect();
    write_csv(&ranges_path, &mkgeo::RANGES_HEADER, &ranges)?;
    let dbs = mkgeo::build_from_csv(&ranges_path, &out.join("geo"))?;
    readme::write(
        out,
        &readme::Facts {
            command: command_line(&args, out),
            candidates: rows[0],
            interviews: rows[1],
            logins: rows[2],
            identities: rows[3],
            watchlist: watch_rows.len(),
            ranges: ranges.len(),
            personas: &personas,
        },
    )?;

    eprintln!(
        "gen: {} candidates, {} interviews, {} logins in {:.1}s -> {}",
        rows[0],
        rows[1],
        rows[2],
        t0.elapsed().as_secs_f64(),
        out.display()
    );
    let (mut fraud, mut honest) = (0, 0);
    for (p, n) in &personas {
        if p.info().fraud {
            fraud += n;
        } else {
            honest += n;
        }
    }
    eprintln!("gen: labels fraud={fraud} honest={honest}");
    let summary: Vec<String> = personas
        .iter()
        .map(|(p, n)| format!("{}={n}", p.code()))
        .collect();
    eprintln!("gen: personas {}", summary.join(" "));
    for (path, size) in dbs {
        eprintln!("gen: wrote {} ({size} bytes)", path.display());
    }
    Ok(())
}
