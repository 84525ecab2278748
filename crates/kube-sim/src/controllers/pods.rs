//! The simulated kubelet: schedules Pods on the one node and runs them.

use serde_json::{json, Value};

use std::sync::Arc;

use super::{event, key, now, object_key, set_status, FAIL_ANNOTATION, NODE_NAME};
use crate::object::meta_str;
use crate::server::Api;

fn condition(t: &str, ok: bool, since: &str, reason: Option<(&str, String)>) -> Value {
    let mut c = json!({"type": t, "status": if ok { "True" } else { "False" }, "lastProbeTime": null, "lastTransitionTime": since});
    if let Some((reason, message)) = reason {
        c["reason"] = json!(reason);
        c["message"] = json!(message);
    }
    c
}

/// What a Pod's run ends in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    Running,
    Succeeded,
    Failed,
    ImagePullBackOff,
    CrashLoopBackOff,
    Unschedulable,
}

pub(crate) fn outcome(pod: &Value) -> Outcome {
    let job = pod.pointer("/metadata/labels/job-name").is_some();
    match pod
        .pointer(&format!(
            "/metadata/annotations/{}",
            FAIL_ANNOTATION.replace('/', "~1")
        ))
        .and_then(Value::as_str)
    {
        Some("ImagePullBackOff") => Outcome::ImagePullBackOff,
        Some("CrashLoopBackOff") => Outcome::CrashLoopBackOff,
        Some("Unschedulable") => Outcome::Unschedulable,
        Some(_) if job => Outcome::Failed,
        Some(_) => Outcome::CrashLoopBackOff,
        None if job => Outcome::Succeeded,
        None => Outcome::Running,
    }
}

/// Whether the Pod counts as ready.
pub(crate) fn is_ready(pod: &Value) -> bool {
    pod.pointer("/status/conditions")
        .and_then(Value::as_array)
        .is_some_and(|cs| {
            cs.iter()
                .any(|c| c["type"] == "Ready" && c["status"] == "True")
        })
}

pub(crate) fn phase(pod: &Value) -> &str {
    pod.pointer("/status/phase")
        .and_then(Value::as_str)
        .unwrap_or("Pending")
}

/// The events of a Pod's first run: scheduling, then the image and the container.
fn announce(api: &Arc<Api>, pod: &Value) {
    let ns = meta_str(pod, "namespace").unwrap_or_default();
    let name = meta_str(pod, "name").unwrap_or_default();
    let image = pod
        .pointer("/spec/containers/0/image")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let container = pod
        .pointer("/spec/containers/0/name")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    match outcome(pod) {
        Outcome::Unschedulable => {
            event(
                api,
                pod,
                "default-scheduler",
                "Warning",
                "FailedScheduling",
                "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector."
                    .into(),
            );
            return;
        }
        _ => event(
            api,
            pod,
            "default-scheduler",
            "Normal",
            "Scheduled",
            format!("Successfully assigned {ns}/{name} to {NODE_NAME}"),
        ),
    }
    match outcome(pod) {
        Outcome::ImagePullBackOff => {
            event(
                api,
                pod,
                "kubelet",
                "Warning",
                "Failed",
                format!("Failed to pull image \"{image}\": image not found"),
            );
            event(
                api,
                pod,
                "kubelet",
                "Normal",
                "BackOff",
                format!("Back-off pulling image \"{image}\""),
            );
        }
        out => {
            event(
                api,
                pod,
                "kubelet",
                "Normal",
                "Pulled",
                format!("Container image \"{image}\" already present on machine"),
            );
            event(
                api,
                pod,
                "kubelet",
                "Normal",
                "Created",
                format!("Created container: {container}"),
            );
            event(
                api,
                pod,
                "kubelet",
                "Normal",
                "Started",
                format!("Started container {container}"),
            );
            if out == Outcome::CrashLoopBackOff {
                event(
                    api,
                    pod,
                    "kubelet",
                    "Warning",
                    "BackOff",
                    format!("Back-off restarting failed container {container} in pod {name}"),
                );
            }
        }
    }
}

/// Writes the status a kubelet would report for the Pod.
pub(crate) fn kubelet(api: &Arc<Api>, pod: &Value) {
    if meta_str(pod, "deletionTimestamp").is_some() {
        return;
    }
    // Events may carry a stale copy: decide on the stored Pod.
    let Some(stored) = api.store.get(&key("", "pods"), &object_key(pod)) else {
        return;
    };
    let pod = &stored;
    if pod.pointer("/status/phase").is_none() {
        announce(api, pod);
    }
    // Keep the first transition time so repeated reconciles change nothing.
    let since = pod
        .pointer("/status/startTime")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .unwrap_or_else(now);
    let containers: Vec<Value> = pod
        .pointer("/spec/containers")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let names: Vec<String> = containers
        .iter()
        .filter_map(|c| c["name"].as_str().map(str::to_owned))
        .collect();
    let out = outcome(pod);
    let statuses = |state: Value, ready: bool, restarts: u32, last: Value| -> Vec<Value> {
        containers
            .iter()
            .map(|c| {
                let image = c["image"].as_str().unwrap_or_default();
                json!({"name": c["name"], "state": state, "lastState": last, "ready": ready,
                    "restartCount": restarts, "image": image, "imageID": "", "started": ready,
                    "containerID": format!("containerd://{}", meta_str(pod, "uid").unwrap_or_default())})
            })
            .collect()
    };
    let unready = || {
        Some((
            "ContainersNotReady",
            format!("containers with unready status: [{}]", names.join(" ")),
        ))
    };
    let status = match out {
        Outcome::Unschedulable => {
            json!({"phase": "Pending", "qosClass": "BestEffort", "conditions": [
            condition("PodScheduled", false, &since, Some(("Unschedulable", "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector.".to_owned())))]})
        }
        Outcome::Running | Outcome::ImagePullBackOff | Outcome::CrashLoopBackOff => {
            let ok = out == Outcome::Running;
            let (state, restarts, last) = match out {
                Outcome::ImagePullBackOff => (
                    json!({"waiting": {"reason": "ImagePullBackOff",
                    "message": format!("Back-off pulling image \"{}\": ErrImagePull: failed to pull image", containers.first().and_then(|c| c["image"].as_str()).unwrap_or_default())}}),
                    0,
                    json!({}),
                ),
                Outcome::CrashLoopBackOff => (
                    json!({"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 5m0s restarting failed container"}}),
                    5,
                    json!({"terminated": {"exitCode": 1, "reason": "Error", "startedAt": since, "finishedAt": since}}),
                ),
                _ => (json!({"running": {"startedAt": since}}), 0, json!({})),
            };
            let reason = if ok { None } else { unready() };
            json!({"phase": if ok { "Running" } else { "Pending" }, "qosClass": "BestEffort", "startTime": since,
                "hostIP": "172.18.0.2", "hostIPs": [{"ip": "172.18.0.2"}], "podIP": "10.244.0.5", "podIPs": [{"ip": "10.244.0.5"}],
                "conditions": [
                    condition("PodReadyToStartContainers", true, &since, None),
                    condition("Initialized", true, &since, None),
                    condition("Ready", ok, &since, reason.clone()),
                    condition("ContainersReady", ok, &since, reason),
                    condition("PodScheduled", true, &since, None)],
                "containerStatuses": statuses(state, ok, restarts, last)})
        }
        Outcome::Succeeded | Outcome::Failed => {
            let code = if out == Outcome::Succeeded { 0 } else { 1 };
            let reason = if code == 0 { "Completed" } else { "Error" };
            json!({"phase": if code == 0 { "Succeeded" } else { "Failed" }, "qosClass": "BestEffort", "startTime": since,
                "hostIP": "172.18.0.2", "podIP": "10.244.0.5",
                "conditions": [
                    condition("Initialized", true, &since, None),
                    condition("Ready", false, &since, Some(("PodCompleted", String::new()))),
                    condition("ContainersReady", false, &since, Some(("PodCompleted", String::new()))),
                    condition("PodScheduled", true, &since, None)],
                "containerStatuses": statuses(json!({"terminated": {"exitCode": code, "reason": reason, "startedAt": since, "finishedAt": since}}), false, 0, json!({}))})
        }
    };
    let mut pod_key = object_key(pod);
    if pod.pointer("/spec/nodeName").is_none() && out != Outcome::Unschedulable {
        // Scheduling: bind to the node.
        let _ = api
            .store
            .write::<()>(&key("", "pods"), &pod_key, |current, _| {
                let Some(cur) = current else {
                    return Ok(crate::store::Write::Keep);
                };
                let mut next = cur.clone();
                next["spec"]["nodeName"] = json!(NODE_NAME);
                Ok(crate::store::Write::Put(next))
            });
        pod_key = object_key(pod);
    }
    set_status(api, &key("", "pods"), &pod_key, status);
}
