use serde_json::json;

use super::super::test_support::{hr_crd, ks_crd, lines, oci_crd};
use super::*;

#[test]
fn flux_crds_are_valid() {
    for mut crd in [oci_crd(), ks_crd(), hr_crd()] {
        default_crd(&mut crd);
        let causes = validate_crd(&crd);
        assert!(
            causes.is_empty(),
            "{}: {:#?}",
            crd["metadata"]["name"],
            lines(&causes)
        );
    }
}

fn crd_with(schema: serde_json::Value) -> serde_json::Value {
    let mut crd = json!({
        "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": {"name": "widgets.example.com"},
        "spec": {"group": "example.com", "scope": "Namespaced",
                 "names": {"plural": "widgets", "kind": "Widget"},
                 "versions": [{"name": "v1", "served": true, "storage": true, "schema": {"openAPIV3Schema": schema},
                               "subresources": {"status": {}}}]}
    });
    default_crd(&mut crd);
    crd
}

fn spec_schema(spec: serde_json::Value) -> serde_json::Value {
    json!({"type": "object", "properties": {"spec": spec}})
}

#[test]
fn defaults_are_filled() {
    let crd = crd_with(json!({"type": "object"}));
    assert_eq!(crd["spec"]["names"]["singular"], "widget");
    assert_eq!(crd["spec"]["names"]["listKind"], "WidgetList");
    assert_eq!(crd["spec"]["conversion"], json!({"strategy": "None"}));
    assert_eq!(crd["status"]["storedVersions"], json!(["v1"]));
    assert!(
        validate_crd(&crd).is_empty(),
        "{:?}",
        lines(&validate_crd(&crd))
    );
}

#[test]
fn crd_object_errors() {
    let p = "spec.validation.openAPIV3Schema";
    let cases: Vec<(serde_json::Value, Vec<String>)> = vec![
        (
            {
                let mut c = crd_with(json!({"type": "object"}));
                c["metadata"]["name"] = json!("widgets.other.com");
                c["spec"]["scope"] = json!("Global");
                c
            },
            vec![
                r#"metadata.name: Invalid value: "widgets.other.com": must be spec.names.plural+"."+spec.group"#.into(),
                r#"spec.scope: Unsupported value: "Global": supported values: "Cluster", "Namespaced""#.into(),
            ],
        ),
        (
            {
                let mut c = crd_with(json!({"type": "object"}));
                c["spec"]["versions"][0]["storage"] = json!(false);
                c["status"] = json!({});
                c
            },
            vec![
                r#"spec.versions: Invalid value: [{"name":"v1","schema":{"openAPIV3Schema":{"type":"object"}},"served":true,"storage":false,"subresources":{"status":{}}}]: must have exactly one version marked as storage version"#.into(),
                "status.storedVersions: Invalid value: []: must have at least one stored version".into(),
            ],
        ),
        (
            crd_with(spec_schema(json!({"properties": {"a": {"type": "string"}}}))),
            vec![format!("{p}.properties[spec].type: Required value: must not be empty for specified object fields")],
        ),
        (
            crd_with(spec_schema(json!({"type": "object", "properties": {"u": {"type": "string", "pattern": "^(oci"}}}))),
            vec![format!("{p}.properties[spec].properties[u].pattern: Invalid value: \"^(oci\": must be a valid regular expression, but isn't: error parsing regexp: missing closing ): `^(oci`")],
        ),
        (
            crd_with(spec_schema(json!({"type": "object", "properties": {"p": {"type": "string", "enum": ["a"], "default": "b"}}}))),
            vec![format!(r#"{p}.properties[spec].properties[p].default: Unsupported value: "b": supported values: "a""#)],
        ),
        (
            crd_with(spec_schema(json!({"type": "object", "default": {"x": 1}, "properties": {"y": {"type": "string"}}}))),
            vec![format!(r#"{p}.properties[spec].default: Invalid value: {{"x":1}}: must not have unknown fields"#)],
        ),
        (
            crd_with(spec_schema(json!({"type": "object", "x-kubernetes-validations": [{"rule": "self.foo ==", "message": "m"}]}))),
            vec![format!("{p}.properties[spec].x-kubernetes-validations[0].rule: Invalid value: {{\"rule\":\"self.foo ==\",\"message\":\"m\"}}: compilation failed: ERROR: <input>:1:12: Syntax error: mismatched input '<EOF>' expecting an expression\n | self.foo ==\n | ...........^")],
        ),
        (
            crd_with(spec_schema(json!({"type": "object", "x-kubernetes-validations": [{"rule": "self.foo == 'x'"}]}))),
            vec![format!("{p}.properties[spec].x-kubernetes-validations[0].rule: Invalid value: {{\"rule\":\"self.foo == 'x'\"}}: compilation failed: ERROR: <input>:1:5: undefined field 'foo'\n | self.foo == 'x'\n | ....^")],
        ),
        (
            crd_with(spec_schema(json!({"type": "object", "x-kubernetes-validations": [{"rule": " ", "reason": "Bad"}]}))),
            vec![
                format!("{p}.properties[spec].x-kubernetes-validations[0].rule: Required value: rule is not specified"),
                format!(r#"{p}.properties[spec].x-kubernetes-validations[0].reason: Unsupported value: "Bad": supported values: "FieldValueDuplicate", "FieldValueForbidden", "FieldValueInvalid", "FieldValueRequired""#),
            ],
        ),
        (
            json!({"type": "object", "properties": {"metadata": {"type": "object", "properties": {"labels": {"type": "object"}}}}}),
            vec![format!("{p}.properties[metadata]: Forbidden: must not specify anything other than name and generateName, but metadata is implicitly specified")],
        ),
        (
            crd_with(spec_schema(json!({"type": "object", "properties": {"a": {"type": "string"}}, "additionalProperties": {"type": "string"}}))),
            vec![format!("{p}.properties[spec].additionalProperties: Forbidden: additionalProperties and properties are mutual exclusive")],
        ),
        (
            crd_with(spec_schema(json!({"type": "array", "x-kubernetes-list-type": "map", "items": {"type": "object", "properties": {"name": {"type": "string"}}}}))),
            vec![format!("{p}.properties[spec].x-kubernetes-list-map-keys: Required value: must not be empty if x-kubernetes-list-type is map")],
        ),
        (
            crd_with(json!({"type": "object", "enum": [{}]})),
            vec![r#"spec.validation.openAPIV3Schema: Invalid value: {"enum":[{}],"type":"object"}: only [Description Type Format Title Maximum ExclusiveMaximum Minimum ExclusiveMinimum MaxLength MinLength Pattern MaxItems MinItems UniqueItems MultipleOf Required Items Properties ExternalDocs Example XPreserveUnknownFields XValidations] fields are allowed at the root of the schema if the status subresource is enabled"#.into()],
        ),
        (
            crd_with(spec_schema(json!({"type": "object", "properties": {"x": {"type": "string", "anyOf": [{"type": "string"}]}}}))),
            vec![format!("{p}.properties[spec].properties[x].anyOf[0].type: Forbidden: must be empty to be structural")],
        ),
    ];
    for (crd, want) in cases {
        let crd = if crd.get("spec").is_some() {
            crd
        } else {
            crd_with(crd)
        };
        assert_eq!(lines(&validate_crd(&crd)), want);
    }
}

#[test]
fn per_version_paths_when_schemas_differ() {
    let mut crd = crd_with(spec_schema(json!({"properties": {}})));
    let mut v2 = crd["spec"]["versions"][0].clone();
    v2["name"] = json!("v2");
    v2["storage"] = json!(false);
    v2["schema"]["openAPIV3Schema"] = json!({"type": "object"});
    crd["spec"]["versions"]
        .as_array_mut()
        .expect("versions")
        .push(v2);
    assert_eq!(
        lines(&validate_crd(&crd)),
        vec!["spec.versions[0].schema.openAPIV3Schema.properties[spec].type: Required value: must not be empty for specified object fields"]
    );
}

#[test]
fn garbage_crds_do_not_panic() {
    for v in [
        json!(null),
        json!(1),
        json!({"spec": 1}),
        json!({"spec": {"versions": [1, null, {"schema": 2}]}}),
        json!({"spec": {"versions": [{"schema": {"openAPIV3Schema": {"type": "object", "properties": {"a": {"items": [1]}}}}}]}}),
    ] {
        let mut c = v.clone();
        default_crd(&mut c);
        let _ = validate_crd(&v);
        let _ = validate_crd(&c);
    }
}

#[test]
fn old_self_rules() {
    let p = "spec.validation.openAPIV3Schema.properties[spec]";
    let cases = vec![
        (
            json!({"type": "object", "properties": {"l": {"type": "array", "items": {"type": "object",
                "properties": {"a": {"type": "string"}}, "x-kubernetes-validations": [{"rule": "self.a == oldSelf.a"}]}}}}),
            vec![format!(
                r#"{p}.properties[l].items.x-kubernetes-validations[0].rule: Invalid value: "self.a == oldSelf.a": oldSelf cannot be used on the uncorrelatable portion of the schema within {p}.properties[l]"#
            )],
        ),
        (
            json!({"type": "object", "properties": {"a": {"type": "string"}},
                   "x-kubernetes-validations": [{"rule": "self.a == oldSelf.a", "message": "immutable"},
                                                {"rule": "has(self.a)", "optionalOldSelf": true}]}),
            vec![format!(
                r#"{p}.x-kubernetes-validations[1].optionalOldSelf: Invalid value: true: may not be set if oldSelf is not used in rule"#
            )],
        ),
    ];
    for (spec, want) in cases {
        assert_eq!(lines(&validate_crd(&crd_with(spec_schema(spec)))), want);
    }
}

#[test]
fn name_errors() {
    let mut crd = crd_with(json!({"type": "object"}));
    crd["spec"]["names"]["shortNames"] = json!(["ok", "Bad"]);
    crd["spec"]["names"]["listKind"] = json!("Widget");
    crd["spec"]["group"] = json!("example");
    crd["metadata"]["name"] = json!("widgets.example");
    assert_eq!(
        lines(&validate_crd(&crd)),
        vec![
            r#"spec.group: Invalid value: "example": should be a domain with at least one dot"#,
            r#"spec.names.shortNames[1]: Invalid value: "Bad": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"#,
            r#"spec.names.listKind: Invalid value: "Widget": kind and listKind may not be the same"#,
        ]
    );
}
