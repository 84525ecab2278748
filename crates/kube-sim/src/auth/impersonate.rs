//! User impersonation via `Impersonate-*` headers (spec §7.2).

use serde_json::{json, Value};

use super::attributes::RequestAttributes;
use super::rbac::{forbidden_message, forbidden_status, Decision};
use super::util::unescape;
use super::{
    service_account_username, split_service_account_username, UserInfo, ANONYMOUS_USER,
    AUTHENTICATED_GROUP, SERVICE_ACCOUNTS_GROUP, UNAUTHENTICATED_GROUP,
};

const USER_HEADER: &str = "impersonate-user";
const GROUP_HEADER: &str = "impersonate-group";
const UID_HEADER: &str = "impersonate-uid";
const EXTRA_PREFIX: &str = "impersonate-extra-";
const AUTHN_GROUP: &str = "authentication.k8s.io";

/// Why impersonation was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ImpersonationError {
    /// Group, uid or extra without `Impersonate-User` (HTTP 400 BadRequest).
    #[error("{message}")]
    BadRequest { message: String },
    /// The real user may not impersonate what was asked (HTTP 403 Forbidden).
    /// `attributes` is the `impersonate` check that failed.
    #[error("{}", forbidden_message(.attributes, .reason))]
    Forbidden {
        attributes: Box<RequestAttributes>,
        reason: String,
    },
}

impl ImpersonationError {
    /// HTTP status code.
    pub fn code(&self) -> u16 {
        match self {
            ImpersonationError::BadRequest { .. } => 400,
            ImpersonationError::Forbidden { .. } => 403,
        }
    }

    /// The `Status` body kube-apiserver answers with.
    pub fn status(&self) -> Value {
        match self {
            ImpersonationError::BadRequest { message } => json!({
                "kind": "Status",
                "apiVersion": "v1",
                "metadata": {},
                "status": "Failure",
                "message": message,
                "reason": "BadRequest",
                "code": 400
            }),
            ImpersonationError::Forbidden { attributes, reason } => {
                forbidden_status(attributes, reason)
            }
        }
    }
}

/// One thing to impersonate (kube-apiserver's `ObjectReference` per header value).
struct Request {
    kind: &'static str,
    namespace: String,
    name: String,
    api_version: &'static str,
    field_path: String,
}

impl Request {
    fn new(kind: &'static str, name: &str) -> Self {
        Request {
            kind,
            namespace: String::new(),
            name: name.to_string(),
            api_version: "",
            field_path: String::new(),
        }
    }

    /// Go's `%v` of the `v1.ObjectReference`: all seven fields, space-separated.
    fn go_format(&self) -> String {
        format!(
            "{{{} {} {} {} {} {} {}}}",
            self.kind, self.namespace, self.name, "", self.api_version, "", self.field_path
        )
    }
}

fn header_values<'a>(headers: &'a [(String, String)], name: &str) -> Vec<&'a str> {
    headers
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
        .collect()
}

fn build_requests(headers: &[(String, String)]) -> Result<Vec<Request>, ImpersonationError> {
    let mut requests = Vec::new();
    let user = header_values(headers, USER_HEADER)
        .first()
        .copied()
        .unwrap_or("");
    if !user.is_empty() {
        requests.push(match split_service_account_username(user) {
            Some((ns, name)) => Request {
                namespace: ns.to_string(),
                ..Request::new("ServiceAccount", name)
            },
            None => Request::new("User", user),
        });
    }
    let groups = header_values(headers, GROUP_HEADER);
    for g in &groups {
        requests.push(Request::new("Group", g));
    }
    let mut has_extra = false;
    for (k, v) in headers {
        let lower = k.to_ascii_lowercase();
        let Some(key) = lower.strip_prefix(EXTRA_PREFIX) else {
            continue;
        };
        has_extra = true;
        requests.push(Request {
            api_version: "authentication.k8s.io/v1",
            field_path: unescape(key, false).unwrap_or_else(|| key.to_string()),
            ..Request::new("UserExtra", v)
        });
    }
    let uid = header_values(headers, UID_HEADER)
        .first()
        .copied()
        .unwrap_or("");
    if !uid.is_empty() {
        requests.push(Request {
            api_version: "authentication.k8s.io/v1",
            ..Request::new("UID", uid)
        });
    }
    if (!groups.is_empty() || has_extra || !uid.is_empty()) && user.is_empty() {
        let list: Vec<String> = requests.iter().map(Request::go_format).collect();
        return Err(ImpersonationError::BadRequest {
            message: format!(
                "requested [{}] without impersonating a user",
                list.join(" ")
            ),
        });
    }
    Ok(requests)
}

/// Applies the `Impersonate-User`, `Impersonate-Group` (repeatable), `Impersonate-Uid` and
/// `Impersonate-Extra-<key>` headers (names case-insensitive; extra keys lower-cased and
/// percent-decoded) for `requester`.
///
/// Each requested attribute is checked with `authorize` for the *real* user, verb
/// `impersonate`: `users` (name = user), `serviceaccounts` (namespace + name, for
/// `system:serviceaccount:<ns>:<name>` users), `groups`, `uids` and
/// `userextras/<key>` (name = value; `uids` and `userextras` in group
/// `authentication.k8s.io`). Without impersonation headers the requester is returned
/// unchanged.
///
/// The new identity has the given user, uid and extra; its groups are the given groups,
/// or for a ServiceAccount user without groups its two ServiceAccount groups; then
/// `system:authenticated` is added unless `system:authenticated` or
/// `system:unauthenticated` is already there (for `system:anonymous`,
/// `system:unauthenticated` is added instead).
pub fn impersonate(
    requester: &UserInfo,
    headers: &[(String, String)],
    authorize: impl Fn(&RequestAttributes) -> Decision,
) -> Result<UserInfo, ImpersonationError> {
    let requests = build_requests(headers)?;
    if requests.is_empty() {
        return Ok(requester.clone());
    }
    let groups_specified = !header_values(headers, GROUP_HEADER).is_empty();
    let mut user = UserInfo::default();
    for r in &requests {
        let mut attrs = RequestAttributes {
            user: requester.clone(),
            verb: "impersonate".to_string(),
            namespace: r.namespace.clone(),
            name: r.name.clone(),
            resource_request: true,
            ..RequestAttributes::default()
        };
        if !r.api_version.is_empty() {
            attrs.api_group = AUTHN_GROUP.to_string();
            attrs.api_version = "v1".to_string();
        }
        match r.kind {
            "ServiceAccount" => {
                attrs.resource = "serviceaccounts".to_string();
                user.name = service_account_username(&r.namespace, &r.name);
                if !groups_specified {
                    user.groups = vec![
                        SERVICE_ACCOUNTS_GROUP.to_string(),
                        format!("{SERVICE_ACCOUNTS_GROUP}:{}", r.namespace),
                    ];
                }
            }
            "User" => {
                attrs.resource = "users".to_string();
                user.name = r.name.clone();
            }
            "Group" => {
                attrs.resource = "groups".to_string();
                user.groups.push(r.name.clone());
            }
            "UserExtra" => {
                attrs.resource = "userextras".to_string();
                attrs.subresource = r.field_path.clone();
                user.extra
                    .entry(r.field_path.clone())
                    .or_default()
                    .push(r.name.clone());
            }
            _ => {
                attrs.resource = "uids".to_string();
                user.uid = r.name.clone();
            }
        }
        let decision = authorize(&attrs);
        if !decision.allowed {
            return Err(ImpersonationError::Forbidden {
                attributes: Box::new(attrs),
                reason: decision.reason,
            });
        }
    }
    if user.name != ANONYMOUS_USER {
        if !user
            .groups
            .iter()
            .any(|g| g == AUTHENTICATED_GROUP || g == UNAUTHENTICATED_GROUP)
        {
            user.groups.push(AUTHENTICATED_GROUP.to_string());
        }
    } else if !user.in_group(UNAUTHENTICATED_GROUP) {
        user.groups.push(UNAUTHENTICATED_GROUP.to_string());
    }
    Ok(user)
}
