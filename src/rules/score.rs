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
    let by_score = if total >= pack.thresholds.escalate {
        Verdict::Escalate
    } else if total >= pack.thresholds.review {
        Verdict::Review
    } else {
        Verdict::Clear
    };
    (total, by_score.max(forced))
}
