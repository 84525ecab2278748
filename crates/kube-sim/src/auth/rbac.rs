//! RBAC authorization (spec §7.4) and the 403 Forbidden rendering (spec §2.4).

use serde_json::{json, Value};

use super::attributes::RequestAttributes;
use super::bootstrap::{builtin_cluster_role_bindings, builtin_cluster_roles};
use super::rules::{cluster_role_rules, own_rules, rule_allows};
use super::util::{go_quote as q, meta_str, str_field};
use super::{split_service_account_username, UserInfo, MASTERS_GROUP};

/// The outcome of authorizing one request.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Decision {
    pub allowed: bool,
    /// kube-apiserver's reason: `RBAC: allowed by ClusterRoleBinding "x" of ClusterRole
    /// "y" to Group "z"` when allowed; empty, or `RBAC: <errors>` (missing roles) when not.
    pub reason: String,
}

/// The rules that apply to a user in a namespace (for SelfSubjectRulesReview).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RuleSet {
    /// PolicyRules as JSON: cluster-wide ones first, then the namespace's.
    pub rules: Vec<Value>,
    /// Errors met resolving bindings (missing roles), joined as kube-apiserver does;
    /// empty if none.
    pub evaluation_error: String,
}

/// Authorizes a request against RBAC objects (JSON as stored).
///
/// `roles` and `role_bindings` may span all namespaces (only those in the request's
/// namespace are used). Members of `system:masters` are always allowed (reason empty).
/// The bootstrap ClusterRoles and ClusterRoleBindings are used for any name not present in
/// `cluster_roles` / `cluster_role_bindings`. Bindings are evaluated in name order,
/// ClusterRoleBindings first; the first matching rule decides the reason.
pub fn authorize(
    attrs: &RequestAttributes,
    roles: &[Value],
    cluster_roles: &[Value],
    role_bindings: &[Value],
    cluster_role_bindings: &[Value],
) -> Decision {
    if attrs.user.in_group(MASTERS_GROUP) {
        return Decision {
            allowed: true,
            reason: String::new(),
        };
    }
    let policy = Policy::new(roles, cluster_roles, role_bindings, cluster_role_bindings);
    let mut allowed_by = None;
    let errors = policy.visit(&attrs.user, &attrs.namespace, &mut |source, rule| {
        if rule_allows(attrs, rule) {
            allowed_by = Some(source.describe());
            return false;
        }
        true
    });
    match allowed_by {
        Some(by) => Decision {
            allowed: true,
            reason: format!("RBAC: allowed by {by}"),
        },
        None if errors.is_empty() => Decision::default(),
        None => Decision {
            allowed: false,
            reason: format!("RBAC: {}", aggregate_errors(&errors)),
        },
    }
}

/// Every rule bound to `user` cluster-wide and in `namespace` (same inputs and defaults as
/// [`authorize`]).
pub fn rules_for(
    user: &UserInfo,
    namespace: &str,
    roles: &[Value],
    cluster_roles: &[Value],
    role_bindings: &[Value],
    cluster_role_bindings: &[Value],
) -> RuleSet {
    let policy = Policy::new(roles, cluster_roles, role_bindings, cluster_role_bindings);
    let mut rules = Vec::new();
    let errors = policy.visit(user, namespace, &mut |_, rule| {
        rules.push(rule.clone());
        true
    });
    RuleSet {
        rules,
        evaluation_error: aggregate_errors(&errors),
    }
}

/// `utilerrors.NewAggregate(errs).Error()`: one message as is, several de-duplicated and
/// bracketed `[a, b]`.
fn aggregate_errors(errors: &[String]) -> String {
    let mut seen: Vec<&str> = Vec::new();
    for e in errors {
        if !seen.contains(&e.as_str()) {
            seen.push(e);
        }
    }
    match seen.len() {
        0 => String::new(),
        1 => seen[0].to_string(),
        _ => format!("[{}]", seen.join(", ")),
    }
}

/// Where a rule came from, for the "allowed by" reason.
struct Source<'a> {
    binding: &'a Value,
    /// Namespace of a RoleBinding; `None` for ClusterRoleBindings.
    namespace: Option<&'a str>,
    subject: &'a Value,
}

impl Source<'_> {
    fn describe(&self) -> String {
        let role_ref = self.binding.get("roleRef").unwrap_or(&Value::Null);
        let (kind, name) = (str_field(role_ref, "kind"), str_field(role_ref, "name"));
        let binding_name = meta_str(self.binding, "name");
        let binding = match self.namespace {
            Some(ns) => format!("RoleBinding {}", q(&format!("{binding_name}/{ns}"))),
            None => format!("ClusterRoleBinding {}", q(binding_name)),
        };
        let s_kind = str_field(self.subject, "kind");
        let s_name = str_field(self.subject, "name");
        let subject = if s_kind == "ServiceAccount" {
            let ns = match str_field(self.subject, "namespace") {
                "" => self.namespace.unwrap_or(""),
                ns => ns,
            };
            format!("{s_kind} {}", q(&format!("{s_name}/{ns}")))
        } else {
            format!("{s_kind} {}", q(s_name))
        };
        format!("{binding} of {kind} {} to {subject}", q(name))
    }
}

/// The RBAC objects of one evaluation, with the bootstrap defaults merged in.
struct Policy<'a> {
    roles: &'a [Value],
    cluster_roles: Vec<&'a Value>,
    role_bindings: &'a [Value],
    cluster_role_bindings: Vec<&'a Value>,
}

/// `given` plus each default whose name is not given, sorted by name.
fn merge_defaults<'a>(given: &'a [Value], defaults: &'a [Value]) -> Vec<&'a Value> {
    let mut all: Vec<&Value> = given.iter().collect();
    for d in defaults {
        let name = meta_str(d, "name");
        if !given.iter().any(|g| meta_str(g, "name") == name) {
            all.push(d);
        }
    }
    all.sort_by(|a, b| meta_str(a, "name").cmp(meta_str(b, "name")));
    all
}

impl<'a> Policy<'a> {
    fn new(
        roles: &'a [Value],
        cluster_roles: &'a [Value],
        role_bindings: &'a [Value],
        cluster_role_bindings: &'a [Value],
    ) -> Self {
        Policy {
            roles,
            cluster_roles: merge_defaults(cluster_roles, builtin_cluster_roles()),
            role_bindings,
            cluster_role_bindings: merge_defaults(
                cluster_role_bindings,
                builtin_cluster_role_bindings(),
            ),
        }
    }

    /// Calls `visit` for every rule bound to `user` (ClusterRoleBindings, then the
    /// RoleBindings of `namespace`) until it returns false; returns the errors met.
    fn visit(
        &self,
        user: &UserInfo,
        namespace: &str,
        visit: &mut dyn FnMut(&Source<'a>, &'a Value) -> bool,
    ) -> Vec<String> {
        let mut errors = Vec::new();
        let mut bindings: Vec<(&'a Value, Option<&'a str>)> = self
            .cluster_role_bindings
            .iter()
            .map(|b| (*b, None))
            .collect();
        if !namespace.is_empty() {
            let mut rbs: Vec<&'a Value> = self
                .role_bindings
                .iter()
                .filter(|b| meta_str(b, "namespace") == namespace)
                .collect();
            rbs.sort_by(|a, b| meta_str(a, "name").cmp(meta_str(b, "name")));
            bindings.extend(rbs.into_iter().map(|b| (b, Some(meta_str(b, "namespace")))));
        }
        for (binding, ns) in bindings {
            let Some(subject) = applies_to(user, binding, ns.unwrap_or("")) else {
                continue;
            };
            let rules = match self.role_ref_rules(binding, ns.unwrap_or("")) {
                Ok(rules) => rules,
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            };
            let source = Source {
                binding,
                namespace: ns,
                subject,
            };
            for rule in rules {
                if !visit(&source, rule) {
                    return errors;
                }
            }
        }
        errors
    }

    fn role_ref_rules(
        &self,
        binding: &'a Value,
        namespace: &str,
    ) -> Result<Vec<&'a Value>, String> {
        let role_ref = binding.get("roleRef").unwrap_or(&Value::Null);
        let name = str_field(role_ref, "name");
        match str_field(role_ref, "kind") {
            "Role" => self
                .roles
                .iter()
                .find(|r| meta_str(r, "namespace") == namespace && meta_str(r, "name") == name)
                .map(own_rules)
                .ok_or_else(|| format!("role.rbac.authorization.k8s.io {} not found", q(name))),
            "ClusterRole" => self
                .cluster_roles
                .iter()
                .find(|r| meta_str(r, "name") == name)
                .map(|r| cluster_role_rules(r, &self.cluster_roles))
                .ok_or_else(|| {
                    format!(
                        "clusterrole.rbac.authorization.k8s.io {} not found",
                        q(name)
                    )
                }),
            kind => Err(format!("unsupported role reference kind: {}", q(kind))),
        }
    }
}

/// The first subject of `binding` that `user` matches. ServiceAccount subjects without a
/// namespace default to the binding's namespace.
fn applies_to<'a>(user: &UserInfo, binding: &'a Value, namespace: &str) -> Option<&'a Value> {
    let subjects = binding.get("subjects")?.as_array()?;
    subjects.iter().find(|s| {
        let name = str_field(s, "name");
        match str_field(s, "kind") {
            "User" => user.name == name,
            "Group" => user.in_group(name),
            "ServiceAccount" => {
                let ns = match str_field(s, "namespace") {
                    "" => namespace,
                    ns => ns,
                };
                !ns.is_empty() && split_service_account_username(&user.name) == Some((ns, name))
            }
            _ => false,
        }
    })
}

/// The message of a 403 for `attrs`, with `: <reason>` appended when `reason` is not
/// empty:
/// * `secrets is forbidden: User "u" cannot list resource "secrets" in API group "" in the namespace "demo"`
/// * `deployments.apps "web" is forbidden: User "u" cannot patch resource "deployments/status" in API group "apps" in the namespace "demo"`
/// * `namespaces is forbidden: User "u" cannot list resource "namespaces" in API group "" at the cluster scope`
/// * `forbidden: User "system:anonymous" cannot get path "/healthz"`
pub fn forbidden_message(attrs: &RequestAttributes, reason: &str) -> String {
    let user = &attrs.user.name;
    let detail = if !attrs.resource_request {
        format!(
            "User {} cannot {} path {}",
            q(user),
            attrs.verb,
            q(&attrs.path)
        )
    } else {
        let scope = if attrs.namespace.is_empty() {
            "at the cluster scope".to_string()
        } else {
            format!("in the namespace {}", q(&attrs.namespace))
        };
        format!(
            "User {} cannot {} resource {} in API group {} {scope}",
            q(user),
            attrs.verb,
            q(&attrs.combined_resource()),
            q(&attrs.api_group)
        )
    };
    let detail = if reason.is_empty() {
        detail
    } else {
        format!("{detail}: {reason}")
    };
    let (group, resource) = qualified(attrs);
    let qualified = if group.is_empty() {
        resource.to_string()
    } else {
        format!("{resource}.{group}")
    };
    if qualified.is_empty() {
        format!("forbidden: {detail}")
    } else if attrs.name.is_empty() {
        format!("{qualified} is forbidden: {detail}")
    } else {
        format!("{qualified} {} is forbidden: {detail}", q(&attrs.name))
    }
}

/// Group and resource naming the object of a 403 (empty for non-resource requests).
fn qualified(attrs: &RequestAttributes) -> (&str, &str) {
    (attrs.api_group.as_str(), attrs.resource.as_str())
}

/// The full 403 `Status` body: message from [`forbidden_message`], details with the name,
/// group and (plural) resource, each only when not empty.
pub fn forbidden_status(attrs: &RequestAttributes, reason: &str) -> Value {
    let (group, resource) = qualified(attrs);
    let mut details = json!({});
    if !attrs.name.is_empty() {
        details["name"] = json!(attrs.name);
    }
    if !group.is_empty() {
        details["group"] = json!(group);
    }
    if !resource.is_empty() {
        details["kind"] = json!(resource);
    }
    json!({
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": forbidden_message(attrs, reason),
        "reason": "Forbidden",
        "details": details,
        "code": 403
    })
}
