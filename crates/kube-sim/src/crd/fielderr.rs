//! `field.Error` equivalents: cause constructors, field-path helpers and the
//! Go-style rendering of bad values used by kube-apiserver in error messages.

use serde_json::Value;

use super::Cause;

/// The error types of apimachinery's `field.ErrorType`, with their cause
/// `reason` and the label used in the message body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ErrType {
    Required,
    Duplicate,
    Invalid,
    NotSupported,
    Forbidden,
    TooLong,
    TooMany,
    TypeInvalid,
}

impl ErrType {
    pub(crate) fn reason(self) -> &'static str {
        match self {
            ErrType::Required => "FieldValueRequired",
            ErrType::Duplicate => "FieldValueDuplicate",
            ErrType::Invalid => "FieldValueInvalid",
            ErrType::NotSupported => "FieldValueNotSupported",
            ErrType::Forbidden => "FieldValueForbidden",
            ErrType::TooLong => "FieldValueTooLong",
            ErrType::TooMany => "FieldValueTooMany",
            ErrType::TypeInvalid => "FieldValueTypeInvalid",
        }
    }

    pub(crate) fn label(self) -> &'static str {
        match self {
            ErrType::Required => "Required value",
            ErrType::Duplicate => "Duplicate value",
            ErrType::Invalid | ErrType::TypeInvalid => "Invalid value",
            ErrType::NotSupported => "Unsupported value",
            ErrType::Forbidden => "Forbidden",
            ErrType::TooLong => "Too long",
            ErrType::TooMany => "Too many",
        }
    }
}

/// Builds a cause. `value` is the already rendered bad value (`None` when the
/// error type does not print one, or the value is omitted).
pub(crate) fn cause(t: ErrType, field: &str, value: Option<String>, detail: &str) -> Cause {
    let mut message = t.label().to_string();
    if let Some(v) = value {
        message.push_str(": ");
        message.push_str(&v);
    }
    if !detail.is_empty() {
        message.push_str(": ");
        message.push_str(detail);
    }
    Cause {
        reason: t.reason().to_string(),
        message,
        field: if field.is_empty() {
            "<nil>".to_string()
        } else {
            field.to_string()
        },
    }
}

pub(crate) fn required(field: &str, detail: &str) -> Cause {
    cause(ErrType::Required, field, None, detail)
}

pub(crate) fn forbidden(field: &str, detail: &str) -> Cause {
    cause(ErrType::Forbidden, field, None, detail)
}

pub(crate) fn invalid(field: &str, value: &Value, detail: &str) -> Cause {
    cause(ErrType::Invalid, field, Some(go_value(value)), detail)
}

pub(crate) fn invalid_str(field: &str, value: &str, detail: &str) -> Cause {
    cause(ErrType::Invalid, field, Some(go_quote(value)), detail)
}

pub(crate) fn type_invalid(field: &str, value: &Value, detail: &str) -> Cause {
    cause(ErrType::TypeInvalid, field, Some(go_value(value)), detail)
}

pub(crate) fn duplicate(field: &str, value: &Value) -> Cause {
    cause(ErrType::Duplicate, field, Some(go_value(value)), "")
}

/// `field.NotSupported`: the supported values are quoted with `strconv.Quote`.
pub(crate) fn not_supported(field: &str, value: &Value, supported: &[String]) -> Cause {
    let detail = if supported.is_empty() {
        String::new()
    } else {
        let quoted: Vec<String> = supported.iter().map(|s| go_quote(s)).collect();
        format!("supported values: {}", quoted.join(", "))
    };
    cause(ErrType::NotSupported, field, Some(go_value(value)), &detail)
}

pub(crate) fn too_long(field: &str, max: i64) -> Cause {
    let detail = if max >= 0 {
        format!(
            "may not be more than {max} {}",
            if max == 1 { "byte" } else { "bytes" }
        )
    } else {
        "value is too long".to_string()
    };
    cause(ErrType::TooLong, field, None, &detail)
}

pub(crate) fn too_many(field: &str, actual: i64, max: i64) -> Cause {
    let detail = if max >= 0 {
        format!(
            "must have at most {max} {}",
            if max == 1 { "item" } else { "items" }
        )
    } else {
        "has too many items".to_string()
    };
    let value = (actual >= 0).then(|| actual.to_string());
    cause(ErrType::TooMany, field, value, &detail)
}

/// `path.Child(name)`: an empty parent is the nil root.
pub(crate) fn child(parent: &str, name: &str) -> String {
    if parent.is_empty() {
        name.to_string()
    } else {
        format!("{parent}.{name}")
    }
}

/// `path.Key(key)` (also `path.Index(i)` with the index rendered).
pub(crate) fn key(parent: &str, key: &str) -> String {
    format!("{parent}[{key}]")
}

pub(crate) fn index(parent: &str, i: usize) -> String {
    format!("{parent}[{i}]")
}

/// Renders a bad value like `field.Error.ErrorBody` does: numbers and bools
/// bare, strings quoted, everything else as (Go) JSON.
pub(crate) fn go_value(v: &Value) -> String {
    match v {
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                i.to_string()
            } else if let Some(u) = n.as_u64() {
                u.to_string()
            } else {
                go_float_v(n.as_f64().unwrap_or(0.0))
            }
        }
        Value::String(s) => go_quote(s),
        Value::Null | Value::Array(_) | Value::Object(_) => go_json(v),
    }
}

/// `strconv.Quote`.
pub(crate) use crate::apply::go_quote;

/// `encoding/json.Marshal` of a JSON value: sorted keys, HTML escaping.
pub(crate) fn go_json(v: &Value) -> String {
    let mut out = String::new();
    write_go_json(v, &mut out, 0);
    out
}

fn write_go_json(v: &Value, out: &mut String, depth: usize) {
    if depth > super::MAX_DEPTH {
        out.push_str("null");
        return;
    }
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => out.push_str(&i.to_string()),
            (None, Some(u)) => out.push_str(&u.to_string()),
            _ => out.push_str(&go_float_json(n.as_f64().unwrap_or(0.0))),
        },
        Value::String(s) => write_json_string(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_go_json(item, out, depth + 1);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json_string(k, out);
                out.push(':');
                if let Some(val) = map.get(k.as_str()) {
                    write_go_json(val, out, depth + 1);
                }
            }
            out.push('}');
        }
    }
}

fn write_json_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Shortest decimal digits and decimal exponent of a finite float:
/// `f = 0.d1d2d3... * 10^dp`.
fn float_digits(f: f64) -> (String, i32) {
    let sci = format!("{:e}", f.abs());
    let (mant, exp) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
    let digits: String = mant.chars().filter(char::is_ascii_digit).collect();
    let exp: i32 = exp.parse().unwrap_or(0);
    (digits, exp + 1)
}

/// `strconv.FormatFloat(f, fmt, -1, 64)` for `fmt` in `e`, `f`.
fn go_format_float(f: f64, exp_form: bool) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 {
            "+Inf".into()
        } else {
            "-Inf".into()
        };
    }
    let sign = if f.is_sign_negative() && f != 0.0 {
        "-"
    } else {
        ""
    };
    if f == 0.0 {
        return if exp_form {
            format!("{sign}0e+00")
        } else {
            format!("{sign}0")
        };
    }
    let (digits, dp) = float_digits(f);
    if exp_form {
        let exp = dp - 1;
        let mut m = digits[..1].to_string();
        if digits.len() > 1 {
            m.push('.');
            m.push_str(&digits[1..]);
        }
        let es = if exp < 0 { '-' } else { '+' };
        format!("{sign}{m}e{es}{:02}", exp.abs())
    } else if dp <= 0 {
        format!("{sign}0.{}{digits}", "0".repeat(dp.unsigned_abs() as usize))
    } else if dp as usize >= digits.len() {
        format!("{sign}{digits}{}", "0".repeat(dp as usize - digits.len()))
    } else {
        let (a, b) = digits.split_at(dp as usize);
        format!("{sign}{a}.{b}")
    }
}

/// Go's `%v` for a float64: `strconv.FormatFloat(f, 'g', -1, 64)`, which
/// switches to the exponent form when the exponent is < -4 or >= 6.
pub(crate) fn go_float_v(f: f64) -> String {
    if !f.is_finite() || f == 0.0 {
        return go_format_float(f, false);
    }
    let (_, dp) = float_digits(f);
    let exp = dp - 1;
    go_format_float(f, !(-4..6).contains(&exp))
}

/// `encoding/json` float formatting.
pub(crate) fn go_float_json(f: f64) -> String {
    let abs = f.abs();
    let exp_form = abs != 0.0 && !(1e-6..1e21).contains(&abs);
    let mut s = go_format_float(f, exp_form);
    if exp_form {
        // clean up e-09 to e-9
        let n = s.len();
        let b = s.as_bytes();
        if n >= 4 && b[n - 4] == b'e' && b[n - 3] == b'-' && b[n - 2] == b'0' {
            let last = s.pop();
            s.pop();
            if let Some(c) = last {
                s.push(c);
            }
        }
    }
    s
}
