//! SelfSubjectAccessReview, SelfSubjectRulesReview and SelfSubjectReview bodies.

use std::cell::RefCell;

use serde_json::{json, Value};

use super::*;

fn worked_example() -> (Vec<Value>, Vec<Value>) {
    let roles = vec![
        json!({"metadata": {"namespace": "demo", "name": "viewer"}, "rules": [
            {"apiGroups": [""], "resources": ["configmaps", "pods", "pods/log"], "verbs": ["get", "list", "watch"]},
            {"apiGroups": ["apps"], "resources": ["deployments"], "resourceNames": ["web"], "verbs": ["get", "patch"]}
        ]}),
    ];
    let bindings = vec![json!({"metadata": {"namespace": "demo", "name": "viewer"},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "viewer"},
        "subjects": [{"kind": "ServiceAccount", "name": "viewer", "namespace": "demo"}]})];
    (roles, bindings)
}

fn ssar(resource_attributes: Value) -> Value {
    json!({
        "kind": "SelfSubjectAccessReview",
        "apiVersion": "authorization.k8s.io/v1",
        "metadata": {"creationTimestamp": null},
        "spec": {"resourceAttributes": resource_attributes},
        "status": {"allowed": false}
    })
}

#[test]
fn can_i_as_impersonated_service_account() {
    // kubectl auth can-i list pods --as=system:serviceaccount:demo:viewer -n demo
    let (roles, bindings) = worked_example();
    let authz = |a: &RequestAttributes| authorize(a, &roles, &[], &bindings, &[]);
    let admin = UserInfo::new(
        "kube-sim-admin",
        &["system:masters", "system:authenticated"],
    );
    let hs = vec![(
        "Impersonate-User".to_string(),
        "system:serviceaccount:demo:viewer".to_string(),
    )];
    let user = impersonate(&admin, &hs, authz).unwrap();
    let request_attrs = attributes_from_query(
        "POST",
        "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
        None,
        &user,
    );
    assert!(
        authz(&request_attrs).allowed,
        "system:basic-user lets anyone authenticated ask"
    );

    let req = ssar(json!({"namespace": "demo", "verb": "list", "resource": "pods"}));
    let resp = self_subject_access_review(&user, &req, authz).unwrap();
    assert_eq!(
        resp,
        json!({
            "kind": "SelfSubjectAccessReview",
            "apiVersion": "authorization.k8s.io/v1",
            "metadata": {"creationTimestamp": null},
            "spec": {"resourceAttributes": {"namespace": "demo", "verb": "list", "resource": "pods"}},
            "status": {
                "allowed": true,
                "reason": "RBAC: allowed by RoleBinding \"viewer/demo\" of Role \"viewer\" to ServiceAccount \"viewer/demo\""
            }
        })
    );

    let req =
        ssar(json!({"namespace": "demo", "verb": "list", "resource": "secrets", "group": ""}));
    let resp = self_subject_access_review(&user, &req, authz).unwrap();
    assert_eq!(resp["status"], json!({"allowed": false}));
    assert_eq!(
        resp["spec"],
        json!({"resourceAttributes": {"namespace": "demo", "verb": "list", "resource": "secrets"}})
    );

    // the admin itself: allowed without a reason
    let resp = self_subject_access_review(&admin, &req, authz).unwrap();
    assert_eq!(resp["status"], json!({"allowed": true}));
}

#[test]
fn attributes_passed_to_authorizer() {
    let seen = RefCell::new(Vec::new());
    let user = UserInfo::new("jane", &["system:authenticated"]);
    let authz = |a: &RequestAttributes| {
        seen.borrow_mut().push(a.clone());
        Decision::default()
    };
    let req = json!({"spec": {"resourceAttributes": {
        "namespace": "demo", "verb": "patch", "group": "apps", "resource": "deployments",
        "subresource": "status", "name": "web", "unknown": "dropped",
        "fieldSelector": {"requirements": [{"key": "metadata.name", "operator": "In", "values": ["web"]}]}
    }}});
    let resp = self_subject_access_review(&user, &req, authz).unwrap();
    let a = seen.borrow()[0].clone();
    assert_eq!(
        a,
        RequestAttributes {
            api_version: "*".into(),
            ..RequestAttributes::resource(
                &user,
                "patch",
                "apps",
                "deployments",
                "status",
                "demo",
                "web"
            )
        }
    );
    assert!(resp["spec"]["resourceAttributes"].get("unknown").is_none());
    assert!(resp["spec"]["resourceAttributes"]
        .get("fieldSelector")
        .is_some());
    assert_eq!(resp["metadata"], json!({"creationTimestamp": null}));

    let req = json!({"metadata": {"name": "x"}, "spec": {"nonResourceAttributes": {"path": "/healthz", "verb": "get"}}});
    let resp = self_subject_access_review(&user, &req, authz).unwrap();
    assert_eq!(
        seen.borrow()[1],
        RequestAttributes::non_resource(&user, "get", "/healthz")
    );
    assert_eq!(
        resp["spec"],
        json!({"nonResourceAttributes": {"path": "/healthz", "verb": "get"}})
    );
    assert_eq!(
        resp["metadata"],
        json!({"name": "x", "creationTimestamp": null})
    );
    assert_eq!(resp["status"], json!({"allowed": false}));
}

#[test]
fn invalid_access_reviews() {
    let user = UserInfo::new("jane", &[]);
    let never = |_: &RequestAttributes| -> Decision { panic!("not evaluated") };
    let neither = self_subject_access_review(&user, &json!({"spec": {}}), never).unwrap_err();
    let msg = "SelfSubjectAccessReview.authorization.k8s.io \"\" is invalid: spec.resourceAttributes: Invalid value: \"null\": exactly one of nonResourceAttributes or resourceAttributes must be specified";
    assert_eq!(neither.code(), 422);
    assert_eq!(
        neither.status(),
        json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
               "message": msg, "reason": "Invalid",
               "details": {"group": "authorization.k8s.io", "kind": "SelfSubjectAccessReview",
                           "causes": [{"reason": "FieldValueInvalid",
                                       "message": "Invalid value: \"null\": exactly one of nonResourceAttributes or resourceAttributes must be specified",
                                       "field": "spec.resourceAttributes"}]},
               "code": 422})
    );
    let both = json!({"spec": {"resourceAttributes": {"verb": "get"}, "nonResourceAttributes": {"path": "/x", "verb": "get"}}});
    let err = self_subject_access_review(&user, &both, never).unwrap_err();
    assert_eq!(
        err.to_string(),
        "SelfSubjectAccessReview.authorization.k8s.io \"\" is invalid: spec.nonResourceAttributes: Invalid value: {\"path\":\"/x\",\"verb\":\"get\"}: cannot be specified in combination with resourceAttributes"
    );
    for garbage in [
        json!(null),
        json!("x"),
        json!([]),
        json!({"spec": 5}),
        json!({"spec": {"resourceAttributes": "pods"}}),
        json!({"spec": {"resourceAttributes": {"verb": 1}}}),
        json!({"spec": {"nonResourceAttributes": {"path": ["/"]}}}),
        json!({"spec": {"resourceAttributes": {"verb": "get", "labelSelector": "x"}}}),
    ] {
        let err = self_subject_access_review(&user, &garbage, never).unwrap_err();
        assert_eq!(err.code(), 400, "{garbage}");
        assert_eq!(err.status()["reason"], "BadRequest");
        assert!(err.to_string().starts_with(
            "SelfSubjectAccessReview in version \"v1\" cannot be handled as a SelfSubjectAccessReview: "
        ));
    }
}

#[test]
fn rules_review_shape() {
    let (roles, bindings) = worked_example();
    let user = UserInfo::service_account("demo", "viewer");
    let resolve = |ns: &str| rules_for(&user, ns, &roles, &[], &bindings, &[]);
    let req = json!({"kind": "SelfSubjectRulesReview", "apiVersion": "authorization.k8s.io/v1",
                     "metadata": {"creationTimestamp": null}, "spec": {"namespace": "demo"}});
    let resp = self_subject_rules_review(&req, resolve).unwrap();
    assert_eq!(resp["kind"], "SelfSubjectRulesReview");
    assert_eq!(resp["apiVersion"], "authorization.k8s.io/v1");
    assert_eq!(resp["metadata"], json!({"creationTimestamp": null}));
    assert_eq!(resp["spec"], json!({}));
    assert_eq!(resp["status"]["incomplete"], false);
    assert!(resp["status"].get("evaluationError").is_none());
    let rr = resp["status"]["resourceRules"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let nr = resp["status"]["nonResourceRules"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    // bootstrap cluster-wide rules first (basic-user), then the namespace's Role
    assert_eq!(
        rr,
        vec![
            json!({"verbs": ["create"], "apiGroups": ["authorization.k8s.io"], "resources": ["selfsubjectaccessreviews", "selfsubjectrulesreviews"]}),
            json!({"verbs": ["create"], "apiGroups": ["authentication.k8s.io"], "resources": ["selfsubjectreviews"]}),
            json!({"verbs": ["get", "list", "watch"], "apiGroups": [""], "resources": ["configmaps", "pods", "pods/log"]}),
            json!({"verbs": ["get", "patch"], "apiGroups": ["apps"], "resources": ["deployments"], "resourceNames": ["web"]}),
        ]
    );
    assert_eq!(
        nr.len(),
        3,
        "system:discovery, system:public-info-viewer, system:service-account-issuer-discovery"
    );
    assert_eq!(nr[0]["verbs"], json!(["get"]));
    assert!(nr[0]["nonResourceURLs"]
        .as_array()
        .is_some_and(|u| u.contains(&json!("/apis/*"))));

    // no namespace → 400
    for req in [
        json!({"spec": {}}),
        json!({}),
        json!({"spec": {"namespace": ""}}),
    ] {
        let err = self_subject_rules_review(&req, resolve).unwrap_err();
        assert_eq!(err.code(), 400);
        assert_eq!(
            err.status(),
            json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                   "message": "no namespace on request", "reason": "BadRequest", "code": 400})
        );
    }
    for garbage in [
        json!(7),
        json!({"spec": []}),
        json!({"spec": {"namespace": 1}}),
    ] {
        assert_eq!(
            self_subject_rules_review(&garbage, resolve)
                .unwrap_err()
                .code(),
            400
        );
    }
    // evaluation errors are reported, rules still listed
    let broken = |_: &str| RuleSet {
        rules: vec![
            json!({"verbs": ["get"], "nonResourceURLs": ["/x"]}),
            json!("junk"),
        ],
        evaluation_error: "role.rbac.authorization.k8s.io \"gone\" not found".into(),
    };
    let resp = self_subject_rules_review(&json!({"spec": {"namespace": "demo"}}), broken).unwrap();
    assert_eq!(
        resp["status"],
        json!({"resourceRules": [], "nonResourceRules": [{"verbs": ["get"], "nonResourceURLs": ["/x"]}],
               "incomplete": false, "evaluationError": "role.rbac.authorization.k8s.io \"gone\" not found"})
    );
}

#[test]
fn masters_rules_review_lists_everything() {
    let admin = UserInfo::new(
        "kube-sim-admin",
        &["system:masters", "system:authenticated"],
    );
    let resp = self_subject_rules_review(&json!({"spec": {"namespace": "default"}}), |ns| {
        rules_for(&admin, ns, &[], &[], &[], &[])
    })
    .unwrap();
    assert!(resp["status"]["resourceRules"].as_array().is_some_and(
        |r| r.contains(&json!({"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]}))
    ));
    assert!(resp["status"]["nonResourceRules"]
        .as_array()
        .is_some_and(|r| r.contains(&json!({"verbs": ["*"], "nonResourceURLs": ["*"]}))));
}

#[test]
fn whoami_shape() {
    let mut u = UserInfo::service_account("demo", "viewer");
    u.uid = "abc".into();
    u.extra.insert(
        "authentication.kubernetes.io/credential-id".into(),
        vec!["JTI=1".into()],
    );
    assert_eq!(
        self_subject_review(&u, "2025-01-02T03:04:05Z"),
        json!({
            "kind": "SelfSubjectReview",
            "apiVersion": "authentication.k8s.io/v1",
            "metadata": {"creationTimestamp": "2025-01-02T03:04:05Z"},
            "status": {"userInfo": {
                "username": "system:serviceaccount:demo:viewer",
                "uid": "abc",
                "groups": ["system:serviceaccounts", "system:serviceaccounts:demo", "system:authenticated"],
                "extra": {"authentication.kubernetes.io/credential-id": ["JTI=1"]}
            }}
        })
    );
    assert_eq!(
        self_subject_review(&UserInfo::anonymous(), "t")["status"],
        json!({"userInfo": {"username": "system:anonymous", "groups": ["system:unauthenticated"]}})
    );
    assert_eq!(
        self_subject_review(&UserInfo::default(), "t")["status"],
        json!({"userInfo": {}})
    );
}
