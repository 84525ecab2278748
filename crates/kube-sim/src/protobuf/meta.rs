//! `meta.k8s.io/v1` messages (kubernetes/apimachinery `pkg/apis/meta/v1/generated.proto`).

use super::schema::{map, opt, ptr, rep, req, s, Field, Ty::*};

pub(super) const OBJECT_META: &[Field] = &[
    s(1, "name"),
    s(2, "generateName"),
    s(3, "namespace"),
    s(4, "selfLink"),
    s(5, "uid"),
    s(6, "resourceVersion"),
    opt(7, "generation", I64),
    opt(8, "creationTimestamp", Time),
    ptr(9, "deletionTimestamp", Time),
    ptr(10, "deletionGracePeriodSeconds", I64),
    map(11, "labels", Str),
    map(12, "annotations", Str),
    rep(13, "ownerReferences", Msg(OWNER_REFERENCE)),
    rep(14, "finalizers", Str),
    rep(17, "managedFields", Msg(MANAGED_FIELDS_ENTRY)),
];

const OWNER_REFERENCE: &[Field] = &[
    req(5, "apiVersion", Str),
    req(1, "kind", Str),
    req(3, "name", Str),
    req(4, "uid", Str),
    ptr(6, "controller", Bool),
    ptr(7, "blockOwnerDeletion", Bool),
];

const MANAGED_FIELDS_ENTRY: &[Field] = &[
    s(1, "manager"),
    s(2, "operation"),
    s(3, "apiVersion"),
    ptr(4, "time", Time),
    s(6, "fieldsType"),
    ptr(7, "fieldsV1", FieldsV1),
    s(8, "subresource"),
];

pub(super) const LABEL_SELECTOR: &[Field] = &[
    map(1, "matchLabels", Str),
    rep(2, "matchExpressions", Msg(SELECTOR_REQUIREMENT)),
];

/// `LabelSelectorRequirement`, and `FieldSelectorRequirement` (same layout).
pub(super) const SELECTOR_REQUIREMENT: &[Field] = &[
    req(1, "key", Str),
    req(2, "operator", Str),
    rep(3, "values", Str),
];

pub(super) const DELETE_OPTIONS: &[Field] = &[
    ptr(1, "gracePeriodSeconds", I64),
    ptr(2, "preconditions", Msg(PRECONDITIONS)),
    ptr(3, "orphanDependents", Bool),
    ptr(4, "propagationPolicy", Str),
    rep(5, "dryRun", Str),
    ptr(6, "ignoreStoreReadErrorWithClusterBreakingPotential", Bool),
];

const PRECONDITIONS: &[Field] = &[ptr(1, "uid", Str), ptr(2, "resourceVersion", Str)];
