//! `hirescreen inspect FILE...`: what each file was recognised as, its column mapping and row
//! counts; for a file no format recognises, the headers found and a suggested mapping.

use super::Exit;
use crate::ingest::countries::Countries;
use crate::ingest::format::{FormatDef, Kind};
use crate::ingest::records;
use crate::ingest::values::norm_header;
use crate::ingest::values::{parse_ip, TsParser};
use crate::ingest::Row;
use crate::ingest::{self, Fate, Opened};
use crate::model::login;
use crate::report::clean;

/// The canonical field a header most resembles, if any does.
fn suggest(header: &str) -> Option<(Kind, &'static str, f64)> {
    let h = norm_header(header);
    // Words that name a field whatever else the header says ("Applicant Email").
    const WORDS: &[(&str, &str)] = &[
        ("email", "email"),
        ("mail", "email"),
        ("phone", "phone"),
        ("mobile", "phone"),
        ("name", "full_name"),
        ("country", "claimed_country"),
        ("city", "claimed_city"),
        ("state", "claimed_region"),
        ("region", "claimed_region"),
        ("timezone", "claimed_timezone"),
        ("ip", "ip"),
        ("address", "home_address"),
        ("linkedin", "linkedin_url"),
        ("github", "github_url"),
        ("source", "source"),
        ("agency", "agency"),
        ("id", "candidate_id"),
        ("job", "position"),
        ("position", "position"),
        ("applied", "applied_at"),
        ("resume", "resume_text"),
    ];
    let words: Vec<&str> = h.split('_').collect();
    for (w, field) in WORDS {
        if words.contains(w) {
            return Some((Kind::Applications, field, 1.0));
        }
    }
    let mut best: Option<(Kind, &'static str, f64)> = None;
    for kind in [Kind::Applications, Kind::Interviews, Kind::Logins] {
        for f in kind.fields() {
            let s = strsim::jaro_winkler(&h, f);
            if s >= 0.85 && best.is_none_or(|b| s > b.2) {
                best = Some((kind, f, s));
            }
        }
    }
    best
}

/// The checks a scan makes on a sign-in row before joining it.
fn login_readable(row: &Row<'_>, ts: &TsParser) -> Result<(), String> {
    match row.get(login::TIMESTAMP).map(|s| ts.parse(s)) {
        Some(Ok(Some(_))) => {}
        Some(Err(e)) => return Err(format!("timestamp: {e}")),
        _ => return Err("missing required value timestamp".into()),
    }
    match row.get(login::IP) {
        Some(s) if parse_ip(s).is_none() => Err(format!("ip: {s:?} is not an IP address")),
        Some(_) => Ok(()),
        None => Err("missing required value ip".into()),
    }
}

/// A TOML string literal.
fn quoted(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// A ready-to-edit mapping file (see `ingest::formats::mapping`) for an unrecognised header.
fn mapping_snippet(name: &str, headers: &[String]) -> String {
    let suggestions: Vec<(&String, Option<(Kind, &'static str)>)> = headers
        .iter()
        .filter(|h| !h.trim().is_empty())
        .map(|h| (h, suggest(h).map(|(k, f, _)| (k, f))))
        .collect();
    // The kind most suggestions point to; field names shared by kinds count for each.
    let kinds = [Kind::Applications, Kind::Interviews, Kind::Logins];
    let kind = kinds
        .into_iter()
        .max_by_key(|k| {
            let n = suggestions
                .iter()
                .filter(|(_, s)| s.is_some_and(|(sk, f)| sk == *k || k.fields().contains(&f)))
                .count();
            (n, *k == Kind::Applications)
        })
        .unwrap_or(Kind::Applications);
    let mut columns: Vec<(&'static str, Vec<&String>)> = Vec::new();
    let mut unmapped = Vec::new();
    for (h, s) in &suggestions {
        match s.filter(|(_, f)| kind.fields().contains(f)) {
            Some((_, f)) => match columns.iter_mut().find(|(x, _)| *x == f) {
                Some((_, hs)) => hs.push(h),
                None => columns.push((f, vec![h])),
            },
            None => unmapped.push(*h),
        }
    }
    let mut out = String::new();
    out.push_str("[[format]]\n");
    out.push_str(&format!("name = {}\n", quoted(name)));
    out.push_str(&format!("kind = {}\n", quoted(kind.as_str())));
    let required: &[&str] = match kind {
        Kind::Applications => &["candidate_id", "full_name", "email"],
        Kind::Interviews => &["candidate_id", "started_at"],
        _ => &["timestamp", "ip"],
    };
    let fingerprint: Vec<String> = columns
        .iter()
        .filter(|(f, _)| required.contains(f))
        .flat_map(|(_, hs)| hs.iter().map(|h| quoted(h)))
        .collect();
    out.push_str(&format!("fingerprint = [{}]\n", fingerprint.join(", ")));
    out.push_str("[format.columns]\n");
    for (f, hs) in &columns {
        let is_first = |h: &str| {
            let w = norm_header(h);
            w.contains("first") || w.contains("given")
        };
        let value = if *f == "full_name" && hs.len() > 1 && hs.iter().any(|h| is_first(h)) {
            // First name, then the rest (last name), joined with a space.
            let mut ordered: Vec<&&String> = hs.iter().filter(|h| is_first(h)).collect();
            ordered.extend(hs.iter().filter(|h| !is_first(h)));
            let list: Vec<String> = ordered.iter().map(|h| quoted(h)).collect();
            format!("[{}]", list.join(", "))
        } else if f.ends_with("country") {
            format!("{{ column = {}, transform = \"country\" }}", quoted(hs[0]))
        } else {
            quoted(hs[0])
        };
        let note = if f.ends_with("_at") || *f == "timestamp" {
            "   # if not ISO 8601: { column = …, transform = \"date:%d/%m/%Y\" }"
        } else {
            ""
        };
        out.push_str(&format!("{f} = {value}{note}\n"));
        for extra in hs.iter().skip(1).filter(|_| *f != "full_name") {
            out.push_str(&format!("# {} also looks like {f}\n", quoted(extra)));
        }
    }
    for f in required
        .iter()
        .filter(|f| !columns.iter().any(|(c, _)| c == *f))
    {
        out.push_str(&format!(
            "# {f} = \"…\"   # required: no header looked like it\n"
        ));
    }
    for h in unmapped {
        out.push_str(&format!("# {} has no canonical field\n", quoted(h)));
    }
    out
}

pub fn run(
    files: &[std::path::PathBuf],
    tz: &chrono_tz::Tz,
    formats: &[FormatDef],
) -> anyhow::Result<Exit> {
    let countries = Countries::shared();
    for (i, path) in files.iter().enumerate() {
        let name = path.display().to_string();
        match ingest::open(i as u32, path, &name, formats, *tz)? {
            Opened::Unrecognised {
                known: Some(what),
                encoding,
                syntax,
                ..
            } => {
                outln!("{name}: {what} ({encoding}, {syntax})");
            }
            Opened::Unrecognised {
                headers,
                syntax,
                encoding,
                ..
            } => {
                outln!("{name}: not recognised ({encoding}, {syntax})");
                outln!("  header: {}", clean(&headers.join(" | ")));
                outln!("  suggested mapping (check it, then save as a mapping file):");
                for h in &headers {
                    match suggest(h) {
                        Some((kind, field, _)) => {
                            outln!("    {:<30} -> {kind}.{field}", clean(h))
                        }
                        None => outln!("    {:<30} -> (no canonical field)", clean(h)),
                    }
                }
                let stem = path
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_else(|| "export".into());
                outln!(
                    "  a mapping file to start from (edit, save as {}.toml, pass with --mapping):",
                    clean(&stem)
                );
                for line in mapping_snippet(&stem, &headers).lines() {
                    outln!("    {}", clean(line));
                }
            }
            Opened::Input(mut input) => {
                let kind = input.kind();
                let det = input.detected.clone();
                let cols = input.numbers.clone();
                // Each row read as the scan reads it, short of joining it to a candidate.
                input.for_each(|row, ts, report| {
                    let ok = match kind {
                        Kind::Applications => {
                            records::application(row, &cols, ts, countries, report).map(|_| ())
                        }
                        Kind::Interviews => {
                            records::interview(row, &cols, ts, true, report).map(|_| ())
                        }
                        Kind::Logins => login_readable(row, ts),
                        Kind::Identities | Kind::Watchlist => Ok(()),
                    };
                    match ok {
                        Ok(()) => Fate::Used,
                        Err(e) => Fate::Rejected(e),
                    }
                });
                let r = &input.report;
                let header_at = if r.header_line == 0 {
                    "fields of the JSON records".to_string()
                } else {
                    format!("header on line {}", r.header_line)
                };
                outln!(
                    "{name}: {kind} ({} format; {}, {}; {header_at})",
                    det.format.name,
                    r.encoding,
                    r.syntax
                );
                for (f, col) in kind.fields().iter().zip(&det.columns) {
                    match col {
                        Some(c) => outln!(
                            "    {:<30} <- column {} {:?}",
                            f,
                            c + 1,
                            det.headers.get(*c).cloned().unwrap_or_default()
                        ),
                        None => outln!("    {:<30}    (absent)", f),
                    }
                }
                outln!(
                    "  rows {}  readable {}  rejected {}",
                    r.rows,
                    r.used,
                    r.rejected
                );
                if r.unmatched > 0 {
                    outln!("  not candidates' records: {}", r.unmatched);
                    for u in &r.unmatched_keys {
                        outln!(
                            "    {} ({} rows, first line {})",
                            clean(&u.key),
                            u.rows,
                            u.first_line
                        );
                    }
                }
                for rj in &r.rejections {
                    outln!("    line {}: {}", rj.line, clean(&rj.reason));
                }
                for w in &r.warnings {
                    outln!("    warning: {}", clean(w));
                }
            }
        }
    }
    Ok(0)
}
