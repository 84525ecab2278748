//! The release history: one snapshot per Helm release version the controller observed.

use std::collections::BTreeMap;
use std::ops::{Deref, DerefMut};

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::status::ReleaseAction;
use super::DEFAULT_MAX_HISTORY;

/// Snapshot API version of the snapshots this version writes (Helm 4 digests).
pub const CURRENT_SNAPSHOT_API_VERSION: &str = "v2";
/// Helm release status of the deployed release.
pub const STATUS_DEPLOYED: &str = "deployed";
/// Helm release status of a release replaced by a newer one.
pub const STATUS_SUPERSEDED: &str = "superseded";
/// Phase of a failed test hook.
pub const TEST_PHASE_FAILED: &str = "Failed";
/// Phase of a successful test hook.
pub const TEST_PHASE_SUCCEEDED: &str = "Succeeded";

/// A copy of the state of one Helm release version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Snapshot {
    /// Version of the snapshot format, telling how `digest` was computed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    /// Digest of the release object in storage, `<algo>:<checksum>`.
    pub digest: String,
    /// Release name.
    pub name: String,
    /// Release namespace.
    pub namespace: String,
    /// Release version in storage.
    #[schemars(schema_with = "crate::schema::go_int")]
    pub version: i64,
    /// Release status, such as `deployed` or `failed`.
    pub status: String,
    /// The action that made this release.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub action: Option<ReleaseAction>,
    /// Chart name.
    pub chart_name: String,
    /// Chart version.
    pub chart_version: String,
    /// Chart app version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_version: Option<String>,
    /// Digest of the release's values, `<algo>:<checksum>`.
    pub config_digest: String,
    /// When the release was first deployed.
    pub first_deployed: Time,
    /// When the release was last deployed.
    pub last_deployed: Time,
    /// When the release was deleted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deleted: Option<Time>,
    /// Test hooks observed to run, by name; present and empty when the chart has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub test_hooks: Option<BTreeMap<String, TestHookStatus>>,
    /// Digest of the OCI artifact the chart came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oci_digest: Option<String>,
}

impl Snapshot {
    /// `<namespace>/<name>.v<version>`.
    pub fn full_release_name(&self) -> String {
        format!("{}/{}.v{}", self.namespace, self.name, self.version)
    }

    /// `<chart name>@<chart version>`.
    pub fn versioned_chart_name(&self) -> String {
        format!("{}@{}", self.chart_name, self.chart_version)
    }

    /// Whether test results were observed: no tests, any failed, or all succeeded.
    pub fn has_been_tested(&self) -> bool {
        let Some(hooks) = &self.test_hooks else {
            return false;
        };
        hooks.is_empty()
            || hooks.values().any(|h| h.phase() == TEST_PHASE_FAILED)
            || hooks.values().all(|h| h.phase() == TEST_PHASE_SUCCEEDED)
    }

    /// Whether any test hook is in `phase`.
    pub fn has_test_in_phase(&self, phase: &str) -> bool {
        self.test_hooks
            .as_ref()
            .is_some_and(|hooks| hooks.values().any(|h| h.phase() == phase))
    }

    /// Whether this snapshot is of the given release version.
    pub fn targets(&self, name: &str, namespace: &str, version: i64) -> bool {
        self.name == name && self.namespace == namespace && self.version == version
    }

    /// Whether the release is deployed or superseded, and (unless `ignore_tests`) its tests
    /// did not fail: a release remediation can go back to.
    fn is_previous_candidate(&self, ignore_tests: bool) -> bool {
        (self.status == STATUS_DEPLOYED || self.status == STATUS_SUPERSEDED)
            && (ignore_tests || !self.has_test_in_phase(TEST_PHASE_FAILED))
    }
}

/// The state of a test hook as the controller observed it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TestHookStatus {
    /// When the hook last started.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_started: Option<Time>,
    /// When the hook last completed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_completed: Option<Time>,
    /// Phase of the hook, such as `Succeeded` or `Failed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase: Option<String>,
}

impl TestHookStatus {
    /// The phase, empty when unset.
    pub fn phase(&self) -> &str {
        self.phase.as_deref().unwrap_or_default()
    }
}

/// The release history, a list of [`Snapshot`]s.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(transparent)]
pub struct Snapshots(pub Vec<Snapshot>);

impl Deref for Snapshots {
    type Target = Vec<Snapshot>;
    fn deref(&self) -> &Vec<Snapshot> {
        &self.0
    }
}

impl DerefMut for Snapshots {
    fn deref_mut(&mut self) -> &mut Vec<Snapshot> {
        &mut self.0
    }
}

impl From<Vec<Snapshot>> for Snapshots {
    fn from(snapshots: Vec<Snapshot>) -> Self {
        Snapshots(snapshots)
    }
}

impl FromIterator<Snapshot> for Snapshots {
    fn from_iter<I: IntoIterator<Item = Snapshot>>(iter: I) -> Self {
        Snapshots(iter.into_iter().collect())
    }
}

impl Snapshots {
    /// Whether there are no snapshots.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Sorts by release version, newest first.
    pub fn sort_by_version(&mut self) {
        self.0.sort_by_key(|s| std::cmp::Reverse(s.version));
    }

    /// The snapshot with the highest release version.
    pub fn latest(&self) -> Option<&Snapshot> {
        self.0
            .iter()
            .reduce(|a, b| if b.version > a.version { b } else { a })
    }

    /// The snapshot with the highest release version, for updating it in place.
    pub fn latest_mut(&mut self) -> Option<&mut Snapshot> {
        self.sort_by_version();
        self.0.first_mut()
    }

    /// The newest snapshot before the latest that is deployed or superseded and, unless
    /// `ignore_tests`, has no failed test.
    pub fn previous(&self, ignore_tests: bool) -> Option<&Snapshot> {
        if self.0.len() < 2 {
            return None;
        }
        let mut sorted: Vec<&Snapshot> = self.0.iter().collect();
        sorted.sort_by_key(|s| std::cmp::Reverse(s.version));
        sorted
            .into_iter()
            .skip(1)
            .find(|s| s.is_previous_candidate(ignore_tests))
    }

    /// Keeps the snapshots down to the [`previous`](Self::previous) one; without one,
    /// keeps the 5 newest. Leaves the list sorted newest first.
    pub fn truncate_to_previous(&mut self, ignore_tests: bool) {
        if self.0.len() < 2 {
            return;
        }
        self.sort_by_version();
        let keep = self
            .0
            .iter()
            .skip(1)
            .position(|s| s.is_previous_candidate(ignore_tests))
            .map(|i| i + 2);
        self.0
            .truncate(keep.unwrap_or(DEFAULT_MAX_HISTORY as usize));
    }

    /// Sorts newest first and keeps the 5 newest snapshots.
    pub fn truncate_to_default_max(&mut self) {
        self.sort_by_version();
        self.0.truncate(DEFAULT_MAX_HISTORY as usize);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn time() -> Time {
        Time(k8s_openapi::jiff::Timestamp::UNIX_EPOCH)
    }

    fn snap(version: i64, status: &str) -> Snapshot {
        Snapshot {
            api_version: Some(CURRENT_SNAPSHOT_API_VERSION.into()),
            digest: format!("sha256:{version}"),
            name: "podinfo".into(),
            namespace: "default".into(),
            version,
            status: status.into(),
            action: None,
            chart_name: "podinfo".into(),
            chart_version: "6.5.0".into(),
            app_version: None,
            config_digest: "sha256:abc".into(),
            first_deployed: time(),
            last_deployed: time(),
            deleted: None,
            test_hooks: None,
            oci_digest: None,
        }
    }

    fn hooks(phases: &[&str]) -> Option<BTreeMap<String, TestHookStatus>> {
        let hooks = phases.iter().enumerate().map(|(i, p)| {
            let status = TestHookStatus {
                phase: Some((*p).to_owned()),
                ..Default::default()
            };
            (format!("test-{i}"), status)
        });
        Some(hooks.collect())
    }

    fn versions(s: &Snapshots) -> Vec<i64> {
        s.iter().map(|s| s.version).collect()
    }

    #[test]
    fn names() {
        let s = snap(3, STATUS_DEPLOYED);
        assert_eq!(s.full_release_name(), "default/podinfo.v3");
        assert_eq!(s.versioned_chart_name(), "podinfo@6.5.0");
        assert!(s.targets("podinfo", "default", 3));
        assert!(!s.targets("podinfo", "default", 2));
    }

    #[test]
    fn has_been_tested() {
        let mut s = snap(1, STATUS_DEPLOYED);
        assert!(!s.has_been_tested());
        s.test_hooks = hooks(&[]);
        assert!(s.has_been_tested());
        s.test_hooks = hooks(&[TEST_PHASE_SUCCEEDED, "Running"]);
        assert!(!s.has_been_tested());
        s.test_hooks = hooks(&[TEST_PHASE_FAILED, "Running"]);
        assert!(s.has_been_tested());
        assert!(s.has_test_in_phase(TEST_PHASE_FAILED));
        s.test_hooks = hooks(&[TEST_PHASE_SUCCEEDED, TEST_PHASE_SUCCEEDED]);
        assert!(s.has_been_tested());
    }

    #[test]
    fn latest_and_previous() {
        let mut history: Snapshots =
            vec![snap(2, "superseded"), snap(4, "failed"), snap(3, "failed")].into();
        assert_eq!(history.latest().map(|s| s.version), Some(4));
        assert_eq!(history.previous(false).map(|s| s.version), Some(2));

        history[0].test_hooks = hooks(&[TEST_PHASE_FAILED]);
        assert_eq!(history.previous(false), None);
        assert_eq!(history.previous(true).map(|s| s.version), Some(2));

        assert_eq!(Snapshots::default().latest(), None);
        assert_eq!(
            Snapshots::from(vec![snap(1, "deployed")]).previous(true),
            None
        );
    }

    #[test]
    fn latest_mut_sorts() {
        let mut history: Snapshots = vec![snap(1, "superseded"), snap(2, "deployed")].into();
        if let Some(s) = history.latest_mut() {
            s.status = "failed".into();
        }
        assert_eq!(versions(&history), vec![2, 1]);
        assert_eq!(history[0].status, "failed");
    }

    #[test]
    fn truncate_to_previous() {
        let mut history: Snapshots = (1..=7)
            .map(|v| snap(v, if v == 4 { "superseded" } else { "failed" }))
            .collect();
        history.truncate_to_previous(false);
        assert_eq!(versions(&history), vec![7, 6, 5, 4]);

        let mut history: Snapshots = (1..=7).map(|v| snap(v, "failed")).collect();
        history.truncate_to_previous(false);
        assert_eq!(versions(&history), vec![7, 6, 5, 4, 3]);

        let mut history: Snapshots = (1..=7).map(|v| snap(v, "failed")).collect();
        history.truncate_to_default_max();
        assert_eq!(versions(&history), vec![7, 6, 5, 4, 3]);
    }

    #[test]
    fn serializes_as_a_plain_list() {
        let history = Snapshots::from(vec![snap(1, STATUS_DEPLOYED)]);
        let json = serde_json::to_value(&history).unwrap_or_default();
        assert_eq!(json[0]["version"], 1);
        assert_eq!(json[0]["firstDeployed"], "1970-01-01T00:00:00Z");
        let back: Snapshots = serde_json::from_value(json).unwrap_or_default();
        assert_eq!(back, history);
    }
}
