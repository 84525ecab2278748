//! The `kube-sim serve` binary: kubeconfig, readiness line, SIGTERM, and a restart that
//! keeps every object with `--data-dir`.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use futures::StreamExt;
use k8s_openapi::api::core::v1::ConfigMap;
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::api::{Api, PostParams, WatchEvent, WatchParams};
use serde_json::json;

struct Served {
    child: Child,
    url: String,
}

fn serve(data: &std::path::Path, kubeconfig: &std::path::Path) -> Served {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kube-sim"))
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(data)
        .arg("--write-kubeconfig")
        .arg(kubeconfig)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim()
        .strip_prefix("kube-sim listening on ")
        .expect("readiness line")
        .to_owned();
    Served { child, url }
}

fn terminate(mut served: Served) {
    let status = Command::new("kill")
        .args(["-TERM", &served.child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = served.child.wait().unwrap();
    assert!(exit.success(), "kube-sim exits cleanly on SIGTERM: {exit}");
}

async fn client(kubeconfig: &std::path::Path) -> kube::Client {
    let config = kube::Config::from_custom_kubeconfig(
        kube::config::Kubeconfig::read_from(kubeconfig).unwrap(),
        &Default::default(),
    )
    .await
    .unwrap();
    kube::Client::try_from(config).unwrap()
}

#[tokio::test]
async fn restart_with_a_data_dir_keeps_objects_and_resource_versions() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let kubeconfig = dir.path().join("kubeconfig");

    let first = serve(&data, &kubeconfig);
    assert!(first.url.starts_with("http://127.0.0.1:"));
    let c = client(&kubeconfig).await;
    let crds: Api<CustomResourceDefinition> = Api::all(c.clone());
    for crd in ferroflux_api::crds::all() {
        crds.create(&PostParams::default(), &crd).await.unwrap();
    }
    let cms: Api<ConfigMap> = Api::namespaced(c.clone(), "default");
    let cm: ConfigMap =
        serde_json::from_value(json!({"metadata": {"name": "kept"}, "data": {"a": "1"}})).unwrap();
    let created = cms.create(&PostParams::default(), &cm).await.unwrap();
    let rv_before: u64 = created.metadata.resource_version.unwrap().parse().unwrap();
    terminate(first);

    let second = serve(&data, &kubeconfig);
    let c = client(&kubeconfig).await;
    let cms: Api<ConfigMap> = Api::namespaced(c.clone(), "default");
    let kept = cms.get("kept").await.unwrap();
    assert_eq!(kept.data.unwrap()["a"], "1");
    assert_eq!(
        kept.metadata
            .resource_version
            .unwrap()
            .parse::<u64>()
            .unwrap(),
        rv_before
    );
    // A watch resumes from the old resourceVersion without missing the next change.
    let mut stream = cms
        .watch(&WatchParams::default().timeout(5), &rv_before.to_string())
        .await
        .unwrap()
        .boxed();
    cms.patch(
        "kept",
        &Default::default(),
        &kube::api::Patch::Merge(json!({"data": {"a": "2"}})),
    )
    .await
    .unwrap();
    let event = tokio::time::timeout(Duration::from_secs(5), stream.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    match event {
        WatchEvent::Modified(cm) => {
            assert!(
                cm.metadata
                    .resource_version
                    .unwrap()
                    .parse::<u64>()
                    .unwrap()
                    > rv_before
            );
            assert_eq!(cm.data.unwrap()["a"], "2");
        }
        other => panic!("expected MODIFIED, got {other:?}"),
    }
    // The CRDs are served again.
    let crds: Api<CustomResourceDefinition> = Api::all(c.clone());
    assert_eq!(crds.list(&Default::default()).await.unwrap().items.len(), 3);
    let repos: Api<ferroflux_api::source::v1::OCIRepository> =
        Api::namespaced(c.clone(), "default");
    assert!(repos
        .list(&Default::default())
        .await
        .unwrap()
        .items
        .is_empty());
    terminate(second);
}
