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
    /// answer can serve a whole network, and the length of the prefix it holds for (the
    /// longest of the databases' networks around the address: every address of that network
    /// has the same key); `None` when there is no such key.
    fn network_key(&self, _ip: IpAddr) -> Option<(NetKey, u8)> {
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
    /// IPv4 blocks (/16, and /24 where a /16 is cut by smaller networks) that lie wholly
    /// inside one network of every database, with that network's key: another address of
    /// such a block needs no walk of the databases' trees (that walk was most of the cost of
    /// a new sign-in address). Keyed by the block's first address and prefix length.
    by_block: FxHashMap<(u32, u8), NetKey>,
    /// Entries `by_ip` holds before it is cleared ([`IP_CACHE`]; smaller in tests).
    ip_cache: usize,
    /// Entries `by_block` holds before it is cleared ([`BLOCK_CACHE`]; smaller in tests).
    block_cache: usize,
}

/// Addresses kept in the per-address cache before it is cleared. Small on purpose: it serves
/// addresses that recur soon (an office's or a VPN's exit, a candidate's interview address
/// after its sign-ins), while most sign-in addresses are new and are answered per network.
/// At 2M entries it grew to about 140 MB at 1M candidates with almost no hits; at 64k it is
/// 2-4 MB and stays in cache (peak at 100k candidates 544 -> 520 MB, instructions +0.1%).
const IP_CACHE: usize = 1 << 16;

/// IPv4 blocks kept before that cache is cleared: at most about 52 MB (a full table has 2^21
/// slots of 24 bytes and a control byte each; the memory is kept when it is cleared).
const BLOCK_CACHE: usize = 1 << 20;

/// The lengths of the IPv4 blocks answered from that cache, widest first.
const BLOCKS: [u8; 2] = [16, 24];

impl<'a> Enricher<'a> {
    pub fn new(geo: &'a dyn GeoLookup, lists: &'a NetLists) -> Enricher<'a> {
        Enricher {
            geo,
            lists,
            by_ip: FxHashMap::default(),
            by_net: FxHashMap::default(),
            by_block: FxHashMap::default(),
            ip_cache: IP_CACHE,
            block_cache: BLOCK_CACHE,
        }
    }

    pub fn lookup(&mut self, ip: IpAddr) -> Arc<IpInfo> {
        if let Some(i) = self.by_ip.get(&ip) {
            return Arc::clone(i);
        }
        // Lists that name single addresses (North Korea's range, indicator IPs) make an
        // address differ from its network: those get an answer of their own.
        let shared = !non_public(ip) && !self.lists.names_address(ip);
        let key = if shared { self.network_key(ip) } else { None };
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
        if self.by_ip.len() >= self.ip_cache {
            self.by_ip.clear();
        }
        self.by_ip.insert(ip, Arc::clone(&info));
        info
    }

    /// The databases' key for `ip`, from its block when an address of the block was looked
    /// up before and the block lies inside one network of every database.
    fn network_key(&mut self, ip: IpAddr) -> Option<NetKey> {
        let IpAddr::V4(v4) = ip else {
            return self.geo.network_key(ip).map(|(key, _)| key);
        };
        let block = |len: u8| (u32::from(v4) & (u32::MAX << (32 - len)), len);
        for len in BLOCKS {
            if let Some(key) = self.by_block.get(&block(len)) {
                return Some(*key);
            }
        }
        let (key, prefix) = self.geo.network_key(ip)?;
        if let Some(len) = BLOCKS.into_iter().find(|&len| prefix <= len) {
            if self.by_block.len() >= self.block_cache {
                self.by_block.clear();
            }
            self.by_block.insert(block(len), key);
        }
        Some(key)
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

    /// Networks as a database's tree holds them, counting the walks of the tree.
    struct Tree {
        nets: Vec<(ipnetwork::IpNetwork, &'static str)>,
        walks: std::sync::atomic::AtomicUsize,
    }

    impl Tree {
        /// The most specific network holding `ip`, by position.
        fn holding(&self, ip: IpAddr) -> Option<usize> {
            (0..self.nets.len())
                .filter(|&k| self.nets[k].0.contains(ip))
                .max_by_key(|&k| self.nets[k].0.prefix())
        }
    }

    impl GeoLookup for Tree {
        fn lookup(&self, ip: IpAddr) -> IpInfo {
            IpInfo {
                city: self.holding(ip).map(|k| self.nets[k].1.into()),
                ..IpInfo::default()
            }
        }
        fn layers(&self) -> Layers {
            Layers::default()
        }
        /// As a tree answers: the leaf around `ip` is the widest block holding no more
        /// specific network than the one that holds `ip`.
        fn network_key(&self, ip: IpAddr) -> Option<(NetKey, u8)> {
            self.walks
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let k = self.holding(ip);
            let from = k.map_or(0, |k| self.nets[k].0.prefix());
            let leaf = (from..=32).find(|&p| {
                let block = ipnetwork::IpNetwork::new(ip, p).unwrap();
                let block = ipnetwork::IpNetwork::new(block.network(), p).unwrap();
                !self
                    .nets
                    .iter()
                    .any(|(n, _)| n.prefix() > p && block.contains(n.network()))
            });
            let key = k.map_or(u32::MAX, |k| k as u32);
            Some(([key, u32::MAX, u32::MAX, u32::MAX], leaf.unwrap_or(32)))
        }
    }

    /// An address whose /16 or /24 block lies inside one network of the databases is
    /// answered from the block after the first; a block cut by a smaller network is not, and
    /// every answer is the one looked up afresh.
    #[test]
    fn addresses_of_a_block_inside_one_network_share_its_answer() {
        let tree = Tree {
            nets: vec![
                ("81.0.0.0/16".parse().unwrap(), "Wide"),
                ("81.0.7.0/26".parse().unwrap(), "Narrow"),
                ("82.5.5.0/24".parse().unwrap(), "Block"),
                ("83.1.0.0/16".parse().unwrap(), "Whole"),
            ],
            walks: Default::default(),
        };
        let lists = NetLists::builtin().unwrap();
        let mut e = Enricher::new(&tree, &lists);
        let walks = || tree.walks.load(std::sync::atomic::Ordering::Relaxed);
        let mut ask = |ip: &str| {
            let ip: IpAddr = ip.parse().unwrap();
            let info = e.lookup(ip);
            assert_eq!(info.city, lookup_uncached(&tree, &lists, ip).city, "{ip}");
            info.city.clone()
        };
        assert_eq!(ask("81.0.1.1").as_deref(), Some("Wide"));
        assert_eq!(ask("81.0.1.2").as_deref(), Some("Wide"));
        assert_eq!(
            walks(),
            1,
            "the second address of the block is answered from it"
        );
        assert_eq!(ask("82.5.5.1").as_deref(), Some("Block"));
        assert_eq!(ask("82.5.5.77").as_deref(), Some("Block"));
        assert_eq!(walks(), 2);
        // 81.0.7.0/24 holds the narrow network: each address walks the tree.
        assert_eq!(ask("81.0.7.200").as_deref(), Some("Wide"));
        assert_eq!(ask("81.0.7.1").as_deref(), Some("Narrow"));
        assert_eq!(ask("81.0.7.2").as_deref(), Some("Narrow"));
        assert_eq!(ask("81.0.7.201").as_deref(), Some("Wide"));
        assert_eq!(walks(), 6);
        // A /16 with no smaller network in it: one walk for all of it.
        assert_eq!(ask("83.1.2.3").as_deref(), Some("Whole"));
        assert_eq!(ask("83.1.200.9").as_deref(), Some("Whole"));
        assert_eq!(walks(), 7);
        // Outside every network, and an IPv6 address, as looked up afresh.
        assert_eq!(ask("9.9.9.9"), None);
        assert_eq!(ask("2001:db8::1"), None);
    }

    /// With the sample databases, the enricher's answers (per address, per network and per
    /// block) are the ones looked up afresh, for addresses in and around every block of the
    /// sample's networks and in order that revisits blocks.
    #[test]
    fn cached_answers_from_real_databases_are_fresh_answers() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/geo");
        let all = ["City.mmdb", "ASN.mmdb", "Anonymous-IP.mmdb"].map(|f| dir.join(f));
        let geo = crate::enrich::mmdb::MmdbGeo::open(&all).unwrap();
        let lists = NetLists::builtin().unwrap();
        let mut e = Enricher::new(&geo, &lists);
        let mut x: u64 = 11;
        let mut located = 0;
        let mut asked: Vec<IpAddr> = Vec::new();
        for n in 0..20_000 {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            // Every tenth lookup asks again for an address asked about a while ago (the
            // per-address cache's answer).
            if n % 10 == 9 {
                let again = asked[asked.len() - 1 - (x >> 40) as usize % asked.len().min(100)];
                assert_eq!(
                    *e.lookup(again),
                    lookup_uncached(&geo, &lists, again),
                    "{again}"
                );
                continue;
            }
            // Mostly the /16s the samples' addresses fall in (and /24s inside some), a few
            // anywhere.
            const SIXTEENS: [u32; 14] = [
                0x2d5a, 0x180a, 0x3a15, 0x7350, 0x5f1e, 0x180c, 0x180b, 0x180d, 0x5332, 0x3a14,
                0x5546, 0x2d5b, 0x8ed6, 0xaf2d,
            ];
            let r = (x >> 16) as u32;
            let high = match SIXTEENS.get((x >> 59) as usize) {
                Some(&h) => h << 16,
                None => r & 0xffff_0000,
            };
            let ip = IpAddr::from(std::net::Ipv4Addr::from(high | (r & 0xffff)));
            asked.push(ip);
            let got = e.lookup(ip);
            assert_eq!(*got, lookup_uncached(&geo, &lists, ip), "{ip}");
            located += got.country.is_some() as u32;
        }
        assert!(
            located > 1_000,
            "the addresses reach the sample's networks: {located}"
        );
    }

    /// A tree of whole /16 networks (each its own block), one /24 network (a /24 block) and
    /// a /16 cut by a /26, for the cache-clearing tests.
    fn blocks_tree() -> Tree {
        Tree {
            nets: vec![
                ("50.0.0.0/16".parse().unwrap(), "Zero"),
                ("50.1.0.0/16".parse().unwrap(), "One"),
                ("50.2.0.0/16".parse().unwrap(), "Two"),
                ("50.3.0.0/16".parse().unwrap(), "Three"),
                ("61.1.1.0/24".parse().unwrap(), "Block"),
                ("81.0.0.0/16".parse().unwrap(), "Wide"),
                ("81.0.7.0/26".parse().unwrap(), "Narrow"),
            ],
            walks: Default::default(),
        }
    }

    /// When the per-address cache is full it is cleared (its length drops to the one new
    /// address), and every answer afterwards, including those for addresses asked about
    /// before the clear, equals both the answer given before it and the one looked up afresh.
    /// Covers shared, list-named, non-public and IPv6 addresses.
    #[test]
    fn per_address_cache_is_cleared_when_full_and_answers_stay_fresh() {
        let tree = blocks_tree();
        let lists = NetLists::builtin().unwrap();
        let mut e = Enricher::new(&tree, &lists);
        assert_eq!(e.ip_cache, IP_CACHE, "production limit by default");
        e.ip_cache = 4;
        let first: Vec<IpAddr> = ["50.0.1.1", "175.45.177.1", "10.1.2.3", "2001:db8::1"]
            .iter()
            .map(|s| s.parse().unwrap())
            .collect();
        let mut before = Vec::new();
        for (n, &ip) in first.iter().enumerate() {
            let info = e.lookup(ip);
            assert_eq!(*info, lookup_uncached(&tree, &lists, ip), "{ip}");
            assert_eq!(e.by_ip.len(), n + 1, "filling, after {ip}");
            before.push(info);
        }
        assert_eq!(before[0].city.as_deref(), Some("Zero"));
        assert!(before[1].kp, "the list still applies");
        assert!(before[2].non_public);
        // The cache is full: the next new address clears it.
        let next: IpAddr = "50.1.1.1".parse().unwrap();
        let info = e.lookup(next);
        assert_eq!(*info, lookup_uncached(&tree, &lists, next));
        assert_eq!(info.city.as_deref(), Some("One"));
        assert_eq!(e.by_ip.len(), 1, "the cache was cleared");
        for ip in &first {
            assert!(!e.by_ip.contains_key(ip), "{ip} was dropped by the clear");
        }
        // The addresses asked about before the clear get the same answers again.
        for (n, &ip) in first.iter().enumerate() {
            let again = e.lookup(ip);
            assert_eq!(*again, *before[n], "{ip} as before the clear");
            assert_eq!(*again, lookup_uncached(&tree, &lists, ip), "{ip} afresh");
            assert!(e.by_ip.len() <= e.ip_cache, "bounded after {ip}");
        }
        // The last of those crossed the limit again: cleared a second time.
        assert_eq!(e.by_ip.len(), 1, "cleared again on the fourth re-ask");
        assert!(e.by_ip.contains_key(&first[3]));
    }

    /// When the block cache is full it is cleared (its length drops to the one new block),
    /// answers after the clear equal those before it and those looked up afresh, and a /16
    /// or /24 block cached before the clear is walked once more, answered correctly and
    /// cached again.
    #[test]
    fn block_cache_is_cleared_when_full_and_blocks_are_relearnt() {
        let tree = blocks_tree();
        let lists = NetLists::builtin().unwrap();
        let mut e = Enricher::new(&tree, &lists);
        assert_eq!(e.block_cache, BLOCK_CACHE, "production limit by default");
        e.block_cache = 3;
        let walks = || tree.walks.load(std::sync::atomic::Ordering::Relaxed);
        let ask = |e: &mut Enricher, ip: &str| {
            let ip: IpAddr = ip.parse().unwrap();
            let info = e.lookup(ip);
            assert_eq!(*info, lookup_uncached(&tree, &lists, ip), "{ip}");
            info
        };
        let zero = (u32::from(std::net::Ipv4Addr::new(50, 0, 0, 0)), 16);
        let block = (u32::from(std::net::Ipv4Addr::new(61, 1, 1, 0)), 24);
        // Fill the cache: two /16 blocks and a /24 one.
        let zero_before = ask(&mut e, "50.0.1.1");
        let block_before = ask(&mut e, "61.1.1.10");
        let one_before = ask(&mut e, "50.1.1.1");
        assert_eq!(zero_before.city.as_deref(), Some("Zero"));
        assert_eq!(block_before.city.as_deref(), Some("Block"));
        assert_eq!(one_before.city.as_deref(), Some("One"));
        assert_eq!(e.by_block.len(), 3);
        assert!(e.by_block.contains_key(&zero) && e.by_block.contains_key(&block));
        assert_eq!(walks(), 3);
        // Another address of a cached block is answered from it, with no walk.
        assert_eq!(*ask(&mut e, "50.0.2.2"), *zero_before);
        assert_eq!(walks(), 3);
        // A new block when the cache is full clears it.
        assert_eq!(ask(&mut e, "50.2.1.1").city.as_deref(), Some("Two"));
        assert_eq!(walks(), 4);
        assert_eq!(e.by_block.len(), 1, "the cache was cleared");
        assert!(!e.by_block.contains_key(&zero) && !e.by_block.contains_key(&block));
        // The blocks cached before the clear are walked again and answered as before.
        assert_eq!(*ask(&mut e, "50.0.3.3"), *zero_before);
        assert_eq!(walks(), 5, "the /16 block was forgotten");
        assert_eq!(*ask(&mut e, "61.1.1.20"), *block_before);
        assert_eq!(walks(), 6, "the /24 block was forgotten");
        assert_eq!(e.by_block.len(), 3);
        // Cached again under the same keys as before the clear (the networks' positions).
        let key = |k: u32| [k, u32::MAX, u32::MAX, u32::MAX];
        assert_eq!(e.by_block.get(&zero), Some(&key(0)));
        assert_eq!(e.by_block.get(&block), Some(&key(4)));
        // And are cached again: further addresses of them need no walk.
        assert_eq!(*ask(&mut e, "50.0.4.4"), *zero_before);
        assert_eq!(*ask(&mut e, "61.1.1.30"), *block_before);
        assert_eq!(walks(), 6);
        // A cut /16 is cached as /24 blocks; the next new block clears the cache again.
        assert_eq!(ask(&mut e, "81.0.1.1").city.as_deref(), Some("Wide"));
        assert_eq!(e.by_block.len(), 1, "cleared a second time");
        assert!(e
            .by_block
            .contains_key(&(u32::from(std::net::Ipv4Addr::new(81, 0, 1, 0)), 24)));
        assert_eq!(ask(&mut e, "81.0.7.1").city.as_deref(), Some("Narrow"));
        assert_eq!(*ask(&mut e, "50.1.2.2"), *one_before);
        assert!(e.by_block.len() <= e.block_cache);
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
