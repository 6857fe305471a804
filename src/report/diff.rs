//! Unified diffs that `git apply` and `patch -p1` accept.
//!
//! Headers are `--- a/<path>` and `+++ b/<path>` with the path as given (forward slashes, no leading `/`), and hunks
//! have three lines of context. Line endings are kept byte for byte, so a CRLF file gets a CRLF diff body, and a
//! last line without a newline is followed by `\ No newline at end of file`, as GNU diff does.

use std::fmt::Write;
use std::path::{Component, Path};

use similar::udiff::UnifiedHunkHeader;
use similar::{ChangeTag, TextDiff};

const CONTEXT: usize = 3;
const NO_NEWLINE: &str = "\\ No newline at end of file";

const BOLD: &str = "\x1b[1m";
const CYAN: &str = "\x1b[36m";
const RED: &str = "\x1b[31m";
const GREEN: &str = "\x1b[32m";
const RESET: &str = "\x1b[0m";

/// The diff from `old` to `new` for the file at `path`; empty when they are equal. With `color`, lines carry ANSI
/// colors (the escape codes never end up between a line's text and its line ending).
pub fn unified(path: &Path, old: &str, new: &str, color: bool) -> String {
    let diff = TextDiff::from_lines(old, new);
    let mut out = String::new();
    let name = header_path(path);
    for (i, group) in diff.grouped_ops(CONTEXT).iter().enumerate() {
        if i == 0 {
            paint(&mut out, &format!("--- a/{name}\n"), BOLD, color);
            paint(&mut out, &format!("+++ b/{name}\n"), BOLD, color);
        }
        paint(&mut out, &format!("{}\n", UnifiedHunkHeader::new(group)), CYAN, color);
        for op in group {
            for change in diff.iter_changes(op) {
                let (sign, style) = match change.tag() {
                    ChangeTag::Equal => (' ', ""),
                    ChangeTag::Delete => ('-', RED),
                    ChangeTag::Insert => ('+', GREEN),
                };
                let line = change.value();
                if line.ends_with('\n') {
                    paint(&mut out, &format!("{sign}{line}"), style, color);
                } else {
                    paint(&mut out, &format!("{sign}{line}\n"), style, color);
                    let _ = writeln!(out, "{NO_NEWLINE}");
                }
            }
        }
    }
    out
}

/// The path as it goes into the headers: relative components joined with `/`.
fn header_path(path: &Path) -> String {
    let parts: Vec<String> = path
        .components()
        .filter_map(|c| match c {
            Component::Normal(part) => Some(part.to_string_lossy().into_owned()),
            Component::ParentDir => Some("..".to_string()),
            _ => None,
        })
        .collect();
    parts.join("/")
}

/// Append `line` in `style`, keeping the escape codes before its line ending.
fn paint(out: &mut String, line: &str, style: &str, color: bool) {
    if !color || style.is_empty() {
        out.push_str(line);
        return;
    }
    let text = line.trim_end_matches(['\n', '\r']);
    out.push_str(style);
    out.push_str(text);
    out.push_str(RESET);
    out.push_str(&line[text.len()..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_texts_have_no_diff() {
        assert_eq!(unified(Path::new("Dockerfile"), "FROM a\n", "FROM a\n", false), "");
    }

    #[test]
    fn diff_has_git_headers_and_context() {
        let old = "FROM a\n1\n2\n3\n4\nADD x y\n5\n";
        let new = "FROM a\n1\n2\n3\n4\nCOPY x y\n5\n";
        let expected =
            "--- a/dir/Dockerfile\n+++ b/dir/Dockerfile\n@@ -3,5 +3,5 @@\n 2\n 3\n 4\n-ADD x y\n+COPY x y\n 5\n";
        assert_eq!(unified(Path::new("./dir/Dockerfile"), old, new, false), expected);
    }

    #[test]
    fn marks_a_missing_final_newline() {
        let out = unified(Path::new("Dockerfile"), "FROM a\nADD x y", "FROM a\nCOPY x y", false);
        assert_eq!(
            out,
            "--- a/Dockerfile\n+++ b/Dockerfile\n@@ -1,2 +1,2 @@\n FROM a\n-ADD x y\n\\ No newline at end of file\n\
             +COPY x y\n\\ No newline at end of file\n"
        );
    }

    #[test]
    fn keeps_crlf_and_colors_before_line_endings() {
        let out = unified(Path::new("Dockerfile"), "ADD x y\r\n", "COPY x y\r\n", false);
        assert!(out.contains("-ADD x y\r\n+COPY x y\r\n"), "{out:?}");
        let colored = unified(Path::new("Dockerfile"), "ADD x y\r\n", "COPY x y\r\n", true);
        assert!(colored.contains("\x1b[31m-ADD x y\x1b[0m\r\n"), "{colored:?}");
    }

    #[test]
    fn header_paths_are_relative_with_forward_slashes() {
        assert_eq!(header_path(Path::new("/tmp/x/Dockerfile")), "tmp/x/Dockerfile");
        assert_eq!(header_path(Path::new("../x/Dockerfile")), "../x/Dockerfile");
    }
}
