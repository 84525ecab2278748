//! Server-side apply requests and managedFields tracking of every write (spec §3).

use std::sync::Arc;

use serde_json::{json, Value};

use super::custom::{self, FieldValidation};
use super::handlers::{
    admit, builtin_update, dry_run, key, prepare_new, store_created, write_existing,
};
use super::path::Target;
use super::types::SchemaTypes;
use super::{Api, Reply, Request};
use crate::apply::{self, ApplyError, TypeInfo, Untyped};
use crate::object::{self, meta_str};
use crate::resource::ResourceType;
use crate::status::ApiError;

/// The field manager of a request: `fieldManager`, else the User-Agent up to its first `/`.
fn manager(req: &Request, options: &str) -> Result<String, ApiError> {
    let name = match req.query.get("fieldManager") {
        Some(m) => m.to_owned(),
        None => req
            .headers
            .get("user-agent")
            .and_then(|v| v.to_str().ok())
            .and_then(|ua| ua.split('/').next())
            .filter(|p| !p.is_empty())
            .unwrap_or("unknown")
            .to_owned(),
    };
    if name.len() > 128 {
        return Err(ApiError::invalid_options(
            options,
            "fieldManager",
            "Too long: may not be more than 128 bytes",
        ));
    }
    Ok(name)
}

/// Runs `f` with the field typing of `rt`: the published schema of a built-in kind, the
/// CRD's schema (with ObjectMeta) for custom resources, untyped otherwise.
fn with_types<R>(api: &Api, rt: &ResourceType, f: impl FnOnce(&dyn TypeInfo) -> R) -> R {
    if rt.custom {
        if let Some(info) = api.catalog.info(&rt.group, &rt.version, &rt.plural) {
            let set = crate::openapi::cr_schema_set(&info);
            if let Some(root) = set.kind(&rt.group, &rt.version, &rt.kind) {
                return f(&SchemaTypes(root));
            }
        }
        return f(&Untyped);
    }
    match crate::openapi::model::patch_meta(&rt.group, &rt.version, &rt.kind) {
        Some(root) => f(&SchemaTypes(root)),
        None => f(&Untyped),
    }
}

fn apply_error(e: ApplyError, rt: &ResourceType, name: &str) -> ApiError {
    match e {
        ApplyError::Conflict(c) => {
            let status = c.to_status();
            ApiError {
                code: 409,
                reason: "Conflict",
                message: status["message"].as_str().unwrap_or_default().to_owned(),
                details: status["details"].clone(),
            }
        }
        ApplyError::BadRequest(m) => ApiError::bad_request(m),
        ApplyError::InvalidObject(m) => ApiError::internal(format!(
            "failed to create typed patch object ({}/{name}; {}, Kind={}): {m}",
            rt.api_version(),
            rt.api_version(),
            rt.kind
        )),
        ApplyError::ManagedFields(m) => ApiError::internal(m),
    }
}

/// Records the write of `new` over `old` (None: a create) as an Update by the request's
/// field manager.
pub(super) fn track(
    api: &Api,
    req: &Request,
    rt: &ResourceType,
    old: Option<&Value>,
    new: &mut Value,
    subresource: Option<&str>,
) -> Result<(), ApiError> {
    let manager = manager(req, "UpdateOptions")?;
    let empty = json!({});
    let live = old.unwrap_or(&empty);
    let managed = old
        .and_then(apply::managed_fields_of)
        .and_then(Result::ok)
        .unwrap_or_default();
    let now = object::timestamp(jiff::Timestamp::now());
    let entries = with_types(api, rt, |types| {
        apply::update(
            live,
            new,
            &managed,
            &manager,
            &rt.api_version(),
            subresource,
            types,
            &now,
        )
    });
    apply::set_managed_fields(new, &entries);
    Ok(())
}

/// `PATCH` with `application/apply-patch+yaml`: server-side apply, creating the object when
/// it does not exist.
pub(super) fn apply(
    api: &Arc<Api>,
    req: &Request,
    rt: &ResourceType,
    t: &Target,
    name: &str,
    status: bool,
) -> Result<Reply, ApiError> {
    let dry = dry_run(req, "PatchOptions")?;
    let fv = custom::field_validation(req, "PatchOptions")?;
    let Some(manager) = req.query.get("fieldManager").map(str::to_owned) else {
        return Err(ApiError::invalid_options(
            "PatchOptions",
            "fieldManager",
            "Required value: is required for apply patch",
        ));
    };
    if manager.len() > 128 {
        return Err(ApiError::invalid_options(
            "PatchOptions",
            "fieldManager",
            "Too long: may not be more than 128 bytes",
        ));
    }
    let force = req.query.flag("force");
    let applied: Value = serde_yaml_ng::from_slice(&req.body)
        .map_err(|e| ApiError::bad_request(format!("error decoding YAML: {e}")))?;
    if !applied.is_object() {
        return Err(ApiError::bad_request(
            "error decoding YAML: the apply configuration is not an object",
        ));
    }
    let subresource = status.then_some("status");
    let now_ts = jiff::Timestamp::now();
    let now = object::timestamp(now_ts);
    let api_version = rt.api_version();
    if api.store.get(&rt.key(), &key(t, name)).is_none() {
        if status {
            return Err(ApiError::not_found(&rt.subject(name)));
        }
        return create_by_apply(api, rt, t, name, &applied, &manager, force, dry, fv, now_ts);
    }
    write_existing(api, rt, t, name, dry, |old| {
        let managed = match apply::managed_fields_of(old) {
            Some(Ok(m)) => m,
            Some(Err(e)) => {
                return Err(ApiError::internal(format!(
                    "failed to decode managed fields: {e}"
                )))
            }
            None => Vec::new(),
        };
        let result = with_types(api, rt, |types| {
            apply::apply(
                Some(old),
                &applied,
                &managed,
                &manager,
                &api_version,
                subresource,
                force,
                types,
                &now,
            )
        })
        .map_err(|e| apply_error(e, rt, name))?;
        let mut new = result.object;
        let entries = apply::managed_fields_of(&new)
            .and_then(Result::ok)
            .unwrap_or_default();
        object::prepare_update(old, &mut new, rt, status)?;
        builtin_update(rt, old, &mut new)?;
        if custom::is_crd(rt) {
            custom::prepare_crd(&mut new)?;
        }
        let warnings = admit(rt, &mut new, fv, status)?;
        apply::set_managed_fields(&mut new, &entries);
        Ok((new, warnings))
    })
}

#[allow(clippy::too_many_arguments)]
fn create_by_apply(
    api: &Arc<Api>,
    rt: &ResourceType,
    t: &Target,
    name: &str,
    applied: &Value,
    manager: &str,
    force: bool,
    dry: bool,
    fv: FieldValidation,
    now: jiff::Timestamp,
) -> Result<Reply, ApiError> {
    let stamp = object::timestamp(now);
    let result = with_types(api, rt, |types| {
        apply::apply(
            None,
            applied,
            &[],
            manager,
            &rt.api_version(),
            None,
            force,
            types,
            &stamp,
        )
    })
    .map_err(|e| apply_error(e, rt, name))?;
    let mut obj = result.object;
    let entries = apply::managed_fields_of(&obj)
        .and_then(Result::ok)
        .unwrap_or_default();
    match meta_str(&obj, "name") {
        Some(n) if n != name => {
            return Err(ApiError::bad_request(format!(
                "the name of the object ({n}) does not match the name on the URL ({name})"
            )))
        }
        _ => obj["metadata"]["name"] = json!(name),
    }
    let (_, warnings) = prepare_new(api, rt, t, &mut obj, fv)?;
    apply::set_managed_fields(&mut obj, &entries);
    store_created(api, rt, t, name, obj, dry, warnings)
}
