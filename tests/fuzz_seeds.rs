//! The fuzz target's logic (`fuzz/src/target.rs`) over its seed corpus, without libFuzzer: every fixture under
//! `corpus/` (inputs, expected outputs, case files) and the crashes kept in `fuzz/regressions/`, plus whatever the
//! fuzzer saved in `fuzz/corpus/` and `fuzz/artifacts/` when it has been run here. So the target's assertions are
//! checked on every `cargo test`, and a crash the fuzzer found stays a failing test until it is fixed.

mod common;

// `target.rs` reaches the invariants as `super::invariants`, as in the fuzz crate.
use common::invariants;

#[path = "../fuzz/src/target.rs"]
mod target;

use std::path::{Path, PathBuf};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files(&path, out);
        } else {
            out.push(path);
        }
    }
}

#[test]
fn fuzz_target_holds_on_the_seed_corpus() {
    let root = common::manifest_dir();
    let mut seeds = Vec::new();
    for dir in ["corpus", "fuzz/regressions", "fuzz/corpus", "fuzz/artifacts"] {
        files(&root.join(dir), &mut seeds);
    }
    seeds.sort();
    assert!(seeds.len() > 20, "only {} seeds found under corpus/", seeds.len());
    for seed in &seeds {
        let data = std::fs::read(seed).unwrap();
        let result = std::panic::catch_unwind(|| target::run(&data));
        assert!(result.is_ok(), "the fuzz target fails on {}", seed.display());
    }
}
