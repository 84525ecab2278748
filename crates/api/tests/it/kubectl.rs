//! `kubectl apply --dry-run=client --validate=strict -f` accepts every generated CRD.
//!
//! kubectl needs an API server even for a client-side dry run, so the test starts a fake one
//! in-process (plain HTTP/1.1 on 127.0.0.1, one thread per connection) that answers exactly
//! what kubectl 1.32 asks for (seen with `-v=8`):
//!
//! - `GET /version`, `/api`, `/api/v1`, `/apis`, `/apis/apiextensions.k8s.io/v1`: discovery
//!   (legacy JSON; kubectl asks for aggregated discovery first and falls back);
//! - `GET /openapi/v3` and `/openapi/v3/apis/apiextensions.k8s.io/v1`: the published
//!   Kubernetes document (`testdata/kubernetes/`), which kubectl reads to decide whether the
//!   server validates fields itself (the `fieldValidation` parameter of the PATCH operation);
//! - `GET /openapi/v2` (protobuf): kubectl's client-side validation reads OpenAPI **v2**, not
//!   v3. The test serves the v3 document's schemas converted to gnostic `openapi.v2.Document`;
//! - `GET /apis/apiextensions.k8s.io/v1/customresourcedefinitions/NAME`: 404, so apply
//!   takes the create path and prints `... created (dry run)`.
//!
//! Validation really happens: the v3 document, as published, has no PATCH operation tagged
//! with the CRD's group-version-kind, and the v2 document has no paths, so kubectl concludes
//! that the server does not support `fieldValidation` and validates on the client. (Against a
//! server that advertises `fieldValidation`, kubectl 1.32 skips client-side validation in a
//! client dry run and would accept a misspelled field.) The negative test proves it: CRDs
//! with a misspelled field must be rejected with kubectl's `unknown field` error.
//!
//! kubectl must be on PATH: without it the tests fail when `CI` is set and are skipped
//! otherwise.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};
use std::thread;

use serde_json::{json, Value};

const CRD_OPENAPI_V3: &str = "testdata/kubernetes/apis__apiextensions.k8s.io__v1_openapi.json";

#[test]
fn kubectl_dry_run_accepts_every_generated_crd() {
    let Some(kubectl) = Kubectl::start() else {
        return;
    };
    let files = crd_files();
    assert!(!files.is_empty(), "no CRDs in config/crd/bases");
    for file in &files {
        let file_name = file.file_name().unwrap().to_string_lossy();
        let crd: Value = serde_yaml_ng::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
        let out = kubectl.apply(file);
        let (stdout, stderr) = text(&out);
        println!("{file_name}: {stdout}{stderr}");
        assert!(
            out.status.success(),
            "kubectl rejected {file_name}: {stderr}"
        );
        let crd_name = crd["metadata"]["name"].as_str().unwrap();
        assert_eq!(
            stdout,
            format!("customresourcedefinition.apiextensions.k8s.io/{crd_name} created (dry run)\n")
        );
    }
    let requests = kubectl.server.requests();
    println!("requests:\n  {}", requests.join("\n  "));
    assert!(
        requests.iter().any(|r| r.starts_with("GET /openapi/v2")),
        "kubectl did not fetch the OpenAPI v2 schema: it did not validate"
    );
}

#[test]
fn kubectl_rejects_a_crd_with_a_misspelled_field() {
    let Some(kubectl) = Kubectl::start() else {
        return;
    };
    let good = &crd_files()[0];
    let crd: Value = serde_yaml_ng::from_str(&std::fs::read_to_string(good).unwrap()).unwrap();
    let schema = "/spec/versions/0/schema/openAPIV3Schema";
    // (object, field, misspelling): a CRD field, a nested one, and one in the CRD's own schema.
    let cases = [
        ("/spec", "versions", "versionz"),
        ("/spec/names", "kind", "kindd"),
        (schema, "description", "descripton"),
    ];
    for (object, field, typo) in cases {
        let mut bad = crd.clone();
        let map = bad.pointer_mut(object).unwrap().as_object_mut().unwrap();
        let value = map.remove(field).unwrap();
        map.insert(typo.to_owned(), value);
        let file = kubectl.dir.path().join(format!("{typo}.yaml"));
        std::fs::write(&file, serde_yaml_ng::to_string(&bad).unwrap()).unwrap();

        let out = kubectl.apply(&file);
        let (stdout, stderr) = text(&out);
        println!("{object}/{typo}: {}: {stdout}{stderr}", out.status);
        assert!(!out.status.success(), "kubectl accepted {object}/{typo}");
        assert!(
            stderr.contains(&format!("unknown field \"{typo}\"")),
            "not a validation error for {object}/{typo}: {stderr}"
        );
    }
}

/// The committed CRDs, `config/crd/bases/*.yaml`, sorted.
fn crd_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../config/crd/bases");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
        .collect();
    files.sort();
    files
}

fn text(out: &Output) -> (String, String) {
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    (stdout, String::from_utf8_lossy(&out.stderr).into_owned())
}

/// kubectl pointed at a fresh fake API server, with its own kubeconfig and cache.
struct Kubectl {
    server: FakeApiServer,
    dir: tempfile::TempDir,
}

impl Kubectl {
    /// `None` (test skipped) if kubectl is not on PATH, unless `CI` is set.
    fn start() -> Option<Self> {
        if let Err(e) = Command::new("kubectl")
            .args(["version", "--client"])
            .output()
        {
            let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false");
            assert!(!ci, "kubectl is required on CI: {e}");
            eprintln!("SKIPPED: kubectl is not on PATH ({e}); install kubectl to run this test");
            return None;
        }
        let server = FakeApiServer::start();
        let dir = tempfile::tempdir().unwrap();
        let kubeconfig = format!(
            "apiVersion: v1\nkind: Config\n\
             clusters:\n- name: fake\n  cluster:\n    server: {}\n\
             contexts:\n- name: fake\n  context:\n    cluster: fake\n    user: fake\n\
             current-context: fake\n\
             users:\n- name: fake\n  user: {{}}\n",
            server.url
        );
        std::fs::write(dir.path().join("kubeconfig"), kubeconfig).unwrap();
        Some(Self { server, dir })
    }

    fn apply(&self, file: &Path) -> Output {
        Command::new("kubectl")
            .env("KUBECONFIG", self.dir.path().join("kubeconfig"))
            .arg("--cache-dir")
            .arg(self.dir.path().join("cache"))
            .args(["--request-timeout=30s", "apply", "--dry-run=client"])
            .args(["--validate=strict", "-f"])
            .arg(file)
            .output()
            .unwrap()
    }
}

/// A fake Kubernetes API server answering kubectl's GETs; it records each request line.
struct FakeApiServer {
    url: String,
    requests: Arc<Mutex<Vec<String>>>,
}

impl FakeApiServer {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let v3 = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join(CRD_OPENAPI_V3)).unwrap();
        let v2 = openapi_v2_protobuf(&serde_json::from_slice(&v3).unwrap());
        let documents = Arc::new((v3, v2));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&requests);
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (documents, log) = (Arc::clone(&documents), Arc::clone(&log));
                thread::spawn(move || serve(stream, &documents.0, &documents.1, &log));
            }
        });
        Self { url, requests }
    }

    fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

/// Answers one request and closes the connection.
fn serve(stream: TcpStream, v3: &[u8], v2: &[u8], log: &Mutex<Vec<String>>) {
    let mut reader = BufReader::new(&stream);
    let mut request = String::new();
    let mut header = String::new();
    // Request line, then headers up to the blank line; kubectl sends no body on GET.
    if reader.read_line(&mut request).is_err() {
        return;
    }
    while reader.read_line(&mut header).is_ok_and(|n| n > 0) && header != "\r\n" {
        header.clear();
    }
    let mut parts = request.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    log.lock().unwrap().push(format!("{method} {target}"));
    let path = target.split('?').next().unwrap_or("");

    let (status, content_type, body) = match (method, path) {
        ("GET", "/openapi/v3/apis/apiextensions.k8s.io/v1") => {
            ("200 OK", "application/json", v3.to_vec())
        }
        ("GET", "/openapi/v2") => (
            "200 OK",
            "application/com.github.proto-openapi.spec.v2.v1.0+protobuf",
            v2.to_vec(),
        ),
        ("GET", _) => match discovery(path) {
            Some(document) => ("200 OK", "application/json", document.to_string().into()),
            None => ("404 Not Found", "application/json", not_found(path).into()),
        },
        _ => (
            "405 Method Not Allowed",
            "text/plain",
            b"a dry run only reads".to_vec(),
        ),
    };
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n",
        body.len()
    );
    let mut stream = &stream;
    let _ = stream
        .write_all(head.as_bytes())
        .and_then(|()| stream.write_all(&body));
}

/// Version, API discovery and the OpenAPI v3 index.
fn discovery(path: &str) -> Option<Value> {
    let group_version = json!({"groupVersion": "apiextensions.k8s.io/v1", "version": "v1"});
    Some(match path {
        "/version" => json!({
            "major": "1", "minor": "32", "gitVersion": "v1.32.0", "platform": "linux/amd64"
        }),
        "/api" => json!({"kind": "APIVersions", "versions": ["v1"]}),
        "/api/v1" => json!({"kind": "APIResourceList", "groupVersion": "v1", "resources": []}),
        "/apis" => json!({
            "kind": "APIGroupList",
            "apiVersion": "v1",
            "groups": [{
                "name": "apiextensions.k8s.io",
                "versions": [group_version],
                "preferredVersion": group_version
            }]
        }),
        "/apis/apiextensions.k8s.io/v1" => json!({
            "kind": "APIResourceList",
            "apiVersion": "v1",
            "groupVersion": "apiextensions.k8s.io/v1",
            "resources": [{
                "name": "customresourcedefinitions",
                "singularName": "customresourcedefinition",
                "namespaced": false,
                "kind": "CustomResourceDefinition",
                "verbs": ["create", "delete", "deletecollection", "get", "list", "patch",
                          "update", "watch"],
                "shortNames": ["crd", "crds"]
            }]
        }),
        "/openapi/v3" => json!({"paths": {"apis/apiextensions.k8s.io/v1": {
            "serverRelativeURL": "/openapi/v3/apis/apiextensions.k8s.io/v1?hash=test"
        }}}),
        _ => return None,
    })
}

/// A `NotFound` Status, as the API server returns for a missing object or path.
fn not_found(path: &str) -> String {
    let message =
        match path.strip_prefix("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/") {
            Some(name) => {
                format!("customresourcedefinitions.apiextensions.k8s.io \"{name}\" not found")
            }
            None => "the server could not find the requested resource".to_owned(),
        };
    json!({
        "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
        "message": message, "reason": "NotFound", "code": 404
    })
    .to_string()
}

/// The OpenAPI v2 document kubectl validates with, as protobuf (gnostic
/// `openapi.v2.Document`, github.com/google/gnostic-models `openapiv2/OpenAPIv2.proto`):
/// swagger (1), info (2) and definitions (9) made from the v3 document's
/// `components.schemas`. No paths, so no PATCH operation advertises `fieldValidation`.
fn openapi_v2_protobuf(v3: &Value) -> Vec<u8> {
    let schemas = v3["components"]["schemas"].as_object().unwrap();
    let definitions: Vec<u8> = schemas
        .iter()
        .flat_map(|(name, schema)| field(1, [field(1, name), field(2, schema_v2(schema))].concat()))
        .collect();
    let info = [field(1, "Kubernetes"), field(2, "unversioned")].concat();
    [field(1, "2.0"), field(2, info), field(9, definitions)].concat()
}

/// A gnostic `openapi.v2.Schema` with the keywords kubectl's validator reads: `$ref` (1,
/// rewritten to `#/definitions/`), format (2), description (4), required (19),
/// additionalProperties (21), type (22), items (23), properties (25) and the `x-`
/// extensions (31; value as YAML, which JSON is), where the group-version-kind lives.
fn schema_v2(schema: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    let text = |key: &str| schema.get(key).and_then(Value::as_str);
    if let Some(reference) = text("$ref") {
        out.extend(field(
            1,
            reference.replace("#/components/schemas/", "#/definitions/"),
        ));
    }
    if let Some(format) = text("format") {
        out.extend(field(2, format));
    }
    if let Some(description) = text("description") {
        out.extend(field(4, description));
    }
    for required in schema["required"].as_array().into_iter().flatten() {
        out.extend(field(19, required.as_str().unwrap()));
    }
    if let Some(values) = schema.get("additionalProperties").filter(|v| v.is_object()) {
        out.extend(field(21, field(1, schema_v2(values))));
    }
    if let Some(kind) = text("type") {
        out.extend(field(22, field(1, kind)));
    }
    if let Some(items) = schema.get("items") {
        out.extend(field(23, field(1, schema_v2(items))));
    }
    if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
        let named = properties
            .iter()
            .flat_map(|(name, property)| {
                field(1, [field(1, name), field(2, schema_v2(property))].concat())
            })
            .collect::<Vec<u8>>();
        out.extend(field(25, named));
    }
    for (name, value) in schema.as_object().into_iter().flatten() {
        if name.starts_with("x-") {
            let any = field(2, value.to_string());
            out.extend(field(31, [field(1, name), field(2, any)].concat()));
        }
    }
    out
}

/// One length-delimited protobuf field (wire type 2: string, bytes or message).
fn field(number: u64, payload: impl AsRef<[u8]>) -> Vec<u8> {
    let payload = payload.as_ref();
    let mut out = Vec::with_capacity(payload.len() + 10);
    varint(&mut out, (number << 3) | 2);
    varint(&mut out, payload.len() as u64);
    out.extend_from_slice(payload);
    out
}

fn varint(out: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        out.push((n & 0x7f) as u8 | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}
