//! The only place that knows the stage order: discover and recognise inputs, load
//! applications, identities and watchlists, join interviews, stream sign-ins into per-candidate
//! summaries, derive facts, evaluate rules and score. Each stage gets only what it needs.

pub mod ruletest;

use crate::enrich::gazetteer::Gazetteer;
use crate::enrich::mmdb::DbInfo;
use crate::enrich::{Enricher, GeoLookup, Layers};
use crate::facts::watch::Watchlist;
use crate::facts::{self, FactEnv, Facts};
use crate::ingest::countries::Countries;
use crate::ingest::format::{canonical_formats, AdaptNote, FormatDef, Kind};
use crate::ingest::values::{lower, norm_email, parse_bool, parse_ip};
use crate::ingest::{self, records, Fate, FileReport, Input, Opened};
use crate::link::{self, Links};
use crate::model::{
    app, identity, interview, login, watch, BrowserZone, Candidate, Fetch, FileTable, Finding, Key,
    KeyMap, LoginRow, LoginTrail, RuleOutcome, Verdict,
};
use crate::rules::{eval, score, Pack};
use chrono_tz::Tz;
use rayon::prelude::*;
use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::PathBuf;
use std::sync::Arc;

/// Everything a scan needs.
pub struct Options<'a> {
    pub inputs: Vec<PathBuf>,
    pub watchlists: Vec<PathBuf>,
    pub geo: &'a dyn GeoLookup,
    pub databases: Vec<DbInfo>,
    pub pack: &'a Pack,
    pub tz: Tz,
    pub formats: Vec<FormatDef>,
    /// The candidate whose facts are kept for `explain` (everyone is still screened: linking
    /// needs them all).
    pub only: Option<String>,
    /// Show progress bars on standard error when the inputs are large (at least
    /// [`PROGRESS_FROM`] bytes); drawn only when it is a terminal.
    pub progress: bool,
}

/// A file that was named or found but is not an export this tool knows.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Skipped {
    pub file: String,
    pub reason: String,
}

/// What screening concluded for one candidate. Kept beside the candidates (not with them:
/// joining the two would copy every candidate into a second table at the end of a scan, at
/// 1M candidates 0.7 GB more at the peak).
pub struct Outcome {
    /// Kept only when one candidate is explained; a scan drops them after evaluation.
    pub facts: Option<Facts>,
    pub findings: Vec<Finding>,
    /// Rules that could not run for this candidate and why, by rule index (a rule that fired
    /// has a finding; every other rule stayed quiet). Kept sparse: most rules run.
    pub not_evaluated: Vec<(u32, Cow<'static, str>)>,
    pub score: u32,
    pub verdict: Verdict,
}

/// One screened candidate: the candidate and its outcome, borrowed from a [`Scan`]; the
/// outcome's fields read through it (`s.verdict`, `s.findings`).
#[derive(Clone, Copy)]
pub struct Screened<'a> {
    pub candidate: &'a Candidate,
    outcome: &'a Outcome,
}

impl<'a> Screened<'a> {
    /// The outcome, borrowed for as long as the scan (the `Deref` borrows only as long as
    /// this handle).
    pub fn outcome_ref(&self) -> &'a Outcome {
        self.outcome
    }
}

impl std::ops::Deref for Screened<'_> {
    type Target = Outcome;
    fn deref(&self) -> &Outcome {
        self.outcome
    }
}

impl Outcome {
    /// What rule `i` of the pack concluded for this candidate.
    pub fn outcome(&self, i: usize) -> RuleOutcome {
        if let Some((_, why)) = self.not_evaluated.iter().find(|(r, _)| *r as usize == i) {
            return RuleOutcome::NotEvaluated(why.clone());
        }
        if self.findings.iter().any(|f| f.rule == i) {
            RuleOutcome::Fired
        } else {
            RuleOutcome::Quiet
        }
    }
}

/// The result of a scan.
pub struct Scan {
    pub files: FileTable,
    pub reports: Vec<FileReport>,
    pub skipped: Vec<Skipped>,
    /// The candidates, in application order, and what screening concluded for each (same
    /// positions); [`Scan::screened`] pairs them.
    pub candidates: Vec<Candidate>,
    pub outcomes: Vec<Outcome>,
    /// Cross-candidate links and clusters; indices are positions in `candidates`.
    pub links: Links,
    pub databases: Vec<DbInfo>,
    pub layers: Layers,
    pub warnings: Vec<String>,
}

impl Scan {
    /// Every screened candidate, in order.
    pub fn screened(&self) -> impl ExactSizeIterator<Item = Screened<'_>> {
        self.candidates
            .iter()
            .zip(&self.outcomes)
            .map(|(candidate, outcome)| Screened { candidate, outcome })
    }

    /// The screened candidate at position `i` (as in links and clusters).
    pub fn screened_at(&self, i: usize) -> Screened<'_> {
        Screened {
            candidate: &self.candidates[i],
            outcome: &self.outcomes[i],
        }
    }
}

/// Shared reference data, built once per process.
pub struct Reference {
    pub countries: &'static Countries,
    pub gazetteer: Gazetteer,
}

impl Reference {
    pub fn builtin() -> Reference {
        Reference {
            countries: Countries::shared(),
            gazetteer: Gazetteer::builtin(),
        }
    }
}

/// The formats tried on every file: real exports first, canonical last.
pub fn default_formats() -> Vec<FormatDef> {
    let mut v = crate::ingest::formats::builtin();
    v.extend(canonical_formats());
    v
}

fn display(p: &std::path::Path) -> String {
    p.display().to_string()
}

struct Index {
    by_id: KeyMap,
    by_email: KeyMap,
    by_account: KeyMap,
    /// Folded full name → candidate; `None` when two candidates share the name. Only for rows
    /// no strong key joins (Zoom guests without email), and such joins are marked weak. Built
    /// only when an interview export can name guests (canonical files cannot).
    by_name: Option<HashMap<String, Option<usize>>>,
}

/// A name folded for the name index (case, accents, order, nicknames); empty for names that
/// say nothing about who it is ("iPhone", "Guest").
fn name_key(name: &str) -> String {
    let t = facts::names::tokens(name);
    if facts::names::is_generic_tokens(&t) {
        return String::new();
    }
    t.into_string()
}

impl Index {
    fn index_names(&mut self, candidates: &[Candidate]) {
        let mut by_name = HashMap::new();
        for (i, c) in candidates.iter().enumerate() {
            let key = c.app.get(app::FULL_NAME).map(name_key).unwrap_or_default();
            if key.is_empty() {
                continue;
            }
            by_name
                .entry(key)
                .and_modify(|e| {
                    if *e != Some(i) {
                        *e = None
                    }
                })
                .or_insert(Some(i));
        }
        self.by_name = Some(by_name);
    }

    /// Joins by a name shown in a call, else by a candidate's name inside free text (a
    /// meeting topic such as "Interview - Jordan Lee").
    fn join_by_name(&self, names: &[String], topic: Option<&str>) -> Option<usize> {
        let by_name = self.by_name.as_ref()?;
        for n in names {
            if let Some(Some(i)) = by_name.get(&name_key(n)) {
                return Some(*i);
            }
        }
        let words: Vec<&str> = topic?
            .split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '.')
            .filter(|w| !w.is_empty())
            .collect();
        // Only a topic that names exactly one candidate joins.
        let mut found = None;
        for len in 2..=4.min(words.len()) {
            for w in words.windows(len) {
                if let Some(Some(i)) = by_name.get(&name_key(&w.join(" "))) {
                    if found.is_some_and(|f| f != *i) {
                        return None;
                    }
                    found = Some(*i);
                }
            }
        }
        found
    }

    /// Where [`Index::join`] looks for these values, in order: by candidate_id alone when
    /// there is one; else the account (as an account of the identities file, then as an
    /// email), then the email (as an email, then as an account: a work address the identities
    /// file lists, such as a Teams or Zoom email).
    /// Each key is built only when the lookups before it have missed.
    fn probes<'s>(
        &'s self,
        id: Option<&'s str>,
        account: Option<&'s str>,
        email: Option<&'s str>,
    ) -> impl Iterator<Item = (&'s KeyMap, Cow<'s, str>)> + 's {
        let by_id = id.map(|id| (&self.by_id, Cow::Borrowed(id.trim())));
        // With an id, nothing else is looked at.
        let (account, email) = if id.is_some() {
            (None, None)
        } else {
            (account, email)
        };
        let others = [
            (account, false),
            (account, true),
            (email, true),
            (email, false),
        ];
        by_id
            .into_iter()
            .chain(others.into_iter().filter_map(move |(t, as_email)| {
                let t = t?;
                match as_email {
                    true => norm_email(t).map(|e| (&self.by_email, e)),
                    false => Some((&self.by_account, lower(t.trim()))),
                }
            }))
    }

    /// Joins by candidate_id, else account (identities file), else email (see
    /// [`Index::probes`]).
    fn join(
        &self,
        id: Option<&str>,
        account: Option<&str>,
        email: Option<&str>,
    ) -> Result<usize, String> {
        if let Some(i) = self
            .probes(id, account, email)
            .find_map(|(map, key)| map.get(key.as_bytes()))
        {
            return Ok(i);
        }
        Err(match (id, account, email) {
            (Some(id), _, _) => format!("candidate_id {id}"),
            (None, Some(a), _) => format!("account {a}"),
            (None, None, Some(e)) => format!("email {e}"),
            (None, None, None) => "no candidate_id, account or email".into(),
        })
    }

    /// Asks for the memory [`Index::join`] will read for these values (see [`Fetch`]): the
    /// first place it looks in each table it may look in. No effect on any answer.
    fn warm(&self, id: Option<&str>, account: Option<&str>, email: Option<&str>, stage: Fetch) {
        for (map, key) in self.probes(id, account, email) {
            map.prefetch(KeyMap::hash(key.as_bytes()), stage);
        }
    }
}

/// Asks for the memory joining a sign-in will read (see [`ingest::Warm`]) while a thread
/// joins its rows without its memo.
struct WarmJoin<'a> {
    index: &'a Index,
    memo: &'a JoinMemo,
    /// The row's candidate id, account and email.
    fields: [usize; 3],
}

impl ingest::Warm for WarmJoin<'_> {
    fn wanted(&self) -> bool {
        self.memo.paused()
    }

    fn warm(&self, row: &ingest::Row<'_>, stage: Fetch) {
        let [id, account, email] = self.fields.map(|f| row.get(f));
        self.index.warm(id, account, email, stage);
    }
}

/// The candidates whose memory a fold last asked for, a few rows ahead and half as many: a
/// run of rows of one candidate (a log grouped by account) asks once.
struct Fetched {
    far: usize,
    near: usize,
}

impl Default for Fetched {
    fn default() -> Fetched {
        Fetched {
            far: usize::MAX,
            near: usize::MAX,
        }
    }
}

impl Fetched {
    /// Calls `far` and `near` with the candidates of the rows ahead, unless they were the last
    /// asked for.
    fn ask(
        &mut self,
        (far_at, near_at): (Option<usize>, Option<usize>),
        far: impl FnOnce(usize),
        near: impl FnOnce(usize),
    ) {
        if let Some(i) = far_at.filter(|&i| i != self.far) {
            far(i);
            self.far = i;
        }
        if let Some(i) = near_at.filter(|&i| i != self.near) {
            near(i);
            self.near = i;
        }
    }
}

/// Sign-ins that share an address and what the export said about it share one completed lookup.
type ExportKey<'a> = (std::net::IpAddr, Option<&'a str>, bool, Option<u32>);

/// The lookup completed with what the export says about the address: its country when no
/// database gave one (marked as from the export), the export's AS number, its proxy flag.
/// `None` when the export adds nothing.
fn with_export(
    info: &crate::model::IpInfo,
    country: Option<&str>,
    note: &AdaptNote,
) -> Option<crate::model::IpInfo> {
    let fill_country = info.country.is_none() && country.is_some();
    let fill_asn = info.asn.is_none() && note.asn.is_some();
    let proxy = note.proxy && !info.proxy;
    if !fill_country && !fill_asn && !proxy {
        return None;
    }
    let mut i = info.clone();
    if fill_country {
        i.country = country.map(Box::from);
        i.country_from_export = true;
    }
    if fill_asn {
        i.asn = note.asn;
        i.asn_org = i.asn_org.or_else(|| note.asn_org.as_deref().map(Box::from));
    }
    i.proxy |= note.proxy;
    Some(i)
}

/// The last join made on each thread, for one file's sign-ins: a log's rows of one account
/// sit together, so most rows repeat the key of the row before and skip the index (whose
/// tables, at a million candidates, miss the cache on every lookup). Joins are pure
/// functions of the key while sign-ins are read, so this changes no result. Each memo has its
/// own generation: a thread's entry from another file or scan is never reused. In a log in
/// time order the memo almost never hits and remembering each key is pure cost (1.4% of a
/// scan's instructions at 10k), so after [`JoinMemo::GIVE_UP`] misses in a row a thread joins
/// the next [`JoinMemo::PAUSE`] rows directly, then tries the memo again: a log that turns to
/// account groups part way through gets it back.
struct JoinMemo {
    generation: u64,
}

/// A thread's last join.
struct LastJoin {
    /// Its memo's generation.
    generation: u64,
    /// The key's three parts and what they joined (in this generation, once it has joined).
    key: [Option<String>; 3],
    result: Result<usize, String>,
    /// Misses in a row; rows still to join without the memo.
    misses: u32,
    paused: u32,
}

thread_local! {
    static LAST_JOIN: std::cell::RefCell<LastJoin> = const {
        std::cell::RefCell::new(LastJoin {
            generation: 0,
            key: [None, None, None],
            result: Err(String::new()),
            misses: 0,
            paused: 0,
        })
    };
}

impl JoinMemo {
    const GIVE_UP: u32 = 32;
    const PAUSE: u32 = 1024;

    fn new() -> JoinMemo {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        JoinMemo {
            generation: NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        }
    }

    /// Whether this thread joins its rows without the memo for now (a log in time order).
    fn paused(&self) -> bool {
        LAST_JOIN.with_borrow(|last| last.generation == self.generation && last.paused > 0)
    }

    fn join(
        &self,
        id: Option<&str>,
        account: Option<&str>,
        email: Option<&str>,
        join: impl FnOnce() -> Result<usize, String>,
    ) -> Result<usize, String> {
        let parts = [id, account, email];
        LAST_JOIN.with_borrow_mut(|last| {
            if last.generation != self.generation {
                // Another file or scan: nothing of it applies (joined afresh below).
                last.generation = self.generation;
                (last.misses, last.paused) = (0, 0);
            } else if last.paused > 0 {
                last.paused -= 1;
                return join();
            } else if last.key.iter().zip(parts).all(|(k, p)| k.as_deref() == p) {
                last.misses = 0;
                return last.result.clone();
            }
            last.misses += 1;
            if last.misses >= Self::GIVE_UP {
                (last.misses, last.paused) = (0, Self::PAUSE);
                return join();
            }
            for (k, p) in last.key.iter_mut().zip(parts) {
                match p {
                    Some(p) => {
                        let k = k.get_or_insert_with(String::new);
                        k.clear();
                        k.push_str(p);
                    }
                    None => *k = None,
                }
            }
            last.result = join();
            last.result.clone()
        })
    }
}

/// What one sign-in row says, checked and typed, before it is folded.
struct CheckedLogin<'r> {
    ts: i64,
    local_hour: Option<u32>,
    ip: std::net::IpAddr,
    success: Option<bool>,
    managed: Option<bool>,
    latency: Option<f64>,
    tools: u8,
    country: Option<&'r str>,
    browser_zone: BrowserZone,
    /// See [`SeenSignIns::key`].
    session_key: Option<u64>,
    /// Value warnings (field, message), reported only if the row is folded.
    warnings: Vec<(usize, String)>,
}

/// What a sign-in's `browser_timezone` value says.
fn browser_zone(value: Option<&str>) -> BrowserZone {
    match value {
        None => BrowserZone::Absent,
        Some(v) => ingest::values::parse_zone(v).map_or(BrowserZone::Unknown, BrowserZone::Zone),
    }
}

/// Checks one sign-in row on its own: the reason it is rejected, or its typed values.
/// `zone` is the candidate's claimed zone (for the local hour).
fn check_login<'r>(
    row: &ingest::Row<'_>,
    ts: &ingest::values::TsParser,
    zone: Option<Tz>,
    countries: &'r Countries,
) -> Result<CheckedLogin<'r>, String> {
    let when = match row.get(login::TIMESTAMP).map(|s| ts.parse(s)) {
        Some(Ok(Some(t))) => t,
        Some(Err(e)) => return Err(format!("timestamp: {e}")),
        _ => return Err("missing required value timestamp".into()),
    };
    let Some(ip) = row.get(login::IP).and_then(parse_ip) else {
        return Err(match row.get(login::IP) {
            Some(s) => format!("ip: {s:?} is not an IP address"),
            None => "missing required value ip".into(),
        });
    };
    let mut warnings = Vec::new();
    let managed = match row.get(login::DEVICE_MANAGED).map(parse_bool) {
        Some(Ok(b)) => b,
        Some(Err(e)) => {
            warnings.push((login::DEVICE_MANAGED, e));
            None
        }
        None => None,
    };
    let latency = match row.get(login::LATENCY_MS).map(|s| s.parse::<f64>()) {
        Some(Ok(x)) if x.is_finite() && x >= 0.0 => Some(x),
        Some(_) => {
            warnings.push((login::LATENCY_MS, "latency_ms is not a number".into()));
            None
        }
        None => None,
    };
    let country = row.get(login::COUNTRY).and_then(|c| {
        let code = countries.iso2(c);
        if code.is_none() {
            let msg = format!("country {c:?} is not a country this tool knows; left unknown");
            warnings.push((login::COUNTRY, msg));
        }
        code
    });
    Ok(CheckedLogin {
        ts: when,
        local_hour: zone.and_then(|z| crate::model::local_hour(when, z)),
        ip,
        success: row.get(login::OUTCOME).and_then(outcome),
        managed,
        latency,
        tools: row
            .get(login::REMOTE_TOOL)
            .and_then(crate::model::remote_tool_bit)
            .unwrap_or(0),
        country,
        browser_zone: browser_zone(row.get(login::BROWSER_TIMEZONE)),
        session_key: SeenSignIns::key(row.get(login::SESSION_ID), ip),
        warnings,
    })
}

/// Whether a sign-in outcome is a success; `None` for an interrupted one (an MFA prompt),
/// which neither succeeded nor failed.
fn outcome(o: &str) -> Option<bool> {
    if o.eq_ignore_ascii_case("success") {
        return Some(true);
    }
    let o = o.to_ascii_lowercase();
    if o.starts_with("interrupt") || o == "unknown" || o == "challenge" {
        return None;
    }
    Some(!(o.contains("fail") || o.contains("denied") || o.contains("error") || o == "false"))
}

/// The sign-ins each candidate had most recently, as hashes of (`session_id`, address), so
/// the several rows some exports write for one sign-in (Okta's session start,
/// authentication and sign-on policy events of one transaction) count once. The rows of one
/// sign-in sit together in a log, so the last few per candidate are enough; memory is a few
/// words per candidate. Rows without a session id are never repeats.
#[derive(Default)]
struct SeenSignIns {
    recent: Vec<[u64; SeenSignIns::RECENT]>,
}

impl SeenSignIns {
    const RECENT: usize = 4;

    /// The key of a sign-in row (computed where rows are checked in parallel); `None` without
    /// a session id. Never 0, which marks an empty slot.
    fn key(session: Option<&str>, ip: std::net::IpAddr) -> Option<u64> {
        let mut h = rustc_hash::FxHasher::default();
        (session?, ip).hash(&mut h);
        Some(h.finish().max(1))
    }

    /// Asks for a candidate's entry early (see [`crate::model::prefetch`]).
    fn prefetch(&self, candidate: usize) {
        if let Some(ring) = self.recent.get(candidate) {
            crate::model::prefetch(ring, usize::MAX);
        }
    }

    /// True when this candidate's sign-in was just folded; otherwise remembers it.
    fn repeat(&mut self, candidate: usize, key: Option<u64>) -> bool {
        let Some(key) = key else {
            return false;
        };
        if self.recent.len() <= candidate {
            self.recent.resize(candidate + 1, [0; Self::RECENT]);
        }
        let ring = &mut self.recent[candidate];
        if ring.contains(&key) {
            return true;
        }
        ring.rotate_right(1);
        ring[0] = key;
        false
    }
}

/// Inputs at least this large (bytes) get progress bars.
pub const PROGRESS_FROM: u64 = 64 << 20;

/// Whether `HIRESCREEN_TIMINGS` asks for stage timings on stderr (read once).
pub fn timings() -> bool {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("HIRESCREEN_TIMINGS").is_some())
}

/// Wall and processor time since it started, for the `HIRESCREEN_TIMINGS` lines: the
/// processor time (all threads, user and system, from `/proc/self/stat`) shows how well a
/// stage used the cores.
pub struct Stopwatch {
    wall: std::time::Instant,
    cpu: Option<f64>,
}

impl Stopwatch {
    pub fn start() -> Stopwatch {
        Stopwatch {
            wall: std::time::Instant::now(),
            cpu: cpu_seconds(),
        }
    }

    pub fn secs(&self) -> f64 {
        self.wall.elapsed().as_secs_f64()
    }

    /// `1.234 s (cpu 2.1 s)`, or without the processor time where it cannot be read.
    pub fn show(&self) -> String {
        match (self.cpu, cpu_seconds()) {
            (Some(a), Some(b)) => format!("{:.3} s (cpu {:.1} s)", self.secs(), b - a),
            _ => format!("{:.3} s", self.secs()),
        }
    }
}

/// User and system time of the process so far (Linux; clock ticks of 1/100 s).
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which is in parentheses and may hold spaces).
    let rest = &stat[stat.rfind(')')? + 2..];
    let mut f = rest.split(' ');
    let utime: f64 = f.nth(11)?.parse().ok()?;
    let stime: f64 = f.next()?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

/// Runs a scan.
pub fn run(opts: &Options<'_>, reference: &Reference) -> anyhow::Result<Scan> {
    let started = Stopwatch::start();
    let pack = opts.pack;
    let mut files = FileTable::default();
    let mut warnings = Vec::new();
    let mut skipped = Vec::new();
    let mut inputs: Vec<Input> = Vec::new();
    let paths = ingest::discover(&opts.inputs)?;
    let mut all: Vec<(PathBuf, bool)> = paths.into_iter().map(|p| (p, false)).collect();
    all.extend(opts.watchlists.iter().map(|p| (p.clone(), true)));
    for (path, is_watch) in all {
        let name = display(&path);
        let id = files.add(name.clone());
        match ingest::open(id, &path, &name, &opts.formats, opts.tz)? {
            Opened::Input(input) => {
                if is_watch && input.kind() != Kind::Watchlist {
                    anyhow::bail!(
                        "{name}: given with --watchlist but its header is a {} file",
                        input.kind()
                    );
                }
                inputs.push(*input);
            }
            Opened::Unrecognised {
                headers,
                syntax,
                known,
                ..
            } => {
                let shown: Vec<String> = headers.iter().take(12).cloned().collect();
                let reason = match known {
                    Some(what) => what.to_string(),
                    None => format!(
                        "not a known export ({syntax}; header: {}); see `hirescreen inspect {name}`",
                        shown.join(", ")
                    ),
                };
                if is_watch {
                    anyhow::bail!("{name}: {reason}");
                }
                warnings.push(format!("skipped {name}: {reason}"));
                skipped.push(Skipped { file: name, reason });
            }
        }
    }
    inputs.sort_by_key(|i| (i.kind(), i.id));
    let bytes: u64 = inputs.iter().map(|i| i.size()).sum();
    let progress = opts.progress && bytes >= PROGRESS_FROM;
    let reading =
        progress.then(|| progress_bar(bytes, "reading", "{binary_bytes}/{binary_total_bytes}"));
    for i in &mut inputs {
        i.progress = reading.clone();
    }
    let layers = opts.geo.layers();
    let mut enricher = Enricher::new(opts.geo, &pack.lists);
    let mut candidates: Vec<Candidate> = Vec::new();
    let mut index = Index {
        by_id: KeyMap::default(),
        by_email: KeyMap::default(),
        by_account: KeyMap::default(),
        by_name: None,
    };
    let mut watchlist = Watchlist::default();
    // Applications first: everything else joins to them. Each row is read and its claimed
    // place resolved on its own (in parallel); rows are then added in file order.
    for input in inputs.iter_mut().filter(|i| i.kind() == Kind::Applications) {
        let cols = input.numbers.clone();
        let rows = input.estimated_rows();
        // An estimate from the file's size: room the system refuses is no error.
        let _ = candidates.try_reserve(rows);
        index.by_id.reserve(rows);
        index.by_email.reserve(rows);
        let prepare = |row: &ingest::Row<'_>, ts: &ingest::values::TsParser| {
            let mut scratch = FileReport::default();
            let a = records::application(row, &cols, ts, reference.countries, &mut scratch);
            let a = a.map(|a| {
                let claim = facts::resolve_claim(&a, &reference.gazetteer);
                (a, claim)
            });
            (a, scratch)
        };
        input.for_each_prepared(prepare, |_, (a, scratch), _, _, report| {
            report.absorb_values(scratch);
            let (a, claim) = match a {
                Ok(a) => a,
                Err(e) => return Fate::Rejected(e),
            };
            let id = a.get(app::CANDIDATE_ID).unwrap_or("");
            let idx = candidates.len();
            let Some(first) = index.by_id.insert_first(Key::new(id), idx) else {
                return Fate::Rejected(format!(
                    "more than {} candidate ids in one scan; this one was not read",
                    KeyMap::MAX_KEYS
                ));
            };
            if first != idx {
                let line = candidates[first].app.fields.row.line;
                return Fate::Rejected(format!(
                    "duplicate candidate_id {id} (first at line {line})"
                ));
            }
            let id: Box<str> = id.into();
            if let Some(e) = a.get(app::EMAIL).and_then(norm_email) {
                // Never full: it holds at most one key per candidate, and `by_id` took this
                // candidate's.
                let _ = index.by_email.insert_first(Key::new(&e), idx);
            }
            let app_ip_info = a.ip.map(|ip| enricher.lookup(ip));
            candidates.push(Candidate {
                id,
                app: a,
                interviews: Vec::new(),
                logins: LoginTrail::default(),
                app_ip_info,
                claim,
            });
            Fate::Used
        });
    }
    for input in inputs.iter_mut().filter(|i| i.kind() == Kind::Identities) {
        index.by_account.reserve(input.estimated_rows());
        input.for_each(|row, _, _| {
            let Some(account) = row.get(identity::ACCOUNT) else {
                return Fate::Rejected("missing required value account".into());
            };
            let target = index.join(
                row.get(identity::CANDIDATE_ID),
                None,
                row.get(identity::EMAIL),
            );
            match target {
                Ok(i) if index.by_account.insert(account.to_lowercase().into(), i) => Fate::Used,
                Ok(_) => Fate::Rejected(format!(
                    "more than {} accounts in one scan; this one was not read",
                    KeyMap::MAX_KEYS
                )),
                Err(k) => Fate::Unmatched(k),
            }
        });
    }
    for input in inputs.iter_mut().filter(|i| i.kind() == Kind::Watchlist) {
        let cols = input.numbers.clone();
        input.for_each(|row, _, _| {
            let (Some(t), Some(v)) = (row.get(watch::TYPE), row.get(watch::VALUE)) else {
                return Fate::Rejected("missing type or value".into());
            };
            let src = row.at.cell(cols[watch::VALUE]);
            match watchlist.add(t, v, row.get(watch::NOTE).unwrap_or(""), src) {
                Ok(()) => Fate::Used,
                Err(e) => Fate::Rejected(e),
            }
        });
    }
    // Interview rows are joined and read on their own (in parallel), then added in file order.
    if inputs
        .iter()
        .any(|i| i.kind() == Kind::Interviews && i.detected.format.adapter.is_some())
    {
        index.index_names(&candidates);
    }
    let keep_notes = pack.reads_interview_notes;
    for input in inputs.iter_mut().filter(|i| i.kind() == Kind::Interviews) {
        let cols = input.numbers.clone();
        let prepare = |row: &ingest::Row<'_>, ts: &ingest::values::TsParser| {
            let mut key = index.join(
                row.get(interview::CANDIDATE_ID),
                row.get(interview::ACCOUNT),
                row.get(interview::EMAIL),
            );
            // No strong key: the host's own staff stop here; guests are tried by name.
            let mut weak = false;
            if let Err(k) = &key {
                if let Some(staff) = &row.note.staff {
                    key = Err(staff.clone());
                } else if let Some(i) =
                    index.join_by_name(&row.note.name_keys, row.note.topic.as_deref())
                {
                    key = Ok(i);
                    weak = true;
                } else if let (true, Some(n)) = (k.starts_with("no "), row.note.name_keys.first()) {
                    key = Err(format!("name {n}"));
                }
            }
            let mut scratch = FileReport::default();
            let read = key.map(|idx| {
                let iv = records::interview(row, &cols, ts, keep_notes, &mut scratch);
                (
                    idx,
                    iv.map(|mut iv| {
                        iv.weak_join |= weak;
                        iv
                    }),
                )
            });
            (read, scratch)
        };
        // A log in time order adds each row to another candidate: where it goes is asked for a
        // few rows early (see the sign-ins below).
        let mut fetched = Fetched::default();
        input.for_each_prepared(prepare, |_, (read, scratch), ahead, _, report| {
            let at = |p: Option<&(Result<(usize, _), _>, _)>| match p {
                Some((Ok((i, _)), _)) => Some(*i),
                _ => None,
            };
            fetched.ask(
                (at(ahead.far), at(ahead.near)),
                |far| crate::model::prefetch(&candidates[far].interviews, 64),
                |near| crate::model::prefetch_next(&candidates[near].interviews),
            );
            report.absorb_values(scratch);
            match read {
                Ok((idx, Ok(mut iv))) => {
                    iv.ip_info = iv.ip.map(|ip| enricher.lookup(ip));
                    crate::few::push_tight(&mut candidates[idx].interviews, iv);
                    Fate::Used
                }
                Ok((_, Err(e))) => Fate::Rejected(e),
                Err(k) => Fate::Unmatched(k),
            }
        });
    }
    // Sign-ins stream: each row is checked on its own (in parallel: join, timestamp, address,
    // flags), then folded, in file order, into its candidate's summary and dropped.
    let mut export_info: HashMap<ExportKey<'_>, Arc<crate::model::IpInfo>> = HashMap::new();
    let mut export_countries = false;
    let zones: Vec<Option<Tz>> = candidates.iter().map(|c| c.claim.tz).collect();
    for input in inputs.iter_mut().filter(|i| i.kind() == Kind::Logins) {
        let cols = input.numbers.clone();
        let mut seen = SeenSignIns::default();
        let memo = JoinMemo::new();
        let mut fetched = Fetched::default();
        let prepare = |row: &ingest::Row<'_>, ts: &ingest::values::TsParser| {
            let (id, account, email) = (
                row.get(login::CANDIDATE_ID),
                row.get(login::ACCOUNT),
                row.get(login::EMAIL),
            );
            let key = memo.join(id, account, email, || index.join(id, account, email));
            key.map(|idx| (idx, check_login(row, ts, zones[idx], reference.countries)))
        };
        // Joined without the memo, rows wait for the index's memory: ask for it early.
        let warm = WarmJoin {
            index: &index,
            memo: &memo,
            fields: [login::CANDIDATE_ID, login::ACCOUNT, login::EMAIL],
        };
        input.for_each_warmed(Some(&warm), prepare, |row, prepared, ahead, _, report| {
            // A log in time order touches another candidate at every row: ask for the
            // summaries of rows a few places on now, so they are in cache by their turn (once
            // per run of rows of one candidate, as in a log grouped by account).
            let at = |p: Option<&Result<(usize, _), _>>| p?.as_ref().ok().map(|(i, _)| *i);
            fetched.ask(
                (at(ahead.far), at(ahead.near)),
                |far| {
                    candidates[far].logins.prefetch();
                    seen.prefetch(far);
                },
                |near| candidates[near].logins.prefetch_lists(),
            );
            let (idx, l) = match prepared {
                Ok((idx, Ok(l))) => (idx, l),
                Ok((_, Err(reason))) => return Fate::Rejected(reason),
                Err(key) => return Fate::Unmatched(key),
            };
            // Another row of a sign-in already folded: used, but counted once.
            if seen.repeat(idx, l.session_key) {
                report.merged += 1;
                return Fate::Used;
            }
            for (field, msg) in &l.warnings {
                report.warn_value(row.at.line, cols[*field], msg);
            }
            let country = l.country;
            let l = LoginRow {
                row: row.at,
                ip_col: cols[login::IP],
                ts: l.ts,
                local_hour: l.local_hour,
                ip: l.ip,
                success: l.success,
                device_id: row.get(login::DEVICE_ID),
                device_managed: l.managed,
                device_managed_col: cols[login::DEVICE_MANAGED],
                browser_zone: l.browser_zone,
                browser_timezone_col: cols[login::BROWSER_TIMEZONE],
                remote_tools: l.tools,
                remote_tool_col: cols[login::REMOTE_TOOL],
                latency_ms: l.latency,
                latency_col: cols[login::LATENCY_MS],
            };
            // Looked up only for an address new to this candidate: the summary keeps one
            // answer per address. What the export itself says completes the lookup.
            let (ip, note) = (l.ip, row.note);
            let info = || {
                let info = enricher.lookup(ip);
                if country.is_none() && !note.proxy && note.asn.is_none() {
                    return info;
                }
                let ekey = (ip, country, note.proxy, note.asn);
                if let Some(i) = export_info.get(&ekey) {
                    return Arc::clone(i);
                }
                let Some(i) = with_export(&info, country, note) else {
                    return info;
                };
                export_countries |= i.country_from_export;
                let info = Arc::new(i);
                if export_info.len() < 100_000 {
                    export_info.insert(ekey, Arc::clone(&info));
                }
                info
            };
            candidates[idx].logins.add(&l, info);
            Fate::Used
        });
    }
    // Countries read from an export locate sign-ins even with no database.
    let layers = Layers {
        country: layers.country || export_countries,
        ..layers
    };
    let reports: Vec<FileReport> = inputs.into_iter().map(|i| i.report).collect();
    for r in &reports {
        for w in &r.warnings {
            if w.starts_with("timestamps carry no zone") || w.starts_with("day/month") {
                warnings.push(format!("{}: {w}", r.file));
            }
        }
    }
    if timings() {
        crate::errln!("hirescreen: timing ingest {}", started.show());
    }
    if let Some(bar) = reading {
        bar.finish_and_clear();
    }
    let screening =
        progress.then(|| progress_bar(candidates.len() as u64, "screening", "{pos}/{len}"));
    let (candidates, outcomes, links) = screen_with(
        candidates,
        pack,
        &watchlist,
        layers,
        opts.only.as_deref(),
        screening.as_ref(),
    );
    if let Some(bar) = screening {
        bar.finish_and_clear();
    }
    Ok(Scan {
        files,
        reports,
        skipped,
        candidates,
        outcomes,
        links,
        databases: opts.databases.clone(),
        layers,
        warnings,
    })
}

/// Links across candidates first (they need every candidate), then facts, rules and scores
/// for every candidate in parallel; order is kept. Referral facts depend on the referrer's
/// verdict, so they take two passes: the first assumes every referrer clear, then only the
/// candidates whose referrer turned out flagged are evaluated again with the first-pass
/// verdicts (one step, no iteration: deterministic).
pub fn screen(
    candidates: Vec<Candidate>,
    pack: &Pack,
    watchlist: &Watchlist,
    layers: Layers,
    keep_facts_of: Option<&str>,
) -> (Vec<Candidate>, Vec<Outcome>, Links) {
    screen_with(candidates, pack, watchlist, layers, keep_facts_of, None)
}

/// A progress bar on standard error; indicatif draws nothing when it is not a terminal.
fn progress_bar(len: u64, stage: &str, counts: &str) -> indicatif::ProgressBar {
    let style = indicatif::ProgressStyle::with_template(&format!(
        "hirescreen: {stage} {{bar:20}} {counts}, {{eta}} left"
    ))
    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(len),
        indicatif::ProgressDrawTarget::stderr_with_hz(4),
    );
    bar.set_style(style);
    bar
}

/// [`screen`], counting screened candidates on `bar`.
fn screen_with(
    candidates: Vec<Candidate>,
    pack: &Pack,
    watchlist: &Watchlist,
    layers: Layers,
    keep_facts_of: Option<&str>,
    bar: Option<&indicatif::ProgressBar>,
) -> (Vec<Candidate>, Vec<Outcome>, Links) {
    let show_timings = timings();
    let rss_before = show_timings.then(resident_mb).flatten();
    let t = Stopwatch::start();
    let links = link::link(&candidates, &pack.link);
    let link_time = t.show();
    if let Some(bar) = bar {
        bar.reset_eta();
    }
    let rss_after = show_timings.then(resident_mb).flatten();
    let env = FactEnv { watch: watchlist };
    let root = eval::root_context(&pack.env);
    let t = Stopwatch::start();
    // One candidate: facts into a table the worker reuses, link facts (referrers' verdicts
    // when known), rules, score. Facts are large: a scan keeps only what the rules concluded.
    let screen_one = |i: usize, facts: &mut Facts, referrers: Option<&[Verdict]>| {
        facts::derive_into(&candidates[i], &env, facts);
        link::set_facts(&links, &candidates, i, facts);
        if referrers.is_some() {
            link::set_referral_facts(&links, &candidates, i, facts, referrers);
        }
        let (findings, not_evaluated) = eval::evaluate(pack, &root, &candidates[i], facts, layers);
        let (score, verdict) = score::score(pack, &findings);
        if let (Some(bar), None) = (bar, referrers) {
            bar.inc(1);
        }
        let keep = keep_facts_of.is_some_and(|id| *candidates[i].id == *id);
        (
            keep.then(|| facts.clone()),
            (findings, not_evaluated, score, verdict),
        )
    };
    let mut results: Vec<_> = (0..candidates.len())
        .into_par_iter()
        .map_init(Facts::default, |facts, i| screen_one(i, facts, None))
        .collect();
    let verdicts: Vec<Verdict> = results.iter().map(|r| r.1 .3).collect();
    let again = link::referral_changes(&links, &verdicts);
    // Few are redone: only those whose referrer turned out flagged.
    let redone: Vec<_> = again
        .par_iter()
        .map_init(Facts::default, |facts, &i| {
            screen_one(i, facts, Some(&verdicts))
        })
        .collect();
    for (i, r) in again.into_iter().zip(redone) {
        results[i] = r;
    }
    if show_timings {
        for (stage, secs) in &links.timings {
            crate::errln!("hirescreen: timing {stage} {secs:.3} s");
        }
        crate::errln!("hirescreen: timing link {link_time}");
        if let (Some((b, _)), Some((a, peak))) = (rss_before, rss_after) {
            crate::errln!(
                "hirescreen: memory before link {b} MB, after link {a} MB, peak so far {peak} MB"
            );
        }
        crate::errln!("hirescreen: timing facts+rules {}", t.show());
    }
    let outcomes = results
        .into_iter()
        .map(
            |(facts, (findings, not_evaluated, score, verdict))| Outcome {
                facts,
                findings,
                not_evaluated,
                score,
                verdict,
            },
        )
        .collect();
    (candidates, outcomes, links)
}

/// Resident and peak resident memory in MB (Linux `/proc/self/status`), for
/// `HIRESCREEN_TIMINGS`.
fn resident_mb() -> Option<(u64, u64)> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let field = |name: &str| -> Option<u64> {
        let line = status.lines().find(|l| l.starts_with(name))?;
        let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kb / 1024)
    };
    Some((field("VmRSS:")?, field("VmHWM:")?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(names: &[&str]) -> Index {
        let mut by_name = HashMap::new();
        for (i, n) in names.iter().enumerate() {
            by_name.insert(name_key(n), Some(i));
        }
        let by_name = Some(by_name);
        Index {
            by_id: KeyMap::default(),
            by_email: KeyMap::default(),
            by_account: KeyMap::default(),
            by_name,
        }
    }

    /// Past the most join keys a scan takes, a row is rejected with its reason and the scan
    /// goes on (no panic): candidate ids in applications, accounts in identities. Every row
    /// is still accounted for.
    #[test]
    fn rows_past_a_full_join_table_are_rejected_not_a_panic() {
        let dir = std::env::temp_dir().join(format!("hirescreen-full-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let apps = "candidate_id,full_name,email\n\
                    a1,Ann One,ann@example.com\n\
                    a2,Bob Two,bob@example.com\n\
                    a3,Cy Three,cy@example.com\n";
        let ids = "candidate_id,email,account\n\
                   a1,,ann@corp.example\n\
                   a2,,bob@corp.example\n\
                   a2,,bob2@corp.example\n";
        std::fs::write(dir.join("applications.csv"), apps).unwrap();
        std::fs::write(dir.join("identities.csv"), ids).unwrap();
        let pack = crate::rules::Pack::builtin().unwrap_or_else(|e| panic!("{e}"));
        let opts = Options {
            inputs: vec![dir.join("applications.csv"), dir.join("identities.csv")],
            watchlists: Vec::new(),
            geo: &crate::enrich::NoGeo,
            databases: Vec::new(),
            pack: &pack,
            tz: chrono_tz::UTC,
            formats: default_formats(),
            only: None,
            progress: false,
        };
        let limited = crate::model::with_key_limit(2, || run(&opts, &Reference::builtin()));
        let whole = run(&opts, &Reference::builtin());
        std::fs::remove_dir_all(&dir).ok();
        let scan = limited.unwrap();
        let ids: Vec<&str> = scan.candidates.iter().map(|c| &*c.id).collect();
        assert_eq!(ids, ["a1", "a2"]);
        let report = |kind: &str| scan.reports.iter().find(|r| r.kind == kind).unwrap();
        for (kind, line, says) in [
            ("applications", 4, "candidate ids"),
            ("identities", 4, "accounts"),
        ] {
            let r = report(kind);
            assert_eq!((r.rows, r.used, r.rejected), (3, 2, 1), "{kind}");
            assert_eq!(r.rejections[0].line, line, "{kind}");
            let reason = &r.rejections[0].reason;
            assert!(
                reason.contains(says) && reason.contains("not read"),
                "{reason}"
            );
        }
        // Without the limit every row is used.
        let whole = whole.unwrap();
        assert_eq!(whole.candidates.len(), 3);
        assert!(whole.reports.iter().all(|r| r.used == 3 && r.rejected == 0));
    }

    /// A run of rows of one candidate asks for its memory once, at each distance; a row ahead
    /// that is not joined asks nothing and forgets nothing.
    #[test]
    fn a_fold_asks_once_per_run_of_one_candidate() {
        let mut fetched = Fetched::default();
        let mut asked = Vec::new();
        for ahead in [
            (Some(1), Some(1)),
            (Some(1), Some(1)),
            (None, None),
            (Some(1), Some(2)),
        ]
        .into_iter()
        .chain([(Some(3), Some(2)), (Some(1), Some(3))])
        {
            let (mut f, mut n) = (None, None);
            fetched.ask(ahead, |i| f = Some(i), |i| n = Some(i));
            asked.push((f, n));
        }
        assert_eq!(
            asked,
            [
                (Some(1), Some(1)),
                (None, None),
                (None, None),
                (None, Some(2)),
                (Some(3), None),
                (Some(1), Some(3)),
            ]
        );
    }

    /// The order a join looks in: candidate_id alone when there is one; else the account as
    /// an account, then as an email; then the email as an email, then as an account. Each
    /// table here gives another candidate for the same text, so any other order answers
    /// differently.
    #[test]
    fn a_join_looks_by_id_then_account_then_email() {
        let mut idx = index(&[]);
        assert!(idx.by_id.insert(Key::new("C1"), 1));
        assert!(idx.by_account.insert(Key::new("x@corp.example"), 2));
        assert!(idx.by_email.insert(Key::new("x@corp.example"), 3));
        assert!(idx.by_email.insert(Key::new("y@mail.example"), 4));
        assert!(idx.by_account.insert(Key::new("y@mail.example"), 5));
        assert!(idx.by_email.insert(Key::new("z@mail.example"), 6));
        let (x, y, z) = (
            Some("X@Corp.example "),
            Some("y@mail.example"),
            Some("z@mail.example"),
        );
        assert_eq!(idx.join(Some("C1"), x, y), Ok(1), "the id decides");
        assert!(
            idx.join(Some("C2"), x, y).is_err(),
            "an unknown id is not retried"
        );
        assert_eq!(
            idx.join(None, x, y),
            Ok(2),
            "the account as an account first"
        );
        assert_eq!(
            idx.join(None, z, x),
            Ok(6),
            "the account as an email before the email"
        );
        assert_eq!(
            idx.join(None, None, y),
            Ok(4),
            "the email as an email first"
        );
        assert_eq!(idx.join(None, Some("nobody"), x), Ok(3));
        idx.by_email = KeyMap::default();
        assert_eq!(
            idx.join(None, None, y),
            Ok(5),
            "then the email as an account"
        );
        assert_eq!(
            idx.join(None, Some("nobody"), Some("nobody@else.example")),
            Err("account nobody".to_string())
        );
    }

    /// A browser zone is absent, a zone, or given but no zone (which is still cited).
    #[test]
    fn a_browser_zone_is_absent_known_or_unknown() {
        assert_eq!(browser_zone(None), BrowserZone::Absent);
        assert_eq!(
            browser_zone(Some("Asia/Tokyo")),
            BrowserZone::Zone(chrono_tz::Asia::Tokyo)
        );
        assert_eq!(browser_zone(Some("Mars/Olympus")), BrowserZone::Unknown);
    }

    #[test]
    fn a_sign_in_repeated_under_its_session_id_counts_once() {
        let ip: std::net::IpAddr = "203.0.113.5".parse().unwrap();
        let other: std::net::IpAddr = "203.0.113.6".parse().unwrap();
        let key = |s: &str, ip| SeenSignIns::key(Some(s), ip);
        let mut seen = SeenSignIns::default();
        assert!(!seen.repeat(0, key("tx-1", ip)));
        assert!(seen.repeat(0, key("tx-1", ip)));
        assert!(seen.repeat(0, key("tx-1", ip)));
        // Another address, another candidate, another session: another sign-in.
        assert!(!seen.repeat(0, key("tx-1", other)));
        assert!(!seen.repeat(1, key("tx-1", ip)));
        assert!(!seen.repeat(0, key("tx-2", ip)));
        // Rows without a session id are never repeats.
        assert_eq!(SeenSignIns::key(None, ip), None);
        assert!(!seen.repeat(0, None));
        assert!(!seen.repeat(0, None));
        // Only the last few sign-ins of a candidate are remembered.
        for i in 0..SeenSignIns::RECENT {
            assert!(!seen.repeat(2, key(&i.to_string(), ip)));
        }
        assert!(seen.repeat(2, key(&(SeenSignIns::RECENT - 1).to_string(), ip)));
        assert!(seen.repeat(2, key("0", ip)));
        assert!(!seen.repeat(2, key("new", ip)));
        assert!(
            !seen.repeat(2, key("0", ip)),
            "pushed out by newer sign-ins"
        );
    }

    /// A join's answer, counting the joins made.
    fn counted(calls: &std::cell::Cell<usize>, r: Result<usize, String>) -> Result<usize, String> {
        calls.set(calls.get() + 1);
        r
    }

    #[test]
    fn the_join_memo_reuses_only_the_same_key_of_the_same_file() {
        let calls = std::cell::Cell::new(0);
        let join = |r| counted(&calls, r);
        let memo = JoinMemo::new();
        assert_eq!(memo.join(None, Some("a@x"), None, || join(Ok(1))), Ok(1));
        assert_eq!(memo.join(None, Some("a@x"), None, || join(Ok(9))), Ok(1));
        assert_eq!(calls.get(), 1);
        // Another part, a part moved to another field, another file: joined again.
        assert_eq!(memo.join(None, Some("b@x"), None, || join(Ok(2))), Ok(2));
        assert_eq!(memo.join(None, None, Some("b@x"), || join(Ok(3))), Ok(3));
        let other = JoinMemo::new();
        assert_eq!(other.join(None, None, Some("b@x"), || join(Ok(4))), Ok(4));
        assert_eq!(calls.get(), 4);
        // Unmatched keys are remembered too.
        let miss = || join(Err("account z@x".to_string()));
        assert!(other.join(None, Some("z@x"), None, miss).is_err());
        assert!(other.join(None, Some("z@x"), None, || join(Ok(5))).is_err());
        assert_eq!(calls.get(), 5);
    }

    #[test]
    fn the_join_memo_pauses_while_it_misses_then_comes_back() {
        let calls = std::cell::Cell::new(0);
        let join = |r| counted(&calls, r);
        // A log in account groups never pauses: each run of rows is joined once.
        let grouped = JoinMemo::new();
        for run in 0..2 * JoinMemo::GIVE_UP as usize {
            let k = format!("g{run}@x");
            for _ in 0..3 {
                assert_eq!(
                    grouped.join(None, Some(&k), None, || join(Ok(run))),
                    Ok(run)
                );
            }
        }
        assert_eq!(calls.get(), 2 * JoinMemo::GIVE_UP as usize);
        assert!(!grouped.paused());
        calls.set(0);
        let memo = JoinMemo::new();
        // A log in time order: another account at every row.
        let keys: Vec<String> = (0..JoinMemo::GIVE_UP).map(|i| format!("a{i}@x")).collect();
        for (i, k) in keys.iter().enumerate() {
            assert_eq!(memo.join(None, Some(k), None, || join(Ok(i))), Ok(i));
        }
        assert_eq!(calls.get(), JoinMemo::GIVE_UP as usize);
        // Paused (and so rows are warmed: see `WarmJoin`), on this thread, for this memo
        // only: even a repeated key is joined again, for PAUSE rows.
        assert!(memo.paused() && !grouped.paused());
        let elsewhere = std::thread::scope(|s| s.spawn(|| memo.paused()).join().unwrap());
        assert!(!elsewhere);
        for _ in 0..JoinMemo::PAUSE {
            assert!(memo.paused());
            assert_eq!(memo.join(None, Some("b@x"), None, || join(Ok(7))), Ok(7));
        }
        assert!(!memo.paused());
        assert_eq!(calls.get(), (JoinMemo::GIVE_UP + JoinMemo::PAUSE) as usize);
        // A row with no key after the pause is joined, not answered from the memo.
        let none = || join(Err("no candidate_id, account or email".to_string()));
        assert_eq!(
            memo.join(None, None, None, none),
            Err("no candidate_id, account or email".to_string())
        );
        // Then the memo is back: a run of one account is joined once.
        let before = calls.get();
        for _ in 0..5 {
            assert_eq!(memo.join(None, Some("c@x"), None, || join(Ok(3))), Ok(3));
        }
        assert_eq!(calls.get(), before + 1);
    }

    #[test]
    fn guests_join_by_name_then_by_a_topic_naming_one_candidate() {
        let ix = index(&["Jordan Lee", "Alex Doe"]);
        let names = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(ix.join_by_name(&names(&["LEE, Jordan"]), None), Some(0));
        assert_eq!(
            ix.join_by_name(&names(&["Kim Tae"]), Some("Interview - Alex Doe")),
            Some(1)
        );
        assert_eq!(
            ix.join_by_name(&names(&["Kim Tae"]), Some("Panel: Jordan Lee / Alex Doe")),
            None
        );
        assert_eq!(
            ix.join_by_name(&names(&["iPhone"]), Some("Weekly sync")),
            None
        );
    }
}
