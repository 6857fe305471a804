//! Settings for one Dockerfile: the command line merged over the dfix.toml that governs the file.
//!
//! Each file is governed by `--config` when given, otherwise by the nearest `dfix.toml` in its directory or an
//! ancestor; when there is none, by the nearest `.hadolint.yaml` (or `.hadolint.yml`), else by the user's
//! `$XDG_CONFIG_HOME/hadolint.yaml` (see [`crate::hadolint_config`]). `--isolated` reads none of them.
//! [`SettingsCache`] remembers the answer per directory and loads each file once, so a tree of hundreds of
//! Dockerfiles costs one lookup per directory.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::cli::args::FixArgs;
use crate::cli::select::{self, Layer, UnknownTransform};
use crate::config::{Config, ConfigError};
use crate::engine;
use crate::fix::Applicability;
use crate::hadolint_config;
use crate::knowledge::{Knowledge, KnowledgeError};
use crate::transforms::Transform;

/// What the command line says, before any dfix.toml is read.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub select: Option<Vec<String>>,
    pub extend_select: Vec<String>,
    pub ignore: Vec<String>,
    /// `None` defers to dfix.toml.
    pub unsafe_fixes: Option<bool>,
    pub offline: bool,
    pub update_digests: bool,
    /// `--as-of`: the day end-of-life dates are compared with.
    pub as_of: Option<crate::releases::Date>,
    /// `--warn-unused-ignores`.
    pub warn_unused_ignores: bool,
    /// `--isolated`: read no configuration file.
    pub isolated: bool,
}

impl Overrides {
    /// Take the options from the command line, rejecting transform names that do not exist.
    pub fn from_args(args: &FixArgs) -> Result<Self, UnknownTransform> {
        let overrides = Self {
            select: args.select.clone(),
            extend_select: args.extend_select.clone(),
            ignore: args.ignore.clone(),
            unsafe_fixes: args.unsafe_fixes(),
            offline: args.offline,
            update_digests: args.update_digests,
            as_of: args.as_of,
            warn_unused_ignores: args.warn_unused_ignores,
            isolated: args.isolated,
        };
        select::validate(&overrides.layer())?;
        Ok(overrides)
    }

    fn layer(&self) -> Layer<'_> {
        Layer { select: self.select.as_deref(), extend_select: &self.extend_select, ignore: &self.ignore }
    }
}

/// Everything needed to fix one file.
pub struct Settings {
    /// The transforms to run, in registry order.
    pub transforms: Vec<&'static dyn Transform>,
    /// Checks of those transforms left out (`--ignore FromAsCasing`): their findings are dropped.
    pub off_checks: Vec<&'static str>,
    pub required: Applicability,
    /// Transforms must not use the network.
    pub offline: bool,
    /// Re-resolve pinned images (`--update-digests` or `update-digests = true`).
    pub update_digests: bool,
    /// Report suppressions that suppress nothing (`--warn-unused-ignores` or `warn-unused-ignores = true`).
    pub warn_unused_ignores: bool,
    pub config: Config,
    /// `None` when dfix.toml extends nothing and the built-in tables are used as they are.
    knowledge: Option<Knowledge>,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ids: Vec<&str> = self.transforms.iter().map(|t| t.meta().id).collect();
        f.debug_struct("Settings")
            .field("transforms", &ids)
            .field("required", &self.required)
            .field("offline", &self.offline)
            .field("config", &self.config.path)
            .finish_non_exhaustive()
    }
}

/// A dfix.toml that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// `at` is `path:line:column` of the table or key at fault, or the path.
    #[error("{at}: {source}")]
    Knowledge { at: String, source: KnowledgeError },
    #[error("{at}: {source} in `{key}`")]
    Selection { at: String, key: &'static str, source: UnknownTransform },
}

impl SettingsError {
    /// A line telling the user what to do about it.
    pub fn hint(&self) -> String {
        match self {
            SettingsError::Selection { source, .. } => source.hint(),
            _ => "fix the file, or pass --config with another dfix.toml (or --isolated to read none)".to_string(),
        }
    }
}

impl Settings {
    pub fn new(mut config: Config, overrides: &Overrides) -> Result<Self, SettingsError> {
        if let Some(day) = overrides.as_of {
            config.as_of = Some(day.to_string());
        }
        let from_file =
            Layer { select: config.select.as_deref(), extend_select: &config.extend_select, ignore: &config.ignore };
        for (key, names) in [
            ("select", from_file.select.unwrap_or_default()),
            ("extend-select", from_file.extend_select),
            ("ignore", from_file.ignore),
        ] {
            let layer = Layer { ignore: names, ..Layer::default() };
            select::validate(&layer).map_err(|source| {
                let index = names.iter().position(|n| n.trim() == source.name).unwrap_or(0).to_string();
                SettingsError::Selection { at: config.at(&[key, &index]), key, source }
            })?;
        }
        let select::Selection { transforms, off_checks } =
            select::selection(&[from_file, overrides.layer()]).expect("names were validated");
        let unsafe_fixes = overrides.unsafe_fixes.or(config.unsafe_fixes).unwrap_or(false);
        let required = if unsafe_fixes { Applicability::Unsafe } else { Applicability::Safe };
        let knowledge = if config.knowledge.is_empty() {
            None
        } else {
            let knowledge = Knowledge::with_extensions(&config.knowledge).map_err(|source| {
                // The key at fault: the unknown table, or the `in `table.key`` serde names at the end of the message.
                let keys: Vec<String> = match &source {
                    KnowledgeError::UnknownTable(table) => vec![table.clone()],
                    KnowledgeError::Moved(_) => vec!["users".to_string()],
                    KnowledgeError::Invalid { message, .. } => message
                        .rsplit_once("in `")
                        .and_then(|(_, tail)| tail.split_once('`'))
                        .map(|(path, _)| path.split('.').map(str::to_string).collect())
                        .unwrap_or_default(),
                };
                let keys: Vec<&str> = std::iter::once("knowledge").chain(keys.iter().map(String::as_str)).collect();
                SettingsError::Knowledge { at: config.at(&keys), source }
            })?;
            Some(knowledge)
        };
        let update_digests = overrides.update_digests || config.update_digests.unwrap_or(false);
        let warn_unused_ignores = overrides.warn_unused_ignores || config.warn_unused_ignores.unwrap_or(false);
        Ok(Self {
            transforms,
            off_checks,
            required,
            offline: overrides.offline,
            update_digests,
            warn_unused_ignores,
            config,
            knowledge,
        })
    }

    pub fn knowledge(&self) -> &Knowledge {
        self.knowledge.as_ref().unwrap_or_else(|| Knowledge::builtin())
    }

    /// Whether a selected transform may need images looked up before fixing (`pin-digest`, `slim-base`).
    pub fn looks_up_images(&self) -> bool {
        self.transforms.iter().any(|t| t.looks_up_images())
    }

    /// Options for [`engine::fix`], with the digests looked up for this file, if any.
    pub fn engine_options<'a>(
        &'a self,
        path: &'a std::path::Path,
        digests: Option<&'a crate::registry::Resolutions>,
    ) -> engine::Options<'a> {
        engine::Options {
            transforms: self.transforms.clone(),
            off_checks: &self.off_checks,
            required: self.required,
            max_passes: engine::MAX_PASSES,
            config: &self.config,
            knowledge: self.knowledge(),
            offline: self.offline,
            path: Some(path),
            digests,
            warn_unused_ignores: self.warn_unused_ignores,
        }
    }
}

/// The settings of each file, found and loaded once per directory and once per dfix.toml.
pub struct SettingsCache {
    overrides: Overrides,
    /// From `--config`: used for every file.
    explicit: Option<Arc<Settings>>,
    /// Directory of a file, as named -> that directory made absolute (resolved once per directory).
    absolute: HashMap<PathBuf, PathBuf>,
    /// Directory (absolute) -> the nearest dfix.toml at or above it.
    nearest: HashMap<PathBuf, Option<PathBuf>>,
    /// Directory (absolute) -> the nearest .hadolint.yaml or .hadolint.yml at or above it.
    nearest_hadolint: HashMap<PathBuf, Option<PathBuf>>,
    /// The user's hadolint.yaml, used when no file applies above a Dockerfile.
    user_hadolint: Option<PathBuf>,
    /// dfix.toml path (`None`: no file) -> its settings.
    loaded: HashMap<Option<PathBuf>, Result<Arc<Settings>, Arc<SettingsError>>>,
}

/// The settings of a file could not be built. `first` is set for the first file that ran into this error, so it
/// is reported once rather than once per file.
#[derive(Debug, Clone)]
pub struct LookupError {
    pub error: Arc<SettingsError>,
    pub first: bool,
}

impl SettingsCache {
    /// With `config`, every file uses that dfix.toml, and failing to load it is an error right away.
    pub fn new(overrides: Overrides, config: Option<&Path>) -> Result<Self, SettingsError> {
        let explicit = match config {
            Some(path) => Some(Arc::new(Settings::new(load(path)?, &overrides)?)),
            None if overrides.isolated => Some(Arc::new(Settings::new(Config::default(), &overrides)?)),
            None => None,
        };
        let user_hadolint = if explicit.is_some() { None } else { hadolint_config::user_config() };
        Ok(Self {
            overrides,
            explicit,
            absolute: HashMap::new(),
            nearest: HashMap::new(),
            nearest_hadolint: HashMap::new(),
            user_hadolint,
            loaded: HashMap::new(),
        })
    }

    /// The settings for the Dockerfile at `file` (which need not exist).
    pub fn for_file(&mut self, file: &Path) -> Result<Arc<Settings>, LookupError> {
        if let Some(settings) = &self.explicit {
            return Ok(settings.clone());
        }
        let dir = match file.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let dir = match self.absolute.get(dir) {
            Some(absolute) => absolute.clone(),
            None => {
                let absolute = absolute_dir(dir);
                self.absolute.insert(dir.to_path_buf(), absolute.clone());
                absolute
            }
        };
        let config =
            self.nearest_config(&dir).or_else(|| self.nearest_hadolint(&dir)).or_else(|| self.user_hadolint.clone());
        if let Some(known) = self.loaded.get(&config) {
            return known.clone().map_err(|error| LookupError { error, first: false });
        }
        let loaded = match &config {
            Some(path) => load(&relative_to_cwd(path)).map_err(SettingsError::from),
            None => Ok(Config::default()),
        }
        .and_then(|c| Settings::new(c, &self.overrides))
        .map(Arc::new)
        .map_err(Arc::new);
        self.loaded.insert(config, loaded.clone());
        loaded.map_err(|error| LookupError { error, first: true })
    }

    fn nearest_hadolint(&mut self, dir: &Path) -> Option<PathBuf> {
        if let Some(found) = self.nearest_hadolint.get(dir) {
            return found.clone();
        }
        let here = hadolint_config::FILE_NAMES.iter().map(|name| dir.join(name)).find(|p| p.is_file());
        let found = here.or_else(|| dir.parent().and_then(|parent| self.nearest_hadolint(parent)));
        self.nearest_hadolint.insert(dir.to_path_buf(), found.clone());
        found
    }

    fn nearest_config(&mut self, dir: &Path) -> Option<PathBuf> {
        if let Some(found) = self.nearest.get(dir) {
            return found.clone();
        }
        let candidate = dir.join(Config::FILE_NAME);
        let found = if candidate.is_file() {
            Some(candidate)
        } else {
            dir.parent().and_then(|parent| self.nearest_config(parent))
        };
        self.nearest.insert(dir.to_path_buf(), found.clone());
        found
    }
}

/// A dfix.toml, or a hadolint configuration when the name ends in `.yaml` or `.yml`.
fn load(path: &Path) -> Result<Config, ConfigError> {
    if hadolint_config::is_hadolint_file(path) { hadolint_config::load(path) } else { Config::load(path) }
}

/// A directory made absolute, so the search for dfix.toml can go above the working directory.
fn absolute_dir(dir: &Path) -> PathBuf {
    dir.canonicalize().or_else(|_| std::path::absolute(dir)).unwrap_or_else(|_| dir.to_path_buf())
}

/// `path` relative to the working directory when it is under it, for shorter messages.
fn relative_to_cwd(path: &Path) -> PathBuf {
    let cwd = std::env::current_dir().and_then(|d| d.canonicalize());
    match cwd {
        Ok(cwd) => path.strip_prefix(&cwd).map(Path::to_path_buf).unwrap_or_else(|_| path.to_path_buf()),
        Err(_) => path.to_path_buf(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(s: &Settings) -> Vec<&'static str> {
        s.transforms.iter().map(|t| t.meta().id).collect()
    }

    #[test]
    fn command_line_wins_over_config() {
        let config =
            Config::from_str("unsafe-fixes = true\nselect = [\"copy-not-add\"]\n", Path::new("dfix.toml")).unwrap();
        let plain = Settings::new(config.clone(), &Overrides::default()).unwrap();
        assert_eq!(plain.required, Applicability::Unsafe);
        assert_eq!(ids(&plain), ["copy-not-add"]);
        let cli = Overrides { select: Some(vec!["DL4000".into()]), unsafe_fixes: Some(false), ..Overrides::default() };
        let overridden = Settings::new(config, &cli).unwrap();
        assert_eq!(overridden.required, Applicability::Safe);
        assert_eq!(ids(&overridden), ["maintainer-label"]);
    }

    #[test]
    fn unknown_names_in_config_name_the_file_and_key() {
        let config = Config::from_str("ignore = [\"copy-not-ad\"]\n", Path::new("sub/dfix.toml")).unwrap();
        let err = Settings::new(config, &Overrides::default()).unwrap_err();
        assert_eq!(err.to_string(), "sub/dfix.toml:1:11: unknown transform `copy-not-ad` in `ignore`");
        assert!(err.hint().contains("copy-not-add"));
    }

    #[test]
    fn bad_knowledge_extensions_name_the_line() {
        let err = |text: &str| {
            let config = Config::from_str(text, Path::new("dfix.toml")).unwrap();
            Settings::new(config, &Overrides::default()).unwrap_err().to_string()
        };
        let unknown = err("ignore = []\n[knowledge.nope]\na = 1\n");
        assert!(unknown.starts_with("dfix.toml:2:12: unknown knowledge table `nope`"), "{unknown}");
        let wrong = err("[knowledge.files]\n\narchive-suffixes = 3\n");
        assert!(wrong.starts_with("dfix.toml:3:20: ") && wrong.contains("files.archive-suffixes"), "{wrong}");
        let selection = err("extend-select = [\n  \"pin-digest\",\n  \"nope\",\n]\n");
        assert_eq!(selection, "dfix.toml:3:3: unknown transform `nope` in `extend-select`");
    }

    #[test]
    fn finds_the_nearest_config_and_caches_errors() {
        let tmp = tempfile::tempdir().unwrap();
        let deep = tmp.path().join("a/b");
        std::fs::create_dir_all(&deep).unwrap();
        std::fs::write(tmp.path().join("a/dfix.toml"), "select = [\"copy-not-add\"]\n").unwrap();
        let mut cache = SettingsCache::new(Overrides::default(), None).unwrap();
        let settings = cache.for_file(&deep.join("Dockerfile")).unwrap();
        assert_eq!(ids(&settings), ["copy-not-add"]);

        std::fs::write(deep.join("dfix.toml"), "nonsense = 1\n").unwrap();
        let mut cache = SettingsCache::new(Overrides::default(), None).unwrap();
        let first = cache.for_file(&deep.join("Dockerfile")).unwrap_err();
        let second = cache.for_file(&deep.join("Containerfile")).unwrap_err();
        assert!(first.first && !second.first);
        assert!(first.error.to_string().contains("dfix.toml"), "{}", first.error);
    }
}
