//! The registry of resources the server serves: the built-ins of spec §2.14 plus one entry
//! per served version of every Established CustomResourceDefinition (§5.1, §5.7).
//!
//! It drives routing, discovery (both formats), the OpenAPI v3 documents, RBAC resource
//! names and list kinds.

use std::sync::Arc;

use serde_json::Value;
use sha2::{Digest, Sha256};

mod builtin;

pub use builtin::builtin;

/// A subresource of a resource, e.g. `deployments/scale`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subresource {
    /// `status`, `scale`, `log`, ...
    pub name: String,
    /// Group of the response kind (always filled in, even when equal to the parent's).
    pub group: String,
    /// Version of the response kind (always filled in).
    pub version: String,
    /// Response kind: the parent's kind for `status`, `Scale` for `scale`, ...
    pub kind: String,
    pub verbs: Vec<String>,
}

/// Where a resource comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum Origin {
    Builtin,
    Crd(CrdVersion),
}

/// What a CRD says about one of its served versions, beyond names and verbs.
#[derive(Debug, Clone, PartialEq)]
pub struct CrdVersion {
    /// `metadata.name` of the CRD (`<plural>.<group>`).
    pub crd_name: String,
    /// `schema.openAPIV3Schema` of this version, if any.
    pub schema: Option<Arc<Value>>,
    /// `additionalPrinterColumns` of this version.
    pub printer_columns: Vec<Value>,
    /// `selectableFields[*].jsonPath` of this version.
    pub selectable_fields: Vec<String>,
    /// `Warning` header text when the version is deprecated.
    pub deprecation_warning: Option<String>,
    /// Whether this is the storage version.
    pub storage: bool,
    /// The CRD has a deletionTimestamp: only read and delete verbs remain.
    pub terminating: bool,
}

/// One resource in one group version.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceInfo {
    /// API group, `""` for the core group.
    pub group: String,
    pub version: String,
    pub kind: String,
    /// Resource name in URLs, e.g. `deployments`.
    pub plural: String,
    pub singular: String,
    pub namespaced: bool,
    pub verbs: Vec<String>,
    pub short_names: Vec<String>,
    pub categories: Vec<String>,
    pub subresources: Vec<Subresource>,
    /// Kind of list responses, e.g. `DeploymentList`.
    pub list_kind: String,
    /// Discovery's `storageVersionHash`; `None` for resources that are not stored.
    pub storage_version_hash: Option<String>,
    pub origin: Origin,
}

impl ResourceInfo {
    /// `apps/v1`, or `v1` for the core group.
    pub fn api_version(&self) -> String {
        group_version(&self.group, &self.version)
    }

    /// URL prefix of the group version: `/api/v1` or `/apis/<group>/<version>`.
    pub fn base_path(&self) -> String {
        base_path(&self.group, &self.version)
    }

    /// `deployments.apps` (or `pods` for the core group), as used in error messages.
    pub fn qualified_plural(&self) -> String {
        if self.group.is_empty() {
            self.plural.clone()
        } else {
            format!("{}.{}", self.plural, self.group)
        }
    }

    pub fn has_verb(&self, verb: &str) -> bool {
        self.verbs.iter().any(|v| v == verb)
    }

    pub fn subresource(&self, name: &str) -> Option<&Subresource> {
        self.subresources.iter().find(|s| s.name == name)
    }

    /// The CRD version this resource comes from, for custom resources.
    pub fn crd(&self) -> Option<&CrdVersion> {
        match &self.origin {
            Origin::Crd(crd) => Some(crd),
            Origin::Builtin => None,
        }
    }

    pub fn is_builtin(&self) -> bool {
        self.origin == Origin::Builtin
    }
}

/// `group/version`, or `version` for the core group.
pub fn group_version(group: &str, version: &str) -> String {
    if group.is_empty() {
        version.to_owned()
    } else {
        format!("{group}/{version}")
    }
}

/// URL prefix of a group version: `/api/v1` or `/apis/<group>/<version>`.
pub fn base_path(group: &str, version: &str) -> String {
    if group.is_empty() {
        format!("/api/{version}")
    } else {
        format!("/apis/{group}/{version}")
    }
}

/// Discovery's `storageVersionHash`: base64 of the first 8 bytes of
/// SHA-256(`<group>/<version>/<kind>`) of the storage version.
pub fn storage_version_hash(group: &str, version: &str, kind: &str) -> String {
    let digest = Sha256::digest(format!("{group}/{version}/{kind}").as_bytes());
    base64(&digest[..8])
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

mod order;
pub use order::{compare_groups, compare_versions};

mod crd;
pub use crd::{crd_is_established, from_crd};

/// A group and its served versions, highest priority first (the first is preferred).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupVersions {
    pub name: String,
    pub versions: Vec<String>,
}

impl GroupVersions {
    pub fn preferred(&self) -> &str {
        self.versions.first().map_or("", String::as_str)
    }
}

/// Built-in resources plus the resources of Established CRDs. `Registry::new()` serves the
/// built-ins; `Registry::default()` serves nothing.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    resources: Vec<ResourceInfo>,
}

impl Registry {
    /// The built-in resources of §2.14, no CRDs.
    pub fn new() -> Self {
        Self {
            resources: builtin(),
        }
    }

    /// A registry serving exactly `resources`.
    pub fn from_resources(resources: Vec<ResourceInfo>) -> Self {
        Self { resources }
    }

    pub fn resources(&self) -> &[ResourceInfo] {
        &self.resources
    }

    /// Replaces the entries of the CRD named `metadata.name` by those it yields now (none
    /// when it is not Established). Returns whether anything changed.
    pub fn apply_crd(&mut self, crd: &Value) -> bool {
        let name = crd
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or("");
        let old = self.take_crd(name);
        let new = from_crd(crd);
        let changed = old != new;
        self.resources.extend(new);
        changed
    }

    /// Drops the entries of the CRD `name`. Returns whether there were any.
    pub fn remove_crd(&mut self, name: &str) -> bool {
        !self.take_crd(name).is_empty()
    }

    fn take_crd(&mut self, name: &str) -> Vec<ResourceInfo> {
        let (taken, kept) = std::mem::take(&mut self.resources)
            .into_iter()
            .partition(|r| r.crd().is_some_and(|c| c.crd_name == name));
        self.resources = kept;
        taken
    }

    /// The resource `plural` in `group`/`version`.
    pub fn find(&self, group: &str, version: &str, plural: &str) -> Option<&ResourceInfo> {
        self.resources
            .iter()
            .find(|r| r.group == group && r.version == version && r.plural == plural)
    }

    /// The resource of `kind` in `group`/`version`.
    pub fn find_kind(&self, group: &str, version: &str, kind: &str) -> Option<&ResourceInfo> {
        self.resources
            .iter()
            .find(|r| r.group == group && r.version == version && r.kind == kind)
    }

    /// Every resource of `kind` in any group and version, by group then version priority.
    pub fn find_by_kind(&self, kind: &str) -> Vec<&ResourceInfo> {
        let mut found: Vec<_> = self.resources.iter().filter(|r| r.kind == kind).collect();
        found.sort_by(|a, b| {
            compare_groups(&a.group, &b.group)
                .then_with(|| compare_versions(&a.version, &b.version))
        });
        found
    }

    /// The resource `plural` of `group` in the group's preferred version that has it.
    pub fn find_preferred(&self, group: &str, plural: &str) -> Option<&ResourceInfo> {
        self.versions(group)
            .iter()
            .find_map(|v| self.find(group, v, plural))
    }

    /// Served versions of `group`, highest priority first.
    pub fn versions(&self, group: &str) -> Vec<String> {
        let mut versions: Vec<String> = Vec::new();
        for r in self.resources.iter().filter(|r| r.group == group) {
            if !versions.contains(&r.version) {
                versions.push(r.version.clone());
            }
        }
        versions.sort_by(|a, b| compare_versions(a, b));
        versions
    }

    /// The preferred (highest-priority) version of `group`.
    pub fn preferred_version(&self, group: &str) -> Option<String> {
        self.versions(group).into_iter().next()
    }

    /// All groups, core (`""`) first, in discovery order, each with its versions.
    pub fn groups(&self) -> Vec<GroupVersions> {
        let mut names: Vec<&str> = Vec::new();
        for r in &self.resources {
            if !names.contains(&r.group.as_str()) {
                names.push(&r.group);
            }
        }
        names.sort_by(|a, b| compare_groups(a, b));
        names
            .into_iter()
            .map(|name| GroupVersions {
                name: name.to_owned(),
                versions: self.versions(name),
            })
            .collect()
    }

    /// Every served `(group, version)`, in discovery order.
    pub fn group_versions(&self) -> Vec<(String, String)> {
        self.groups()
            .into_iter()
            .flat_map(|g| {
                let name = g.name;
                g.versions.into_iter().map(move |v| (name.clone(), v))
            })
            .collect()
    }

    /// Resources of one group version, sorted by plural.
    pub fn resources_in(&self, group: &str, version: &str) -> Vec<&ResourceInfo> {
        let mut found: Vec<_> = self
            .resources
            .iter()
            .filter(|r| r.group == group && r.version == version)
            .collect();
        found.sort_by(|a, b| a.plural.cmp(&b.plural));
        found
    }

    /// Resources whose discovery categories include `category` (e.g. `all`), one per
    /// group (its preferred version), in discovery order.
    pub fn in_category(&self, category: &str) -> Vec<&ResourceInfo> {
        let mut found = Vec::new();
        for g in self.groups() {
            for r in self.resources_in(&g.name, g.preferred()) {
                if r.categories.iter().any(|c| c == category) {
                    found.push(r);
                }
            }
        }
        found
    }
}

#[cfg(test)]
pub(crate) mod tests;
