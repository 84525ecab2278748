//! `/healthz` and `/readyz` on the health address, `/metrics` on the metrics address, as
//! Flux controllers serve them (`--health-addr`, `--metrics-addr`).

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use tokio::net::TcpListener;

use crate::metrics::Metrics;

/// Readiness shared between the controller and the probe server.
#[derive(Clone, Debug, Default)]
pub struct Readiness(Arc<AtomicBool>);

impl Readiness {
    /// Marks the controller ready (caches synced) or not.
    pub fn set(&self, ready: bool) {
        self.0.store(ready, Ordering::SeqCst);
    }

    pub fn is_ready(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// The router for `/healthz` (always ok while the process serves) and `/readyz`.
pub fn health_router(readiness: Readiness) -> Router {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .with_state(readiness)
}

async fn readyz(State(readiness): State<Readiness>) -> impl IntoResponse {
    if readiness.is_ready() {
        (StatusCode::OK, "ok")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "not ready")
    }
}

/// The router for `/metrics` in the Prometheus text format.
pub fn metrics_router(metrics: Metrics) -> Router {
    Router::new()
        .route("/metrics", get(serve_metrics))
        .with_state(metrics)
}

async fn serve_metrics(State(metrics): State<Metrics>) -> impl IntoResponse {
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        metrics.encode(),
    )
}

/// Binds `addr` (Go-style `:8080` accepted) and serves `router` until the task is dropped.
pub async fn serve(addr: &str, router: Router) -> std::io::Result<SocketAddr> {
    let listener = TcpListener::bind(crate::flags::listen_addr(addr)).await?;
    let local = listener.local_addr()?;
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, router).await {
            tracing::error!(error = %e, "probe server stopped");
        }
    });
    Ok(local)
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn get_url(url: String) -> (u16, String) {
        let resp = reqwest::get(url).await.unwrap();
        (resp.status().as_u16(), resp.text().await.unwrap())
    }

    #[tokio::test]
    async fn health_and_metrics_endpoints_answer() {
        let readiness = Readiness::default();
        let health = serve("127.0.0.1:0", health_router(readiness.clone()))
            .await
            .unwrap();
        assert_eq!(
            get_url(format!("http://{health}/healthz")).await,
            (200, "ok".into())
        );
        assert_eq!(get_url(format!("http://{health}/readyz")).await.0, 503);
        readiness.set(true);
        assert_eq!(
            get_url(format!("http://{health}/readyz")).await,
            (200, "ok".into())
        );

        let metrics = Metrics::new("kustomization");
        metrics.set_max_concurrent(2);
        let addr = serve("127.0.0.1:0", metrics_router(metrics)).await.unwrap();
        let (code, body) = get_url(format!("http://{addr}/metrics")).await;
        assert_eq!(code, 200);
        assert!(body.contains(
            "controller_runtime_max_concurrent_reconciles{controller=\"kustomization\"} 2"
        ));
    }
}
