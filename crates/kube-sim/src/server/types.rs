//! Field typing for server-side apply and managedFields, from the published schemas.

use serde_json::Value;

use crate::apply::{ListType, MapType, ScalarKind, Shape, TypeInfo};
use crate::openapi::model::{
    ListType as SchemaListType, MapType as SchemaMapType, Schema, Shape as SchemaShape,
};

/// A schema node as [`TypeInfo`].
pub struct SchemaTypes<'a>(pub Schema<'a>);

/// A name no schema declares, to reach `additionalProperties` through [`Schema::field`].
const ANY_KEY: &str = "\u{0}additional";

impl SchemaTypes<'_> {
    fn declares(&self, name: &str) -> bool {
        self.0
            .raw()
            .get("properties")
            .and_then(|p| p.get(name))
            .is_some()
    }
}

impl TypeInfo for SchemaTypes<'_> {
    fn shape(&self) -> Shape {
        match self.0.shape() {
            SchemaShape::Struct | SchemaShape::Map => Shape::Object,
            SchemaShape::List => Shape::List,
            SchemaShape::IntOrString => Shape::Scalar(ScalarKind::Any),
            SchemaShape::Scalar => match self.0.raw().get("type").and_then(Value::as_str) {
                Some("string") => Shape::Scalar(ScalarKind::String),
                Some("integer" | "number") => Shape::Scalar(ScalarKind::Numeric),
                Some("boolean") => Shape::Scalar(ScalarKind::Boolean),
                _ => Shape::Scalar(ScalarKind::Any),
            },
            SchemaShape::Untyped => Shape::Untyped,
        }
    }

    fn field(&self, name: &str) -> Option<Box<dyn TypeInfo + '_>> {
        if !self.declares(name) {
            return None;
        }
        self.0
            .field(name)
            .map(|s| Box::new(SchemaTypes(s)) as Box<dyn TypeInfo>)
    }

    fn additional(&self) -> Option<Box<dyn TypeInfo + '_>> {
        match self.0.raw().get("additionalProperties") {
            Some(Value::Object(_)) => self
                .0
                .field(ANY_KEY)
                .map(|s| Box::new(SchemaTypes(s)) as Box<dyn TypeInfo>),
            Some(Value::Bool(true)) => Some(Box::new(crate::apply::Untyped)),
            _ if self.0.preserve_unknown_fields() => Some(Box::new(crate::apply::Untyped)),
            _ => None,
        }
    }

    fn items(&self) -> Option<Box<dyn TypeInfo + '_>> {
        self.0
            .items()
            .map(|s| Box::new(SchemaTypes(s)) as Box<dyn TypeInfo>)
    }

    fn list_type(&self) -> ListType {
        match self.0.list_type() {
            (SchemaListType::Atomic, _) => ListType::Atomic,
            (SchemaListType::Set, _) => ListType::Set,
            (SchemaListType::Map, keys) => ListType::Map(keys),
        }
    }

    fn map_type(&self) -> MapType {
        match self.0.map_type() {
            SchemaMapType::Atomic => MapType::Atomic,
            SchemaMapType::Granular => MapType::Granular,
        }
    }

    fn default_value(&self) -> Option<Value> {
        self.0.raw().get("default").cloned()
    }
}
