use super::*;
use serde_json::json;

/// `[name, document, operations, expectation]`; the expectation is `{"ok": result}` or
/// `{"err": Display text, "code": HTTP status}`.
const CASES: &str = r#"[
["add member", {"a": 1}, [{"op": "add", "path": "/b", "value": 2}], {"ok": {"a": 1, "b": 2}}],
["add nested member", {"metadata": {"name": "x"}},
 [{"op": "add", "path": "/metadata/labels", "value": {"a": "b"}}],
 {"ok": {"metadata": {"name": "x", "labels": {"a": "b"}}}}],
["add overwrites a member", {"a": 1}, [{"op": "add", "path": "/a", "value": [1]}], {"ok": {"a": [1]}}],
["add without value adds null", {}, [{"op": "add", "path": "/a"}], {"ok": {"a": null}}],
["add inserts at an index", {"l": [1, 3]}, [{"op": "add", "path": "/l/1", "value": 2}],
 {"ok": {"l": [1, 2, 3]}}],
["add at len appends", {"l": [1]}, [{"op": "add", "path": "/l/1", "value": 2}], {"ok": {"l": [1, 2]}}],
["add - appends", {"l": [1]}, [{"op": "add", "path": "/l/-", "value": 2}], {"ok": {"l": [1, 2]}}],
["add -1 appends (v4)", {"l": [1]}, [{"op": "add", "path": "/l/-1", "value": 2}], {"ok": {"l": [1, 2]}}],
["add +00 parses like Atoi", {"l": [1]}, [{"op": "add", "path": "/l/+00", "value": 0}],
 {"ok": {"l": [0, 1]}}],
["add to a root array", [1], [{"op": "add", "path": "/0", "value": 0}], {"ok": [0, 1]}],
["add with an empty key", {}, [{"op": "add", "path": "/", "value": 1}], {"ok": {"": 1}}],
["text before the first slash is ignored (v4)", {}, [{"op": "add", "path": "spec/b", "value": 1}],
 {"ok": {"b": 1}}],
["~1 and ~0 escapes", {"metadata": {"annotations": {}}},
 [{"op": "add", "path": "/metadata/annotations/example.com~1key", "value": "v"},
  {"op": "add", "path": "/metadata/annotations/a~0b~01", "value": "w"}],
 {"ok": {"metadata": {"annotations": {"example.com/key": "v", "a~b~1": "w"}}}}],
["remove member", {"a": 1, "b": 2}, [{"op": "remove", "path": "/a"}], {"ok": {"b": 2}}],
["remove a null member", {"a": null}, [{"op": "remove", "path": "/a"}], {"ok": {}}],
["remove element", {"l": [1, 2, 3]}, [{"op": "remove", "path": "/l/1"}], {"ok": {"l": [1, 3]}}],
["remove -1 removes the last element", {"l": [1, 2]}, [{"op": "remove", "path": "/l/-1"}],
 {"ok": {"l": [1]}}],
["remove finalizers (spec #84)", {"metadata": {"finalizers": ["a"], "name": "c"}},
 [{"op": "remove", "path": "/metadata/finalizers"}], {"ok": {"metadata": {"name": "c"}}}],
["replace member", {"spec": {"replicas": 2}},
 [{"op": "replace", "path": "/spec/replicas", "value": 3}], {"ok": {"spec": {"replicas": 3}}}],
["replace of a missing member adds it (v4)", {"spec": {}},
 [{"op": "replace", "path": "/spec/replicas", "value": 3}], {"ok": {"spec": {"replicas": 3}}}],
["replace element by negative index", {"l": [1, 2]},
 [{"op": "replace", "path": "/l/-2", "value": 0}], {"ok": {"l": [0, 2]}}],
["replace the whole document", {"a": 1}, [{"op": "replace", "path": "", "value": {"b": 2}}],
 {"ok": {"b": 2}}],
["csa migration: managedFields and resourceVersion",
 {"metadata": {"resourceVersion": "7", "managedFields": [{"manager": "old"}]}},
 [{"op": "replace", "path": "/metadata/managedFields", "value": [{"manager": "kubectl"}]},
  {"op": "replace", "path": "/metadata/resourceVersion", "value": "7"}],
 {"ok": {"metadata": {"resourceVersion": "7", "managedFields": [{"manager": "kubectl"}]}}}],
["move member", {"a": {"x": 1}, "b": {}}, [{"op": "move", "from": "/a/x", "path": "/b/y"}],
 {"ok": {"a": {}, "b": {"y": 1}}}],
["move element", {"l": [1, 2, 3]}, [{"op": "move", "from": "/l/0", "path": "/l/-"}],
 {"ok": {"l": [2, 3, 1]}}],
["move onto itself", {"a": 1}, [{"op": "move", "from": "/a", "path": "/a"}], {"ok": {"a": 1}}],
["copy member", {"a": {"x": [1]}}, [{"op": "copy", "from": "/a", "path": "/b"}],
 {"ok": {"a": {"x": [1]}, "b": {"x": [1]}}}],
["copy from a missing member copies null (v4)", {"a": 1},
 [{"op": "copy", "from": "/z", "path": "/b"}], {"ok": {"a": 1, "b": null}}],
["copy element into an array", {"l": [1, 2]}, [{"op": "copy", "from": "/l/1", "path": "/l/0"}],
 {"ok": {"l": [2, 1, 2]}}],
["test then replace (kube-rs recorded)", {"spec": {"containers": [{"image": "alpine:3.6"}]}},
 [{"op": "test", "path": "/spec/containers/0/image", "value": "alpine:3.6"},
  {"op": "replace", "path": "/spec/containers/0/image", "value": "alpine:3.7"}],
 {"ok": {"spec": {"containers": [{"image": "alpine:3.7"}]}}}],
["kube-rs finalizer helper: test missing member against null (spec #109)",
 {"metadata": {"name": "c"}},
 [{"op": "test", "path": "/metadata/finalizers", "value": null},
  {"op": "add", "path": "/metadata/finalizers", "value": ["x"]}],
 {"ok": {"metadata": {"name": "c", "finalizers": ["x"]}}}],
["test a null member against null", {"a": null}, [{"op": "test", "path": "/a", "value": null}],
 {"ok": {"a": null}}],
["test a missing member without value", {}, [{"op": "test", "path": "/a"}], {"ok": {}}],
["test a null element against null", {"l": [null]},
 [{"op": "test", "path": "/l/0", "value": null}], {"ok": {"l": [null]}}],
["test deep equality", {"a": {"b": [1, {"c": null}]}},
 [{"op": "test", "path": "/a", "value": {"b": [1, {"c": null}]}}],
 {"ok": {"a": {"b": [1, {"c": null}]}}}],
["test the whole document", {"a": 1}, [{"op": "test", "path": "", "value": {"a": 1}}],
 {"ok": {"a": 1}}],
["null body is an empty patch", {"a": 1}, null, {"ok": {"a": 1}}],
["empty patch", {"a": 1}, [], {"ok": {"a": 1}}],

["add below a missing parent", {}, [{"op": "add", "path": "/a/b", "value": 1}],
 {"err": "add operation does not apply: doc is missing path: \"/a/b\": missing value", "code": 422}],
["add below a null member", {"a": null}, [{"op": "add", "path": "/a/b", "value": 1}],
 {"err": "add operation does not apply: doc is missing path: \"/a/b\": missing value", "code": 422}],
["add below a scalar", {"a": 1}, [{"op": "add", "path": "/a/b", "value": 1}],
 {"err": "add operation does not apply: doc is missing path: \"/a/b\": missing value", "code": 422}],
["add at the empty path", {}, [{"op": "add", "path": "", "value": 1}],
 {"err": "add operation does not apply: doc is missing path: \"\": missing value", "code": 422}],
["add past the end", {"l": [1]}, [{"op": "add", "path": "/l/2", "value": 1}],
 {"err": "error in add for path: '/l/2': Unable to access invalid index: 2: invalid index referenced",
  "code": 422}],
["add before the start", {"l": [1]}, [{"op": "add", "path": "/l/-3", "value": 1}],
 {"err": "error in add for path: '/l/-3': Unable to access invalid index: -3: invalid index referenced",
  "code": 422}],
["add with a non-numeric index", {"l": []}, [{"op": "add", "path": "/l/x", "value": 1}],
 {"err": "error in add for path: '/l/x': value was not a proper array index: 'x'", "code": 422}],
["remove a missing member", {"a": 1}, [{"op": "remove", "path": "/b"}],
 {"err": "error in remove for path: '/b': Unable to remove nonexistent key: b: missing value",
  "code": 422}],
["remove below a missing parent", {}, [{"op": "remove", "path": "/a/b"}],
 {"err": "remove operation does not apply: doc is missing path: \"/a/b\": missing value", "code": 422}],
["remove -", {"l": [1]}, [{"op": "remove", "path": "/l/-"}],
 {"err": "error in remove for path: '/l/-': value was not a proper array index: '-'", "code": 422}],
["remove out of range", {"l": []}, [{"op": "remove", "path": "/l/0"}],
 {"err": "error in remove for path: '/l/0': Unable to access invalid index: 0: invalid index referenced",
  "code": 422}],
["replace below a missing parent", {}, [{"op": "replace", "path": "/spec/replicas", "value": 1}],
 {"err": "replace operation does not apply: doc is missing path: \"/spec/replicas\": missing value",
  "code": 422}],
["replace out of range", {"l": [1]}, [{"op": "replace", "path": "/l/1", "value": 1}],
 {"err": "error in replace for path: '/l/1': Unable to access invalid index: 1: invalid index referenced",
  "code": 422}],
["replace the document with a scalar", {}, [{"op": "replace", "path": "", "value": 1}],
 {"err": "replace operation value must be object or array", "code": 422}],
["move from a missing member", {}, [{"op": "move", "from": "/a", "path": "/b"}],
 {"err": "error in move for path: '/a': Unable to remove nonexistent key: a: missing value",
  "code": 422}],
["move from a missing parent", {}, [{"op": "move", "from": "/a/b", "path": "/b"}],
 {"err": "move operation does not apply: doc is missing from path: /a/b: missing value", "code": 422}],
["move into its own child", {"a": {}}, [{"op": "move", "from": "/a", "path": "/a/b"}],
 {"err": "move operation does not apply: doc is missing path: \"/a/b\": missing value", "code": 422}],
["copy to a missing parent", {"a": 1}, [{"op": "copy", "from": "/a", "path": "/x/y"}],
 {"err": "copy operation does not apply: doc is missing path: \"/x/y\": missing value", "code": 422}],
["copy from out of range", {"l": []}, [{"op": "copy", "from": "/l/0", "path": "/b"}],
 {"err": "error in copy for path: '/l/0': Unable to access invalid index: 0: invalid index referenced",
  "code": 422}],
["test with a wrong value", {"spec": {"replicas": 2}},
 [{"op": "test", "path": "/spec/replicas", "value": 3}],
 {"err": "testing value /spec/replicas failed: test failed", "code": 422}],
["test an int against a float", {"a": 2}, [{"op": "test", "path": "/a", "value": 2.0}],
 {"err": "testing value /a failed: test failed", "code": 422}],
["test a missing member against a value", {}, [{"op": "test", "path": "/a", "value": 1}],
 {"err": "testing value /a failed: test failed", "code": 422}],
["test an empty object against null", {"a": {}}, [{"op": "test", "path": "/a", "value": null}],
 {"err": "testing value /a failed: test failed", "code": 422}],
["test an existing member without value", {"a": []}, [{"op": "test", "path": "/a"}],
 {"err": "testing value /a failed: test failed", "code": 422}],
["test below a missing parent", {}, [{"op": "test", "path": "/a/b", "value": null}],
 {"err": "test operation does not apply: doc is missing path: \"/a/b\": missing value", "code": 422}],
["test the whole document", {"a": 1}, [{"op": "test", "path": "", "value": {}}],
 {"err": "testing value  failed: test failed", "code": 422}],
["unknown op", {}, [{"op": "frobnicate", "path": "/a"}],
 {"err": "Unexpected kind: frobnicate", "code": 422}],
["missing op", {}, [{"path": "/a"}], {"err": "Unexpected kind: unknown", "code": 422}],
["non-string op", {}, [{"op": 1, "path": "/a"}], {"err": "Unexpected kind: unknown", "code": 422}],
["null operation", {}, [null], {"err": "Unexpected kind: unknown", "code": 422}],
["missing path", {}, [{"op": "add", "value": 1}],
 {"err": "add operation failed to decode path: missing value", "code": 422}],
["non-string path", {}, [{"op": "remove", "path": 1}],
 {"err": "remove operation failed to decode path: missing value", "code": 422}],
["missing from", {}, [{"op": "copy", "path": "/a"}],
 {"err": "copy operation failed to decode from: missing value", "code": 422}],
["body is an object", {}, {"op": "add"},
 {"err": "json: cannot unmarshal object into Go value of type jsonpatch.Patch", "code": 400}],
["operation is a string", {}, ["add"],
 {"err": "json: cannot unmarshal string into Go value of type jsonpatch.Operation", "code": 400}],
["document is a scalar", 1, [], {"err": "invalid JSON document", "code": 400}],
["a failure after successful operations applies nothing", {"spec": {"replicas": 2}},
 [{"op": "replace", "path": "/spec/replicas", "value": 5},
  {"op": "test", "path": "/spec/replicas", "value": 2}],
 {"err": "testing value /spec/replicas failed: test failed", "code": 422}]
]"#;

#[test]
fn table() {
    let cases: Vec<(String, Value, Value, Value)> = serde_json::from_str(CASES).unwrap();
    for (name, doc, ops, expected) in cases {
        let before = doc.clone();
        let got = json_patch(&doc, &ops);
        assert_eq!(doc, before, "{name}: input modified");
        match (got, expected.get("ok")) {
            (Ok(value), Some(want)) => assert_eq!(&value, want, "{name}"),
            (Err(err), None) => {
                assert_eq!(err.to_string(), expected["err"], "{name}");
                assert_eq!(err.status_code(), expected["code"], "{name}");
            }
            (got, _) => panic!("{name}: unexpected {got:?}"),
        }
    }
}

#[test]
fn operation_limit() {
    let op = json!({"op": "test", "path": "/a", "value": 1});
    let mut ops = vec![op.clone(); MAX_JSON_PATCH_OPERATIONS];
    assert!(json_patch(&json!({"a": 1}), &Value::Array(ops.clone())).is_ok());
    ops.push(op);
    let err = json_patch(&json!({"a": 1}), &Value::Array(ops)).unwrap_err();
    assert_eq!(
        err,
        PatchError::TooManyOperations {
            limit: 10_000,
            count: 10_001
        }
    );
    assert_eq!(err.status_code(), 413);
    let text = "The allowed maximum operations in a JSON patch is 10000, got 10001";
    assert_eq!(err.to_string(), text);
}

#[test]
fn copy_size_limit() {
    let big = "x".repeat(MAX_JSON_PATCH_COPY_BYTES / 2);
    let ops = json!([
        {"op": "copy", "from": "/a", "path": "/b"},
        {"op": "copy", "from": "/a", "path": "/c"}
    ]);
    let err = json_patch(&json!({ "a": big }), &ops).unwrap_err();
    assert!(matches!(err, PatchError::CopyTooLarge { .. }), "{err}");
    assert_eq!(err.status_code(), 422);
}

#[test]
fn long_pointers_and_odd_tokens_do_not_panic() {
    let path = "/a".repeat(100_000);
    assert!(json_patch(
        &json!({}),
        &json!([{"op": "add", "path": path, "value": 1}])
    )
    .is_err());
    let tokens = [
        "99999999999999999999",
        "-9223372036854775808",
        "+",
        "-",
        "1e3",
        " 1",
        "~",
        "~2",
    ];
    for token in tokens {
        let path = format!("/l/{token}");
        for op in ["add", "remove", "replace", "test", "move", "copy"] {
            let ops = json!([{"op": op, "path": path, "from": path, "value": 1}]);
            let _ = json_patch(&json!({"l": [1]}), &ops);
        }
    }
}
