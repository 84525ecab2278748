//! `v1.Container` and what it contains (kubernetes/api `core/v1/generated.proto`).

use super::core_v1::LOCAL_OBJECT_REFERENCE;
use super::schema::{map, opt, ptr, rep, req, s, Field, Ty::*};

pub(super) const CONTAINER: &[Field] = &[
    req(1, "name", Str),
    s(2, "image"),
    rep(3, "command", Str),
    rep(4, "args", Str),
    s(5, "workingDir"),
    rep(6, "ports", Msg(CONTAINER_PORT)),
    rep(19, "envFrom", Msg(ENV_FROM_SOURCE)),
    rep(7, "env", Msg(ENV_VAR)),
    opt(8, "resources", Msg(RESOURCE_REQUIREMENTS)),
    rep(
        23,
        "resizePolicy",
        Msg(&[req(1, "resourceName", Str), req(2, "restartPolicy", Str)]),
    ),
    ptr(24, "restartPolicy", Str),
    rep(9, "volumeMounts", Msg(VOLUME_MOUNT)),
    rep(
        21,
        "volumeDevices",
        Msg(&[req(1, "name", Str), req(2, "devicePath", Str)]),
    ),
    ptr(10, "livenessProbe", Msg(PROBE)),
    ptr(11, "readinessProbe", Msg(PROBE)),
    ptr(22, "startupProbe", Msg(PROBE)),
    ptr(12, "lifecycle", Msg(LIFECYCLE)),
    s(13, "terminationMessagePath"),
    s(20, "terminationMessagePolicy"),
    s(14, "imagePullPolicy"),
    ptr(15, "securityContext", Msg(SECURITY_CONTEXT)),
    opt(16, "stdin", Bool),
    opt(17, "stdinOnce", Bool),
    opt(18, "tty", Bool),
];

const CONTAINER_PORT: &[Field] = &[
    s(1, "name"),
    opt(2, "hostPort", I32),
    req(3, "containerPort", I32),
    s(4, "protocol"),
    s(5, "hostIP"),
];

const ENV_VAR: &[Field] = &[
    req(1, "name", Str),
    s(2, "value"),
    ptr(3, "valueFrom", Msg(ENV_VAR_SOURCE)),
];

const ENV_VAR_SOURCE: &[Field] = &[
    ptr(1, "fieldRef", Msg(OBJECT_FIELD_SELECTOR)),
    ptr(2, "resourceFieldRef", Msg(RESOURCE_FIELD_SELECTOR)),
    ptr(3, "configMapKeyRef", Msg(KEY_SELECTOR)),
    ptr(4, "secretKeyRef", Msg(KEY_SELECTOR)),
    ptr(5, "fileKeyRef", Msg(FILE_KEY_SELECTOR)),
];

pub(super) const OBJECT_FIELD_SELECTOR: &[Field] = &[s(1, "apiVersion"), req(2, "fieldPath", Str)];

pub(super) const RESOURCE_FIELD_SELECTOR: &[Field] = &[
    s(1, "containerName"),
    req(2, "resource", Str),
    opt(3, "divisor", Quantity),
];

/// `ConfigMapKeySelector` and `SecretKeySelector`.
const KEY_SELECTOR: &[Field] = &[
    opt(1, "localObjectReference", Inline(LOCAL_OBJECT_REFERENCE)),
    req(2, "key", Str),
    ptr(3, "optional", Bool),
];

const FILE_KEY_SELECTOR: &[Field] = &[
    req(1, "volumeName", Str),
    req(2, "path", Str),
    req(3, "key", Str),
    ptr(4, "optional", Bool),
];

const ENV_FROM_SOURCE: &[Field] = &[
    s(1, "prefix"),
    ptr(2, "configMapRef", Msg(ENV_SOURCE)),
    ptr(3, "secretRef", Msg(ENV_SOURCE)),
];

/// `ConfigMapEnvSource` and `SecretEnvSource`.
const ENV_SOURCE: &[Field] = &[
    opt(1, "localObjectReference", Inline(LOCAL_OBJECT_REFERENCE)),
    ptr(2, "optional", Bool),
];

pub(super) const RESOURCE_REQUIREMENTS: &[Field] = &[
    map(1, "limits", Quantity),
    map(2, "requests", Quantity),
    rep(3, "claims", Msg(&[req(1, "name", Str), s(2, "request")])),
];

const VOLUME_MOUNT: &[Field] = &[
    req(1, "name", Str),
    opt(2, "readOnly", Bool),
    ptr(7, "recursiveReadOnly", Str),
    req(3, "mountPath", Str),
    s(4, "subPath"),
    ptr(5, "mountPropagation", Str),
    s(6, "subPathExpr"),
];

const PROBE: &[Field] = &[
    opt(1, "handler", Inline(PROBE_HANDLER)),
    opt(2, "initialDelaySeconds", I32),
    opt(3, "timeoutSeconds", I32),
    opt(4, "periodSeconds", I32),
    opt(5, "successThreshold", I32),
    opt(6, "failureThreshold", I32),
    ptr(7, "terminationGracePeriodSeconds", I64),
];

const PROBE_HANDLER: &[Field] = &[
    ptr(1, "exec", Msg(EXEC_ACTION)),
    ptr(2, "httpGet", Msg(HTTP_GET_ACTION)),
    ptr(3, "tcpSocket", Msg(TCP_SOCKET_ACTION)),
    ptr(
        4,
        "grpc",
        Msg(&[req(1, "port", I32), ptr(2, "service", Str)]),
    ),
];

const EXEC_ACTION: &[Field] = &[rep(1, "command", Str)];

const HTTP_GET_ACTION: &[Field] = &[
    s(1, "path"),
    req(2, "port", IntOrStr),
    s(3, "host"),
    s(4, "scheme"),
    rep(
        5,
        "httpHeaders",
        Msg(&[req(1, "name", Str), req(2, "value", Str)]),
    ),
];

const TCP_SOCKET_ACTION: &[Field] = &[req(1, "port", IntOrStr), s(2, "host")];

const LIFECYCLE: &[Field] = &[
    ptr(1, "postStart", Msg(LIFECYCLE_HANDLER)),
    ptr(2, "preStop", Msg(LIFECYCLE_HANDLER)),
    ptr(3, "stopSignal", Str),
];

const LIFECYCLE_HANDLER: &[Field] = &[
    ptr(1, "exec", Msg(EXEC_ACTION)),
    ptr(2, "httpGet", Msg(HTTP_GET_ACTION)),
    ptr(3, "tcpSocket", Msg(TCP_SOCKET_ACTION)),
    ptr(4, "sleep", Msg(&[req(1, "seconds", I64)])),
];

const SECURITY_CONTEXT: &[Field] = &[
    ptr(
        1,
        "capabilities",
        Msg(&[rep(1, "add", Str), rep(2, "drop", Str)]),
    ),
    ptr(2, "privileged", Bool),
    ptr(3, "seLinuxOptions", Msg(SE_LINUX_OPTIONS)),
    ptr(10, "windowsOptions", Msg(WINDOWS_OPTIONS)),
    ptr(4, "runAsUser", I64),
    ptr(8, "runAsGroup", I64),
    ptr(5, "runAsNonRoot", Bool),
    ptr(6, "readOnlyRootFilesystem", Bool),
    ptr(7, "allowPrivilegeEscalation", Bool),
    ptr(9, "procMount", Str),
    ptr(11, "seccompProfile", Msg(PROFILE)),
    ptr(12, "appArmorProfile", Msg(PROFILE)),
];

pub(super) const SE_LINUX_OPTIONS: &[Field] =
    &[s(1, "user"), s(2, "role"), s(3, "type"), s(4, "level")];

pub(super) const WINDOWS_OPTIONS: &[Field] = &[
    ptr(1, "gmsaCredentialSpecName", Str),
    ptr(2, "gmsaCredentialSpec", Str),
    ptr(3, "runAsUserName", Str),
    ptr(4, "hostProcess", Bool),
];

/// `SeccompProfile` and `AppArmorProfile`.
pub(super) const PROFILE: &[Field] = &[req(1, "type", Str), ptr(2, "localhostProfile", Str)];
