//! Typed access to the knowledge tables in `transforms/*.toml`, embedded at build time.
//!
//! Knowledge that changes (package-manager commands, archive formats, image tables) is data, not code. Each table
//! can be extended from `dfix.toml` under `[knowledge.<table>]`: tables merge key by key, arrays append.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde::Deserialize;

use crate::syntax::ImageRef;

/// The embedded tables, by name (the file stem under `transforms/`).
pub const BUILTIN: &[(&str, &str)] = &[
    ("package-managers", include_str!("../transforms/package-managers.toml")),
    ("files", include_str!("../transforms/files.toml")),
    ("shell", include_str!("../transforms/shell.toml")),
    ("images", include_str!("../transforms/images.toml")),
    ("secrets", include_str!("../transforms/secrets.toml")),
    ("releases", include_str!("../transforms/releases.toml")),
];

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Knowledge {
    pub package_managers: PackageManagers,
    pub files: Files,
    pub shell: Shell,
    pub images: Images,
    pub secrets: Secrets,
    pub releases: crate::releases::Releases,
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
    /// Commands that do the same with or without the environment reset of sudo (`no-sudo`).
    pub sudo_env_independent: Vec<String>,
    /// How a RUN with a pipe gets `pipefail`, by image family (`pipefail`).
    pub pipefail: Pipefail,
    /// Directories that exist and images whose working directory is `/` (`workdir-not-cd`).
    pub workdir: Workdir,
    /// GNU wget's options and where it is GNU wget (`wget-progress`).
    pub wget: Wget,
}

/// `[pipefail]` of `transforms/shell.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Pipefail {
    /// Image family -> the SHELL array (the family's shell with `-o pipefail`).
    pub shells: BTreeMap<String, Vec<String>>,
    /// Families whose RUNs are prefixed with `set -o pipefail && ` instead.
    pub set_prefix: Vec<String>,
}

/// `[workdir]` of `transforms/shell.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Workdir {
    /// Absolute directories every Linux image with a shell has.
    pub always_present: Vec<String>,
    /// Repository patterns of images whose working directory is `/`.
    pub root_workdir: Vec<String>,
    /// Image family -> absolute directories every image of the family has.
    #[serde(default)]
    pub family_directories: BTreeMap<String, Vec<String>>,
}

/// `[wget]` of `transforms/shell.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Wget {
    /// The option `wget-progress` adds.
    pub progress: String,
    /// The option `wget-progress` adds where the `wget` is BusyBox's, which has no `--progress`.
    pub busybox_quiet: String,
    /// Options after which wget shows no progress bar in the build log.
    pub quiet: Vec<String>,
    /// Short options that take a value.
    pub short_with_value: Vec<String>,
    /// Image families whose `wget` is GNU wget.
    pub gnu_families: Vec<String>,
    /// Image families whose `wget` is BusyBox's.
    pub busybox_families: Vec<String>,
    /// Package managers whose use shows a distribution with GNU wget, when the image's family is not known.
    pub gnu_package_managers: Vec<String>,
    /// Package managers whose use shows a distribution with BusyBox wget.
    pub busybox_package_managers: Vec<String>,
    /// `command subcommand` pairs that install packages.
    pub installers: Vec<String>,
}

/// `transforms/secrets.toml`: secret-like names, credential files, token formats, admin ports, download pipes.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Secrets {
    pub secret_names: Vec<String>,
    /// Win over `secret_names`.
    pub non_secret_names: Vec<String>,
    /// Secret when passed to the build or when the value holds credentials.
    pub credential_url_names: Vec<String>,
    #[serde(default)]
    pub env_readers: Vec<EnvReader>,
    #[serde(default)]
    pub credential_files: Vec<CredentialFile>,
    pub ssh_commands: Vec<String>,
    #[serde(default)]
    pub token_formats: Vec<TokenFormat>,
    pub high_entropy: HighEntropy,
    /// Port -> the service it is known for.
    pub admin_ports: BTreeMap<String, String>,
    pub admin_packages: Vec<String>,
    pub downloaders: Vec<String>,
    pub shells: Vec<String>,
    /// The token formats, compiled on first use: one set to tell whether any matches, and each one.
    #[serde(skip)]
    compiled: std::sync::OnceLock<(regex::RegexSet, Vec<(String, regex::Regex)>)>,
}

/// Commands that read secrets named by `names` from the environment.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct EnvReader {
    pub names: Vec<String>,
    pub commands: Vec<String>,
}

/// A credential file by the end of its path; `kind = "ssh"` for SSH keys.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct CredentialFile {
    pub path: String,
    #[serde(default)]
    pub kind: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct TokenFormat {
    pub name: String,
    pub pattern: String,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct HighEntropy {
    pub min_length: usize,
    pub min_bits: f64,
}

/// How a name is classified by [`Secrets::classify`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretName {
    /// Not a secret.
    No,
    /// Always a secret.
    Secret,
    /// A secret when passed to the build or when its value holds credentials (`PIP_INDEX_URL`).
    CredentialUrl,
}

impl Secrets {
    /// Whether an ARG or ENV name holds a secret. A pattern `*_WORD` also matches the name `WORD` (the name is
    /// tried with a `_` before it too).
    pub fn classify(&self, name: &str) -> SecretName {
        let prefixed = format!("_{name}");
        let any = |patterns: &[String]| patterns.iter().any(|p| glob_match(p, name) || glob_match(p, &prefixed));
        if any(&self.non_secret_names) {
            SecretName::No
        } else if any(&self.credential_url_names) {
            SecretName::CredentialUrl
        } else if any(&self.secret_names) {
            SecretName::Secret
        } else {
            SecretName::No
        }
    }

    /// The credential file a COPY source names, if any.
    pub fn credential_file(&self, source: &str) -> Option<&CredentialFile> {
        let source = source.trim_end_matches('/');
        self.credential_files.iter().find(|f| {
            let depth = f.path.matches('/').count() + 1;
            let parts: Vec<&str> = source.rsplit('/').take(depth).collect();
            let tail: Vec<&str> = parts.into_iter().rev().collect();
            tail.len() == depth && tail.iter().zip(f.path.split('/')).all(|(t, p)| !t.contains('*') && glob_match(p, t))
        })
    }

    /// Commands that read `name` from the environment.
    pub fn env_readers(&self, name: &str) -> Vec<&str> {
        self.env_readers
            .iter()
            .filter(|r| r.names.iter().any(|p| glob_match(p, name)))
            .flat_map(|r| r.commands.iter().map(String::as_str))
            .collect()
    }

    /// The known token formats found in `text`: (format name, matched range).
    pub fn tokens_in(&self, text: &str) -> Vec<(&str, std::ops::Range<usize>)> {
        let (set, compiled) = self.compiled.get_or_init(|| {
            // Validated when the table was loaded.
            let valid: Vec<&TokenFormat> =
                self.token_formats.iter().filter(|f| regex::Regex::new(&f.pattern).is_ok()).collect();
            let set = regex::RegexSet::new(valid.iter().map(|f| &f.pattern)).expect("each pattern compiles");
            let each =
                valid.iter().map(|f| (f.name.clone(), regex::Regex::new(&f.pattern).expect("checked"))).collect();
            (set, each)
        });
        // Most text holds no token: one pass over it for all formats.
        let hits = set.matches(text);
        if !hits.matched_any() {
            return Vec::new();
        }
        let compiled: Vec<&(String, regex::Regex)> = hits.iter().map(|i| &compiled[i]).collect();
        let mut out: Vec<(&str, std::ops::Range<usize>)> = Vec::new();
        for (name, re) in compiled {
            for m in re.find_iter(text) {
                if !out.iter().any(|(_, r)| r.start < m.end() && m.start() < r.end) {
                    out.push((name.as_str(), m.range()));
                }
            }
        }
        out.sort_by_key(|(_, r)| r.start);
        out
    }

    /// Whether `value` looks like a generated secret: long enough and varied enough (see `high-entropy`).
    pub fn is_high_entropy(&self, value: &str) -> bool {
        let n = value.chars().count();
        if n < self.high_entropy.min_length || value.contains(char::is_whitespace) {
            return false;
        }
        let mut counts: BTreeMap<char, usize> = BTreeMap::new();
        for c in value.chars() {
            *counts.entry(c).or_default() += 1;
        }
        let bits: f64 = counts
            .values()
            .map(|&k| {
                let p = k as f64 / n as f64;
                -p * p.log2()
            })
            .sum();
        bits >= self.high_entropy.min_bits
    }

    /// Patterns that do not compile, and ports that are not numbers.
    fn validate(&self) -> Result<(), String> {
        for f in &self.token_formats {
            regex::Regex::new(&f.pattern).map_err(|e| format!("token-formats `{}`: {e}", f.name))?;
        }
        for port in self.admin_ports.keys() {
            port.parse::<u16>().map_err(|_| format!("admin-ports: `{port}` is not a port number"))?;
        }
        for f in &self.credential_files {
            if !matches!(f.kind.as_deref(), None | Some("secret" | "ssh")) {
                return Err(format!("credential-files `{}`: kind must be \"secret\" or \"ssh\"", f.path));
            }
        }
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum KnowledgeError {
    #[error("knowledge table `{table}`: {message}")]
    Invalid { table: String, message: String },
    #[error("unknown knowledge table `{0}` (known: package-managers, files, shell, images, secrets, releases)")]
    UnknownTable(String),
    #[error("{0}")]
    Moved(&'static str),
}

/// The `users` table was folded into the others: where its keys went.
const MOVED_USERS: &str = "the knowledge table `users` is gone: images that run as root are rules of `images` \
     (`[[knowledge.images.rules]]` with `runs-as = \"root\"`), and `sudo-env-independent` is in `shell` \
     (`[knowledge.shell]`)";

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
            if key == "users" {
                return Err(KnowledgeError::Moved(MOVED_USERS));
            }
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
        let mut knowledge: Knowledge = toml::Value::Table(all).try_into().map_err(|e: toml::de::Error| {
            KnowledgeError::Invalid { table: "knowledge".into(), message: e.to_string() }
        })?;
        knowledge.images.validate().map_err(|message| KnowledgeError::Invalid { table: "images".into(), message })?;
        let pipefail = &knowledge.shell.pipefail;
        if let Some(f) =
            pipefail.shells.keys().chain(&pipefail.set_prefix).find(|f| !knowledge.images.families.contains_key(*f))
        {
            return Err(KnowledgeError::Invalid {
                table: "shell".into(),
                message: format!("pipefail names the family `{f}`, which is not a family of the `images` table"),
            });
        }
        if let Some((f, _)) = pipefail.shells.iter().find(|(_, shell)| shell.is_empty()) {
            return Err(KnowledgeError::Invalid {
                table: "shell".into(),
                message: format!("pipefail.shells.{f} is empty; it must name the shell and its options"),
            });
        }
        let directories = &knowledge.shell.workdir.family_directories;
        if let Some(f) = directories.keys().find(|f| !knowledge.images.families.contains_key(*f)) {
            return Err(KnowledgeError::Invalid {
                table: "shell".into(),
                message: format!("workdir.family-directories names `{f}`, which is not a family of the `images` table"),
            });
        }
        knowledge.secrets.validate().map_err(|message| KnowledgeError::Invalid { table: "secrets".into(), message })?;
        knowledge.releases.apply_overrides();
        knowledge
            .releases
            .validate()
            .map_err(|message| KnowledgeError::Invalid { table: "releases".into(), message })?;
        Ok(knowledge)
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

/// The image rules that can match a repository, so that a lookup does not try every rule: a rule whose repository
/// pattern has no `*` can only match that repository (ignoring ASCII case).
#[derive(Debug, Clone, Default)]
struct RuleIndex {
    /// Lowercase repository -> indices of the rules for exactly it, in order.
    literal: std::collections::HashMap<String, Vec<usize>>,
    /// Indices of the rules whose pattern has a `*`, in order.
    wild: Vec<usize>,
}

impl RuleIndex {
    fn new(rules: &[ImageRule]) -> RuleIndex {
        let mut index = RuleIndex::default();
        for (i, rule) in rules.iter().enumerate() {
            if rule.repository.contains('*') {
                index.wild.push(i);
            } else {
                index.literal.entry(rule.repository.to_ascii_lowercase()).or_default().push(i);
            }
        }
        index
    }

    /// The indices of the rules that may match `repository`, from the last rule to the first.
    fn candidates(&self, repository: &str) -> impl Iterator<Item = usize> + '_ {
        let literal = self.literal.get(&repository.to_ascii_lowercase()).map_or(&[][..], Vec::as_slice);
        let (mut a, mut b) = (literal.iter().rev().copied().peekable(), self.wild.iter().rev().copied().peekable());
        std::iter::from_fn(move || match (a.peek(), b.peek()) {
            (Some(x), Some(y)) if x > y => a.next(),
            (Some(_), Some(_)) | (None, Some(_)) => b.next(),
            (Some(_), None) => a.next(),
            (None, None) => None,
        })
    }
}

/// `transforms/images.toml`: base image families, the users images ship, and images that must stay root.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Images {
    /// Family name -> how to create a user in it.
    pub families: BTreeMap<String, Family>,
    /// Registries (with a path prefix, possibly) that mirror Docker Hub.
    #[serde(default)]
    pub hub_mirrors: Vec<String>,
    /// Docker Hub namespaces that publish the official images for one architecture (`amd64/python` is `python`
    /// built for amd64): their images have the facts of the official image.
    #[serde(default)]
    pub hub_architectures: Vec<String>,
    /// In order: for each property, the last matching rule that sets it wins.
    #[serde(default)]
    rules: Vec<ImageRule>,
    /// The rules that can match a repository, built on the first lookup (see [`RuleIndex`]).
    #[serde(skip)]
    rule_index: std::sync::OnceLock<RuleIndex>,
    /// Command in RUN -> the family it shows, for images no rule knows.
    #[serde(default)]
    pub package_managers: BTreeMap<String, String>,
    pub privileges: Privileges,
    /// Slim variants of images and what they lack (`slim-base`).
    pub slim: Slim,
}

/// `[slim]` of `transforms/images.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Slim {
    /// Tag patterns that already name a variant or another system: left alone.
    pub variant_tags: Vec<String>,
    /// Commands (with an optional subcommand) that show a RUN builds something.
    pub builds: Vec<String>,
    /// Node packages that compile a native addon when installed.
    pub native_npm: Vec<String>,
    /// Gems with native extensions.
    pub native_gems: Vec<String>,
    /// Debian package -> the commands it provides.
    pub packages: BTreeMap<String, Vec<String>>,
    /// Set name -> the packages a slim variant lacks.
    pub lacks: BTreeMap<String, Vec<String>>,
    /// Docker Hub repository -> its slim variant.
    pub images: BTreeMap<String, SlimImage>,
}

/// How the slim variant of one repository is named, and what it lacks.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct SlimImage {
    /// The word that names the variant.
    #[serde(default = "slim_word")]
    pub variant: String,
    /// The variant word goes before the first of these words of the tag, or at the end.
    #[serde(default)]
    pub before: Vec<String>,
    /// This word of the tag becomes the variant word instead.
    #[serde(default)]
    pub replace: Option<String>,
    /// The variant's tag for `latest`.
    #[serde(default)]
    pub latest: Option<String>,
    /// Names of `[slim.lacks]` sets.
    #[serde(default)]
    pub lacks: Vec<String>,
    /// Path prefixes only the default image has.
    #[serde(default)]
    pub paths: Vec<String>,
    /// Commands only the default image has, beyond the packages of `lacks`.
    #[serde(default)]
    pub tools: Vec<String>,
}

fn slim_word() -> String {
    "slim".to_string()
}

impl SlimImage {
    /// The variant's tag for `tag` (`latest` for a reference without one), or `None` when it has none.
    pub fn variant_tag(&self, tag: &str) -> Option<String> {
        if tag == "latest" {
            return self.latest.clone();
        }
        let words: Vec<&str> = tag.split('-').collect();
        if words.iter().any(|w| w.is_empty()) {
            return None;
        }
        let mut out: Vec<&str> = words.clone();
        match &self.replace {
            Some(word) => match words.iter().position(|w| w == word) {
                Some(i) => out[i] = &self.variant,
                None => out.insert(1, &self.variant),
            },
            None => match words.iter().position(|w| self.before.iter().any(|b| b == w)) {
                Some(i) => out.insert(i, &self.variant),
                None => out.push(&self.variant),
            },
        }
        Some(out.join("-"))
    }
}

impl Slim {
    /// The commands the variant of `image` lacks, each with the package that provides it (`None`: a tool of the
    /// default image that no package installs, such as the JDK's).
    pub fn lacked_commands<'a>(&'a self, image: &'a SlimImage) -> Vec<(&'a str, Option<&'a str>)> {
        let mut out: Vec<(&str, Option<&str>)> = Vec::new();
        for set in &image.lacks {
            for package in self.lacks.get(set).into_iter().flatten() {
                for command in self.packages.get(package).into_iter().flatten() {
                    out.push((command, Some(package)));
                }
            }
        }
        out.extend(image.tools.iter().map(|t| (t.as_str(), None)));
        out
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Family {
    /// Shell commands joined with ` && `, with `{user}`, `{uid}` and `{gid}` placeholders. `None`: no shell.
    pub create: Option<String>,
    pub user: Option<String>,
    pub uid: Option<u32>,
    pub gid: Option<u32>,
    /// Why images of this family are not switched to another user.
    pub skip: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ImageRule {
    /// Pattern for the repository as written in FROM (`python`, `gcr.io/distroless/*`); `*` matches any text.
    pub repository: String,
    /// Pattern for the tag (`latest` when the reference has none).
    pub tag: Option<String>,
    pub family: Option<String>,
    pub user: Option<String>,
    pub uid: Option<u32>,
    pub gid: Option<u32>,
    pub runs_as: Option<String>,
    pub skip: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Privileges {
    /// Commands in ENTRYPOINT or CMD that show the container starts as root by design.
    pub entrypoint: Vec<String>,
    /// Commands installed or used in RUN that show the same.
    pub run: Vec<String>,
    /// STOPSIGNAL values of init systems.
    pub stop_signals: Vec<String>,
}

/// A non-root user an image ships.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShippedUser<'a> {
    pub name: Option<&'a str>,
    pub uid: u32,
    pub gid: u32,
}

/// What the rules say about one image reference.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImageFacts<'a> {
    pub family: Option<&'a str>,
    pub user: Option<ShippedUser<'a>>,
    /// The default user, as the last matching rule that sets `runs-as` gives it (`root`, `0` or another user).
    pub runs_as: Option<&'a str>,
    pub skip: Option<&'a str>,
}

impl<'a> ImageFacts<'a> {
    /// The default user when the table says it is not root.
    pub fn non_root_user(&self) -> Option<&'a str> {
        self.runs_as.filter(|r| !is_root_user(r))
    }

    /// Whether the table says the image runs as root.
    pub fn runs_as_root(&self) -> bool {
        self.runs_as.is_some_and(is_root_user)
    }
}

impl Images {
    /// The facts about an image reference: the repository as written, without a Docker Hub mirror's registry and
    /// `library/`; the tag, `latest` when there is neither a tag nor a digest.
    pub fn facts(&self, image: &ImageRef) -> ImageFacts<'_> {
        let repository = match self.hub_repository(image) {
            // The official images built for one architecture have the facts of the official image.
            Some(hub) => match hub.split_once('/') {
                Some((namespace, name))
                    if !name.contains('/') && self.hub_architectures.iter().any(|a| a == namespace) =>
                {
                    name.to_string()
                }
                _ => hub,
            },
            None => format!("{}/{}", image.registry.as_deref().unwrap_or_default(), image.repository),
        };
        let tag = image.tag.as_deref().unwrap_or(if image.digest.is_some() { "" } else { "latest" });
        self.lookup(&repository, tag)
    }

    /// The repository of an image on Docker Hub (or a mirror of it), as official images are written (`python`),
    /// or `None` for an image of another registry.
    pub fn hub_repository(&self, image: &ImageRef) -> Option<String> {
        let mut repository = match &image.registry {
            Some(registry) => format!("{registry}/{}", image.repository),
            None => return Some(image.repository.strip_prefix("library/").unwrap_or(&image.repository).to_string()),
        };
        for mirror in &self.hub_mirrors {
            if let Some(rest) = repository.strip_prefix(mirror.as_str()).and_then(|r| r.strip_prefix('/')) {
                repository = rest.to_string();
                return Some(repository.strip_prefix("library/").unwrap_or(&repository).to_string());
            }
        }
        None
    }

    /// The facts about `repository:tag` (repository as written in FROM without Docker Hub's `library/`).
    pub fn lookup(&self, repository: &str, tag: &str) -> ImageFacts<'_> {
        let mut facts = ImageFacts::default();
        let (mut family, mut user, mut runs_as, mut skip) = (false, false, false, false);
        let index = self.rule_index.get_or_init(|| RuleIndex::new(&self.rules));
        for rule in index.candidates(repository).map(|i| &self.rules[i]) {
            if family && user && runs_as && skip {
                break;
            }
            if !glob_match(&rule.repository, repository) || !rule.tag.as_deref().is_none_or(|t| glob_match(t, tag)) {
                continue;
            }
            if !family && let Some(f) = &rule.family {
                facts.family = Some(f);
                family = true;
            }
            if !user && let (Some(uid), Some(gid)) = (rule.uid, rule.gid) {
                facts.user = Some(ShippedUser { name: rule.user.as_deref(), uid, gid });
                user = true;
            }
            if !runs_as && let Some(r) = &rule.runs_as {
                facts.runs_as = Some(r.as_str());
                runs_as = true;
            }
            if !skip && let Some(s) = &rule.skip {
                facts.skip = Some(s);
                skip = true;
            }
        }
        facts
    }

    /// Rules name known families, families create users with known placeholders, users have both ids.
    fn validate(&self) -> Result<(), String> {
        for (name, family) in &self.families {
            if let Some(create) = &family.create {
                let rest = create.replace("{user}", "").replace("{uid}", "").replace("{gid}", "");
                if rest.contains(['{', '}']) {
                    return Err(format!("families.{name}.create: only {{user}}, {{uid}} and {{gid}} can be replaced"));
                }
            }
            if (family.uid.is_some() || family.user.is_some()) != family.gid.is_some() {
                return Err(format!("families.{name}: a shipped user needs both `uid` and `gid`"));
            }
        }
        for (i, rule) in self.rules.iter().enumerate() {
            if let Some(f) = &rule.family
                && !self.families.contains_key(f)
            {
                return Err(format!("rule {} (`{}`) names the unknown family `{f}`", i + 1, rule.repository));
            }
            if rule.uid.is_some() != rule.gid.is_some() || (rule.user.is_some() && rule.uid.is_none()) {
                return Err(format!(
                    "rule {} (`{}`): a shipped user needs both `uid` and `gid`",
                    i + 1,
                    rule.repository
                ));
            }
        }
        for (name, image) in &self.slim.images {
            for set in &image.lacks {
                if !self.slim.lacks.contains_key(set) {
                    return Err(format!("slim.images.{name}.lacks names the unknown set `{set}` (see [slim.lacks])"));
                }
            }
        }
        for (set, packages) in &self.slim.lacks {
            if let Some(p) = packages.iter().find(|p| !self.slim.packages.contains_key(*p)) {
                return Err(format!("slim.lacks.{set} names `{p}`, which [slim.packages] does not list"));
            }
        }
        for (command, f) in &self.package_managers {
            if !self.families.contains_key(f) {
                return Err(format!("package-managers.{command} names the unknown family `{f}`"));
            }
        }
        Ok(())
    }
}

/// Whether a USER value means root: `root`, `0`, or either with a group.
pub fn is_root_user(user: &str) -> bool {
    let name = user.split(':').next().unwrap_or(user).trim();
    name == "root" || name == "0"
}

/// `*` matches any text (also `/`); everything else is compared without case.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let (p, t) = (pattern.as_bytes(), text.as_bytes());
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && p[pi] == b'*' {
            star = Some((pi, ti));
            pi += 1;
        } else if pi < p.len() && p[pi].eq_ignore_ascii_case(&t[ti]) {
            pi += 1;
            ti += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == b'*')
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The index gives, last first, every rule whose pattern has a `*` or is the repository (in any ASCII case).
    #[test]
    fn rule_index_keeps_every_candidate_in_order() {
        let images = &Knowledge::builtin().images;
        let index = RuleIndex::new(&images.rules);
        for repo in ["python", "PYTHON", "node", "gcr.io/distroless/static", "nginx", "corp/x", ""] {
            let all: Vec<usize> = (0..images.rules.len())
                .rev()
                .filter(|&i| {
                    let pattern = &images.rules[i].repository;
                    pattern.contains('*') || pattern.eq_ignore_ascii_case(repo)
                })
                .collect();
            assert_eq!(index.candidates(repo).collect::<Vec<_>>(), all, "{repo}");
        }
    }

    #[test]
    fn builtin_tables_load() {
        let k = Knowledge::builtin();
        assert_eq!(k.package_managers.apt.script_equivalents["install"], "apt-get install");
        assert!(k.files.archive_suffixes.iter().any(|s| s == ".tar.gz"));
        assert!(k.shell.self_updating.iter().any(|s| s == "pip"));
        assert!(k.shell.daemon_starters.iter().any(|s| s == "service"));
        assert!(k.shell.sudo_env_independent.iter().any(|s| s == "apt-get"));
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
        let moved: toml::Table = "[users]\nroot-images = [\"corp/*\"]\n".parse().unwrap();
        let err = Knowledge::with_extensions(&moved).unwrap_err().to_string();
        assert!(err.contains("runs-as = \"root\"") && err.contains("[knowledge.shell]"), "{err}");
    }

    #[test]
    fn image_rules_resolve_by_repository_then_tag() {
        let images = &Knowledge::builtin().images;
        let family = |repo: &str, tag: &str| images.lookup(repo, tag).family;
        assert_eq!(family("python", "3.12-slim"), Some("debian"));
        assert_eq!(family("python", "3.12-alpine3.19"), Some("alpine"));
        assert_eq!(family("python", "3.12-windowsservercore-ltsc2022"), Some("windows"));
        assert_eq!(family("eclipse-temurin", "21-jre-ubi9-minimal"), Some("rhel-minimal"));
        assert_eq!(family("eclipse-temurin", "21-jre"), Some("ubuntu"));
        assert_eq!(family("nginx", "alpine-slim"), Some("alpine"));
        assert_eq!(family("oraclelinux", "9-slim"), Some("rhel-minimal"));
        assert_eq!(family("mcr.microsoft.com/dotnet/aspnet", "8.0-jammy-chiseled"), Some("distroless"));
        assert_eq!(family("gcr.io/distroless/static-debian12", "nonroot"), Some("distroless"));
        assert_eq!(family("someone/private", "1.0"), None);
        let node = images.lookup("node", "20-alpine");
        assert_eq!((node.family, node.user.map(|u| (u.name, u.uid))), (Some("alpine"), Some((Some("node"), 1000))));
        assert_eq!(images.lookup("bitnami/redis", "7.2").non_root_user(), Some("1001"));
        assert_eq!(images.lookup("bitnami/minideb", "bookworm").non_root_user(), None);
        assert!(images.lookup("bitnami/minideb", "bookworm").runs_as_root());
        assert_eq!(images.lookup("gcr.io/distroless/base", "debug-nonroot").non_root_user(), Some("65532"));
        assert!(
            images.lookup("python", "3.12-slim").runs_as_root() && images.lookup("opensuse/leap", "15").runs_as_root()
        );
        let unknown = images.lookup("corp/base", "1");
        assert!(!unknown.runs_as_root() && unknown.non_root_user().is_none());
        assert!(images.lookup("postgres", "16").skip.is_some());
        assert!(images.lookup("php", "8.3-fpm-alpine").skip.is_some());
        assert!(images.lookup("php", "8.3-cli").skip.is_none());
        let facts = |r: &str| images.facts(&ImageRef::parse(r).unwrap()).family;
        assert_eq!(facts("mirror.gcr.io/busybox:1.36"), Some("busybox"));
        assert_eq!(facts("docker.io/library/python:3.12-alpine"), Some("alpine"));
        assert_eq!(facts("public.ecr.aws/docker/library/centos:7"), Some("rhel-like"));
        assert_eq!(facts("debian@sha256:0123"), Some("debian"));
        assert_eq!(facts("registry.example.com/python:3"), None);
        // The official images built for one architecture.
        assert_eq!(facts("arm64v8/buildpack-deps:bookworm"), Some("debian"));
        assert_eq!(facts("docker.io/amd64/python:3.12-alpine"), Some("alpine"));
        assert_eq!(facts("registry.example.com/amd64/python:3"), None);
        assert_eq!(facts("amd64/corp/python:3"), None);
        assert_eq!(facts("adoptopenjdk:11-jdk-hotspot"), Some("ubuntu"));
        assert_eq!(facts("adoptopenjdk:11-jdk-hotspot-windowsservercore-1809"), Some("windows"));
    }

    #[test]
    fn image_rules_from_config_come_last_and_win() {
        let ext: toml::Table = "[[images.rules]]\nrepository = \"python\"\ntag = \"*alpine*\"\nfamily = \"busybox\"\n\
                                [[images.rules]]\nrepository = \"corp/*\"\nfamily = \"ubuntu\"\n"
            .parse()
            .unwrap();
        let k = Knowledge::with_extensions(&ext).unwrap();
        assert_eq!(k.images.lookup("python", "3-alpine").family, Some("busybox"));
        assert_eq!(k.images.lookup("corp/base", "latest").family, Some("ubuntu"));
        let bad: toml::Table = "[[images.rules]]\nrepository = \"x\"\nfamily = \"plan9\"\n".parse().unwrap();
        let err = Knowledge::with_extensions(&bad).unwrap_err().to_string();
        assert!(err.contains("plan9"), "{err}");
    }

    /// The tag schemes of the official images' `library/<name>` files.
    #[test]
    fn slim_variant_tags_follow_each_image_s_scheme() {
        let slim = &Knowledge::builtin().images.slim;
        let variant = |repo: &str, tag: &str| slim.images[repo].variant_tag(tag);
        let cases = [
            ("python", "3.12", Some("3.12-slim")),
            ("python", "3.12-bookworm", Some("3.12-slim-bookworm")),
            ("python", "3", Some("3-slim")),
            ("python", "latest", Some("slim")),
            ("python", "bookworm", Some("slim-bookworm")),
            ("python", "3.15-rc-trixie", Some("3.15-rc-slim-trixie")),
            ("node", "20", Some("20-slim")),
            ("node", "20-bookworm", Some("20-bookworm-slim")),
            ("node", "lts", Some("lts-slim")),
            ("debian", "bookworm", Some("bookworm-slim")),
            ("debian", "12", Some("12-slim")),
            ("debian", "latest", None),
            ("ruby", "3.3-bookworm", Some("3.3-slim-bookworm")),
            ("perl", "5.40-threaded-bookworm", Some("5.40-slim-threaded-bookworm")),
            ("perl", "5.40", Some("5.40-slim")),
            ("rust", "1.75", Some("1.75-slim")),
            ("elixir", "1.16-otp-26", Some("1.16-otp-26-slim")),
            ("erlang", "26.2", Some("26.2-slim")),
            ("haskell", "9.8-bullseye", Some("9.8-slim-bullseye")),
            ("haskell", "latest", None),
            ("openjdk", "11-jdk-bullseye", Some("11-jdk-slim-bullseye")),
            ("openjdk", "11", Some("11-slim")),
            ("eclipse-temurin", "21-jdk-noble", Some("21-jre-noble")),
            ("eclipse-temurin", "21", Some("21-jre")),
            ("eclipse-temurin", "latest", None),
        ];
        for (repo, tag, want) in cases {
            assert_eq!(variant(repo, tag).as_deref(), want, "{repo}:{tag}");
        }
        let lacked = slim.lacked_commands(&slim.images["python"]);
        assert!(lacked.contains(&("curl", Some("curl"))) && lacked.contains(&("gcc", Some("gcc"))), "{lacked:?}");
        assert!(slim.lacked_commands(&slim.images["debian"]).is_empty());
        let images = &Knowledge::builtin().images;
        let hub = |r: &str| images.hub_repository(&ImageRef::parse(r).unwrap());
        assert_eq!(hub("docker.io/library/python:3"), Some("python".into()));
        assert_eq!(hub("mirror.gcr.io/node"), Some("node".into()));
        assert_eq!(hub("ghcr.io/o/python:3"), None);
    }

    #[test]
    fn slim_sets_must_exist() {
        let ext: toml::Table = "[images.slim.images.corp]\nlacks = [\"nope\"]\n".parse().unwrap();
        let err = Knowledge::with_extensions(&ext).unwrap_err().to_string();
        assert!(err.contains("unknown set `nope`"), "{err}");
        let ext: toml::Table =
            "[images.slim.images.corp]\nlatest = \"slim\"\nlacks = [\"buildpack-deps\"]\n".parse().unwrap();
        let k = Knowledge::with_extensions(&ext).unwrap();
        assert_eq!(k.images.slim.images["corp"].variant_tag("2").as_deref(), Some("2-slim"));
    }

    #[test]
    fn secret_names_and_formats() {
        let s = &Knowledge::builtin().secrets;
        for name in
            ["NPM_TOKEN", "GITHUB_TOKEN", "DB_PASSWORD", "AWS_SECRET_ACCESS_KEY", "STRIPE_API_KEY", "GCP_CREDENTIALS"]
        {
            assert_eq!(s.classify(name), SecretName::Secret, "{name}");
        }
        for name in ["SECRET_KEY_BASE", "TOKEN", "PASSWORD", "CLIENT_SECRET_VALUE"] {
            assert_eq!(s.classify(name), SecretName::Secret, "{name}");
        }
        for name in
            ["AWS_ACCESS_KEY_ID", "SSH_PUBLIC_KEY", "APT_KEYRING", "OAUTH_TOKEN_URL", "PASSWORD_FILE", "GPG_KEY"]
        {
            assert_eq!(s.classify(name), SecretName::No, "{name}");
        }
        assert_eq!(s.classify("PIP_EXTRA_INDEX_URL"), SecretName::CredentialUrl);
        assert_eq!(s.credential_file("config/.npmrc").map(|f| f.path.as_str()), Some(".npmrc"));
        assert_eq!(s.credential_file("home/.aws/credentials").map(|f| f.path.as_str()), Some(".aws/credentials"));
        assert_eq!(s.credential_file("keys/id_ed25519").and_then(|f| f.kind.as_deref()), Some("ssh"));
        assert!(s.credential_file("credentials").is_none());
        assert!(s.credential_file("cert.pem").is_none());
        assert!(s.credential_file("*.npmrc").is_none());
        let found = s.tokens_in("x=AKIAIOSFODNN7EXAMPLE y=https://bob:hunter2@example.com z=https://$U:$P@h");
        assert_eq!(found.iter().map(|(n, _)| *n).collect::<Vec<_>>(), ["AWS access key id", "URL with a password"]);
        assert!(s.is_high_entropy("q8Zr2LxV9mT4pK7wN3bY"));
        assert!(!s.is_high_entropy("changeme-changeme"));
        assert!(!s.is_high_entropy("short"));
        let bad: toml::Table = "[secrets]\ntoken-formats = [{ name = \"x\", pattern = \"(\" }]\n".parse().unwrap();
        assert!(Knowledge::with_extensions(&bad).unwrap_err().to_string().contains("token-formats"));
    }

    #[test]
    fn globs_and_root_users() {
        assert!(glob_match("gcr.io/distroless/*", "gcr.io/distroless/static-debian12"));
        assert!(glob_match("*alpine*", "3.12-ALPINE"));
        assert!(glob_match("*", ""));
        assert!(!glob_match("node", "node-red"));
        assert!(glob_match("*ubi*-minimal*", "ubi9-minimal"));
        assert!(!glob_match("8.*", "18.0"));
        assert!(is_root_user("root") && is_root_user("0:0") && is_root_user("root:staff"));
        assert!(!is_root_user("app") && !is_root_user("1000:0") && !is_root_user("$USER"));
    }
}
