//! Short texts compared often (join keys: candidate ids, emails, accounts; device ids) kept in
//! place rather than on the heap when short, as most are, and the join tables they key
//! ([`KeyMap`]). A sign-in log in time order joins every row afresh, at a random place in
//! tables of a million keys, and checks each row's device against the candidate's: a key's
//! text on the heap would be one more wait for memory at each comparison.

use std::hash::Hasher;

/// Longest key kept in place.
const SHORT: usize = 30;

/// A key's text: in place up to [`SHORT`] bytes, else boxed.
#[derive(Clone)]
pub enum Key {
    Short { len: u8, bytes: [u8; SHORT] },
    Long(Box<str>),
}

impl Key {
    pub fn new(s: &str) -> Key {
        match s.len() {
            n if n <= SHORT => {
                let mut bytes = [0; SHORT];
                bytes[..n].copy_from_slice(s.as_bytes());
                Key::Short {
                    len: n as u8,
                    bytes,
                }
            }
            _ => Key::Long(s.into()),
        }
    }

    /// The text's bytes, without the UTF-8 check of [`Key::as_str`]: for comparing.
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            Key::Short { len, bytes } => &bytes[..*len as usize],
            Key::Long(s) => s.as_bytes(),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            // Copied from a `str` whole, so it is UTF-8; the check only costs a few
            // nanoseconds and needs no `unsafe`.
            Key::Short { len, bytes } => std::str::from_utf8(&bytes[..*len as usize]).unwrap_or(""),
            Key::Long(s) => s,
        }
    }
}

impl From<&str> for Key {
    fn from(s: &str) -> Key {
        Key::new(s)
    }
}

impl From<String> for Key {
    fn from(s: String) -> Key {
        Key::new(&s)
    }
}

// Equality is the text's bytes' (no UTF-8 check of `as_str` at each comparison).
impl PartialEq for Key {
    fn eq(&self, other: &Key) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl Eq for Key {}

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.as_str().fmt(f)
    }
}

/// A map from keys to candidates (join tables: candidate ids, emails, accounts), built while
/// applications and identities are read and then only looked up, once or more for every
/// sign-in. Open addressing: a table of 8-byte slots, each a tag of the key's hash and the
/// place of its entry, kept at most half full; the keys and their values in a list beside it
/// in the order they came. A lookup reads one slot (the tag rules out the keys it is not
/// without touching them; at a million keys the slot table is 16 MB where a table of keys in
/// place is 80) and then one entry. Both can be asked for early ([`KeyMap::prefetch`]): a
/// log in time order joins each row at a random place, and each would otherwise wait for
/// memory twice.
#[derive(Clone, Debug)]
pub struct KeyMap {
    /// 0: empty; else the hash's tag (high half) and the entry's place plus one (low half).
    slots: Vec<u64>,
    entries: Vec<(Key, usize)>,
    /// The most keys it takes: [`KeyMap::MAX_KEYS`], lower in tests.
    limit: usize,
}

impl Default for KeyMap {
    fn default() -> KeyMap {
        #[cfg(not(test))]
        let limit = KeyMap::MAX_KEYS;
        #[cfg(test)]
        let limit = tests::LIMIT.get();
        KeyMap {
            slots: Vec::new(),
            entries: Vec::new(),
            limit,
        }
    }
}

/// How far a key's lookup has been asked for (see [`KeyMap::prefetch`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fetch {
    /// The slot where the key's search starts.
    Slot,
    /// The entries whose tags match in the slot's line, once the slot has arrived.
    Entry,
}

impl KeyMap {
    /// The most keys a map takes: an entry's place plus one fills a slot's low 32 bits. A
    /// key past it is refused (not a real export: the entries alone would take 160 GB).
    pub const MAX_KEYS: usize = u32::MAX as usize;

    pub fn hash(bytes: &[u8]) -> u64 {
        let mut h = rustc_hash::FxHasher::default();
        h.write(bytes);
        // Fx mixes its last word weakly into the high bits the slot is taken from.
        let h = h.finish();
        (h ^ (h >> 29)).wrapping_mul(0x9E37_79B9_7F4A_7C15)
    }

    fn tag(hash: u64) -> u64 {
        // Never 0, so a used slot is never 0.
        (hash as u32 | 1) as u64
    }

    fn start(&self, hash: u64) -> usize {
        // The high bits: the product's best mixed.
        let bits = self.slots.len().trailing_zeros();
        match bits {
            0 => 0,
            _ => (hash >> (64 - bits)) as usize,
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Room for `more` keys without growing, as far as memory allows: `more` is an estimate
    /// (from a file's size), and a room the system refuses is no error; the map then grows as
    /// keys come.
    pub fn reserve(&mut self, more: usize) {
        if self.entries.try_reserve(more).is_err() {
            return;
        }
        let want = (self.entries.len() + more)
            .saturating_mul(2)
            .next_power_of_two();
        if want > self.slots.len() {
            self.rehash(want);
        }
    }

    fn rehash(&mut self, size: usize) {
        self.slots = vec![0; size.max(16)];
        let mask = self.slots.len() - 1;
        for (i, (k, _)) in self.entries.iter().enumerate() {
            let h = Self::hash(k.as_bytes());
            let mut s = self.start(h);
            while self.slots[s] != 0 {
                s = (s + 1) & mask;
            }
            self.slots[s] = Self::tag(h) << 32 | (i as u64 + 1);
        }
    }

    /// The slot holding `bytes`, or the empty slot where it would go (no slot in a map that
    /// has none yet: `put` makes them before it takes a key).
    fn find(&self, hash: u64, bytes: &[u8]) -> (usize, Option<usize>) {
        if self.slots.is_empty() {
            return (usize::MAX, None);
        }
        let mask = self.slots.len().wrapping_sub(1);
        let tag = Self::tag(hash);
        let mut s = self.start(hash);
        loop {
            let slot = self.slots[s];
            if slot == 0 {
                return (s, None);
            }
            let entry = (slot as u32 as usize).wrapping_sub(1);
            if slot >> 32 == tag && self.entries[entry].0.as_bytes() == bytes {
                return (s, Some(entry));
            }
            s = (s + 1) & mask;
        }
    }

    pub fn get(&self, bytes: &[u8]) -> Option<usize> {
        self.get_hashed(Self::hash(bytes), bytes)
    }

    /// [`KeyMap::get`] with the key's [`KeyMap::hash`] worked out already.
    fn get_hashed(&self, hash: u64, bytes: &[u8]) -> Option<usize> {
        self.find(hash, bytes).1.map(|e| self.entries[e].1)
    }

    /// Maps `key` to `value`, replacing what it mapped to; `first`: only if it maps to nothing
    /// yet. The value it maps to afterwards; `None` for a new key when the map is full
    /// (`limit` keys), which leaves the map as it was.
    fn put(&mut self, key: Key, value: usize, first: bool) -> Option<usize> {
        let h = Self::hash(key.as_bytes());
        let mut s = match self.find(h, key.as_bytes()) {
            (_, Some(e)) => {
                if !first {
                    self.entries[e].1 = value;
                }
                return Some(self.entries[e].1);
            }
            (s, None) => s,
        };
        if self.entries.len() >= self.limit {
            return None;
        }
        // Grown only for a new key, at most half full.
        if (self.entries.len() + 1) * 2 > self.slots.len() {
            self.rehash((self.slots.len() * 2).max(16));
            s = self.find(h, key.as_bytes()).0;
        }
        self.slots[s] = Self::tag(h) << 32 | (self.entries.len() as u64 + 1);
        self.entries.push((key, value));
        Some(value)
    }

    /// Maps `key` to `value` (the last value given wins, as `HashMap::insert`); false, and
    /// nothing changed, when the key is new and the map full ([`KeyMap::MAX_KEYS`]).
    #[must_use = "a full map refuses a new key"]
    pub fn insert(&mut self, key: Key, value: usize) -> bool {
        self.put(key, value, false).is_some()
    }

    /// Maps `key` to `value` unless it maps to something already (the first value given
    /// wins, as `HashMap::entry(..).or_insert`); what it maps to, `None` when the key is new
    /// and the map full ([`KeyMap::MAX_KEYS`]).
    #[must_use = "a full map refuses a new key"]
    pub fn insert_first(&mut self, key: Key, value: usize) -> Option<usize> {
        self.put(key, value, true)
    }

    /// Asks for the memory a lookup of a key with this hash will read (see [`Fetch`]), without
    /// waiting for it: no effect on any answer.
    #[inline]
    pub fn prefetch(&self, hash: u64, stage: Fetch) {
        if self.slots.is_empty() {
            return;
        }
        let s = self.start(hash);
        match stage {
            Fetch::Slot => super::prefetch(&self.slots[s], 8),
            Fetch::Entry => {
                // The slots to the end of the slot's memory line, which the first stage
                // asked for (a search rarely goes further).
                let tag = Self::tag(hash);
                let to_line_end = (63 - (&self.slots[s] as *const u64 as usize & 63)) / 8;
                let end = (s + to_line_end).min(self.slots.len() - 1);
                for &slot in &self.slots[s..=end] {
                    if slot == 0 {
                        break;
                    }
                    if slot >> 32 == tag {
                        if let Some(e) = self.entries.get((slot as u32 as usize).wrapping_sub(1)) {
                            super::prefetch(e, usize::MAX);
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use std::cell::Cell;

    thread_local! {
        /// The most keys of maps made on this thread, lowered to test what a full map refuses.
        pub(crate) static LIMIT: Cell<usize> = const { Cell::new(super::KeyMap::MAX_KEYS) };
    }

    /// Runs `f` with maps made on this thread taking at most `limit` keys.
    pub(crate) fn with_limit<T>(limit: usize, f: impl FnOnce() -> T) -> T {
        let before = LIMIT.replace(limit);
        let out = f();
        LIMIT.set(before);
        out
    }

    use super::*;

    /// Keys up to 30 bytes sit in place, longer ones on the heap; both read back whole and
    /// compare by their text, and a key map finds each by its bytes.
    #[test]
    fn keys_short_and_long_read_back_and_are_found_by_their_bytes() {
        let texts = [
            "",
            "C0000001",
            "anair1@corp.example",
            "zoë.östberg@example.org",
            "exactly-thirty-bytes-long-key!",
            "thirty-one-bytes-long-key-here!",
            "a-much-longer-account-name@subsidiary.corp.example",
        ];
        let mut map = KeyMap::default();
        for (i, t) in texts.iter().enumerate() {
            let k = Key::new(t);
            assert_eq!(k.as_str(), *t);
            assert_eq!(k.as_bytes(), t.as_bytes());
            assert_eq!(matches!(k, Key::Short { .. }), t.len() <= SHORT, "{t}");
            assert!(map.insert(k, i));
        }
        for (i, t) in texts.iter().enumerate() {
            assert_eq!(map.get(t.as_bytes()), Some(i), "{t}");
        }
        assert_eq!(map.get("C0000002".as_bytes()), None);
        assert_eq!(map.get("exactly-thirty-bytes-long-key".as_bytes()), None);
        assert_eq!(Key::new("x"), Key::from(String::from("x")));
        assert_ne!(Key::new("x"), Key::new("y"));
        let long = texts[6];
        assert_ne!(Key::new(long), Key::new(&long[..long.len() - 1]));
    }

    /// A slot's tag only rules keys out: a key whose search meets a slot of the same tag
    /// is still compared whole (asked with another key's hash, as a collision of tags would
    /// be, it is not found).
    #[test]
    fn a_matching_tag_is_not_a_match() {
        let mut map = KeyMap::default();
        assert!(map.insert(Key::new("a@x.example"), 1));
        let h = KeyMap::hash(b"a@x.example");
        assert_eq!(map.get_hashed(h, b"a@x.example"), Some(1));
        assert_eq!(map.get_hashed(h, b"b@x.example"), None);
        assert_eq!(map.get_hashed(h, b"a@x.exampl"), None);
    }

    /// Random keys (short, long, not ASCII, sharing long prefixes), inserted with both
    /// rules into maps grown from nothing or sized at once, answer as `HashMap`s do, for
    /// keys present and absent, whatever was asked for early.
    #[test]
    fn key_maps_answer_as_hash_maps_do() {
        use std::collections::HashMap;
        let mut x = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let mut texts: Vec<String> = Vec::new();
        for i in 0..20_000u64 {
            let r = next();
            texts.push(match r % 5 {
                0 => format!("user{}@corp.example", r % 4_000),
                1 => format!("C{:07}", r % 9_000),
                2 => format!("zoë.{}@例え.jp", r % 3_000),
                3 => format!(
                    "a-much-longer-account-name-{}@subsidiary.corp.example",
                    r % 2_000
                ),
                _ => format!("{i}"),
            });
        }
        for sized in [false, true] {
            let (mut last, mut first) = (KeyMap::default(), KeyMap::default());
            if sized {
                last.reserve(texts.len());
                first.reserve(texts.len());
            }
            let (mut want_last, mut want_first) = (HashMap::new(), HashMap::new());
            for (i, t) in texts.iter().enumerate() {
                assert!(last.insert(Key::new(t), i));
                want_last.insert(t.clone(), i);
                let got = first.insert_first(Key::new(t), i);
                assert_eq!(got, Some(*want_first.entry(t.clone()).or_insert(i)), "{t}");
            }
            assert_eq!(last.len(), want_last.len());
            assert_eq!(first.len(), want_first.len());
            let mut probes: Vec<String> = texts.clone();
            probes.extend(texts.iter().take(3_000).map(|t| format!("{t}x")));
            probes.extend(["", "C", "user@corp.example"].map(String::from));
            for p in &probes {
                let h = KeyMap::hash(p.as_bytes());
                for stage in [Fetch::Slot, Fetch::Entry] {
                    last.prefetch(h, stage);
                }
                assert_eq!(last.get(p.as_bytes()), want_last.get(p).copied(), "{p}");
                assert_eq!(last.get_hashed(h, p.as_bytes()), want_last.get(p).copied());
                assert_eq!(first.get(p.as_bytes()), want_first.get(p).copied(), "{p}");
            }
        }
        let empty = KeyMap::default();
        empty.prefetch(KeyMap::hash(b"x"), Fetch::Entry);
        assert_eq!(empty.get(b"x"), None);
        assert!(empty.is_empty());
    }

    /// Keys whose searches start at one slot (the table's last, so searches wrap to its
    /// start) are all found, and a key absent from a full run of slots is not.
    #[test]
    fn key_map_searches_run_past_taken_slots_and_wrap() {
        let mut map = KeyMap::default();
        map.reserve(8);
        let size = map.slots.len();
        let last = size - 1;
        let mut same: Vec<String> = Vec::new();
        let mut other = None;
        for i in 0.. {
            let t = format!("k{i}");
            let start = map.start(KeyMap::hash(t.as_bytes()));
            if start == last && same.len() < 5 {
                same.push(t);
            } else if start == last && other.is_none() {
                other = Some(t);
            }
            if same.len() == 5 && other.is_some() {
                break;
            }
        }
        for (i, t) in same.iter().enumerate() {
            assert!(map.insert(Key::new(t), i));
        }
        assert_eq!(map.slots.len(), size, "no growth");
        for (i, t) in same.iter().enumerate() {
            assert_eq!(map.get(t.as_bytes()), Some(i), "{t}");
        }
        assert_eq!(map.get(other.unwrap().as_bytes()), None);
        // The run wrapped: the table's first slots are taken.
        assert!(map.slots[0] != 0 && map.slots[3] != 0);
    }

    /// A map grows only to take a new key, when it would be more than half full: updating a
    /// key, or asking for one it has, never grows it.
    #[test]
    fn a_map_grows_for_new_keys_only() {
        let mut map = KeyMap::default();
        let keys: Vec<String> = (0..9).map(|i| format!("k{i}")).collect();
        for (i, k) in keys[..8].iter().enumerate() {
            assert!(map.insert(Key::new(k), i));
        }
        assert_eq!(map.slots.len(), 16);
        assert!(map.insert(Key::new("k0"), 100));
        assert_eq!(map.insert_first(Key::new("k1"), 101), Some(1));
        assert_eq!(map.slots.len(), 16, "no growth for keys it has");
        assert!(map.insert(Key::new(&keys[8]), 8));
        assert_eq!(map.slots.len(), 32);
        let got: Vec<Option<usize>> = keys.iter().map(|k| map.get(k.as_bytes())).collect();
        let want: Vec<Option<usize>> = (0..9).map(|i| Some(if i == 0 { 100 } else { i })).collect();
        assert_eq!(got, want);
    }

    /// Room the system cannot give is asked for and not taken: no abort, and the map works.
    #[test]
    fn an_impossible_reserve_is_no_error() {
        let mut map = KeyMap::default();
        map.reserve(usize::MAX / 4);
        assert!(map.slots.is_empty());
        assert!(map.insert(Key::new("k"), 7));
        assert_eq!(map.get(b"k"), Some(7));
        map.reserve(100);
        assert_eq!(map.slots.len(), 256);
        assert_eq!(map.get(b"k"), Some(7));
    }

    /// A full map refuses a new key, changing nothing, and still updates and finds the keys
    /// it has: a key past the limit is not a panic.
    #[test]
    fn a_full_map_refuses_new_keys_and_keeps_its_own() {
        let mut map = with_limit(3, KeyMap::default);
        for (i, k) in ["a", "b", "c"].iter().enumerate() {
            assert!(map.insert(Key::new(k), i));
        }
        assert!(!map.insert(Key::new("d"), 3));
        assert_eq!(map.insert_first(Key::new("d"), 3), None);
        assert_eq!(map.len(), 3);
        assert_eq!(map.get(b"d"), None);
        // Keys it has are still updated (insert) or answered (insert_first).
        assert!(map.insert(Key::new("b"), 10));
        assert_eq!(map.insert_first(Key::new("c"), 11), Some(2));
        assert_eq!(
            ["a", "b", "c"].map(|k| map.get(k.as_bytes())),
            [Some(0), Some(10), Some(2)]
        );
        // One short of the limit still takes one more.
        let mut map = with_limit(2, KeyMap::default);
        assert_eq!(map.insert_first(Key::new("x"), 0), Some(0));
        assert_eq!(map.insert_first(Key::new("y"), 1), Some(1));
        assert_eq!(map.insert_first(Key::new("z"), 2), None);
        assert_eq!(KeyMap::default().limit, KeyMap::MAX_KEYS);
    }
}
