//! Typed access to the knowledge tables in `transforms/*.toml`, embedded at build time.
//!
//! Knowledge that changes (package-manager commands, archive formats, image tables) is data, not code. Each table
//! can be extended from `dfix.toml` under `[knowledge.<table>]`: tables merge key by key, arrays append.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde::Deserialize;

/// The embedded tables, by name (the file stem under `transforms/`).
pub const BUILTIN: &[(&str, &str)] = &[
    ("package-managers", include_str!("../transforms/package-managers.toml")),
    ("files", include_str!("../transforms/files.toml")),
];

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Knowledge {
    pub package_managers: PackageManagers,
    pub files: Files,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct PackageManagers {
    pub apt: Apt,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Apt {
    /// `apt` subcommand -> the script-stable command that does the same.
    pub script_equivalents: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Files {
    pub archive_suffixes: Vec<String>,
    pub remote_prefixes: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum KnowledgeError {
    #[error("knowledge table `{table}`: {message}")]
    Invalid { table: String, message: String },
    #[error("unknown knowledge table `{0}` (known: package-managers, files)")]
    UnknownTable(String),
}

static BUILTIN_KNOWLEDGE: LazyLock<Knowledge> =
    LazyLock::new(|| Knowledge::with_extensions(&toml::Table::new()).expect("built-in knowledge tables are valid"));

impl Knowledge {
    /// The built-in tables.
    pub fn builtin() -> &'static Knowledge {
        &BUILTIN_KNOWLEDGE
    }

    /// The built-in tables extended by `extensions` (the `[knowledge]` table of `dfix.toml`).
    pub fn with_extensions(extensions: &toml::Table) -> Result<Knowledge, KnowledgeError> {
        for key in extensions.keys() {
            if !BUILTIN.iter().any(|(name, _)| name == key) {
                return Err(KnowledgeError::UnknownTable(key.clone()));
            }
        }
        let mut all = toml::Table::new();
        for (name, text) in BUILTIN {
            let mut table: toml::Table = text.parse().map_err(|e: toml::de::Error| KnowledgeError::Invalid {
                table: name.to_string(),
                message: e.to_string(),
            })?;
            if let Some(toml::Value::Table(extra)) = extensions.get(*name) {
                merge(&mut table, extra);
            }
            all.insert(name.to_string(), toml::Value::Table(table));
        }
        toml::Value::Table(all)
            .try_into()
            .map_err(|e: toml::de::Error| KnowledgeError::Invalid { table: "knowledge".into(), message: e.to_string() })
    }
}

/// Deep merge: tables merge key by key, arrays append, other values are replaced.
fn merge(base: &mut toml::Table, extra: &toml::Table) {
    for (key, value) in extra {
        match (base.get_mut(key), value) {
            (Some(toml::Value::Table(b)), toml::Value::Table(e)) => merge(b, e),
            (Some(toml::Value::Array(b)), toml::Value::Array(e)) => b.extend(e.iter().cloned()),
            _ => {
                base.insert(key.clone(), value.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_tables_load() {
        let k = Knowledge::builtin();
        assert_eq!(k.package_managers.apt.script_equivalents["install"], "apt-get install");
        assert!(k.files.archive_suffixes.iter().any(|s| s == ".tar.gz"));
    }

    #[test]
    fn extensions_merge_and_append() {
        let ext: toml::Table = "[files]\narchive-suffixes = [\".myarc\"]\n[package-managers.apt.script-equivalents]\nmoo = \"apt-get moo\"\n"
            .parse()
            .unwrap();
        let k = Knowledge::with_extensions(&ext).unwrap();
        assert!(k.files.archive_suffixes.iter().any(|s| s == ".myarc"));
        assert!(k.files.archive_suffixes.iter().any(|s| s == ".tar"));
        assert_eq!(k.package_managers.apt.script_equivalents["moo"], "apt-get moo");
        let bad: toml::Table = "[nope]\nx = 1\n".parse().unwrap();
        assert!(Knowledge::with_extensions(&bad).is_err());
    }
}
