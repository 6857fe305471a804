//! The on-disk digest cache: what tags pointed to when dfix last asked, so `--offline` can still pin.
//!
//! One JSON file, `digests.json`, in `$DFIX_CACHE_DIR`, else `$XDG_CACHE_HOME/dfix`, else `~/.cache/dfix`. Entries
//! older than the configured time to live are ignored. Saving re-reads the file and merges, then replaces it
//! atomically, so concurrent runs lose nothing worse than each other's newest entries.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use super::reference::is_digest;

const FILE_NAME: &str = "digests.json";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
struct Entry {
    digest: String,
    /// Seconds since the Unix epoch.
    resolved: u64,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct File {
    version: u32,
    digests: BTreeMap<String, Entry>,
}

#[derive(Debug)]
pub struct Cache {
    path: PathBuf,
    entries: Mutex<BTreeMap<String, Entry>>,
    added: Mutex<BTreeMap<String, Entry>>,
}

impl Cache {
    /// The cache directory, when one can be named.
    pub fn dir() -> Option<PathBuf> {
        let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
        var("DFIX_CACHE_DIR")
            .or_else(|| var("XDG_CACHE_HOME").map(|d| d.join("dfix")))
            .or_else(|| var("HOME").map(|h| h.join(".cache").join("dfix")))
    }

    /// The cache in `dir`; a missing or unreadable file is an empty cache.
    pub fn open(dir: &Path) -> Cache {
        let path = dir.join(FILE_NAME);
        Cache { entries: Mutex::new(read(&path)), added: Mutex::new(BTreeMap::new()), path }
    }

    /// The digest cached for `key` and its age, when younger than `ttl`.
    pub fn get(&self, key: &str, ttl: Duration) -> Option<(String, Duration)> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let entry = entries.get(key)?;
        let age = Duration::from_secs(now().saturating_sub(entry.resolved));
        (age < ttl && is_digest(&entry.digest)).then(|| (entry.digest.clone(), age))
    }

    pub fn put(&self, key: &str, digest: &str) {
        let entry = Entry { digest: digest.to_string(), resolved: now() };
        self.entries.lock().unwrap_or_else(|e| e.into_inner()).insert(key.to_string(), entry.clone());
        self.added.lock().unwrap_or_else(|e| e.into_inner()).insert(key.to_string(), entry);
    }

    /// Write what this run added, merged into the file as it is now.
    pub fn save(&self) -> std::io::Result<()> {
        let added = self.added.lock().unwrap_or_else(|e| e.into_inner());
        if added.is_empty() {
            return Ok(());
        }
        let mut file = File { version: 1, digests: read(&self.path) };
        file.digests.extend(added.iter().map(|(k, v)| (k.clone(), v.clone())));
        let dir = self.path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir)?;
        let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
        serde_json::to_writer_pretty(&mut tmp, &file)?;
        tmp.write_all(b"\n")?;
        tmp.persist(&self.path).map_err(|e| e.error)?;
        Ok(())
    }
}

fn read(path: &Path) -> BTreeMap<String, Entry> {
    std::fs::read(path)
        .ok()
        .and_then(|bytes| serde_json::from_slice::<File>(&bytes).ok())
        .map(|f| f.digests)
        .unwrap_or_default()
}

fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_with_time_to_live() {
        let dir = tempfile::tempdir().unwrap();
        let digest = format!("sha256:{}", "b".repeat(64));
        let cache = Cache::open(dir.path());
        assert!(cache.get("docker.io/library/python:3", Duration::from_secs(60)).is_none());
        cache.put("docker.io/library/python:3", &digest);
        cache.save().unwrap();
        let again = Cache::open(dir.path());
        let (found, age) = again.get("docker.io/library/python:3", Duration::from_secs(60)).unwrap();
        assert_eq!(found, digest);
        assert!(age < Duration::from_secs(60));
        assert!(again.get("docker.io/library/python:3", Duration::ZERO).is_none(), "expired entries are ignored");
        std::fs::write(dir.path().join(FILE_NAME), "not json").unwrap();
        assert!(Cache::open(dir.path()).get("docker.io/library/python:3", Duration::from_secs(60)).is_none());
    }
}
