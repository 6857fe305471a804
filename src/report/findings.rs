//! One file's findings relative to its input: the model every machine format (json, sarif, rdjson, github, gitlab,
//! summary) renders.
//!
//! The engine fixes a file in passes, each pass's edits relative to the text that pass started from, and reports
//! what is left (held-back unsafe fixes, display-only fixes, notes) on its final output. A bot or an editor needs
//! everything relative to the file it has: [`compose`] folds the passes into one list of edits on the input.
//!
//! How the passes are composed: the edits applied so far are kept as sorted, non-overlapping *composite* edits on
//! the input, each knowing its range in the input and its text in the current output. A pass's edit that lies in
//! text no earlier edit touched maps back to the input by the offset shift of the composites before it; an edit
//! that overlaps or touches a composite (it rewrites text an earlier pass wrote, as merge-runs does after
//! apt-cleanup) is merged with it into one composite covering both. Two composites only ever touch when both
//! replace at least one input byte, so sorting them by position is unambiguous. Applying the composites to the
//! input gives the engine's output byte for byte (checked over the shared corpus by `tests/formats.rs`).
//!
//! Attribution: each composite belongs to the first finding (in the order the engine applied them) whose edits
//! went into it; a later finding whose edits were merged into an earlier finding's lists no edits of its own and
//! names that finding in `combined_with`. So every edit is listed exactly once and applying every `fixed`
//! finding's edits gives the output. Findings left on the final output are mapped back the same way without being
//! merged; an edit of theirs that touches a composite is widened over it, contains that change too, and is marked
//! `includes_fixed` (offer it instead of, not on top of, the fixes it overlaps).

use std::ops::Range;
use std::path::Path;

use serde::Serialize;

use crate::engine::Outcome;
use crate::fix::{Applicability, Edit, apply_edits};

/// What became of a finding's fix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// The fix is in dfix's output: written with `--apply`, shown by the diff otherwise.
    Fixed,
    /// An unsafe fix that `--unsafe-fixes` would apply.
    HeldBack,
    /// A fix that is shown, never applied.
    DisplayOnly,
    /// A finding without a fix.
    Note,
    /// A fix that `--verify` left out: the image did not build (or its command behaved differently) with it.
    Dropped,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Fixed => "fixed",
            Status::HeldBack => "held-back",
            Status::DisplayOnly => "display-only",
            Status::Note => "note",
            Status::Dropped => "dropped",
        }
    }
}

/// A point in the input: byte offset (0-based), line (1-based) and UTF-8 byte column (1-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Position {
    pub offset: usize,
    pub line: usize,
    pub column: usize,
    /// The column in Unicode code points (1-based), for formats that count characters (SARIF, GitHub).
    #[serde(skip)]
    pub char_column: usize,
}

/// A range of the input; `end` is exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Span {
    pub start: Position,
    pub end: Position,
}

/// Replace `range` of the input with `content`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EditReport {
    pub range: Span,
    pub content: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FixReport {
    pub title: String,
    pub applicability: Applicability,
    /// The edits on the input, sorted; empty when they were combined with another finding's (`combined_with`).
    pub edits: Vec<EditReport>,
    /// The index (in this file's `findings`) of the finding whose edits include this one's.
    pub combined_with: Option<usize>,
    /// An edit of this (not applied) fix overlaps fixed text and was widened to include that change.
    pub includes_fixed: bool,
    /// The same change as `edits`, shaped for review tools that turn each into a suggested change on whole lines
    /// (reviewdog): edits of this fix on the same line merged into one when no other finding's edit lies between
    /// them, and a change ending after the file's final newline moved before it, so every range starts and ends on
    /// an existing line. Applying them gives what applying `edits` gives.
    #[serde(skip)]
    pub suggestions: Vec<EditReport>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub transform: &'static str,
    /// The BuildKit check the finding is for, when its transform fixes several (`buildkit-style`): the id that
    /// `--ignore` and `# check=skip=` take to leave this kind of finding alone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub check: Option<&'static str>,
    pub aliases: &'static [&'static str],
    pub message: String,
    pub status: Status,
    pub range: Span,
    pub fix: Option<FixReport>,
    /// What a real build said about this fix (`--verify`, fixed and dropped findings only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verification: Option<crate::verify::report::FixVerification>,
}

/// Everything the machine formats say about one file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FileFindings {
    /// The path as given, with `/` separators and no leading `./`.
    pub path: String,
    /// The fixed findings change the file.
    pub changed: bool,
    /// Sorted by position, then transform order.
    pub findings: Vec<Finding>,
    /// Messages about what went wrong (the file does not parse, a transform misbehaved, it cannot be read).
    pub errors: Vec<String>,
    /// The builds of the file before and after its fixes (`--verify`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verification: Option<Box<crate::verify::report::FileVerification>>,
}

/// The path as reports name it: relative paths with `/` separators and no `./`; absolute paths under the current
/// directory relative to it.
pub fn report_path(path: &Path) -> String {
    let relative = if path.is_absolute() {
        std::env::current_dir().ok().and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf))
    } else {
        None
    };
    let path = relative.as_deref().unwrap_or(path);
    let mut parts: Vec<String> = Vec::new();
    for c in path.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::RootDir => parts.push(String::new()),
            other => parts.push(other.as_os_str().to_string_lossy().into_owned()),
        }
    }
    if parts.len() == 1 && parts[0].is_empty() { "/".into() } else { parts.join("/") }
}

/// Offsets to lines and columns.
pub struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex { text, starts }
    }

    pub fn position(&self, offset: usize) -> Position {
        let offset = offset.min(self.text.len());
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let char_column = self.text.get(start..offset).map_or(offset - start, |s| s.chars().count()) + 1;
        Position { offset, line: line + 1, column: offset - start + 1, char_column }
    }

    pub fn span(&self, range: Range<usize>) -> Span {
        Span { start: self.position(range.start), end: self.position(range.end) }
    }
}

/// An edit on the input, with the findings (application order) whose edits went into it.
#[derive(Debug, Clone)]
struct Composite {
    orig: Range<usize>,
    content: String,
    /// The first of `members`: the finding the edit is listed under.
    owner: usize,
    members: Vec<usize>,
}

/// The composites as they lie in the current text.
struct Placed<'c> {
    items: Vec<(Range<usize>, &'c Composite)>,
}

impl<'c> Placed<'c> {
    fn new(composites: &'c [Composite]) -> Self {
        let mut delta: isize = 0;
        let items = composites
            .iter()
            .map(|c| {
                let start = (c.orig.start as isize + delta) as usize;
                delta += c.content.len() as isize - c.orig.len() as isize;
                (start..start + c.content.len(), c)
            })
            .collect();
        Placed { items }
    }

    /// The input offset of `pos` in the current text. A point inside a composite maps to its start (`end` false)
    /// or end (`end` true).
    fn map(&self, pos: usize, end: bool) -> usize {
        let i = self.items.partition_point(|(r, _)| r.end < pos || (r.end == pos && !end));
        if let Some((r, c)) = self.items.get(i)
            && r.start < pos
        {
            return if end { c.orig.end } else { c.orig.start };
        }
        // In untouched text: shift by the composites before it.
        let before = self.items[..i].last().map_or((0, 0), |(r, c)| (r.end, c.orig.end));
        pos - before.0 + before.1
    }

    fn map_range(&self, range: Range<usize>) -> Range<usize> {
        let start = self.map(range.start, false);
        start..self.map(range.end, true).max(start)
    }

    /// Indices of the composites an edit at `range` overlaps or touches.
    fn touched(&self, range: &Range<usize>) -> Range<usize> {
        let first = self.items.partition_point(|(r, _)| r.end < range.start);
        let mut last = first;
        while last < self.items.len() && self.items[last].0.start <= range.end {
            last += 1;
        }
        first..last
    }

    /// `edits` (sorted, non-overlapping, on `text`, the current text) merged with the composites they touch:
    /// the resulting edit on the input, and which composites it absorbed.
    fn absorb(&self, text: &str, edits: &[&Edit]) -> (Range<usize>, String, Range<usize>) {
        let span = edits[0].start()..edits[edits.len() - 1].end();
        let touched = self.touched(&span);
        let (cur_start, orig_start) = match self.items.get(touched.start) {
            Some((r, c)) if touched.start < touched.end && r.start <= span.start => (r.start, c.orig.start),
            _ => (span.start, self.map(span.start, false)),
        };
        let (cur_end, orig_end) = match touched.end.checked_sub(1).and_then(|i| self.items.get(i)) {
            Some((r, c)) if touched.start < touched.end && r.end >= span.end => (r.end, c.orig.end),
            _ => (span.end, self.map(span.end, true)),
        };
        let mut content = String::new();
        let mut last = cur_start;
        for e in edits {
            content.push_str(&text[last..e.start()]);
            content.push_str(e.content());
            last = e.end();
        }
        content.push_str(&text[last..cur_end]);
        (orig_start..orig_end, content, touched)
    }
}

/// The result of [`compose`]: every applied fix's edits and range on the input.
pub struct Composed {
    /// Sorted, non-overlapping edits on the input, each with the index (into [`Outcome::applied`]) of the finding
    /// it is attributed to; applying them gives the output.
    pub edits: Vec<(Edit, usize)>,
    /// For each applied finding, its range on the input.
    pub ranges: Vec<Range<usize>>,
    /// For each applied finding that owns no edit, the finding whose edit contains its edits.
    pub combined_with: Vec<Option<usize>>,
    /// For each remaining finding (in [`Outcome::remaining`] order): its range on the input, and its fix's edits
    /// on the input with whether any was widened over fixed text.
    pub remaining: Vec<(Range<usize>, Option<WidenedEdits>)>,
    /// For each note about a suppression comment (in [`Outcome::suppression_notes`] order), its range on the input.
    pub suppressions: Vec<Range<usize>>,
}

/// A fix's edits mapped to the input, and whether any was widened over fixed text.
pub type WidenedEdits = (Vec<Edit>, bool);

/// Split sorted edits into groups: consecutive edits that touch a common composite go together.
fn groups(placed: &Placed<'_>, edits: &[&Edit]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut k = 0;
    while k < edits.len() {
        let first = k;
        let mut touched = placed.touched(&edits[k].range());
        k += 1;
        while k < edits.len() {
            let t = placed.touched(&edits[k].range());
            if t.start < t.end && t.start < touched.end {
                touched.end = touched.end.max(t.end);
                k += 1;
            } else {
                break;
            }
        }
        out.push(first..k);
    }
    out
}

/// Fold the engine's passes into edits on `input` (the text the engine was given).
pub fn compose(input: &str, outcome: &Outcome) -> Composed {
    let applied = &outcome.applied;
    let mut composites: Vec<Composite> = Vec::new();
    let mut ranges = vec![0..0; applied.len()];
    let mut text = input.to_string();
    let passes = applied.iter().map(|a| a.pass + 1).max().unwrap_or(0);
    for pass in 0..passes {
        let placed = Placed::new(&composites);
        // This pass's edits, each with its finding, sorted by position.
        let mut edits: Vec<(&Edit, usize)> = Vec::new();
        for (i, a) in applied.iter().enumerate().filter(|(_, a)| a.pass == pass) {
            ranges[i] = placed.map_range(a.range.clone());
            edits.extend(a.fix.edits().iter().map(|e| (e, i)));
        }
        edits.sort_by_key(|(e, i)| (e.start(), e.end(), *i));
        let plain: Vec<&Edit> = edits.iter().map(|(e, _)| *e).collect();

        let mut next: Vec<Composite> = Vec::new();
        let mut consumed = 0;
        for group in groups(&placed, &plain) {
            let (orig, content, touched) = placed.absorb(&text, &plain[group.clone()]);
            next.extend(composites[consumed..touched.start.max(consumed)].iter().cloned());
            consumed = consumed.max(touched.end);
            let mut members: Vec<usize> = edits[group].iter().map(|(_, i)| *i).collect();
            for c in &composites[touched] {
                members.extend(&c.members);
            }
            members.sort_unstable();
            members.dedup();
            next.push(Composite { orig, content, owner: members[0], members });
        }
        next.extend(composites[consumed..].iter().cloned());
        text = apply_edits(&text, &plain);
        composites = next;
    }

    let placed = Placed::new(&composites);
    let remaining = outcome
        .remaining
        .iter()
        .map(|p| {
            let range = placed.map_range(p.range.clone());
            let fix = p.fix.as_ref().map(|f| {
                let plain: Vec<&Edit> = f.edits().iter().collect();
                let mut widened = false;
                let edits = groups(&placed, &plain)
                    .into_iter()
                    .map(|g| {
                        let (orig, content, touched) = placed.absorb(&text, &plain[g]);
                        widened |= touched.start < touched.end;
                        Edit::replacement(content, orig)
                    })
                    .collect();
                (edits, widened)
            });
            (range, fix)
        })
        .collect();
    let suppressions = outcome.suppression_notes.iter().map(|n| placed.map_range(n.range.clone())).collect();
    let mut combined_with = vec![None; applied.len()];
    for c in &composites {
        for &m in &c.members {
            if m != c.owner {
                combined_with[m] = Some(c.owner);
            }
        }
    }
    let edits = composites
        .into_iter()
        .filter(|c| input.get(c.orig.clone()) != Some(c.content.as_str()))
        .map(|c| (Edit::replacement(c.content, c.orig), c.owner))
        .collect();
    Composed { edits, ranges, combined_with, remaining, suppressions }
}

/// Build the report of one file from the engine's outcome. `file_text` is the file as read (with its byte order
/// mark, if any), `body` the text the engine was given: offsets are into `file_text`.
pub fn file_findings(path: &Path, file_text: &str, body: &str, outcome: &Outcome, errors: Vec<String>) -> FileFindings {
    let shift = file_text.len() - body.len();
    let lines = LineIndex::new(file_text);
    let span = |r: &Range<usize>| lines.span(r.start + shift..r.end + shift);
    let edit = |e: &Edit| EditReport { range: span(&e.range()), content: e.content().to_string() };
    let composed = compose(body, outcome);
    let aliases = |id: &str| crate::transforms::lookup(id).map_or(&[][..], |t| t.meta().aliases);

    // Fixed findings first, in application order, so `combined_with` can name them by that order.
    let mut findings: Vec<(usize, Finding, Option<usize>)> = Vec::new();
    for (i, a) in outcome.applied.iter().enumerate() {
        let edits: Vec<EditReport> = composed.edits.iter().filter(|(_, o)| *o == i).map(|(e, _)| edit(e)).collect();
        // A finding whose edits all went into an earlier finding's edit names that finding.
        let combined = if edits.is_empty() { composed.combined_with[i] } else { None };
        let fix = FixReport {
            title: a.title.clone(),
            applicability: a.fix.applicability(),
            edits,
            combined_with: None,
            includes_fixed: false,
            suggestions: Vec::new(),
        };
        let finding = Finding {
            transform: a.transform,
            check: a.check,
            aliases: aliases(a.transform),
            message: a.message.clone(),
            status: Status::Fixed,
            range: span(&composed.ranges[i]),
            fix: Some(fix),
            verification: None,
        };
        findings.push((i, finding, combined));
    }
    let base = findings.len();
    for (j, (p, (range, fix))) in outcome.remaining.iter().zip(&composed.remaining).enumerate() {
        let status = match &p.fix {
            None => Status::Note,
            Some(f) if f.applicability() == Applicability::DisplayOnly => Status::DisplayOnly,
            Some(_) => Status::HeldBack,
        };
        let fix = p.fix.as_ref().zip(fix.as_ref()).map(|(f, (edits, widened))| FixReport {
            title: f.title().to_string(),
            applicability: f.applicability(),
            edits: edits.iter().map(edit).collect(),
            combined_with: None,
            includes_fixed: *widened,
            suggestions: Vec::new(),
        });
        let finding = Finding {
            transform: p.transform,
            check: p.check,
            aliases: aliases(p.transform),
            message: p.message.clone(),
            status,
            range: span(range),
            fix,
            verification: None,
        };
        findings.push((base + j, finding, None));
    }

    // Notes about suppression comments (unknown ids, and unused ones with `--warn-unused-ignores`).
    let base = findings.len();
    for (j, (n, range)) in outcome.suppression_notes.iter().zip(&composed.suppressions).enumerate() {
        let finding = Finding {
            transform: n.kind.id(),
            check: None,
            aliases: &[],
            message: n.message.clone(),
            status: Status::Note,
            range: span(range),
            fix: None,
            verification: None,
        };
        findings.push((base + j, finding, None));
    }

    // Sort by position, then transform order, then status; then turn `combined_with` into output indices.
    let order = |id: &str| crate::transforms::TRANSFORMS.iter().position(|t| t.meta().id == id).unwrap_or(usize::MAX);
    findings.sort_by(|(ia, a, _), (ib, b, _)| {
        (a.range.start.offset, a.range.end.offset, order(a.transform), a.status, ia).cmp(&(
            b.range.start.offset,
            b.range.end.offset,
            order(b.transform),
            b.status,
            ib,
        ))
    });
    let index_of: std::collections::HashMap<usize, usize> =
        findings.iter().enumerate().map(|(out, (i, _, _))| (*i, out)).collect();
    let mut findings: Vec<Finding> = findings
        .into_iter()
        .map(|(_, mut f, combined)| {
            if let (Some(fix), Some(c)) = (f.fix.as_mut(), combined) {
                fix.combined_with = index_of.get(&c).copied();
            }
            f
        })
        .collect();
    let all: Vec<(usize, usize)> = findings
        .iter()
        .flat_map(|f| f.fix.iter().flat_map(|x| &x.edits))
        .map(|e| (e.range.start.offset, e.range.end.offset))
        .collect();
    for fix in findings.iter_mut().filter_map(|f| f.fix.as_mut()) {
        fix.suggestions = suggestions(file_text, &lines, &fix.edits, &all);
    }
    FileFindings { path: report_path(path), changed: outcome.output != body, findings, errors, verification: None }
}

/// `edits` (one fix's, sorted) reshaped for line-based review tools (see [`FixReport::suggestions`]). `all` holds
/// every edit of the file, to keep merged suggestions from swallowing another finding's edit.
fn suggestions(text: &str, lines: &LineIndex<'_>, edits: &[EditReport], all: &[(usize, usize)]) -> Vec<EditReport> {
    let own: Vec<(usize, usize)> = edits.iter().map(|e| (e.range.start.offset, e.range.end.offset)).collect();
    let mut merged: Vec<(usize, usize, String)> = Vec::new();
    for e in edits {
        let (start, end) = (e.range.start.offset, e.range.end.offset);
        if let Some(last) = merged.last_mut() {
            let same_line = lines.position(last.1).line == e.range.start.line;
            // Another finding's edit in the gap between the two (an insertion even at its ends) keeps them apart.
            let between = all
                .iter()
                .filter(|r| !own.contains(r))
                .any(|&(s, t)| (s < start && t > last.1) || (s == t && s >= last.1 && s <= start));
            if same_line && !between && start >= last.1 {
                last.2.push_str(&text[last.1..start]);
                last.2.push_str(&e.content);
                last.1 = end;
                continue;
            }
        }
        merged.push((start, end, e.content.clone()));
    }
    merged
        .into_iter()
        .map(|(mut start, mut end, mut content)| {
            // Past the final newline there is no line to anchor on: the same change, one byte earlier (unless
            // another finding's edit is there, whose order against this one would then be ambiguous).
            let crowded = all.iter().filter(|r| !own.contains(r)).any(|&(_, t)| t + 1 >= text.len());
            if end == text.len() && text.ends_with('\n') && start > 0 && !crowded {
                if content.ends_with('\n') {
                    content.pop();
                    if start == end {
                        content.insert(0, '\n');
                        start -= 1;
                    }
                    end -= 1;
                } else if content.is_empty() && start < end && text.as_bytes()[start - 1] == b'\n' {
                    start -= 1;
                    end -= 1;
                }
            }
            EditReport { range: lines.span(start..end), content }
        })
        .collect()
}

/// The report of a file that could not be fixed at all (unreadable, does not parse, unusable settings).
pub fn failed(path: &Path, errors: Vec<String>) -> FileFindings {
    FileFindings { path: report_path(path), errors, ..FileFindings::default() }
}

/// Apply the edits of `fixed` findings to `input` (what a consumer of the json format does).
pub fn apply_fixed(input: &str, file: &FileFindings) -> String {
    let mut edits: Vec<Edit> = file
        .findings
        .iter()
        .filter(|f| f.status == Status::Fixed)
        .flat_map(|f| f.fix.iter().flat_map(|x| &x.edits))
        .map(|e| Edit::replacement(e.content.clone(), e.range.start.offset..e.range.end.offset))
        .collect();
    edits.sort_by_key(|e| (e.start(), e.end()));
    apply_edits(input, &edits.iter().collect::<Vec<_>>())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::engine::{self, Options};
    use crate::knowledge::Knowledge;
    use crate::transforms::TRANSFORMS;

    fn outcome(input: &str, required: Applicability) -> Outcome {
        let config = Config::default();
        let options = Options { required, ..Options::new(TRANSFORMS.to_vec(), &config, Knowledge::builtin()) };
        engine::fix(input, &options).expect("parses")
    }

    fn roundtrip(input: &str, required: Applicability) -> FileFindings {
        let out = outcome(input, required);
        let report = file_findings(Path::new("./a/Dockerfile"), input, input, &out, vec![]);
        assert_eq!(apply_fixed(input, &report), out.output, "{report:#?}");
        report
    }

    #[test]
    fn suppression_notes_are_findings_on_the_input() {
        // An unused suppression below a fix that shifts the text: the note still points at the comment as read.
        let input =
            "FROM debian:12\nMAINTAINER x\n# dfix ignore=copy-not-add\nRUN true\n# dfix ignore=no-such-id\nRUN true\n";
        let config = Config::default();
        let options =
            Options { warn_unused_ignores: true, ..Options::new(TRANSFORMS.to_vec(), &config, Knowledge::builtin()) };
        let out = engine::fix(input, &options).expect("parses");
        let report = file_findings(Path::new("Dockerfile"), input, input, &out, vec![]);
        let notes: Vec<(&str, usize)> = report
            .findings
            .iter()
            .filter(|f| f.transform.ends_with("-suppression"))
            .map(|f| (f.transform, f.range.start.line))
            .collect();
        assert!(notes.contains(&("unused-suppression", 3)), "{notes:?}");
        assert!(notes.contains(&("unknown-suppression", 5)), "{notes:?}");
        for f in report.findings.iter().filter(|f| f.transform.ends_with("-suppression")) {
            assert_eq!(f.status, Status::Note);
            assert!(input[f.range.start.offset..].starts_with("no-such-id") || f.range.start.line == 3, "{f:?}");
        }
    }

    #[test]
    fn composed_edits_give_the_output_across_passes() {
        // merge-runs rewrites what apt-cleanup and apt-no-recommends wrote in an earlier pass.
        let input = "FROM debian:12\nRUN apt-get update\nRUN apt-get install -y curl\nADD a.txt /a\nMAINTAINER x\n";
        let report = roundtrip(input, Applicability::Safe);
        assert!(report.changed);
        assert_eq!(report.path, "a/Dockerfile");
        let fixed = report.findings.iter().filter(|f| f.status == Status::Fixed).count();
        assert!(fixed >= 3, "{report:#?}");
        // Every combined finding names a finding that has edits.
        for f in &report.findings {
            if let Some(c) = f.fix.as_ref().and_then(|x| x.combined_with) {
                assert!(!report.findings[c].fix.as_ref().unwrap().edits.is_empty());
            }
        }
        roundtrip(input, Applicability::Unsafe);
    }

    #[test]
    fn a_fix_rewritten_by_a_later_pass_is_combined_into_one_edit_listed_once() {
        // merge-runs joins the RUNs in pass 1; apt-cleanup then appends its cleanup to the joined RUN in pass 2.
        let input = "FROM ubuntu:focal\nRUN apt update\nRUN apt install -y libbsd0\nRUN apt remove -y libbsd0\n\
                     RUN apt install -y libbsd0\nRUN ls -al /usr/lib\n";
        let report = roundtrip(input, Applicability::Safe);
        let (i, combined) = report
            .findings
            .iter()
            .enumerate()
            .find(|(_, f)| f.fix.as_ref().is_some_and(|x| x.combined_with.is_some()))
            .expect("a finding is combined with another");
        let fix = combined.fix.as_ref().unwrap();
        assert!(fix.edits.is_empty());
        let owner = &report.findings[fix.combined_with.unwrap()];
        assert_ne!(fix.combined_with, Some(i));
        assert_eq!(owner.status, Status::Fixed);
        assert!(owner.fix.as_ref().unwrap().edits.iter().any(|e| e.content.contains("rm -rf /var/lib/apt/lists/*")));
    }

    #[test]
    fn a_held_back_fix_touching_a_fixed_edit_is_widened_over_it() {
        // apt-cleanup adds ` -y` where apt-no-recommends (unsafe) would add its flag.
        let input = "FROM debian\nRUN --network=host apt-get install vim\nRUN echo test\n";
        let report = roundtrip(input, Applicability::Safe);
        let held = report.findings.iter().find(|f| f.transform == "apt-no-recommends").expect("found");
        assert_eq!(held.status, Status::HeldBack);
        let fix = held.fix.as_ref().unwrap();
        assert!(fix.includes_fixed);
        assert_eq!(fix.edits[0].content, " --no-install-recommends -y");
        // Offered instead of the fixed edit, it gives the input with both changes.
        let mut both = report.clone();
        for f in &mut both.findings {
            if f.transform == "apt-no-recommends" {
                f.status = Status::Fixed;
            } else if f.fix.as_ref().is_some_and(|x| x.edits.iter().any(|e| e.range == fix.edits[0].range)) {
                f.status = Status::Note;
            }
        }
        assert!(apply_fixed(input, &both).contains("apt-get install --no-install-recommends -y vim"));
    }

    #[test]
    fn suggestions_merge_a_fixs_edits_on_one_line_and_stay_on_existing_lines() {
        let input = "FROM debian:12\nLABEL version 1.0 beta\nRUN true\n";
        let report = roundtrip(input, Applicability::Safe);
        let label = report.findings.iter().find(|f| f.transform == "env-key-value").expect("found");
        let fix = label.fix.as_ref().unwrap();
        assert_eq!(fix.edits.len(), 2, "{fix:#?}");
        assert_eq!(fix.suggestions.len(), 1);
        assert_eq!(fix.suggestions[0].content, "=\"1.0 beta\"");
        // non-root-user appends after the last line: its suggestion is moved before the final newline.
        let user = report.findings.iter().find(|f| f.transform == "non-root-user").expect("found");
        let (edit, suggestion) = (&user.fix.as_ref().unwrap().edits[0], &user.fix.as_ref().unwrap().suggestions[0]);
        assert_eq!(edit.range.start.line, 4);
        assert_eq!((suggestion.range.start.line, suggestion.range.start.column), (3, 9));
        assert!(suggestion.content.starts_with('\n') && !suggestion.content.ends_with('\n'));
    }

    #[test]
    fn positions_are_byte_columns_after_a_byte_order_mark() {
        let body = "FROM debian:12\nADD é.txt /x\n";
        let text = format!("\u{feff}{body}");
        let out = outcome(body, Applicability::Safe);
        let report = file_findings(Path::new("Dockerfile"), &text, body, &out, vec![]);
        let add = report.findings.iter().find(|f| f.transform == "copy-not-add").expect("ADD is found");
        let edit = &add.fix.as_ref().unwrap().edits[0];
        assert_eq!(edit.range.start.offset, 3 + 15);
        assert_eq!((edit.range.start.line, edit.range.start.column), (2, 1));
        assert_eq!(apply_fixed(&text, &report), format!("\u{feff}{}", out.output));
    }

    #[test]
    fn line_index_counts_bytes_and_characters() {
        let lines = LineIndex::new("ab\néx\n");
        let p = lines.position(6);
        assert_eq!((p.line, p.column, p.char_column), (2, 4, 3));
        assert_eq!(lines.position(100).offset, 7);
    }

    #[test]
    fn a_file_without_fixes_has_no_edits() {
        let report = roundtrip("FROM debian:12\nCOPY a /a\n", Applicability::Safe);
        assert!(!report.changed);
        assert!(report.findings.iter().all(|f| f.status != Status::Fixed));
    }

    #[test]
    fn paths_are_relative_with_forward_slashes() {
        assert_eq!(report_path(Path::new("./x/Dockerfile")), "x/Dockerfile");
        assert_eq!(report_path(Path::new("/nowhere/x/Dockerfile")), "/nowhere/x/Dockerfile");
        let cwd = std::env::current_dir().unwrap();
        assert_eq!(report_path(&cwd.join("y/Dockerfile")), "y/Dockerfile");
    }
}
