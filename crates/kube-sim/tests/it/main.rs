#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Integration tests of kube-sim with real clients.
//!
//! - `binary`: `kube-sim serve`: readiness line, SIGTERM, restart with `--data-dir`.
//! - `controllers`: simulated workloads: rollouts, failures, Jobs, Services, claims.
//! - `crds`: Flux's CRDs: Established, discovery, defaulting, validation messages, deletion.
//! - `helm`: Helm 3.18 and 4.1: install, upgrade, list, history, rollback, uninstall with --wait.
//! - `kube_rs`: CRUD, selectors, preconditions, status subresource, finalizers, namespaces,
//!   garbage collection and watches through the kube-rs client and kube-runtime watcher.
//! - `ssa`: server-side apply: conflicts, force, dry-run, field removal, managedFields.
//! - `robustness`: random malformed requests always get a 4xx Status, never a crash.
//! - `kubectl`: the real kubectl: apply (create and strategic merge), get, label, annotate,
//!   delete, api-resources, explain, rollout status, wait.

mod binary;
mod controllers;
mod crds;
mod helm;
mod kube_rs;
mod kubectl;
mod robustness;
mod ssa;
mod support;
