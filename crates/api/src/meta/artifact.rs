//! The artifact a source publishes in its status (`meta.Artifact`).

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The output of a source reconciliation: a tarball served over HTTP.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Artifact {
    /// Digest of the file in the form `<algorithm>:<checksum>`.
    #[schemars(regex(pattern = r"^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$"))]
    pub digest: String,
    /// Path of the file relative to the root of the artifact storage.
    pub path: String,
    /// HTTP address the artifact is served at.
    pub url: String,
    /// Human-readable identifier in the origin, e.g. `latest@sha256:...`.
    pub revision: String,
    /// When the artifact was last updated.
    pub last_update_time: Time,
    /// Number of bytes in the file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<i64>,
    /// Upstream information such as OCI annotations.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub metadata: BTreeMap<String, String>,
}

impl Artifact {
    /// Whether `other` names the same content (same revision and digest).
    pub fn has_revision(&self, revision: &str) -> bool {
        self.revision == revision
    }

    /// Whether this artifact's digest equals `digest`.
    pub fn has_digest(&self, digest: &str) -> bool {
        self.digest == digest
    }
}
