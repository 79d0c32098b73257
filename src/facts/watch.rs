//! The user's watchlist (SPEC §3.5): indicators they hold, normalised per type so that
//! `+1 (555) 010-0199` matches `15550100199` and `J.Doe@Example.com` matches `j.doe@example.com`.

use crate::model::SourceRef;
use crate::norm;
use ipnetwork::IpNetwork;
use rustc_hash::FxHashMap;
use std::net::IpAddr;

pub const TYPES: &[&str] = &[
    "email",
    "phone",
    "ip",
    "cidr",
    "name",
    "photo_hash",
    "payment_account",
    "address",
    "domain",
];

#[derive(Clone, Debug)]
pub struct WatchEntry {
    pub kind: &'static str,
    pub value: String,
    pub note: String,
    pub src: SourceRef,
}

#[derive(Default, Debug)]
pub struct Watchlist {
    entries: Vec<WatchEntry>,
    index: FxHashMap<(&'static str, String), usize>,
    /// Addresses by value, so a lookup needs no formatting.
    ips: FxHashMap<IpAddr, usize>,
    cidrs: Vec<(IpNetwork, usize)>,
    /// Which of [`TYPES`] have entries (bit per type): a value of a type the list does not
    /// hold is not normalised at all.
    kinds: u16,
}

fn kind_bit(kind: &str) -> u16 {
    TYPES.iter().position(|t| *t == kind).map_or(0, |i| 1 << i)
}

/// The normalised key of a value of a type (addresses are kept by value, not by key).
fn key(kind: &str, value: &str) -> Option<String> {
    match kind {
        "email" => norm::email(value),
        "phone" => norm::phone(value, None).map(|d| {
            // Compare on the last ten digits so national and international forms meet.
            d[d.len().saturating_sub(10)..].to_string()
        }),
        "name" => {
            let t = crate::facts::names::tokens(value);
            (!t.is_empty()).then(|| t.into_string())
        }
        "address" => norm::address(value),
        "domain" => norm::opaque(value.trim_start_matches('@')),
        _ => norm::opaque(value),
    }
}

impl Watchlist {
    /// Adds an entry; `Err` names what is wrong with it.
    pub fn add(
        &mut self,
        kind: &str,
        value: &str,
        note: &str,
        src: SourceRef,
    ) -> Result<(), String> {
        let kind = TYPES
            .iter()
            .find(|t| t.eq_ignore_ascii_case(kind.trim()))
            .copied()
            .ok_or_else(|| format!("watchlist type {kind:?} is not one of {}", TYPES.join(", ")))?;
        let entry = WatchEntry {
            kind,
            value: value.trim().to_string(),
            note: note.trim().to_string(),
            src,
        };
        let idx = self.entries.len();
        if kind == "ip" {
            let ip = crate::ingest::values::parse_ip(value)
                .ok_or_else(|| format!("{value:?} is not a usable ip"))?;
            self.ips.entry(ip).or_insert(idx);
        } else if kind == "cidr" {
            let net: IpNetwork = value
                .trim()
                .parse()
                .map_err(|_| format!("{value:?} is not a CIDR"))?;
            self.cidrs.push((net, idx));
        } else {
            let k = key(kind, value).ok_or_else(|| format!("{value:?} is not a usable {kind}"))?;
            self.index.entry((kind, k)).or_insert(idx);
        }
        self.kinds |= kind_bit(kind);
        self.entries.push(entry);
        Ok(())
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entry a value of a type matches.
    pub fn find(&self, kind: &'static str, value: &str) -> Option<&WatchEntry> {
        if self.kinds & kind_bit(kind) == 0 {
            return None;
        }
        if kind == "ip" {
            let ip = crate::ingest::values::parse_ip(value)?;
            return self.ips.get(&ip).map(|&i| &self.entries[i]);
        }
        let k = key(kind, value)?;
        self.index.get(&(kind, k)).map(|&i| &self.entries[i])
    }

    /// The entry an address matches, exactly or by a CIDR.
    pub fn find_ip(&self, ip: IpAddr) -> Option<&WatchEntry> {
        if self.entries.is_empty() {
            return None;
        }
        let exact = self.ips.get(&ip).map(|&i| &self.entries[i]);
        exact.or_else(|| {
            self.cidrs
                .iter()
                .find(|(n, _)| n.contains(ip))
                .map(|(_, i)| &self.entries[*i])
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src() -> SourceRef {
        SourceRef::new(0, 2, 2)
    }

    #[test]
    fn each_type_matches_normalised() {
        let mut w = Watchlist::default();
        w.add("email", "J.Doe@Example.com", "tip", src()).unwrap();
        w.add("phone", "+1 (555) 010-0199", "", src()).unwrap();
        w.add("cidr", "198.51.100.0/24", "", src()).unwrap();
        w.add("name", "WEI ZHANG", "", src()).unwrap();
        w.add("ip", " 203.0.113.9 ", "", src()).unwrap();
        assert!(w.find_ip("203.0.113.9".parse().unwrap()).is_some());
        assert!(w.find("ip", "203.0.113.9").is_some());
        assert!(w.find_ip("203.0.113.10".parse().unwrap()).is_none());
        assert!(w.find("email", "j.doe@example.com ").is_some());
        assert!(w.find("phone", "555-010-0199").is_some());
        assert!(w.find_ip("198.51.100.77".parse().unwrap()).is_some());
        assert!(w.find_ip("198.51.101.1".parse().unwrap()).is_none());
        assert!(w.find("name", "Zhang Wei").is_some());
        assert!(w.find("email", "other@example.com").is_none());
    }

    #[test]
    fn bad_types_and_values_are_errors() {
        let mut w = Watchlist::default();
        assert!(w.add("shoe_size", "9", "", src()).is_err());
        assert!(w.add("cidr", "nope", "", src()).is_err());
    }
}
