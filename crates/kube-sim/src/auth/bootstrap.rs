//! The default RBAC policy kube-apiserver bootstraps (the subset clients rely on).

use std::sync::OnceLock;

use serde_json::{json, Value};

use super::rules::aggregated_rules;

const RBAC_GROUP: &str = "rbac.authorization.k8s.io";
const READ: &[&str] = &["get", "list", "watch"];
const WRITE: &[&str] = &["create", "delete", "deletecollection", "patch", "update"];
#[rustfmt::skip]
const READ_WRITE: &[&str] = &["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

fn rule(groups: &[&str], resources: &[&str], verbs: &[&str]) -> Value {
    json!({"verbs": verbs, "apiGroups": groups, "resources": resources})
}

fn url_rule(urls: &[&str]) -> Value {
    json!({"verbs": ["get"], "nonResourceURLs": urls})
}

fn metadata(name: &str, extra_label: Option<&str>) -> Value {
    let mut labels = json!({"kubernetes.io/bootstrapping": "rbac-defaults"});
    if let Some(l) = extra_label {
        labels[format!("{RBAC_GROUP}/{l}")] = json!("true");
    }
    json!({
        "name": name,
        "labels": labels,
        "annotations": {"rbac.authorization.kubernetes.io/autoupdate": "true"}
    })
}

fn cluster_role(name: &str, label: Option<&str>, rules: Vec<Value>) -> Value {
    json!({
        "apiVersion": format!("{RBAC_GROUP}/v1"),
        "kind": "ClusterRole",
        "metadata": metadata(name, label),
        "rules": rules
    })
}

/// An aggregated role selecting `rbac.authorization.k8s.io/<selects>: "true"`.
fn aggregated(name: &str, label: Option<&str>, selects: &str) -> Value {
    let mut role = cluster_role(name, label, Vec::new());
    role["aggregationRule"] = json!({"clusterRoleSelectors": [
        {"matchLabels": {format!("{RBAC_GROUP}/{selects}"): "true"}}
    ]});
    role
}

fn binding(role: &str, groups: &[&str]) -> Value {
    let subjects: Vec<Value> = groups
        .iter()
        .map(|g| json!({"kind": "Group", "apiGroup": RBAC_GROUP, "name": g}))
        .collect();
    json!({
        "apiVersion": format!("{RBAC_GROUP}/v1"),
        "kind": "ClusterRoleBinding",
        "metadata": metadata(role, None),
        "roleRef": {"apiGroup": RBAC_GROUP, "kind": "ClusterRole", "name": role},
        "subjects": subjects
    })
}

/// `system:aggregate-to-view` (and so `view`): read-only, no secrets.
#[rustfmt::skip]
fn view_rules() -> Vec<Value> {
    vec![
        rule(&[""], &["configmaps", "endpoints", "persistentvolumeclaims", "persistentvolumeclaims/status",
            "pods", "replicationcontrollers", "replicationcontrollers/scale", "serviceaccounts", "services",
            "services/status"], READ),
        rule(&[""], &["bindings", "events", "limitranges", "namespaces/status", "pods/log", "pods/status",
            "replicationcontrollers/status", "resourcequotas", "resourcequotas/status"], READ),
        rule(&[""], &["namespaces"], READ),
        rule(&["discovery.k8s.io"], &["endpointslices"], READ),
        rule(&["apps"], &["controllerrevisions", "daemonsets", "daemonsets/status", "deployments",
            "deployments/scale", "deployments/status", "replicasets", "replicasets/scale", "replicasets/status",
            "statefulsets", "statefulsets/scale", "statefulsets/status"], READ),
        rule(&["autoscaling"], &["horizontalpodautoscalers", "horizontalpodautoscalers/status"], READ),
        rule(&["batch"], &["cronjobs", "cronjobs/status", "jobs", "jobs/status"], READ),
        rule(&["extensions"], &["daemonsets", "daemonsets/status", "deployments", "deployments/scale",
            "deployments/status", "ingresses", "ingresses/status", "networkpolicies", "replicasets",
            "replicasets/scale", "replicasets/status", "replicationcontrollers/scale"], READ),
        rule(&["policy"], &["poddisruptionbudgets", "poddisruptionbudgets/status"], READ),
        rule(&["networking.k8s.io"], &["ingresses", "ingresses/status", "networkpolicies"], READ),
    ]
}

/// `system:aggregate-to-edit`: writes on workloads and config, secrets, SA impersonation.
#[rustfmt::skip]
fn edit_rules() -> Vec<Value> {
    vec![
        rule(&[""], &["pods/attach", "pods/exec", "pods/portforward", "pods/proxy", "secrets",
            "services/proxy"], READ),
        rule(&[""], &["serviceaccounts"], &["impersonate"]),
        rule(&[""], &["pods", "pods/attach", "pods/exec", "pods/portforward", "pods/proxy"], WRITE),
        rule(&[""], &["pods/eviction"], &["create"]),
        rule(&[""], &["configmaps", "events", "persistentvolumeclaims", "replicationcontrollers",
            "replicationcontrollers/scale", "secrets", "serviceaccounts", "services", "services/proxy"], WRITE),
        rule(&[""], &["serviceaccounts/token"], &["create"]),
        rule(&["apps"], &["daemonsets", "deployments", "deployments/rollback", "deployments/scale",
            "replicasets", "replicasets/scale", "statefulsets", "statefulsets/scale"], WRITE),
        rule(&["autoscaling"], &["horizontalpodautoscalers"], WRITE),
        rule(&["batch"], &["cronjobs", "jobs"], WRITE),
        rule(&["extensions"], &["daemonsets", "deployments", "deployments/rollback", "deployments/scale",
            "ingresses", "networkpolicies", "replicasets", "replicasets/scale", "replicationcontrollers/scale"], WRITE),
        rule(&["policy"], &["poddisruptionbudgets"], WRITE),
        rule(&["networking.k8s.io"], &["ingresses", "networkpolicies"], WRITE),
        rule(&["coordination.k8s.io"], &["leases"], READ_WRITE),
    ]
}

fn build_roles() -> Vec<Value> {
    let mut roles = vec![
        aggregated("admin", None, "aggregate-to-admin"),
        cluster_role(
            "cluster-admin",
            None,
            vec![
                rule(&["*"], &["*"], &["*"]),
                json!({"verbs": ["*"], "nonResourceURLs": ["*"]}),
            ],
        ),
        aggregated("edit", Some("aggregate-to-admin"), "aggregate-to-edit"),
        cluster_role(
            "system:aggregate-to-admin",
            Some("aggregate-to-admin"),
            vec![
                rule(
                    &["authorization.k8s.io"],
                    &["localsubjectaccessreviews"],
                    &["create"],
                ),
                rule(&[RBAC_GROUP], &["rolebindings", "roles"], READ_WRITE),
            ],
        ),
        cluster_role(
            "system:aggregate-to-edit",
            Some("aggregate-to-edit"),
            edit_rules(),
        ),
        cluster_role(
            "system:aggregate-to-view",
            Some("aggregate-to-view"),
            view_rules(),
        ),
        cluster_role(
            "system:auth-delegator",
            None,
            vec![
                rule(&["authentication.k8s.io"], &["tokenreviews"], &["create"]),
                rule(
                    &["authorization.k8s.io"],
                    &["subjectaccessreviews"],
                    &["create"],
                ),
            ],
        ),
        cluster_role(
            "system:basic-user",
            None,
            vec![
                rule(
                    &["authorization.k8s.io"],
                    &["selfsubjectaccessreviews", "selfsubjectrulesreviews"],
                    &["create"],
                ),
                rule(
                    &["authentication.k8s.io"],
                    &["selfsubjectreviews"],
                    &["create"],
                ),
            ],
        ),
        cluster_role(
            "system:discovery",
            None,
            vec![url_rule(&[
                "/api",
                "/api/*",
                "/apis",
                "/apis/*",
                "/healthz",
                "/livez",
                "/openapi",
                "/openapi/*",
                "/readyz",
                "/version",
                "/version/",
            ])],
        ),
        cluster_role(
            "system:monitoring",
            None,
            vec![url_rule(&[
                "/healthz",
                "/healthz/*",
                "/livez",
                "/livez/*",
                "/metrics",
                "/metrics/slis",
                "/readyz",
                "/readyz/*",
            ])],
        ),
        cluster_role(
            "system:public-info-viewer",
            None,
            vec![url_rule(&[
                "/healthz",
                "/livez",
                "/readyz",
                "/version",
                "/version/",
            ])],
        ),
        cluster_role(
            "system:service-account-issuer-discovery",
            None,
            vec![url_rule(&[
                "/.well-known/openid-configuration",
                "/.well-known/openid-configuration/",
                "/openid/v1/jwks",
                "/openid/v1/jwks/",
            ])],
        ),
        aggregated("view", Some("aggregate-to-edit"), "aggregate-to-view"),
    ];
    // Fill the aggregated roles' rules the way the aggregation controller would.
    let snapshot = roles.clone();
    for role in &mut roles {
        if let Some(rules) = aggregated_rules(role, &snapshot) {
            role["rules"] = Value::Array(rules);
        }
    }
    roles
}

fn build_bindings() -> Vec<Value> {
    vec![
        binding("cluster-admin", &["system:masters"]),
        binding("system:basic-user", &["system:authenticated"]),
        binding("system:discovery", &["system:authenticated"]),
        binding("system:monitoring", &["system:monitoring"]),
        binding(
            "system:public-info-viewer",
            &["system:authenticated", "system:unauthenticated"],
        ),
        binding(
            "system:service-account-issuer-discovery",
            &["system:serviceaccounts"],
        ),
    ]
}

pub(crate) fn builtin_cluster_roles() -> &'static [Value] {
    static ROLES: OnceLock<Vec<Value>> = OnceLock::new();
    ROLES.get_or_init(build_roles)
}

pub(crate) fn builtin_cluster_role_bindings() -> &'static [Value] {
    static BINDINGS: OnceLock<Vec<Value>> = OnceLock::new();
    BINDINGS.get_or_init(build_bindings)
}

/// The bootstrap ClusterRoles (`rbac.authorization.k8s.io/v1` objects without
/// server-set metadata): `cluster-admin`, `admin`, `edit`, `view` (aggregated, rules
/// filled in), `system:aggregate-to-{admin,edit,view}`, `system:discovery`,
/// `system:basic-user`, `system:public-info-viewer`, `system:monitoring`,
/// `system:auth-delegator`, `system:service-account-issuer-discovery`.
pub fn bootstrap_cluster_roles() -> Vec<Value> {
    builtin_cluster_roles().to_vec()
}

/// The bootstrap ClusterRoleBindings: `cluster-admin` → group `system:masters`;
/// `system:basic-user`, `system:discovery` → `system:authenticated`;
/// `system:public-info-viewer` → `system:authenticated` and `system:unauthenticated`;
/// `system:monitoring` → `system:monitoring`; `system:service-account-issuer-discovery`
/// → `system:serviceaccounts`.
pub fn bootstrap_cluster_role_bindings() -> Vec<Value> {
    builtin_cluster_role_bindings().to_vec()
}
