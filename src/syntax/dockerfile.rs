use std::ops::Range;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub range: Range<usize>,
    /// 1-based.
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
    pub message: String,
}

pub struct Dockerfile {
    source: String,
}

impl Dockerfile {
    pub fn parse(source: &str) -> Self {
        Self { source: source.to_string() }
    }
    pub fn source(&self) -> &str {
        &self.source
    }
    pub fn errors(&self) -> &[SyntaxError] {
        &[]
    }
    pub fn shell_error_count(&self) -> usize {
        0
    }
    pub fn line_col(&self, _offset: usize) -> (usize, usize) {
        (1, 1)
    }
}
