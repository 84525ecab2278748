//! What every ferroflux controller needs, written once.
//!
//! - [`conditions`]: set and read Flux conditions with kstatus rules, and summarise owned
//!   conditions into Ready ([`conditions::summary`]).
//! - [`reconcile`]: the outcome of one reconcile ([`reconcile::ReconcileError`] kinds) turned
//!   into final conditions, observedGeneration and a requeue decision ([`reconcile::finish`]).
//! - [`status`]: patching the status subresource.
//! - [`events`]: Kubernetes Events with Flux's annotations.
//! - [`metrics`]: Prometheus metrics with Flux's and controller-runtime's names.
//! - [`probes`]: the `/healthz`, `/readyz` and `/metrics` endpoints.
//! - [`leader`]: leader election on a `coordination.k8s.io/v1` Lease.
//! - [`labels`]: label selectors, for `--watch-label-selector` sharding.
//! - [`flags`]: Flux's common controller flags, and logging set-up from them.
//! - [`backoff`]: exponential backoff with jitter, and interval jitter.
//! - [`controller`]: wiring of a kube-runtime controller from the flags.
//! - [`artifact`]: download of a source artifact with digest check and a safe untar.

pub mod artifact;
pub mod backoff;
pub mod conditions;
pub mod controller;
pub mod events;
pub mod flags;
pub mod labels;
pub mod leader;
pub mod metrics;
pub mod probes;
pub mod reconcile;
pub mod status;
