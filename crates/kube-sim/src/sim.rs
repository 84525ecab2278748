//! Starting a kube-sim: in-process for tests, or from the binary.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use serde_json::json;

use crate::catalog::Catalog;
use crate::object;
use crate::server::{self, Api};
use crate::store::Write;

/// The bearer token of the admin user (`system:masters`) in the written kubeconfig.
pub const ADMIN_TOKEN: &str = "kube-sim-admin";

/// Namespaces every cluster starts with.
pub const INITIAL_NAMESPACES: [&str; 4] =
    ["default", "kube-system", "kube-public", "kube-node-lease"];

/// How to start a kube-sim.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Keep the state here (restored on the next start).
    pub data_dir: Option<std::path::PathBuf>,
    /// Serve HTTPS with a fresh CA (credentials travel only over TLS for kubectl and helm).
    pub tls: bool,
}

/// A running kube-sim.
pub struct KubeSim {
    addr: SocketAddr,
    tls: Option<crate::tls::TlsMaterial>,
    api: Arc<Api>,
    task: tokio::task::JoinHandle<()>,
    controllers: tokio::task::JoinHandle<()>,
}

impl KubeSim {
    /// Starts a kube-sim serving the resources of `catalog` on `listen` (e.g. `127.0.0.1:0`).
    pub async fn start(catalog: Arc<Catalog>, listen: &str) -> std::io::Result<KubeSim> {
        KubeSim::start_with(catalog, listen, &Options::default()).await
    }

    /// Like [`KubeSim::start`], with [`Options`].
    pub async fn start_with(
        catalog: Arc<Catalog>,
        listen: &str,
        options: &Options,
    ) -> std::io::Result<KubeSim> {
        let store = match options.data_dir.as_deref() {
            Some(dir) => crate::store::Store::open(dir, crate::store::DEFAULT_LOG_CAPACITY)
                .map_err(std::io::Error::other)?,
            None => crate::store::Store::default(),
        };
        let mut api = Api::with_store(catalog, store);
        if options.tls {
            api = api.with_authentication(ADMIN_TOKEN);
        }
        let api = Arc::new(api);
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
        let tls = if options.tls {
            Some(crate::tls::TlsMaterial::generate().map_err(std::io::Error::other)?)
        } else {
            None
        };
        let config = match &tls {
            Some(m) => Some(m.server_config().map_err(std::io::Error::other)?),
            None => None,
        };
        let (addr, task) = server::bind(api.clone(), listen, config).await?;
        Ok(KubeSim {
            addr,
            tls,
            api,
            task,
            controllers,
        })
    }

    /// `http://127.0.0.1:<port>` (`https://` with TLS).
    pub fn url(&self) -> String {
        let scheme = if self.tls.is_some() { "https" } else { "http" };
        format!("{scheme}://{}", self.addr)
    }

    /// The CA certificate (PEM) clients must trust, with TLS.
    pub fn ca_pem(&self) -> Option<&str> {
        self.tls.as_ref().map(|t| t.ca_pem.as_str())
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
        let mut config = kube::Config::new(uri);
        if let Some(tls) = &self.tls {
            config.root_cert = Some(vec![tls.ca_der.clone()]);
            config.auth_info.token = Some(ADMIN_TOKEN.to_owned().into());
        }
        kube::Client::try_from(config)
    }

    /// A kubeconfig for kubectl, helm and kube-rs.
    pub fn kubeconfig(&self) -> String {
        use base64::Engine as _;
        let ca = self
            .ca_pem()
            .map(|pem| {
                format!(
                    "    certificate-authority-data: {}\n",
                    base64::engine::general_purpose::STANDARD.encode(pem)
                )
            })
            .unwrap_or_default();
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: kube-sim\n  cluster:\n{ca}    server: {url}\n\
             contexts:\n- name: kube-sim\n  context:\n    cluster: kube-sim\n    user: kube-sim-admin\n    namespace: default\n\
             current-context: kube-sim\nusers:\n- name: kube-sim-admin\n  user:\n    token: {ADMIN_TOKEN}\n",
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
