//! Project automation: `cargo xtask <command>`.
//!
//! - `crds` writes `config/crd/bases/<group>_<plural>.yaml` from the types in crates/api;
//!   `crds --check` fails when the committed files differ.
//! - `crds --fingerprint FILE` prints the field-for-field fingerprint of a CRD file (used to
//!   record Flux's released CRDs under crates/api/testdata/flux/).

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
    }
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
