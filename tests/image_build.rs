//! Real image builds for `non-root-user`: each `corpus/non-root-user/build-*` fixture (Debian bookworm based) is
//! fixed by dfix, then both the original and the fixed Dockerfile are built with Docker, and both images are run.
//! The fixed image must run as uid and gid 10001, as a user that exists in its /etc/passwd, and its command must
//! still work and print what the original prints (the commands write into their WORKDIR).
//!
//! The builder is Debian's docker.io engine on a private socket with a `debian:bookworm` image imported from
//! `debootstrap --variant=minbase`; `tests/support/builder.sh start` (as root) sets it up.
//!
//! Environment:
//! - `DFIX_DOCKER_HOST`: the engine's address (default `unix:///tmp/dfix-builder/docker.sock` when that socket
//!   exists, as `builder.sh` leaves it).
//! - `DFIX_REQUIRE_BUILDER=1`: a missing builder fails the test instead of skipping it (set by `.ci/run`).

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::docker::{Docker, stderr, stdout};
use dfix::config::Config;
use dfix::engine::{self, Options};
use dfix::fix::Applicability;
use dfix::knowledge::Knowledge;
use dfix::transforms::lookup;

impl Docker {
    /// Build `dockerfile` with an empty context; the error is the build's output.
    fn build(&self, dockerfile: &str, tag: &str) -> Result<(), String> {
        let context = tempfile::tempdir().unwrap();
        let path = context.path().join("Dockerfile");
        std::fs::write(&path, dockerfile).unwrap();
        let (path, context) = (path.to_str().unwrap(), context.path().to_str().unwrap());
        let out = self.command(&["build", "--network", "host", "--quiet", "-t", tag, "-f", path, context]);
        if out.status.success() { Ok(()) } else { Err(format!("{}{}", stdout(&out), stderr(&out))) }
    }

    /// Run an image's default command, or `entrypoint args...` instead.
    fn run(&self, tag: &str, entrypoint: Option<(&str, &[&str])>) -> Output {
        let mut args = vec!["run", "--rm", "--network", "none"];
        if let Some((program, _)) = entrypoint {
            args.extend(["--entrypoint", program]);
        }
        args.push(tag);
        if let Some((_, rest)) = entrypoint {
            args.extend(rest);
        }
        self.command(&args)
    }
}

/// The fixtures to build, with the `dfix.toml` of each.
fn fixtures() -> Vec<(PathBuf, String)> {
    let root = common::manifest_dir().join("corpus/non-root-user");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("build-")))
        .collect();
    dirs.sort();
    dirs.into_iter()
        .map(|dir| {
            let case: toml::Table = std::fs::read_to_string(dir.join("case.toml")).unwrap().parse().unwrap();
            let config = case.get("config").and_then(|c| c.as_str()).unwrap_or("").to_string();
            (dir, config)
        })
        .collect()
}

fn fix(input: &str, config: &str) -> String {
    let config = Config::from_str(config, Path::new("dfix.toml")).unwrap();
    let knowledge = Knowledge::with_extensions(&config.knowledge).unwrap();
    let options = Options {
        required: Applicability::Unsafe,
        ..Options::new(vec![lookup("non-root-user").unwrap()], &config, &knowledge)
    };
    engine::fix(input, &options).expect("fixture parses").output
}

#[test]
fn fixed_debian_images_build_and_run_as_uid_10001() {
    let Some(docker) = common::docker::engine_or_skip(false) else { return };
    let fixtures = fixtures();
    assert!(fixtures.len() >= 3, "expected several build-* fixtures, found {}", fixtures.len());
    let mut failures = Vec::new();
    for (dir, config) in &fixtures {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let input = std::fs::read_to_string(dir.join("input.Dockerfile")).unwrap();
        let fixed = fix(&input, config);
        assert_ne!(fixed, input, "{name}: dfix did not change it");
        let (original_tag, fixed_tag) = (format!("dfix-test/{name}:original"), format!("dfix-test/{name}:fixed"));
        let result = check(&docker, &input, &fixed, &original_tag, &fixed_tag);
        docker.command(&["image", "rm", "--force", &original_tag, &fixed_tag]);
        match result {
            Ok(output) => common::say(&format!("built and ran {name}: as uid 10001 it prints {output:?}")),
            Err(e) => failures.push(format!("{name}: {e}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Build both, run both; what the fixed image's command prints.
fn check(docker: &Docker, input: &str, fixed: &str, original_tag: &str, fixed_tag: &str) -> Result<String, String> {
    docker.build(input, original_tag).map_err(|e| format!("the original does not build:\n{e}"))?;
    docker.build(fixed, fixed_tag).map_err(|e| format!("the fixed Dockerfile does not build:\n{e}\n{fixed}"))?;
    let id = |tag: &str, flag: &str| stdout(&docker.run(tag, Some(("id", &[flag]))));
    if id(original_tag, "-u") != "0" {
        return Err(format!("the original runs as uid {}, not root", id(original_tag, "-u")));
    }
    let (uid, gid, name) = (id(fixed_tag, "-u"), id(fixed_tag, "-g"), id(fixed_tag, "-un"));
    if (uid.as_str(), gid.as_str()) != ("10001", "10001") {
        return Err(format!("the fixed image runs as {uid}:{gid}, not 10001:10001"));
    }
    if name != "app" {
        return Err(format!("uid 10001 has no user in /etc/passwd (id -un says {name:?})"));
    }
    let before = docker.run(original_tag, None);
    if !before.status.success() {
        return Err(format!("the original's command fails: {}", stderr(&before)));
    }
    let after = docker.run(fixed_tag, None);
    if !after.status.success() {
        return Err(format!("the fixed image's command fails as uid 10001: {}", stderr(&after)));
    }
    if stdout(&after) != stdout(&before) {
        return Err(format!("the command prints {:?} as uid 10001 but {:?} as root", stdout(&after), stdout(&before)));
    }
    Ok(stdout(&after))
}
