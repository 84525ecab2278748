//! Flux-compatible API types for ferroflux.
//!
//! - [`source::v1::OCIRepository`], [`kustomize::v1::Kustomization`] and
//!   [`helm::v2::HelmRelease`] are the three custom resources, with Flux's JSON shapes, defaults
//!   and validations; [`crds::all`] generates their CustomResourceDefinitions.
//! - [`meta`] holds what every Flux API shares: [`meta::Condition`], [`meta::Artifact`] and the
//!   object references.
//! - [`consts`] is the one place for every condition type, reason, annotation, label and
//!   finalizer string Flux uses.
//! - [`fingerprint`] compares CRDs field for field, which keeps us equal to Flux's.

pub mod consts;
pub mod crds;
pub mod documents;
pub mod duration;
pub mod fingerprint;
pub mod helm;
pub mod kustomize;
pub mod meta;
pub mod schema;
pub mod source;

/// Implements [`meta::ObjectWithConditions`] for a kind whose status has Flux's
/// `conditions`, `observedGeneration` and `lastHandledReconcileAt` fields.
#[macro_export]
macro_rules! impl_object_with_conditions {
    ($kind:ty) => {
        impl $crate::meta::ObjectWithConditions for $kind {
            fn conditions(&self) -> &[$crate::meta::Condition] {
                self.status
                    .as_ref()
                    .map(|s| s.conditions.as_slice())
                    .unwrap_or_default()
            }
            fn conditions_mut(&mut self) -> &mut Vec<$crate::meta::Condition> {
                &mut self.status.get_or_insert_with(Default::default).conditions
            }
            fn observed_generation(&self) -> i64 {
                self.status
                    .as_ref()
                    .and_then(|s| s.observed_generation)
                    .unwrap_or(-1)
            }
            fn set_observed_generation(&mut self, generation: i64) {
                self.status
                    .get_or_insert_with(Default::default)
                    .observed_generation = Some(generation);
            }
            fn last_handled_reconcile_at(&self) -> Option<&str> {
                self.status
                    .as_ref()
                    .and_then(|s| s.last_handled_reconcile_at.as_deref())
            }
            fn set_last_handled_reconcile_at(&mut self, token: Option<String>) {
                self.status
                    .get_or_insert_with(Default::default)
                    .last_handled_reconcile_at = token;
            }
        }
    };
}
