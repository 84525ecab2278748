//! Merging an applied configuration into a live object ([`merge`], upstream
//! `TypedValue.Merge` with the keep-right-hand-side rule) and removing owned paths from an
//! object ([`remove`], upstream `TypedValue.RemoveItems`).

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use serde_json::{Map, Value};

use super::fieldset::FieldSet;
use super::path::PathElement;
use super::typed::{
    is_empty_container, item_elements, item_type, key_type, pair_role, role, ListType, Role,
    TypeInfo,
};
use super::MAX_DEPTH;

/// `live` merged with `config`: granular maps merge key by key, associative lists item by
/// item (keyed items keep the configuration's order, live-only items stay where they were),
/// and everything else (scalars, atomic maps and lists, type mismatches) takes the
/// configuration's value.
pub fn merge(live: &Value, config: &Value, ty: &dyn TypeInfo) -> Value {
    merge_at(Some(live), Some(config), ty, 0).unwrap_or(Value::Null)
}

fn merge_at(
    l: Option<&Value>,
    r: Option<&Value>,
    ty: &dyn TypeInfo,
    depth: usize,
) -> Option<Value> {
    let (Some(lv), Some(rv)) = (l, r) else {
        return r.or(l).cloned();
    };
    let role = pair_role(ty, l, r);
    if role == Role::Leaf || depth > MAX_DEPTH || (is_empty_container(l) && is_empty_container(r)) {
        return Some(rv.clone());
    }
    match role {
        Role::Map => {
            let empty = Map::new();
            let lm = lv.as_object().unwrap_or(&empty);
            let rm = rv.as_object().unwrap_or(&empty);
            let mut out = Map::new();
            for (key, lchild) in lm {
                let (child_ty, _) = key_type(ty, key);
                if let Some(m) = merge_at(Some(lchild), rm.get(key), &*child_ty, depth + 1) {
                    out.insert(key.clone(), m);
                }
            }
            for (key, rchild) in rm {
                if !lm.contains_key(key) {
                    out.insert(key.clone(), rchild.clone());
                }
            }
            Some(Value::Object(out))
        }
        Role::List(list_type) => {
            Some(merge_list(lv, rv, &list_type, ty, depth).unwrap_or_else(|| rv.clone()))
        }
        Role::Leaf => Some(rv.clone()),
    }
}

/// Merges two associative lists; `None` when some item cannot be keyed.
fn merge_list(
    lv: &Value,
    rv: &Value,
    list_type: &ListType,
    ty: &dyn TypeInfo,
    depth: usize,
) -> Option<Value> {
    static NULL: Value = Value::Null;
    let item_ty = item_type(ty);
    let li: &[Value] = lv.as_array().map_or(&[], Vec::as_slice);
    let ri: &[Value] = rv.as_array().map_or(&[], Vec::as_slice);
    let lpes = item_elements(li, list_type, &*item_ty)?;
    let rpes = item_elements(ri, list_type, &*item_ty)?;

    // Live items by key; a key that occurs more than once maps to `null`.
    let mut lobs: BTreeMap<&PathElement, &Value> = BTreeMap::new();
    for (pe, item) in lpes.iter().zip(li) {
        lobs.entry(pe).and_modify(|v| *v = &NULL).or_insert(item);
    }
    let robs: BTreeMap<&PathElement, &Value> = rpes.iter().zip(ri).collect();

    // Keys present on both sides, in the configuration's order.
    let mut shared: VecDeque<&PathElement> =
        rpes.iter().filter(|pe| lobs.contains_key(pe)).collect();
    let mut next_shared = shared.pop_front();
    let mut merged: BTreeSet<&PathElement> = BTreeSet::new();
    let mut out = Vec::with_capacity(li.len().max(ri.len()));
    let (mut i, mut j) = (0, 0);
    let merge_item = |l: Option<&Value>, r: Option<&Value>| merge_at(l, r, &*item_ty, depth + 1);

    while i < lpes.len() || j < rpes.len() {
        if i < lpes.len() && j < rpes.len() {
            let pe = &lpes[i];
            if *pe == rpes[j] {
                merged.insert(pe);
                out.extend(merge_item(lobs.get(pe).copied(), robs.get(pe).copied()));
                i += 1;
                j += 1;
                next_shared = shared.pop_front();
                continue;
            }
            if robs.contains_key(pe) && next_shared.is_some_and(|s| s != pe) {
                // A shared item out of the configuration's order: emitted when the
                // configuration reaches it.
                i += 1;
                continue;
            }
        }
        if i < lpes.len() {
            let pe = &lpes[i];
            if !robs.contains_key(pe) {
                out.extend(merge_item(Some(&li[i]), None));
                i += 1;
                continue;
            } else if merged.contains(pe) {
                i += 1;
            }
        }
        if j < rpes.len() {
            let pe = &rpes[j];
            merged.insert(pe);
            out.extend(merge_item(lobs.get(pe).copied(), robs.get(pe).copied()));
            j += 1;
            if next_shared.is_some_and(|s| s == pe) {
                next_shared = shared.pop_front();
            }
        }
    }
    Some(Value::Array(out))
}

/// `value` without the paths in `set` (a member removes its whole subtree). As upstream, a
/// map or list that the removal empties is left as `null` (kube-apiserver's Go decoding then
/// drops such fields of built-in kinds; custom resources keep them). The root stays an
/// object.
pub fn remove(value: &Value, set: &FieldSet, ty: &dyn TypeInfo) -> Value {
    match remove_at(value, set, ty, 0) {
        Value::Null if value.is_object() => Value::Object(Map::new()),
        v => v,
    }
}

fn remove_at(value: &Value, set: &FieldSet, ty: &dyn TypeInfo, depth: usize) -> Value {
    if depth > MAX_DEPTH || set.is_empty() || is_empty_container(Some(value)) {
        return value.clone();
    }
    match (role(ty, Some(value)), value) {
        (Role::Map, Value::Object(map)) => {
            let mut out = Map::new();
            for (key, child) in map {
                let pe = PathElement::Field(key.clone());
                if set.has_member(&pe) {
                    continue;
                }
                let kept = match set.child(&pe) {
                    Some(sub) => {
                        let (child_ty, _) = key_type(ty, key);
                        remove_at(child, sub, &*child_ty, depth + 1)
                    }
                    None => child.clone(),
                };
                out.insert(key.clone(), kept);
            }
            if out.is_empty() {
                Value::Null
            } else {
                Value::Object(out)
            }
        }
        (Role::List(list_type), Value::Array(items)) => {
            let item_ty = item_type(ty);
            let Some(pes) = item_elements(items, &list_type, &*item_ty) else {
                return value.clone();
            };
            let mut out = Vec::new();
            for (item, pe) in items.iter().zip(&pes) {
                if set.has_member(pe) {
                    continue;
                }
                match set.child(pe) {
                    Some(sub) => out.push(remove_at(item, sub, &*item_ty, depth + 1)),
                    None => out.push(item.clone()),
                }
            }
            if out.is_empty() {
                Value::Null
            } else {
                Value::Array(out)
            }
        }
        _ => value.clone(),
    }
}
