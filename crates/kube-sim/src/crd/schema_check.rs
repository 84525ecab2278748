//! Structural-schema rules (apiextensions-apiserver `schema/validation.go`,
//! `complete.go`) and the validation of `default` values
//! (`defaulting/validation.go`).

use serde_json::Value;

use super::fielderr::{self, child, index, key};
use super::schema::{self, embedded, int_or_string, preserve_unknown, typ, AddProps};
use super::{validate_extra, Cause, MAX_DEPTH};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Level {
    Root,
    Item,
    Field,
}

fn props_path(p: &str, k: &str) -> String {
    key(&child(p, "properties"), k)
}

/// All structural errors of a schema, sorted like `ValidateStructural`.
pub(crate) fn structural_errors(s: &Value, path: &str) -> Vec<Cause> {
    let mut out = Vec::new();
    invariants(s, Level::Root, path, &mut out, 0);
    completeness_value(s, Some(s), path, path, &mut out, 0);
    out.sort_by_key(Cause::error_string);
    out
}

fn is_int_or_string_any_of(any_of: Option<&Value>) -> bool {
    let Some(Value::Array(a)) = any_of else {
        return false;
    };
    let only_type = |v: &Value, t: &str| {
        v.as_object()
            .is_some_and(|m| m.len() == 1 && m.get("type").and_then(Value::as_str) == Some(t))
    };
    a.len() == 2 && only_type(&a[0], "integer") && only_type(&a[1], "string")
}

fn invariants(s: &Value, lvl: Level, p: &str, out: &mut Vec<Cause>, depth: usize) {
    if depth > MAX_DEPTH || !s.is_object() {
        return;
    }
    let t = typ(s);
    if t == "array" && schema::items(s).is_none() {
        out.push(fielderr::required(&child(p, "items"), "must be specified"));
    }
    if let Some(it) = schema::items(s) {
        invariants(it, Level::Item, &child(p, "items"), out, depth + 1);
    }
    if let Some(props) = schema::props(s) {
        for (k, v) in props {
            invariants(v, Level::Field, &props_path(p, k), out, depth + 1);
        }
    }
    let ap = schema::additional(s);
    if !matches!(ap, AddProps::Absent) {
        if lvl == Level::Root {
            out.push(fielderr::forbidden(
                &child(p, "additionalProperties"),
                "must not be used at the root",
            ));
        }
        if let AddProps::Schema(a) = ap {
            invariants(
                a,
                Level::Field,
                &child(p, "additionalProperties"),
                out,
                depth + 1,
            );
        }
    }
    if int_or_string(s) && preserve_unknown(s) {
        let msg = "must be false if x-kubernetes-int-or-string is true";
        out.push(fielderr::invalid(
            &child(p, "x-kubernetes-preserve-unknown-fields"),
            &Value::Bool(true),
            msg,
        ));
    }
    if int_or_string(s) && embedded(s) {
        let msg = "must be false if x-kubernetes-int-or-string is true";
        out.push(fielderr::invalid(
            &child(p, "x-kubernetes-embedded-resource"),
            &Value::Bool(true),
            msg,
        ));
    }
    let skip_any_of = is_int_or_string_any_of(s.get("anyOf"));
    let skip_first_all_of = s
        .get("allOf")
        .and_then(Value::as_array)
        .and_then(|a| a.first())
        .is_some_and(|f| is_int_or_string_any_of(f.get("anyOf")));
    value_validation(s, skip_any_of, skip_first_all_of, p, out, depth);

    let check_metadata = lvl == Level::Root || embedded(s);
    if embedded(s) && t != "object" {
        let msg = "must be object if x-kubernetes-embedded-resource is true";
        if t.is_empty() {
            out.push(fielderr::required(&child(p, "type"), msg));
        } else {
            out.push(fielderr::invalid_str(&child(p, "type"), t, msg));
        }
    } else if t.is_empty() && !int_or_string(s) && !preserve_unknown(s) {
        let msg = match lvl {
            Level::Root => "must not be empty at the root",
            Level::Item => "must not be empty for specified array items",
            Level::Field => "must not be empty for specified object fields",
        };
        out.push(fielderr::required(&child(p, "type"), msg));
    }
    if embedded(s) && !matches!(ap, AddProps::Absent) {
        out.push(fielderr::forbidden(
            &child(p, "additionalProperties"),
            "must not be used if x-kubernetes-embedded-resource is set",
        ));
    }
    if lvl == Level::Root && !t.is_empty() && t != "object" {
        out.push(fielderr::invalid_str(
            &child(p, "type"),
            t,
            "must be object at the root",
        ));
    }
    for meta_key in ["kind", "apiVersion"] {
        if let Some(k) = schema::prop(s, meta_key).filter(|_| check_metadata) {
            if typ(k) != "string" {
                out.push(fielderr::invalid_str(
                    &child(&props_path(p, meta_key), "type"),
                    typ(k),
                    "must be string",
                ));
            }
        }
    }
    if let Some(m) = schema::prop(s, "metadata") {
        let mp = props_path(p, "metadata");
        if check_metadata && typ(m) != "object" {
            out.push(fielderr::invalid_str(
                &child(&mp, "type"),
                typ(m),
                "must be object",
            ));
        }
        if lvl == Level::Root && !metadata_is_plain(m) {
            let msg = "must not specify anything other than name and generateName, but metadata is implicitly specified";
            out.push(fielderr::forbidden(&mp, msg));
        }
    }
    if embedded(s) && !preserve_unknown(s) && schema::props(s).is_none_or(|p| p.is_empty()) {
        let msg = "must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields";
        out.push(fielderr::required(&child(p, "properties"), msg));
    }
}

pub(crate) fn is_zero(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Bool(b) => !b,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(m) => m.is_empty(),
        Value::Number(_) => false,
    }
}

/// Root `metadata` may only restrict `name` and `generateName`.
fn metadata_is_plain(m: &Value) -> bool {
    let Some(map) = m.as_object() else {
        return true;
    };
    map.iter().all(|(k, v)| match k.as_str() {
        "type" | "default" => true,
        "properties" => v
            .as_object()
            .is_none_or(|p| p.keys().all(|n| n == "name" || n == "generateName")),
        _ => is_zero(v),
    })
}

fn value_validation(
    s: &Value,
    skip_any_of: bool,
    skip_first_all_of: bool,
    p: &str,
    out: &mut Vec<Cause>,
    depth: usize,
) {
    let list = |k: &str| {
        s.get(k)
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    };
    if !skip_any_of {
        for (i, v) in list("anyOf").iter().enumerate() {
            nested(v, false, &index(&child(p, "anyOf"), i), out, depth + 1);
        }
    }
    for (i, v) in list("allOf").iter().enumerate() {
        nested(
            v,
            skip_first_all_of && i == 0,
            &index(&child(p, "allOf"), i),
            out,
            depth + 1,
        );
    }
    for (i, v) in list("oneOf").iter().enumerate() {
        nested(v, false, &index(&child(p, "oneOf"), i), out, depth + 1);
    }
    if let Some(not) = s.get("not").filter(|n| n.is_object()) {
        nested(not, false, &child(p, "not"), out, depth + 1);
    }
    if let Some(pattern) = s
        .get("pattern")
        .and_then(Value::as_str)
        .filter(|x| !x.is_empty())
    {
        if let Err(e) = validate_extra::go_regex(pattern) {
            let msg = format!("must be a valid regular expression, but isn't: {e}");
            out.push(fielderr::invalid_str(&child(p, "pattern"), pattern, &msg));
        }
    }
}

/// A schema under a junctor (`NestedValueValidation`).
fn nested(v: &Value, skip_any_of: bool, p: &str, out: &mut Vec<Cause>, depth: usize) {
    if depth > MAX_DEPTH || !v.is_object() {
        return;
    }
    value_validation(v, skip_any_of, false, p, out, depth);
    if let Some(it) = schema::items(v) {
        nested(it, false, &child(p, "items"), out, depth + 1);
    }
    if let Some(props) = schema::props(v) {
        for (k, sub) in props {
            nested(sub, false, &props_path(p, k), out, depth + 1);
        }
    }
    let forbid =
        |out: &mut Vec<Cause>, k: &str, msg: &str| out.push(fielderr::forbidden(&child(p, k), msg));
    if !typ(v).is_empty() {
        forbid(out, "type", "must be empty to be structural");
    }
    if v.get("additionalProperties").is_some() {
        forbid(
            out,
            "additionalProperties",
            "must be undefined to be structural",
        );
    }
    if schema::default_of(v).is_some() {
        forbid(out, "default", "must be undefined to be structural");
    }
    for (k, msg) in [
        ("title", "must be empty to be structural"),
        ("description", "must be empty to be structural"),
    ] {
        if v.get(k)
            .and_then(Value::as_str)
            .is_some_and(|x| !x.is_empty())
        {
            forbid(out, k, msg);
        }
    }
    for k in [
        "nullable",
        "x-kubernetes-preserve-unknown-fields",
        "x-kubernetes-embedded-resource",
        "x-kubernetes-int-or-string",
    ] {
        if schema::flag(v, k) {
            forbid(out, k, "must be false to be structural");
        }
    }
    if v.get("x-kubernetes-list-map-keys")
        .and_then(Value::as_array)
        .is_some_and(|a| !a.is_empty())
    {
        forbid(
            out,
            "x-kubernetes-list-map-keys",
            "must be empty to be structural",
        );
    }
    for k in ["x-kubernetes-list-type", "x-kubernetes-map-type"] {
        if v.get(k).is_some_and(|x| !x.is_null()) {
            forbid(out, k, "must be undefined to be structural");
        }
    }
    if v.get("x-kubernetes-validations")
        .and_then(Value::as_array)
        .is_some_and(|a| !a.is_empty())
    {
        forbid(
            out,
            "x-kubernetes-validations",
            "must be empty to be structural",
        );
    }
    if schema::prop(v, "metadata").is_some() {
        out.push(fielderr::forbidden(
            &props_path(p, "metadata"),
            "must not be specified in a nested context",
        ));
    }
}

/// `validateStructuralCompleteness`: value validations must only mention
/// properties/items that the structural part specifies.
fn completeness_value(
    v: &Value,
    s: Option<&Value>,
    sp: &str,
    vp: &str,
    out: &mut Vec<Cause>,
    depth: usize,
) {
    if depth > MAX_DEPTH {
        return;
    }
    let Some(s) = s else {
        out.push(fielderr::required(
            sp,
            &format!("because it is defined in {vp}"),
        ));
        return;
    };
    if let Some(not) = v.get("not").filter(|n| n.is_object()) {
        completeness_nested(not, Some(s), sp, &child(vp, "not"), out, depth + 1);
    }
    for k in ["allOf", "anyOf", "oneOf"] {
        for (i, n) in v
            .get(k)
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[])
            .iter()
            .enumerate()
        {
            completeness_nested(n, Some(s), sp, &index(&child(vp, k), i), out, depth + 1);
        }
    }
}

fn completeness_nested(
    v: &Value,
    s: Option<&Value>,
    sp: &str,
    vp: &str,
    out: &mut Vec<Cause>,
    depth: usize,
) {
    let Some(s) = s else {
        out.push(fielderr::required(
            sp,
            &format!("because it is defined in {vp}"),
        ));
        return;
    };
    completeness_value(v, Some(s), sp, vp, out, depth);
    if let Some(it) = schema::items(v) {
        completeness_nested(
            it,
            schema::items(s),
            &child(sp, "items"),
            &child(vp, "items"),
            out,
            depth + 1,
        );
    }
    if let Some(props) = schema::props(v) {
        for (k, sub) in props {
            match schema::prop(s, k) {
                None => {
                    let msg = format!("because it is defined in {}", props_path(vp, k));
                    out.push(fielderr::required(&props_path(sp, k), &msg));
                }
                Some(sf) => completeness_nested(
                    sub,
                    Some(sf),
                    &props_path(sp, k),
                    &props_path(vp, k),
                    out,
                    depth + 1,
                ),
            }
        }
    }
}
