//! `hirescreen inspect FILE...`: what each file was recognised as, its column mapping and row
//! counts; for a file no format recognises, the headers found and a suggested mapping.

use super::Exit;
use crate::engine::default_formats;
use crate::ingest::format::Kind;
use crate::ingest::values::norm_header;
use crate::ingest::{self, Fate, Opened};
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

pub fn run(files: &[std::path::PathBuf], tz: &chrono_tz::Tz) -> anyhow::Result<Exit> {
    let formats = default_formats();
    for (i, path) in files.iter().enumerate() {
        let name = path.display().to_string();
        match ingest::open(i as u32, path, &name, &formats, *tz)? {
            Opened::Unrecognised {
                headers,
                syntax,
                encoding,
                ..
            } => {
                println!("{name}: not recognised ({encoding}, {syntax})");
                println!("  header: {}", clean(&headers.join(" | ")));
                println!("  suggested mapping (check it, then save as a mapping file):");
                for h in &headers {
                    match suggest(h) {
                        Some((kind, field, _)) => {
                            println!("    {:<30} -> {kind}.{field}", clean(h))
                        }
                        None => println!("    {:<30} -> (no canonical field)", clean(h)),
                    }
                }
            }
            Opened::Input(mut input) => {
                let kind = input.kind();
                let det = input.detected.clone();
                input.for_each(|_, _, _| Fate::Used);
                let r = &input.report;
                println!(
                    "{name}: {kind} ({} format; {}, {}; header on line {})",
                    det.format.name, r.encoding, r.syntax, r.header_line
                );
                for (f, col) in kind.fields().iter().zip(&det.columns) {
                    match col {
                        Some(c) => println!(
                            "    {:<30} <- column {} {:?}",
                            f,
                            c + 1,
                            det.headers.get(*c).cloned().unwrap_or_default()
                        ),
                        None => println!("    {:<30}    (absent)", f),
                    }
                }
                println!(
                    "  rows {}  readable {}  rejected {}",
                    r.rows, r.used, r.rejected
                );
                for rj in &r.rejections {
                    println!("    line {}: {}", rj.line, clean(&rj.reason));
                }
                for w in &r.warnings {
                    println!("    warning: {}", clean(w));
                }
            }
        }
    }
    Ok(0)
}
