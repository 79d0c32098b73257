//! JSON inputs as rows: a top-level array of objects (read whole; exports of this shape are
//! API pages) or NDJSON (streamed line by line). Nested objects flatten to dotted paths, arrays
//! of scalars join with `|`, and each object's line is the line its opening brace is on.

use super::csvparse::Record;
use super::reader::{RawRow, RowError};
use serde_json::Value;
use std::collections::HashMap;
use std::io::BufRead;

/// How many leading objects decide the header (keys first seen later are ignored).
const HEADER_SAMPLE: usize = 200;

enum Source {
    /// Byte offsets and lines of each top-level element, and the whole text.
    Array {
        text: Vec<u8>,
        spans: Vec<(usize, usize, u32)>,
        next: usize,
        error: Option<RowError>,
    },
    Lines {
        reader: Box<dyn BufRead + Send>,
        line: u32,
    },
}

pub struct JsonRows {
    source: Source,
    headers: Vec<String>,
    index: HashMap<String, usize>,
    pending: Vec<Result<(u32, Value), RowError>>,
    started: bool,
}

/// Flattens one object to (dotted path, text) pairs.
pub fn flatten(value: &Value, prefix: &str, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(v, &key, out);
            }
        }
        Value::Array(items) => {
            if items.iter().all(|v| !v.is_object() && !v.is_array()) {
                let joined: Vec<String> = items.iter().map(scalar_text).collect();
                out.push((prefix.to_string(), joined.join("|")));
            } else {
                for (i, v) in items.iter().enumerate() {
                    flatten(v, &format!("{prefix}.{i}"), out);
                }
            }
        }
        v => out.push((prefix.to_string(), scalar_text(v))),
    }
}

fn scalar_text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Members under which API pages wrap their records.
const WRAPPERS: &[&str] = &[
    "items",
    "value",
    "data",
    "records",
    "results",
    "events",
    "logs",
    "participants",
];

/// The byte span (`[` to `]` inclusive) of the array that is the value of top-level member
/// `key` in a valid JSON object's text.
fn member_array(text: &[u8], key: &str) -> Option<(usize, usize)> {
    let quoted = format!("\"{key}\"");
    let mut depth = 0i32;
    let mut i = 0;
    let mut want_array = false;
    let mut array_start = None;
    while i < text.len() {
        let b = text[i];
        match b {
            b'"' => {
                // Skip the string, noting whether it is the key at the top level.
                let start = i;
                i += 1;
                while i < text.len() && text[i] != b'"' {
                    i += if text[i] == b'\\' { 2 } else { 1 };
                }
                if depth == 1
                    && array_start.is_none()
                    && &text[start..=i.min(text.len() - 1)] == quoted.as_bytes()
                {
                    want_array = true;
                }
            }
            b'[' | b'{' => {
                if want_array && depth == 1 && b == b'[' {
                    array_start = Some(i);
                }
                want_array = false;
                depth += 1;
            }
            b']' | b'}' => {
                depth -= 1;
                if let (Some(a), 1, b']') = (array_start, depth, b) {
                    return Some((a, i + 1));
                }
            }
            b':' => {}
            c if c.is_ascii_whitespace() => {}
            _ => want_array = false,
        }
        i += 1;
    }
    None
}

/// Splits a JSON array's text into its top-level elements without parsing them.
fn element_spans(text: &[u8]) -> Result<Vec<(usize, usize, u32)>, RowError> {
    let mut spans = Vec::new();
    let mut depth = 0i32;
    let mut in_str = false;
    let mut esc = false;
    let mut line = 1u32;
    let mut start: Option<(usize, u32)> = None;
    for (i, &b) in text.iter().enumerate() {
        if b == b'\n' {
            line += 1;
        }
        if in_str {
            if esc {
                esc = false;
            } else if b == b'\\' {
                esc = true;
            } else if b == b'"' {
                in_str = false;
            }
            continue;
        }
        match b {
            b'"' => {
                in_str = true;
                if depth == 1 && start.is_none() {
                    start = Some((i, line));
                }
            }
            b'[' | b'{' => {
                if depth == 1 && start.is_none() {
                    start = Some((i, line));
                }
                depth += 1;
            }
            b']' | b'}' => {
                depth -= 1;
                if depth == 1 {
                    if let Some((s, l)) = start.take() {
                        spans.push((s, i + 1, l));
                    }
                } else if depth == 0 {
                    if let Some((s, l)) = start.take() {
                        spans.push((s, i, l));
                    }
                }
            }
            b',' if depth == 1 => {
                if let Some((s, l)) = start.take() {
                    spans.push((s, i, l));
                }
            }
            c if depth == 1 && start.is_none() && !c.is_ascii_whitespace() => {
                start = Some((i, line));
            }
            _ => {}
        }
    }
    if depth != 0 || in_str {
        return Err(RowError {
            line,
            reason: "JSON array is not closed (truncated file?)".into(),
        });
    }
    Ok(spans)
}

impl JsonRows {
    pub fn array(text: Vec<u8>) -> JsonRows {
        let (spans, error) = match element_spans(&text) {
            Ok(s) => (s, None),
            Err(e) => (Vec::new(), Some(e)),
        };
        JsonRows::new(Source::Array {
            text,
            spans,
            next: 0,
            error,
        })
    }

    /// A `.json` file holding one object: an API page that wraps its records (`{"items":
    /// [...]}` from Google's Reports API, `{"value": [...]}` from Microsoft Graph) gives one row
    /// per record; any other object is one record. `Err` gives the text back when it is not
    /// one JSON object (NDJSON saved as `.json`).
    pub fn object(text: Vec<u8>) -> Result<JsonRows, Vec<u8>> {
        let Ok(Value::Object(obj)) = serde_json::from_slice::<Value>(&text) else {
            return Err(text);
        };
        let wrapper = WRAPPERS.iter().find(|k| {
            obj.get(**k)
                .and_then(Value::as_array)
                .is_some_and(|a| !a.is_empty() && a.iter().all(Value::is_object))
        });
        let spans = match wrapper.and_then(|k| member_array(&text, k)) {
            Some((a, b)) => {
                let before = text[..a].iter().filter(|&&c| c == b'\n').count() as u32;
                match element_spans(&text[a..b]) {
                    Ok(spans) => spans
                        .into_iter()
                        .map(|(s, e, l)| (s + a, e + a, l + before))
                        .collect(),
                    Err(_) => return Err(text),
                }
            }
            None => {
                let start = text.iter().position(|c| *c == b'{').unwrap_or(0);
                let line = 1 + text[..start].iter().filter(|&&c| c == b'\n').count() as u32;
                vec![(start, text.len(), line)]
            }
        };
        Ok(JsonRows::new(Source::Array {
            text,
            spans,
            next: 0,
            error: None,
        }))
    }

    pub fn lines(reader: Box<dyn BufRead + Send>) -> JsonRows {
        JsonRows::new(Source::Lines { reader, line: 0 })
    }

    fn new(source: Source) -> JsonRows {
        let mut j = JsonRows {
            source,
            headers: Vec::new(),
            index: HashMap::new(),
            pending: Vec::new(),
            started: false,
        };
        j.sample_headers();
        j
    }

    pub fn headers(&self) -> &[String] {
        &self.headers
    }

    fn next_value(&mut self) -> Option<Result<(u32, Value), RowError>> {
        match &mut self.source {
            Source::Array {
                text,
                spans,
                next,
                error,
            } => {
                if let Some(e) = error.take() {
                    return Some(Err(e));
                }
                let (s, e, line) = *spans.get(*next)?;
                *next += 1;
                Some(
                    serde_json::from_slice::<Value>(&text[s..e])
                        .map(|v| (line, v))
                        .map_err(|err| RowError {
                            line,
                            reason: format!("invalid JSON: {err}"),
                        }),
                )
            }
            Source::Lines { reader, line } => loop {
                let mut buf = Vec::new();
                match reader.read_until(b'\n', &mut buf) {
                    Ok(0) => return None,
                    Ok(_) => {
                        *line += 1;
                        if buf.iter().all(|b| b.is_ascii_whitespace()) {
                            continue;
                        }
                        let l = *line;
                        return Some(
                            serde_json::from_slice::<Value>(&buf)
                                .map(|v| (l, v))
                                .map_err(|err| RowError {
                                    line: l,
                                    reason: format!("invalid JSON: {err}"),
                                }),
                        );
                    }
                    Err(e) => {
                        return Some(Err(RowError {
                            line: *line + 1,
                            reason: format!("read error: {e}"),
                        }))
                    }
                }
            },
        }
    }

    fn sample_headers(&mut self) {
        while self.pending.len() < HEADER_SAMPLE {
            let Some(item) = self.next_value() else { break };
            if let Ok((_, v)) = &item {
                let mut flat = Vec::new();
                flatten(v, "", &mut flat);
                for (k, _) in flat {
                    if !self.index.contains_key(&k) {
                        self.index.insert(k.clone(), self.headers.len());
                        self.headers.push(k);
                    }
                }
            }
            self.pending.push(item);
        }
        self.pending.reverse();
    }

    /// The header row first (line 0 marks it synthetic), then one row per object.
    pub fn next_row(&mut self) -> Option<Result<RawRow, RowError>> {
        if !self.started {
            self.started = true;
            let record = Record::from(self.headers.clone());
            return Some(Ok(RawRow { line: 0, record }));
        }
        let item = match self.pending.pop() {
            Some(i) => i,
            None => self.next_value()?,
        };
        Some(item.and_then(|(line, v)| {
            if !v.is_object() {
                return Err(RowError {
                    line,
                    reason: "JSON record is not an object".into(),
                });
            }
            let mut flat = Vec::new();
            flatten(&v, "", &mut flat);
            let mut cells = vec![String::new(); self.headers.len()];
            for (k, val) in flat {
                if let Some(&i) = self.index.get(&k) {
                    cells[i] = val;
                }
            }
            Ok(RawRow {
                line,
                record: Record::from(cells),
            })
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_find_each_element_and_its_line() {
        let text = b"[\n {\"a\": \"x,]\"},\n {\"a\": [1,2]}\n]".to_vec();
        let spans = element_spans(&text).unwrap();
        assert_eq!(spans.len(), 2);
        assert_eq!(spans[0].2, 2);
        assert_eq!(spans[1].2, 3);
        assert_eq!(&text[spans[1].0..spans[1].1], b"{\"a\": [1,2]}");
    }

    #[test]
    fn flatten_uses_dotted_paths() {
        let v: Value =
            serde_json::from_str(r#"{"client":{"ipAddress":"1.2.3.4","x":null},"t":["a","b"]}"#)
                .unwrap();
        let mut out = Vec::new();
        flatten(&v, "", &mut out);
        assert!(out.contains(&("client.ipAddress".into(), "1.2.3.4".into())));
        assert!(out.contains(&("t".into(), "a|b".into())));
        assert!(out.contains(&("client.x".into(), "".into())));
    }

    #[test]
    fn api_pages_unwrap_to_their_records() {
        let text = b"{\"kind\": \"x\", \"note\": \"items\",\n \"items\": [\n  {\"a\": \"[\"},\n  {\"a\": 2}\n ]}".to_vec();
        let mut rows = JsonRows::object(text).ok().unwrap();
        assert_eq!(rows.headers(), ["a"]);
        let _header = rows.next_row();
        let r = rows.next_row().unwrap().unwrap();
        assert_eq!((r.line, r.record.get(0)), (3, Some(&b"["[..])));
        assert_eq!(rows.next_row().unwrap().unwrap().line, 4);
        assert!(rows.next_row().is_none());
        let mut one = JsonRows::object(b"\n{\"status\": \"ok\"}".to_vec())
            .ok()
            .unwrap();
        let _header = one.next_row();
        assert_eq!(one.next_row().unwrap().unwrap().line, 2);
        assert!(JsonRows::object(b"{\"a\":1}\n{\"a\":2}\n".to_vec()).is_err());
    }

    #[test]
    fn truncated_array_is_an_error_row() {
        let mut rows = JsonRows::array(b"[{\"a\":1}, {\"a\":".to_vec());
        let _header = rows.next_row();
        let r = rows.next_row().unwrap();
        assert!(r.is_err());
    }
}
