//! Reconciliation history (`meta.History`): one snapshot per distinct applied digest.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A record of reconciliations of one set of applied content.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Snapshot {
    /// Digest of the reconciled content.
    pub digest: String,
    /// First time this digest was reconciled.
    pub first_reconciled: Time,
    /// Last time this digest was reconciled.
    pub last_reconciled: Time,
    /// Duration of the last reconciliation, as a Go duration string.
    pub last_reconciled_duration: String,
    /// Status of the last reconciliation.
    pub last_reconciled_status: String,
    /// How many times this digest was reconciled.
    pub total_reconciliations: i64,
    /// Extra information such as the source revision.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub metadata: BTreeMap<String, String>,
}
