//! Verb and attribute derivation for every method/path shape.

use super::*;

fn user() -> UserInfo {
    UserInfo::new("jane", &["devs"])
}

/// (method, path, query, verb, group, version, resource, subresource, namespace, name)
type Row = (
    &'static str,
    &'static str,
    Option<&'static str>,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

/// Resource requests: (method, path, query) → attributes.
#[rustfmt::skip]
const RESOURCE_ROWS: &[Row] = &[
    // core group: collection and item verbs
    ("GET", "/api/v1/namespaces/demo/pods", None, "list", "", "v1", "pods", "", "demo", ""),
    ("GET", "/api/v1/namespaces/demo/pods/p", None, "get", "", "v1", "pods", "", "demo", "p"),
    ("HEAD", "/api/v1/namespaces/demo/pods/p", None, "get", "", "v1", "pods", "", "demo", "p"),
    ("POST", "/api/v1/namespaces/demo/pods", None, "create", "", "v1", "pods", "", "demo", ""),
    ("PUT", "/api/v1/namespaces/demo/pods/p", None, "update", "", "v1", "pods", "", "demo", "p"),
    ("PATCH", "/api/v1/namespaces/demo/pods/p", None, "patch", "", "v1", "pods", "", "demo", "p"),
    ("DELETE", "/api/v1/namespaces/demo/pods/p", None, "delete", "", "v1", "pods", "", "demo", "p"),
    ("DELETE", "/api/v1/namespaces/demo/pods", None, "deletecollection", "", "v1", "pods", "", "demo", ""),
    ("OPTIONS", "/api/v1/namespaces/demo/pods", None, "", "", "v1", "pods", "", "demo", ""),
    // watch via query, including kube-rs's `?&watch=true`
    ("GET", "/api/v1/namespaces/demo/pods", Some("watch=true"), "watch", "", "v1", "pods", "", "demo", ""),
    ("GET", "/api/v1/namespaces/demo/configmaps", Some("&watch=true&timeoutSeconds=290&allowWatchBookmarks=true"), "watch", "", "v1", "configmaps", "", "demo", ""),
    ("GET", "/api/v1/pods", Some("watch=1"), "watch", "", "v1", "pods", "", "", ""),
    ("GET", "/api/v1/pods", Some("watch"), "watch", "", "v1", "pods", "", "", ""),
    ("GET", "/api/v1/pods", Some("watch=false"), "list", "", "v1", "pods", "", "", ""),
    ("GET", "/api/v1/pods", Some("watch=FALSE"), "list", "", "v1", "pods", "", "", ""),
    ("GET", "/api/v1/pods", Some("watch=0&watch=1"), "list", "", "v1", "pods", "", "", ""),
    ("GET", "/api/v1/pods", Some(""), "list", "", "v1", "pods", "", "", ""),
    // a watch query on a named GET stays a get
    ("GET", "/api/v1/namespaces/demo/pods/p", Some("watch=true"), "get", "", "v1", "pods", "", "demo", "p"),
    // single-object list/watch via fieldSelector (kubectl wait, kube-rs watch_object)
    ("GET", "/apis/apps/v1/namespaces/demo/deployments", Some("fieldSelector=metadata.name%3Dweb&watch=true"), "watch", "apps", "v1", "deployments", "", "demo", "web"),
    ("GET", "/apis/apps/v1/namespaces/demo/deployments", Some("&fieldSelector=metadata.name%3D%3Dweb&limit=500"), "list", "apps", "v1", "deployments", "", "demo", "web"),
    ("GET", "/api/v1/namespaces/demo/pods", Some("fieldSelector=status.phase%3DRunning,metadata.name%3Dp1"), "list", "", "v1", "pods", "", "demo", "p1"),
    ("GET", "/api/v1/namespaces/demo/pods", Some("fieldSelector=metadata.name!%3Dp1"), "list", "", "v1", "pods", "", "demo", ""),
    ("GET", "/api/v1/namespaces/demo/pods", Some("fieldSelector=metadata.name%3Da%2Fb"), "list", "", "v1", "pods", "", "demo", ""),
    ("GET", "/api/v1/namespaces/demo/pods", Some("fieldSelector=metadata.name%3D.."), "list", "", "v1", "pods", "", "demo", ""),
    ("GET", "/api/v1/namespaces/demo/pods", Some("fieldSelector=metadata.name%3Da%3Db"), "list", "", "v1", "pods", "", "demo", ""),
    ("GET", "/api/v1/namespaces/demo/pods", Some("fieldSelector=bogus"), "list", "", "v1", "pods", "", "demo", ""),
    ("GET", "/api/v1/namespaces/demo/pods", Some("fieldSelector=metadata.name%3Dx%5C"), "list", "", "v1", "pods", "", "demo", ""),
    ("GET", "/api/v1/namespaces/demo/pods", Some("fieldSelector=metadata.name%3Da%5C%2Cb"), "list", "", "v1", "pods", "", "demo", "a,b"),
    ("DELETE", "/api/v1/namespaces/demo/pods", Some("fieldSelector=metadata.name%3Dp"), "deletecollection", "", "v1", "pods", "", "demo", ""),
    // named groups, subresources
    ("PATCH", "/apis/apps/v1/namespaces/demo/deployments/web/status", None, "patch", "apps", "v1", "deployments", "status", "demo", "web"),
    ("PUT", "/apis/apps/v1/namespaces/demo/deployments/web/scale", None, "update", "apps", "v1", "deployments", "scale", "demo", "web"),
    ("GET", "/api/v1/namespaces/demo/pods/p/log", None, "get", "", "v1", "pods", "log", "demo", "p"),
    ("POST", "/api/v1/namespaces/demo/serviceaccounts/sa/token", None, "create", "", "v1", "serviceaccounts", "token", "demo", "sa"),
    ("GET", "/api/v1/namespaces/demo/pods/p/proxy/x/y", None, "get", "", "v1", "pods", "proxy", "demo", "p"),
    ("POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", None, "create", "authorization.k8s.io", "v1", "selfsubjectaccessreviews", "", "", ""),
    ("GET", "/apis/example.com/v1/widgets", None, "list", "example.com", "v1", "widgets", "", "", ""),
    // cluster-scoped resources and namespaces themselves
    ("GET", "/api/v1/namespaces", None, "list", "", "v1", "namespaces", "", "", ""),
    ("POST", "/api/v1/namespaces", None, "create", "", "v1", "namespaces", "", "", ""),
    ("GET", "/api/v1/namespaces/x", None, "get", "", "v1", "namespaces", "", "x", "x"),
    ("DELETE", "/api/v1/namespaces/x", None, "delete", "", "v1", "namespaces", "", "x", "x"),
    ("PUT", "/api/v1/namespaces/x/status", None, "update", "", "v1", "namespaces", "status", "x", "x"),
    ("PUT", "/api/v1/namespaces/x/finalize", None, "update", "", "v1", "namespaces", "finalize", "x", "x"),
    ("GET", "/api/v1/nodes/n1", None, "get", "", "v1", "nodes", "", "", "n1"),
    ("GET", "/apis/rbac.authorization.k8s.io/v1/clusterroles/system:discovery", None, "get", "rbac.authorization.k8s.io", "v1", "clusterroles", "", "", "system:discovery"),
    ("GET", "/apis/rbac.authorization.k8s.io/v1/clusterroles/system%3Adiscovery", None, "get", "rbac.authorization.k8s.io", "v1", "clusterroles", "", "", "system:discovery"),
    // deprecated path verbs
    ("GET", "/api/v1/watch/namespaces/demo/pods", None, "watch", "", "v1", "pods", "", "demo", ""),
    ("GET", "/api/v1/watch/namespaces/demo/pods/p", None, "watch", "", "v1", "pods", "", "demo", "p"),
    ("GET", "/api/v1/proxy/namespaces/demo/pods/p/x", None, "proxy", "", "v1", "pods", "", "demo", "p"),
    ("GET", "/api/v1/watch", None, "watch", "", "v1", "", "", "", ""),
    // trailing slash
    ("GET", "/api/v1/namespaces/demo/pods/", None, "list", "", "v1", "pods", "", "demo", ""),
];

#[test]
fn resource_requests() {
    for &(method, path, query, verb, group, version, resource, sub, ns, name) in RESOURCE_ROWS {
        let a = attributes_from_query(method, path, query, &user());
        let got = (
            a.verb.as_str(),
            a.api_group.as_str(),
            a.api_version.as_str(),
            a.resource.as_str(),
            a.subresource.as_str(),
            a.namespace.as_str(),
            a.name.as_str(),
        );
        assert_eq!(
            got,
            (verb, group, version, resource, sub, ns, name),
            "{method} {path}?{query:?}"
        );
        assert!(a.resource_request, "{method} {path}");
        assert_eq!(a.user, user());
    }
}

#[test]
fn non_resource_requests() {
    for (method, path, verb) in [
        ("GET", "/healthz", "get"),
        ("GET", "/readyz", "get"),
        ("GET", "/livez", "get"),
        ("GET", "/version", "get"),
        ("GET", "/version/", "get"),
        ("GET", "/api", "get"),
        ("GET", "/api/v1", "get"),
        ("GET", "/apis", "get"),
        ("GET", "/apis/apps", "get"),
        ("GET", "/apis/apps/v1", "get"),
        ("GET", "/openapi/v3", "get"),
        ("GET", "/openapi/v3/apis/apps/v1", "get"),
        ("GET", "/openapi/v2", "get"),
        ("HEAD", "/healthz", "head"),
        ("POST", "/healthz", "post"),
        ("GET", "/", "get"),
        ("GET", "", "get"),
        ("GET", "/foo/bar/baz/qux", "get"),
    ] {
        let a = attributes_from_query(method, path, Some("watch=true"), &user());
        assert!(!a.resource_request, "{path}");
        assert_eq!(a.verb, verb, "{path}");
        assert_eq!(a.path, path, "{path}");
        assert_eq!(
            (
                a.api_group.as_str(),
                a.resource.as_str(),
                a.namespace.as_str(),
                a.name.as_str()
            ),
            ("", "", "", ""),
            "{path}"
        );
    }
}

#[test]
fn direct_call_matches_query_form() {
    let a = attributes(
        "GET",
        "/apis/apps/v1/namespaces/demo/deployments",
        true,
        Some("metadata.name=web"),
        &user(),
    );
    assert_eq!((a.verb.as_str(), a.name.as_str()), ("watch", "web"));
    let a = attributes("GET", "/api/v1/pods", false, None, &user());
    assert_eq!(a.verb, "list");
    assert_eq!(a.path, "/api/v1/pods");
    assert_eq!(a.combined_resource(), "pods");
}

#[test]
fn garbage_never_panics() {
    let paths = [
        "",
        "/",
        "//",
        "///",
        "/api//",
        "/api///",
        "/apis///",
        "/api/v1/namespaces",
        "/api/v1/namespaces/",
        "/api/v1/namespaces//pods",
        "/api/v1/watch/",
        "/api/v1/proxy",
        "/apis/g/v/watch",
        "/apis/g/v/proxy/x",
        "/api/v1/%",
        "/api/v1/%ZZ/%e2%9c",
        "/api/\u{0}/\u{ffff}/x",
        "/apis/a/b/c/d/e/f/g/h/i/j",
    ];
    let queries = [
        None,
        Some(""),
        Some("&&&"),
        Some("="),
        Some("watch=%"),
        Some("fieldSelector=%3D%3D%3D"),
        Some("fieldSelector=,,,"),
        Some("fieldSelector=metadata.name"),
        Some(";;watch=true"),
    ];
    for method in ["GET", "POST", "PUT", "PATCH", "DELETE", "", "get", "BREW"] {
        for path in paths {
            for q in queries {
                let a = attributes_from_query(method, path, q, &UserInfo::default());
                if a.resource_request {
                    assert!(!a.api_version.is_empty() || path.contains("//"), "{path}");
                }
            }
        }
    }
}
