//! The fuzz target's logic, a plain function so that `tests/fuzz_seeds.rs` in dfix's own test suite runs it over
//! the seed corpus without libFuzzer. The properties come from dfix's tests, included by path, so the fuzzer, the
//! property tests and the shared-corpus test all check the same thing.

#[path = "../../tests/common/invariants.rs"]
pub mod invariants;

pub mod target;
