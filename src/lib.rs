//! hirescreen: an offline pre-screen for remote-hiring identity fraud. Reads exports
//! (applications, interview logs, sign-ins), enriches addresses, evaluates declarative rules,
//! links candidates that share identity artefacts, and reports per candidate a score, a
//! verdict and the evidence behind every finding. See SPEC.md for the contract.

pub mod cli;
pub mod diag;
pub mod engine;
pub mod enrich;
pub mod facts;
pub mod few;
pub mod ingest;
pub mod link;
pub mod model;
pub mod norm;
pub mod report;
pub mod rules;
