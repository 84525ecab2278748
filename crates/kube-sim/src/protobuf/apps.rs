//! `apps/v1` Deployment (kubernetes/api `apps/v1/generated.proto`).

use super::meta::{LABEL_SELECTOR, OBJECT_META};
use super::pod::POD_TEMPLATE_SPEC;
use super::schema::{opt, ptr, rep, req, s, Field, Ty::*};

pub(super) const DEPLOYMENT: &[Field] = &[
    opt(1, "metadata", Msg(OBJECT_META)),
    opt(2, "spec", Msg(DEPLOYMENT_SPEC)),
    opt(3, "status", Msg(DEPLOYMENT_STATUS)),
];

const DEPLOYMENT_SPEC: &[Field] = &[
    ptr(1, "replicas", I32),
    ptr(2, "selector", Msg(LABEL_SELECTOR)),
    req(3, "template", Msg(POD_TEMPLATE_SPEC)),
    opt(4, "strategy", Msg(DEPLOYMENT_STRATEGY)),
    opt(5, "minReadySeconds", I32),
    ptr(6, "revisionHistoryLimit", I32),
    opt(7, "paused", Bool),
    ptr(9, "progressDeadlineSeconds", I32),
];

const DEPLOYMENT_STRATEGY: &[Field] = &[
    s(1, "type"),
    ptr(
        2,
        "rollingUpdate",
        Msg(&[
            ptr(1, "maxUnavailable", IntOrStr),
            ptr(2, "maxSurge", IntOrStr),
        ]),
    ),
];

const DEPLOYMENT_STATUS: &[Field] = &[
    opt(1, "observedGeneration", I64),
    opt(2, "replicas", I32),
    opt(3, "updatedReplicas", I32),
    opt(7, "readyReplicas", I32),
    opt(4, "availableReplicas", I32),
    opt(5, "unavailableReplicas", I32),
    ptr(9, "terminatingReplicas", I32),
    rep(6, "conditions", Msg(DEPLOYMENT_CONDITION)),
    ptr(8, "collisionCount", I32),
];

const DEPLOYMENT_CONDITION: &[Field] = &[
    req(1, "type", Str),
    req(2, "status", Str),
    opt(6, "lastUpdateTime", Time),
    opt(7, "lastTransitionTime", Time),
    s(4, "reason"),
    s(5, "message"),
];
