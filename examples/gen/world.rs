//! The synthetic address plan: cities, ISPs, VPN and hosting exits, and the IP blocks that the
//! generated logins use. The same table becomes `geo/ranges.csv` and from it the `.mmdb` files.
//!
//! Real city names and coordinates, invented networks: each city gets a residential IPv4 /12
//! and an IPv6 /32, each country a mobile /12, and the VPN, hosting, Tor and proxy exits are
//! /24s under private-use ASNs with "(synthetic)" organisation names. Exceptions on purpose:
//! North Korea's real 175.45.176.0/22 (AS131279) and the two published Astrill-associated IOC
//! addresses, which sit in synthetic VPN /24s. None of this is real geolocation.

use std::net::{Ipv4Addr, Ipv6Addr};

use chrono_tz::Tz;

use super::rng::{scramble, Rng};

pub struct Country {
    pub cc: &'static str,
    pub name: &'static str,
    pub dial: &'static str,
    pub lang: &'static str,
}

pub const COUNTRIES: &[Country] = &[
    c("US", "United States", "1", "en-US"),
    c("CA", "Canada", "1", "en-CA"),
    c("GB", "United Kingdom", "44", "en-GB"),
    c("DE", "Germany", "49", "de-DE"),
    c("PL", "Poland", "48", "pl-PL"),
    c("UA", "Ukraine", "380", "uk-UA"),
    c("NL", "Netherlands", "31", "nl-NL"),
    c("FR", "France", "33", "fr-FR"),
    c("ES", "Spain", "34", "es-ES"),
    c("JP", "Japan", "81", "ja-JP"),
    c("KR", "South Korea", "82", "ko-KR"),
    c("SG", "Singapore", "65", "en-SG"),
    c("TW", "Taiwan", "886", "zh-TW"),
    c("MY", "Malaysia", "60", "ms-MY"),
    c("TH", "Thailand", "66", "th-TH"),
    c("VN", "Vietnam", "84", "vi-VN"),
    c("LA", "Laos", "856", "lo-LA"),
    c("ID", "Indonesia", "62", "id-ID"),
    c("PH", "Philippines", "63", "en-PH"),
    c("IN", "India", "91", "en-IN"),
    c("CN", "China", "86", "zh-CN"),
    c("RU", "Russia", "7", "ru-RU"),
    c("AE", "United Arab Emirates", "971", "ar-AE"),
    c("NG", "Nigeria", "234", "en-NG"),
    c("BR", "Brazil", "55", "pt-BR"),
    c("AU", "Australia", "61", "en-AU"),
];

const fn c(
    cc: &'static str,
    name: &'static str,
    dial: &'static str,
    lang: &'static str,
) -> Country {
    Country {
        cc,
        name,
        dial,
        lang,
    }
}

pub struct City {
    pub name: &'static str,
    pub cc: &'static str,
    pub region: &'static str,
    pub region_name: &'static str,
    pub lat: f64,
    pub lon: f64,
    pub tz: &'static str,
    /// Relative weight as an honest candidate's claimed home.
    pub weight: f64,
}

#[allow(clippy::too_many_arguments)]
const fn city(
    name: &'static str,
    cc: &'static str,
    region: &'static str,
    region_name: &'static str,
    lat: f64,
    lon: f64,
    tz: &'static str,
    weight: f64,
) -> City {
    City {
        name,
        cc,
        region,
        region_name,
        lat,
        lon,
        tz,
        weight,
    }
}

#[rustfmt::skip]
pub const CITIES: &[City] = &[
    city("Houston", "US", "TX", "Texas", 29.7604, -95.3698, "America/Chicago", 4.0),
    city("Dallas", "US", "TX", "Texas", 32.7767, -96.797, "America/Chicago", 3.5),
    city("Austin", "US", "TX", "Texas", 30.2672, -97.7431, "America/Chicago", 3.0),
    city("New York", "US", "NY", "New York", 40.7128, -74.006, "America/New_York", 5.0),
    city("Miami", "US", "FL", "Florida", 25.7617, -80.1918, "America/New_York", 2.5),
    city("Atlanta", "US", "GA", "Georgia", 33.749, -84.388, "America/New_York", 2.5),
    city("Columbus", "US", "OH", "Ohio", 39.9612, -82.9988, "America/New_York", 1.5),
    city("Chicago", "US", "IL", "Illinois", 41.8781, -87.6298, "America/Chicago", 3.0),
    city("Nashville", "US", "TN", "Tennessee", 36.1627, -86.7816, "America/Chicago", 1.5),
    city("Denver", "US", "CO", "Colorado", 39.7392, -104.9903, "America/Denver", 2.0),
    city("Phoenix", "US", "AZ", "Arizona", 33.4484, -112.074, "America/Phoenix", 2.0),
    city("Las Vegas", "US", "NV", "Nevada", 36.1699, -115.1398, "America/Los_Angeles", 1.0),
    city("Los Angeles", "US", "CA", "California", 34.0522, -118.2437, "America/Los_Angeles", 4.0),
    city("San Francisco", "US", "CA", "California", 37.7749, -122.4194, "America/Los_Angeles", 3.5),
    city("Seattle", "US", "WA", "Washington", 47.6062, -122.3321, "America/Los_Angeles", 3.0),
    city("Baton Rouge", "US", "LA", "Louisiana", 30.4515, -91.1871, "America/Chicago", 0.7),
    city("Toronto", "CA", "ON", "Ontario", 43.6532, -79.3832, "America/Toronto", 2.5),
    city("Vancouver", "CA", "BC", "British Columbia", 49.2827, -123.1207, "America/Vancouver", 1.5),
    city("London", "GB", "ENG", "England", 51.5074, -0.1278, "Europe/London", 3.0),
    city("Manchester", "GB", "ENG", "England", 53.4808, -2.2426, "Europe/London", 1.0),
    city("Berlin", "DE", "BE", "Berlin", 52.52, 13.405, "Europe/Berlin", 2.0),
    city("Frankfurt", "DE", "HE", "Hesse", 50.1109, 8.6821, "Europe/Berlin", 1.0),
    city("Warsaw", "PL", "MZ", "Mazowieckie", 52.2297, 21.0122, "Europe/Warsaw", 1.5),
    city("Krakow", "PL", "MA", "Malopolskie", 50.0647, 19.945, "Europe/Warsaw", 1.0),
    city("Kyiv", "UA", "30", "Kyiv City", 50.4501, 30.5234, "Europe/Kyiv", 1.5),
    city("Amsterdam", "NL", "NH", "North Holland", 52.3676, 4.9041, "Europe/Amsterdam", 1.5),
    city("Paris", "FR", "IDF", "Ile-de-France", 48.8566, 2.3522, "Europe/Paris", 1.5),
    city("Madrid", "ES", "MD", "Madrid", 40.4168, -3.7038, "Europe/Madrid", 1.0),
    city("Tokyo", "JP", "13", "Tokyo", 35.6762, 139.6503, "Asia/Tokyo", 2.0),
    city("Osaka", "JP", "27", "Osaka", 34.6937, 135.5023, "Asia/Tokyo", 1.0),
    city("Seoul", "KR", "11", "Seoul", 37.5665, 126.978, "Asia/Seoul", 1.5),
    city("Singapore", "SG", "01", "Central Singapore", 1.3521, 103.8198, "Asia/Singapore", 1.5),
    city("Taipei", "TW", "TPE", "Taipei", 25.033, 121.5654, "Asia/Taipei", 1.0),
    city("Kuala Lumpur", "MY", "14", "Kuala Lumpur", 3.139, 101.6869, "Asia/Kuala_Lumpur", 1.0),
    city("Bangkok", "TH", "10", "Bangkok", 13.7563, 100.5018, "Asia/Bangkok", 1.0),
    city("Hanoi", "VN", "HN", "Hanoi", 21.0278, 105.8342, "Asia/Ho_Chi_Minh", 1.0),
    city("Ho Chi Minh City", "VN", "SG", "Ho Chi Minh", 10.8231, 106.6297, "Asia/Ho_Chi_Minh", 1.0),
    city("Vientiane", "LA", "VT", "Vientiane Prefecture", 17.9757, 102.6331, "Asia/Vientiane", 0.3),
    city("Jakarta", "ID", "JK", "Jakarta", -6.2088, 106.8456, "Asia/Jakarta", 1.0),
    city("Manila", "PH", "00", "Metro Manila", 14.5995, 120.9842, "Asia/Manila", 1.5),
    city("Bengaluru", "IN", "KA", "Karnataka", 12.9716, 77.5946, "Asia/Kolkata", 2.5),
    city("Pune", "IN", "MH", "Maharashtra", 18.5204, 73.8567, "Asia/Kolkata", 1.5),
    city("Beijing", "CN", "BJ", "Beijing", 39.9042, 116.4074, "Asia/Shanghai", 1.5),
    city("Shanghai", "CN", "SH", "Shanghai", 31.2304, 121.4737, "Asia/Shanghai", 1.5),
    city("Shenyang", "CN", "LN", "Liaoning", 41.8057, 123.4315, "Asia/Shanghai", 0.5),
    city("Dandong", "CN", "LN", "Liaoning", 40.129, 124.3947, "Asia/Shanghai", 0.2),
    city("Moscow", "RU", "MOW", "Moscow", 55.7558, 37.6173, "Europe/Moscow", 1.5),
    city("Vladivostok", "RU", "PRI", "Primorsky Krai", 43.1155, 131.8855, "Asia/Vladivostok", 0.3),
    city("Dubai", "AE", "DU", "Dubai", 25.2048, 55.2708, "Asia/Dubai", 1.0),
    city("Lagos", "NG", "LA", "Lagos", 6.5244, 3.3792, "Africa/Lagos", 1.5),
    city("Sao Paulo", "BR", "SP", "Sao Paulo", -23.5505, -46.6333, "America/Sao_Paulo", 1.5),
    city("Sydney", "AU", "NSW", "New South Wales", -33.8688, 151.2093, "Australia/Sydney", 1.5),
];

/// Pyongyang, used only by the KP block.
const PYONGYANG: City = city(
    "Pyongyang",
    "KP",
    "01",
    "Pyongyang",
    39.0392,
    125.7625,
    "Asia/Pyongyang",
    0.0,
);

/// Who runs an exit block.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Provider {
    /// Astrill-like VPN: datacenter exits, seen in the DPRK cases but also used by honest people.
    Astrill,
    /// A consumer privacy VPN with exits in many countries.
    Privata,
    /// Cloud/VPS hosting (remote desktops, dev boxes).
    Hosting,
    Tor,
    Proxy,
}

impl Provider {
    fn asn(self) -> u32 {
        match self {
            Provider::Astrill => 65101,
            Provider::Privata => 65102,
            Provider::Hosting => 65110,
            Provider::Tor => 65120,
            Provider::Proxy => 65130,
        }
    }

    fn org(self) -> &'static str {
        match self {
            Provider::Astrill => "Astrill-like VPN (synthetic)",
            Provider::Privata => "Privata Consumer VPN (synthetic)",
            Provider::Hosting => "Cloudnimbus Hosting (synthetic)",
            Provider::Tor => "Onion Relay Collective (synthetic)",
            Provider::Proxy => "OpenRelay Proxy Net (synthetic)",
        }
    }

    /// anonymous, vpn, hosting, proxy, tor
    fn flags(self) -> [bool; 5] {
        match self {
            Provider::Astrill => [true, true, true, false, false],
            Provider::Privata => [true, true, false, false, false],
            Provider::Hosting => [false, false, true, false, false],
            Provider::Tor => [true, false, false, false, true],
            Provider::Proxy => [true, false, false, true, false],
        }
    }
}

/// One exit /24 (or the IOC /24s).
pub struct Exit {
    pub provider: Provider,
    pub city: usize,
    pub base: u32,
}

/// The published Astrill-associated IOC addresses (LevelBlue, S19).
pub const IOC_DALLAS: Ipv4Addr = Ipv4Addr::new(142, 214, 202, 2);
pub const IOC_LOS_ANGELES: Ipv4Addr = Ipv4Addr::new(155, 94, 199, 59);
/// North Korea's allocation (AS131279).
pub const KP_BLOCK: (Ipv4Addr, u8) = (Ipv4Addr::new(175, 45, 176, 0), 22);

/// First octets of the /8s holding one residential /12 per city (16 per /8).
const RESIDENTIAL_OCTETS: [u32; 4] = [21, 22, 26, 27];
/// First octets of the /8s holding one mobile /12 per country.
const MOBILE_OCTETS: [u32; 2] = [28, 29];

pub struct World {
    pub tz: Vec<Tz>,
    pub exits: Vec<Exit>,
    seed: u64,
}

/// A row of `geo/ranges.csv`.
pub struct RangeRow {
    pub cidr: String,
    pub cc: &'static str,
    pub region: String,
    pub city: &'static str,
    pub lat: f64,
    pub lon: f64,
    pub tz: &'static str,
    pub accuracy_km: u16,
    pub asn: u32,
    pub org: String,
    pub flags: Option<[bool; 5]>,
}

impl RangeRow {
    pub fn record(&self) -> [String; 15] {
        let b = |i: usize| self.flags.map_or(String::new(), |f| f[i].to_string());
        [
            self.cidr.clone(),
            self.cc.to_owned(),
            self.region.clone(),
            self.city.to_owned(),
            format!("{:.4}", self.lat),
            format!("{:.4}", self.lon),
            self.tz.to_owned(),
            self.accuracy_km.to_string(),
            self.asn.to_string(),
            self.org.clone(),
            b(0),
            b(1),
            b(2),
            b(3),
            b(4),
        ]
    }
}

pub fn city_idx(name: &str) -> usize {
    CITIES
        .iter()
        .position(|c| c.name == name)
        .unwrap_or_else(|| panic!("no city {name}"))
}

pub fn country_idx(cc: &str) -> usize {
    COUNTRIES
        .iter()
        .position(|c| c.cc == cc)
        .unwrap_or_else(|| panic!("no country {cc}"))
}

pub fn country_of(city: usize) -> &'static Country {
    &COUNTRIES[country_idx(CITIES[city].cc)]
}

fn residential_base(city: usize) -> u32 {
    (RESIDENTIAL_OCTETS[city / 16] << 24) | (((city % 16) as u32) << 20)
}

fn mobile_base(country: usize) -> u32 {
    (MOBILE_OCTETS[country / 16] << 24) | (((country % 16) as u32) << 20)
}

fn v6_prefix(city: usize) -> u128 {
    (0x2a0f_u128 << 112) | ((0x0100 + city as u128) << 96)
}

impl World {
    pub fn new(seed: u64) -> Self {
        let tz = CITIES
            .iter()
            .map(|c| c.tz.parse().expect("valid IANA zone in the city table"))
            .collect();
        let mut exits = Vec::new();
        let mut add = |provider: Provider, city: &str, base: u32| {
            exits.push(Exit {
                provider,
                city: city_idx(city),
                base,
            });
        };
        let net = |a: u32, b: u32, c: u32| (a << 24) | (b << 16) | (c << 8);
        add(Provider::Astrill, "Dallas", u32::from(IOC_DALLAS) & !0xff);
        add(
            Provider::Astrill,
            "Los Angeles",
            u32::from(IOC_LOS_ANGELES) & !0xff,
        );
        for (i, c) in [
            "New York",
            "Seattle",
            "Tokyo",
            "Singapore",
            "Amsterdam",
            "Frankfurt",
        ]
        .iter()
        .enumerate()
        {
            add(Provider::Astrill, c, net(30, 10, i as u32 + 1));
        }
        let privata = [
            "New York",
            "Chicago",
            "Los Angeles",
            "Dallas",
            "Toronto",
            "London",
            "Frankfurt",
            "Amsterdam",
            "Paris",
            "Madrid",
            "Warsaw",
            "Tokyo",
            "Seoul",
            "Singapore",
            "Sydney",
            "Sao Paulo",
            "Bengaluru",
        ];
        for (i, c) in privata.iter().enumerate() {
            add(Provider::Privata, c, net(30, 20, i as u32 + 1));
        }
        for (i, c) in [
            "New York",
            "Dallas",
            "Amsterdam",
            "Frankfurt",
            "Singapore",
            "Tokyo",
        ]
        .iter()
        .enumerate()
        {
            add(Provider::Hosting, c, net(30, 30, i as u32 + 1));
        }
        add(Provider::Tor, "Frankfurt", net(30, 40, 1));
        add(Provider::Tor, "Amsterdam", net(30, 40, 2));
        add(Provider::Proxy, "Los Angeles", net(30, 50, 1));
        World { tz, exits, seed }
    }

    /// The candidate's own address in a city's residential block: unique per (city, slot), and
    /// a slot is a candidate index, so unrelated candidates never share a home IP.
    pub fn home_v4(&self, city: usize, slot: u64) -> Ipv4Addr {
        let s = (scramble(slot, self.seed) & 0xf_ffff) as u32;
        // Avoid the .0 of the /12 itself.
        Ipv4Addr::from(residential_base(city) | s.max(1))
    }

    pub fn home_v6(&self, city: usize, slot: u64, iid: u64) -> Ipv6Addr {
        let s = u128::from(scramble(slot, self.seed) & 0xf_ffff);
        Ipv6Addr::from(v6_prefix(city) | (s << 64) | u128::from(iid | 1))
    }

    /// A carrier-grade-NAT address in the country's mobile block (shared in real life too).
    pub fn mobile(&self, cc: &str, rng: &mut Rng) -> Ipv4Addr {
        Ipv4Addr::from(mobile_base(country_idx(cc)) | (rng.below(1 << 20) as u32).max(1))
    }

    pub fn exits_of(&self, provider: Provider) -> impl Iterator<Item = (usize, &Exit)> {
        self.exits
            .iter()
            .enumerate()
            .filter(move |(_, e)| e.provider == provider)
    }

    /// An exit of `provider` in `city`, if there is one.
    pub fn exit_in(&self, provider: Provider, city: usize) -> Option<usize> {
        self.exits_of(provider)
            .find(|(_, e)| e.city == city)
            .map(|(i, _)| i)
    }

    /// An exit of `provider` in country `cc`, if there is one.
    pub fn exit_in_country(&self, provider: Provider, cc: &str, rng: &mut Rng) -> Option<usize> {
        let v: Vec<usize> = self
            .exits_of(provider)
            .filter(|(_, e)| CITIES[e.city].cc == cc)
            .map(|(i, _)| i)
            .collect();
        (!v.is_empty()).then(|| *rng.pick(&v))
    }

    pub fn has_exit_in_country(&self, provider: Provider, cc: &str) -> bool {
        self.exits_of(provider)
            .any(|(_, e)| CITIES[e.city].cc == cc)
    }

    pub fn any_exit(&self, provider: Provider, rng: &mut Rng) -> usize {
        let v: Vec<usize> = self.exits_of(provider).map(|(i, _)| i).collect();
        *rng.pick(&v)
    }

    /// A host address in an exit /24 (the IOC blocks hand out their IOC address half the time).
    pub fn exit_ip(&self, exit: usize, rng: &mut Rng) -> Ipv4Addr {
        let e = &self.exits[exit];
        let ioc = [IOC_DALLAS, IOC_LOS_ANGELES]
            .into_iter()
            .find(|ioc| u32::from(*ioc) & !0xff == e.base);
        match ioc {
            Some(ip) if rng.chance(0.5) => ip,
            _ => Ipv4Addr::from(e.base | rng.range(2, 254) as u32),
        }
    }

    pub fn kp_ip(&self, rng: &mut Rng) -> Ipv4Addr {
        Ipv4Addr::from(u32::from(KP_BLOCK.0) | rng.range(1, 1022) as u32)
    }

    /// Every range of the plan, in a fixed order.
    pub fn ranges(&self) -> Vec<RangeRow> {
        let mut rows = Vec::new();
        let region = |c: &City| format!("{}|{}", c.region, c.region_name);
        for (i, c) in CITIES.iter().enumerate() {
            let k = country_idx(c.cc);
            let isp = format!("{} Residential Broadband (synthetic)", COUNTRIES[k].name);
            rows.push(RangeRow {
                cidr: format!("{}/12", Ipv4Addr::from(residential_base(i))),
                cc: c.cc,
                region: region(c),
                city: c.name,
                lat: c.lat,
                lon: c.lon,
                tz: c.tz,
                accuracy_km: 20,
                asn: 64600 + k as u32,
                org: isp.clone(),
                flags: None,
            });
            rows.push(RangeRow {
                cidr: format!("{}/32", Ipv6Addr::from(v6_prefix(i))),
                cc: c.cc,
                region: region(c),
                city: c.name,
                lat: c.lat,
                lon: c.lon,
                tz: c.tz,
                accuracy_km: 50,
                asn: 64600 + k as u32,
                org: isp,
                flags: None,
            });
        }
        for (k, country) in COUNTRIES.iter().enumerate() {
            // Mobile space geolocates to the country only (first city's zone and centre).
            let first = &CITIES[CITIES.iter().position(|c| c.cc == country.cc).unwrap_or(0)];
            rows.push(RangeRow {
                cidr: format!("{}/12", Ipv4Addr::from(mobile_base(k))),
                cc: country.cc,
                region: String::new(),
                city: "",
                lat: first.lat,
                lon: first.lon,
                tz: first.tz,
                accuracy_km: 1000,
                asn: 64700 + k as u32,
                org: format!("{} Mobile (synthetic)", country.name),
                flags: None,
            });
        }
        for e in &self.exits {
            let c = &CITIES[e.city];
            rows.push(RangeRow {
                cidr: format!("{}/24", Ipv4Addr::from(e.base)),
                cc: c.cc,
                region: region(c),
                city: c.name,
                lat: c.lat,
                lon: c.lon,
                tz: c.tz,
                accuracy_km: 100,
                asn: e.provider.asn(),
                org: e.provider.org().to_owned(),
                flags: Some(e.provider.flags()),
            });
        }
        rows.push(RangeRow {
            cidr: format!("{}/{}", KP_BLOCK.0, KP_BLOCK.1),
            cc: "KP",
            region: region(&PYONGYANG),
            city: PYONGYANG.name,
            lat: PYONGYANG.lat,
            lon: PYONGYANG.lon,
            tz: PYONGYANG.tz,
            accuracy_km: 50,
            asn: 131_279,
            org: "Star Joint Venture".to_owned(),
            flags: None,
        });
        rows
    }
}
