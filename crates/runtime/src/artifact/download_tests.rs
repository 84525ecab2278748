//! Tests of [`fetch_artifact_with_retry`](super::fetch_artifact_with_retry), against a
//! one-shot HTTP server on 127.0.0.1.

use std::fs;

use sha2::Digest as _;
use tokio::io::AsyncReadExt;
use tokio::net::TcpListener;

use super::super::testing::Archive;
use super::*;

fn response(status: &str, body: &[u8]) -> Vec<u8> {
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    [head.as_bytes(), body].concat()
}

/// Serves `responses` in order, one per connection, on 127.0.0.1; returns the URL.
async fn serve(responses: Vec<Vec<u8>>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        for response in responses {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let mut request = Vec::new();
            let mut buf = [0u8; 4096];
            while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                match socket.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => request.extend_from_slice(&buf[..n]),
                }
            }
            let _ = socket.write_all(&response).await;
            let _ = socket.shutdown().await;
        }
    });
    format!("http://{addr}/artifact.tar.gz")
}

fn client() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().unwrap()
}

fn fast() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 3,
        initial_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(20),
    }
}

fn artifact() -> (Vec<u8>, String) {
    let archive = Archive::new()
        .file("deploy/app.yaml", b"kind: ConfigMap\n")
        .tgz();
    let digest = format!("sha256:{}", hex::encode(sha2::Sha256::digest(&archive)));
    (archive, digest)
}

async fn fetch(
    url: &str,
    digest: &str,
    limits: &UntarLimits,
) -> (tempfile::TempDir, Result<FetchedArtifact, ArtifactError>) {
    let tmp = tempfile::tempdir().unwrap();
    let result = fetch_artifact_with_retry(
        &client(),
        url,
        digest,
        &tmp.path().join("out"),
        limits,
        &fast(),
    )
    .await;
    if result.is_err() {
        assert_eq!(
            fs::read_dir(tmp.path()).unwrap().count(),
            0,
            "nothing left on failure"
        );
    }
    (tmp, result)
}

#[tokio::test]
async fn fetches_verifies_and_extracts() {
    let (archive, digest) = artifact();
    let url = serve(vec![response("200 OK", &archive)]).await;
    let (tmp, result) = fetch(&url, &digest, &UntarLimits::default()).await;
    let fetched = result.unwrap();
    assert_eq!(
        (fetched.digest.to_string(), fetched.size, fetched.attempts),
        (digest, archive.len() as u64, 1)
    );
    assert_eq!(fetched.untar.files, 1);
    let out = tmp.path().join("out");
    assert_eq!(
        fs::read(out.join("deploy/app.yaml")).unwrap(),
        b"kind: ConfigMap\n"
    );
    assert_eq!(
        fs::read_dir(tmp.path()).unwrap().count(),
        1,
        "temporary download removed"
    );
}

#[tokio::test]
async fn rejects_digest_mismatch() {
    let (archive, _) = artifact();
    let expected = format!("sha256:{}", "0".repeat(64));
    let url = serve(vec![response("200 OK", &archive)]).await;
    let err = fetch(&url, &expected, &UntarLimits::default())
        .await
        .1
        .unwrap_err();
    let ArtifactError::DigestMismatch {
        expected: e,
        actual,
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(e, &expected);
    assert_eq!(
        actual,
        &format!("sha256:{}", hex::encode(sha2::Sha256::digest(&archive)))
    );
    assert!(err.to_string().contains(actual.as_str()) && err.to_string().contains(&expected));
}

#[tokio::test]
async fn reports_not_found_without_retrying() {
    let (_, digest) = artifact();
    let url = serve(vec![response("404 Not Found", b"no")]).await;
    let err = fetch(&url, &digest, &UntarLimits::default())
        .await
        .1
        .unwrap_err();
    assert!(
        matches!(&err, ArtifactError::NotFound { url: u } if *u == url),
        "{err:?}"
    );
}

#[tokio::test]
async fn retries_server_errors() {
    let (archive, digest) = artifact();
    let url = serve(vec![
        response("500 Internal Server Error", b"oops"),
        response("200 OK", &archive),
    ])
    .await;
    let fetched = fetch(&url, &digest, &UntarLimits::default())
        .await
        .1
        .unwrap();
    assert_eq!(fetched.attempts, 2);

    let url = serve(vec![response("503 Service Unavailable", b""); 3]).await;
    let err = fetch(&url, &digest, &UntarLimits::default())
        .await
        .1
        .unwrap_err();
    assert!(
        matches!(
            err,
            ArtifactError::HttpStatus {
                status: 503,
                attempts: 3,
                ..
            }
        ),
        "{err:?}"
    );

    let url = serve(vec![
        response("403 Forbidden", b""),
        response("200 OK", &archive),
    ])
    .await;
    let err = fetch(&url, &digest, &UntarLimits::default())
        .await
        .1
        .unwrap_err();
    assert!(
        matches!(
            err,
            ArtifactError::HttpStatus {
                status: 403,
                attempts: 1,
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn retries_connection_errors() {
    // A server that hangs up on every connection. (Keeping the listener bound, rather than
    // using a closed port, stops a parallel test's server from being handed the same port.)
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/a.tgz", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            drop(socket);
        }
    });
    let (_, digest) = artifact();
    let err = fetch(&url, &digest, &UntarLimits::default())
        .await
        .1
        .unwrap_err();
    assert!(
        matches!(err, ArtifactError::Request { attempts: 3, .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn rejects_oversize_body() {
    let limits = UntarLimits {
        max_uncompressed_bytes: 1024,
        ..UntarLimits::default()
    };
    let body = vec![7u8; limits.max_download_bytes() as usize + 1];
    let digest = format!("sha256:{}", hex::encode(sha2::Sha256::digest(&body)));
    // Announced by Content-Length, then unannounced (body until the connection closes).
    let unannounced = [&b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n"[..], &body].concat();
    for reply in [response("200 OK", &body), unannounced] {
        let url = serve(vec![reply]).await;
        let err = fetch(&url, &digest, &limits).await.1.unwrap_err();
        assert!(
            matches!(err, ArtifactError::DownloadTooLarge { limit, .. } if limit == limits.max_download_bytes()),
            "{err:?}"
        );
    }
}

#[tokio::test]
async fn checks_digest_and_destination_before_any_request() {
    let url = "http://127.0.0.1:9/a.tgz";
    let err = fetch(url, "md5:00", &UntarLimits::default())
        .await
        .1
        .unwrap_err();
    assert!(
        matches!(err, ArtifactError::UnsupportedDigestAlgorithm { .. }),
        "{err:?}"
    );
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("taken"), b"").unwrap();
    let (_, digest) = artifact();
    let limits = UntarLimits::default();
    let err = fetch_artifact_with_retry(&client(), url, &digest, tmp.path(), &limits, &fast())
        .await
        .unwrap_err();
    assert!(matches!(err, ArtifactError::Destination { .. }), "{err:?}");
}

#[tokio::test]
async fn refuses_unsafe_archive_after_verifying_it() {
    let archive = Archive::new().file("../escape", b"x").tgz();
    let digest = format!("sha512:{}", hex::encode(sha2::Sha512::digest(&archive)));
    let url = serve(vec![response("200 OK", &archive)]).await;
    let err = fetch(&url, &digest, &UntarLimits::default())
        .await
        .1
        .unwrap_err();
    assert!(
        matches!(err, ArtifactError::PathTraversal { .. }),
        "{err:?}"
    );
}

#[test]
fn backoff_doubles_up_to_the_cap() {
    let policy = RetryPolicy::default();
    let waits: Vec<_> = (1..=6).map(|n| policy.backoff(n).as_secs()).collect();
    assert_eq!(waits, [1, 2, 4, 8, 16, 16]);
    assert_eq!(
        RetryPolicy {
            max_attempts: 1,
            ..policy
        }
        .backoff(u32::MAX),
        policy.max_backoff
    );
}
