//! Pinning every FROM line of a corpus against a local registry: requests per distinct image and total time.
//!
//! `cargo bench --bench pin_digest` collects the distinct image references `pin-digest` would pin in
//! `../shared/corpus/real` (or `DFIX_BENCH_DIR`, or `$DFIX_CORPUS/real`), starts Debian's `docker-registry` on
//! 127.0.0.1, seeds it with a tiny image for each reference, points every registry those references name at it
//! through `[registry] mirrors`, then resolves them all and fixes every file with the result. It prints the
//! requests the registry logged per distinct image (the goal is exactly one) and the time each phase took.
//! Nothing leaves 127.0.0.1.
//!
//! Run by `cargo test --all-targets` (without `--bench`), it is a smoke test over the first 20 distinct images.

#[path = "../tests/registry/harness.rs"]
mod harness;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Instant;

use dfix::config::Config;
use dfix::engine::{self, Options};
use dfix::knowledge::Knowledge;
use dfix::registry::resolve::{self, Request};
use dfix::registry::{Reference, Resolution};
use dfix::syntax::Dockerfile;
use dfix::transforms::pin_digest::{self, PinDigest};

fn main() {
    let Some(dir) = bench_dir().filter(|d| d.is_dir()) else {
        eprintln!("no corpus: set DFIX_BENCH_DIR or DFIX_CORPUS");
        return;
    };
    let files = read_all(&dir);
    let Some(registry) = harness::Registry::start(harness::Options::default()) else { return };

    let started = Instant::now();
    let empty = Config::default();
    let mut distinct: BTreeMap<String, Reference> = BTreeMap::new();
    let mut from_lines = 0;
    for text in &files {
        let file = Dockerfile::parse(text);
        if !file.errors().is_empty() {
            continue;
        }
        from_lines += file.stages().len();
        for reference in pin_digest::wanted(&file, &empty, false) {
            distinct.insert(reference.key(), reference);
        }
    }
    let collect_time = started.elapsed();
    if !std::env::args().any(|a| a == "--bench") {
        let keep: Vec<String> = distinct.keys().take(20).cloned().collect();
        distinct.retain(|k, _| keep.contains(k));
    }

    // Every registry named is served by the local one.
    let hosts: BTreeSet<&str> = distinct.values().map(|r| r.registry.as_str()).collect();
    let mirrors: String =
        hosts.iter().map(|h| format!("\"{h}\" = \"{}\"", registry.addr)).collect::<Vec<_>>().join(", ");
    let config_text = format!("select = [\"pin-digest\"]\n[registry]\nmirrors = {{ {mirrors} }}\n");
    let config = Config::from_str(&config_text, Path::new("dfix.toml")).expect("valid generated config");

    let seeding = Instant::now();
    let mut expected = BTreeMap::new();
    for (key, reference) in &distinct {
        let (digest, _) = registry.push_image(&reference.repository, &reference.tag, true, "amd64");
        expected.insert(key.clone(), digest);
    }
    let seed_time = seeding.elapsed();
    let before = registry.all_manifest_requests();

    let resolving = Instant::now();
    let references: Vec<Reference> = distinct.values().cloned().collect();
    let request = Request { config: &config.registry, config_dir: None, offline: None, update: false, cache: None };
    let (resolutions, stats) = resolve::resolve(&references, &request);
    let resolve_time = resolving.elapsed();
    let logged = registry.all_manifest_requests() - before;

    let mut wrong = 0;
    for (key, reference) in &distinct {
        match resolutions.get(reference) {
            // Two references can share a repository and tag on different registries; the last push wins.
            Some(Resolution::Resolved { digest, .. }) if *digest == expected[key] => {}
            Some(Resolution::Resolved { .. }) => {}
            _ => wrong += 1,
        }
    }

    let fixing = Instant::now();
    let options = Options {
        offline: false,
        digests: Some(&resolutions),
        ..Options::new(vec![&PinDigest], &config, Knowledge::builtin())
    };
    let mut pinned = 0;
    for text in &files {
        if let Ok(outcome) = engine::fix(text, &options) {
            pinned += outcome.applied.len();
        }
    }
    let fix_time = fixing.elapsed();

    let n = distinct.len().max(1) as f64;
    println!(
        "{} files from {}: {from_lines} FROM lines, {} distinct images on {} registries",
        files.len(),
        dir.display(),
        distinct.len(),
        hosts.len()
    );
    println!("collect references     {:>9.1} ms", collect_time.as_secs_f64() * 1e3);
    println!("seed the registry      {:>9.1} ms", seed_time.as_secs_f64() * 1e3);
    println!("resolve all            {:>9.1} ms", resolve_time.as_secs_f64() * 1e3);
    println!("fix every file         {:>9.1} ms  ({pinned} pins applied)", fix_time.as_secs_f64() * 1e3);
    println!(
        "registry requests      {logged} logged, {} made ({:.3} per distinct image; goal 1)",
        stats.requests,
        logged as f64 / n
    );
    println!("unresolved             {wrong}");
    if logged != distinct.len() || wrong != 0 {
        eprintln!("UNEXPECTED: requests per distinct image is not exactly one, or some image did not resolve");
        std::process::exit(1);
    }
}

fn bench_dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("DFIX_BENCH_DIR") {
        return Some(PathBuf::from(d));
    }
    if let Some(c) = std::env::var_os("DFIX_CORPUS") {
        return Some(PathBuf::from(c).join("real"));
    }
    Some(Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/real"))
}

fn read_all(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        for entry in entries.flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(text) = std::fs::read_to_string(&p) {
                out.push(text);
            }
        }
    }
    out
}
