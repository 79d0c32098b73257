//! MaxMind-format databases (`.mmdb`), read with the `maxminddb` crate. City, Country, ASN and
//! Anonymous-IP files (MaxMind's GeoIP2 layouts, DB-IP Lite, the project's synthetic ones) are
//! told apart by the `database_type` in their own metadata, never by file name. Records are
//! decoded into small borrowed structs: only the fields the rules use are read.

use super::{GeoLookup, Layers, NetKey};
use crate::model::IpInfo;
use maxminddb::Reader;
use serde::{Deserialize, Serialize};
use std::net::IpAddr;
use std::path::Path;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum GeoError {
    #[error("{file}: cannot open as a MaxMind-format database: {reason}")]
    Open { file: String, reason: String },
    #[error("{file}: database_type {kind:?} is not City, Country, ASN or Anonymous-IP")]
    UnknownType { file: String, kind: String },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DbKind {
    City,
    Country,
    Asn,
    AnonymousIp,
}

/// What a database is, as reported in the summary.
#[derive(Clone, Debug, Serialize)]
pub struct DbInfo {
    pub file: String,
    #[serde(rename = "type")]
    pub database_type: String,
    pub kind: DbKind,
    pub build_date: String,
}

pub fn classify(database_type: &str) -> Option<DbKind> {
    let t = database_type.to_ascii_lowercase();
    if t.contains("anonymous") || t.contains("proxy") {
        Some(DbKind::AnonymousIp)
    } else if t.contains("city") {
        Some(DbKind::City)
    } else if t.contains("asn") || t.contains("isp") {
        Some(DbKind::Asn)
    } else if t.contains("country") {
        Some(DbKind::Country)
    } else {
        None
    }
}

#[derive(Deserialize, Default)]
struct Names<'a> {
    #[serde(borrow, default)]
    en: Option<&'a str>,
}

#[derive(Deserialize, Default)]
struct Place<'a> {
    #[serde(borrow, default)]
    iso_code: Option<&'a str>,
    #[serde(borrow, default)]
    names: Option<Names<'a>>,
}

#[derive(Deserialize, Default)]
struct Location<'a> {
    latitude: Option<f64>,
    longitude: Option<f64>,
    /// uint16 in the GeoIP2 layout; the decoder is strict about widths.
    accuracy_radius: Option<u16>,
    #[serde(borrow, default)]
    time_zone: Option<&'a str>,
}

#[derive(Deserialize, Default)]
struct CityRec<'a> {
    #[serde(borrow, default)]
    country: Option<Place<'a>>,
    #[serde(borrow, default)]
    subdivisions: Option<Vec<Place<'a>>>,
    #[serde(borrow, default)]
    city: Option<Place<'a>>,
    #[serde(borrow, default)]
    location: Option<Location<'a>>,
    /// Flat layouts (ip-location-db) carry only this.
    #[serde(borrow, default)]
    country_code: Option<&'a str>,
}

#[derive(Deserialize, Default)]
struct AsnRec<'a> {
    autonomous_system_number: Option<u32>,
    #[serde(borrow, default)]
    autonomous_system_organization: Option<&'a str>,
    #[serde(borrow, default)]
    country: Option<Place<'a>>,
    #[serde(borrow, default)]
    country_code: Option<&'a str>,
}

#[derive(Deserialize, Default)]
struct AnonRec {
    is_anonymous: Option<bool>,
    is_anonymous_vpn: Option<bool>,
    is_hosting_provider: Option<bool>,
    is_public_proxy: Option<bool>,
    is_residential_proxy: Option<bool>,
    is_tor_exit_node: Option<bool>,
}

struct Db {
    kind: DbKind,
    reader: Reader<Vec<u8>>,
}

/// The databases given with `--geoip`.
#[derive(Default)]
pub struct MmdbGeo {
    dbs: Vec<Db>,
    pub infos: Vec<DbInfo>,
}

fn date_of(epoch: u64) -> String {
    chrono::DateTime::from_timestamp(epoch as i64, 0)
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

impl MmdbGeo {
    pub fn open(paths: &[impl AsRef<Path>]) -> Result<MmdbGeo, GeoError> {
        let mut g = MmdbGeo::default();
        for p in paths {
            let p = p.as_ref();
            let file = p.display().to_string();
            let reader = Reader::open_readfile(p).map_err(|e| GeoError::Open {
                file: file.clone(),
                reason: e.to_string(),
            })?;
            let md = reader.metadata();
            let kind = classify(&md.database_type).ok_or_else(|| GeoError::UnknownType {
                file: file.clone(),
                kind: md.database_type.clone(),
            })?;
            g.infos.push(DbInfo {
                file,
                database_type: md.database_type.clone(),
                kind,
                build_date: date_of(md.build_epoch),
            });
            g.dbs.push(Db { kind, reader });
        }
        Ok(g)
    }
}

fn non_empty(s: Option<&str>) -> Option<Box<str>> {
    s.map(str::trim).filter(|s| !s.is_empty()).map(Box::from)
}

fn fill_place(info: &mut IpInfo, rec: &CityRec<'_>) {
    let country = rec
        .country
        .as_ref()
        .and_then(|c| c.iso_code)
        .or(rec.country_code);
    if info.country.is_none() {
        info.country = non_empty(country).map(|c| c.to_ascii_uppercase().into());
    }
    if info.region.is_none() {
        info.region = rec
            .subdivisions
            .as_ref()
            .and_then(|s| s.first())
            .and_then(|s| non_empty(s.iso_code.or(s.names.as_ref().and_then(|n| n.en))));
    }
    if info.city.is_none() {
        info.city = non_empty(rec.city.as_ref().and_then(|c| c.names.as_ref()?.en));
    }
    if let Some(loc) = &rec.location {
        if info.lat.is_none() {
            info.lat = loc.latitude;
            info.lon = loc.longitude;
            info.accuracy_km = loc.accuracy_radius.map(u32::from);
        }
        if info.tz.is_none() {
            info.tz = non_empty(loc.time_zone);
        }
    }
}

impl GeoLookup for MmdbGeo {
    fn lookup(&self, ip: IpAddr) -> IpInfo {
        let mut info = IpInfo::default();
        for db in &self.dbs {
            // A v6 address in a v4-only database is an error, not a miss: treat as no data.
            let Ok(res) = db.reader.lookup(ip) else {
                continue;
            };
            match db.kind {
                DbKind::City | DbKind::Country => {
                    if let Ok(Some(rec)) = res.decode::<CityRec<'_>>() {
                        fill_place(&mut info, &rec);
                    }
                }
                DbKind::Asn => {
                    if let Ok(Some(rec)) = res.decode::<AsnRec<'_>>() {
                        if info.asn.is_none() {
                            info.asn = rec.autonomous_system_number;
                            info.asn_org = non_empty(rec.autonomous_system_organization);
                        }
                        if info.country.is_none() {
                            let c = rec
                                .country
                                .as_ref()
                                .and_then(|c| c.iso_code)
                                .or(rec.country_code);
                            info.country = non_empty(c);
                        }
                    }
                }
                DbKind::AnonymousIp => {
                    // Empty records ({}) exist in real files: all flags unknown = not anonymous.
                    if let Ok(Some(rec)) = res.decode::<AnonRec>() {
                        let t = |b: Option<bool>| b.unwrap_or(false);
                        info.anonymous |= t(rec.is_anonymous);
                        info.vpn |= t(rec.is_anonymous_vpn);
                        info.hosting |= t(rec.is_hosting_provider);
                        info.proxy |= t(rec.is_public_proxy) || t(rec.is_residential_proxy);
                        info.tor |= t(rec.is_tor_exit_node);
                    }
                }
            }
        }
        info
    }

    fn network_key(&self, ip: IpAddr) -> Option<(NetKey, u8)> {
        // The record offsets in every database identify the answer (tech.md §1.4).
        if self.dbs.len() > 4 {
            return None;
        }
        let mut key = [u32::MAX; 4];
        // The longest of the databases' prefixes: the network found, or the empty part of the
        // tree, around the address. The full length when a database cannot say.
        let full = if ip.is_ipv4() { 32 } else { 128 };
        let mut prefix = 0;
        for (k, db) in key.iter_mut().zip(&self.dbs) {
            let res = db.reader.lookup(ip).ok();
            *k = match res.as_ref().and_then(|r| r.offset()) {
                Some(o) => u32::try_from(o).ok()?,
                None => u32::MAX,
            };
            let p = match res.map(|r| r.network()) {
                Some(Ok(net)) if net.is_ipv4() == ip.is_ipv4() => net.prefix(),
                _ => full,
            };
            prefix = prefix.max(p);
        }
        Some((key, prefix))
    }

    fn layers(&self) -> Layers {
        let has = |k| self.dbs.iter().any(|d| d.kind == k);
        Layers {
            city: has(DbKind::City),
            country: has(DbKind::City) || has(DbKind::Country),
            asn: has(DbKind::Asn),
            anonymous: has(DbKind::AnonymousIp),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_come_from_database_type() {
        assert_eq!(classify("GeoIP2-City"), Some(DbKind::City));
        assert_eq!(classify("GeoLite2-Country"), Some(DbKind::Country));
        assert_eq!(classify("DBIP-City-Lite"), Some(DbKind::City));
        assert_eq!(
            classify("DBIP-ASN-Lite (compat=GeoLite2-ASN)"),
            Some(DbKind::Asn)
        );
        assert_eq!(classify("GeoIP2-Anonymous-IP"), Some(DbKind::AnonymousIp));
        assert_eq!(classify("hirescreen-Synthetic-City"), Some(DbKind::City));
        assert_eq!(classify("country ipvAll"), Some(DbKind::Country));
        assert_eq!(classify("GeoIP2-Connection-Type"), None);
    }

    #[test]
    fn a_non_database_file_is_a_clear_error() {
        let dir = std::env::temp_dir().join(format!("hs-mmdb-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("x.mmdb");
        std::fs::write(&p, b"not a database").unwrap();
        let e = MmdbGeo::open(&[&p]).err().unwrap();
        assert!(e.to_string().contains("x.mmdb"));
        std::fs::remove_dir_all(&dir).ok();
    }
}

#[cfg(test)]
mod sample_db_tests {
    use super::*;

    #[test]
    fn sample_city_database_decodes() {
        let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/geo/City.mmdb");
        let r = Reader::open_readfile(&p).unwrap();
        let res = r.lookup("58.20.9.9".parse().unwrap()).unwrap();
        let rec = res.decode::<CityRec<'_>>();
        assert!(rec.is_ok(), "{:?}", rec.err());
        let g = MmdbGeo::open(&[&p]).unwrap();
        let info = g.lookup("58.20.9.9".parse().unwrap());
        assert_eq!(info.country.as_deref(), Some("CN"));
        assert_eq!(info.city.as_deref(), Some("Shenyang"));
        assert!(info.lat.is_some());
    }

    /// The key comes with the longest of the databases' prefixes around the address: the
    /// sample's /16 and /24 networks, and the part of a tree with no record.
    #[test]
    fn a_network_key_holds_for_the_longest_prefix_around_the_address() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/geo");
        let city = dir.join("City.mmdb");
        let g = MmdbGeo::open(&[&city]).unwrap();
        let key = |ip: &str| g.network_key(ip.parse().unwrap()).unwrap();
        assert_eq!(key("58.20.9.9").1, 16);
        assert_eq!(key("58.20.9.9").0, key("58.20.200.1").0);
        assert_ne!(key("58.20.9.9").0, key("58.21.9.9").0);
        assert_eq!(key("142.214.202.9").1, 24);
        let all = ["City.mmdb", "ASN.mmdb", "Anonymous-IP.mmdb"].map(|f| dir.join(f));
        let g = MmdbGeo::open(&all).unwrap();
        let (k, prefix) = g.network_key("142.214.202.9".parse().unwrap()).unwrap();
        assert_eq!(prefix, 24);
        assert!(
            k[..3].iter().all(|&o| o != u32::MAX),
            "a record in each: {k:?}"
        );
        // An address no database holds: the empty part of the tree, still one key for it.
        let (k, prefix) = g.network_key("9.9.9.9".parse().unwrap()).unwrap();
        assert_eq!(k, [u32::MAX; 4]);
        assert!((1..=24).contains(&prefix), "{prefix}");
    }
}
