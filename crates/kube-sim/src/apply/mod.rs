//! Server-side apply and managedFields (spec §3, §2.8): structured-merge-diff semantics over
//! `serde_json::Value`, with the layering of kube-apiserver's field manager
//! (`k8s.io/apimachinery/pkg/util/managedfields`). Pure: no I/O, no server types.
//!
//! # Entry points
//!
//! - [`apply`] / [`apply_with`] — `PATCH` with `application/apply-patch+yaml`: merges the
//!   applied configuration into the live object, prunes what the manager stopped applying,
//!   reports [`Conflicts`] with other managers (or takes their fields over with `force`),
//!   and returns the object with its new `metadata.managedFields` ([`ApplyResult`]).
//! - [`update`] / [`update_with`] — create, update and non-apply patch: the new
//!   managedFields (the writer owns every field it changed; others lose them; no
//!   conflicts).
//! - Building blocks: [`FieldSet`] (path trie, set algebra, FieldsV1 encoding),
//!   [`field_set`], [`compare`], [`merge()`], [`remove`], [`validate`], and
//!   [`ManagedFieldsEntry`].
//!
//! Types come from the server's schema model through [`TypeInfo`]; [`Untyped`] gives the
//! "deduced" typing of schemaless data.
//!
//! # What the caller does
//!
//! - Decode `metadata.managedFields` of the live object into `managed`
//!   ([`managed_fields_of`]); on apply, the body must have been decoded from YAML/JSON.
//! - Map [`ApplyError`] to a `Status` ([`ApplyError::status_code`]; conflicts render with
//!   [`Conflicts::to_status`]). A typed-conversion failure is reported by kube-apiserver as
//!   `failed to create typed patch object (<ns>/<name>; <group/version>, Kind=<Kind>): <msg>`.
//! - After apply: default, run the strategy (reset `status` on the main resource, `spec` on
//!   `/status`), validate, then store if [`ApplyResult::changed`]. Like upstream, maps and
//!   lists emptied by pruning are left `null`; kube-apiserver's Go decoding drops those of
//!   built-in kinds (omitempty), so the server may do the same for built-ins.
//! - After update: put the entries into the object ([`set_managed_fields`]).
//! - On create through [`update`], pass as `live` the empty object of the kind as
//!   kube-apiserver sees it (Go zero value); fields already present there get no `".":{}`
//!   marker, exactly as in the recorded example of §2.8. For a Deployment:
//!   ```text
//!   {"metadata":{"creationTimestamp":null},"spec":{"selector":null,"strategy":{},
//!    "template":{"metadata":{"creationTimestamp":null},"spec":{"containers":null}}},
//!    "status":{}}
//!   ```
//!   `{}` is right for custom resources.
//!
//! # Upstream behaviour worth knowing
//!
//! - Apply entries are identified by (manager, operation, subresource) without the
//!   apiVersion (upstream `BuildManagerIdentifier`); Update entries include it.
//! - An apply that leaves the object unchanged does not touch its entry's `time`: a new
//!   co-owner applying identical values gets an entry without `time`.
//! - Manager `kubectl` gets the last-applied relief and annotation rewrite of §3.4 C.
//! - An object without managedFields gets a `before-first-apply` Update entry on its first
//!   apply (§3.4 D); Updates to such an object (e.g. after a `[{}]` reset) stay untracked.
//!
//! # Differences from upstream (deliberate)
//!
//! - One schema serves every apiVersion: managers recorded under other versions are
//!   compared without conversion.
//! - Values that do not fit their schema are treated as atomic leaves instead of failing the
//!   operation; list items that cannot be keyed make the list atomic.
//! - Conflicts are listed in a stable order (manager identity, then field).
//! - Recursion is bounded by [`MAX_DEPTH`]; nothing here panics on any input.

mod conflict;
mod fieldset;
pub(crate) mod gofmt;
mod lastapplied;
mod managers;
mod merge;
mod path;
mod typed;
mod validate;
mod value;
mod walk;
mod write;

#[cfg(test)]
#[path = "test_types.rs"]
mod test_types;

#[cfg(test)]
#[path = "fieldset_tests.rs"]
mod fieldset_tests;

#[cfg(test)]
#[path = "walk_tests.rs"]
mod walk_tests;

#[cfg(test)]
#[path = "test_server.rs"]
mod test_server;

#[cfg(test)]
#[path = "apply_tests.rs"]
mod apply_tests;

#[cfg(test)]
#[path = "apply_semantics_tests.rs"]
mod apply_semantics_tests;

#[cfg(test)]
#[path = "update_tests.rs"]
mod update_tests;

use serde_json::Value;

pub use conflict::{Conflict, ConflictCause, Conflicts};
pub use fieldset::{FieldSet, FieldsV1Error};
pub use gofmt::go_quote;
pub use lastapplied::LAST_APPLIED_ANNOTATION;
pub use managers::{
    is_reset, managed_fields_of, set_managed_fields, sort_entries, ManagedFieldsEntry,
    ANCIENT_CHANGES, BEFORE_FIRST_APPLY, FIELDS_V1, MAX_UPDATE_MANAGERS, OPERATION_APPLY,
    OPERATION_UPDATE,
};
pub use merge::{merge, remove};
pub use path::{path_string, Path, PathElement};
pub use typed::{ListType, MapType, ScalarKind, Shape, TypeInfo, Untyped};
pub use validate::validate;
pub use value::{go_compare, go_equal};
pub use walk::{compare, ensure_named_fields, field_set, reconcile_with_schema, Comparison};
pub use write::{apply_with, default_reset_fields, update_with, ApplyResult, Writer};

/// Maximum nesting depth the walks descend into; deeper parts are handled as leaves.
/// (`serde_json` refuses documents nested deeper than 128 levels, so this never affects
/// objects that came off the wire.)
pub const MAX_DEPTH: usize = 256;

/// Why an apply was rejected.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ApplyError {
    /// Other managers own fields the configuration sets to different values (409 `Conflict`,
    /// `details.causes` from [`Conflicts::causes`]).
    #[error("{0}")]
    Conflict(Conflicts),
    /// 400 `BadRequest`: `Incorrect version specified in apply patch. Specified patch version:
    /// apps/v1beta1, expected: apps/v1`, `metadata.managedFields must be nil`.
    #[error("{0}")]
    BadRequest(String),
    /// The configuration does not fit the schema (kube-apiserver: 500 without a reason,
    /// message `failed to create typed patch object (...): <this>`), e.g.
    /// `.spec.foo: field not declared in schema`.
    #[error("{0}")]
    InvalidObject(String),
    /// The live object's managedFields cannot be decoded (500):
    /// `failed to decode managed fields: ...`.
    #[error("{0}")]
    ManagedFields(String),
}

impl ApplyError {
    /// The HTTP status kube-apiserver answers with.
    pub fn status_code(&self) -> u16 {
        match self {
            ApplyError::Conflict(_) => 409,
            ApplyError::BadRequest(_) => 400,
            ApplyError::InvalidObject(_) | ApplyError::ManagedFields(_) => 500,
        }
    }
}

/// Server-side apply (§3.2) of `applied` by `manager` through the endpoint `api_version`
/// (+ `subresource`), over `live` (`None` when the object does not exist yet) whose
/// managedFields are `managed`; entry times are `now`. Reset fields are
/// [`default_reset_fields`]; use [`apply_with`] to choose them.
#[allow(clippy::too_many_arguments)]
pub fn apply(
    live: Option<&Value>,
    applied: &Value,
    managed: &[ManagedFieldsEntry],
    manager: &str,
    api_version: &str,
    subresource: Option<&str>,
    force: bool,
    types: &dyn TypeInfo,
    now: &str,
) -> Result<ApplyResult, ApplyError> {
    let writer = Writer::new(manager, api_version, subresource, now);
    apply_with(&writer, live, applied, managed, force, types)
}

/// The managedFields after a non-apply write (create, update, patch) by `manager`; see
/// [`update_with`] for the rules and [`apply`] for the parameters.
#[allow(clippy::too_many_arguments)]
pub fn update(
    live: &Value,
    new: &Value,
    managed: &[ManagedFieldsEntry],
    manager: &str,
    api_version: &str,
    subresource: Option<&str>,
    types: &dyn TypeInfo,
    now: &str,
) -> Vec<ManagedFieldsEntry> {
    let writer = Writer::new(manager, api_version, subresource, now);
    update_with(&writer, live, new, managed, types)
}
