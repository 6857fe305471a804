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
    ("releases", include_str!("../transforms/releases.toml")),
];

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Knowledge {
    pub package_managers: PackageManagers,
    pub files: Files,
    pub shell: Shell,
    pub images: Images,
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
}

#[derive(Debug, thiserror::Error)]
pub enum KnowledgeError {
    #[error("knowledge table `{table}`: {message}")]
    Invalid { table: String, message: String },
    #[error("unknown knowledge table `{0}` (known: package-managers, files, shell, images, releases)")]
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
        let mut repository = match &image.registry {
            Some(registry) => format!("{registry}/{}", image.repository),
            None => image.repository.clone(),
        };
        for mirror in &self.hub_mirrors {
            if let Some(rest) = repository.strip_prefix(mirror.as_str()).and_then(|r| r.strip_prefix('/')) {
                repository = rest.to_string();
                break;
            }
        }
        let repository = repository.strip_prefix("library/").unwrap_or(&repository);
        let tag = image.tag.as_deref().unwrap_or(if image.digest.is_some() { "" } else { "latest" });
        self.lookup(repository, tag)
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
