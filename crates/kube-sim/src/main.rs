//! `kube-sim serve`: a Kubernetes API server emulator for tests and local mode.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "kube-sim",
    version,
    about = "A Kubernetes API server emulator for tests and local mode"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the Kubernetes API.
    Serve {
        /// Address to listen on; port 0 picks a free one.
        #[arg(long, default_value = "127.0.0.1:0")]
        listen: String,
        /// Write a kubeconfig for this server here once it accepts requests.
        #[arg(long)]
        write_kubeconfig: Option<PathBuf>,
        /// Keep every object in this directory, so a restart restores them.
        #[arg(long)]
        data_dir: Option<PathBuf>,
        /// Serve HTTPS with a fresh CA (written into the kubeconfig).
        #[arg(long)]
        tls: bool,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter("warn")
        .init();
    match Cli::parse().command {
        Command::Serve {
            listen,
            write_kubeconfig,
            data_dir,
            tls,
        } => {
            let catalog = Arc::new(kube_sim::catalog::Catalog::builtin());
            let options = kube_sim::sim::Options { data_dir, tls };
            let sim = kube_sim::KubeSim::start_with(catalog, &listen, &options)
                .await
                .with_context(|| format!("listening on {listen}"))?;
            if let Some(path) = write_kubeconfig {
                sim.write_kubeconfig(&path)
                    .with_context(|| format!("writing kubeconfig {}", path.display()))?;
            }
            println!("kube-sim listening on {}", sim.url());
            shutdown_signal().await;
            Ok(())
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = ctrl_c => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = ctrl_c.await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}
