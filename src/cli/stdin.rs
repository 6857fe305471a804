//! `--stdin-filename`: a filter for editors and pipelines. The fixed file goes to stdout; on any error the input
//! goes back out unchanged, so a pipeline never loses the file, and the exit status is 2.

use std::io::{self, Read, Write};
use std::path::Path;

use anyhow::Context;

use crate::cli::args::FixArgs;
use crate::cli::digests;
use crate::cli::input::{self, Source};
use crate::cli::process::fix_source;
use crate::cli::settings::{Overrides, SettingsCache};
use crate::cli::{ExitStatus, hinted, with_hint};

pub fn run(args: &FixArgs, path: &Path) -> anyhow::Result<ExitStatus> {
    let overrides = Overrides::from_args(args).map_err(|e| with_hint(&e, e.hint()))?;
    let mut bytes = Vec::new();
    io::stdin().read_to_end(&mut bytes).context("failed to read stdin")?;

    let mut stdout = io::stdout().lock();
    let mut stderr = io::stderr();
    let settings = SettingsCache::new(overrides, args.config.as_deref())
        .map_err(|e| hinted(&e, e.hint()))
        .and_then(|mut cache| cache.for_file(path).map_err(|e| hinted(&e.error, e.error.hint())));
    let settings = match settings {
        Ok(settings) => settings,
        Err(message) => return echo(&mut stdout, &bytes, &[message]),
    };
    let text = match input::decode(path, bytes.clone()) {
        Ok(text) => text,
        Err(e) => return echo(&mut stdout, &bytes, &[e.to_string()]),
    };
    let source = Source { text, stamp: None };
    let lookups = digests::for_text(&settings, source.body());
    let found = lookups.for_settings(&settings);
    let fixed = fix_source(path, &source, &settings, found.as_deref(), false);
    let output = fixed.output.as_deref().unwrap_or(&source.text);
    stdout.write_all(output.as_bytes())?;
    stdout.flush()?;
    for line in fixed.notes.iter().chain(&lookups.errors).chain(&fixed.errors) {
        let _ = writeln!(stderr, "{line}");
    }
    Ok(if fixed.errors.is_empty() { ExitStatus::Success } else { ExitStatus::Error })
}

/// Give the input back unchanged and report why.
fn echo(stdout: &mut impl Write, input: &[u8], errors: &[String]) -> anyhow::Result<ExitStatus> {
    stdout.write_all(input)?;
    stdout.flush()?;
    let mut stderr = io::stderr();
    for error in errors {
        let _ = writeln!(stderr, "{error}");
    }
    Ok(ExitStatus::Error)
}
