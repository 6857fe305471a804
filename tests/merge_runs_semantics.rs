//! `merge-runs` does not change what a build does. Generated sequences of RUN bodies (built from `echo`, `mkdir`,
//! `cd`, `export`, assignments, `true`, `false`, `touch`, `set -e`, `exit`, with `;`, `&&`, `||`, subshells and
//! groups) are put in a Dockerfile, sometimes under `SHELL ["/bin/sh", "-e", "-c"]`, and fixed by the real engine
//! with `merge-runs` alone. The RUN bodies before and after are then run like a build runs them: each in a fresh
//! `/bin/sh [-e] -c`, in order, stopping at the first that fails, all in one fresh temporary directory. Both must
//! succeed or fail alike, print the same output and leave the same files.

use std::path::Path;
use std::process::Command;

use dfix::config::Config;
use dfix::engine::{self, Options};
use dfix::knowledge::Knowledge;
use dfix::syntax::{Dockerfile, InstructionKind};
use dfix::transforms::lookup;
use proptest::prelude::*;
use proptest::test_runner::{Config as RunnerConfig, RngAlgorithm, TestCaseError, TestRng, TestRunner};

/// One simple command. Paths are relative and never `..`, so everything stays in the build directory.
fn command() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => Just("true".to_string()),
        3 => Just("false".to_string()),
        4 => (0..3u8).prop_map(|i| format!("echo e{i}")),
        3 => Just("echo \"v=$V w=$W\"".to_string()),
        2 => (0..2u8).prop_map(|i| format!("mkdir d{i}")),
        2 => (0..2u8).prop_map(|i| format!("mkdir -p d{i}")),
        3 => (0..2u8).prop_map(|i| format!("cd d{i}")),
        4 => (0..3u8).prop_map(|i| format!("touch f{i}")),
        2 => (0..2u8).prop_map(|i| format!("export V={i}")),
        2 => (0..2u8).prop_map(|i| format!("W=a{i}")),
        2 => Just("set -e".to_string()),
        1 => Just("set +e".to_string()),
        1 => (0..2u8).prop_map(|i| format!("exit {i}")),
    ]
}

/// A shell list: commands joined by `&&`, `||` and `;`, in subshells and groups.
fn body() -> impl Strategy<Value = String> {
    command().prop_recursive(3, 10, 2, |inner| {
        prop_oneof![
            4 => (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a} && {b}")),
            2 => (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a} || {b}")),
            2 => (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a}; {b}")),
            1 => inner.clone().prop_map(|a| format!("( {a} )")),
            1 => inner.prop_map(|a| format!("{{ {a}; }}")),
        ]
    })
}

/// What comes before a RUN: nothing, a blank line or a comment line.
fn gap() -> impl Strategy<Value = &'static str> {
    prop_oneof![6 => Just(""), 1 => Just("\n"), 1 => Just("# a comment\n")]
}

/// Whether the SHELL runs with `errexit`, and the bodies.
fn sequence() -> impl Strategy<Value = (bool, Vec<(&'static str, String)>)> {
    (prop::bool::weighted(0.25), prop::collection::vec((gap(), body()), 2..=4))
}

#[derive(Debug, PartialEq, Eq)]
struct Build {
    succeeded: bool,
    stdout: String,
    files: Vec<String>,
}

/// Run the bodies as a build runs RUN instructions, in a fresh directory.
fn build(errexit: bool, bodies: &[String]) -> Build {
    let dir = tempfile::tempdir().expect("temporary directory");
    let mut stdout = String::new();
    let mut succeeded = true;
    for body in bodies {
        let out = Command::new("/bin/sh")
            .args(if errexit { &["-e", "-c"][..] } else { &["-c"][..] })
            .arg(body)
            .current_dir(dir.path())
            .env_clear()
            .env("PATH", "/usr/local/bin:/usr/bin:/bin")
            .output()
            .expect("/bin/sh runs");
        stdout.push_str(&String::from_utf8_lossy(&out.stdout));
        if !out.status.success() {
            succeeded = false;
            break;
        }
    }
    let mut files = Vec::new();
    list(dir.path(), dir.path(), &mut files);
    files.sort();
    Build { succeeded, stdout, files }
}

fn list(root: &Path, dir: &Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).expect("readable").flatten() {
        let path = entry.path();
        let name = path.strip_prefix(root).expect("inside").display().to_string();
        if path.is_dir() {
            out.push(format!("{name}/"));
            list(root, &path, out);
        } else {
            out.push(name);
        }
    }
}

/// The shell bodies of the RUN instructions of a Dockerfile, as the builder passes them to the shell.
fn run_bodies(source: &str) -> Vec<String> {
    let file = Dockerfile::parse(source);
    assert!(file.errors().is_empty(), "{:?} in\n{source}", file.errors());
    file.instructions().iter().filter(|i| i.kind == InstructionKind::Run).map(|i| i.args.as_str().to_string()).collect()
}

/// Generated cases: a few hundred keep the test to seconds.
const CASES: u32 = 300;

#[test]
fn merged_bodies_build_the_same() {
    let config = Config::default();
    let options = Options {
        max_passes: 10,
        ..Options::new(vec![lookup("merge-runs").expect("registered")], &config, Knowledge::builtin())
    };
    let runner_config = RunnerConfig { cases: CASES, failure_persistence: None, ..RunnerConfig::default() };
    let mut runner = TestRunner::new_with_rng(runner_config, TestRng::deterministic_rng(RngAlgorithm::ChaCha));
    let merged_cases = std::cell::Cell::new(0usize);
    let joined_bodies = std::cell::Cell::new(0usize);
    let result = runner.run(&sequence(), |(errexit, runs)| {
        let mut source = String::from("FROM scratch\n");
        if errexit {
            source.push_str("SHELL [\"/bin/sh\", \"-e\", \"-c\"]\n");
        }
        for (gap, body) in &runs {
            source.push_str(gap);
            source.push_str(&format!("RUN {body}\n"));
        }
        let outcome = engine::fix(&source, &options).map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
        prop_assert!(outcome.internal_errors.is_empty(), "{:?}", outcome.internal_errors);
        let before = run_bodies(&source);
        let after = run_bodies(&outcome.output);
        if after.len() < before.len() {
            merged_cases.set(merged_cases.get() + 1);
            joined_bodies.set(joined_bodies.get() + before.len() - after.len());
        }
        let again = engine::fix(&outcome.output, &options).map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
        prop_assert_eq!(&again.output, &outcome.output, "not idempotent");
        let (separate, merged) = (build(errexit, &before), build(errexit, &after));
        prop_assert_eq!(separate, merged, "\n--- input\n{}--- output\n{}", source, outcome.output);
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    // The test proves something only if most cases were merged at all.
    let (merged, joined) = (merged_cases.get(), joined_bodies.get());
    eprintln!("merge-runs semantics: {merged} of {CASES} generated files merged, {joined} RUN bodies joined");
    assert!(merged as u32 >= CASES / 2, "only {merged} of {CASES} generated files were merged");
}
