//! Helpers shared by integration tests: the shared corpus and BuildKit's parser as an oracle.
//!
//! The oracle is `tests/oracle/buildkit_dump.py`, run with a Python that has the PyPI package
//! `dockerfile` (BuildKit's own parser, compiled). See that script for what BuildKit reports.
//!
//! Environment:
//! - `DFIX_CORPUS`: the corpus directory (default `../shared/corpus` beside the crate).
//! - `DFIX_BUILDKIT_PYTHON`: the Python to run the oracle with (default `.venv/bin/python`,
//!   then `python3`).
//! - `DFIX_REQUIRE_ORACLE=1` or `CI`: a missing oracle fails the test instead of skipping it.
//!   A missing corpus is always a (loud) skip, unless `DFIX_CORPUS` names it explicitly.

#![allow(dead_code)]

pub mod docker;
pub mod invariants;
pub mod preserved;

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use dfix::syntax::Dockerfile;
use serde::Deserialize;

pub fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Whether a missing oracle must fail the test rather than skip it.
pub fn oracle_required() -> bool {
    let set = |name: &str| {
        std::env::var(name).map(|v| !v.is_empty() && v != "0" && !v.eq_ignore_ascii_case("false")).unwrap_or(false)
    };
    set("DFIX_REQUIRE_ORACLE") || set("CI")
}

/// Writes straight to the process's stderr, past the test harness's output capture, so that
/// skip notices and counts show in CI logs even when the test passes.
pub fn say(text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(text.as_bytes());
    let _ = err.write_all(b"\n");
}

/// Prints a loud notice that a test is skipped.
pub fn skip(what: &str) {
    let bar = "!".repeat(78);
    say(&format!("\n{bar}\n!! SKIPPED: {what}\n{bar}\n"));
}

/// Skips loudly, or panics if the oracle is required (`DFIX_REQUIRE_ORACLE` or `CI`).
pub fn skip_or_fail(what: &str) {
    if oracle_required() {
        panic!("{what} (required because DFIX_REQUIRE_ORACLE or CI is set)");
    }
    skip(&format!("{what}\n!! (set DFIX_REQUIRE_ORACLE=1 to make this an error)"));
}

/// The shared corpus directory: `DFIX_CORPUS`, else `../shared/corpus` beside the crate.
/// `None` when the default is absent; panics when `DFIX_CORPUS` names a missing directory.
pub fn corpus_dir() -> Option<PathBuf> {
    match std::env::var_os("DFIX_CORPUS") {
        Some(dir) if !dir.is_empty() => {
            let dir = PathBuf::from(dir);
            assert!(dir.is_dir(), "DFIX_CORPUS={} is not a directory", dir.display());
            Some(dir)
        }
        _ => {
            let dir = manifest_dir().join("../shared/corpus");
            dir.is_dir().then(|| dir.canonicalize().unwrap_or(dir))
        }
    }
}

/// Every corpus file (recursively, sorted), except `MANIFEST.tsv`.
pub fn corpus_files(dir: &Path) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name();
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                if !name.to_string_lossy().starts_with('.') {
                    walk(&path, out);
                }
            } else if kind.is_file() && name != "MANIFEST.tsv" {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, &mut out);
    out.sort();
    out
}

/// One instruction as BuildKit sees it. Lines are 1-based and inclusive.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct OracleInstruction {
    /// Lowercased keyword ("onbuild" for ONBUILD).
    pub cmd: Option<String>,
    /// Lowercased ONBUILD trigger keyword.
    pub sub_cmd: Option<String>,
    pub start_line: usize,
    pub end_line: usize,
    pub flags: Vec<String>,
    pub json: bool,
    /// The arguments as BuildKit splits them (absent from older dumps).
    #[serde(default)]
    pub value: Vec<String>,
}

/// BuildKit's verdict on one file or text.
#[derive(Debug, Clone, Deserialize)]
pub struct OracleResult {
    pub path: String,
    /// Accepted: parsed, and every instruction (and ONBUILD trigger) is a known one.
    pub ok: bool,
    /// BuildKit's parser returned without error.
    pub parsed: bool,
    pub utf8: bool,
    pub error: Option<String>,
    pub instructions: Vec<OracleInstruction>,
}

/// A Python that can `import dockerfile`.
pub struct Oracle {
    pub python: PathBuf,
    pub script: PathBuf,
}

impl Oracle {
    /// Finds a Python with the `dockerfile` package, or says why there is none.
    pub fn locate() -> Result<Oracle, String> {
        let mut candidates = Vec::new();
        match std::env::var_os("DFIX_BUILDKIT_PYTHON") {
            Some(p) if !p.is_empty() => candidates.push(PathBuf::from(p)),
            _ => {
                candidates.push(manifest_dir().join(".venv/bin/python"));
                candidates.push(PathBuf::from("python3"));
            }
        }
        let script = manifest_dir().join("tests/oracle/buildkit_dump.py");
        let mut tried = Vec::new();
        for python in candidates {
            let works = Command::new(&python)
                .args(["-c", "import dockerfile"])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .map(|s| s.success())
                .unwrap_or(false);
            if works {
                return Ok(Oracle { python, script });
            }
            tried.push(python.display().to_string());
        }
        Err(format!(
            "BuildKit oracle unavailable: none of [{}] can `import dockerfile` \
             (python3 -m venv .venv && .venv/bin/pip install dockerfile==3.4.0, \
             or set DFIX_BUILDKIT_PYTHON)",
            tried.join(", ")
        ))
    }

    /// Finds the oracle; `None` (after a loud notice) when it is missing and not required.
    pub fn locate_or_skip() -> Option<Oracle> {
        match Oracle::locate() {
            Ok(oracle) => Some(oracle),
            Err(why) => {
                skip_or_fail(&why);
                None
            }
        }
    }

    fn run(&self, args: &[&str], stdin: String) -> Vec<OracleResult> {
        let mut child = Command::new(&self.python)
            .arg(&self.script)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", self.python.display()));
        let mut pipe = child.stdin.take().unwrap();
        let writer = std::thread::spawn(move || pipe.write_all(stdin.as_bytes()));
        let output = child.wait_with_output().expect("oracle did not finish");
        writer.join().unwrap().expect("cannot feed the oracle");
        assert!(output.status.success(), "oracle failed: {}", output.status);
        let stdout = String::from_utf8(output.stdout).expect("oracle printed non-UTF-8");
        stdout
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad oracle line {l:?}: {e}")))
            .collect()
    }

    /// BuildKit's verdict on each file, in order (one Python run for all of them).
    pub fn dump_paths(&self, paths: &[PathBuf]) -> Vec<OracleResult> {
        let mut list = String::new();
        for p in paths {
            let s = p.to_str().expect("non-UTF-8 path");
            assert!(!s.contains('\n'), "newline in path {s:?}");
            list.push_str(s);
            list.push('\n');
        }
        let out = self.run(&["-"], list);
        assert_eq!(out.len(), paths.len(), "oracle returned a different number of results");
        out
    }

    /// BuildKit's verdict on each `(name, text)`, in order (one Python run for all of them).
    pub fn dump_texts(&self, cases: &[(String, String)]) -> Vec<OracleResult> {
        let mut input = String::new();
        for (name, text) in cases {
            input.push_str(&serde_json::json!({ "name": name, "text": text }).to_string());
            input.push('\n');
        }
        let out = self.run(&["--texts"], input);
        assert_eq!(out.len(), cases.len(), "oracle returned a different number of results");
        out
    }
}

/// One instruction as dfix's model sees it, in BuildKit's terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelInstruction {
    /// The keyword as written, lowercased.
    pub keyword: String,
    /// `InstructionKind::as_str()`.
    pub kind: &'static str,
    pub start_line: usize,
    pub end_line: usize,
}

/// dfix's instructions for `text`, or its syntax errors.
pub fn model_instructions(text: &str) -> Result<Vec<ModelInstruction>, String> {
    let file = Dockerfile::parse(text);
    if !file.errors().is_empty() {
        let mut msg = String::new();
        for (i, e) in file.errors().iter().enumerate() {
            if i == 3 {
                let _ = write!(msg, "; ... ({} errors)", file.errors().len());
                break;
            }
            if i > 0 {
                msg.push_str("; ");
            }
            let _ = write!(msg, "{}:{}: {}", e.line, e.column, e.message);
        }
        return Err(msg);
    }
    Ok(file
        .instructions()
        .iter()
        .map(|ins| {
            let end = ins.range.end.max(ins.range.start);
            ModelInstruction {
                keyword: text.get(ins.keyword.clone()).unwrap_or("<bad keyword range>").to_ascii_lowercase(),
                kind: ins.kind.as_str(),
                start_line: file.line_col(ins.range.start).0,
                end_line: file.line_col(end).0,
            }
        })
        .collect())
}

/// How dfix and BuildKit disagree about one accepted file.
#[derive(Debug, Clone)]
pub enum Disagreement {
    /// dfix reports syntax errors for a file BuildKit accepts.
    ParseError(String),
    /// Both parse it, but the instruction lists differ.
    Instructions(String),
}

impl std::fmt::Display for Disagreement {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Disagreement::ParseError(e) => write!(f, "dfix reports errors: {e}"),
            Disagreement::Instructions(d) => write!(f, "{d}"),
        }
    }
}

fn describe_oracle(i: &OracleInstruction) -> String {
    format!("{} {}-{}", i.cmd.as_deref().unwrap_or("<none>"), i.start_line, i.end_line)
}

fn describe_model(i: &ModelInstruction) -> String {
    let name = if i.kind == i.keyword { i.keyword.clone() } else { format!("{}[kind {}]", i.keyword, i.kind) };
    format!("{name} {}-{}", i.start_line, i.end_line)
}

/// Compares dfix's model of `text` with BuildKit's accepted parse of it.
/// Instruction names, start and end lines (1-based) and the number of instructions must match.
pub fn compare(text: &str, oracle: &OracleResult) -> Result<(), Disagreement> {
    let model = model_instructions(text).map_err(Disagreement::ParseError)?;
    let theirs = &oracle.instructions;
    let same = |m: &ModelInstruction, o: &OracleInstruction| {
        let cmd = o.cmd.as_deref().unwrap_or("");
        m.keyword == cmd && m.kind == cmd && m.start_line == o.start_line && m.end_line == o.end_line
    };
    if model.len() == theirs.len() && model.iter().zip(theirs).all(|(m, o)| same(m, o)) {
        return Ok(());
    }
    let mut msg = String::new();
    if model.len() != theirs.len() {
        let _ = write!(msg, "{} instructions in dfix, {} in BuildKit; ", model.len(), theirs.len());
    }
    let mut shown = 0;
    for i in 0..model.len().max(theirs.len()) {
        let (m, o) = (model.get(i), theirs.get(i));
        if let (Some(m), Some(o)) = (m, o)
            && same(m, o)
        {
            continue;
        }
        if shown == 4 {
            msg.push_str("...");
            break;
        }
        shown += 1;
        let _ = write!(
            msg,
            "#{}: dfix {} / buildkit {}; ",
            i + 1,
            m.map(describe_model).unwrap_or_else(|| "-".into()),
            o.map(describe_oracle).unwrap_or_else(|| "-".into()),
        );
    }
    Err(Disagreement::Instructions(msg.trim_end_matches("; ").to_string()))
}

/// The outcome of checking a batch against BuildKit.
#[derive(Debug, Default)]
pub struct AgreementReport {
    pub files: usize,
    /// Not valid UTF-8 (skipped on both sides).
    pub non_utf8: usize,
    pub buildkit_parsed: usize,
    pub buildkit_accepted: usize,
    /// Accepted by BuildKit and parsed without error by dfix.
    pub dfix_parsed: usize,
    /// Accepted by BuildKit, parsed by dfix, and the instruction lists match.
    pub agreed: usize,
    /// Rejected by BuildKit (or an unknown instruction) and dfix reports errors too.
    pub both_rejected: usize,
    pub mismatches: Vec<(String, Disagreement)>,
}

impl AgreementReport {
    /// The share of BuildKit-accepted files that dfix parses and agrees on (1.0 when none).
    pub fn agreement(&self) -> f64 {
        if self.buildkit_accepted == 0 { 1.0 } else { self.agreed as f64 / self.buildkit_accepted as f64 }
    }

    pub fn summary(&self) -> String {
        format!(
            "files {}, non-UTF-8 {} (skipped), parsed by BuildKit {}, accepted by BuildKit {}, \
             parsed by dfix (of accepted) {}, agreeing {}, mismatches {} ({:.3}% agree); \
             rejected by BuildKit and with dfix errors {} of {}",
            self.files,
            self.non_utf8,
            self.buildkit_parsed,
            self.buildkit_accepted,
            self.dfix_parsed,
            self.agreed,
            self.mismatches.len(),
            self.agreement() * 100.0,
            self.both_rejected,
            self.files - self.non_utf8 - self.buildkit_accepted,
        )
    }

    /// Prints the summary and the first `limit` mismatches to stderr.
    pub fn print(&self, title: &str, limit: usize) {
        let mut out = format!("== {title}: {}", self.summary());
        for (name, d) in self.mismatches.iter().take(limit) {
            let _ = write!(out, "\n  MISMATCH {name}: {d}");
        }
        if self.mismatches.len() > limit {
            let _ = write!(out, "\n  ... and {} more", self.mismatches.len() - limit);
        }
        say(&out);
    }

    fn add(&mut self, name: &str, text: Option<&str>, oracle: &OracleResult) {
        self.files += 1;
        let Some(text) = text.filter(|_| oracle.utf8) else {
            self.non_utf8 += 1;
            return;
        };
        self.buildkit_parsed += usize::from(oracle.parsed);
        if !oracle.ok {
            if model_instructions(text).is_err() {
                self.both_rejected += 1;
            }
            return;
        }
        self.buildkit_accepted += 1;
        match compare(text, oracle) {
            Ok(()) => {
                self.dfix_parsed += 1;
                self.agreed += 1;
            }
            Err(d) => {
                if matches!(d, Disagreement::Instructions(_)) {
                    self.dfix_parsed += 1;
                }
                self.mismatches.push((name.to_string(), d));
            }
        }
    }
}

/// Checks dfix against BuildKit on any `(name, text)` pairs (for example generated ones).
pub fn check_texts(oracle: &Oracle, cases: &[(String, String)]) -> AgreementReport {
    let verdicts = oracle.dump_texts(cases);
    let mut report = AgreementReport::default();
    for ((name, text), verdict) in cases.iter().zip(&verdicts) {
        report.add(name, Some(text), verdict);
    }
    report
}

/// Checks dfix against BuildKit on files; names are shown relative to `base`.
pub fn check_files(oracle: &Oracle, base: &Path, paths: &[PathBuf]) -> AgreementReport {
    let verdicts = oracle.dump_paths(paths);
    let mut report = AgreementReport::default();
    for (path, verdict) in paths.iter().zip(&verdicts) {
        let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        let text = String::from_utf8(bytes).ok();
        let name = path.strip_prefix(base).unwrap_or(path).display().to_string();
        report.add(&name, text.as_deref(), verdict);
    }
    report
}
