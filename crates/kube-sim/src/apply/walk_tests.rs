//! Typed walks: field sets of objects, comparison, merge, removal, validation.

use serde_json::{json, Value};

use super::test_types::{config_map, deployment, widget};
use super::{
    compare, ensure_named_fields, field_set, merge, reconcile_with_schema, remove, validate,
    FieldSet, TypeInfo, Untyped,
};

fn fs(v: Value) -> FieldSet {
    FieldSet::from_fields_v1(&v).unwrap()
}

#[test]
fn field_sets_of_applied_objects() {
    let cm = config_map();
    let dep = deployment();
    let wid = widget();
    let cases: Vec<(&str, &dyn TypeInfo, Value, Value)> = vec![
        (
            "configmap data: declared field with content has no \".\", map keys are leaves",
            &cm,
            json!({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"k":"v1"}}),
            json!({"f:apiVersion":{},"f:kind":{},"f:metadata":{"f:name":{}},"f:data":{"f:k":{}}}),
        ),
        (
            "empty and null values are owned as leaves",
            &cm,
            json!({"data":{},"metadata":{"labels":null}}),
            json!({"f:data":{},"f:metadata":{"f:labels":{}}}),
        ),
        (
            "set items",
            &cm,
            json!({"metadata":{"finalizers":["example.com/hold","b"]}}),
            json!({"f:metadata":{"f:finalizers":{"v:\"example.com/hold\"":{},"v:\"b\"":{}}}}),
        ),
        (
            "an empty associative list owns nothing",
            &cm,
            json!({"metadata":{"finalizers":[]}}),
            json!({}),
        ),
        (
            "containers by name, ports by containerPort+protocol with the protocol default",
            &dep,
            json!({"spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},"template":{"spec":{"containers":[
                {"name":"web","image":"nginx","command":["a","b"],"ports":[{"containerPort":80}]}]}}}}),
            json!({"f:spec":{"f:replicas":{},"f:selector":{},"f:template":{"f:spec":{"f:containers":{
                "k:{\"name\":\"web\"}":{".":{},"f:name":{},"f:image":{},"f:command":{},"f:ports":{
                    "k:{\"containerPort\":80,\"protocol\":\"TCP\"}":{".":{},"f:containerPort":{}}}}}}}}}),
        ),
        (
            "untyped subtree: granular maps, atomic lists",
            &wid,
            json!({"spec":{"values":{"a":{"b":1},"l":[1,2]}}}),
            json!({"f:spec":{"f:values":{"f:a":{".":{},"f:b":{}},"f:l":{}}}}),
        ),
    ];
    for (name, ty, obj, want) in cases {
        assert_eq!(field_set(&obj, ty).to_fields_v1(), want, "{name}");
    }
}

#[test]
fn duplicate_items_are_owned_whole() {
    let obj = json!({"spec":{"template":{"spec":{"containers":[{"name":"a","image":"x"},{"name":"a","image":"y"}]}}}});
    assert_eq!(
        field_set(&obj, &deployment()).to_fields_v1(),
        json!({"f:spec":{"f:template":{"f:spec":{"f:containers":{"k:{\"name\":\"a\"}":{}}}}}})
    );
}

#[test]
fn comparisons() {
    let dep = deployment();
    let cases = vec![
        (
            "scalar modified, key added, key removed",
            json!({"spec":{"replicas":1,"revisionHistoryLimit":3}}),
            json!({"spec":{"replicas":2,"progressDeadlineSeconds":600}}),
            (
                json!({"f:spec":{"f:revisionHistoryLimit":{}}}),
                json!({"f:spec":{"f:replicas":{}}}),
                json!({"f:spec":{"f:progressDeadlineSeconds":{}}}),
            ),
        ),
        (
            "a map that appears is added itself, with its contents",
            json!({"spec":{}}),
            json!({"spec":{"strategy":{"rollingUpdate":{"maxSurge":1}}}}),
            (
                json!({}),
                json!({}),
                json!({"f:spec":{"f:strategy":{".":{},"f:rollingUpdate":{".":{},"f:maxSurge":{}}}}}),
            ),
        ),
        (
            "atomic selector is one leaf; int equals float",
            json!({"spec":{"selector":{"matchLabels":{"a":"1"}},"replicas":1}}),
            json!({"spec":{"selector":{"matchLabels":{"a":"2"}},"replicas":1.0}}),
            (json!({}), json!({"f:spec":{"f:selector":{}}}), json!({})),
        ),
        (
            "list items by key",
            json!({"spec":{"template":{"spec":{"containers":[{"name":"a","image":"1"},{"name":"b"}]}}}}),
            json!({"spec":{"template":{"spec":{"containers":[{"name":"c"},{"name":"a","image":"2"}]}}}}),
            (
                json!({"f:spec":{"f:template":{"f:spec":{"f:containers":{"k:{\"name\":\"b\"}":{".":{},"f:name":{}}}}}}}),
                json!({"f:spec":{"f:template":{"f:spec":{"f:containers":{"k:{\"name\":\"a\"}":{"f:image":{}}}}}}}),
                json!({"f:spec":{"f:template":{"f:spec":{"f:containers":{"k:{\"name\":\"c\"}":{".":{},"f:name":{}}}}}}}),
            ),
        ),
        (
            "empty and absent maps are leaves",
            json!({"spec":{"template":{"spec":{"securityContext":{}}}}}),
            json!({"spec":{"template":{"spec":{}}}}),
            (
                json!({"f:spec":{"f:template":{"f:spec":{"f:securityContext":{}}}}}),
                json!({}),
                json!({}),
            ),
        ),
    ];
    for (name, old, new, (removed, modified, added)) in cases {
        let c = compare(Some(&old), Some(&new), &dep);
        assert_eq!(c.removed.to_fields_v1(), removed, "{name}: removed");
        assert_eq!(c.modified.to_fields_v1(), modified, "{name}: modified");
        assert_eq!(c.added.to_fields_v1(), added, "{name}: added");
    }
    assert!(compare(Some(&json!({"a":[1]})), Some(&json!({"a":[1.0]})), &Untyped).is_same());
}

#[test]
fn merges() {
    let dep = deployment();
    let cm = config_map();
    let wid = widget();
    let cases: Vec<(&str, &dyn TypeInfo, Value, Value, Value)> = vec![
        (
            "granular map",
            &cm,
            json!({"data":{"a":"1","b":"2"}}),
            json!({"data":{"b":"3","c":"4"}}),
            json!({"data":{"a":"1","b":"3","c":"4"}}),
        ),
        (
            "empty config map keeps live",
            &cm,
            json!({"data":{"a":"1"}}),
            json!({"data":{}}),
            json!({"data":{"a":"1"}}),
        ),
        (
            "null config map keeps live",
            &cm,
            json!({"data":{"a":"1"}}),
            json!({"data":null}),
            json!({"data":{"a":"1"}}),
        ),
        (
            "null over a scalar",
            &cm,
            json!({"data":{"a":"1"}}),
            json!({"data":{"a":null}}),
            json!({"data":{"a":null}}),
        ),
        (
            "set union",
            &cm,
            json!({"metadata":{"finalizers":["a","b"]}}),
            json!({"metadata":{"finalizers":["c","a"]}}),
            json!({"metadata":{"finalizers":["c","a","b"]}}),
        ),
        (
            "atomic struct and list replaced",
            &dep,
            json!({"spec":{"selector":{"matchLabels":{"a":"1","b":"2"}},"template":{"spec":{"containers":[{"name":"w","command":["x","y"]}]}}}}),
            json!({"spec":{"selector":{"matchLabels":{"a":"1"}},"template":{"spec":{"containers":[{"name":"w","command":["z"]}]}}}}),
            json!({"spec":{"selector":{"matchLabels":{"a":"1"}},"template":{"spec":{"containers":[{"name":"w","command":["z"]}]}}}}),
        ),
        (
            "keyed items: config order, live-only items keep their place, fields merged",
            &dep,
            json!({"spec":{"template":{"spec":{"containers":[{"name":"a","image":"1"},{"name":"x"},{"name":"b","image":"2"}]}}}}),
            json!({"spec":{"template":{"spec":{"containers":[{"name":"b","image":"3"},{"name":"a"},{"name":"c"}]}}}}),
            json!({"spec":{"template":{"spec":{"containers":[{"name":"x"},{"name":"b","image":"3"},{"name":"a","image":"1"},{"name":"c"}]}}}}),
        ),
        (
            "ports keyed by containerPort and defaulted protocol",
            &dep,
            json!({"spec":{"template":{"spec":{"containers":[{"name":"a","ports":[{"containerPort":53,"protocol":"UDP"},{"containerPort":53,"protocol":"TCP","name":"dns"}]}]}}}}),
            json!({"spec":{"template":{"spec":{"containers":[{"name":"a","ports":[{"containerPort":53,"name":"tcp"}]}]}}}}),
            json!({"spec":{"template":{"spec":{"containers":[{"name":"a","ports":[{"containerPort":53,"protocol":"UDP"},{"containerPort":53,"protocol":"TCP","name":"tcp"}]}]}}}}),
        ),
        (
            "untyped list is atomic",
            &wid,
            json!({"spec":{"values":{"l":[1,2],"m":{"a":1}}}}),
            json!({"spec":{"values":{"l":[3],"m":{"b":2}}}}),
            json!({"spec":{"values":{"l":[3],"m":{"a":1,"b":2}}}}),
        ),
        (
            "type mismatch takes the config",
            &cm,
            json!({"data":{"a":"1"}}),
            json!({"data":"x"}),
            json!({"data":"x"}),
        ),
    ];
    for (name, ty, live, config, want) in cases {
        assert_eq!(merge(&live, &config, ty), want, "{name}");
    }
}

#[test]
fn removal() {
    let dep = deployment();
    let obj = json!({"metadata":{"labels":{"a":"1"},"finalizers":["x","y"]},"spec":{"replicas":1,"template":{"spec":{"containers":[{"name":"a","image":"1"},{"name":"b","image":"2"}]}}}});
    let cases = vec![
        (
            json!({"f:spec":{"f:replicas":{}}}),
            json!({"metadata":{"labels":{"a":"1"},"finalizers":["x","y"]},"spec":{"template":{"spec":{"containers":[{"name":"a","image":"1"},{"name":"b","image":"2"}]}}}}),
        ),
        (
            json!({"f:metadata":{"f:labels":{"f:a":{}},"f:finalizers":{"v:\"x\"":{}}}}),
            json!({"metadata":{"finalizers":["y"],"labels":null},"spec":{"replicas":1,"template":{"spec":{"containers":[{"name":"a","image":"1"},{"name":"b","image":"2"}]}}}}),
        ),
        (
            json!({"f:spec":{"f:template":{"f:spec":{"f:containers":{"k:{\"name\":\"a\"}":{},"k:{\"name\":\"b\"}":{"f:image":{}}}}}}}),
            json!({"metadata":{"labels":{"a":"1"},"finalizers":["x","y"]},"spec":{"replicas":1,"template":{"spec":{"containers":[{"name":"b"}]}}}}),
        ),
        (json!({"f:metadata":{},"f:spec":{}}), json!({})),
    ];
    for (set, want) in cases {
        assert_eq!(remove(&obj, &fs(set.clone()), &dep), want, "removing {set}");
    }
}

#[test]
fn ensure_named_fields_marks_declared_fields() {
    let set = fs(
        json!({"f:data":{"f:k":{}},"f:metadata":{"f:labels":{"f:a":{}}},"f:spec":{"f:template":{"f:spec":{"f:containers":{"k:{\"name\":\"a\"}":{"f:image":{}}}}}}}),
    );
    assert_eq!(
        ensure_named_fields(&set, &deployment()).to_fields_v1(),
        json!({"f:data":{"f:k":{}},"f:metadata":{".":{},"f:labels":{".":{},"f:a":{}}},"f:spec":{".":{},"f:template":{".":{},"f:spec":{".":{},"f:containers":{".":{},"k:{\"name\":\"a\"}":{"f:image":{}}}}}}})
    );
}

#[test]
fn reconcile_granular_to_atomic() {
    let dep = deployment();
    let old = fs(json!({"f:spec":{"f:selector":{"f:matchLabels":{"f:app":{}}},"f:replicas":{}}}));
    assert_eq!(
        reconcile_with_schema(&old, &dep).map(|s| s.to_fields_v1()),
        Some(json!({"f:spec":{"f:replicas":{},"f:selector":{}}}))
    );
    let fine = fs(json!({"f:spec":{"f:selector":{},"f:replicas":{}}}));
    assert_eq!(reconcile_with_schema(&fine, &dep), None);
}

#[test]
fn validation_messages() {
    let dep = deployment();
    let cm = config_map();
    let cases: Vec<(&dyn TypeInfo, Value, &str)> = vec![
        (&cm, json!({"spec":{"foo":1}}), ".spec: field not declared in schema"),
        (&dep, json!({"spec":{"foo":1}}), ".spec.foo: field not declared in schema"),
        (&dep, json!({"spec":{"replicas":"2"}}), ".spec.replicas: expected numeric (int or float), got string"),
        (&cm, json!({"data":{"a":1}}), ".data.a: expected string, got &value.valueUnstructured{Value:1}"),
        (&cm, json!({"immutable":"yes"}), ".immutable: expected boolean, got &{yes}"),
        (&cm, json!({"data":[1]}), ".data: expected map, got &{[1]}"),
        (
            &dep,
            json!({"spec":{"template":{"spec":{"containers":[{"name":"a"},{"name":"a"}]}}}}),
            ".spec.template.spec.containers: duplicate entries for key [name=\"a\"]",
        ),
        (
            &dep,
            json!({"spec":{"template":{"spec":{"containers":[{"image":"x"}]}}}}),
            ".spec.template.spec.containers: element 0: associative list with keys has an element that omits all key fields [\"name\"] (and doesn't have default values for any key fields)",
        ),
        (&dep, json!({"spec":{"template":{"spec":{"containers":[null]}}}}), ".spec.template.spec.containers: element 0: associative list with keys may not have a null element"),
        (&cm, json!({"metadata":{"finalizers":[{"a":1}]}}), ".metadata.finalizers: element 0: associative list without keys has an element that's a map type"),
        (
            &dep,
            json!({"spec":{"template":{"spec":{"containers":[{"name":"a","image":1}]}}}}),
            ".spec.template.spec.containers[name=\"a\"].image: expected string, got &value.valueUnstructured{Value:1}",
        ),
        (&cm, json!({"a":1,"b":2}), ".a: field not declared in schema"),
        (&cm, json!({"data":{"a":1},"immutable":1}), "errors:\n  .data.a: expected string, got &value.valueUnstructured{Value:1}\n  .immutable: expected boolean, got &{1}"),
    ];
    for (ty, obj, want) in cases {
        assert_eq!(validate(&obj, ty), Err(want.to_owned()), "{obj}");
    }
    assert_eq!(
        validate(
            &json!({"spec":{"values":{"any":[{"thing":null}]}}}),
            &widget()
        ),
        Ok(())
    );
    assert_eq!(
        validate(&json!({"data":null,"metadata":{"labels":{"a":"b"}}}), &cm),
        Ok(())
    );
}

#[test]
fn deep_and_garbage_values_never_panic() {
    let deep = super::fieldset_tests::nest("a", super::MAX_DEPTH + 50);
    let typed: Vec<Box<dyn TypeInfo>> = vec![
        Box::new(Untyped),
        Box::new(widget()),
        Box::new(deployment()),
    ];
    for ty in &typed {
        for v in [
            &deep,
            &json!(null),
            &json!([1, {"a": []}]),
            &json!("x"),
            &json!({"spec": [null, 1]}),
        ] {
            let set = field_set(v, &**ty);
            let _ = compare(Some(v), Some(&deep), &**ty);
            let _ = merge(v, &deep, &**ty);
            let _ = merge(&deep, v, &**ty);
            let _ = remove(v, &set, &**ty);
            let _ = validate(v, &**ty);
            let _ = ensure_named_fields(&set, &**ty);
            let _ = reconcile_with_schema(&set, &**ty);
            assert_eq!(
                FieldSet::from_fields_v1(&set.to_fields_v1()).ok(),
                Some(set)
            );
        }
    }
    assert!(validate(&deep, &Untyped).is_err());
}
