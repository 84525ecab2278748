//! JSON patch (RFC 6902, `application/json-patch+json`, spec §4.3).
//!
//! Semantics are those of `gopkg.in/evanphx/json-patch.v4` (v4.13), which kube-apiserver uses,
//! where they differ from the RFC:
//!
//! - An object member whose value is `null` counts as absent when it is read: `test` of a
//!   missing or `null` member against `null` (or with no `value`) succeeds, and traversal
//!   through a `null` member fails as a missing path. `remove` of a `null` member works.
//! - `add`/`replace`/`test` without `value` use `null`.
//! - `replace` of a missing member of an existing object adds it (only a missing parent or an
//!   out-of-range index fails); `copy` from a missing member of an existing object copies
//!   `null`. `remove` of a missing member fails.
//! - Pointers are split on `/` and the part before the first `/` is ignored (`a/b` acts as
//!   `/b`); `""` addresses the whole document only for `replace` and `test`.
//! - Array indices are Go `strconv.Atoi` integers (`+1`, `01` accepted); negative indices
//!   count from the end (`-1` is the last element; for `add`, `-1` appends); `-` appends for
//!   `add` and is an invalid index elsewhere.
//! - At most [`MAX_JSON_PATCH_OPERATIONS`] operations (413 upstream) and
//!   [`MAX_JSON_PATCH_COPY_BYTES`] bytes copied by `copy` in total (the apiserver default of
//!   `--json-patch-max-copy-bytes`).
//!
//! Operations are applied to a copy; any failure returns the error and nothing is applied.

use serde_json::Value;

use super::{json_kind, PatchError};

/// Maximum number of operations in one JSON patch (kube-apiserver `maxJSONPatchOperations`).
pub const MAX_JSON_PATCH_OPERATIONS: usize = 10_000;

/// Maximum total size (bytes of compact JSON) that `copy` operations may add (3 MiB).
pub const MAX_JSON_PATCH_COPY_BYTES: usize = 3 * 1024 * 1024;

/// Applies the JSON patch `ops` (a JSON array of operation objects) to `original`.
///
/// A `null` body is an empty patch, as it is for upstream's decoder.
pub fn json_patch(original: &Value, ops: &Value) -> Result<Value, PatchError> {
    let ops = match ops {
        Value::Array(ops) => ops.as_slice(),
        Value::Null => &[],
        other => {
            return Err(PatchError::NotAnOperationList {
                found: json_kind(other),
            })
        }
    };
    if let Some(bad) = ops
        .iter()
        .find(|op| !matches!(op, Value::Object(_) | Value::Null))
    {
        return Err(PatchError::NotAnOperation {
            found: json_kind(bad),
        });
    }
    if ops.len() > MAX_JSON_PATCH_OPERATIONS {
        return Err(PatchError::TooManyOperations {
            limit: MAX_JSON_PATCH_OPERATIONS,
            count: ops.len(),
        });
    }
    if !matches!(original, Value::Object(_) | Value::Array(_)) {
        return Err(PatchError::InvalidDocument);
    }
    let mut doc = original.clone();
    let mut copied = 0usize;
    for op in ops {
        apply(&mut doc, op, &mut copied)?;
    }
    Ok(doc)
}

/// One operation, decoded the way v4 reads it lazily.
struct Op<'a> {
    name: String,
    raw: &'a Value,
}

impl Op<'_> {
    fn string(&self, field: &'static str) -> Result<&str, PatchError> {
        match self.raw.get(field) {
            Some(Value::String(s)) => Ok(s),
            _ => Err(PatchError::MissingOperationField {
                op: self.name.clone(),
                field,
            }),
        }
    }

    /// The `value` member; absent means `null`.
    fn value(&self) -> Value {
        self.raw.get("value").cloned().unwrap_or(Value::Null)
    }
}

fn apply(doc: &mut Value, raw: &Value, copied: &mut usize) -> Result<(), PatchError> {
    let name = match raw.get("op") {
        Some(Value::String(s)) => s.clone(),
        _ => "unknown".to_owned(),
    };
    let op = Op { name, raw };
    match op.name.as_str() {
        "add" => {
            let path = op.string("path")?;
            add(doc, &op.name, path, op.value())
        }
        "remove" => {
            let path = op.string("path")?;
            let (parent, key) = locate(doc, &op.name, path)?;
            remove(parent, &op.name, path, &key).map(drop)
        }
        "replace" => replace(doc, &op),
        "move" => {
            let from = op.string("from")?;
            let (parent, key) = locate_from(doc, &op.name, from)?;
            let value = remove(parent, &op.name, from, &key)?;
            let path = op.string("path")?;
            add(doc, &op.name, path, value)
        }
        "copy" => {
            let from = op.string("from")?;
            let (parent, key) = locate_from(doc, &op.name, from)?;
            let value = get(parent, &op.name, from, &key)?
                .cloned()
                .unwrap_or(Value::Null);
            let path = op.string("path")?;
            if !value.is_null() {
                *copied = copied.saturating_add(serde_json::to_vec(&value).map_or(0, |v| v.len()));
            }
            if *copied > MAX_JSON_PATCH_COPY_BYTES {
                return Err(PatchError::CopyTooLarge {
                    accumulated: *copied,
                    limit: MAX_JSON_PATCH_COPY_BYTES,
                });
            }
            add(doc, &op.name, path, value)
        }
        "test" => test(doc, &op),
        _ => Err(PatchError::UnknownOperation { op: op.name }),
    }
}

fn add(doc: &mut Value, op: &str, path: &str, value: Value) -> Result<(), PatchError> {
    let (parent, key) = locate(doc, op, path)?;
    match parent {
        Value::Object(map) => {
            map.insert(key, value);
            Ok(())
        }
        Value::Array(items) => {
            if key == "-" {
                items.push(value);
                return Ok(());
            }
            let index = parse_index(&key).ok_or_else(|| bad_index(op, path, &key))?;
            let size = items.len() as i64 + 1;
            let resolved = resolve(index, size).ok_or_else(|| invalid_index(op, path, index))?;
            items.insert(resolved, value);
            Ok(())
        }
        _ => Err(missing_path(op, path)),
    }
}

/// Removes and returns the member/element `key` of `parent`.
fn remove(parent: &mut Value, op: &str, path: &str, key: &str) -> Result<Value, PatchError> {
    match parent {
        Value::Object(map) => map.remove(key).ok_or_else(|| PatchError::NonexistentKey {
            op: op.to_owned(),
            path: path.to_owned(),
            key: key.to_owned(),
        }),
        Value::Array(items) => {
            let index = parse_index(key).ok_or_else(|| bad_index(op, path, key))?;
            let resolved =
                resolve(index, items.len() as i64).ok_or_else(|| invalid_index(op, path, index))?;
            Ok(items.remove(resolved))
        }
        _ => Err(missing_path(op, path)),
    }
}

/// Reads the member/element `key`; `Ok(None)` for a missing or `null` object member.
fn get<'a>(
    parent: &'a Value,
    op: &str,
    path: &str,
    key: &str,
) -> Result<Option<&'a Value>, PatchError> {
    match parent {
        Value::Object(map) => Ok(map.get(key).filter(|v| !v.is_null())),
        Value::Array(items) => {
            let index = parse_index(key).ok_or_else(|| bad_index(op, path, key))?;
            let resolved =
                resolve(index, items.len() as i64).ok_or_else(|| invalid_index(op, path, index))?;
            Ok(items.get(resolved).filter(|v| !v.is_null()))
        }
        _ => Err(missing_path(op, path)),
    }
}

fn replace(doc: &mut Value, op: &Op<'_>) -> Result<(), PatchError> {
    let path = op.string("path")?;
    let value = op.value();
    if path.is_empty() {
        if !matches!(value, Value::Object(_) | Value::Array(_)) {
            return Err(PatchError::InvalidRootReplacement);
        }
        *doc = value;
        return Ok(());
    }
    let (parent, key) = locate(doc, &op.name, path)?;
    get(parent, &op.name, path, &key)?;
    match parent {
        Value::Object(map) => {
            map.insert(key, value);
        }
        Value::Array(items) => {
            let index = parse_index(&key).ok_or_else(|| bad_index(&op.name, path, &key))?;
            let slot = resolve(index, items.len() as i64).and_then(|i| items.get_mut(i));
            *slot.ok_or_else(|| invalid_index(&op.name, path, index))? = value;
        }
        _ => return Err(missing_path(&op.name, path)),
    }
    Ok(())
}

fn test(doc: &mut Value, op: &Op<'_>) -> Result<(), PatchError> {
    let path = op.string("path")?;
    let expected = op.value();
    let failed = || PatchError::TestFailed {
        path: path.to_owned(),
    };
    if path.is_empty() {
        return if *doc == expected {
            Ok(())
        } else {
            Err(failed())
        };
    }
    let (parent, key) = locate(doc, &op.name, path)?;
    match get(parent, &op.name, path, &key)? {
        None if expected.is_null() => Ok(()),
        Some(actual) if *actual == expected => Ok(()),
        _ => Err(failed()),
    }
}

/// Resolves all but the last reference token of `path` to a container (object or array) and
/// returns it with the decoded last token. Missing/`null`/scalar parents fail.
fn locate<'a>(
    doc: &'a mut Value,
    op: &str,
    path: &str,
) -> Result<(&'a mut Value, String), PatchError> {
    walk(doc, path).ok_or_else(|| missing_path(op, path))
}

fn locate_from<'a>(
    doc: &'a mut Value,
    op: &str,
    from: &str,
) -> Result<(&'a mut Value, String), PatchError> {
    walk(doc, from).ok_or_else(|| PatchError::MissingFromPath {
        op: op.to_owned(),
        from: from.to_owned(),
    })
}

fn walk<'a>(doc: &'a mut Value, path: &str) -> Option<(&'a mut Value, String)> {
    let mut tokens = path.split('/');
    tokens.next()?; // v4 ignores whatever precedes the first '/'
    let mut tokens: Vec<&str> = tokens.collect();
    let last = decode_token(tokens.pop()?);
    let mut current = doc;
    for token in tokens {
        let token = decode_token(token);
        let next = match current {
            Value::Object(map) => map.get_mut(&token),
            Value::Array(items) => {
                let index = resolve(parse_index(&token)?, items.len() as i64)?;
                items.get_mut(index)
            }
            _ => None,
        }?;
        if !matches!(next, Value::Object(_) | Value::Array(_)) {
            return None;
        }
        current = next;
    }
    Some((current, last))
}

/// RFC 6901 unescaping: `~1` → `/`, then `~0` → `~`, scanning left to right.
fn decode_token(token: &str) -> String {
    let mut out = String::with_capacity(token.len());
    let mut chars = token.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, chars.peek()) {
            ('~', Some('1')) => {
                out.push('/');
                chars.next();
            }
            ('~', Some('0')) => {
                out.push('~');
                chars.next();
            }
            _ => out.push(c),
        }
    }
    out
}

/// Go `strconv.Atoi`: optional sign, ASCII digits, fits in an `i64`.
fn parse_index(token: &str) -> Option<i64> {
    let digits = token.strip_prefix(['+', '-']).unwrap_or(token);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    token.strip_prefix('+').unwrap_or(token).parse().ok()
}

/// Maps a possibly negative index onto `0..len`, or `None` when out of range.
fn resolve(index: i64, len: i64) -> Option<usize> {
    let resolved = if index < 0 {
        index.checked_add(len)?
    } else {
        index
    };
    if (0..len).contains(&resolved) {
        usize::try_from(resolved).ok()
    } else {
        None
    }
}

fn missing_path(op: &str, path: &str) -> PatchError {
    PatchError::MissingPath {
        op: op.to_owned(),
        path: path.to_owned(),
    }
}

fn invalid_index(op: &str, path: &str, index: i64) -> PatchError {
    PatchError::InvalidIndex {
        op: op.to_owned(),
        path: path.to_owned(),
        index,
    }
}

fn bad_index(op: &str, path: &str, token: &str) -> PatchError {
    PatchError::BadArrayIndex {
        op: op.to_owned(),
        path: path.to_owned(),
        token: token.to_owned(),
    }
}

#[cfg(test)]
#[path = "json_tests.rs"]
mod tests;
