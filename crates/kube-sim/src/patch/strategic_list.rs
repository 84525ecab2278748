//! Lists with strategy `merge` and element ordering for the strategic merge patch (upstream
//! `mergeSlice`, `normalizeElementOrder` and friends).
//!
//! Items are identified by their merge-key value (lists of objects) or by themselves (scalar
//! lists), compared the way Go compares decoded JSON (so `1` and `1.0` differ); lookups use
//! hash maps keyed by the compact JSON text, so large lists stay linear-ish.
//!
//! Not reproduced: upstream deduplicates scalar lists in place, which can reorder a live list
//! that itself contains duplicate values when its slice has spare capacity (unknowable here).

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use super::super::{check_depth, go_fmt, go_type, PatchError};
use super::{merge_map, PatchMeta, DIRECTIVE};

const MAP_TYPE: &str = "map[string]interface {}";

/// Go type of the list elements; `int64` and `float64` are distinct, as on the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Null,
    Bool,
    Int,
    Float,
    String,
    List,
    Object,
}

fn kind_of(value: &Value) -> Kind {
    match value {
        Value::Null => Kind::Null,
        Value::Bool(_) => Kind::Bool,
        Value::Number(n) if n.is_f64() => Kind::Float,
        Value::Number(_) => Kind::Int,
        Value::String(_) => Kind::String,
        Value::Array(_) => Kind::List,
        Value::Object(_) => Kind::Object,
    }
}

/// The common element type of the lists (upstream `sliceElementType`).
pub(super) fn element_kind(lists: &[&[Value]]) -> Result<Kind, PatchError> {
    let mut first = None;
    for item in lists.iter().flat_map(|list| list.iter()) {
        let kind = kind_of(item);
        match first {
            None if kind == Kind::List => return Err(PatchError::ListOfLists),
            // Upstream panics on a leading null; a later one is a type mismatch.
            None if kind == Kind::Null => return Err(mixed(lists)),
            None => first = Some(kind),
            Some(first) if first != kind => return Err(mixed(lists)),
            Some(_) => {}
        }
    }
    first.ok_or(PatchError::NoElements)
}

fn mixed(lists: &[&[Value]]) -> PatchError {
    let rendered = Value::Array(
        lists
            .iter()
            .map(|list| Value::Array(list.to_vec()))
            .collect(),
    );
    PatchError::MixedElementTypes {
        lists: go_fmt(&rendered),
    }
}

fn bad_map(item: &Value) -> PatchError {
    PatchError::BadArgType {
        expected: MAP_TYPE,
        actual: go_type(item),
    }
}

/// The merge-key value of a list item, which must be an object carrying it.
fn require_key<'v>(item: &'v Value, key: &str) -> Result<&'v Value, PatchError> {
    let map = item.as_object().ok_or_else(|| bad_map(item))?;
    map.get(key).ok_or_else(|| PatchError::NoMergeKey {
        map: go_fmt(item),
        key: key.to_owned(),
    })
}

/// Merges a list field with strategy `merge` (or a `$deleteFromPrimitiveList` list).
pub(super) fn merge_list(
    live: Vec<Value>,
    patch: Vec<Value>,
    items: &dyn PatchMeta,
    key: Option<&str>,
    deletion: bool,
    name: &str,
    depth: usize,
) -> Result<Vec<Value>, PatchError> {
    check_depth(depth)?;
    if live.is_empty() && patch.is_empty() {
        return Ok(live);
    }
    let kind = element_kind(&[&live, &patch])?;
    if kind != Kind::Object {
        if deletion {
            let remove: HashSet<String> = patch.iter().map(Value::to_string).collect();
            return Ok(live
                .into_iter()
                .filter(|v| !remove.contains(&v.to_string()))
                .collect());
        }
        let mut seen = HashSet::new();
        let merged: Vec<Value> = live
            .iter()
            .chain(&patch)
            .filter(|v| seen.insert(v.to_string()))
            .cloned()
            .collect();
        let (listed, unlisted) = partition(merged, &patch, key)?;
        return normalize_order(listed, unlisted, &patch, &live, key, kind);
    }
    let key = key.ok_or_else(|| PatchError::NoMergeKeyDeclared {
        field: name.to_owned(),
    })?;
    let (live, patch) = list_directives(live, patch, key)?;
    let merged = merge_by_key(live.clone(), &patch, key, items, depth)?;
    let (listed, unlisted) = partition(merged, &patch, Some(key))?;
    normalize_order(listed, unlisted, &patch, &live, Some(key), kind)
}

/// Handles `$patch` items: `delete` removes live items with that key, `replace` makes the other
/// patch items the new list. Returns the live list and the remaining patch items.
fn list_directives(
    live: Vec<Value>,
    patch: Vec<Value>,
    key: &str,
) -> Result<(Vec<Value>, Vec<Value>), PatchError> {
    let mut rest = Vec::with_capacity(patch.len());
    let mut deleted = HashSet::new();
    let mut replace = false;
    for item in patch {
        match item.get(DIRECTIVE) {
            None => rest.push(item),
            Some(Value::String(s)) if s == "delete" => match item.get(key) {
                Some(value) => {
                    deleted.insert(value.to_string());
                }
                None => {
                    return Err(PatchError::NoMergeKey {
                        map: go_fmt(&item),
                        key: key.to_owned(),
                    })
                }
            },
            Some(Value::String(s)) if s == "replace" => replace = true,
            Some(Value::String(s)) if s == "merge" => return Err(PatchError::MergeDirectiveInList),
            Some(Value::String(s)) => {
                return Err(PatchError::UnknownPatchType {
                    value: s.clone(),
                    map: go_fmt(&item),
                })
            }
            Some(_) => return Err(PatchError::InvalidDirectiveValue),
        }
    }
    if replace {
        return Ok((rest, Vec::new()));
    }
    let live = live
        .into_iter()
        .filter(|item| {
            item.get(key)
                .is_none_or(|v| !deleted.contains(&v.to_string()))
        })
        .collect();
    Ok((live, rest))
}

/// Merges each patch item into the live item with the same key, or appends it.
fn merge_by_key(
    mut live: Vec<Value>,
    patch: &[Value],
    key: &str,
    items: &dyn PatchMeta,
    depth: usize,
) -> Result<Vec<Value>, PatchError> {
    let mut index: HashMap<String, usize> = HashMap::new();
    for (i, item) in live.iter().enumerate() {
        if let Some(value) = item.get(key) {
            index.entry(value.to_string()).or_insert(i);
        }
    }
    for item in patch {
        let id = require_key(item, key)?.to_string();
        let Some(&i) = index.get(&id) else {
            index.insert(id, live.len());
            live.push(item.clone());
            continue;
        };
        let Some(slot) = live.get_mut(i) else {
            continue;
        };
        let Value::Object(current) = std::mem::take(slot) else {
            return Err(PatchError::NotAMap { index: i });
        };
        let patch_map = item.as_object().cloned().unwrap_or_default();
        *slot = Value::Object(merge_map(current, patch_map, items, depth + 1)?);
    }
    Ok(live)
}

/// The live list as upstream's `$setElementOrder` handling sees it after a keyed merge.
///
/// Upstream merges in place: `$patch: delete` items shift later live items left (the last
/// slot keeps a stale copy) and new items are appended into the freed tail, all visible
/// through the original slice, which is then the reference order for unlisted live items.
/// Only merge-key values matter for ordering, so in-place merges need no emulation.
pub(super) fn live_after_merge(live: &[Value], patch: &[Value], key: &str) -> Vec<Value> {
    let mut backing = live.to_vec();
    let mut len = backing.len();
    for item in patch {
        if item.get(DIRECTIVE).and_then(Value::as_str) != Some("delete") {
            continue;
        }
        let Some(value) = item.get(key) else { continue };
        while let Some(k) = backing[..len]
            .iter()
            .position(|o| o.get(key) == Some(value))
        {
            // Go's `append(s[:k], s[k+1:]...)`: shift left, the old last slot keeps its value.
            for i in k..len - 1 {
                backing[i] = backing[i + 1].clone();
            }
            len -= 1;
        }
    }
    if patch
        .iter()
        .any(|i| i.get(DIRECTIVE).and_then(Value::as_str) == Some("replace"))
    {
        return backing;
    }
    let mut present: HashSet<String> = backing[..len]
        .iter()
        .filter_map(|o| o.get(key))
        .map(Value::to_string)
        .collect();
    for item in patch.iter().filter(|i| i.get(DIRECTIVE).is_none()) {
        let Some(value) = item.get(key) else { continue };
        if present.insert(value.to_string()) {
            if let Some(slot) = backing.get_mut(len) {
                *slot = item.clone();
            }
            len += 1;
        }
    }
    backing
}

/// Splits `merged` into the items present in `by` and the others, keeping their order.
pub(super) fn partition(
    merged: Vec<Value>,
    by: &[Value],
    key: Option<&str>,
) -> Result<(Vec<Value>, Vec<Value>), PatchError> {
    let Some(key) = key else {
        let present: HashSet<String> = by.iter().map(Value::to_string).collect();
        return Ok(merged
            .into_iter()
            .partition(|v| present.contains(&v.to_string())));
    };
    let mut present = HashSet::new();
    for (index, item) in by.iter().enumerate() {
        let map = item.as_object().ok_or(PatchError::NotAMap { index })?;
        if let Some(value) = map.get(key) {
            present.insert(value.to_string());
        }
    }
    let (mut listed, mut unlisted) = (Vec::new(), Vec::new());
    for item in merged {
        if present.contains(&require_key(&item, key)?.to_string()) {
            listed.push(item);
        } else {
            unlisted.push(item);
        }
    }
    Ok((listed, unlisted))
}

/// Checks that the patch items (ignoring `$patch` items) appear in `$setElementOrder` order
/// (upstream `validatePatchWithSetOrderList`).
pub(super) fn validate_order(
    patch: &[Value],
    order: &[Value],
    key: Option<&str>,
) -> Result<(), PatchError> {
    if order.is_empty() || patch.is_empty() {
        return Ok(());
    }
    let mut items = Vec::with_capacity(patch.len());
    for item in patch {
        if key.is_some() {
            let map = item.as_object().ok_or_else(|| bad_map(item))?;
            if map.get(DIRECTIVE).and_then(Value::as_str) == Some("delete") {
                continue;
            }
        }
        items.push(item);
    }
    let (mut p, mut s) = (0, 0);
    while let (Some(item), Some(wanted)) = (items.get(p), order.get(s)) {
        if item.get(DIRECTIVE).is_some() {
            p += 1;
            continue;
        }
        let same = match key {
            None => *item == wanted,
            Some(key) => require_key(item, key)? == require_key(wanted, key)?,
        };
        if same {
            p += 1;
        }
        s += 1;
    }
    if p < items.len() && s >= order.len() {
        return Err(PatchError::SetElementOrderMismatch {
            patch: go_fmt(&Value::Array(patch.to_vec())),
            order: go_fmt(&Value::Array(order.to_vec())),
        });
    }
    Ok(())
}

/// Orders `listed` by `order` and `unlisted` by `live`, then interleaves them: an unlisted
/// item goes first only when both are live items and it comes earlier in the live list.
pub(super) fn normalize_order(
    listed: Vec<Value>,
    unlisted: Vec<Value>,
    order: &[Value],
    live: &[Value],
    key: Option<&str>,
    kind: Kind,
) -> Result<Vec<Value>, PatchError> {
    let listed = sort_by_order(listed, order, key, kind)?;
    let unlisted = sort_by_order(unlisted, live, key, kind)?;
    let position = positions(live, key, kind);
    let at = |item: &Value| position.get(&ident(item, key, kind)).copied();
    let mut out = Vec::with_capacity(listed.len() + unlisted.len());
    let (mut left, mut right) = (
        unlisted.into_iter().peekable(),
        listed.into_iter().peekable(),
    );
    while let (Some(l), Some(r)) = (left.peek(), right.peek()) {
        let take_left = matches!((at(l), at(r)), (Some(a), Some(b)) if a < b);
        out.extend(if take_left { left.next() } else { right.next() });
    }
    out.extend(left);
    out.extend(right);
    Ok(out)
}

/// Stable sort by position in `order`; items not in `order` go first, `$patch: delete` items
/// last (upstream `normalizeSliceOrder`).
fn sort_by_order(
    mut items: Vec<Value>,
    order: &[Value],
    key: Option<&str>,
    kind: Kind,
) -> Result<Vec<Value>, PatchError> {
    let mut deletions = Vec::new();
    if kind == Kind::Object {
        let key = key.unwrap_or("");
        for item in items.iter().chain(order) {
            require_key(item, key)?;
        }
        let (keep, delete): (Vec<Value>, Vec<Value>) = items
            .into_iter()
            .partition(|item| item.get(DIRECTIVE).and_then(Value::as_str) != Some("delete"));
        items = keep;
        deletions = delete;
    }
    let position = positions(order, key, kind);
    items.sort_by_cached_key(|item| position.get(&ident(item, key, kind)).map_or(0, |p| p + 1));
    items.extend(deletions);
    Ok(items)
}

/// First position of every identity in `list`.
fn positions(list: &[Value], key: Option<&str>, kind: Kind) -> HashMap<String, usize> {
    let mut map = HashMap::with_capacity(list.len());
    for (i, item) in list.iter().enumerate() {
        map.entry(ident(item, key, kind)).or_insert(i);
    }
    map
}

/// Identity of an item: its merge-key value for object lists (`""` when missing, so items
/// without the key match each other like Go's `nil == nil`), else the item itself.
fn ident(item: &Value, key: Option<&str>, kind: Kind) -> String {
    if kind == Kind::Object {
        item.get(key.unwrap_or(""))
            .map(Value::to_string)
            .unwrap_or_default()
    } else {
        item.to_string()
    }
}
