use serde_json::{json, Value};

use super::*;
use crate::kinds::tests::widget_crd;

fn doc_json(v3: &OpenApiV3, key: &str) -> Value {
    serde_json::from_slice(v3.document(key).unwrap().body()).unwrap()
}

fn param_names(op: &Value) -> Vec<&str> {
    op["parameters"]
        .as_array()
        .map(|ps| ps.iter().map(|p| p["name"].as_str().unwrap()).collect())
        .unwrap_or_default()
}

#[test]
fn index_lists_every_group_version() {
    let v3 = OpenApiV3::new(&Registry::new());
    let index = v3.index();
    let paths = index["paths"].as_object().unwrap();
    for key in [
        "api",
        "apis",
        "version",
        "api/v1",
        "apis/apps/v1",
        "apis/apps",
        "apis/autoscaling/v2",
    ] {
        assert!(paths.contains_key(key), "{key}");
    }
    let url = paths["apis/apps/v1"]["serverRelativeURL"].as_str().unwrap();
    let hash = url.strip_prefix("/openapi/v3/apis/apps/v1?hash=").unwrap();
    assert_eq!(hash.len(), 128);
    assert!(hash
        .chars()
        .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase()));
    assert_eq!(hash, v3.document("apis/apps/v1").unwrap().hash());
}

#[test]
fn deployment_patch_operation_advertises_field_validation() {
    let v3 = OpenApiV3::new(&Registry::new());
    let doc = doc_json(&v3, "apis/apps/v1");
    assert_eq!(doc["openapi"], "3.0.0");
    let item = &doc["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"];
    let patch = &item["patch"];
    assert_eq!(
        patch["x-kubernetes-group-version-kind"],
        json!({"group": "apps", "version": "v1", "kind": "Deployment"})
    );
    assert_eq!(patch["x-kubernetes-action"], "patch");
    assert_eq!(
        param_names(patch),
        ["dryRun", "fieldManager", "fieldValidation", "force"]
    );
    assert!(patch["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["in"] == "query"));
    let content = patch["requestBody"]["content"].as_object().unwrap();
    assert!(content.contains_key("application/strategic-merge-patch+json"));
    assert_eq!(param_names(item), ["name", "namespace", "pretty"]);
    assert_eq!(item["parameters"][0]["required"], true);
    assert_eq!(
        item["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/io.k8s.api.apps.v1.Deployment"
    );
    let collection = &doc["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments"];
    assert_eq!(collection["get"]["x-kubernetes-action"], "list");
    assert!(param_names(&collection["get"]).contains(&"sendInitialEvents"));
    assert_eq!(
        collection["post"]["operationId"],
        "createAppsV1NamespacedDeployment"
    );
    assert_eq!(
        collection["delete"]["x-kubernetes-action"],
        "deletecollection"
    );
    let all = &doc["paths"]["/apis/apps/v1/deployments"]["get"];
    assert_eq!(all["operationId"], "listAppsV1DeploymentForAllNamespaces");
    let scale = &doc["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale"];
    assert_eq!(
        scale["patch"]["x-kubernetes-group-version-kind"]["kind"],
        "Scale"
    );
    assert!(doc["paths"].get("/apis/apps/v1/").is_some());

    let schemas = doc["components"]["schemas"].as_object().unwrap();
    let deploy = &schemas["io.k8s.api.apps.v1.Deployment"];
    assert_eq!(
        deploy["x-kubernetes-group-version-kind"],
        json!([{"group": "apps", "kind": "Deployment", "version": "v1"}])
    );
    for name in [
        "io.k8s.api.autoscaling.v1.Scale",
        "io.k8s.api.core.v1.PodSpec",
        "io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions",
        "io.k8s.apimachinery.pkg.apis.meta.v1.Patch",
        "io.k8s.api.apps.v1.DeploymentList",
    ] {
        assert!(schemas.contains_key(name), "{name}");
    }
    assert!(!schemas.contains_key("io.k8s.api.batch.v1.Job"));
}

#[test]
fn core_and_review_paths() {
    let v3 = OpenApiV3::new(&Registry::new());
    let core = doc_json(&v3, "api/v1");
    let paths = core["paths"].as_object().unwrap();
    let ns = &paths["/api/v1/namespaces/{name}"];
    assert_eq!(
        ns["patch"]["x-kubernetes-group-version-kind"]["kind"],
        "Namespace"
    );
    assert!(param_names(&ns["patch"]).contains(&"fieldValidation"));
    assert!(
        paths["/api/v1/namespaces"].get("delete").is_none(),
        "no deletecollection"
    );
    assert!(paths.contains_key("/api/v1/namespaces/{name}/finalize"));
    let log = &paths["/api/v1/namespaces/{namespace}/pods/{name}/log"]["get"];
    assert!(param_names(log).contains(&"container"));
    let exec = &paths["/api/v1/namespaces/{namespace}/pods/{name}/exec"];
    assert_eq!(exec["post"]["x-kubernetes-action"], "connect");
    let eviction = &paths["/api/v1/namespaces/{namespace}/pods/{name}/eviction"]["post"];
    assert_eq!(
        eviction["x-kubernetes-group-version-kind"]["group"],
        "policy"
    );
    let schemas = core["components"]["schemas"].as_object().unwrap();
    assert!(schemas.contains_key("io.k8s.api.policy.v1.Eviction"));
    assert!(schemas.contains_key("io.k8s.api.authentication.v1.TokenRequest"));

    let authz = doc_json(&v3, "apis/authorization.k8s.io/v1");
    let ssar = &authz["paths"]["/apis/authorization.k8s.io/v1/selfsubjectaccessreviews"];
    assert_eq!(ssar["post"]["x-kubernetes-action"], "post");
    assert!(ssar.get("get").is_none());
    assert!(authz["paths"]
        .get("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews/{name}")
        .is_none());
}

#[test]
fn crd_changes_change_the_index() {
    let mut reg = Registry::new();
    let mut v3 = OpenApiV3::new(&reg);
    let apps_hash = v3.document("apis/apps/v1").unwrap().hash().to_owned();
    assert!(v3.document("apis/example.com/v1").is_none());

    reg.apply_crd(&widget_crd());
    assert!(v3.update(&reg));
    assert!(!v3.update(&reg), "nothing changed");
    assert_eq!(v3.document("apis/apps/v1").unwrap().hash(), apps_hash);
    let index = v3.index();
    for key in [
        "apis/example.com/v1",
        "apis/example.com/v1beta1",
        "apis/example.com",
    ] {
        assert!(index["paths"].get(key).is_some(), "{key}");
    }
    let widget = doc_json(&v3, "apis/example.com/v1");
    assert!(widget["components"]["schemas"]
        .get("com.example.v1.Widget")
        .is_some());
    let old_hash = v3
        .document("apis/example.com/v1")
        .unwrap()
        .hash()
        .to_owned();

    let mut crd = widget_crd();
    crd["spec"]["versions"][1]["schema"]["openAPIV3Schema"]["properties"]["spec"]["properties"]
        ["color"] = json!({"type": "string"});
    reg.apply_crd(&crd);
    assert!(v3.update(&reg));
    assert_ne!(v3.document("apis/example.com/v1").unwrap().hash(), old_hash);

    reg.remove_crd("widgets.example.com");
    assert!(v3.update(&reg));
    assert!(v3.index()["paths"].get("apis/example.com/v1").is_none());
}

#[test]
fn responses_follow_the_hash() {
    let v3 = OpenApiV3::new(&Registry::new());
    let hash = v3.document("apis/apps/v1").unwrap().hash().to_owned();
    let path = "/openapi/v3/apis/apps/v1";
    match v3.respond(path, Some(&hash)) {
        OpenApiResponse::Ok {
            cache_control,
            etag,
            ..
        } => {
            assert_eq!(cache_control, "public, immutable");
            assert_eq!(etag, Some(format!("\"{hash}\"")));
        }
        other => panic!("{other:?}"),
    }
    match v3.respond(path, None) {
        OpenApiResponse::Ok { cache_control, .. } => assert_eq!(cache_control, "no-cache, private"),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        v3.respond(path, Some("OLD")),
        OpenApiResponse::MovedPermanently {
            location: format!("{path}?hash={hash}")
        }
    );
    assert_eq!(
        v3.respond("/openapi/v3/apis/nope/v1", None),
        OpenApiResponse::NotFound
    );
    let OpenApiResponse::Ok { body, .. } = v3.respond("/openapi/v3", None) else {
        panic!("no index");
    };
    let index: Value = serde_json::from_slice(&body).unwrap();
    assert!(index["paths"]["api/v1"]["serverRelativeURL"].is_string());
}

#[test]
fn every_reference_resolves() {
    let mut reg = Registry::new();
    reg.apply_crd(&widget_crd());
    let v3 = OpenApiV3::new(&reg);
    for (key, _) in v3.index()["paths"].as_object().unwrap() {
        let doc = doc_json(&v3, key);
        let schemas = doc["components"]["schemas"].as_object().unwrap();
        let mut refs = Vec::new();
        schema::collect_refs(&doc, &mut refs);
        for r in refs {
            assert!(schemas.contains_key(&r), "{key}: dangling {r}");
        }
    }
}
