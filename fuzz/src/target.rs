//! One fuzz input through the pipeline the command line runs: decode the bytes as a Dockerfile (refusing binary
//! and non-UTF-8 input, setting a byte order mark aside), then fix the body with every transform, in safe and in
//! unsafe mode, checking every property of the invariants module. A violated property panics with the input, which
//! is what libFuzzer and the seed test report. Shared with dfix's `tests/fuzz_seeds.rs`, which includes this file.

use std::path::Path;

use dfix::cli::input::{Source, decode};
use dfix::fix::Applicability;
use dfix::transforms::TRANSFORMS;

use super::invariants;

pub fn run(data: &[u8]) {
    let Ok(text) = decode(Path::new("Dockerfile"), data.to_vec()) else {
        return;
    };
    let source = Source { text, stamp: None };
    for required in [Applicability::Safe, Applicability::Unsafe] {
        match invariants::check(source.body(), TRANSFORMS, required) {
            Err(e) => panic!("{e}\n--- input ---\n{:?}", source.text),
            Ok(Some(outcome)) => {
                // The byte order mark comes back, and only it.
                let restored = source.restore(&outcome.output);
                assert_eq!(restored.strip_prefix('\u{feff}').is_some(), source.text.starts_with('\u{feff}'));
            }
            Ok(None) => {}
        }
    }
}
