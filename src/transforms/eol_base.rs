//! `eol-base`: name base images whose release no longer gets security fixes, and move a distro release to a
//! supported one where that is the whole change.

use std::ops::Range;

use crate::fix::{Applicability, Edit, Fix};
use crate::knowledge::{Knowledge, glob_match};
use crate::registry::{Reference, Resolution};
use crate::releases::{Date, Kind, Release, ReleaseFamily, Releases};
use crate::syntax::{Dockerfile, ImageRef, InstructionKind, StageBase};
use crate::transforms::{
    Context, ImageLookup, LookupContext, Proposals, Transform, TransformMeta, declare_transform, pin_digest,
};

declare_transform! {
    /// ## What it does
    /// Names every base image whose release no longer gets security fixes, with the date its support ended and
    /// what is supported now: `FROM` lines of every stage (a build stage on an unpatched toolchain still builds
    /// what ships), the `ARG` defaults they come from, and images in `COPY --from=<image>` and
    /// `RUN --mount=from=<image>`. A digest pin does not hide the release its tag names. Tags that name no release
    /// (`latest`, none, `stable`, `lts`) and images of unknown families are left alone.
    ///
    /// Where moving a distribution's release is the whole change, it offers a fix: a distro image's own release
    /// (`debian:stretch-slim` -> `debian:trixie-slim`, `alpine:3.10` -> `alpine:3.24`, `ubuntu:16.04` -> the
    /// newest LTS), or the distro part of a tag whose runtime is still supported (`python:3.11-slim-buster` ->
    /// `python:3.11-slim-trixie`). The target is the newest supported release the image is published on, so that
    /// the upgrade buys the longest runway; the variant (`-slim`, `-curl`, `-alpine-`) is kept, a point release
    /// (`9.13`) becomes the release, and a digest is dropped with the tag it pinned. When `pin-digest` runs too,
    /// the new tag is looked up before fixing and pinned in the same run.
    ///
    /// No fix, and the note says why, when:
    /// - the stage installs a package the target release dropped or renamed (`python2` on Alpine, `libssl1.1` on
    ///   Debian);
    /// - the runtime itself has reached its end (`python:3.7`, `node:14`, `golang:1.16-stretch`): a runtime
    ///   upgrade is a code change, so the note names the supported versions;
    /// - the image is discontinued (`centos`, `openjdk`): the note names its successors;
    /// - the stage names the old release elsewhere (an apt source for `stretch`, Alpine's `v3.10` repository),
    ///   which would no longer match the new base;
    /// - the image comes from an `ARG` that other lines use, or from several variables;
    /// - the tag names one build (`stretch-20230227`), pins a runtime's patch release (`python:3.12.1-bullseye`:
    ///   the note names the release's tag that is published), or has a variant the table does not know.
    ///
    /// "Today" is the system date; `--as-of YYYY-MM-DD` (or `as-of` in `dfix.toml`) replaces it, so that a run can
    /// be reproduced. When the table was last checked more than a year before that day, dfix says once that its
    /// end-of-life data may be out of date. The summary counts the Dockerfiles on end-of-life bases.
    ///
    /// ## Why
    /// Rebuilding picks up a base image's security fixes only while its release still gets them: `debian:stretch`,
    /// `alpine:3.10`, `ubuntu:16.04`, `python:3.7` or `node:14` get none however often they are pulled, and their
    /// known vulnerabilities stay in every image built on them.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.11-slim-buster AS build
    /// FROM debian:stretch-slim
    /// ```
    /// Becomes, with `--unsafe-fixes`:
    /// ```dockerfile
    /// FROM python:3.11-slim-trixie AS build
    /// FROM debian:trixie-slim
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe: a new release brings new package versions, and some packages are renamed or gone, so the build and
    /// the image may behave differently; review and test it. The target tag is one the release table lists as
    /// published. When `pin-digest` looked the tag up in the registry in this run, a tag the registry does not
    /// have is not proposed; otherwise the table alone decides, and the fix's title says so. A global `ARG`
    /// default is rewritten only when nothing but `FROM $NAME` uses it, and the note says that a `--build-arg`
    /// given to the build still wins.
    ///
    /// ## Knowledge
    /// `transforms/releases.toml`: per family (Debian, Ubuntu, Alpine, CentOS, Rocky Linux, AlmaLinux, Fedora,
    /// Amazon Linux, buildpack-deps, Python, Node.js, Go, Ruby, PHP, the `openjdk` image, Eclipse Temurin, Amazon
    /// Corretto, .NET), each release with its end of security support and source, its aliases (`stretch` = `9`,
    /// `xenial` = `16.04`), the tags a fix may propose, the distro releases each runtime version is published on,
    /// and the packages a release no longer has. Extend or correct it under `[knowledge.releases]` in `dfix.toml`.
    ///
    /// ## Options
    /// - `--as-of YYYY-MM-DD` / `as-of = "YYYY-MM-DD"`: the day the end dates are compared with.
    pub EolBase {
        id: "eol-base",
        summary: "Name base images whose release gets no more security fixes; move distro releases to a supported one",
        applicability: Applicability::Unsafe,
        default_enabled: true,
        aliases: [],
        since: "0.1.0",
    }
}

/// An image reference in the file.
struct Site {
    /// The reference (ARG defaults substituted).
    image: String,
    /// Where the note goes.
    range: Range<usize>,
    /// The reference's text in the file, when a fix may rewrite it.
    text: Option<Range<usize>>,
    /// Why it cannot be rewritten, when it cannot.
    fixed_not: Option<String>,
    /// The ARG whose default holds it.
    arg: Option<String>,
    /// The stages built on it (their RUN lines are checked for dropped packages).
    stages: Vec<usize>,
}

impl Transform for EolBase {
    fn meta(&self) -> &'static TransformMeta {
        &Self::META
    }

    /// The tags it would move to are asked about only when another selected transform makes the run look images
    /// up (`pin-digest`): on by default, eol-base keeps a default run off the network, with the table deciding.
    fn looks_up_images(&self) -> bool {
        false
    }

    /// The tags a fix would move to: whether they exist, and their digests, which `pin-digest` writes in the next
    /// pass (so `dfix.lock` records them).
    fn image_lookups(&self, cx: &LookupContext<'_>) -> Vec<ImageLookup> {
        wanted(cx.file, cx.knowledge, cx.config.today())
            .into_iter()
            .filter(|r| !cx.config.registry.never_pins(r))
            .map(|reference| ImageLookup { reference, pins: true })
            .collect()
    }

    fn run(&self, cx: &Context<'_>, out: &mut Proposals) {
        let today = cx.config.today();
        for site in sites(cx.file) {
            let Some(finding) = examine(&site.image, cx.knowledge, today) else { continue };
            report(cx, out, &site, finding);
        }
    }
}

/// What is wrong with one reference, and what could move it.
struct Finding {
    message: String,
    /// The new tag, or why there is none.
    target: Result<Target, String>,
}

struct Target {
    /// The whole new reference (without a digest).
    reference: String,
    /// Dropped packages to look for, and the release that dropped them.
    dropped: Vec<(String, String)>,
    /// Spellings of the old release that, written elsewhere in the stage (an apt source, a download URL), tie the
    /// stage to it.
    old: Vec<String>,
}

/// The spellings of `release` that name it unmistakably in other text: codenames (`stretch`, `xenial`) and dotted
/// numbers (`16.04`, `3.10`, also as `v3.10` in Alpine's repository URLs).
fn telling_spellings(release: &Release) -> Vec<String> {
    let mut out = Vec::new();
    for s in release.spellings() {
        if s.chars().any(|c| c.is_ascii_alphabetic()) && s.len() >= 4 {
            out.push(s.to_string());
        } else if s.contains('.') {
            out.push(s.to_string());
            out.push(format!("v{s}"));
        }
    }
    out
}

/// A spelling of the old release written as a word in the stages after their FROM.
fn mentions_old_release(file: &Dockerfile, stages: &[usize], old: &[String]) -> Option<String> {
    let boundary = |c: Option<char>| c.is_none_or(|c| !c.is_ascii_alphanumeric());
    for &index in stages {
        let stage = &file.stages()[index];
        for instr in &file.instructions()[stage.instructions.clone()] {
            if instr.index == stage.from {
                continue;
            }
            let text = file.text(instr.range.clone());
            for needle in old {
                for (at, _) in text.match_indices(needle.as_str()) {
                    let before = text[..at].chars().next_back();
                    let after = text[at + needle.len()..].chars().next();
                    // `3.10` must not be the start of `3.10.4`... nor the end of `python3.10`.
                    let after_ok = boundary(after)
                        && !(after == Some('.')
                            && text[at + needle.len() + 1..].starts_with(|c: char| c.is_ascii_digit()));
                    if boundary(before) && after_ok {
                        return Some(needle.clone());
                    }
                }
            }
        }
    }
    None
}

/// The references in `file`: FROM lines (ARG defaults substituted), `COPY --from=<image>`, `RUN --mount=from=`.
fn sites(file: &Dockerfile) -> Vec<Site> {
    let mut out: Vec<Site> = Vec::new();
    let targets = pin_digest::targets(file);
    for stage in file.stages() {
        if matches!(stage.base, StageBase::Stage(_) | StageBase::Scratch) {
            continue;
        }
        if !stage.image.contains('$') {
            let split = file.text(stage.image_range.clone()) != stage.image;
            out.push(Site {
                image: stage.image.clone(),
                range: stage.image_range.clone(),
                text: (!split).then(|| stage.image_range.clone()),
                fixed_not: split.then(|| "the image name is split over lines".to_string()),
                arg: None,
                stages: vec![stage.index],
            });
            continue;
        }
        let Some(image) = file.resolve_global_args(&stage.image) else { continue };
        // The ARG default pin-digest would write into, when there is one.
        let found = targets.iter().find_map(|t| match t {
            Ok(t) if t.arg.is_some() && t.range == stage.image_range => Some(Ok(t.clone())),
            Ok(t) if t.arg.is_some() && single_variable(&stage.image) == t.arg.as_deref() => Some(Ok(t.clone())),
            Err((range, why)) if *range == stage.image_range => Some(Err(why.clone())),
            _ => None,
        });
        match found {
            Some(Ok(t)) => {
                if let Some(site) = out.iter_mut().find(|s| s.text.as_ref() == Some(&t.text)) {
                    site.stages.push(stage.index);
                    continue;
                }
                out.push(Site {
                    image,
                    range: t.text.clone(),
                    text: Some(t.text.clone()),
                    fixed_not: None,
                    arg: t.arg.clone(),
                    stages: vec![stage.index],
                });
            }
            other => {
                let why = match other {
                    Some(Err(why)) => why
                        .split_once(": ")
                        .map_or(why.as_str(), |(_, w)| w)
                        .replace("dfix pins", "dfix rewrites")
                        .replace("where a digest would change its value", "where a new tag would change its value"),
                    _ => "the image is built from variables".to_string(),
                };
                out.push(Site {
                    image,
                    range: stage.image_range.clone(),
                    text: None,
                    fixed_not: Some(why),
                    arg: None,
                    stages: vec![stage.index],
                });
            }
        }
    }
    let is_stage =
        |value: &str| value.parse::<usize>().is_ok() || file.stage_by_name(&value.to_ascii_lowercase()).is_some();
    for instr in file.instructions() {
        match instr.kind {
            InstructionKind::Copy => {
                let Some(flag) = instr.flag("from") else { continue };
                let (Some(value), Some(range)) = (&flag.value, &flag.value_range) else { continue };
                if is_stage(value) || value.contains('$') {
                    continue;
                }
                let plain = file.text(range.clone()) == value;
                out.push(Site {
                    image: value.clone(),
                    range: range.clone(),
                    text: plain.then(|| range.clone()),
                    fixed_not: (!plain).then(|| "the image is quoted or split over lines".to_string()),
                    arg: None,
                    stages: Vec::new(),
                });
            }
            InstructionKind::Run => {
                for flag in instr.flags.iter().filter(|f| f.name.eq_ignore_ascii_case("mount")) {
                    let Some(value) = &flag.value else { continue };
                    let from = value.split(',').find_map(|kv| kv.strip_prefix("from="));
                    let Some(from) = from.filter(|f| !is_stage(f) && !f.contains('$')) else { continue };
                    out.push(Site {
                        image: from.to_string(),
                        range: flag.range.clone(),
                        text: None,
                        fixed_not: Some("dfix does not rewrite images inside --mount options".to_string()),
                        arg: None,
                        stages: Vec::new(),
                    });
                }
            }
            _ => {}
        }
    }
    out
}

/// `NAME` for `$NAME` or `${NAME}`.
fn single_variable(text: &str) -> Option<&str> {
    let name = text.strip_prefix("${").and_then(|t| t.strip_suffix('}')).or_else(|| text.strip_prefix('$'))?;
    let ok = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    ok.then_some(name)
}

/// The repository as the release table names it: with its registry unless that mirrors Docker Hub, without
/// `library/`.
pub fn table_repository(image: &ImageRef, knowledge: &Knowledge) -> String {
    let mut repository = match &image.registry {
        Some(registry) => format!("{registry}/{}", image.repository),
        None => image.repository.clone(),
    };
    for mirror in &knowledge.images.hub_mirrors {
        if let Some(rest) = repository.strip_prefix(mirror.as_str()).and_then(|r| r.strip_prefix('/')) {
            repository = rest.to_string();
            break;
        }
    }
    repository.strip_prefix("library/").map(str::to_string).unwrap_or(repository)
}

/// `3.11, 3.12 and 3.13`
fn listed(releases: &[&Release]) -> String {
    let names: Vec<String> = releases.iter().map(|r| r.label()).collect();
    match names.as_slice() {
        [] => "none".to_string(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// What is wrong with `image` on `today`, if anything.
fn examine(image: &str, knowledge: &Knowledge, today: Date) -> Option<Finding> {
    let table = &knowledge.releases;
    let parsed = ImageRef::parse(image)?;
    let repository = table_repository(&parsed, knowledge);
    let (_, family) = table.family_for(&repository)?;
    let tag = parsed.tag.as_deref();
    // Messages name the image by its tag; a digest pin does not change the release the tag names.
    let shown = match image.split_once('@') {
        Some((name, _)) => format!("{name}@…"),
        None => image.to_string(),
    };
    let image = shown.as_str();
    if let Some(since) = family.discontinued {
        if tag.is_some_and(|t| family.exempt.iter().any(|p| glob_match(p, t))) || since >= today {
            return None;
        }
        let release = tag.and_then(|t| table.read(family, t).release).map(|(r, _)| r);
        let successors = family.successors.as_deref().unwrap_or("another image");
        let what = match release {
            Some(r) => format!("{} {} reached end of life on {}; ", family.name, r.name, r.end),
            None => String::new(),
        };
        return Some(Finding {
            message: format!(
                "`{image}`: {what}{} is discontinued (no updates since {since}) and gets no security fixes",
                family.name
            ),
            target: Err(format!("the image is discontinued: move to {successors}")),
        });
    }
    let tag = tag?;
    let reading = table.read(family, tag);
    match family.kind {
        Kind::Distro => {
            let (release, range) = reading.release?;
            if !release.ended_by(today) {
                return None;
            }
            let supported = Releases::supported(family, today);
            let message = format!(
                "`{image}`: {} {} reached end of life on {} and gets no security fixes; supported now: {}",
                family.name,
                release.label(),
                release.end,
                listed(&supported)
            );
            let target = distro_target(&parsed, image, family, release, range, tag, today);
            Some(Finding { message, target })
        }
        Kind::Runtime | Kind::DistroTags => {
            let runtime_ended = reading.release.as_ref().filter(|(r, _)| r.ended_by(today));
            let distro_ended = reading.distro.as_ref().filter(|d| d.release.ended_by(today));
            let distro_text = distro_ended.map(|d| {
                format!("{} {}, which reached end of life on {}", d.family.name, d.release.label(), d.release.end)
            });
            if let Some((release, _)) = runtime_ended {
                let supported = Releases::supported(family, today);
                let mut message = format!(
                    "`{image}`: {} {} reached end of life on {} and gets no security fixes; supported now: {}",
                    family.name,
                    release.name,
                    release.end,
                    listed(&supported)
                );
                if let Some(d) = distro_text {
                    message.push_str(&format!("; it is also built on {d}"));
                }
                let why = format!("moving to a supported {} version is a code change", family.name);
                return Some(Finding { message, target: Err(why) });
            }
            let part = distro_ended?;
            let message = format!("`{image}` is built on {} and gets no security fixes", distro_text?);
            let on = match &reading.release {
                Some((release, _)) => &release.on,
                None if family.kind == Kind::DistroTags => &family.on,
                None => {
                    let why = "the table does not know which distro releases this version is published on";
                    return Some(Finding { message, target: Err(why.to_string()) });
                }
            };
            let Some(to) = Releases::distro_part_target(part.family, on, today) else {
                let why = format!(
                    "the table lists no supported {} release that {} is published on",
                    part.family.name,
                    reading
                        .release
                        .as_ref()
                        .map_or(family.name.clone(), |(r, _)| format!("{} {}", family.name, r.name))
                );
                return Some(Finding { message, target: Err(why) });
            };
            if !newer(part.family, to, part.release) {
                let why = format!(
                    "the newest supported {} release it is published on, {}, is older than {}",
                    part.family.name,
                    to.label(),
                    part.release.label()
                );
                return Some(Finding { message, target: Err(why) });
            }
            let tag_start = parsed.tag_range.as_ref().map_or(0, |r| r.start);
            let name_part = &image[..tag_start];
            let new_tag = format!("{}{}{}", &tag[..part.range.start], to.name, &tag[part.range.end..]);
            // `3.13.3`, `8u302`, `11.0.12_7`: a patch release is published on the distro releases of its day, which
            // the table does not record; the release's own tag is.
            if let Some((release, range)) = &reading.release
                && !release.spellings().any(|s| s == &tag[range.clone()])
            {
                let written = &tag[range.clone()];
                let suggestion = format!("{}{}", release.name, &new_tag[range.end..]);
                let why = format!(
                    "`{written}` pins a patch release, which the table does not know to be published on {} {}; \
                     `{}{suggestion}` is",
                    part.family.name,
                    to.label(),
                    &image[..tag_start]
                );
                return Some(Finding { message, target: Err(why) });
            }
            let dropped = dropped_between(part.family, part.release, to);
            let old = telling_spellings(part.release);
            Some(Finding { message, target: Ok(Target { reference: format!("{name_part}{new_tag}"), dropped, old }) })
        }
    }
}

/// The new reference for a distro image whose release ended.
fn distro_target(
    parsed: &ImageRef,
    image: &str,
    family: &ReleaseFamily,
    release: &Release,
    range: Range<usize>,
    tag: &str,
    today: Date,
) -> Result<Target, String> {
    let Some(to) = Releases::distro_target(family, today) else {
        return Err(format!("the table lists no supported {} release to move to", family.name));
    };
    if !newer(family, to, release) {
        return Err(format!(
            "the newest supported {} release the table lists tags for, {}, is older than {}",
            family.name,
            to.label(),
            release.label()
        ));
    }
    let written = &tag[range.clone()];
    // Keep the spelling: a codename stays a codename, a number a number.
    let new_release = if written == release.name {
        to.name.clone()
    } else {
        let index = release.aliases.iter().position(|a| a == written).unwrap_or(0);
        to.aliases.get(index).or(to.aliases.first()).unwrap_or(&to.name).clone()
    };
    let mut rest = &tag[range.end..];
    // A point release (`9.13`, `3.10.4`, `7.9.2009`) becomes the release.
    if let Some(point) = rest.strip_prefix('.') {
        rest = &point[point.find('-').unwrap_or(point.len())..];
    }
    let variant = rest.strip_prefix('-').unwrap_or(rest);
    if !variant.is_empty() && !family.variants.iter().any(|v| v == variant) {
        let why = if variant.starts_with(|c: char| c.is_ascii_digit()) {
            format!("the tag's `-{variant}` names one build of the release; choose the new tag yourself")
        } else {
            format!("the table does not know the variant `-{variant}`")
        };
        return Err(why);
    }
    let new_tag = if variant.is_empty() { new_release } else { format!("{new_release}-{variant}") };
    if !to.tags.contains(&new_tag) {
        return Err(format!("the table does not list `{new_tag}` among the published tags of {}", to.label()));
    }
    let tag_start = parsed.tag_range.as_ref().map_or(image.len(), |r| r.start);
    Ok(Target {
        reference: format!("{}{new_tag}", &image[..tag_start]),
        dropped: dropped_between(family, release, to),
        old: telling_spellings(release),
    })
}

/// Whether `a` comes before (is newer than) `b` in the family's list.
fn newer(family: &ReleaseFamily, a: &Release, b: &Release) -> bool {
    let at = |r: &Release| family.releases.iter().position(|x| x.name == r.name);
    matches!((at(a), at(b)), (Some(x), Some(y)) if x < y)
}

/// The packages dropped by the releases after `from` up to and including `to`, with the release that dropped them.
fn dropped_between(family: &ReleaseFamily, from: &Release, to: &Release) -> Vec<(String, String)> {
    let (Some(a), Some(b)) = (
        family.releases.iter().position(|r| r.name == to.name),
        family.releases.iter().position(|r| r.name == from.name),
    ) else {
        return Vec::new();
    };
    family.releases[a.min(b)..b]
        .iter()
        .flat_map(|r| r.dropped.iter().map(move |p| (p.clone(), format!("{} {}", family.name, r.label()))))
        .collect()
}

/// A package installed in one of `stages` that matches a dropped pattern: (package, the release that dropped it).
fn installs_dropped(file: &Dockerfile, stages: &[usize], dropped: &[(String, String)]) -> Option<(String, String)> {
    if dropped.is_empty() {
        return None;
    }
    for &index in stages {
        let stage = &file.stages()[index];
        for instr in &file.instructions()[stage.instructions.clone()] {
            if instr.kind != InstructionKind::Run {
                continue;
            }
            let text = instr.args.as_str();
            let words: Vec<&str> = text.split(|c: char| c.is_whitespace() || ";&|()'\"\\".contains(c)).collect();
            if !words.iter().any(|w| matches!(*w, "install" | "add")) {
                continue;
            }
            for word in words {
                let name = word.split(['=', ':']).next().unwrap_or(word);
                if let Some((_, release)) = dropped.iter().find(|(p, _)| glob_match(p, name)) {
                    return Some((name.to_string(), release.clone()));
                }
            }
        }
    }
    None
}

fn report(cx: &Context<'_>, out: &mut Proposals, site: &Site, finding: Finding) {
    let file = cx.file;
    let mut message = finding.message;
    let target = match finding.target {
        Ok(target) => target,
        Err(why) => {
            out.propose(site.range.clone(), format!("{message}; no fix: {why}"));
            return;
        }
    };
    let Some(text) = site.text.clone() else {
        let why = site.fixed_not.as_deref().unwrap_or("the image cannot be rewritten in place");
        out.propose(site.range.clone(), format!("{message}; no fix to `{}`: {why}", target.reference));
        return;
    };
    if let Some((package, release)) = installs_dropped(file, &site.stages, &target.dropped) {
        out.propose(
            site.range.clone(),
            format!(
                "{message}; no fix to `{}`: the stage installs `{package}`, which {release} no longer has",
                target.reference
            ),
        );
        return;
    }
    if let Some(spelling) = mentions_old_release(file, &site.stages, &target.old) {
        out.propose(
            site.range.clone(),
            format!(
                "{message}; no fix to `{}`: the stage names `{spelling}` elsewhere (a package source or download for \
                 that release), which would no longer match",
                target.reference
            ),
        );
        return;
    }
    // The registry's answer, when pin-digest looked the new tag up in this run.
    let checked = Reference::parse(&target.reference).ok().and_then(|r| cx.digests.and_then(|d| d.get(&r)).cloned());
    let existence = match checked {
        Some(Resolution::Resolved { .. }) => "the registry has it".to_string(),
        // The registry answered that the tag does not exist.
        Some(Resolution::Missing(why)) => {
            out.propose(
                site.range.clone(),
                format!("{message}; no fix: the registry does not have `{}` ({why})", target.reference),
            );
            return;
        }
        _ => "the release table says it is published; not checked in a registry".to_string(),
    };
    if let Some(arg) = &site.arg {
        message.push_str(&format!(
            " (the default of ARG {arg}; a `--build-arg {arg}=...` given to the build still wins over it)"
        ));
    }
    let edit = Edit::replacement(target.reference.as_str(), text);
    let title = format!("Move to `{}` ({existence})", target.reference);
    let applicability = out.default_applicability();
    // The finding is a note of its own, so that it is shown when the unsafe fix is held back; once the fix is
    // applied, the next pass finds nothing and the note is gone.
    let verb = if applicability >= Applicability::Safe { "dfix moves" } else { "--unsafe-fixes moves" };
    out.propose(site.range.clone(), format!("{message}; {verb} it to `{}`", target.reference));
    out.propose(site.range.clone(), format!("move `{}` to a supported release", site.image)).fix =
        Some(Fix::new(title, vec![edit], applicability));
}

/// The references a run would move to, for looking them up before fixing when `pin-digest` runs too.
pub fn wanted(file: &Dockerfile, knowledge: &Knowledge, today: Date) -> Vec<Reference> {
    sites(file)
        .iter()
        .filter(|s| s.text.is_some())
        .filter_map(|s| examine(&s.image, knowledge, today))
        .filter_map(|f| f.target.ok())
        .filter_map(|t| Reference::parse(&t.reference).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(image: &str, day: &str) -> Option<(String, Result<String, String>)> {
        let f = examine(image, Knowledge::builtin(), Date::parse(day).unwrap())?;
        Some((f.message, f.target.map(|t| t.reference)))
    }

    #[test]
    fn distro_images_move_to_the_newest_supported_release() {
        let (msg, to) = finding("debian:stretch-slim", "2026-12-04").unwrap();
        assert!(msg.contains("Debian stretch (9) reached end of life on 2022-07-01"), "{msg}");
        assert_eq!(to.unwrap(), "debian:trixie-slim");
        assert_eq!(finding("debian:9.13", "2026-12-04").unwrap().1.unwrap(), "debian:13");
        assert_eq!(finding("debian:stretch", "2023-01-01").unwrap().1.unwrap(), "debian:bullseye");
        assert!(finding("debian:bookworm", "2026-12-04").is_none());
        assert_eq!(finding("ubuntu:16.04", "2026-12-04").unwrap().1.unwrap(), "ubuntu:26.04");
        assert_eq!(finding("ubuntu:xenial", "2025-01-01").unwrap().1.unwrap(), "ubuntu:noble");
        assert_eq!(finding("alpine:3.10.4", "2026-12-04").unwrap().1.unwrap(), "alpine:3.24");
        assert!(finding("debian:stretch-20230227", "2026-12-04").unwrap().1.unwrap_err().contains("one build"));
        assert!(finding("debian:latest", "2026-12-04").is_none());
        assert!(finding("debian", "2026-12-04").is_none());
        assert!(finding("someone/debian:stretch", "2026-12-04").is_none());
    }

    #[test]
    fn runtimes_keep_their_version_and_move_their_distro() {
        assert_eq!(finding("python:3.11-slim-buster", "2026-12-04").unwrap().1.unwrap(), "python:3.11-slim-trixie");
        assert_eq!(finding("node:22-alpine3.12", "2026-12-04").unwrap().1.unwrap(), "node:22-alpine3.24");
        let (msg, to) = finding("python:3.7", "2026-12-04").unwrap();
        assert!(msg.contains("Python 3.7 reached end of life on 2023-06-27"), "{msg}");
        assert!(to.unwrap_err().contains("code change"));
        assert!(finding("python:3.7", "2023-06-27").is_none(), "the end date is the last supported day");
        assert!(finding("python:3.7", "2023-06-28").is_some());
        let (msg, _) = finding("golang:1.16-stretch", "2026-12-04").unwrap();
        assert!(msg.contains("also built on Debian stretch"), "{msg}");
        assert!(finding("centos:7", "2026-12-04").unwrap().1.unwrap_err().contains("rockylinux"));
        assert!(finding("openjdk:27-rc-jdk", "2026-12-04").is_none());
        assert!(finding("openjdk:8-jdk", "2026-12-04").unwrap().0.contains("discontinued"));
        assert!(finding("python:3.12-slim", "2026-12-04").is_none());
    }
}
