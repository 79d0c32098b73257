//! User mapping files (`--mapping FILE`): a small TOML file that maps any other export — an
//! ATS's candidate CSV, an IDV vendor's results — onto the canonical columns without writing
//! Rust. Each `[[format]]` becomes a [`FormatDef`] tried before the built-in ones:
//!
//! ```toml
//! [[format]]
//! name = "greenhouse-candidates"
//! kind = "applications"                     # applications | interviews | logins | identities
//! fingerprint = ["Candidate ID", "First Name", "Last Name"]   # default: every mapped header
//! [format.columns]
//! candidate_id = "Candidate ID"
//! full_name = ["First Name", "Last Name"]   # joined with a space
//! claimed_country = { column = "Location Country", transform = "country" }
//! applied_at = { column = "Applied On", transform = "date:%d/%m/%Y" }
//! [format.values.camera]                    # word map, applied before any transform
//! "Yes" = "on"
//! ```
//!
//! Transforms: `country` (name → ISO code), `date:<chrono format>`, `bool` (yes/no words),
//! `lower`, `upper`, `trim`, `digits`; a list applies them in order. Optional keys:
//! `sectioned` (header below line 1), `day_first`. Unknown keys, kinds, fields and transforms
//! are errors with file:line:column; every error in a file is reported, not just the first.

use crate::diag::Diagnostics;
use crate::ingest::countries::Countries;
use crate::ingest::format::{AdaptNote, FormatDef, Kind, RawCells};
use crate::ingest::values::{norm_header, parse_bool};
use chrono::{DateTime, NaiveDate, NaiveDateTime};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;
use toml::{Spanned, Value};

/// One problem in a mapping file, where it is.
pub type MappingError = crate::diag::Diagnostic;

/// Every problem found in a mapping file.
pub type MappingErrors = crate::diag::Diagnostics;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileDef {
    #[serde(default)]
    format: Vec<FormatSpec>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FormatSpec {
    name: Spanned<String>,
    kind: Spanned<String>,
    #[serde(default)]
    fingerprint: Option<Spanned<Vec<String>>>,
    #[serde(default)]
    columns: BTreeMap<String, Spanned<Value>>,
    #[serde(default)]
    values: BTreeMap<String, Spanned<BTreeMap<String, String>>>,
    #[serde(default)]
    sectioned: bool,
    #[serde(default)]
    day_first: bool,
}

#[derive(Clone, Debug, PartialEq)]
enum Transform {
    Country,
    Date(String),
    Bool,
    Lower,
    Upper,
    Trim,
    Digits,
}

/// How one canonical field is read.
#[derive(Clone, Debug)]
struct FieldSpec {
    field: usize,
    /// Normalised headers, joined with `join`.
    headers: Vec<String>,
    join: String,
    transforms: Vec<Transform>,
    /// Lower-cased trimmed word → replacement.
    words: BTreeMap<String, String>,
}

struct Loader<'a> {
    file: &'a str,
    text: &'a str,
    errors: Vec<MappingError>,
}

impl Loader<'_> {
    fn err(&mut self, offset: usize, message: impl Into<String>) {
        self.errors
            .push(MappingError::at(self.file, self.text, offset, message));
    }
}

fn parse_transform(s: &str) -> Result<Transform, String> {
    let t = s.trim();
    if let Some(fmt) = t.strip_prefix("date:") {
        use chrono::format::{Item, StrftimeItems};
        if fmt.trim().is_empty() || StrftimeItems::new(fmt).any(|i| matches!(i, Item::Error)) {
            return Err(format!(
                "{fmt:?} is not a chrono date format (e.g. %d/%m/%Y)"
            ));
        }
        return Ok(Transform::Date(fmt.to_string()));
    }
    Ok(match t {
        "country" => Transform::Country,
        "bool" => Transform::Bool,
        "lower" => Transform::Lower,
        "upper" => Transform::Upper,
        "trim" => Transform::Trim,
        "digits" => Transform::Digits,
        _ => {
            return Err(format!(
                "unknown transform {t:?} (country, date:<format>, bool, lower, upper, trim, digits)"
            ))
        }
    })
}

/// A string or an array of strings.
fn strings(v: &Value) -> Option<Vec<String>> {
    match v {
        Value::String(s) => Some(vec![s.clone()]),
        Value::Array(a) => a.iter().map(|x| x.as_str().map(String::from)).collect(),
        _ => None,
    }
}

/// Reads one `[format.columns]` entry; `Err` with a message for the value's position.
fn column_spec(v: &Value) -> Result<(Vec<String>, String, Vec<Transform>), String> {
    if let Some(h) = strings(v) {
        return Ok((h, " ".into(), Vec::new()));
    }
    let Value::Table(t) = v else {
        return Err(
            "a column is a header name, a list of header names, or { column = …, transform = … }"
                .into(),
        );
    };
    let mut headers = None;
    let mut join = " ".to_string();
    let mut transforms = Vec::new();
    for (k, x) in t {
        match k.as_str() {
            "column" | "columns" => {
                headers = Some(strings(x).ok_or("`column` is a header name or a list of them")?)
            }
            "join" => join = x.as_str().ok_or("`join` is a string")?.to_string(),
            "transform" => {
                for s in strings(x).ok_or("`transform` is a string or a list of strings")? {
                    transforms.push(parse_transform(&s)?);
                }
            }
            other => {
                return Err(format!(
                    "unknown key `{other}` in a column (expected column, transform, join)"
                ))
            }
        }
    }
    let headers = headers.ok_or("missing `column`")?;
    Ok((headers, join, transforms))
}

/// Reads a mapping file into format definitions.
pub fn load(path: &Path) -> Result<Vec<FormatDef>, MappingErrors> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| {
        Diagnostics(vec![MappingError {
            file: file.clone(),
            line: 1,
            column: 1,
            message: format!("cannot read mapping file: {e}"),
        }])
    })?;
    parse(&file, &text)
}

/// Parses a mapping file's text (`file` names it in errors).
pub fn parse(file: &str, text: &str) -> Result<Vec<FormatDef>, MappingErrors> {
    let def: FileDef = toml::from_str(text)
        .map_err(|e| Diagnostics(vec![MappingError::from_toml(file, text, &e)]))?;
    let mut l = Loader {
        file,
        text,
        errors: Vec::new(),
    };
    if def.format.is_empty() {
        l.err(0, "no [[format]] in this mapping file");
    }
    let countries = Countries::shared();
    let mut out = Vec::new();
    for spec in def.format {
        if let Some(f) = format_def(&mut l, spec, countries) {
            out.push(f);
        }
    }
    if l.errors.is_empty() {
        Ok(out)
    } else {
        l.errors.sort_by_key(|e| (e.line, e.column));
        Err(Diagnostics(l.errors))
    }
}

fn format_def(
    l: &mut Loader<'_>,
    spec: FormatSpec,
    countries: &'static Countries,
) -> Option<FormatDef> {
    let errors_before = l.errors.len();
    let name = spec.name.get_ref().trim().to_string();
    if name.is_empty() {
        l.err(spec.name.span().start, "format name is empty");
    }
    let kind = Kind::parse(spec.kind.get_ref()).filter(|k| *k != Kind::Watchlist);
    if kind.is_none() {
        l.err(
            spec.kind.span().start,
            format!(
                "unknown kind {:?} (applications, interviews, logins, identities)",
                spec.kind.get_ref()
            ),
        );
    }
    let kind = kind.unwrap_or(Kind::Applications);
    let fields = kind.fields();
    let mut specs: Vec<FieldSpec> = Vec::new();
    if spec.columns.is_empty() {
        l.err(spec.name.span().start, "no [format.columns] mapped");
    }
    for (field, v) in &spec.columns {
        let at = v.span().start;
        let Some(idx) = fields.iter().position(|f| f == field) else {
            l.err(
                at,
                format!(
                    "{field:?} is not a canonical {kind} field (one of: {})",
                    fields.join(", ")
                ),
            );
            continue;
        };
        match column_spec(v.get_ref()) {
            Ok((headers, _, _)) if headers.iter().all(|h| norm_header(h).is_empty()) => {
                l.err(at, format!("{field}: no header named"));
            }
            Ok((headers, join, transforms)) => specs.push(FieldSpec {
                field: idx,
                headers: headers.iter().map(|h| norm_header(h)).collect(),
                join,
                transforms,
                words: BTreeMap::new(),
            }),
            Err(e) => l.err(at, format!("{field}: {e}")),
        }
    }
    for (field, words) in &spec.values {
        let at = words.span().start;
        let Some(idx) = fields.iter().position(|f| f == field) else {
            l.err(
                at,
                format!("[format.values.{field}]: not a canonical {kind} field"),
            );
            continue;
        };
        let map: BTreeMap<String, String> = words
            .get_ref()
            .iter()
            .map(|(k, v)| (k.trim().to_lowercase(), v.clone()))
            .collect();
        match specs.iter_mut().find(|s| s.field == idx) {
            Some(s) => s.words = map,
            // A word map on a field read under its canonical name.
            None => specs.push(FieldSpec {
                field: idx,
                headers: vec![norm_header(field)],
                join: " ".into(),
                transforms: Vec::new(),
                words: map,
            }),
        }
    }
    let fingerprint: Vec<String> = match &spec.fingerprint {
        Some(fp) => {
            if fp.get_ref().is_empty() {
                l.err(fp.span().start, "fingerprint is empty");
            }
            fp.get_ref().iter().map(|h| norm_header(h)).collect()
        }
        None => {
            let mut v: Vec<String> = Vec::new();
            for h in specs.iter().flat_map(|s| s.headers.iter()) {
                if !v.contains(h) {
                    v.push(h.clone());
                }
            }
            v
        }
    };
    if l.errors.len() > errors_before {
        return None;
    }
    let columns: Vec<Vec<String>> = fields
        .iter()
        .enumerate()
        .map(|(i, f)| match specs.iter().find(|s| s.field == i) {
            Some(s) => s.headers.clone(),
            None => vec![norm_header(f)],
        })
        .collect();
    let mut def = FormatDef::new(&name, kind, &[], &[]);
    def.fingerprint = fingerprint;
    def.columns = columns;
    if spec.sectioned {
        def = def.sectioned();
    }
    if spec.day_first {
        def = def.day_first();
    }
    Some(def.adapter(move |raw, vals, note| apply(&specs, countries, raw, vals, note)))
}

fn apply(
    specs: &[FieldSpec],
    countries: &Countries,
    raw: &RawCells<'_>,
    vals: &mut [Option<String>],
    _note: &mut AdaptNote,
) {
    for s in specs {
        let parts: Vec<&str> = s
            .headers
            .iter()
            .filter_map(|h| raw.get(h))
            .map(str::trim)
            .collect();
        let mut v = parts.join(&s.join);
        if let Some(w) = s.words.get(&v.trim().to_lowercase()) {
            v = w.clone();
        }
        for t in &s.transforms {
            v = transform(t, &v, countries);
        }
        if let Some(slot) = vals.get_mut(s.field) {
            *slot = (!v.trim().is_empty()).then_some(v);
        }
    }
}

/// Applies one transform; a value it cannot read is passed on as it is, for the engine to
/// warn about or reject with its cell.
fn transform(t: &Transform, v: &str, countries: &Countries) -> String {
    let s = v.trim();
    if s.is_empty() {
        return String::new();
    }
    match t {
        Transform::Country => countries.iso2(s).unwrap_or(s).to_string(),
        Transform::Date(f) => {
            if let Ok(d) = DateTime::parse_from_str(s, f) {
                d.to_rfc3339()
            } else if let Ok(d) = NaiveDateTime::parse_from_str(s, f) {
                d.format("%Y-%m-%dT%H:%M:%S").to_string()
            } else if let Ok(d) = NaiveDate::parse_from_str(s, f) {
                d.format("%Y-%m-%d").to_string()
            } else {
                s.to_string()
            }
        }
        Transform::Bool => {
            let word = s.to_lowercase();
            let b = match word.as_str() {
                "on" | "sim" | "si" | "sí" | "ja" | "oui" | "checked" | "x" | "✓" => Some(true),
                "off" | "não" | "nao" | "nein" | "non" | "unchecked" | "none" | "-" => Some(false),
                _ => parse_bool(s).ok().flatten(),
            };
            match b {
                Some(b) => b.to_string(),
                None => s.to_string(),
            }
        }
        Transform::Lower => s.to_lowercase(),
        Transform::Upper => s.to_uppercase(),
        Transform::Trim => s.to_string(),
        Transform::Digits => s.chars().filter(char::is_ascii_digit).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::format::detect;
    use crate::model::app;

    const GOOD: &str = r#"
[[format]]
name = "greenhouse-candidates"
kind = "applications"
fingerprint = ["Candidate ID", "First Name", "Last Name"]
[format.columns]
candidate_id = "Candidate ID"
full_name = ["First Name", "Last Name"]
email = "Email"
claimed_country = { column = "Location Country", transform = "country" }
applied_at = { column = "Applied On", transform = "date:%d/%m/%Y" }
phone = { column = "Phone", transform = ["trim", "digits"] }
[format.values.source]
"Job board" = "job_board"
"#;

    fn run(def: &FormatDef, header: &str, row: &str) -> Vec<Option<String>> {
        let headers: Vec<String> = header.split(',').map(String::from).collect();
        let d = detect(&[headers], std::slice::from_ref(def)).expect("detected");
        let cells: Vec<&str> = row.split(',').collect();
        let mut vals: Vec<Option<String>> = d
            .columns
            .iter()
            .map(|c| c.and_then(|i| cells.get(i)).map(|s| s.to_string()))
            .collect();
        let raw = RawCells {
            cells: &cells,
            headers: &d.headers,
            context: &[],
        };
        (def.adapter.as_ref().unwrap())(&raw, &mut vals, &mut AdaptNote::default());
        vals
    }

    #[test]
    fn a_mapping_reads_an_ats_export() {
        let defs = parse("m.toml", GOOD).unwrap();
        assert_eq!(defs.len(), 1);
        let v = run(
            &defs[0],
            "Candidate ID,First Name,Last Name,Email,Location Country,Applied On,Phone,Source",
            "GH-1,Jordan,Lee,j@example.org,United Kingdom,25/12/2025, +44 20 7946 0000 ,Job board",
        );
        assert_eq!(v[app::CANDIDATE_ID].as_deref(), Some("GH-1"));
        assert_eq!(v[app::FULL_NAME].as_deref(), Some("Jordan Lee"));
        assert_eq!(v[app::CLAIMED_COUNTRY].as_deref(), Some("GB"));
        assert_eq!(v[app::APPLIED_AT].as_deref(), Some("2025-12-25"));
        assert_eq!(v[app::PHONE].as_deref(), Some("442079460000"));
        assert_eq!(v[app::SOURCE].as_deref(), Some("job_board"));
    }

    #[test]
    fn every_error_is_reported_with_its_position() {
        let bad = r#"[[format]]
name = "x"
kind = "applications"
[format.columns]
candidate_id = "ID"
fullname = "Name"
email = { column = "Email", transform = "rot13" }
"#;
        let e = parse("m.toml", bad).unwrap_err().0;
        assert_eq!(e.len(), 2, "{e:?}");
        assert_eq!((e[0].line, e[1].line), (6, 7), "{e:?}");
        assert!(e[0].message.contains("fullname"));
        assert!(e[1].message.contains("rot13"));
        let unknown_key = "[[format]]\nname = \"x\"\nkind = \"logins\"\nfingerprnt = []\n";
        let e = parse("m.toml", unknown_key).unwrap_err().0;
        assert_eq!((e[0].line, e[0].column), (4, 1), "{e:?}");
        assert!(e[0].to_string().starts_with("m.toml:4:1: "));
        let kind = "[[format]]\nname = \"x\"\nkind = \"payroll\"\n[format.columns]\nip = \"IP\"\n";
        let e = parse("m.toml", kind).unwrap_err().0;
        assert_eq!((e[0].line, e[0].column), (3, 8), "{e:?}");
    }

    #[test]
    fn bool_words_and_dates_with_time() {
        let c = Countries::default();
        assert_eq!(transform(&Transform::Bool, "Yes", &c), "true");
        assert_eq!(transform(&Transform::Bool, "não", &c), "false");
        assert_eq!(transform(&Transform::Bool, "perhaps", &c), "perhaps");
        let d = Transform::Date("%d.%m.%Y %H:%M".into());
        assert_eq!(transform(&d, "05.01.2024 17:30", &c), "2024-01-05T17:30:00");
        assert_eq!(transform(&d, "garbage", &c), "garbage");
    }
}
