//! Scores and verdicts (SPEC §7): the sum of fired rules' scores with a cap per family,
//! clamped to 0–100; thresholds from the pack; some rules force `escalate`.

use super::Pack;
use crate::model::{Family, Finding, Verdict};
use std::collections::BTreeMap;

pub fn score(pack: &Pack, findings: &[Finding]) -> (u32, Verdict) {
    let total: u32 = family_sums(pack, findings)
        .iter()
        .map(|&(_, found, cap)| found.min(cap))
        .sum();
    let total = total.min(100);
    let forced = findings
        .iter()
        .filter_map(|f| pack.rules[f.rule].force)
        .max()
        .unwrap_or(Verdict::Clear);
    (total, by_score(pack, total).max(forced))
}

/// Each family with findings: the sum of its findings' scores and its cap (100 when the pack
/// sets none). The score counts the smaller of the two.
pub fn family_sums(pack: &Pack, findings: &[Finding]) -> Vec<(Family, u32, u32)> {
    let mut by_family: BTreeMap<Family, u32> = BTreeMap::new();
    for f in findings {
        *by_family.entry(pack.rules[f.rule].family).or_default() += f.score;
    }
    by_family
        .into_iter()
        .map(|(fam, found)| (fam, found, pack.caps.get(&fam).copied().unwrap_or(100)))
        .collect()
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
