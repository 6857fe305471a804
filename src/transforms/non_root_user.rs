//! `non-root-user`: the final stage runs as root; create a user with a fixed numeric id and switch to it.

use std::collections::HashMap;
use std::ops::Range;

use crate::config::Config;
use crate::fix::{Applicability, Edit};
use crate::knowledge::{Family, ImageFacts, Images, is_root_user};
use crate::syntax::words::{split_words, unquote};
use crate::syntax::{Dockerfile, Instruction, InstructionKind, Stage, StageBase};
use crate::transforms::edits::shell_quote;
use crate::transforms::{Context, Proposals, Transform, TransformMeta, declare_transform};

declare_transform! {
    /// ## What it does
    /// When the final stage would run as root, inserts before its first CMD or ENTRYPOINT (or at its end) a RUN
    /// that creates a system user and group with a fixed numeric id and no login shell, and gives that user the
    /// stage's WORKDIR, followed by `USER 10001:10001`.
    ///
    /// ## Why
    /// A process that runs as root in a container is root on the host's kernel: any escape or writable mount is a
    /// root compromise. Most images never leave root. Inserting `USER app` alone, as other tools do, makes the
    /// container fail to start when `app` does not exist; the numeric form lets Kubernetes verify `runAsNonRoot`.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// WORKDIR /app
    /// COPY . .
    /// CMD ["python", "main.py"]
    /// ```
    /// Becomes:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// WORKDIR /app
    /// COPY . .
    /// RUN groupadd --system --gid 10001 app && useradd --system --uid 10001 --gid 10001 --no-log-init --no-create-home --shell /usr/sbin/nologin app && chown 10001:10001 /app
    /// USER 10001:10001
    /// CMD ["python", "main.py"]
    /// ```
    ///
    /// The command depends on the base image's family, followed through `FROM <earlier stage>` chains:
    /// `groupadd` and `useradd --no-log-init` on Debian, Ubuntu and RHEL-like images; BusyBox `addgroup -S` and
    /// `adduser -S -D -H` on Alpine and BusyBox; entries appended to `/etc/passwd` and `/etc/group` on RHEL-like
    /// images without shadow-utils (ubi-minimal). Images without a shell (distroless, scratch) get only
    /// `USER 65532:65532`; images that ship a user (node's `node`, distroless `nonroot`, .NET's `app`) reuse it.
    /// The WORKDIR itself is given to the user (not recursively, so no layer is copied); system directories and
    /// `/` never are. The RUN follows the file's keyword casing, line endings and continuation style.
    ///
    /// Nothing is changed, and a note says why, when: the family is unknown (neither the image tables nor a
    /// package manager used in RUN tell it); the image is a Windows one; the image or its entrypoint starts as
    /// root by design (`gosu`, `su-exec`, `setpriv`, `runuser`, `chroot --userspec`, s6, supervisord, init
    /// systems; postgres, nginx and similar official images); the stage already creates a user without switching
    /// to it; the WORKDIR is under `/root`; or a `USER root` is in effect at the end (a deliberate choice). A port
    /// below 1024 in EXPOSE and a VOLUME get a note next to the fix.
    ///
    /// ## Fix safety
    /// Unsafe: the application may write to paths owned by root (other than its WORKDIR), bind a port below 1024,
    /// or read files only root can read, and then fail at run time. The build itself does not break: only
    /// families whose tools are known are handled, and no RUN is left after the inserted `USER`.
    /// `applicability = "safe"` in `dfix.toml` makes it safe for a repository that has checked this.
    ///
    /// ## Knowledge
    /// `transforms/images.toml`: `[families]` (how to create a user, or the user a family ships), `[[rules]]`
    /// (repository and tag patterns mapped to a family, a shipped user, the default user, or a reason to skip),
    /// `[package-managers]` (families told by RUN commands), `[privileges]` (commands that show the container
    /// starts as root by design).
    ///
    /// ## Options
    /// In `dfix.toml`, `[transforms.non-root-user]`:
    /// - `user` (default `"app"`): the name of the created user and group;
    /// - `uid`, `gid` (default `10001`; `gid` defaults to `uid`): their numeric ids;
    /// - `chown-app` (default `false`): also add `--chown=<uid>:<gid>` to the final stage's COPY and ADD
    ///   instructions that write into its WORKDIR;
    /// - `target`: the name of the stage that is built (as with `docker build --target`), default the last one;
    /// - `applicability`: `"safe"` to apply it without `--unsafe-fixes`.
    ///
    /// ## References
    /// - hadolint DL3002 (last USER should not be root), DL3046 (`useradd` without `--no-log-init`)
    pub NonRootUser {
        id: "non-root-user",
        summary: "Create a non-root user in the final stage and switch to it",
        applicability: Applicability::Unsafe,
        default_enabled: true,
        aliases: ["DL3002"],
        since: "0.1.0",
    }
}

const ID: &str = "non-root-user";

impl Transform for NonRootUser {
    fn meta(&self) -> &'static TransformMeta {
        &Self::META
    }

    fn check_option(&self, key: &str, value: &toml::Value) -> Result<(), String> {
        let mut settings = Settings { user: String::new(), uid: 0, gid: 0, chown_app: false, target: None };
        settings.set(key, value, &mut None)
    }

    fn run(&self, cx: &Context<'_>, out: &mut Proposals) {
        let file = cx.file;
        let images = &cx.knowledge.images;
        let settings = match Settings::read(cx.config) {
            Ok(s) => s,
            Err(message) => {
                out.propose(0..0, message);
                return;
            }
        };
        let stage = match &settings.target {
            Some(name) => match file.stage_by_name(name) {
                Some(s) => s,
                None => {
                    out.propose(0..0, format!("[transforms.{ID}] target `{name}` names no stage of this file"));
                    return;
                }
            },
            None => match file.final_stage() {
                Some(s) => s,
                None => return,
            },
        };
        let at = file.instructions()[stage.from].range.clone();
        let chain = chain(file, stage);
        let mut note = |range: Range<usize>, why: &str| {
            out.propose(range, format!("the final stage runs as root; not fixed: {why}"));
        };
        let root = chain.last().expect("the chain holds the stage itself");
        let facts = match &root.base {
            StageBase::Image(r) => images.facts(r),
            StageBase::Scratch => ImageFacts { family: Some("scratch"), ..ImageFacts::default() },
            _ => ImageFacts::default(),
        };
        // A USER in effect at the end: a non-root one is the goal, a root one is a deliberate choice.
        if let Some((instr, user, after_other)) = last_user(file, &chain) {
            if !is_root_user(&user) {
                // The user this transform switches to: keep warning about what may fail at run time.
                if let Some(uid) = ours(&user, &settings, &facts, images) {
                    for (range, text) in run_time_warnings(file, &chain, &workdirs(file, &chain), uid) {
                        out.propose(range, text);
                    }
                }
                return;
            }
            let why =
                if after_other { "it switches back to root on purpose" } else { "it switches to root on purpose" };
            let line = file.line_col(instr.range.start).0;
            note(instr.range.clone(), &format!("`USER {user}` (line {line}) is in effect at the end; {why}"));
            return;
        }
        // The image already runs as a non-root user.
        if facts.runs_as.is_some() {
            return;
        }
        // A later stage built on this one would run its RUN instructions as the new user.
        if let Some(later) = later_stage_that_runs(file, stage) {
            let name = later.name.as_deref().map_or_else(|| format!("{}", later.index), |n| format!("`{n}`"));
            note(at, &format!("stage {name} is built on it and its RUN instructions would no longer run as root"));
            return;
        }
        // Windows images: the backtick escape, a Windows platform or a Windows shell.
        if file.escape() == '`' || is_windows(file, &chain) || facts.family == Some("windows") {
            note(at, "a Windows image; Linux user ids do not apply");
            return;
        }
        if let Some(reason) = facts.skip {
            note(at, reason);
            return;
        }
        // The entrypoint or the services of the image drop privileges themselves.
        if let Some((range, why)) = starts_as_root_by_design(file, images, &chain) {
            note(range, &why);
            return;
        }
        // A user made by the Dockerfile but never switched to: only its author knows which to use.
        if let Some((range, command)) = creates_a_user(file, &chain) {
            let line = file.line_col(range.start).0;
            note(
                range,
                &format!("RUN at line {line} creates a user (`{command}`) but never switches to it; add a USER"),
            );
            return;
        }
        let (family_name, inferred) = match facts.family {
            Some(f) => (f, None),
            None => match infer_family(file, images, &chain) {
                Some((f, how)) => (f, Some(how)),
                None => {
                    let image =
                        if root.image.is_empty() { "the base image".to_string() } else { format!("`{}`", root.image) };
                    note(
                        at,
                        &format!(
                            "the family of {image} is unknown, so how to create a user in it is too; \
                         add a rule for it under [knowledge.images] in dfix.toml"
                        ),
                    );
                    return;
                }
            },
        };
        let Some(family) = images.families.get(family_name) else { return };
        if let Some(reason) = &family.skip {
            note(at, reason);
            return;
        }
        let Some(plan) = Plan::new(&settings, &facts, family) else {
            note(at, &format!("the {family_name} family neither ships a user nor says how to create one"));
            return;
        };
        let workdir = workdirs(file, &chain);
        if let Some(WorkdirState::Known(path)) = &workdir.last
            && (path == "/root" || path.starts_with("/root/"))
        {
            note(
                at,
                &match path.as_str() {
                    "/root" => "its WORKDIR is /root, which only root may enter".to_string(),
                    _ => format!("its WORKDIR {path} is inside /root, which only root may enter"),
                },
            );
            return;
        }
        let Some(point) = insertion_point(file, stage) else {
            note(at, "its last instruction ends with a line continuation, which would swallow an added line");
            return;
        };
        let chown_dir = match &workdir.last {
            Some(WorkdirState::Known(path)) if !is_system_dir(path) => Some(path.as_str()),
            _ => None,
        };
        let mut commands = plan.commands.clone();
        if family.create.is_some()
            && let Some(dir) = chown_dir
        {
            commands.push(format!("chown {}:{} {}", plan.uid, plan.gid, shell_quote(dir)));
        }
        let mut edits = vec![Edit::insertion(insertion_text(file, &commands, &plan, point.newline_first), point.at)];
        if settings.chown_app
            && let Some(dir) = chown_dir
        {
            edits.extend(chown_copies(file, stage, &workdir.at, dir, &plan));
        }
        let mut message = "the final stage runs as root".to_string();
        if let Some(how) = inferred {
            message.push_str(&format!(" (the image is taken to be {family_name}: {how})"));
        }
        out.fix(at, message, plan.title(), edits);
        for (range, text) in run_time_warnings(file, &chain, &workdir, plan.uid) {
            out.propose(range, text);
        }
    }
}

/// The transform's options from `dfix.toml`.
struct Settings {
    user: String,
    uid: u32,
    gid: u32,
    chown_app: bool,
    target: Option<String>,
}

impl Settings {
    fn read(config: &Config) -> Result<Settings, String> {
        let mut s = Settings { user: "app".into(), uid: 10001, gid: 10001, chown_app: false, target: None };
        let Some(table) = config.transform(ID) else { return Ok(s) };
        let mut gid = None;
        for (key, value) in table {
            s.set(key, value, &mut gid).map_err(|e| format!("[transforms.{ID}] {key} {e}"))?;
        }
        s.gid = gid.unwrap_or(s.uid);
        Ok(s)
    }

    /// Set one option; `Err` completes "`<key>` ...".
    fn set(&mut self, key: &str, value: &toml::Value, gid: &mut Option<u32>) -> Result<(), String> {
        let id = |v: &toml::Value| {
            v.as_integer()
                .and_then(|n| u32::try_from(n).ok())
                .filter(|&n| n > 0 && n < 1 << 31)
                .ok_or("must be a number from 1 to 2147483647 (0 is root)")
        };
        match key {
            "user" => {
                let name = value.as_str().filter(|n| valid_user_name(n));
                self.user = name.ok_or("must be a user name such as \"app\" (a-z, 0-9, _ and -)")?.into();
            }
            "uid" => self.uid = id(value)?,
            "gid" => *gid = Some(id(value)?),
            "chown-app" => self.chown_app = value.as_bool().ok_or("must be true or false")?,
            "target" => self.target = Some(value.as_str().ok_or("must be a stage name")?.into()),
            "applicability" => {}
            _ => return Err(format!("is not an option of {ID} (user, uid, gid, chown-app, target)")),
        }
        Ok(())
    }
}

fn valid_user_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
        && name.len() <= 32
}

/// Who the final stage will run as, and the commands that make that user exist.
struct Plan {
    name: Option<String>,
    uid: u32,
    gid: u32,
    /// The commands that create the user (empty when the image ships it).
    commands: Vec<String>,
}

impl Plan {
    fn new(settings: &Settings, facts: &ImageFacts<'_>, family: &Family) -> Option<Plan> {
        if let Some(u) = facts.user {
            return Some(Plan { name: u.name.map(str::to_string), uid: u.uid, gid: u.gid, commands: Vec::new() });
        }
        if let (Some(uid), Some(gid)) = (family.uid, family.gid) {
            return Some(Plan { name: family.user.clone(), uid, gid, commands: Vec::new() });
        }
        let create = family.create.as_ref()?;
        let script = create
            .replace("{user}", &settings.user)
            .replace("{uid}", &settings.uid.to_string())
            .replace("{gid}", &settings.gid.to_string());
        let commands = script.split(" && ").map(str::to_string).collect();
        Some(Plan { name: Some(settings.user.clone()), uid: settings.uid, gid: settings.gid, commands })
    }

    fn title(&self) -> String {
        let ids = format!("{}:{}", self.uid, self.gid);
        match (&self.name, self.commands.is_empty()) {
            (Some(name), false) => format!("Create user `{name}` ({ids}) and switch to it with `USER {ids}`"),
            (Some(name), true) => format!("Switch to the image's user `{name}` with `USER {ids}`"),
            (None, _) => format!("Switch to `USER {ids}`"),
        }
    }
}

/// The stage and the earlier stages it is built on, from the stage itself back to the one built on an image.
fn chain<'a>(file: &'a Dockerfile, stage: &'a Stage) -> Vec<&'a Stage> {
    let mut out = vec![stage];
    let mut current = stage;
    while let StageBase::Stage(i) = current.base {
        if i >= current.index || out.iter().any(|s| s.index == i) {
            break;
        }
        current = &file.stages()[i];
        out.push(current);
    }
    out
}

/// A later stage built on `stage` (directly or through others) that has a RUN.
fn later_stage_that_runs<'a>(file: &'a Dockerfile, stage: &Stage) -> Option<&'a Stage> {
    file.stages()[stage.index + 1..].iter().find(|later| {
        chain(file, later).iter().any(|s| s.index == stage.index)
            && file.instructions()[later.instructions.clone()].iter().any(|i| i.kind == InstructionKind::Run)
    })
}

/// The uid of `user` when it is `uid:gid` of a user this transform switches to.
fn ours(user: &str, settings: &Settings, facts: &ImageFacts<'_>, images: &Images) -> Option<u32> {
    let (uid, gid) = user.split_once(':')?;
    let ids: (u32, u32) = (uid.parse().ok()?, gid.parse().ok()?);
    let family = facts.family.and_then(|f| images.families.get(f));
    let candidates = [
        Some((settings.uid, settings.gid)),
        facts.user.map(|u| (u.uid, u.gid)),
        family.and_then(|f| Some((f.uid?, f.gid?))),
    ];
    candidates.contains(&Some(ids)).then_some(ids.0)
}

/// The chain's instructions in build order, FROM lines excluded.
fn chain_instructions<'a>(file: &'a Dockerfile, chain: &[&Stage]) -> impl Iterator<Item = &'a Instruction> {
    let ranges: Vec<Range<usize>> = chain.iter().rev().map(|s| s.instructions.start + 1..s.instructions.end).collect();
    ranges.into_iter().flat_map(move |r| file.instructions()[r].iter())
}

/// The last USER of the chain, its user, and whether an earlier USER named another user.
fn last_user<'a>(file: &'a Dockerfile, chain: &[&Stage]) -> Option<(&'a Instruction, String, bool)> {
    let users: Vec<(&Instruction, String)> = chain_instructions(file, chain)
        .filter(|i| i.kind == InstructionKind::User)
        .filter_map(|i| i.whitespace_words().first().map(|w| (i, unquote(&w.raw, file.escape()))))
        .collect();
    let (last, user) = users.last()?.clone();
    let after_other = users.iter().any(|(_, u)| !is_root_user(u));
    Some((last, user, after_other))
}

fn is_windows(file: &Dockerfile, chain: &[&Stage]) -> bool {
    let platform =
        chain.iter().any(|s| s.platform.as_deref().is_some_and(|p| p.to_ascii_lowercase().contains("windows")));
    let shell = chain_instructions(file, chain).any(|i| {
        i.kind == InstructionKind::Shell
            && i.exec.as_ref().and_then(|e| e.first()).is_some_and(|s| {
                let s = s.to_ascii_lowercase();
                s.contains("powershell") || s.contains("pwsh") || s.starts_with("cmd")
            })
    });
    platform || shell
}

/// Words of a command text, each with whether it stands where a command name can (first, or after a separator,
/// `exec`, `--` or `-c`).
fn words(text: &str) -> Vec<(&str, bool)> {
    let mut out: Vec<(&str, bool)> = Vec::new();
    let mut command_position = true;
    let separator = |c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '`' | ',' | '[' | ']');
    let operator = |c: char| matches!(c, ';' | '&' | '|' | '(' | ')');
    for piece in text.split(separator) {
        if piece.is_empty() {
            continue;
        }
        if piece.chars().all(operator) {
            command_position = true;
            continue;
        }
        let trimmed = piece.trim_matches(operator);
        out.push((trimmed, command_position));
        command_position = matches!(trimmed, "exec" | "--" | "-c") || piece.ends_with([';', '&', '|']);
    }
    out
}

fn basename(word: &str) -> &str {
    word.rsplit('/').next().unwrap_or(word)
}

fn entry_matches(entry: &str, name: &str) -> bool {
    match entry.strip_suffix('*') {
        Some(prefix) => name.starts_with(prefix),
        None => name == entry,
    }
}

/// The text a RUN runs: its arguments and its heredoc bodies.
fn run_texts<'a>(file: &'a Dockerfile, instr: &'a Instruction) -> impl Iterator<Item = &'a str> {
    std::iter::once(instr.args.as_str()).chain(instr.heredocs.iter().map(|h| file.text(h.body.clone())))
}

/// An ENTRYPOINT, CMD, RUN or STOPSIGNAL that shows the container starts as root by design.
fn starts_as_root_by_design(file: &Dockerfile, images: &Images, chain: &[&Stage]) -> Option<(Range<usize>, String)> {
    let privileges = &images.privileges;
    let mut last_entry: [Option<&Instruction>; 2] = [None, None];
    for instr in chain_instructions(file, chain) {
        match instr.kind {
            InstructionKind::Entrypoint => last_entry[0] = Some(instr),
            InstructionKind::Cmd => last_entry[1] = Some(instr),
            InstructionKind::Stopsignal => {
                let signal = instr.args.as_str().trim();
                if privileges.stop_signals.iter().any(|s| s.eq_ignore_ascii_case(signal)) {
                    return Some((instr.range.clone(), format!("STOPSIGNAL {signal} is an init system's")));
                }
            }
            InstructionKind::Run => {
                for text in run_texts(file, instr) {
                    let hit = words(text)
                        .into_iter()
                        .flat_map(|(w, _)| w.split(['/', '=']))
                        .find(|segment| privileges.run.iter().any(|e| entry_matches(e, segment)));
                    if let Some(name) = hit {
                        let line = file.line_col(instr.range.start).0;
                        let why =
                            format!("RUN at line {line} uses `{name}`, so the container is meant to start as root");
                        return Some((instr.range.clone(), why));
                    }
                }
            }
            _ => {}
        }
    }
    for instr in last_entry.into_iter().flatten() {
        let text = match &instr.exec {
            Some(items) => items.join(" "),
            None => instr.args.as_str().to_string(),
        };
        let words = words(&text);
        for (i, &(word, command_position)) in words.iter().enumerate() {
            let name = basename(word);
            let hit = privileges.entrypoint.iter().find(|entry| {
                let (command, option) = entry.split_once(' ').unwrap_or((entry, ""));
                (command_position || word.contains('/'))
                    && entry_matches(command, name)
                    && (option.is_empty() || words[i + 1..].iter().any(|(w, _)| w.starts_with(option)))
            });
            if let Some(entry) = hit {
                let keyword = instr.kind.as_str().to_ascii_uppercase();
                return Some((instr.range.clone(), format!("its {keyword} starts as root by design (`{entry}`)")));
            }
        }
    }
    None
}

/// A RUN of the chain that creates a user or group itself.
fn creates_a_user(file: &Dockerfile, chain: &[&Stage]) -> Option<(Range<usize>, String)> {
    const TOOLS: &[&str] = &["useradd", "adduser", "groupadd", "addgroup", "usermod"];
    for instr in chain_instructions(file, chain).filter(|i| i.kind == InstructionKind::Run) {
        for text in run_texts(file, instr) {
            if text.contains("/etc/passwd") {
                return Some((instr.range.clone(), "/etc/passwd".into()));
            }
            if let Some((w, _)) = words(text).into_iter().find(|(w, _)| TOOLS.contains(&basename(w))) {
                return Some((instr.range.clone(), basename(w).to_string()));
            }
        }
    }
    None
}

/// The family shown by the package managers RUN uses, when they all agree.
fn infer_family<'a>(file: &Dockerfile, images: &'a Images, chain: &[&Stage]) -> Option<(&'a str, String)> {
    let mut found: Option<(&'a str, String)> = None;
    for instr in chain_instructions(file, chain).filter(|i| i.kind == InstructionKind::Run) {
        for text in run_texts(file, instr) {
            for (word, command_position) in words(text) {
                let Some((command, family)) = images.package_managers.get_key_value(basename(word)) else {
                    continue;
                };
                if !command_position {
                    continue;
                }
                match &found {
                    Some((f, _)) if *f != family.as_str() => return None,
                    Some(_) => {}
                    None => {
                        let line = file.line_col(instr.range.start).0;
                        found = Some((family, format!("RUN at line {line} uses `{command}`")));
                    }
                }
            }
        }
    }
    found
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum WorkdirState {
    Known(String),
    /// Set to something dfix cannot resolve (an unknown variable, a path relative to the image's WORKDIR).
    Unknown,
}

struct Workdirs {
    /// The WORKDIR in effect at the end (`None`: the image's own).
    last: Option<WorkdirState>,
    /// The WORKDIR in effect at each instruction of the chain, by instruction index.
    at: HashMap<usize, WorkdirState>,
}

/// Follow WORKDIR through the chain, resolving variables set by ENV and ARG with plain values.
fn workdirs(file: &Dockerfile, chain: &[&Stage]) -> Workdirs {
    let mut vars: HashMap<String, String> = HashMap::new();
    let mut current: Option<WorkdirState> = None;
    let mut at = HashMap::new();
    for instr in chain_instructions(file, chain) {
        if let Some(state) = &current {
            at.insert(instr.index, state.clone());
        }
        match instr.kind {
            InstructionKind::Env | InstructionKind::Arg => {
                let text = instr.args.as_str();
                let words = split_words(text, file.escape());
                match words.first() {
                    // The legacy form `ENV key value`: the value is the rest of the line.
                    Some(key) if !key.raw.contains('=') && instr.kind == InstructionKind::Env => {
                        vars.insert(key.raw.clone(), unquote(text[key.range.end..].trim(), file.escape()));
                    }
                    _ => {
                        for word in words {
                            if let Some((k, v)) = word.raw.split_once('=') {
                                vars.insert(k.to_string(), unquote(v, file.escape()));
                            }
                        }
                    }
                }
            }
            InstructionKind::Workdir => {
                let raw = unquote(instr.args.as_str().trim(), file.escape());
                let resolved = expand(&raw, &vars);
                current = Some(match (resolved, &current) {
                    (Some(p), _) if p.starts_with('/') => WorkdirState::Known(normalize(&p)),
                    (Some(p), Some(WorkdirState::Known(base))) => {
                        WorkdirState::Known(normalize(&format!("{base}/{p}")))
                    }
                    _ => WorkdirState::Unknown,
                });
            }
            _ => {}
        }
    }
    Workdirs { last: current, at }
}

/// `$NAME` and `${NAME}` replaced from `vars`; `None` when a variable is unknown or uses a modifier.
fn expand(text: &str, vars: &HashMap<String, String>) -> Option<String> {
    let mut out = String::new();
    let mut rest = text;
    while let Some(pos) = rest.find('$') {
        out.push_str(&rest[..pos]);
        rest = &rest[pos + 1..];
        let (name, after) = match rest.strip_prefix('{') {
            Some(inner) => {
                let close = inner.find('}')?;
                (&inner[..close], &inner[close + 1..])
            }
            None => {
                let len = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(rest.len());
                (&rest[..len], &rest[len..])
            }
        };
        out.push_str(vars.get(name)?);
        rest = after;
    }
    out.push_str(rest);
    Some(out)
}

/// An absolute path without `.`, `..`, repeated or trailing slashes.
fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    format!("/{}", parts.join("/"))
}

/// Directories of the system that must keep belonging to root.
fn is_system_dir(path: &str) -> bool {
    const SYSTEM: &[&str] = &[
        "/",
        "/bin",
        "/boot",
        "/dev",
        "/etc",
        "/home",
        "/lib",
        "/lib32",
        "/lib64",
        "/libx32",
        "/media",
        "/mnt",
        "/opt",
        "/proc",
        "/root",
        "/run",
        "/sbin",
        "/sys",
        "/tmp",
        "/usr",
        "/var",
        "/usr/bin",
        "/usr/sbin",
        "/usr/lib",
        "/usr/lib64",
        "/usr/libexec",
        "/usr/include",
        "/usr/share",
        "/usr/src",
        "/usr/local",
        "/usr/local/bin",
        "/usr/local/sbin",
        "/usr/local/lib",
        "/usr/local/share",
        "/usr/local/include",
        "/var/lib",
        "/var/log",
        "/var/cache",
        "/var/tmp",
        "/var/run",
        "/var/spool",
        "/var/mail",
    ];
    SYSTEM.contains(&path) || path.starts_with("/etc/") || path.starts_with("/proc/") || path.starts_with("/sys/")
}

struct InsertionPoint {
    at: usize,
    /// The file does not end with a line ending there.
    newline_first: bool,
}

/// Before the first CMD or ENTRYPOINT that no RUN or WORKDIR follows (and the comment lines right above it), or
/// after the stage's last instruction (`None` when that one ends with a dangling line continuation).
fn insertion_point(file: &Dockerfile, stage: &Stage) -> Option<InsertionPoint> {
    let instrs = &file.instructions()[stage.instructions.clone()];
    for (k, instr) in instrs.iter().enumerate().skip(1) {
        let later = &instrs[k + 1..];
        if matches!(instr.kind, InstructionKind::Cmd | InstructionKind::Entrypoint)
            && !later.iter().any(|j| matches!(j.kind, InstructionKind::Run | InstructionKind::Workdir))
        {
            let floor = file.next_line_start(instrs[k - 1].range.end);
            let mut at = file.line_start(instr.range.start);
            while at > floor {
                let above = file.line_start(at - 1);
                if above < floor || !file.text(above..at).trim_start().starts_with('#') {
                    break;
                }
                at = above;
            }
            return Some(InsertionPoint { at, newline_first: false });
        }
    }
    let last = instrs.last().expect("a stage has its FROM");
    let args_end = last.args.file_span().map_or(last.keyword.end, |s| s.end);
    if last.heredocs.is_empty() && last.continuations.last().is_some_and(|c| c.start >= args_end) {
        return None;
    }
    let at = file.next_line_start(last.range.end);
    Some(InsertionPoint { at, newline_first: !file.source()[..at].ends_with('\n') })
}

/// How the file continues an `&&` chain over lines.
enum Style {
    OneLine,
    /// `\` at the end of the line, `&& ` at the start of the next.
    Leading(String),
    /// `&& \` at the end of the line.
    Trailing(String),
}

fn continuation_style(file: &Dockerfile) -> Style {
    let (mut leading, mut trailing, mut runs) = (0, 0, 0);
    for instr in file.instructions().iter().filter(|i| i.kind == InstructionKind::Run && !i.continuations.is_empty()) {
        runs += 1;
        for c in &instr.continuations {
            let before = file.text(file.line_start(c.start)..c.start).trim_end();
            trailing += usize::from(before.ends_with("&&") || before.ends_with(';'));
            let next = file.text(c.end..file.line_end(c.end)).trim_start();
            leading += usize::from(next.starts_with("&&") || next.starts_with(';'));
        }
    }
    let indent = file.continuation_indent();
    match runs {
        0 => Style::OneLine,
        _ if trailing > leading => Style::Trailing(indent),
        _ => Style::Leading(indent),
    }
}

fn insertion_text(file: &Dockerfile, commands: &[String], plan: &Plan, newline_first: bool) -> String {
    let le = file.line_ending();
    let mut text = String::new();
    if newline_first {
        text.push_str(le);
    }
    if !commands.is_empty() {
        let escape = file.escape();
        let joiner = match continuation_style(file) {
            _ if commands.len() == 1 => " && ".to_string(),
            Style::OneLine => " && ".to_string(),
            Style::Leading(indent) => format!(" {escape}{le}{indent}&& "),
            Style::Trailing(indent) => format!(" && {escape}{le}{indent}"),
        };
        text.push_str(&format!("{} {}{le}", file.keyword("RUN"), commands.join(&joiner)));
    }
    text.push_str(&format!("{} {}:{}{le}", file.keyword("USER"), plan.uid, plan.gid));
    text
}

/// `--chown=<uid>:<gid>` for the stage's COPY and ADD instructions that write into `dir`.
fn chown_copies(
    file: &Dockerfile,
    stage: &Stage,
    at: &HashMap<usize, WorkdirState>,
    dir: &str,
    plan: &Plan,
) -> Vec<Edit> {
    let mut edits = Vec::new();
    for instr in &file.instructions()[stage.instructions.clone()] {
        if !matches!(instr.kind, InstructionKind::Copy | InstructionKind::Add) || instr.flag("chown").is_some() {
            continue;
        }
        let dest = match &instr.exec {
            Some(items) => items.last().cloned(),
            None => instr.whitespace_words().last().map(|w| unquote(&w.raw, file.escape())),
        };
        let Some(dest) = dest else { continue };
        let absolute = match (dest.starts_with('/'), at.get(&instr.index)) {
            (true, _) => normalize(&dest),
            (false, Some(WorkdirState::Known(base))) => normalize(&format!("{base}/{dest}")),
            _ => continue,
        };
        if absolute == dir || absolute.starts_with(&format!("{dir}/")) {
            edits.push(Edit::insertion(format!(" --chown={}:{}", plan.uid, plan.gid), instr.keyword.end));
        }
    }
    edits
}

/// Notes on what may fail at run time once the stage no longer runs as root.
fn run_time_warnings(file: &Dockerfile, chain: &[&Stage], workdir: &Workdirs, uid: u32) -> Vec<(Range<usize>, String)> {
    let mut out = Vec::new();
    if workdir.last == Some(WorkdirState::Unknown) {
        let at = file.instructions()[chain[0].from].range.clone();
        out.push((
            at,
            format!("the WORKDIR could not be resolved; if the application writes there, give it to uid {uid}"),
        ));
    }
    for instr in chain_instructions(file, chain) {
        match instr.kind {
            InstructionKind::Expose => {
                let low = instr.whitespace_words().iter().find_map(|w| {
                    let port: u32 = w.raw.split(['/', '-']).next()?.parse().ok()?;
                    (port < 1024).then_some(port)
                });
                if let Some(port) = low {
                    out.push((
                        instr.range.clone(),
                        format!("port {port} is below 1024: some runtimes do not let a non-root user bind it"),
                    ));
                }
            }
            InstructionKind::Volume => out.push((
                instr.range.clone(),
                format!("a new volume here belongs to root unless the image gives the path to uid {uid} first"),
            )),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine;
    use crate::knowledge::Knowledge;

    /// Run only this transform with unsafe fixes: the output and the messages of the notes.
    fn fix(src: &str, config: &str) -> (String, Vec<String>) {
        let config = Config::from_str(config, std::path::Path::new("dfix.toml")).unwrap();
        let knowledge = Knowledge::with_extensions(&config.knowledge).unwrap();
        let options = engine::Options {
            required: Applicability::Unsafe,
            max_passes: 10,
            ..engine::Options::new(vec![&NonRootUser], &config, &knowledge)
        };
        let outcome = engine::fix(src, &options).unwrap();
        assert!(outcome.internal_errors.is_empty(), "{:?}", outcome.internal_errors);
        let notes = outcome.remaining.iter().filter(|p| p.fix.is_none()).map(|p| p.message.clone()).collect();
        (outcome.output, notes)
    }

    /// The file is left alone with exactly one note, which contains `why`.
    fn skipped(src: &str, config: &str, why: &str) {
        let (output, notes) = fix(src, config);
        assert_eq!(output, src, "expected no change");
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(notes[0].contains(why), "note {:?} does not say {why:?}", notes[0]);
    }

    #[test]
    fn skips_say_why() {
        skipped("# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nCMD dir\n", "", "Windows");
        skipped("FROM --platform=windows/amd64 corp/x\nCMD dir\n", "", "Windows");
        skipped("FROM python:3.12-windowsservercore\nCMD python\n", "", "Windows");
        skipped("FROM corp/appliance:1.2\nCMD [\"/run\"]\n", "", "the family of `corp/appliance:1.2` is unknown");
        skipped("FROM $BASE\nCMD [\"/run\"]\n", "", "family of `$BASE` is unknown");
        skipped("FROM debian:12\nRUN apt-get install -y gosu\nCMD [\"x\"]\n", "", "uses `gosu`");
        skipped("FROM alpine:3\nCMD [\"/sbin/su-exec\", \"nobody\", \"/app\"]\n", "", "(`su-exec`)");
        skipped("FROM alpine:3\nENTRYPOINT chroot --userspec=1:1 / /app\n", "", "(`chroot --userspec`)");
        skipped("FROM debian:12\nCMD [\"/usr/bin/supervisord\", \"-n\"]\n", "", "(`supervisord`)");
        skipped("FROM debian:12\nENTRYPOINT [\"/init\"]\n", "", "(`init`)");
        skipped("FROM ubuntu:22.04\nSTOPSIGNAL SIGRTMIN+3\nCMD [\"/sbin/init\"]\n", "", "STOPSIGNAL SIGRTMIN+3");
        skipped("FROM postgres:16\nCOPY a.sql /docker-entrypoint-initdb.d/\n", "", "drops to `postgres`");
        skipped("FROM ubuntu:22.04\nRUN useradd -m worker\nCMD [\"bash\"]\n", "", "creates a user (`useradd`)");
        skipped("FROM python:3\nWORKDIR /root/app\nCMD [\"python\"]\n", "", "is inside /root");
        skipped("FROM node:20\nUSER node\nUSER root\nCMD [\"node\"]\n", "", "switches back to root on purpose");
        skipped("FROM node:20\nUSER 0\nRUN x\n", "", "`USER 0` (line 2) is in effect");
        skipped(
            "FROM python:3 AS a\nCMD [\"x\"]\nFROM a AS t\nRUN pip install t\n",
            "[transforms.non-root-user]\ntarget = \"a\"\n",
            "stage `t` is built on it",
        );
        skipped("FROM python:3\n", "[transforms.non-root-user]\ntarget = \"nope\"\n", "target `nope` names no stage");
        let later_run = "FROM python:3 AS a\nUSER 1000\nCMD [\"x\"]\nFROM a AS t\nUSER 0\nRUN pip install t\n";
        assert_eq!(fix(later_run, "[transforms.non-root-user]\ntarget = \"a\"\n"), (later_run.to_string(), Vec::new()));
        // Bad options are refused when dfix.toml is read, naming the line; a configuration built otherwise gets a note.
        for (config, why) in [
            ("[transforms.non-root-user]\nuid = 0\n", "dfix.toml:2:7: `transforms.non-root-user.uid` must be a number"),
            (
                "[transforms.non-root-user]\nuser = \"Bad Name\"\n",
                "2:8: `transforms.non-root-user.user` must be a user",
            ),
            ("[transforms.non-root-user]\nusr = \"x\"\n", "`transforms.non-root-user.usr` is not an option of"),
        ] {
            let err = Config::from_str(config, std::path::Path::new("dfix.toml")).unwrap_err().to_string();
            assert!(err.contains(why), "{err}");
        }
        let unchecked: Config = toml::from_str("[transforms.non-root-user]\nuid = 0\n").unwrap();
        let notes = engine::fix(
            "FROM python:3\n",
            &engine::Options {
                required: Applicability::Unsafe,
                ..engine::Options::new(vec![&NonRootUser], &unchecked, Knowledge::builtin())
            },
        )
        .unwrap()
        .remaining;
        assert!(notes[0].message.contains("uid must be a number"), "{notes:?}");
        skipped("FROM python:3\nENV a=1 \\\n", "", "ends with a line continuation");
    }

    #[test]
    fn nothing_to_say_when_a_non_root_user_is_in_effect() {
        for src in [
            "FROM python:3\nUSER app\n",
            "FROM python:3 AS base\nUSER 1000\nFROM base\nCMD [\"x\"]\n",
            "FROM bitnami/nginx:1.25\nCOPY a /b\n",
            "FROM gcr.io/distroless/static:nonroot\nCOPY a /b\n",
            "FROM python:3\nUSER $APP_USER\n",
        ] {
            assert_eq!(fix(src, ""), (src.to_string(), Vec::new()), "{src}");
        }
    }

    #[test]
    fn warns_about_low_ports_and_volumes_next_to_the_fix() {
        let (output, notes) = fix("FROM python:3\nEXPOSE 8080 443/tcp\nVOLUME /data\nCMD [\"x\"]\n", "");
        assert!(output.contains("USER 10001:10001\nCMD"), "{output}");
        assert!(notes.iter().any(|n| n.contains("port 443 is below 1024")), "{notes:?}");
        assert!(notes.iter().any(|n| n.contains("uid 10001")), "{notes:?}");
        let (_, notes) = fix("FROM python:3\nEXPOSE 8080\nCMD [\"x\"]\n", "");
        assert!(notes.is_empty(), "{notes:?}");
    }

    #[test]
    fn command_words_are_not_mistaken_for_privilege_tools() {
        let (output, notes) = fix("FROM node:20\nCMD [\"npm\", \"run\", \"init\"]\n", "");
        assert!(output.contains("USER 1000:1000"), "{output} {notes:?}");
    }

    #[test]
    fn a_workdir_that_cannot_be_resolved_is_not_chowned_and_is_noted() {
        let (output, notes) = fix("FROM python:3\nARG DIR\nWORKDIR $DIR\nCMD [\"x\"]\n", "");
        assert!(output.contains("--shell /usr/sbin/nologin app\nUSER 10001:10001\n"), "{output}");
        assert!(notes.iter().any(|n| n.contains("WORKDIR could not be resolved")), "{notes:?}");
        let (_, notes) = fix("FROM python:3\nARG DIR\nWORKDIR $DIR\nUSER 1000:1000\nCMD [\"x\"]\n", "");
        assert!(notes.is_empty(), "only the user this transform switches to is warned about: {notes:?}");
    }

    #[test]
    fn a_workdir_with_shell_characters_is_quoted_for_chown() {
        let (output, _) = fix("FROM python:3\nWORKDIR /ap`\nCMD [\"x\"]\n", "");
        assert!(output.contains("&& chown 10001:10001 '/ap`'\nUSER 10001:10001\n"), "{output}");
        let (output, _) = fix("FROM python:3\nWORKDIR \"/srv/it's here\"\nCMD [\"x\"]\n", "");
        assert!(output.contains("&& chown 10001:10001 '/srv/it'\\''s here'\n"), "{output}");
    }

    #[test]
    fn gid_defaults_to_uid() {
        let (output, _) = fix("FROM alpine:3\nCMD [\"x\"]\n", "[transforms.non-root-user]\nuid = 4242\n");
        assert!(output.contains("addgroup -S -g 4242 app && adduser -S -D -H -u 4242 -G app"), "{output}");
        assert!(output.contains("USER 4242:4242"), "{output}");
    }

    #[test]
    fn the_documented_example_is_what_the_fix_does() {
        let docs: String =
            NonRootUser::META.docs.lines().map(|l| format!("{}\n", l.strip_prefix(' ').unwrap_or(l))).collect();
        let example = &docs[docs.find("## Example").unwrap()..];
        let blocks: Vec<&str> =
            example.split("```dockerfile\n").skip(1).take(2).map(|b| &b[..b.find("```").unwrap()]).collect();
        assert_eq!(fix(blocks[0], ""), (blocks[1].to_string(), Vec::new()));
    }

    #[test]
    fn words_know_command_positions() {
        let w = words("sh -c 'exec gosu app node' && npm run init");
        let names: Vec<_> = w.iter().filter(|(_, c)| *c).map(|(w, _)| *w).collect();
        assert_eq!(names, ["sh", "exec", "gosu", "npm"]);
    }

    #[test]
    fn paths_normalize_and_expand() {
        assert_eq!(normalize("/app/./x/../y/"), "/app/y");
        assert_eq!(normalize("//"), "/");
        let vars = HashMap::from([("HOME".to_string(), "/srv/home".to_string())]);
        assert_eq!(expand("${HOME}/app", &vars).as_deref(), Some("/srv/home/app"));
        assert_eq!(expand("$HOME", &vars).as_deref(), Some("/srv/home"));
        assert_eq!(expand("$OTHER/x", &vars), None);
        assert!(is_system_dir("/usr/local") && is_system_dir("/etc/app") && !is_system_dir("/usr/src/app"));
    }

    #[test]
    fn user_names_are_checked() {
        assert!(valid_user_name("app") && valid_user_name("_svc-1"));
        assert!(!valid_user_name("App") && !valid_user_name("1app") && !valid_user_name("") && !valid_user_name("a b"));
    }
}
