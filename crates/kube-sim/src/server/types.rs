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

/// Removes fields a built-in kind does not declare and returns their paths (`spec.foo`,
/// `spec.containers[0].bogus`), as kube-apiserver's strict decoding finds them.
pub fn prune_unknown(schema: Schema<'_>, obj: &mut Value) -> Vec<String> {
    let mut unknown = Vec::new();
    walk(schema, obj, String::new(), &mut unknown, 0);
    unknown
}

fn walk(
    schema: Schema<'_>,
    value: &mut Value,
    path: String,
    unknown: &mut Vec<String>,
    depth: usize,
) {
    if depth > crate::apply::MAX_DEPTH {
        return;
    }
    match (schema.shape(), value) {
        (SchemaShape::Struct, Value::Object(map)) => {
            let declared = schema.raw().get("properties").and_then(Value::as_object);
            let mut gone = Vec::new();
            for (key, child) in map.iter_mut() {
                let child_path = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                if declared.is_some_and(|d| d.contains_key(key)) {
                    if let Some(s) = schema.field(key) {
                        walk(s, child, child_path, unknown, depth + 1);
                    }
                } else if depth > 0 || !matches!(key.as_str(), "apiVersion" | "kind") {
                    unknown.push(child_path);
                    gone.push(key.clone());
                }
            }
            for key in gone {
                map.remove(&key);
            }
        }
        (SchemaShape::Map, Value::Object(map)) => {
            if let Some(values) = schema.field("\u{0}additional") {
                for (key, child) in map.iter_mut() {
                    walk(values, child, format!("{path}.{key}"), unknown, depth + 1);
                }
            }
        }
        (SchemaShape::List, Value::Array(items)) => {
            if let Some(item) = schema.items() {
                for (i, child) in items.iter_mut().enumerate() {
                    walk(item, child, format!("{path}[{i}]"), unknown, depth + 1);
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unknown_fields_of_a_deployment() {
        let root = crate::openapi::model::patch_meta("apps", "v1", "Deployment").unwrap();
        let mut d = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "x", "labels": {"a": "b"}, "bogus": 1},
            "spec": {"replicas": 1, "foo": true, "template": {"spec": {"containers": [{"name": "c", "image": "i", "nope": 1}]}}}});
        let unknown = prune_unknown(root, &mut d);
        assert_eq!(
            unknown,
            [
                "metadata.bogus",
                "spec.foo",
                "spec.template.spec.containers[0].nope"
            ]
        );
        assert!(d["spec"].get("foo").is_none());
        assert_eq!(d["metadata"]["labels"]["a"], "b");
    }
}
