//! Replacing a file's contents atomically, and only if nobody else changed it meanwhile.
//!
//! The new contents are written to a temporary file next to the file being replaced (same directory, hence same
//! filesystem), flushed to disk and given the original's permissions (and, where allowed, its owner); then the
//! original is checked against what was read, and the temporary file is renamed over it. A reader sees the old
//! file or the new one, never half of each, and a crash leaves at worst a stray temporary file.
//!
//! Temporary files are named `.<file name>.<process id>.<random>.dfix-tmp`. The next `--apply` over the same
//! directory removes those whose process is gone (or that are more than an hour old, where process ids cannot be
//! checked), so a run that was killed leaves nothing behind for long; see [`remove_if_stale`].
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
    let resolve = |source| WriteError::Resolve { path: path.into(), source };
    // A link is replaced by writing the file it points to; any other path is written as it is named (resolving it
    // would read every component of it for nothing).
    let link = fs::symlink_metadata(path).map_err(resolve)?;
    let (target, meta) = if link.file_type().is_symlink() {
        let target = fs::canonicalize(path).map_err(resolve)?;
        let meta = fs::metadata(&target).map_err(resolve)?;
        (target, meta)
    } else {
        (path.to_path_buf(), link)
    };
    if meta.permissions().readonly() {
        return Err(WriteError::ReadOnly { path: path.into() });
    }
    let dir = dir_of(&target).to_path_buf();
    let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();

    let mut temp = tempfile::Builder::new()
        .prefix(&format!(".{name}.{}.", std::process::id()))
        .suffix(TEMP_SUFFIX)
        .tempfile_in(&dir)
        .map_err(|source| WriteError::Temp { path: path.into(), dir: dir.clone(), source })?;
    let written = (|| {
        temp.write_all(contents)?;
        temp.as_file().set_permissions(meta.permissions())?;
        keep_owner(temp.as_file(), &meta);
        temp.as_file().sync_all()
    })();
    written.map_err(|source| WriteError::Write { path: path.into(), source })?;

    #[cfg(debug_assertions)]
    test_hook::before_replace(&target);
    if !unchanged(&target, expected, stamp) {
        return Err(WriteError::Changed { path: path.into() });
    }
    temp.persist(&target).map_err(|e| WriteError::Rename { path: path.into(), source: e.error })?;
    // The directory is not synced: the rename is atomic without it, and after a power failure the name points to
    // the old file or the new one, both complete. Syncing it would double the cost of writing a tree.
    Ok(())
}

const TEMP_SUFFIX: &str = ".dfix-tmp";
/// Age after which a temporary file is stale even when the process that made it cannot be checked.
const STALE_AFTER: std::time::Duration = std::time::Duration::from_secs(3600);

/// Whether a file name is one of our temporary files: `.<name>.<pid>.<random>.dfix-tmp` (or, from older versions,
/// `.<name>.<random>.dfix-tmp`).
pub fn is_temp_name(name: &std::ffi::OsStr) -> bool {
    name.to_str().is_some_and(|n| n.starts_with('.') && n.len() > TEMP_SUFFIX.len() + 2 && n.ends_with(TEMP_SUFFIX))
}

/// Our temporary files beside `file` (made while replacing it).
pub fn temps_beside(file: &Path) -> Vec<PathBuf> {
    temps_for(file, &temps_in(dir_of(file)))
}

/// The directory holding `file` (`.` for a bare file name).
pub fn dir_of(file: &Path) -> &Path {
    match file.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

/// All our temporary files in `dir`, sorted.
pub fn temps_in(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut temps: Vec<PathBuf> =
        entries.flatten().filter(|e| is_temp_name(&e.file_name())).map(|e| dir.join(e.file_name())).collect();
    temps.sort();
    temps
}

/// Those of `temps` (temporary files of one directory) that were made while replacing `file`.
pub fn temps_for(file: &Path, temps: &[PathBuf]) -> Vec<PathBuf> {
    let Some(name) = file.file_name().and_then(|n| n.to_str()) else {
        return Vec::new();
    };
    let prefix = format!(".{name}.");
    temps
        .iter()
        .filter(|t| t.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with(&prefix)))
        .map(|t| file.with_file_name(t.file_name().expect("a temporary file has a name")))
        .collect()
}

/// Remove the temporary file `path` if no running dfix can still be writing it: the process id in its name is not
/// running, or it is older than an hour. Returns whether it was removed.
pub fn remove_if_stale(path: &Path) -> io::Result<bool> {
    let Some(name) = path.file_name().filter(|n| is_temp_name(n)).and_then(|n| n.to_str()) else {
        return Ok(false);
    };
    let meta = fs::symlink_metadata(path)?;
    if !meta.is_file() {
        return Ok(false);
    }
    let old = meta.modified().ok().and_then(|m| m.elapsed().ok()).is_some_and(|age| age > STALE_AFTER);
    if !(old || writer_is_gone(name)) {
        return Ok(false);
    }
    match fs::remove_file(path) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e),
    }
}

/// Whether the process named in a temporary file's name has certainly ended. Only known where `/proc` lists the
/// running processes; elsewhere, and for names without a process id, the age rule decides alone.
fn writer_is_gone(name: &str) -> bool {
    let mut parts = name.trim_end_matches(TEMP_SUFFIX).rsplit('.');
    let _random = parts.next();
    let Some(pid) = parts.next().and_then(|p| p.parse::<u32>().ok()) else {
        return false;
    };
    if pid == std::process::id() {
        return false;
    }
    let proc = Path::new("/proc");
    proc.join("self").exists() && !proc.join(pid.to_string()).exists()
}

/// A hook for the tests of the command line, compiled into debug builds only: with `DFIX_TEST_BEFORE_REPLACE` set,
/// the file about to be replaced gets that text as its new content (keeping its modification time) just before
/// the check against what was read, the way another program could change it at the worst moment.
#[cfg(debug_assertions)]
mod test_hook {
    use std::path::Path;

    pub fn before_replace(target: &Path) {
        let Some(content) = std::env::var_os("DFIX_TEST_BEFORE_REPLACE") else {
            return;
        };
        let modified = std::fs::metadata(target).and_then(|m| m.modified());
        std::fs::write(target, content.as_encoded_bytes()).expect("test hook: cannot change the file");
        if let Ok(modified) = modified {
            let file = std::fs::File::options().write(true).open(target).expect("test hook: cannot reopen the file");
            file.set_modified(modified).expect("test hook: cannot restore the modification time");
        }
    }
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
            .filter(|n| is_temp_name(std::ffi::OsStr::new(n)))
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
    fn temporary_files_of_ended_processes_are_stale() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("Dockerfile");
        fs::write(&file, "FROM a\n").unwrap();
        // A process id that cannot be running (above the kernel's maximum), and our own.
        let dead = tmp.path().join(".Dockerfile.4194305.aBc123.dfix-tmp");
        let ours = tmp.path().join(format!(".Dockerfile.{}.xYz789.dfix-tmp", std::process::id()));
        let other = tmp.path().join(".other.1.q.dfix-tmp");
        for p in [&dead, &ours, &other] {
            fs::write(p, "partial").unwrap();
        }
        let mut expected = vec![dead.clone(), ours.clone()];
        expected.sort();
        assert_eq!(temps_beside(&file), expected);
        if Path::new("/proc/self").exists() {
            assert!(remove_if_stale(&dead).unwrap());
            assert!(!dead.exists());
        }
        assert!(!remove_if_stale(&ours).unwrap(), "a live process's file is kept");
        assert!(!remove_if_stale(&file).unwrap(), "only temporary files are removed");
        assert!(ours.exists() && file.exists());
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
