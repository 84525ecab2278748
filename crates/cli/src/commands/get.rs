//! `ferroflux get`: the status of Flux objects, as `flux get` shows it.

use clap::{Args, Subcommand};
use ferroflux_api::helm::v2::HelmRelease;
use ferroflux_api::kustomize::v1::Kustomization;
use ferroflux_api::source::v1::OCIRepository;
use kube::api::{Api, ListParams};
use kube::ResourceExt;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::kinds::{ready, ready_status, FluxObject};
use crate::output::{self, OutputFormat};
use crate::GlobalArgs;

#[derive(Debug, Args)]
pub struct GetArgs {
    #[command(subcommand)]
    pub what: GetWhat,
    /// List objects across all namespaces.
    #[arg(short = 'A', long, global = true)]
    pub all_namespaces: bool,
    /// Output format.
    #[arg(short, long, value_enum, default_value = "table", global = true)]
    pub output: OutputFormat,
}

#[derive(Debug, Subcommand)]
pub enum GetWhat {
    /// Sources.
    Sources {
        #[command(subcommand)]
        kind: SourceKind,
    },
    /// Kustomizations.
    #[command(alias = "ks", alias = "kustomization")]
    Kustomizations { name: Option<String> },
    /// HelmReleases.
    #[command(alias = "hr", alias = "helmrelease")]
    Helmreleases { name: Option<String> },
    /// Every Flux object ferroflux reconciles.
    All,
}

#[derive(Debug, Subcommand)]
pub enum SourceKind {
    /// OCIRepositories.
    Oci { name: Option<String> },
}

/// One row of `get` output.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    pub kind: String,
    pub namespace: String,
    pub name: String,
    pub revision: String,
    pub suspended: bool,
    pub ready: String,
    pub message: String,
}

/// Builds the row of one object.
pub fn row<K: FluxObject>(obj: &K) -> Row {
    Row {
        kind: K::kind(&()).into_owned(),
        namespace: obj.namespace().unwrap_or_default(),
        name: obj.name_any(),
        revision: obj.revision().unwrap_or_default(),
        suspended: obj.suspended(),
        ready: ready_status(obj).to_string(),
        message: ready(obj).map(|c| c.message.clone()).unwrap_or_default(),
    }
}

/// Renders rows the way `flux get` does; `kind_prefix` shows `kind/name` (for `get all`).
pub fn render(rows: &[Row], all_namespaces: bool, kind_prefix: bool) -> String {
    let mut headers = vec![];
    if all_namespaces {
        headers.push("NAMESPACE");
    }
    headers.extend(["NAME", "REVISION", "SUSPENDED", "READY", "MESSAGE"]);
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let mut cells = vec![];
            if all_namespaces {
                cells.push(r.namespace.clone());
            }
            let name = if kind_prefix {
                format!("{}/{}", r.kind.to_lowercase(), r.name)
            } else {
                r.name.clone()
            };
            cells.extend([
                name,
                r.revision.clone(),
                r.suspended
                    .to_string()
                    .replace("true", "True")
                    .replace("false", "False"),
                r.ready.clone(),
                r.message.clone(),
            ]);
            cells
        })
        .collect();
    output::table(&headers, &cells)
}

async fn rows_of<K>(
    client: &kube::Client,
    namespace: Option<&str>,
    name: Option<&str>,
) -> anyhow::Result<Vec<Row>>
where
    K: FluxObject
        + kube::Resource<Scope = k8s_openapi::NamespaceResourceScope>
        + Clone
        + DeserializeOwned
        + std::fmt::Debug,
{
    let api: Api<K> = match namespace {
        Some(ns) => Api::namespaced(client.clone(), ns),
        None => Api::all(client.clone()),
    };
    let items = match name {
        Some(n) => vec![api.get(n).await?],
        None => api.list(&ListParams::default()).await?.items,
    };
    let mut rows: Vec<Row> = items.iter().map(row).collect();
    rows.sort_by(|a, b| (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)));
    Ok(rows)
}

pub async fn run(global: &GlobalArgs, args: GetArgs) -> anyhow::Result<()> {
    let client = super::kube_client(global).await?;
    let ns = (!args.all_namespaces).then_some(global.namespace.as_str());
    let (rows, kind_prefix) = match &args.what {
        GetWhat::Sources {
            kind: SourceKind::Oci { name },
        } => (
            rows_of::<OCIRepository>(&client, ns, name.as_deref()).await?,
            false,
        ),
        GetWhat::Kustomizations { name } => (
            rows_of::<Kustomization>(&client, ns, name.as_deref()).await?,
            false,
        ),
        GetWhat::Helmreleases { name } => (
            rows_of::<HelmRelease>(&client, ns, name.as_deref()).await?,
            false,
        ),
        GetWhat::All => {
            let mut rows = rows_of::<OCIRepository>(&client, ns, None).await?;
            rows.extend(rows_of::<Kustomization>(&client, ns, None).await?);
            rows.extend(rows_of::<HelmRelease>(&client, ns, None).await?);
            (rows, true)
        }
    };
    let text = match args.output {
        OutputFormat::Table if rows.is_empty() => {
            output::error(&format!(
                "no objects found in {}",
                ns.unwrap_or("any namespace")
            ));
            return Ok(());
        }
        OutputFormat::Table => render(&rows, args.all_namespaces, kind_prefix),
        format => output::structured(&rows, format)?,
    };
    print!("{text}");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repo(ready: Option<(&str, &str)>) -> OCIRepository {
        let mut obj: OCIRepository = serde_json::from_value(serde_json::json!({
            "apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "OCIRepository",
            "metadata": {"name": "podinfo", "namespace": "flux-system"},
            "spec": {"url": "oci://r/podinfo", "interval": "1m", "suspend": true},
            "status": {"artifact": {"digest": "sha256:aa", "path": "p", "url": "u",
                "revision": "latest@sha256:bb", "lastUpdateTime": "2026-01-01T00:00:00Z"}}
        }))
        .unwrap();
        if let Some((status, msg)) = ready {
            obj.status.as_mut().unwrap().conditions = serde_json::from_value(serde_json::json!([
                {"type": "Ready", "status": status, "reason": "Succeeded", "message": msg,
                 "lastTransitionTime": "2026-01-01T00:00:00Z"}]))
            .unwrap();
        }
        obj
    }

    #[test]
    fn rows_show_revision_suspend_and_readiness() {
        let r = row(&repo(Some(("True", "stored artifact for digest"))));
        assert_eq!(r.revision, "latest@sha256:bb");
        assert!(r.suspended);
        assert_eq!(
            (r.ready.as_str(), r.message.as_str()),
            ("True", "stored artifact for digest")
        );
        assert_eq!(row(&repo(None)).ready, "Unknown");
        let text = render(std::slice::from_ref(&r), true, false);
        assert_eq!(
            text,
            "NAMESPACE     NAME      REVISION           SUSPENDED   READY   MESSAGE\n\
             flux-system   podinfo   latest@sha256:bb   True        True    stored artifact for digest\n"
        );
        assert!(render(&[r], false, true).contains("ocirepository/podinfo"));
    }
}
