//! The default command: find the Dockerfiles, fix them in parallel as they are found, and print diffs (default),
//! per-file lines (`--check`, `--apply`) and a summary, in path order; or, with `--format`, one report of every
//! finding at the end, sorted by path. `--apply` also removes the temporary files that an interrupted run left
//! beside the Dockerfiles, and shows a progress bar on a terminal.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::sync::Arc;

use anstream::{AutoStream, ColorChoice};
use anyhow::Context;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::cli::args::{FixArgs, OutputFormat};
use crate::cli::digests;
use crate::cli::parallel::map_in_order;
use crate::cli::process::{FileReport, Mode, process};
use crate::cli::settings::{LookupError, Overrides, Settings, SettingsCache};
use crate::cli::{ExitStatus, with_hint};
use crate::report::findings::{self, FileFindings};
use crate::report::summary::{Summary, Tense, file_line};
use crate::report::{self, RunMode};
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
    let format = args.format;
    // A report format replaces the diff: the files are only counted while it is built.
    let work_mode = if format != OutputFormat::Diff && mode == Mode::Diff { Mode::Check } else { mode };
    let mut reports: Vec<FileFindings> = Vec::new();

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
    let color = work_mode == Mode::Diff && args.output.is_none() && choice != ColorChoice::Never;
    // Only a colored diff goes through anstream; a plain one is written as is, so no byte of it is ever altered.
    let mut out: Box<dyn Write> = match &args.output {
        Some(path) => Box::new(io::BufWriter::new(
            std::fs::File::create(path)
                .with_context(|| format!("{}: cannot create the output file", path.display()))?,
        )),
        None if color => Box::new(AutoStream::new(stdout.lock(), choice)),
        None => Box::new(stdout.lock()),
    };
    let tense = if mode == Mode::Apply { Tense::Applied } else { Tense::WouldApply };

    let bar = show_progress(mode, format, io::stderr().is_terminal()).then(|| {
        let total = Walk::new(&roots).filter(|e| matches!(e, walk::Entry::File(_))).count();
        progress_bar(total as u64)
    });
    // A line for stderr, above the progress bar when there is one.
    let say = |stderr: &mut io::Stderr, line: &str| match &bar {
        Some(bar) => bar.suspend(|| writeln!(stderr, "{line}")),
        None => writeln!(stderr, "{line}"),
    };

    map_in_order(
        jobs,
        |job| match job {
            Job::File(settings, path) => {
                let found = settings.as_ref().ok().and_then(|s| lookups.for_settings(s));
                Done::File(process(path, settings, found, work_mode, color, format != OutputFormat::Diff))
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
                        let _ =
                            say(&mut stderr, &format!("{}: removed, left by an interrupted dfix run", path.display()));
                    }
                    return Ok(());
                }
                Done::Temp(path, Err(e)) => {
                    let _ = say(
                        &mut stderr,
                        &format!("{}: cannot remove this file left by an interrupted dfix run: {e}", path.display()),
                    );
                    summary.errors += 1;
                    return Ok(());
                }
                Done::Error(e) => {
                    let _ = say(&mut stderr, &e.to_string());
                    if format != OutputFormat::Diff {
                        let path = match &e {
                            walk::WalkError::NotFound { path } | walk::WalkError::Stat { path, .. } => path.clone(),
                            walk::WalkError::Search(_) => PathBuf::from("."),
                        };
                        reports.push(findings::failed(&path, vec![e.to_string()]));
                    }
                    summary.errors += 1;
                    return Ok(());
                }
            };
            if let Some(bar) = &bar {
                bar.inc(1);
            }
            summary.files += 1;
            summary.held_back_unsafe += report.held_back_unsafe;
            summary.eol_bases += usize::from(report.eol_base);
            if let Some(warning) = report.eol_stale.take().filter(|_| !warned_stale) {
                let _ = say(&mut stderr, &warning);
                warned_stale = true;
            }
            // The machine formats carry the notes themselves.
            let notes = if format.is_machine() { &[][..] } else { &report.notes[..] };
            for line in notes.iter().chain(&report.errors) {
                let _ = say(&mut stderr, line);
            }
            if !report.errors.is_empty() {
                summary.errors += 1;
            }
            if let Some(found) = report.findings {
                reports.push(found);
            }
            if report.changed {
                summary.changed += 1;
                summary.add_fixes(&report.fixes);
                match work_mode {
                    Mode::Diff => out.write_all(report.diff.as_bytes())?,
                    Mode::Check | Mode::Apply => {
                        let line = format!("{}: {}", report.path.display(), file_line(&report.fixes, tense));
                        let _ = say(&mut stderr, &line);
                    }
                }
            }
            Ok(())
        },
    )?;
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    if format != OutputFormat::Diff {
        report::sort_files(&mut reports);
        let run_mode = match mode {
            Mode::Diff => RunMode::Diff,
            Mode::Check => RunMode::Check,
            Mode::Apply => RunMode::Apply,
        };
        let text = match format {
            OutputFormat::Diff => unreachable!("handled above"),
            OutputFormat::Summary => report::summary::table(&reports),
            OutputFormat::Json => report::json::render(&reports, run_mode),
            OutputFormat::Sarif => report::sarif::render(&reports, summary.errors == 0),
            OutputFormat::Rdjson => report::rdjson::render(&reports),
            OutputFormat::Rdjsonl => report::rdjson::render_lines(&reports),
            OutputFormat::Github => report::github::render(&reports),
            OutputFormat::Gitlab => report::gitlab::render(&reports),
        };
        out.write_all(text.as_bytes())?;
    }
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

/// Whether to show a progress bar: only while `--apply` writes files, with the human output, and only when stderr
/// is a terminal (never on a pipe, a file or a CI log).
pub fn show_progress(mode: Mode, format: OutputFormat, stderr_is_terminal: bool) -> bool {
    mode == Mode::Apply && format == OutputFormat::Diff && stderr_is_terminal
}

fn progress_bar(total: u64) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} Dockerfiles {elapsed}") {
        bar.set_style(style);
    }
    bar
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_progress_bar_shows_only_for_apply_on_a_terminal_with_the_human_output() {
        assert!(show_progress(Mode::Apply, OutputFormat::Diff, true));
        assert!(!show_progress(Mode::Apply, OutputFormat::Diff, false));
        assert!(!show_progress(Mode::Check, OutputFormat::Diff, true));
        assert!(!show_progress(Mode::Diff, OutputFormat::Diff, true));
        for format in [OutputFormat::Json, OutputFormat::Sarif, OutputFormat::Rdjsonl, OutputFormat::Summary] {
            assert!(!show_progress(Mode::Apply, format, true));
        }
    }
}
