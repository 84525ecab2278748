//! Writing an object's status subresource.
//!
//! The status is written with server-side apply under the controller's field manager, with
//! force: the controller owns its objects' status, and apply semantics remove fields the
//! controller stopped setting (an artifact that is gone, a condition that was deleted),
//! which a merge patch would leave behind.

use kube::api::{Api, Patch, PatchParams};
use kube::{Resource, ResourceExt};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::json;

/// Failure to write a status.
#[derive(Debug, thiserror::Error)]
pub enum StatusError {
    /// The object has no namespace or name to address it by.
    #[error("object has no name")]
    Unnamed,
    /// The status could not be serialised.
    #[error("serialising status")]
    Serialize(#[source] serde_json::Error),
    /// The API server rejected the patch.
    #[error("patching status of {name}")]
    Patch {
        name: String,
        #[source]
        source: kube::Error,
    },
}

/// Server-side applies `status` as the status of `obj`, owned by `field_manager`.
pub async fn apply_status<K, S>(
    api: &Api<K>,
    obj: &K,
    status: &S,
    field_manager: &str,
) -> Result<K, StatusError>
where
    K: Resource<DynamicType = ()> + Clone + DeserializeOwned + std::fmt::Debug,
    S: Serialize,
{
    let name = obj.meta().name.clone().ok_or(StatusError::Unnamed)?;
    let body = status_body::<K, S>(status)?;
    let params = PatchParams::apply(field_manager).force();
    api.patch_status(&name, &params, &Patch::Apply(body))
        .await
        .map_err(|source| StatusError::Patch {
            name: format!("{}/{}", obj.namespace().unwrap_or_default(), name),
            source,
        })
}

/// The apply body for a status: apiVersion, kind and status only.
pub fn status_body<K, S>(status: &S) -> Result<serde_json::Value, StatusError>
where
    K: Resource<DynamicType = ()>,
    S: Serialize,
{
    let status = serde_json::to_value(status).map_err(StatusError::Serialize)?;
    Ok(json!({
        "apiVersion": K::api_version(&()),
        "kind": K::kind(&()),
        "status": status,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ferroflux_api::source::v1::{OCIRepository, OCIRepositoryStatus};
    use http::{Request, Response};
    use kube::client::Body;

    #[test]
    fn body_names_the_kind() {
        let status = OCIRepositoryStatus {
            url: Some("http://x".into()),
            ..Default::default()
        };
        let body = status_body::<OCIRepository, _>(&status).unwrap();
        assert_eq!(body["apiVersion"], "source.toolkit.fluxcd.io/v1");
        assert_eq!(body["kind"], "OCIRepository");
        assert_eq!(body["status"]["url"], "http://x");
    }

    #[tokio::test]
    async fn applies_to_the_status_subresource_with_force() {
        let (service, mut handle) = tower_test::mock::pair::<Request<Body>, Response<Body>>();
        let client = kube::Client::new(service, "flux-system");
        let api: Api<OCIRepository> = Api::namespaced(client, "flux-system");
        let obj = crate::conditions::tests::repo(1);
        let server = tokio::spawn(async move {
            let (request, send) = handle.next_request().await.expect("request");
            assert_eq!(request.method(), http::Method::PATCH);
            let uri = request.uri().to_string();
            assert!(uri.starts_with(
                "/apis/source.toolkit.fluxcd.io/v1/namespaces/flux-system/ocirepositories/podinfo/status?"
            ), "{uri}");
            assert!(uri.contains("fieldManager=source-controller") && uri.contains("force=true"));
            assert_eq!(
                request.headers()["content-type"],
                "application/apply-patch+yaml"
            );
            let body = request.into_body().collect_bytes().await.unwrap();
            let sent: serde_json::Value = serde_json::from_slice(&body).unwrap();
            assert_eq!(sent["status"]["observedGeneration"], 1);
            let mut answer = crate::conditions::tests::repo(1);
            answer.status = serde_json::from_value(sent["status"].clone()).unwrap();
            send.send_response(
                Response::builder()
                    .body(Body::from(serde_json::to_vec(&answer).unwrap()))
                    .unwrap(),
            );
        });
        let status = OCIRepositoryStatus {
            observed_generation: Some(1),
            ..Default::default()
        };
        let updated = apply_status(&api, &obj, &status, "source-controller")
            .await
            .unwrap();
        assert_eq!(updated.status.unwrap().observed_generation, Some(1));
        server.await.unwrap();
    }
}
