//! The real Helm 3.18 and Helm 4.1 against kube-sim over HTTPS: install, upgrade, list,
//! history, rollback and uninstall of a chart with `--wait`, release Secrets included.

use std::path::{Path, PathBuf};
use std::process::Command;

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::Secret;
use kube::api::{Api, ListParams};

fn binary(name: &str) -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join(name))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "{name} is required in CI (scripts/install-test-deps.sh installs it)"
        );
        eprintln!("SKIPPED: {name} not found on PATH");
    }
    found
}

struct Helm<'a> {
    bin: PathBuf,
    kubeconfig: &'a Path,
    home: &'a Path,
}

impl Helm<'_> {
    fn run(&self, args: &[&str]) -> String {
        let out = Command::new(&self.bin)
            .args(args)
            .env("KUBECONFIG", self.kubeconfig)
            .env("HELM_CACHE_HOME", self.home.join("cache"))
            .env("HELM_CONFIG_HOME", self.home.join("config"))
            .env("HELM_DATA_HOME", self.home.join("data"))
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            out.status.success(),
            "helm {args:?} failed: {}\n{stdout}",
            String::from_utf8_lossy(&out.stderr)
        );
        stdout
    }
}

async fn lifecycle(helm_name: &str) {
    let Some(bin) = binary(helm_name) else { return };
    let sim = crate::support::start_tls().await;
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("kubeconfig");
    sim.write_kubeconfig(&kubeconfig).unwrap();
    let helm = Helm {
        bin,
        kubeconfig: &kubeconfig,
        home: dir.path(),
    };
    let chart = dir.path().join("demo");
    helm.run(&["create", chart.to_str().unwrap()]);
    let chart = chart.to_str().unwrap();
    let release = format!("r-{helm_name}");

    helm.run(&["install", &release, chart, "--wait", "--timeout", "60s"]);
    let status = helm.run(&["status", &release]);
    assert!(status.contains("STATUS: deployed"), "{status}");
    assert!(helm.run(&["list", "-q"]).lines().any(|l| l == release));

    let client = sim.client().unwrap();
    let deployments: Api<Deployment> = Api::namespaced(client.clone(), "default");
    let name = format!("{release}-demo");
    assert_eq!(
        deployments
            .get(&name)
            .await
            .unwrap()
            .status
            .unwrap()
            .ready_replicas,
        Some(1)
    );
    let secrets: Api<Secret> = Api::namespaced(client.clone(), "default");
    let stored = secrets
        .list(&ListParams::default().labels(&format!("owner=helm,name={release}")))
        .await
        .unwrap();
    assert_eq!(stored.items.len(), 1, "one release Secret");

    helm.run(&[
        "upgrade",
        &release,
        chart,
        "--set",
        "replicaCount=2",
        "--wait",
        "--timeout",
        "60s",
    ]);
    assert_eq!(
        deployments
            .get(&name)
            .await
            .unwrap()
            .status
            .unwrap()
            .ready_replicas,
        Some(2)
    );
    let history = helm.run(&["history", &release]);
    assert!(
        history.contains("superseded") && history.contains("Upgrade complete"),
        "{history}"
    );

    helm.run(&["rollback", &release, "1", "--wait", "--timeout", "60s"]);
    assert_eq!(deployments.get(&name).await.unwrap().spec.replicas, Some(1));

    helm.run(&["uninstall", &release, "--wait", "--timeout", "60s"]);
    assert!(deployments.get_opt(&name).await.unwrap().is_none());
    assert!(helm.run(&["list", "-q"]).trim().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn helm3_release_lifecycle() {
    lifecycle("helm3").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn helm4_release_lifecycle() {
    lifecycle("helm4").await;
}
