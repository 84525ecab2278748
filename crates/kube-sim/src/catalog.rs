//! The served resource types and their published documents, kept together so a CRD change
//! updates routing, discovery and OpenAPI at once.

use std::sync::{RwLock, RwLockReadGuard};

use serde_json::Value;

use crate::kinds::{Registry, ResourceInfo};
use crate::openapi::{OpenApiResponse, OpenApiV3};
use crate::resource::{builtin_tracks_generation, ResourceType};

/// Registry plus OpenAPI documents.
pub struct Catalog {
    registry: RwLock<Registry>,
    openapi: RwLock<OpenApiV3>,
}

impl Catalog {
    /// The built-in resources of kube-apiserver 1.32 (spec §2.14).
    pub fn builtin() -> Catalog {
        Catalog::from_registry(Registry::new())
    }

    pub fn from_registry(registry: Registry) -> Catalog {
        let openapi = OpenApiV3::new(&registry);
        Catalog {
            registry: RwLock::new(registry),
            openapi: RwLock::new(openapi),
        }
    }

    /// Read access to the registry.
    pub fn registry(&self) -> RwLockReadGuard<'_, Registry> {
        self.registry.read().unwrap_or_else(|p| p.into_inner())
    }

    /// Serves (or updates) the versions of an Established CRD; returns whether anything
    /// changed.
    pub fn apply_crd(&self, crd: &Value) -> bool {
        let changed = {
            let mut reg = self.registry.write().unwrap_or_else(|p| p.into_inner());
            reg.apply_crd(crd)
        };
        self.refresh_openapi();
        changed
    }

    /// Stops serving the CRD named `name`.
    pub fn remove_crd(&self, name: &str) -> bool {
        let changed = {
            let mut reg = self.registry.write().unwrap_or_else(|p| p.into_inner());
            reg.remove_crd(name)
        };
        self.refresh_openapi();
        changed
    }

    fn refresh_openapi(&self) {
        let reg = self.registry();
        let mut docs = self.openapi.write().unwrap_or_else(|p| p.into_inner());
        docs.update(&reg);
    }

    /// Answers `/openapi/v3[/<key>]`.
    pub fn openapi(&self, path: &str, hash: Option<&str>) -> OpenApiResponse {
        self.openapi
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .respond(path, hash)
    }

    /// `GET /openapi/v2`: the Swagger 2.0 document as JSON or gnostic protobuf.
    pub fn openapi_v2(&self, protobuf: bool) -> Option<Vec<u8>> {
        let docs = self.openapi.read().unwrap_or_else(|p| p.into_inner());
        let body = docs.v2_body(protobuf);
        (!body.is_empty()).then(|| body.to_vec())
    }

    /// The resource type served at `/apis/<group>/<version>/<plural>`.
    pub fn resolve(&self, group: &str, version: &str, plural: &str) -> Option<ResourceType> {
        let reg = self.registry();
        let info = reg.find(group, version, plural)?;
        Some(resource_type(&reg, info))
    }

    /// The type of a stored resource, in its storage version.
    pub fn resolve_stored(&self, group: &str, plural: &str) -> Option<ResourceType> {
        let reg = self.registry();
        let info = reg
            .resources()
            .iter()
            .find(|r| r.group == group && r.plural == plural && r.crd().is_none_or(|c| c.storage))
            .or_else(|| reg.find_preferred(group, plural))?;
        Some(resource_type(&reg, info))
    }

    /// The resource info (with its CRD schema) served at group/version/plural.
    pub fn info(&self, group: &str, version: &str, plural: &str) -> Option<ResourceInfo> {
        self.registry().find(group, version, plural).cloned()
    }
}

fn resource_type(reg: &Registry, info: &ResourceInfo) -> ResourceType {
    let custom = info.crd().is_some();
    let storage_version = if custom {
        reg.resources()
            .iter()
            .find(|r| {
                r.group == info.group
                    && r.plural == info.plural
                    && r.crd().is_some_and(|c| c.storage)
            })
            .map_or_else(|| info.version.clone(), |r| r.version.clone())
    } else {
        info.version.clone()
    };
    ResourceType {
        group: info.group.clone(),
        version: info.version.clone(),
        storage_version,
        plural: info.plural.clone(),
        singular: info.singular.clone(),
        kind: info.kind.clone(),
        namespaced: info.namespaced,
        status: info.subresource("status").is_some(),
        scale: info.subresource("scale").is_some(),
        generation: custom || builtin_tracks_generation(&info.group, &info.plural),
        custom,
        schema: info.crd().and_then(|c| c.schema.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtins_resolve_with_their_traits() {
        let c = Catalog::builtin();
        let d = c.resolve("apps", "v1", "deployments").unwrap();
        assert!(d.namespaced && d.status && d.scale && d.generation && !d.custom);
        let cm = c.resolve("", "v1", "configmaps").unwrap();
        assert!(!cm.status && !cm.generation);
        let ns = c.resolve("", "v1", "namespaces").unwrap();
        assert!(!ns.namespaced && ns.status);
        assert!(c.resolve("apps", "v1", "nope").is_none());
        assert_eq!(
            c.resolve_stored("apps", "deployments").unwrap().version,
            "v1"
        );
    }
}
