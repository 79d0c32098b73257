//! What a rule says about a candidate, and the verdict the scores add up to.

use super::SourceRef;
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Clear,
    Review,
    Escalate,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Clear => "clear",
            Verdict::Review => "review",
            Verdict::Escalate => "escalate",
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Low,
    Medium,
    High,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
        }
    }
}

/// The families scores are capped by (SPEC §7).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    Identity,
    Location,
    Network,
    Interview,
    Reuse,
    List,
}

impl Family {
    pub const ALL: [Family; 6] = [
        Family::Identity,
        Family::Location,
        Family::Network,
        Family::Interview,
        Family::Reuse,
        Family::List,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Family::Identity => "identity",
            Family::Location => "location",
            Family::Network => "network",
            Family::Interview => "interview",
            Family::Reuse => "reuse",
            Family::List => "list",
        }
    }
}

/// One fired rule for one candidate.
#[derive(Clone, Debug)]
pub struct Finding {
    /// Index of the rule in the loaded pack.
    pub rule: usize,
    /// The rule's score contribution before family caps.
    pub score: u32,
    pub evidence: String,
    pub sources: Vec<SourceRef>,
}

/// Why a rule did not run for a candidate (`explain` shows these).
#[derive(Clone, Debug, PartialEq)]
pub enum RuleOutcome {
    Fired,
    Quiet,
    NotEvaluated(std::borrow::Cow<'static, str>),
}
