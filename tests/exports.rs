//! Real exports read as they come (issue #5): Entra, Okta, Google Workspace, Zoom and Teams
//! files detected by header and read with their quirks, joined to candidates through the
//! identities file, by email, or — for guests — by name; a user mapping file for anything
//! else. The real binary on files under tests/data/exports, comparing parsed JSON.

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

const PEOPLE: &str = "tests/data/exports/people";

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hirescreen"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .expect("run hirescreen")
}

fn text(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `scan PATHS --format jsonl` (zone-less exports read in Chicago): candidates and summary.
fn scan(paths: &[&str], extra: &[&str]) -> (Vec<Value>, Value) {
    let mut args = vec![
        "scan",
        "--format",
        "jsonl",
        "--fail-on",
        "never",
        "--tz",
        "America/Chicago",
    ];
    args.extend_from_slice(extra);
    args.extend_from_slice(paths);
    let out = run(&args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut rows: Vec<Value> = text(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let summary = rows.pop().unwrap()["summary"].clone();
    (rows, summary)
}

/// The summary entry of the file whose name ends with `name`.
fn file<'a>(summary: &'a Value, name: &str) -> &'a Value {
    summary["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["file"].as_str().unwrap().ends_with(name))
        .unwrap_or_else(|| panic!("no file {name} in {summary}"))
}

/// (format, rows, used, unmatched, rejected) of one file.
fn counts(summary: &Value, name: &str) -> (String, u64, u64, u64, u64) {
    let f = file(summary, name);
    let n = |k: &str| f[k].as_u64().unwrap();
    (
        f["format"].as_str().unwrap().to_string(),
        n("rows"),
        n("used"),
        n("unmatched"),
        n("rejected"),
    )
}

fn unmatched_keys(summary: &Value, name: &str) -> Vec<String> {
    file(summary, name)["unmatched_keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["key"].as_str().unwrap().to_string())
        .collect()
}

fn candidate<'a>(rows: &'a [Value], id: &str) -> &'a Value {
    rows.iter()
        .find(|r| r["candidate_id"] == id)
        .unwrap_or_else(|| panic!("no candidate {id}"))
}

fn finding<'a>(c: &'a Value, rule: &str) -> Option<&'a Value> {
    c["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == rule)
}

#[test]
fn every_export_fixture_is_detected_as_its_format() {
    let expected = [
        (
            "entra/InteractiveSignIns_2026-01-01_2026-01-08.csv",
            "logins (entra-signins format; utf-8, csv",
        ),
        (
            "entra/signins_script.csv",
            "logins (entra-signins-graph format",
        ),
        (
            "okta/system_log.json",
            "logins (okta-system-log format; utf-8, json",
        ),
        (
            "okta/system_log.ndjson",
            "logins (okta-system-log format; utf-8, ndjson",
        ),
        (
            "okta/system_log.csv",
            "logins (okta-system-log format; utf-8, csv",
        ),
        (
            "google/login_activities.json",
            "logins (google-workspace-login format",
        ),
        (
            "google/login_activities_page.json",
            "logins (google-workspace-login format",
        ),
        (
            "zoom/participants_a.csv",
            "interviews (zoom-participants format; utf-8, csv; header on line 1)",
        ),
        (
            "zoom/participants_b.csv",
            "interviews (zoom-participants format; utf-8, csv; header on line 4)",
        ),
        (
            "zoom/participants_c.csv",
            "interviews (zoom-participants format; utf-8, csv; header on line 4)",
        ),
        (
            "teams/attendance_en.csv",
            "interviews (teams-attendance format; utf-16le, tsv; header on line 10)",
        ),
        (
            "teams/attendance_pt_br.csv",
            "interviews (teams-attendance-pt-br format; utf-16le, tsv; header on line 8)",
        ),
        (
            "teams/attendance_legacy.csv",
            "interviews (teams-attendance-legacy format; utf-16le, tsv",
        ),
        (
            "teams/attendance_actions.csv",
            "interviews (teams-attendance-actions format; utf-16le, tsv",
        ),
    ];
    for (f, want) in expected {
        let p = Path::new("tests/data/exports").join(f);
        let out = run(&["inspect", p.to_str().unwrap()]);
        let t = text(&out);
        assert_eq!(out.status.code(), Some(0), "{f}: {t}");
        assert!(t.contains(want), "{f}: expected {want:?} in\n{t}");
        assert!(t.contains("rejected 0"), "{f}: {t}");
    }
}

/// Entra's service-principal download (applications signing in, no user columns) is known for
/// what it is: skipped with that reason, in the scan summary and by `inspect`, not reported as
/// an unknown export with a mapping to write.
#[test]
fn entra_service_principal_sign_ins_are_skipped_as_what_they_are() {
    let (rows, s) = scan(&[PEOPLE, "tests/data/exports/entra-apps"], &[]);
    assert!(!rows.is_empty());
    let skipped = s["skipped"].as_array().unwrap();
    assert_eq!(skipped.len(), 1, "{s}");
    assert!(skipped[0]["file"]
        .as_str()
        .unwrap()
        .ends_with("ApplicationSignIns_2026-01-01_2026-01-08.csv"));
    let reason = skipped[0]["reason"].as_str().unwrap();
    assert!(
        reason
            .starts_with("Entra service-principal sign-ins (applications signing in, not people)"),
        "{reason}"
    );
    assert!(!reason.contains("not a known export"), "{reason}");
    let out = run(&[
        "inspect",
        "tests/data/exports/entra-apps/ApplicationSignIns_2026-01-01_2026-01-08.csv",
    ]);
    let t = text(&out);
    assert!(t.contains(": Entra service-principal sign-ins"), "{t}");
    assert!(!t.contains("suggested mapping"), "{t}");
}

#[test]
fn entra_portal_download_and_script_schema_join_through_identities() {
    let (rows, s) = scan(&[PEOPLE, "tests/data/exports/entra"], &[]);
    // Six sign-ins: five joined (two by the identities file, a B2B guest's #EXT# UPN by the
    // address it was made from), one account nobody knows, none rejected.
    assert_eq!(
        counts(&s, "InteractiveSignIns_2026-01-01_2026-01-08.csv"),
        ("entra-signins".into(), 6, 5, 1, 0)
    );
    assert_eq!(
        unmatched_keys(&s, "InteractiveSignIns_2026-01-01_2026-01-08.csv"),
        ["account nobody@contoso.example"]
    );
    assert_eq!(
        counts(&s, "signins_script.csv"),
        ("entra-signins-graph".into(), 3, 3, 0, 0)
    );
    assert_eq!(rows.len(), 4);
    // The Location column locates the sign-ins even with no database: Jordan's are US and NG.
    let out = run(&["explain", "g1", PEOPLE, "tests/data/exports/entra"]);
    let t = text(&out);
    assert!(
        t.contains("198.51.100.7 x3: country NG (from the export)"),
        "{t}"
    );
    assert!(
        t.contains("203.0.113.24 x2: country US (from the export)"),
        "{t}"
    );
    assert!(t.contains("ASN 64501"), "{t}");
}

#[test]
fn okta_system_log_reads_alike_as_json_ndjson_and_dotted_csv() {
    let files = ["system_log.json", "system_log.ndjson", "system_log.csv"];
    let paths: Vec<String> = files
        .iter()
        .map(|f| format!("tests/data/exports/okta/{f}"))
        .collect();
    let mut args = vec![PEOPLE];
    args.extend(paths.iter().map(String::as_str));
    let (_, s) = scan(&args, &[]);
    for f in files {
        // Four sign-in events joined; a lifecycle event and a session end are not sign-ins;
        // one account is nobody's.
        assert_eq!(counts(&s, f), ("okta-system-log".into(), 7, 4, 3, 0), "{f}");
        let keys = unmatched_keys(&s, f);
        for k in [
            "not a sign-in event (eventType user.lifecycle.create)",
            "not a sign-in event (eventType user.session.end)",
            "account stranger@contoso.example",
        ] {
            assert!(keys.contains(&k.to_string()), "{f}: {keys:?}");
        }
    }
    // Full country names become codes; isProxy marks the address as an anonymizer.
    args.insert(0, "g1");
    args.insert(0, "explain");
    let t = text(&run(&args));
    assert!(
        t.contains("203.0.113.77 x3: country US (from the export)"),
        "{t}"
    );
    assert!(
        t.contains("198.51.100.20 x3: country NL (from the export)") && t.contains("[anonymized]"),
        "{t}"
    );
}

#[test]
fn google_workspace_login_audit_reads_events_and_api_pages() {
    let files = ["login_activities.json", "login_activities_page.json"];
    let (_, s) = scan(
        &[
            PEOPLE,
            "tests/data/exports/google/login_activities.json",
            "tests/data/exports/google/login_activities_page.json",
        ],
        &[],
    );
    for f in files {
        assert_eq!(
            counts(&s, f),
            ("google-workspace-login".into(), 5, 4, 1, 0),
            "{f}"
        );
        assert_eq!(unmatched_keys(&s, f), ["not a sign-in event (logout)"]);
    }
}

/// The Zoom Dashboard's participants (the API page, JSON) give where each participant joined
/// from: a candidate's interview address is located like any other, guests without email join
/// by name (weakly), the host's staff and unknown guests join nobody, and `camera` (a device
/// name there) is not read as whether the camera was on.
#[test]
fn zoom_dashboard_participants_locate_interviews() {
    let dir = "tests/data/exports/zoom-dashboard";
    let (rows, s) = scan(&[PEOPLE, dir], &["--geoip", "samples/geo/City.mmdb"]);
    let name = "meeting_84512937710_participants.json";
    assert_eq!(
        counts(&s, name),
        ("zoom-dashboard-participants".into(), 4, 2, 2, 0)
    );
    assert_eq!(
        unmatched_keys(&s, name),
        ["email pat.recruiter@contoso.example", "name Robin Guest"]
    );
    assert_eq!(file(&s, name)["value_warnings"], 0);
    let g1 = candidate(&rows, "g1");
    let f = finding(g1, "loc.interview-outside-claim").expect("interview located");
    assert!(
        f["evidence"]
            .as_str()
            .unwrap()
            .contains("interview connections from China (CN)"),
        "{f}"
    );
    let cited = f["sources"].as_array().unwrap();
    assert!(
        cited
            .iter()
            .any(|c| c["file"].as_str().unwrap().ends_with(name) && c["line"] == 24),
        "{f}"
    );
    let g4 = candidate(&rows, "g4");
    assert_eq!(g4["weak_joins"]["count"], 1);
    let out = run(&["inspect", &format!("{dir}/{name}")]);
    let t = text(&out);
    assert!(t.contains("zoom-dashboard-participants format"), "{t}");
    assert!(
        t.contains("camera                            (absent)"),
        "{t}"
    );
    // The records alone, as an array or one per line, are the same format.
    let page: Value =
        serde_json::from_str(&std::fs::read_to_string(format!("{dir}/{name}")).unwrap()).unwrap();
    let records = page["participants"].as_array().unwrap();
    let tmp = std::env::temp_dir().join(format!("hirescreen-zoomdash-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    let lines: Vec<String> = records.iter().map(|r| r.to_string()).collect();
    for (file, body) in [
        ("records.json", serde_json::to_string(records).unwrap()),
        ("records.jsonl", lines.join("\n")),
    ] {
        let path = tmp.join(file);
        std::fs::write(&path, body).unwrap();
        let t = text(&run(&["inspect", path.to_str().unwrap()]));
        assert!(
            t.contains("zoom-dashboard-participants format") && t.contains("rows 4  readable 4"),
            "{file}: {t}"
        );
    }
    std::fs::remove_dir_all(&tmp).unwrap();
}

#[test]
fn zoom_reports_read_renames_guests_and_the_hosts_organisation() {
    let (rows, s) = scan(&[PEOPLE, "tests/data/exports/zoom"], &[]);
    // A: the host's member (Guest = No) is not a candidate; the renamed candidate joins by
    // email; a guest without email joins by name; an unknown guest stays unmatched.
    assert_eq!(
        counts(&s, "participants_a.csv"),
        ("zoom-participants".into(), 5, 3, 2, 0)
    );
    let keys = unmatched_keys(&s, "participants_a.csv");
    assert!(
        keys.contains(&"host organisation (Guest = No)".to_string()),
        "{keys:?}"
    );
    assert!(keys.contains(&"name Robin Guest".to_string()), "{keys:?}");
    // B: the meeting block names the host; a colleague at the host's domain is staff even as
    // a guest; a guest with no email and an unknown name joins by the meeting topic.
    assert_eq!(
        counts(&s, "participants_b.csv"),
        ("zoom-participants".into(), 4, 2, 2, 0)
    );
    let keys = unmatched_keys(&s, "participants_b.csv");
    assert!(
        keys.contains(&"host organisation (the meeting host)".to_string()),
        "{keys:?}"
    );
    assert!(
        keys.contains(&"host organisation (contoso.example)".to_string()),
        "{keys:?}"
    );
    // C: unique users, no join times (the meeting's start stands in), trailing commas.
    assert_eq!(
        counts(&s, "participants_c.csv"),
        ("zoom-participants".into(), 3, 1, 2, 0)
    );
    // `New Name (Original Name)` is a rename.
    let g1 = candidate(&rows, "g1");
    let f = finding(g1, "int.other-name-in-call").expect("rename found");
    let ev = f["evidence"].as_str().unwrap();
    assert!(
        ev.contains("Sam Candidate") && ev.contains("renamed"),
        "{ev}"
    );
    assert!(f["sources"].as_array().unwrap().iter().any(|s| s["file"]
        .as_str()
        .unwrap()
        .ends_with("participants_a.csv")
        && s["line"] == 3));
    // The guest joined by the topic "Interview - Alex Doe" under another name.
    let g2 = candidate(&rows, "g2");
    let ev = finding(g2, "int.other-name-in-call").expect("topic join")["evidence"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(ev.contains("Kim Tae"), "{ev}");
    // The guest joined by name shows no other name.
    assert!(finding(candidate(&rows, "g4"), "int.other-name-in-call").is_none());
}

/// Interviews joined only by a display name or a meeting topic are listed per candidate in the
/// JSON (`weak_joins`) and noted in the table and HTML; strong joins are not.
#[test]
fn issue_5_weak_joins_are_shown_in_reports() {
    let (rows, _) = scan(&[PEOPLE, "tests/data/exports/zoom"], &[]);
    let weak = |id: &str| candidate(&rows, id)["weak_joins"].clone();
    // Sam Carter joined by display name, Alex Doe's stand-in by the meeting topic.
    let g4 = weak("g4");
    assert_eq!(g4["count"], 1, "{g4}");
    assert!(g4["sources"][0]["file"]
        .as_str()
        .unwrap()
        .ends_with("participants_a.csv"));
    assert_eq!(g4["sources"][0]["line"], 5);
    let g2 = weak("g2");
    assert_eq!(g2["count"], 1, "{g2}");
    assert!(g2["sources"][0]["file"]
        .as_str()
        .unwrap()
        .ends_with("participants_b.csv"));
    assert_eq!(g2["sources"][0]["line"], 7);
    // Jordan joined by email: no weak join.
    assert_eq!(weak("g1")["count"], 0);
    assert_eq!(weak("g1")["sources"].as_array().unwrap().len(), 0);
    for format in ["table", "html"] {
        let out = run(&[
            "scan",
            "--format",
            format,
            "--fail-on",
            "never",
            "--tz",
            "America/Chicago",
            PEOPLE,
            "tests/data/exports/zoom",
        ]);
        let t = text(&out);
        assert!(
            t.contains("1 interview row(s) joined only by a display name or meeting topic"),
            "{format}: {t}"
        );
        assert!(t.contains("participants_a.csv:5"), "{format}: {t}");
        assert!(t.contains("participants_b.csv:7"), "{format}: {t}");
    }
}

/// Okta writes two or three sign-in events for one sign-in (policy evaluation, MFA, session
/// start) sharing a `transaction.id`: they count as one sign-in, every row still accounted for.
#[test]
fn issue_5_okta_events_of_one_transaction_count_as_one_sign_in() {
    let dir = "tests/data/exports/okta-transactions";
    let (rows, s) = scan(&[PEOPLE, dir], &[]);
    // Five events: three of one transaction and two other sign-ins, all used, two merged.
    assert_eq!(
        counts(&s, "system_log.json"),
        ("okta-system-log".into(), 5, 5, 0, 0)
    );
    assert_eq!(file(&s, "system_log.json")["merged"], 2);
    for f in s["files"].as_array().unwrap() {
        let n = |k: &str| f[k].as_u64().unwrap();
        assert_eq!(n("used") + n("unmatched") + n("rejected"), n("rows"), "{f}");
        assert!(n("merged") <= n("used"), "{f}");
    }
    // Three sign-ins from CN, not five.
    let g1 = candidate(&rows, "g1");
    let loc = finding(g1, "loc.logins-outside-claim").expect("sign-ins abroad");
    let ev = loc["evidence"].as_str().unwrap();
    assert!(
        ev.contains("3 of 3 direct sign-ins from China (CN) ×3 (from the export)"),
        "{ev}"
    );
    let t = text(&run(&["explain", "g1", PEOPLE, dir]));
    assert!(t.contains("logins = 3"), "{t}");
    assert!(t.contains("203.0.113.150 x1: country CN"), "{t}");
    let t = text(&run(&[
        "scan",
        "--format",
        "table",
        "--fail-on",
        "never",
        PEOPLE,
        dir,
    ]));
    assert!(t.contains("(merged 2:"), "{t}");
}

/// A Zoom "unique users" report exported without its meeting block has no times at all: its
/// candidates' rows are rejected with a reason that says how to export it.
#[test]
fn issue_5_zoom_unique_users_without_meeting_block_says_what_to_do() {
    let (_, s) = scan(&[PEOPLE, "tests/data/exports/zoom-unique"], &[]);
    let name = "participants_unique_no_meeting.csv";
    assert_eq!(counts(&s, name), ("zoom-participants".into(), 3, 0, 2, 1));
    let rj = &file(&s, name)["rejections"][0];
    assert_eq!(rj["line"], 3);
    assert!(
        rj["reason"].as_str().unwrap().contains(
            "Zoom 'unique users' export without the meeting block has no times; \
             export with meeting data"
        ),
        "{rj}"
    );
}

#[test]
fn teams_attendance_utf16_sectioned_localised_and_legacy() {
    let (rows, s) = scan(&[PEOPLE, "tests/data/exports/teams"], &[]);
    // The participants section only: the organiser and a colleague of the organiser's domain
    // are the host's organisation; the external candidate joins by email, the one without
    // email by name.
    assert_eq!(
        counts(&s, "attendance_en.csv"),
        ("teams-attendance".into(), 4, 2, 2, 0)
    );
    let keys = unmatched_keys(&s, "attendance_en.csv");
    assert!(
        keys.contains(&"host organisation (Organizer)".to_string()),
        "{keys:?}"
    );
    assert!(
        keys.contains(&"host organisation (contoso.example)".to_string()),
        "{keys:?}"
    );
    assert_eq!(
        counts(&s, "attendance_pt_br.csv"),
        ("teams-attendance-pt-br".into(), 2, 1, 1, 0)
    );
    assert_eq!(
        unmatched_keys(&s, "attendance_pt_br.csv"),
        ["host organisation (Organizador)"]
    );
    assert_eq!(
        counts(&s, "attendance_legacy.csv"),
        ("teams-attendance-legacy".into(), 2, 1, 1, 0)
    );
    assert_eq!(
        counts(&s, "attendance_actions.csv"),
        ("teams-attendance-actions".into(), 4, 1, 3, 0)
    );
    // `(External)` is a tag, not a name: no other name in Jordan's or Alex's interviews.
    for id in ["g1", "g2", "g3", "g4"] {
        assert!(
            finding(candidate(&rows, id), "int.other-name-in-call").is_none(),
            "{id}"
        );
    }
}

#[test]
fn a_mapping_file_reads_an_ats_export() {
    // Without the mapping the file is named and skipped, never silently.
    let out = run(&["scan", "tests/data/exports/mapping", "--format", "jsonl"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("greenhouse_candidates.csv"));
    let (rows, s) = scan(
        &["tests/data/exports/mapping"],
        &["--mapping", "tests/data/exports/mapping/greenhouse.toml"],
    );
    assert_eq!(
        counts(&s, "greenhouse_candidates.csv"),
        ("greenhouse-candidates".into(), 3, 3, 0, 0)
    );
    assert_eq!(rows.len(), 3);
    let c = candidate(&rows, "GH-1001");
    assert_eq!(c["name"], "Jordan Lee");
    // The mapped claim is a country code: explain shows it.
    let t = text(&run(&[
        "explain",
        "GH-1003",
        "tests/data/exports/mapping",
        "--mapping",
        "tests/data/exports/mapping/greenhouse.toml",
    ]));
    assert!(t.contains("claimed_country = GB"), "{t}");
    // A broken mapping file is an error naming every problem with its position.
    let out = run(&[
        "scan",
        "tests/data/exports/mapping",
        "--mapping",
        "tests/data/exports/bad-mapping.toml",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad-mapping.toml:6:12: \"fullname\" is not a canonical"),
        "{err}"
    );
    assert!(
        err.contains("bad-mapping.toml:7:9: email: unknown transform"),
        "{err}"
    );
}

#[test]
fn inspect_writes_a_mapping_that_reads_the_file() {
    let csv = "tests/data/exports/mapping/greenhouse_candidates.csv";
    let t = text(&run(&["inspect", csv]));
    assert!(t.contains("not recognised"), "{t}");
    let snippet: String = t
        .lines()
        .skip_while(|l| !l.contains("a mapping file to start from"))
        .skip(1)
        .map(|l| format!("{}\n", l.trim_start()))
        .collect();
    assert!(
        snippet.contains("full_name = [\"First Name\", \"Last Name\"]"),
        "{snippet}"
    );
    let dir = std::env::temp_dir().join(format!("hirescreen-exports-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let m = dir.join("suggested.toml");
    std::fs::write(&m, snippet).unwrap();
    let t = text(&run(&["inspect", csv, "--mapping", m.to_str().unwrap()]));
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(
        t.contains("applications (greenhouse_candidates format"),
        "{t}"
    );
    assert!(t.contains("rows 3  readable 3  rejected 0"), "{t}");
}

/// Issue #5 acceptance, in small: an Entra download and a Zoom report beside the canonical
/// files, read with rows used and none rejected, and their evidence in findings.
#[test]
fn issue_5_entra_and_zoom_evidence_reaches_findings() {
    let (rows, s) = scan(&["tests/data/exports/e2e"], &[]);
    let (format, n, used, _, rejected) = counts(&s, "InteractiveSignIns_2026-02-01_2026-02-05.csv");
    assert_eq!(
        (format.as_str(), n, used, rejected),
        ("entra-signins", 7, 7, 0)
    );
    let (format, n, used, unmatched, rejected) = counts(&s, "zoom_participants.csv");
    assert_eq!(
        (format.as_str(), n, used, unmatched, rejected),
        ("zoom-participants", 3, 2, 1, 0)
    );
    let e1 = candidate(&rows, "e1");
    // No --geoip: the Location column says the sign-ins came from CN, the claim says US.
    let loc = finding(e1, "loc.logins-outside-claim").expect("Entra login abroad");
    let ev = loc["evidence"].as_str().unwrap();
    // No database located them: the evidence says the country came from the export.
    assert!(ev.contains("China (CN) ×3 (from the export)"), "{loc}");
    assert!(ev.contains("from the export"), "{loc}");
    assert!(loc["sources"].as_array().unwrap().iter().any(|s| s["file"]
        .as_str()
        .unwrap()
        .ends_with("InteractiveSignIns_2026-02-01_2026-02-05.csv")
        && s["line"] == 2));
    let name = finding(e1, "int.other-name-in-call").expect("Zoom rename");
    assert!(
        name["evidence"].as_str().unwrap().contains("Kim Tae"),
        "{name}"
    );
    assert!(name["sources"].as_array().unwrap().iter().any(|s| s["file"]
        .as_str()
        .unwrap()
        .ends_with("zoom_participants.csv")
        && s["line"] == 6));
    // The honest candidate, same files, stays clear.
    assert_eq!(candidate(&rows, "e2")["verdict"], "clear");
}
