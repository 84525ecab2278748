use serde_json::{json, Value};

use super::super::test_support::{hr_crd, ks_crd, lines, oci_crd, schema_of};
use super::super::{apply_defaults, invalid_message, prune};
use super::*;

fn oci(spec: Value) -> Value {
    json!({"apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "OCIRepository",
           "metadata": {"name": "podinfo", "namespace": "flux-system"}, "spec": spec})
}

fn ks(spec: Value) -> Value {
    json!({"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization",
           "metadata": {"name": "apps", "namespace": "flux-system"}, "spec": spec})
}

fn hr(spec: Value) -> Value {
    json!({"apiVersion": "helm.toolkit.fluxcd.io/v2", "kind": "HelmRelease",
           "metadata": {"name": "podinfo", "namespace": "default"}, "spec": spec})
}

/// Runs the write pipeline (prune, default, validate) like the apiserver.
fn pipeline(mut obj: Value, schema: &Value) -> Vec<String> {
    prune(&mut obj, schema);
    apply_defaults(&mut obj, schema);
    lines(&validate(&obj, schema))
}

fn ks_spec() -> Value {
    json!({"interval": "10m", "prune": true, "sourceRef": {"kind": "OCIRepository", "name": "podinfo"}})
}

fn hr_chart() -> Value {
    json!({"spec": {"chart": "podinfo", "sourceRef": {"kind": "HelmRepository", "name": "podinfo"}}})
}

#[test]
fn flux_objects() {
    let oci_s = schema_of(&oci_crd());
    let ks_s = schema_of(&ks_crd());
    let hr_s = schema_of(&hr_crd());
    let kubeconfig_msg = "exactly one of spec.kubeConfig.configMapRef or spec.kubeConfig.secretRef must be specified";
    let mut ks_empty_kc = ks_spec();
    ks_empty_kc["kubeConfig"] = json!({});
    let mut ks_both_kc = ks_spec();
    ks_both_kc["kubeConfig"] = json!({"configMapRef": {"name": "a"}, "secretRef": {"name": "b"}});
    let mut ks_secret_kc = ks_spec();
    ks_secret_kc["kubeConfig"] = json!({"secretRef": {"name": "b"}});
    let mut ks_long = ks_spec();
    ks_long["targetNamespace"] = json!("a".repeat(64));
    ks_long["namePrefix"] = json!("");
    let cases: Vec<(&str, Value, &Value, Vec<String>)> = vec![
        ("valid oci", oci(json!({"interval": "5m", "url": "oci://ghcr.io/x"})), &oci_s, vec![]),
        (
            "url pattern",
            oci(json!({"interval": "5m", "url": "http://x"})),
            &oci_s,
            vec![r#"spec.url: Invalid value: "http://x": spec.url in body should match '^oci://.*$'"#.into()],
        ),
        ("missing required", oci(json!({"interval": "5m"})), &oci_s, vec!["spec.url: Required value".into()]),
        (
            "enum",
            oci(json!({"interval": "5m", "url": "oci://x", "provider": "foo"})),
            &oci_s,
            vec![r#"spec.provider: Unsupported value: "foo": supported values: "generic", "aws", "azure", "gcp""#.into()],
        ),
        (
            "wrong type",
            oci(json!({"interval": "5m", "url": "oci://x", "insecure": "yes"})),
            &oci_s,
            vec![r#"spec.insecure: Invalid value: "string": spec.insecure in body must be of type boolean: "string""#.into()],
        ),
        (
            "duration pattern",
            oci(json!({"interval": "5 minutes", "url": "oci://x"})),
            &oci_s,
            vec![r#"spec.interval: Invalid value: "5 minutes": spec.interval in body should match '^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$'"#.into()],
        ),
        (
            "status conditions",
            json!({"apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "OCIRepository", "metadata": {"name": "p"},
                   "spec": {"interval": "5m", "url": "oci://x"},
                   "status": {"artifact": {"digest": "sha256:abc", "lastUpdateTime": "x", "path": "p", "revision": "r", "url": "u"},
                              "conditions": [{"type": "Ready", "status": "Maybe", "reason": "Ok", "message": "",
                                              "lastTransitionTime": "2024-01-01T00:00:00Z", "observedGeneration": -1}]}}),
            &oci_s,
            vec![
                r#"status.artifact.lastUpdateTime: Invalid value: "x": status.artifact.lastUpdateTime in body must be of type date-time: "x""#.into(),
                "status.conditions[0].observedGeneration: Invalid value: -1: status.conditions[0].observedGeneration in body should be greater than or equal to 0".into(),
                r#"status.conditions[0].status: Unsupported value: "Maybe": supported values: "True", "False", "Unknown""#.into(),
            ],
        ),
        ("valid ks", ks(ks_spec()), &ks_s, vec![]),
        (
            "too long / too short",
            ks(ks_long),
            &ks_s,
            vec![
                r#"spec.namePrefix: Invalid value: "": spec.namePrefix in body should be at least 1 chars long"#.into(),
                "spec.targetNamespace: Too long: may not be more than 63 bytes".into(),
                "<nil>: Invalid value: null: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation".into(),
            ],
        ),
        ("kubeConfig empty", ks(ks_empty_kc), &ks_s, vec![format!(r#"spec.kubeConfig: Invalid value: "object": {kubeconfig_msg}"#)]),
        ("kubeConfig both", ks(ks_both_kc), &ks_s, vec![format!(r#"spec.kubeConfig: Invalid value: "object": {kubeconfig_msg}"#)]),
        ("kubeConfig one", ks(ks_secret_kc), &ks_s, vec![]),
        ("valid hr", hr(json!({"interval": "5m", "chart": hr_chart()})), &hr_s, vec![]),
        ("hr chartRef", hr(json!({"interval": "5m", "chartRef": {"kind": "OCIRepository", "name": "p"}})), &hr_s, vec![]),
        (
            "hr neither",
            hr(json!({"interval": "5m"})),
            &hr_s,
            vec![r#"spec: Invalid value: "object": either chart or chartRef must be set"#.into()],
        ),
        (
            "hr both",
            hr(json!({"interval": "5m", "chart": hr_chart(), "chartRef": {"kind": "OCIRepository", "name": "p"}})),
            &hr_s,
            vec![r#"spec: Invalid value: "object": either chart or chartRef must be set"#.into()],
        ),
        (
            "hr nested rule",
            hr(json!({"interval": "5m", "chart": hr_chart(),
                      "install": {"strategy": {"name": "RemediateOnFailure", "retryInterval": "1m"}},
                      "upgrade": {"strategy": {"name": "RetryOnFailure", "retryInterval": "1m"}}})),
            &hr_s,
            vec![r#"spec.install.strategy: Invalid value: "object": .retryInterval cannot be set when .name is 'RemediateOnFailure'"#.into()],
        ),
        (
            "hr blocking error skips CEL",
            hr(json!({})),
            &hr_s,
            vec![
                "spec.interval: Required value".into(),
                "<nil>: Invalid value: null: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation".into(),
            ],
        ),
        (
            "hr values preserved",
            hr(json!({"interval": "5m", "chart": hr_chart(), "values": {"any": {"thing": [1, "x"]}}})),
            &hr_s,
            vec![],
        ),
    ];
    for (name, obj, schema, want) in cases {
        assert_eq!(pipeline(obj, schema), want, "case {name}");
    }
}

#[test]
fn message_formats() {
    let schema = json!({"type": "object", "properties": {"spec": {"type": "object", "properties": {
        "items": {"type": "array", "maxItems": 3, "minItems": 1, "items": {"type": "string"}},
        "prop4": {"x-kubernetes-int-or-string": true},
        "n": {"type": "number", "maximum": 1.5, "exclusiveMaximum": true, "multipleOf": 0.5},
        "i": {"type": "integer", "format": "int32", "minimum": 2},
        "labels": {"type": "object", "additionalProperties": {"type": "string", "maxLength": 2}},
        "closed": {"type": "object", "additionalProperties": false},
        "e": {"type": "integer", "enum": [1, 2]},
        "ne": {"type": "string", "nullable": true, "enum": ["a"]},
        "big": {"type": "object", "maxProperties": 1},
        "set": {"type": "array", "x-kubernetes-list-type": "set", "items": {"type": "string"}},
        "map": {"type": "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"],
                "items": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}, "v": {"type": "integer"}}}},
        "emb": {"type": "object", "x-kubernetes-embedded-resource": true, "x-kubernetes-preserve-unknown-fields": true}
    }}}});
    let cases: Vec<(Value, Vec<&str>)> = vec![
        (
            json!({"items": ["a", "b", "c", "d"]}),
            vec!["spec.items: Too many: 4: must have at most 3 items"],
        ),
        (
            json!({"items": []}),
            vec!["spec.items: Invalid value: 0: spec.items in body should have at least 1 items"],
        ),
        (
            json!({"items": [1]}),
            vec![
                r#"spec.items[0]: Invalid value: "integer": spec.items[0] in body must be of type string: "integer""#,
            ],
        ),
        (
            json!({"prop4": true}),
            vec![
                r#"spec.prop4: Invalid value: "boolean": spec.prop4 in body must be of type integer,string: "boolean""#,
            ],
        ),
        (json!({"prop4": "50%"}), vec![]),
        (json!({"prop4": 3}), vec![]),
        (
            json!({"n": 1.5}),
            vec!["spec.n: Invalid value: 1.5: spec.n in body should be less than 1.5"],
        ),
        (
            json!({"n": 0.7}),
            vec!["spec.n: Invalid value: 0.7: spec.n in body should be a multiple of 0.5"],
        ),
        (
            json!({"i": 1}),
            vec!["spec.i: Invalid value: 1: spec.i in body should be greater than or equal to 2"],
        ),
        (
            json!({"i": 2.5}),
            vec![
                r#"spec.i: Invalid value: "float64": spec.i in body must be of type int32: "float64""#,
            ],
        ),
        (json!({"i": 3.0}), vec![]),
        (
            json!({"labels": {"a.b/c": "long"}}),
            vec!["spec.labels.a.b/c: Too long: may not be more than 2 bytes"],
        ),
        (
            json!({"closed": {"x": 1}}),
            vec![
                r#"spec.closed: Invalid value: "x": spec.closed.x in body is a forbidden property"#,
            ],
        ),
        (
            json!({"e": 3}),
            vec![r#"spec.e: Unsupported value: 3: supported values: "1", "2""#],
        ),
        (json!({"e": 2.0}), vec![]),
        (
            json!({"ne": null}),
            vec![r#"spec.ne: Unsupported value: null: supported values: "a""#],
        ),
        (
            json!({"big": {"a": 1, "b": 2}}),
            vec!["spec.big: Too many: 2: must have at most 1 item"],
        ),
        (
            json!({"set": ["a", "b", "a", "a"]}),
            vec![r#"spec.set[2]: Duplicate value: "a""#],
        ),
        (
            json!({"map": [{"name": "a"}, {"name": "b"}, {"name": "a", "v": 1}]}),
            vec![r#"spec.map[2]: Duplicate value: {"name":"a"}"#],
        ),
        (
            json!({"map": [{"name": "a"}, 1]}),
            vec![
                r#"spec.map[1]: Invalid value: "integer": spec.map[1] in body must be of type object: "integer""#,
                "spec.map[1]: Invalid value: 1: must be an object for an array of list-type map",
            ],
        ),
        (
            json!({"emb": {"metadata": {"name": "a/b"}}}),
            vec![
                "spec.emb.apiVersion: Required value",
                "spec.emb.kind: Required value",
                r#"spec.emb.metadata.name: Invalid value: "a/b": may not contain '/'"#,
            ],
        ),
        (
            json!({"emb": {"apiVersion": "v1", "kind": "Config_Map"}}),
            vec![
                r#"spec.emb.kind: Invalid value: "Config_Map": may have mixed case, but should otherwise match: a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"#,
            ],
        ),
    ];
    for (spec, want) in cases {
        let obj = json!({"spec": spec});
        assert_eq!(lines(&validate(&obj, &schema)), want, "spec {spec}");
    }
}

#[test]
fn root_and_composite_errors() {
    let schema = json!({"type": "object", "properties": {"spec": {"type": "object", "properties": {
        "x": {"type": "string", "anyOf": [{"pattern": "^a"}, {"pattern": "^b"}]},
        "p": {"type": "string", "pattern": "("}
    }}}});
    let got = lines(&validate(&json!({"spec": {"x": "c"}}), &schema));
    assert_eq!(
        got[0],
        r#"<nil>: Invalid value: "": "spec.x" must validate at least one schema (anyOf)"#
    );
    assert_eq!(
        got[1],
        r#"spec.x: Invalid value: "c": spec.x in body should match '^a'"#
    );
    let got = lines(&validate(&json!({"spec": {"p": "c"}}), &schema));
    assert_eq!(
        got,
        vec![
            r#"spec.p: Invalid value: "c": spec.p in body should match '(, but pattern is invalid: error parsing regexp: missing closing ): `(`'"#
        ]
    );
    let got = lines(&validate(&json!([1]), &schema));
    assert_eq!(
        got,
        vec![r#"<nil>: Invalid value: "array":  in body must be of type object: "array""#]
    );
}

#[test]
fn invalid_message_joins() {
    let schema = schema_of(&hr_crd());
    let causes = validate(&hr(json!({"interval": 5, "chart": {"spec": {}}})), &schema);
    let msg = invalid_message("HelmRelease.helm.toolkit.fluxcd.io", "podinfo", &causes);
    assert_eq!(
        msg,
        r#"HelmRelease.helm.toolkit.fluxcd.io "podinfo" is invalid: [spec.chart.spec.chart: Required value, spec.chart.spec.sourceRef: Required value, spec.interval: Invalid value: "integer": spec.interval in body must be of type string: "integer", <nil>: Invalid value: null: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation]"#
    );
    let single = validate(&hr(json!({"interval": "5m"})), &schema);
    assert_eq!(single[0].reason, "FieldValueInvalid");
    assert_eq!(single[0].field, "spec");
    assert_eq!(
        single[0].message,
        r#"Invalid value: "object": either chart or chartRef must be set"#
    );
    assert_eq!(invalid_message("X.g", "n", &[]), r#"X.g "n" is invalid"#);
}

#[test]
fn cel_rule_features() {
    let rules = json!([
        {"rule": "self.a > 0", "fieldPath": ".a", "reason": "FieldValueForbidden", "message": "a must be positive"},
        {"rule": "self.b.size() <= 2", "messageExpression": "'b has ' + string(self.b.size()) + ' items'"},
        {"rule": "self.c == 'x'"},
        {"rule": "self.missing == 'x'"},
        {"rule": "!has(self.d) || self.d in ['p', \"q\"]", "reason": "FieldValueRequired", "message": "bad d"}
    ]);
    let schema = json!({"type": "object", "properties": {"spec": {"type": "object", "x-kubernetes-validations": rules,
        "properties": {"a": {"type": "integer"}, "b": {"type": "array", "items": {"type": "string"}},
                       "c": {"type": "string"}, "d": {"type": "string"}, "missing": {"type": "string"}}}}});
    let obj = json!({"spec": {"a": 0, "b": ["1", "2", "3"], "c": "y", "d": "z"}});
    assert_eq!(
        lines(&validate(&obj, &schema)),
        vec![
            "spec.a: Forbidden: a must be positive",
            r#"spec: Invalid value: "object": b has 3 items"#,
            r#"spec: Invalid value: "object": failed rule: self.c == 'x'"#,
            r#"spec: Invalid value: "object": no such key: missing evaluating rule: self.missing == 'x'"#,
            "spec: Required value: bad d",
        ]
    );
}

#[test]
fn transition_rules_and_message_expression_failures() {
    let schema = json!({"type": "object", "properties": {"spec": {"type": "object",
    "properties": {"a": {"type": "string"}},
    "x-kubernetes-validations": [
        {"rule": "self.a == oldSelf.a", "message": "immutable"},
        {"rule": "self.a == 'x'", "messageExpression": "'bad\\n' + self.a"},
        {"rule": "self.a == 'y'"}
    ]}}});
    let got = lines(&validate(&json!({"spec": {"a": "z"}}), &schema));
    assert_eq!(
        got,
        vec![r#"spec: Invalid value: "object": messageExpression should not contain line breaks"#]
    );
}

#[test]
fn deep_inputs_are_bounded() {
    let mut schema = json!({"type": "string"});
    let mut obj = json!("leaf");
    for _ in 0..400 {
        schema = json!({"type": "object", "properties": {"a": schema}, "x-kubernetes-validations": [{"rule": "has(self.a)"}]});
        obj = json!({"a": obj});
    }
    let mut copy = obj.clone();
    let _ = prune(&mut copy, &schema);
    apply_defaults(&mut copy, &schema);
    let _ = validate(&obj, &schema);
    let mut crd = json!({"metadata": {"name": "ws.example.com"}, "spec": {"group": "example.com", "scope": "Cluster",
        "names": {"plural": "ws", "kind": "W"}, "versions": [{"name": "v1", "served": true, "storage": true,
        "schema": {"openAPIV3Schema": schema}}]}});
    super::super::default_crd(&mut crd);
    let _ = super::super::validate_crd(&crd);
}

#[test]
fn status_subresource_validation() {
    let schema = schema_of(&oci_crd());
    let obj = oci(json!({"interval": "bad", "url": "oci://x"}));
    let mut with_status = obj.clone();
    with_status["status"] = json!({"conditions": [{"type": "Ready", "status": "True", "reason": "", "message": "",
        "lastTransitionTime": "2024-01-01T00:00:00Z"}]});
    assert_eq!(
        lines(&super::validate_status(&with_status, &schema)),
        vec![
            r#"status.conditions[0].reason: Invalid value: "": conditions[0].reason in body should be at least 1 chars long"#
        ]
    );
    assert!(super::validate_status(&obj, &schema).is_empty());
}

/// Replaces every node of `v` (one at a time) with values of other JSON
/// types and runs the whole pipeline: nothing may panic.
#[test]
fn mutated_objects_never_panic() {
    fn paths(v: &Value, prefix: String, out: &mut Vec<String>) {
        out.push(prefix.clone());
        match v {
            Value::Object(m) => m
                .iter()
                .for_each(|(k, x)| paths(x, format!("{prefix}/{k}"), out)),
            Value::Array(a) => a
                .iter()
                .enumerate()
                .for_each(|(i, x)| paths(x, format!("{prefix}/{i}"), out)),
            _ => {}
        }
    }
    let hr_s = schema_of(&hr_crd());
    let base = hr(
        json!({"interval": "5m", "chart": hr_chart(), "install": {"strategy": {"name": "RetryOnFailure"}},
                         "kubeConfig": {"secretRef": {"name": "k"}}, "values": {"a": [1]}}),
    );
    let mut all = Vec::new();
    paths(&base, String::new(), &mut all);
    let replacements = [
        json!(null),
        json!(-1),
        json!(1.5),
        json!("x"),
        json!(true),
        json!([]),
        json!([null]),
        json!({}),
        json!({"zz": 1}),
    ];
    for p in &all {
        for r in &replacements {
            let mut obj = base.clone();
            if p.is_empty() {
                obj = r.clone();
            } else if let Some(slot) = obj.pointer_mut(p) {
                *slot = r.clone();
            }
            let _ = pipeline(obj, &hr_s);
        }
    }
}
