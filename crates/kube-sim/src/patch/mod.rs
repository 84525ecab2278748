//! The three non-apply patch types of kube-apiserver (spec §4), over `serde_json::Value`.
//!
//! - [`strategic_merge`] — `application/strategic-merge-patch+json` (§4.1), following
//!   `k8s.io/apimachinery/pkg/util/strategicpatch` as the server applies it
//!   (`StrategicMergeMapPatch`). Per-field list/map semantics come from a [`PatchMeta`] tree that
//!   the server's schema model supplies.
//! - [`try_merge_patch`] / [`merge_patch`] — `application/merge-patch+json` (RFC 7386, §4.2)
//!   with the null-pruning of `gopkg.in/evanphx/json-patch.v4` `MergePatch`; the `try_` form
//!   also rejects what upstream rejects, the other never fails.
//! - [`json_patch`] — `application/json-patch+json` (RFC 6902, §4.3) with the semantics of
//!   `gopkg.in/evanphx/json-patch.v4` where they differ from the RFC.
//!
//! All of them work on copies: the input values are never modified, and a failing patch leaves
//! nothing half-applied. None of them panics on any input; recursion is bounded by
//! [`MAX_DEPTH`] (deeper input gives [`PatchError::TooDeep`]).
//!
//! Everything in §4.4 (404 for a missing object, precondition checks on `metadata.uid` /
//! `metadata.resourceVersion`, validation, strict field validation, managedFields) is the
//! caller's job: these functions only compute the patched document. Results are not pruned to
//! the schema either; like upstream, a strategic patch can leave directive keys such as
//! `$retainKeys` inside newly added subtrees, which typed decoding drops.

pub mod json;
pub mod merge;
pub mod strategic;
mod util;

pub use json::{json_patch, MAX_JSON_PATCH_COPY_BYTES, MAX_JSON_PATCH_OPERATIONS};
pub use merge::{merge_patch, try_merge_patch};
pub use strategic::{strategic_merge, NoMeta, PatchMeta, PatchStrategy};

use util::{check_depth, go_fmt, go_type, json_kind, prune_nulls};

/// Maximum nesting depth (objects and arrays) the patch engines recurse into.
///
/// `serde_json` refuses to parse documents nested deeper than 128 levels, so this bound never
/// rejects a document that came off the wire; it only protects against hand-built values.
pub const MAX_DEPTH: usize = 256;

/// Why a patch could not be applied.
///
/// The `Display` text is meant for the `message` of the `Status` the server returns; where
/// upstream has a fixed wording it is reproduced (Go values are rendered the way Go's `%v`
/// prints decoded JSON, e.g. `map[name:a]`). [`PatchError::status_code`] gives the HTTP code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PatchError {
    // ----- shared -----
    /// The value being patched is not a JSON object (strategic merge) or not an object/array
    /// (JSON patch). Upstream `mergepatch.ErrBadJSONDoc`.
    #[error("invalid JSON document")]
    InvalidDocument,
    /// The patch or the document nests deeper than [`MAX_DEPTH`].
    #[error("patch or object is nested more than {limit} levels deep")]
    TooDeep {
        /// The depth limit that was exceeded.
        limit: usize,
    },

    // ----- JSON merge patch -----
    /// A merge patch body that is `null` or a scalar (json-patch v4 `ErrBadJSONPatch`).
    #[error("Invalid JSON Patch")]
    InvalidMergePatch,
    /// The document a merge patch is applied to is `null` (json-patch v4 `ErrBadJSONDoc`).
    #[error("Invalid JSON Document")]
    InvalidMergeDocument,

    // ----- JSON patch: decoding (400) -----
    /// The JSON patch body is not an array of operations.
    #[error("json: cannot unmarshal {found} into Go value of type jsonpatch.Patch")]
    NotAnOperationList {
        /// JSON type of the body (`object`, `string`, `number`, `bool`).
        found: &'static str,
    },
    /// An element of the JSON patch array is not an object.
    #[error("json: cannot unmarshal {found} into Go value of type jsonpatch.Operation")]
    NotAnOperation {
        /// JSON type of the offending element.
        found: &'static str,
    },
    /// More than [`MAX_JSON_PATCH_OPERATIONS`] operations; the server answers 413.
    #[error("The allowed maximum operations in a JSON patch is {limit}, got {count}")]
    TooManyOperations {
        /// The limit (10000).
        limit: usize,
        /// Number of operations in the patch.
        count: usize,
    },

    // ----- JSON patch: application (422) -----
    /// `op` is missing, not a string or not one of the six RFC 6902 operations.
    #[error("Unexpected kind: {op}")]
    UnknownOperation {
        /// The `op` value, or `unknown` when it is missing or not a string.
        op: String,
    },
    /// An operation lacks its `path` (or `from`) member, or it is not a string.
    #[error("{op} operation failed to decode {field}: missing value")]
    MissingOperationField {
        /// Operation name.
        op: String,
        /// `path` or `from`.
        field: &'static str,
    },
    /// The parent of `path` does not exist (or is a scalar); for `test`, the tested path.
    #[error("{op} operation does not apply: doc is missing path: \"{path}\": missing value")]
    MissingPath {
        /// Operation name.
        op: String,
        /// The JSON pointer from the operation.
        path: String,
    },
    /// The parent of the `from` pointer of `move`/`copy` does not exist.
    #[error("{op} operation does not apply: doc is missing from path: {from}: missing value")]
    MissingFromPath {
        /// Operation name.
        op: String,
        /// The `from` pointer.
        from: String,
    },
    /// `remove` (or the removal half of `move`) of an object member that does not exist.
    #[error(
        "error in {op} for path: '{path}': Unable to remove nonexistent key: {key}: missing value"
    )]
    NonexistentKey {
        /// Operation name.
        op: String,
        /// The JSON pointer.
        path: String,
        /// The decoded last reference token.
        key: String,
    },
    /// An array index outside the array (after resolving negative indices).
    #[error("error in {op} for path: '{path}': Unable to access invalid index: {index}: invalid index referenced")]
    InvalidIndex {
        /// Operation name.
        op: String,
        /// The JSON pointer.
        path: String,
        /// The index as written in the pointer.
        index: i64,
    },
    /// A reference token into an array that is not an integer (`-` is only valid for `add`).
    #[error("error in {op} for path: '{path}': value was not a proper array index: '{token}'")]
    BadArrayIndex {
        /// Operation name.
        op: String,
        /// The JSON pointer.
        path: String,
        /// The offending reference token.
        token: String,
    },
    /// A `test` operation found a different value.
    #[error("testing value {path} failed: test failed")]
    TestFailed {
        /// The tested pointer.
        path: String,
    },
    /// `replace` of the whole document (`path: ""`) with something other than an object/array.
    #[error("replace operation value must be object or array")]
    InvalidRootReplacement,
    /// `copy` operations together copied more than [`MAX_JSON_PATCH_COPY_BYTES`].
    #[error("Unable to complete the copy, the accumulated size increase of copy is {accumulated}, exceeding the limit {limit}")]
    CopyTooLarge {
        /// Bytes copied so far, including the failing operation.
        accumulated: usize,
        /// The limit.
        limit: usize,
    },

    // ----- strategic merge patch -----
    /// The strategic merge patch body is not a JSON object (nor `null`).
    #[error("json: cannot unmarshal {found} into Go value of type map[string]interface {{}}")]
    PatchNotAnObject {
        /// JSON type of the body.
        found: &'static str,
    },
    /// A `$patch` directive whose value is not a string.
    #[error("invalid value for special key: $patch")]
    InvalidDirectiveValue,
    /// A `$patch` directive with an unknown value (or `merge` inside a map).
    #[error("unknown patch type: {value} in map: {map}")]
    UnknownPatchType {
        /// The directive value.
        value: String,
        /// The map that carried it, Go-rendered.
        map: String,
    },
    /// `{"$patch": "merge"}` as a list item.
    #[error("merging lists cannot yet be specified in the patch")]
    MergeDirectiveInList,
    /// A list item (patch, live object or `$setElementOrder`) lacks the field's merge key.
    #[error("map: {map} does not contain declared merge key: {key}")]
    NoMergeKey {
        /// The item, Go-rendered.
        map: String,
        /// The merge key.
        key: String,
    },
    /// A value has the wrong JSON type for its position (e.g. `$setElementOrder` not a list).
    #[error("expected a {expected}, but received a {actual}")]
    BadArgType {
        /// Go type that was expected.
        expected: &'static str,
        /// Go type that was found.
        actual: &'static str,
    },
    /// An item of a list merged by key is not an object.
    #[error("value for key {index} is not a map")]
    NotAMap {
        /// Index of the item.
        index: usize,
    },
    /// A list with strategy `merge` whose items are lists.
    #[error("lists of lists are not supported")]
    ListOfLists,
    /// The items of a merged list (live and patch together) have different JSON types.
    #[error("list element types are not identical: {lists}")]
    MixedElementTypes {
        /// The lists, Go-rendered.
        lists: String,
    },
    /// `$setElementOrder` for a list that is empty in both the live object and the patch.
    #[error("no elements in any of the given slices")]
    NoElements,
    /// A list of objects with strategy `merge` but no merge key in its metadata.
    #[error("cannot merge lists without merge key for {field}")]
    NoMergeKeyDeclared {
        /// The list field.
        field: String,
    },
    /// A `$deleteFromPrimitiveList` key without `/<field>`.
    #[error("invalid patch format of primitive list")]
    BadPrimitiveListFormat,
    /// `$retainKeys` is not a list, or the patch sets a key that it does not list.
    #[error("invalid patch format of retainKeys")]
    BadRetainKeysFormat,
    /// A `$setElementOrder` key without `/<field>`.
    #[error("invalid patch format of setElementOrder list")]
    BadSetElementOrderFormat,
    /// The patch list's items do not appear in the order given by `$setElementOrder`.
    #[error("The order in patch list:\n{patch}\n doesn't match $setElementOrder list:\n{order}\n")]
    SetElementOrderMismatch {
        /// The patch list, Go-rendered.
        patch: String,
        /// The `$setElementOrder` list, Go-rendered.
        order: String,
    },
    /// Field metadata with an impossible strategy combination (e.g. `merge,replace`).
    #[error("unexpected patch strategy: [{strategies}]")]
    UnexpectedPatchStrategy {
        /// The strategies, space-separated.
        strategies: String,
    },
}

impl PatchError {
    /// HTTP status code for the `Status` response.
    ///
    /// - 400: undecodable bodies and the strategic-merge format errors upstream maps to
    ///   BadRequest (`interpretStrategicMergePatchError`); also, per spec §4.1, invalid `$patch`
    ///   values and `$setElementOrder` mismatches (upstream returns those as plain errors, i.e.
    ///   500 with no reason).
    /// - 413: [`PatchError::TooManyOperations`].
    /// - 422: every JSON patch application failure (upstream message is then the generic
    ///   `the server rejected our request due to an error in our request`) and
    ///   [`PatchError::ListOfLists`].
    /// - 500: the remaining strategic-merge errors, which upstream surfaces as plain errors.
    pub fn status_code(&self) -> u16 {
        use PatchError::*;
        match self {
            InvalidDocument | TooDeep { .. } | InvalidMergePatch | InvalidMergeDocument => 400,
            NotAnOperationList { .. } | NotAnOperation { .. } | PatchNotAnObject { .. } => 400,
            BadPrimitiveListFormat | BadRetainKeysFormat | BadSetElementOrderFormat => 400,
            InvalidDirectiveValue | UnknownPatchType { .. } | MergeDirectiveInList => 400,
            SetElementOrderMismatch { .. } => 400,
            TooManyOperations { .. } => 413,
            UnknownOperation { .. } | MissingOperationField { .. } | MissingPath { .. } => 422,
            MissingFromPath { .. } | NonexistentKey { .. } | InvalidIndex { .. } => 422,
            BadArrayIndex { .. } | TestFailed { .. } | InvalidRootReplacement => 422,
            CopyTooLarge { .. } | ListOfLists => 422,
            NoMergeKey { .. } | BadArgType { .. } | NotAMap { .. } | MixedElementTypes { .. } => {
                500
            }
            NoElements | NoMergeKeyDeclared { .. } | UnexpectedPatchStrategy { .. } => 500,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_codes() {
        assert_eq!(
            PatchError::TooManyOperations { limit: 1, count: 2 }.status_code(),
            413
        );
        assert_eq!(
            PatchError::TestFailed { path: "/a".into() }.status_code(),
            422
        );
        assert_eq!(PatchError::BadRetainKeysFormat.status_code(), 400);
        assert_eq!(PatchError::InvalidDirectiveValue.status_code(), 400);
        assert_eq!(PatchError::ListOfLists.status_code(), 422);
        assert_eq!(PatchError::NoElements.status_code(), 500);
        assert_eq!(
            PatchError::NoMergeKey {
                map: "map[image:x]".into(),
                key: "name".into()
            }
            .to_string(),
            "map: map[image:x] does not contain declared merge key: name"
        );
    }
}
