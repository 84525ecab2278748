//! `ferroflux template NAME CHART`: prints what `helm template` prints. The chart renderer
//! arrives with the gotemplate and chart crates; until then the command says so and exits
//! non-zero.

use std::path::PathBuf;

use clap::Args;

use super::NotAvailable;

#[derive(Debug, Args)]
pub struct TemplateArgs {
    /// Release name.
    pub name: String,
    /// Chart directory or .tgz.
    pub chart: PathBuf,
    /// Release namespace.
    #[arg(long = "release-namespace", default_value = "default")]
    pub release_namespace: String,
    /// Kubernetes version for `.Capabilities.KubeVersion`.
    #[arg(long)]
    pub kube_version: Option<String>,
    /// Extra API versions for `.Capabilities.APIVersions`.
    #[arg(short = 'a', long)]
    pub api_versions: Vec<String>,
    /// Values files.
    #[arg(short = 'f', long = "values")]
    pub values: Vec<PathBuf>,
    /// Values on the command line, `key=value`.
    #[arg(long)]
    pub set: Vec<String>,
    /// Only print this template.
    #[arg(short = 's', long)]
    pub show_only: Vec<String>,
    /// Print CRDs too.
    #[arg(long)]
    pub include_crds: bool,
    /// Leave out test hooks.
    #[arg(long)]
    pub skip_tests: bool,
}

pub fn run(_: TemplateArgs) -> anyhow::Result<()> {
    Err(NotAvailable {
        command: "template",
        arrives: "the chart renderer comes with issue #8",
    }
    .into())
}
