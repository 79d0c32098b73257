//! `jsonl` candidate lines written directly from the view: the same bytes as
//! `serde_json::to_writer` of a [`CandidateOut`] (a test compares the two on whole scans and on
//! hostile values), with the keys written as they stand and each string checked for characters
//! to escape in one pass over its bytes. Through serde, every key and string went through a
//! byte-by-byte escaping loop, most of the cost of writing a report. A string that does need
//! escaping is written by `serde_json` itself, so escapes are always its own.

use super::view::{CandidateOut, ClusterOut, FindingOut, LinkOut, WeakJoinsOut};
use crate::model::SourceOut;

/// A JSON object written key by key: `{`, then for each key a comma (after the first), the
/// key in quotes and a colon, then the value the caller writes into the returned buffer,
/// then `}`. Keys are the view's own field names, which need no escaping.
struct Object<'o> {
    out: &'o mut Vec<u8>,
    empty: bool,
}

impl<'o> Object<'o> {
    fn new(out: &'o mut Vec<u8>) -> Object<'o> {
        out.push(b'{');
        Object { out, empty: true }
    }

    /// Writes the key; the value goes into the buffer returned.
    fn key(&mut self, key: &str) -> &mut Vec<u8> {
        debug_assert!(key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'));
        if !self.empty {
            self.out.push(b',');
        }
        self.empty = false;
        self.out.push(b'"');
        self.out.extend_from_slice(key.as_bytes());
        self.out.extend_from_slice(b"\":");
        self.out
    }

    fn end(self) {
        self.out.push(b'}');
    }
}

/// Appends one candidate's JSON object (no line end).
pub fn candidate(c: &CandidateOut, out: &mut Vec<u8>) {
    let mut o = Object::new(out);
    string(c.candidate_id, o.key("candidate_id"));
    string(&c.name, o.key("name"));
    optional(c.claimed.as_ref(), o.key("claimed"), |s, out| {
        string(s, out)
    });
    number(c.score as u64, o.key("score"));
    string(c.verdict.as_str(), o.key("verdict"));
    if !c.verdict_set_by.is_empty() {
        list(&c.verdict_set_by, o.key("verdict_set_by"), |s, out| {
            string(s, out)
        });
    }
    if !c.capped_families.is_empty() {
        list(&c.capped_families, o.key("capped_families"), |f, out| {
            let mut o = Object::new(out);
            string(f.family, o.key("family"));
            number(f.found as u64, o.key("found"));
            number(f.counted as u64, o.key("counted"));
            o.end();
        });
    }
    list(&c.findings, o.key("findings"), finding);
    list(&c.not_evaluated, o.key("not_evaluated"), |n, out| {
        let mut o = Object::new(out);
        string(n.rule, o.key("rule"));
        string(n.reason, o.key("reason"));
        o.end();
    });
    weak_joins(&c.weak_joins, o.key("weak_joins"));
    optional(c.cluster.as_ref(), o.key("cluster"), cluster);
    o.end();
}

fn finding(f: &FindingOut, out: &mut Vec<u8>) {
    let mut o = Object::new(out);
    string(f.rule, o.key("rule"));
    string(f.title, o.key("title"));
    string(f.family, o.key("family"));
    string(f.severity, o.key("severity"));
    number(f.score as u64, o.key("score"));
    string(&f.evidence, o.key("evidence"));
    string(f.verify, o.key("verify"));
    list(f.references, o.key("references"), |s, out| string(s, out));
    list(&f.sources, o.key("sources"), source);
    o.end();
}

fn weak_joins(w: &WeakJoinsOut, out: &mut Vec<u8>) {
    let mut o = Object::new(out);
    number(w.count as u64, o.key("count"));
    list(&w.sources, o.key("sources"), source);
    o.end();
}

fn cluster(c: &ClusterOut, out: &mut Vec<u8>) {
    let mut o = Object::new(out);
    string(&c.id, o.key("id"));
    number(c.size as u64, o.key("size"));
    list(&c.members, o.key("members"), |s, out| string(s, out));
    boolean(c.explained, o.key("explained"));
    list(&c.links, o.key("links"), link);
    number(c.links_total as u64, o.key("links_total"));
    o.end();
}

fn link(l: &LinkOut, out: &mut Vec<u8>) {
    let mut o = Object::new(out);
    string(&l.a, o.key("a"));
    string(&l.b, o.key("b"));
    string(l.key, o.key("key"));
    string(&l.value_preview, o.key("value_preview"));
    optional(l.explained.as_ref(), o.key("explained"), |s, out| {
        string(s, out)
    });
    boolean(l.weak, o.key("weak"));
    list(&l.sources, o.key("sources"), source);
    o.end();
}

fn source(s: &SourceOut, out: &mut Vec<u8>) {
    let mut o = Object::new(out);
    string(&s.file, o.key("file"));
    number(s.line as u64, o.key("line"));
    number(s.column as u64, o.key("column"));
    o.end();
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
                "c1 \u{80}\u{9f} controls, separators \u{2028}\u{2029}, \u{feff}bom",
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
