//! `ObjectMeta` handling for custom resources: reduction of `metadata` to
//! the fields of `metav1.ObjectMeta` (what the JSON round trip through the Go
//! type does) and validation of embedded resources' TypeMeta/ObjectMeta.

use serde_json::{Map, Value};

use super::fielderr::{child, forbidden, invalid, invalid_str, required, too_long};
use super::names;
use super::Cause;

#[derive(Clone, Copy)]
enum Kind {
    Str,
    /// string, dropped when empty (omitempty)
    OptStr,
    /// int64, dropped when 0 (omitempty)
    OptInt,
    /// *int64: kept when 0
    PtrInt,
    Time,
    StrMap,
    StrList,
    OwnerRefs,
    ManagedFields,
}

fn object_meta_kind(key: &str) -> Option<Kind> {
    Some(match key {
        "name" | "generateName" | "namespace" | "selfLink" | "uid" | "resourceVersion" => {
            Kind::OptStr
        }
        "generation" => Kind::OptInt,
        "deletionGracePeriodSeconds" => Kind::PtrInt,
        "creationTimestamp" | "deletionTimestamp" => Kind::Time,
        "labels" | "annotations" => Kind::StrMap,
        "finalizers" => Kind::StrList,
        "ownerReferences" => Kind::OwnerRefs,
        "managedFields" => Kind::ManagedFields,
        _ => return None,
    })
}

fn owner_ref_kind(key: &str) -> Option<Kind> {
    match key {
        "apiVersion" | "kind" | "name" | "uid" => Some(Kind::Str),
        "controller" | "blockOwnerDeletion" => Some(Kind::Str),
        _ => None,
    }
}

fn managed_fields_kind(key: &str) -> Option<Kind> {
    match key {
        "manager" | "operation" | "apiVersion" | "fieldsType" | "subresource" => Some(Kind::OptStr),
        "time" => Some(Kind::Time),
        "fieldsV1" => Some(Kind::StrMap),
        _ => None,
    }
}

/// Whether the value decodes into the Go field; `Ok(false)` means "drop it"
/// (zero value under omitempty), `Err` a malformed value.
fn keep(kind: Kind, v: &Value) -> Result<bool, ()> {
    match (kind, v) {
        (_, Value::Null) => Ok(false),
        (Kind::Str, Value::String(_)) => Ok(true),
        (Kind::OptStr, Value::String(s)) => Ok(!s.is_empty()),
        (Kind::OptInt, Value::Number(n)) => n.as_i64().map(|i| i != 0).ok_or(()),
        (Kind::PtrInt, Value::Number(n)) => n.as_i64().map(|_| true).ok_or(()),
        (Kind::Time, Value::String(s)) => super::formats::is_date_time(s).then_some(true).ok_or(()),
        (Kind::StrMap, Value::Object(m)) => {
            if m.values().all(Value::is_string) {
                Ok(!m.is_empty())
            } else {
                Err(())
            }
        }
        (Kind::StrList, Value::Array(a)) => {
            if a.iter().all(Value::is_string) {
                Ok(!a.is_empty())
            } else {
                Err(())
            }
        }
        (Kind::OwnerRefs | Kind::ManagedFields, Value::Array(a)) => {
            if a.iter().all(|e| e.is_object() || e.is_null()) {
                Ok(!a.is_empty())
            } else {
                Err(())
            }
        }
        _ => Err(()),
    }
}

/// Reduces `obj.metadata` to ObjectMeta fields. Unknown fields are removed
/// and their paths (`<parent>.metadata.<field>`) appended to `unknown`;
/// malformed known fields are dropped.
pub(crate) fn reduce(obj: &mut Map<String, Value>, parent: &str, unknown: &mut Vec<String>) {
    let Some(meta) = obj.get_mut("metadata") else {
        return;
    };
    if meta.is_null() {
        *meta = Value::Object(Map::new());
        return;
    }
    let Some(m) = meta.as_object_mut() else {
        return;
    };
    let prefix = child(parent, "metadata");
    let keys: Vec<String> = m.keys().cloned().collect();
    for k in keys {
        let Some(kind) = object_meta_kind(&k) else {
            unknown.push(format!("{prefix}.{k}"));
            m.remove(&k);
            continue;
        };
        let value_ok = m.get(&k).map_or(Ok(false), |v| keep(kind, v));
        match value_ok {
            Ok(true) => {}
            Ok(false) | Err(()) => {
                m.remove(&k);
                continue;
            }
        }
        let entry_kind: fn(&str) -> Option<Kind> = match kind {
            Kind::OwnerRefs => owner_ref_kind,
            Kind::ManagedFields => managed_fields_kind,
            _ => continue,
        };
        if let Some(Value::Array(items)) = m.get_mut(&k) {
            for (i, item) in items.iter_mut().enumerate() {
                reduce_entry(item, entry_kind, &format!("{prefix}.{k}[{i}]"), unknown);
            }
        }
    }
}

fn reduce_entry(
    item: &mut Value,
    kind_of: fn(&str) -> Option<Kind>,
    path: &str,
    unknown: &mut Vec<String>,
) {
    let Some(m) = item.as_object_mut() else {
        *item = Value::Object(Map::new());
        return;
    };
    let keys: Vec<String> = m.keys().cloned().collect();
    for k in keys {
        match kind_of(&k) {
            None => {
                unknown.push(format!("{path}.{k}"));
                m.remove(&k);
            }
            Some(_) if k == "controller" || k == "blockOwnerDeletion" => {
                if !m.get(&k).is_some_and(Value::is_boolean) {
                    m.remove(&k);
                }
            }
            Some(_) if k == "fieldsV1" => {
                if !m.get(&k).is_some_and(Value::is_object) {
                    m.remove(&k);
                }
            }
            Some(kind) => {
                if !matches!(m.get(&k).map(|v| keep(kind, v)), Some(Ok(true))) {
                    m.remove(&k);
                }
            }
        }
    }
}

/// `validateEmbeddedResource`: apiVersion/kind required and well-formed,
/// metadata validated like ObjectMeta with path-segment names.
pub(crate) fn validate_embedded(pth: &str, x: &Map<String, Value>, out: &mut Vec<Cause>) {
    if !x.contains_key("apiVersion") {
        out.push(required(&child(pth, "apiVersion"), ""));
    }
    if !x.contains_key("kind") {
        out.push(required(&child(pth, "kind"), ""));
    }
    for k in super::schema::sorted_keys(x) {
        let v = &x[k.as_str()];
        match k.as_str() {
            "apiVersion" => match v.as_str() {
                None => out.push(invalid(&child(pth, "apiVersion"), v, "must be a string")),
                Some("") => out.push(invalid_str(
                    &child(pth, "apiVersion"),
                    "",
                    "must not be empty",
                )),
                Some(s) if s.matches('/').count() > 1 => out.push(invalid_str(
                    &child(pth, "apiVersion"),
                    s,
                    &format!("unexpected GroupVersion string: {s}"),
                )),
                Some(_) => {}
            },
            "kind" => match v.as_str() {
                None => out.push(invalid(&child(pth, "kind"), v, "must be a string")),
                Some("") => out.push(invalid_str(&child(pth, "kind"), "", "must not be empty")),
                Some(s) => {
                    let errs = names::dns1035_label_errors(&s.to_lowercase());
                    if !errs.is_empty() {
                        let msg = format!(
                            "may have mixed case, but should otherwise match: {}",
                            errs.join(",")
                        );
                        out.push(invalid_str(&child(pth, "kind"), s, &msg));
                    }
                }
            },
            "metadata" => validate_object_meta(&child(pth, "metadata"), v, out),
            _ => {}
        }
    }
}

fn validate_object_meta(pth: &str, v: &Value, out: &mut Vec<Cause>) {
    let Some(m) = v.as_object() else {
        if !v.is_null() {
            out.push(invalid(
                pth,
                v,
                "json: cannot unmarshal into Go value of type v1.ObjectMeta",
            ));
        }
        return;
    };
    let s = |k: &str| m.get(k).and_then(Value::as_str).unwrap_or("");
    let generate_name = s("generateName");
    for msg in names::path_segment_errors(generate_name, true) {
        out.push(invalid_str(
            &child(pth, "generateName"),
            generate_name,
            &msg,
        ));
    }
    let name = s("name");
    for msg in names::path_segment_errors(name, false) {
        out.push(invalid_str(&child(pth, "name"), name, &msg));
    }
    let ns = s("namespace");
    if !ns.is_empty() {
        for msg in names::dns1123_label_errors(ns) {
            out.push(invalid_str(&child(pth, "namespace"), ns, &msg));
        }
    }
    if let Some(g) = m
        .get("generation")
        .and_then(Value::as_i64)
        .filter(|g| *g < 0)
    {
        out.push(invalid(
            &child(pth, "generation"),
            &Value::from(g),
            "must be greater than or equal to 0",
        ));
    }
    if let Some(labels) = m.get("labels").and_then(Value::as_object) {
        let lp = child(pth, "labels");
        for k in super::schema::sorted_keys(labels) {
            for msg in names::qualified_name_errors(k) {
                out.push(invalid_str(&lp, k, &msg));
            }
            let val = labels[k.as_str()].as_str().unwrap_or("");
            for msg in names::label_value_errors(val) {
                out.push(invalid_str(&lp, val, &msg));
            }
        }
    }
    if let Some(ann) = m.get("annotations").and_then(Value::as_object) {
        let ap = child(pth, "annotations");
        let mut size = 0usize;
        for k in super::schema::sorted_keys(ann) {
            for msg in names::qualified_name_errors(&k.to_lowercase()) {
                out.push(invalid_str(&ap, k, &msg));
            }
            size += k.len() + ann[k.as_str()].as_str().map_or(0, str::len);
        }
        if size > 256 * 1024 {
            out.push(too_long(&ap, 256 * 1024));
        }
    }
    if let Some(fins) = m.get("finalizers").and_then(Value::as_array) {
        let fp = child(pth, "finalizers");
        for f in fins.iter().filter_map(Value::as_str) {
            for msg in names::qualified_name_errors(f) {
                out.push(invalid_str(&fp, f, &msg));
            }
        }
    }
    if m.contains_key("managedFields") && !m.get("managedFields").is_some_and(Value::is_array) {
        out.push(forbidden(&child(pth, "managedFields"), "must be a list"));
    }
}
