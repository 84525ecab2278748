//! Aggregation, bootstrap policy, 403 rendering, rule listing and garbage inputs.

use serde_json::json;

use super::rbac_tests::{
    cluster_role, cluster_role_binding, role_binding, sa_viewer, worked_example, Rbac,
};
use super::*;

#[test]
#[rustfmt::skip]
fn aggregation_and_overrides() {
    // a CRD role aggregating into `view`, a custom aggregated role, and an override of `edit`
    let mut crd_view = cluster_role("widgets-view", json!([{"apiGroups": ["example.com"], "resources": ["widgets"], "verbs": ["get", "list"]}]));
    crd_view["metadata"]["labels"] = json!({"rbac.authorization.k8s.io/aggregate-to-view": "true"});
    let mut custom = cluster_role("custom", json!([{"apiGroups": [""], "resources": ["pods"], "verbs": ["get"]}]));
    custom["aggregationRule"] = json!({"clusterRoleSelectors": [{"matchExpressions": [{"key": "team", "operator": "In", "values": ["a"]}]}]});
    let mut member = cluster_role("member", json!([{"apiGroups": [""], "resources": ["events"], "verbs": ["get"]}]));
    member["metadata"]["labels"] = json!({"team": "a"});
    let rbac = Rbac {
        cluster_roles: vec![crd_view.clone(), custom.clone(), member.clone(), cluster_role("edit", json!([]))],
        cluster_role_bindings: vec![
            cluster_role_binding("v", "view", json!([{"kind": "User", "name": "v"}])),
            cluster_role_binding("a", "admin", json!([{"kind": "User", "name": "a"}])),
            cluster_role_binding("c", "custom", json!([{"kind": "User", "name": "c"}])),
        ],
        ..Rbac::default()
    };
    let get = |u: &str, p: &str| rbac.check(&UserInfo::new(u, &[]), "GET", p, None).0;
    assert!(get("v", "/apis/example.com/v1/namespaces/x/widgets"));
    assert!(get("v", "/apis/apps/v1/deployments"));
    // the supplied `edit` (no labels, no aggregationRule) replaces the built-in one, so
    // admin no longer picks up edit's and view's rules
    assert!(!get("a", "/apis/example.com/v1/namespaces/x/widgets"));
    assert!(get("a", "/apis/rbac.authorization.k8s.io/v1/namespaces/x/roles"));
    // an aggregated role's own `rules` are replaced by the aggregate
    assert!(get("c", "/api/v1/namespaces/x/events/e"));
    assert!(!get("c", "/api/v1/namespaces/x/pods/p"));

    let all = vec![crd_view, custom.clone(), member];
    assert_eq!(aggregated_rules(&custom, &all), Some(vec![json!({"apiGroups": [""], "resources": ["events"], "verbs": ["get"]})]));
    assert_eq!(aggregated_rules(&all[0], &all), None);
}

#[test]
#[rustfmt::skip]
fn aggregation_cycles_terminate() {
    let mut a = cluster_role("a", json!([{"apiGroups": [""], "resources": ["pods"], "verbs": ["get"]}]));
    a["metadata"]["labels"] = json!({"x": "1"});
    a["aggregationRule"] = json!({"clusterRoleSelectors": [{"matchLabels": {"x": "1"}}]});
    let mut b = a.clone();
    b["metadata"]["name"] = json!("b");
    let all = vec![a.clone(), b];
    assert_eq!(aggregated_rules(&a, &all), Some(vec![json!({"apiGroups": [""], "resources": ["pods"], "verbs": ["get"]})]));
    // 40 roles all aggregating each other: each one is expanded once
    let many: Vec<_> = (0..40).map(|i| {
        let mut r = cluster_role(&format!("r{i:02}"), json!([{"apiGroups": [""], "resources": [format!("res{i}")], "verbs": ["get"]}]));
        r["metadata"]["labels"] = json!({"x": "1"});
        r["aggregationRule"] = json!({"clusterRoleSelectors": [{"matchLabels": {"x": "1"}}]});
        r
    }).collect();
    let start = std::time::Instant::now();
    let rules = aggregated_rules(&many[0], &many).unwrap_or_default();
    // r01..r39 expanded in turn; r00..r38 are met in progress and give their stored rules,
    // r39's own stored rules are never needed (it is only ever expanded)
    assert_eq!(rules.len(), 39);
    let rbac = Rbac { cluster_roles: many, cluster_role_bindings: vec![cluster_role_binding("b", "r00", json!([{"kind": "User", "name": "u"}]))], ..Rbac::default() };
    assert!(rbac.check(&UserInfo::new("u", &[]), "GET", "/api/v1/res7/x", None).0);
    assert!(start.elapsed() < std::time::Duration::from_secs(2));
}

#[test]
fn bootstrap_policy() {
    let roles = bootstrap_cluster_roles();
    let names: Vec<&str> = roles
        .iter()
        .filter_map(|r| r["metadata"]["name"].as_str())
        .collect();
    for want in [
        "cluster-admin",
        "admin",
        "edit",
        "view",
        "system:discovery",
        "system:basic-user",
        "system:public-info-viewer",
        "system:aggregate-to-view",
    ] {
        assert!(names.contains(&want), "{want}");
    }
    let rules_of = |n: &str| {
        let role = roles.iter().find(|r| r["metadata"]["name"] == n);
        role.map(|r| r["rules"].clone()).unwrap_or_default()
    };
    let count = |n: &str| rules_of(n).as_array().map(Vec::len).unwrap_or(0);
    assert!(!rules_of("view").to_string().contains("\"secrets\""));
    assert!(rules_of("edit").to_string().contains("\"secrets\""));
    assert!(count("admin") > count("edit") && count("edit") > count("view") && count("view") > 0);
    assert_eq!(
        roles
            .iter()
            .find(|r| r["metadata"]["name"] == "view")
            .map(|r| r["aggregationRule"].clone()),
        Some(
            json!({"clusterRoleSelectors": [{"matchLabels": {"rbac.authorization.k8s.io/aggregate-to-view": "true"}}]})
        )
    );
    let bindings = bootstrap_cluster_role_bindings();
    let b = bindings
        .iter()
        .find(|b| b["metadata"]["name"] == "system:public-info-viewer")
        .cloned()
        .unwrap_or_default();
    assert_eq!(b["subjects"][1]["name"], "system:unauthenticated");
    assert_eq!(b["roleRef"]["kind"], "ClusterRole");
    // stored copies behave like the built-ins
    let rbac = Rbac {
        cluster_roles: roles.clone(),
        cluster_role_bindings: bindings.clone(),
        ..Rbac::default()
    };
    let jane = UserInfo::new("jane", &["system:authenticated"]);
    assert!(rbac.check(&jane, "GET", "/openapi/v3", None).0);
}

#[test]
#[rustfmt::skip]
fn forbidden_rendering() {
    let u = UserInfo::new("jane", &[]);
    let a = |m: &str, p: &str| attributes_from_query(m, p, None, &u);
    let missing = "RBAC: clusterrole.rbac.authorization.k8s.io \"missing\" not found";
    let rows = [
        (a("GET", "/api/v1/namespaces/demo/secrets"), "", r#"secrets is forbidden: User "jane" cannot list resource "secrets" in API group "" in the namespace "demo""#, json!({"kind": "secrets"})),
        (a("GET", "/api/v1/namespaces/demo/secrets/s1"), "", r#"secrets "s1" is forbidden: User "jane" cannot get resource "secrets" in API group "" in the namespace "demo""#, json!({"name": "s1", "kind": "secrets"})),
        (a("GET", "/api/v1/namespaces"), "", r#"namespaces is forbidden: User "jane" cannot list resource "namespaces" in API group "" at the cluster scope"#, json!({"kind": "namespaces"})),
        (a("GET", "/api/v1/namespaces/x"), "", r#"namespaces "x" is forbidden: User "jane" cannot get resource "namespaces" in API group "" in the namespace "x""#, json!({"name": "x", "kind": "namespaces"})),
        (a("PATCH", "/apis/apps/v1/namespaces/demo/deployments/web/status"), "", r#"deployments.apps "web" is forbidden: User "jane" cannot patch resource "deployments/status" in API group "apps" in the namespace "demo""#, json!({"name": "web", "group": "apps", "kind": "deployments"})),
        (a("GET", "/healthz"), "", r#"forbidden: User "jane" cannot get path "/healthz""#, json!({})),
        (a("GET", "/api/v1/namespaces/demo/pods"), missing,
            r#"pods is forbidden: User "jane" cannot list resource "pods" in API group "" in the namespace "demo": RBAC: clusterrole.rbac.authorization.k8s.io "missing" not found"#, json!({"kind": "pods"})),
        (RequestAttributes::resource(&UserInfo::new("we\"ird\n", &[]), "get", "", "pods", "", "n\\s", "p"), "",
            r#"pods "p" is forbidden: User "we\"ird\n" cannot get resource "pods" in API group "" in the namespace "n\\s""#, json!({"name": "p", "kind": "pods"})),
    ];
    for (attrs, reason, msg, details) in rows {
        assert_eq!(forbidden_message(&attrs, reason), msg);
        assert_eq!(
            forbidden_status(&attrs, reason),
            json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                   "message": msg, "reason": "Forbidden", "details": details, "code": 403})
        );
    }
}

#[test]
#[rustfmt::skip]
fn rules_for_lists_bound_rules() {
    let (roles, role_bindings) = worked_example();
    let set = rules_for(&sa_viewer(), "demo", &roles, &[], &role_bindings, &[]);
    assert_eq!(set.evaluation_error, "");
    let text = json!(set.rules).to_string();
    assert!(text.contains("selfsubjectaccessreviews") && text.contains("pods/log") && text.contains("/api/*"), "{text}");
    assert_eq!(set.rules.last().map(|r| r["resourceNames"].clone()), Some(json!(["web"])));
    let elsewhere = rules_for(&sa_viewer(), "other", &roles, &[], &role_bindings, &[]);
    assert!(!json!(elsewhere.rules).to_string().contains("pods/log"));
    let broken = vec![role_binding("demo", "x", "Role", "nope", json!([{"kind": "Group", "name": "system:authenticated"}]))];
    let set = rules_for(&sa_viewer(), "demo", &[], &[], &broken, &[]);
    assert_eq!(set.evaluation_error, r#"role.rbac.authorization.k8s.io "nope" not found"#);
}

#[test]
#[rustfmt::skip]
fn garbage_objects_never_panic() {
    let junk = vec![
        json!(null), json!(1), json!("x"), json!([]), json!({}),
        json!({"metadata": 5, "rules": "x", "roleRef": [], "subjects": {}}),
        json!({"metadata": {"name": 1, "namespace": ["demo"]}, "subjects": [null, 1, {"kind": 2}], "roleRef": {"kind": "ClusterRole", "name": null}}),
        json!({"metadata": {"name": "view"}, "aggregationRule": {"clusterRoleSelectors": [null, 1, {"matchLabels": 3}]}}),
        json!({"metadata": {"name": "g", "namespace": "demo"}, "roleRef": {"kind": "Role", "name": "g"},
               "subjects": [{"kind": "Group", "name": "system:authenticated"}],
               "rules": [null, {"verbs": "*"}, {"verbs": [1, "*"], "apiGroups": [null], "resources": [{}]}]}),
    ];
    let users = [UserInfo::default(), UserInfo::anonymous(), sa_viewer(), UserInfo::new("", &["", "system:authenticated"])];
    for u in &users {
        for (m, p) in [("GET", "/api/v1/namespaces/demo/pods"), ("GET", "/healthz"), ("", ""), ("DELETE", "/apis/x/y/z")] {
            let attrs = attributes_from_query(m, p, None, u);
            let d = authorize(&attrs, &junk, &junk, &junk, &junk);
            let _ = forbidden_status(&attrs, &d.reason);
            let _ = rules_for(u, &attrs.namespace, &junk, &junk, &junk, &junk);
        }
    }
}
