//! The fix loop: run the selected transforms, apply their non-overlapping fixes, re-parse, repeat to a fixed point.
//!
//! Guards, because a fixer must never make a file worse:
//! - after each pass the result is re-parsed; if the Dockerfile or any shell body gained syntax errors, the pass is
//!   undone, the transforms whose fixes broke it are disabled for this file and reported as internal errors, and
//!   the pass is redone without them, so the other transforms' fixes still apply;
//! - if no fixed point is reached within `max_passes`, the transforms still changing the file are disabled the same
//!   way and the loop starts over from the original.

use std::collections::BTreeMap;
use std::ops::Range;

use crate::config::Config;
use crate::fix::{Applicability, Edit, Fix, Proposal, apply_edits};
use crate::knowledge::Knowledge;
use crate::suppress::{SuppressionNote, Suppressions};
use crate::syntax::{Dockerfile, SyntaxError};
use crate::transforms::{Context, Proposals, Transform};

/// Passes before giving up on reaching a fixed point.
pub const MAX_PASSES: usize = 50;

pub struct Options<'a> {
    /// The transforms to run, in registry order.
    pub transforms: Vec<&'static dyn Transform>,
    /// Checks of transforms with several BuildKit checks that are left out: findings for them are dropped.
    pub off_checks: &'a [&'static str],
    /// The weakest applicability applied: `Safe` by default, `Unsafe` with `--unsafe-fixes`.
    pub required: Applicability,
    pub max_passes: usize,
    pub config: &'a Config,
    pub knowledge: &'a Knowledge,
    /// Never use the network (`--offline`): transforms that need a registry use only cached or locked data.
    pub offline: bool,
    /// The Dockerfile's path, when it has one (for messages and for looking at its build context).
    pub path: Option<&'a std::path::Path>,
    /// Image digests resolved before fixing, for `pin-digest` (the engine itself never uses the network).
    pub digests: Option<&'a crate::registry::Resolutions>,
    /// Report suppression comments that suppressed nothing (`--warn-unused-ignores`).
    pub warn_unused_ignores: bool,
}

impl<'a> Options<'a> {
    /// Safe fixes only, up to [`MAX_PASSES`], no network, no path, no digests: override fields as needed with
    /// `Options { required: Applicability::Unsafe, ..Options::new(..) }`.
    pub fn new(transforms: Vec<&'static dyn Transform>, config: &'a Config, knowledge: &'a Knowledge) -> Self {
        Options {
            transforms,
            off_checks: &[],
            required: Applicability::Safe,
            max_passes: MAX_PASSES,
            config,
            knowledge,
            offline: true,
            path: None,
            digests: None,
            warn_unused_ignores: false,
        }
    }
}

/// A fix that was applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    pub transform: &'static str,
    /// The BuildKit check the finding is for, for a transform with several (see [`Proposal::check`]).
    pub check: Option<&'static str>,
    pub message: String,
    pub title: String,
    /// 1-based line in the file as it was when the fix was applied.
    pub line: usize,
    /// The pass that applied it (an index into [`Outcome::passes`]).
    pub pass: usize,
    /// The finding's range, and its fix, relative to the text that pass started from.
    pub range: Range<usize>,
    pub fix: Fix,
}

/// A transform that misbehaved on this file: its fixes were rolled back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InternalError {
    pub transforms: Vec<&'static str>,
    pub message: String,
}

#[derive(Debug, Clone)]
pub struct Outcome {
    /// The fixed file (identical to the input when nothing applied).
    pub output: String,
    pub applied: Vec<Applied>,
    /// Proposals on the final output that were not applied: fixes below the required applicability
    /// (unsafe ones held back, display-only ones) and notes without a fix.
    pub remaining: Vec<Proposal>,
    pub internal_errors: Vec<InternalError>,
    /// The edits applied, pass by pass: each pass's edits are sorted and relative to the text the pass started
    /// from, so applying them in turn to the input gives [`Outcome::output`] (the property tests check this).
    pub passes: Vec<Vec<Edit>>,
    /// Problems with suppression comments, with ranges in [`Outcome::output`]: ids of `# dfix ignore=` that name no
    /// transform, and (with [`Options::warn_unused_ignores`]) suppressions that suppressed nothing in any pass.
    pub suppression_notes: Vec<SuppressionNote>,
}

impl Outcome {
    pub fn changed(&self, input: &str) -> bool {
        self.output != input
    }

    /// Unsafe fixes that `--unsafe-fixes` would apply.
    pub fn held_back_unsafe(&self) -> usize {
        self.remaining
            .iter()
            .filter(|p| p.fix.as_ref().is_some_and(|f| f.applicability() == Applicability::Unsafe))
            .count()
    }

    pub fn applied_by_transform(&self) -> BTreeMap<&'static str, usize> {
        let mut counts = BTreeMap::new();
        for a in &self.applied {
            *counts.entry(a.transform).or_default() += 1;
        }
        counts
    }
}

/// Parse `source`, and fix it. A file that does not parse is returned as its syntax errors, untouched.
pub fn fix(source: &str, options: &Options<'_>) -> Result<Outcome, Vec<SyntaxError>> {
    let outcome = fix_to_fixed_point(source, options);
    // Parses a transform made ahead for a fix that was not applied are of no more use.
    crate::syntax::ShellScript::forget_ahead();
    outcome
}

/// Every finding of one pass over `source` as it is, whatever its applicability, with fixes relative to `source`:
/// what an editor shows for the current text and offers as quick fixes. Nothing is applied. A file that does not
/// parse is returned as its syntax errors.
pub fn propose_once(source: &str, options: &Options<'_>) -> Result<Vec<Proposal>, Vec<SyntaxError>> {
    propose_once_with_notes(source, options).map(|(proposals, _)| proposals)
}

/// [`propose_once`], with the notes about suppression comments of that pass: ids that name no transform, and (with
/// `warn_unused_ignores`) suppressions that suppressed nothing in it, sorted by position.
pub fn propose_once_with_notes(
    source: &str,
    options: &Options<'_>,
) -> Result<(Vec<Proposal>, Vec<SuppressionNote>), Vec<SyntaxError>> {
    let file = Dockerfile::parse(source);
    if !file.errors().is_empty() {
        return Err(file.errors().to_vec());
    }
    let suppressions = Suppressions::of(&file);
    let mut used = suppressions.usage();
    let proposals = propose(&file, &options.transforms, options, &suppressions, &mut used);
    crate::syntax::ShellScript::forget_ahead();
    let mut notes = suppressions.unknown_ids();
    if options.warn_unused_ignores {
        notes.extend(suppressions.unused(&used, &options.transforms));
        notes.sort_by_key(|n| n.range.start);
    }
    Ok((proposals, notes))
}

fn fix_to_fixed_point(source: &str, options: &Options<'_>) -> Result<Outcome, Vec<SyntaxError>> {
    let original = Dockerfile::parse(source);
    if !original.errors().is_empty() {
        return Err(original.errors().to_vec());
    }
    let mut disabled: Vec<&'static str> = Vec::new();
    let mut internal_errors = Vec::new();

    let mut first = Some(original);
    'restart: loop {
        // The first attempt starts from the parse above; a restart after a rollback parses the input again.
        let mut file = first.take().unwrap_or_else(|| Dockerfile::parse(source));
        let mut applied = Vec::new();
        let mut passes = Vec::new();
        let active: Vec<&'static dyn Transform> =
            options.transforms.iter().copied().filter(|t| !disabled.contains(&t.meta().id)).collect();
        // Which suppression ids suppressed something, in any pass. Transforms neither add nor remove suppression
        // comments (merge-runs never joins across one), so the n-th suppression of every pass is the same one.
        let mut used: Vec<Vec<bool>> = Vec::new();

        for _pass in 0..options.max_passes.max(1) {
            let suppressions = Suppressions::of(&file);
            if used.is_empty() {
                used = suppressions.usage();
            }
            let proposals = propose(&file, &active, options, &suppressions, &mut used);
            let chosen = choose(&proposals, options.required);
            if chosen.is_empty() {
                let remaining = proposals
                    .into_iter()
                    .filter(|p| p.fix.as_ref().is_none_or(|f| !f.applies(options.required)))
                    .collect();
                let mut suppression_notes = suppressions.unknown_ids();
                if options.warn_unused_ignores {
                    suppression_notes.extend(suppressions.unused(&used, &active));
                    suppression_notes.sort_by_key(|n| n.range.start);
                }
                return Ok(Outcome {
                    output: file.source().to_string(),
                    applied,
                    remaining,
                    internal_errors,
                    passes,
                    suppression_notes,
                });
            }

            match apply_checked(&file, &chosen, &proposals) {
                Ok((next, edits)) => {
                    for &i in &chosen {
                        let p = &proposals[i];
                        let fix = p.fix.clone().expect("chosen fixes exist");
                        applied.push(Applied {
                            transform: p.transform,
                            check: p.check,
                            message: p.message.clone(),
                            title: fix.title().to_string(),
                            line: file.line_col(p.range.start).0,
                            pass: passes.len(),
                            range: p.range.clone(),
                            fix,
                        });
                    }
                    passes.push(edits);
                    file = next;
                }
                Err(culprits) => {
                    internal_errors.push(InternalError {
                        message: format!(
                            "the fixes of {} introduced a syntax error and were rolled back",
                            culprits.join(", ")
                        ),
                        transforms: culprits.clone(),
                    });
                    disabled.extend(culprits);
                    continue 'restart;
                }
            }
        }

        // No fixed point: disable what is still changing the file and start over.
        let suppressions = Suppressions::of(&file);
        let proposals = propose(&file, &active, options, &suppressions, &mut used);
        let mut culprits: Vec<&'static str> =
            choose(&proposals, options.required).into_iter().map(|i| proposals[i].transform).collect();
        culprits.sort_unstable();
        culprits.dedup();
        if culprits.is_empty() {
            culprits = active.iter().map(|t| t.meta().id).collect();
        }
        internal_errors.push(InternalError {
            message: format!(
                "no fixed point after {} passes; the fixes of {} were rolled back",
                options.max_passes,
                culprits.join(", ")
            ),
            transforms: culprits.clone(),
        });
        disabled.extend(culprits);
    }
}

/// Run every active transform on `file`, and drop the findings its suppression comments suppress, marking in `used`
/// the suppression ids that did.
fn propose(
    file: &Dockerfile,
    active: &[&'static dyn Transform],
    options: &Options<'_>,
    suppressions: &Suppressions,
    used: &mut [Vec<bool>],
) -> Vec<Proposal> {
    let cx = Context {
        file,
        active,
        required: options.required,
        config: options.config,
        knowledge: options.knowledge,
        offline: options.offline,
        path: options.path,
        digests: options.digests,
        suppressions,
    };
    let mut all = Vec::new();
    for t in active {
        let meta = t.meta();
        let default = options.config.applicability(meta.id).unwrap_or(meta.applicability);
        let mut out = Proposals::new(meta.id, default);
        t.run(&cx, &mut out);
        all.extend(out.into_vec().into_iter().filter(|p| p.check.is_none_or(|c| !options.off_checks.contains(&c))));
    }
    if suppressions.is_empty() {
        return all;
    }
    all.retain(|p| {
        let mut suppressed = false;
        for (s, i) in suppressions.covering(p.transform, p.check, p.range.start) {
            suppressed = true;
            if let Some(flag) = used.get_mut(s).and_then(|u| u.get_mut(i)) {
                *flag = true;
            }
        }
        !suppressed
    });
    all
}

/// Indices of the applicable fixes to apply in one pass: sorted by position, then registry order (the order of
/// `proposals`); a fix whose edits overlap or touch an already chosen fix waits for the next pass.
fn choose(proposals: &[Proposal], required: Applicability) -> Vec<usize> {
    let mut candidates: Vec<usize> = (0..proposals.len())
        .filter(|&i| proposals[i].fix.as_ref().is_some_and(|f| f.applies(required) && !f.edits().is_empty()))
        .collect();
    candidates.sort_by_key(|&i| (proposals[i].fix.as_ref().map(|f| f.span().start).unwrap_or(0), i));
    // Taken ranges never overlap, so sorted by start they are sorted by end too: only the last few starting at or
    // before an edit's end can conflict with it, which keeps a pass linear in the number of fixes (a 10 MB file can
    // have a hundred thousand).
    let mut taken: std::collections::BTreeSet<(usize, usize)> = std::collections::BTreeSet::new();
    let mut chosen = Vec::new();
    for i in candidates {
        let fix = proposals[i].fix.as_ref().expect("filtered");
        let clashes = fix.edits().iter().any(|e| {
            let e = e.range();
            taken
                .range(..=(e.end, usize::MAX))
                .rev()
                .take_while(|&&(_, end)| end >= e.start)
                .any(|&(start, end)| conflicts(&e, &(start..end)))
        });
        if clashes {
            continue;
        }
        taken.extend(fix.edits().iter().map(|e| (e.start(), e.end())));
        chosen.push(i);
    }
    chosen
}

/// Two edit ranges conflict when they overlap, or when both sit at the same point (the order of two insertions
/// at one offset would be arbitrary).
fn conflicts(a: &Range<usize>, b: &Range<usize>) -> bool {
    if a.start < b.end && b.start < a.end {
        return true;
    }
    a.start == b.start || (a.is_empty() && (a.start == b.end)) || (b.is_empty() && b.start == a.end)
}

/// Apply the chosen fixes and re-parse, returning the new file and the edits applied. On a new syntax error, find
/// the transforms whose fixes cause it.
fn apply_checked(
    file: &Dockerfile,
    chosen: &[usize],
    proposals: &[Proposal],
) -> Result<(Dockerfile, Vec<Edit>), Vec<&'static str>> {
    let edits_of = |subset: &[usize]| -> Vec<&Edit> {
        let mut edits: Vec<&Edit> =
            subset.iter().flat_map(|&i| proposals[i].fix.as_ref().expect("chosen").edits()).collect();
        edits.sort_by_key(|e| (e.start(), e.end()));
        edits
    };
    let attempt = |subset: &[usize]| -> Option<Dockerfile> {
        let edits = edits_of(subset);
        let changes: Vec<(Range<usize>, &str)> = edits.iter().map(|e| (e.range(), e.content())).collect();
        let next = file.reparse(&apply_edits(file.source(), &edits), &changes);
        (next.errors().is_empty() && !next.shell_errors_grew(file)).then_some(next)
    };
    if let Some(ok) = attempt(chosen) {
        return Ok((ok, edits_of(chosen).into_iter().cloned().collect()));
    }
    let mut culprits: Vec<&'static str> = Vec::new();
    let mut ids: Vec<&'static str> = chosen.iter().map(|&i| proposals[i].transform).collect();
    ids.sort_unstable();
    ids.dedup();
    for id in &ids {
        let subset: Vec<usize> = chosen.iter().copied().filter(|&i| proposals[i].transform == *id).collect();
        if attempt(&subset).is_none() {
            culprits.push(id);
        }
    }
    if culprits.is_empty() {
        // Only the combination breaks the file: blame all of them.
        culprits = ids;
    }
    Err(culprits)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fix::Edit;
    use crate::syntax::InstructionKind;
    use crate::transforms::TransformMeta;

    /// Breaks the file: inserts an unterminated heredoc after every FROM.
    struct Breaker;
    static BREAKER: TransformMeta = TransformMeta {
        id: "breaker",
        summary: "test",
        docs: "## What it does\ntest",
        applicability: Applicability::Safe,
        default_enabled: true,
        aliases: &[],
        since: "0.0.0",
        file: file!(),
        line: line!(),
    };
    impl Transform for Breaker {
        fn meta(&self) -> &'static TransformMeta {
            &BREAKER
        }
        fn run(&self, cx: &Context<'_>, out: &mut Proposals) {
            for i in cx.file.instructions().iter().filter(|i| i.kind == InstructionKind::From) {
                out.fix(i.range.clone(), "m", "t", vec![Edit::insertion("\nRUN cat <<EOF", i.range.end)]);
            }
        }
    }

    /// Never converges: appends a comment on every pass.
    struct Grower;
    static GROWER: TransformMeta = TransformMeta { id: "grower", ..BREAKER };
    impl Transform for Grower {
        fn meta(&self) -> &'static TransformMeta {
            &GROWER
        }
        fn run(&self, cx: &Context<'_>, out: &mut Proposals) {
            let end = cx.file.source().len();
            out.fix(0..0, "m", "t", vec![Edit::insertion("# more\n", end)]);
        }
    }

    /// A well-behaved fix: lowercase `maintainer` keyword to uppercase.
    struct Upper;
    static UPPER: TransformMeta = TransformMeta { id: "upper", ..BREAKER };
    impl Transform for Upper {
        fn meta(&self) -> &'static TransformMeta {
            &UPPER
        }
        fn run(&self, cx: &Context<'_>, out: &mut Proposals) {
            for i in cx.file.instructions() {
                let kw = cx.file.text(i.keyword.clone());
                if kw != kw.to_ascii_uppercase() {
                    out.fix(
                        i.keyword.clone(),
                        "m",
                        "t",
                        vec![Edit::replacement(kw.to_ascii_uppercase(), i.keyword.clone())],
                    );
                }
            }
        }
    }

    fn run(transforms: Vec<&'static dyn Transform>, source: &str) -> Outcome {
        let config = Config::default();
        let options = Options { max_passes: 10, ..Options::new(transforms, &config, Knowledge::builtin()) };
        fix(source, &options).expect("parses")
    }

    #[test]
    fn a_fix_that_breaks_the_file_is_rolled_back_and_the_others_still_apply() {
        let out = run(vec![&Breaker, &Upper], "from debian:12\nrun true\n");
        assert_eq!(out.output, "FROM debian:12\nRUN true\n");
        assert_eq!(out.internal_errors.len(), 1);
        assert_eq!(out.internal_errors[0].transforms, vec!["breaker"]);
        assert!(out.applied.iter().all(|a| a.transform == "upper"));
    }

    #[test]
    fn no_fixed_point_rolls_back_the_transform_and_keeps_the_others() {
        let out = run(vec![&Upper, &Grower], "from debian:12\n");
        assert_eq!(out.output, "FROM debian:12\n");
        assert_eq!(out.internal_errors.len(), 1);
        assert_eq!(out.internal_errors[0].transforms, vec!["grower"]);
        assert!(out.internal_errors[0].message.contains("no fixed point"));
    }

    #[test]
    fn unsafe_fixes_are_held_back_and_counted() {
        struct Unsafe;
        static UNSAFE: TransformMeta = TransformMeta { id: "unsafe", applicability: Applicability::Unsafe, ..BREAKER };
        impl Transform for Unsafe {
            fn meta(&self) -> &'static TransformMeta {
                &UNSAFE
            }
            fn run(&self, cx: &Context<'_>, out: &mut Proposals) {
                Upper.run(cx, out)
            }
        }
        let out = run(vec![&Unsafe], "from debian:12\n");
        assert_eq!(out.output, "from debian:12\n");
        assert_eq!(out.held_back_unsafe(), 1);
    }

    #[test]
    fn propose_once_lists_every_finding_on_the_input_and_applies_nothing() {
        let config = Config::default();
        let options = Options::new(vec![&Upper, &Breaker], &config, Knowledge::builtin());
        let found = propose_once("from debian:12\nrun true\n", &options).expect("parses");
        assert_eq!(found.iter().filter(|p| p.transform == "upper").count(), 2);
        assert_eq!(found.iter().filter(|p| p.transform == "breaker").count(), 1);
        let first = found.iter().find(|p| p.transform == "upper").unwrap();
        assert_eq!(first.fix.as_ref().unwrap().edits()[0].range(), 0..4);
        assert!(propose_once("FROM a\nRUN cat <<EOF\n", &options).is_err());
    }

    #[test]
    fn suppressed_findings_are_dropped_in_every_entry_point() {
        let config = Config::default();
        let src = "from debian:12\n# dfix ignore=ALL\nrun true\nrun false\n";
        let options =
            Options { warn_unused_ignores: true, ..Options::new(vec![&Upper], &config, Knowledge::builtin()) };
        let found = propose_once(src, &options).expect("parses");
        let starts: Vec<usize> = found.iter().map(|p| p.range.start).collect();
        assert_eq!(starts, [0, src.find("run false").unwrap()]);
        let out = fix(src, &options).expect("parses");
        assert_eq!(out.output, "FROM debian:12\n# dfix ignore=ALL\nrun true\nRUN false\n");
        assert!(out.suppression_notes.is_empty(), "{:?}", out.suppression_notes);
        // Test transforms are not registered, so `ALL` names them. Nothing to suppress: reported when asked for.
        let out = fix("FROM a\n# dfix global ignore=all\n", &options).expect("parses");
        assert_eq!(out.suppression_notes.len(), 1);
        assert_eq!(out.suppression_notes[0].kind, crate::suppress::NoteKind::Unused);
        let quiet = Options { warn_unused_ignores: false, ..options };
        assert!(fix("FROM a\n# dfix global ignore=all\n", &quiet).unwrap().suppression_notes.is_empty());
    }

    #[test]
    fn overlapping_fixes_wait_for_the_next_pass() {
        assert!(conflicts(&(0..4), &(2..6)));
        assert!(conflicts(&(3..3), &(3..3)));
        assert!(conflicts(&(3..3), &(1..3)));
        assert!(!conflicts(&(0..2), &(2..4)));
        assert!(!conflicts(&(0..2), &(5..5)));
    }
}
