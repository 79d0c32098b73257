//! `jsonl` candidate lines written directly from the view: the same bytes as
//! `serde_json::to_writer` of a [`CandidateOut`] (a test compares the two on whole scans and on
//! hostile values), with the keys written as they stand and each string checked for characters
//! to escape in one pass over its bytes. Through serde, every key and string went through a
//! byte-by-byte escaping loop, most of the cost of writing a report. A string that does need
//! escaping is written by `serde_json` itself, so escapes are always its own.

use super::view::{CandidateOut, ClusterOut, FindingOut, LinkOut, WeakJoinsOut};
use crate::model::SourceOut;

/// Appends one candidate's JSON object (no line end).
pub fn candidate(c: &CandidateOut, out: &mut Vec<u8>) {
    out.extend_from_slice(br#"{"candidate_id":"#);
    string(c.candidate_id, out);
    out.extend_from_slice(br#","name":"#);
    string(&c.name, out);
    out.extend_from_slice(br#","claimed":"#);
    optional(c.claimed.as_ref(), out, |s, out| string(s, out));
    out.extend_from_slice(br#","score":"#);
    number(c.score as u64, out);
    out.extend_from_slice(br#","verdict":"#);
    string(c.verdict.as_str(), out);
    if !c.verdict_set_by.is_empty() {
        out.extend_from_slice(br#","verdict_set_by":"#);
        list(&c.verdict_set_by, out, |s, out| string(s, out));
    }
    if !c.capped_families.is_empty() {
        out.extend_from_slice(br#","capped_families":"#);
        list(&c.capped_families, out, |f, out| {
            out.extend_from_slice(br#"{"family":"#);
            string(f.family, out);
            out.extend_from_slice(br#","found":"#);
            number(f.found as u64, out);
            out.extend_from_slice(br#","counted":"#);
            number(f.counted as u64, out);
            out.push(b'}');
        });
    }
    out.extend_from_slice(br#","findings":"#);
    list(&c.findings, out, finding);
    out.extend_from_slice(br#","not_evaluated":"#);
    list(&c.not_evaluated, out, |n, out| {
        out.extend_from_slice(br#"{"rule":"#);
        string(n.rule, out);
        out.extend_from_slice(br#","reason":"#);
        string(n.reason, out);
        out.push(b'}');
    });
    out.extend_from_slice(br#","weak_joins":"#);
    weak_joins(&c.weak_joins, out);
    out.extend_from_slice(br#","cluster":"#);
    optional(c.cluster.as_ref(), out, cluster);
    out.push(b'}');
}

fn finding(f: &FindingOut, out: &mut Vec<u8>) {
    out.extend_from_slice(br#"{"rule":"#);
    string(f.rule, out);
    out.extend_from_slice(br#","title":"#);
    string(f.title, out);
    out.extend_from_slice(br#","family":"#);
    string(f.family, out);
    out.extend_from_slice(br#","severity":"#);
    string(f.severity, out);
    out.extend_from_slice(br#","score":"#);
    number(f.score as u64, out);
    out.extend_from_slice(br#","evidence":"#);
    string(&f.evidence, out);
    out.extend_from_slice(br#","verify":"#);
    string(f.verify, out);
    out.extend_from_slice(br#","references":"#);
    list(f.references, out, |s, out| string(s, out));
    out.extend_from_slice(br#","sources":"#);
    list(&f.sources, out, source);
    out.push(b'}');
}

fn weak_joins(w: &WeakJoinsOut, out: &mut Vec<u8>) {
    out.extend_from_slice(br#"{"count":"#);
    number(w.count as u64, out);
    out.extend_from_slice(br#","sources":"#);
    list(&w.sources, out, source);
    out.push(b'}');
}

fn cluster(c: &ClusterOut, out: &mut Vec<u8>) {
    out.extend_from_slice(br#"{"id":"#);
    string(&c.id, out);
    out.extend_from_slice(br#","size":"#);
    number(c.size as u64, out);
    out.extend_from_slice(br#","members":"#);
    list(&c.members, out, |s, out| string(s, out));
    out.extend_from_slice(br#","explained":"#);
    boolean(c.explained, out);
    out.extend_from_slice(br#","links":"#);
    list(&c.links, out, link);
    out.extend_from_slice(br#","links_total":"#);
    number(c.links_total as u64, out);
    out.push(b'}');
}

fn link(l: &LinkOut, out: &mut Vec<u8>) {
    out.extend_from_slice(br#"{"a":"#);
    string(&l.a, out);
    out.extend_from_slice(br#","b":"#);
    string(&l.b, out);
    out.extend_from_slice(br#","key":"#);
    string(l.key, out);
    out.extend_from_slice(br#","value_preview":"#);
    string(&l.value_preview, out);
    out.extend_from_slice(br#","explained":"#);
    optional(l.explained.as_ref(), out, |s, out| string(s, out));
    out.extend_from_slice(br#","weak":"#);
    boolean(l.weak, out);
    out.extend_from_slice(br#","sources":"#);
    list(&l.sources, out, source);
    out.push(b'}');
}

fn source(s: &SourceOut, out: &mut Vec<u8>) {
    out.extend_from_slice(br#"{"file":"#);
    string(&s.file, out);
    out.extend_from_slice(br#","line":"#);
    number(s.line as u64, out);
    out.extend_from_slice(br#","column":"#);
    number(s.column as u64, out);
    out.push(b'}');
}

/// `[a,b,…]`, each item written by `item`.
fn list<T>(items: &[T], out: &mut Vec<u8>, item: impl Fn(&T, &mut Vec<u8>)) {
    out.push(b'[');
    for (k, x) in items.iter().enumerate() {
        if k > 0 {
            out.push(b',');
        }
        item(x, out);
    }
    out.push(b']');
}

/// The value written by `item`, or `null`.
fn optional<T>(value: Option<&T>, out: &mut Vec<u8>, item: impl Fn(&T, &mut Vec<u8>)) {
    match value {
        Some(x) => item(x, out),
        None => out.extend_from_slice(b"null"),
    }
}

fn number(n: u64, out: &mut Vec<u8>) {
    out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
}

fn boolean(b: bool, out: &mut Vec<u8>) {
    out.extend_from_slice(if b { b"true" } else { b"false" });
}

/// A JSON string: as it stands between quotes when it holds no quote, backslash or control
/// character (the usual case, found without branching per byte), else as `serde_json`
/// escapes it.
fn string(s: &str, out: &mut Vec<u8>) {
    let plain = s
        .bytes()
        .fold(true, |ok, b| ok & (b >= 0x20) & (b != b'"') & (b != b'\\'));
    if plain {
        out.reserve(s.len() + 2);
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    } else {
        // Writing into a vector cannot fail.
        let _ = serde_json::to_writer(&mut *out, s);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Verdict;
    use crate::report::view::{CappedFamily, NotEvaluated};

    #[test]
    fn strings_are_written_as_serde_json_writes_them() {
        let mut texts: Vec<String> = (0u32..0x80)
            .map(|c| format!("a{}b", char::from_u32(c).unwrap()))
            .collect();
        texts.extend(
            [
                "",
                "plain text, long enough to run past several words of the fold",
                "\"quoted\"",
                "back\\slash",
                "tab\there",
                "line\nend",
                "\u{7f}del",
                "Zoë Ñúñez 中国 🙂",
                "\u{1b}[31mred",
                "</script>",
            ]
            .map(String::from),
        );
        for t in &texts {
            let mut ours = Vec::new();
            string(t, &mut ours);
            assert_eq!(ours, serde_json::to_vec(t).unwrap(), "{t:?}");
        }
    }

    /// Every part of a line, with values that need escaping, against serde's own output.
    #[test]
    fn a_line_is_the_views_serde_json() {
        let src = |f: &str| SourceOut {
            file: f.into(),
            line: 7,
            column: 3,
        };
        let references = ["S01".to_string(), "S\t2".to_string()];
        let mut c = CandidateOut {
            candidate_id: "c\"1",
            name: "Zoë \\ \u{1}".into(),
            claimed: None,
            score: 100,
            verdict: Verdict::Escalate,
            verdict_set_by: vec!["net.kp-address-space"],
            capped_families: vec![CappedFamily {
                family: "network",
                found: 85,
                counted: 45,
            }],
            findings: vec![FindingOut {
                rule: "r",
                title: "A \"title\"",
                family: "network",
                severity: "high",
                score: 60,
                evidence: "3 connection(s)\n".into(),
                verify: "Ask",
                references: &references,
                sources: vec![src("a.csv"), src("dir\\b.csv")],
            }],
            not_evaluated: vec![NotEvaluated {
                rule: "x",
                reason: "no City database (--geoip)",
            }],
            weak_joins: WeakJoinsOut {
                count: 2,
                sources: vec![src("i.csv")],
            },
            cluster: Some(ClusterOut {
                id: "cl-1".into(),
                size: 2,
                members: vec!["c\"1".into(), "c2".into()],
                explained: false,
                links: vec![
                    LinkOut {
                        a: "c1".into(),
                        b: "c2".into(),
                        key: "email",
                        value_preview: "a@b".into(),
                        explained: None,
                        weak: false,
                        sources: vec![src("a.csv")],
                    },
                    LinkOut {
                        a: "c1".into(),
                        b: "c3".into(),
                        key: "name",
                        value_preview: "".into(),
                        explained: Some("household: \"x\"".into()),
                        weak: true,
                        sources: Vec::new(),
                    },
                ],
                links_total: 9,
            }),
        };
        let check = |c: &CandidateOut| {
            let mut ours = Vec::new();
            candidate(c, &mut ours);
            let theirs = serde_json::to_vec(c).unwrap();
            assert_eq!(
                String::from_utf8_lossy(&ours),
                String::from_utf8_lossy(&theirs)
            );
        };
        check(&c);
        // The keys left out when empty, a claim, no cluster, nothing listed.
        c.verdict_set_by.clear();
        c.capped_families.clear();
        c.claimed = Some("Houston, TX, US");
        c.cluster = None;
        c.findings.clear();
        c.not_evaluated.clear();
        c.weak_joins.sources.clear();
        c.verdict = Verdict::Clear;
        check(&c);
    }
}
