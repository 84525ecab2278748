//! `ferroflux reconcile`: annotate an object with `reconcile.fluxcd.io/requestedAt` and wait
//! until its controller has handled the request, as `flux reconcile` does.

use std::time::Duration;

use anyhow::{bail, Context};
use clap::{Args, Subcommand};
use ferroflux_api::consts::annotations::RECONCILE_REQUEST;
use ferroflux_api::helm::v2::HelmRelease;
use ferroflux_api::kustomize::v1::Kustomization;
use ferroflux_api::meta::ConditionStatus;
use ferroflux_api::source::v1::OCIRepository;
use kube::api::{Api, Patch, PatchParams};
use kube::ResourceExt;
use serde::de::DeserializeOwned;

use crate::kinds::{ready, FluxObject};
use crate::output;
use crate::GlobalArgs;

#[derive(Debug, Args)]
pub struct ReconcileArgs {
    #[command(subcommand)]
    pub what: ReconcileWhat,
    /// How long to wait for the reconciliation.
    #[arg(long, default_value = "5m", global = true, value_parser = parse_duration)]
    pub timeout: Duration,
}

fn parse_duration(s: &str) -> Result<Duration, String> {
    ferroflux_api::duration::parse(s).map_err(|e| e.to_string())
}

#[derive(Debug, Subcommand)]
pub enum ReconcileWhat {
    /// A source.
    Source {
        #[command(subcommand)]
        kind: SourceKind,
    },
    /// A Kustomization.
    #[command(alias = "ks")]
    Kustomization {
        name: String,
        /// Reconcile the source first.
        #[arg(long)]
        with_source: bool,
    },
    /// A HelmRelease.
    #[command(alias = "hr")]
    Helmrelease {
        name: String,
        /// Reconcile the chart source first.
        #[arg(long)]
        with_source: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum SourceKind {
    /// An OCIRepository.
    Oci { name: String },
}

/// Where a reconcile request stands.
#[derive(Debug, PartialEq, Eq)]
pub enum RequestState {
    /// The controller has not handled the request yet.
    Pending,
    /// Handled and Ready.
    Ready { revision: Option<String> },
    /// Handled and failed.
    Failed { message: String },
}

/// Reads the request's state off the object.
pub fn request_state<K: FluxObject>(obj: &K, token: &str) -> RequestState {
    if obj.last_handled_reconcile_at() != Some(token) {
        return RequestState::Pending;
    }
    let generation = obj.meta().generation;
    match ready(obj) {
        Some(c) if c.observed_generation == generation && c.status == ConditionStatus::True => {
            RequestState::Ready {
                revision: obj.revision(),
            }
        }
        Some(c) if c.observed_generation == generation && c.status == ConditionStatus::False => {
            let reconciling = obj.conditions().iter().any(|c| {
                c.r#type == "Reconciling"
                    && c.status == ConditionStatus::True
                    && c.reason != "ProgressingWithRetry"
            });
            if reconciling {
                RequestState::Pending
            } else {
                RequestState::Failed {
                    message: c.message.clone(),
                }
            }
        }
        _ => RequestState::Pending,
    }
}

/// Annotates `name` and waits for its controller to handle the request.
pub async fn reconcile_object<K>(api: &Api<K>, name: &str, timeout: Duration) -> anyhow::Result<()>
where
    K: FluxObject + Clone + DeserializeOwned + std::fmt::Debug,
{
    let kind = K::kind(&());
    let obj = api
        .get(name)
        .await
        .with_context(|| format!("getting {kind} {name}"))?;
    if obj.suspended() {
        bail!("resource is suspended");
    }
    output::action(&format!(
        "annotating {kind} {name} in {} namespace",
        obj.namespace().unwrap_or_default()
    ));
    let token = jiff::Timestamp::now().to_string();
    let patch = serde_json::json!({"metadata": {"annotations": {RECONCILE_REQUEST: token}}});
    api.patch(name, &PatchParams::default(), &Patch::Merge(&patch))
        .await
        .with_context(|| format!("annotating {kind} {name}"))?;
    output::success(&format!("{kind} annotated"));
    output::waiting(&format!("waiting for {kind} reconciliation"));
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        let obj = api.get(name).await?;
        match request_state(&obj, &token) {
            RequestState::Ready { revision } => {
                let what = revision
                    .map(|r| format!(", revision {r}"))
                    .unwrap_or_default();
                output::success(&format!("{kind} reconciliation completed{what}"));
                return Ok(());
            }
            RequestState::Failed { message } => bail!("{kind} reconciliation failed: {message}"),
            RequestState::Pending if tokio::time::Instant::now() >= deadline => {
                bail!("timed out after {timeout:?} waiting for {kind} {name} to be reconciled")
            }
            RequestState::Pending => tokio::time::sleep(Duration::from_secs(1)).await,
        }
    }
}

pub async fn run(global: &GlobalArgs, args: ReconcileArgs) -> anyhow::Result<()> {
    let client = super::kube_client(global).await?;
    let ns = global.namespace.as_str();
    let oci = |ns: &str| Api::<OCIRepository>::namespaced(client.clone(), ns);
    match args.what {
        ReconcileWhat::Source {
            kind: SourceKind::Oci { name },
        } => reconcile_object(&oci(ns), &name, args.timeout).await,
        ReconcileWhat::Kustomization { name, with_source } => {
            let api = Api::<Kustomization>::namespaced(client.clone(), ns);
            if with_source {
                let ks = api.get(&name).await?;
                let src = &ks.spec.source_ref;
                if src.kind.as_str() != "OCIRepository" {
                    bail!(
                        "source kind {} is not served by ferroflux",
                        src.kind.as_str()
                    );
                }
                let src_ns = src.namespace.as_deref().unwrap_or(ns);
                reconcile_object(&oci(src_ns), &src.name, args.timeout).await?;
            }
            reconcile_object(&api, &name, args.timeout).await
        }
        ReconcileWhat::Helmrelease { name, with_source } => {
            let api = Api::<HelmRelease>::namespaced(client.clone(), ns);
            if with_source {
                let hr = api.get(&name).await?;
                match &hr.spec.chart_ref {
                    Some(r) if r.kind.as_str() == "OCIRepository" => {
                        let src_ns = r.namespace.as_deref().unwrap_or(ns);
                        reconcile_object(&oci(src_ns), &r.name, args.timeout).await?;
                    }
                    _ => bail!("HelmRelease {name} has no chartRef to an OCIRepository"),
                }
            }
            reconcile_object(&api, &name, args.timeout).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ks(handled: Option<&str>, generation: i64, conditions: serde_json::Value) -> Kustomization {
        serde_json::from_value(serde_json::json!({
            "apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization",
            "metadata": {"name": "apps", "namespace": "flux-system", "generation": generation},
            "spec": {"interval": "1m", "prune": true, "sourceRef": {"kind": "OCIRepository", "name": "x"}},
            "status": {"lastHandledReconcileAt": handled, "conditions": conditions,
                "lastAppliedRevision": "latest@sha256:cc"}
        }))
        .unwrap()
    }

    fn cond(t: &str, status: &str, reason: &str, gen: i64) -> serde_json::Value {
        serde_json::json!({"type": t, "status": status, "reason": reason, "message": "msg",
            "observedGeneration": gen, "lastTransitionTime": "2026-01-01T00:00:00Z"})
    }

    #[test]
    fn request_states() {
        let c = serde_json::json!([cond("Ready", "True", "Succeeded", 2)]);
        assert_eq!(
            request_state(&ks(Some("old"), 2, c.clone()), "t"),
            RequestState::Pending
        );
        assert_eq!(
            request_state(&ks(Some("t"), 2, c.clone()), "t"),
            RequestState::Ready {
                revision: Some("latest@sha256:cc".into())
            }
        );
        assert_eq!(
            request_state(&ks(Some("t"), 3, c), "t"),
            RequestState::Pending,
            "stale generation"
        );
        let failed = serde_json::json!([cond("Ready", "False", "BuildFailed", 2)]);
        assert_eq!(
            request_state(&ks(Some("t"), 2, failed), "t"),
            RequestState::Failed {
                message: "msg".into()
            }
        );
        let progressing = serde_json::json!([
            cond("Reconciling", "True", "Progressing", 2),
            cond("Ready", "False", "Progressing", 2)
        ]);
        assert_eq!(
            request_state(&ks(Some("t"), 2, progressing), "t"),
            RequestState::Pending
        );
    }
}
