//! `dfix --verify`: build each Dockerfile that would change before and after its fixes with a real builder, keep
//! the fixes that hold, and report what they bought (image size, layers).
//!
//! For each file the original and the fixed text are built at once (the builder's cache is shared between them).
//! Then:
//! - the original does not build: the static result is kept, marked unverified;
//! - both build (and, with `--verify-run`, a command run in both images exits alike and prints the same): every
//!   fix is kept;
//! - the fixed file does not build: the fixes that break it are found by building subsets ([`search`]), first
//!   whole transforms, then the single fixes of a guilty transform on top of the good transforms. The kept fixes
//!   are the file's fixed findings (each with its edits on the input, as `--format json` lists them) minus the
//!   guilty ones, and their text is built once more before it is used; if even that fails, no fix is kept.
//!
//! Every image gets a temporary tag `dfix-verify-<pid>-<n>`, removed when the file is done, on an error, and on
//! Ctrl-C. Nothing is pushed.

pub mod builder;
pub mod report;
pub mod search;

use std::collections::{BTreeMap, HashMap};
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use anstream::{AutoStream, ColorChoice};
use anyhow::Context;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::cli::args::{FixArgs, OutputFormat};
use crate::cli::input::{self, Source};
use crate::cli::process::{Mode, fix_source};
use crate::cli::settings::{Overrides, Settings, SettingsCache};
use crate::cli::{ExitStatus, digests, hinted, with_hint};
use crate::registry::Resolutions;
use crate::report::findings::{FileFindings, Finding, Status};
use crate::report::problems;
use crate::report::summary::{Summary, Tense, file_line};
use crate::report::{RunMode, diff};
use crate::walk;
use crate::write;
use builder::{BuildOptions, Builder, ImageFacts, Run};
use report::{FileStatus, FileVerification, FixVerification, ImageReport};
use search::{Budget, find_guilty};

/// Exit statuses of `docker run` and `podman run` when the command in the container did not start: the runner
/// failed, the command cannot be invoked, the command was not found.
const RUN_FAILED: [i32; 3] = [125, 126, 127];

/// Lines of the builder's output quoted when a build fails.
const ERROR_LINES: usize = 8;

/// How to verify, from the command line.
#[derive(Debug, Clone)]
pub struct Verify {
    pub build: BuildOptions,
    /// `--verify-run`, split like a shell would.
    pub run: Option<Vec<String>>,
    pub jobs: usize,
    pub max_builds: usize,
}

impl Verify {
    pub fn from_args(args: &FixArgs) -> anyhow::Result<Verify> {
        let run = match &args.verify_run {
            Some(text) => Some(shlex::split(text).with_context(|| {
                format!("--verify-run {text:?}: unbalanced quotes; write it as you would in a shell")
            })?),
            None => None,
        };
        if let Some(context) = &args.context
            && !context.is_dir()
        {
            anyhow::bail!("--context {}: not a directory", context.display());
        }
        Ok(Verify {
            build: BuildOptions {
                context: args.context.clone(),
                build_args: args.build_arg.clone(),
                target: args.target.clone(),
                platform: args.platform.clone(),
                network: args.network.clone(),
                timeout: Duration::from_secs(args.verify_timeout.max(1)),
            },
            run,
            jobs: args.verify_jobs.max(1) as usize,
            max_builds: args.verify_max_builds,
        })
    }
}

/// At most `n` builds at a time, across files.
struct Slots {
    free: Mutex<usize>,
    freed: Condvar,
}

impl Slots {
    fn new(n: usize) -> Self {
        Slots { free: Mutex::new(n), freed: Condvar::new() }
    }

    fn with<T>(&self, work: impl FnOnce() -> T) -> T {
        let mut free = self.free.lock().unwrap_or_else(|e| e.into_inner());
        while *free == 0 {
            free = self.freed.wait(free).unwrap_or_else(|e| e.into_inner());
        }
        *free -= 1;
        drop(free);
        let result = work();
        *self.free.lock().unwrap_or_else(|e| e.into_inner()) += 1;
        self.freed.notify_one();
        result
    }
}

/// A build of one text, and what its image did.
#[derive(Debug, Clone)]
struct Check {
    build: Run,
    facts: Option<ImageFacts>,
    /// `--verify-run` in the image.
    ran: Option<Run>,
}

/// A unit of fixes that stands or falls together: a fixed finding and those whose edits were combined with it.
#[derive(Debug, Clone)]
struct Unit {
    /// The finding's transform.
    transform: &'static str,
    /// Indices in the file's findings: the owner first.
    members: Vec<usize>,
    /// Edits on the file as read: start, end, content.
    edits: Vec<(usize, usize, String)>,
}

/// The fixed findings of a file as units.
fn units(findings: &FileFindings) -> Vec<Unit> {
    let mut units: Vec<Unit> = Vec::new();
    let mut by_owner: HashMap<usize, usize> = HashMap::new();
    for (i, f) in findings.findings.iter().enumerate() {
        let Some(fix) = f.fix.as_ref().filter(|_| f.status == Status::Fixed) else { continue };
        if fix.combined_with.is_none() {
            by_owner.insert(i, units.len());
            units.push(Unit {
                transform: f.transform,
                members: vec![i],
                edits: fix
                    .edits
                    .iter()
                    .map(|e| (e.range.start.offset, e.range.end.offset, e.content.clone()))
                    .collect(),
            });
        }
    }
    for (i, f) in findings.findings.iter().enumerate() {
        if let Some(owner) = f.fix.as_ref().filter(|_| f.status == Status::Fixed).and_then(|x| x.combined_with)
            && let Some(&u) = by_owner.get(&owner)
        {
            units[u].members.push(i);
        }
    }
    units
}

/// The file as read with the edits of `chosen` units applied.
fn apply_units(text: &str, units: &[Unit], chosen: &[usize]) -> String {
    let mut edits: Vec<&(usize, usize, String)> = chosen.iter().flat_map(|&u| &units[u].edits).collect();
    edits.sort_by_key(|e| (e.0, e.1));
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (start, end, content) in edits {
        if *start < last || *end > text.len() {
            continue;
        }
        out.push_str(&text[last..*start]);
        out.push_str(content);
        last = *end;
    }
    out.push_str(&text[last..]);
    out
}

/// One file's builds: the builder, its memo of texts built, and the tags to remove.
struct FileBuilds<'a> {
    builder: &'a Builder,
    verify: &'a Verify,
    slots: &'a Slots,
    path: &'a Path,
    settings: &'a Settings,
    digests: Option<&'a Resolutions>,
    memo: HashMap<String, Check>,
    tags: Vec<String>,
    builds: usize,
    /// The original image's `--verify-run`.
    reference: Option<Run>,
    bar: Option<&'a ProgressBar>,
}

impl FileBuilds<'_> {
    /// Build `text` (without the memo; safe to call from several threads).
    fn build(&self, text: &str, tag: &str) -> Check {
        let build = self.slots.with(|| self.builder.build(text, self.path, tag, &self.verify.build));
        if let Some(bar) = self.bar {
            bar.inc(1);
        }
        if !build.success {
            return Check { build, facts: None, ran: None };
        }
        let facts = self.builder.inspect(tag);
        let ran = self.verify.run.as_ref().map(|args| self.builder.run_in(tag, args, self.verify.build.timeout));
        Check { build, facts, ran }
    }

    fn check(&mut self, text: &str) -> Check {
        if let Some(check) = self.memo.get(text) {
            return check.clone();
        }
        let tag = self.builder.new_tag();
        self.tags.push(tag.clone());
        let check = self.build(text, &tag);
        self.builds += 1;
        self.memo.insert(text.to_string(), check.clone());
        check
    }

    /// The image built and its command behaved as the original's did.
    fn works(&self, check: &Check) -> bool {
        check.build.success
            && match (&self.reference, &check.ran) {
                (Some(before), Some(after)) => before.code == after.code && before.stdout == after.stdout,
                _ => true,
            }
    }

    /// Why a check does not work: the builder's last lines, or how the command differed.
    fn why(&self, check: &Check) -> Vec<String> {
        if !check.build.success {
            return check.build.last_lines(ERROR_LINES);
        }
        match (&self.reference, &check.ran) {
            (Some(before), Some(after)) => vec![format!(
                "--verify-run: the original image exits with {} and prints {:?}; with the fixes it exits with {} and \
                 prints {:?}",
                code(before),
                before.stdout.trim(),
                code(after),
                after.stdout.trim()
            )],
            _ => Vec::new(),
        }
    }
}

fn code(run: &Run) -> String {
    match (run.code, run.timed_out) {
        (_, true) => "a timeout".into(),
        (Some(c), _) => c.to_string(),
        (None, _) => "a signal".into(),
    }
}

/// What every file's verification shares.
#[derive(Clone, Copy)]
struct RunContext<'a> {
    builder: &'a Builder,
    verify: &'a Verify,
    slots: &'a Slots,
    bar: Option<&'a ProgressBar>,
}

/// The outcome of verifying one file.
struct Verified {
    /// The text to use (the file as read when nothing was kept).
    text: String,
    findings: FileFindings,
    verification: FileVerification,
    /// Messages for stderr.
    messages: Vec<String>,
}

/// Verify one file's fixes: `fixed` is the engine's output, `findings` its findings on the input.
fn verify_file(
    path: &Path,
    source: &Source,
    fixed: &str,
    mut findings: FileFindings,
    settings: &Settings,
    digests: Option<&Resolutions>,
    run: &RunContext<'_>,
) -> Verified {
    let RunContext { builder, verify, slots, bar } = *run;
    let mut b = FileBuilds {
        builder,
        verify,
        slots,
        path,
        settings,
        digests,
        memo: HashMap::new(),
        tags: Vec::new(),
        builds: 0,
        reference: None,
        bar,
    };
    let result = verify_with(&mut b, path, source, fixed, &mut findings);
    builder.remove(&b.tags);
    let (text, verification, messages) = result;
    findings.changed = text != source.text;
    findings.verification = Some(Box::new(verification.clone()));
    Verified { text, findings, verification, messages }
}

fn verify_with(
    b: &mut FileBuilds<'_>,
    path: &Path,
    source: &Source,
    fixed: &str,
    findings: &mut FileFindings,
) -> (String, FileVerification, Vec<String>) {
    let units = units(findings);
    let all: Vec<usize> = (0..units.len()).collect();
    // The findings' edits give the engine's output (a property the format tests check); build that text.
    let candidate = apply_units(&source.text, &units, &all);
    let fixed = if candidate == fixed { candidate } else { fixed.to_string() };
    // The original and the fixed text at once: they share the builder's cache.
    let (tag_before, tag_after) = (b.builder.new_tag(), b.builder.new_tag());
    b.tags.extend([tag_before.clone(), tag_after.clone()]);
    let (before, after) = std::thread::scope(|s| {
        let shared: &FileBuilds = b;
        let original = s.spawn(|| shared.build(&source.text, &tag_before));
        let after = shared.build(&fixed, &tag_after);
        (original.join().expect("the build thread does not panic"), after)
    });
    b.builds += 2;
    b.memo.insert(source.text.clone(), before.clone());
    b.memo.insert(fixed.clone(), after.clone());
    let mut verification = FileVerification {
        status: FileStatus::Verified,
        builder: b.builder.describe(),
        before: None,
        after: None,
        bytes_saved: None,
        fixes_kept: units.iter().map(|u| u.members.len()).sum(),
        fixes_dropped: 0,
        dropped_transforms: Vec::new(),
        builds: 0,
        builder_error: Vec::new(),
    };
    let mut messages = Vec::new();
    let mark = |findings: &mut FileFindings, status: FixVerification| {
        for f in findings.findings.iter_mut().filter(|f| f.status == Status::Fixed) {
            f.verification = Some(status);
        }
    };
    if !before.build.success {
        verification.status = FileStatus::OriginalFails;
        verification.builder_error = before.build.last_lines(ERROR_LINES);
        verification.builds = b.builds;
        mark(findings, FixVerification::Unverified);
        messages.push(format!(
            "{}: does not build as it is, so its fixes are kept unverified; the builder said:\n{}",
            path.display(),
            indent(&verification.builder_error)
        ));
        return (fixed, verification, messages);
    }
    verification.before = before.facts.as_ref().map(|f| ImageReport::new(f, before.build.seconds));
    b.reference = before.ran.clone();
    if let Some(ran) = &before.ran
        && !ran.success
    {
        if ran.timed_out {
            messages.push(format!("{}: --verify-run did not finish in the original image", path.display()));
        } else if ran.code.is_none_or(|c| RUN_FAILED.contains(&c)) {
            // The command did not start (125: the runner failed, 126: it cannot be invoked, 127: not found), so a
            // difference would say nothing about the fixes.
            messages.push(format!(
                "{}: --verify-run could not start its command in the original image, so only the builds are \
                 compared; the builder said:\n{}",
                path.display(),
                indent(&ran.last_lines(3))
            ));
            b.reference = None;
        }
    }
    if b.works(&after) {
        mark(findings, FixVerification::Verified);
        verification.after = after.facts.as_ref().map(|f| ImageReport::new(f, after.build.seconds));
        verification.bytes_saved = saved(&verification);
        verification.builds = b.builds;
        return (fixed, verification, messages);
    }

    // The fixed file fails: find the guilty transforms (the engine run without them), then, within a guilty
    // transform, the guilty fixes (its units on top of the good transforms' run).
    verification.builder_error = b.why(&after);
    let mut budget = Budget::new(verify_budget(b.verify.max_builds));
    let (settings, digests) = (b.settings, b.digests);
    let engine = |without: &[&str]| engine_run(path, source, settings, digests, without);
    let mut applied: Vec<&'static str> = Vec::new();
    for u in &units {
        for &i in &u.members {
            let t = findings.findings[i].transform;
            if !applied.contains(&t) {
                applied.push(t);
            }
        }
    }
    let guilty_transforms = find_guilty(&applied, &mut budget, &mut |subset| {
        let without: Vec<&str> = applied.iter().copied().filter(|t| !subset.contains(t)).collect();
        let Some((text, _)) = engine(&without) else { return false };
        let check = b.check(&text);
        b.works(&check)
    });
    let mut dropped_ids: Vec<&'static str> = guilty_transforms.items.clone();
    let mut last = None;
    let mut result = None;
    // The run without the guilty transforms.
    if let Some((text, run_findings)) = engine(&dropped_ids) {
        let check = b.check(&text);
        if b.works(&check) {
            last = Some(check);
            result = Some((text, run_findings, Vec::<usize>::new()));
        }
    }
    // Single fixes: a guilty transform's fixes on top of the good transforms, the guilty ones found by bisection.
    // Recovered for one guilty transform (the first whose fixes are not all guilty).
    if result.is_some() {
        for &g in &guilty_transforms.items {
            let without: Vec<&str> = dropped_ids.iter().copied().filter(|&t| t != g).collect();
            let Some((_, g_findings)) = engine(&without) else { continue };
            let g_units = self::units(&g_findings);
            let items: Vec<usize> = (0..g_units.len())
                .filter(|&u| {
                    g_units[u].transform == g
                        || g_units[u].members.iter().any(|&i| g_findings.findings[i].transform == g)
                })
                .collect();
            if items.len() < 2 {
                continue;
            }
            let base: Vec<usize> = (0..g_units.len()).filter(|u| !items.contains(u)).collect();
            let found = find_guilty(&items, &mut budget, &mut |subset| {
                let mut chosen = base.clone();
                chosen.extend_from_slice(subset);
                let text = apply_units(&source.text, &g_units, &chosen);
                let check = b.check(&text);
                b.works(&check)
            });
            if found.items.len() == items.len() {
                continue;
            }
            let kept: Vec<usize> = (0..g_units.len()).filter(|u| !found.items.contains(u)).collect();
            let text = apply_units(&source.text, &g_units, &kept);
            let check = b.check(&text);
            if b.works(&check) {
                let mut g_findings = g_findings;
                for &u in &found.items {
                    for &i in &g_units[u].members {
                        g_findings.findings[i].status = Status::Dropped;
                    }
                }
                dropped_ids.retain(|&t| t != g);
                last = Some(check);
                result = Some((text, g_findings, found.items.clone()));
                break;
            }
        }
    }
    let (text, mut final_findings, last) = match (result, last) {
        (Some((text, f, _)), Some(last)) => (text, f, last),
        _ => {
            // Nothing that builds was found: keep no fix.
            dropped_ids = applied.clone();
            let mut f = findings.clone();
            f.findings.retain(|f| f.status != Status::Fixed);
            (source.text.clone(), f, before.clone())
        }
    };
    // The findings of the final run, and the dropped fixes of the first run (of the dropped transforms).
    let mut dropped: Vec<Finding> = findings
        .findings
        .iter()
        .filter(|f| f.status == Status::Fixed && dropped_ids.contains(&f.transform))
        .cloned()
        .collect();
    for f in &mut dropped {
        f.status = Status::Dropped;
        if let Some(fix) = f.fix.as_mut() {
            fix.combined_with = None;
        }
    }
    merge_findings(&mut final_findings, dropped);
    for f in &mut final_findings.findings {
        f.verification = match f.status {
            Status::Fixed => Some(FixVerification::Verified),
            Status::Dropped => Some(FixVerification::Dropped),
            _ => None,
        };
        if f.status == Status::Dropped && !verification.dropped_transforms.iter().any(|t| t == f.transform) {
            verification.dropped_transforms.push(f.transform.to_string());
        }
    }
    final_findings.errors = std::mem::take(&mut findings.errors);
    *findings = final_findings;
    verification.status = FileStatus::FixesDropped;
    verification.fixes_dropped = findings.findings.iter().filter(|f| f.status == Status::Dropped).count();
    verification.fixes_kept = findings.findings.iter().filter(|f| f.status == Status::Fixed).count();
    verification.after = last.facts.as_ref().map(|f| ImageReport::new(f, last.build.seconds));
    verification.bytes_saved = saved(&verification);
    verification.builds = b.builds;
    let lines: Vec<String> = findings
        .findings
        .iter()
        .filter(|f| f.status == Status::Dropped)
        .map(|f| {
            let title = f.fix.as_ref().map_or("", |x| x.title.as_str());
            format!("line {}: {} ({title})", f.range.start.line, f.transform)
        })
        .collect();
    messages.push(format!(
        "{}: {}; dropped {} of {} ({} kept, {} builds{}):\n{}\n  {}:\n{}\n  Unless the builder's set-up caused \
         it (its network, a missing image), this is a bug in dfix: please report it with the Dockerfile, `dfix \
         --version` and these lines.",
        path.display(),
        if after.build.success {
            "the fixed image behaves differently under --verify-run"
        } else {
            "the fixed Dockerfile does not build"
        },
        plural(verification.fixes_dropped, "fix", "fixes"),
        verification.dropped_transforms.join(", "),
        verification.fixes_kept,
        verification.builds,
        if guilty_transforms.exhausted {
            "; the build budget ran out, so untested transforms were dropped too"
        } else {
            ""
        },
        indent(&lines),
        if after.build.success { "what differs" } else { "the builder said" },
        indent(&verification.builder_error),
    ));
    (text, verification, messages)
}

/// Run the engine on the file without the transforms `without`: the fixed text and its findings. `None` when the
/// file does not parse (it did before, so never in practice).
fn engine_run(
    path: &Path,
    source: &Source,
    settings: &Settings,
    digests: Option<&Resolutions>,
    without: &[&str],
) -> Option<(String, FileFindings)> {
    let mut options = settings.engine_options(path, digests);
    options.transforms.retain(|t| !without.contains(&t.meta().id));
    let outcome = crate::engine::fix(source.body(), &options).ok()?;
    let errors: Vec<String> = outcome.internal_errors.iter().map(|e| problems::internal_error(path, e)).collect();
    let findings = crate::report::findings::file_findings(path, &source.text, source.body(), &outcome, errors);
    Some((source.restore(&outcome.output), findings))
}

/// Add `extra` findings to a file's, keeping them sorted by position and `combined_with` pointing at the same
/// findings.
fn merge_findings(file: &mut FileFindings, extra: Vec<Finding>) {
    if extra.is_empty() {
        return;
    }
    let old = file.findings.len();
    let mut all: Vec<(usize, Finding)> = std::mem::take(&mut file.findings).into_iter().enumerate().collect();
    all.extend(extra.into_iter().enumerate().map(|(i, f)| (old + i, f)));
    all.sort_by_key(|(i, f)| (f.range.start.offset, *i >= old, *i));
    let mut new_index = vec![0; all.len()];
    for (new, (i, _)) in all.iter().enumerate() {
        new_index[*i] = new;
    }
    file.findings = all
        .into_iter()
        .map(|(_, mut f)| {
            if let Some(fix) = f.fix.as_mut()
                && let Some(c) = fix.combined_with
            {
                fix.combined_with = Some(new_index[c]);
            }
            f
        })
        .collect();
}

/// Builds a search may spend beyond the first two.
fn verify_budget(max: usize) -> usize {
    max.saturating_sub(2)
}

fn saved(v: &FileVerification) -> Option<i64> {
    let before = v.before.as_ref()?.size? as i64;
    let after = v.after.as_ref()?.size? as i64;
    Some(before - after)
}

fn indent(lines: &[String]) -> String {
    lines.iter().map(|l| format!("    {l}")).collect::<Vec<_>>().join("\n")
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// What happened to one file.
#[derive(Default)]
struct Outcome {
    path: PathBuf,
    errors: Vec<String>,
    notes: Vec<String>,
    messages: Vec<String>,
    source: Option<Source>,
    text: Option<String>,
    findings: Option<FileFindings>,
    verification: Option<FileVerification>,
    held_back_unsafe: usize,
}

/// `dfix --verify`.
pub fn run(args: &FixArgs) -> anyhow::Result<ExitStatus> {
    let verify = Verify::from_args(args)?;
    let overrides = Overrides::from_args(args).map_err(|e| with_hint(&e, e.hint()))?;
    let mut cache = SettingsCache::new(overrides, args.config.as_deref()).map_err(|e| with_hint(&e, e.hint()))?;
    let mode = match (args.apply, args.check) {
        (true, _) => Mode::Apply,
        (_, true) => Mode::Check,
        _ => Mode::Diff,
    };
    let format = args.format;
    let roots = if args.paths.is_empty() { vec![PathBuf::from(".")] } else { args.paths.clone() };
    let builder = Arc::new(Builder::find(args.builder.as_deref()).map_err(|e| anyhow::anyhow!("{e}"))?);
    {
        // Ctrl-C: remove the temporary images made so far, then stop as interrupted.
        let builder = builder.clone();
        let _ = ctrlc::set_handler(move || {
            eprintln!("\ninterrupted: stopping the builds and removing dfix's temporary images");
            builder::interrupt(Duration::from_secs(10));
            builder.remove_all();
            std::process::exit(130);
        });
    }
    let mut stderr = io::stderr();
    let mut summary = Summary::default();
    let found = walk::collect(&roots);
    for e in &found.errors {
        let _ = writeln!(stderr, "{e}");
        summary.errors += 1;
    }
    let jobs: Vec<_> = found.files.iter().map(|p| (cache.for_file(p), p.clone())).collect();
    let lookups = digests::for_files(&jobs, args.offline);
    for error in &lookups.errors {
        let _ = writeln!(stderr, "{error}");
    }
    summary.errors += lookups.errors.len();
    let mut outcomes: Vec<Outcome> = Vec::new();
    #[allow(clippy::type_complexity)]
    let mut todo: Vec<(usize, PathBuf, String, Arc<Settings>, Option<Arc<Resolutions>>)> = Vec::new();
    for (settings, path) in jobs {
        let mut outcome = Outcome { path: path.clone(), ..Outcome::default() };
        let settings = match settings {
            Ok(s) => s,
            Err(e) => {
                if e.first {
                    outcome.errors.push(hinted(&e.error, e.error.hint()));
                }
                outcome.errors.push(format!("{}: skipped because its dfix.toml cannot be used", path.display()));
                outcomes.push(outcome);
                continue;
            }
        };
        let digests = lookups.for_settings(&settings);
        let source = match input::read_file(&path) {
            Ok(s) => s,
            Err(e) => {
                outcome.errors.push(e.to_string());
                outcomes.push(outcome);
                continue;
            }
        };
        let fixed = fix_source(&path, &source, &settings, digests.as_deref(), true);
        outcome.errors.extend(fixed.errors);
        outcome.notes = fixed.notes;
        outcome.held_back_unsafe = fixed.held_back_unsafe;
        outcome.findings = fixed.findings;
        let output = fixed.output;
        outcome.source = Some(source);
        if let Some(output) = output {
            todo.push((outcomes.len(), path, output, settings, digests));
        }
        outcomes.push(outcome);
    }

    let bar = (io::stderr().is_terminal() && !todo.is_empty()).then(|| {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template("{spinner} {pos} builds, {msg} {elapsed}") {
            bar.set_style(style);
        }
        bar.set_message(format!(
            "verifying {} with {}",
            plural(todo.len(), "Dockerfile", "Dockerfiles"),
            builder.describe()
        ));
        bar.enable_steady_tick(Duration::from_millis(200));
        bar
    });
    if bar.is_none() && !todo.is_empty() {
        let _ = writeln!(
            stderr,
            "verifying {} with {}",
            plural(todo.len(), "Dockerfile", "Dockerfiles"),
            builder.describe()
        );
    }
    let slots = Slots::new(verify.jobs);
    let context = RunContext { builder: &builder, verify: &verify, slots: &slots, bar: bar.as_ref() };
    let queue = Mutex::new(todo.into_iter());
    let results: Mutex<Vec<(usize, Verified)>> = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..verify.jobs {
            s.spawn(|| {
                loop {
                    let next = queue.lock().unwrap_or_else(|e| e.into_inner()).next();
                    let Some((index, path, output, settings, digests)) = next else { break };
                    let outcome = &outcomes[index];
                    let (Some(source), Some(findings)) = (&outcome.source, &outcome.findings) else { continue };
                    let verified =
                        verify_file(&path, source, &output, findings.clone(), &settings, digests.as_deref(), &context);
                    results.lock().unwrap_or_else(|e| e.into_inner()).push((index, verified));
                }
            });
        }
    });
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    if builder::interrupted() {
        // The builds were stopped: the Ctrl-C handler removes the images and ends the process; report nothing.
        loop {
            std::thread::park();
        }
    }
    for (index, verified) in results.into_inner().unwrap_or_else(|e| e.into_inner()) {
        let outcome = &mut outcomes[index];
        outcome.messages = verified.messages;
        outcome.verification = Some(verified.verification);
        outcome.text = Some(verified.text);
        outcome.findings = Some(verified.findings);
    }

    // Report, in path order.
    let stdout = io::stdout();
    let choice = AutoStream::choice(&stdout);
    let color =
        mode == Mode::Diff && format == OutputFormat::Diff && args.output.is_none() && choice != ColorChoice::Never;
    // As in the plain run: only a colored diff goes through anstream.
    let mut out: Box<dyn Write> = match &args.output {
        Some(path) => Box::new(io::BufWriter::new(
            std::fs::File::create(path)
                .with_context(|| format!("{}: cannot create the output file", path.display()))?,
        )),
        None if color => Box::new(AutoStream::new(stdout.lock(), choice)),
        None => Box::new(stdout.lock()),
    };
    let tense = if mode == Mode::Apply { Tense::Applied } else { Tense::WouldApply };
    let mut reports = Vec::new();
    let mut rows = Vec::new();
    for outcome in &mut outcomes {
        summary.files += 1;
        summary.held_back_unsafe += outcome.held_back_unsafe;
        if format == OutputFormat::Diff || format == OutputFormat::Summary {
            for line in &outcome.notes {
                let _ = writeln!(stderr, "{line}");
            }
        }
        for line in outcome.errors.iter().chain(&outcome.messages) {
            let _ = writeln!(stderr, "{line}");
        }
        if !outcome.errors.is_empty() {
            summary.errors += 1;
        }
        if let Some(v) = &outcome.verification {
            rows.push((crate::report::findings::report_path(&outcome.path), v.clone()));
        }
        let (Some(source), Some(text)) = (&outcome.source, &outcome.text) else {
            if let Some(f) = outcome.findings.take() {
                reports.push(f);
            }
            continue;
        };
        let mut fixes: BTreeMap<&'static str, usize> = BTreeMap::new();
        if let Some(f) = &outcome.findings {
            for finding in f.findings.iter().filter(|f| f.status == Status::Fixed) {
                *fixes.entry(finding.transform).or_default() += 1;
            }
        }
        if *text != source.text {
            let mut failed_write = None;
            match mode {
                Mode::Diff if format == OutputFormat::Diff => {
                    out.write_all(diff::unified(&outcome.path, &source.text, text, color).as_bytes())?
                }
                Mode::Apply => {
                    let stamp = source.stamp.expect("files have a stamp");
                    if let Err(e) = write::replace(&outcome.path, source.text.as_bytes(), stamp, text.as_bytes()) {
                        failed_write = Some(e.to_string());
                    }
                }
                _ => {}
            }
            if let Some(e) = failed_write {
                let _ = writeln!(stderr, "{e}");
                summary.errors += 1;
                if let Some(f) = outcome.findings.as_mut() {
                    f.errors.push(e);
                }
            } else {
                summary.changed += 1;
                summary.add_fixes(&fixes);
                if mode != Mode::Diff || format != OutputFormat::Diff {
                    let _ = writeln!(stderr, "{}: {}", outcome.path.display(), file_line(&fixes, tense));
                }
            }
        }
        if let Some(f) = outcome.findings.take() {
            reports.push(f);
        }
    }
    if format != OutputFormat::Diff {
        crate::report::sort_files(&mut reports);
        let run_mode = match mode {
            Mode::Diff => RunMode::Diff,
            Mode::Check => RunMode::Check,
            Mode::Apply => RunMode::Apply,
        };
        let text = match format {
            OutputFormat::Diff => unreachable!("handled above"),
            OutputFormat::Summary => crate::report::summary::table(&reports),
            OutputFormat::Json => crate::report::json::render(&reports, run_mode),
            OutputFormat::Sarif => crate::report::sarif::render(&reports, summary.errors == 0),
            OutputFormat::Rdjson => crate::report::rdjson::render(&reports),
            OutputFormat::Rdjsonl => crate::report::rdjson::render_lines(&reports),
            OutputFormat::Github => crate::report::github::render(&reports),
            OutputFormat::Gitlab => crate::report::gitlab::render(&reports),
        };
        out.write_all(text.as_bytes())?;
    }
    out.flush()?;
    builder.remove_all();
    if mode == Mode::Apply {
        for line in lookups.write_locks() {
            let _ = writeln!(stderr, "{line}");
        }
    }
    if summary.files == 0 && summary.errors == 0 {
        let _ = writeln!(stderr, "no Dockerfiles found");
    } else {
        let _ = write!(stderr, "{}", summary.render(tense));
    }
    if !rows.is_empty() {
        let rows: Vec<(String, &FileVerification)> = rows.iter().map(|(p, v)| (p.clone(), v)).collect();
        let _ = write!(stderr, "\nverified with {}:\n{}", builder.describe(), report::table(&rows));
    }
    Ok(if summary.errors > 0 {
        ExitStatus::Error
    } else if summary.changed > 0 && mode != Mode::Apply {
        ExitStatus::Changes
    } else {
        ExitStatus::Success
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::knowledge::Knowledge;

    fn findings_of(input: &str) -> FileFindings {
        let config = Config::default();
        let knowledge = Knowledge::builtin();
        let options = crate::engine::Options {
            required: crate::fix::Applicability::Unsafe,
            ..crate::engine::Options::new(crate::transforms::TRANSFORMS.to_vec(), &config, knowledge)
        };
        let outcome = crate::engine::fix(input, &options).unwrap();
        crate::report::findings::file_findings(Path::new("Dockerfile"), input, input, &outcome, Vec::new())
    }

    #[test]
    fn units_reproduce_the_output_and_leave_out_what_is_dropped() {
        let input = "FROM debian:bookworm\nMAINTAINER x\nRUN apt-get update\nRUN apt-get install -y curl\n";
        let findings = findings_of(input);
        let units = units(&findings);
        assert!(units.len() >= 2, "{units:?}");
        let all: Vec<usize> = (0..units.len()).collect();
        let fixed = apply_units(input, &units, &all);
        assert_ne!(fixed, input);
        assert_eq!(apply_units(input, &units, &[]), input);
        let label = units.iter().position(|u| u.transform == "maintainer-label").unwrap();
        let without: Vec<usize> = all.iter().copied().filter(|&u| u != label).collect();
        let text = apply_units(input, &units, &without);
        assert!(text.contains("MAINTAINER x"), "{text}");
        let config = Config::default();
        let options = crate::engine::Options::new(Vec::new(), &config, Knowledge::builtin());
        assert!(crate::engine::fix(&text, &options).is_ok(), "{text}");
    }

    #[test]
    fn merged_findings_stay_sorted_and_keep_their_combinations() {
        let input = "FROM debian:bookworm\nMAINTAINER x\nRUN apt-get update\nRUN apt-get install -y curl\n";
        let mut file = findings_of(input);
        let combined: Vec<(usize, usize)> = file
            .findings
            .iter()
            .enumerate()
            .filter_map(|(i, f)| f.fix.as_ref().and_then(|x| x.combined_with).map(|c| (i, c)))
            .collect();
        assert!(!combined.is_empty(), "the example has a combined fix: {file:?}");
        let pairs = |file: &FileFindings| -> Vec<(&'static str, &'static str)> {
            file.findings
                .iter()
                .filter_map(|f| {
                    f.fix.as_ref().and_then(|x| x.combined_with).map(|c| (f.transform, file.findings[c].transform))
                })
                .collect()
        };
        let before = pairs(&file);
        let mut early = file.findings[0].clone();
        early.transform = "copy-not-add";
        early.range.start.offset = 0;
        let late = file.findings.last().unwrap().clone();
        merge_findings(&mut file, vec![late, early]);
        assert_eq!(pairs(&file), before);
        let at = file.findings.iter().position(|f| f.transform == "copy-not-add").unwrap();
        assert!(file.findings[..at].iter().all(|f| f.range.start.offset == 0), "{:?}", file.findings);
        assert!(file.findings.windows(2).all(|w| w[0].range.start.offset <= w[1].range.start.offset));
    }

    #[test]
    fn slots_bound_the_work_at_once() {
        let slots = Slots::new(2);
        let at_once = Mutex::new((0, 0));
        std::thread::scope(|s| {
            for _ in 0..6 {
                s.spawn(|| {
                    slots.with(|| {
                        let mut g = at_once.lock().unwrap();
                        g.0 += 1;
                        g.1 = g.1.max(g.0);
                        drop(g);
                        std::thread::sleep(Duration::from_millis(20));
                        at_once.lock().unwrap().0 -= 1;
                    })
                });
            }
        });
        assert_eq!(at_once.lock().unwrap().1, 2);
    }
}
