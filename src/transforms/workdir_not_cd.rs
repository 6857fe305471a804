//! `workdir-not-cd`: a RUN that starts with `cd DIR && ...` runs in `WORKDIR DIR` instead.

use crate::fix::{Applicability, Edit, Fix};
use crate::knowledge::{Knowledge, glob_match};
use crate::syntax::shell::{AndOr, StateKind};
use crate::syntax::words::unquote;
use crate::syntax::{Dockerfile, Instruction, InstructionKind, ShellScript, StageBase};
use crate::transforms::edits::has_comment_in;
use crate::transforms::pipefail::line_above_comments;
use crate::transforms::{Context, Proposals, Transform, TransformMeta, declare_transform, run_context};

declare_transform! {
    /// ## What it does
    /// Replaces a `cd DIR && ` that starts a RUN with `WORKDIR DIR` before the RUN, and, unless a later
    /// `WORKDIR` with an absolute path sets the directory again before anything depends on it, a `WORKDIR` after
    /// the RUN that restores the directory in effect before, so that later instructions run where they ran.
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
    /// (`family-directories`, such as `/usr/local/bin` and `/opt`). Otherwise unsafe: `cd` fails on a missing directory,
    /// which stops the build, while `WORKDIR` creates it. A relative directory resolves against the working
    /// directory in effect, and the fix is only made where that one is known (set by `WORKDIR` in the file, or an
    /// image of `root-workdir`), so that it can be restored. Left alone: `cd -`, `cd` with options or a variable,
    /// `cd` in a subshell or later in the chain, a chain with `||`, a body using `OLDPWD`, mounts with a relative
    /// target, heredocs, exec form, Windows images.
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
        for instr in file.instructions().iter().filter(|i| i.kind == InstructionKind::Run) {
            if !instr.args.as_str().trim_start().starts_with("cd") {
                continue;
            }
            if let Some(p) = propose(cx, instr, out.default_applicability()) {
                out.propose(instr.range.clone(), p.0).fix = Some(p.1);
            }
        }
    }
}

/// Whether this run replaces the `cd` that starts `instr` with WORKDIR: `merge-runs` leaves such a RUN alone, so
/// that the WORKDIR comes first (a joined body would keep the `cd`, in a subshell).
pub(crate) fn will_fix(cx: &Context<'_>, instr: &Instruction) -> bool {
    let meta = &WorkdirNotCd::META;
    if instr.kind != InstructionKind::Run
        || !instr.args.as_str().trim_start().starts_with("cd")
        || !cx.active.iter().any(|t| t.meta().id == meta.id)
        || cx.suppressions.suppresses(meta.id, instr.range.start)
    {
        return false;
    }
    let default = cx.config.applicability(meta.id).unwrap_or(meta.applicability);
    propose(cx, instr, default).is_some_and(|(_, fix)| fix.applies(cx.required))
}

fn propose(cx: &Context<'_>, instr: &Instruction, default: Applicability) -> Option<(String, Fix)> {
    let file = cx.file;
    if !run_context::posix_shell(file, instr.index) {
        return None;
    }
    let script = file.shell(instr.index)?;
    if script.error_count() > 0 || script.has_split_words() {
        return None;
    }
    let statement = script.statements().into_iter().next()?;
    // `cd DIR && next ...`: only `&&` in the chain (with `||`, a failing `cd` runs other commands).
    if statement.pipelines.len() < 2 || statement.operators.contains(&AndOr::Or) {
        return None;
    }
    let cd = script.command_list().iter().find(|c| c.range == statement.pipelines[0])?;
    if !cd.assignments.is_empty() || cd.words.len() != 2 || !cd.words[0].is("cd") {
        return None;
    }
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

    let state = State::before(cx, instr)?;
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

    let next = statement.pipelines[1].start;
    let cd_start = script.file_range(cd.range.clone()).start;
    let removed_end = script.text().to_file(next);
    if has_comment_in(file, &(cd_start..removed_end)) {
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
        let edits = vec![Edit::deletion(cd_start..removed_end)];
        return Some((message, Fix::new(format!("Remove `cd {dir} && `"), edits, applicability)));
    }

    let le = file.line_ending();
    let keyword = file.keyword("WORKDIR");
    let (line_start, indent) = line_above_comments(file, instr);
    let mut edits = Vec::new();
    match retargetable_workdir(cx, instr, state.workdir.as_deref()) {
        // The WORKDIR right before the RUN serves only it: it names the new directory instead.
        Some(range) => {
            edits.push(Edit::replacement(target.clone(), range));
            edits.push(Edit::deletion(cd_start..removed_end));
        }
        // One edit from the inserted line to the first command after `cd DIR && `, keeping the comments, keyword
        // and flags in between.
        None => edits.push(Edit::replacement(
            format!("{indent}{keyword} {dir}{le}{}", file.text(line_start..cd_start)),
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

/// The argument of an absolute WORKDIR right before the RUN that names the directory in effect, which existed
/// before it (so the WORKDIR made nothing and only serves the RUN).
fn retargetable_workdir(
    cx: &Context<'_>,
    instr: &Instruction,
    workdir: Option<&str>,
) -> Option<std::ops::Range<usize>> {
    let previous = cx.file.instructions().get(instr.index.checked_sub(1)?)?;
    if previous.kind != InstructionKind::Workdir || previous.stage != instr.stage || !previous.flags.is_empty() {
        return None;
    }
    let path = literal(previous.args.as_str())?;
    if !path.starts_with('/') || normalize(path).as_deref() != workdir || !previous.args.is_contiguous() {
        return None;
    }
    let before = State::before(cx, previous)?;
    before.exists(workdir?, cx.knowledge).then(|| previous.args.file_span()).flatten()
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
    /// Walk the instructions that ran before `instr` in its image.
    fn before(cx: &Context<'_>, instr: &Instruction) -> Option<State> {
        let file = cx.file;
        let mut family = None;
        let workdir = match run_context::chain_base(file, instr.index)? {
            StageBase::Image(image) if !image.has_variable => {
                family = cx.knowledge.images.facts(image).family.map(str::to_string);
                let repository = cx
                    .knowledge
                    .images
                    .hub_repository(image)
                    .or_else(|| image.registry.as_ref().map(|registry| format!("{registry}/{}", image.repository)));
                let root = repository
                    .is_some_and(|r| cx.knowledge.shell.workdir.root_workdir.iter().any(|p| glob_match(p, &r)));
                root.then(|| "/".to_string())
            }
            StageBase::Image(_) => None,
            // Nothing to run a shell with, or nothing known.
            StageBase::Scratch | StageBase::Unresolved | StageBase::Stage(_) => return None,
        };
        let mut state = State { workdir, family, made: Vec::new(), removed: Vec::new() };
        for earlier in run_context::before(file, instr.index) {
            match earlier.kind {
                InstructionKind::Workdir => {
                    let path = literal(earlier.args.as_str()).and_then(|p| state.resolve(p));
                    if let Some(p) = &path {
                        state.make(p);
                    }
                    state.workdir = path;
                }
                InstructionKind::Copy | InstructionKind::Add => {
                    if !earlier.heredocs.is_empty() {
                        continue;
                    }
                    let Some(dest) = destination(file, earlier) else { continue };
                    let Some(path) = state.resolve(&dest) else { continue };
                    if dest.ends_with('/') {
                        state.make(&path);
                    } else if let Some((parent, _)) = path.rsplit_once('/') {
                        state.make(if parent.is_empty() { "/" } else { parent });
                    }
                }
                InstructionKind::Run => match file.shell(earlier.index) {
                    Some(script) if script.error_count() == 0 => {
                        state.run_removals(script);
                        state.run_mkdirs(script);
                    }
                    _ => state.remove_unknown(),
                },
                _ => {}
            }
        }
        Some(state)
    }

    /// An absolute path for `path` written at the working directory.
    fn resolve(&self, path: &str) -> Option<String> {
        if path.starts_with('/') { normalize(path) } else { normalize(&format!("{}/{path}", self.workdir.as_deref()?)) }
    }

    fn make(&mut self, path: &str) {
        self.made.push(path.to_string());
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
