//! OpenAPI v3 (spec §0.2, §2.3, §5.6, §9): the `/openapi/v3` index and one document per
//! group version, built from a [`Registry`] with the vendored built-in schemas and the
//! CRDs' `openAPIV3Schema`s; plus a schema model for merge metadata ([`model`]).

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, OnceLock};

use serde_json::{json, Map, Value};
use sha2::{Digest, Sha512};

use crate::kinds::{Registry, ResourceInfo};

mod crd;
mod document;
pub mod model;
mod params;
mod paths;
pub mod schema;
mod v2;
mod v2_proto;

pub use document::group_version_document;
use document::root_document;

pub use crd::{cr_schema_set, cr_schemas, crd_document, crd_schema_name};
pub use model::{field_patch_meta, patch_meta, ListType, MapType, PatchMeta, Schema, Shape};
pub use schema::{builtin_schemas, try_builtin_schemas, LoadError, SchemaSet};
pub use v2::{negotiate as negotiate_v2, SwaggerCache};

/// One served document: its JSON bytes and hash.
#[derive(Debug, Clone)]
pub struct Doc {
    body: Arc<Vec<u8>>,
    hash: String,
    /// Resources it was built from (for group-version documents), to rebuild on change.
    resources: Vec<ResourceInfo>,
}

impl Doc {
    fn new(value: &Value, resources: Vec<ResourceInfo>) -> Self {
        let body = serde_json::to_vec(value).unwrap_or_default();
        let hash = hex_upper(&Sha512::digest(&body));
        Self {
            body: Arc::new(body),
            hash,
            resources,
        }
    }

    pub fn body(&self) -> &Arc<Vec<u8>> {
        &self.body
    }

    /// Upper-case hex SHA-512 of the body, as kube-apiserver computes it.
    pub fn hash(&self) -> &str {
        &self.hash
    }
}

fn hex_upper(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

/// Reply to a `GET /openapi/v3...` request.
#[derive(Debug, Clone, PartialEq)]
pub enum OpenApiResponse {
    /// 200 with `Content-Type: application/json` and this `Cache-Control` (and `ETag`).
    Ok {
        body: Arc<Vec<u8>>,
        cache_control: &'static str,
        etag: Option<String>,
    },
    /// 301 to the current URL (a stale `hash`).
    MovedPermanently {
        location: String,
    },
    NotFound,
}

/// The OpenAPI v3 documents of a registry, keyed like the index: `api/v1`, `apis/apps/v1`.
#[derive(Debug, Clone, Default)]
pub struct OpenApiV3 {
    docs: BTreeMap<String, Doc>,
    /// The v2 document built from `docs`, reset when they change.
    v2: Arc<SwaggerCache>,
}

impl OpenApiV3 {
    pub fn new(reg: &Registry) -> Self {
        let mut v3 = Self::default();
        v3.update(reg);
        v3
    }

    /// Rebuilds the documents whose group version changed (CRD created, updated, deleted).
    /// Returns whether the index changed.
    pub fn update(&mut self, reg: &Registry) -> bool {
        let before = self.hashes();
        let mut docs = BTreeMap::new();
        let mut add_root = |key: String, path: &str, id: String, tag: &str, response: &str| {
            let doc = self.docs.remove(&key).or_else(|| {
                cached(&key, Vec::new(), |_| {
                    Some(Doc::new(
                        &root_document(path, &id, tag, response),
                        Vec::new(),
                    ))
                })
            });
            if let Some(doc) = doc {
                docs.insert(key, doc);
            }
        };
        add_root(
            "api".into(),
            "/api/",
            "getCoreAPIVersions".into(),
            "core",
            "io.k8s.apimachinery.pkg.apis.meta.v1.APIVersions",
        );
        add_root(
            "apis".into(),
            "/apis/",
            "getAPIVersions".into(),
            "apis",
            "io.k8s.apimachinery.pkg.apis.meta.v1.APIGroupList",
        );
        add_root(
            "version".into(),
            "/version/",
            "getCodeVersion".into(),
            "version",
            "io.k8s.apimachinery.pkg.version.Info",
        );
        for g in reg.groups() {
            if g.name.is_empty() {
                continue;
            }
            let tag = paths::tag(&g.name, "");
            let id = format!("get{}APIGroup", paths::group_camel(&g.name));
            add_root(
                format!("apis/{}", g.name),
                &format!("/apis/{}/", g.name),
                id,
                &tag,
                "io.k8s.apimachinery.pkg.apis.meta.v1.APIGroup",
            );
        }
        for (group, version) in reg.group_versions() {
            let key = doc_key(&group, &version);
            let resources: Vec<ResourceInfo> = reg
                .resources_in(&group, &version)
                .into_iter()
                .cloned()
                .collect();
            let doc = match self.docs.remove(&key) {
                Some(doc) if doc.resources == resources => Some(doc),
                _ => cached(&key, resources, |resources| {
                    let value = group_version_document(reg, &group, &version)?;
                    Some(Doc::new(&value, resources))
                }),
            };
            if let Some(doc) = doc {
                docs.insert(key, doc);
            }
        }
        self.docs = docs;
        let changed = before != self.hashes();
        if changed {
            self.v2 = Arc::default();
        }
        changed
    }

    fn hashes(&self) -> Vec<(String, String)> {
        self.docs
            .iter()
            .map(|(k, d)| (k.clone(), d.hash.clone()))
            .collect()
    }

    /// `GET /openapi/v3`: `{"paths": {"apis/apps/v1": {"serverRelativeURL": "...?hash=H"}}}`.
    pub fn index(&self) -> Value {
        let paths: Map<String, Value> = self
            .docs
            .iter()
            .map(|(key, doc)| {
                (
                    key.clone(),
                    json!({"serverRelativeURL": format!("/openapi/v3/{key}?hash={}", doc.hash)}),
                )
            })
            .collect();
        json!({"paths": paths})
    }

    /// The document for `key` (`apis/apps/v1`).
    pub fn document(&self, key: &str) -> Option<&Doc> {
        self.docs.get(key)
    }

    /// Answers `GET <path>?hash=<hash>` for `/openapi/v3` and `/openapi/v3/<key>`.
    pub fn respond(&self, path: &str, hash: Option<&str>) -> OpenApiResponse {
        let path = path.trim_end_matches('/');
        if path == "/openapi/v3" {
            let body = serde_json::to_vec(&self.index()).unwrap_or_default();
            return OpenApiResponse::Ok {
                body: Arc::new(body),
                cache_control: "no-cache, private",
                etag: None,
            };
        }
        let Some(doc) = path
            .strip_prefix("/openapi/v3/")
            .and_then(|key| self.docs.get(key).map(|d| (key, d)))
        else {
            return OpenApiResponse::NotFound;
        };
        let (key, doc) = doc;
        let etag = Some(format!("\"{}\"", doc.hash));
        match hash.filter(|h| !h.is_empty()) {
            None => OpenApiResponse::Ok {
                body: doc.body.clone(),
                cache_control: "no-cache, private",
                etag,
            },
            Some(h) if h == doc.hash => OpenApiResponse::Ok {
                body: doc.body.clone(),
                cache_control: "public, immutable",
                etag,
            },
            Some(_) => OpenApiResponse::MovedPermanently {
                location: format!("/openapi/v3/{key}?hash={}", doc.hash),
            },
        }
    }
}

/// Documents of group versions made only of built-ins are the same for every registry
/// with the same resources: build them once per process (tests start many servers).
fn cached(
    key: &str,
    resources: Vec<ResourceInfo>,
    build: impl FnOnce(Vec<ResourceInfo>) -> Option<Doc>,
) -> Option<Doc> {
    static CACHE: OnceLock<Mutex<HashMap<String, Doc>>> = OnceLock::new();
    if !resources.iter().all(ResourceInfo::is_builtin) {
        return build(resources);
    }
    let cache = CACHE.get_or_init(Mutex::default);
    if let Some(doc) = cache.lock().ok().and_then(|c| c.get(key).cloned()) {
        if doc.resources == resources {
            return Some(doc);
        }
    }
    let doc = build(resources)?;
    if let Ok(mut c) = cache.lock() {
        c.insert(key.to_owned(), doc.clone());
    }
    Some(doc)
}

/// Index key of a group version: `api/v1`, `apis/apps/v1`.
pub fn doc_key(group: &str, version: &str) -> String {
    if group.is_empty() {
        format!("api/{version}")
    } else {
        format!("apis/{group}/{version}")
    }
}

#[cfg(test)]
mod kubectl_tests;
#[cfg(test)]
mod tests;
