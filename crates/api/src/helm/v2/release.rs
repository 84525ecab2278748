//! Accessors of a [`HelmRelease`] that combine its metadata, spec and status.

use super::actions::Retry;
use super::name::shorten_release_name;
use super::remediation::Remediation;
use super::spec::HelmRelease;
use super::status::ReleaseAction;
use super::{FORCE_REQUEST_ANNOTATION, RESET_REQUEST_ANNOTATION};
use crate::meta::NamespacedObjectReference;

/// The annotation whose value requests a reconciliation.
use crate::consts::annotations::RECONCILE_REQUEST as RECONCILE_REQUEST_ANNOTATION;

impl HelmRelease {
    fn name(&self) -> &str {
        self.metadata.name.as_deref().unwrap_or_default()
    }

    fn namespace(&self) -> &str {
        self.metadata.namespace.as_deref().unwrap_or_default()
    }

    /// The release name: `spec.releaseName`, else `<targetNamespace>-<name>`, else the
    /// object's name. May exceed Helm's limit; see [`short_release_name`](Self::short_release_name).
    pub fn release_name(&self) -> String {
        if let Some(name) = self.spec.release_name.as_deref().filter(|n| !n.is_empty()) {
            return name.to_owned();
        }
        match self
            .spec
            .target_namespace
            .as_deref()
            .filter(|n| !n.is_empty())
        {
            Some(ns) => format!("{ns}-{}", self.name()),
            None => self.name().to_owned(),
        }
    }

    /// The name the release has in Helm's storage: [`release_name`](Self::release_name),
    /// hashed down to 53 characters when longer.
    pub fn short_release_name(&self) -> String {
        shorten_release_name(&self.release_name())
    }

    /// Namespace the release is installed into: `spec.targetNamespace` or the object's.
    pub fn release_namespace(&self) -> &str {
        match self.spec.target_namespace.as_deref() {
            Some(ns) if !ns.is_empty() => ns,
            _ => self.namespace(),
        }
    }

    /// Namespace of the Helm storage: `spec.storageNamespace` or the object's.
    pub fn storage_namespace(&self) -> &str {
        match self.spec.storage_namespace.as_deref() {
            Some(ns) if !ns.is_empty() => ns,
            _ => self.namespace(),
        }
    }

    /// Name of the HelmChart made from `spec.chart`: `<namespace>-<name>`.
    pub fn helm_chart_name(&self) -> String {
        format!("{}-{}", self.namespace(), self.name())
    }

    /// The action whose remediation applies now, from `status.lastAttemptedReleaseAction`.
    pub fn last_attempted_release_action(&self) -> Option<ReleaseAction> {
        self.status
            .as_ref()
            .and_then(|s| s.last_attempted_release_action)
    }

    /// The remediation settings of the last attempted install or upgrade.
    pub fn active_remediation(&self) -> Option<&dyn Remediation> {
        match self.last_attempted_release_action()? {
            ReleaseAction::Install => Some(self.spec.install().remediation()),
            ReleaseAction::Upgrade => Some(self.spec.upgrade().remediation()),
            _ => None,
        }
    }

    /// The retry strategy of the last attempted install or upgrade, when it retries
    /// failures; `default_to_retry_on_failure` applies when no strategy is set.
    pub fn active_retry(&self, default_to_retry_on_failure: bool) -> Option<Box<dyn Retry>> {
        match self.last_attempted_release_action()? {
            ReleaseAction::Install => self
                .spec
                .install()
                .retry(default_to_retry_on_failure)
                .map(|r| Box::new(r) as Box<dyn Retry>),
            ReleaseAction::Upgrade => self
                .spec
                .upgrade()
                .retry(default_to_retry_on_failure)
                .map(|r| Box::new(r) as Box<dyn Retry>),
            _ => None,
        }
    }

    /// `spec.dependsOn` as plain references (without readiness expressions).
    pub fn dependencies(&self) -> Vec<NamespacedObjectReference> {
        self.spec
            .depends_on
            .iter()
            .map(|d| NamespacedObjectReference {
                name: d.name.clone(),
                namespace: d.namespace.clone(),
            })
            .collect()
    }

    /// Whether a `reconcile.fluxcd.io/resetAt` request must be handled now. Records the
    /// request in `status.lastHandledResetAt` either way, so it is handled only once.
    pub fn should_handle_reset_request(&mut self) -> bool {
        self.handle_annotation_request(RESET_REQUEST_ANNOTATION, |s| &mut s.last_handled_reset_at)
    }

    /// Whether a `reconcile.fluxcd.io/forceAt` request must be handled now. Records the
    /// request in `status.lastHandledForceAt` either way, so it is handled only once.
    pub fn should_handle_force_request(&mut self) -> bool {
        self.handle_annotation_request(FORCE_REQUEST_ANNOTATION, |s| &mut s.last_handled_force_at)
    }

    /// A request annotation is honoured when it equals the reconcile request annotation,
    /// and neither it nor that reconcile request was handled before.
    fn handle_annotation_request(
        &mut self,
        annotation: &str,
        last_handled: impl FnOnce(&mut super::HelmReleaseStatus) -> &mut Option<String>,
    ) -> bool {
        let annotations = self.metadata.annotations.as_ref();
        let Some(requested) = annotations.and_then(|a| a.get(annotation)).cloned() else {
            return false;
        };
        let reconcile_at = annotations
            .and_then(|a| a.get(RECONCILE_REQUEST_ANNOTATION))
            .cloned();
        let status = self.status.get_or_insert_with(Default::default);
        let last_reconcile = status.last_handled_reconcile_at.clone();
        let previous = last_handled(status).replace(requested.clone());
        reconcile_at.as_deref() == Some(requested.as_str())
            && last_reconcile.as_deref() != Some(requested.as_str())
            && previous.as_deref() != Some(requested.as_str())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::time::Duration;

    use super::*;
    use crate::helm::v2::{
        ActionStrategyName, HelmReleaseSpec, HelmReleaseStatus, Install, InstallStrategy, Upgrade,
        UpgradeRemediation, DEFAULT_TIMEOUT,
    };
    use crate::meta::DependencyReference;

    fn release(spec: HelmReleaseSpec) -> HelmRelease {
        let mut hr = HelmRelease::new("podinfo", spec);
        hr.metadata.namespace = Some("apps".into());
        hr
    }

    #[test]
    fn names_and_namespaces() {
        let mut hr = release(HelmReleaseSpec::default());
        assert_eq!(hr.release_name(), "podinfo");
        assert_eq!(hr.release_namespace(), "apps");
        assert_eq!(hr.storage_namespace(), "apps");
        assert_eq!(hr.helm_chart_name(), "apps-podinfo");

        hr.spec.target_namespace = Some("prod".into());
        hr.spec.storage_namespace = Some("helm".into());
        assert_eq!(hr.release_name(), "prod-podinfo");
        assert_eq!(hr.release_namespace(), "prod");
        assert_eq!(hr.storage_namespace(), "helm");

        hr.spec.release_name = Some("web".into());
        assert_eq!(hr.release_name(), "web");

        hr.spec.release_name = None;
        hr.spec.target_namespace = Some("a-very-long-target-namespace-name-for-prod".into());
        hr.metadata.name = Some("a-rather-long-release".into());
        assert_eq!(hr.release_name().len(), 64);
        assert_eq!(hr.short_release_name().len(), 53);
        assert!(hr
            .short_release_name()
            .starts_with("a-very-long-target-namespace-name-for-pr-"));
    }

    #[test]
    fn spec_defaults() {
        let mut spec = HelmReleaseSpec {
            interval: "10m".into(),
            ..Default::default()
        };
        assert_eq!(spec.interval(), Ok(Duration::from_secs(600)));
        assert_eq!(spec.timeout(), Ok(DEFAULT_TIMEOUT));
        assert_eq!(spec.max_history(), 5);
        assert!(spec.uses_persistent_client());
        assert!(!spec.drift_detection().must_detect_changes());
        assert!(!spec.test().enable);
        assert_eq!(spec.install().remediation().retries(), 0);
        assert!(spec.values().is_empty());

        spec.max_history = Some(0);
        spec.persistent_client = Some(false);
        spec.values = Some(serde_json::json!({"replicaCount": 2}));
        assert_eq!(spec.max_history(), 0);
        assert!(!spec.uses_persistent_client());
        assert_eq!(spec.values()["replicaCount"], 2);
    }

    #[test]
    fn active_remediation_and_retry_follow_the_last_action() {
        let mut hr = release(HelmReleaseSpec {
            install: Some(Install {
                strategy: Some(InstallStrategy {
                    name: ActionStrategyName::RetryOnFailure,
                    retry_interval: Some("1m".into()),
                }),
                ..Default::default()
            }),
            upgrade: Some(Upgrade {
                remediation: Some(UpgradeRemediation {
                    retries: Some(2),
                    ..Default::default()
                }),
                ..Default::default()
            }),
            ..Default::default()
        });
        assert!(hr.active_remediation().is_none());
        assert!(hr.active_retry(true).is_none());

        hr.status = Some(HelmReleaseStatus {
            last_attempted_release_action: Some(ReleaseAction::Install),
            ..Default::default()
        });
        let retry = hr.active_retry(false).map(|r| r.retry_interval());
        assert_eq!(retry, Some(Ok(Duration::from_secs(60))));
        assert_eq!(hr.active_remediation().map(|r| r.retries()), Some(0));

        if let Some(s) = hr.status.as_mut() {
            s.last_attempted_release_action = Some(ReleaseAction::Upgrade);
        }
        assert_eq!(hr.active_remediation().map(|r| r.retries()), Some(2));
        assert!(hr.active_retry(false).is_none());
        let retry = hr.active_retry(true).map(|r| r.retry_interval());
        assert_eq!(retry, Some(Ok(Duration::from_secs(300))));
    }

    #[test]
    fn dependencies_drop_ready_expressions() {
        let hr = release(HelmReleaseSpec {
            depends_on: vec![DependencyReference {
                name: "db".into(),
                namespace: Some("data".into()),
                ready_expr: Some("true".into()),
            }],
            ..Default::default()
        });
        let deps = hr.dependencies();
        assert_eq!(deps.len(), 1);
        assert_eq!(deps[0].to_string(), "data/db");
    }

    #[test]
    fn reset_request_is_handled_once() {
        let mut hr = release(HelmReleaseSpec::default());
        assert!(!hr.should_handle_reset_request());

        let annotations = BTreeMap::from([
            (RESET_REQUEST_ANNOTATION.to_owned(), "t1".to_owned()),
            (RECONCILE_REQUEST_ANNOTATION.to_owned(), "t1".to_owned()),
        ]);
        hr.metadata.annotations = Some(annotations);
        assert!(hr.should_handle_reset_request());
        let status = hr.status.clone().unwrap_or_default();
        assert_eq!(status.last_handled_reset_at.as_deref(), Some("t1"));
        assert!(!hr.should_handle_reset_request());

        // A token that differs from the reconcile request is recorded but not honoured.
        if let Some(a) = hr.metadata.annotations.as_mut() {
            a.insert(FORCE_REQUEST_ANNOTATION.to_owned(), "t0".to_owned());
        }
        assert!(!hr.should_handle_force_request());
        let status = hr.status.clone().unwrap_or_default();
        assert_eq!(status.last_handled_force_at.as_deref(), Some("t0"));
    }
}
