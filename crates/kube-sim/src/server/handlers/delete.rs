//! Deletes: one object (finalizers, propagation policies) and collections.

use super::*;

/// Delete options from the body or the query.
pub(crate) struct DeleteOptions {
    propagation: Option<String>,
    uid: Option<String>,
    resource_version: Option<String>,
    dry: bool,
}

pub(crate) fn delete_options(req: &Request) -> Result<DeleteOptions, ApiError> {
    let content_type = req
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let body: Value = if req.body.is_empty() {
        json!({})
    } else if crate::protobuf::is_protobuf(content_type) {
        crate::protobuf::decode(&req.body)
            .map_err(|e| ApiError::bad_request(format!("error decoding DeleteOptions: {e}")))?
    } else {
        serde_json::from_slice(&req.body)
            .map_err(|e| ApiError::bad_request(format!("error decoding DeleteOptions: {e}")))?
    };
    let propagation = body["propagationPolicy"]
        .as_str()
        .map(str::to_owned)
        .or_else(|| req.query.get("propagationPolicy").map(str::to_owned));
    if let Some(p) = &propagation {
        if !matches!(p.as_str(), "Orphan" | "Background" | "Foreground") {
            return Err(ApiError::invalid_options(
                "DeleteOptions",
                "propagationPolicy",
                &format!("Unsupported value: \"{p}\": supported values: \"Foreground\", \"Background\", \"Orphan\", \"nil\""),
            ));
        }
    }
    let dry = match body["dryRun"].as_array() {
        Some(v) if v.iter().any(|x| x == "All") => true,
        Some(v) if !v.is_empty() => {
            return Err(ApiError::invalid_options(
                "DeleteOptions",
                "dryRun",
                "Unsupported value: supported values: \"All\"",
            ))
        }
        _ => dry_run(req, "DeleteOptions")?,
    };
    Ok(DeleteOptions {
        propagation,
        uid: body["preconditions"]["uid"].as_str().map(str::to_owned),
        resource_version: body["preconditions"]["resourceVersion"]
            .as_str()
            .map(str::to_owned),
        dry,
    })
}

pub(crate) fn delete(
    api: &Arc<Api>,
    req: &Request,
    rt: &ResourceType,
    t: &Target,
    name: &str,
) -> Result<Reply, ApiError> {
    let options = delete_options(req)?;
    let subject = rt.subject(name);
    let now = object::timestamp(jiff::Timestamp::now());
    let is_namespace = rt.group.is_empty() && rt.plural == "namespaces";
    // Jobs orphan their pods unless told otherwise (spec §6.1).
    let propagation = options.propagation.clone().unwrap_or_else(|| {
        if rt.group == "batch" && rt.plural == "jobs" {
            "Orphan".into()
        } else {
            "Background".into()
        }
    });
    let mut outcome = None;
    let written = api.store.write(&rt.key(), &key(t, name), |current, _| {
        let old = current.ok_or_else(|| ApiError::not_found(&subject))?;
        if let Some(uid) = &options.uid {
            let stored = meta_str(old, "uid").unwrap_or_default();
            if uid != stored {
                return Err(ApiError::conflict(&subject, &format!("Precondition failed: UID in precondition: {uid}, UID in object meta: {stored}")));
            }
        }
        if let Some(rv) = &options.resource_version {
            if Some(rv.as_str()) != meta_str(old, "resourceVersion") {
                return Err(ApiError::conflict(&subject, &format!(
                    "Precondition failed: ResourceVersion in precondition: {rv}, ResourceVersion in object meta: {}",
                    meta_str(old, "resourceVersion").unwrap_or_default()
                )));
            }
        }
        if meta_str(old, "deletionTimestamp").is_some() {
            outcome = Some(old.clone());
            return Ok(Write::Keep);
        }
        let mut marked = old.clone();
        let finalizer = match propagation.as_str() {
            _ if custom::is_crd(rt) => Some(custom::CRD_CLEANUP_FINALIZER),
            "Foreground" => Some("foregroundDeletion"),
            "Orphan" => Some("orphan"),
            _ => None,
        };
        if let Some(f) = finalizer {
            let list = marked["metadata"]["finalizers"].as_array().cloned().unwrap_or_default();
            if !list.iter().any(|x| x == f) {
                let mut list = list;
                list.push(json!(f));
                marked["metadata"]["finalizers"] = Value::Array(list);
            }
        }
        let has_finalizers = marked["metadata"]["finalizers"].as_array().is_some_and(|f| !f.is_empty());
        if is_namespace || has_finalizers {
            marked["metadata"]["deletionTimestamp"] = json!(now);
            marked["metadata"]["deletionGracePeriodSeconds"] = json!(0);
            if rt.generation {
                let g = marked["metadata"]["generation"].as_i64().unwrap_or(0);
                marked["metadata"]["generation"] = json!(g + 1);
            }
            if is_namespace {
                marked["status"]["phase"] = json!("Terminating");
            }
            outcome = Some(marked.clone());
            return Ok(if options.dry { Write::Keep } else { Write::Put(marked) });
        }
        outcome = Some(old.clone());
        Ok(if options.dry { Write::Keep } else { Write::Delete })
    })?;
    let last = outcome.ok_or_else(|| ApiError::internal("delete produced no object"))?;
    let mut warnings = Vec::new();
    if rt.group == "batch" && rt.plural == "jobs" && options.propagation.is_none() {
        warnings.push("child pods are preserved by default when jobs are deleted; set propagationPolicy=Background to remove them or set propagationPolicy=Orphan to suppress this warning".to_owned());
    }
    let body = match written {
        Some(stored) if meta_str(&stored, "deletionTimestamp").is_some() => {
            if is_namespace {
                crate::lifecycle::terminate_namespace(api, name);
                let current = api.store.get(&rt.key(), &key(t, name));
                present(current.unwrap_or(stored), rt)
            } else if custom::is_crd(rt) {
                custom::establish(api, name);
                custom::cleanup_crd(api, name);
                match api.store.get(&rt.key(), &key(t, name)) {
                    Some(current) => present(current, rt),
                    None => present(stored, rt),
                }
            } else {
                if propagation == "Foreground" || propagation == "Orphan" {
                    crate::lifecycle::finish_owner_deletion(
                        api,
                        &rt.key(),
                        rt.namespaced,
                        &stored,
                        &propagation,
                    );
                }
                present(
                    api.store.get(&rt.key(), &key(t, name)).unwrap_or(stored),
                    rt,
                )
            }
        }
        Some(stored) => {
            after_removal(api, rt, &stored);
            if delete_returns_object(rt) {
                present(stored, rt)
            } else {
                status::deleted(&subject, meta_str(&stored, "uid").unwrap_or_default())
            }
        }
        None => present(last, rt),
    };
    Ok(Reply::Json {
        code: 200,
        body,
        warnings,
    })
}

pub(crate) fn delete_collection(
    api: &Arc<Api>,
    req: &Request,
    rt: &ResourceType,
    t: &Target,
) -> Result<Reply, ApiError> {
    let selectors = selectors(req, rt)?;
    let (items, _) = api.store.list(&rt.key(), t.namespace.as_deref());
    let mut deleted = Vec::new();
    for item in items.into_iter().filter(|o| selectors.matches(o)) {
        let name = meta_str(&item, "name").unwrap_or_default().to_owned();
        let target = Target {
            namespace: meta_str(&item, "namespace").map(str::to_owned),
            ..t.clone()
        };
        let mut one = req.clone();
        one.body = Default::default();
        if let Ok(Reply::Json { code: 200, .. }) = delete(api, &one, rt, &target, &name) {
            deleted.push(present(item, rt));
        }
    }
    Ok(Reply::ok(json!({
        "kind": rt.list_kind(), "apiVersion": rt.api_version(),
        "metadata": {"resourceVersion": api.store.rv().to_string()}, "items": deleted,
    })))
}
