//! `dfix.toml`: per-repository settings.
//!
//! ```toml
//! unsafe-fixes = false          # same as --unsafe-fixes
//! select = ["merge-runs"]       # same as --select (ids or aliases)
//! ignore = ["DL3059"]           # same as --ignore
//! extend-select = ["apt-no-recommends"]
//! update-digests = false        # same as --update-digests (pin-digest)
//! trusted-registries = ["docker.io", "ghcr.io/acme"]   # base images from elsewhere get a note
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
    /// Registries whose images are trusted as base images (hadolint's `trustedRegistries`); empty trusts all.
    #[serde(default)]
    pub trusted_registries: Vec<String>,
    /// Report suppression comments that suppress nothing (`--warn-unused-ignores`).
    #[serde(default)]
    pub warn_unused_ignores: Option<bool>,
    /// The day end-of-life dates are compared with (`YYYY-MM-DD`, same as `--as-of`); today when absent.
    #[serde(default)]
    pub as_of: Option<String>,
    /// Where the file was read from (not part of the file).
    #[serde(skip)]
    pub path: Option<PathBuf>,
    /// The file's text, to find where a key is written when reporting a bad value (not part of the file).
    #[serde(skip)]
    pub text: Option<std::sync::Arc<str>>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("failed to read {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{path}: {message}")]
    Parse { path: PathBuf, message: String },
    /// A key or value that is not allowed, at `at` (`path:line:column`).
    #[error("{at}: {message}")]
    Invalid { at: String, message: String },
}

impl Config {
    pub const FILE_NAME: &'static str = "dfix.toml";

    pub fn from_str(text: &str, path: &Path) -> Result<Self, ConfigError> {
        let mut config: Config = toml::from_str(text)
            .map_err(|e| ConfigError::Parse { path: path.to_path_buf(), message: e.to_string() })?;
        config.path = Some(path.to_path_buf());
        config.text = Some(text.into());
        config.registry.validate().map_err(|message| {
            // The message names the key: `registry.parallel must be ...`.
            let key = message.split_whitespace().next().unwrap_or("registry").trim_matches('`');
            let keys: Vec<&str> = key.split('.').collect();
            ConfigError::Invalid { at: config.at(&keys), message }
        })?;
        config.check_values()?;
        Ok(config)
    }

    /// Values serde cannot check: the cache mode, the transforms named in `[transforms.<id>]` and their options.
    fn check_values(&self) -> Result<(), ConfigError> {
        let invalid = |keys: &[&str], message: String| ConfigError::Invalid { at: self.at(keys), message };
        if let Some(value) = &self.cache
            && !matches!(value.as_str(), Some("cleanup" | "mount"))
        {
            return Err(invalid(&["cache"], format!("`cache` is {value}; it must be \"cleanup\" or \"mount\"")));
        }
        if let Some(day) = &self.as_of
            && crate::releases::Date::parse(day).is_none()
        {
            return Err(invalid(&["as-of"], format!("as-of = \"{day}\" is not a date; write it as YYYY-MM-DD")));
        }
        for (id, table) in &self.transforms {
            let Some(transform) = crate::transforms::lookup(id).filter(|t| t.meta().id == id) else {
                let hint = match crate::cli::select::resolve(id) {
                    Ok(t) => format!("; options are set by id: write `[transforms.{}]`", t.meta().id),
                    Err(e) => e.suggestion.map(|s| format!("; did you mean `{s}`?")).unwrap_or_default(),
                };
                return Err(invalid(
                    &["transforms", id],
                    format!("unknown transform `{id}` in `[transforms.{id}]`{hint}"),
                ));
            };
            for (key, value) in table {
                let problem = if key == "applicability" {
                    let ok = value.as_str().is_some_and(|s| parse_applicability(s).is_some());
                    (!ok).then(|| "must be \"safe\", \"unsafe\" or \"display-only\"".to_string())
                } else {
                    transform.check_option(key, value).err()
                };
                if let Some(problem) = problem {
                    return Err(invalid(&["transforms", id, key], format!("`transforms.{id}.{key}` {problem}")));
                }
            }
        }
        Ok(())
    }

    /// `path:line:column` of the value of `keys` (a table key or an array index as a number, one per level), or
    /// of the deepest of them found; just the path when the file's text is unknown.
    pub fn at(&self, keys: &[&str]) -> String {
        let path = self.path.as_deref().unwrap_or(Path::new(Self::FILE_NAME)).display().to_string();
        let Some(text) = self.text.as_deref() else { return path };
        match span_of(text, keys) {
            Some(offset) => {
                let before = &text[..offset.min(text.len())];
                let line = before.matches('\n').count() + 1;
                let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                format!("{path}:{line}:{column}")
            }
            None => path,
        }
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

/// The byte offset where the value of `keys` is written in the TOML `text` (for a table, where its header or key
/// is), or of the deepest key found.
fn span_of(text: &str, keys: &[&str]) -> Option<usize> {
    let doc = toml_edit::ImDocument::parse(text).ok()?;
    let mut item = doc.as_item();
    let mut found = None;
    for key in keys {
        let next = if let Some(table) = item.as_table_like() {
            table.get_key_value(key).map(|(k, v)| {
                // A table's own span is its header; a value's is the value; a key names where either is.
                let at = match v {
                    toml_edit::Item::Value(value) => value.span(),
                    _ => None,
                }
                .or_else(|| k.span())
                .or_else(|| v.span());
                (v, at)
            })
        } else if let (Some(array), Ok(index)) = (item.as_array(), key.parse::<usize>()) {
            array.get(index).map(|v| (item, v.span()))
        } else {
            None
        };
        let Some((next, at)) = next else { break };
        if let Some(at) = at {
            found = Some(at.start);
        }
        item = next;
    }
    found
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

    /// The message for `text`, which must be refused.
    fn refused(text: &str) -> String {
        Config::from_str(text, Path::new("d/dfix.toml")).unwrap_err().to_string()
    }

    #[test]
    fn parses_trusted_registries() {
        let c = Config::from_str("trusted-registries = [\"docker.io\", \"ghcr.io/acme\"]\n", Path::new("dfix.toml"))
            .unwrap();
        assert_eq!(c.trusted_registries, ["docker.io", "ghcr.io/acme"]);
        assert!(Config::default().trusted_registries.is_empty());
    }

    #[test]
    fn unknown_keys_and_bad_values_name_the_file_line_and_key() {
        // serde's own messages: unknown keys and wrong types.
        let err = refused("colour = true\n");
        assert!(err.contains("d/dfix.toml") && err.contains("line 1") && err.contains("`colour`"), "{err}");
        let err = refused("\n[registry]\nmirror = {}\n");
        assert!(err.contains("line 3") && err.contains("unknown field `mirror`"), "{err}");
        let err = refused("unsafe-fixes = \"yes\"\n");
        assert!(err.contains("line 1, column 16") && err.contains("expected a boolean"), "{err}");
        let err = refused("trusted-registries = \"docker.io\"\n");
        assert!(err.contains("line 1") && err.contains("expected a sequence"), "{err}");
        // Values checked after serde.
        assert_eq!(
            refused("[transforms.env-key-value]\napplicability = \"maybe\"\n"),
            "d/dfix.toml:2:17: `transforms.env-key-value.applicability` must be \"safe\", \"unsafe\" or \"display-only\""
        );
        assert_eq!(
            refused("[transforms.merge-run]\n"),
            "d/dfix.toml:1:13: unknown transform `merge-run` in `[transforms.merge-run]`; did you mean `merge-runs`?"
        );
        assert_eq!(
            refused("transforms.DL3059.applicability = \"safe\"\n"),
            "d/dfix.toml:1:12: unknown transform `DL3059` in `[transforms.DL3059]`; options are set by id: write \
             `[transforms.merge-runs]`"
        );
        assert_eq!(
            refused("[transforms.merge-runs]\nuid = 1\n"),
            "d/dfix.toml:2:7: `transforms.merge-runs.uid` is not an option of merge-runs (it has none but \
             `applicability`)"
        );
        assert_eq!(
            refused("cache = \"mnt\"\n"),
            "d/dfix.toml:1:9: `cache` is \"mnt\"; it must be \"cleanup\" or \"mount\""
        );
        assert_eq!(refused("[registry]\n\nparallel = 0\n"), "d/dfix.toml:3:12: registry.parallel must be at least 1");
    }
}
