//! The real kubectl sends protobuf bodies to a fake server; each decodes to the JSON kubectl
//! itself prints for the same command with `--dry-run=client -o json`.
//!
//! A std-thread HTTP/1.1 server answers legacy discovery and, for every POST, records the
//! body and echoes `decode(body)` back as JSON (201), so kubectl also accepts the decoded
//! object as the server's answer. kubectl must be on PATH: without it the test fails when
//! `CI` is set and is skipped otherwise.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::thread;

use serde_json::{json, Value};

use super::{decode, is_protobuf};

type Log = Arc<Mutex<Vec<(String, String, Vec<u8>)>>>;

fn resource(name: &str, kind: &str, namespaced: bool) -> Value {
    json!({"name": name, "singularName": kind.to_lowercase(), "namespaced": namespaced,
           "kind": kind, "verbs": ["create", "get", "list"]})
}

fn discovery(path: &str) -> Option<Value> {
    let group = |name: &str| {
        let gv = json!({"groupVersion": format!("{name}/v1"), "version": "v1"});
        json!({"name": name, "versions": [gv], "preferredVersion": gv})
    };
    let list = |gv: &str, resources: Vec<Value>| {
        json!({"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv,
               "resources": resources})
    };
    Some(match path {
        "/version" => json!({"major": "1", "minor": "32", "gitVersion": "v1.32.0"}),
        "/api" => json!({"kind": "APIVersions", "versions": ["v1"]}),
        "/apis" => json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": [
            group("apps"), group("authorization.k8s.io"), group("authentication.k8s.io")]}),
        "/api/v1" => list(
            "v1",
            vec![
                resource("namespaces", "Namespace", false),
                resource("configmaps", "ConfigMap", true),
                resource("secrets", "Secret", true),
                resource("serviceaccounts", "ServiceAccount", true),
            ],
        ),
        "/apis/apps/v1" => list("apps/v1", vec![resource("deployments", "Deployment", true)]),
        "/apis/authorization.k8s.io/v1" => list(
            "authorization.k8s.io/v1",
            vec![
                resource("selfsubjectaccessreviews", "SelfSubjectAccessReview", false),
                resource("selfsubjectrulesreviews", "SelfSubjectRulesReview", false),
            ],
        ),
        "/apis/authentication.k8s.io/v1" => list(
            "authentication.k8s.io/v1",
            vec![resource("selfsubjectreviews", "SelfSubjectReview", false)],
        ),
        _ => return None,
    })
}

/// The echo of a decoded POST body, with the status a review needs.
fn answer(mut object: Value) -> Value {
    match object["kind"].as_str() {
        Some("SelfSubjectAccessReview") => object["status"] = json!({"allowed": true}),
        Some("SelfSubjectReview") => {
            object["status"] = json!({"userInfo": {"username": "alice", "groups": ["dev"]}});
        }
        _ => {}
    }
    object
}

fn serve(stream: TcpStream, log: &Log) {
    let mut reader = BufReader::new(&stream);
    let (mut line, mut content_type, mut length) = (String::new(), String::new(), 0);
    if reader.read_line(&mut line).is_err() {
        return;
    }
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).map_or(true, |n| n == 0) || header == "\r\n" {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            match name.to_ascii_lowercase().as_str() {
                "content-type" => content_type = value.trim().to_owned(),
                "content-length" => length = value.trim().parse().unwrap_or(0),
                _ => {}
            }
        }
    }
    let mut body = vec![0; length];
    if reader.read_exact(&mut body).is_err() {
        return;
    }
    let mut parts = line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let path = target.split('?').next().unwrap_or("");
    let (code, reply) = match method {
        "GET" => {
            discovery(path).map_or((404, json!({"kind": "Status", "code": 404})), |d| (200, d))
        }
        _ => {
            let decoded = decode(&body).map(answer);
            log.lock()
                .unwrap()
                .push((format!("{method} {path}"), content_type, body));
            match decoded {
                Ok(object) => (201, object),
                Err(e) => (
                    415,
                    json!({"kind": "Status", "code": 415, "message": e.to_string()}),
                ),
            }
        }
    };
    let body = reply.to_string();
    let head = format!(
        "HTTP/1.1 {code} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n",
        body.len()
    );
    let mut stream = &stream;
    let _ = stream
        .write_all(head.as_bytes())
        .and_then(|()| stream.write_all(body.as_bytes()));
}

struct Kubectl {
    dir: tempfile::TempDir,
    log: Log,
}

impl Kubectl {
    fn start() -> Option<Self> {
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
        let log = Log::default();
        let server_log = Arc::clone(&log);
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let log = Arc::clone(&server_log);
                thread::spawn(move || serve(stream, &log));
            }
        });
        let dir = tempfile::tempdir().unwrap();
        let kubeconfig = format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: fake\n  cluster:\n    server: {url}\n\
             contexts:\n- name: fake\n  context: {{cluster: fake, user: fake, namespace: demo}}\n\
             current-context: fake\nusers:\n- name: fake\n  user: {{}}\n"
        );
        std::fs::write(dir.path().join("kubeconfig"), kubeconfig).unwrap();
        std::fs::write(dir.path().join("blob.bin"), [0xff, 0xfe, 0x00, b'x']).unwrap();
        Some(Self { dir, log })
    }

    fn run(&self, args: &[&str]) -> String {
        let out = Command::new("kubectl")
            .current_dir(self.dir.path())
            .env("KUBECONFIG", self.dir.path().join("kubeconfig"))
            .arg("--cache-dir")
            .arg(self.dir.path().join("cache"))
            .args(args)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "kubectl {args:?}: {stderr}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Runs one command; returns the decoded body of the single POST it sent.
    fn post(&self, args: &[&str]) -> (String, Value) {
        let before = self.log.lock().unwrap().len();
        let stdout = self.run(args);
        let log = self.log.lock().unwrap();
        assert_eq!(log.len(), before + 1, "{args:?}: {:?}", &log[before..]);
        let (_, content_type, body) = &log[before];
        assert!(is_protobuf(content_type), "{args:?} sent {content_type}");
        (stdout, decode(body).unwrap())
    }
}

fn without_nulls(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, without_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(without_nulls).collect()),
        other => other,
    }
}

#[test]
fn kubectl_create_bodies_decode_to_kubectls_own_json() {
    let Some(kubectl) = Kubectl::start() else {
        return;
    };
    let commands: [&[&str]; 7] = [
        &["create", "namespace", "x"],
        &[
            "create",
            "configmap",
            "c",
            "--from-literal=a=b",
            "--from-file=blob.bin",
        ],
        &[
            "create",
            "secret",
            "generic",
            "s",
            "--from-literal=a=b",
            "--from-file=blob.bin",
        ],
        &[
            "create",
            "secret",
            "docker-registry",
            "r",
            "--docker-server=r.io",
            "--docker-username=u",
            "--docker-password=p",
        ],
        &["create", "serviceaccount", "sa", "--save-config"],
        &[
            "create",
            "deployment",
            "d",
            "--image=nginx:1.27",
            "--image=busybox",
            "--port=8080",
            "--replicas=3",
        ],
        &[
            "create",
            "deployment",
            "z",
            "--image=busybox",
            "--replicas=0",
            "--",
            "sleep",
            "1",
        ],
    ];
    for args in commands {
        let (stdout, decoded) = kubectl.post(args);
        assert!(stdout.ends_with("created\n"), "{args:?}: {stdout}");
        let (command, rest) =
            args.split_at(args.iter().position(|a| *a == "--").unwrap_or(args.len()));
        let oracle = [command, &["--dry-run=client", "-o", "json"], rest].concat();
        let want: Value = serde_json::from_str(&kubectl.run(&oracle)).unwrap();
        assert_eq!(decoded, without_nulls(want), "{args:?}");
    }
}

#[test]
fn kubectl_auth_bodies_decode() {
    let Some(kubectl) = Kubectl::start() else {
        return;
    };
    let (stdout, ssar) = kubectl.post(&["auth", "can-i", "delete", "deployments.apps/web"]);
    assert_eq!(stdout, "yes\n");
    assert_eq!(
        ssar["spec"],
        json!({"resourceAttributes": {"namespace": "demo", "verb": "delete", "group": "apps",
                                      "resource": "deployments", "name": "web"}})
    );
    let (_, ssar) = kubectl.post(&["auth", "can-i", "get", "/healthz"]);
    assert_eq!(
        ssar["spec"],
        json!({"nonResourceAttributes": {"path": "/healthz", "verb": "get"}})
    );
    let (_, ssrr) = kubectl.post(&["auth", "can-i", "--list", "-n", "team"]);
    assert_eq!(ssrr["spec"], json!({"namespace": "team"}));
    assert_eq!(ssrr["kind"], "SelfSubjectRulesReview");
    let (stdout, ssr) = kubectl.post(&["auth", "whoami"]);
    assert!(stdout.contains("alice"), "{stdout}");
    assert_eq!(ssr["apiVersion"], "authentication.k8s.io/v1");
}
