//! Bearer-token authentication.

use serde_json::json;

use super::*;

const ADMIN: &str = "admin-token-123";

#[test]
fn admin_token() {
    let a = Authenticator::new(ADMIN);
    let u = a.authenticate(Some("Bearer admin-token-123")).unwrap();
    assert_eq!(u.name, ADMIN_USER);
    assert_eq!(u.name, "kube-sim-admin");
    assert_eq!(u.groups, ["system:masters", "system:authenticated"]);
    assert!(u.uid.is_empty());
    // the scheme is case-insensitive, surrounding whitespace is trimmed, a third part is ignored
    for header in [
        "bearer admin-token-123",
        "BEARER admin-token-123",
        "  Bearer admin-token-123  ",
        "Bearer admin-token-123 trailing",
    ] {
        assert_eq!(a.authenticate(Some(header)), Ok(u.clone()), "{header}");
    }
}

#[test]
fn header_shapes() {
    let a = Authenticator::new(ADMIN);
    let anon = Ok(UserInfo::anonymous());
    let rows: &[(Option<&str>, Result<UserInfo, Unauthorized>)] = &[
        (None, anon.clone()),
        (Some(""), anon.clone()),
        (Some("   "), anon.clone()),
        (Some("Bearer"), anon.clone()),
        (Some("Bearer "), anon.clone()),
        (Some("Bearer  admin-token-123"), anon.clone()),
        (Some("Basic dXNlcjpwYXNz"), anon.clone()),
        (Some("Token admin-token-123"), anon.clone()),
        (Some("Bearer nope"), Err(Unauthorized)),
        (Some("Bearer admin-token-12"), Err(Unauthorized)),
        (Some("Bearer \u{0}\u{ffff}"), Err(Unauthorized)),
    ];
    for (header, want) in rows {
        assert_eq!(&a.authenticate(*header), want, "{header:?}");
    }
    let anon = UserInfo::anonymous();
    assert_eq!(anon.name, "system:anonymous");
    assert_eq!(anon.groups, ["system:unauthenticated"]);
}

#[test]
fn anonymous_disabled() {
    let mut a = Authenticator::new(ADMIN);
    a.anonymous_enabled = false;
    assert_eq!(a.authenticate(None), Err(Unauthorized));
    assert_eq!(a.authenticate(Some("Basic x")), Err(Unauthorized));
    assert!(a.authenticate(Some("Bearer admin-token-123")).is_ok());
}

#[test]
fn unauthorized_status_is_exact() {
    let want = r#"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}"#;
    let want: serde_json::Value = serde_json::from_str(want).unwrap();
    assert_eq!(Unauthorized.status(), want);
    assert_eq!(Unauthorized.to_string(), "Unauthorized");
    assert_eq!(Unauthorized::CODE, 401);
}

#[test]
fn service_account_tokens() {
    let mut a = Authenticator::new(ADMIN);
    let t1 = a.issue_service_account_token("demo", "viewer");
    let t2 = a.issue_service_account_token("demo", "viewer");
    let t3 = a.issue_service_account_token_with_uid("other", "builder", "uid-1");
    assert_ne!(t1, t2);
    assert_eq!(t1.len(), 64);
    assert!(t1.chars().all(|c| c.is_ascii_hexdigit()));

    let u = a.authenticate(Some(&format!("Bearer {t1}"))).unwrap();
    assert_eq!(u.name, "system:serviceaccount:demo:viewer");
    assert_eq!(
        u.groups,
        [
            "system:serviceaccounts",
            "system:serviceaccounts:demo",
            "system:authenticated"
        ]
    );
    let jti = &u.extra["authentication.kubernetes.io/credential-id"];
    assert_eq!(jti.len(), 1);
    assert!(
        jti[0].starts_with("JTI=") && jti[0].len() == 4 + 36,
        "{jti:?}"
    );

    let u3 = a.authenticate(Some(&format!("Bearer {t3}"))).unwrap();
    assert_eq!(u3.uid, "uid-1");
    assert_eq!(u3.name, "system:serviceaccount:other:builder");

    // deleting the ServiceAccount revokes its tokens only
    assert_eq!(a.revoke_service_account("demo", "viewer"), 2);
    assert_eq!(
        a.authenticate(Some(&format!("Bearer {t1}"))),
        Err(Unauthorized)
    );
    assert_eq!(
        a.authenticate(Some(&format!("Bearer {t2}"))),
        Err(Unauthorized)
    );
    assert!(a.authenticate(Some(&format!("Bearer {t3}"))).is_ok());
    assert!(a.authenticate(Some("Bearer admin-token-123")).is_ok());
    assert!(a.revoke_token(&t3));
    assert!(!a.revoke_token(&t3));
}

#[test]
fn static_tokens_get_authenticated_group_once() {
    let mut a = Authenticator::default();
    a.add_token("t1", UserInfo::new("alice", &["devs"]));
    a.add_token(
        "t2",
        UserInfo::new("bob", &["system:authenticated", "devs"]),
    );
    a.add_token("t3", UserInfo::new("carol", &["system:unauthenticated"]));
    let groups = |t: &str| a.authenticate(Some(&format!("Bearer {t}"))).unwrap().groups;
    assert_eq!(groups("t1"), ["devs", "system:authenticated"]);
    assert_eq!(groups("t2"), ["system:authenticated", "devs"]);
    assert_eq!(groups("t3"), ["system:unauthenticated"]);
}

#[test]
fn debug_hides_tokens() {
    let a = Authenticator::new("super-secret");
    let dbg = format!("{a:?}");
    assert!(!dbg.contains("super-secret"), "{dbg}");
    assert!(dbg.contains("tokens: 1"), "{dbg}");
}

#[test]
fn user_info_helpers() {
    assert_eq!(
        split_service_account_username("system:serviceaccount:demo:viewer"),
        Some(("demo", "viewer"))
    );
    for bad in [
        "system:serviceaccount:demo",
        "system:serviceaccount:demo:viewer:x",
        "system:serviceaccount::viewer",
        "system:serviceaccount:Demo:viewer",
        "system:serviceaccount:demo:",
        "serviceaccount:demo:viewer",
        "",
    ] {
        assert_eq!(split_service_account_username(bad), None, "{bad}");
    }
    let sa = UserInfo::service_account("demo", "viewer");
    assert!(sa.in_group("system:serviceaccounts:demo"));
    assert_eq!(json!(sa.groups).as_array().map(Vec::len), Some(3));
}
