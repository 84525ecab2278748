//! Starting a kube-sim: in-process for tests, or from the binary.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use serde_json::json;

use crate::catalog::Catalog;
use crate::object;
use crate::server::{self, Api};
use crate::store::Write;

/// Namespaces every cluster starts with.
pub const INITIAL_NAMESPACES: [&str; 4] =
    ["default", "kube-system", "kube-public", "kube-node-lease"];

/// A running kube-sim.
pub struct KubeSim {
    addr: SocketAddr,
    api: Arc<Api>,
    task: tokio::task::JoinHandle<()>,
    controllers: tokio::task::JoinHandle<()>,
}

impl KubeSim {
    /// Starts a kube-sim serving the resources of `catalog` on `listen` (e.g. `127.0.0.1:0`).
    pub async fn start(catalog: Arc<Catalog>, listen: &str) -> std::io::Result<KubeSim> {
        KubeSim::start_with(catalog, listen, None).await
    }

    /// Like [`KubeSim::start`], keeping the state in `data_dir` (restored on the next start).
    pub async fn start_with(
        catalog: Arc<Catalog>,
        listen: &str,
        data_dir: Option<&Path>,
    ) -> std::io::Result<KubeSim> {
        let store = match data_dir {
            Some(dir) => crate::store::Store::open(dir, crate::store::DEFAULT_LOG_CAPACITY)
                .map_err(std::io::Error::other)?,
            None => crate::store::Store::default(),
        };
        let api = Arc::new(Api::with_store(catalog, store));
        // CRDs restored from the data directory are served again.
        let crds = (
            "apiextensions.k8s.io".to_owned(),
            "customresourcedefinitions".to_owned(),
        );
        for crd in api.store.list(&crds, None).0 {
            api.catalog.apply_crd(&crd);
        }
        seed(&api);
        let controllers = crate::controllers::spawn(api.clone());
        let (addr, task) = server::bind(api.clone(), listen).await?;
        Ok(KubeSim {
            addr,
            api,
            task,
            controllers,
        })
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn api(&self) -> &Arc<Api> {
        &self.api
    }

    /// A kube-rs client for this server.
    pub fn client(&self) -> Result<kube::Client, kube::Error> {
        let uri = self
            .url()
            .parse()
            .map_err(|e: http::uri::InvalidUri| kube::Error::Service(Box::new(e)))?;
        let config = kube::Config::new(uri);
        kube::Client::try_from(config)
    }

    /// A kubeconfig for kubectl, helm and kube-rs.
    pub fn kubeconfig(&self) -> String {
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: kube-sim\n  cluster:\n    server: {url}\n\
             contexts:\n- name: kube-sim\n  context:\n    cluster: kube-sim\n    user: kube-sim-admin\n    namespace: default\n\
             current-context: kube-sim\nusers:\n- name: kube-sim-admin\n  user:\n    token: kube-sim-admin\n",
            url = self.url()
        )
    }

    /// Writes [`KubeSim::kubeconfig`] to `path`.
    pub fn write_kubeconfig(&self, path: &Path) -> std::io::Result<()> {
        std::fs::write(path, self.kubeconfig())
    }
}

impl KubeSim {
    /// A kube-sim with the built-in resources on a free loopback port.
    pub async fn start_local() -> std::io::Result<KubeSim> {
        KubeSim::start(Arc::new(Catalog::builtin()), "127.0.0.1:0").await
    }
}

impl Drop for KubeSim {
    fn drop(&mut self) {
        self.task.abort();
        self.controllers.abort();
    }
}

/// Creates the initial namespaces and what lives in each.
fn seed(api: &Arc<Api>) {
    let Some(rt) = api.catalog.resolve("", "v1", "namespaces") else {
        return;
    };
    let now = jiff::Timestamp::now();
    for ns in INITIAL_NAMESPACES {
        if api
            .store
            .get(&rt.key(), &(String::new(), ns.to_owned()))
            .is_some()
        {
            continue;
        }
        let mut obj = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns},
            "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}});
        obj["metadata"]["labels"] = json!({"kubernetes.io/metadata.name": ns});
        if object::prepare_create(&mut obj, &rt, None, now).is_err() {
            continue;
        }
        let _ = api
            .store
            .write::<()>(&rt.key(), &(String::new(), ns.to_owned()), |_, _| {
                Ok(Write::Put(obj.clone()))
            });
        server::populate_namespace(api, ns);
    }
}
