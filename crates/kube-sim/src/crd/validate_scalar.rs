//! Value checks of the OpenAPI validator: string length/pattern, numeric
//! bounds and multipleOf, enums, and allOf/anyOf/oneOf/not (kube-openapi
//! semantics and messages).

use serde_json::Value;

use super::fielderr::go_quote;
use super::fielderr::{go_float_v, go_json};
use super::schema;
use super::validate::{is_json_integer, node, num, Code, Num, OErr, Res};
use super::validate_extra;

pub(crate) fn check_string(res: &mut Res, text: &str, s: &Value, name: &str) {
    let len = text.chars().count() as i64;
    if let Some(max) = s.get("maxLength").and_then(Value::as_i64) {
        if len > max {
            let msg = format!("{name} in body should be at most {max} chars long");
            res.add(Code::TooLong(max), name, msg);
            return;
        }
    }
    if let Some(min) = s.get("minLength").and_then(Value::as_i64) {
        if len < min {
            let msg = format!("{name} in body should be at least {min} chars long");
            res.add(Code::Other(Value::String(text.to_string())), name, msg);
            return;
        }
    }
    if let Some(pattern) = s
        .get("pattern")
        .and_then(Value::as_str)
        .filter(|p| !p.is_empty())
    {
        let shown = match validate_extra::go_regex(pattern) {
            Ok(rx) if rx.is_match(text) => return,
            Ok(_) => pattern.to_string(),
            Err(e) => format!("{pattern}, but pattern is invalid: {e}"),
        };
        let msg = format!("{name} in body should match '{shown}'");
        res.add(Code::Other(Value::String(text.to_string())), name, msg);
    }
}

pub(crate) fn check_number(res: &mut Res, n: Num, data: &Value, s: &Value, name: &str) {
    let flag = |k: &str| schema::flag(s, k);
    if let Some(factor) = s.get("multipleOf").and_then(Value::as_f64) {
        let (bad_factor, ok, shown) = match n {
            Num::Int(i) => {
                let f = factor.trunc() as i64;
                (f <= 0, f > 0 && i % f == 0, f.to_string())
            }
            Num::Float(x) => {
                let mult = if factor < 1.0 {
                    1.0 / factor * x
                } else {
                    x / factor
                };
                (factor <= 0.0, is_json_integer(mult), go_float_v(factor))
            }
        };
        if bad_factor {
            let msg = format!("factor MultipleOf declared for {name} must be positive: {shown}");
            res.add(Code::Other(Value::from(factor)), name, msg);
        } else if !ok {
            let msg = format!("{name} in body should be a multiple of {shown}");
            res.add(Code::Other(data.clone()), name, msg);
        }
    }
    let bound = |k: &str| s.get(k).and_then(Value::as_f64);
    if let Some(min) = bound("minimum") {
        let excl = flag("exclusiveMinimum");
        let (fails, shown) = match n {
            Num::Int(i) => {
                let m = min.trunc() as i64;
                (if excl { i <= m } else { i < m }, m.to_string())
            }
            Num::Float(x) => (if excl { x <= min } else { x < min }, go_float_v(min)),
        };
        if fails {
            let rel = if excl {
                "greater than"
            } else {
                "greater than or equal to"
            };
            res.add(
                Code::Other(data.clone()),
                name,
                format!("{name} in body should be {rel} {shown}"),
            );
        }
    }
    if let Some(max) = bound("maximum") {
        let excl = flag("exclusiveMaximum");
        let (fails, shown) = match n {
            Num::Int(i) => {
                let m = max.trunc() as i64;
                (if excl { i >= m } else { i > m }, m.to_string())
            }
            Num::Float(x) => (if excl { x >= max } else { x > max }, go_float_v(max)),
        };
        if fails {
            let rel = if excl {
                "less than"
            } else {
                "less than or equal to"
            };
            res.add(
                Code::Other(data.clone()),
                name,
                format!("{name} in body should be {rel} {shown}"),
            );
        }
    }
}

/// Go's `reflect` conversion + `DeepEqual` used by kube-openapi's enum check.
fn enum_match(data: &Value, e: &Value) -> bool {
    match (data, e) {
        (Value::Null, _) | (_, Value::Null) => false,
        (Value::Number(_), Value::Number(_)) => match (num(data), num(e)) {
            (Some(Num::Int(a)), Some(Num::Int(b))) => a == b,
            (Some(Num::Int(a)), Some(Num::Float(b))) => a as f64 == b,
            (Some(Num::Float(a)), Some(Num::Int(b))) => a.trunc() as i64 == b,
            (Some(Num::Float(a)), Some(Num::Float(b))) => a == b,
            _ => false,
        },
        (Value::Number(_), Value::String(s)) => match num(data) {
            Some(Num::Int(i)) => {
                let c = u32::try_from(i)
                    .ok()
                    .and_then(char::from_u32)
                    .unwrap_or('\u{fffd}');
                s.chars().eq(std::iter::once(c))
            }
            _ => false,
        },
        _ => data == e,
    }
}

pub(crate) fn check_enum(res: &mut Res, data: &Value, s: &Value, name: &str) {
    let Some(values) = s
        .get("enum")
        .and_then(Value::as_array)
        .filter(|v| !v.is_empty())
    else {
        return;
    };
    if values.iter().any(|e| enum_match(data, e)) {
        return;
    }
    let shown: Vec<String> = values
        .iter()
        .map(|v| match v {
            Value::String(s) => s.clone(),
            other => go_json(other),
        })
        .collect();
    let msg = format!("{name} in body should be one of [{}]", shown.join(" "));
    if !res.errs.iter().any(|e| e.msg == msg) {
        res.errs.push(OErr {
            code: Code::Enum(shown, data.clone()),
            name: name.to_string(),
            msg,
        });
    }
}

/// `allOf` / `anyOf` / `oneOf` / `not` (kube-openapi's schemaPropsValidator).
pub(crate) fn schema_props(data: &Value, s: &Value, name: &str, depth: usize) -> Res {
    let mut main = Res::default();
    let list = |k: &str| {
        s.get(k)
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    };
    let quoted = go_quote(name);
    let any_of = list("anyOf");
    if !any_of.is_empty() {
        let mut best: Option<Res> = None;
        let mut first_success: Option<Res> = None;
        for sub in any_of {
            let r = node(data, sub, name, depth + 1);
            if r.valid() {
                best = None;
                first_success = Some(r);
                break;
            }
            if best.as_ref().is_none_or(|b| r.matches > b.matches) {
                best = Some(r);
            }
        }
        if first_success.is_none() {
            main.add(
                Code::Composite,
                "",
                format!("{quoted} must validate at least one schema (anyOf)"),
            );
        }
        if let Some(r) = best.or(first_success) {
            main.merge(r);
        }
    }
    let one_of = list("oneOf");
    if !one_of.is_empty() {
        let mut best: Option<Res> = None;
        let mut first_success: Option<Res> = None;
        let mut validated = 0;
        for sub in one_of {
            let r = node(data, sub, name, depth + 1);
            if r.valid() {
                validated += 1;
                best = None;
                if first_success.is_none() {
                    first_success = Some(r);
                }
                continue;
            }
            if validated == 0 && best.as_ref().is_none_or(|b| r.matches > b.matches) {
                best = Some(r);
            }
        }
        if validated != 1 {
            let extra = if validated == 0 {
                "Found none valid".to_string()
            } else {
                format!("Found {validated} valid alternatives")
            };
            main.add(
                Code::Composite,
                "",
                format!("{quoted} must validate one and only one schema (oneOf). {extra}"),
            );
            if let Some(r) = best {
                main.merge(r);
            }
        } else if let Some(r) = first_success {
            main.merge(r);
        }
    }
    let all_of = list("allOf");
    if !all_of.is_empty() {
        let mut validated = 0;
        for sub in all_of {
            let r = node(data, sub, name, depth + 1);
            if r.valid() {
                validated += 1;
            }
            main.merge(r);
        }
        if validated != all_of.len() {
            let extra = if validated == 0 {
                ". None validated"
            } else {
                ""
            };
            main.add(
                Code::Composite,
                "",
                format!("{quoted} must validate all the schemas (allOf){extra}"),
            );
        }
    }
    if let Some(not) = s.get("not").filter(|n| n.is_object()) {
        if node(data, not, name, depth + 1).valid() {
            main.add(
                Code::Composite,
                "",
                format!("{quoted} must not validate the schema (not)"),
            );
        }
    }
    main.matches += 1;
    main
}
