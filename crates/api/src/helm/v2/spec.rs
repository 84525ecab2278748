//! The HelmRelease kind, its spec, the chart template and the source references.

use std::sync::LazyLock;
use std::time::Duration;

use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::actions::{Install, Rollback, Test, Uninstall, Upgrade};
use super::chart::{CrossNamespaceSourceReference, HelmChartTemplate};
use super::status::HelmReleaseStatus;
use super::DEFAULT_MAX_HISTORY;
use crate::duration::{self, DurationError};
pub use crate::meta::{CommonMetadata, IgnoreRule};
use crate::meta::{
    CustomHealthCheck, DependencyReference, Image, KubeConfigReference, Patch, ValuesReference,
};
use crate::schema::DURATION_PATTERN;

/// Timeout of every Helm action when neither the action nor the spec sets one.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(300);

/// Installs, upgrades, tests and remediates a Helm release from a chart.
#[derive(CustomResource, Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[kube(
    group = "helm.toolkit.fluxcd.io",
    version = "v2",
    kind = "HelmRelease",
    plural = "helmreleases",
    singular = "helmrelease",
    namespaced,
    status = "HelmReleaseStatus",
    shortname = "hr",
    category = "all",
    category = "fluxcd",
    category = "fluxcd-appliers",
    doc = "HelmRelease is the Schema for the helmreleases API",
    annotation("kustomize.toolkit.fluxcd.io/substitute", "disabled"),
    printcolumn = r#"{"jsonPath": ".metadata.creationTimestamp", "name": "Age", "type": "date"}"#,
    printcolumn = r#"{"jsonPath": ".status.conditions[?(@.type==\"Ready\")].status", "name": "Ready", "type": "string"}"#,
    printcolumn = r#"{"jsonPath": ".status.conditions[?(@.type==\"Ready\")].message", "name": "Status", "type": "string"}"#
)]
#[serde(rename_all = "camelCase")]
#[schemars(extend("x-kubernetes-validations" = [
    {"message": "either chart or chartRef must be set", "rule": "(has(self.chart) && !has(self.chartRef)) || (!has(self.chart) && has(self.chartRef))"},
]))]
pub struct HelmReleaseSpec {
    /// Template of the HelmChart the controller creates for this release.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chart: Option<HelmChartTemplate>,
    /// An existing source holding the chart artifact, instead of `chart`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chart_ref: Option<CrossNamespaceSourceReference>,
    /// How often the release is reconciled.
    #[schemars(regex(pattern = DURATION_PATTERN))]
    pub interval: String,
    /// A kubeconfig for releasing to a remote cluster.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kube_config: Option<KubeConfigReference>,
    /// Stop reconciling.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub suspend: bool,
    /// Helm release name; `[targetNamespace-]name` when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 53))]
    pub release_name: Option<String>,
    /// Namespace the release is installed into; the HelmRelease's namespace when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 63))]
    pub target_namespace: Option<String>,
    /// Namespace of the Helm storage; the HelmRelease's namespace when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 63))]
    pub storage_namespace: Option<String>,
    /// HelmReleases that must be ready before this one is reconciled.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<DependencyReference>,
    /// Timeout of each Kubernetes operation of a Helm action; 5m when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = DURATION_PATTERN))]
    pub timeout: Option<String>,
    /// Release versions Helm keeps; 0 keeps all, 5 when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::schema::go_int")]
    pub max_history: Option<i64>,
    /// ServiceAccount impersonated when releasing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 253))]
    pub service_account_name: Option<String>,
    /// Reuse one Kubernetes client for a whole reconciliation; true when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub persistent_client: Option<bool>,
    /// Detection and correction of cluster changes to the released objects.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drift_detection: Option<DriftDetection>,
    /// Settings of the Helm install action.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub install: Option<Install>,
    /// Settings of the Helm upgrade action.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upgrade: Option<Upgrade>,
    /// Settings of the Helm test action.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub test: Option<Test>,
    /// Settings of the Helm rollback action.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rollback: Option<Rollback>,
    /// Settings of the Helm uninstall action.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uninstall: Option<Uninstall>,
    /// ConfigMaps and Secrets holding values, merged in order before `values`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values_from: Vec<ValuesReference>,
    /// Inline values of the release.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::schema::any_json")]
    pub values: Option<Value>,
    /// Labels and annotations added to every released object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub common_metadata: Option<CommonMetadata>,
    /// Post-renderers applied in order to the rendered manifests.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub post_renderers: Vec<PostRenderer>,
    /// Whether and how hooks go through the post-renderers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub post_render_strategy: Option<PostRenderStrategy>,
    /// How Helm waits for released objects to become ready.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wait_strategy: Option<WaitStrategy>,
    /// CEL health checks for custom resources, used when waiting with `poller`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub health_check_exprs: Vec<CustomHealthCheck>,
}

static DEFAULT_DRIFT_DETECTION: LazyLock<DriftDetection> = LazyLock::new(DriftDetection::default);
static DEFAULT_INSTALL: LazyLock<Install> = LazyLock::new(Install::default);
static DEFAULT_UPGRADE: LazyLock<Upgrade> = LazyLock::new(Upgrade::default);
static DEFAULT_TEST: LazyLock<Test> = LazyLock::new(Test::default);
static DEFAULT_ROLLBACK: LazyLock<Rollback> = LazyLock::new(Rollback::default);
static DEFAULT_UNINSTALL: LazyLock<Uninstall> = LazyLock::new(Uninstall::default);

impl HelmReleaseSpec {
    /// `spec.interval` as a duration; also the requeue period after success.
    pub fn interval(&self) -> Result<Duration, DurationError> {
        duration::parse(&self.interval)
    }

    /// `spec.timeout`, 5 minutes when unset.
    pub fn timeout(&self) -> Result<Duration, DurationError> {
        match &self.timeout {
            Some(d) => duration::parse(d),
            None => Ok(DEFAULT_TIMEOUT),
        }
    }

    /// `spec.maxHistory`, 5 when unset; 0 means unlimited.
    pub fn max_history(&self) -> i64 {
        self.max_history.unwrap_or(DEFAULT_MAX_HISTORY)
    }

    /// Whether one Kubernetes client serves a whole reconciliation (default true).
    pub fn uses_persistent_client(&self) -> bool {
        self.persistent_client.unwrap_or(true)
    }

    /// Whether the chart comes from `spec.chartRef`.
    pub fn has_chart_ref(&self) -> bool {
        self.chart_ref.is_some()
    }

    /// Whether the chart comes from a HelmChart made from `spec.chart`.
    pub fn has_chart_template(&self) -> bool {
        self.chart.is_some()
    }

    /// The drift detection settings, or the defaults (disabled).
    pub fn drift_detection(&self) -> &DriftDetection {
        self.drift_detection
            .as_ref()
            .unwrap_or(&DEFAULT_DRIFT_DETECTION)
    }

    /// The install settings, or the defaults.
    pub fn install(&self) -> &Install {
        self.install.as_ref().unwrap_or(&DEFAULT_INSTALL)
    }

    /// The upgrade settings, or the defaults.
    pub fn upgrade(&self) -> &Upgrade {
        self.upgrade.as_ref().unwrap_or(&DEFAULT_UPGRADE)
    }

    /// The test settings, or the defaults (tests disabled).
    pub fn test(&self) -> &Test {
        self.test.as_ref().unwrap_or(&DEFAULT_TEST)
    }

    /// The rollback settings, or the defaults.
    pub fn rollback(&self) -> &Rollback {
        self.rollback.as_ref().unwrap_or(&DEFAULT_ROLLBACK)
    }

    /// The uninstall settings, or the defaults.
    pub fn uninstall(&self) -> &Uninstall {
        self.uninstall.as_ref().unwrap_or(&DEFAULT_UNINSTALL)
    }

    /// The wait strategy, when set; the controller's default applies otherwise.
    pub fn wait_strategy(&self) -> Option<WaitStrategyName> {
        self.wait_strategy.as_ref().map(|w| w.name)
    }

    /// The inline values as a map; empty when unset or not an object.
    pub fn values(&self) -> Map<String, Value> {
        match &self.values {
            Some(Value::Object(map)) => map.clone(),
            _ => Map::new(),
        }
    }
}

/// A post-renderer of the rendered manifests.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PostRenderer {
    /// A kustomization run over the manifests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kustomize: Option<Kustomize>,
}

/// Kustomize patches and image overrides applied as a post-renderer.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Kustomize {
    /// Strategic merge and JSON 6902 patches.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub patches: Vec<Patch>,
    /// Image overrides.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub images: Vec<Image>,
}

string_enum! {
    /// Whether hooks go through the post-renderers, and in which stream.
    pub enum PostRenderStrategy {
        /// Hooks skip the post-renderers (Helm 3 behaviour).
        NoHooks = "nohooks",
        /// Hooks and templates go through together (Helm 4 default).
        Combined = "combined",
        /// Hooks and templates go through in separate streams.
        Separate = "separate",
    }
}

string_enum! {
    /// How differences between the release manifest and the cluster are handled.
    #[derive(Default)]
    pub enum DriftDetectionMode {
        /// Detect and correct drift with an upgrade.
        Enabled = "enabled",
        /// Detect drift and only warn.
        Warn = "warn",
        /// Do not detect drift.
        #[default]
        Disabled = "disabled",
    }
}

/// Drift detection settings.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct DriftDetection {
    /// What to do on drift; `disabled` when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<DriftDetectionMode>,
    /// Changes that never count as drift.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ignore: Vec<IgnoreRule>,
}

impl DriftDetection {
    /// The mode, `disabled` when unset.
    pub fn mode(&self) -> DriftDetectionMode {
        self.mode.unwrap_or_default()
    }

    /// Whether drift is looked for (mode `enabled` or `warn`).
    pub fn must_detect_changes(&self) -> bool {
        self.mode() != DriftDetectionMode::Disabled
    }
}

string_enum! {
    /// How Helm waits for released objects.
    #[derive(Default)]
    pub enum WaitStrategyName {
        /// Poll object status with kstatus.
        #[default]
        Poller = "poller",
        /// Helm 3's waiting logic.
        Legacy = "legacy",
    }
}

/// Helm's wait strategy.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct WaitStrategy {
    /// The strategy.
    pub name: WaitStrategyName,
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = r#"
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: podinfo
  namespace: apps
spec:
  interval: 10m
  timeout: 5m
  chart:
    spec:
      chart: podinfo
      version: '6.5.*'
      sourceRef:
        kind: HelmRepository
        name: podinfo
      interval: 5m
  releaseName: podinfo
  install:
    remediation:
      retries: 3
  upgrade:
    remediation:
      remediateLastFailure: false
  driftDetection:
    mode: enabled
    ignore:
    - paths: ["/spec/replicas"]
      target:
        kind: Deployment
  test:
    enable: true
  valuesFrom:
  - kind: ConfigMap
    name: podinfo-values
  values:
    replicaCount: 2
    ingress:
      enabled: true
  postRenderers:
  - kustomize:
      patches:
      - target:
          kind: Deployment
        patch: |
          - op: add
            path: /metadata/labels/team
            value: web
  postRenderStrategy: separate
  waitStrategy:
    name: legacy
"#;

    #[test]
    fn flux_example_round_trips() {
        let hr: HelmRelease = serde_yaml_ng::from_str(EXAMPLE).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(hr.spec.interval(), Ok(Duration::from_secs(600)));
        assert!(hr.spec.has_chart_template() && !hr.spec.has_chart_ref());
        assert_eq!(
            hr.spec.drift_detection().mode(),
            DriftDetectionMode::Enabled
        );
        assert!(hr.spec.drift_detection().must_detect_changes());
        assert_eq!(
            hr.spec.post_render_strategy,
            Some(PostRenderStrategy::Separate)
        );
        assert_eq!(hr.spec.wait_strategy(), Some(WaitStrategyName::Legacy));
        assert_eq!(hr.spec.values()["ingress"]["enabled"], true);

        let original: serde_json::Value =
            serde_yaml_ng::from_str(EXAMPLE).unwrap_or_else(|e| panic!("{e}"));
        let mut expected = original.clone();
        // Fields Flux defaults are written back with their default.
        expected["spec"]["chart"]["spec"]["reconcileStrategy"] = "ChartVersion".into();
        let written = serde_json::to_value(&hr).unwrap_or_default();
        assert_eq!(written, expected);
    }
}
