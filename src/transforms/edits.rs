//! Shared edit builders, so transforms keep the file's conventions (keyword casing, quoting, continuations).

use std::ops::Range;

use crate::fix::Edit;
use crate::knowledge::Knowledge;
use crate::syntax::shell::{FlowKind, Terminator};
use crate::syntax::{Dockerfile, Instruction, InstructionKind, ShellScript, ShellWord, StageBase};

/// `keyword` written in the casing of an existing keyword (`ADD` -> `COPY`, `add` -> `copy`, `Add` -> `Copy`).
pub fn keyword_like(existing: &str, keyword: &str) -> String {
    let letters: Vec<char> = existing.chars().filter(char::is_ascii_alphabetic).collect();
    if letters.iter().all(char::is_ascii_uppercase) {
        keyword.to_ascii_uppercase()
    } else if letters.iter().all(char::is_ascii_lowercase) {
        keyword.to_ascii_lowercase()
    } else {
        let lower = keyword.to_ascii_lowercase();
        let mut chars = lower.chars();
        chars.next().map(|c| c.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
    }
}

/// Replace an instruction's keyword with another one, keeping its casing.
pub fn replace_keyword(file: &Dockerfile, instr: &Instruction, keyword: &str) -> Edit {
    let existing = file.text(instr.keyword.clone());
    Edit::replacement(keyword_like(existing, keyword), instr.keyword.clone())
}

/// The file range of a shell word, when the word is one contiguous piece of the file (no line continuation or
/// dropped comment line inside it).
pub fn shell_word_range(script: &ShellScript, word: &ShellWord) -> Option<Range<usize>> {
    script.text().is_contiguous_range(word.range.clone()).then(|| script.file_range(word.range.clone()))
}

/// Replace a shell word, if it lies in one piece of the file.
pub fn replace_shell_word(script: &ShellScript, word: &ShellWord, content: &str) -> Option<Edit> {
    shell_word_range(script, word).map(|r| Edit::replacement(content, r))
}

/// Quote a value for a Dockerfile `key="value"` pair: backslash, double quote and dollar are escaped, so the
/// value is taken literally (for text that must not be expanded).
pub fn double_quote_literal(value: &str, escape: char) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        if c == '"' || c == '$' || c == escape || c == '\\' {
            out.push(escape);
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// A word for a POSIX shell command line that the shell takes as exactly `value`: kept as it is when it holds only
/// characters no shell treats specially, single-quoted otherwise (a `'` inside becoming `'\''`).
pub fn shell_quote(value: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "_./-+@%:,=".contains(c);
    if !value.is_empty() && value.chars().all(plain) {
        return value.to_string();
    }
    format!("'{}'", value.replace('\'', "'\\''"))
}

/// Whether any comment line of the file lies inside `range` (an edit over it would delete the comment).
pub fn has_comment_in(file: &Dockerfile, range: &Range<usize>) -> bool {
    // Comments are in file order and do not overlap: only the first one ending after `range.start` can qualify.
    let comments = file.comments();
    let first = comments.partition_point(|c| c.end <= range.start);
    comments.get(first).is_some_and(|c| c.start < range.end)
}

/// Why RUN instructions cannot be joined into one without possibly changing what the build does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JoinRefusal {
    /// Not a RUN instruction.
    NotRun,
    /// The exec form (`RUN ["a", "b"]`) runs no shell.
    ExecForm,
    /// Heredoc bodies are not parsed, so never edited.
    Heredoc,
    /// A Windows file (`# escape=` with a backtick) or a Windows base image.
    Windows,
    /// The SHELL in effect is not a POSIX shell dfix knows (its arguments as written).
    UnknownShell(String),
    /// The body does not parse as a plain shell list.
    Unparsed,
    /// The body has a `#` comment, which would swallow what is appended after it.
    Comment,
    /// The body ends or replaces the shell, or leaves a process running in the background.
    Flow(FlowKind),
    /// The body starts a service or daemon that would keep running into the next body.
    Daemon(String),
    /// The instruction's lines cannot be joined (a dangling continuation, a comment between flags and body).
    Layout,
    /// Something other than comments and blank lines between the instructions, or another stage.
    Apart,
    /// A comment between the instructions addresses a tool about the next instruction (`# hadolint ignore=...`).
    Pragma,
    /// The instructions have different flags.
    Flags,
    /// A mount whose writes each RUN discards (`type=tmpfs`, a read-write bind mount).
    WritableMount,
    /// The body relies on `errexit` (`set -e`, or a SHELL with `-e`), which the shell ignores on the left of `&&`.
    Errexit,
}

impl std::fmt::Display for JoinRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            JoinRefusal::NotRun => f.write_str("not a RUN instruction"),
            JoinRefusal::ExecForm => f.write_str("the exec form runs no shell"),
            JoinRefusal::Heredoc => f.write_str("heredoc bodies are not edited"),
            JoinRefusal::Windows => f.write_str("Windows shells are not supported"),
            JoinRefusal::UnknownShell(shell) => write!(f, "SHELL {shell} is not a POSIX shell dfix knows"),
            JoinRefusal::Unparsed => f.write_str("the shell body does not parse as a plain list of commands"),
            JoinRefusal::Comment => f.write_str("the shell body ends in a comment"),
            JoinRefusal::Flow(FlowKind::Exit) => f.write_str("the shell body may exit the shell"),
            JoinRefusal::Flow(FlowKind::Exec) => f.write_str("the shell body may replace the shell with `exec`"),
            JoinRefusal::Flow(FlowKind::Background) => f.write_str("the shell body starts a background job"),
            JoinRefusal::Daemon(name) => write!(f, "`{name}` may leave a service running into the next body"),
            JoinRefusal::Layout => f.write_str("the instruction's lines cannot be joined"),
            JoinRefusal::Apart => f.write_str("the instructions are not consecutive in one stage"),
            JoinRefusal::Pragma => f.write_str("a comment between them is addressed to a tool"),
            JoinRefusal::Flags => f.write_str("the instructions have different flags"),
            JoinRefusal::WritableMount => f.write_str("a writable mount is discarded after each RUN"),
            JoinRefusal::Errexit => f.write_str("the shell body relies on `set -e`, which `&&` would turn off"),
        }
    }
}

/// A shell-form RUN instruction that can be joined with its neighbours, and how its body must be wrapped.
pub struct JoinBody<'a> {
    pub instr: &'a Instruction,
    /// The body's file range, from its first to its last byte.
    body: Range<usize>,
    /// Top-level `;`, `||`, newlines or a trailing `;`: `&&` must join the whole body, so it gets `{ ...; }`.
    group: bool,
    ends_with_semicolon: bool,
    /// It changes the shell's state (directory, variables, options, functions, traps...).
    changes_state: bool,
    /// It may run with `errexit` on and would behave differently where the shell ignores `errexit`.
    needs_errexit: bool,
    /// Commands it runs by a `PATH` search in its own shell that may install a new copy of themselves, when it may
    /// update one of them (an argument names such a tool, or is `self`, `self-update` or `--system`).
    hashed_self_updating: Vec<String>,
    /// All commands it runs.
    runs: Vec<String>,
    shell: Option<usize>,
}

impl<'a> JoinBody<'a> {
    /// Check one RUN instruction on its own.
    pub fn new(file: &'a Dockerfile, knowledge: &Knowledge, instr: &'a Instruction) -> Result<Self, JoinRefusal> {
        if instr.kind != InstructionKind::Run {
            return Err(JoinRefusal::NotRun);
        }
        if instr.is_exec_form() {
            return Err(JoinRefusal::ExecForm);
        }
        if !instr.heredocs.is_empty() {
            return Err(JoinRefusal::Heredoc);
        }
        let errexit_shell = posix_shell(file, instr)?;
        let script = file.shell(instr.index).ok_or(JoinRefusal::Windows)?;
        let body = instr.args.file_span().ok_or(JoinRefusal::Unparsed)?;
        let statements = script.statements();
        if script.error_count() > 0 || statements.is_empty() {
            return Err(JoinRefusal::Unparsed);
        }
        if statements.iter().any(|s| s.terminator == Terminator::Other) {
            return Err(JoinRefusal::Unparsed);
        }
        if script.has_comments() {
            return Err(JoinRefusal::Comment);
        }
        if let Some(flow) = script.flow_changes().first() {
            return Err(JoinRefusal::Flow(flow.kind));
        }
        let commands = script.command_list();
        // A command word starting with a brace (`o;}`, `}m`) is read differently by the shell and by the parser
        // once the body is grouped in `{ ...; }`: such a body is not understood well enough to wrap.
        if commands.iter().any(|c| c.words.first().is_some_and(|w| w.raw.starts_with(['{', '}']))) {
            return Err(JoinRefusal::Unparsed);
        }
        let unwrapped = |c: &crate::syntax::Command| -> Option<String> {
            let word = c.words.get(c.unwrapped_start())?.value.as_deref()?;
            Some(word.to_string())
        };
        let basename = |name: &str| name.rsplit('/').next().unwrap_or(name).to_string();
        for name in commands.iter().filter_map(unwrapped) {
            if name.starts_with("/etc/init.d/") || knowledge.shell.daemon_starters.contains(&basename(&name)) {
                return Err(JoinRefusal::Daemon(name));
            }
        }
        // Only blanks may follow the body, and no comment may sit between the keyword and the body.
        let trailing = file.text(body.end..instr.range.end);
        let head = file.line_start(instr.range.start)..body.start;
        if !trailing.trim().is_empty() || has_comment_in(file, &head) {
            return Err(JoinRefusal::Layout);
        }
        let last = statements.last().expect("not empty");
        Ok(JoinBody {
            instr,
            body,
            group: statements.len() > 1
                || last.terminator != Terminator::End
                || statements.iter().any(|s| s.operators.contains(&crate::syntax::shell::AndOr::Or)),
            ends_with_semicolon: last.terminator == Terminator::Semicolon,
            changes_state: !script.state_changes().is_empty(),
            needs_errexit: (errexit_shell || script.may_enable_errexit()) && !script.is_errexit_neutral(),
            hashed_self_updating: if updates_a_tool(commands, knowledge) {
                script.hashed_commands().into_iter().filter(|c| knowledge.shell.self_updating.contains(c)).collect()
            } else {
                Vec::new()
            },
            runs: script.command_names(),
            shell: file.shell_instruction(instr.index).map(|s| s.index),
        })
    }

    /// Whether another body may follow this one in a joined RUN: on the left of `&&`, the shell ignores `errexit`.
    pub fn can_precede(&self) -> Result<(), JoinRefusal> {
        if self.needs_errexit { Err(JoinRefusal::Errexit) } else { Ok(()) }
    }

    /// Whether `next` is the RUN right after this one and can run in the same shell.
    pub fn can_join(&self, file: &Dockerfile, knowledge: &Knowledge, next: &JoinBody<'_>) -> Result<(), JoinRefusal> {
        let (a, b) = (self.instr, next.instr);
        if b.index != a.index + 1 || a.stage != b.stage || self.shell != next.shell {
            return Err(JoinRefusal::Apart);
        }
        let between = file.next_line_start(a.range.end)..file.line_start(b.range.start);
        let only_comments =
            file.text(between.clone()).lines().all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'));
        if !only_comments {
            return Err(JoinRefusal::Apart);
        }
        let pragma = file.text(between.clone()).lines().any(|l| {
            let text = l.trim_start().trim_start_matches('#').trim_start().to_ascii_lowercase();
            knowledge.shell.pragma_comments.iter().any(|p| text.starts_with(&p.to_ascii_lowercase()))
                || crate::suppress::is_suppression_comment(l)
        });
        if pragma {
            return Err(JoinRefusal::Pragma);
        }
        let flags = |i: &Instruction| i.flags.iter().map(|f| file.text(f.range.clone())).collect::<Vec<_>>();
        if flags(a) != flags(b) {
            return Err(JoinRefusal::Flags);
        }
        let writable = a
            .flags
            .iter()
            .any(|f| f.name.eq_ignore_ascii_case("mount") && f.value.as_deref().is_none_or(is_writable_mount));
        if writable {
            return Err(JoinRefusal::WritableMount);
        }
        Ok(())
    }
}

/// Join two consecutive RUN instructions into one: `RUN a` + `RUN b` becomes `RUN a \` + `    && b`, following
/// the file's continuation style, keeping the comments between them (as comment lines inside the continuation) and
/// wrapping a body in `( ... )` or `{ ...; }` where the shell would otherwise see it differently. `Err` when joining
/// could change what the build does.
///
/// `pub fn join_runs(file: &Dockerfile, knowledge: &Knowledge, first: &Instruction, second: &Instruction)
/// -> Result<Vec<Edit>, JoinRefusal>`
pub fn join_runs(
    file: &Dockerfile,
    knowledge: &Knowledge,
    first: &Instruction,
    second: &Instruction,
) -> Result<Vec<Edit>, JoinRefusal> {
    join_run_chain(file, knowledge, &[first, second])
}

/// [`join_runs`] for any number of consecutive RUN instructions.
pub fn join_run_chain(
    file: &Dockerfile,
    knowledge: &Knowledge,
    runs: &[&Instruction],
) -> Result<Vec<Edit>, JoinRefusal> {
    let bodies = runs.iter().map(|i| JoinBody::new(file, knowledge, i)).collect::<Result<Vec<_>, _>>()?;
    for pair in bodies.windows(2) {
        pair[0].can_precede()?;
        pair[0].can_join(file, knowledge, &pair[1])?;
    }
    if !joined_body_parses(file, &bodies) {
        return Err(JoinRefusal::Unparsed);
    }
    Ok(join_edits(file, &bodies))
}

/// The edits that join a chain of bodies already checked with [`JoinBody::can_precede`] and
/// [`JoinBody::can_join`].
pub fn join_edits(file: &Dockerfile, chain: &[JoinBody<'_>]) -> Vec<Edit> {
    let indent = file.continuation_indent();
    let and_at_end = and_at_line_end(file);
    let escape = file.escape();
    let last = chain.len().saturating_sub(1);
    let mut edits = Vec::new();
    for (k, (body, (open, close))) in chain.iter().zip(wrappers(chain)).enumerate() {
        if k == 0 {
            if !open.is_empty() {
                edits.push(Edit::insertion(open, body.body.start));
            }
        } else {
            let and = if and_at_end { "" } else { "&& " };
            let head = file.line_start(body.instr.range.start)..body.body.start;
            edits.push(Edit::replacement(format!("{indent}{and}{open}"), head));
        }
        if k == last {
            if !close.is_empty() {
                edits.push(Edit::insertion(close, body.body.end));
            }
            continue;
        }
        let and = if and_at_end { " &&" } else { "" };
        edits.push(Edit::replacement(format!("{close}{and} {escape}"), body.body.end..body.instr.range.end));
        // Blank lines inside a continuation are deprecated; comment lines stay where they are.
        let mut pos = file.next_line_start(body.instr.range.end);
        let next = file.line_start(chain[k + 1].instr.range.start);
        while pos < next {
            let end = file.next_line_start(pos);
            if file.text(pos..end).trim().is_empty() {
                edits.push(Edit::deletion(pos..end));
            }
            pos = end;
        }
    }
    edits
}

/// How each body of a join is wrapped: what it did to the shell must not reach the bodies after it (a subshell keeps
/// it; so must where it found a command that may have installed a new copy of itself), and a body that is more
/// than one `&&` list is grouped.
fn wrappers(chain: &[JoinBody<'_>]) -> Vec<(&'static str, &'static str)> {
    let last = chain.len().saturating_sub(1);
    chain
        .iter()
        .enumerate()
        .map(|(k, body)| {
            let later = &chain[k + 1..];
            let leaks = body.changes_state
                || body.hashed_self_updating.iter().any(|c| later.iter().any(|b| b.runs.contains(c)));
            if k < last && leaks {
                ("( ", " )")
            } else if body.group {
                ("{ ", if body.ends_with_semicolon { " }" } else { "; }" })
            } else {
                ("", "")
            }
        })
        .collect()
}

/// Whether the shell body of the RUN that [`join_edits`] makes of `chain` parses cleanly. The shell parser reads a
/// few bodies differently once they are joined (a backtick substitution inside a command word, for one) even
/// though each parses on its own; such a join is not offered. The parse is kept for the engine, which parses the
/// joined body again once the fix is applied ([`ShellScript::parse_ahead`]).
pub fn joined_body_parses(file: &Dockerfile, chain: &[JoinBody<'_>]) -> bool {
    joined_text(file, chain).is_some_and(|text| ShellScript::parse_ahead(text) == 0)
}

/// The shell text of the RUN that [`join_edits`] makes of `chain`, as the builder's shell receives it: the bodies
/// wrapped, with what replaces the line breaks between them (the line continuations it inserts are removed, and so
/// are the comment lines it moves inside the continuation).
fn joined_text(file: &Dockerfile, chain: &[JoinBody<'_>]) -> Option<String> {
    let indent = file.continuation_indent();
    let and_at_end = and_at_line_end(file);
    let mut text = String::new();
    for (k, (body, (open, close))) in chain.iter().zip(wrappers(chain)).enumerate() {
        let script = file.shell(body.instr.index)?;
        if k > 0 {
            // `{close}{and} \` ends the line before, `{indent}{and}{open}` starts this one.
            text.push_str(if and_at_end { " && " } else { " " });
            text.push_str(&indent);
            if !and_at_end {
                text.push_str("&& ");
            }
        }
        text.push_str(open);
        text.push_str(script.source());
        text.push_str(close);
    }
    Some(text)
}

/// Whether an argument of a command names a tool that can update itself, possibly with a version (`pip`,
/// `npm@latest`, `pip==24.0`), or asks a tool to update itself (`self`, `self-update`, `--system`).
fn updates_a_tool(commands: &[crate::syntax::Command], knowledge: &Knowledge) -> bool {
    commands.iter().flat_map(|c| c.args()).filter_map(|w| w.value.as_deref()).any(|arg| {
        let name = arg.split(['=', '<', '>', '@', '~', '!', '[']).next().unwrap_or(arg);
        matches!(arg, "self" | "self-update" | "--system") || knowledge.shell.self_updating.iter().any(|t| t == name)
    })
}

/// Whether the file's RUN continuations put `&&` at the end of a line (`a && \`) rather than at the start of the
/// next one (`    && b`, the default).
fn and_at_line_end(file: &Dockerfile) -> bool {
    let (mut at_end, mut at_start) = (0, 0);
    for instr in file.instructions().iter().filter(|i| i.kind == InstructionKind::Run) {
        for c in &instr.continuations {
            if file.text(file.line_start(c.start)..c.start).trim_end().ends_with("&&") {
                at_end += 1;
            }
            let mut pos = c.end;
            while pos < instr.range.end {
                let end = file.next_line_start(pos);
                let line = file.text(pos..end.min(instr.range.end)).trim_start();
                if !line.is_empty() && !line.starts_with('#') {
                    at_start += usize::from(line.starts_with("&&"));
                    break;
                }
                pos = end;
            }
        }
    }
    at_end > at_start
}

/// Whether a SHELL in effect for `instr` is a POSIX shell dfix knows, and whether it runs with `errexit`.
fn posix_shell(file: &Dockerfile, instr: &Instruction) -> Result<bool, JoinRefusal> {
    if file.escape() != '\\' || windows_stage(file, instr) {
        return Err(JoinRefusal::Windows);
    }
    let Some(shell) = file.shell_instruction(instr.index) else {
        return Ok(false);
    };
    let unknown = || JoinRefusal::UnknownShell(shell.args.as_str().to_string());
    let argv = shell.exec.as_deref().ok_or_else(unknown)?;
    let (Some((dash_c, rest)), true) = (argv.split_last(), argv.last().is_some_and(|a| a == "-c")) else {
        return Err(unknown());
    };
    debug_assert_eq!(dash_c, "-c");
    let (program, mut options) = rest.split_first().ok_or_else(unknown)?;
    let name = program.rsplit('/').next().unwrap_or(program);
    if name == "busybox" {
        options = match options.split_first() {
            Some((applet, rest)) if applet == "sh" || applet == "ash" => rest,
            _ => return Err(unknown()),
        };
    } else if !matches!(name, "sh" | "bash" | "dash" | "ash") {
        return Err(unknown());
    }
    let mut errexit = false;
    let mut i = 0;
    while i < options.len() {
        let option = options[i].as_str();
        let (on, letters) = match (option.strip_prefix('-'), option.strip_prefix('+')) {
            _ if matches!(option, "--login" | "--noprofile" | "--norc" | "--posix") => (true, ""),
            (Some(l), _) | (_, Some(l)) if !l.is_empty() => (option.starts_with('-'), l),
            _ => return Err(unknown()),
        };
        let (letters, takes_name) = match letters.strip_suffix('o') {
            Some(l) => (l, true),
            None => (letters, false),
        };
        if !letters.chars().all(|c| "aefhkluvxBCEHPT".contains(c)) {
            return Err(unknown());
        }
        errexit |= on && letters.contains('e');
        if takes_name {
            i += 1;
            let name = options.get(i).ok_or_else(unknown)?;
            if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
                return Err(unknown());
            }
            errexit |= on && name == "errexit";
        }
        i += 1;
    }
    Ok(errexit)
}

/// Whether the stage of `instr` is built on a Windows image (its default shell is `cmd`).
fn windows_stage(file: &Dockerfile, instr: &Instruction) -> bool {
    let mut stage = instr.stage.and_then(|s| file.stages().get(s));
    while let Some(s) = stage {
        let platform = s.platform.as_deref().unwrap_or("").to_ascii_lowercase();
        let image = file.resolve_global_args(&s.image).unwrap_or_else(|| s.image.clone()).to_ascii_lowercase();
        if platform.contains("windows")
            || ["windows", "nanoserver", "servercore", "ltsc20", "dotnet/framework"].iter().any(|w| image.contains(w))
        {
            return true;
        }
        stage = match s.base {
            StageBase::Stage(b) if b < s.index => file.stages().get(b),
            _ => None,
        };
    }
    false
}

/// A `--mount` whose writes are discarded at the end of each RUN: `type=tmpfs`, or a bind mount with `rw`.
fn is_writable_mount(value: &str) -> bool {
    let mut kind = "bind";
    let mut writable = false;
    for pair in value.split(',') {
        let (key, v) = pair.split_once('=').unwrap_or((pair, "true"));
        match key.trim() {
            "type" => kind = v,
            "rw" | "readwrite" => writable = v != "false",
            _ => {}
        }
    }
    kind == "tmpfs" || (kind == "bind" && writable)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keyword_casing() {
        assert_eq!(keyword_like("ADD", "copy"), "COPY");
        assert_eq!(keyword_like("add", "COPY"), "copy");
        assert_eq!(keyword_like("Add", "copy"), "Copy");
    }

    #[test]
    fn literal_quoting() {
        assert_eq!(double_quote_literal(r#"Jo "J" $HOME \x"#, '\\'), r#""Jo \"J\" \$HOME \\x""#);
        assert_eq!(double_quote_literal("a$b", '`'), "\"a`$b\"");
    }

    #[test]
    fn shell_quoting() {
        assert_eq!(shell_quote("/srv/app-1.2_x"), "/srv/app-1.2_x");
        assert_eq!(shell_quote("/ap`"), "'/ap`'");
        assert_eq!(shell_quote("/my dir/$HOME"), "'/my dir/$HOME'");
        assert_eq!(shell_quote("/it's"), "'/it'\\''s'");
        assert_eq!(shell_quote("/end\\"), "'/end\\'");
        assert_eq!(shell_quote(""), "''");
    }
    fn join(src: &str) -> Result<String, JoinRefusal> {
        let file = Dockerfile::parse(src);
        assert!(file.errors().is_empty(), "{:?}", file.errors());
        let runs: Vec<&Instruction> = file
            .instructions()
            .iter()
            .filter(|i| !matches!(i.kind, InstructionKind::From | InstructionKind::Shell))
            .collect();
        let edits = join_run_chain(&file, Knowledge::builtin(), &runs)?;
        let mut edits: Vec<&Edit> = edits.iter().collect();
        edits.sort_by_key(|e| (e.start(), e.end()));
        Ok(crate::fix::apply_edits(src, &edits))
    }

    /// The text the joined-body check parses is exactly the body of the RUN the join makes, so that the engine
    /// takes that parse instead of parsing again.
    #[test]
    fn joined_text_is_the_merged_body() {
        for src in [
            "FROM a\nRUN a\nRUN b\n",
            "FROM a\r\nRUN x && \\\r\n\ty\r\n\r\n# c\r\nRUN cd /; b\r\n",
            "FROM a\nRUN cd /x\nRUN a || b\n# between\n\nRUN c;\n",
            "FROM a\nRUN --mount=type=cache,target=/c a \\\n  # inside\n  b   \nRUN --mount=type=cache,target=/c c\n",
            "from a\nrun b   \nrun set -e; a\n",
        ] {
            let file = Dockerfile::parse(src);
            let runs: Vec<&Instruction> =
                file.instructions().iter().filter(|i| i.kind == InstructionKind::Run).collect();
            let chain: Vec<JoinBody<'_>> =
                runs.iter().map(|i| JoinBody::new(&file, Knowledge::builtin(), i).unwrap()).collect();
            let predicted = joined_text(&file, &chain).unwrap();
            let joined = Dockerfile::parse(&join(src).unwrap());
            let run = joined.instructions().iter().find(|i| i.kind == InstructionKind::Run).unwrap();
            assert_eq!(joined.shell(run.index).unwrap().source(), predicted, "{src:?}");
        }
    }

    #[test]
    fn join_runs_follows_the_file() {
        assert_eq!(join("FROM a\nRUN a\nRUN b\n").unwrap(), "FROM a\nRUN a \\\n    && b\n");
        assert_eq!(
            join("FROM a\r\nRUN x && \\\r\n\ty\r\n\r\n# c\r\nRUN cd /; b\r\n").unwrap(),
            "FROM a\r\nRUN x && \\\r\n\ty && \\\r\n# c\r\n\t{ cd /; b; }\r\n"
        );
        assert_eq!(
            join("FROM a\nRUN cd /x\nRUN a || b\nRUN c;\n").unwrap(),
            "FROM a\nRUN ( cd /x ) \\\n    && { a || b; } \\\n    && { c; }\n"
        );
        let file = Dockerfile::parse("FROM a\nRUN a\nRUN b\n");
        let i = file.instructions();
        let edits = join_runs(&file, Knowledge::builtin(), &i[1], &i[2]).unwrap();
        assert_eq!(edits.len(), 2);
    }

    #[test]
    fn join_refusals() {
        use JoinRefusal::*;
        let refused = |src: &str| join(src).unwrap_err();
        assert_eq!(refused("FROM a\nRUN [\"a\"]\nRUN b\n"), ExecForm);
        assert_eq!(refused("FROM a\nRUN <<EOF\na\nEOF\nRUN b\n"), Heredoc);
        assert_eq!(refused("# escape=`\nFROM a\nRUN a\nRUN b\n"), Windows);
        assert_eq!(refused("FROM mcr.microsoft.com/windows/nanoserver:ltsc2022\nRUN a\nRUN b\n"), Windows);
        assert_eq!(
            refused("FROM a\nSHELL [\"pwsh\", \"-c\"]\nRUN a\nRUN b\n").to_string(),
            "SHELL [\"pwsh\", \"-c\"] is not a POSIX shell dfix knows"
        );
        assert_eq!(refused("FROM a\nRUN a 'b\nRUN b\n"), Unparsed);
        assert_eq!(refused("FROM a\nRUN a # c\nRUN b\n"), Comment);
        assert_eq!(refused("FROM a\nRUN a || exit 0\nRUN b\n"), Flow(FlowKind::Exit));
        assert_eq!(refused("FROM a\nRUN a\nRUN exec b\n"), Flow(FlowKind::Exec));
        assert_eq!(refused("FROM a\nRUN a &\nRUN b\n"), Flow(FlowKind::Background));
        assert_eq!(refused("FROM a\nRUN sudo service x start\nRUN b\n"), Daemon("service".into()));
        assert_eq!(refused("FROM a\nRUN a\nENV X=1\nRUN b\n"), NotRun);
        assert_eq!(refused("FROM a\nRUN --network=none a\nRUN b\n"), Flags);
        assert_eq!(refused("FROM a\nRUN a\n# why\n#  Hadolint ignore=DL3008\nRUN b\n"), Pragma);
        assert_eq!(
            refused("FROM a\nRUN --mount=type=tmpfs,target=/t a\nRUN --mount=type=tmpfs,target=/t b\n"),
            WritableMount
        );
        assert_eq!(refused("FROM a\nRUN set -e; a; b\nRUN c\n"), Errexit);
        assert_eq!(
            refused("FROM a\nSHELL [\"/bin/sh\", \"-ec\"]\nRUN a; b\nRUN c\n").to_string(),
            "SHELL [\"/bin/sh\", \"-ec\"] is not a POSIX shell dfix knows"
        );
        assert_eq!(refused("FROM a\nSHELL [\"/bin/sh\", \"-e\", \"-c\"]\nRUN a; b\nRUN c\n"), Errexit);
        assert!(join("FROM a\nSHELL [\"/bin/sh\", \"-e\", \"-c\"]\nRUN a && b\nRUN c; d\n").is_ok());
        assert!(join("FROM a\nRUN --mount=type=cache,target=/c a\nRUN --mount=type=cache,target=/c b\n").is_ok());
    }

    #[test]
    fn posix_shells() {
        let errexit = |shell: &str| {
            let file = Dockerfile::parse(&format!("FROM a\nSHELL {shell}\nRUN x\n"));
            posix_shell(&file, &file.instructions()[2])
        };
        assert_eq!(errexit(r#"["/bin/bash", "-o", "pipefail", "-c"]"#), Ok(false));
        assert_eq!(errexit(r#"["/bin/bash", "-euxo", "pipefail", "-c"]"#), Ok(true));
        assert_eq!(errexit(r#"["/bin/sh", "-o", "errexit", "-c"]"#), Ok(true));
        assert_eq!(errexit(r#"["/bin/busybox", "sh", "-c"]"#), Ok(false));
        assert_eq!(errexit(r#"["bash", "--login", "+e", "-c"]"#), Ok(false));
        for unknown in [
            r#"["zsh", "-c"]"#,
            r#"["bash", "-i", "-c"]"#,
            r#"["bash", "-c", "-e"]"#,
            r#"["cmd", "/S", "/C"]"#,
            "/bin/sh -c",
        ] {
            assert!(matches!(errexit(unknown), Err(JoinRefusal::UnknownShell(_))), "{unknown}");
        }
    }

    #[test]
    fn writable_mounts() {
        assert!(is_writable_mount("type=tmpfs,target=/t"));
        assert!(is_writable_mount("target=/src,rw"));
        assert!(is_writable_mount("type=bind,target=/src,readwrite=true"));
        assert!(!is_writable_mount("type=bind,target=/src"));
        assert!(!is_writable_mount("type=bind,target=/src,rw=false"));
        assert!(!is_writable_mount("type=cache,target=/c"));
        assert!(!is_writable_mount("type=secret,id=x"));
    }
}
