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
    ("users", include_str!("../transforms/users.toml")),
    ("shell", include_str!("../transforms/shell.toml")),
];

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Knowledge {
    pub package_managers: PackageManagers,
    pub files: Files,
    pub users: Users,
    pub shell: Shell,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct PackageManagers {
    pub apt: Apt,
    /// Package managers other than apt, by name (`package-cache`).
    pub managers: BTreeMap<String, Manager>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Apt {
    /// `apt` subcommand -> the script-stable command that does the same.
    pub script_equivalents: BTreeMap<String, String>,
    /// How to recognise apt-get and find its subcommand.
    #[serde(flatten)]
    pub command: CommandSpec,
    /// Subcommands that install packages.
    pub install: Vec<String>,
    /// Subcommands that download the package lists.
    pub update: Vec<String>,
    /// Other commands that read the lists.
    pub list_readers: Vec<String>,
    /// Commands that always download the lists.
    pub list_writers: Vec<String>,
    /// Path prefixes whose removal removes the lists.
    pub lists_removed_by: Vec<String>,
    /// Subcommands that remove the lists (`apt-get dist-clean`).
    pub lists_removed_by_subcommands: Vec<String>,
    /// Subcommands that work without the lists.
    pub without_lists: Vec<String>,
    /// The command that removes the lists.
    pub cleanup: String,
    /// Commands that may run apt-get from a script.
    pub script_runners: Vec<String>,
    /// Shells whose `-c` string is looked into.
    pub shells: Vec<String>,
    pub yes: FlagSpec,
    pub no_recommends: FlagSpec,
    pub mount: AptMount,
}

/// How to recognise a package manager's command and its subcommand.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct CommandSpec {
    /// Command basenames; a trailing `*` matches any rest.
    pub commands: Vec<String>,
    /// `<interpreter> -m <name>`.
    #[serde(default)]
    pub module: Option<ModuleSpec>,
    /// Options before the subcommand that take the next word as their value.
    #[serde(default)]
    pub options_with_value: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct ModuleSpec {
    pub interpreters: Vec<String>,
    pub name: String,
}

/// An option a fix adds, and what shows it (or its effect) is already there.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct FlagSpec {
    pub flag: String,
    /// Words that mean the option is there.
    #[serde(default)]
    pub present: Vec<String>,
    /// Word prefixes that mean the option is there (`--document=`).
    #[serde(default, alias = "prefix")]
    pub present_prefix: Vec<String>,
    /// Letters that mean the option is there inside a short option cluster (`-qy`).
    #[serde(default)]
    pub short_letters: String,
    /// Environment variables that make the option unnecessary when set in the stage.
    #[serde(default)]
    pub env: Vec<String>,
    /// Text that, anywhere in the stage, means the author already chose.
    #[serde(default)]
    pub stage_mentions: Vec<String>,
    /// `"command"`: a global option right after the command name; otherwise right after the subcommand.
    #[serde(default)]
    pub position: Option<String>,
    /// The option only keeps a cache out of the layer: not added when the RUN gets a cache mount instead.
    #[serde(default)]
    pub cache: bool,
    /// Only these subcommands get the option (all install subcommands when empty).
    #[serde(default)]
    pub subcommands: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct AptMount {
    pub mounts: Vec<CacheMount>,
    /// Prepended to the RUN body to remove Debian's hook that empties the package cache.
    pub remove_hook: String,
    /// Text whose presence in the stage shows the hook is already handled.
    pub hook_name: String,
}

/// A BuildKit cache mount for `cache = "mount"`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct CacheMount {
    pub target: String,
    #[serde(default)]
    pub sharing: Option<String>,
    /// The target is in root's home: only for RUNs known to run as root.
    #[serde(default)]
    pub root: bool,
}

/// A package manager other than apt.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Manager {
    #[serde(flatten)]
    pub command: CommandSpec,
    /// Subcommands that install packages.
    pub install: Vec<String>,
    /// The command without a subcommand installs (`yarn`).
    #[serde(default)]
    pub bare_install: bool,
    /// Options that make any command only print something (`--version`, `--help`).
    #[serde(default)]
    pub info_options: Vec<String>,
    #[serde(default)]
    pub flags: Vec<FlagSpec>,
    #[serde(default)]
    pub cleanup: Option<Cleanup>,
    #[serde(default)]
    pub mounts: Vec<CacheMount>,
    #[serde(default)]
    pub skip_if_stage_mentions: Vec<String>,
}

/// A command that removes a manager's cache after its last use in a RUN.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Cleanup {
    pub command: String,
    /// Subcommands of the manager that show the cache is already cleaned.
    #[serde(default)]
    pub cleaned_by: Vec<String>,
    /// Paths whose removal shows the cache is already cleaned.
    #[serde(default)]
    pub removes: Vec<String>,
}

/// Which user base images run as, and what sudo changes.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Users {
    /// Docker Hub repositories whose images run as root (a trailing `*` matches any rest).
    pub root_images: Vec<String>,
    /// Commands that do the same with or without the environment reset of sudo.
    pub sudo_env_independent: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Files {
    pub archive_suffixes: Vec<String>,
    pub remote_prefixes: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Shell {
    /// Commands that may install a new copy of themselves earlier in `PATH`.
    pub self_updating: Vec<String>,
    /// Commands that leave a service or daemon running after they return.
    pub daemon_starters: Vec<String>,
    /// Comment prefixes that address a tool about the next instruction.
    pub pragma_comments: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum KnowledgeError {
    #[error("knowledge table `{table}`: {message}")]
    Invalid { table: String, message: String },
    #[error("unknown knowledge table `{0}` (known: package-managers, files, shell, users)")]
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
        assert!(k.shell.self_updating.iter().any(|s| s == "pip"));
        assert!(k.shell.daemon_starters.iter().any(|s| s == "service"));
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
