//! A Swagger 2.0 JSON document as gnostic's `openapi.v2.Document` protobuf
//! (github.com/google/gnostic-models `openapiv2/OpenAPIv2.proto`), the format of
//! `GET /openapi/v2` with `Accept: application/com.github.proto-openapi.spec.v2@v1.0+protobuf`.
//!
//! Free-form values (`default`, `enum`, `example`, vendor extensions) are `Any` messages
//! carrying their YAML text; JSON is valid YAML, so they hold the JSON.

use serde_json::{Map, Value};

/// Encodes a Swagger 2.0 document.
pub fn encode(doc: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    let Some(d) = doc.as_object() else {
        return out;
    };
    string(&mut out, 1, d.get("swagger"));
    if let Some(info) = d.get("info").and_then(Value::as_object) {
        message(&mut out, 2, |b| {
            string(b, 1, info.get("title"));
            string(b, 2, info.get("version"));
            string(b, 3, info.get("description"));
            extensions(b, 7, info);
        });
    }
    string(&mut out, 3, d.get("host"));
    string(&mut out, 4, d.get("basePath"));
    strings(&mut out, 5, d.get("schemes"));
    strings(&mut out, 6, d.get("consumes"));
    strings(&mut out, 7, d.get("produces"));
    if let Some(paths) = d.get("paths").and_then(Value::as_object) {
        message(&mut out, 8, |b| {
            extensions(b, 1, paths);
            for (name, item) in paths.iter().filter(|(k, _)| !k.starts_with("x-")) {
                named(b, 2, name, |b| path_item(b, item));
            }
        });
    }
    if let Some(defs) = d.get("definitions").and_then(Value::as_object) {
        message(&mut out, 9, |b| {
            for (name, s) in defs {
                named(b, 1, name, |b| schema(b, s));
            }
        });
    }
    for requirement in d
        .get("security")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        message(&mut out, 12, |b| security_requirement(b, requirement));
    }
    if let Some(defs) = d.get("securityDefinitions").and_then(Value::as_object) {
        message(&mut out, 13, |b| {
            for (name, def) in defs {
                named(b, 1, name, |b| security_definition(b, def));
            }
        });
    }
    extensions(&mut out, 16, d);
    out
}

fn security_requirement(out: &mut Vec<u8>, requirement: &Value) {
    for (name, scopes) in requirement.as_object().into_iter().flatten() {
        named(out, 1, name, |b| {
            message(b, 2, |b| strings(b, 1, Some(scopes)))
        });
    }
}

/// `SecurityDefinitionsItem`: basic (1), apiKey (2); OAuth2 flows are not published.
fn security_definition(out: &mut Vec<u8>, def: &Value) {
    let Some(d) = def.as_object() else {
        return;
    };
    let (number, fields): (u32, &[&str]) = match d.get("type").and_then(Value::as_str) {
        Some("basic") => (1, &["type", "description"]),
        Some("apiKey") => (2, &["type", "name", "in", "description"]),
        _ => return,
    };
    message(out, 2, |b| {
        message(b, number, |b| {
            for (i, f) in fields.iter().enumerate() {
                string(b, i as u32 + 1, d.get(*f));
            }
            extensions(b, fields.len() as u32 + 1, d);
        });
    });
}

fn path_item(out: &mut Vec<u8>, item: &Value) {
    let Some(p) = item.as_object() else {
        return;
    };
    string(out, 1, p.get("$ref"));
    let methods = [
        ("get", 2),
        ("put", 3),
        ("post", 4),
        ("delete", 5),
        ("options", 6),
        ("head", 7),
        ("patch", 8),
    ];
    for (method, number) in methods {
        if let Some(op) = p.get(method) {
            message(out, number, |b| operation(b, op));
        }
    }
    parameters(out, 9, p.get("parameters"));
    extensions(out, 10, p);
}

fn operation(out: &mut Vec<u8>, op: &Value) {
    let Some(o) = op.as_object() else {
        return;
    };
    strings(out, 1, o.get("tags"));
    string(out, 2, o.get("summary"));
    string(out, 3, o.get("description"));
    string(out, 5, o.get("operationId"));
    strings(out, 6, o.get("produces"));
    strings(out, 7, o.get("consumes"));
    parameters(out, 8, o.get("parameters"));
    if let Some(responses) = o.get("responses").and_then(Value::as_object) {
        message(out, 9, |b| {
            for (code, r) in responses.iter().filter(|(k, _)| !k.starts_with("x-")) {
                named(b, 1, code, |b| response_value(b, r));
            }
            extensions(b, 2, responses);
        });
    }
    strings(out, 10, o.get("schemes"));
    boolean(out, 11, o.get("deprecated"));
    for requirement in o
        .get("security")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        message(out, 12, |b| security_requirement(b, requirement));
    }
    extensions(out, 13, o);
}

/// `ResponseValue`: a `Response` (1) or a `JsonReference` (2).
fn response_value(out: &mut Vec<u8>, r: &Value) {
    let Some(r) = r.as_object() else {
        return;
    };
    if let Some(reference) = r.get("$ref") {
        message(out, 2, |b| {
            string(b, 1, Some(reference));
            string(b, 2, r.get("description"));
        });
        return;
    }
    message(out, 1, |b| {
        string(b, 1, r.get("description"));
        if let Some(s) = r.get("schema") {
            // SchemaItem { Schema schema = 1; FileSchema file_schema = 2; }
            message(b, 2, |b| message(b, 1, |b| schema(b, s)));
        }
        extensions(b, 5, r);
    });
}

/// Repeated `ParametersItem`: a `Parameter` (1) or a `JsonReference` (2).
fn parameters(out: &mut Vec<u8>, number: u32, list: Option<&Value>) {
    for p in list.and_then(Value::as_array).into_iter().flatten() {
        let Some(p) = p.as_object() else {
            continue;
        };
        message(out, number, |b| {
            if let Some(reference) = p.get("$ref") {
                message(b, 2, |b| {
                    string(b, 1, Some(reference));
                    string(b, 2, p.get("description"));
                });
            } else {
                message(b, 1, |b| parameter(b, p));
            }
        });
    }
}

/// `Parameter`: `BodyParameter` (1) or `NonBodyParameter` (2) holding a header (1),
/// formData (2), query (3) or path (4) parameter sub-schema.
fn parameter(out: &mut Vec<u8>, p: &Map<String, Value>) {
    let location = p.get("in").and_then(Value::as_str).unwrap_or("query");
    if location == "body" {
        message(out, 1, |b| {
            string(b, 1, p.get("description"));
            string(b, 2, p.get("name"));
            string(b, 3, p.get("in"));
            boolean(b, 4, p.get("required"));
            if let Some(s) = p.get("schema") {
                message(b, 5, |b| schema(b, s));
            }
            extensions(b, 6, p);
        });
        return;
    }
    // Field numbers after `name` (4): query and formData have `allowEmptyValue` (5) and
    // shift the rest by one; vendor extensions come last.
    let (kind, shifted, ext) = match location {
        "header" => (1, false, 22),
        "formData" => (2, true, 23),
        "path" => (4, false, 22),
        _ => (3, true, 23),
    };
    message(out, 2, |b| {
        message(b, kind, |b| {
            boolean(b, 1, p.get("required"));
            string(b, 2, p.get("in"));
            string(b, 3, p.get("description"));
            string(b, 4, p.get("name"));
            let base = if shifted {
                boolean(b, 5, p.get("allowEmptyValue"));
                6
            } else {
                5
            };
            string(b, base, p.get("type"));
            string(b, base + 1, p.get("format"));
            string(b, base + 3, p.get("collectionFormat"));
            if let Some(default) = p.get("default") {
                any(b, base + 4, default);
            }
            extensions(b, ext, p);
        });
    });
}

/// `Schema`.
fn schema(out: &mut Vec<u8>, s: &Value) {
    let Some(o) = s.as_object() else {
        return;
    };
    string(out, 1, o.get("$ref"));
    string(out, 2, o.get("format"));
    string(out, 3, o.get("title"));
    string(out, 4, o.get("description"));
    if let Some(default) = o.get("default") {
        any(out, 5, default);
    }
    double(out, 6, o.get("multipleOf"));
    double(out, 7, o.get("maximum"));
    boolean(out, 8, o.get("exclusiveMaximum"));
    double(out, 9, o.get("minimum"));
    boolean(out, 10, o.get("exclusiveMinimum"));
    int(out, 11, o.get("maxLength"));
    int(out, 12, o.get("minLength"));
    string(out, 13, o.get("pattern"));
    int(out, 14, o.get("maxItems"));
    int(out, 15, o.get("minItems"));
    boolean(out, 16, o.get("uniqueItems"));
    int(out, 17, o.get("maxProperties"));
    int(out, 18, o.get("minProperties"));
    strings(out, 19, o.get("required"));
    for value in o
        .get("enum")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        any(out, 20, value);
    }
    match o.get("additionalProperties") {
        // AdditionalPropertiesItem { oneof { Schema schema = 1; bool boolean = 2; } }
        Some(s @ Value::Object(_)) => message(out, 21, |b| message(b, 1, |b| schema(b, s))),
        Some(Value::Bool(v)) => message(out, 21, |b| varint_field(b, 2, u64::from(*v))),
        _ => {}
    }
    if let Some(t) = o.get("type") {
        // TypeItem { repeated string value = 1; }
        let types = match t {
            Value::Array(_) => t.clone(),
            other => Value::Array(vec![other.clone()]),
        };
        message(out, 22, |b| strings(b, 1, Some(&types)));
    }
    match o.get("items") {
        // ItemsItem { repeated Schema schema = 1; }
        Some(s @ Value::Object(_)) => message(out, 23, |b| message(b, 1, |b| schema(b, s))),
        Some(Value::Array(all)) => message(out, 23, |b| {
            for s in all {
                message(b, 1, |b| schema(b, s));
            }
        }),
        _ => {}
    }
    for s in o
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        message(out, 24, |b| schema(b, s));
    }
    if let Some(props) = o.get("properties").and_then(Value::as_object) {
        // Properties { repeated NamedSchema additional_properties = 1; }
        message(out, 25, |b| {
            for (name, s) in props {
                named(b, 1, name, |b| schema(b, s));
            }
        });
    }
    string(out, 26, o.get("discriminator"));
    boolean(out, 27, o.get("readOnly"));
    if let Some(example) = o.get("example") {
        any(out, 30, example);
    }
    extensions(out, 31, o);
}

/// Repeated `NamedAny` for the `x-` keys of `o`.
fn extensions(out: &mut Vec<u8>, number: u32, o: &Map<String, Value>) {
    for (name, value) in o.iter().filter(|(k, _)| k.starts_with("x-")) {
        named(out, number, name, |b| any_body(b, value));
    }
}

/// A `Named*` message: name (1) and value (2, written by `value`).
fn named(out: &mut Vec<u8>, number: u32, name: &str, value: impl FnOnce(&mut Vec<u8>)) {
    message(out, number, |b| {
        bytes(b, 1, name.as_bytes());
        message(b, 2, value);
    });
}

/// An `Any` message field.
fn any(out: &mut Vec<u8>, number: u32, value: &Value) {
    message(out, number, |b| any_body(b, value));
}

/// `Any { google.protobuf.Any value = 1; string yaml = 2; }`, with the YAML (JSON) text.
fn any_body(out: &mut Vec<u8>, value: &Value) {
    bytes(out, 2, value.to_string().as_bytes());
}

fn message(out: &mut Vec<u8>, number: u32, body: impl FnOnce(&mut Vec<u8>)) {
    let mut buf = Vec::new();
    body(&mut buf);
    bytes(out, number, &buf);
}

fn string(out: &mut Vec<u8>, number: u32, value: Option<&Value>) {
    if let Some(s) = value.and_then(Value::as_str).filter(|s| !s.is_empty()) {
        bytes(out, number, s.as_bytes());
    }
}

fn strings(out: &mut Vec<u8>, number: u32, value: Option<&Value>) {
    for s in value.and_then(Value::as_array).into_iter().flatten() {
        if let Some(s) = s.as_str() {
            bytes(out, number, s.as_bytes());
        }
    }
}

fn boolean(out: &mut Vec<u8>, number: u32, value: Option<&Value>) {
    if value.and_then(Value::as_bool) == Some(true) {
        varint_field(out, number, 1);
    }
}

fn int(out: &mut Vec<u8>, number: u32, value: Option<&Value>) {
    let n = value.and_then(|v| v.as_i64().or_else(|| v.as_f64().map(|f| f as i64)));
    if let Some(n) = n.filter(|n| *n != 0) {
        // int64: two's complement as a varint.
        varint_field(out, number, n as u64);
    }
}

fn double(out: &mut Vec<u8>, number: u32, value: Option<&Value>) {
    if let Some(f) = value.and_then(Value::as_f64).filter(|f| *f != 0.0) {
        varint(out, (u64::from(number) << 3) | 1);
        out.extend_from_slice(&f.to_le_bytes());
    }
}

fn varint_field(out: &mut Vec<u8>, number: u32, n: u64) {
    varint(out, u64::from(number) << 3);
    varint(out, n);
}

/// A length-delimited field (wire type 2).
fn bytes(out: &mut Vec<u8>, number: u32, payload: &[u8]) {
    varint(out, (u64::from(number) << 3) | 2);
    varint(out, payload.len() as u64);
    out.extend_from_slice(payload);
}

fn varint(out: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        out.push((n & 0x7f) as u8 | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}
