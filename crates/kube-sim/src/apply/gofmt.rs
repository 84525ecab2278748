//! Go formatting the server's messages and FieldsV1 keys are written in:
//!
//! - [`go_json`]: JSON the way Go's `encoding/json` writes decoded JSON (`map[string]any`):
//!   keys sorted, `<`, `>`, `&`, U+2028 and U+2029 escaped, floats as Go prints them.
//! - [`go_to_string`]: `value.ToString` of structured-merge-diff (field paths).
//! - [`go_quote`]: `%q` of strings; [`go_v`], [`go_sharp_v`], [`go_type_name`]: `%v`, `%#v`
//!   and `%T` of decoded JSON (validation messages).
//! - [`unix_seconds`]: RFC 3339 timestamps to seconds (entry ordering).

use serde_json::{Number, Value};

use super::value::{num, Num};
use super::MAX_DEPTH;

/// Go's `%q` of a string (`strconv.Quote`).
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}') => {
                if (c as u32) < 0x10000 {
                    out.push_str(&format!("\\u{:04x}", c as u32));
                } else {
                    out.push_str(&format!("\\U{:08x}", c as u32));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Go's `%v` of a `float64` (`strconv.FormatFloat(f, 'g', -1, 64)` with Go's exponent
/// form: `1e+06`, `1.5e-07`).
pub fn go_float_v(f: f64) -> String {
    if f == 0.0 {
        return "0".to_owned();
    }
    let sci = format!("{f:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if (-4..6).contains(&exp) {
        format!("{f}")
    } else {
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{mantissa}e{sign}{:02}", exp.abs())
    }
}

/// A float as Go's `encoding/json` writes it.
pub fn go_float_json(f: f64) -> String {
    let abs = f.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        let sci = format!("{f:e}");
        match sci.split_once('e') {
            Some((m, e)) if !e.starts_with('-') => format!("{m}e+{e}"),
            _ => sci,
        }
    } else {
        format!("{f}")
    }
}

fn go_json_number(n: &Number) -> String {
    match num(n) {
        Num::Int(i) => i.to_string(),
        Num::Float(f) => go_float_json(f),
    }
}

/// Appends `s` as a JSON string the way Go's `encoding/json` escapes it.
pub fn go_json_string_into(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || matches!(c, '<' | '>' | '&' | '\u{2028}' | '\u{2029}') => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// `value` as Go's `encoding/json` marshals decoded JSON: compact, object keys sorted.
/// Nesting beyond [`MAX_DEPTH`] is written as `null`.
pub fn go_json(value: &Value) -> String {
    let mut out = String::new();
    write_go_json(&mut out, value, 0);
    out
}

fn write_go_json(out: &mut String, value: &Value, depth: usize) {
    if depth > MAX_DEPTH {
        out.push_str("null");
        return;
    }
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&go_json_number(n)),
        Value::String(s) => go_json_string_into(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_go_json(out, item, depth + 1);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                go_json_string_into(out, key);
                out.push(':');
                if let Some(v) = map.get(key) {
                    write_go_json(out, v, depth + 1);
                }
            }
            out.push('}');
        }
    }
}

/// `value.ToString` of structured-merge-diff: strings quoted, lists `[a,b]`, maps `k=v`
/// pairs run together in key order.
pub fn go_to_string(value: &Value) -> String {
    let mut out = String::new();
    write_to_string(&mut out, value, 0);
    out
}

fn write_to_string(out: &mut String, value: &Value, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => match num(n) {
            Num::Int(i) => out.push_str(&i.to_string()),
            Num::Float(f) => out.push_str(&go_float_v(f)),
        },
        Value::String(s) => out.push_str(&go_quote(s)),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_to_string(out, item, depth + 1);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            for key in keys {
                out.push_str(key);
                out.push('=');
                if let Some(v) = map.get(key) {
                    write_to_string(out, v, depth + 1);
                }
            }
        }
    }
}

/// Seconds since the Unix epoch of an RFC 3339 timestamp (`2026-06-15T04:15:57Z`,
/// fractional seconds and numeric offsets accepted). `None` when it does not parse.
pub fn unix_seconds(ts: &str) -> Option<i64> {
    let b = ts.as_bytes();
    let digits = |from: usize, len: usize| -> Option<i64> {
        let part = ts.get(from..from + len)?;
        if !part.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        part.parse().ok()
    };
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    if b[13] != b':' || b[16] != b':' {
        return None;
    }
    let (year, month, day) = (digits(0, 4)?, digits(5, 2)?, digits(8, 2)?);
    let (hour, minute, second) = (digits(11, 2)?, digits(14, 2)?, digits(17, 2)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 {
        return None;
    }
    let mut rest = &ts[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        let end = frac
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(frac.len());
        rest = &frac[end..];
    }
    let offset = match rest {
        "Z" | "z" => 0,
        _ if rest.len() == 6 && rest.as_bytes()[3] == b':' => {
            let sign = match rest.as_bytes()[0] {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let h: i64 = rest.get(1..3)?.parse().ok()?;
            let m: i64 = rest.get(4..6)?.parse().ok()?;
            sign * (h * 3600 + m * 60)
        }
        _ => return None,
    };
    // Days from the civil date (proleptic Gregorian calendar).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + hour * 3600 + minute * 60 + second - offset)
}

/// Go's `%v` of a decoded JSON value (`map[a:1 b:x]`, `[1 2]`, `x`, `<nil>`).
pub fn go_v(value: &Value) -> String {
    let mut out = String::new();
    write_go_v(&mut out, value, false, 0);
    out
}

/// Go's `%#v` of a decoded JSON value (`map[string]interface {}{"a":1}`, `"x"`).
pub fn go_sharp_v(value: &Value) -> String {
    let mut out = String::new();
    write_go_v(&mut out, value, true, 0);
    out
}

fn write_go_v(out: &mut String, value: &Value, sharp: bool, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    match value {
        Value::Null if sharp => out.push_str("interface {}(nil)"),
        Value::Null => out.push_str("<nil>"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => match num(n) {
            Num::Int(i) => out.push_str(&i.to_string()),
            Num::Float(f) => out.push_str(&go_float_v(f)),
        },
        Value::String(s) if sharp => out.push_str(&go_quote(s)),
        Value::String(s) => out.push_str(s),
        Value::Array(items) => {
            out.push_str(if sharp { "[]interface {}{" } else { "[" });
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(if sharp { ", " } else { " " });
                }
                write_go_v(out, item, sharp, depth + 1);
            }
            out.push(if sharp { '}' } else { ']' });
        }
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push_str(if sharp {
                "map[string]interface {}{"
            } else {
                "map["
            });
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push_str(if sharp { ", " } else { " " });
                }
                if sharp {
                    out.push_str(&go_quote(key));
                } else {
                    out.push_str(key);
                }
                out.push(':');
                if let Some(v) = map.get(key) {
                    write_go_v(out, v, sharp, depth + 1);
                }
            }
            out.push(if sharp { '}' } else { ']' });
        }
    }
}

/// Go's `%T` of a decoded JSON value.
pub fn go_type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "<nil>",
        Value::Bool(_) => "bool",
        Value::Number(n) => match num(n) {
            Num::Int(_) => "int64",
            Num::Float(_) => "float64",
        },
        Value::String(_) => "string",
        Value::Array(_) => "[]interface {}",
        Value::Object(_) => "map[string]interface {}",
    }
}
