//! The machine formats (`--format`), through the real binary:
//! - golden files: each format's output on `examples/` is committed under `tests/formats/` (`DFIX_BLESS=1` rewrites
//!   them), so a change of shape shows in review;
//! - the hard property: over the whole shared corpus (`DFIX_CORPUS`, default `../shared/corpus`; skipped with a
//!   notice when absent), applying the edits of the `fixed` findings of `--format json`, and the suggestions of the
//!   `WARNING` diagnostics of `--format rdjson`, to each input gives byte for byte what `--apply` writes, with safe
//!   fixes only and with `--unsafe-fixes`;
//! - each format against its published schema and with the real consumers' validators (`tests/tools/`, installed
//!   by `.ci/run`): SARIF with Microsoft's `sarif-multitool validate` and the SARIF 2.1.0 JSON schema it ships,
//!   rdjson and rdjsonl with `rdformat-validator` and the JSON schema it ships. Skipped with a notice when the
//!   tools are not installed, unless `DFIX_REQUIRE_VALIDATORS` (or `CI`) is set;
//! - the formats combine with `--apply` and `--check`, go to `--output`, keep the exit codes, and never come with a
//!   progress bar.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn dfix() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_dfix"));
    cmd.current_dir(common::manifest_dir());
    cmd
}

fn stdout_of(cmd: &mut Command) -> (String, String, i32) {
    let out = cmd.output().expect("dfix runs");
    (
        String::from_utf8(out.stdout).expect("utf-8 stdout"),
        String::from_utf8(out.stderr).expect("utf-8 stderr"),
        out.status.code().unwrap_or(-1),
    )
}

const GOLDEN: &[(&str, &str)] = &[
    ("json", "examples.json"),
    ("sarif", "examples.sarif"),
    ("rdjson", "examples.rdjson"),
    ("rdjsonl", "examples.rdjsonl"),
    ("github", "examples.github.txt"),
    ("gitlab", "examples.gitlab.json"),
    ("summary", "examples.summary.txt"),
];

#[test]
fn golden_output_per_format_on_the_examples() {
    let bless = std::env::var_os("DFIX_BLESS").is_some();
    let mut stale = Vec::new();
    for (format, file) in GOLDEN {
        // A fixed day: eol-base's findings on the examples' bases do not change with the date of the run.
        let (out, err, code) = stdout_of(dfix().args(["--format", format, "--as-of", "2026-12-04", "examples"]));
        assert_eq!(code, 1, "--format {format}: the examples would change, so the exit status is 1\n{err}");
        let path = common::manifest_dir().join("tests/formats").join(file);
        if bless {
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(&path, &out).unwrap();
        } else if fs::read_to_string(&path).ok().as_deref() != Some(out.as_str()) {
            stale.push(format!("{format} (tests/formats/{file})"));
        }
    }
    assert!(
        stale.is_empty(),
        "output differs from the golden files for: {}; rerun with DFIX_BLESS=1",
        stale.join(", ")
    );
}

/// `(line, column)` (1-based, UTF-8 bytes) to a byte offset in `text`.
fn offset(text: &str, line: u64, column: u64) -> usize {
    let start: usize = text.split_inclusive('\n').take(line as usize - 1).map(str::len).sum();
    start + column as usize - 1
}

fn apply(text: &str, mut edits: Vec<(usize, usize, String)>) -> String {
    edits.sort_by_key(|(s, e, _)| (*s, *e));
    let mut out = String::new();
    let mut last = 0;
    for (start, end, content) in edits {
        assert!(start >= last, "overlapping edits at byte {start}");
        out.push_str(&text[last..start]);
        out.push_str(&content);
        last = end;
    }
    out.push_str(&text[last..]);
    out
}

/// For each file of a json report: the edits of its fixed findings, as byte offsets (checked against the lines and
/// columns given beside them).
fn json_edits(report: &Value, inputs: &BTreeMap<String, String>) -> BTreeMap<String, Vec<(usize, usize, String)>> {
    assert_eq!(report["version"], 1);
    let mut all = BTreeMap::new();
    for file in report["files"].as_array().expect("files") {
        let path = file["path"].as_str().unwrap().to_string();
        let text = &inputs[&path];
        let mut edits = Vec::new();
        for f in file["findings"].as_array().unwrap() {
            if f["status"] != "fixed" {
                continue;
            }
            for e in f["fix"]["edits"].as_array().unwrap() {
                let (s, t) = (&e["range"]["start"], &e["range"]["end"]);
                let start = s["offset"].as_u64().unwrap() as usize;
                let end = t["offset"].as_u64().unwrap() as usize;
                assert_eq!(offset(text, s["line"].as_u64().unwrap(), s["column"].as_u64().unwrap()), start, "{path}");
                assert_eq!(offset(text, t["line"].as_u64().unwrap(), t["column"].as_u64().unwrap()), end, "{path}");
                edits.push((start, end, e["content"].as_str().unwrap().to_string()));
            }
        }
        all.insert(path, edits);
    }
    all
}

/// For each file of an rdjson report: the suggestions of its WARNING diagnostics (the fixes `--apply` makes).
fn rdjson_edits(report: &Value, inputs: &BTreeMap<String, String>) -> BTreeMap<String, Vec<(usize, usize, String)>> {
    let mut all: BTreeMap<String, Vec<_>> = BTreeMap::new();
    for d in report["diagnostics"].as_array().expect("diagnostics") {
        let path = d["location"]["path"].as_str().unwrap().to_string();
        assert!(d["code"]["value"].is_string());
        if d["severity"] != "WARNING" {
            continue;
        }
        let text = &inputs[&path];
        let suggestions = d["suggestions"].as_array().map_or(&[][..], |s| &s[..]);
        // What reviewdog's GitHub reporter needs: one suggestion per diagnostic, on lines that exist.
        assert!(suggestions.len() <= 1, "{path}: a diagnostic with several suggestions: {d}");
        let lines: Vec<&str> = text.split_inclusive('\n').collect();
        for s in suggestions {
            // Known exception: an insertion at the very end, where another finding edits the end of the last
            // line, stays after the final newline (moving it before would make the order of the two ambiguous).
            if s["range"]["start"] == s["range"]["end"]
                && s["range"]["start"]["line"].as_u64() == Some(lines.len() as u64 + 1)
                && s["range"]["start"]["column"] == 1
            {
                continue;
            }
            for p in [&s["range"]["start"], &s["range"]["end"]] {
                let (line, column) = (p["line"].as_u64().unwrap() as usize, p["column"].as_u64().unwrap() as usize);
                assert!(line >= 1 && line <= lines.len(), "{path}: suggestion on line {line} of {}: {d}", lines.len());
                assert!(column <= lines[line - 1].trim_end_matches('\n').len() + 1, "{path}: column {column}: {d}");
            }
        }
        for s in suggestions {
            let at = |p: &Value| offset(text, p["line"].as_u64().unwrap(), p["column"].as_u64().unwrap());
            all.entry(path.clone()).or_default().push((
                at(&s["range"]["start"]),
                at(&s["range"]["end"]),
                s["text"].as_str().unwrap().to_string(),
            ));
        }
    }
    all
}

fn corpus_property(unsafe_fixes: bool) {
    let Some(dir) = common::corpus_dir() else {
        common::skip("shared corpus not found (set DFIX_CORPUS)");
        return;
    };
    let files = common::corpus_files(&dir);
    // A writable copy, named by number: the reports name the copies, the originals stay untouched.
    let tmp = tempfile::tempdir().unwrap();
    let mut inputs: BTreeMap<String, String> = BTreeMap::new();
    let mut originals: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    let mut paths = Vec::new();
    for (i, file) in files.iter().enumerate() {
        let bytes = fs::read(file).unwrap();
        let copy = tmp.path().join(format!("{i:05}.Dockerfile"));
        fs::write(&copy, &bytes).unwrap();
        let key = copy.to_str().unwrap().to_string();
        if let Ok(text) = String::from_utf8(bytes.clone()) {
            inputs.insert(key.clone(), text);
        }
        originals.insert(key, bytes);
        paths.push(copy);
    }
    let mode: &[&str] = if unsafe_fixes { &["--unsafe-fixes"] } else { &[] };
    let report = |format: &str| -> Value {
        let list = tmp.path().join(format!("out.{format}"));
        let out = dfix()
            .args(mode)
            .args(["--format", format, "--output"])
            .arg(&list)
            .args(&paths)
            .output()
            .expect("dfix runs");
        assert!(matches!(out.status.code(), Some(0..=2)), "{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_str(&fs::read_to_string(&list).unwrap()).expect("the report is JSON")
    };
    let json = json_edits(&report("json"), &inputs);
    let rdjson = rdjson_edits(&report("rdjson"), &inputs);

    let out = dfix().args(mode).arg("--apply").args(&paths).output().expect("dfix runs");
    assert!(matches!(out.status.code(), Some(0 | 2)), "{}", String::from_utf8_lossy(&out.stderr));

    let (mut changed, mut failures) = (0, Vec::new());
    for path in &paths {
        let key = path.to_str().unwrap();
        let written = fs::read(path).unwrap();
        let Some(input) = inputs.get(key) else {
            assert_eq!(written, originals[key], "{key}: not UTF-8, must be left alone");
            continue;
        };
        if written != originals[key] {
            changed += 1;
        }
        let none = Vec::new();
        let from_json = apply(input, json.get(key).cloned().unwrap_or_default());
        let from_rdjson = apply(input, rdjson.get(key).cloned().unwrap_or_else(|| none.clone()));
        if from_json.as_bytes() != written {
            failures.push(format!("{key} (json)"));
        }
        if from_rdjson.as_bytes() != written {
            failures.push(format!("{key} (rdjson)"));
        }
    }
    common::say(&format!(
        "formats: {} corpus files, {changed} changed by --apply{}; json and rdjson edits reproduce it for all but {}",
        paths.len(),
        if unsafe_fixes { " --unsafe-fixes" } else { "" },
        failures.len()
    ));
    assert!(changed > 0, "the corpus run changed nothing: the property would hold vacuously");
    assert!(failures.is_empty(), "edits do not reproduce --apply for:\n{}", failures.join("\n"));
}

#[test]
fn json_and_rdjson_edits_reproduce_apply_over_the_corpus_safe() {
    corpus_property(false);
}

#[test]
fn json_and_rdjson_edits_reproduce_apply_over_the_corpus_unsafe() {
    corpus_property(true);
}

fn legacy_copy() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let text = fs::read_to_string(common::manifest_dir().join("examples/legacy/Dockerfile")).unwrap();
    fs::write(tmp.path().join("Dockerfile"), text).unwrap();
    tmp
}

#[test]
fn format_with_apply_reports_what_was_written_and_keeps_exit_codes() {
    let tmp = legacy_copy();
    let input = fs::read_to_string(tmp.path().join("Dockerfile")).unwrap();
    let (out, err, code) = stdout_of(dfix().current_dir(tmp.path()).args(["--apply", "--format", "json"]));
    assert_eq!(code, 0, "{err}");
    let report: Value = serde_json::from_str(&out).expect("stdout is only the JSON report");
    assert_eq!(report["mode"], "apply");
    assert_eq!(report["files"][0]["path"], "Dockerfile");
    let written = fs::read_to_string(tmp.path().join("Dockerfile")).unwrap();
    assert_ne!(written, input);
    let inputs = BTreeMap::from([("Dockerfile".to_string(), input.clone())]);
    assert_eq!(apply(&input, json_edits(&report, &inputs).remove("Dockerfile").unwrap()), written);
    // Unsafe and display-only fixes are listed too, marked, though not applied.
    let statuses: Vec<&str> =
        report["files"][0]["findings"].as_array().unwrap().iter().map(|f| f["status"].as_str().unwrap()).collect();
    assert!(statuses.contains(&"held-back"), "{statuses:?}");
    // No progress bar: stderr is a pipe.
    assert!(!err.contains('\r') && !err.contains("Dockerfiles 0"), "{err:?}");

    // A second run: nothing to fix, every remaining finding held back, exit 0.
    let (out, _, code) = stdout_of(dfix().current_dir(tmp.path()).args(["--check", "--format", "sarif"]));
    assert_eq!(code, 0);
    let sarif: Value = serde_json::from_str(&out).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(!results.is_empty() && results.iter().all(|r| r["level"] == "note"), "{results:?}");
}

#[test]
fn apply_on_a_pipe_shows_no_progress_bar() {
    let tmp = tempfile::tempdir().unwrap();
    let text = fs::read_to_string(common::manifest_dir().join("examples/legacy/Dockerfile")).unwrap();
    for i in 0..40 {
        fs::create_dir_all(tmp.path().join(format!("d{i}"))).unwrap();
        fs::write(tmp.path().join(format!("d{i}/Dockerfile")), &text).unwrap();
    }
    let (out, err, code) = stdout_of(dfix().current_dir(tmp.path()).arg("--apply"));
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, "");
    // Plain lines only: no carriage returns or cursor movement, and the summary at the end.
    assert!(!err.contains('\r') && !err.contains('\x1b'), "{err:?}");
    assert!(err.contains("\n40 Dockerfiles scanned, 40 fixed\n"), "{err}");
}

#[test]
fn check_with_a_format_exits_1_and_output_goes_to_the_file() {
    let tmp = legacy_copy();
    let (out, err, code) =
        stdout_of(dfix().current_dir(tmp.path()).args(["--check", "--format", "rdjsonl", "--output", "r.jsonl"]));
    assert_eq!(code, 1, "{err}");
    assert_eq!(out, "", "the report goes to --output, not stdout");
    let lines = fs::read_to_string(tmp.path().join("r.jsonl")).unwrap();
    assert!(lines.lines().count() > 3);
    for line in lines.lines() {
        let d: Value = serde_json::from_str(line).unwrap();
        assert_eq!(d["location"]["path"], "Dockerfile");
    }
    // A file that does not parse: exit 2, and the error is in the report.
    fs::write(tmp.path().join("Dockerfile"), "FROM a\nRUN cat <<EOF\n").unwrap();
    let (out, _, code) = stdout_of(dfix().current_dir(tmp.path()).args(["--format", "json"]));
    assert_eq!(code, 2);
    let report: Value = serde_json::from_str(&out).unwrap();
    assert!(!report["files"][0]["errors"].as_array().unwrap().is_empty(), "{report}");
}

#[test]
fn github_format_is_workflow_commands_only() {
    let (out, _, _) = stdout_of(dfix().args(["--format", "github", "examples/legacy"]));
    assert!(!out.is_empty());
    for line in out.lines() {
        assert!(
            line.starts_with("::warning file=examples/legacy/Dockerfile,line=")
                || line.starts_with("::notice file=examples/legacy/Dockerfile,line="),
            "{line}"
        );
    }
}

// --- Validation with the consumers' own tools ---------------------------------------------------------------------

fn validators_required() -> bool {
    let set = |name: &str| std::env::var(name).is_ok_and(|v| !v.is_empty() && v != "0");
    set("DFIX_REQUIRE_VALIDATORS") || set("CI")
}

/// `tests/tools/node_modules`, when `.ci/run` (or `npm install --prefix tests/tools`) installed it.
fn tools() -> Option<PathBuf> {
    let dir = common::manifest_dir().join("tests/tools");
    if dir.join("node_modules/@umbrelladocs/rdformat-validator").is_dir()
        && dir.join("node_modules/@microsoft/sarif-multitool-linux").is_dir()
    {
        return Some(dir);
    }
    let what = "format validators not installed (run: npm install --prefix tests/tools)";
    if validators_required() {
        panic!("{what} (required because DFIX_REQUIRE_VALIDATORS or CI is set)");
    }
    common::skip(&format!("{what}\n!! (set DFIX_REQUIRE_VALIDATORS=1 to make this an error)"));
    None
}

fn run_ok(cmd: &mut Command, what: &str) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("{what}: {e}"));
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{what} failed:\n{text}");
    text
}

/// The outputs to validate: the examples with unsafe fixes listed (held back) and applied, so that every kind of
/// finding and fix appears.
fn outputs(format: &str, dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for (name, extra) in [("safe", None), ("unsafe", Some("--unsafe-fixes"))] {
        let path = dir.join(format!("{name}.{format}"));
        dfix().args(["--format", format, "--output"]).arg(&path).args(extra).arg("examples").output().unwrap();
        assert!(fs::metadata(&path).unwrap().len() > 0);
        files.push(path);
    }
    files
}

#[test]
fn sarif_passes_the_sarif_multitool_and_the_schema() {
    let Some(tools) = tools() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let multitool = tools.join("node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool");
    let schema = tools.join("node_modules/@microsoft/sarif-multitool-linux/sarif-2.1.0.json");
    for file in outputs("sarif", tmp.path()) {
        let log = file.with_extension("validation.sarif");
        run_ok(
            // Without ICU installed, .NET needs to be told to do without it.
            Command::new(&multitool)
                .env("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT", "1")
                .arg("validate")
                .arg(&file)
                .arg("--output")
                .arg(&log),
            "sarif-multitool validate",
        );
        // The validator writes what it found as SARIF: no error, and no warning but SARIF2005 (the tool's
        // `informationUri`, given once the package names its repository).
        let found: Value = serde_json::from_str(&fs::read_to_string(&log).unwrap()).unwrap();
        let problems: Vec<&Value> = found["runs"][0]["results"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|r| r["level"] == "error" || r["ruleId"] != "SARIF2005")
            .collect();
        assert!(problems.is_empty(), "sarif-multitool found problems in {}:\n{problems:#?}", file.display());
        run_ok(
            Command::new("node").arg(tools.join("validate.js")).arg("sarif").arg(&schema).arg(&file),
            "JSON schema validation (SARIF 2.1.0)",
        );
    }
}

#[test]
fn rdjson_and_rdjsonl_pass_rdformat_validator_and_the_schema() {
    let Some(tools) = tools() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let validator = tools.join("node_modules/@umbrelladocs/rdformat-validator/bin/rdformat-validator.js");
    for file in outputs("rdjson", tmp.path()) {
        run_ok(Command::new("node").arg(&validator).arg("--strict").arg(&file), "rdformat-validator");
        run_ok(Command::new("node").arg(tools.join("validate.js")).arg("rdjson").arg(&file), "rdjson schema");
    }
    for file in outputs("rdjsonl", tmp.path()) {
        // rdjsonl is one Diagnostic per line: each is validated on its own.
        for (i, line) in fs::read_to_string(&file).unwrap().lines().enumerate() {
            let one = tmp.path().join(format!("line{i}.json"));
            fs::write(&one, line).unwrap();
            run_ok(Command::new("node").arg(tools.join("validate.js")).arg("rdjsonl").arg(&one), "rdjsonl schema");
        }
    }
}

#[test]
fn readme_json_example_is_real_output() {
    let readme = fs::read_to_string(common::manifest_dir().join("README.md")).unwrap();
    let section = &readme[readme.find("### JSON output").expect("README documents the JSON output")..];
    let block = &section[section.find("```json\n").unwrap() + 8..];
    let example: Value = serde_json::from_str(&block[..block.find("```").unwrap()]).expect("the example is JSON");
    let (out, _, _) = stdout_of(dfix().args(["--format", "json", "examples/legacy"]));
    let real: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(example["version"], real["version"]);
    assert_eq!(example["mode"], real["mode"]);
    let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&example), keys(&real));
    let file = &example["files"][0];
    assert_eq!(keys(file), keys(&real["files"][0]));
    assert_eq!(file["path"], real["files"][0]["path"]);
    let finding = &file["findings"][0];
    assert!(
        real["files"][0]["findings"].as_array().unwrap().contains(finding),
        "the README's finding is not in the real output:\n{finding:#}"
    );
}
