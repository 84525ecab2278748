use serde_json::{json, Value};

use super::*;
use crate::kinds::tests::widget_crd;

fn registry_with_widgets() -> Registry {
    let mut reg = Registry::new();
    reg.apply_crd(&widget_crd());
    reg
}

fn resource<'a>(list: &'a Value, name: &str) -> &'a Value {
    list["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == name)
        .unwrap_or_else(|| panic!("{name} missing"))
}

#[test]
fn version_info() {
    let v = version(GIT_VERSION);
    assert_eq!(v["major"], "1");
    assert_eq!(v["minor"], "32");
    assert_eq!(v["gitVersion"], "v1.32.4+kube-sim");
    assert_eq!(v["platform"], "linux/amd64");
    assert_eq!(version("v1.33.1")["minor"], "33");
}

#[test]
fn legacy_roots() {
    let reg = registry_with_widgets();
    let api = api_versions("127.0.0.1:6443");
    assert_eq!(api["versions"], json!(["v1"]));
    assert_eq!(
        api["serverAddressByClientCIDRs"][0]["serverAddress"],
        "127.0.0.1:6443"
    );
    let list = api_group_list(&reg);
    assert_eq!(list["kind"], "APIGroupList");
    let groups = list["groups"].as_array().unwrap();
    assert_eq!(groups[0]["name"], "apps");
    let autoscaling = groups.iter().find(|g| g["name"] == "autoscaling").unwrap();
    assert_eq!(
        autoscaling["versions"],
        json!([{"groupVersion": "autoscaling/v2", "version": "v2"},
               {"groupVersion": "autoscaling/v1", "version": "v1"}])
    );
    assert_eq!(autoscaling["preferredVersion"]["version"], "v2");
    let last = groups.last().unwrap();
    assert_eq!(last["name"], "example.com");
    assert_eq!(last["preferredVersion"]["groupVersion"], "example.com/v1");
    let group = api_group(&reg, "apps").unwrap();
    assert_eq!(group["kind"], "APIGroup");
    assert_eq!(group["preferredVersion"]["groupVersion"], "apps/v1");
    assert!(api_group(&reg, "nope.io").is_none());
    assert!(api_group(&reg, "").is_none());
}

#[test]
fn resource_lists_match_the_recorded_shape() {
    let reg = registry_with_widgets();
    let apps = api_resource_list(&reg, "apps", "v1").unwrap();
    assert_eq!(apps["groupVersion"], "apps/v1");
    assert_eq!(
        resource(&apps, "deployments"),
        &json!({"name":"deployments","singularName":"deployment","namespaced":true,
                "kind":"Deployment","verbs":["create","delete","deletecollection","get","list",
                "patch","update","watch"],"shortNames":["deploy"],"categories":["all"],
                "storageVersionHash":"8aSe+NMegvE="})
    );
    assert_eq!(
        resource(&apps, "deployments/scale"),
        &json!({"name":"deployments/scale","singularName":"","namespaced":true,
                "group":"autoscaling","version":"v1","kind":"Scale",
                "verbs":["get","patch","update"]})
    );
    assert_eq!(
        resource(&apps, "deployments/status"),
        &json!({"name":"deployments/status","singularName":"","namespaced":true,
                "kind":"Deployment","verbs":["get","patch","update"]})
    );
    let names: Vec<_> = apps["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    let mut sorted = names.clone();
    sorted.sort_unstable();
    assert_eq!(names, sorted);

    let core = api_resource_list(&reg, "", "v1").unwrap();
    assert_eq!(core["groupVersion"], "v1");
    assert_eq!(resource(&core, "pods/eviction")["group"], "policy");
    assert_eq!(resource(&core, "pods/log")["kind"], "Pod");
    let ssar = api_resource_list(&reg, "authorization.k8s.io", "v1").unwrap();
    let ssar = resource(&ssar, "selfsubjectaccessreviews");
    assert_eq!(ssar["verbs"], json!(["create"]));
    assert!(ssar.get("storageVersionHash").is_none());

    let widgets = api_resource_list(&reg, "example.com", "v1").unwrap();
    let w = resource(&widgets, "widgets");
    assert_eq!(w["categories"], json!(["all", "toys"]));
    assert_eq!(w["shortNames"], json!(["wg"]));
    assert!(w["storageVersionHash"].is_string());
    assert_eq!(resource(&widgets, "widgets/scale")["group"], "autoscaling");
    assert!(resource(&widgets, "widgets/status").get("group").is_none());
    assert!(api_resource_list(&reg, "example.com", "v1alpha1").is_none());
}

#[test]
fn aggregated_apis_document() {
    let reg = registry_with_widgets();
    let doc = aggregated_apis(&reg, DiscoveryFormat::AggregatedV2);
    assert_eq!(doc["kind"], "APIGroupDiscoveryList");
    assert_eq!(doc["apiVersion"], "apidiscovery.k8s.io/v2");
    assert_eq!(doc["metadata"], json!({}));
    let items = doc["items"].as_array().unwrap();
    let apps = &items[0];
    assert_eq!(
        apps["metadata"],
        json!({"name": "apps", "creationTimestamp": null})
    );
    let v1 = &apps["versions"][0];
    assert_eq!(v1["version"], "v1");
    assert_eq!(v1["freshness"], "Current");
    let deploy = v1["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["resource"] == "deployments")
        .unwrap();
    assert_eq!(
        deploy,
        &json!({"resource":"deployments",
          "responseKind":{"group":"","version":"","kind":"Deployment"},
          "scope":"Namespaced","singularResource":"deployment",
          "verbs":["create","delete","deletecollection","get","list","patch","update","watch"],
          "shortNames":["deploy"],"categories":["all"],
          "subresources":[
            {"subresource":"scale",
             "responseKind":{"group":"autoscaling","version":"v1","kind":"Scale"},
             "verbs":["get","patch","update"]},
            {"subresource":"status","responseKind":{"group":"","version":"","kind":"Deployment"},
             "verbs":["get","patch","update"]}]})
    );
    let autoscaling = items
        .iter()
        .find(|i| i["metadata"]["name"] == "autoscaling")
        .unwrap();
    assert_eq!(autoscaling["versions"][0]["version"], "v2");
    assert_eq!(autoscaling["versions"][1]["version"], "v1");

    let widgets = items.last().unwrap();
    assert_eq!(widgets["metadata"]["name"], "example.com");
    assert_eq!(widgets["versions"][0]["version"], "v1");
    assert_eq!(widgets["versions"][1]["version"], "v1beta1");
    let w = &widgets["versions"][0]["resources"][0];
    assert_eq!(
        w["responseKind"],
        json!({"group": "example.com", "version": "v1", "kind": "Widget"})
    );
    assert_eq!(
        w["verbs"],
        json!([
            "delete",
            "deletecollection",
            "get",
            "list",
            "patch",
            "create",
            "update",
            "watch"
        ])
    );
    assert_eq!(w["subresources"][1]["responseKind"]["kind"], "Widget");

    let beta = aggregated_apis(&reg, DiscoveryFormat::AggregatedV2Beta1);
    assert_eq!(beta["apiVersion"], "apidiscovery.k8s.io/v2beta1");
    assert_eq!(beta["items"], doc["items"]);
}

#[test]
fn aggregated_core_document() {
    let reg = Registry::new();
    let doc = aggregated_core(&reg, DiscoveryFormat::AggregatedV2);
    let items = doc["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["metadata"], json!({"creationTimestamp": null}));
    assert_eq!(items[0]["versions"][0]["version"], "v1");
    let pods = items[0]["versions"][0]["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["resource"] == "pods")
        .unwrap();
    let subs: Vec<_> = pods["subresources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["subresource"].as_str().unwrap())
        .collect();
    assert!(subs.contains(&"status") && subs.contains(&"log"));
    let ns = items[0]["versions"][0]["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["resource"] == "namespaces")
        .unwrap();
    assert_eq!(ns["scope"], "Cluster");
}

#[test]
fn root_discovery_negotiates() {
    let reg = Registry::new();
    let accept = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,\
                  application/json";
    let r = root_discovery(&reg, "/apis", Some(accept), "x:1")
        .unwrap()
        .unwrap();
    assert_eq!(
        r.content_type,
        "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"
    );
    assert_eq!(r.body["kind"], "APIGroupDiscoveryList");
    let r = root_discovery(&reg, "/api/", Some("application/json, */*"), "x:1")
        .unwrap()
        .unwrap();
    assert_eq!(r.content_type, "application/json");
    assert_eq!(r.body["kind"], "APIVersions");
    let r = root_discovery(&reg, "/apis", None, "x:1").unwrap().unwrap();
    assert_eq!(r.body["kind"], "APIGroupList");
    assert!(root_discovery(&reg, "/apis/apps", None, "x:1").is_none());
    let r = root_discovery(
        &reg,
        "/api",
        Some("application/vnd.kubernetes.protobuf"),
        "x:1",
    );
    assert!(r.unwrap().is_err());
}
