//! One-line messages about what went wrong in a file, each starting with its path like a compiler's.

use std::path::Path;

use crate::engine::InternalError;
use crate::fix::{Applicability, Proposal};
use crate::suppress::SuppressionNote;
use crate::syntax::SyntaxError;

/// `path:line:col: message` for each syntax error, then a line saying the file was left alone.
pub fn syntax_errors(path: &Path, errors: &[SyntaxError]) -> Vec<String> {
    let path = path.display();
    let mut lines: Vec<String> =
        errors.iter().map(|e| format!("{path}:{}:{}: {}", e.line, e.column, e.message)).collect();
    lines.push(format!("{path}: left unchanged because it does not parse"));
    lines
}

/// `path:line:col: note: message [transform]` for each finding that was not fixed: notes without a fix and
/// display-only fixes. Unsafe fixes held back are only counted in the summary. `text` is the file the
/// proposals' ranges refer to.
pub fn notes(path: &Path, text: &str, remaining: &[Proposal]) -> Vec<String> {
    remaining
        .iter()
        .filter(|p| p.fix.as_ref().is_none_or(|f| f.applicability() == Applicability::DisplayOnly))
        .map(|p| {
            let (line, column) = line_col(text, p.range.start);
            let hint = match &p.fix {
                Some(fix) => format!(" (suggestion: {})", fix.title()),
                None => String::new(),
            };
            format!("{}:{line}:{column}: note: {}{hint} [{}]", path.display(), p.message, p.transform)
        })
        .collect()
}

/// `path:line:col: note: message` for each problem with a suppression comment. `text` is the file the notes'
/// ranges refer to.
pub fn suppression_notes(path: &Path, text: &str, notes: &[SuppressionNote]) -> Vec<String> {
    notes
        .iter()
        .map(|n| {
            let (line, column) = line_col(text, n.range.start);
            format!("{}:{line}:{column}: note: {}", path.display(), n.message)
        })
        .collect()
}

/// 1-based line and column (in characters) of byte `offset` of `text`.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// A transform misbehaved: its fixes were rolled back, the others were kept.
pub fn internal_error(path: &Path, error: &InternalError) -> String {
    format!(
        "{}: internal error in {}: {}; please report this",
        path.display(),
        error.transforms.join(", "),
        error.message
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_a_compiler() {
        let errors = [SyntaxError { range: 7..10, line: 2, column: 1, message: "unknown instruction `FOO`".into() }];
        assert_eq!(
            syntax_errors(Path::new("a/Dockerfile"), &errors),
            ["a/Dockerfile:2:1: unknown instruction `FOO`", "a/Dockerfile: left unchanged because it does not parse"]
        );
        let internal = InternalError { transforms: vec!["merge-runs"], message: "boom".into() };
        assert_eq!(
            internal_error(Path::new("Dockerfile"), &internal),
            "Dockerfile: internal error in merge-runs: boom; please report this"
        );
    }
}
