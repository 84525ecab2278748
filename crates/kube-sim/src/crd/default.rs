//! Structural defaulting (§5.3 step 4), following apiextensions-apiserver
//! `schema/defaulting` (`PruneNonNullableNullsWithoutDefaults` + `Default`).

use serde_json::Value;

use super::schema::{
    additional_schema, default_of, field_schema, items, nullable, prop, props, sorted_keys,
};
use super::MAX_DEPTH;

/// Applies the schema's `default`s to `obj`:
///
/// * `null` in a non-nullable field without a default is removed;
/// * a missing property whose parent object exists gets its default (a deep
///   copy); defaults of the newly created value are applied recursively;
/// * `null` in a non-nullable field with a default is replaced by the
///   default (also for array items and additionalProperties values).
///
/// Runs on writes (after [`super::prune`]) and on every read from storage.
pub fn apply_defaults(obj: &mut Value, schema: &Value) {
    prune_nulls(obj, Some(schema), 0);
    default_node(obj, Some(schema), 0);
}

fn is_non_nullable_null(x: &Value, s: Option<&Value>) -> bool {
    x.is_null() && s.is_some_and(|s| !nullable(s))
}

fn prune_nulls(x: &mut Value, s: Option<&Value>, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    match x {
        Value::Object(map) => {
            let keys: Vec<String> = map.keys().cloned().collect();
            for k in keys {
                let fs = field_schema(s, &k);
                let remove = map.get(&k).is_some_and(|v| {
                    is_non_nullable_null(v, fs) && fs.and_then(default_of).is_none()
                });
                if remove {
                    map.remove(&k);
                } else if let Some(v) = map.get_mut(&k) {
                    prune_nulls(v, fs, depth + 1);
                }
            }
        }
        Value::Array(list) => {
            let item_schema = s.and_then(items);
            for v in list.iter_mut() {
                prune_nulls(v, item_schema, depth + 1);
            }
        }
        _ => {}
    }
}

fn default_node(x: &mut Value, s: Option<&Value>, depth: usize) {
    let Some(s) = s else { return };
    if depth > MAX_DEPTH {
        return;
    }
    match x {
        Value::Object(map) => {
            if let Some(properties) = props(s) {
                for k in sorted_keys(properties) {
                    let p = &properties[k.as_str()];
                    let Some(d) = default_of(p) else { continue };
                    let missing = match map.get(k.as_str()) {
                        None => true,
                        Some(v) => is_non_nullable_null(v, Some(p)),
                    };
                    if missing {
                        map.insert(k.clone(), d.clone());
                    }
                }
            }
            for (k, v) in map.iter_mut() {
                if let Some(p) = prop(s, k) {
                    default_node(v, Some(p), depth + 1);
                } else if let Some(a) = additional_schema(s) {
                    if is_non_nullable_null(v, Some(a)) {
                        if let Some(d) = default_of(a) {
                            *v = d.clone();
                        }
                    }
                    default_node(v, Some(a), depth + 1);
                }
            }
        }
        Value::Array(list) => {
            let item_schema = items(s);
            for v in list.iter_mut() {
                if is_non_nullable_null(v, item_schema) {
                    if let Some(d) = item_schema.and_then(default_of) {
                        *v = d.clone();
                    }
                }
                default_node(v, item_schema, depth + 1);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
#[path = "default_tests.rs"]
mod tests;
