//! `csv`: one row per finding, for spreadsheets; the last column, `verdict_set_by`, names the
//! rules that set a verdict above what the score gives (empty otherwise). Cells that begin
//! with `= + - @` (or a tab or carriage return) are prefixed with `'` so a spreadsheet never
//! runs them as formulas.

use super::view::Report;
use std::io::{self, Write};

/// Neutralises a cell a spreadsheet would read as a formula.
pub fn neutralise(s: &str) -> String {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}"),
        _ => s.to_string(),
    }
}

pub fn write(r: &Report, out: &mut dyn Write) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "candidate_id",
        "name",
        "verdict",
        "score",
        "rule",
        "family",
        "severity",
        "rule_score",
        "evidence",
        "verify",
        "sources",
        "verdict_set_by",
    ])?;
    for c in &r.candidates {
        for f in &c.findings {
            let sources: Vec<String> = f
                .sources
                .iter()
                .map(|s| format!("{}:{}:{}", s.file, s.line, s.column))
                .collect();
            let (score, finding_score) = (c.score.to_string(), f.score.to_string());
            let (sources, set_by) = (sources.join(" "), c.verdict_set_by.join(" "));
            let row: [&str; 12] = [
                c.candidate_id,
                &c.name,
                c.verdict.as_str(),
                &score,
                f.rule,
                f.family,
                f.severity,
                &finding_score,
                &f.evidence,
                f.verify,
                &sources,
                &set_by,
            ];
            w.write_record(row.iter().map(|s| neutralise(s)))?;
        }
    }
    w.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised() {
        assert_eq!(neutralise("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(neutralise("+1"), "'+1");
        assert_eq!(neutralise("@SUM"), "'@SUM");
        assert_eq!(neutralise("plain"), "plain");
    }
}
