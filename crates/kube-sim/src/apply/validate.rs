//! The checks upstream runs when it converts an applied object to a typed value
//! (`TypedValue.Validate`), with its messages.

use std::collections::BTreeSet;

use serde_json::Value;

use super::gofmt::{go_sharp_v, go_type_name, go_v};
use super::path::PathElement;
use super::typed::{item_element, item_type, ListType, ScalarKind, Shape, TypeInfo};
use super::MAX_DEPTH;

/// Checks `value` against `ty` the way upstream's typed conversion of an applied object does
/// (`TypedValue.Validate`): undeclared fields, scalar kinds, list item keys and duplicates.
/// The error text is upstream's (`.spec.foo: field not declared in schema`; several errors
/// as `errors:\n  a\n  b`).
pub fn validate(value: &Value, ty: &dyn TypeInfo) -> Result<(), String> {
    let mut errors = Vec::new();
    validate_at(value, ty, "", &mut errors, 0);
    match errors.len() {
        0 => Ok(()),
        1 => Err(errors.remove(0)),
        _ => Err(format!("errors:\n  {}", errors.join("\n  "))),
    }
}

fn push_error(errors: &mut Vec<String>, path: &str, message: String) {
    if path.is_empty() {
        errors.push(message);
    } else {
        errors.push(format!("{path}: {message}"));
    }
}

fn validate_at(value: &Value, ty: &dyn TypeInfo, path: &str, errors: &mut Vec<String>, d: usize) {
    if d > MAX_DEPTH {
        push_error(
            errors,
            path,
            format!("nested more than {MAX_DEPTH} levels deep"),
        );
        return;
    }
    if value.is_null() {
        return;
    }
    match ty.shape() {
        Shape::Untyped => validate_untyped(value, path, errors, d),
        Shape::Scalar(kind) => {
            let ok = match kind {
                ScalarKind::String => value.is_string(),
                ScalarKind::Numeric => value.is_number(),
                ScalarKind::Boolean => value.is_boolean(),
                ScalarKind::Any => !value.is_object() && !value.is_array(),
            };
            if !ok {
                let message = match kind {
                    ScalarKind::String => format!(
                        "expected string, got &value.valueUnstructured{{Value:{}}}",
                        go_sharp_v(value)
                    ),
                    ScalarKind::Numeric => format!(
                        "expected numeric (int or float), got {}",
                        go_type_name(value)
                    ),
                    ScalarKind::Boolean => format!("expected boolean, got &{{{}}}", go_v(value)),
                    ScalarKind::Any => format!("expected any scalar, got &{{{}}}", go_v(value)),
                };
                push_error(errors, path, message);
            }
        }
        Shape::Object => {
            let Value::Object(map) = value else {
                push_error(
                    errors,
                    path,
                    format!("expected map, got &{{{}}}", go_v(value)),
                );
                return;
            };
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            for key in keys {
                let child_path = format!("{path}.{key}");
                let child_ty = match ty.field(key).or_else(|| ty.additional()) {
                    Some(t) => t,
                    None => {
                        push_error(errors, &child_path, "field not declared in schema".into());
                        return;
                    }
                };
                if let Some(child) = map.get(key.as_str()) {
                    validate_at(child, &*child_ty, &child_path, errors, d + 1);
                }
            }
        }
        Shape::List => {
            let Value::Array(items) = value else {
                push_error(
                    errors,
                    path,
                    format!("expected list, got &{{{}}}", go_v(value)),
                );
                return;
            };
            validate_list(items, ty, path, errors, d);
        }
    }
}

fn validate_list(
    items: &[Value],
    ty: &dyn TypeInfo,
    path: &str,
    errors: &mut Vec<String>,
    d: usize,
) {
    let item_ty = item_type(ty);
    let list_type = match ty.list_type() {
        ListType::Atomic => None,
        other => Some(other),
    };
    let mut seen: BTreeSet<PathElement> = BTreeSet::new();
    for (i, item) in items.iter().enumerate() {
        let prefix = match &list_type {
            None => format!("[{i}]"),
            Some(lt) => match item_element(item, lt, &*item_ty) {
                Ok(pe) => {
                    let rendered = pe.to_string();
                    if !seen.insert(pe) {
                        push_error(
                            errors,
                            path,
                            format!("duplicate entries for key {rendered}"),
                        );
                    }
                    rendered
                }
                Err(e) => {
                    push_error(errors, path, format!("element {i}: {e}"));
                    return;
                }
            },
        };
        validate_at(item, &*item_ty, &format!("{path}{prefix}"), errors, d + 1);
    }
}

fn validate_untyped(value: &Value, path: &str, errors: &mut Vec<String>, d: usize) {
    // Deduced typing accepts everything; only the depth is bounded.
    let children: Vec<&Value> = match value {
        Value::Object(map) => map.values().collect(),
        Value::Array(items) => items.iter().collect(),
        _ => return,
    };
    for child in children {
        if d + 1 > MAX_DEPTH {
            push_error(
                errors,
                path,
                format!("nested more than {MAX_DEPTH} levels deep"),
            );
            return;
        }
        validate_untyped(child, path, errors, d + 1);
    }
}
