use std::collections::HashMap;
use std::process::Command;

use crate::stub::Stub;

fn list(kind: &str, items: serde_json::Value) -> String {
    serde_json::json!({"apiVersion": "v1", "kind": format!("{kind}List"), "metadata": {}, "items": items})
        .to_string()
}

fn stub() -> Stub {
    let oci = serde_json::json!([{
        "apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "OCIRepository",
        "metadata": {"name": "podinfo", "namespace": "flux-system", "generation": 1},
        "spec": {"url": "oci://ghcr.io/stefanprodan/manifests/podinfo", "interval": "10m"},
        "status": {
            "artifact": {"digest": "sha256:aa", "path": "p", "url": "u",
                "revision": "latest@sha256:bb", "lastUpdateTime": "2026-01-01T00:00:00Z"},
            "conditions": [{"type": "Ready", "status": "True", "reason": "Succeeded",
                "message": "stored artifact for digest 'latest@sha256:bb'",
                "observedGeneration": 1, "lastTransitionTime": "2026-01-01T00:00:00Z"}]}
    }]);
    let ks = serde_json::json!([{
        "apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization",
        "metadata": {"name": "podinfo", "namespace": "flux-system", "generation": 2},
        "spec": {"interval": "10m", "prune": true, "suspend": true,
            "sourceRef": {"kind": "OCIRepository", "name": "podinfo"}},
        "status": {"conditions": [{"type": "Ready", "status": "False", "reason": "BuildFailed",
            "message": "kustomize build failed", "observedGeneration": 2,
            "lastTransitionTime": "2026-01-01T00:00:00Z"}]}
    }]);
    let mut routes = HashMap::new();
    routes.insert(
        "/apis/source.toolkit.fluxcd.io/v1/namespaces/flux-system/ocirepositories".to_owned(),
        list("OCIRepository", oci),
    );
    routes.insert(
        "/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/flux-system/kustomizations".to_owned(),
        list("Kustomization", ks),
    );
    routes.insert(
        "/apis/helm.toolkit.fluxcd.io/v2/namespaces/flux-system/helmreleases".to_owned(),
        list("HelmRelease", serde_json::json!([])),
    );
    Stub::start(routes)
}

fn ferroflux(stub: &Stub, args: &[&str]) -> (bool, String, String) {
    // One directory per call: tests run in parallel, each with its own stub server.
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let dir = std::env::temp_dir().join(format!("ferroflux-cli-{}-{call}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_ferroflux"))
        .args(args)
        .env("KUBECONFIG", stub.kubeconfig(&dir))
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn get_sources_prints_flux_columns() {
    let stub = stub();
    let (ok, out, err) = ferroflux(&stub, &["get", "sources", "oci"]);
    assert!(ok, "{err}");
    assert_eq!(
        out,
        "NAME      REVISION           SUSPENDED   READY   MESSAGE\n\
         podinfo   latest@sha256:bb   False       True    stored artifact for digest 'latest@sha256:bb'\n"
    );
}

#[test]
fn get_all_as_json_and_yaml() {
    let stub = stub();
    let (ok, out, err) = ferroflux(&stub, &["get", "all", "-o", "json"]);
    assert!(ok, "{err}");
    let rows: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 2);
    assert_eq!(rows[1]["kind"], "Kustomization");
    assert_eq!(rows[1]["suspended"], true);
    assert_eq!(rows[1]["ready"], "False");
    assert_eq!(rows[1]["message"], "kustomize build failed");
    let (ok, out, _) = ferroflux(&stub, &["get", "ks", "-o", "yaml"]);
    assert!(ok);
    assert!(
        out.contains("name: podinfo") && out.contains("ready: 'False'"),
        "{out}"
    );
}

#[test]
fn get_missing_object_fails_with_the_api_error() {
    let stub = stub();
    let (ok, _, err) = ferroflux(&stub, &["get", "hr", "nope"]);
    assert!(!ok);
    assert!(err.contains("not found"), "{err}");
}

#[test]
fn reconcile_annotates_and_waits_until_timeout() {
    let obj = serde_json::json!({
        "apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "OCIRepository",
        "metadata": {"name": "podinfo", "namespace": "flux-system", "generation": 1},
        "spec": {"url": "oci://r/podinfo", "interval": "10m"},
        "status": {"lastHandledReconcileAt": "an-older-request"}
    });
    let mut routes = HashMap::new();
    routes.insert(
        "/apis/source.toolkit.fluxcd.io/v1/namespaces/flux-system/ocirepositories/podinfo"
            .to_owned(),
        obj.to_string(),
    );
    let stub = Stub::start(routes);
    let (ok, _, err) = ferroflux(
        &stub,
        &[
            "reconcile",
            "source",
            "oci",
            "podinfo",
            "--timeout",
            "1500ms",
        ],
    );
    assert!(!ok);
    assert!(
        err.contains("► annotating OCIRepository podinfo in flux-system namespace"),
        "{err}"
    );
    assert!(err.contains("timed out"), "{err}");
    let requests = stub.requests.lock().unwrap().clone();
    let patch = requests
        .iter()
        .find(|r| r.starts_with("PATCH "))
        .expect("a PATCH request");
    assert!(patch.contains("reconcile.fluxcd.io/requestedAt"), "{patch}");
    assert!(
        requests.iter().filter(|r| r.starts_with("GET ")).count() >= 2,
        "{requests:?}"
    );
}
