//! One-line messages about what went wrong in a file, each starting with its path like a compiler's.

use std::path::Path;

use crate::engine::InternalError;
use crate::syntax::SyntaxError;

/// `path:line:col: message` for each syntax error, then a line saying the file was left alone.
pub fn syntax_errors(path: &Path, errors: &[SyntaxError]) -> Vec<String> {
    let path = path.display();
    let mut lines: Vec<String> =
        errors.iter().map(|e| format!("{path}:{}:{}: {}", e.line, e.column, e.message)).collect();
    lines.push(format!("{path}: left unchanged because it does not parse"));
    lines
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
