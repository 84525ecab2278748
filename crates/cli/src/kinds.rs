//! What the CLI needs to know about each Flux kind, in one place.

use ferroflux_api::helm::v2::HelmRelease;
use ferroflux_api::kustomize::v1::Kustomization;
use ferroflux_api::meta::{Condition, ConditionStatus, ObjectWithConditions};
use ferroflux_api::source::v1::OCIRepository;
use kube::Resource;

/// A Flux kind the CLI can show and reconcile.
pub trait FluxObject: ObjectWithConditions + Resource<DynamicType = ()> {
    /// The revision the object last applied or stored.
    fn revision(&self) -> Option<String>;
    /// Whether `spec.suspend` is set.
    fn suspended(&self) -> bool;
}

impl FluxObject for OCIRepository {
    fn revision(&self) -> Option<String> {
        self.status
            .as_ref()?
            .artifact
            .as_ref()
            .map(|a| a.revision.clone())
    }
    fn suspended(&self) -> bool {
        self.spec.suspend
    }
}

impl FluxObject for Kustomization {
    fn revision(&self) -> Option<String> {
        self.status.as_ref()?.last_applied_revision.clone()
    }
    fn suspended(&self) -> bool {
        self.spec.suspend
    }
}

impl FluxObject for HelmRelease {
    fn revision(&self) -> Option<String> {
        let status = self.status.as_ref()?;
        status.last_attempted_revision.clone()
    }
    fn suspended(&self) -> bool {
        self.spec.suspend
    }
}

/// The Ready condition, if any.
pub fn ready(obj: &impl ObjectWithConditions) -> Option<&Condition> {
    obj.conditions().iter().find(|c| c.r#type == "Ready")
}

/// How a row shows readiness: "True", "False" or "Unknown".
pub fn ready_status(obj: &impl ObjectWithConditions) -> ConditionStatus {
    ready(obj).map_or(ConditionStatus::Unknown, |c| c.status)
}
