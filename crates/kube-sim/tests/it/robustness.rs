//! Bad input never crashes kube-sim: random paths, methods, content types, bodies and patches
//! always get a well-formed answer, and malformed ones a 4xx Status.

use std::sync::Arc;

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, Method};
use kube_sim::server::{query::Query, Api, Reply, Request};
use serde_json::{json, Value};

/// A small deterministic generator (no external crates).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next() % items.len() as u64) as usize]
    }
}

fn mutate(rng: &mut Rng, body: &[u8]) -> Vec<u8> {
    let mut out = body.to_vec();
    for _ in 0..(rng.next() % 4) {
        if out.is_empty() {
            break;
        }
        let i = (rng.next() % out.len() as u64) as usize;
        match rng.next() % 3 {
            0 => out[i] = (rng.next() % 256) as u8,
            1 => {
                out.remove(i);
            }
            _ => out.truncate(i),
        }
    }
    out
}

#[tokio::test]
async fn malformed_requests_get_a_status_never_a_crash() {
    let sim = crate::support::start().await;
    let api: Arc<Api> = sim.api().clone();
    let mut rng = Rng(42);
    let paths = [
        "/api/v1/namespaces/default/configmaps",
        "/api/v1/namespaces/default/configmaps/c",
        "/api/v1/namespaces/default/configmaps/c/status",
        "/apis/apps/v1/namespaces/default/deployments/d",
        "/apis/apps/v1/namespaces/default/deployments/d/scale",
        "/api/v1/namespaces/x",
        "/api/v1/namespaces/x/finalize",
        "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
        "/apis/nope/v1/things",
        "/api/v1/../../etc",
        "/api/v1/namespaces/default/configmaps/c/x/y/z",
        "/apis",
        "/api",
        "/openapi/v3/apis/apps/v1",
        "/%ff%fe",
    ];
    let methods = [
        Method::GET,
        Method::POST,
        Method::PUT,
        Method::PATCH,
        Method::DELETE,
        Method::OPTIONS,
    ];
    let content_types = [
        "application/json",
        "application/merge-patch+json",
        "application/json-patch+json",
        "application/strategic-merge-patch+json",
        "application/apply-patch+yaml",
        "application/yaml",
        "application/vnd.kubernetes.protobuf",
        "text/plain",
    ];
    let bodies: Vec<Vec<u8>> = vec![
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"a": "1"}}).to_string().into_bytes(),
        json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"}, "spec": {"replicas": 1,
            "selector": {"matchLabels": {"a": "b"}}, "template": {"metadata": {"labels": {"a": "b"}}, "spec": {"containers": [{"name": "c", "image": "x"}]}}}}).to_string().into_bytes(),
        json!([{"op": "add", "path": "/metadata/labels", "value": {"x": "y"}}, {"op": "test", "path": "/nope", "value": 1}]).to_string().into_bytes(),
        json!({"spec": {"template": {"spec": {"$setElementOrder/containers": [{"name": "z"}], "containers": [{"$patch": "bogus"}]}}}}).to_string().into_bytes(),
        json!({"spec": {"replicas": -3}}).to_string().into_bytes(),
        b"{\"a\":".to_vec(),
        b"k8s\x00\x0a\x05\x0a\x02v1".to_vec(),
        vec![0xff; 64],
        Vec::new(),
    ];
    let queries = [
        "",
        "watch=false&labelSelector=a%20in%20(",
        "fieldSelector=spec.nope%3Dx",
        "limit=-1&continue=zz",
        "dryRun=Bogus",
        "fieldValidation=Nope",
        "resourceVersion=abc",
        "propagationPolicy=Sideways",
    ];
    for i in 0..3000 {
        let chosen = rng.pick(&bodies[..]).clone();
        let body = mutate(&mut rng, &chosen);
        let mut headers = HeaderMap::new();
        let content_type = *rng.pick::<&'static str>(&content_types);
        headers.insert("content-type", HeaderValue::from_static(content_type));
        let req = Request {
            method: rng.pick(&methods[..]).clone(),
            path: rng.pick(&paths[..]).to_string(),
            query: Query::parse(Some(*rng.pick(&queries[..]))),
            headers,
            body: Bytes::from(body),
            user: None,
        };
        let description = format!("#{i} {} {}", req.method, req.path);
        match api.handle(req).await {
            Reply::Json { code, body, .. } => {
                assert!((200..600).contains(&code), "{description}: code {code}");
                if code >= 400 {
                    assert_eq!(body["kind"], "Status", "{description}: {body}");
                    assert_eq!(body["code"], Value::from(code), "{description}");
                    assert!(code < 500, "{description}: server error {body}");
                }
            }
            Reply::Raw { code, .. } => assert!(code < 500, "{description}"),
            Reply::Watch(_) => {}
        }
    }
}
