//! Strategic merge patch (`application/strategic-merge-patch+json`, spec §4.1).
//!
//! Follows `StrategicMergeMapPatch` of `k8s.io/apimachinery/pkg/util/strategicpatch` as
//! kube-apiserver runs it (parallel lists merged, unmatched `null`s ignored):
//!
//! - Objects merge recursively; a `null` value deletes the key. Values for keys that are absent
//!   (or of another JSON type) in the live object are taken from the patch with their `null`
//!   members dropped and every object carrying `$patch` removed.
//! - A field with strategy `replace` takes the patch value as is. Lists without strategy
//!   `merge` (tolerations, command, unknown fields, …) are replaced whole, verbatim.
//! - Lists with strategy `merge`: objects merge by the field's merge key (`$patch: delete`
//!   items remove live items with that key, a `{"$patch": "replace"}` item makes the other
//!   items the whole list); scalars form a union, and `$deleteFromPrimitiveList/<field>`
//!   removes values. Ordering follows upstream's best effort: patch items keep their patch
//!   order and are interleaved with the remaining live items by live position, so new items
//!   end up *before* the live ones unless `$setElementOrder/<field>` says otherwise.
//! - `$setElementOrder/<field>` sets the relative order of the listed items; live items not
//!   listed keep their live order and are interleaved the same way.
//! - `$retainKeys` drops live keys it does not list. Like upstream it is honoured on any object,
//!   whether or not the field declares the `retainKeys` strategy, and the patch may only set
//!   keys that it lists.
//! - `$patch: replace` in an object makes the (rest of the) patch object the value;
//!   `$patch: delete` turns a live object into `{}` and is dropped from new values.
//!
//! Upstream merges lists in place, and `$setElementOrder` then orders unlisted live items
//! against the live list *as mutated by that merge*; this is reproduced (see
//! `list::live_after_merge`), so results match upstream item for item.
//!
//! Deliberate choices where upstream is unspecified: upstream walks the patch object in Go's
//! random map order; here `$retainKeys`, then `$setElementOrder/*`, then ordinary keys, then
//! `$deleteFromPrimitiveList/*` are processed (which gives the intended result for every patch
//! kubectl generates). Fields without metadata behave like fields without a strategy
//! (upstream fails with `unable to find api field` when it must recurse into one, which cannot
//! happen for objects decoded from typed structs).

use serde_json::{Map, Value};

use super::{check_depth, go_fmt, go_type, json_kind, prune_nulls, PatchError};

const DIRECTIVE: &str = "$patch";
const RETAIN_KEYS: &str = "$retainKeys";
const DELETE_FROM_PRIMITIVE_LIST: &str = "$deleteFromPrimitiveList";
const SET_ELEMENT_ORDER: &str = "$setElementOrder";

/// One entry of `x-kubernetes-patch-strategy` (Go tag `patchStrategy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PatchStrategy {
    /// `merge`: lists merge (by merge key for objects, as a set for scalars).
    Merge,
    /// `retainKeys`: the object may carry a `$retainKeys` directive.
    RetainKeys,
    /// `replace`: the value is replaced whole.
    Replace,
}

impl PatchStrategy {
    /// Parses one strategy name.
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "merge" => Some(Self::Merge),
            "retainKeys" => Some(Self::RetainKeys),
            "replace" => Some(Self::Replace),
            _ => None,
        }
    }

    /// Parses an `x-kubernetes-patch-strategy` value such as `merge,retainKeys`; unknown or
    /// empty entries are skipped.
    pub fn parse_list(extension: &str) -> Vec<Self> {
        extension
            .split(',')
            .filter_map(|s| Self::parse(s.trim()))
            .collect()
    }

    /// The name as written in the extension.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Merge => "merge",
            Self::RetainKeys => "retainKeys",
            Self::Replace => "replace",
        }
    }
}

/// Per-field strategic-merge metadata, a view of the schema (upstream `LookupPatchMeta`).
///
/// A node describes one value position. The node of an object field carries that field's
/// strategies and merge key (which, as in OpenAPI, sit on the field, e.g. on `containers`, not
/// on `Container`); its [`PatchMeta::elements`] describes the list items, or the values of a
/// map (`additionalProperties`). A child key of an object is looked up with
/// [`PatchMeta::field`] first and falls back to [`PatchMeta::elements`], so map-valued fields
/// need no per-key entries. Missing metadata is the same as "no strategy" (see
/// [`NoMeta`]).
pub trait PatchMeta {
    /// Metadata of the named field of this object node, if known.
    fn field(&self, name: &str) -> Option<&dyn PatchMeta>;
    /// Metadata of the elements when this node is a list (or of the values when it is a map).
    fn elements(&self) -> Option<&dyn PatchMeta>;
    /// `x-kubernetes-patch-strategy` split on commas (at most two, one of them `retainKeys`).
    fn strategies(&self) -> &[PatchStrategy];
    /// `x-kubernetes-patch-merge-key`.
    fn merge_key(&self) -> Option<&str>;
}

/// Metadata that knows nothing: every field has no strategy, so objects merge and lists are
/// replaced.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoMeta;

impl PatchMeta for NoMeta {
    fn field(&self, _name: &str) -> Option<&dyn PatchMeta> {
        None
    }
    fn elements(&self) -> Option<&dyn PatchMeta> {
        None
    }
    fn strategies(&self) -> &[PatchStrategy] {
        &[]
    }
    fn merge_key(&self) -> Option<&str> {
        None
    }
}

static NO_META: NoMeta = NoMeta;

/// Applies a strategic merge patch to `original` (a JSON object) and returns the result.
///
/// A `null` patch changes nothing; a `null` original is treated as `{}`.
pub fn strategic_merge(
    original: &Value,
    patch: &Value,
    meta: &dyn PatchMeta,
) -> Result<Value, PatchError> {
    let original = match original {
        Value::Object(map) => map.clone(),
        Value::Null => Map::new(),
        _ => return Err(PatchError::InvalidDocument),
    };
    let patch = match patch {
        Value::Object(map) => map.clone(),
        Value::Null => return Ok(Value::Object(original)),
        other => {
            return Err(PatchError::PatchNotAnObject {
                found: json_kind(other),
            })
        }
    };
    merge_map(original, patch, meta, 0).map(Value::Object)
}

/// Metadata of the value under `key` of an object described by `meta`.
fn child<'a>(meta: &'a dyn PatchMeta, key: &str) -> &'a dyn PatchMeta {
    meta.field(key)
        .or_else(|| meta.elements())
        .unwrap_or(&NO_META)
}

fn items_of(meta: &dyn PatchMeta) -> &dyn PatchMeta {
    meta.elements().unwrap_or(&NO_META)
}

fn merge_key_of(meta: &dyn PatchMeta) -> Option<&str> {
    meta.merge_key().filter(|key| !key.is_empty())
}

/// The strategy besides `retainKeys` (upstream `extractRetainKeysPatchStrategy`).
fn strategy_of(meta: &dyn PatchMeta) -> Result<Option<PatchStrategy>, PatchError> {
    use PatchStrategy::RetainKeys;
    match meta.strategies() {
        [] | [RetainKeys] => Ok(None),
        [one] | [RetainKeys, one] | [one, RetainKeys] => Ok(Some(*one)),
        other => Err(PatchError::UnexpectedPatchStrategy {
            strategies: other
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(" "),
        }),
    }
}

/// `prefix/field` → `field` for directive keys (upstream `extractKey`).
fn directive_field<'k>(key: &'k str, prefix: &str) -> Option<&'k str> {
    key.split_once('/')
        .filter(|(head, _)| *head == prefix)
        .map(|(_, field)| field)
}

fn unknown_patch_type(value: &str, map: &Map<String, Value>) -> PatchError {
    PatchError::UnknownPatchType {
        value: value.to_owned(),
        map: go_fmt(&Value::Object(map.clone())),
    }
}

fn merge_map(
    mut original: Map<String, Value>,
    mut patch: Map<String, Value>,
    meta: &dyn PatchMeta,
    depth: usize,
) -> Result<Map<String, Value>, PatchError> {
    check_depth(depth)?;
    if let Some(directive) = patch.get(DIRECTIVE) {
        return match directive {
            Value::String(s) if s == "replace" => {
                patch.remove(DIRECTIVE);
                Ok(patch)
            }
            Value::String(s) if s == "delete" => Ok(Map::new()),
            Value::String(s) => Err(unknown_patch_type(s, &patch)),
            _ => Err(PatchError::InvalidDirectiveValue),
        };
    }
    retain_keys(&mut original, &mut patch)?;
    set_element_order(&mut original, &mut patch, meta, depth)?;
    let mut deletions = Vec::new();
    for (key, value) in patch {
        if key.starts_with(DELETE_FROM_PRIMITIVE_LIST) {
            deletions.push((key, value));
        } else {
            merge_field(&mut original, key, value, false, meta, depth)?;
        }
    }
    for (key, value) in deletions {
        let field = directive_field(&key, DELETE_FROM_PRIMITIVE_LIST)
            .ok_or(PatchError::BadPrimitiveListFormat)?;
        merge_field(&mut original, field.to_owned(), value, true, meta, depth)?;
    }
    Ok(original)
}

/// Merges `patch` into `original[key]`; `deletion` marks a `$deleteFromPrimitiveList` list.
fn merge_field(
    original: &mut Map<String, Value>,
    key: String,
    patch: Value,
    deletion: bool,
    meta: &dyn PatchMeta,
    depth: usize,
) -> Result<(), PatchError> {
    if patch.is_null() {
        original.remove(&key);
        return Ok(());
    }
    match (original.get_mut(&key), patch) {
        (Some(Value::Object(current)), Value::Object(patch)) => {
            let field = child(meta, &key);
            let merged = if strategy_of(field)? == Some(PatchStrategy::Replace) {
                patch
            } else {
                merge_map(std::mem::take(current), patch, field, depth + 1)?
            };
            *current = merged;
        }
        (Some(Value::Array(current)), Value::Array(patch)) => {
            let field = child(meta, &key);
            let live = std::mem::take(current);
            *current = merge_list_field(live, patch, field, deletion, &key, depth + 1)?;
        }
        (_, mut patch) => {
            if !deletion {
                prune_nulls(&mut patch, depth + 1)?;
                match remove_directives(patch, depth + 1)? {
                    Some(value) => original.insert(key, value),
                    None => original.remove(&key),
                };
            }
        }
    }
    Ok(())
}

/// Applies the field's list strategy (upstream `mergeSliceHandler`).
fn merge_list_field(
    live: Vec<Value>,
    patch: Vec<Value>,
    field: &dyn PatchMeta,
    deletion: bool,
    name: &str,
    depth: usize,
) -> Result<Vec<Value>, PatchError> {
    if deletion || strategy_of(field)? == Some(PatchStrategy::Merge) {
        list::merge_list(
            live,
            patch,
            items_of(field),
            merge_key_of(field),
            deletion,
            name,
            depth,
        )
    } else {
        Ok(patch)
    }
}

/// Drops objects that carry `$patch` (recursively), keeping everything else.
fn remove_directives(value: Value, depth: usize) -> Result<Option<Value>, PatchError> {
    check_depth(depth)?;
    Ok(match value {
        Value::Object(map) if map.contains_key(DIRECTIVE) => None,
        Value::Object(map) => {
            let mut out = Map::new();
            for (key, value) in map {
                if let Some(value) = remove_directives(value, depth + 1)? {
                    out.insert(key, value);
                }
            }
            Some(Value::Object(out))
        }
        Value::Array(items) => Some(Value::Array(remove_list_directives(items, depth)?)),
        other => Some(other),
    })
}

fn remove_list_directives(items: Vec<Value>, depth: usize) -> Result<Vec<Value>, PatchError> {
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        out.extend(remove_directives(item, depth + 1)?);
    }
    Ok(out)
}

/// `$retainKeys`: drop live keys not listed; the patch may only set listed keys.
fn retain_keys(
    original: &mut Map<String, Value>,
    patch: &mut Map<String, Value>,
) -> Result<(), PatchError> {
    let Some(list) = patch.remove(RETAIN_KEYS) else {
        return Ok(());
    };
    let Value::Array(list) = list else {
        return Err(PatchError::BadRetainKeysFormat);
    };
    let listed = |key: &str| list.iter().any(|v| v.as_str() == Some(key));
    let unlisted = patch.iter().any(|(key, value)| {
        !value.is_null()
            && !key.starts_with(DELETE_FROM_PRIMITIVE_LIST)
            && !key.starts_with(SET_ELEMENT_ORDER)
            && !listed(key)
    });
    if unlisted {
        return Err(PatchError::BadRetainKeysFormat);
    }
    original.retain(|key, _| listed(key));
    Ok(())
}

/// Processes every `$setElementOrder/<field>` with its list (upstream `mergePatchIntoOriginal`).
fn set_element_order(
    original: &mut Map<String, Value>,
    patch: &mut Map<String, Value>,
    meta: &dyn PatchMeta,
    depth: usize,
) -> Result<(), PatchError> {
    let directives: Vec<String> = patch
        .keys()
        .filter(|k| k.starts_with(SET_ELEMENT_ORDER))
        .cloned()
        .collect();
    for directive in directives {
        let Some(order) = patch.remove(&directive) else {
            continue;
        };
        let Value::Array(order) = order else {
            return Err(PatchError::BadArgType {
                expected: "[]interface {}",
                actual: go_type(&order),
            });
        };
        let name = directive_field(&directive, SET_ELEMENT_ORDER)
            .ok_or(PatchError::BadSetElementOrderFormat)?;
        let live = list_member(original, name)?;
        let patched = list_member(patch, name)?;
        let field = child(meta, name);
        let strategy = strategy_of(field)?;
        let key = merge_key_of(field);
        list::validate_order(patched.as_deref().unwrap_or_default(), &order, key)?;
        let merged = match (&live, &patched) {
            (Some(live), None) => live.clone(),
            (None, Some(patched)) => remove_list_directives(patched.clone(), depth)?,
            (Some(live), Some(patched)) => {
                merge_list_field(live.clone(), patched.clone(), field, false, name, depth + 1)?
            }
            (None, None) => continue,
        };
        let (listed, unlisted) = list::partition(merged, &order, key)?;
        let (live, patched) = (live.unwrap_or_default(), patched.unwrap_or_default());
        let kind = list::element_kind(&[&live, &patched])?;
        let reference = match key {
            Some(key) if kind == list::Kind::Object && strategy == Some(PatchStrategy::Merge) => {
                list::live_after_merge(&live, &patched, key)
            }
            _ => live,
        };
        let ordered = list::normalize_order(listed, unlisted, &order, &reference, key, kind)?;
        original.insert(name.to_owned(), Value::Array(ordered));
        patch.remove(name);
    }
    Ok(())
}

/// A copy of the list under `name`, `None` when absent; an error when not a list.
fn list_member(map: &Map<String, Value>, name: &str) -> Result<Option<Vec<Value>>, PatchError> {
    match map.get(name) {
        None => Ok(None),
        Some(Value::Array(items)) => Ok(Some(items.clone())),
        Some(other) => Err(PatchError::BadArgType {
            expected: "[]interface {}",
            actual: go_type(other),
        }),
    }
}

#[path = "strategic_list.rs"]
mod list;

#[cfg(test)]
#[path = "strategic_tests.rs"]
mod tests;
