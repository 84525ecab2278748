//! The inventory of applied objects, as Flux records it in Kustomization and HelmRelease
//! status.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The objects applied by the last successful reconciliation.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ResourceInventory {
    pub entries: Vec<ResourceRef>,
}

/// One applied object: `<namespace>_<name>_<group>_<kind>` and its API version.
#[derive(
    Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
pub struct ResourceRef {
    /// The object id, in Flux's `ns_name_group_kind` form.
    pub id: String,
    /// The object's API version.
    #[serde(rename = "v")]
    pub version: String,
}
