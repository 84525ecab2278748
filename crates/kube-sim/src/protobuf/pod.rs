//! `v1.PodTemplateSpec` and `v1.PodSpec` (kubernetes/api `core/v1/generated.proto`).

use super::container::{
    CONTAINER, OBJECT_FIELD_SELECTOR, PROFILE, RESOURCE_FIELD_SELECTOR, RESOURCE_REQUIREMENTS,
    SE_LINUX_OPTIONS, WINDOWS_OPTIONS,
};
use super::core_v1::LOCAL_OBJECT_REFERENCE;
use super::meta::{LABEL_SELECTOR, OBJECT_META};
use super::schema::{map, opt, ptr, rep, req, s, Field, Ty::*};

pub(super) const POD_TEMPLATE_SPEC: &[Field] = &[
    opt(1, "metadata", Msg(OBJECT_META)),
    opt(2, "spec", Msg(POD_SPEC)),
];

const POD_SPEC: &[Field] = &[
    rep(1, "volumes", Msg(VOLUME)),
    rep(20, "initContainers", Msg(CONTAINER)),
    rep(2, "containers", Msg(CONTAINER)),
    s(3, "restartPolicy"),
    ptr(4, "terminationGracePeriodSeconds", I64),
    ptr(5, "activeDeadlineSeconds", I64),
    s(6, "dnsPolicy"),
    map(7, "nodeSelector", Str),
    s(8, "serviceAccountName"),
    s(9, "serviceAccount"),
    ptr(21, "automountServiceAccountToken", Bool),
    s(10, "nodeName"),
    opt(11, "hostNetwork", Bool),
    opt(12, "hostPID", Bool),
    opt(13, "hostIPC", Bool),
    ptr(27, "shareProcessNamespace", Bool),
    ptr(14, "securityContext", Msg(POD_SECURITY_CONTEXT)),
    rep(15, "imagePullSecrets", Msg(LOCAL_OBJECT_REFERENCE)),
    s(16, "hostname"),
    s(17, "subdomain"),
    ptr(18, "affinity", Msg(AFFINITY)),
    s(19, "schedulerName"),
    rep(22, "tolerations", Msg(TOLERATION)),
    rep(
        23,
        "hostAliases",
        Msg(&[req(1, "ip", Str), rep(2, "hostnames", Str)]),
    ),
    s(24, "priorityClassName"),
    ptr(25, "priority", I32),
    ptr(26, "dnsConfig", Msg(DNS_CONFIG)),
    rep(28, "readinessGates", Msg(&[req(1, "conditionType", Str)])),
    ptr(29, "runtimeClassName", Str),
    ptr(30, "enableServiceLinks", Bool),
    ptr(31, "preemptionPolicy", Str),
    map(32, "overhead", Quantity),
    rep(33, "topologySpreadConstraints", Msg(TOPOLOGY_SPREAD)),
    ptr(35, "setHostnameAsFQDN", Bool),
    ptr(36, "os", Msg(&[req(1, "name", Str)])),
    ptr(37, "hostUsers", Bool),
    rep(38, "schedulingGates", Msg(&[req(1, "name", Str)])),
    ptr(40, "resources", Msg(RESOURCE_REQUIREMENTS)),
    ptr(41, "hostnameOverride", Str),
];

const POD_SECURITY_CONTEXT: &[Field] = &[
    ptr(1, "seLinuxOptions", Msg(SE_LINUX_OPTIONS)),
    ptr(8, "windowsOptions", Msg(WINDOWS_OPTIONS)),
    ptr(2, "runAsUser", I64),
    ptr(6, "runAsGroup", I64),
    ptr(3, "runAsNonRoot", Bool),
    rep(4, "supplementalGroups", I64),
    ptr(12, "supplementalGroupsPolicy", Str),
    ptr(5, "fsGroup", I64),
    rep(
        7,
        "sysctls",
        Msg(&[req(1, "name", Str), req(2, "value", Str)]),
    ),
    ptr(9, "fsGroupChangePolicy", Str),
    ptr(10, "seccompProfile", Msg(PROFILE)),
    ptr(11, "appArmorProfile", Msg(PROFILE)),
    ptr(13, "seLinuxChangePolicy", Str),
];

const TOLERATION: &[Field] = &[
    s(1, "key"),
    s(2, "operator"),
    s(3, "value"),
    s(4, "effect"),
    ptr(5, "tolerationSeconds", I64),
];

const DNS_CONFIG: &[Field] = &[
    rep(1, "nameservers", Str),
    rep(2, "searches", Str),
    rep(3, "options", Msg(&[s(1, "name"), ptr(2, "value", Str)])),
];

const TOPOLOGY_SPREAD: &[Field] = &[
    req(1, "maxSkew", I32),
    req(2, "topologyKey", Str),
    req(3, "whenUnsatisfiable", Str),
    ptr(4, "labelSelector", Msg(LABEL_SELECTOR)),
    ptr(5, "minDomains", I32),
    ptr(6, "nodeAffinityPolicy", Str),
    ptr(7, "nodeTaintsPolicy", Str),
    rep(8, "matchLabelKeys", Str),
];

const AFFINITY: &[Field] = &[
    ptr(1, "nodeAffinity", Msg(NODE_AFFINITY)),
    ptr(2, "podAffinity", Msg(POD_AFFINITY)),
    ptr(3, "podAntiAffinity", Msg(POD_AFFINITY)),
];

const NODE_AFFINITY: &[Field] = &[
    ptr(
        1,
        "requiredDuringSchedulingIgnoredDuringExecution",
        Msg(&[rep(1, "nodeSelectorTerms", Msg(NODE_SELECTOR_TERM))]),
    ),
    rep(
        2,
        "preferredDuringSchedulingIgnoredDuringExecution",
        Msg(&[
            req(1, "weight", I32),
            req(2, "preference", Msg(NODE_SELECTOR_TERM)),
        ]),
    ),
];

const NODE_SELECTOR_TERM: &[Field] = &[
    rep(1, "matchExpressions", Msg(NODE_SELECTOR_REQUIREMENT)),
    rep(2, "matchFields", Msg(NODE_SELECTOR_REQUIREMENT)),
];

const NODE_SELECTOR_REQUIREMENT: &[Field] = &[
    req(1, "key", Str),
    req(2, "operator", Str),
    rep(3, "values", Str),
];

/// `PodAffinity` and `PodAntiAffinity`.
const POD_AFFINITY: &[Field] = &[
    rep(
        1,
        "requiredDuringSchedulingIgnoredDuringExecution",
        Msg(POD_AFFINITY_TERM),
    ),
    rep(
        2,
        "preferredDuringSchedulingIgnoredDuringExecution",
        Msg(&[
            req(1, "weight", I32),
            req(2, "podAffinityTerm", Msg(POD_AFFINITY_TERM)),
        ]),
    ),
];

const POD_AFFINITY_TERM: &[Field] = &[
    ptr(1, "labelSelector", Msg(LABEL_SELECTOR)),
    rep(2, "namespaces", Str),
    req(3, "topologyKey", Str),
    ptr(4, "namespaceSelector", Msg(LABEL_SELECTOR)),
    rep(5, "matchLabelKeys", Str),
    rep(6, "mismatchLabelKeys", Str),
];

const VOLUME: &[Field] = &[
    req(1, "name", Str),
    opt(2, "volumeSource", Inline(VOLUME_SOURCE)),
];

const VOLUME_SOURCE: &[Field] = &[
    ptr(
        1,
        "hostPath",
        Msg(&[req(1, "path", Str), ptr(2, "type", Str)]),
    ),
    ptr(
        2,
        "emptyDir",
        Msg(&[s(1, "medium"), ptr(2, "sizeLimit", Quantity)]),
    ),
    ptr(6, "secret", Msg(SECRET_VOLUME)),
    ptr(
        10,
        "persistentVolumeClaim",
        Msg(&[req(1, "claimName", Str), opt(2, "readOnly", Bool)]),
    ),
    ptr(16, "downwardAPI", Msg(DOWNWARD_API_VOLUME)),
    ptr(19, "configMap", Msg(CONFIG_MAP_VOLUME)),
    ptr(26, "projected", Msg(PROJECTED_VOLUME)),
    ptr(28, "csi", Msg(CSI_VOLUME)),
    ptr(30, "image", Msg(&[s(1, "reference"), s(2, "pullPolicy")])),
];

const KEY_TO_PATH: &[Field] = &[req(1, "key", Str), req(2, "path", Str), ptr(3, "mode", I32)];

const SECRET_VOLUME: &[Field] = &[
    s(1, "secretName"),
    rep(2, "items", Msg(KEY_TO_PATH)),
    ptr(3, "defaultMode", I32),
    ptr(4, "optional", Bool),
];

const CONFIG_MAP_VOLUME: &[Field] = &[
    opt(1, "localObjectReference", Inline(LOCAL_OBJECT_REFERENCE)),
    rep(2, "items", Msg(KEY_TO_PATH)),
    ptr(3, "defaultMode", I32),
    ptr(4, "optional", Bool),
];

const DOWNWARD_API_VOLUME: &[Field] = &[
    rep(1, "items", Msg(DOWNWARD_API_FILE)),
    ptr(2, "defaultMode", I32),
];

const DOWNWARD_API_FILE: &[Field] = &[
    req(1, "path", Str),
    ptr(2, "fieldRef", Msg(OBJECT_FIELD_SELECTOR)),
    ptr(3, "resourceFieldRef", Msg(RESOURCE_FIELD_SELECTOR)),
    ptr(4, "mode", I32),
];

const PROJECTED_VOLUME: &[Field] = &[
    rep(1, "sources", Msg(VOLUME_PROJECTION)),
    ptr(2, "defaultMode", I32),
];

const VOLUME_PROJECTION: &[Field] = &[
    ptr(1, "secret", Msg(PROJECTION)),
    ptr(
        2,
        "downwardAPI",
        Msg(&[rep(1, "items", Msg(DOWNWARD_API_FILE))]),
    ),
    ptr(3, "configMap", Msg(PROJECTION)),
    ptr(4, "serviceAccountToken", Msg(TOKEN_PROJECTION)),
];

/// `SecretProjection` and `ConfigMapProjection`.
const PROJECTION: &[Field] = &[
    opt(1, "localObjectReference", Inline(LOCAL_OBJECT_REFERENCE)),
    rep(2, "items", Msg(KEY_TO_PATH)),
    ptr(4, "optional", Bool),
];

const TOKEN_PROJECTION: &[Field] = &[
    s(1, "audience"),
    ptr(2, "expirationSeconds", I64),
    req(3, "path", Str),
];

const CSI_VOLUME: &[Field] = &[
    req(1, "driver", Str),
    ptr(2, "readOnly", Bool),
    ptr(3, "fsType", Str),
    map(4, "volumeAttributes", Str),
    ptr(5, "nodePublishSecretRef", Msg(LOCAL_OBJECT_REFERENCE)),
];
