//! `hirescreen scan`.

use super::{Exit, FailOn, ScanArgs};
use crate::model::Verdict;
use crate::report::{self, Format};
use anyhow::Context as _;
use std::io::{IsTerminal, Write};

fn format_for(a: &ScanArgs) -> Format {
    if let Some(f) = a.format {
        return f;
    }
    if let Some(p) = &a.output {
        return match p.extension().and_then(|e| e.to_str()).unwrap_or("") {
            "json" => Format::Json,
            "csv" => Format::Csv,
            "md" => Format::Markdown,
            "html" | "htm" => Format::Html,
            "txt" => Format::Table,
            _ => Format::Jsonl,
        };
    }
    if std::io::stdout().is_terminal() {
        Format::Table
    } else {
        Format::Jsonl
    }
}

pub fn run(a: &ScanArgs) -> anyhow::Result<Exit> {
    let (pack, scan) = super::screen(a, None)?;
    for w in &scan.warnings {
        crate::errln!("hirescreen: warning: {w}");
    }
    let format = format_for(a);
    let written = crate::engine::Stopwatch::start();
    match &a.output {
        Some(p) => {
            let f = std::fs::File::create(p)
                .with_context(|| format!("cannot write {}", p.display()))?;
            let mut w = std::io::BufWriter::new(f);
            report::write(&scan, &pack, format, a.redact, &mut w)?;
            w.flush()?;
        }
        None => {
            let stdout = std::io::stdout();
            let mut w = std::io::BufWriter::new(stdout.lock());
            report::write(&scan, &pack, format, a.redact, &mut w)?;
            w.flush()?;
        }
    }
    if crate::engine::timings() {
        crate::errln!("hirescreen: timing report {}", written.show());
    }
    let worst = scan
        .outcomes
        .iter()
        .map(|s| s.verdict)
        .max()
        .unwrap_or(Verdict::Clear);
    let hit = match a.fail_on {
        FailOn::Never => false,
        FailOn::Review => worst >= Verdict::Review,
        FailOn::Escalate => worst >= Verdict::Escalate,
    };
    // Freeing millions of small allocations one by one only delays the exit that follows.
    std::mem::forget(scan);
    Ok(if hit { 1 } else { 0 })
}
