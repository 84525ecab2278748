//! Server-side apply: list and map semantics (§3.3), subresources, rejected requests and
//! garbage input.

use serde_json::{json, Value};

use super::test_server::{cm, conflict, containers, dep, Server};
use super::test_types::{config_map, deployment};
use super::{apply_with, update, ManagedFieldsEntry, Writer};

#[test]
fn status_subresource_and_reset_fields() {
    let mut s = Server::deployment();
    s.apply("helm", dep(json!({"replicas":1}))).unwrap();
    let mut status = dep(json!({}));
    status["status"] = json!({"replicas":1,"conditions":[{"type":"Available","status":"True"}]});
    s.apply_to("ctrl", Some("status"), status.clone(), false)
        .unwrap();
    let entry = s
        .managed()
        .into_iter()
        .find(|e| e.manager == "ctrl")
        .unwrap();
    assert_eq!(entry.subresource, "status");
    assert_eq!(
        entry.fields_v1,
        Some(
            json!({"f:status":{"f:replicas":{},"f:conditions":{"k:{\"type\":\"Available\"}":{".":{},"f:type":{},"f:status":{}}}}})
        )
    );
    // Through the main resource, status is neither owned nor in conflict.
    let mut other = dep(json!({"replicas":1}));
    other["status"] = json!({"replicas":7});
    let r = s.apply("helm", other).unwrap();
    let helm = r
        .managed_fields
        .iter()
        .find(|e| e.manager == "helm")
        .unwrap();
    assert_eq!(helm.fields_v1, Some(json!({"f:spec":{"f:replicas":{}}})));
}

#[test]
fn associative_lists_by_key() {
    let mut s = Server::deployment();
    let web = json!({"name":"web","image":"nginx:1","ports":[{"containerPort":80},{"containerPort":53,"protocol":"UDP"}]});
    let sidecar = json!({"name":"sidecar","image":"envoy"});
    s.apply("a", containers(json!([web.clone(), sidecar])))
        .unwrap();
    assert_eq!(
        s.owners()[0].2,
        json!({"f:spec":{"f:template":{"f:spec":{"f:containers":{
            "k:{\"name\":\"web\"}":{".":{},"f:name":{},"f:image":{},"f:ports":{
                "k:{\"containerPort\":80,\"protocol\":\"TCP\"}":{".":{},"f:containerPort":{}},
                "k:{\"containerPort\":53,\"protocol\":\"UDP\"}":{".":{},"f:containerPort":{},"f:protocol":{}}}},
            "k:{\"name\":\"sidecar\"}":{".":{},"f:name":{},"f:image":{}}}}}}})
    );
    // `b` co-owns web with the same values.
    s.apply("b", containers(json!([{"name":"web","image":"nginx:1"}])))
        .unwrap();
    // `a` drops the sidecar and web's UDP port: both go.
    s.apply(
        "a",
        containers(json!([{"name":"web","image":"nginx:1","ports":[{"containerPort":80}]}])),
    )
    .unwrap();
    assert_eq!(
        s.get("/spec/template/spec/containers"),
        Some(json!([{"name":"web","image":"nginx:1","ports":[{"containerPort":80}]}]))
    );
    // `a` drops web entirely: b still owns the item, its image and name; a's port goes.
    s.apply("a", containers(json!([]))).unwrap();
    assert_eq!(
        s.get("/spec/template/spec/containers"),
        Some(json!([{"name":"web","image":"nginx:1"}]))
    );
    // A different image for a co-owned item conflicts with b.
    assert_eq!(
        conflict(s.apply("a", containers(json!([{"name":"web","image":"nginx:2"}])))),
        "Apply failed with 1 conflict: conflict with \"b\": .spec.template.spec.containers[name=\"web\"].image"
    );
}

#[test]
fn sets_atomic_maps_and_atomic_lists() {
    let mut s = Server::config_map();
    let fin = |items: Value| json!({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg","finalizers":items}});
    s.apply("a", fin(json!(["x"]))).unwrap();
    s.apply("b", fin(json!(["y"]))).unwrap();
    assert_eq!(s.get("/metadata/finalizers"), Some(json!(["x", "y"])));
    assert_eq!(
        s.owners()[0].2,
        json!({"f:metadata":{"f:finalizers":{"v:\"x\"":{}}}})
    );
    s.apply("a", fin(json!([]))).unwrap();
    assert_eq!(s.get("/metadata/finalizers"), Some(json!(["y"])));

    let mut d = Server::deployment();
    let sel = |labels: Value| dep(json!({"selector":{"matchLabels":labels}}));
    d.apply("a", sel(json!({"app":"web"}))).unwrap();
    assert_eq!(d.owners()[0].2, json!({"f:spec":{"f:selector":{}}}));
    assert_eq!(
        conflict(d.apply("b", sel(json!({"app":"web","tier":"x"})))),
        "Apply failed with 1 conflict: conflict with \"a\": .spec.selector"
    );
    d.force("b", sel(json!({"tier":"x"}))).unwrap();
    assert_eq!(
        d.get("/spec/selector"),
        Some(json!({"matchLabels":{"tier":"x"}}))
    );

    let cmd = |c: Value| containers(json!([{"name":"web","command":c}]));
    d.apply("a", cmd(json!(["sh", "-c"]))).unwrap();
    assert_eq!(
        conflict(d.apply("c", cmd(json!(["bash"])))),
        "Apply failed with 1 conflict: conflict with \"a\": .spec.template.spec.containers[name=\"web\"].command"
    );
}

#[test]
fn rejected_requests() {
    let ty = config_map();
    let w = Writer::new("a", "v1", None, "2026-06-15T04:15:57Z");
    let run = |body: Value, managed: &[ManagedFieldsEntry]| {
        apply_with(&w, None, &body, managed, false, &ty).unwrap_err()
    };

    let e = run(json!({"apiVersion":"v2","kind":"ConfigMap"}), &[]);
    assert_eq!(
        (e.status_code(), e.to_string()),
        (
            400,
            "Incorrect version specified in apply patch. Specified patch version: v2, expected: v1"
                .to_owned()
        )
    );
    let e = run(
        json!({"apiVersion":"v1","kind":"ConfigMap","metadata":{"managedFields":[]}}),
        &[],
    );
    assert_eq!(
        (e.status_code(), e.to_string()),
        (400, "metadata.managedFields must be nil".to_owned())
    );
    let e = run(
        json!({"apiVersion":"v1","kind":"ConfigMap","spec":{"foo":1}}),
        &[],
    );
    assert_eq!(
        (e.status_code(), e.to_string()),
        (500, ".spec: field not declared in schema".to_owned())
    );
    let bad = ManagedFieldsEntry {
        manager: "x".into(),
        operation: "Patch".into(),
        api_version: "v1".into(),
        ..Default::default()
    };
    let e = run(cm(json!({})), &[bad]);
    assert_eq!(
        (e.status_code(), e.to_string()),
        (
            500,
            "failed to decode managed fields: operation must be `Apply` or `Update`".to_owned()
        )
    );
}

#[test]
fn garbage_never_panics() {
    let ty = deployment();
    let w = Writer::new("a", "apps/v1", None, "now");
    let bodies = [
        json!(null),
        json!([]),
        json!("x"),
        json!({"apiVersion":"apps/v1"}),
        json!({"apiVersion":"apps/v1","spec":null,"metadata":7}),
    ];
    let lives = [
        None,
        Some(json!(null)),
        Some(json!([1])),
        Some(json!({"spec":{"template":{"spec":{"containers":[1,{"name":null},null]}}}})),
    ];
    let managed = [ManagedFieldsEntry {
        manager: "b".into(),
        operation: "Apply".into(),
        api_version: "v1".into(),
        fields_type: "FieldsV1".into(),
        fields_v1: Some(json!({"f:spec":{"f:replicas":{}}})),
        ..Default::default()
    }];
    for body in &bodies {
        for live in &lives {
            let _ = apply_with(&w, live.as_ref(), body, &managed, false, &ty);
            let _ = apply_with(&w, live.as_ref(), body, &managed, true, &super::Untyped);
            let _ = update(
                live.as_ref().unwrap_or(&Value::Null),
                body,
                &managed,
                "u",
                "apps/v1",
                None,
                &ty,
                "now",
            );
        }
    }

    // Nesting past the limit: the applied object is rejected, updates stay bounded.
    let mut deep = json!({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"}});
    deep["spec"] = super::fieldset_tests::nest("x", super::MAX_DEPTH + 20);
    let err = apply_with(&w, None, &deep, &[], false, &super::Untyped).unwrap_err();
    assert_eq!(err.status_code(), 500);
    let entries = update(
        &json!({}),
        &deep,
        &[],
        "u",
        "apps/v1",
        None,
        &super::Untyped,
        "now",
    );
    assert_eq!(entries.len(), 1);
    let again = update(
        &deep,
        &deep,
        &entries,
        "v",
        "apps/v1",
        None,
        &super::Untyped,
        "now",
    );
    assert_eq!(again, entries);
}
