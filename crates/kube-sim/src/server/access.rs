//! Authentication, impersonation and RBAC on every request (spec §7), and the endpoints that
//! answer about them: SelfSubjectAccessReview, SelfSubjectRulesReview, SelfSubjectReview and
//! ServiceAccount TokenRequests.
//!
//! Plain-HTTP servers run without authentication (every request acts as the admin, as
//! kube-apiserver's old insecure port did): kubectl and helm send no credentials over HTTP.
//! With `--tls`, bearer tokens are required and RBAC decides.

use serde_json::{json, Value};

use super::{Api, Reply, Request};
use crate::auth::{self, Decision, RequestAttributes, RuleSet, UserInfo};
use crate::status::ApiError;
use crate::store::ResourceKey;

fn rbac_objects(api: &Api, plural: &str) -> Vec<Value> {
    let key: ResourceKey = ("rbac.authorization.k8s.io".into(), plural.into());
    api.store.list(&key, None).0
}

/// RBAC over the stored Roles, ClusterRoles and bindings.
pub fn authorize(api: &Api, attrs: &RequestAttributes) -> Decision {
    auth::authorize(
        attrs,
        &rbac_objects(api, "roles"),
        &rbac_objects(api, "clusterroles"),
        &rbac_objects(api, "rolebindings"),
        &rbac_objects(api, "clusterrolebindings"),
    )
}

fn rules_for(api: &Api, user: &UserInfo, namespace: &str) -> RuleSet {
    auth::rules_for(
        user,
        namespace,
        &rbac_objects(api, "roles"),
        &rbac_objects(api, "clusterroles"),
        &rbac_objects(api, "rolebindings"),
        &rbac_objects(api, "clusterrolebindings"),
    )
}

/// Who is asking, after authentication and impersonation, or the refusal to answer with.
pub fn identify(api: &Api, req: &Request) -> Result<UserInfo, Reply> {
    let Some(authenticator) = &api.authenticator else {
        return Ok(UserInfo::new(
            auth::ADMIN_USER,
            &[auth::MASTERS_GROUP, auth::AUTHENTICATED_GROUP],
        ));
    };
    let header = req
        .headers
        .get("authorization")
        .and_then(|v| v.to_str().ok());
    let user = authenticator
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .authenticate(header)
        .map_err(|e| Reply::Json {
            code: 401,
            body: e.status(),
            warnings: Vec::new(),
        })?;
    let headers: Vec<(String, String)> = req
        .headers
        .iter()
        .filter(|(k, _)| k.as_str().starts_with("impersonate-"))
        .map(|(k, v)| {
            (
                k.as_str().to_owned(),
                v.to_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    if headers.is_empty() {
        return Ok(user);
    }
    auth::impersonate(&user, &headers, |attrs| authorize(api, attrs)).map_err(|e| Reply::Json {
        code: e.code(),
        body: e.status(),
        warnings: Vec::new(),
    })
}

/// RBAC for the request; None when allowed.
pub fn check(api: &Api, req: &Request, user: &UserInfo) -> Option<Reply> {
    api.authenticator.as_ref()?;
    let query: Vec<String> = req
        .query
        .0
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    let attrs =
        auth::attributes_from_query(req.method.as_str(), &req.path, Some(&query.join("&")), user);
    let decision = authorize(api, &attrs);
    if decision.allowed {
        return None;
    }
    Some(Reply::Json {
        code: 403,
        body: auth::forbidden_status(&attrs, &decision.reason),
        warnings: Vec::new(),
    })
}

/// Answers the review resources, which are computed, never stored.
pub fn special(
    api: &Api,
    user: &UserInfo,
    group: &str,
    plural: &str,
    body: &Value,
) -> Option<Result<Reply, ApiError>> {
    let created = |v: Value| {
        Ok(Reply::Json {
            code: 201,
            body: v,
            warnings: Vec::new(),
        })
    };
    let review_error = |e: auth::ReviewError| {
        Ok(Reply::Json {
            code: e.code(),
            body: e.status(),
            warnings: Vec::new(),
        })
    };
    match (group, plural) {
        ("authorization.k8s.io", "selfsubjectaccessreviews") => Some(
            match auth::self_subject_access_review(user, body, |attrs| authorize(api, attrs)) {
                Ok(v) => created(v),
                Err(e) => review_error(e),
            },
        ),
        ("authorization.k8s.io", "selfsubjectrulesreviews") => Some(
            match auth::self_subject_rules_review(body, |ns| rules_for(api, user, ns)) {
                Ok(v) => created(v),
                Err(e) => review_error(e),
            },
        ),
        ("authentication.k8s.io", "selfsubjectreviews") => {
            let now = crate::object::timestamp(jiff::Timestamp::now());
            Some(created(auth::self_subject_review(user, &now)))
        }
        _ => None,
    }
}

/// `POST serviceaccounts/<name>/token`: a bearer token for the ServiceAccount.
pub fn token_request(
    api: &Api,
    namespace: &str,
    name: &str,
    body: &Value,
) -> Result<Reply, ApiError> {
    let key: ResourceKey = (String::new(), "serviceaccounts".into());
    let sa = api
        .store
        .get(&key, &(namespace.to_owned(), name.to_owned()))
        .ok_or_else(|| {
            ApiError::not_found(&crate::status::Subject {
                resource: "serviceaccounts".into(),
                kind: "ServiceAccount".into(),
                name: name.into(),
                ..Default::default()
            })
        })?;
    let uid = crate::object::meta_str(&sa, "uid")
        .unwrap_or_default()
        .to_owned();
    let token = match &api.authenticator {
        Some(a) => a
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .issue_service_account_token_with_uid(namespace, name, &uid),
        None => auth::Authenticator::random_token(),
    };
    let seconds = body
        .pointer("/spec/expirationSeconds")
        .and_then(Value::as_i64)
        .unwrap_or(3600);
    let expires = jiff::Timestamp::now()
        .checked_add(jiff::SignedDuration::from_secs(seconds))
        .unwrap_or(jiff::Timestamp::MAX);
    let mut out = body.clone();
    out["apiVersion"] = json!("authentication.k8s.io/v1");
    out["kind"] = json!("TokenRequest");
    out["metadata"]["name"] = json!(name);
    out["metadata"]["namespace"] = json!(namespace);
    out["status"] =
        json!({"token": token, "expirationTimestamp": crate::object::timestamp(expires)});
    Ok(Reply::Json {
        code: 201,
        body: out,
        warnings: Vec::new(),
    })
}
