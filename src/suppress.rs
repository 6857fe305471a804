//! Suppression comments: findings the Dockerfile's author asked not to see.
//!
//! - `# dfix ignore=merge-runs,DL3009` on the comment lines directly above an instruction (no blank line between)
//!   suppresses those transforms' findings whose range starts in that instruction;
//! - `# dfix global ignore=...` anywhere in the file suppresses them in the whole file;
//! - hadolint's `# hadolint ignore=...` and `# hadolint global ignore=...` do the same through the transforms'
//!   hadolint aliases (`DL3059` is `merge-runs`);
//! - BuildKit's `# check=skip=MaintainerDeprecated,...` parser directive (only in the directive block at the top of
//!   the file, like `# syntax=`) suppresses the transforms whose BuildKit check it names in the whole file;
//!   `skip=all` suppresses every transform that has a BuildKit check.
//!
//! Ids are compared case-insensitively; `ALL` in a `dfix` comment names every transform. An id of a `dfix`
//! comment that names no transform is reported as a note on its line (with the closest name), because a
//! misspelled suppression would otherwise silently suppress nothing. hadolint and BuildKit ids that map to no
//! transform are not reported: they name checks of those tools that dfix has no transform for.
//!
//! The engine ([`crate::engine`]) reads the suppressions of every pass's text and drops the suppressed findings
//! before choosing fixes, so every output honours them. It records which suppression ids suppressed something; with
//! `--warn-unused-ignores` the others are reported.

use std::ops::Range;

use crate::syntax::Dockerfile;
use crate::transforms::{Transform, lookup};

/// Which tool's syntax a suppression is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// `# dfix ignore=...`
    Dfix,
    /// `# hadolint ignore=...`
    Hadolint,
    /// `# check=skip=...`
    BuildKit,
}

/// Where a suppression applies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// The whole file.
    Global,
    /// The instruction with this index (the comment is directly above it).
    Instruction(usize),
    /// A line comment that is not directly above an instruction: it applies to nothing.
    Nowhere,
}

/// What one id of a suppression names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Transform(&'static str),
    /// `ALL` (dfix) or `skip=all` restricted to the transforms with a BuildKit check.
    All,
    /// Names nothing dfix knows.
    Unknown,
}

/// One id as written in a suppression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Id {
    pub written: String,
    /// Where it is written in the file.
    pub range: Range<usize>,
    pub target: Target,
    /// When the id is one of several BuildKit checks of one transform (`FromAsCasing` of `buildkit-style`): that
    /// check, and only its findings are covered.
    pub check: Option<&'static str>,
}

/// One suppression comment (or the `check` directive).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppression {
    pub dialect: Dialect,
    pub scope: Scope,
    /// The comment or directive.
    pub range: Range<usize>,
    pub ids: Vec<Id>,
}

impl Suppression {
    /// Whether id `i` of this suppression covers findings of transform `id` (for the BuildKit check `check`, when
    /// the finding is for one).
    fn names(&self, i: usize, id: &str, check: Option<&str>) -> bool {
        match self.ids[i].target {
            Target::Transform(t) => {
                t == id && (self.ids[i].check.is_none() || check.is_none() || self.ids[i].check == check)
            }
            Target::All if self.dialect == Dialect::BuildKit => lookup(id).is_some_and(has_buildkit_check),
            Target::All => true,
            Target::Unknown => false,
        }
    }
}

/// A problem with a suppression, reported as a note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SuppressionNote {
    pub kind: NoteKind,
    /// Where in the file (the final output, like the engine's remaining findings).
    pub range: Range<usize>,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoteKind {
    /// An id of a `dfix` comment that names no transform.
    UnknownId,
    /// A suppression that suppressed nothing (`--warn-unused-ignores`).
    Unused,
}

impl NoteKind {
    /// The id the machine formats report such a note under (it names no transform).
    pub fn id(self) -> &'static str {
        match self {
            NoteKind::UnknownId => "unknown-suppression",
            NoteKind::Unused => "unused-suppression",
        }
    }
}

/// The suppressions of one text.
#[derive(Debug, Clone, Default)]
pub struct Suppressions {
    items: Vec<Suppression>,
    /// Instruction ranges, by index, for [`Scope::Instruction`].
    instructions: Vec<Range<usize>>,
}

impl Suppressions {
    /// Read the suppression comments and the `check` directive of `file`.
    pub fn of(file: &Dockerfile) -> Self {
        let source = file.source();
        let mut items = Vec::new();
        if let Some(check) = file.directive("check") {
            let ids = check_skip_ids(source, check.range.clone());
            if !ids.is_empty() {
                items.push(Suppression {
                    dialect: Dialect::BuildKit,
                    scope: Scope::Global,
                    range: check.range.clone(),
                    ids,
                });
            }
        }
        let instructions = file.instructions();
        let mut comments: Vec<&Range<usize>> = file.comments().iter().collect();
        comments.sort_by_key(|r| r.start);
        for comment in comments {
            let Some(pragma) = parse_comment(source, comment.clone()) else { continue };
            let scope = if pragma.global {
                Scope::Global
            } else {
                attached_instruction(file, comment.clone()).map_or(Scope::Nowhere, Scope::Instruction)
            };
            items.push(Suppression { dialect: pragma.dialect, scope, range: comment.clone(), ids: pragma.ids });
        }
        Self { items, instructions: instructions.iter().map(|i| i.range.clone()).collect() }
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn items(&self) -> &[Suppression] {
        &self.items
    }

    /// The suppression ids, as `(suppression, id)` index pairs, that cover a finding of `transform` (for the
    /// BuildKit check `check`, if it says) starting at `offset`.
    pub fn covering<'s>(
        &'s self,
        transform: &'s str,
        check: Option<&'s str>,
        offset: usize,
    ) -> impl Iterator<Item = (usize, usize)> + 's {
        self.items.iter().enumerate().flat_map(move |(s, item)| {
            let in_scope = match item.scope {
                Scope::Global => true,
                Scope::Instruction(i) => {
                    self.instructions.get(i).is_some_and(|r| r.start <= offset && (offset < r.end || r.is_empty()))
                }
                Scope::Nowhere => false,
            };
            let ids = if in_scope { 0..item.ids.len() } else { 0..0 };
            ids.filter(move |&i| item.names(i, transform, check)).map(move |i| (s, i))
        })
    }

    /// Whether a suppression comment is directly above instruction `index`.
    pub fn governs_instruction(&self, index: usize) -> bool {
        self.items.iter().any(|s| s.scope == Scope::Instruction(index))
    }

    /// Whether findings of `transform` starting at `offset` are suppressed (any of them, for a transform with
    /// several BuildKit checks).
    pub fn suppresses(&self, transform: &str, offset: usize) -> bool {
        self.covering(transform, None, offset).next().is_some()
    }

    /// Notes for the ids of `dfix` comments that name no transform.
    pub fn unknown_ids(&self) -> Vec<SuppressionNote> {
        let mut notes = Vec::new();
        for item in self.items.iter().filter(|s| s.dialect == Dialect::Dfix) {
            for id in item.ids.iter().filter(|id| id.target == Target::Unknown) {
                // A hadolint code is no typo of another one.
                let suggestion =
                    if is_hadolint_code(&id.written) { None } else { crate::cli::select::did_you_mean(&id.written) };
                let hint = match suggestion {
                    Some(s) => format!("; did you mean `{s}`?"),
                    None => "; `dfix rules` lists the transforms and their aliases".to_string(),
                };
                notes.push(SuppressionNote {
                    kind: NoteKind::UnknownId,
                    range: id.range.clone(),
                    message: format!("unknown transform `{}` in a suppression comment{hint}", id.written),
                });
            }
        }
        notes
    }

    /// Notes for the ids that suppressed nothing: `used[s][i]` says whether id `i` of suppression `s` did. Only ids
    /// naming a transform in `active` (or `ALL`) are judged: of the others dfix cannot tell.
    pub fn unused(&self, used: &[Vec<bool>], active: &[&'static dyn Transform]) -> Vec<SuppressionNote> {
        let mut notes = Vec::new();
        for (s, item) in self.items.iter().enumerate() {
            for (i, id) in item.ids.iter().enumerate() {
                if used.get(s).and_then(|u| u.get(i)).copied().unwrap_or(false) {
                    continue;
                }
                // `check=skip=all` mostly silences BuildKit's own checks: not judged.
                let judged = match id.target {
                    Target::Transform(t) => active.iter().any(|a| a.meta().id == t),
                    Target::All => item.dialect == Dialect::Dfix,
                    Target::Unknown => false,
                };
                if !judged {
                    continue;
                }
                let what = match id.target {
                    Target::Transform(t) if !id.written.eq_ignore_ascii_case(t) => format!("`{}` ({t})", id.written),
                    _ => format!("`{}`", id.written),
                };
                let message = if item.scope == Scope::Nowhere {
                    format!(
                        "unused suppression: {what} applies to no instruction (put it on the line directly above \
                         one, or write `global ignore=`)"
                    )
                } else {
                    format!("unused suppression: {what} suppressed nothing")
                };
                notes.push(SuppressionNote { kind: NoteKind::Unused, range: id.range.clone(), message });
            }
        }
        notes
    }

    /// An all-false usage table shaped like these suppressions.
    pub fn usage(&self) -> Vec<Vec<bool>> {
        self.items.iter().map(|s| vec![false; s.ids.len()]).collect()
    }
}

/// Whether a transform has a BuildKit check among its aliases (hadolint's are `DL` and `SC` codes).
pub fn has_buildkit_check(t: &'static dyn Transform) -> bool {
    t.meta().aliases.iter().any(|a| !is_hadolint_code(a))
}

pub(crate) fn is_hadolint_code(alias: &str) -> bool {
    let upper = alias.to_ascii_uppercase();
    let digits = upper.strip_prefix("DL").or_else(|| upper.strip_prefix("SC"));
    digits.is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
}

/// A suppression comment, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pragma {
    pub dialect: Dialect,
    pub global: bool,
    pub ids: Vec<Id>,
}

/// Read the comment at `range` of `source` as a `dfix` or `hadolint` suppression: `# dfix [global] ignore=a,b`.
/// Text after the list, separated by a blank, is free (`# dfix ignore=merge-runs keeps the cache layer apart`).
pub fn parse_comment(source: &str, range: Range<usize>) -> Option<Pragma> {
    let text = &source[range.clone()];
    let body = text.trim_start().strip_prefix('#')?;
    let words_start = range.start + (text.len() - body.len());
    let (dialect, rest) = strip_word(body, "dfix")
        .map(|r| (Dialect::Dfix, r))
        .or_else(|| strip_word(body, "hadolint").map(|r| (Dialect::Hadolint, r)))?;
    let (global, rest) = match strip_word(rest, "global") {
        Some(r) => (true, r),
        None => (false, rest),
    };
    let rest = strip_word(rest, "ignore")?;
    let rest = rest.strip_prefix('=')?;
    let list_start = words_start + (body.len() - rest.len());
    let ids = parse_ids(rest, list_start, |name| resolve(dialect, name));
    (!ids.is_empty()).then_some(Pragma { dialect, global, ids })
}

/// Whether a line's text (with or without its `#`) is a `dfix` or `hadolint` suppression comment.
pub fn is_suppression_comment(line: &str) -> bool {
    let line = line.trim();
    let line = if line.starts_with('#') { line.to_string() } else { format!("#{line}") };
    parse_comment(&line, 0..line.len()).is_some()
}

/// `word` (case-insensitive) at the start of `text` after blanks, followed by a blank or `=`; the rest, trimmed at
/// the start.
fn strip_word<'a>(text: &'a str, word: &str) -> Option<&'a str> {
    let text = text.trim_start();
    let head = text.get(..word.len())?;
    if !head.eq_ignore_ascii_case(word) {
        return None;
    }
    let rest = &text[word.len()..];
    match rest.chars().next() {
        Some(c) if c.is_whitespace() || c == '=' => Some(rest.trim_start_matches([' ', '\t'])),
        _ => None,
    }
}

/// A comma-separated list of ids at the start of `list` (which starts at byte `start` of the file). The list ends at
/// a blank that is not next to a comma, or at the end of the text.
fn parse_ids(list: &str, start: usize, resolve: impl Fn(&str) -> Target) -> Vec<Id> {
    let mut ids = Vec::new();
    let mut offset = 0;
    let end = list.trim_end().len();
    for piece in list[..end].split(',') {
        let lead = piece.len() - piece.trim_start().len();
        let word = piece.trim_start();
        let word_len = word.find(char::is_whitespace).unwrap_or(word.len());
        let name = &word[..word_len];
        if !name.is_empty() {
            let at = start + offset + lead;
            let target = resolve(name);
            let check = one_check(target, name);
            ids.push(Id { written: name.to_string(), range: at..at + name.len(), target, check });
        }
        // Text after the name that is not followed by a comma ends the list.
        if !word[word_len..].trim().is_empty() {
            break;
        }
        offset += piece.len() + 1;
    }
    ids
}

fn resolve(dialect: Dialect, name: &str) -> Target {
    if dialect == Dialect::Dfix && name.eq_ignore_ascii_case("all") {
        return Target::All;
    }
    if dialect == Dialect::BuildKit && name.eq_ignore_ascii_case("all") {
        return Target::All;
    }
    let found = lookup(&name.to_ascii_lowercase());
    match found {
        // A BuildKit directive only names BuildKit checks.
        Some(t) if dialect == Dialect::BuildKit => {
            if t.meta().aliases.iter().any(|a| a.eq_ignore_ascii_case(name) && !is_hadolint_code(a)) {
                Target::Transform(t.meta().id)
            } else {
                Target::Unknown
            }
        }
        Some(t) => Target::Transform(t.meta().id),
        None => Target::Unknown,
    }
}

/// The BuildKit check `name` names when it is one of several of the transform `target` names (its aliases that are
/// not hadolint codes): each of them covers only the findings for that check.
fn one_check(target: Target, name: &str) -> Option<&'static str> {
    let Target::Transform(id) = target else { return None };
    crate::transforms::separate_checks(lookup(id)?).into_iter().find(|c| c.eq_ignore_ascii_case(name))
}

/// The ids of `skip=` in a `# check=` directive (`skip=A,B;error=true`), with their ranges in the file.
fn check_skip_ids(source: &str, range: Range<usize>) -> Vec<Id> {
    let text = &source[range.clone()];
    let Some(eq) = text.find('=') else { return Vec::new() };
    let mut offset = range.start + eq + 1;
    let mut ids = Vec::new();
    for part in text[eq + 1..].split(';') {
        let trimmed = part.trim_start();
        let lead = part.len() - trimmed.len();
        if let Some((key, value)) = trimmed.split_once('=')
            && key.trim().eq_ignore_ascii_case("skip")
        {
            let value_start = offset + lead + key.len() + 1;
            ids.extend(parse_ids(value, value_start, |name| resolve(Dialect::BuildKit, name)));
        }
        offset += part.len() + 1;
    }
    ids
}

/// The instruction directly below the comment at `comment`, through other comment lines only.
fn attached_instruction(file: &Dockerfile, comment: Range<usize>) -> Option<usize> {
    let source = file.source();
    let instructions = file.instructions();
    // A comment inside an instruction (a continuation) is directly above nothing.
    let containing = instructions.partition_point(|i| i.range.start <= comment.start);
    if containing > 0 && instructions[containing - 1].range.end > comment.start {
        return None;
    }
    let mut line = file.next_line_start(comment.end);
    loop {
        if line >= source.len() {
            return None;
        }
        let next = instructions.partition_point(|i| i.range.start < line);
        if let Some(instr) = instructions.get(next)
            && file.line_start(instr.range.start) == line
        {
            return Some(next);
        }
        let text = &source[line..file.line_end(line)];
        if !text.trim_start().starts_with('#') {
            return None;
        }
        line = file.next_line_start(line);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn targets(src: &str) -> Vec<(Scope, Vec<(String, Target)>)> {
        let file = Dockerfile::parse(src);
        Suppressions::of(&file)
            .items
            .into_iter()
            .map(|s| (s.scope, s.ids.into_iter().map(|i| (i.written, i.target)).collect()))
            .collect()
    }

    #[test]
    fn reads_dfix_hadolint_and_buildkit_suppressions() {
        let src = "# check=skip=MaintainerDeprecated,UndefinedVar;error=true\nFROM a\n\
                   # dfix ignore=merge-runs, DL3009 because\n# hadolint ignore=DL3059,DL3008\nRUN a\n\
                   # Hadolint Global ignore=DL4000\n";
        let found = targets(src);
        assert_eq!(found.len(), 4, "{found:?}");
        assert_eq!(
            found[0],
            (
                Scope::Global,
                vec![
                    ("MaintainerDeprecated".into(), Target::Transform("maintainer-label")),
                    ("UndefinedVar".into(), Target::Unknown)
                ]
            )
        );
        assert_eq!(
            found[1],
            (
                Scope::Instruction(1),
                vec![
                    ("merge-runs".into(), Target::Transform("merge-runs")),
                    ("DL3009".into(), Target::Transform("apt-cleanup"))
                ]
            )
        );
        assert_eq!(found[2].0, Scope::Instruction(1));
        assert_eq!(found[2].1[1], ("DL3008".into(), Target::Unknown));
        assert_eq!(found[3], (Scope::Global, vec![("DL4000".into(), Target::Transform("maintainer-label"))]));
    }

    #[test]
    fn id_ranges_point_at_the_ids() {
        let src = "FROM a\n#dfix ignore= merge-runs ,copy-not-add\nRUN a\n";
        let file = Dockerfile::parse(src);
        let s = Suppressions::of(&file);
        let ids: Vec<&str> = s.items[0].ids.iter().map(|i| &src[i.range.clone()]).collect();
        assert_eq!(ids, ["merge-runs", "copy-not-add"]);
    }

    #[test]
    fn only_comments_directly_above_an_instruction_apply() {
        let src = "FROM a\n# dfix ignore=merge-runs\n\nRUN a\n# dfix ignore=merge-runs\n# plain\nRUN b \\\n \
                   # dfix ignore=merge-runs\n && c\n";
        let scopes: Vec<Scope> = targets(src).into_iter().map(|(s, _)| s).collect();
        assert_eq!(scopes, [Scope::Nowhere, Scope::Instruction(2), Scope::Nowhere]);
    }

    #[test]
    fn not_suppressions() {
        for text in ["# dfix", "# dfixes ignore=merge-runs", "# dfix ignore", "# ignore=x", "# hadolint shell=bash"] {
            assert!(!is_suppression_comment(text), "{text}");
        }
        assert!(is_suppression_comment("  # DFIX GLOBAL IGNORE=all"));
        assert!(is_suppression_comment("hadolint ignore=DL3008"));
    }

    #[test]
    fn check_skip_all_covers_only_transforms_with_a_buildkit_check() {
        let file = Dockerfile::parse("# check=skip=all\nFROM a\nMAINTAINER me\nRUN a\nRUN b\n");
        let s = Suppressions::of(&file);
        assert!(s.suppresses("maintainer-label", 20));
        assert!(s.suppresses("env-key-value", 20));
        assert!(!s.suppresses("merge-runs", 40));
        // A check directive further down is a plain comment.
        let file = Dockerfile::parse("FROM a\n# check=skip=all\nMAINTAINER me\n");
        assert!(Suppressions::of(&file).is_empty());
    }

    #[test]
    fn one_of_several_checks_covers_only_its_findings() {
        let file = Dockerfile::parse(
            "# check=skip=fromascasing,buildkit-style\nFROM a\n# dfix ignore=JSONArgsRecommended\nCMD a\n",
        );
        let s = Suppressions::of(&file);
        let ids = &s.items[0].ids;
        assert_eq!(ids[0].check, Some("FromAsCasing"));
        // The transform's own id covers all its checks; an alias of a transform with one check names it whole.
        assert_eq!(ids[1].check, None);
        assert_eq!(s.items[1].ids[0].check, None);
        let s = Suppressions::of(&Dockerfile::parse("# check=skip=FromAsCasing\nFROM a\n"));
        assert_eq!(s.covering("buildkit-style", Some("FromAsCasing"), 30).count(), 1);
        assert_eq!(s.covering("buildkit-style", Some("StageNameCasing"), 30).count(), 0);
        // Asked for the transform as a whole (no check), any of its checks counts.
        assert!(s.suppresses("buildkit-style", 30));
    }

    #[test]
    fn local_suppressions_cover_findings_starting_in_their_instruction() {
        let src = "FROM a\n# dfix ignore=ALL\nRUN a \\\n && b\nRUN c\n";
        let file = Dockerfile::parse(src);
        let s = Suppressions::of(&file);
        let run_a = src.find("RUN a").unwrap();
        let b = src.find("&& b").unwrap();
        let run_c = src.find("RUN c").unwrap();
        assert!(s.suppresses("copy-not-add", run_a));
        assert!(s.suppresses("copy-not-add", b));
        assert!(!s.suppresses("copy-not-add", run_c));
        assert!(!s.suppresses("copy-not-add", 0));
    }

    #[test]
    fn unknown_dfix_ids_are_noted_with_a_suggestion() {
        let src = "FROM a\n# dfix ignore=merge-run,DL3008\n# hadolint ignore=DL3008\nRUN a\n";
        let file = Dockerfile::parse(src);
        let notes = Suppressions::of(&file).unknown_ids();
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert!(notes[0].message.contains("did you mean `merge-runs`"), "{}", notes[0].message);
        assert_eq!(&src[notes[0].range.clone()], "merge-run");
        assert_eq!(&src[notes[1].range.clone()], "DL3008");
    }
}
