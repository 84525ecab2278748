//! CustomResourceDefinition semantics of kube-apiserver (spec §5).
//!
//! Everything here works on plain JSON: a CRD object, the `openAPIV3Schema`
//! of one of its versions, and custom-resource objects, all as
//! [`serde_json::Value`]. The request pipeline for a custom resource is:
//!
//! 1. [`prune`] — drop fields the schema does not describe (the returned
//!    paths feed `fieldValidation=Strict` 400s and `Warn` headers), reduce
//!    `metadata` to `ObjectMeta` fields;
//! 2. [`apply_defaults`] — schema `default`s and null handling (also run on
//!    every read from storage);
//! 3. [`validate`] — OpenAPI v3 validation, embedded resources, list-type
//!    uniqueness, then `x-kubernetes-validations` CEL rules ([`cel`]); the
//!    causes go into a 422 `Invalid` Status built with [`invalid_message`].
//!
//! Writes to the `/status` subresource use [`validate_status`].
//!
//! CRD objects themselves are checked with [`validate_crd`] (names, versions,
//! structural schema rules, defaults, CEL compilation) after
//! [`default_crd`] filled the server-side defaults.
//!
//! Messages, reasons and field paths follow kube-apiserver 1.31–1.35
//! (`apiextensions-apiserver` + `kube-openapi`), including its quirks.
//! No function panics; recursion is bounded by [`MAX_DEPTH`].

pub mod cel;
mod cel_check;
mod cel_eval;
mod cel_funcs;
mod cel_lex;
mod cel_lib;
mod cel_parse;
mod crd_parts;
mod default;
mod fielderr;
mod formats;
mod meta;
mod names;
mod prune;
mod schema;
mod schema_check;
mod schema_defaults;
mod schema_lists;
mod schema_openapi;
mod structural;
mod validate;
mod validate_cel;
mod validate_extra;
mod validate_scalar;

pub use default::apply_defaults;
pub use prune::prune;
pub use structural::{default_crd, validate_crd};
pub use validate::{validate, validate_status};

/// Maximum nesting depth followed in objects and schemas; anything deeper is
/// left alone (pruning/defaulting) or reported (validation).
pub const MAX_DEPTH: usize = 200;

/// One `details.causes` entry of a Status: `reason` is the cause type
/// (`FieldValueInvalid`, ...), `message` the error without the field path
/// (`Invalid value: "x": ...`), `field` the path (`spec.url`, `<nil>` for the
/// root).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cause {
    pub reason: String,
    pub message: String,
    pub field: String,
}

impl Cause {
    /// The rendered `field.Error`: `<field>: <message>`.
    pub fn error_string(&self) -> String {
        format!("{}: {}", self.field, self.message)
    }
}

/// The message of a 422 Invalid Status:
/// `<Kind>.<group> "<name>" is invalid: <errors>`, where several distinct
/// errors are joined as `[a, b]` (duplicates are dropped, as
/// `ErrorList.ToAggregate` does). `kind_group` is `Kind.group` (just `Kind`
/// for the core group).
pub fn invalid_message(kind_group: &str, name: &str, causes: &[Cause]) -> String {
    let mut seen: Vec<String> = Vec::new();
    for c in causes {
        let s = c.error_string();
        if !seen.contains(&s) {
            seen.push(s);
        }
    }
    let head = format!("{kind_group} {} is invalid", fielderr::go_quote(name));
    match seen.len() {
        0 => head,
        1 => format!("{head}: {}", seen[0]),
        _ => format!("{head}: [{}]", seen.join(", ")),
    }
}

#[cfg(test)]
mod test_support;

#[cfg(test)]
#[path = "mod_tests.rs"]
mod tests;
