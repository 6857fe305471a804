//! The whole pipeline over every file of the shared corpus of real Dockerfiles (`DFIX_CORPUS`, default
//! `../shared/corpus`; skipped with a notice when absent): no panic; a file that parses gets an output that parses;
//! a file without fixes comes out byte-identical; a second run changes nothing; no transform trips the engine's
//! guards. Prints counts so a regression is visible.

mod common;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Mutex;

use dfix::config::Config;
use dfix::engine::{self, Options};
use dfix::fix::Applicability;
use dfix::knowledge::Knowledge;
use dfix::syntax::Dockerfile;
use dfix::transforms::TRANSFORMS;
use rayon::prelude::*;

fn corpus_files() -> Option<Vec<PathBuf>> {
    let dir = common::corpus_dir()?;
    let mut files = Vec::new();
    let mut stack = vec![dir];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).ok()?.flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.file_name().is_some_and(|n| n != "MANIFEST.tsv") {
                files.push(p);
            }
        }
    }
    files.sort();
    Some(files)
}

#[derive(Default)]
struct Counts {
    files: usize,
    not_utf8: usize,
    parse_errors: usize,
    fixed: usize,
    by_transform: BTreeMap<&'static str, usize>,
    files_by_transform: BTreeMap<&'static str, usize>,
    failures: Vec<String>,
}

fn run(required: Applicability, label: &str) {
    let Some(files) = corpus_files() else {
        common::skip("shared corpus not found (set DFIX_CORPUS)");
        return;
    };
    let config = Config::default();
    let knowledge = Knowledge::builtin();
    let transforms: Vec<_> = TRANSFORMS.to_vec();
    let counts = Mutex::new(Counts::default());
    files.par_iter().for_each(|path| {
        let Ok(bytes) = std::fs::read(path) else {
            return;
        };
        let mut c = Counts { files: 1, ..Counts::default() };
        let Ok(input) = String::from_utf8(bytes) else {
            c.not_utf8 = 1;
            merge(&counts, c);
            return;
        };
        let options = Options {
            transforms: transforms.clone(),
            required,
            max_passes: engine::MAX_PASSES,
            config: &config,
            knowledge,
            offline: true,
            path: None,
            digests: None,
        };
        let name = path.display().to_string();
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| engine::fix(&input, &options)));
        match result {
            Err(_) => c.failures.push(format!("{name}: panicked")),
            Ok(Err(_)) => c.parse_errors = 1,
            Ok(Ok(outcome)) => {
                for e in &outcome.internal_errors {
                    c.failures.push(format!("{name}: internal error: {}", e.message));
                }
                if outcome.applied.is_empty() && outcome.output != input {
                    c.failures.push(format!("{name}: changed without an applied fix"));
                }
                if outcome.output != input {
                    c.fixed = 1;
                    for (t, n) in outcome.applied_by_transform() {
                        *c.by_transform.entry(t).or_default() += n;
                        *c.files_by_transform.entry(t).or_default() += 1;
                    }
                    let reparsed = Dockerfile::parse(&outcome.output);
                    if let Some(e) = reparsed.errors().first() {
                        c.failures.push(format!("{name}: output does not parse: {e}"));
                    }
                    match engine::fix(&outcome.output, &options) {
                        Ok(again) if again.output != outcome.output => {
                            c.failures.push(format!("{name}: a second run changes the output again"))
                        }
                        Err(e) => c.failures.push(format!("{name}: output does not parse: {e:?}")),
                        _ => {}
                    }
                }
            }
        }
        merge(&counts, c);
    });
    let c = counts.into_inner().unwrap();
    common::say(&format!(
        "shared corpus ({label}): {} files, {} not UTF-8, {} do not parse, {} fixed; fixes by transform: {:?}; \
         files changed by transform: {:?}",
        c.files, c.not_utf8, c.parse_errors, c.fixed, c.by_transform, c.files_by_transform
    ));
    assert!(c.files > 0, "the corpus has no files");
    assert!(c.failures.is_empty(), "{} failures:\n{}", c.failures.len(), c.failures.join("\n"));
}

fn merge(into: &Mutex<Counts>, c: Counts) {
    let mut all = into.lock().unwrap();
    all.files += c.files;
    all.not_utf8 += c.not_utf8;
    all.parse_errors += c.parse_errors;
    all.fixed += c.fixed;
    for (t, n) in c.by_transform {
        *all.by_transform.entry(t).or_default() += n;
    }
    for (t, n) in c.files_by_transform {
        *all.files_by_transform.entry(t).or_default() += n;
    }
    all.failures.extend(c.failures);
}

#[test]
fn safe_fixes_over_the_shared_corpus() {
    run(Applicability::Safe, "safe fixes");
}

#[test]
fn unsafe_fixes_over_the_shared_corpus() {
    run(Applicability::Unsafe, "unsafe fixes too");
}
