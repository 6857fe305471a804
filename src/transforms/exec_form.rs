//! `exec-form`: shell-form CMD, ENTRYPOINT and HEALTHCHECK CMD without any shell syntax become JSON arrays.

use crate::fix::{Applicability, Edit};
use crate::syntax::shell::{Command, Placement, Terminator};
use crate::syntax::{Dockerfile, Instruction, InstructionKind, ShellScript};
use crate::transforms::{Context, Proposals, Transform, TransformMeta, declare_transform, run_context};

declare_transform! {
    /// ## What it does
    /// Rewrites a shell-form `CMD`, `ENTRYPOINT` or `HEALTHCHECK CMD` as a JSON array (exec form) when the command
    /// is plain words: no variables, quotes, backslashes, operators (`;`, `&`, `|`, `<`, `>`, `(`, `)`), backticks,
    /// globs (`*`, `?`, `[`, `]`), braces, `~`, `#`, `!`, no line continuation, no leading `NAME=value`
    /// assignment, and no shell builtin or keyword as the command (`exec`, `cd`, `if`, ...). An array written with
    /// single quotes (`CMD ['app', '--port', '80']`), which is not JSON and so runs in shell form, becomes the JSON
    /// array it was meant to be.
    ///
    /// A `CMD` or `ENTRYPOINT` that needs its shell but is one simple command (variables, quotes, globs,
    /// redirections; no `;`, `&&`, `||`, `|`, `&`, subshell, group or comment) becomes the same shell call written
    /// in exec form, with `exec` in front of the command so that the command replaces the shell:
    /// `CMD gunicorn --bind "0.0.0.0:$PORT" app:app` becomes
    /// `CMD ["/bin/sh", "-c", "exec gunicorn --bind \"0.0.0.0:$PORT\" app:app"]`. The shell is `/bin/sh -c`, or the
    /// `SHELL` in effect when it is a POSIX shell whose last argument is `-c` (its options are kept). This is also
    /// how a plain-words `ENTRYPOINT` with a CMD is written (see below), and a plain-words command under a `SHELL`.
    ///
    /// ## Why
    /// The shell form runs `/bin/sh -c "<command>"`. The shell, not the command, is then PID 1 of the container:
    /// `docker stop` sends SIGTERM to the shell, which does not pass it on, and the container is killed after the
    /// timeout instead of shutting down cleanly. With the exec form the command receives the signals itself.
    /// BuildKit reports shell-form CMD and ENTRYPOINT as `JSONArgsRecommended`.
    ///
    /// ## Example
    /// ```dockerfile
    /// CMD gunicorn --bind 0.0.0.0:8000 app:app
    /// ```
    /// Becomes:
    /// ```dockerfile
    /// CMD ["gunicorn", "--bind", "0.0.0.0:8000", "app:app"]
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe. The command becomes PID 1 and gets signals directly, which is the point, but a program that
    /// ignores SIGTERM now also ignores `docker stop` until the timeout, and a PID 1 does not reap orphaned
    /// children unless it is made to. In a bare array nothing is expanded by a shell any more (it is only written
    /// when there is nothing to expand). An `ENTRYPOINT` in exec form receives the CMD and the arguments of `docker run` as
    /// arguments, which the shell form ignored: it is only written as the bare command when no CMD in its stage or
    /// in a stage built on it would become its arguments (`docker run IMAGE ARGS` then passes `ARGS` to it), and
    /// as the shell call otherwise. A `CMD` under an `ENTRYPOINT` reaches it as its words instead of `/bin/sh -c`
    /// and the command. The shell call is the very array Docker builds from the shell form, with `exec ` added to
    /// the script: the shell still expands everything and still ignores the arguments it is given (they become
    /// `$0`, `$1`, ...), and only PID 1 changes (a shell that already replaced itself with the command, as bash
    /// sometimes does, now does so always). Nothing is rewritten in Windows images or under a `SHELL` that is not
    /// a POSIX shell ending with `-c` (PowerShell, `cmd`), and a `HEALTHCHECK CMD` that needs a shell is left as it
    /// is (its signals do not matter). An array in single quotes runs today as
    /// `/bin/sh -c "['app', '--port', '80']"`: the shell looks for a program named `[app,` and the container fails
    /// to start; in exec form the program runs,
    /// which is what the brackets meant but a change all the same (as PID 1, and an ENTRYPOINT then receives the
    /// CMD as its arguments).
    ///
    /// ## References
    /// - hadolint DL3025
    /// - BuildKit check `JSONArgsRecommended`
    pub ExecForm {
        id: "exec-form",
        summary: "Write CMD, ENTRYPOINT and HEALTHCHECK CMD as JSON arrays (through `sh -c 'exec ...'` if needed)",
        applicability: Applicability::Unsafe,
        default_enabled: true,
        aliases: ["DL3025", "JSONArgsRecommended"],
        since: "0.1.0",
    }
}

/// Characters that mean something to `/bin/sh` (or that dfix does not want to reason about) in a command line.
const SHELL_CHARACTERS: &[char] = &[
    '$', '\'', '"', '\\', ';', '&', '|', '<', '>', '(', ')', '`', '*', '?', '[', ']', '{', '}', '~', '#', '!', '\n',
    '\r',
];

/// Shell builtins and keywords: as the first word they only work inside a shell (no program of that name runs
/// the same way).
const SHELL_ONLY: &[&str] = &[
    ".", ":", "alias", "bg", "break", "builtin", "case", "cd", "command", "continue", "coproc", "declare", "do",
    "done", "elif", "else", "esac", "eval", "exec", "exit", "export", "fc", "fg", "fi", "for", "function", "getopts",
    "hash", "if", "in", "jobs", "let", "local", "read", "readonly", "return", "select", "set", "shift", "source",
    "then", "time", "times", "trap", "type", "typeset", "ulimit", "umask", "unalias", "unset", "until", "wait",
    "while",
];

impl Transform for ExecForm {
    fn meta(&self) -> &'static TransformMeta {
        &Self::META
    }

    fn run(&self, cx: &Context<'_>, out: &mut Proposals) {
        let file = cx.file;
        // The backtick escape is Windows' convention; its shells are not `/bin/sh`.
        if file.escape() != '\\' {
            return;
        }
        for instr in file.instructions() {
            let Some(command) = shell_command(file, instr) else { continue };
            // Windows images run `cmd /S /C`, or a SHELL such as PowerShell.
            if !run_context::posix_shell(file, instr.index) {
                continue;
            }
            let keyword = instr.kind.as_str().to_ascii_uppercase();
            let what = if instr.kind == InstructionKind::Healthcheck { "HEALTHCHECK CMD" } else { &keyword };
            let text = file.text(command.clone());
            if text.trim_start().starts_with('[') {
                // An array written with single quotes is not JSON: Docker runs it in shell form.
                if let Some(items) = quoted_array(text) {
                    let array = json_array(&items);
                    out.fix(
                        instr.range.clone(),
                        format!(
                            "`{written}` is not a JSON array (JSON strings take double quotes), so Docker runs it in \
                             shell form, as `/bin/sh -c \"{written}\"`, where the shell looks for a program named like \
                             the bracketed words and fails; unsafe: in exec form the command runs, as the brackets \
                             meant, and becomes PID 1",
                            written = text.trim(),
                        ),
                        format!("Write `{what}` as the JSON array it was meant to be"),
                        vec![Edit::replacement(array, command)],
                    );
                }
                continue;
            }
            let shell = file.shell_instruction(instr.index);
            // An exec-form ENTRYPOINT would receive this CMD as its arguments; the shell call ignores them.
            let arguments = match instr.kind {
                InstructionKind::Entrypoint => cmd_that_would_become_arguments(file, instr),
                _ => None,
            };
            let words = if shell.is_none() && arguments.is_none() { plain_words(text) } else { None };
            let Some(words) = words else {
                if let Some((array, program)) = shell_call(file, instr, shell, text) {
                    let kept = match arguments {
                        Some(cmd) => format!(
                            "; the CMD at line {} stays ignored, as the shell call does not read its arguments",
                            file.line_col(cmd.range.start).0
                        ),
                        None => String::new(),
                    };
                    out.fix(
                        instr.range.clone(),
                        format!(
                            "shell-form `{what}` runs under `{program} -c`, which keeps the command from receiving \
                             signals; written as the same shell call in exec form, with `exec` so that the command \
                             replaces the shell: unsafe, as the command becomes PID 1 and gets signals such as \
                             SIGTERM directly (it must handle them){kept}"
                        ),
                        format!("Write `{what}` as an exec-form shell call that execs the command"),
                        vec![Edit::replacement(json_array(&array), command)],
                    );
                } else if let Some(cmd) = arguments {
                    let (line, _) = file.line_col(cmd.range.start);
                    out.propose(
                        instr.range.clone(),
                        format!(
                            "shell-form `ENTRYPOINT` runs under `/bin/sh -c`, which keeps it from receiving signals; \
                             not rewritten because the CMD at line {line} would become its arguments in exec form"
                        ),
                    );
                }
                continue;
            };
            let array = json_array(&words);
            let extra = match instr.kind {
                InstructionKind::Entrypoint => {
                    "; in exec form it also receives the arguments of `docker run`, which the shell form ignored"
                }
                InstructionKind::Cmd => "; an ENTRYPOINT receives its words instead of `/bin/sh -c` and the command",
                _ => "",
            };
            let message = match instr.kind {
                InstructionKind::Healthcheck => format!(
                    "shell-form `{what}` runs under `/bin/sh -c`; in exec form the command runs without a shell, \
                     which expands nothing for it"
                ),
                _ => format!(
                    "shell-form `{what}` runs under `/bin/sh -c`, which keeps the command from receiving signals; in \
                     exec form the command becomes PID 1 and gets signals such as SIGTERM directly (it must handle \
                     them), and no shell expands anything for it{extra}"
                ),
            };
            out.fix(
                instr.range.clone(),
                message,
                format!("Write `{what}` in exec form"),
                vec![Edit::replacement(array, command)],
            );
        }
    }
}

/// The file range of the shell-form command of a CMD, ENTRYPOINT or HEALTHCHECK CMD on one line, if it is one.
fn shell_command(file: &Dockerfile, instr: &Instruction) -> Option<std::ops::Range<usize>> {
    if instr.exec.is_some() || !instr.heredocs.is_empty() || instr.is_multiline() || !instr.comments.is_empty() {
        return None;
    }
    let span = instr.args.file_span()?;
    match instr.kind {
        InstructionKind::Cmd | InstructionKind::Entrypoint => Some(span),
        InstructionKind::Healthcheck => {
            let text = file.text(span.clone());
            let head = text.get(..3)?;
            if !head.eq_ignore_ascii_case("cmd") {
                return None;
            }
            let rest = &text[3..];
            let trimmed = rest.trim_start_matches([' ', '\t']);
            if trimmed.len() == rest.len() || trimmed.is_empty() {
                return None;
            }
            Some(span.end - trimmed.len()..span.end)
        }
        _ => None,
    }
}

/// The words of a command line that `/bin/sh` would split on blanks and pass on unchanged, or `None` when it has
/// anything else for the shell to do.
fn plain_words(text: &str) -> Option<Vec<&str>> {
    if text.chars().any(|c| SHELL_CHARACTERS.contains(&c) || (c.is_control() && c != ' ' && c != '\t')) {
        return None;
    }
    let words: Vec<&str> = text.split([' ', '\t']).filter(|w| !w.is_empty()).collect();
    let first = words.first()?;
    // `NAME=value cmd` sets a variable for the command.
    if first.contains('=') || SHELL_ONLY.contains(first) {
        return None;
    }
    Some(words)
}

/// The exec form of a shell-form CMD or ENTRYPOINT that is one simple command, as the same shell call with `exec`
/// in front of the command (see [`exec_body`]), and the shell's name: `/bin/sh -c`, or the SHELL in effect when it
/// ends with `-c`. `None` when that cannot be written.
fn shell_call(
    file: &Dockerfile,
    instr: &Instruction,
    shell: Option<&Instruction>,
    text: &str,
) -> Option<(Vec<String>, String)> {
    if instr.kind == InstructionKind::Healthcheck {
        return None;
    }
    let body = exec_body(file.shell(instr.index)?, text)?;
    let mut array: Vec<String> = match shell {
        Some(s) => s.exec.clone()?,
        None => vec!["/bin/sh".to_string(), "-c".to_string()],
    };
    if array.len() < 2 || array.last().map(String::as_str) != Some("-c") {
        return None;
    }
    let program = array[0].clone();
    array.push(body);
    Some((array, program))
}

/// The script a POSIX shell should run so that a shell-form command line replaces the shell instead of running as
/// its child: `exec` and the line, when the line is one simple command (words, expansions, quotes, redirections;
/// no `;`, `&&`, `||`, `|`, `&`, subshell, group, negation, comment or leading `NAME=value`) whose name is not a
/// builtin or keyword that only works inside a shell. A line that already starts with `exec` is kept as it is.
/// `None` for anything else.
fn exec_body(script: &ShellScript, line: &str) -> Option<String> {
    if script.error_count() > 0 || script.has_comments() {
        return None;
    }
    let [statement] = &script.statements()[..] else { return None };
    if statement.terminator != Terminator::End || statement.pipelines.len() != 1 {
        return None;
    }
    let top: Vec<&Command> = script.command_list().iter().filter(|c| c.placement == Placement::default()).collect();
    let [command] = top[..] else { return None };
    if command.range.start != statement.pipelines[0].start || !command.assignments.is_empty() {
        return None;
    }
    let source = line.trim();
    let name = command.name()?;
    if name.is("exec") {
        return (command.words.len() > 1).then(|| source.to_string());
    }
    if name.value.as_deref().is_some_and(|n| SHELL_ONLY.contains(&n)) {
        return None;
    }
    Some(format!("exec {source}"))
}

/// The items of an array written with single quotes, as in Python (`['app', '--port', '80']`), which is not
/// JSON: items in single quotes without `'` or `\\` inside, or JSON strings in double quotes, at least one in single
/// quotes, separated by commas. `None` for anything else (a variable, a trailing comma, an unquoted item), which is
/// left to the author.
fn quoted_array(text: &str) -> Option<Vec<String>> {
    let inner = text.trim().strip_prefix('[')?.strip_suffix(']')?;
    let mut items = Vec::new();
    let mut single = false;
    let mut rest = inner.trim_start_matches([' ', '\t']);
    if rest.is_empty() {
        return None;
    }
    loop {
        let (item, after) = if let Some(body) = rest.strip_prefix('\'') {
            let end = body.find('\'')?;
            let item = &body[..end];
            if item.contains('\\') || item.chars().any(char::is_control) {
                return None;
            }
            single = true;
            (item.to_string(), &body[end + 1..])
        } else if rest.starts_with('"') {
            let mut stream = serde_json::Deserializer::from_str(rest).into_iter::<String>();
            let item = stream.next()?.ok()?;
            let used = stream.byte_offset();
            (item, &rest[used..])
        } else {
            return None;
        };
        items.push(item);
        let after = after.trim_start_matches([' ', '\t']);
        if after.is_empty() {
            break;
        }
        rest = after.strip_prefix(',')?.trim_start_matches([' ', '\t']);
        if rest.is_empty() {
            return None;
        }
    }
    single.then_some(items)
}

/// `["a", "b"]`, each word escaped as JSON requires.
fn json_array(words: &[impl AsRef<str>]) -> String {
    let items: Vec<String> =
        words.iter().map(|w| serde_json::to_string(w.as_ref()).expect("a string always serializes")).collect();
    format!("[{}]", items.join(", "))
}

/// A CMD that an exec-form ENTRYPOINT would receive as arguments: one in its stage (before or after it, since
/// an ENTRYPOINT only resets the inherited CMD), or in a stage built on it.
fn cmd_that_would_become_arguments<'a>(file: &'a Dockerfile, instr: &Instruction) -> Option<&'a Instruction> {
    let stage = &file.stages()[instr.stage?];
    let own = file.instructions()[stage.instructions.clone()].iter().find(|i| i.kind == InstructionKind::Cmd);
    own.or_else(|| run_context::after(file, instr.index).into_iter().find(|i| i.kind == InstructionKind::Cmd))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_words_only() {
        assert_eq!(
            plain_words("gunicorn -b 0.0.0.0:80 app:app"),
            Some(vec!["gunicorn", "-b", "0.0.0.0:80", "app:app"])
        );
        assert_eq!(plain_words("  nginx\t-g   x "), Some(vec!["nginx", "-g", "x"]));
        for no in [
            "echo $HOME",
            "a && b",
            "a; b",
            "a | b",
            "run > log",
            "ls *.py",
            "echo 'x'",
            "cd ~",
            "A=b cmd",
            "exec app",
            "cd /app",
            "app # comment",
            "a\\ b",
            "",
            "   ",
            "app\u{1}",
        ] {
            assert_eq!(plain_words(no), None, "{no:?}");
        }
    }

    #[test]
    fn single_quoted_arrays() {
        let some = |t: &str, v: &[&str]| assert_eq!(quoted_array(t), Some(v.iter().map(|s| s.to_string()).collect()));
        some("['/bin/glide']", &["/bin/glide"]);
        some(" [ 'app' ,\t'--port', \"80\" ] ", &["app", "--port", "80"]);
        some("['say \"hi\"', '']", &["say \"hi\"", ""]);
        for no in [
            "[\"a\", \"b\"]",
            "['a',]",
            "['a' 'b']",
            "[a]",
            "[${X}]",
            "['a\\b']",
            "['a', \"b]",
            "[]",
            "['a'] x",
            "['it's']",
        ] {
            assert_eq!(quoted_array(no), None, "{no:?}");
        }
    }

    #[test]
    fn exec_body_takes_one_simple_command() {
        let body = |t: &str| {
            let script = ShellScript::parse(crate::syntax::MappedText::from_ranges(t, std::iter::once(0..t.len())));
            exec_body(&script, t)
        };
        assert_eq!(body("app --port \"$PORT\" 2>&1").as_deref(), Some("exec app --port \"$PORT\" 2>&1"));
        assert_eq!(body(" echo $(date) ").as_deref(), Some("exec echo $(date)"));
        assert_eq!(body("exec app $X").as_deref(), Some("exec app $X"));
        assert_eq!(body("2>log app").as_deref(), Some("exec 2>log app"));
        for no in [
            "a && b",
            "a; b",
            "a | b",
            "a &",
            "(a)",
            "{ a; }",
            "! a",
            "A=1 a",
            "cd $D",
            "exec",
            "exec >log",
            "a # c",
            "if a; then b; fi",
            "a\nb",
            "",
            "for x in y; do a; done",
            "a \"unterminated",
        ] {
            assert_eq!(body(no), None, "{no:?}");
        }
    }

    #[test]
    fn json_is_exact() {
        assert_eq!(json_array(&["a", "b/c", "é"]), r#"["a", "b/c", "é"]"#);
    }

    /// The `## Example` of the docs: the first block becomes the second (unsafe fixes applied).
    #[test]
    fn docs_example_holds() {
        let blocks: Vec<String> = ExecForm::META
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
            ..crate::engine::Options::new(vec![&ExecForm], &config, crate::knowledge::Knowledge::builtin())
        };
        let input = format!("FROM debian:12\n{}", blocks[0]);
        let outcome = crate::engine::fix(&input, &options).unwrap();
        assert_eq!(outcome.output, format!("FROM debian:12\n{}", blocks[1]));
    }
}
