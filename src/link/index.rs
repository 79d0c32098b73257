//! The blocking index: for each key kind, every candidate's normalised values are hashed,
//! sorted, and only candidates in the same bucket are compared. Exact keys (email, phone,
//! photo hash, payment account, addresses, device id) link every pair of a bucket whose
//! values are really equal (the hash only blocks); login IPs link pairs whose sign-ins from
//! that address fall within the time window; names link weakly when a phonetic key agrees
//! and the names are near-identical. A bucket bigger than the cap links nobody and is
//! reported. Explanations (agency, household) are decided here, per link.

use super::{Capped, KeyKind, Link, LinkOptions, NONE};
use crate::facts::names;
use crate::model::{app, Candidate, SourceRef};
use crate::norm;
use rayon::prelude::*;
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

/// What the index found besides resume links.
#[derive(Default)]
pub struct Found {
    pub links: Vec<Link>,
    /// Capped keys (names excluded) with their members.
    pub capped: Vec<(Capped, Vec<u32>)>,
    pub stats: Stats,
}

#[derive(Default)]
pub struct Stats {
    pub capped_by_key: BTreeMap<&'static str, u64>,
    pub resume_pairs_checked: u64,
    pub resume_buckets_skipped: u64,
}

/// FNV-1a, finished with a 64-bit mixer: a hash that is the same on every build and machine.
pub fn hash64(bytes: &[u8]) -> u64 {
    mix64(fnv1a(FNV_OFFSET, bytes))
}

/// FNV-1a's starting state.
pub const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

/// FNV-1a from state `h` over `bytes` (unmixed): a hash of text that runs on from a hash of
/// the text before it.
#[inline]
pub fn fnv1a(mut h: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// splitmix64's finaliser.
pub fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// One value of one candidate in the index. `aux` says which (device, sign-in group).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Entry {
    key: u64,
    cand: u32,
    aux: u32,
}

/// `aux` of the application's own submission address.
const APP_IP: u32 = NONE - 1;

const EXACT: &[KeyKind] = &[
    KeyKind::Email,
    KeyKind::Phone,
    KeyKind::PhotoHash,
    KeyKind::PaymentAccount,
    KeyKind::ShippingAddress,
    KeyKind::HomeAddress,
    KeyKind::DeviceId,
];

/// The normalised values of one kind a candidate holds, with their `aux`.
#[cfg(test)]
fn values(kind: KeyKind, c: &Candidate, opts: &LinkOptions) -> Vec<(u32, String)> {
    let mut v = Vec::new();
    for_each_value(kind, c, opts, |aux, value| v.push((aux, value.to_string())));
    v
}

/// The normalised value of one kind a candidate holds under `aux` (the first, if several).
fn value_at(kind: KeyKind, c: &Candidate, opts: &LinkOptions, aux: u32) -> Option<String> {
    match kind {
        // Kinds of many values per candidate are read at their place: formatting every
        // address to return one made linking a bucket quadratic in a candidate's addresses.
        KeyKind::LoginIp => login_ip(c, opts, aux).map(|ip| ip.to_string()),
        KeyKind::DeviceId => c
            .logins
            .devices
            .get(aux as usize)
            .and_then(|d| norm::opaque(d.as_str())),
        _ => {
            let mut found = None;
            for_each_value(kind, c, opts, |a, value| {
                if a == aux && found.is_none() {
                    found = Some(value.to_string());
                }
            });
            found
        }
    }
}

/// The address behind a sign-in address value's `aux` (a sign-in address group's place, or
/// [`APP_IP`]), when it is a value: linkable and used at least `ip_min_uses` times, the
/// application's submission counting as a use.
fn login_ip(c: &Candidate, opts: &LinkOptions, aux: u32) -> Option<std::net::IpAddr> {
    let a = &c.app;
    let app_ip = match (a.ip, &c.app_ip_info, a.applied_at) {
        (Some(ip), Some(info), Some(_)) if linkable_ip(info) => Some(ip),
        _ => None,
    };
    let groups = &c.logins.groups;
    if aux == APP_IP {
        let ip = app_ip?;
        let logins = groups.iter().find(|g| g.ip == ip).map_or(0, |g| g.count);
        return (logins + 1 >= opts.ip_min_uses).then_some(ip);
    }
    let g = groups.get(aux as usize)?;
    let uses = g.count + u32::from(app_ip == Some(g.ip));
    (linkable_ip(&g.info) && uses >= opts.ip_min_uses).then_some(g.ip)
}

/// Calls `f` with each normalised value of one kind a candidate holds and its `aux`,
/// without gathering them (the index only hashes them).
fn for_each_value(kind: KeyKind, c: &Candidate, opts: &LinkOptions, mut f: impl FnMut(u32, &str)) {
    let a = &c.app;
    let mut one = |v: Option<String>| {
        if let Some(v) = v {
            f(0, &v)
        }
    };
    match kind {
        KeyKind::Email => one(a.get(app::EMAIL).and_then(norm::email)),
        KeyKind::Phone => one(a
            .get(app::PHONE)
            .and_then(|p| norm::phone(p, c.claim.country.as_deref()))
            .map(|d| format!("+{d}"))),
        KeyKind::PhotoHash => one(a.get(app::PHOTO_HASH).and_then(norm::opaque)),
        KeyKind::PaymentAccount => one(a.get(app::PAYMENT_ACCOUNT).and_then(norm::opaque)),
        KeyKind::ShippingAddress => one(a.get(app::SHIPPING_ADDRESS).and_then(norm::address)),
        KeyKind::HomeAddress => one(a.get(app::HOME_ADDRESS).and_then(norm::address)),
        KeyKind::DeviceId => {
            for (k, d) in c.logins.devices.iter().enumerate() {
                if let Some(v) = norm::opaque(d.as_str()) {
                    f(k as u32, &v);
                }
            }
        }
        KeyKind::Name => one(a.get(app::FULL_NAME).and_then(name_key)),
        KeyKind::LoginIp => {
            // Each address written as text into one buffer (the text is the value).
            let mut text = String::with_capacity(48);
            let groups = c.logins.groups.len() as u32;
            for aux in (0..groups).chain([APP_IP]) {
                if let Some(ip) = login_ip(c, opts, aux) {
                    use std::fmt::Write;
                    text.clear();
                    let _ = write!(text, "{ip}");
                    f(aux, &text);
                }
            }
        }
        KeyKind::Resume | KeyKind::Referral => {}
    }
}

/// Addresses shared by strangers (VPN, proxy, Tor and hosting exits, private space) link
/// nobody.
fn linkable_ip(info: &crate::model::IpInfo) -> bool {
    !info.anonymized() && !info.non_public
}

/// The cell a value came from.
fn source(kind: KeyKind, c: &Candidate, aux: u32) -> SourceRef {
    let cell = |f| c.app.fields.cell(f);
    match kind {
        KeyKind::Email => cell(app::EMAIL),
        KeyKind::Phone => cell(app::PHONE),
        KeyKind::PhotoHash => cell(app::PHOTO_HASH),
        KeyKind::PaymentAccount => cell(app::PAYMENT_ACCOUNT),
        KeyKind::ShippingAddress => cell(app::SHIPPING_ADDRESS),
        KeyKind::HomeAddress => cell(app::HOME_ADDRESS),
        KeyKind::Name => cell(app::FULL_NAME),
        KeyKind::Resume => cell(app::RESUME_TEXT),
        KeyKind::Referral => cell(app::REFERRED_BY),
        KeyKind::DeviceId => c
            .logins
            .device_first
            .get(aux as usize)
            .copied()
            .unwrap_or_else(|| c.app.fields.row.cell(0)),
        KeyKind::LoginIp => match c.logins.groups.get(aux as usize) {
            Some(g) if aux != APP_IP => g.first,
            _ => cell(app::IP),
        },
    }
}

/// Soundex code of one folded token.
fn soundex(t: &str) -> String {
    let code = |c: char| match c {
        'b' | 'f' | 'p' | 'v' => '1',
        'c' | 'g' | 'j' | 'k' | 'q' | 's' | 'x' | 'z' => '2',
        'd' | 't' => '3',
        'l' => '4',
        'm' | 'n' => '5',
        'r' => '6',
        'h' | 'w' => '-',
        _ => '0',
    };
    let mut chars = t.chars();
    let Some(first) = chars.next() else {
        return String::new();
    };
    let mut out = String::from(first);
    let mut last = code(first);
    for c in chars {
        let k = code(c);
        if k == '-' {
            continue;
        }
        if k != '0' && k != last {
            out.push(k);
            if out.len() == 4 {
                break;
            }
        }
        last = k;
    }
    out
}

/// Blocking key of a name: the phonetic codes of its folded tokens, sorted.
fn name_key(name: &str) -> Option<String> {
    let mut codes: Vec<String> = names::tokens(name).words().map(soundex).collect();
    if codes.is_empty() {
        return None;
    }
    codes.sort();
    Some(codes.join(" "))
}

fn entries(cands: &[Candidate], kind: KeyKind, opts: &LinkOptions) -> Vec<Entry> {
    let mut e: Vec<Entry> = cands
        .par_iter()
        .enumerate()
        .fold(Vec::new, |mut e, (i, c)| {
            for_each_value(kind, c, opts, |aux, v| {
                e.push(Entry {
                    key: hash64(v.as_bytes()),
                    cand: i as u32,
                    aux,
                })
            });
            e
        })
        .flatten_iter()
        .collect();
    e.par_sort_unstable();
    e
}

/// Normalised agency name.
fn agency(c: &Candidate) -> Option<String> {
    c.app.get(app::AGENCY).and_then(norm::opaque)
}

/// The names share a folded token of two or more letters (a surname, in either order).
fn related_names(a: &Candidate, b: &Candidate) -> bool {
    related_tokens(&name_tokens(a), &name_tokens(b))
}

/// The folded tokens of the application name (see [`names::tokens`]), if it has one.
fn name_tokens(c: &Candidate) -> Option<Rc<names::Tokens>> {
    let name = c.app.get(app::FULL_NAME)?;
    Some(RECENT_NAMES.with_borrow_mut(|r| r.get(name, |n| Rc::new(names::tokens(n)))))
}

/// [`related_names`] on names already split.
fn related_tokens(a: &Option<Rc<names::Tokens>>, b: &Option<Rc<names::Tokens>>) -> bool {
    match (a, b) {
        (Some(x), Some(y)) => x.words().any(|t| t.len() >= 2 && y.words().any(|u| u == t)),
        _ => false,
    }
}

fn addr(c: &Candidate, field: usize) -> Option<String> {
    let text = c.app.get(field)?;
    RECENT_ADDRESSES.with_borrow_mut(|r| r.get(text, norm::address))
}

/// The last few answers a thread worked out from a text, keyed by the text (so never stale).
/// Links are made pair by pair within a group of candidates sharing a value, so each member's
/// name and addresses come up again and again: for the links of 10k candidates, 24,230
/// addresses were normalised, and 9,365 with this.
struct Recent<T> {
    /// The slot written next once all are taken.
    next: usize,
    kept: Vec<(String, T)>,
}

impl<T: Clone> Recent<T> {
    const KEPT: usize = 8;

    const fn new() -> Recent<T> {
        Recent {
            next: 0,
            kept: Vec::new(),
        }
    }

    fn get(&mut self, text: &str, work_out: impl FnOnce(&str) -> T) -> T {
        if let Some((_, answer)) = self.kept.iter().find(|(t, _)| t == text) {
            return answer.clone();
        }
        let answer = work_out(text);
        let entry = (text.to_string(), answer.clone());
        if self.kept.len() < Self::KEPT {
            self.kept.push(entry);
        } else {
            self.kept[self.next] = entry;
            self.next = (self.next + 1) % Self::KEPT;
        }
        answer
    }
}

thread_local! {
    static RECENT_ADDRESSES: RefCell<Recent<Option<String>>> = const { RefCell::new(Recent::new()) };
    static RECENT_NAMES: RefCell<Recent<Rc<names::Tokens>>> = const { RefCell::new(Recent::new()) };
}

/// Same surname at the same home address, and each ID address (where given) is that home.
fn household(a: &Candidate, b: &Candidate) -> bool {
    let (Some(ha), Some(hb)) = (addr(a, app::HOME_ADDRESS), addr(b, app::HOME_ADDRESS)) else {
        return false;
    };
    let id_ok = |c: &Candidate, home: &str| {
        addr(c, app::ID_DOC_ADDRESS)
            .as_deref()
            .is_none_or(|i| i == home)
    };
    ha == hb && id_ok(a, &ha) && id_ok(b, &hb) && related_names(a, b)
}

/// Why a link between `a` and `b` through `kind` is expected of honest people, if it is.
fn explain(kind: KeyKind, a: &Candidate, b: &Candidate) -> Option<Box<str>> {
    use KeyKind::*;
    if matches!(kind, Phone | Email | LoginIp) {
        if let (Some(x), Some(y)) = (agency(a), agency(b)) {
            if x == y {
                let shown = a.app.get(app::AGENCY).unwrap_or("").trim();
                return Some(format!("agency {shown}").into());
            }
        }
    }
    if matches!(
        kind,
        Phone | Email | PaymentAccount | ShippingAddress | HomeAddress | LoginIp | DeviceId
    ) && household(a, b)
    {
        return Some(
            "household: shared surname at the same home address, ID addresses agree".into(),
        );
    }
    None
}

/// The ID-document addresses (else the home addresses) of both are known and differ.
fn addresses_differ(a: &Candidate, b: &Candidate) -> bool {
    for field in [app::ID_DOC_ADDRESS, app::HOME_ADDRESS] {
        if let (Some(x), Some(y)) = (addr(a, field), addr(b, field)) {
            return x != y;
        }
    }
    false
}

/// A link between candidates `i` and `j`, with its flags and explanation.
#[allow(clippy::too_many_arguments)]
pub fn make_link(
    cands: &[Candidate],
    opts: &LinkOptions,
    kind: KeyKind,
    i: u32,
    j: u32,
    value: String,
    src_i: SourceRef,
    src_j: SourceRef,
    similarity: f32,
) -> Link {
    let (a, b, src) = if i < j {
        (i, j, [src_i, src_j])
    } else {
        (j, i, [src_j, src_i])
    };
    let (ca, cb) = (&cands[a as usize], &cands[b as usize]);
    // Both names split once, for both questions (`similarity` is `similarity_tokens` of them).
    let (ta, tb) = (name_tokens(ca), name_tokens(cb));
    let same_name = match (&ta, &tb) {
        (Some(x), Some(y)) => names::similarity_tokens(x, y) >= opts.same_name,
        _ => false,
    };
    Link {
        a,
        b,
        kind,
        value: value.into(),
        explained: if kind.strong() {
            explain(kind, ca, cb)
        } else {
            None
        },
        src,
        same_name,
        related_names: related_tokens(&ta, &tb),
        addresses_differ: addresses_differ(ca, cb),
        similarity,
    }
}

/// Links of every exact key, the login IPs and the names.
pub fn exact_links(cands: &[Candidate], opts: &LinkOptions) -> Found {
    let mut found = Found::default();
    let kinds = EXACT
        .iter()
        .copied()
        .chain([KeyKind::LoginIp, KeyKind::Name]);
    for kind in kinds {
        let e = entries(cands, kind, opts);
        let mut start = 0;
        while start < e.len() {
            let mut end = start + 1;
            while end < e.len() && e[end].key == e[start].key {
                end += 1;
            }
            let bucket = &e[start..end];
            start = end;
            if bucket.len() < 2 {
                continue;
            }
            let mut members: Vec<u32> = bucket.iter().map(|x| x.cand).collect();
            members.dedup();
            if members.len() < 2 {
                continue;
            }
            let cap = if kind == KeyKind::Name {
                opts.name_cap
            } else {
                opts.cap
            };
            if members.len() > cap {
                *found.stats.capped_by_key.entry(kind.as_str()).or_default() += 1;
                if kind != KeyKind::Name {
                    let c = &cands[bucket[0].cand as usize];
                    let value = value_at(kind, c, opts, bucket[0].aux).unwrap_or_default();
                    found.capped.push((
                        Capped {
                            kind,
                            value,
                            size: members.len() as u32,
                        },
                        members,
                    ));
                }
                continue;
            }
            match kind {
                KeyKind::LoginIp => ip_bucket(cands, opts, bucket, &mut found.links),
                KeyKind::Name => name_bucket(cands, opts, &members, &mut found.links),
                _ => exact_bucket(cands, opts, kind, bucket, &mut found.links),
            }
        }
    }
    found
}

fn exact_bucket(
    cands: &[Candidate],
    opts: &LinkOptions,
    kind: KeyKind,
    bucket: &[Entry],
    out: &mut Vec<Link>,
) {
    // The hash only blocks: compare the real values.
    let mut vals: Vec<(String, u32, u32)> = bucket
        .iter()
        .filter_map(|x| {
            value_at(kind, &cands[x.cand as usize], opts, x.aux).map(|v| (v, x.cand, x.aux))
        })
        .collect();
    vals.sort();
    vals.dedup_by(|x, y| x.0 == y.0 && x.1 == y.1);
    for (p, x) in vals.iter().enumerate() {
        for y in &vals[p + 1..] {
            if y.0 != x.0 {
                break;
            }
            let (ci, cj) = (&cands[x.1 as usize], &cands[y.1 as usize]);
            out.push(make_link(
                cands,
                opts,
                kind,
                x.1,
                y.1,
                x.0.clone(),
                source(kind, ci, x.2),
                source(kind, cj, y.2),
                1.0,
            ));
        }
    }
}

/// When a candidate used an address: every sign-in time when all were kept, else the span.
enum Activity {
    Times(Vec<i64>),
    Span(i64, i64),
}

impl Activity {
    fn span(&self) -> (i64, i64) {
        match self {
            Activity::Times(t) => (t[0], t[t.len() - 1]),
            Activity::Span(a, b) => (*a, *b),
        }
    }
    fn near(&self, other: &Activity, window: i64) -> bool {
        if let (Activity::Times(x), Activity::Times(y)) = (self, other) {
            let (mut i, mut j) = (0, 0);
            while i < x.len() && j < y.len() {
                if (x[i] - y[j]).abs() <= window {
                    return true;
                }
                if x[i] < y[j] {
                    i += 1;
                } else {
                    j += 1;
                }
            }
            return false;
        }
        let ((a0, a1), (b0, b1)) = (self.span(), other.span());
        a0 - window <= b1 && b0 - window <= a1
    }
}

fn activity(c: &Candidate, aux: u32) -> Option<Activity> {
    if aux == APP_IP {
        return c.app.applied_at.map(|t| Activity::Times(vec![t]));
    }
    let g = c.logins.groups.get(aux as usize)?;
    let mut times: Vec<i64> = c
        .logins
        .events
        .iter()
        .filter(|e| e.group() as u32 == aux)
        .map(|e| e.ts())
        .collect();
    if times.len() as u32 == g.count && !times.is_empty() {
        times.sort_unstable();
        Some(Activity::Times(times))
    } else {
        Some(Activity::Span(g.first_ts, g.last_ts))
    }
}

fn ip_bucket(cands: &[Candidate], opts: &LinkOptions, bucket: &[Entry], out: &mut Vec<Link>) {
    // Per candidate: the address and each way it was used.
    let mut per: Vec<(u32, String, SourceRef, Vec<Activity>)> = Vec::new();
    for x in bucket {
        let c = &cands[x.cand as usize];
        let Some(act) = activity(c, x.aux) else {
            continue;
        };
        let ip = value_at(KeyKind::LoginIp, c, opts, x.aux).unwrap_or_default();
        match per.last_mut() {
            Some(last) if last.0 == x.cand && last.1 == ip => last.3.push(act),
            _ => per.push((x.cand, ip, source(KeyKind::LoginIp, c, x.aux), vec![act])),
        }
    }
    for (p, x) in per.iter().enumerate() {
        for y in &per[p + 1..] {
            if x.1 != y.1 || x.0 == y.0 {
                continue;
            }
            let near =
                x.3.iter()
                    .any(|a| y.3.iter().any(|b| a.near(b, opts.ip_window)));
            if near {
                out.push(make_link(
                    cands,
                    opts,
                    KeyKind::LoginIp,
                    x.0,
                    y.0,
                    x.1.clone(),
                    x.2,
                    y.2,
                    1.0,
                ));
            }
        }
    }
}

fn name_bucket(cands: &[Candidate], opts: &LinkOptions, members: &[u32], out: &mut Vec<Link>) {
    // Each member's name split once for all its pairs (a bucket may hold more names than the
    // thread's memory of recent names).
    let split: Vec<_> = members
        .iter()
        .map(|&i| name_tokens(&cands[i as usize]))
        .collect();
    for (p, &i) in members.iter().enumerate() {
        for (q, &j) in members.iter().enumerate().skip(p + 1) {
            let (ci, cj) = (&cands[i as usize], &cands[j as usize]);
            let (Some(tx), Some(ty)) = (&split[p], &split[q]) else {
                continue;
            };
            let s = names::similarity_tokens(tx, ty);
            if s >= opts.name_similarity {
                out.push(make_link(
                    cands,
                    opts,
                    KeyKind::Name,
                    i,
                    j,
                    tx.as_str().to_string(),
                    source(KeyKind::Name, ci, 0),
                    source(KeyKind::Name, cj, 0),
                    s as f32,
                ));
            }
        }
    }
}

/// Resolves `referred_by` to candidates and adds a weak referral link for each.
pub fn referrers(cands: &[Candidate], opts: &LinkOptions, links: &mut Vec<Link>) -> Vec<u32> {
    let by_id: HashMap<&str, u32> = cands
        .iter()
        .enumerate()
        .map(|(i, c)| (&*c.id, i as u32))
        .collect();
    let mut out = vec![NONE; cands.len()];
    for (i, c) in cands.iter().enumerate() {
        let Some(r) = c.app.get(app::REFERRED_BY) else {
            continue;
        };
        let Some(&r) = by_id.get(r.trim()) else {
            continue;
        };
        if r as usize == i {
            continue;
        }
        out[i] = r;
        links.push(make_link(
            cands,
            opts,
            KeyKind::Referral,
            i as u32,
            r,
            "referred_by".into(),
            c.app.fields.cell(app::REFERRED_BY),
            cands[r as usize].app.fields.cell(app::CANDIDATE_ID),
            1.0,
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recent_answers_are_those_worked_out_past_the_few_kept() {
        let texts: Vec<String> = (0..20)
            .map(|i| format!("{} Oak Street, Apt. {}", i % 11, i % 3))
            .chain([
                "".to_string(),
                "   ,, ".to_string(),
                "12 OAK ST #4".to_string(),
            ])
            .collect();
        // Each text several times, in an order that evicts and brings texts back.
        for round in 0..3 {
            for i in 0..texts.len() {
                let t = &texts[(i * 7 + round) % texts.len()];
                let recent = RECENT_ADDRESSES.with_borrow_mut(|r| r.get(t, norm::address));
                assert_eq!(recent, norm::address(t), "{t:?}");
            }
        }
        let people: Vec<String> = (0..12)
            .map(|i| format!("Jordan Lee {}", "x".repeat(i % 5)))
            .collect();
        for round in 0..3 {
            for i in 0..people.len() {
                let n = &people[(i * 5 + round) % people.len()];
                let recent =
                    RECENT_NAMES.with_borrow_mut(|r| r.get(n, |n| Rc::new(names::tokens(n))));
                assert_eq!(*recent, names::tokens(n), "{n:?}");
            }
        }
    }

    #[test]
    fn sign_in_addresses_are_values_as_text_when_used_enough() {
        let opts = LinkOptions::default();
        let mut c = Candidate::with_application(&[]);
        let plain = std::sync::Arc::new(crate::model::IpInfo::default());
        let vpn = std::sync::Arc::new(crate::model::IpInfo {
            vpn: true,
            ..Default::default()
        });
        let v6: std::net::IpAddr = "2001:db8::1".parse().unwrap();
        let v4: std::net::IpAddr = [198, 51, 100, 7].into();
        let exit: std::net::IpAddr = [203, 0, 113, 9].into();
        let once: std::net::IpAddr = [192, 0, 2, 1].into();
        let mut line = 2;
        for (ip, n, info) in [
            (v6, 3, &plain),
            (v4, 3, &plain),
            (exit, 5, &vpn),
            (once, 1, &plain),
        ] {
            for _ in 0..n {
                let l = crate::model::LoginRow::plain(line, 1_700_000_000 + line as i64, ip);
                c.logins.add(&l, || info.clone());
                line += 1;
            }
        }
        let text = |v: &[(u32, &str)]| -> Vec<(u32, String)> {
            v.iter().map(|&(k, t)| (k, t.to_string())).collect()
        };
        // Used three times each: in; the VPN exit: never; used once: below the minimum.
        assert_eq!(opts.ip_min_uses, 2);
        let want = text(&[(0, "2001:db8::1"), (1, "198.51.100.7")]);
        assert_eq!(values(KeyKind::LoginIp, &c, &opts), want);
        // What linking reads back one value at a time: the VPN exit (group 2) and the
        // address used once (3) are no values.
        let at = |c: &Candidate, aux| value_at(KeyKind::LoginIp, c, &opts, aux);
        assert_eq!(at(&c, 0).as_deref(), Some("2001:db8::1"));
        assert_eq!(at(&c, 1).as_deref(), Some("198.51.100.7"));
        assert_eq!((at(&c, 2), at(&c, 3), at(&c, APP_IP)), (None, None, None));
        // The application was sent from the address used once: with it, twice.
        c.app.ip = Some(once);
        c.app.applied_at = Some(1_700_000_000);
        c.app_ip_info = Some(plain.clone());
        assert_eq!(
            values(KeyKind::LoginIp, &c, &opts),
            text(&[
                (0, "2001:db8::1"),
                (1, "198.51.100.7"),
                (3, "192.0.2.1"),
                (APP_IP, "192.0.2.1")
            ])
        );
        assert_eq!(at(&c, 3).as_deref(), Some("192.0.2.1"));
        assert_eq!(at(&c, APP_IP).as_deref(), Some("192.0.2.1"));
        assert_eq!(at(&c, 4), None);
        // Read at its place (not by walking every value), each value is the walk's value
        // under its aux, and an aux the walk never gives reads as none; devices too.
        for d in ["dev-1", " DEV 2 ", "   "] {
            c.logins.devices.push(crate::model::Key::new(d));
        }
        c.app.ip = Some(v4);
        for kind in [KeyKind::LoginIp, KeyKind::DeviceId] {
            let walked = values(kind, &c, &opts);
            assert!(walked.len() >= 2, "{kind:?}: {walked:?}");
            for aux in (0..6).chain([APP_IP, NONE]) {
                let want = walked.iter().find(|v| v.0 == aux).map(|v| v.1.clone());
                assert_eq!(value_at(kind, &c, &opts, aux), want, "{kind:?} aux {aux}");
            }
        }
    }

    #[test]
    fn soundex_folds_spellings() {
        assert_eq!(soundex("robert"), "r163");
        assert_eq!(soundex("rupert"), "r163");
        assert_eq!(soundex("ashcraft"), "a261");
        assert_eq!(name_key("Zhang Wei"), name_key("WEI ZHANG"));
        assert_eq!(name_key("Steven Smith"), name_key("Stephen Smyth"));
        assert_eq!(name_key("  "), None);
    }

    #[test]
    fn hash_is_stable() {
        // Pinned: ids and blocking must not change between builds.
        assert_eq!(hash64(b""), mix64(0xcbf2_9ce4_8422_2325));
        assert_ne!(hash64(b"a"), hash64(b"b"));
    }

    #[test]
    fn activity_windows() {
        let w = 86_400;
        let a = Activity::Times(vec![0, 1_000_000]);
        assert!(a.near(&Activity::Times(vec![80_000]), w));
        assert!(!a.near(&Activity::Times(vec![500_000]), w));
        assert!(a.near(&Activity::Span(100_000, 900_000), w));
        assert!(!Activity::Span(0, 10).near(&Activity::Span(86_411, 90_000), w));
    }
}
