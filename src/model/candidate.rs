//! The joined record of one candidate: the application row, its interview sessions and a
//! bounded summary of its sign-ins. Logins are folded in as they stream past (see
//! [`LoginTrail::add`]) so memory grows with candidates, not with logins.

use super::{Key, RowRef, SourceRef};
use chrono_tz::Tz;
use std::net::IpAddr;
use std::sync::Arc;

/// Declares a kind's canonical field names and an index constant for each.
macro_rules! fields {
    ($list:ident; $($idx:ident = $name:literal),* $(,)?) => {
        pub const $list: &[&str] = &[$($name),*];
        fields!(@idx 0usize; $($idx),*);
    };
    (@idx $n:expr; $head:ident $(, $tail:ident)*) => {
        pub const $head: usize = $n;
        fields!(@idx $n + 1usize; $($tail),*);
    };
    (@idx $n:expr;) => {};
}

/// Canonical application columns (SPEC §3.1).
pub mod app {
    fields!(FIELDS;
        CANDIDATE_ID = "candidate_id", FULL_NAME = "full_name", EMAIL = "email", PHONE = "phone",
        APPLIED_AT = "applied_at", CLAIMED_CITY = "claimed_city", CLAIMED_REGION = "claimed_region",
        CLAIMED_COUNTRY = "claimed_country", CLAIMED_TIMEZONE = "claimed_timezone",
        CITIZENSHIP = "citizenship", HOME_ADDRESS = "home_address",
        SHIPPING_ADDRESS = "shipping_address", ID_DOC_NAME = "id_doc_name",
        ID_DOC_COUNTRY = "id_doc_country", ID_DOC_ADDRESS = "id_doc_address",
        PAYMENT_METHOD = "payment_method", PAYMENT_ACCOUNT = "payment_account",
        PAYMENT_COUNTRY = "payment_country", GITHUB_URL = "github_url",
        LINKEDIN_URL = "linkedin_url", RESUME_TEXT = "resume_text", PHOTO_HASH = "photo_hash",
        SOURCE = "source", AGENCY = "agency", REFERRED_BY = "referred_by", POSITION = "position",
        IP = "ip", USER_AGENT = "user_agent",
    );
    pub const REQUIRED: &[usize] = &[CANDIDATE_ID, FULL_NAME, EMAIL];
}

/// Canonical interview-log columns (SPEC §3.2).
pub mod interview {
    fields!(FIELDS;
        CANDIDATE_ID = "candidate_id", STARTED_AT = "started_at", INTERVIEW_ID = "interview_id",
        STAGE = "stage", ENDED_AT = "ended_at", PLATFORM = "platform", IP = "ip",
        DISPLAY_NAME = "display_name", DISPLAY_NAME_CHANGES = "display_name_changes",
        CAMERA = "camera", VOICE_CHANGE = "voice_change", LOCAL_KNOWLEDGE = "local_knowledge",
        LIVE_ID = "live_id", LIVE_ID_NAME = "live_id_name", LANGUAGE_CHECK = "language_check",
        ENDED_EARLY = "ended_early", SCREEN_SHARE_OTHER_IDENTITY = "screen_share_other_identity",
        NOTES = "notes", EMAIL = "email", ACCOUNT = "account",
    );
    pub const REQUIRED: &[usize] = &[STARTED_AT];
}

/// Canonical login-metadata columns (SPEC §3.3).
pub mod login {
    fields!(FIELDS;
        TIMESTAMP = "timestamp", IP = "ip", CANDIDATE_ID = "candidate_id", ACCOUNT = "account",
        USER_AGENT = "user_agent", OUTCOME = "outcome", DEVICE_ID = "device_id",
        DEVICE_MANAGED = "device_managed", BROWSER_TIMEZONE = "browser_timezone",
        BROWSER_LANGUAGE = "browser_language", REMOTE_TOOL = "remote_tool",
        LATENCY_MS = "latency_ms", SESSION_ID = "session_id", EMAIL = "email",
        COUNTRY = "country",
    );
    pub const REQUIRED: &[usize] = &[TIMESTAMP, IP];
}

/// Identities file (SPEC §3.4).
pub mod identity {
    fields!(FIELDS; CANDIDATE_ID = "candidate_id", EMAIL = "email", ACCOUNT = "account");
    pub const REQUIRED: &[usize] = &[ACCOUNT];
}

/// Watchlist file (SPEC §3.5).
pub mod watch {
    fields!(FIELDS; TYPE = "type", VALUE = "value", NOTE = "note");
    pub const REQUIRED: &[usize] = &[TYPE, VALUE];
}

/// Column number (1-based; 0 = the file has no such column) of each canonical field, shared by
/// every row of one file.
pub type ColumnNumbers = Arc<[u32]>;

/// A row's canonical values by field index; an empty value is unknown. Packed in one
/// allocation per row whatever its width: each value's end offset, in as few bytes as the
/// row's text needs (one byte for a row of under 256 bytes, two under 64 KiB, else four),
/// then all the values' text. Rows are most of a scan's memory: a row of 28 values had been
/// 29 allocations, then two (the text, and four bytes per end).
#[derive(Clone, Debug)]
pub struct Fields {
    pub row: RowRef,
    pub cols: ColumnNumbers,
    /// The ends (`width` bytes each, little-endian), then the text, then three bytes of
    /// padding.
    packed: Box<[u8]>,
    /// How many values (ends) there are.
    n: u32,
    /// Bytes per end: 1, 2 or 4.
    width: u8,
}

impl Fields {
    pub fn new<'v>(
        row: RowRef,
        cols: ColumnNumbers,
        values: impl IntoIterator<Item = Option<&'v str>>,
    ) -> Fields {
        // Sized exactly first, the values gathered on the stack: a row has at most 28
        // canonical fields.
        let values = values.into_iter().map(|v| v.unwrap_or(""));
        crate::few::gathered::<32, _>(values, |values| {
            let mut len: usize = values.iter().map(|v| v.len()).sum();
            let mut values: &[&str] = values;
            // Past 4 GB in one row, or 4 G values (not a real export), every value reads as
            // unknown: ends and the count must fit in 32 bits for `get` to find a value.
            if len > u32::MAX as usize || values.len() > u32::MAX as usize {
                len = 0;
                values = &[];
            }
            let width: u8 = match len {
                0..=0xFF => 1,
                0x100..=0xFFFF => 2,
                _ => 4,
            };
            let n = values.len();
            let mut packed = Vec::with_capacity(n * width as usize + len + 3);
            // Each end's low `width` bytes: it fits them, as `len` does.
            let mut end = 0u32;
            for v in values {
                end += v.len() as u32;
                packed.extend_from_slice(&end.to_le_bytes()[..width as usize]);
            }
            for v in values {
                packed.extend_from_slice(v.as_bytes());
            }
            // So that an end is always read as four bytes (see `get`).
            packed.extend_from_slice(&[0; 3]);
            Fields {
                row,
                cols,
                packed: packed.into_boxed_slice(),
                n: n as u32,
                width,
            }
        })
    }

    #[inline]
    pub fn get(&self, field: usize) -> Option<&str> {
        if field >= self.n as usize {
            return None;
        }
        let (p, w) = (&*self.packed, self.width as usize);
        // Where value `i` ends in the text: four bytes read from its place, the bytes past
        // its width masked off (`new` pads the end so that four bytes are always there).
        let mask = u32::MAX >> (32 - 8 * w);
        let at = |i: usize| {
            let b = &p[i * w..i * w + 4];
            (u32::from_le_bytes([b[0], b[1], b[2], b[3]]) & mask) as usize
        };
        let (start, end) = (field.checked_sub(1).map_or(0, at), at(field));
        if end <= start {
            return None;
        }
        let text_at = self.n as usize * w;
        let value = &p[text_at + start..text_at + end];
        // SAFETY: `new` wrote the text as the values' UTF-8 bytes one after another and each
        // end where a value ends, so `start..end` is exactly one whole value: valid UTF-8.
        // Nothing else writes `packed`.
        debug_assert!(std::str::from_utf8(value).is_ok());
        Some(unsafe { std::str::from_utf8_unchecked(value) })
    }

    /// The cell a field came from; the whole row when the file had no such column.
    pub fn cell(&self, field: usize) -> SourceRef {
        self.row.cell(self.cols.get(field).copied().unwrap_or(0))
    }
}

/// One application row with the values ingest parsed into types.
#[derive(Clone, Debug)]
pub struct Application {
    pub fields: Fields,
    pub applied_at: Option<i64>,
    pub claimed_tz: Option<Tz>,
    pub ip: Option<IpAddr>,
}

impl Application {
    pub fn get(&self, field: usize) -> Option<&str> {
        self.fields.get(field)
    }
}

/// One interview session.
#[derive(Clone, Debug)]
pub struct Interview {
    pub fields: Fields,
    pub started_at: i64,
    pub ended_at: Option<i64>,
    pub ip: Option<IpAddr>,
    pub ip_info: Option<Arc<IpInfo>>,
    /// True when the row was joined by a weaker key (display name), e.g. a Zoom guest.
    pub weak_join: bool,
}

impl Interview {
    pub fn get(&self, field: usize) -> Option<&str> {
        self.fields.get(field)
    }
}

/// What the databases and lists say about one address.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct IpInfo {
    pub country: Option<Box<str>>,
    pub region: Option<Box<str>>,
    pub city: Option<Box<str>>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub accuracy_km: Option<u32>,
    pub tz: Option<Box<str>>,
    pub asn: Option<u32>,
    pub asn_org: Option<Box<str>>,
    pub anonymous: bool,
    pub vpn: bool,
    pub hosting: bool,
    pub proxy: bool,
    pub tor: bool,
    /// ASN found in the shipped anonymizer/hosting list (`rules/lists/asn_anonymizers.csv`).
    pub listed_anonymizer: Option<Box<str>>,
    /// Inside North Korea's allocation (`rules/lists/kp_ranges.csv`).
    pub kp: bool,
    /// A published indicator IP (`rules/lists/ioc_ips.csv`), with its label.
    pub ioc: Option<Box<str>>,
    /// Private, loopback, documentation or otherwise non-public address.
    pub non_public: bool,
    /// `country` was not found in a database but taken from the export itself (an Entra
    /// `Location`, an Okta `geographicalContext`), so evidence can say so.
    pub country_from_export: bool,
}

impl IpInfo {
    /// Traffic that probably leaves a VPN, proxy, Tor or a datacenter, not a home line.
    pub fn anonymized(&self) -> bool {
        self.anonymous
            || self.vpn
            || self.hosting
            || self.proxy
            || self.tor
            || self.listed_anonymizer.is_some()
            || self.ioc.is_some()
    }
}

/// Remote-access tools, as a bit set (SPEC §3.3 `remote_tool`).
pub const REMOTE_TOOLS: &[&str] = &[
    "anydesk",
    "teamviewer",
    "rdp",
    "chrome_rd",
    "ipkvm",
    "vnc",
    "rmm",
    "other",
];

/// The hour of day (0-23) of a moment in a zone: the zone's offset at that moment, then
/// arithmetic on the local seconds (building a zoned date and time to read its hour had cost
/// twice as much, on every sign-in).
pub fn local_hour(ts: i64, tz: Tz) -> Option<u32> {
    use chrono::{Offset, TimeZone};
    let utc = chrono::DateTime::from_timestamp(ts, 0)?.naive_utc();
    let offset = tz.offset_from_utc_datetime(&utc).fix().local_minus_utc();
    Some(((ts + offset as i64).rem_euclid(86_400) / 3_600) as u32)
}

pub fn remote_tool_bit(name: &str) -> Option<u8> {
    let n = name.trim().to_ascii_lowercase().replace([' ', '-'], "_");
    if n.is_empty() || n == "none" || n == "no" || n == "false" {
        return None;
    }
    let idx = match n.as_str() {
        "anydesk" => 0,
        "teamviewer" => 1,
        "rdp" | "mstsc" | "remote_desktop" => 2,
        "chrome_rd" | "chrome_remote_desktop" | "crd" => 3,
        "ipkvm" | "ip_kvm" | "pikvm" | "tinypilot" => 4,
        "vnc" | "realvnc" | "tightvnc" => 5,
        "rmm" => 6,
        _ => 7,
    };
    Some(1 << idx)
}

/// Sign-ins from one address.
#[derive(Clone, Debug)]
pub struct IpGroup {
    pub ip: IpAddr,
    pub info: Arc<IpInfo>,
    pub count: u32,
    pub failures: u32,
    pub first_ts: i64,
    pub last_ts: i64,
    /// The first row seen with this address, and the column of its `ip` cell.
    pub first: SourceRef,
    pub remote_tools: u8,
    pub unmanaged: u32,
}

/// One sign-in, kept compactly for time-ordered facts (travel speed, early-vs-late): its
/// time and its address group in one word (8 bytes, not 16: events are the largest part of
/// a sign-in summary). Ordered by time, then group.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LoginEvent(i64);

impl LoginEvent {
    /// Times within ±2^47 s (4.4 million years) fit, every time a timestamp parser returns;
    /// `None` for others.
    pub fn new(ts: i64, group: u16) -> Option<LoginEvent> {
        const LIMIT: i64 = 1 << 47;
        (-LIMIT..LIMIT)
            .contains(&ts)
            .then_some(LoginEvent((ts << 16) | group as i64))
    }

    pub fn ts(self) -> i64 {
        self.0 >> 16
    }

    pub fn group(self) -> u16 {
        self.0 as u16
    }
}

/// Bounded per-candidate summary of sign-ins.
#[derive(Clone, Debug, Default)]
pub struct LoginTrail {
    pub total: u32,
    pub failures: u32,
    pub groups: Vec<IpGroup>,
    pub events: Vec<LoginEvent>,
    /// Logins whose address did not fit in `groups` (beyond [`LoginTrail::MAX_GROUPS`]).
    pub dropped_groups: u32,
    /// Logins counted in the aggregates but not kept as events.
    pub dropped_events: u32,
    /// Logins per hour of day in the candidate's claimed zone (empty without a claimed zone).
    pub local_hours: [u32; 24],
    /// Logins per hour of day in UTC.
    pub utc_hours: [u32; 24],
    pub remote_tools: u8,
    pub managed: u32,
    pub unmanaged: u32,
    pub latency_sum: f64,
    pub latency_n: u32,
    pub latency_max: f64,
    /// Distinct browser time zones with counts (bounded; names that are not zones are not
    /// counted).
    pub browser_tzs: Vec<(Tz, u32)>,
    /// Distinct device ids (bounded; in place when short, see [`Key`]).
    pub devices: Vec<Key>,
    /// The first row seen with each of `devices` (whole row: the row carries no device column
    /// number), for citing.
    pub device_first: Vec<SourceRef>,
    /// First row of each kind of evidence, for citing.
    pub first_remote_tool: Option<SourceRef>,
    pub first_unmanaged: Option<SourceRef>,
    pub first_latency: Option<SourceRef>,
    pub first_browser_tz: Option<SourceRef>,
}

/// What a sign-in row says of the browser's time zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BrowserZone {
    /// No `browser_timezone` value.
    Absent,
    /// A value that names no zone this tool knows (still cited as evidence of the column).
    Unknown,
    Zone(Tz),
}

/// One sign-in as read from a row, borrowed for the fold.
pub struct LoginRow<'a> {
    pub row: RowRef,
    pub ip_col: u32,
    pub ts: i64,
    /// Hour of day in the candidate's claimed zone (see [`local_hour`]).
    pub local_hour: Option<u32>,
    pub ip: IpAddr,
    pub success: Option<bool>,
    pub device_id: Option<&'a str>,
    pub device_managed: Option<bool>,
    pub device_managed_col: u32,
    pub browser_zone: BrowserZone,
    pub browser_timezone_col: u32,
    /// Remote-access tools seen, as [`remote_tool_bit`] bits.
    pub remote_tools: u8,
    pub remote_tool_col: u32,
    pub latency_ms: Option<f64>,
    pub latency_col: u32,
}

/// Asks the processor to bring the memory of `value` (its first `max` bytes) into cache,
/// without waiting for it and without effect on what the program computes. A no-op off
/// x86-64.
#[inline(always)]
pub fn prefetch<T: ?Sized>(value: &T, max: usize) {
    prefetch_bytes(
        value as *const T as *const u8,
        std::mem::size_of_val(value).min(max),
    );
}

/// Asks for the memory where `list`'s next element will go, if it has room for one; else for
/// its elements, which the next push copies to a larger buffer (short lists are kept full,
/// see [`crate::few::push_tight`]). See [`prefetch`].
#[inline(always)]
pub fn prefetch_next<T>(list: &Vec<T>) {
    if list.len() < list.capacity() {
        let next = list.as_ptr().wrapping_add(list.len()) as *const u8;
        prefetch_bytes(next, std::mem::size_of::<T>());
    } else if !list.is_empty() {
        prefetch(list.as_slice(), 256);
    }
}

/// See [`prefetch`]: `len` bytes from `start`, which lie inside one allocation.
#[inline(always)]
fn prefetch_bytes(start: *const u8, len: usize) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        // Each line the bytes touch, the last one too when they cross into it.
        let skew = start as usize & 63;
        let first = start.wrapping_sub(skew);
        let lines = if len == 0 {
            0
        } else {
            (skew + len).div_ceil(64)
        };
        for line in 0..lines {
            // SAFETY: a prefetch is a hint: it never faults, reads nothing into the program
            // and writes nothing; SSE, which it needs, is part of every x86-64 processor.
            unsafe { _mm_prefetch::<_MM_HINT_T0>(first.wrapping_add(line * 64) as *const i8) };
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (start, len);
}

impl LoginRow<'_> {
    /// A successful sign-in at `ts` from `ip` on row `line` of file 1, with nothing else
    /// known: the start of a test's row.
    #[cfg(test)]
    pub(crate) fn plain(line: u32, ts: i64, ip: IpAddr) -> LoginRow<'static> {
        LoginRow {
            row: RowRef { file: 1, line },
            ip_col: 4,
            ts,
            local_hour: None,
            ip,
            success: Some(true),
            device_id: None,
            device_managed: None,
            device_managed_col: 0,
            browser_zone: BrowserZone::Absent,
            browser_timezone_col: 0,
            remote_tools: 0,
            remote_tool_col: 0,
            latency_ms: None,
            latency_col: 0,
        }
    }
}

impl LoginTrail {
    /// Asks for this summary's memory early (see [`prefetch`]): the fields every sign-in
    /// updates.
    pub fn prefetch(&self) {
        prefetch(self, usize::MAX);
    }

    /// Asks for the lists a sign-in searches or extends (zones, devices, address groups, the
    /// end of the events). Reads the list pointers: call it once [`LoginTrail::prefetch`]
    /// has had time to bring them.
    pub fn prefetch_lists(&self) {
        prefetch(self.browser_tzs.as_slice(), 64);
        prefetch(self.devices.as_slice(), 64);
        prefetch(self.groups.as_slice(), 256);
        if let Some(last) = self.events.last() {
            prefetch(last, 8);
        }
    }

    pub const MAX_GROUPS: usize = 256;
    pub const MAX_EVENTS: usize = 512;
    const MAX_TZS: usize = 8;
    const MAX_DEVICES: usize = 16;

    /// Folds one sign-in into the summary. `info` answers for the address; it is asked only
    /// when the address is new to this summary.
    pub fn add(&mut self, l: &LoginRow<'_>, info: impl FnOnce() -> Arc<IpInfo>) {
        self.total += 1;
        if l.success == Some(false) {
            self.failures += 1;
        }
        let hour_utc = (l.ts.rem_euclid(86_400) / 3600) as usize;
        self.utc_hours[hour_utc] += 1;
        if let Some(h) = l.local_hour {
            self.local_hours[h as usize % 24] += 1;
        }
        let tool = l.remote_tools;
        if tool != 0 {
            self.remote_tools |= tool;
            self.first_remote_tool
                .get_or_insert(l.row.cell(l.remote_tool_col));
        }
        match l.device_managed {
            Some(true) => self.managed += 1,
            Some(false) => {
                self.unmanaged += 1;
                self.first_unmanaged
                    .get_or_insert(l.row.cell(l.device_managed_col));
            }
            None => {}
        }
        if let Some(ms) = l.latency_ms {
            self.latency_sum += ms;
            self.latency_n += 1;
            if ms > self.latency_max {
                self.latency_max = ms;
            }
            self.first_latency.get_or_insert(l.row.cell(l.latency_col));
        }
        if !matches!(l.browser_zone, BrowserZone::Absent) {
            self.first_browser_tz
                .get_or_insert(l.row.cell(l.browser_timezone_col));
        }
        // Zones, not their names: no string to fetch and compare per sign-in.
        if let BrowserZone::Zone(btz) = l.browser_zone {
            if let Some(e) = self.browser_tzs.iter_mut().find(|(z, _)| *z == btz) {
                e.1 += 1;
            } else if self.browser_tzs.len() < Self::MAX_TZS {
                crate::few::push_tight(&mut self.browser_tzs, (btz, 1));
            }
        }
        if let Some(d) = l.device_id {
            if self.devices.len() < Self::MAX_DEVICES
                && !self.devices.iter().any(|x| x.as_bytes() == d.as_bytes())
            {
                crate::few::push_tight(&mut self.devices, Key::new(d));
                crate::few::push_tight(&mut self.device_first, l.row.cell(0));
            }
        }
        let gi = match self.groups.iter().position(|g| g.ip == l.ip) {
            Some(i) => Some(i),
            None if self.groups.len() < Self::MAX_GROUPS => {
                let group = IpGroup {
                    ip: l.ip,
                    info: info(),
                    count: 0,
                    failures: 0,
                    first_ts: l.ts,
                    last_ts: l.ts,
                    first: l.row.cell(l.ip_col),
                    remote_tools: 0,
                    unmanaged: 0,
                };
                crate::few::push_tight(&mut self.groups, group);
                Some(self.groups.len() - 1)
            }
            None => None,
        };
        let Some(gi) = gi else {
            self.dropped_groups += 1;
            self.dropped_events += 1;
            return;
        };
        let g = &mut self.groups[gi];
        g.count += 1;
        if l.success == Some(false) {
            g.failures += 1;
        }
        if l.ts < g.first_ts {
            g.first_ts = l.ts;
            g.first = l.row.cell(l.ip_col);
        }
        g.last_ts = g.last_ts.max(l.ts);
        g.remote_tools |= tool;
        if l.device_managed == Some(false) {
            g.unmanaged += 1;
        }
        match LoginEvent::new(l.ts, gi as u16) {
            Some(e) if self.events.len() < Self::MAX_EVENTS => self.events.push(e),
            _ => self.dropped_events += 1,
        }
    }
}

/// The joined record of one candidate.
#[derive(Clone, Debug)]
pub struct Candidate {
    pub id: Box<str>,
    pub app: Application,
    pub interviews: Vec<Interview>,
    pub logins: LoginTrail,
    /// Lookups for the application's own submission IP.
    pub app_ip_info: Option<Arc<IpInfo>>,
    pub claim: Claim,
}

impl Candidate {
    /// A candidate "C1" with the given application values (row 2 of file 0) and nothing
    /// else: the start of a unit test's candidate.
    #[cfg(test)]
    pub(crate) fn with_application(values: &[(usize, &str)]) -> Candidate {
        let mut cells = vec![None; app::FIELDS.len()];
        for &(f, v) in values {
            cells[f] = Some(v);
        }
        let cols: ColumnNumbers = vec![0u32; app::FIELDS.len()].into();
        let row = RowRef { file: 0, line: 2 };
        Candidate {
            id: "C1".into(),
            app: Application {
                fields: Fields::new(row, cols, cells),
                applied_at: None,
                claimed_tz: None,
                ip: None,
            },
            interviews: Vec::new(),
            logins: Default::default(),
            app_ip_info: None,
            claim: Default::default(),
        }
    }
}

/// Where the candidate says they are, resolved once at load.
#[derive(Clone, Debug, Default)]
pub struct Claim {
    /// ISO alpha-2.
    pub country: Option<Box<str>>,
    /// "Houston, TX, US" as resolved in the gazetteer.
    pub place: Option<Box<str>>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub tz: Option<Tz>,
    /// The claimed city's own zone, whatever `claimed_timezone` says.
    pub city_tz: Option<Tz>,
    /// `claimed_timezone`, `city` or `country`.
    pub tz_source: Option<&'static str>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_fields_read_back() {
        let cols: ColumnNumbers = vec![1, 2, 3, 0].into();
        let row = RowRef { file: 0, line: 7 };
        let f = Fields::new(row, cols, [Some("Zhang Wei"), None, Some("中国"), Some("")]);
        assert_eq!(f.get(0), Some("Zhang Wei"));
        assert_eq!(f.get(1), None);
        assert_eq!(f.get(2), Some("中国"));
        assert_eq!(f.get(3), None, "empty is unknown");
        assert_eq!(f.get(4), None, "past the last field");
        // A row wider than the values' stack buffer reads back whole.
        let wide: Vec<String> = (0..40).map(|i| format!("v{i}")).collect();
        let w = Fields::new(
            row,
            vec![0; 40].into(),
            wide.iter().map(|v| Some(v.as_str())),
        );
        assert_eq!((0..40).map(|i| w.get(i).unwrap()).collect::<Vec<_>>(), wide);
        assert_eq!(f.cell(2).column, 3);
    }

    /// Ends take one, two or four bytes as the row's text needs; every value reads back at
    /// each width, at the edges of each (255/256 and 65,535/65,536 bytes of text), with
    /// empty values before, between and after, and characters of two to four bytes.
    #[test]
    fn packed_fields_read_back_at_every_width() {
        let row = RowRef { file: 0, line: 2 };
        for total in [
            0usize, 1, 254, 255, 256, 300, 65_535, 65_536, 70_000, 200_000,
        ] {
            // Six values: empty, a word, empty, a filler sized to make `total`, "é中😀", empty.
            let tail = "é中😀";
            let fixed = "Olena".len() + tail.len();
            let filler = "x".repeat(total.saturating_sub(fixed));
            let values = [
                None,
                Some("Olena"),
                Some(""),
                Some(filler.as_str()),
                Some(tail),
                Some(""),
            ];
            let f = Fields::new(row, vec![1, 2, 3, 4, 5, 6].into(), values);
            let want = [
                None,
                Some("Olena"),
                None,
                (!filler.is_empty()).then_some(filler.as_str()),
                Some(tail),
                None,
            ];
            for (i, w) in want.iter().enumerate() {
                assert_eq!(f.get(i), *w, "value {i} of a row of {total} bytes");
            }
            assert_eq!(f.get(6), None, "past the last value");
            let text = fixed + filler.len();
            let width = if text < 256 {
                1
            } else if text < 65_536 {
                2
            } else {
                4
            };
            assert_eq!(f.packed.len(), 6 * width + text + 3, "{total}");
        }
    }

    /// The local hour agrees with chrono's zoned time in every zone: around this year's
    /// changes of clock, at odd offsets (Kathmandu +05:45, Chatham +12:45 and +13:45),
    /// before 1970 and far from now; a moment chrono cannot hold has no hour.
    #[test]
    fn the_local_hour_is_the_zoned_times_hour() {
        use chrono::{TimeZone, Timelike};
        let chrono_hour = |ts: i64, tz: Tz| tz.timestamp_opt(ts, 0).single().map(|t| t.hour());
        let mut x: u64 = 3;
        let mut checked = 0;
        let (mut earliest, mut latest) = (i64::MAX, i64::MIN);
        for tz in chrono_tz::TZ_VARIANTS {
            // Every 20 minutes for a day and a half either side of 2026's changes of clock
            // (US, Europe and Australia), and random moments from 1900 to 2100.
            let days = [
                1_772_928_000i64, // 03-08
                1_774_742_400,    // 03-29
                1_775_347_200,    // 04-05
                1_791_072_000,    // 10-04
                1_792_886_400,    // 10-25
                1_793_491_200,    // 11-01
            ];
            let around = days
                .into_iter()
                .flat_map(|day| (-108..108).map(move |k| day + k * 1_200));
            let random = (0..40).map(|_| {
                x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                let ts = -2_208_988_800 + ((x >> 1) % 6_311_433_600) as i64;
                (earliest, latest) = (earliest.min(ts), latest.max(ts));
                ts
            });
            for ts in around.chain(random).chain([-1, 0, 1]) {
                assert_eq!(local_hour(ts, tz), chrono_hour(ts, tz), "{tz} at {ts}");
                checked += 1;
            }
        }
        assert!(checked > 100_000);
        // The random moments span the two centuries: some before 1905, some after 2095.
        assert!(
            earliest < -2_051_222_400 && latest > 3_944_678_400,
            "{earliest}..{latest}"
        );
        let kathmandu: Tz = "Asia/Kathmandu".parse().unwrap();
        // 2026-01-01T00:00:00Z is 05:45 in Kathmandu.
        assert_eq!(local_hour(1_767_225_600, kathmandu), Some(5));
        assert_eq!(local_hour(i64::MAX, kathmandu), None);
        assert_eq!(
            local_hour(i64::MIN, kathmandu),
            chrono_hour(i64::MIN, kathmandu)
        );
    }

    #[test]
    fn packed_login_events_keep_time_and_group_and_sort_by_time_then_group() {
        let times = [
            -(1 << 47),
            -86_400,
            -1,
            0,
            1,
            1_774_000_000,
            253_402_300_799, // 9999-12-31T23:59:59Z
            (1 << 47) - 1,
        ];
        let groups = [0u16, 1, 255, u16::MAX];
        let mut all = Vec::new();
        for &ts in &times {
            for &g in &groups {
                let e = LoginEvent::new(ts, g).unwrap();
                assert_eq!((e.ts(), e.group()), (ts, g));
                all.push(e);
            }
        }
        let mut want: Vec<(i64, u16)> = all.iter().map(|e| (e.ts(), e.group())).collect();
        want.sort();
        all.reverse();
        all.sort();
        let got: Vec<(i64, u16)> = all.iter().map(|e| (e.ts(), e.group())).collect();
        assert_eq!(got, want);
        assert_eq!(LoginEvent::new(1 << 47, 0), None);
        assert_eq!(LoginEvent::new(i64::MIN, 0), None);
    }

    /// Browser zones are counted by zone; a name that is no zone marks the evidence cell but
    /// takes none of the bounded slots.
    #[test]
    fn browser_zones_are_counted_by_zone_and_names_that_are_not_zones_take_no_slot() {
        let mut t = LoginTrail::default();
        let info = Arc::new(IpInfo::default());
        let names = [
            "not a zone",
            "Mars/Olympus",
            "Asia/Tokyo",
            "Asia/Tokyo",
            "Europe/Kyiv",
        ];
        for (n, name) in names.iter().enumerate() {
            let ip = IpAddr::from([198, 51, 100, 7]);
            let l = LoginRow {
                browser_zone: crate::ingest::values::parse_zone(name)
                    .map_or(BrowserZone::Unknown, BrowserZone::Zone),
                browser_timezone_col: 9,
                ..LoginRow::plain(n as u32 + 2, 1_700_000_000 + n as i64, ip)
            };
            t.add(&l, || Arc::clone(&info));
        }
        assert_eq!(
            t.browser_tzs,
            [(chrono_tz::Asia::Tokyo, 2), (chrono_tz::Europe::Kyiv, 1)]
        );
        assert_eq!(t.first_browser_tz, Some(SourceRef::new(1, 2, 9)));
    }
}
