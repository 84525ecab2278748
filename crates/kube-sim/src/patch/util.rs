//! Helpers shared by the patch engines: depth checks, null pruning and rendering values the
//! way Go prints decoded JSON (for upstream-compatible error messages).

use serde_json::Value;

use super::{PatchError, MAX_DEPTH};

/// Fails with [`PatchError::TooDeep`] once `depth` exceeds [`MAX_DEPTH`].
pub(super) fn check_depth(depth: usize) -> Result<(), PatchError> {
    if depth > MAX_DEPTH {
        Err(PatchError::TooDeep { limit: MAX_DEPTH })
    } else {
        Ok(())
    }
}

/// Removes `null` members from objects, recursively (also inside arrays, whose `null`
/// elements are kept). Shared by the merge patch (`pruneNulls`) and strategic merge
/// (`discardNullValuesFromPatch`), which behave the same way.
pub(super) fn prune_nulls(value: &mut Value, depth: usize) -> Result<(), PatchError> {
    check_depth(depth)?;
    match value {
        Value::Object(map) => {
            map.retain(|_, v| !v.is_null());
            for v in map.values_mut() {
                prune_nulls(v, depth + 1)?;
            }
        }
        Value::Array(items) => {
            for v in items {
                prune_nulls(v, depth + 1)?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// The JSON type name Go's `encoding/json` uses in `cannot unmarshal X` errors.
pub(super) fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// The Go type a decoded JSON value has on the server (`reflect.TypeOf(v)` as `%s` prints it;
/// integers decode as `int64`, other numbers as `float64`).
pub(super) fn go_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "%!s(<nil>)",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_f64() => "float64",
        Value::Number(_) => "int64",
        Value::String(_) => "string",
        Value::Array(_) => "[]interface {}",
        Value::Object(_) => "map[string]interface {}",
    }
}

/// Renders a value the way Go's `%v` prints decoded JSON: `map[k:v k2:v2]` (keys sorted),
/// `[a b]`, bare strings, `<nil>`.
pub(super) fn go_fmt(value: &Value) -> String {
    let mut out = String::new();
    go_fmt_into(value, &mut out, 0);
    out
}

fn go_fmt_into(value: &Value, out: &mut String, depth: usize) {
    if depth > MAX_DEPTH {
        out.push_str("...");
        return;
    }
    match value {
        Value::Null => out.push_str("<nil>"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => match n.as_f64() {
            Some(f) if n.is_f64() => out.push_str(&go_float(f)),
            _ => out.push_str(&n.to_string()),
        },
        Value::String(s) => out.push_str(s),
        Value::Array(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                go_fmt_into(v, out, depth + 1);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push_str("map[");
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                out.push_str(k);
                out.push(':');
                if let Some(v) = map.get(k) {
                    go_fmt_into(v, out, depth + 1);
                }
            }
            out.push(']');
        }
    }
}

/// Go's `%v` for a `float64`: shortest representation, exponent form when the exponent is
/// below -4 or at least 21 (`1e+21`, `1.5e-07`).
fn go_float(f: f64) -> String {
    let abs = f.abs();
    if abs != 0.0 && !(1e-4..1e21).contains(&abs) {
        let s = format!("{f:e}");
        match s.split_once('e') {
            Some((mantissa, exp)) => {
                let (sign, digits) = match exp.strip_prefix('-') {
                    Some(d) => ('-', d),
                    None => ('+', exp),
                };
                format!("{mantissa}e{sign}{digits:0>2}")
            }
            None => s,
        }
    } else {
        format!("{f}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn go_rendering() {
        let v = json!({"name": "a", "ports": [80, 1.5], "x": null, "b": true, "m": {}});
        assert_eq!(
            go_fmt(&v),
            "map[b:true m:map[] name:a ports:[80 1.5] x:<nil>]"
        );
        assert_eq!(go_float(1e21), "1e+21");
        assert_eq!(go_float(1.5e-7), "1.5e-07");
        assert_eq!(go_float(0.25), "0.25");
        assert_eq!(go_type(&json!(1)), "int64");
        assert_eq!(go_type(&json!(1.0)), "float64");
        assert_eq!(go_type(&Value::Null), "%!s(<nil>)");
    }

    #[test]
    fn prune_nulls_keeps_array_nulls() {
        let mut v = json!({"a": null, "b": [null, {"c": null, "d": 1}], "e": {"f": null}});
        prune_nulls(&mut v, 0).unwrap();
        assert_eq!(v, json!({"b": [null, {"d": 1}], "e": {}}));
    }
}
