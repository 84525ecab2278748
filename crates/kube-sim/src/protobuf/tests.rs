//! Hand-encoded messages and captured kubectl bodies → JSON.

use serde_json::{json, Value};

use super::encode::{envelope, meta, Msg};
use super::{decode, is_protobuf, supports, ProtobufError};

const CREATED: i64 = 1_781_496_957; // 2026-06-15T04:15:57Z

fn time(seconds: i64) -> Msg {
    Msg::new().int(1, seconds).int(2, 0)
}

#[test]
fn recognises_the_protobuf_media_type() {
    assert!(is_protobuf("application/vnd.kubernetes.protobuf"));
    assert!(is_protobuf(
        "Application/VND.Kubernetes.Protobuf; charset=binary"
    ));
    assert!(is_protobuf(
        " application/vnd.kubernetes.protobuf ;stream=watch"
    ));
    assert!(!is_protobuf("application/json"));
    assert!(!is_protobuf("application/vnd.kubernetes.protobuf+json"));
    assert!(!is_protobuf(""));
}

#[test]
fn full_object_meta() {
    let owner = Msg::new()
        .str(1, "ReplicaSet")
        .str(3, "web-5d8f")
        .str(4, "1111-2222")
        .str(5, "apps/v1")
        .int(6, 1)
        .int(7, 0);
    let fields = br#"{"f:data":{".":{},"f:a":{}}}"#;
    let managed = Msg::new()
        .str(1, "kubectl")
        .str(2, "Update")
        .str(3, "v1")
        .msg(4, time(CREATED))
        .str(6, "FieldsV1")
        .msg(7, Msg::new().bytes(1, fields))
        .str(8, "");
    let metadata = Msg::new()
        .str(1, "web")
        .str(2, "")
        .str(3, "demo")
        .str(4, "")
        .str(5, "b8eea04b-073c-4462-bae4-30ec69bc8c2c")
        .str(6, "559")
        .int(7, 3)
        .msg(8, time(CREATED))
        .msg(9, time(CREATED + 5))
        .int(10, 0)
        .entry(11, "app", b"web")
        .entry(11, "empty", b"")
        .entry(12, "note", b"x=y")
        .msg(13, owner)
        .str(14, "example.com/hold")
        .str(14, "orphan")
        .msg(17, managed);
    let body = envelope("v1", "ConfigMap", Msg::new().msg(1, metadata));
    assert_eq!(
        decode(&body).unwrap(),
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {
            "name": "web", "namespace": "demo", "uid": "b8eea04b-073c-4462-bae4-30ec69bc8c2c",
            "resourceVersion": "559", "generation": 3,
            "creationTimestamp": "2026-06-15T04:15:57Z",
            "deletionTimestamp": "2026-06-15T04:16:02Z", "deletionGracePeriodSeconds": 0,
            "labels": {"app": "web", "empty": ""}, "annotations": {"note": "x=y"},
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet",
                "name": "web-5d8f", "uid": "1111-2222", "controller": true,
                "blockOwnerDeletion": false}],
            "finalizers": ["example.com/hold", "orphan"],
            "managedFields": [{"manager": "kubectl", "operation": "Update", "apiVersion": "v1",
                "time": "2026-06-15T04:15:57Z", "fieldsType": "FieldsV1",
                "fieldsV1": {"f:data": {".": {}, "f:a": {}}}}]}})
    );
}

#[test]
fn secret_data_is_base64_and_pointers_keep_zero_values() {
    let raw = Msg::new()
        .msg(1, meta("s"))
        .entry(2, "one", b"a")
        .entry(2, "two", b"ab")
        .entry(2, "three", b"abc")
        .entry(2, "bin", &[0xff, 0xfe, 0x00, 0x80])
        .entry(2, "empty", b"")
        .str(3, "kubernetes.io/tls")
        .entry(4, "plain", b"text")
        .int(5, 0);
    assert_eq!(
        decode(&envelope("v1", "Secret", raw)).unwrap(),
        json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"},
               "data": {"one": "YQ==", "two": "YWI=", "three": "YWJj", "bin": "//4AgA==",
                        "empty": ""},
               "type": "kubernetes.io/tls", "stringData": {"plain": "text"},
               "immutable": false})
    );
}

#[test]
fn config_map_namespace_and_service_account() {
    let cm = Msg::new()
        .msg(1, meta("c"))
        .entry(2, "k", b"v")
        .entry(3, "blob", &[1, 2, 3])
        .int(4, 1);
    assert_eq!(
        decode(&envelope("v1", "ConfigMap", cm)).unwrap(),
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"},
               "data": {"k": "v"}, "binaryData": {"blob": "AQID"}, "immutable": true})
    );
    let condition = Msg::new()
        .str(1, "NamespaceDeletionContentFailure")
        .str(2, "False")
        .msg(4, time(CREATED))
        .str(5, "ContentDeleted")
        .str(6, "");
    let ns = Msg::new()
        .msg(1, meta("team"))
        .msg(2, Msg::new().str(1, "kubernetes"))
        .msg(3, Msg::new().str(1, "Terminating").msg(2, condition));
    assert_eq!(
        decode(&envelope("v1", "Namespace", ns)).unwrap(),
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team"},
               "spec": {"finalizers": ["kubernetes"]},
               "status": {"phase": "Terminating", "conditions": [{
                   "type": "NamespaceDeletionContentFailure", "status": "False",
                   "lastTransitionTime": "2026-06-15T04:15:57Z", "reason": "ContentDeleted"}]}})
    );
    let sa = Msg::new()
        .msg(1, meta("robot"))
        .msg(
            2,
            Msg::new().str(1, "Secret").str(3, "robot-token").str(2, ""),
        )
        .msg(3, Msg::new().str(1, "regcred"))
        .int(4, 0);
    assert_eq!(
        decode(&envelope("v1", "ServiceAccount", sa)).unwrap(),
        json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "robot"},
               "secrets": [{"kind": "Secret", "name": "robot-token"}],
               "imagePullSecrets": [{"name": "regcred"}],
               "automountServiceAccountToken": false})
    );
}

#[test]
fn delete_options() {
    let empty = envelope("v1", "DeleteOptions", Msg::new());
    assert_eq!(
        decode(&empty).unwrap(),
        json!({"apiVersion": "v1", "kind": "DeleteOptions"})
    );
    let raw = Msg::new()
        .int(1, 0)
        .msg(2, Msg::new().str(1, "uid-1").str(2, "42"))
        .str(4, "Foreground")
        .str(5, "All");
    assert_eq!(
        decode(&envelope("meta.k8s.io/v1", "DeleteOptions", raw)).unwrap(),
        json!({"apiVersion": "meta.k8s.io/v1", "kind": "DeleteOptions", "gracePeriodSeconds": 0,
               "preconditions": {"uid": "uid-1", "resourceVersion": "42"},
               "propagationPolicy": "Foreground", "dryRun": ["All"]})
    );
}

#[test]
fn reviews() {
    let attributes = Msg::new()
        .str(1, "demo")
        .str(2, "get")
        .str(3, "")
        .str(4, "")
        .str(5, "pods")
        .str(6, "log")
        .str(7, "")
        .msg(9, Msg::new().str(1, "app=web"));
    let ssar = Msg::new()
        .msg(1, meta(""))
        .msg(2, Msg::new().msg(1, attributes))
        .msg(3, Msg::new().int(1, 0).int(4, 0).str(2, "").str(3, ""));
    assert_eq!(
        decode(&envelope(
            "authorization.k8s.io/v1",
            "SelfSubjectAccessReview",
            ssar
        ))
        .unwrap(),
        json!({"apiVersion": "authorization.k8s.io/v1", "kind": "SelfSubjectAccessReview",
               "metadata": {}, "spec": {"resourceAttributes": {"namespace": "demo",
                   "verb": "get", "resource": "pods", "subresource": "log",
                   "labelSelector": {"rawSelector": "app=web"}}},
               "status": {"allowed": false}})
    );
    let extra = Msg::new()
        .str(1, "scopes")
        .msg(2, Msg::new().str(1, "a").str(1, "b"));
    let user = Msg::new().str(1, "alice").str(3, "dev").msg(4, extra);
    let ssr = Msg::new().msg(1, meta("")).msg(2, Msg::new().msg(1, user));
    assert_eq!(
        decode(&envelope(
            "authentication.k8s.io/v1beta1",
            "SelfSubjectReview",
            ssr
        ))
        .unwrap(),
        json!({"apiVersion": "authentication.k8s.io/v1beta1", "kind": "SelfSubjectReview",
               "metadata": {}, "status": {"userInfo": {"username": "alice", "groups": ["dev"],
                   "extra": {"scopes": ["a", "b"]}}}})
    );
}

#[test]
fn unknown_fields_of_every_wire_type_are_skipped() {
    let raw = Msg::new()
        .varint(99, 7)
        .fixed32(98, 1)
        .fixed64(97, 2)
        .bytes(96, b"\x08\x01")
        .msg(1, meta("c").str(15, "old clusterName field"))
        .entry(2, "k", b"v");
    assert_eq!(
        decode(&envelope("v1", "ConfigMap", raw)).unwrap(),
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"},
               "data": {"k": "v"}})
    );
}

#[test]
fn errors() {
    let err = decode(b"{\"kind\":\"Secret\"}").unwrap_err();
    assert_eq!(err, ProtobufError::MissingMagic);
    assert_eq!(err.status_code(), 400);

    let err = decode(&envelope("example.com/v1", "Widget", Msg::new())).unwrap_err();
    assert_eq!(err.status_code(), 415);
    assert_eq!(
        err.to_string(),
        "protobuf bodies of kind Widget in example.com/v1 are not supported; send application/json"
    );
    assert!(!supports("v1", "Pod") && supports("apps/v1", "Deployment"));

    let no_kind = envelope("v1", "", Msg::new());
    assert_eq!(decode(&no_kind).unwrap_err(), ProtobufError::MissingKind);

    let gzip = [
        b"k8s\0".as_slice(),
        &Msg::new()
            .msg(1, Msg::new().str(1, "v1").str(2, "Secret"))
            .str(3, "gzip")
            .into_bytes(),
    ]
    .concat();
    let err = decode(&gzip).unwrap_err();
    assert_eq!(
        (err.status_code(), err.to_string().contains("gzip")),
        (415, true)
    );

    let mut truncated = envelope("v1", "Secret", Msg::new().msg(1, meta("s")));
    truncated.truncate(truncated.len() - 9);
    assert!(matches!(
        decode(&truncated),
        Err(ProtobufError::Malformed(_))
    ));

    let wrong_wire_type = Msg::new().int(1, 5);
    let err = decode(&envelope("v1", "Secret", wrong_wire_type)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "malformed protobuf: field 1 (metadata) has wire type varint"
    );

    let bad_utf8 = Msg::new().msg(1, Msg::new().bytes(1, &[0xff]));
    assert!(matches!(
        decode(&envelope("v1", "Secret", bad_utf8)),
        Err(ProtobufError::Malformed(_))
    ));

    let bad_fields = Msg::new().msg(
        1,
        Msg::new().msg(17, Msg::new().msg(7, Msg::new().str(1, "{"))),
    );
    assert!(matches!(
        decode(&envelope("v1", "Secret", bad_fields)),
        Err(ProtobufError::Malformed(_))
    ));

    let overlong = [b"k8s\0".as_slice(), &[0x08; 1], &[0xff; 11]].concat();
    assert!(matches!(
        decode(&overlong),
        Err(ProtobufError::Malformed(_))
    ));
}

/// Every `testdata/protobuf/NAME.pb` (bodies kubectl 1.32 sent) decodes to `NAME.json`.
#[test]
fn captured_kubectl_bodies() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/protobuf");
    let mut checked = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "pb") {
            continue;
        }
        let body = std::fs::read(&path).unwrap();
        let want: Value =
            serde_json::from_slice(&std::fs::read(path.with_extension("json")).unwrap()).unwrap();
        assert_eq!(decode(&body).unwrap(), want, "{}", path.display());
        checked.push(path.file_stem().unwrap().to_string_lossy().into_owned());
    }
    assert!(checked.len() >= 17, "{checked:?}");
}
