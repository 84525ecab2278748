//! Typed walks that produce field sets: the set of fields an object sets
//! ([`field_set`], upstream `ToFieldSet`), the difference between two objects
//! ([`compare`]), and two schema-driven rewrites of sets ([`ensure_named_fields`],
//! [`reconcile_with_schema`]).

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::fieldset::FieldSet;
use super::path::{Path, PathElement};
use super::typed::{
    is_empty_container, item_elements, item_type, key_type, pair_role, role, ListType, MapType,
    Role, Shape, TypeInfo,
};
use super::value::go_equal;
use super::MAX_DEPTH;

/// The fields `value` sets (`TypedValue.ToFieldSet`): every scalar, atomic list/map, empty or
/// `null` value and undeclared map key is a member; associative-list items are members
/// (hence `".":{}` next to their fields); declared fields holding content are not.
pub fn field_set(value: &Value, ty: &dyn TypeInfo) -> FieldSet {
    set_walk(value, ty, 0).0
}

/// The sub-trie of a value and whether the value is itself a member (a leaf).
fn set_walk(value: &Value, ty: &dyn TypeInfo, depth: usize) -> (FieldSet, bool) {
    if depth > MAX_DEPTH {
        return (FieldSet::new(), true);
    }
    match (role(ty, Some(value)), value) {
        (Role::Map, Value::Object(map)) => {
            let mut set = FieldSet::new();
            for (key, child) in map {
                let (child_ty, named) = key_type(ty, key);
                let (child_set, child_member) = set_walk(child, &*child_ty, depth + 1);
                let empty_map = matches!(child, Value::Object(m) if m.is_empty());
                let pe = PathElement::Field(key.clone());
                if child_member || child.is_null() || empty_map || !named {
                    set.insert_member(pe.clone());
                }
                set.set_child(pe, child_set);
            }
            (set, false)
        }
        (Role::List(list_type), Value::Array(items)) => {
            let item_ty = item_type(ty);
            let Some(pes) = item_elements(items, &list_type, &*item_ty) else {
                return (FieldSet::new(), true);
            };
            let mut counts: BTreeMap<&PathElement, usize> = BTreeMap::new();
            for pe in &pes {
                *counts.entry(pe).or_default() += 1;
            }
            let mut set = FieldSet::new();
            for (item, pe) in items.iter().zip(&pes) {
                set.insert_member(pe.clone());
                if counts.get(pe).copied().unwrap_or(0) > 1 {
                    // Duplicated items are owned as a whole (upstream `ToFieldSet`).
                    continue;
                }
                let (child_set, _) = set_walk(item, &*item_ty, depth + 1);
                set.set_child(pe.clone(), child_set);
            }
            (set, false)
        }
        // `null` where a map or list is expected: nothing below it.
        (Role::Map | Role::List(_), Value::Null) => (FieldSet::new(), false),
        _ => (FieldSet::new(), true),
    }
}

/// The difference between two objects (`typed.Comparison`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Comparison {
    /// Present in the old object only.
    pub removed: FieldSet,
    /// Present in both with different values (leaves only).
    pub modified: FieldSet,
    /// Present in the new object only.
    pub added: FieldSet,
}

impl Comparison {
    /// Whether nothing changed.
    pub fn is_same(&self) -> bool {
        self.removed.is_empty() && self.modified.is_empty() && self.added.is_empty()
    }

    /// Drops `fields` and everything below them from the three sets (reset fields).
    pub fn exclude(&mut self, fields: &FieldSet) {
        if fields.is_empty() {
            return;
        }
        self.removed = self.removed.recursive_difference(fields);
        self.modified = self.modified.recursive_difference(fields);
        self.added = self.added.recursive_difference(fields);
    }
}

/// Compares `old` with `new` (`TypedValue.Compare`). Maps and associative lists that appear
/// or disappear are recorded themselves (besides their contents); leaves are compared with
/// structured-merge-diff equality.
pub fn compare(old: Option<&Value>, new: Option<&Value>, ty: &dyn TypeInfo) -> Comparison {
    let mut out = Comparison::default();
    let mut path = Vec::new();
    compare_walk(old, new, ty, &mut path, &mut out, 0);
    out
}

fn compare_leaf(l: Option<&Value>, r: Option<&Value>, path: &Path, out: &mut Comparison) {
    match (l, r) {
        (None, Some(_)) => out.added.insert(path),
        (Some(_), None) => out.removed.insert(path),
        (Some(a), Some(b)) if !go_equal(a, b) => out.modified.insert(path),
        _ => {}
    }
}

fn compare_walk(
    l: Option<&Value>,
    r: Option<&Value>,
    ty: &dyn TypeInfo,
    path: &mut Path,
    out: &mut Comparison,
    depth: usize,
) {
    let role = pair_role(ty, l, r);
    let both_empty = is_empty_container(l) && is_empty_container(r);
    if role == Role::Leaf || both_empty || depth > MAX_DEPTH {
        compare_leaf(l, r, path, out);
        return;
    }
    match role {
        Role::Map => {
            let empty = Map::new();
            let lm = l.and_then(Value::as_object).unwrap_or(&empty);
            let rm = r.and_then(Value::as_object).unwrap_or(&empty);
            let keys = lm.keys().chain(rm.keys().filter(|k| !lm.contains_key(*k)));
            for key in keys {
                let (child_ty, _) = key_type(ty, key);
                path.push(PathElement::Field(key.clone()));
                compare_walk(lm.get(key), rm.get(key), &*child_ty, path, out, depth + 1);
                path.pop();
            }
        }
        Role::List(list_type) => {
            if !compare_list(l, r, &list_type, ty, path, out, depth) {
                compare_leaf(l, r, path, out);
                return;
            }
        }
        Role::Leaf => {}
    }
    match (l, r) {
        (None, _) => out.added.insert(path),
        (_, None) => out.removed.insert(path),
        _ => {}
    }
}

/// Compares two associative lists item by item; `false` when some item cannot be keyed.
fn compare_list(
    l: Option<&Value>,
    r: Option<&Value>,
    list_type: &ListType,
    ty: &dyn TypeInfo,
    path: &mut Path,
    out: &mut Comparison,
    depth: usize,
) -> bool {
    let item_ty = item_type(ty);
    let li: &[Value] = l.and_then(Value::as_array).map_or(&[], Vec::as_slice);
    let ri: &[Value] = r.and_then(Value::as_array).map_or(&[], Vec::as_slice);
    let (Some(lpes), Some(rpes)) = (
        item_elements(li, list_type, &*item_ty),
        item_elements(ri, list_type, &*item_ty),
    ) else {
        return false;
    };
    // Items grouped by key, keys in order of first appearance (old list first).
    let mut order: Vec<&PathElement> = Vec::new();
    let mut groups: BTreeMap<&PathElement, (Vec<&Value>, Vec<&Value>)> = BTreeMap::new();
    for (pe, item) in lpes.iter().zip(li) {
        let g = groups.entry(pe).or_default();
        if g.0.is_empty() {
            order.push(pe);
        }
        g.0.push(item);
    }
    for (pe, item) in rpes.iter().zip(ri) {
        let g = groups.entry(pe).or_default();
        if g.0.is_empty() && g.1.is_empty() {
            order.push(pe);
        }
        g.1.push(item);
    }
    for pe in order {
        let Some((ls, rs)) = groups.get(pe) else {
            continue;
        };
        path.push(pe.clone());
        match (ls.len(), rs.len()) {
            (0..=1, 0..=1) => {
                compare_walk(
                    ls.first().copied(),
                    rs.first().copied(),
                    &*item_ty,
                    path,
                    out,
                    depth + 1,
                );
            }
            (2.., 2..) => {
                let same = ls.len() == rs.len() && ls.iter().zip(rs).all(|(a, b)| go_equal(a, b));
                if !same {
                    out.modified.insert(path);
                }
            }
            (2.., _) => {
                if let Some(first) = rs.first() {
                    compare_walk(None, Some(first), &*item_ty, path, out, depth + 1);
                }
                out.removed.insert(path);
            }
            (_, _) => {
                if let Some(first) = ls.first() {
                    compare_walk(Some(first), None, &*item_ty, path, out, depth + 1);
                }
                out.added.insert(path);
            }
        }
        path.pop();
    }
    true
}

/// Adds every declared struct field that has paths below it as a member itself
/// (`Set.EnsureNamedFieldsAreMembers`), so that pruning a manager's fields also removes the
/// struct fields that held them.
pub fn ensure_named_fields(set: &FieldSet, ty: &dyn TypeInfo) -> FieldSet {
    ensure_at(set, Some(ty), 0)
}

fn ensure_at(set: &FieldSet, ty: Option<&dyn TypeInfo>, depth: usize) -> FieldSet {
    let mut out = set.clone();
    let Some(ty) = ty else {
        return out;
    };
    if depth > MAX_DEPTH {
        return out;
    }
    let shape = ty.shape();
    for (pe, child) in set.children() {
        let child_ty = match pe {
            PathElement::Field(name) if matches!(shape, Shape::Object | Shape::Untyped) => {
                let (t, named) = key_type(ty, name);
                if named {
                    out.insert_member(pe.clone());
                }
                Some(t)
            }
            PathElement::Key(_) if matches!(shape, Shape::List | Shape::Untyped) => {
                Some(item_type(ty))
            }
            _ => None,
        };
        out.set_child(pe.clone(), ensure_at(child, child_ty.as_deref(), depth + 1));
    }
    out
}

/// Rewrites a set written under an older schema where a map or list was granular and is now
/// atomic: the paths below it are replaced by the node itself
/// (`typed.ReconcileFieldSetWithSchema`). `None` when nothing changes.
pub fn reconcile_with_schema(set: &FieldSet, ty: &dyn TypeInfo) -> Option<FieldSet> {
    let mut atomics = FieldSet::new();
    let mut path = Vec::new();
    reconcile_at(Some(set), false, ty, &mut path, &mut atomics, 0);
    if atomics.is_empty() {
        return None;
    }
    Some(set.recursive_difference(&atomics).union(&atomics))
}

fn reconcile_at(
    set: Option<&FieldSet>,
    is_leaf: bool,
    ty: &dyn TypeInfo,
    path: &mut Path,
    atomics: &mut FieldSet,
    depth: usize,
) {
    if depth > MAX_DEPTH {
        return;
    }
    match ty.shape() {
        Shape::Scalar(_) | Shape::Untyped => {}
        Shape::List => {
            if !is_leaf && ty.list_type() == ListType::Atomic {
                atomics.insert(path);
                return;
            }
            let item_ty = item_type(ty);
            visit_set(set, path, atomics, depth, |_| {
                Some(item_type_ref(&*item_ty))
            });
        }
        Shape::Object => {
            if !is_leaf && ty.map_type() == MapType::Atomic {
                if set.is_some_and(|s| !s.is_empty()) {
                    atomics.insert(path);
                }
                return;
            }
            visit_set(set, path, atomics, depth, |pe| match pe {
                PathElement::Field(name) => ty.field(name).or_else(|| ty.additional()),
                _ => ty.additional(),
            });
        }
    }
}

fn item_type_ref<'a>(ty: &'a dyn TypeInfo) -> Box<dyn TypeInfo + 'a> {
    Box::new(ty)
}

/// Visits the elements of `set` (children that are not members first, then members) with
/// the type `child_type` gives them; elements without a type are skipped.
fn visit_set<'t>(
    set: Option<&FieldSet>,
    path: &mut Path,
    atomics: &mut FieldSet,
    depth: usize,
    child_type: impl Fn(&PathElement) -> Option<Box<dyn TypeInfo + 't>>,
) {
    let Some(set) = set else {
        return;
    };
    let mut elements: Vec<(&PathElement, bool)> = set
        .children()
        .filter(|(pe, _)| !set.has_member(pe))
        .map(|(pe, _)| (pe, false))
        .collect();
    elements.extend(set.members().map(|pe| (pe, true)));
    for (pe, is_member) in elements {
        let Some(child_ty) = child_type(pe) else {
            continue;
        };
        let child = set.child(pe);
        path.push(pe.clone());
        reconcile_at(
            child,
            is_member && child.is_none(),
            &*child_ty,
            path,
            atomics,
            depth + 1,
        );
        path.pop();
    }
}
