//! The whole pipeline over every file of the shared corpus of real Dockerfiles (`DFIX_CORPUS`, default
//! `../shared/corpus`; skipped with a notice when absent): no panic; a file that parses gets an output that parses;
//! a file without fixes comes out byte-identical; a second run changes nothing; no transform trips the engine's
//! guards; the edits the engine reports give the output (`tests/common/invariants.rs`). Then BuildKit's parser reads
//! every changed output, in one batch: each must parse, with the stages and the unedited instructions of its input
//! (`tests/common/preserved.rs`; skipped with a notice when the oracle is missing, unless CI requires it). Prints
//! counts so a regression is visible.

mod common;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Mutex;

use common::preserved::{self, Fixed};
use dfix::fix::Applicability;
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
    outputs: Vec<Fixed>,
}

fn run(required: Applicability, label: &str) {
    let Some(files) = corpus_files() else {
        common::skip("shared corpus not found (set DFIX_CORPUS)");
        return;
    };
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
        let name = path.display().to_string();
        match common::invariants::check(&input, TRANSFORMS, required) {
            Err(e) => c.failures.push(format!("{name}: {e}")),
            Ok(None) => c.parse_errors = 1,
            Ok(Some(outcome)) => {
                if outcome.output != input {
                    c.fixed = 1;
                    for (t, n) in outcome.applied_by_transform() {
                        *c.by_transform.entry(t).or_default() += n;
                        *c.files_by_transform.entry(t).or_default() += 1;
                    }
                    c.outputs.push(Fixed { name, input, output: outcome.output, passes: outcome.passes });
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

    let Some(oracle) = common::Oracle::locate_or_skip() else {
        return;
    };
    let mut outputs = c.outputs;
    outputs.sort_by(|a, b| a.name.cmp(&b.name));
    let disagreements = preserved::check_outputs(&oracle, &outputs);
    common::say(&format!(
        "shared corpus ({label}): BuildKit read {} fixed outputs, {} disagreements",
        outputs.len(),
        disagreements.len()
    ));
    assert!(
        disagreements.is_empty(),
        "BuildKit disagrees on {} fixed outputs:\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
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
    all.outputs.extend(c.outputs);
}

#[test]
fn safe_fixes_over_the_shared_corpus() {
    run(Applicability::Safe, "safe fixes");
}

#[test]
fn unsafe_fixes_over_the_shared_corpus() {
    run(Applicability::Unsafe, "unsafe fixes too");
}
