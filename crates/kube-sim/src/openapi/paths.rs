//! Synthesized `paths` of a group-version document: one operation per resource, verb and
//! subresource with the query parameters clients rely on (spec §0.2, §2.3). kubectl decides
//! that the server validates fields itself when the PATCH operation of a kind carries
//! `x-kubernetes-group-version-kind` and a `fieldValidation` query parameter.

use serde_json::{json, Map, Value};

use super::params::{self, params};
use super::schema::REF_PREFIX;
use crate::kinds::{ResourceInfo, Subresource};

const META: &str = "io.k8s.apimachinery.pkg.apis.meta.v1.";

pub const BUILTIN_PATCH_TYPES: &[&str] = &[
    "application/apply-patch+yaml",
    "application/json-patch+json",
    "application/merge-patch+json",
    "application/strategic-merge-patch+json",
];
/// Custom resources do not accept strategic merge patches (spec §4.1).
pub const CRD_PATCH_TYPES: &[&str] = &[
    "application/apply-patch+yaml",
    "application/json-patch+json",
    "application/merge-patch+json",
];

/// Schemas the operations of one resource refer to (a `$ref` or an inline schema).
pub struct Schemas {
    pub object: Value,
    pub list: Value,
    /// Content types of PATCH bodies.
    pub patch_types: &'static [&'static str],
}

/// `apps` → `Apps`, `rbac.authorization.k8s.io` → `RbacAuthorization`, core → `Core`.
pub fn group_camel(group: &str) -> String {
    if group.is_empty() {
        return "Core".to_owned();
    }
    let group = group.strip_suffix(".k8s.io").unwrap_or(group);
    group.split(['.', '-']).map(capitalize).collect()
}

pub fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

/// Tag of a group version (`apps_v1`, `core_v1`, `rbacAuthorization_v1`), or of a group
/// when `version` is empty (`apps`).
pub fn tag(group: &str, version: &str) -> String {
    let camel = group_camel(group);
    let mut chars = camel.chars();
    let lower: String = chars
        .next()
        .map_or_else(String::new, |c| c.to_lowercase().chain(chars).collect());
    if version.is_empty() {
        lower
    } else {
        format!("{lower}_{version}")
    }
}

pub fn schema_ref(name: &str) -> Value {
    json!({"$ref": format!("{REF_PREFIX}{name}")})
}

fn content(schema: &Value, types: &[&str]) -> Value {
    let map: Map<String, Value> = types
        .iter()
        .map(|t| ((*t).to_owned(), json!({"schema": schema})))
        .collect();
    Value::Object(map)
}

/// `responses` with the given codes (all returning `schema`) and 401.
pub fn responses(codes: &[&str], schema: &Value) -> Value {
    let mut map = Map::new();
    for code in codes {
        let description = match *code {
            "201" => "Created",
            "202" => "Accepted",
            _ => "OK",
        };
        let types = ["application/json", "application/yaml"];
        let body = json!({"description": description, "content": content(schema, &types)});
        map.insert((*code).to_owned(), body);
    }
    map.insert("401".into(), json!({"description": "Unauthorized"}));
    Value::Object(map)
}

/// Request body of an operation.
#[derive(Clone, Copy)]
enum Body {
    None,
    Object,
    Patch,
    DeleteOptions,
}

/// Response of an operation.
#[derive(Clone, Copy)]
enum Response {
    Object,
    List,
    Status,
}

/// (verb, HTTP method, x-kubernetes-action, operationId prefix, parameters, body, response,
/// codes, description).
type Verb = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
    Body,
    Response,
    &'static [&'static str],
    &'static str,
);

const CREATED: &[&str] = &["200", "201", "202"];
const UPDATED: &[&str] = &["200", "201"];

#[rustfmt::skip]
const COLLECTION: &[Verb] = &[
    ("list", "get", "list", "list", params::LIST, Body::None, Response::List, &["200"],
     "list or watch objects of kind"),
    ("create", "post", "post", "create", params::WRITE, Body::Object, Response::Object, CREATED,
     "create a"),
    ("deletecollection", "delete", "deletecollection", "deletecollection",
     params::DELETE_COLLECTION, Body::DeleteOptions, Response::Status, &["200"],
     "delete collection of"),
];
#[rustfmt::skip]
const ITEM: &[Verb] = &[
    ("get", "get", "get", "read", &[], Body::None, Response::Object, &["200"],
     "read the specified"),
    ("update", "put", "put", "replace", params::WRITE, Body::Object, Response::Object, UPDATED,
     "replace the specified"),
    ("patch", "patch", "patch", "patch", params::PATCH, Body::Patch, Response::Object, UPDATED,
     "partially update the specified"),
    ("delete", "delete", "delete", "delete", params::DELETE, Body::DeleteOptions,
     Response::Status, &["200", "202"], "delete a"),
];
/// Connect subresources (`exec`, `attach`, `portforward`, `proxy`) take no bodies.
#[rustfmt::skip]
const CONNECT: &[Verb] = &[
    ("get", "get", "connect", "connectGet", &[], Body::None, Response::Object, &["200"],
     "connect GET requests to"),
    ("create", "post", "connect", "connectPost", &[], Body::None, Response::Object, &["200"],
     "connect POST requests to"),
    ("update", "put", "connect", "connectPut", &[], Body::None, Response::Object, &["200"],
     "connect PUT requests to"),
    ("patch", "patch", "connect", "connectPatch", &[], Body::None, Response::Object, &["200"],
     "connect PATCH requests to"),
    ("delete", "delete", "connect", "connectDelete", &[], Body::None, Response::Object,
     &["200"], "connect DELETE requests to"),
];
#[rustfmt::skip]
const SUBRESOURCE: &[Verb] = &[
    ("get", "get", "get", "read", &[], Body::None, Response::Object, &["200"], "read"),
    ("update", "put", "put", "replace", params::WRITE, Body::Object, Response::Object, UPDATED,
     "replace"),
    ("patch", "patch", "patch", "patch", params::PATCH, Body::Patch, Response::Object, UPDATED,
     "partially update"),
    ("create", "post", "post", "create", params::WRITE, Body::Object, Response::Object,
     CREATED, "create"),
];

/// Operations of one path.
struct PathBuilder<'a> {
    /// Subresource name, `""` for the resource itself.
    sub: &'a str,
    tag: &'a str,
    gvk: Value,
    object: &'a Value,
    list: &'a Value,
    patch_types: &'a [&'a str],
}

impl PathBuilder<'_> {
    /// The path item for `verbs` that the resource (or subresource) has.
    fn item(&self, table: &[Verb], has: &[String], id: &str, what: &str, at: &[&str]) -> Value {
        let mut item = Map::new();
        item.insert("parameters".into(), params(at));
        for &(verb, method, action, prefix, query, body, response, codes, description) in table {
            if !has.iter().any(|v| v == verb) {
                continue;
            }
            let response = match response {
                Response::Object => self.object.clone(),
                Response::List => self.list.clone(),
                Response::Status => schema_ref(&format!("{META}Status")),
            };
            let mut op = json!({
                "tags": [self.tag],
                "description": format!("{description} {what}"),
                "operationId": format!("{prefix}{id}"),
                "responses": responses(codes, &response),
                "x-kubernetes-action": action,
                "x-kubernetes-group-version-kind": self.gvk,
            });
            let query = match (verb, self.sub) {
                ("get", "log") => params::LOG,
                ("get" | "create", "exec") => params::EXEC,
                _ => query,
            };
            if !query.is_empty() {
                op["parameters"] = params(query);
            }
            let body = match body {
                Body::None => None,
                Body::Object => Some(content(self.object, &["*/*"])),
                Body::Patch => Some(content(
                    &schema_ref(&format!("{META}Patch")),
                    self.patch_types,
                )),
                Body::DeleteOptions => Some(content(
                    &schema_ref(&format!("{META}DeleteOptions")),
                    &["*/*"],
                )),
            };
            if let Some(content) = body {
                let required = !matches!(method, "delete");
                op["requestBody"] = json!({"content": content, "required": required});
            }
            item.insert(method.to_owned(), op);
        }
        Value::Object(item)
    }
}

fn has_operations(item: &Value) -> bool {
    item.as_object().is_some_and(|m| m.len() > 1)
}

/// Adds the paths of resource `r` to `paths`; `sub_schema` gives a subresource's response.
pub fn add_resource_paths(
    paths: &mut Map<String, Value>,
    r: &ResourceInfo,
    s: &Schemas,
    sub_schema: &dyn Fn(&Subresource) -> Value,
) {
    let tag = tag(&r.group, &r.version);
    let gv = format!("{}{}", group_camel(&r.group), capitalize(&r.version));
    let (scope, ns) = if r.namespaced {
        ("Namespaced", "/namespaces/{namespace}")
    } else {
        ("", "")
    };
    let (at_collection, at_item): (&[&str], &[&str]) = if r.namespaced {
        (&["namespace", "pretty"], &["name", "namespace", "pretty"])
    } else {
        (&["pretty"], &["name", "pretty"])
    };
    let kind = &r.kind;
    let builder = PathBuilder {
        sub: "",
        tag: &tag,
        gvk: json!({"group": r.group, "version": r.version, "kind": kind}),
        object: &s.object,
        list: &s.list,
        patch_types: s.patch_types,
    };
    let id = format!("{gv}{scope}{kind}");
    let collection = format!("{}{ns}/{}", r.base_path(), r.plural);
    let item = builder.item(COLLECTION, &r.verbs, &id, kind, at_collection);
    if has_operations(&item) {
        paths.insert(collection.clone(), item);
    }
    if r.namespaced && r.has_verb("list") {
        let id = format!("{gv}{kind}ForAllNamespaces");
        let item = builder.item(&COLLECTION[..1], &r.verbs, &id, kind, &["pretty"]);
        paths.insert(format!("{}/{}", r.base_path(), r.plural), item);
    }
    let named = format!("{collection}/{{name}}");
    let item = builder.item(ITEM, &r.verbs, &id, kind, at_item);
    if has_operations(&item) {
        paths.insert(named.clone(), item);
    }

    for sub in &r.subresources {
        let response = sub_schema(sub);
        let sub_builder = PathBuilder {
            sub: &sub.name,
            gvk: json!({"group": sub.group, "version": sub.version, "kind": sub.kind}),
            object: &response,
            ..builder
        };
        let connect = matches!(
            sub.name.as_str(),
            "attach" | "exec" | "portforward" | "proxy"
        );
        let table = if connect { CONNECT } else { SUBRESOURCE };
        let id = format!("{id}{}", capitalize(&sub.name));
        let what = format!("{} of the specified {kind}", sub.name);
        let item = sub_builder.item(table, &sub.verbs, &id, &what, at_item);
        paths.insert(format!("{named}/{}", sub.name), item);
    }
}

/// `GET /apis/<group>/<version>/` (or `/api/v1/`): the APIResourceList of the group version.
pub fn resource_list_path(group: &str, version: &str) -> (String, Value) {
    let base = if group.is_empty() {
        format!("/api/{version}/")
    } else {
        format!("/apis/{group}/{version}/")
    };
    let gv = format!("{}{}", group_camel(group), capitalize(version));
    let op = json!({
        "tags": [tag(group, version)],
        "description": "get available resources",
        "operationId": format!("get{gv}APIResources"),
        "responses": responses(&["200"], &schema_ref(&format!("{META}APIResourceList"))),
    });
    (base, json!({"get": op}))
}
