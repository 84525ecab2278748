//! The `ferroflux` command.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = ferroflux_cli::Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("✗ starting the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(ferroflux_cli::run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            ferroflux_cli::output::error(&format!("{e:#}"));
            ExitCode::FAILURE
        }
    }
}
