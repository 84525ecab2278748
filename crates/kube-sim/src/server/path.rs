//! Parsing request paths into what they address.

/// What a resource path addresses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    pub group: String,
    pub version: String,
    /// The namespace in the path (`/namespaces/<ns>/...`), if any.
    pub namespace: Option<String>,
    pub resource: String,
    pub name: Option<String>,
    pub subresource: Option<String>,
}

/// A parsed request path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    /// `/version`
    Version,
    /// `/api`
    CoreGroups,
    /// `/apis`
    Groups,
    /// `/api/v1` or `/apis/<group>/<version>`
    GroupVersion {
        group: String,
        version: String,
    },
    /// `/apis/<group>`
    Group {
        group: String,
    },
    /// `/openapi/v3` or `/openapi/v3/<path>`
    OpenApiV3(Option<String>),
    /// `/openapi/v2`
    OpenApiV2,
    /// `/healthz`, `/readyz`, `/livez`
    Health,
    Resource(Target),
    Unknown,
}

/// Parses `path` (without the query string).
pub fn parse(path: &str) -> Route {
    let parts: Vec<&str> = path
        .trim_matches('/')
        .split('/')
        .filter(|p| !p.is_empty())
        .collect();
    match parts.as_slice() {
        ["version"] => Route::Version,
        ["healthz" | "readyz" | "livez", ..] => Route::Health,
        ["api"] => Route::CoreGroups,
        ["apis"] => Route::Groups,
        ["openapi", "v2"] => Route::OpenApiV2,
        ["openapi", "v3"] => Route::OpenApiV3(None),
        ["openapi", "v3", rest @ ..] => Route::OpenApiV3(Some(rest.join("/"))),
        ["api", version] => Route::GroupVersion {
            group: String::new(),
            version: (*version).into(),
        },
        ["apis", group] => Route::Group {
            group: (*group).into(),
        },
        ["apis", group, version] => Route::GroupVersion {
            group: (*group).into(),
            version: (*version).into(),
        },
        ["api", version, rest @ ..] => resource("", version, rest),
        ["apis", group, version, rest @ ..] => resource(group, version, rest),
        _ => Route::Unknown,
    }
}

fn resource(group: &str, version: &str, rest: &[&str]) -> Route {
    let target = |namespace: Option<&str>, rest: &[&str]| {
        let (resource, name, sub) = match rest {
            [r] => (r, None, None),
            [r, n] => (r, Some(n), None),
            [r, n, s] => (r, Some(n), Some(s)),
            _ => return Route::Unknown,
        };
        Route::Resource(Target {
            group: group.to_owned(),
            version: version.to_owned(),
            namespace: namespace.map(str::to_owned),
            resource: (*resource).to_owned(),
            name: name.map(|n| (*n).to_owned()),
            subresource: sub.map(|s| (*s).to_owned()),
        })
    };
    match rest {
        // `/namespaces/<ns>/<resource>...`, except the namespace's own subresources.
        ["namespaces", ns, resource, tail @ ..]
            if group.is_empty() && !matches!(*resource, "status" | "finalize")
                || !group.is_empty() =>
        {
            let mut r = vec![*resource];
            r.extend_from_slice(tail);
            target(Some(ns), &r)
        }
        _ => target(None, rest),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(group: &str, ns: Option<&str>, res: &str, name: Option<&str>, sub: Option<&str>) -> Route {
        Route::Resource(Target {
            group: group.into(),
            version: "v1".into(),
            namespace: ns.map(Into::into),
            resource: res.into(),
            name: name.map(Into::into),
            subresource: sub.map(Into::into),
        })
    }

    #[test]
    fn paths() {
        assert_eq!(
            parse("/api/v1/namespaces/demo/configmaps"),
            t("", Some("demo"), "configmaps", None, None)
        );
        assert_eq!(
            parse("/api/v1/namespaces/demo/pods/p/status"),
            t("", Some("demo"), "pods", Some("p"), Some("status"))
        );
        assert_eq!(
            parse("/api/v1/namespaces/demo"),
            t("", None, "namespaces", Some("demo"), None)
        );
        assert_eq!(
            parse("/api/v1/namespaces/demo/finalize"),
            t("", None, "namespaces", Some("demo"), Some("finalize"))
        );
        assert_eq!(
            parse("/api/v1/namespaces/demo/status"),
            t("", None, "namespaces", Some("demo"), Some("status"))
        );
        assert_eq!(
            parse("/api/v1/configmaps"),
            t("", None, "configmaps", None, None)
        );
        assert_eq!(
            parse("/apis/apps/v1/namespaces/demo/deployments/web/scale"),
            t(
                "apps",
                Some("demo"),
                "deployments",
                Some("web"),
                Some("scale")
            )
        );
        assert_eq!(
            parse("/apis/apps/v1"),
            Route::GroupVersion {
                group: "apps".into(),
                version: "v1".into()
            }
        );
        assert_eq!(
            parse("/api/v1"),
            Route::GroupVersion {
                group: "".into(),
                version: "v1".into()
            }
        );
        assert_eq!(
            parse("/openapi/v3/apis/apps/v1"),
            Route::OpenApiV3(Some("apis/apps/v1".into()))
        );
        assert_eq!(
            parse("/apis/apps/v1/namespaces/a/deployments/b/c/d"),
            Route::Unknown
        );
        assert_eq!(parse("/nope"), Route::Unknown);
    }
}
