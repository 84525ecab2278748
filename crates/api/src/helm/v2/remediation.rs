//! Remediation of failed installs and upgrades: retries, and what undoes a failure.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::spec::HelmRelease;

string_enum! {
    /// How a failed release is undone.
    #[derive(Default)]
    pub enum RemediationStrategy {
        /// Roll back to the previous release.
        #[default]
        Rollback = "rollback",
        /// Uninstall the release.
        Uninstall = "uninstall",
    }
}

/// What install and upgrade remediation have in common.
pub trait Remediation: std::fmt::Debug {
    /// Retries before giving up; negative means unlimited.
    fn retries(&self) -> i64;
    /// Whether failing tests are ignored, `default` (`test.ignoreFailures`) unless set.
    fn must_ignore_test_failures(&self, default: bool) -> bool;
    /// Whether the last failure is remediated once the retries are used up.
    fn must_remediate_last_failure(&self) -> bool;
    /// How the failure is undone.
    fn strategy(&self) -> RemediationStrategy;
    /// The failures of this action counted in the status.
    fn failure_count(&self, hr: &HelmRelease) -> i64;
    /// Counts one more failure of this action in the status.
    fn increment_failure_count(&self, hr: &mut HelmRelease);

    /// Whether no retries remain.
    fn retries_exhausted(&self, hr: &HelmRelease) -> bool {
        let retries = self.retries();
        retries >= 0 && self.failure_count(hr) > retries
    }

    /// Whether a failed upgrade is remediated by uninstalling.
    fn is_uninstall_after_upgrade(&self) -> bool {
        false
    }
}

/// Remediation of a failed install (always an uninstall).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct InstallRemediation {
    /// Retries before giving up, remediating between attempts; negative is unlimited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::schema::go_int")]
    pub retries: Option<i64>,
    /// Skip remediation when tests fail after an install; `test.ignoreFailures` when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ignore_test_failures: Option<bool>,
    /// Remediate the last failure when no retries remain; false when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remediate_last_failure: Option<bool>,
}

impl Remediation for InstallRemediation {
    fn retries(&self) -> i64 {
        self.retries.unwrap_or(0)
    }

    fn must_ignore_test_failures(&self, default: bool) -> bool {
        self.ignore_test_failures.unwrap_or(default)
    }

    fn must_remediate_last_failure(&self) -> bool {
        self.remediate_last_failure.unwrap_or(false)
    }

    fn strategy(&self) -> RemediationStrategy {
        RemediationStrategy::Uninstall
    }

    fn failure_count(&self, hr: &HelmRelease) -> i64 {
        hr.status
            .as_ref()
            .map(|s| s.install_failures())
            .unwrap_or(0)
    }

    fn increment_failure_count(&self, hr: &mut HelmRelease) {
        let status = hr.status.get_or_insert_with(Default::default);
        status.install_failures = Some(status.install_failures() + 1);
    }
}

/// Remediation of a failed upgrade.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct UpgradeRemediation {
    /// Retries before giving up, remediating between attempts; negative is unlimited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::schema::go_int")]
    pub retries: Option<i64>,
    /// Skip remediation when tests fail after an upgrade; `test.ignoreFailures` when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ignore_test_failures: Option<bool>,
    /// Remediate the last failure when no retries remain; true when unset and retries > 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remediate_last_failure: Option<bool>,
    /// How the failure is undone; `rollback` when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strategy: Option<RemediationStrategy>,
}

impl Remediation for UpgradeRemediation {
    fn retries(&self) -> i64 {
        self.retries.unwrap_or(0)
    }

    fn must_ignore_test_failures(&self, default: bool) -> bool {
        self.ignore_test_failures.unwrap_or(default)
    }

    fn must_remediate_last_failure(&self) -> bool {
        self.remediate_last_failure
            .unwrap_or_else(|| self.retries() > 0)
    }

    fn strategy(&self) -> RemediationStrategy {
        self.strategy.unwrap_or_default()
    }

    fn failure_count(&self, hr: &HelmRelease) -> i64 {
        hr.status
            .as_ref()
            .map(|s| s.upgrade_failures())
            .unwrap_or(0)
    }

    fn increment_failure_count(&self, hr: &mut HelmRelease) {
        let status = hr.status.get_or_insert_with(Default::default);
        status.upgrade_failures = Some(status.upgrade_failures() + 1);
    }

    fn is_uninstall_after_upgrade(&self) -> bool {
        self.strategy() == RemediationStrategy::Uninstall
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::helm::v2::{HelmReleaseSpec, HelmReleaseStatus};

    fn release(install_failures: Option<i64>, upgrade_failures: Option<i64>) -> HelmRelease {
        let mut hr = HelmRelease::new("podinfo", HelmReleaseSpec::default());
        hr.status = Some(HelmReleaseStatus {
            install_failures,
            upgrade_failures,
            ..Default::default()
        });
        hr
    }

    #[test]
    fn install_remediation_defaults() {
        let r = InstallRemediation::default();
        assert_eq!(r.retries(), 0);
        assert!(r.must_ignore_test_failures(true));
        assert!(!r.must_ignore_test_failures(false));
        assert!(!r.must_remediate_last_failure());
        assert_eq!(r.strategy(), RemediationStrategy::Uninstall);
        assert!(!r.is_uninstall_after_upgrade());
    }

    #[test]
    fn upgrade_remediation_defaults_depend_on_retries() {
        let mut r = UpgradeRemediation::default();
        assert_eq!(r.strategy(), RemediationStrategy::Rollback);
        assert!(!r.must_remediate_last_failure());
        r.retries = Some(3);
        assert!(r.must_remediate_last_failure());
        r.remediate_last_failure = Some(false);
        assert!(!r.must_remediate_last_failure());
        r.strategy = Some(RemediationStrategy::Uninstall);
        assert!(r.is_uninstall_after_upgrade());
    }

    #[test]
    fn retries_exhausted_counts_failures_of_the_action() {
        let install = InstallRemediation {
            retries: Some(1),
            ..Default::default()
        };
        let mut hr = release(Some(1), None);
        assert!(!install.retries_exhausted(&hr));
        install.increment_failure_count(&mut hr);
        assert_eq!(install.failure_count(&hr), 2);
        assert!(install.retries_exhausted(&hr));

        let upgrade = UpgradeRemediation::default();
        let mut hr = HelmRelease::new("podinfo", HelmReleaseSpec::default());
        assert!(!upgrade.retries_exhausted(&hr));
        upgrade.increment_failure_count(&mut hr);
        assert!(upgrade.retries_exhausted(&hr));
        assert_eq!(hr.status.as_ref().and_then(|s| s.upgrade_failures), Some(1));
    }

    #[test]
    fn negative_retries_never_exhaust() {
        let r = UpgradeRemediation {
            retries: Some(-1),
            ..Default::default()
        };
        assert!(!r.retries_exhausted(&release(None, Some(1000))));
    }
}
