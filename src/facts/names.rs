//! Name comparison that tolerates what honest people's names do across documents: case,
//! accents, token order ("Zhang Wei" / "WEI ZHANG"), middle names, initials and common
//! nicknames ("Bob" / "Robert"). It never looks at where a name comes from.

use crate::few::gathered;
use crate::norm::{word_map, WordTable};
use strsim::jaro_winkler;

/// Common English nicknames to the given name they stand for.
const NICKNAMES: &[(&str, &str)] = &[
    ("bob", "robert"),
    ("bobby", "robert"),
    ("rob", "robert"),
    ("robbie", "robert"),
    ("bill", "william"),
    ("billy", "william"),
    ("will", "william"),
    ("liam", "william"),
    ("jim", "james"),
    ("jimmy", "james"),
    ("jamie", "james"),
    ("mike", "michael"),
    ("mick", "michael"),
    ("dave", "david"),
    ("tom", "thomas"),
    ("tommy", "thomas"),
    ("dick", "richard"),
    ("rick", "richard"),
    ("rich", "richard"),
    ("chris", "christopher"),
    ("matt", "matthew"),
    ("dan", "daniel"),
    ("danny", "daniel"),
    ("joe", "joseph"),
    ("joey", "joseph"),
    ("tony", "anthony"),
    ("andy", "andrew"),
    ("drew", "andrew"),
    ("nick", "nicholas"),
    ("steve", "steven"),
    ("stephen", "steven"),
    ("sam", "samuel"),
    ("ben", "benjamin"),
    ("alex", "alexander"),
    ("sasha", "alexander"),
    ("kate", "katherine"),
    ("katie", "katherine"),
    ("cathy", "catherine"),
    ("liz", "elizabeth"),
    ("beth", "elizabeth"),
    ("betty", "elizabeth"),
    ("jen", "jennifer"),
    ("jenny", "jennifer"),
    ("sue", "susan"),
    ("peggy", "margaret"),
    ("maggie", "margaret"),
    ("meg", "margaret"),
    ("pat", "patricia"),
    ("patty", "patricia"),
    ("jack", "john"),
    ("johnny", "john"),
    ("jon", "jonathan"),
    ("ed", "edward"),
    ("eddie", "edward"),
    ("ted", "edward"),
    ("greg", "gregory"),
    ("jeff", "jeffrey"),
    ("ken", "kenneth"),
    ("larry", "lawrence"),
    ("ron", "ronald"),
    ("tim", "timothy"),
    ("vic", "victor"),
    ("zach", "zachary"),
    ("nate", "nathan"),
];

/// [`NICKNAMES`] by nickname.
static BY_NICKNAME: WordTable = WordTable::new(|| word_map(NICKNAMES));

const TITLES: &[&str] = &[
    "mr", "mrs", "ms", "miss", "dr", "prof", "jr", "sr", "ii", "iii",
];

/// The folded tokens of a name, nicknames expanded, sorted, kept as one string of words
/// joined by single spaces (a name has few words; one string is one allocation).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tokens(String);

impl Tokens {
    /// The words in order.
    pub fn words(&self) -> impl Iterator<Item = &str> + Clone {
        self.0.split(' ').filter(|w| !w.is_empty())
    }
    /// The words joined by single spaces ("" for none).
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn into_string(self) -> String {
        self.0
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Names with more words than this are gathered on the heap for comparing.
const FEW: usize = 16;

thread_local! {
    /// The folded name, reused from call to call.
    static FOLDED: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// Folded tokens of a name, nicknames expanded, sorted.
pub fn tokens(name: &str) -> Tokens {
    FOLDED.with_borrow_mut(|ascii| {
        ascii.clear();
        crate::norm::fold_into(name, ascii);
        let words = crate::norm::words(ascii)
            .filter(|t| !TITLES.contains(t))
            .map(|t| BY_NICKNAME.get(t).unwrap_or(t));
        gathered::<FEW, _>(words, |w| {
            w.sort_unstable();
            let mut out = String::with_capacity(w.iter().map(|t| t.len() + 1).sum());
            for (i, t) in w.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                out.push_str(t);
            }
            Tokens(out)
        })
    })
}

fn token_sim(a: &str, b: &str) -> f64 {
    if a == b {
        return 1.0;
    }
    // An initial matches the name it abbreviates.
    if (a.len() == 1 && b.starts_with(a)) || (b.len() == 1 && a.starts_with(b)) {
        return 0.9;
    }
    jaro_winkler(a, b)
}

/// Similarity in 0..=1 of two names; 1.0 means the same name up to case, accents, order,
/// nicknames and extra middle names.
pub fn similarity(a: &str, b: &str) -> f64 {
    // The same text up to ASCII case has the same tokens: 1.0 unless it has none.
    if a.eq_ignore_ascii_case(b) {
        return match tokens(a).is_empty() {
            true => 0.0,
            false => 1.0,
        };
    }
    similarity_tokens(&tokens(a), &tokens(b))
}

/// [`similarity`] on names already split by [`tokens`], for comparing one name with many.
pub fn similarity_tokens(ta: &Tokens, tb: &Tokens) -> f64 {
    // The same words score 1.0 below too (each word's best partner is itself); names in a
    // bucket of linking are often the same.
    if ta == tb && !ta.is_empty() {
        return 1.0;
    }
    scored(ta, tb)
}

/// Every word of two names scored against its best partner: [`similarity_tokens`] without its
/// short ways.
fn scored(ta: &Tokens, tb: &Tokens) -> f64 {
    if ta.is_empty() || tb.is_empty() {
        return 0.0;
    }
    gathered::<FEW, _>(ta.words(), |a| {
        gathered::<FEW, _>(tb.words(), |b| similarity_words(a, b))
    })
}

fn similarity_words(ta: &[&str], tb: &[&str]) -> f64 {
    let (short, long) = if ta.len() <= tb.len() {
        (ta, tb)
    } else {
        (tb, ta)
    };
    // Each token of the shorter name against its best partner in the longer one.
    let mut used_few = [false; FEW];
    let mut used_many = Vec::new();
    let used: &mut [bool] = if long.len() <= FEW {
        &mut used_few[..long.len()]
    } else {
        used_many.resize(long.len(), false);
        &mut used_many
    };
    let mut total = 0.0;
    let mut worst: f64 = 1.0;
    for t in short {
        let mut best = (0.0, None);
        for (i, u) in long.iter().enumerate() {
            if used[i] {
                continue;
            }
            let s = token_sim(t, u);
            if s > best.0 {
                best = (s, Some(i));
            }
        }
        if let Some(i) = best.1 {
            used[i] = true;
        }
        total += best.0;
        worst = worst.min(best.0);
    }
    // Half the mean, half the worst token: one clearly different surname is enough to
    // fall below a match, however well the given name matches.
    0.5 * (total / short.len() as f64) + 0.5 * worst
}

/// True when the two names are the same after folding (case, accents, order, nicknames).
pub fn same(a: &str, b: &str) -> bool {
    let (ta, tb) = (tokens(a), tokens(b));
    !ta.is_empty() && ta == tb
}

/// Display names that say nothing about who is on the call (the tests' way in to
/// [`is_generic_tokens`]).
#[cfg(test)]
fn is_generic_display_name(name: &str) -> bool {
    is_generic_tokens(&tokens(name))
}

/// Display names that say nothing about who it is, as [`tokens`] writes them (words
/// folded and sorted: "Zoom User" is `user zoom`).
const GENERIC: &[&str] = &[
    "iphone",
    "ipad",
    "android",
    "guest",
    "user",
    "user zoom",
    "admin",
    "owner",
    "laptop",
    "macbook",
    "macbook pro",
    "air macbook",
    "pc",
    "desktop",
    "galaxy",
    "samsung",
    "candidate",
    "unknown",
    "external",
];

/// Whether a display name, already split by [`tokens`], says nothing about who is on the
/// call.
pub fn is_generic_tokens(words: &Tokens) -> bool {
    let t = words.as_str();
    const DEVICES: &[&str] = &[
        "iphone", "ipad", "android", "macbook", "galaxy", "pixel", "laptop", "pc",
    ];
    t.is_empty() || GENERIC.contains(&t) || words.words().any(|w| DEVICES.contains(&w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nicknames_are_listed_once() {
        assert_eq!(word_map(NICKNAMES).len(), NICKNAMES.len());
    }

    #[test]
    fn honest_variants_match() {
        assert!(same("Zhang Wei", "WEI ZHANG"));
        assert!(same("Bob Smith", "Robert Smith"));
        assert!(same("José Álvarez", "jose alvarez"));
        assert!(similarity("Robert James Smith", "Robert Smith") >= 0.99);
        assert!(similarity("R. Smith", "Robert Smith") >= 0.9);
        assert!(similarity("Oleksandr Petrenko", "Aleksandr Petrenko") >= 0.85);
        assert!(similarity("Steven Smith", "Stephen Smith") >= 0.99);
    }

    #[test]
    fn different_people_do_not() {
        assert!(similarity("Steven Smith", "Kim Min-jun") < 0.6);
        assert!(similarity("Jordan Lee", "Priya Raman") < 0.6);
        assert!(similarity("Anna Kowalska", "Anna Nowak") < 0.85);
        assert_eq!(similarity("", "x"), 0.0);
    }

    #[test]
    fn tokens_are_folded_sorted_words_in_one_string() {
        let t = tokens("Dr. Zoë  O'Brien-SMITH, Bob");
        assert_eq!(t.as_str(), "brien o robert smith zoe");
        assert_eq!(
            t.words().collect::<Vec<_>>(),
            ["brien", "o", "robert", "smith", "zoe"]
        );
        for empty in ["", "  ", "--", "Mr", "Dr. ·"] {
            let t = tokens(empty);
            assert!(t.is_empty() && t.words().next().is_none(), "{empty:?}");
        }
    }

    #[test]
    fn long_names_compare_past_the_stack_buffer() {
        // More words than fit on the stack: the same words in another order still match,
        // and a word changed at the end still counts.
        let words: Vec<String> = (0..FEW + 4).map(|i| format!("w{i}x")).collect();
        let a = words.join(" ");
        let mut sorted = words.clone();
        sorted.sort();
        assert_eq!(tokens(&a).as_str(), sorted.join(" "));
        let b: Vec<&str> = words.iter().rev().map(String::as_str).collect();
        assert_eq!(similarity(&a, &b.join(" ")), 1.0);
        let mut c = words.clone();
        *c.last_mut().unwrap() = "zzzzzz".into();
        let s = similarity(&a, &c.join(" "));
        assert!(s < 0.9, "{s}");
        let short = words[..3].join(" ");
        assert_eq!(similarity(&short, &a), 1.0);
    }

    #[test]
    fn device_names_are_generic() {
        // Each generic name is written as tokens are, or it could never match.
        for g in GENERIC {
            assert_eq!(tokens(g).as_str(), *g);
        }
        assert!(is_generic_display_name("Zoom User"));
        assert!(is_generic_display_name("zoom user "));
        assert!(is_generic_display_name("MacBook Air"));
        assert!(!is_generic_display_name("Zoom Lee"));
        assert!(is_generic_display_name("iPhone"));
        assert!(is_generic_display_name("Jordan's iPhone"));
        assert!(!is_generic_display_name("Jordan Lee"));
    }

    #[test]
    fn same_text_up_to_case_takes_the_short_way_to_the_same_score() {
        let names = [
            "Aarav Nair",
            "AARAV NAIR",
            "aarav nair",
            "Zoë Ng",
            "ZOë NG",
            "Mr",
            "MR",
            "Dr. Ana",
            "dr. ana",
            "",
            "  ",
            "Bob Smith",
            "Robert Smith",
            "李 伟",
            "李 伟",
        ];
        // Both short ways (the same text up to case, the same words) against scoring every
        // word.
        for a in names {
            for b in names {
                let (ta, tb) = (tokens(a), tokens(b));
                let slow = scored(&ta, &tb);
                assert_eq!(similarity(a, b), slow, "{a:?} vs {b:?}");
                assert_eq!(similarity_tokens(&ta, &tb), slow, "{a:?} vs {b:?}");
            }
        }
    }

    #[test]
    fn every_nickname_is_expanded_through_the_sorted_table() {
        for (nick, full) in NICKNAMES {
            assert_eq!(tokens(nick).as_str(), *full, "{nick}");
        }
        let mut keys: Vec<&str> = NICKNAMES.iter().map(|(n, _)| *n).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(
            keys.len(),
            NICKNAMES.len(),
            "a nickname stands for one name"
        );
    }

    /// Callers that split names once use `similarity_tokens` in place of `similarity`.
    #[test]
    fn similarity_is_similarity_of_the_tokens() {
        let names = [
            "Steven Smith",
            "STEVEN SMITH",
            "Stephen Smith",
            "Smith, Steven",
            "Steve Smith",
            "Dr. Steven A. Smith",
            "Zoë O'Brien",
            "Zoe OBrien",
            "Kim Tae",
            "",
            "--",
            "S. Smith",
            "李 娜",
            "Li Na",
        ];
        for a in names {
            for b in names {
                assert_eq!(
                    similarity(a, b),
                    similarity_tokens(&tokens(a), &tokens(b)),
                    "{a:?} / {b:?}"
                );
            }
        }
    }
}
