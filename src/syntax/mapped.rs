//! Text assembled from pieces of the file, with an exact map back to file offsets.
//!
//! A Dockerfile instruction's arguments, as the builder sees them, are not one slice of the file: line
//! continuations are removed, and comment lines and blank lines inside a continuation are dropped. [`MappedText`]
//! holds that logical text together with the file range each piece came from, so anything found in the text (a
//! word, a shell command) can be turned back into a byte range of the file for an edit.

use std::ops::Range;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Segment {
    text_start: usize,
    file_start: usize,
    len: usize,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MappedText {
    text: String,
    segments: Vec<Segment>,
}

impl MappedText {
    /// Concatenate the given non-overlapping, increasing file ranges of `source`.
    pub fn from_ranges(source: &str, ranges: impl IntoIterator<Item = Range<usize>>) -> Self {
        let mut out = MappedText::default();
        for r in ranges {
            if r.is_empty() {
                continue;
            }
            debug_assert!(out.segments.last().is_none_or(|s| s.file_start + s.len <= r.start));
            out.segments.push(Segment { text_start: out.text.len(), file_start: r.start, len: r.len() });
            out.text.push_str(&source[r]);
        }
        out
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn len(&self) -> usize {
        self.text.len()
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// Whether the text is one contiguous slice of the file.
    pub fn is_contiguous(&self) -> bool {
        self.segments.len() <= 1
    }

    /// The file range the whole text spans (first to last byte, including whatever was dropped in between).
    pub fn file_span(&self) -> Option<Range<usize>> {
        let first = self.segments.first()?;
        let last = self.segments.last()?;
        Some(first.file_start..last.file_start + last.len)
    }

    /// File offset of a text offset. The end of the text maps to the end of the last segment; an offset at a
    /// segment boundary maps to the start of the following segment.
    pub fn to_file(&self, offset: usize) -> usize {
        if self.segments.is_empty() {
            return 0;
        }
        let i = self.segments.partition_point(|s| s.text_start <= offset).saturating_sub(1);
        let s = self.segments[i];
        s.file_start + (offset - s.text_start).min(s.len)
    }

    /// File offset just after the text byte before `offset` (for range ends: does not jump over dropped parts).
    pub fn to_file_end(&self, offset: usize) -> usize {
        if offset == 0 || self.segments.is_empty() {
            return self.to_file(offset);
        }
        let i = self.segments.partition_point(|s| s.text_start < offset).saturating_sub(1);
        let s = self.segments[i];
        s.file_start + (offset - s.text_start).min(s.len)
    }

    /// The file range of a text range: from the file position of its first byte to just after its last byte.
    pub fn range_to_file(&self, range: Range<usize>) -> Range<usize> {
        if range.is_empty() {
            let at = self.to_file(range.start);
            return at..at;
        }
        self.to_file(range.start)..self.to_file_end(range.end)
    }

    /// Whether a text range maps to one contiguous file range (no continuation or dropped line inside it).
    pub fn is_contiguous_range(&self, range: Range<usize>) -> bool {
        let file = self.range_to_file(range.clone());
        file.len() == range.len()
    }

    /// Text offset of a file offset inside one of the segments.
    pub fn from_file(&self, offset: usize) -> Option<usize> {
        self.segments
            .iter()
            .find(|s| s.file_start <= offset && offset <= s.file_start + s.len)
            .map(|s| s.text_start + offset - s.file_start)
    }

    /// The part of the text in `range`, still mapped to the file (for a shell string run by `sh -c`).
    pub fn slice(&self, range: Range<usize>) -> MappedText {
        let mut out = MappedText { text: self.text[range.clone()].to_string(), segments: Vec::new() };
        for s in &self.segments {
            let start = s.text_start.max(range.start);
            let end = (s.text_start + s.len).min(range.end);
            if start < end {
                out.segments.push(Segment {
                    text_start: start - range.start,
                    file_start: s.file_start + (start - s.text_start),
                    len: end - start,
                });
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_across_dropped_parts() {
        let src = "RUN a \\\n  # c\n  b\n";
        // "a " then "  b"
        let m = MappedText::from_ranges(src, [4..6, 14..17]);
        assert_eq!(m.as_str(), "a   b");
        assert_eq!(m.to_file(0), 4);
        assert_eq!(m.to_file(4), 16);
        assert_eq!(&src[m.range_to_file(4..5)], "b");
        assert_eq!(m.range_to_file(0..5), 4..17);
        assert!(!m.is_contiguous_range(0..5));
        assert!(m.is_contiguous_range(2..5));
        assert_eq!(m.to_file_end(2), 6);
        assert_eq!(m.from_file(16), Some(4));
        let part = m.slice(1..5);
        assert_eq!(part.as_str(), "   b");
        assert_eq!(&src[part.range_to_file(3..4)], "b");
        assert_eq!(part.to_file(0), 5);
    }
}
