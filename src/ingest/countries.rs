//! Country names to ISO 3166 alpha-2: `US`, `USA`, `United States`, `Korea, Republic of` all
//! become `US`/`KR`. The table is `rules/data/countries.csv` (GeoNames, CC BY 4.0), compiled in.

use super::values::norm_header;
use std::collections::HashMap;

const BUILTIN: &str = include_str!("../../rules/data/countries.csv");

#[derive(Clone, Debug)]
pub struct Country {
    pub iso2: String,
    pub name: String,
    /// The zone of the country (or its capital), a fallback when no city is known.
    pub tz: String,
}

#[derive(Clone, Debug, Default)]
pub struct Countries {
    rows: Vec<Country>,
    by_key: HashMap<String, usize>,
}

impl Countries {
    pub fn builtin() -> Countries {
        Countries::parse(BUILTIN)
    }

    /// The built-in table, parsed once per process; what every stage uses.
    pub fn shared() -> &'static Countries {
        static SHARED: std::sync::LazyLock<Countries> =
            std::sync::LazyLock::new(Countries::builtin);
        &SHARED
    }

    pub fn parse(text: &str) -> Countries {
        let mut c = Countries::default();
        let mut rdr = csv::ReaderBuilder::new()
            .comment(Some(b'#'))
            .from_reader(text.as_bytes());
        let headers = rdr.headers().cloned().unwrap_or_default();
        let col = |n: &str| headers.iter().position(|h| h == n);
        let (Some(i2), Some(i3), Some(nm), al, tz) = (
            col("iso2"),
            col("iso3"),
            col("name"),
            col("aliases"),
            col("tz"),
        ) else {
            return c;
        };
        for rec in rdr.records().flatten() {
            let iso2 = rec.get(i2).unwrap_or("").trim().to_ascii_uppercase();
            if iso2.len() != 2 {
                continue;
            }
            let idx = c.rows.len();
            let name = rec.get(nm).unwrap_or("").to_string();
            let mut keys = vec![
                iso2.clone(),
                rec.get(i3).unwrap_or("").to_string(),
                name.clone(),
            ];
            if let Some(a) = al.and_then(|i| rec.get(i)) {
                keys.extend(a.split('|').map(String::from));
            }
            for k in keys {
                let k = norm_header(&k);
                if !k.is_empty() {
                    c.by_key.entry(k).or_insert(idx);
                }
            }
            c.rows.push(Country {
                iso2,
                name,
                tz: tz.and_then(|i| rec.get(i)).unwrap_or("").to_string(),
            });
        }
        c
    }

    fn find(&self, s: &str) -> Option<&Country> {
        // A two-letter code (most country cells) folds to its lower case: no allocation.
        if let &[a, b] = s.as_bytes() {
            if a.is_ascii_alphabetic() && b.is_ascii_alphabetic() {
                let key = [a.to_ascii_lowercase(), b.to_ascii_lowercase()];
                let key = std::str::from_utf8(&key).unwrap_or_default();
                return self.by_key.get(key).map(|&i| &self.rows[i]);
            }
        }
        self.by_key.get(&norm_header(s)).map(|&i| &self.rows[i])
    }

    /// ISO alpha-2 for a code or an English name; `None` when unknown.
    pub fn iso2(&self, s: &str) -> Option<&str> {
        self.find(s).map(|c| c.iso2.as_str())
    }

    pub fn get(&self, iso2: &str) -> Option<&Country> {
        self.find(iso2)
            .filter(|c| c.iso2.eq_ignore_ascii_case(iso2))
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_names_resolve() {
        let c = Countries::builtin();
        assert!(c.len() > 200);
        assert_eq!(c.iso2("us"), Some("US"));
        assert_eq!(c.iso2("USA"), Some("US"));
        assert_eq!(c.iso2("United States"), Some("US"));
        assert_eq!(c.iso2("Korea, Republic of"), Some("KR"));
        assert_eq!(c.iso2("Japan"), Some("JP"));
        assert_eq!(c.iso2("Atlantis"), None);
        assert_eq!(c.get("CN").map(|c| c.tz.as_str()), Some("Asia/Shanghai"));
    }

    #[test]
    fn two_letter_codes_find_what_the_folded_key_finds() {
        let c = Countries::builtin();
        for a in b'A'..=b'Z' {
            for b in [b'a', b'E', b'k', b'N', b'r', b'Z'] {
                let s = String::from_utf8(vec![a, b]).unwrap();
                let slow = c.by_key.get(&norm_header(&s)).map(|&i| &c.rows[i].iso2);
                assert_eq!(c.find(&s).map(|x| &x.iso2), slow, "{s}");
            }
        }
    }
}
