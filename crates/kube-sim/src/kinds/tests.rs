use std::cmp::Ordering;

use serde_json::{json, Value};

use super::*;

/// An Established CRD `widgets.example.com` serving v1 (storage, status + scale) and
/// v1beta1 (deprecated), plus the unserved v1alpha1.
pub(crate) fn widget_crd() -> Value {
    let schema = json!({
        "type": "object",
        "properties": {
            "spec": {"type": "object", "properties": {
                "size": {"type": "integer", "default": 1},
                "ports": {"type": "array", "x-kubernetes-list-type": "map",
                          "x-kubernetes-list-map-keys": ["name"],
                          "items": {"type": "object", "required": ["name"],
                                    "properties": {"name": {"type": "string"},
                                                   "port": {"x-kubernetes-int-or-string": true,
                                                            "anyOf": [{"type": "integer"},
                                                                      {"type": "string"}]}}}},
                "selector": {"type": "object", "x-kubernetes-map-type": "atomic",
                             "additionalProperties": {"type": "string"}},
                "values": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}
            }},
            "status": {"type": "object", "properties": {"replicas": {"type": "integer"}}}
        }
    });
    json!({
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": "widgets.example.com"},
        "spec": {
            "group": "example.com",
            "scope": "Namespaced",
            "names": {"plural": "widgets", "singular": "widget", "kind": "Widget",
                      "listKind": "WidgetList", "shortNames": ["wg"],
                      "categories": ["all", "toys"]},
            "versions": [
                {"name": "v1beta1", "served": true, "storage": false, "deprecated": true,
                 "schema": {"openAPIV3Schema": schema.clone()}},
                {"name": "v1", "served": true, "storage": true,
                 "schema": {"openAPIV3Schema": schema},
                 "subresources": {"status": {}, "scale": {
                     "specReplicasPath": ".spec.size", "statusReplicasPath": ".status.replicas"}},
                 "additionalPrinterColumns": [{"name": "Size", "type": "integer",
                                               "jsonPath": ".spec.size"}]},
                {"name": "v1alpha1", "served": false, "storage": false}
            ]
        },
        "status": {
            "conditions": [
                {"type": "NamesAccepted", "status": "True", "reason": "NoConflicts"},
                {"type": "Established", "status": "True", "reason": "InitialNamesAccepted"}
            ],
            "acceptedNames": {"plural": "widgets", "singular": "widget", "kind": "Widget",
                              "listKind": "WidgetList", "shortNames": ["wg"],
                              "categories": ["all", "toys"]},
            "storedVersions": ["v1"]
        }
    })
}

#[test]
fn storage_version_hashes_match_kube_apiserver() {
    assert_eq!(
        storage_version_hash("apps", "v1", "Deployment"),
        "8aSe+NMegvE="
    );
    assert_eq!(storage_version_hash("", "v1", "ConfigMap"), "qFsyl6wFWjQ=");
    assert_eq!(base64(b"ab"), "YWI=");
    assert_eq!(base64(b"a"), "YQ==");
    let reg = Registry::new();
    let v1 = reg
        .find("autoscaling", "v1", "horizontalpodautoscalers")
        .unwrap();
    let v2 = reg
        .find("autoscaling", "v2", "horizontalpodautoscalers")
        .unwrap();
    assert_eq!(v1.storage_version_hash, v2.storage_version_hash);
    let ssar = reg.find("authorization.k8s.io", "v1", "selfsubjectaccessreviews");
    assert_eq!(ssar.unwrap().storage_version_hash, None);
}

#[test]
fn version_priority() {
    let mut versions = vec![
        "v1alpha1",
        "v1",
        "foo",
        "v2beta1",
        "v1beta2",
        "v2",
        "v1beta1",
        "v10",
        "v11alpha2",
    ];
    versions.sort_by(|a, b| compare_versions(a, b));
    assert_eq!(
        versions,
        [
            "v10",
            "v2",
            "v1",
            "v2beta1",
            "v1beta2",
            "v1beta1",
            "v11alpha2",
            "v1alpha1",
            "foo"
        ]
    );
    assert_eq!(compare_versions("v1", "v1"), Ordering::Equal);
    assert_eq!(compare_versions("v0", "v1"), Ordering::Greater);
    assert_eq!(compare_versions("v1beta", "v1alpha1"), Ordering::Greater);
}

#[test]
fn builtins_cover_the_spec_table() {
    let reg = Registry::new();
    let deploy = reg.find("apps", "v1", "deployments").unwrap();
    assert_eq!(deploy.kind, "Deployment");
    assert_eq!(deploy.singular, "deployment");
    assert_eq!(deploy.list_kind, "DeploymentList");
    assert_eq!(deploy.short_names, ["deploy"]);
    assert_eq!(deploy.categories, ["all"]);
    assert!(deploy.namespaced && deploy.has_verb("deletecollection"));
    let scale = deploy.subresource("scale").unwrap();
    assert_eq!(
        (&*scale.group, &*scale.version, &*scale.kind),
        ("autoscaling", "v1", "Scale")
    );
    let status = deploy.subresource("status").unwrap();
    assert_eq!((&*status.group, &*status.kind), ("apps", "Deployment"));

    let pods = reg.find("", "v1", "pods").unwrap();
    for sub in [
        "status",
        "log",
        "exec",
        "eviction",
        "binding",
        "ephemeralcontainers",
    ] {
        assert!(pods.subresource(sub).is_some(), "pods/{sub}");
    }
    assert_eq!(pods.subresource("eviction").unwrap().group, "policy");
    let ns = reg.find("", "v1", "namespaces").unwrap();
    assert!(!ns.namespaced && !ns.has_verb("deletecollection"));
    assert!(ns.subresource("finalize").is_some());
    let ds = reg.find("apps", "v1", "daemonsets").unwrap();
    assert!(ds.subresource("scale").is_none());
    let crd = reg.find_kind("apiextensions.k8s.io", "v1", "CustomResourceDefinition");
    assert_eq!(crd.unwrap().short_names, ["crd", "crds"]);
    let ssar = reg
        .find("authorization.k8s.io", "v1", "selfsubjectaccessreviews")
        .unwrap();
    assert_eq!(ssar.verbs, ["create"]);
    assert_eq!(reg.find_by_kind("Event").len(), 2);
    assert_eq!(base_path("apps", "v1"), "/apis/apps/v1");
    assert_eq!(pods.base_path(), "/api/v1");

    let all: Vec<_> = reg
        .in_category("all")
        .iter()
        .map(|r| r.plural.as_str())
        .collect();
    assert_eq!(
        all,
        [
            "pods",
            "replicationcontrollers",
            "services",
            "daemonsets",
            "deployments",
            "replicasets",
            "statefulsets",
            "horizontalpodautoscalers",
            "cronjobs",
            "jobs"
        ]
    );
}

#[test]
fn groups_in_discovery_order() {
    let mut reg = Registry::new();
    let mut zoo = widget_crd();
    zoo["metadata"]["name"] = json!("widgets.aaa.io");
    zoo["spec"]["group"] = json!("aaa.io");
    assert!(reg.apply_crd(&widget_crd()));
    assert!(reg.apply_crd(&zoo));
    let groups = reg.groups();
    let names: Vec<_> = groups.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(
        names[..4],
        ["", "apps", "events.k8s.io", "authentication.k8s.io"]
    );
    assert_eq!(names[names.len() - 2..], ["aaa.io", "example.com"]);
    let autoscaling = groups.iter().find(|g| g.name == "autoscaling").unwrap();
    assert_eq!(autoscaling.versions, ["v2", "v1"]);
    assert_eq!(autoscaling.preferred(), "v2");
    assert_eq!(reg.versions("example.com"), ["v1", "v1beta1"]);
    assert_eq!(reg.preferred_version("example.com").as_deref(), Some("v1"));
    let gvs = reg.group_versions();
    assert_eq!(gvs[0], ("".to_owned(), "v1".to_owned()));
}

#[test]
fn crd_entries() {
    let crd = widget_crd();
    let entries = from_crd(&crd);
    assert_eq!(entries.len(), 2, "v1alpha1 is not served");
    let v1 = entries.iter().find(|r| r.version == "v1").unwrap();
    assert_eq!(v1.verbs, CRD_VERBS_FOR_TEST);
    assert_eq!(v1.short_names, ["wg"]);
    assert_eq!(v1.categories, ["all", "toys"]);
    assert_eq!(v1.list_kind, "WidgetList");
    let subs: Vec<_> = v1.subresources.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(subs, ["scale", "status"]);
    assert_eq!(v1.subresource("status").unwrap().group, "example.com");
    let origin = v1.crd().unwrap();
    assert!(origin.storage && origin.schema.is_some());
    assert_eq!(origin.printer_columns.len(), 1);
    assert_eq!(
        v1.storage_version_hash.as_deref(),
        Some(storage_version_hash("example.com", "v1", "Widget").as_str())
    );
    let beta = entries.iter().find(|r| r.version == "v1beta1").unwrap();
    assert!(beta.subresources.is_empty());
    assert_eq!(beta.storage_version_hash, v1.storage_version_hash);
    assert_eq!(
        beta.crd().unwrap().deprecation_warning.as_deref(),
        Some("example.com/v1beta1 Widget is deprecated")
    );

    let mut pending = crd.clone();
    pending["status"]["conditions"][1]["status"] = json!("False");
    assert!(from_crd(&pending).is_empty());

    let mut terminating = crd;
    terminating["metadata"]["deletionTimestamp"] = json!("2025-01-01T00:00:00Z");
    let entries = from_crd(&terminating);
    assert_eq!(
        entries[0].verbs,
        ["delete", "deletecollection", "get", "list", "watch"]
    );
}

const CRD_VERBS_FOR_TEST: [&str; 8] = [
    "delete",
    "deletecollection",
    "get",
    "list",
    "patch",
    "create",
    "update",
    "watch",
];

#[test]
fn registry_tracks_crd_changes() {
    let mut reg = Registry::new();
    let builtins = reg.resources().len();
    let crd = widget_crd();
    assert!(reg.apply_crd(&crd));
    assert!(!reg.apply_crd(&crd), "same CRD again changes nothing");
    assert_eq!(reg.resources().len(), builtins + 2);
    let w = reg.find("example.com", "v1", "widgets").unwrap();
    assert_eq!(w.qualified_plural(), "widgets.example.com");
    assert_eq!(
        reg.find_preferred("example.com", "widgets")
            .unwrap()
            .version,
        "v1"
    );
    assert!(reg.in_category("all").iter().any(|r| r.kind == "Widget"));

    let mut unserved = crd.clone();
    unserved["spec"]["versions"][0]["served"] = json!(false);
    assert!(reg.apply_crd(&unserved));
    assert_eq!(reg.versions("example.com"), ["v1"]);
    assert!(reg.remove_crd("widgets.example.com"));
    assert!(!reg.remove_crd("widgets.example.com"));
    assert_eq!(reg.resources().len(), builtins);
    assert!(reg.groups().iter().all(|g| g.name != "example.com"));
}
