//! [`FieldSet`]: a set of field paths stored as a trie, with the set algebra of
//! structured-merge-diff (`fieldpath.Set`) and the FieldsV1 encoding of §2.8.
//!
//! Each trie node has *members* (paths that end here: owned leaves, or owned list/map items
//! whose children may also be listed) and *children* (sub-tries). In FieldsV1 a member
//! without children is `"<key>":{}`, a child without membership is `"<key>":{...}` and a
//! member with children is `"<key>":{".":{},...}`.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use super::path::{path_string, Path, PathElement};
use super::MAX_DEPTH;

/// A set of field paths (`fieldpath.Set`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldSet {
    members: BTreeSet<PathElement>,
    /// Invariant: no child set is empty.
    children: BTreeMap<PathElement, FieldSet>,
}

/// Why a FieldsV1 document could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct FieldsV1Error(pub String);

impl FieldSet {
    /// The empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// A set holding `paths`.
    pub fn from_paths<'a>(paths: impl IntoIterator<Item = &'a [PathElement]>) -> Self {
        let mut set = Self::new();
        for p in paths {
            set.insert(p);
        }
        set
    }

    /// Whether the set holds no path.
    pub fn is_empty(&self) -> bool {
        self.members.is_empty() && self.children.values().all(FieldSet::is_empty)
    }

    /// Number of paths in the set.
    pub fn len(&self) -> usize {
        self.members.len() + self.children.values().map(FieldSet::len).sum::<usize>()
    }

    /// Adds `path` (the empty path is ignored, as upstream does).
    pub fn insert(&mut self, path: &[PathElement]) {
        let Some((last, parents)) = path.split_last() else {
            return;
        };
        let mut node = self;
        for pe in parents {
            node = node.children.entry(pe.clone()).or_default();
        }
        node.members.insert(last.clone());
    }

    /// Whether `path` is in the set (as a member, not merely as a prefix of one).
    pub fn has(&self, path: &[PathElement]) -> bool {
        let Some((last, parents)) = path.split_last() else {
            return false;
        };
        let mut node = self;
        for pe in parents {
            match node.children.get(pe) {
                Some(child) => node = child,
                None => return false,
            }
        }
        node.members.contains(last)
    }

    /// Whether `pe` is a member at this level.
    pub fn has_member(&self, pe: &PathElement) -> bool {
        self.members.contains(pe)
    }

    /// The paths below `pe`, relative to it (`Set.WithPrefix`); `None` when there are none.
    pub fn child(&self, pe: &PathElement) -> Option<&FieldSet> {
        self.children.get(pe)
    }

    /// The members at this level.
    pub fn members(&self) -> impl Iterator<Item = &PathElement> {
        self.members.iter()
    }

    /// The sub-tries at this level.
    pub fn children(&self) -> impl Iterator<Item = (&PathElement, &FieldSet)> {
        self.children.iter()
    }

    fn insert_child(&mut self, pe: PathElement, child: FieldSet) {
        if !child.is_empty() {
            self.children.insert(pe, child);
        }
    }

    /// Adds `pe` as a member at this level.
    pub(crate) fn insert_member(&mut self, pe: PathElement) {
        self.members.insert(pe);
    }

    /// Sets the sub-trie below `pe` (dropped when empty).
    pub(crate) fn set_child(&mut self, pe: PathElement, child: FieldSet) {
        self.children.remove(&pe);
        self.insert_child(pe, child);
    }

    /// Paths in either set.
    pub fn union(&self, other: &FieldSet) -> FieldSet {
        let mut out = self.clone();
        out.union_with(other);
        out
    }

    /// Adds every path of `other`.
    pub fn union_with(&mut self, other: &FieldSet) {
        self.members.extend(other.members.iter().cloned());
        for (pe, child) in &other.children {
            match self.children.get_mut(pe) {
                Some(mine) => mine.union_with(child),
                None => self.insert_child(pe.clone(), child.clone()),
            }
        }
    }

    /// Paths in both sets.
    pub fn intersection(&self, other: &FieldSet) -> FieldSet {
        let mut out = FieldSet::new();
        out.members = self.members.intersection(&other.members).cloned().collect();
        for (pe, child) in &self.children {
            if let Some(theirs) = other.children.get(pe) {
                out.insert_child(pe.clone(), child.intersection(theirs));
            }
        }
        out
    }

    /// Paths of `self` not in `other`, path by path: removing a member does not remove the
    /// paths below it (`Set.Difference`).
    pub fn difference(&self, other: &FieldSet) -> FieldSet {
        let mut out = FieldSet::new();
        out.members = self.members.difference(&other.members).cloned().collect();
        for (pe, child) in &self.children {
            match other.children.get(pe) {
                Some(theirs) => out.insert_child(pe.clone(), child.difference(theirs)),
                None => out.insert_child(pe.clone(), child.clone()),
            }
        }
        out
    }

    /// Paths of `self` that are neither in `other` nor below one of its members
    /// (`Set.RecursiveDifference`): removing a member removes its whole subtree.
    pub fn recursive_difference(&self, other: &FieldSet) -> FieldSet {
        let mut out = FieldSet::new();
        out.members = self.members.difference(&other.members).cloned().collect();
        for (pe, child) in &self.children {
            if other.members.contains(pe) {
                continue;
            }
            match other.children.get(pe) {
                Some(theirs) => out.insert_child(pe.clone(), child.recursive_difference(theirs)),
                None => out.insert_child(pe.clone(), child.clone()),
            }
        }
        out
    }

    /// Every path, in upstream's iteration order (at each node its members first, then the
    /// paths below each child, both sorted).
    pub fn paths(&self) -> Vec<Path> {
        let mut out = Vec::new();
        let mut prefix = Vec::new();
        self.collect_paths(&mut prefix, &mut out);
        out
    }

    fn collect_paths(&self, prefix: &mut Path, out: &mut Vec<Path>) {
        for pe in &self.members {
            let mut p = prefix.clone();
            p.push(pe.clone());
            out.push(p);
        }
        for (pe, child) in &self.children {
            prefix.push(pe.clone());
            child.collect_paths(prefix, out);
            prefix.pop();
        }
    }

    /// The paths rendered as upstream does, one per line (`Set.String`).
    pub fn to_path_strings(&self) -> Vec<String> {
        self.paths().iter().map(|p| path_string(p)).collect()
    }

    /// The FieldsV1 JSON of this set (§2.8).
    pub fn to_fields_v1(&self) -> Value {
        Value::Object(self.emit(false))
    }

    fn emit(&self, include_self: bool) -> Map<String, Value> {
        let mut out = Map::new();
        if include_self && !(self.members.is_empty() && self.children.is_empty()) {
            out.insert(".".to_owned(), Value::Object(Map::new()));
        }
        // Upstream's element order (in case the map keeps insertion order).
        let elements: BTreeSet<&PathElement> =
            self.members.iter().chain(self.children.keys()).collect();
        for pe in elements {
            let node = match self.children.get(pe) {
                Some(child) => child.emit(self.members.contains(pe)),
                None => Map::new(),
            };
            out.insert(pe.to_fields_v1_key(), Value::Object(node));
        }
        out
    }

    /// Decodes FieldsV1 JSON. `null` is the empty set; keys of unknown types are skipped;
    /// malformed keys, non-object nodes and nesting deeper than [`MAX_DEPTH`] are errors.
    pub fn from_fields_v1(fields: &Value) -> Result<FieldSet, FieldsV1Error> {
        let (set, _) = read_node(fields, 0)?;
        Ok(set.unwrap_or_default())
    }
}

/// One FieldsV1 node: its sub-trie (if it has any children) and whether the node itself is
/// a member (a leaf `{}`, or marked with `"."`).
fn read_node(node: &Value, depth: usize) -> Result<(Option<FieldSet>, bool), FieldsV1Error> {
    if depth > MAX_DEPTH + 1 {
        return Err(FieldsV1Error(format!(
            "managedFields nested more than {} levels deep",
            MAX_DEPTH + 1
        )));
    }
    let map = match node {
        Value::Null => return Ok((None, true)),
        Value::Object(map) => map,
        other => {
            return Err(FieldsV1Error(format!(
                "ReadMapCB: expect {{ or n, but found {}",
                other.to_string().chars().next().unwrap_or(' ')
            )))
        }
    };
    let mut children: Option<FieldSet> = None;
    let mut is_member = false;
    for (key, child) in map {
        if key == "." {
            is_member = true;
            continue;
        }
        let pe = match PathElement::from_fields_v1_key(key) {
            Ok(Some(pe)) => pe,
            Ok(None) => continue,
            Err(e) => return Err(FieldsV1Error(format!("parsing key as path element: {e}"))),
        };
        let (grandchildren, child_is_member) = read_node(child, depth + 1)?;
        if child_is_member {
            children
                .get_or_insert_with(FieldSet::new)
                .members
                .insert(pe.clone());
        }
        if let Some(gc) = grandchildren {
            let set = children.get_or_insert_with(FieldSet::new);
            match set.children.get_mut(&pe) {
                Some(existing) => existing.union_with(&gc),
                None => set.insert_child(pe, gc),
            }
        }
    }
    if children.is_none() {
        is_member = true;
    }
    Ok((children, is_member))
}
