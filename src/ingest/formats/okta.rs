//! Okta System Log: the API's JSON array, NDJSON, and the console CSV, whose headers are the
//! same dotted paths (`actor.alternateId`, `client.ipAddress`, `outcome.result`). Only sign-in
//! events are logins (`user.session.start`, `user.authentication.*`,
//! `policy.evaluate_sign_on`); any other event is counted, with its type, as not a candidate's
//! sign-in. Countries come as full English names (`United States`) and are folded to ISO codes
//! by the engine; `securityContext.isProxy` and `asNumber` are passed on as address hints.
//!
//! One sign-in often leaves two or three of these events (`user.session.start`,
//! `user.authentication.*`, `policy.evaluate_sign_on`) with the same `transaction.id`: that id
//! is the row's `session_id` (else `authenticationContext.externalSessionId`), so the engine
//! counts the sign-in once.

use super::{set, value};
use crate::ingest::format::{AdaptNote, FormatDef, Kind, RawCells};
use crate::ingest::values::parse_bool;
use crate::model::login;

pub fn formats() -> Vec<FormatDef> {
    vec![FormatDef::new(
        "okta-system-log",
        Kind::Logins,
        &["published", "eventType", "actor.alternateId"],
        &[
            ("timestamp", &["published"]),
            ("ip", &["client.ipAddress", "request.ipChain.0.ip"]),
            ("account", &["actor.alternateId"]),
            ("user_agent", &["client.userAgent.rawUserAgent"]),
            ("outcome", &["outcome.result"]),
            ("session_id", &["authenticationContext.externalSessionId"]),
            ("country", &["client.geographicalContext.country"]),
        ],
    )
    .adapter(adapt)]
}

/// True for the event types that record a person signing in.
pub fn is_sign_in(event_type: &str) -> bool {
    let t = event_type.trim();
    t == "user.session.start"
        || t == "policy.evaluate_sign_on"
        || t.starts_with("user.authentication.")
}

fn adapt(raw: &RawCells<'_>, vals: &mut [Option<String>], note: &mut AdaptNote) {
    if let Some(t) = raw.get("eventtype") {
        if !is_sign_in(t) {
            note.skip = Some(format!("not a sign-in event (eventType {})", t.trim()));
            return;
        }
    }
    // The request that signed in: every event it wrote shares it.
    if let Some(t) = raw.get("transaction_id") {
        set(vals, login::SESSION_ID, Some(t.trim().to_string()));
    }
    if value(vals, login::IP).is_none() {
        // The first address of the request's chain, when the client's is not given.
        let ip = raw.get("request_ipchain_0_ip").map(str::to_string);
        set(vals, login::IP, ip);
    }
    let outcome = value(vals, login::OUTCOME).map(|o| {
        match o.to_ascii_uppercase().as_str() {
            "SUCCESS" | "ALLOW" => "success",
            "FAILURE" | "DENY" => "failure",
            // CHALLENGE, SKIPPED, UNKNOWN: the sign-in's outcome is not known from this row.
            _ => "unknown",
        }
        .to_string()
    });
    set(vals, login::OUTCOME, outcome);
    note.proxy = raw
        .get("securitycontext_isproxy")
        .and_then(|p| parse_bool(p).ok().flatten())
        .unwrap_or(false);
    note.asn = raw
        .get("securitycontext_asnumber")
        .and_then(|a| a.trim().parse().ok());
    note.asn_org = raw.get("securitycontext_asorg").map(str::to_string);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_sign_in_events_are_logins() {
        assert!(is_sign_in("user.session.start"));
        assert!(is_sign_in("user.authentication.sso"));
        assert!(is_sign_in("user.authentication.auth_via_mfa"));
        assert!(is_sign_in("policy.evaluate_sign_on"));
        assert!(!is_sign_in("user.session.end"));
        assert!(!is_sign_in("user.lifecycle.create"));
    }

    #[test]
    fn the_transaction_id_is_the_session_id() {
        let headers: Vec<String> = ["eventtype", "transaction_id", "client_ipaddress"]
            .iter()
            .map(|h| h.to_string())
            .collect();
        let adapt_row = |cells: &[&str], session: Option<&str>| {
            let mut vals = vec![None; login::FIELDS.len()];
            vals[login::SESSION_ID] = session.map(str::to_string);
            let mut note = AdaptNote::default();
            let raw = RawCells {
                cells,
                headers: &headers,
                context: &[],
            };
            adapt(&raw, &mut vals, &mut note);
            vals[login::SESSION_ID].clone()
        };
        assert_eq!(
            adapt_row(&["user.session.start", "W1", "203.0.113.5"], Some("idx9")),
            Some("W1".into())
        );
        // No transaction: the external session id stays.
        assert_eq!(
            adapt_row(&["user.session.start", "", "203.0.113.5"], Some("idx9")),
            Some("idx9".into())
        );
    }
}
