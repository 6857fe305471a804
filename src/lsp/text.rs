//! Text and positions: byte offsets (what the engine speaks) against LSP positions (a line and a column counted
//! in the negotiated encoding's code units), incremental changes, and the minimal edits between two texts.
//!
//! Lines end at `\n`, `\r\n` or a lone `\r`, as the protocol says. Columns past the end of a line mean its end, and
//! lines past the end of the text mean the text's end: a client that is off by one never makes the server panic.

use std::ops::Range;

use lsp_types::{Position, PositionEncodingKind, TextEdit};

/// How columns are counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
    Utf32,
}

impl Encoding {
    /// The server's choice among what the client offers: UTF-8 (columns are byte offsets, no conversion), else
    /// UTF-32, else UTF-16 (the protocol's default, which every client supports).
    pub fn negotiate(offered: &[PositionEncodingKind]) -> Self {
        if offered.contains(&PositionEncodingKind::UTF8) {
            Encoding::Utf8
        } else if offered.contains(&PositionEncodingKind::UTF32) {
            Encoding::Utf32
        } else {
            Encoding::Utf16
        }
    }

    pub fn kind(self) -> PositionEncodingKind {
        match self {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
            Encoding::Utf32 => PositionEncodingKind::UTF32,
        }
    }

    fn units(self, c: char) -> usize {
        match self {
            Encoding::Utf8 => c.len_utf8(),
            Encoding::Utf16 => c.len_utf16(),
            Encoding::Utf32 => 1,
        }
    }
}

/// Where each line of a text starts.
#[derive(Debug, Clone)]
pub struct LineIndex {
    /// Byte offset of the start of each line; the first is 0.
    starts: Vec<usize>,
    len: usize,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        let mut i = 0;
        while let Some(found) = memchr::memchr2(b'\n', b'\r', &bytes[i..]) {
            let at = i + found;
            let next = if bytes[at] == b'\r' && bytes.get(at + 1) == Some(&b'\n') { at + 2 } else { at + 1 };
            starts.push(next);
            i = next;
        }
        Self { starts, len: text.len() }
    }

    /// Byte range of line `line`'s content, without its line ending.
    fn line_content(&self, text: &str, line: usize) -> Range<usize> {
        let start = self.starts[line];
        let mut end = self.starts.get(line + 1).copied().unwrap_or(self.len);
        let bytes = text.as_bytes();
        if end > start && bytes[end - 1] == b'\n' {
            end -= 1;
        }
        if end > start && bytes[end - 1] == b'\r' {
            end -= 1;
        }
        start..end
    }

    /// The position of byte `offset` (rounded down to a character boundary).
    pub fn position(&self, text: &str, offset: usize, encoding: Encoding) -> Position {
        let mut offset = offset.min(self.len);
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let column = match encoding {
            Encoding::Utf8 => offset - start,
            _ => text[start..offset].chars().map(|c| encoding.units(c)).sum(),
        };
        Position { line: line as u32, character: column as u32 }
    }

    /// The byte offset of `position`, clamped to the text and to its line, and rounded down to a character
    /// boundary when the column falls inside a character.
    pub fn offset(&self, text: &str, position: Position, encoding: Encoding) -> usize {
        let line = position.line as usize;
        if line >= self.starts.len() {
            return self.len;
        }
        let content = self.line_content(text, line);
        let wanted = position.character as usize;
        match encoding {
            Encoding::Utf8 => {
                let mut offset = (content.start + wanted).min(content.end);
                while !text.is_char_boundary(offset) {
                    offset -= 1;
                }
                offset
            }
            _ => {
                let mut units = 0;
                for (i, c) in text[content.clone()].char_indices() {
                    let next = units + encoding.units(c);
                    if next > wanted {
                        return content.start + i;
                    }
                    units = next;
                }
                content.end
            }
        }
    }

    pub fn range(&self, text: &str, range: Range<usize>, encoding: Encoding) -> lsp_types::Range {
        lsp_types::Range {
            start: self.position(text, range.start, encoding),
            end: self.position(text, range.end, encoding),
        }
    }

    pub fn byte_range(&self, text: &str, range: lsp_types::Range, encoding: Encoding) -> Range<usize> {
        let start = self.offset(text, range.start, encoding);
        let end = self.offset(text, range.end, encoding);
        start.min(end)..end.max(start)
    }
}

/// The smallest set of edits, line by line and then trimmed to the bytes that differ, that turns `old` into
/// `new`. The edits do not overlap and are sorted, as the protocol requires.
pub fn minimal_edits(old: &str, new: &str, index: &LineIndex, encoding: Encoding) -> Vec<TextEdit> {
    byte_edits(old, new)
        .into_iter()
        .map(|(range, content)| TextEdit { range: index.range(old, range, encoding), new_text: content.to_string() })
        .collect()
}

/// [`minimal_edits`] as byte ranges of `old` and their replacements.
pub fn byte_edits<'n>(old: &str, new: &'n str) -> Vec<(Range<usize>, &'n str)> {
    if old == new {
        return Vec::new();
    }
    let old_lines: Vec<&str> = old.split_inclusive('\n').collect();
    let new_lines: Vec<&str> = new.split_inclusive('\n').collect();
    let old_starts = starts(&old_lines);
    let new_starts = starts(&new_lines);
    let ops = similar::capture_diff_slices(similar::Algorithm::Myers, &old_lines, &new_lines);
    // Runs of changed lines between equal ones become one hunk each.
    let mut hunks: Vec<(Range<usize>, Range<usize>)> = Vec::new();
    let mut current: Option<(Range<usize>, Range<usize>)> = None;
    for op in ops {
        let (old_r, new_r) = (op.old_range(), op.new_range());
        if matches!(op, similar::DiffOp::Equal { .. }) {
            hunks.extend(current.take());
            continue;
        }
        let (o, n) = current.get_or_insert((old_r.start..old_r.start, new_r.start..new_r.start));
        o.end = old_r.end;
        n.end = new_r.end;
    }
    hunks.extend(current);
    hunks
        .into_iter()
        .map(|(o, n)| {
            let mut old_b = old_starts[o.start]..old_starts[o.end];
            let mut new_b = new_starts[n.start]..new_starts[n.end];
            let prefix = common_prefix(&old[old_b.clone()], &new[new_b.clone()]);
            old_b.start += prefix;
            new_b.start += prefix;
            let suffix = common_suffix(&old[old_b.clone()], &new[new_b.clone()]);
            old_b.end -= suffix;
            new_b.end -= suffix;
            (old_b, &new[new_b])
        })
        .collect()
}

fn starts(lines: &[&str]) -> Vec<usize> {
    let mut out = Vec::with_capacity(lines.len() + 1);
    let mut at = 0;
    out.push(0);
    for line in lines {
        at += line.len();
        out.push(at);
    }
    out
}

/// Bytes at the start both share, ending on a character boundary.
fn common_prefix(a: &str, b: &str) -> usize {
    let mut n = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
    while !a.is_char_boundary(n) || !b.is_char_boundary(n) {
        n -= 1;
    }
    n
}

/// Bytes at the end both share, starting on a character boundary.
fn common_suffix(a: &str, b: &str) -> usize {
    let mut n = a.bytes().rev().zip(b.bytes().rev()).take_while(|(x, y)| x == y).count();
    while !a.is_char_boundary(a.len() - n) || !b.is_char_boundary(b.len() - n) {
        n -= 1;
    }
    n
}

/// Apply byte edits (sorted, non-overlapping) to `text`.
pub fn apply(text: &str, edits: &[(Range<usize>, &str)]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (range, content) in edits {
        out.push_str(&text[last..range.start]);
        out.push_str(content);
        last = range.end;
    }
    out.push_str(&text[last..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(line: u32, character: u32) -> Position {
        Position { line, character }
    }

    #[test]
    fn lines_end_at_lf_crlf_and_lone_cr() {
        let text = "a\r\nb\rc\nd";
        let index = LineIndex::new(text);
        assert_eq!(index.starts, [0, 3, 5, 7]);
        assert_eq!(index.offset(text, pos(0, 9), Encoding::Utf8), 1, "a column past the end is the line's end");
        assert_eq!(index.offset(text, pos(9, 0), Encoding::Utf8), text.len());
        assert_eq!(index.position(text, 4, Encoding::Utf16), pos(1, 1));
    }

    #[test]
    fn columns_count_in_the_negotiated_units() {
        // é is 2 bytes and 1 UTF-16 unit; 🐳 is 4 bytes and 2 UTF-16 units.
        let text = "RUN é🐳x\n";
        let index = LineIndex::new(text);
        let x = text.find('x').unwrap();
        assert_eq!(index.position(text, x, Encoding::Utf8), pos(0, 10));
        assert_eq!(index.position(text, x, Encoding::Utf16), pos(0, 7));
        assert_eq!(index.position(text, x, Encoding::Utf32), pos(0, 6));
        for encoding in [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32] {
            let p = index.position(text, x, encoding);
            assert_eq!(index.offset(text, p, encoding), x, "{encoding:?}");
        }
        // The middle of the surrogate pair rounds down to the whale.
        assert_eq!(index.offset(text, pos(0, 6), Encoding::Utf16), text.find('🐳').unwrap());
        assert_eq!(index.offset(text, pos(0, 5), Encoding::Utf8), text.find('é').unwrap());
    }

    #[test]
    fn minimal_edits_touch_only_what_changed() {
        let old = "FROM a\r\nADD x y\r\nRUN true\r\n";
        let new = "FROM a\r\nCOPY x y\r\nRUN true\r\n";
        let edits = byte_edits(old, new);
        assert_eq!(edits, [(8..11, "COPY")]);
        assert_eq!(apply(old, &edits), new);
        let index = LineIndex::new(old);
        let lsp = minimal_edits(old, new, &index, Encoding::Utf16);
        assert_eq!(lsp[0].range.start, pos(1, 0));
        assert_eq!(lsp[0].range.end, pos(1, 3));
    }

    #[test]
    fn minimal_edits_round_trip_insertions_deletions_and_multibyte() {
        let cases = [
            ("", "FROM a\n"),
            ("FROM a\n", ""),
            ("FROM a\nRUN é\nRUN b\n", "FROM a\nRUN è && b\n"),
            ("FROM a", "FROM a\nUSER app\n"),
            ("x\ny\nz\n", "x\nz\ny\n"),
            ("RUN 🐳a\n", "RUN 🐋a\n"),
        ];
        for (old, new) in cases {
            let edits = byte_edits(old, new);
            assert_eq!(apply(old, &edits), new, "{old:?} -> {new:?}");
            assert!(edits.windows(2).all(|w| w[0].0.end <= w[1].0.start));
        }
    }
}
