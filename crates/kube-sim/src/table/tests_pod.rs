//! The Pod printer's Ready, Status and Restarts cells.

use serde_json::{json, Value};

use super::tests::{cells, meta, now, CREATED};
use super::{table_at, IncludeObject, TableKind};

fn running(name: &str, restarts: i64) -> Value {
    json!({"name": name, "ready": true, "restartCount": restarts, "state": {"running": {"startedAt": CREATED}}})
}

#[test]
fn pod_cells() {
    let pod = |spec: Value, status: Value| json!({"metadata": meta("web"), "spec": spec, "status": status});
    let one = json!({"containers": [{"name": "app", "image": "nginx"}]});
    let cases = [
        (
            pod(
                json!({"containers": [{"name": "app"}], "nodeName": "node-1"}),
                json!({"phase": "Running", "podIPs": [{"ip": "10.0.0.5"}], "containerStatuses": [running("app", 0)]}),
            ),
            json!(["web", "1/1", "Running", "0", "5m", "10.0.0.5", "node-1", "<none>", "<none>"]),
        ),
        (
            pod(
                one.clone(),
                json!({"phase": "Pending", "containerStatuses": [
                {"name": "app", "ready": false, "restartCount": 0, "state": {"waiting": {"reason": "ImagePullBackOff"}}}]}),
            ),
            json!([
                "web",
                "0/1",
                "ImagePullBackOff",
                "0",
                "5m",
                "<none>",
                "<none>",
                "<none>",
                "<none>"
            ]),
        ),
        (
            pod(
                one.clone(),
                json!({"phase": "Running", "containerStatuses": [{
                "name": "app", "ready": true, "restartCount": 2, "state": {"running": {}},
                "lastState": {"terminated": {"exitCode": 1, "finishedAt": "2026-06-15T04:18:57Z"}}}]}),
            ),
            json!([
                "web",
                "1/1",
                "Running",
                "2 (2m ago)",
                "5m",
                "<none>",
                "<none>",
                "<none>",
                "<none>"
            ]),
        ),
        (
            pod(one.clone(), json!({"phase": "Pending"})),
            json!(["web", "0/1", "Pending", "0", "5m", "<none>", "<none>", "<none>", "<none>"]),
        ),
        (
            pod(
                json!({"initContainers": [{"name": "a"}, {"name": "b"}], "containers": [{"name": "app"}]}),
                json!({"phase": "Pending", "initContainerStatuses": [
                    {"name": "a", "state": {"waiting": {"reason": "PodInitializing"}}}]}),
            ),
            json!(["web", "0/1", "Init:0/2", "0", "5m", "<none>", "<none>", "<none>", "<none>"]),
        ),
        (
            pod(
                json!({"initContainers": [{"name": "a"}, {"name": "b"}], "containers": [{"name": "app"}]}),
                json!({"phase": "Pending", "initContainerStatuses": [
                    {"name": "a", "restartCount": 3, "state": {"terminated": {"exitCode": 0}}},
                    {"name": "b", "restartCount": 1, "state": {"terminated": {"exitCode": 2}}}]}),
            ),
            json!([
                "web",
                "0/1",
                "Init:ExitCode:2",
                "4",
                "5m",
                "<none>",
                "<none>",
                "<none>",
                "<none>"
            ]),
        ),
        (
            pod(
                json!({"initContainers": [{"name": "side", "restartPolicy": "Always"}], "containers": [{"name": "app"}]}),
                json!({"phase": "Running", "conditions": [{"type": "Initialized", "status": "True"}],
                       "initContainerStatuses": [{"name": "side", "started": true, "ready": true, "restartCount": 1, "state": {"running": {}}}],
                       "containerStatuses": [running("app", 5)]}),
            ),
            json!(["web", "2/2", "Running", "6", "5m", "<none>", "<none>", "<none>", "<none>"]),
        ),
        (
            pod(
                json!({"containers": [{"name": "a"}, {"name": "b"}]}),
                json!({"phase": "Running", "containerStatuses": [
                    running("a", 0),
                    {"name": "b", "ready": false, "restartCount": 0, "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}}]}),
            ),
            json!(["web", "1/2", "NotReady", "0", "5m", "<none>", "<none>", "<none>", "<none>"]),
        ),
        (
            pod(
                json!({"containers": [{"name": "app"}], "readinessGates": [{"conditionType": "example.com/lb"}]}),
                json!({"phase": "Running", "nominatedNodeName": "node-2",
                       "conditions": [{"type": "example.com/lb", "status": "True"}],
                       "containerStatuses": [{"name": "app", "ready": false, "state": {"terminated": {"exitCode": 137, "signal": 9}}}]}),
            ),
            json!(["web", "0/1", "Signal:9", "0", "5m", "<none>", "<none>", "node-2", "1/1"]),
        ),
    ];
    for (i, (object, want)) in cases.into_iter().enumerate() {
        assert_eq!(Value::Array(cells("", "Pod", object)), want, "case {i}");
    }

    let mut deleting = pod(
        one.clone(),
        json!({"phase": "Running", "containerStatuses": [running("app", 0)]}),
    );
    deleting["metadata"]["deletionTimestamp"] = json!(CREATED);
    assert_eq!(cells("", "Pod", deleting)[2], "Terminating");

    let done = pod(
        one,
        json!({"phase": "Succeeded", "containerStatuses": [
        {"name": "app", "ready": false, "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}}]}),
    );
    let t = table_at(
        &TableKind::builtin("", "Pod"),
        &[done],
        IncludeObject::None,
        "1",
        true,
        now(),
    );
    assert_eq!(t["rows"][0]["cells"][2], "Completed");
    assert_eq!(
        t["rows"][0]["conditions"],
        json!([{"type": "Completed", "status": "True", "reason": "Succeeded",
                "message": "The pod has completed successfully."}])
    );
}
