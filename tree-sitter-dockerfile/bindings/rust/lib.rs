//! Dockerfile grammar for [tree-sitter](https://tree-sitter.github.io/), written for dfix.
//!
//! The external scanner lexes with BuildKit's line rules (escape directive, line continuations, comment lines inside
//! continuations, heredocs), so every Dockerfile that Docker accepts parses. Instructions are generic nodes: a
//! `keyword`, `flag`s, and `argument`s (`text` and `heredoc_marker`), with `line_continuation`,
//! `continuation_comment` and `heredoc` (`heredoc_body`, `heredoc_end`) children.
//!
//! ```
//! let mut parser = tree_sitter::Parser::new();
//! parser.set_language(&tree_sitter_dockerfile::LANGUAGE.into()).unwrap();
//! let tree = parser.parse("FROM debian:12\nRUN echo hi\n", None).unwrap();
//! assert_eq!(tree.root_node().named_child_count(), 2);
//! assert!(!tree.root_node().has_error());
//! ```

use tree_sitter_language::LanguageFn;

unsafe extern "C" {
    fn tree_sitter_dockerfile() -> *const ();
}

/// The tree-sitter [`LanguageFn`] for this grammar.
#[allow(unsafe_code)]
pub const LANGUAGE: LanguageFn = unsafe { LanguageFn::from_raw(tree_sitter_dockerfile) };

/// The content of the [`node-types.json`] file for this grammar.
pub const NODE_TYPES: &str = include_str!("../../src/node-types.json");

#[cfg(test)]
mod tests {
    #[test]
    fn can_load_grammar() {
        let mut parser = tree_sitter::Parser::new();
        parser.set_language(&super::LANGUAGE.into()).expect("Error loading Dockerfile parser");
    }
}
