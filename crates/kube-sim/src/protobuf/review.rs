//! Self-subject reviews: kubernetes/api `authorization/v1` and `authentication/v1`
//! `generated.proto`.

use super::meta::{OBJECT_META, SELECTOR_REQUIREMENT};
use super::schema::{map, opt, ptr, rep, req, s, Field, Ty::*};

pub(super) const SELF_SUBJECT_ACCESS_REVIEW: &[Field] = &[
    opt(1, "metadata", Msg(OBJECT_META)),
    req(2, "spec", Msg(SELF_SUBJECT_ACCESS_REVIEW_SPEC)),
    opt(3, "status", Msg(SUBJECT_ACCESS_REVIEW_STATUS)),
];

const SELF_SUBJECT_ACCESS_REVIEW_SPEC: &[Field] = &[
    ptr(1, "resourceAttributes", Msg(RESOURCE_ATTRIBUTES)),
    ptr(
        2,
        "nonResourceAttributes",
        Msg(&[s(1, "path"), s(2, "verb")]),
    ),
];

const RESOURCE_ATTRIBUTES: &[Field] = &[
    s(1, "namespace"),
    s(2, "verb"),
    s(3, "group"),
    s(4, "version"),
    s(5, "resource"),
    s(6, "subresource"),
    s(7, "name"),
    ptr(8, "fieldSelector", Msg(SELECTOR_ATTRIBUTES)),
    ptr(9, "labelSelector", Msg(SELECTOR_ATTRIBUTES)),
];

/// `FieldSelectorAttributes` and `LabelSelectorAttributes`.
const SELECTOR_ATTRIBUTES: &[Field] = &[
    s(1, "rawSelector"),
    rep(2, "requirements", Msg(SELECTOR_REQUIREMENT)),
];

const SUBJECT_ACCESS_REVIEW_STATUS: &[Field] = &[
    req(1, "allowed", Bool),
    opt(4, "denied", Bool),
    s(2, "reason"),
    s(3, "evaluationError"),
];

pub(super) const SELF_SUBJECT_RULES_REVIEW: &[Field] = &[
    opt(1, "metadata", Msg(OBJECT_META)),
    req(2, "spec", Msg(&[s(1, "namespace")])),
    opt(3, "status", Msg(SUBJECT_RULES_REVIEW_STATUS)),
];

const SUBJECT_RULES_REVIEW_STATUS: &[Field] = &[
    rep(1, "resourceRules", Msg(RESOURCE_RULE)),
    rep(
        2,
        "nonResourceRules",
        Msg(&[rep(1, "verbs", Str), rep(2, "nonResourceURLs", Str)]),
    ),
    req(3, "incomplete", Bool),
    s(4, "evaluationError"),
];

const RESOURCE_RULE: &[Field] = &[
    rep(1, "verbs", Str),
    rep(2, "apiGroups", Str),
    rep(3, "resources", Str),
    rep(4, "resourceNames", Str),
];

/// authentication.k8s.io `SelfSubjectReview` (same layout in v1, v1beta1 and v1alpha1).
pub(super) const SELF_SUBJECT_REVIEW: &[Field] = &[
    opt(1, "metadata", Msg(OBJECT_META)),
    opt(2, "status", Msg(&[opt(1, "userInfo", Msg(USER_INFO))])),
];

const USER_INFO: &[Field] = &[
    s(1, "username"),
    s(2, "uid"),
    rep(3, "groups", Str),
    map(4, "extra", StrList),
];
