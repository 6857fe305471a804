//! Replacing a file's contents atomically, and only if nobody else changed it meanwhile.
//!
//! The new contents are written to a temporary file next to the file being replaced (same directory, hence same
//! filesystem), flushed to disk and given the original's permissions (and, where allowed, its owner); then the
//! original is checked against what was read, and the temporary file is renamed over it. A reader sees the old
//! file or the new one, never half of each, and a crash leaves at worst a stray `.dfix-*` file.
//!
//! A symbolic link is written through: the link's target is replaced and the link itself is left alone. A file
//! with several hard links loses them, as with most editors. The check against concurrent changes closes the
//! window to the moment between comparing and renaming; it cannot close it entirely.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// The size and modification time of a file when it was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    pub len: u64,
    pub modified: Option<SystemTime>,
}

impl Stamp {
    pub fn of(meta: &fs::Metadata) -> Self {
        Self { len: meta.len(), modified: meta.modified().ok() }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("{}: cannot resolve the file to replace: {source}", .path.display())]
    Resolve { path: PathBuf, source: io::Error },
    #[error("{}: the file is read-only; dfix leaves read-only files alone", .path.display())]
    ReadOnly { path: PathBuf },
    #[error(
        "{}: cannot create a temporary file in {}: {source}; dfix needs write access to the directory to \
         replace the file atomically",
        .path.display(),
        .dir.display()
    )]
    Temp { path: PathBuf, dir: PathBuf, source: io::Error },
    #[error("{}: failed to write the new contents: {source}", .path.display())]
    Write { path: PathBuf, source: io::Error },
    #[error(
        "{}: the file changed on disk while dfix was fixing it; it was not overwritten, run dfix again",
        .path.display()
    )]
    Changed { path: PathBuf },
    #[error("{}: failed to replace the file: {source}", .path.display())]
    Rename { path: PathBuf, source: io::Error },
}

/// Replace the contents of `path` with `contents`, provided it still holds `expected` and matches `stamp`.
pub fn replace(path: &Path, expected: &[u8], stamp: Stamp, contents: &[u8]) -> Result<(), WriteError> {
    let target = fs::canonicalize(path).map_err(|source| WriteError::Resolve { path: path.into(), source })?;
    let meta = fs::metadata(&target).map_err(|source| WriteError::Resolve { path: path.into(), source })?;
    if meta.permissions().readonly() {
        return Err(WriteError::ReadOnly { path: path.into() });
    }
    let dir = target.parent().unwrap_or(Path::new("/")).to_path_buf();
    let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();

    let mut temp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".dfix-tmp")
        .tempfile_in(&dir)
        .map_err(|source| WriteError::Temp { path: path.into(), dir: dir.clone(), source })?;
    let written = (|| {
        temp.write_all(contents)?;
        temp.as_file().set_permissions(meta.permissions())?;
        keep_owner(temp.as_file(), &meta);
        temp.as_file().sync_all()
    })();
    written.map_err(|source| WriteError::Write { path: path.into(), source })?;

    if !unchanged(&target, expected, stamp) {
        return Err(WriteError::Changed { path: path.into() });
    }
    temp.persist(&target).map_err(|e| WriteError::Rename { path: path.into(), source: e.error })?;
    // Make the rename itself durable; a failure here cannot be acted on, the file is already replaced.
    if let Ok(d) = File::open(&dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Whether `path` still is what was read.
fn unchanged(path: &Path, expected: &[u8], stamp: Stamp) -> bool {
    let Ok(meta) = fs::metadata(path) else {
        return false;
    };
    Stamp::of(&meta) == stamp && fs::read(path).is_ok_and(|now| now == expected)
}

/// Give the new file the original's owner and group, which only works when running as root or the owner; when it
/// fails the file simply belongs to whoever ran dfix, as with any editor.
#[cfg(unix)]
fn keep_owner(file: &File, original: &fs::Metadata) {
    use std::os::unix::fs::MetadataExt;
    let Ok(now) = file.metadata() else {
        return;
    };
    if (now.uid(), now.gid()) != (original.uid(), original.gid()) {
        let _ = std::os::unix::fs::fchown(file, Some(original.uid()), Some(original.gid()));
    }
}

#[cfg(not(unix))]
fn keep_owner(_file: &File, _original: &fs::Metadata) {}

#[cfg(test)]
mod tests {
    use super::*;

    fn stamp(path: &Path) -> Stamp {
        Stamp::of(&fs::metadata(path).unwrap())
    }

    fn leftovers(dir: &Path) -> Vec<String> {
        fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".dfix-tmp"))
            .collect()
    }

    #[test]
    fn replaces_contents_and_leaves_nothing_behind() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("Dockerfile");
        fs::write(&path, "old\n").unwrap();
        replace(&path, b"old\n", stamp(&path), b"new\n").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "new\n");
        assert!(leftovers(tmp.path()).is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn keeps_permissions_and_writes_through_links() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("real.Dockerfile");
        let link = tmp.path().join("Dockerfile");
        fs::write(&target, "old\n").unwrap();
        fs::set_permissions(&target, fs::Permissions::from_mode(0o640)).unwrap();
        std::os::unix::fs::symlink("real.Dockerfile", &link).unwrap();
        replace(&link, b"old\n", stamp(&link), b"new\n").unwrap();
        assert!(fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
        assert_eq!(fs::read_to_string(&target).unwrap(), "new\n");
        assert_eq!(fs::metadata(&target).unwrap().permissions().mode() & 0o777, 0o640);
    }

    #[test]
    fn refuses_a_file_changed_meanwhile() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("Dockerfile");
        fs::write(&path, "old\n").unwrap();
        let before = stamp(&path);
        fs::write(&path, "someone else's\n").unwrap();
        let err = replace(&path, b"old\n", before, b"new\n").unwrap_err();
        assert!(matches!(err, WriteError::Changed { .. }), "{err}");
        assert_eq!(fs::read_to_string(&path).unwrap(), "someone else's\n");
        assert!(leftovers(tmp.path()).is_empty());
    }

    #[test]
    fn refuses_read_only_files() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("Dockerfile");
        fs::write(&path, "old\n").unwrap();
        let mut perms = fs::metadata(&path).unwrap().permissions();
        perms.set_readonly(true);
        fs::set_permissions(&path, perms).unwrap();
        let err = replace(&path, b"old\n", stamp(&path), b"new\n").unwrap_err();
        assert!(matches!(err, WriteError::ReadOnly { .. }), "{err}");
    }
}
