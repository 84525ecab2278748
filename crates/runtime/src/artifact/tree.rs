//! The on-disk side of [`untar`](super::untar()): a staging directory next to the destination,
//! and a writer that only creates real directories and new files inside it, never through a
//! symlink, with symlinks (when allowed) created last and checked by [`super::links`].

use std::collections::HashSet;
use std::ffi::{OsStr, OsString};
use std::fs::{self, DirBuilder, File, OpenOptions, Permissions};
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Component, Path, PathBuf};

use super::links::{resolve, Resolved};
use super::untar::UntarSummary;
use super::ArtifactError;

pub(super) fn io_err(op: &'static str, path: &Path) -> impl FnOnce(io::Error) -> ArtifactError {
    let path = path.to_path_buf();
    move |source| ArtifactError::Io { op, path, source }
}

/// Checks that `dest` can receive an extracted tree (it is absent, or an empty directory, not a
/// symlink) and returns its parent directory, creating it if missing.
pub(super) fn prepare_destination(dest: &Path) -> Result<&Path, ArtifactError> {
    let bad = |reason| ArtifactError::Destination {
        path: dest.to_path_buf(),
        reason,
    };
    if dest.file_name().is_none() {
        return Err(bad("it has no final path component"));
    }
    let parent = match dest.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    match fs::symlink_metadata(dest) {
        Ok(meta) if meta.is_dir() => {
            let mut entries = fs::read_dir(dest).map_err(io_err("read directory", dest))?;
            if entries.next().is_some() {
                return Err(bad("it is a directory that is not empty"));
            }
        }
        Ok(_) => return Err(bad("it exists and is not a directory")),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            fs::create_dir_all(parent).map_err(io_err("create directory", parent))?;
        }
        Err(e) => return Err(io_err("inspect", dest)(e)),
    }
    Ok(parent)
}

/// A fresh directory next to the destination, removed on drop unless committed.
pub(super) struct Staging {
    pub(super) path: PathBuf,
    committed: bool,
}

impl Staging {
    /// Checks `dest` and creates a staging directory next to it.
    pub(super) fn create(dest: &Path) -> Result<Staging, ArtifactError> {
        let parent = prepare_destination(dest)?;
        let mut staging = OsString::from(".");
        staging.push(dest.file_name().unwrap_or_default());
        staging.push(format!(".untar-{:016x}", rand::random::<u64>()));
        let path = parent.join(staging);
        DirBuilder::new()
            .mode(0o700)
            .create(&path)
            .map_err(io_err("create staging directory", &path))?;
        Ok(Staging {
            path,
            committed: false,
        })
    }

    /// Renames the staging directory to `dest` (replacing it if it is an empty directory).
    pub(super) fn commit(mut self, dest: &Path) -> Result<(), ArtifactError> {
        fs::set_permissions(&self.path, Permissions::from_mode(0o755))
            .map_err(io_err("set permissions of", &self.path))?;
        fs::rename(&self.path, dest).map_err(io_err("move extracted tree to", dest))?;
        self.committed = true;
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            // Best effort; `remove_dir_all` does not follow symlinks.
            let _ = fs::remove_dir_all(&self.path);
        }
    }
}

/// Writes entries under `root`, tracking what exists so that nothing goes through a link.
pub(super) struct Tree {
    root: PathBuf,
    allow_symlinks: bool,
    /// Directories known to exist, relative to root ("" is root itself).
    made: HashSet<PathBuf>,
    /// Every symlink entry seen, created or skipped.
    links: HashSet<PathBuf>,
    /// Symlinks to create after everything else: (path, target, entry name).
    deferred: Vec<(PathBuf, PathBuf, String)>,
    pub(super) summary: UntarSummary,
}

impl Tree {
    pub(super) fn new(root: &Path, allow_symlinks: bool) -> Tree {
        Tree {
            root: root.to_path_buf(),
            allow_symlinks,
            made: HashSet::from([PathBuf::new()]),
            links: HashSet::new(),
            deferred: Vec::new(),
            summary: UntarSummary::default(),
        }
    }

    /// Validates an entry name and returns its path relative to root ("" for root itself,
    /// which only a directory entry may name).
    pub(super) fn place(
        &self,
        raw: &[u8],
        name: &str,
        dir: bool,
    ) -> Result<PathBuf, ArtifactError> {
        let invalid = |reason| ArtifactError::InvalidPath {
            entry: name.to_owned(),
            reason,
        };
        if raw.contains(&b'\\') {
            return Err(invalid("it contains a backslash"));
        }
        let mut rel = PathBuf::new();
        for component in Path::new(OsStr::from_bytes(raw)).components() {
            match component {
                Component::Normal(part) => rel.push(part),
                Component::CurDir => {}
                Component::ParentDir => {
                    return Err(ArtifactError::PathTraversal {
                        entry: name.to_owned(),
                    })
                }
                Component::RootDir | Component::Prefix(_) => {
                    return Err(ArtifactError::AbsolutePath {
                        entry: name.to_owned(),
                    })
                }
            }
        }
        if !self.links.is_empty() {
            // Nothing in `made` lies at or below a link, so only the ancestors below the deepest
            // known directory need a look: a few lookups, however deep the path.
            let known = self.known_dir(rel.parent().unwrap_or(Path::new("")));
            let mut above = rel.ancestors().skip(1).take_while(|a| *a != known);
            if let Some(link) = above.find(|a| self.links.contains(*a)) {
                return Err(ArtifactError::ThroughSymlink {
                    entry: name.to_owned(),
                    symlink: link.to_string_lossy().into_owned(),
                });
            }
        }
        if self.links.contains(&rel) {
            return Err(ArtifactError::PathConflict {
                entry: name.to_owned(),
            });
        }
        if rel.as_os_str().is_empty() && !dir {
            return Err(invalid("it names the destination itself"));
        }
        Ok(rel)
    }

    /// The deepest of `rel` and its ancestors known to be a real directory ("" at worst).
    fn known_dir<'p>(&self, rel: &'p Path) -> &'p Path {
        rel.ancestors()
            .find(|a| self.made.contains(*a))
            .unwrap_or(Path::new(""))
    }

    /// Creates `rel` and its parents as real directories (mode 0755).
    pub(super) fn dir(&mut self, rel: &Path, name: &str) -> Result<(), ArtifactError> {
        let known = self.known_dir(rel);
        let mut current = known.to_path_buf();
        for part in rel.iter().skip(known.iter().count()) {
            current.push(part);
            let path = self.root.join(&current);
            match fs::symlink_metadata(&path) {
                Ok(meta) if meta.is_dir() => {}
                Ok(meta) if meta.file_type().is_symlink() => {
                    return Err(ArtifactError::ThroughSymlink {
                        entry: name.to_owned(),
                        symlink: current.to_string_lossy().into_owned(),
                    })
                }
                Ok(_) => {
                    return Err(ArtifactError::PathConflict {
                        entry: name.to_owned(),
                    })
                }
                Err(e) if e.kind() == io::ErrorKind::NotFound => {
                    DirBuilder::new()
                        .mode(0o755)
                        .create(&path)
                        .map_err(io_err("create directory", &path))?;
                    // Explicitly, whatever the umask.
                    fs::set_permissions(&path, Permissions::from_mode(0o755))
                        .map_err(io_err("set permissions of", &path))?;
                    self.summary.directories += 1;
                }
                Err(e) => return Err(io_err("inspect", &path)(e)),
            }
            self.made.insert(current.clone());
        }
        Ok(())
    }

    /// Creates the regular file `rel` (and its parents) for writing; a file left by an earlier
    /// entry of the same name is replaced, as with Flux. Returns the file and its full path.
    pub(super) fn create_file(
        &mut self,
        rel: &Path,
        name: &str,
    ) -> Result<(File, PathBuf), ArtifactError> {
        if let Some(parent) = rel.parent() {
            self.dir(parent, name)?;
        }
        let conflict = || ArtifactError::PathConflict {
            entry: name.to_owned(),
        };
        if self.made.contains(rel) {
            return Err(conflict());
        }
        let path = self.root.join(rel);
        match fs::symlink_metadata(&path) {
            Ok(meta) if meta.is_file() => {
                fs::remove_file(&path).map_err(io_err("replace", &path))?
            }
            Ok(_) => return Err(conflict()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(io_err("inspect", &path)(e)),
        }
        // `create_new` (O_CREAT|O_EXCL) never follows a symlink.
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path)
            .map_err(io_err("create file", &path))?;
        Ok((file, path))
    }

    /// Records a symlink entry: deferred when symlinks are allowed, skipped otherwise.
    pub(super) fn symlink(
        &mut self,
        rel: PathBuf,
        target: &[u8],
        name: String,
    ) -> Result<(), ArtifactError> {
        if self.made.contains(&rel) {
            return Err(ArtifactError::PathConflict { entry: name });
        }
        self.links.insert(rel.clone());
        let target = PathBuf::from(OsStr::from_bytes(target));
        if self.allow_symlinks {
            self.deferred.push((rel, target, name));
        } else if escapes_lexically(&rel, &target) {
            // Skipping would be safe, but an archive that points outside its root is
            // hostile or broken: say so instead of extracting the rest quietly.
            return Err(ArtifactError::SymlinkEscape {
                entry: name,
                target: target.to_string_lossy().into_owned(),
            });
        } else {
            self.summary.symlinks_skipped += 1;
        }
        Ok(())
    }

    /// Creates the deferred symlinks, then checks that each resolves inside root.
    pub(super) fn finish(mut self) -> Result<UntarSummary, ArtifactError> {
        let deferred = std::mem::take(&mut self.deferred);
        for (rel, target, name) in &deferred {
            if let Some(parent) = rel.parent() {
                self.dir(parent, name)?;
            }
            let path = self.root.join(rel);
            std::os::unix::fs::symlink(target, &path).map_err(|e| match e.kind() {
                io::ErrorKind::AlreadyExists => ArtifactError::PathConflict {
                    entry: name.clone(),
                },
                _ => io_err("create symlink", &path)(e),
            })?;
            self.summary.symlinks += 1;
        }
        for (rel, target, entry) in deferred {
            let target = target.to_string_lossy().into_owned();
            match resolve(&self.root, &rel) {
                Resolved::Inside => {}
                Resolved::Outside => return Err(ArtifactError::SymlinkEscape { entry, target }),
                Resolved::Broken => return Err(ArtifactError::BrokenSymlink { entry, target }),
            }
        }
        Ok(self.summary)
    }
}

/// Whether the symlink at `rel` with `target` points above the root (or is absolute),
/// judged from the text alone, without following other links.
fn escapes_lexically(rel: &Path, target: &Path) -> bool {
    let mut depth = rel.parent().map_or(0, |p| p.iter().count()) as i64;
    for component in target.components() {
        match component {
            Component::RootDir | Component::Prefix(_) => return true,
            Component::ParentDir => {
                depth -= 1;
                if depth < 0 {
                    return true;
                }
            }
            Component::Normal(_) => depth += 1,
            Component::CurDir => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::super::testing::{extract, refuse, Archive};
    use super::super::{untar, UntarLimits};
    use super::*;

    #[test]
    fn rejects_parent_traversal() {
        for name in ["../evil.txt", "a/../../evil.txt", "a/b/../c"] {
            let (tmp, _dest, result) = extract(
                &Archive::new().file(name, b"x").tgz(),
                &UntarLimits::default(),
            );
            let err = result.unwrap_err();
            assert!(
                matches!(&err, ArtifactError::PathTraversal { entry } if entry == name),
                "{err:?}"
            );
            assert!(!tmp.path().parent().unwrap().join("evil.txt").exists());
        }
    }

    #[test]
    fn rejects_absolute_path() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("abs.txt");
        let archive = Archive::new().file(target.to_str().unwrap(), b"x").tgz();
        let err = refuse(&archive, &UntarLimits::default());
        assert!(matches!(err, ArtifactError::AbsolutePath { .. }), "{err:?}");
        assert!(!target.exists());
    }

    #[test]
    fn rejects_backslash_and_non_directory_root() {
        let err = refuse(
            &Archive::new().file("a\\b", b"x").tgz(),
            &UntarLimits::default(),
        );
        assert!(matches!(err, ArtifactError::InvalidPath { .. }), "{err:?}");
        let err = refuse(
            &Archive::new().file("./", b"x").tgz(),
            &UntarLimits::default(),
        );
        assert!(matches!(err, ArtifactError::InvalidPath { .. }), "{err:?}");
    }

    #[test]
    fn rejects_writing_through_a_symlink() {
        let outside = tempfile::tempdir().unwrap();
        let target = outside.path().to_str().unwrap();
        // Skipped symlink (the default) or allowed one, a later entry below it is refused.
        for allow in [false, true] {
            let limits = UntarLimits {
                allow_symlinks_within: allow,
                ..UntarLimits::default()
            };
            let archive = Archive::new()
                .symlink("link", target)
                .file("link/evil.txt", b"x")
                .tgz();
            let err = refuse(&archive, &limits);
            if allow {
                assert!(
                    matches!(&err, ArtifactError::ThroughSymlink { symlink, .. } if symlink == "link"),
                    "{err:?}"
                );
            } else {
                // When skipping, a link out of the root is refused as soon as it is seen.
                assert!(
                    matches!(&err, ArtifactError::SymlinkEscape { .. }),
                    "{err:?}"
                );
            }
            let archive = Archive::new()
                .dir("sub/")
                .symlink("link", "sub")
                .dir("link/d/")
                .tgz();
            let err = refuse(&archive, &limits);
            assert!(
                matches!(err, ArtifactError::ThroughSymlink { .. }),
                "{err:?}"
            );
        }
        assert_eq!(fs::read_dir(outside.path()).unwrap().count(), 0);
    }

    #[test]
    fn rejects_conflicting_entries() {
        let allow = UntarLimits {
            allow_symlinks_within: true,
            ..UntarLimits::default()
        };
        let cases = [
            Archive::new().file("a", b"x").file("a/b", b"y"),
            Archive::new().dir("a/").file("a", b"x"),
            Archive::new().symlink("a", "b").file("a", b"x"),
            Archive::new().dir("a/").symlink("a", "."),
            Archive::new().file("a", b"x").symlink("a", "."),
        ];
        for archive in cases {
            let err = refuse(&archive.tgz(), &allow);
            assert!(matches!(err, ArtifactError::PathConflict { .. }), "{err:?}");
        }
    }

    #[test]
    fn later_file_entry_replaces_earlier_one() {
        let archive = Archive::new().file("a", b"old").file("a", b"new").tgz();
        let (_tmp, dest, result) = extract(&archive, &UntarLimits::default());
        result.unwrap();
        assert_eq!(fs::read(dest.join("a")).unwrap(), b"new");
    }

    #[test]
    fn destination_must_be_absent_or_empty_and_survives_failure() {
        let tmp = tempfile::tempdir().unwrap();
        let dest = tmp.path().join("out");
        let good = Archive::new().file("a", b"x").tgz();
        let bad = Archive::new().file("../a", b"x").tgz();
        let limits = UntarLimits::default();

        fs::create_dir(&dest).unwrap();
        let err = untar(&bad[..], &dest, &limits).unwrap_err();
        assert!(
            matches!(err, ArtifactError::PathTraversal { .. }),
            "{err:?}"
        );
        assert!(dest.is_dir(), "an empty destination is left as it was");
        untar(&good[..], &dest, &limits).unwrap();
        assert_eq!(fs::read(dest.join("a")).unwrap(), b"x");

        let err = untar(&good[..], &dest, &limits).unwrap_err();
        assert!(matches!(err, ArtifactError::Destination { .. }), "{err:?}");
        let file = tmp.path().join("file");
        fs::write(&file, b"").unwrap();
        let err = untar(&good[..], &file, &limits).unwrap_err();
        assert!(matches!(err, ArtifactError::Destination { .. }), "{err:?}");
        let mut names: Vec<_> = fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        names.sort();
        assert_eq!(names, ["file", "out"], "no staging directory left");
    }
}
