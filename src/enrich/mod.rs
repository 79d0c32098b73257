//! Enrichment: what is known about an IP address (MaxMind-format databases plus the lists
//! shipped in `rules/lists/`) and where a claimed place is (the bundled gazetteer). Lookups go
//! through the [`GeoLookup`] trait so rule tests can use a fixed table instead of databases;
//! [`Enricher`] adds the lists and caches one answer per address.

pub mod gazetteer;
pub mod lists;
pub mod mmdb;

use crate::model::IpInfo;
use lists::NetLists;
use rustc_hash::FxHashMap;
use std::net::IpAddr;
use std::sync::Arc;

/// Exact identity of an answer: the record offset in each database (`u32::MAX` = no record).
pub type NetKey = [u32; 4];

/// Which kinds of database a lookup can consult (rules that need one say so when it is absent).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Layers {
    pub city: bool,
    pub country: bool,
    pub asn: bool,
    pub anonymous: bool,
}

/// A source of per-address facts.
pub trait GeoLookup: Send + Sync {
    fn lookup(&self, ip: IpAddr) -> IpInfo;
    fn layers(&self) -> Layers;
    /// A key shared by every address the databases describe with the same records, so one
    /// answer can serve a whole network; `None` when there is no such key.
    fn network_key(&self, _ip: IpAddr) -> Option<NetKey> {
        None
    }
}

/// No databases at all: lists still apply.
pub struct NoGeo;

impl GeoLookup for NoGeo {
    fn lookup(&self, _ip: IpAddr) -> IpInfo {
        IpInfo::default()
    }
    fn layers(&self) -> Layers {
        Layers::default()
    }
}

/// A fixed table of networks, for rule tests and unit tests.
#[derive(Default)]
pub struct StaticGeo {
    pub entries: Vec<(ipnetwork::IpNetwork, IpInfo)>,
}

impl GeoLookup for StaticGeo {
    fn lookup(&self, ip: IpAddr) -> IpInfo {
        // Most specific network wins.
        self.entries
            .iter()
            .filter(|(n, _)| n.contains(ip))
            .max_by_key(|(n, _)| n.prefix())
            .map(|(_, i)| i.clone())
            .unwrap_or_default()
    }
    fn layers(&self) -> Layers {
        Layers {
            city: true,
            country: true,
            asn: true,
            anonymous: true,
        }
    }
}

/// True for addresses no database places: private, loopback, link-local, CGNAT, documentation
/// and other reserved ranges.
pub fn non_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || o[0] == 0
                || o[0] >= 224
                || (o[0] == 100 && (o[1] & 0xC0) == 64)
        }
        IpAddr::V6(v6) => {
            let s = v6.segments();
            v6.is_loopback()
                || v6.is_unspecified()
                || (s[0] & 0xfe00) == 0xfc00
                || (s[0] & 0xffc0) == 0xfe80
                || (s[0] & 0xff00) == 0xff00
        }
    }
}

/// Databases + lists, with one cached answer per address.
pub struct Enricher<'a> {
    geo: &'a dyn GeoLookup,
    lists: &'a NetLists,
    /// Recent addresses (bounded: cleared when full).
    by_ip: FxHashMap<IpAddr, Arc<IpInfo>>,
    /// One answer per database network: memory grows with networks, not addresses.
    by_net: FxHashMap<NetKey, Arc<IpInfo>>,
}

/// Addresses kept in the per-address cache before it is cleared. Small on purpose: it serves
/// addresses that recur soon (an office's or a VPN's exit, a candidate's interview address
/// after its sign-ins), while most sign-in addresses are new and are answered per network.
/// At 2M entries it grew to about 140 MB at 1M candidates with almost no hits; at 64k it is
/// 2-4 MB and stays in cache (peak at 100k candidates 544 -> 520 MB, instructions +0.1%).
const IP_CACHE: usize = 1 << 16;

impl<'a> Enricher<'a> {
    pub fn new(geo: &'a dyn GeoLookup, lists: &'a NetLists) -> Enricher<'a> {
        Enricher {
            geo,
            lists,
            by_ip: FxHashMap::default(),
            by_net: FxHashMap::default(),
        }
    }

    pub fn lookup(&mut self, ip: IpAddr) -> Arc<IpInfo> {
        if let Some(i) = self.by_ip.get(&ip) {
            return Arc::clone(i);
        }
        // Lists that name single addresses (North Korea's range, indicator IPs) make an
        // address differ from its network: those get an answer of their own.
        let shared = !non_public(ip) && !self.lists.names_address(ip);
        let key = if shared {
            self.geo.network_key(ip)
        } else {
            None
        };
        let info = match key.and_then(|k| self.by_net.get(&k)) {
            Some(i) => Arc::clone(i),
            None => {
                let info = Arc::new(lookup_uncached(self.geo, self.lists, ip));
                if let Some(k) = key {
                    self.by_net.insert(k, Arc::clone(&info));
                }
                info
            }
        };
        if self.by_ip.len() >= IP_CACHE {
            self.by_ip.clear();
        }
        self.by_ip.insert(ip, Arc::clone(&info));
        info
    }
}

/// One lookup: database answer, then the lists on top.
pub fn lookup_uncached(geo: &dyn GeoLookup, lists: &NetLists, ip: IpAddr) -> IpInfo {
    let mut info = if non_public(ip) {
        IpInfo {
            non_public: true,
            ..IpInfo::default()
        }
    } else {
        geo.lookup(ip)
    };
    lists.apply(ip, &mut info);
    info
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_ranges_are_not_public() {
        for s in [
            "10.1.2.3",
            "192.168.0.1",
            "100.64.3.4",
            "127.0.0.1",
            "fe80::1",
            "fd00::1",
        ] {
            assert!(non_public(s.parse().unwrap()), "{s}");
        }
        for s in ["8.8.8.8", "175.45.176.9", "2001:4860::1"] {
            assert!(!non_public(s.parse().unwrap()), "{s}");
        }
    }

    #[test]
    fn lists_apply_without_databases() {
        let lists = NetLists::builtin().unwrap();
        let mut e = Enricher::new(&NoGeo, &lists);
        assert!(e.lookup("175.45.177.1".parse().unwrap()).kp);
        assert!(e.lookup("142.214.202.2".parse().unwrap()).ioc.is_some());
        assert!(!e.lookup("8.8.8.8".parse().unwrap()).kp);
    }
}
