//! `dfix.lock`: digests the user committed, so CI pins exactly what a developer resolved.
//!
//! ```toml
//! # Written by dfix: the digest each image tag was pinned to. Commit it; `dfix --update-digests --apply` refreshes it.
//! version = 1
//!
//! [digests]
//! "docker.io/library/python:3.12-slim" = "sha256:…"
//! ```
//!
//! It lives beside the governing `dfix.toml` (or in the working directory when there is none). An existing lock file
//! is read on every run and kept up to date on `--apply`; `[registry] lock = true` creates it.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::reference::is_digest;

pub const FILE_NAME: &str = "dfix.lock";
const HEADER: &str = "# Written by dfix: the digest each image tag was pinned to. Commit it; \
`dfix --update-digests --apply` refreshes it.\n";

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LockFile {
    pub path: PathBuf,
    pub digests: BTreeMap<String, String>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    version: u32,
    #[serde(default)]
    digests: BTreeMap<String, String>,
}

#[derive(Debug, thiserror::Error)]
#[error("{}: {message}", .path.display())]
pub struct LockError {
    pub path: PathBuf,
    pub message: String,
}

impl LockFile {
    /// Read `path`; `Ok(None)` when it does not exist.
    pub fn load(path: &Path) -> Result<Option<LockFile>, LockError> {
        let fail = |message: String| LockError { path: path.to_path_buf(), message };
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(fail(format!("failed to read: {e}"))),
        };
        let raw: Raw = toml::from_str(&text).map_err(|e| fail(e.to_string().trim_end().to_string()))?;
        if raw.version != 1 {
            return Err(fail(format!("version {} is not one this dfix reads (1)", raw.version)));
        }
        if let Some((key, value)) = raw.digests.iter().find(|(_, v)| !is_digest(v)) {
            return Err(fail(format!("`{key}` = `{value}` is not a sha256 or sha512 digest")));
        }
        Ok(Some(LockFile { path: path.to_path_buf(), digests: raw.digests }))
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.digests.get(key).map(String::as_str)
    }

    /// Write the file atomically (temporary file in the same directory, then rename).
    pub fn save(&self) -> std::io::Result<()> {
        let body = toml::to_string(&Raw { version: 1, digests: self.digests.clone() })
            .map_err(|e| std::io::Error::other(e.to_string()))?;
        let dir = self.path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
        tmp.write_all(HEADER.as_bytes())?;
        tmp.write_all(body.as_bytes())?;
        tmp.persist(&self.path).map_err(|e| e.error)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_errors() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        assert_eq!(LockFile::load(&path).unwrap(), None);
        let digest = format!("sha256:{}", "c".repeat(64));
        let mut lock = LockFile { path: path.clone(), ..LockFile::default() };
        lock.digests.insert("docker.io/library/python:3.12".into(), digest.clone());
        lock.save().unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with("# Written by dfix"), "{text}");
        assert_eq!(LockFile::load(&path).unwrap().unwrap().get("docker.io/library/python:3.12"), Some(&*digest));

        std::fs::write(&path, "version = 1\n[digests]\n\"a:1\" = \"latest\"\n").unwrap();
        let err = LockFile::load(&path).unwrap_err().to_string();
        assert!(err.contains("dfix.lock") && err.contains("not a sha256"), "{err}");
        std::fs::write(&path, "version = 2\n").unwrap();
        assert!(LockFile::load(&path).is_err());
    }
}
