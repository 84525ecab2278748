//! Flux's common controller flags, shared by source-ctl, kustomize-ctl and helm-ctl.
//!
//! Each controller flattens [`ControllerFlags`] into its own clap parser; every flag here is
//! consumed by this crate: logging by [`ControllerFlags::init_logging`], the addresses by
//! [`crate::probes`], leader election by [`crate::leader`], sharding and namespaces and
//! concurrency and retry delays by [`crate::controller`].

use std::time::Duration;

use clap::{Args, ValueEnum};
use ferroflux_api::duration;

use crate::labels::{Selector, SelectorError};

/// Log verbosity, as Flux names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LogLevel {
    Trace,
    Debug,
    Info,
    Error,
}

/// Log format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LogEncoding {
    Json,
    Console,
}

fn parse_duration(s: &str) -> Result<Duration, String> {
    duration::parse(s).map_err(|e| e.to_string())
}

/// The flags every Flux controller accepts.
#[derive(Clone, Debug, Args)]
pub struct ControllerFlags {
    /// The address the metric endpoint binds to.
    #[arg(long, default_value = ":8080")]
    pub metrics_addr: String,
    /// The address the health endpoint binds to.
    #[arg(long, default_value = ":9440")]
    pub health_addr: String,
    /// The number of concurrent reconciles.
    #[arg(long, default_value_t = 4)]
    pub concurrent: usize,
    /// The interval at which failing dependencies are reevaluated.
    #[arg(long, default_value = "30s", value_parser = parse_duration)]
    pub requeue_dependency: Duration,
    /// Watch objects in all namespaces; when false, only the namespace in RUNTIME_NAMESPACE.
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set)]
    pub watch_all_namespaces: bool,
    /// Watch only objects matching this label selector (sharding).
    #[arg(long, default_value = "")]
    pub watch_label_selector: String,
    /// Log verbosity.
    #[arg(long, value_enum, default_value = "info")]
    pub log_level: LogLevel,
    /// Log encoding.
    #[arg(long, value_enum, default_value = "json")]
    pub log_encoding: LogEncoding,
    /// Enable leader election, so only one replica reconciles at a time.
    #[arg(long, default_value_t = false)]
    pub enable_leader_election: bool,
    /// How long non-leaders wait before trying to take over an unrenewed lease.
    #[arg(long, default_value = "35s", value_parser = parse_duration)]
    pub leader_election_lease_duration: Duration,
    /// How long the leader keeps trying to renew before giving up leadership.
    #[arg(long, default_value = "30s", value_parser = parse_duration)]
    pub leader_election_renew_deadline: Duration,
    /// How often leader election actions are retried.
    #[arg(long, default_value = "5s", value_parser = parse_duration)]
    pub leader_election_retry_period: Duration,
    /// Release the lease on shutdown so a new leader takes over at once.
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set)]
    pub leader_election_release_on_cancel: bool,
    /// The first retry delay of a failing object.
    #[arg(long, default_value = "750ms", value_parser = parse_duration)]
    pub min_retry_delay: Duration,
    /// The longest retry delay of a failing object.
    #[arg(long, default_value = "15m", value_parser = parse_duration)]
    pub max_retry_delay: Duration,
    /// Spread of successful requeues around the interval, in percent.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u8).range(0..=100))]
    pub interval_jitter_percentage: u8,
    /// The address of a notification-controller to forward events to.
    #[arg(long, default_value = "")]
    pub events_addr: String,
}

impl Default for ControllerFlags {
    fn default() -> Self {
        #[derive(clap::Parser)]
        struct Only {
            #[command(flatten)]
            flags: ControllerFlags,
        }
        use clap::Parser;
        // Parsing no arguments yields the declared defaults.
        Only::try_parse_from(["controller"])
            .map(|o| o.flags)
            .unwrap_or_else(|e| panic!("flag defaults must parse: {e}"))
    }
}

impl ControllerFlags {
    /// The parsed `--watch-label-selector`.
    pub fn label_selector(&self) -> Result<Selector, SelectorError> {
        Selector::parse(&self.watch_label_selector)
    }

    /// The namespace to watch: None for all namespaces, else `RUNTIME_NAMESPACE`.
    pub fn watch_namespace(&self) -> Option<String> {
        if self.watch_all_namespaces {
            None
        } else {
            Some(std::env::var("RUNTIME_NAMESPACE").unwrap_or_else(|_| "flux-system".to_owned()))
        }
    }

    /// The `tracing` filter directive for `--log-level`.
    pub fn log_filter(&self) -> &'static str {
        match self.log_level {
            LogLevel::Trace => "trace",
            LogLevel::Debug => "debug",
            LogLevel::Info => "info",
            LogLevel::Error => "error",
        }
    }

    /// Installs the global tracing subscriber according to the log flags.
    pub fn init_logging(&self) {
        let filter = tracing_subscriber::EnvFilter::new(format!(
            "{},hyper=warn,rustls=warn,tower=warn,kube_client=warn",
            self.log_filter()
        ));
        let builder = tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_target(false);
        let result = match self.log_encoding {
            LogEncoding::Json => builder.json().flatten_event(true).try_init(),
            LogEncoding::Console => builder.try_init(),
        };
        if let Err(e) = result {
            eprintln!("logging already initialised: {e}");
        }
    }
}

/// Turns a Go-style listen address (`:8080`) into one Rust binds (`0.0.0.0:8080`).
pub fn listen_addr(addr: &str) -> String {
    match addr.strip_prefix(':') {
        Some(port) => format!("0.0.0.0:{port}"),
        None => addr.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct TestCli {
        #[command(flatten)]
        flags: ControllerFlags,
    }

    #[test]
    fn defaults_are_fluxs() {
        let f = ControllerFlags::default();
        assert_eq!(f.metrics_addr, ":8080");
        assert_eq!(f.health_addr, ":9440");
        assert_eq!(f.requeue_dependency, Duration::from_secs(30));
        assert!(f.watch_all_namespaces && !f.enable_leader_election);
        assert_eq!(f.leader_election_lease_duration, Duration::from_secs(35));
        assert_eq!(f.min_retry_delay, Duration::from_millis(750));
        assert_eq!(f.max_retry_delay, Duration::from_secs(900));
        assert_eq!(
            (f.log_level, f.log_encoding),
            (LogLevel::Info, LogEncoding::Json)
        );
        assert_eq!(f.watch_namespace(), None);
        assert!(f.label_selector().unwrap().is_empty());
    }

    #[test]
    fn parses_flux_style_arguments() {
        let cli = TestCli::try_parse_from([
            "x",
            "--concurrent=10",
            "--requeue-dependency=5s",
            "--watch-all-namespaces=false",
            "--watch-label-selector=sharding.fluxcd.io/key in (shard1)",
            "--log-level=debug",
            "--log-encoding=console",
            "--enable-leader-election",
            "--interval-jitter-percentage=10",
        ])
        .unwrap();
        let f = cli.flags;
        assert_eq!(f.concurrent, 10);
        assert_eq!(f.requeue_dependency, Duration::from_secs(5));
        assert!(!f.watch_all_namespaces && f.watch_namespace().is_some());
        assert_eq!(f.label_selector().unwrap().requirements.len(), 1);
        assert_eq!(f.log_filter(), "debug");
        assert!(f.enable_leader_election);
        assert!(TestCli::try_parse_from(["x", "--requeue-dependency=soon"]).is_err());
        assert!(TestCli::try_parse_from(["x", "--log-encoding=xml"]).is_err());
        assert!(TestCli::try_parse_from(["x", "--interval-jitter-percentage=101"]).is_err());
    }

    #[test]
    fn go_listen_addresses() {
        assert_eq!(listen_addr(":8080"), "0.0.0.0:8080");
        assert_eq!(listen_addr("127.0.0.1:9"), "127.0.0.1:9");
    }
}
