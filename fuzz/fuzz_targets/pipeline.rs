//! libFuzzer target: the whole pipeline (decoding, every transform, the engine) on arbitrary bytes, with the
//! properties of `tests/common/invariants.rs` as assertions. See `fuzz/README.md`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| dfix_fuzz::target::run(data));
