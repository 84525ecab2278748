//! Shared fixtures for the unit tests: the Flux CRDs of this repository.

use serde_json::Value;

/// Reads `config/crd/bases/<file>` of the workspace as JSON.
pub(crate) fn flux_crd(file: &str) -> Value {
    let path = format!(
        "{}/../../config/crd/bases/{file}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {path}: {e}"));
    serde_yaml_ng::from_str(&text).unwrap_or_else(|e| panic!("parsing {path}: {e}"))
}

pub(crate) fn oci_crd() -> Value {
    flux_crd("source.toolkit.fluxcd.io_ocirepositories.yaml")
}

pub(crate) fn ks_crd() -> Value {
    flux_crd("kustomize.toolkit.fluxcd.io_kustomizations.yaml")
}

pub(crate) fn hr_crd() -> Value {
    flux_crd("helm.toolkit.fluxcd.io_helmreleases.yaml")
}

/// The `openAPIV3Schema` of the first version.
pub(crate) fn schema_of(crd: &Value) -> Value {
    crd.pointer("/spec/versions/0/schema/openAPIV3Schema")
        .cloned()
        .expect("schema")
}

/// Renders causes as `field: message` lines for compact assertions.
pub(crate) fn lines(causes: &[super::Cause]) -> Vec<String> {
    causes.iter().map(super::Cause::error_string).collect()
}
