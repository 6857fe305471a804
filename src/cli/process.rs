//! Fixing one file: read it, run the engine, and diff or write the result. Runs on worker threads, so nothing in
//! here prints; it returns a [`FileReport`] for the reporting thread.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::cli::hinted;
use crate::cli::input::{self, Source};
use crate::cli::settings::{LookupError, Settings};
use crate::engine;
use crate::registry::Resolutions;
use crate::report::findings::{self, FileFindings};
use crate::report::{diff, problems};
use crate::write;

/// What to do with a file that would change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Print a unified diff.
    Diff,
    /// Only count it.
    Check,
    /// Write the fixed file.
    Apply,
}

/// What happened to one file.
#[derive(Debug, Default)]
pub struct FileReport {
    pub path: PathBuf,
    /// Messages for stderr, each a complete line (or lines, for a message with a hint).
    pub errors: Vec<String>,
    /// The file changed (`Apply`) or would change.
    pub changed: bool,
    /// The diff, in `Diff` mode.
    pub diff: String,
    /// Fixes applied, by transform.
    pub fixes: BTreeMap<&'static str, usize>,
    pub held_back_unsafe: usize,
    /// Findings without an applicable fix, each a line for stderr.
    pub notes: Vec<String>,
    /// `eol-base` found an end-of-life base image (fixed or not).
    pub eol_base: bool,
    /// The warning that the end-of-life data may be out of date, when it is old on the day compared with.
    pub eol_stale: Option<String>,
    /// Every finding, relative to the file as read (when a report format asked for them).
    pub findings: Option<FileFindings>,
}

/// The engine's verdict on a text, ready to print.
#[derive(Debug, Default)]
pub struct Fixed {
    /// The fixed text, when it differs from the input.
    pub output: Option<String>,
    pub fixes: BTreeMap<&'static str, usize>,
    pub held_back_unsafe: usize,
    /// Syntax errors (nothing was fixed) or internal errors (the other fixes were kept).
    pub errors: Vec<String>,
    /// Findings without an applicable fix.
    pub notes: Vec<String>,
    /// `eol-base` found an end-of-life base image (fixed or not).
    pub eol_base: bool,
    /// Every finding relative to the input, when asked for.
    pub findings: Option<FileFindings>,
}

const EOL_BASE: &str = "eol-base";

/// The warning that `eol-base`'s table may be out of date: it was checked more than a year before the day the
/// end dates are compared with. `None` when `eol-base` does not run or the table is recent enough.
pub fn eol_stale(settings: &Settings) -> Option<String> {
    if !settings.transforms.iter().any(|t| t.meta().id == EOL_BASE) {
        return None;
    }
    let checked = settings.knowledge().releases.checked;
    let today = settings.config.today();
    (checked.plus_days(365) < today).then(|| {
        format!(
            "warning: dfix's end-of-life table was last checked on {checked}, more than a year before {today}: \
             releases that ended since are not named; update dfix, or add them under [knowledge.releases] in dfix.toml"
        )
    })
}

/// Run the engine on `source`, which came from `path`, with the image digests looked up for it. With `report`,
/// also describe every finding relative to the input (for the machine formats).
pub fn fix_source(
    path: &Path,
    source: &Source,
    settings: &Settings,
    digests: Option<&Resolutions>,
    report: bool,
) -> Fixed {
    let outcome = match engine::fix(source.body(), &settings.engine_options(path, digests)) {
        Ok(outcome) => outcome,
        Err(errors) => {
            let errors = problems::syntax_errors(path, &errors);
            let findings = report.then(|| findings::failed(path, errors.clone()));
            return Fixed { errors, findings, ..Fixed::default() };
        }
    };
    let errors: Vec<String> = outcome.internal_errors.iter().map(|e| problems::internal_error(path, e)).collect();
    let eol_base = outcome.applied.iter().any(|a| a.transform == EOL_BASE)
        || outcome.remaining.iter().any(|p| p.transform == EOL_BASE);
    Fixed {
        eol_base,
        output: outcome.changed(source.body()).then(|| source.restore(&outcome.output)),
        fixes: outcome.applied_by_transform(),
        held_back_unsafe: outcome.held_back_unsafe(),
        notes: problems::follow_ups(path, &outcome.applied)
            .into_iter()
            .chain(problems::suppression_notes(path, &outcome.output, &outcome.suppression_notes))
            .chain(problems::notes(path, &outcome.output, &outcome.remaining))
            .collect(),
        findings: report.then(|| findings::file_findings(path, &source.text, source.body(), &outcome, errors.clone())),
        errors,
    }
}

/// Fix the file at `path` in `mode`. `color` asks for a colored diff; `findings` for the findings report.
pub fn process(
    path: PathBuf,
    settings: Result<Arc<Settings>, LookupError>,
    digests: Option<Arc<Resolutions>>,
    mode: Mode,
    color: bool,
    findings: bool,
) -> FileReport {
    let mut report = FileReport { path, ..FileReport::default() };
    let failed = |report: &mut FileReport| {
        if findings {
            report.findings = Some(findings::failed(&report.path, report.errors.clone()));
        }
    };
    let settings = match settings {
        Ok(settings) => settings,
        Err(e) => {
            if e.first {
                report.errors.push(hinted(&e.error, e.error.hint()));
            }
            report.errors.push(format!("{}: skipped because its dfix.toml cannot be used", report.path.display()));
            failed(&mut report);
            return report;
        }
    };
    let source = match input::read_file(&report.path) {
        Ok(source) => source,
        Err(e) => {
            report.errors.push(e.to_string());
            failed(&mut report);
            return report;
        }
    };
    let fixed = fix_source(&report.path, &source, &settings, digests.as_deref(), findings);
    report.eol_base = fixed.eol_base;
    report.eol_stale = eol_stale(&settings);
    report.errors.extend(fixed.errors);
    report.notes = fixed.notes;
    report.findings = fixed.findings;
    report.held_back_unsafe = fixed.held_back_unsafe;
    let Some(output) = fixed.output else {
        return report;
    };
    match mode {
        Mode::Diff => report.diff = diff::unified(&report.path, &source.text, &output, color),
        Mode::Check => {}
        Mode::Apply => {
            let stamp = source.stamp.expect("files have a stamp");
            if let Err(e) = write::replace(&report.path, source.text.as_bytes(), stamp, output.as_bytes()) {
                report.errors.push(e.to_string());
                // Nothing was written: the report says so next to the fixes.
                if let Some(f) = report.findings.as_mut() {
                    f.errors.push(e.to_string());
                }
                return report;
            }
        }
    }
    report.changed = true;
    report.fixes = fixed.fixes;
    report
}
