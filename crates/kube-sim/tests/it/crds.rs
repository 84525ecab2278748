//! Flux's CRDs served by kube-sim: established, discoverable, defaulted and validated.

use std::time::Duration;

use ferroflux_api::source::v1::OCIRepository;
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::api::{Api, DeleteParams, PostParams};
use kube::core::{ApiResource, DynamicObject, GroupVersionKind};
use serde_json::json;

use crate::support::start;

async fn install_flux_crds(client: &kube::Client) {
    let api: Api<CustomResourceDefinition> = Api::all(client.clone());
    for crd in ferroflux_api::crds::all() {
        api.create(&PostParams::default(), &crd).await.unwrap();
    }
}

#[tokio::test]
async fn flux_crds_become_established_and_serve_their_kinds() {
    let sim = start().await;
    let client = sim.client().unwrap();
    install_flux_crds(&client).await;
    let crds: Api<CustomResourceDefinition> = Api::all(client.clone());
    let crd = crds
        .get("ocirepositories.source.toolkit.fluxcd.io")
        .await
        .unwrap();
    let status = crd.status.unwrap();
    let established = status
        .conditions
        .unwrap()
        .into_iter()
        .find(|c| c.type_ == "Established")
        .unwrap();
    assert_eq!(
        (established.status.as_str(), established.reason.as_deref()),
        ("True", Some("InitialNamesAccepted"))
    );
    assert_eq!(status.stored_versions, Some(vec!["v1".to_owned()]));

    // Discovery lists the new group.
    let discovery = kube::Discovery::new(client.clone()).run().await.unwrap();
    assert!(discovery
        .groups()
        .any(|g| g.name() == "helm.toolkit.fluxcd.io"));

    // Typed objects are defaulted on the way in and on reads.
    let repos: Api<OCIRepository> = Api::namespaced(client.clone(), "default");
    let repo: OCIRepository = serde_json::from_value(json!({
        "apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "OCIRepository",
        "metadata": {"name": "podinfo"},
        "spec": {"url": "oci://ghcr.io/stefanprodan/manifests/podinfo", "interval": "10m", "ref": {"tag": "latest"}}
    }))
    .unwrap();
    let created = repos.create(&PostParams::default(), &repo).await.unwrap();
    assert_eq!(created.spec.timeout, "60s");
    assert_eq!(created.status.unwrap().observed_generation, Some(-1));
    assert_eq!(created.metadata.generation, Some(1));
}

#[tokio::test]
async fn custom_resources_are_validated_with_kube_apiserver_messages() {
    let sim = start().await;
    let client = sim.client().unwrap();
    install_flux_crds(&client).await;
    let gvk = GroupVersionKind::gvk("source.toolkit.fluxcd.io", "v1", "OCIRepository");
    let api: Api<DynamicObject> =
        Api::namespaced_with(client.clone(), "default", &ApiResource::from_gvk(&gvk));
    let bad: DynamicObject = serde_json::from_value(json!({
        "apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "OCIRepository",
        "metadata": {"name": "bad"}, "spec": {"url": "http://x", "interval": "10m"}
    }))
    .unwrap();
    let err = api.create(&PostParams::default(), &bad).await.unwrap_err();
    let kube::Error::Api(status) = err else {
        panic!("expected an API error")
    };
    assert_eq!(status.code, 422);
    assert_eq!(
        status.message,
        "OCIRepository.source.toolkit.fluxcd.io \"bad\" is invalid: spec.url: Invalid value: \"http://x\": spec.url in body should match '^oci://.*$'"
    );

    let hr_gvk = GroupVersionKind::gvk("helm.toolkit.fluxcd.io", "v2", "HelmRelease");
    let hrs: Api<DynamicObject> =
        Api::namespaced_with(client.clone(), "default", &ApiResource::from_gvk(&hr_gvk));
    let no_chart: DynamicObject = serde_json::from_value(json!({
        "apiVersion": "helm.toolkit.fluxcd.io/v2", "kind": "HelmRelease",
        "metadata": {"name": "x"}, "spec": {"interval": "10m"}
    }))
    .unwrap();
    let err = hrs
        .create(&PostParams::default(), &no_chart)
        .await
        .unwrap_err();
    let kube::Error::Api(status) = err else {
        panic!("expected an API error")
    };
    assert!(
        status
            .message
            .ends_with("spec: Invalid value: \"object\": either chart or chartRef must be set"),
        "{}",
        status.message
    );
}

#[tokio::test]
async fn deleting_a_crd_deletes_its_objects_and_stops_serving_it() {
    let sim = start().await;
    let client = sim.client().unwrap();
    install_flux_crds(&client).await;
    let repos: Api<OCIRepository> = Api::namespaced(client.clone(), "default");
    let repo: OCIRepository = serde_json::from_value(json!({
        "apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "OCIRepository",
        "metadata": {"name": "a"}, "spec": {"url": "oci://r/a", "interval": "1m"}
    }))
    .unwrap();
    repos.create(&PostParams::default(), &repo).await.unwrap();
    let crds: Api<CustomResourceDefinition> = Api::all(client.clone());
    crds.delete(
        "ocirepositories.source.toolkit.fluxcd.io",
        &DeleteParams::default(),
    )
    .await
    .unwrap();
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(crds
        .get_opt("ocirepositories.source.toolkit.fluxcd.io")
        .await
        .unwrap()
        .is_none());
    let err = repos.list(&Default::default()).await.unwrap_err();
    assert!(matches!(err, kube::Error::Api(s) if s.code == 404));
}
