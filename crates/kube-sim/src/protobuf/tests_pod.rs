//! A Deployment with a detailed pod template, hand-encoded, → JSON.

use serde_json::json;

use super::decode;
use super::encode::{envelope, meta, Msg};

fn int_or_string_int(v: i64) -> Msg {
    Msg::new().int(1, 0).int(2, v).str(3, "")
}

fn int_or_string_str(v: &str) -> Msg {
    Msg::new().int(1, 1).int(2, 0).str(3, v)
}

fn quantity(v: &str) -> Msg {
    Msg::new().str(1, v)
}

#[test]
fn deployment_with_a_detailed_pod_template() {
    let secret_ref = Msg::new()
        .msg(1, Msg::new().str(1, "db"))
        .str(2, "password")
        .int(3, 1);
    let env = Msg::new()
        .str(1, "PASSWORD")
        .str(2, "")
        .msg(3, Msg::new().msg(4, secret_ref));
    let env_from = Msg::new()
        .str(1, "CFG_")
        .msg(2, Msg::new().msg(1, Msg::new().str(1, "settings")));
    let resources = Msg::new()
        .msg(1, Msg::new().str(1, "memory").msg(2, quantity("128Mi")))
        .msg(2, Msg::new().str(1, "cpu").msg(2, quantity("100m")));
    let probe = Msg::new()
        .msg(
            1,
            Msg::new().msg(
                2,
                Msg::new()
                    .str(1, "/healthz")
                    .msg(2, int_or_string_str("http")),
            ),
        )
        .int(2, 5)
        .int(3, 0)
        .int(6, 3);
    let port = Msg::new()
        .str(1, "http")
        .int(2, 0)
        .int(3, 8080)
        .str(4, "TCP")
        .str(5, "");
    let security = Msg::new()
        .msg(1, Msg::new().str(2, "ALL"))
        .int(5, 1)
        .int(4, 1000)
        .int(7, 0)
        .msg(11, Msg::new().str(1, "RuntimeDefault"));
    let container = Msg::new()
        .str(1, "web")
        .str(2, "nginx:1.27")
        .str(4, "--verbose")
        .msg(6, port)
        .msg(19, env_from)
        .msg(7, env)
        .msg(8, resources)
        .msg(9, Msg::new().str(1, "cache").int(2, 1).str(3, "/cache"))
        .msg(11, probe)
        .str(14, "IfNotPresent")
        .msg(15, security)
        .int(16, 0);
    let volumes = [
        Msg::new().str(1, "cache").msg(
            2,
            Msg::new().msg(2, Msg::new().str(1, "Memory").msg(2, quantity("1Gi"))),
        ),
        Msg::new().str(1, "cfg").msg(
            2,
            Msg::new().msg(
                19,
                Msg::new().msg(1, Msg::new().str(1, "settings")).int(3, 420),
            ),
        ),
    ];
    let toleration = Msg::new()
        .str(1, "dedicated")
        .str(2, "Equal")
        .str(3, "web")
        .str(4, "NoSchedule")
        .int(5, 300);
    let pod_security = Msg::new()
        .int(2, 1000)
        .bytes(4, &[0x88, 0x27, 0x89, 0x27]) // packed supplementalGroups [5000, 5001]
        .int(4, 5002);
    let node_term = Msg::new().msg(
        1,
        Msg::new()
            .str(1, "kubernetes.io/os")
            .str(2, "In")
            .str(3, "linux"),
    );
    let affinity = Msg::new().msg(1, Msg::new().msg(1, Msg::new().msg(1, node_term)));
    let mut pod_spec = Msg::new();
    for volume in volumes {
        pod_spec = pod_spec.msg(1, volume);
    }
    let pod_spec = pod_spec
        .msg(2, container)
        .str(3, "Always")
        .int(4, 30)
        .str(6, "ClusterFirst")
        .msg(7, Msg::new().str(1, "disk").str(2, "ssd"))
        .str(8, "web")
        .int(11, 0)
        .msg(14, pod_security)
        .msg(18, affinity)
        .msg(22, toleration)
        .int(25, -5);
    let template = Msg::new()
        .msg(1, meta("").entry(11, "app", b"web"))
        .msg(2, pod_spec);
    let strategy = Msg::new().str(1, "RollingUpdate").msg(
        2,
        Msg::new()
            .msg(1, int_or_string_int(0))
            .msg(2, int_or_string_str("25%")),
    );
    let spec = Msg::new()
        .int(1, 0)
        .msg(2, Msg::new().entry(1, "app", b"web"))
        .msg(3, template)
        .msg(4, strategy)
        .int(5, 0)
        .int(6, 10)
        .int(7, 0)
        .int(9, 600);
    let raw = Msg::new()
        .msg(1, meta("web"))
        .msg(2, spec)
        .msg(3, Msg::new().int(1, 0).int(2, 0));
    let want = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
        "spec": {"replicas": 0, "selector": {"matchLabels": {"app": "web"}},
            "strategy": {"type": "RollingUpdate",
                         "rollingUpdate": {"maxUnavailable": 0, "maxSurge": "25%"}},
            "revisionHistoryLimit": 10, "progressDeadlineSeconds": 600,
            "template": {"metadata": {"labels": {"app": "web"}}, "spec": {
                "volumes": [{"name": "cache", "emptyDir": {"medium": "Memory", "sizeLimit": "1Gi"}},
                            {"name": "cfg", "configMap": {"name": "settings", "defaultMode": 420}}],
                "containers": [{"name": "web", "image": "nginx:1.27", "args": ["--verbose"],
                    "ports": [{"name": "http", "containerPort": 8080, "protocol": "TCP"}],
                    "envFrom": [{"prefix": "CFG_", "configMapRef": {"name": "settings"}}],
                    "env": [{"name": "PASSWORD", "valueFrom": {"secretKeyRef": {
                        "name": "db", "key": "password", "optional": true}}}],
                    "resources": {"limits": {"memory": "128Mi"}, "requests": {"cpu": "100m"}},
                    "volumeMounts": [{"name": "cache", "readOnly": true, "mountPath": "/cache"}],
                    "readinessProbe": {"httpGet": {"path": "/healthz", "port": "http"},
                                       "initialDelaySeconds": 5, "failureThreshold": 3},
                    "imagePullPolicy": "IfNotPresent",
                    "securityContext": {"capabilities": {"drop": ["ALL"]}, "runAsNonRoot": true,
                        "runAsUser": 1000, "allowPrivilegeEscalation": false,
                        "seccompProfile": {"type": "RuntimeDefault"}}}],
                "restartPolicy": "Always", "terminationGracePeriodSeconds": 30,
                "dnsPolicy": "ClusterFirst", "nodeSelector": {"disk": "ssd"},
                "serviceAccountName": "web",
                "securityContext": {"runAsUser": 1000, "supplementalGroups": [5000, 5001, 5002]},
                "affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
                    "nodeSelectorTerms": [{"matchExpressions": [
                        {"key": "kubernetes.io/os", "operator": "In", "values": ["linux"]}]}]}}},
                "tolerations": [{"key": "dedicated", "operator": "Equal", "value": "web",
                                 "effect": "NoSchedule", "tolerationSeconds": 300}],
                "priority": -5}}},
        "status": {}});
    assert_eq!(
        decode(&envelope("apps/v1", "Deployment", raw)).unwrap(),
        want
    );
}
