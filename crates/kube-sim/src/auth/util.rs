//! Small helpers shared by the auth modules: JSON field access, percent-decoding, name
//! validation and label selectors.

use serde_json::Value;

/// `v[key]` as a string, or `""`.
pub(crate) fn str_field<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

/// `v.metadata[key]` as a string, or `""`.
pub(crate) fn meta_str<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get("metadata").map(|m| str_field(m, key)).unwrap_or("")
}

/// `v[key]` as a list of strings; non-string items are skipped, anything else is empty.
pub(crate) fn str_list(v: &Value, key: &str) -> Vec<String> {
    match v.get(key) {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|i| i.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

/// Go's `%q` for a string (`strconv.Quote`).
pub(crate) use crate::apply::go_quote;

/// Decodes `%XX` escapes (and `+` as space when `plus_is_space`); invalid escapes are kept
/// literally, invalid UTF-8 is replaced.
pub(crate) fn percent_decode(s: &str, plus_is_space: bool) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex_val(bytes[i + 1]), hex_val(bytes[i + 2])) {
                out.push(h << 4 | l);
                i += 3;
                continue;
            }
        }
        out.push(if b == b'+' && plus_is_space { b' ' } else { b });
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `url.QueryUnescape` (`plus_is_space`) or `url.PathUnescape`: every `%` must start a
/// valid escape (else `None`).
pub(crate) fn unescape(s: &str, plus_is_space: bool) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let h = hex_val(*bytes.get(i + 1)?)?;
                let l = hex_val(*bytes.get(i + 2)?)?;
                out.push(h << 4 | l);
                i += 3;
            }
            b'+' if plus_is_space => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    Some(String::from_utf8_lossy(&out).into_owned())
}

/// Query parameters in order, as `url.ParseQuery` yields them: empty pairs, pairs with a
/// `;` and pairs with bad escapes are skipped (kube-rs sends `?&watch=true`).
pub(crate) fn query_pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty() && !p.contains(';'))
        .filter_map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            Some((unescape(k, true)?, unescape(v, true)?))
        })
        .collect()
}

fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// RFC 1123 label: 1–63 chars of `[a-z0-9-]`, alphanumeric at both ends.
pub(crate) fn is_dns1123_label(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 63
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
        && b[0] != b'-'
        && b[b.len() - 1] != b'-'
}

/// RFC 1123 subdomain: ≤ 253 chars, dot-separated labels.
pub(crate) fn is_dns1123_subdomain(s: &str) -> bool {
    !s.is_empty() && s.len() <= 253 && s.split('.').all(is_dns1123_label)
}

/// Whether a `metav1.LabelSelector` (as JSON) selects an object with `labels`.
/// `{}` selects everything; a malformed selector selects nothing.
pub(crate) fn label_selector_matches(selector: &Value, labels: Option<&Value>) -> bool {
    let Some(sel) = selector.as_object() else {
        return false;
    };
    let label = |k: &str| labels.and_then(|l| l.get(k)).and_then(Value::as_str);
    if let Some(ml) = sel.get("matchLabels") {
        let Some(ml) = ml.as_object() else {
            return ml.is_null();
        };
        for (k, v) in ml {
            if label(k) != v.as_str() || v.as_str().is_none() {
                return false;
            }
        }
    }
    if let Some(exprs) = sel.get("matchExpressions") {
        let Some(exprs) = exprs.as_array() else {
            return exprs.is_null();
        };
        for e in exprs {
            let key = str_field(e, "key");
            let values = str_list(e, "values");
            let have = label(key);
            let ok = match str_field(e, "operator") {
                "In" => have.is_some_and(|h| values.iter().any(|v| v == h)),
                "NotIn" => !have.is_some_and(|h| values.iter().any(|v| v == h)),
                "Exists" => have.is_some(),
                "DoesNotExist" => have.is_none(),
                _ => false,
            };
            if !ok {
                return false;
            }
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn percent_decoding() {
        for (input, plus, want) in [
            ("metadata.name%3Dweb", true, "metadata.name=web"),
            ("a+b", true, "a b"),
            ("a+b", false, "a+b"),
            ("%", true, "%"),
            ("%4", true, "%4"),
            ("%zz", true, "%zz"),
            ("%e2%9c%93", false, "\u{2713}"),
            ("%ff", false, "\u{fffd}"),
            ("", false, ""),
        ] {
            assert_eq!(percent_decode(input, plus), want, "{input}");
        }
    }

    #[test]
    fn query_parsing() {
        let q =
            query_pairs("&watch=true&&fieldSelector=metadata.name%3Dweb&bad=%zz&a;b=1&flag&x=a+b");
        let want: Vec<(String, String)> = [
            ("watch", "true"),
            ("fieldSelector", "metadata.name=web"),
            ("flag", ""),
            ("x", "a b"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        assert_eq!(q, want);
        assert!(query_pairs("").is_empty());
        assert_eq!(unescape("%4", true), None);
        assert_eq!(unescape("a+b%2F", false).as_deref(), Some("a+b/"));
    }

    #[test]
    fn go_quoting() {
        for (input, want) in [
            ("web", r#""web""#),
            ("a\"b\\c", r#""a\"b\\c""#),
            ("x\ny\u{1b}", r#""x\ny\x1b""#),
            ("\u{85}", r#""\u0085""#),
            ("ü", r#""ü""#),
        ] {
            assert_eq!(go_quote(input), want, "{input:?}");
        }
    }

    #[test]
    fn dns_names() {
        assert!(is_dns1123_label("demo"));
        assert!(!is_dns1123_label("Demo"));
        assert!(!is_dns1123_label("-x"));
        assert!(!is_dns1123_label(""));
        assert!(is_dns1123_subdomain("my.sa-1"));
        assert!(!is_dns1123_subdomain("a..b"));
    }

    #[test]
    fn selectors() {
        let labels = json!({"a": "1", "b": "2"});
        for (sel, want) in [
            (json!({}), true),
            (json!({"matchLabels": {"a": "1"}}), true),
            (json!({"matchLabels": {"a": "2"}}), false),
            (json!({"matchLabels": {"a": 1}}), false),
            (
                json!({"matchExpressions": [{"key": "b", "operator": "In", "values": ["2"]}]}),
                true,
            ),
            (
                json!({"matchExpressions": [{"key": "b", "operator": "NotIn", "values": ["2"]}]}),
                false,
            ),
            (
                json!({"matchExpressions": [{"key": "c", "operator": "DoesNotExist"}]}),
                true,
            ),
            (
                json!({"matchExpressions": [{"key": "c", "operator": "Exists"}]}),
                false,
            ),
            (
                json!({"matchExpressions": [{"key": "c", "operator": "Bogus"}]}),
                false,
            ),
            (json!({"matchExpressions": "x"}), false),
            (json!("garbage"), false),
        ] {
            assert_eq!(label_selector_matches(&sel, Some(&labels)), want, "{sel}");
        }
        assert!(!label_selector_matches(
            &json!({"matchLabels": {"a": "1"}}),
            None
        ));
    }
}
