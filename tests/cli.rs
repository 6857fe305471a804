//! The command-line contract: modes and exit codes, what is found and what is left alone, how files are written,
//! and how bad input is reported. Each test runs the real binary in its own temporary directory.
//!
//! Fixtures use two fixes: `maintainer-label` (`MAINTAINER someone` becomes `LABEL maintainer="someone"`) and
//! `copy-not-add` (`ADD app.py /app/` becomes `COPY app.py /app/`).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use assert_cmd::Command;
use predicates::prelude::*;
use tempfile::TempDir;

const FIXABLE: &str = "FROM debian:12\nMAINTAINER someone\nADD app.py /app/\n";
const FIXED: &str = "FROM debian:12\nLABEL maintainer=\"someone\"\nCOPY app.py /app/\n";
const CLEAN: &str = "FROM debian:12\nCOPY app.py /app/\n";

fn dfix(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_dfix"));
    cmd.current_dir(dir).env_remove("NO_COLOR").env_remove("CLICOLOR_FORCE").env_remove("CLICOLOR");
    cmd
}

/// A temporary directory holding `files` (path, contents).
fn tree(files: &[(&str, &str)]) -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, contents) in files {
        write(dir.path(), path, contents.as_bytes());
    }
    dir
}

fn write(root: &Path, path: &str, contents: &[u8]) {
    let path = root.join(path);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, contents).unwrap();
}

fn read(root: &Path, path: &str) -> String {
    fs::read_to_string(root.join(path)).unwrap()
}

fn mtime(root: &Path, path: &str) -> SystemTime {
    fs::metadata(root.join(path)).unwrap().modified().unwrap()
}

/// Every file under `root` (outside `.git`), by relative path.
fn contents(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut all = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.file_name().is_some_and(|n| n == ".git") {
                continue;
            }
            if path.is_dir() {
                stack.push(path);
            } else {
                all.insert(path.strip_prefix(root).unwrap().to_path_buf(), fs::read(&path).unwrap());
            }
        }
    }
    all
}

fn copy_tree(from: &Path, to: &Path) {
    for (path, bytes) in contents(from) {
        write(to, path.to_str().unwrap(), &bytes);
    }
}

fn stdout_of(cmd: &mut Command) -> String {
    String::from_utf8(cmd.output().unwrap().stdout).unwrap()
}

fn git(dir: &Path, args: &[&str]) {
    let status = std::process::Command::new("git").args(args).current_dir(dir).status().unwrap();
    assert!(status.success(), "git {args:?} failed");
}

// Default mode: diff.

#[test]
fn diff_mode_prints_a_diff_and_exits_1_without_touching_files() {
    let dir = tree(&[("Dockerfile", FIXABLE)]);
    dfix(dir.path())
        .assert()
        .code(1)
        .stdout(
            "--- a/Dockerfile\n+++ b/Dockerfile\n@@ -1,3 +1,3 @@\n FROM debian:12\n-MAINTAINER someone\n\
             -ADD app.py /app/\n+LABEL maintainer=\"someone\"\n+COPY app.py /app/\n",
        )
        .stderr(predicate::str::contains("1 Dockerfile scanned, 1 would change"))
        .stderr(predicate::str::contains("copy-not-add 1").and(predicate::str::contains("maintainer-label 1")));
    assert_eq!(read(dir.path(), "Dockerfile"), FIXABLE);
}

#[test]
fn diff_mode_exits_0_when_nothing_would_change() {
    let dir = tree(&[("Dockerfile", CLEAN)]);
    dfix(dir.path())
        .assert()
        .code(0)
        .stdout("")
        .stderr(predicate::str::contains("1 Dockerfile scanned, 0 would change"));
}

#[test]
fn diff_headers_use_the_paths_as_given() {
    let dir = tree(&[("svc/api/Dockerfile", FIXABLE)]);
    let out = stdout_of(dfix(dir.path()).arg("./svc"));
    assert!(out.starts_with("--- a/svc/api/Dockerfile\n+++ b/svc/api/Dockerfile\n"), "{out}");
    let out = stdout_of(dfix(&dir.path().join("svc")).arg("api/Dockerfile"));
    assert!(out.starts_with("--- a/api/Dockerfile\n+++ b/api/Dockerfile\n"), "{out}");
}

#[test]
fn diff_applies_with_git_and_gives_exactly_the_apply_result() {
    let files = [
        ("Dockerfile", FIXABLE),
        (
            "svc/api.Dockerfile",
            "FROM a\n# a comment\nRUN echo 1\nRUN echo 2\nRUN echo 3\nRUN echo 4\nADD app.py /app/\nRUN echo 5\n",
        ),
        ("svc/no-newline/Dockerfile", "FROM debian:12\nMAINTAINER someone\nADD app.py /app/"),
        ("crlf/Dockerfile", "FROM debian:12\r\nMAINTAINER someone\r\nADD app.py /app/\r\n"),
        ("clean/Dockerfile", CLEAN),
        ("dir with space/Dockerfile.dev", FIXABLE),
    ];
    let patched = tree(&files);
    let applied = tree(&[]);
    copy_tree(patched.path(), applied.path());

    let diff = dfix(patched.path()).output().unwrap();
    assert_eq!(diff.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&diff.stdout).contains("\\ No newline at end of file\n"));
    let scratch = tempfile::tempdir().unwrap();
    let patch = scratch.path().join("fixes.patch");
    fs::write(&patch, &diff.stdout).unwrap();
    git(patched.path(), &["init", "-q"]);
    git(patched.path(), &["apply", "--check", patch.to_str().unwrap()]);
    git(patched.path(), &["apply", patch.to_str().unwrap()]);

    dfix(applied.path()).arg("--apply").assert().code(0);
    assert_eq!(contents(patched.path()), contents(applied.path()));
    assert_eq!(read(applied.path(), "Dockerfile"), FIXED);
    assert_ne!(read(applied.path(), "svc/no-newline/Dockerfile"), files[2].1);
    // Once fixed, there is nothing left to do.
    dfix(applied.path()).assert().code(0).stdout("");
}

#[test]
fn diff_is_colored_only_when_asked_and_never_with_no_color() {
    let dir = tree(&[("Dockerfile", FIXABLE)]);
    assert!(!stdout_of(&mut dfix(dir.path())).contains('\x1b'));
    let forced = stdout_of(dfix(dir.path()).env("CLICOLOR_FORCE", "1"));
    assert!(forced.contains("\x1b[31m-MAINTAINER someone\x1b[0m\n"), "{forced:?}");
    let no_color = stdout_of(dfix(dir.path()).env("CLICOLOR_FORCE", "1").env("NO_COLOR", "1"));
    assert!(!no_color.contains('\x1b'), "{no_color:?}");
}

#[test]
fn output_is_in_path_order() {
    let names: Vec<String> = (0..40).map(|i| format!("s{:02}/Dockerfile", (i * 17) % 40)).collect();
    let files: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), FIXABLE)).collect();
    let dir = tree(&files);
    let out = stdout_of(&mut dfix(dir.path()));
    let headers: Vec<&str> = out.lines().filter(|l| l.starts_with("--- a/")).collect();
    let mut sorted = headers.clone();
    sorted.sort();
    assert_eq!(headers.len(), 40);
    assert_eq!(headers, sorted);
}

// --apply.

#[test]
fn apply_fixes_dockerfiles_in_place_and_leaves_everything_else_alone() {
    let dir = tree(&[
        ("Dockerfile", FIXABLE),
        ("Containerfile", FIXABLE),
        ("api.Dockerfile", FIXABLE),
        ("web.dockerfile", FIXABLE),
        ("db.containerfile", FIXABLE),
        ("Dockerfile.dev", FIXABLE),
        ("Containerfile.arm64", FIXABLE),
        ("lower/dockerfile", FIXABLE),
        ("svc/Dockerfile/Containerfile", FIXABLE),
        (".dockerignore", FIXABLE),
        ("Dockerfile.dockerignore", FIXABLE),
        ("notes.txt", FIXABLE),
        (".gitignore", "ignored/\n"),
        ("ignored/Dockerfile", FIXABLE),
        (".hidden/Dockerfile", FIXABLE),
        ("clean/Dockerfile", CLEAN),
    ]);
    let root = dir.path();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(root.join("Dockerfile"), fs::Permissions::from_mode(0o754)).unwrap();
    }
    let untouched =
        [".dockerignore", "Dockerfile.dockerignore", "notes.txt", "ignored/Dockerfile", ".hidden/Dockerfile"];
    let before: Vec<SystemTime> = untouched.iter().chain(&["clean/Dockerfile"]).map(|p| mtime(root, p)).collect();

    dfix(root)
        .arg("--apply")
        .assert()
        .code(0)
        .stdout("")
        .stderr(predicate::str::contains("Dockerfile: fixed 2 (copy-not-add 1, maintainer-label 1)\n"))
        .stderr(predicate::str::contains("10 Dockerfiles scanned, 9 fixed"));

    for fixed in [
        "Dockerfile",
        "Containerfile",
        "api.Dockerfile",
        "web.dockerfile",
        "db.containerfile",
        "Dockerfile.dev",
        "Containerfile.arm64",
        "lower/dockerfile",
        "svc/Dockerfile/Containerfile",
    ] {
        assert_eq!(read(root, fixed), FIXED, "{fixed}");
    }
    for path in untouched {
        assert_eq!(read(root, path), FIXABLE, "{path}");
    }
    assert_eq!(read(root, "clean/Dockerfile"), CLEAN);
    let after: Vec<SystemTime> = untouched.iter().chain(&["clean/Dockerfile"]).map(|p| mtime(root, p)).collect();
    assert_eq!(before, after, "unchanged files must not be rewritten");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(fs::metadata(root.join("Dockerfile")).unwrap().permissions().mode() & 0o777, 0o754);
    }
    let leftovers: Vec<_> = contents(root).into_keys().filter(|p| p.to_string_lossy().contains("dfix-tmp")).collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn explicit_files_are_read_whatever_their_name() {
    let dir = tree(&[("build/odd-name", FIXABLE), (".hidden/Dockerfile", FIXABLE)]);
    dfix(dir.path()).args(["--apply", "build/odd-name", ".hidden/Dockerfile"]).assert().code(0);
    assert_eq!(read(dir.path(), "build/odd-name"), FIXED);
    assert_eq!(read(dir.path(), ".hidden/Dockerfile"), FIXED);
}

#[cfg(unix)]
#[test]
fn apply_writes_through_a_symlink() {
    let dir = tree(&[("real/Dockerfile", FIXABLE)]);
    std::os::unix::fs::symlink("real/Dockerfile", dir.path().join("Dockerfile")).unwrap();
    dfix(dir.path()).args(["--apply", "Dockerfile"]).assert().code(0);
    assert!(fs::symlink_metadata(dir.path().join("Dockerfile")).unwrap().file_type().is_symlink());
    assert_eq!(read(dir.path(), "real/Dockerfile"), FIXED);
}

#[test]
fn crlf_files_stay_crlf() {
    let dir = tree(&[("Dockerfile", "FROM debian:12\r\nMAINTAINER someone\r\nADD app.py /app/\r\n")]);
    let diff = stdout_of(&mut dfix(dir.path()));
    assert!(diff.contains("+COPY app.py /app/\r\n"), "{diff:?}");
    dfix(dir.path()).arg("--apply").assert().code(0);
    assert_eq!(
        read(dir.path(), "Dockerfile"),
        "FROM debian:12\r\nLABEL maintainer=\"someone\"\r\nCOPY app.py /app/\r\n"
    );
}

// --check.

#[test]
fn check_prints_a_summary_and_exits_1_when_something_would_change() {
    let dir = tree(&[("Dockerfile", FIXABLE), ("clean/Dockerfile", CLEAN)]);
    dfix(dir.path())
        .arg("--check")
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains("Dockerfile: would fix 2"))
        .stderr(predicate::str::contains("2 Dockerfiles scanned, 1 would change"));
    assert_eq!(read(dir.path(), "Dockerfile"), FIXABLE);
    dfix(dir.path()).args(["--check", "clean"]).assert().code(0).stdout("");
}

// --stdin-filename.

#[test]
fn stdin_mode_prints_the_whole_fixed_file() {
    let dir = tree(&[]);
    dfix(dir.path()).args(["--stdin-filename", "Dockerfile"]).write_stdin(FIXABLE).assert().code(0).stdout(FIXED);
    dfix(dir.path()).args(["--stdin-filename", "Dockerfile"]).write_stdin(CLEAN).assert().code(0).stdout(CLEAN);
}

#[test]
fn stdin_mode_echoes_input_it_cannot_parse() {
    let dir = tree(&[]);
    let input = "FROM a\nFOO bar\nMAINTAINER someone\n";
    dfix(dir.path())
        .args(["--stdin-filename", "svc/Dockerfile"])
        .write_stdin(input)
        .assert()
        .code(2)
        .stdout(input)
        .stderr(predicate::str::contains("svc/Dockerfile:2:1: "));
    let binary = b"FROM a\n\0\x01".to_vec();
    dfix(dir.path())
        .args(["--stdin-filename", "Dockerfile"])
        .write_stdin(binary.clone())
        .assert()
        .code(2)
        .stdout(binary);
}

#[test]
fn stdin_mode_uses_the_dfix_toml_next_to_the_named_file() {
    let dir = tree(&[("svc/dfix.toml", "ignore = [\"copy-not-add\"]\n")]);
    dfix(dir.path())
        .args(["--stdin-filename", "svc/Dockerfile"])
        .write_stdin(FIXABLE)
        .assert()
        .code(0)
        .stdout("FROM debian:12\nLABEL maintainer=\"someone\"\nADD app.py /app/\n");
}

// Choosing transforms.

#[test]
fn select_and_ignore_take_ids_and_aliases() {
    let dir = tree(&[("Dockerfile", FIXABLE)]);
    let only_label = "FROM debian:12\nLABEL maintainer=\"someone\"\nADD app.py /app/\n";
    let only_copy = "FROM debian:12\nMAINTAINER someone\nCOPY app.py /app/\n";
    for (args, expected) in [
        (&["--select", "maintainer-label"][..], only_label),
        (&["--select", "dl4000"], only_label),
        (&["--select", "DL3020"], only_copy),
        (&["--ignore", "DL4000"], only_copy),
        (&["--ignore", "maintainer-label,copy-not-add"], FIXABLE),
        (&["--select", "DL3020", "--extend-select", "maintainer-label"], FIXED),
    ] {
        dfix(dir.path())
            .args(["--stdin-filename", "Dockerfile"])
            .args(args)
            .write_stdin(FIXABLE)
            .assert()
            .code(0)
            .stdout(expected);
    }
}

#[test]
fn checks_of_buildkit_style_are_chosen_one_by_one() {
    let input = "FROM debian:12 as Build\nEXPOSE 80/TCP\nFROM build\n";
    let dir = tree(&[
        ("Dockerfile", input),
        ("cfg/dfix.toml", "select = [\"buildkit-style\"]\nignore = [\"StageNameCasing\"]\n"),
    ]);
    for (args, expected) in [
        (&["--select", "buildkit-style"][..], "FROM debian:12 AS build\nEXPOSE 80/tcp\nFROM build\n"),
        (
            &["--select", "buildkit-style", "--ignore", "FromAsCasing"],
            "FROM debian:12 as build\nEXPOSE 80/tcp\nFROM build\n",
        ),
        (&["--select", "ExposeProtoCasing"], "FROM debian:12 as Build\nEXPOSE 80/tcp\nFROM build\n"),
        (&["--select", "FromAsCasing,StageNameCasing"], "FROM debian:12 AS build\nEXPOSE 80/TCP\nFROM build\n"),
        (&["--config", "cfg/dfix.toml"], "FROM debian:12 AS Build\nEXPOSE 80/tcp\nFROM build\n"),
    ] {
        dfix(dir.path())
            .args(["--stdin-filename", "Dockerfile"])
            .args(args)
            .write_stdin(input)
            .assert()
            .code(0)
            .stdout(expected);
    }
}

#[test]
fn json_findings_name_their_buildkit_check() {
    let dir = tree(&[("Dockerfile", "FROM debian:12 as Build\nEXPOSE 80/TCP\nADD a.txt /a\n")]);
    let args = ["--select", "buildkit-style,copy-not-add", "--format", "json", "Dockerfile"];
    let report: serde_json::Value = serde_json::from_str(&stdout_of(dfix(dir.path()).args(args))).unwrap();
    // (transform, check, line), in the report's order: by position, then transform order.
    let found: Vec<(String, Option<String>, u64)> = report["files"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let transform = f["transform"].as_str().unwrap().to_string();
            (transform, f["check"].as_str().map(str::to_string), f["range"]["start"]["line"].as_u64().unwrap())
        })
        .collect();
    let expected = [
        ("buildkit-style", Some("FromAsCasing"), 1),
        ("buildkit-style", Some("StageNameCasing"), 1),
        ("buildkit-style", Some("ExposeProtoCasing"), 2),
        ("copy-not-add", None, 3),
    ];
    let expected: Vec<(String, Option<String>, u64)> =
        expected.iter().map(|(t, c, l)| (t.to_string(), c.map(str::to_string), *l)).collect();
    assert_eq!(found, expected);
}

#[test]
fn unknown_transform_ids_are_usage_errors_with_a_suggestion() {
    let dir = tree(&[("Dockerfile", FIXABLE)]);
    dfix(dir.path())
        .args(["--select", "maintainer-lable"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("unknown transform `maintainer-lable`"))
        .stderr(predicate::str::contains("did you mean `maintainer-label`?"));
    dfix(dir.path()).args(["--ignore", "no-such-transform"]).assert().code(2);
    dfix(dir.path()).args(["--apply", "--check"]).assert().code(2);
    assert_eq!(read(dir.path(), "Dockerfile"), FIXABLE);
}

#[test]
fn config_selection_applies_and_the_command_line_wins() {
    let dir = tree(&[("dfix.toml", "select = [\"copy-not-add\"]\n"), ("svc/Dockerfile", FIXABLE)]);
    let only_copy = "FROM debian:12\nMAINTAINER someone\nCOPY app.py /app/\n";
    dfix(dir.path()).arg("--apply").assert().code(0);
    assert_eq!(read(dir.path(), "svc/Dockerfile"), only_copy);
    dfix(dir.path()).args(["--apply", "--select", "maintainer-label"]).assert().code(0);
    assert_eq!(read(dir.path(), "svc/Dockerfile"), FIXED);
}

#[test]
fn explicit_config_is_used_for_every_file() {
    let dir = tree(&[
        ("dfix.toml", "ignore = [\"maintainer-label\", \"copy-not-add\"]\n"),
        ("elsewhere/only-label.toml", "select = [\"maintainer-label\"]\n"),
        ("Dockerfile", FIXABLE),
    ]);
    dfix(dir.path()).assert().code(0);
    dfix(dir.path()).args(["--apply", "--config", "elsewhere/only-label.toml"]).assert().code(0);
    assert_eq!(read(dir.path(), "Dockerfile"), "FROM debian:12\nLABEL maintainer=\"someone\"\nADD app.py /app/\n");
}

#[test]
fn config_errors_name_the_file_and_give_a_hint() {
    let dir = tree(&[
        ("bad/dfix.toml", "select = \"not a list\"\n"),
        ("bad/Dockerfile", FIXABLE),
        ("good/Dockerfile", FIXABLE),
    ]);
    dfix(dir.path())
        .arg("--apply")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("dfix.toml"))
        .stderr(predicate::str::contains("hint:"));
    assert_eq!(read(dir.path(), "bad/Dockerfile"), FIXABLE);
    assert_eq!(read(dir.path(), "good/Dockerfile"), FIXED);

    let dir = tree(&[("typo.toml", "ignore = [\"copy-not-ad\"]\n"), ("Dockerfile", FIXABLE)]);
    dfix(dir.path())
        .args(["--config", "typo.toml"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("typo.toml:1:11: unknown transform `copy-not-ad` in `ignore`"))
        .stderr(predicate::str::contains("did you mean `copy-not-add`?"));
    dfix(dir.path())
        .args(["--config", "missing.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("missing.toml"));
}

#[test]
fn unsafe_fixes_are_held_back_unless_asked_for() {
    // non-root-user (unsafe by default) is left out so that copy-not-add is the only unsafe fix.
    let config = "ignore = [\"non-root-user\"]\n[transforms.copy-not-add]\napplicability = \"unsafe\"\n";
    let dir = tree(&[("dfix.toml", config), ("Dockerfile", FIXABLE)]);
    dfix(dir.path())
        .arg("--apply")
        .assert()
        .code(0)
        .stderr(predicate::str::contains("1 unsafe fix held back; use --unsafe-fixes"));
    assert_eq!(read(dir.path(), "Dockerfile"), "FROM debian:12\nLABEL maintainer=\"someone\"\nADD app.py /app/\n");
    dfix(dir.path()).args(["--apply", "--unsafe-fixes"]).assert().code(0);
    assert_eq!(read(dir.path(), "Dockerfile"), FIXED);

    let dir = tree(&[("dfix.toml", &format!("unsafe-fixes = true\n{config}")), ("Dockerfile", FIXABLE)]);
    dfix(dir.path()).args(["--apply", "--no-unsafe-fixes"]).assert().code(0);
    assert!(read(dir.path(), "Dockerfile").contains("ADD app.py"));
    dfix(dir.path()).arg("--apply").assert().code(0);
    assert_eq!(read(dir.path(), "Dockerfile"), FIXED);
}

// Subcommands.

#[test]
fn rules_lists_every_transform() {
    let dir = tree(&[]);
    let out = stdout_of(dfix(dir.path()).arg("rules"));
    let mut lines = out.lines();
    let header = lines.next().unwrap();
    assert!(header.starts_with("ID ") && header.contains("APPLICABILITY") && header.ends_with("SUMMARY"), "{header}");
    let row = out.lines().find(|l| l.starts_with("copy-not-add ")).expect("copy-not-add is listed");
    assert!(row.contains(" safe ") && row.contains(" on ") && row.contains("DL3020"), "{row}");

    let json: serde_json::Value =
        serde_json::from_str(&stdout_of(dfix(dir.path()).args(["rules", "--format", "json"]))).unwrap();
    let label = json.as_array().unwrap().iter().find(|r| r["id"] == "maintainer-label").unwrap();
    assert_eq!(label["applicability"], "safe");
    assert_eq!(label["default_enabled"], true);
    assert!(label["aliases"].as_array().unwrap().contains(&"DL4000".into()));
}

#[test]
fn explain_prints_the_docs_of_one_transform() {
    let dir = tree(&[]);
    dfix(dir.path())
        .args(["explain", "dl3020"])
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with("# copy-not-add\n"))
        .stdout(predicate::str::contains("\nApplicability: safe\n"))
        .stdout(predicate::str::contains("\nDefault: on\n"))
        .stdout(predicate::str::contains("\nSince: "))
        .stdout(predicate::str::contains("\n## What it does\n"));
    dfix(dir.path())
        .args(["explain", "copy-not-ad"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("did you mean `copy-not-add`?"));
}

#[test]
fn a_directory_named_like_a_subcommand_can_still_be_fixed() {
    let dir = tree(&[("rules/Dockerfile", FIXABLE)]);
    dfix(dir.path()).args(["--apply", "./rules"]).assert().code(0);
    assert_eq!(read(dir.path(), "rules/Dockerfile"), FIXED);
}

#[test]
fn version_and_help() {
    let dir = tree(&[]);
    dfix(dir.path()).arg("--version").assert().code(0).stdout(predicate::str::starts_with("dfix "));
    dfix(dir.path())
        .arg("--help")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("Examples:"))
        .stdout(predicate::str::contains("--stdin-filename"))
        .stdout(predicate::str::contains("symbolic link"));
}

// Bad input.

#[test]
fn a_file_with_a_syntax_error_is_reported_and_the_others_are_still_fixed() {
    let dir = tree(&[("a/Dockerfile", "FROM a\nFOO bar\n"), ("b/Dockerfile", FIXABLE)]);
    dfix(dir.path())
        .arg("--apply")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("a/Dockerfile:2:1: "))
        .stderr(predicate::str::contains("a/Dockerfile: left unchanged"));
    assert_eq!(read(dir.path(), "a/Dockerfile"), "FROM a\nFOO bar\n");
    assert_eq!(read(dir.path(), "b/Dockerfile"), FIXED);
}

#[test]
fn an_unterminated_heredoc_is_a_syntax_error() {
    let dir = tree(&[("Dockerfile", "FROM a\nRUN cat <<EOF\n"), ("ok/Dockerfile", FIXABLE)]);
    dfix(dir.path())
        .assert()
        .code(2)
        .stdout(predicate::str::contains("+++ b/ok/Dockerfile"))
        .stderr(predicate::str::contains("Dockerfile:2:"))
        .stderr(predicate::str::contains("Dockerfile: left unchanged"));
}

#[test]
fn binary_and_non_utf8_files_are_errors() {
    let dir = tree(&[("ok/Dockerfile", FIXABLE)]);
    write(dir.path(), "bin/Dockerfile", b"FROM a\n\0\x01\x02");
    write(dir.path(), "latin1/Dockerfile", b"FROM a\nLABEL who=caf\xe9\n");
    dfix(dir.path())
        .arg("--apply")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bin/Dockerfile: looks binary"))
        .stderr(predicate::str::contains(
            "latin1/Dockerfile: not valid UTF-8 (byte offset 20); dfix only reads UTF-8 Dockerfiles",
        ));
    assert_eq!(read(dir.path(), "ok/Dockerfile"), FIXED);
}

#[test]
fn an_empty_file_is_reported_by_the_parser() {
    let dir = tree(&[("empty/Dockerfile", "")]);
    dfix(dir.path())
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("empty/Dockerfile:1:1: "))
        .stderr(predicate::str::contains("empty/Dockerfile: left unchanged"));
}

#[cfg(unix)]
#[test]
fn an_unreadable_file_is_named_and_the_rest_is_fixed() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tree(&[("locked/Dockerfile", FIXABLE), ("ok/Dockerfile", FIXABLE)]);
    let locked = dir.path().join("locked/Dockerfile");
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
    if fs::File::open(&locked).is_ok() {
        // Running as root: permissions do not keep us out, so there is nothing to test.
        return;
    }
    dfix(dir.path())
        .arg("--apply")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("locked/Dockerfile: permission denied"));
    assert_eq!(read(dir.path(), "ok/Dockerfile"), FIXED);
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o644)).unwrap();
}

#[test]
fn a_missing_path_is_an_error_but_the_others_are_fixed() {
    let dir = tree(&[("Dockerfile", FIXABLE)]);
    dfix(dir.path())
        .args(["--apply", "nope/Dockerfile", "Dockerfile"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("nope/Dockerfile: no such file or directory"));
    assert_eq!(read(dir.path(), "Dockerfile"), FIXED);
}

#[test]
fn a_closed_stdout_ends_the_run_quietly() {
    use std::io::Write;
    use std::process::Stdio;
    let dir = tree(&[]);
    let big: String = std::iter::once("FROM a\n").chain(std::iter::repeat_n("MAINTAINER someone\n", 20_000)).collect();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_dfix"))
        .args(["--stdin-filename", "Dockerfile"])
        .current_dir(dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    child.stdin.take().unwrap().write_all(big.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

#[test]
fn findings_without_a_fix_are_printed_as_notes_with_their_position() {
    let dir = tree(&[("Dockerfile", "FROM alpine\nENV MSG \"a\" b\n")]);
    dfix(dir.path())
        .arg("Dockerfile")
        .assert()
        .code(0)
        .stdout("")
        .stderr(predicate::str::contains("Dockerfile:2:1: note: legacy `ENV key value` form [env-key-value]"));
}

#[test]
fn non_root_user_is_held_back_until_unsafe_fixes_and_its_notes_are_printed() {
    let input = "FROM python:3.12-slim\nWORKDIR /app\nEXPOSE 80\nCMD [\"python\", \"-m\", \"http.server\", \"80\"]\n";
    let dir = tree(&[("Dockerfile", input)]);
    dfix(dir.path())
        .arg("--apply")
        .assert()
        .code(0)
        .stderr(predicate::str::contains("1 unsafe fix held back"))
        .stderr(predicate::str::contains("Dockerfile:3:1: note: port 80 is below 1024"));
    assert_eq!(read(dir.path(), "Dockerfile"), input);
    dfix(dir.path())
        .args(["--apply", "--unsafe-fixes"])
        .assert()
        .code(0)
        .stderr(predicate::str::contains("Dockerfile:3:1: note: port 80 is below 1024"));
    let fixed = read(dir.path(), "Dockerfile");
    assert!(fixed.contains("&& chown 10001:10001 /app\nUSER 10001:10001\nCMD"), "{fixed}");

    let windows = "# escape=`\nFROM mcr.microsoft.com/windows/nanoserver:ltsc2022\nCMD [\"cmd\"]\n";
    let dir = tree(&[("Dockerfile", windows)]);
    dfix(dir.path())
        .arg("--unsafe-fixes")
        .assert()
        .code(0)
        .stderr(predicate::str::contains("note: the final stage runs as root; not fixed: a Windows image"));
}

#[test]
fn secret_mount_names_the_build_command_and_notes_can_be_ignored() {
    let dockerfile = "FROM node\nARG NPM_TOKEN\nRUN npm ci\nEXPOSE 22\n";
    let dir = tree(&[("Dockerfile", dockerfile)]);
    let out = dfix(dir.path())
        .args(["--apply", "--unsafe-fixes", "--ignore", "non-root-user,package-cache", "Dockerfile"])
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("Dockerfile:2: note: build with `docker build --secret id=npm_token,env=NPM_TOKEN .`"),
        "{stderr}"
    );
    assert!(stderr.contains("[latest-base]") && stderr.contains("[admin-port]"), "{stderr}");
    assert_eq!(
        read(dir.path(), "Dockerfile"),
        "FROM node\nRUN --mount=type=secret,id=npm_token export NPM_TOKEN=\"$(cat /run/secrets/npm_token)\" && npm ci\nEXPOSE 22\n"
    );

    // Without --unsafe-fixes the fix is held back, and the notes are still shown unless ignored.
    let dir = tree(&[
        ("Dockerfile", dockerfile),
        ("dfix.toml", "ignore = [\"latest-base\", \"admin-port\", \"package-cache\"]\n"),
    ]);
    let out = dfix(dir.path()).args(["--apply", "Dockerfile"]).output().unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(!stderr.contains("[latest-base]") && !stderr.contains("[admin-port]"), "{stderr}");
    assert!(!stderr.contains("docker build"), "{stderr}");
    assert_eq!(read(dir.path(), "Dockerfile"), dockerfile);
}

#[test]
fn trusted_registries_in_dfix_toml_report_other_registries() {
    let dockerfile = "FROM quay.io/acme/base:1.2\nFROM docker.io/library/debian:12\n";
    let dir = tree(&[("Dockerfile", dockerfile), ("dfix.toml", "trusted-registries = [\"docker.io\"]\n")]);
    let out = dfix(dir.path()).arg("Dockerfile").output().unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains(
            "Dockerfile:1:6: note: `quay.io/acme/base:1.2` comes from quay.io, which is not in trusted-registries \
             [trusted-registry]"
        ),
        "{stderr}"
    );
    assert_eq!(stderr.matches("[trusted-registry]").count(), 1, "{stderr}");
    // No list, no policy.
    let dir = tree(&[("Dockerfile", dockerfile)]);
    let stderr = String::from_utf8(dfix(dir.path()).arg("Dockerfile").output().unwrap().stderr).unwrap();
    assert!(!stderr.contains("[trusted-registry]"), "{stderr}");
}
