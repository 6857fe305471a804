//! The default command: find the Dockerfiles, fix them in parallel, and print diffs (default), per-file lines
//! (`--check`, `--apply`) and a summary, in path order.

use std::io::{self, Write};
use std::path::PathBuf;

use anstream::{AutoStream, ColorChoice};

use crate::cli::args::FixArgs;
use crate::cli::digests;
use crate::cli::parallel::map_in_order;
use crate::cli::process::{FileReport, Mode, process};
use crate::cli::settings::{Overrides, SettingsCache};
use crate::cli::{ExitStatus, with_hint};
use crate::report::summary::{Summary, Tense, file_line};
use crate::walk;

pub fn run(args: &FixArgs) -> anyhow::Result<ExitStatus> {
    let overrides = Overrides::from_args(args).map_err(|e| with_hint(&e, e.hint()))?;
    let mut cache = SettingsCache::new(overrides, args.config.as_deref()).map_err(|e| with_hint(&e, e.hint()))?;
    let mode = match (args.apply, args.check) {
        (true, _) => Mode::Apply,
        (_, true) => Mode::Check,
        _ => Mode::Diff,
    };
    let roots = if args.paths.is_empty() { vec![PathBuf::from(".")] } else { args.paths.clone() };

    let found = walk::collect(&roots);
    let mut stderr = io::stderr();
    let mut summary = Summary { errors: found.errors.len(), ..Summary::default() };
    for error in &found.errors {
        let _ = writeln!(stderr, "{error}");
    }
    // Settings are looked up in path order, so a broken dfix.toml is reported with the first file it governs.
    let jobs: Vec<_> = found.files.into_iter().map(|p| (cache.for_file(&p), p)).collect();
    // Image digests are looked up before any file is fixed (only when pin-digest runs).
    let lookups = digests::for_files(&jobs, args.offline);
    for error in &lookups.errors {
        let _ = writeln!(stderr, "{error}");
    }
    summary.errors += lookups.errors.len();
    let jobs: Vec<_> = jobs
        .into_iter()
        .map(|(settings, path)| {
            let found = settings.as_ref().ok().and_then(|s| lookups.for_settings(s));
            (settings, path, found)
        })
        .collect();

    let stdout = io::stdout();
    let choice = AutoStream::choice(&stdout);
    let color = mode == Mode::Diff && choice != ColorChoice::Never;
    // Only a colored diff goes through anstream; a plain one is written as is, so no byte of it is ever altered.
    let mut out: Box<dyn Write> =
        if color { Box::new(AutoStream::new(stdout.lock(), choice)) } else { Box::new(stdout.lock()) };
    let tense = if mode == Mode::Apply { Tense::Applied } else { Tense::WouldApply };

    map_in_order(
        jobs,
        |(settings, path, digests)| process(path, settings, digests, mode, color),
        |report: FileReport| -> io::Result<()> {
            summary.files += 1;
            summary.held_back_unsafe += report.held_back_unsafe;
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
