//! The default command: find the Dockerfiles, fix them in parallel as they are found, and print diffs (default),
//! per-file lines (`--check`, `--apply`) and a summary, in path order. `--apply` also removes the temporary files
//! that an interrupted run left beside the Dockerfiles.

use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::Arc;

use anstream::{AutoStream, ColorChoice};

use crate::cli::args::FixArgs;
use crate::cli::digests;
use crate::cli::parallel::map_in_order;
use crate::cli::process::{FileReport, Mode, process};
use crate::cli::settings::{LookupError, Overrides, Settings, SettingsCache};
use crate::cli::{ExitStatus, with_hint};
use crate::report::summary::{Summary, Tense, file_line};
use crate::walk::{self, Walk};
use crate::write;

/// One step of the run, in path order.
enum Job<S> {
    File(S, PathBuf),
    /// A temporary file of an interrupted `--apply`, to remove if stale.
    Temp(PathBuf),
    Error(walk::WalkError),
}

fn job(entry: walk::Entry, cache: &mut SettingsCache) -> Job<Result<Arc<Settings>, LookupError>> {
    match entry {
        walk::Entry::File(p) => Job::File(cache.for_file(&p), p),
        walk::Entry::Temp(p) => Job::Temp(p),
        walk::Entry::Error(e) => Job::Error(e),
    }
}

enum Done {
    File(FileReport),
    Temp(PathBuf, std::io::Result<bool>),
    Error(walk::WalkError),
}

pub fn run(args: &FixArgs) -> anyhow::Result<ExitStatus> {
    let overrides = Overrides::from_args(args).map_err(|e| with_hint(&e, e.hint()))?;
    let mut cache =
        SettingsCache::new(overrides.clone(), args.config.as_deref()).map_err(|e| with_hint(&e, e.hint()))?;
    let mut probe = SettingsCache::new(overrides, args.config.as_deref()).map_err(|e| with_hint(&e, e.hint()))?;
    let mode = match (args.apply, args.check) {
        (true, _) => Mode::Apply,
        (_, true) => Mode::Check,
        _ => Mode::Diff,
    };
    let roots = if args.paths.is_empty() { vec![PathBuf::from(".")] } else { args.paths.clone() };

    let walk = || {
        let walk = Walk::new(&roots);
        if mode == Mode::Apply { walk.with_temps() } else { walk }
    };
    let mut stderr = io::stderr();
    let mut summary = Summary::default();
    let mut warned_stale = false;

    // Transforms that need images looked up (pin-digest, slim-base) have them resolved for every file in one batch
    // before any file is fixed, so a run where one is on holds the whole list; otherwise files stream from the
    // search into the workers. Settings are looked up in path order, so a broken dfix.toml is reported with the
    // first file it governs (the probe has a cache of its own, so that the report is left to the real run).
    let looks_up_images = Walk::new(&roots).any(|e| match e {
        walk::Entry::File(p) => probe.for_file(&p).is_ok_and(|s| s.looks_up_images()),
        _ => false,
    });
    let mut lookups = digests::Lookups::default();
    let jobs: Box<dyn Iterator<Item = Job<_>> + Send> = if looks_up_images {
        let jobs: Vec<Job<_>> = walk().map(|e| job(e, &mut cache)).collect();
        let files: Vec<_> = jobs
            .iter()
            .filter_map(|j| match j {
                Job::File(settings, path) => Some((settings.clone(), path.clone())),
                _ => None,
            })
            .collect();
        lookups = digests::for_files(&files, args.offline);
        for error in &lookups.errors {
            let _ = writeln!(stderr, "{error}");
        }
        summary.errors += lookups.errors.len();
        Box::new(jobs.into_iter())
    } else {
        Box::new(walk().map(move |e| job(e, &mut cache)))
    };

    let stdout = io::stdout();
    let choice = AutoStream::choice(&stdout);
    let color = mode == Mode::Diff && choice != ColorChoice::Never;
    // Only a colored diff goes through anstream; a plain one is written as is, so no byte of it is ever altered.
    let mut out: Box<dyn Write> =
        if color { Box::new(AutoStream::new(stdout.lock(), choice)) } else { Box::new(stdout.lock()) };
    let tense = if mode == Mode::Apply { Tense::Applied } else { Tense::WouldApply };

    map_in_order(
        jobs,
        |job| match job {
            Job::File(settings, path) => {
                let found = settings.as_ref().ok().and_then(|s| lookups.for_settings(s));
                Done::File(process(path, settings, found, mode, color))
            }
            Job::Temp(path) => {
                let removed = write::remove_if_stale(&path);
                Done::Temp(path, removed)
            }
            Job::Error(e) => Done::Error(e),
        },
        |done| -> io::Result<()> {
            let mut report = match done {
                Done::File(report) => report,
                Done::Temp(path, Ok(removed)) => {
                    if removed {
                        let _ = writeln!(stderr, "{}: removed, left by an interrupted dfix run", path.display());
                    }
                    return Ok(());
                }
                Done::Temp(path, Err(e)) => {
                    let _ = writeln!(
                        stderr,
                        "{}: cannot remove this file left by an interrupted dfix run: {e}",
                        path.display()
                    );
                    summary.errors += 1;
                    return Ok(());
                }
                Done::Error(e) => {
                    let _ = writeln!(stderr, "{e}");
                    summary.errors += 1;
                    return Ok(());
                }
            };
            summary.files += 1;
            summary.held_back_unsafe += report.held_back_unsafe;
            summary.eol_bases += usize::from(report.eol_base);
            if let Some(warning) = report.eol_stale.take().filter(|_| !warned_stale) {
                let _ = writeln!(stderr, "{warning}");
                warned_stale = true;
            }
            for line in report.notes.iter().chain(&report.errors) {
                let _ = writeln!(stderr, "{line}");
            }
            if !report.errors.is_empty() {
                summary.errors += 1;
            }
            if report.changed {
                summary.changed += 1;
                summary.add_fixes(&report.fixes);
                match mode {
                    Mode::Diff => out.write_all(report.diff.as_bytes())?,
                    Mode::Check | Mode::Apply => {
                        let _ = writeln!(stderr, "{}: {}", report.path.display(), file_line(&report.fixes, tense));
                    }
                }
            }
            Ok(())
        },
    )?;
    out.flush()?;
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
    Ok(if summary.errors > 0 {
        ExitStatus::Error
    } else if summary.changed > 0 && mode != Mode::Apply {
        ExitStatus::Changes
    } else {
        ExitStatus::Success
    })
}
