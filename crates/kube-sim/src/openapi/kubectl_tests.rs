//! The real kubectl against the discovery and OpenAPI documents of this crate.
//!
//! A small std-thread HTTP/1.1 server answers discovery (aggregated or legacy, by Accept),
//! `/openapi/v3`, a `default` Namespace, the objects a test seeds (others: 404 Status) and
//! records PATCH/POST requests with their bodies. kubectl must be on PATH: without it the
//! tests fail when `CI` is set and are skipped otherwise.

use std::collections::HashMap;

use serde_json::{json, Value};

mod server;

use server::Server;

const DEPLOYMENT: &str = concat!(
    "apiVersion: apps/v1\n",
    "kind: Deployment\n",
    "metadata:\n",
    "  name: web\n",
    "spec:\n",
    "  replicas: 2\n",
    "  selector:\n",
    "    matchLabels: {app: web}\n",
    "  template:\n",
    "    metadata:\n",
    "      labels: {app: web}\n",
    "    spec:\n",
    "      containers:\n",
    "      - name: nginx\n",
    "        image: nginx:1.27\n",
    "      - name: side\n",
    "        image: busybox\n",
);

#[test]
fn kubectl_discovers_resources() {
    let Some(server) = Server::start(HashMap::new()) else {
        return;
    };
    let (ok, out, err) = server.kubectl(&["api-versions"]);
    assert!(ok, "{err}");
    for gv in [
        "apps/v1",
        "autoscaling/v2",
        "autoscaling/v1",
        "example.com/v1",
        "example.com/v1beta1",
        "v1",
    ] {
        assert!(out.lines().any(|l| l == gv), "{gv} missing from\n{out}");
    }
    let (ok, out, err) = server.kubectl(&["api-resources"]);
    assert!(ok, "{err}");
    let row = |name: &str| {
        out.lines()
            .find(|l| l.split_whitespace().next() == Some(name))
            .map(|l| l.split_whitespace().collect::<Vec<_>>())
    };
    assert_eq!(
        row("deployments").unwrap(),
        ["deployments", "deploy", "apps/v1", "true", "Deployment"]
    );
    assert_eq!(
        row("widgets").unwrap(),
        ["widgets", "wg", "example.com/v1", "true", "Widget"]
    );
    assert_eq!(
        row("namespaces").unwrap(),
        ["namespaces", "ns", "v1", "false", "Namespace"]
    );
    let (ok, out, _) = server.kubectl(&["api-resources", "--categories=all", "-o", "name"]);
    assert!(ok);
    assert!(
        out.contains("deployments.apps") && out.contains("widgets.example.com"),
        "{out}"
    );
    let first = server.requests();
    assert!(
        first.iter().any(|(r, _)| r.starts_with("GET /apis")),
        "{first:?}"
    );
    // Aggregated discovery answered: no per-group-version fetches.
    assert!(
        !first
            .iter()
            .any(|(r, _)| r.starts_with("GET /apis/apps/v1")),
        "{first:?}"
    );
}

#[test]
fn kubectl_reads_legacy_discovery() {
    let Some(server) = Server::start_with(HashMap::new(), true) else {
        return;
    };
    let (ok, out, err) = server.kubectl(&["api-resources", "--api-group=apps"]);
    assert!(ok, "{err}");
    assert!(
        out.lines()
            .any(|l| l.starts_with("deployments ") && l.contains("deploy")),
        "{out}"
    );
    let (ok, out, err) =
        server.kubectl(&["api-resources", "--api-group=example.com", "-o", "wide"]);
    assert!(ok, "{err}");
    assert!(out.contains("widgets") && out.contains("all,toys"), "{out}");
    let requests = server.requests();
    for path in [
        "GET /api/v1",
        "GET /apis/apps/v1",
        "GET /apis/example.com/v1beta1",
    ] {
        assert!(
            requests.iter().any(|(r, _)| r.starts_with(path)),
            "{path}: {requests:?}"
        );
    }
}

#[test]
fn kubectl_explains_from_openapi_v3() {
    let Some(server) = Server::start(HashMap::new()) else {
        return;
    };
    let (ok, out, err) = server.kubectl(&["explain", "deployment.spec.replicas"]);
    assert!(ok, "{err}");
    assert!(out.contains("GROUP:      apps"), "{out}");
    assert!(out.contains("FIELD: replicas <integer>"), "{out}");
    assert!(out.contains("Number of desired pods"), "{out}");
    let (ok, out, err) = server.kubectl(&["explain", "deploy.spec.template.spec.containers"]);
    assert!(ok, "{err}");
    assert!(out.contains("FIELD: containers <[]Container>"), "{out}");
    let (ok, out, err) = server.kubectl(&["explain", "svc.spec.ports.targetPort"]);
    assert!(ok, "{err}");
    assert!(out.contains("targetPort"), "{out}");
    let (ok, out, err) = server.kubectl(&["explain", "widgets.spec"]);
    assert!(ok, "{err}");
    assert!(
        out.contains("size\t<integer>") || out.contains("size <integer>"),
        "{out}"
    );
    let requests = server.requests();
    assert!(requests
        .iter()
        .any(|(r, _)| r.starts_with("GET /openapi/v3/apis/apps/v1?hash=")));
}

#[test]
fn kubectl_apply_trusts_server_side_validation() {
    let Some(server) = Server::start(HashMap::new()) else {
        return;
    };
    let file = server.write("deploy.yaml", DEPLOYMENT);
    let (ok, out, err) = server.kubectl(&["apply", "--dry-run=client", "-f", &file]);
    assert!(ok, "{err}");
    assert_eq!(out, "deployment.apps/web created (dry run)\n");
    let requests = server.requests();
    assert!(requests
        .iter()
        .any(|(r, _)| r.starts_with("GET /apis/apps/v1/namespaces/default/deployments/web")));
    assert!(
        !requests
            .iter()
            .any(|(r, _)| r.starts_with("GET /openapi/v2")),
        "fell back to v2: {requests:?}"
    );

    let widget =
        "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w1\nspec:\n  size: 3\n";
    let file = server.write("widget.yaml", widget);
    let (ok, out, err) = server.kubectl(&["apply", "--dry-run=client", "-f", &file]);
    assert!(ok, "{err}");
    assert_eq!(out, "widget.example.com/w1 created (dry run)\n");
    let requests = server.requests();
    assert!(requests
        .iter()
        .any(|(r, _)| r.starts_with("GET /openapi/v3/apis/example.com/v1?hash=")));
    assert!(
        !requests
            .iter()
            .any(|(r, _)| r.starts_with("GET /openapi/v2")),
        "fell back to v2: {requests:?}"
    );
}

#[test]
fn kubectl_computes_strategic_merge_patches() {
    let spec = |image: &str| {
        json!({"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
               "template": {"metadata": {"labels": {"app": "web"}},
                            "spec": {"containers": [{"name": "nginx", "image": image},
                                                    {"name": "side", "image": "busybox"}]}}})
    };
    // What `kubectl apply` stored last time: nginx:1.26 (compact JSON, sorted keys, "\n").
    let applied = json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"annotations": {}, "name": "web", "namespace": "default"},
        "spec": spec("nginx:1.26"),
    });
    let annotations =
        json!({"kubectl.kubernetes.io/last-applied-configuration": format!("{applied}\n")});
    let live = json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "default", "resourceVersion": "5", "uid": "u1",
                     "annotations": annotations},
        "spec": spec("nginx:1.26"),
    });
    let path = "/apis/apps/v1/namespaces/default/deployments/web";
    let Some(server) = Server::start(HashMap::from([(path.to_owned(), live)])) else {
        return;
    };
    let file = server.write("deploy.yaml", DEPLOYMENT);
    let (ok, out, err) = server.kubectl(&["apply", "--dry-run=server", "-f", &file]);
    assert!(ok, "{err}");
    assert_eq!(out, "deployment.apps/web configured (server dry run)\n");
    let requests = server.requests();
    let (line, body) = requests
        .iter()
        .find(|(r, _)| r.starts_with("PATCH "))
        .unwrap();
    assert!(
        line.contains("fieldValidation=Strict") && line.contains("dryRun=All"),
        "{line}"
    );
    let patch: Value = serde_json::from_str(body).unwrap();
    let spec = &patch["spec"]["template"]["spec"];
    assert_eq!(
        spec["$setElementOrder/containers"],
        json!([{"name": "nginx"}, {"name": "side"}])
    );
    assert_eq!(
        spec["containers"],
        json!([{"image": "nginx:1.27", "name": "nginx"}])
    );

    let (ok, _, err) = server.kubectl(&["apply", "--server-side", "--dry-run=server", "-f", &file]);
    assert!(ok, "{err}");
    let requests = server.requests();
    let ssa = requests
        .iter()
        .filter(|(r, _)| r.starts_with("PATCH "))
        .nth(1)
        .unwrap();
    assert!(ssa.0.contains("fieldManager=kubectl"), "{}", ssa.0);
}
