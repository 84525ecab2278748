//! Starting a kube-sim for a test.

use kube_sim::KubeSim;

pub async fn start() -> KubeSim {
    KubeSim::start_local().await.unwrap()
}
