//! A small std-thread HTTP/1.1 server answering kubectl from this crate's documents.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::thread;

use serde_json::{json, Value};

use crate::discovery::{self, GIT_VERSION};
use crate::kinds::tests::widget_crd;
use crate::kinds::Registry;
use crate::openapi::{OpenApiResponse, OpenApiV3};

struct State {
    /// Answer discovery as an old server would: legacy documents whatever the Accept.
    legacy: bool,
    reg: Registry,
    v3: OpenApiV3,
    objects: HashMap<String, Value>,
    log: Mutex<Vec<(String, String)>>,
}

pub struct Server {
    state: Arc<State>,
    dir: PathBuf,
}

type Reply = (u16, String, Vec<u8>);

fn status(code: u16, reason: &str, message: &str) -> Reply {
    let body = json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                      "message": message, "reason": reason, "code": code});
    (
        code,
        "application/json".into(),
        body.to_string().into_bytes(),
    )
}

fn ok(content_type: &str, body: &Value) -> Reply {
    (200, content_type.into(), body.to_string().into_bytes())
}

impl State {
    fn get(&self, path: &str, query: &str, accept: Option<&str>) -> Reply {
        if path == "/version" {
            return ok("application/json", &discovery::version(GIT_VERSION));
        }
        let accept = if self.legacy { None } else { accept };
        if let Some(r) = discovery::root_discovery(&self.reg, path, accept, "127.0.0.1") {
            return match r {
                Ok(r) => ok(r.content_type, &r.body),
                Err(e) => status(406, "NotAcceptable", &e.to_string()),
            };
        }
        if path.starts_with("/openapi/v3") {
            let hash = query.split('&').find_map(|kv| kv.strip_prefix("hash="));
            return match self.v3.respond(path, hash) {
                OpenApiResponse::Ok { body, .. } => (200, "application/json".into(), body.to_vec()),
                OpenApiResponse::MovedPermanently { location } => (301, location, Vec::new()),
                OpenApiResponse::NotFound => status(404, "NotFound", "not found"),
            };
        }
        if let Some(object) = self.objects.get(path) {
            return ok("application/json", object);
        }
        let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
        let (group, version, rest) = match segments.as_slice() {
            ["api", v, rest @ ..] => ("", *v, rest),
            ["apis", g, v, rest @ ..] => (*g, *v, rest),
            ["apis", g] => {
                return match discovery::api_group(&self.reg, g) {
                    Some(doc) => ok("application/json", &doc),
                    None => status(
                        404,
                        "NotFound",
                        "the server could not find the requested resource",
                    ),
                };
            }
            _ => {
                return status(
                    404,
                    "NotFound",
                    "the server could not find the requested resource",
                )
            }
        };
        let rest = match rest {
            ["namespaces", ns, plural, more @ ..]
                if *plural != "finalize" && *plural != "status" =>
            {
                let _ = ns;
                [&[*plural][..], more].concat()
            }
            other => other.to_vec(),
        };
        match rest.as_slice() {
            [] => match discovery::api_resource_list(&self.reg, group, version) {
                Some(doc) => ok("application/json", &doc),
                None => status(
                    404,
                    "NotFound",
                    "the server could not find the requested resource",
                ),
            },
            [plural, name, ..] => match self.reg.find(group, version, plural) {
                Some(r) => {
                    let msg = format!("{} \"{name}\" not found", r.qualified_plural());
                    status(404, "NotFound", &msg)
                }
                None => status(
                    404,
                    "NotFound",
                    "the server could not find the requested resource",
                ),
            },
            _ => status(
                404,
                "NotFound",
                "the server could not find the requested resource",
            ),
        }
    }

    fn handle(&self, method: &str, target: &str, accept: Option<&str>, body: &[u8]) -> Reply {
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        self.log.lock().unwrap().push((
            format!("{method} {target}"),
            String::from_utf8_lossy(body).into_owned(),
        ));
        match method {
            "GET" => self.get(path, query, accept),
            // Write requests: answer with the stored object (dry runs only look at the code).
            "PATCH" | "PUT" | "POST" => match self.objects.get(path) {
                Some(object) => ok("application/json", object),
                None => status(404, "NotFound", "not found"),
            },
            _ => status(405, "MethodNotAllowed", "method not allowed"),
        }
    }
}

fn serve(stream: TcpStream, state: &State) {
    let mut reader = BufReader::new(&stream);
    let mut request = String::new();
    if reader.read_line(&mut request).is_err() {
        return;
    }
    let (mut accept, mut length) = (None, 0);
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).map_or(true, |n| n == 0) || header == "\r\n" {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            match name.to_ascii_lowercase().as_str() {
                "accept" => accept = Some(value.trim().to_owned()),
                "content-length" => length = value.trim().parse().unwrap_or(0),
                _ => {}
            }
        }
    }
    let mut body = vec![0; length];
    if reader.read_exact(&mut body).is_err() {
        return;
    }
    let mut parts = request.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let (code, content_type, body) = state.handle(method, target, accept.as_deref(), &body);
    let head = if code == 301 {
        format!(
            "HTTP/1.1 301 Moved Permanently\r\nLocation: {content_type}\r\n\
             Content-Length: 0\r\nConnection: close\r\n\r\n"
        )
    } else {
        format!(
            "HTTP/1.1 {code} X\r\nContent-Type: {content_type}\r\nVary: Accept\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        )
    };
    let mut stream = &stream;
    let _ = stream
        .write_all(head.as_bytes())
        .and_then(|()| stream.write_all(&body));
}

impl Server {
    /// `None` (test skipped) when kubectl is not on PATH, unless `CI` is set.
    pub fn start(objects: HashMap<String, Value>) -> Option<Self> {
        Self::start_with(objects, false)
    }

    pub fn start_with(objects: HashMap<String, Value>, legacy: bool) -> Option<Self> {
        if let Err(e) = Command::new("kubectl")
            .args(["version", "--client"])
            .output()
        {
            let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false");
            assert!(!ci, "kubectl is required on CI: {e}");
            eprintln!("SKIPPED: kubectl is not on PATH ({e})");
            return None;
        }
        let mut reg = Registry::new();
        reg.apply_crd(&widget_crd());
        let v3 = OpenApiV3::new(&reg);
        let mut objects = objects;
        objects.insert(
            "/api/v1/namespaces/default".into(),
            json!({"kind": "Namespace", "apiVersion": "v1", "metadata": {"name": "default"},
                   "status": {"phase": "Active"}}),
        );
        let state = Arc::new(State {
            legacy,
            reg,
            v3,
            objects,
            log: Mutex::default(),
        });
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let shared = Arc::clone(&state);
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let state = Arc::clone(&shared);
                thread::spawn(move || serve(stream, &state));
            }
        });
        let dir = std::env::temp_dir().join(format!(
            "kube-sim-kubectl-{}-{}",
            std::process::id(),
            url.rsplit(':').next().unwrap()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let kubeconfig = format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: sim\n  cluster:\n    server: {url}\n\
             contexts:\n- name: sim\n  context:\n    cluster: sim\n    user: sim\n\
             \x20   namespace: default\n\
             current-context: sim\nusers:\n- name: sim\n  user: {{}}\n"
        );
        std::fs::write(dir.join("kubeconfig"), kubeconfig).unwrap();
        Some(Self { state, dir })
    }

    /// Runs kubectl; returns (success, stdout, stderr).
    pub fn kubectl(&self, args: &[&str]) -> (bool, String, String) {
        let out = Command::new("kubectl")
            .env("KUBECONFIG", self.dir.join("kubeconfig"))
            .arg("--cache-dir")
            .arg(self.dir.join("cache"))
            .arg("--request-timeout=30s")
            .args(args)
            .output()
            .unwrap();
        let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        println!(
            "$ kubectl {}\n{}{}",
            args.join(" "),
            text(&out.stdout),
            text(&out.stderr)
        );
        (out.status.success(), text(&out.stdout), text(&out.stderr))
    }

    pub fn write(&self, name: &str, content: &str) -> String {
        let path = self.dir.join(name);
        std::fs::write(&path, content).unwrap();
        path.to_string_lossy().into_owned()
    }

    pub fn requests(&self) -> Vec<(String, String)> {
        self.state.log.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
