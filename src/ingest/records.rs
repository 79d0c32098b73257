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

/// Folds a country cell to ISO alpha-2, warning when it is not a country.
fn fold_country(
    fields: &mut Fields,
    f: usize,
    countries: &Countries,
    report: &mut FileReport,
    label: &str,
) {
    let Some(raw) = fields.get(f) else { return };
    match countries.iso2(raw) {
        Some(code) if code == raw => {}
        Some(code) => {
            let code = code.to_string();
            fields.set(f, Some(&code));
        }
        None => {
            let msg = format!("{label} {raw:?} is not a country this tool knows; left unknown");
            report.warn_value(fields.row.line, col(&fields.cols, f), &msg);
            fields.set(f, None);
        }
    }
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
    let mut fields = owned_fields(row, cols, app::FIELDS.len(), None);
    for (f, label) in [
        (app::CLAIMED_COUNTRY, "claimed_country"),
        (app::ID_DOC_COUNTRY, "id_doc_country"),
        (app::PAYMENT_COUNTRY, "payment_country"),
    ] {
        fold_country(&mut fields, f, countries, report, label);
    }
    // Citizenship is free text more often than a code: fold it only when it is a country.
    let citizenship = fields.get(app::CITIZENSHIP);
    if let Some(code) = citizenship.and_then(|c| countries.iso2(c)) {
        if citizenship != Some(code) {
            let code = code.to_string();
            fields.set(app::CITIZENSHIP, Some(&code));
        }
    }
    let line = row.at.line;
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
