//! kube-sim: a Kubernetes API server emulator for tests and local mode.
//!
//! It speaks the Kubernetes REST protocol on 127.0.0.1 so unmodified clients (kube-rs,
//! kubectl, helm) work against it. The pieces:
//! - [`store`]: objects as JSON, one resourceVersion counter, an event log for watches.
//! - [`server`]: routing, resource handlers (get, list, watch, create, update, patch,
//!   delete), the HTTP front.
//! - [`object`]: server-set metadata and update rules; [`lifecycle`]: garbage collection,
//!   foreground/orphan deletion and namespace termination.
//! - [`crd`]: CustomResourceDefinition checks and the custom-resource pipeline (pruning,
//!   defaulting, OpenAPI and CEL validation).
//! - [`apply`]: server-side apply and managedFields (structured-merge-diff semantics).
//! - [`auth`]: bearer tokens, RBAC, impersonation and access reviews (with `--tls`).
//! - [`patch`]: JSON merge patch, JSON patch and strategic merge patch.
//! - [`controllers`]: simulated kubelet and workload controllers (Deployments become
//!   available, Jobs complete, Services get cluster IPs, claims bind).
//! - [`sim`]: starting a server ([`sim::KubeSim`]) with the initial namespaces.
//! - [`kinds`] (the served resources), [`discovery`] and [`openapi`] (their published
//!   documents), held together by [`catalog::Catalog`].
//! - [`builtin`]: built-in kinds' server defaults and immutable fields.
//! - [`protobuf`] (request bodies of typed clients) and [`table`] (`kubectl get` columns).
//! - [`selectors`], [`status`] (errors as `Status` objects), [`resource`] (resource types).

pub mod apply;
pub mod auth;
pub mod builtin;
pub mod catalog;
pub mod controllers;
pub mod crd;
pub mod discovery;
pub mod kinds;
pub mod lifecycle;
pub mod object;
pub mod openapi;
pub mod patch;
pub mod protobuf;
pub mod resource;
pub mod selectors;
pub mod server;
pub mod sim;
pub mod status;
pub mod store;
pub mod table;
pub mod tls;

pub use sim::KubeSim;
