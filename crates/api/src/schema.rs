//! Schema helpers that make generated OpenAPI schemas equal controller-gen's output.
//!
//! schemars describes Rust types; controller-gen describes Go types. The two differ in a few
//! systematic ways that [`finalize_crd`] and the `schema_with` helpers here settle once:
//! optional fields are not `nullable` in Go CRDs, Go's `int` has no format, and `apiextensions
//! JSON` fields preserve unknown fields.

use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use schemars::{json_schema, Schema, SchemaGenerator};
use serde_json::{json, Map, Value};

/// Pattern of `metav1.Duration` fields that accept hours.
pub const DURATION_PATTERN: &str = r"^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$";
/// Pattern of `metav1.Duration` fields limited to minutes (timeouts).
pub const DURATION_PATTERN_NO_HOURS: &str = r"^([0-9]+(\.[0-9]+)?(ms|s|m))+$";

/// Arbitrary JSON (`apiextensionsv1.JSON`): any value, unknown fields preserved.
pub fn any_json(_: &mut SchemaGenerator) -> Schema {
    json_schema!({ "x-kubernetes-preserve-unknown-fields": true })
}

/// A Go `int` (no `format`).
pub fn go_int(_: &mut SchemaGenerator) -> Schema {
    json_schema!({ "type": "integer" })
}

/// A string-keyed map of arbitrary JSON values.
pub fn json_map(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "additionalProperties": { "x-kubernetes-preserve-unknown-fields": true },
        "type": "object"
    })
}

/// Rewrites a kube-derive generated CRD into the shape controller-gen produces.
pub fn finalize_crd(mut crd: CustomResourceDefinition) -> CustomResourceDefinition {
    let names = &mut crd.spec.names;
    if names.list_kind.is_none() {
        names.list_kind = Some(format!("{}List", names.kind));
    }
    for version in &mut crd.spec.versions {
        let Some(validation) = version.schema.as_mut() else {
            continue;
        };
        let Some(schema) = validation.open_api_v3_schema.take() else {
            continue;
        };
        let mut value = serde_json::to_value(&schema).unwrap_or(Value::Null);
        normalize(&mut value);
        if let Value::Object(root) = &mut value {
            shape_root(root);
        }
        validation.open_api_v3_schema = serde_json::from_value(value).ok().or(Some(schema));
    }
    crd
}

/// The root object of a Go CRD: apiVersion/kind/metadata properties, no title or required.
fn shape_root(root: &mut Map<String, Value>) {
    root.remove("title");
    root.remove("required");
    let generated = root
        .get("description")
        .and_then(Value::as_str)
        .is_some_and(|d| d.starts_with("Auto-generated"));
    if generated {
        root.remove("description");
    }
    if let Some(Value::Object(props)) = root.get_mut("properties") {
        props.insert(
            "apiVersion".into(),
            json!({"description": "APIVersion defines the versioned schema of this representation of an object.", "type": "string"}),
        );
        props.insert(
            "kind".into(),
            json!({"description": "Kind is a string value representing the REST resource this object represents.", "type": "string"}),
        );
        props.insert("metadata".into(), json!({"type": "object"}));
    }
}

/// Removes schemars' nullability markers recursively; Go CRDs express optionality only
/// through `required`.
fn normalize(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.remove("nullable");
            if let Some(Value::Array(items)) = map.get_mut("enum") {
                items.retain(|v| !v.is_null());
            }
            for v in map.values_mut() {
                normalize(v);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(normalize),
        _ => {}
    }
}
