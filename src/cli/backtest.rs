//! `hirescreen backtest --labels FILE PATH...`: precision and recall per rule and per verdict
//! against adjudicated labels (`candidate_id,label[,persona][,group]`, label `fraud` or
//! `honest`), plus honest escalation and review rates per claimed country, so a change to the
//! pack can be judged on a labelled corpus before it is used on people.

use super::{Exit, ScanArgs};
use crate::model::Verdict;
use anyhow::Context as _;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

#[derive(Clone, Debug)]
struct Label {
    fraud: bool,
    persona: String,
}

fn read_labels(path: &Path) -> anyhow::Result<HashMap<String, Label>> {
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(path)
        .with_context(|| format!("cannot read labels {}", path.display()))?;
    let headers = rdr.headers()?.clone();
    let col = |n: &str| {
        headers
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(n))
    };
    let (Some(id), Some(label)) = (col("candidate_id"), col("label")) else {
        anyhow::bail!("{}: needs columns candidate_id and label", path.display());
    };
    let persona = col("persona");
    let mut out = HashMap::new();
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.with_context(|| format!("{}: row {}", path.display(), i + 2))?;
        let l = rec.get(label).unwrap_or("").trim().to_ascii_lowercase();
        let fraud = match l.as_str() {
            "fraud" | "1" | "true" | "yes" => true,
            "honest" | "0" | "false" | "no" | "clear" => false,
            other => anyhow::bail!(
                "{}:{}: label {other:?} is not fraud/honest",
                path.display(),
                i + 2
            ),
        };
        out.insert(
            rec.get(id).unwrap_or("").trim().to_string(),
            Label {
                fraud,
                persona: persona.and_then(|p| rec.get(p)).unwrap_or("").to_string(),
            },
        );
    }
    Ok(out)
}

fn pct(n: usize, d: usize) -> String {
    if d == 0 {
        "-".into()
    } else {
        format!("{:.1}%", 100.0 * n as f64 / d as f64)
    }
}

#[derive(Default)]
struct Tally {
    n: usize,
    review_up: usize,
    escalate: usize,
}

impl Tally {
    fn add(&mut self, v: Verdict) {
        self.n += 1;
        if v >= Verdict::Review {
            self.review_up += 1;
        }
        if v == Verdict::Escalate {
            self.escalate += 1;
        }
    }
}

pub fn run(labels: &Path, a: &ScanArgs) -> anyhow::Result<Exit> {
    let labels = read_labels(labels)?;
    let (pack, scan) = super::screen(a, None)?;
    let (mut fraud, mut honest) = (Tally::default(), Tally::default());
    let mut per_rule: Vec<(usize, usize)> = vec![(0, 0); pack.rules.len()];
    let mut by_persona: BTreeMap<String, Tally> = BTreeMap::new();
    let mut by_country: BTreeMap<String, Tally> = BTreeMap::new();
    let mut unlabelled = 0;
    for s in scan.screened() {
        let Some(l) = labels.get(&*s.candidate.id) else {
            unlabelled += 1;
            continue;
        };
        if l.fraud {
            fraud.add(s.verdict);
        } else {
            honest.add(s.verdict);
            let c = s
                .candidate
                .claim
                .country
                .as_deref()
                .unwrap_or("??")
                .to_string();
            by_country.entry(c).or_default().add(s.verdict);
        }
        by_persona
            .entry(format!(
                "{} {}",
                if l.fraud { "fraud " } else { "honest" },
                l.persona
            ))
            .or_default()
            .add(s.verdict);
        for f in &s.findings {
            let e = &mut per_rule[f.rule];
            if l.fraud {
                e.0 += 1;
            } else {
                e.1 += 1;
            }
        }
    }
    outln!(
        "backtest: {} fraud, {} honest labelled candidates screened ({} unlabelled); rules {}",
        fraud.n,
        honest.n,
        unlabelled,
        pack.hash
    );
    outln!("\nverdicts");
    for (label, n, d) in [
        ("fraud  caught at review or above", fraud.review_up, fraud.n),
        ("fraud  caught at escalate", fraud.escalate, fraud.n),
        ("honest sent to review or above", honest.review_up, honest.n),
        ("honest escalated", honest.escalate, honest.n),
    ] {
        outln!("  {label:<34}{:>7}  ({n}/{d})", pct(n, d));
    }
    let flagged = fraud.review_up + honest.review_up;
    let flagged_e = fraud.escalate + honest.escalate;
    outln!(
        "  precision at review or above      {:>7}",
        pct(fraud.review_up, flagged)
    );
    outln!(
        "  precision at escalate             {:>7}",
        pct(fraud.escalate, flagged_e)
    );
    outln!("\nper rule                                  fired  fraud  honest  precision  recall");
    for (i, r) in pack.rules.iter().enumerate() {
        let (tp, fp) = per_rule[i];
        outln!(
            "  {:<38} {:>6} {:>6} {:>7} {:>10} {:>7}",
            r.id,
            tp + fp,
            tp,
            fp,
            pct(tp, tp + fp),
            pct(tp, fraud.n)
        );
    }
    outln!("\nper persona                    n   review+  escalate");
    for (p, t) in &by_persona {
        outln!(
            "  {:<24} {:>6} {:>9} {:>9}",
            p,
            t.n,
            pct(t.review_up, t.n),
            pct(t.escalate, t.n)
        );
    }
    let overall = if honest.n > 0 {
        honest.escalate as f64 / honest.n as f64
    } else {
        0.0
    };
    outln!(
        "\nhonest candidates by claimed country (escalated; overall {})",
        pct(honest.escalate, honest.n)
    );
    let mut worst = 0.0f64;
    for (c, t) in &by_country {
        let rate = t.escalate as f64 / t.n.max(1) as f64;
        if t.n >= 50 {
            worst = worst.max(rate);
        }
        outln!(
            "  {:<4} {:>6}  review+ {:>7}  escalated {:>7}",
            c,
            t.n,
            pct(t.review_up, t.n),
            pct(t.escalate, t.n)
        );
    }
    outln!(
        "  highest escalation rate among countries with 50+ honest candidates: {:.1}% (overall {:.1}%)",
        worst * 100.0,
        overall * 100.0
    );
    Ok(0)
}
