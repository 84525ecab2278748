//! Strategic-merge metadata for a patch, taken from the built-in OpenAPI schemas.
//!
//! The patch engine walks a [`PatchMeta`] tree by reference; the schema model hands out
//! nodes by value. This builds an owned tree covering exactly the fields the patch
//! touches, so its size is bounded by the patch.

use std::collections::HashMap;

use serde_json::Value;

use crate::openapi::model::Schema;
use crate::patch::{PatchMeta, PatchStrategy, MAX_DEPTH};

/// Metadata of one field and of the fields below it that the patch mentions.
#[derive(Debug, Default)]
pub struct MetaNode {
    strategies: Vec<PatchStrategy>,
    merge_key: Option<String>,
    fields: HashMap<String, MetaNode>,
    elements: Option<Box<MetaNode>>,
}

impl PatchMeta for MetaNode {
    fn field(&self, name: &str) -> Option<&dyn PatchMeta> {
        self.fields.get(name).map(|n| n as &dyn PatchMeta)
    }
    fn elements(&self) -> Option<&dyn PatchMeta> {
        self.elements.as_deref().map(|n| n as &dyn PatchMeta)
    }
    fn strategies(&self) -> &[PatchStrategy] {
        &self.strategies
    }
    fn merge_key(&self) -> Option<&str> {
        self.merge_key.as_deref()
    }
}

/// The metadata tree for applying `patch` to an object of `root`'s kind.
pub fn for_patch(root: Schema<'_>, patch: &Value) -> MetaNode {
    let mut node = MetaNode::default();
    fill(&mut node, root, patch, 0);
    node
}

fn describe(schema: Schema<'_>) -> MetaNode {
    let meta = schema.patch_meta();
    MetaNode {
        strategies: meta
            .patch_strategies
            .iter()
            .filter_map(|s| PatchStrategy::parse(s))
            .collect(),
        merge_key: meta.patch_merge_key,
        ..Default::default()
    }
}

/// Adds to `node` (the metadata of `schema`) the children that `patch` reaches.
fn fill(node: &mut MetaNode, schema: Schema<'_>, patch: &Value, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    match patch {
        Value::Object(map) => {
            for (key, value) in map {
                let field = key
                    .strip_prefix("$setElementOrder/")
                    .or_else(|| key.strip_prefix("$deleteFromPrimitiveList/"))
                    .unwrap_or(key);
                if field.starts_with('$') {
                    continue;
                }
                let Some(child_schema) = schema.field(field) else {
                    continue;
                };
                let child = node
                    .fields
                    .entry(field.to_owned())
                    .or_insert_with(|| describe(child_schema));
                fill(child, child_schema, value, depth + 1);
            }
        }
        Value::Array(items) => {
            let Some(item_schema) = schema.items() else {
                return;
            };
            let elements = node
                .elements
                .get_or_insert_with(|| Box::new(describe(item_schema)));
            for item in items {
                fill(elements, item_schema, item, depth + 1);
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
    fn containers_merge_by_name_from_the_published_schema() {
        let root = crate::openapi::model::patch_meta("apps", "v1", "Deployment").unwrap();
        let patch =
            json!({"spec": {"template": {"spec": {"containers": [{"name": "c", "image": "x"}]}}}});
        let meta = for_patch(root, &patch);
        let containers = meta
            .field("spec")
            .unwrap()
            .field("template")
            .unwrap()
            .field("spec")
            .unwrap()
            .field("containers")
            .unwrap();
        assert_eq!(containers.merge_key(), Some("name"));
        assert_eq!(containers.strategies(), [PatchStrategy::Merge]);
        let original = json!({"spec": {"template": {"spec": {"containers": [
            {"name": "c", "image": "old"}, {"name": "side", "image": "s"}]}}}});
        let merged = crate::patch::strategic_merge(&original, &patch, &meta).unwrap();
        assert_eq!(
            merged["spec"]["template"]["spec"]["containers"][0]["image"],
            "x"
        );
        assert_eq!(
            merged["spec"]["template"]["spec"]["containers"][1]["name"],
            "side"
        );
    }
}
