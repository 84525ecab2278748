//! kube-sim benchmark (not a test): `cargo xtask bench kube-sim`.
//!
//! Reports objects created per second through the API, the latency of listing 10,000
//! objects, watch fan-out to 50 watchers, and the idle RSS of the `kube-sim` binary.

use std::time::{Duration, Instant};

use futures::StreamExt;
use k8s_openapi::api::core::v1::ConfigMap;
use kube::api::{Api, ListParams, PostParams, WatchEvent, WatchParams};
use kube_sim::KubeSim;

fn cm(name: String) -> ConfigMap {
    serde_json::from_value(serde_json::json!({"metadata": {"name": name}, "data": {"k": "v"}}))
        .unwrap_or_default()
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let sim = KubeSim::start_local().await?;
    let api: Api<ConfigMap> = Api::namespaced(sim.client()?, "default");

    // Creates through HTTP, 8 in flight.
    let n = 2_000;
    let start = Instant::now();
    let mut names = (0..n).map(|i| format!("c{i}"));
    let mut inflight = futures::stream::FuturesUnordered::new();
    loop {
        while inflight.len() < 8 {
            let Some(name) = names.next() else { break };
            let api = api.clone();
            inflight.push(async move { api.create(&PostParams::default(), &cm(name)).await });
        }
        match inflight.next().await {
            Some(r) => {
                r?;
            }
            None => break,
        }
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "creates: {n} ConfigMaps in {secs:.2}s = {:.0} objects/s",
        n as f64 / secs
    );

    // Up to 10,000 objects, then list them.
    for i in n..10_000 {
        api.create(&PostParams::default(), &cm(format!("c{i}")))
            .await?;
    }
    let mut best = Duration::MAX;
    for _ in 0..5 {
        let t = Instant::now();
        let list = api.list(&ListParams::default()).await?;
        best = best.min(t.elapsed());
        anyhow::ensure!(list.items.len() >= 10_000, "listed {}", list.items.len());
    }
    println!(
        "list: 10,000 objects in {:.1} ms (best of 5)",
        best.as_secs_f64() * 1000.0
    );

    // 50 watchers, 200 changes each must see.
    let rv = api
        .list(&ListParams::default().limit(1))
        .await?
        .metadata
        .resource_version
        .unwrap_or_default();
    let mut watchers = Vec::new();
    for _ in 0..50 {
        let stream = api.watch(&WatchParams::default().timeout(60), &rv).await?;
        watchers.push(tokio::spawn(async move {
            let mut stream = stream.boxed();
            let mut seen = 0;
            while seen < 200 {
                match stream.next().await {
                    Some(Ok(WatchEvent::Added(_))) => seen += 1,
                    Some(_) => {}
                    None => break,
                }
            }
            seen
        }));
    }
    let t = Instant::now();
    for i in 0..200 {
        api.create(&PostParams::default(), &cm(format!("w{i}")))
            .await?;
    }
    let mut delivered = 0;
    for w in watchers {
        delivered += w.await?;
    }
    let secs = t.elapsed().as_secs_f64();
    println!("watch fan-out: 50 watchers x 200 events = {delivered} deliveries in {secs:.2}s = {:.0} events/s", delivered as f64 / secs);

    // Idle RSS of the binary.
    let bin = std::env::current_exe()?
        .parent()
        .and_then(|p| p.parent())
        .map(|p| p.join("kube-sim"))
        .ok_or_else(|| anyhow::anyhow!("no target directory"))?;
    if bin.exists() {
        let mut child = std::process::Command::new(&bin)
            .args(["serve"])
            .stdout(std::process::Stdio::null())
            .spawn()?;
        tokio::time::sleep(Duration::from_secs(2)).await;
        let status = std::fs::read_to_string(format!("/proc/{}/status", child.id()))?;
        let rss = status
            .lines()
            .find(|l| l.starts_with("VmRSS:"))
            .unwrap_or("VmRSS: ?")
            .to_owned();
        child.kill()?;
        println!("idle {rss}");
    } else {
        println!("idle RSS: build the binary first (cargo build --release -p ferroflux-kube-sim)");
    }
    Ok(())
}
