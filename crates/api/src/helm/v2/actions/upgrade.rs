//! The Helm upgrade action.

use std::sync::LazyLock;
use std::time::Duration;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{
    duration_or, ActionStrategyName, CRDsPolicy, ChartNameChangeStrategy, Retry,
    ServerSideApplyMode, DEFAULT_RETRY_INTERVAL,
};
use crate::duration::DurationError;
use crate::helm::v2::remediation::UpgradeRemediation;
use crate::schema::DURATION_PATTERN;

/// Settings of the Helm upgrade action.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Upgrade {
    /// Timeout of each Kubernetes operation; `spec.timeout` when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = DURATION_PATTERN))]
    pub timeout: Option<String>,
    /// What happens after a failed upgrade.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strategy: Option<UpgradeStrategy>,
    /// Remediation of a failed upgrade; none by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remediation: Option<UpgradeRemediation>,
    /// Do not take ownership of existing objects.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub disable_take_ownership: bool,
    /// Do not wait for the objects to become ready.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub disable_wait: bool,
    /// Do not wait for Jobs to complete.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub disable_wait_for_jobs: bool,
    /// Do not run hooks.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub disable_hooks: bool,
    /// Do not validate the manifests against the Kubernetes OpenAPI schema.
    #[serde(
        default,
        rename = "disableOpenAPIValidation",
        skip_serializing_if = "std::ops::Not::not"
    )]
    pub disable_openapi_validation: bool,
    /// Do not validate the values against the chart's JSON schema.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub disable_schema_validation: bool,
    /// Replace objects instead of a three-way merge (client-side apply only).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub force: bool,
    /// Reuse the previous release's values, merged with the new ones.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub preserve_values: bool,
    /// Delete objects created by a failed upgrade.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub cleanup_on_fail: bool,
    /// The CRD policy; `Skip` when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crds: Option<CRDsPolicy>,
    /// Server-side apply mode; `auto` when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_side_apply: Option<ServerSideApplyMode>,
    /// What happens when the chart's name changed; `Reinstall` when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chart_name_change_strategy: Option<ChartNameChangeStrategy>,
}

static DEFAULT_UPGRADE_REMEDIATION: LazyLock<UpgradeRemediation> =
    LazyLock::new(UpgradeRemediation::default);

impl Upgrade {
    /// The action's timeout, or `default` (normally the spec's timeout).
    pub fn timeout(&self, default: Duration) -> Result<Duration, DurationError> {
        duration_or(self.timeout.as_ref(), default)
    }

    /// The remediation settings, or the defaults.
    pub fn remediation(&self) -> &UpgradeRemediation {
        self.remediation
            .as_ref()
            .unwrap_or(&DEFAULT_UPGRADE_REMEDIATION)
    }

    /// The retry strategy when failures are retried rather than remediated. With no
    /// strategy set, `default_to_retry_on_failure` decides.
    pub fn retry(&self, default_to_retry_on_failure: bool) -> Option<UpgradeStrategy> {
        match &self.strategy {
            None if default_to_retry_on_failure => Some(UpgradeStrategy {
                name: ActionStrategyName::RetryOnFailure,
                retry_interval: None,
            }),
            Some(s) if s.name == ActionStrategyName::RetryOnFailure => Some(s.clone()),
            _ => None,
        }
    }

    /// The chart name change strategy, `Reinstall` when unset.
    pub fn chart_name_change_strategy(&self) -> ChartNameChangeStrategy {
        self.chart_name_change_strategy.unwrap_or_default()
    }
}

/// The upgrade strategy.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(extend("x-kubernetes-validations" = [
    {"message": ".retryInterval can only be set when .name is 'RetryOnFailure'", "rule": "!has(self.retryInterval) || self.name == 'RetryOnFailure'"},
]))]
pub struct UpgradeStrategy {
    /// The strategy.
    pub name: ActionStrategyName,
    /// Wait between retries (RetryOnFailure only); 5m when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = DURATION_PATTERN))]
    pub retry_interval: Option<String>,
}

impl Retry for UpgradeStrategy {
    fn retry_interval(&self) -> Result<Duration, DurationError> {
        duration_or(self.retry_interval.as_ref(), DEFAULT_RETRY_INTERVAL)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::helm::v2::{Remediation, RemediationStrategy};

    #[test]
    fn defaults() {
        let upgrade = Upgrade::default();
        let default = Duration::from_secs(60);
        assert_eq!(upgrade.timeout(default), Ok(default));
        assert_eq!(
            upgrade.chart_name_change_strategy(),
            ChartNameChangeStrategy::Reinstall
        );
        assert_eq!(
            upgrade.remediation().strategy(),
            RemediationStrategy::Rollback
        );
        assert_eq!(upgrade.retry(false), None);
        assert!(upgrade.retry(true).is_some());
    }

    #[test]
    fn flux_field_names() {
        let json = serde_json::json!({
            "timeout": "10m",
            "cleanupOnFail": true,
            "preserveValues": true,
            "serverSideApply": "auto",
            "chartNameChangeStrategy": "InPlaceUpdate",
            "remediation": {"retries": 3, "strategy": "uninstall"},
            "strategy": {"name": "RetryOnFailure", "retryInterval": "2m"}
        });
        let upgrade: Upgrade = serde_json::from_value(json.clone()).unwrap_or_default();
        assert_eq!(upgrade.server_side_apply, Some(ServerSideApplyMode::Auto));
        assert_eq!(
            upgrade.chart_name_change_strategy(),
            ChartNameChangeStrategy::InPlaceUpdate
        );
        assert!(upgrade.remediation().is_uninstall_after_upgrade());
        let retry = upgrade.retry(false).map(|s| s.retry_interval());
        assert_eq!(retry, Some(Ok(Duration::from_secs(120))));
        assert_eq!(serde_json::to_value(&upgrade).ok(), Some(json));
    }
}
