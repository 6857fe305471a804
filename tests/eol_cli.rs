//! `eol-base` on the command line: `--as-of` and `as-of` in dfix.toml, the summary line, the warning about an old
//! table, and a moved tag pinned in the same run when `pin-digest` runs too. Each test runs the real binary in its
//! own temporary directory, always with a fixed day.

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;
use tempfile::TempDir;

fn dfix(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_dfix"));
    cmd.current_dir(dir).env("DFIX_CACHE_DIR", dir.join(".cache")).env_remove("NO_COLOR");
    cmd
}

fn tree(files: &[(&str, &str)]) -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, contents) in files {
        let path = dir.path().join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, contents).unwrap();
    }
    dir
}

const STRETCH: &str = "FROM debian:stretch-slim\nRUN echo hi\n";

#[test]
fn as_of_decides_on_which_side_of_the_end_date_a_run_is() {
    let dir = tree(&[("Dockerfile", STRETCH)]);
    // Debian stretch's LTS ended on 2022-07-01: still supported that day.
    dfix(dir.path())
        .args(["--select", "eol-base", "--as-of", "2022-07-01"])
        .assert()
        .code(0)
        .stderr(predicate::str::contains("eol-base").not());
    dfix(dir.path())
        .args(["--select", "eol-base", "--as-of", "2022-07-02"])
        .assert()
        .code(0)
        .stderr(predicate::str::contains(
            "Dockerfile:1:6: note: `debian:stretch-slim`: Debian stretch (9) reached end of life on 2022-07-01",
        ))
        .stderr(predicate::str::contains("--unsafe-fixes moves it to `debian:bullseye-slim` [eol-base]"))
        .stderr(predicate::str::contains("1 Dockerfile on end-of-life base images (eol-base)"))
        .stderr(predicate::str::contains("1 unsafe fix held back"));
    dfix(dir.path())
        .args(["--select", "eol-base", "--as-of", "2026-12-04", "--unsafe-fixes", "--apply"])
        .assert()
        .code(0)
        .stderr(predicate::str::contains("1 Dockerfile on end-of-life base images (eol-base)"));
    assert_eq!(fs::read_to_string(dir.path().join("Dockerfile")).unwrap(), "FROM debian:trixie-slim\nRUN echo hi\n");
}

#[test]
fn as_of_in_dfix_toml_and_the_command_line_wins() {
    let dir = tree(&[("dfix.toml", "as-of = \"2022-07-01\"\nselect = [\"eol-base\"]\n"), ("Dockerfile", STRETCH)]);
    dfix(dir.path()).assert().code(0).stderr(predicate::str::contains("end-of-life").not());
    dfix(dir.path())
        .args(["--as-of", "2023-01-01"])
        .assert()
        .code(0)
        .stderr(predicate::str::contains("1 Dockerfile on end-of-life base images"));
}

#[test]
fn bad_dates_are_usage_errors() {
    let dir = tree(&[("Dockerfile", STRETCH)]);
    dfix(dir.path())
        .args(["--as-of", "2023-02-30"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a date; write it as YYYY-MM-DD"));
    let dir = tree(&[("dfix.toml", "as-of = \"yesterday\"\n"), ("Dockerfile", STRETCH)]);
    dfix(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("dfix.toml"))
        .stderr(predicate::str::contains("as-of = \"yesterday\" is not a date"));
    assert_eq!(fs::read_to_string(dir.path().join("Dockerfile")).unwrap(), STRETCH);
}

#[test]
fn an_old_table_is_warned_about_once() {
    let dir = tree(&[("a/Dockerfile", STRETCH), ("b/Dockerfile", "FROM alpine:3.10\n")]);
    let warning = "warning: dfix's end-of-life table was last checked on";
    let output = dfix(dir.path()).args(["--select", "eol-base", "--as-of", "2030-01-01"]).output().unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(stderr.matches(warning).count(), 1, "{stderr}");
    assert!(stderr.contains("2 Dockerfiles on end-of-life base images"), "{stderr}");
    dfix(dir.path())
        .args(["--select", "eol-base", "--as-of", "2026-12-04"])
        .assert()
        .stderr(predicate::str::contains(warning).not());
    // Not selected: no warning.
    dfix(dir.path())
        .args(["--select", "maintainer-label", "--as-of", "2030-01-01"])
        .assert()
        .stderr(predicate::str::contains(warning).not());
}

/// The moved tag is looked up with pin-digest's lookups (here from dfix.lock, offline) and pinned in the same run;
/// the old digest goes with the old tag.
#[test]
fn a_moved_tag_is_pinned_in_the_same_run() {
    let new = format!("sha256:{}", "b".repeat(64));
    let old = format!("sha256:{}", "a".repeat(64));
    let lock = format!("version = 1\n[digests]\n\"docker.io/library/debian:trixie-slim\" = \"{new}\"\n");
    let dir = tree(&[("dfix.lock", &lock), ("Dockerfile", &format!("FROM debian:stretch-slim@{old}\n"))]);
    dfix(dir.path())
        .args(["--select", "eol-base,pin-digest", "--unsafe-fixes", "--offline", "--as-of", "2026-12-04", "--apply"])
        .assert()
        .code(0)
        .stderr(predicate::str::contains("2 fixes: eol-base 1, pin-digest 1"));
    assert_eq!(fs::read_to_string(dir.path().join("Dockerfile")).unwrap(), format!("FROM debian:trixie-slim@{new}\n"));
}
