//! The pre-commit hooks of `.pre-commit-hooks.yaml`, run by the real `pre-commit` (PyPI) with `pre-commit try-repo`
//! against this checkout's committed HEAD, in a temporary git repository holding a legacy Dockerfile:
//! - `dfix`: the first run fixes the file and fails (it changed something, as formatters do), the second passes;
//! - `dfix-check`: fails on a file that would change, leaving it alone, and passes on a clean one.
//!
//! pre-commit builds dfix with `cargo install` (`language: rust`) for every `try-repo` (three here). The builds share
//! one cargo target directory, `target/pre-commit`, so dfix's dependencies are compiled once per checkout (and kept
//! for the next test run), and at `opt-level` 0 (the hooks run on one small file). pre-commit is looked for in `DFIX_PRE_COMMIT`, then `.venv/bin/pre-commit`, then `PATH`;
//! without it the test is skipped with a notice, and fails when `DFIX_REQUIRE_PRE_COMMIT` is set (CI).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const LEGACY: &str = "FROM debian:12\nMAINTAINER someone\nADD app.py /app/\n";
const FIXED: &str = "FROM debian:12\nLABEL maintainer=\"someone\"\nCOPY app.py /app/\n";

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The pre-commit executable, or why there is none.
fn pre_commit() -> Result<PathBuf, String> {
    let candidates = std::env::var_os("DFIX_PRE_COMMIT")
        .map(PathBuf::from)
        .into_iter()
        .chain([manifest_dir().join(".venv/bin/pre-commit"), PathBuf::from("pre-commit")]);
    for candidate in candidates {
        let ok = Command::new(&candidate).arg("--version").output().is_ok_and(|o| o.status.success());
        if ok {
            return Ok(candidate);
        }
    }
    Err("pre-commit not found (DFIX_PRE_COMMIT, .venv/bin/pre-commit, PATH); `bash .ci/run` installs it".into())
}

fn skip_or_fail(why: &str) {
    if std::env::var_os("DFIX_REQUIRE_PRE_COMMIT").is_some() {
        panic!("DFIX_REQUIRE_PRE_COMMIT is set but {why}");
    }
    eprintln!("\n!!! SKIPPED tests/pre_commit.rs: {why}\n");
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git").arg("-C").arg(dir).args(args).output().expect("git runs");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// `pre-commit try-repo <this checkout> [<hook>] --ref <rev> --all-files` in `repo` (every hook without `hook`).
fn try_repo(pre_commit: &Path, repo: &Path, hook: Option<&str>, rev: &str) -> Output {
    let target = manifest_dir().join("target/pre-commit");
    Command::new(pre_commit)
        .current_dir(repo)
        .args(["try-repo", manifest_dir().to_str().unwrap()])
        .args(hook)
        .args(["--ref", rev, "--all-files", "--color", "never"])
        .env("CARGO_TARGET_DIR", &target)
        .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "0")
        .env("CARGO_PROFILE_RELEASE_DEBUG", "false")
        .env("PRE_COMMIT_HOME", repo.join(".pre-commit-home"))
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .output()
        .expect("pre-commit runs")
}

fn show(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

#[test]
fn hooks_fix_then_pass_and_check_fails_without_changing() {
    let pre_commit = match pre_commit() {
        Ok(p) => p,
        Err(why) => return skip_or_fail(&why),
    };
    // pre-commit clones the hooks from a commit: this checkout's HEAD must have them.
    let has_hooks = Command::new("git")
        .arg("-C")
        .arg(manifest_dir())
        .args(["cat-file", "-e", "HEAD:.pre-commit-hooks.yaml"])
        .status()
        .is_ok_and(|s| s.success());
    if !has_hooks {
        return skip_or_fail("this checkout is not a git repository whose HEAD has .pre-commit-hooks.yaml");
    }
    let rev = git(manifest_dir(), &["rev-parse", "HEAD"]);

    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path();
    git(repo, &["init", "-q"]);
    std::fs::create_dir_all(repo.join("svc")).unwrap();
    std::fs::write(repo.join("svc/Dockerfile"), LEGACY).unwrap();
    std::fs::write(repo.join("README.md"), "not a Dockerfile\n").unwrap();
    git(repo, &["add", "-A"]);

    // dfix-check: fails, and changes nothing.
    let check = try_repo(&pre_commit, repo, Some("dfix-check"), &rev);
    assert!(!check.status.success(), "dfix-check passed on a legacy Dockerfile:\n{}", show(&check));
    assert!(show(&check).contains("svc/Dockerfile: would fix"), "{}", show(&check));
    assert_eq!(std::fs::read_to_string(repo.join("svc/Dockerfile")).unwrap(), LEGACY);

    // dfix: the first run fixes the file and fails, as formatters do.
    let first = try_repo(&pre_commit, repo, Some("dfix"), &rev);
    assert!(!first.status.success(), "the first run passed:\n{}", show(&first));
    assert!(show(&first).contains("files were modified by this hook"), "{}", show(&first));
    assert_eq!(std::fs::read_to_string(repo.join("svc/Dockerfile")).unwrap(), FIXED);
    assert_eq!(std::fs::read_to_string(repo.join("README.md")).unwrap(), "not a Dockerfile\n");

    // The second run passes, and so does dfix-check (both hooks in one run: one build).
    git(repo, &["add", "-A"]);
    let second = try_repo(&pre_commit, repo, None, &rev);
    assert!(second.status.success(), "the second run failed:\n{}", show(&second));
    let passed = show(&second).lines().filter(|l| l.ends_with("Passed")).count();
    assert_eq!(passed, 2, "both hooks should run and pass:\n{}", show(&second));
}
