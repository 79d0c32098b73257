//! Command line: clap arguments (raw) turned into validated configuration, one file per
//! subcommand. Errors here are usage or input errors (exit 2); findings at or above
//! `--fail-on` are exit 1.

/// `println!` that hands a failed write back as an error rather than panicking: output piped
/// into a command that stops reading (`| head`) then ends the command quietly (see `main`).
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout(), $($arg)*)?
    }};
}

mod backtest;
mod explain;
mod inspect;
mod rules_cmd;
mod scan;

use crate::enrich::mmdb::MmdbGeo;
use crate::report::Format;
use crate::rules::Pack;
use anyhow::Context as _;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::{Path, PathBuf};

#[derive(Parser)]
#[command(
    name = "hirescreen",
    version,
    about = "Offline pre-screen for remote-hiring identity fraud: flags inconsistencies between what candidates claim and what the evidence shows, and identity artefacts reused across candidates. Verdicts are clear / review / escalate — for a human to verify, never a rejection."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Screen candidates: files or folders of exports (applications, interviews, sign-ins).
    Scan(ScanArgs),
    /// One candidate in full: every rule fired, quiet or not evaluated, every fact and lookup.
    Explain {
        candidate_id: String,
        #[command(flatten)]
        scan: ScanArgs,
    },
    /// The rule pack: list, lint (validate) or test (run each rule's own tests).
    Rules {
        #[command(subcommand)]
        action: RulesAction,
    },
    /// Precision and recall per rule and per verdict against adjudicated labels.
    Backtest {
        /// candidate_id,label[,persona][,group] with label fraud or honest.
        #[arg(long, value_name = "FILE")]
        labels: PathBuf,
        #[command(flatten)]
        scan: ScanArgs,
    },
    /// What each file was recognised as: kind, format, column mapping, row counts.
    Inspect {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// A mapping file (TOML) for exports this tool does not know; repeatable.
        #[arg(long, value_name = "FILE")]
        mapping: Vec<PathBuf>,
        /// IANA zone for zone-less timestamps.
        #[arg(long, default_value = "UTC")]
        tz: String,
    },
}

#[derive(Subcommand)]
pub enum RulesAction {
    /// id, family, severity, score and title of each rule.
    List { dir: Option<PathBuf> },
    /// Validate the pack; every error with file:line:column.
    Lint { dir: Option<PathBuf> },
    /// Run every rule's must-fire and must-stay-quiet tests.
    Test { dir: Option<PathBuf> },
    /// The facts rules can read, with types and meaning.
    Facts,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, ValueEnum)]
pub enum FailOn {
    Review,
    Escalate,
    Never,
}

#[derive(Args, Clone)]
pub struct ScanArgs {
    /// Files or folders (scanned recursively for .csv .tsv .json .jsonl .ndjson).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// A MaxMind-format database (City, Country, ASN, Anonymous-IP); repeatable.
    #[arg(long = "geoip", value_name = "FILE")]
    pub geoip: Vec<PathBuf>,
    /// A watchlist file (type,value,note); repeatable.
    #[arg(long, value_name = "FILE")]
    pub watchlist: Vec<PathBuf>,
    /// A rule pack folder instead of the built-in one.
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,
    /// IANA zone for timestamps that carry none (Zoom, Teams).
    #[arg(long, default_value = "UTC", value_name = "ZONE")]
    pub tz: String,
    /// Output format (default: table on a terminal, jsonl otherwise).
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Write here instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Exit 1 when any candidate's verdict is at or above this.
    #[arg(long, value_enum, default_value = "escalate")]
    pub fail_on: FailOn,
    /// Replace names, emails, phones and addresses in the output with stable hashes.
    #[arg(long)]
    pub redact: bool,
    /// A mapping file (TOML) for exports this tool does not know (an ATS's CSV); repeatable.
    #[arg(long, value_name = "FILE")]
    pub mapping: Vec<PathBuf>,
    /// Worker threads (default: one per core). Results are the same for any number.
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// No progress bars (they are drawn only on a terminal, for large inputs).
    #[arg(long)]
    pub quiet: bool,
}

/// What a command asks `main` to exit with.
pub type Exit = i32;

pub fn run(cli: Cli) -> anyhow::Result<Exit> {
    match cli.command {
        Command::Scan(a) => scan::run(&a),
        Command::Explain { candidate_id, scan } => explain::run(&candidate_id, &scan),
        Command::Rules { action } => rules_cmd::run(action),
        Command::Backtest { labels, scan } => backtest::run(&labels, &scan),
        Command::Inspect { files, tz, mapping } => {
            inspect::run(&files, &parse_tz(&tz)?, &formats(&mapping)?)
        }
    }
}

/// The formats tried on every input: the user's mapping files first, then the built-in ones.
pub fn formats(mapping: &[PathBuf]) -> anyhow::Result<Vec<crate::ingest::format::FormatDef>> {
    let mut out = Vec::new();
    for m in mapping {
        let defs = crate::ingest::formats::mapping::load(m)
            .with_context(|| format!("invalid mapping file {}", m.display()))?;
        out.extend(defs);
    }
    out.extend(crate::engine::default_formats());
    Ok(out)
}

pub fn parse_tz(s: &str) -> anyhow::Result<chrono_tz::Tz> {
    crate::ingest::values::parse_zone(s).ok_or_else(|| {
        anyhow::anyhow!("--tz {s:?} is not an IANA time zone (e.g. America/New_York)")
    })
}

pub fn load_pack(dir: Option<&Path>) -> anyhow::Result<Pack> {
    Ok(match dir {
        Some(d) => Pack::from_dir(d)?,
        None => Pack::builtin()?,
    })
}

/// The scan behind `scan`, `explain` and `backtest`: the pack, the databases, the inputs.
/// `only` names the candidate whose facts are kept for `explain`.
pub fn screen(a: &ScanArgs, only: Option<&str>) -> anyhow::Result<(Pack, crate::engine::Scan)> {
    if let Some(n) = a.threads {
        anyhow::ensure!(n >= 1, "--threads must be at least 1");
        // Only the first configuration of the process counts (tests run several scans).
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global();
    }
    let pack = load_pack(a.rules.as_deref())?;
    let geo = open_geo(a)?;
    let reference = crate::engine::Reference::builtin();
    let opts = crate::engine::Options {
        inputs: a.paths.clone(),
        watchlists: a.watchlist.clone(),
        geo: &geo,
        databases: geo.infos.clone(),
        pack: &pack,
        tz: parse_tz(&a.tz)?,
        formats: formats(&a.mapping)?,
        only: only.map(str::to_string),
        progress: !a.quiet && std::io::IsTerminal::is_terminal(&std::io::stderr()),
    };
    let scan = crate::engine::run(&opts, &reference)?;
    Ok((pack, scan))
}

/// Opens the `--geoip` databases; without any, the `.mmdb` files inside the scanned folders.
pub fn open_geo(a: &ScanArgs) -> anyhow::Result<MmdbGeo> {
    if a.geoip.is_empty() {
        let found = crate::ingest::discover_databases(&a.paths);
        if !found.is_empty() {
            let names: Vec<String> = found.iter().map(|p| p.display().to_string()).collect();
            crate::errln!(
                "hirescreen: note: no --geoip given; using databases found beside the inputs: {}",
                names.join(", ")
            );
        }
        return MmdbGeo::open(&found).context("opening databases found beside the inputs");
    }
    MmdbGeo::open(&a.geoip).context("opening --geoip databases")
}
