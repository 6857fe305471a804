//! Word splitting of instruction arguments, as BuildKit does it, with the position of every word.
//!
//! `split_words` is BuildKit's `parseWords` (used for ENV, LABEL and ARG): words are separated by whitespace
//! outside quotes, quotes are kept in the word, and the escape character protects the next character.
//! `split_whitespace` is its `parseStringsWhitespaceDelimited` (FROM, EXPOSE, shell-form COPY and ADD).

use std::ops::Range;

/// A word of the logical argument text: its range in that text and its raw content (quotes included).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub range: Range<usize>,
    pub raw: String,
}

impl Word {
    /// The word with quotes removed and escapes resolved (no variable expansion).
    pub fn unquoted(&self, escape: char) -> String {
        unquote(&self.raw, escape)
    }
}

fn is_go_space(c: char) -> bool {
    c.is_whitespace()
}

/// BuildKit's `parseWords`, keeping ranges.
pub fn split_words(text: &str, escape: char) -> Vec<Word> {
    #[derive(PartialEq)]
    enum Phase {
        Spaces,
        Word,
        Quote,
    }
    let mut words = Vec::new();
    let mut phase = Phase::Spaces;
    let mut start = 0;
    let mut quote = '\0';
    let mut blank_ok = false;
    let mut word = String::new();
    let mut chars = text.char_indices().peekable();
    while let Some((pos, ch)) = chars.next() {
        if phase == Phase::Spaces {
            if is_go_space(ch) {
                continue;
            }
            phase = Phase::Word;
            start = pos;
        }
        if phase == Phase::Word {
            if is_go_space(ch) {
                phase = Phase::Spaces;
                if blank_ok || !word.is_empty() {
                    words.push(Word { range: start..pos, raw: std::mem::take(&mut word) });
                }
                word.clear();
                blank_ok = false;
                continue;
            }
            if ch == '\'' || ch == '"' {
                quote = ch;
                blank_ok = true;
                phase = Phase::Quote;
            }
            if ch == escape {
                match chars.next() {
                    None => continue,
                    Some((_, next)) => {
                        word.push(ch);
                        word.push(next);
                        continue;
                    }
                }
            }
            word.push(ch);
            continue;
        }
        // in a quote
        if ch == quote {
            phase = Phase::Word;
        }
        if ch == escape && quote != '\'' {
            match chars.next() {
                None => {
                    phase = Phase::Word;
                    continue;
                }
                Some((_, next)) => {
                    word.push(ch);
                    word.push(next);
                    continue;
                }
            }
        }
        word.push(ch);
    }
    if phase != Phase::Spaces && (blank_ok || !word.is_empty()) {
        words.push(Word { range: start..text.len(), raw: word });
    }
    words
}

/// BuildKit's whitespace split (`[\t\v\f\r ]+`), keeping ranges; empty pieces are dropped.
pub fn split_whitespace(text: &str) -> Vec<Word> {
    let is_sep = |c: char| matches!(c, '\t' | '\u{b}' | '\u{c}' | '\r' | ' ');
    let mut words = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (is_sep(c), start) {
            (true, Some(s)) => {
                words.push(Word { range: s..i, raw: text[s..i].to_string() });
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        words.push(Word { range: s..text.len(), raw: text[s..].to_string() });
    }
    words
}

/// Remove quotes and resolve escapes the way the builder's shell lexer does for a single word (no expansion).
pub fn unquote(raw: &str, escape: char) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    let mut quote: Option<char> = None;
    while let Some(c) = chars.next() {
        match quote {
            None if c == '\'' || c == '"' => quote = Some(c),
            Some(q) if c == q => quote = None,
            Some('\'') => out.push(c),
            _ if c == escape => {
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            }
            _ => out.push(c),
        }
    }
    out
}

/// Whether a string needs quoting to stay one word in ENV/LABEL `key=value` form.
pub fn needs_quotes(value: &str) -> bool {
    value.is_empty()
        || value
            .chars()
            .any(|c| c.is_whitespace() || matches!(c, '"' | '\'' | '\\' | '`' | '#' | '$' | ';' | '&' | '|'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raws(ws: &[Word]) -> Vec<&str> {
        ws.iter().map(|w| w.raw.as_str()).collect()
    }

    #[test]
    fn words_keep_quotes_and_ranges() {
        let t = r#"a=1 b="x y"  c='p q' d=\ e"#;
        let ws = split_words(t, '\\');
        assert_eq!(raws(&ws), vec!["a=1", r#"b="x y""#, "c='p q'", r"d=\ e"]);
        assert_eq!(&t[ws[1].range.clone()], r#"b="x y""#);
        assert_eq!(ws[1].unquoted('\\'), "b=x y");
        assert_eq!(ws[3].unquoted('\\'), "d= e");
    }

    #[test]
    fn empty_quoted_word_is_kept() {
        assert_eq!(raws(&split_words(r#"a "" b"#, '\\')), vec!["a", "\"\"", "b"]);
    }

    #[test]
    fn whitespace_split() {
        let ws = split_whitespace("  python:3.12\tAS  build ");
        assert_eq!(raws(&ws), vec!["python:3.12", "AS", "build"]);
        assert_eq!(ws[1].range, 14..16);
    }
}
