//! Edits and fixes: the currency between transforms and the engine.
//!
//! A transform never changes the source. It proposes [`Fix`]es, each a set of byte-range [`Edit`]s with an
//! [`Applicability`] that says whether the engine may apply it unasked. Nothing in here knows about tree-sitter,
//! so reporters and the engine can depend on it without depending on the syntax layer.

use std::ops::Range;

/// Replace `range` of the source with `content` (an empty string deletes, an empty range inserts).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Edit {
    range: Range<usize>,
    content: Box<str>,
}

impl Edit {
    pub fn replacement(content: impl Into<String>, range: Range<usize>) -> Self {
        Self { range, content: content.into().into_boxed_str() }
    }

    pub fn insertion(content: impl Into<String>, at: usize) -> Self {
        Self::replacement(content, at..at)
    }

    pub fn deletion(range: Range<usize>) -> Self {
        Self::replacement(String::new(), range)
    }

    pub fn range(&self) -> Range<usize> {
        self.range.clone()
    }

    pub fn start(&self) -> usize {
        self.range.start
    }

    pub fn end(&self) -> usize {
        self.range.end
    }

    pub fn content(&self) -> &str {
        &self.content
    }

    pub fn is_insertion(&self) -> bool {
        self.range.is_empty()
    }
}

/// How sure a fix is not to change what the image does. Ordered: `Safe` is the strongest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Applicability {
    /// Shown to the user, never applied.
    DisplayOnly,
    /// May change behaviour; applied only with `--unsafe-fixes`.
    Unsafe,
    /// Cannot change what the image does; applied by default.
    Safe,
}

impl Applicability {
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::DisplayOnly => "display-only",
            Applicability::Unsafe => "unsafe",
            Applicability::Safe => "safe",
        }
    }
}

impl std::fmt::Display for Applicability {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A set of edits that must be applied together, or not at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    title: String,
    edits: Vec<Edit>,
    applicability: Applicability,
    /// What the user must do once the fix is applied (such as the build command it needs), shown with it.
    follow_up: Option<String>,
}

impl Fix {
    pub fn new(title: impl Into<String>, mut edits: Vec<Edit>, applicability: Applicability) -> Self {
        edits.sort_by_key(|e| (e.start(), e.end()));
        Self { title: title.into(), edits, applicability, follow_up: None }
    }

    /// Say what the user must do once the fix is applied (shown when it is).
    pub fn with_follow_up(mut self, text: impl Into<String>) -> Self {
        self.follow_up = Some(text.into());
        self
    }

    pub fn follow_up(&self) -> Option<&str> {
        self.follow_up.as_deref()
    }

    pub fn safe(title: impl Into<String>, edits: Vec<Edit>) -> Self {
        Self::new(title, edits, Applicability::Safe)
    }

    pub fn unsafe_(title: impl Into<String>, edits: Vec<Edit>) -> Self {
        Self::new(title, edits, Applicability::Unsafe)
    }

    pub fn display_only(title: impl Into<String>, edits: Vec<Edit>) -> Self {
        Self::new(title, edits, Applicability::DisplayOnly)
    }

    pub fn with_applicability(mut self, applicability: Applicability) -> Self {
        self.applicability = applicability;
        self
    }

    /// What the fix does, as an imperative sentence ("Replace `ADD` with `COPY`").
    pub fn title(&self) -> &str {
        &self.title
    }

    /// The edits, sorted by start offset.
    pub fn edits(&self) -> &[Edit] {
        &self.edits
    }

    pub fn applicability(&self) -> Applicability {
        self.applicability
    }

    /// Whether the fix may be applied when fixes of at least `required` are wanted.
    pub fn applies(&self, required: Applicability) -> bool {
        self.applicability != Applicability::DisplayOnly && self.applicability >= required
    }

    /// The span covered by all edits (empty fixes cover nothing).
    pub fn span(&self) -> Range<usize> {
        let start = self.edits.iter().map(Edit::start).min().unwrap_or(0);
        let end = self.edits.iter().map(Edit::end).max().unwrap_or(0);
        start..end
    }
}

/// What a transform found: a message about a range of the file, with an optional fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    /// The id of the transform that made it.
    pub transform: &'static str,
    /// For a transform that fixes several BuildKit checks, the check this finding is for (one of its aliases): a
    /// suppression naming another of its checks leaves it alone.
    pub check: Option<&'static str>,
    pub message: String,
    pub range: Range<usize>,
    pub fix: Option<Fix>,
}

/// Apply non-overlapping, sorted edits to `source`. Edits must not overlap; insertions at the same offset keep their order.
pub fn apply_edits(source: &str, edits: &[&Edit]) -> String {
    let mut out = String::with_capacity(source.len() + edits.iter().map(|e| e.content().len()).sum::<usize>());
    let mut last = 0;
    for edit in edits {
        debug_assert!(edit.start() >= last, "overlapping edits");
        out.push_str(&source[last..edit.start()]);
        out.push_str(edit.content());
        last = edit.end();
    }
    out.push_str(&source[last..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn applies_respects_order_and_display_only() {
        let fix = Fix::unsafe_("t", vec![Edit::insertion("x", 0)]);
        assert!(fix.applies(Applicability::Unsafe));
        assert!(!fix.applies(Applicability::Safe));
        let shown = Fix::display_only("t", vec![]);
        assert!(!shown.applies(Applicability::DisplayOnly));
    }

    #[test]
    fn apply_edits_keeps_bytes_outside() {
        let src = "FROM a\nADD x y\n";
        let e1 = Edit::replacement("COPY", 7..10);
        let e2 = Edit::insertion("# end\n", src.len());
        assert_eq!(apply_edits(src, &[&e1, &e2]), "FROM a\nCOPY x y\n# end\n");
    }
}
