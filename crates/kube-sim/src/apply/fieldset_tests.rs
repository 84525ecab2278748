//! Field sets: FieldsV1 encoding and decoding, path rendering, set algebra.

use serde_json::{json, Value};

use super::{path_string, FieldSet, PathElement};

fn f(name: &str) -> PathElement {
    PathElement::field(name)
}

fn k(fields: Value) -> PathElement {
    match fields {
        Value::Object(m) => PathElement::key(m.into_iter().collect()),
        _ => PathElement::key(Vec::new()),
    }
}

/// `{key: {key: ... {}}}`, `depth` levels, built without cloning.
pub(super) fn nest(key: &str, depth: usize) -> Value {
    let mut v = json!({});
    for _ in 0..depth {
        let mut m = serde_json::Map::new();
        m.insert(key.to_owned(), v);
        v = Value::Object(m);
    }
    v
}

fn set(fields_v1: Value) -> FieldSet {
    FieldSet::from_fields_v1(&fields_v1).unwrap()
}

/// The recorded Deployment create of §2.8.
fn recorded_deployment() -> Value {
    json!({"f:spec":{"f:progressDeadlineSeconds":{},"f:replicas":{},"f:revisionHistoryLimit":{},"f:selector":{},
     "f:strategy":{"f:rollingUpdate":{".":{},"f:maxSurge":{},"f:maxUnavailable":{}},"f:type":{}},
     "f:template":{"f:metadata":{"f:labels":{".":{},"f:app":{}}},
      "f:spec":{"f:containers":{"k:{\"name\":\"web\"}":{".":{},"f:image":{},"f:imagePullPolicy":{},"f:name":{},"f:resources":{},"f:terminationMessagePath":{},"f:terminationMessagePolicy":{}}},
       "f:dnsPolicy":{},"f:restartPolicy":{},"f:schedulerName":{},"f:securityContext":{},"f:terminationGracePeriodSeconds":{}}}}})
}

#[test]
fn fields_v1_round_trips() {
    let cases = [
        recorded_deployment(),
        json!({"f:data":{"f:k":{}}}),
        json!({"f:metadata":{"f:finalizers":{".":{},"v:\"example.com/hold\"":{}}}}),
        json!({"f:spec":{"f:ports":{"k:{\"containerPort\":53,\"protocol\":\"TCP\"}":{".":{},"f:containerPort":{},"f:protocol":{}}}}}),
        json!({"f:status":{"f:conditions":{"k:{\"type\":\"Established\"}":{".":{},"f:status":{}}}}}),
        json!({"f:args":{"i:0":{},"i:10":{}}}),
        json!({}),
    ];
    for fields in cases {
        let s = set(fields.clone());
        assert_eq!(s.to_fields_v1(), fields, "round trip of {fields}");
        assert_eq!(FieldSet::from_fields_v1(&s.to_fields_v1()).unwrap(), s);
    }
}

#[test]
fn decoding_builds_members_and_children() {
    let s = set(recorded_deployment());
    let web = k(json!({"name": "web"}));
    let containers = [f("spec"), f("template"), f("spec"), f("containers")];
    let item: Vec<_> = containers.iter().cloned().chain([web.clone()]).collect();
    assert!(s.has(&item), "list item is a member (\".\")");
    let image: Vec<_> = item.iter().cloned().chain([f("image")]).collect();
    assert!(s.has(&image));
    assert!(!s.has(&containers), "containers itself is not owned");
    assert!(
        s.has(&[f("spec"), f("selector")]),
        "atomic selector is a leaf"
    );
    assert!(!s.has(&[f("spec")]));
    assert_eq!(s.len(), 22);
}

#[test]
fn path_rendering() {
    let cases: Vec<(Vec<PathElement>, &str)> = vec![
        (vec![f("data"), f("k")], ".data.k"),
        (
            vec![
                f("spec"),
                f("template"),
                f("spec"),
                f("containers"),
                k(json!({"name": "web"})),
                f("image"),
            ],
            ".spec.template.spec.containers[name=\"web\"].image",
        ),
        (
            vec![
                f("metadata"),
                f("finalizers"),
                PathElement::Value(json!("x")),
            ],
            ".metadata.finalizers[=\"x\"]",
        ),
        (
            vec![
                f("ports"),
                k(json!({"protocol": "TCP", "containerPort": 53})),
            ],
            ".ports[containerPort=53,protocol=\"TCP\"]",
        ),
        (vec![f("args"), PathElement::Index(3)], ".args[3]"),
        (
            vec![f("m"), k(json!({"a": 1.5, "b": true, "c": null}))],
            ".m[a=1.5,b=true,c=null]",
        ),
        (
            vec![f("q"), PathElement::Value(json!("a\"b\n"))],
            ".q[=\"a\\\"b\\n\"]",
        ),
    ];
    for (path, want) in cases {
        assert_eq!(path_string(&path), want);
    }
}

#[test]
fn keys_are_written_as_go_does() {
    let pe = k(json!({"name": "a<b&c>", "port": 80}));
    assert_eq!(
        pe.to_fields_v1_key(),
        "k:{\"name\":\"a\\u003cb\\u0026c\\u003e\",\"port\":80}"
    );
    assert_eq!(
        PathElement::Value(json!(1.5e21)).to_fields_v1_key(),
        "v:1.5e+21"
    );
    assert_eq!(PathElement::Value(json!(true)).to_fields_v1_key(), "v:true");
    // Decoding sorts key fields by name.
    let decoded =
        PathElement::from_fields_v1_key("k:{\"protocol\":\"TCP\",\"containerPort\":53}").unwrap();
    assert_eq!(
        decoded,
        Some(k(json!({"containerPort": 53, "protocol": "TCP"})))
    );
    assert_eq!(PathElement::from_fields_v1_key("x:whatever").unwrap(), None);
}

#[test]
fn decoding_edge_cases() {
    // Unknown element types are skipped; a node left without children is a leaf.
    assert_eq!(
        set(json!({"f:a":{"x:y":{}}})),
        FieldSet::from_paths([[f("a")].as_slice()])
    );
    // `null` nodes are leaves, a `null` document is empty.
    assert_eq!(
        set(json!({"f:a": null})),
        FieldSet::from_paths([[f("a")].as_slice()])
    );
    assert!(set(Value::Null).is_empty());
    // A node with only "." is a leaf.
    assert_eq!(
        set(json!({"f:a":{".":{}}})).to_fields_v1(),
        json!({"f:a":{}})
    );

    let bad = [
        json!({"f:a": 1}),
        json!({"a": {}}),
        json!({"fx": {}}),
        json!({"k:{bad": {}}),
        json!({"k:[1]": {}}),
        json!({"v:1 2": {}}),
        json!({"i:x": {}}),
        json!([1]),
        json!("s"),
    ];
    for fields in bad {
        assert!(
            FieldSet::from_fields_v1(&fields).is_err(),
            "{fields} must not decode"
        );
    }
}

#[test]
fn deep_fields_v1_is_an_error_not_a_crash() {
    // Beyond the limit: an error. (Building and dropping a value this deep needs more
    // stack than a test thread has, in `serde_json` itself, hence the big thread.)
    let deep = std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(|| {
            let v = nest("f:a", 5000);
            FieldSet::from_fields_v1(&v).is_err()
        })
        .unwrap()
        .join()
        .unwrap();
    assert!(deep);
    // Up to the limit, on a default test thread.
    let s = set(nest("f:a", super::MAX_DEPTH));
    assert_eq!(s.len(), 1);
    assert_eq!(FieldSet::from_fields_v1(&s.to_fields_v1()).unwrap(), s);
}

#[test]
fn set_algebra() {
    let a = set(json!({"f:data":{"f:k":{},"f:l":{}},"f:metadata":{"f:labels":{".":{},"f:x":{}}}}));
    let b = set(json!({"f:data":{"f:l":{},"f:m":{}},"f:metadata":{"f:labels":{}}}));
    assert_eq!(
        a.union(&b).to_fields_v1(),
        json!({"f:data":{"f:k":{},"f:l":{},"f:m":{}},"f:metadata":{"f:labels":{".":{},"f:x":{}}}})
    );
    assert_eq!(
        a.intersection(&b).to_fields_v1(),
        json!({"f:data":{"f:l":{}},"f:metadata":{"f:labels":{}}})
    );
    // Difference is path by path: dropping `labels` keeps `labels.x`.
    assert_eq!(
        a.difference(&b).to_fields_v1(),
        json!({"f:data":{"f:k":{}},"f:metadata":{"f:labels":{"f:x":{}}}})
    );
    // Recursive difference drops the subtree of `labels` too.
    assert_eq!(
        a.recursive_difference(&b).to_fields_v1(),
        json!({"f:data":{"f:k":{}}})
    );
    assert!(a.difference(&a).is_empty());
    assert_eq!(a.difference(&a).to_fields_v1(), json!({}));
}

#[test]
fn iteration_order_is_upstreams() {
    let s = set(
        json!({"f:spec":{"f:template":{"f:x":{}},"f:replicas":{},"f:a":{"f:b":{}}},"f:data":{"f:k":{}}}),
    );
    assert_eq!(
        s.to_path_strings(),
        [".data.k", ".spec.replicas", ".spec.a.b", ".spec.template.x"]
    );
}

#[test]
fn element_order_is_field_key_value_index() {
    let mut elements = [
        PathElement::Index(0),
        PathElement::Value(json!("b")),
        PathElement::Value(json!(2)),
        k(json!({"name": "z"})),
        f("b"),
        f("a"),
        PathElement::Value(json!(1.5)),
    ];
    elements.sort();
    let rendered: Vec<String> = elements.iter().map(ToString::to_string).collect();
    assert_eq!(
        rendered,
        [
            ".a",
            ".b",
            "[name=\"z\"]",
            "[=1.5]",
            "[=2]",
            "[=\"b\"]",
            "[0]"
        ]
    );
    assert_eq!(PathElement::Value(json!(1)), PathElement::Value(json!(1.0)));
}
