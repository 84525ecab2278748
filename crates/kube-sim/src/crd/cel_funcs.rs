//! CEL operators and standard/Kubernetes library functions.

use std::cmp::Ordering;
use std::rc::Rc;

use super::cel::{EvalError, Val};
use super::cel_eval::{compare, equals, to_string};

fn overflow() -> EvalError {
    EvalError::Other("integer overflow".into())
}

fn s(v: &str) -> Val {
    Val::Str(Rc::from(v))
}

fn int_arith(f: &str, a: i64, b: i64) -> Result<Val, EvalError> {
    let r = match f {
        "_+_" => a.checked_add(b),
        "_-_" => a.checked_sub(b),
        "_*_" => a.checked_mul(b),
        "_/_" if b == 0 => return Err(EvalError::Other("division by zero".into())),
        "_%_" if b == 0 => return Err(EvalError::Other("modulus by zero".into())),
        "_/_" => a.checked_div(b),
        "_%_" => a.checked_rem(b),
        _ => return Err(EvalError::NoSuchOverload),
    };
    r.map(Val::Int).ok_or_else(overflow)
}

fn uint_arith(f: &str, a: u64, b: u64) -> Result<Val, EvalError> {
    let r = match f {
        "_+_" => a.checked_add(b),
        "_-_" => a.checked_sub(b),
        "_*_" => a.checked_mul(b),
        "_/_" if b == 0 => return Err(EvalError::Other("division by zero".into())),
        "_%_" if b == 0 => return Err(EvalError::Other("modulus by zero".into())),
        "_/_" => a.checked_div(b),
        "_%_" => a.checked_rem(b),
        _ => return Err(EvalError::NoSuchOverload),
    };
    r.map(Val::Uint).ok_or_else(overflow)
}

fn arith(f: &str, a: &Val, b: &Val) -> Result<Val, EvalError> {
    match (a, b) {
        (Val::Int(x), Val::Int(y)) => int_arith(f, *x, *y),
        (Val::Uint(x), Val::Uint(y)) => uint_arith(f, *x, *y),
        (Val::Double(x), Val::Double(y)) => Ok(Val::Double(match f {
            "_+_" => x + y,
            "_-_" => x - y,
            "_*_" => x * y,
            "_/_" => x / y,
            _ => return Err(EvalError::NoSuchOverload),
        })),
        (Val::Str(x), Val::Str(y)) if f == "_+_" => Ok(s(&format!("{x}{y}"))),
        (Val::Bytes(x), Val::Bytes(y)) if f == "_+_" => {
            Ok(Val::Bytes([&x[..], &y[..]].concat().into()))
        }
        (Val::List(x), Val::List(y)) if f == "_+_" => {
            Ok(Val::List(x.iter().chain(y.iter()).cloned().collect()))
        }
        _ => Err(EvalError::NoSuchOverload),
    }
}

fn index(a: &Val, i: &Val) -> Result<Val, EvalError> {
    match a {
        Val::List(items) => {
            let idx = match i {
                Val::Int(n) => *n,
                Val::Uint(n) => i64::try_from(*n).unwrap_or(i64::MAX),
                Val::Double(d) if d.fract() == 0.0 => *d as i64,
                _ => return Err(EvalError::NoSuchOverload),
            };
            usize::try_from(idx)
                .ok()
                .and_then(|u| items.get(u))
                .cloned()
                .ok_or(EvalError::IndexOutOfBounds(idx))
        }
        Val::Map(entries) => entries
            .iter()
            .find(|(k, _)| equals(k, i))
            .map(|(_, v)| v.clone())
            .ok_or_else(|| EvalError::NoSuchKey(i.to_string())),
        _ => Err(EvalError::NoSuchOverload),
    }
}

fn str_arg(v: &Val) -> Result<&str, EvalError> {
    match v {
        Val::Str(s) => Ok(s),
        _ => Err(EvalError::NoSuchOverload),
    }
}

fn int_arg(v: &Val) -> Result<i64, EvalError> {
    match v {
        Val::Int(i) => Ok(*i),
        _ => Err(EvalError::NoSuchOverload),
    }
}

fn to_int(v: &Val) -> Result<Val, EvalError> {
    let range = || EvalError::Other("int out of range".into());
    Ok(Val::Int(match v {
        Val::Int(i) => *i,
        Val::Uint(u) => i64::try_from(*u).map_err(|_| range())?,
        Val::Double(d)
            if d.is_finite() && *d > -9.223_372_036_854_776e18 && *d < 9.223_372_036_854_776e18 =>
        {
            d.trunc() as i64
        }
        Val::Double(_) => return Err(range()),
        Val::Str(t) => t
            .parse()
            .map_err(|_| EvalError::Other(format!("cannot convert '{t}' to int")))?,
        _ => return Err(EvalError::NoSuchOverload),
    }))
}

fn to_uint(v: &Val) -> Result<Val, EvalError> {
    let range = || EvalError::Other("uint out of range".into());
    Ok(Val::Uint(match v {
        Val::Uint(u) => *u,
        Val::Int(i) => u64::try_from(*i).map_err(|_| range())?,
        Val::Double(d) if d.is_finite() && *d >= 0.0 && *d < 1.844_674_407_370_955_2e19 => {
            d.trunc() as u64
        }
        Val::Double(_) => return Err(range()),
        Val::Str(t) => t
            .parse()
            .map_err(|_| EvalError::Other(format!("cannot convert '{t}' to uint")))?,
        _ => return Err(EvalError::NoSuchOverload),
    }))
}

fn to_double(v: &Val) -> Result<Val, EvalError> {
    Ok(Val::Double(match v {
        Val::Double(d) => *d,
        Val::Int(i) => *i as f64,
        Val::Uint(u) => *u as f64,
        Val::Str(t) => t
            .parse()
            .map_err(|_| EvalError::Other(format!("cannot convert '{t}' to double")))?,
        _ => return Err(EvalError::NoSuchOverload),
    }))
}

fn size(v: &Val) -> Result<Val, EvalError> {
    let n = match v {
        Val::Str(t) => t.chars().count(),
        Val::Bytes(b) => b.len(),
        Val::List(items) => items.len(),
        Val::Map(entries) => entries.len(),
        _ => return Err(EvalError::NoSuchOverload),
    };
    Ok(Val::Int(i64::try_from(n).unwrap_or(i64::MAX)))
}

fn char_offset(t: &str, i: i64) -> Result<usize, EvalError> {
    let n = t.chars().count();
    let u = usize::try_from(i)
        .ok()
        .filter(|u| *u <= n)
        .ok_or_else(|| EvalError::Other(format!("index out of range: {i}")))?;
    Ok(t.char_indices().nth(u).map_or(t.len(), |(b, _)| b))
}

fn list_extreme(items: &[Val], want: Ordering) -> Result<Val, EvalError> {
    let mut best = items
        .first()
        .cloned()
        .ok_or_else(|| EvalError::Other("min/max of empty list".into()))?;
    for it in &items[1..] {
        if compare(it, &best)? == want {
            best = it.clone();
        }
    }
    Ok(best)
}

/// Applies operator or function `f`; for member calls the receiver is
/// `args[0]`.
pub(crate) fn apply(f: &str, args: &[Val]) -> Result<Val, EvalError> {
    match (f, args) {
        ("!_", [Val::Bool(b)]) => Ok(Val::Bool(!b)),
        ("-_", [Val::Int(i)]) => i.checked_neg().map(Val::Int).ok_or_else(overflow),
        ("-_", [Val::Double(d)]) => Ok(Val::Double(-d)),
        ("_==_", [a, b]) => Ok(Val::Bool(equals(a, b))),
        ("_!=_", [a, b]) => Ok(Val::Bool(!equals(a, b))),
        ("_<_", [a, b]) => Ok(Val::Bool(compare(a, b)? == Ordering::Less)),
        ("_<=_", [a, b]) => Ok(Val::Bool(compare(a, b)? != Ordering::Greater)),
        ("_>_", [a, b]) => Ok(Val::Bool(compare(a, b)? == Ordering::Greater)),
        ("_>=_", [a, b]) => Ok(Val::Bool(compare(a, b)? != Ordering::Less)),
        ("_+_" | "_-_" | "_*_" | "_/_" | "_%_", [a, b]) => arith(f, a, b),
        ("_[_]", [a, i]) => index(a, i),
        ("@in", [x, Val::List(items)]) => Ok(Val::Bool(items.iter().any(|i| equals(i, x)))),
        ("@in", [x, Val::Map(entries)]) => Ok(Val::Bool(entries.iter().any(|(k, _)| equals(k, x)))),
        ("size", [v]) => size(v),
        ("contains", [a, b]) => Ok(Val::Bool(str_arg(a)?.contains(str_arg(b)?))),
        ("startsWith", [a, b]) => Ok(Val::Bool(str_arg(a)?.starts_with(str_arg(b)?))),
        ("endsWith", [a, b]) => Ok(Val::Bool(str_arg(a)?.ends_with(str_arg(b)?))),
        ("matches", [a, b]) => {
            let rx = super::validate_extra::go_regex(str_arg(b)?).map_err(EvalError::Other)?;
            Ok(Val::Bool(rx.is_match(str_arg(a)?)))
        }
        ("int", [v]) => to_int(v),
        ("uint", [v]) => to_uint(v),
        ("double", [v]) => to_double(v),
        ("string", [v]) => to_string(v),
        ("bool", [Val::Bool(b)]) => Ok(Val::Bool(*b)),
        ("bool", [Val::Str(t)]) => match &**t {
            "true" | "True" | "TRUE" | "t" | "1" => Ok(Val::Bool(true)),
            "false" | "False" | "FALSE" | "f" | "0" => Ok(Val::Bool(false)),
            _ => Err(EvalError::Other(format!(
                "type conversion error from 'string' to 'bool': {t}"
            ))),
        },
        ("bytes", [Val::Str(t)]) => Ok(Val::Bytes(t.as_bytes().into())),
        ("bytes", [b @ Val::Bytes(_)]) => Ok(b.clone()),
        ("dyn", [v]) => Ok(v.clone()),
        ("type", [v]) => Ok(Val::Type(v.type_name())),
        ("lowerAscii", [a]) => Ok(s(&str_arg(a)?.to_ascii_lowercase())),
        ("upperAscii", [a]) => Ok(s(&str_arg(a)?.to_ascii_uppercase())),
        ("trim", [a]) => Ok(s(str_arg(a)?.trim())),
        ("replace", [a, b, c]) => Ok(s(&str_arg(a)?.replace(str_arg(b)?, str_arg(c)?))),
        ("split", [a, b]) => Ok(Val::List(str_arg(a)?.split(str_arg(b)?).map(s).collect())),
        ("join", [Val::List(items)]) | ("join", [Val::List(items), _]) => {
            let sep = args.get(1).map(str_arg).transpose()?.unwrap_or("");
            let parts: Result<Vec<&str>, _> = items.iter().map(str_arg).collect();
            Ok(s(&parts?.join(sep)))
        }
        ("indexOf", [Val::Str(a), b]) => {
            let b = str_arg(b)?;
            Ok(Val::Int(
                a.find(b).map_or(-1, |i| a[..i].chars().count() as i64),
            ))
        }
        ("lastIndexOf", [Val::Str(a), b]) => {
            let b = str_arg(b)?;
            Ok(Val::Int(
                a.rfind(b).map_or(-1, |i| a[..i].chars().count() as i64),
            ))
        }
        ("indexOf", [Val::List(items), x]) => Ok(Val::Int(
            items
                .iter()
                .position(|i| equals(i, x))
                .map_or(-1, |p| p as i64),
        )),
        ("substring", [a, start]) => {
            let t = str_arg(a)?;
            Ok(s(&t[char_offset(t, int_arg(start)?)?..]))
        }
        ("substring", [a, start, end]) => {
            let t = str_arg(a)?;
            let (b, e) = (
                char_offset(t, int_arg(start)?)?,
                char_offset(t, int_arg(end)?)?,
            );
            if b > e {
                return Err(EvalError::Other(format!(
                    "invalid substring range. start: {}, end: {}",
                    int_arg(start)?,
                    int_arg(end)?
                )));
            }
            Ok(s(&t[b..e]))
        }
        ("charAt", [a, i]) => {
            let t = str_arg(a)?;
            let off = char_offset(t, int_arg(i)?)?;
            Ok(s(&t[off..]
                .chars()
                .next()
                .map(String::from)
                .unwrap_or_default()))
        }
        ("isSorted", [Val::List(items)]) => {
            for w in items.windows(2) {
                if compare(&w[0], &w[1])? == Ordering::Greater {
                    return Ok(Val::Bool(false));
                }
            }
            Ok(Val::Bool(true))
        }
        ("sum", [Val::List(items)]) => match items.split_first() {
            None => Ok(Val::Int(0)),
            Some((first, rest)) => rest
                .iter()
                .try_fold(first.clone(), |acc, x| arith("_+_", &acc, x)),
        },
        ("min", [Val::List(items)]) => list_extreme(items, Ordering::Less),
        ("max", [Val::List(items)]) => list_extreme(items, Ordering::Greater),
        _ if super::cel_lib::is_library_function(f) => Err(EvalError::Unsupported(f.to_string())),
        _ => Err(EvalError::NoSuchOverload),
    }
}
