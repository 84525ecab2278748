//! One module per command.

pub mod artifact;
pub mod build;
pub mod get;
pub mod reconcile;
pub mod template;

use anyhow::Context;

use crate::{output, Cli, Command, GlobalArgs};

/// A command this build cannot run yet, with the piece of work that brings it.
#[derive(Debug, thiserror::Error)]
#[error("`ferroflux {command}` is not available in this version of ferroflux yet: {arrives}")]
pub struct NotAvailable {
    pub command: &'static str,
    pub arrives: &'static str,
}

/// Runs a parsed command line.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    output::init_color(cli.global.color);
    match cli.command {
        Command::Push { what } => artifact::push(what),
        Command::Pull { what } => artifact::pull(what),
        Command::Tag { what } => artifact::tag(what),
        Command::List { what } => artifact::list(what),
        Command::Diff { what } => artifact::diff(what),
        Command::Build(args) => build::run(args),
        Command::Template(args) => template::run(args),
        Command::Get(args) => get::run(&cli.global, args).await,
        Command::Reconcile(args) => reconcile::run(&cli.global, args).await,
    }
}

/// A Kubernetes client from the kubeconfig flags.
pub async fn kube_client(global: &GlobalArgs) -> anyhow::Result<kube::Client> {
    let options = kube::config::KubeConfigOptions {
        context: global.context.clone(),
        ..Default::default()
    };
    let config = match &global.kubeconfig {
        Some(path) => {
            let kubeconfig = kube::config::Kubeconfig::read_from(path)
                .with_context(|| format!("reading kubeconfig {}", path.display()))?;
            kube::Config::from_custom_kubeconfig(kubeconfig, &options).await
        }
        None => kube::Config::from_kubeconfig(&options).await,
    }
    .context("loading kubeconfig")?;
    kube::Client::try_from(config).context("creating Kubernetes client")
}
