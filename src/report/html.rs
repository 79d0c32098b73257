//! `html` (one self-contained page for HR reviewers: no external assets, every value escaped
//! by construction through [`esc`]) and `markdown`.

use super::view::Report;
use std::io::{self, Write};

/// HTML-escapes text; the only way values reach the page.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c if c.is_control() && c != '\n' => o.push(' '),
            c => o.push(c),
        }
    }
    o
}

fn md(s: &str) -> String {
    super::clean(s).replace('|', "\\|").replace(['<', '>'], "")
}

pub fn html(r: &Report, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>hirescreen report</title>")?;
    writeln!(out, "<style>body{{font-family:system-ui,sans-serif;margin:2em;max-width:70em}}.escalate{{color:#a00}}.review{{color:#a60}}.clear{{color:#070}}td,th{{padding:.2em .6em;text-align:left;vertical-align:top}}small{{color:#555}}</style></head><body>")?;
    let s = &r.summary;
    writeln!(
        out,
        "<h1>hirescreen pre-screen</h1><p>{} candidates: {} clear, {} review, {} escalate. Verdicts are for human review, never a rejection.</p>",
        s.candidates, s.verdicts.clear, s.verdicts.review, s.verdicts.escalate
    )?;
    let mut order: Vec<_> = r.candidates.iter().collect();
    order.sort_by(|a, b| b.verdict.cmp(&a.verdict).then(b.score.cmp(&a.score)));
    for c in order {
        let v = c.verdict.as_str();
        writeln!(
            out,
            "<h2 class=\"{v}\">{} {} — {} ({})</h2>",
            esc(c.candidate_id),
            esc(&c.name),
            v,
            c.score
        )?;
        if let Some(note) = c.verdict_note() {
            writeln!(out, "<p><small>{}</small></p>", esc(&note))?;
        }
        for cf in &c.capped_families {
            writeln!(out, "<p><small>{}</small></p>", esc(&cf.describe()))?;
        }
        if c.weak_joins.count > 0 {
            let at: Vec<String> = c
                .weak_joins
                .sources
                .iter()
                .map(|s| format!("{}:{}", s.file, s.line))
                .collect();
            writeln!(
                out,
                "<p><small>Note: {} interview row(s) joined only by a display name or meeting topic (a weak join; confirm who attended): {}</small></p>",
                c.weak_joins.count,
                esc(&at.join(", "))
            )?;
        }
        if let Some(cl) = &c.cluster {
            writeln!(out, "<p><small>{}</small></p>", esc(&cl.describe()))?;
        }
        if c.findings.is_empty() {
            writeln!(out, "<p>No findings. Not evidence of identity: only that nothing inconsistent was seen.</p>")?;
            continue;
        }
        writeln!(
            out,
            "<table><tr><th>score</th><th>finding</th><th>evidence</th><th>verify next</th></tr>"
        )?;
        for f in &c.findings {
            let src: Vec<String> = f
                .sources
                .iter()
                .map(|s| format!("{}:{}:{}", s.file, s.line, s.column))
                .collect();
            writeln!(
                out,
                "<tr><td>+{}</td><td>{}<br><small>{}</small></td><td>{}<br><small>{}</small></td><td>{}</td></tr>",
                f.score,
                esc(f.title),
                esc(f.rule),
                esc(&f.evidence),
                esc(&src.join(", ")),
                esc(f.verify)
            )?;
        }
        writeln!(out, "</table>")?;
    }
    writeln!(out, "<h2>Inputs</h2><table><tr><th>file</th><th>kind</th><th>rows</th><th>used</th><th>unmatched</th><th>rejected</th></tr>")?;
    for f in &s.files {
        writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&f.file),
            esc(&f.kind),
            f.rows,
            f.used,
            f.unmatched,
            f.rejected
        )?;
    }
    writeln!(
        out,
        "</table><p><small>rules {} · schema {}</small></p></body></html>",
        esc(&s.rules_hash),
        s.schema_version
    )
}

pub fn markdown(r: &Report, out: &mut dyn Write) -> io::Result<()> {
    let s = &r.summary;
    writeln!(out, "# hirescreen pre-screen\n")?;
    writeln!(
        out,
        "{} candidates: {} clear, {} review, {} escalate.\n",
        s.candidates, s.verdicts.clear, s.verdicts.review, s.verdicts.escalate
    )?;
    writeln!(
        out,
        "| candidate | verdict | score | findings |\n|---|---|---|---|"
    )?;
    for c in &r.candidates {
        let f: Vec<String> = c
            .findings
            .iter()
            .map(|f| format!("{} (+{}): {}", f.rule, f.score, md(&f.evidence)))
            .collect();
        writeln!(
            out,
            "| {} {} | {} | {} | {} |",
            md(c.candidate_id),
            md(&c.name),
            // "escalate whatever the score, set by <rule>: <title>", as in the table and HTML.
            match c.verdict_note() {
                None => c.verdict.to_string(),
                Some(note) => md(&note),
            },
            match c.capped_families.is_empty() {
                true => c.score.to_string(),
                false => {
                    let notes: Vec<String> =
                        c.capped_families.iter().map(|cf| cf.describe()).collect();
                    format!("{} ({})", c.score, md(&notes.join("; ")))
                }
            },
            f.join("<br>")
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_escapes_script() {
        assert_eq!(
            esc("<script>alert('x')</script>"),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"
        );
    }
}
