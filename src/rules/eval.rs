//! Evaluating compiled rules on one candidate: binds `app`, `facts`, `logins` and
//! `interviews` as CEL values, checks each rule's `needs`, runs its condition, and when it
//! fires renders the evidence template and gathers the cells it rests on. Nothing here prints
//! or knows about reports.

use super::{Pack, Part, Rule};
use crate::enrich::Layers;
use crate::facts::{Fact, FactType, Facts, SCHEMA};
use crate::model::{app, interview, Candidate, Finding, SourceRef, REMOTE_TOOLS};
use cel::common::traits::Indexer;
use cel::common::types::{CelString, Type as CelTypeRef, MAP_TYPE};
use cel::common::value::{CowVal, Val};
use cel::{Context, Env, Value};
use rustc_hash::FxHashMap;
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

/// Most cells cited by one finding.
const MAX_SOURCES: usize = 25;

fn name_similarity(a: Arc<String>, b: Arc<String>) -> f64 {
    crate::facts::names::similarity(&a, &b)
}

fn pct(x: f64) -> String {
    format!("{:.0}%", x * 100.0)
}

/// A count with its noun: `plural(1, 'interview')` is `1 interview`, `plural(3,
/// 'interview')` is `3 interviews` (the nouns of evidence templates take a plain `s`).
fn plural(n: i64, noun: Arc<String>) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// The root context: the environment plus hirescreen's functions.
pub fn root_context(env: &Arc<Env>) -> Context<'static, 'static> {
    let mut ctx = Context::with_env(Arc::clone(env));
    // These names are not standard-library overloads, so adding them cannot conflict.
    let _ = ctx.add_function("name_similarity", name_similarity);
    let _ = ctx.add_function("pct", pct);
    let _ = ctx.add_function("plural", plural);
    ctx
}

fn fact_value(f: &Fact) -> Value {
    match f {
        Fact::Null => Value::Null,
        Fact::Bool(b) => Value::Bool(*b),
        Fact::Int(i) => Value::Int(*i),
        Fact::Float(x) => Value::Float(*x),
        Fact::Str(s) => Value::String(Arc::new(s.clone())),
        Fact::List(l) => Value::List(Arc::new(
            l.iter()
                .map(|s| Value::String(Arc::new(s.clone())))
                .collect(),
        )),
    }
}

fn str_or_null(s: Option<&str>) -> Value {
    match s {
        Some(s) => Value::String(Arc::new(s.to_string())),
        None => Value::Null,
    }
}

fn map(entries: Vec<(&str, Value)>) -> Value {
    let m: HashMap<String, Value> = entries
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    Value::from(m)
}

/// Name → index tables for the lazily bound records (constant data, built once).
fn index_of(
    names: &'static [&'static str],
    cell: &'static OnceLock<FxHashMap<&'static str, usize>>,
    key: &str,
) -> Option<usize> {
    cell.get_or_init(|| names.iter().enumerate().map(|(i, n)| (*n, i)).collect())
        .get(key)
        .copied()
}

static APP_INDEX: OnceLock<FxHashMap<&'static str, usize>> = OnceLock::new();
static FACT_INDEX: OnceLock<FxHashMap<&'static str, usize>> = OnceLock::new();
static FACT_NAMES: OnceLock<Vec<&'static str>> = OnceLock::new();

fn fact_names() -> &'static [&'static str] {
    FACT_NAMES.get_or_init(|| SCHEMA.iter().map(|(n, _, _)| *n).collect())
}

/// `app` or `facts` bound lazily: a member is turned into a CEL value only when a rule reads
/// it, so binding a candidate costs nothing and a rule pays for the few fields it uses.
#[derive(Clone, Copy, Debug)]
enum Lazy<'a> {
    App(&'a crate::model::Application),
    Facts(&'a Facts),
}

impl Lazy<'_> {
    fn value(&self, key: &str) -> Option<Value> {
        match self {
            Lazy::App(a) => index_of(app::FIELDS, &APP_INDEX, key).map(|i| str_or_null(a.get(i))),
            Lazy::Facts(f) => {
                index_of(fact_names(), &FACT_INDEX, key).map(|i| fact_value(&f.values[i]))
            }
        }
    }
}

fn no_key(idx: &dyn Val) -> cel::ExecutionError {
    match idx.downcast_ref::<CelString>() {
        Some(s) => cel::ExecutionError::no_such_key(s.inner()),
        None => cel::ExecutionError::UnexpectedType {
            got: idx.get_type().name().to_owned(),
            want: "string key".to_owned(),
        },
    }
}

impl Val for Lazy<'_> {
    fn get_type(&self) -> &CelTypeRef {
        &MAP_TYPE
    }
    fn cel_type() -> &'static CelTypeRef
    where
        Self: Sized,
    {
        &MAP_TYPE
    }
    fn clone_as_boxed<'w>(&self) -> Box<dyn Val + 'w>
    where
        Self: 'w,
    {
        Box::new(*self)
    }
    fn as_indexer<'b, 'w>(&'b self) -> Option<&'b (dyn Indexer + 'w)>
    where
        Self: 'w,
    {
        Some(self)
    }
    fn into_indexer<'w>(self: Box<Self>) -> Option<Box<dyn Indexer + 'w>>
    where
        Self: 'w,
    {
        Some(self)
    }
}

impl Indexer for Lazy<'_> {
    fn get<'b, 'w>(&'b self, idx: &dyn Val) -> Result<CowVal<'b, 'w>, cel::ExecutionError>
    where
        Self: 'w,
    {
        let key = idx.downcast_ref::<CelString>().ok_or_else(|| no_key(idx))?;
        let v = self.value(key.inner()).ok_or_else(|| no_key(idx))?;
        let boxed: Box<dyn Val> = v.try_into()?;
        Ok(CowVal::Owned(boxed))
    }
    fn steal<'w>(self: Box<Self>, idx: &dyn Val) -> Result<Box<dyn Val + 'w>, cel::ExecutionError>
    where
        Self: 'w,
    {
        self.get(idx).map(CowVal::into_owned)
    }
}

/// A candidate as CEL values.
pub struct View<'a> {
    app: Lazy<'a>,
    facts: Lazy<'a>,
    logins: Value,
    interviews: Value,
}

impl<'a> View<'a> {
    pub fn new(
        c: &'a Candidate,
        facts: &'a Facts,
        with_logins: bool,
        with_interviews: bool,
    ) -> View<'a> {
        let logins = if with_logins {
            Value::List(Arc::new(
                c.logins
                    .groups
                    .iter()
                    .map(|g| {
                        let i = &g.info;
                        let tools: Vec<Value> = REMOTE_TOOLS
                            .iter()
                            .enumerate()
                            .filter(|(b, _)| g.remote_tools & (1 << b) != 0)
                            .map(|(_, t)| Value::String(Arc::new(t.to_string())))
                            .collect();
                        map(vec![
                            ("ip", Value::String(Arc::new(g.ip.to_string()))),
                            ("country", str_or_null(i.country.as_deref())),
                            ("region", str_or_null(i.region.as_deref())),
                            ("city", str_or_null(i.city.as_deref())),
                            (
                                "asn",
                                i.asn.map(|a| Value::Int(a as i64)).unwrap_or(Value::Null),
                            ),
                            ("org", str_or_null(i.asn_org.as_deref())),
                            ("anonymized", Value::Bool(i.anonymized())),
                            ("vpn", Value::Bool(i.vpn || i.anonymous)),
                            ("hosting", Value::Bool(i.hosting)),
                            ("proxy", Value::Bool(i.proxy)),
                            ("tor", Value::Bool(i.tor)),
                            ("kp", Value::Bool(i.kp)),
                            ("ioc", Value::Bool(i.ioc.is_some())),
                            ("count", Value::Int(g.count as i64)),
                            ("failures", Value::Int(g.failures as i64)),
                            ("first", Value::Int(g.first_ts)),
                            ("last", Value::Int(g.last_ts)),
                            ("remote_tools", Value::List(Arc::new(tools))),
                            ("unmanaged", Value::Int(g.unmanaged as i64)),
                        ])
                    })
                    .collect(),
            ))
        } else {
            Value::List(Arc::new(Vec::new()))
        };
        let interviews = if with_interviews {
            Value::List(Arc::new(
                c.interviews
                    .iter()
                    .map(|iv| {
                        let mut e: Vec<(&str, Value)> = interview::FIELDS
                            .iter()
                            .enumerate()
                            .map(|(i, f)| (*f, str_or_null(iv.get(i))))
                            .collect();
                        let info = iv.ip_info.as_deref();
                        e.push((
                            "country",
                            str_or_null(info.and_then(|i| i.country.as_deref())),
                        ));
                        e.push((
                            "anonymized",
                            Value::Bool(info.is_some_and(|i| i.anonymized())),
                        ));
                        e.push(("weak_join", Value::Bool(iv.weak_join)));
                        map(e)
                    })
                    .collect(),
            ))
        } else {
            Value::List(Arc::new(Vec::new()))
        };
        View {
            app: Lazy::App(&c.app),
            facts: Lazy::Facts(facts),
            logins,
            interviews,
        }
    }

    /// A child scope of `root` with this candidate bound.
    pub fn bind<'r>(&self, root: &'r Context<'r, 'a>) -> Context<'r, 'a> {
        let mut ctx = root.new_inner_scope();
        ctx.add_variable_as_val("app", Box::new(self.app));
        ctx.add_variable_as_val("facts", Box::new(self.facts));
        ctx.add_variable_from_value("logins", self.logins.clone());
        ctx.add_variable_from_value("interviews", self.interviews.clone());
        ctx
    }
}

fn probe_fact(t: FactType) -> Value {
    match t {
        FactType::Bool => Value::Bool(true),
        FactType::Int => Value::Int(1),
        FactType::Float => Value::Float(0.5),
        FactType::Str => Value::String(Arc::new("US".into())),
        FactType::List => Value::List(Arc::new(vec![Value::String(Arc::new("x".into()))])),
    }
}

/// A context where every name exists with a typical value, for load-time type checks.
pub fn probe_context(env: &Arc<Env>) -> Context<'static, 'static> {
    let mut ctx = root_context(env);
    let s = |v: &str| Value::String(Arc::new(v.to_string()));
    ctx.add_variable_from_value(
        "app",
        map(app::FIELDS.iter().map(|f| (*f, s("x"))).collect()),
    );
    ctx.add_variable_from_value(
        "facts",
        map(SCHEMA
            .iter()
            .map(|(n, t, _)| (*n, probe_fact(*t)))
            .collect()),
    );
    let login = map(super::LOGIN_KEYS
        .iter()
        .map(|k| {
            let v = match *k {
                "anonymized" | "vpn" | "hosting" | "proxy" | "tor" | "kp" | "ioc" => {
                    Value::Bool(true)
                }
                "asn" | "count" | "failures" | "first" | "last" | "unmanaged" => Value::Int(1),
                "remote_tools" => Value::List(Arc::new(vec![s("anydesk")])),
                _ => s("x"),
            };
            (*k, v)
        })
        .collect());
    ctx.add_variable_from_value("logins", Value::List(Arc::new(vec![login])));
    let iv = map(super::interview_keys()
        .into_iter()
        .map(|k| {
            let v = match k {
                "anonymized" | "weak_join" => Value::Bool(true),
                _ => s("x"),
            };
            (k, v)
        })
        .collect());
    ctx.add_variable_from_value("interviews", Value::List(Arc::new(vec![iv])));
    ctx
}

/// Renders a CEL value for a human.
pub fn render(v: &Value) -> String {
    render_text(v, &|s| s.to_string())
}

/// [`render`] with each leading ISO country code named, and a count after it shown as one:
/// `LA (8)` → `Laos (LA) ×8`, `CN (3, from the export)` → `China (CN) ×3 (from the export)`,
/// `JP` → `Japan (JP)`. Anything else (an unknown code, free text) is shown as it is.
pub fn render_countries(v: &Value) -> String {
    render_text(v, &|item| {
        let (code, rest) = item.split_at(item.find(' ').unwrap_or(item.len()));
        let is_code = code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase());
        let Some(Some(c)) =
            is_code.then(|| crate::ingest::countries::Countries::shared().get(code))
        else {
            return item.to_string();
        };
        // A count in brackets, alone or before a remark: `(8)`, `(3, from the export)`.
        let counted = rest
            .strip_prefix(" (")
            .and_then(|r| r.strip_suffix(')'))
            .and_then(|r| {
                let (n, remark) = r.split_once(", ").unwrap_or((r, ""));
                n.bytes().all(|b| b.is_ascii_digit()).then_some((n, remark))
            });
        match counted {
            Some((n, "")) if !n.is_empty() => format!("{} ({code}) ×{n}", c.name),
            Some((n, remark)) if !n.is_empty() => format!("{} ({code}) ×{n} ({remark})", c.name),
            _ => format!("{} ({code}){rest}", c.name),
        }
    })
}

/// [`render`], with each string (alone or in a list) shown by `text`.
fn render_text(v: &Value, text: &dyn Fn(&str) -> String) -> String {
    match v {
        Value::String(s) => text(s),
        Value::Int(i) => i.to_string(),
        Value::UInt(u) => u.to_string(),
        Value::Float(x) => {
            if x.fract() == 0.0 && x.abs() < 1e15 {
                format!("{x:.0}")
            } else {
                format!("{x:.2}")
            }
        }
        Value::Bool(b) => b.to_string(),
        Value::Null => "unknown".into(),
        Value::List(l) => {
            if l.is_empty() {
                "none".into()
            } else {
                let items: Vec<String> = l.iter().map(|x| render_text(x, text)).collect();
                items.join(", ")
            }
        }
        other => format!("{other:?}"),
    }
}

/// A compiled `needs` entry: what a rule cannot run without.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Need {
    Logins,
    Interviews,
    GeoCountry,
    GeoCity,
    GeoAsn,
    GeoAnonymous,
    ClaimPlace,
    ClaimTz,
    ClaimCountry,
    App(usize),
    Fact(usize),
}

impl Need {
    pub fn parse(s: &str) -> Option<Need> {
        Some(match s {
            "logins" => Need::Logins,
            "interviews" => Need::Interviews,
            "geo.country" => Need::GeoCountry,
            "geo.city" => Need::GeoCity,
            "geo.asn" => Need::GeoAsn,
            "geo.anonymous" => Need::GeoAnonymous,
            "claim.place" => Need::ClaimPlace,
            "claim.tz" => Need::ClaimTz,
            "claim.country" => Need::ClaimCountry,
            other => {
                if let Some(f) = other.strip_prefix("app.") {
                    Need::App(app::FIELDS.iter().position(|x| *x == f)?)
                } else {
                    Need::Fact(crate::facts::Facts::index(other.strip_prefix("facts.")?)?)
                }
            }
        })
    }
}

/// Why a rule cannot run for this candidate, if it cannot. Reasons are static text except
/// for the names of missing columns and facts.
pub fn unmet_need(
    rule: &Rule,
    c: &Candidate,
    facts: &Facts,
    layers: Layers,
) -> Option<Cow<'static, str>> {
    for n in &rule.needs {
        let missing: Option<Cow<'static, str>> = match *n {
            Need::Logins => {
                (c.logins.total == 0).then_some("no sign-ins joined to this candidate".into())
            }
            Need::Interviews => c
                .interviews
                .is_empty()
                .then_some("no interview sessions joined".into()),
            Need::GeoCountry => {
                (!layers.country).then_some("no City or Country database (--geoip)".into())
            }
            Need::GeoCity => (!layers.city).then_some("no City database (--geoip)".into()),
            Need::GeoAsn => (!layers.asn).then_some("no ASN database (--geoip)".into()),
            Need::GeoAnonymous => {
                (!layers.anonymous).then_some("no Anonymous-IP database (--geoip)".into())
            }
            Need::ClaimPlace => c.claim.lat.is_none().then(|| {
                if c.app.get(app::CLAIMED_CITY).is_some() {
                    "claimed city not found in the gazetteer".into()
                } else {
                    "no claimed city".into()
                }
            }),
            Need::ClaimTz => c
                .claim
                .tz
                .is_none()
                .then_some("no claimed zone, city or single-zone country".into()),
            Need::ClaimCountry => c
                .claim
                .country
                .is_none()
                .then_some("no claimed country".into()),
            Need::App(i) => c.app.get(i).is_none().then(|| {
                static WHY: OnceLock<Vec<String>> = OnceLock::new();
                let why = WHY.get_or_init(|| {
                    app::FIELDS
                        .iter()
                        .map(|f| format!("application has no {f}"))
                        .collect()
                });
                Cow::Borrowed(why[i].as_str())
            }),
            Need::Fact(i) => (facts.values[i] == Fact::Null).then(|| {
                static WHY: OnceLock<Vec<String>> = OnceLock::new();
                let why = WHY.get_or_init(|| {
                    SCHEMA
                        .iter()
                        .map(|(f, _, _)| format!("{f} unknown"))
                        .collect()
                });
                Cow::Borrowed(why[i].as_str())
            }),
        };
        if missing.is_some() {
            return missing;
        }
    }
    None
}

/// The cells a fired rule rests on.
fn sources(rule: &Rule, c: &Candidate, facts: &Facts) -> Vec<SourceRef> {
    let mut s: Vec<SourceRef> = rule
        .reads_app
        .iter()
        .map(|&f| c.app.fields.cell(f))
        .collect();
    for &f in &rule.reads_facts {
        s.extend(facts.prov[f].iter().copied());
    }
    if rule.reads_logins {
        s.extend(c.logins.groups.iter().take(10).map(|g| g.first));
    }
    if rule.reads_interviews {
        s.extend(c.interviews.iter().take(10).map(|i| i.fields.row.cell(0)));
    }
    if s.is_empty() {
        s.push(c.app.fields.row.cell(0));
    }
    s.sort();
    s.dedup();
    // A whole-row reference adds nothing when a cell of that row is cited.
    let cells: Vec<(u32, u32)> = s
        .iter()
        .filter(|x| x.column > 0)
        .map(|x| (x.file, x.line))
        .collect();
    s.retain(|x| x.column > 0 || !cells.contains(&(x.file, x.line)));
    s.truncate(MAX_SOURCES);
    s
}

/// Runs every rule of the pack on one candidate.
/// The findings, and the rules that could not run with why (by rule index, in order).
pub fn evaluate(
    pack: &Pack,
    root: &Context<'static, 'static>,
    c: &Candidate,
    facts: &Facts,
    layers: Layers,
) -> (Vec<Finding>, Vec<(u32, Cow<'static, str>)>) {
    // Built and bound when a rule first needs CEL (most candidates' rules are all decided on
    // the facts and fire none); a pack whose CEL reads sign-ins or interviews builds a record
    // per address group and interview here.
    let bound = std::cell::OnceCell::new();
    let ctx = || {
        bound.get_or_init(|| {
            View::new(c, facts, pack.reads_logins, pack.reads_interviews).bind(root)
        })
    };
    let mut findings = Vec::new();
    let mut skipped = Vec::new();
    for (i, rule) in pack.rules.iter().enumerate() {
        if let Some(why) = unmet_need(rule, c, facts, layers) {
            skipped.push((i as u32, why));
            continue;
        }
        // Decided on the facts directly when the condition allows (exactly as CEL would
        // decide it; debug builds check), else by the CEL program.
        let decided = rule.when_native.decide(facts);
        let result = match decided {
            Some(b) => {
                debug_assert!(
                    matches!(rule.when.execute(ctx()), Ok(Value::Bool(x)) if x == b),
                    "rule {}: native {b} disagrees with CEL {:?}",
                    rule.id,
                    rule.when.execute(ctx())
                );
                Ok(Value::Bool(b))
            }
            None => rule.when.execute(ctx()),
        };
        match result {
            Ok(Value::Bool(true)) => {
                let evidence = rule
                    .evidence
                    .iter()
                    .map(|p| match p {
                        Part::Text(t) => t.clone(),
                        Part::Expr(e) => match e.execute(ctx()) {
                            Ok(v) => render(&v),
                            Err(_) => "unknown".into(),
                        },
                        Part::Countries(e) => match e.execute(ctx()) {
                            Ok(v) => render_countries(&v),
                            Err(_) => "unknown".into(),
                        },
                    })
                    .collect::<String>();
                findings.push(Finding {
                    rule: i,
                    score: rule.score,
                    evidence,
                    sources: sources(rule, c, facts),
                });
            }
            Ok(_) => {}
            Err(e) => {
                let nulls: Vec<&str> = rule
                    .reads_facts
                    .iter()
                    .filter(|&&f| facts.values[f] == Fact::Null)
                    .map(|&f| SCHEMA[f].0)
                    .collect();
                let why = if nulls.is_empty() {
                    format!("could not be evaluated: {e}")
                } else {
                    format!("unknown: {}", nulls.join(", "))
                };
                skipped.push((i as u32, Cow::Owned(why)));
            }
        }
    }
    (findings, skipped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn country_codes_are_shown_with_their_names() {
        let s = |v: &str| Value::String(Arc::new(v.to_string()));
        assert_eq!(render_countries(&s("LA")), "Laos (LA)");
        assert_eq!(
            render_countries(&s("CN (3, from the export)")),
            "China (CN) ×3 (from the export)"
        );
        let list = Value::List(Arc::new(vec![s("KP (2)"), s("US (1)")]));
        assert_eq!(
            render_countries(&list),
            "North Korea (KP) ×2, United States (US) ×1"
        );
        // Brackets that hold no count stay as they are.
        assert_eq!(render_countries(&s("JP (Tokyo)")), "Japan (JP) (Tokyo)");
        assert_eq!(render_countries(&s("JP ()")), "Japan (JP) ()");
        // Not codes: shown as they are.
        assert_eq!(render_countries(&s("XX (1)")), "XX (1)");
        assert_eq!(render_countries(&s("la")), "la");
        assert_eq!(render_countries(&s("Free text")), "Free text");
        assert_eq!(render_countries(&Value::Null), "unknown");
        assert_eq!(render_countries(&Value::List(Arc::new(vec![]))), "none");
    }
}
