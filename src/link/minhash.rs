//! Near-duplicate resumes: word shingles of each `resume_text` (with the candidate's own
//! name, email and phone removed, so two copies that differ only there are identical),
//! MinHash signatures, and LSH banding to find candidate pairs without comparing every pair.
//! Each candidate pair is then checked with the exact Jaccard similarity of the word-pair
//! (bigram) sets, which are kept in memory as 32-bit hashes.
//!
//! Blocking uses word triples, verification word pairs: triples share less of a common
//! template ("years of experience in"), so unrelated resumes rarely collide in a band, while
//! pairs keep the similarity of a copy with one edited phrase above the threshold even in a
//! short resume. With `BANDS` bands of `ROWS` rows a pair at triple similarity s becomes a
//! candidate with probability 1 − (1 − s^ROWS)^BANDS: 0.98 at 0.76, 0.998 at 0.82, 0.0002 at
//! 0.3. A band bucket bigger than the cap is skipped (counted in the summary).

use super::index::{fnv1a, make_link, mix64, Stats, FNV_OFFSET};
use super::{KeyKind, Link, LinkOptions};
use crate::model::{app, Candidate};
use rayon::prelude::*;

/// Words per shingle for blocking (MinHash) and for the similarity that decides.
const BLOCK_SHINGLE: usize = 3;
const VERIFY_SHINGLE: usize = 2;
const BANDS: usize = 32;
const ROWS: usize = 8;
/// Resumes with fewer blocking shingles are too short to call near-duplicates.
const MIN_SHINGLES: usize = 8;

/// The resume, folded, and which of its words to keep: not the candidate's own name, email
/// or phone.
fn resume_words(c: &Candidate) -> (String, Vec<(usize, usize)>) {
    let Some(text) = c.app.get(app::RESUME_TEXT) else {
        return (String::new(), Vec::new());
    };
    // The candidate's own words, folded into one text and split in place (this was a string
    // per word).
    let mut own_text = String::new();
    for f in [app::FULL_NAME, app::ID_DOC_NAME, app::EMAIL] {
        if let Some(v) = c.app.get(f) {
            crate::norm::fold_into(v, &mut own_text);
            own_text.push(' ');
        }
    }
    let own: Vec<&[u8]> = crate::norm::words(&own_text).map(str::as_bytes).collect();
    // The phone's digits, gathered only if the resume has a number long enough to be part of it.
    let mut phone: Option<Vec<u8>> = None;
    let folded = crate::norm::fold(text);
    let bytes = folded.as_bytes();
    let mut spans = Vec::with_capacity(bytes.len() / 6);
    for (start, end) in crate::norm::word_spans(&folded) {
        let w = &bytes[start..end];
        if w.len() >= 3 && w.iter().all(u8::is_ascii_digit) {
            let digits = phone.get_or_insert_with(|| {
                let p = c.app.get(app::PHONE).unwrap_or("");
                p.bytes().filter(u8::is_ascii_digit).collect()
            });
            if digits.windows(w.len()).any(|d| d == w) {
                continue;
            }
        }
        if !own.contains(&w) {
            spans.push((start, end));
        }
    }
    (folded, spans)
}

/// The resume's shingle sets, sorted and distinct: hashes of its word triples (for blocking)
/// and the 32-bit verification hashes of its word pairs. Each shingle is hashed as the words
/// joined by a space (FNV-1a, then mixed; as `hash64` of the joined text). A triple's hash
/// passes through its leading pair's on the way, so one pass over the words gives both.
fn shingle_sets(text: &str, spans: &[(usize, usize)]) -> (Vec<u64>, Vec<u32>) {
    const _: () = assert!(VERIFY_SHINGLE == 2 && BLOCK_SHINGLE == 3);
    let bytes = text.as_bytes();
    let word = |h: u64, (a, b): (usize, usize)| fnv1a(h, &bytes[a..b]);
    let space = |h: u64| fnv1a(h, b" ");
    let n = spans.len();
    let mut triples = Vec::with_capacity(n.saturating_sub(2));
    let mut pairs = Vec::with_capacity(n.saturating_sub(1));
    for i in 0..n.saturating_sub(1) {
        let pair = word(space(word(FNV_OFFSET, spans[i])), spans[i + 1]);
        pairs.push(mix64(pair) as u32);
        if let Some(&third) = spans.get(i + 2) {
            triples.push(mix64(word(space(pair), third)));
        }
    }
    triples.sort_unstable();
    triples.dedup();
    pairs.sort_unstable();
    pairs.dedup();
    pairs.shrink_to_fit();
    (triples, pairs)
}

/// Exact Jaccard similarity of two sorted, distinct sets.
pub fn jaccard<T: Ord>(a: &[T], b: &[T]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 0.0;
    }
    let (mut i, mut j, mut both) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                both += 1;
                i += 1;
                j += 1;
            }
        }
    }
    both as f64 / (a.len() + b.len() - both) as f64
}

/// The similarity [`resume_links`] decides on, for one pair.
pub fn similarity(a: &Candidate, b: &Candidate) -> f64 {
    let set = |c| {
        let (t, w) = resume_words(c);
        shingle_sets(&t, &w).1
    };
    jaccard(&set(a), &set(b))
}

/// The hash functions: `a·x + b` mod 2^32 with odd `a`, one per row of every band. 32-bit
/// lanes let the compiler run eight at a time.
struct Seeds {
    a: [u32; BANDS * ROWS],
    b: [u32; BANDS * ROWS],
}

fn seeds() -> Seeds {
    let mut s = Seeds {
        a: [0; BANDS * ROWS],
        b: [0; BANDS * ROWS],
    };
    for k in 0..BANDS * ROWS {
        let r = mix64((k as u64 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15));
        s.a[k] = (r as u32) | 1;
        s.b[k] = (r >> 32) as u32;
    }
    s
}

/// The band hashes of one shingle set. Compiled also for AVX2 and chosen at run time where
/// the processor has it: the baseline x86-64 instruction set has no 32-bit lane multiply or
/// unsigned minimum, and this loop was the largest cost of linking. Same results either way.
#[multiversion::multiversion(targets("x86_64+avx2"))]
fn bands(sh: &[u64], seeds: &Seeds) -> [u32; BANDS] {
    let mut mins = [u32::MAX; BANDS * ROWS];
    for &x in sh {
        let x = (x ^ (x >> 32)) as u32;
        for ((m, a), b) in mins.iter_mut().zip(&seeds.a).zip(&seeds.b) {
            *m = (*m).min(a.wrapping_mul(x).wrapping_add(*b));
        }
    }
    let mut out = [0u32; BANDS];
    for (b, o) in out.iter_mut().enumerate() {
        let mut h = b as u64;
        for m in &mins[b * ROWS..(b + 1) * ROWS] {
            h = mix64(h ^ *m as u64);
        }
        *o = h as u32;
    }
    out
}

/// The pairs of docs that share a bucket of one band: `col` holds each doc's value in this
/// band (upper half) and the doc (lower half), sorted; `next` gives a doc's value in the next
/// band. A bucket of more than `cap` docs is split by the next band's value: resumes cut from
/// one template fill a bucket by chance, and skipping it whole lost true copies that happened
/// to fall in it (which ones depended on the hash). Copies agree in every band, so they stay
/// together; a part still over the cap is skipped and counted (the return value), as a key
/// shared too widely is. Every pair is verified afterwards.
fn band_pairs(
    col: &[u64],
    next: impl Fn(u32) -> u32,
    cap: usize,
    pairs: &mut Vec<(u32, u32)>,
) -> u64 {
    fn emit(docs: &[u32], pairs: &mut Vec<(u32, u32)>) {
        for (p, &x) in docs.iter().enumerate() {
            for &y in &docs[p + 1..] {
                pairs.push((x.min(y), x.max(y)));
            }
        }
    }
    let mut skipped = 0;
    let mut docs: Vec<u32> = Vec::new();
    let mut part: Vec<(u32, u32)> = Vec::new();
    for bucket in col.chunk_by(|x, y| x >> 32 == y >> 32) {
        if bucket.len() < 2 {
            continue;
        }
        if bucket.len() <= cap {
            docs.clear();
            docs.extend(bucket.iter().map(|&x| x as u32));
            emit(&docs, pairs);
            continue;
        }
        part.clear();
        part.extend(bucket.iter().map(|&x| (next(x as u32), x as u32)));
        part.sort_unstable();
        for p in part.chunk_by(|x, y| x.0 == y.0) {
            if p.len() > cap {
                skipped += 1;
            } else if p.len() >= 2 {
                docs.clear();
                docs.extend(p.iter().map(|x| x.1));
                emit(&docs, pairs);
            }
        }
    }
    skipped
}

/// Sorts by the upper 32 bits, keeping the order of values with equal upper halves (radix
/// sort, one byte a pass): a band column is built in doc order, so it comes out ordered by
/// (band value, doc), in linear time. Sorting the columns by comparison was the largest cost
/// of linking resumes.
fn sort_by_upper_half(v: &mut Vec<u64>, scratch: &mut Vec<u64>) {
    scratch.clear();
    scratch.resize(v.len(), 0);
    for shift in [32, 40, 48, 56] {
        let digit = |x: u64| ((x >> shift) & 0xff) as usize;
        let mut at = [0usize; 256];
        for &x in v.iter() {
            at[digit(x)] += 1;
        }
        let mut sum = 0;
        for a in at.iter_mut() {
            (*a, sum) = (sum, sum + *a);
        }
        for &x in v.iter() {
            let d = digit(x);
            scratch[at[d]] = x;
            at[d] += 1;
        }
        std::mem::swap(v, scratch);
    }
}

/// One resume ready for blocking: its band hashes and its verification set.
struct Doc {
    cand: u32,
    bands: [u32; BANDS],
    set: Vec<u32>,
}

/// Resume links at or above the Jaccard threshold.
pub fn resume_links(cands: &[Candidate], opts: &LinkOptions, stats: &mut Stats) -> Vec<Link> {
    let seeds = seeds();
    let docs: Vec<Doc> = cands
        .par_iter()
        .enumerate()
        .filter_map(|(i, c)| {
            let (text, spans) = resume_words(c);
            // Resumes too short to block are rare; their pairs are hashed in the same pass.
            let (block, set) = shingle_sets(&text, &spans);
            if block.len() < MIN_SHINGLES {
                return None;
            }
            Some(Doc {
                cand: i as u32,
                bands: bands(&block, &seeds),
                set,
            })
        })
        .collect();
    // Candidate pairs, as positions in `docs`.
    let mut pairs: Vec<(u32, u32)> = Vec::new();
    let (mut col, mut scratch) = (Vec::with_capacity(docs.len()), Vec::new());
    for b in 0..BANDS {
        col.clear();
        col.extend(
            docs.iter()
                .enumerate()
                .map(|(k, d)| ((d.bands[b] as u64) << 32) | k as u64),
        );
        sort_by_upper_half(&mut col, &mut scratch);
        let next = |k: u32| docs[k as usize].bands[(b + 1) % BANDS];
        stats.resume_buckets_skipped += band_pairs(&col, next, opts.cap, &mut pairs);
        // Keep the list short when many bands agree on the same pairs.
        if pairs.len() > 4 * docs.len() {
            pairs.par_sort_unstable();
            pairs.dedup();
        }
    }
    drop((col, scratch));
    pairs.par_sort_unstable();
    pairs.dedup();
    stats.resume_pairs_checked += pairs.len() as u64;
    pairs
        .par_iter()
        .filter_map(|&(x, y)| {
            let (dx, dy) = (&docs[x as usize], &docs[y as usize]);
            let s = jaccard(&dx.set, &dy.set);
            (s >= opts.resume_jaccard).then(|| {
                let (ci, cj) = (&cands[dx.cand as usize], &cands[dy.cand as usize]);
                make_link(
                    cands,
                    opts,
                    KeyKind::Resume,
                    dx.cand,
                    dy.cand,
                    format!("jaccard {s:.2}"),
                    ci.app.fields.cell(app::RESUME_TEXT),
                    cj.app.fields.cell(app::RESUME_TEXT),
                    s as f32,
                )
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The words kept: folded, without the candidate's own name, ID-document name, email
    /// words and runs of three or more digits of the phone; other numbers stay.
    #[test]
    fn a_resume_loses_the_candidates_own_words() {
        let kept = |c: &Candidate| -> Vec<String> {
            let (text, spans) = resume_words(c);
            spans.iter().map(|&(a, b)| text[a..b].to_string()).collect()
        };
        let c = Candidate::with_application(&[
            (app::FULL_NAME, "José Ñúñez"),
            (app::ID_DOC_NAME, "NUNEZ Jose-Maria"),
            (app::EMAIL, "jnunez.x7@Example.org"),
            (app::PHONE, "+1 (555) 010-4477"),
            (
                app::RESUME_TEXT,
                "JOSÉ Núñez, María: 12 years of Rust; call 555 010 4477 or 1234, x7 at example.org.",
            ),
        ]);
        assert_eq!(
            kept(&c),
            ["12", "years", "of", "rust", "call", "or", "1234", "at"]
        );
        // Without a name, email or phone, every word stays; short numbers always do.
        let c = Candidate::with_application(&[(app::RESUME_TEXT, "Rust, Go; 555 and 12")]);
        assert_eq!(kept(&c), ["rust", "go", "555", "and", "12"]);
        assert_eq!(
            resume_words(&Candidate::with_application(&[])),
            (String::new(), Vec::new())
        );
    }

    #[test]
    fn shingles_hash_the_joined_words() {
        let t = "rust, go and kafka go and";
        let spans = [(0, 4), (6, 8), (9, 12), (13, 18), (19, 21), (22, 25)];
        assert_eq!(
            spans.map(|(a, b)| &t[a..b]),
            ["rust", "go", "and", "kafka", "go", "and"]
        );
        let (triples, pairs) = shingle_sets(t, &spans);
        let hashes = |shingles: &[&str]| -> Vec<u64> {
            let mut v: Vec<u64> = shingles
                .iter()
                .map(|w| super::super::index::hash64(w.as_bytes()))
                .collect();
            v.sort_unstable();
            v
        };
        let want = [
            "rust go and",
            "go and kafka",
            "and kafka go",
            "kafka go and",
        ];
        assert_eq!(triples, hashes(&want));
        // "go and" comes twice and is kept once; pair hashes are cut to 32 bits.
        let want = ["rust go", "go and", "and kafka", "kafka go"];
        let mut want: Vec<u32> = hashes(&want).into_iter().map(|h| h as u32).collect();
        want.sort_unstable();
        assert_eq!(pairs, want);
        // Too few words for a triple, or for a pair.
        assert_eq!(shingle_sets(t, &spans[..2]).0, Vec::<u64>::new());
        assert_eq!(shingle_sets(t, &spans[..2]).1.len(), 1);
        assert_eq!(shingle_sets(t, &spans[..1]), (Vec::new(), Vec::new()));
    }

    #[test]
    fn a_crowded_bucket_is_split_by_the_next_band_and_only_crowds_of_copies_are_skipped() {
        let cap = 25;
        let col = |entries: &[(u32, u32)]| -> Vec<u64> {
            let mut v: Vec<u64> = entries
                .iter()
                .map(|&(band, doc)| ((band as u64) << 32) | doc as u64)
                .collect();
            v.sort_unstable();
            v
        };
        // 30 docs share band value 7: 28 by chance (each its own next-band value) and docs
        // 40 and 41, which agree in the next band as well.
        let mut entries: Vec<(u32, u32)> = (0..28).map(|k| (7, k)).collect();
        entries.extend([(7, 41), (7, 40), (9, 50), (9, 51)]);
        let next = |k: u32| if k >= 40 { 5 } else { 100 + k };
        let mut pairs = Vec::new();
        assert_eq!(band_pairs(&col(&entries), next, cap, &mut pairs), 0);
        // Small buckets pair all their docs, whatever the next band says.
        assert_eq!(pairs, vec![(40, 41), (50, 51)]);
        // 30 copies agree in both bands: too many to say anything, skipped and counted.
        let copies: Vec<(u32, u32)> = (0..30).map(|k| (3, k)).collect();
        let mut pairs = Vec::new();
        assert_eq!(band_pairs(&col(&copies), |_| 4, cap, &mut pairs), 1);
        assert!(pairs.is_empty());
        // At the cap, a bucket pairs every doc.
        let mut pairs = Vec::new();
        assert_eq!(band_pairs(&col(&copies[..cap]), |_| 4, cap, &mut pairs), 0);
        assert_eq!(pairs.len(), cap * (cap - 1) / 2);
    }

    #[test]
    fn the_radix_sort_orders_by_upper_half_and_keeps_input_order_within_it() {
        let mut x: u64 = 7;
        let mut v: Vec<u64> = (0..5000u64)
            .map(|k| {
                x = mix64(x);
                // Few distinct upper halves, so equal ones are common; lower half = position.
                ((x % 97) << 32 | (x & 0xff00_0000) << 32) | k
            })
            .collect();
        let mut want = v.clone();
        want.sort_unstable();
        sort_by_upper_half(&mut v, &mut Vec::new());
        assert_eq!(v, want);
    }

    #[test]
    fn jaccard_of_sets() {
        assert_eq!(jaccard(&[1, 2, 3], &[2, 3, 4]), 0.5);
        assert_eq!(jaccard(&[1], &[1]), 1.0);
        assert_eq!(jaccard::<u64>(&[], &[]), 0.0);
    }

    #[test]
    fn banding_agrees_on_equal_sets_and_rarely_on_different_ones() {
        let seeds = seeds();
        let a: Vec<u64> = (0..40).map(mix64).collect();
        assert_eq!(bands(&a, &seeds), bands(&a, &seeds));
        let b: Vec<u64> = (1000..1040).map(mix64).collect();
        let (ba, bb) = (bands(&a, &seeds), bands(&b, &seeds));
        assert!(ba.iter().zip(&bb).filter(|(x, y)| x == y).count() <= 1);
    }

    /// The band hashes as the plain definition computes them, one hash function at a time:
    /// the version chosen at run time (AVX2 where the processor has it) must agree.
    #[test]
    fn band_signatures_match_the_plain_definition() {
        let seeds = seeds();
        let reference = |sh: &[u64]| -> [u32; BANDS] {
            let mut out = [0u32; BANDS];
            for (b, o) in out.iter_mut().enumerate() {
                let mut h = b as u64;
                for r in 0..ROWS {
                    let k = b * ROWS + r;
                    let min = sh
                        .iter()
                        .map(|&x| (x ^ (x >> 32)) as u32)
                        .map(|x| seeds.a[k].wrapping_mul(x).wrapping_add(seeds.b[k]))
                        .min()
                        .unwrap_or(u32::MAX);
                    h = mix64(h ^ min as u64);
                }
                *o = h as u32;
            }
            out
        };
        let mut x: u64 = 1;
        for n in [0usize, 1, 7, 8, 31, 64, 200] {
            let sh: Vec<u64> = (0..n)
                .map(|_| {
                    x = mix64(x.wrapping_add(0x9e37_79b9_7f4a_7c15));
                    x
                })
                .collect();
            assert_eq!(bands(&sh, &seeds), reference(&sh), "{n} shingles");
        }
    }
}
