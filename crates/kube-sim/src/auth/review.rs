//! SelfSubjectAccessReview, SelfSubjectRulesReview (authorization.k8s.io/v1) and
//! SelfSubjectReview (authentication.k8s.io/v1) responses (spec §7.5).

use serde_json::{json, Map, Value};

use super::attributes::RequestAttributes;
use super::rbac::{Decision, RuleSet};
use super::util::str_list;
use super::UserInfo;

const AUTHZ_GROUP: &str = "authorization.k8s.io";

/// A review request kube-apiserver would reject.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ReviewError {
    /// HTTP 400 BadRequest (undecodable body, SelfSubjectRulesReview without namespace).
    #[error("{0}")]
    BadRequest(String),
    /// HTTP 422 Invalid: one field error on a `kind` of group authorization.k8s.io.
    #[error("{kind}.{AUTHZ_GROUP} \"\" is invalid: {field}: {detail}")]
    Invalid {
        kind: &'static str,
        field: String,
        /// `Invalid value: …: <message>`.
        detail: String,
    },
}

impl ReviewError {
    /// HTTP status code.
    pub fn code(&self) -> u16 {
        match self {
            ReviewError::BadRequest(_) => 400,
            ReviewError::Invalid { .. } => 422,
        }
    }

    /// The `Status` body kube-apiserver answers with.
    pub fn status(&self) -> Value {
        let mut status = json!({
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": self.to_string(),
            "code": self.code()
        });
        match self {
            ReviewError::BadRequest(_) => status["reason"] = json!("BadRequest"),
            ReviewError::Invalid {
                kind,
                field,
                detail,
            } => {
                status["reason"] = json!("Invalid");
                status["details"] = json!({
                    "group": AUTHZ_GROUP,
                    "kind": kind,
                    "causes": [{"reason": "FieldValueInvalid", "message": detail, "field": field}]
                });
            }
        }
        status
    }
}

fn undecodable(kind: &str, what: &str) -> ReviewError {
    ReviewError::BadRequest(format!(
        "{kind} in version \"v1\" cannot be handled as a {kind}: {what}"
    ))
}

/// Re-encodes the string fields `keys` of `obj` as Go would (empty ones omitted).
fn string_fields(
    kind: &str,
    obj: &Value,
    keys: &[&str],
) -> Result<Map<String, Value>, ReviewError> {
    let mut out = Map::new();
    for key in keys {
        match obj.get(*key) {
            None | Some(Value::Null) => {}
            Some(Value::String(s)) if s.is_empty() => {}
            Some(Value::String(s)) => {
                out.insert(key.to_string(), json!(s));
            }
            Some(_) => return Err(undecodable(kind, &format!("{key} must be a string"))),
        }
    }
    Ok(out)
}

/// The object at `v[key]`: `None` if absent or null, an error if not an object.
fn object_field<'a>(kind: &str, v: &'a Value, key: &str) -> Result<Option<&'a Value>, ReviewError> {
    match v.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(o @ Value::Object(_)) => Ok(Some(o)),
        Some(_) => Err(undecodable(kind, &format!("{key} must be an object"))),
    }
}

/// The request's `metadata` as echoed back (`creationTimestamp: null` when unset).
fn echo_metadata(request: &Value) -> Value {
    let mut meta = match request.get("metadata") {
        Some(Value::Object(m)) => m.clone(),
        _ => Map::new(),
    };
    meta.entry("creationTimestamp").or_insert(Value::Null);
    Value::Object(meta)
}

/// Answers `POST /apis/authorization.k8s.io/v1/selfsubjectaccessreviews`: the request
/// (`request` is the whole decoded body) echoed with `status.allowed` and, when not empty,
/// `status.reason`, evaluated for `user` by `authorize`. An empty
/// `resourceAttributes.version` is checked as `*`.
pub fn self_subject_access_review(
    user: &UserInfo,
    request: &Value,
    authorize: impl Fn(&RequestAttributes) -> Decision,
) -> Result<Value, ReviewError> {
    const KIND: &str = "SelfSubjectAccessReview";
    if !request.is_object() {
        return Err(undecodable(KIND, "body must be a JSON object"));
    }
    let spec = object_field(KIND, request, "spec")?.unwrap_or(&Value::Null);
    let resource = object_field(KIND, spec, "resourceAttributes")?;
    let non_resource = object_field(KIND, spec, "nonResourceAttributes")?;
    let mut out_spec = Map::new();
    let attrs = match (resource, non_resource) {
        (Some(_), Some(nr)) => {
            let nr = string_fields(KIND, nr, &["path", "verb"])?;
            return Err(ReviewError::Invalid {
                kind: KIND,
                field: "spec.nonResourceAttributes".to_string(),
                detail: format!(
                    "Invalid value: {}: cannot be specified in combination with resourceAttributes",
                    Value::Object(nr)
                ),
            });
        }
        (None, None) => {
            return Err(ReviewError::Invalid {
                kind: KIND,
                field: "spec.resourceAttributes".to_string(),
                detail: "Invalid value: \"null\": exactly one of nonResourceAttributes or resourceAttributes must be specified".to_string(),
            });
        }
        (Some(ra), None) => {
            let keys = [
                "namespace",
                "verb",
                "group",
                "version",
                "resource",
                "subresource",
                "name",
            ];
            let mut fields = string_fields(KIND, ra, &keys)?;
            let get = |k: &str| fields.get(k).and_then(Value::as_str).unwrap_or("");
            let mut attrs = RequestAttributes::resource(
                user,
                get("verb"),
                get("group"),
                get("resource"),
                get("subresource"),
                get("namespace"),
                get("name"),
            );
            attrs.api_version = match get("version") {
                "" => "*".to_string(),
                v => v.to_string(),
            };
            for selector in ["fieldSelector", "labelSelector"] {
                if let Some(s) = object_field(KIND, ra, selector)? {
                    fields.insert(selector.to_string(), s.clone());
                }
            }
            out_spec.insert("resourceAttributes".to_string(), Value::Object(fields));
            attrs
        }
        (None, Some(nr)) => {
            let fields = string_fields(KIND, nr, &["path", "verb"])?;
            let get = |k: &str| fields.get(k).and_then(Value::as_str).unwrap_or("");
            let attrs = RequestAttributes::non_resource(user, get("verb"), get("path"));
            out_spec.insert("nonResourceAttributes".to_string(), Value::Object(fields));
            attrs
        }
    };
    let decision = authorize(&attrs);
    let mut status = json!({"allowed": decision.allowed});
    if !decision.reason.is_empty() {
        status["reason"] = json!(decision.reason);
    }
    Ok(json!({
        "kind": KIND,
        "apiVersion": format!("{AUTHZ_GROUP}/v1"),
        "metadata": echo_metadata(request),
        "spec": out_spec,
        "status": status
    }))
}

/// Answers `POST /apis/authorization.k8s.io/v1/selfsubjectrulesreviews`: the rules
/// `rules_for(spec.namespace)` returns, split into `resourceRules` (rules with
/// resources) and `nonResourceRules` (rules with nonResourceURLs), unmerged and in order,
/// `incomplete: false`, plus `evaluationError` when not empty. Like kube-apiserver the
/// spec is not echoed. A missing namespace is 400 `no namespace on request`.
pub fn self_subject_rules_review(
    request: &Value,
    rules_for: impl Fn(&str) -> RuleSet,
) -> Result<Value, ReviewError> {
    const KIND: &str = "SelfSubjectRulesReview";
    if !request.is_object() {
        return Err(undecodable(KIND, "body must be a JSON object"));
    }
    let spec = object_field(KIND, request, "spec")?.unwrap_or(&Value::Null);
    let ns = string_fields(KIND, spec, &["namespace"])?;
    let Some(namespace) = ns.get("namespace").and_then(Value::as_str) else {
        return Err(ReviewError::BadRequest(
            "no namespace on request".to_string(),
        ));
    };
    let set = rules_for(namespace);
    let mut resource_rules = Vec::new();
    let mut non_resource_rules = Vec::new();
    for rule in &set.rules {
        let list = |k: &str| json!(str_list(rule, k));
        let non_empty = |k: &str| !str_list(rule, k).is_empty();
        if non_empty("resources") {
            let mut r = json!({"verbs": list("verbs")});
            for k in ["apiGroups", "resources", "resourceNames"] {
                if non_empty(k) {
                    r[k] = list(k);
                }
            }
            resource_rules.push(r);
        }
        if non_empty("nonResourceURLs") {
            non_resource_rules.push(json!({
                "verbs": list("verbs"),
                "nonResourceURLs": list("nonResourceURLs")
            }));
        }
    }
    let mut status = json!({
        "resourceRules": resource_rules,
        "nonResourceRules": non_resource_rules,
        "incomplete": false
    });
    if !set.evaluation_error.is_empty() {
        status["evaluationError"] = json!(set.evaluation_error);
    }
    Ok(json!({
        "kind": KIND,
        "apiVersion": format!("{AUTHZ_GROUP}/v1"),
        "metadata": {"creationTimestamp": null},
        "spec": {},
        "status": status
    }))
}

/// Answers `POST /apis/authentication.k8s.io/v1/selfsubjectreviews` for `user`;
/// `creation_timestamp` (RFC 3339, e.g. `2025-01-02T03:04:05Z`) is set as
/// kube-apiserver does. Empty uid, groups and extra are omitted.
pub fn self_subject_review(user: &UserInfo, creation_timestamp: &str) -> Value {
    let mut info = json!({});
    if !user.name.is_empty() {
        info["username"] = json!(user.name);
    }
    if !user.uid.is_empty() {
        info["uid"] = json!(user.uid);
    }
    if !user.groups.is_empty() {
        info["groups"] = json!(user.groups);
    }
    if !user.extra.is_empty() {
        info["extra"] = json!(user.extra);
    }
    json!({
        "kind": "SelfSubjectReview",
        "apiVersion": "authentication.k8s.io/v1",
        "metadata": {"creationTimestamp": creation_timestamp},
        "status": {"userInfo": info}
    })
}
