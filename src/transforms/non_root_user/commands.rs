//! Reading commands out of RUN, ENTRYPOINT and CMD texts without a shell parse: the words that stand where a command
//! name can, their base names, and the texts a RUN runs (its arguments and heredoc bodies).

use crate::syntax::{Dockerfile, Instruction};

/// Words of a command text, each with whether it stands where a command name can (first, or after a separator,
/// `exec`, `--` or `-c`).
pub(crate) fn words(text: &str) -> Vec<(&str, bool)> {
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

pub(crate) fn basename(word: &str) -> &str {
    word.rsplit('/').next().unwrap_or(word)
}

pub(crate) fn entry_matches(entry: &str, name: &str) -> bool {
    match entry.strip_suffix('*') {
        Some(prefix) => name.starts_with(prefix),
        None => name == entry,
    }
}

/// The text a RUN runs: its arguments and its heredoc bodies.
pub(crate) fn run_texts<'a>(file: &'a Dockerfile, instr: &'a Instruction) -> impl Iterator<Item = &'a str> {
    std::iter::once(instr.args.as_str()).chain(instr.heredocs.iter().map(|h| file.text(h.body.clone())))
}
