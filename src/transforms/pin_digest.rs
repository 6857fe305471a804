//! `pin-digest`: pin base images to the digest their tag points to (`python:3.12-slim@sha256:…`).

use std::ops::Range;
use std::time::Duration;

use crate::fix::{Applicability, Edit, Fix};
use crate::registry::{Origin, Reference, Resolution};
use crate::syntax::words::split_words;
use crate::syntax::{Dockerfile, InstructionKind, Stage, StageBase};
use crate::transforms::{Context, ImageLookup, LookupContext, Proposals, Transform, TransformMeta, declare_transform};

declare_transform! {
    /// ## What it does
    /// Appends the digest a base image's tag points to, keeping the tag: `FROM python:3.12-slim` becomes
    /// `FROM python:3.12-slim@sha256:<digest>`, the form Renovate and Dependabot keep fresh. `FROM $BASE` whose
    /// value is a global `ARG` default is pinned in that default. `--platform` and `AS name` are kept; `scratch` and
    /// stage names are not images. An image without a tag follows `latest`, which is pinned as `:latest@…`, with
    /// a recommendation to name a real tag. Images already pinned are left alone, unless `--update-digests` (or
    /// `update-digests = true`) asks to rewrite pins whose tag has moved.
    ///
    /// It is off by default, because it needs the network: enable it with `--select pin-digest`,
    /// `--extend-select pin-digest` or `select`/`extend-select` in `dfix.toml`. The command line looks every image
    /// up once per run before fixing (`dfix.lock` first, then the registry; with `--offline`, or for
    /// `--stdin-filename` unless `[registry] stdin-network = true`, the lock file and dfix's cache only). An image
    /// that cannot be resolved is left as it is, with a note that says why.
    ///
    /// ## Why
    /// A tag is mutable: `python:3.12-slim` is rebuilt and re-pushed every few weeks, so the same Dockerfile builds
    /// different images, and a compromised registry account can replace what a tag means. A digest names exact
    /// bytes: builds become reproducible and tamper-evident, and updates arrive as reviewable changes.
    ///
    /// ## Example
    /// ```dockerfile
    /// ARG BASE=node:20-alpine
    /// FROM --platform=$BUILDPLATFORM python:3.12-slim AS build
    /// FROM ${BASE}
    /// ```
    /// Becomes:
    /// ```dockerfile
    /// ARG BASE=node:20-alpine@sha256:<digest>
    /// FROM --platform=$BUILDPLATFORM python:3.12-slim@sha256:<digest> AS build
    /// FROM ${BASE}
    /// ```
    ///
    /// ## Fix safety
    /// Safe when the digest came from the registry in this run, or from `dfix.lock`, which the user committed: the
    /// pin names exactly what the tag means now, so the next build is the same as an unpinned one. A digest from
    /// dfix's cache (offline, or when the registry failed) may be out of date, so that fix is unsafe. The digest kept
    /// is the one the tag points to, the multi-platform index when there is one, so the pin is right on every
    /// architecture. A global `ARG` is only pinned when nothing but `FROM $NAME` lines use it.
    ///
    /// ## Options
    /// - `--update-digests` / `update-digests = true`: re-resolve pinned images and rewrite pins that moved.
    /// - `[registry]` in `dfix.toml`: `mirrors`, `insecure`, `ca-certificates`, `connect-timeout`, `timeout`,
    ///   `parallel`, `never-pin` (images or registries), `cache-ttl`, `lock`, `stdin-network`.
    ///
    /// ## References
    /// - hadolint `DL3006` (always tag the image explicitly) and `DL3007` (using `latest` is error-prone)
    pub PinDigest {
        id: "pin-digest",
        summary: "Pin base images to the digest their tag points to",
        applicability: Applicability::Safe,
        default_enabled: false,
        aliases: [],
        since: "0.1.0",
    }
}

/// A reference in the file that a digest can be written into.
#[derive(Debug, Clone)]
pub struct Target {
    pub reference: Reference,
    /// The range reported: the image in FROM.
    pub range: Range<usize>,
    /// The reference text in the file (the FROM image, or the unquoted ARG default).
    pub text: Range<usize>,
    /// The ARG whose default holds the reference.
    pub arg: Option<String>,
}

impl Transform for PinDigest {
    fn meta(&self) -> &'static TransformMeta {
        &Self::META
    }

    fn looks_up_images(&self) -> bool {
        true
    }

    fn image_lookups(&self, cx: &LookupContext<'_>) -> Vec<ImageLookup> {
        wanted(cx.file, cx.config, cx.update)
            .into_iter()
            .map(|reference| ImageLookup { reference, pins: true })
            .collect()
    }

    fn run(&self, cx: &Context<'_>, out: &mut Proposals) {
        let file = cx.file;
        for target in targets(file) {
            let target = match target {
                Ok(t) => t,
                Err((range, why)) => {
                    out.propose(range, why);
                    continue;
                }
            };
            let reference = &target.reference;
            let shown = shown(file, &target);
            // The user asked never to pin this image or registry.
            if cx.config.registry.never_pins(reference) {
                continue;
            }
            let pinned = reference.digest.is_some();
            // Already pinned: only `--update-digests` looks again, and only when there is a tag to follow.
            let update = cx.digests.is_some_and(|d| d.update);
            if pinned && (!update || !reference.tag_written) {
                continue;
            }
            let Some(digests) = cx.digests else {
                out.propose(target.range, format!("cannot pin {shown}: image digests were not looked up"));
                continue;
            };
            let (digest, origin, fallback) = match digests.get(reference) {
                Some(Resolution::Resolved { digest, origin, fallback }) => (digest, origin, fallback),
                Some(Resolution::Failed(why) | Resolution::Missing(why)) => {
                    let verb = if pinned { "cannot check the pin of" } else { "cannot pin" };
                    out.propose(target.range, format!("{verb} {shown}: {why}"));
                    continue;
                }
                None => {
                    out.propose(target.range, format!("cannot pin {shown}: its digest was not looked up"));
                    continue;
                }
            };
            // The pin is still what the tag points to.
            if reference.digest.as_deref() == Some(digest.as_str()) {
                continue;
            }
            let written = file.text(target.text.clone());
            let (edit, message) = match written.find('@') {
                Some(at) => {
                    let old = &written[at + 1..];
                    (
                        Edit::replacement(digest.as_str(), target.text.start + at + 1..target.text.end),
                        format!("the tag of {shown} moved: pinned {}, now {}", short(old), short(digest)),
                    )
                }
                None if !reference.tag_written => (
                    Edit::insertion(format!(":latest@{digest}"), target.text.end),
                    format!(
                        "{shown} has no tag, so it follows `latest`, and is not pinned; `latest` is pinned as it \
                         is now, but name a real tag (a version) so that updates are deliberate"
                    ),
                ),
                None => (
                    Edit::insertion(format!("@{digest}"), target.text.end),
                    format!("{shown} is not pinned to a digest"),
                ),
            };
            let mut title = match origin {
                Origin::Registry => "Pin to the digest the registry gives for the tag now".to_string(),
                Origin::Lock => "Pin to the digest recorded in dfix.lock".to_string(),
                Origin::Cache { age } => format!("Pin to the digest dfix cached {} ago", age_text(*age)),
            };
            if let Some(why) = fallback {
                title.push_str(&format!(" (the registry could not be asked: {why})"));
            }
            let applicability = match origin {
                Origin::Registry | Origin::Lock => out.default_applicability(),
                Origin::Cache { .. } => out.default_applicability().min(Applicability::Unsafe),
            };
            out.propose(target.range, message).fix = Some(Fix::new(title, vec![edit], applicability));
        }
    }
}

/// The references a run of the transform on `file` would look up: pinnable images that are not pinned yet (or,
/// with `update`, pinned ones with a tag), minus those `never-pin` excludes.
pub fn wanted(file: &Dockerfile, config: &crate::config::Config, update: bool) -> Vec<Reference> {
    targets(file)
        .into_iter()
        .flatten()
        .map(|t| t.reference)
        .filter(|r| !config.registry.never_pins(r))
        .filter(|r| r.digest.is_none() || (update && r.tag_written))
        .map(|r| Reference { digest: None, ..r })
        .collect()
}

/// Every FROM that names a registry image, as a target or as the reason it cannot be pinned.
pub fn targets(file: &Dockerfile) -> Vec<Result<Target, (Range<usize>, String)>> {
    let mut out: Vec<Result<Target, (Range<usize>, String)>> = Vec::new();
    for stage in file.stages() {
        let target = match &stage.base {
            StageBase::Stage(_) | StageBase::Scratch => continue,
            _ if stage.image.contains('$') => arg_target(file, stage),
            StageBase::Image(_) => literal_target(file, stage),
            StageBase::Unresolved => Err("not a valid image reference".to_string()),
        };
        match target {
            // Several `FROM $BASE` share one ARG default: one target.
            Ok(t) if out.iter().flatten().any(|o| o.text == t.text) => {}
            Ok(t) => out.push(Ok(t)),
            Err(why) => out.push(Err((stage.image_range.clone(), format!("cannot pin `{}`: {why}", stage.image)))),
        }
    }
    out
}

fn literal_target(file: &Dockerfile, stage: &Stage) -> Result<Target, String> {
    if file.text(stage.image_range.clone()) != stage.image {
        return Err("the image name is split over lines".to_string());
    }
    let reference = Reference::parse(&stage.image).map_err(|e| e.reason.to_string())?;
    Ok(Target { reference, range: stage.image_range.clone(), text: stage.image_range.clone(), arg: None })
}

/// `FROM $NAME` / `FROM ${NAME}` whose value is the default of one global ARG, used nowhere else.
fn arg_target(file: &Dockerfile, stage: &Stage) -> Result<Target, String> {
    let whole = "dfix pins `FROM $NAME` only when a global ARG default names the whole image";
    let Some(name) = single_variable(&stage.image) else {
        return Err(format!("the image is built from variables; {whole}"));
    };
    let first_from = file.instructions().iter().position(|i| i.kind == InstructionKind::From).unwrap_or(usize::MAX);
    let mut definitions = Vec::new();
    for instr in file.instructions() {
        if instr.kind != InstructionKind::Arg {
            continue;
        }
        for word in split_words(instr.args.as_str(), file.escape()) {
            let key = word.raw.split_once('=').map_or(word.raw.as_str(), |(k, _)| k);
            if key != name {
                continue;
            }
            if instr.index > first_from {
                return Err(format!("ARG {name} is also declared inside a stage, where RUN can read it"));
            }
            definitions.push((instr, word));
        }
    }
    let [(instr, word)] = definitions.as_slice() else {
        return Err(match definitions.len() {
            0 => format!("{name} is not a global ARG; {whole}"),
            _ => format!("ARG {name} is declared more than once"),
        });
    };
    let Some((_, value)) = word.raw.split_once('=') else {
        return Err(format!("ARG {name} has no default"));
    };
    let value_start = word.range.start + name.len() + 1;
    let (inner, offset) = match value.as_bytes() {
        [q @ (b'"' | b'\''), .., last] if last == q && value.len() >= 2 => (&value[1..value.len() - 1], 1),
        _ => (value, 0),
    };
    if inner.is_empty() || inner.contains(['"', '\'', '$', '\\', file.escape()]) || inner.contains(char::is_whitespace)
    {
        return Err(format!("the default of ARG {name} is not a plain image reference"));
    }
    let logical = value_start + offset..value_start + offset + inner.len();
    if !instr.args.is_contiguous_range(logical.clone()) {
        return Err(format!("the default of ARG {name} is split over lines"));
    }
    if other_uses(file, name) > exact_uses(file, name) {
        return Err(format!("${name} is used elsewhere too, where a digest would change its value"));
    }
    let reference = Reference::parse(inner).map_err(|e| e.reason.to_string())?;
    Ok(Target {
        reference,
        range: stage.image_range.clone(),
        text: instr.args.range_to_file(logical),
        arg: Some(name.to_string()),
    })
}

/// `NAME` for `$NAME` or `${NAME}`.
fn single_variable(text: &str) -> Option<&str> {
    let name = text.strip_prefix("${").and_then(|t| t.strip_suffix('}')).or_else(|| text.strip_prefix('$'))?;
    let ok = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    ok.then_some(name)
}

/// FROM lines whose image is exactly `$name` or `${name}`.
fn exact_uses(file: &Dockerfile, name: &str) -> usize {
    file.stages().iter().filter(|s| single_variable(&s.image) == Some(name)).count()
}

/// References to `$name` / `${name…}` anywhere in the file (heredoc bodies and comments included).
fn other_uses(file: &Dockerfile, name: &str) -> usize {
    let source = file.source();
    let mut count = 0;
    for (at, _) in source.match_indices('$') {
        let rest = &source[at + 1..];
        let (candidate, after) = match rest.strip_prefix('{') {
            Some(inner) => (inner, inner.get(name.len()..)),
            None => (rest, rest.get(name.len()..)),
        };
        let ends = after.is_some_and(|a| !a.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_'));
        if candidate.starts_with(name) && ends {
            count += 1;
        }
    }
    count
}

/// How the image is named in messages: `` `python:3.12` `` or `` `node:20` (ARG BASE) ``.
fn shown(file: &Dockerfile, target: &Target) -> String {
    let written = file.text(target.text.clone());
    let written = written.split('@').next().unwrap_or(written);
    match &target.arg {
        Some(arg) => format!("`{written}` (ARG {arg})"),
        None => format!("`{written}`"),
    }
}

/// `sha256:0123456789ab…`
fn short(digest: &str) -> String {
    let cut = digest.find(':').map_or(0, |i| i + 1) + 12;
    if digest.len() > cut { format!("{}…", &digest[..cut]) } else { digest.to_string() }
}

fn age_text(age: Duration) -> String {
    let s = age.as_secs();
    match s {
        0..120 => format!("{s} s"),
        120..7200 => format!("{} min", s / 60),
        7200..172800 => format!("{} h", s / 3600),
        _ => format!("{} days", s / 86400),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(src: &str) -> Vec<Result<String, String>> {
        let f = Dockerfile::parse(src);
        targets(&f).into_iter().map(|t| t.map(|t| t.reference.to_string()).map_err(|(_, why)| why)).collect()
    }

    #[test]
    fn finds_images_not_stages_or_scratch() {
        let got =
            keys("FROM python:3.12 AS build\nFROM build\nFROM scratch\nFROM --platform=linux/arm64 ghcr.io/o/a:1\n");
        assert_eq!(got, [Ok("docker.io/library/python:3.12".to_string()), Ok("ghcr.io/o/a:1".to_string())]);
    }

    #[test]
    fn global_arg_defaults() {
        let src = "ARG BASE=\"node:20\"\nFROM ${BASE} AS a\nFROM $BASE\n";
        let f = Dockerfile::parse(src);
        let t = targets(&f);
        assert_eq!(t.len(), 1, "one target for the shared ARG");
        let t = t[0].as_ref().unwrap();
        assert_eq!(&src[t.text.clone()], "node:20");

        let used = keys("ARG BASE=node:20\nFROM ${BASE}\nLABEL base=$BASE\n");
        assert!(used[0].as_ref().unwrap_err().contains("used elsewhere"), "{used:?}");
        let staged = keys("ARG BASE=node:20\nFROM ${BASE}\nARG BASE\nRUN echo hi\n");
        assert!(staged[0].as_ref().unwrap_err().contains("inside a stage"), "{staged:?}");
        let composite = keys("ARG V=3\nFROM python:${V}\n");
        assert!(composite[0].as_ref().unwrap_err().contains("built from variables"), "{composite:?}");
        let missing = keys("ARG BASE\nFROM $BASE\n");
        assert!(missing[0].is_err());
        let prefix = keys("ARG BASE=node:20\nARG BASE_TAG=x\nFROM ${BASE}\nRUN echo $BASE_TAG\n");
        assert!(prefix[0].is_ok(), "$BASE_TAG is another variable: {prefix:?}");
    }

    #[test]
    fn helpers() {
        assert_eq!(single_variable("${A_1}"), Some("A_1"));
        assert_eq!(single_variable("$A"), Some("A"));
        assert_eq!(single_variable("${A:-x}"), None);
        assert_eq!(single_variable("$A/b"), None);
        assert_eq!(short(&format!("sha256:{}", "f".repeat(64))), "sha256:ffffffffffff…");
        assert_eq!(age_text(Duration::from_secs(3 * 86400)), "3 days");
    }
}
