//! Parsing of cell values, once, at the edge: booleans, timestamps in every form SPEC §3
//! allows, IP addresses with ports or brackets, and header names. An empty cell is always
//! `None` (unknown), never false or zero.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use std::borrow::Cow;
use std::net::IpAddr;

/// Normalises a header for matching: case, white space and punctuation folded to `_`.
/// `"Autonomous system  number"` and `"autonomous_system_number"` are the same header.
pub fn norm_header(h: &str) -> String {
    let mut out = String::with_capacity(h.len());
    let mut gap = false;
    for c in h
        .trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
        .chars()
    {
        if c.is_alphanumeric() {
            if gap && !out.is_empty() {
                out.push('_');
            }
            gap = false;
            out.extend(c.to_lowercase());
        } else {
            gap = true;
        }
    }
    out
}

/// The words read as true, and as false, up to ASCII case.
pub const TRUE_WORDS: &[&str] = &["true", "yes", "y", "1", "t"];
const FALSE_WORDS: &[&str] = &["false", "no", "n", "0", "f"];

/// True when the value, without surrounding white space, is one of `words` (lowercase) up
/// to ASCII case.
pub fn is_one_of(s: &str, words: &[&str]) -> bool {
    one_of_trimmed(s.trim(), words)
}

/// [`is_one_of`] on a value already trimmed.
fn one_of_trimmed(t: &str, words: &[&str]) -> bool {
    words.iter().any(|w| w.eq_ignore_ascii_case(t))
}

/// `Ok(None)` for an empty cell; `Err` for a word that is not a boolean.
pub fn parse_bool(s: &str) -> Result<Option<bool>, String> {
    let t = s.trim();
    if t.is_empty() {
        return Ok(None);
    }
    if one_of_trimmed(t, TRUE_WORDS) {
        Ok(Some(true))
    } else if one_of_trimmed(t, FALSE_WORDS) {
        Ok(Some(false))
    } else {
        Err(format!(
            "{t:?} is not a boolean (true/false/yes/no/y/n/1/0)"
        ))
    }
}

/// The IANA zone of that exact name (as `str::parse::<Tz>` reads it), found in a table built
/// once with a fast hash: the parser's own lookup was a sixth of the cost of checking a
/// sign-in row, which names its browser's zone. Every zone name read goes through here.
pub fn parse_zone(name: &str) -> Option<Tz> {
    static ZONES: std::sync::LazyLock<rustc_hash::FxHashMap<&'static str, Tz>> =
        std::sync::LazyLock::new(|| {
            chrono_tz::TZ_VARIANTS
                .iter()
                .map(|tz| (tz.name(), *tz))
                .collect()
        });
    ZONES.get(name).copied()
}

/// A plain dotted-quad IPv4 address, as the standard parser reads one (four decimal octets
/// up to 255, no leading zeros), without its general machinery: sign-in logs are mostly
/// these, and parsing them was 2% of a scan. `None` sends the text to the general parser.
fn dotted_quad(b: &[u8]) -> Option<std::net::Ipv4Addr> {
    if !(7..=15).contains(&b.len()) {
        return None;
    }
    // One pass: the octets before the current one, and the current one's value and digits.
    let (mut octets, mut k) = ([0u8; 4], 0);
    let (mut v, mut digits) = (0u32, 0);
    for &c in b {
        if c == b'.' {
            if digits == 0 || k == 3 {
                return None;
            }
            octets[k] = u8::try_from(v).ok()?;
            (k, v, digits) = (k + 1, 0, 0);
            continue;
        }
        let d = c.wrapping_sub(b'0');
        // Not a digit, a fourth digit, or a digit after a leading zero.
        if d > 9 || digits == 3 || (digits == 1 && v == 0) {
            return None;
        }
        (v, digits) = (v * 10 + u32::from(d), digits + 1);
    }
    if k != 3 || digits == 0 {
        return None;
    }
    octets[3] = u8::try_from(v).ok()?;
    Some(std::net::Ipv4Addr::from(octets))
}

/// Parses an address, tolerating `ip:port`, `[v6]:port` and IPv4-mapped IPv6.
pub fn parse_ip(s: &str) -> Option<IpAddr> {
    let t = s.trim();
    if t.is_empty() {
        return None;
    }
    if let Some(v4) = dotted_quad(t.as_bytes()) {
        return Some(IpAddr::V4(v4));
    }
    let ip = if let Ok(ip) = t.parse::<IpAddr>() {
        ip
    } else if let Some(rest) = t.strip_prefix('[') {
        rest.split(']').next()?.parse().ok()?
    } else if let Some((host, port)) = t.rsplit_once(':') {
        if port.chars().all(|c| c.is_ascii_digit()) && !host.contains(':') {
            host.parse().ok()?
        } else {
            return None;
        }
    } else {
        return None;
    };
    Some(match ip {
        IpAddr::V6(v6) => v6
            .to_ipv4_mapped()
            .map(IpAddr::V4)
            .unwrap_or(IpAddr::V6(v6)),
        v4 => v4,
    })
}

/// Day/month order for slash or dot dates, settled once per file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateOrder {
    MonthFirst,
    DayFirst,
}

/// Timestamp parser for one file: knows the zone for zone-less values and the file's
/// day/month order, and remembers whether any value needed the zone.
#[derive(Debug)]
pub struct TsParser {
    pub tz: Tz,
    pub order: DateOrder,
    /// Set when a value without a zone was read in `tz` (so the report can say so). Atomic:
    /// rows are parsed on several threads.
    pub used_default_tz: std::sync::atomic::AtomicBool,
}

/// What the preview said about day/month order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OrderEvidence {
    /// A first field above 12 was seen.
    DayFirst,
    /// A second field above 12 was seen.
    MonthFirst,
    /// Only AM/PM clock times (a US-locale export) were seen.
    AmPm,
    /// Nothing settles it.
    Unknown,
}

/// Looks at slash/dot dates to settle day/month order.
pub fn order_evidence<'a>(values: impl Iterator<Item = &'a str>) -> OrderEvidence {
    let mut ampm = false;
    for v in values {
        let v = v.trim();
        let Some((a, b)) = split_date_prefix(v) else {
            continue;
        };
        if a > 12 {
            return OrderEvidence::DayFirst;
        }
        if b > 12 {
            return OrderEvidence::MonthFirst;
        }
        let u = v.to_ascii_uppercase();
        if u.ends_with("AM") || u.ends_with("PM") {
            ampm = true;
        }
    }
    if ampm {
        OrderEvidence::AmPm
    } else {
        OrderEvidence::Unknown
    }
}

fn split_date_prefix(v: &str) -> Option<(u32, u32)> {
    let sep = if v.contains('/') {
        '/'
    } else if v.contains('.') && !v.contains('-') {
        '.'
    } else {
        return None;
    };
    let mut it = v.split(sep);
    let a = it.next()?.trim().parse().ok()?;
    let b = it.next()?.trim().parse().ok()?;
    Some((a, b))
}

impl TsParser {
    pub fn new(tz: Tz, order: DateOrder) -> TsParser {
        TsParser {
            tz,
            order,
            used_default_tz: std::sync::atomic::AtomicBool::new(false),
        }
    }

    /// Seconds since the epoch (UTC). `Ok(None)` for an empty cell.
    /// Whether any value so far was read in the default zone.
    pub fn used_default_tz(&self) -> bool {
        self.used_default_tz
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    pub fn parse(&self, s: &str) -> Result<Option<i64>, String> {
        let t = s.trim();
        if t.is_empty() {
            return Ok(None);
        }
        self.parse_nonempty(t)
            .map(Some)
            .ok_or_else(|| format!("{t:?} is not a timestamp this tool reads"))
    }

    fn parse_nonempty(&self, t: &str) -> Option<i64> {
        let b = t.as_bytes();
        if let Some(ts) = fast_utc(b) {
            return Some(ts);
        }
        // Epoch seconds or milliseconds.
        if b.iter().all(|c| c.is_ascii_digit() || *c == b'.') && b[0].is_ascii_digit() {
            let n: f64 = t.parse().ok()?;
            if !(0.0..1e14).contains(&n) {
                return None;
            }
            return Some(if n >= 1e11 {
                (n / 1000.0) as i64
            } else {
                n as i64
            });
        }
        // RFC 3339 / ISO 8601 with a zone.
        if b.len() >= 10 && b[4] == b'-' {
            if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
                return Some(dt.timestamp());
            }
            let spaced = t.replacen(' ', "T", 1);
            if let Ok(dt) = DateTime::parse_from_rfc3339(&spaced) {
                return Some(dt.timestamp());
            }
            for f in ["%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%dT%H:%M:%S%.f %z"] {
                if let Ok(dt) = DateTime::parse_from_str(&spaced, f) {
                    return Some(dt.timestamp());
                }
            }
            for f in [
                "%Y-%m-%dT%H:%M:%S%.f",
                "%Y-%m-%dT%H:%M",
                "%Y-%m-%dT%H:%M:%S%.fZ",
            ] {
                if let Ok(n) = NaiveDateTime::parse_from_str(&spaced, f) {
                    if f.ends_with('Z') {
                        return Some(n.and_utc().timestamp());
                    }
                    return self.local(n);
                }
            }
            if let Ok(d) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
                return self.local(d.and_time(NaiveTime::MIN));
            }
            return None;
        }
        // M/D/Y or D/M/Y (slash or dot), optional comma, optional time with AM/PM.
        self.parse_locale(t)
    }

    fn local(&self, n: NaiveDateTime) -> Option<i64> {
        self.used_default_tz
            .store(true, std::sync::atomic::Ordering::Relaxed);
        self.tz
            .from_local_datetime(&n)
            .earliest()
            .map(|d| d.with_timezone(&Utc).timestamp())
    }

    fn parse_locale(&self, t: &str) -> Option<i64> {
        let (date, time) = match t.find([' ', ',']) {
            Some(i) => (&t[..i], t[i..].trim_start_matches([',', ' '])),
            None => (t, ""),
        };
        let sep = if date.contains('/') { '/' } else { '.' };
        let parts: Vec<&str> = date.split(sep).collect();
        if parts.len() != 3 {
            return None;
        }
        let a: u32 = parts[0].parse().ok()?;
        let b: u32 = parts[1].parse().ok()?;
        let mut y: i32 = parts[2].parse().ok()?;
        if parts[2].len() <= 2 {
            y += 2000;
        }
        let (m, d) = match self.order {
            DateOrder::MonthFirst => (a, b),
            DateOrder::DayFirst => (b, a),
        };
        let date = NaiveDate::from_ymd_opt(y, m, d)?;
        let time = if time.is_empty() {
            NaiveTime::MIN
        } else {
            parse_clock(time)?
        };
        self.local(date.and_time(time))
    }
}

/// `YYYY-MM-DDTHH:MM:SS[.fff]Z`, the shape of nearly every machine-written sign-in time, read
/// without the general parser. Anything else (offsets, odd dates) falls through to it.
fn fast_utc(b: &[u8]) -> Option<i64> {
    if b.len() < 20
        || b[4] != b'-'
        || b[7] != b'-'
        || (b[10] != b'T' && b[10] != b' ')
        || b[13] != b':'
        || b[16] != b':'
        || *b.last()? != b'Z'
    {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        b[r].iter().try_fold(0i64, |acc, c| {
            c.is_ascii_digit().then(|| acc * 10 + (c - b'0') as i64)
        })
    };
    let frac = &b[19..b.len() - 1];
    if !(frac.is_empty()
        || (frac[0] == b'.' && frac.len() > 1 && frac[1..].iter().all(u8::is_ascii_digit)))
    {
        return None;
    }
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hh, mm, ss) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if hh > 23 || mm > 59 || ss > 60 {
        return None;
    }
    let days = days_from_civil(y, m, d)?;
    Some(days * 86_400 + hh * 3600 + mm * 60 + ss.min(59))
}

/// Days from 1970-01-01 to a proleptic Gregorian date; `None` for a date that does not exist
/// (month 13, Feb 30, Feb 29 outside leap years). The civil-from-days inverse of H. Hinnant's
/// "chrono-Compatible Low-Level Date Algorithms"; a test checks it against chrono.
fn days_from_civil(y: i64, m: i64, d: i64) -> Option<i64> {
    let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    let month_days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    if d < 1 || d > month_days {
        return None;
    }
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

fn parse_clock(t: &str) -> Option<NaiveTime> {
    let u = t.trim().to_ascii_uppercase();
    let (clock, pm) = if let Some(c) = u.strip_suffix("PM") {
        (c.trim(), Some(true))
    } else if let Some(c) = u.strip_suffix("AM") {
        (c.trim(), Some(false))
    } else {
        (u.as_str(), None)
    };
    let mut it = clock.split(':');
    let mut h: u32 = it.next()?.trim().parse().ok()?;
    let m: u32 = it.next().unwrap_or("0").trim().parse().ok()?;
    let s: f64 = it.next().unwrap_or("0").trim().parse().ok()?;
    match pm {
        Some(true) if h < 12 => h += 12,
        Some(false) if h == 12 => h = 0,
        _ => {}
    }
    NaiveTime::from_hms_opt(h, m, s as u32)
}

/// Lower-cased, trimmed email, borrowed when the text already is one (a sign-in log's
/// accounts usually are, and a log in time order joins every row afresh); `None` when it has
/// no `@`.
pub fn norm_email(s: &str) -> Option<Cow<'_, str>> {
    let t = lower(s.trim().trim_matches(['<', '>']));
    (t.contains('@') && t.len() > 2).then_some(t)
}

/// `s` in lower case, borrowed when it already is.
pub fn lower(s: &str) -> Cow<'_, str> {
    match s.bytes().any(|b| b.is_ascii_uppercase() || !b.is_ascii()) {
        true => Cow::Owned(s.to_lowercase()),
        false => Cow::Borrowed(s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The email key is borrowed when the text is one already, and folded as lowercase
    /// would fold it otherwise.
    #[test]
    fn email_keys_are_borrowed_when_already_normal() {
        let key = |t| norm_email(t).map(String::from);
        assert!(matches!(norm_email("jo@x.example"), Some(Cow::Borrowed(_))));
        assert!(matches!(
            norm_email(" <jo@x.example> "),
            Some(Cow::Borrowed(_))
        ));
        assert_eq!(key("  <ZOË@Example.org> "), Some("zoë@example.org".into()));
        assert_eq!(key("İa@x.example"), Some("İa@x.example".to_lowercase()));
        for not in ["a@", "@", "no-at-sign", "<>", ""] {
            assert_eq!(key(not), None, "{not:?}");
        }
    }

    #[test]
    fn lower_case_is_borrowed_only_when_nothing_changes() {
        for s in [
            "anair1@corp.example",
            "ANair1@Corp.Example",
            "zoë@corp.example",
            "ÉMILE",
            "",
        ] {
            let l = lower(s);
            assert_eq!(l, s.to_lowercase(), "{s}");
            assert_eq!(
                matches!(l, Cow::Borrowed(_)),
                s == s.to_lowercase() && s.is_ascii()
            );
        }
    }

    #[test]
    fn dotted_quads_read_as_the_standard_parser_reads_them() {
        let mut texts: Vec<String> = [
            "0.0.0.0",
            "255.255.255.255",
            "256.1.1.1",
            "1.2.3",
            "1.2.3.4.5",
            "01.2.3.4",
            "1.2.3.04",
            "1..3.4",
            "1.2.3.4.",
            ".1.2.3",
            "1.2.3.a",
            "1.2.3.-4",
            "+1.2.3.4",
            "1.2.3.4 ",
            "1000.1.1.1",
            "10.0.0.1",
            "198.51.100.7",
            "",
            "::1",
            "1.2.3.4:80",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        // Every octet from 0 to 299, plain and zero-padded, in each position.
        for v in 0..300 {
            for o in [format!("{v}"), format!("{v:03}")] {
                for pos in 0..4 {
                    let mut parts = ["1", "2", "3", "4"].map(str::to_string);
                    parts[pos] = o.clone();
                    texts.push(parts.join("."));
                }
            }
        }
        // And random strings of digits and dots, as many short as long.
        let mut seed: u64 = 0x51_7CC1_B727_220A;
        for _ in 0..20_000 {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let len = (seed >> 59) as usize + 1;
            let t: String = (0..len)
                .map(|i| b"0123456789.0.12"[(seed >> (4 * (i % 14))) as usize % 15] as char)
                .collect();
            texts.push(t);
        }
        let mut fast = 0;
        for t in &texts {
            let ours = dotted_quad(t.as_bytes());
            fast += ours.is_some() as usize;
            assert_eq!(ours, t.parse::<std::net::Ipv4Addr>().ok(), "{t:?}");
        }
        assert!(fast > 1000, "the fast path read {fast}");
    }

    fn p(order: DateOrder) -> TsParser {
        TsParser::new(chrono_tz::America::New_York, order)
    }

    #[test]
    fn headers_fold_case_space_and_punctuation() {
        assert_eq!(
            norm_header(" Autonomous system  number"),
            "autonomous_system_number"
        );
        assert_eq!(norm_header("Application ID "), "application_id");
        assert_eq!(norm_header("\u{feff}Date (UTC)"), "date_utc");
        assert_eq!(norm_header("claimed_country"), "claimed_country");
        assert_eq!(norm_header("Função"), "função");
    }

    #[test]
    fn booleans_and_unknown() {
        assert_eq!(parse_bool("Yes"), Ok(Some(true)));
        assert_eq!(parse_bool("n"), Ok(Some(false)));
        assert_eq!(parse_bool("0"), Ok(Some(false)));
        assert_eq!(parse_bool(" "), Ok(None));
        assert!(parse_bool("maybe").is_err());
    }

    #[test]
    fn ips_with_ports_and_mapped() {
        assert_eq!(parse_ip("203.0.113.5:51000"), "203.0.113.5".parse().ok());
        assert_eq!(parse_ip("[2001:db8::1]:443"), "2001:db8::1".parse().ok());
        assert_eq!(parse_ip("::ffff:198.51.100.7"), "198.51.100.7".parse().ok());
        assert_eq!(parse_ip("not an ip"), None);
    }

    #[test]
    fn timestamp_forms() {
        let t = p(DateOrder::MonthFirst);
        let z = 1_764_836_381; // 2025-12-04T08:19:41Z
        assert_eq!(t.parse("2025-12-04T08:19:41Z").unwrap(), Some(z));
        assert_eq!(t.parse("2025-12-04T08:19:41.851Z").unwrap(), Some(z));
        assert_eq!(fast_utc(b"2025-12-04T08:19:41Z"), Some(z));
        assert_eq!(fast_utc(b"2025-02-30T08:19:41Z"), None);
        assert!(t.parse("2025-02-30T08:19:41Z").is_err());
        assert_eq!(t.parse("2025-12-04T09:19:41+01:00").unwrap(), Some(z));
        assert_eq!(t.parse("2025-12-04 08:19:41Z").unwrap(), Some(z));
        assert_eq!(t.parse("1764836381").unwrap(), Some(z));
        assert_eq!(t.parse("1764836381000").unwrap(), Some(z));
        assert!(!t.used_default_tz());
        // Zone-less values are read in --tz (New York is UTC-5 in December).
        assert_eq!(t.parse("2025-12-04T03:19:41").unwrap(), Some(z));
        assert!(t.used_default_tz());
        assert_eq!(t.parse("12/4/2025 3:19:41 AM").unwrap(), Some(z));
        assert_eq!(t.parse("12/4/25, 3:19:41 AM").unwrap(), Some(z));
        let d = p(DateOrder::DayFirst);
        assert_eq!(d.parse("04/12/2025 03:19:41").unwrap(), Some(z));
        assert_eq!(d.parse("04.12.2025 03:19:41").unwrap(), Some(z));
        assert_eq!(t.parse("").unwrap(), None);
        assert!(t.parse("yesterday").is_err());
        assert!(t.parse("13/13/2025").is_err());
    }

    #[test]
    fn pm_and_midnight() {
        let t = TsParser::new(chrono_tz::UTC, DateOrder::MonthFirst);
        assert_eq!(
            t.parse("1/1/2026 12:00:00 AM").unwrap(),
            t.parse("2026-01-01T00:00:00Z").unwrap()
        );
        assert_eq!(
            t.parse("1/1/2026 1:30 PM").unwrap(),
            t.parse("2026-01-01T13:30:00Z").unwrap()
        );
    }

    #[test]
    fn order_is_settled_by_evidence() {
        assert_eq!(
            order_evidence(["25/12/2025 10:00"].into_iter()),
            OrderEvidence::DayFirst
        );
        assert_eq!(
            order_evidence(["12/25/2025 10:00"].into_iter()),
            OrderEvidence::MonthFirst
        );
        assert_eq!(
            order_evidence(["1/2/2025 10:00 AM"].into_iter()),
            OrderEvidence::AmPm
        );
        assert_eq!(
            order_evidence(["2025-01-02"].into_iter()),
            OrderEvidence::Unknown
        );
    }

    #[test]
    fn civil_days_agree_with_chrono_on_every_day_and_reject_what_it_rejects() {
        let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
        for y in [
            0, 1, 1899, 1900, 1969, 1970, 1999, 2000, 2024, 2025, 2100, 2400, 9999,
        ] {
            for m in 0..=13 {
                for d in 0..=32 {
                    let want = NaiveDate::from_ymd_opt(y as i32, m as u32, d as u32)
                        .map(|date| date.signed_duration_since(epoch).num_days());
                    assert_eq!(days_from_civil(y, m, d), want, "{y}-{m}-{d}");
                }
            }
        }
    }

    #[test]
    fn zones_are_found_as_the_zone_parser_finds_them() {
        for tz in chrono_tz::TZ_VARIANTS {
            assert_eq!(parse_zone(tz.name()), Some(tz));
            assert_eq!(tz.name().parse::<Tz>().ok(), Some(tz));
        }
        for name in [
            "",
            "asia/tokyo",
            "Asia/Tokyo ",
            "Mars/Olympus",
            "UTC+3",
            "EST5EDT",
        ] {
            assert_eq!(parse_zone(name), name.parse::<Tz>().ok(), "{name:?}");
        }
    }
}
