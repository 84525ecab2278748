//! Read-only accessors for a JSON-schema node (`JSONSchemaProps` as JSON).

use serde_json::{Map, Value};

/// `additionalProperties` of a structural schema node.
#[derive(Clone, Copy, Debug)]
pub(crate) enum AddProps<'a> {
    Absent,
    Bool(bool),
    Schema(&'a Value),
}

/// The `type` of the node, `""` when unset.
pub(crate) fn typ(s: &Value) -> &str {
    s.get("type").and_then(Value::as_str).unwrap_or("")
}

/// Whether a boolean extension/flag is `true`.
pub(crate) fn flag(s: &Value, key: &str) -> bool {
    s.get(key).and_then(Value::as_bool).unwrap_or(false)
}

pub(crate) fn preserve_unknown(s: &Value) -> bool {
    flag(s, "x-kubernetes-preserve-unknown-fields")
}

pub(crate) fn embedded(s: &Value) -> bool {
    flag(s, "x-kubernetes-embedded-resource")
}

pub(crate) fn int_or_string(s: &Value) -> bool {
    flag(s, "x-kubernetes-int-or-string")
}

pub(crate) fn nullable(s: &Value) -> bool {
    flag(s, "nullable")
}

pub(crate) fn props(s: &Value) -> Option<&Map<String, Value>> {
    s.get("properties").and_then(Value::as_object)
}

pub(crate) fn prop<'a>(s: &'a Value, name: &str) -> Option<&'a Value> {
    props(s).and_then(|p| p.get(name))
}

/// `items` when it is a single schema (tuple-form arrays are not structural).
pub(crate) fn items(s: &Value) -> Option<&Value> {
    s.get("items").filter(|v| v.is_object())
}

pub(crate) fn additional(s: &Value) -> AddProps<'_> {
    match s.get("additionalProperties") {
        Some(Value::Bool(b)) => AddProps::Bool(*b),
        Some(v @ Value::Object(_)) => AddProps::Schema(v),
        _ => AddProps::Absent,
    }
}

/// The schema of the `additionalProperties` values, if given as a schema.
pub(crate) fn additional_schema(s: &Value) -> Option<&Value> {
    match additional(s) {
        AddProps::Schema(v) => Some(v),
        _ => None,
    }
}

/// `default` (a JSON `null` default counts as no default).
pub(crate) fn default_of(s: &Value) -> Option<&Value> {
    s.get("default").filter(|v| !v.is_null())
}

pub(crate) fn str_list<'a>(s: &'a Value, key: &str) -> Vec<&'a str> {
    s.get(key)
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// The schema node for the child `key` of an object: a property schema, or
/// the additionalProperties schema.
pub(crate) fn field_schema<'a>(s: Option<&'a Value>, key: &str) -> Option<&'a Value> {
    let s = s?;
    prop(s, key).or_else(|| additional_schema(s))
}

/// Keys of a map in a deterministic (sorted) order.
pub(crate) fn sorted_keys(m: &Map<String, Value>) -> Vec<&String> {
    let mut keys: Vec<&String> = m.keys().collect();
    keys.sort();
    keys
}

/// The OpenAPI type list used by kube-openapi's validator: int-or-string
/// widens an empty type to `integer,string`.
pub(crate) fn validator_types(s: &Value) -> Vec<&str> {
    if int_or_string(s) {
        return vec!["integer", "string"];
    }
    match typ(s) {
        "" => Vec::new(),
        t => vec![t],
    }
}

/// The format kept by the apiserver (unsupported formats are dropped
/// before validation).
pub(crate) fn effective_format(s: &Value) -> &str {
    let format = s.get("format").and_then(Value::as_str).unwrap_or("");
    if format.is_empty() {
        return "";
    }
    let types = validator_types(s);
    let single = if types.len() == 1 { types[0] } else { "" };
    match single {
        "" | "string" if super::formats::is_supported(format) => format,
        "integer" if format == "int32" || format == "int64" => format,
        "number" if format == "float" || format == "double" => format,
        _ => "",
    }
}
