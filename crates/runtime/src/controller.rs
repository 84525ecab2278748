//! Runs a kube-runtime controller the way every ferroflux controller runs: scoped and
//! sharded by the flags, with concurrency, per-object exponential backoff, jittered
//! requeues, metrics, readiness and (optionally) leader election.

use std::fmt::Debug;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use k8s_openapi::api::coordination::v1::Lease;
use kube::api::Api;
use kube::runtime::controller::{Action, Config as ControllerConfig, Controller};
use kube::runtime::watcher;
use kube::{Resource, ResourceExt};
use serde::de::DeserializeOwned;
use tokio::sync::watch;

use crate::backoff::{jitter_interval, Backoff};
use crate::flags::ControllerFlags;
use crate::labels::SelectorError;
use crate::leader::{LeaderConfig, LeaderElector};
use crate::metrics::{Metrics, ReconcileResult};
use crate::probes::Readiness;
use crate::reconcile::Next;

/// Failures that stop a controller from starting.
#[derive(Debug, thiserror::Error)]
pub enum ControllerError {
    /// `--watch-label-selector` does not parse.
    #[error("--watch-label-selector")]
    Selector(#[from] SelectorError),
}

/// A failed reconcile as the controller loop sees it.
#[derive(Debug, thiserror::Error)]
pub enum RunError<E: std::error::Error + 'static> {
    /// The reconcile function failed (e.g. writing the status).
    #[error(transparent)]
    Reconcile(E),
    /// The reconcile finished with a failure recorded in the status; retry with backoff.
    #[error("{0}")]
    Retry(String),
}

/// The watcher configuration for `--watch-label-selector`.
pub fn watcher_config(flags: &ControllerFlags) -> Result<watcher::Config, SelectorError> {
    let selector = flags.label_selector()?;
    let config = watcher::Config::default();
    Ok(if selector.is_empty() {
        config
    } else {
        config.labels(&selector.to_string())
    })
}

/// The API to watch: all namespaces, or the runtime namespace only.
pub fn watched_api<K>(client: kube::Client, flags: &ControllerFlags) -> Api<K>
where
    K: Resource<Scope = k8s_openapi::NamespaceResourceScope, DynamicType = ()>,
{
    match flags.watch_namespace() {
        None => Api::all(client),
        Some(ns) => Api::namespaced(client, &ns),
    }
}

/// Maps a reconcile's [`Next`] to the controller's action, jittering interval requeues.
pub fn action_for(next: &Next, jitter_percentage: u8) -> Option<Action> {
    match next {
        Next::RequeueAfter(d) => Some(Action::requeue(jitter_interval(*d, jitter_percentage))),
        Next::Requeue => Some(Action::requeue(Duration::ZERO)),
        Next::AwaitChange => Some(Action::await_change()),
        Next::Retry(_) => None,
    }
}

/// What a controller needs to run.
pub struct ControllerRuntime {
    pub client: kube::Client,
    pub flags: ControllerFlags,
    /// Controller name, e.g. `ocirepository` (metrics label) .
    pub name: String,
    /// Leader election lease name, e.g. `source-controller-leader-election`.
    pub lease_name: String,
    pub metrics: Metrics,
    pub readiness: Readiness,
}

struct LoopContext<C> {
    user: Arc<C>,
    backoff: Backoff,
    metrics: Metrics,
    jitter: u8,
}

impl ControllerRuntime {
    /// Runs `reconcile` for every watched `K` until `shutdown` fires or leadership is lost.
    pub async fn run<K, C, E, F, Fut>(
        self,
        context: Arc<C>,
        reconcile: F,
        mut shutdown: watch::Receiver<bool>,
    ) -> Result<(), ControllerError>
    where
        K: Resource<Scope = k8s_openapi::NamespaceResourceScope, DynamicType = ()>
            + Clone
            + DeserializeOwned
            + Debug
            + Send
            + Sync
            + 'static,
        C: Send + Sync + 'static,
        E: std::error::Error + Send + Sync + 'static,
        F: Fn(Arc<K>, Arc<C>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Next, E>> + Send + 'static,
    {
        let config = watcher_config(&self.flags)?;
        let api: Api<K> = watched_api(self.client.clone(), &self.flags);
        self.metrics.set_max_concurrent(self.flags.concurrent);

        let (leading_tx, mut leading) = watch::channel(!self.flags.enable_leader_election);
        if self.flags.enable_leader_election {
            let namespace =
                std::env::var("RUNTIME_NAMESPACE").unwrap_or_else(|_| "flux-system".into());
            let elector = LeaderElector::new(
                Api::<Lease>::namespaced(self.client.clone(), &namespace),
                LeaderConfig {
                    lease_name: self.lease_name.clone(),
                    identity: identity(),
                    lease_duration: self.flags.leader_election_lease_duration,
                    renew_deadline: self.flags.leader_election_renew_deadline,
                    retry_period: self.flags.leader_election_retry_period,
                    release_on_cancel: self.flags.leader_election_release_on_cancel,
                },
            );
            let stop = shutdown.clone();
            tokio::spawn(async move { elector.run(leading_tx, stop).await });
            while !*leading.borrow() {
                tokio::select! {
                    r = leading.changed() => if r.is_err() { return Ok(()); },
                    _ = shutdown.changed() => return Ok(()),
                }
            }
        }

        let ctx = Arc::new(LoopContext {
            user: context,
            backoff: Backoff::new(self.flags.min_retry_delay, self.flags.max_retry_delay, 0.1),
            metrics: self.metrics.clone(),
            jitter: self.flags.interval_jitter_percentage,
        });
        let reconcile = Arc::new(reconcile);
        let readiness = self.readiness.clone();
        let controller = Controller::new(api, config)
            .with_config(ControllerConfig::default().concurrency(self.flags.concurrent as u16))
            .graceful_shutdown_on({
                let mut shutdown = shutdown.clone();
                let mut leading = leading.clone();
                async move {
                    tokio::select! {
                        _ = shutdown.changed() => {},
                        _ = async { while leading.changed().await.is_ok() { if !*leading.borrow() { break; } } } => {},
                    }
                }
            })
            .run(
                move |obj: Arc<K>, ctx: Arc<LoopContext<C>>| {
                    let reconcile = reconcile.clone();
                    async move {
                        let key = format!("{}/{}", obj.namespace().unwrap_or_default(), obj.name_any());
                        let next = reconcile(obj, ctx.user.clone()).await.map_err(RunError::Reconcile)?;
                        if let Next::Retry(msg) = next {
                            return Err(RunError::Retry(msg));
                        }
                        ctx.backoff.reset(&key);
                        ctx.metrics.record_result(match next {
                            Next::RequeueAfter(_) => ReconcileResult::RequeueAfter,
                            Next::Requeue => ReconcileResult::Requeue,
                            _ => ReconcileResult::Success,
                        });
                        Ok(action_for(&next, ctx.jitter).unwrap_or_else(Action::await_change))
                    }
                },
                |obj: Arc<K>, err: &RunError<E>, ctx: Arc<LoopContext<C>>| {
                    let key = format!("{}/{}", obj.namespace().unwrap_or_default(), obj.name_any());
                    ctx.metrics.record_result(ReconcileResult::Error);
                    let delay = ctx.backoff.next_delay(&key);
                    tracing::warn!(object = %key, error = %err, retry_in = ?delay, "reconcile failed");
                    Action::requeue(delay)
                },
                ctx,
            );
        readiness.set(true);
        controller
            .for_each(|res| async move {
                if let Err(e) = res {
                    tracing::debug!(error = %e, "controller event");
                }
            })
            .await;
        readiness.set(false);
        Ok(())
    }
}

/// This replica's leader election identity: hostname plus a random suffix.
pub fn identity() -> String {
    let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "ferroflux".into());
    format!("{host}_{:08x}", rand::random::<u32>())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_follow_next() {
        assert_eq!(
            action_for(&Next::RequeueAfter(Duration::from_secs(60)), 0),
            Some(Action::requeue(Duration::from_secs(60)))
        );
        assert_eq!(
            action_for(&Next::AwaitChange, 5),
            Some(Action::await_change())
        );
        assert_eq!(
            action_for(&Next::Requeue, 5),
            Some(Action::requeue(Duration::ZERO))
        );
        assert_eq!(action_for(&Next::Retry("x".into()), 5), None);
    }

    #[test]
    fn sharding_selector_reaches_the_watcher() {
        let mut flags = ControllerFlags {
            watch_label_selector: "sharding.fluxcd.io/key in (shard1)".into(),
            ..Default::default()
        };
        let config = watcher_config(&flags).unwrap();
        assert_eq!(
            config.label_selector.as_deref(),
            Some("sharding.fluxcd.io/key in (shard1)")
        );
        flags.watch_label_selector = "bad selector (".into();
        assert!(watcher_config(&flags).is_err());
        flags.watch_label_selector.clear();
        assert_eq!(watcher_config(&flags).unwrap().label_selector, None);
    }

    #[tokio::test]
    async fn run_lists_with_the_shard_selector_and_reconciles() {
        use ferroflux_api::source::v1::OCIRepository;
        use http::{Request, Response};
        use kube::client::Body;

        let (service, mut handle) = tower_test::mock::pair::<Request<Body>, Response<Body>>();
        let client = kube::Client::new(service, "default");
        let flags = ControllerFlags {
            watch_label_selector: "sharding.fluxcd.io/key in (shard1)".into(),
            concurrent: 2,
            ..Default::default()
        };
        let metrics = Metrics::new("ocirepository");
        let readiness = Readiness::default();
        let runtime = ControllerRuntime {
            client,
            flags,
            name: "ocirepository".into(),
            lease_name: "source-controller-leader-election".into(),
            metrics: metrics.clone(),
            readiness: readiness.clone(),
        };
        let server = tokio::spawn(async move {
            let (request, send) = handle.next_request().await.expect("list request");
            let uri = request.uri().to_string();
            assert!(
                uri.starts_with("/apis/source.toolkit.fluxcd.io/v1/ocirepositories?"),
                "{uri}"
            );
            assert!(
                uri.contains("labelSelector=sharding.fluxcd.io%2Fkey+in+%28shard1%29"),
                "{uri}"
            );
            let mut obj = crate::conditions::tests::repo(1);
            obj.metadata.resource_version = Some("5".into());
            let list = serde_json::json!({"apiVersion": "source.toolkit.fluxcd.io/v1",
                "kind": "OCIRepositoryList", "metadata": {"resourceVersion": "5"}, "items": [obj]});
            send.send_response(
                Response::builder()
                    .body(Body::from(serde_json::to_vec(&list).unwrap()))
                    .unwrap(),
            );
            // Hold the watch and any later request open until the test ends.
            let mut held = Vec::new();
            while let Some((_, send)) = handle.next_request().await {
                held.push(send);
            }
        });
        let (seen_tx, mut seen_rx) = tokio::sync::mpsc::unbounded_channel::<String>();
        let (stop_tx, stop_rx) = watch::channel(false);
        let run =
            tokio::spawn(
                runtime.run(
                    Arc::new(seen_tx),
                    |obj: Arc<OCIRepository>,
                     seen: Arc<tokio::sync::mpsc::UnboundedSender<String>>| async move {
                        let _ = seen.send(obj.name_any());
                        Ok::<_, std::io::Error>(Next::RequeueAfter(Duration::from_secs(600)))
                    },
                    stop_rx,
                ),
            );
        let name = tokio::time::timeout(Duration::from_secs(10), seen_rx.recv())
            .await
            .unwrap();
        assert_eq!(name.as_deref(), Some("podinfo"));
        assert!(readiness.is_ready());
        stop_tx.send_replace(true);
        tokio::time::timeout(Duration::from_secs(10), run)
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        assert!(!readiness.is_ready());
        let text = metrics.encode();
        assert!(
            text.contains("controller_runtime_reconcile_total{controller=\"ocirepository\",result=\"requeue_after\"} 1"),
            "{text}"
        );
        assert!(text.contains(
            "controller_runtime_max_concurrent_reconciles{controller=\"ocirepository\"} 2"
        ));
        server.abort();
    }

    #[test]
    fn identities_are_unique() {
        assert_ne!(identity(), identity());
    }
}
