//! The code blocks of README.md, so tests run the configuration the README shows rather than a copy of it.

use std::path::Path;

/// The body of the first fenced block opening with "```lang" after the first line that starts with `after`.
pub fn block(after: &str, lang: &str) -> String {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let mut lines = readme.lines().skip_while(|l| !l.starts_with(after));
    assert!(lines.next().is_some(), "README has no line starting with {after:?}");
    let fence = format!("```{lang}");
    let mut lines = lines.skip_while(|l| l.trim_end() != fence);
    assert!(lines.next().is_some(), "README has no {fence} block after {after:?}");
    let body: Vec<&str> = lines.take_while(|l| !l.starts_with("```")).collect();
    body.join("\n") + "\n"
}
