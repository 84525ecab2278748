//! CEL evaluation (cel-go semantics for the supported subset).

use std::cmp::Ordering;
use std::rc::Rc;

use super::cel::{unescape_ident, EvalError, Val};
use super::cel_parse::{Expr, Macro, E};
use super::fielderr::go_float_v;

struct Env {
    vars: Vec<(String, Val)>,
    budget: u64,
}

pub(crate) fn run(e: &E, self_val: Val, budget: u64) -> Result<Val, EvalError> {
    let mut env = Env {
        vars: vec![("self".to_string(), self_val)],
        budget,
    };
    eval(e, &mut env)
}

fn s(v: &str) -> Val {
    Val::Str(Rc::from(v))
}

fn lookup<'v>(entries: &'v [(Val, Val)], key: &Val) -> Option<&'v Val> {
    entries.iter().find(|(k, _)| equals(k, key)).map(|(_, v)| v)
}

fn eval(e: &E, env: &mut Env) -> Result<Val, EvalError> {
    if env.budget == 0 {
        return Err(EvalError::CostLimit);
    }
    env.budget -= 1;
    match &e.expr {
        Expr::Lit(v) => Ok(v.clone()),
        Expr::Ident(n) => {
            if let Some((_, v)) = env.vars.iter().rev().find(|(name, _)| name == n) {
                return Ok(v.clone());
            }
            match n.as_str() {
                "int" | "uint" | "double" | "bool" | "string" | "bytes" | "list" | "map"
                | "null_type" | "type" => Ok(Val::Type(type_ident(n))),
                _ => Err(EvalError::Other(format!("no such attribute: {n}"))),
            }
        }
        Expr::Select(operand, field, test) => {
            let v = eval(operand, env)?;
            let key = unescape_ident(field);
            match v {
                Val::Map(entries) => {
                    let found = lookup(&entries, &s(&key));
                    if *test {
                        Ok(Val::Bool(found.is_some()))
                    } else {
                        found.cloned().ok_or(EvalError::NoSuchKey(key))
                    }
                }
                _ => Err(EvalError::NoSuchOverload),
            }
        }
        Expr::List(items) => Ok(Val::List(
            items
                .iter()
                .map(|i| eval(i, env))
                .collect::<Result<Vec<_>, _>>()?
                .into(),
        )),
        Expr::Map(entries) => {
            let mut out: Vec<(Val, Val)> = Vec::new();
            for (k, v) in entries {
                let k = eval(k, env)?;
                let v = eval(v, env)?;
                if lookup(&out, &k).is_some() {
                    return Err(EvalError::Other(format!("Failed with repeated key: {k}")));
                }
                out.push((k, v));
            }
            Ok(Val::Map(out.into()))
        }
        Expr::Comp {
            kind,
            range,
            var,
            pred,
            transform,
        } => comprehension(*kind, range, var, pred, transform.as_deref(), env),
        Expr::Call(target, f, args) => call(target.as_deref(), f, args, env),
    }
}

fn type_ident(n: &str) -> &'static str {
    match n {
        "int" => "int",
        "uint" => "uint",
        "double" => "double",
        "bool" => "bool",
        "string" => "string",
        "bytes" => "bytes",
        "list" => "list",
        "map" => "map",
        "null_type" => "null_type",
        _ => "type",
    }
}

fn comprehension(
    kind: Macro,
    range: &E,
    var: &str,
    pred: &E,
    transform: Option<&E>,
    env: &mut Env,
) -> Result<Val, EvalError> {
    let elems: Vec<Val> = match eval(range, env)? {
        Val::List(items) => items.to_vec(),
        Val::Map(entries) => entries.iter().map(|(k, _)| k.clone()).collect(),
        _ => return Err(EvalError::NoSuchOverload),
    };
    let mut first_err = None;
    let mut count = 0usize;
    let mut out = Vec::new();
    for el in elems {
        env.vars.push((var.to_string(), el.clone()));
        let r = eval(pred, env);
        let t = match (kind, r.as_ref()) {
            (Macro::Map, Ok(Val::Bool(true))) => transform.map(|t| eval(t, env)),
            _ => None,
        };
        env.vars.pop();
        match (kind, r) {
            (_, Err(EvalError::CostLimit)) => return Err(EvalError::CostLimit),
            (Macro::All, Ok(Val::Bool(false))) => return Ok(Val::Bool(false)),
            (Macro::Exists, Ok(Val::Bool(true))) => return Ok(Val::Bool(true)),
            (Macro::All | Macro::Exists, Ok(Val::Bool(_))) => {}
            (Macro::ExistsOne, Ok(Val::Bool(b))) => count += usize::from(b),
            (Macro::Filter, Ok(Val::Bool(b))) => {
                if b {
                    out.push(el);
                }
            }
            (Macro::Map, Ok(Val::Bool(b))) => {
                if b {
                    match t {
                        Some(Ok(v)) => out.push(v),
                        Some(Err(e)) => return Err(e),
                        None => {}
                    }
                }
            }
            (Macro::All | Macro::Exists, Err(e)) => {
                first_err.get_or_insert(e);
            }
            (_, Err(e)) => return Err(e),
            (_, Ok(_)) => return Err(EvalError::NoSuchOverload),
        }
    }
    if let Some(e) = first_err {
        return Err(e);
    }
    Ok(match kind {
        Macro::All => Val::Bool(true),
        Macro::Exists => Val::Bool(false),
        Macro::ExistsOne => Val::Bool(count == 1),
        Macro::Map | Macro::Filter => Val::List(out.into()),
    })
}

fn logical(is_and: bool, args: &[E], env: &mut Env) -> Result<Val, EvalError> {
    let short = !is_and;
    let mut err = None;
    let mut all_bool = true;
    for a in args {
        match eval(a, env) {
            Ok(Val::Bool(b)) if b == short => return Ok(Val::Bool(short)),
            Ok(Val::Bool(_)) => {}
            Ok(_) => all_bool = false,
            Err(EvalError::CostLimit) => return Err(EvalError::CostLimit),
            Err(e) => {
                err.get_or_insert(e);
            }
        }
    }
    match err {
        Some(e) => Err(e),
        None if all_bool => Ok(Val::Bool(!short)),
        None => Err(EvalError::NoSuchOverload),
    }
}

fn call(target: Option<&E>, f: &str, args: &[E], env: &mut Env) -> Result<Val, EvalError> {
    match f {
        "_&&_" => return logical(true, args, env),
        "_||_" => return logical(false, args, env),
        "_?_:_" if args.len() == 3 => {
            return match eval(&args[0], env)? {
                Val::Bool(true) => eval(&args[1], env),
                Val::Bool(false) => eval(&args[2], env),
                _ => Err(EvalError::NoSuchOverload),
            };
        }
        _ => {}
    }
    if let Some(Expr::Ident(ns)) = target.map(|t| &t.expr) {
        let bound = env.vars.iter().any(|(v, _)| v == ns);
        if !bound && super::cel_lib::NAMESPACES.contains(&ns.as_str()) {
            return Err(EvalError::Unsupported(format!("{ns}.{f}")));
        }
    }
    let recv = target.map(|t| eval(t, env)).transpose()?;
    let mut vals = Vec::with_capacity(args.len() + 1);
    if let Some(r) = recv {
        vals.push(r);
    }
    for a in args {
        vals.push(eval(a, env)?);
    }
    super::cel_funcs::apply(f, &vals)
}

/// CEL equality with heterogeneous numeric comparison.
pub(crate) fn equals(a: &Val, b: &Val) -> bool {
    match (a, b) {
        (Val::Null, Val::Null) => true,
        (Val::Bool(x), Val::Bool(y)) => x == y,
        (Val::Str(x), Val::Str(y)) => x == y,
        (Val::Bytes(x), Val::Bytes(y)) => x == y,
        (Val::Type(x), Val::Type(y)) => x == y,
        (Val::List(x), Val::List(y)) => {
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(p, q)| equals(p, q))
        }
        (Val::Map(x), Val::Map(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| lookup(y, k).is_some_and(|w| equals(v, w)))
        }
        _ => numeric_cmp(a, b) == Some(Ordering::Equal),
    }
}

/// Ordering across int, uint and double (CEL's cross-type numeric order).
pub(crate) fn numeric_cmp(a: &Val, b: &Val) -> Option<Ordering> {
    match (a, b) {
        (Val::Int(x), Val::Int(y)) => Some(x.cmp(y)),
        (Val::Uint(x), Val::Uint(y)) => Some(x.cmp(y)),
        (Val::Int(x), Val::Uint(y)) => Some(if *x < 0 {
            Ordering::Less
        } else {
            (*x as u64).cmp(y)
        }),
        (Val::Uint(x), Val::Int(y)) => Some(if *y < 0 {
            Ordering::Greater
        } else {
            x.cmp(&(*y as u64))
        }),
        (Val::Double(x), Val::Double(y)) => x.partial_cmp(y),
        (Val::Double(x), Val::Int(y)) => x.partial_cmp(&(*y as f64)),
        (Val::Int(x), Val::Double(y)) => (*x as f64).partial_cmp(y),
        (Val::Double(x), Val::Uint(y)) => x.partial_cmp(&(*y as f64)),
        (Val::Uint(x), Val::Double(y)) => (*x as f64).partial_cmp(y),
        _ => None,
    }
}

/// Ordering for `<`, `<=`, `>`, `>=`.
pub(crate) fn compare(a: &Val, b: &Val) -> Result<Ordering, EvalError> {
    let ord = match (a, b) {
        (Val::Str(x), Val::Str(y)) => Some(x.cmp(y)),
        (Val::Bytes(x), Val::Bytes(y)) => Some(x.cmp(y)),
        (Val::Bool(x), Val::Bool(y)) => Some(x.cmp(y)),
        _ => numeric_cmp(a, b),
    };
    ord.ok_or(EvalError::NoSuchOverload)
}

pub(crate) fn to_string(v: &Val) -> Result<Val, EvalError> {
    Ok(match v {
        Val::Str(_) => v.clone(),
        Val::Int(i) => s(&i.to_string()),
        Val::Uint(u) => s(&u.to_string()),
        Val::Double(d) => s(&go_float_v(*d)),
        Val::Bool(b) => s(&b.to_string()),
        Val::Bytes(b) => {
            s(std::str::from_utf8(b).map_err(|_| EvalError::Other("invalid UTF-8".into()))?)
        }
        Val::Type(t) => s(t),
        _ => return Err(EvalError::NoSuchOverload),
    })
}
