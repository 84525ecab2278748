//! Resolution of an extracted symlink inside the extraction root, as the kernel would resolve
//! it, but refusing to step above the root.

use std::collections::VecDeque;
use std::ffi::{OsStr, OsString};
use std::fs;
use std::path::{Component, Path, PathBuf};

/// Symlink hops followed when resolving a link, like Linux's `MAXSYMLINKS`.
const MAX_SYMLINK_HOPS: usize = 40;
/// Path components walked when resolving one link, hops included: bounds the work a crafted
/// archive can cause (each step is a `lstat`), far above what real links need.
const MAX_RESOLVE_STEPS: usize = 256;

/// Where a symlink leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Resolved {
    /// To an existing path inside the root.
    Inside,
    /// Above the root, or to an absolute path.
    Outside,
    /// Nowhere: dangling, through a non-directory, more than 40 hops or 256 steps.
    Broken,
}

enum Step {
    Up,
    Name(OsString),
}

/// The steps of a symlink target, or `None` if it is absolute.
fn steps(target: &Path) -> Option<VecDeque<Step>> {
    let mut steps = VecDeque::new();
    for component in target.components() {
        match component {
            Component::Normal(part) => steps.push_back(Step::Name(part.to_os_string())),
            Component::ParentDir => steps.push_back(Step::Up),
            Component::CurDir => {}
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(steps)
}

/// Resolves the symlink at `rel` component by component, as the kernel would, but without
/// ever leaving `root`: `..` above the root, or an absolute target, is `Outside`.
pub(super) fn resolve(root: &Path, rel: &Path) -> Resolved {
    let mut current: Vec<OsString> = match rel.parent() {
        Some(parent) => parent.iter().map(OsStr::to_os_string).collect(),
        None => Vec::new(),
    };
    let Ok(target) = fs::read_link(root.join(rel)) else {
        return Resolved::Broken;
    };
    let Some(mut pending) = steps(&target) else {
        return Resolved::Outside;
    };
    let mut hops = 1;
    let mut walked = 0;
    while let Some(step) = pending.pop_front() {
        walked += 1;
        if walked > MAX_RESOLVE_STEPS {
            return Resolved::Broken;
        }
        let part = match step {
            Step::Up => {
                if current.pop().is_none() {
                    return Resolved::Outside;
                }
                continue;
            }
            Step::Name(part) => part,
        };
        current.push(part);
        let path = root.join(current.iter().collect::<PathBuf>());
        match fs::symlink_metadata(&path) {
            Ok(meta) if meta.file_type().is_symlink() => {
                hops += 1;
                current.pop();
                let Ok(target) = fs::read_link(&path) else {
                    return Resolved::Broken;
                };
                let Some(mut more) = steps(&target) else {
                    return Resolved::Outside;
                };
                if hops > MAX_SYMLINK_HOPS {
                    return Resolved::Broken;
                }
                more.extend(pending);
                pending = more;
            }
            Ok(meta) if meta.is_dir() || pending.is_empty() => {}
            _ => return Resolved::Broken,
        }
    }
    Resolved::Inside
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::super::testing::{extract, refuse, Archive};
    use super::super::{ArtifactError, UntarLimits};

    fn allow() -> UntarLimits {
        UntarLimits {
            allow_symlinks_within: true,
            ..UntarLimits::default()
        }
    }

    #[test]
    fn in_tree_symlinks_are_skipped_by_default() {
        let archive = Archive::new()
            .file("a", b"x")
            .symlink("in", "a")
            .symlink("d/up", "../a")
            .tgz();
        let (_tmp, dest, result) = extract(&archive, &UntarLimits::default());
        let summary = result.unwrap();
        assert_eq!((summary.symlinks, summary.symlinks_skipped), (0, 2));
        assert!(fs::symlink_metadata(dest.join("in")).is_err());
        assert!(fs::read(dest.join("a")).is_ok());
    }

    #[test]
    fn escaping_symlinks_are_refused_even_when_skipping() {
        for (link, target) in [("out", "/etc/passwd"), ("d/out", "../../etc"), ("up", "..")] {
            let archive = Archive::new().file("a", b"x").symlink(link, target).tgz();
            let (_tmp, dest, result) = extract(&archive, &UntarLimits::default());
            let err = result.unwrap_err();
            assert!(
                matches!(&err, ArtifactError::SymlinkEscape { target: t, .. } if t == target),
                "{link} -> {target}: {err}"
            );
            assert!(err.to_string().contains(target), "{err}");
            assert!(!dest.exists(), "nothing extracted on failure");
        }
    }

    #[test]
    fn creates_in_tree_symlinks_when_allowed() {
        // Links come before their targets, and chain through each other.
        let archive = Archive::new()
            .symlink("top", "data")
            .symlink("chain", "top/alias")
            .symlink("data/alias", "real.txt")
            .symlink("data/sub/up", "../real.txt")
            .file("data/real.txt", b"content")
            .tgz();
        let (_tmp, dest, result) = extract(&archive, &allow());
        assert_eq!(result.unwrap().symlinks, 4);
        assert_eq!(
            fs::read_link(dest.join("top")).unwrap().to_str(),
            Some("data")
        );
        for link in ["top/real.txt", "chain", "data/alias", "data/sub/up"] {
            assert_eq!(fs::read(dest.join(link)).unwrap(), b"content", "{link}");
        }
    }

    #[test]
    fn rejects_symlink_pointing_outside() {
        for target in ["../../../etc/passwd", "/etc/passwd", "../.."] {
            let archive = Archive::new().dir("a/").symlink("a/link", target).tgz();
            let err = refuse(&archive, &allow());
            assert!(
                matches!(&err, ArtifactError::SymlinkEscape { target: t, .. } if t == target),
                "{err:?}"
            );
        }
    }

    #[test]
    fn rejects_symlink_chain_escaping_through_another_link() {
        // Lexically `d/s/../..` is the root, but `d/s` is itself a link to the root.
        let archive = Archive::new()
            .dir("d/")
            .symlink("d/s", "..")
            .symlink("t", "d/s/../..")
            .tgz();
        let err = refuse(&archive, &allow());
        assert!(
            matches!(&err, ArtifactError::SymlinkEscape { entry, .. } if entry == "t"),
            "{err:?}"
        );
    }

    #[test]
    fn rejects_dangling_and_looping_symlinks() {
        let cases = [
            Archive::new().symlink("a", "missing"),
            Archive::new().symlink("a", "b").symlink("b", "a"),
            Archive::new().file("f", b"x").symlink("a", "f/x"),
        ];
        for archive in cases {
            let err = refuse(&archive.tgz(), &allow());
            assert!(
                matches!(err, ArtifactError::BrokenSymlink { .. }),
                "{err:?}"
            );
        }
    }
}
