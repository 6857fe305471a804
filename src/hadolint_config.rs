//! hadolint's configuration file (`.hadolint.yaml`, `.hadolint.yml`, `$XDG_CONFIG_HOME/hadolint.yaml`), read as dfix
//! settings when no `dfix.toml` applies, so a repository tuned for hadolint is respected as it is.
//!
//! - `ignored:` (hadolint rule codes) becomes `ignore`: codes that are aliases of a transform turn it off; codes dfix
//!   has no transform for are dropped, since they name hadolint checks dfix does not do;
//! - `trustedRegistries:` becomes `trusted-registries`;
//! - every other key (`failure-threshold`, `override`, `label-schema`, ...) is about hadolint's own output and is
//!   ignored;
//! - a file that is not YAML, or whose `ignored` or `trustedRegistries` is not a list of strings, is an error
//!   naming the file, the line and the column.

use std::path::{Path, PathBuf};

use saphyr::{LoadableYamlNode, MarkedYaml, Scalar, YamlData};

use crate::config::{Config, ConfigError};

/// The names hadolint looks for in a repository, in order of preference within one directory.
pub const FILE_NAMES: [&str; 2] = [".hadolint.yaml", ".hadolint.yml"];

/// The user's hadolint configuration: `$XDG_CONFIG_HOME/hadolint.yaml`, or `~/.config/hadolint.yaml` when
/// `XDG_CONFIG_HOME` is unset or empty; `None` when that file does not exist.
pub fn user_config() -> Option<PathBuf> {
    let dir = match std::env::var_os("XDG_CONFIG_HOME").filter(|d| !d.is_empty()) {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(std::env::var_os("HOME").filter(|h| !h.is_empty())?).join(".config"),
    };
    Some(dir.join("hadolint.yaml")).filter(|p| p.is_file())
}

/// Whether `path` names a hadolint configuration rather than a dfix.toml (by its extension).
pub fn is_hadolint_file(path: &Path) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"))
}

pub fn load(path: &Path) -> Result<Config, ConfigError> {
    let text =
        std::fs::read_to_string(path).map_err(|source| ConfigError::Read { path: path.to_path_buf(), source })?;
    from_str(&text, path)
}

pub fn from_str(text: &str, path: &Path) -> Result<Config, ConfigError> {
    let at = |line: usize, column: usize| format!("{}:{line}:{column}", path.display());
    let invalid = |node: &MarkedYaml<'_>, message: String| {
        let start = node.span.start;
        ConfigError::Invalid { at: at(start.line(), start.col() + 1), message }
    };
    let documents = MarkedYaml::load_from_str(text).map_err(|e| ConfigError::Invalid {
        at: at(e.marker().line(), e.marker().col() + 1),
        message: format!("not valid YAML: {}", e.info()),
    })?;
    let mut config = Config { path: Some(path.to_path_buf()), ..Config::default() };
    let Some(root) = documents.first() else { return Ok(config) };
    let entries = match &root.data {
        YamlData::Mapping(map) => map,
        YamlData::Value(Scalar::Null) => return Ok(config),
        _ => return Err(invalid(root, "a hadolint configuration must be a mapping of keys to values".into())),
    };
    for (key, value) in entries {
        let YamlData::Value(Scalar::String(name)) = &key.data else { continue };
        match name.as_ref() {
            "ignored" => {
                for code in strings(value, "ignored", "rule codes such as DL3008").map_err(|(n, m)| invalid(n, m))? {
                    let id = crate::transforms::lookup(&code.to_ascii_lowercase()).map(|t| t.meta().id.to_string());
                    if let Some(id) = id.filter(|id| !config.ignore.contains(id)) {
                        config.ignore.push(id);
                    }
                }
            }
            "trustedRegistries" => {
                config.trusted_registries = strings(value, "trustedRegistries", "registry names such as docker.io")
                    .map_err(|(n, m)| invalid(n, m))?;
            }
            _ => {}
        }
    }
    Ok(config)
}

/// A list of strings (or nothing, for an empty key); the node at fault and a message otherwise.
fn strings<'a, 'y>(
    node: &'a MarkedYaml<'y>,
    key: &str,
    what: &str,
) -> Result<Vec<String>, (&'a MarkedYaml<'y>, String)> {
    let items = match &node.data {
        YamlData::Sequence(items) => items,
        YamlData::Value(Scalar::Null) => return Ok(Vec::new()),
        _ => return Err((node, format!("`{key}` must be a list of {what}"))),
    };
    items
        .iter()
        .map(|item| match &item.data {
            YamlData::Value(Scalar::String(s)) => Ok(s.to_string()),
            _ => Err((item, format!("`{key}` must be a list of {what}"))),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<Config, String> {
        from_str(text, Path::new("repo/.hadolint.yaml")).map_err(|e| e.to_string())
    }

    #[test]
    fn ignored_codes_become_ignore_and_trusted_registries_are_kept() {
        let config = read(
            "# tuned for this repository\nfailure-threshold: warning\nignored:\n  - DL3008\n  - DL3059\n  - dl3020\n\
             override:\n  error: [DL3001]\ntrustedRegistries:\n  - docker.io\n  - \"registry.lan:5000\"\n",
        )
        .unwrap();
        assert_eq!(config.ignore, ["merge-runs", "copy-not-add"]);
        assert_eq!(config.trusted_registries, ["docker.io", "registry.lan:5000"]);
        assert_eq!(config.path.as_deref(), Some(Path::new("repo/.hadolint.yaml")));
        let flow = read("ignored: [DL4000]\ntrustedRegistries:\n").unwrap();
        assert_eq!(flow.ignore, ["maintainer-label"]);
        assert!(flow.trusted_registries.is_empty());
        assert!(read("").unwrap().ignore.is_empty());
        assert!(read("# only a comment\n").unwrap().ignore.is_empty());
    }

    #[test]
    fn broken_files_name_the_file_line_and_column() {
        assert_eq!(
            read("ignored: DL3008\n").unwrap_err(),
            "repo/.hadolint.yaml:1:10: `ignored` must be a list of rule codes such as DL3008"
        );
        assert_eq!(
            read("ignored:\n  - DL3008\n  - [DL3009]\n").unwrap_err(),
            "repo/.hadolint.yaml:3:5: `ignored` must be a list of rule codes such as DL3008"
        );
        let err = read("ignored:\n  - DL3008\n - DL3009\n").unwrap_err();
        assert!(err.starts_with("repo/.hadolint.yaml:3:") && err.contains("not valid YAML"), "{err}");
        let err = read("trustedRegistries: {a: b}\n").unwrap_err();
        assert!(err.starts_with("repo/.hadolint.yaml:1:") && err.contains("trustedRegistries"), "{err}");
        assert!(read("- a\n- b\n").unwrap_err().contains("must be a mapping"));
    }

    #[test]
    fn recognises_hadolint_file_names() {
        assert!(is_hadolint_file(Path::new("x/.hadolint.yaml")));
        assert!(is_hadolint_file(Path::new("hadolint.YML")));
        assert!(!is_hadolint_file(Path::new("dfix.toml")));
    }
}
