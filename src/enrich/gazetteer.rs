//! Claimed places to coordinates and time zones, from the bundled world-cities table
//! (`rules/data/cities.csv`, GeoNames, CC BY 4.0). Resolves "Houston, TX", "Houston" with
//! region "Texas", or a bare city within a claimed country; the most populous match wins.
//! Distances are great-circle kilometres.

use chrono_tz::Tz;
use rustc_hash::FxHashMap;

const CITIES: &str = include_str!("../../rules/data/cities.csv");

/// US state and territory names to their two-letter codes (GeoNames' admin1 for US).
const US_STATES: &[(&str, &str)] = &[
    ("alabama", "AL"),
    ("alaska", "AK"),
    ("arizona", "AZ"),
    ("arkansas", "AR"),
    ("california", "CA"),
    ("colorado", "CO"),
    ("connecticut", "CT"),
    ("delaware", "DE"),
    ("district of columbia", "DC"),
    ("florida", "FL"),
    ("georgia", "GA"),
    ("hawaii", "HI"),
    ("idaho", "ID"),
    ("illinois", "IL"),
    ("indiana", "IN"),
    ("iowa", "IA"),
    ("kansas", "KS"),
    ("kentucky", "KY"),
    ("louisiana", "LA"),
    ("maine", "ME"),
    ("maryland", "MD"),
    ("massachusetts", "MA"),
    ("michigan", "MI"),
    ("minnesota", "MN"),
    ("mississippi", "MS"),
    ("missouri", "MO"),
    ("montana", "MT"),
    ("nebraska", "NE"),
    ("nevada", "NV"),
    ("new hampshire", "NH"),
    ("new jersey", "NJ"),
    ("new mexico", "NM"),
    ("new york", "NY"),
    ("north carolina", "NC"),
    ("north dakota", "ND"),
    ("ohio", "OH"),
    ("oklahoma", "OK"),
    ("oregon", "OR"),
    ("pennsylvania", "PA"),
    ("rhode island", "RI"),
    ("south carolina", "SC"),
    ("south dakota", "SD"),
    ("tennessee", "TN"),
    ("texas", "TX"),
    ("utah", "UT"),
    ("vermont", "VT"),
    ("virginia", "VA"),
    ("washington", "WA"),
    ("west virginia", "WV"),
    ("wisconsin", "WI"),
    ("wyoming", "WY"),
    ("puerto rico", "PR"),
];

#[derive(Clone, Debug, PartialEq)]
pub struct Place {
    pub name: String,
    pub country: String,
    pub admin1: String,
    pub lat: f64,
    pub lon: f64,
    pub tz: Tz,
}

#[derive(Default)]
pub struct Gazetteer {
    places: Vec<Place>,
    /// Normalised city name → indices, most populous first.
    by_name: FxHashMap<String, Vec<u32>>,
    /// Country → the zone shared by all its cities, when they all share one UTC offset.
    country_tz: FxHashMap<String, Tz>,
}

/// Folds a place name: accents, case, punctuation, "St." for "Saint".
pub fn norm_place(s: &str) -> String {
    let ascii = crate::norm::fold(s);
    let mut out = String::with_capacity(ascii.len());
    for word in crate::norm::words(&ascii) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(match word {
            "st" => "saint",
            "ft" => "fort",
            "mt" => "mount",
            w => w,
        });
    }
    out
}

fn offset_now(tz: Tz) -> i32 {
    use chrono::{Offset, TimeZone};
    // A fixed instant in January so the comparison is stable and reproducible.
    tz.offset_from_utc_datetime(
        &chrono::NaiveDate::from_ymd_opt(2026, 1, 15)
            .and_then(|d| d.and_hms_opt(12, 0, 0))
            .unwrap_or_default(),
    )
    .fix()
    .local_minus_utc()
}

impl Gazetteer {
    pub fn builtin() -> Gazetteer {
        Gazetteer::parse(CITIES)
    }

    /// The bundled file's places (read from memory: the reader cannot fail on I/O there).
    fn parse(text: &'static str) -> Gazetteer {
        let mut g = Gazetteer::default();
        // The project's own reader (about a quarter of the `csv` crate's cost here, where
        // every scan pays for reading 34,000 places before its first row).
        let mut rdr = crate::ingest::csvparse::CsvRecords::new(Box::new(text.as_bytes()), b',');
        let mut rec = crate::ingest::csvparse::Record::new();
        let mut rows: Vec<(Place, u64, String, Option<String>)> = Vec::new();
        let mut header = true;
        while let Ok(Some(_)) = rdr.read(&mut rec) {
            if std::mem::take(&mut header) {
                continue;
            }
            let text = rec.text().unwrap_or("");
            let get = |i: usize| rec.range(i).and_then(|r| text.get(r)).unwrap_or("");
            let (Ok(lat), Ok(lon), Some(tz)) = (
                get(4).parse::<f64>(),
                get(5).parse::<f64>(),
                crate::ingest::values::parse_zone(get(6)),
            ) else {
                continue;
            };
            let pop = get(7).parse::<u64>().unwrap_or(0);
            rows.push((
                Place {
                    name: get(0).to_string(),
                    country: get(2).to_string(),
                    admin1: get(3).to_string(),
                    lat,
                    lon,
                    tz,
                },
                pop,
                norm_place(get(0)),
                // The ASCII name is most often the name itself.
                (get(1) != get(0)).then(|| norm_place(get(1))),
            ));
        }
        // Most populous first (stable: ties keep file order). The rows are large; their
        // positions are sorted, not the rows.
        let mut order: Vec<usize> = (0..rows.len()).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(rows[i].1));
        let mut rows: Vec<Option<_>> = rows.into_iter().map(Some).collect();
        let rows = order.into_iter().filter_map(|i| rows[i].take());
        let mut offsets: FxHashMap<String, (Tz, i32, bool)> = FxHashMap::default();
        // A few hundred zones among 34,000 places: each zone's offset is computed once.
        let mut zone_offsets: FxHashMap<Tz, i32> = FxHashMap::default();
        for (place, _, n1, n2) in rows {
            let idx = g.places.len() as u32;
            for key in std::iter::once(n1).chain(n2) {
                let v = g.by_name.entry(key).or_default();
                if !v.contains(&idx) {
                    v.push(idx);
                }
            }
            let off = *zone_offsets
                .entry(place.tz)
                .or_insert_with(|| offset_now(place.tz));
            offsets
                .entry(place.country.clone())
                .and_modify(|e| e.2 &= e.1 == off)
                .or_insert((place.tz, off, true));
            g.places.push(place);
        }
        g.country_tz = offsets
            .into_iter()
            .filter(|(_, (_, _, single))| *single)
            .map(|(c, (tz, _, _))| (c, tz))
            .collect();
        g
    }

    /// Resolves a claimed city (optionally "City, Region") in a claimed country and region.
    pub fn find(&self, city: &str, region: Option<&str>, country: Option<&str>) -> Option<&Place> {
        let (city, region) = match city.split_once(',') {
            Some((c, r)) if region.is_none() => (c, Some(r.trim())),
            Some((c, _)) => (c, region),
            None => (city, region),
        };
        let key = norm_place(city);
        let candidates = self.by_name.get(&key)?;
        let region_code = region.map(|r| {
            let n = norm_place(r);
            US_STATES
                .iter()
                .find(|(name, _)| *name == n)
                .map(|(_, c)| c.to_string())
                .unwrap_or_else(|| r.trim().to_ascii_uppercase())
        });
        let in_country = |p: &&Place| country.is_none_or(|c| p.country.eq_ignore_ascii_case(c));
        let iter = candidates.iter().map(|&i| &self.places[i as usize]);
        if let Some(rc) = &region_code {
            if let Some(p) = iter
                .clone()
                .filter(in_country)
                .find(|p| p.admin1.eq_ignore_ascii_case(rc))
            {
                return Some(p);
            }
        }
        iter.clone().find(in_country)
    }

    /// The zone of a country whose cities all share one UTC offset.
    pub fn country_tz(&self, iso2: &str) -> Option<Tz> {
        self.country_tz.get(&iso2.to_ascii_uppercase()).copied()
    }

    pub fn len(&self) -> usize {
        self.places.len()
    }

    pub fn is_empty(&self) -> bool {
        self.places.is_empty()
    }
}

/// Great-circle distance in kilometres.
pub fn distance_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = p2 - p1;
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * 6371.0 * a.sqrt().asin()
}

/// The UTC offset in hours of a zone at an instant.
pub fn offset_hours(tz: Tz, ts: i64) -> f64 {
    use chrono::{Offset, TimeZone};
    match tz.timestamp_opt(ts, 0).single() {
        Some(t) => t.offset().fix().local_minus_utc() as f64 / 3600.0,
        None => 0.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bundled places, read by the project's reader, field for field as the `csv` crate
    /// reads them (headers first; one name holds quotes).
    #[test]
    fn the_places_read_as_the_csv_crate_reads_them() {
        let mut ours = crate::ingest::csvparse::CsvRecords::new(Box::new(CITIES.as_bytes()), b',');
        let mut rec = crate::ingest::csvparse::Record::new();
        let mut theirs = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(CITIES.as_bytes());
        let mut n = 0;
        for want in theirs.byte_records() {
            assert!(ours.read(&mut rec).unwrap().is_some());
            let got: Vec<&[u8]> = rec.iter().collect();
            assert_eq!(got, want.unwrap().iter().collect::<Vec<_>>(), "record {n}");
            n += 1;
        }
        assert!(ours.read(&mut rec).unwrap().is_none());
        assert!(n > 30_000);
        assert!(CITIES.contains('"'));
        let g = Gazetteer::builtin();
        assert_eq!(g.places.len(), n - 1);
    }

    #[test]
    fn resolves_city_region_and_country() {
        let g = Gazetteer::builtin();
        assert!(g.len() > 30_000);
        let h = g.find("Houston, TX", None, Some("US")).unwrap();
        assert_eq!(h.tz, chrono_tz::America::Chicago);
        let h2 = g.find("Houston", Some("Texas"), None).unwrap();
        assert_eq!(h, h2);
        let p = g.find("portland", Some("OR"), Some("US")).unwrap();
        assert_eq!(p.admin1, "OR");
        let m = g.find("Zürich", None, Some("CH")).unwrap();
        assert_eq!(m.country, "CH");
        assert!(g.find("Nowhereville", None, None).is_none());
    }

    #[test]
    fn single_zone_countries_have_a_fallback_zone() {
        let g = Gazetteer::builtin();
        assert_eq!(g.country_tz("JP"), Some(chrono_tz::Asia::Tokyo));
        assert!(g.country_tz("US").is_none());
    }

    #[test]
    fn distances() {
        // Houston to Dallas is about 360 km.
        let d = distance_km(29.7633, -95.3633, 32.7831, -96.8067);
        assert!((340.0..380.0).contains(&d), "{d}");
        assert!(distance_km(1.0, 1.0, 1.0, 1.0) < 1e-9);
    }
}
