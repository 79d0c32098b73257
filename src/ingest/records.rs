//! Builds typed records from a row's canonical values: the application, interview and
//! watchlist rows of SPEC §3, with country names folded to ISO codes and zones parsed. Values
//! that do not parse become unknown and are counted as value warnings with their cell; rows
//! missing what identifies them are rejected.

use super::countries::Countries;
use super::values::{parse_ip, TsParser};
use super::{FileReport, Row};
use crate::model::{app, interview, Application, ColumnNumbers, Fields, Interview};

/// Copies a row's values into owned, trimmed fields (empty → unknown), leaving out field
/// `except` when given.
fn owned_fields(row: &Row<'_>, cols: &ColumnNumbers, n: usize, except: Option<usize>) -> Fields {
    let value = |i| (Some(i) != except).then(|| row.get(i)).flatten();
    Fields::new(row.at, cols.clone(), (0..n).map(value))
}

fn col(cols: &ColumnNumbers, f: usize) -> u32 {
    cols.get(f).copied().unwrap_or(0)
}

/// Application field `f`, a country cell, as ISO alpha-2; unknown, with a warning at the
/// cell, when it names no country.
fn folded_country<'v>(
    raw: Option<&'v str>,
    f: usize,
    countries: &'v Countries,
    report: &mut FileReport,
    line: u32,
    cols: &ColumnNumbers,
) -> Option<&'v str> {
    let raw = raw?;
    let code = countries.iso2(raw);
    if code.is_none() {
        let label = app::FIELDS[f];
        let msg = format!("{label} {raw:?} is not a country this tool knows; left unknown");
        report.warn_value(line, col(cols, f), &msg);
    }
    code
}

pub fn application(
    row: &Row<'_>,
    cols: &ColumnNumbers,
    ts: &TsParser,
    countries: &Countries,
    report: &mut FileReport,
) -> Result<Application, String> {
    for &f in app::REQUIRED {
        if row.get(f).is_none() {
            return Err(format!("missing required value {}", app::FIELDS[f]));
        }
    }
    // Country cells are folded to their codes before the row is packed.
    let line = row.at.line;
    let mut values: [Option<&str>; app::FIELDS.len()] = std::array::from_fn(|f| row.get(f));
    for f in [
        app::CLAIMED_COUNTRY,
        app::ID_DOC_COUNTRY,
        app::PAYMENT_COUNTRY,
    ] {
        values[f] = folded_country(values[f], f, countries, report, line, cols);
    }
    // Citizenship is free text more often than a code: fold it only when it is a country.
    if let Some(code) = values[app::CITIZENSHIP].and_then(|c| countries.iso2(c)) {
        values[app::CITIZENSHIP] = Some(code);
    }
    let fields = Fields::new(row.at, cols.clone(), values);
    let applied_at = match fields.get(app::APPLIED_AT).map(|s| ts.parse(s)) {
        Some(Ok(t)) => t,
        Some(Err(e)) => {
            report.warn_value(line, col(cols, app::APPLIED_AT), &e);
            None
        }
        None => None,
    };
    let claimed_tz = match fields.get(app::CLAIMED_TIMEZONE) {
        Some(z) => match super::values::parse_zone(z) {
            Some(tz) => Some(tz),
            None => {
                let msg = format!("claimed_timezone {z:?} is not an IANA zone; left unknown");
                report.warn_value(line, col(cols, app::CLAIMED_TIMEZONE), &msg);
                None
            }
        },
        None => None,
    };
    let ip = match fields.get(app::IP) {
        Some(s) => {
            let ip = parse_ip(s);
            if ip.is_none() {
                report.warn_value(
                    line,
                    col(cols, app::IP),
                    &format!("{s:?} is not an IP address"),
                );
            }
            ip
        }
        None => None,
    };
    Ok(Application {
        fields,
        applied_at,
        claimed_tz,
        ip,
    })
}

/// An interview row; its `notes` are kept only when `keep_notes` (see
/// `Pack::reads_interview_notes`).
pub fn interview(
    row: &Row<'_>,
    cols: &ColumnNumbers,
    ts: &TsParser,
    keep_notes: bool,
    report: &mut FileReport,
) -> Result<Interview, String> {
    let Some(started) = row.get(interview::STARTED_AT) else {
        return Err(match &row.note.missing_hint {
            Some(hint) => format!("missing required value started_at: {hint}"),
            None => "missing required value started_at".into(),
        });
    };
    let started_at = ts
        .parse(started)
        .map_err(|e| format!("started_at: {e}"))?
        .ok_or("missing required value started_at")?;
    let notes = (!keep_notes).then_some(interview::NOTES);
    let fields = owned_fields(row, cols, interview::FIELDS.len(), notes);
    let line = row.at.line;
    let ended_at = match fields.get(interview::ENDED_AT).map(|s| ts.parse(s)) {
        Some(Ok(t)) => t,
        Some(Err(e)) => {
            report.warn_value(line, col(cols, interview::ENDED_AT), &e);
            None
        }
        None => None,
    };
    let ip = fields.get(interview::IP).and_then(|s| {
        let ip = parse_ip(s);
        if ip.is_none() {
            report.warn_value(
                line,
                col(cols, interview::IP),
                &format!("{s:?} is not an IP address"),
            );
        }
        ip
    });
    Ok(Interview {
        fields,
        started_at,
        ended_at,
        ip,
        ip_info: None,
        weak_join: row.note.weak_join,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::RowRef;
    use std::borrow::Cow;

    /// Country cells are folded to ISO codes before the row is packed: names and codes of
    /// every spelling, an unknown country left unknown with a warning at its cell, and
    /// citizenship folded only when it names a country (free text kept as written).
    #[test]
    fn country_cells_are_read_as_codes() {
        let countries = Countries::builtin();
        let ts = TsParser::new(chrono_tz::UTC, crate::ingest::values::DateOrder::MonthFirst);
        let cols: ColumnNumbers = (1..=app::FIELDS.len() as u32).collect::<Vec<_>>().into();
        let read = |set: &[(usize, &str)]| {
            let mut values: Vec<Option<Cow<'_, str>>> = vec![None; app::FIELDS.len()];
            let required = [
                (app::CANDIDATE_ID, "c1"),
                (app::FULL_NAME, "Ana Lima"),
                (app::EMAIL, "ana@example.com"),
            ];
            for (f, v) in required.iter().chain(set) {
                values[*f] = Some(Cow::Owned(v.to_string()));
            }
            let note = Default::default();
            let row = Row::of(RowRef { file: 0, line: 5 }, &values, &note);
            let mut report = FileReport::default();
            let a = application(&row, &cols, &ts, &countries, &mut report).unwrap();
            (a, report)
        };
        let (a, report) = read(&[
            (app::CLAIMED_COUNTRY, "United States"),
            (app::ID_DOC_COUNTRY, "usa"),
            (app::PAYMENT_COUNTRY, "Narnia"),
            (app::CITIZENSHIP, "japan"),
            (app::CLAIMED_CITY, "Houston"),
        ]);
        assert_eq!(a.get(app::CLAIMED_COUNTRY), Some("US"));
        assert_eq!(a.get(app::ID_DOC_COUNTRY), Some("US"));
        assert_eq!(a.get(app::PAYMENT_COUNTRY), None);
        assert_eq!(a.get(app::CITIZENSHIP), Some("JP"));
        assert_eq!(
            a.get(app::CLAIMED_CITY),
            Some("Houston"),
            "other values untouched"
        );
        let column = app::PAYMENT_COUNTRY + 1;
        assert_eq!(
            report.warnings,
            [format!(
                "line 5, column {column}: payment_country \"Narnia\" is not a country this tool \
                 knows; left unknown"
            )]
        );
        let (a, report) = read(&[
            (app::CLAIMED_COUNTRY, "CN"),
            (app::CITIZENSHIP, "Japanese by birth"),
        ]);
        assert_eq!(a.get(app::CLAIMED_COUNTRY), Some("CN"));
        assert_eq!(a.get(app::CITIZENSHIP), Some("Japanese by birth"));
        assert!(report.warnings.is_empty());
    }
}
