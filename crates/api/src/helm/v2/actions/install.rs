//! The Helm install action.

use std::sync::LazyLock;
use std::time::Duration;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{duration_or, ActionStrategyName, CRDsPolicy, Retry, DEFAULT_RETRY_INTERVAL};
use crate::duration::DurationError;
use crate::helm::v2::remediation::InstallRemediation;
use crate::schema::DURATION_PATTERN;

/// Settings of the Helm install action.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Install {
    /// Timeout of each Kubernetes operation; `spec.timeout` when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = DURATION_PATTERN))]
    pub timeout: Option<String>,
    /// What happens after a failed install.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strategy: Option<InstallStrategy>,
    /// Remediation of a failed install; none by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remediation: Option<InstallRemediation>,
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
    /// Reuse the name of a deleted release still in the history.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub replace: bool,
    /// Do not install CRDs (deprecated: use `crds: Skip`).
    #[serde(
        default,
        rename = "skipCRDs",
        skip_serializing_if = "std::ops::Not::not"
    )]
    pub skip_crds: bool,
    /// The CRD policy; `Create` when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crds: Option<CRDsPolicy>,
    /// Create the target namespace if missing.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub create_namespace: bool,
    /// Apply objects server-side; the controller's default when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_side_apply: Option<bool>,
}

static DEFAULT_INSTALL_REMEDIATION: LazyLock<InstallRemediation> =
    LazyLock::new(InstallRemediation::default);

impl Install {
    /// The action's timeout, or `default` (normally the spec's timeout).
    pub fn timeout(&self, default: Duration) -> Result<Duration, DurationError> {
        duration_or(self.timeout.as_ref(), default)
    }

    /// The remediation settings, or the defaults.
    pub fn remediation(&self) -> &InstallRemediation {
        self.remediation
            .as_ref()
            .unwrap_or(&DEFAULT_INSTALL_REMEDIATION)
    }

    /// The retry strategy when failures are retried rather than remediated. With no
    /// strategy set, `default_to_retry_on_failure` decides.
    pub fn retry(&self, default_to_retry_on_failure: bool) -> Option<InstallStrategy> {
        match &self.strategy {
            None if default_to_retry_on_failure => Some(InstallStrategy {
                name: ActionStrategyName::RetryOnFailure,
                retry_interval: None,
            }),
            Some(s) if s.name == ActionStrategyName::RetryOnFailure => Some(s.clone()),
            _ => None,
        }
    }
}

/// The install strategy.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(extend("x-kubernetes-validations" = [
    {"message": ".retryInterval cannot be set when .name is 'RemediateOnFailure'", "rule": "!has(self.retryInterval) || self.name != 'RemediateOnFailure'"},
]))]
pub struct InstallStrategy {
    /// The strategy.
    pub name: ActionStrategyName,
    /// Wait between retries (RetryOnFailure only); 5m when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = DURATION_PATTERN))]
    pub retry_interval: Option<String>,
}

impl Retry for InstallStrategy {
    fn retry_interval(&self) -> Result<Duration, DurationError> {
        duration_or(self.retry_interval.as_ref(), DEFAULT_RETRY_INTERVAL)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::helm::v2::Remediation;

    #[test]
    fn timeout_falls_back_to_the_given_default() {
        let mut install = Install::default();
        let default = Duration::from_secs(300);
        assert_eq!(install.timeout(default), Ok(default));
        install.timeout = Some("1m30s".into());
        assert_eq!(install.timeout(default), Ok(Duration::from_secs(90)));
    }

    #[test]
    fn retry_only_for_retry_on_failure() {
        let mut install = Install::default();
        assert_eq!(install.retry(false), None);
        let synthesized = install.retry(true);
        assert_eq!(
            synthesized.as_ref().map(|s| s.name),
            Some(ActionStrategyName::RetryOnFailure)
        );
        assert_eq!(
            synthesized.map(|s| s.retry_interval()),
            Some(Ok(DEFAULT_RETRY_INTERVAL))
        );

        install.strategy = Some(InstallStrategy::default());
        assert_eq!(install.retry(true), None);
        install.strategy = Some(InstallStrategy {
            name: ActionStrategyName::RetryOnFailure,
            retry_interval: Some("30s".into()),
        });
        let retry = install.retry(false).map(|s| s.retry_interval());
        assert_eq!(retry, Some(Ok(Duration::from_secs(30))));
    }

    #[test]
    fn flux_field_names() {
        let json = serde_json::json!({
            "disableOpenAPIValidation": true,
            "skipCRDs": true,
            "crds": "CreateReplace",
            "serverSideApply": false,
            "remediation": {"retries": -1, "remediateLastFailure": true},
            "strategy": {"name": "RemediateOnFailure"}
        });
        let install: Install = serde_json::from_value(json.clone()).unwrap_or_default();
        assert!(install.disable_openapi_validation && install.skip_crds);
        assert_eq!(install.crds, Some(CRDsPolicy::CreateReplace));
        assert_eq!(install.remediation().retries(), -1);
        assert!(install.remediation().must_remediate_last_failure());
        assert_eq!(serde_json::to_value(&install).ok(), Some(json));
    }
}
