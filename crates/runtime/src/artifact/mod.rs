//! Download of a source artifact with digest check, and a safe untar.
//!
//! This is what Flux's artifact consumers (kustomize-controller, helm-controller) do with a
//! source's `status.artifact.url` and `status.artifact.digest`, after `fluxcd/pkg/http/fetch`
//! and `fluxcd/pkg/tar`:
//!
//! 1. [`fetch_artifact`] GETs the URL, retrying transient failures (connection errors, 408,
//!    429, 5xx except 501) a bounded number of times with exponential backoff, streams the body
//!    to a temporary file next to `dest` while hashing it, and enforces a maximum download size
//!    ([`UntarLimits::max_download_bytes`]).
//! 2. The hash is compared with the expected [`Digest`] (`sha256:<hex>`, `sha384:<hex>` or
//!    `sha512:<hex>`; a bare 64-digit hex is taken as sha256, like Flux does).
//! 3. Only then is the archive handed to [`untar`] (on a blocking thread), which extracts it
//!    into a fresh staging directory next to `dest` and renames that to `dest` on success.
//!
//! # What [`untar`] accepts
//!
//! Gzip-compressed tar (detected by its magic bytes) or plain tar. Regular files (mode `0644`,
//! or `0755` when the archive marks any execute bit), directories (always `0755`), and PAX global
//! headers (ignored). Everything else is refused with a specific [`ArtifactError`]: `..`
//! components, absolute paths, hard links, device files, FIFOs, sparse and unknown entry types,
//! archives that expand past [`UntarLimits::max_uncompressed_bytes`] or hold more than
//! [`UntarLimits::max_entries`] entries, corrupt or truncated gzip and tar streams.
//!
//! Symlinks follow Flux's artifact fetcher, which extracts with `tar.WithSkipSymlinks()`: by
//! default they are skipped (counted in [`UntarSummary::symlinks_skipped`]), except that a
//! symlink whose target is absolute or climbs above the root is refused with
//! [`ArtifactError::SymlinkEscape`]. With
//! [`UntarLimits::allow_symlinks_within`] they are created, after every other entry, and each
//! must resolve (following the archive's other links, at most 40 hops) to an existing path
//! inside the destination; absolute targets are refused. In both modes an entry placed at or
//! below an archive symlink is refused, so nothing is ever written through a link.
//!
//! On failure the destination is left as it was and the staging directory and temporary
//! download are removed, so the caller has nothing to clean up (only a crash can leave a
//! `.<name>.untar-<random>` directory or `.<name>.download-<random>` file next to `dest`). File
//! modification times are not restored: extracted files get the current time. Unix only.

use std::io;
use std::path::PathBuf;

mod digest;
mod download;
mod links;
mod tree;
mod untar;

pub use digest::{verify_digest, Digest, DigestAlgorithm};
pub use download::{fetch_artifact, fetch_artifact_with_retry, FetchedArtifact, RetryPolicy};
pub use untar::{
    untar, UntarLimits, UntarSummary, DEFAULT_MAX_ENTRIES, DEFAULT_MAX_UNCOMPRESSED_BYTES,
};

/// Everything that can go wrong while fetching, verifying or unpacking an artifact.
///
/// Entry names in errors are the archive's names, decoded lossily as UTF-8.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ArtifactError {
    /// The expected digest is not `<algorithm>:<hex>` with the right number of hex digits.
    #[error("invalid digest {digest:?}: {reason}")]
    InvalidDigest {
        digest: String,
        reason: &'static str,
    },

    /// The expected digest names an algorithm other than sha256, sha384 or sha512.
    #[error("unsupported digest algorithm {algorithm:?} (supported: sha256, sha384, sha512)")]
    UnsupportedDigestAlgorithm { algorithm: String },

    /// The downloaded (or verified) content does not hash to the expected digest.
    #[error("digest mismatch: expected {expected}, got {actual}")]
    DigestMismatch { expected: String, actual: String },

    /// The server answered 404: the artifact is not (or no longer) there. Not retried.
    #[error("artifact not found at {url}")]
    NotFound { url: String },

    /// The server answered a status other than 200 and 404: at once for a non-transient status,
    /// or after the last attempt for a transient one (408, 429, 5xx except 501).
    #[error("downloading artifact from {url} failed with HTTP status {status} after {attempts} attempt(s)")]
    HttpStatus {
        url: String,
        status: u16,
        attempts: u32,
    },

    /// The HTTP request failed (connection, timeout, body read) on its last attempt, or could
    /// not be built at all (invalid URL).
    #[error("downloading artifact from {url} failed after {attempts} attempt(s)")]
    Request {
        url: String,
        attempts: u32,
        #[source]
        source: reqwest::Error,
    },

    /// The artifact is larger than the maximum download size, by its `Content-Length` or by the
    /// bytes actually received. Not retried.
    #[error("artifact at {url} is larger than the maximum download size of {limit} bytes")]
    DownloadTooLarge { url: String, limit: u64 },

    /// The blocking untar task panicked or was cancelled.
    #[error("untar task did not complete")]
    UntarTask {
        #[source]
        source: tokio::task::JoinError,
    },

    /// A local filesystem operation failed (staging directory, temporary file, writing an
    /// entry, final rename).
    #[error("failed to {op} {}", path.display())]
    Io {
        op: &'static str,
        path: PathBuf,
        #[source]
        source: io::Error,
    },

    /// Reading the archive from the caller's reader failed.
    #[error("failed to read the archive")]
    ReadArchive {
        #[source]
        source: io::Error,
    },

    /// The destination cannot receive the archive: it exists and is not an empty directory
    /// (symlinks included), or it has no final path component.
    #[error("cannot extract into {}: {reason}", path.display())]
    Destination { path: PathBuf, reason: &'static str },

    /// The stream starts with the gzip magic bytes but does not decompress: corrupt data, bad
    /// CRC, truncation, or garbage after the last gzip member.
    #[error("archive is not a valid gzip stream (corrupt or truncated)")]
    CorruptGzip {
        #[source]
        source: io::Error,
    },

    /// The (decompressed) stream is not a valid tar archive: empty, bad header checksum,
    /// malformed header field, or truncated inside a header or an entry's content.
    #[error("archive is not a valid tar stream (corrupt or truncated)")]
    CorruptTar {
        #[source]
        source: io::Error,
    },

    /// The decompressed stream (headers and content), or the sum of the entries' declared
    /// sizes, exceeds [`UntarLimits::max_uncompressed_bytes`]. Detected while streaming, before
    /// the excess is written or buffered.
    #[error("archive expands to more than the limit of {limit} bytes")]
    TooLarge { limit: u64 },

    /// The archive holds more entries than [`UntarLimits::max_entries`].
    #[error("archive holds more than the limit of {limit} entries")]
    TooManyEntries { limit: u64 },

    /// An entry name is unusable: it contains a backslash (refused like Flux does), or it names
    /// the destination itself for something that is not a directory.
    #[error("archive entry {entry:?} has an invalid path: {reason}")]
    InvalidPath { entry: String, reason: &'static str },

    /// An entry name has a `..` component (refused even when it would stay inside `dest`).
    #[error("archive entry {entry:?} has a '..' path component")]
    PathTraversal { entry: String },

    /// An entry name is absolute.
    #[error("archive entry {entry:?} has an absolute path")]
    AbsolutePath { entry: String },

    /// A symlink (only created with `allow_symlinks_within`) has an absolute target, or its
    /// target resolves outside the destination, directly or through other links.
    #[error("symlink {entry:?} -> {target:?} points outside the destination")]
    SymlinkEscape { entry: String, target: String },

    /// A symlink (only created with `allow_symlinks_within`) does not resolve to an existing
    /// path: dangling, through a non-directory, a loop (more than 40 hops), or more than 256
    /// path components walked.
    #[error(
        "symlink {entry:?} -> {target:?} does not resolve to an existing path in the destination"
    )]
    BrokenSymlink { entry: String, target: String },

    /// An entry lies below an archive symlink (e.g. `link -> /etc` then `link/passwd`): it
    /// would be written through the link. Refused whether symlinks are skipped or allowed.
    #[error("archive entry {entry:?} lies below the symlink {symlink:?}")]
    ThroughSymlink { entry: String, symlink: String },

    /// An entry collides with an earlier entry of another kind (file over directory, anything
    /// over a symlink, a symlink over a file or directory).
    #[error("archive entry {entry:?} conflicts with an earlier entry at the same path")]
    PathConflict { entry: String },

    /// The archive holds a hard link.
    #[error("archive entry {entry:?} is a hard link to {target:?}, which is not allowed")]
    HardLink { entry: String, target: String },

    /// The archive holds a character device.
    #[error("archive entry {entry:?} is a character device, which is not allowed")]
    CharDevice { entry: String },

    /// The archive holds a block device.
    #[error("archive entry {entry:?} is a block device, which is not allowed")]
    BlockDevice { entry: String },

    /// The archive holds a FIFO (named pipe).
    #[error("archive entry {entry:?} is a FIFO, which is not allowed")]
    Fifo { entry: String },

    /// The archive holds an entry of another type (GNU sparse file, volume header, unknown
    /// type flag).
    #[error("archive entry {entry:?} has unsupported type flag {flag:?}")]
    UnsupportedEntry { entry: String, flag: char },
}

/// Test helpers: archive builders that can write what `tar::Builder`'s checked API refuses.
#[cfg(test)]
mod testing {
    use std::fs;
    use std::io::Write;
    use std::path::PathBuf;

    use flate2::{write::GzEncoder, Compression};
    use tar::{EntryType, Header};

    use super::{untar, ArtifactError, UntarLimits, UntarSummary};

    pub(super) struct Archive(tar::Builder<Vec<u8>>);

    impl Archive {
        pub(super) fn new() -> Archive {
            Archive(tar::Builder::new(Vec::new()))
        }

        /// Appends an entry with raw name and link fields (no `..` or absolute-path checks).
        pub(super) fn raw(
            mut self,
            name: &str,
            kind: EntryType,
            link: &str,
            mode: u32,
            data: &[u8],
        ) -> Archive {
            let mut header = Header::new_gnu();
            let old = header.as_old_mut();
            old.name[..name.len()].copy_from_slice(name.as_bytes());
            old.linkname[..link.len()].copy_from_slice(link.as_bytes());
            header.set_entry_type(kind);
            header.set_mode(mode);
            header.set_size(data.len() as u64);
            header.set_cksum();
            self.0.append(&header, data).unwrap();
            self
        }

        pub(super) fn file(self, name: &str, data: &[u8]) -> Archive {
            self.raw(name, EntryType::Regular, "", 0o644, data)
        }

        pub(super) fn dir(self, name: &str) -> Archive {
            self.raw(name, EntryType::Directory, "", 0o755, b"")
        }

        pub(super) fn symlink(self, name: &str, target: &str) -> Archive {
            self.raw(name, EntryType::Symlink, target, 0o777, b"")
        }

        pub(super) fn tar(self) -> Vec<u8> {
            self.0.into_inner().unwrap()
        }

        pub(super) fn tgz(self) -> Vec<u8> {
            gzip(&self.tar(), Compression::default())
        }
    }

    pub(super) fn gzip(data: &[u8], level: Compression) -> Vec<u8> {
        let mut encoder = GzEncoder::new(Vec::new(), level);
        encoder.write_all(data).unwrap();
        encoder.finish().unwrap()
    }

    /// Untars into `<tmp>/out`; on failure, checks that neither `out` nor staging is left.
    pub(super) fn extract(
        archive: &[u8],
        limits: &UntarLimits,
    ) -> (
        tempfile::TempDir,
        PathBuf,
        Result<UntarSummary, ArtifactError>,
    ) {
        let tmp = tempfile::tempdir().unwrap();
        let dest = tmp.path().join("out");
        let result = untar(archive, &dest, limits);
        if result.is_err() {
            let left: Vec<_> = fs::read_dir(tmp.path()).unwrap().collect();
            assert!(left.is_empty(), "left behind after failure: {left:?}");
        }
        (tmp, dest, result)
    }

    /// Untars with `limits` and returns the error, panicking on success.
    pub(super) fn refuse(archive: &[u8], limits: &UntarLimits) -> ArtifactError {
        match extract(archive, limits).2 {
            Ok(summary) => panic!("extraction succeeded: {summary:?}"),
            Err(err) => err,
        }
    }
}
