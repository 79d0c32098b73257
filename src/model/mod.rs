//! Plain data shared by every stage: where a value came from ([`SourceRef`]), what kind of
//! export a file is ([`Kind`]), the joined per-candidate record ([`Candidate`]) and what the
//! rules produce ([`Finding`], [`Verdict`]). No I/O and no parsing lives here; ingest builds
//! these values, the later stages only read them.

mod candidate;
mod finding;
mod key;
mod source;

pub use candidate::*;
pub use finding::*;
#[cfg(test)]
pub(crate) use key::tests::with_limit as with_key_limit;
pub use key::{Fetch, Key, KeyMap};
pub use source::*;
