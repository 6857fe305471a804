//! Real BuildKit builds for `secret-mount`: the `corpus/secret-mount/build-*` fixtures (Debian bookworm based; one
//! runs its RUN as another user than root) are
//! built as written, with the secret passed the old way (a build argument, or a file in the build context), and
//! after dfix's fix, with the `docker build` command its message names. The original leaves the secret in the image
//! (in `docker history --no-trunc` or in a layer of `docker save`); the fixed image builds, its RUN still sees the
//! secret (the fixture writes its SHA-256, which the image's command prints), and the secret is in no layer and not
//! in the history.
//!
//! The builder is Debian's docker.io 20.10 engine with its embedded BuildKit (`DOCKER_BUILDKIT=1`), on the socket
//! `tests/support/builder.sh start` sets up. That BuildKit runs no `# syntax=` frontend, and its built-in one has
//! no `env=` option for secret mounts, so the fixtures use the file form, which dfix chooses for files without a
//! `# syntax=` line.
//!
//! Environment:
//! - `DFIX_DOCKER_HOST`: the engine's address (default `unix:///tmp/dfix-builder/docker.sock` when that socket
//!   exists).
//! - `DFIX_REQUIRE_BUILDER=1`: a missing builder fails the test instead of skipping it (set by `.ci/run`).

mod common;

use std::path::{Path, PathBuf};

use common::docker::{Docker, text};
use dfix::config::Config;
use dfix::engine::{self, Options};
use dfix::fix::Applicability;
use dfix::knowledge::Knowledge;
use dfix::transforms::lookup;
use sha2::{Digest, Sha256};

impl Docker {
    /// `docker build` in `dir` (the context, holding `Dockerfile`) with `extra` options; the error is its output.
    fn build(&self, dir: &Path, tag: &str, extra: &[String], env: &[(&str, &str)]) -> Result<(), String> {
        // A secret is not part of BuildKit's cache key: without --no-cache, a RUN built in an earlier test run
        // with another secret would be reused.
        let mut args: Vec<&str> = vec!["build", "--no-cache", "--network", "host", "--progress", "plain", "-t", tag];
        args.extend(extra.iter().map(String::as_str));
        args.push(".");
        let out = self.command_in(&args, Some(dir), env);
        if out.status.success() { Ok(()) } else { Err(format!("{}{}", text(&out.stdout), text(&out.stderr))) }
    }

    /// Where the secret is found in the image: its history, or the saved image (every layer).
    fn leaks(&self, tag: &str, secret: &str) -> Vec<&'static str> {
        let mut found = Vec::new();
        let history = self.command(&["history", "--no-trunc", "--format", "{{.CreatedBy}}", tag]);
        assert!(history.status.success(), "docker history {tag}: {}", text(&history.stderr));
        if text(&history.stdout).contains(secret) {
            found.push("history");
        }
        let saved = tempfile::NamedTempFile::new().unwrap();
        let out = self.command(&["save", "-o", saved.path().to_str().unwrap(), tag]);
        assert!(out.status.success(), "docker save {tag}: {}", text(&out.stderr));
        let bytes = std::fs::read(saved.path()).unwrap();
        if memchr::memmem::find(&bytes, secret.as_bytes()).is_some() {
            found.push("a layer");
        }
        found
    }
}

/// The fixed text and the messages of the fixes applied.
fn fix(input: &str) -> (String, Vec<String>) {
    let config = Config::default();
    let knowledge = Knowledge::with_extensions(&config.knowledge).unwrap();
    let options = Options {
        required: Applicability::Unsafe,
        ..Options::new(vec![lookup("secret-mount").unwrap()], &config, &knowledge)
    };
    let outcome = engine::fix(input, &options).expect("fixture parses");
    (outcome.output, outcome.applied.into_iter().map(|a| a.message).collect())
}

/// The options of the `docker build ... .` command a message names (between backticks), without `docker build`
/// and the context.
fn build_options(message: &str) -> Vec<String> {
    let start = message.find("`docker build ").expect("the message names the build command") + 1;
    let end = start + message[start..].find('`').expect("closing backtick");
    let words: Vec<&str> = message[start..end].split_whitespace().collect();
    assert_eq!(words.last(), Some(&"."), "the command builds the current directory: {message}");
    words[2..words.len() - 1].iter().map(|w| w.to_string()).collect()
}

fn hex_sha256(value: &str) -> String {
    Sha256::digest(value.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

struct Case {
    name: &'static str,
    /// The options that pass the secret to the original build.
    original: fn(&str) -> Vec<String>,
    /// The secret is an environment variable of the build command (else a file of the context).
    variable: Option<&'static str>,
    /// The file of the context that holds the secret.
    file: Option<&'static str>,
}

#[test]
fn secrets_leave_the_image_once_fixed() {
    let Some(docker) = common::docker::engine_or_skip(true) else { return };
    let cases = [
        Case {
            name: "build-arg-token",
            original: |secret| vec!["--build-arg".into(), format!("BUILD_TOKEN={secret}")],
            variable: Some("BUILD_TOKEN"),
            file: None,
        },
        Case {
            name: "build-arg-token-as-another-user",
            original: |secret| vec!["--build-arg".into(), format!("BUILD_TOKEN={secret}")],
            variable: Some("BUILD_TOKEN"),
            file: None,
        },
        Case { name: "build-copied-netrc", original: |_| Vec::new(), variable: None, file: Some(".netrc") },
    ];
    let unique = format!(
        "{}-{}",
        std::process::id(),
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos()
    );
    let mut failures = Vec::new();
    for case in &cases {
        let secret = format!("dfix-secret-{unique}-{}", case.name);
        let dir: PathBuf = common::manifest_dir().join("corpus/secret-mount").join(case.name);
        let input = std::fs::read_to_string(dir.join("input.Dockerfile")).unwrap();
        let (fixed, messages) = fix(&input);
        assert_ne!(fixed, input, "{}: dfix did not change it", case.name);
        let [message] = messages.as_slice() else { panic!("{}: one fix expected, got {messages:?}", case.name) };
        let options = build_options(message);
        let (original_tag, fixed_tag) = (
            format!("dfix-test/secret-{}-{unique}:original", case.name),
            format!("dfix-test/secret-{}-{unique}:fixed", case.name),
        );
        let result = check(&docker, case, &secret, &input, &fixed, &options, &original_tag, &fixed_tag);
        docker.command(&["image", "rm", "--force", &original_tag, &fixed_tag]);
        match result {
            Ok(()) => common::say(&format!(
                "{}: the original leaks the secret, the fixed image built with `docker build {} .` does not",
                case.name,
                options.join(" ")
            )),
            Err(e) => failures.push(format!("{}: {e}", case.name)),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[allow(clippy::too_many_arguments)]
fn check(
    docker: &Docker,
    case: &Case,
    secret: &str,
    input: &str,
    fixed: &str,
    options: &[String],
    original_tag: &str,
    fixed_tag: &str,
) -> Result<(), String> {
    let context = tempfile::tempdir().unwrap();
    if let Some(name) = case.file {
        std::fs::write(context.path().join(name), secret).unwrap();
    }
    let env: Vec<(&str, &str)> = case.variable.map(|v| (v, secret)).into_iter().collect();
    let expected = hex_sha256(secret);

    std::fs::write(context.path().join("Dockerfile"), input).unwrap();
    docker
        .build(context.path(), original_tag, &(case.original)(secret), &[])
        .map_err(|e| format!("the original does not build:\n{e}"))?;
    let leaks = docker.leaks(original_tag, secret);
    if leaks.is_empty() {
        return Err("the original image does not hold the secret: the test proves nothing".into());
    }

    std::fs::write(context.path().join("Dockerfile"), fixed).unwrap();
    docker
        .build(context.path(), fixed_tag, options, &env)
        .map_err(|e| format!("the fixed Dockerfile does not build with {options:?}:\n{e}\n{fixed}"))?;
    let run = docker.command(&["run", "--rm", "--network", "none", fixed_tag]);
    if !run.status.success() {
        return Err(format!("the fixed image's command fails: {}", text(&run.stderr)));
    }
    if text(&run.stdout) != expected {
        return Err(format!(
            "the fixed RUN did not see the secret: it hashed to {}, the secret hashes to {expected}",
            text(&run.stdout)
        ));
    }
    let leaks = docker.leaks(fixed_tag, secret);
    if !leaks.is_empty() {
        return Err(format!("the fixed image still holds the secret in {}", leaks.join(" and ")));
    }
    Ok(())
}
