//! API errors and the `Status` objects kube-apiserver answers them with (spec §2.4).

use serde_json::{json, Value};

pub use crate::crd::Cause;

/// Names an object in error messages the way kube-apiserver does.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Subject {
    /// API group; empty for the core group.
    pub group: String,
    /// Plural resource name (`deployments`).
    pub resource: String,
    /// Kind (`Deployment`), used by Invalid errors.
    pub kind: String,
    pub name: String,
}

impl Subject {
    /// `deployments.apps` or `configmaps`.
    pub fn qualified_resource(&self) -> String {
        if self.group.is_empty() {
            self.resource.clone()
        } else {
            format!("{}.{}", self.resource, self.group)
        }
    }

    /// `Deployment.apps` or `ConfigMap`.
    pub fn qualified_kind(&self) -> String {
        if self.group.is_empty() {
            self.kind.clone()
        } else {
            format!("{}.{}", self.kind, self.group)
        }
    }

    fn details(&self, kind: &str) -> Value {
        let mut d = json!({});
        if !self.name.is_empty() {
            d["name"] = json!(self.name);
        }
        if !self.group.is_empty() {
            d["group"] = json!(self.group);
        }
        if !kind.is_empty() {
            d["kind"] = json!(kind);
        }
        d
    }
}

/// An error answered with a `Status` body.
#[derive(Clone, Debug, PartialEq)]
pub struct ApiError {
    pub code: u16,
    pub reason: &'static str,
    pub message: String,
    pub details: Value,
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: {}", self.code, self.reason, self.message)
    }
}

impl std::error::Error for ApiError {}

impl ApiError {
    fn new(code: u16, reason: &'static str, message: impl Into<String>, details: Value) -> Self {
        ApiError {
            code,
            reason,
            message: message.into(),
            details,
        }
    }

    pub fn not_found(s: &Subject) -> Self {
        let msg = format!("{} \"{}\" not found", s.qualified_resource(), s.name);
        Self::new(404, "NotFound", msg, s.details(&s.resource))
    }

    /// An unknown path or resource.
    pub fn no_route() -> Self {
        Self::new(
            404,
            "NotFound",
            "the server could not find the requested resource",
            json!({}),
        )
    }

    pub fn already_exists(s: &Subject) -> Self {
        let msg = format!("{} \"{}\" already exists", s.qualified_resource(), s.name);
        Self::new(409, "AlreadyExists", msg, s.details(&s.resource))
    }

    /// A resourceVersion or uid precondition failed.
    pub fn conflict(s: &Subject, why: &str) -> Self {
        let msg = format!(
            "Operation cannot be fulfilled on {} \"{}\": {why}",
            s.qualified_resource(),
            s.name
        );
        Self::new(409, "Conflict", msg, s.details(&s.resource))
    }

    /// The standard stale-resourceVersion conflict.
    pub fn stale(s: &Subject) -> Self {
        Self::conflict(
            s,
            "the object has been modified; please apply your changes to the latest version and try again",
        )
    }

    pub fn bad_request(msg: impl Into<String>) -> Self {
        Self::new(400, "BadRequest", msg, json!({}))
    }

    pub fn method_not_allowed() -> Self {
        Self::new(
            405,
            "MethodNotAllowed",
            "the server does not allow this method on the requested resource",
            json!({}),
        )
    }

    pub fn forbidden(s: &Subject, msg: impl Into<String>, causes: &[Cause]) -> Self {
        let mut details = s.details(&s.resource);
        if !causes.is_empty() {
            details["causes"] = causes_json(causes);
        }
        Self::new(403, "Forbidden", msg, details)
    }

    pub fn expired(msg: impl Into<String>) -> Self {
        Self::new(410, "Expired", msg, json!({}))
    }

    pub fn unsupported_media_type(accepted: &str) -> Self {
        Self::new(
            415,
            "UnsupportedMediaType",
            format!("the body of the request was in an unknown format - accepted media types include: {accepted}"),
            json!({}),
        )
    }

    /// 422 Invalid with field causes; `s.kind` names the kind.
    pub fn invalid(s: &Subject, causes: &[Cause]) -> Self {
        let msg = crate::crd::invalid_message(&s.qualified_kind(), &s.name, causes);
        let mut details = s.details(&s.kind);
        details["causes"] = causes_json(causes);
        Self::new(422, "Invalid", msg, details)
    }

    /// 422 for a bad request option (`ListOptions.meta.k8s.io "" is invalid: ...`).
    pub fn invalid_options(options_kind: &str, field: &str, message: &str) -> Self {
        let subject = Subject {
            group: "meta.k8s.io".into(),
            kind: options_kind.into(),
            ..Default::default()
        };
        Self::invalid(
            &subject,
            &[Cause {
                reason: "FieldValueInvalid".into(),
                message: message.into(),
                field: field.into(),
            }],
        )
    }

    /// 422 for a JSON patch that could not be applied.
    pub fn patch_rejected() -> Self {
        Self::new(
            422,
            "Invalid",
            "the server rejected our request due to an error in our request",
            json!({}),
        )
    }

    pub fn internal(err: impl std::fmt::Display) -> Self {
        let err = err.to_string();
        Self::new(
            500,
            "InternalError",
            format!("Internal error occurred: {err}"),
            json!({"causes": [{"message": err}]}),
        )
    }

    /// The `Status` body.
    pub fn to_status(&self) -> Value {
        json!({
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": self.message,
            "reason": self.reason,
            "details": self.details,
            "code": self.code,
        })
    }
}

fn causes_json(causes: &[Cause]) -> Value {
    Value::Array(
        causes
            .iter()
            .map(|c| json!({"reason": c.reason, "message": c.message, "field": c.field}))
            .collect(),
    )
}

/// The `Status` answering a successful delete of an object that is gone.
pub fn deleted(s: &Subject, uid: &str) -> Value {
    let mut details = s.details(&s.resource);
    details["uid"] = json!(uid);
    json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "details": details})
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deploy() -> Subject {
        Subject {
            group: "apps".into(),
            resource: "deployments".into(),
            kind: "Deployment".into(),
            name: "web".into(),
        }
    }

    #[test]
    fn messages_match_kube_apiserver() {
        let e = ApiError::not_found(&deploy());
        assert_eq!(e.message, "deployments.apps \"web\" not found");
        assert_eq!(
            e.details,
            json!({"name": "web", "group": "apps", "kind": "deployments"})
        );
        let cm = Subject {
            resource: "configmaps".into(),
            kind: "ConfigMap".into(),
            name: "cfg".into(),
            ..Default::default()
        };
        assert_eq!(
            ApiError::already_exists(&cm).message,
            "configmaps \"cfg\" already exists"
        );
        assert_eq!(
            ApiError::already_exists(&cm).details,
            json!({"name": "cfg", "kind": "configmaps"})
        );
        assert!(ApiError::stale(&deploy()).message.starts_with(
            "Operation cannot be fulfilled on deployments.apps \"web\": the object has been modified"
        ));
        let one = ApiError::invalid(
            &deploy(),
            &[Cause {
                reason: "FieldValueRequired".into(),
                message: "Required value".into(),
                field: "spec.a".into(),
            }],
        );
        assert_eq!(
            one.message,
            "Deployment.apps \"web\" is invalid: spec.a: Required value"
        );
        assert_eq!(one.details["kind"], "Deployment");
        let two = ApiError::invalid(
            &deploy(),
            &[
                Cause {
                    reason: "FieldValueRequired".into(),
                    message: "Required value".into(),
                    field: "spec.a".into(),
                },
                Cause {
                    reason: "FieldValueInvalid".into(),
                    message: "Invalid value: \"q\": msg".into(),
                    field: "spec.b".into(),
                },
            ],
        );
        assert_eq!(
            two.message,
            "Deployment.apps \"web\" is invalid: [spec.a: Required value, spec.b: Invalid value: \"q\": msg]"
        );
        let status = ApiError::no_route().to_status();
        assert_eq!(status["code"], 404);
        assert_eq!(status["details"], json!({}));
    }
}
