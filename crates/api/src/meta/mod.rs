//! Types shared by every Flux API: conditions, artifacts and object references.

mod artifact;
mod condition;
mod history;
mod inventory;
mod kustomize;
mod reference;

pub use artifact::Artifact;
pub use condition::{Condition, ConditionStatus, ObjectWithConditions};
pub use history::Snapshot;
pub use inventory::{ResourceInventory, ResourceRef};
pub use kustomize::{CommonMetadata, CustomHealthCheck, IgnoreRule, Image, Patch, Selector};
pub use reference::{
    kubeconfig_keys, DependencyReference, KubeConfigReference, LocalObjectReference,
    NamespacedObjectKindReference, NamespacedObjectReference, SecretKeyReference, ValuesReference,
    ValuesReferenceKind,
};
