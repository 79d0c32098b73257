//! The report's view model and JSON schema (`schema_version` 1). `jsonl` writes one
//! [`CandidateOut`] per line for every candidate, clear ones too, then `{"summary": Summary}`;
//! `json` writes `{"candidates": [...], "summary": {...}}`.
//!
//! CandidateOut: `candidate_id`, `name`, `claimed` (the resolved claimed place or country),
//! `score` (0-100), `verdict` (clear|review|escalate), `findings` (each: `rule`, `title`,
//! `family`, `severity`, `score`, `evidence`, `verify`, `references`, `sources` as
//! `{file, line, column}` — column 0 means the whole row), `not_evaluated` (rule and reason),
//! `cluster` (null until linking assigns one).
//! Summary: `candidates`, `verdicts` {clear, review, escalate}, `files` (per input: kind,
//! format, encoding, rows, used, unmatched, rejected, rejections, unmatched_keys, warnings),
//! `skipped` (files not recognised), `rules_hash`, `rules`, `databases` {file, type, kind,
//! build_date}, `warnings`, `schema_version`.

use crate::engine::{Scan, Skipped};
use crate::enrich::mmdb::DbInfo;
use crate::ingest::FileReport;
use crate::model::{app, interview, RuleOutcome, SourceOut, Verdict};
use crate::rules::Pack;
use serde::Serialize;
use sha2::{Digest, Sha256};

pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
pub struct FindingOut {
    pub rule: String,
    pub title: String,
    pub family: &'static str,
    pub severity: &'static str,
    pub score: u32,
    pub evidence: String,
    pub verify: String,
    pub references: Vec<String>,
    pub sources: Vec<SourceOut>,
}

#[derive(Serialize)]
pub struct NotEvaluated {
    pub rule: String,
    pub reason: String,
}

#[derive(Serialize)]
pub struct CandidateOut {
    pub candidate_id: String,
    pub name: String,
    pub claimed: Option<String>,
    pub score: u32,
    pub verdict: Verdict,
    pub findings: Vec<FindingOut>,
    pub not_evaluated: Vec<NotEvaluated>,
    pub cluster: Option<serde_json::Value>,
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
}

#[derive(Serialize)]
pub struct Report {
    pub candidates: Vec<CandidateOut>,
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

impl Report {
    pub fn build(scan: &Scan, pack: &Pack, redact: bool) -> Report {
        let mut verdicts = Verdicts::default();
        let candidates = scan
            .screened
            .iter()
            .map(|s| {
                match s.verdict {
                    Verdict::Clear => verdicts.clear += 1,
                    Verdict::Review => verdicts.review += 1,
                    Verdict::Escalate => verdicts.escalate += 1,
                }
                let c = &s.candidate;
                // Personal values of this candidate, longest first so substrings go last.
                let mut personal: Vec<String> = [
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
                .filter_map(|&f| c.app.get(f).map(str::to_string))
                .collect();
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
                let scrub = |text: &str| -> String {
                    if !redact {
                        return text.to_string();
                    }
                    let mut t = text.to_string();
                    for p in &personal {
                        if p.len() >= 3 {
                            t = t.replace(p.as_str(), &hash(p));
                        }
                    }
                    t
                };
                let mut findings: Vec<FindingOut> = s
                    .findings
                    .iter()
                    .map(|f| {
                        let r = &pack.rules[f.rule];
                        FindingOut {
                            rule: r.id.clone(),
                            title: r.title.clone(),
                            family: r.family.as_str(),
                            severity: r.severity.as_str(),
                            score: f.score,
                            evidence: scrub(&f.evidence),
                            verify: r.verify.clone(),
                            references: r.references.clone(),
                            sources: f
                                .sources
                                .iter()
                                .map(|x| SourceOut::resolve(&scan.files, *x))
                                .collect(),
                        }
                    })
                    .collect();
                findings.sort_by(|a, b| b.score.cmp(&a.score).then(a.rule.cmp(&b.rule)));
                let not_evaluated = s
                    .outcomes
                    .iter()
                    .enumerate()
                    .filter_map(|(i, o)| match o {
                        RuleOutcome::NotEvaluated(why) => Some(NotEvaluated {
                            rule: pack.rules[i].id.clone(),
                            reason: why.clone(),
                        }),
                        _ => None,
                    })
                    .collect();
                let name = c.app.get(app::FULL_NAME).unwrap_or("").to_string();
                CandidateOut {
                    candidate_id: c.id.to_string(),
                    name: if redact { hash(&name) } else { name },
                    claimed: c
                        .claim
                        .place
                        .as_deref()
                        .or(c.claim.country.as_deref())
                        .map(str::to_string),
                    score: s.score,
                    verdict: s.verdict,
                    findings,
                    not_evaluated,
                    cluster: None,
                }
            })
            .collect::<Vec<_>>();
        Report {
            summary: Summary {
                candidates: candidates.len() as u64,
                verdicts,
                files: scan.reports.clone(),
                skipped: scan.skipped.clone(),
                rules_hash: pack.hash.clone(),
                rules: pack.rules.len(),
                databases: scan.databases.clone(),
                warnings: scan.warnings.clone(),
                schema_version: SCHEMA_VERSION,
            },
            candidates,
        }
    }
}
