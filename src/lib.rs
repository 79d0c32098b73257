//! hirescreen: an offline pre-screen for remote-hiring identity fraud. Reads exports
//! (applications, interview logs, sign-ins), enriches addresses, evaluates declarative rules,
//! links candidates that share identity artefacts, and reports per candidate a score, a
//! verdict and the evidence behind every finding. See SPEC.md for the contract.

/// A line on standard error, as `eprintln!` writes it, except that a closed or failing
/// standard error is ignored: `eprintln!` panics when it cannot write (as when the reader of
/// `2>&1 | head` has exited), and a warning, a note or a timing is never worth a crash.
#[macro_export]
macro_rules! errln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

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
