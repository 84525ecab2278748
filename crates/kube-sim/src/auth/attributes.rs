//! Request attributes: what kube-apiserver's RequestInfo derives from method, path and
//! query (spec §7.3), plus the requesting user.

use super::util::{percent_decode, query_pairs};
use super::UserInfo;

/// The authorization attributes of one request (`authorizer.Attributes`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequestAttributes {
    pub user: UserInfo,
    /// Kubernetes verb (`get`, `list`, `watch`, `create`, …) for resource requests; the
    /// lower-cased HTTP method for non-resource requests.
    pub verb: String,
    /// API group; empty for the core group and for non-resource requests.
    pub api_group: String,
    pub api_version: String,
    /// Plural resource (`pods`).
    pub resource: String,
    /// Subresource (`status`, `log`, `scale`), empty if none.
    pub subresource: String,
    pub namespace: String,
    pub name: String,
    /// The (percent-decoded) request path.
    pub path: String,
    /// False for non-resource paths (`/healthz`, `/version`, `/api`, `/apis/apps/v1`, …).
    pub resource_request: bool,
}

impl RequestAttributes {
    /// Attributes of a resource request, as SubjectAccessReview and impersonation build
    /// them (no path).
    pub fn resource(
        user: &UserInfo,
        verb: &str,
        api_group: &str,
        resource: &str,
        subresource: &str,
        namespace: &str,
        name: &str,
    ) -> Self {
        RequestAttributes {
            user: user.clone(),
            verb: verb.to_string(),
            api_group: api_group.to_string(),
            resource: resource.to_string(),
            subresource: subresource.to_string(),
            namespace: namespace.to_string(),
            name: name.to_string(),
            resource_request: true,
            ..RequestAttributes::default()
        }
    }

    /// Attributes of a non-resource request.
    pub fn non_resource(user: &UserInfo, verb: &str, path: &str) -> Self {
        RequestAttributes {
            user: user.clone(),
            verb: verb.to_string(),
            path: path.to_string(),
            ..RequestAttributes::default()
        }
    }

    /// `resource` or `resource/subresource`.
    pub fn combined_resource(&self) -> String {
        if self.subresource.is_empty() {
            self.resource.clone()
        } else {
            format!("{}/{}", self.resource, self.subresource)
        }
    }
}

/// Derives the attributes of a request the way kube-apiserver's RequestInfo does.
///
/// * `method`: the HTTP method (case-sensitive, as in Go).
/// * `path`: the URL path without query; percent-escapes are decoded.
/// * `query_watch`: whether the query asked for a watch (`watch` present and not `0`/`false`).
/// * `field_selector`: the raw (already query-unescaped) `fieldSelector` parameter; an exact
///   `metadata.name=X` term names the object of a list/watch.
///
/// Use [`attributes_from_query`] to have the query string parsed for you.
pub fn attributes(
    method: &str,
    path: &str,
    query_watch: bool,
    field_selector: Option<&str>,
    user: &UserInfo,
) -> RequestAttributes {
    let path = percent_decode(path, false);
    let mut a = RequestAttributes {
        user: user.clone(),
        verb: method.to_lowercase(),
        path: path.clone(),
        ..RequestAttributes::default()
    };
    let trimmed = path.trim_matches('/');
    let parts: Vec<&str> = if trimmed.is_empty() {
        Vec::new()
    } else {
        trimmed.split('/').collect()
    };
    if parts.len() < 3 || (parts[0] != "api" && parts[0] != "apis") {
        return a;
    }
    let mut cur = &parts[1..];
    if parts[0] == "apis" {
        if cur.len() < 3 {
            return a;
        }
        a.api_group = cur[0].to_string();
        cur = &cur[1..];
    }
    a.resource_request = true;
    a.api_version = cur[0].to_string();
    cur = &cur[1..];

    // `/{proxy,watch}/...` verbs in the path (deprecated, still served).
    if cur[0] == "proxy" || cur[0] == "watch" {
        a.verb = cur[0].to_string();
        if cur.len() < 2 {
            // kube-apiserver fails RequestInfo here (500); leave the resource empty so
            // authorization and routing reject it.
            return a;
        }
        cur = &cur[1..];
    } else {
        a.verb = match method {
            "POST" => "create",
            "GET" | "HEAD" => "get",
            "PUT" => "update",
            "PATCH" => "patch",
            "DELETE" => "delete",
            _ => "",
        }
        .to_string();
    }

    if cur[0] == "namespaces" && cur.len() > 1 {
        a.namespace = cur[1].to_string();
        // `namespaces/<ns>/status|finalize` are subresources of the namespace itself.
        if cur.len() > 2 && cur[2] != "status" && cur[2] != "finalize" {
            cur = &cur[2..];
        }
    }

    if cur.len() >= 3 && a.verb != "proxy" {
        a.subresource = cur[2].to_string();
    }
    if cur.len() >= 2 {
        a.name = cur[1].to_string();
    }
    a.resource = cur[0].to_string();

    if a.name.is_empty() && a.verb == "get" {
        a.verb = if query_watch { "watch" } else { "list" }.to_string();
        if let Some(name) = field_selector.and_then(exact_name_match) {
            if is_valid_path_segment(&name) {
                a.name = name;
            }
        }
    }
    if a.name.is_empty() && a.verb == "delete" {
        a.verb = "deletecollection".to_string();
    }
    a
}

/// Like [`attributes`], but takes the raw query string (without `?`, may be empty or
/// start with `&`).
pub fn attributes_from_query(
    method: &str,
    path: &str,
    query: Option<&str>,
    user: &UserInfo,
) -> RequestAttributes {
    let pairs = query.map(query_pairs).unwrap_or_default();
    let first = |key: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    };
    let watch = first("watch").is_some_and(|v| v != "0" && !v.eq_ignore_ascii_case("false"));
    attributes(method, path, watch, first("fieldSelector"), user)
}

/// The value of an exact `metadata.name=X` / `metadata.name==X` term of a field selector,
/// or `None` if there is none or the selector does not parse.
fn exact_name_match(selector: &str) -> Option<String> {
    let mut found = None;
    for term in split_unescaped_commas(selector) {
        if term.is_empty() {
            continue;
        }
        let (lhs, op, rhs) = split_term(term)?;
        let value = unescape_field_value(rhs)?;
        if found.is_none() && op != "!=" && lhs == "metadata.name" {
            found = Some(value);
        }
    }
    found
}

/// Splits on `,` not preceded by a backslash escape.
fn split_unescaped_commas(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut start, mut escaped) = (0, false);
    for (i, c) in s.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            ',' => {
                out.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out
}

/// First operator (`!=`, `==`, `=`) in the term, scanning left to right.
fn split_term(term: &str) -> Option<(&str, &str, &str)> {
    for (i, _) in term.char_indices() {
        let rest = &term[i..];
        for op in ["!=", "==", "="] {
            if let Some(rhs) = rest.strip_prefix(op) {
                return Some((&term[..i], op, rhs));
            }
        }
    }
    None
}

/// Field-selector value unescaping: `\\`, `\,`, `\=` only; bare `,`/`=` are errors.
fn unescape_field_value(s: &str) -> Option<String> {
    let mut out = String::with_capacity(s.len());
    let mut escaped = false;
    for c in s.chars() {
        if escaped {
            if !matches!(c, '\\' | ',' | '=') {
                return None;
            }
            out.push(c);
            escaped = false;
            continue;
        }
        match c {
            '\\' => escaped = true,
            ',' | '=' => return None,
            _ => out.push(c),
        }
    }
    (!escaped).then_some(out)
}

/// `path.IsValidPathSegmentName`: not `.`/`..`, no `/` or `%`.
fn is_valid_path_segment(name: &str) -> bool {
    name != "." && name != ".." && !name.contains('/') && !name.contains('%')
}
