//! JSON merge patch (RFC 7386, `application/merge-patch+json`, spec §4.2).
//!
//! Objects merge recursively, `null` deletes a member, every other value (arrays included)
//! replaces the old one. Follows `MergePatch` of `gopkg.in/evanphx/json-patch.v4`, which the
//! server uses, where it differs from the RFC text:
//!
//! - A value that is added (the member was absent or `null`) or that replaces a non-object has
//!   its `null` object members removed recursively, including inside objects nested in arrays
//!   (`null` array elements stay). A non-object value that replaces an *object* is taken
//!   verbatim.
//! - [`try_merge_patch`] rejects a patch that is `null` or a scalar
//!   ([`PatchError::InvalidMergePatch`], 400 upstream) and a `null` document
//!   ([`PatchError::InvalidMergeDocument`]); [`merge_patch`] follows RFC 7386 there. An array
//!   patch yields the (pruned) array, which the server then fails to decode as an object; any
//!   other non-object document is replaced by the pruned patch.

use serde_json::{Map, Value};

use super::{prune_nulls, PatchError, MAX_DEPTH};

/// Applies a JSON merge patch to `original` and returns the patched document.
///
/// Never fails, for callers that want plain RFC 7386: a `null` or scalar patch replaces the
/// document, and a non-object document counts as `{}`. Patch levels nested deeper than
/// [`MAX_DEPTH`] (which `serde_json` cannot produce from text) replace what they point at
/// instead of being merged. The server should use [`try_merge_patch`], which rejects what
/// upstream rejects.
pub fn merge_patch(original: &Value, patch: &Value) -> Value {
    apply(original, patch, false).unwrap_or_else(|_| patch.clone())
}

/// Applies a JSON merge patch like kube-apiserver: a `null`/scalar patch is
/// [`PatchError::InvalidMergePatch`] and a `null` document [`PatchError::InvalidMergeDocument`]
/// (both 400), nesting beyond [`MAX_DEPTH`] is [`PatchError::TooDeep`].
pub fn try_merge_patch(original: &Value, patch: &Value) -> Result<Value, PatchError> {
    apply(original, patch, true)
}

/// `strict` selects the upstream errors; otherwise nothing fails (see [`merge_patch`]).
fn apply(original: &Value, patch: &Value, strict: bool) -> Result<Value, PatchError> {
    match (original, patch) {
        (Value::Null, _) if strict => Err(PatchError::InvalidMergeDocument),
        (_, Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_)) => {
            if strict {
                Err(PatchError::InvalidMergePatch)
            } else {
                Ok(patch.clone())
            }
        }
        (Value::Object(doc), Value::Object(patch)) => {
            let mut doc = doc.clone();
            merge_members(&mut doc, patch, 0, strict)?;
            Ok(Value::Object(doc))
        }
        (_, patch) => {
            let mut result = patch.clone();
            prune(&mut result, 0, strict)?;
            Ok(result)
        }
    }
}

fn merge_members(
    doc: &mut Map<String, Value>,
    patch: &Map<String, Value>,
    depth: usize,
    strict: bool,
) -> Result<(), PatchError> {
    for (key, value) in patch {
        if value.is_null() {
            doc.remove(key);
            continue;
        }
        match doc.get_mut(key) {
            Some(current) if !current.is_null() => merge_value(current, value, depth + 1, strict)?,
            _ => {
                let mut value = value.clone();
                prune(&mut value, depth + 1, strict)?;
                doc.insert(key.clone(), value);
            }
        }
    }
    Ok(())
}

fn merge_value(
    current: &mut Value,
    patch: &Value,
    depth: usize,
    strict: bool,
) -> Result<(), PatchError> {
    if depth > MAX_DEPTH {
        if strict {
            return Err(PatchError::TooDeep { limit: MAX_DEPTH });
        }
        *current = patch.clone();
        return Ok(());
    }
    match (current, patch) {
        (Value::Object(doc), Value::Object(patch)) => merge_members(doc, patch, depth, strict),
        // An object replaced by a non-object: taken as is (no pruning), like upstream.
        (current @ Value::Object(_), patch) => {
            *current = patch.clone();
            Ok(())
        }
        (current, patch) => {
            let mut value = patch.clone();
            prune(&mut value, depth, strict)?;
            *current = value;
            Ok(())
        }
    }
}

/// Drops `null` object members; when not strict, stops quietly at the depth limit.
fn prune(value: &mut Value, depth: usize, strict: bool) -> Result<(), PatchError> {
    match prune_nulls(value, depth) {
        Err(err) if strict => Err(err),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// (name, original, patch, expected result)
    fn cases() -> Vec<(&'static str, Value, Value, Value)> {
        vec![
            (
                "kubectl label adds a label",
                json!({"metadata": {"name": "c", "labels": {"x": "y"}}}),
                json!({"metadata": {"labels": {"a": "b"}}}),
                json!({"metadata": {"name": "c", "labels": {"x": "y", "a": "b"}}}),
            ),
            (
                "null deletes a key",
                json!({"data": {"k": "v", "j": "w"}}),
                json!({"data": {"k": null}}),
                json!({"data": {"j": "w"}}),
            ),
            (
                "null for a missing key is a no-op",
                json!({"data": {"j": "w"}}),
                json!({"data": {"k": null}}),
                json!({"data": {"j": "w"}}),
            ),
            (
                "kubectl scale replaces a scalar",
                json!({"spec": {"replicas": 1, "paused": false}}),
                json!({"spec": {"replicas": 4}}),
                json!({"spec": {"replicas": 4, "paused": false}}),
            ),
            (
                "arrays are replaced whole",
                json!({"spec": {"containers": [{"name": "a"}, {"name": "b"}]}}),
                json!({"spec": {"containers": [{"name": "c"}]}}),
                json!({"spec": {"containers": [{"name": "c"}]}}),
            ),
            (
                "new object has its nulls pruned",
                json!({}),
                json!({"spec": {"a": 1, "b": null, "c": {"d": null}}}),
                json!({"spec": {"a": 1, "c": {}}}),
            ),
            (
                "null member in the document counts as absent",
                json!({"spec": null}),
                json!({"spec": {"a": 1, "b": null}}),
                json!({"spec": {"a": 1}}),
            ),
            (
                "added array: nulls pruned inside objects, kept as elements",
                json!({}),
                json!({"list": [null, {"a": null, "b": 1}]}),
                json!({"list": [null, {"b": 1}]}),
            ),
            (
                "object patch over a scalar is pruned",
                json!({"x": "s"}),
                json!({"x": {"a": null, "b": 2}}),
                json!({"x": {"b": 2}}),
            ),
            (
                "array replacing an object is taken verbatim",
                json!({"x": {"a": 1}}),
                json!({"x": [{"a": null}]}),
                json!({"x": [{"a": null}]}),
            ),
            (
                "array replacing an array is pruned",
                json!({"x": [1]}),
                json!({"x": [{"a": null}]}),
                json!({"x": [{}]}),
            ),
            (
                "empty object patch changes nothing",
                json!({"a": {"b": [1, 2]}}),
                json!({}),
                json!({"a": {"b": [1, 2]}}),
            ),
            (
                "empty object patch value merges into the existing object",
                json!({"a": {"b": 1}}),
                json!({"a": {}}),
                json!({"a": {"b": 1}}),
            ),
            (
                "array patch becomes the document",
                json!({"a": 1}),
                json!([{"b": null}, null]),
                json!([{}, null]),
            ),
            (
                "non-object document is replaced by the patch",
                json!([1, 2]),
                json!({"a": null, "b": 1}),
                json!({"b": 1}),
            ),
        ]
    }

    #[test]
    fn table() {
        for (name, original, patch, expected) in cases() {
            let before = original.clone();
            let got = try_merge_patch(&original, &patch).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(got, expected, "{name}");
            assert_eq!(merge_patch(&original, &patch), expected, "{name}: lenient");
            assert_eq!(original, before, "{name}: input modified");
        }
    }

    #[test]
    fn errors_and_lenient_fallbacks() {
        let doc = json!({"a": 1});
        for patch in [Value::Null, json!(1), json!("x"), json!(true)] {
            assert_eq!(
                try_merge_patch(&doc, &patch),
                Err(PatchError::InvalidMergePatch)
            );
            assert_eq!(
                merge_patch(&doc, &patch),
                patch,
                "RFC 7386: non-object patch replaces"
            );
        }
        let err = try_merge_patch(&Value::Null, &json!({}));
        assert_eq!(err, Err(PatchError::InvalidMergeDocument));
        assert_eq!(
            merge_patch(&Value::Null, &json!({"a": null, "b": 1})),
            json!({"b": 1})
        );
        assert_eq!(
            PatchError::InvalidMergePatch.to_string(),
            "Invalid JSON Patch"
        );
        assert_eq!(PatchError::InvalidMergePatch.status_code(), 400);
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let mut patch = json!(1);
        for _ in 0..(MAX_DEPTH + 10) {
            patch = json!({ "a": patch });
        }
        let too_deep = |r: Result<Value, PatchError>| matches!(r, Err(PatchError::TooDeep { .. }));
        assert!(too_deep(try_merge_patch(&json!({}), &patch)));
        assert!(too_deep(try_merge_patch(&patch, &patch)));
        assert_eq!(merge_patch(&json!({}), &patch), patch);
        assert_eq!(merge_patch(&patch, &patch), patch);
    }
}
