//! `helm.toolkit.fluxcd.io/v2`: HelmRelease.
//!
//! - [`spec`]: [`HelmRelease`] itself and its spec.
//! - [`chart`]: the HelmChart template and the chart source references.
//! - [`actions`]: settings of the Helm install, upgrade, test, rollback and uninstall actions.
//! - [`remediation`]: what happens after a failed install or upgrade.
//! - [`status`] and [`snapshot`]: the observed state and the release history.
//! - [`name`]: the Helm release name, shortened to Helm's 53 characters.
//! - [`release`]: accessors that need the whole object (metadata, spec and status).

/// A string enum with Flux's spelling of each variant, plus `as_str` and `Display`.
macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $text:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(
            Clone, Copy, Debug, PartialEq, Eq, Hash,
            serde::Serialize, serde::Deserialize, schemars::JsonSchema,
        )]
        pub enum $name {
            $( $(#[$vmeta])* #[serde(rename = $text)] $variant, )+
        }

        impl $name {
            /// The value as Flux writes it.
            pub fn as_str(self) -> &'static str {
                match self {
                    $( $name::$variant => $text, )+
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

pub mod actions;
pub mod chart;
pub mod name;
pub mod release;
pub mod remediation;
pub mod snapshot;
pub mod spec;
pub mod status;

pub use actions::{
    ActionStrategyName, CRDsPolicy, ChartNameChangeStrategy, DeletionPropagation, Filter, Install,
    InstallStrategy, Retry, Rollback, ServerSideApplyMode, Test, Uninstall, Upgrade,
    UpgradeStrategy,
};
pub use chart::{
    ChartRefKind, ChartSourceKind, CrossNamespaceObjectReference, CrossNamespaceSourceReference,
    HelmChartTemplate, HelmChartTemplateObjectMeta, HelmChartTemplateSpec,
    HelmChartTemplateVerification, ReconcileStrategy,
};
pub use name::{shorten_release_name, MAX_RELEASE_NAME_LENGTH};
pub use remediation::{InstallRemediation, Remediation, RemediationStrategy, UpgradeRemediation};
pub use snapshot::{Snapshot, Snapshots, TestHookStatus};
pub use spec::{
    CommonMetadata, DriftDetection, DriftDetectionMode, HelmRelease, HelmReleaseSpec, IgnoreRule,
    Kustomize, PostRenderStrategy, PostRenderer, WaitStrategy, WaitStrategyName, DEFAULT_TIMEOUT,
};
pub use status::{HelmReleaseStatus, ReleaseAction, ResourceInventory, ResourceRef};

pub const GROUP: &str = "helm.toolkit.fluxcd.io";
pub const VERSION: &str = "v2";
pub const HELM_RELEASE_KIND: &str = "HelmRelease";
pub use crate::consts::finalizers::FLUX as HELM_RELEASE_FINALIZER;
/// Helm release versions kept in storage when `spec.maxHistory` is unset.
pub const DEFAULT_MAX_HISTORY: i64 = 5;
pub use crate::consts::annotations::FORCE_REQUEST as FORCE_REQUEST_ANNOTATION;
pub use crate::consts::annotations::RESET_REQUEST as RESET_REQUEST_ANNOTATION;

crate::impl_object_with_conditions!(HelmRelease);
