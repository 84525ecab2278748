//! `ferroflux build DIR`: prints what `kubectl kustomize DIR` prints. The engine arrives with
//! the kustomize crate; until then the command says so and exits non-zero.

use std::path::PathBuf;

use clap::Args;

use super::NotAvailable;

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The directory holding a kustomization (or plain manifests).
    pub dir: PathBuf,
}

pub fn run(_: BuildArgs) -> anyhow::Result<()> {
    Err(NotAvailable {
        command: "build",
        arrives: "the kustomize engine comes with issue #6",
    }
    .into())
}
