use std::collections::BTreeMap;

use serde_json::json;

use super::*;

/// A metadata tree built from [`META`] (what the schema model will provide).
#[derive(Default)]
struct Node {
    fields: BTreeMap<String, Node>,
    elements: Option<Box<Node>>,
    strategies: Vec<PatchStrategy>,
    key: Option<String>,
}

impl PatchMeta for Node {
    fn field(&self, name: &str) -> Option<&dyn PatchMeta> {
        self.fields.get(name).map(|n| n as &dyn PatchMeta)
    }
    fn elements(&self) -> Option<&dyn PatchMeta> {
        self.elements.as_deref().map(|n| n as &dyn PatchMeta)
    }
    fn strategies(&self) -> &[PatchStrategy] {
        &self.strategies
    }
    fn merge_key(&self) -> Option<&str> {
        self.key.as_deref()
    }
}

/// Pod/Deployment subset. A node is an object of fields plus `$strategy`
/// (`x-kubernetes-patch-strategy`), `$key` (`x-kubernetes-patch-merge-key`) and `$items`
/// (list items or map values); a string names another definition. Fields without a strategy
/// need no entry. `replaced`, `bad` and `keyless` exist only to exercise strategies.
const META: &str = r#"{
"ObjectMeta": {
  "labels": {"$items": {}}, "annotations": {"$items": {}},
  "finalizers": {"$strategy": "merge", "$items": {}},
  "ownerReferences": {"$strategy": "merge", "$key": "uid", "$items": {}}},
"Container": {
  "args": {"$items": {}},
  "env": {"$strategy": "merge", "$key": "name", "$items": {}},
  "volumeMounts": {"$strategy": "merge", "$key": "mountPath", "$items": {}},
  "ports": {"$strategy": "merge", "$key": "containerPort", "$items": {}}},
"PodSpec": {
  "containers": {"$strategy": "merge", "$key": "name", "$items": "Container"},
  "initContainers": {"$strategy": "merge", "$key": "name", "$items": "Container"},
  "volumes": {"$strategy": "merge,retainKeys", "$key": "name", "$items": {}},
  "imagePullSecrets": {"$strategy": "merge", "$key": "name", "$items": {}},
  "tolerations": {"$items": {}}, "nodeSelector": {"$items": {}}},
"Deployment": {
  "metadata": "ObjectMeta",
  "spec": {
    "strategy": {"$strategy": "retainKeys"},
    "template": {"metadata": "ObjectMeta", "spec": "PodSpec"},
    "replaced": {"$strategy": "replace"}, "bad": {"$strategy": "merge,replace", "$items": {}},
    "keyless": {"$strategy": "merge", "$items": {}}},
  "status": {"conditions": {"$strategy": "merge", "$key": "type", "$items": {}}}}
}"#;

fn node(spec: &Value, defs: &Value) -> Node {
    if let Some(name) = spec.as_str() {
        return node(&defs[name], defs);
    }
    let mut node_ = Node::default();
    for (key, value) in spec.as_object().unwrap() {
        match key.as_str() {
            "$strategy" => node_.strategies = PatchStrategy::parse_list(value.as_str().unwrap()),
            "$key" => node_.key = value.as_str().map(str::to_owned),
            "$items" => node_.elements = Some(Box::new(node(value, defs))),
            field => {
                node_.fields.insert(field.to_owned(), node(value, defs));
            }
        }
    }
    node_
}

fn deployment() -> Node {
    let defs: Value = serde_json::from_str(META).unwrap();
    node(&json!("Deployment"), &defs)
}

/// The live Deployment most cases patch.
const WEB: &str = r#"{
  "metadata": {"name": "web", "labels": {"app": "web"}, "finalizers": ["a", "b"],
               "ownerReferences": [{"uid": "u1", "kind": "X", "name": "x"}]},
  "spec": {
    "replicas": 2,
    "strategy": {"type": "RollingUpdate",
                 "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}},
    "template": {"spec": {
      "containers": [
        {"name": "nginx", "image": "nginx:1.25", "args": ["--x"],
         "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}],
         "ports": [{"containerPort": 80, "protocol": "TCP"}],
         "volumeMounts": [{"name": "cfg", "mountPath": "/etc/cfg"}]},
        {"name": "side", "image": "busybox"}],
      "tolerations": [{"key": "k1", "operator": "Exists"}],
      "volumes": [{"name": "cfg", "configMap": {"name": "cfg"}}]}}},
  "status": {"conditions": [{"type": "Available", "status": "True"},
                            {"type": "Progressing", "status": "True"}]}
}"#;

/// `[name, patch, expectation, live changes?]`. Patches whose only key is `pod` are wrapped
/// into `spec.template.spec`. Expectations: `{"set": [[pointer, value], …]}` applied to `WEB`
/// (`null` removes; strings `"@<pointer>"` copy from `WEB`, `@C` = the containers list), or
/// `{"err": Display text, "code": HTTP status}`. Live changes are applied to `WEB` the same
/// way before patching.
const CASES: &str = r#"[
["labels merge, null deletes", {"metadata": {"labels": {"tier": "fe", "app": null}}},
 {"set": [["/metadata/labels", {"tier": "fe"}]]}],
["null for an absent key is ignored", {"metadata": {"annotations": null, "labels": {"x": null}}},
 {"set": []}],
["scalar replaced", {"spec": {"replicas": 3}}, {"set": [["/spec/replicas", 3]]}],
["empty patch", {}, {"set": []}],
["null patch", null, {"set": []}],
["container merged by name (spec #26)",
 {"pod": {"containers": [{"name": "nginx", "image": "nginx:1.26"}]}},
 {"set": [["@C/0/image", "nginx:1.26"]]}],
["new container goes first without $setElementOrder",
 {"pod": {"containers": [{"name": "new", "image": "n"}]}},
 {"set": [["@C", [{"name": "new", "image": "n"}, "@C/0", "@C/1"]]]}],
["kubectl: full $setElementOrder appends the new container",
 {"pod": {"$setElementOrder/containers": [{"name": "nginx"}, {"name": "side"}, {"name": "new"}],
          "containers": [{"name": "new", "image": "n"}]}},
 {"set": [["@C", ["@C/0", "@C/1", {"name": "new", "image": "n"}]]]}],
["$setElementOrder reorders (spec #28)",
 {"pod": {"$setElementOrder/containers": [{"name": "side"}, {"name": "nginx"}]}},
 {"set": [["@C", ["@C/1", "@C/0"]]]}],
["unlisted live items keep their place",
 {"pod": {"$setElementOrder/containers": [{"name": "new"}, {"name": "nginx"}],
          "containers": [{"name": "new"}]}},
 {"set": [["@C", [{"name": "new"}, "@C/0", "@C/1"]]]}],
["$patch: delete removes a container (spec #27)",
 {"pod": {"containers": [{"name": "side", "$patch": "delete"}]}}, {"set": [["@C", ["@C/0"]]]}],
["kubectl: delete with $setElementOrder",
 {"pod": {"$setElementOrder/containers": [{"name": "nginx"}],
          "containers": [{"$patch": "delete", "name": "side"}]}},
 {"set": [["@C", ["@C/0"]]]}],
["delete + add with a partial $setElementOrder uses the in-place merged live order",
 {"pod": {"$setElementOrder/containers": [{"name": "b"}, {"name": "new"}],
          "containers": [{"name": "new"}, {"name": "a", "$patch": "delete"}]}},
 {"set": [["@C", [{"name": "b"}, {"name": "c"}, {"name": "new"}]]]},
 [["@C", [{"name": "a"}, {"name": "b"}, {"name": "c"}]]]],
["$patch: replace list item",
 {"pod": {"containers": [{"$patch": "replace"}, {"name": "only", "image": "i"}]}},
 {"set": [["@C", [{"name": "only", "image": "i"}]]]}],
["env merged by name",
 {"pod": {"containers": [{"name": "nginx",
                          "env": [{"name": "B", "value": "3"}, {"name": "C", "value": "4"}]}]}},
 {"set": [["@C/0/env", [{"name": "A", "value": "1"}, {"name": "B", "value": "3"},
                        {"name": "C", "value": "4"}]]]}],
["env: value nulled in favour of valueFrom",
 {"pod": {"containers": [{"name": "nginx", "env": [{"name": "A", "value": null,
   "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}}]}]}},
 {"set": [["@C/0/env", [{"name": "A", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
                        {"name": "B", "value": "2"}]]]}],
["volumeMounts merged by mountPath",
 {"pod": {"containers": [{"name": "nginx", "volumeMounts": [
   {"mountPath": "/etc/cfg", "readOnly": true}, {"mountPath": "/data", "name": "data"}]}]}},
 {"set": [["@C/0/volumeMounts", [{"name": "cfg", "mountPath": "/etc/cfg", "readOnly": true},
                                 {"mountPath": "/data", "name": "data"}]]]}],
["ports merged by containerPort",
 {"pod": {"containers": [{"name": "nginx", "ports": [{"containerPort": 80, "name": "http"}]}]}},
 {"set": [["@C/0/ports", [{"containerPort": 80, "protocol": "TCP", "name": "http"}]]]}],
["args (no strategy) replaced", {"pod": {"containers": [{"name": "nginx", "args": ["--y"]}]}},
 {"set": [["@C/0/args", ["--y"]]]}],
["tolerations (no strategy) replaced whole, verbatim",
 {"pod": {"tolerations": [{"key": "k2", "operator": "Equal", "x": null}]}},
 {"set": [["/spec/template/spec/tolerations", [{"key": "k2", "operator": "Equal", "x": null}]]]}],
["conditions merged by type",
 {"status": {"conditions": [{"type": "Available", "status": "False", "reason": "R"}]}},
 {"set": [["/status/conditions/0", {"type": "Available", "status": "False", "reason": "R"}]]}],
["ownerReferences merged by uid",
 {"metadata": {"ownerReferences": [{"uid": "u2", "kind": "Y", "name": "y"}]}},
 {"set": [["/metadata/ownerReferences", [{"uid": "u2", "kind": "Y", "name": "y"},
                                         "@/metadata/ownerReferences/0"]]]}],
["ownerReferences deleted by uid", {"metadata": {"ownerReferences": [{"uid": "u1", "$patch": "delete"}]}},
 {"set": [["/metadata/ownerReferences", []]]}],
["finalizers: union, patch items first", {"metadata": {"finalizers": ["c", "b", "c"]}},
 {"set": [["/metadata/finalizers", ["c", "a", "b"]]]}],
["$deleteFromPrimitiveList/finalizers (spec #30)",
 {"metadata": {"$deleteFromPrimitiveList/finalizers": ["a"]}},
 {"set": [["/metadata/finalizers", ["b"]]]}],
["kubectl finalizers shape",
 {"metadata": {"$setElementOrder/finalizers": ["b", "c"],
               "$deleteFromPrimitiveList/finalizers": ["a"], "finalizers": ["c"]}},
 {"set": [["/metadata/finalizers", ["b", "c"]]]}],
["$retainKeys on strategy when switching to Recreate (spec #29)",
 {"spec": {"strategy": {"$retainKeys": ["type"], "type": "Recreate"}}},
 {"set": [["/spec/strategy", {"type": "Recreate"}]]}],
["kubectl Recreate shape with rollingUpdate: null",
 {"spec": {"strategy": {"$retainKeys": ["type"], "rollingUpdate": null, "type": "Recreate"}}},
 {"set": [["/spec/strategy", {"type": "Recreate"}]]}],
["$retainKeys listing every key merges",
 {"spec": {"strategy": {"$retainKeys": ["rollingUpdate", "type"], "rollingUpdate": {"maxSurge": 1}}}},
 {"set": [["/spec/strategy/rollingUpdate/maxSurge", 1]]}],
["$retainKeys inside a volume (source switch)",
 {"pod": {"volumes": [{"name": "cfg", "$retainKeys": ["name", "secret"], "secret": {"secretName": "s"}}]}},
 {"set": [["/spec/template/spec/volumes", [{"name": "cfg", "secret": {"secretName": "s"}}]]]}],
["$patch: replace inside a map", {"spec": {"strategy": {"$patch": "replace", "type": "Recreate"}}},
 {"set": [["/spec/strategy", {"type": "Recreate"}]]}],
["$patch: delete turns a live map into {}", {"spec": {"strategy": {"$patch": "delete"}}},
 {"set": [["/spec/strategy", {}]]}],
["$patch: delete of an absent map adds nothing", {"metadata": {"annotations": {"$patch": "delete"}}},
 {"set": []}],
["new subtree: nulls and $patch objects dropped",
 {"pod": {"nodeSelector": {"a": "b", "c": null, "d": {"$patch": "delete"}},
          "initContainers": [{"name": "i", "env": [{"name": "E", "value": null}]},
                             {"name": "gone", "$patch": "delete"}]}},
 {"set": [["/spec/template/spec/nodeSelector", {"a": "b"}],
          ["/spec/template/spec/initContainers", [{"name": "i", "env": [{"name": "E"}]}]]]}],
["new list with $setElementOrder",
 {"pod": {"$setElementOrder/imagePullSecrets": [{"name": "b"}, {"name": "a"}],
          "imagePullSecrets": [{"name": "b"}, {"name": "a"}]}},
 {"set": [["/spec/template/spec/imagePullSecrets", [{"name": "b"}, {"name": "a"}]]]}],
["$setElementOrder for a list absent everywhere",
 {"pod": {"$setElementOrder/initContainers": [{"name": "x"}]}}, {"set": []}],
["field with strategy replace taken verbatim", {"spec": {"replaced": {"b": null, "c": 3}}},
 {"set": [["/spec/replaced", {"b": null, "c": 3}]]}, [["/spec/replaced", {"a": 1, "b": 2}]]],
["unknown field: objects merge", {"spec": {"extra": {"x": {"y": 1, "n": null}}}},
 {"set": [["/spec/extra", {"x": {"y": 1, "z": 2}}]]}, [["/spec/extra", {"x": {"z": 2}}]]],
["unknown field: lists replaced", {"spec": {"extra": [3]}},
 {"set": [["/spec/extra", [3]]]}, [["/spec/extra", [1, 2]]]],
["type change takes the pruned patch value", {"spec": {"replicas": {"a": null, "b": 1}}},
 {"set": [["/spec/replicas", {"b": 1}]]}],
["top-level $patch: replace", {"$patch": "replace", "metadata": {"name": "x"}},
 {"set": [["", {"metadata": {"name": "x"}}]]}],

["unknown $patch in a map", {"spec": {"strategy": {"$patch": "merge"}}},
 {"err": "unknown patch type: merge in map: map[$patch:merge]", "code": 400}],
["non-string $patch", {"spec": {"$patch": 1}},
 {"err": "invalid value for special key: $patch", "code": 400}],
["$patch: merge list item", {"pod": {"containers": [{"$patch": "merge"}]}},
 {"err": "merging lists cannot yet be specified in the patch", "code": 400}],
["unknown $patch list item", {"pod": {"containers": [{"name": "x", "$patch": "remove"}]}},
 {"err": "unknown patch type: remove in map: map[$patch:remove name:x]", "code": 400}],
["non-string $patch list item", {"pod": {"containers": [{"name": "x", "$patch": true}]}},
 {"err": "invalid value for special key: $patch", "code": 400}],
["delete item without merge key", {"pod": {"containers": [{"$patch": "delete", "image": "x"}]}},
 {"err": "map: map[$patch:delete image:x] does not contain declared merge key: name", "code": 500}],
["patch item without merge key", {"pod": {"containers": [{"image": "x"}]}},
 {"err": "map: map[image:x] does not contain declared merge key: name", "code": 500}],
["live item without merge key", {"pod": {"containers": [{"name": "a"}]}},
 {"err": "map: map[image:x] does not contain declared merge key: name", "code": 500},
 [["@C", [{"image": "x"}]]]],
["$setElementOrder out of order",
 {"pod": {"$setElementOrder/containers": [{"name": "nginx"}, {"name": "side"}],
          "containers": [{"name": "side"}, {"name": "nginx"}]}},
 {"err": "The order in patch list:\n[map[name:side] map[name:nginx]]\n doesn't match $setElementOrder list:\n[map[name:nginx] map[name:side]]\n",
  "code": 400}],
["$setElementOrder missing a patched item",
 {"pod": {"$setElementOrder/containers": [{"name": "nginx"}], "containers": [{"name": "new"}]}},
 {"err": "The order in patch list:\n[map[name:new]]\n doesn't match $setElementOrder list:\n[map[name:nginx]]\n",
  "code": 400}],
["$setElementOrder mismatch in a primitive list",
 {"metadata": {"$setElementOrder/finalizers": ["a"], "finalizers": ["z"]}},
 {"err": "The order in patch list:\n[z]\n doesn't match $setElementOrder list:\n[a]\n", "code": 400}],
["$setElementOrder not a list", {"pod": {"$setElementOrder/containers": "x"}},
 {"err": "expected a []interface {}, but received a string", "code": 500}],
["$setElementOrder item without merge key",
 {"pod": {"$setElementOrder/containers": [{"image": "x"}], "containers": [{"name": "nginx"}]}},
 {"err": "map: map[image:x] does not contain declared merge key: name", "code": 500}],
["$setElementOrder without a field", {"$setElementOrder": []},
 {"err": "invalid patch format of setElementOrder list", "code": 400}],
["$setElementOrder over empty lists", {"metadata": {"$setElementOrder/finalizers": []}},
 {"err": "no elements in any of the given slices", "code": 500}, [["/metadata/finalizers", []]]],
["$deleteFromPrimitiveList without a field", {"metadata": {"$deleteFromPrimitiveList": ["a"]}},
 {"err": "invalid patch format of primitive list", "code": 400}],
["$retainKeys not a list", {"spec": {"strategy": {"$retainKeys": "type"}}},
 {"err": "invalid patch format of retainKeys", "code": 400}],
["$retainKeys missing a patched key",
 {"spec": {"strategy": {"$retainKeys": ["type"], "rollingUpdate": {"maxSurge": 1}}}},
 {"err": "invalid patch format of retainKeys", "code": 400}],
["mixed element types", {"metadata": {"finalizers": [1]}},
 {"err": "list element types are not identical: [[a b] [1]]", "code": 500}],
["list of lists", {"metadata": {"finalizers": [["a"]]}},
 {"err": "lists of lists are not supported", "code": 422}, [["/metadata/finalizers", []]]],
["impossible strategy combination", {"spec": {"bad": [2]}},
 {"err": "unexpected patch strategy: [merge replace]", "code": 500}, [["/spec/bad", [1]]]],
["merge list of objects without a merge key", {"spec": {"keyless": [{"a": 2}]}},
 {"err": "cannot merge lists without merge key for keyless", "code": 500},
 [["/spec/keyless", [{"a": 1}]]]],
["patch is not an object", [1],
 {"err": "json: cannot unmarshal array into Go value of type map[string]interface {}", "code": 400}]
]"#;

const CONTAINERS: &str = "/spec/template/spec/containers";

/// Expands `@C` and resolves `"@<pointer>"` strings against `base`.
fn resolve(value: Value, base: &Value) -> Value {
    match value {
        Value::String(s) if s.starts_with('@') => {
            let pointer = match s[1..].strip_prefix('C') {
                Some(rest) => format!("{CONTAINERS}{rest}"),
                None => s[1..].to_owned(),
            };
            base.pointer(&pointer).unwrap().clone()
        }
        Value::Array(items) => Value::Array(items.into_iter().map(|v| resolve(v, base)).collect()),
        other => other,
    }
}

fn apply_changes(mut doc: Value, changes: &Value, base: &Value) -> Value {
    for change in changes.as_array().unwrap() {
        let pointer = change[0].as_str().unwrap().replacen("@C", CONTAINERS, 1);
        let value = resolve(change[1].clone(), base);
        if let (Some(slot), false) = (doc.pointer_mut(&pointer), value.is_null()) {
            *slot = value;
            continue;
        }
        let (parent, key) = pointer.rsplit_once('/').unwrap();
        let parent = doc.pointer_mut(parent).unwrap().as_object_mut().unwrap();
        match value {
            Value::Null => parent.remove(key),
            value => parent.insert(key.to_owned(), value),
        };
    }
    doc
}

#[test]
fn table() {
    let meta = deployment();
    let web: Value = serde_json::from_str(WEB).unwrap();
    let cases: Vec<Vec<Value>> = serde_json::from_str(CASES).unwrap();
    for case in cases {
        let name = case[0].as_str().unwrap();
        let mut patch = case[1].clone();
        if let Some(pod) = patch.get("pod") {
            patch = json!({"spec": {"template": {"spec": pod}}});
        }
        let live = apply_changes(web.clone(), case.get(3).unwrap_or(&json!([])), &web);
        let before = live.clone();
        let got = strategic_merge(&live, &patch, &meta);
        assert_eq!(live, before, "{name}: input modified");
        match (got, case[2].get("set")) {
            (Ok(value), Some(set)) => {
                assert_eq!(value, apply_changes(web.clone(), set, &web), "{name}")
            }
            (Err(err), None) => {
                assert_eq!(err.to_string(), case[2]["err"], "{name}");
                assert_eq!(err.status_code(), case[2]["code"], "{name}");
            }
            (got, _) => panic!("{name}: unexpected {got:?}"),
        }
    }
}

#[test]
fn documents_that_are_not_objects() {
    let meta = deployment();
    assert_eq!(
        strategic_merge(&json!("x"), &json!({}), &meta),
        Err(PatchError::InvalidDocument)
    );
    let from_null = strategic_merge(&Value::Null, &json!({"a": {"b": null, "c": 1}}), &meta);
    assert_eq!(from_null, Ok(json!({"a": {"c": 1}})));
}

#[test]
fn no_metadata_means_no_strategy() {
    let live = json!({"a": {"b": 1, "l": [1, 2]}, "s": "x"});
    let patch = json!({"a": {"c": 2, "l": [3]}, "s": null});
    let got = strategic_merge(&live, &patch, &NoMeta).unwrap();
    assert_eq!(got, json!({"a": {"b": 1, "c": 2, "l": [3]}}));
}

#[test]
fn strategy_parsing() {
    let parsed = PatchStrategy::parse_list("merge, retainKeys,bogus");
    assert_eq!(
        parsed,
        vec![PatchStrategy::Merge, PatchStrategy::RetainKeys]
    );
    assert_eq!(
        PatchStrategy::parse("replace").map(PatchStrategy::as_str),
        Some("replace")
    );
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let mut patch = json!({"x": 1});
    for _ in 0..(super::super::MAX_DEPTH + 5) {
        patch = json!({ "a": patch });
    }
    let got = strategic_merge(&json!({}), &patch, &NoMeta);
    assert!(matches!(got, Err(PatchError::TooDeep { .. })), "{got:?}");
    let got = strategic_merge(&patch, &patch, &NoMeta);
    assert!(matches!(got, Err(PatchError::TooDeep { .. })), "{got:?}");
}

#[test]
fn big_lists_stay_fast() {
    let items: Vec<Value> = (0..20_000)
        .map(|i| json!({"name": format!("c{i}")}))
        .collect();
    let live = json!({"spec": {"template": {"spec": {"containers": items}}}});
    let order: Vec<Value> = items.iter().rev().cloned().collect();
    let patch = json!({"spec": {"template": {"spec": {
        "$setElementOrder/containers": order,
        "containers": [{"name": "c5", "image": "i"}]
    }}}});
    let got = strategic_merge(&live, &patch, &deployment()).unwrap();
    let list = got.pointer(CONTAINERS).unwrap().as_array().unwrap();
    assert_eq!(list.len(), 20_000);
    assert_eq!(list[0], json!({"name": "c19999"}));
    assert_eq!(list[19_994], json!({"name": "c5", "image": "i"}));
}
