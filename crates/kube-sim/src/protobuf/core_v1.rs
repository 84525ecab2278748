//! `v1` objects other than the pod template (kubernetes/api `core/v1/generated.proto`).

use super::meta::OBJECT_META;
use super::schema::{map, opt, ptr, rep, s, Field, Ty::*};

pub(super) const SECRET: &[Field] = &[
    opt(1, "metadata", Msg(OBJECT_META)),
    ptr(5, "immutable", Bool),
    map(2, "data", Bytes),
    map(4, "stringData", Str),
    s(3, "type"),
];

pub(super) const CONFIG_MAP: &[Field] = &[
    opt(1, "metadata", Msg(OBJECT_META)),
    ptr(4, "immutable", Bool),
    map(2, "data", Str),
    map(3, "binaryData", Bytes),
];

pub(super) const NAMESPACE: &[Field] = &[
    opt(1, "metadata", Msg(OBJECT_META)),
    opt(2, "spec", Msg(&[rep(1, "finalizers", Str)])),
    opt(3, "status", Msg(NAMESPACE_STATUS)),
];

const NAMESPACE_STATUS: &[Field] = &[
    s(1, "phase"),
    rep(2, "conditions", Msg(NAMESPACE_CONDITION)),
];

const NAMESPACE_CONDITION: &[Field] = &[
    s(1, "type"),
    s(2, "status"),
    opt(4, "lastTransitionTime", Time),
    s(5, "reason"),
    s(6, "message"),
];

pub(super) const SERVICE_ACCOUNT: &[Field] = &[
    opt(1, "metadata", Msg(OBJECT_META)),
    rep(2, "secrets", Msg(OBJECT_REFERENCE)),
    rep(3, "imagePullSecrets", Msg(LOCAL_OBJECT_REFERENCE)),
    ptr(4, "automountServiceAccountToken", Bool),
];

const OBJECT_REFERENCE: &[Field] = &[
    s(1, "kind"),
    s(2, "namespace"),
    s(3, "name"),
    s(4, "uid"),
    s(5, "apiVersion"),
    s(6, "resourceVersion"),
    s(7, "fieldPath"),
];

pub(super) const LOCAL_OBJECT_REFERENCE: &[Field] = &[s(1, "name")];
