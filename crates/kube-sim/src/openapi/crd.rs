//! OpenAPI v3 schemas of custom resources (spec §5.6): the CRD's `openAPIV3Schema` under
//! `components.schemas["<reversed group>.<version>.<Kind>"]`, with `apiVersion`, `kind` and
//! a `metadata` reference to ObjectMeta, plus the list schema.

use serde_json::{json, Map, Value};

use super::schema::{builtin_schemas, collect_refs, SchemaSet, REF_PREFIX};
use crate::kinds::{from_crd, Registry, ResourceInfo};

const META: &str = "io.k8s.apimachinery.pkg.apis.meta.v1.";

const API_VERSION_DOC: &str = "APIVersion defines the versioned schema of this representation of \
an object. Servers should convert recognized schemas to the latest internal value, and may reject \
unrecognized values. More info: \
https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources";
const KIND_DOC: &str = "Kind is a string value representing the REST resource this object \
represents. Servers may infer this from the endpoint the client submits requests to. Cannot be \
updated. In CamelCase. More info: \
https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds";
const METADATA_DOC: &str = "Standard object's metadata. More info: \
https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";
const LIST_METADATA_DOC: &str = "Standard list metadata. More info: \
https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds";

/// `example.com`, `v1`, `Widget` → `com.example.v1.Widget`.
pub fn crd_schema_name(group: &str, version: &str, kind: &str) -> String {
    let reversed: Vec<&str> = group.split('.').rev().collect();
    format!("{}.{version}.{kind}", reversed.join("."))
}

fn meta_ref(name: &str, description: &str) -> Value {
    json!({"allOf": [{"$ref": format!("{REF_PREFIX}{META}{name}")}], "description": description})
}

fn type_meta(props: &mut Map<String, Value>) {
    props.insert(
        "apiVersion".into(),
        json!({"description": API_VERSION_DOC, "type": "string"}),
    );
    props.insert(
        "kind".into(),
        json!({"description": KIND_DOC, "type": "string"}),
    );
}

/// The object and list schemas of a custom resource: `[(name, schema), (list name, list)]`.
/// Empty for built-in resources.
pub fn cr_schemas(r: &ResourceInfo) -> Vec<(String, Value)> {
    let Some(crd) = r.crd() else {
        return Vec::new();
    };
    let mut schema = match crd.schema.as_deref() {
        Some(Value::Object(map)) => map.clone(),
        // No schema: anything goes (apiextensions v1 requires one; be lenient).
        _ => {
            let mut m = Map::new();
            m.insert("type".into(), json!("object"));
            m.insert("x-kubernetes-preserve-unknown-fields".into(), json!(true));
            m
        }
    };
    let props = schema.entry("properties").or_insert_with(|| json!({}));
    if let Value::Object(props) = props {
        type_meta(props);
        props.insert("metadata".into(), meta_ref("ObjectMeta", METADATA_DOC));
    }
    schema.entry("type").or_insert_with(|| json!("object"));
    let gvk = |kind: &str| json!([{"group": r.group, "kind": kind, "version": r.version}]);
    schema.insert("x-kubernetes-group-version-kind".into(), gvk(&r.kind));

    let name = crd_schema_name(&r.group, &r.version, &r.kind);
    let mut list_props = Map::new();
    type_meta(&mut list_props);
    list_props.insert(
        "items".into(),
        json!({
            "description": format!("List of {}. More info: \
                https://git.k8s.io/community/contributors/devel/api-conventions.md", r.plural),
            "type": "array",
            "items": {"$ref": format!("{REF_PREFIX}{name}")},
        }),
    );
    list_props.insert("metadata".into(), meta_ref("ListMeta", LIST_METADATA_DOC));
    let list = json!({
        "description": format!("{} is a list of {}", r.list_kind, r.kind),
        "type": "object",
        "required": ["items"],
        "properties": list_props,
        "x-kubernetes-group-version-kind": gvk(&r.list_kind),
    });
    let list_name = crd_schema_name(&r.group, &r.version, &r.list_kind);
    vec![(name, Value::Object(schema)), (list_name, list)]
}

/// The schema model of a custom resource (empty for built-ins: use
/// [`builtin_schemas`]): its object and list schemas plus the built-in definitions they
/// reference (ObjectMeta, ...), for merge typing (§3.3) and pruning.
pub fn cr_schema_set(r: &ResourceInfo) -> SchemaSet {
    let own = cr_schemas(r);
    let mut roots = Vec::new();
    for (_, schema) in &own {
        collect_refs(schema, &mut roots);
    }
    let mut schemas: std::collections::BTreeMap<String, Value> = builtin_schemas()
        .closure(roots.iter().map(String::as_str))
        .into_iter()
        .collect();
    schemas.extend(own);
    SchemaSet::new(schemas)
}

/// The `/openapi/v3/apis/<group>/<version>` document of one served version of an
/// Established CRD (`None` otherwise): schemas, ObjectMeta and friends, and paths.
pub fn crd_document(crd: &Value, version: &str) -> Option<Value> {
    let reg = Registry::from_resources(from_crd(crd));
    let group = crd.pointer("/spec/group").and_then(Value::as_str)?;
    super::group_version_document(&reg, group, version)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kinds::tests::widget_crd;
    use crate::openapi::{ListType, MapType, Shape};

    #[test]
    fn schema_names() {
        assert_eq!(
            crd_schema_name("helm.toolkit.fluxcd.io", "v2", "HelmRelease"),
            "io.fluxcd.toolkit.helm.v2.HelmRelease"
        );
        assert_eq!(
            crd_schema_name("example.com", "v1", "Widget"),
            "com.example.v1.Widget"
        );
    }

    #[test]
    fn crd_document_has_schema_refs_and_paths() {
        let doc = crd_document(&widget_crd(), "v1").unwrap();
        let schemas = &doc["components"]["schemas"];
        let widget = &schemas["com.example.v1.Widget"];
        assert_eq!(
            widget["x-kubernetes-group-version-kind"],
            json!([{"group": "example.com", "kind": "Widget", "version": "v1"}])
        );
        assert_eq!(
            widget["properties"]["metadata"]["allOf"][0]["$ref"],
            "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"
        );
        assert_eq!(widget["properties"]["kind"]["type"], "string");
        assert_eq!(
            widget["properties"]["spec"]["properties"]["size"]["default"],
            1
        );
        let list = &schemas["com.example.v1.WidgetList"];
        assert_eq!(
            list["properties"]["items"]["items"]["$ref"],
            "#/components/schemas/com.example.v1.Widget"
        );
        for meta in [
            "ObjectMeta",
            "ListMeta",
            "Status",
            "DeleteOptions",
            "Patch",
            "Time",
        ] {
            let name = format!("io.k8s.apimachinery.pkg.apis.meta.v1.{meta}");
            assert!(schemas.get(&name).is_some(), "{name}");
        }
        assert!(schemas.get("io.k8s.api.autoscaling.v1.Scale").is_some());

        let item = &doc["paths"]["/apis/example.com/v1/namespaces/{namespace}/widgets/{name}"];
        let patch = &item["patch"];
        assert_eq!(
            patch["x-kubernetes-group-version-kind"],
            json!({"group": "example.com", "version": "v1", "kind": "Widget"})
        );
        let content = patch["requestBody"]["content"].as_object().unwrap();
        assert!(content.contains_key("application/merge-patch+json"));
        assert!(!content.contains_key("application/strategic-merge-patch+json"));
        let names: Vec<_> = patch["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        assert!(names.contains(&"fieldValidation"));
        let scale =
            &doc["paths"]["/apis/example.com/v1/namespaces/{namespace}/widgets/{name}/scale"];
        assert_eq!(
            scale["get"]["x-kubernetes-group-version-kind"]["kind"],
            "Scale"
        );
        assert!(crd_document(&widget_crd(), "v1alpha1").is_none());
    }

    #[test]
    fn cr_schema_model() {
        let entries = from_crd(&widget_crd());
        let v1 = entries.iter().find(|r| r.version == "v1").unwrap();
        let set = cr_schema_set(v1);
        let widget = set.kind("example.com", "v1", "Widget").unwrap();
        let ports = widget.path(&["spec", "ports"]).unwrap();
        assert_eq!(ports.list_type(), (ListType::Map, vec!["name".to_owned()]));
        assert_eq!(ports.path(&["port"]).unwrap().shape(), Shape::IntOrString);
        let selector = widget.path(&["spec", "selector"]).unwrap();
        assert_eq!(selector.map_type(), MapType::Atomic);
        let values = widget.path(&["spec", "values"]).unwrap();
        assert!(values.preserve_unknown_fields());
        assert_eq!(values.shape(), Shape::Untyped);
        let finalizers = widget.path(&["metadata", "finalizers"]).unwrap();
        assert_eq!(finalizers.list_type().0, ListType::Set);
        assert!(set.kind("example.com", "v1", "WidgetList").is_some());
    }

    #[test]
    fn crd_without_schema() {
        let mut crd = widget_crd();
        crd["spec"]["versions"][1]
            .as_object_mut()
            .unwrap()
            .remove("schema");
        let doc = crd_document(&crd, "v1").unwrap();
        let widget = &doc["components"]["schemas"]["com.example.v1.Widget"];
        assert_eq!(widget["x-kubernetes-preserve-unknown-fields"], true);
        assert_eq!(widget["properties"]["apiVersion"]["type"], "string");
    }
}
