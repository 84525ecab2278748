//! The other built-in printers' cells.

use serde_json::{json, Value};

use super::tests::{cells, meta, CREATED};

fn template(containers: Value) -> Value {
    json!({"metadata": {"labels": {"app": "web"}}, "spec": {"containers": containers}})
}

#[test]
fn workload_cells() {
    let two =
        json!([{"name": "nginx", "image": "nginx:1.27"}, {"name": "side", "image": "busybox"}]);
    let deployment = json!({"metadata": meta("web"), "spec": {"replicas": 3, "template": template(two),
        "selector": {"matchLabels": {"app": "web"}, "matchExpressions": [{"key": "tier", "operator": "In", "values": ["b", "a"]}]}},
        "status": {"readyReplicas": 2, "updatedReplicas": 3, "availableReplicas": 2}});
    assert_eq!(
        cells("apps", "Deployment", deployment),
        json!([
            "web",
            "2/3",
            3,
            2,
            "5m",
            "nginx,side",
            "nginx:1.27,busybox",
            "app=web,tier in (a,b)"
        ])
        .as_array()
        .unwrap()
        .clone()
    );
    let fresh = json!({"metadata": meta("new"), "spec": {"template": template(json!([{"name": "a", "image": "a"}]))}});
    assert_eq!(
        cells("apps", "Deployment", fresh),
        json!(["new", "0/1", 0, 0, "5m", "a", "a", ""])
            .as_array()
            .unwrap()
            .clone()
    );

    let one = json!([{"name": "nginx", "image": "nginx:1.27"}]);
    let rs = json!({"metadata": meta("web-5d8f"), "spec": {"replicas": 2, "template": template(one.clone()),
        "selector": {"matchLabels": {"pod-template-hash": "5d8f", "app": "web"}}},
        "status": {"replicas": 2, "readyReplicas": 1}});
    assert_eq!(
        cells("apps", "ReplicaSet", rs),
        json!([
            "web-5d8f",
            2,
            2,
            1,
            "5m",
            "nginx",
            "nginx:1.27",
            "app=web,pod-template-hash=5d8f"
        ])
        .as_array()
        .unwrap()
        .clone()
    );
    let rs =
        json!({"metadata": meta("bare"), "spec": {"replicas": 0, "template": template(json!([]))}});
    assert_eq!(
        cells("apps", "ReplicaSet", rs),
        json!(["bare", 0, 0, 0, "5m", "", "", "<none>"])
            .as_array()
            .unwrap()
            .clone()
    );

    let sts = json!({"metadata": meta("db"), "spec": {"replicas": 3, "template": template(json!([{"name": "pg", "image": "postgres:16"}]))},
        "status": {"readyReplicas": 1}});
    assert_eq!(
        cells("apps", "StatefulSet", sts),
        json!(["db", "1/3", "5m", "pg", "postgres:16"])
            .as_array()
            .unwrap()
            .clone()
    );

    let mut ds_template = template(json!([{"name": "agent", "image": "agent:1"}]));
    ds_template["spec"]["nodeSelector"] = json!({"kubernetes.io/os": "linux", "disk": "ssd"});
    let ds = json!({"metadata": meta("agent"), "spec": {"template": ds_template,
        "selector": {"matchExpressions": [{"key": "app", "operator": "Exists"}, {"key": "legacy", "operator": "DoesNotExist"}]}},
        "status": {"desiredNumberScheduled": 3, "currentNumberScheduled": 3, "numberReady": 2, "updatedNumberScheduled": 3, "numberAvailable": 2}});
    assert_eq!(
        cells("apps", "DaemonSet", ds),
        json!([
            "agent",
            3,
            3,
            2,
            3,
            2,
            "disk=ssd,kubernetes.io/os=linux",
            "5m",
            "agent",
            "agent:1",
            "app,!legacy"
        ])
        .as_array()
        .unwrap()
        .clone()
    );
    let bad = json!({"metadata": meta("x"), "spec": {"template": template(json!([])),
        "selector": {"matchExpressions": [{"key": "app", "operator": "Bogus"}]}}});
    assert_eq!(cells("apps", "DaemonSet", bad.clone())[6], "<none>");
    assert_eq!(cells("apps", "DaemonSet", bad.clone())[10], "<error>");
    assert_eq!(cells("apps", "Deployment", bad)[7], "<invalid>");
}

#[test]
fn job_cells() {
    let job = |spec: Value, status: Value| {
        let mut spec = spec;
        spec["template"] = template(json!([{"name": "pi", "image": "perl"}]));
        spec["selector"] = json!({"matchLabels": {"batch.kubernetes.io/controller-uid": "abc"}});
        json!({"metadata": meta("pi"), "spec": spec, "status": status})
    };
    let complete = job(
        json!({"completions": 1}),
        json!({"succeeded": 1, "startTime": "2026-06-15T04:16:00Z",
        "completionTime": "2026-06-15T04:16:30Z", "conditions": [{"type": "Complete", "status": "True"}]}),
    );
    assert_eq!(
        cells("batch", "Job", complete),
        json!([
            "pi",
            "Complete",
            "1/1",
            "30s",
            "5m",
            "pi",
            "perl",
            "batch.kubernetes.io/controller-uid=abc"
        ])
        .as_array()
        .unwrap()
        .clone()
    );
    let running = job(
        json!({"parallelism": 3}),
        json!({"startTime": "2026-06-15T04:18:57Z"}),
    );
    let c = cells("batch", "Job", running);
    assert_eq!(
        (c[1].clone(), c[2].clone(), c[3].clone()),
        (json!("Running"), json!("0/1 of 3"), json!("2m"))
    );
    let failed = job(
        json!({"completions": 2, "parallelism": 1}),
        json!({"succeeded": 1,
        "conditions": [{"type": "FailureTarget", "status": "True"}, {"type": "Failed", "status": "True"}]}),
    );
    let c = cells("batch", "Job", failed);
    assert_eq!(
        (c[1].clone(), c[2].clone(), c[3].clone()),
        (json!("Failed"), json!("1/2"), json!(""))
    );
    let suspended = job(
        json!({"completions": 1}),
        json!({"conditions": [{"type": "Suspended", "status": "True"}]}),
    );
    assert_eq!(cells("batch", "Job", suspended)[1], "Suspended");
    let mut terminating = job(json!({}), json!({}));
    terminating["metadata"]["deletionTimestamp"] = json!(CREATED);
    assert_eq!(cells("batch", "Job", terminating)[1], "Terminating");
}

#[test]
fn service_cells() {
    let svc = |spec: Value, status: Value| json!({"metadata": meta("web"), "spec": spec, "status": status});
    let cluster_ip = svc(
        json!({"type": "ClusterIP", "clusterIP": "10.96.0.10", "clusterIPs": ["10.96.0.10"],
        "ports": [{"port": 80, "protocol": "TCP"}, {"port": 443, "nodePort": 30443, "protocol": "TCP"}, {"port": 53, "protocol": "UDP"}],
        "selector": {"app": "web"}}),
        json!({}),
    );
    assert_eq!(
        cells("", "Service", cluster_ip),
        json!([
            "web",
            "ClusterIP",
            "10.96.0.10",
            "<none>",
            "80/TCP,443:30443/TCP,53/UDP",
            "5m",
            "app=web"
        ])
        .as_array()
        .unwrap()
        .clone()
    );
    let pending = svc(
        json!({"type": "LoadBalancer", "clusterIPs": ["10.96.0.11"], "ports": [{"port": 80, "nodePort": 31000}]}),
        json!({"loadBalancer": {}}),
    );
    assert_eq!(
        cells("", "Service", pending),
        json!([
            "web",
            "LoadBalancer",
            "10.96.0.11",
            "<pending>",
            "80:31000/TCP",
            "5m",
            "<none>"
        ])
        .as_array()
        .unwrap()
        .clone()
    );
    let lb = svc(
        json!({"type": "LoadBalancer", "externalIPs": ["192.0.2.1"]}),
        json!({"loadBalancer": {"ingress": [{"ip": "203.0.113.9"}, {"hostname": "lb.example.com"}, {"ip": "203.0.113.9"}]}}),
    );
    assert_eq!(
        cells("", "Service", lb)[3],
        "203.0.113.9,lb.example.com,192.0.2.1"
    );
    let external = svc(
        json!({"type": "NodePort", "externalIPs": ["192.0.2.1", "192.0.2.2"], "clusterIPs": ["None"]}),
        json!({}),
    );
    let c = cells("", "Service", external);
    assert_eq!(
        (c[2].clone(), c[3].clone(), c[4].clone()),
        (json!("None"), json!("192.0.2.1,192.0.2.2"), json!("<none>"))
    );
    let name = svc(
        json!({"type": "ExternalName", "externalName": "db.example.com"}),
        json!({}),
    );
    assert_eq!(cells("", "Service", name)[3], "db.example.com");
}

#[test]
fn core_cells() {
    let cm =
        json!({"metadata": meta("c"), "data": {"a": "1", "b": "2"}, "binaryData": {"c": "AQ=="}});
    assert_eq!(
        cells("", "ConfigMap", cm),
        json!(["c", 3, "5m"]).as_array().unwrap().clone()
    );
    let secret =
        json!({"metadata": meta("s"), "type": "Opaque", "data": {"a": "YQ==", "b": "Yg=="}});
    assert_eq!(
        cells("", "Secret", secret),
        json!(["s", "Opaque", 2, "5m"]).as_array().unwrap().clone()
    );
    let ns = json!({"metadata": meta("demo"), "status": {"phase": "Active"}});
    assert_eq!(
        cells("", "Namespace", ns),
        json!(["demo", "Active", "5m"]).as_array().unwrap().clone()
    );
    let sa = json!({"metadata": meta("default")});
    assert_eq!(
        cells("", "ServiceAccount", sa),
        json!(["default", 0, "5m"]).as_array().unwrap().clone()
    );
    let no_time = json!({"metadata": {"name": "x"}});
    assert_eq!(cells("", "ServiceAccount", no_time)[2], "<unknown>");
    let future = json!({"metadata": {"name": "x", "creationTimestamp": "2026-06-15T05:00:00Z"}});
    assert_eq!(cells("", "ConfigMap", future)[2], "<invalid>");

    let bound = json!({"metadata": meta("data"), "spec": {"volumeName": "pvc-123", "storageClassName": "standard",
        "volumeMode": "Filesystem", "resources": {"requests": {"storage": "1Gi"}}},
        "status": {"phase": "Bound", "capacity": {"storage": "2Gi"}, "accessModes": ["ReadWriteMany", "ReadWriteOnce"]}});
    assert_eq!(
        cells("", "PersistentVolumeClaim", bound),
        json!([
            "data",
            "Bound",
            "pvc-123",
            "2Gi",
            "RWO,RWX",
            "standard",
            "<unset>",
            "5m",
            "Filesystem"
        ])
        .as_array()
        .unwrap()
        .clone()
    );
    let mut pending = json!({"metadata": meta("data"), "spec": {"storageClassName": "standard", "volumeAttributesClassName": "gold"},
        "status": {"phase": "Pending"}});
    pending["metadata"]["annotations"] =
        json!({"volume.beta.kubernetes.io/storage-class": "legacy"});
    assert_eq!(
        cells("", "PersistentVolumeClaim", pending.clone()),
        json!(["data", "Pending", "", "", "", "legacy", "gold", "5m", "<unset>"])
            .as_array()
            .unwrap()
            .clone()
    );
    pending["metadata"]["deletionTimestamp"] = json!(CREATED);
    assert_eq!(
        cells("", "PersistentVolumeClaim", pending)[1],
        "Terminating"
    );
}

#[test]
fn default_printer_and_crds() {
    let crd = json!({"metadata": {"name": "widgets.example.com", "creationTimestamp": CREATED}});
    assert_eq!(
        cells("apiextensions.k8s.io", "CustomResourceDefinition", crd),
        json!(["widgets.example.com", CREATED])
            .as_array()
            .unwrap()
            .clone()
    );
    let role = json!({"metadata": {"name": "r"}});
    assert_eq!(
        cells("rbac.authorization.k8s.io", "Role", role),
        json!(["r", "0001-01-01T00:00:00Z"])
            .as_array()
            .unwrap()
            .clone()
    );
    let fractional =
        json!({"metadata": {"name": "f", "creationTimestamp": "2026-06-15T04:15:57.123456Z"}});
    assert_eq!(cells("", "Event", fractional)[1], CREATED);
}
