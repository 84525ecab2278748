//! Built-in printers: the cells kube-apiserver's `pkg/printers/internalversion` produces
//! (always the wide form) for the kinds kube-sim serves, computed from stored JSON objects.

use std::collections::BTreeSet;

use jiff::Timestamp;
use serde_json::{json, Value};

use super::columns::{self, Col};
use super::format::{
    age, format_label_selector, format_labels, human_duration, selector_string, timestamp,
};
use super::pod::pod;

/// The cells of one row and, for finished pods, its row conditions.
pub(crate) struct Row {
    pub(crate) cells: Vec<Value>,
    pub(crate) conditions: Option<Value>,
}

impl Row {
    fn cells(cells: Vec<Value>) -> Self {
        Self {
            cells,
            conditions: None,
        }
    }
}

pub(crate) type PrintFn = fn(&Value, Timestamp) -> Row;

/// The printer for a built-in kind; kinds without one use the generic `Name, Created At`.
pub(crate) fn printer(group: &str, kind: &str) -> (&'static [Col], PrintFn) {
    match (group, kind) {
        ("", "Pod") => (columns::POD, pod),
        ("apps", "Deployment") => (columns::DEPLOYMENT, deployment),
        ("apps", "ReplicaSet") => (columns::REPLICA_SET, replica_set),
        ("apps", "StatefulSet") => (columns::STATEFUL_SET, stateful_set),
        ("apps", "DaemonSet") => (columns::DAEMON_SET, daemon_set),
        ("batch", "Job") => (columns::JOB, job),
        ("", "Service") => (columns::SERVICE, service),
        ("", "ConfigMap") => (columns::CONFIG_MAP, config_map),
        ("", "Secret") => (columns::SECRET, secret),
        ("", "Namespace") => (columns::NAMESPACE, namespace),
        ("", "ServiceAccount") => (columns::SERVICE_ACCOUNT, service_account),
        ("", "PersistentVolumeClaim") => (columns::PVC, pvc),
        _ => (columns::DEFAULT, default_row),
    }
}

/// A string field, `""` when absent.
pub(crate) fn text<'a>(v: &'a Value, pointer: &str) -> &'a str {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_default()
}

/// An integer field, 0 when absent.
pub(crate) fn int(v: &Value, pointer: &str) -> i64 {
    match v.pointer(pointer) {
        Some(Value::Number(n)) => n
            .as_i64()
            .or_else(|| n.as_f64().map(|f| f as i64))
            .unwrap_or(0),
        _ => 0,
    }
}

/// An array field, empty when absent.
pub(crate) fn items<'a>(v: &'a Value, pointer: &str) -> &'a [Value] {
    v.pointer(pointer)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
}

/// The number of entries of a map or list field.
fn count(v: &Value, pointer: &str) -> i64 {
    match v.pointer(pointer) {
        Some(Value::Object(m)) => m.len() as i64,
        Some(Value::Array(a)) => a.len() as i64,
        _ => 0,
    }
}

fn name(v: &Value) -> Value {
    json!(text(v, "/metadata/name"))
}

fn created(v: &Value, now: Timestamp) -> Value {
    json!(age(v.pointer("/metadata/creationTimestamp"), now))
}

/// `spec.replicas`, which defaulting sets to 1.
fn desired(v: &Value) -> i64 {
    v.pointer("/spec/replicas")
        .map_or(1, |_| int(v, "/spec/replicas"))
}

/// Container names and images of a pod template, comma-separated.
fn containers(v: &Value, template: &str) -> (Value, Value) {
    let list = items(v, &format!("{template}/spec/containers"));
    let join = |field: &str| {
        list.iter()
            .map(|c| text(c, field))
            .collect::<Vec<_>>()
            .join(",")
    };
    (json!(join("/name")), json!(join("/image")))
}

fn deployment(v: &Value, now: Timestamp) -> Row {
    let (names, images) = containers(v, "/spec/template");
    let selector =
        selector_string(v.pointer("/spec/selector")).unwrap_or_else(|()| "<invalid>".to_owned());
    Row::cells(vec![
        name(v),
        json!(format!(
            "{}/{}",
            int(v, "/status/readyReplicas"),
            desired(v)
        )),
        json!(int(v, "/status/updatedReplicas")),
        json!(int(v, "/status/availableReplicas")),
        created(v, now),
        names,
        images,
        json!(selector),
    ])
}

fn replica_set(v: &Value, now: Timestamp) -> Row {
    let (names, images) = containers(v, "/spec/template");
    Row::cells(vec![
        name(v),
        json!(desired(v)),
        json!(int(v, "/status/replicas")),
        json!(int(v, "/status/readyReplicas")),
        created(v, now),
        names,
        images,
        json!(format_label_selector(v.pointer("/spec/selector"))),
    ])
}

fn stateful_set(v: &Value, now: Timestamp) -> Row {
    let (names, images) = containers(v, "/spec/template");
    Row::cells(vec![
        name(v),
        json!(format!(
            "{}/{}",
            int(v, "/status/readyReplicas"),
            desired(v)
        )),
        created(v, now),
        names,
        images,
    ])
}

fn daemon_set(v: &Value, now: Timestamp) -> Row {
    let (names, images) = containers(v, "/spec/template");
    Row::cells(vec![
        name(v),
        json!(int(v, "/status/desiredNumberScheduled")),
        json!(int(v, "/status/currentNumberScheduled")),
        json!(int(v, "/status/numberReady")),
        json!(int(v, "/status/updatedNumberScheduled")),
        json!(int(v, "/status/numberAvailable")),
        json!(format_labels(v.pointer("/spec/template/spec/nodeSelector"))),
        created(v, now),
        names,
        images,
        json!(format_label_selector(v.pointer("/spec/selector"))),
    ])
}

fn job_condition(v: &Value, kind: &str) -> bool {
    // The first condition of that type decides.
    items(v, "/status/conditions")
        .iter()
        .find(|c| text(c, "/type") == kind)
        .is_some_and(|c| text(c, "/status") == "True")
}

fn job(v: &Value, now: Timestamp) -> Row {
    let succeeded = int(v, "/status/succeeded");
    let completions = match v.pointer("/spec/completions").filter(|c| !c.is_null()) {
        Some(_) => format!("{succeeded}/{}", int(v, "/spec/completions")),
        None => match int(v, "/spec/parallelism") {
            p if p > 1 => format!("{succeeded}/1 of {p}"),
            _ => format!("{succeeded}/1"),
        },
    };
    let start = timestamp(v.pointer("/status/startTime"));
    let end = timestamp(v.pointer("/status/completionTime"));
    let duration = match (start, end) {
        (None, _) => String::new(),
        (Some(start), None) => human_duration(now.duration_since(start)),
        (Some(start), Some(end)) => human_duration(end.duration_since(start)),
    };
    let deleting = v
        .pointer("/metadata/deletionTimestamp")
        .is_some_and(|t| !t.is_null());
    let status = if job_condition(v, "Complete") {
        "Complete"
    } else if job_condition(v, "Failed") {
        "Failed"
    } else if deleting {
        "Terminating"
    } else if job_condition(v, "Suspended") {
        "Suspended"
    } else if job_condition(v, "FailureTarget") {
        "FailureTarget"
    } else {
        "Running"
    };
    let (names, images) = containers(v, "/spec/template");
    Row::cells(vec![
        name(v),
        json!(status),
        json!(completions),
        json!(duration),
        created(v, now),
        names,
        images,
        json!(format_label_selector(v.pointer("/spec/selector"))),
    ])
}

fn strings(v: &Value, pointer: &str) -> Vec<String> {
    items(v, pointer)
        .iter()
        .filter_map(|s| s.as_str().map(str::to_owned))
        .collect()
}

/// The External-IP cell (wide form: load-balancer addresses are not clipped).
fn external_ip(v: &Value, service_type: &str) -> String {
    let external = strings(v, "/spec/externalIPs");
    match service_type {
        "ClusterIP" | "NodePort" if external.is_empty() => "<none>".to_owned(),
        "ClusterIP" | "NodePort" => external.join(","),
        "LoadBalancer" => {
            let ingress: BTreeSet<&str> = items(v, "/status/loadBalancer/ingress")
                .iter()
                .filter_map(|i| match (text(i, "/ip"), text(i, "/hostname")) {
                    ("", "") => None,
                    ("", host) => Some(host),
                    (ip, _) => Some(ip),
                })
                .collect();
            let mut all: Vec<String> = ingress.into_iter().map(str::to_owned).collect();
            all.extend(external);
            if all.is_empty() {
                "<pending>".to_owned()
            } else {
                all.join(",")
            }
        }
        "ExternalName" => text(v, "/spec/externalName").to_owned(),
        _ => "<unknown>".to_owned(),
    }
}

fn service(v: &Value, now: Timestamp) -> Row {
    let service_type = match text(v, "/spec/type") {
        "" => "ClusterIP",
        t => t,
    };
    let cluster_ip = match text(v, "/spec/clusterIPs/0") {
        "" => "<none>",
        ip => ip,
    };
    let ports: Vec<String> = items(v, "/spec/ports")
        .iter()
        .map(|p| {
            let protocol = match text(p, "/protocol") {
                "" => "TCP",
                proto => proto,
            };
            match int(p, "/nodePort") {
                n if n > 0 => format!("{}:{n}/{protocol}", int(p, "/port")),
                _ => format!("{}/{protocol}", int(p, "/port")),
            }
        })
        .collect();
    let ports = if ports.is_empty() {
        "<none>".to_owned()
    } else {
        ports.join(",")
    };
    Row::cells(vec![
        name(v),
        json!(service_type),
        json!(cluster_ip),
        json!(external_ip(v, service_type)),
        json!(ports),
        created(v, now),
        json!(format_labels(v.pointer("/spec/selector"))),
    ])
}

fn config_map(v: &Value, now: Timestamp) -> Row {
    let data = count(v, "/data") + count(v, "/binaryData");
    Row::cells(vec![name(v), json!(data), created(v, now)])
}

fn secret(v: &Value, now: Timestamp) -> Row {
    Row::cells(vec![
        name(v),
        json!(text(v, "/type")),
        json!(count(v, "/data")),
        created(v, now),
    ])
}

fn namespace(v: &Value, now: Timestamp) -> Row {
    Row::cells(vec![
        name(v),
        json!(text(v, "/status/phase")),
        created(v, now),
    ])
}

fn service_account(v: &Value, now: Timestamp) -> Row {
    Row::cells(vec![name(v), json!(count(v, "/secrets")), created(v, now)])
}

/// Access modes abbreviated in kube-apiserver's fixed order.
fn access_modes(v: &Value, pointer: &str) -> String {
    let modes = strings(v, pointer);
    [
        ("ReadWriteOnce", "RWO"),
        ("ReadOnlyMany", "ROX"),
        ("ReadWriteMany", "RWX"),
        ("ReadWriteOncePod", "RWOP"),
    ]
    .iter()
    .filter(|(mode, _)| modes.iter().any(|m| m == mode))
    .map(|(_, short)| *short)
    .collect::<Vec<_>>()
    .join(",")
}

fn pvc(v: &Value, now: Timestamp) -> Row {
    let deleting = v
        .pointer("/metadata/deletionTimestamp")
        .is_some_and(|t| !t.is_null());
    let phase = if deleting {
        "Terminating"
    } else {
        text(v, "/status/phase")
    };
    let volume = text(v, "/spec/volumeName");
    let (capacity, modes) = if volume.is_empty() {
        (String::new(), String::new())
    } else {
        let capacity = text(v, "/status/capacity/storage");
        (capacity.to_owned(), access_modes(v, "/status/accessModes"))
    };
    let class = v
        .pointer("/metadata/annotations/volume.beta.kubernetes.io~1storage-class")
        .or_else(|| v.pointer("/spec/storageClassName"))
        .and_then(Value::as_str)
        .unwrap_or_default();
    let unset = |pointer: &str| match v.pointer(pointer).and_then(Value::as_str) {
        Some(s) => s.to_owned(),
        None => "<unset>".to_owned(),
    };
    Row::cells(vec![
        name(v),
        json!(phase),
        json!(volume),
        json!(capacity),
        json!(modes),
        json!(class),
        json!(unset("/spec/volumeAttributesClassName")),
        created(v, now),
        json!(unset("/spec/volumeMode")),
    ])
}

/// The generic convertor: name and the creation time as RFC 3339 (Go's zero time when unset).
fn default_row(v: &Value, _now: Timestamp) -> Row {
    let created = match timestamp(v.pointer("/metadata/creationTimestamp")) {
        Some(ts) => ts.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
        None => "0001-01-01T00:00:00Z".to_owned(),
    };
    Row::cells(vec![name(v), json!(created)])
}
