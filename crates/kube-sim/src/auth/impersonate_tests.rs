//! Impersonation headers.

use std::cell::RefCell;

use serde_json::json;

use super::*;

fn headers(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn alice() -> UserInfo {
    UserInfo::new("alice", &["devs", "system:authenticated"])
}

fn allow_all(_: &RequestAttributes) -> Decision {
    Decision {
        allowed: true,
        reason: String::new(),
    }
}

/// (group, resource, subresource, namespace, name, version) of one `impersonate` check.
type Check = (String, String, String, String, String, String);

/// Records every check and allows everything.
fn recording(log: &RefCell<Vec<Check>>) -> impl Fn(&RequestAttributes) -> Decision + '_ {
    move |a| {
        assert_eq!(a.user, alice(), "checks run as the real user");
        assert_eq!(a.verb, "impersonate");
        assert!(a.resource_request);
        log.borrow_mut().push((
            a.api_group.clone(),
            a.resource.clone(),
            a.subresource.clone(),
            a.namespace.clone(),
            a.name.clone(),
            a.api_version.clone(),
        ));
        allow_all(a)
    }
}

fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| x.to_string()).collect()
}

#[test]
fn no_headers_keeps_requester() {
    let u = impersonate(
        &alice(),
        &headers(&[("Accept", "application/json")]),
        |_| panic!("no checks expected"),
    );
    assert_eq!(u, Ok(alice()));
}

#[test]
fn allowed_identities() {
    type Row = (
        Vec<(&'static str, &'static str)>,
        &'static str,
        Vec<&'static str>,
        &'static str,
    );
    let rows: Vec<Row> = vec![
        (
            vec![("Impersonate-User", "jane")],
            "jane",
            vec!["system:authenticated"],
            "",
        ),
        (
            vec![
                ("impersonate-user", "jane"),
                ("Impersonate-Group", "g1"),
                ("IMPERSONATE-GROUP", "g2"),
            ],
            "jane",
            vec!["g1", "g2", "system:authenticated"],
            "",
        ),
        (
            vec![
                ("Impersonate-User", "jane"),
                ("Impersonate-Group", "system:authenticated"),
            ],
            "jane",
            vec!["system:authenticated"],
            "",
        ),
        (
            vec![
                ("Impersonate-User", "jane"),
                ("Impersonate-Group", "system:unauthenticated"),
            ],
            "jane",
            vec!["system:unauthenticated"],
            "",
        ),
        (
            vec![("Impersonate-User", "system:serviceaccount:demo:viewer")],
            "system:serviceaccount:demo:viewer",
            vec![
                "system:serviceaccounts",
                "system:serviceaccounts:demo",
                "system:authenticated",
            ],
            "",
        ),
        (
            vec![
                ("Impersonate-User", "system:serviceaccount:demo:viewer"),
                ("Impersonate-Group", "g"),
            ],
            "system:serviceaccount:demo:viewer",
            vec!["g", "system:authenticated"],
            "",
        ),
        (
            vec![("Impersonate-User", "system:anonymous")],
            "system:anonymous",
            vec!["system:unauthenticated"],
            "",
        ),
        (
            vec![
                ("Impersonate-User", "system:anonymous"),
                ("Impersonate-Group", "system:unauthenticated"),
            ],
            "system:anonymous",
            vec!["system:unauthenticated"],
            "",
        ),
        (
            vec![("Impersonate-User", "jane"), ("Impersonate-Uid", "u-1")],
            "jane",
            vec!["system:authenticated"],
            "u-1",
        ),
        // an invalid ServiceAccount form is just a user name
        (
            vec![("Impersonate-User", "system:serviceaccount:Demo:viewer")],
            "system:serviceaccount:Demo:viewer",
            vec!["system:authenticated"],
            "",
        ),
        // the first Impersonate-User wins
        (
            vec![("Impersonate-User", "a"), ("Impersonate-User", "b")],
            "a",
            vec!["system:authenticated"],
            "",
        ),
    ];
    for (hs, name, groups, uid) in rows {
        let u = impersonate(&alice(), &headers(&hs), allow_all).unwrap();
        assert_eq!(u.name, name, "{hs:?}");
        assert_eq!(u.groups, s(&groups), "{hs:?}");
        assert_eq!(u.uid, uid, "{hs:?}");
    }
}

#[test]
fn checks_each_attribute() {
    let log = RefCell::new(Vec::new());
    let hs = headers(&[
        ("Impersonate-User", "system:serviceaccount:demo:viewer"),
        ("Impersonate-Group", "g1"),
        ("Impersonate-Extra-Scopes", "view"),
        ("impersonate-extra-scopes", "edit"),
        ("Impersonate-Extra-Example.com%2fTeam", "blue"),
        ("Impersonate-Extra-Bad%zz", "x"),
        ("Impersonate-Uid", "1234"),
    ]);
    let u = impersonate(&alice(), &hs, recording(&log)).unwrap();
    let row = |g: &str, r: &str, sub: &str, ns: &str, n: &str, v: &str| {
        (
            g.to_string(),
            r.to_string(),
            sub.to_string(),
            ns.to_string(),
            n.to_string(),
            v.to_string(),
        )
    };
    let auth = "authentication.k8s.io";
    assert_eq!(
        log.into_inner(),
        vec![
            row("", "serviceaccounts", "", "demo", "viewer", ""),
            row("", "groups", "", "", "g1", ""),
            row(auth, "userextras", "scopes", "", "view", "v1"),
            row(auth, "userextras", "scopes", "", "edit", "v1"),
            row(auth, "userextras", "example.com/team", "", "blue", "v1"),
            row(auth, "userextras", "bad%zz", "", "x", "v1"),
            row(auth, "uids", "", "", "1234", "v1"),
        ]
    );
    assert_eq!(u.name, "system:serviceaccount:demo:viewer");
    assert_eq!(u.groups, s(&["g1", "system:authenticated"]));
    assert_eq!(u.uid, "1234");
    assert_eq!(u.extra["scopes"], s(&["view", "edit"]));
    assert_eq!(u.extra["example.com/team"], s(&["blue"]));
}

#[test]
fn denied_messages() {
    let deny_on = |resource: &'static str| {
        move |a: &RequestAttributes| Decision {
            allowed: a.resource != resource,
            reason: String::new(),
        }
    };
    type Row<'a> = (Vec<(&'a str, &'a str)>, &'a str, &'a str, serde_json::Value);
    let rows: Vec<Row> = vec![
        (
            vec![("Impersonate-User", "jane")],
            "users",
            r#"users "jane" is forbidden: User "alice" cannot impersonate resource "users" in API group "" at the cluster scope"#,
            json!({"name": "jane", "kind": "users"}),
        ),
        (
            vec![("Impersonate-User", "system:serviceaccount:demo:viewer")],
            "serviceaccounts",
            r#"serviceaccounts "viewer" is forbidden: User "alice" cannot impersonate resource "serviceaccounts" in API group "" in the namespace "demo""#,
            json!({"name": "viewer", "kind": "serviceaccounts"}),
        ),
        (
            vec![
                ("Impersonate-User", "jane"),
                ("Impersonate-Group", "admins"),
            ],
            "groups",
            r#"groups "admins" is forbidden: User "alice" cannot impersonate resource "groups" in API group "" at the cluster scope"#,
            json!({"name": "admins", "kind": "groups"}),
        ),
        (
            vec![
                ("Impersonate-User", "jane"),
                ("Impersonate-Extra-Scopes", "view"),
            ],
            "userextras",
            r#"userextras.authentication.k8s.io "view" is forbidden: User "alice" cannot impersonate resource "userextras/scopes" in API group "authentication.k8s.io" at the cluster scope"#,
            json!({"name": "view", "group": "authentication.k8s.io", "kind": "userextras"}),
        ),
        (
            vec![("Impersonate-User", "jane"), ("Impersonate-Uid", "u1")],
            "uids",
            r#"uids.authentication.k8s.io "u1" is forbidden: User "alice" cannot impersonate resource "uids" in API group "authentication.k8s.io" at the cluster scope"#,
            json!({"name": "u1", "group": "authentication.k8s.io", "kind": "uids"}),
        ),
    ];
    for (hs, resource, msg, details) in rows {
        let err = impersonate(&alice(), &headers(&hs), deny_on(resource)).unwrap_err();
        assert_eq!(err.code(), 403);
        assert_eq!(err.to_string(), msg);
        let st = err.status();
        assert_eq!(st["message"], msg);
        assert_eq!(st["reason"], "Forbidden");
        assert_eq!(st["code"], 403);
        assert_eq!(st["details"], details);
    }
    // an authorizer reason is appended
    let err = impersonate(&alice(), &headers(&[("Impersonate-User", "jane")]), |_| {
        Decision {
            allowed: false,
            reason: "RBAC: clusterrole.rbac.authorization.k8s.io \"x\" not found".into(),
        }
    })
    .unwrap_err();
    assert!(err.to_string().ends_with(
        r#"at the cluster scope: RBAC: clusterrole.rbac.authorization.k8s.io "x" not found"#
    ));
}

#[test]
fn with_rbac() {
    let roles = vec![json!({"metadata": {"name": "impersonator"}, "rules": [
        {"apiGroups": [""], "resources": ["users"], "resourceNames": ["jane"], "verbs": ["impersonate"]},
        {"apiGroups": [""], "resources": ["serviceaccounts"], "verbs": ["impersonate"]}
    ]})];
    let bindings = vec![json!({"metadata": {"name": "alice-imp"},
        "roleRef": {"kind": "ClusterRole", "name": "impersonator"},
        "subjects": [{"kind": "User", "name": "alice"}]})];
    let authz = |a: &RequestAttributes| authorize(a, &[], &roles, &[], &bindings);
    assert!(impersonate(&alice(), &headers(&[("Impersonate-User", "jane")]), authz).is_ok());
    assert!(impersonate(&alice(), &headers(&[("Impersonate-User", "bob")]), authz).is_err());
    let sa = impersonate(
        &alice(),
        &headers(&[("Impersonate-User", "system:serviceaccount:demo:viewer")]),
        authz,
    )
    .unwrap();
    assert_eq!(sa, UserInfo::service_account("demo", "viewer"));
    // groups need their own grant
    let err = impersonate(
        &alice(),
        &headers(&[
            ("Impersonate-User", "jane"),
            ("Impersonate-Group", "system:masters"),
        ]),
        authz,
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"groups "system:masters" is forbidden: User "alice" cannot impersonate resource "groups" in API group "" at the cluster scope"#
    );
    // system:masters may impersonate anyone
    let admin = UserInfo::new(
        "kube-sim-admin",
        &["system:masters", "system:authenticated"],
    );
    let admin_authz = |a: &RequestAttributes| authorize(a, &[], &[], &[], &[]);
    let u = impersonate(
        &admin,
        &headers(&[
            ("Impersonate-User", "x"),
            ("Impersonate-Group", "system:masters"),
        ]),
        admin_authz,
    )
    .unwrap();
    assert_eq!(u.groups, s(&["system:masters", "system:authenticated"]));
}

#[test]
fn without_user_is_bad_request() {
    let rows: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (vec![("Impersonate-Group", "g1")], "requested [{Group  g1    }] without impersonating a user"),
        (vec![("Impersonate-User", ""), ("Impersonate-Group", "g1"), ("Impersonate-Group", "g2")],
            "requested [{Group  g1    } {Group  g2    }] without impersonating a user"),
        (vec![("Impersonate-Uid", "u1")], "requested [{UID  u1  authentication.k8s.io/v1  }] without impersonating a user"),
        (vec![("Impersonate-Extra-Scopes", "view")], "requested [{UserExtra  view  authentication.k8s.io/v1  scopes}] without impersonating a user"),
    ];
    for (hs, msg) in rows {
        let err = impersonate(&alice(), &headers(&hs), |_| {
            panic!("no checks before the header check")
        })
        .unwrap_err();
        assert_eq!(err.code(), 400);
        assert_eq!(err.to_string(), msg);
        assert_eq!(
            err.status(),
            json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                   "message": msg, "reason": "BadRequest", "code": 400})
        );
    }
}

#[test]
fn garbage_headers_never_panic() {
    let junk = [
        ("Impersonate-User", "\u{0}"),
        ("Impersonate-User", "system:serviceaccount:::"),
        ("Impersonate-Extra-", ""),
        ("Impersonate-Extra-%", "%"),
        ("Impersonate-Extra-\u{1f600}", "x"),
        ("Impersonate-Group", ""),
        ("", ""),
        ("Impersonate", "x"),
    ];
    for i in 0..junk.len() {
        for j in 0..junk.len() {
            let hs = headers(&[junk[i], junk[j]]);
            let _ = impersonate(&alice(), &hs, allow_all);
            let _ = impersonate(&UserInfo::default(), &hs, |a| {
                authorize(a, &[], &[], &[], &[])
            });
        }
    }
}
