//! The OCI artifact commands. Their arguments are Flux CLI's; the registry client that runs
//! them arrives with the OCI crate, so today each says so and exits non-zero.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::NotAvailable;
use crate::output::OutputFormat;

const ARRIVES: &str = "OCI registry support comes with the source-ctl work (issue #5)";

/// Registry options shared by the artifact commands.
#[derive(Debug, Args)]
pub struct RegistryArgs {
    /// Credentials as `user:password` (also read from the docker config file).
    #[arg(long)]
    pub creds: Option<String>,
    /// Allow plain-HTTP registries.
    #[arg(long)]
    pub insecure_registry: bool,
}

#[derive(Debug, Subcommand)]
pub enum PushCommand {
    /// Push a directory or file as a Flux OCI artifact.
    Artifact {
        /// Destination, `oci://REGISTRY/REPO:TAG`.
        url: String,
        /// Directory or file to push.
        #[arg(long)]
        path: PathBuf,
        /// Source address recorded in `org.opencontainers.image.source`.
        #[arg(long)]
        source: String,
        /// Source revision recorded in `org.opencontainers.image.revision`.
        #[arg(long)]
        revision: String,
        /// Extra manifest annotations, `key=value`.
        #[arg(short = 'a', long = "annotations")]
        annotations: Vec<String>,
        /// Paths to leave out, in .gitignore syntax.
        #[arg(long)]
        ignore_paths: Vec<String>,
        #[command(flatten)]
        registry: RegistryArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum PullCommand {
    /// Pull a Flux OCI artifact and extract it into a directory.
    Artifact {
        /// Source, `oci://REGISTRY/REPO:TAG` or `@sha256:...`.
        url: String,
        /// Directory to extract into.
        #[arg(short, long)]
        output: PathBuf,
        #[command(flatten)]
        registry: RegistryArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum TagCommand {
    /// Add a tag to an existing Flux OCI artifact.
    Artifact {
        /// Existing artifact, `oci://REGISTRY/REPO:TAG`.
        url: String,
        /// The new tag.
        #[arg(long)]
        tag: Vec<String>,
        #[command(flatten)]
        registry: RegistryArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum ListCommand {
    /// List the tags, digests, sources and revisions of a repository's Flux artifacts.
    Artifacts {
        /// Repository, `oci://REGISTRY/REPO`.
        url: String,
        /// Only tags matching this semver range.
        #[arg(long)]
        filter_semver: Option<String>,
        /// Only tags matching this regular expression.
        #[arg(long)]
        filter_regex: Option<String>,
        /// Output format.
        #[arg(short, long, value_enum, default_value = "table")]
        output: OutputFormat,
        #[command(flatten)]
        registry: RegistryArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum DiffCommand {
    /// Compare a local directory with a Flux OCI artifact.
    Artifact {
        /// Remote artifact, `oci://REGISTRY/REPO:TAG`.
        url: String,
        /// Local directory or file.
        #[arg(long)]
        path: PathBuf,
        #[command(flatten)]
        registry: RegistryArgs,
    },
}

pub fn push(_: PushCommand) -> anyhow::Result<()> {
    Err(NotAvailable {
        command: "push artifact",
        arrives: ARRIVES,
    }
    .into())
}

pub fn pull(_: PullCommand) -> anyhow::Result<()> {
    Err(NotAvailable {
        command: "pull artifact",
        arrives: ARRIVES,
    }
    .into())
}

pub fn tag(_: TagCommand) -> anyhow::Result<()> {
    Err(NotAvailable {
        command: "tag artifact",
        arrives: ARRIVES,
    }
    .into())
}

pub fn list(_: ListCommand) -> anyhow::Result<()> {
    Err(NotAvailable {
        command: "list artifacts",
        arrives: ARRIVES,
    }
    .into())
}

pub fn diff(_: DiffCommand) -> anyhow::Result<()> {
    Err(NotAvailable {
        command: "diff artifact",
        arrives: ARRIVES,
    }
    .into())
}
