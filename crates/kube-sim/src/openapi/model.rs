//! A read-only view of OpenAPI v3 schemas for the server's merge logic: for a kind and a
//! field path, the strategic-merge-patch metadata (`x-kubernetes-patch-strategy`,
//! `-patch-merge-key`, spec §4.1) and the SSA typing (`x-kubernetes-list-type`,
//! `-list-map-keys`, `-map-type`, int-or-string, preserve-unknown-fields; spec §3.3).
//!
//! Works on any [`SchemaSet`]: the built-ins ([`patch_meta`]) or a CRD document's schemas.

use serde_json::Value;

use super::schema::{builtin_schemas, SchemaSet, REF_PREFIX};

/// `x-kubernetes-list-type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListType {
    Atomic,
    Set,
    Map,
}

/// `x-kubernetes-map-type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MapType {
    Atomic,
    Granular,
}

/// What a schema node holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// An object with declared `properties`.
    Struct,
    /// An object whose values are all described by `additionalProperties`.
    Map,
    List,
    /// `string`, `integer`, `number` or `boolean`.
    Scalar,
    /// `x-kubernetes-int-or-string`: a scalar.
    IntOrString,
    /// No usable schema (`x-kubernetes-preserve-unknown-fields`, free-form objects such as
    /// `RawExtension`, `JSON`): "deduced" typing, maps granular and lists atomic.
    Untyped,
}

/// Merge metadata of one field, as declared (site first, then the referenced definition).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PatchMeta {
    /// `x-kubernetes-patch-strategy` split at commas: `merge`, `retainKeys`, `replace`.
    pub patch_strategies: Vec<String>,
    pub patch_merge_key: Option<String>,
    pub list_type: Option<ListType>,
    pub list_map_keys: Vec<String>,
    pub map_type: Option<MapType>,
}

impl PatchMeta {
    pub fn has_strategy(&self, strategy: &str) -> bool {
        self.patch_strategies.iter().any(|s| s == strategy)
    }
}

/// A schema node reached from a kind: `site` is where the field is declared (it may carry
/// extensions next to an `allOf`/`$ref`), `node` the resolved definition.
#[derive(Debug, Clone, Copy)]
pub struct Schema<'a> {
    set: &'a SchemaSet,
    site: &'a Value,
    node: &'a Value,
}

/// The root schema of a built-in kind, e.g. `patch_meta("apps", "v1", "Deployment")`; walk
/// it with [`Schema::path`] and read [`Schema::patch_meta`] / [`Schema::list_type`].
pub fn patch_meta(group: &str, version: &str, kind: &str) -> Option<Schema<'static>> {
    builtin_schemas().kind(group, version, kind)
}

/// The merge metadata of one field of a built-in kind, e.g.
/// `field_patch_meta("apps", "v1", "Deployment", &["spec", "template", "spec", "containers"])`
/// (list items are stepped into implicitly). `None` for unknown kinds or fields.
pub fn field_patch_meta(
    group: &str,
    version: &str,
    kind: &str,
    path: &[&str],
) -> Option<PatchMeta> {
    Some(patch_meta(group, version, kind)?.path(path)?.patch_meta())
}

impl SchemaSet {
    /// The root schema of `group`/`version`/`kind`.
    pub fn kind(&self, group: &str, version: &str, kind: &str) -> Option<Schema<'_>> {
        let name = self.name_for(group, version, kind)?;
        self.schema(name)
    }

    /// The definition `name`.
    pub fn schema(&self, name: &str) -> Option<Schema<'_>> {
        let site = self.get(name)?;
        Some(Schema::at(self, site))
    }
}

fn reference(node: &Value) -> Option<&str> {
    let direct = node.get("$ref").and_then(Value::as_str);
    let via_all_of = || {
        node.get("allOf")
            .and_then(Value::as_array)
            .filter(|all| all.len() == 1)
            .and_then(|all| all[0].get("$ref"))
            .and_then(Value::as_str)
    };
    direct.or_else(via_all_of)?.strip_prefix(REF_PREFIX)
}

impl<'a> Schema<'a> {
    fn at(set: &'a SchemaSet, site: &'a Value) -> Self {
        let mut node = site;
        // References to references are followed a few levels deep; cycles stop there.
        for _ in 0..8 {
            match reference(node).and_then(|name| set.get(name)) {
                Some(target) => node = target,
                None => break,
            }
        }
        Self { set, site, node }
    }

    /// The resolved schema JSON.
    pub fn raw(&self) -> &'a Value {
        self.node
    }

    /// An extension or keyword: at the field's declaration first, then its definition.
    pub fn keyword(&self, key: &str) -> Option<&'a Value> {
        self.site.get(key).or_else(|| self.node.get(key))
    }

    fn str_keyword(&self, key: &str) -> Option<&'a str> {
        self.keyword(key).and_then(Value::as_str)
    }

    fn flag(&self, key: &str) -> bool {
        self.keyword(key).and_then(Value::as_bool) == Some(true)
    }

    pub fn int_or_string(&self) -> bool {
        self.flag("x-kubernetes-int-or-string")
    }

    pub fn preserve_unknown_fields(&self) -> bool {
        self.flag("x-kubernetes-preserve-unknown-fields")
    }

    pub fn embedded_resource(&self) -> bool {
        self.flag("x-kubernetes-embedded-resource")
    }

    pub fn shape(&self) -> Shape {
        if self.int_or_string() {
            return Shape::IntOrString;
        }
        let has_properties = self
            .node
            .get("properties")
            .and_then(Value::as_object)
            .is_some_and(|p| !p.is_empty());
        match self.str_keyword("type") {
            Some("array") => Shape::List,
            Some("string" | "integer" | "number" | "boolean") => Shape::Scalar,
            _ if has_properties => Shape::Struct,
            _ if self
                .node
                .get("additionalProperties")
                .is_some_and(Value::is_object) =>
            {
                Shape::Map
            }
            _ => Shape::Untyped,
        }
    }

    /// The field `name` of an object: a declared property, else the `additionalProperties`
    /// schema of a map. `None` for unknown fields and untyped objects.
    pub fn field(&self, name: &str) -> Option<Schema<'a>> {
        if let Some(p) = self.node.get("properties").and_then(|p| p.get(name)) {
            return Some(Self::at(self.set, p));
        }
        match self.node.get("additionalProperties") {
            Some(v @ Value::Object(_)) => Some(Self::at(self.set, v)),
            _ => None,
        }
    }

    /// The item schema of a list.
    pub fn items(&self) -> Option<Schema<'a>> {
        match self.node.get("items") {
            Some(v @ Value::Object(_)) => Some(Self::at(self.set, v)),
            _ => None,
        }
    }

    /// Walks field names from here, stepping into list items implicitly:
    /// `["spec", "template", "spec", "containers", "ports"]`.
    pub fn path(&self, path: &[&str]) -> Option<Schema<'a>> {
        let mut current = *self;
        for name in path {
            if current.shape() == Shape::List {
                current = current.items()?;
            }
            current = current.field(name)?;
        }
        Some(current)
    }

    /// The declared merge metadata of this field.
    pub fn patch_meta(&self) -> PatchMeta {
        let list_type = match self.str_keyword("x-kubernetes-list-type") {
            Some("atomic") => Some(ListType::Atomic),
            Some("set") => Some(ListType::Set),
            Some("map") => Some(ListType::Map),
            _ => None,
        };
        let map_type = match self.str_keyword("x-kubernetes-map-type") {
            Some("atomic") => Some(MapType::Atomic),
            Some("granular") => Some(MapType::Granular),
            _ => None,
        };
        let list_map_keys = self
            .keyword("x-kubernetes-list-map-keys")
            .and_then(Value::as_array)
            .map(|keys| {
                keys.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        PatchMeta {
            patch_strategies: self
                .str_keyword("x-kubernetes-patch-strategy")
                .map(|s| s.split(',').map(|p| p.trim().to_owned()).collect())
                .unwrap_or_default(),
            patch_merge_key: self
                .str_keyword("x-kubernetes-patch-merge-key")
                .map(str::to_owned),
            list_type,
            list_map_keys,
            map_type,
        }
    }

    /// How SSA treats this list (§3.3): the declared list type; else `merge` strategy with a
    /// merge key → `map` keyed by it (`set` for scalar items); else `atomic`.
    pub fn list_type(&self) -> (ListType, Vec<String>) {
        let meta = self.patch_meta();
        match meta.list_type {
            Some(ListType::Map) => (ListType::Map, meta.list_map_keys),
            Some(other) => (other, Vec::new()),
            None if meta.has_strategy("merge") => {
                let scalar_items = self
                    .items()
                    .is_some_and(|i| matches!(i.shape(), Shape::Scalar | Shape::IntOrString));
                match meta.patch_merge_key {
                    Some(key) if !scalar_items => (ListType::Map, vec![key]),
                    _ => (ListType::Set, Vec::new()),
                }
            }
            None => (ListType::Atomic, Vec::new()),
        }
    }

    /// How SSA treats this object: atomic when declared so, else granular.
    pub fn map_type(&self) -> MapType {
        self.patch_meta().map_type.unwrap_or(MapType::Granular)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deployment() -> Schema<'static> {
        patch_meta("apps", "v1", "Deployment").unwrap()
    }

    #[test]
    fn strategic_merge_metadata_of_deployments() {
        let d = deployment();
        let pod = ["spec", "template", "spec"];
        let containers = d.path(&[&pod[..], &["containers"]].concat()).unwrap();
        let meta = containers.patch_meta();
        assert_eq!(meta.patch_strategies, ["merge"]);
        assert_eq!(meta.patch_merge_key.as_deref(), Some("name"));
        assert_eq!(meta.list_type, Some(ListType::Map));
        assert_eq!(
            containers.list_type(),
            (ListType::Map, vec!["name".to_owned()])
        );
        assert_eq!(containers.shape(), Shape::List);
        assert_eq!(containers.items().unwrap().shape(), Shape::Struct);

        let ports = d
            .path(&[&pod[..], &["containers", "ports"]].concat())
            .unwrap();
        assert_eq!(
            ports.patch_meta().list_map_keys,
            ["containerPort", "protocol"]
        );
        assert_eq!(
            ports.patch_meta().patch_merge_key.as_deref(),
            Some("containerPort")
        );
        let mounts = d
            .path(&[&pod[..], &["containers", "volumeMounts"]].concat())
            .unwrap();
        assert_eq!(
            mounts.patch_meta().patch_merge_key.as_deref(),
            Some("mountPath")
        );
        let tolerations = d.path(&[&pod[..], &["tolerations"]].concat()).unwrap();
        assert_eq!(tolerations.list_type().0, ListType::Atomic);
        assert!(tolerations.patch_meta().patch_strategies.is_empty());
        let volume = d
            .path(&[&pod[..], &["volumes"]].concat())
            .unwrap()
            .items()
            .unwrap();
        assert!(volume.patch_meta().patch_strategies.is_empty());

        let strategy = d.path(&["spec", "strategy"]).unwrap();
        assert!(strategy.patch_meta().has_strategy("retainKeys"));
        assert_eq!(strategy.shape(), Shape::Struct);
        let surge = d
            .path(&["spec", "strategy", "rollingUpdate", "maxSurge"])
            .unwrap();
        assert_eq!(surge.shape(), Shape::IntOrString);
        let selector = d.path(&["spec", "selector"]).unwrap();
        assert_eq!(selector.map_type(), MapType::Atomic);
        let replicas = d.path(&["spec", "replicas"]).unwrap();
        assert_eq!(replicas.shape(), Shape::Scalar);
        assert!(d.path(&["spec", "nope"]).is_none());
    }

    #[test]
    fn metadata_fields() {
        let meta = field_patch_meta("", "v1", "Pod", &["spec", "containers", "env"]).unwrap();
        assert_eq!(meta.patch_merge_key.as_deref(), Some("name"));
        assert!(field_patch_meta("", "v1", "Pod", &["spec", "nope"]).is_none());
        let d = deployment();
        let finalizers = d.path(&["metadata", "finalizers"]).unwrap();
        assert_eq!(finalizers.list_type().0, ListType::Set);
        assert!(finalizers.patch_meta().has_strategy("merge"));
        let owners = d.path(&["metadata", "ownerReferences"]).unwrap();
        assert_eq!(owners.list_type(), (ListType::Map, vec!["uid".to_owned()]));
        let labels = d.path(&["metadata", "labels"]).unwrap();
        assert_eq!(labels.shape(), Shape::Map);
        assert_eq!(labels.field("app").unwrap().shape(), Shape::Scalar);
        assert_eq!(labels.map_type(), MapType::Granular);
        let conditions = d.path(&["status", "conditions"]).unwrap();
        assert_eq!(
            conditions.list_type(),
            (ListType::Map, vec!["type".to_owned()])
        );
        let fields_v1 = d.path(&["metadata", "managedFields", "fieldsV1"]).unwrap();
        assert_eq!(fields_v1.shape(), Shape::Untyped);
    }

    #[test]
    fn other_kinds() {
        let svc = patch_meta("", "v1", "Service").unwrap();
        let ports = svc.path(&["spec", "ports"]).unwrap();
        assert_eq!(
            ports.list_type(),
            (
                ListType::Map,
                vec!["port".to_owned(), "protocol".to_owned()]
            )
        );
        let target = svc.path(&["spec", "ports", "targetPort"]).unwrap();
        assert_eq!(target.shape(), Shape::IntOrString);
        let cm = patch_meta("", "v1", "ConfigMap").unwrap();
        assert_eq!(cm.path(&["data"]).unwrap().shape(), Shape::Map);
        let crd = patch_meta("apiextensions.k8s.io", "v1", "CustomResourceDefinition").unwrap();
        let schema = crd
            .path(&["spec", "versions", "schema", "openAPIV3Schema"])
            .unwrap();
        assert_eq!(schema.shape(), Shape::Struct);
        assert!(patch_meta("apps", "v1", "Nope").is_none());
    }
}
