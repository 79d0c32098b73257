//! A rule condition compiled for direct evaluation on facts, beside its CEL program.
//!
//! Most conditions are comparisons of facts with literals joined by `&&` and `||`
//! (`facts.kp_hits > 0`, `size(facts.shared_device) > 0`). Running those through the CEL
//! interpreter costs an allocation per member access; evaluating them here costs a few
//! compares. The subset is small and each operator follows the CEL interpreter's own rules, so
//! wherever this evaluator gives an answer it is the answer CEL gives:
//!
//! - `a && b` is false when either side is false and true when both are true; `a || b` is
//!   true when either side is true and false when both are false (CEL's commutative logic:
//!   the other side's errors do not matter);
//! - `<` `<=` `>` `>=` on two ints, two doubles, or an int and a double (compared as doubles,
//!   as CEL does); `==` and `!=` on two values of one type; `+` `-` `*` on two ints (checked)
//!   or two doubles; `!` on a bool; `size()` of a list or string.
//!
//! Anything else (a null fact, NaN, an overflow, a function, a comprehension, `app.x`) is
//! *unknown* here, and the rule falls back to its CEL program. Debug builds run both and
//! assert they agree.

use crate::facts::{Fact, Facts, SCHEMA};
use cel::common::ast::{operators, Expr, IdedExpr, LiteralValue};
use std::cmp::Ordering;

/// A compiled condition. `Opaque` marks what this evaluator does not handle.
#[derive(Clone, Debug)]
pub enum Native {
    Fact(usize),
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Box<str>),
    Size(Box<Native>),
    Not(Box<Native>),
    And(Box<Native>, Box<Native>),
    Or(Box<Native>, Box<Native>),
    Cmp(Cmp, Box<Native>, Box<Native>),
    Arith(Arith, Box<Native>, Box<Native>),
    Opaque,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cmp {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arith {
    Add,
    Sub,
    Mul,
}

/// A value during native evaluation. Lists and strings as facts hold them.
#[derive(Clone, Copy, Debug)]
enum V<'a> {
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(&'a str),
    List(usize),
}

impl Native {
    /// Compiles a CEL expression; parts outside the subset become `Opaque`.
    pub fn compile(e: &IdedExpr) -> Native {
        match &e.expr {
            Expr::Literal(LiteralValue::Boolean(b)) => Native::Bool(*b.inner()),
            Expr::Literal(LiteralValue::Int(i)) => Native::Int(*i.inner()),
            Expr::Literal(LiteralValue::Double(d)) => Native::Float(*d.inner()),
            Expr::Literal(LiteralValue::String(s)) => Native::Str(s.inner().into()),
            Expr::Select(s) if !s.test => match &s.operand.expr {
                Expr::Ident(root) if root == "facts" => SCHEMA
                    .iter()
                    .position(|(n, _, _)| *n == s.field)
                    .map_or(Native::Opaque, Native::Fact),
                _ => Native::Opaque,
            },
            Expr::Call(c) => {
                let f = c.func_name.as_str();
                if f == "size" {
                    let arg = match (&c.target, c.args.as_slice()) {
                        (None, [a]) => a,
                        (Some(t), []) => t,
                        _ => return Native::Opaque,
                    };
                    return Native::Size(Box::new(Native::compile(arg)));
                }
                if c.target.is_some() {
                    return Native::Opaque;
                }
                if f == operators::LOGICAL_NOT && c.args.len() == 1 {
                    return Native::Not(Box::new(Native::compile(&c.args[0])));
                }
                let cmp = match f {
                    operators::LESS => Some(Cmp::Lt),
                    operators::LESS_EQUALS => Some(Cmp::Le),
                    operators::GREATER => Some(Cmp::Gt),
                    operators::GREATER_EQUALS => Some(Cmp::Ge),
                    operators::EQUALS => Some(Cmp::Eq),
                    operators::NOT_EQUALS => Some(Cmp::Ne),
                    _ => None,
                };
                let arith = match f {
                    operators::ADD => Some(Arith::Add),
                    operators::SUBSTRACT => Some(Arith::Sub),
                    operators::MULTIPLY => Some(Arith::Mul),
                    _ => None,
                };
                let [a, b] = c.args.as_slice() else {
                    return Native::Opaque;
                };
                let (a, b) = (Box::new(Native::compile(a)), Box::new(Native::compile(b)));
                match (f, cmp, arith) {
                    (operators::LOGICAL_AND, _, _) => Native::And(a, b),
                    (operators::LOGICAL_OR, _, _) => Native::Or(a, b),
                    (_, Some(op), _) => Native::Cmp(op, a, b),
                    (_, _, Some(op)) => Native::Arith(op, a, b),
                    _ => Native::Opaque,
                }
            }
            _ => Native::Opaque,
        }
    }

    /// The condition's value when this evaluator can tell it exactly; `None` to ask CEL.
    pub fn decide(&self, facts: &Facts) -> Option<bool> {
        match self.eval(facts)? {
            V::Bool(b) => Some(b),
            _ => None,
        }
    }

    fn eval<'a>(&'a self, facts: &'a Facts) -> Option<V<'a>> {
        Some(match self {
            Native::Fact(i) => match &facts.values[*i] {
                Fact::Null => return None,
                Fact::Bool(b) => V::Bool(*b),
                Fact::Int(i) => V::Int(*i),
                Fact::Float(x) => V::Float(*x),
                Fact::Str(s) => V::Str(s),
                Fact::List(l) => V::List(l.len()),
            },
            Native::Bool(b) => V::Bool(*b),
            Native::Int(i) => V::Int(*i),
            Native::Float(x) => V::Float(*x),
            Native::Str(s) => V::Str(s),
            Native::Size(x) => match x.eval(facts)? {
                V::List(n) => V::Int(n as i64),
                V::Str(s) => V::Int(s.chars().count() as i64),
                _ => return None,
            },
            Native::Not(x) => match x.eval(facts)? {
                V::Bool(b) => V::Bool(!b),
                _ => return None,
            },
            Native::And(a, b) => {
                let (x, y) = (a.decide(facts), b.decide(facts));
                match (x, y) {
                    (Some(false), _) | (_, Some(false)) => V::Bool(false),
                    (Some(true), Some(true)) => V::Bool(true),
                    _ => return None,
                }
            }
            Native::Or(a, b) => {
                let (x, y) = (a.decide(facts), b.decide(facts));
                match (x, y) {
                    (Some(true), _) | (_, Some(true)) => V::Bool(true),
                    (Some(false), Some(false)) => V::Bool(false),
                    _ => return None,
                }
            }
            Native::Cmp(op, a, b) => V::Bool(compare(*op, a.eval(facts)?, b.eval(facts)?)?),
            Native::Arith(op, a, b) => match (a.eval(facts)?, b.eval(facts)?) {
                (V::Int(x), V::Int(y)) => V::Int(match op {
                    Arith::Add => x.checked_add(y)?,
                    Arith::Sub => x.checked_sub(y)?,
                    Arith::Mul => x.checked_mul(y)?,
                }),
                (V::Float(x), V::Float(y)) => V::Float(match op {
                    Arith::Add => x + y,
                    Arith::Sub => x - y,
                    Arith::Mul => x * y,
                }),
                _ => return None,
            },
            Native::Opaque => return None,
        })
    }
}

fn compare(op: Cmp, a: V<'_>, b: V<'_>) -> Option<bool> {
    if matches!(op, Cmp::Eq | Cmp::Ne) {
        let eq = match (a, b) {
            (V::Bool(x), V::Bool(y)) => x == y,
            (V::Int(x), V::Int(y)) => x == y,
            (V::Float(x), V::Float(y)) if !x.is_nan() && !y.is_nan() => x == y,
            (V::Str(x), V::Str(y)) => x == y,
            _ => return None,
        };
        return Some(eq == (op == Cmp::Eq));
    }
    let ord = match (a, b) {
        (V::Int(x), V::Int(y)) => x.cmp(&y),
        (V::Int(x), V::Float(y)) => (x as f64).partial_cmp(&y)?,
        (V::Float(x), V::Int(y)) => x.partial_cmp(&(y as f64))?,
        (V::Float(x), V::Float(y)) => x.partial_cmp(&y)?,
        _ => return None,
    };
    Some(match op {
        Cmp::Lt => ord == Ordering::Less,
        Cmp::Le => ord != Ordering::Greater,
        Cmp::Gt => ord == Ordering::Greater,
        Cmp::Ge => ord != Ordering::Less,
        Cmp::Eq | Cmp::Ne => unreachable!("handled above"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::Facts;

    fn compile(src: &str) -> Native {
        let p = cel::Program::compile(src).expect("valid CEL");
        Native::compile(p.expression())
    }

    fn facts(set: &[(&str, Fact)]) -> Facts {
        let mut f = Facts::default();
        for (name, v) in set {
            f.values[Facts::index(name).expect("a fact")] = v.clone();
        }
        f
    }

    #[test]
    fn comparisons_joined_by_and_and_or_are_decided() {
        let f = facts(&[
            ("kp_hits", Fact::Int(2)),
            ("direct_in_claim_share", Fact::Float(0.25)),
            ("watchlist_hits", Fact::List(vec!["x".into()])),
            ("referrer_verdict", Fact::Str("escalate".into())),
        ]);
        let d = |s: &str| compile(s).decide(&f);
        assert_eq!(d("facts.kp_hits > 0"), Some(true));
        assert_eq!(d("facts.kp_hits >= 3"), Some(false));
        assert_eq!(d("facts.kp_hits > 1.5"), Some(true));
        assert_eq!(
            d("facts.kp_hits * 2 >= 4 && facts.kp_hits - 1 == 1"),
            Some(true)
        );
        assert_eq!(d("size(facts.watchlist_hits) > 0"), Some(true));
        assert_eq!(d("facts.referrer_verdict == 'escalate'"), Some(true));
        assert_eq!(d("!(facts.direct_in_claim_share < 0.5)"), Some(false));
    }

    #[test]
    fn a_false_side_decides_and_whatever_the_other_side_is() {
        // `ioc_hits` is null (unknown here), yet the other side settles both operators.
        let f = facts(&[("kp_hits", Fact::Int(0))]);
        let d = |s: &str| compile(s).decide(&f);
        assert_eq!(d("facts.ioc_hits > 0 && facts.kp_hits > 0"), Some(false));
        assert_eq!(d("facts.ioc_hits > 0 || facts.kp_hits == 0"), Some(true));
        assert_eq!(d("facts.ioc_hits > 0 && facts.kp_hits == 0"), None);
        assert_eq!(d("facts.ioc_hits > 0 || facts.kp_hits > 0"), None);
    }

    #[test]
    fn what_cel_would_reject_or_this_does_not_model_is_left_to_cel() {
        let f = facts(&[
            ("kp_hits", Fact::Int(i64::MAX)),
            ("max_speed_kmh", Fact::Float(f64::NAN)),
            ("claimed_country", Fact::Str("US".into())),
        ]);
        let d = |s: &str| compile(s).decide(&f);
        assert_eq!(d("facts.kp_hits + 1 > 0"), None, "overflow is a CEL error");
        assert_eq!(
            d("facts.max_speed_kmh > 2000.0"),
            None,
            "NaN is not comparable"
        );
        assert_eq!(d("facts.claimed_country == 1"), None, "mixed types");
        assert_eq!(d("facts.kp_hits == 1.0"), None, "mixed-type equality");
        assert_eq!(d("double(facts.kp_hits) > 1.0"), None, "a function");
        assert_eq!(d("app.email == 'x'"), None);
        assert_eq!(d("facts.no_such_fact > 0"), None);
        assert_eq!(d("facts.ioc_hits > 0"), None, "a null fact");
    }
}
