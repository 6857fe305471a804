//! BuildKit's parser as an oracle for fixed files: the output must parse, with as many stages as the input, and
//! every instruction that no edit touched must still be there, as BuildKit sees it, unchanged.
//!
//! The comparison works on byte regions. An instruction's region runs from the start of its first line (as
//! BuildKit numbers them) to the end of its last line, line ending included. Following the engine's passes, each
//! input region either is touched by an edit (it overlaps one, has an insertion inside it, or no longer starts a
//! line or ends at one afterwards) or is carried to a new position in the output. Then:
//!
//! - every carried region must hold an instruction in the output, starting on the carried region's first line,
//!   with the same keyword, ONBUILD trigger, flags, exec form, arguments and number of lines;
//! - every other instruction of the output must touch text the edits produced (the images of the edits, carried
//!   through later passes), so no instruction appears, and none changes, where nothing was edited;
//! - the number of FROM instructions is the same.
//!
//! Instructions of the input that an edit touched are the fixed ones; what they became is the transforms'
//! business and their corpus cases'. Everything else must be as BuildKit saw it in the input, which also catches an
//! edit that changes how later, untouched lines parse (an unterminated heredoc, a stray continuation).

#![allow(dead_code)]

use std::ops::Range;

use dfix::fix::Edit;

use super::{Oracle, OracleInstruction, OracleResult};

/// A fixed text to check: the input, the output, and the edits of each pass.
#[derive(Debug, Clone)]
pub struct Fixed {
    pub name: String,
    pub input: String,
    pub output: String,
    pub passes: Vec<Vec<Edit>>,
}

/// Check each fixed text against BuildKit (one Python run for all of them). Returns one line per failure, each
/// starting with the text's name.
pub fn check_outputs(oracle: &Oracle, fixed: &[Fixed]) -> Vec<String> {
    let mut texts = Vec::with_capacity(fixed.len() * 2);
    for f in fixed {
        texts.push((format!("{} (input)", f.name), f.input.clone()));
        texts.push((format!("{} (output)", f.name), f.output.clone()));
    }
    let verdicts = oracle.dump_texts(&texts);
    let mut failures = Vec::new();
    for (f, pair) in fixed.iter().zip(verdicts.chunks(2)) {
        if let Err(why) = compare(f, &pair[0], &pair[1]) {
            failures.push(format!("{}: {why}", f.name));
        }
    }
    failures
}

/// Compare one fixed text with BuildKit's view of its input and output.
pub fn compare(f: &Fixed, input: &OracleResult, output: &OracleResult) -> Result<(), String> {
    // Nothing to hold the output to when BuildKit cannot read the input.
    if !input.parsed {
        return Ok(());
    }
    if !output.parsed {
        return Err(format!("BuildKit rejects the output: {}", output.error.as_deref().unwrap_or("?")));
    }
    if input.ok && !output.ok {
        return Err(format!(
            "BuildKit accepts the input but not the output: {}",
            output.error.as_deref().unwrap_or("?")
        ));
    }
    let stages = |r: &OracleResult| r.instructions.iter().filter(|i| i.cmd.as_deref() == Some("from")).count();
    if stages(input) != stages(output) {
        return Err(format!("{} stages in the input, {} in the output", stages(input), stages(output)));
    }

    let in_lines = LineIndex::new(&f.input);
    let out_lines = LineIndex::new(&f.output);
    let mut regions: Vec<Option<Range<usize>>> =
        input.instructions.iter().map(|i| Some(in_lines.region(i.start_line, i.end_line))).collect();
    let mut dirty: Vec<Range<usize>> = Vec::new();
    let mut text = f.input.clone();
    for edits in &f.passes {
        for region in regions.iter_mut() {
            *region = region.take().and_then(|r| carry(&r, edits, &text));
        }
        dirty = dirty.iter().map(|d| map_point(d.start, edits, false)..map_point(d.end, edits, true)).collect();
        let mut delta: isize = 0;
        for e in edits {
            let start = (e.start() as isize + delta) as usize;
            dirty.push(start..start + e.content().len());
            delta += e.content().len() as isize - e.range().len() as isize;
        }
        text = apply(&text, edits);
    }
    assert_eq!(text, f.output, "{}: the passes do not give the output (checked by the invariants first)", f.name);

    let mut explained = vec![false; output.instructions.len()];
    for (before, region) in input.instructions.iter().zip(&regions) {
        let Some(region) = region else { continue };
        // A region that no longer starts or ends a line was touched after all.
        let starts_line = region.start == 0 || f.output.as_bytes()[region.start - 1] == b'\n';
        let ends_line = region.end == f.output.len() || f.output.as_bytes()[region.end - 1] == b'\n';
        if !starts_line || !ends_line {
            continue;
        }
        let line = out_lines.line_of(region.start);
        let found = output.instructions.iter().position(|o| o.start_line == line);
        let Some(at) = found else {
            return Err(format!(
                "{} at input line {} was not edited, but BuildKit finds no instruction at output line {line}",
                describe(before),
                before.start_line
            ));
        };
        let after = &output.instructions[at];
        if !same(before, after) {
            return Err(format!(
                "{} at input line {} was not edited, but BuildKit reads it as {} at output line {line}",
                describe(before),
                before.start_line,
                describe(after)
            ));
        }
        explained[at] = true;
    }
    for (after, explained) in output.instructions.iter().zip(explained) {
        if explained {
            continue;
        }
        let region = out_lines.region(after.start_line, after.end_line);
        if !dirty.iter().any(|d| d.start <= region.end && region.start <= d.end) {
            return Err(format!(
                "{} at output lines {}-{} is new or changed, but no edit touches it",
                describe(after),
                after.start_line,
                after.end_line
            ));
        }
    }
    Ok(())
}

fn same(a: &OracleInstruction, b: &OracleInstruction) -> bool {
    a.cmd == b.cmd
        && a.sub_cmd == b.sub_cmd
        && a.flags == b.flags
        && a.json == b.json
        && a.value == b.value
        && a.end_line - a.start_line == b.end_line - b.start_line
}

fn describe(i: &OracleInstruction) -> String {
    let mut s = i.cmd.clone().unwrap_or_else(|| "<none>".into()).to_ascii_uppercase();
    if let Some(sub) = &i.sub_cmd {
        s.push(' ');
        s.push_str(&sub.to_ascii_uppercase());
    }
    for flag in &i.flags {
        s.push(' ');
        s.push_str(flag);
    }
    if !i.value.is_empty() {
        s.push_str(&format!(" {:?}", i.value));
    }
    s
}

/// Where `region` of `text` ends up after `edits`, or `None` when an edit touches it.
fn carry(region: &Range<usize>, edits: &[Edit], text: &str) -> Option<Range<usize>> {
    for e in edits {
        let (s, t) = (e.start(), e.end());
        let touches = if s < t {
            s < region.end && t > region.start
        } else {
            (region.start < s && s < region.end)
                || (s == region.start && !e.content().ends_with('\n'))
                || (s == region.end && !text[..region.end].ends_with('\n'))
        };
        if touches {
            return None;
        }
    }
    Some(map_point(region.start, edits, true)..map_point(region.end, edits, false))
}

/// Where offset `p` ends up after `edits` (sorted, not overlapping). An insertion at `p` goes before it when `right`;
/// a point inside a replaced range goes to the end of the replacement when `right`, else to its start.
fn map_point(p: usize, edits: &[Edit], right: bool) -> usize {
    let mut delta: isize = 0;
    for e in edits {
        let (s, t, n) = (e.start(), e.end(), e.content().len() as isize);
        if t < p || (t == p && s < t) {
            delta += n - (t - s) as isize;
        } else if s == t && s == p {
            if right {
                delta += n;
            }
        } else if s < p && p < t {
            let start = (s as isize + delta) as usize;
            return if right { start + n as usize } else { start };
        } else {
            break;
        }
    }
    (p as isize + delta) as usize
}

fn apply(text: &str, edits: &[Edit]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for e in edits {
        out.push_str(&text[last..e.start()]);
        out.push_str(e.content());
        last = e.end();
    }
    out.push_str(&text[last..]);
    out
}

/// Line starts of a text, with lines as BuildKit numbers them (split at `\n`, 1-based).
struct LineIndex {
    starts: Vec<usize>,
    len: usize,
}

impl LineIndex {
    fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Self { starts, len: text.len() }
    }

    /// Bytes of lines `first..=last`, the last line's ending included.
    fn region(&self, first: usize, last: usize) -> Range<usize> {
        let start = self.starts.get(first.saturating_sub(1)).copied().unwrap_or(self.len);
        let end = self.starts.get(last).copied().unwrap_or(self.len);
        start..end.max(start)
    }

    fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset)
    }
}

/// Self-checks of the comparison on hand-made verdicts, so a bug in it cannot hide a real disagreement.
pub fn self_test() {
    let instr = |cmd: &str, start: usize, end: usize, value: &[&str]| OracleInstruction {
        cmd: Some(cmd.into()),
        sub_cmd: None,
        start_line: start,
        end_line: end,
        flags: vec![],
        json: false,
        value: value.iter().map(|s| s.to_string()).collect(),
    };
    let verdict = |instructions: Vec<OracleInstruction>| OracleResult {
        path: String::new(),
        ok: true,
        parsed: true,
        utf8: true,
        error: None,
        instructions,
    };
    let input = "FROM a\nADD x /x\nRUN b\n";
    let output = "FROM a\nCOPY x /x\nRUN b\n";
    let f = Fixed {
        name: "t".into(),
        input: input.into(),
        output: output.into(),
        passes: vec![vec![Edit::replacement("COPY", 7..10)]],
    };
    let before =
        verdict(vec![instr("from", 1, 1, &["a"]), instr("add", 2, 2, &["x", "/x"]), instr("run", 3, 3, &["b"])]);
    let good =
        verdict(vec![instr("from", 1, 1, &["a"]), instr("copy", 2, 2, &["x", "/x"]), instr("run", 3, 3, &["b"])]);
    assert_eq!(compare(&f, &before, &good), Ok(()));
    // An untouched instruction read differently is caught.
    let changed_run =
        verdict(vec![instr("from", 1, 1, &["a"]), instr("copy", 2, 2, &["x", "/x"]), instr("run", 3, 3, &["c"])]);
    assert!(compare(&f, &before, &changed_run).is_err());
    // An instruction that appears where nothing was edited is caught.
    let f2 = Fixed { passes: vec![vec![Edit::replacement("COPY", 7..10)]], ..f.clone() };
    let extra = verdict(vec![
        instr("from", 1, 1, &["a"]),
        instr("copy", 2, 2, &["x", "/x"]),
        instr("run", 3, 3, &["b"]),
        instr("run", 4, 4, &["d"]),
    ]);
    assert!(compare(&f2, &before, &extra).is_err());
    // A lost stage is caught.
    let no_from = verdict(vec![instr("copy", 2, 2, &["x", "/x"]), instr("run", 3, 3, &["b"])]);
    assert!(compare(&f, &before, &no_from).is_err());
    // Two passes: an insertion before an untouched instruction shifts it.
    let f3 = Fixed {
        name: "t".into(),
        input: "FROM a\nRUN b\n".into(),
        output: "FROM a\nUSER x\nRUN b\nUSER y\n".into(),
        passes: vec![vec![Edit::insertion("USER x\n", 7)], vec![Edit::insertion("USER y\n", 20)]],
    };
    let before3 = verdict(vec![instr("from", 1, 1, &["a"]), instr("run", 2, 2, &["b"])]);
    let after3 = verdict(vec![
        instr("from", 1, 1, &["a"]),
        instr("user", 2, 2, &["x"]),
        instr("run", 3, 3, &["b"]),
        instr("user", 4, 4, &["y"]),
    ]);
    assert_eq!(compare(&f3, &before3, &after3), Ok(()));
    let moved = verdict(vec![
        instr("from", 1, 1, &["a"]),
        instr("run", 2, 2, &["b"]),
        instr("user", 3, 3, &["x"]),
        instr("user", 4, 4, &["y"]),
    ]);
    assert!(compare(&f3, &before3, &moved).is_err());
}
