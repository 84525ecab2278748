//! Server-side apply through kube-rs: ownership, conflicts, force, dry-run, managedFields.

use k8s_openapi::api::core::v1::ConfigMap;
use kube::api::{Api, Patch, PatchParams};
use serde_json::json;

use crate::support::start;

fn cm(data: serde_json::Value) -> serde_json::Value {
    json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg"}, "data": data})
}

#[tokio::test]
async fn apply_creates_conflicts_and_forces() {
    let sim = start().await;
    let api: Api<ConfigMap> = Api::namespaced(sim.client().unwrap(), "default");
    let a = PatchParams::apply("a");
    let created = api
        .patch("cfg", &a, &Patch::Apply(cm(json!({"k": "1", "x": "1"}))))
        .await
        .unwrap();
    let managed = created.metadata.managed_fields.unwrap();
    assert_eq!(managed.len(), 1);
    assert_eq!(
        (
            managed[0].manager.as_deref(),
            managed[0].operation.as_deref()
        ),
        (Some("a"), Some("Apply"))
    );

    // Another manager changing a field "a" owns conflicts, listing the field.
    let err = api
        .patch(
            "cfg",
            &PatchParams::apply("b"),
            &Patch::Apply(cm(json!({"k": "2"}))),
        )
        .await
        .unwrap_err();
    let kube::Error::Api(status) = err else {
        panic!("expected an API error")
    };
    assert_eq!((status.code, status.reason.as_str()), (409, "Conflict"));
    assert_eq!(
        status.message,
        "Apply failed with 1 conflict: conflict with \"a\": .data.k"
    );

    // Dry-run changes nothing; force takes ownership.
    let before = api.get("cfg").await.unwrap();
    api.patch(
        "cfg",
        &PatchParams::apply("b").force().dry_run(),
        &Patch::Apply(cm(json!({"k": "2"}))),
    )
    .await
    .unwrap();
    assert_eq!(
        api.get("cfg").await.unwrap().metadata.resource_version,
        before.metadata.resource_version
    );
    let forced = api
        .patch(
            "cfg",
            &PatchParams::apply("b").force(),
            &Patch::Apply(cm(json!({"k": "2"}))),
        )
        .await
        .unwrap();
    assert_eq!(forced.data.as_ref().unwrap()["k"], "2");
    let owners: Vec<String> = forced
        .metadata
        .managed_fields
        .unwrap()
        .iter()
        .filter_map(|m| m.manager.clone())
        .collect();
    assert!(
        owners.contains(&"a".to_owned()) && owners.contains(&"b".to_owned()),
        "{owners:?}"
    );

    // "a" stops sending x: the field goes (nobody else owns it); k stays ("b" owns it).
    let after = api
        .patch("cfg", &a, &Patch::Apply(cm(json!({}))))
        .await
        .unwrap();
    let data = after.data.unwrap();
    assert_eq!(data.get("k").map(String::as_str), Some("2"));
    assert!(!data.contains_key("x"), "{data:?}");

    // Re-applying the same configuration is a no-op (no new resourceVersion).
    let again = api
        .patch("cfg", &a, &Patch::Apply(cm(json!({}))))
        .await
        .unwrap();
    assert_eq!(
        again.metadata.resource_version,
        after.metadata.resource_version
    );
}

#[tokio::test]
async fn updates_are_tracked_in_managed_fields() {
    let sim = start().await;
    let api: Api<ConfigMap> = Api::namespaced(sim.client().unwrap(), "default");
    let created = api
        .create(
            &Default::default(),
            &serde_json::from_value(cm(json!({"k": "1"}))).unwrap(),
        )
        .await
        .unwrap();
    let managed = created.metadata.managed_fields.unwrap();
    assert_eq!(
        (
            managed[0].manager.as_deref(),
            managed[0].operation.as_deref()
        ),
        (Some("unknown"), Some("Update"))
    );
    let fields = managed[0].fields_v1.as_ref().unwrap().0.clone();
    assert_eq!(fields, json!({"f:data": {".": {}, "f:k": {}}}));
    let patched = api
        .patch(
            "cfg",
            &PatchParams {
                field_manager: Some("editor".into()),
                ..Default::default()
            },
            &Patch::Merge(json!({"data": {"k": "2"}})),
        )
        .await
        .unwrap();
    let owners: Vec<String> = patched
        .metadata
        .managed_fields
        .unwrap()
        .iter()
        .filter_map(|m| m.manager.clone())
        .collect();
    assert!(owners.contains(&"editor".to_owned()), "{owners:?}");
}
