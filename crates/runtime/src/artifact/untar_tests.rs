//! Tests of [`untar`](super::untar): happy paths, refused entry types, size and entry limits,
//! corrupt input.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use flate2::Compression;
use tar::EntryType;

use super::super::testing::{extract, gzip, refuse, Archive};
use super::*;

fn mode(path: &Path) -> u32 {
    fs::symlink_metadata(path).unwrap().permissions().mode() & 0o7777
}

/// Deterministic, incompressible bytes.
fn noise(len: usize) -> Vec<u8> {
    let mut x = 0x9e37_79b9_7f4a_7c15_u64;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

fn small() -> Archive {
    Archive::new().dir("app/").file("app/a.yaml", &[b'a'; 700])
}

#[test]
fn extracts_nested_files_with_normalised_modes() {
    let archive = Archive::new()
        .raw("./", EntryType::Directory, "", 0o700, b"")
        .raw("app/", EntryType::Directory, "", 0o000, b"")
        .raw("app/config.yaml", EntryType::Regular, "", 0o600, b"a: 1\n")
        .raw(
            "app/bin/run.sh",
            EntryType::Regular,
            "",
            0o4775,
            b"#!/bin/sh\n",
        )
        .file("README.md", b"hi")
        .tgz();
    let (_tmp, dest, result) = extract(&archive, &UntarLimits::default());
    let summary = result.unwrap();
    assert_eq!(fs::read(dest.join("app/config.yaml")).unwrap(), b"a: 1\n");
    assert_eq!(
        fs::read(dest.join("app/bin/run.sh")).unwrap(),
        b"#!/bin/sh\n"
    );
    assert_eq!(fs::read(dest.join("README.md")).unwrap(), b"hi");
    assert_eq!(mode(&dest), 0o755);
    assert_eq!(mode(&dest.join("app")), 0o755);
    assert_eq!(mode(&dest.join("app/bin")), 0o755);
    assert_eq!(mode(&dest.join("app/config.yaml")), 0o644);
    assert_eq!(mode(&dest.join("app/bin/run.sh")), 0o755);
    assert_eq!(mode(&dest.join("README.md")), 0o644);
    assert!(summary.gzip);
    assert_eq!(
        (summary.entries, summary.files, summary.directories),
        (5, 3, 2)
    );
    assert_eq!(summary.file_bytes, 17);
    assert!(summary.uncompressed_bytes >= 6 * 512);
}

#[test]
fn extracts_plain_tar_and_ignores_pax_global_header() {
    let archive = Archive::new()
        .raw(
            "pax_global_header",
            EntryType::XGlobalHeader,
            "",
            0o644,
            b"18 comment=abcdef\n",
        )
        .file("a.txt", b"x")
        .tar();
    let (_tmp, dest, result) = extract(&archive, &UntarLimits::default());
    let summary = result.unwrap();
    assert!(!summary.gzip);
    assert_eq!(summary.files, 1);
    assert!(!dest.join("pax_global_header").exists());
    assert_eq!(fs::read(dest.join("a.txt")).unwrap(), b"x");
}

#[test]
fn rejects_hard_link() {
    let archive = Archive::new()
        .raw("hl", EntryType::Link, "/etc/passwd", 0o644, b"")
        .tgz();
    let err = refuse(&archive, &UntarLimits::default());
    assert!(
        matches!(&err, ArtifactError::HardLink { entry, target } if entry == "hl" && target == "/etc/passwd"),
        "{err:?}"
    );
}

#[test]
fn rejects_char_device() {
    let archive = small()
        .raw("dev/null", EntryType::Char, "", 0o666, b"")
        .tgz();
    let err = refuse(&archive, &UntarLimits::default());
    assert!(matches!(err, ArtifactError::CharDevice { .. }), "{err:?}");
}

#[test]
fn rejects_block_device() {
    let archive = small().raw("sda", EntryType::Block, "", 0o660, b"").tgz();
    let err = refuse(&archive, &UntarLimits::default());
    assert!(matches!(err, ArtifactError::BlockDevice { .. }), "{err:?}");
}

#[test]
fn rejects_fifo() {
    let archive = small().raw("pipe", EntryType::Fifo, "", 0o644, b"").tgz();
    let err = refuse(&archive, &UntarLimits::default());
    assert!(matches!(err, ArtifactError::Fifo { .. }), "{err:?}");
}

#[test]
fn rejects_unknown_entry_type() {
    let archive = small()
        .raw("vol", EntryType::new(b'V'), "", 0o644, b"")
        .tgz();
    let err = refuse(&archive, &UntarLimits::default());
    assert!(
        matches!(err, ArtifactError::UnsupportedEntry { flag: 'V', .. }),
        "{err:?}"
    );
}

#[test]
fn rejects_gzip_bomb_before_writing_it() {
    // 10 MiB of zeros compresses to ~10 KiB; the declared size is refused before any write.
    let archive = Archive::new().file("zeros", &vec![0; 10 << 20]).tgz();
    assert!(archive.len() < 64 << 10);
    let limits = UntarLimits {
        max_uncompressed_bytes: 1 << 20,
        ..UntarLimits::default()
    };
    let err = refuse(&archive, &limits);
    assert!(
        matches!(err, ArtifactError::TooLarge { limit } if limit == 1 << 20),
        "{err:?}"
    );
}

#[test]
fn stops_reading_at_the_limit_while_streaming() {
    // A 10 MiB GNU long-name header is buffered by the tar reader, not written: the limit on
    // the decompressed stream must stop it. Stored (level 0) gzip, so that the compressed
    // bytes consumed show how far decompression went.
    let tar = Archive::new()
        .raw(
            "././@LongLink",
            EntryType::GNULongName,
            "",
            0o644,
            &noise(10 << 20),
        )
        .file("x", b"x")
        .tar();
    let archive = gzip(&tar, Compression::none());
    let mut input = &archive[..];
    let tmp = tempfile::tempdir().unwrap();
    let limits = UntarLimits {
        max_uncompressed_bytes: 1 << 20,
        ..UntarLimits::default()
    };
    let err = untar(&mut input, &tmp.path().join("out"), &limits).unwrap_err();
    assert!(matches!(err, ArtifactError::TooLarge { .. }), "{err:?}");
    let consumed = archive.len() - input.len();
    assert!(
        consumed < 2 << 20,
        "read {consumed} of {} bytes",
        archive.len()
    );
}

#[test]
fn counts_trailing_data_against_the_limit() {
    let mut tar = Archive::new().file("a", b"a").tar();
    tar.extend(vec![0; 4 << 20]);
    let limits = UntarLimits {
        max_uncompressed_bytes: 1 << 20,
        ..UntarLimits::default()
    };
    let err = refuse(&gzip(&tar, Compression::default()), &limits);
    assert!(matches!(err, ArtifactError::TooLarge { .. }), "{err:?}");
}

#[test]
fn rejects_too_many_entries() {
    let archive = Archive::new()
        .file("a", b"")
        .file("b", b"")
        .file("c", b"")
        .file("d", b"")
        .tgz();
    let limits = UntarLimits {
        max_entries: 3,
        ..UntarLimits::default()
    };
    let err = refuse(&archive, &limits);
    assert!(
        matches!(err, ArtifactError::TooManyEntries { limit: 3 }),
        "{err:?}"
    );
}

#[test]
fn rejects_corrupt_gzip() {
    let mut archive = small().tgz();
    let crc = archive.len() - 8;
    archive[crc] ^= 0xff;
    let err = refuse(&archive, &UntarLimits::default());
    assert!(matches!(err, ArtifactError::CorruptGzip { .. }), "{err:?}");
    let err = refuse(
        &[0x1f, 0x8b, 0xff, 0xff, 0, 0, 0, 0],
        &UntarLimits::default(),
    );
    assert!(matches!(err, ArtifactError::CorruptGzip { .. }), "{err:?}");
}

#[test]
fn rejects_truncated_gzip() {
    let archive = small().tgz();
    for len in [archive.len() - 4, archive.len() / 2, 12] {
        let err = refuse(&archive[..len], &UntarLimits::default());
        assert!(
            matches!(err, ArtifactError::CorruptGzip { .. }),
            "{len}: {err:?}"
        );
    }
}

#[test]
fn rejects_truncated_tar() {
    let archive = small().tar();
    // Inside a.yaml's content, then inside its header.
    for len in [512 + 512 + 300, 512 + 100] {
        let err = refuse(&archive[..len], &UntarLimits::default());
        assert!(
            matches!(err, ArtifactError::CorruptTar { .. }),
            "{len}: {err:?}"
        );
    }
    let err = refuse(b"", &UntarLimits::default());
    assert!(matches!(err, ArtifactError::CorruptTar { .. }), "{err:?}");
}

#[test]
fn never_panics_on_damaged_input() {
    let limits = UntarLimits {
        allow_symlinks_within: true,
        ..UntarLimits::default()
    };
    let tar = small().symlink("l", "app").file("app/b", b"b").tar();
    let tgz = gzip(&tar, Compression::default());
    let tmp = tempfile::tempdir().unwrap();
    let dest = tmp.path().join("out");
    let mut inputs: Vec<Vec<u8>> = (0..tgz.len()).map(|n| tgz[..n].to_vec()).collect();
    inputs.extend((0..tar.len()).step_by(97).map(|n| tar[..n].to_vec()));
    for i in (0..tgz.len()).step_by(3) {
        let mut flipped = tgz.clone();
        flipped[i] ^= 0x55;
        inputs.push(flipped);
    }
    inputs.extend((1..64).map(|n| noise(n * 37)));
    for input in inputs {
        if untar(&input[..], &dest, &limits).is_ok() {
            fs::remove_dir_all(&dest).unwrap();
        }
    }
    assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 0);
}
