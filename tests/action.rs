//! The GitHub Action's logic (`.github/action/run.sh`), run for real against a temporary git repository with a
//! base and a head commit, with the real dfix and a stub `reviewdog` on PATH that records its arguments and the
//! report it was given (the real reviewdog only needs GitHub to post). Only the Dockerfiles the head commit added
//! or changed may be reported, in rdjson, with suggestions.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

const LEGACY: &str = "FROM debian:12\nMAINTAINER someone\nADD app.py /app/\n";

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"])
        .args(args)
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

fn write(root: &Path, path: &str, text: &str) {
    let path = root.join(path);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

/// A repository whose base commit has two legacy Dockerfiles, and whose head commit changes one of them, adds a
/// third (lowercase name, in a subdirectory), adds a file that is not a Dockerfile and deletes nothing.
fn repository() -> (tempfile::TempDir, String) {
    let repo = tempfile::tempdir().unwrap();
    let dir = repo.path();
    git(dir, &["init", "-q", "-b", "main"]);
    write(dir, "changed/Dockerfile", LEGACY);
    write(dir, "untouched/Dockerfile", LEGACY);
    git(dir, &["add", "."]);
    git(dir, &["commit", "-q", "-m", "base"]);
    let base = git(dir, &["rev-parse", "HEAD"]);
    write(dir, "changed/Dockerfile", &format!("{LEGACY}ADD more.py /app/\n"));
    write(dir, "services/api/api.dockerfile", LEGACY);
    write(dir, "README.md", "ADD is not a Dockerfile here\n");
    git(dir, &["add", "."]);
    git(dir, &["commit", "-q", "-m", "head"]);
    (repo, base)
}

/// A directory with a `reviewdog` that records its arguments (one a line) and stdin beside itself.
fn stub(dir: &Path) -> PathBuf {
    let bin = dir.join("bin");
    fs::create_dir_all(&bin).unwrap();
    let script = bin.join("reviewdog");
    fs::write(
        &script,
        "#!/bin/sh\nhere=$(dirname \"$0\")\nprintf '%s\\n' \"$@\" > \"$here/args\"\ncat > \"$here/stdin\"\n",
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&script, fs::Permissions::from_mode(0o755)).unwrap();
    }
    bin
}

fn run_action(repo: &Path, base: &str, bin: &Path, env: &[(&str, &str)]) -> std::process::Output {
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    Command::new("bash")
        .arg(common::manifest_dir().join(".github/action/run.sh"))
        .current_dir(repo)
        .env("PATH", path)
        .env("DFIX", env!("CARGO_BIN_EXE_dfix"))
        .env("BASE", base)
        .envs(env.iter().copied())
        .output()
        .expect("bash runs")
}

#[test]
fn reviewdog_gets_rdjson_with_suggestions_for_the_changed_dockerfiles_only() {
    let (repo, base) = repository();
    let tools = tempfile::tempdir().unwrap();
    let bin = stub(tools.path());
    let out = run_action(repo.path(), &base, &bin, &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let args = fs::read_to_string(bin.join("args")).expect("reviewdog was called");
    let args: Vec<&str> = args.lines().collect();
    for expected in ["-f=rdjson", "-name=dfix", "-reporter=github-pr-review", "-filter-mode=added", "-fail-level=none"]
    {
        assert!(args.contains(&expected), "{expected} not in {args:?}");
    }
    let report: Value = serde_json::from_str(&fs::read_to_string(bin.join("stdin")).unwrap()).expect("rdjson");
    let diagnostics = report["diagnostics"].as_array().unwrap();
    let mut paths: Vec<&str> = diagnostics.iter().map(|d| d["location"]["path"].as_str().unwrap()).collect();
    paths.sort_unstable();
    paths.dedup();
    assert_eq!(paths, ["changed/Dockerfile", "services/api/api.dockerfile"]);
    let add = diagnostics
        .iter()
        .find(|d| d["code"]["value"] == "copy-not-add" && d["location"]["path"] == "changed/Dockerfile")
        .expect("the ADD is reported");
    assert_eq!(add["suggestions"][0]["text"], "COPY");
    assert_eq!(add["severity"], "WARNING");
    // The suggestion replaces exactly the keyword `ADD` on line 3.
    assert_eq!(add["suggestions"][0]["range"]["start"], serde_json::json!({ "line": 3, "column": 1 }));
    assert_eq!(add["suggestions"][0]["range"]["end"], serde_json::json!({ "line": 3, "column": 4 }));
}

#[test]
fn inputs_reach_reviewdog_and_sarif_output_covers_the_changed_dockerfiles() {
    let (repo, base) = repository();
    let tools = tempfile::tempdir().unwrap();
    let bin = stub(tools.path());
    let out = run_action(
        repo.path(),
        &base,
        &bin,
        &[("REPORTER", "github-pr-check"), ("FILTER_MODE", "file"), ("DFIX_ARGS", "--select copy-not-add")],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let args = fs::read_to_string(bin.join("args")).unwrap();
    assert!(args.contains("-reporter=github-pr-check\n") && args.contains("-filter-mode=file\n"), "{args}");
    let report: Value = serde_json::from_str(&fs::read_to_string(bin.join("stdin")).unwrap()).unwrap();
    assert!(report["diagnostics"].as_array().unwrap().iter().all(|d| d["code"]["value"] == "copy-not-add"));

    fs::remove_file(bin.join("args")).unwrap();
    let out = run_action(repo.path(), &base, &bin, &[("OUTPUT", "sarif"), ("SARIF_FILE", "out.sarif")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!bin.join("args").exists(), "reviewdog is not called for SARIF");
    let sarif: Value = serde_json::from_str(&fs::read_to_string(repo.path().join("out.sarif")).unwrap()).unwrap();
    let mut uris: Vec<&str> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str().unwrap())
        .collect();
    uris.dedup();
    assert_eq!(uris, ["changed/Dockerfile", "services/api/api.dockerfile"]);
}

#[test]
fn no_changed_dockerfile_gives_an_empty_report() {
    let (repo, _) = repository();
    let head = git(repo.path(), &["rev-parse", "HEAD"]);
    let tools = tempfile::tempdir().unwrap();
    let bin = stub(tools.path());
    let out = run_action(repo.path(), &head, &bin, &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_str(&fs::read_to_string(bin.join("stdin")).unwrap()).unwrap();
    assert_eq!(report["diagnostics"], serde_json::json!([]));
}
