//! The rule file format (TOML), exactly as written on disk. Unknown keys are errors
//! (`deny_unknown_fields`), so a typo fails at load with its position instead of being ignored.

use crate::model::{Family, Severity, Verdict};
use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

/// A rule file: one concern, one or more rules.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleFile {
    #[serde(default)]
    pub rule: Vec<RuleDef>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleDef {
    pub id: Spanned<String>,
    pub title: String,
    pub family: Family,
    pub severity: Severity,
    pub score: Spanned<u32>,
    pub description: String,
    /// What a human should check next.
    pub verify: String,
    /// Public sources (indicators.md ids and titles).
    pub references: Vec<String>,
    /// Inputs the rule cannot run without: `logins`, `interviews`, `geo.country`, `geo.city`,
    /// `geo.asn`, `geo.anonymous`, `claim.place`, `claim.tz`, `app.<field>`, `facts.<fact>`.
    #[serde(default)]
    pub needs: Vec<Spanned<String>>,
    /// CEL condition over `app`, `facts`, `logins`, `interviews`.
    pub when: Spanned<String>,
    /// Text with `{cel expression}` parts, rendered when the rule fires.
    pub evidence: Spanned<String>,
    /// Verdict this rule forces when it fires, whatever the score.
    #[serde(default)]
    pub force: Option<Verdict>,
    #[serde(default, rename = "test")]
    pub tests: Vec<RuleTest>,
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Expect {
    Fire,
    Quiet,
}

/// A rule's own test: minimal canonical rows and what the rule must do on them.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleTest {
    pub name: String,
    pub expect: Expect,
    /// Application columns for the candidate under test (`candidate_id` defaults to `t1`).
    #[serde(default)]
    pub app: BTreeMap<String, toml::Value>,
    /// Other candidates' application rows (for cross-candidate rules).
    #[serde(default)]
    pub others: Vec<BTreeMap<String, toml::Value>>,
    #[serde(default)]
    pub logins: Vec<BTreeMap<String, toml::Value>>,
    #[serde(default)]
    pub interviews: Vec<BTreeMap<String, toml::Value>>,
    #[serde(default)]
    pub watchlist: Vec<BTreeMap<String, toml::Value>>,
    /// A fixed address table instead of databases.
    #[serde(default)]
    pub geo: Vec<GeoRow>,
    /// The evidence the finding must read, word for word, when the test expects a firing.
    #[serde(default)]
    pub evidence: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GeoRow {
    pub cidr: String,
    #[serde(default)]
    pub country: Option<String>,
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default)]
    pub city: Option<String>,
    #[serde(default)]
    pub lat: Option<f64>,
    #[serde(default)]
    pub lon: Option<f64>,
    #[serde(default)]
    pub tz: Option<String>,
    #[serde(default)]
    pub asn: Option<u32>,
    #[serde(default)]
    pub org: Option<String>,
    #[serde(default)]
    pub vpn: bool,
    #[serde(default)]
    pub hosting: bool,
    #[serde(default)]
    pub proxy: bool,
    #[serde(default)]
    pub tor: bool,
}

/// `rules/pack.toml`: thresholds and caps (SPEC §7).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackConfig {
    pub verdict: Thresholds,
    pub caps: BTreeMap<Family, u32>,
    #[serde(default)]
    pub link: LinkConfig,
}

/// `[link]` in `rules/pack.toml`: how candidates are linked to each other. A key left out
/// keeps its default (`link::LinkOptions::default`); values are checked at load.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkConfig {
    pub cap: Option<Spanned<i64>>,
    pub name_cap: Option<Spanned<i64>>,
    pub ip_window_hours: Option<Spanned<f64>>,
    pub ip_min_uses: Option<Spanned<i64>>,
    pub resume_jaccard: Option<Spanned<f64>>,
    pub name_similarity: Option<Spanned<f64>>,
    pub same_name: Option<Spanned<f64>>,
}

#[derive(Clone, Copy, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Thresholds {
    pub review: u32,
    pub escalate: u32,
}
