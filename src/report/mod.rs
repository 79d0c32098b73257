//! Output. Every format renders from one typed view model ([`view`]), so what a reporter
//! shows is what the engine decided, never a re-derivation; reporters never see rule
//! internals. Order is deterministic: candidates in input order (the table sorts by verdict
//! and score), findings by score then rule id.

mod csv_out;
mod html;
mod jsonl;
pub mod view;

use crate::engine::Scan;
use crate::rules::Pack;
use std::io::{self, Write};
use view::Report;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Jsonl,
    Json,
    Csv,
    Markdown,
    Html,
}

/// Writes a scan in a format.
pub fn write(
    scan: &Scan,
    pack: &Pack,
    format: Format,
    redact: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    if format == Format::Jsonl {
        // Streamed, a few thousand candidates at a time: each chunk's lines are rendered on
        // all cores, then written in order. Never the whole report in memory.
        use rayon::prelude::*;
        let n = scan.candidates.len();
        for start in (0..n).step_by(4096) {
            let lines: Vec<Vec<u8>> = (start..n.min(start + 4096))
                .into_par_iter()
                .map(|i| {
                    // Most lines are under 1 KB: sized once rather than doubled from 128 bytes.
                    let mut line = Vec::with_capacity(1024);
                    jsonl::candidate(&view::candidate(scan, pack, i, redact), &mut line);
                    line.push(b'\n');
                    line
                })
                .collect();
            for line in lines {
                out.write_all(&line)?;
            }
        }
        let summary = view::summary(scan, pack, redact);
        serde_json::to_writer(&mut *out, &serde_json::json!({ "summary": summary }))?;
        return out.write_all(b"\n");
    }
    let report = Report::build(scan, pack, redact);
    match format {
        Format::Json | Format::Jsonl => {
            serde_json::to_writer_pretty(&mut *out, &report)?;
            out.write_all(b"\n")
        }
        Format::Table => table(&report, out),
        Format::Csv => csv_out::write(&report, out),
        Format::Markdown => html::markdown(&report, out),
        Format::Html => html::html(&report, out),
    }
}

/// Removes control characters so a hostile value cannot drive the terminal.
pub fn clean(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

fn table(r: &Report, out: &mut dyn Write) -> io::Result<()> {
    let mut order: Vec<&view::CandidateOut> = r.candidates.iter().collect();
    order.sort_by(|a, b| {
        b.verdict
            .cmp(&a.verdict)
            .then(b.score.cmp(&a.score))
            .then(a.candidate_id.cmp(b.candidate_id))
    });
    for c in order {
        writeln!(
            out,
            "{:<9} {:>3}  {}  {}{}",
            c.verdict.as_str().to_uppercase(),
            c.score,
            clean(c.candidate_id),
            clean(&c.name),
            c.claimed
                .map(|p| format!("  (claims {})", clean(p)))
                .unwrap_or_default()
        )?;
        let w = &c.weak_joins;
        if w.count > 0 {
            let at: Vec<String> = w
                .sources
                .iter()
                .take(4)
                .map(|s| format!("{}:{}", clean(&s.file), s.line))
                .collect();
            let more = w.count.saturating_sub(at.len());
            writeln!(
                out,
                "   note: {} interview row(s) joined only by a display name or meeting topic \
                 (a weak join; confirm who attended): {}{}",
                w.count,
                at.join(", "),
                if more > 0 {
                    format!(" (+{more} more)")
                } else {
                    String::new()
                }
            )?;
        }
        if let Some(cl) = &c.cluster {
            writeln!(out, "   {}", clean(&cl.describe()))?;
        }
        // A verdict above what the score gives was set by a rule that decides it on its own
        // (a North Korean address, say): say so, or "ESCALATE 45" reads as a mistake.
        if let Some(note) = c.verdict_note() {
            writeln!(out, "   note: {}", clean(&note))?;
        }
        // "+60" under a score of 45 would read as a mistake too.
        for cf in &c.capped_families {
            writeln!(out, "   note: {}", cf.describe())?;
        }
        for f in &c.findings {
            writeln!(out, "   +{:<3} {}: {}", f.score, f.rule, clean(f.title))?;
            writeln!(out, "        {}", clean(&f.evidence))?;
            let srcs: Vec<String> = f
                .sources
                .iter()
                .take(4)
                .map(|s| format!("{}:{}:{}", s.file, s.line, s.column))
                .collect();
            let more = f.sources.len().saturating_sub(4);
            writeln!(
                out,
                "        at {}{}",
                srcs.join(", "),
                if more > 0 {
                    format!(" (+{more} more)")
                } else {
                    String::new()
                }
            )?;
            writeln!(out, "        verify: {}", clean(f.verify))?;
        }
    }
    let s = &r.summary;
    writeln!(out)?;
    writeln!(
        out,
        "{} candidates: {} clear, {} review, {} escalate   (rules {}, schema {})",
        s.candidates,
        s.verdicts.clear,
        s.verdicts.review,
        s.verdicts.escalate,
        s.rules_hash,
        s.schema_version
    )?;
    for f in &s.files {
        writeln!(
            out,
            "  {:<40} {:<12} {:<10} rows {:>7}  used {:>7}  unmatched {:>5}  rejected {:>5}{}",
            clean(&f.file),
            f.kind,
            f.format,
            f.rows,
            f.used,
            f.unmatched,
            f.rejected,
            if f.merged > 0 {
                format!(
                    "  (merged {}: more rows of a sign-in already counted)",
                    f.merged
                )
            } else {
                String::new()
            }
        )?;
        for rj in f.rejections.iter().take(5) {
            writeln!(
                out,
                "      rejected line {}: {}",
                rj.line,
                clean(&rj.reason)
            )?;
        }
        for u in f.unmatched_keys.iter().take(3) {
            writeln!(
                out,
                "      unmatched {} ({} rows, first line {})",
                clean(&u.key),
                u.rows,
                u.first_line
            )?;
        }
    }
    for sk in &s.skipped {
        writeln!(out, "  skipped {}: {}", clean(&sk.file), clean(&sk.reason))?;
    }
    if s.databases.is_empty() {
        writeln!(
            out,
            "  no --geoip databases: location and network rules that need one were not evaluated"
        )?;
    }
    for d in &s.databases {
        writeln!(
            out,
            "  database {} ({}, built {})",
            d.file, d.database_type, d.build_date
        )?;
    }
    for w in &s.warnings {
        writeln!(out, "  warning: {}", clean(w))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Args {
        #[command(flatten)]
        scan: crate::cli::ScanArgs,
    }

    /// The `jsonl` writer gives serde's bytes for every candidate of whole scans: the demo,
    /// the linking fixtures and hostile values, plain and redacted; between them they have
    /// every optional part of a line.
    #[test]
    fn jsonl_lines_are_the_views_serde_json_on_whole_scans() {
        let root = env!("CARGO_MANIFEST_DIR");
        let (mut lines, mut set_by, mut capped, mut clusters, mut weak) = (0, 0, 0, 0, 0);
        let scans: [&[&str]; 5] = [
            &["samples"],
            &["tests/data/link"],
            &["tests/data/hostile"],
            &["tests/data/basic"],
            // Zoom guests joined by name.
            &[
                "tests/data/exports/people",
                "tests/data/exports/zoom-dashboard",
            ],
        ];
        for dirs in scans {
            let paths = dirs.iter().map(|d| format!("{root}/{d}"));
            let args = Args::try_parse_from(["scan".to_string()].into_iter().chain(paths)).unwrap();
            let dir = dirs.join(" ");
            let (pack, scan) = crate::cli::screen(&args.scan, None).unwrap();
            for redact in [false, true] {
                for i in 0..scan.candidates.len() {
                    let c = view::candidate(&scan, &pack, i, redact);
                    let mut ours = Vec::new();
                    jsonl::candidate(&c, &mut ours);
                    let theirs = serde_json::to_string(&c).unwrap();
                    assert_eq!(String::from_utf8_lossy(&ours), theirs, "{dir} {i}");
                    lines += 1;
                    set_by += usize::from(!c.verdict_set_by.is_empty());
                    capped += usize::from(!c.capped_families.is_empty());
                    clusters += usize::from(c.cluster.is_some());
                    weak += usize::from(c.weak_joins.count > 0);
                }
            }
        }
        assert!(lines > 40, "{lines}");
        assert!(
            set_by > 0 && capped > 0 && clusters > 0,
            "{set_by} {capped} {clusters}"
        );
        assert!(weak > 0, "no weak joins");
    }
}
