//! Resource handlers: [`read`] (get, list), [`write`] (create, update, patch, scale),
//! [`delete`]; watches are in `super::watch`. This module dispatches and holds what they share.

use std::sync::Arc;

use axum::http::Method;
use serde_json::{json, Value};

use super::custom::{self, FieldValidation};
use super::path::Target;
use super::watch;
use super::{Api, Reply, Request};
use crate::object::{self, meta_str};
use crate::resource::ResourceType;
use crate::selectors::Selectors;
use crate::status::{self, ApiError, Cause};
use crate::store::{ObjectKey, Write};

mod delete;
mod read;
mod write;

pub(crate) use delete::*;
pub(crate) use read::*;
pub(crate) use write::*;

/// Kinds whose DELETE answers with the object rather than a Status (spec §2.10).
pub(crate) fn delete_returns_object(rt: &ResourceType) -> bool {
    matches!(
        (rt.group.as_str(), rt.plural.as_str()),
        (
            "",
            "pods"
                | "namespaces"
                | "services"
                | "serviceaccounts"
                | "persistentvolumes"
                | "persistentvolumeclaims"
        ) | ("apiextensions.k8s.io", "customresourcedefinitions")
    )
}

pub(crate) async fn resource(api: &Arc<Api>, req: &Request, t: &Target) -> Result<Reply, ApiError> {
    let rt = api
        .catalog
        .resolve(&t.group, &t.version, &t.resource)
        .ok_or_else(ApiError::no_route)?;
    if !rt.namespaced && t.namespace.is_some() {
        return Err(ApiError::no_route());
    }
    if rt.namespaced && t.name.is_some() && t.namespace.is_none() {
        return Err(ApiError::no_route());
    }
    let sub = t.subresource.as_deref();
    match (&req.method, t.name.as_deref(), sub) {
        (&Method::GET, None, None) if req.query.flag("watch") => watch::start(api, req, &rt, t),
        (&Method::GET, None, None) => list(api, req, &rt, t),
        (&Method::GET, Some(name), None) => {
            let obj = get(api, &rt, t, name)?;
            match table_request(api, req, &rt)? {
                Some((kind, include)) => {
                    let rv = meta_str(&obj, "resourceVersion")
                        .unwrap_or_default()
                        .to_owned();
                    Ok(Reply::ok(crate::table::table(
                        &kind,
                        &[obj],
                        include,
                        &rv,
                        true,
                    )))
                }
                None => Ok(Reply::ok(obj)),
            }
        }
        (&Method::GET, Some(name), Some("status")) if rt.status => {
            get(api, &rt, t, name).map(Reply::ok)
        }
        (&Method::GET, Some(name), Some("scale")) if rt.scale => {
            get(api, &rt, t, name).map(|o| Reply::ok(scale_of(&o)))
        }
        (&Method::PUT | &Method::PATCH, Some(name), Some("scale")) if rt.scale => {
            scale(api, req, &rt, t, name)
        }
        (&Method::POST, Some(name), Some("token"))
            if rt.group.is_empty() && rt.plural == "serviceaccounts" =>
        {
            let body: Value = serde_json::from_slice(&req.body).unwrap_or_else(|_| json!({}));
            crate::server::access::token_request(
                api,
                t.namespace.as_deref().unwrap_or_default(),
                name,
                &body,
            )
        }
        (&Method::POST, None, None) => {
            let user = req
                .user
                .clone()
                .unwrap_or_else(crate::auth::UserInfo::anonymous);
            if matches!(
                rt.group.as_str(),
                "authorization.k8s.io" | "authentication.k8s.io"
            ) {
                let body = decode_body(req, &rt)?;
                if let Some(reply) =
                    crate::server::access::special(api, &user, &rt.group, &rt.plural, &body)
                {
                    return reply;
                }
            }
            create(api, req, &rt, t)
        }
        (&Method::PUT, Some(name), None) => update(api, req, &rt, t, name, false),
        (&Method::PUT, Some(name), Some("status")) if rt.status => {
            update(api, req, &rt, t, name, true)
        }
        (&Method::PUT, Some(name), Some("finalize"))
            if rt.plural == "namespaces" && rt.group.is_empty() =>
        {
            finalize_namespace(api, req, &rt, name)
        }
        (&Method::PATCH, Some(name), None) => patch(api, req, &rt, t, name, false),
        (&Method::PATCH, Some(name), Some("status")) if rt.status => {
            patch(api, req, &rt, t, name, true)
        }
        (&Method::DELETE, Some(name), None) => delete(api, req, &rt, t, name),
        (&Method::DELETE, None, None) => delete_collection(api, req, &rt, t),
        (_, _, Some(_)) => Err(ApiError::no_route()),
        _ => Err(ApiError::method_not_allowed()),
    }
}

/// Whether the client asked for a Table, and how to build it.
pub(crate) fn table_request(
    api: &Api,
    req: &Request,
    rt: &ResourceType,
) -> Result<Option<(crate::table::TableKind, crate::table::IncludeObject)>, ApiError> {
    let accept = req.headers.get("accept").and_then(|v| v.to_str().ok());
    if !crate::table::wants_table(accept) {
        return Ok(None);
    }
    let include = crate::table::IncludeObject::from_query(req.query.get("includeObject"))
        .map_err(ApiError::bad_request)?;
    let kind = if rt.custom {
        let columns = api
            .catalog
            .info(&rt.group, &rt.version, &rt.plural)
            .and_then(|i| i.crd().map(|c| c.printer_columns.clone()))
            .unwrap_or_default();
        crate::table::TableKind::custom(&rt.group, &rt.kind, columns)
    } else {
        crate::table::TableKind::builtin(&rt.group, &rt.kind)
    };
    Ok(Some((kind, include)))
}

pub(crate) fn key(t: &Target, name: &str) -> ObjectKey {
    (t.namespace.clone().unwrap_or_default(), name.to_owned())
}

/// An object as this endpoint's version presents it.
pub(crate) fn present(mut obj: Value, rt: &ResourceType) -> Value {
    if let Some(o) = obj.as_object_mut() {
        o.insert("apiVersion".into(), json!(rt.api_version()));
        o.insert("kind".into(), json!(rt.kind));
    }
    if rt.custom {
        custom::read_defaults(rt, &mut obj);
    }
    obj
}

/// Parses a request body as JSON or YAML.
pub(crate) fn decode_body(req: &Request, rt: &ResourceType) -> Result<Value, ApiError> {
    let content_type = req
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/json");
    if crate::protobuf::is_protobuf(content_type) {
        let decoded = crate::protobuf::decode(&req.body).map_err(|e| match e.status_code() {
            415 => ApiError::unsupported_media_type("application/json, application/yaml"),
            _ => ApiError::bad_request(format!(
                "{} in version \"{}\" cannot be handled as a {}: {e}",
                rt.kind, rt.version, rt.kind
            )),
        })?;
        if decoded["kind"].as_str().is_some_and(|k| k != rt.kind) {
            return Err(ApiError::bad_request(format!(
                "the kind in the data ({}) does not match the expected kind ({})",
                decoded["kind"].as_str().unwrap_or_default(),
                rt.kind
            )));
        }
        return Ok(decoded);
    }
    let parsed: Result<Value, String> = if content_type.contains("yaml") {
        serde_yaml_ng::from_slice(&req.body).map_err(|e| e.to_string())
    } else {
        serde_json::from_slice(&req.body).map_err(|e| e.to_string())
    };
    parsed.map_err(|e| {
        ApiError::bad_request(format!(
            "{} in version \"{}\" cannot be handled as a {}: {e}",
            rt.kind, rt.version, rt.kind
        ))
    })
}

pub(crate) fn dry_run(req: &Request, options: &str) -> Result<bool, ApiError> {
    match req.query.get("dryRun") {
        None => Ok(false),
        Some("All") => Ok(true),
        Some(other) => Err(ApiError::invalid_options(
            options,
            "dryRun",
            &format!("Unsupported value: [\"{other}\"]: supported values: \"All\""),
        )),
    }
}

/// Work that follows an object's removal: garbage collection of dependents, namespaces
/// waiting for their last object.
pub(crate) fn after_removal(api: &Arc<Api>, rt: &ResourceType, removed: &Value) {
    crate::lifecycle::after_removal(api, rt.namespaced, removed);
    custom::custom_resource_removed(api, rt);
}
