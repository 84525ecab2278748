//! Settings of the Helm actions: install, upgrade, test, rollback and uninstall.

use std::time::Duration;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::duration::{self, DurationError};
use crate::schema::DURATION_PATTERN;

mod install;
mod upgrade;

pub use install::{Install, InstallStrategy};
pub use upgrade::{Upgrade, UpgradeStrategy};

/// Wait between retries of a `RetryOnFailure` strategy when it sets no interval.
pub const DEFAULT_RETRY_INTERVAL: Duration = Duration::from_secs(300);

/// An optional duration field, or `default` when unset.
fn duration_or(value: Option<&String>, default: Duration) -> Result<Duration, DurationError> {
    match value {
        Some(d) => duration::parse(d),
        None => Ok(default),
    }
}

/// The retry behaviour of a failed install or upgrade.
pub trait Retry: std::fmt::Debug {
    /// Wait before the next attempt; 5 minutes unless set.
    fn retry_interval(&self) -> Result<Duration, DurationError>;
}

string_enum! {
    /// What happens after a failed install or upgrade.
    #[derive(Default)]
    pub enum ActionStrategyName {
        /// Remediate (uninstall or roll back) as `remediation` says.
        #[default]
        RemediateOnFailure = "RemediateOnFailure",
        /// Retry the action after `retryInterval`, without remediating.
        RetryOnFailure = "RetryOnFailure",
    }
}

string_enum! {
    /// What Helm does with the CRDs in a chart's `crds` directory.
    pub enum CRDsPolicy {
        /// Neither create nor replace CRDs.
        Skip = "Skip",
        /// Create missing CRDs; leave existing ones alone.
        Create = "Create",
        /// Create missing CRDs and replace existing ones.
        CreateReplace = "CreateReplace",
    }
}

string_enum! {
    /// Whether upgrades and rollbacks apply objects server-side.
    pub enum ServerSideApplyMode {
        Enabled = "enabled",
        Disabled = "disabled",
        /// Do what the previous release did.
        Auto = "auto",
    }
}

string_enum! {
    /// What an upgrade does when the chart's name changed.
    #[derive(Default)]
    pub enum ChartNameChangeStrategy {
        /// Upgrade the release in place.
        InPlaceUpdate = "InPlaceUpdate",
        /// Uninstall the release, then install it again.
        #[default]
        Reinstall = "Reinstall",
    }
}

string_enum! {
    /// Deletion propagation of the uninstall action.
    #[derive(Default)]
    pub enum DeletionPropagation {
        #[default]
        Background = "background",
        Foreground = "foreground",
        Orphan = "orphan",
    }
}

/// Settings of the Helm test action.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Test {
    /// Run the chart's tests after each install or upgrade.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub enable: bool,
    /// Timeout of each Kubernetes operation; `spec.timeout` when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = DURATION_PATTERN))]
    pub timeout: Option<String>,
    /// Do not remediate when tests fail (overridable per install and upgrade).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub ignore_failures: bool,
    /// Tests to run or to skip.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filters: Option<Vec<Filter>>,
}

impl Test {
    /// The action's timeout, or `default` (normally the spec's timeout).
    pub fn timeout(&self, default: Duration) -> Result<Duration, DurationError> {
        duration_or(self.timeout.as_ref(), default)
    }

    /// The test filters; empty when unset.
    pub fn filters(&self) -> &[Filter] {
        self.filters.as_deref().unwrap_or_default()
    }
}

/// Selects one test to run or to exclude.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Filter {
    /// Name of the test.
    #[schemars(length(min = 1, max = 253))]
    pub name: String,
    /// Exclude the test instead of selecting it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub exclude: bool,
}

/// Settings of the Helm rollback action.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Rollback {
    /// Timeout of each Kubernetes operation; `spec.timeout` when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = DURATION_PATTERN))]
    pub timeout: Option<String>,
    /// Do not wait for the objects to become ready.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub disable_wait: bool,
    /// Do not wait for Jobs to complete.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub disable_wait_for_jobs: bool,
    /// Do not run hooks.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub disable_hooks: bool,
    /// Restart pods of managed workloads (deprecated, no effect with Helm 4).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub recreate: bool,
    /// Replace objects instead of a three-way merge (client-side apply only).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub force: bool,
    /// Delete objects created by a failed rollback.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub cleanup_on_fail: bool,
    /// Server-side apply mode; `auto` when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_side_apply: Option<ServerSideApplyMode>,
}

impl Rollback {
    /// The action's timeout, or `default` (normally the spec's timeout).
    pub fn timeout(&self, default: Duration) -> Result<Duration, DurationError> {
        duration_or(self.timeout.as_ref(), default)
    }
}

/// Settings of the Helm uninstall action.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Uninstall {
    /// Timeout of each Kubernetes operation; `spec.timeout` when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = DURATION_PATTERN))]
    pub timeout: Option<String>,
    /// Do not run hooks.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub disable_hooks: bool,
    /// Keep the release history, marking the release deleted.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub keep_history: bool,
    /// Do not wait for the objects to be deleted.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub disable_wait: bool,
    /// Deletion propagation policy; `background` by default.
    #[serde(default)]
    pub deletion_propagation: DeletionPropagation,
}

impl Uninstall {
    /// The action's timeout, or `default` (normally the spec's timeout).
    pub fn timeout(&self, default: Duration) -> Result<Duration, DurationError> {
        duration_or(self.timeout.as_ref(), default)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_filters_default_to_none() {
        let mut test = Test::default();
        assert!(test.filters().is_empty());
        test.filters = Some(vec![Filter {
            name: "smoke".into(),
            exclude: true,
        }]);
        assert_eq!(test.filters()[0].name, "smoke");
        let timeout = test.timeout(Duration::from_secs(5));
        assert_eq!(timeout, Ok(Duration::from_secs(5)));
    }

    #[test]
    fn uninstall_always_writes_its_deletion_propagation() {
        let uninstall: Uninstall =
            serde_json::from_value(serde_json::json!({})).unwrap_or_else(|_| Uninstall {
                deletion_propagation: DeletionPropagation::Orphan,
                ..Default::default()
            });
        assert_eq!(
            uninstall.deletion_propagation,
            DeletionPropagation::Background
        );
        let json = serde_json::to_value(&uninstall).ok();
        assert_eq!(
            json,
            Some(serde_json::json!({"deletionPropagation": "background"}))
        );
    }

    #[test]
    fn enum_spellings() {
        assert_eq!(CRDsPolicy::CreateReplace.as_str(), "CreateReplace");
        assert_eq!(ServerSideApplyMode::Disabled.to_string(), "disabled");
        assert_eq!(DeletionPropagation::Foreground.as_str(), "foreground");
        let rollback: Rollback =
            serde_json::from_value(serde_json::json!({"serverSideApply": "enabled"}))
                .unwrap_or_default();
        assert_eq!(
            rollback.server_side_apply,
            Some(ServerSideApplyMode::Enabled)
        );
    }
}
