//! Resources served for a CustomResourceDefinition (spec §5.1, §5.7).

use std::sync::Arc;

use serde_json::Value;

use super::builtin::GET_PATCH_UPDATE;
use super::{storage_version_hash, CrdVersion, Origin, ResourceInfo, Subresource};

/// Verbs of a custom resource, in the order kube-apiserver's CRD handler lists them.
const CRD_VERBS: &[&str] = &[
    "delete",
    "deletecollection",
    "get",
    "list",
    "patch",
    "create",
    "update",
    "watch",
];
/// Verbs left while the CRD is terminating.
const TERMINATING_VERBS: &[&str] = &["delete", "deletecollection", "get", "list", "watch"];

fn str_at<'a>(value: &'a Value, pointer: &str) -> &'a str {
    value.pointer(pointer).and_then(Value::as_str).unwrap_or("")
}

fn strings_at(value: &Value, pointer: &str) -> Vec<String> {
    value
        .pointer(pointer)
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

fn owned(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

/// Whether the CRD's status has condition `Established` = `True`.
pub fn crd_is_established(crd: &Value) -> bool {
    crd.pointer("/status/conditions")
        .and_then(Value::as_array)
        .is_some_and(|conditions| {
            conditions.iter().any(|c| {
                c.get("type").and_then(Value::as_str) == Some("Established")
                    && c.get("status").and_then(Value::as_str) == Some("True")
            })
        })
}

/// One entry per served version of an Established CRD (none otherwise), with the CRD's
/// accepted names, categories, short names and per-version subresources.
pub fn from_crd(crd: &Value) -> Vec<ResourceInfo> {
    if !crd_is_established(crd) {
        return Vec::new();
    }
    // Discovery uses the accepted names; they equal spec.names once NamesAccepted.
    let names = match crd.pointer("/status/acceptedNames") {
        Some(accepted) if !str_at(accepted, "/plural").is_empty() => accepted,
        _ => crd.pointer("/spec/names").unwrap_or(&Value::Null),
    };
    let group = str_at(crd, "/spec/group");
    let kind = str_at(names, "/kind");
    let plural = str_at(names, "/plural");
    if group.is_empty() || kind.is_empty() || plural.is_empty() {
        return Vec::new();
    }
    let singular = match str_at(names, "/singular") {
        "" => kind.to_ascii_lowercase(),
        s => s.to_owned(),
    };
    let list_kind = match str_at(names, "/listKind") {
        "" => format!("{kind}List"),
        s => s.to_owned(),
    };
    let namespaced = str_at(crd, "/spec/scope") != "Cluster";
    let terminating = crd
        .pointer("/metadata/deletionTimestamp")
        .is_some_and(|t| !t.is_null());
    let verbs = owned(if terminating {
        TERMINATING_VERBS
    } else {
        CRD_VERBS
    });
    let versions = crd
        .pointer("/spec/versions")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let storage_version = versions
        .iter()
        .find(|v| v.get("storage").and_then(Value::as_bool) == Some(true))
        .map(|v| str_at(v, "/name"));
    let hash = storage_version.map(|v| storage_version_hash(group, v, kind));

    let mut out = Vec::new();
    for v in versions {
        let version = str_at(v, "/name");
        if version.is_empty() || v.get("served").and_then(Value::as_bool) != Some(true) {
            continue;
        }
        // apiextensions v1 keeps subresources per version; v1beta1 had them at spec level.
        let subs = v
            .get("subresources")
            .or_else(|| crd.pointer("/spec/subresources"));
        let mut subresources = Vec::new();
        if let Some(subs) = subs {
            if subs.get("scale").is_some_and(Value::is_object) {
                subresources.push(Subresource {
                    name: "scale".to_owned(),
                    group: "autoscaling".to_owned(),
                    version: "v1".to_owned(),
                    kind: "Scale".to_owned(),
                    verbs: owned(GET_PATCH_UPDATE),
                });
            }
            if subs.get("status").is_some_and(Value::is_object) {
                subresources.push(Subresource {
                    name: "status".to_owned(),
                    group: group.to_owned(),
                    version: version.to_owned(),
                    kind: kind.to_owned(),
                    verbs: owned(GET_PATCH_UPDATE),
                });
            }
        }
        let schema = v
            .pointer("/schema/openAPIV3Schema")
            .or_else(|| crd.pointer("/spec/validation/openAPIV3Schema"))
            .cloned()
            .map(Arc::new);
        let deprecated = v.get("deprecated").and_then(Value::as_bool) == Some(true);
        let deprecation_warning = deprecated.then(|| match str_at(v, "/deprecationWarning") {
            "" => format!("{group}/{version} {kind} is deprecated"),
            s => s.to_owned(),
        });
        let selectable_fields = v
            .get("selectableFields")
            .and_then(Value::as_array)
            .map(|fields| {
                fields
                    .iter()
                    .map(|f| str_at(f, "/jsonPath").to_owned())
                    .collect()
            })
            .unwrap_or_default();
        out.push(ResourceInfo {
            group: group.to_owned(),
            version: version.to_owned(),
            kind: kind.to_owned(),
            plural: plural.to_owned(),
            singular: singular.clone(),
            namespaced,
            verbs: verbs.clone(),
            short_names: strings_at(names, "/shortNames"),
            categories: strings_at(names, "/categories"),
            subresources,
            list_kind: list_kind.clone(),
            storage_version_hash: hash.clone(),
            origin: Origin::Crd(CrdVersion {
                crd_name: str_at(crd, "/metadata/name").to_owned(),
                schema,
                printer_columns: v
                    .get("additionalPrinterColumns")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default(),
                selectable_fields,
                deprecation_warning,
                storage: storage_version == Some(version),
                terminating,
            }),
        });
    }
    out
}
