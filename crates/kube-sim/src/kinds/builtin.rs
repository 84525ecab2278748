//! The built-in resources the emulator serves (spec §2.14), with kube-apiserver 1.32's verbs,
//! short names, categories and subresources.

use super::{storage_version_hash, Origin, ResourceInfo, Subresource};

/// Verbs of an ordinary stored resource, as kube-apiserver lists them (sorted).
pub(super) const CRUD: &[&str] = &[
    "create",
    "delete",
    "deletecollection",
    "get",
    "list",
    "patch",
    "update",
    "watch",
];
/// Namespaces cannot be deleted as a collection.
const NAMESPACE_VERBS: &[&str] = &[
    "create", "delete", "get", "list", "patch", "update", "watch",
];
/// Review kinds (SubjectAccessReview, TokenReview, ...) are create-only and not stored.
const CREATE: &[&str] = &["create"];
/// Verbs of `/status`, `/scale` and `/ephemeralcontainers`.
pub(super) const GET_PATCH_UPDATE: &[&str] = &["get", "patch", "update"];
/// Verbs of the connect subresources (`exec`, `attach`, `portforward`).
const CONNECT: &[&str] = &["create", "get"];
/// Verbs of the `proxy` subresources.
const PROXY: &[&str] = &["create", "delete", "get", "patch", "update"];

/// A subresource: name, `(group, version, kind)` of its response ("" group and version =
/// the parent's, "-" kind = the parent's kind), verbs.
type Sub = (
    &'static str,
    (&'static str, &'static str, &'static str),
    &'static [&'static str],
);

const SAME: (&str, &str, &str) = ("", "", "-");
const STATUS: Sub = ("status", SAME, GET_PATCH_UPDATE);
const SCALE: Sub = ("scale", ("autoscaling", "v1", "Scale"), GET_PATCH_UPDATE);

/// One row of the table below.
struct Row {
    /// `group/version`, or `v1` for the core group.
    gv: &'static str,
    plural: &'static str,
    kind: &'static str,
    namespaced: bool,
    verbs: &'static [&'static str],
    short: &'static [&'static str],
    categories: &'static [&'static str],
    subresources: &'static [Sub],
    /// `group/version` the objects are stored in, when it differs from `gv`; `""` for
    /// resources that are not stored at all (reviews): they have no storageVersionHash.
    storage: Option<&'static str>,
}

const fn row(gv: &'static str, plural: &'static str, kind: &'static str, ns: bool) -> Row {
    Row {
        gv,
        plural,
        kind,
        namespaced: ns,
        verbs: CRUD,
        short: &[],
        categories: &[],
        subresources: &[],
        storage: None,
    }
}

impl Row {
    const fn short(mut self, short: &'static [&'static str]) -> Self {
        self.short = short;
        self
    }
    const fn all(mut self) -> Self {
        self.categories = &["all"];
        self
    }
    const fn categories(mut self, categories: &'static [&'static str]) -> Self {
        self.categories = categories;
        self
    }
    const fn subs(mut self, subresources: &'static [Sub]) -> Self {
        self.subresources = subresources;
        self
    }
    const fn verbs(mut self, verbs: &'static [&'static str]) -> Self {
        self.verbs = verbs;
        self
    }
    const fn stored_as(mut self, gv: &'static str) -> Self {
        self.storage = Some(gv);
        self
    }
    const fn review(self) -> Self {
        self.verbs(CREATE).stored_as("")
    }
}

const NS: bool = true;
const CLUSTER: bool = false;

const ROWS: &[Row] = &[
    // core/v1
    row("v1", "configmaps", "ConfigMap", NS).short(&["cm"]),
    row("v1", "endpoints", "Endpoints", NS).short(&["ep"]),
    row("v1", "events", "Event", NS).short(&["ev"]),
    row("v1", "limitranges", "LimitRange", NS).short(&["limits"]),
    row("v1", "namespaces", "Namespace", CLUSTER)
        .verbs(NAMESPACE_VERBS)
        .short(&["ns"])
        .subs(&[("finalize", SAME, &["update"]), STATUS]),
    row("v1", "nodes", "Node", CLUSTER)
        .short(&["no"])
        .subs(&[("proxy", ("", "", "NodeProxyOptions"), PROXY), STATUS]),
    row("v1", "persistentvolumeclaims", "PersistentVolumeClaim", NS)
        .short(&["pvc"])
        .subs(&[STATUS]),
    row("v1", "persistentvolumes", "PersistentVolume", CLUSTER)
        .short(&["pv"])
        .subs(&[STATUS]),
    row("v1", "pods", "Pod", NS).short(&["po"]).all().subs(&[
        ("attach", ("", "", "PodAttachOptions"), CONNECT),
        ("binding", ("", "", "Binding"), CREATE),
        ("ephemeralcontainers", SAME, GET_PATCH_UPDATE),
        ("eviction", ("policy", "v1", "Eviction"), CREATE),
        ("exec", ("", "", "PodExecOptions"), CONNECT),
        ("log", SAME, &["get"]),
        ("portforward", ("", "", "PodPortForwardOptions"), CONNECT),
        ("proxy", ("", "", "PodProxyOptions"), PROXY),
        STATUS,
    ]),
    row("v1", "replicationcontrollers", "ReplicationController", NS)
        .short(&["rc"])
        .all()
        .subs(&[SCALE, STATUS]),
    row("v1", "resourcequotas", "ResourceQuota", NS)
        .short(&["quota"])
        .subs(&[STATUS]),
    row("v1", "secrets", "Secret", NS),
    row("v1", "serviceaccounts", "ServiceAccount", NS)
        .short(&["sa"])
        .subs(&[(
            "token",
            ("authentication.k8s.io", "v1", "TokenRequest"),
            CREATE,
        )]),
    row("v1", "services", "Service", NS)
        .short(&["svc"])
        .all()
        .subs(&[("proxy", ("", "", "ServiceProxyOptions"), PROXY), STATUS]),
    // apps/v1
    row("apps/v1", "controllerrevisions", "ControllerRevision", NS),
    row("apps/v1", "daemonsets", "DaemonSet", NS)
        .short(&["ds"])
        .all()
        .subs(&[STATUS]),
    row("apps/v1", "deployments", "Deployment", NS)
        .short(&["deploy"])
        .all()
        .subs(&[SCALE, STATUS]),
    row("apps/v1", "replicasets", "ReplicaSet", NS)
        .short(&["rs"])
        .all()
        .subs(&[SCALE, STATUS]),
    row("apps/v1", "statefulsets", "StatefulSet", NS)
        .short(&["sts"])
        .all()
        .subs(&[SCALE, STATUS]),
    // events.k8s.io/v1 (stored as core/v1 Event)
    row("events.k8s.io/v1", "events", "Event", NS)
        .short(&["ev"])
        .stored_as("v1"),
    // authentication.k8s.io/v1, authorization.k8s.io/v1
    row(
        "authentication.k8s.io/v1",
        "selfsubjectreviews",
        "SelfSubjectReview",
        CLUSTER,
    )
    .review(),
    row(
        "authentication.k8s.io/v1",
        "tokenreviews",
        "TokenReview",
        CLUSTER,
    )
    .review(),
    row(
        "authorization.k8s.io/v1",
        "localsubjectaccessreviews",
        "LocalSubjectAccessReview",
        NS,
    )
    .review(),
    row(
        "authorization.k8s.io/v1",
        "selfsubjectaccessreviews",
        "SelfSubjectAccessReview",
        CLUSTER,
    )
    .review(),
    row(
        "authorization.k8s.io/v1",
        "selfsubjectrulesreviews",
        "SelfSubjectRulesReview",
        CLUSTER,
    )
    .review(),
    row(
        "authorization.k8s.io/v1",
        "subjectaccessreviews",
        "SubjectAccessReview",
        CLUSTER,
    )
    .review(),
    // autoscaling/v2 and v1 (stored as v2)
    row(
        "autoscaling/v2",
        "horizontalpodautoscalers",
        "HorizontalPodAutoscaler",
        NS,
    )
    .short(&["hpa"])
    .all()
    .subs(&[STATUS]),
    row(
        "autoscaling/v1",
        "horizontalpodautoscalers",
        "HorizontalPodAutoscaler",
        NS,
    )
    .short(&["hpa"])
    .all()
    .subs(&[STATUS])
    .stored_as("autoscaling/v2"),
    // batch/v1
    row("batch/v1", "cronjobs", "CronJob", NS)
        .short(&["cj"])
        .all()
        .subs(&[STATUS]),
    row("batch/v1", "jobs", "Job", NS).all().subs(&[STATUS]),
    // networking.k8s.io/v1
    row(
        "networking.k8s.io/v1",
        "ingressclasses",
        "IngressClass",
        CLUSTER,
    ),
    row("networking.k8s.io/v1", "ingresses", "Ingress", NS)
        .short(&["ing"])
        .subs(&[STATUS]),
    row(
        "networking.k8s.io/v1",
        "networkpolicies",
        "NetworkPolicy",
        NS,
    )
    .short(&["netpol"]),
    // policy/v1
    row(
        "policy/v1",
        "poddisruptionbudgets",
        "PodDisruptionBudget",
        NS,
    )
    .short(&["pdb"])
    .subs(&[STATUS]),
    // rbac.authorization.k8s.io/v1
    row(
        "rbac.authorization.k8s.io/v1",
        "clusterrolebindings",
        "ClusterRoleBinding",
        CLUSTER,
    ),
    row(
        "rbac.authorization.k8s.io/v1",
        "clusterroles",
        "ClusterRole",
        CLUSTER,
    ),
    row(
        "rbac.authorization.k8s.io/v1",
        "rolebindings",
        "RoleBinding",
        NS,
    ),
    row("rbac.authorization.k8s.io/v1", "roles", "Role", NS),
    // storage.k8s.io/v1
    row(
        "storage.k8s.io/v1",
        "storageclasses",
        "StorageClass",
        CLUSTER,
    )
    .short(&["sc"]),
    // admissionregistration.k8s.io/v1
    row(
        "admissionregistration.k8s.io/v1",
        "mutatingwebhookconfigurations",
        "MutatingWebhookConfiguration",
        CLUSTER,
    )
    .categories(&["api-extensions"]),
    row(
        "admissionregistration.k8s.io/v1",
        "validatingwebhookconfigurations",
        "ValidatingWebhookConfiguration",
        CLUSTER,
    )
    .categories(&["api-extensions"]),
    // apiextensions.k8s.io/v1
    row(
        "apiextensions.k8s.io/v1",
        "customresourcedefinitions",
        "CustomResourceDefinition",
        CLUSTER,
    )
    .short(&["crd", "crds"])
    .categories(&["api-extensions"])
    .subs(&[STATUS]),
    // coordination.k8s.io/v1
    row("coordination.k8s.io/v1", "leases", "Lease", NS),
    // discovery.k8s.io/v1
    row("discovery.k8s.io/v1", "endpointslices", "EndpointSlice", NS),
];

fn split_gv(gv: &str) -> (&str, &str) {
    gv.rsplit_once('/').unwrap_or(("", gv))
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

/// Every built-in resource, one entry per served group version.
pub fn builtin() -> Vec<ResourceInfo> {
    ROWS.iter()
        .map(|r| {
            let (group, version) = split_gv(r.gv);
            let storage_version_hash = match r.storage {
                Some("") => None,
                Some(gv) => {
                    let (g, v) = split_gv(gv);
                    Some(storage_version_hash(g, v, r.kind))
                }
                None => Some(storage_version_hash(group, version, r.kind)),
            };
            let subresources = r
                .subresources
                .iter()
                .map(|&(name, (g, v, k), verbs)| {
                    let same_gv = g.is_empty() && v.is_empty();
                    Subresource {
                        name: name.to_owned(),
                        group: if same_gv { group } else { g }.to_owned(),
                        version: if same_gv { version } else { v }.to_owned(),
                        kind: if k == "-" { r.kind } else { k }.to_owned(),
                        verbs: strings(verbs),
                    }
                })
                .collect();
            ResourceInfo {
                group: group.to_owned(),
                version: version.to_owned(),
                kind: r.kind.to_owned(),
                plural: r.plural.to_owned(),
                singular: r.kind.to_ascii_lowercase(),
                namespaced: r.namespaced,
                verbs: strings(r.verbs),
                short_names: strings(r.short),
                categories: strings(r.categories),
                subresources,
                list_kind: format!("{}List", r.kind),
                storage_version_hash,
                origin: Origin::Builtin,
            }
        })
        .collect()
}
