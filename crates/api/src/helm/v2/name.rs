//! The Helm release name as stored by Helm, which allows at most 53 characters.

use sha2::{Digest, Sha256};

/// The longest release name Helm accepts.
pub const MAX_RELEASE_NAME_LENGTH: usize = 53;
/// Hex characters of the SHA-256 of the full name appended to a shortened name.
const SHORT_HASH_LENGTH: usize = 12;

/// Returns `name` when it fits Helm's limit; otherwise its first 40 characters, a dash and
/// the first 12 hex characters of the SHA-256 of the whole name (53 characters in all).
pub fn shorten_release_name(name: &str) -> String {
    if name.len() <= MAX_RELEASE_NAME_LENGTH {
        return name.to_owned();
    }
    let mut cut = MAX_RELEASE_NAME_LENGTH - SHORT_HASH_LENGTH - 1;
    while !name.is_char_boundary(cut) {
        cut -= 1;
    }
    let hash = hex::encode(Sha256::digest(name.as_bytes()));
    format!("{}-{}", &name[..cut], &hash[..SHORT_HASH_LENGTH])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_are_kept() {
        assert_eq!(shorten_release_name(""), "");
        assert_eq!(shorten_release_name("release-name"), "release-name");
        let exact = "a".repeat(MAX_RELEASE_NAME_LENGTH);
        assert_eq!(shorten_release_name(&exact), exact);
    }

    #[test]
    fn long_names_are_hashed_like_flux() {
        for (name, want) in [
            (
                "release-name-with-very-long-name-which-is-longer-than-53-characters",
                "release-name-with-very-long-name-which-i-788ca0d0d7b0",
            ),
            (
                "another-release-name-with-very-long-name-which-is-longer-than-53-characters",
                "another-release-name-with-very-long-name-7e72150d5a36",
            ),
        ] {
            let got = shorten_release_name(name);
            assert_eq!(got, want);
            assert_eq!(got.len(), MAX_RELEASE_NAME_LENGTH);
        }
    }

    #[test]
    fn multibyte_names_do_not_panic() {
        let name = "é".repeat(40);
        assert!(shorten_release_name(&name).len() <= MAX_RELEASE_NAME_LENGTH);
    }
}
