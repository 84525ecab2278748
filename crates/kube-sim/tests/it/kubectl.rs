//! The real kubectl against kube-sim.

use std::path::PathBuf;
use std::process::Command;

use crate::support::start;

/// kubectl, or None (with a message) outside CI when it is missing; in CI a missing
/// kubectl fails the test.
fn kubectl() -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join("kubectl"))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "kubectl is required in CI"
        );
        eprintln!("SKIPPED: kubectl not found on PATH");
    }
    found
}

struct Kubectl {
    bin: PathBuf,
    kubeconfig: PathBuf,
    _dir: tempfile::TempDir,
}

impl Kubectl {
    fn run(&self, args: &[&str]) -> (bool, String, String) {
        let out = Command::new(&self.bin)
            .args(args)
            .env("KUBECONFIG", &self.kubeconfig)
            .env("HOME", self._dir.path())
            .output()
            .unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    fn ok(&self, args: &[&str]) -> String {
        let (ok, out, err) = self.run(args);
        assert!(ok, "kubectl {args:?} failed: {err}");
        out
    }

    fn file(&self, name: &str, text: &str) -> String {
        let path = self._dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path.display().to_string()
    }
}

async fn setup() -> Option<(kube_sim::KubeSim, Kubectl)> {
    let bin = kubectl()?;
    let sim = start().await;
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("kubeconfig");
    sim.write_kubeconfig(&kubeconfig).unwrap();
    Some((
        sim,
        Kubectl {
            bin,
            kubeconfig,
            _dir: dir,
        },
    ))
}

#[tokio::test(flavor = "multi_thread")]
async fn apply_get_label_delete() {
    let Some((_sim, k)) = setup().await else {
        return;
    };
    let ns = k.ok(&["get", "namespaces", "-o", "name"]);
    assert_eq!(ns, "namespace/default\nnamespace/kube-node-lease\nnamespace/kube-public\nnamespace/kube-system\n");

    let file = k.file(
        "cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: demo\n  labels: {app: web}\ndata:\n  a: \"1\"\n",
    );
    assert_eq!(k.ok(&["apply", "-f", &file]), "configmap/demo created\n");
    assert_eq!(k.ok(&["apply", "-f", &file]), "configmap/demo unchanged\n");
    let yaml = k.ok(&["get", "configmap", "demo", "-o", "yaml"]);
    assert!(
        yaml.contains("kubectl.kubernetes.io/last-applied-configuration"),
        "{yaml}"
    );
    assert!(
        yaml.contains("uid: ") && yaml.contains("resourceVersion: "),
        "{yaml}"
    );
    assert_eq!(
        k.ok(&["label", "cm", "demo", "tier=x"]),
        "configmap/demo labeled\n"
    );
    // kubectl decodes strictly: unknown fields of built-in kinds are refused.
    let bad = k.file(
        "bad.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bad\ndata: {}\nfoo: bar\n",
    );
    let (ok, _, err) = k.run(&["apply", "-f", &bad]);
    assert!(
        !ok && err.contains("strict decoding error: unknown field \"foo\""),
        "{err}"
    );
    assert_eq!(
        k.ok(&[
            "get",
            "cm",
            "-l",
            "tier=x",
            "-o",
            "jsonpath={.items[*].metadata.name}"
        ]),
        "demo"
    );
    assert_eq!(
        k.ok(&["annotate", "cm", "demo", "note=hi"]),
        "configmap/demo annotated\n"
    );
    let (ok, _, err) = k.run(&["get", "cm", "missing"]);
    assert!(
        !ok && err.contains("configmaps \"missing\" not found"),
        "{err}"
    );
    assert_eq!(
        k.ok(&["delete", "cm", "demo"]),
        "configmap \"demo\" deleted\n"
    );
    let (ok, _, err) = k.run(&["get", "cm", "demo"]);
    assert!(
        !ok && err.contains("NotFound") || err.contains("not found"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn discovery_serves_api_resources_and_explain() {
    let Some((_sim, k)) = setup().await else {
        return;
    };
    let resources = k.ok(&["api-resources", "-o", "name"]);
    for r in [
        "deployments.apps",
        "configmaps",
        "customresourcedefinitions.apiextensions.k8s.io",
        "leases.coordination.k8s.io",
    ] {
        assert!(
            resources.lines().any(|l| l == r),
            "missing {r} in\n{resources}"
        );
    }
    let explain = k.ok(&["explain", "deployment.spec.replicas"]);
    assert!(
        explain.contains("replicas") && explain.contains("integer"),
        "{explain}"
    );
    let versions = k.ok(&["api-versions"]);
    assert!(versions.lines().any(|l| l == "apps/v1"), "{versions}");
}

#[tokio::test(flavor = "multi_thread")]
async fn rollout_status_and_wait_see_simulated_readiness() {
    let Some((_sim, k)) = setup().await else {
        return;
    };
    let file = k.file(
        "deploy.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.25\n",
    );
    assert_eq!(
        k.ok(&["apply", "-f", &file]),
        "deployment.apps/web created\n"
    );
    let out = k.ok(&["rollout", "status", "deployment/web", "--timeout=30s"]);
    assert!(out.contains("successfully rolled out"), "{out}");
    let out = k.ok(&[
        "wait",
        "--for=condition=Available",
        "deployment/web",
        "--timeout=30s",
    ]);
    assert_eq!(out, "deployment.apps/web condition met\n");
    let pods = k.ok(&[
        "get",
        "pods",
        "-l",
        "app=web",
        "-o",
        "jsonpath={.items[*].status.phase}",
    ]);
    assert_eq!(pods, "Running Running");
    // An image change rolls out again through the strategic merge patch kubectl sends.
    let file2 = k.file(
        "deploy2.yaml",
        &std::fs::read_to_string(&file)
            .unwrap()
            .replace("nginx:1.25", "nginx:1.26"),
    );
    assert_eq!(
        k.ok(&["apply", "-f", &file2]),
        "deployment.apps/web configured\n"
    );
    let out = k.ok(&["rollout", "status", "deployment/web", "--timeout=30s"]);
    assert!(out.contains("successfully rolled out"), "{out}");
    let image = k.ok(&[
        "get",
        "deploy",
        "web",
        "-o",
        "jsonpath={.spec.template.spec.containers[0].image}",
    ]);
    assert_eq!(image, "nginx:1.26");
    assert_eq!(k.ok(&["get", "rs", "-o", "name"]).lines().count(), 2);
    assert_eq!(
        k.ok(&["scale", "deployment/web", "--replicas=3"]),
        "deployment.apps/web scaled\n"
    );
    let out = k.ok(&["rollout", "status", "deployment/web", "--timeout=30s"]);
    assert!(out.contains("successfully rolled out"), "{out}");
    assert_eq!(
        k.ok(&[
            "get",
            "deploy",
            "web",
            "-o",
            "jsonpath={.status.readyReplicas}"
        ]),
        "3"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn kubectl_over_https() {
    let Some(bin) = kubectl() else { return };
    let sim = crate::support::start_tls().await;
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("kubeconfig");
    sim.write_kubeconfig(&kubeconfig).unwrap();
    let k = Kubectl {
        bin,
        kubeconfig,
        _dir: dir,
    };
    assert_eq!(
        k.ok(&["get", "ns", "default", "-o", "name"]),
        "namespace/default\n"
    );
    let file = k.file(
        "cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: tls\n",
    );
    assert_eq!(k.ok(&["apply", "-f", &file]), "configmap/tls created\n");
}

#[tokio::test(flavor = "multi_thread")]
async fn server_side_apply_of_flux_crds_protobuf_creates_and_printer_columns() {
    let Some((_sim, k)) = setup().await else {
        return;
    };
    let crds = concat!(env!("CARGO_MANIFEST_DIR"), "/../../config/crd/bases");
    let out = k.ok(&["apply", "--server-side", "-f", crds]);
    assert_eq!(out.lines().count(), 3, "{out}");
    assert!(out.contains("customresourcedefinition.apiextensions.k8s.io/ocirepositories.source.toolkit.fluxcd.io serverside-applied"), "{out}");
    let out = k.ok(&[
        "wait",
        "--for=condition=Established",
        "crd/helmreleases.helm.toolkit.fluxcd.io",
        "--timeout=20s",
    ]);
    assert!(out.contains("condition met"), "{out}");
    // kubectl sends these creates as protobuf.
    assert_eq!(
        k.ok(&["create", "namespace", "flux-system"]),
        "namespace/flux-system created\n"
    );
    assert_eq!(
        k.ok(&[
            "create",
            "configmap",
            "vars",
            "-n",
            "flux-system",
            "--from-literal=a=b"
        ]),
        "configmap/vars created\n"
    );
    let samples = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../config/samples/1-manifests.yaml"
    );
    let out = k.ok(&["apply", "--server-side", "-f", samples]);
    assert!(
        out.contains("ocirepository.source.toolkit.fluxcd.io/podinfo serverside-applied"),
        "{out}"
    );
    // The CRD's printer columns come back as a Table.
    let table = k.ok(&["get", "ocirepositories", "-n", "flux-system"]);
    let header: Vec<&str> = table.lines().next().unwrap().split_whitespace().collect();
    assert_eq!(header, ["NAME", "URL", "READY", "STATUS", "AGE"], "{table}");
    assert!(
        table.contains("oci://ghcr.io/stefanprodan/manifests/podinfo"),
        "{table}"
    );
    // Another manager changing a value kubectl owns conflicts.
    let changed = k.file(
        "changed.yaml",
        &std::fs::read_to_string(samples)
            .unwrap()
            .replacen("interval: 10m", "interval: 5m", 1),
    );
    let (ok, _, err) = k.run(&[
        "apply",
        "--server-side",
        "--field-manager=other",
        "-f",
        &changed,
    ]);
    assert!(!ok && err.contains("conflict with \"kubectl\""), "{err}");
    // Nothing to change: diff is empty and exits 0.
    let diff = k.run(&["diff", "--server-side", "-f", samples]);
    assert!(diff.0 && diff.1.is_empty(), "diff: {} {}", diff.1, diff.2);
}

#[tokio::test(flavor = "multi_thread")]
async fn rbac_can_i_and_impersonation_over_https() {
    let Some(bin) = kubectl() else { return };
    let sim = crate::support::start_tls().await;
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("kubeconfig");
    sim.write_kubeconfig(&kubeconfig).unwrap();
    let k = Kubectl {
        bin,
        kubeconfig,
        _dir: dir,
    };
    let rbac = k.file(
        "rbac.yaml",
        "apiVersion: v1\nkind: Namespace\nmetadata: {name: demo}\n---\n\
         apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: viewer, namespace: demo}\n---\n\
         apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: cm-reader, namespace: demo}\n\
         rules:\n- apiGroups: [\"\"]\n  resources: [configmaps]\n  verbs: [get, list, watch]\n---\n\
         apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: viewer, namespace: demo}\n\
         roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: cm-reader}\n\
         subjects:\n- kind: ServiceAccount\n  name: viewer\n  namespace: demo\n",
    );
    k.ok(&["apply", "-f", &rbac]);
    let sa = "--as=system:serviceaccount:demo:viewer";
    assert_eq!(
        k.ok(&["auth", "can-i", "list", "configmaps", "-n", "demo", sa]),
        "yes\n"
    );
    let (ok, out, _) = k.run(&["auth", "can-i", "list", "secrets", "-n", "demo", sa]);
    assert!(!ok && out == "no\n", "{out}");
    assert_eq!(
        k.ok(&["get", "configmaps", "-n", "demo", sa, "-o", "name"]),
        "configmap/kube-root-ca.crt\n"
    );
    let (ok, _, err) = k.run(&["get", "secrets", "-n", "demo", sa]);
    assert!(!ok, "secrets must be forbidden");
    assert!(
        err.contains("secrets is forbidden: User \"system:serviceaccount:demo:viewer\" cannot list resource \"secrets\" in API group \"\" in the namespace \"demo\""),
        "{err}"
    );
    let whoami = k.ok(&[
        "auth",
        "whoami",
        sa,
        "-o",
        "jsonpath={.status.userInfo.username}",
    ]);
    assert_eq!(whoami, "system:serviceaccount:demo:viewer");
    // A token issued for the ServiceAccount authenticates as it.
    let token = k.ok(&["create", "token", "viewer", "-n", "demo"]);
    let (ok, _, err) = k.run(&[
        "get",
        "secrets",
        "-n",
        "demo",
        &format!("--token={}", token.trim()),
    ]);
    assert!(!ok && err.contains("forbidden"), "{err}");
    let (ok, _, err) = k.run(&["get", "pods", "-n", "demo", "--token=not-a-token"]);
    assert!(!ok && err.contains("Unauthorized"), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn patch_types_wide_output_watch_and_namespace_deletion() {
    let Some((_sim, k)) = setup().await else {
        return;
    };
    let file = k.file(
        "app.yaml",
        concat!(
            "apiVersion: v1\nkind: Namespace\nmetadata: {name: team}\n---\n",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: team}\n",
            "spec:\n  replicas: 1\n  selector: {matchLabels: {app: web}}\n",
            "  template:\n    metadata: {labels: {app: web}}\n",
            "    spec:\n      containers:\n      - {name: web, image: \"nginx:1.25\"}\n",
        ),
    );
    k.ok(&["apply", "-f", &file]);
    k.ok(&[
        "rollout",
        "status",
        "deploy/web",
        "-n",
        "team",
        "--timeout=30s",
    ]);
    let wide = k.ok(&["get", "deploy", "-n", "team", "-o", "wide"]);
    let header: Vec<&str> = wide.lines().next().unwrap().split_whitespace().collect();
    assert_eq!(
        header,
        [
            "NAME",
            "READY",
            "UP-TO-DATE",
            "AVAILABLE",
            "AGE",
            "CONTAINERS",
            "IMAGES",
            "SELECTOR"
        ],
        "{wide}"
    );
    assert!(
        wide.contains("nginx:1.25") && wide.contains("app=web"),
        "{wide}"
    );

    assert_eq!(
        k.ok(&[
            "patch",
            "deploy",
            "web",
            "-n",
            "team",
            "--type=merge",
            "-p",
            r#"{"metadata":{"labels":{"a":"1"}}}"#
        ]),
        "deployment.apps/web patched\n"
    );
    assert_eq!(
        k.ok(&[
            "patch",
            "deploy",
            "web",
            "-n",
            "team",
            "--type=json",
            "-p",
            r#"[{"op":"add","path":"/metadata/labels/b","value":"2"}]"#
        ]),
        "deployment.apps/web patched\n"
    );
    assert_eq!(
        k.ok(&[
            "patch",
            "deploy",
            "web",
            "-n",
            "team",
            "--type=strategic",
            "-p",
            r#"{"spec":{"template":{"spec":{"containers":[{"name":"web","image":"nginx:1.26"}]}}}}"#
        ]),
        "deployment.apps/web patched\n"
    );
    let (ok, _, err) = k.run(&[
        "patch",
        "deploy",
        "web",
        "-n",
        "team",
        "--type=json",
        "-p",
        r#"[{"op":"test","path":"/metadata/name","value":"other"}]"#,
    ]);
    assert!(
        !ok && err.contains("the server rejected our request"),
        "{err}"
    );
    let labels = k.ok(&["get", "deploy", "web", "-n", "team", "-o", "jsonpath={.metadata.labels.a}{.metadata.labels.b}{.spec.template.spec.containers[0].image}"]);
    assert_eq!(labels, "12nginx:1.26");

    // `get --watch` prints the current object, then follows changes until the request times out.
    let watch = k.ok(&[
        "get",
        "configmap",
        "kube-root-ca.crt",
        "-n",
        "team",
        "--watch",
        "--request-timeout=2s",
    ]);
    assert!(watch.contains("kube-root-ca.crt"), "{watch}");

    assert_eq!(
        k.ok(&["delete", "namespace", "team", "--timeout=30s"]),
        "namespace \"team\" deleted\n"
    );
    let (ok, _, err) = k.run(&["get", "namespace", "team"]);
    assert!(!ok && err.contains("not found"), "{err}");
    let left = k.ok(&["get", "deploy,rs,pods", "-n", "team", "-o", "name"]);
    assert!(left.trim().is_empty(), "content left behind: {left}");
}
