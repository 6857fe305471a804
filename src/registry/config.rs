//! The `[registry]` table of `dfix.toml`: where images are looked up and how.
//!
//! ```toml
//! [registry]
//! mirrors = { "docker.io" = "mirror.internal:5000" }  # serve a registry from another host (or a URL)
//! insecure = ["registry.lan:5000"]                   # plain HTTP (loopback hosts always are)
//! ca-certificates = ["certs/internal-ca.pem"]         # extra CAs, relative to dfix.toml
//! connect-timeout = "5s"
//! timeout = "20s"                                      # per request
//! parallel = 8                                         # requests in flight, across registries
//! never-pin = ["docker.io/library/ubuntu", "registry.lan:5000"]
//! cache-ttl = "7d"                                     # how long cached digests serve --offline
//! lock = true                                          # keep dfix.lock beside dfix.toml on --apply
//! stdin-network = false                                # may --stdin-filename use the network?
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use super::reference::{DOCKER_HUB, Reference};

#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct RegistryConfig {
    /// Registry name (`docker.io`) -> the host or URL that serves it instead (`mirror:5000`, `https://m.lan`).
    #[serde(default)]
    pub mirrors: BTreeMap<String, String>,
    /// Registries (hosts, with port if any) spoken to over plain HTTP.
    #[serde(default)]
    pub insecure: Vec<String>,
    /// PEM files of certificate authorities trusted in addition to the built-in roots, relative to dfix.toml.
    #[serde(default)]
    pub ca_certificates: Vec<PathBuf>,
    #[serde(default)]
    pub connect_timeout: Option<Seconds>,
    #[serde(default)]
    pub timeout: Option<Seconds>,
    /// How many requests may be in flight at once, across all registries.
    #[serde(default)]
    pub parallel: Option<usize>,
    /// Images (`python`, `docker.io/library/python`, `ghcr.io/org/app:1`) or registries (`ghcr.io`) never pinned.
    #[serde(default)]
    pub never_pin: Vec<String>,
    #[serde(default)]
    pub cache_ttl: Option<Seconds>,
    /// Create and keep `dfix.lock` up to date on `--apply` (an existing one is always read and kept up to date).
    #[serde(default)]
    pub lock: Option<bool>,
    /// Let `--stdin-filename` (editor) runs use the network.
    #[serde(default)]
    pub stdin_network: Option<bool>,
}

impl RegistryConfig {
    pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(20);
    pub const DEFAULT_PARALLEL: usize = 8;
    pub const DEFAULT_CACHE_TTL: Duration = Duration::from_secs(7 * 24 * 3600);

    pub fn connect_timeout(&self) -> Duration {
        self.connect_timeout.map_or(Self::DEFAULT_CONNECT_TIMEOUT, |s| s.0)
    }

    pub fn timeout(&self) -> Duration {
        self.timeout.map_or(Self::DEFAULT_TIMEOUT, |s| s.0)
    }

    pub fn parallel(&self) -> usize {
        self.parallel.unwrap_or(Self::DEFAULT_PARALLEL).max(1)
    }

    pub fn cache_ttl(&self) -> Duration {
        self.cache_ttl.map_or(Self::DEFAULT_CACHE_TTL, |s| s.0)
    }

    /// Whether `reference` matches a `never-pin` entry: a registry, a repository (any tag) or one tag.
    pub fn never_pins(&self, reference: &Reference) -> bool {
        self.never_pin.iter().any(|entry| {
            let entry = entry.trim();
            let host_only = !entry.contains('/') && (entry.contains(['.', ':']) || entry == "localhost");
            if host_only {
                let entry = if entry == "index.docker.io" { DOCKER_HUB } else { entry };
                return reference.registry == entry;
            }
            match Reference::parse(entry) {
                Ok(r) if r.tag_written => r.key() == reference.key(),
                Ok(r) => r.repository_key() == reference.repository_key(),
                Err(_) => false,
            }
        })
    }

    /// The CA files, made absolute against the directory of the dfix.toml that names them.
    pub fn ca_paths(&self, config_dir: Option<&Path>) -> Vec<PathBuf> {
        self.ca_certificates
            .iter()
            .map(|p| match config_dir {
                Some(dir) if p.is_relative() => dir.join(p),
                _ => p.clone(),
            })
            .collect()
    }

    /// Check values that serde cannot: mirror URLs and insecure hosts.
    pub fn validate(&self) -> Result<(), String> {
        for (registry, target) in &self.mirrors {
            let host = target.strip_prefix("https://").or_else(|| target.strip_prefix("http://")).unwrap_or(target);
            let host = host.trim_end_matches('/');
            if host.is_empty() || host.contains('/') {
                return Err(format!(
                    "registry.mirrors.\"{registry}\" must be a host[:port], optionally with http:// or https://"
                ));
            }
        }
        if self.parallel == Some(0) {
            return Err("registry.parallel must be at least 1".to_string());
        }
        Ok(())
    }
}

/// A duration written as seconds (`20`) or with a unit (`500ms`, `20s`, `5m`, `12h`, `7d`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Seconds(pub Duration);

impl<'de> Deserialize<'de> for Seconds {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Int(u64),
            Text(String),
        }
        match Raw::deserialize(deserializer)? {
            Raw::Int(n) => Ok(Seconds(Duration::from_secs(n))),
            Raw::Text(t) => parse_duration(&t).map(Seconds).ok_or_else(|| {
                serde::de::Error::custom(format!("`{t}` is not a duration (write it as 500ms, 20s, 5m, 12h or 7d)"))
            }),
        }
    }
}

pub fn parse_duration(text: &str) -> Option<Duration> {
    let text = text.trim();
    let split = text.find(|c: char| !c.is_ascii_digit())?;
    let (number, unit) = text.split_at(split);
    let n: u64 = number.parse().ok()?;
    let seconds = match unit.trim() {
        "ms" => return Some(Duration::from_millis(n)),
        "s" => n,
        "m" => n.checked_mul(60)?,
        "h" => n.checked_mul(3600)?,
        "d" => n.checked_mul(86400)?,
        _ => return None,
    };
    Some(Duration::from_secs(seconds))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(text: &str) -> RegistryConfig {
        #[derive(Deserialize)]
        struct Wrapper {
            registry: RegistryConfig,
        }
        toml::from_str::<Wrapper>(text).unwrap().registry
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("500ms"), Some(Duration::from_millis(500)));
        assert_eq!(parse_duration("7d"), Some(Duration::from_secs(604800)));
        assert_eq!(parse_duration("5 m"), Some(Duration::from_secs(300)));
        assert_eq!(parse_duration("5"), None);
        assert_eq!(parse_duration("x5s"), None);
        let c = config("[registry]\ntimeout = 3\nconnect-timeout = \"250ms\"\n");
        assert_eq!(c.timeout(), Duration::from_secs(3));
        assert_eq!(c.connect_timeout(), Duration::from_millis(250));
        assert_eq!(c.cache_ttl(), RegistryConfig::DEFAULT_CACHE_TTL);
    }

    #[test]
    fn never_pin_matches_registries_repositories_and_tags() {
        let c = config("[registry]\nnever-pin = [\"ubuntu\", \"ghcr.io\", \"quay.io/org/app:1\"]\n");
        let r = |t: &str| Reference::parse(t).unwrap();
        assert!(c.never_pins(&r("ubuntu:22.04")));
        assert!(c.never_pins(&r("docker.io/library/ubuntu")));
        assert!(c.never_pins(&r("ghcr.io/x/y:2")));
        assert!(c.never_pins(&r("quay.io/org/app:1")));
        assert!(!c.never_pins(&r("quay.io/org/app:2")));
        assert!(!c.never_pins(&r("debian:12")));
    }

    #[test]
    fn validation() {
        assert!(config("[registry]\nmirrors = { \"docker.io\" = \"http://127.0.0.1:5000\" }\n").validate().is_ok());
        assert!(config("[registry]\nmirrors = { \"docker.io\" = \"http://h/path\" }\n").validate().is_err());
    }
}
