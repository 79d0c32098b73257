//! Short texts compared often (join keys: candidate ids, emails, accounts; device ids) kept in
//! place rather than on the heap when short, as most are. A sign-in log in time order joins
//! every row afresh, at a random place in maps of a million keys, and checks each row's device
//! against the candidate's: with the text on the heap, each comparison waited for memory
//! twice (the slot, then the text); with the text in the slot, once.

use std::borrow::Borrow;
use std::hash::{Hash, Hasher};

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

// Equality and hashing are the text's bytes', as `Borrow<[u8]>` requires: a map of keys is
// looked up with the bytes of a `&str`, which spares each comparison the UTF-8 check of
// `as_str` (a lookup in time order compares at least once).
impl PartialEq for Key {
    fn eq(&self, other: &Key) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl Eq for Key {}

impl Hash for Key {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_bytes().hash(state);
    }
}

impl Borrow<[u8]> for Key {
    fn borrow(&self) -> &[u8] {
        self.as_bytes()
    }
}

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.as_str().fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustc_hash::FxHashMap;

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
        let mut map: FxHashMap<Key, usize> = FxHashMap::default();
        for (i, t) in texts.iter().enumerate() {
            let k = Key::new(t);
            assert_eq!(k.as_str(), *t);
            assert_eq!(matches!(k, Key::Short { .. }), t.len() <= SHORT, "{t}");
            map.insert(k, i);
        }
        for (i, t) in texts.iter().enumerate() {
            assert_eq!(map.get(t.as_bytes()), Some(&i), "{t}");
        }
        assert_eq!(map.get("C0000002".as_bytes()), None);
        assert_eq!(map.get("exactly-thirty-bytes-long-key".as_bytes()), None);
        assert_eq!(Key::new("x"), Key::from(String::from("x")));
        assert_ne!(Key::new("x"), Key::new("y"));
    }
}
