//! `hirescreen rules list|lint|test|facts`.

use super::{load_pack, Exit, RulesAction};
use crate::engine::{ruletest, Reference};
use crate::facts::SCHEMA;
use crate::rules::fact_type_name;

pub fn run(action: RulesAction) -> anyhow::Result<Exit> {
    match action {
        RulesAction::List { dir } => {
            let pack = load_pack(dir.as_deref())?;
            outln!(
                "{:<36} {:<10} {:<7} {:>5}  title",
                "id",
                "family",
                "severity",
                "score"
            );
            for r in &pack.rules {
                let force = if r.force.is_some() {
                    " (forces escalate)"
                } else {
                    ""
                };
                outln!(
                    "{:<36} {:<10} {:<7} {:>5}  {}{force}",
                    r.id,
                    r.family.as_str(),
                    r.severity.as_str(),
                    r.score,
                    r.title
                );
            }
            outln!(
                "\n{} rules; review at {}, escalate at {}; {}",
                pack.rules.len(),
                pack.thresholds.review,
                pack.thresholds.escalate,
                pack.hash
            );
            let l = &pack.link;
            outln!(
                "linking: keys shared by more than {} candidates ({} for names) link nobody; \
                 sign-ins from one address link within {} h once each used it {} times; \
                 resumes at Jaccard >= {}; names at similarity >= {} (one person at >= {})",
                l.cap,
                l.name_cap,
                l.ip_window as f64 / 3600.0,
                l.ip_min_uses,
                l.resume_jaccard,
                l.name_similarity,
                l.same_name
            );
            Ok(0)
        }
        RulesAction::Lint { dir } => {
            let pack = load_pack(dir.as_deref())?;
            let tests: usize = pack.rules.iter().map(|r| r.tests.len()).sum();
            outln!(
                "{} rules, {} rule tests: OK ({})",
                pack.rules.len(),
                tests,
                pack.hash
            );
            Ok(0)
        }
        RulesAction::Test { dir } => {
            let pack = load_pack(dir.as_deref())?;
            let reference = Reference::builtin();
            let results = ruletest::run_all(&pack, &reference);
            let mut failed = 0;
            for r in &results {
                if r.passed {
                    outln!("ok    {} / {}", r.rule, r.test);
                } else {
                    failed += 1;
                    outln!("FAIL  {} / {}: {}", r.rule, r.test, r.detail);
                }
            }
            outln!(
                "rule tests: {} passed, {} failed",
                results.len() - failed,
                failed
            );
            Ok(if failed > 0 { 1 } else { 0 })
        }
        RulesAction::Facts => {
            for (n, t, doc) in SCHEMA {
                outln!("facts.{n:<34} {:<12} {doc}", fact_type_name(*t));
            }
            Ok(0)
        }
    }
}
