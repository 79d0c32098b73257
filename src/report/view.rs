//! The report's view model and JSON schema (`schema_version` 1). `jsonl` writes one
//! [`CandidateOut`] per line for every candidate, clear ones too, then `{"summary": Summary}`;
//! `json` writes `{"candidates": [...], "summary": {...}}`.
//!
//! CandidateOut: `candidate_id`, `name`, `claimed` (the resolved claimed place or country),
//! `score` (0-100), `verdict` (clear|review|escalate), `findings` (each: `rule`, `title`,
//! `family`, `severity`, `score`, `evidence`, `verify`, `references`, `sources` as
//! `{file, line, column}` — column 0 means the whole row), `not_evaluated` (rule and reason),
//! `weak_joins` (interview rows joined to this candidate only by a display name or a meeting
//! topic, not by id, account or email — evidence from them is only as sure as that join:
//! `count`, and `sources`, the first 50 rows as `{file, line, column: 0}`),
//! `cluster` (null when the candidate is linked to nobody; else `id` — "cl-" and a hash of the
//! sorted member ids, stable across runs —, `size`, `members` (candidate ids, at most 200),
//! `explained` (every strong link has an honest explanation), `links` (at most 50, of
//! `links_total`: `a`, `b`, `key` (email, phone, photo_hash, payment_account,
//! shipping_address, home_address, device_id, login_ip, resume, and the weak name and
//! referral), `value_preview` (the normalised value, hashed under `--redact` for personal
//! kinds), `explained` (null or "agency …"/"household: …"), `weak`, `sources`)).
//! Summary: `candidates`, `verdicts` {clear, review, escalate}, `files` (per input: kind,
//! format, encoding, rows, used, unmatched, rejected — `used + unmatched + rejected = rows` —,
//! `merged` (of `used`: rows repeating a sign-in already counted, same candidate, session_id
//! and address), rejections, unmatched_keys, warnings),
//! `skipped` (files not recognised), `rules_hash`, `rules`, `databases` {file, type, kind,
//! build_date}, `warnings`, `schema_version`, `link` (counts of links, explained and weak
//! links, clusters, links by key, capped keys by key, the biggest `capped_keys` as `{kind,
//! value, size}` — a key shared by more candidates than the cap links nobody —, resume pairs
//! checked).

use crate::engine::{Scan, Skipped};
use crate::enrich::mmdb::DbInfo;
use crate::ingest::FileReport;
use crate::link::{KeyKind, LinkSummary};
use crate::model::{app, interview, SourceOut, Verdict};
use crate::rules::Pack;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::borrow::Cow;

pub const SCHEMA_VERSION: u32 = 1;

/// The view borrows what it can from the scan and the rule pack (`'a`): rule texts, reasons,
/// ids and, unless redacted, evidence and names are not copied for every candidate.
#[derive(Serialize)]
pub struct FindingOut<'a> {
    pub rule: &'a str,
    pub title: &'a str,
    pub family: &'static str,
    pub severity: &'static str,
    pub score: u32,
    pub evidence: Cow<'a, str>,
    pub verify: &'a str,
    pub references: &'a [String],
    pub sources: Vec<SourceOut>,
}

#[derive(Serialize)]
pub struct NotEvaluated<'a> {
    pub rule: &'a str,
    pub reason: &'a str,
}

#[derive(Serialize)]
pub struct CandidateOut<'a> {
    pub candidate_id: &'a str,
    pub name: Cow<'a, str>,
    pub claimed: Option<&'a str>,
    pub score: u32,
    pub verdict: Verdict,
    /// The fired rules that set a verdict above what the score gives (a North Korean address
    /// escalates whatever the score); empty, and left out of JSON, otherwise.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub verdict_set_by: Vec<&'a str>,
    /// Families whose findings add up to more than the family's cap (SPEC §7): the score
    /// counts the cap. Empty, and left out of JSON, otherwise.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub capped_families: Vec<CappedFamily>,
    pub findings: Vec<FindingOut<'a>>,
    pub not_evaluated: Vec<NotEvaluated<'a>>,
    pub weak_joins: WeakJoinsOut,
    pub cluster: Option<ClusterOut>,
}

/// A family whose findings' scores add up to more than its cap: `found` in all, `counted`
/// toward the score.
#[derive(Serialize)]
pub struct CappedFamily {
    pub family: &'static str,
    pub found: u32,
    pub counted: u32,
}

impl CandidateOut<'_> {
    /// For the table, HTML and Markdown views, when rules set the verdict: "escalate whatever the
    /// score, set by net.kp-address-space: A connection from North Korea's own address
    /// space" (each rule with its title, so the note reads without the finding below it).
    pub fn verdict_note(&self) -> Option<String> {
        if self.verdict_set_by.is_empty() {
            return None;
        }
        let rules: Vec<String> = self
            .verdict_set_by
            .iter()
            .map(|&id| match self.findings.iter().find(|f| f.rule == id) {
                Some(f) => format!("{id}: {}", f.title),
                None => id.to_string(),
            })
            .collect();
        Some(format!(
            "{} whatever the score, set by {}",
            self.verdict.as_str(),
            rules.join("; ")
        ))
    }
}

impl CappedFamily {
    /// "network findings add up to 60; the score counts at most 45 of them".
    pub fn describe(&self) -> String {
        format!(
            "{} findings add up to {}; the score counts at most {} of them",
            self.family, self.found, self.counted
        )
    }
}

/// Interview rows joined by a display name or meeting topic (a Zoom guest without email).
#[derive(Serialize)]
pub struct WeakJoinsOut {
    pub count: usize,
    pub sources: Vec<SourceOut>,
}

const MAX_WEAK_JOIN_SOURCES: usize = 50;

fn weak_joins(scan: &Scan, c: &crate::model::Candidate) -> WeakJoinsOut {
    let weak = c.interviews.iter().filter(|iv| iv.weak_join);
    WeakJoinsOut {
        count: weak.clone().count(),
        sources: weak
            .take(MAX_WEAK_JOIN_SOURCES)
            .map(|iv| SourceOut::resolve(&scan.files, iv.fields.row.cell(0)))
            .collect(),
    }
}

#[derive(Serialize)]
pub struct LinkOut {
    pub a: String,
    pub b: String,
    pub key: &'static str,
    pub value_preview: String,
    pub explained: Option<String>,
    pub weak: bool,
    pub sources: Vec<SourceOut>,
}

#[derive(Serialize)]
pub struct ClusterOut {
    pub id: String,
    pub size: usize,
    pub members: Vec<String>,
    pub explained: bool,
    pub links: Vec<LinkOut>,
    pub links_total: usize,
}

impl ClusterOut {
    /// One line for the terminal and HTML views: who, through which keys, and whether an
    /// honest explanation covers every strong link.
    pub fn describe(&self) -> String {
        let mut keys: Vec<&str> = self
            .links
            .iter()
            .filter(|l| !l.weak)
            .map(|l| l.key)
            .collect();
        keys.sort_unstable();
        keys.dedup();
        let mut why: Vec<&str> = self
            .links
            .iter()
            .filter_map(|l| l.explained.as_deref())
            .collect();
        why.sort_unstable();
        why.dedup();
        let shown: Vec<&str> = self.members.iter().take(8).map(String::as_str).collect();
        format!(
            "cluster {}: {} candidates ({}{}) linked by {}{}",
            self.id,
            self.size,
            shown.join(", "),
            if self.size > shown.len() { ", …" } else { "" },
            keys.join(", "),
            if self.explained {
                format!("; explained: {}", why.join("; "))
            } else {
                String::new()
            }
        )
    }
}

const MAX_CLUSTER_MEMBERS: usize = 200;
const MAX_CLUSTER_LINKS: usize = 50;

/// A link value as shown: personal kinds hashed under `--redact`, long values cut.
fn preview(kind: KeyKind, value: &str, redact: bool) -> String {
    if redact && kind.personal() {
        return hash(value);
    }
    match value.char_indices().nth(80) {
        Some((at, _)) => format!("{}…", &value[..at]),
        None => value.to_string(),
    }
}

fn cluster_out(scan: &Scan, i: usize, redact: bool) -> Option<ClusterOut> {
    let links = &scan.links;
    let c = links.cluster(i as u32)?;
    let id = |m: u32| scan.candidates[m as usize].id.to_string();
    Some(ClusterOut {
        id: c.id.clone(),
        size: c.members.len(),
        members: c
            .members
            .iter()
            .take(MAX_CLUSTER_MEMBERS)
            .map(|&m| id(m))
            .collect(),
        explained: c.explained,
        links: c
            .links
            .iter()
            .take(MAX_CLUSTER_LINKS)
            .map(|&k| {
                let l = &links.links[k as usize];
                LinkOut {
                    a: id(l.a),
                    b: id(l.b),
                    key: l.kind.as_str(),
                    value_preview: preview(l.kind, &l.value, redact),
                    explained: l.explained.as_deref().map(str::to_string),
                    weak: !l.kind.strong(),
                    sources: l
                        .src
                        .iter()
                        .map(|s| SourceOut::resolve(&scan.files, *s))
                        .collect(),
                }
            })
            .collect(),
        links_total: c.links.len(),
    })
}

#[derive(Serialize, Default)]
pub struct Verdicts {
    pub clear: u64,
    pub review: u64,
    pub escalate: u64,
}

#[derive(Serialize)]
pub struct Summary {
    pub candidates: u64,
    pub verdicts: Verdicts,
    pub files: Vec<FileReport>,
    pub skipped: Vec<Skipped>,
    pub rules_hash: String,
    pub rules: usize,
    pub databases: Vec<DbInfo>,
    pub warnings: Vec<String>,
    pub schema_version: u32,
    pub link: LinkSummary,
}

#[derive(Serialize)]
pub struct Report<'a> {
    pub candidates: Vec<CandidateOut<'a>>,
    pub summary: Summary,
}

/// A stable short hash standing in for personal data under `--redact`.
pub fn hash(s: &str) -> String {
    let d = Sha256::digest(s.trim().to_lowercase().as_bytes());
    format!(
        "h:{}",
        d.iter()
            .take(5)
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    )
}

impl<'a> Report<'a> {
    pub fn build(scan: &'a Scan, pack: &'a Pack, redact: bool) -> Report<'a> {
        Report {
            candidates: (0..scan.candidates.len())
                .map(|i| candidate(scan, pack, i, redact))
                .collect(),
            summary: summary(scan, pack, redact),
        }
    }
}

/// The summary object (SPEC §8).
pub fn summary(scan: &Scan, pack: &Pack, redact: bool) -> Summary {
    let mut verdicts = Verdicts::default();
    for s in &scan.outcomes {
        match s.verdict {
            Verdict::Clear => verdicts.clear += 1,
            Verdict::Review => verdicts.review += 1,
            Verdict::Escalate => verdicts.escalate += 1,
        }
    }
    Summary {
        candidates: scan.candidates.len() as u64,
        verdicts,
        files: scan.reports.clone(),
        skipped: scan.skipped.clone(),
        rules_hash: pack.hash.clone(),
        rules: pack.rules.len(),
        databases: scan.databases.clone(),
        warnings: scan.warnings.clone(),
        schema_version: SCHEMA_VERSION,
        link: {
            let mut l = scan.links.summary.clone();
            for c in &mut l.capped_keys {
                c.value = preview(c.kind, &c.value, redact);
            }
            l
        },
    }
}

/// One candidate's output object; built one at a time so `jsonl` streams.
pub fn candidate<'a>(scan: &'a Scan, pack: &'a Pack, i: usize, redact: bool) -> CandidateOut<'a> {
    let s = scan.screened_at(i);
    let c = s.candidate;
    let outcome = s.outcome_ref();
    // Personal values of this candidate, longest first so substrings go last; gathered only
    // when they are to be scrubbed.
    let mut personal: Vec<String> = Vec::new();
    if redact {
        personal.extend(
            [
                app::FULL_NAME,
                app::EMAIL,
                app::PHONE,
                app::HOME_ADDRESS,
                app::SHIPPING_ADDRESS,
                app::ID_DOC_NAME,
                app::ID_DOC_ADDRESS,
                app::PAYMENT_ACCOUNT,
            ]
            .iter()
            .filter_map(|&f| c.app.get(f).map(str::to_string)),
        );
        for iv in &c.interviews {
            for f in [interview::DISPLAY_NAME, interview::LIVE_ID_NAME] {
                personal.extend(iv.get(f).map(str::to_string));
            }
            if let Some(ch) = iv.get(interview::DISPLAY_NAME_CHANGES) {
                personal.extend(
                    ch.split('|')
                        .map(|x| x.trim().to_string())
                        .filter(|x| !x.is_empty()),
                );
            }
        }
        personal.sort_by_key(|p| std::cmp::Reverse(p.len()));
    }
    let scrub = |text: &'a str| -> Cow<'a, str> {
        if !redact {
            return Cow::Borrowed(text);
        }
        let mut t = text.to_string();
        for p in &personal {
            if p.len() >= 3 {
                t = t.replace(p.as_str(), &hash(p));
            }
        }
        Cow::Owned(t)
    };
    let mut findings: Vec<FindingOut> = outcome
        .findings
        .iter()
        .map(|f| {
            let r = &pack.rules[f.rule];
            FindingOut {
                rule: &r.id,
                title: &r.title,
                family: r.family.as_str(),
                severity: r.severity.as_str(),
                score: f.score,
                evidence: scrub(&f.evidence),
                verify: &r.verify,
                references: &r.references,
                sources: f
                    .sources
                    .iter()
                    .map(|x| SourceOut::resolve(&scan.files, *x))
                    .collect(),
            }
        })
        .collect();
    findings.sort_by(|a, b| b.score.cmp(&a.score).then(a.rule.cmp(b.rule)));
    let not_evaluated = outcome
        .not_evaluated
        .iter()
        .map(|(i, why)| NotEvaluated {
            rule: &pack.rules[*i as usize].id,
            reason: why,
        })
        .collect();
    let verdict_set_by = if outcome.verdict > crate::rules::score::by_score(pack, outcome.score) {
        outcome
            .findings
            .iter()
            .map(|f| &pack.rules[f.rule])
            .filter(|r| r.force == Some(outcome.verdict))
            .map(|r| r.id.as_str())
            .collect()
    } else {
        Vec::new()
    };
    let capped_families = crate::rules::score::family_sums(pack, &outcome.findings)
        .into_iter()
        .filter(|&(_, found, cap)| found > cap)
        .map(|(family, found, cap)| CappedFamily {
            family: family.as_str(),
            found,
            counted: cap,
        })
        .collect();
    let name = c.app.get(app::FULL_NAME).unwrap_or("");
    CandidateOut {
        candidate_id: &c.id,
        name: if redact {
            Cow::Owned(hash(name))
        } else {
            Cow::Borrowed(name)
        },
        claimed: c.claim.place.as_deref().or(c.claim.country.as_deref()),
        score: outcome.score,
        verdict: outcome.verdict,
        verdict_set_by,
        capped_families,
        findings,
        not_evaluated,
        weak_joins: weak_joins(scan, c),
        cluster: cluster_out(scan, i, redact),
    }
}
