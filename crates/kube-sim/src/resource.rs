//! What the request handlers need to know about a resource type.

use std::sync::Arc;

use serde_json::Value;

use crate::status::Subject;
use crate::store::ResourceKey;

/// A resource the server serves in one version.
#[derive(Clone, Debug, PartialEq)]
pub struct ResourceType {
    /// API group; empty for the core group.
    pub group: String,
    /// The version of this endpoint.
    pub version: String,
    /// The version objects are stored in (equal to `version` for built-ins).
    pub storage_version: String,
    pub plural: String,
    pub singular: String,
    pub kind: String,
    pub namespaced: bool,
    /// Has a `/status` subresource: main-resource writes keep the stored status.
    pub status: bool,
    /// Has a `/scale` subresource.
    pub scale: bool,
    /// `metadata.generation` is tracked (bumped on spec changes).
    pub generation: bool,
    /// Defined by a CustomResourceDefinition.
    pub custom: bool,
    /// The CRD's `openAPIV3Schema` for this version (custom resources only).
    pub schema: Option<Arc<Value>>,
}

impl ResourceType {
    /// The storage key shared by all versions.
    pub fn key(&self) -> ResourceKey {
        (self.group.clone(), self.plural.clone())
    }

    /// `apps/v1` or `v1`.
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.clone()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    pub fn list_kind(&self) -> String {
        format!("{}List", self.kind)
    }

    /// How errors name an object of this type.
    pub fn subject(&self, name: &str) -> Subject {
        Subject {
            group: self.group.clone(),
            resource: self.plural.clone(),
            kind: self.kind.clone(),
            name: name.to_owned(),
        }
    }
}

/// Built-in resources whose objects carry `metadata.generation` (spec §2.8).
pub fn builtin_tracks_generation(group: &str, plural: &str) -> bool {
    matches!(
        (group, plural),
        (
            "apps",
            "deployments" | "replicasets" | "statefulsets" | "daemonsets"
        ) | ("batch", "jobs" | "cronjobs")
            | ("policy", "poddisruptionbudgets")
            | ("networking.k8s.io", "networkpolicies")
            | ("apiextensions.k8s.io", "customresourcedefinitions")
            | ("", "pods")
    )
}
