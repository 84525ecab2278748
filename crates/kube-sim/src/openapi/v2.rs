//! OpenAPI v2 (spec §0.2, §2.3): `GET /openapi/v2`, the Swagger 2.0 document kube-apiserver
//! still serves (kubectl 1.32 falls back to it, as protobuf, for client-side validation).
//!
//! Built from the v3 documents: every group version's `components.schemas` become
//! `definitions` (same names, `$ref`s rewritten to `#/definitions/`, `x-kubernetes-*`
//! extensions kept) and their paths are converted to Swagger 2 operations (`requestBody` →
//! an `in: body` parameter, `responses.*.content.*.schema` → `responses.*.schema`, parameter
//! schemas flattened, int-or-string `anyOf` → `type: string, format: int-or-string`).
//! Computed lazily and cached until the v3 documents change.

use std::sync::{Arc, OnceLock};

use serde_json::{json, Map, Value};

use super::schema::REF_PREFIX;
use super::{v2_proto, OpenApiV3};

/// Where Swagger 2 definitions live.
pub const DEFINITIONS_PREFIX: &str = "#/definitions/";
/// The protobuf media type kubectl asks for (and kube-openapi's deprecated spelling).
pub const PROTOBUF: &str = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf";
/// kube-openapi's current spelling of the protobuf media type.
pub const PROTOBUF_DOTTED: &str = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";

/// The lazily built v2 document of one set of v3 documents.
#[derive(Debug, Default)]
pub struct SwaggerCache {
    value: OnceLock<Value>,
    json: OnceLock<Arc<Vec<u8>>>,
    protobuf: OnceLock<Arc<Vec<u8>>>,
}

impl OpenApiV3 {
    /// The Swagger 2.0 document of every served group version.
    pub fn swagger(&self) -> &Value {
        self.v2.value.get_or_init(|| {
            let docs: Vec<Value> = self
                .docs
                .values()
                .filter_map(|d| serde_json::from_slice(d.body()).ok())
                .collect();
            swagger(&docs)
        })
    }

    /// `GET /openapi/v2` as JSON (`protobuf == false`) or gnostic `openapi.v2.Document`.
    pub fn v2_body(&self, protobuf: bool) -> Arc<Vec<u8>> {
        if protobuf {
            self.v2
                .protobuf
                .get_or_init(|| Arc::new(v2_proto::encode(self.swagger())))
                .clone()
        } else {
            self.v2
                .json
                .get_or_init(|| Arc::new(serde_json::to_vec(self.swagger()).unwrap_or_default()))
                .clone()
        }
    }
}

/// The format answered for an `Accept` header: `Some((protobuf, Content-Type))`, `None` when
/// the header admits neither JSON nor protobuf (406). No header means JSON.
pub fn negotiate(accept: Option<&str>) -> Option<(bool, &'static str)> {
    let accept = accept.map(str::trim).filter(|a| !a.is_empty());
    let Some(accept) = accept else {
        return Some((false, "application/json"));
    };
    let mut best: Option<(f32, (bool, &'static str))> = None;
    for clause in accept.split(',') {
        let mut parts = clause.split(';');
        let media = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let q = parts
            .filter_map(|p| p.trim().strip_prefix("q="))
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        if q <= 0.0 {
            continue;
        }
        let format = match media.as_str() {
            "application/json" | "application/*" | "*/*" => (false, "application/json"),
            // kube-openapi answers both with the dotted spelling: Go's `mime` (client-go)
            // rejects `@` in a Content-Type ("unexpected content after media subtype").
            PROTOBUF | PROTOBUF_DOTTED => (true, PROTOBUF_DOTTED),
            _ => continue,
        };
        if best.is_none_or(|(bq, _)| q > bq) {
            best = Some((q, format));
        }
    }
    best.map(|(_, f)| f)
}

/// Merges v3 documents (group versions and root documents) into one Swagger 2.0 document.
pub fn swagger(v3_docs: &[Value]) -> Value {
    let mut definitions = Map::new();
    let mut paths = Map::new();
    let mut info = None;
    for doc in v3_docs {
        if info.is_none() {
            info = doc.get("info").cloned();
        }
        let schemas = doc
            .pointer("/components/schemas")
            .and_then(Value::as_object);
        for (name, s) in schemas.into_iter().flatten() {
            if !definitions.contains_key(name) {
                definitions.insert(name.clone(), schema(s));
            }
        }
        for (path, item) in doc
            .get("paths")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            if !paths.contains_key(path) {
                paths.insert(path.clone(), path_item(item));
            }
        }
    }
    json!({
        "swagger": "2.0",
        "info": info.unwrap_or_else(|| json!({"title": "Kubernetes", "version": "unversioned"})),
        "paths": paths,
        "definitions": definitions,
        "securityDefinitions": {"BearerToken": {
            "type": "apiKey",
            "name": "authorization",
            "in": "header",
            "description": "Bearer Token authentication",
        }},
        "security": [{"BearerToken": []}],
    })
}

fn rewrite_ref(r: &Value) -> Value {
    match r {
        Value::String(s) => Value::String(match s.strip_prefix(REF_PREFIX) {
            Some(name) => format!("{DEFINITIONS_PREFIX}{name}"),
            None => s.clone(),
        }),
        other => other.clone(),
    }
}

fn is_int_or_string_any_of(any_of: Option<&Value>) -> bool {
    let Some(items) = any_of.and_then(Value::as_array) else {
        return false;
    };
    let types: Vec<&str> = items
        .iter()
        .filter_map(|i| i.get("type").and_then(Value::as_str))
        .collect();
    items.len() == 2 && types.contains(&"integer") && types.contains(&"string")
}

/// A v3 schema as a Swagger 2 schema.
pub fn schema(v3: &Value) -> Value {
    let Some(obj) = v3.as_object() else {
        return v3.clone();
    };
    let int_or_string = obj.get("x-kubernetes-int-or-string") == Some(&Value::Bool(true))
        || is_int_or_string_any_of(obj.get("anyOf"));
    let mut out = Map::new();
    let mut hoisted = false;
    for (key, value) in obj {
        let converted = match (key.as_str(), value) {
            ("$ref", r) => rewrite_ref(r),
            // `allOf: [{$ref}]` is how v3 attaches a description to a reference.
            ("allOf", Value::Array(all))
                if all.len() == 1 && all[0].as_object().is_some_and(|o| o.len() == 1) =>
            {
                match all[0].get("$ref") {
                    Some(r) => {
                        hoisted = true;
                        out.insert("$ref".into(), rewrite_ref(r));
                        continue;
                    }
                    None => Value::Array(all.iter().map(schema).collect()),
                }
            }
            ("allOf", Value::Array(all)) => Value::Array(all.iter().map(schema).collect()),
            // No Swagger 2 equivalent.
            ("anyOf" | "oneOf" | "not" | "nullable" | "writeOnly" | "deprecated", _) => continue,
            ("properties", Value::Object(props)) => Value::Object(
                props
                    .iter()
                    .map(|(name, s)| (name.clone(), schema(s)))
                    .collect(),
            ),
            ("additionalProperties" | "items", s @ Value::Object(_)) => schema(s),
            ("items", Value::Array(items)) => Value::Array(items.iter().map(schema).collect()),
            _ => value.clone(),
        };
        out.insert(key.clone(), converted);
    }
    if hoisted && out.get("default").is_some_and(|d| d == &json!({})) {
        out.remove("default");
    }
    if int_or_string && !out.contains_key("type") && !out.contains_key("$ref") {
        out.insert("type".into(), json!("string"));
        out.insert("format".into(), json!("int-or-string"));
    }
    Value::Object(out)
}

const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch"];

fn path_item(item: &Value) -> Value {
    let Some(obj) = item.as_object() else {
        return item.clone();
    };
    let mut out = Map::new();
    for (key, value) in obj {
        let converted = match key.as_str() {
            "parameters" => parameters(value),
            m if METHODS.contains(&m) => operation(value),
            "$ref" => value.clone(),
            k if k.starts_with("x-") => value.clone(),
            // `summary`, `description`, `servers`, `trace`: not in Swagger 2 path items.
            _ => continue,
        };
        out.insert(key.clone(), converted);
    }
    Value::Object(out)
}

fn parameters(list: &Value) -> Value {
    Value::Array(
        list.as_array()
            .into_iter()
            .flatten()
            .map(parameter)
            .collect(),
    )
}

/// A v3 parameter (`schema: {type, ...}`) with its schema keywords flattened into it.
fn parameter(p: &Value) -> Value {
    let Some(obj) = p.as_object() else {
        return p.clone();
    };
    let mut out = Map::new();
    for (key, value) in obj {
        match key.as_str() {
            "schema" => {
                for (k, v) in value.as_object().into_iter().flatten() {
                    let v = if k == "items" { schema(v) } else { v.clone() };
                    out.insert(k.clone(), v);
                }
            }
            "$ref" => {
                let r = value.as_str().unwrap_or_default();
                let r = r.replacen("#/components/parameters/", "#/parameters/", 1);
                out.insert(key.clone(), Value::String(r));
            }
            "style" | "explode" | "allowReserved" | "example" | "examples" | "content" => {}
            _ => {
                out.insert(key.clone(), value.clone());
            }
        }
    }
    Value::Object(out)
}

fn push_unique(list: &mut Vec<Value>, keys: &Map<String, Value>) {
    for k in keys.keys() {
        let k = Value::String(k.clone());
        if !list.contains(&k) {
            list.push(k);
        }
    }
}

fn operation(op: &Value) -> Value {
    let Some(obj) = op.as_object() else {
        return op.clone();
    };
    let mut out = Map::new();
    let mut params = Vec::new();
    let mut consumes = Vec::new();
    let mut produces = Vec::new();
    for (key, value) in obj {
        match key.as_str() {
            "parameters" => {
                params.extend(value.as_array().into_iter().flatten().map(parameter));
            }
            "requestBody" => {
                let content = value.get("content").and_then(Value::as_object);
                let body_schema = content
                    .and_then(|c| c.values().find_map(|m| m.get("schema")))
                    .map_or_else(|| json!({"type": "object"}), schema);
                if let Some(content) = content {
                    push_unique(&mut consumes, content);
                }
                let mut body = json!({"name": "body", "in": "body", "schema": body_schema});
                if let Some(d) = value.get("description") {
                    body["description"] = d.clone();
                }
                if value.get("required") == Some(&Value::Bool(true)) {
                    body["required"] = json!(true);
                }
                // kube-apiserver lists the body first.
                params.insert(0, body);
            }
            "responses" => {
                let mut responses = Map::new();
                for (code, r) in value.as_object().into_iter().flatten() {
                    let mut response = Map::new();
                    for (k, v) in r.as_object().into_iter().flatten() {
                        match k.as_str() {
                            "content" => {
                                if let Some(content) = v.as_object() {
                                    push_unique(&mut produces, content);
                                    if let Some(s) = content.values().find_map(|m| m.get("schema"))
                                    {
                                        response.insert("schema".into(), schema(s));
                                    }
                                }
                            }
                            "links" => {}
                            _ => {
                                response.insert(k.clone(), v.clone());
                            }
                        }
                    }
                    responses.insert(code.clone(), Value::Object(response));
                }
                out.insert(key.clone(), Value::Object(responses));
            }
            "servers" | "callbacks" => {}
            _ => {
                out.insert(key.clone(), value.clone());
            }
        }
    }
    if !consumes.is_empty() {
        out.insert("consumes".into(), Value::Array(consumes));
    }
    if !produces.is_empty() {
        out.insert("produces".into(), Value::Array(produces));
    }
    out.insert("schemes".into(), json!(["https"]));
    if !params.is_empty() {
        out.insert("parameters".into(), Value::Array(params));
    }
    Value::Object(out)
}

#[cfg(test)]
#[path = "v2_tests.rs"]
mod tests;
