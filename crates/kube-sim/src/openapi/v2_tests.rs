use serde_json::{json, Value};

use super::*;
use crate::kinds::Registry;

/// One decoded protobuf field: number and either a varint or a length-delimited payload.
#[derive(Debug)]
enum Wire<'a> {
    Varint(u64),
    Fixed64(u64),
    Bytes(&'a [u8]),
}

fn read_varint(buf: &[u8], pos: &mut usize) -> u64 {
    let mut n = 0u64;
    let mut shift = 0;
    loop {
        let b = buf[*pos];
        *pos += 1;
        n |= u64::from(b & 0x7f) << shift;
        if b < 0x80 {
            return n;
        }
        shift += 7;
    }
}

/// Parses one message's fields, panicking on malformed input.
fn fields(buf: &[u8]) -> Vec<(u64, Wire<'_>)> {
    let mut pos = 0;
    let mut out = Vec::new();
    while pos < buf.len() {
        let key = read_varint(buf, &mut pos);
        let wire = match key & 7 {
            0 => Wire::Varint(read_varint(buf, &mut pos)),
            1 => {
                let v = u64::from_le_bytes(buf[pos..pos + 8].try_into().unwrap());
                pos += 8;
                Wire::Fixed64(v)
            }
            2 => {
                let len = read_varint(buf, &mut pos) as usize;
                let b = &buf[pos..pos + len];
                pos += len;
                Wire::Bytes(b)
            }
            w => panic!("unexpected wire type {w}"),
        };
        out.push((key >> 3, wire));
    }
    assert_eq!(pos, buf.len());
    out
}

fn bytes_of(buf: &[u8], number: u64) -> Vec<&[u8]> {
    fields(buf)
        .into_iter()
        .filter_map(|(n, w)| match w {
            Wire::Bytes(b) if n == number => Some(b),
            _ => None,
        })
        .collect()
}

fn one(buf: &[u8], number: u64) -> &[u8] {
    let all = bytes_of(buf, number);
    assert_eq!(all.len(), 1, "field {number}");
    all[0]
}

fn text(buf: &[u8], number: u64) -> String {
    String::from_utf8(one(buf, number).to_vec()).unwrap()
}

/// The value (field 2) of the `Named*` entry called `name` among fields `number`.
fn named<'a>(buf: &'a [u8], number: u64, name: &str) -> Option<&'a [u8]> {
    bytes_of(buf, number)
        .into_iter()
        .find(|entry| one(entry, 1) == name.as_bytes())
        .map(|entry| one(entry, 2))
}

#[test]
fn schemas_are_rewritten_to_swagger() {
    let v3 = json!({
        "description": "d",
        "type": "object",
        "required": ["spec"],
        "properties": {
            "metadata": {
                "allOf": [{"$ref": "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"}],
                "default": {},
                "description": "m",
            },
            "port": {
                "x-kubernetes-int-or-string": true,
                "anyOf": [{"type": "integer"}, {"type": "string"}],
            },
            "ports": {
                "type": "array",
                "items": {"$ref": "#/components/schemas/x.Port", "nullable": true},
                "x-kubernetes-list-type": "map",
                "x-kubernetes-list-map-keys": ["port"],
            },
            "labels": {"type": "object", "additionalProperties": {"type": "string"}},
            "free": {"oneOf": [{"type": "string"}], "x-kubernetes-preserve-unknown-fields": true},
        },
        "x-kubernetes-group-version-kind": [{"group": "g", "version": "v1", "kind": "K"}],
    });
    let v2 = schema(&v3);
    assert_eq!(
        v2["properties"]["metadata"],
        json!({"$ref": "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", "description": "m"})
    );
    assert_eq!(
        v2["properties"]["port"],
        json!({"type": "string", "format": "int-or-string", "x-kubernetes-int-or-string": true})
    );
    assert_eq!(
        v2["properties"]["ports"]["items"],
        json!({"$ref": "#/definitions/x.Port"})
    );
    assert_eq!(v2["properties"]["ports"]["x-kubernetes-list-type"], "map");
    assert_eq!(
        v2["properties"]["free"],
        json!({"x-kubernetes-preserve-unknown-fields": true})
    );
    assert_eq!(v2["x-kubernetes-group-version-kind"][0]["kind"], "K");
    assert_eq!(v2["required"], json!(["spec"]));
}

#[test]
fn operations_get_body_parameters_and_response_schemas() {
    let v3 = json!({
        "info": {"title": "Kubernetes", "version": "v1.32.0"},
        "paths": {"/apis/g/v1/namespaces/{namespace}/ks/{name}": {
            "parameters": [{"name": "name", "in": "path", "required": true,
                            "schema": {"type": "string", "uniqueItems": true}}],
            "patch": {
                "operationId": "patchK",
                "parameters": [{"name": "force", "in": "query", "schema": {"type": "boolean", "uniqueItems": true}}],
                "requestBody": {"required": true, "content": {
                    "application/json-patch+json": {"schema": {"$ref": "#/components/schemas/P"}},
                    "application/merge-patch+json": {"schema": {"$ref": "#/components/schemas/P"}},
                }},
                "responses": {
                    "200": {"description": "OK", "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/K"}},
                        "application/yaml": {"schema": {"$ref": "#/components/schemas/K"}},
                    }},
                    "401": {"description": "Unauthorized"},
                },
                "x-kubernetes-action": "patch",
                "x-kubernetes-group-version-kind": {"group": "g", "version": "v1", "kind": "K"},
            },
        }},
        "components": {"schemas": {"K": {"type": "object"}, "P": {"type": "object"}}},
    });
    let doc = swagger(&[v3]);
    assert_eq!(doc["swagger"], "2.0");
    assert_eq!(doc["info"]["version"], "v1.32.0");
    assert_eq!(doc["definitions"]["K"], json!({"type": "object"}));
    let item = &doc["paths"]["/apis/g/v1/namespaces/{namespace}/ks/{name}"];
    assert_eq!(
        item["parameters"][0],
        json!({"name": "name", "in": "path", "required": true, "type": "string", "uniqueItems": true})
    );
    let op = &item["patch"];
    assert_eq!(
        op["parameters"][0],
        json!({"name": "body", "in": "body", "required": true, "schema": {"$ref": "#/definitions/P"}})
    );
    assert_eq!(op["parameters"][1]["type"], "boolean");
    assert_eq!(
        op["consumes"],
        json!([
            "application/json-patch+json",
            "application/merge-patch+json"
        ])
    );
    assert_eq!(
        op["produces"],
        json!(["application/json", "application/yaml"])
    );
    assert_eq!(
        op["responses"]["200"],
        json!({"description": "OK", "schema": {"$ref": "#/definitions/K"}})
    );
    assert_eq!(
        op["responses"]["401"],
        json!({"description": "Unauthorized"})
    );
    assert_eq!(op["x-kubernetes-group-version-kind"]["kind"], "K");
    assert!(op.get("requestBody").is_none());
}

#[test]
fn accept_negotiation() {
    assert_eq!(negotiate(None), Some((false, "application/json")));
    assert_eq!(negotiate(Some("*/*")), Some((false, "application/json")));
    assert_eq!(negotiate(Some(PROTOBUF)), Some((true, PROTOBUF_DOTTED)));
    assert_eq!(
        negotiate(Some(&format!("{PROTOBUF_DOTTED}, application/json;q=0.5"))),
        Some((true, PROTOBUF_DOTTED))
    );
    assert_eq!(
        negotiate(Some(&format!("{PROTOBUF};q=0.1, application/json"))),
        Some((false, "application/json"))
    );
    assert_eq!(negotiate(Some("application/yaml")), None);
    assert_eq!(negotiate(Some("application/json;q=0")), None);
}

#[test]
fn protobuf_encodes_the_document() {
    let doc = json!({
        "swagger": "2.0",
        "info": {"title": "Kubernetes", "version": "v1.32.0"},
        "paths": {"/apis/g/v1/ks": {
            "parameters": [{"name": "pretty", "in": "query", "type": "string"}],
            "post": {
                "operationId": "createK",
                "parameters": [
                    {"name": "body", "in": "body", "required": true, "schema": {"$ref": "#/definitions/K"}},
                    {"name": "namespace", "in": "path", "required": true, "type": "string"},
                ],
                "responses": {"201": {"description": "Created", "schema": {"$ref": "#/definitions/K"}}},
                "x-kubernetes-action": "post",
            },
        }},
        "definitions": {"K": {
            "type": "object",
            "required": ["spec"],
            "properties": {
                "replicas": {"type": "integer", "format": "int32", "minimum": 1.5, "maxLength": 3},
                "labels": {"type": "object", "additionalProperties": {"type": "string"}},
                "free": {"type": "object", "additionalProperties": false},
                "list": {"type": "array", "items": {"$ref": "#/definitions/P"}},
                "mode": {"type": "string", "enum": ["A", "B"], "default": "A"},
            },
            "x-kubernetes-group-version-kind": [{"group": "g", "kind": "K", "version": "v1"}],
        }},
        "securityDefinitions": {"BearerToken": {"type": "apiKey", "name": "authorization", "in": "header"}},
        "security": [{"BearerToken": []}],
    });
    let pb = v2_proto::encode(&doc);
    assert_eq!(text(&pb, 1), "2.0");
    assert_eq!(text(one(&pb, 2), 2), "v1.32.0");

    let k = named(one(&pb, 9), 1, "K").unwrap();
    assert_eq!(text(one(k, 22), 1), "object");
    assert_eq!(text(k, 19), "spec");
    let gvk = named(k, 31, "x-kubernetes-group-version-kind").unwrap();
    let yaml: Value = serde_json::from_slice(one(gvk, 2)).unwrap();
    assert_eq!(yaml[0]["kind"], "K");
    let props = one(k, 25);
    let replicas = named(props, 1, "replicas").unwrap();
    assert_eq!(text(replicas, 2), "int32");
    let f = fields(replicas);
    assert!(f
        .iter()
        .any(|(n, w)| *n == 9 && matches!(w, Wire::Fixed64(v) if f64::from_bits(*v) == 1.5)));
    assert!(f
        .iter()
        .any(|(n, w)| *n == 11 && matches!(w, Wire::Varint(3))));
    let labels = named(props, 1, "labels").unwrap();
    assert_eq!(text(one(one(one(labels, 21), 1), 22), 1), "string");
    let free = named(props, 1, "free").unwrap();
    assert!(matches!(fields(one(free, 21))[..], [(2, Wire::Varint(0))]));
    let list = named(props, 1, "list").unwrap();
    assert_eq!(text(one(one(list, 23), 1), 1), "#/definitions/P");
    let mode = named(props, 1, "mode").unwrap();
    assert_eq!(bytes_of(mode, 20).len(), 2);
    assert_eq!(text(one(mode, 5), 2), "\"A\"");

    let item = named(one(&pb, 8), 2, "/apis/g/v1/ks").unwrap();
    let pretty = one(one(one(one(item, 9), 1), 2), 3); // ParametersItem/Parameter/NonBody/query
    assert_eq!(text(pretty, 4), "pretty");
    assert_eq!(text(pretty, 6), "string");
    let post = one(item, 4);
    assert_eq!(text(post, 5), "createK");
    let params = bytes_of(post, 8);
    let body = one(one(params[0], 1), 1);
    assert_eq!(text(body, 2), "body");
    assert_eq!(text(one(body, 5), 1), "#/definitions/K");
    let ns = one(one(one(params[1], 1), 2), 4);
    assert_eq!(text(ns, 5), "string");
    let created = named(one(post, 9), 1, "201").unwrap();
    let response = one(created, 1);
    assert_eq!(text(response, 1), "Created");
    assert_eq!(text(one(one(response, 2), 1), 1), "#/definitions/K");
    assert!(named(post, 13, "x-kubernetes-action").is_some());

    let bearer = named(one(&pb, 13), 1, "BearerToken").unwrap();
    assert_eq!(text(one(one(bearer, 2), 2), 2), "authorization");
    assert!(named(one(&pb, 12), 1, "BearerToken").is_some());
}

#[test]
fn builtin_document_has_deployments_and_is_cached_until_a_change() {
    let v3 = OpenApiV3::new(&Registry::new());
    let doc = v3.swagger();
    let d = &doc["definitions"]["io.k8s.api.apps.v1.Deployment"];
    assert_eq!(
        d["x-kubernetes-group-version-kind"][0]["kind"],
        "Deployment"
    );
    assert_eq!(
        d["properties"]["metadata"]["$ref"],
        "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"
    );
    let text = serde_json::to_string(doc).unwrap();
    assert!(!text.contains("#/components/"));
    assert!(!text.contains("\"requestBody\""));
    let ios = &doc["definitions"]["io.k8s.apimachinery.pkg.util.intstr.IntOrString"];
    assert_eq!(
        (&ios["type"], &ios["format"]),
        (&json!("string"), &json!("int-or-string"))
    );
    let patch = &doc["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]["patch"];
    assert_eq!(
        patch["x-kubernetes-group-version-kind"]["kind"],
        "Deployment"
    );
    assert_eq!(patch["parameters"][0]["in"], "body");
    let a = v3.v2_body(true);
    assert!(Arc::ptr_eq(&a, &v3.v2_body(true)));
    let pb = fields(&a);
    assert!(!pb.is_empty());
    let defs = one(&a, 9);
    assert!(named(defs, 1, "io.k8s.api.apps.v1.Deployment").is_some());
}

#[test]
fn custom_resources_appear_after_a_crd_change() {
    let mut reg = Registry::new();
    let mut v3 = OpenApiV3::new(&reg);
    let before = v3.v2_body(false);
    assert!(v3.swagger()["definitions"]
        .get("com.example.v1.Widget")
        .is_none());
    reg.apply_crd(&crate::kinds::tests::widget_crd());
    assert!(v3.update(&reg));
    let widget = &v3.swagger()["definitions"]["com.example.v1.Widget"];
    assert_eq!(
        widget["x-kubernetes-group-version-kind"][0]["group"],
        "example.com"
    );
    let port = &widget["properties"]["spec"]["properties"]["ports"]["items"]["properties"]["port"];
    assert_eq!(
        port,
        &json!({"type": "string", "format": "int-or-string", "x-kubernetes-int-or-string": true})
    );
    let patch = &v3.swagger()["paths"]
        ["/apis/example.com/v1/namespaces/{namespace}/widgets/{name}"]["patch"];
    assert_eq!(patch["x-kubernetes-group-version-kind"]["kind"], "Widget");
    assert!(!Arc::ptr_eq(&before, &v3.v2_body(false)));
}

#[tokio::test]
async fn served_as_json_and_protobuf() {
    let sim = crate::KubeSim::start_local().await.unwrap();
    let client = reqwest::Client::new();
    let url = format!("{}/openapi/v2?timeout=32s", sim.url());

    let r = client
        .get(&url)
        .header("accept", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/json");
    let doc: Value = r.json().await.unwrap();
    assert_eq!(doc["swagger"], "2.0");
    let gvk =
        &doc["definitions"]["io.k8s.api.apps.v1.Deployment"]["x-kubernetes-group-version-kind"];
    assert_eq!(
        gvk,
        &json!([{"group": "apps", "kind": "Deployment", "version": "v1"}])
    );
    assert!(doc["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments"]["post"].is_object());
    assert!(doc["definitions"]["io.k8s.api.core.v1.ConfigMap"].is_object());

    let r = client
        .get(&url)
        .header("accept", PROTOBUF)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], PROTOBUF_DOTTED);
    let pb = r.bytes().await.unwrap();
    assert_eq!(text(&pb, 1), "2.0");
    let deployment = named(one(&pb, 9), 1, "io.k8s.api.apps.v1.Deployment").unwrap();
    let gvk = named(deployment, 31, "x-kubernetes-group-version-kind").unwrap();
    let gvk: Value = serde_json::from_slice(one(gvk, 2)).unwrap();
    assert_eq!(gvk[0]["kind"], "Deployment");
    assert!(named(
        one(&pb, 8),
        2,
        "/apis/apps/v1/namespaces/{namespace}/deployments"
    )
    .is_some());

    let r = client
        .get(&url)
        .header("accept", "application/yaml")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 406);
}
