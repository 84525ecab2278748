//! Simulated cluster behaviour seen through kube-rs: workloads become ready the way real
//! controllers report it, and the failure annotation makes them fail.

use std::time::Duration;

use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use k8s_openapi::api::batch::v1::Job;
use k8s_openapi::api::core::v1::{PersistentVolumeClaim, Pod, Service};
use kube::api::{Api, ListParams, Patch, PatchParams, PostParams};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

use crate::support::start;

fn typed<T: DeserializeOwned>(v: Value) -> T {
    serde_json::from_value(v).unwrap()
}

fn deployment(name: &str, replicas: u32, fail: Option<&str>) -> Deployment {
    let mut annotations = json!({});
    if let Some(f) = fail {
        annotations["kube-sim.ferroflux.dev/fail"] = json!(f);
    }
    typed(
        json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name},
        "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}},
            "template": {"metadata": {"labels": {"app": name}, "annotations": annotations},
                "spec": {"containers": [{"name": "web", "image": "nginx:1.25"}]}}}}),
    )
}

/// Polls `check` until it holds or 10 s pass.
async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while !check().await {
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn condition(d: &Deployment, t: &str) -> Option<(String, String)> {
    d.status
        .as_ref()?
        .conditions
        .as_ref()?
        .iter()
        .find(|c| c.type_.as_deref() == Some(t))
        .map(|c| {
            (
                c.status.clone().unwrap_or_default(),
                c.reason.clone().unwrap_or_default(),
            )
        })
}

#[tokio::test]
async fn deployments_roll_out_through_replicasets_and_pods() {
    let sim = start().await;
    let client = sim.client().unwrap();
    let deployments: Api<Deployment> = Api::namespaced(client.clone(), "default");
    deployments
        .create(&PostParams::default(), &deployment("web", 2, None))
        .await
        .unwrap();
    eventually("web available", || async {
        let d = deployments.get("web").await.unwrap();
        condition(&d, "Available") == Some(("True".into(), "MinimumReplicasAvailable".into()))
            && condition(&d, "Progressing")
                == Some(("True".into(), "NewReplicaSetAvailable".into()))
            && d.status.as_ref().and_then(|s| s.ready_replicas) == Some(2)
            && d.status.as_ref().and_then(|s| s.observed_generation) == d.metadata.generation
    })
    .await;
    let sets: Api<ReplicaSet> = Api::namespaced(client.clone(), "default");
    let rs = sets.list(&ListParams::default()).await.unwrap().items;
    assert_eq!(rs.len(), 1);
    let hash = rs[0].metadata.labels.as_ref().unwrap()["pod-template-hash"].clone();
    assert_eq!(
        rs[0].metadata.name.as_deref(),
        Some(format!("web-{hash}").as_str())
    );
    let pods: Api<Pod> = Api::namespaced(client.clone(), "default");
    let running = pods
        .list(&ListParams::default().labels("app=web"))
        .await
        .unwrap()
        .items;
    assert_eq!(running.len(), 2);
    assert!(running
        .iter()
        .all(|p| p.status.as_ref().unwrap().phase.as_deref() == Some("Running")));

    // The controllers report what they did as Events.
    let events: Api<k8s_openapi::api::core::v1::Event> = Api::namespaced(client.clone(), "default");
    let reasons: Vec<String> = events
        .list(&ListParams::default())
        .await
        .unwrap()
        .items
        .into_iter()
        .filter_map(|e| e.reason)
        .collect();
    for reason in [
        "ScalingReplicaSet",
        "SuccessfulCreate",
        "Scheduled",
        "Pulled",
        "Created",
        "Started",
    ] {
        assert!(
            reasons.iter().any(|r| r == reason),
            "no {reason} event in {reasons:?}"
        );
    }
    let pod_events = events
        .list(&ListParams::default().fields("involvedObject.kind=Pod,reason=Scheduled"))
        .await
        .unwrap()
        .items;
    assert_eq!(pod_events.len(), 2);
    assert!(pod_events[0]
        .message
        .as_deref()
        .unwrap_or_default()
        .contains("Successfully assigned default/web-"));

    // The scale subresource changes replicas; the simulation follows.
    let scale = deployments.get_scale("web").await.unwrap();
    assert_eq!(scale.spec.as_ref().and_then(|s| s.replicas), Some(2));
    assert_eq!(
        scale.status.as_ref().and_then(|s| s.selector.as_deref()),
        Some("app=web")
    );
    deployments
        .patch_scale(
            "web",
            &PatchParams::default(),
            &Patch::Merge(json!({"spec": {"replicas": 3}})),
        )
        .await
        .unwrap();
    eventually("three ready pods", || async {
        let d = deployments.get("web").await.unwrap();
        d.status.as_ref().and_then(|s| s.ready_replicas) == Some(3)
            && d.metadata.generation == Some(2)
    })
    .await;

    // A new template rolls out a new ReplicaSet; the old one scales to zero.
    deployments
        .patch("web", &PatchParams::default(), &Patch::Merge(json!({"spec": {"template": {"spec": {"containers": [{"name": "web", "image": "nginx:1.26"}]}}}})))
        .await
        .unwrap();
    eventually("rollout of the new template", || async {
        let d = deployments.get("web").await.unwrap();
        let sets = sets.list(&ListParams::default()).await.unwrap().items;
        sets.len() == 2
            && d.status.as_ref().and_then(|s| s.updated_replicas) == Some(3)
            && d.status.as_ref().and_then(|s| s.replicas) == Some(3)
            && d.status.as_ref().and_then(|s| s.observed_generation) == Some(3)
    })
    .await;
}

#[tokio::test]
async fn failing_pods_keep_a_deployment_unavailable() {
    let sim = start().await;
    let client = sim.client().unwrap();
    let deployments: Api<Deployment> = Api::namespaced(client.clone(), "default");
    deployments
        .create(
            &PostParams::default(),
            &deployment("broken", 1, Some("ImagePullBackOff")),
        )
        .await
        .unwrap();
    let pods: Api<Pod> = Api::namespaced(client.clone(), "default");
    eventually("an image pull failure", || async {
        pods.list(&ListParams::default().labels("app=broken"))
            .await
            .unwrap()
            .items
            .iter()
            .any(|p| {
                p.status
                    .as_ref()
                    .and_then(|s| s.container_statuses.as_ref())
                    .is_some_and(|cs| {
                        cs[0]
                            .state
                            .as_ref()
                            .and_then(|s| s.waiting.as_ref())
                            .and_then(|w| w.reason.as_deref())
                            == Some("ImagePullBackOff")
                    })
            })
    })
    .await;
    let d = deployments.get("broken").await.unwrap();
    assert_eq!(
        condition(&d, "Available"),
        Some(("False".into(), "MinimumReplicasUnavailable".into()))
    );
}

#[tokio::test]
async fn jobs_complete_services_get_ips_and_claims_bind() {
    let sim = start().await;
    let client = sim.client().unwrap();
    let jobs: Api<Job> = Api::namespaced(client.clone(), "default");
    jobs.create(&PostParams::default(), &typed(json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "once"},
        "spec": {"template": {"spec": {"restartPolicy": "Never", "containers": [{"name": "c", "image": "busybox"}]}}}}))).await.unwrap();
    eventually("job complete", || async {
        let j = jobs.get("once").await.unwrap();
        j.status.and_then(|s| s.conditions).is_some_and(|cs| {
            cs.iter()
                .any(|c| c.type_ == "Complete" && c.status == "True")
        })
    })
    .await;

    let services: Api<Service> = Api::namespaced(client.clone(), "default");
    services
        .create(
            &PostParams::default(),
            &typed(
                json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
        "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]}}),
            ),
        )
        .await
        .unwrap();
    eventually("a cluster IP", || async {
        let s = services.get("web").await.unwrap();
        s.spec
            .and_then(|s| s.cluster_ip)
            .is_some_and(|ip| ip.starts_with("10.96."))
    })
    .await;

    let claims: Api<PersistentVolumeClaim> = Api::namespaced(client.clone(), "default");
    claims.create(&PostParams::default(), &typed(json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "data"},
        "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "2Gi"}}}}))).await.unwrap();
    eventually("a bound claim", || async {
        let c = claims.get("data").await.unwrap();
        c.status.and_then(|s| s.phase).as_deref() == Some("Bound")
    })
    .await;
}

#[tokio::test]
async fn services_get_endpoints_of_their_ready_pods() {
    use k8s_openapi::api::core::v1::Endpoints;
    use k8s_openapi::api::discovery::v1::EndpointSlice;
    let sim = start().await;
    let client = sim.client().unwrap();
    let deployments: Api<Deployment> = Api::namespaced(client.clone(), "default");
    deployments
        .create(&PostParams::default(), &deployment("web", 2, None))
        .await
        .unwrap();
    let services: Api<Service> = Api::namespaced(client.clone(), "default");
    services
        .create(
            &PostParams::default(),
            &typed(
                json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
        "spec": {"selector": {"app": "web"}, "ports": [{"port": 80, "targetPort": 8080}]}}),
            ),
        )
        .await
        .unwrap();
    let slices: Api<EndpointSlice> = Api::namespaced(client.clone(), "default");
    eventually("a slice with two ready endpoints", || async {
        let list = slices
            .list(&ListParams::default().labels("kubernetes.io/service-name=web"))
            .await
            .unwrap()
            .items;
        let Some(slice) = list.first() else {
            return false;
        };
        let eps = slice.endpoints.clone().unwrap_or_default();
        list.len() == 1
            && eps.len() == 2
            && eps
                .iter()
                .all(|e| e.conditions.as_ref().and_then(|c| c.ready) == Some(true))
            && slice.ports.as_ref().and_then(|p| p[0].port) == Some(8080)
    })
    .await;
    let endpoints: Api<Endpoints> = Api::namespaced(client.clone(), "default");
    let ep = endpoints.get("web").await.unwrap();
    assert_eq!(ep.subsets.unwrap()[0].addresses.as_ref().unwrap().len(), 2);
}
