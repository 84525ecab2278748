//! Deployment, ReplicaSet, StatefulSet, DaemonSet and Job controllers.

use std::sync::Arc;

use serde_json::{json, Value};

use super::pods::{is_ready, phase};
use super::{create, delete, event, key, now, object_key, owned, owner_ref, set_status};
use crate::object::meta_str;
use crate::server::Api;
use crate::store::Write;

fn replicas(obj: &Value) -> u64 {
    obj.pointer("/spec/replicas")
        .and_then(Value::as_u64)
        .unwrap_or(1)
}

fn generation(obj: &Value) -> Value {
    obj.pointer("/metadata/generation")
        .cloned()
        .unwrap_or(json!(1))
}

/// Kubernetes' safe alphabet, for generated name suffixes.
fn safe_encode(s: &str) -> String {
    const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    s.bytes()
        .map(|b| ALPHABET[b as usize % ALPHABET.len()] as char)
        .collect()
}

/// A stable hash of a pod template (FNV-32a of its JSON), encoded as kube does.
fn template_hash(template: &Value) -> String {
    let mut h: u32 = 0x811c_9dc5;
    for b in serde_json::to_vec(template).unwrap_or_default() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    safe_encode(&format!("{h:010}"))
}

fn condition(t: &str, ok: bool, reason: &str, message: String, since: &str) -> Value {
    json!({"type": t, "status": if ok { "True" } else { "False" }, "lastUpdateTime": since,
        "lastTransitionTime": since, "reason": reason, "message": message})
}

/// The Pods a controller wants, created from its template with `extra` labels.
fn pod_from_template(owner: &Value, template: &Value, name: Value, extra_labels: Value) -> Value {
    let mut pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": template.get("metadata").cloned().unwrap_or(json!({})),
        "spec": template.get("spec").cloned().unwrap_or(json!({}))});
    pod["metadata"]["namespace"] = json!(meta_str(owner, "namespace"));
    if name.is_string() {
        pod["metadata"]["name"] = name;
    } else {
        pod["metadata"]["generateName"] =
            json!(format!("{}-", meta_str(owner, "name").unwrap_or_default()));
    }
    if let (Some(labels), Some(extra)) = (
        pod["metadata"]["labels"].as_object_mut().or(None),
        extra_labels.as_object(),
    ) {
        labels.extend(extra.clone());
    } else if extra_labels.is_object() {
        pod["metadata"]["labels"] = extra_labels;
    }
    pod["metadata"]["ownerReferences"] = owner_ref(owner);
    if pod["spec"].get("serviceAccountName").is_none() {
        pod["spec"]["serviceAccountName"] = json!("default");
    }
    pod
}

fn live_pods(api: &Api, owner: &Value) -> Vec<Value> {
    owned(
        api,
        &key("", "pods"),
        meta_str(owner, "namespace").unwrap_or_default(),
        owner,
    )
    .into_iter()
    .filter(|p| meta_str(p, "deletionTimestamp").is_none())
    .collect()
}

pub(crate) fn deployment(api: &Arc<Api>, d: &Value) {
    if meta_str(d, "deletionTimestamp").is_some() {
        return;
    }
    let ns = meta_str(d, "namespace").unwrap_or_default().to_owned();
    let name = meta_str(d, "name").unwrap_or_default().to_owned();
    let template = d.pointer("/spec/template").cloned().unwrap_or(json!({}));
    let hash = template_hash(&template);
    let rs_name = format!("{name}-{hash}");
    let want = replicas(d);
    let sets = owned(api, &key("apps", "replicasets"), &ns, d);
    let revision = sets.len() as u64
        + u64::from(
            !sets
                .iter()
                .any(|s| meta_str(s, "name") == Some(rs_name.as_str())),
        );
    // Scale the current ReplicaSet to the desired count, older ones to zero.
    for rs in &sets {
        let target = if meta_str(rs, "name") == Some(rs_name.as_str()) {
            want
        } else {
            0
        };
        if replicas(rs) != target {
            let _ =
                api.store
                    .write::<()>(&key("apps", "replicasets"), &object_key(rs), |cur, _| {
                        let Some(cur) = cur else {
                            return Ok(Write::Keep);
                        };
                        let mut next = cur.clone();
                        next["spec"]["replicas"] = json!(target);
                        Ok(Write::Put(next))
                    });
        }
    }
    if !sets
        .iter()
        .any(|s| meta_str(s, "name") == Some(rs_name.as_str()))
    {
        let mut rs_template = template.clone();
        rs_template["metadata"]["labels"]["pod-template-hash"] = json!(hash);
        let mut selector = d
            .pointer("/spec/selector")
            .cloned()
            .unwrap_or(json!({"matchLabels": {}}));
        selector["matchLabels"]["pod-template-hash"] = json!(hash);
        let mut labels = template
            .pointer("/metadata/labels")
            .cloned()
            .unwrap_or(json!({}));
        labels["pod-template-hash"] = json!(hash);
        event(
            api,
            d,
            "deployment-controller",
            "Normal",
            "ScalingReplicaSet",
            format!("Scaled up replica set {rs_name} from 0 to {want}"),
        );
        create(
            api,
            "apps",
            "v1",
            "replicasets",
            json!({
                "apiVersion": "apps/v1", "kind": "ReplicaSet",
                "metadata": {"name": rs_name, "namespace": ns, "labels": labels, "ownerReferences": owner_ref(d),
                    "annotations": {"deployment.kubernetes.io/desired-replicas": want.to_string(),
                        "deployment.kubernetes.io/max-replicas": (want + 1).to_string(),
                        "deployment.kubernetes.io/revision": revision.to_string()}},
                "spec": {"replicas": want, "selector": selector, "template": rs_template}
            }),
        );
        let _ = api
            .store
            .write::<()>(&key("apps", "deployments"), &object_key(d), |cur, _| {
                let Some(cur) = cur else {
                    return Ok(Write::Keep);
                };
                let mut next = cur.clone();
                next["metadata"]["annotations"]["deployment.kubernetes.io/revision"] =
                    json!(revision.to_string());
                Ok(if &next == cur {
                    Write::Keep
                } else {
                    Write::Put(next)
                })
            });
    }
    let sets = owned(api, &key("apps", "replicasets"), &ns, d);
    let count = |f: &dyn Fn(&Value) -> u64| sets.iter().map(f).sum::<u64>();
    let total = count(&|s| {
        s.pointer("/status/replicas")
            .and_then(Value::as_u64)
            .unwrap_or(0)
    });
    let ready = count(&|s| {
        s.pointer("/status/readyReplicas")
            .and_then(Value::as_u64)
            .unwrap_or(0)
    });
    let current = sets
        .iter()
        .find(|s| meta_str(s, "name") == Some(rs_name.as_str()));
    let updated = current
        .and_then(|s| s.pointer("/status/replicas").and_then(Value::as_u64))
        .unwrap_or(0);
    let updated_ready = current
        .and_then(|s| s.pointer("/status/readyReplicas").and_then(Value::as_u64))
        .unwrap_or(0);
    let since = d
        .pointer("/status/conditions/0/lastTransitionTime")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .unwrap_or_else(now);
    let available = ready >= want;
    let done = updated_ready >= want && updated == total;
    let mut status = json!({"observedGeneration": generation(d), "replicas": total, "updatedReplicas": updated,
    "readyReplicas": ready, "availableReplicas": ready,
    "conditions": [
        if available {
            condition("Available", true, "MinimumReplicasAvailable", "Deployment has minimum availability.".into(), &since)
        } else {
            condition("Available", false, "MinimumReplicasUnavailable", "Deployment does not have minimum availability.".into(), &since)
        },
        if done {
            condition("Progressing", true, "NewReplicaSetAvailable", format!("ReplicaSet \"{rs_name}\" has successfully progressed."), &since)
        } else {
            condition("Progressing", true, "ReplicaSetUpdated", format!("ReplicaSet \"{rs_name}\" is progressing."), &since)
        }]});
    if total > ready {
        status["unavailableReplicas"] = json!(total - ready);
    }
    if ready == 0 {
        if let Some(o) = status.as_object_mut() {
            o.remove("readyReplicas");
            o.remove("availableReplicas");
        }
    }
    set_status(api, &key("apps", "deployments"), &object_key(d), status);
}

/// Keeps `want` Pods for `owner`, named by `name_of(i)` (None: generated names).
fn scale_pods(
    api: &Arc<Api>,
    owner: &Value,
    template: &Value,
    want: u64,
    name_of: &dyn Fn(u64) -> Option<String>,
    extra_labels: &dyn Fn(u64) -> Value,
) -> Vec<Value> {
    let mut pods = live_pods(api, owner);
    pods.sort_by_key(|p| meta_str(p, "name").unwrap_or_default().to_owned());
    let have = pods.len() as u64;
    if have < want {
        for i in have..want {
            let name = name_of(i).map_or(Value::Null, Value::String);
            let pod = pod_from_template(owner, template, name, extra_labels(i));
            if let Some(pod) = create(api, "", "v1", "pods", pod) {
                let component = match owner["kind"].as_str() {
                    Some("StatefulSet") => "statefulset-controller",
                    Some("DaemonSet") => "daemonset-controller",
                    _ => "replicaset-controller",
                };
                let created = format!(
                    "Created pod: {}",
                    meta_str(&pod, "name").unwrap_or_default()
                );
                event(api, owner, component, "Normal", "SuccessfulCreate", created);
            }
        }
    } else {
        for pod in pods.iter().skip(want as usize) {
            delete(api, &key("", "pods"), pod);
        }
    }
    live_pods(api, owner)
}

pub(crate) fn replicaset(api: &Arc<Api>, rs: &Value) {
    if meta_str(rs, "deletionTimestamp").is_some() {
        return;
    }
    let template = rs.pointer("/spec/template").cloned().unwrap_or(json!({}));
    let pods = scale_pods(api, rs, &template, replicas(rs), &|_| None, &|_| json!({}));
    let ready = pods.iter().filter(|p| is_ready(p)).count();
    let mut status = json!({"replicas": pods.len(), "fullyLabeledReplicas": pods.len(), "readyReplicas": ready,
        "availableReplicas": ready, "observedGeneration": generation(rs)});
    if ready == 0 {
        if let Some(o) = status.as_object_mut() {
            o.remove("readyReplicas");
            o.remove("availableReplicas");
        }
    }
    set_status(api, &key("apps", "replicasets"), &object_key(rs), status);
}

pub(crate) fn statefulset(api: &Arc<Api>, sts: &Value) {
    if meta_str(sts, "deletionTimestamp").is_some() {
        return;
    }
    let name = meta_str(sts, "name").unwrap_or_default().to_owned();
    let template = sts.pointer("/spec/template").cloned().unwrap_or(json!({}));
    let revision = format!("{name}-{}", template_hash(&template));
    let pods = scale_pods(
        api,
        sts,
        &template,
        replicas(sts),
        &|i| Some(format!("{name}-{i}")),
        &|i| json!({"controller-revision-hash": revision, "statefulset.kubernetes.io/pod-name": format!("{name}-{i}"), "apps.kubernetes.io/pod-index": i.to_string()}),
    );
    let ready = pods.iter().filter(|p| is_ready(p)).count();
    set_status(
        api,
        &key("apps", "statefulsets"),
        &object_key(sts),
        json!({
        "observedGeneration": generation(sts), "replicas": pods.len(), "readyReplicas": ready,
        "currentReplicas": pods.len(), "updatedReplicas": pods.len(), "availableReplicas": ready,
        "currentRevision": revision, "updateRevision": revision, "collisionCount": 0}),
    );
}

pub(crate) fn daemonset(api: &Arc<Api>, ds: &Value) {
    if meta_str(ds, "deletionTimestamp").is_some() {
        return;
    }
    let template = ds.pointer("/spec/template").cloned().unwrap_or(json!({}));
    let pods = scale_pods(api, ds, &template, 1, &|_| None, &|_| json!({}));
    let ready = pods.iter().filter(|p| is_ready(p)).count();
    set_status(
        api,
        &key("apps", "daemonsets"),
        &object_key(ds),
        json!({
        "currentNumberScheduled": 1, "desiredNumberScheduled": 1, "numberAvailable": ready,
        "numberMisscheduled": 0, "numberReady": ready, "observedGeneration": generation(ds),
        "updatedNumberScheduled": 1}),
    );
}

pub(crate) fn job(api: &Arc<Api>, job: &Value) {
    if meta_str(job, "deletionTimestamp").is_some() {
        return;
    }
    let name = meta_str(job, "name").unwrap_or_default().to_owned();
    let uid = meta_str(job, "uid").unwrap_or_default().to_owned();
    let completions = job
        .pointer("/spec/completions")
        .and_then(Value::as_u64)
        .unwrap_or(1);
    let backoff = job
        .pointer("/spec/backoffLimit")
        .and_then(Value::as_u64)
        .unwrap_or(6);
    let template = job.pointer("/spec/template").cloned().unwrap_or(json!({}));
    let labels = json!({"batch.kubernetes.io/job-name": name, "job-name": name,
        "batch.kubernetes.io/controller-uid": uid, "controller-uid": uid});
    let pods = live_pods(api, job);
    let failed = pods.iter().filter(|p| phase(p) == "Failed").count() as u64;
    let succeeded = pods.iter().filter(|p| phase(p) == "Succeeded").count() as u64;
    let finished = succeeded >= completions || failed > backoff;
    if !finished
        && pods.len() as u64 <= succeeded + failed
        && (pods.len() as u64) < completions + backoff + 1
    {
        let pod = pod_from_template(job, &template, Value::Null, labels);
        if let Some(pod) = create(api, "", "v1", "pods", pod) {
            let created = format!(
                "Created pod: {}",
                meta_str(&pod, "name").unwrap_or_default()
            );
            event(
                api,
                job,
                "job-controller",
                "Normal",
                "SuccessfulCreate",
                created,
            );
        }
    }
    let since = job
        .pointer("/status/startTime")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .unwrap_or_else(now);
    let mut status = json!({"startTime": since, "active": pods.len() as u64 - failed - succeeded,
        "succeeded": succeeded, "failed": failed, "ready": 0, "terminating": 0, "uncountedTerminatedPods": {}});
    let was_finished = job
        .pointer("/status/conditions")
        .and_then(Value::as_array)
        .is_some_and(|c| !c.is_empty());
    if !was_finished && succeeded >= completions {
        event(
            api,
            job,
            "job-controller",
            "Normal",
            "Completed",
            "Job completed".into(),
        );
    } else if !was_finished && failed > backoff {
        event(
            api,
            job,
            "job-controller",
            "Warning",
            "BackoffLimitExceeded",
            "Job has reached the specified backoff limit".into(),
        );
    }
    if succeeded >= completions {
        status["completionTime"] = json!(since);
        status["conditions"] = json!([
            {"type": "SuccessCriteriaMet", "status": "True", "reason": "CompletionsReached", "message": "Reached expected number of succeeded pods", "lastProbeTime": since, "lastTransitionTime": since},
            {"type": "Complete", "status": "True", "reason": "CompletionsReached", "message": "Reached expected number of succeeded pods", "lastProbeTime": since, "lastTransitionTime": since}]);
    } else if failed > backoff {
        status["conditions"] = json!([
            {"type": "FailureTarget", "status": "True", "reason": "BackoffLimitExceeded", "message": "Job has reached the specified backoff limit", "lastProbeTime": since, "lastTransitionTime": since},
            {"type": "Failed", "status": "True", "reason": "BackoffLimitExceeded", "message": "Job has reached the specified backoff limit", "lastProbeTime": since, "lastTransitionTime": since}]);
    }
    if failed == 0 {
        if let Some(o) = status.as_object_mut() {
            o.remove("failed");
        }
    }
    set_status(api, &key("batch", "jobs"), &object_key(job), status);
}
