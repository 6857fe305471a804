//! Suppression comments, hadolint compatibility and configuration files, through the real binary: every mode
//! (diff, --check, --apply, --stdin-filename) honours suppressions; `.hadolint.yaml` and the user's
//! `hadolint.yaml` apply when no dfix.toml does; `--isolated` reads no file; broken files name file, line and key.
//!
//! Each test runs in its own temporary directory, with `XDG_CONFIG_HOME` pointing into it, so the machine's own
//! hadolint configuration never leaks in.

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;
use tempfile::TempDir;

/// `ADD` of a local file (copy-not-add), a legacy ENV (env-key-value) and MAINTAINER (maintainer-label), each with a
/// suppression of its own kind.
const SUPPRESSED: &str = "\
# check=skip=MaintainerDeprecated
FROM debian:12
MAINTAINER someone
# dfix ignore=copy-not-add
ADD app.py /app/
# hadolint ignore=DL3020
ADD lib.py /app/
ADD main.py /app/
ENV A b
";

const SUPPRESSED_FIXED: &str = "\
# check=skip=MaintainerDeprecated
FROM debian:12
MAINTAINER someone
# dfix ignore=copy-not-add
ADD app.py /app/
# hadolint ignore=DL3020
ADD lib.py /app/
COPY main.py /app/
ENV A=b
";

const LEGACY: &str = "FROM debian:12\nMAINTAINER someone\nADD app.py /app/\n";

/// A temporary directory holding `files` (path, contents), with an empty `xdg/` for `XDG_CONFIG_HOME`.
fn tree(files: &[(&str, &str)]) -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("xdg")).unwrap();
    for (path, contents) in files {
        let path = dir.path().join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, contents).unwrap();
    }
    dir
}

fn dfix(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_dfix"));
    cmd.current_dir(dir).env("XDG_CONFIG_HOME", dir.join("xdg")).env_remove("NO_COLOR").env("HOME", dir);
    cmd
}

fn read(root: &Path, path: &str) -> String {
    fs::read_to_string(root.join(path)).unwrap()
}

#[test]
fn apply_honours_every_kind_of_suppression() {
    let dir = tree(&[("Dockerfile", SUPPRESSED)]);
    dfix(dir.path()).args(["--apply", "--select", "copy-not-add,env-key-value,maintainer-label"]).assert().success();
    assert_eq!(read(dir.path(), "Dockerfile"), SUPPRESSED_FIXED);
}

#[test]
fn diff_check_and_stdin_honour_suppressions() {
    let dir = tree(&[("Dockerfile", SUPPRESSED)]);
    let select = ["--select", "copy-not-add,env-key-value,maintainer-label"];
    let diff = dfix(dir.path()).args(select).assert().code(1).get_output().stdout.clone();
    let diff = String::from_utf8(diff).unwrap();
    assert!(diff.contains("+COPY main.py /app/") && diff.contains("+ENV A=b"), "{diff}");
    assert!(!diff.contains("+COPY app.py") && !diff.contains("+COPY lib.py") && !diff.contains("+LABEL"), "{diff}");
    dfix(dir.path())
        .args(select)
        .arg("--check")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("2 fixes: copy-not-add 1, env-key-value 1"));
    dfix(dir.path())
        .args(select)
        .args(["--stdin-filename", "Dockerfile"])
        .write_stdin(SUPPRESSED)
        .assert()
        .success()
        .stdout(SUPPRESSED_FIXED);
}

#[test]
fn unknown_ids_are_noted_and_unused_suppressions_reported_on_request() {
    let text = "FROM debian:12\n# dfix ignore=copy-not-ad\nADD app.py /app/\n# dfix ignore=merge-runs\nRUN true\n";
    let dir = tree(&[("Dockerfile", text)]);
    let note = "Dockerfile:2:15: note: unknown transform `copy-not-ad` in a suppression comment; did you mean \
                `copy-not-add`?";
    let unused = "Dockerfile:4:15: note: unused suppression: `merge-runs` suppressed nothing";
    dfix(dir.path())
        .args(["--select", "copy-not-add,merge-runs"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(note).and(predicate::str::contains(unused).not()));
    dfix(dir.path())
        .args(["--select", "copy-not-add,merge-runs", "--warn-unused-ignores"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(note).and(predicate::str::contains(unused)));
    // Also from dfix.toml, and in --stdin-filename mode.
    fs::write(
        dir.path().join("dfix.toml"),
        "warn-unused-ignores = true\nselect = [\"copy-not-add\", \"merge-runs\"]\n",
    )
    .unwrap();
    dfix(dir.path())
        .args(["--stdin-filename", "Dockerfile"])
        .write_stdin(text)
        .assert()
        .success()
        .stderr(predicate::str::contains(unused));
}

#[test]
fn hadolint_yaml_applies_when_no_dfix_toml_does() {
    let hadolint = "ignored:\n  - DL3008 # no transform: dropped\n  - DL3020\ntrustedRegistries: [docker.io]\n";
    let dir = tree(&[("repo/.hadolint.yaml", hadolint), ("repo/svc/Dockerfile", LEGACY)]);
    let repo = dir.path().join("repo");
    dfix(&repo).arg("--apply").assert().success();
    // DL3020 (copy-not-add) is ignored; maintainer-label still runs.
    assert_eq!(read(&repo, "svc/Dockerfile"), "FROM debian:12\nLABEL maintainer=\"someone\"\nADD app.py /app/\n");

    // A dfix.toml anywhere above wins over it, even one further up.
    let dir = tree(&[("dfix.toml", "ignore = [\"maintainer-label\"]\n"), ("repo/.hadolint.yml", hadolint)]);
    fs::write(dir.path().join("repo/Dockerfile"), LEGACY).unwrap();
    dfix(dir.path()).args(["--apply", "repo"]).assert().success();
    assert_eq!(read(dir.path(), "repo/Dockerfile"), "FROM debian:12\nMAINTAINER someone\nCOPY app.py /app/\n");
}

#[test]
fn the_users_hadolint_yaml_applies_last_and_isolated_reads_nothing() {
    let dir = tree(&[("xdg/hadolint.yaml", "ignored: [DL4000]\n"), ("Dockerfile", LEGACY)]);
    dfix(dir.path()).arg("--check").assert().code(1).stderr(predicate::str::contains("1 fix: copy-not-add 1"));
    // Without XDG_CONFIG_HOME, ~/.config/hadolint.yaml.
    fs::create_dir_all(dir.path().join(".config")).unwrap();
    fs::write(dir.path().join(".config/hadolint.yaml"), "ignored: [DL3020]\n").unwrap();
    dfix(dir.path())
        .env_remove("XDG_CONFIG_HOME")
        .arg("--check")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("1 fix: maintainer-label 1"));
    // --isolated: no user file, no .hadolint.yaml, no dfix.toml (even a broken one).
    fs::write(dir.path().join(".hadolint.yaml"), "ignored: [DL3020]\n").unwrap();
    fs::write(dir.path().join("dfix.toml"), "nonsense = 1\n").unwrap();
    dfix(dir.path())
        .args(["--check", "--isolated"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("2 fixes: copy-not-add 1, maintainer-label 1"));
    dfix(dir.path())
        .args(["--isolated", "--stdin-filename", "Dockerfile"])
        .write_stdin(LEGACY)
        .assert()
        .success()
        .stdout("FROM debian:12\nLABEL maintainer=\"someone\"\nCOPY app.py /app/\n");
    dfix(dir.path()).args(["--isolated", "--config", "dfix.toml"]).assert().code(2);
}

#[test]
fn a_hadolint_yaml_can_be_named_with_config() {
    let dir = tree(&[("ci/hadolint.yaml", "ignored: [DL3020]\n"), ("Dockerfile", LEGACY)]);
    dfix(dir.path())
        .args(["--check", "--config", "ci/hadolint.yaml"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("1 fix: maintainer-label 1"));
}

#[test]
fn a_broken_hadolint_yaml_names_file_and_line_and_leaves_files_alone() {
    let dir = tree(&[(".hadolint.yaml", "ignored:\n  - DL3020\n  - {rule: DL3008}\n"), ("Dockerfile", LEGACY)]);
    dfix(dir.path())
        .arg("--apply")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(".hadolint.yaml:3:5: `ignored` must be a list of rule codes"));
    assert_eq!(read(dir.path(), "Dockerfile"), LEGACY);
    fs::write(dir.path().join(".hadolint.yaml"), "ignored: [DL3020\n").unwrap();
    dfix(dir.path())
        .arg("--apply")
        .assert()
        .code(2)
        .stderr(predicate::str::is_match(r"\.hadolint\.yaml:2:\d+: not valid YAML").unwrap());
}

#[test]
fn bad_dfix_toml_names_file_line_and_key() {
    for (config, message) in [
        (
            "[transforms.copy-not-add]\napplicability = \"sometimes\"\n",
            "dfix.toml:2:17: `transforms.copy-not-add.applicability`",
        ),
        (
            "\n[transforms.copy-not-ad]\n",
            "dfix.toml:2:13: unknown transform `copy-not-ad` in `[transforms.copy-not-ad]`",
        ),
        (
            "[transforms.apt-cleanup]\nkache = \"mount\"\n",
            "dfix.toml:2:9: `transforms.apt-cleanup.kache` is not an option",
        ),
        ("ignore = [\"copy-not-add\", \"nope\"]\n", "dfix.toml:1:27: unknown transform `nope` in `ignore`"),
        ("colour = true\n", "TOML parse error at line 1, column 1"),
    ] {
        let dir = tree(&[("dfix.toml", config), ("Dockerfile", LEGACY)]);
        dfix(dir.path()).arg("--apply").assert().code(2).stderr(predicate::str::contains(message));
        assert_eq!(read(dir.path(), "Dockerfile"), LEGACY, "{config}");
    }
}
