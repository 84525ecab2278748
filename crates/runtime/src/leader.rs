//! Leader election on a `coordination.k8s.io/v1` Lease, as controller-runtime does it.
//!
//! One replica holds the lease and reconciles; the others wait. The holder renews every
//! retry period; a lease not renewed for `leaseDurationSeconds` may be taken over (and
//! `leaseTransitions` counts take-overs). A leader that cannot renew within the renew
//! deadline stops leading: [`LeaderElector::run`] then returns, and the controller exits,
//! as Flux controllers do, so two replicas never reconcile at once. Writes use the lease's
//! resourceVersion, so two candidates racing for an expired lease cannot both win.

use std::time::Duration;

use k8s_openapi::api::coordination::v1::{Lease, LeaseSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::MicroTime;
use kube::api::{Api, ObjectMeta, PostParams};
use tokio::sync::watch;

/// Leader election settings (from the `--leader-election-*` flags).
#[derive(Clone, Debug)]
pub struct LeaderConfig {
    /// Lease name, e.g. `source-controller-leader-election`.
    pub lease_name: String,
    /// This replica's identity (pod name plus a random suffix).
    pub identity: String,
    pub lease_duration: Duration,
    pub renew_deadline: Duration,
    pub retry_period: Duration,
    /// Release the lease when stopping.
    pub release_on_cancel: bool,
}

/// Failures talking to the API server about the lease.
#[derive(Debug, thiserror::Error)]
pub enum LeaderError {
    /// Reading, creating or updating the Lease failed.
    #[error("lease {name}")]
    Api {
        name: String,
        #[source]
        source: kube::Error,
    },
}

/// What to do with the lease as it stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    /// No lease exists: create it.
    Create,
    /// We hold it: renew.
    Renew,
    /// Another holder let it expire (or released it): take it over.
    TakeOver,
    /// Another holder has it and it is live.
    Wait { holder: String },
}

/// Decides what to do given the current lease, pure so the rules are testable.
pub fn decide(lease: Option<&LeaseSpec>, identity: &str, now: jiff::Timestamp) -> Decision {
    let Some(spec) = lease else {
        return Decision::Create;
    };
    let holder = spec.holder_identity.clone().unwrap_or_default();
    if holder == identity {
        return Decision::Renew;
    }
    if holder.is_empty() {
        return Decision::TakeOver;
    }
    let duration = i64::from(spec.lease_duration_seconds.unwrap_or(0));
    let renewed = spec
        .renew_time
        .as_ref()
        .or(spec.acquire_time.as_ref())
        .map(|t| t.0.as_second());
    match renewed {
        Some(at) if at + duration > now.as_second() => Decision::Wait { holder },
        _ => Decision::TakeOver,
    }
}

/// Campaigns for and keeps a Lease.
pub struct LeaderElector {
    api: Api<Lease>,
    config: LeaderConfig,
}

impl LeaderElector {
    pub fn new(api: Api<Lease>, config: LeaderConfig) -> LeaderElector {
        LeaderElector { api, config }
    }

    fn api_err(&self, source: kube::Error) -> LeaderError {
        LeaderError::Api {
            name: self.config.lease_name.clone(),
            source,
        }
    }

    fn spec(&self, now: MicroTime, acquired: Option<MicroTime>, transitions: i32) -> LeaseSpec {
        LeaseSpec {
            holder_identity: Some(self.config.identity.clone()),
            lease_duration_seconds: Some(self.config.lease_duration.as_secs() as i32),
            acquire_time: Some(acquired.unwrap_or_else(|| now.clone())),
            renew_time: Some(now),
            lease_transitions: Some(transitions),
            ..Default::default()
        }
    }

    /// One election round: returns whether we hold the lease afterwards.
    pub async fn try_acquire_or_renew(&self) -> Result<bool, LeaderError> {
        let now = jiff::Timestamp::now();
        let current = self
            .api
            .get_opt(&self.config.lease_name)
            .await
            .map_err(|e| self.api_err(e))?;
        let spec = current.as_ref().and_then(|l| l.spec.as_ref());
        let micro = MicroTime(now);
        match decide(spec, &self.config.identity, now) {
            Decision::Wait { holder } => {
                tracing::debug!(lease = %self.config.lease_name, %holder, "lease held by another replica");
                Ok(false)
            }
            Decision::Create => {
                let lease = Lease {
                    metadata: ObjectMeta {
                        name: Some(self.config.lease_name.clone()),
                        ..Default::default()
                    },
                    spec: Some(self.spec(micro, None, 0)),
                };
                match self.api.create(&PostParams::default(), &lease).await {
                    Ok(_) => Ok(true),
                    // Another replica created it first.
                    Err(kube::Error::Api(s)) if s.code == 409 => Ok(false),
                    Err(e) => Err(self.api_err(e)),
                }
            }
            decision @ (Decision::Renew | Decision::TakeOver) => {
                let Some(mut lease) = current else {
                    return Ok(false);
                };
                let old = lease.spec.clone().unwrap_or_default();
                let transitions = old.lease_transitions.unwrap_or(0);
                lease.spec = Some(if decision == Decision::Renew {
                    self.spec(micro, old.acquire_time, transitions)
                } else {
                    self.spec(micro, None, transitions + 1)
                });
                match self
                    .api
                    .replace(&self.config.lease_name, &PostParams::default(), &lease)
                    .await
                {
                    Ok(_) => Ok(true),
                    // Someone else wrote the lease since we read it.
                    Err(kube::Error::Api(s)) if s.code == 409 => Ok(false),
                    Err(e) => Err(self.api_err(e)),
                }
            }
        }
    }

    /// Gives the lease up so another replica can take over at once.
    pub async fn release(&self) -> Result<(), LeaderError> {
        let Some(mut lease) = self
            .api
            .get_opt(&self.config.lease_name)
            .await
            .map_err(|e| self.api_err(e))?
        else {
            return Ok(());
        };
        let spec = lease.spec.get_or_insert_with(Default::default);
        if spec.holder_identity.as_deref() != Some(self.config.identity.as_str()) {
            return Ok(());
        }
        spec.holder_identity = None;
        spec.lease_duration_seconds = Some(1);
        self.api
            .replace(&self.config.lease_name, &PostParams::default(), &lease)
            .await
            .map_err(|e| self.api_err(e))?;
        Ok(())
    }

    /// Campaigns until elected, then renews until the renew deadline passes without a
    /// successful renewal or `shutdown` fires. `leading` is true while we lead.
    pub async fn run(&self, leading: watch::Sender<bool>, mut shutdown: watch::Receiver<bool>) {
        let mut last_renewed: Option<tokio::time::Instant> = None;
        loop {
            let held = match self.try_acquire_or_renew().await {
                Ok(h) => h,
                Err(e) => {
                    tracing::warn!(error = %e, "leader election round failed");
                    false
                }
            };
            let now = tokio::time::Instant::now();
            if held {
                if last_renewed.is_none() {
                    tracing::info!(lease = %self.config.lease_name, identity = %self.config.identity, "became leader");
                }
                last_renewed = Some(now);
                leading.send_replace(true);
            } else if let Some(at) = last_renewed {
                if now.duration_since(at) >= self.config.renew_deadline {
                    tracing::error!(lease = %self.config.lease_name, "leader election lost");
                    leading.send_replace(false);
                    return;
                }
            }
            tokio::select! {
                _ = tokio::time::sleep(self.config.retry_period) => {}
                _ = shutdown.changed() => {
                    if last_renewed.is_some() && self.config.release_on_cancel {
                        if let Err(e) = self.release().await {
                            tracing::warn!(error = %e, "releasing the lease failed");
                        }
                    }
                    leading.send_replace(false);
                    return;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::{Request, Response};
    use kube::client::Body;

    fn at(secs: i64) -> jiff::Timestamp {
        jiff::Timestamp::from_second(secs).unwrap()
    }

    fn lease(holder: &str, renewed: i64) -> LeaseSpec {
        LeaseSpec {
            holder_identity: Some(holder.into()),
            lease_duration_seconds: Some(35),
            renew_time: Some(MicroTime(at(renewed))),
            ..Default::default()
        }
    }

    #[test]
    fn decisions() {
        assert_eq!(decide(None, "me", at(100)), Decision::Create);
        assert_eq!(
            decide(Some(&lease("me", 0)), "me", at(100)),
            Decision::Renew
        );
        assert_eq!(
            decide(Some(&lease("other", 90)), "me", at(100)),
            Decision::Wait {
                holder: "other".into()
            }
        );
        assert_eq!(
            decide(Some(&lease("other", 60)), "me", at(100)),
            Decision::TakeOver
        );
        assert_eq!(
            decide(Some(&lease("", 99)), "me", at(100)),
            Decision::TakeOver
        );
    }

    fn elector(client: kube::Client) -> LeaderElector {
        LeaderElector::new(
            Api::namespaced(client, "flux-system"),
            LeaderConfig {
                lease_name: "source-controller-leader-election".into(),
                identity: "pod-a".into(),
                lease_duration: Duration::from_secs(35),
                renew_deadline: Duration::from_secs(30),
                retry_period: Duration::from_secs(5),
                release_on_cancel: true,
            },
        )
    }

    #[tokio::test]
    async fn creates_the_lease_when_missing_and_takes_over_an_expired_one() {
        let (service, mut handle) = tower_test::mock::pair::<Request<Body>, Response<Body>>();
        let e = elector(kube::Client::new(service, "flux-system"));
        let server = tokio::spawn(async move {
            let path = "/apis/coordination.k8s.io/v1/namespaces/flux-system/leases";
            // Round 1: no lease → create.
            let (req, send) = handle.next_request().await.unwrap();
            assert_eq!(
                req.uri().path(),
                format!("{path}/source-controller-leader-election")
            );
            let not_found = serde_json::json!({"kind": "Status", "apiVersion": "v1", "status": "Failure",
                "reason": "NotFound", "code": 404, "message": "not found"});
            send.send_response(
                Response::builder()
                    .status(404)
                    .body(Body::from(serde_json::to_vec(&not_found).unwrap()))
                    .unwrap(),
            );
            let (req, send) = handle.next_request().await.unwrap();
            assert_eq!((req.method().as_str(), req.uri().path()), ("POST", path));
            let body: Lease =
                serde_json::from_slice(&req.into_body().collect_bytes().await.unwrap()).unwrap();
            let spec = body.spec.clone().unwrap();
            assert_eq!(spec.holder_identity.as_deref(), Some("pod-a"));
            assert_eq!(spec.lease_duration_seconds, Some(35));
            send.send_response(
                Response::builder()
                    .body(Body::from(serde_json::to_vec(&body).unwrap()))
                    .unwrap(),
            );

            // Round 2: an expired lease of another pod → replace with transitions + 1.
            let (_req, send) = handle.next_request().await.unwrap();
            let expired = Lease {
                metadata: ObjectMeta {
                    name: Some("source-controller-leader-election".into()),
                    resource_version: Some("7".into()),
                    ..Default::default()
                },
                spec: Some(LeaseSpec {
                    lease_transitions: Some(2),
                    ..lease("pod-b", 1000)
                }),
            };
            send.send_response(
                Response::builder()
                    .body(Body::from(serde_json::to_vec(&expired).unwrap()))
                    .unwrap(),
            );
            let (req, send) = handle.next_request().await.unwrap();
            assert_eq!(req.method().as_str(), "PUT");
            let body: Lease =
                serde_json::from_slice(&req.into_body().collect_bytes().await.unwrap()).unwrap();
            assert_eq!(body.metadata.resource_version.as_deref(), Some("7"));
            let spec = body.spec.clone().unwrap();
            assert_eq!(
                (spec.holder_identity.as_deref(), spec.lease_transitions),
                (Some("pod-a"), Some(3))
            );
            send.send_response(
                Response::builder()
                    .body(Body::from(serde_json::to_vec(&body).unwrap()))
                    .unwrap(),
            );
        });
        assert!(e.try_acquire_or_renew().await.unwrap());
        assert!(e.try_acquire_or_renew().await.unwrap());
        server.await.unwrap();
    }
}
