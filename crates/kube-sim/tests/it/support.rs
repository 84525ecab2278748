//! Starting a kube-sim for a test.

use kube_sim::KubeSim;

pub async fn start() -> KubeSim {
    KubeSim::start_local().await.unwrap()
}

/// A kube-sim serving HTTPS with its own CA.
pub async fn start_tls() -> KubeSim {
    let options = kube_sim::sim::Options {
        tls: true,
        ..Default::default()
    };
    KubeSim::start_with(
        std::sync::Arc::new(kube_sim::catalog::Catalog::builtin()),
        "127.0.0.1:0",
        &options,
    )
    .await
    .unwrap()
}
