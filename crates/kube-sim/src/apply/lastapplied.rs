//! The two server-side pieces of the client-side → server-side apply migration for the
//! manager `kubectl` (§3.4 C; upstream `lastappliedmanager.go`, `lastappliedupdater.go`).

use serde_json::{Map, Value};

use super::fieldset::FieldSet;
use super::gofmt::go_json;
use super::typed::TypeInfo;
use super::validate::validate;
use super::walk::{compare, field_set};

/// The annotation client-side apply keeps its last configuration in.
pub const LAST_APPLIED_ANNOTATION: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// Total annotation size limit (`TotalAnnotationSizeLimitB`).
const ANNOTATIONS_SIZE_LIMIT: usize = 256 * 1024;

fn last_applied_of(object: &Value) -> Option<&str> {
    object
        .pointer("/metadata/annotations")?
        .get(LAST_APPLIED_ANNOTATION)?
        .as_str()
        .filter(|s| !s.is_empty())
}

/// The fields a `kubectl` apply may take over without a conflict: those of the live
/// object's last-applied configuration whose value is still the live one. `None` when there
/// is no usable annotation (missing, not JSON, another apiVersion, not valid for the type).
pub fn allowed_conflicts(
    live: &Value,
    api_version: &str,
    types: &dyn TypeInfo,
) -> Option<FieldSet> {
    let raw = last_applied_of(live)?;
    let last: Value = serde_json::from_str(raw).ok()?;
    if !last.is_object() || last.get("apiVersion").and_then(Value::as_str) != Some(api_version) {
        return None;
    }
    validate(live, types).ok()?;
    validate(&last, types).ok()?;
    let set = field_set(&last, types);
    let cmp = compare(Some(&last), Some(live), types);
    Some(
        set.difference(&cmp.modified)
            .difference(&cmp.added)
            .difference(&cmp.removed),
    )
}

/// After a successful apply by `kubectl`: if the result still carries a last-applied
/// annotation, it is replaced by the applied configuration (without that annotation), as
/// Go's JSON encoder writes it (sorted keys, trailing newline). The annotation is dropped
/// if it would push the annotations over 256 KiB.
pub fn rewrite_last_applied(object: &mut Value, applied: &Value) {
    if last_applied_of(object).is_none() {
        return;
    }
    let mut config = applied.clone();
    if let Some(meta) = config.get_mut("metadata").and_then(Value::as_object_mut) {
        let now_empty = match meta.get_mut("annotations").and_then(Value::as_object_mut) {
            Some(annotations) => {
                annotations.remove(LAST_APPLIED_ANNOTATION);
                annotations.is_empty()
            }
            None => false,
        };
        if now_empty {
            meta.remove("annotations");
        }
    }
    let encoded = format!("{}\n", go_json(&config));
    let Some(annotations) = object
        .pointer_mut("/metadata/annotations")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    annotations.insert(LAST_APPLIED_ANNOTATION.to_owned(), Value::String(encoded));
    if annotations_size(annotations) > ANNOTATIONS_SIZE_LIMIT {
        annotations.remove(LAST_APPLIED_ANNOTATION);
        if annotations.is_empty() {
            if let Some(meta) = object.get_mut("metadata").and_then(Value::as_object_mut) {
                meta.remove("annotations");
            }
        }
    }
}

fn annotations_size(annotations: &Map<String, Value>) -> usize {
    annotations
        .iter()
        .map(|(k, v)| k.len() + v.as_str().map_or(0, str::len))
        .sum()
}
