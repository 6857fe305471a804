//! Shared edit builders, so transforms keep the file's conventions (keyword casing, quoting, continuations).

use std::ops::Range;

use crate::fix::Edit;
use crate::syntax::{Dockerfile, Instruction, ShellScript, ShellWord};

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

/// Whether any comment line of the file lies inside `range` (an edit over it would delete the comment).
pub fn has_comment_in(file: &Dockerfile, range: &Range<usize>) -> bool {
    file.comments().iter().any(|c| c.start < range.end && range.start < c.end)
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
}
