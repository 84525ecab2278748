//! The type information server-side apply needs, as a trait the server implements over its
//! schema model ([`TypeInfo`]), plus [`Untyped`] ("deduced" typing) and the helpers the
//! walks share (roles of values, keys of list items).
//!
//! # Contract
//!
//! A [`TypeInfo`] is one schema node. Navigation hands out *owned boxes* that may borrow
//! from the node they came from (`Box<dyn TypeInfo + '_>`), so an adapter over a schema that
//! returns nodes by value (like `openapi::model::Schema<'a>`, which is `Copy`) just boxes
//! them; the blanket `impl TypeInfo for &T` lets a tree of borrowed nodes do the same.
//!
//! - [`TypeInfo::shape`] — what the node declares. [`Shape::Untyped`] (preserve-unknown-fields,
//!   free-form objects, no schema) switches to deduced typing for the whole subtree: objects
//!   are granular maps of untyped values, lists are atomic, scalars anything; the other
//!   methods are then never called.
//! - [`TypeInfo::field`] — a *declared* property of an object. Declared fields matter: an
//!   applied declared field with content is not itself owned (no `"."`), map keys are.
//! - [`TypeInfo::additional`] — the type of keys that are not declared
//!   (`additionalProperties`; [`Untyped`] for preserve-unknown-fields objects). `None` for a
//!   struct: undeclared keys are then invalid in an applied object ("field not declared in
//!   schema") and typed as [`Untyped`] elsewhere.
//! - [`TypeInfo::items`] — the item type of a list (`None`: untyped items).
//! - [`TypeInfo::list_type`] / [`TypeInfo::map_type`] — merge semantics (§3.3). The
//!   implementation resolves the defaults: no list type and no merge strategy → atomic, a
//!   `patchStrategy: merge` list → `Map([mergeKey])` (or `Set` for scalars), no map type →
//!   granular.
//! - [`TypeInfo::default_value`] — the schema default of a field; used for key fields missing
//!   from list items (`ports[].protocol` → `"TCP"`).
//!
//! A value whose JSON kind does not match the declared shape is treated as an atomic leaf.

use serde_json::Value;

use super::path::PathElement;

/// What a schema node declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// An object: a struct with declared fields and/or a map (`additionalProperties`).
    Object,
    /// A list.
    List,
    /// A scalar.
    Scalar(ScalarKind),
    /// No usable schema: deduced typing for the whole subtree.
    Untyped,
}

/// The JSON kinds a scalar node accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScalarKind {
    String,
    /// `integer` or `number`.
    Numeric,
    Boolean,
    /// Any scalar, e.g. `x-kubernetes-int-or-string`.
    Any,
}

/// How a list merges and is owned (`x-kubernetes-list-type`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListType {
    /// Replaced and owned as a whole.
    Atomic,
    /// A set of scalars; items owned as `v:<value>`.
    Set,
    /// An associative list keyed by these fields; items owned as `k:{...}`. With no keys it
    /// behaves as [`ListType::Set`].
    Map(Vec<String>),
}

/// How an object merges and is owned (`x-kubernetes-map-type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MapType {
    /// Keys merged and owned one by one.
    Granular,
    /// Replaced and owned as a whole.
    Atomic,
}

/// One schema node; see the module documentation for the contract.
pub trait TypeInfo {
    /// What this node declares.
    fn shape(&self) -> Shape;
    /// A declared field of an object.
    fn field(&self, name: &str) -> Option<Box<dyn TypeInfo + '_>>;
    /// The type of undeclared keys of an object (`additionalProperties`).
    fn additional(&self) -> Option<Box<dyn TypeInfo + '_>>;
    /// The item type of a list.
    fn items(&self) -> Option<Box<dyn TypeInfo + '_>>;
    /// Merge semantics of a list; only asked of [`Shape::List`] nodes.
    fn list_type(&self) -> ListType {
        ListType::Atomic
    }
    /// Merge semantics of an object; only asked of [`Shape::Object`] nodes.
    fn map_type(&self) -> MapType {
        MapType::Granular
    }
    /// The schema default of this node, if any.
    fn default_value(&self) -> Option<Value> {
        None
    }
}

impl<T: TypeInfo + ?Sized> TypeInfo for &T {
    fn shape(&self) -> Shape {
        (**self).shape()
    }
    fn field(&self, name: &str) -> Option<Box<dyn TypeInfo + '_>> {
        (**self).field(name)
    }
    fn additional(&self) -> Option<Box<dyn TypeInfo + '_>> {
        (**self).additional()
    }
    fn items(&self) -> Option<Box<dyn TypeInfo + '_>> {
        (**self).items()
    }
    fn list_type(&self) -> ListType {
        (**self).list_type()
    }
    fn map_type(&self) -> MapType {
        (**self).map_type()
    }
    fn default_value(&self) -> Option<Value> {
        (**self).default_value()
    }
}

/// Deduced typing (`__untyped_deduced_`): objects are granular maps, lists atomic.
#[derive(Debug, Clone, Copy, Default)]
pub struct Untyped;

impl TypeInfo for Untyped {
    fn shape(&self) -> Shape {
        Shape::Untyped
    }
    fn field(&self, _: &str) -> Option<Box<dyn TypeInfo + '_>> {
        None
    }
    fn additional(&self) -> Option<Box<dyn TypeInfo + '_>> {
        Some(Box::new(Untyped))
    }
    fn items(&self) -> Option<Box<dyn TypeInfo + '_>> {
        Some(Box::new(Untyped))
    }
}

pub(crate) type Ty<'t> = Box<dyn TypeInfo + 't>;

/// The type of key `key` of an object typed `ty`, and whether it is a declared field.
pub(crate) fn key_type<'t>(ty: &'t dyn TypeInfo, key: &str) -> (Ty<'t>, bool) {
    if ty.shape() == Shape::Untyped {
        return (Box::new(Untyped), false);
    }
    if let Some(field) = ty.field(key) {
        return (field, true);
    }
    (ty.additional().unwrap_or_else(|| Box::new(Untyped)), false)
}

/// The item type of a list typed `ty`.
pub(crate) fn item_type<'t>(ty: &'t dyn TypeInfo) -> Ty<'t> {
    if ty.shape() == Shape::Untyped {
        return Box::new(Untyped);
    }
    ty.items().unwrap_or_else(|| Box::new(Untyped))
}

/// How a node takes part in merging, comparing and ownership.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Role {
    /// A granular map: keys handled one by one.
    Map,
    /// An associative list (set, or map with keys).
    List(ListType),
    /// Scalars, atomic maps and lists, and values that do not fit their schema.
    Leaf,
}

/// The role of one value (absent and `null` count as an empty container of the schema's
/// kind, as upstream treats them).
pub(crate) fn role(ty: &dyn TypeInfo, v: Option<&Value>) -> Role {
    let empty = matches!(v, None | Some(Value::Null));
    match ty.shape() {
        Shape::Untyped if empty || matches!(v, Some(Value::Object(_))) => Role::Map,
        Shape::Object if ty.map_type() == MapType::Granular => {
            if empty || matches!(v, Some(Value::Object(_))) {
                Role::Map
            } else {
                Role::Leaf
            }
        }
        Shape::List if empty || matches!(v, Some(Value::Array(_))) => match ty.list_type() {
            ListType::Atomic => Role::Leaf,
            ListType::Map(keys) if keys.is_empty() => Role::List(ListType::Set),
            other => Role::List(other),
        },
        _ => Role::Leaf,
    }
}

/// The common role of two sides, or [`Role::Leaf`] when they disagree.
pub(crate) fn pair_role(ty: &dyn TypeInfo, l: Option<&Value>, r: Option<&Value>) -> Role {
    let (rl, rr) = (role(ty, l), role(ty, r));
    if rl == rr {
        rl
    } else {
        Role::Leaf
    }
}

/// Whether a value is absent, `null`, or an empty object/array.
pub(crate) fn is_empty_container(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => true,
        Some(Value::Object(m)) => m.is_empty(),
        Some(Value::Array(a)) => a.is_empty(),
        Some(_) => false,
    }
}

/// The path element identifying `item` in an associative list (`listItemToPathElement`).
pub(crate) fn item_element(
    item: &Value,
    list_type: &ListType,
    item_ty: &dyn TypeInfo,
) -> Result<PathElement, String> {
    match list_type {
        ListType::Map(keys) if !keys.is_empty() => {
            let map = match item {
                Value::Null => {
                    return Err("associative list with keys may not have a null element".into())
                }
                Value::Object(map) => map,
                _ => {
                    return Err(
                        "associative list with keys may not have non-map elements".to_owned()
                    )
                }
            };
            let mut fields = Vec::new();
            for key in keys {
                if let Some(v) = map.get(key) {
                    fields.push((key.clone(), v.clone()));
                } else if let Some(default) = key_default(item_ty, key) {
                    fields.push((key.clone(), default));
                }
            }
            if fields.is_empty() {
                let quoted: Vec<String> = keys.iter().map(|k| format!("{k:?}")).collect();
                return Err(format!(
                    "associative list with keys has an element that omits all key fields [{}] \
                     (and doesn't have default values for any key fields)",
                    quoted.join(" ")
                ));
            }
            Ok(PathElement::key(fields))
        }
        _ => match item {
            Value::Object(_) => {
                Err("associative list without keys has an element that's a map type".into())
            }
            Value::Array(_) => Err("not supported: associative list with lists as elements".into()),
            Value::Null => {
                Err("associative list without keys has an element that's an explicit null".into())
            }
            scalar => Ok(PathElement::Value(scalar.clone())),
        },
    }
}

fn key_default(item_ty: &dyn TypeInfo, key: &str) -> Option<Value> {
    if item_ty.shape() != Shape::Object {
        return None;
    }
    item_ty.field(key)?.default_value()
}

/// The path elements of every item of an associative list, or `None` when some item cannot
/// be keyed (the list is then handled as an atomic leaf).
pub(crate) fn item_elements(
    items: &[Value],
    list_type: &ListType,
    item_ty: &dyn TypeInfo,
) -> Option<Vec<PathElement>> {
    items
        .iter()
        .map(|item| item_element(item, list_type, item_ty).ok())
        .collect()
}
