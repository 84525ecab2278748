//! Building OpenAPI v3 documents: per group version (paths and the schemas they use) and
//! the small root documents (`api`, `apis`, `apis/<group>`, `version`).

use serde_json::{json, Map, Value};

use super::{builtin_schemas, cr_schemas, paths, schema, SchemaSet};
use crate::discovery::GIT_VERSION;
use crate::kinds::{Registry, ResourceInfo, Subresource};

const META: &str = "io.k8s.apimachinery.pkg.apis.meta.v1.";

fn reference(name: &str) -> Value {
    json!({"$ref": format!("{}{name}", schema::REF_PREFIX)})
}

fn document(paths: Map<String, Value>, schemas: Map<String, Value>) -> Value {
    json!({
        "openapi": "3.0.0",
        "info": {"title": "Kubernetes", "version": GIT_VERSION},
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"BearerToken": {
                "type": "apiKey",
                "description": "Bearer Token authentication",
                "name": "authorization",
                "in": "header",
            }},
        },
    })
}

/// The OpenAPI v3 document of `group`/`version`: every resource's paths and the schemas they
/// use (built-in definitions, transitively; CR schemas from their CRDs). `None` when the
/// group version is not served.
pub fn group_version_document(reg: &Registry, group: &str, version: &str) -> Option<Value> {
    let resources = reg.resources_in(group, version);
    if resources.is_empty() {
        return None;
    }
    let builtins = builtin_schemas();
    let mut roots: Vec<String> = [
        "Status",
        "DeleteOptions",
        "Patch",
        "WatchEvent",
        "APIResourceList",
    ]
    .iter()
    .map(|m| format!("{META}{m}"))
    .collect();
    let mut custom = Map::new();
    let mut all_paths = Map::new();
    let (path, item) = paths::resource_list_path(group, version);
    all_paths.insert(path, item);
    for r in resources {
        let (object, list, patch_types) = if r.is_builtin() {
            let mut named = |kind: &str| match builtins.name_for(&r.group, &r.version, kind) {
                Some(name) => {
                    roots.push(name.to_owned());
                    reference(name)
                }
                None => json!({"type": "object"}),
            };
            (
                named(&r.kind),
                named(&r.list_kind),
                paths::BUILTIN_PATCH_TYPES,
            )
        } else {
            let [(name, object), (list_name, list)]: [(String, Value); 2] =
                cr_schemas(r).try_into().ok()?;
            for s in [&object, &list] {
                schema::collect_refs(s, &mut roots);
            }
            custom.insert(name.clone(), object);
            custom.insert(list_name.clone(), list);
            (
                reference(&name),
                reference(&list_name),
                paths::CRD_PATCH_TYPES,
            )
        };
        let mut sub_schemas = Vec::new();
        for s in &r.subresources {
            let (schema, name) = subresource_schema(builtins, r, s, &object);
            roots.extend(name.map(str::to_owned));
            sub_schemas.push((s.name.clone(), schema));
        }
        let sub_schema = |s: &Subresource| {
            sub_schemas
                .iter()
                .find(|(name, _)| *name == s.name)
                .map_or(Value::Null, |(_, schema)| schema.clone())
        };
        let schemas = paths::Schemas {
            object: object.clone(),
            list,
            patch_types,
        };
        paths::add_resource_paths(&mut all_paths, r, &schemas, &sub_schema);
    }
    let mut schemas = builtins.closure(roots.iter().map(String::as_str));
    schemas.append(&mut custom);
    Some(document(all_paths, schemas))
}

/// Response schema of a subresource, and the built-in definition it refers to: the object
/// itself for `status`-like subresources, `Scale`, `Eviction`, ... by reference, a string for
/// logs and connect subresources (whose `*Options` kinds are query parameters).
fn subresource_schema<'a>(
    builtins: &'a SchemaSet,
    r: &ResourceInfo,
    s: &Subresource,
    object: &Value,
) -> (Value, Option<&'a str>) {
    let string = json!({"type": "string"});
    if s.name == "log" {
        return (string, None);
    }
    if s.kind == r.kind && s.group == r.group && s.version == r.version {
        return (object.clone(), None);
    }
    match builtins.name_for(&s.group, &s.version, &s.kind) {
        Some(name) if !name.ends_with("Options") => (reference(name), Some(name)),
        _ => (string, None),
    }
}

/// A root document (`api`, `apis`, `apis/<group>`, `version`) with one GET path.
pub(super) fn root_document(path: &str, operation_id: &str, tag: &str, response: &str) -> Value {
    let op = json!({
        "tags": [tag],
        "description": "get information",
        "operationId": operation_id,
        "responses": {
            "200": {
                "description": "OK",
                "content": {"application/json": {"schema": reference(response)}},
            },
            "401": {"description": "Unauthorized"},
        },
    });
    let mut p = Map::new();
    p.insert(path.to_owned(), json!({"get": op}));
    document(p, builtin_schemas().closure([response]))
}
