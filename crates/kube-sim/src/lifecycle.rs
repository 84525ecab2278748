//! What kube-apiserver's built-in controllers do when objects go away: garbage collection
//! through ownerReferences, foreground and orphan deletion, namespace termination
//! (spec §6.1, §6.2). They run synchronously after the write that triggers them, so tests
//! observe the final state as soon as the request returns.

use std::sync::Arc;

use serde_json::{json, Value};

use crate::object::{self, meta_str};
use crate::server::Api;
use crate::store::{ObjectKey, ResourceKey, Write};

/// How deep cascades go before stopping (cycles in ownerReferences cannot loop forever).
const MAX_CASCADE_DEPTH: usize = 32;

fn owner_uids(obj: &Value) -> Vec<String> {
    obj.pointer("/metadata/ownerReferences")
        .and_then(Value::as_array)
        .map(|refs| {
            refs.iter()
                .filter_map(|r| r["uid"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn uid_exists(api: &Api, uid: &str) -> bool {
    api.store
        .all_objects()
        .iter()
        .any(|(_, _, o)| meta_str(o, "uid") == Some(uid))
}

/// Deletes (or marks, when it has finalizers) one stored object, as a Background delete.
fn remove(api: &Arc<Api>, resource: &ResourceKey, key: &ObjectKey, depth: usize) {
    let now = object::timestamp(jiff::Timestamp::now());
    let written = api.store.write::<()>(resource, key, |current, _| {
        let Some(obj) = current else {
            return Ok(Write::Keep);
        };
        if meta_str(obj, "deletionTimestamp").is_some() {
            return Ok(Write::Keep);
        }
        if obj
            .pointer("/metadata/finalizers")
            .and_then(Value::as_array)
            .is_some_and(|f| !f.is_empty())
        {
            let mut marked = obj.clone();
            marked["metadata"]["deletionTimestamp"] = json!(now);
            marked["metadata"]["deletionGracePeriodSeconds"] = json!(0);
            return Ok(Write::Put(marked));
        }
        Ok(Write::Delete)
    });
    if let Ok(Some(obj)) = written {
        if meta_str(&obj, "deletionTimestamp").is_none() {
            collect(api, &obj, depth + 1);
        }
    }
}

/// Deletes (or marks, when it has finalizers) a stored object, collecting its dependents.
pub fn remove_stored(api: &Arc<Api>, resource: &ResourceKey, obj: &Value) {
    let key = (
        meta_str(obj, "namespace").unwrap_or_default().to_owned(),
        meta_str(obj, "name").unwrap_or_default().to_owned(),
    );
    remove(api, resource, &key, 0);
}

/// Removes `finalizer` from the stored object; the object goes when it was marked for
/// deletion and no finalizer is left. Returns the object as last stored (or removed) and
/// whether it was removed.
pub fn release_finalizer(
    api: &Arc<Api>,
    resource: &ResourceKey,
    key: &ObjectKey,
    finalizer: &str,
) -> Option<(Value, bool)> {
    let mut removed = false;
    let written = api.store.write::<()>(resource, key, |current, _| {
        let Some(cur) = current else {
            return Ok(Write::Keep);
        };
        let mut next = cur.clone();
        if let Some(list) = next
            .pointer_mut("/metadata/finalizers")
            .and_then(Value::as_array_mut)
        {
            list.retain(|f| f != finalizer);
        }
        if object::ready_to_remove(&next) {
            removed = true;
            return Ok(Write::Delete);
        }
        Ok(if object::same_content(cur, &next) {
            Write::Keep
        } else {
            Write::Put(next)
        })
    });
    written.ok().flatten().map(|obj| (obj, removed))
}

/// Deletes the dependents of `removed` that have no owner left.
fn collect(api: &Arc<Api>, removed: &Value, depth: usize) {
    if depth > MAX_CASCADE_DEPTH {
        return;
    }
    let Some(uid) = meta_str(removed, "uid") else {
        return;
    };
    for (resource, key, obj) in api.store.all_objects() {
        let owners = owner_uids(&obj);
        if owners.iter().any(|o| o == uid) && owners.iter().all(|o| o == uid || !uid_exists(api, o))
        {
            remove(api, &resource, &key, depth);
        }
    }
}

/// Follows the removal of an object: collects its dependents and completes the termination
/// of its namespace when it was the last object there.
pub fn after_removal(api: &Arc<Api>, namespaced: bool, removed: &Value) {
    collect(api, removed, 0);
    if namespaced {
        if let Some(ns) = meta_str(removed, "namespace") {
            terminate_namespace_if_empty(api, ns);
        }
    }
}

/// Completes a Foreground or Orphan delete of `owner` (stored under `resource`):
/// dependents are deleted (Foreground) or released (Orphan), then the owner's finalizer is
/// removed and the owner goes once no finalizer is left.
pub fn finish_owner_deletion(
    api: &Arc<Api>,
    resource: &ResourceKey,
    namespaced: bool,
    owner: &Value,
    propagation: &str,
) {
    let Some(uid) = meta_str(owner, "uid").map(str::to_owned) else {
        return;
    };
    for (dep_resource, dep_key, obj) in api.store.all_objects() {
        if !owner_uids(&obj).contains(&uid) {
            continue;
        }
        if propagation == "Foreground" {
            remove(api, &dep_resource, &dep_key, 1);
            continue;
        }
        let _ = api
            .store
            .write::<()>(&dep_resource, &dep_key, |current, _| {
                let Some(cur) = current else {
                    return Ok(Write::Keep);
                };
                let mut released = cur.clone();
                if let Some(refs) = released
                    .pointer_mut("/metadata/ownerReferences")
                    .and_then(Value::as_array_mut)
                {
                    refs.retain(|r| r["uid"].as_str() != Some(uid.as_str()));
                }
                if released
                    .pointer("/metadata/ownerReferences")
                    .and_then(Value::as_array)
                    .is_some_and(Vec::is_empty)
                {
                    if let Some(m) = released["metadata"].as_object_mut() {
                        m.remove("ownerReferences");
                    }
                }
                Ok(Write::Put(released))
            });
    }
    let finalizer = if propagation == "Foreground" {
        "foregroundDeletion"
    } else {
        "orphan"
    };
    let Some(name) = meta_str(owner, "name") else {
        return;
    };
    let key = (
        meta_str(owner, "namespace").unwrap_or_default().to_owned(),
        name.to_owned(),
    );
    if let Some((obj, true)) = release_finalizer(api, resource, &key, finalizer) {
        after_removal(api, namespaced, &obj);
    }
}

/// Deletes the content of a terminating namespace (finalizers honoured) and removes the
/// namespace once it is empty.
pub fn terminate_namespace(api: &Arc<Api>, ns: &str) {
    let ns_key: ResourceKey = (String::new(), "namespaces".into());
    let Some(namespace) = api.store.get(&ns_key, &(String::new(), ns.to_owned())) else {
        return;
    };
    if meta_str(&namespace, "deletionTimestamp").is_none() {
        return;
    }
    for (resource, count) in api.store.namespace_contents(ns) {
        if count == 0 {
            continue;
        }
        let (items, _) = api.store.list(&resource, Some(ns));
        for item in items {
            let name = meta_str(&item, "name").unwrap_or_default().to_owned();
            remove(api, &resource, &(ns.to_owned(), name), 1);
        }
    }
    let remaining = api.store.namespace_contents(ns);
    if !remaining.is_empty() {
        report_remaining(api, ns, &remaining);
        return;
    }
    let _ = api
        .store
        .write::<()>(&ns_key, &(String::new(), ns.to_owned()), |current, _| {
            let Some(cur) = current else {
                return Ok(Write::Keep);
            };
            let mut next = cur.clone();
            if let Some(list) = next
                .pointer_mut("/spec/finalizers")
                .and_then(Value::as_array_mut)
            {
                list.retain(|f| f != "kubernetes");
            }
            let spec_done = next
                .pointer("/spec/finalizers")
                .and_then(Value::as_array)
                .is_none_or(Vec::is_empty);
            if spec_done && object::ready_to_remove(&next) {
                return Ok(Write::Delete);
            }
            Ok(if object::same_content(cur, &next) {
                Write::Keep
            } else {
                Write::Put(next)
            })
        });
}

/// Writes the namespace controller's conditions while content is still being removed
/// (spec §6.2): which resources remain, and which finalizers hold them.
fn report_remaining(api: &Arc<Api>, ns: &str, remaining: &[(ResourceKey, usize)]) {
    let mut finalizers: std::collections::BTreeMap<String, usize> =
        std::collections::BTreeMap::new();
    for (resource, _) in remaining {
        for item in api.store.list(resource, Some(ns)).0 {
            for f in item
                .pointer("/metadata/finalizers")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                *finalizers
                    .entry(f.as_str().unwrap_or_default().to_owned())
                    .or_default() += 1;
            }
        }
    }
    let resources: Vec<String> = remaining
        .iter()
        .map(|((group, plural), n)| format!("{plural}.{group} has {n} resource instances"))
        .collect();
    let now = object::timestamp(jiff::Timestamp::now());
    let condition = |t: &str, status: &str, reason: &str, message: String| serde_json::json!({"type": t, "status": status, "lastTransitionTime": now, "reason": reason, "message": message});
    let mut conditions = vec![
        condition(
            "NamespaceDeletionDiscoveryFailure",
            "False",
            "ResourcesDiscovered",
            "All resources successfully discovered".into(),
        ),
        condition(
            "NamespaceDeletionGroupVersionParsingFailure",
            "False",
            "ParsedGroupVersions",
            "All legacy kube types successfully parsed".into(),
        ),
        condition(
            "NamespaceDeletionContentFailure",
            "False",
            "ContentDeleted",
            "All content successfully deleted, may be waiting on finalization".into(),
        ),
        condition(
            "NamespaceContentRemaining",
            "True",
            "SomeResourcesRemain",
            format!("Some resources are remaining: {}", resources.join(", ")),
        ),
    ];
    conditions.push(if finalizers.is_empty() {
        condition(
            "NamespaceFinalizersRemaining",
            "False",
            "ContentHasNoFinalizers",
            "All content-preserving finalizers finished".into(),
        )
    } else {
        let list: Vec<String> = finalizers
            .iter()
            .map(|(f, n)| format!("{f} in {n} resource instances"))
            .collect();
        condition(
            "NamespaceFinalizersRemaining",
            "True",
            "SomeFinalizersRemain",
            format!(
                "Some content in the namespace has finalizers remaining: {}",
                list.join(", ")
            ),
        )
    });
    let ns_key: ResourceKey = (String::new(), "namespaces".into());
    let _ = api
        .store
        .write::<()>(&ns_key, &(String::new(), ns.to_owned()), |current, _| {
            let Some(cur) = current else {
                return Ok(Write::Keep);
            };
            // Keep transition times of conditions that did not change.
            let old: Vec<Value> = cur
                .pointer("/status/conditions")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            let merged: Vec<Value> = conditions
                .iter()
                .map(|c| {
                    match old.iter().find(|o| {
                        o["type"] == c["type"]
                            && o["status"] == c["status"]
                            && o["message"] == c["message"]
                    }) {
                        Some(o) => o.clone(),
                        None => c.clone(),
                    }
                })
                .collect();
            let mut next = cur.clone();
            next["status"]["conditions"] = Value::Array(merged);
            Ok(if &next == cur {
                Write::Keep
            } else {
                Write::Put(next)
            })
        });
}

/// Completes a terminating namespace's removal when its last object went.
pub fn terminate_namespace_if_empty(api: &Arc<Api>, ns: &str) {
    if api.store.namespace_contents(ns).is_empty() {
        terminate_namespace(api, ns);
    }
}
