//! Artifact download with retries, size cap and digest verification.

use std::ffi::OsString;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::time::Duration;

use reqwest::StatusCode;
use tokio::io::{AsyncSeekExt, AsyncWriteExt};

use super::digest::{check, Digest};
use super::tree::{io_err, prepare_destination};
use super::untar::{untar, UntarLimits, UntarSummary};
use super::ArtifactError;

/// How [`fetch_artifact_with_retry`] retries transient failures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in total, the first included (at least 1 is made).
    pub max_attempts: u32,
    /// Wait after the first failed attempt; doubled after each further one.
    pub initial_backoff: Duration,
    /// Upper bound of a single wait.
    pub max_backoff: Duration,
}

impl Default for RetryPolicy {
    /// 5 attempts, waiting 1s, 2s, 4s and 8s in between.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 5,
            initial_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(16),
        }
    }
}

impl RetryPolicy {
    fn backoff(&self, failed_attempts: u32) -> Duration {
        let factor = 1u32 << failed_attempts.saturating_sub(1).min(16);
        self.initial_backoff
            .saturating_mul(factor)
            .min(self.max_backoff)
    }
}

/// A fetched, verified and extracted artifact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchedArtifact {
    /// The verified digest.
    pub digest: Digest,
    /// Size of the downloaded archive in bytes.
    pub size: u64,
    /// HTTP attempts made.
    pub attempts: u32,
    pub untar: UntarSummary,
}

/// Downloads the artifact at `url`, verifies it against `expected_digest` and extracts it into
/// `dest` (see [`untar`] for what `dest` may be), with [`RetryPolicy::default`].
///
/// The download is capped at [`UntarLimits::max_download_bytes`].
pub async fn fetch_artifact(
    client: &reqwest::Client,
    url: &str,
    expected_digest: &str,
    dest: &Path,
    limits: &UntarLimits,
) -> Result<FetchedArtifact, ArtifactError> {
    fetch_artifact_with_retry(
        client,
        url,
        expected_digest,
        dest,
        limits,
        &RetryPolicy::default(),
    )
    .await
}

/// [`fetch_artifact`] with an explicit retry policy.
pub async fn fetch_artifact_with_retry(
    client: &reqwest::Client,
    url: &str,
    expected_digest: &str,
    dest: &Path,
    limits: &UntarLimits,
    retry: &RetryPolicy,
) -> Result<FetchedArtifact, ArtifactError> {
    let digest: Digest = expected_digest.parse()?;
    let download = TempDownload::create(dest)?;
    let mut file = tokio::fs::File::from_std(
        download
            .file
            .try_clone()
            .map_err(io_err("open", &download.path))?,
    );
    let max_bytes = limits.max_download_bytes();
    let mut attempt = 0;
    let size = loop {
        attempt += 1;
        let result = download_once(
            client,
            url,
            &mut file,
            &download.path,
            &digest,
            max_bytes,
            attempt,
        )
        .await;
        match result {
            Ok(size) => break size,
            Err(Failure::Transient(err)) if attempt < retry.max_attempts => {
                let wait = retry.backoff(attempt);
                tracing::warn!(url, attempt, ?wait, error = %err, "artifact download failed, retrying");
                tokio::time::sleep(wait).await;
            }
            Err(Failure::Transient(err) | Failure::Fatal(err)) => return Err(err),
        }
    };
    drop(file);
    let (limits, dest) = (*limits, dest.to_path_buf());
    let summary = tokio::task::spawn_blocking(move || {
        let mut file = &download.file;
        file.seek(SeekFrom::Start(0))
            .map_err(io_err("rewind", &download.path))?;
        untar(io::BufReader::new(file), &dest, &limits)
    })
    .await
    .map_err(|source| ArtifactError::UntarTask { source })??;
    Ok(FetchedArtifact {
        digest,
        size,
        attempts: attempt,
        untar: summary,
    })
}

enum Failure {
    Transient(ArtifactError),
    Fatal(ArtifactError),
}

/// One GET, streamed into `file` (truncated first) while hashing. Returns the size.
async fn download_once(
    client: &reqwest::Client,
    url: &str,
    file: &mut tokio::fs::File,
    path: &Path,
    digest: &Digest,
    max_bytes: u64,
    attempts: u32,
) -> Result<u64, Failure> {
    let request_failed = |source: reqwest::Error| {
        let transient = !(source.is_builder() || source.is_redirect());
        let err = ArtifactError::Request {
            url: url.to_owned(),
            attempts,
            source,
        };
        if transient {
            Failure::Transient(err)
        } else {
            Failure::Fatal(err)
        }
    };
    let local = |op| {
        move |source| {
            Failure::Fatal(ArtifactError::Io {
                op,
                path: path.to_path_buf(),
                source,
            })
        }
    };
    let too_large = || {
        Failure::Fatal(ArtifactError::DownloadTooLarge {
            url: url.to_owned(),
            limit: max_bytes,
        })
    };

    let mut response = client.get(url).send().await.map_err(request_failed)?;
    let status = response.status();
    if status == StatusCode::NOT_FOUND {
        return Err(Failure::Fatal(ArtifactError::NotFound {
            url: url.to_owned(),
        }));
    }
    if status != StatusCode::OK {
        let err = ArtifactError::HttpStatus {
            url: url.to_owned(),
            status: status.as_u16(),
            attempts,
        };
        let transient = matches!(
            status,
            StatusCode::REQUEST_TIMEOUT | StatusCode::TOO_MANY_REQUESTS
        ) || (status.is_server_error() && status != StatusCode::NOT_IMPLEMENTED);
        return Err(if transient {
            Failure::Transient(err)
        } else {
            Failure::Fatal(err)
        });
    }
    // Headers can lie: the streamed byte count is checked as well.
    if response.content_length().is_some_and(|len| len > max_bytes) {
        return Err(too_large());
    }
    file.set_len(0).await.map_err(local("truncate"))?;
    file.seek(SeekFrom::Start(0))
        .await
        .map_err(local("rewind"))?;
    let mut hasher = digest.algorithm().hasher();
    let mut size = 0u64;
    while let Some(chunk) = response.chunk().await.map_err(request_failed)? {
        size = size.saturating_add(chunk.len() as u64);
        if size > max_bytes {
            return Err(too_large());
        }
        hasher.update(&chunk);
        file.write_all(&chunk).await.map_err(local("write"))?;
    }
    file.flush().await.map_err(local("write"))?;
    // A mismatch is not retried: the artifact changed or is bad; the next reconcile decides.
    check(digest, hasher.finish()).map_err(Failure::Fatal)?;
    Ok(size)
}

/// The downloaded archive: a new file next to `dest`, removed on drop.
struct TempDownload {
    path: PathBuf,
    file: File,
}

impl TempDownload {
    /// Checks `dest` (failing before any download if it cannot be extracted to) and creates
    /// the temporary file next to it.
    fn create(dest: &Path) -> Result<TempDownload, ArtifactError> {
        let parent = prepare_destination(dest)?;
        let mut name = OsString::from(".");
        name.push(dest.file_name().unwrap_or_default());
        name.push(format!(".download-{:016x}", rand::random::<u64>()));
        let path = parent.join(name);
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(io_err("create temporary file", &path))?;
        Ok(TempDownload { path, file })
    }
}

impl Drop for TempDownload {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
    }
}

#[cfg(test)]
#[path = "download_tests.rs"]
mod tests;
