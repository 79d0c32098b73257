//! `hirescreen explain CANDIDATE_ID PATH...`: one candidate in full.

use super::{Exit, ScanArgs};
use crate::facts::{Fact, SCHEMA};
use crate::model::{RuleOutcome, SourceOut};
use crate::report::clean;
use std::io::Write;

fn fact_text(f: &Fact) -> String {
    match f {
        Fact::Null => "unknown".into(),
        Fact::Bool(b) => b.to_string(),
        Fact::Int(i) => i.to_string(),
        Fact::Float(x) => format!("{x:.2}"),
        Fact::Str(s) => s.clone(),
        Fact::List(l) if l.is_empty() => "none".into(),
        Fact::List(l) => l.join(", "),
    }
}

pub fn run(id: &str, a: &ScanArgs) -> anyhow::Result<Exit> {
    let (pack, scan) = super::screen(a, Some(id))?;
    let Some(s) = scan.screened().find(|s| &*s.candidate.id == id) else {
        anyhow::bail!("no candidate {id:?} in the applications read");
    };
    let out = std::io::stdout();
    let mut o = out.lock();
    let c = s.candidate;
    writeln!(
        o,
        "{}  {}  score {}  verdict {}",
        clean(id),
        clean(c.app.get(crate::model::app::FULL_NAME).unwrap_or("")),
        s.score,
        s.verdict
    )?;
    writeln!(
        o,
        "application: {}:{}",
        scan.files.name(c.app.fields.row.file),
        c.app.fields.row.line
    )?;
    writeln!(
        o,
        "claim: {} (zone {} from {})",
        c.claim
            .place
            .as_deref()
            .or(c.claim.country.as_deref())
            .unwrap_or("no claimed place"),
        c.claim
            .tz
            .map(|t| t.name().to_string())
            .unwrap_or_else(|| "unknown".into()),
        c.claim.tz_source.unwrap_or("-")
    )?;
    writeln!(o, "\nrules:")?;
    for (i, r) in pack.rules.iter().enumerate() {
        match &s.outcome(i) {
            RuleOutcome::Fired => {
                let f = s.findings.iter().find(|f| f.rule == i);
                writeln!(o, "  FIRED   +{:<3} {}  {}", r.score, r.id, r.title)?;
                if let Some(f) = f {
                    writeln!(o, "          evidence: {}", clean(&f.evidence))?;
                    for src in &f.sources {
                        let so = SourceOut::resolve(&scan.files, *src);
                        writeln!(o, "          at {}:{}:{}", so.file, so.line, so.column)?;
                    }
                    writeln!(o, "          verify: {}", r.verify)?;
                }
            }
            RuleOutcome::Quiet => writeln!(o, "  quiet        {}", r.id)?,
            RuleOutcome::NotEvaluated(why) => writeln!(o, "  not evaluated {}: {}", r.id, why)?,
        }
    }
    writeln!(o, "\nfacts:")?;
    if let Some(facts) = &s.facts {
        for (i, (name, _, _)) in SCHEMA.iter().enumerate() {
            writeln!(o, "  {name} = {}", clean(&fact_text(&facts.values[i])))?;
        }
    }
    writeln!(
        o,
        "\nlookups ({} sign-ins, {} addresses):",
        c.logins.total,
        c.logins.groups.len()
    )?;
    for g in &c.logins.groups {
        let i = &g.info;
        writeln!(
            o,
            "  {} x{}: country {}{} region {} city {} ASN {} {}{}{}{}",
            g.ip,
            g.count,
            i.country.as_deref().unwrap_or("?"),
            if i.country_from_export {
                " (from the export)"
            } else {
                ""
            },
            i.region.as_deref().unwrap_or("?"),
            i.city.as_deref().unwrap_or("?"),
            i.asn.map(|a| a.to_string()).unwrap_or_else(|| "?".into()),
            i.asn_org.as_deref().unwrap_or(""),
            if i.anonymized() { " [anonymized]" } else { "" },
            if i.kp { " [KP allocation]" } else { "" },
            i.ioc
                .as_deref()
                .map(|l| format!(" [indicator: {l}]"))
                .unwrap_or_default(),
        )?;
    }
    if scan.databases.is_empty() {
        writeln!(
            o,
            "  (no --geoip databases: only the shipped lists were consulted)"
        )?;
    }
    for d in &scan.databases {
        writeln!(
            o,
            "  database {} {} built {}",
            d.file, d.database_type, d.build_date
        )?;
    }
    Ok(0)
}
