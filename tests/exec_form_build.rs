//! Real images for `exec-form`'s shell call: a shell-form CMD or ENTRYPOINT that needs a shell (a variable, quotes)
//! becomes the same shell call in exec form with `exec` in front of the command. Built as written and after dfix's
//! unsafe `exec-form` fix, then run:
//!
//! - the image configuration holds the same shell call, with `exec ` added to the script and nothing else changed;
//! - both containers succeed and print the same file, found through the same variable; the command's arguments
//!   (a CMD under a shell-form ENTRYPOINT, or `docker run` arguments) stay ignored in both;
//! - PID 1 is the shell in the original container and the command itself in the fixed one (Debian's `/bin/sh`,
//!   dash, and bash do not replace themselves with the command on their own): the command is what gets the
//!   container's signals.
//!
//! Fixing the fixed Dockerfile again changes nothing. The builder is Debian's docker.io engine on a private socket
//! with a `debian:bookworm` image imported from `debootstrap --variant=minbase` (`tests/support/builder.sh start`
//! as root sets it up); the classic builder is used and nothing is downloaded.
//!
//! Environment: `DFIX_DOCKER_HOST` (default `unix:///tmp/dfix-builder/docker.sock` when that socket exists);
//! `DFIX_REQUIRE_BUILDER=1`, a missing builder fails the test instead of skipping it (set by `.ci/run`).

mod common;

use common::docker::{Docker, Images, stderr, stdout};
use dfix::config::Config;
use dfix::engine::{self, Options};
use dfix::fix::Applicability;
use dfix::knowledge::Knowledge;
use dfix::transforms::lookup;

/// The Dockerfile with dfix's unsafe `exec-form` fixes applied.
fn fix(input: &str) -> String {
    let config = Config::default();
    let knowledge = Knowledge::with_extensions(&config.knowledge).unwrap();
    let options = Options {
        required: Applicability::Unsafe,
        ..Options::new(vec![lookup("exec-form").unwrap()], &config, &knowledge)
    };
    engine::fix(input, &options).expect("the Dockerfile parses").output
}

/// Build `dockerfile` as `tag` with an empty context.
fn build(docker: &Docker, images: &mut Images<'_>, dockerfile: &str, tag: &str) {
    let context = tempfile::tempdir().unwrap();
    let path = context.path().join("Dockerfile");
    std::fs::write(&path, dockerfile).unwrap();
    let out = docker.command(&["build", "-t", tag, "-f", path.to_str().unwrap(), context.path().to_str().unwrap()]);
    images.push(tag);
    assert!(out.status.success(), "building {tag} failed:\n{dockerfile}\n{}{}", stdout(&out), stderr(&out));
}

/// The image's `Config.<field>` (Cmd or Entrypoint) as a list of strings.
fn config_field(docker: &Docker, tag: &str, field: &str) -> Vec<String> {
    let out = docker.command(&["image", "inspect", "--format", &format!("{{{{json .Config.{field}}}}}"), tag]);
    assert!(out.status.success(), "cannot inspect {tag}: {}", stderr(&out));
    serde_json::from_str(stdout(&out).trim()).unwrap_or_else(|e| panic!("{field} of {tag}: {e}: {}", stdout(&out)))
}

/// Run `tag` with `args`: its exit status and standard output.
fn run(docker: &Docker, tag: &str, args: &[&str]) -> (Option<i32>, String) {
    let mut all = vec!["run", "--rm", "--network", "none", tag];
    all.extend_from_slice(args);
    let out = docker.command(&all);
    (out.status.code(), stdout(&out).trim().to_string())
}

fn unique() -> String {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    format!("{}-{nanos}", std::process::id())
}

/// Build the original and the fixed Dockerfile; check the fix is `expected_line` replacing `line`, that the shell
/// call in the image configuration (`field`) differs only by `exec `, and return the two tags.
fn build_pair(
    docker: &Docker,
    images: &mut Images<'_>,
    original: &str,
    (line, expected_line): (&str, &str),
    field: &str,
    name: &str,
) -> (String, String) {
    let fixed = fix(original);
    assert_eq!(fixed, original.replace(line, expected_line), "the fix of `{line}`");
    assert_eq!(fix(&fixed), fixed, "fixing the fixed Dockerfile again changes it");
    let id = unique();
    let (before, after) = (format!("dfix-exec-form-{name}-original:{id}"), format!("dfix-exec-form-{name}-fixed:{id}"));
    build(docker, images, original, &before);
    build(docker, images, &fixed, &after);
    let (mut was, now) = (config_field(docker, &before, field), config_field(docker, &after, field));
    let script = was.pop().expect("a shell call has a script");
    assert_eq!(now, [was, vec![format!("exec {script}")]].concat(), "the shell call in {field}");
    (before, after)
}

#[test]
fn entrypoint_with_a_variable_becomes_pid_1_and_still_ignores_its_arguments() {
    let Some(docker) = common::docker::engine_or_skip(false) else { return };
    let mut images = Images::new(&docker);
    let original = format!(
        "FROM {}\nENV PROC_FILE=/proc/1/comm\nENTRYPOINT cat \"$PROC_FILE\"\nCMD [\"--no-such-option\"]\n",
        common::docker::BASE_IMAGE
    );
    let (before, after) = build_pair(
        &docker,
        &mut images,
        &original,
        ("ENTRYPOINT cat \"$PROC_FILE\"", r#"ENTRYPOINT ["/bin/sh", "-c", "exec cat \"$PROC_FILE\""]"#),
        "Entrypoint",
        "entrypoint",
    );
    // The CMD (an option cat would reject) and `docker run` arguments reach the shell as $0, $1: ignored in both.
    for args in [&[][..], &["--also-not-an-option"][..]] {
        assert_eq!(run(&docker, &before, args), (Some(0), "sh".to_string()), "the original, run with {args:?}");
        assert_eq!(run(&docker, &after, args), (Some(0), "cat".to_string()), "the fixed image, run with {args:?}");
    }
}

#[test]
fn cmd_under_a_bash_shell_keeps_its_shell_and_options() {
    let Some(docker) = common::docker::engine_or_skip(false) else { return };
    let mut images = Images::new(&docker);
    let original = format!(
        "FROM {}\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nENV PROC_FILE=/proc/1/comm\n\
         CMD cat \"$PROC_FILE\" 2>&1\n",
        common::docker::BASE_IMAGE
    );
    let (before, after) = build_pair(
        &docker,
        &mut images,
        &original,
        ("CMD cat \"$PROC_FILE\" 2>&1", r#"CMD ["/bin/bash", "-o", "pipefail", "-c", "exec cat \"$PROC_FILE\" 2>&1"]"#),
        "Cmd",
        "cmd",
    );
    assert_eq!(run(&docker, &before, &[]), (Some(0), "bash".to_string()), "the original");
    assert_eq!(run(&docker, &after, &[]), (Some(0), "cat".to_string()), "the fixed image");
}
