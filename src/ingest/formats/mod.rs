//! Real exports, read as they come (SPEC §3.6): one file per product, each a [`FormatDef`]
//! with the header fingerprint that recognises it, the header aliases of each canonical field
//! and, where cells need more than renaming, an adapter. User mapping files (`--mapping`)
//! add definitions of the same shape ([`mapping`]). What a value means for a candidate is
//! still decided by the engine; these only say where it is and how it is written.

pub mod entra;
pub mod google;
pub mod mapping;
pub mod okta;
pub mod teams;
pub mod zoom;

use super::format::FormatDef;
use super::values::norm_header;

/// Every built-in real-export format, most specific first. Canonical formats go after these.
pub fn builtin() -> Vec<FormatDef> {
    let mut v = Vec::new();
    v.extend(entra::formats());
    v.extend(okta::formats());
    v.extend(google::formats());
    v.extend(zoom::formats());
    v.extend(teams::formats());
    v
}

/// Exports this tool knows but has nothing to screen in, and why: said when such a file is
/// skipped, rather than "not a known export". `headers` as read, in any row of the preview.
pub fn not_screenable(headers: &[String]) -> Option<&'static str> {
    let has = |name: &str| headers.iter().any(|h| norm_header(h) == norm_header(name));
    if has("Service principal ID") && has("Service principal name") && !has("Username") {
        return Some(
            "Entra service-principal sign-ins (applications signing in, not people): nothing to \
             screen; the interactive and non-interactive user sign-in downloads are read",
        );
    }
    None
}

/// Sets a canonical value, or clears it when `v` is empty.
pub(crate) fn set(vals: &mut [Option<String>], field: usize, v: Option<String>) {
    if let Some(slot) = vals.get_mut(field) {
        *slot = v.filter(|s| !s.trim().is_empty());
    }
}

/// The trimmed, non-empty value of a canonical field.
pub(crate) fn value(vals: &[Option<String>], field: usize) -> Option<&str> {
    vals.get(field)
        .and_then(|v| v.as_deref())
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// Mail providers anyone can sign up with: sharing one says nothing about an organisation.
const FREE_MAIL: &[&str] = &[
    "gmail.com",
    "googlemail.com",
    "outlook.com",
    "hotmail.com",
    "live.com",
    "msn.com",
    "yahoo.com",
    "icloud.com",
    "me.com",
    "aol.com",
    "proton.me",
    "protonmail.com",
    "gmx.com",
    "gmx.de",
    "mail.com",
    "yandex.com",
    "yandex.ru",
    "mail.ru",
    "qq.com",
    "163.com",
    "126.com",
    "zoho.com",
];

/// The domain of an email when it can stand for an organisation (not a free-mail provider).
pub(crate) fn org_domain(email: &str) -> Option<String> {
    let (_, d) = email.trim().rsplit_once('@')?;
    let d = d.trim().trim_end_matches('>').to_ascii_lowercase();
    (!d.is_empty() && !FREE_MAIL.contains(&d.as_str())).then_some(d)
}

/// Parenthesised words that tag a participant rather than name one: `(External)`, `(Guest)`,
/// `(Host)`, pronouns.
fn is_tag(inner: &str) -> bool {
    let t = inner.trim().to_lowercase();
    const TAGS: &[&str] = &[
        "external",
        "externo",
        "externa",
        "guest",
        "convidado",
        "convidada",
        "host",
        "co-host",
        "cohost",
        "me",
        "unverified",
        "não verificado",
        "nao verificado",
        "organizer",
        "organizador",
    ];
    TAGS.contains(&t.as_str())
        || t.contains('/')
        || matches!(t.as_str(), "he" | "she" | "they" | "him" | "her" | "them")
}

/// Splits `New Name (Original Name)` on the last balanced parentheses at the end: the name
/// shown now, and the name joined under when it differs. Names may hold their own parentheses
/// (`Jordan (JJ) Lee (Jordan Lee)`); a trailing tag such as `(External)` is dropped, not read
/// as a name.
pub(crate) fn split_rename(cell: &str) -> (String, Option<String>) {
    let t = cell.trim();
    let Some(body) = t.strip_suffix(')') else {
        return (t.to_string(), None);
    };
    let mut depth = 1;
    let mut open = None;
    for (i, c) in body.char_indices().rev() {
        match c {
            ')' => depth += 1,
            '(' => {
                depth -= 1;
                if depth == 0 {
                    open = Some(i);
                    break;
                }
            }
            _ => {}
        }
    }
    let Some(open) = open else {
        return (t.to_string(), None);
    };
    let outer = body[..open].trim();
    let inner = body[open + 1..].trim();
    if outer.is_empty() || inner.is_empty() {
        return (t.to_string(), None);
    }
    if is_tag(inner) {
        // A tag after a rename: `New (Original) (External)`.
        let (name, original) = split_rename(outer);
        return (name, original);
    }
    if norm_header(outer) == norm_header(inner) {
        return (outer.to_string(), None);
    }
    (outer.to_string(), Some(inner.to_string()))
}

/// Pairs of what a file says above its table: a block of header row then value row (Zoom's
/// meeting block) and `key<TAB>value` rows (Teams' summary), keys normalised.
pub(crate) fn preamble(rows: &[Vec<String>], header_row: usize) -> Vec<(String, String)> {
    let blank = |r: &Vec<String>| r.iter().all(|c| c.trim().is_empty());
    let filled = |r: &Vec<String>| r.iter().filter(|c| !c.trim().is_empty()).count();
    let above = &rows[..header_row.min(rows.len())];
    let mut out = Vec::new();
    let mut i = 0;
    while i < above.len() {
        let r = &above[i];
        if blank(r) || (filled(r) == 1 && !r[0].trim().is_empty() && r.len() <= 2) {
            // Blank, or a section title (`1. Summary`).
            i += 1;
            continue;
        }
        if filled(r) <= 2 && r.len() >= 2 && !r[0].trim().is_empty() && r.len() <= 3 {
            out.push((norm_header(&r[0]), r[1].trim().to_string()));
            i += 1;
            continue;
        }
        if let Some(next) = above.get(i + 1).filter(|n| !blank(n)) {
            for (k, v) in r.iter().zip(next) {
                let k = norm_header(k);
                if !k.is_empty() && !out.iter().any(|(x, _)| *x == k) {
                    out.push((k, v.trim().to_string()));
                }
            }
            i += 2;
            continue;
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(s: &str) -> Vec<String> {
        s.split(',').map(String::from).collect()
    }

    #[test]
    fn renames_split_on_the_last_balanced_parentheses() {
        assert_eq!(
            split_rename("Sam Candidate (Jordan Lee)"),
            ("Sam Candidate".into(), Some("Jordan Lee".into()))
        );
        assert_eq!(
            split_rename("Jordan (JJ) Lee (Kim Tae (KT))"),
            ("Jordan (JJ) Lee".into(), Some("Kim Tae (KT)".into()))
        );
        assert_eq!(split_rename("Jordan Lee"), ("Jordan Lee".into(), None));
        assert_eq!(
            split_rename("Jordan Lee (External)"),
            ("Jordan Lee".into(), None)
        );
        assert_eq!(
            split_rename("Jordan Lee (he/him)"),
            ("Jordan Lee".into(), None)
        );
        assert_eq!(
            split_rename("Jordan Lee (jordan lee)"),
            ("Jordan Lee".into(), None)
        );
        assert_eq!(split_rename("(Jordan Lee)"), ("(Jordan Lee)".into(), None));
        assert_eq!(split_rename("Broken (name"), ("Broken (name".into(), None));
        assert_eq!(split_rename("Broken name)"), ("Broken name)".into(), None));
    }

    #[test]
    fn free_mail_is_no_organisation() {
        assert_eq!(
            org_domain("Pat@Contoso.example"),
            Some("contoso.example".into())
        );
        assert_eq!(org_domain("someone@gmail.com"), None);
        assert_eq!(org_domain("no-at-sign"), None);
    }

    #[test]
    fn preamble_reads_blocks_and_key_value_rows() {
        let rows = vec![
            row("Meeting ID,Topic,Start Time,User Email"),
            row("602,Interview - Jordan Lee,11/19/2021 10:00:00 AM,host@contoso.example"),
            row(",,,"),
            row("Name (Original Name),User Email"),
        ];
        let p = preamble(&rows, 3);
        assert!(p.contains(&("topic".into(), "Interview - Jordan Lee".into())));
        assert!(p.contains(&("user_email".into(), "host@contoso.example".into())));
        let rows = vec![
            vec!["1. Summary".to_string()],
            vec!["Meeting title".to_string(), "Interview".to_string()],
            vec![],
            vec!["Name".to_string(), "First Join".to_string()],
        ];
        let p = preamble(&rows, 3);
        assert_eq!(p, vec![("meeting_title".into(), "Interview".into())]);
    }
}
