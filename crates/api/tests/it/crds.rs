//! Field-for-field comparison of our CRDs with Flux's.
//!
//! Method: the reference files in `crates/api/testdata/flux/*.fingerprint` were made from
//! Flux's released CRDs — fluxcd/source-controller v1.9.1, fluxcd/kustomize-controller
//! v1.9.4 and fluxcd/helm-controller v1.6.3, file `config/crd/bases/<group>_<plural>.yaml`
//! at each tag — with `cargo xtask crds --fingerprint FILE`. A fingerprint has one line per
//! schema node (property path, `[]` for items, `{}` for map values) holding every keyword
//! but `description`: type, format, required, enum, default, pattern, min/max lengths,
//! items and values, `x-kubernetes-*` (CEL rules included); plus the CRD's names, scope,
//! categories, short names and each version's flags and printer columns. The test
//! generates our CRDs from the types, fingerprints them the same way and requires 0
//! missing, 0 extra and 0 different lines per CRD and version.

use std::path::Path;

use ferroflux_api::fingerprint::Fingerprint;

fn reference(file: &str) -> Fingerprint {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/flux")
        .join(file);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    Fingerprint::parse(&text)
}

#[test]
fn generated_crds_equal_flux_crds_field_for_field() {
    let mut failures = Vec::new();
    for crd in ferroflux_api::crds::all() {
        let name = format!("{}_{}", crd.spec.group, crd.spec.names.plural);
        let theirs = reference(&format!("{name}.fingerprint"));
        let ours = Fingerprint::of_crd(&crd);
        for version in &crd.spec.versions {
            let prefix = format!("{}:", version.name);
            let only = |fp: &Fingerprint| Fingerprint {
                lines: fp
                    .lines
                    .iter()
                    .filter(|(k, _)| k.starts_with(&prefix) || k.starts_with("crd."))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
            };
            let diff = only(&ours).diff(&only(&theirs));
            println!(
                "{name} {}: {} property paths compared: {diff}",
                version.name,
                only(&theirs).property_paths()
            );
            if !diff.is_empty() {
                failures.push(name.clone());
            }
        }
        // Every version Flux serves must be one of ours.
        let their_versions: Vec<_> = theirs
            .lines
            .keys()
            .filter_map(|k| k.strip_suffix(":version.served"))
            .collect();
        let our_versions: Vec<_> = crd.spec.versions.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(
            their_versions, our_versions,
            "{name}: served versions differ"
        );
    }
    assert!(failures.is_empty(), "CRDs differ from Flux's: {failures:?}");
}

#[test]
fn committed_crds_are_up_to_date() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../config/crd/bases");
    for crd in ferroflux_api::crds::all() {
        let path = dir.join(ferroflux_api::crds::file_name(&crd));
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        let generated = ferroflux_api::crds::to_yaml(&crd).expect("CRD serializes");
        assert!(
            committed == generated,
            "{} is stale: run `cargo xtask crds` and commit the result",
            path.display()
        );
    }
}
