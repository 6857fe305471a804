//! `dfix.toml`: per-repository settings.
//!
//! ```toml
//! unsafe-fixes = false          # same as --unsafe-fixes
//! select = ["merge-runs"]       # same as --select (ids or aliases)
//! ignore = ["DL3059"]           # same as --ignore
//! extend-select = ["apt-no-recommends"]
//! update-digests = false        # same as --update-digests (pin-digest)
//! as-of = "2025-01-01"          # same as --as-of (eol-base): the day end-of-life dates are compared with
//!
//! [transforms.non-root-user]    # options of one transform
//! applicability = "safe"        # override its default applicability
//! uid = 10001
//!
//! [knowledge.images]            # extends transforms/images.toml (tables merge, arrays append)
//!
//! [registry]                    # how images are looked up (see `registry::config`)
//! mirrors = { "docker.io" = "mirror.internal:5000" }
//! ```
//!
//! The file is found by walking up from the Dockerfile's directory; the first `dfix.toml` wins.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::fix::Applicability;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub unsafe_fixes: Option<bool>,
    #[serde(default)]
    pub select: Option<Vec<String>>,
    #[serde(default)]
    pub extend_select: Vec<String>,
    #[serde(default)]
    pub ignore: Vec<String>,
    /// How package caches are kept out of images: `"cleanup"` (default) or `"mount"` (BuildKit cache mounts);
    /// `[transforms.<id>] cache` overrides it for one transform.
    #[serde(default)]
    pub cache: Option<toml::Value>,
    /// Options per transform id.
    #[serde(default)]
    pub transforms: BTreeMap<String, toml::Table>,
    /// Additions to the built-in knowledge tables, by table name (`images`, `package-managers`, ...).
    #[serde(default)]
    pub knowledge: toml::Table,
    /// Re-resolve images that are already pinned (`--update-digests`).
    #[serde(default)]
    pub update_digests: Option<bool>,
    /// Registry access for `pin-digest`: mirrors, insecure hosts, CAs, timeouts, images never pinned.
    #[serde(default)]
    pub registry: crate::registry::RegistryConfig,
    /// The day end-of-life dates are compared with (`YYYY-MM-DD`, same as `--as-of`); today when absent.
    #[serde(default)]
    pub as_of: Option<String>,
    /// Where the file was read from (not part of the file).
    #[serde(skip)]
    pub path: Option<PathBuf>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("failed to read {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{path}: {message}")]
    Parse { path: PathBuf, message: String },
}

impl Config {
    pub const FILE_NAME: &'static str = "dfix.toml";

    pub fn from_str(text: &str, path: &Path) -> Result<Self, ConfigError> {
        let mut config: Config = toml::from_str(text)
            .map_err(|e| ConfigError::Parse { path: path.to_path_buf(), message: e.to_string() })?;
        config.path = Some(path.to_path_buf());
        config.registry.validate().map_err(|message| ConfigError::Parse { path: path.to_path_buf(), message })?;
        if let Some(day) = &config.as_of
            && crate::releases::Date::parse(day).is_none()
        {
            return Err(ConfigError::Parse {
                path: path.to_path_buf(),
                message: format!("as-of = \"{day}\" is not a date; write it as YYYY-MM-DD"),
            });
        }
        for (id, table) in &config.transforms {
            if let Some(value) = table.get("applicability") {
                let ok = value.as_str().is_some_and(|s| parse_applicability(s).is_some());
                if !ok {
                    return Err(ConfigError::Parse {
                        path: path.to_path_buf(),
                        message: format!(
                            "transforms.{id}.applicability must be \"safe\", \"unsafe\" or \"display-only\""
                        ),
                    });
                }
            }
        }
        Ok(config)
    }

    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let text =
            std::fs::read_to_string(path).map_err(|source| ConfigError::Read { path: path.to_path_buf(), source })?;
        Self::from_str(&text, path)
    }

    /// The nearest `dfix.toml` in `dir` or one of its ancestors.
    pub fn find(dir: &Path) -> Option<PathBuf> {
        dir.ancestors().map(|d| d.join(Self::FILE_NAME)).find(|p| p.is_file())
    }

    /// The options table of a transform (empty when the file has none).
    pub fn transform(&self, id: &str) -> Option<&toml::Table> {
        self.transforms.get(id)
    }

    /// A typed option of a transform, `None` when absent or of another type.
    pub fn option<'de, T: Deserialize<'de>>(&self, transform: &str, key: &str) -> Option<T> {
        let value = self.transform(transform)?.get(key)?.clone();
        value.try_into().ok()
    }

    /// The applicability configured for a transform, if any.
    /// The day `eol-base` compares end-of-life dates with: `as-of` (or `--as-of`), else today.
    pub fn today(&self) -> crate::releases::Date {
        self.as_of.as_deref().and_then(crate::releases::Date::parse).unwrap_or_else(crate::releases::Date::today)
    }

    pub fn applicability(&self, id: &str) -> Option<Applicability> {
        self.transform(id)?.get("applicability")?.as_str().and_then(parse_applicability)
    }
}

pub fn parse_applicability(s: &str) -> Option<Applicability> {
    match s {
        "safe" => Some(Applicability::Safe),
        "unsafe" => Some(Applicability::Unsafe),
        "display-only" => Some(Applicability::DisplayOnly),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_transform_options_and_applicability() {
        let c = Config::from_str(
            "ignore = [\"DL3059\"]\n[transforms.non-root-user]\napplicability = \"safe\"\nuid = 42\n",
            Path::new("dfix.toml"),
        )
        .unwrap();
        assert_eq!(c.ignore, vec!["DL3059"]);
        assert_eq!(c.applicability("non-root-user"), Some(Applicability::Safe));
        assert_eq!(c.option::<i64>("non-root-user", "uid"), Some(42));
    }

    #[test]
    fn parses_registry_settings() {
        let c = Config::from_str(
            "update-digests = true\n[registry]\ninsecure = [\"lan:5000\"]\ntimeout = \"3s\"\n",
            Path::new("dfix.toml"),
        )
        .unwrap();
        assert_eq!(c.update_digests, Some(true));
        assert_eq!(c.registry.insecure, ["lan:5000"]);
        assert_eq!(c.registry.timeout(), std::time::Duration::from_secs(3));
        let err = Config::from_str("[registry]\nmirror = {}\n", Path::new("dfix.toml")).unwrap_err().to_string();
        assert!(err.contains("mirror"), "{err}");
        assert!(Config::from_str("[registry]\ntimeout = \"soon\"\n", Path::new("dfix.toml")).is_err());
    }

    #[test]
    fn rejects_unknown_keys_and_bad_applicability() {
        assert!(Config::from_str("colour = true\n", Path::new("dfix.toml")).is_err());
        let err = Config::from_str("[transforms.x]\napplicability = \"maybe\"\n", Path::new("d/dfix.toml"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("d/dfix.toml") && err.contains("applicability"), "{err}");
    }
}
