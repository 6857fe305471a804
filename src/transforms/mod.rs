//! Transforms: each reads the syntax model and proposes fixes. One file per transform, one list in [`TRANSFORMS`].
//!
//! A transform never mutates anything. It walks the instructions it cares about through [`Context`] and reports
//! [`Proposal`]s through [`Proposals`], which tags each with the transform's id so none can be mislabelled.

use std::ops::Range;

use crate::config::Config;
use crate::fix::{Applicability, Fix, Proposal};
use crate::knowledge::Knowledge;
use crate::syntax::Dockerfile;

pub mod edits;

mod add_checksum;
mod admin_port;
mod apt_cleanup;
mod apt_get_not_apt;
mod apt_no_recommends;
mod buildkit_style;
mod copy_not_add;
mod duplicate_instructions;
mod env_key_value;
pub mod eol_base;
mod exec_form;
mod latest_base;
mod maintainer_label;
mod merge_runs;
mod no_sudo;
mod non_root_user;
mod package_cache;
mod packages;
pub mod pin_digest;
mod pipe_to_shell;
mod pipefail;
mod run_context;
mod secret_literal;
mod secret_mount;
mod slim_base;
mod trusted_registry;
mod wget_progress;
pub(crate) mod workdir_not_cd;

/// Everything a transform may read.
pub struct Context<'a> {
    pub file: &'a Dockerfile,
    /// The transforms that run on the file (a transform may leave to another one what that one fixes better).
    pub active: &'a [&'static dyn Transform],
    /// The applicability a fix needs to be applied in this run.
    pub required: Applicability,
    pub config: &'a Config,
    pub knowledge: &'a Knowledge,
    /// Never use the network (`--offline`).
    pub offline: bool,
    /// The Dockerfile's path, when it has one.
    pub path: Option<&'a std::path::Path>,
    /// The registry's answers about the images transforms named in [`Transform::image_lookups`] (digests, or that
    /// a tag is missing), looked up before fixing; `None` when no lookup ran.
    pub digests: Option<&'a crate::registry::Resolutions>,
    /// The file's suppression comments. The engine drops suppressed findings itself; a transform reads them only
    /// when a suppression changes what it may do elsewhere (merge-runs keeps a suppressed RUN out of any merge).
    pub suppressions: &'a crate::suppress::Suppressions,
}

/// Static description of a transform, shown by `dfix rules` and `dfix explain`.
#[derive(Debug)]
pub struct TransformMeta {
    /// Kebab-case id, used on the command line, in `dfix.toml` and in reports.
    pub id: &'static str,
    /// One line: what the transform fixes.
    pub summary: &'static str,
    /// The longer explanation, in Markdown (the doc comment of the transform).
    pub docs: &'static str,
    /// The applicability of its fixes unless configuration says otherwise.
    pub applicability: Applicability,
    /// Whether it runs when no `--select` names it.
    pub default_enabled: bool,
    /// hadolint and BuildKit check ids it corresponds to, accepted by `--select` and `--ignore`.
    pub aliases: &'static [&'static str],
    /// The dfix version that introduced it.
    pub since: &'static str,
    pub file: &'static str,
    pub line: u32,
}

impl TransformMeta {
    /// The docs as `dfix explain` prints them: without the space rustdoc leaves after each `///`, ending in exactly
    /// one newline.
    pub fn help(&self) -> String {
        let mut text: String = self.docs.lines().map(|l| format!("{}\n", l.strip_prefix(' ').unwrap_or(l))).collect();
        text.truncate(text.trim_end().len());
        text.push('\n');
        text
    }
}

pub trait Transform: Sync {
    fn meta(&self) -> &'static TransformMeta;
    fn run(&self, cx: &Context<'_>, out: &mut Proposals);

    /// Check one option of `[transforms.<id>]` in dfix.toml (other than `applicability`, which every transform
    /// has) when the file is read: `Err` says what is wrong with it, completing "`transforms.<id>.<key>` ...".
    fn check_option(&self, _key: &str, _value: &toml::Value) -> Result<(), String> {
        Err(format!("is not an option of {} (it has none but `applicability`)", self.meta().id))
    }

    /// Whether [`Transform::image_lookups`] may name images: the command line reads files ahead of fixing only when
    /// a selected transform says so, so runs without such a transform cost nothing.
    fn looks_up_images(&self) -> bool {
        false
    }

    /// The images this transform needs a registry's answer about before it can run on a file: the digest a tag
    /// points to (`pin-digest`), or whether a candidate tag exists at all (`slim-base`). The engine never does
    /// I/O, so the command line asks for them first (see `cli::digests`): each distinct reference once per run,
    /// in parallel, from `dfix.lock`, the registry (mirrors, auth) or, with `--offline`, the cache. The answers
    /// reach [`Transform::run`] in [`Context::digests`], keyed by reference; a reference whose answer is missing
    /// there was not asked (nothing needed a lookup, or lookups were not made for this run).
    fn image_lookups(&self, _cx: &LookupContext<'_>) -> Vec<ImageLookup> {
        Vec::new()
    }
}

/// What a transform may read when it names the images to look up before fixing.
pub struct LookupContext<'a> {
    pub file: &'a Dockerfile,
    pub config: &'a Config,
    pub knowledge: &'a Knowledge,
    /// `--update-digests`: references already pinned are looked up again.
    pub update: bool,
    /// A selected transform pins digests (`pin-digest`): an image another transform moves to gets pinned too, so
    /// its lookup is recorded in `dfix.lock` like a pin.
    pub pinning: bool,
}

/// One image a transform needs a registry's answer about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageLookup {
    /// The reference without a digest (a tag is what is asked about).
    pub reference: crate::registry::Reference,
    /// The digest will be written into the Dockerfile, so `dfix.lock` records it (`[registry] lock`). Candidates
    /// that are only checked for existence are not recorded.
    pub pins: bool,
}

/// Declares a transform's unit struct and its [`TransformMeta`], taking the docs from the doc comment.
macro_rules! declare_transform {
    (
        $(#[doc = $doc:literal])+
        pub $name:ident {
            id: $id:literal,
            summary: $summary:literal,
            applicability: $app:expr,
            default_enabled: $enabled:literal,
            aliases: [$($alias:literal),* $(,)?],
            since: $since:literal $(,)?
        }
    ) => {
        $(#[doc = $doc])+
        pub struct $name;

        impl $name {
            pub const META: $crate::transforms::TransformMeta = $crate::transforms::TransformMeta {
                id: $id,
                summary: $summary,
                docs: concat!($($doc, "\n"),+),
                applicability: $app,
                default_enabled: $enabled,
                aliases: &[$($alias),*],
                since: $since,
                file: file!(),
                line: line!(),
            };
        }
    };
}
pub(crate) use declare_transform;

/// All transforms, in the order of the README table and the tie-break order when two fixes start at the same byte:
/// instruction-level rewrites first (FROM, ENV, LABEL, ADD), then RUN bodies, then user and image changes, then
/// secrets; the notes-only transforms (display-only, no fix) come last.
pub static TRANSFORMS: &[&dyn Transform] = &[
    &slim_base::SlimBase,
    &eol_base::EolBase,
    &pin_digest::PinDigest,
    &maintainer_label::MaintainerLabel,
    &env_key_value::EnvKeyValue,
    &copy_not_add::CopyNotAdd,
    &exec_form::ExecForm,
    &duplicate_instructions::DuplicateInstructions,
    &apt_get_not_apt::AptGetNotApt,
    &no_sudo::NoSudo,
    &apt_cleanup::AptCleanup,
    &apt_no_recommends::AptNoRecommends,
    &package_cache::PackageCache,
    &workdir_not_cd::WorkdirNotCd,
    &pipefail::Pipefail,
    &wget_progress::WgetProgress,
    &merge_runs::MergeRuns,
    &non_root_user::NonRootUser,
    &secret_mount::SecretMount,
    &buildkit_style::BuildkitStyle,
    // Notes without a fix.
    &secret_literal::SecretLiteral,
    &admin_port::AdminPort,
    &trusted_registry::TrustedRegistry,
    &latest_base::LatestBase,
    &pipe_to_shell::PipeToShell,
    &add_checksum::AddChecksum,
];

/// The BuildKit checks of a transform that fixes several of them (its aliases that are not hadolint codes): each
/// can be selected, ignored and suppressed on its own, and each of its findings says which it is for. Empty for a
/// transform with one check or none, which is selected and suppressed as a whole.
pub fn separate_checks(t: &dyn Transform) -> Vec<&'static str> {
    let checks: Vec<&'static str> =
        t.meta().aliases.iter().copied().filter(|a| !crate::suppress::is_hadolint_code(a)).collect();
    if checks.len() < 2 { Vec::new() } else { checks }
}

/// Find a transform by id or alias (case-insensitive for aliases such as `DL3059`).
pub fn lookup(name: &str) -> Option<&'static dyn Transform> {
    TRANSFORMS.iter().copied().find(|t| {
        let meta = t.meta();
        meta.id == name || meta.aliases.iter().any(|a| a.eq_ignore_ascii_case(name))
    })
}

/// The proposals of one transform, already tagged with its id.
pub struct Proposals {
    transform: &'static str,
    default: Applicability,
    items: Vec<Proposal>,
}

impl Proposals {
    pub fn new(transform: &'static str, default: Applicability) -> Self {
        Self { transform, default, items: Vec::new() }
    }

    /// Report a finding about `range`, without a fix yet.
    pub fn propose(&mut self, range: Range<usize>, message: impl Into<String>) -> &mut Proposal {
        self.items.push(Proposal { transform: self.transform, check: None, message: message.into(), range, fix: None });
        self.items.last_mut().expect("just pushed")
    }

    /// Report a finding with a fix whose applicability is the transform's default (possibly overridden by config).
    pub fn fix(
        &mut self,
        range: Range<usize>,
        message: impl Into<String>,
        title: impl Into<String>,
        edits: Vec<crate::fix::Edit>,
    ) -> &mut Proposal {
        let fix = Fix::new(title, edits, self.default);
        let proposal = self.propose(range, message);
        proposal.fix = Some(fix);
        proposal
    }

    /// The applicability this transform's fixes get by default in this run.
    pub fn default_applicability(&self) -> Applicability {
        self.default
    }

    pub fn into_vec(self) -> Vec<Proposal> {
        self.items
    }
}

/// The README's transform table (between `<!-- begin:transforms -->` and `<!-- end:transforms -->`).
pub fn markdown_table() -> String {
    let mut out =
        String::from("| id | what it fixes | applicability | on by default | aliases |\n|---|---|---|---|---|\n");
    for t in TRANSFORMS {
        let m = t.meta();
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {} |\n",
            m.id,
            m.summary,
            m.applicability,
            if m.default_enabled { "yes" } else { "no" },
            m.aliases.join(", ")
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_kebab_case_and_match_their_file() {
        let mut seen = std::collections::HashSet::new();
        for t in TRANSFORMS {
            let m = t.meta();
            assert!(seen.insert(m.id), "duplicate id {}", m.id);
            assert!(m.id.chars().all(|c| c.is_ascii_lowercase() || c == '-'), "{} is not kebab-case", m.id);
            // A transform is one file, or one directory whose mod.rs declares it.
            let path = std::path::Path::new(m.file);
            let stem = match path.file_stem().unwrap().to_str().unwrap() {
                "mod" => path.parent().unwrap().file_name().unwrap().to_str().unwrap(),
                stem => stem,
            };
            assert_eq!(stem.replace('_', "-"), m.id, "transform {} lives in {}", m.id, m.file);
            assert!(!m.summary.is_empty() && !m.docs.is_empty());
            assert!(m.docs.contains("## What it does"), "{} docs lack '## What it does'", m.id);
        }
    }

    #[test]
    fn lookup_accepts_ids_and_aliases() {
        assert_eq!(lookup("maintainer-label").unwrap().meta().id, "maintainer-label");
        assert_eq!(lookup("dl4000").unwrap().meta().id, "maintainer-label");
        assert!(lookup("no-such-thing").is_none());
    }
}
