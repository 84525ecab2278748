//! Priority order of API versions and groups, as kube-apiserver lists them in discovery.

use std::cmp::Ordering;

/// Kubernetes version priority: `v2 > v1 > v11beta2 > v10beta3 > v2beta1 > v1beta1 >
/// v1alpha1`, then versions that do not look like Kubernetes versions, alphabetically.
/// `Ordering::Less` means `a` comes first (has the higher priority).
pub fn compare_versions(a: &str, b: &str) -> Ordering {
    fn parse(v: &str) -> Option<(u8, u64, u64)> {
        let rest = v.strip_prefix('v')?;
        let digits = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        let major: u64 = rest[..digits].parse().ok().filter(|m| *m > 0)?;
        let rest = &rest[digits..];
        if rest.is_empty() {
            return Some((0, major, 0));
        }
        let (stability, minor) = if let Some(m) = rest.strip_prefix("beta") {
            (1, m)
        } else {
            (2, rest.strip_prefix("alpha")?)
        };
        let all_digits = !minor.is_empty() && minor.bytes().all(|c| c.is_ascii_digit());
        let minor = minor.parse().ok().filter(|_| all_digits)?;
        Some((stability, major, minor))
    }
    match (parse(a), parse(b)) {
        (Some((sa, ma, na)), Some((sb, mb, nb))) => sa.cmp(&sb).then(mb.cmp(&ma)).then(nb.cmp(&na)),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => a.cmp(b),
    }
}

/// Built-in groups in kube-apiserver's `/apis` order (group priorities of the aggregator);
/// ties broken by name. CRD groups follow, alphabetically.
const GROUP_ORDER: &[&str] = &[
    "",
    "apiregistration.k8s.io",
    "apps",
    "events.k8s.io",
    "authentication.k8s.io",
    "authorization.k8s.io",
    "autoscaling",
    "batch",
    "certificates.k8s.io",
    "networking.k8s.io",
    "policy",
    "rbac.authorization.k8s.io",
    "storage.k8s.io",
    "admissionregistration.k8s.io",
    "apiextensions.k8s.io",
    "scheduling.k8s.io",
    "coordination.k8s.io",
    "node.k8s.io",
    "discovery.k8s.io",
    "flowcontrol.apiserver.k8s.io",
    "internal.apiserver.k8s.io",
    "resource.k8s.io",
    "storagemigration.k8s.io",
];

/// Orders groups as kube-apiserver lists them: built-ins by priority, then the rest by name.
pub fn compare_groups(a: &str, b: &str) -> Ordering {
    let rank = |g: &str| {
        GROUP_ORDER
            .iter()
            .position(|x| *x == g)
            .unwrap_or(usize::MAX)
    };
    rank(a).cmp(&rank(b)).then_with(|| a.cmp(b))
}
