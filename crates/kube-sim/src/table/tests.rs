//! Built-in printers, table structure, Accept negotiation and durations.

use jiff::{SignedDuration, Timestamp};
use serde_json::{json, Value};

use super::format::human_duration;
use super::{table_at, wants_table, watch_event_table, IncludeObject, TableKind};

pub(super) const CREATED: &str = "2026-06-15T04:15:57Z";

pub(super) fn now() -> Timestamp {
    "2026-06-15T04:20:57Z".parse().unwrap()
}

pub(super) fn meta(name: &str) -> Value {
    json!({"name": name, "namespace": "demo", "uid": "u-1", "resourceVersion": "7",
           "creationTimestamp": CREATED})
}

/// The single row's cells of a built-in kind's table.
pub(super) fn cells(group: &str, kind: &str, object: Value) -> Vec<Value> {
    let t = table_at(
        &TableKind::builtin(group, kind),
        &[object],
        IncludeObject::None,
        "9",
        true,
        now(),
    );
    t["rows"][0]["cells"].as_array().unwrap().clone()
}

fn columns(group: &str, kind: &str) -> Vec<(String, String, String, i64)> {
    let t = table_at(
        &TableKind::builtin(group, kind),
        &[],
        IncludeObject::None,
        "",
        true,
        now(),
    );
    t["columnDefinitions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let s = |k: &str| c[k].as_str().unwrap().to_owned();
            (
                s("name"),
                s("type"),
                s("format"),
                c["priority"].as_i64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn human_durations() {
    let cases = [
        (-5, "<invalid>"),
        (-1, "0s"),
        (0, "0s"),
        (59, "59s"),
        (119, "119s"),
        (120, "2m"),
        (150, "2m30s"),
        (599, "9m59s"),
        (600, "10m"),
        (179 * 60 + 59, "179m"),
        (3 * 3600, "3h"),
        (3 * 3600 + 600, "3h10m"),
        (8 * 3600 + 600, "8h"),
        (47 * 3600, "47h"),
        (48 * 3600, "2d"),
        (51 * 3600, "2d3h"),
        (8 * 86400, "8d"),
        (729 * 86400, "729d"),
        (730 * 86400, "2y"),
        (750 * 86400, "2y20d"),
        (8 * 365 * 86400, "8y"),
        (20 * 365 * 86400 + 86400, "20y"),
    ];
    for (secs, want) in cases {
        assert_eq!(
            human_duration(SignedDuration::from_secs(secs)),
            want,
            "{secs}s"
        );
    }
    assert_eq!(human_duration(SignedDuration::from_millis(-1500)), "0s");
}

#[test]
fn accept_negotiation() {
    let kubectl = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";
    assert!(wants_table(Some(kubectl)));
    assert!(wants_table(Some(
        "application/json;as=Table;v=v1beta1;g=meta.k8s.io"
    )));
    assert!(wants_table(Some(
        "application/vnd.kubernetes.protobuf;as=Table;v=v1;g=meta.k8s.io, application/json; as=Table; v=v1; g=meta.k8s.io"
    )));
    assert!(wants_table(Some(
        "application/json;q=0.5, application/json;as=Table;v=v1;g=meta.k8s.io"
    )));
    for accept in [
        None,
        Some("application/json"),
        Some("*/*"),
        Some("application/json, application/json;as=Table;v=v1;g=meta.k8s.io"),
        Some("application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io,application/json"),
        Some("application/json;as=Table;v=v1;g=example.com"),
        Some("application/json;as=Table;v=v2;g=meta.k8s.io"),
        Some("application/json;as=Table;v=v1;g=meta.k8s.io;q=0"),
        Some("application/vnd.kubernetes.protobuf"),
    ] {
        assert!(!wants_table(accept), "{accept:?}");
    }
}

#[test]
fn include_object_parameter() {
    assert_eq!(IncludeObject::from_query(None), Ok(IncludeObject::Metadata));
    assert_eq!(
        IncludeObject::from_query(Some("")),
        Ok(IncludeObject::Metadata)
    );
    assert_eq!(
        IncludeObject::from_query(Some("None")),
        Ok(IncludeObject::None)
    );
    assert_eq!(
        IncludeObject::from_query(Some("Object")),
        Ok(IncludeObject::Object)
    );
    assert!(IncludeObject::from_query(Some("metadata"))
        .unwrap_err()
        .contains("Unsupported value"));
}

#[test]
fn table_structure_and_row_objects() {
    let cm =
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta("c"), "data": {"a": "b"}});
    let kind = TableKind::builtin("", "ConfigMap");
    let t = table_at(
        &kind,
        std::slice::from_ref(&cm),
        IncludeObject::Metadata,
        "120",
        true,
        now(),
    );
    assert_eq!(t["kind"], "Table");
    assert_eq!(t["apiVersion"], "meta.k8s.io/v1");
    assert_eq!(t["metadata"], json!({"resourceVersion": "120"}));
    assert_eq!(t["columnDefinitions"][0]["format"], "name");
    assert_eq!(
        t["columnDefinitions"][0]["description"]
            .as_str()
            .unwrap()
            .split('.')
            .next(),
        Some("Name must be unique within a namespace")
    );
    assert_eq!(
        t["rows"],
        json!([{"cells": ["c", 1, "5m"], "object": {"kind": "PartialObjectMetadata",
                 "apiVersion": "meta.k8s.io/v1", "metadata": meta("c")}}])
    );
    let t = table_at(
        &kind,
        std::slice::from_ref(&cm),
        IncludeObject::Object,
        "120",
        false,
        now(),
    );
    assert_eq!(t["rows"][0]["object"], cm);
    assert_eq!(t["columnDefinitions"], Value::Null);
    let t = table_at(
        &kind,
        std::slice::from_ref(&cm),
        IncludeObject::None,
        "",
        true,
        now(),
    );
    assert_eq!(t["rows"][0]["object"], Value::Null);
    assert_eq!(t["metadata"], json!({}));
    let t = table_at(&kind, &[], IncludeObject::Metadata, "5", true, now());
    assert_eq!(t["rows"], json!([]));

    let event = watch_event_table(&kind, &cm, IncludeObject::Metadata, false);
    assert_eq!(event["metadata"], json!({"resourceVersion": "7"}));
    assert_eq!(event["columnDefinitions"], Value::Null);
    assert_eq!(event["rows"].as_array().unwrap().len(), 1);
    assert_eq!(event["rows"][0]["cells"][0], "c");
}

#[test]
fn column_definitions() {
    let names = |group: &str, kind: &str| -> Vec<String> {
        columns(group, kind)
            .into_iter()
            .map(|(n, _, _, p)| if p == 1 { format!("{n}*") } else { n })
            .collect()
    };
    let cases: [(&str, &str, &[&str]); 14] = [
        (
            "",
            "Pod",
            &[
                "Name",
                "Ready",
                "Status",
                "Restarts",
                "Age",
                "IP*",
                "Node*",
                "Nominated Node*",
                "Readiness Gates*",
            ],
        ),
        (
            "apps",
            "Deployment",
            &[
                "Name",
                "Ready",
                "Up-to-date",
                "Available",
                "Age",
                "Containers*",
                "Images*",
                "Selector*",
            ],
        ),
        (
            "apps",
            "ReplicaSet",
            &[
                "Name",
                "Desired",
                "Current",
                "Ready",
                "Age",
                "Containers*",
                "Images*",
                "Selector*",
            ],
        ),
        (
            "apps",
            "StatefulSet",
            &["Name", "Ready", "Age", "Containers*", "Images*"],
        ),
        (
            "apps",
            "DaemonSet",
            &[
                "Name",
                "Desired",
                "Current",
                "Ready",
                "Up-to-date",
                "Available",
                "Node Selector",
                "Age",
                "Containers*",
                "Images*",
                "Selector*",
            ],
        ),
        (
            "batch",
            "Job",
            &[
                "Name",
                "Status",
                "Completions",
                "Duration",
                "Age",
                "Containers*",
                "Images*",
                "Selector*",
            ],
        ),
        (
            "",
            "Service",
            &[
                "Name",
                "Type",
                "Cluster-IP",
                "External-IP",
                "Port(s)",
                "Age",
                "Selector*",
            ],
        ),
        ("", "ConfigMap", &["Name", "Data", "Age"]),
        ("", "Secret", &["Name", "Type", "Data", "Age"]),
        ("", "Namespace", &["Name", "Status", "Age"]),
        ("", "ServiceAccount", &["Name", "Secrets", "Age"]),
        (
            "",
            "PersistentVolumeClaim",
            &[
                "Name",
                "Status",
                "Volume",
                "Capacity",
                "Access Modes",
                "StorageClass",
                "VolumeAttributesClass",
                "Age",
                "VolumeMode*",
            ],
        ),
        (
            "apiextensions.k8s.io",
            "CustomResourceDefinition",
            &["Name", "Created At"],
        ),
        ("rbac.authorization.k8s.io", "Role", &["Name", "Created At"]),
    ];
    for (group, kind, want) in cases {
        assert_eq!(names(group, kind), want, "{kind}");
    }
    let types: Vec<String> = columns("apps", "ReplicaSet")
        .into_iter()
        .map(|c| c.1)
        .collect();
    assert_eq!(
        types,
        ["string", "integer", "integer", "integer", "string", "string", "string", "string"]
    );
    assert_eq!(columns("", "Pod")[3].1, "string");
    assert_eq!(columns("", "Secret")[2].1, "string");
    assert_eq!(columns("", "Namespace")[0].2, "name");
    assert_eq!(
        columns("apiextensions.k8s.io", "CustomResourceDefinition")[1].1,
        "date"
    );
}
