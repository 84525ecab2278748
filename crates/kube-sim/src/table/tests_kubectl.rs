//! The real `kubectl get` prints the tables of this module as expected.
//!
//! A std-thread HTTP/1.1 server answers legacy discovery and serves seeded objects: lists
//! and single objects as Tables when the Accept header asks for one (`wants_table`), as JSON
//! otherwise. kubectl must be on PATH: without it the tests fail when `CI` is set and are
//! skipped otherwise.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::thread;

use jiff::{SignedDuration, Timestamp};
use serde_json::{json, Value};

use super::{table, wants_table, watch_event_table, IncludeObject, TableKind};

/// (list path, kind, objects) served by the fake server.
struct Resource {
    path: &'static str,
    kind: TableKind,
    objects: Vec<Value>,
}

struct State {
    resources: Vec<Resource>,
    accepts: Mutex<Vec<String>>,
}

fn api_resource(name: &str, kind: &str) -> Value {
    json!({"name": name, "singularName": kind.to_lowercase(), "namespaced": true, "kind": kind,
           "verbs": ["get", "list"]})
}

fn discovery(path: &str) -> Option<Value> {
    let group = |gv: &str| {
        let (name, version) = gv.split_once('/').unwrap_or(("", gv));
        let v = json!({"groupVersion": gv, "version": version});
        json!({"name": name, "versions": [v], "preferredVersion": v})
    };
    let list = |gv: &str, resources: Value| json!({"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv, "resources": resources});
    Some(match path {
        "/version" => json!({"major": "1", "minor": "32", "gitVersion": "v1.32.0"}),
        "/api" => json!({"kind": "APIVersions", "versions": ["v1"]}),
        "/apis" => json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": [
            group("apps/v1"), group("rbac.authorization.k8s.io/v1"), group("source.toolkit.fluxcd.io/v1")]}),
        "/api/v1" => list("v1", json!([api_resource("pods", "Pod")])),
        "/apis/apps/v1" => list(
            "apps/v1",
            json!([api_resource("deployments", "Deployment")]),
        ),
        "/apis/rbac.authorization.k8s.io/v1" => list(
            "rbac.authorization.k8s.io/v1",
            json!([api_resource("roles", "Role")]),
        ),
        "/apis/source.toolkit.fluxcd.io/v1" => list(
            "source.toolkit.fluxcd.io/v1",
            json!([api_resource("ocirepositories", "OCIRepository")]),
        ),
        _ => return None,
    })
}

impl State {
    /// A watch: two changes of the first object as one-row Table events (headers on the
    /// first event only), then the stream ends.
    fn watch(&self, path: &str, accept: Option<&str>) -> Option<String> {
        let r = self.resources.iter().find(|r| r.path == path)?;
        let mut events = String::new();
        for (i, ready) in [3, 1].into_iter().enumerate() {
            let mut object = r.objects.first()?.clone();
            object["status"]["readyReplicas"] = json!(ready);
            object["metadata"]["resourceVersion"] = json!(format!("{}", 101 + i));
            let table = watch_event_table(&r.kind, &object, IncludeObject::Metadata, i == 0);
            assert!(wants_table(accept), "{accept:?}");
            events.push_str(&json!({"type": "MODIFIED", "object": table}).to_string());
            events.push('\n');
        }
        Some(events)
    }

    fn get(&self, path: &str, accept: Option<&str>) -> (u16, Value) {
        if let Some(doc) = discovery(path) {
            return (200, doc);
        }
        self.accepts
            .lock()
            .unwrap()
            .push(accept.unwrap_or_default().to_owned());
        for r in &self.resources {
            let objects: Vec<Value> = if path == r.path {
                r.objects.clone()
            } else if let Some(name) = path.strip_prefix(r.path).and_then(|p| p.strip_prefix('/')) {
                r.objects
                    .iter()
                    .filter(|o| o["metadata"]["name"] == name)
                    .cloned()
                    .collect()
            } else {
                continue;
            };
            if !wants_table(accept) {
                return (406, json!({"kind": "Status", "code": 406}));
            }
            return (
                200,
                table(&r.kind, &objects, IncludeObject::Metadata, "100", true),
            );
        }
        (
            404,
            json!({"kind": "Status", "apiVersion": "v1", "status": "Failure", "code": 404, "reason": "NotFound"}),
        )
    }
}

fn serve(stream: TcpStream, state: &State) {
    let mut reader = BufReader::new(&stream);
    let (mut line, mut accept) = (String::new(), None);
    if reader.read_line(&mut line).is_err() {
        return;
    }
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).map_or(true, |n| n == 0) || header == "\r\n" {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            if name.eq_ignore_ascii_case("accept") {
                accept = Some(value.trim().to_owned());
            }
        }
    }
    let target = line.split_whitespace().nth(1).unwrap_or_default();
    let path = target.split('?').next().unwrap_or_default();
    if target.contains("watch=true") || target.contains("watch=1") {
        let events = state.watch(path, accept.as_deref()).unwrap_or_default();
        let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n";
        let mut stream = &stream;
        let _ = stream
            .write_all(head.as_bytes())
            .and_then(|()| stream.write_all(events.as_bytes()));
        return;
    }
    let (code, body) = state.get(path, accept.as_deref());
    let body = body.to_string();
    let head = format!(
        "HTTP/1.1 {code} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let mut stream = &stream;
    let _ = stream
        .write_all(head.as_bytes())
        .and_then(|()| stream.write_all(body.as_bytes()));
}

struct Kubectl {
    dir: tempfile::TempDir,
    state: Arc<State>,
}

impl Kubectl {
    fn start(resources: Vec<Resource>) -> Option<Self> {
        if let Err(e) = Command::new("kubectl")
            .args(["version", "--client"])
            .output()
        {
            let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false");
            assert!(!ci, "kubectl is required on CI: {e}");
            eprintln!("SKIPPED: kubectl is not on PATH ({e})");
            return None;
        }
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let state = Arc::new(State {
            resources,
            accepts: Mutex::default(),
        });
        let server_state = Arc::clone(&state);
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let state = Arc::clone(&server_state);
                thread::spawn(move || serve(stream, &state));
            }
        });
        let dir = tempfile::tempdir().unwrap();
        let kubeconfig = format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: fake\n  cluster:\n    server: {url}\n\
             contexts:\n- name: fake\n  context: {{cluster: fake, user: fake, namespace: demo}}\n\
             current-context: fake\nusers:\n- name: fake\n  user: {{}}\n"
        );
        std::fs::write(dir.path().join("kubeconfig"), kubeconfig).unwrap();
        Some(Self { dir, state })
    }

    /// kubectl's output, one `Vec` of whitespace-separated words per line.
    fn get(&self, args: &[&str]) -> Vec<Vec<String>> {
        let out = Command::new("kubectl")
            .env("KUBECONFIG", self.dir.path().join("kubeconfig"))
            .arg("--cache-dir")
            .arg(self.dir.path().join("cache"))
            .arg("get")
            .args(args)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            out.status.success(),
            "kubectl get {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        println!("kubectl get {}:\n{stdout}", args.join(" "));
        stdout
            .lines()
            .map(|l| l.split_whitespace().map(str::to_owned).collect())
            .collect()
    }
}

fn words(lines: &[&str]) -> Vec<Vec<String>> {
    lines
        .iter()
        .map(|l| l.split_whitespace().map(str::to_owned).collect())
        .collect()
}

#[test]
fn kubectl_get_prints_the_tables() {
    // Two days old: the age reads `2d` for an hour.
    let created = (Timestamp::now() - SignedDuration::from_hours(48)).to_string();
    let meta = |name: &str| {
        json!({"name": name, "namespace": "demo", "uid": "u", "resourceVersion": "5",
                                   "creationTimestamp": created, "labels": {"app": name}})
    };
    let deployment = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": meta("web"),
        "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}}, "template": {"spec": {"containers": [
            {"name": "nginx", "image": "nginx:1.27"}, {"name": "side", "image": "busybox"}]}}},
        "status": {"readyReplicas": 2, "updatedReplicas": 3, "availableReplicas": 2}});
    let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": meta("web-1"),
        "spec": {"containers": [{"name": "nginx"}], "nodeName": "node-1"},
        "status": {"phase": "Running", "podIPs": [{"ip": "10.0.0.5"}], "containerStatuses": [
            {"name": "nginx", "ready": true, "restartCount": 0, "state": {"running": {}}}]}});
    let role = json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
        "metadata": {"name": "reader", "namespace": "demo", "creationTimestamp": "2026-06-15T04:15:57Z"}});
    let repo = json!({"apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "OCIRepository", "metadata": meta("podinfo"),
        "spec": {"url": "oci://ghcr.io/stefanprodan/manifests/podinfo"},
        "status": {"conditions": [{"type": "Ready", "status": "True", "message": "stored"}]}});
    let oci_columns = json!([
        {"jsonPath": ".spec.url", "name": "URL", "type": "string"},
        {"jsonPath": ".status.conditions[?(@.type==\"Ready\")].status", "name": "Ready", "type": "string"},
        {"jsonPath": ".status.conditions[?(@.type==\"Ready\")].message", "name": "Status", "type": "string"},
        {"jsonPath": ".metadata.creationTimestamp", "name": "Age", "type": "date"}]);
    let Some(kubectl) = Kubectl::start(vec![
        Resource {
            path: "/apis/apps/v1/namespaces/demo/deployments",
            kind: TableKind::builtin("apps", "Deployment"),
            objects: vec![deployment],
        },
        Resource {
            path: "/api/v1/namespaces/demo/pods",
            kind: TableKind::builtin("", "Pod"),
            objects: vec![pod],
        },
        Resource {
            path: "/apis/rbac.authorization.k8s.io/v1/namespaces/demo/roles",
            kind: TableKind::builtin("rbac.authorization.k8s.io", "Role"),
            objects: vec![role],
        },
        Resource {
            path: "/apis/source.toolkit.fluxcd.io/v1/namespaces/demo/ocirepositories",
            kind: TableKind::custom(
                "source.toolkit.fluxcd.io",
                "OCIRepository",
                oci_columns.as_array().unwrap().clone(),
            ),
            objects: vec![repo],
        },
    ]) else {
        return;
    };

    assert_eq!(
        kubectl.get(&["deployments"]),
        words(&["NAME READY UP-TO-DATE AVAILABLE AGE", "web 2/3 3 2 2d"])
    );
    assert_eq!(
        kubectl.get(&["deployment", "web"]),
        words(&["NAME READY UP-TO-DATE AVAILABLE AGE", "web 2/3 3 2 2d"])
    );
    assert_eq!(
        kubectl.get(&["deployments", "-o", "wide"]),
        words(&[
            "NAME READY UP-TO-DATE AVAILABLE AGE CONTAINERS IMAGES SELECTOR",
            "web 2/3 3 2 2d nginx,side nginx:1.27,busybox app=web"
        ])
    );
    assert_eq!(
        kubectl.get(&["pods"]),
        words(&["NAME READY STATUS RESTARTS AGE", "web-1 1/1 Running 0 2d"])
    );
    assert_eq!(
        kubectl.get(&["pods", "-o", "wide"]),
        words(&[
            "NAME READY STATUS RESTARTS AGE IP NODE NOMINATED NODE READINESS GATES",
            "web-1 1/1 Running 0 2d 10.0.0.5 node-1 <none> <none>"
        ])
    );
    assert_eq!(
        kubectl.get(&["roles"]),
        words(&["NAME CREATED AT", "reader 2026-06-15T04:15:57Z"])
    );
    assert_eq!(
        kubectl.get(&["ocirepositories"]),
        words(&[
            "NAME URL READY STATUS AGE",
            "podinfo oci://ghcr.io/stefanprodan/manifests/podinfo True stored 2d"
        ])
    );
    assert_eq!(
        kubectl.get(&["ocirepositories", "--show-labels"]),
        words(&[
            "NAME URL READY STATUS AGE LABELS",
            "podinfo oci://ghcr.io/stefanprodan/manifests/podinfo True stored 2d app=podinfo"
        ])
    );
    let out = Command::new("kubectl")
        .env("KUBECONFIG", kubectl.dir.path().join("kubeconfig"))
        .args(["get", "deployments", "--watch", "--request-timeout=10s"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    println!(
        "kubectl get deployments --watch ({}):\n{stdout}{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        words(&lines),
        words(&[
            "NAME READY UP-TO-DATE AVAILABLE AGE",
            "web 2/3 3 2 2d",
            "web 3/3 3 2 2d",
            "web 1/3 3 2 2d"
        ])
    );
    let accepts = kubectl.state.accepts.lock().unwrap();
    assert!(
        accepts
            .iter()
            .all(|a| a.contains("as=Table") && wants_table(Some(a))),
        "{accepts:?}"
    );
}
