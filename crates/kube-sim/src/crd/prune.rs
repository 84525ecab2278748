//! Structural pruning of custom resources (§5.3 step 3), following
//! apiextensions-apiserver `schema/pruning` and `schema/objectmeta`.

use serde_json::Value;

use super::fielderr::{child, index, key};
use super::schema::{additional, embedded, items, preserve_unknown, prop, AddProps};
use super::{meta, MAX_DEPTH};

fn is_meta_field(k: &str) -> bool {
    matches!(k, "apiVersion" | "kind" | "metadata")
}

/// Removes every field of `obj` the structural `schema` does not specify.
///
/// * `x-kubernetes-preserve-unknown-fields: true` stops pruning below a node
///   (known properties underneath are still pruned);
/// * at the root and in `x-kubernetes-embedded-resource` objects
///   `apiVersion`, `kind` and `metadata` are always kept, and `metadata` is
///   reduced to `ObjectMeta` fields;
/// * `null` metadata becomes `{}`.
///
/// Returns the paths of the removed unknown fields in the order the
/// apiserver reports them for `fieldValidation=Strict|Warn`: root
/// `metadata.*` fields, then pruned fields (sorted, `spec.foo`,
/// `spec.list[0].bar`, map keys as `.key`), then unknown fields inside
/// embedded resources' metadata.
pub fn prune(obj: &mut Value, schema: &Value) -> Vec<String> {
    let mut root_meta = Vec::new();
    if let Some(m) = obj.as_object_mut() {
        meta::reduce(m, "", &mut root_meta);
    }
    root_meta.sort();

    let mut pruned = Vec::new();
    prune_node(obj, Some(schema), true, "", &mut pruned, 0);
    pruned.sort();

    let mut embedded_meta = Vec::new();
    coerce(obj, schema, "", &mut embedded_meta, 0);
    embedded_meta.sort();

    root_meta.extend(pruned);
    root_meta.extend(embedded_meta);
    root_meta
}

/// Pruning only (no metadata reduction), for CRD default values.
pub(crate) fn prune_at(obj: &mut Value, schema: &Value, is_resource_root: bool) {
    let mut ignored = Vec::new();
    prune_node(obj, Some(schema), is_resource_root, "", &mut ignored, 0);
}

fn append_key(path: &str, k: &str) -> String {
    if path.is_empty() {
        k.to_string()
    } else {
        format!("{path}.{k}")
    }
}

fn append_index(path: &str, i: usize) -> String {
    format!("{path}[{i}]")
}

/// The schema that applies to values of unknown keys, when the node has
/// `additionalProperties` (a boolean `additionalProperties` has no schema:
/// everything nested below is pruned).
fn additional_for(s: &Value) -> Option<Option<&Value>> {
    match additional(s) {
        AddProps::Absent => None,
        AddProps::Bool(_) => Some(None),
        AddProps::Schema(a) => Some(Some(a)),
    }
}

fn prune_node(
    x: &mut Value,
    s: Option<&Value>,
    force_embedded: bool,
    path: &str,
    out: &mut Vec<String>,
    depth: usize,
) {
    if depth > MAX_DEPTH {
        return;
    }
    if let Some(s) = s.filter(|s| preserve_unknown(s)) {
        skip_prune(x, Some(s), force_embedded, path, out, depth);
        return;
    }
    let is_embedded = force_embedded || s.is_some_and(embedded);
    match x {
        Value::Object(map) => {
            let Some(s) = s else {
                for k in map.keys() {
                    out.push(append_key(path, k));
                }
                map.clear();
                return;
            };
            let keys: Vec<String> = map.keys().cloned().collect();
            for k in keys {
                if is_embedded && is_meta_field(&k) {
                    continue;
                }
                let Some(v) = map.get_mut(&k) else { continue };
                if let Some(p) = prop(s, &k) {
                    prune_node(v, Some(p), false, &append_key(path, &k), out, depth + 1);
                } else if let Some(a) = additional_for(s) {
                    prune_node(v, a, false, &append_key(path, &k), out, depth + 1);
                } else {
                    if !is_meta_field(&k) || !path.is_empty() {
                        out.push(append_key(path, &k));
                    }
                    map.remove(&k);
                }
            }
        }
        Value::Array(list) => {
            let item_schema = s.and_then(items);
            for (i, v) in list.iter_mut().enumerate() {
                prune_node(
                    v,
                    item_schema,
                    false,
                    &append_index(path, i),
                    out,
                    depth + 1,
                );
            }
        }
        _ => {}
    }
}

fn skip_prune(
    x: &mut Value,
    s: Option<&Value>,
    force_embedded: bool,
    path: &str,
    out: &mut Vec<String>,
    depth: usize,
) {
    let Some(s) = s else { return };
    if depth > MAX_DEPTH {
        return;
    }
    let is_embedded = force_embedded || embedded(s);
    match x {
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                if is_embedded && is_meta_field(k) {
                    continue;
                }
                if let Some(p) = prop(s, k) {
                    prune_node(v, Some(p), false, &append_key(path, k), out, depth + 1);
                } else if let Some(a) = additional_for(s) {
                    prune_node(v, a, false, &append_key(path, k), out, depth + 1);
                }
            }
        }
        Value::Array(list) => {
            for (i, v) in list.iter_mut().enumerate() {
                skip_prune(v, items(s), false, &append_index(path, i), out, depth + 1);
            }
        }
        _ => {}
    }
}

/// `objectmeta.Coerce` below the root: reduces the metadata of embedded
/// resources, recording unknown metadata fields with field-path notation.
fn coerce(x: &mut Value, s: &Value, pth: &str, out: &mut Vec<String>, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    match x {
        Value::Object(map) => {
            if embedded(s) && !pth.is_empty() {
                meta::reduce(map, pth, out);
            }
            for (k, v) in map.iter_mut() {
                if let Some(p) = prop(s, k) {
                    coerce(v, p, &child(pth, k), out, depth + 1);
                } else if let AddProps::Schema(a) = additional(s) {
                    coerce(v, a, &key(pth, k), out, depth + 1);
                }
            }
        }
        Value::Array(list) => {
            if let Some(it) = items(s) {
                for (i, v) in list.iter_mut().enumerate() {
                    coerce(v, it, &index(pth, i), out, depth + 1);
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
#[path = "prune_tests.rs"]
mod tests;
