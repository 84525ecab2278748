//! Column definitions of the built-in printers (kube-apiserver
//! `pkg/printers/internalversion`), in the order the cells are produced. The server always
//! renders the wide form; columns with priority 1 are the ones kubectl shows only with
//! `-o wide`.

use serde_json::{json, Value};

use super::descriptions as d;

/// One `TableColumnDefinition`.
pub(crate) struct Col {
    pub(crate) name: &'static str,
    pub(crate) ty: &'static str,
    pub(crate) format: &'static str,
    pub(crate) description: &'static str,
    pub(crate) priority: i64,
}

impl Col {
    pub(crate) fn to_json(&self) -> Value {
        json!({"name": self.name, "type": self.ty, "format": self.format,
               "description": self.description, "priority": self.priority})
    }
}

const fn col(name: &'static str, ty: &'static str, description: &'static str) -> Col {
    Col {
        name,
        ty,
        format: "",
        description,
        priority: 0,
    }
}

const fn wide(name: &'static str, description: &'static str) -> Col {
    Col {
        name,
        ty: "string",
        format: "",
        description,
        priority: 1,
    }
}

const NAME: Col = Col {
    name: "Name",
    ty: "string",
    format: "name",
    description: d::NAME,
    priority: 0,
};
const AGE: Col = col("Age", "string", d::CREATED);
const CONTAINERS: Col = wide("Containers", "Names of each container in the template.");
const IMAGES: Col = wide(
    "Images",
    "Images referenced by each container in the template.",
);

pub(crate) const POD: &[Col] = &[
    NAME,
    col(
        "Ready",
        "string",
        "The aggregate readiness state of this pod for accepting traffic.",
    ),
    col(
        "Status",
        "string",
        "The aggregate status of the containers in this pod.",
    ),
    col(
        "Restarts",
        "string",
        "The number of times the containers in this pod have been restarted and when the last \
         container in this pod has restarted.",
    ),
    AGE,
    wide("IP", d::POD_IP),
    wide("Node", d::POD_NODE),
    wide("Nominated Node", d::POD_NOMINATED),
    wide("Readiness Gates", d::POD_GATES),
];

pub(crate) const DEPLOYMENT: &[Col] = &[
    NAME,
    col("Ready", "string", "Number of the pod with ready state"),
    col("Up-to-date", "string", d::DEPLOY_UPDATED),
    col("Available", "string", d::DEPLOY_AVAILABLE),
    AGE,
    CONTAINERS,
    IMAGES,
    wide("Selector", d::DEPLOY_SELECTOR),
];

pub(crate) const REPLICA_SET: &[Col] = &[
    NAME,
    col("Desired", "integer", d::RS_DESIRED),
    col("Current", "integer", d::RS_CURRENT),
    col("Ready", "integer", d::RS_READY),
    AGE,
    CONTAINERS,
    IMAGES,
    wide("Selector", d::RS_SELECTOR),
];

pub(crate) const STATEFUL_SET: &[Col] = &[
    NAME,
    col("Ready", "string", "Number of the pod with ready state"),
    AGE,
    CONTAINERS,
    IMAGES,
];

pub(crate) const DAEMON_SET: &[Col] = &[
    NAME,
    col("Desired", "integer", d::DS_DESIRED),
    col("Current", "integer", d::DS_CURRENT),
    col("Ready", "integer", d::DS_READY),
    col("Up-to-date", "integer", d::DS_UPDATED),
    col("Available", "integer", d::DS_AVAILABLE),
    col("Node Selector", "string", d::NODE_SELECTOR),
    AGE,
    CONTAINERS,
    IMAGES,
    wide("Selector", d::DS_SELECTOR),
];

pub(crate) const JOB: &[Col] = &[
    NAME,
    col("Status", "string", "Status of the job."),
    col("Completions", "string", d::JOB_SUCCEEDED),
    col("Duration", "string", "Time required to complete the job."),
    AGE,
    CONTAINERS,
    IMAGES,
    wide("Selector", d::JOB_SELECTOR),
];

pub(crate) const SERVICE: &[Col] = &[
    NAME,
    col("Type", "string", d::SVC_TYPE),
    col("Cluster-IP", "string", d::SVC_CLUSTER_IP),
    col("External-IP", "string", d::SVC_EXTERNAL_IPS),
    col("Port(s)", "string", d::SVC_PORTS),
    AGE,
    wide("Selector", d::SVC_SELECTOR),
];

pub(crate) const CONFIG_MAP: &[Col] = &[NAME, col("Data", "string", d::CM_DATA), AGE];

pub(crate) const SECRET: &[Col] = &[
    NAME,
    col("Type", "string", d::SECRET_TYPE),
    col("Data", "string", d::SECRET_DATA),
    AGE,
];

pub(crate) const NAMESPACE: &[Col] = &[
    NAME,
    col("Status", "string", "The status of the namespace"),
    AGE,
];

pub(crate) const SERVICE_ACCOUNT: &[Col] = &[NAME, col("Secrets", "string", d::SA_SECRETS), AGE];

pub(crate) const PVC: &[Col] = &[
    NAME,
    col("Status", "string", d::PVC_PHASE),
    col("Volume", "string", d::PVC_VOLUME),
    col("Capacity", "string", d::PVC_CAPACITY),
    col("Access Modes", "string", d::PVC_ACCESS_MODES),
    col("StorageClass", "string", "StorageClass of the pvc"),
    col(
        "VolumeAttributesClass",
        "string",
        "VolumeAttributesClass of the pvc",
    ),
    AGE,
    wide("VolumeMode", d::PVC_VOLUME_MODE),
];

/// The generic convertor's columns (kinds without a printer, CRDs themselves): the cell of
/// `Created At` is the raw RFC 3339 creation time.
pub(crate) const DEFAULT: &[Col] = &[NAME, col("Created At", "date", d::CREATED)];

/// The `Name` column that starts every custom resource table.
pub(crate) const CUSTOM_NAME: Col = NAME;
