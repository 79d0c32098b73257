//! The rule pack: TOML rule files (`rules/*.toml`, compiled in, or a folder given with
//! `--rules`) loaded, validated and compiled to CEL programs once. Loading collects every error
//! with file:line:column — a TOML syntax error, an unknown key, a CEL syntax error, an unknown
//! field or fact, a type error found by a probe evaluation, a bad `needs` — and a pack with any
//! error is refused whole. Evaluation ([`eval`]) and scoring ([`score`]) never print.

pub mod eval;
pub mod model;
pub mod native;
pub mod score;

use crate::diag::Diagnostics;
use crate::enrich::lists::{self, NetLists};
use crate::facts::{FactType, SCHEMA};
use crate::model::{app, interview, Family, Severity, Verdict};
use cel::{Env, Program};
use model::{PackConfig, RuleDef, RuleFile, RuleTest};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

/// The built-in pack, compiled in. A test checks that every `rules/*.toml` is listed here.
pub const BUILTIN_RULES: &[(&str, &str)] = &[
    (
        "rules/identity.toml",
        include_str!("../../rules/identity.toml"),
    ),
    (
        "rules/interview.toml",
        include_str!("../../rules/interview.toml"),
    ),
    (
        "rules/location.toml",
        include_str!("../../rules/location.toml"),
    ),
    (
        "rules/network.toml",
        include_str!("../../rules/network.toml"),
    ),
    ("rules/lists.toml", include_str!("../../rules/lists.toml")),
    ("rules/reuse.toml", include_str!("../../rules/reuse.toml")),
];
pub const BUILTIN_PACK: &str = include_str!("../../rules/pack.toml");

/// A load error with its position.
pub type RuleError = crate::diag::Diagnostic;

/// All errors of a pack that did not load.
pub type PackErrors = crate::diag::Diagnostics;

/// A compiled `{…}` part of an evidence template.
pub enum Part {
    Text(String),
    Expr(Program),
    /// A value made of ISO country codes (see [`COUNTRY_VALUED`]): shown with the countries'
    /// names, `Laos (LA) ×8`, since a bare code is easily misread (`LA` as Los Angeles).
    Countries(Program),
}

/// Template expressions whose values are ISO alpha-2 codes, alone (`CN`) or leading a count
/// (`CN (3)`, `CN (3, from the export)`), or lists of them.
pub const COUNTRY_VALUED: &[&str] = &[
    "facts.claimed_country",
    "facts.app_ip_country",
    "facts.login_countries",
    "facts.countries_outside_claim",
    "facts.direct_countries_outside_claim",
    "facts.interview_countries",
    "facts.early_countries",
    "app.claimed_country",
    "app.payment_country",
    "app.id_doc_country",
    "app.citizenship",
];

/// One compiled rule.
pub struct Rule {
    pub id: String,
    pub title: String,
    pub family: Family,
    pub severity: Severity,
    pub score: u32,
    pub description: String,
    pub verify: String,
    pub references: Vec<String>,
    pub needs: Vec<eval::Need>,
    pub force: Option<Verdict>,
    pub when_src: String,
    pub when: Program,
    /// The condition for direct evaluation on facts, where it can decide (see `native`).
    pub when_native: native::Native,
    pub evidence: Vec<Part>,
    /// `app.x` and `facts.y` names the rule reads, for citing sources.
    pub reads_app: Vec<usize>,
    pub reads_facts: Vec<usize>,
    pub reads_logins: bool,
    pub reads_interviews: bool,
    /// Whether the rule may read the interviews' free-text `notes` (the word appears in its
    /// condition or evidence), the one long interview column nothing else reads.
    pub reads_interview_notes: bool,
    pub tests: Vec<RuleTest>,
    /// Where the rule is defined.
    pub file: String,
    pub line: usize,
}

/// A loaded, validated rule pack.
pub struct Pack {
    pub rules: Vec<Rule>,
    pub thresholds: model::Thresholds,
    pub caps: BTreeMap<Family, u32>,
    /// How candidates are linked (`[link]` in `pack.toml`).
    pub link: crate::link::LinkOptions,
    pub lists: NetLists,
    pub env: Arc<Env>,
    /// sha256 over every rule and list file, in order.
    pub hash: String,
    /// Whether any rule reads the `logins` / `interviews` lists (else they are not built).
    pub reads_logins: bool,
    pub reads_interviews: bool,
    /// Whether any rule may read interview notes (else they are not kept: 0.14 GB at 1M
    /// candidates).
    pub reads_interview_notes: bool,
}

/// Builds the CEL environment rules run in: the standard library plus string extensions.
pub fn cel_env() -> Arc<Env> {
    let mut env = Env::stdlib();
    // The extension only fails on a duplicate declaration, which cannot happen on a fresh Env.
    let _ = env.add_extension(cel::extensions::strings);
    Arc::new(env)
}

use crate::diag::line_col;

/// Byte offset in `text` where the content of a string value spanning `span` starts.
fn content_start(text: &str, span: std::ops::Range<usize>) -> usize {
    let raw = &text[span.start.min(text.len())..span.end.min(text.len())];
    let mut start = span.start;
    for q in ["\"\"\"", "'''", "\"", "'"] {
        if raw.starts_with(q) {
            start += q.len();
            if q.len() == 3 && text[start..].starts_with('\n') {
                start += 1;
            } else if q.len() == 3 && text[start..].starts_with("\r\n") {
                start += 2;
            }
            break;
        }
    }
    start
}

/// Offset in the content of a CEL (line, column), both 1-based.
fn offset_in(content: &str, line: isize, col: isize) -> usize {
    let mut off = 0;
    for (i, l) in content.split('\n').enumerate() {
        if i as isize + 1 == line {
            let chars: usize = l
                .char_indices()
                .nth((col.max(1) - 1) as usize)
                .map(|(b, _)| b)
                .unwrap_or(l.len());
            return off + chars;
        }
        off += l.len() + 1;
    }
    content.len()
}

struct Loader<'a> {
    file: &'a str,
    text: &'a str,
    errors: Vec<RuleError>,
}

impl Loader<'_> {
    fn err_at(&mut self, offset: usize, message: impl Into<String>) {
        self.errors
            .push(RuleError::at(self.file, self.text, offset, message));
    }
}

/// Names a rule may read: `app.<field>`, `facts.<fact>` and fields of list elements.
pub const LOGIN_KEYS: &[&str] = &[
    "ip",
    "country",
    "region",
    "city",
    "asn",
    "org",
    "anonymized",
    "vpn",
    "hosting",
    "proxy",
    "tor",
    "kp",
    "ioc",
    "count",
    "failures",
    "first",
    "last",
    "remote_tools",
    "unmanaged",
];

fn interview_keys() -> Vec<&'static str> {
    let mut k: Vec<&str> = interview::FIELDS.to_vec();
    k.extend(["country", "anonymized", "weak_join"]);
    k
}

/// Checks member names statically; returns (app fields, facts, reads logins, reads interviews).
fn check_names(
    loader: &mut Loader<'_>,
    src: &str,
    base: usize,
) -> (Vec<usize>, Vec<usize>, bool, bool) {
    use regex::Regex;
    use std::sync::LazyLock;
    // Compiled once per process, not once per rule: compiling these was most of the time a
    // small scan took to start.
    static IDENT: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"\b(app|facts)\.([A-Za-z_][A-Za-z0-9_]*)").expect("static regex")
    });
    static ITER: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"\b(logins|interviews)\.(?:exists|all|exists_one|filter|map)\(\s*([A-Za-z_][A-Za-z0-9_]*)\s*,")
            .expect("static regex")
    });
    static BARE: LazyLock<[Regex; 2]> = LazyLock::new(|| {
        ["logins", "interviews"]
            .map(|name| Regex::new(&format!(r"(^|[^.\w]){name}\b")).expect("static regex"))
    });
    static MEMBER: LazyLock<std::sync::Mutex<HashMap<String, Regex>>> =
        LazyLock::new(Default::default);
    let ident = &*IDENT;
    let mut apps = Vec::new();
    let mut facts = Vec::new();
    for c in ident.captures_iter(src) {
        let (ns, name) = (&c[1], &c[2]);
        let at = base + c.get(2).map(|m| m.start()).unwrap_or(0);
        if ns == "app" {
            match app::FIELDS.iter().position(|f| *f == name) {
                Some(i) => apps.push(i),
                None => loader.err_at(at, format!("app has no field {name:?}")),
            }
        } else {
            match SCHEMA.iter().position(|(f, _, _)| *f == name) {
                Some(i) => facts.push(i),
                None => loader.err_at(
                    at,
                    format!("no fact named {name:?} (see `hirescreen rules facts`)"),
                ),
            }
        }
    }
    // Iteration variables of macros over logins and interviews.
    let iter = &*ITER;
    let ikeys = interview_keys();
    let mut reads = (false, false);
    for c in iter.captures_iter(src) {
        let list = &c[1];
        let var = &c[2];
        let keys: &[&str] = if list == "logins" { LOGIN_KEYS } else { &ikeys };
        let member = {
            let mut cache = MEMBER.lock().unwrap_or_else(|e| e.into_inner());
            cache
                .entry(var.to_string())
                .or_insert_with(|| {
                    let pattern = format!(r"\b{}\.([A-Za-z_][A-Za-z0-9_]*)", regex::escape(var));
                    Regex::new(&pattern).expect("escaped regex")
                })
                .clone()
        };
        for m in member.captures_iter(src) {
            let name = &m[1];
            if !keys.contains(&name) {
                let at = base + m.get(1).map(|x| x.start()).unwrap_or(0);
                loader.err_at(at, format!("{list} elements have no field {name:?}"));
            }
        }
    }
    // The lists as variables, not `facts.logins` or `facts.interviews_outside_claim`.
    reads.0 = BARE[0].is_match(src);
    reads.1 = BARE[1].is_match(src);
    apps.sort();
    apps.dedup();
    facts.sort();
    facts.dedup();
    (apps, facts, reads.0, reads.1)
}

/// How deep an expression may nest: calls, operators, selections and literals inside one
/// another. CEL's interpreter (and [`native::Native`]) walk an expression by recursion, and a
/// chain such as `a + 1 + 1 + …` nests one level per term (the parser balances `&&` and `||`
/// chains), so a deeper one could overflow a thread's stack in the middle of a scan: 1,500
/// terms did on a scan thread's 2 MB. The built-in rules nest at most 10 deep.
pub const MAX_DEPTH: usize = 64;
/// The longest expression the parser is given: its recursion grows with the text too. In a
/// release build on a 2 MB thread it parsed chains of 8,000 bytes (`1+1+…`, `a.b.b…`) and
/// overflowed at 16,000; packs are loaded on the main thread (8 MB).
pub const MAX_EXPR_BYTES: usize = 4_096;

/// How deep an expression nests (a literal or a name is 1), counted without recursion; stops
/// counting past `limit`.
fn depth(e: &cel::common::ast::IdedExpr, limit: usize) -> usize {
    use cel::common::ast::{EntryExpr, Expr, MapExpr, StructExpr};
    let mut deepest = 0;
    let mut stack = vec![(e, 1)];
    while let Some((e, d)) = stack.pop() {
        deepest = deepest.max(d);
        if deepest > limit {
            break;
        }
        let mut push = |x| stack.push((x, d + 1));
        match &e.expr {
            Expr::Call(c) => {
                c.target.iter().for_each(|t| push(&**t));
                c.args.iter().for_each(push);
            }
            Expr::Comprehension(c) => {
                for x in [
                    &c.iter_range,
                    &c.accu_init,
                    &c.loop_cond,
                    &c.loop_step,
                    &c.result,
                ] {
                    push(x);
                }
            }
            Expr::List(l) => l.elements.iter().for_each(push),
            Expr::Map(MapExpr { entries }) | Expr::Struct(StructExpr { entries, .. }) => {
                for en in entries {
                    match &en.expr {
                        EntryExpr::MapEntry(me) => {
                            push(&me.key);
                            push(&me.value);
                        }
                        EntryExpr::StructField(f) => push(&f.value),
                    }
                }
            }
            Expr::Select(sel) => push(&sel.operand),
            Expr::Ident(_) | Expr::Literal(_) | Expr::Unspecified => {}
        }
    }
    deepest
}

fn compile_expr(loader: &mut Loader<'_>, env: &Env, src: &str, base: usize) -> Option<Program> {
    if src.len() > MAX_EXPR_BYTES {
        let msg = format!(
            "expression of {} bytes; the most is {MAX_EXPR_BYTES} (split the rule)",
            src.len()
        );
        loader.err_at(base, msg);
        return None;
    }
    match env.compile(src) {
        Ok(p) if depth(p.expression(), MAX_DEPTH) > MAX_DEPTH => {
            let msg = format!(
                "expression nests more than {MAX_DEPTH} deep (a chain such as `a + b + …` \
                 nests one level per term); split the rule"
            );
            loader.err_at(base, msg);
            None
        }
        Ok(p) => Some(p),
        Err(errs) => {
            for e in errs.errors {
                let off = base + offset_in(src, e.pos.0, e.pos.1);
                loader.err_at(off, format!("CEL: {}", e.msg));
            }
            None
        }
    }
}

/// Splits an evidence template into text and `{expr}` parts; `{{`/`}}` are literal braces.
/// A template piece: is it an expression, its text, its offset in the template.
type Piece = (bool, String, usize);

fn split_template(t: &str) -> Result<Vec<Piece>, (usize, String)> {
    let mut parts = Vec::new();
    let mut text = String::new();
    let b = t.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'{' if b.get(i + 1) == Some(&b'{') => {
                text.push('{');
                i += 2;
            }
            b'}' if b.get(i + 1) == Some(&b'}') => {
                text.push('}');
                i += 2;
            }
            b'{' => {
                let start = i + 1;
                let mut depth = 1;
                let mut j = start;
                let mut quote: Option<u8> = None;
                while j < b.len() && depth > 0 {
                    match (quote, b[j]) {
                        (Some(q), c) if c == q => quote = None,
                        (Some(_), _) => {}
                        (None, b'"') | (None, b'\'') => quote = Some(b[j]),
                        (None, b'{') => depth += 1,
                        (None, b'}') => depth -= 1,
                        _ => {}
                    }
                    j += 1;
                }
                if depth != 0 {
                    return Err((i, "unclosed '{' in evidence".into()));
                }
                if !text.is_empty() {
                    parts.push((false, std::mem::take(&mut text), 0));
                }
                parts.push((true, t[start..j - 1].to_string(), start));
                i = j;
            }
            b'}' => return Err((i, "unmatched '}' in evidence (write '}}')".into())),
            _ => {
                let ch = t[i..].chars().next().unwrap_or(' ');
                text.push(ch);
                i += ch.len_utf8();
            }
        }
    }
    if !text.is_empty() {
        parts.push((false, text, 0));
    }
    Ok(parts)
}

fn compile_rule(
    loader: &mut Loader<'_>,
    env: &Env,
    probe: &cel::Context<'static, 'static>,
    def: RuleDef,
) -> Option<Rule> {
    let before = loader.errors.len();
    let id_at = def.id.span().start;
    let id = def.id.into_inner();
    if id.trim().is_empty() || id.contains(char::is_whitespace) {
        loader.err_at(id_at, "rule id must be non-empty with no spaces");
    }
    if *def.score.get_ref() > 100 {
        loader.err_at(def.score.span().start, "score must be 0-100");
    }
    for (what, empty) in [
        ("title", def.title.trim().is_empty()),
        ("verify", def.verify.trim().is_empty()),
        ("description", def.description.trim().is_empty()),
        ("references", def.references.is_empty()),
    ] {
        if empty {
            loader.err_at(id_at, format!("rule {id}: {what} must not be empty"));
        }
    }
    let mut needs = Vec::new();
    for n in def.needs {
        let at = n.span().start;
        let n = n.into_inner();
        match eval::Need::parse(&n) {
            Some(need) => needs.push(need),
            None => loader.err_at(at, format!("unknown need {n:?}")),
        }
    }
    // The condition.
    let when_span = def.when.span();
    let when_src = def.when.into_inner();
    let when_base = content_start(loader.text, when_span);
    let (mut reads_app, mut reads_facts, mut rl, mut ri) =
        check_names(loader, &when_src, when_base);
    let when = compile_expr(loader, env, &when_src, when_base);
    // The evidence template.
    let ev_span = def.evidence.span();
    let ev_src = def.evidence.into_inner();
    let ev_base = content_start(loader.text, ev_span);
    let mut evidence = Vec::new();
    match split_template(&ev_src) {
        Err((at, msg)) => loader.err_at(ev_base + at, msg),
        Ok(parts) => {
            for (is_expr, s, at) in parts {
                if is_expr {
                    let (a, f, l, i) = check_names(loader, &s, ev_base + at);
                    reads_app.extend(a);
                    reads_facts.extend(f);
                    rl |= l;
                    ri |= i;
                    if let Some(p) = compile_expr(loader, env, &s, ev_base + at) {
                        evidence.push(match COUNTRY_VALUED.contains(&s.trim()) {
                            true => Part::Countries(p),
                            false => Part::Expr(p),
                        });
                    }
                } else {
                    evidence.push(Part::Text(s));
                }
            }
        }
    }
    reads_app.sort();
    reads_app.dedup();
    reads_facts.sort();
    reads_facts.dedup();
    let when = when?;
    // Probe evaluation: every name present with a typical value, so type errors surface now.
    if loader.errors.len() == before {
        match when.execute(probe) {
            Ok(cel::Value::Bool(_)) => {}
            Ok(other) => loader.err_at(
                when_base,
                format!("condition must be a boolean, got {:?}", other.type_of()),
            ),
            Err(e) => loader.err_at(when_base, format!("type error: {e}")),
        }
        for p in &evidence {
            if let Part::Expr(p) | Part::Countries(p) = p {
                if let Err(e) = p.execute(probe) {
                    loader.err_at(ev_base, format!("evidence: {e}"));
                }
            }
        }
    }
    let (has_fire, has_quiet) = (
        def.tests.iter().any(|t| t.expect == model::Expect::Fire),
        def.tests.iter().any(|t| t.expect == model::Expect::Quiet),
    );
    if !has_fire || !has_quiet {
        loader.err_at(
            id_at,
            format!("rule {id}: needs at least one test that fires and one that stays quiet"),
        );
    }
    if loader.errors.len() != before {
        return None;
    }
    let (line, _) = line_col(loader.text, id_at);
    let reads_interview_notes = ri && [&when_src, &ev_src].iter().any(|s| s.contains("notes"));
    Some(Rule {
        id,
        title: def.title,
        family: def.family,
        severity: def.severity,
        score: def.score.into_inner(),
        description: def.description,
        verify: def.verify,
        references: def.references,
        needs,
        force: def.force,
        when_src,
        when_native: native::Native::compile(when.expression()),
        when,
        evidence,
        reads_app,
        reads_facts,
        reads_logins: rl,
        reads_interviews: ri,
        reads_interview_notes,
        tests: def.tests,
        file: loader.file.to_string(),
        line,
    })
}

impl Pack {
    pub fn builtin() -> Result<Pack, PackErrors> {
        let lists = [
            ("rules/lists/kp_ranges.csv", lists::KP_RANGES.to_string()),
            (
                "rules/lists/asn_anonymizers.csv",
                lists::ASN_ANONYMIZERS.to_string(),
            ),
            ("rules/lists/ioc_ips.csv", lists::IOC_IPS.to_string()),
        ];
        let files: Vec<(String, String)> = BUILTIN_RULES
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect();
        Pack::from_texts(
            &files,
            ("rules/pack.toml", BUILTIN_PACK),
            lists.map(|(n, t)| (n.to_string(), t)),
        )
    }

    /// Loads a rules folder: `*.toml` rule files, `pack.toml`, and `lists/` (the built-in lists
    /// where the folder has none).
    pub fn from_dir(dir: &Path) -> Result<Pack, PackErrors> {
        let fail = |msg: String| {
            Diagnostics(vec![RuleError {
                file: dir.display().to_string(),
                line: 0,
                column: 0,
                message: msg,
            }])
        };
        let mut files = Vec::new();
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .map_err(|e| fail(format!("cannot read rules folder: {e}")))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .collect();
        entries.sort();
        let mut pack_text = None;
        for p in entries {
            let text =
                std::fs::read_to_string(&p).map_err(|e| fail(format!("{}: {e}", p.display())))?;
            if p.file_name().is_some_and(|n| n == "pack.toml") {
                pack_text = Some((p.display().to_string(), text));
            } else {
                files.push((p.display().to_string(), text));
            }
        }
        let (pack_name, pack_text) = pack_text.unwrap_or_else(|| {
            (
                "rules/pack.toml (built-in)".into(),
                BUILTIN_PACK.to_string(),
            )
        });
        let list = |name: &str, builtin: &str| {
            let p = dir.join("lists").join(name);
            match std::fs::read_to_string(&p) {
                Ok(t) => (p.display().to_string(), t),
                Err(_) => (
                    format!("rules/lists/{name} (built-in)"),
                    builtin.to_string(),
                ),
            }
        };
        let lists = [
            list("kp_ranges.csv", lists::KP_RANGES),
            list("asn_anonymizers.csv", lists::ASN_ANONYMIZERS),
            list("ioc_ips.csv", lists::IOC_IPS),
        ];
        Pack::from_texts(&files, (&pack_name, &pack_text), lists)
    }

    pub fn from_texts(
        files: &[(String, String)],
        pack: (&str, &str),
        list_files: [(String, String); 3],
    ) -> Result<Pack, PackErrors> {
        let env = cel_env();
        let probe = eval::probe_context(&env);
        let mut errors = Vec::new();
        let mut rules: Vec<Rule> = Vec::new();
        let mut seen: HashSet<String> = HashSet::new();
        use sha2::{Digest, Sha256};
        let mut hasher = Sha256::new();
        for (name, text) in files {
            hasher.update(name.as_bytes());
            hasher.update(text.as_bytes());
            let parsed: RuleFile = match toml::from_str(text) {
                Ok(f) => f,
                Err(e) => {
                    errors.push(RuleError::from_toml(name, text, &e));
                    continue;
                }
            };
            let mut loader = Loader {
                file: name,
                text,
                errors: Vec::new(),
            };
            for def in parsed.rule {
                let id_at = def.id.span().start;
                if let Some(rule) = compile_rule(&mut loader, &env, &probe, def) {
                    if !seen.insert(rule.id.clone()) {
                        loader.err_at(id_at, format!("duplicate rule id {:?}", rule.id));
                    } else {
                        rules.push(rule);
                    }
                }
            }
            errors.extend(loader.errors);
        }
        let config: Option<PackConfig> = match toml::from_str(pack.1) {
            Ok(c) => Some(c),
            Err(e) => {
                errors.push(RuleError::from_toml(pack.0, pack.1, &e));
                None
            }
        };
        let link = config.as_ref().map(|c| {
            let (link, bad) = link_options(&c.link);
            let at = |offset, message| RuleError::at(pack.0, pack.1, offset, message);
            errors.extend(bad.into_iter().map(|(offset, m)| at(offset, m)));
            let t = &c.verdict;
            if !(1..=100).contains(&t.review) || !(t.review..=100).contains(&t.escalate) {
                errors.push(at(
                    pack.1.find("[verdict]").unwrap_or(0),
                    "verdict thresholds must satisfy 1 <= review <= escalate <= 100".into(),
                ));
            }
            link
        });
        hasher.update(pack.1.as_bytes());
        let mut parsed_lists = None;
        for (n, t) in &list_files {
            hasher.update(n.as_bytes());
            hasher.update(t.as_bytes());
        }
        match NetLists::parse(&list_files[0].1, &list_files[1].1, &list_files[2].1) {
            Ok(l) => parsed_lists = Some(l),
            Err(e) => errors.push(RuleError {
                file: e.file.clone(),
                line: e.line as usize,
                column: 1,
                message: e.reason,
            }),
        }
        if !errors.is_empty() {
            return Err(Diagnostics(errors));
        }
        let (Some(config), Some(link), Some(lists)) = (config, link, parsed_lists) else {
            return Err(Diagnostics(Vec::new()));
        };
        let hash = hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>();
        Ok(Pack {
            reads_logins: rules.iter().any(|r| r.reads_logins),
            reads_interviews: rules.iter().any(|r| r.reads_interviews),
            reads_interview_notes: rules.iter().any(|r| r.reads_interview_notes),
            rules,
            thresholds: config.verdict,
            caps: config.caps,
            link,
            lists,
            env,
            hash: format!("sha256:{}", &hash[..16]),
        })
    }

    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }
}

/// The link settings `[link]` gives, on top of the defaults, and each value out of its range
/// (with its offset in `pack.toml`).
fn link_options(c: &model::LinkConfig) -> (crate::link::LinkOptions, Vec<(usize, String)>) {
    let mut o = crate::link::LinkOptions::default();
    let mut bad = Vec::new();
    let count = |n: &i64| (1..=1_000_000).contains(n);
    let cap = |n: &i64| (2..=1_000_000).contains(n);
    let share = |x: &f64| *x > 0.0 && *x <= 1.0;
    if let Some(n) = checked(&c.cap, "cap", cap, "2 to 1000000", &mut bad) {
        o.cap = n as usize;
    }
    if let Some(n) = checked(&c.name_cap, "name_cap", cap, "2 to 1000000", &mut bad) {
        o.name_cap = n as usize;
    }
    if let Some(n) = checked(
        &c.ip_min_uses,
        "ip_min_uses",
        count,
        "1 to 1000000",
        &mut bad,
    ) {
        o.ip_min_uses = n as u32;
    }
    let hours = |h: &f64| *h > 0.0 && *h <= 24.0 * 366.0;
    let window = "above 0 and at most 8784 (a year)";
    if let Some(h) = checked(
        &c.ip_window_hours,
        "ip_window_hours",
        hours,
        window,
        &mut bad,
    ) {
        o.ip_window = (h * 3600.0).round() as i64;
    }
    let above0 = "above 0 and at most 1";
    if let Some(x) = checked(&c.resume_jaccard, "resume_jaccard", share, above0, &mut bad) {
        o.resume_jaccard = x;
    }
    if let Some(x) = checked(
        &c.name_similarity,
        "name_similarity",
        share,
        above0,
        &mut bad,
    ) {
        o.name_similarity = x;
    }
    if let Some(x) = checked(&c.same_name, "same_name", share, above0, &mut bad) {
        o.same_name = x;
    }
    (o, bad)
}

/// A `pack.toml` value when given and within `ok`; out of it, noted in `bad` with its offset.
fn checked<T: Copy + std::fmt::Display>(
    v: &Option<toml::Spanned<T>>,
    name: &str,
    ok: impl Fn(&T) -> bool,
    range: &str,
    bad: &mut Vec<(usize, String)>,
) -> Option<T> {
    let v = v.as_ref()?;
    let x = *v.get_ref();
    if ok(&x) {
        return Some(x);
    }
    bad.push((v.span().start, format!("{name} = {x}: must be {range}")));
    None
}

/// The type name of a fact, for `rules facts`.
pub fn fact_type_name(t: FactType) -> &'static str {
    match t {
        FactType::Bool => "bool",
        FactType::Int => "int",
        FactType::Float => "double",
        FactType::Str => "string",
        FactType::List => "list(string)",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A pack of one rule file and a `pack.toml`, with the built-in lists.
    fn pack_of(rule: &str, pack: &str) -> Result<Pack, PackErrors> {
        let lists = [
            ("k".to_string(), lists::KP_RANGES.to_string()),
            ("a".to_string(), lists::ASN_ANONYMIZERS.to_string()),
            ("i".to_string(), lists::IOC_IPS.to_string()),
        ];
        Pack::from_texts(
            &[("t.toml".into(), rule.into())],
            ("pack.toml", pack),
            lists,
        )
    }

    fn pack_with(rule: &str) -> Result<Pack, PackErrors> {
        pack_of(rule, BUILTIN_PACK)
    }

    const OK_RULE: &str = r#"
[[rule]]
id = "t.ok"
title = "t"
family = "location"
severity = "low"
score = 5
description = "d"
verify = "v"
references = ["r"]
when = "facts.kp_hits > 0"
evidence = "{facts.kp_hits} hits"
[[rule.test]]
name = "f"
expect = "fire"
[[rule.test]]
name = "q"
expect = "quiet"
"#;

    #[test]
    fn builtin_pack_loads() {
        let p = Pack::builtin().unwrap_or_else(|e| panic!("{e}"));
        assert!(!p.rules.is_empty());
    }

    #[test]
    fn every_rule_file_is_compiled_in() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            if name.ends_with(".toml") && name != "pack.toml" {
                let listed = format!("rules/{name}");
                assert!(
                    BUILTIN_RULES.iter().any(|(n, _)| *n == listed),
                    "{listed} is not in BUILTIN_RULES"
                );
            }
        }
    }

    #[test]
    fn a_good_rule_loads() {
        let p = pack_with(OK_RULE).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(p.rules[0].reads_facts, vec![crate::facts::KP_HITS]);
    }

    #[test]
    fn cel_syntax_error_has_file_line_column() {
        let bad = OK_RULE.replace(
            "when = \"facts.kp_hits > 0\"",
            "when = \"facts.kp_hits > \"",
        );
        let e = pack_with(&bad).err().unwrap();
        let err = &e.0[0];
        assert_eq!((err.file.as_str(), err.line), ("t.toml", 11));
        // The content starts at column 9 (after `when = "`); the error is at its end.
        assert_eq!(err.column, 9 + "facts.kp_hits > ".len());
    }

    #[test]
    fn unknown_fact_and_field_are_pinned() {
        let bad = OK_RULE.replace("facts.kp_hits > 0", "facts.kp_hitz > 0 || app.nmae == 'x'");
        let e = pack_with(&bad).err().unwrap();
        let msgs: Vec<String> = e.0.iter().map(|e| e.to_string()).collect();
        assert!(
            msgs.iter()
                .any(|m| m.starts_with("t.toml:11:15:") && m.contains("kp_hitz")),
            "{msgs:?}"
        );
        assert!(msgs.iter().any(|m| m.contains("\"nmae\"")), "{msgs:?}");
    }

    #[test]
    fn unknown_key_and_type_errors_fail_loudly() {
        let typo = OK_RULE.replace("severity = \"low\"", "severity = \"low\"\nseverty = 1");
        assert!(pack_with(&typo).err().unwrap().0[0]
            .message
            .contains("severty"));
        let typed = OK_RULE.replace("facts.kp_hits > 0", "facts.claimed_country > 3");
        let e = pack_with(&typed).err().unwrap();
        assert!(e.0[0].message.contains("type error"), "{}", e);
        let not_bool = OK_RULE.replace("facts.kp_hits > 0", "facts.kp_hits");
        assert!(pack_with(&not_bool).is_err());
    }

    fn pack_config(pack: &str) -> Result<Pack, PackErrors> {
        pack_of(OK_RULE, pack)
    }

    #[test]
    fn link_settings_come_from_the_pack_and_are_checked() {
        // The shipped pack.toml writes out every default.
        let p = pack_config(BUILTIN_PACK).unwrap_or_else(|e| panic!("{e}"));
        let d = crate::link::LinkOptions::default();
        let l = &p.link;
        assert_eq!(
            (l.cap, l.name_cap, l.ip_window, l.ip_min_uses),
            (d.cap, d.name_cap, d.ip_window, d.ip_min_uses)
        );
        assert_eq!(
            (l.resume_jaccard, l.name_similarity, l.same_name),
            (d.resume_jaccard, d.name_similarity, d.same_name)
        );
        // Without the table, the defaults.
        let start = BUILTIN_PACK.find("[link]").unwrap();
        let bare = &BUILTIN_PACK[..start];
        assert_eq!(pack_config(bare).unwrap().link.cap, d.cap);
        // A value given is used; one out of range is refused where it stands.
        let custom =
            format!("{bare}[link]\ncap = 40\nip_window_hours = 1.5\nresume_jaccard = 0.9\n");
        let l = pack_config(&custom).unwrap().link;
        assert_eq!((l.cap, l.ip_window, l.resume_jaccard), (40, 5400, 0.9));
        let bad = format!("{bare}[link]\ncap = 1\nsame_name = 1.5\n");
        let e = pack_config(&bad).err().unwrap().to_string();
        let line = bare.lines().count() + 2;
        assert!(
            e.contains(&format!("pack.toml:{line}:7: cap = 1: must be 2")),
            "{e}"
        );
        assert!(
            e.contains(&format!("pack.toml:{}:13: same_name = 1.5", line + 1)),
            "{e}"
        );
        let typo = format!("{bare}[link]\ncaps = 3\n");
        assert!(pack_config(&typo)
            .err()
            .unwrap()
            .to_string()
            .contains("caps"));
        let upside_down = BUILTIN_PACK.replace("escalate = 60", "escalate = 20");
        let e = pack_config(&upside_down).err().unwrap().to_string();
        assert!(e.contains("pack.toml:3:1: verdict thresholds"), "{e}");
    }

    /// An expression nesting past [`MAX_DEPTH`] is refused at its place before anything runs
    /// it (CEL's interpreter recurses once a level: a chain of 1,500 terms overflowed a scan
    /// thread's stack); one at the limit loads. `facts.kp_hits + 1 … > 0` with n terms of
    /// `+ 1` nests n + 3 deep.
    #[test]
    fn a_too_deep_expression_is_refused_at_its_place() {
        let with = |when: &str| {
            let rule = OK_RULE.replace("facts.kp_hits > 0", when);
            pack_with(&rule).map(|_| ())
        };
        let chain = |n: usize| format!("facts.kp_hits{} > 0", " + 1".repeat(n));
        if let Err(e) = with(&chain(MAX_DEPTH - 3)) {
            panic!("{e}");
        }
        let Err(e) = with(&chain(MAX_DEPTH - 2)) else {
            panic!("loaded");
        };
        let err = &e.0[0];
        assert!(err.message.contains("nests more than 64 deep"), "{e}");
        // At the expression's start: line 11, column 9 (after `when = "`).
        assert_eq!((err.line, err.column), (11, 9));
        // In an evidence template too.
        let deep_ev = OK_RULE.replace(
            "{facts.kp_hits} hits",
            &format!("{{facts.kp_hits{}}} hits", " + 1".repeat(MAX_DEPTH)),
        );
        assert!(pack_with(&deep_ev).is_err_and(|e| e.to_string().contains("nests more")));
    }

    /// The densest chains as long as the parser is given are refused for their depth, not a
    /// stack overflow; a byte longer, for their length. On an 8 MB thread, as the command
    /// line loads packs on its main thread (this debug build's frames are several times a
    /// release build's).
    #[test]
    fn the_longest_chains_the_parser_is_given_are_refused_not_an_overflow() {
        let refused = |when: String, says: &'static str| {
            let rule = OK_RULE.replace("facts.kp_hits > 0", &when);
            let run = move || pack_with(&rule).map_or_else(|e| e.to_string(), |_| "loaded".into());
            let thread = std::thread::Builder::new().stack_size(8 << 20);
            let e = thread.spawn(run).unwrap().join().unwrap();
            assert!(e.contains(says), "{when:.40}: {e}");
        };
        for (head, step, tail) in [
            ("1", "+1", " > 0"),
            ("app.x", ".b", " > 0"),
            ("[1]", "[0]", " > 0"),
        ] {
            let fit = (MAX_EXPR_BYTES - head.len() - tail.len()) / step.len();
            let when = |n: usize| format!("{head}{}{tail}", step.repeat(n));
            assert!(when(fit).len() <= MAX_EXPR_BYTES && when(fit + 1).len() > MAX_EXPR_BYTES);
            refused(when(fit), "nests more");
            refused(when(fit + 1), "bytes");
        }
    }

    /// An expression over [`MAX_EXPR_BYTES`] is refused before it is parsed; one of exactly
    /// that length is parsed.
    #[test]
    fn an_overlong_expression_is_refused_before_parsing() {
        let with_len = |n: usize| {
            let head = "app.full_name == '";
            let when = format!("{head}{}'", "x".repeat(n - head.len() - 1));
            assert_eq!(when.len(), n);
            pack_with(&OK_RULE.replace("facts.kp_hits > 0", &when)).map(|_| ())
        };
        if let Err(e) = with_len(MAX_EXPR_BYTES) {
            panic!("{e}");
        }
        let Err(e) = with_len(MAX_EXPR_BYTES + 1) else {
            panic!("loaded");
        };
        assert!(
            e.0[0].message.contains("4097 bytes; the most is 4096"),
            "{e}"
        );
    }

    /// Depth counts every kind of nesting: lists, maps, calls with a target, macros
    /// (comprehensions) and selections.
    #[test]
    fn depth_counts_every_kind_of_nesting() {
        let d = |src: &str| depth(cel::Program::compile(src).unwrap().expression(), 99);
        assert_eq!(d("x"), 1);
        assert_eq!(d("[[[1]]]"), 4);
        assert_eq!(d("{'a': {'b': [1]}}"), 4);
        assert_eq!(d("a.b.c"), 3);
        assert_eq!(d("s.startsWith(t.u)"), 3);
        assert!(d("l.exists(x, x.y > 1)") >= 4);
        assert_eq!(
            depth(cel::Program::compile("[[[[1]]]]").unwrap().expression(), 2),
            3
        );
    }

    /// The built-in rules stay well inside the limit.
    #[test]
    fn builtin_expressions_nest_at_most_ten_deep() {
        let p = Pack::builtin().unwrap_or_else(|e| panic!("{e}"));
        let deepest = p
            .rules
            .iter()
            .map(|r| depth(r.when.expression(), MAX_DEPTH))
            .max();
        assert!(
            deepest.is_some_and(|d| (3..=10).contains(&d)),
            "{deepest:?}"
        );
    }

    #[test]
    fn bad_regex_is_rejected_at_load() {
        let bad = OK_RULE.replace("facts.kp_hits > 0", "app.email.matches('[')");
        let e = pack_with(&bad).err().unwrap();
        assert!(e.to_string().contains("regex"), "{e}");
    }

    #[test]
    fn a_rule_without_both_kinds_of_test_is_refused() {
        let bad = OK_RULE.replace("expect = \"quiet\"", "expect = \"fire\"");
        assert!(pack_with(&bad)
            .err()
            .unwrap()
            .to_string()
            .contains("stays quiet"));
    }

    #[test]
    fn only_bare_list_names_bind_the_lists() {
        let p = pack_with(&OK_RULE.replace(
            "facts.kp_hits > 0",
            "facts.logins > 0 && facts.interviews_outside_claim > 0",
        ))
        .unwrap();
        assert!(!p.rules[0].reads_logins && !p.rules[0].reads_interviews);
        let p = pack_with(&OK_RULE.replace("facts.kp_hits > 0", "logins.exists(l, l.kp)")).unwrap();
        assert!(p.rules[0].reads_logins);
    }

    #[test]
    fn templates_split() {
        let p = split_template("a {x.y} b {{c}} {size([1])}").unwrap();
        assert_eq!(p.len(), 4);
        assert!(split_template("a {x").is_err());
        assert!(split_template("a }").is_err());
    }

    #[test]
    fn country_valued_template_names_are_real_facts_and_fields() {
        for name in COUNTRY_VALUED {
            let known = match name.split_once('.') {
                Some(("facts", f)) => SCHEMA.iter().any(|(n, _, _)| n == &f),
                Some(("app", f)) => app::FIELDS.contains(&f),
                _ => false,
            };
            assert!(known, "{name}");
        }
    }

    /// Interview notes are dropped at ingest unless a rule may read them; a rule that does
    /// sees them (its tests run the real pipeline).
    #[test]
    fn interview_notes_are_kept_for_a_rule_that_reads_them() {
        assert!(!Pack::builtin().unwrap().reads_interview_notes);
        let rule = OK_RULE
            .replace(
                "when = \"facts.kp_hits > 0\"",
                "needs = [\"interviews\"]\n\
                 when = \"interviews.exists(i, i.notes != null && i.notes.contains('USDT'))\"",
            )
            .replace(
                "expect = \"fire\"",
                "expect = \"fire\"\ninterviews = [{ notes = \"asked to be paid in USDT\" }]",
            )
            .replace(
                "expect = \"quiet\"",
                "expect = \"quiet\"\ninterviews = [{ notes = \"good call\" }]",
            );
        let pack = pack_with(&rule).unwrap_or_else(|e| panic!("{e}"));
        assert!(pack.reads_interview_notes);
        let reference = crate::engine::Reference::builtin();
        let results = crate::engine::ruletest::run_all(&pack, &reference);
        assert_eq!(results.len(), 2);
        for r in &results {
            assert!(r.passed, "{} / {}: {}", r.rule, r.test, r.detail);
        }
    }
}
