//! Custom resource tables (the Flux CRDs' printer columns) and JSONPath.

use jiff::Timestamp;
use serde_json::{json, Value};

use super::custom::print;
use super::format::go_float;
use super::{table_at, IncludeObject, JsonPath, TableKind};

fn now() -> Timestamp {
    "2026-06-15T04:20:57Z".parse().unwrap()
}

/// The `additionalPrinterColumns` of the served storage version of a committed Flux CRD.
fn flux_columns(file: &str) -> (String, String, Vec<Value>) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../config/crd/bases")
        .join(file);
    let crd: Value = serde_yaml_ng::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let version = crd["spec"]["versions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["storage"] == true)
        .unwrap()
        .clone();
    let columns = version["additionalPrinterColumns"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let group = crd["spec"]["group"].as_str().unwrap().to_owned();
    (
        group,
        crd["spec"]["names"]["kind"].as_str().unwrap().to_owned(),
        columns,
    )
}

fn ready(status: &str, message: &str) -> Value {
    json!({"conditions": [
        {"type": "Reconciling", "status": "False", "message": "other"},
        {"type": "Ready", "status": status, "reason": "Succeeded", "message": message}]})
}

#[test]
fn oci_repository_columns() {
    let (group, kind, columns) = flux_columns("source.toolkit.fluxcd.io_ocirepositories.yaml");
    let table_kind = TableKind::custom(&group, &kind, columns);
    let repo = json!({"apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "OCIRepository",
        "metadata": {"name": "podinfo", "namespace": "flux-system", "creationTimestamp": "2026-06-15T04:15:57Z", "resourceVersion": "12"},
        "spec": {"url": "oci://ghcr.io/stefanprodan/manifests/podinfo", "interval": "1m"},
        "status": ready("True", "stored artifact for digest 'latest@sha256:abc'")});
    let fresh = json!({"metadata": {"name": "new", "creationTimestamp": "2026-06-13T01:15:57Z"},
        "spec": {"url": "oci://example.com/x"}});
    let t = table_at(
        &table_kind,
        &[repo, fresh],
        IncludeObject::Metadata,
        "40",
        true,
        now(),
    );
    let defs: Vec<(&str, &str, &str)> = t["columnDefinitions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap(),
                c["type"].as_str().unwrap(),
                c["description"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(defs[0].0, "Name");
    assert_eq!(
        defs[1..],
        [
            ("URL", "string", "Custom resource definition column (in JSONPath format): .spec.url"),
            ("Ready", "string", "Custom resource definition column (in JSONPath format): .status.conditions[?(@.type==\"Ready\")].status"),
            ("Status", "string", "Custom resource definition column (in JSONPath format): .status.conditions[?(@.type==\"Ready\")].message"),
            ("Age", "date", "Custom resource definition column (in JSONPath format): .metadata.creationTimestamp"),
        ]
    );
    assert!(t["columnDefinitions"].as_array().unwrap()[1..]
        .iter()
        .all(|c| c["priority"] == 0 && c["format"] == ""));
    assert_eq!(t["columnDefinitions"][0]["format"], "name");
    assert_eq!(
        t["rows"][0]["cells"],
        json!([
            "podinfo",
            "oci://ghcr.io/stefanprodan/manifests/podinfo",
            "True",
            "stored artifact for digest 'latest@sha256:abc'",
            "5m"
        ])
    );
    assert_eq!(
        t["rows"][1]["cells"],
        json!(["new", "oci://example.com/x", null, null, "2d3h"])
    );
    assert_eq!(t["rows"][0]["object"]["kind"], "PartialObjectMetadata");
    assert_eq!(t["rows"][0]["object"]["metadata"]["resourceVersion"], "12");
}

#[test]
fn kustomization_and_helm_release_columns() {
    for file in [
        "kustomize.toolkit.fluxcd.io_kustomizations.yaml",
        "helm.toolkit.fluxcd.io_helmreleases.yaml",
    ] {
        let (group, kind, columns) = flux_columns(file);
        let object = json!({"metadata": {"name": "apps", "creationTimestamp": "2026-06-15T04:15:57Z"},
            "status": ready("False", "kustomize build failed: <nil>")});
        let t = table_at(
            &TableKind::custom(&group, &kind, columns),
            &[object],
            IncludeObject::None,
            "1",
            true,
            now(),
        );
        let names: Vec<&str> = t["columnDefinitions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["Name", "Age", "Ready", "Status"], "{file}");
        assert_eq!(
            t["rows"][0]["cells"],
            json!(["apps", "5m", "False", "kustomize build failed: <nil>"]),
            "{file}"
        );
    }
}

#[test]
fn default_age_column_and_typed_cells() {
    let t = table_at(
        &TableKind::custom("example.com", "Widget", vec![]),
        &[json!({"metadata": {"name": "w"}})],
        IncludeObject::None,
        "",
        true,
        now(),
    );
    assert_eq!(t["columnDefinitions"][1]["name"], "Age");
    assert_eq!(t["columnDefinitions"][1]["type"], "date");
    assert!(t["columnDefinitions"][1]["description"]
        .as_str()
        .unwrap()
        .starts_with("CreationTimestamp is a timestamp"));
    assert_eq!(t["rows"][0]["cells"], json!(["w", null]));

    let col =
        |name: &str, ty: &str, path: &str| json!({"name": name, "type": ty, "jsonPath": path});
    let mut described = col("Replicas", "integer", ".spec.replicas");
    described["description"] = json!("Desired replicas");
    described["priority"] = json!(1);
    described["format"] = json!("int32");
    let columns = vec![
        described,
        col("Ratio", "number", ".spec.ratio"),
        col("Float", "integer", ".spec.ratio"),
        col("On", "boolean", ".spec.on"),
        col("NotBool", "boolean", ".spec.replicas"),
        col("Obj", "string", ".spec.obj"),
        col("Null", "string", ".spec.nothing"),
        col("Big", "string", ".spec.big"),
        col("When", "date", ".spec.when"),
        col("Bad", "date", ".spec.bad"),
        col("Empty", "date", ".spec.empty"),
        col("Other", "object", ".spec.obj"),
        col("Unparsable", "string", ".spec[?("),
    ];
    let widget = json!({"metadata": {"name": "w"}, "spec": {"replicas": 3, "ratio": 2.5, "on": true,
        "obj": {"b": [1, "<x>"], "a": null}, "nothing": null, "big": 1500000.0,
        "when": "2026-06-15T04:20:00Z", "bad": "yesterday", "empty": ""}});
    let t = table_at(
        &TableKind::custom("example.com", "Widget", columns),
        &[widget],
        IncludeObject::None,
        "",
        true,
        now(),
    );
    assert_eq!(
        t["columnDefinitions"][1],
        json!({"name": "Replicas", "type": "integer", "format": "int32", "description": "Desired replicas", "priority": 1})
    );
    assert_eq!(
        t["rows"][0]["cells"],
        json!([
            "w",
            3,
            2.5,
            2,
            true,
            null,
            r#"{"a":null,"b":[1,"\u003cx\u003e"]}"#,
            "<no value>",
            "1.5e+06",
            "57s",
            "<invalid>",
            "<unknown>",
            null,
            null
        ])
    );
}

fn find(path: &str, doc: &Value) -> Vec<Value> {
    JsonPath::parse(path)
        .unwrap()
        .find(doc)
        .into_iter()
        .cloned()
        .collect()
}

#[test]
fn jsonpath_evaluation() {
    let doc = json!({
        "metadata": {"name": "x", "labels": {"app.kubernetes.io/name": "web", "tier": "db"}},
        "spec": {"ports": [{"port": 80, "name": "http"}, {"port": 443, "name": "https"}, {"port": 8080}]},
        "status": {"conditions": [
            {"type": "Reconciling", "status": "True", "count": 1},
            {"type": "Ready", "status": "False", "count": 5, "ok": false},
            {"type": "Ready", "status": "True", "count": 7}]}});
    let cases: &[(&str, Value)] = &[
        (".metadata.name", json!(["x"])),
        ("{.metadata.name}", json!(["x"])),
        ("$.metadata.name", json!(["x"])),
        (".metadata.missing", json!([])),
        (".metadata.name.deeper", json!([])),
        (".metadata.labels['app.kubernetes.io/name']", json!(["web"])),
        (
            ".metadata.labels.app\\.kubernetes\\.io/name",
            json!(["web"]),
        ),
        (
            ".metadata.labels['tier','app.kubernetes.io/name']",
            json!(["db", "web"]),
        ),
        (".spec.ports[0].port", json!([80])),
        (".spec.ports[-1].port", json!([8080])),
        (".spec.ports[5].port", json!([])),
        (".spec.ports[*].port", json!([80, 443, 8080])),
        (".spec.ports.*.name", json!(["http", "https"])),
        (".spec.ports[0,2].port", json!([80, 8080])),
        (".spec.ports[1:].port", json!([443, 8080])),
        (".spec.ports[:2].port", json!([80, 443])),
        (".spec.ports[::2].port", json!([80, 8080])),
        (".spec.ports[?(@.name)].port", json!([80, 443])),
        (".spec.ports[?(@.port > 100)].port", json!([443, 8080])),
        (".spec.ports[?(@.port<=443)].name", json!(["http", "https"])),
        (
            ".status.conditions[?(@.type==\"Ready\")].status",
            json!(["False", "True"]),
        ),
        (
            ".status.conditions[?(@.type=='Ready')].count",
            json!([5, 7]),
        ),
        (
            ".status.conditions[?(@.type != 'Ready')].type",
            json!(["Reconciling"]),
        ),
        (
            ".status.conditions[?(@.count == 7)].status",
            json!(["True"]),
        ),
        (".status.conditions[?(@.ok == false)].count", json!([5])),
        (
            ".status.conditions[?(@.type==\"Missing\")].status",
            json!([]),
        ),
        (".metadata[0]", json!([])),
        ("..name", json!(["x", "http", "https"])),
        (".", json!([doc.clone()])),
    ];
    for (path, want) in cases {
        assert_eq!(Value::Array(find(path, &doc)), *want, "{path}");
    }
    for bad in [
        ".spec[",
        ".spec[?(@.a==)]",
        ".spec['x]",
        "spec",
        ".a..[",
        ".spec[x]",
        ".a b",
    ] {
        assert!(JsonPath::parse(bad).is_err(), "{bad} parsed");
    }
}

#[test]
fn printing_like_kubectl() {
    assert_eq!(print(&json!("text")), "text");
    assert_eq!(print(&json!(42)), "42");
    assert_eq!(print(&json!(-7)), "-7");
    assert_eq!(print(&json!(true)), "true");
    assert_eq!(print(&Value::Null), "<no value>");
    assert_eq!(print(&json!([1, "a&b"])), r#"[1,"a\u0026b"]"#);
    for (f, want) in [
        (0.5, "0.5"),
        (1.0, "1"),
        (2.5, "2.5"),
        (123456.0, "123456"),
        (1234567.0, "1.234567e+06"),
        (1e21, "1e+21"),
        (0.0001, "0.0001"),
        (0.00001, "1e-05"),
        (-3.25, "-3.25"),
        (100.0, "100"),
    ] {
        assert_eq!(go_float(f), want, "{f}");
    }
}
