//! The custom-resource request pipeline (spec §5.3) and the CRD controller (§5.1).

use std::sync::Arc;

use serde_json::{json, Value};

use super::{Api, Request};
use crate::object::{self, meta_str};
use crate::resource::ResourceType;
use crate::status::{ApiError, Subject};
use crate::store::Write;

/// The finalizer a CRD carries while its custom resources are deleted.
pub const CRD_CLEANUP_FINALIZER: &str = "customresourcecleanup.apiextensions.k8s.io";

/// `fieldValidation`: what to do with unknown fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldValidation {
    Strict,
    Warn,
    Ignore,
}

/// Reads `fieldValidation` (kube-apiserver's default is Warn).
pub fn field_validation(req: &Request, options: &str) -> Result<FieldValidation, ApiError> {
    match req.query.get("fieldValidation") {
        None | Some("Warn") => Ok(FieldValidation::Warn),
        Some("Strict") => Ok(FieldValidation::Strict),
        Some("Ignore") => Ok(FieldValidation::Ignore),
        Some(other) => Err(ApiError::invalid_options(
            options,
            "fieldValidation",
            &format!("Unsupported value: \"{other}\": supported values: \"Ignore\", \"Strict\", \"Warn\""),
        )),
    }
}

pub fn is_crd(rt: &ResourceType) -> bool {
    rt.group == "apiextensions.k8s.io" && rt.plural == "customresourcedefinitions"
}

/// Prunes unknown fields, applies defaults and validates a custom resource; returns the
/// warnings to send (unknown fields under `fieldValidation=Warn`).
pub fn admit(
    rt: &ResourceType,
    obj: &mut Value,
    fv: FieldValidation,
    status_write: bool,
) -> Result<Vec<String>, ApiError> {
    let Some(schema) = rt.schema.as_deref() else {
        return Ok(Vec::new());
    };
    let unknown = crate::crd::prune(obj, schema);
    let mut warnings = Vec::new();
    if !unknown.is_empty() {
        let list: Vec<String> = unknown
            .iter()
            .map(|f| format!("unknown field \"{f}\""))
            .collect();
        match fv {
            FieldValidation::Strict => {
                return Err(ApiError::bad_request(format!(
                    "{} in version \"{}\" cannot be handled as a {}: strict decoding error: {}",
                    rt.kind,
                    rt.version,
                    rt.kind,
                    list.join(", ")
                )))
            }
            FieldValidation::Warn => warnings = list,
            FieldValidation::Ignore => {}
        }
    }
    crate::crd::apply_defaults(obj, schema);
    let causes = if status_write {
        crate::crd::validate_status(obj, schema)
    } else {
        crate::crd::validate(obj, schema)
    };
    if !causes.is_empty() {
        let name = meta_str(obj, "name").unwrap_or_default();
        return Err(ApiError::invalid(&rt.subject(name), &causes));
    }
    Ok(warnings)
}

/// Read-time defaulting: schema defaults appear on stored objects too (e.g. Flux's
/// `status: {observedGeneration: -1}`).
pub fn read_defaults(rt: &ResourceType, obj: &mut Value) {
    if let Some(schema) = rt.schema.as_deref() {
        crate::crd::apply_defaults(obj, schema);
    }
}

fn crd_subject(name: &str) -> Subject {
    Subject {
        group: "apiextensions.k8s.io".into(),
        resource: "customresourcedefinitions".into(),
        kind: "CustomResourceDefinition".into(),
        name: name.into(),
    }
}

/// Defaults and validates a CRD before it is stored.
pub fn prepare_crd(obj: &mut Value) -> Result<(), ApiError> {
    crate::crd::default_crd(obj);
    let causes = crate::crd::validate_crd(obj);
    if causes.is_empty() {
        return Ok(());
    }
    let name = meta_str(obj, "name").unwrap_or_default().to_owned();
    Err(ApiError::invalid(&crd_subject(&name), &causes))
}

/// The CRD controller: accepts the names, marks the CRD Established and serves its
/// versions (routing, discovery and OpenAPI at once).
pub fn establish(api: &Arc<Api>, name: &str) {
    let key = (
        "apiextensions.k8s.io".to_owned(),
        "customresourcedefinitions".to_owned(),
    );
    let now = object::timestamp(jiff::Timestamp::now());
    let written = api.store.write::<()>(&key, &(String::new(), name.to_owned()), |current, _| {
        let Some(crd) = current else { return Ok(Write::Keep) };
        let mut next = crd.clone();
        let condition = |t: &str, reason: &str, message: &str, old: &Value| {
            let since = old["status"]["conditions"]
                .as_array()
                .and_then(|cs| cs.iter().find(|c| c["type"] == t && c["status"] == "True"))
                .and_then(|c| c["lastTransitionTime"].as_str().map(str::to_owned))
                .unwrap_or_else(|| now.clone());
            json!({"type": t, "status": "True", "lastTransitionTime": since, "reason": reason, "message": message})
        };
        let mut conditions = vec![
            condition("NamesAccepted", "NoConflicts", "no conflicts found", crd),
            condition("Established", "InitialNamesAccepted", "the initial names have been accepted", crd),
        ];
        if meta_str(crd, "deletionTimestamp").is_some() {
            conditions.push(json!({"type": "Terminating", "status": "True", "lastTransitionTime": now,
                "reason": "InstanceDeletionInProgress", "message": "CustomResource deletion is in progress"}));
        }
        next["status"]["conditions"] = Value::Array(conditions);
        next["status"]["acceptedNames"] = crd["spec"]["names"].clone();
        let mut stored: Vec<Value> = crd["status"]["storedVersions"].as_array().cloned().unwrap_or_default();
        if let Some(versions) = crd["spec"]["versions"].as_array() {
            for v in versions.iter().filter(|v| v["storage"] == true) {
                if !stored.contains(&v["name"]) {
                    stored.push(v["name"].clone());
                }
            }
        }
        next["status"]["storedVersions"] = Value::Array(stored);
        Ok(if object::same_content(crd, &next) { Write::Keep } else { Write::Put(next) })
    });
    let current = match written {
        Ok(Some(c)) => Some(c),
        _ => api.store.get(&key, &(String::new(), name.to_owned())),
    };
    if let Some(crd) = current {
        api.catalog.apply_crd(&crd);
    }
}

/// Deletes the custom resources of a terminating CRD; once none is left the CRD's cleanup
/// finalizer goes, the CRD is removed and its versions stop being served.
pub fn cleanup_crd(api: &Arc<Api>, name: &str) {
    let key = (
        "apiextensions.k8s.io".to_owned(),
        "customresourcedefinitions".to_owned(),
    );
    let Some(crd) = api.store.get(&key, &(String::new(), name.to_owned())) else {
        return;
    };
    if meta_str(&crd, "deletionTimestamp").is_none() {
        return;
    }
    let group = crd["spec"]["group"].as_str().unwrap_or_default().to_owned();
    let plural = crd["spec"]["names"]["plural"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let resource = (group, plural);
    let (items, _) = api.store.list(&resource, None);
    for item in &items {
        crate::lifecycle::remove_stored(api, &resource, item);
    }
    if !api.store.list(&resource, None).0.is_empty() {
        return;
    }
    let removed = crate::lifecycle::release_finalizer(
        api,
        &key,
        &(String::new(), name.to_owned()),
        CRD_CLEANUP_FINALIZER,
    );
    if matches!(removed, Some((_, true))) {
        api.catalog.remove_crd(name);
    }
}

/// After a custom resource went: finish its CRD's deletion if it was waiting for it.
pub fn custom_resource_removed(api: &Arc<Api>, rt: &ResourceType) {
    if rt.custom {
        cleanup_crd(api, &format!("{}.{}", rt.plural, rt.group));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crd_subjects_name_the_kind() {
        let e = ApiError::invalid(&crd_subject("x"), &[]);
        assert!(e
            .message
            .starts_with("CustomResourceDefinition.apiextensions.k8s.io \"x\" is invalid"));
    }
}
