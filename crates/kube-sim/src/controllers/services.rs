//! Services get cluster IPs (and node ports, load-balancer ingress); claims bind.

use std::sync::Arc;

use serde_json::{json, Value};

use super::{create, key, object_key, set_status, LB_PENDING_ANNOTATION};
use crate::object::meta_str;
use crate::server::Api;
use crate::store::Write;

/// The next free address of 10.96.0.0/12 (10.96.0.1 belongs to `kubernetes`).
fn allocate_ip(api: &Api) -> String {
    let used: Vec<String> = api
        .store
        .list(&key("", "services"), None)
        .0
        .iter()
        .filter_map(|s| {
            s.pointer("/spec/clusterIP")
                .and_then(Value::as_str)
                .map(str::to_owned)
        })
        .collect();
    (10u32..)
        .map(|n| format!("10.96.{}.{}", n / 250, n % 250 + 1))
        .find(|ip| !used.contains(ip))
        .unwrap_or_else(|| "10.96.0.10".to_owned())
}

pub(crate) fn service(api: &Arc<Api>, svc: &Value) {
    if meta_str(svc, "deletionTimestamp").is_some() {
        return;
    }
    let svc_type = svc
        .pointer("/spec/type")
        .and_then(Value::as_str)
        .unwrap_or("ClusterIP")
        .to_owned();
    let needs_ip = svc_type != "ExternalName"
        && svc
            .pointer("/spec/clusterIP")
            .and_then(Value::as_str)
            .is_none_or(str::is_empty);
    let needs_ports = matches!(svc_type.as_str(), "NodePort" | "LoadBalancer")
        && svc
            .pointer("/spec/ports")
            .and_then(Value::as_array)
            .is_some_and(|ps| ps.iter().any(|p| p.get("nodePort").is_none()));
    if needs_ip || needs_ports || svc.pointer("/spec/type").is_none() {
        let ip = allocate_ip(api);
        let _ = api
            .store
            .write::<()>(&key("", "services"), &object_key(svc), |current, _| {
                let Some(cur) = current else {
                    return Ok(Write::Keep);
                };
                let mut next = cur.clone();
                if next.pointer("/spec/type").is_none() {
                    next["spec"]["type"] = json!("ClusterIP");
                }
                if needs_ip {
                    next["spec"]["clusterIP"] = json!(ip);
                    next["spec"]["clusterIPs"] = json!([ip]);
                }
                if let Some(ports) = next
                    .pointer_mut("/spec/ports")
                    .and_then(Value::as_array_mut)
                {
                    for (i, p) in ports.iter_mut().enumerate() {
                        if p.get("protocol").is_none() {
                            p["protocol"] = json!("TCP");
                        }
                        if p.get("targetPort").is_none() {
                            p["targetPort"] = p["port"].clone();
                        }
                        if needs_ports && p.get("nodePort").is_none() {
                            p["nodePort"] = json!(30000 + i as u64);
                        }
                    }
                }
                Ok(if &next == cur {
                    Write::Keep
                } else {
                    Write::Put(next)
                })
            });
    }
    let pending = svc
        .pointer(&format!(
            "/metadata/annotations/{}",
            LB_PENDING_ANNOTATION.replace('/', "~1")
        ))
        .is_some();
    let status = if svc_type == "LoadBalancer" && !pending {
        json!({"loadBalancer": {"ingress": [{"ip": "172.18.255.200", "ipMode": "VIP"}]}})
    } else {
        json!({"loadBalancer": {}})
    };
    set_status(api, &key("", "services"), &object_key(svc), status);
}

/// Binds a claim at once to a new volume of the requested size.
pub(crate) fn claim(api: &Arc<Api>, pvc: &Value) {
    if meta_str(pvc, "deletionTimestamp").is_some()
        || pvc.pointer("/status/phase") == Some(&json!("Bound"))
    {
        return;
    }
    let uid = meta_str(pvc, "uid").unwrap_or_default().to_owned();
    let volume = format!("pvc-{uid}");
    let storage = pvc
        .pointer("/spec/resources/requests/storage")
        .cloned()
        .unwrap_or(json!("1Gi"));
    let modes = pvc
        .pointer("/spec/accessModes")
        .cloned()
        .unwrap_or(json!(["ReadWriteOnce"]));
    create(
        api,
        "",
        "v1",
        "persistentvolumes",
        json!({
            "apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": volume},
            "spec": {"capacity": {"storage": storage}, "accessModes": modes, "storageClassName": "standard",
                "persistentVolumeReclaimPolicy": "Delete", "hostPath": {"path": format!("/var/kube-sim/{volume}")},
                "claimRef": {"kind": "PersistentVolumeClaim", "namespace": meta_str(pvc, "namespace"), "name": meta_str(pvc, "name"), "uid": uid}},
            "status": {"phase": "Bound"}
        }),
    );
    let _ = api.store.write::<()>(
        &key("", "persistentvolumeclaims"),
        &object_key(pvc),
        |current, _| {
            let Some(cur) = current else {
                return Ok(Write::Keep);
            };
            let mut next = cur.clone();
            next["spec"]["volumeName"] = json!(volume);
            next["metadata"]["annotations"]["pv.kubernetes.io/bind-completed"] = json!("yes");
            next["metadata"]["annotations"]["pv.kubernetes.io/bound-by-controller"] = json!("yes");
            next["status"] =
                json!({"phase": "Bound", "accessModes": modes, "capacity": {"storage": storage}});
            Ok(Write::Put(next))
        },
    );
}

/// Endpoints and an EndpointSlice for a Service with a selector: its ready Pods.
pub(crate) fn endpoints(api: &Arc<Api>, svc: &Value) {
    let Some(selector) = svc.pointer("/spec/selector").and_then(Value::as_object) else {
        return;
    };
    if meta_str(svc, "deletionTimestamp").is_some() || selector.is_empty() {
        return;
    }
    let ns = meta_str(svc, "namespace").unwrap_or_default().to_owned();
    let name = meta_str(svc, "name").unwrap_or_default().to_owned();
    let pods: Vec<Value> = api
        .store
        .list(&key("", "pods"), Some(&ns))
        .0
        .into_iter()
        .filter(|p| {
            selector.iter().all(|(k, v)| {
                p.pointer(&format!(
                    "/metadata/labels/{}",
                    k.replace('~', "~0").replace('/', "~1")
                )) == Some(v)
            }) && meta_str(p, "deletionTimestamp").is_none()
        })
        .collect();
    let ports: Vec<Value> = svc
        .pointer("/spec/ports")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let port_of = |p: &Value| {
        p.get("targetPort")
            .filter(|t| t.is_number())
            .cloned()
            .unwrap_or_else(|| p["port"].clone())
    };
    let ready: Vec<&Value> = pods.iter().filter(|p| super::pods::is_ready(p)).collect();
    let target = |p: &Value| json!({"kind": "Pod", "namespace": ns, "name": meta_str(p, "name"), "uid": meta_str(p, "uid")});
    let ip = |p: &Value| {
        p.pointer("/status/podIP")
            .cloned()
            .unwrap_or(json!("10.244.0.5"))
    };
    let endpoints_body = json!({
        "subsets": if ready.is_empty() { json!(null) } else { json!([{
            "addresses": ready.iter().map(|p| json!({"ip": ip(p), "nodeName": super::NODE_NAME, "targetRef": target(p)})).collect::<Vec<_>>(),
            "ports": ports.iter().map(|p| json!({"name": p.get("name").cloned().unwrap_or(json!("")), "port": port_of(p), "protocol": p.get("protocol").cloned().unwrap_or(json!("TCP"))})).collect::<Vec<_>>(),
        }]) }
    });
    let slice_endpoints: Vec<Value> = pods
        .iter()
        .map(|p| {
            let r = super::pods::is_ready(p);
            json!({"addresses": [ip(p)], "conditions": {"ready": r, "serving": r, "terminating": false},
                "nodeName": super::NODE_NAME, "targetRef": target(p)})
        })
        .collect();
    let slice_ports: Vec<Value> = ports
        .iter()
        .map(|p| json!({"name": p.get("name").cloned().unwrap_or(json!("")), "port": port_of(p), "protocol": p.get("protocol").cloned().unwrap_or(json!("TCP"))}))
        .collect();
    let owner = super::owner_ref(svc);
    // Endpoints share the Service's name.
    let ep_key = (ns.clone(), name.clone());
    if api.store.get(&key("", "endpoints"), &ep_key).is_none() {
        create(
            api,
            "",
            "v1",
            "endpoints",
            json!({"apiVersion": "v1", "kind": "Endpoints",
            "metadata": {"name": name, "namespace": ns, "labels": {"endpoints.kubernetes.io/managed-by": "endpoint-controller"}}}),
        );
    }
    update_fields(api, &key("", "endpoints"), &ep_key, &endpoints_body);
    // One slice per Service, found by its label.
    let slices = api
        .store
        .list(&key("discovery.k8s.io", "endpointslices"), Some(&ns))
        .0;
    let existing = slices
        .iter()
        .find(|s| s.pointer("/metadata/labels/kubernetes.io~1service-name") == Some(&json!(name)));
    let slice_key = match existing {
        Some(s) => object_key(s),
        None => {
            let Some(created) = create(
                api,
                "discovery.k8s.io",
                "v1",
                "endpointslices",
                json!({
                "apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
                "metadata": {"generateName": format!("{name}-"), "namespace": ns, "ownerReferences": owner,
                    "labels": {"kubernetes.io/service-name": name, "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io"}},
                "addressType": "IPv4"}),
            ) else {
                return;
            };
            object_key(&created)
        }
    };
    update_fields(
        api,
        &key("discovery.k8s.io", "endpointslices"),
        &slice_key,
        &json!({"endpoints": slice_endpoints, "ports": slice_ports}),
    );
}

/// Sets top-level fields of a stored object (no-op when equal).
fn update_fields(
    api: &Api,
    resource: &crate::store::ResourceKey,
    key: &crate::store::ObjectKey,
    fields: &Value,
) {
    let _ = api.store.write::<()>(resource, key, |current, _| {
        let Some(cur) = current else {
            return Ok(Write::Keep);
        };
        let mut next = cur.clone();
        if let (Some(o), Some(f)) = (next.as_object_mut(), fields.as_object()) {
            for (k, v) in f {
                if v.is_null() {
                    o.remove(k);
                } else {
                    o.insert(k.clone(), v.clone());
                }
            }
        }
        Ok(if &next == cur {
            Write::Keep
        } else {
            Write::Put(next)
        })
    });
}
