//! Built-in kinds' server-side defaults and update rules (spec §2.9, §6.3).

use serde_json::{json, Value};

use crate::resource::ResourceType;
use crate::status::{ApiError, Cause};

fn set_default(obj: &mut Value, pointer: &str, value: Value) {
    if obj.pointer(pointer).is_none() {
        let mut parts: Vec<&str> = pointer.trim_start_matches('/').split('/').collect();
        let Some(last) = parts.pop() else { return };
        let mut node = &mut *obj;
        for p in parts {
            if !node.get(p).is_some_and(Value::is_object) {
                node[p] = json!({});
            }
            node = &mut node[p];
        }
        node[last] = value;
    }
}

/// Defaults of a pod template's spec (restart policy, DNS, containers, ports).
fn default_pod_spec(spec: &mut Value) {
    set_default(spec, "/restartPolicy", json!("Always"));
    set_default(spec, "/terminationGracePeriodSeconds", json!(30));
    set_default(spec, "/dnsPolicy", json!("ClusterFirst"));
    set_default(spec, "/securityContext", json!({}));
    set_default(spec, "/schedulerName", json!("default-scheduler"));
    for list in ["containers", "initContainers"] {
        if let Some(containers) = spec.get_mut(list).and_then(Value::as_array_mut) {
            for c in containers {
                set_default(c, "/resources", json!({}));
                set_default(c, "/terminationMessagePath", json!("/dev/termination-log"));
                set_default(c, "/terminationMessagePolicy", json!("File"));
                let image = c["image"].as_str().unwrap_or_default();
                let tag = image
                    .rsplit_once(':')
                    .filter(|(_, t)| !t.contains('/'))
                    .map(|(_, t)| t);
                let latest = !image.contains('@') && tag.is_none_or(|t| t == "latest");
                set_default(
                    c,
                    "/imagePullPolicy",
                    json!(if latest { "Always" } else { "IfNotPresent" }),
                );
                if let Some(ports) = c.get_mut("ports").and_then(Value::as_array_mut) {
                    for p in ports {
                        set_default(p, "/protocol", json!("TCP"));
                    }
                }
            }
        }
    }
}

/// Applies the server defaults of built-in kinds that clients observe.
pub fn apply_defaults(rt: &ResourceType, obj: &mut Value) {
    match (rt.group.as_str(), rt.plural.as_str()) {
        ("apps", "deployments") => {
            set_default(obj, "/spec/replicas", json!(1));
            if obj.pointer("/spec/strategy/type").is_none() {
                set_default(obj, "/spec/strategy", json!({}));
                obj["spec"]["strategy"]["type"] = json!("RollingUpdate");
            }
            if obj.pointer("/spec/strategy/type") == Some(&json!("RollingUpdate")) {
                set_default(
                    obj,
                    "/spec/strategy/rollingUpdate/maxUnavailable",
                    json!("25%"),
                );
                set_default(obj, "/spec/strategy/rollingUpdate/maxSurge", json!("25%"));
            }
            set_default(obj, "/spec/revisionHistoryLimit", json!(10));
            set_default(obj, "/spec/progressDeadlineSeconds", json!(600));
        }
        ("apps", "replicasets" | "statefulsets") => set_default(obj, "/spec/replicas", json!(1)),
        ("batch", "jobs") => {
            set_default(obj, "/spec/parallelism", json!(1));
            set_default(obj, "/spec/completions", json!(1));
            set_default(obj, "/spec/backoffLimit", json!(6));
            set_default(obj, "/spec/completionMode", json!("NonIndexed"));
            set_default(obj, "/spec/suspend", json!(false));
        }
        ("", "services") => {
            set_default(obj, "/spec/type", json!("ClusterIP"));
            set_default(obj, "/spec/sessionAffinity", json!("None"));
            if obj.pointer("/spec/type") != Some(&json!("ExternalName")) {
                set_default(obj, "/spec/ipFamilies", json!(["IPv4"]));
                set_default(obj, "/spec/ipFamilyPolicy", json!("SingleStack"));
                set_default(obj, "/spec/internalTrafficPolicy", json!("Cluster"));
            }
            if let Some(ports) = obj.pointer_mut("/spec/ports").and_then(Value::as_array_mut) {
                for p in ports {
                    set_default(p, "/protocol", json!("TCP"));
                    if p.get("targetPort").is_none() {
                        p["targetPort"] = p["port"].clone();
                    }
                }
            }
        }
        ("", "secrets") => set_default(obj, "/type", json!("Opaque")),
        _ => {}
    }
    for pointer in [
        "/spec/template/spec",
        "/spec/jobTemplate/spec/template/spec",
    ] {
        if let Some(spec) = obj.pointer_mut(pointer) {
            default_pod_spec(spec);
        }
    }
    if rt.group.is_empty() && rt.plural == "pods" {
        if let Some(spec) = obj.get_mut("spec") {
            default_pod_spec(spec);
        }
    }
}

fn immutable(field: &str, value: &Value) -> Cause {
    Cause {
        reason: "FieldValueInvalid".into(),
        message: format!("Invalid value: {}: field is immutable", render(value)),
        field: field.into(),
    }
}

fn render(v: &Value) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

/// Rejects changes to fields kube-apiserver keeps immutable.
pub fn validate_update(rt: &ResourceType, old: &Value, new: &Value) -> Result<(), ApiError> {
    let changed = |p: &str| old.pointer(p) != new.pointer(p);
    let mut causes = Vec::new();
    match (rt.group.as_str(), rt.plural.as_str()) {
        ("apps", "deployments" | "replicasets" | "statefulsets" | "daemonsets")
            if changed("/spec/selector") =>
        {
            causes.push(immutable(
                "spec.selector",
                new.pointer("/spec/selector").unwrap_or(&Value::Null),
            ));
        }
        ("batch", "jobs") => {
            for (pointer, field) in [
                ("/spec/selector", "spec.selector"),
                ("/spec/template", "spec.template"),
                ("/spec/completions", "spec.completions"),
            ] {
                if changed(pointer) {
                    causes.push(immutable(
                        field,
                        new.pointer(pointer).unwrap_or(&Value::Null),
                    ));
                }
            }
        }
        ("", "configmaps" | "secrets") => {
            if old.get("immutable") == Some(&json!(true)) {
                for field in ["data", "binaryData", "stringData"] {
                    if old.get(field) != new.get(field)
                        && !(field == "stringData" && new.get(field).is_none())
                    {
                        causes.push(Cause {
                            reason: "FieldValueForbidden".into(),
                            message: "Forbidden: field is immutable when `immutable` is set".into(),
                            field: field.into(),
                        });
                    }
                }
                if new.get("immutable") != Some(&json!(true)) {
                    causes.push(Cause {
                        reason: "FieldValueForbidden".into(),
                        message: "Forbidden: field is immutable when `immutable` is set".into(),
                        field: "immutable".into(),
                    });
                }
            }
            if rt.plural == "secrets" && changed("/type") && new.get("type").is_some() {
                causes.push(immutable("type", new.get("type").unwrap_or(&Value::Null)));
            }
        }
        ("", "services") => {
            let old_ip = old
                .pointer("/spec/clusterIP")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let new_ip = new
                .pointer("/spec/clusterIP")
                .and_then(Value::as_str)
                .unwrap_or_default();
            if !old_ip.is_empty() && !new_ip.is_empty() && old_ip != new_ip {
                causes.push(Cause {
                    reason: "FieldValueInvalid".into(),
                    message: format!("Invalid value: [\"{new_ip}\"]: may not change once set"),
                    field: "spec.clusterIPs[0]".into(),
                });
            }
        }
        _ => {}
    }
    if causes.is_empty() {
        return Ok(());
    }
    let name = crate::object::meta_str(new, "name")
        .or_else(|| crate::object::meta_str(old, "name"))
        .unwrap_or_default();
    Err(ApiError::invalid(&rt.subject(name), &causes))
}

/// Keeps server-allocated fields an update leaves out (a Service's cluster IP).
pub fn carry_allocated(rt: &ResourceType, old: &Value, new: &mut Value) {
    if rt.group.is_empty() && rt.plural == "services" {
        for field in ["clusterIP", "clusterIPs"] {
            if new.pointer(&format!("/spec/{field}")).is_none() {
                if let Some(v) = old.pointer(&format!("/spec/{field}")) {
                    new["spec"][field] = v.clone();
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rt(group: &str, plural: &str, kind: &str) -> ResourceType {
        ResourceType {
            group: group.into(),
            version: "v1".into(),
            storage_version: "v1".into(),
            plural: plural.into(),
            singular: kind.to_lowercase(),
            kind: kind.into(),
            namespaced: true,
            status: true,
            scale: false,
            generation: true,
            custom: false,
            schema: None,
        }
    }

    #[test]
    fn deployment_defaults_match_kube_apiserver() {
        let mut d = json!({"spec": {"selector": {}, "template": {"spec": {"containers": [
            {"name": "a", "image": "nginx:1.25", "ports": [{"containerPort": 80}]}, {"name": "b", "image": "busybox"}]}}}});
        apply_defaults(&rt("apps", "deployments", "Deployment"), &mut d);
        assert_eq!(d["spec"]["replicas"], 1);
        assert_eq!(
            d["spec"]["strategy"],
            json!({"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}})
        );
        let spec = &d["spec"]["template"]["spec"];
        assert_eq!(spec["restartPolicy"], "Always");
        assert_eq!(spec["containers"][0]["imagePullPolicy"], "IfNotPresent");
        assert_eq!(spec["containers"][1]["imagePullPolicy"], "Always");
        assert_eq!(spec["containers"][0]["ports"][0]["protocol"], "TCP");
    }

    #[test]
    fn immutable_fields() {
        let d = rt("apps", "deployments", "Deployment");
        let old = json!({"metadata": {"name": "web"}, "spec": {"selector": {"matchLabels": {"app": "web"}}}});
        let new = json!({"metadata": {"name": "web"}, "spec": {"selector": {"matchLabels": {"app": "x"}}}});
        let e = validate_update(&d, &old, &new).unwrap_err();
        assert_eq!(e.message, "Deployment.apps \"web\" is invalid: spec.selector: Invalid value: {\"matchLabels\":{\"app\":\"x\"}}: field is immutable");
        let cm = ResourceType {
            group: String::new(),
            ..rt("", "configmaps", "ConfigMap")
        };
        let old = json!({"metadata": {"name": "c"}, "immutable": true, "data": {"a": "1"}});
        let new = json!({"metadata": {"name": "c"}, "immutable": true, "data": {"a": "2"}});
        let e = validate_update(&cm, &old, &new).unwrap_err();
        assert_eq!(e.message, "ConfigMap \"c\" is invalid: data: Forbidden: field is immutable when `immutable` is set");
        let svc = rt("", "services", "Service");
        let old = json!({"metadata": {"name": "s"}, "spec": {"clusterIP": "10.96.0.10"}});
        let new = json!({"metadata": {"name": "s"}, "spec": {"clusterIP": "10.96.0.11"}});
        assert!(validate_update(&svc, &old, &new)
            .unwrap_err()
            .message
            .contains("may not change once set"));
        let mut carried = json!({"metadata": {"name": "s"}, "spec": {}});
        carry_allocated(&svc, &old, &mut carried);
        assert_eq!(carried["spec"]["clusterIP"], "10.96.0.10");
    }
}
