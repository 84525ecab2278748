//! The chart of a HelmRelease: the HelmChart template and the source references.

use std::collections::BTreeMap;
use std::time::Duration;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::duration::{self, DurationError};
use crate::meta::LocalObjectReference;
use crate::schema::DURATION_PATTERN;
use crate::source::v1::VerificationProvider;

/// The template of the HelmChart created for a release.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct HelmChartTemplate {
    /// Labels and annotations of the HelmChart.
    #[serde(default, rename = "metadata", skip_serializing_if = "Option::is_none")]
    pub object_meta: Option<HelmChartTemplateObjectMeta>,
    /// Spec of the HelmChart.
    pub spec: HelmChartTemplateSpec,
}

impl HelmChartTemplate {
    /// The HelmChart's interval, or `default` when the template sets none.
    pub fn interval(&self, default: Duration) -> Result<Duration, DurationError> {
        match &self.spec.interval {
            Some(d) => duration::parse(d),
            None => Ok(default),
        }
    }

    /// The namespace of the chart's source, or `default`.
    pub fn namespace<'a>(&'a self, default: &'a str) -> &'a str {
        match self.spec.source_ref.namespace.as_deref() {
            Some(ns) if !ns.is_empty() => ns,
            _ => default,
        }
    }
}

/// Metadata of the templated HelmChart.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct HelmChartTemplateObjectMeta {
    /// Labels of the HelmChart.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    /// Annotations of the HelmChart.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
}

/// Spec of the templated HelmChart.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct HelmChartTemplateSpec {
    /// Name or path of the chart in the source.
    #[schemars(length(min = 1, max = 2048))]
    pub chart: String,
    /// Semver range of the chart version (HelmRepository sources only); `*` by default.
    #[serde(default = "default_chart_version")]
    pub version: String,
    /// The source the chart is read from.
    pub source_ref: CrossNamespaceObjectReference,
    /// How often the source is checked; the HelmRelease's interval when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = DURATION_PATTERN))]
    pub interval: Option<String>,
    /// What makes a new chart artifact.
    #[serde(default)]
    pub reconcile_strategy: ReconcileStrategy,
    /// Values files in the source merged in order as the chart's values.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values_files: Vec<String>,
    /// Skip missing values files instead of failing.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub ignore_missing_values_files: bool,
    /// Signature verification of OCI charts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verify: Option<HelmChartTemplateVerification>,
}

fn default_chart_version() -> String {
    "*".to_owned()
}

string_enum! {
    /// What makes the HelmChart produce a new artifact.
    #[derive(Default)]
    pub enum ReconcileStrategy {
        /// A new chart version.
        #[default]
        ChartVersion = "ChartVersion",
        /// A new source revision.
        Revision = "Revision",
    }
}

/// Signature verification of an OCI chart.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(extend("required" = ["provider"]))]
pub struct HelmChartTemplateVerification {
    /// The signing technology: cosign (default) or notation.
    #[serde(default)]
    pub provider: VerificationProvider,
    /// A Secret with the trusted public keys.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_ref: Option<LocalObjectReference>,
}

string_enum! {
    /// Sources a templated HelmChart can read from.
    #[derive(Default)]
    pub enum ChartSourceKind {
        #[default]
        HelmRepository = "HelmRepository",
        GitRepository = "GitRepository",
        Bucket = "Bucket",
    }
}

/// The source of a templated chart, optionally in another namespace.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CrossNamespaceObjectReference {
    /// API version of the source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    /// Kind of the source.
    pub kind: ChartSourceKind,
    /// Name of the source.
    #[schemars(length(min = 1, max = 253))]
    pub name: String,
    /// Namespace of the source; the HelmRelease's namespace when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 63))]
    pub namespace: Option<String>,
}

string_enum! {
    /// Kinds of objects `spec.chartRef` can point at.
    #[derive(Default)]
    pub enum ChartRefKind {
        #[default]
        OCIRepository = "OCIRepository",
        HelmChart = "HelmChart",
        ExternalArtifact = "ExternalArtifact",
    }
}

/// A source holding a chart artifact, optionally in another namespace.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CrossNamespaceSourceReference {
    /// API version of the source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    /// Kind of the source.
    pub kind: ChartRefKind,
    /// Name of the source.
    #[schemars(length(min = 1, max = 253))]
    pub name: String,
    /// Namespace of the source; the HelmRelease's namespace when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 63))]
    pub namespace: Option<String>,
}

impl CrossNamespaceSourceReference {
    /// The namespace of the source, or `default`.
    pub fn namespace_or<'a>(&'a self, default: &'a str) -> &'a str {
        match self.namespace.as_deref() {
            Some(ns) if !ns.is_empty() => ns,
            _ => default,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn template() -> HelmChartTemplate {
        let json = serde_json::json!({
            "spec": {
                "chart": "podinfo",
                "sourceRef": {"kind": "HelmRepository", "name": "podinfo"},
                "verify": {}
            }
        });
        serde_json::from_value(json).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn template_defaults() {
        let t = template();
        assert_eq!(t.spec.version, "*");
        assert_eq!(t.spec.reconcile_strategy, ReconcileStrategy::ChartVersion);
        let provider = t.spec.verify.as_ref().map(|v| v.provider);
        assert_eq!(provider, Some(VerificationProvider::Cosign));
        assert_eq!(
            t.interval(Duration::from_secs(60)),
            Ok(Duration::from_secs(60))
        );
        assert_eq!(t.namespace("apps"), "apps");
    }

    #[test]
    fn template_overrides() {
        let mut t = template();
        t.spec.interval = Some("5m".into());
        t.spec.source_ref.namespace = Some("flux-system".into());
        assert_eq!(t.interval(Duration::ZERO), Ok(Duration::from_secs(300)));
        assert_eq!(t.namespace("apps"), "flux-system");
    }

    #[test]
    fn chart_ref_namespace() {
        let mut r = CrossNamespaceSourceReference {
            kind: ChartRefKind::OCIRepository,
            name: "podinfo".into(),
            ..Default::default()
        };
        assert_eq!(r.namespace_or("apps"), "apps");
        r.namespace = Some("flux-system".into());
        assert_eq!(r.namespace_or("apps"), "flux-system");
        assert_eq!(ChartRefKind::ExternalArtifact.as_str(), "ExternalArtifact");
    }
}
