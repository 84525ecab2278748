//! The `ferroflux` command line: artifact commands (push, pull, tag, list, diff), `build`,
//! `template`, and `get` / `reconcile` for Flux objects on a cluster.
//!
//! `main.rs` only parses and reports; every command lives in [`commands`], and the shared
//! human / JSON / YAML printing in [`output`].

pub mod commands;
pub mod kinds;
pub mod output;

use clap::{Parser, Subcommand};

pub use commands::run;

/// Gitless GitOps: Flux-compatible controllers and tools for OCI artifacts.
#[derive(Debug, Parser)]
#[command(name = "ferroflux", version, about, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command that talks to a cluster accepts.
#[derive(Debug, Clone, clap::Args)]
pub struct GlobalArgs {
    /// Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config).
    #[arg(long, global = true, env = "KUBECONFIG")]
    pub kubeconfig: Option<std::path::PathBuf>,
    /// The kubeconfig context to use.
    #[arg(long, global = true)]
    pub context: Option<String>,
    /// The namespace scope for this operation.
    #[arg(short, long, global = true, default_value = "flux-system")]
    pub namespace: String,
    /// Colour output: auto, always or never.
    #[arg(long, global = true, value_enum, default_value = "auto")]
    pub color: output::ColorChoice,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Push a directory or file to an OCI registry as a Flux artifact.
    Push {
        #[command(subcommand)]
        what: commands::artifact::PushCommand,
    },
    /// Pull a Flux artifact from an OCI registry and extract it.
    Pull {
        #[command(subcommand)]
        what: commands::artifact::PullCommand,
    },
    /// Tag a Flux artifact in an OCI registry.
    Tag {
        #[command(subcommand)]
        what: commands::artifact::TagCommand,
    },
    /// List Flux artifacts in an OCI repository.
    List {
        #[command(subcommand)]
        what: commands::artifact::ListCommand,
    },
    /// Compare a local directory with a Flux artifact in an OCI registry.
    Diff {
        #[command(subcommand)]
        what: commands::artifact::DiffCommand,
    },
    /// Build a kustomization directory as `kubectl kustomize` does.
    Build(commands::build::BuildArgs),
    /// Render a Helm chart as `helm template` does.
    Template(commands::template::TemplateArgs),
    /// Show the status of Flux objects.
    Get(commands::get::GetArgs),
    /// Ask for an immediate reconciliation of a Flux object and wait for it.
    Reconcile(commands::reconcile::ReconcileArgs),
}
