//! Non-apply writes: ownership of changed fields, removal, the Update cap, managedFields
//! reset and overrides, subresources.

use serde_json::{json, Value};

use super::test_server::{cm, owner, Server};
use super::test_types::deployment;
use super::{sort_entries, update, ManagedFieldsEntry};

/// The recorded create of §2.8: manager `unknown` (no fieldManager), owning the defaulted
/// fields, compared against the empty Deployment kube-apiserver starts from.
#[test]
fn recorded_deployment_create() {
    let empty = json!({"metadata":{"creationTimestamp":null},"spec":{"selector":null,"strategy":{},
        "template":{"metadata":{"creationTimestamp":null},"spec":{"containers":null}}},"status":{}});
    let created = json!({"apiVersion":"apps/v1","kind":"Deployment",
        "metadata":{"name":"web","namespace":"demo","creationTimestamp":null},
        "spec":{"replicas":1,"selector":{"matchLabels":{"app":"web"}},
            "template":{"metadata":{"creationTimestamp":null,"labels":{"app":"web"}},
                "spec":{"containers":[{"name":"web","image":"nginx:1.25","resources":{},
                    "terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File","imagePullPolicy":"IfNotPresent"}],
                "restartPolicy":"Always","terminationGracePeriodSeconds":30,"dnsPolicy":"ClusterFirst","securityContext":{},"schedulerName":"default-scheduler"}},
            "strategy":{"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":"25%","maxSurge":"25%"}},
            "revisionHistoryLimit":10,"progressDeadlineSeconds":600},
        "status":{}});
    let entries = update(
        &empty,
        &created,
        &[],
        "",
        "apps/v1",
        None,
        &deployment(),
        "2026-06-15T04:15:57Z",
    );
    let recorded = json!({"f:spec":{"f:progressDeadlineSeconds":{},"f:replicas":{},"f:revisionHistoryLimit":{},"f:selector":{},
     "f:strategy":{"f:rollingUpdate":{".":{},"f:maxSurge":{},"f:maxUnavailable":{}},"f:type":{}},
     "f:template":{"f:metadata":{"f:labels":{".":{},"f:app":{}}},
      "f:spec":{"f:containers":{"k:{\"name\":\"web\"}":{".":{},"f:image":{},"f:imagePullPolicy":{},"f:name":{},"f:resources":{},"f:terminationMessagePath":{},"f:terminationMessagePolicy":{}}},
       "f:dnsPolicy":{},"f:restartPolicy":{},"f:schedulerName":{},"f:securityContext":{},"f:terminationGracePeriodSeconds":{}}}}});
    assert_eq!(
        serde_json::to_value(&entries).unwrap(),
        json!([{"manager":"unknown","operation":"Update","apiVersion":"apps/v1","time":"2026-06-15T04:15:57Z","fieldsType":"FieldsV1","fieldsV1":recorded}])
    );
}

#[test]
fn update_after_apply_moves_ownership() {
    let mut s = Server::config_map();
    s.apply("a", cm(json!({"k":"v1","l":"x"}))).unwrap();
    let mut edited = s.obj.clone().unwrap();
    edited["data"]["k"] = json!("v2");
    edited["metadata"]["labels"] = json!({"app":"web"});
    s.update("editor", edited);
    assert_eq!(
        s.owners(),
        [
            owner("a", "Apply", json!({"f:data":{"f:l":{}}})),
            owner(
                "editor",
                "Update",
                json!({"f:data":{"f:k":{}},"f:metadata":{"f:labels":{".":{},"f:app":{}}}})
            ),
        ]
    );
    let err = s.apply("a", cm(json!({"k":"v1","l":"x"}))).unwrap_err();
    assert_eq!(
        err.to_string(),
        "Apply failed with 1 conflict: conflict with \"editor\" using v1: .data.k"
    );

    // Removing `l` takes it from `a`, whose entry is then empty and dropped; the editor's
    // entry keeps its time (it gained nothing).
    let editor_time = s.managed()[1].time.clone();
    let mut edited = s.obj.clone().unwrap();
    edited["data"].as_object_mut().unwrap().remove("l");
    s.update("editor", edited);
    assert_eq!(
        s.owners(),
        [owner(
            "editor",
            "Update",
            json!({"f:data":{"f:k":{}},"f:metadata":{"f:labels":{".":{},"f:app":{}}}})
        )]
    );
    assert_eq!(s.managed()[0].time, editor_time);
}

#[test]
fn unchanged_write_keeps_entries() {
    let mut s = Server::config_map();
    s.update("a", cm(json!({"k":"v"})));
    let before = s.managed();
    let same = s.obj.clone().unwrap();
    s.update("b", same);
    assert_eq!(s.managed(), before);
}

#[test]
fn update_entries_are_capped() {
    let mut s = Server::config_map();
    let mut data = serde_json::Map::new();
    for i in 1..=12 {
        data.insert(format!("k{i:02}"), json!("v"));
        let mut next = s.obj.clone().unwrap_or_else(|| cm(json!({})));
        next["data"] = Value::Object(data.clone());
        s.update(&format!("m{i:02}"), next);
    }
    let entries = s.managed();
    assert_eq!(entries.len(), 10);
    assert_eq!(entries[0].manager, "ancient-changes");
    assert_eq!(
        entries[0].fields_v1,
        Some(json!({"f:data":{".":{},"f:k01":{},"f:k02":{},"f:k03":{}}}))
    );
    assert_eq!(entries[0].time.as_deref(), Some("2026-06-15T04:00:03Z"));
    let names: Vec<&str> = entries[1..].iter().map(|e| e.manager.as_str()).collect();
    assert_eq!(
        names,
        ["m04", "m05", "m06", "m07", "m08", "m09", "m10", "m11", "m12"]
    );
}

#[test]
fn managed_fields_reset_and_overrides() {
    for reset in [json!([{}]), json!([])] {
        let mut s = Server::config_map();
        s.apply("a", cm(json!({"k":"v1"}))).unwrap();
        let mut next = s.obj.clone().unwrap();
        next["metadata"]["managedFields"] = reset.clone();
        assert_eq!(
            s.update("b", next),
            Vec::<ManagedFieldsEntry>::new(),
            "reset with {reset}"
        );
        assert_eq!(s.get("/metadata/managedFields"), None);
        // Untracked objects stay untracked through updates...
        let mut next = s.obj.clone().unwrap();
        next["data"]["k"] = json!("v2");
        assert!(s.update("b", next).is_empty());
        // ...until an apply, which first records everything as before-first-apply.
        s.apply("a", cm(json!({"j":"x"}))).unwrap();
        let names: Vec<String> = s.managed().into_iter().map(|e| e.manager).collect();
        assert_eq!(names, ["a", "before-first-apply"]);
    }

    // A valid client list replaces live's (how kubectl migrates client-side apply).
    let mut s = Server::config_map();
    s.apply("a", cm(json!({"k":"v1"}))).unwrap();
    let mut next = s.obj.clone().unwrap();
    next["metadata"]["managedFields"] = json!([{"manager":"x","operation":"Update","apiVersion":"v1","fieldsType":"FieldsV1","fieldsV1":{"f:data":{"f:k":{}}}}]);
    s.update("kubectl", next);
    assert_eq!(
        s.owners(),
        [owner("x", "Update", json!({"f:data":{"f:k":{}}}))]
    );

    // An invalid one is ignored.
    let mut next = s.obj.clone().unwrap();
    next["metadata"]["managedFields"] =
        json!([{"manager":"y","operation":"Bogus","apiVersion":"v1","fieldsType":"FieldsV1"}]);
    s.update("kubectl", next);
    assert_eq!(
        s.owners(),
        [owner("x", "Update", json!({"f:data":{"f:k":{}}}))]
    );

    // Subresource writes always start from live's list.
    let mut next = s.obj.clone().unwrap();
    next["metadata"]["managedFields"] = json!([{}]);
    s.update_to("kubectl", Some("status"), next);
    assert_eq!(
        s.owners(),
        [owner("x", "Update", json!({"f:data":{"f:k":{}}}))]
    );
}

#[test]
fn status_writes_own_status_only() {
    let mut s = Server::deployment();
    s.update("creator", json!({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":1}}));
    let mut next = s.obj.clone().unwrap();
    next["status"] = json!({"replicas":1,"conditions":[{"type":"Available","status":"True"}]});
    next["spec"]["replicas"] = json!(9);
    let entries = s.update_to("ctrl", Some("status"), next);
    let ctrl = entries.iter().find(|e| e.manager == "ctrl").unwrap();
    assert_eq!(ctrl.subresource, "status");
    assert_eq!(
        ctrl.fields_v1,
        Some(
            json!({"f:status":{".":{},"f:replicas":{},"f:conditions":{".":{},"k:{\"type\":\"Available\"}":{".":{},"f:type":{},"f:status":{}}}}})
        )
    );
    // The main resource ignores status changes for ownership.
    let mut next = s.obj.clone().unwrap();
    next["status"]["replicas"] = json!(3);
    let entries = s.update("creator", next);
    let creator = entries.iter().find(|e| e.manager == "creator").unwrap();
    assert_eq!(
        creator.fields_v1,
        Some(json!({"f:spec":{".":{},"f:replicas":{}}}))
    );
    assert!(entries.iter().any(|e| e.manager == "ctrl"));
}

#[test]
fn entries_sort_like_kube_apiserver() {
    let e = |manager: &str, op: &str, time: Option<&str>, sub: &str| ManagedFieldsEntry {
        manager: manager.into(),
        operation: op.into(),
        api_version: "v1".into(),
        time: time.map(Into::into),
        fields_type: "FieldsV1".into(),
        fields_v1: Some(json!({})),
        subresource: sub.into(),
    };
    let mut entries = vec![
        e("unknown", "Update", Some("2026-06-15T04:15:57Z"), ""),
        e(
            "kube-apiserver",
            "Update",
            Some("2026-06-15T04:15:57Z"),
            "status",
        ),
        e("z", "Apply", Some("2026-06-15T04:15:58Z"), ""),
        e("old", "Update", Some("2026-06-15T05:15:56+01:00"), ""),
        e("a", "Apply", None, ""),
    ];
    sort_entries(&mut entries);
    let order: Vec<&str> = entries.iter().map(|e| e.manager.as_str()).collect();
    assert_eq!(order, ["a", "z", "old", "kube-apiserver", "unknown"]);
}
