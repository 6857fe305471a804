//! Property tests over generated Dockerfiles (`tests/generate`): for every generated file and every set of
//! transforms (each one alone, all together, and random subsets, in safe and in unsafe mode), the engine keeps the
//! properties in `tests/common/invariants.rs`; and BuildKit's parser, run once over all outputs at the end, reads
//! every output with the same stages and every unedited instruction unchanged (`tests/common/preserved.rs`).
//!
//! 256 cases per property by default; `PROPTEST_CASES` sets another number. A failure prints the generated file.

mod common;
mod generate;

use std::cell::RefCell;
use std::collections::{BTreeMap, HashSet};

use common::invariants::{self, transform_sets};
use common::preserved::{self, Fixed};
use common::{Oracle, check_texts};
use dfix::fix::Applicability;
use dfix::syntax::Dockerfile;
use dfix::transforms::TRANSFORMS;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

fn config() -> Config {
    // `Config::default()` reads PROPTEST_CASES; failures are printed, not persisted to files.
    Config { failure_persistence: None, ..Config::default() }
}

/// Readable failure text: the generated file, then what went wrong.
fn failure(text: &str, why: &str) -> TestCaseError {
    TestCaseError::fail(format!("{why}\n--- generated file ({} bytes) ---\n{text}\n--- end ---", text.len()))
}

#[test]
fn generated_files_keep_every_property() {
    let collected: RefCell<Vec<Fixed>> = RefCell::new(Vec::new());
    let seen: RefCell<HashSet<String>> = RefCell::new(HashSet::new());
    let mut runner = TestRunner::new(config());
    let strategy = (generate::dockerfile(), prop::collection::vec(any::<u64>(), 2));
    let result = runner.run(&strategy, |(text, masks)| {
        for set in transform_sets(TRANSFORMS, &masks) {
            for required in [Applicability::Safe, Applicability::Unsafe] {
                let outcome = invariants::check(&text, &set, required).map_err(|e| failure(&text, &e))?;
                let Some(outcome) = outcome else { continue };
                if outcome.output != text && seen.borrow_mut().insert(format!("{text}\0{}", outcome.output)) {
                    let n = collected.borrow().len();
                    collected.borrow_mut().push(Fixed {
                        name: format!("generated case {n}"),
                        input: text.clone(),
                        output: outcome.output,
                        passes: outcome.passes,
                    });
                }
            }
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }

    let fixed = collected.into_inner();
    common::say(&format!("properties: {} distinct fixed outputs to check with BuildKit", fixed.len()));
    let Some(oracle) = Oracle::locate_or_skip() else {
        return;
    };
    let failures = preserved::check_outputs(&oracle, &fixed);
    if !failures.is_empty() {
        let shown: Vec<String> = failures
            .iter()
            .take(5)
            .map(|f| {
                let name = f.split(':').next().unwrap_or_default();
                let case = fixed.iter().find(|c| c.name == name).expect("a collected case");
                format!("{f}\n--- input ---\n{}\n--- output ---\n{}\n---", case.input, case.output)
            })
            .collect();
        panic!("BuildKit disagrees on {} of {} outputs:\n{}", failures.len(), fixed.len(), shown.join("\n"));
    }
}

/// The generator is only useful if dfix parses what it makes and the transforms find work in it.
#[test]
fn generated_files_parse_and_give_the_transforms_work() {
    let mut runner = TestRunner::new_with_rng(
        config(),
        proptest::test_runner::TestRng::deterministic_rng(proptest::test_runner::RngAlgorithm::ChaCha),
    );
    let strategy = generate::dockerfile();
    let (mut total, mut parsed, mut changed) = (0usize, 0usize, 0usize);
    let mut by_transform: BTreeMap<&str, usize> = BTreeMap::new();
    let mut first_error = None;
    for _ in 0..500 {
        let text = strategy.new_tree(&mut runner).expect("a generated file").current();
        total += 1;
        let file = Dockerfile::parse(&text);
        if let Some(e) = file.errors().first() {
            first_error.get_or_insert_with(|| format!("{e}\n{text}"));
            continue;
        }
        parsed += 1;
        let Ok(Some(outcome)) = invariants::check(&text, TRANSFORMS, Applicability::Unsafe) else {
            continue;
        };
        if outcome.output != text {
            changed += 1;
        }
        for (t, n) in outcome.applied_by_transform() {
            *by_transform.entry(t).or_default() += n;
        }
    }
    common::say(&format!(
        "generator: {total} files, {parsed} parse, {changed} changed by all transforms; fixes: {by_transform:?}"
    ));
    assert!(
        parsed * 100 >= total * 95,
        "only {parsed} of {total} generated files parse; first error: {}",
        first_error.unwrap_or_default()
    );
    assert!(changed * 100 >= parsed * 30, "only {changed} of {parsed} generated files get a fix");
}

/// dfix's model of the generated inputs agrees with BuildKit's parser (the same check as for the shared corpus).
#[test]
fn generated_files_agree_with_buildkit() {
    let Some(oracle) = Oracle::locate_or_skip() else {
        return;
    };
    let mut runner = TestRunner::new(config());
    let strategy = generate::dockerfile();
    let cases: Vec<(String, String)> = (0..config().cases.max(1))
        .map(|i| (format!("generated case {i}"), strategy.new_tree(&mut runner).expect("generated").current()))
        .collect();
    let report = check_texts(&oracle, &cases);
    report.print("BuildKit agreement on generated files", 10);
    if let Some((name, d)) = report.mismatches.first() {
        let text = &cases.iter().find(|(n, _)| n == name).expect("a case").1;
        panic!("dfix disagrees with BuildKit on {name}: {d}\n--- file ---\n{text}\n---\n{}", report.summary());
    }
    assert!(
        report.buildkit_accepted * 100 >= cases.len() * 95,
        "BuildKit rejects generated files: {}",
        report.summary()
    );
}

/// The output comparison itself catches what it must (on hand-made BuildKit verdicts, no Python needed).
#[test]
fn output_comparison_catches_changes() {
    preserved::self_test();
}

/// With BuildKit's real verdicts: an edit that makes the next, unedited instruction part of the edited one is
/// caught, and a harmless one is not.
#[test]
fn output_comparison_catches_a_swallowed_instruction() {
    let Some(oracle) = Oracle::locate_or_skip() else {
        return;
    };
    let input = "FROM a\nRUN b\nRUN c\n";
    let case = |name: &str, edit: dfix::fix::Edit| {
        let output = invariants::replay(input, &[vec![edit.clone()]]).expect("a valid edit");
        Fixed { name: name.into(), input: input.into(), output, passes: vec![vec![edit]] }
    };
    let broken = case("broken", dfix::fix::Edit::replacement("b \\", 11..12));
    let fine = case("fine", dfix::fix::Edit::replacement("b && true", 11..12));
    let failures = preserved::check_outputs(&oracle, &[broken, fine]);
    assert_eq!(failures.len(), 1, "{failures:?}");
    assert!(failures[0].starts_with("broken: RUN [\"c\"] at input line 3"), "{failures:?}");
}
