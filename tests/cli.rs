//! Integration tests: the real binary on files under tests/data, comparing parsed JSON.

use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_hirescreen"))
}

fn data(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(p)
}

fn run(args: &[&str]) -> Output {
    bin()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .expect("run hirescreen")
}

fn jsonl(out: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad JSON line {l:?}: {e}")))
        .collect()
}

fn candidate<'a>(rows: &'a [Value], id: &str) -> &'a Value {
    rows.iter()
        .find(|r| r["candidate_id"] == id)
        .unwrap_or_else(|| panic!("no candidate {id}"))
}

/// One finding of a candidate's output object, by rule.
fn finding<'a>(c: &'a Value, rule: &str) -> &'a Value {
    let findings = c["findings"].as_array().expect("findings");
    let f = findings.iter().find(|f| f["rule"] == rule);
    f.unwrap_or_else(|| panic!("no finding {rule} in {c}"))
}

fn rules_of(c: &Value) -> Vec<String> {
    c["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect()
}

fn scan_basic(extra: &[&str]) -> Output {
    let format = if extra.contains(&"--format") {
        None
    } else {
        Some("jsonl")
    };
    let mut args = vec![
        "scan",
        "tests/data/basic",
        "--watchlist",
        "tests/data/watchlist.csv",
        "--tz",
        "America/New_York",
    ];
    if let Some(f) = format {
        args.extend(["--format", f]);
    }
    args.extend_from_slice(extra);
    run(&args)
}

#[test]
fn scan_prints_one_object_per_candidate_then_a_summary() {
    let out = scan_basic(&[]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "an escalation exits 1 by default"
    );
    let rows = jsonl(&out);
    let (last, cands) = rows.split_last().unwrap();
    assert_eq!(cands.len(), 3);
    let s = &last["summary"];
    assert_eq!(s["candidates"], 3);
    assert_eq!(s["verdicts"]["escalate"], 1);
    assert_eq!(s["schema_version"], 1);
    assert!(s["rules_hash"].as_str().unwrap().starts_with("sha256:"));
    let c2 = candidate(cands, "c2");
    assert_eq!(c2["verdict"], "escalate");
    let rules = rules_of(c2);
    for r in [
        "list.watchlist-hit",
        "net.kp-address-space",
        "int.other-name-in-call",
        "id.name-differs-from-id-document",
    ] {
        assert!(rules.contains(&r.to_string()), "{r} missing from {rules:?}");
    }
    // Every finding cites file and line.
    for f in c2["findings"].as_array().unwrap() {
        let srcs = f["sources"].as_array().unwrap();
        assert!(!srcs.is_empty(), "{f}");
        for s in srcs {
            assert!(s["file"].as_str().unwrap().ends_with(".csv"));
            assert!(s["line"].as_u64().unwrap() >= 2);
        }
        assert!(!f["verify"].as_str().unwrap().is_empty());
    }
    // The sign-in in North Korea's space is cited at its ip cell (column 4) of logins.csv.
    let kp = finding(c2, "net.kp-address-space");
    assert!(kp["sources"].as_array().unwrap().iter().any(|s| s["file"]
        .as_str()
        .unwrap()
        .ends_with("logins.csv")
        && s["line"] == 4
        && s["column"] == 4));
    // Honest candidates come out clear, including the one in China who says so.
    assert_eq!(candidate(cands, "c1")["verdict"], "clear");
    assert_eq!(candidate(cands, "c3")["verdict"], "clear");
    assert_eq!(
        candidate(cands, "c3")["findings"].as_array().unwrap().len(),
        0
    );
}

#[test]
fn every_row_is_accounted_for() {
    let rows = jsonl(&scan_basic(&[]));
    let files = rows.last().unwrap()["summary"]["files"]
        .as_array()
        .unwrap()
        .clone();
    let logins = files
        .iter()
        .find(|f| f["file"].as_str().unwrap().ends_with("logins.csv"))
        .unwrap();
    assert_eq!(logins["rows"], 9);
    assert_eq!(logins["used"], 5);
    assert_eq!(logins["unmatched"], 1);
    assert_eq!(logins["rejected"], 3);
    let lines: Vec<u64> = logins["rejections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["line"].as_u64().unwrap())
        .collect();
    assert_eq!(
        lines,
        vec![6, 8, 9],
        "a broken CSV row is reported with its line"
    );
    assert_eq!(logins["unmatched_keys"][0]["key"], "candidate_id c9");
    for f in &files {
        let sum = f["used"].as_u64().unwrap()
            + f["unmatched"].as_u64().unwrap()
            + f["rejected"].as_u64().unwrap();
        assert_eq!(sum, f["rows"].as_u64().unwrap(), "{f}");
    }
    let apps = files
        .iter()
        .find(|f| f["file"].as_str().unwrap().ends_with("applications.csv"))
        .unwrap();
    assert_eq!(apps["rejections"][0]["line"], 5);
    assert!(apps["rejections"][0]["reason"]
        .as_str()
        .unwrap()
        .contains("full_name"));
}

#[test]
fn fail_on_controls_the_exit_code() {
    assert_eq!(scan_basic(&["--fail-on", "never"]).status.code(), Some(0));
    let out = run(&[
        "scan",
        "tests/data/basic",
        "--format",
        "jsonl",
        "--fail-on",
        "review",
    ]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn output_is_deterministic() {
    let a = scan_basic(&[]).stdout;
    let b = scan_basic(&[]).stdout;
    assert_eq!(a, b);
}

#[test]
fn json_is_one_document_with_the_same_content() {
    let out = scan_basic(&["--format", "json"]);
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["candidates"].as_array().unwrap().len(), 3);
    assert_eq!(doc["summary"]["verdicts"]["escalate"], 1);
}

#[test]
fn redact_hashes_personal_data_stably() {
    let out = scan_basic(&["--redact"]);
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(!text.contains("Steven Smith"));
    assert!(!text.contains("steven.smith@example.com"));
    assert!(!text.contains("Kim Tae"));
    let again = String::from_utf8_lossy(&scan_basic(&["--redact"]).stdout).to_string();
    assert_eq!(text, again);
    let c2 = candidate(&jsonl(&out), "c2").clone();
    assert!(c2["name"].as_str().unwrap().starts_with("h:"));
}

#[test]
fn usage_and_input_errors_exit_2() {
    let out = run(&["scan", "tests/data/does-not-exist"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("does-not-exist"));
    assert_eq!(
        run(&["scan", "tests/data/basic", "--tz", "Mars/Base"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(run(&["frobnicate"]).status.code(), Some(2));
    let out = run(&[
        "scan",
        "tests/data/basic",
        "--geoip",
        "tests/data/basic/applications.csv",
    ]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn invalid_rules_exit_2_with_position() {
    let out = run(&["rules", "lint", "tests/data/bad-rules"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("broken.toml:12:"), "{err}");
    let out = run(&[
        "scan",
        "tests/data/basic",
        "--rules",
        "tests/data/bad-rules",
    ]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn rules_lint_and_test_pass_on_the_builtin_pack() {
    let out = run(&["rules", "lint"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = run(&["rules", "test"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains(" 0 failed"));
    let list = String::from_utf8_lossy(&run(&["rules", "list"]).stdout).to_string();
    assert!(list.contains("net.kp-address-space"));
    // The linking settings of rules/pack.toml are shown with the pack.
    assert!(
        list.contains("more than 25 candidates (5 for names)") && list.contains("Jaccard >= 0.8;"),
        "{list}"
    );
}

#[test]
fn hostile_values_are_data_in_every_format() {
    let dir = data("hostile");
    for fmt in ["jsonl", "json", "csv", "html", "markdown", "table"] {
        let out = run(&[
            "scan",
            dir.to_str().unwrap(),
            "--format",
            fmt,
            "--fail-on",
            "never",
        ]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{fmt}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8_lossy(&out.stdout);
        match fmt {
            "html" => {
                assert!(!text.contains("<script>"));
                assert!(text.contains("&lt;script&gt;"));
            }
            "csv" => {
                // h4's name begins with `=` and h4 has a finding, so the cell is written.
                assert!(text.contains("'=HYPERLINK"), "{text}");
                assert!(
                    !text.contains(",=HYPERLINK") && !text.contains("\"=HYPERLINK"),
                    "{text}"
                );
            }
            "table" => assert!(!text.contains('\u{1b}')),
            _ => {}
        }
    }
}

/// Runs the command (in the project, with `HIRESCREEN_TIMINGS` set so that it writes to
/// standard error as it goes) with both outputs piped, `close` dropping one right after start.
fn with_closed(args: &[&str], close: impl FnOnce(&mut std::process::Child)) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hirescreen"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .env("HIRESCREEN_TIMINGS", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run hirescreen");
    close(&mut child);
    child.wait_with_output().expect("wait")
}

/// Output piped into a command that stops reading (`| head`) ends each command quietly:
/// exit 0 and no panic, for the commands that print line by line as for `scan`.
#[test]
fn a_closed_output_pipe_is_not_a_crash() {
    for args in [
        vec!["inspect", "samples/applications.csv", "samples/logins.csv"],
        vec!["rules", "list"],
        vec!["scan", "samples/", "--format", "table"],
    ] {
        // Closed before the command has written anything.
        let out = with_closed(&args, |c| drop(c.stdout.take()));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert_eq!(out.status.code(), Some(0), "{args:?}: {err}");
    }
}

/// Standard error closed before anything is written (`2>&1 | head` whose reader exited):
/// warnings, notes and errors are dropped, and the exit code is the run's own, not a panic's
/// 101. `scan samples/` notes the databases it found and escalates (1); a missing input is an
/// error (2).
#[test]
fn a_closed_standard_error_is_not_a_crash() {
    for (args, code) in [
        (vec!["scan", "samples/"], 1),
        (vec!["scan", "no-such-dir/"], 2),
        (vec!["rules", "lint", "no-such-dir/"], 2),
    ] {
        let out = with_closed(&args, |c| drop(c.stderr.take()));
        assert_eq!(out.status.code(), Some(code), "{args:?}");
    }
}

#[test]
fn utf16_tab_files_and_bom_are_read() {
    let out = run(&[
        "inspect",
        data("encodings/apps_utf16.csv").to_str().unwrap(),
        data("encodings/apps_bom_semicolon.csv").to_str().unwrap(),
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("utf-16le, tsv"), "{text}");
    assert!(text.contains("utf-8-bom, csv;"), "{text}");
    assert_eq!(
        text.matches("rows 2  readable 2  rejected 0").count(),
        2,
        "{text}"
    );
}

#[test]
fn inspect_names_an_unknown_file_and_suggests_a_mapping() {
    let out = run(&["inspect", data("unknown/ats_export.csv").to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("not recognised"), "{text}");
    assert!(
        text.contains("Applicant Name                 -> applications.full_name")
            && text.contains("-> applications.email"),
        "{text}"
    );
    // A scan names it in a warning and skips it, never silently.
    let out = run(&[
        "scan",
        "tests/data/unknown",
        "tests/data/basic",
        "--format",
        "jsonl",
        "--fail-on",
        "never",
    ]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("ats_export.csv"));
    let rows = jsonl(&out);
    assert_eq!(
        rows.last().unwrap()["summary"]["skipped"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn explain_shows_every_rule_and_fact() {
    let out = run(&["explain", "c3", "tests/data/basic"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        text.contains("not evaluated loc.logins-outside-claim: no City or Country database"),
        "{text}"
    );
    assert!(text.contains("facts:"));
    assert!(text.contains("claimed_country = CN"));
    assert_eq!(
        run(&["explain", "nobody", "tests/data/basic"])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn the_demo_escalates_fraud_with_geo_evidence_and_clears_look_alikes() {
    let out = run(&["scan", "samples/", "--format", "jsonl"]);
    assert_eq!(out.status.code(), Some(1));
    let rows = jsonl(&out);
    let (summary, cands) = rows.split_last().unwrap();
    assert_eq!(summary["summary"]["databases"].as_array().unwrap().len(), 3);
    for id in ["s02", "s03", "s04", "s05", "s06", "s07"] {
        assert_eq!(candidate(cands, id)["verdict"], "escalate", "{id}");
    }
    for id in [
        "s01", "s08", "s09", "s10", "s11", "s12", "s13", "s14", "s15", "s16",
    ] {
        assert_eq!(candidate(cands, id)["verdict"], "clear", "{id}");
    }
    // Geo evidence: the Motoki persona's sign-ins located outside the claimed country.
    let s03 = rules_of(candidate(cands, "s03"));
    assert!(
        s03.contains(&"loc.logins-outside-claim".to_string()),
        "{s03:?}"
    );
    // Countries are named beside their codes: `LA` alone reads as Los Angeles.
    assert_eq!(
        finding(candidate(cands, "s03"), "loc.logins-outside-claim")["evidence"],
        "claimed Japan (JP); 8 of 8 direct sign-ins from Laos (LA) ×8"
    );
    // The distance is of direct sign-ins; the country list is of all of them and says so
    // (s06's two US sign-ins are the VPN exits of an indicator IP).
    assert_eq!(
        finding(candidate(cands, "s06"), "loc.far-from-claimed-city")["evidence"],
        "claimed Dallas, TX, US; median direct sign-in 10759 km away; all sign-ins by country, \
         VPNs included: China (CN) ×5, United States (US) ×2"
    );
    let s06 = rules_of(candidate(cands, "s06"));
    assert!(
        s06.contains(&"loc.early-elsewhere-then-claim".to_string()),
        "{s06:?}"
    );
}

/// An example program (`gen`, `timesort`), which `cargo test` builds beside the test binaries.
fn example(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    let dir = exe.parent().and_then(|d| d.parent()).expect("target dir");
    let path = dir
        .join("examples")
        .join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    assert!(
        path.exists(),
        "{} missing: cargo test builds examples",
        path.display()
    );
    path
}

/// Runs an example program, which must succeed.
fn run_example(name: &str, args: &[&str]) {
    let out = Command::new(example(name)).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Generates a corpus (8 sign-ins and 2 interviews per candidate) and scans it; returns the
/// folder (the caller removes it) and the jsonl rows.
fn generate_and_scan(name: &str, candidates: &str, seed: &str) -> (PathBuf, Vec<Value>) {
    let dir = std::env::temp_dir().join(format!("hirescreen-{name}-{}", std::process::id()));
    run_example(
        "gen",
        &[
            "--out",
            dir.to_str().unwrap(),
            "--candidates",
            candidates,
            "--seed",
            seed,
            "--logins-per-candidate",
            "8",
            "--interviews-per-candidate",
            "2",
        ],
    );
    let rows = jsonl(&run(&["scan", dir.to_str().unwrap(), "--format", "jsonl"]));
    (dir, rows)
}

/// Issue #3's targets, on a seeded corpus of the team's own generator: fraud caught at review
/// or above >= 95% and at escalate >= 80%; honest sent to review <= 5% and escalated <= 1%;
/// no claimed country's honest candidates escalated above 2%.
#[test]
fn calibration_targets_hold_on_a_generated_corpus() {
    let (dir, rows) = generate_and_scan("calibration", "3000", "5");
    let mut labels = std::collections::HashMap::new();
    let mut rdr = csv::Reader::from_path(dir.join("labels.csv")).unwrap();
    for r in rdr.records() {
        let r = r.unwrap();
        labels.insert(r[0].to_string(), r[1] == *"fraud");
    }
    let (mut f, mut f_rev, mut f_esc, mut h, mut h_rev, mut h_esc) = (0, 0, 0, 0, 0, 0);
    let mut by_country: std::collections::HashMap<String, (u32, u32)> = Default::default();
    for c in rows.iter().filter(|r| r.get("candidate_id").is_some()) {
        let v = c["verdict"].as_str().unwrap();
        let fraud = labels[c["candidate_id"].as_str().unwrap()];
        let (rev, esc) = (v != "clear", v == "escalate");
        if fraud {
            f += 1;
            f_rev += rev as u32;
            f_esc += esc as u32;
        } else {
            h += 1;
            h_rev += rev as u32;
            h_esc += esc as u32;
            let e = by_country
                .entry(
                    c["claimed"]
                        .as_str()
                        .unwrap_or("?")
                        .rsplit(", ")
                        .next()
                        .unwrap()
                        .to_string(),
                )
                .or_default();
            e.0 += 1;
            e.1 += esc as u32;
        }
    }
    std::fs::remove_dir_all(&dir).ok();
    let r = |n: u32, d: u32| n as f64 / d.max(1) as f64;
    assert!(
        f >= 50 && h >= 2000,
        "corpus too small: {f} fraud, {h} honest"
    );
    assert!(r(f_rev, f) >= 0.95, "fraud at review+ {f_rev}/{f}");
    assert!(r(f_esc, f) >= 0.80, "fraud at escalate {f_esc}/{f}");
    assert!(r(h_rev, h) <= 0.05, "honest at review+ {h_rev}/{h}");
    assert!(r(h_esc, h) <= 0.01, "honest escalated {h_esc}/{h}");
    for (country, (n, e)) in by_country {
        if n >= 50 {
            assert!(
                r(e, n) <= 0.02,
                "honest claiming {country} escalated {e}/{n}"
            );
        }
    }
}

fn clusters_by_candidate(rows: &[Value]) -> std::collections::BTreeMap<String, Value> {
    rows.iter()
        .filter(|r| r.get("candidate_id").is_some())
        .map(|r| {
            (
                r["candidate_id"].as_str().unwrap().to_string(),
                r["cluster"].clone(),
            )
        })
        .collect()
}

fn link_keys(cluster: &Value) -> Vec<(String, Option<String>)> {
    let mut v: Vec<(String, Option<String>)> = cluster["links"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["key"].as_str().unwrap().to_string(),
                l["explained"].as_str().map(str::to_string),
            )
        })
        .collect();
    v.sort();
    v
}

/// Issue #4: a laptop-farm pair and a rotated identity are clusters of linked identities and
/// escalated; an agency batch and a household are clusters too, but explained and clear.
#[test]
fn linking_clusters_reuse_and_explains_agencies_and_households() {
    let out = run(&["scan", "tests/data/link", "--format", "jsonl"]);
    let rows = jsonl(&out);
    let clusters = clusters_by_candidate(&rows);
    let verdict = |id: &str| {
        candidate(&rows, id)["verdict"]
            .as_str()
            .unwrap()
            .to_string()
    };
    // The farm pair: one ship-to address and one residential IP within hours; B referred by A.
    let farm = &clusters["f1"];
    assert_eq!(farm["members"], json!(["f1", "f2"]));
    assert_eq!(farm["id"], clusters["f2"]["id"]);
    let keys = link_keys(farm);
    for k in ["shipping_address", "login_ip", "referral"] {
        assert!(keys.iter().any(|(x, e)| x == k && e.is_none()), "{keys:?}");
    }
    assert_eq!(verdict("f1"), "escalate");
    assert_eq!(verdict("f2"), "escalate");
    assert!(rules_of(candidate(&rows, "f2")).contains(&"reuse.referred-by-flagged".to_string()));
    // The rotation: the phone typed differently, the photo hash in another case, one laptop.
    let rot = &clusters["r2"];
    assert_eq!(rot["members"], json!(["r1", "r2"]));
    let keys: Vec<String> = link_keys(rot).into_iter().map(|k| k.0).collect();
    assert_eq!(keys, ["device_id", "phone", "photo_hash"]);
    assert!(rules_of(candidate(&rows, "r2")).contains(&"reuse.identity-rotation".to_string()));
    assert_eq!(verdict("r1"), "escalate");
    // The agency batch shares a line; the household shares an address and a connection.
    let agency = &clusters["a1"];
    assert_eq!(agency["size"], 3);
    assert_eq!(agency["explained"], true);
    assert!(link_keys(agency)
        .iter()
        .all(|(k, e)| k == "phone" && e.as_deref() == Some("agency Brightpath Talent")));
    let home = &clusters["h2"];
    assert_eq!(home["explained"], true);
    assert!(link_keys(home)
        .iter()
        .all(|(_, e)| e.as_deref().is_some_and(|e| e.starts_with("household"))));
    for id in ["a1", "a2", "a3", "h1", "h2", "p1"] {
        assert_eq!(verdict(id), "clear", "{id}");
    }
    assert!(clusters["p1"].is_null());
    let sources = farm["links"][0]["sources"].as_array().unwrap();
    assert_eq!(sources.len(), 2);
    let summary = &rows.last().unwrap()["summary"]["link"];
    assert_eq!(summary["clusters"], 4);
    assert_eq!(summary["explained_links"], 6);
}

/// Same members, same cluster id: reordering the rows or adding unrelated candidates does not
/// change it.
#[test]
fn cluster_ids_are_stable() {
    let dir = std::env::temp_dir().join(format!("hirescreen-link-ids-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let apps = std::fs::read_to_string(data("link/applications.csv")).unwrap();
    let mut lines: Vec<&str> = apps.lines().collect();
    let header = lines.remove(0);
    lines.reverse();
    let mut text = format!("{header}\n{}\n", lines.join("\n"));
    text.push_str("z9,Zoe Quinn,zoe@example.com,+1 404-555-0999,,,,,,,,,,\n");
    std::fs::write(dir.join("applications.csv"), text).unwrap();
    std::fs::copy(data("link/logins.csv"), dir.join("logins.csv")).unwrap();
    let a = clusters_by_candidate(&jsonl(&run(&[
        "scan",
        "tests/data/link",
        "--format",
        "jsonl",
    ])));
    let b = clusters_by_candidate(&jsonl(&run(&[
        "scan",
        dir.to_str().unwrap(),
        "--format",
        "jsonl",
    ])));
    std::fs::remove_dir_all(&dir).ok();
    for (id, c) in &a {
        assert_eq!(c["id"], b[id]["id"], "{id}");
        assert_eq!(c["members"], b[id]["members"], "{id}");
    }
    assert!(b["z9"].is_null());
}

/// A key shared by more candidates than the cap (an office egress) links nobody and is
/// reported in the summary.
#[test]
fn a_key_shared_by_too_many_is_capped_and_reported() {
    let dir = std::env::temp_dir().join(format!("hirescreen-link-cap-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut apps = String::from("candidate_id,full_name,email\n");
    let mut logins = String::from("timestamp,candidate_id,ip\n");
    for i in 0..30 {
        apps.push_str(&format!("c{i},Person Number{i},p{i}@example.com\n"));
        for h in 0..2 {
            logins.push_str(&format!(
                "2026-03-02T1{h}:0{}:00Z,c{i},198.51.100.200\n",
                i % 10
            ));
        }
    }
    std::fs::write(dir.join("applications.csv"), apps).unwrap();
    std::fs::write(dir.join("logins.csv"), logins).unwrap();
    let rows = jsonl(&run(&["scan", dir.to_str().unwrap(), "--format", "jsonl"]));
    std::fs::remove_dir_all(&dir).ok();
    assert!(clusters_by_candidate(&rows).values().all(Value::is_null));
    let link = &rows.last().unwrap()["summary"]["link"];
    assert_eq!(link["capped_by_key"]["login_ip"], 1);
    assert_eq!(
        link["capped_keys"][0],
        json!({"kind": "login_ip", "value": "198.51.100.200", "size": 30})
    );
    assert!(!rules_of(candidate(&rows, "c0")).contains(&"reuse.shared-login-ip".to_string()));
}

#[test]
fn redact_hashes_link_values() {
    let rows = jsonl(&run(&[
        "scan",
        "tests/data/link",
        "--format",
        "jsonl",
        "--redact",
    ]));
    let text = serde_json::to_string(&rows).unwrap();
    for personal in ["12015560001", "500 desert rd", "9 elm st"] {
        assert!(!text.contains(personal), "{personal} leaked");
    }
    let c = &clusters_by_candidate(&rows)["a1"];
    assert!(c["links"][0]["value_preview"]
        .as_str()
        .unwrap()
        .starts_with("h:"));
}

/// Issue #4's acceptance on a generated corpus: every laptop-farm group and rotated identity
/// pair in one cluster and escalated; no agency or household member escalated.
#[test]
fn issue_4_farms_and_rotations_cluster_and_escalate_on_a_generated_corpus() {
    let (dir, rows) = generate_and_scan("issue4", "4000", "9");
    let mut groups: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    let mut rdr = csv::Reader::from_path(dir.join("labels.csv")).unwrap();
    for r in rdr.records() {
        let r = r.unwrap();
        if !r[3].is_empty() {
            groups
                .entry(r[3].to_string())
                .or_default()
                .push(r[0].to_string());
        }
    }
    std::fs::remove_dir_all(&dir).ok();
    let mut seen = std::collections::BTreeSet::new();
    for (g, members) in &groups {
        let kind = g.rsplit_once('-').unwrap().0;
        seen.insert(kind.to_string());
        let verdicts: Vec<&str> = members
            .iter()
            .map(|m| candidate(&rows, m)["verdict"].as_str().unwrap())
            .collect();
        if kind == "farm" || kind == "rotation" {
            let ids: std::collections::BTreeSet<String> = members
                .iter()
                .map(|m| candidate(&rows, m)["cluster"]["id"].to_string())
                .collect();
            assert_eq!(ids.len(), 1, "{g} split: {ids:?}");
            assert!(!ids.contains("null"), "{g} not clustered");
            assert!(
                verdicts.iter().all(|v| *v == "escalate"),
                "{g}: {verdicts:?}"
            );
        } else {
            assert!(
                verdicts.iter().all(|v| *v != "escalate"),
                "{g}: {verdicts:?}"
            );
        }
    }
    assert_eq!(seen.len(), 4, "{seen:?}");
}

/// Regression (issue #4): `explain` screens everyone, so cross-candidate rules can fire.
#[test]
fn issue_4_explain_evaluates_cross_candidate_rules() {
    let out = run(&["explain", "s04", "samples/"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        text.contains("FIRED") && text.contains("reuse.shared-shipping"),
        "{text}"
    );
}

/// Issue #6: detection results do not depend on parallelism. A generated corpus (several
/// batches of every file, so rows really are checked on several threads) scanned with one
/// worker thread and with four gives byte-identical output, summary included.
#[test]
fn issue_6_results_are_identical_with_and_without_parallelism() {
    let (dir, rows) = generate_and_scan("threads", "2500", "21");
    let d = dir.to_str().unwrap();
    let one = run(&["scan", d, "--format", "jsonl", "--threads", "1"]);
    let four = run(&["scan", d, "--format", "jsonl", "--threads", "4"]);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(one.status.code(), four.status.code());
    let (one, four) = (jsonl(&one), jsonl(&four));
    // 2,500 candidates and the summary line; some of them flagged, so it compares findings.
    assert_eq!(one.len(), 2501);
    assert!(one.iter().any(|r| r["verdict"] == "escalate"));
    assert_eq!(one, four);
    assert_eq!(one, rows, "the default (one thread per core) agrees too");
}

/// Issue #6: real exports are in time order, not grouped by candidate as the generator
/// writes them, and the sign-in fold fetches memory ahead for that order. Detection must not
/// depend on it: the same corpus with its sign-ins and interviews sorted by time (by
/// `examples/timesort`, which the time-order benchmark uses) gives every candidate the same
/// verdict, score, rules and evidence (only the cited line numbers move).
#[test]
fn issue_6_results_do_not_depend_on_the_order_of_sign_ins_and_interviews() {
    let (dir, grouped) = generate_and_scan("order", "1500", "23");
    for (file, column) in [
        ("logins.csv", "timestamp"),
        ("interviews.csv", "started_at"),
    ] {
        let path = dir.join(file);
        let sorted = dir.join(format!("{file}.sorted"));
        run_example(
            "timesort",
            &[column, path.to_str().unwrap(), sorted.to_str().unwrap()],
        );
        let (before, after) = (
            std::fs::read(&path).unwrap(),
            std::fs::read(&sorted).unwrap(),
        );
        assert_ne!(before, after, "{file} is not in time order already");
        // The same records: as many lines, quoted line breaks included.
        let lines = |b: &[u8]| b.iter().filter(|&&c| c == b'\n').count();
        assert_eq!(lines(&before), lines(&after), "{file}");
        std::fs::rename(&sorted, &path).unwrap();
    }
    let by_time = jsonl(&run(&["scan", dir.to_str().unwrap(), "--format", "jsonl"]));
    std::fs::remove_dir_all(&dir).unwrap();
    // Verdict, score, rules and each finding's evidence (sources cite other lines).
    let outcome = |r: &Value| {
        let mut evidence: Vec<String> = r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| format!("{} {}", f["rule"], f["evidence"]))
            .collect();
        evidence.sort();
        (
            r["verdict"].clone(),
            r["score"].clone(),
            rules_of(r),
            evidence,
        )
    };
    assert_eq!(grouped.len(), by_time.len());
    let mut flagged = 0;
    for (a, b) in grouped.iter().zip(&by_time) {
        if a.get("summary").is_some() {
            continue;
        }
        assert_eq!(a["candidate_id"], b["candidate_id"]);
        assert_eq!(outcome(a), outcome(b), "{}", a["candidate_id"]);
        flagged += usize::from(a["verdict"] != "clear");
    }
    assert!(
        flagged > 0,
        "some candidates are flagged, so findings are compared"
    );
}

/// The table says when a rule set the verdict regardless of the score (s07's one connection
/// from North Korea's address space scores 45, below the escalate threshold); a candidate
/// escalated by score alone gets no such note.
#[test]
fn the_table_explains_a_verdict_set_by_a_rule_rather_than_the_score() {
    let out = run(&["scan", "samples/", "--format", "table"]);
    let text = String::from_utf8_lossy(&out.stdout);
    let block = |id: &str| -> Vec<String> {
        let mut lines = text
            .lines()
            .skip_while(|l| !l.contains(&format!("  {id}  ")));
        let head = lines.next().map(str::to_string).into_iter();
        head.chain(lines.take_while(|l| l.starts_with(' ')).map(str::to_string))
            .collect()
    };
    let s07 = block("s07");
    assert!(s07[0].starts_with("ESCALATE   45"), "{s07:?}");
    assert!(
        s07.iter().any(|l| l.trim()
            == "note: escalate whatever the score, set by net.kp-address-space: \
                    A connection from North Korea's own address space"),
        "{s07:?}"
    );
    let s02 = block("s02");
    assert!(s02[0].starts_with("ESCALATE  100"), "{s02:?}");
    assert!(
        !s02.iter().any(|l| l.contains("whatever the score")),
        "{s02:?}"
    );
}

/// A score below the sum of its findings is a family cap at work (SPEC §7): s07's one
/// North Korean connection scores +60 in a network family capped at 45. JSON lists such
/// families (absent when none is over its cap); the table and HTML say it under the heading
/// (Markdown's score cell: see the next test).
#[test]
fn a_score_below_its_findings_names_the_capped_family() {
    let rows = jsonl(&run(&["scan", "samples/", "--format", "jsonl"]));
    let s07 = candidate(&rows, "s07");
    assert_eq!(
        s07["capped_families"],
        json!([{"family": "network", "found": 60, "counted": 45}])
    );
    let s10 = candidate(&rows, "s10");
    assert!(s10.get("capped_families").is_none(), "{s10}");
    // Every listed family really is over its cap, and the score is the capped sum.
    for c in rows.iter().filter(|r| r.get("candidate_id").is_some()) {
        let findings: u64 = c["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["score"].as_u64().unwrap())
            .sum();
        let cut: u64 = c
            .get("capped_families")
            .and_then(|v| v.as_array())
            .map(|a| {
                a.iter()
                    .map(|f| f["found"].as_u64().unwrap() - f["counted"].as_u64().unwrap())
                    .sum()
            })
            .unwrap_or(0);
        assert_eq!(
            c["score"].as_u64().unwrap(),
            (findings - cut).min(100),
            "{c}"
        );
    }
    let table = run(&["scan", "samples/", "--format", "table"]);
    let table = String::from_utf8_lossy(&table.stdout);
    assert!(
        table.contains(
            "   note: network findings add up to 60; the score counts at most 45 of them"
        ),
        "{table}"
    );
    let html = run(&["scan", "samples/", "--format", "html"]);
    let html = String::from_utf8_lossy(&html.stdout);
    assert!(html.contains("network findings add up to 60; the score counts at most 45 of them"));
}

/// The other formats carry the same: JSON a `verdict_set_by` list (absent when the score
/// alone gives the verdict), HTML a note under the heading, Markdown the verdict cell (and
/// a capped family in the score cell), CSV a last column on each of the candidate's findings.
#[test]
fn every_format_names_the_rule_that_set_a_verdict_above_the_score() {
    let rows = jsonl(&run(&["scan", "samples/", "--format", "jsonl"]));
    let s07 = candidate(&rows, "s07");
    assert_eq!(
        (&s07["verdict"], &s07["score"]),
        (&json!("escalate"), &json!(45))
    );
    assert_eq!(s07["verdict_set_by"], json!(["net.kp-address-space"]));
    for id in ["s02", "s10"] {
        let c = candidate(&rows, id);
        assert!(c.get("verdict_set_by").is_none(), "{id}: {c}");
    }
    let html = run(&["scan", "samples/", "--format", "html"]);
    let html = String::from_utf8_lossy(&html.stdout);
    let at = html.find(">s07 ").expect("s07 heading");
    let next = html[at..].find("<h2").map_or(html.len(), |n| at + n);
    assert!(
        html[at..next].contains(
            "escalate whatever the score, set by net.kp-address-space: A connection from North"
        ),
        "{}",
        &html[at..next]
    );
    assert_eq!(html.matches("whatever the score").count(), 1);
    let md = run(&["scan", "samples/", "--format", "markdown"]);
    let md = String::from_utf8_lossy(&md.stdout);
    // The verdict and score cells of a candidate's row.
    let cells = |id: &str| -> (String, String) {
        let row = md
            .lines()
            .find(|l| l.starts_with(&format!("| {id} ")))
            .expect("row");
        let c: Vec<&str> = row.split(" | ").collect();
        (c[1].to_string(), c[2].to_string())
    };
    assert_eq!(
        cells("s07"),
        (
            "escalate whatever the score, set by net.kp-address-space: A connection from North \
             Korea's own address space"
                .into(),
            "45 (network findings add up to 60; the score counts at most 45 of them)".into()
        )
    );
    assert_eq!(
        cells("s02"),
        (
            "escalate".into(),
            "100 (interview findings add up to 65; the score counts at most 60 of them)".into()
        )
    );
    let csv = run(&["scan", "samples/", "--format", "csv"]);
    let mut rdr = csv::Reader::from_reader(&csv.stdout[..]);
    let headers = rdr.headers().unwrap().clone();
    assert_eq!(headers.iter().next_back(), Some("verdict_set_by"));
    let (mut s07_rows, mut s02_rows) = (0, 0);
    for r in rdr.records() {
        let r = r.unwrap();
        match &r[0] {
            "s07" => {
                s07_rows += 1;
                assert_eq!(&r[headers.len() - 1], "net.kp-address-space");
            }
            "s02" => {
                s02_rows += 1;
                assert_eq!(&r[headers.len() - 1], "");
            }
            _ => {}
        }
    }
    assert!(s07_rows >= 1 && s02_rows >= 1, "{s07_rows} {s02_rows}");
}

/// The README's example rule, its test and the evidence that test expects, run as written
/// (with `…` filled in and a quiet test added, which a pack requires).
#[test]
fn the_readme_example_rule_passes_its_own_test() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let start = readme
        .find("```toml\n[[rule]]\n")
        .expect("the example rule")
        + 8;
    let end = start + readme[start..].find("```").unwrap();
    let rule = readme[start..end]
        .replace("\"…\"", "\"text\"")
        .replace("; …\"", "\"")
        .replace(" …\"", "\"");
    assert!(
        rule.contains("evidence = \"claimed United States (US); 3 of 3"),
        "{rule}"
    );
    let dir = std::env::temp_dir().join(format!("hirescreen-readme-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(root.join("rules/pack.toml"), dir.join("pack.toml")).unwrap();
    let quiet = "\n[[rule.test]]\nname = \"says China\"\nexpect = \"quiet\"\n\
                 app = { claimed_country = \"CN\" }\n\
                 geo = [{ cidr = \"203.0.113.0/24\", country = \"CN\" }]\n\
                 logins = [{ ip = \"203.0.113.5\" }, { ip = \"203.0.113.6\" }, { ip = \"203.0.113.7\" }]\n";
    std::fs::write(dir.join("example.toml"), format!("{rule}{quiet}")).unwrap();
    let out = run(&["rules", "test", dir.to_str().unwrap()]);
    let _ = std::fs::remove_dir_all(&dir);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("rule tests: 2 passed, 0 failed"), "{text}");
}
