//! Discovery documents built from a [`Registry`] (spec §1.1, §2.1, §2.2, §5.7): `/version`,
//! legacy `/api`, `/apis`, `/apis/<group>`, `/api/v1`, `/apis/<group>/<version>`, and
//! aggregated discovery (`apidiscovery.k8s.io/v2` and `v2beta1`) for `/api` and `/apis`.

use serde_json::{json, Map, Value};

use crate::kinds::{group_version, Registry, ResourceInfo, Subresource};

mod negotiate;

pub use negotiate::{negotiate, DiscoveryFormat, NotAcceptable};

/// `gitVersion` the emulator reports: Kubernetes 1.32 with `+kube-sim` build metadata, so
/// that semver comparisons (Helm `kubeVersion` constraints) treat it as a 1.32.4 release.
pub const GIT_VERSION: &str = "v1.32.4+kube-sim";

/// `GET /version`: `version.Info` for `git_version` (e.g. [`GIT_VERSION`]).
pub fn version(git_version: &str) -> Value {
    let numbers = git_version.trim_start_matches('v');
    let mut parts = numbers.split(['.', '-', '+']);
    let major = parts.next().unwrap_or("1");
    let minor = parts.next().unwrap_or("0");
    json!({
        "major": major,
        "minor": minor,
        "gitVersion": git_version,
        "gitCommit": "0000000000000000000000000000000000000000",
        "gitTreeState": "clean",
        "buildDate": "2025-04-22T00:00:00Z",
        "goVersion": "go1.23.8",
        "compiler": "gc",
        "platform": "linux/amd64",
    })
}

/// Legacy `GET /api`: `APIVersions`. `server_address` is `host:port` as clients reach us.
pub fn api_versions(server_address: &str) -> Value {
    json!({
        "kind": "APIVersions",
        "versions": ["v1"],
        "serverAddressByClientCIDRs": [
            {"clientCIDR": "0.0.0.0/0", "serverAddress": server_address}
        ],
    })
}

fn group_json(name: &str, versions: &[String]) -> Map<String, Value> {
    let gv = |v: &String| json!({"groupVersion": group_version(name, v), "version": v});
    let mut group = Map::new();
    group.insert("name".into(), json!(name));
    group.insert("versions".into(), versions.iter().map(gv).collect());
    let preferred = versions.first().map(gv).unwrap_or(Value::Null);
    group.insert("preferredVersion".into(), preferred);
    group
}

/// Legacy `GET /apis`: `APIGroupList` of every non-core group, in discovery order.
pub fn api_group_list(reg: &Registry) -> Value {
    let groups: Vec<Value> = reg
        .groups()
        .iter()
        .filter(|g| !g.name.is_empty())
        .map(|g| Value::Object(group_json(&g.name, &g.versions)))
        .collect();
    json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})
}

/// `GET /apis/<group>`: `APIGroup`, `None` for a group that is not served.
pub fn api_group(reg: &Registry, group: &str) -> Option<Value> {
    let versions = reg.versions(group);
    if group.is_empty() || versions.is_empty() {
        return None;
    }
    let mut out = Map::new();
    out.insert("kind".into(), json!("APIGroup"));
    out.insert("apiVersion".into(), json!("v1"));
    out.append(&mut group_json(group, &versions));
    Some(Value::Object(out))
}

/// `GET /api/v1` or `GET /apis/<group>/<version>`: `APIResourceList`, `None` when the group
/// version is not served.
pub fn api_resource_list(reg: &Registry, group: &str, version: &str) -> Option<Value> {
    let resources = reg.resources_in(group, version);
    if resources.is_empty() {
        return None;
    }
    let mut entries: Vec<Value> = Vec::new();
    for r in resources {
        let mut e = Map::new();
        e.insert("name".into(), json!(r.plural));
        e.insert("singularName".into(), json!(r.singular));
        e.insert("namespaced".into(), json!(r.namespaced));
        e.insert("kind".into(), json!(r.kind));
        e.insert("verbs".into(), json!(r.verbs));
        if !r.short_names.is_empty() {
            e.insert("shortNames".into(), json!(r.short_names));
        }
        if !r.categories.is_empty() {
            e.insert("categories".into(), json!(r.categories));
        }
        if let Some(hash) = &r.storage_version_hash {
            e.insert("storageVersionHash".into(), json!(hash));
        }
        entries.push(Value::Object(e));
        for s in &r.subresources {
            let mut e = Map::new();
            e.insert("name".into(), json!(format!("{}/{}", r.plural, s.name)));
            e.insert("singularName".into(), json!(""));
            e.insert("namespaced".into(), json!(r.namespaced));
            if s.group != r.group || s.version != r.version {
                e.insert("group".into(), json!(s.group));
                e.insert("version".into(), json!(s.version));
            }
            e.insert("kind".into(), json!(s.kind));
            e.insert("verbs".into(), json!(s.verbs));
            entries.push(Value::Object(e));
        }
    }
    entries.sort_by(|a, b| a["name"].as_str().cmp(&b["name"].as_str()));
    Some(json!({
        "kind": "APIResourceList",
        "apiVersion": "v1",
        "groupVersion": group_version(group, version),
        "resources": entries,
    }))
}

/// `responseKind` of aggregated discovery: built-ins leave group and version empty when
/// they equal the containing group version; CRDs always fill them in (§2.2, §5.7).
fn response_kind(r: &ResourceInfo, group: &str, version: &str, kind: &str) -> Value {
    if r.is_builtin() && group == r.group && version == r.version {
        json!({"group": "", "version": "", "kind": kind})
    } else {
        json!({"group": group, "version": version, "kind": kind})
    }
}

fn aggregated_subresource(r: &ResourceInfo, s: &Subresource) -> Value {
    json!({
        "subresource": s.name,
        "responseKind": response_kind(r, &s.group, &s.version, &s.kind),
        "verbs": s.verbs,
    })
}

fn aggregated_resource(r: &ResourceInfo) -> Value {
    let mut e = Map::new();
    e.insert("resource".into(), json!(r.plural));
    e.insert(
        "responseKind".into(),
        response_kind(r, &r.group, &r.version, &r.kind),
    );
    let scope = if r.namespaced {
        "Namespaced"
    } else {
        "Cluster"
    };
    e.insert("scope".into(), json!(scope));
    e.insert("singularResource".into(), json!(r.singular));
    e.insert("verbs".into(), json!(r.verbs));
    if !r.short_names.is_empty() {
        e.insert("shortNames".into(), json!(r.short_names));
    }
    if !r.categories.is_empty() {
        e.insert("categories".into(), json!(r.categories));
    }
    if !r.subresources.is_empty() {
        let mut subs: Vec<&Subresource> = r.subresources.iter().collect();
        subs.sort_by(|a, b| a.name.cmp(&b.name));
        let subs: Vec<Value> = subs
            .into_iter()
            .map(|s| aggregated_subresource(r, s))
            .collect();
        e.insert("subresources".into(), Value::Array(subs));
    }
    Value::Object(e)
}

fn aggregated_group(reg: &Registry, name: &str, versions: &[String]) -> Value {
    let versions: Vec<Value> = versions
        .iter()
        .map(|v| {
            let resources: Vec<Value> = reg
                .resources_in(name, v)
                .into_iter()
                .map(aggregated_resource)
                .collect();
            json!({"version": v, "resources": resources, "freshness": "Current"})
        })
        .collect();
    let metadata = if name.is_empty() {
        json!({"creationTimestamp": null})
    } else {
        json!({"name": name, "creationTimestamp": null})
    };
    json!({"metadata": metadata, "versions": versions})
}

fn aggregated_list(items: Vec<Value>, format: DiscoveryFormat) -> Value {
    json!({
        "kind": "APIGroupDiscoveryList",
        "apiVersion": format.api_version(),
        "metadata": {},
        "items": items,
    })
}

/// Aggregated `GET /api`: one item (no name) with version `v1`.
pub fn aggregated_core(reg: &Registry, format: DiscoveryFormat) -> Value {
    let versions = reg.versions("");
    let items = if versions.is_empty() {
        Vec::new()
    } else {
        vec![aggregated_group(reg, "", &versions)]
    };
    aggregated_list(items, format)
}

/// Aggregated `GET /apis`: every non-core group in discovery order.
pub fn aggregated_apis(reg: &Registry, format: DiscoveryFormat) -> Value {
    let items = reg
        .groups()
        .iter()
        .filter(|g| !g.name.is_empty())
        .map(|g| aggregated_group(reg, &g.name, &g.versions))
        .collect();
    aggregated_list(items, format)
}

/// A discovery answer: body and the `Content-Type` to send with it (plus `Vary: Accept`).
#[derive(Debug, Clone, PartialEq)]
pub struct DiscoveryResponse {
    pub content_type: &'static str,
    pub body: Value,
}

/// Answers `GET /api` or `GET /apis` (`path` without query) for the request's `Accept`
/// header. `None` for other paths; `Err` when the Accept header allows no format (406).
pub fn root_discovery(
    reg: &Registry,
    path: &str,
    accept: Option<&str>,
    server_address: &str,
) -> Option<Result<DiscoveryResponse, NotAcceptable>> {
    let path = path.trim_end_matches('/');
    if path != "/api" && path != "/apis" {
        return None;
    }
    let format = match negotiate(accept) {
        Ok(format) => format,
        Err(e) => return Some(Err(e)),
    };
    let body = match (path, format) {
        ("/api", DiscoveryFormat::Legacy) => api_versions(server_address),
        ("/api", f) => aggregated_core(reg, f),
        (_, DiscoveryFormat::Legacy) => api_group_list(reg),
        (_, f) => aggregated_apis(reg, f),
    };
    Some(Ok(DiscoveryResponse {
        content_type: format.content_type(),
        body,
    }))
}

#[cfg(test)]
mod tests;
