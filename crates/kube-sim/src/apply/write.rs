//! The two write paths: [`apply_with`] (server-side apply, §3.2) and [`update_with`]
//! (create, update and non-apply patch), layered the way kube-apiserver's field manager is:
//! managedFields decoding and reset, `before-first-apply`, the `kubectl` last-applied
//! relief and annotation rewrite, manager identities, entry times, stripping of server-set
//! metadata, the cap on Update entries, and structured-merge-diff's `Updater` underneath.

use serde_json::{json, Map, Value};

use super::conflict::Conflicts;
use super::fieldset::FieldSet;
use super::lastapplied::{allowed_conflicts, rewrite_last_applied};
use super::managers::{
    is_reset, managed_fields_of, set_managed_fields, Managed, ManagedFieldsEntry, ManagerId,
    BEFORE_FIRST_APPLY, MAX_UPDATE_MANAGERS,
};
use super::merge::{merge, remove};
use super::path::PathElement;
use super::typed::TypeInfo;
use super::validate::validate;
use super::value::go_equal;
use super::walk::{compare, ensure_named_fields, field_set, reconcile_with_schema, Comparison};
use super::ApplyError;

/// The writer of one request and the endpoint it writes through.
#[derive(Debug, Clone)]
pub struct Writer<'a> {
    /// The field manager (`fieldManager`, or the User-Agent prefix); empty means `unknown`.
    pub manager: &'a str,
    /// The endpoint's `group/version` (`v1`, `apps/v1`).
    pub api_version: &'a str,
    /// `Some("status")`, `Some("scale")`, ... for subresource endpoints.
    pub subresource: Option<&'a str>,
    /// The entry time to record (RFC 3339, seconds).
    pub now: &'a str,
    /// Fields the endpoint resets (and their subtrees): nobody gains or loses them through it.
    pub reset_fields: FieldSet,
}

impl<'a> Writer<'a> {
    /// A writer with [`default_reset_fields`] for `subresource`.
    pub fn new(
        manager: &'a str,
        api_version: &'a str,
        subresource: Option<&'a str>,
        now: &'a str,
    ) -> Self {
        Writer {
            manager,
            api_version,
            subresource,
            now,
            reset_fields: default_reset_fields(subresource),
        }
    }

    fn id(&self, applied: bool) -> ManagerId {
        let manager = if self.manager.is_empty() {
            "unknown"
        } else {
            self.manager
        };
        ManagerId::new(
            manager,
            applied,
            self.api_version,
            self.subresource.unwrap_or(""),
        )
    }
}

/// The reset fields of kube-apiserver's strategies for kinds with a status subresource: the
/// main resource ignores `status`, `/status` ignores `spec`, other subresources nothing.
pub fn default_reset_fields(subresource: Option<&str>) -> FieldSet {
    let field = |name: &str| vec![PathElement::field(name)];
    match subresource {
        None => FieldSet::from_paths([field("status").as_slice()]),
        Some("status") => FieldSet::from_paths([field("spec").as_slice()]),
        Some(_) => FieldSet::new(),
    }
}

/// Fields no manager ever owns (upstream `stripMetaManager`); only these exact paths, not
/// what lies below `metadata`.
fn strip_set() -> FieldSet {
    let mut set = FieldSet::new();
    for top in ["apiVersion", "kind", "metadata"] {
        set.insert(&[PathElement::field(top)]);
    }
    for meta in [
        "name",
        "namespace",
        "creationTimestamp",
        "selfLink",
        "uid",
        "clusterName",
        "generation",
        "managedFields",
        "resourceVersion",
    ] {
        set.insert(&[PathElement::field("metadata"), PathElement::field(meta)]);
    }
    set
}

/// What an apply produced.
#[derive(Debug, Clone, PartialEq)]
pub struct ApplyResult {
    /// The object to store: the merge of live and applied, with `metadata.managedFields` set
    /// to [`ApplyResult::managed_fields`] (removed when empty). Server defaulting, strategy
    /// resets and validation still have to run on it.
    pub object: Value,
    /// The new managedFields, sorted as kube-apiserver sorts them.
    pub managed_fields: Vec<ManagedFieldsEntry>,
    /// Whether the object differs from live apart from managedFields.
    pub object_changed: bool,
    /// Whether anything differs from live (object or managedFields): `false` means a no-op
    /// apply (no write, no resourceVersion bump).
    pub changed: bool,
}

/// Server-side apply of `applied` by `w` over `live` (`None`: the object does not exist).
/// `managed` are live's decoded managedFields.
pub fn apply_with(
    w: &Writer<'_>,
    live: Option<&Value>,
    applied: &Value,
    managed: &[ManagedFieldsEntry],
    force: bool,
    types: &dyn TypeInfo,
) -> Result<ApplyResult, ApplyError> {
    let patch_version = applied
        .get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or("");
    if patch_version != w.api_version {
        return Err(ApplyError::BadRequest(format!(
            concat!(
                "Incorrect version specified in apply patch. ",
                "Specified patch version: {}, expected: {}"
            ),
            patch_version, w.api_version
        )));
    }
    if applied
        .pointer("/metadata/managedFields")
        .is_some_and(|v| !v.is_null())
    {
        return Err(ApplyError::BadRequest(
            "metadata.managedFields must be nil".to_owned(),
        ));
    }
    validate(applied, types).map_err(ApplyError::InvalidObject)?;
    let live_v = match live {
        Some(v) if !v.is_null() => v.clone(),
        _ => Value::Object(Map::new()),
    };
    let mut mgd = Managed::decode(managed)
        .map_err(|e| ApplyError::ManagedFields(format!("failed to decode managed fields: {e}")))?;
    reconcile_all(&mut mgd, types);

    let (mut object, mgd) = match apply_layers(w, &live_v, applied, mgd.clone(), force, types) {
        Ok(done) => done,
        Err(conflicts) if w.manager == "kubectl" => {
            // Conflicts on fields whose last-applied value still equals live are forgiven.
            let Some(allowed) = allowed_conflicts(&live_v, w.api_version, types) else {
                return Err(ApplyError::Conflict(conflicts));
            };
            let rest: Vec<_> = conflicts
                .0
                .into_iter()
                .filter(|c| !allowed.has(&c.path))
                .collect();
            if !rest.is_empty() {
                return Err(ApplyError::Conflict(Conflicts(rest)));
            }
            apply_layers(w, &live_v, applied, mgd, true, types).map_err(ApplyError::Conflict)?
        }
        Err(conflicts) => return Err(ApplyError::Conflict(conflicts)),
    };
    if w.manager == "kubectl" {
        rewrite_last_applied(&mut object, applied);
    }
    let managed_fields = mgd.encode();
    let object_changed = !go_equal(
        &without_managed_fields(&object),
        &without_managed_fields(&live_v),
    );
    set_managed_fields(&mut object, &managed_fields);
    let changed = live.is_none_or(|l| !go_equal(l, &object));
    Ok(ApplyResult {
        object,
        managed_fields,
        object_changed,
        changed,
    })
}

fn without_managed_fields(v: &Value) -> Value {
    let mut v = v.clone();
    set_managed_fields(&mut v, &[]);
    v
}

fn reconcile_all(mgd: &mut Managed, types: &dyn TypeInfo) {
    for owned in mgd.fields.values_mut() {
        if let Some(set) = reconcile_with_schema(&owned.set, types) {
            owned.set = set;
        }
    }
}

/// `before-first-apply`, then the apply proper with entry time and metadata stripping.
fn apply_layers(
    w: &Writer<'_>,
    live: &Value,
    config: &Value,
    mut mgd: Managed,
    force: bool,
    types: &dyn TypeInfo,
) -> Result<(Value, Managed), Conflicts> {
    if mgd.fields.is_empty() {
        // Everything already in the object belongs to a synthesized Update manager.
        let id = ManagerId::new(
            BEFORE_FIRST_APPLY,
            false,
            w.api_version,
            w.subresource.unwrap_or(""),
        );
        update_layers(w, &Value::Object(Map::new()), live, &mut mgd, id, types);
    }
    let id = w.id(true);
    let key = id.key();
    let merged = merge(live, config, types);
    let last = mgd.fields.get(&key).map(|o| o.set.clone());
    let set = field_set(config, types).recursive_difference(&w.reset_fields);
    mgd.put(id, set, w.api_version);
    let merged = prune(merged, &mgd, last.as_ref(), types);
    update_managers(live, &merged, &mut mgd, &key, force, &w.reset_fields, types)?;
    strip_meta(&mut mgd, &key);
    if go_equal(live, &merged) {
        return Ok((live.clone(), mgd));
    }
    mgd.times.insert(key, w.now.to_owned());
    Ok((merged, mgd))
}

/// Removes from `merged` what the applier owned last time, no longer applies, and nobody
/// else owns (upstream `Updater.prune` with its add-back passes).
fn prune(merged: Value, mgd: &Managed, last: Option<&FieldSet>, types: &dyn TypeInfo) -> Value {
    let Some(last) = last.filter(|s| !s.is_empty()) else {
        return merged;
    };
    let ensure = |set: &FieldSet| ensure_named_fields(set, types);
    let of = |v: &Value| ensure(&field_set(v, types));
    let last_e = ensure(last);
    let pruned = remove(&merged, &last_e, types);
    let mut owned = FieldSet::new();
    for o in mgd.fields.values() {
        owned.union_with(&o.set);
    }
    let merged_e = of(&merged);
    let keep = of(&pruned).union(&ensure(&owned));
    let pruned = remove(&merged, &merged_e.difference(&keep), types);
    let dangling = merged_e.difference(&of(&pruned)).intersection(&last_e);
    remove(&merged, &dangling, types)
}

/// structured-merge-diff `Updater.update`: other managers lose what changed between `old`
/// and `new` (conflicts unless `force`) and what was removed; empty managers are dropped.
fn update_managers(
    old: &Value,
    new: &Value,
    mgd: &mut Managed,
    workflow: &str,
    force: bool,
    reset: &FieldSet,
    types: &dyn TypeInfo,
) -> Result<Comparison, Conflicts> {
    let mut cmp = compare(Some(old), Some(new), types);
    cmp.exclude(reset);
    let changed = cmp.modified.union(&cmp.added);
    let mut conflicts = Vec::new();
    for (key, owned) in &mgd.fields {
        if key != workflow {
            let c = owned.set.intersection(&changed);
            if !c.is_empty() {
                conflicts.push((key.clone(), owned.id.clone(), c));
            }
        }
    }
    if !force && !conflicts.is_empty() {
        let sets: Vec<_> = conflicts
            .into_iter()
            .map(|(_, id, set)| (id, set))
            .collect();
        return Err(Conflicts::from_sets(&sets));
    }
    for (key, _, c) in &conflicts {
        if let Some(owned) = mgd.fields.get_mut(key) {
            owned.set = owned.set.difference(c);
        }
    }
    if !cmp.removed.is_empty() {
        for (key, owned) in mgd.fields.iter_mut() {
            if key != workflow {
                owned.set = owned.set.difference(&cmp.removed);
            }
        }
    }
    mgd.drop_empty();
    Ok(cmp)
}

fn strip_meta(mgd: &mut Managed, key: &str) {
    if let Some(owned) = mgd.fields.get_mut(key) {
        owned.set = owned.set.difference(&strip_set());
        if owned.set.is_empty() {
            mgd.fields.remove(key);
        }
    }
}

/// An Update by `id`: it takes every field that changed (from all other managers, without
/// conflicts), keeps what it had, and gets the current time if it changed anything.
fn update_layers(
    w: &Writer<'_>,
    old: &Value,
    new: &Value,
    mgd: &mut Managed,
    id: ManagerId,
    types: &dyn TypeInfo,
) {
    const CURRENT: &str = "current-operation";
    let Ok(cmp) = update_managers(old, new, mgd, CURRENT, true, &w.reset_fields, types) else {
        return;
    };
    let set = cmp
        .modified
        .union(&cmp.added)
        .recursive_difference(&w.reset_fields)
        .difference(&strip_set());
    if set.is_empty() {
        return;
    }
    let key = id.key();
    let set = match mgd.fields.get(&key) {
        Some(previous) => set.union(&previous.set),
        None => set,
    };
    mgd.put(id, set, w.api_version);
    mgd.times.insert(key, w.now.to_owned());
}

/// The managedFields after a create, update or non-apply patch by `w` (§3.2 "Update
/// operations"). `live` is the stored object (`null` or `{}` on create), `new` the object
/// about to be stored (defaulted) carrying the client's `metadata.managedFields` as sent,
/// `managed` live's managedFields.
///
/// Like kube-apiserver: a client list that is `[]` or `[{}]` resets tracking (the result is
/// then empty and the object keeps no managedFields until the next apply); a valid non-empty
/// client list replaces live's (main resource only); invalid lists are ignored; an existing
/// object (with `metadata.uid`) without managedFields stays untracked; the writer's entry
/// takes every field it changed, other managers lose them; more than
/// [`MAX_UPDATE_MANAGERS`] Update entries are folded into `ancient-changes`.
pub fn update_with(
    w: &Writer<'_>,
    live: &Value,
    new: &Value,
    managed: &[ManagedFieldsEntry],
    types: &dyn TypeInfo,
) -> Vec<ManagedFieldsEntry> {
    let live_v = if live.is_null() {
        json!({})
    } else {
        live.clone()
    };
    let from_live = || Managed::decode(managed).unwrap_or_default();
    let mut mgd = if w.subresource.is_some() {
        from_live()
    } else {
        match managed_fields_of(new) {
            Some(Ok(entries)) if is_reset(&entries) => Managed::default(),
            Some(Ok(entries)) => match Managed::decode(&entries) {
                Ok(m) if !m.fields.is_empty() => m,
                _ => from_live(),
            },
            _ => from_live(),
        }
    };
    let exists = live_v
        .pointer("/metadata/uid")
        .and_then(Value::as_str)
        .is_some_and(|u| !u.is_empty());
    if mgd.fields.is_empty() && exists {
        return Vec::new();
    }
    reconcile_all(&mut mgd, types);
    update_layers(w, &live_v, new, &mut mgd, w.id(false), types);
    mgd.cap_updates(MAX_UPDATE_MANAGERS);
    mgd.encode()
}
