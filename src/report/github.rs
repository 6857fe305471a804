//! `--format github`: GitHub Actions workflow commands, so findings show as annotations on the pull request.
//!
//! One `::warning` (fix in dfix's output) or `::notice` (anything else) per finding, with `file`, `line`, `col`,
//! `endLine`, `endColumn` (columns in characters) and a `title` naming the transform; property values and messages
//! are escaped as the runner expects (`%`, CR, LF, and `:` and `,` in properties). File errors become `::error`.

use std::fmt::Write;

use super::findings::{FileFindings, Status};

fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

pub fn render(files: &[FileFindings]) -> String {
    let mut out = String::new();
    for file in files {
        let path = escape_property(&file.path);
        for error in &file.errors {
            let _ = writeln!(out, "::error file={path},title=dfix::{}", escape_data(error));
        }
        for f in &file.findings {
            let (level, what) = match (f.status, f.fix.as_ref()) {
                (Status::Fixed, Some(fix)) => ("warning", format!(" (fix: {})", fix.title)),
                (Status::HeldBack, Some(fix)) => {
                    ("notice", format!(" (unsafe fix, with --unsafe-fixes: {})", fix.title))
                }
                (Status::DisplayOnly, Some(fix)) => ("notice", format!(" (suggestion: {})", fix.title)),
                _ => ("notice", String::new()),
            };
            let title = escape_property(&format!("dfix {}", f.transform));
            let _ = writeln!(
                out,
                "::{level} file={path},line={},col={},endLine={},endColumn={},title={title}::{}",
                f.range.start.line,
                f.range.start.char_column,
                f.range.end.line,
                f.range.end.char_column,
                escape_data(&format!("{}{what}", f.message)),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_as_the_runner_expects() {
        assert_eq!(escape_data("50%\r\nx"), "50%25%0D%0Ax");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }
}
