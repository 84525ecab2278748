//! Project automation: `cargo xtask <command>`.
//!
//! - `crds` writes `config/crd/bases/<group>_<plural>.yaml` from the types in crates/api;
//!   `crds --check` fails when the committed files differ.
//! - `crds --fingerprint FILE` prints the field-for-field fingerprint of a CRD file (used to
//!   record Flux's released CRDs under crates/api/testdata/flux/).
//! - `bench kube-sim` runs the kube-sim benchmark in release mode.
//! - `samples [DIR]` reads every YAML file under DIR (default config/samples) into the
//!   ferroflux API types and reports each Flux object and whether it round-trips losslessly.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};
use ferroflux_api::fingerprint::Fingerprint;

#[derive(Parser)]
#[command(name = "xtask", about = "ferroflux project automation")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate the CRDs into config/crd/bases.
    Crds {
        /// Do not write; fail if the committed CRDs differ from the generated ones.
        #[arg(long)]
        check: bool,
        /// Print the fingerprint of the given CRD YAML file instead of generating.
        #[arg(long, value_name = "FILE", conflicts_with = "check")]
        fingerprint: Option<PathBuf>,
    },
    /// Run a benchmark in release mode: `kube-sim`.
    Bench {
        /// What to benchmark.
        target: String,
    },
    /// Read Flux YAML into the API types and check each object round-trips.
    Samples {
        /// Directory to read (default: config/samples).
        dir: Option<PathBuf>,
    },
}

fn main() -> Result<()> {
    match Cli::parse().command {
        Command::Crds {
            fingerprint: Some(file),
            ..
        } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("reading {}", file.display()))?;
            let value: serde_json::Value = serde_yaml_ng::from_str(&text)
                .with_context(|| format!("parsing {}", file.display()))?;
            print!("{}", Fingerprint::of_value(&value).to_text());
            Ok(())
        }
        Command::Crds { check, .. } => crds(&workspace_root().join("config/crd/bases"), check),
        Command::Bench { target } => bench(&target),
        Command::Samples { dir } => {
            samples(&dir.unwrap_or_else(|| workspace_root().join("config/samples")))
        }
    }
}

fn bench(target: &str) -> Result<()> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let run = |args: &[&str]| -> Result<()> {
        let status = std::process::Command::new(&cargo)
            .args(args)
            .current_dir(workspace_root())
            .status()?;
        if !status.success() {
            bail!("cargo {} failed", args.join(" "));
        }
        Ok(())
    };
    match target {
        "kube-sim" => {
            run(&[
                "build",
                "--release",
                "-p",
                "ferroflux-kube-sim",
                "--bin",
                "kube-sim",
            ])?;
            run(&[
                "run",
                "--release",
                "-p",
                "ferroflux-kube-sim",
                "--example",
                "bench",
            ])
        }
        other => bail!("unknown benchmark {other:?}; available: kube-sim"),
    }
}

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let mut entries = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<Vec<_>, _>>()?;
    entries.sort();
    for path in entries {
        if path.is_dir() {
            yaml_files(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            out.push(path);
        }
    }
    Ok(())
}

fn samples(dir: &Path) -> Result<()> {
    use ferroflux_api::documents::{lost_fields, parse_all, Document};
    let mut files = Vec::new();
    yaml_files(dir, &mut files)?;
    let mut failures = 0;
    for file in files {
        let text = std::fs::read_to_string(&file)?;
        let docs = parse_all(&text).with_context(|| format!("reading {}", file.display()))?;
        for (original, doc) in docs {
            let name = original["metadata"]["name"].as_str().unwrap_or("?");
            let namespace = original["metadata"]["namespace"].as_str().unwrap_or("");
            let rel = file.strip_prefix(dir).unwrap_or(&file).display();
            if matches!(doc, Document::Other(_)) {
                println!(
                    "  {rel}: {} {namespace}/{name} (not a ferroflux kind)",
                    doc.type_name()
                );
                continue;
            }
            let lost = lost_fields(&original, &doc.to_value());
            if lost.is_empty() {
                println!(
                    "✔ {rel}: {} {namespace}/{name} round-trips",
                    doc.type_name()
                );
            } else {
                failures += 1;
                println!(
                    "✗ {rel}: {} {namespace}/{name} loses {lost:?}",
                    doc.type_name()
                );
            }
        }
    }
    if failures > 0 {
        bail!("{failures} object(s) did not round-trip");
    }
    Ok(())
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

fn crds(dir: &Path, check: bool) -> Result<()> {
    std::fs::create_dir_all(dir)?;
    let mut stale = Vec::new();
    for crd in ferroflux_api::crds::all() {
        let path = dir.join(ferroflux_api::crds::file_name(&crd));
        let text = ferroflux_api::crds::to_yaml(&crd)?;
        let current = std::fs::read_to_string(&path).unwrap_or_default();
        if current == text {
            continue;
        }
        if check {
            stale.push(path.display().to_string());
        } else {
            std::fs::write(&path, text)?;
            println!("wrote {}", path.display());
        }
    }
    if !stale.is_empty() {
        bail!(
            "generated CRDs differ from the committed ones: {}\nrun `cargo xtask crds` and commit the result",
            stale.join(", ")
        );
    }
    Ok(())
}
