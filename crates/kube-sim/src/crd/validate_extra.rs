//! The validation steps after the OpenAPI schema check: embedded resources,
//! list-type map/set uniqueness and `x-kubernetes-validations` rules; plus
//! the Go-RE2-compatible regex compilation shared with CEL `matches()`.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use regex::Regex;
use serde_json::{Map, Value};

use super::cel::{Expect, Program};
use super::fielderr::{self, child, go_json, index, key, ErrType};
use super::schema::{self, additional_schema, embedded, items, prop, sorted_keys, str_list};
use super::{meta, Cause, MAX_DEPTH};

/// Rewrites Go RE2 syntax for the `regex` crate: Perl classes (`\d \w \s
/// \b`) are ASCII-only in Go.
fn translate_re2(p: &str) -> String {
    let mut out = String::with_capacity(p.len() + 8);
    let mut chars = p.chars();
    let mut in_class = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let Some(n) = chars.next() else {
                    out.push('\\');
                    break;
                };
                let rep = match (in_class, n) {
                    (false, 'd') => "[0-9]",
                    (false, 'D') | (true, 'D') => "[^0-9]",
                    (false, 'w') => "[0-9A-Za-z_]",
                    (false, 'W') | (true, 'W') => "[^0-9A-Za-z_]",
                    (false, 's') => r"[\t\n\x0C\r ]",
                    (false, 'S') | (true, 'S') => r"[^\t\n\x0C\r ]",
                    (false, 'b') => r"(?-u:\b)",
                    (false, 'B') => r"(?-u:\B)",
                    (true, 'd') => "0-9",
                    (true, 'w') => "0-9A-Za-z_",
                    (true, 's') => r"\t\n\x0C\r ",
                    _ => {
                        out.push('\\');
                        out.push(n);
                        continue;
                    }
                };
                out.push_str(rep);
            }
            '[' if !in_class => {
                in_class = true;
                out.push('[');
                // a leading ']' (after an optional '^') is a literal
                let rest = chars.as_str();
                let skip = if rest.starts_with("^]") {
                    2
                } else {
                    usize::from(rest.starts_with(']'))
                };
                for _ in 0..skip {
                    if let Some(x) = chars.next() {
                        if x == ']' {
                            out.push_str(r"\]");
                        } else {
                            out.push(x);
                        }
                    }
                }
            }
            '[' if in_class && chars.as_str().starts_with(':') => {
                out.push('[');
                for x in chars.by_ref() {
                    out.push(x);
                    if x == ']' {
                        break;
                    }
                }
            }
            '[' => out.push_str(r"\["),
            ']' if in_class => {
                in_class = false;
                out.push(']');
            }
            c => out.push(c),
        }
    }
    out
}

/// Go-style message for a regex syntax error.
fn go_regex_error(pattern: &str, err: &regex::Error) -> String {
    let text = err.to_string();
    let last = text
        .lines()
        .last()
        .unwrap_or("")
        .trim_start_matches("error: ")
        .to_string();
    let code = match last.as_str() {
        l if l.contains("unclosed character class") => {
            let from = pattern.rfind('[').unwrap_or(0);
            return format!(
                "error parsing regexp: missing closing ]: `{}`",
                &pattern[from..]
            );
        }
        l if l.contains("unclosed group") => format!("missing closing ): `{pattern}`"),
        l if l.contains("unopened group") => format!("unexpected ): `{pattern}`"),
        l if l.contains("repetition operator missing expression") => {
            format!(
                "missing argument to repetition operator: `{}`",
                pattern.chars().find(|c| "*+?{".contains(*c)).unwrap_or('*')
            )
        }
        l if l.contains("look-around") || l.contains("backreferences") => {
            format!(
                "invalid or unsupported Perl syntax: `{}`",
                pattern.get(..3.min(pattern.len())).unwrap_or("")
            )
        }
        l if l.contains("escape") => "invalid escape sequence".to_string(),
        l if l.contains("range") => "invalid character class range".to_string(),
        l if l.contains("repetition") || l.contains("decimal") => {
            "invalid repeat count".to_string()
        }
        l => l.to_string(),
    };
    format!("error parsing regexp: {code}")
}

/// Compiles a Go (RE2) regular expression; results are cached.
pub(crate) fn go_regex(pattern: &str) -> Result<Regex, String> {
    static CACHE: OnceLock<Mutex<HashMap<String, Result<Regex, String>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    let mut guard = cache
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(r) = guard.get(pattern) {
        return r.clone();
    }
    let r = Regex::new(&translate_re2(pattern)).map_err(|e| go_regex_error(pattern, &e));
    if guard.len() > 4096 {
        guard.clear();
    }
    guard.insert(pattern.to_string(), r.clone());
    r
}

/// `objectmeta.Validate` for embedded resources (not the root).
pub(crate) fn embedded_resources(obj: &Value, s: &Value, out: &mut Vec<Cause>) {
    fn walk(pth: &str, x: &Value, s: &Value, out: &mut Vec<Cause>, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        match x {
            Value::Object(m) => {
                if embedded(s) {
                    meta::validate_embedded(pth, m, out);
                }
                for k in sorted_keys(m) {
                    if let Some(p) = prop(s, k) {
                        walk(&child(pth, k), &m[k.as_str()], p, out, depth + 1);
                    } else if let Some(a) = additional_schema(s) {
                        walk(&key(pth, k), &m[k.as_str()], a, out, depth + 1);
                    }
                }
            }
            Value::Array(list) => {
                if let Some(it) = items(s) {
                    for (i, v) in list.iter().enumerate() {
                        walk(&index(pth, i), v, it, out, depth + 1);
                    }
                }
            }
            _ => {}
        }
    }
    walk("", obj, s, out, 0);
}

/// Set semantics of `validateListSet`: scalars compare by Go type and
/// value, compounds by their JSON encoding. Returns the indices of the
/// second occurrence of each duplicated value.
fn non_unique(values: &[Option<&Value>]) -> Vec<usize> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut out = Vec::new();
    for (i, v) in values.iter().enumerate() {
        let k = match v {
            None => "u".to_string(),
            Some(v @ (Value::Object(_) | Value::Array(_))) => format!("c{}", go_json(v)),
            Some(Value::Number(n)) if n.as_i64().is_some() => format!("i{n}"),
            Some(Value::Number(n)) => format!("f{}", n.as_f64().unwrap_or(0.0)),
            Some(v) => format!("s{}", go_json(v)),
        };
        let times = seen.entry(k).or_insert(0);
        *times += 1;
        if *times == 2 {
            out.push(i);
        }
    }
    out
}

fn list_map(pth: &str, s: &Value, list: &[Value], out: &mut Vec<Cause>) {
    if let Some((i, x)) = list
        .iter()
        .enumerate()
        .find(|(_, x)| !x.is_object() && !x.is_null())
    {
        out.push(fielderr::invalid(
            &index(pth, i),
            x,
            "must be an object for an array of list-type map",
        ));
        return;
    }
    if list.len() <= 1 {
        return;
    }
    let keys = str_list(s, "x-kubernetes-list-map-keys");
    let key_objs: Vec<Map<String, Value>> = list
        .iter()
        .map(|x| {
            let mut m = Map::new();
            for k in &keys {
                if let Some(v) = x.get(*k) {
                    m.insert((*k).to_string(), v.clone());
                }
            }
            m
        })
        .collect();
    if keys.len() == 1 {
        let single: Vec<Option<&Value>> = list.iter().map(|x| x.get(keys[0])).collect();
        for i in non_unique(&single) {
            out.push(fielderr::duplicate(
                &index(pth, i),
                &Value::Object(key_objs[i].clone()),
            ));
        }
        return;
    }
    let as_values: Vec<Value> = key_objs.into_iter().map(Value::Object).collect();
    let refs: Vec<Option<&Value>> = as_values.iter().map(Some).collect();
    for i in non_unique(&refs) {
        out.push(fielderr::duplicate(&index(pth, i), &as_values[i]));
    }
}

/// `ValidateListSetsAndMaps` from the root object.
pub(crate) fn list_sets_and_maps(obj: &Value, s: &Value, out: &mut Vec<Cause>) {
    fn walk(pth: &str, s: &Value, x: &Value, out: &mut Vec<Cause>, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        match x {
            Value::Array(list) => {
                match s.get("x-kubernetes-list-type").and_then(Value::as_str) {
                    Some("set") => {
                        let refs: Vec<Option<&Value>> = list.iter().map(Some).collect();
                        for i in non_unique(&refs) {
                            out.push(fielderr::duplicate(&index(pth, i), &list[i]));
                        }
                    }
                    Some("map") => list_map(pth, s, list, out),
                    _ => {}
                }
                if let Some(it) = items(s) {
                    for (i, v) in list.iter().enumerate() {
                        walk(&index(pth, i), it, v, out, depth + 1);
                    }
                }
            }
            Value::Object(m) => {
                if let Some(a) = additional_schema(s) {
                    for k in sorted_keys(m) {
                        walk(&key(pth, k), a, &m[k.as_str()], out, depth + 1);
                    }
                }
                if schema::props(s).is_some() {
                    for k in sorted_keys(m) {
                        if let Some(p) = prop(s, k) {
                            walk(&child(pth, k), p, &m[k.as_str()], out, depth + 1);
                        }
                    }
                }
            }
            _ => {}
        }
    }
    if obj.is_object() {
        walk("", s, obj, out, 0);
    }
}

fn has_rules(s: &Value, depth: usize) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    s.get("x-kubernetes-validations")
        .and_then(Value::as_array)
        .is_some_and(|r| !r.is_empty())
        || items(s).is_some_and(|i| has_rules(i, depth + 1))
        || additional_schema(s).is_some_and(|a| has_rules(a, depth + 1))
        || schema::props(s).is_some_and(|p| p.values().any(|v| has_rules(v, depth + 1)))
}

/// Whether an error blocks CEL evaluation (`hasBlockingErr`).
fn is_blocking(c: &Cause) -> bool {
    [
        ErrType::NotSupported,
        ErrType::Required,
        ErrType::TooLong,
        ErrType::TooMany,
        ErrType::TypeInvalid,
    ]
    .iter()
    .any(|t| c.reason == t.reason())
}

/// Evaluates `x-kubernetes-validations` from `obj` (`is_root`: a resource
/// root). Skipped with a summary error when `out` already holds a
/// blocking error.
pub(crate) fn cel_rules(
    obj: &Value,
    s: &Value,
    check_blocking: bool,
    is_root: bool,
    prefix: &str,
    out: &mut Vec<Cause>,
) {
    if !has_rules(s, 0) {
        return;
    }
    if check_blocking && out.iter().any(is_blocking) {
        out.push(fielderr::invalid(
            "",
            &Value::Null,
            "some validation rules were not checked because the object was invalid; correct the existing errors to complete validation",
        ));
        return;
    }
    super::validate_cel::Walker::new(out).node(obj, s, is_root, prefix, 0);
}

/// Compiles a rule for a schema node (used at CRD validation and runtime).
pub(crate) fn compile_rule(
    src: &str,
    s: &Value,
    is_root: bool,
    expect: Expect,
) -> Result<Program, String> {
    Program::compile(src, Some(s), is_root, expect).map_err(|e| e.detail)
}
