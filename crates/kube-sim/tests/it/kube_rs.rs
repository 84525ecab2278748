use std::collections::BTreeMap;
use std::time::Duration;

use futures::StreamExt;
use k8s_openapi::api::batch::v1::CronJob;
use k8s_openapi::api::core::v1::{ConfigMap, Namespace, ServiceAccount};
use kube::api::{Api, DeleteParams, ListParams, ObjectMeta, Patch, PatchParams, PostParams};
use kube::runtime::{reflector, watcher, WatchStreamExt};
use kube::ResourceExt;
use serde_json::json;

use crate::support::start;

fn cm(name: &str, labels: &[(&str, &str)]) -> ConfigMap {
    ConfigMap {
        metadata: ObjectMeta {
            name: Some(name.into()),
            labels: Some(
                labels
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
            ),
            ..Default::default()
        },
        data: Some(BTreeMap::from([("k".to_owned(), "v".to_owned())])),
        ..Default::default()
    }
}

#[tokio::test]
async fn crud_with_preconditions_and_selectors() {
    let sim = start().await;
    let api: Api<ConfigMap> = Api::namespaced(sim.client().unwrap(), "default");
    let created = api
        .create(&PostParams::default(), &cm("a", &[("app", "web")]))
        .await
        .unwrap();
    let meta = &created.metadata;
    assert!(meta.uid.as_ref().unwrap().len() == 36 && meta.creation_timestamp.is_some());
    let rv: u64 = meta.resource_version.as_ref().unwrap().parse().unwrap();
    api.create(&PostParams::default(), &cm("b", &[("app", "db")]))
        .await
        .unwrap();

    let err = api
        .create(&PostParams::default(), &cm("a", &[]))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, kube::Error::Api(s) if s.code == 409 && s.reason == "AlreadyExists"),
        "{err}"
    );

    let web = api
        .list(&ListParams::default().labels("app in (web)"))
        .await
        .unwrap();
    assert_eq!(
        web.items.iter().map(|c| c.name_any()).collect::<Vec<_>>(),
        ["a"]
    );
    let paged = api.list(&ListParams::default().limit(1)).await.unwrap();
    assert_eq!(paged.items.len(), 1);
    let token = paged.metadata.continue_.clone().unwrap();
    let rest = api
        .list(&ListParams::default().limit(1).continue_token(&token))
        .await
        .unwrap();
    assert_eq!(rest.items[0].name_any(), "b");
    assert_eq!(rest.metadata.remaining_item_count, Some(1));
    let by_name = api
        .list(&ListParams::default().fields("metadata.name=b"))
        .await
        .unwrap();
    assert_eq!(by_name.items.len(), 1);

    // Replace with a stale resourceVersion conflicts; with the current one it succeeds.
    let mut stale = created.clone();
    stale.metadata.resource_version = Some((rv - 1).to_string());
    let err = api
        .replace("a", &PostParams::default(), &stale)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, kube::Error::Api(s) if s.code == 409 && s.reason == "Conflict"),
        "{err}"
    );
    let mut fresh = created.clone();
    fresh.data = Some(BTreeMap::from([("k".to_owned(), "w".to_owned())]));
    let replaced = api
        .replace("a", &PostParams::default(), &fresh)
        .await
        .unwrap();
    assert!(
        replaced
            .metadata
            .resource_version
            .unwrap()
            .parse::<u64>()
            .unwrap()
            > rv
    );

    let patched = api
        .patch(
            "a",
            &PatchParams::default(),
            &Patch::Merge(json!({"metadata": {"labels": {"tier": "x"}}})),
        )
        .await
        .unwrap();
    assert_eq!(patched.labels().get("tier").map(String::as_str), Some("x"));
    assert_eq!(patched.labels().get("app").map(String::as_str), Some("web"));

    // A write that changes nothing keeps the resourceVersion.
    let same = api
        .patch("a", &PatchParams::default(), &Patch::Merge(json!({})))
        .await
        .unwrap();
    assert_eq!(
        same.metadata.resource_version,
        patched.metadata.resource_version
    );

    api.delete("a", &DeleteParams::default()).await.unwrap();
    assert!(api.get_opt("a").await.unwrap().is_none());
    let err = api.get("a").await.unwrap_err();
    assert!(
        matches!(&err, kube::Error::Api(s) if s.code == 404 && s.message == "configmaps \"a\" not found"),
        "{err}"
    );
}

#[tokio::test]
async fn dry_run_changes_nothing() {
    let sim = start().await;
    let api: Api<ConfigMap> = Api::namespaced(sim.client().unwrap(), "default");
    let before = sim.api().store.rv();
    let dry = api
        .create(
            &PostParams {
                dry_run: true,
                ..Default::default()
            },
            &cm("d", &[]),
        )
        .await
        .unwrap();
    assert!(dry.metadata.uid.is_some() && dry.metadata.resource_version.is_none());
    assert!(api.get_opt("d").await.unwrap().is_none());
    assert_eq!(sim.api().store.rv(), before);
}

#[tokio::test]
async fn namespaces_scope_creates_and_terminate_with_their_content() {
    let sim = start().await;
    let client = sim.client().unwrap();
    let missing: Api<ConfigMap> = Api::namespaced(client.clone(), "nope");
    let err = missing
        .create(&PostParams::default(), &cm("x", &[]))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, kube::Error::Api(s) if s.code == 404 && s.message == "namespaces \"nope\" not found"),
        "{err}"
    );

    let namespaces: Api<Namespace> = Api::all(client.clone());
    let ns = Namespace {
        metadata: ObjectMeta {
            name: Some("demo".into()),
            ..Default::default()
        },
        ..Default::default()
    };
    let created = namespaces
        .create(&PostParams::default(), &ns)
        .await
        .unwrap();
    assert_eq!(
        created.status.as_ref().unwrap().phase.as_deref(),
        Some("Active")
    );
    assert_eq!(created.labels()["kubernetes.io/metadata.name"], "demo");
    let sas: Api<ServiceAccount> = Api::namespaced(client.clone(), "demo");
    assert!(
        sas.get_opt("default").await.unwrap().is_some(),
        "default ServiceAccount"
    );

    let cms: Api<ConfigMap> = Api::namespaced(client.clone(), "demo");
    let mut held = cm("held", &[]);
    held.metadata.finalizers = Some(vec!["example.com/hold".into()]);
    cms.create(&PostParams::default(), &held).await.unwrap();
    cms.create(&PostParams::default(), &cm("free", &[]))
        .await
        .unwrap();

    let deleted = namespaces
        .delete("demo", &DeleteParams::default())
        .await
        .unwrap();
    let terminating = deleted.left().unwrap();
    assert_eq!(
        terminating.status.unwrap().phase.as_deref(),
        Some("Terminating")
    );
    assert!(cms.get_opt("free").await.unwrap().is_none());
    let conditions = namespaces
        .get("demo")
        .await
        .unwrap()
        .status
        .unwrap()
        .conditions
        .unwrap();
    let finalizers = conditions
        .iter()
        .find(|c| c.type_ == "NamespaceFinalizersRemaining")
        .unwrap();
    assert_eq!(finalizers.status, "True");
    assert_eq!(
        finalizers.message.as_deref(),
        Some("Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances")
    );
    let content = conditions
        .iter()
        .find(|c| c.type_ == "NamespaceContentRemaining")
        .unwrap();
    assert_eq!(
        content.message.as_deref(),
        Some("Some resources are remaining: configmaps. has 1 resource instances")
    );
    assert!(cms
        .get("held")
        .await
        .unwrap()
        .metadata
        .deletion_timestamp
        .is_some());
    let err = cms
        .create(&PostParams::default(), &cm("late", &[]))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, kube::Error::Api(s) if s.code == 403 && s.message.contains("because it is being terminated")),
        "{err}"
    );

    // Releasing the last finalizer removes the object and then the namespace.
    cms.patch(
        "held",
        &PatchParams::default(),
        &Patch::Merge(json!({"metadata": {"finalizers": null}})),
    )
    .await
    .unwrap();
    assert!(cms.get_opt("held").await.unwrap().is_none());
    assert!(namespaces.get_opt("demo").await.unwrap().is_none());
}

#[tokio::test]
async fn status_subresource_and_generation() {
    // CronJobs have a status subresource and a generation, and no simulated controller.
    let sim = start().await;
    let api: Api<CronJob> = Api::namespaced(sim.client().unwrap(), "default");
    let cj: CronJob = serde_json::from_value(json!({
        "apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "nightly"},
        "spec": {"schedule": "0 1 * * *", "jobTemplate": {"spec": {"template": {"spec": {
            "restartPolicy": "Never", "containers": [{"name": "c", "image": "busybox"}]}}}}},
        "status": {"lastScheduleTime": "2026-01-01T00:00:00Z"}
    }))
    .unwrap();
    let created = api.create(&PostParams::default(), &cj).await.unwrap();
    assert_eq!(created.metadata.generation, Some(1));
    assert!(created.status.is_none(), "create drops status");

    let changed = api
        .patch("nightly", &PatchParams::default(), &Patch::Merge(json!({"spec": {"schedule": "0 2 * * *"}, "status": {"lastScheduleTime": "2026-01-02T00:00:00Z"}})))
        .await
        .unwrap();
    assert_eq!(changed.metadata.generation, Some(2));
    assert!(
        changed.status.is_none(),
        "main resource writes keep the stored status"
    );

    let status = api
        .patch_status("nightly", &PatchParams::default(), &Patch::Merge(json!({"spec": {"schedule": "* * * * *"}, "status": {"lastScheduleTime": "2026-01-03T00:00:00Z"}})))
        .await
        .unwrap();
    assert!(status.status.unwrap().last_schedule_time.is_some());
    assert_eq!(
        status.spec.schedule, "0 2 * * *",
        "status writes keep the spec"
    );
    assert_eq!(status.metadata.generation, Some(2));
}

#[tokio::test]
async fn finalizers_and_owner_references() {
    let sim = start().await;
    let api: Api<ConfigMap> = Api::namespaced(sim.client().unwrap(), "default");
    let owner = api
        .create(&PostParams::default(), &cm("owner", &[]))
        .await
        .unwrap();
    let mut dependent = cm("dependent", &[]);
    dependent.metadata.owner_references = Some(vec![
        k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference {
            api_version: "v1".into(),
            kind: "ConfigMap".into(),
            name: "owner".into(),
            uid: owner.uid().unwrap(),
            ..Default::default()
        },
    ]);
    api.create(&PostParams::default(), &dependent)
        .await
        .unwrap();

    let mut held = cm("held", &[]);
    held.metadata.finalizers = Some(vec!["example.com/hold".into()]);
    api.create(&PostParams::default(), &held).await.unwrap();
    let marked = api
        .delete("held", &DeleteParams::default())
        .await
        .unwrap()
        .left()
        .unwrap();
    assert!(marked.metadata.deletion_timestamp.is_some());
    let err = api
        .patch(
            "held",
            &PatchParams::default(),
            &Patch::Merge(json!({"metadata": {"finalizers": ["example.com/hold", "b"]}})),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, kube::Error::Api(s) if s.code == 422),
        "{err}"
    );
    api.patch(
        "held",
        &PatchParams::default(),
        &Patch::Merge(json!({"metadata": {"finalizers": []}})),
    )
    .await
    .unwrap();
    assert!(api.get_opt("held").await.unwrap().is_none());

    // Background deletion collects dependents.
    api.delete("owner", &DeleteParams::background())
        .await
        .unwrap();
    assert!(api.get_opt("dependent").await.unwrap().is_none());

    // Orphan deletion releases them.
    let owner = api
        .create(&PostParams::default(), &cm("owner2", &[]))
        .await
        .unwrap();
    let mut dep = cm("dep2", &[]);
    dep.metadata.owner_references = Some(vec![
        k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference {
            api_version: "v1".into(),
            kind: "ConfigMap".into(),
            name: "owner2".into(),
            uid: owner.uid().unwrap(),
            ..Default::default()
        },
    ]);
    api.create(&PostParams::default(), &dep).await.unwrap();
    api.delete("owner2", &DeleteParams::orphan()).await.unwrap();
    assert!(api.get_opt("owner2").await.unwrap().is_none());
    let released = api.get("dep2").await.unwrap();
    assert!(released.metadata.owner_references.is_none());
}

#[tokio::test]
async fn watcher_sees_changes_and_reflector_stays_consistent() {
    let sim = start().await;
    let client = sim.client().unwrap();
    let api: Api<ConfigMap> = Api::namespaced(client.clone(), "default");
    let (reader, writer) = reflector::store();
    let stream = reflector(
        writer,
        watcher(api.clone(), watcher::Config::default().labels("app=x")),
    )
    .applied_objects()
    .boxed();
    let task = tokio::spawn(async move {
        let mut stream = stream;
        while stream.next().await.is_some() {}
    });
    reader.wait_until_ready().await.unwrap();

    // Random creates, updates (moving objects in and out of the selector) and deletes.
    let mut seed = 7u64;
    let mut next = || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        seed >> 33
    };
    for _ in 0..1000 {
        let name = format!("c{}", next() % 20);
        let label = if next() % 3 == 0 { "y" } else { "x" };
        match next() % 3 {
            0 => {
                let _ = api
                    .create(&PostParams::default(), &cm(&name, &[("app", label)]))
                    .await;
            }
            1 => {
                let _ = api
                    .patch(&name, &PatchParams::default(), &Patch::Merge(json!({"metadata": {"labels": {"app": label}}, "data": {"n": next().to_string()}})))
                    .await;
            }
            _ => {
                let _ = api.delete(&name, &DeleteParams::default()).await;
            }
        }
    }
    let expected = {
        let mut names: Vec<String> = api
            .list(&ListParams::default().labels("app=x"))
            .await
            .unwrap()
            .items
            .iter()
            .map(|c| c.name_any())
            .collect();
        names.sort();
        names
    };
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let mut seen: Vec<String> = reader.state().iter().map(|c| c.name_any()).collect();
        seen.sort();
        if seen == expected {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "reflector {seen:?} != list {expected:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    task.abort();
}

#[tokio::test]
async fn watch_from_a_compacted_resource_version_is_gone() {
    let sim = start().await;
    let api: Api<ConfigMap> = Api::namespaced(sim.client().unwrap(), "default");
    let mut stream = api
        .watch(&kube::api::WatchParams::default(), "1")
        .await
        .unwrap()
        .boxed();
    let first = stream.next().await.unwrap().unwrap();
    match first {
        kube::api::WatchEvent::Error(e) => {
            assert_eq!((e.code, e.reason.as_str()), (410, "Expired"))
        }
        other => panic!("expected 410, got {other:?}"),
    }
}

#[tokio::test]
async fn https_with_a_separate_ca_works_for_kube_rs() {
    let sim = crate::support::start_tls().await;
    assert!(sim.url().starts_with("https://127.0.0.1:"));
    let api: Api<ConfigMap> = Api::namespaced(sim.client().unwrap(), "default");
    api.create(&PostParams::default(), &cm("over-tls", &[]))
        .await
        .unwrap();
    assert!(api.get_opt("over-tls").await.unwrap().is_some());
    // The written kubeconfig carries the CA.
    let kubeconfig: kube::config::Kubeconfig = serde_yaml_ng::from_str(&sim.kubeconfig()).unwrap();
    let cluster = kubeconfig.clusters[0].cluster.as_ref().unwrap();
    assert!(cluster.certificate_authority_data.is_some());
    let config = kube::Config::from_custom_kubeconfig(kubeconfig, &Default::default())
        .await
        .unwrap();
    let from_file: Api<ConfigMap> =
        Api::namespaced(kube::Client::try_from(config).unwrap(), "default");
    assert!(from_file.get_opt("over-tls").await.unwrap().is_some());
}

#[tokio::test]
async fn continued_lists_read_the_first_page_snapshot() {
    let sim = start().await;
    let api: Api<ConfigMap> = Api::namespaced(sim.client().unwrap(), "default");
    for name in ["a", "b", "c"] {
        api.create(&PostParams::default(), &cm(name, &[]))
            .await
            .unwrap();
    }
    let first = api.list(&ListParams::default().limit(1)).await.unwrap();
    assert_eq!(first.items[0].name_any(), "a");
    let token = first.metadata.continue_.clone().unwrap();
    // Changes after the first page do not show up in the rest of the list.
    api.delete("b", &DeleteParams::default()).await.unwrap();
    api.create(&PostParams::default(), &cm("bb", &[]))
        .await
        .unwrap();
    let rest = api
        .list(&ListParams::default().continue_token(&token))
        .await
        .unwrap();
    let names: Vec<String> = rest.items.iter().map(|c| c.name_any()).collect();
    assert_eq!(names, ["b", "c", "kube-root-ca.crt"]);
    assert_eq!(
        rest.metadata.resource_version,
        first.metadata.resource_version
    );
}
