use serde_json::{json, Value};

use super::super::test_support::{hr_crd, ks_crd, oci_crd, schema_of};
use super::*;

#[test]
fn flux_defaults() {
    let oci_s = schema_of(&oci_crd());
    let ks_s = schema_of(&ks_crd());
    let hr_s = schema_of(&hr_crd());
    let cases: Vec<(&Value, Value, Value)> = vec![
        (
            &oci_s,
            json!({"metadata": {"name": "p"}, "spec": {"url": "oci://x", "interval": "5m"}}),
            json!({"metadata": {"name": "p"}, "spec": {"url": "oci://x", "interval": "5m", "provider": "generic", "timeout": "60s"},
                   "status": {"observedGeneration": -1}}),
        ),
        (
            &oci_s,
            json!({"spec": {"provider": null, "suspend": null, "verify": {}}, "status": {"observedGeneration": 3}}),
            json!({"spec": {"provider": "generic", "timeout": "60s", "verify": {"provider": "cosign"}}, "status": {"observedGeneration": 3}}),
        ),
        (
            &ks_s,
            json!({"spec": {"postBuild": {"substituteFrom": [{"kind": "Secret", "name": "a"}, {"kind": "ConfigMap", "name": "b", "optional": true}]}}}),
            json!({"spec": {"force": false, "postBuild": {"substituteFrom": [
                {"kind": "Secret", "name": "a", "optional": false}, {"kind": "ConfigMap", "name": "b", "optional": true}]}},
                   "status": {"observedGeneration": -1}}),
        ),
        (
            &hr_s,
            json!({"spec": {"chart": {"spec": {"chart": "c", "verify": {}}}, "uninstall": {}}, "status": null}),
            json!({"spec": {"chart": {"spec": {"chart": "c", "reconcileStrategy": "ChartVersion", "version": "*", "verify": {"provider": "cosign"}}},
                            "uninstall": {"deletionPropagation": "background"}},
                   "status": {"observedGeneration": -1}}),
        ),
    ];
    for (schema, mut obj, want) in cases {
        apply_defaults(&mut obj, schema);
        assert_eq!(obj, want);
    }
}

#[test]
fn default_semantics() {
    let schema = json!({"type": "object", "properties": {
        "a": {"type": "object", "default": {}, "properties": {"b": {"type": "integer", "default": 1}, "c": {"type": "object", "default": {"d": "x"}, "properties": {"d": {"type": "string"}, "e": {"type": "string", "default": "y"}}}}},
        "n": {"type": "string", "nullable": true, "default": "z"},
        "m": {"type": "object", "additionalProperties": {"type": "string", "default": "dv"}},
        "l": {"type": "array", "items": {"type": "string", "default": "iv"}},
        "ln": {"type": "array", "items": {"type": "string"}},
        "keep": {"type": "string", "nullable": true}
    }});
    let mut obj = json!({"n": null, "m": {"k": null, "j": "v"}, "l": [null, "s"], "ln": [null], "keep": null, "unknown": null});
    apply_defaults(&mut obj, &schema);
    assert_eq!(
        obj,
        json!({"a": {"b": 1, "c": {"d": "x", "e": "y"}}, "n": null, "m": {"k": "dv", "j": "v"}, "l": ["iv", "s"], "ln": [null], "keep": null, "unknown": null})
    );
    let mut scalar = json!(5);
    apply_defaults(&mut scalar, &schema);
    assert_eq!(scalar, json!(5));
    apply_defaults(&mut obj, &json!(null));
}
