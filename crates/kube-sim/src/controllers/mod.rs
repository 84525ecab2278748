//! Simulated cluster behaviour (spec §8): what kubelets and kube-controller-manager would
//! write, so clients that wait for readiness (kubectl wait/rollout, Helm `--wait`, kstatus)
//! see real-looking status.
//!
//! A task follows the store's events and reconciles the affected objects: Deployments own
//! ReplicaSets, ReplicaSets, StatefulSets, DaemonSets and Jobs own Pods, the "kubelet" runs
//! Pods, Services get cluster IPs, PVCs bind. Each reconcile is idempotent and skips writes
//! that change nothing, so the loop settles. The annotation [`FAIL_ANNOTATION`] on a Pod
//! template (or Pod) makes it fail the way a real workload would.

mod pods;
mod services;
mod workloads;

use std::sync::Arc;

use serde_json::{json, Value};
use tokio::sync::broadcast::error::RecvError;

use crate::object::{self, meta_str};
use crate::server::Api;
use crate::store::{ObjectKey, ResourceKey, Write};

/// Makes a Pod fail: `ImagePullBackOff`, `CrashLoopBackOff`, `Unschedulable` or `Error`
/// (a Job's pod exits non-zero).
pub const FAIL_ANNOTATION: &str = "kube-sim.ferroflux.dev/fail";
/// Keeps a LoadBalancer Service's ingress pending.
pub const LB_PENDING_ANNOTATION: &str = "kube-sim.ferroflux.dev/load-balancer-pending";
/// The simulated node every Pod runs on.
pub const NODE_NAME: &str = "kube-sim-node";

pub(crate) fn key(group: &str, plural: &str) -> ResourceKey {
    (group.to_owned(), plural.to_owned())
}

pub(crate) fn object_key(obj: &Value) -> ObjectKey {
    (
        meta_str(obj, "namespace").unwrap_or_default().to_owned(),
        meta_str(obj, "name").unwrap_or_default().to_owned(),
    )
}

pub(crate) fn now() -> String {
    object::timestamp(jiff::Timestamp::now())
}

/// Replaces the status of a stored object (no-op when equal).
pub(crate) fn set_status(api: &Api, resource: &ResourceKey, key: &ObjectKey, status: Value) {
    let _ = api.store.write::<()>(resource, key, |current, _| {
        let Some(cur) = current else {
            return Ok(Write::Keep);
        };
        if cur.get("status") == Some(&status) {
            return Ok(Write::Keep);
        }
        let mut next = cur.clone();
        next["status"] = status.clone();
        Ok(Write::Put(next))
    });
}

/// Creates an object the way a controller does (server-set metadata included).
pub(crate) fn create(
    api: &Arc<Api>,
    group: &str,
    version: &str,
    plural: &str,
    mut obj: Value,
) -> Option<Value> {
    let rt = api.catalog.resolve(group, version, plural)?;
    let ns = meta_str(&obj, "namespace").map(str::to_owned);
    let status = obj.get("status").cloned();
    let name = object::prepare_create(&mut obj, &rt, ns.as_deref(), jiff::Timestamp::now()).ok()?;
    if let Some(s) = status {
        obj["status"] = s;
    }
    let key = (ns.unwrap_or_default(), name);
    api.store
        .write::<()>(&rt.key(), &key, |current, _| {
            Ok(if current.is_some() {
                Write::Keep
            } else {
                Write::Put(obj.clone())
            })
        })
        .ok()
        .flatten()
}

/// Records a core/v1 Event about `involved`, as the component that acted would.
pub(crate) fn event(
    api: &Arc<Api>,
    involved: &Value,
    component: &str,
    event_type: &str,
    reason: &str,
    message: String,
) {
    let Some(ns) = meta_str(involved, "namespace") else {
        return;
    };
    let name = meta_str(involved, "name").unwrap_or_default();
    let stamp = now();
    let nanos = jiff::Timestamp::now().as_nanosecond();
    create(
        api,
        "",
        "v1",
        "events",
        json!({
            "apiVersion": "v1", "kind": "Event",
            "metadata": {"name": format!("{name}.{nanos:x}"), "namespace": ns},
            "involvedObject": {"kind": involved["kind"], "namespace": ns, "name": name,
                "uid": meta_str(involved, "uid"), "apiVersion": involved["apiVersion"],
                "resourceVersion": meta_str(involved, "resourceVersion")},
            "reason": reason, "message": message, "type": event_type,
            "source": {"component": component}, "firstTimestamp": stamp, "lastTimestamp": stamp, "count": 1,
            "reportingComponent": component, "reportingInstance": "",
        }),
    );
}

/// Deletes an object a controller no longer wants.
pub(crate) fn delete(api: &Arc<Api>, resource: &ResourceKey, obj: &Value) {
    crate::lifecycle::remove_stored(api, resource, obj);
}

/// The objects of `resource` in `ns` owned (controller reference) by `owner`.
pub(crate) fn owned(api: &Api, resource: &ResourceKey, ns: &str, owner: &Value) -> Vec<Value> {
    let Some(uid) = meta_str(owner, "uid") else {
        return Vec::new();
    };
    api.store
        .list(resource, Some(ns))
        .0
        .into_iter()
        .filter(|o| {
            o.pointer("/metadata/ownerReferences")
                .and_then(Value::as_array)
                .is_some_and(|refs| refs.iter().any(|r| r["uid"] == uid))
        })
        .collect()
}

/// A controller ownerReference to `owner`.
pub(crate) fn owner_ref(owner: &Value) -> Value {
    json!([{
        "apiVersion": owner["apiVersion"], "kind": owner["kind"],
        "name": meta_str(owner, "name").unwrap_or_default(),
        "uid": meta_str(owner, "uid").unwrap_or_default(),
        "controller": true, "blockOwnerDeletion": true,
    }])
}

/// Starts the controllers; they stop when the returned task is aborted.
pub fn spawn(api: Arc<Api>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let (mut events, _) = api.store.watch_from(api.store.rv());
        reconcile_all(&api);
        loop {
            match events.recv().await {
                Ok(event) => {
                    if event.event_type == crate::store::EventType::Deleted {
                        owner_changed(&api, &event.object);
                        if event.resource == key("", "pods") {
                            services_of(&api, &event.object);
                        }
                        continue;
                    }
                    reconcile(&api, &event.resource, &event.object);
                }
                Err(RecvError::Lagged(_)) => reconcile_all(&api),
                Err(RecvError::Closed) => return,
            }
        }
    })
}

fn reconcile_all(api: &Arc<Api>) {
    for (resource, _, obj) in api.store.all_objects() {
        reconcile(api, &resource, &obj);
    }
}

/// Reconciles one changed object and the owner that may depend on it.
fn reconcile(api: &Arc<Api>, resource: &ResourceKey, obj: &Value) {
    match (resource.0.as_str(), resource.1.as_str()) {
        ("apps", "deployments") => workloads::deployment(api, obj),
        ("apps", "replicasets") => {
            workloads::replicaset(api, obj);
            owner_changed(api, obj);
        }
        ("apps", "statefulsets") => workloads::statefulset(api, obj),
        ("apps", "daemonsets") => workloads::daemonset(api, obj),
        ("batch", "jobs") => workloads::job(api, obj),
        ("", "pods") => {
            pods::kubelet(api, obj);
            owner_changed(api, obj);
            services_of(api, obj);
        }
        ("", "services") => {
            services::service(api, obj);
            services::endpoints(api, obj);
        }
        ("", "persistentvolumeclaims") => services::claim(api, obj),
        _ => {}
    }
}

/// Refreshes the endpoints of the Services in a Pod's namespace.
fn services_of(api: &Arc<Api>, pod: &Value) {
    let ns = meta_str(pod, "namespace").unwrap_or_default();
    for svc in api.store.list(&key("", "services"), Some(ns)).0 {
        services::endpoints(api, &svc);
    }
}

/// Re-reconciles the controller owner of `obj` (a Pod's ReplicaSet, a ReplicaSet's
/// Deployment) after it changed or went away.
fn owner_changed(api: &Arc<Api>, obj: &Value) {
    let Some(refs) = obj
        .pointer("/metadata/ownerReferences")
        .and_then(Value::as_array)
    else {
        return;
    };
    let ns = meta_str(obj, "namespace").unwrap_or_default();
    for r in refs.iter().filter(|r| r["controller"] == true) {
        let resource = match r["kind"].as_str() {
            Some("ReplicaSet") => key("apps", "replicasets"),
            Some("Deployment") => key("apps", "deployments"),
            Some("StatefulSet") => key("apps", "statefulsets"),
            Some("DaemonSet") => key("apps", "daemonsets"),
            Some("Job") => key("batch", "jobs"),
            _ => continue,
        };
        let Some(name) = r["name"].as_str() else {
            continue;
        };
        if let Some(owner) = api.store.get(&resource, &(ns.to_owned(), name.to_owned())) {
            reconcile(api, &resource, &owner);
        }
    }
}
