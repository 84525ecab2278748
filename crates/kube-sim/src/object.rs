//! Server-set metadata and the write rules every object follows (spec §2.8, §2.13, §6.1).

use rand::Rng;
use serde_json::{json, Map, Value};

use crate::resource::ResourceType;
use crate::status::{ApiError, Cause};

/// RFC 3339 UTC with second precision, as Kubernetes writes timestamps.
pub fn timestamp(now: jiff::Timestamp) -> String {
    let secs = now.as_second();
    jiff::Timestamp::from_second(secs)
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

/// A random version 4 UUID.
pub fn uuid() -> String {
    let mut b: [u8; 16] = rand::rng().random();
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// `generateName` plus five characters from Kubernetes' alphabet.
pub fn generated_name(prefix: &str) -> String {
    const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    let mut rng = rand::rng();
    let suffix: String = (0..5)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect();
    format!("{prefix}{suffix}")
}

pub fn meta(obj: &Value) -> Option<&Map<String, Value>> {
    obj.get("metadata")?.as_object()
}

pub fn meta_str<'a>(obj: &'a Value, field: &str) -> Option<&'a str> {
    meta(obj)?.get(field)?.as_str().filter(|s| !s.is_empty())
}

fn meta_mut(obj: &mut Value) -> &mut Map<String, Value> {
    if !obj.is_object() {
        *obj = json!({});
    }
    let m = &mut obj["metadata"];
    if !m.is_object() {
        *m = json!({});
    }
    let Value::Object(map) = m else {
        unreachable!("metadata was just made an object")
    };
    map
}

/// Checks that the body's apiVersion/kind fit the endpoint, and fills them in when absent.
pub fn check_type(obj: &mut Value, rt: &ResourceType) -> Result<(), ApiError> {
    if !obj.is_object() {
        return Err(ApiError::bad_request(format!(
            "{} in version \"{}\" cannot be handled as a {}: the body is not a JSON object",
            rt.kind, rt.version, rt.kind
        )));
    }
    let expected = rt.api_version();
    match obj.get("apiVersion").and_then(Value::as_str) {
        Some(v) if !v.is_empty() && v != expected => {
            return Err(ApiError::bad_request(format!(
                "the API version in the data ({v}) does not match the expected API version ({expected})"
            )))
        }
        _ => obj["apiVersion"] = json!(expected),
    }
    match obj.get("kind").and_then(Value::as_str) {
        Some(k) if !k.is_empty() && k != rt.kind => {
            return Err(ApiError::bad_request(format!(
                "the kind in the data ({k}) does not match the expected kind ({})",
                rt.kind
            )))
        }
        _ => obj["kind"] = json!(rt.kind),
    }
    Ok(())
}

/// Fills the metadata a create sets: name (from generateName), namespace, uid,
/// creationTimestamp, generation; drops status when the type has a status subresource.
pub fn prepare_create(
    obj: &mut Value,
    rt: &ResourceType,
    namespace: Option<&str>,
    now: jiff::Timestamp,
) -> Result<String, ApiError> {
    check_type(obj, rt)?;
    let m = meta_mut(obj);
    if m.get("resourceVersion")
        .and_then(Value::as_str)
        .is_some_and(|s| !s.is_empty())
    {
        return Err(ApiError::internal(
            "resourceVersion should not be set on objects to be created",
        ));
    }
    let name = match m
        .get("name")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
    {
        Some(n) => n.to_owned(),
        None => match m
            .get("generateName")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
        {
            Some(prefix) => generated_name(prefix),
            None => {
                return Err(ApiError::invalid(
                    &rt.subject(""),
                    &[Cause {
                        reason: "FieldValueRequired".into(),
                        message: "Required value: name or generateName is required".into(),
                        field: "metadata.name".into(),
                    }],
                ))
            }
        },
    };
    m.insert("name".into(), json!(name));
    match (rt.namespaced, namespace) {
        (true, Some(ns)) => {
            if let Some(body_ns) = m
                .get("namespace")
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
            {
                if body_ns != ns {
                    return Err(ApiError::bad_request(
                        "the namespace of the provided object does not match the namespace sent on the request",
                    ));
                }
            }
            m.insert("namespace".into(), json!(ns));
        }
        _ => {
            m.remove("namespace");
        }
    }
    m.insert("uid".into(), json!(uuid()));
    m.insert("creationTimestamp".into(), json!(timestamp(now)));
    m.remove("deletionTimestamp");
    m.remove("deletionGracePeriodSeconds");
    if rt.generation {
        m.insert("generation".into(), json!(1));
    } else {
        m.remove("generation");
    }
    if m.get("finalizers")
        .is_some_and(|f| f.as_array().is_some_and(Vec::is_empty))
    {
        m.remove("finalizers");
    }
    if rt.status {
        if let Some(o) = obj.as_object_mut() {
            o.remove("status");
        }
    }
    Ok(name)
}

/// Applies the update rules to `new` given the stored `old`: identity and server-set
/// metadata are kept, a stale resourceVersion conflicts, status or spec is reset depending
/// on the endpoint, generation bumps on spec changes, finalizer rules while deleting.
pub fn prepare_update(
    old: &Value,
    new: &mut Value,
    rt: &ResourceType,
    status_endpoint: bool,
) -> Result<(), ApiError> {
    check_type(new, rt)?;
    let name = meta_str(old, "name").unwrap_or_default().to_owned();
    let subject = rt.subject(&name);
    if let Some(body_name) = meta_str(new, "name") {
        if body_name != name {
            return Err(ApiError::bad_request(format!(
                "the name of the object ({body_name}) does not match the name on the URL ({name})"
            )));
        }
    }
    if let Some(rv) = meta_str(new, "resourceVersion") {
        if Some(rv) != meta_str(old, "resourceVersion") {
            return Err(ApiError::stale(&subject));
        }
    }
    if let Some(uid) = meta_str(new, "uid") {
        let stored = meta_str(old, "uid").unwrap_or_default();
        if uid != stored {
            return Err(ApiError::conflict(
                &subject,
                &format!(
                    "Precondition failed: UID in precondition: {uid}, UID in object meta: {stored}"
                ),
            ));
        }
    }
    let old_meta = meta(old).cloned().unwrap_or_default();
    if status_endpoint {
        // Only the status changes through /status.
        let status = new.get("status").cloned();
        *new = old.clone();
        match status {
            Some(s) => new["status"] = s,
            None => {
                if let Some(o) = new.as_object_mut() {
                    o.remove("status");
                }
            }
        }
    } else if rt.status {
        match old.get("status") {
            Some(s) => new["status"] = s.clone(),
            None => {
                if let Some(o) = new.as_object_mut() {
                    o.remove("status");
                }
            }
        }
    }
    let m = meta_mut(new);
    for field in [
        "name",
        "namespace",
        "uid",
        "creationTimestamp",
        "deletionTimestamp",
        "deletionGracePeriodSeconds",
        "generation",
    ] {
        match old_meta.get(field) {
            Some(v) => m.insert(field.into(), v.clone()),
            None => m.remove(field),
        };
    }
    if old_meta.contains_key("deletionTimestamp") {
        let before: Vec<&Value> = old_meta
            .get("finalizers")
            .and_then(Value::as_array)
            .map(|f| f.iter().collect())
            .unwrap_or_default();
        let added = m
            .get("finalizers")
            .and_then(Value::as_array)
            .is_some_and(|after| after.iter().any(|f| !before.contains(&f)));
        if added {
            return Err(ApiError::invalid(
                &subject,
                &[Cause {
                    reason: "FieldValueForbidden".into(),
                    message:
                        "Forbidden: no new finalizers can be added if the object is being deleted"
                            .into(),
                    field: "metadata.finalizers".into(),
                }],
            ));
        }
    }
    if m.get("finalizers")
        .is_some_and(|f| f.as_array().is_some_and(Vec::is_empty))
    {
        m.remove("finalizers");
    }
    if rt.generation && spec_changed(old, new, rt.status) {
        let g = old_meta
            .get("generation")
            .and_then(Value::as_i64)
            .unwrap_or(0);
        meta_mut(new).insert("generation".into(), json!(g + 1));
    }
    Ok(())
}

/// Whether anything outside metadata (and status, when it is a subresource) differs.
pub fn spec_changed(old: &Value, new: &Value, status_subresource: bool) -> bool {
    let strip = |v: &Value| -> Value {
        let mut v = v.clone();
        if let Some(o) = v.as_object_mut() {
            o.remove("metadata");
            o.remove("apiVersion");
            o.remove("kind");
            if status_subresource {
                o.remove("status");
            }
        }
        v
    };
    strip(old) != strip(new)
}

/// Whether an object marked for deletion has no finalizers left and must go.
pub fn ready_to_remove(obj: &Value) -> bool {
    meta(obj).is_some_and(|m| {
        m.contains_key("deletionTimestamp")
            && m.get("finalizers")
                .and_then(Value::as_array)
                .is_none_or(Vec::is_empty)
    })
}

/// Two objects equal apart from resourceVersion (a write that changes nothing is skipped).
pub fn same_content(a: &Value, b: &Value) -> bool {
    let strip = |v: &Value| {
        let mut v = v.clone();
        if let Some(m) = v.get_mut("metadata").and_then(Value::as_object_mut) {
            m.remove("resourceVersion");
        }
        v
    };
    strip(a) == strip(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deploy() -> ResourceType {
        ResourceType {
            group: "apps".into(),
            version: "v1".into(),
            storage_version: "v1".into(),
            plural: "deployments".into(),
            singular: "deployment".into(),
            kind: "Deployment".into(),
            namespaced: true,
            status: true,
            scale: true,
            generation: true,
            custom: false,
            schema: None,
        }
    }

    #[test]
    fn create_sets_server_metadata() {
        let now = jiff::Timestamp::from_second(1_781_496_957).unwrap();
        let mut obj = json!({"metadata": {"generateName": "web-"}, "spec": {"replicas": 1}, "status": {"x": 1}});
        let name = prepare_create(&mut obj, &deploy(), Some("demo"), now).unwrap();
        assert!(name.starts_with("web-") && name.len() == 9);
        let m = meta(&obj).unwrap();
        assert_eq!(m["namespace"], "demo");
        assert_eq!(m["generation"], 1);
        assert_eq!(m["creationTimestamp"], "2026-06-15T04:15:57Z");
        assert_eq!(m["uid"].as_str().unwrap().len(), 36);
        assert_eq!(obj["apiVersion"], "apps/v1");
        assert!(obj.get("status").is_none());

        let mut bad = json!({"apiVersion": "v1", "metadata": {"name": "x"}});
        let e = prepare_create(&mut bad, &deploy(), Some("demo"), now).unwrap_err();
        assert_eq!(
            e.message,
            "the API version in the data (v1) does not match the expected API version (apps/v1)"
        );
        let mut unnamed = json!({"metadata": {}});
        assert_eq!(
            prepare_create(&mut unnamed, &deploy(), Some("demo"), now)
                .unwrap_err()
                .code,
            422
        );
        let mut other_ns = json!({"metadata": {"name": "x", "namespace": "b"}});
        assert_eq!(
            prepare_create(&mut other_ns, &deploy(), Some("a"), now)
                .unwrap_err()
                .code,
            400
        );
    }

    #[test]
    fn update_rules() {
        let old = json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "namespace": "demo", "uid": "u1", "resourceVersion": "5",
                "generation": 1, "creationTimestamp": "2026-01-01T00:00:00Z"},
            "spec": {"replicas": 1}, "status": {"readyReplicas": 1}});
        // Spec change bumps generation; status from the body is ignored.
        let mut new = json!({"metadata": {"name": "web"}, "spec": {"replicas": 2}, "status": {}});
        prepare_update(&old, &mut new, &deploy(), false).unwrap();
        assert_eq!(new["metadata"]["generation"], 2);
        assert_eq!(new["status"]["readyReplicas"], 1);
        assert_eq!(new["metadata"]["uid"], "u1");
        // Status endpoint changes only status.
        let mut st = json!({"metadata": {"name": "web"}, "spec": {"replicas": 9}, "status": {"readyReplicas": 3}});
        prepare_update(&old, &mut st, &deploy(), true).unwrap();
        assert_eq!(
            (
                st["spec"]["replicas"].as_i64(),
                st["status"]["readyReplicas"].as_i64()
            ),
            (Some(1), Some(3))
        );
        assert_eq!(st["metadata"]["generation"], 1);
        // Stale RV and uid preconditions conflict.
        let mut stale = json!({"metadata": {"name": "web", "resourceVersion": "4"}});
        assert_eq!(
            prepare_update(&old, &mut stale, &deploy(), false)
                .unwrap_err()
                .code,
            409
        );
        let mut uid = json!({"metadata": {"name": "web", "uid": "u2"}});
        let e = prepare_update(&old, &mut uid, &deploy(), false).unwrap_err();
        assert!(e
            .message
            .contains("Precondition failed: UID in precondition: u2, UID in object meta: u1"));
        let mut renamed = json!({"metadata": {"name": "other"}});
        assert_eq!(
            prepare_update(&old, &mut renamed, &deploy(), false)
                .unwrap_err()
                .code,
            400
        );
    }

    #[test]
    fn no_new_finalizers_while_deleting() {
        let old = json!({"metadata": {"name": "web", "uid": "u", "deletionTimestamp": "2026-01-01T00:00:00Z",
            "finalizers": ["a"]}, "spec": {}});
        let mut new = json!({"metadata": {"name": "web", "finalizers": ["a", "b"]}, "spec": {}});
        let e = prepare_update(&old, &mut new, &deploy(), false).unwrap_err();
        assert_eq!(e.code, 422);
        assert!(e
            .message
            .contains("no new finalizers can be added if the object is being deleted"));
        let mut cleared = json!({"metadata": {"name": "web", "finalizers": []}, "spec": {}});
        prepare_update(&old, &mut cleared, &deploy(), false).unwrap();
        assert!(ready_to_remove(&cleared));
        assert_eq!(
            cleared["metadata"]["deletionTimestamp"],
            "2026-01-01T00:00:00Z"
        );
    }
}
