//! Authentication, impersonation and RBAC authorization (spec §7), as pure functions.
//!
//! Nothing here does I/O or knows about the HTTP server: inputs are plain strings,
//! header pairs and `serde_json::Value` objects as stored, outputs are plain data and
//! ready-to-send JSON bodies. The pipeline the server is expected to run per request:
//!
//! 1. [`Authenticator::authenticate`] on the `Authorization` header → [`UserInfo`]
//!    (or [`Unauthorized`], answered with [`Unauthorized::status`], HTTP 401).
//! 2. [`impersonate`] with the request headers; the `authorize` callback is evaluated for
//!    the *real* user. Errors carry their own `Status` ([`ImpersonationError::status`]).
//! 3. [`attributes_from_query`] (or [`attributes`]) with the effective user → the
//!    [`RequestAttributes`] kube-apiserver's RequestInfo would compute.
//! 4. [`authorize`] with the stored Roles, ClusterRoles, RoleBindings and
//!    ClusterRoleBindings → [`Decision`]; on deny answer 403 with
//!    [`forbidden_status`] (message from [`forbidden_message`]).
//! 5. SelfSubjectAccessReview / SelfSubjectRulesReview / SelfSubjectReview bodies come from
//!    [`self_subject_access_review`], [`self_subject_rules_review`] (fed by [`rules_for`])
//!    and [`self_subject_review`].
//!
//! Bootstrap policy: [`bootstrap_cluster_roles`] and [`bootstrap_cluster_role_bindings`]
//! return the default objects (cluster-admin, admin, edit, view, the aggregate-to-*
//! roles, system:discovery, system:basic-user, system:public-info-viewer, …). The server
//! may store them so `kubectl get clusterroles` shows them; [`authorize`] and
//! [`rules_for`] use the built-in copy of any of them that is not in the slices passed in.

mod attributes;
mod authenticate;
mod bootstrap;
mod impersonate;
mod rbac;
mod review;
mod rules;
mod util;

#[cfg(test)]
mod attributes_tests;
#[cfg(test)]
mod authenticate_tests;
#[cfg(test)]
mod impersonate_tests;
#[cfg(test)]
mod rbac_policy_tests;
#[cfg(test)]
mod rbac_tests;
#[cfg(test)]
mod review_tests;

use std::collections::BTreeMap;

pub use attributes::{attributes, attributes_from_query, RequestAttributes};
pub use authenticate::{Authenticator, Unauthorized, ADMIN_USER};
pub use bootstrap::{bootstrap_cluster_role_bindings, bootstrap_cluster_roles};
pub use impersonate::{impersonate, ImpersonationError};
pub use rbac::{authorize, forbidden_message, forbidden_status, rules_for, Decision, RuleSet};
pub use review::{
    self_subject_access_review, self_subject_review, self_subject_rules_review, ReviewError,
};
pub use rules::{aggregated_rules, rule_allows};

/// Group every authenticated user carries.
pub const AUTHENTICATED_GROUP: &str = "system:authenticated";
/// Group of the anonymous user.
pub const UNAUTHENTICATED_GROUP: &str = "system:unauthenticated";
/// Group that bypasses authorization.
pub const MASTERS_GROUP: &str = "system:masters";
/// Name of the user of requests without credentials.
pub const ANONYMOUS_USER: &str = "system:anonymous";
/// Prefix of ServiceAccount user names (`system:serviceaccount:<ns>:<name>`).
pub const SERVICE_ACCOUNT_PREFIX: &str = "system:serviceaccount:";
/// Group of all ServiceAccounts; `system:serviceaccounts:<ns>` is the per-namespace one.
pub const SERVICE_ACCOUNTS_GROUP: &str = "system:serviceaccounts";

/// The identity of a request (`user.Info` in kube-apiserver).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UserInfo {
    pub name: String,
    pub uid: String,
    pub groups: Vec<String>,
    pub extra: BTreeMap<String, Vec<String>>,
}

impl UserInfo {
    /// A user with a name and groups, no uid or extra.
    pub fn new(name: impl Into<String>, groups: &[&str]) -> Self {
        UserInfo {
            name: name.into(),
            groups: groups.iter().map(|g| g.to_string()).collect(),
            ..UserInfo::default()
        }
    }

    /// `system:anonymous` in group `system:unauthenticated`.
    pub fn anonymous() -> Self {
        UserInfo::new(ANONYMOUS_USER, &[UNAUTHENTICATED_GROUP])
    }

    /// The identity of a ServiceAccount token: `system:serviceaccount:<ns>:<name>` in
    /// `system:serviceaccounts`, `system:serviceaccounts:<ns>` and `system:authenticated`.
    pub fn service_account(namespace: &str, name: &str) -> Self {
        UserInfo {
            name: service_account_username(namespace, name),
            groups: vec![
                SERVICE_ACCOUNTS_GROUP.to_string(),
                format!("{SERVICE_ACCOUNTS_GROUP}:{namespace}"),
                AUTHENTICATED_GROUP.to_string(),
            ],
            ..UserInfo::default()
        }
    }

    /// Whether the user is in `group`.
    pub fn in_group(&self, group: &str) -> bool {
        self.groups.iter().any(|g| g == group)
    }
}

/// `system:serviceaccount:<ns>:<name>`.
pub fn service_account_username(namespace: &str, name: &str) -> String {
    format!("{SERVICE_ACCOUNT_PREFIX}{namespace}:{name}")
}

/// Splits `system:serviceaccount:<ns>:<name>` into namespace and name, accepting only a
/// valid namespace (DNS-1123 label) and ServiceAccount name (DNS-1123 subdomain), as
/// kube-apiserver's `serviceaccount.SplitUsername` does.
pub fn split_service_account_username(username: &str) -> Option<(&str, &str)> {
    let rest = username.strip_prefix(SERVICE_ACCOUNT_PREFIX)?;
    let mut parts = rest.split(':');
    let (ns, name) = (parts.next()?, parts.next()?);
    if parts.next().is_some() || !util::is_dns1123_label(ns) || !util::is_dns1123_subdomain(name) {
        return None;
    }
    Some((ns, name))
}
