//! Throughput of the whole pipeline against a parse-only baseline, over a directory of Dockerfiles
//! (`DFIX_BENCH_DIR`, else `$DFIX_CORPUS/real`, else `../shared/corpus/real`).
//!
//! `cargo bench --bench pipeline` prints files per second for: parsing only (the Dockerfile tree and model, plus
//! every shell body), and the full pipeline (parse, all transforms, apply, re-parse to a fixed point), each on one
//! thread and on all cores, with the process's peak memory. Files are read into memory first, so disk time is not
//! measured.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use dfix::config::Config;
use dfix::engine::{self, Options};
use dfix::fix::Applicability;
use dfix::knowledge::Knowledge;
use dfix::syntax::Dockerfile;
use dfix::transforms::TRANSFORMS;
use rayon::prelude::*;

fn main() {
    // `cargo bench` passes --bench; `cargo test --all-targets` only checks that the benchmark builds and runs.
    if !std::env::args().any(|a| a == "--bench") {
        println!("pipeline benchmark: run it with `cargo bench --bench pipeline`");
        return;
    }
    let dir = bench_dir();
    let Some(dir) = dir.filter(|d| d.is_dir()) else {
        eprintln!("no benchmark directory: set DFIX_BENCH_DIR or DFIX_CORPUS");
        return;
    };
    let files = read_all(&dir);
    let bytes: usize = files.iter().map(String::len).sum();
    println!("{} files ({:.1} MiB) from {}", files.len(), bytes as f64 / 1048576.0, dir.display());

    let config = Config::default();
    let options =
        Options { required: Applicability::Unsafe, ..Options::new(TRANSFORMS.to_vec(), &config, Knowledge::builtin()) };
    let parse = |s: &String| {
        let f = Dockerfile::parse(s);
        std::hint::black_box(f.shell_error_count());
    };
    let pipeline = |s: &String| {
        std::hint::black_box(engine::fix(s, &options).ok());
    };

    let rounds = std::env::var("DFIX_BENCH_ROUNDS").ok().and_then(|r| r.parse().ok()).unwrap_or(3);
    let parse_1 = best_of(rounds, || files.iter().for_each(parse));
    let pipe_1 = best_of(rounds, || files.iter().for_each(pipeline));
    let parse_n = best_of(rounds, || files.par_iter().for_each(parse));
    let pipe_n = best_of(rounds, || files.par_iter().for_each(pipeline));

    let rate = |d: Duration| files.len() as f64 / d.as_secs_f64();
    let threads = rayon::current_num_threads();
    println!("{:<34} {:>12} {:>14}", "", "time", "files/second");
    for (name, d) in [
        ("parse only, 1 thread".to_string(), parse_1),
        ("full pipeline, 1 thread".to_string(), pipe_1),
        (format!("parse only, {threads} threads"), parse_n),
        (format!("full pipeline, {threads} threads"), pipe_n),
    ] {
        println!("{name:<34} {:>10.1}ms {:>14.0}", d.as_secs_f64() * 1e3, rate(d));
    }
    println!(
        "pipeline / parse-only time: {:.2} (1 thread), {:.2} ({threads} threads)",
        pipe_1.as_secs_f64() / parse_1.as_secs_f64(),
        pipe_n.as_secs_f64() / parse_n.as_secs_f64()
    );
    // How many times each file was parsed: once, plus once after each pass that applied fixes.
    let mut histogram = std::collections::BTreeMap::new();
    for s in &files {
        let passes = engine::fix(s, &options).map_or(0, |o| o.passes.len());
        *histogram.entry(passes).or_insert(0usize) += 1;
    }
    let total: usize = histogram.iter().map(|(p, n)| p * n).sum();
    println!(
        "fix passes per file: mean {:.2}; {}",
        total as f64 / files.len() as f64,
        histogram.iter().map(|(p, n)| format!("{p}: {n}")).collect::<Vec<_>>().join(", ")
    );
    if let Some(kib) = peak_rss_kib() {
        println!(
            "peak memory (VmHWM): {:.1} MiB, of which the files themselves: {:.1} MiB",
            kib as f64 / 1024.0,
            bytes as f64 / 1048576.0
        );
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
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(s) = std::fs::read_to_string(&p) {
                out.push(s);
            }
        }
    }
    out
}

fn best_of(rounds: usize, mut f: impl FnMut()) -> Duration {
    (0..rounds.max(1))
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .min()
        .expect("at least one round")
}

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
