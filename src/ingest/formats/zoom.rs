//! Zoom meeting-participants reports (Reports → Usage → Participants → Export), in their three
//! shapes: per-session rows (`Name (Original Name),User Email,Join Time,Leave Time,…,Guest`),
//! the same below a meeting block ("export with meeting data": `Meeting ID,Topic,Start Time,
//! End Time,User Email,…` then a blank or `,,,,` line), and "show unique users" (no join or
//! leave times: the meeting's own start and end stand in; exported without the meeting block
//! it has no times at all, and its rows are rejected saying so).
//!
//! `New Name (Original Name)` is a rename: the name shown now, and the one joined under,
//! split on the last balanced parentheses. Guests who are not signed in have no email: they
//! are joined by their names, then by the meeting topic, as a weaker join. Participants of the
//! host's own organisation (`Guest` = `No`, or the host's email domain) are not candidates.
//! Times carry no zone (`--tz`).
//!
//! The Zoom Dashboard's participants (`GET /metrics/meetings/{id}/participants`, JSON: the
//! API page `{"participants": […]}` or its records) add where each participant joined from:
//! `ip_address`, `location`, `device`, `network_type`. Times are UTC (`…Z`). Zoom leaves the
//! address, location and email empty for participants outside the host's account, and its
//! `camera`, `microphone` and `speaker` name devices, not whether they were on, so they are
//! not read. The dashboard does not say who belongs to the host's account: its staff join no
//! candidate and are counted as unmatched, by email. The UI's CSV download has not been seen,
//! so only the API's field names are recognised.

use super::{org_domain, preamble, set, split_rename, value};
use crate::ingest::format::{AdaptNote, FormatDef, Kind, RawCells};
use crate::model::interview;

pub fn formats() -> Vec<FormatDef> {
    let dashboard = FormatDef::new(
        "zoom-dashboard-participants",
        Kind::Interviews,
        &["user_name", "join_time", "ip_address"],
        &[
            ("started_at", &["join_time"]),
            ("ended_at", &["leave_time"]),
            ("email", &["email"]),
            ("display_name", &["user_name"]),
            ("ip", &["ip_address"]),
        ],
    )
    .without("camera")
    .adapter(adapt_dashboard);
    vec![
        dashboard,
        FormatDef::new(
            "zoom-participants",
            Kind::Interviews,
            &["Name (Original Name)"],
            &[
                ("started_at", &["Join Time"]),
                ("ended_at", &["Leave Time"]),
                ("email", &["User Email", "Email"]),
                ("display_name", &["Name (Original Name)"]),
                ("ip", &["IP Address"]),
            ],
        )
        .sectioned()
        .zone_less()
        .context(context)
        .adapter(adapt),
    ]
}

/// A Zoom Dashboard participant: a Zoom session, the name shown kept for joining a guest
/// without email by name.
fn adapt_dashboard(_: &RawCells<'_>, vals: &mut [Option<String>], note: &mut AdaptNote) {
    set(vals, interview::PLATFORM, Some("zoom".into()));
    if let Some(name) = value(vals, interview::DISPLAY_NAME) {
        note.name_keys = vec![name.to_string()];
    }
}

/// The meeting block above the participants table, if any.
fn context(rows: &[Vec<String>], header_row: usize) -> Vec<(String, String)> {
    preamble(rows, header_row)
}

fn adapt(raw: &RawCells<'_>, vals: &mut [Option<String>], note: &mut AdaptNote) {
    set(vals, interview::PLATFORM, Some("zoom".into()));
    if value(vals, interview::INTERVIEW_ID).is_none() {
        let id = raw.context("meeting_id").map(str::to_string);
        set(vals, interview::INTERVIEW_ID, id);
    }
    // "Show unique users" has no join or leave times: the meeting's own stand in.
    if value(vals, interview::STARTED_AT).is_none() {
        let start = raw.context("start_time").map(str::to_string);
        set(vals, interview::STARTED_AT, start);
        let end = raw.context("end_time").map(str::to_string);
        set(vals, interview::ENDED_AT, end);
        if value(vals, interview::STARTED_AT).is_none()
            && !raw.headers.iter().any(|h| h == "join_time")
        {
            note.missing_hint = Some(
                "Zoom 'unique users' export without the meeting block has no times; \
                 export with meeting data"
                    .into(),
            );
        }
    }
    let mut names = Vec::new();
    if let Some(cell) = value(vals, interview::DISPLAY_NAME).map(str::to_string) {
        let (shown, original) = split_rename(&cell);
        set(vals, interview::DISPLAY_NAME, Some(shown.clone()));
        if let Some(o) = original {
            set(
                vals,
                interview::DISPLAY_NAME_CHANGES,
                Some(format!("{o}|{shown}")),
            );
            names.push(o);
        }
        names.push(shown);
    }
    // The host's organisation: members signed in to the host's account, or its mail domain.
    let email = value(vals, interview::EMAIL).map(str::to_ascii_lowercase);
    let host_email = raw.context("user_email").map(str::to_ascii_lowercase);
    let member = raw
        .get("guest")
        .is_some_and(|g| g.trim().eq_ignore_ascii_case("no"));
    if let (Some(e), Some(h)) = (&email, &host_email) {
        if e.trim() == h.trim() {
            note.staff = Some("host organisation (the meeting host)".into());
        } else if let (Some(d), Some(hd)) = (org_domain(e), org_domain(h)) {
            if d == hd {
                note.staff = Some(format!("host organisation ({d})"));
            }
        }
    }
    if note.staff.is_none() && member {
        note.staff = Some("host organisation (Guest = No)".into());
    }
    note.name_keys = names;
    note.topic = raw.context("topic").map(str::to_string);
}
