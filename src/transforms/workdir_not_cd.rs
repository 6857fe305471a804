//! `workdir-not-cd`: a RUN that starts with `cd DIR && ...` runs in `WORKDIR DIR` instead.

use crate::fix::{Applicability, Edit, Fix};
use crate::knowledge::{Knowledge, glob_match};
use crate::syntax::shell::{AndOr, StateKind, Terminator};
use crate::syntax::words::unquote;
use std::collections::HashMap;

use crate::syntax::image::ImageRef;
use crate::syntax::{Dockerfile, Instruction, InstructionKind, ShellScript, StageBase};
use crate::transforms::edits::{has_comment_in, instruction_lines};
use crate::transforms::pipefail::line_above_comments;
use crate::transforms::{Context, Proposals, Transform, TransformMeta, declare_transform, run_context};

declare_transform! {
    /// ## What it does
    /// Replaces a `cd DIR && ` (or `cd DIR; `) that starts a RUN with `WORKDIR DIR` before the RUN, and, unless a
    /// later `WORKDIR` with an absolute path sets the directory again before anything depends on it, a `WORKDIR`
    /// after the RUN that restores the directory in effect before, so that later instructions run where they ran.
    /// A `cd` to the directory already in effect is only removed, and a `WORKDIR` right before the RUN that serves
    /// only it (such as one restored for the RUN before) is retargeted, or removed when it goes back to the new
    /// directory. `set` commands that only turn on shell options (`set -eux; cd DIR; ...`, `set -o pipefail &&
    /// cd DIR && ...`) may come before the `cd`: they stay, and the `cd` goes.
    ///
    /// ## Why
    /// `WORKDIR` says in one place where the commands of the image run; a `cd` hidden in a RUN is easy to miss
    /// and tempts the next author into `cd ../..`. hadolint reports it as DL3003.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// COPY src/ /src/
    /// RUN cd /src && make install
    /// CMD ["app"]
    /// ```
    /// Becomes:
    /// ```dockerfile
    /// FROM debian:12
    /// COPY src/ /src/
    /// WORKDIR /src
    /// RUN make install
    /// WORKDIR /
    /// CMD ["app"]
    /// ```
    ///
    /// ## Fix safety
    /// Safe when the directory is known to exist when the RUN starts: made earlier in the image by `WORKDIR`,
    /// `COPY`, `ADD` or `mkdir` (in a RUN whose commands are one `&&` chain) and not removed since, or one of the
    /// directories every Linux image has (`always-present`) or every image of its family has
    /// (`family-directories`, such as `/usr/local/bin` and `/opt`). Otherwise unsafe: `cd` fails on a missing
    /// directory, which stops the build, while `WORKDIR` creates it. A relative directory resolves against the working
    /// directory in effect, and the fix is only made where that one is known (set by `WORKDIR` in the file, or an
    /// image of `root-workdir`), so that it can be restored. Left alone: `cd -`, `cd` with options or a variable,
    /// `cd` in a subshell or later in the chain, a chain with `||`, a body using `OLDPWD`, mounts with a relative
    /// target, heredocs, exec form, Windows images; before the `cd`, a `set` with other options (`set -n`,
    /// `set -- args`) or in the background. With `set -x`, the trace line of the `cd` leaves the build log.
    ///
    /// ## Knowledge
    /// `transforms/shell.toml`: `[workdir]` (`always-present`, `family-directories`, `root-workdir`);
    /// `transforms/images.toml`: the family of each image.
    ///
    /// ## References
    /// - hadolint DL3003
    pub WorkdirNotCd {
        id: "workdir-not-cd",
        summary: "Use WORKDIR instead of a `cd` that starts a RUN",
        applicability: Applicability::Safe,
        default_enabled: true,
        aliases: ["DL3003"],
        since: "0.1.0",
    }
}

impl Transform for WorkdirNotCd {
    fn meta(&self) -> &'static TransformMeta {
        &Self::META
    }

    fn run(&self, cx: &Context<'_>, out: &mut Proposals) {
        let file = cx.file;
        if file.escape() != '\\' {
            return;
        }
        if !file.instructions().iter().any(leading_cd) {
            return;
        }
        let (states, style) = (states(cx), Style::of(file));
        for instr in file.instructions().iter().filter(|i| leading_cd(i)) {
            if let Some(p) = propose(cx, instr, out.default_applicability(), &states, &style) {
                out.propose(instr.range.clone(), p.0).fix = Some(p.1);
            }
        }
    }
}

/// The RUN instructions (by index, in order) whose leading `cd` this run replaces with WORKDIR: `merge-runs`
/// leaves them alone, so that the WORKDIR comes first (a joined body would keep the `cd`, in a subshell).
pub(crate) fn fixed_runs(cx: &Context<'_>) -> Vec<usize> {
    let meta = &WorkdirNotCd::META;
    if cx.file.escape() != '\\'
        || !cx.active.iter().any(|t| t.meta().id == meta.id)
        || !cx.file.instructions().iter().any(leading_cd)
    {
        return Vec::new();
    }
    let default = cx.config.applicability(meta.id).unwrap_or(meta.applicability);
    let (states, style) = (states(cx), Style::of(cx.file));
    cx.file
        .instructions()
        .iter()
        .filter(|i| leading_cd(i) && !cx.suppressions.suppresses(meta.id, i.range.start))
        .filter(|i| propose(cx, i, default, &states, &style).is_some_and(|(_, fix)| fix.applies(cx.required)))
        .map(|i| i.index)
        .collect()
}

/// The file's conventions for inserted lines, found once per run (each is a walk over the whole file).
struct Style {
    line_ending: &'static str,
    keyword: String,
}

impl Style {
    fn of(file: &Dockerfile) -> Style {
        Style { line_ending: file.line_ending(), keyword: file.keyword("WORKDIR") }
    }
}

/// A RUN whose body may start with `cd`, or with `set` commands and then `cd`.
fn leading_cd(instr: &Instruction) -> bool {
    let body = instr.args.as_str().trim_start();
    instr.kind == InstructionKind::Run && (body.starts_with("cd") || body.starts_with("set"))
}

/// `set` that only turns shell options on or off whose effect does not depend on the working directory and that
/// change nothing about a `cd` that succeeds: `-e`, `-u`, `-x`, `-v` (alone or grouped, with `-` or `+`) and
/// `-o`/`+o` with their long names or `pipefail`. (`set -x` traces the `cd`: the trace line leaves the log.)
fn transparent_set(command: &crate::syntax::shell::Command) -> bool {
    let words = &command.words;
    if !command.assignments.is_empty() || words.len() < 2 || !words[0].is("set") {
        return false;
    }
    let mut rest = words[1..].iter();
    while let Some(word) = rest.next() {
        let Some(v) = word.value.as_deref().filter(|v| word.raw == *v) else { return false };
        if v == "-o" || v == "+o" {
            let long = rest.next().and_then(|w| w.value.as_deref());
            if !long.is_some_and(|l| ["errexit", "nounset", "xtrace", "verbose", "pipefail"].contains(&l)) {
                return false;
            }
            continue;
        }
        let letters = v.strip_prefix('-').or_else(|| v.strip_prefix('+'));
        if !letters.is_some_and(|l| !l.is_empty() && l.chars().all(|c| "euxv".contains(c))) {
            return false;
        }
    }
    true
}

/// What is known before each RUN that may start with `cd`, and before the instruction right above it, found in one
/// walk over the stages (a stage built on another one starts from that one's end).
fn states(cx: &Context<'_>) -> HashMap<usize, State> {
    let file = cx.file;
    let wanted = |i: usize| [i, i + 1].iter().any(|&j| file.instructions().get(j).is_some_and(leading_cd));
    let mut out = HashMap::new();
    let mut at_end: Vec<Option<State>> = Vec::with_capacity(file.stages().len());
    for stage in file.stages() {
        let mut state = match &stage.base {
            StageBase::Stage(b) if *b < stage.index => at_end[*b].clone(),
            StageBase::Image(image) => Some(State::of_image(cx, image)),
            // Nothing to run a shell with, or nothing known.
            _ => None,
        };
        if let Some(state) = state.as_mut() {
            for instr in &file.instructions()[stage.instructions.clone()] {
                if wanted(instr.index) {
                    out.insert(instr.index, state.clone());
                }
                state.apply(file, instr);
            }
        }
        at_end.push(state);
    }
    out
}

fn propose(
    cx: &Context<'_>,
    instr: &Instruction,
    default: Applicability,
    states: &HashMap<usize, State>,
    style: &Style,
) -> Option<(String, Fix)> {
    let file = cx.file;
    if !run_context::posix_shell(file, instr.index) {
        return None;
    }
    let script = file.shell(instr.index)?;
    if script.error_count() > 0 || script.has_split_words() {
        return None;
    }
    let statements = script.statements();
    let commands = script.command_list();
    let simple = |range: &std::ops::Range<usize>| commands.iter().find(|c| &c.range == range);
    // Where the `cd` is: first, or after `set` commands that only turn on options (`set -eux; cd DIR; ...`).
    let (mut si, mut pi) = (0, 0);
    loop {
        let statement = statements.get(si)?;
        // With `||` in the chain, a failing `cd` or `set` runs other commands.
        if statement.operators.contains(&AndOr::Or) {
            return None;
        }
        if !simple(statement.pipelines.get(pi)?).is_some_and(transparent_set) {
            break;
        }
        if pi + 1 < statement.pipelines.len() {
            pi += 1;
        } else if matches!(statement.terminator, Terminator::Semicolon | Terminator::Newline) {
            (si, pi) = (si + 1, 0);
        } else {
            return None;
        }
    }
    let statement = &statements[si];
    let cd = simple(&statement.pipelines[pi])?;
    if !cd.assignments.is_empty() || cd.words.len() != 2 || !cd.words[0].is("cd") {
        return None;
    }
    // What the fix removes from the body: `cd DIR && ` before the next command of its chain, `cd DIR; ` when it
    // is a statement of its own, ` && cd DIR` when it ends a chain of `set` commands; the rest of the body must
    // follow.
    let body_removed = if pi + 1 < statement.pipelines.len() {
        cd.range.start..statement.pipelines[pi + 1].start
    } else if !matches!(statement.terminator, Terminator::Semicolon | Terminator::Newline) {
        return None;
    } else if pi > 0 {
        statements.get(si + 1)?;
        statement.pipelines[pi - 1].end..cd.range.end
    } else {
        cd.range.start..statements.get(si + 1)?.range.start
    };
    let dir = cd.words[1].value.as_deref()?;
    // A plain path, written without quotes, that WORKDIR reads as the shell does.
    let plain = |c: char| c.is_ascii_alphanumeric() || "_./@+:,%=-".contains(c);
    if dir.is_empty() || dir.starts_with('-') || cd.words[1].raw != dir || !dir.chars().all(plain) {
        return None;
    }
    // The rest of the body must not see the difference: OLDPWD (and so `cd -`) is unset in a fresh shell.
    if script.source().contains("OLDPWD")
        || script.command_list().iter().any(|c| c.words.len() > 1 && c.words[0].is("cd") && c.words[1].is("-"))
    {
        return None;
    }
    // A relative mount target resolves against the working directory.
    if instr.flags.iter().any(|f| f.name.eq_ignore_ascii_case("mount") && relative_mount_target(f.value.as_deref())) {
        return None;
    }

    let state = states.get(&instr.index)?;
    let target = match dir.starts_with('/') {
        true => normalize(dir)?,
        false => normalize(&format!("{}/{dir}", state.workdir.as_deref()?))?,
    };
    let exists = state.exists(&target, cx.knowledge);

    // Does a later instruction depend on the working directory before an absolute WORKDIR sets it again?
    let restore = match reset_before_use(file, instr) {
        true => None,
        false => {
            let previous = state.workdir.clone()?;
            // The directory to go back to must still be there after the RUN: WORKDIR would recreate it.
            let mut after = state.clone();
            after.run_removals(script);
            if !after.exists(&previous, cx.knowledge) {
                return None;
            }
            Some(previous)
        }
    };

    let (removed_start, removed_end) =
        (script.text().to_file(body_removed.start), script.text().to_file(body_removed.end));
    if has_comment_in(file, &(removed_start..removed_end)) {
        return None;
    }
    let unsafe_note = |message: String| match exists {
        true => (default, message),
        false => (
            default.min(Applicability::Unsafe),
            format!(
                "{message}; unsafe because dfix cannot tell that `{target}` exists when the RUN starts: `cd` fails \
                 on a missing directory, which stops the build, while WORKDIR creates it"
            ),
        ),
    };

    // `cd` to the directory the RUN already runs in: only the `cd` goes.
    if state.workdir.as_deref() == Some(target.as_str()) {
        let (applicability, message) =
            unsafe_note(format!("`cd {dir}` goes to the working directory the RUN already runs in"));
        let edits = vec![Edit::deletion(removed_start..removed_end)];
        return Some((message, Fix::new(format!("Remove `cd {dir}`"), edits, applicability)));
    }

    let (le, keyword) = (style.line_ending, style.keyword.as_str());
    let (line_start, indent) = line_above_comments(file, instr);
    let mut edits = Vec::new();
    match retargetable_workdir(cx, instr, state.workdir.as_deref(), states) {
        // The WORKDIR right before the RUN serves only it: it names the new directory instead.
        Some((range, lines, before)) => {
            // It goes back to the directory the RUN is to run in: without it, the RUN runs there.
            match before.as_deref() == Some(target.as_str()) {
                true => edits.push(Edit::deletion(lines)),
                false => edits.push(Edit::replacement(target.clone(), range)),
            }
            edits.push(Edit::deletion(removed_start..removed_end));
        }
        // One edit from the inserted line to the first command after `cd DIR && `, keeping the comments, keyword
        // and flags in between.
        None => edits.push(Edit::replacement(
            format!("{indent}{keyword} {dir}{le}{}", file.text(line_start..removed_start)),
            line_start..removed_end,
        )),
    }
    if let Some(previous) = &restore {
        let end = file.next_line_start(instr.range.end);
        if file.text(instr.range.end..end).trim().starts_with('\\') {
            return None;
        }
        match file.source()[..end].ends_with('\n') {
            true => edits.push(Edit::insertion(format!("{indent}{keyword} {previous}{le}"), end)),
            // The RUN ends the file without a line ending.
            false => edits.push(Edit::insertion(format!("{le}{indent}{keyword} {previous}"), end)),
        }
    }
    let restored = match &restore {
        Some(p) => format!(" and `WORKDIR {p}` after it restores the directory later instructions run in"),
        None => String::new(),
    };
    let (applicability, message) =
        unsafe_note(format!("`cd {dir}` starts the RUN; `WORKDIR` before it says where its commands run{restored}"));
    Some((message, Fix::new(format!("Replace `cd {dir}` with WORKDIR"), edits, applicability)))
}

/// An absolute WORKDIR right before the RUN that names the directory in effect, which existed before it (so the
/// WORKDIR made nothing and only serves the RUN): the range of its argument, of its lines, and the working
/// directory before it.
fn retargetable_workdir(
    cx: &Context<'_>,
    instr: &Instruction,
    workdir: Option<&str>,
    states: &HashMap<usize, State>,
) -> Option<(std::ops::Range<usize>, std::ops::Range<usize>, Option<String>)> {
    let previous = cx.file.instructions().get(instr.index.checked_sub(1)?)?;
    if previous.kind != InstructionKind::Workdir
        || previous.stage != instr.stage
        || !previous.flags.is_empty()
        || previous.is_multiline()
    {
        return None;
    }
    let path = literal(previous.args.as_str())?;
    if !path.starts_with('/') || normalize(path).as_deref() != workdir || !previous.args.is_contiguous() {
        return None;
    }
    let before = states.get(&previous.index)?;
    if !before.exists(workdir?, cx.knowledge) {
        return None;
    }
    Some((previous.args.file_span()?, instruction_lines(cx.file, previous), before.workdir.clone()))
}

/// A `--mount` value whose target is not an absolute path.
fn relative_mount_target(value: Option<&str>) -> bool {
    let Some(value) = value else { return true };
    value.split(',').filter_map(|kv| kv.split_once('=')).any(|(k, v)| {
        matches!(k.trim().to_ascii_lowercase().as_str(), "target" | "dst" | "destination") && !v.starts_with('/')
    })
}

/// `/a/./b/` -> `/a/b`; `None` for a path with `..` (a symbolic link may lead elsewhere) or not absolute.
fn normalize(path: &str) -> Option<String> {
    if !path.starts_with('/') {
        return None;
    }
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => return None,
            p => parts.push(p),
        }
    }
    Some(format!("/{}", parts.join("/")))
}

/// Whether an absolute WORKDIR follows the RUN in its stage before any instruction whose result depends on the
/// working directory (the end of the stage counts: the image keeps its working directory).
fn reset_before_use(file: &Dockerfile, instr: &Instruction) -> bool {
    let Some(stage) = instr.stage.map(|s| &file.stages()[s]) else { return false };
    for next in &file.instructions()[instr.index + 1..stage.instructions.end] {
        use InstructionKind::*;
        match next.kind {
            Workdir => return literal(next.args.as_str()).is_some_and(|p| p.starts_with('/')),
            Arg | Env | Label | Expose | User | Stopsignal | Maintainer | Shell => {}
            Copy | Add if next.heredocs.is_empty() && absolute_destination(file, next) => {}
            _ => return false,
        }
    }
    false
}

fn absolute_destination(file: &Dockerfile, instr: &Instruction) -> bool {
    destination(file, instr).is_some_and(|d| d.starts_with('/'))
}

/// The destination of a COPY or ADD, when it is written without variables.
fn destination(file: &Dockerfile, instr: &Instruction) -> Option<String> {
    let words: Vec<String> = match &instr.exec {
        Some(items) => items.clone(),
        None => instr.whitespace_words().iter().map(|w| unquote(&w.raw, file.escape())).collect(),
    };
    let dest = words.last().filter(|_| words.len() >= 2)?;
    (!dest.contains('$')).then(|| dest.clone())
}

/// The text of a WORKDIR argument without variables or quotes.
fn literal(text: &str) -> Option<&str> {
    let text = text.trim();
    (!text.is_empty() && !text.contains(['$', '"', '\'', '\\', ' ', '\t'])).then_some(text)
}

/// What is known before a RUN: the working directory, the directories made and not removed since, and the static
/// paths removed since (which may have taken a directory of the system with them).
#[derive(Clone, Debug)]
struct State {
    workdir: Option<String>,
    /// The family of the image at the start of the FROM chain.
    family: Option<String>,
    made: Vec<String>,
    removed: Vec<String>,
}

impl State {
    /// What is known at the start of a stage built on `image`.
    fn of_image(cx: &Context<'_>, image: &ImageRef) -> State {
        let (mut family, mut workdir) = (None, None);
        if !image.has_variable {
            family = cx.knowledge.images.facts(image).family.map(str::to_string);
            let repository = cx
                .knowledge
                .images
                .hub_repository(image)
                .or_else(|| image.registry.as_ref().map(|registry| format!("{registry}/{}", image.repository)));
            let root =
                repository.is_some_and(|r| cx.knowledge.shell.workdir.root_workdir.iter().any(|p| glob_match(p, &r)));
            workdir = root.then(|| "/".to_string());
        }
        State { workdir, family, made: Vec::new(), removed: Vec::new() }
    }

    /// What an instruction changes.
    fn apply(&mut self, file: &Dockerfile, instr: &Instruction) {
        match instr.kind {
            InstructionKind::Workdir => {
                let path = literal(instr.args.as_str()).and_then(|p| self.resolve(p));
                if let Some(p) = &path {
                    self.make(p);
                }
                self.workdir = path;
            }
            InstructionKind::Copy | InstructionKind::Add if instr.heredocs.is_empty() => {
                let Some(dest) = destination(file, instr) else { return };
                let Some(path) = self.resolve(&dest) else { return };
                if dest.ends_with('/') {
                    self.make(&path);
                } else if let Some((parent, _)) = path.rsplit_once('/') {
                    self.make(if parent.is_empty() { "/" } else { parent });
                }
            }
            InstructionKind::Run => match file.shell(instr.index) {
                Some(script) if script.error_count() == 0 => {
                    self.run_removals(script);
                    self.run_mkdirs(script);
                }
                _ => self.remove_unknown(),
            },
            _ => {}
        }
    }

    /// An absolute path for `path` written at the working directory.
    fn resolve(&self, path: &str) -> Option<String> {
        if path.starts_with('/') { normalize(path) } else { normalize(&format!("{}/{path}", self.workdir.as_deref()?)) }
    }

    fn make(&mut self, path: &str) {
        if !self.made.iter().any(|m| m == path) {
            self.made.push(path.to_string());
        }
    }

    /// Forget what a removal of the paths starting with `prefix` (a static path) may have removed.
    fn remove(&mut self, prefix: &str) {
        let prefix = prefix.trim_end_matches('/');
        self.made.retain(|m| !m.starts_with(prefix));
        self.removed.push(prefix.to_string());
    }

    /// A command removed paths dfix cannot tell: the directories made in the file are no longer known to exist.
    /// The directories of the system (`always-present`, `family-directories`) still are: only a removal that
    /// names them (`rm -rf /opt`) takes them away.
    fn remove_unknown(&mut self) {
        self.made.clear();
    }

    fn exists(&self, path: &str, knowledge: &Knowledge) -> bool {
        let under = |p: &str, dir: &str| p == dir || p.strip_prefix(dir).is_some_and(|r| r.starts_with('/'));
        if path == "/" || self.made.iter().any(|m| under(m, path)) {
            return true;
        }
        let table = &knowledge.shell.workdir;
        let of_family = self.family.as_ref().and_then(|f| table.family_directories.get(f)).into_iter().flatten();
        table.always_present.iter().chain(of_family).any(|p| p == path)
            && !self.removed.iter().any(|r| path.starts_with(r.as_str()))
    }

    /// Forget the directories that `rm`, `rmdir`, `mv`, `unlink` or `find -delete` in the body may remove (also
    /// behind `xargs` and the like).
    fn run_removals(&mut self, script: &ShellScript) {
        let changes_dir = script.state_changes().iter().any(|s| s.kind == StateKind::Directory);
        for command in script.command_list() {
            let Some(name) = command.words.first() else { continue };
            if name.value.is_none() {
                // A command whose name is not static may be anything.
                self.remove_unknown();
                continue;
            }
            let removes = ["rm", "rmdir", "mv", "unlink", "-delete"];
            let Some(first) = command.words.iter().position(|w| removes.iter().any(|r| w.is(r))) else { continue };
            for word in &command.words[first + 1..] {
                let Some(value) = word.value.as_deref() else {
                    self.remove_unknown();
                    continue;
                };
                if value.starts_with('-') {
                    continue;
                }
                let absolute = match value.starts_with('/') {
                    true => Some(value.to_string()),
                    false if changes_dir => None,
                    false => self.workdir.as_ref().map(|w| format!("{w}/{value}")),
                };
                let Some(absolute) = absolute else {
                    self.remove_unknown();
                    continue;
                };
                // Up to the first wildcard: a prefix of the paths it may remove.
                self.remove(&absolute[..absolute.find(['*', '?', '[']).unwrap_or(absolute.len())]);
            }
        }
    }

    /// Remember the absolute directories `mkdir` made, when the body is one `&&` chain whose commands all ran for
    /// the RUN to succeed.
    fn run_mkdirs(&mut self, script: &ShellScript) {
        let statements = script.statements();
        let [statement] = statements.as_slice() else { return };
        if statement.operators.contains(&AndOr::Or) {
            return;
        }
        for command in script.command_list() {
            if !command.words.first().is_some_and(|w| w.is("mkdir")) || !statement.pipelines.contains(&command.range) {
                continue;
            }
            for word in &command.words[1..] {
                if let Some(path) = word.value.as_deref().filter(|v| v.starts_with('/')).and_then(normalize) {
                    self.make(&path);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_normalize() {
        assert_eq!(normalize("/a/./b/").as_deref(), Some("/a/b"));
        assert_eq!(normalize("/").as_deref(), Some("/"));
        assert_eq!(normalize("/a/../b"), None);
        assert_eq!(normalize("a"), None);
    }

    #[test]
    fn mount_targets() {
        assert!(!relative_mount_target(Some("type=cache,target=/root/.cache")));
        assert!(relative_mount_target(Some("type=bind,target=src")));
        assert!(!relative_mount_target(Some("type=secret,id=x")));
    }

    /// The `## Example` of the docs: the first block becomes the second (unsafe fixes applied).
    #[test]
    fn docs_example_holds() {
        let blocks: Vec<String> = WorkdirNotCd::META
            .docs
            .split("```dockerfile\n")
            .skip(1)
            .map(|b| {
                let body = b.split("```").next().unwrap();
                body.lines().map(|l| l.strip_prefix(' ').unwrap_or(l)).collect::<Vec<_>>().join("\n") + "\n"
            })
            .collect();
        let config = crate::config::Config::default();
        let options = crate::engine::Options {
            required: crate::fix::Applicability::Unsafe,
            max_passes: 10,
            ..crate::engine::Options::new(vec![&WorkdirNotCd], &config, crate::knowledge::Knowledge::builtin())
        };
        let input = blocks[0].clone();
        let outcome = crate::engine::fix(&input, &options).unwrap();
        assert_eq!(outcome.output, blocks[1]);
    }
}
