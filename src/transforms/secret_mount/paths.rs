//! Paths in a stage (made absolute against the WORKDIR in effect) and the shell commands that remove a file.

use std::ops::Range;

use crate::syntax::words::unquote;
use crate::syntax::{Command, Dockerfile, InstructionKind, ShellScript, StageBase};
use crate::transforms::packages::basename;

/// `path` made absolute against the WORKDIR in effect for instruction `index` (only WORKDIRs of its stage and the
/// stages it is built on count; `/` when there is none and the stage starts from `scratch`).
pub(super) fn absolute(file: &Dockerfile, index: usize, path: &str) -> Option<String> {
    if path.starts_with('/') {
        return Some(normalize(path));
    }
    let mut dir: Option<String> = None;
    let mut at = index;
    let mut stage = file.instructions()[index].stage?;
    let mut parts: Vec<String> = Vec::new();
    'chain: for _ in 0..=file.stages().len() {
        let s = &file.stages()[stage];
        for i in (s.instructions.start..at).rev() {
            let instr = &file.instructions()[i];
            if instr.kind != InstructionKind::Workdir {
                continue;
            }
            let w = instr.args.as_str().trim();
            let w = unquote(w, file.escape());
            if w.contains('$') {
                return None;
            }
            parts.push(w.clone());
            if w.starts_with('/') {
                dir = Some(String::new());
                break 'chain;
            }
        }
        match s.base {
            StageBase::Stage(b) if b < stage => {
                stage = b;
                at = file.stages()[b].instructions.end;
            }
            StageBase::Scratch => {
                dir = Some(String::new());
                break;
            }
            _ => break,
        }
    }
    dir?;
    let mut full = String::new();
    for p in parts.iter().rev() {
        if p.starts_with('/') {
            full = p.clone();
        } else {
            full = format!("{full}/{p}");
        }
    }
    Some(normalize(&format!("{full}/{path}")))
}

/// `/a/./b//c/` -> `/a/b/c`.
pub(super) fn normalize(path: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                out.pop();
            }
            p => out.push(p),
        }
    }
    format!("/{}", out.join("/"))
}

/// Whether a word of a command names `target` (absolute, or relative to `workdir`, or `~/...` for root).
pub(super) fn names_path(word: &str, target: &str, workdir: Option<&str>) -> bool {
    let word = word.trim_matches(['"', '\'']);
    if word.starts_with('/') {
        return normalize(word) == target;
    }
    if let Some(rest) = word.strip_prefix("~/").or_else(|| word.strip_prefix("$HOME/")) {
        return normalize(&format!("/root/{rest}")) == target;
    }
    workdir.is_some_and(|w| normalize(&format!("{w}/{word}")) == target)
}

/// How a command that removes (`rm`) or changes (`chmod`) the file is taken out.
pub(super) enum Removal {
    /// The file is its only path: the whole command goes.
    Command,
    /// One of several paths of `rm`: the word goes (a script range, with the blanks before it).
    Word(Range<usize>),
}

/// Whether `cmd` is `program` (such as `rm` or `chmod`) with `target` among its path arguments, and how to take it
/// out.
pub(super) fn removal(cmd: &Command, program: &str, target: &str, workdir: Option<&str>) -> Option<Removal> {
    let name = cmd.name().and_then(|w| w.value.as_deref())?;
    if basename(name) != program || cmd.placement.in_substitution || cmd.placement.in_function {
        return None;
    }
    let mut paths = cmd.args().iter().filter(|w| !w.raw.starts_with('-')).peekable();
    if program == "chmod" {
        paths.next(); // the mode
    }
    let paths: Vec<_> = paths.collect();
    let hit = paths.iter().position(|w| names_path(w.value.as_deref().unwrap_or(&w.raw), target, workdir))?;
    if paths.len() == 1 {
        return Some(Removal::Command);
    }
    if program != "rm" || cmd.has_split_words() {
        return None;
    }
    let word = paths[hit];
    let before = cmd.words.iter().rposition(|w| w.range.end <= word.range.start)?;
    Some(Removal::Word(cmd.words[before].range.end..word.range.end))
}

/// Whether `cmd` is `program` with `target` among its paths.
pub(super) fn is_removal(cmd: &Command, program: &str, target: &str, workdir: Option<&str>) -> bool {
    removal(cmd, program, target, workdir).is_some()
}

/// The script range that removes a command from its `&&` list: with the `&&` before it (or after it, when it is the
/// first). `None` when it is not a simple link of a top-level `&&` list or a statement of its own.
pub(super) fn remove_command(script: &ShellScript, cmd: &Command) -> Option<Range<usize>> {
    let statements = script.statements();
    let (si, st) = statements
        .iter()
        .enumerate()
        .find(|(_, s)| s.range.start <= cmd.range.start && cmd.range.end <= s.range.end)?;
    let k = st.pipelines.iter().position(|p| *p == cmd.range)?;
    if st.operators.iter().any(|o| *o != crate::syntax::shell::AndOr::And) {
        return None;
    }
    if st.pipelines.len() > 1 {
        return Some(if k == 0 {
            st.pipelines[0].start..st.pipelines[1].start
        } else {
            st.pipelines[k - 1].end..st.pipelines[k].end
        });
    }
    // A statement of its own: with the separator before it, or after it when it is the first.
    match si {
        0 => statements.get(1).map(|next| st.range.start..next.range.start),
        _ => Some(statements[si - 1].pipelines.last()?.end..st.range.end),
    }
}
