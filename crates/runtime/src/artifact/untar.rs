//! Safe extraction of a (gzip-compressed) tar archive. See the module docs for the rules.

use std::cell::Cell;
use std::fs::Permissions;
use std::io::{self, Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::rc::Rc;

use flate2::read::MultiGzDecoder;
use tar::EntryType;

use super::tree::{io_err, Staging, Tree};
use super::ArtifactError;

/// Flux's default maximum untar size (`tar.DefaultMaxUntarSize`): 100 MiB.
pub const DEFAULT_MAX_UNCOMPRESSED_BYTES: u64 = 100 << 20;
/// Default maximum number of entries. Flux has no such limit; every entry costs at least one
/// 512-byte header, so 100 MiB can hold about 200 000 empty ones.
pub const DEFAULT_MAX_ENTRIES: u64 = 100_000;
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// Limits and policy for [`untar`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UntarLimits {
    /// Maximum bytes of the decompressed tar stream (headers, padding and content), also
    /// applied to the sum of the entries' declared sizes. `u64::MAX` disables the limit.
    pub max_uncompressed_bytes: u64,
    /// Maximum number of archive entries (directories and skipped entries included).
    pub max_entries: u64,
    /// `false` (the default): skip every symlink entry, as Flux's artifact fetcher does
    /// (`tar.WithSkipSymlinks()`; Flux's own `tar.Tar` never writes symlinks). `true`: create
    /// them last, and fail unless each resolves to an existing path inside the destination.
    /// Either way, an entry at or below a symlink entry's path is refused.
    pub allow_symlinks_within: bool,
}

impl Default for UntarLimits {
    fn default() -> Self {
        UntarLimits {
            max_uncompressed_bytes: DEFAULT_MAX_UNCOMPRESSED_BYTES,
            max_entries: DEFAULT_MAX_ENTRIES,
            allow_symlinks_within: false,
        }
    }
}

impl UntarLimits {
    /// The largest download that can still untar within these limits: the decompressed limit
    /// plus gzip's worst-case overhead (stored blocks add 5 bytes per 64 KiB), with slack for
    /// gzip headers. Anything larger is cut off while downloading.
    pub fn max_download_bytes(&self) -> u64 {
        let limit = self.max_uncompressed_bytes;
        limit.saturating_add(limit / 1024).saturating_add(64 * 1024)
    }
}

/// What [`untar`] extracted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UntarSummary {
    /// Whether the stream was gzip-compressed.
    pub gzip: bool,
    /// Archive entries read (PAX/GNU extension headers not counted).
    pub entries: u64,
    pub files: u64,
    /// Directories created, including implicit parents.
    pub directories: u64,
    pub symlinks: u64,
    pub symlinks_skipped: u64,
    /// Content bytes written to regular files.
    pub file_bytes: u64,
    /// Bytes of the decompressed tar stream read.
    pub uncompressed_bytes: u64,
}

/// Extracts a gzip-compressed or plain tar stream into `dest`.
///
/// `dest` must not exist or be an empty directory; its parent is created if needed. The archive
/// is extracted into a staging directory next to `dest`, which is renamed to `dest` on success
/// and removed on failure, so on error `dest` is as it was. Runs blocking I/O: call it from
/// `tokio::task::spawn_blocking` in async code. Never panics on any input.
pub fn untar(
    reader: impl Read,
    dest: &Path,
    limits: &UntarLimits,
) -> Result<UntarSummary, ArtifactError> {
    let staging = Staging::create(dest)?;
    let summary = Extractor::new(&staging.path, limits).run(reader)?;
    staging.commit(dest)?;
    Ok(summary)
}

/// Which layer of the input stack failed first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fault {
    None,
    Source,
    Decode,
    Limit,
}

/// Records the first failure of the reader it wraps, and optionally caps the bytes it yields.
struct Watch<R> {
    inner: R,
    fault: Rc<Cell<Fault>>,
    on_error: Fault,
    limit: Option<u64>,
    count: u64,
}

impl<R: Read> Read for Watch<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = match self.inner.read(buf) {
            Ok(n) => n,
            Err(e) => {
                if e.kind() != io::ErrorKind::Interrupted && self.fault.get() == Fault::None {
                    self.fault.set(self.on_error);
                }
                return Err(e);
            }
        };
        self.count = self.count.saturating_add(n as u64);
        if self.limit.is_some_and(|limit| self.count > limit) {
            self.fault.set(Fault::Limit);
            return Err(io::Error::other("decompressed size limit exceeded"));
        }
        Ok(n)
    }
}

struct Extractor<'a> {
    limits: &'a UntarLimits,
    fault: Rc<Cell<Fault>>,
    tree: Tree,
    /// Sum of the declared sizes of regular files.
    declared: u64,
}

impl<'a> Extractor<'a> {
    fn new(root: &Path, limits: &'a UntarLimits) -> Self {
        Extractor {
            limits,
            fault: Rc::new(Cell::new(Fault::None)),
            tree: Tree::new(root, limits.allow_symlinks_within),
            declared: 0,
        }
    }

    fn run(mut self, mut reader: impl Read) -> Result<UntarSummary, ArtifactError> {
        let mut magic = [0u8; 2];
        let mut n = 0;
        while n < magic.len() {
            match reader.read(&mut magic[n..]) {
                Ok(0) => break,
                Ok(k) => n += k,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(source) => return Err(ArtifactError::ReadArchive { source }),
            }
        }
        if n == 0 {
            let source = io::Error::new(io::ErrorKind::UnexpectedEof, "archive is empty");
            return Err(ArtifactError::CorruptTar { source });
        }
        let gzip = magic[..n] == GZIP_MAGIC;
        self.tree.summary.gzip = gzip;
        let source = self.watch((&magic[..n]).chain(reader), Fault::Source, None);
        let decoded: Box<dyn Read + '_> = if gzip {
            Box::new(MultiGzDecoder::new(source))
        } else {
            Box::new(source)
        };
        let limit = Some(self.limits.max_uncompressed_bytes).filter(|l| *l != u64::MAX);
        let mut stream = self.watch(decoded, Fault::Decode, limit);
        let result = self.entries(&mut stream).and_then(|()| {
            // Read to the end, so that the gzip trailer (CRC, size) is checked too.
            io::copy(&mut stream, &mut io::sink())
                .map(drop)
                .map_err(|e| self.stream_error(e))
        });
        self.tree.summary.uncompressed_bytes = stream.count;
        drop(stream);
        result?;
        self.tree.finish()
    }

    fn watch<R: Read>(&self, inner: R, on_error: Fault, limit: Option<u64>) -> Watch<R> {
        let fault = Rc::clone(&self.fault);
        Watch {
            inner,
            fault,
            on_error,
            limit,
            count: 0,
        }
    }

    /// Classifies an I/O error that came out of the input stack.
    fn stream_error(&self, source: io::Error) -> ArtifactError {
        match self.fault.get() {
            Fault::Limit => self.too_large(),
            Fault::Source => ArtifactError::ReadArchive { source },
            Fault::Decode if self.tree.summary.gzip => ArtifactError::CorruptGzip { source },
            Fault::Decode | Fault::None => ArtifactError::CorruptTar { source },
        }
    }

    fn too_large(&self) -> ArtifactError {
        let limit = self.limits.max_uncompressed_bytes;
        ArtifactError::TooLarge { limit }
    }

    fn entries<R: Read>(&mut self, stream: R) -> Result<(), ArtifactError> {
        let mut archive = tar::Archive::new(stream);
        for entry in archive.entries().map_err(|e| self.stream_error(e))? {
            let mut entry = entry.map_err(|e| self.stream_error(e))?;
            self.tree.summary.entries += 1;
            if self.tree.summary.entries > self.limits.max_entries {
                let limit = self.limits.max_entries;
                return Err(ArtifactError::TooManyEntries { limit });
            }
            self.entry(&mut entry)?;
        }
        Ok(())
    }

    fn entry<R: Read>(&mut self, entry: &mut tar::Entry<'_, R>) -> Result<(), ArtifactError> {
        let kind = entry.header().entry_type();
        if kind.is_pax_global_extensions() {
            return Ok(());
        }
        let raw = entry.path_bytes().into_owned();
        let name = String::from_utf8_lossy(&raw).into_owned();
        let rel = self.tree.place(&raw, &name, kind == EntryType::Directory)?;
        let link = entry
            .link_name_bytes()
            .map(|b| b.into_owned())
            .unwrap_or_default();
        match kind {
            EntryType::Regular | EntryType::Continuous => self.file(entry, &rel, &name),
            EntryType::Directory => self.tree.dir(&rel, &name),
            EntryType::Symlink => self.tree.symlink(rel, &link, name),
            EntryType::Link => {
                let target = String::from_utf8_lossy(&link).into_owned();
                Err(ArtifactError::HardLink {
                    entry: name,
                    target,
                })
            }
            EntryType::Char => Err(ArtifactError::CharDevice { entry: name }),
            EntryType::Block => Err(ArtifactError::BlockDevice { entry: name }),
            EntryType::Fifo => Err(ArtifactError::Fifo { entry: name }),
            other => {
                let flag = char::from(other.as_byte());
                Err(ArtifactError::UnsupportedEntry { entry: name, flag })
            }
        }
    }

    fn file<R: Read>(
        &mut self,
        entry: &mut tar::Entry<'_, R>,
        rel: &Path,
        name: &str,
    ) -> Result<(), ArtifactError> {
        let size = entry.size();
        // Refuse before writing anything when the header already says it is too much.
        self.declared = self.declared.saturating_add(size);
        if self.declared > self.limits.max_uncompressed_bytes {
            return Err(self.too_large());
        }
        let mode = entry
            .header()
            .mode()
            .map_err(|source| ArtifactError::CorruptTar { source })?;
        let mode = if mode & 0o111 != 0 { 0o755 } else { 0o644 };
        let (mut file, path) = self.tree.create_file(rel, name)?;
        let mut buf = [0u8; 32 * 1024];
        let mut written = 0u64;
        loop {
            let n = match entry.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(self.stream_error(e)),
            };
            file.write_all(&buf[..n])
                .map_err(io_err("write file", &path))?;
            written += n as u64;
        }
        if written != size {
            let msg = format!("entry {name:?} is truncated: {written} of {size} bytes");
            let source = io::Error::new(io::ErrorKind::UnexpectedEof, msg);
            return Err(self.stream_error(source));
        }
        file.set_permissions(Permissions::from_mode(mode))
            .map_err(io_err("set permissions of", &path))?;
        self.tree.summary.files += 1;
        self.tree.summary.file_bytes += written;
        Ok(())
    }
}

#[cfg(test)]
#[path = "untar_tests.rs"]
mod tests;
