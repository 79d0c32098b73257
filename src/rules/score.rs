//! Scores and verdicts (SPEC §7): the sum of fired rules' scores with a cap per family,
//! clamped to 0–100; thresholds from the pack; some rules force `escalate`.

use super::Pack;
use crate::model::{Family, Finding, Verdict};
use std::collections::BTreeMap;

pub fn score(pack: &Pack, findings: &[Finding]) -> (u32, Verdict) {
    let mut by_family: BTreeMap<Family, u32> = BTreeMap::new();
    let mut forced = Verdict::Clear;
    for f in findings {
        let rule = &pack.rules[f.rule];
        *by_family.entry(rule.family).or_default() += f.score;
        if let Some(v) = rule.force {
            forced = forced.max(v);
        }
    }
    let total: u32 = by_family
        .iter()
        .map(|(fam, s)| (*s).min(pack.caps.get(fam).copied().unwrap_or(100)))
        .sum();
    let total = total.min(100);
    (total, by_score(pack, total).max(forced))
}

/// The verdict a score alone gives, by the pack's thresholds.
pub fn by_score(pack: &Pack, score: u32) -> Verdict {
    if score >= pack.thresholds.escalate {
        Verdict::Escalate
    } else if score >= pack.thresholds.review {
        Verdict::Review
    } else {
        Verdict::Clear
    }
}
