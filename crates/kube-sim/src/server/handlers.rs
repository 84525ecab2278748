//! Resource handlers: get, list, watch, create, update, patch, delete.

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

/// Kinds whose DELETE answers with the object rather than a Status (spec §2.10).
fn delete_returns_object(rt: &ResourceType) -> bool {
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

pub(super) async fn resource(api: &Arc<Api>, req: &Request, t: &Target) -> Result<Reply, ApiError> {
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
            super::access::token_request(
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
                    super::access::special(api, &user, &rt.group, &rt.plural, &body)
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

/// The `autoscaling/v1` Scale of an object (spec §2.11).
fn scale_of(obj: &Value) -> Value {
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
fn scale(
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

/// Whether the client asked for a Table, and how to build it.
pub(super) fn table_request(
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

pub(super) fn key(t: &Target, name: &str) -> ObjectKey {
    (t.namespace.clone().unwrap_or_default(), name.to_owned())
}

/// An object as this endpoint's version presents it.
pub(super) fn present(mut obj: Value, rt: &ResourceType) -> Value {
    if let Some(o) = obj.as_object_mut() {
        o.insert("apiVersion".into(), json!(rt.api_version()));
        o.insert("kind".into(), json!(rt.kind));
    }
    if rt.custom {
        custom::read_defaults(rt, &mut obj);
    }
    obj
}

fn get(api: &Api, rt: &ResourceType, t: &Target, name: &str) -> Result<Value, ApiError> {
    api.store
        .get(&rt.key(), &key(t, name))
        .map(|o| present(o, rt))
        .ok_or_else(|| ApiError::not_found(&rt.subject(name)))
}

fn selectors(req: &Request, rt: &ResourceType) -> Result<Selectors, ApiError> {
    Selectors::parse(
        req.query.get("labelSelector"),
        req.query.get("fieldSelector"),
        &rt.kind,
        rt.custom,
    )
}

fn list(api: &Api, req: &Request, rt: &ResourceType, t: &Target) -> Result<Reply, ApiError> {
    let selectors = selectors(req, rt)?;
    // A continued list reads the snapshot of its first page (spec §2.15).
    let continued = match req.query.get("continue") {
        Some(token) => {
            if req.query.get("resourceVersion").is_some()
                || req.query.get("resourceVersionMatch").is_some()
            {
                return Err(ApiError::invalid_options(
                    "ListOptions",
                    "resourceVersion",
                    "Forbidden: specifying resource version is not allowed when using continue",
                ));
            }
            Some(decode_continue(token).ok_or_else(|| {
                ApiError::bad_request("continue key is not valid: invalid format")
            })?)
        }
        None => None,
    };
    let (items, rv) = match &continued {
        Some((snapshot, _)) => {
            let items = api.store.list_at(&rt.key(), t.namespace.as_deref(), *snapshot).ok_or_else(|| {
                ApiError::expired("The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.")
            })?;
            (items, *snapshot)
        }
        None => api.store.list(&rt.key(), t.namespace.as_deref()),
    };
    let mut items: Vec<Value> = items
        .into_iter()
        .filter(|o| selectors.matches(o))
        .map(|o| present(o, rt))
        .collect();
    let mut metadata = json!({"resourceVersion": rv.to_string()});
    if let Some((_, start)) = &continued {
        items.retain(|o| item_key(o) > *start);
    }
    if let Some(limit) = req
        .query
        .get("limit")
        .and_then(|l| l.parse::<usize>().ok())
        .filter(|l| *l > 0)
    {
        if items.len() > limit {
            let remaining = items.len() - limit;
            items.truncate(limit);
            let last = items.last().map(item_key).unwrap_or_default();
            metadata["continue"] = json!(encode_continue(rv, &last));
            metadata["remainingItemCount"] = json!(remaining);
        }
    }
    if rt.custom && metadata.get("continue").is_none() {
        metadata["continue"] = json!("");
    }
    if let Some((kind, include)) = table_request(api, req, rt)? {
        let mut table = crate::table::table(&kind, &items, include, &rv.to_string(), true);
        if let Some(token) = metadata.get("continue") {
            table["metadata"]["continue"] = token.clone();
        }
        return Ok(Reply::ok(table));
    }
    Ok(Reply::ok(json!({
        "kind": rt.list_kind(),
        "apiVersion": rt.api_version(),
        "metadata": metadata,
        "items": items,
    })))
}

fn item_key(o: &Value) -> String {
    format!(
        "{}/{}",
        meta_str(o, "namespace").unwrap_or_default(),
        meta_str(o, "name").unwrap_or_default()
    )
}

/// Continue tokens are opaque to clients: hex of `<list resourceVersion>/<last key>`.
fn encode_continue(rv: u64, last: &str) -> String {
    format!("{rv}/{last}")
        .bytes()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn decode_continue(token: &str) -> Option<(u64, String)> {
    if !token.len().is_multiple_of(2) {
        return None;
    }
    let bytes: Option<Vec<u8>> = (0..token.len())
        .step_by(2)
        .map(|i| {
            token
                .get(i..i + 2)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        })
        .collect();
    let text = String::from_utf8(bytes?).ok()?;
    let (rv, last) = text.split_once('/')?;
    Some((rv.parse().ok()?, last.to_owned()))
}

/// Parses a request body as JSON or YAML.
pub(super) fn decode_body(req: &Request, rt: &ResourceType) -> Result<Value, ApiError> {
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

pub(super) fn dry_run(req: &Request, options: &str) -> Result<bool, ApiError> {
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

fn create(api: &Arc<Api>, req: &Request, rt: &ResourceType, t: &Target) -> Result<Reply, ApiError> {
    let dry = dry_run(req, "CreateOptions")?;
    let fv = custom::field_validation(req, "CreateOptions")?;
    let mut obj = decode_body(req, rt)?;
    if rt.namespaced && t.namespace.is_none() {
        return Err(ApiError::no_route());
    }
    let (name, warnings) = prepare_new(api, rt, t, &mut obj, fv)?;
    super::ssa::track(api, req, rt, None, &mut obj, None)?;
    store_created(api, rt, t, &name, obj, dry, warnings)
}

/// Everything a new object goes through before it is stored: server metadata, namespace
/// checks and defaults, CRD checks, built-in defaults, admission. Returns its name and the
/// warnings to send.
pub(super) fn prepare_new(
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
pub(super) fn store_created(
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
pub(super) fn builtin_update(
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
pub(super) fn admit(
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
    let unknown = super::types::prune_unknown(root, obj);
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
pub(super) fn check_namespace_open(
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
fn default_namespace(obj: &mut Value, name: &str) {
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

fn update(
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
        object::prepare_update(old, &mut new, rt, status)?;
        builtin_update(rt, old, &mut new)?;
        if custom::is_crd(rt) {
            custom::prepare_crd(&mut new)?;
        }
        let warnings = admit(rt, &mut new, fv, status)?;
        super::ssa::track(
            api,
            req,
            rt,
            Some(old),
            &mut new,
            status.then_some("status"),
        )?;
        Ok((new, warnings))
    })
}

fn patch(
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
        return super::ssa::apply(api, req, rt, t, name, status);
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
        object::prepare_update(old, &mut new, rt, status)?;
        builtin_update(rt, old, &mut new)?;
        if custom::is_crd(rt) {
            custom::prepare_crd(&mut new)?;
        }
        let warnings = admit(rt, &mut new, fv, status)?;
        super::ssa::track(
            api,
            req,
            rt,
            Some(old),
            &mut new,
            status.then_some("status"),
        )?;
        Ok((new, warnings))
    })
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum PatchKind {
    Merge,
    Json,
    Strategic,
}

fn apply_patch(
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
                    let meta = super::patch_meta::for_patch(root, patch);
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
pub(super) fn write_existing(
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

/// Delete options from the body or the query.
struct DeleteOptions {
    propagation: Option<String>,
    uid: Option<String>,
    resource_version: Option<String>,
    dry: bool,
}

fn delete_options(req: &Request) -> Result<DeleteOptions, ApiError> {
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

fn delete(
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

fn delete_collection(
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

fn finalize_namespace(
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

/// Work that follows an object's removal: garbage collection of dependents, namespaces
/// waiting for their last object.
pub(super) fn after_removal(api: &Arc<Api>, rt: &ResourceType, removed: &Value) {
    crate::lifecycle::after_removal(api, rt.namespaced, removed);
    custom::custom_resource_removed(api, rt);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn continue_tokens_round_trip() {
        let t = encode_continue(120, "demo/cm-1");
        assert_eq!(decode_continue(&t), Some((120, "demo/cm-1".to_owned())));
        assert_eq!(decode_continue("zz"), None);
        assert_eq!(decode_continue("abc"), None);
    }
}
