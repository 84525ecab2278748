use serde_json::{json, Value};

use super::super::test_support::{hr_crd, ks_crd, oci_crd, schema_of};
use super::*;

#[test]
fn prunes_flux_objects() {
    let oci_s = schema_of(&oci_crd());
    let ks_s = schema_of(&ks_crd());
    let hr_s = schema_of(&hr_crd());
    let cases: Vec<(&Value, Value, Value, Vec<&str>)> = vec![
        (
            &oci_s,
            json!({"apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "OCIRepository", "extra": 1,
                   "metadata": {"name": "p", "labels": {"a": "b"}, "foo": "bar", "generation": 0},
                   "spec": {"url": "oci://x", "foo": {"deep": true}, "ref": {"tag": "v1", "bar": 1}},
                   "status": {"unknown": 1, "observedGeneration": 2}}),
            json!({"apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "OCIRepository",
                   "metadata": {"name": "p", "labels": {"a": "b"}},
                   "spec": {"url": "oci://x", "ref": {"tag": "v1"}},
                   "status": {"observedGeneration": 2}}),
            vec![
                "metadata.foo",
                "extra",
                "spec.foo",
                "spec.ref.bar",
                "status.unknown",
            ],
        ),
        (
            &ks_s,
            json!({"spec": {"healthChecks": [{"kind": "D", "name": "n", "x": 1}, {"kind": "S", "name": "m"}],
                            "commonMetadata": {"labels": {"any.key/x": "v"}}, "postBuild": {"substitute": {"A": "1"}}}}),
            json!({"spec": {"healthChecks": [{"kind": "D", "name": "n"}, {"kind": "S", "name": "m"}],
                            "commonMetadata": {"labels": {"any.key/x": "v"}}, "postBuild": {"substitute": {"A": "1"}}}}),
            vec!["spec.healthChecks[0].x"],
        ),
        (
            &hr_s,
            json!({"spec": {"values": {"image": {"tag": "1"}, "list": [{"a": 1}]}, "bogus": null}}),
            json!({"spec": {"values": {"image": {"tag": "1"}, "list": [{"a": 1}]}}}),
            vec!["spec.bogus"],
        ),
        (
            &oci_s,
            json!({"metadata": null}),
            json!({"metadata": {}}),
            vec![],
        ),
        (
            &oci_s,
            json!({"metadata": {"name": "a", "labels": {"x": 1}, "annotations": {}, "finalizers": ["f"],
                                "ownerReferences": [{"apiVersion": "v1", "kind": "K", "name": "n", "uid": "u", "zzz": 1}]}}),
            json!({"metadata": {"name": "a", "finalizers": ["f"],
                                "ownerReferences": [{"apiVersion": "v1", "kind": "K", "name": "n", "uid": "u"}]}}),
            vec!["metadata.ownerReferences[0].zzz"],
        ),
    ];
    for (schema, mut obj, want, paths) in cases {
        let got = prune(&mut obj, schema);
        assert_eq!(obj, want);
        assert_eq!(got, paths);
    }
}

#[test]
fn prune_schema_extensions() {
    let schema = json!({"type": "object", "properties": {"spec": {"type": "object", "properties": {
        "template": {"type": "object", "x-kubernetes-embedded-resource": true, "properties": {"spec": {"type": "object"}}},
        "raw": {"type": "object", "x-kubernetes-embedded-resource": true, "x-kubernetes-preserve-unknown-fields": true},
        "open": {"type": "object", "x-kubernetes-preserve-unknown-fields": true, "properties": {"known": {"type": "object", "properties": {"a": {"type": "string"}}}}},
        "anymap": {"type": "object", "additionalProperties": true},
        "untyped": {"type": "array"}
    }}}});
    let mut obj = json!({"spec": {
        "template": {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "x", "bad": 1}, "spec": {"x": 1}, "other": 2},
        "raw": {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "y", "nope": true}, "anything": {"b": 1}},
        "open": {"free": {"x": 1}, "known": {"a": "s", "b": 1}},
        "anymap": {"k": {"nested": 1}, "s": "v"},
        "untyped": [{"a": 1}, 2]
    }});
    let paths = prune(&mut obj, &schema);
    assert_eq!(
        obj,
        json!({"spec": {
            "template": {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "x"}, "spec": {}},
            "raw": {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "y"}, "anything": {"b": 1}},
            "open": {"free": {"x": 1}, "known": {"a": "s"}},
            "anymap": {"k": {}, "s": "v"},
            "untyped": [{}, 2]
        }})
    );
    assert_eq!(
        paths,
        vec![
            "spec.anymap.k.nested",
            "spec.open.known.b",
            "spec.template.other",
            "spec.template.spec.x",
            "spec.untyped[0].a",
            "spec.raw.metadata.nope",
            "spec.template.metadata.bad",
        ]
    );
}

#[test]
fn root_preserve_unknown_and_odd_inputs() {
    let schema = json!({"type": "object", "x-kubernetes-preserve-unknown-fields": true, "properties": {"spec": {"type": "object", "properties": {}}}});
    let mut obj = json!({"anything": {"x": 1}, "spec": {"y": 2}});
    assert_eq!(prune(&mut obj, &schema), vec!["spec.y"]);
    assert_eq!(obj, json!({"anything": {"x": 1}, "spec": {}}));
    for mut odd in [json!(null), json!(1), json!("s"), json!([1, {"a": 1}])] {
        let _ = prune(&mut odd, &schema);
        let _ = prune(&mut odd, &json!("not a schema"));
    }
    let mut deep = json!({});
    for _ in 0..500 {
        deep = json!({"a": deep});
    }
    let mut obj = json!({"spec": deep});
    let _ = prune(
        &mut obj,
        &json!({"type": "object", "x-kubernetes-preserve-unknown-fields": true}),
    );
}
