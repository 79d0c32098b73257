//! Google Workspace login audit, as the Reports API gives it (`activities.list`,
//! `applicationName=login`): `id.time`, `actor.email`, `ipAddress`, and the event in
//! `events.0.name` (`login_success`, `login_failure`, `login_challenge`, …) with its parameters
//! flattened to `events.0.parameters.N.name` / `.value` / `.boolValue`. There is no location in
//! these events: the address is the only location signal. Events of other applications and
//! `logout` are counted as not sign-ins.

use super::{set, value};
use crate::ingest::format::{AdaptNote, FormatDef, Kind, RawCells};
use crate::model::login;

pub fn formats() -> Vec<FormatDef> {
    vec![FormatDef::new(
        "google-workspace-login",
        Kind::Logins,
        &["id.time", "actor.email", "ipAddress"],
        &[
            ("timestamp", &["id.time"]),
            ("ip", &["ipAddress"]),
            ("account", &["actor.email"]),
            ("outcome", &["events.0.name"]),
        ],
    )
    .adapter(adapt)]
}

/// The value of an event parameter, by its name.
fn parameter<'a>(raw: &'a RawCells<'_>, name: &str) -> Option<&'a str> {
    (0..64).find_map(|i| {
        let key = format!("events_0_parameters_{i}_name");
        if raw.get(&key)? != name {
            return None;
        }
        ["value", "boolvalue", "multivalue", "intvalue"]
            .iter()
            .find_map(|v| raw.get(&format!("events_0_parameters_{i}_{v}")))
    })
}

fn adapt(raw: &RawCells<'_>, vals: &mut [Option<String>], note: &mut AdaptNote) {
    if let Some(app) = raw.get("id_applicationname") {
        if !app.trim().eq_ignore_ascii_case("login") {
            note.skip = Some(format!(
                "not a login event (applicationName {})",
                app.trim()
            ));
            return;
        }
    }
    let Some(name) = value(vals, login::OUTCOME).map(str::to_ascii_lowercase) else {
        return;
    };
    if name == "logout" || !name.contains("login") {
        note.skip = Some(format!("not a sign-in event ({name})"));
        return;
    }
    let outcome = match name.as_str() {
        "login_success" => "success",
        "login_failure" => "failure",
        _ => match parameter(raw, "login_challenge_status").map(str::to_ascii_lowercase) {
            Some(s) if s.contains("fail") => "failure",
            Some(s) if s.contains("pass") => "success",
            _ => "unknown",
        },
    };
    set(vals, login::OUTCOME, Some(outcome.to_string()));
}
