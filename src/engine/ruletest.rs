//! Runs each rule's own tests (SPEC §5): the test's rows are written as canonical CSV files in
//! a temporary folder and screened by the real pipeline with a fixed address table, and the
//! rule must fire, or stay quiet, for the candidate under test. `hirescreen rules test` and
//! `cargo test` both call this.

use super::{default_formats, run, Options, Reference};
use crate::enrich::StaticGeo;
use crate::model::{IpInfo, RuleOutcome};
use crate::rules::model::{Expect, GeoRow, RuleTest};
use crate::rules::{Pack, Rule};
use std::collections::BTreeMap;
use std::path::Path;

/// The result of one rule test.
#[derive(Debug)]
pub struct TestResult {
    pub rule: String,
    pub test: String,
    pub passed: bool,
    pub detail: String,
}

fn text(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => s.clone(),
        toml::Value::Integer(i) => i.to_string(),
        toml::Value::Float(f) => f.to_string(),
        toml::Value::Boolean(b) => b.to_string(),
        other => other.to_string(),
    }
}

fn write_csv(path: &Path, rows: &[BTreeMap<String, String>]) -> std::io::Result<()> {
    let mut headers: Vec<String> = Vec::new();
    for r in rows {
        for k in r.keys() {
            if !headers.contains(k) {
                headers.push(k.clone());
            }
        }
    }
    let mut w = csv::Writer::from_path(path)?;
    w.write_record(&headers)?;
    for r in rows {
        w.write_record(
            headers
                .iter()
                .map(|h| r.get(h).map(String::as_str).unwrap_or("")),
        )?;
    }
    w.flush()
}

fn rows_of(
    items: &[BTreeMap<String, toml::Value>],
    defaults: impl Fn(usize, &BTreeMap<String, toml::Value>) -> Vec<(&'static str, String)>,
) -> Vec<BTreeMap<String, String>> {
    items
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut m: BTreeMap<String, String> =
                r.iter().map(|(k, v)| (k.clone(), text(v))).collect();
            for (k, v) in defaults(i, r) {
                m.entry(k.to_string()).or_insert(v);
            }
            m
        })
        .collect()
}

fn static_geo(rows: &[GeoRow]) -> Result<StaticGeo, String> {
    let mut g = StaticGeo::default();
    for r in rows {
        let net = r
            .cidr
            .parse()
            .map_err(|_| format!("geo cidr {:?} is not a CIDR", r.cidr))?;
        g.entries.push((
            net,
            IpInfo {
                country: r.country.as_deref().map(Box::from),
                region: r.region.as_deref().map(Box::from),
                city: r.city.as_deref().map(Box::from),
                lat: r.lat,
                lon: r.lon,
                accuracy_km: Some(20),
                tz: r.tz.as_deref().map(Box::from),
                asn: r.asn,
                asn_org: r.org.as_deref().map(Box::from),
                vpn: r.vpn,
                anonymous: r.vpn,
                hosting: r.hosting,
                proxy: r.proxy,
                tor: r.tor,
                ..IpInfo::default()
            },
        ));
    }
    Ok(g)
}

const BASE_TS: i64 = 1_767_607_200; // 2026-01-05T10:00:00Z

/// Runs one test of one rule.
pub fn run_test(
    pack: &Pack,
    reference: &Reference,
    rule: &Rule,
    t: &RuleTest,
    n: usize,
) -> TestResult {
    let result = |passed: bool, detail: String| TestResult {
        rule: rule.id.clone(),
        test: t.name.clone(),
        passed,
        detail,
    };
    let dir = std::env::temp_dir().join(format!(
        "hirescreen-ruletest-{}-{}-{n}",
        std::process::id(),
        rule.id.replace(|c: char| !c.is_ascii_alphanumeric(), "_")
    ));
    if t.evidence.is_some() && t.expect == Expect::Quiet {
        return result(false, "gives evidence for a test that expects quiet".into());
    }
    let outcome = (|| -> Result<Option<(RuleOutcome, Option<String>)>, String> {
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        let mut apps = rows_of(std::slice::from_ref(&t.app), |_, _| {
            vec![
                ("candidate_id", "t1".into()),
                ("full_name", "Test Person".into()),
                ("email", "t1@example.com".into()),
            ]
        });
        let me = apps[0]["candidate_id"].clone();
        apps.extend(rows_of(&t.others, |i, _| {
            vec![
                ("candidate_id", format!("o{}", i + 1)),
                ("full_name", format!("Other Person{}", i + 1)),
                ("email", format!("o{}@example.com", i + 1)),
            ]
        }));
        write_csv(&dir.join("applications.csv"), &apps).map_err(|e| e.to_string())?;
        let id = me.clone();
        if !t.logins.is_empty() {
            let rows = rows_of(&t.logins, |i, r| {
                let mut d = vec![("timestamp", (BASE_TS + i as i64 * 3600).to_string())];
                // A row naming an account joins through it, not the default candidate_id.
                if !r.contains_key("account") {
                    d.push(("candidate_id", id.clone()));
                }
                d
            });
            write_csv(&dir.join("logins.csv"), &rows).map_err(|e| e.to_string())?;
        }
        if !t.interviews.is_empty() {
            let rows = rows_of(&t.interviews, |i, _| {
                vec![
                    ("candidate_id", id.clone()),
                    ("started_at", (BASE_TS + i as i64 * 86_400).to_string()),
                ]
            });
            write_csv(&dir.join("interviews.csv"), &rows).map_err(|e| e.to_string())?;
        }
        let mut watchlists = Vec::new();
        if !t.watchlist.is_empty() {
            let rows = rows_of(&t.watchlist, |_, _| vec![("note", String::new())]);
            let p = dir.join("watch.list.csv");
            write_csv(&p, &rows).map_err(|e| e.to_string())?;
            watchlists.push(p);
        }
        let geo = static_geo(&t.geo)?;
        let opts = Options {
            inputs: vec![dir.join("applications.csv")]
                .into_iter()
                .chain(
                    ["logins.csv", "interviews.csv"]
                        .iter()
                        .map(|f| dir.join(f))
                        .filter(|p| p.exists()),
                )
                .collect(),
            watchlists,
            geo: &geo,
            databases: Vec::new(),
            pack,
            tz: chrono_tz::UTC,
            formats: default_formats(),
            only: None,
            progress: false,
        };
        let scan = run(&opts, reference).map_err(|e| format!("{e:#}"))?;
        for r in &scan.reports {
            if r.rejected > 0 {
                return Err(format!("{}: rejected rows: {:?}", r.file, r.rejections));
            }
        }
        let idx = pack.rules.iter().position(|r| r.id == rule.id);
        let found = scan
            .screened()
            .find(|s| *s.candidate.id == me)
            .and_then(|s| {
                let i = idx?;
                let evidence = s
                    .findings
                    .iter()
                    .find(|f| f.rule == i)
                    .map(|f| f.evidence.clone());
                Some((s.outcome(i), evidence))
            });
        Ok(found)
    })();
    let _ = std::fs::remove_dir_all(&dir);
    match outcome {
        Err(e) => result(false, format!("could not run: {e}")),
        Ok(None) => result(false, "the candidate under test was not screened".into()),
        Ok(Some((o, evidence))) => {
            let fired = o == RuleOutcome::Fired;
            let ok = fired == (t.expect == Expect::Fire);
            if let (true, Some(want)) = (ok && fired, &t.evidence) {
                let detail = match evidence.as_deref() {
                    Some(got) if got == want => None,
                    Some(got) => Some(format!("fired with evidence {got:?}, expected {want:?}")),
                    None => Some(format!("fired without evidence, expected {want:?}")),
                };
                if let Some(detail) = detail {
                    return result(false, detail);
                }
            }
            let what = match &o {
                RuleOutcome::Fired => "fired".to_string(),
                RuleOutcome::Quiet => "stayed quiet".to_string(),
                RuleOutcome::NotEvaluated(w) => format!("was not evaluated ({w})"),
            };
            let want = if t.expect == Expect::Fire {
                "fire"
            } else {
                "stay quiet"
            };
            result(ok, format!("expected to {want}; {what}"))
        }
    }
}

/// Runs every test of every rule in the pack.
pub fn run_all(pack: &Pack, reference: &Reference) -> Vec<TestResult> {
    let mut out = Vec::new();
    for rule in &pack.rules {
        for (n, t) in rule.tests.iter().enumerate() {
            out.push(run_test(pack, reference, rule, t, n));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `cargo test` runs every rule's own tests (SPEC §5).
    #[test]
    fn builtin_rule_tests_pass() {
        let pack = Pack::builtin().unwrap_or_else(|e| panic!("{e}"));
        let reference = Reference::builtin();
        let results = run_all(&pack, &reference);
        assert!(results.len() >= 2 * pack.rules.len());
        let failed: Vec<String> = results
            .iter()
            .filter(|r| !r.passed)
            .map(|r| format!("{} / {}: {}", r.rule, r.test, r.detail))
            .collect();
        assert!(
            failed.is_empty(),
            "failing rule tests:\n{}",
            failed.join("\n")
        );
    }

    /// A test's `evidence` is checked word for word, and refused on a test that expects quiet.
    #[test]
    fn a_tests_evidence_must_match_the_finding_word_for_word() {
        let pack = Pack::builtin().unwrap_or_else(|e| panic!("{e}"));
        let reference = Reference::builtin();
        let rule = pack
            .rules
            .iter()
            .find(|r| r.id == "net.kp-address-space")
            .unwrap();
        let test = |expect: Expect| rule.tests.iter().find(|t| t.expect == expect).unwrap();
        let fire = test(Expect::Fire);
        let want = "1 connection from North Korea's allocation 175.45.176.0/22";
        assert_eq!(fire.evidence.as_deref(), Some(want));
        assert!(run_test(&pack, &reference, rule, fire, 9001).passed);
        let mut wrong = fire.clone();
        wrong.evidence = Some("1 connections from North Korea".into());
        let r = run_test(&pack, &reference, rule, &wrong, 9002);
        assert!(
            !r.passed && r.detail.contains("fired with evidence"),
            "{}",
            r.detail
        );
        let mut quiet = test(Expect::Quiet).clone();
        quiet.evidence = Some(want.into());
        let r = run_test(&pack, &reference, rule, &quiet, 9003);
        assert!(
            !r.passed && r.detail.contains("expects quiet"),
            "{}",
            r.detail
        );
    }
}
