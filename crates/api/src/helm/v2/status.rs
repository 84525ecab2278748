//! The observed state of a HelmRelease.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::snapshot::Snapshots;
use crate::meta::Condition;
pub use crate::meta::{ResourceInventory, ResourceRef};

string_enum! {
    /// A Helm action the controller performs on a release.
    pub enum ReleaseAction {
        Install = "install",
        Upgrade = "upgrade",
        Rollback = "rollback",
        Uninstall = "uninstall",
        /// An uninstall remediating a failed install or upgrade.
        UninstallRemediation = "uninstall-remediation",
    }
}

/// `status.lastAttemptedReleaseAction` only ever holds install or upgrade.
fn last_attempted_release_action(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({ "enum": ["install", "upgrade"], "type": "string" })
}

/// The observed state of a HelmRelease.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(extend("default" = {"observedGeneration": -1}))]
pub struct HelmReleaseStatus {
    /// The last observed generation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_generation: Option<i64>,
    /// Digest of the post-renderers of the last successful reconciliation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_post_renderers_digest: Option<String>,
    /// Digest of the common metadata of the last successful reconciliation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_common_metadata_digest: Option<String>,
    /// The last generation a reconciliation was attempted for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_attempted_generation: Option<i64>,
    /// Current conditions of the release.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<Condition>,
    /// `<namespace>/<name>` of the HelmChart made for the release.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub helm_chart: Option<String>,
    /// Namespace of the Helm storage of the current release.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 63))]
    pub storage_namespace: Option<String>,
    /// Releases performed, newest first, back to the last successful one.
    #[serde(default, skip_serializing_if = "Snapshots::is_empty")]
    pub history: Snapshots,
    /// The objects applied by the current release.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inventory: Option<ResourceInventory>,
    /// The last install or upgrade attempted; selects the active remediation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "last_attempted_release_action")]
    pub last_attempted_release_action: Option<ReleaseAction>,
    /// How long the last release action took, as a Go duration string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_attempted_release_action_duration: Option<String>,
    /// Failed reconciliations for the current desired state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failures: Option<i64>,
    /// Failed installs for the current desired state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub install_failures: Option<i64>,
    /// Failed upgrades for the current desired state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upgrade_failures: Option<i64>,
    /// Source revision of the last attempt (chart version, plus `+digest` for OCI).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_attempted_revision: Option<String>,
    /// Digest of the last attempted OCI artifact.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_attempted_revision_digest: Option<String>,
    /// SHA1 of the values of the last attempt (deprecated).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_attempted_values_checksum: Option<String>,
    /// Revision of the last successful Helm release (deprecated).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::schema::go_int")]
    pub last_release_revision: Option<i64>,
    /// Digest of the values of the last attempt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_attempted_config_digest: Option<String>,
    /// The last `reconcile.fluxcd.io/resetAt` value handled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_handled_reset_at: Option<String>,
    /// The last `reconcile.fluxcd.io/requestedAt` value handled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_handled_reconcile_at: Option<String>,
    /// The last `reconcile.fluxcd.io/forceAt` value handled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_handled_force_at: Option<String>,
}

impl HelmReleaseStatus {
    /// Failed reconciliations, 0 when unset.
    pub fn failures(&self) -> i64 {
        self.failures.unwrap_or(0)
    }

    /// Failed installs, 0 when unset.
    pub fn install_failures(&self) -> i64 {
        self.install_failures.unwrap_or(0)
    }

    /// Failed upgrades, 0 when unset.
    pub fn upgrade_failures(&self) -> i64 {
        self.upgrade_failures.unwrap_or(0)
    }

    /// Forgets the release history.
    pub fn clear_history(&mut self) {
        self.history.clear();
    }

    /// Resets the failure counters.
    pub fn clear_failures(&mut self) {
        self.failures = None;
        self.install_failures = None;
        self.upgrade_failures = None;
    }

    /// Namespace and name of the HelmChart, when recorded as `<namespace>/<name>`.
    pub fn helm_chart(&self) -> Option<(&str, &str)> {
        self.helm_chart.as_deref()?.split_once('/')
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helm_chart_splits_namespace_and_name() {
        let mut status = HelmReleaseStatus::default();
        assert_eq!(status.helm_chart(), None);
        status.helm_chart = Some("flux-system/default-podinfo".into());
        assert_eq!(
            status.helm_chart(),
            Some(("flux-system", "default-podinfo"))
        );
        status.helm_chart = Some("no-separator".into());
        assert_eq!(status.helm_chart(), None);
    }

    #[test]
    fn clear_failures_resets_every_counter() {
        let mut status = HelmReleaseStatus {
            failures: Some(3),
            install_failures: Some(1),
            upgrade_failures: Some(2),
            ..Default::default()
        };
        status.clear_failures();
        assert_eq!(
            (
                status.failures(),
                status.install_failures(),
                status.upgrade_failures()
            ),
            (0, 0, 0)
        );
        let json = serde_json::to_value(&status).unwrap_or_default();
        assert_eq!(json, serde_json::json!({}));
    }

    #[test]
    fn release_action_spelling() {
        let json = serde_json::to_value(ReleaseAction::UninstallRemediation).ok();
        assert_eq!(json, Some(serde_json::json!("uninstall-remediation")));
        assert_eq!(ReleaseAction::Install.to_string(), "install");
    }
}
