//! Content digests (`<algorithm>:<hex>`) and their verification.

use std::fmt;
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;
use std::str::FromStr;

use sha2::Digest as _;

use super::ArtifactError;

/// A digest algorithm supported for artifact verification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DigestAlgorithm {
    Sha256,
    Sha384,
    Sha512,
}

impl DigestAlgorithm {
    /// The algorithm's name in a digest string.
    pub fn name(self) -> &'static str {
        match self {
            DigestAlgorithm::Sha256 => "sha256",
            DigestAlgorithm::Sha384 => "sha384",
            DigestAlgorithm::Sha512 => "sha512",
        }
    }

    fn hex_len(self) -> usize {
        match self {
            DigestAlgorithm::Sha256 => 64,
            DigestAlgorithm::Sha384 => 96,
            DigestAlgorithm::Sha512 => 128,
        }
    }

    pub(super) fn hasher(self) -> Hasher {
        match self {
            DigestAlgorithm::Sha256 => Hasher::Sha256(sha2::Sha256::new()),
            DigestAlgorithm::Sha384 => Hasher::Sha384(sha2::Sha384::new()),
            DigestAlgorithm::Sha512 => Hasher::Sha512(sha2::Sha512::new()),
        }
    }
}

/// A parsed content digest, `<algorithm>:<lowercase hex>` as in `status.artifact.digest`.
///
/// Parsing accepts upper-case hex (normalised to lower case) and, like Flux's fetcher, a bare
/// 64-digit hex string as sha256 (the legacy `checksum` field).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Digest {
    algorithm: DigestAlgorithm,
    hex: String,
}

impl Digest {
    pub fn algorithm(&self) -> DigestAlgorithm {
        self.algorithm
    }

    /// The lowercase hex encoding of the digest.
    pub fn hex(&self) -> &str {
        &self.hex
    }
}

impl FromStr for Digest {
    type Err = ArtifactError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let invalid = |reason| ArtifactError::InvalidDigest {
            digest: s.to_owned(),
            reason,
        };
        let (algorithm, hex) = match s.split_once(':') {
            Some((name, hex)) => {
                let algorithm = match name {
                    "sha256" => DigestAlgorithm::Sha256,
                    "sha384" => DigestAlgorithm::Sha384,
                    "sha512" => DigestAlgorithm::Sha512,
                    "" => return Err(invalid("the algorithm is empty")),
                    other => {
                        let algorithm = other.to_owned();
                        return Err(ArtifactError::UnsupportedDigestAlgorithm { algorithm });
                    }
                };
                (algorithm, hex)
            }
            None if s.is_empty() => return Err(invalid("it is empty")),
            None => (DigestAlgorithm::Sha256, s),
        };
        if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(invalid("the encoded part is not hexadecimal"));
        }
        if hex.len() != algorithm.hex_len() {
            return Err(invalid(
                "the encoded part has the wrong length for its algorithm",
            ));
        }
        Ok(Digest {
            algorithm,
            hex: hex.to_ascii_lowercase(),
        })
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.algorithm.name(), self.hex)
    }
}

/// An incremental hash of one of the supported algorithms.
pub(super) enum Hasher {
    Sha256(sha2::Sha256),
    Sha384(sha2::Sha384),
    Sha512(sha2::Sha512),
}

impl Hasher {
    pub(super) fn update(&mut self, data: &[u8]) {
        match self {
            Hasher::Sha256(h) => h.update(data),
            Hasher::Sha384(h) => h.update(data),
            Hasher::Sha512(h) => h.update(data),
        }
    }

    /// The lowercase hex encoding of the hash.
    pub(super) fn finish(self) -> String {
        match self {
            Hasher::Sha256(h) => hex::encode(h.finalize()),
            Hasher::Sha384(h) => hex::encode(h.finalize()),
            Hasher::Sha512(h) => hex::encode(h.finalize()),
        }
    }
}

/// Compares a computed hex hash with `expected`.
pub(super) fn check(expected: &Digest, actual_hex: String) -> Result<(), ArtifactError> {
    if actual_hex == expected.hex {
        return Ok(());
    }
    Err(ArtifactError::DigestMismatch {
        expected: expected.to_string(),
        actual: format!("{}:{actual_hex}", expected.algorithm.name()),
    })
}

/// Hashes the file at `path` and compares it with `expected`.
pub fn verify_digest(path: &Path, expected: &Digest) -> Result<(), ArtifactError> {
    let read_err = |source| ArtifactError::Io {
        op: "read",
        path: path.to_path_buf(),
        source,
    };
    let mut file = File::open(path).map_err(read_err)?;
    let mut hasher = expected.algorithm.hasher();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => hasher.update(&buf[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(read_err(e)),
        }
    }
    check(expected, hasher.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHA256_ABC: &str = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    #[test]
    fn parses_supported_digests() {
        let d: Digest = format!("sha256:{SHA256_ABC}").parse().unwrap();
        assert_eq!(
            (d.algorithm(), d.hex()),
            (DigestAlgorithm::Sha256, SHA256_ABC)
        );
        assert_eq!(d.to_string(), format!("sha256:{SHA256_ABC}"));
        let bare: Digest = SHA256_ABC.to_uppercase().parse().unwrap();
        assert_eq!(bare, d, "bare hex is sha256, case-insensitive");
        let d: Digest = format!("sha384:{}", "0".repeat(96)).parse().unwrap();
        assert_eq!(d.algorithm(), DigestAlgorithm::Sha384);
        let d: Digest = format!("sha512:{}", "f".repeat(128)).parse().unwrap();
        assert_eq!(d.algorithm(), DigestAlgorithm::Sha512);
    }

    #[test]
    fn rejects_bad_digests() {
        let err = format!("md5:{}", "0".repeat(32))
            .parse::<Digest>()
            .unwrap_err();
        assert!(
            matches!(&err, ArtifactError::UnsupportedDigestAlgorithm { algorithm } if algorithm == "md5"),
            "{err:?}"
        );
        let err = "blake3:00".parse::<Digest>().unwrap_err();
        assert!(
            matches!(err, ArtifactError::UnsupportedDigestAlgorithm { .. }),
            "{err:?}"
        );
        let bad = [
            String::new(),
            format!(":{SHA256_ABC}"),
            "sha256:abc".to_owned(),
            format!("sha512:{SHA256_ABC}"),
            format!("sha256:{}", "g".repeat(64)),
            format!("sha256:{SHA256_ABC} "),
        ];
        for digest in bad {
            let err = digest.parse::<Digest>().unwrap_err();
            assert!(
                matches!(err, ArtifactError::InvalidDigest { .. }),
                "{digest:?}: {err:?}"
            );
        }
    }

    #[test]
    fn verifies_file_digest() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, b"abc").unwrap();
        let good: Digest = format!("sha256:{SHA256_ABC}").parse().unwrap();
        verify_digest(&path, &good).unwrap();
        let sha512 = "sha512:ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a\
                      2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f";
        verify_digest(&path, &sha512.parse().unwrap()).unwrap();
        let other: Digest = format!("sha256:{}", "0".repeat(64)).parse().unwrap();
        let err = verify_digest(&path, &other).unwrap_err();
        let message = err.to_string();
        assert!(
            message.contains(&other.to_string()) && message.contains(SHA256_ABC),
            "{message}"
        );
        let err = verify_digest(&dir.path().join("missing"), &good).unwrap_err();
        assert!(matches!(err, ArtifactError::Io { .. }), "{err:?}");
    }
}
