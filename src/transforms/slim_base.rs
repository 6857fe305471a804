//! `slim-base`: move the final stage to the slim variant of its base image where the evidence says it cannot break.

use std::ops::Range;

use crate::config::Config;
use crate::fix::{Applicability, Edit};
use crate::knowledge::{Images, Slim, SlimImage, glob_match};
use crate::registry::{Origin, Reference, Resolution};
use crate::syntax::{Dockerfile, ImageRef, InstructionKind, Stage, StageBase};
use crate::transforms::non_root_user::commands::{basename, run_texts, words};
use crate::transforms::pin_digest::{self, Target};
use crate::transforms::{Context, ImageLookup, LookupContext, Proposals, Transform, TransformMeta, declare_transform};

declare_transform! {
    /// ## What it does
    /// Moves the final stage's base image to the slim variant of the same image, release and distribution
    /// (`python:3.12` to `python:3.12-slim`, `node:20-bookworm` to `node:20-bookworm-slim`, `debian:bookworm` to
    /// `debian:bookworm-slim`, `eclipse-temurin:21-jdk` to `eclipse-temurin:21-jre`), when nothing the stage runs
    /// needs what the slim variant lacks, and the registry has the tag.
    ///
    /// ## Why
    /// The default tags of the Debian-based language images carry a whole build toolchain (gcc, make, headers,
    /// git, curl, ...) and are several hundred MB larger than their slim variants. An image that only runs an
    /// application does not need any of it: the toolchain only makes it larger, slower to pull, and gives a
    /// vulnerability scanner more to report.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12
    /// WORKDIR /app
    /// COPY . .
    /// RUN pip install --no-cache-dir -r requirements.txt
    /// CMD ["python", "main.py"]
    /// ```
    /// Becomes:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// WORKDIR /app
    /// COPY . .
    /// RUN pip install --no-cache-dir -r requirements.txt
    /// CMD ["python", "main.py"]
    /// ```
    ///
    /// Nothing is changed, and a note names the reason, when: a RUN (its `sh -c` strings and heredocs included),
    /// the shell or exec form of ENTRYPOINT and CMD, or HEALTHCHECK CMD (`curl` is the classic) runs a command
    /// the slim variant lacks, unless the stage installs its package before (`apt-get install ... curl` earlier
    /// in the same RUN, or in an earlier RUN); a RUN builds something (`gcc`, `make`, `cmake`, `./configure`,
    /// `cargo build`, `go build`, `python setup.py`, `pip install` of a source tree, a VCS URL or with
    /// `--no-binary`, `npm`/`yarn` installs of native addons or with `--build-from-source`, `gem install` of a
    /// native gem, `bundle install`, `cpanm`); the stage, a later stage's `COPY --from` of it or an ONBUILD uses
    /// a path only the default image has (`/usr/include`, `/usr/lib/gcc`); an ONBUILD RUN would run in images built
    /// on it, which dfix cannot see; a later stage is built on it; the tag is built
    /// from variables, or its ARG names another stage's base too; the variant would be another distribution
    /// (`openjdk:17` is Oracle Linux, its `-slim` Debian); the tag has no variant (`debian:latest`); the registry
    /// says the variant's tag does not exist. Images with no slim variant (golang, php, ubuntu, alpine, ...) and
    /// tags that already name a variant (`-slim`, `-alpine`, `-jre`, `-windowsservercore`, ...) are left alone
    /// without a note. The variant is never alpine or distroless, and never another release.
    ///
    /// When the only reasons are build steps, the note says that a multi-stage build allows the swap: build in a
    /// stage on the default image, copy the result into a final stage on the slim one:
    /// ```dockerfile
    /// FROM python:3.12 AS build
    /// RUN pip wheel --wheel-dir /wheels .
    ///
    /// FROM python:3.12-slim
    /// COPY --from=build /wheels /wheels
    /// RUN pip install --no-cache-dir /wheels/*
    /// ```
    ///
    /// A base pinned by digest gets the variant's digest when the registry (or `dfix.lock`) gives it; otherwise the
    /// digest is dropped, never kept (it is the default image's), and `pin-digest`, when it runs too, pins the new
    /// tag in the same run. A base named by a global `ARG` default (`FROM $BASE`) has the default rewritten, with a
    /// note that a `--build-arg` given to the build wins over it.
    ///
    /// ## Fix safety
    /// Unsafe, and off by default (it asks a registry, like `pin-digest`): the application itself may load a
    /// library or run a program the slim variant lacks at run time (a `subprocess` call to `git`, a shared library
    /// from a `-dev` package), which no Dockerfile shows. The note of each fix names the evidence: the commands
    /// checked, and whether the tag was found in the registry, in `dfix.lock` or dfix's cache, or (offline, or when
    /// the registry could not be asked) only in the table.
    ///
    /// ## Knowledge
    /// `transforms/images.toml`, `[slim]`: `variant-tags` (tags left alone), `builds` (commands that build),
    /// `native-npm` and `native-gems`, `[slim.packages]` (the commands of each Debian package), `[slim.lacks]`
    /// (package sets a variant lacks), and `[slim.images.<repository>]` (`variant`, `before`, `replace`, `latest`:
    /// the tag scheme; `lacks`, `paths`, `tools`: what the variant does not have). The family rules of the same
    /// table must give the variant the family of the original.
    ///
    /// ## Options
    /// In `dfix.toml`, `[transforms.slim-base]`:
    /// - `stages` (default `"final"`): `"all"` also moves the stages the final stage copies from (`COPY --from`),
    ///   with the same checks;
    /// - `applicability`: `"safe"` to apply it without `--unsafe-fixes`.
    ///
    /// The registry is configured under `[registry]` as for `pin-digest` (mirrors, credentials, `dfix.lock`);
    /// `--offline` decides from the table alone.
    pub SlimBase {
        id: "slim-base",
        summary: "Move the final stage to the slim variant of its base image",
        applicability: Applicability::Unsafe,
        default_enabled: false,
        aliases: [],
        since: "0.1.0",
    }
}

const ID: &str = "slim-base";

impl Transform for SlimBase {
    fn meta(&self) -> &'static TransformMeta {
        &Self::META
    }

    fn check_option(&self, key: &str, value: &toml::Value) -> Result<(), String> {
        Settings { all_stages: false }.set(key, value)
    }

    fn looks_up_images(&self) -> bool {
        true
    }

    fn image_lookups(&self, cx: &LookupContext<'_>) -> Vec<ImageLookup> {
        let Ok(settings) = Settings::read(cx.config) else { return Vec::new() };
        candidates(cx.file, &cx.knowledge.images, &settings)
            .into_iter()
            .filter_map(|c| c.ok())
            .map(|c| ImageLookup { reference: c.target, pins: cx.pinning })
            .collect()
    }

    fn run(&self, cx: &Context<'_>, out: &mut Proposals) {
        let settings = match Settings::read(cx.config) {
            Ok(s) => s,
            Err(message) => {
                out.propose(0..0, message);
                return;
            }
        };
        for candidate in candidates(cx.file, &cx.knowledge.images, &settings) {
            let candidate = match candidate {
                Ok(c) => c,
                Err(Refusal { range, message }) => {
                    out.propose(range, message);
                    continue;
                }
            };
            propose(cx, candidate, out);
        }
    }
}

/// The transform's options from `dfix.toml`.
struct Settings {
    all_stages: bool,
}

impl Settings {
    fn read(config: &Config) -> Result<Settings, String> {
        let mut s = Settings { all_stages: false };
        let Some(table) = config.transform(ID) else { return Ok(s) };
        for (key, value) in table {
            s.set(key, value).map_err(|e| format!("[transforms.{ID}] {key} {e}"))?;
        }
        Ok(s)
    }

    /// Set one option; `Err` completes "`<key>` ...".
    fn set(&mut self, key: &str, value: &toml::Value) -> Result<(), String> {
        match key {
            "stages" => {
                self.all_stages = match value.as_str() {
                    Some("final") => false,
                    Some("all") => true,
                    _ => return Err("must be \"final\" or \"all\"".to_string()),
                }
            }
            "applicability" => {}
            _ => return Err(format!("is not an option of {ID} (stages)")),
        }
        Ok(())
    }
}

/// A base image the table says can move to its slim variant.
struct Candidate {
    /// The FROM image, where the finding is reported.
    range: Range<usize>,
    /// The reference text to rewrite (the FROM image, or the ARG default).
    text: Range<usize>,
    /// `python:3.12` as written, without a digest.
    shown: String,
    /// The new reference text, without a digest.
    new_text: String,
    /// The variant's reference, which must exist.
    target: Reference,
    /// The digest the original is pinned to.
    pinned: bool,
    arg: Option<String>,
    /// The commands checked (those the variant lacks), for the note.
    checked: Vec<String>,
}

struct Refusal {
    range: Range<usize>,
    message: String,
}

/// The stages to consider: the final one, and with `stages = "all"` those it copies from.
fn stages<'a>(file: &'a Dockerfile, settings: &Settings) -> Vec<&'a Stage> {
    let Some(last) = file.final_stage() else { return Vec::new() };
    let mut out = vec![last];
    if settings.all_stages {
        for instr in &file.instructions()[last.instructions.clone()] {
            if !matches!(instr.kind, InstructionKind::Copy | InstructionKind::Add) {
                continue;
            }
            let Some(name) = instr.flag("from").and_then(|f| f.value.as_deref()).map(str::to_ascii_lowercase) else {
                continue;
            };
            let stage =
                file.stage_by_name(&name).or_else(|| name.parse::<usize>().ok().and_then(|i| file.stages().get(i)));
            if let Some(stage) = stage.filter(|s| s.index < last.index && !out.iter().any(|o| o.index == s.index)) {
                out.push(stage);
            }
        }
    }
    out
}

/// Each stage's base, as a candidate or as the reason it is refused; images the table has no variant for are left
/// out without a word.
fn candidates(file: &Dockerfile, images: &Images, settings: &Settings) -> Vec<Result<Candidate, Refusal>> {
    if !file.errors().is_empty() {
        return Vec::new();
    }
    let targets: Vec<Result<Target, (Range<usize>, String)>> = pin_digest::targets(file);
    let mut out = Vec::new();
    for stage in stages(file, settings) {
        if let Some(result) = candidate(file, images, stage, &targets) {
            out.push(result);
        }
    }
    out
}

fn candidate(
    file: &Dockerfile,
    images: &Images,
    stage: &Stage,
    targets: &[Result<Target, (Range<usize>, String)>],
) -> Option<Result<Candidate, Refusal>> {
    let StageBase::Image(resolved) = &stage.base else { return None };
    let slim = &images.slim;
    // Docker Hub images as official images are written (`python`), others with their registry.
    let repository = images.hub_repository(resolved).unwrap_or_else(|| match &resolved.registry {
        Some(registry) => format!("{registry}/{}", resolved.repository),
        None => resolved.repository.clone(),
    });
    let variant = slim.images.get(&repository)?;
    let tag = resolved.tag.clone().unwrap_or_else(|| "latest".to_string());
    if slim.variant_tags.iter().any(|p| glob_match(p, &tag)) {
        return None;
    }
    let range = stage.image_range.clone();
    let refuse = |why: String| {
        Some(Err(Refusal { range: range.clone(), message: format!("{why}; not moved to a slim variant") }))
    };
    let written_image = format!("`{}`", stage.image);
    // Where the reference is written: the FROM line, or the global ARG default it names.
    // Several `FROM $BASE` share one target, reported at the first of them.
    let variable = stage.image.trim_start_matches("${").trim_start_matches('$').trim_end_matches('}');
    let target = targets.iter().find_map(|t| match t {
        Ok(t) if t.range == stage.image_range => Some(Ok(t)),
        Ok(t) if stage.image.starts_with('$') && t.arg.as_deref() == Some(variable) => Some(Ok(t)),
        Err((r, why)) if *r == stage.image_range => Some(Err(why.clone())),
        _ => None,
    });
    let target = match target {
        Some(Ok(t)) => t,
        Some(Err(why)) => {
            let why = why.strip_prefix(&format!("cannot pin `{}`: ", stage.image)).unwrap_or(&why).to_string();
            return refuse(format!("the base image {written_image} cannot be rewritten: {why}"));
        }
        None => return None,
    };
    if let Some(arg) = &target.arg {
        let others: Vec<&Stage> = file
            .stages()
            .iter()
            .filter(|s| {
                s.index != stage.index
                    && s.image.starts_with('$')
                    && s.image.trim_start_matches("${").trim_start_matches('$').trim_end_matches('}') == arg
            })
            .collect();
        if let Some(other) = others.first() {
            return refuse(format!(
                "ARG {arg} also names the base of stage {}, which needs the default image as much as this one may",
                stage_name(other)
            ));
        }
    }
    let written = file.text(target.text.clone());
    let plain = written.split('@').next().unwrap_or(written);
    let image = ImageRef::parse(plain)?;
    let Some(new_tag) = variant.variant_tag(&tag) else {
        return refuse(format!("`{plain}` has no slim variant (the table knows none for the tag `{tag}`)"));
    };
    let new_text = match &image.tag_range {
        Some(r) => format!("{}{}{}", &plain[..r.start], new_tag, &plain[r.end..]),
        None => format!("{plain}:{new_tag}"),
    };
    let Ok(target_reference) = Reference::parse(&new_text) else { return None };
    // The same distribution: a variant of another family is another image, not a slimmer one.
    let before = images.facts(resolved).family;
    let after = images.facts(&ImageRef::parse(&new_text)?).family;
    if before != after {
        return refuse(format!(
            "`{new_text}` is another distribution than `{plain}` ({} instead of {})",
            after.unwrap_or("unknown"),
            before.unwrap_or("unknown")
        ));
    }
    let shown_target = format!("`{new_text}`");
    let lacked = slim.lacked_commands(variant);
    let reasons = reasons(file, slim, variant, stage, &lacked, &shown_target);
    if !reasons.is_empty() {
        let builds_only = reasons.iter().all(|r| r.build);
        let mut message = format!("`{plain}` could be {shown_target}, but {}", join_reasons(&reasons));
        if builds_only {
            message.push_str(
                "; a multi-stage build allows the swap: build in a stage on the default image and copy the result \
                 into a final stage on the slim one (`dfix explain slim-base`)",
            );
        }
        return Some(Err(Refusal { range, message }));
    }
    Some(Ok(Candidate {
        range: stage.image_range.clone(),
        text: target.text.clone(),
        shown: plain.to_string(),
        new_text,
        target: target_reference,
        pinned: written.contains('@'),
        arg: target.arg.clone(),
        checked: lacked.iter().map(|(t, _)| t.to_string()).collect(),
    }))
}

fn stage_name(stage: &Stage) -> String {
    stage.name.as_deref().map_or_else(|| stage.index.to_string(), |n| format!("`{n}`"))
}

struct Reason {
    text: String,
    /// A build step: a multi-stage build would allow the swap.
    build: bool,
}

fn join_reasons(reasons: &[Reason]) -> String {
    let texts: Vec<&str> = reasons.iter().map(|r| r.text.as_str()).collect();
    texts.join("; ")
}

/// Shell keywords and wrappers after which a word is a command.
const WRAPPERS: &[&str] = &[
    "env", "xargs", "sudo", "nohup", "time", "nice", "command", "builtin", "then", "do", "else", "if", "while",
    "until", "!", "exec",
];

/// A command text's words, with whether each is run as a command (after a separator or a wrapper).
fn commands_of(text: &str) -> Vec<(String, bool)> {
    let flat = text.replace('\n', " ; ");
    let ws = words(&flat);
    let mut out = Vec::with_capacity(ws.len());
    for (i, &(w, position)) in ws.iter().enumerate() {
        let after_wrapper = i > 0 && WRAPPERS.contains(&basename(ws[i - 1].0));
        out.push((w.to_string(), position || after_wrapper));
    }
    out
}

/// Everything in the stage (and what depends on it) that needs the default image.
fn reasons(
    file: &Dockerfile,
    slim: &Slim,
    variant: &SlimImage,
    stage: &Stage,
    lacked: &[(&str, Option<&str>)],
    target: &str,
) -> Vec<Reason> {
    let mut out: Vec<Reason> = Vec::new();
    let mut push = |reason: Reason| {
        if !out.iter().any(|r| r.text == reason.text) {
            out.push(reason);
        }
    };
    let instructions = &file.instructions()[stage.instructions.start + 1..stage.instructions.end];
    // Packages installed so far in the stage: (instruction, word index) -> package.
    let mut installed: Vec<String> = Vec::new();
    let provides =
        |package: &str, command: &str| slim.packages.get(package).is_some_and(|c| c.iter().any(|c| c == command));
    let mut all_installed: Vec<String> = Vec::new();
    for instr in instructions.iter().filter(|i| i.kind == InstructionKind::Run) {
        for text in run_texts(file, instr) {
            all_installed.extend(apt_installs(&commands_of(text)).into_iter().map(|(_, p)| p));
        }
    }
    for instr in instructions {
        let line = file.line_col(instr.range.start).0;
        let what = format!("{} at line {line}", instr.kind.as_str().to_ascii_uppercase());
        let texts: Vec<String> = match instr.kind {
            InstructionKind::Run => run_texts(file, instr).map(str::to_string).collect(),
            InstructionKind::Cmd | InstructionKind::Entrypoint => vec![match &instr.exec {
                Some(items) => items.join(" "),
                None => instr.args.as_str().to_string(),
            }],
            InstructionKind::Healthcheck => {
                let text = instr.args.as_str();
                let upper = text.to_ascii_uppercase();
                match upper.find("CMD") {
                    Some(at) => vec![text[at + 3..].to_string()],
                    None => Vec::new(),
                }
            }
            // The instruction an image built on this one runs. A RUN there runs in an image dfix cannot see, right
            // after its FROM, so nothing can install a missing tool before it: refused whatever it runs.
            InstructionKind::Onbuild => {
                let text = instr.args.as_str().trim_start();
                let (keyword, rest) = text.split_once(char::is_whitespace).unwrap_or((text, ""));
                if keyword.eq_ignore_ascii_case("RUN") {
                    push(Reason {
                        text: format!(
                            "{what} runs `{}` in every image built on this one, which may need the default image",
                            rest.trim()
                        ),
                        build: false,
                    });
                    vec![rest.to_string()]
                } else {
                    vec![text.to_string()]
                }
            }
            _ => Vec::new(),
        };
        let is_run = instr.kind == InstructionKind::Run;
        for text in &texts {
            for path in &variant.paths {
                if mentions_path(text, path) {
                    push(Reason {
                        text: format!("{what} uses {path}, which only the default image has"),
                        build: false,
                    });
                }
            }
            let commands = commands_of(text);
            let installs = apt_installs(&commands);
            for (i, (word, command)) in commands.iter().enumerate() {
                if !command {
                    continue;
                }
                let name = basename(word);
                if let Some((tool, package)) = lacked.iter().find(|(t, _)| *t == name) {
                    // Installed before it runs: earlier in the stage, or earlier in this RUN.
                    let before: Vec<&String> = if is_run {
                        installed.iter().chain(installs.iter().filter(|(at, _)| *at < i).map(|(_, p)| p)).collect()
                    } else {
                        all_installed.iter().collect()
                    };
                    if package.is_some() && before.iter().any(|p| provides(p, tool)) {
                        continue;
                    }
                    push(Reason { text: format!("{what} runs `{tool}`, which {target} lacks"), build: false });
                }
            }
            if (is_run || instr.kind == InstructionKind::Onbuild)
                && let Some(step) = build_step(slim, &commands)
            {
                push(Reason { text: format!("{what} builds something (`{step}`)"), build: true });
            }
            if is_run {
                installed.extend(installs.into_iter().map(|(_, p)| p));
            }
        }
    }
    // Later stages: built on this one, or copying paths only the default image has out of it.
    for later in &file.stages()[stage.index + 1..] {
        if later.base == StageBase::Stage(stage.index) {
            push(Reason { text: format!("stage {} is built on it", stage_name(later)), build: false });
        }
        for instr in &file.instructions()[later.instructions.clone()] {
            if !matches!(instr.kind, InstructionKind::Copy | InstructionKind::Add) {
                continue;
            }
            let Some(value) = instr.flag("from").and_then(|f| f.value.as_deref()).map(str::to_ascii_lowercase) else {
                continue;
            };
            let names_it = stage.name.as_deref() == Some(value.as_str()) || value == stage.index.to_string();
            if !names_it {
                continue;
            }
            let line = file.line_col(instr.range.start).0;
            for path in &variant.paths {
                if mentions_path(instr.args.as_str(), path) {
                    push(Reason {
                        text: format!("COPY --from at line {line} copies {path}, which only the default image has"),
                        build: false,
                    });
                }
            }
        }
    }
    out
}

/// `path` as a path in `text` (itself, or a path under it), not as a part of a longer name.
fn mentions_path(text: &str, path: &str) -> bool {
    text.match_indices(path).any(|(at, _)| {
        let after = text[at + path.len()..].chars().next();
        let before = text[..at].chars().next_back();
        after.is_none_or(|c| !(c.is_alphanumeric() || c == '-' || c == '_' || c == '.'))
            && before.is_none_or(|c| !(c.is_alphanumeric() || c == '/' || c == '.' || c == '_'))
    })
}

/// The packages `apt-get install` / `apt install` installs in a command text, each with its word index.
fn apt_installs(commands: &[(String, bool)]) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut state = 0; // 0: outside, 1: after apt-get (looking for the subcommand), 2: in an install list
    for (i, (word, command)) in commands.iter().enumerate() {
        if *command {
            state = usize::from(matches!(basename(word), "apt-get" | "apt" | "aptitude"));
            continue;
        }
        match state {
            1 if word == "install" => state = 2,
            1 if !word.starts_with('-') => state = 0,
            2 if !word.starts_with('-') => {
                let name = word.split(['=', ':']).next().unwrap_or(word);
                out.push((i, name.to_string()));
            }
            _ => {}
        }
    }
    out
}

/// The build step a RUN's commands take, if any.
fn build_step(slim: &Slim, commands: &[(String, bool)]) -> Option<String> {
    for (i, (word, command)) in commands.iter().enumerate() {
        if !command {
            continue;
        }
        let name = basename(word);
        let next = commands.get(i + 1).map(|(w, _)| basename(w));
        for entry in &slim.builds {
            let (c, sub) = entry.split_once(' ').unwrap_or((entry, ""));
            if c == name && (sub.is_empty() || next == Some(sub)) {
                return Some(entry.clone());
            }
        }
        // The arguments of this command, up to the next command.
        let args: Vec<&str> = commands[i + 1..].iter().take_while(|(_, c)| !c).map(|(w, _)| w.as_str()).collect();
        let pip = name.starts_with("pip")
            || (name.starts_with("python")
                && args.first() == Some(&"-m")
                && args.get(1).is_some_and(|m| m.starts_with("pip")));
        if pip && args.contains(&"install") {
            // Options whose value is not a package (requirements files, indexes, directories).
            const VALUED: &[&str] = &[
                "-r",
                "--requirement",
                "-c",
                "--constraint",
                "-f",
                "--find-links",
                "-i",
                "--index-url",
                "--extra-index-url",
                "-t",
                "--target",
                "--prefix",
                "--root",
                "--cache-dir",
                "--src",
                "--platform",
                "--python-version",
                "--implementation",
                "--abi",
                "--trusted-host",
                "--proxy",
                "--log",
                "--report",
            ];
            let mut skip = false;
            for a in &args {
                if std::mem::take(&mut skip) {
                    continue;
                }
                if VALUED.contains(a) {
                    skip = true;
                    continue;
                }
                let local = *a == "."
                    || ["./", "../", "/"].iter().any(|p| a.starts_with(p)) && !a.ends_with(".whl") && !a.contains('*');
                let source = local
                    || matches!(*a, "-e" | "--editable")
                    || a.starts_with("--no-binary")
                    || ["git+", "hg+", "svn+", "bzr+"].iter().any(|p| a.starts_with(p))
                    || [".tar.gz", ".tgz", ".zip", ".tar.bz2"].iter().any(|s| a.ends_with(s));
                if source {
                    return Some(format!("pip install {a}"));
                }
            }
        }
        if matches!(name, "npm" | "yarn" | "pnpm") {
            if args.contains(&"--build-from-source") {
                return Some(format!("{name} --build-from-source"));
            }
            if let Some(p) = args.iter().find(|a| {
                let bare = a.rsplit_once('@').filter(|(n, _)| !n.is_empty()).map_or(**a, |(n, _)| n);
                slim.native_npm.iter().any(|n| n == bare)
            }) {
                return Some(format!("{name} install {p}"));
            }
        }
        if name == "gem"
            && args.first() == Some(&"install")
            && let Some(g) = args.iter().skip(1).find(|a| slim.native_gems.iter().any(|n| n == *a))
        {
            return Some(format!("gem install {g}"));
        }
        if name == "bundle" && matches!(args.first().copied(), None | Some("install")) {
            return Some("bundle install".to_string());
        }
    }
    None
}

/// Offer the swap, with what was checked and how the tag was found.
fn propose(cx: &Context<'_>, c: Candidate, out: &mut Proposals) {
    let target = format!("`{}`", c.new_text);
    let resolution = cx.digests.and_then(|d| d.get(&c.target));
    let (found, digest) = match resolution {
        None => ("the tag was not looked up; the table alone decides".to_string(), None),
        Some(Resolution::Missing(why)) => {
            out.propose(c.range, format!("`{}` could be {target}, but the registry has no such tag ({why})", c.shown));
            return;
        }
        Some(Resolution::Failed(why)) => {
            (format!("the registry could not be asked ({why}), so the table alone decides"), None)
        }
        Some(Resolution::Resolved { digest, origin, fallback }) => {
            let text = match (origin, fallback) {
                (_, Some(why)) => format!(
                    "the registry could not be asked ({why}); dfix's cache has the tag, so the table and the cache decide"
                ),
                (Origin::Registry, None) => "the registry has the tag".to_string(),
                (Origin::Lock, None) => "dfix.lock records the tag".to_string(),
                (Origin::Cache { .. }, None) => "dfix's cache has the tag (offline)".to_string(),
            };
            let trusted = fallback.is_none() && matches!(origin, Origin::Registry | Origin::Lock);
            (text, trusted.then(|| digest.clone()))
        }
    };
    let checked = match c.checked.as_slice() {
        [] => "the variant lacks no command".to_string(),
        [a, b, c, d, e, _, ..] => {
            format!("nothing in the stage runs a command it lacks ({a}, {b}, {c}, {d}, {e}, ...)")
        }
        few => format!("nothing in the stage runs a command it lacks ({})", few.join(", ")),
    };
    let mut message = format!(
        "`{}` has a slim variant, {target}: {checked}, builds anything or uses a path only the default image has; \
         {found}",
        c.shown
    );
    let mut replacement = c.new_text.clone();
    if c.pinned {
        match digest {
            Some(d) => {
                replacement.push('@');
                replacement.push_str(&d);
                message.push_str("; pinned to the variant's digest");
            }
            None => message.push_str(
                "; the digest of the default image is dropped (pin-digest pins the new tag when it runs too)",
            ),
        }
    }
    if let Some(arg) = &c.arg {
        message
            .push_str(&format!("; this rewrites the default of ARG {arg}, and `--build-arg {arg}=...` wins over it"));
    }
    let title = format!("Use {target}");
    out.fix(c.range, message, title, vec![Edit::replacement(replacement, c.text)]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine;
    use crate::knowledge::Knowledge;

    /// Run only this transform with unsafe fixes and no lookups: the output and the notes.
    fn fix(src: &str, config: &str) -> (String, Vec<String>) {
        let config = Config::from_str(config, std::path::Path::new("dfix.toml")).unwrap();
        let knowledge = Knowledge::with_extensions(&config.knowledge).unwrap();
        let options = engine::Options {
            required: Applicability::Unsafe,
            max_passes: 10,
            ..engine::Options::new(vec![&SlimBase], &config, &knowledge)
        };
        let outcome = engine::fix(src, &options).unwrap();
        assert!(outcome.internal_errors.is_empty(), "{:?}", outcome.internal_errors);
        let notes = outcome.remaining.iter().filter(|p| p.fix.is_none()).map(|p| p.message.clone()).collect();
        (outcome.output, notes)
    }

    fn refused(src: &str, why: &str) {
        let (output, notes) = fix(src, "");
        assert_eq!(output, src, "expected no change");
        assert_eq!(notes.len(), 1, "{src}: {notes:?}");
        assert!(notes[0].contains(why), "note {:?} does not say {why:?}", notes[0]);
    }

    #[test]
    fn the_documented_example_is_what_the_fix_does() {
        let docs: String =
            SlimBase::META.docs.lines().map(|l| format!("{}\n", l.strip_prefix(' ').unwrap_or(l))).collect();
        let example = &docs[docs.find("## Example").unwrap()..];
        let blocks: Vec<&str> =
            example.split("```dockerfile\n").skip(1).take(2).map(|b| &b[..b.find("```").unwrap()]).collect();
        assert_eq!(fix(blocks[0], "").0, blocks[1]);
    }

    #[test]
    fn refusals_say_why() {
        refused("FROM python:3.12\nRUN curl -fsSL https://x | sh\n", "RUN at line 2 runs `curl`");
        refused("FROM python:3.12\nHEALTHCHECK CMD curl -f http://localhost/\n", "HEALTHCHECK at line 2 runs `curl`");
        refused("FROM python:3.12\nCMD sh -c 'git pull && python app.py'\n", "CMD at line 2 runs `git`");
        refused("FROM python:3.12\nRUN <<EOF\nset -e\nwget -q x\nEOF\n", "runs `wget`");
        refused("FROM python:3.12\nRUN pip install .\n", "a multi-stage build allows the swap");
        refused("FROM python:3.12\nRUN make && make install\n", "builds something (`make`)");
        refused("FROM python:3.12\nRUN pip install git+https://x/y.git\n", "`pip install git+https://x/y.git`");
        refused("FROM node:20\nRUN npm install bcrypt\n", "`npm install bcrypt`");
        refused("FROM ruby:3.3\nRUN bundle install\n", "`bundle install`");
        refused("FROM ruby:3.3\nRUN gem install nokogiri\n", "`gem install nokogiri`");
        refused("FROM rust:1.75\nRUN cargo build --release\n", "`cargo build`");
        refused("FROM python:3.12\nENV CFLAGS=-I/usr/include/x\nRUN ls /usr/include/x\n", "uses /usr/include");
        refused("FROM debian:latest\nCMD [\"bash\"]\n", "has no slim variant");
        refused("FROM openjdk:17\nCMD [\"java\"]\n", "another distribution");
        refused("FROM eclipse-temurin:21-jdk\nRUN javac Main.java\n", "runs `javac`");
        refused("ARG V=3.12\nFROM python:${V}\n", "built from variables");
        refused("ARG B=python:3.12\nFROM $B AS build\nFROM $B\n", "ARG B also names the base of stage `build`");
        let (_, notes) = fix("FROM python:3.12\nRUN pip install .\nRUN curl x\n", "");
        assert!(!notes[0].contains("multi-stage"), "not only build steps: {notes:?}");
    }

    #[test]
    fn tools_installed_first_are_not_lacked() {
        let src = "FROM python:3.12\nRUN apt-get update && apt-get install -y --no-install-recommends curl && curl -o x y\nHEALTHCHECK CMD curl -f http://localhost/\n";
        assert_eq!(fix(src, "").0, src.replace("python:3.12", "python:3.12-slim"));
        // Installed after it is used: still lacked when it runs.
        refused("FROM python:3.12\nRUN curl -o x y && apt-get install -y curl\n", "runs `curl`");
    }

    #[test]
    fn left_alone_silently() {
        for src in [
            "FROM python:3.12-slim\nCMD [\"python\"]\n",
            "FROM python:3.12-alpine\nCMD [\"python\"]\n",
            "FROM golang:1.22\nCMD [\"x\"]\n",
            "FROM ubuntu:22.04\nCMD [\"x\"]\n",
            "FROM eclipse-temurin:21-jre\nCMD [\"java\"]\n",
            "FROM python:3.12 AS base\nFROM base\nCMD [\"python\"]\n",
            "FROM ghcr.io/someone/python:3.12\nCMD [\"python\"]\n",
        ] {
            assert_eq!(fix(src, ""), (src.to_string(), Vec::new()), "{src}");
        }
    }

    #[test]
    fn private_images_can_be_added() {
        let config = "[knowledge.images.slim.images.\"registry.example.com/platform/python\"]\n\
                      before = [\"bookworm\"]\nlacks = [\"buildpack-deps\"]\n";
        let src = "FROM registry.example.com/platform/python:3.12-bookworm\nCMD [\"python\"]\n";
        assert_eq!(fix(src, config).0, src.replace("3.12-bookworm", "3.12-slim-bookworm"));
    }

    #[test]
    fn only_the_final_stage_unless_all() {
        let src = "FROM python:3.12 AS build\nRUN pip wheel -w /w .\nFROM python:3.12 AS tools\nRUN echo ok\nFROM python:3.12\nCOPY --from=tools /x /x\nCMD [\"python\"]\n";
        let (out, _) = fix(src, "");
        assert_eq!(out, src.replacen("FROM python:3.12\n", "FROM python:3.12-slim\n", 1));
        let (out, _) = fix(src, "[transforms.slim-base]\nstages = \"all\"\n");
        assert!(out.contains("FROM python:3.12-slim AS tools") && out.contains("FROM python:3.12 AS build"), "{out}");
        let bad = Config::from_str("[transforms.slim-base]\nstages = \"some\"\n", std::path::Path::new("dfix.toml"));
        let Err(err) = bad else { panic!("a bad option is refused when dfix.toml is read") };
        let err = err.to_string();
        assert!(err.contains("dfix.toml:2:10") && err.contains("\"final\" or \"all\""), "{err}");
    }

    #[test]
    fn digests_are_never_kept_for_another_tag() {
        let digest = format!("sha256:{}", "a".repeat(64));
        let (out, _) = fix(&format!("FROM python:3.12@{digest}\nCMD [\"python\"]\n"), "");
        assert_eq!(out, "FROM python:3.12-slim\nCMD [\"python\"]\n");
    }

    #[test]
    fn arg_defaults_are_rewritten_with_a_note() {
        let src = "ARG BASE=node:20-bookworm\nFROM ${BASE}\nCMD [\"node\", \"x.js\"]\n";
        // Held back without unsafe fixes: the fix's message is on the finding.
        let config = Config::default();
        let knowledge = Knowledge::builtin();
        let outcome = engine::fix(src, &engine::Options::new(vec![&SlimBase], &config, knowledge)).unwrap();
        assert_eq!(outcome.output, src);
        assert_eq!(outcome.remaining.len(), 1);
        let message = &outcome.remaining[0].message;
        assert!(message.contains("`--build-arg BASE=...` wins"), "{message}");
        assert_eq!(fix(src, "").0, src.replace("node:20-bookworm", "node:20-bookworm-slim"));
    }

    #[test]
    fn build_steps() {
        let slim = &Knowledge::builtin().images.slim;
        let step = |t: &str| build_step(slim, &commands_of(t));
        assert_eq!(step("pip install -r requirements.txt"), None);
        assert_eq!(step("pip install -r /app/requirements.txt /wheels/* /w/a-1-py3-none-any.whl"), None);
        assert_eq!(step("pip install /src/app").as_deref(), Some("pip install /src/app"));
        assert_eq!(step("npm ci --omit=dev"), None);
        assert_eq!(step("npm ci --build-from-source").as_deref(), Some("npm --build-from-source"));
        assert_eq!(step("python -m pip install --no-binary :all: x").as_deref(), Some("pip install --no-binary"));
        assert_eq!(step("./configure && make").as_deref(), Some("configure"));
        assert_eq!(step("go build ./...").as_deref(), Some("go build"));
        assert_eq!(step("echo make").as_deref(), None);
        assert_eq!(step("cpanm --notest Mojolicious").as_deref(), Some("cpanm"));
        assert_eq!(step("gem install rails --version 5.0.1").as_deref(), Some("gem install rails"));
        assert_eq!(step("gem install bundler").as_deref(), None);
    }
}
