//! The per-file "fixed N (...)" lines and the summary printed at the end of a run.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::findings::{FileFindings, Status};

/// Whether fixes were written or would be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tense {
    Applied,
    WouldApply,
}

/// Counts over a whole run.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Summary {
    /// Dockerfiles looked at, including those that failed.
    pub files: usize,
    /// Files changed, or that would change.
    pub changed: usize,
    /// Files (and search paths) with an error.
    pub errors: usize,
    /// Fixes by transform id.
    pub fixes: BTreeMap<&'static str, usize>,
    /// Unsafe fixes that `--unsafe-fixes` would have applied.
    pub held_back_unsafe: usize,
    /// Dockerfiles with a base image whose release reached its end of life (`eol-base`).
    pub eol_bases: usize,
}

impl Summary {
    pub fn add_fixes(&mut self, counts: &BTreeMap<&'static str, usize>) {
        for (id, n) in counts {
            *self.fixes.entry(id).or_default() += n;
        }
    }

    /// A few lines, each ending in a newline.
    pub fn render(&self, tense: Tense) -> String {
        let mut out = String::new();
        let changed = match tense {
            Tense::Applied => "fixed",
            Tense::WouldApply => "would change",
        };
        let _ = write!(out, "{} scanned, {} {changed}", plural(self.files, "Dockerfile"), self.changed);
        if self.errors > 0 {
            let _ = write!(out, ", {} with errors", self.errors);
        }
        out.push('\n');
        if !self.fixes.is_empty() {
            let total: usize = self.fixes.values().sum();
            let _ = writeln!(out, "{}: {}", plural(total, "fix"), by_transform(&self.fixes));
        }
        if self.eol_bases > 0 {
            let _ = writeln!(out, "{} on end-of-life base images (eol-base)", plural(self.eol_bases, "Dockerfile"));
        }
        if self.held_back_unsafe > 0 {
            let _ = writeln!(out, "{} held back; use --unsafe-fixes", plural(self.held_back_unsafe, "unsafe fix"));
        }
        out
    }
}

/// `fixed 3 (merge-runs 2, apt-cleanup 1)` or `would fix 3 (...)`, for one file.
pub fn file_line(counts: &BTreeMap<&'static str, usize>, tense: Tense) -> String {
    let verb = match tense {
        Tense::Applied => "fixed",
        Tense::WouldApply => "would fix",
    };
    let total: usize = counts.values().sum();
    if counts.is_empty() { verb.to_string() } else { format!("{verb} {total} ({})", by_transform(counts)) }
}

/// `merge-runs 2, apt-cleanup 1`: most frequent first, then by id.
pub fn by_transform(counts: &BTreeMap<&'static str, usize>) -> String {
    let mut sorted: Vec<(&str, usize)> = counts.iter().map(|(id, n)| (*id, *n)).collect();
    sorted.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    sorted.iter().map(|(id, n)| format!("{id} {n}")).collect::<Vec<_>>().join(", ")
}

/// `1 fix`, `2 fixes`, `3 Dockerfiles`.
pub fn plural(n: usize, noun: &str) -> String {
    let suffix = match (n, noun.ends_with('x') || noun.ends_with('s')) {
        (1, _) => "",
        (_, true) => "es",
        (_, false) => "s",
    };
    format!("{n} {noun}{suffix}")
}

/// `--format summary`: findings counted by status, per file and per transform, as two aligned tables.
pub fn table(files: &[FileFindings]) -> String {
    const COLUMNS: [Status; 4] = [Status::Fixed, Status::HeldBack, Status::DisplayOnly, Status::Note];
    fn counts<'a>(findings: impl Iterator<Item = &'a super::findings::Finding>) -> [usize; 4] {
        let mut c = [0; 4];
        for f in findings {
            c[COLUMNS.iter().position(|s| *s == f.status).expect("every status has a column")] += 1;
        }
        c
    }
    fn render(out: &mut String, head: &str, rows: &[(String, [usize; 4])]) {
        let width = rows.iter().map(|(n, _)| n.len()).chain([head.len(), 5]).max().unwrap_or(0);
        let _ = writeln!(out, "{head:<width$}  fixed  held-back  display-only  notes");
        for (name, c) in rows {
            let _ = writeln!(out, "{name:<width$}  {:>5}  {:>9}  {:>12}  {:>5}", c[0], c[1], c[2], c[3]);
        }
    }
    let mut out = String::new();
    let mut rows: Vec<(String, [usize; 4])> = Vec::new();
    for file in files {
        let mut name = file.path.clone();
        if !file.errors.is_empty() {
            name.push_str(" (error)");
        }
        rows.push((name, counts(file.findings.iter())));
    }
    let total = counts(files.iter().flat_map(|f| &f.findings));
    rows.push(("total".into(), total));
    render(&mut out, "file", &rows);
    out.push('\n');
    let mut by: BTreeMap<&str, Vec<&super::findings::Finding>> = BTreeMap::new();
    for f in files.iter().flat_map(|f| &f.findings) {
        by.entry(f.transform).or_default().push(f);
    }
    let rows: Vec<(String, [usize; 4])> =
        by.into_iter().map(|(id, fs)| (id.to_string(), counts(fs.into_iter()))).collect();
    render(&mut out, "transform", &rows);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(pairs: &[(&'static str, usize)]) -> BTreeMap<&'static str, usize> {
        pairs.iter().copied().collect()
    }

    #[test]
    fn file_lines_list_the_most_frequent_first() {
        let c = counts(&[("apt-cleanup", 1), ("merge-runs", 2)]);
        assert_eq!(file_line(&c, Tense::Applied), "fixed 3 (merge-runs 2, apt-cleanup 1)");
        assert_eq!(file_line(&c, Tense::WouldApply), "would fix 3 (merge-runs 2, apt-cleanup 1)");
    }

    #[test]
    fn summary_mentions_errors_and_held_back_fixes_only_when_there_are_some() {
        let mut s = Summary { files: 3, changed: 1, ..Summary::default() };
        assert_eq!(s.render(Tense::WouldApply), "3 Dockerfiles scanned, 1 would change\n");
        s.errors = 1;
        s.held_back_unsafe = 2;
        s.add_fixes(&counts(&[("copy-not-add", 1)]));
        s.add_fixes(&counts(&[("copy-not-add", 1), ("maintainer-label", 1)]));
        assert_eq!(
            s.render(Tense::Applied),
            "3 Dockerfiles scanned, 1 fixed, 1 with errors\n3 fixes: copy-not-add 2, maintainer-label 1\n\
             2 unsafe fixes held back; use --unsafe-fixes\n"
        );
    }

    #[test]
    fn plurals() {
        assert_eq!(plural(1, "fix"), "1 fix");
        assert_eq!(plural(2, "unsafe fix"), "2 unsafe fixes");
        assert_eq!(plural(0, "Dockerfile"), "0 Dockerfiles");
    }
}
