//! Server-side apply: the worked examples of §3.4 (and the conflict message formats).

use serde_json::json;

use super::test_server::{cm, conflict, dep, owner, Server};
use super::ApplyError;

#[test]
fn example_a_two_appliers_one_config_map() {
    let mut s = Server::config_map();
    let a_k = json!({"f:data":{"f:k":{}}});

    // 1. `a` creates the object.
    let r = s.apply("a", cm(json!({"k":"v1"}))).unwrap();
    assert!(r.changed && r.object_changed);
    assert_eq!(
        serde_json::to_value(&r.managed_fields).unwrap(),
        json!([{"manager":"a","operation":"Apply","apiVersion":"v1","time":"2026-06-15T04:00:01Z","fieldsType":"FieldsV1","fieldsV1":{"f:data":{"f:k":{}}}}])
    );
    assert_eq!(s.body(), cm(json!({"k":"v1"})));

    // 2. `b` sets another value: conflict, nothing stored.
    let err = s.apply("b", cm(json!({"k":"v2"}))).unwrap_err();
    assert_eq!(err.status_code(), 409);
    assert_eq!(
        err.to_string(),
        "Apply failed with 1 conflict: conflict with \"a\": .data.k"
    );
    let ApplyError::Conflict(c) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(
        serde_json::to_value(c.causes()).unwrap(),
        json!([{"reason":"FieldManagerConflict","message":"conflict with \"a\"","field":".data.k"}])
    );

    // 3. `b` applies the same value: co-owner. The object did not change, so `b`'s entry
    //    gets no time (as upstream) and sorts first, but the managedFields did change.
    let r = s.apply("b", cm(json!({"k":"v1"}))).unwrap();
    assert!(r.changed && !r.object_changed);
    assert_eq!(
        s.owners(),
        [
            owner("b", "Apply", a_k.clone()),
            owner("a", "Apply", a_k.clone())
        ]
    );
    assert_eq!(s.managed()[0].time, None);

    // 4. `a` stops applying `data`: `.data.k` stays (b owns it), a's entry disappears.
    let r = s
        .apply(
            "a",
            json!({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg"}}),
        )
        .unwrap();
    assert!(r.changed && !r.object_changed);
    assert_eq!(s.owners(), [owner("b", "Apply", a_k.clone())]);
    assert_eq!(s.get("/data"), Some(json!({"k":"v1"})));

    // 5. `b` applies only `j`: `k` has no owner left and is removed.
    s.apply("b", cm(json!({"j":"x"}))).unwrap();
    assert_eq!(s.get("/data"), Some(json!({"j":"x"})));
    assert_eq!(
        s.owners(),
        [owner("b", "Apply", json!({"f:data":{"f:j":{}}}))]
    );

    // 6. `a` takes `k` again; `b` forces a different value and takes it over.
    s.apply("a", cm(json!({"k":"v1"}))).unwrap();
    let msg = conflict(s.apply("b", cm(json!({"k":"v9","j":"x"}))));
    assert_eq!(
        msg,
        "Apply failed with 1 conflict: conflict with \"a\": .data.k"
    );
    s.force("b", cm(json!({"k":"v9","j":"x"}))).unwrap();
    assert_eq!(s.get("/data"), Some(json!({"j":"x","k":"v9"})));
    assert_eq!(
        s.owners(),
        [owner("b", "Apply", json!({"f:data":{"f:j":{},"f:k":{}}}))]
    );
}

#[test]
fn applying_an_empty_map_keeps_owning_it() {
    // Upstream owns `data` itself when `data: {}` is applied (only omitting `data` gives
    // the field up); keys nobody owns any more are pruned, leaving `null` (which Go decoding
    // of a ConfigMap then drops).
    let mut s = Server::config_map();
    s.apply("a", cm(json!({"k":"v1"}))).unwrap();
    s.apply("a", cm(json!({}))).unwrap();
    assert_eq!(s.owners(), [owner("a", "Apply", json!({"f:data":{}}))]);
    assert_eq!(s.get("/data"), Some(json!(null)));
    // With a co-owner of `k`, it stays.
    s.apply("a", cm(json!({"k":"v1"}))).unwrap();
    s.apply("b", cm(json!({"k":"v1"}))).unwrap();
    s.apply("a", cm(json!({}))).unwrap();
    assert_eq!(s.get("/data"), Some(json!({"k":"v1"})));
}

#[test]
fn no_op_apply_changes_nothing() {
    let mut s = Server::config_map();
    s.apply("a", cm(json!({"k":"v1"}))).unwrap();
    let before = s.obj.clone();
    let r = s.apply("a", cm(json!({"k":"v1"}))).unwrap();
    assert!(!r.changed && !r.object_changed);
    assert_eq!(Some(r.object), before);
}

#[test]
fn example_b_update_manager_conflicts_with_applier() {
    let mut s = Server::deployment();
    s.apply("helm", dep(json!({"replicas":1}))).unwrap();
    let mut edited = s.obj.clone().unwrap();
    edited["spec"]["replicas"] = json!(5);
    s.update("kubectl-edit", edited);
    assert_eq!(
        conflict(s.apply("helm", dep(json!({"replicas":1})))),
        "Apply failed with 1 conflict: conflict with \"kubectl-edit\" using apps/v1: .spec.replicas"
    );
    let err = s.apply("helm", dep(json!({"replicas":1}))).unwrap_err();
    let ApplyError::Conflict(c) = err else {
        panic!()
    };
    assert_eq!(
        c.to_status(),
        json!({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",
         "message":"Apply failed with 1 conflict: conflict with \"kubectl-edit\" using apps/v1: .spec.replicas",
         "reason":"Conflict","details":{"causes":[{"reason":"FieldManagerConflict","message":"conflict with \"kubectl-edit\" using apps/v1","field":".spec.replicas"}]},"code":409})
    );
}

#[test]
fn multi_conflict_message_groups_by_sorted_manager() {
    let mut s = Server::deployment();
    let image = |i: &str| json!({"template":{"spec":{"containers":[{"name":"nginx","image":i}]}}});
    let mut created = dep(image("nginx:1"));
    created["spec"]["replicas"] = json!(1);
    s.update("kubectl-client-side-apply", created);
    let mut a = dep(image("nginx:2"));
    a["spec"]["revisionHistoryLimit"] = json!(5);
    s.force("a", a).unwrap();
    let mut helm = dep(image("nginx:3"));
    helm["spec"]["replicas"] = json!(3);
    helm["spec"]["revisionHistoryLimit"] = json!(6);
    assert_eq!(
        conflict(s.apply("helm", helm)),
        "Apply failed with 3 conflicts: conflicts with \"a\":\n- .spec.revisionHistoryLimit\n\
         - .spec.template.spec.containers[name=\"nginx\"].image\n\
         conflicts with \"kubectl-client-side-apply\" using apps/v1:\n- .spec.replicas"
    );
}

#[test]
fn example_d_before_first_apply() {
    let mut s = Server::config_map();
    let mut existing = cm(json!({"k":"v1"}));
    existing["metadata"]["uid"] = json!("u");
    existing["metadata"]["labels"] = json!({"app":"x"});
    s.obj = Some(existing);
    assert_eq!(
        conflict(s.apply("a", cm(json!({"k":"v2"})))),
        "Apply failed with 1 conflict: conflict with \"before-first-apply\" using v1: .data.k"
    );
    s.apply("a", cm(json!({"j":"y"}))).unwrap();
    assert_eq!(
        s.owners(),
        [
            owner("a", "Apply", json!({"f:data":{"f:j":{}}})),
            owner(
                "before-first-apply",
                "Update",
                json!({"f:data":{".":{},"f:k":{}},"f:metadata":{"f:labels":{".":{},"f:app":{}}}})
            ),
        ]
    );
    // `a` omits `k` next time: not pruned, it never owned it.
    s.apply("a", cm(json!({"j":"z"}))).unwrap();
    assert_eq!(s.get("/data"), Some(json!({"j":"z","k":"v1"})));
}

#[test]
fn example_e_scale_subresource_owner() {
    let mut s = Server::deployment();
    s.apply("helm", dep(json!({"replicas":1}))).unwrap();
    let mut scaled = s.obj.clone().unwrap();
    scaled["spec"]["replicas"] = json!(4);
    let entries = s.update_to("kubectl", Some("scale"), scaled);
    let scale = entries.iter().find(|e| e.subresource == "scale").unwrap();
    assert_eq!(scale.fields_v1, Some(json!({"f:spec":{"f:replicas":{}}})));
    assert_eq!(
        conflict(s.apply("helm", dep(json!({"replicas":2})))),
        "Apply failed with 1 conflict: conflict with \"kubectl\" with subresource \"scale\" using apps/v1: .spec.replicas"
    );
}

#[test]
fn example_c_kubectl_takes_over_client_side_apply_fields() {
    let last = "{\"apiVersion\":\"v1\",\"data\":{\"k\":\"v1\"},\"kind\":\"ConfigMap\",\"metadata\":{\"annotations\":{},\"name\":\"cfg\",\"namespace\":\"demo\"}}\n";
    let created = |k: &str| {
        let mut o = cm(json!({"k":k}));
        o["metadata"]["annotations"] =
            json!({"kubectl.kubernetes.io/last-applied-configuration": last});
        o
    };
    // `k` still has its last-applied value: kubectl takes it without a conflict and the
    // annotation is rewritten to the new configuration.
    let mut s = Server::config_map();
    s.update("kubectl-client-side-apply", created("v1"));
    let r = s.apply("kubectl", cm(json!({"k":"v2"}))).unwrap();
    assert_eq!(r.object["data"], json!({"k":"v2"}));
    assert_eq!(
        r.object["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"],
        json!("{\"apiVersion\":\"v1\",\"data\":{\"k\":\"v2\"},\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"cfg\",\"namespace\":\"demo\"}}\n")
    );
    let owners = s.owners();
    assert_eq!(
        owners[0],
        owner("kubectl", "Apply", json!({"f:data":{"f:k":{}}}))
    );
    assert_eq!(
        owners[1].2,
        json!({"f:data":{},"f:metadata":{"f:annotations":{".":{},"f:kubectl.kubernetes.io/last-applied-configuration":{}}}})
    );

    // Another manager gets no such relief.
    let mut s = Server::config_map();
    s.update("kubectl-client-side-apply", created("v1"));
    assert_eq!(
        conflict(s.apply("helm", cm(json!({"k":"v2"})))),
        "Apply failed with 1 conflict: conflict with \"kubectl-client-side-apply\" using v1: .data.k"
    );
    // Nor does kubectl when the live value moved away from the last-applied one.
    let mut s = Server::config_map();
    s.update("kubectl-client-side-apply", created("v3"));
    assert_eq!(
        conflict(s.apply("kubectl", cm(json!({"k":"v2"})))),
        "Apply failed with 1 conflict: conflict with \"kubectl-client-side-apply\" using v1: .data.k"
    );
}
