//! Microsoft Teams meeting attendance reports: UTF-16 LE with BOM, tab-separated, in sections
//! (`1. Summary`, `2. Participants`, `3. In-Meeting Activities`). The participants table is
//! read (`Name, First Join, Last Leave, In-Meeting Duration, Email, Participant ID (UPN),
//! Role`), in English or pt-BR (`Nome, Primeiro ingresso, Última saída, …, Função`); also the
//! activities section when it comes alone, and the legacy layouts `Full Name, Join Time,
//! Leave Time, Duration, Email, Role, Participant ID (UPN)` and `Full Name, User Action,
//! Timestamp`. ` (External)` is a tag, not part of a name. The organiser and members of the
//! organiser's mail domain are the host's organisation, not candidates. Dates are
//! `M/D/YY, h:mm:ss AM` (en-US) or `DD/MM/YY, HH:mm:ss` (pt-BR), without a zone (`--tz`).

use super::{org_domain, preamble, set, split_rename, value};
use crate::ingest::format::{AdaptNote, FormatDef, Kind, RawCells};
use crate::ingest::values::norm_header;
use crate::model::interview;

const ALIASES: &[(&str, &[&str])] = &[
    (
        "started_at",
        &[
            "First Join",
            "Join Time",
            "Primeiro ingresso",
            "Hora de entrada",
        ],
    ),
    (
        "ended_at",
        &["Last Leave", "Leave Time", "Última saída", "Hora de saída"],
    ),
    (
        "display_name",
        &["Name", "Full Name", "Nome", "Nome completo"],
    ),
    ("email", &["Email", "E-mail"]),
    (
        "account",
        &["Participant ID (UPN)", "ID do participante (UPN)"],
    ),
];

pub fn formats() -> Vec<FormatDef> {
    let def = |name: &str, fingerprint: &[&str]| {
        FormatDef::new(name, Kind::Interviews, fingerprint, ALIASES)
            .sectioned()
            .zone_less()
            .context(context)
            .adapter(adapt)
    };
    vec![
        def(
            "teams-attendance",
            &["Name", "First Join", "Last Leave", "Role"],
        ),
        def(
            "teams-attendance-pt-br",
            &["Nome", "Primeiro ingresso", "Última saída", "Função"],
        )
        .day_first(),
        def(
            "teams-attendance-legacy",
            &["Full Name", "Join Time", "Leave Time", "Role"],
        ),
        // A report cut down to its `3. In-Meeting Activities` section (one row per session).
        def(
            "teams-attendance-activities",
            &["Name", "Join Time", "Leave Time", "Role"],
        ),
        def(
            "teams-attendance-activities-pt-br",
            &["Nome", "Hora de entrada", "Hora de saída", "Função"],
        )
        .day_first(),
        FormatDef::new(
            "teams-attendance-actions",
            Kind::Interviews,
            &["Full Name", "User Action", "Timestamp"],
            &[
                ("started_at", &["Timestamp"]),
                ("display_name", &["Full Name"]),
            ],
        )
        .sectioned()
        .zone_less()
        .context(context)
        .adapter(adapt_actions),
    ]
}

fn is_organiser(role: &str) -> bool {
    let r = norm_header(role);
    matches!(
        r.as_str(),
        "organizer" | "organiser" | "co_organizer" | "organizador" | "coorganizador"
    ) || r == "co_organizador"
}

/// The summary section, plus the organiser's mail domain from the participants table.
fn context(rows: &[Vec<String>], header_row: usize) -> Vec<(String, String)> {
    let mut out = preamble(rows, header_row);
    let Some(header) = rows.get(header_row) else {
        return out;
    };
    let h: Vec<String> = header.iter().map(|c| norm_header(c)).collect();
    let col = |names: &[&str]| names.iter().find_map(|n| h.iter().position(|x| x == n));
    let (Some(role), Some(email)) = (
        col(&["role", "função"]),
        col(&[
            "email",
            "e_mail",
            "participant_id_upn",
            "id_do_participante_upn",
        ]),
    ) else {
        return out;
    };
    for r in rows.iter().skip(header_row + 1) {
        if r.iter().all(|c| c.trim().is_empty()) {
            break;
        }
        let is_org = r.get(role).is_some_and(|x| is_organiser(x));
        if let Some(d) = r.get(email).filter(|_| is_org).and_then(|e| org_domain(e)) {
            out.push(("organiser_domain".into(), d));
            break;
        }
    }
    out
}

/// Name without its ` (External)`-style tags, and the names to join by.
fn clean_name(vals: &mut [Option<String>], note: &mut AdaptNote) {
    if let Some(cell) = value(vals, interview::DISPLAY_NAME).map(str::to_string) {
        let (shown, original) = split_rename(&cell);
        // Teams has no renames: a parenthesised part that is not a tag is part of the name.
        let name = if original.is_some() { cell } else { shown };
        note.name_keys = vec![name.clone()];
        set(vals, interview::DISPLAY_NAME, Some(name));
    }
}

fn adapt(raw: &RawCells<'_>, vals: &mut [Option<String>], note: &mut AdaptNote) {
    set(vals, interview::PLATFORM, Some("teams".into()));
    let external = raw
        .get("name")
        .or_else(|| raw.get("full_name"))
        .or_else(|| raw.get("nome"))
        .is_some_and(|n| {
            let n = n.to_lowercase();
            n.contains("(external)") || n.contains("(externo)") || n.contains("(externa)")
        });
    clean_name(vals, note);
    if let Some(role) = raw.get("role").or_else(|| raw.get("função")) {
        if is_organiser(role) {
            note.staff = Some(format!("host organisation ({})", role.trim()));
        }
    }
    if note.staff.is_none() && !external {
        let addr = value(vals, interview::EMAIL).or_else(|| value(vals, interview::ACCOUNT));
        if let (Some(d), Some(od)) = (addr.and_then(org_domain), raw.context("organiser_domain")) {
            if d == od {
                note.staff = Some(format!("host organisation ({d})"));
            }
        }
    }
    note.topic = raw
        .context("meeting_title")
        .or_else(|| raw.context("título_da_reunião"))
        .map(str::to_string);
}

/// `Full Name, User Action, Timestamp`: a join starts a session; a leave only closes one.
fn adapt_actions(raw: &RawCells<'_>, vals: &mut [Option<String>], note: &mut AdaptNote) {
    set(vals, interview::PLATFORM, Some("teams".into()));
    let action = raw.get("user_action").unwrap_or("").trim().to_string();
    if action.to_ascii_lowercase().starts_with("left") {
        note.skip = Some("leave event (its join is the session)".into());
        return;
    }
    clean_name(vals, note);
    note.topic = raw.context("meeting_title").map(str::to_string);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::values::DateOrder;
    use crate::ingest::{open, Fate, Opened};
    use std::path::Path;

    fn fixture(name: &str) -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/exports/teams")
            .join(name)
    }

    #[test]
    fn pt_br_dates_are_day_first_even_when_the_days_cannot_tell() {
        let p = fixture("attendance_pt_br.csv");
        let formats = super::super::builtin();
        let Ok(Opened::Input(mut input)) = open(0, &p, "pt", &formats, chrono_tz::UTC) else {
            panic!("not recognised");
        };
        assert_eq!(input.detected.format.name, "teams-attendance-pt-br");
        assert_eq!(input.ts.order, DateOrder::DayFirst);
        let mut starts = Vec::new();
        input.for_each(|row, ts, _| {
            let v = row.get(interview::STARTED_AT).unwrap();
            starts.push(ts.parse(v).unwrap().unwrap());
            Fate::Used
        });
        // 07/02/26, 10:03:00 is 7 February 2026.
        assert!(starts.contains(&1_770_458_580), "{starts:?}");
        assert_eq!(
            input.report.warnings.len(),
            1,
            "{:?}",
            input.report.warnings
        );
    }

    #[test]
    fn the_organisers_domain_is_read_from_the_table() {
        let rows: Vec<Vec<String>> = [
            "Meeting title\tInterview",
            "Name\tEmail\tRole",
            "Pat\tpat@contoso.example\tOrganizer",
            "Jo (External)\tjo@example.org\tAttendee",
        ]
        .iter()
        .map(|l| l.split('\t').map(String::from).collect())
        .collect();
        let c = context(&rows, 1);
        assert!(c.contains(&("organiser_domain".into(), "contoso.example".into())));
        assert!(c.contains(&("meeting_title".into(), "Interview".into())));
    }
}
