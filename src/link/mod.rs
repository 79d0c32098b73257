//! Linking across candidates (SPEC §6): which candidates share an identity artefact, which
//! key joined them, and whether an honest explanation covers the link.
//!
//! Input is the joined candidates (application, sign-in summary), after ingest and before any
//! rule runs. [`link`] builds a blocking index over normalised keys — email, phone, photo
//! hash, payment account, shipping and home address, device id, login IP within 24 hours —
//! plus near-duplicate resumes (MinHash with LSH banding, [`minhash`]) and near-identical
//! names (a phonetic token key, then string similarity). Candidates are only ever compared
//! inside a bucket, so the cost grows with candidates, not with pairs of them; a bucket with
//! more than [`LinkOptions::cap`] candidates (an office egress, a public Wi-Fi, a placeholder
//! phone) creates no links and is reported as capped instead.
//!
//! A link between members of one staffing agency (same `agency`) through its phone, email or
//! office IP, or between members of one household (a shared surname at the same home address,
//! ID addresses agreeing) is kept and shown, with the explanation, but does not feed the fraud
//! facts ([`set_facts`]). Names and referrals link weakly: they are listed, never merged into
//! clusters, because common names and honest referral chains join strangers.
//!
//! Clusters are the connected components over the strong links ([`cluster`]), with ids that
//! depend only on the members' candidate ids. Nothing here reads rules or prints.

pub mod cluster;
pub mod index;
pub mod minhash;

use crate::facts::{self, Fact, Facts};
use crate::model::{app, Candidate, SourceRef, Verdict};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// "No index" in the `u32` tables.
pub const NONE: u32 = u32::MAX;

/// What joined two candidates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyKind {
    Email,
    Phone,
    PhotoHash,
    PaymentAccount,
    ShippingAddress,
    HomeAddress,
    DeviceId,
    LoginIp,
    Resume,
    Name,
    Referral,
}

impl KeyKind {
    pub fn as_str(self) -> &'static str {
        match self {
            KeyKind::Email => "email",
            KeyKind::Phone => "phone",
            KeyKind::PhotoHash => "photo_hash",
            KeyKind::PaymentAccount => "payment_account",
            KeyKind::ShippingAddress => "shipping_address",
            KeyKind::HomeAddress => "home_address",
            KeyKind::DeviceId => "device_id",
            KeyKind::LoginIp => "login_ip",
            KeyKind::Resume => "resume",
            KeyKind::Name => "name",
            KeyKind::Referral => "referral",
        }
    }
    /// Strong keys join clusters; weak ones (names, referrals) are only listed.
    pub fn strong(self) -> bool {
        !matches!(self, KeyKind::Name | KeyKind::Referral)
    }
    /// Values that are personal data and are hashed under `--redact`.
    pub fn personal(self) -> bool {
        matches!(
            self,
            KeyKind::Email
                | KeyKind::Phone
                | KeyKind::PaymentAccount
                | KeyKind::ShippingAddress
                | KeyKind::HomeAddress
                | KeyKind::Name
        )
    }
}

/// Thresholds of the link stage.
#[derive(Clone, Debug)]
pub struct LinkOptions {
    /// Most candidates one key may join; a bigger bucket is reported and creates no links.
    pub cap: usize,
    /// The same for a name's phonetic key: common names say nothing, so the cap is small.
    pub name_cap: usize,
    /// Two sign-ins from one address at most this far apart (seconds) link their candidates.
    pub ip_window: i64,
    /// Uses of an address (sign-ins, plus the application's submission) a candidate needs
    /// before it is indexed: one-off uses of a mobile carrier's shared (CGNAT) address or a
    /// café's Wi-Fi say nothing, a farm's laptops come back to the same line every day.
    pub ip_min_uses: u32,
    /// Jaccard similarity of word shingles at or above which resumes are near-duplicates.
    pub resume_jaccard: f64,
    /// Name similarity (0-1, see `facts::names`) at or above which names are near-identical.
    pub name_similarity: f64,
    /// Name similarity below which two names are "different" for the fraud facts.
    pub same_name: f64,
    /// Most capped keys kept for the report (all are counted).
    pub max_capped_listed: usize,
}

impl Default for LinkOptions {
    fn default() -> Self {
        LinkOptions {
            cap: 25,
            name_cap: 5,
            ip_window: 24 * 3600,
            ip_min_uses: 2,
            resume_jaccard: 0.8,
            name_similarity: 0.92,
            same_name: 0.8,
            max_capped_listed: 100,
        }
    }
}

/// One link: candidates `a` < `b` (indices into the scan's candidates) share a key.
#[derive(Clone, Debug)]
pub struct Link {
    pub a: u32,
    pub b: u32,
    pub kind: KeyKind,
    /// The normalised shared value ("jaccard 0.91" for resumes).
    pub value: Box<str>,
    /// Why this link is not evidence of fraud ("agency ACME", "household ..."), if it is not.
    pub explained: Option<Box<str>>,
    /// The cells of `a` and `b` that hold the key.
    pub src: [SourceRef; 2],
    /// The two full names are the same person's (similarity at or above `same_name`).
    pub same_name: bool,
    /// The names share a token (a surname, whatever the order).
    pub related_names: bool,
    /// Their ID-document (else home) addresses are both known and differ.
    pub addresses_differ: bool,
    /// Jaccard similarity for resume links, name similarity for name links, else 1.
    pub similarity: f32,
}

impl Link {
    pub fn other(&self, i: u32) -> u32 {
        if self.a == i {
            self.b
        } else {
            self.a
        }
    }
    /// The cells of both ends, this candidate's first.
    pub fn sources_from(&self, i: u32) -> [SourceRef; 2] {
        if self.a == i {
            self.src
        } else {
            [self.src[1], self.src[0]]
        }
    }
}

/// A key too common to link on.
#[derive(Clone, Debug, Serialize)]
pub struct Capped {
    pub kind: KeyKind,
    /// The normalised value; the report hashes personal kinds under `--redact`.
    pub value: String,
    /// Candidates holding it.
    pub size: u32,
}

/// A connected component of strong links.
#[derive(Clone, Debug)]
pub struct Cluster {
    /// "cl-" and 10 hex digits of a hash of the sorted member ids: same members, same id.
    pub id: String,
    /// Member indices, ordered by candidate id.
    pub members: Vec<u32>,
    /// Link indices (strong and weak) with both ends in the cluster, in link order.
    pub links: Vec<u32>,
    /// Every strong link of the cluster is explained (agency, household).
    pub explained: bool,
}

/// Counts for the report summary.
#[derive(Clone, Debug, Default, Serialize)]
pub struct LinkSummary {
    pub links: u64,
    pub explained_links: u64,
    pub weak_links: u64,
    pub clusters: u64,
    pub clustered_candidates: u64,
    pub largest_cluster: u64,
    pub links_by_key: BTreeMap<&'static str, u64>,
    pub capped_by_key: BTreeMap<&'static str, u64>,
    /// Resume pairs whose exact similarity was computed after LSH blocking.
    pub resume_pairs_checked: u64,
    /// LSH band buckets bigger than the cap, skipped.
    pub resume_buckets_skipped: u64,
    /// The biggest capped keys, at most [`LinkOptions::max_capped_listed`].
    pub capped_keys: Vec<Capped>,
}

/// Everything the link stage found.
#[derive(Debug, Default)]
pub struct Links {
    /// Sorted by (a, b, kind, value).
    pub links: Vec<Link>,
    adj_off: Vec<u32>,
    adj: Vec<u32>,
    pub clusters: Vec<Cluster>,
    /// Cluster index of each candidate, [`NONE`] when alone.
    pub cluster_of: Vec<u32>,
    /// Index of the candidate in `referred_by`, [`NONE`] when absent or unknown.
    pub referrer: Vec<u32>,
    /// This candidate's capped keys: (candidate, index into `capped_all`), sorted.
    capped_of: Vec<(u32, u32)>,
    capped_all: Vec<Capped>,
    pub summary: LinkSummary,
    /// Seconds spent per step, for `HIRESCREEN_TIMINGS`.
    pub timings: Vec<(&'static str, f64)>,
}

impl Links {
    /// Link indices touching candidate `i`.
    pub fn of(&self, i: u32) -> &[u32] {
        let i = i as usize;
        if i + 1 >= self.adj_off.len() {
            return &[];
        }
        &self.adj[self.adj_off[i] as usize..self.adj_off[i + 1] as usize]
    }
    pub fn cluster(&self, i: u32) -> Option<&Cluster> {
        self.cluster_of
            .get(i as usize)
            .filter(|&&k| k != NONE)
            .map(|&k| &self.clusters[k as usize])
    }
    /// Capped keys held by candidate `i`.
    pub fn capped(&self, i: u32) -> impl Iterator<Item = &Capped> {
        let start = self.capped_of.partition_point(|x| x.0 < i);
        self.capped_of[start..]
            .iter()
            .take_while(move |x| x.0 == i)
            .map(|x| &self.capped_all[x.1 as usize])
    }
}

/// Links every candidate to every other that shares a key.
pub fn link(cands: &[Candidate], opts: &LinkOptions) -> Links {
    let mut timings = Vec::new();
    let t = std::time::Instant::now();
    let mut found = index::exact_links(cands, opts);
    timings.push(("link.keys", t.elapsed().as_secs_f64()));
    let t = std::time::Instant::now();
    found
        .links
        .extend(minhash::resume_links(cands, opts, &mut found.stats));
    timings.push(("link.resume", t.elapsed().as_secs_f64()));
    let t = std::time::Instant::now();
    let referrer = index::referrers(cands, opts, &mut found.links);
    let mut links = found.links;
    links.sort_by(|x, y| (x.a, x.b, x.kind, &x.value).cmp(&(y.a, y.b, y.kind, &y.value)));
    links.dedup_by(|x, y| (x.a, x.b, x.kind, &x.value) == (y.a, y.b, y.kind, &y.value));
    let (adj_off, adj) = adjacency(cands.len(), &links);
    let (clusters, cluster_of) = cluster::components(cands, &links);
    timings.push(("link.clusters", t.elapsed().as_secs_f64()));

    let mut capped_all = found.capped;
    capped_all.sort_by(|x, y| {
        y.0.size
            .cmp(&x.0.size)
            .then(x.0.kind.cmp(&y.0.kind))
            .then(x.0.value.cmp(&y.0.value))
    });
    let mut capped_of = Vec::new();
    for (k, (_, members)) in capped_all.iter().enumerate() {
        capped_of.extend(members.iter().map(|&m| (m, k as u32)));
    }
    capped_of.sort_unstable();
    let capped_all: Vec<Capped> = capped_all.into_iter().map(|(c, _)| c).collect();

    let mut summary = LinkSummary {
        links: links.iter().filter(|l| l.kind.strong()).count() as u64,
        explained_links: links.iter().filter(|l| l.explained.is_some()).count() as u64,
        weak_links: links.iter().filter(|l| !l.kind.strong()).count() as u64,
        clusters: clusters.len() as u64,
        clustered_candidates: clusters.iter().map(|c| c.members.len() as u64).sum(),
        largest_cluster: clusters
            .iter()
            .map(|c| c.members.len() as u64)
            .max()
            .unwrap_or(0),
        capped_by_key: found.stats.capped_by_key,
        resume_pairs_checked: found.stats.resume_pairs_checked,
        resume_buckets_skipped: found.stats.resume_buckets_skipped,
        capped_keys: capped_all
            .iter()
            .take(opts.max_capped_listed)
            .cloned()
            .collect(),
        ..LinkSummary::default()
    };
    for l in &links {
        *summary.links_by_key.entry(l.kind.as_str()).or_default() += 1;
    }
    Links {
        links,
        adj_off,
        adj,
        clusters,
        cluster_of,
        referrer,
        capped_of,
        capped_all,
        summary,
        timings,
    }
}

fn adjacency(n: usize, links: &[Link]) -> (Vec<u32>, Vec<u32>) {
    let mut deg = vec![0u32; n + 1];
    for l in links {
        deg[l.a as usize] += 1;
        deg[l.b as usize] += 1;
    }
    let mut off = vec![0u32; n + 1];
    for i in 0..n {
        off[i + 1] = off[i] + deg[i];
    }
    let mut fill = off.clone();
    let mut adj = vec![0u32; off[n] as usize];
    for (k, l) in links.iter().enumerate() {
        for end in [l.a, l.b] {
            adj[fill[end as usize] as usize] = k as u32;
            fill[end as usize] += 1;
        }
    }
    (off, adj)
}

/// Most other candidates' cells cited by one link fact.
const MAX_FACT_SOURCES: usize = 20;

/// A list of other candidates' ids, with the cells on both sides.
#[derive(Default)]
struct Others<'a> {
    ids: BTreeSet<&'a str>,
    src: Vec<SourceRef>,
}

impl<'a> Others<'a> {
    fn add(&mut self, id: &'a str, src: [SourceRef; 2]) {
        self.ids.insert(id);
        if self.src.len() < MAX_FACT_SOURCES {
            self.src.extend(src);
        }
    }
    fn set(self, f: &mut Facts, idx: usize) {
        f.set(
            idx,
            Fact::List(self.ids.into_iter().map(str::to_string).collect()),
            self.src,
        );
    }
}

/// Sets the candidate's cross-candidate facts (see the `// Linking` part of
/// [`facts::SCHEMA`]). Explained links never feed a fraud fact; names shared by the same
/// person (a duplicate application) are not "another name". The referral facts get their
/// first-pass values here; [`set_referral_facts`] corrects them once verdicts are known.
pub fn set_facts(links: &Links, cands: &[Candidate], i: usize, f: &mut Facts) {
    let me = &cands[i];
    let ii = i as u32;
    let has = |field: usize| me.app.get(field).is_some();
    let mut phone = Others::default();
    let mut email = Others::default();
    let mut photo = Others::default();
    let mut payment = Others::default();
    let mut ship = Others::default();
    let mut home = Others::default();
    let mut ip = Others::default();
    let mut device = Others::default();
    let mut resume = Others::default();
    let mut rotation = Others::default();
    let mut names = Others::default();
    let mut resume_max: f64 = 0.0;
    let mut gap_max: Option<i64> = None;
    let mut explanations = BTreeSet::new();
    let mut explained_src = Vec::new();
    for &k in links.of(ii) {
        let l = &links.links[k as usize];
        let j = l.other(ii) as usize;
        let other: &str = &cands[j].id;
        let src = l.sources_from(ii);
        if let Some(e) = &l.explained {
            explanations.insert(format!("{e}: {} shared with {other}", l.kind.as_str()));
            if explained_src.len() < MAX_FACT_SOURCES {
                explained_src.extend(src);
            }
            continue;
        }
        if l.kind == KeyKind::Name {
            names.add(other, src);
            continue;
        }
        if !l.kind.strong() || l.same_name {
            continue;
        }
        match l.kind {
            KeyKind::Phone => phone.add(other, src),
            KeyKind::Email => email.add(other, src),
            KeyKind::PhotoHash => photo.add(other, src),
            KeyKind::PaymentAccount => payment.add(other, src),
            KeyKind::ShippingAddress if !l.related_names || l.addresses_differ => {
                ship.add(other, src)
            }
            KeyKind::HomeAddress if !l.related_names => home.add(other, src),
            KeyKind::LoginIp => ip.add(other, src),
            KeyKind::DeviceId => device.add(other, src),
            KeyKind::Resume => {
                resume.add(other, src);
                resume_max = resume_max.max(l.similarity as f64);
            }
            _ => {}
        }
        // Identity rotation: a personal artefact of an earlier application reappears under a
        // new name. A resume alone is XC-02's business: templates repeat across honest people.
        if matches!(
            l.kind,
            KeyKind::Phone | KeyKind::PhotoHash | KeyKind::DeviceId
        ) {
            if let (Some(mine), Some(theirs)) = (me.app.applied_at, cands[j].app.applied_at) {
                if theirs < mine {
                    let days = (mine - theirs) / 86_400;
                    rotation.add(other, src);
                    gap_max = Some(gap_max.map_or(days, |g: i64| g.max(days)));
                }
            }
        }
    }
    if has(app::PHONE) {
        phone.set(f, facts::SAME_PHONE_OTHER_NAME);
    }
    if has(app::EMAIL) {
        email.set(f, facts::SAME_EMAIL_OTHER_NAME);
    }
    if has(app::PHOTO_HASH) {
        photo.set(f, facts::SAME_PHOTO_OTHER_NAME);
    }
    if has(app::PAYMENT_ACCOUNT) {
        payment.set(f, facts::SAME_PAYMENT_OTHER_NAME);
    }
    if has(app::SHIPPING_ADDRESS) {
        let n = ship.ids.len() as i64;
        f.set(
            facts::SHARED_SHIPPING_COUNT,
            Fact::Int(n),
            ship.src.iter().copied(),
        );
        ship.set(f, facts::SHARED_SHIPPING);
    }
    if has(app::HOME_ADDRESS) {
        home.set(f, facts::SHARED_HOME_ADDRESS);
    }
    if me.logins.total > 0 || me.app.ip.is_some() {
        ip.set(f, facts::SHARED_LOGIN_IP_24H);
    }
    if !me.logins.devices.is_empty() {
        device.set(f, facts::SHARED_DEVICE);
    }
    if has(app::RESUME_TEXT) {
        let src = resume.src.clone();
        resume.set(f, facts::RESUME_NEAR_DUPLICATE);
        f.set(
            facts::RESUME_SIMILARITY_MAX,
            Fact::Float((resume_max * 100.0).round() / 100.0),
            src,
        );
    }
    if me.app.applied_at.is_some() {
        let src = rotation.src.clone();
        rotation.set(f, facts::ROTATION_OF);
        f.set(
            facts::ROTATION_GAP_DAYS,
            Fact::Int(gap_max.unwrap_or(0)),
            src,
        );
    }
    names.set(f, facts::SAME_NAME_OTHERS);
    f.set(
        facts::LINK_EXPLANATIONS,
        Fact::List(explanations.into_iter().collect()),
        explained_src,
    );
    let size = links.cluster(ii).map_or(1, |c| c.members.len() as i64);
    f.set(facts::CLUSTER_SIZE, Fact::Int(size), []);
    let capped: Vec<String> = links
        .capped(ii)
        .map(|c| format!("{} shared by {} candidates", c.kind.as_str(), c.size))
        .collect();
    f.set(facts::CAPPED_KEYS, Fact::List(capped), []);
    set_referral_facts(links, cands, i, f, None);
}

/// The referral facts (APP-08). Without verdicts (the first pass) the referrer counts as
/// clear; `verdicts` are the first-pass verdicts of every candidate.
pub fn set_referral_facts(
    links: &Links,
    cands: &[Candidate],
    i: usize,
    f: &mut Facts,
    verdicts: Option<&[Verdict]>,
) {
    let r = links.referrer.get(i).copied().unwrap_or(NONE);
    if r == NONE {
        return;
    }
    let (verdict, cluster_escalated) = referrer_status(links, r, verdicts);
    let src = [
        cands[i].app.fields.cell(app::REFERRED_BY),
        cands[r as usize].app.fields.cell(app::CANDIDATE_ID),
    ];
    f.set(
        facts::REFERRER_VERDICT,
        Fact::Str(verdict.as_str().to_string()),
        src,
    );
    f.set(
        facts::REFERRER_CLUSTER_ESCALATED,
        Fact::Bool(cluster_escalated),
        src,
    );
    f.set(
        facts::REFERRED_BY_FLAGGED,
        Fact::Bool(verdict >= Verdict::Review || cluster_escalated),
        src,
    );
}

/// The referrer's verdict, and whether its cluster holds an escalated candidate.
fn referrer_status(links: &Links, r: u32, verdicts: Option<&[Verdict]>) -> (Verdict, bool) {
    let Some(v) = verdicts else {
        return (Verdict::Clear, false);
    };
    let verdict = v[r as usize];
    let escalated = links.cluster(r).is_some_and(|c| {
        c.members
            .iter()
            .any(|&m| v[m as usize] == Verdict::Escalate)
    });
    (verdict, escalated)
}

/// Candidates whose referral facts change once first-pass verdicts are known: those whose
/// referrer is not clear, or sits in a cluster with an escalated member.
pub fn referral_changes(links: &Links, verdicts: &[Verdict]) -> Vec<usize> {
    (0..links.referrer.len())
        .filter(|&i| {
            let r = links.referrer[i];
            r != NONE && referrer_status(links, r, Some(verdicts)) != (Verdict::Clear, false)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::engine::ruletest::run_test;
    use crate::engine::Reference;
    use crate::rules::model::Expect;
    use crate::rules::Pack;

    /// A quiet test passes when a rule is not evaluated too; the reuse rules' quiet tests
    /// (agency, household, duplicates) must be quiet because linking explained them.
    #[test]
    fn reuse_quiet_tests_are_evaluated() {
        let pack = Pack::builtin().unwrap_or_else(|e| panic!("{e}"));
        let reference = Reference::builtin();
        let mut n = 0;
        for rule in pack.rules.iter().filter(|r| r.id.starts_with("reuse.")) {
            for (k, t) in rule.tests.iter().enumerate() {
                let r = run_test(&pack, &reference, rule, t, 1000 + k);
                assert!(r.passed, "{} / {}: {}", r.rule, r.test, r.detail);
                assert!(
                    !r.detail.contains("not evaluated"),
                    "{} / {}: {}",
                    r.rule,
                    r.test,
                    r.detail
                );
                n += 1;
            }
        }
        assert!(n >= 20);
    }

    /// The scan links with the pack's `[link]` settings, not fixed ones.
    #[test]
    fn linking_reads_the_packs_settings() {
        let mut pack = Pack::builtin().unwrap_or_else(|e| panic!("{e}"));
        let reference = Reference::builtin();
        let at = pack
            .rules
            .iter()
            .position(|r| r.id == "reuse.resume-near-duplicate");
        let rule = at.unwrap();
        let fire = pack.rules[rule]
            .tests
            .iter()
            .position(|t| t.expect == Expect::Fire);
        let run = |pack: &Pack| {
            let r = &pack.rules[rule];
            run_test(pack, &reference, r, &r.tests[fire.unwrap()], 2000)
        };
        assert!(run(&pack).passed, "{}", run(&pack).detail);
        // The copy with an added sentence is similar, not identical: a threshold of 0.99
        // leaves it unlinked, so the rule stays quiet.
        pack.link.resume_jaccard = 0.99;
        let r = run(&pack);
        assert!(
            !r.passed && r.detail.contains("stayed quiet"),
            "{}",
            r.detail
        );
    }
}
