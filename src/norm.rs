//! Normalisation of identity artefacts so that equal things compare equal: emails (case,
//! plus-tags, Gmail dots), phones (digits, country code), postal addresses (case, punctuation,
//! street-type and unit abbreviations) and opaque ids. Used by the watchlist and the link stage.

use rustc_hash::FxHashMap;

/// Lower-cased email with the `+tag` removed, and dots removed for providers that ignore them.
pub fn email(s: &str) -> Option<String> {
    let t = s.trim().trim_matches(['<', '>']).to_lowercase();
    let (local, domain) = t.rsplit_once('@')?;
    if local.is_empty() || domain.is_empty() {
        return None;
    }
    let local = local.split('+').next().unwrap_or(local);
    let local = if matches!(domain, "gmail.com" | "googlemail.com") {
        local.replace('.', "")
    } else {
        local.to_string()
    };
    let domain = if domain == "googlemail.com" {
        "gmail.com"
    } else {
        domain
    };
    Some(format!("{local}@{domain}"))
}

/// The domain of an email address.
pub fn email_domain(s: &str) -> Option<String> {
    s.trim()
        .rsplit_once('@')
        .map(|(_, d)| d.trim_matches('>').to_lowercase())
}

/// Country calling codes for the countries a bare national number is most often written in.
fn calling_code(iso2: &str) -> Option<&'static str> {
    Some(match iso2 {
        "US" | "CA" => "1",
        "GB" => "44",
        "DE" => "49",
        "FR" => "33",
        "PL" => "48",
        "UA" => "380",
        "NL" => "31",
        "ES" => "34",
        "IT" => "39",
        "JP" => "81",
        "KR" => "82",
        "CN" => "86",
        "SG" => "65",
        "IN" => "91",
        "AU" => "61",
        "BR" => "55",
        "RU" => "7",
        "VN" => "84",
        "PH" => "63",
        "MY" => "60",
        "TH" => "66",
        "TW" => "886",
        "ID" => "62",
        "NG" => "234",
        "AE" => "971",
        _ => return None,
    })
}

/// Digits of a phone number in international form (no `+`), using the claimed country's
/// calling code when the number is written nationally. `None` when too short to be a number.
pub fn phone(s: &str, country: Option<&str>) -> Option<String> {
    let t = s.trim();
    let international = t.starts_with('+') || t.starts_with("00");
    let mut digits = String::with_capacity(t.len());
    digits.extend(t.bytes().filter(u8::is_ascii_digit).map(char::from));
    if t.starts_with("00") {
        digits.drain(..2);
    }
    if digits.len() < 7 {
        return None;
    }
    if !international {
        if let Some(cc) = country.and_then(calling_code) {
            let national = digits.trim_start_matches('0');
            if cc == "1" && digits.len() == 11 && digits.starts_with('1') {
                return Some(digits);
            }
            return Some(format!("{cc}{national}"));
        }
    }
    Some(digits)
}

const ADDRESS_WORDS: &[(&str, &str)] = &[
    ("street", "st"),
    ("avenue", "ave"),
    ("av", "ave"),
    ("road", "rd"),
    ("boulevard", "blvd"),
    ("drive", "dr"),
    ("lane", "ln"),
    ("court", "ct"),
    ("place", "pl"),
    ("square", "sq"),
    ("highway", "hwy"),
    ("parkway", "pkwy"),
    ("terrace", "ter"),
    ("circle", "cir"),
    ("suite", "ste"),
    ("apartment", "apt"),
    ("unit", "apt"),
    ("number", ""),
    ("no", ""),
    ("north", "n"),
    ("south", "s"),
    ("east", "e"),
    ("west", "w"),
    ("floor", "fl"),
    ("building", "bldg"),
    ("mount", "mt"),
    ("saint", "st"),
    ("fort", "ft"),
];

/// Text folded to lower-case ASCII: accents and other scripts transliterated (only when
/// there are any: most values are ASCII already).
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    fold_into(s, &mut out);
    out
}

/// The words of a folded text: its runs of ASCII letters and digits. Split on bytes (a
/// character that is not ASCII is all bytes that are not letters or digits, so the runs are
/// the same as splitting on characters, without decoding them).
pub fn words(folded: &str) -> impl Iterator<Item = &str> + Clone {
    word_spans(folded).map(move |(start, end)| &folded[start..end])
}

/// Where each of [`words`] lies in the text, as byte ranges.
pub fn word_spans(folded: &str) -> impl Iterator<Item = (usize, usize)> + Clone + '_ {
    folded
        .as_bytes()
        .split(|b| !b.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(move |w| {
            let start = w.as_ptr() as usize - folded.as_ptr() as usize;
            (start, start + w.len())
        })
}

/// [`fold`], appended to `out`.
pub fn fold_into(s: &str, out: &mut String) {
    let at = out.len();
    match s.is_ascii() {
        true => out.push_str(s),
        false => out.push_str(&deunicode::deunicode(s)),
    }
    out[at..].make_ascii_lowercase();
}

/// A table of words and what they stand for, hashed once (a scan of such a table was most of
/// the cost of folding a name or an address, and a binary search over it still a visible
/// share of linking).
pub struct WordTable(std::sync::LazyLock<FxHashMap<&'static str, &'static str>>);

impl WordTable {
    /// `build` returns the table (see [`word_map`]).
    pub const fn new(build: fn() -> FxHashMap<&'static str, &'static str>) -> WordTable {
        WordTable(std::sync::LazyLock::new(build))
    }

    /// What `word` stands for, if the table has it.
    pub fn get(&self, word: &str) -> Option<&'static str> {
        self.0.get(word).copied()
    }
}

/// A table's pairs by word. Each word must appear once (a test checks the tables).
pub fn word_map(table: &[(&'static str, &'static str)]) -> FxHashMap<&'static str, &'static str> {
    table.iter().copied().collect()
}

static ADDRESS_ABBREVIATIONS: WordTable = WordTable::new(|| word_map(ADDRESS_WORDS));

/// A postal address folded for comparison: "12 Oak Street, Apt. 4B" = "12 oak st apt 4b".
pub fn address(s: &str) -> Option<String> {
    let folded = fold(s);
    let mut out = String::with_capacity(folded.len());
    // Where the last word written starts in `out` (a word repeated at once is written once).
    let mut last = None;
    let mut emit = |w: &str, out: &mut String| {
        let w = ADDRESS_ABBREVIATIONS.get(w).unwrap_or(w);
        if w.is_empty() || last.is_some_and(|at: usize| &out[at..] == w) {
            return;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        last = Some(out.len());
        out.push_str(w);
    };
    // Words are runs of ASCII letters and digits; `#` stands for "apt" (`#4` is `apt 4`).
    // A word starts after a byte that is not a letter or digit, so every slice below starts
    // and ends on a character boundary even if the text kept a character that is not ASCII.
    let mut start = None;
    for (i, &c) in folded.as_bytes().iter().enumerate() {
        if c.is_ascii_alphanumeric() {
            start.get_or_insert(i);
            continue;
        }
        if let Some(s0) = start.take() {
            emit(&folded[s0..i], &mut out);
        }
        if c == b'#' {
            emit("apt", &mut out);
        }
    }
    if let Some(s0) = start {
        emit(&folded[s0..], &mut out);
    }
    (!out.is_empty()).then_some(out)
}

/// Case- and space-folded opaque value (hashes, account ids).
pub fn opaque(s: &str) -> Option<String> {
    let mut t = String::with_capacity(s.len());
    for w in s.split_whitespace() {
        if !t.is_empty() {
            t.push(' ');
        }
        t.push_str(w);
    }
    if t.is_ascii() {
        t.make_ascii_lowercase();
    } else {
        t = t.to_lowercase();
    }
    (!t.is_empty()).then_some(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_the_letter_and_digit_runs() {
        assert_eq!(
            words("  o'brien--smith 12b,,x ").collect::<Vec<_>>(),
            ["o", "brien", "smith", "12b", "x"]
        );
        assert_eq!(words(" .-, ").next(), None);
        // Characters that are not ASCII separate words, as splitting on characters does.
        let t = "zoë·ng 李x 1ñ2";
        let by_chars: Vec<&str> = t
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        assert_eq!(words(t).collect::<Vec<_>>(), by_chars);
        assert_eq!(by_chars, ["zo", "ng", "x", "1", "2"]);
        assert_eq!(words("").next(), None);
        // Their byte ranges in the text.
        assert_eq!(
            word_spans("  ab-c 12").collect::<Vec<_>>(),
            [(2, 4), (5, 6), (7, 9)]
        );
    }

    #[test]
    fn address_words_are_listed_once_and_found_by_word() {
        assert_eq!(word_map(ADDRESS_WORDS).len(), ADDRESS_WORDS.len());
        assert_eq!(ADDRESS_ABBREVIATIONS.get("street"), Some("st"));
        assert_eq!(ADDRESS_ABBREVIATIONS.get("number"), Some(""));
        assert_eq!(ADDRESS_ABBREVIATIONS.get("streets"), None);
    }

    #[test]
    fn emails_fold_case_tags_and_gmail_dots() {
        assert_eq!(
            email(" J.Doe+jobs@GMail.com "),
            Some("jdoe@gmail.com".into())
        );
        assert_eq!(email("j.doe@example.com"), Some("j.doe@example.com".into()));
        assert_eq!(email("nope"), None);
    }

    #[test]
    fn phones_fold_to_international_digits() {
        let a = phone("+1 (555) 010-0199", None);
        assert_eq!(a, phone("555.010.0199", Some("US")));
        assert_eq!(a, phone("1-555-010-0199", Some("US")));
        assert_eq!(
            phone("0044 20 7946 0000", None),
            phone("020 7946 0000", Some("GB"))
        );
        assert_eq!(phone("12", None), None);
    }

    #[test]
    fn addresses_fold_abbreviations() {
        assert_eq!(
            address("12 Oak Street, Apt. 4B"),
            address("12 oak st   apt 4b")
        );
        assert_eq!(
            address("12 Oak Street, Unit 4B"),
            Some("12 oak st apt 4b".into())
        );
        assert_eq!(address("12 Oak St #4B"), Some("12 oak st apt 4b".into()));
        assert_ne!(address("12 Oak Street"), address("14 Oak Street"));
    }

    #[test]
    fn every_address_word_is_abbreviated_through_the_sorted_table() {
        for (long, short) in ADDRESS_WORDS {
            let want = if short.is_empty() {
                None
            } else {
                Some(short.to_string())
            };
            assert_eq!(address(long), want, "{long}");
        }
        let mut keys: Vec<&str> = ADDRESS_WORDS.iter().map(|(l, _)| *l).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(
            keys.len(),
            ADDRESS_WORDS.len(),
            "a word has one abbreviation"
        );
    }

    #[test]
    fn folding_transliterates_only_what_needs_it() {
        assert_eq!(fold("Zoë O'Brien"), "zoe o'brien");
        assert_eq!(fold("MAIN St"), "main st");
        assert_eq!(fold("Straße"), "strasse");
        // Appended: what is already there is left as it is.
        let mut out = String::from("ID: ");
        fold_into("Zoë O'Brien", &mut out);
        out.push(' ');
        fold_into("MAIN St", &mut out);
        assert_eq!(out, "ID: zoe o'brien main st");
    }

    /// Facts compare addresses by text first (see `facts::identity_facts`): text equal up to ASCII
    /// case must normalise equal, whatever else it holds.
    #[test]
    fn addresses_equal_up_to_ascii_case_normalise_equal() {
        let texts = [
            "7646 Lakeview Way, Tokyo, Tokyo, JP",
            "12 Straße #4, Berlin",
            "Apt 5, 1 Main St.",
            "ул. Ленина 5",
            "--",
            "",
            "東京都 1-2-3",
        ];
        for t in texts {
            for variant in [
                t.to_ascii_uppercase(),
                t.to_ascii_lowercase(),
                t.to_string(),
            ] {
                assert!(variant.eq_ignore_ascii_case(t));
                assert_eq!(address(&variant), address(t), "{variant:?} / {t:?}");
            }
        }
    }

    /// The address folding as first written (fold, `#` to ` apt `, split, abbreviate, drop
    /// a word repeated at once, join), against which the one-pass version is checked.
    fn address_reference(s: &str) -> Option<String> {
        let mut ascii = fold(s);
        if ascii.contains('#') {
            ascii = ascii.replace('#', " apt ");
        }
        let mut out: Vec<&str> = Vec::new();
        for w in ascii.split(|c: char| !c.is_ascii_alphanumeric()) {
            if w.is_empty() {
                continue;
            }
            let w = ADDRESS_ABBREVIATIONS.get(w).unwrap_or(w);
            if !w.is_empty() && out.last() != Some(&w) {
                out.push(w);
            }
        }
        (!out.is_empty()).then(|| out.join(" "))
    }

    #[test]
    fn one_pass_address_folding_matches_the_reference() {
        // Pieces that exercise each step: abbreviations (including words dropped whole),
        // `#`, repeats, punctuation, case, text that is not ASCII.
        let mut pieces: Vec<&str> = ADDRESS_WORDS.iter().map(|(l, _)| *l).collect();
        pieces.extend([
            "12",
            "Oak",
            "oak",
            "#",
            "#4B",
            "4b",
            ",",
            ".",
            " ",
            "  ",
            "-",
            "St.",
            "Straße",
            "東京都",
            "Zoë",
            "apt",
            "Apt",
            "#apt",
            "1-2-3",
            "\t",
            "'",
            "ул.",
            "\u{301}",
        ]);
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        for _ in 0..20_000 {
            let len = next(8);
            let mut text = String::new();
            for _ in 0..len {
                text.push_str(pieces[next(pieces.len())]);
                if next(3) > 0 {
                    text.push(if next(4) == 0 { ',' } else { ' ' });
                }
            }
            assert_eq!(address(&text), address_reference(&text), "{text:?}");
        }
    }

    #[test]
    fn opaque_values_fold_case_and_spaces() {
        assert_eq!(opaque("  A93F FF58\t b3 "), Some("a93f ff58 b3".into()));
        assert_eq!(opaque("ACCT-Ä1"), Some("acct-ä1".into()));
        assert_eq!(opaque(" \t "), None);
        assert_eq!(opaque(""), None);
    }
}
