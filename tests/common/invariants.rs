//! The properties every run of the engine must have, whatever the input and whatever the set of transforms:
//!
//! - no panic;
//! - an input that parses gets an output that parses;
//! - the edits the engine reports, applied pass by pass to the input, give exactly the output bytes, so no byte
//!   changes outside them (each pass's edits are sorted, in bounds, on character boundaries and do not overlap);
//! - the same edits composed into one list on the input (what `--format json` and `rdjson` report) give the output
//!   too, each listed once;
//! - a run without applied fixes returns the input byte for byte, and a run that applied fixes changed something;
//! - no transform trips the engine's guards (a rolled-back pass or a missing fixed point is a bug);
//! - a second run on the output with the same transforms changes nothing.
//!
//! Used by the property tests, the shared-corpus test and the fuzz target (`fuzz/`, which includes this file by
//! path), so all three check the same thing. Depends on nothing but the `dfix` library.

#![allow(dead_code)]

use std::panic::{AssertUnwindSafe, catch_unwind};

use dfix::config::Config;
use dfix::engine::{self, Options, Outcome};
use dfix::fix::{Applicability, Edit};
use dfix::knowledge::Knowledge;
use dfix::syntax::Dockerfile;
use dfix::transforms::Transform;

/// The engine's options for a property run: no configuration, builtin knowledge, offline.
pub fn options<'a>(transforms: &[&'static dyn Transform], required: Applicability, config: &'a Config) -> Options<'a> {
    Options { required, ..Options::new(transforms.to_vec(), config, Knowledge::builtin()) }
}

/// Run the engine on `input` and check every property. `Ok(None)` when the input does not parse (the engine then
/// returns it untouched, which is all there is to check); otherwise the outcome, for further checks.
pub fn check(
    input: &str,
    transforms: &[&'static dyn Transform],
    required: Applicability,
) -> Result<Option<Outcome>, String> {
    // A fixed day, so that what eol-base finds does not change with the date of the run.
    let config = Config { as_of: Some("2026-12-04".to_string()), ..Config::default() };
    let opts = options(transforms, required, &config);
    let ids: Vec<&str> = transforms.iter().map(|t| t.meta().id).collect();
    let label = format!("transforms [{}], {required} fixes", ids.join(", "));
    let outcome = match catch_unwind(AssertUnwindSafe(|| engine::fix(input, &opts))) {
        Err(panic) => return Err(format!("{label}: panicked: {}", panic_message(&panic))),
        Ok(Err(_syntax_errors)) => return Ok(None),
        Ok(Ok(outcome)) => outcome,
    };
    let fail = |what: String| Err(format!("{label}: {what}"));

    if let Some(e) = outcome.internal_errors.first() {
        return fail(format!("the engine rolled back fixes: {}", e.message));
    }
    let replayed = match replay(input, &outcome.passes) {
        Ok(text) => text,
        Err(e) => return fail(e),
    };
    if replayed != outcome.output {
        return fail(format!(
            "the reported edits do not give the output\n--- edits replayed\n{replayed}\n--- output\n{}",
            outcome.output
        ));
    }
    let report =
        dfix::report::findings::file_findings(std::path::Path::new("Dockerfile"), input, input, &outcome, vec![]);
    let composed = dfix::report::findings::apply_fixed(input, &report);
    if composed != outcome.output {
        return fail(format!(
            "the edits composed on the input do not give the output\n--- composed\n{composed}\n--- output\n{}",
            outcome.output
        ));
    }
    if outcome.applied.is_empty() != outcome.passes.is_empty() {
        return fail(format!("{} fixes applied in {} passes", outcome.applied.len(), outcome.passes.len()));
    }
    if outcome.applied.is_empty() && outcome.output != input {
        return fail("the output differs from the input though no fix applied".into());
    }
    if !outcome.applied.is_empty() && outcome.output == input {
        return fail(format!("{} fixes applied but the output equals the input", outcome.applied.len()));
    }
    if let Some(e) = Dockerfile::parse(&outcome.output).errors().first() {
        return fail(format!("the output does not parse: {e}\n--- output\n{}", outcome.output));
    }
    let again = match catch_unwind(AssertUnwindSafe(|| engine::fix(&outcome.output, &opts))) {
        Err(panic) => return fail(format!("the second run panicked: {}", panic_message(&panic))),
        Ok(Err(e)) => return fail(format!("the output does not parse on the second run: {e:?}")),
        Ok(Ok(again)) => again,
    };
    if again.output != outcome.output || !again.applied.is_empty() {
        let what: Vec<_> = again.applied.iter().map(|a| format!("{} (line {})", a.transform, a.line)).collect();
        return fail(format!(
            "a second run is not a no-op: it applies {}\n--- first output\n{}\n--- second output\n{}",
            what.join(", "),
            outcome.output,
            again.output
        ));
    }
    Ok(Some(outcome))
}

/// Apply each pass's edits to the text the pass started from, checking that they are well formed.
pub fn replay(input: &str, passes: &[Vec<Edit>]) -> Result<String, String> {
    let mut text = input.to_string();
    for (n, edits) in passes.iter().enumerate() {
        let mut out = String::with_capacity(text.len());
        let mut last = 0;
        for e in edits {
            if e.start() < last || e.end() < e.start() || e.end() > text.len() {
                return Err(format!("pass {}: edit {:?} is out of order, reversed or out of bounds", n + 1, e.range()));
            }
            if !text.is_char_boundary(e.start()) || !text.is_char_boundary(e.end()) {
                return Err(format!("pass {}: edit {:?} splits a character", n + 1, e.range()));
            }
            out.push_str(&text[last..e.start()]);
            out.push_str(e.content());
            last = e.end();
        }
        out.push_str(&text[last..]);
        text = out;
    }
    Ok(text)
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "(no message)".into())
}

/// The sets of transforms every input is checked with: each one alone, all together, and the given random
/// subsets (`masks`, one bit per transform in registry order).
pub fn transform_sets(all: &[&'static dyn Transform], masks: &[u64]) -> Vec<Vec<&'static dyn Transform>> {
    let mut sets: Vec<Vec<&'static dyn Transform>> = all.iter().map(|t| vec![*t]).collect();
    sets.push(all.to_vec());
    for mask in masks {
        let subset: Vec<_> =
            all.iter().enumerate().filter(|(i, _)| mask >> (i % 64) & 1 == 1).map(|(_, t)| *t).collect();
        if !subset.is_empty() && subset.len() < all.len() {
            sets.push(subset);
        }
    }
    sets
}
