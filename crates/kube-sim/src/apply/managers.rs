//! `metadata.managedFields`: the wire entry ([`ManagedFieldsEntry`]), manager identities,
//! decoding into field sets, encoding back in upstream's order, and the cap on Update
//! entries (`ancient-changes`).

use std::cmp::Ordering;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::fieldset::FieldSet;
use super::gofmt::{go_json_string_into, go_quote, unix_seconds};

/// `operation` of an entry written by server-side apply.
pub const OPERATION_APPLY: &str = "Apply";
/// `operation` of an entry written by create, update and non-apply patch.
pub const OPERATION_UPDATE: &str = "Update";
/// The only `fieldsType`.
pub const FIELDS_V1: &str = "FieldsV1";
/// Maximum number of Update entries kept; older ones merge into [`ANCIENT_CHANGES`].
pub const MAX_UPDATE_MANAGERS: usize = 10;
/// Manager name of the bucket holding the oldest Update entries.
pub const ANCIENT_CHANGES: &str = "ancient-changes";
/// Manager name of the entry synthesized for fields that existed before the first apply.
pub const BEFORE_FIRST_APPLY: &str = "before-first-apply";

/// One `metadata.managedFields` item (`metav1.ManagedFieldsEntry`); field order and
/// `omitempty` behaviour as in Go.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ManagedFieldsEntry {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub manager: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub operation: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub api_version: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub fields_type: String,
    #[serde(rename = "fieldsV1", default, skip_serializing_if = "Option::is_none")]
    pub fields_v1: Option<Value>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub subresource: String,
}

/// Who owns a set: entries with the same identity are one manager. Apply identities leave
/// out the apiVersion (upstream `BuildManagerIdentifier`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ManagerId {
    pub manager: String,
    pub applied: bool,
    /// Empty for Apply identities.
    pub api_version: String,
    pub subresource: String,
}

impl ManagerId {
    pub fn new(manager: &str, applied: bool, api_version: &str, subresource: &str) -> Self {
        Self {
            manager: manager.to_owned(),
            applied,
            api_version: if applied {
                String::new()
            } else {
                api_version.to_owned()
            },
            subresource: subresource.to_owned(),
        }
    }

    /// The identity as upstream spells it (the JSON of the entry without time and fields);
    /// managers are sorted by this string in conflict messages.
    pub fn key(&self) -> String {
        let mut out = String::from("{");
        let field = |name: &str, value: &str, out: &mut String| {
            if value.is_empty() {
                return;
            }
            if out.len() > 1 {
                out.push(',');
            }
            go_json_string_into(out, name);
            out.push(':');
            go_json_string_into(out, value);
        };
        field("manager", &self.manager, &mut out);
        field("operation", self.operation(), &mut out);
        field("apiVersion", &self.api_version, &mut out);
        field("subresource", &self.subresource, &mut out);
        out.push('}');
        out
    }

    pub fn operation(&self) -> &'static str {
        if self.applied {
            OPERATION_APPLY
        } else {
            OPERATION_UPDATE
        }
    }

    /// The manager as conflict messages name it: `"a"`, `"a" with subresource "status"`,
    /// `"kubectl-edit" using apps/v1`.
    pub fn describe(&self) -> String {
        let mut out = go_quote(&self.manager);
        if !self.subresource.is_empty() {
            out.push_str(&format!(
                " with subresource {}",
                go_quote(&self.subresource)
            ));
        }
        if !self.applied {
            out.push_str(&format!(" using {}", self.api_version));
        }
        out
    }
}

/// One manager's fields.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Owned {
    pub id: ManagerId,
    pub set: FieldSet,
    pub api_version: String,
}

/// All managers of an object, keyed by [`ManagerId::key`], with their times kept apart (a
/// time outlives its manager's fields within one operation, as upstream's does).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Managed {
    pub fields: BTreeMap<String, Owned>,
    pub times: BTreeMap<String, String>,
}

impl Managed {
    /// Decodes entries (upstream `DecodeManagedFields`); later duplicates win.
    pub fn decode(entries: &[ManagedFieldsEntry]) -> Result<Managed, String> {
        let mut out = Managed::default();
        for (i, e) in entries.iter().enumerate() {
            let applied = match e.operation.as_str() {
                OPERATION_APPLY => true,
                OPERATION_UPDATE => false,
                _ => return Err("operation must be `Apply` or `Update`".to_owned()),
            };
            if e.api_version.is_empty() {
                return Err("apiVersion must not be empty".to_owned());
            }
            match e.fields_type.as_str() {
                FIELDS_V1 => {}
                "" => return Err(format!("missing fieldsType in managed fields entry {i}")),
                other => {
                    return Err(format!(
                        "invalid fieldsType {} in managed fields entry {i}",
                        go_quote(other)
                    ))
                }
            }
            let set = match &e.fields_v1 {
                Some(v) => FieldSet::from_fields_v1(v)
                    .map_err(|err| format!("error decoding set: {err}"))?,
                None => FieldSet::new(),
            };
            let id = ManagerId::new(&e.manager, applied, &e.api_version, &e.subresource);
            let key = id.key();
            match &e.time {
                Some(t) => out.times.insert(key.clone(), t.clone()),
                None => out.times.remove(&key),
            };
            let api_version = e.api_version.clone();
            out.fields.insert(
                key,
                Owned {
                    id,
                    set,
                    api_version,
                },
            );
        }
        Ok(out)
    }

    /// Encodes the managers as entries in upstream's order: operation, time (seconds),
    /// manager, apiVersion, subresource.
    pub fn encode(&self) -> Vec<ManagedFieldsEntry> {
        let mut out: Vec<ManagedFieldsEntry> = self
            .fields
            .iter()
            .map(|(key, owned)| ManagedFieldsEntry {
                manager: owned.id.manager.clone(),
                operation: owned.id.operation().to_owned(),
                api_version: owned.api_version.clone(),
                time: self.times.get(key).cloned(),
                fields_type: FIELDS_V1.to_owned(),
                fields_v1: Some(owned.set.to_fields_v1()),
                subresource: owned.id.subresource.clone(),
            })
            .collect();
        sort_entries(&mut out);
        out
    }

    /// Inserts or replaces a manager's set.
    pub fn put(&mut self, id: ManagerId, set: FieldSet, api_version: &str) {
        let api_version = api_version.to_owned();
        self.fields.insert(
            id.key(),
            Owned {
                id,
                set,
                api_version,
            },
        );
    }

    /// Drops managers whose set is empty.
    pub fn drop_empty(&mut self) {
        self.fields.retain(|_, owned| !owned.set.is_empty());
    }

    fn seconds(&self, key: &str) -> i64 {
        self.times
            .get(key)
            .and_then(|t| unix_seconds(t))
            .unwrap_or(0)
    }

    /// Merges the oldest Update managers into one `ancient-changes` entry per apiVersion
    /// while there are more than `max` of them (upstream `capManagersManager`).
    pub fn cap_updates(&mut self, max: usize) {
        let mut updaters: Vec<String> = self
            .fields
            .iter()
            .filter(|(_, o)| !o.id.applied)
            .map(|(k, _)| k.clone())
            .collect();
        if updaters.len() <= max {
            return;
        }
        updaters.sort_by(|a, b| self.seconds(a).cmp(&self.seconds(b)).then_with(|| a.cmp(b)));
        let mut length = updaters.len();
        let mut first_of_version: BTreeMap<String, String> = BTreeMap::new();
        for key in updaters {
            if length <= max {
                break;
            }
            let Some(owned) = self.fields.get(&key).cloned() else {
                continue;
            };
            let version = owned.api_version.clone();
            let bucket = ManagerId::new(ANCIENT_CHANGES, false, &version, "");
            let bucket_key = bucket.key();
            let Some(first) = first_of_version.get(&version).cloned() else {
                first_of_version.insert(version, key);
                continue;
            };
            if !self.fields.contains_key(&bucket_key) {
                if let Some(moved) = self.fields.remove(&first) {
                    self.fields.insert(
                        bucket_key.clone(),
                        Owned {
                            id: bucket.clone(),
                            set: moved.set,
                            api_version: moved.api_version,
                        },
                    );
                }
            }
            if let Some(b) = self.fields.get_mut(&bucket_key) {
                b.set = owned.set.union(&b.set);
                b.api_version = owned.api_version.clone();
            }
            self.fields.remove(&key);
            length -= 1;
            match self.times.get(&key).cloned() {
                Some(t) => self.times.insert(bucket_key, t),
                None => self.times.remove(&bucket_key),
            };
        }
    }
}

/// Sorts entries as kube-apiserver writes them (`sortEncodedManagedFields`).
pub fn sort_entries(entries: &mut [ManagedFieldsEntry]) {
    let secs = |e: &ManagedFieldsEntry| e.time.as_deref().and_then(unix_seconds).unwrap_or(0);
    entries.sort_by(|p, q| {
        p.operation
            .cmp(&q.operation)
            .then_with(|| secs(p).cmp(&secs(q)))
            .then_with(|| p.manager.cmp(&q.manager))
            .then_with(|| p.api_version.cmp(&q.api_version))
            .then_with(|| p.subresource.cmp(&q.subresource))
            .then(Ordering::Equal)
    });
}

/// Whether a client's `metadata.managedFields` asks for a reset: `[]` or `[{}]`.
pub fn is_reset(entries: &[ManagedFieldsEntry]) -> bool {
    match entries {
        [] => true,
        [only] => *only == ManagedFieldsEntry::default(),
        _ => false,
    }
}

/// Writes `entries` into `object.metadata.managedFields`, or removes the key when there are
/// none (upstream omits an empty list). Non-object values are left alone.
pub fn set_managed_fields(object: &mut Value, entries: &[ManagedFieldsEntry]) {
    let Some(obj) = object.as_object_mut() else {
        return;
    };
    if entries.is_empty() {
        if let Some(meta) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
            meta.remove("managedFields");
        }
        return;
    }
    let meta = obj
        .entry("metadata")
        .or_insert_with(|| Value::Object(serde_json::Map::new()));
    if !meta.is_object() {
        *meta = Value::Object(serde_json::Map::new());
    }
    if let Some(meta) = meta.as_object_mut() {
        let list = entries
            .iter()
            .filter_map(|e| serde_json::to_value(e).ok())
            .collect();
        meta.insert("managedFields".to_owned(), Value::Array(list));
    }
}

/// The entries in `object.metadata.managedFields`: `None` when absent or `null`, `Some(Err)`
/// when they are not a list of entries.
pub fn managed_fields_of(object: &Value) -> Option<Result<Vec<ManagedFieldsEntry>, String>> {
    let raw = object.get("metadata")?.get("managedFields")?;
    if raw.is_null() {
        return None;
    }
    Some(serde_json::from_value(raw.clone()).map_err(|e| e.to_string()))
}
