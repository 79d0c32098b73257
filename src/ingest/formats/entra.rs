//! Microsoft Entra ID (Azure AD) sign-in logs. The portal download (`InteractiveSignIns_*.csv`,
//! 2024–2026 forms: `Date (UTC)`, `Username`, `IP address`, `Location` as `City, State, CC`,
//! `Status`, `Sign-in error code`, `Managed`/`Compliant`, the duplicate `Incoming token type`,
//! `Application ID ` with its trailing space, `Autonomous system  number` with two spaces), and
//! the older script / Graph schema (`CreatedDateTime`, `UserPrincipalName`, `IPAddress`, `City`,
//! `Country`, `Status`; Graph JSON `location.countryOrRegion`, `status.errorCode`). Header
//! quirks are absorbed by [`norm_header`](crate::ingest::values::norm_header); this file
//! turns the values into canonical ones.

use super::{set, value};
use crate::ingest::format::{AdaptNote, FormatDef, Kind, RawCells};
use crate::ingest::values::parse_bool;
use crate::model::login;

/// Error codes of sign-ins that were interrupted (an MFA or consent prompt), not refused.
const INTERRUPTS: &[&str] = &[
    "50074", "50076", "50079", "50072", "50097", "50125", "50140", "50158", "50199",
];

pub fn formats() -> Vec<FormatDef> {
    let portal = FormatDef::new(
        "entra-signins",
        Kind::Logins,
        &["Date (UTC)", "Request ID", "Username", "IP address"],
        &[
            ("timestamp", &["Date (UTC)"]),
            ("ip", &["IP address"]),
            ("account", &["Username", "Sign-in identifier"]),
            ("user_agent", &["User agent"]),
            ("outcome", &["Status"]),
            ("device_id", &["Device ID"]),
            ("device_managed", &["Managed"]),
            // One sign-in's attempts (an MFA interrupt, then success) share the correlation
            // id; a `Session ID` can span days of sign-ins, so it is only the fallback.
            ("session_id", &["Correlation ID", "Session ID"]),
            ("country", &["Location"]),
        ],
    )
    .adapter(adapt);
    let script = FormatDef::new(
        "entra-signins-graph",
        Kind::Logins,
        &["CreatedDateTime", "UserPrincipalName", "IPAddress"],
        &[
            ("timestamp", &["CreatedDateTime"]),
            ("ip", &["IPAddress"]),
            ("account", &["UserPrincipalName"]),
            ("user_agent", &["userAgent"]),
            (
                "outcome",
                &[
                    "Status",
                    "status.errorCode",
                    "ErrorCode",
                    "Status ErrorCode",
                ],
            ),
            (
                "device_id",
                &["deviceDetail.deviceId", "DeviceId", "Device"],
            ),
            ("device_managed", &["deviceDetail.isManaged", "IsManaged"]),
            ("session_id", &["correlationId"]),
            (
                "country",
                &["Country", "location.countryOrRegion", "CountryOrRegion"],
            ),
        ],
    )
    .adapter(adapt);
    vec![portal, script]
}

/// The country of an Entra `Location` (`City, State, CC`, split from the right) or a plain
/// country cell.
pub fn location_country(loc: &str) -> Option<String> {
    let last = loc.rsplit(',').next()?.trim();
    (!last.is_empty()).then(|| last.to_string())
}

/// A B2B guest's UPN (`jlee_example.org#EXT#@tenant.onmicrosoft.com`) back to the address it
/// was made from (`jlee@example.org`); other accounts unchanged.
pub fn guest_upn(upn: &str) -> String {
    let t = upn.trim();
    if let Some(i) = t.to_ascii_lowercase().find("#ext#") {
        let local = &t[..i];
        if let Some(j) = local.rfind('_') {
            if j > 0 && j + 1 < local.len() {
                return format!("{}@{}", &local[..j], &local[j + 1..]);
            }
        }
    }
    t.to_string()
}

/// `success`, `failure` or `interrupted` from `Status` and the error code.
fn outcome(status: Option<&str>, code: Option<&str>) -> Option<String> {
    let s = status.unwrap_or("").trim().to_ascii_lowercase();
    let code = if !s.is_empty() && s.chars().all(|c| c.is_ascii_digit()) {
        Some(s.as_str())
    } else {
        code.map(str::trim)
    };
    let word = match s.as_str() {
        "success" => "success",
        "failure" | "failed" => "failure",
        w if w.starts_with("interrupt") => "interrupted",
        _ => match code {
            Some("0") => "success",
            Some(c) if INTERRUPTS.contains(&c) => "interrupted",
            Some(c) if !c.is_empty() && c.chars().all(|x| x.is_ascii_digit()) => "failure",
            _ => return status.map(str::to_string),
        },
    };
    Some(word.to_string())
}

fn adapt(raw: &RawCells<'_>, vals: &mut [Option<String>], note: &mut AdaptNote) {
    if value(vals, login::IP).is_none() {
        let ip = raw.get("ip_address_seen_by_resource").map(str::to_string);
        set(vals, login::IP, ip);
    }
    let country = value(vals, login::COUNTRY).and_then(location_country);
    set(vals, login::COUNTRY, country);
    let o = outcome(
        value(vals, login::OUTCOME),
        raw.get("sign_in_error_code")
            .or_else(|| raw.get("status_errorcode")),
    );
    set(vals, login::OUTCOME, o);
    let account = value(vals, login::ACCOUNT).map(guest_upn);
    set(vals, login::ACCOUNT, account);
    // A device counts as managed when Entra calls it managed or compliant.
    let flag = |k: &str| raw.get(k).and_then(|v| parse_bool(v).ok().flatten());
    let managed = [
        flag("managed")
            .or_else(|| flag("devicedetail_ismanaged"))
            .or_else(|| flag("ismanaged")),
        flag("compliant")
            .or_else(|| flag("devicedetail_iscompliant"))
            .or_else(|| flag("iscompliant")),
    ];
    let m = if managed.contains(&Some(true)) {
        Some("true".to_string())
    } else if managed.contains(&Some(false)) {
        Some("false".to_string())
    } else {
        None
    };
    set(vals, login::DEVICE_MANAGED, m);
    note.asn = raw
        .get("autonomous_system_number")
        .or_else(|| raw.get("autonomoussystemnumber"))
        .and_then(|a| a.trim().trim_start_matches("AS").parse().ok());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn location_is_split_from_the_right() {
        assert_eq!(
            location_country("Melbourne, Victoria, AU").as_deref(),
            Some("AU")
        );
        assert_eq!(
            location_country("Washington, District Of Columbia, US").as_deref(),
            Some("US")
        );
        assert_eq!(location_country(", , NG").as_deref(), Some("NG"));
        assert_eq!(location_country("Japan").as_deref(), Some("Japan"));
        assert_eq!(location_country("Lagos, "), None);
    }

    #[test]
    fn b2b_guest_upn_is_turned_back_into_the_address() {
        assert_eq!(
            guest_upn("jlee.dev_example.org#EXT#@contoso.onmicrosoft.com"),
            "jlee.dev@example.org"
        );
        assert_eq!(
            guest_upn("first_last_mail.example.org#EXT#@t.onmicrosoft.com"),
            "first_last@mail.example.org"
        );
        assert_eq!(guest_upn("alex@contoso.example"), "alex@contoso.example");
    }

    #[test]
    fn status_and_codes_become_outcomes() {
        assert_eq!(
            outcome(Some("Success"), Some("0")).as_deref(),
            Some("success")
        );
        assert_eq!(
            outcome(Some("Failure"), Some("50126")).as_deref(),
            Some("failure")
        );
        assert_eq!(
            outcome(Some("Interrupted"), Some("50074")).as_deref(),
            Some("interrupted")
        );
        assert_eq!(outcome(Some("50076"), None).as_deref(), Some("interrupted"));
        assert_eq!(outcome(Some("0"), None).as_deref(), Some("success"));
        assert_eq!(outcome(None, Some("50126")).as_deref(), Some("failure"));
        assert_eq!(outcome(None, None), None);
    }
}
