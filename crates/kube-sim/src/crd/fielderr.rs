//! `field.Error` equivalents: cause constructors, field-path helpers and the
//! Go-style rendering of bad values used by kube-apiserver in error messages.

use serde_json::Value;

use super::Cause;

/// The error types of apimachinery's `field.ErrorType`, with their cause
/// `reason` and the label used in the message body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ErrType {
    Required,
    Duplicate,
    Invalid,
    NotSupported,
    Forbidden,
    TooLong,
    TooMany,
    TypeInvalid,
}

impl ErrType {
    pub(crate) fn reason(self) -> &'static str {
        match self {
            ErrType::Required => "FieldValueRequired",
            ErrType::Duplicate => "FieldValueDuplicate",
            ErrType::Invalid => "FieldValueInvalid",
            ErrType::NotSupported => "FieldValueNotSupported",
            ErrType::Forbidden => "FieldValueForbidden",
            ErrType::TooLong => "FieldValueTooLong",
            ErrType::TooMany => "FieldValueTooMany",
            ErrType::TypeInvalid => "FieldValueTypeInvalid",
        }
    }

    pub(crate) fn label(self) -> &'static str {
        match self {
            ErrType::Required => "Required value",
            ErrType::Duplicate => "Duplicate value",
            ErrType::Invalid | ErrType::TypeInvalid => "Invalid value",
            ErrType::NotSupported => "Unsupported value",
            ErrType::Forbidden => "Forbidden",
            ErrType::TooLong => "Too long",
            ErrType::TooMany => "Too many",
        }
    }
}

/// Builds a cause. `value` is the already rendered bad value (`None` when the
/// error type does not print one, or the value is omitted).
pub(crate) fn cause(t: ErrType, field: &str, value: Option<String>, detail: &str) -> Cause {
    let mut message = t.label().to_string();
    if let Some(v) = value {
        message.push_str(": ");
        message.push_str(&v);
    }
    if !detail.is_empty() {
        message.push_str(": ");
        message.push_str(detail);
    }
    Cause {
        reason: t.reason().to_string(),
        message,
        field: if field.is_empty() {
            "<nil>".to_string()
        } else {
            field.to_string()
        },
    }
}

pub(crate) fn required(field: &str, detail: &str) -> Cause {
    cause(ErrType::Required, field, None, detail)
}

pub(crate) fn forbidden(field: &str, detail: &str) -> Cause {
    cause(ErrType::Forbidden, field, None, detail)
}

pub(crate) fn invalid(field: &str, value: &Value, detail: &str) -> Cause {
    cause(ErrType::Invalid, field, Some(go_value(value)), detail)
}

pub(crate) fn invalid_str(field: &str, value: &str, detail: &str) -> Cause {
    cause(ErrType::Invalid, field, Some(go_quote(value)), detail)
}

pub(crate) fn type_invalid(field: &str, value: &Value, detail: &str) -> Cause {
    cause(ErrType::TypeInvalid, field, Some(go_value(value)), detail)
}

pub(crate) fn duplicate(field: &str, value: &Value) -> Cause {
    cause(ErrType::Duplicate, field, Some(go_value(value)), "")
}

/// `field.NotSupported`: the supported values are quoted with `strconv.Quote`.
pub(crate) fn not_supported(field: &str, value: &Value, supported: &[String]) -> Cause {
    let detail = if supported.is_empty() {
        String::new()
    } else {
        let quoted: Vec<String> = supported.iter().map(|s| go_quote(s)).collect();
        format!("supported values: {}", quoted.join(", "))
    };
    cause(ErrType::NotSupported, field, Some(go_value(value)), &detail)
}

pub(crate) fn too_long(field: &str, max: i64) -> Cause {
    let detail = if max >= 0 {
        format!(
            "may not be more than {max} {}",
            if max == 1 { "byte" } else { "bytes" }
        )
    } else {
        "value is too long".to_string()
    };
    cause(ErrType::TooLong, field, None, &detail)
}

pub(crate) fn too_many(field: &str, actual: i64, max: i64) -> Cause {
    let detail = if max >= 0 {
        format!(
            "must have at most {max} {}",
            if max == 1 { "item" } else { "items" }
        )
    } else {
        "has too many items".to_string()
    };
    let value = (actual >= 0).then(|| actual.to_string());
    cause(ErrType::TooMany, field, value, &detail)
}

/// `path.Child(name)`: an empty parent is the nil root.
pub(crate) fn child(parent: &str, name: &str) -> String {
    if parent.is_empty() {
        name.to_string()
    } else {
        format!("{parent}.{name}")
    }
}

/// `path.Key(key)` (also `path.Index(i)` with the index rendered).
pub(crate) fn key(parent: &str, key: &str) -> String {
    format!("{parent}[{key}]")
}

pub(crate) fn index(parent: &str, i: usize) -> String {
    format!("{parent}[{i}]")
}

/// Renders a bad value like `field.Error.ErrorBody` does: numbers and bools
/// bare, strings quoted, everything else as (Go) JSON.
pub(crate) fn go_value(v: &Value) -> String {
    match v {
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                i.to_string()
            } else if let Some(u) = n.as_u64() {
                u.to_string()
            } else {
                go_float_v(n.as_f64().unwrap_or(0.0))
            }
        }
        Value::String(s) => go_quote(s),
        Value::Null | Value::Array(_) | Value::Object(_) => go_json(v),
    }
}

/// `strconv.Quote`.
pub(crate) use crate::apply::go_quote;
pub(crate) use crate::apply::gofmt::{go_float_v, go_json};
