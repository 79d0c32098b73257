//! Export formats: how a file is recognised from its header and how its columns map onto the
//! canonical fields of its kind. The canonical formats of SPEC §3.1–3.5 are defined here; real
//! exports (Entra, Okta, Zoom, Teams, …) and user mapping files add definitions of the same
//! shape. A definition never reads files; [`detect`] matches one against header rows.

use super::values::{norm_header, DateOrder};
use crate::model::{app, identity, interview, login, watch};
use std::fmt;
use std::sync::Arc;

/// The kinds of input (SPEC §3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Identities,
    Watchlist,
    Applications,
    Interviews,
    Logins,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Applications => "applications",
            Kind::Interviews => "interviews",
            Kind::Logins => "logins",
            Kind::Identities => "identities",
            Kind::Watchlist => "watchlist",
        }
    }
    pub fn parse(s: &str) -> Option<Kind> {
        Some(match s.trim().to_ascii_lowercase().as_str() {
            "applications" | "application" => Kind::Applications,
            "interviews" | "interview" => Kind::Interviews,
            "logins" | "login" => Kind::Logins,
            "identities" | "identity" => Kind::Identities,
            "watchlist" => Kind::Watchlist,
            _ => return None,
        })
    }
    /// The canonical field names of this kind.
    pub fn fields(self) -> &'static [&'static str] {
        match self {
            Kind::Applications => app::FIELDS,
            Kind::Interviews => interview::FIELDS,
            Kind::Logins => login::FIELDS,
            Kind::Identities => identity::FIELDS,
            Kind::Watchlist => watch::FIELDS,
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Raw cells of one row by header position, for adapters, with what the file said above its
/// table (see [`ContextFn`]).
pub struct RawCells<'a> {
    pub cells: &'a [&'a str],
    pub headers: &'a [String],
    pub context: &'a [(String, String)],
}

impl RawCells<'_> {
    /// The first non-empty cell whose normalised header is `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .position(|h| h == name)
            .and_then(|i| self.cells.get(i).copied())
            .filter(|s| !s.trim().is_empty())
    }
    /// A value of the file's context (meeting block, summary section), by normalised key.
    pub fn context(&self, key: &str) -> Option<&str> {
        self.context
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .filter(|s| !s.trim().is_empty())
    }
}

/// What an adapter may say about a row beyond its values.
#[derive(Debug, Default)]
pub struct AdaptNote {
    /// The row is not about a candidate at all (an Okta event that is not a sign-in): count it
    /// as unmatched with this reason rather than joining it.
    pub skip: Option<String>,
    /// The row is about the host's own organisation (a meeting organiser, a signed-in member):
    /// it joins a candidate only by a strong key (id, account, email), and otherwise is counted
    /// as unmatched with this reason instead of being tried by name.
    pub staff: Option<String>,
    /// The row can only be joined by a weak key (a display name).
    pub weak_join: bool,
    /// Names to join by when no strong key joins (a Zoom guest's names), best first.
    pub name_keys: Vec<String>,
    /// Free text that may contain a candidate's name (a meeting topic), tried last.
    pub topic: Option<String>,
    /// The export says the sign-in came through a proxy or anonymizer (Okta `isProxy`).
    pub proxy: bool,
    /// Autonomous system the export reports for the address.
    pub asn: Option<u32>,
    pub asn_org: Option<String>,
    /// Why this export leaves a required value empty, and what to do about it: the rejection
    /// reason when the row is rejected for that value (a Zoom "unique users" report without its
    /// meeting block has no times).
    pub missing_hint: Option<String>,
}

/// Rewrites a row's canonical values for formats whose cells need more than renaming
/// (split a `City, State, CC` location, read `New (Original)` as a rename, …). A closure, so
/// user mapping files can carry their own column specs and value maps.
pub type Adapter = Arc<dyn Fn(&RawCells<'_>, &mut [Option<String>], &mut AdaptNote) + Send + Sync>;

/// Reads what a sectioned file says around its table (Zoom's meeting block, Teams' summary):
/// given the previewed rows and the header row's position, `(normalised key, value)` pairs
/// every row's adapter can see.
pub type ContextFn = fn(&[Vec<String>], usize) -> Vec<(String, String)>;

/// One recognisable export format.
#[derive(Clone)]
pub struct FormatDef {
    pub name: String,
    pub kind: Kind,
    /// Normalised headers that must all be present.
    pub fingerprint: Vec<String>,
    /// Per canonical field (by index), the normalised headers it may come from, best first.
    pub columns: Vec<Vec<String>>,
    /// Header rows may start below line 1 (sectioned reports).
    pub header_anywhere: bool,
    /// Timestamps carry no zone, so `--tz` applies.
    pub zone_less: bool,
    /// Day/month order to assume when the file's own dates cannot settle it (a pt-BR export).
    pub date_order: Option<DateOrder>,
    pub adapter: Option<Adapter>,
    pub context: Option<ContextFn>,
}

impl fmt::Debug for FormatDef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FormatDef")
            .field("name", &self.name)
            .field("kind", &self.kind)
            .finish()
    }
}

impl FormatDef {
    /// A definition from `(canonical field, [header aliases])` pairs; every canonical field
    /// also matches its own name.
    pub fn new(
        name: &str,
        kind: Kind,
        fingerprint: &[&str],
        aliases: &[(&str, &[&str])],
    ) -> FormatDef {
        let columns = kind
            .fields()
            .iter()
            .map(|f| {
                let mut names: Vec<String> = aliases
                    .iter()
                    .filter(|(k, _)| k == f)
                    .flat_map(|(_, a)| a.iter().map(|s| norm_header(s)))
                    .collect();
                names.push(norm_header(f));
                names
            })
            .collect();
        FormatDef {
            name: name.to_string(),
            kind,
            fingerprint: fingerprint.iter().map(|s| norm_header(s)).collect(),
            columns,
            header_anywhere: false,
            zone_less: false,
            date_order: None,
            adapter: None,
            context: None,
        }
    }

    /// The header may be below line 1, and a blank row ends the table.
    pub fn sectioned(mut self) -> FormatDef {
        self.header_anywhere = true;
        self
    }

    /// Timestamps carry no zone (`--tz` applies).
    pub fn zone_less(mut self) -> FormatDef {
        self.zone_less = true;
        self
    }

    /// Leaves a canonical field unread even where a column carries its name (a Zoom Dashboard
    /// `camera` names a device, not whether it was on).
    pub fn without(mut self, field: &str) -> FormatDef {
        let i = self.kind.fields().iter().position(|f| *f == field);
        // Built-in definitions only: a misspelt field is a bug, caught by any debug run.
        debug_assert!(i.is_some(), "{}: no field {field}", self.name);
        if let Some(i) = i {
            self.columns[i].clear();
        }
        self
    }

    pub fn day_first(mut self) -> FormatDef {
        self.date_order = Some(DateOrder::DayFirst);
        self
    }

    pub fn adapter(
        mut self,
        f: impl Fn(&RawCells<'_>, &mut [Option<String>], &mut AdaptNote) + Send + Sync + 'static,
    ) -> FormatDef {
        self.adapter = Some(Arc::new(f));
        self
    }

    pub fn context(mut self, f: ContextFn) -> FormatDef {
        self.context = Some(f);
        self
    }

    /// Column index in the row for each canonical field.
    pub fn map_columns(&self, headers: &[String]) -> Vec<Option<usize>> {
        self.columns
            .iter()
            .map(|names| {
                names
                    .iter()
                    .find_map(|n| headers.iter().position(|h| h == n))
            })
            .collect()
    }

    fn matches(&self, headers: &[String]) -> bool {
        self.fingerprint.iter().all(|f| headers.contains(f))
    }
}

/// The canonical formats of SPEC §3.1–3.5, with a few generic aliases ATS exports use.
pub fn canonical_formats() -> Vec<FormatDef> {
    vec![
        FormatDef::new(
            "canonical",
            Kind::Watchlist,
            &["type", "value"],
            &[("note", &["notes", "comment", "reason"])],
        ),
        FormatDef::new(
            "canonical",
            Kind::Logins,
            &["timestamp", "ip"],
            &[
                ("ip", &["ip_address", "client_ip"]),
                ("outcome", &["result", "status"]),
            ],
        ),
        FormatDef::new(
            "canonical",
            Kind::Interviews,
            &["candidate_id", "started_at"],
            &[],
        ),
        FormatDef::new(
            "canonical",
            Kind::Applications,
            &["candidate_id", "full_name", "email"],
            &[],
        ),
        FormatDef::new(
            "canonical",
            Kind::Identities,
            &["candidate_id", "account"],
            &[],
        ),
        FormatDef::new("canonical", Kind::Identities, &["email", "account"], &[]),
    ]
}

/// A recognised header: which format, which row, and where each canonical field is.
#[derive(Clone, Debug)]
pub struct Detected {
    pub format: FormatDef,
    /// Position of the header row among the previewed rows.
    pub header_row: usize,
    pub headers: Vec<String>,
    pub columns: Vec<Option<usize>>,
    /// What the format's [`ContextFn`] read around the table.
    pub context: Vec<(String, String)>,
}

/// Finds the first format whose fingerprint a header row carries. Formats are tried in order
/// (specific exports before canonical ones); only formats with `header_anywhere` look below the
/// first non-blank row.
pub fn detect(rows: &[Vec<String>], formats: &[FormatDef]) -> Option<Detected> {
    let first = rows.iter().position(|r| r.iter().any(|c| !c.is_empty()))?;
    for (i, raw) in rows.iter().enumerate().skip(first) {
        let headers: Vec<String> = raw.iter().map(|h| norm_header(h)).collect();
        for f in formats {
            if (i == first || f.header_anywhere) && f.matches(&headers) {
                return Some(Detected {
                    columns: f.map_columns(&headers),
                    context: f.context.map(|c| c(rows, i)).unwrap_or_default(),
                    format: f.clone(),
                    header_row: i,
                    headers,
                });
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(s: &str) -> Vec<String> {
        s.split(',').map(String::from).collect()
    }

    #[test]
    fn canonical_kinds_are_told_apart_by_header() {
        let f = canonical_formats();
        let k = |h: &str| detect(&[row(h)], &f).map(|d| d.format.kind);
        assert_eq!(
            k("Candidate ID,Full Name,Email,phone"),
            Some(Kind::Applications)
        );
        assert_eq!(k("candidate_id,started_at,stage"), Some(Kind::Interviews));
        assert_eq!(k("timestamp,account,ip"), Some(Kind::Logins));
        assert_eq!(k("candidate_id,email,account"), Some(Kind::Identities));
        assert_eq!(k("type,value,note"), Some(Kind::Watchlist));
        assert_eq!(k("foo,bar"), None);
    }

    #[test]
    fn column_order_never_matters() {
        let f = canonical_formats();
        let d = detect(&[row("email,full_name,junk,candidate_id")], &f).unwrap();
        assert_eq!(d.columns[app::CANDIDATE_ID], Some(3));
        assert_eq!(d.columns[app::EMAIL], Some(0));
        assert_eq!(d.columns[app::PHONE], None);
    }

    #[test]
    fn header_below_line_one_only_for_sectioned_formats() {
        let f = canonical_formats();
        let rows = vec![row("Meeting,x"), row("candidate_id,full_name,email")];
        assert!(detect(&rows, &f).is_none());
        let mut g = f.clone();
        for d in &mut g {
            d.header_anywhere = true;
        }
        assert_eq!(detect(&rows, &g).unwrap().header_row, 1);
    }
}
