//! RBAC evaluation: the §7.6 worked example, subjects, wildcards, scoping, errors.

use serde_json::{json, Value};

use super::*;

pub(super) const VIEWER: &str = "system:serviceaccount:demo:viewer";

pub(super) fn sa_viewer() -> UserInfo {
    UserInfo::service_account("demo", "viewer")
}

pub(super) fn role(ns: &str, name: &str, rules: Value) -> Value {
    json!({"kind": "Role", "metadata": {"namespace": ns, "name": name}, "rules": rules})
}

pub(super) fn cluster_role(name: &str, rules: Value) -> Value {
    json!({"kind": "ClusterRole", "metadata": {"name": name}, "rules": rules})
}

pub(super) fn role_binding(ns: &str, name: &str, kind: &str, role: &str, subjects: Value) -> Value {
    json!({
        "kind": "RoleBinding",
        "metadata": {"namespace": ns, "name": name},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": kind, "name": role},
        "subjects": subjects
    })
}

pub(super) fn cluster_role_binding(name: &str, role: &str, subjects: Value) -> Value {
    json!({
        "kind": "ClusterRoleBinding",
        "metadata": {"name": name},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": role},
        "subjects": subjects
    })
}

/// The §7.6 worked example: Role `viewer` and its RoleBinding in `demo`.
#[rustfmt::skip]
pub(super) fn worked_example() -> (Vec<Value>, Vec<Value>) {
    let roles = vec![role("demo", "viewer", json!([
        {"apiGroups": [""], "resources": ["configmaps", "pods", "pods/log"], "verbs": ["get", "list", "watch"]},
        {"apiGroups": ["apps"], "resources": ["deployments"], "resourceNames": ["web"], "verbs": ["get", "patch"]}
    ]))];
    let bindings = vec![role_binding("demo", "viewer", "Role", "viewer",
        json!([{"kind": "ServiceAccount", "name": "viewer", "namespace": "demo"}]))];
    (roles, bindings)
}

#[derive(Default)]
pub(super) struct Rbac {
    pub(super) roles: Vec<Value>,
    pub(super) cluster_roles: Vec<Value>,
    pub(super) role_bindings: Vec<Value>,
    pub(super) cluster_role_bindings: Vec<Value>,
}

impl Rbac {
    pub(super) fn authorize(&self, attrs: &RequestAttributes) -> Decision {
        authorize(
            attrs,
            &self.roles,
            &self.cluster_roles,
            &self.role_bindings,
            &self.cluster_role_bindings,
        )
    }

    /// (allowed, reason when allowed or the 403 message when not).
    pub(super) fn check(
        &self,
        user: &UserInfo,
        method: &str,
        path: &str,
        query: Option<&str>,
    ) -> (bool, String) {
        let attrs = attributes_from_query(method, path, query, user);
        let d = self.authorize(&attrs);
        let msg = if d.allowed {
            d.reason
        } else {
            forbidden_message(&attrs, &d.reason)
        };
        (d.allowed, msg)
    }
}

const DISCOVERY: &str = r#"RBAC: allowed by ClusterRoleBinding "system:discovery" of ClusterRole "system:discovery" to Group "system:authenticated""#;

#[test]
#[rustfmt::skip]
fn worked_example_7_6() {
    let (roles, role_bindings) = worked_example();
    let rbac = Rbac { roles, role_bindings, ..Rbac::default() };
    let by = r#"RBAC: allowed by RoleBinding "viewer/demo" of Role "viewer" to ServiceAccount "viewer/demo""#;
    let denied = |verb: &str, res: &str, name: &str, group: &str, ns: &str| {
        let q = if group.is_empty() { res.split('/').next().unwrap_or("").to_string() } else { format!("{}.{group}", res.split('/').next().unwrap_or("")) };
        let named = if name.is_empty() { q } else { format!("{q} \"{name}\"") };
        let scope = if ns.is_empty() { "at the cluster scope".to_string() } else { format!("in the namespace \"{ns}\"") };
        format!(r#"{named} is forbidden: User "{VIEWER}" cannot {verb} resource "{res}" in API group "{group}" {scope}"#)
    };
    let rows: &[(&str, &str, Option<&str>, bool, String)] = &[
        ("GET", "/api/v1/namespaces/demo/pods", None, true, by.into()),
        ("GET", "/api/v1/namespaces/demo/pods", Some("watch=true"), true, by.into()),
        ("GET", "/api/v1/namespaces/demo/pods/p", None, true, by.into()),
        ("GET", "/api/v1/namespaces/demo/pods/p/log", None, true, by.into()),
        ("GET", "/api/v1/namespaces/demo/configmaps/c", None, true, by.into()),
        ("GET", "/api/v1/namespaces/demo/secrets", None, false,
            format!(r#"secrets is forbidden: User "{VIEWER}" cannot list resource "secrets" in API group "" in the namespace "demo""#)),
        ("PATCH", "/apis/apps/v1/namespaces/demo/deployments/web", None, true, by.into()),
        ("GET", "/apis/apps/v1/namespaces/demo/deployments/web", None, true, by.into()),
        ("PATCH", "/apis/apps/v1/namespaces/demo/deployments/api", None, false,
            format!(r#"deployments.apps "api" is forbidden: User "{VIEWER}" cannot patch resource "deployments" in API group "apps" in the namespace "demo""#)),
        ("PATCH", "/apis/apps/v1/namespaces/demo/deployments/web/status", None, false,
            format!(r#"deployments.apps "web" is forbidden: User "{VIEWER}" cannot patch resource "deployments/status" in API group "apps" in the namespace "demo""#)),
        ("GET", "/apis/apps/v1/namespaces/demo/deployments", None, false, denied("list", "deployments", "", "apps", "demo")),
        // a single-object list is named, but this rule has no list/watch verb
        ("GET", "/apis/apps/v1/namespaces/demo/deployments", Some("fieldSelector=metadata.name%3Dweb"), false, denied("list", "deployments", "web", "apps", "demo")),
        ("GET", "/apis/apps/v1/namespaces/demo/deployments", Some("fieldSelector=metadata.name%3Dweb&watch=1"), false, denied("watch", "deployments", "web", "apps", "demo")),
        ("DELETE", "/apis/apps/v1/namespaces/demo/deployments/web", None, false, denied("delete", "deployments", "web", "apps", "demo")),
        ("POST", "/api/v1/namespaces/demo/pods", None, false, denied("create", "pods", "", "", "demo")),
        ("GET", "/api/v1/namespaces/other/pods", None, false,
            format!(r#"pods is forbidden: User "{VIEWER}" cannot list resource "pods" in API group "" in the namespace "other""#)),
        ("GET", "/api/v1/pods", None, false,
            format!(r#"pods is forbidden: User "{VIEWER}" cannot list resource "pods" in API group "" at the cluster scope"#)),
        ("GET", "/api/v1/namespaces", None, false, denied("list", "namespaces", "", "", "")),
        // discovery and self-review stay open through the bootstrap bindings
        ("GET", "/api", None, true, DISCOVERY.into()),
        ("GET", "/apis/apps/v1", None, true, DISCOVERY.into()),
        ("GET", "/openapi/v3/apis/apps/v1", None, true, DISCOVERY.into()),
        ("GET", "/version", None, true, DISCOVERY.into()),
        ("POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", None, true,
            r#"RBAC: allowed by ClusterRoleBinding "system:basic-user" of ClusterRole "system:basic-user" to Group "system:authenticated""#.into()),
        ("POST", "/healthz", None, false, format!(r#"forbidden: User "{VIEWER}" cannot post path "/healthz""#)),
        ("GET", "/metrics", None, false, format!(r#"forbidden: User "{VIEWER}" cannot get path "/metrics""#)),
    ];
    for (method, path, query, allowed, msg) in rows {
        let got = rbac.check(&sa_viewer(), method, path, *query);
        assert_eq!(got, (*allowed, msg.clone()), "{method} {path}?{query:?}");
    }
    // another ServiceAccount in the same namespace gets nothing from the binding
    let other = UserInfo::service_account("demo", "other");
    assert!(!rbac.check(&other, "GET", "/api/v1/namespaces/demo/pods", None).0);
}

#[test]
#[rustfmt::skip]
fn anonymous_and_masters() {
    let rbac = Rbac::default();
    let anon = UserInfo::anonymous();
    let public = r#"RBAC: allowed by ClusterRoleBinding "system:public-info-viewer" of ClusterRole "system:public-info-viewer" to Group "system:unauthenticated""#;
    for path in ["/healthz", "/livez", "/readyz", "/version", "/version/"] {
        assert_eq!(rbac.check(&anon, "GET", path, None), (true, public.to_string()), "{path}");
    }
    for (path, msg) in [
        ("/api", r#"forbidden: User "system:anonymous" cannot get path "/api""#),
        ("/healthz/etcd", r#"forbidden: User "system:anonymous" cannot get path "/healthz/etcd""#),
    ] {
        assert_eq!(rbac.check(&anon, "GET", path, None), (false, msg.to_string()));
    }
    let (ok, msg) = rbac.check(&anon, "POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", None);
    assert!(!ok);
    assert_eq!(msg, r#"selfsubjectaccessreviews.authorization.k8s.io is forbidden: User "system:anonymous" cannot create resource "selfsubjectaccessreviews" in API group "authorization.k8s.io" at the cluster scope"#);

    let admin = UserInfo::new("kube-sim-admin", &["system:masters", "system:authenticated"]);
    for (m, p) in [("DELETE", "/api/v1/namespaces/x"), ("GET", "/metrics"), ("BREW", "/x")] {
        assert_eq!(rbac.check(&admin, m, p, None), (true, String::new()));
    }
    // an ordinary authenticated user: discovery yes, resources no
    let jane = UserInfo::new("jane", &["system:authenticated"]);
    assert_eq!(rbac.check(&jane, "GET", "/apis", None), (true, DISCOVERY.to_string()));
    assert!(!rbac.check(&jane, "GET", "/api/v1/namespaces/default/pods", None).0);
}

#[test]
#[rustfmt::skip]
fn wildcards_subresources_and_names() {
    let rbac = Rbac {
        cluster_roles: vec![
            cluster_role("all-apps", json!([{"apiGroups": ["apps"], "resources": ["*"], "verbs": ["*"]}])),
            cluster_role("scalers", json!([{"apiGroups": ["*"], "resources": ["*/scale"], "verbs": ["update", "patch"]}])),
            cluster_role("urls", json!([{"nonResourceURLs": ["/metrics", "/logs/*"], "verbs": ["get"]}])),
            cluster_role("named-cm", json!([{"apiGroups": [""], "resources": ["configmaps"], "resourceNames": ["a", "b"], "verbs": ["get", "update", "create", "list"]}])),
            cluster_role("everything", json!([{"apiGroups": ["*"], "resources": ["*"], "verbs": ["get"]}, {"nonResourceURLs": ["*"], "verbs": ["get"]}])),
        ],
        cluster_role_bindings: vec![
            cluster_role_binding("u-apps", "all-apps", json!([{"kind": "User", "name": "u-apps"}])),
            cluster_role_binding("scalers", "scalers", json!([{"kind": "Group", "name": "scalers"}])),
            cluster_role_binding("urls", "urls", json!([{"kind": "User", "name": "u-urls"}])),
            cluster_role_binding("named", "named-cm", json!([{"kind": "User", "name": "u-named"}])),
            cluster_role_binding("everything", "everything", json!([{"kind": "User", "name": "reader"}])),
        ],
        ..Rbac::default()
    };
    let user = |n: &str, g: &[&str]| UserInfo::new(n, g);
    let rows: &[(UserInfo, &str, &str, bool)] = &[
        (user("u-apps", &[]), "DELETE", "/apis/apps/v1/namespaces/x/deployments", true),
        (user("u-apps", &[]), "PATCH", "/apis/apps/v1/namespaces/x/deployments/d/status", true),
        (user("u-apps", &[]), "GET", "/apis/batch/v1/jobs", false),
        (user("u-apps", &[]), "GET", "/api/v1/pods", false),
        (user("s", &["scalers"]), "PATCH", "/apis/apps/v1/namespaces/x/deployments/d/scale", true),
        (user("s", &["scalers"]), "PUT", "/api/v1/namespaces/x/replicationcontrollers/r/scale", true),
        (user("s", &["scalers"]), "PATCH", "/apis/apps/v1/namespaces/x/deployments/d", false),
        (user("s", &["scalers"]), "PATCH", "/apis/apps/v1/namespaces/x/deployments/d/status", false),
        (user("s", &["other"]), "PATCH", "/apis/apps/v1/namespaces/x/deployments/d/scale", false),
        (user("u-urls", &[]), "GET", "/metrics", true),
        (user("u-urls", &[]), "GET", "/metrics/x", false),
        (user("u-urls", &[]), "GET", "/logs/", true),
        (user("u-urls", &[]), "GET", "/logs/kube/x", true),
        (user("u-urls", &[]), "GET", "/logs", false),
        (user("u-urls", &[]), "POST", "/metrics", false),
        (user("u-named", &[]), "GET", "/api/v1/namespaces/x/configmaps/a", true),
        (user("u-named", &[]), "PUT", "/api/v1/namespaces/x/configmaps/b", true),
        (user("u-named", &[]), "GET", "/api/v1/namespaces/x/configmaps/c", false),
        (user("u-named", &[]), "POST", "/api/v1/namespaces/x/configmaps", false),
        (user("u-named", &[]), "GET", "/api/v1/namespaces/x/configmaps", false),
        (user("reader", &[]), "GET", "/apis/example.com/v1/namespaces/x/widgets/w/status", true),
        (user("reader", &[]), "GET", "/anything/at/all", true),
        (user("reader", &[]), "PUT", "/api/v1/namespaces/x/configmaps/a", false),
    ];
    for (u, method, path, allowed) in rows {
        assert_eq!(rbac.check(u, method, path, None).0, *allowed, "{} {method} {path}", u.name);
    }
    // single-object list/watch (kubectl wait, kube-rs watch_object) is named: resourceNames apply
    let named = user("u-named", &[]);
    for (query, allowed) in [
        ("fieldSelector=metadata.name%3Da", true),
        ("&fieldSelector=metadata.name%3Db&limit=1", true),
        ("fieldSelector=metadata.name%3Dc", false),
        ("fieldSelector=metadata.name%3Da&watch=true", false),
    ] {
        let got = rbac.check(&named, "GET", "/api/v1/namespaces/x/configmaps", Some(query)).0;
        assert_eq!(got, allowed, "{query}");
    }
}

#[test]
#[rustfmt::skip]
fn role_binding_to_cluster_role_is_namespaced() {
    let rbac = Rbac {
        cluster_roles: vec![cluster_role("cm-reader", json!([
            {"apiGroups": [""], "resources": ["configmaps"], "verbs": ["get", "list"]},
            {"nonResourceURLs": ["/metrics"], "verbs": ["get"]}
        ]))],
        role_bindings: vec![
            role_binding("team", "read", "ClusterRole", "cm-reader", json!([{"kind": "User", "name": "alice"}])),
            role_binding("team", "edit", "ClusterRole", "edit", json!([{"kind": "Group", "name": "editors"}])),
            role_binding("team", "view", "ClusterRole", "view", json!([{"kind": "ServiceAccount", "name": "bot"}])),
        ],
        ..Rbac::default()
    };
    let alice = UserInfo::new("alice", &["system:authenticated"]);
    assert_eq!(
        rbac.check(&alice, "GET", "/api/v1/namespaces/team/configmaps", None),
        (true, r#"RBAC: allowed by RoleBinding "read/team" of ClusterRole "cm-reader" to User "alice""#.into())
    );
    assert!(!rbac.check(&alice, "GET", "/api/v1/namespaces/other/configmaps", None).0);
    assert!(!rbac.check(&alice, "GET", "/api/v1/configmaps", None).0);
    // nonResourceURLs are only honoured through ClusterRoleBindings
    assert!(!rbac.check(&alice, "GET", "/metrics", None).0);

    // the built-in aggregated `edit` through a RoleBinding
    let ed = UserInfo::new("ed", &["editors", "system:authenticated"]);
    for (m, p, ok) in [
        ("POST", "/apis/apps/v1/namespaces/team/deployments", true),
        ("GET", "/api/v1/namespaces/team/secrets/s", true),
        ("GET", "/apis/apps/v1/namespaces/team/deployments", true),
        ("POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/team/roles", false),
        ("POST", "/apis/apps/v1/namespaces/other/deployments", false),
        ("PATCH", "/apis/apps/v1/namespaces/team/deployments/d/status", false),
    ] {
        assert_eq!(rbac.check(&ed, m, p, None).0, ok, "{m} {p}");
    }
    // a ServiceAccount subject without namespace defaults to the binding's namespace
    let bot = UserInfo::service_account("team", "bot");
    assert_eq!(
        rbac.check(&bot, "GET", "/api/v1/namespaces/team/pods", None),
        (true, r#"RBAC: allowed by RoleBinding "view/team" of ClusterRole "view" to ServiceAccount "bot/team""#.into())
    );
    assert!(!rbac.check(&bot, "GET", "/api/v1/namespaces/team/secrets", None).0, "view excludes secrets");
    let other_bot = UserInfo::service_account("elsewhere", "bot");
    assert!(!rbac.check(&other_bot, "GET", "/api/v1/namespaces/team/pods", None).0);
    let fake = UserInfo::new("system:serviceaccount:team:bot:x", &[]);
    assert!(!rbac.check(&fake, "GET", "/api/v1/namespaces/team/pods", None).0);
}

#[test]
#[rustfmt::skip]
fn service_account_subjects_in_cluster_role_bindings() {
    let rbac = Rbac {
        cluster_role_bindings: vec![
            cluster_role_binding("sa-view", "view", json!([{"kind": "ServiceAccount", "name": "viewer", "namespace": "demo"}])),
            cluster_role_binding("sa-no-ns", "cluster-admin", json!([{"kind": "ServiceAccount", "name": "viewer"}])),
            cluster_role_binding("all-sas", "system:monitoring", json!([{"kind": "Group", "name": "system:serviceaccounts:demo"}])),
        ],
        ..Rbac::default()
    };
    let u = sa_viewer();
    assert_eq!(
        rbac.check(&u, "GET", "/api/v1/pods", None),
        (true, r#"RBAC: allowed by ClusterRoleBinding "sa-view" of ClusterRole "view" to ServiceAccount "viewer/demo""#.into())
    );
    assert!(!rbac.check(&u, "DELETE", "/api/v1/namespaces/demo/pods/p", None).0, "SA subject without namespace never matches cluster-wide");
    assert!(rbac.check(&u, "GET", "/metrics", None).0);
}

#[test]
#[rustfmt::skip]
fn missing_roles_give_reasons() {
    let u_subject = json!([{"kind": "User", "name": "u"}]);
    let rbac = Rbac {
        role_bindings: vec![
            role_binding("demo", "a", "Role", "gone", u_subject.clone()),
            role_binding("demo", "b", "ClusterRole", "missing", u_subject.clone()),
            role_binding("demo", "c", "ClusterRole", "missing", u_subject.clone()),
            role_binding("demo", "d", "Secret", "x", u_subject),
            role_binding("demo", "e", "ClusterRole", "missing", json!([{"kind": "User", "name": "someone-else"}])),
            role_binding("other", "f", "ClusterRole", "missing", json!([{"kind": "User", "name": "u"}])),
        ],
        cluster_role_bindings: vec![cluster_role_binding("z", "missing", json!([{"kind": "User", "name": "v"}]))],
        ..Rbac::default()
    };
    let u = UserInfo::new("u", &[]);
    let attrs = attributes_from_query("GET", "/api/v1/namespaces/demo/pods", None, &u);
    let d = rbac.authorize(&attrs);
    let reason = r#"RBAC: [role.rbac.authorization.k8s.io "gone" not found, clusterrole.rbac.authorization.k8s.io "missing" not found, unsupported role reference kind: "Secret"]"#;
    assert_eq!(d, Decision { allowed: false, reason: reason.into() });
    assert_eq!(
        forbidden_message(&attrs, &d.reason),
        format!(r#"pods is forbidden: User "u" cannot list resource "pods" in API group "" in the namespace "demo": {reason}"#)
    );
    let v = UserInfo::new("v", &[]);
    let attrs = attributes_from_query("GET", "/api/v1/nodes", None, &v);
    assert_eq!(
        forbidden_message(&attrs, &rbac.authorize(&attrs).reason),
        r#"nodes is forbidden: User "v" cannot list resource "nodes" in API group "" at the cluster scope: RBAC: clusterrole.rbac.authorization.k8s.io "missing" not found"#
    );
    // errors do not matter once a rule allows
    let mut ok = rbac;
    ok.cluster_role_bindings.push(cluster_role_binding("zz", "view", json!([{"kind": "User", "name": "u"}])));
    assert!(ok.check(&u, "GET", "/api/v1/namespaces/demo/pods", None).0);
}
