//! The Docker engine the image-build tests share (`tests/support/builder.sh start` sets it up): where it is, and
//! running Debian's client against it.
//!
//! Environment: `DFIX_DOCKER_HOST`, the engine's address (default `unix:///tmp/dfix-builder/docker.sock` when that
//! socket exists); `DFIX_REQUIRE_BUILDER=1`, a missing engine fails the test instead of skipping it.

use std::path::Path;
use std::process::{Command, Output};

pub const DEFAULT_SOCKET: &str = "/tmp/dfix-builder/docker.sock";
/// The image `builder.sh` imports; the fixtures build on it.
pub const BASE_IMAGE: &str = "debian:bookworm";

pub struct Docker {
    pub host: String,
    client: &'static str,
    buildkit: bool,
}

impl Docker {
    /// The engine, when it answers and has the base image; otherwise why not. With `buildkit`, builds use the
    /// engine's embedded BuildKit (`DOCKER_BUILDKIT=1`), else the classic builder.
    pub fn locate(buildkit: bool) -> Result<Docker, String> {
        let host = match std::env::var("DFIX_DOCKER_HOST") {
            Ok(h) if !h.is_empty() => h,
            _ if Path::new(DEFAULT_SOCKET).exists() => format!("unix://{DEFAULT_SOCKET}"),
            _ => return Err(format!("DFIX_DOCKER_HOST is not set and {DEFAULT_SOCKET} does not exist")),
        };
        // Debian's client, the engine's own version: its `docker build` has both builders without the buildx
        // plugin that a newer `docker` on PATH would need.
        let client = if Path::new("/usr/bin/docker").exists() { "/usr/bin/docker" } else { "docker" };
        let docker = Docker { host, client, buildkit };
        let version = docker.command(&["version", "--format", "{{.Server.Version}}"]);
        if !version.status.success() {
            return Err(format!("the engine at {} does not answer: {}", docker.host, stderr(&version)));
        }
        if !docker.command(&["image", "inspect", BASE_IMAGE]).status.success() {
            return Err(format!("the engine at {} has no {BASE_IMAGE} image", docker.host));
        }
        Ok(docker)
    }

    pub fn command(&self, args: &[&str]) -> Output {
        self.command_in(args, None, &[])
    }

    /// Run the client with `args`, in `dir` when given, with `env` added to its environment.
    pub fn command_in(&self, args: &[&str], dir: Option<&Path>, env: &[(&str, &str)]) -> Output {
        let mut cmd = Command::new(self.client);
        cmd.args(args).env("DOCKER_HOST", &self.host).env("DOCKER_BUILDKIT", if self.buildkit { "1" } else { "0" });
        if let Some(dir) = dir {
            cmd.current_dir(dir);
        }
        cmd.envs(env.iter().copied());
        cmd.output().unwrap_or_else(|e| panic!("cannot run {}: {e}", self.client))
    }
}

/// The engine, or `None` after a loud notice that the test is skipped; a missing engine fails the test instead
/// when `DFIX_REQUIRE_BUILDER` is set.
pub fn engine_or_skip(buildkit: bool) -> Option<Docker> {
    match Docker::locate(buildkit) {
        Ok(d) => Some(d),
        Err(why) => {
            let why = format!(
                "no image builder: {why}.\n!! Run `tests/support/builder.sh start` as root to set one up \
                 (Debian's docker.io on a private socket and a debootstrap base image)"
            );
            assert!(!builder_required(), "{why} (required because DFIX_REQUIRE_BUILDER is set)");
            super::skip(&why);
            None
        }
    }
}

/// Whether a missing engine must fail the test (`DFIX_REQUIRE_BUILDER`).
pub fn builder_required() -> bool {
    std::env::var("DFIX_REQUIRE_BUILDER").is_ok_and(|v| !v.is_empty() && v != "0" && !v.eq_ignore_ascii_case("false"))
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).trim().to_string()
}

pub fn stdout(o: &Output) -> String {
    text(&o.stdout)
}

pub fn stderr(o: &Output) -> String {
    text(&o.stderr)
}

/// Removes the images it holds when dropped, children first (in reverse order of `push`). `--no-prune` keeps their
/// untagged parent layers as the build cache of the next run.
pub struct Images<'a> {
    docker: &'a Docker,
    tags: Vec<String>,
}

impl<'a> Images<'a> {
    pub fn new(docker: &'a Docker) -> Self {
        Images { docker, tags: Vec::new() }
    }

    /// Hold `tag`; returns it.
    pub fn push(&mut self, tag: &str) -> String {
        self.tags.push(tag.to_string());
        tag.to_string()
    }
}

impl Drop for Images<'_> {
    fn drop(&mut self) {
        for tag in self.tags.iter().rev() {
            self.docker.command(&["image", "rm", "--force", "--no-prune", tag]);
        }
    }
}
