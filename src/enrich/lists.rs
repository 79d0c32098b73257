//! The plain-text lists shipped in `rules/lists/` (North Korea's allocation, anonymizer and
//! hosting ASNs, published indicator IPs), parsed once and applied to every lookup. Users extend
//! them by editing a copy of the rules folder (`--rules DIR`).

use crate::model::IpInfo;
use ipnetwork::IpNetwork;
use std::collections::HashMap;
use std::net::IpAddr;
use thiserror::Error;

pub const KP_RANGES: &str = include_str!("../../rules/lists/kp_ranges.csv");
pub const ASN_ANONYMIZERS: &str = include_str!("../../rules/lists/asn_anonymizers.csv");
pub const IOC_IPS: &str = include_str!("../../rules/lists/ioc_ips.csv");

#[derive(Debug, Error)]
#[error("{file}:{line}: {reason}")]
pub struct ListError {
    pub file: String,
    pub line: u64,
    pub reason: String,
}

#[derive(Clone, Debug, Default)]
pub struct NetLists {
    kp: Vec<IpNetwork>,
    /// ASN → "name (kind)".
    asns: HashMap<u32, Box<str>>,
    iocs: Vec<(IpNetwork, Box<str>)>,
}

/// Rows of a list file as (line, header-indexed record); `#` lines are comments.
/// A list row: its line and its cells by header name.
type ListRow = (u64, HashMap<String, String>);

fn rows(file: &str, text: &str) -> Result<Vec<ListRow>, ListError> {
    let mut rdr = csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = rdr
        .headers()
        .map_err(|e| ListError {
            file: file.into(),
            line: 1,
            reason: e.to_string(),
        })?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    let mut out = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| ListError {
            file: file.into(),
            line: e.position().map(|p| p.line()).unwrap_or(0),
            reason: e.to_string(),
        })?;
        let line = rec.position().map(|p| p.line()).unwrap_or(0);
        let map = headers
            .iter()
            .cloned()
            .zip(rec.iter().map(|s| s.trim().to_string()))
            .collect();
        out.push((line, map));
    }
    Ok(out)
}

fn parse_asn(s: &str) -> Option<u32> {
    let t = s.trim();
    let t = t
        .strip_prefix("AS")
        .or_else(|| t.strip_prefix("as"))
        .unwrap_or(t);
    t.parse().ok()
}

fn cidr(file: &str, line: u64, s: &str) -> Result<IpNetwork, ListError> {
    s.parse().map_err(|e| ListError {
        file: file.into(),
        line,
        reason: format!("{s:?} is not a CIDR: {e}"),
    })
}

impl NetLists {
    pub fn builtin() -> Result<NetLists, ListError> {
        NetLists::parse(KP_RANGES, ASN_ANONYMIZERS, IOC_IPS)
    }

    pub fn parse(kp: &str, asns: &str, iocs: &str) -> Result<NetLists, ListError> {
        let mut l = NetLists::default();
        for (line, r) in rows("kp_ranges.csv", kp)? {
            let c = r.get("cidr").map(String::as_str).unwrap_or("");
            l.kp.push(cidr("kp_ranges.csv", line, c)?);
        }
        for (line, r) in rows("asn_anonymizers.csv", asns)? {
            let a = r.get("asn").map(String::as_str).unwrap_or("");
            let asn = parse_asn(a).ok_or_else(|| ListError {
                file: "asn_anonymizers.csv".into(),
                line,
                reason: format!("{a:?} is not an ASN"),
            })?;
            let name = r.get("name").cloned().unwrap_or_default();
            let kind = r.get("kind").cloned().unwrap_or_default();
            l.asns
                .insert(asn, format!("AS{asn} {name} [{kind}]").into());
        }
        for (line, r) in rows("ioc_ips.csv", iocs)? {
            let c = r.get("cidr").map(String::as_str).unwrap_or("");
            let label = r.get("label").cloned().unwrap_or_default();
            l.iocs.push((cidr("ioc_ips.csv", line, c)?, label.into()));
        }
        Ok(l)
    }

    /// True when a list names this address itself (not only its ASN).
    pub fn names_address(&self, ip: IpAddr) -> bool {
        self.kp.iter().any(|n| n.contains(ip)) || self.iocs.iter().any(|(n, _)| n.contains(ip))
    }

    /// Adds what the lists say about `ip` to `info`.
    pub fn apply(&self, ip: IpAddr, info: &mut IpInfo) {
        if self.kp.iter().any(|n| n.contains(ip)) {
            info.kp = true;
            if info.country.is_none() {
                info.country = Some("KP".into());
            }
        }
        if let Some(asn) = info.asn {
            if let Some(name) = self.asns.get(&asn) {
                info.listed_anonymizer = Some(name.clone());
            }
        }
        if let Some((_, label)) = self.iocs.iter().find(|(n, _)| n.contains(ip)) {
            info.ioc = Some(label.clone());
        }
    }

    pub fn counts(&self) -> (usize, usize, usize) {
        (self.kp.len(), self.asns.len(), self.iocs.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_lists_parse() {
        let l = NetLists::builtin().unwrap();
        let (kp, asns, iocs) = l.counts();
        assert!(kp >= 1 && asns > 20 && iocs >= 2);
    }

    #[test]
    fn asn_list_marks_lookups() {
        let l = NetLists::parse(
            "cidr\n",
            "asn,name,kind\nAS9009,M247,hosting\n",
            "cidr,label\n",
        )
        .unwrap();
        let mut info = IpInfo {
            asn: Some(9009),
            ..IpInfo::default()
        };
        l.apply("203.0.113.1".parse().unwrap(), &mut info);
        assert_eq!(
            info.listed_anonymizer.as_deref(),
            Some("AS9009 M247 [hosting]")
        );
        assert!(info.anonymized());
    }

    #[test]
    fn bad_cidr_names_its_line() {
        let e = NetLists::parse("cidr\n1.2.3.4/99\n", "asn\n", "cidr\n").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.to_string().contains("kp_ranges.csv:2"));
    }
}
