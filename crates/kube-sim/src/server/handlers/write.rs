//! Writes: create, update, patch (merge, JSON, strategic), /scale, namespace finalize,
//! and the admission steps every write shares.

use super::*;

/// The `autoscaling/v1` Scale of an object (spec §2.11).
pub(crate) fn scale_of(obj: &Value) -> Value {
    let selector = obj
        .pointer("/spec/selector/matchLabels")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default()))
                .collect::<Vec<_>>()
                .join(",")
        })
        .unwrap_or_default();
    let mut metadata = json!({});
    for field in [
        "name",
        "namespace",
        "uid",
        "resourceVersion",
        "creationTimestamp",
    ] {
        if let Some(v) = obj.pointer(&format!("/metadata/{field}")) {
            metadata[field] = v.clone();
        }
    }
    json!({"kind": "Scale", "apiVersion": "autoscaling/v1", "metadata": metadata,
        "spec": {"replicas": obj.pointer("/spec/replicas").cloned().unwrap_or(json!(0))},
        "status": {"replicas": obj.pointer("/status/replicas").cloned().unwrap_or(json!(0)), "selector": selector}})
}

/// PUT or PATCH of `/scale`: changes `spec.replicas` of the object.
pub(crate) fn scale(
    api: &Arc<Api>,
    req: &Request,
    rt: &ResourceType,
    t: &Target,
    name: &str,
) -> Result<Reply, ApiError> {
    let dry = dry_run(
        req,
        if req.method == Method::PUT {
            "UpdateOptions"
        } else {
            "PatchOptions"
        },
    )?;
    let body: Value = serde_json::from_slice(&req.body)
        .map_err(|e| ApiError::bad_request(format!("error decoding Scale: {e}")))?;
    let is_put = req.method == Method::PUT;
    let content_type = req
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let reply = write_existing(api, rt, t, name, dry, |old| {
        let current = scale_of(old);
        let wanted = if is_put {
            body.clone()
        } else if content_type.starts_with("application/json-patch+json") {
            crate::patch::json_patch(&current, &body).map_err(|_| ApiError::patch_rejected())?
        } else {
            crate::patch::try_merge_patch(&current, &body)
                .map_err(|e| ApiError::bad_request(e.to_string()))?
        };
        if let Some(rv) = wanted
            .pointer("/metadata/resourceVersion")
            .and_then(Value::as_str)
        {
            if Some(rv) != meta_str(old, "resourceVersion") {
                return Err(ApiError::stale(&rt.subject(name)));
            }
        }
        let replicas = wanted
            .pointer("/spec/replicas")
            .and_then(Value::as_i64)
            .filter(|r| *r >= 0)
            .ok_or_else(|| {
                ApiError::invalid(
                    &status::Subject {
                        group: "autoscaling".into(),
                        resource: "scale".into(),
                        kind: "Scale".into(),
                        name: name.into(),
                    },
                    &[Cause {
                        reason: "FieldValueInvalid".into(),
                        message: "Invalid value: must be greater than or equal to 0".into(),
                        field: "spec.replicas".into(),
                    }],
                )
            })?;
        let mut new = old.clone();
        new["spec"]["replicas"] = json!(replicas);
        if rt.generation && new != *old {
            let g = old
                .pointer("/metadata/generation")
                .and_then(Value::as_i64)
                .unwrap_or(0);
            new["metadata"]["generation"] = json!(g + 1);
        }
        Ok((new, Vec::new()))
    })?;
    match reply {
        Reply::Json {
            code,
            body,
            warnings,
        } => Ok(Reply::Json {
            code,
            body: scale_of(&body),
            warnings,
        }),
        other => Ok(other),
    }
}

pub(crate) fn create(
    api: &Arc<Api>,
    req: &Request,
    rt: &ResourceType,
    t: &Target,
) -> Result<Reply, ApiError> {
    let dry = dry_run(req, "CreateOptions")?;
    let fv = custom::field_validation(req, "CreateOptions")?;
    let mut obj = decode_body(req, rt)?;
    if rt.namespaced && t.namespace.is_none() {
        return Err(ApiError::no_route());
    }
    let (name, warnings) = prepare_new(api, rt, t, &mut obj, fv)?;
    crate::server::ssa::track(api, req, rt, None, &mut obj, None)?;
    store_created(api, rt, t, &name, obj, dry, warnings)
}

/// Everything a new object goes through before it is stored: server metadata, namespace
/// checks and defaults, CRD checks, built-in defaults, admission. Returns its name and the
/// warnings to send.
pub(crate) fn prepare_new(
    api: &Arc<Api>,
    rt: &ResourceType,
    t: &Target,
    obj: &mut Value,
    fv: FieldValidation,
) -> Result<(String, Vec<String>), ApiError> {
    let name = object::prepare_create(obj, rt, t.namespace.as_deref(), jiff::Timestamp::now())?;
    if let Some(ns) = &t.namespace {
        check_namespace_open(api, ns, rt, &name)?;
    }
    if rt.group.is_empty() && rt.plural == "namespaces" {
        default_namespace(obj, &name);
    }
    if custom::is_crd(rt) {
        custom::prepare_crd(obj)?;
    }
    if !rt.custom {
        crate::builtin::apply_defaults(rt, obj);
    }
    let warnings = admit(rt, obj, fv, false)?;
    Ok((name, warnings))
}

/// Stores a prepared new object (unless dry-run), runs what follows a create (namespace
/// content, CRD establishment) and answers 201.
pub(crate) fn store_created(
    api: &Arc<Api>,
    rt: &ResourceType,
    t: &Target,
    name: &str,
    obj: Value,
    dry: bool,
    warnings: Vec<String>,
) -> Result<Reply, ApiError> {
    let subject = rt.subject(name);
    let mut result = None;
    let stored = api.store.write(&rt.key(), &key(t, name), |current, _| {
        if current.is_some() {
            return Err(ApiError::already_exists(&subject));
        }
        if dry {
            result = Some(obj.clone());
            return Ok(Write::Keep);
        }
        Ok(Write::Put(obj.clone()))
    })?;
    if stored.is_some() {
        result = stored;
    }
    let created = result.ok_or_else(|| ApiError::internal("create produced no object"))?;
    if !dry && rt.group.is_empty() && rt.plural == "namespaces" {
        populate_namespace(api, name);
    }
    if !dry && custom::is_crd(rt) {
        custom::establish(api, name);
    }
    let mut created = present(created, rt);
    if dry {
        if let Some(m) = created.get_mut("metadata").and_then(Value::as_object_mut) {
            m.remove("resourceVersion");
        }
    }
    Ok(Reply::Json {
        code: 201,
        body: created,
        warnings,
    })
}

/// Defaults, allocated fields and immutability of built-in kinds on update.
pub(crate) fn builtin_update(
    rt: &ResourceType,
    old: &Value,
    new: &mut Value,
) -> Result<(), ApiError> {
    if rt.custom {
        return Ok(());
    }
    crate::builtin::carry_allocated(rt, old, new);
    crate::builtin::apply_defaults(rt, new);
    crate::builtin::validate_update(rt, old, new)
}

/// The admission pipeline: unknown fields of built-in kinds are refused or dropped as
/// `fieldValidation` says; custom resources are pruned, defaulted and validated.
pub(crate) fn admit(
    rt: &ResourceType,
    obj: &mut Value,
    fv: FieldValidation,
    status_write: bool,
) -> Result<Vec<String>, ApiError> {
    if rt.custom {
        return custom::admit(rt, obj, fv, status_write);
    }
    let Some(root) = crate::openapi::model::patch_meta(&rt.group, &rt.version, &rt.kind) else {
        return Ok(Vec::new());
    };
    let unknown = crate::server::types::prune_unknown(root, obj);
    if unknown.is_empty() {
        return Ok(Vec::new());
    }
    let list: Vec<String> = unknown
        .iter()
        .map(|f| format!("unknown field \"{f}\""))
        .collect();
    match fv {
        FieldValidation::Strict => Err(ApiError::bad_request(format!(
            "{} in version \"{}\" cannot be handled as a {}: strict decoding error: {}",
            rt.kind,
            rt.version,
            rt.kind,
            list.join(", ")
        ))),
        FieldValidation::Warn => Ok(list),
        FieldValidation::Ignore => Ok(Vec::new()),
    }
}

/// Refuses creates in a missing or terminating namespace.
pub(crate) fn check_namespace_open(
    api: &Api,
    ns: &str,
    rt: &ResourceType,
    name: &str,
) -> Result<(), ApiError> {
    let namespace = api.store.get(
        &(String::new(), "namespaces".into()),
        &(String::new(), ns.to_owned()),
    );
    let Some(namespace) = namespace else {
        let subject = status::Subject {
            resource: "namespaces".into(),
            kind: "Namespace".into(),
            name: ns.into(),
            ..Default::default()
        };
        return Err(ApiError::not_found(&subject));
    };
    if meta_str(&namespace, "deletionTimestamp").is_some() {
        return Err(ApiError::forbidden(
            &rt.subject(name),
            format!(
                "{} \"{name}\" is forbidden: unable to create new content in namespace {ns} because it is being terminated",
                rt.subject(name).qualified_resource()
            ),
            &[Cause {
                reason: "NamespaceTerminating".into(),
                message: format!("namespace {ns} is being terminated"),
                field: "metadata.namespace".into(),
            }],
        ));
    }
    Ok(())
}

/// A namespace's server defaults (spec §2.9).
pub(crate) fn default_namespace(obj: &mut Value, name: &str) {
    obj["spec"]["finalizers"] = json!(["kubernetes"]);
    obj["status"] = json!({"phase": "Active"});
    obj["metadata"]["labels"]["kubernetes.io/metadata.name"] = json!(name);
}

/// What the namespace controllers create in every namespace: the `default` ServiceAccount
/// and the `kube-root-ca.crt` ConfigMap.
pub(crate) fn populate_namespace(api: &Api, ns: &str) {
    let now = jiff::Timestamp::now();
    let seed = [
        ("serviceaccounts", "ServiceAccount", "default", json!({})),
        (
            "configmaps",
            "ConfigMap",
            "kube-root-ca.crt",
            json!({"data": {"ca.crt": "-----BEGIN CERTIFICATE-----\nkube-sim\n-----END CERTIFICATE-----\n"}}),
        ),
    ];
    for (plural, kind, name, extra) in seed {
        let Some(rt) = api.catalog.resolve("", "v1", plural) else {
            continue;
        };
        let mut obj = json!({"apiVersion": "v1", "kind": kind, "metadata": {"name": name}});
        if let (Some(o), Some(e)) = (obj.as_object_mut(), extra.as_object()) {
            o.extend(e.clone());
        }
        if object::prepare_create(&mut obj, &rt, Some(ns), now).is_err() {
            continue;
        }
        let _ = api.store.write::<ApiError>(
            &rt.key(),
            &(ns.to_owned(), name.to_owned()),
            |current, _| {
                Ok(if current.is_some() {
                    Write::Keep
                } else {
                    Write::Put(obj.clone())
                })
            },
        );
    }
}

pub(crate) fn update(
    api: &Arc<Api>,
    req: &Request,
    rt: &ResourceType,
    t: &Target,
    name: &str,
    status: bool,
) -> Result<Reply, ApiError> {
    let dry = dry_run(req, "UpdateOptions")?;
    let fv = custom::field_validation(req, "UpdateOptions")?;
    let new = decode_body(req, rt)?;
    write_existing(api, rt, t, name, dry, |old| {
        let mut new = new.clone();
        let warnings = prepare_changed(api, req, rt, old, &mut new, fv, status)?;
        Ok((new, warnings))
    })
}

/// Everything a changed object goes through before it replaces `old` (update rules,
/// built-in defaults and immutability, CRD checks, admission, managedFields as an Update).
/// Returns the warnings to send.
pub(crate) fn prepare_changed(
    api: &Arc<Api>,
    req: &Request,
    rt: &ResourceType,
    old: &Value,
    new: &mut Value,
    fv: FieldValidation,
    status: bool,
) -> Result<Vec<String>, ApiError> {
    object::prepare_update(old, new, rt, status)?;
    builtin_update(rt, old, new)?;
    if custom::is_crd(rt) {
        custom::prepare_crd(new)?;
    }
    let warnings = admit(rt, new, fv, status)?;
    crate::server::ssa::track(api, req, rt, Some(old), new, status.then_some("status"))?;
    Ok(warnings)
}

pub(crate) fn patch(
    api: &Arc<Api>,
    req: &Request,
    rt: &ResourceType,
    t: &Target,
    name: &str,
    status: bool,
) -> Result<Reply, ApiError> {
    if req
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|c| c.starts_with("application/apply-patch"))
    {
        return crate::server::ssa::apply(api, req, rt, t, name, status);
    }
    let dry = dry_run(req, "PatchOptions")?;
    let fv = custom::field_validation(req, "PatchOptions")?;
    let content_type = req
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let patch: Value = serde_json::from_slice(&req.body)
        .or_else(|_| serde_yaml_ng::from_slice(&req.body))
        .map_err(|e| ApiError::bad_request(format!("error decoding patch: {e}")))?;
    let kind = if content_type.starts_with("application/merge-patch+json") {
        PatchKind::Merge
    } else if content_type.starts_with("application/json-patch+json") {
        PatchKind::Json
    } else if content_type.starts_with("application/strategic-merge-patch+json") && !rt.custom {
        PatchKind::Strategic
    } else {
        let accepted = if rt.custom {
            "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml"
        } else {
            "application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml"
        };
        return Err(ApiError::unsupported_media_type(accepted));
    };
    write_existing(api, rt, t, name, dry, |old| {
        let mut new = apply_patch(kind, rt, old, &patch)?;
        let warnings = prepare_changed(api, req, rt, old, &mut new, fv, status)?;
        Ok((new, warnings))
    })
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PatchKind {
    Merge,
    Json,
    Strategic,
}

pub(crate) fn apply_patch(
    kind: PatchKind,
    rt: &ResourceType,
    old: &Value,
    patch: &Value,
) -> Result<Value, ApiError> {
    let failed = |e: crate::patch::PatchError| {
        let code = e.status_code();
        match code {
            422 => ApiError::patch_rejected(),
            413 => ApiError {
                code,
                reason: "RequestEntityTooLarge",
                message: e.to_string(),
                details: json!({}),
            },
            400 => ApiError::bad_request(e.to_string()),
            _ => ApiError::internal(e),
        }
    };
    match kind {
        PatchKind::Merge => crate::patch::try_merge_patch(old, patch).map_err(failed),
        PatchKind::Json => crate::patch::json_patch(old, patch).map_err(failed),
        PatchKind::Strategic => {
            match crate::openapi::model::patch_meta(&rt.group, &rt.version, &rt.kind) {
                Some(root) => {
                    let meta = crate::server::patch_meta::for_patch(root, patch);
                    crate::patch::strategic_merge(old, patch, &meta).map_err(failed)
                }
                None => {
                    crate::patch::strategic_merge(old, patch, &crate::patch::NoMeta).map_err(failed)
                }
            }
        }
    }
}

/// Read-modify-write of an existing object; removes it when its last finalizer went.
pub(crate) fn write_existing(
    api: &Arc<Api>,
    rt: &ResourceType,
    t: &Target,
    name: &str,
    dry: bool,
    change: impl FnOnce(&Value) -> Result<(Value, Vec<String>), ApiError>,
) -> Result<Reply, ApiError> {
    let subject = rt.subject(name);
    let mut result = None;
    let mut removed = false;
    let mut warnings = Vec::new();
    let written = api.store.write(&rt.key(), &key(t, name), |current, _| {
        let old = current.ok_or_else(|| ApiError::not_found(&subject))?;
        let (new, w) = change(old)?;
        warnings = w;
        result = Some(new.clone());
        if dry || object::same_content(old, &new) {
            result = Some(if dry { new } else { old.clone() });
            return Ok(Write::Keep);
        }
        if object::ready_to_remove(&new) {
            removed = true;
            return Ok(Write::Delete);
        }
        Ok(Write::Put(new))
    })?;
    let obj = match written {
        Some(stored) => {
            if removed {
                after_removal(api, rt, &stored);
            }
            stored
        }
        None => result.ok_or_else(|| ApiError::internal("write produced no object"))?,
    };
    if !dry && !removed && custom::is_crd(rt) {
        custom::establish(api, name);
    }
    Ok(Reply::Json {
        code: 200,
        body: present(obj, rt),
        warnings,
    })
}

pub(crate) fn finalize_namespace(
    api: &Arc<Api>,
    req: &Request,
    rt: &ResourceType,
    name: &str,
) -> Result<Reply, ApiError> {
    let body = decode_body(req, rt)?;
    let finalizers = body["spec"]["finalizers"].clone();
    let t = Target {
        group: String::new(),
        version: "v1".into(),
        namespace: None,
        resource: "namespaces".into(),
        name: Some(name.into()),
        subresource: None,
    };
    let reply = write_existing(api, rt, &t, name, false, |old| {
        let mut new = old.clone();
        new["spec"]["finalizers"] = if finalizers.is_null() {
            json!([])
        } else {
            finalizers.clone()
        };
        Ok((new, Vec::new()))
    })?;
    crate::lifecycle::terminate_namespace(api, name);
    Ok(reply)
}
