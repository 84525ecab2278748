//! Flux YAML deserializes into our types and serializes back without losing a field.
//!
//! Inputs: the four scenarios every Flux user writes (config/samples, copied from the seed's
//! examples) and examples covering every field the Flux docs describe
//! (crates/api/testdata/flux-docs). Serializing may add Flux's defaults; it must not drop or
//! change anything the user wrote. Typed objects must also survive a second round trip
//! unchanged.

use std::path::{Path, PathBuf};

use ferroflux_api::documents::{lost_fields, parse_all, Document};

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            yaml_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "yaml") {
            out.push(path);
        }
    }
}

fn check_dir(dir: &str) -> (usize, Vec<String>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut files = Vec::new();
    yaml_files(&root, &mut files);
    assert!(!files.is_empty(), "no YAML under {}", root.display());
    let mut typed = 0;
    let mut failures = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let docs = parse_all(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        for (original, doc) in docs {
            if matches!(doc, Document::Other(_)) {
                continue;
            }
            typed += 1;
            let first = doc.to_value();
            let lost = lost_fields(&original, &first);
            if !lost.is_empty() {
                failures.push(format!(
                    "{} {}: lost {lost:?}",
                    file.display(),
                    doc.type_name()
                ));
            }
            let again = parse_all(&serde_json::to_string(&first).unwrap()).unwrap();
            assert_eq!(
                again[0].1.to_value(),
                first,
                "second round trip changed {}",
                file.display()
            );
        }
    }
    (typed, failures)
}

#[test]
fn scenario_examples_round_trip() {
    let (typed, failures) = check_dir("../../config/samples");
    assert_eq!(typed, 9, "the four scenarios hold 9 Flux objects");
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn flux_docs_examples_round_trip() {
    let (typed, failures) = check_dir("testdata/flux-docs");
    assert!(typed >= 8, "expected the docs examples, found {typed}");
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn samples_match_the_seed_examples() {
    // config/samples is a copy of the seed's shared/examples; when the seed is beside the
    // checkout (as on CI), they must not drift apart.
    let seed = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/examples");
    if !seed.is_dir() {
        eprintln!("skipping: no seed examples at {}", seed.display());
        return;
    }
    let mut files = Vec::new();
    yaml_files(&seed, &mut files);
    for file in files {
        let rel = file.strip_prefix(&seed).unwrap();
        let ours = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../config/samples")
            .join(rel);
        assert_eq!(
            std::fs::read_to_string(&ours).unwrap_or_default(),
            std::fs::read_to_string(&file).unwrap(),
            "config/samples/{} differs from the seed example",
            rel.display()
        );
    }
}
