//! Built-in schemas: the vendored JSON Schema definitions of Kubernetes 1.32
//! (`data/k8s-v1.32.0-definitions.json.gz`, from PyPI `kubernetes-validate` 1.32.0; see
//! `data/README.md`) converted to OpenAPI v3 `components.schemas` (spec §9).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Read;
use std::sync::OnceLock;

use serde_json::{Map, Value};

const DEFINITIONS_GZ: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/data/k8s-v1.32.0-definitions.json.gz"
));

/// Prefix of every `$ref` in the converted schemas.
pub const REF_PREFIX: &str = "#/components/schemas/";

/// The vendored definitions could not be decoded (a build problem, caught by unit tests).
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("decompressing the built-in definitions: {0}")]
    Gzip(#[from] std::io::Error),
    #[error("parsing the built-in definitions: {0}")]
    Json(#[from] serde_json::Error),
    #[error("the built-in definitions have no $defs object")]
    NoDefs,
}

/// OpenAPI v3 schemas by definition name (`io.k8s.api.apps.v1.Deployment`), indexed by the
/// group-version-kinds they declare in `x-kubernetes-group-version-kind`.
#[derive(Debug, Clone, Default)]
pub struct SchemaSet {
    schemas: BTreeMap<String, Value>,
    by_gvk: HashMap<(String, String, String), String>,
}

impl SchemaSet {
    /// A set from OpenAPI v3 schemas (e.g. a document's `components.schemas`).
    pub fn new(schemas: BTreeMap<String, Value>) -> Self {
        let mut by_gvk = HashMap::new();
        for (name, schema) in &schemas {
            for gvk in gvks(schema) {
                // The first definition claiming a GVK wins (DeleteOptions claims many).
                by_gvk.entry(gvk).or_insert_with(|| name.clone());
            }
        }
        Self { schemas, by_gvk }
    }

    /// From an OpenAPI v3 document's `components.schemas`.
    pub fn from_document(doc: &Value) -> Self {
        let schemas = doc
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default();
        Self::new(schemas)
    }

    pub fn get(&self, name: &str) -> Option<&Value> {
        self.schemas.get(name)
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.schemas.keys().map(String::as_str)
    }

    pub fn len(&self) -> usize {
        self.schemas.len()
    }

    pub fn is_empty(&self) -> bool {
        self.schemas.is_empty()
    }

    /// Name of the definition declaring `group`/`version`/`kind`.
    pub fn name_for(&self, group: &str, version: &str, kind: &str) -> Option<&str> {
        self.by_gvk
            .get(&(group.to_owned(), version.to_owned(), kind.to_owned()))
            .map(String::as_str)
    }

    /// `roots` and every definition they reference, transitively.
    pub fn closure<'a>(&self, roots: impl IntoIterator<Item = &'a str>) -> Map<String, Value> {
        let mut seen = BTreeSet::new();
        let mut todo: Vec<String> = roots.into_iter().map(str::to_owned).collect();
        while let Some(name) = todo.pop() {
            let Some(schema) = self.schemas.get(&name) else {
                continue;
            };
            if seen.insert(name) {
                collect_refs(schema, &mut todo);
            }
        }
        seen.into_iter()
            .filter_map(|n| self.schemas.get(&n).map(|s| (n, s.clone())))
            .collect()
    }
}

/// `(group, version, kind)` entries of a schema's `x-kubernetes-group-version-kind`.
pub fn gvks(schema: &Value) -> Vec<(String, String, String)> {
    let field = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
    schema
        .get("x-kubernetes-group-version-kind")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .map(|g| (field(g, "group"), field(g, "version"), field(g, "kind")))
                .collect()
        })
        .unwrap_or_default()
}

/// Pushes the names of all `#/components/schemas/...` references below `value`.
pub fn collect_refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                match (k.as_str(), v) {
                    ("$ref", Value::String(r)) => {
                        if let Some(name) = r.strip_prefix(REF_PREFIX) {
                            out.push(name.to_owned());
                        }
                    }
                    // Field names are not keywords: look at every property's schema.
                    ("properties" | "patternProperties", Value::Object(props)) => {
                        props.values().for_each(|p| collect_refs(p, out));
                    }
                    // Enumerated and default values are data, not schemas.
                    ("enum" | "default" | "example", _) => {}
                    _ => collect_refs(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

static BUILTIN: OnceLock<Result<SchemaSet, LoadError>> = OnceLock::new();

/// The built-in schemas, decoded and converted on first use.
pub fn try_builtin_schemas() -> Result<&'static SchemaSet, &'static LoadError> {
    BUILTIN.get_or_init(load).as_ref()
}

/// The built-in schemas; empty if the vendored file cannot be decoded (never the case for
/// the committed file: the unit tests load it).
pub fn builtin_schemas() -> &'static SchemaSet {
    static EMPTY: OnceLock<SchemaSet> = OnceLock::new();
    try_builtin_schemas().unwrap_or_else(|_| EMPTY.get_or_init(SchemaSet::default))
}

fn load() -> Result<SchemaSet, LoadError> {
    let mut text = String::new();
    flate2::read::GzDecoder::new(DEFINITIONS_GZ).read_to_string(&mut text)?;
    let mut doc: Value = serde_json::from_str(&text)?;
    let Some(Value::Object(defs)) = doc.get_mut("$defs").map(Value::take) else {
        return Err(LoadError::NoDefs);
    };
    let schemas = defs
        .into_iter()
        .map(|(name, schema)| {
            let converted = convert_definition(&schema);
            (name, converted)
        })
        .collect();
    Ok(SchemaSet::new(schemas))
}

/// Converts one top-level JSON Schema definition to OpenAPI v3.
pub fn convert_definition(schema: &Value) -> Value {
    let mut out = convert(schema);
    // kubernetes-validate pins `apiVersion`/`kind` with an `enum`; the server's documents do
    // not (kubectl explain would print it).
    if out.get("x-kubernetes-group-version-kind").is_some() {
        for field in ["apiVersion", "kind"] {
            if let Some(Value::Object(p)) = out.pointer_mut(&format!("/properties/{field}")) {
                p.remove("enum");
            }
        }
    }
    out
}

/// Converts a JSON Schema node: `$ref` to `#/components/schemas/...` (wrapped in `allOf`
/// when the node says more than the reference, as kube-openapi does), `["T","null"]` to
/// `T`, and `oneOf` of string/number (IntOrString, Quantity) to the structural
/// `x-kubernetes-int-or-string` form. Extensions are kept as they are.
pub fn convert(schema: &Value) -> Value {
    let Value::Object(map) = schema else {
        return schema.clone();
    };
    let mut out = Map::new();
    for (key, value) in map {
        let converted = match (key.as_str(), value) {
            ("type", Value::Array(types)) => {
                let mut kept = types.iter().filter(|t| t.as_str() != Some("null"));
                match (kept.next(), kept.next()) {
                    (Some(t), None) => t.clone(),
                    _ => value.clone(),
                }
            }
            ("$ref", Value::String(r)) => Value::String(r.replacen("#/$defs/", REF_PREFIX, 1)),
            ("oneOf", Value::Array(alternatives)) if is_int_or_string(alternatives) => {
                out.insert("x-kubernetes-int-or-string".into(), Value::Bool(true));
                let any = serde_json::json!([{"type": "integer"}, {"type": "string"}]);
                out.insert("anyOf".into(), any);
                continue;
            }
            ("properties" | "patternProperties", Value::Object(props)) => {
                Value::Object(props.iter().map(|(k, v)| (k.clone(), convert(v))).collect())
            }
            ("items" | "additionalProperties" | "not", Value::Object(_)) => convert(value),
            ("allOf" | "anyOf" | "oneOf", Value::Array(items)) => {
                Value::Array(items.iter().map(convert).collect())
            }
            _ => value.clone(),
        };
        out.insert(key.clone(), converted);
    }
    if out.len() > 1 {
        if let Some(reference) = out.remove("$ref") {
            let wrapped = serde_json::json!([{"$ref": reference}]);
            out.insert("allOf".into(), wrapped);
        }
    }
    Value::Object(out)
}

/// `oneOf: [{type: string}, {type: integer|number}]` (any order, nullable allowed).
fn is_int_or_string(alternatives: &[Value]) -> bool {
    let types: BTreeSet<&str> = alternatives
        .iter()
        .flat_map(|a| match a.get("type") {
            Some(Value::String(t)) => vec![t.as_str()],
            Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
            _ => vec!["?"],
        })
        .filter(|t| *t != "null")
        .collect();
    types.len() == 2 && types.contains("string") && !types.contains("?") && {
        types.contains("integer") || types.contains("number")
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn vendored_definitions_load() {
        let set = try_builtin_schemas().unwrap();
        assert_eq!(set.len(), 638);
        assert_eq!(
            set.name_for("apps", "v1", "Deployment"),
            Some("io.k8s.api.apps.v1.Deployment")
        );
        assert_eq!(
            set.name_for("", "v1", "Pod"),
            Some("io.k8s.api.core.v1.Pod")
        );
        assert_eq!(
            set.name_for("autoscaling", "v1", "Scale"),
            Some("io.k8s.api.autoscaling.v1.Scale")
        );
        let deploy = set.get("io.k8s.api.apps.v1.Deployment").unwrap();
        assert_eq!(deploy["type"], "object");
        assert_eq!(deploy["properties"]["apiVersion"]["type"], "string");
        assert!(deploy["properties"]["apiVersion"].get("enum").is_none());
        assert_eq!(
            deploy["properties"]["spec"]["allOf"][0]["$ref"],
            "#/components/schemas/io.k8s.api.apps.v1.DeploymentSpec"
        );
        let spec = set.get("io.k8s.api.apps.v1.DeploymentSpec").unwrap();
        assert_eq!(
            spec["properties"]["strategy"]["x-kubernetes-patch-strategy"],
            "retainKeys"
        );
        assert_eq!(spec["properties"]["replicas"]["type"], "integer");
        let ios = set
            .get("io.k8s.apimachinery.pkg.util.intstr.IntOrString")
            .unwrap();
        assert_eq!(ios["x-kubernetes-int-or-string"], true);
        assert!(ios.get("oneOf").is_none());
        let containers =
            &set.get("io.k8s.api.core.v1.PodSpec").unwrap()["properties"]["containers"];
        assert_eq!(containers["x-kubernetes-list-map-keys"], json!(["name"]));
        assert_eq!(
            containers["items"],
            json!({"$ref": "#/components/schemas/io.k8s.api.core.v1.Container"})
        );
    }

    #[test]
    fn conversion_rules() {
        let converted = convert(&json!({
            "type": ["string", "null"],
            "properties": {
                "a": {"$ref": "#/$defs/X"},
                "b": {"$ref": "#/$defs/Y", "description": "d"}
            },
            "items": {"type": ["integer", "null"]},
            "oneOf": [{"type": ["string", "null"]}, {"type": ["number", "null"]}]
        }));
        assert_eq!(
            converted,
            json!({
                "type": "string",
                "properties": {
                    "a": {"$ref": "#/components/schemas/X"},
                    "b": {"allOf": [{"$ref": "#/components/schemas/Y"}], "description": "d"}
                },
                "items": {"type": "integer"},
                "x-kubernetes-int-or-string": true,
                "anyOf": [{"type": "integer"}, {"type": "string"}]
            })
        );
    }

    #[test]
    fn closure_follows_refs() {
        let set = builtin_schemas();
        let closure = set.closure(["io.k8s.api.apps.v1.Deployment"]);
        for name in [
            "io.k8s.api.apps.v1.DeploymentSpec",
            "io.k8s.api.core.v1.PodSpec",
            "io.k8s.api.core.v1.Container",
            "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta",
            "io.k8s.apimachinery.pkg.util.intstr.IntOrString",
        ] {
            assert!(closure.contains_key(name), "{name}");
        }
        assert!(!closure.contains_key("io.k8s.api.batch.v1.Job"));
    }
}
