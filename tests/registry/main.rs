//! `pin-digest`, `slim-base` and the registry client against real registries on 127.0.0.1: Debian's `docker-registry` seeded
//! through its HTTP API (plain, and with htpasswd Basic auth behind TLS), and scripted servers for the answers no
//! real registry gives (429, garbage, silence). Every run uses its own cache directory and Docker configuration;
//! nothing talks to any other host.
//!
//! Tests that need `docker-registry` skip loudly without it, and fail when `DFIX_REQUIRE_REGISTRY=1`.

mod harness;

use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use dfix::registry::client::Client;
use dfix::registry::resolve::{self, Request};
use dfix::registry::{Reference, RegistryConfig, Resolution};
use harness::{Options, Registry, Scripted, response, sha256};

/// A temporary project: a Dockerfile, an optional dfix.toml, its own cache and Docker configuration.
struct Project {
    dir: tempfile::TempDir,
}

impl Project {
    fn new(dockerfile: &str, dfix_toml: Option<&str>) -> Project {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("Dockerfile"), dockerfile).unwrap();
        if let Some(toml) = dfix_toml {
            std::fs::write(dir.path().join("dfix.toml"), toml).unwrap();
        }
        std::fs::create_dir_all(dir.path().join("docker")).unwrap();
        Project { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.path(name)).unwrap()
    }

    fn write(&self, name: &str, text: &str) {
        let path = self.path(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    /// `dfix --select pin-digest` in the project, isolated from the user's cache, Docker login and environment.
    fn dfix(&self, args: &[&str]) -> Command {
        self.dfix_select("pin-digest", args)
    }

    /// `dfix --select <select>` in the project, isolated like [`Project::dfix`].
    fn dfix_select(&self, select: &str, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_dfix"));
        cmd.current_dir(self.dir.path())
            .env("DFIX_CACHE_DIR", self.path("cache"))
            .env("DOCKER_CONFIG", self.path("docker"))
            .env("HOME", self.dir.path())
            .env_remove("DFIX_REGISTRY_USER")
            .env_remove("DFIX_REGISTRY_PASSWORD")
            .env_remove("DFIX_REGISTRY_HOST")
            .env("NO_COLOR", "1")
            .args(["--select", select])
            .args(args);
        cmd
    }
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
    took: Duration,
}

fn run(mut cmd: Command) -> Run {
    let start = Instant::now();
    let out = cmd.timeout(Duration::from_secs(120)).output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        took: start.elapsed(),
    }
}

#[test]
fn pins_every_kind_of_manifest_to_the_digest_of_the_pushed_bytes() {
    let Some(registry) = Registry::start(Options::default()) else { return };
    let index = registry.push_index("app/index", "1", true);
    let list = registry.push_index("app/list", "1", false);
    let (oci, _) = registry.push_image("app/oci", "1", true, "amd64");
    let (docker, _) = registry.push_image("app/docker", "1.0", false, "amd64");
    let a = &registry.addr;
    let input = format!(
        "# syntax=docker/dockerfile:1\nFROM {a}/app/index:1 AS one\nRUN true\nFROM --platform=linux/arm64 \
         {a}/app/list:1\nFROM {a}/app/oci:1 AS three\nCOPY --from=one / /\nFROM {a}/app/docker:1.0\nFROM one\n"
    );
    let project = Project::new(&input, None);
    let first = run(project.dfix(&["--apply"]));
    assert_eq!(first.code, 0, "{}", first.stderr);
    let expected = format!(
        "# syntax=docker/dockerfile:1\nFROM {a}/app/index:1@{index} AS one\nRUN true\nFROM --platform=linux/arm64 \
         {a}/app/list:1@{list}\nFROM {a}/app/oci:1@{oci} AS three\nCOPY --from=one / /\nFROM \
         {a}/app/docker:1.0@{docker}\nFROM one\n"
    );
    assert_eq!(project.read("Dockerfile"), expected);
    assert!(first.stderr.contains("pin-digest"), "{}", first.stderr);
    for (repository, tag) in [("app/index", "1"), ("app/list", "1"), ("app/oci", "1"), ("app/docker", "1.0")] {
        assert_eq!(registry.manifest_requests(repository, tag), 1, "requests for {repository}:{tag}");
    }
    // Pinned images are not looked up again, and nothing changes.
    let second = run(project.dfix(&["--check"]));
    assert_eq!(second.code, 0, "{}", second.stderr);
    assert_eq!(registry.all_manifest_requests(), 4);
}

#[test]
fn the_client_reads_the_digest_header_with_one_request_per_image() {
    let Some(registry) = Registry::start(Options::default()) else { return };
    let index = registry.push_index("lib/one", "2", true);
    let (single, _) = registry.push_image("lib/two", "2", false, "amd64");
    let client = Client::new(&RegistryConfig::default(), None);
    let one = Reference::parse(&format!("{}/lib/one:2", registry.addr)).unwrap();
    let two = Reference::parse(&format!("{}/lib/two:2", registry.addr)).unwrap();
    assert_eq!(client.resolve(&one).unwrap(), index);
    assert_eq!(client.resolve(&two).unwrap(), single);
    assert_eq!(client.requests(), 2);
    let missing = Reference::parse(&format!("{}/lib/two:nope", registry.addr)).unwrap();
    let err = client.resolve(&missing).unwrap_err().to_string();
    assert!(err.contains("has no tag `nope` in `lib/two`"), "{err}");
}

#[test]
fn many_images_resolve_in_parallel_each_once() {
    let Some(registry) = Registry::start(Options::default()) else { return };
    let mut expected = Vec::new();
    for i in 0..24 {
        let (digest, _) = registry.push_image(&format!("many/app{i}"), "1", i % 2 == 0, "amd64");
        expected.push((Reference::parse(&format!("{}/many/app{i}:1", registry.addr)).unwrap(), digest));
    }
    // Every reference twice: duplicates are asked once.
    let references: Vec<Reference> = expected.iter().chain(&expected).map(|(r, _)| r.clone()).collect();
    let config: RegistryConfig = toml::from_str("parallel = 6\n").unwrap();
    let request = Request { config: &config, config_dir: None, offline: None, update: false, cache: None };
    let (found, stats) = resolve::resolve(&references, &request);
    assert_eq!(stats.requests, 24);
    assert_eq!(registry.all_manifest_requests(), 24);
    for (reference, digest) in &expected {
        match found.get(reference) {
            Some(Resolution::Resolved { digest: got, .. }) => assert_eq!(got, digest),
            other => panic!("{reference}: {other:?}"),
        }
    }
}

#[test]
fn one_request_per_distinct_image_across_files() {
    let Some(registry) = Registry::start(Options::default()) else { return };
    let (digest, _) = registry.push_image("shared/base", "3", true, "amd64");
    let from = format!("FROM {}/shared/base:3", registry.addr);
    let project = Project::new(&format!("{from} AS a\n{from}\n"), None);
    project.write("svc-a/Dockerfile", &format!("{from}\n"));
    project.write("svc-b/Containerfile", &format!("{from}\nRUN true\n"));
    let diff = run(project.dfix(&[]));
    assert_eq!(diff.code, 1, "a diff was printed: {}", diff.stderr);
    assert_eq!(diff.stdout.matches(&format!("+{from}@{digest}")).count(), 4, "{}", diff.stdout);
    assert_eq!(registry.manifest_requests("shared/base", "3"), 1);
}

#[test]
fn global_arg_default_and_update_digests() {
    let Some(registry) = Registry::start(Options::default()) else { return };
    let (first, _) = registry.push_image("team/base", "stable", true, "amd64");
    let input = format!("ARG BASE={}/team/base:stable\nFROM ${{BASE}} AS build\nFROM $BASE\n", registry.addr);
    let project = Project::new(&input, None);
    assert_eq!(run(project.dfix(&["--apply"])).code, 0);
    let pinned = input.replacen(":stable\n", &format!(":stable@{first}\n"), 1);
    assert_eq!(project.read("Dockerfile"), pinned);

    // The tag moves.
    let (second, _) = registry.push_image("team/base", "stable", true, "arm64");
    assert_ne!(first, second);
    let plain = run(project.dfix(&["--apply"]));
    assert_eq!(plain.code, 0, "{}", plain.stderr);
    assert_eq!(project.read("Dockerfile"), pinned, "without --update-digests pins stay");
    assert_eq!(registry.manifest_requests("team/base", "stable"), 1, "and are not looked up");

    let updated = run(project.dfix(&["--apply", "--update-digests"]));
    assert_eq!(updated.code, 0, "{}", updated.stderr);
    assert_eq!(project.read("Dockerfile"), input.replacen(":stable\n", &format!(":stable@{second}\n"), 1));
    // The same through dfix.toml.
    let (third, _) = registry.push_image("team/base", "stable", false, "amd64");
    project.write("dfix.toml", "update-digests = true\n");
    assert_eq!(run(project.dfix(&["--apply"])).code, 0);
    assert!(project.read("Dockerfile").contains(&third));
}

#[test]
fn docker_hub_names_resolve_through_a_mirror() {
    let Some(registry) = Registry::start(Options::default()) else { return };
    let index = registry.push_index("library/python", "3.12-slim", true);
    let (user_app, _) = registry.push_image("someone/app", "1", false, "amd64");
    let toml = format!("[registry]\nmirrors = {{ \"docker.io\" = \"{}\" }}\n", registry.addr);
    let project = Project::new("FROM python:3.12-slim AS base\nFROM docker.io/someone/app:1\n", Some(toml.as_str()));
    let out = run(project.dfix(&["--apply"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        project.read("Dockerfile"),
        format!("FROM python:3.12-slim@{index} AS base\nFROM docker.io/someone/app:1@{user_app}\n")
    );
}

/// A TLS registry with Basic auth, reached as `registry.test` through a mirror URL, trusting the test's CA.
fn secure_project(registry: &Registry, with_ca: bool) -> (Project, String) {
    let (digest, _) = registry.push_image("secure/app", "1", true, "amd64");
    let mut toml = format!("[registry]\nmirrors = {{ \"registry.test\" = \"https://{}\" }}\n", registry.addr);
    if with_ca {
        let ca = registry.ca.as_ref().unwrap().display().to_string();
        toml.push_str(&format!("ca-certificates = [\"{ca}\"]\ntimeout = \"10s\"\n"));
    }
    (Project::new("FROM registry.test/secure/app:1\n", Some(toml.as_str())), digest)
}

fn docker_auth(project: &Project, host: &str, user: &str, password: &str) {
    let auth = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, format!("{user}:{password}"));
    project.write("docker/config.json", &format!("{{\"auths\": {{\"{host}\": {{\"auth\": \"{auth}\"}}}}}}"));
}

#[test]
fn credentials_and_ca_for_a_tls_registry_with_basic_auth() {
    let options = Options { tls: true, htpasswd: Some(("ci".into(), "s3cret".into())) };
    let Some(registry) = Registry::start(options) else { return };

    // config.json `auths`.
    let (project, digest) = secure_project(&registry, true);
    docker_auth(&project, &registry.addr, "ci", "s3cret");
    let out = run(project.dfix(&["--apply"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(project.read("Dockerfile"), format!("FROM registry.test/secure/app:1@{digest}\n"));

    // A wrong password: a clear note, no change.
    let (project, _) = secure_project(&registry, true);
    docker_auth(&project, &registry.addr, "ci", "wrong");
    let out = run(project.dfix(&["--apply"]));
    assert_eq!(project.read("Dockerfile"), "FROM registry.test/secure/app:1\n");
    assert!(out.stderr.contains("refused the credentials of `ci`"), "{}", out.stderr);
    assert!(out.stderr.contains("Dockerfile:1:6: note: cannot pin `registry.test/secure/app:1`"), "{}", out.stderr);

    // No credentials at all.
    let (project, _) = secure_project(&registry, true);
    let out = run(project.dfix(&["--apply"]));
    assert!(out.stderr.contains("needs credentials"), "{}", out.stderr);
    assert_eq!(project.read("Dockerfile"), "FROM registry.test/secure/app:1\n");

    // The environment, for CI.
    let (project, digest) = secure_project(&registry, true);
    let mut cmd = project.dfix(&["--apply"]);
    cmd.env("DFIX_REGISTRY_USER", "ci").env("DFIX_REGISTRY_PASSWORD", "s3cret");
    assert_eq!(run(cmd).code, 0);
    assert_eq!(project.read("Dockerfile"), format!("FROM registry.test/secure/app:1@{digest}\n"));

    // A credential helper named in credHelpers.
    let (project, digest) = secure_project(&registry, true);
    project.write("docker/config.json", &format!("{{\"credHelpers\": {{\"{}\": \"dfixtest\"}}}}", registry.addr));
    let bin = project.path("bin");
    project.write(
        "bin/docker-credential-dfixtest",
        "#!/bin/sh\nread server\necho \"{\\\"ServerURL\\\":\\\"$server\\\",\\\"Username\\\":\\\"ci\\\",\\\"Secret\\\":\\\"s3cret\\\"}\"\n",
    );
    make_executable(&bin.join("docker-credential-dfixtest"));
    let path = std::env::join_paths(
        std::iter::once(bin.clone()).chain(std::env::split_paths(&std::env::var_os("PATH").unwrap())),
    )
    .unwrap();
    let mut cmd = project.dfix(&["--apply"]);
    cmd.env("PATH", path);
    let out = run(cmd);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(project.read("Dockerfile"), format!("FROM registry.test/secure/app:1@{digest}\n"));

    // The same helper as the default store (credsStore).
    let (project, digest) = secure_project(&registry, true);
    project.write("docker/config.json", "{\"credsStore\": \"dfixtest\"}");
    project.write(
        "bin/docker-credential-dfixtest",
        &std::fs::read_to_string(bin.join("docker-credential-dfixtest")).unwrap(),
    );
    make_executable(&project.path("bin/docker-credential-dfixtest"));
    let path = std::env::join_paths(
        std::iter::once(project.path("bin")).chain(std::env::split_paths(&std::env::var_os("PATH").unwrap())),
    )
    .unwrap();
    let mut cmd = project.dfix(&["--apply"]);
    cmd.env("PATH", path);
    let out = run(cmd);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(project.read("Dockerfile"), format!("FROM registry.test/secure/app:1@{digest}\n"));

    // Without the CA the certificate is not trusted.
    let (project, _) = secure_project(&registry, false);
    docker_auth(&project, &registry.addr, "ci", "s3cret");
    let out = run(project.dfix(&["--apply"]));
    assert!(out.stderr.contains("TLS with"), "{}", out.stderr);
    assert_eq!(project.read("Dockerfile"), "FROM registry.test/secure/app:1\n");
}

fn make_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn failures_leave_the_file_unchanged_with_a_note_each() {
    let closed = harness::free_port();
    let silent = Scripted::start(|_, _| None);
    let limited = Scripted::start(|_, _| {
        Some(response(
            "429 Too Many Requests",
            &[("ratelimit-limit", "100;w=21600"), ("ratelimit-remaining", "0;w=21600")],
            b"",
        ))
    });
    let not_http = Scripted::start(|_, _| Some(b"SSH-2.0-OpenSSH_9.2\r\nProtocol mismatch.\r\n\r\n".to_vec()));
    let bad_body = Scripted::start(|line, _| {
        let body: &[u8] = if line.starts_with("HEAD") { b"" } else { b"<html>captive portal</html>" };
        Some(response("200 OK", &[("Content-Type", "application/json")], body))
    });
    let bad_digest = Scripted::start(|_, _| {
        Some(response(
            "200 OK",
            &[("Docker-Content-Digest", "sha256:nothex"), ("Content-Type", harness::OCI_INDEX)],
            b"",
        ))
    });
    let input = format!(
        "FROM 127.0.0.1:{closed}/app:1 AS closed\nFROM {}/app:1 AS silent\nFROM {}/app:1 AS limited\n\
         FROM {}/app:1 AS garbage\nFROM {}/app:1 AS body\nFROM {}/app:1 AS digest\n",
        silent.addr, limited.addr, not_http.addr, bad_body.addr, bad_digest.addr
    );
    let project = Project::new(&input, Some("[registry]\ntimeout = \"2s\"\nconnect-timeout = \"2s\"\n"));
    let out = run(project.dfix(&["--apply"]));
    assert_eq!(out.code, 0, "notes are not errors: {}", out.stderr);
    assert_eq!(project.read("Dockerfile"), input);
    assert!(out.took < Duration::from_secs(60), "took {:?}", out.took);
    let note = |line: usize, text: &str| {
        let found = out
            .stderr
            .lines()
            .any(|l| l.starts_with(&format!("Dockerfile:{line}:6: note: cannot pin")) && l.contains(text));
        assert!(found, "no note on line {line} containing {text:?}:\n{}", out.stderr);
    };
    note(1, &format!("cannot connect to 127.0.0.1:{closed}: connection refused"));
    note(2, &format!("no answer from {} within 2s", silent.addr));
    note(3, "rate limited by");
    note(3, "ratelimit-remaining: 0;w=21600");
    note(4, "not a registry answer");
    note(5, "the manifest is not JSON");
    note(6, "Docker-Content-Digest `sha256:nothex` is not a digest");
    assert_eq!(limited.requests.load(Ordering::Relaxed), 1, "no retry after a 429");
}

#[test]
fn a_missing_digest_header_means_hashing_the_manifest_bytes() {
    let manifest = br#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}"#;
    let server = Scripted::start(move |line, _| {
        let body: &[u8] = if line.starts_with("HEAD") { b"" } else { manifest };
        Some(response("200 OK", &[("Content-Type", harness::OCI_INDEX)], body))
    });
    let client = Client::new(&RegistryConfig::default(), None);
    let reference = Reference::parse(&format!("{}/app:1", server.addr)).unwrap();
    assert_eq!(client.resolve(&reference).unwrap(), sha256(manifest));
    assert_eq!(client.requests(), 2, "HEAD, then GET");
}

#[test]
fn anonymous_bearer_tokens_from_the_challenge() {
    let digest = format!("sha256:{}", "d".repeat(64));
    let own_addr = Arc::new(OnceLock::<String>::new());
    let server = Scripted::start({
        let (digest, own_addr) = (digest.clone(), own_addr.clone());
        move |line, headers| {
            if line.starts_with("GET /token?") {
                assert!(line.contains("service=test-registry"), "{line}");
                assert!(line.contains("scope=repository%3Aorg%2Fapp%3Apull"), "{line}");
                assert!(!headers.contains("authorization:"), "anonymous: {headers}");
                return Some(response("200 OK", &[("Content-Type", "application/json")], br#"{"token":"t0ken"}"#));
            }
            if headers.contains("authorization: bearer t0ken") {
                return Some(response("200 OK", &[("Docker-Content-Digest", &digest)], b""));
            }
            let realm = format!(
                "Bearer realm=\"http://{}/token\",service=\"test-registry\",scope=\"repository:org/app:pull\"",
                own_addr.get().unwrap()
            );
            Some(response("401 Unauthorized", &[("WWW-Authenticate", &realm)], b""))
        }
    });
    own_addr.set(server.addr.clone()).unwrap();
    let client = Client::new(&RegistryConfig::default(), None);
    for tag in ["1", "2"] {
        let reference = Reference::parse(&format!("{}/org/app:{tag}", server.addr)).unwrap();
        assert_eq!(client.resolve(&reference).unwrap(), digest);
    }
    // HEAD (401), token, HEAD; the second tag of the same repository reuses the token.
    assert_eq!(client.requests(), 4);
    assert_eq!(server.requests.load(Ordering::Relaxed), 4);
}

#[test]
fn offline_pins_from_the_lock_file_and_the_cache() {
    let Some(registry) = Registry::start(Options::default()) else { return };
    let (digest, _) = registry.push_image("off/app", "1", true, "amd64");
    let input = format!("FROM {}/off/app:1\n", registry.addr);
    let pinned = format!("FROM {}/off/app:1@{digest}\n", registry.addr);
    let project = Project::new(&input, Some("[registry]\nlock = true\n"));

    // Nothing known yet: a note, no change, no request.
    let out = run(project.dfix(&["--offline", "--apply"]));
    assert!(
        out.stderr.contains("not in dfix.lock or dfix's cache, and --offline keeps dfix off the network"),
        "{}",
        out.stderr
    );
    assert_eq!(project.read("Dockerfile"), input);
    assert_eq!(registry.all_manifest_requests(), 0);

    // Online, with `lock = true`: pinned, dfix.lock written, cache filled.
    let out = run(project.dfix(&["--apply"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(project.read("Dockerfile"), pinned);
    let lock = project.read("dfix.lock");
    assert!(lock.contains(&format!("\"{}/off/app:1\" = \"{digest}\"", registry.addr)), "{lock}");
    assert!(project.path("cache/digests.json").is_file());

    // Offline from the lock file: safe, applied by default.
    project.write("Dockerfile", &input);
    let out = run(project.dfix(&["--offline", "--apply"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(project.read("Dockerfile"), pinned);

    // Offline from the cache alone: unsafe, held back unless asked for.
    std::fs::remove_file(project.path("dfix.lock")).unwrap();
    project.write("dfix.toml", "");
    project.write("Dockerfile", &input);
    let out = run(project.dfix(&["--offline", "--apply"]));
    assert_eq!(project.read("Dockerfile"), input, "{}", out.stderr);
    assert!(out.stderr.contains("unsafe"), "the summary mentions the held-back fix: {}", out.stderr);
    let out = run(project.dfix(&["--offline", "--apply", "--unsafe-fixes"]));
    assert_eq!(project.read("Dockerfile"), pinned, "{}", out.stderr);
    assert_eq!(registry.manifest_requests("off/app", "1"), 1, "offline runs never asked the registry");
}

#[test]
fn stdin_mode_stays_offline_unless_configured() {
    let Some(registry) = Registry::start(Options::default()) else { return };
    let (digest, _) = registry.push_image("edit/app", "1", true, "amd64");
    let input = format!("FROM {}/edit/app:1\n", registry.addr);
    let project = Project::new(&input, None);
    let mut cmd = project.dfix(&["--stdin-filename", "Dockerfile"]);
    cmd.write_stdin(input.clone());
    let out = run(cmd);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, input);
    assert!(out.stderr.contains("stdin-network = true"), "{}", out.stderr);
    assert_eq!(registry.all_manifest_requests(), 0);

    project.write("dfix.toml", "[registry]\nstdin-network = true\n");
    let mut cmd = project.dfix(&["--stdin-filename", "Dockerfile"]);
    cmd.write_stdin(input.clone());
    let out = run(cmd);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, format!("FROM {}/edit/app:1@{digest}\n", registry.addr));
}

#[test]
fn never_pin_images_are_not_looked_up() {
    let closed = harness::free_port();
    let input = format!("FROM 127.0.0.1:{closed}/app:1\nFROM 127.0.0.1:{closed}/other:2\n");
    let toml = format!("[registry]\nnever-pin = [\"127.0.0.1:{closed}/app\"]\n");
    let project = Project::new(&input, Some(toml.as_str()));
    let out = run(project.dfix(&[]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(!out.stderr.contains("/app:1"), "never-pin images get no note: {}", out.stderr);
    assert!(out.stderr.contains(&format!("`127.0.0.1:{closed}/other:2`: cannot connect")), "{}", out.stderr);
}

#[test]
fn a_broken_lock_file_is_an_error_and_is_not_used() {
    let project = Project::new("FROM python:3.12\n", Some(""));
    project.write("dfix.lock", "version = 1\n[digests]\n\"docker.io/library/python:3.12\" = \"latest\"\n");
    let out = run(project.dfix(&["--offline"]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("dfix.lock: `docker.io/library/python:3.12` = `latest` is not a sha256"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("hint: fix or delete the lock file"), "{}", out.stderr);
    assert_eq!(project.read("Dockerfile"), "FROM python:3.12\n");
}

/// `slim-base` asks the registry (here Docker Hub's mirror) whether the slim tag exists: present, it moves; absent,
/// it does not, with a note. One HEAD request per distinct tag, however many files name it.
#[test]
fn slim_base_moves_only_to_a_tag_the_registry_has() {
    let Some(registry) = Registry::start(Options::default()) else { return };
    registry.push_index("library/python", "3.12-slim", true);
    let toml = format!("[registry]\nlock = true\nmirrors = {{ \"docker.io\" = \"{}\" }}\n", registry.addr);
    let app = "WORKDIR /app\nCOPY . .\nCMD [\"python\", \"main.py\"]\n";
    let project = Project::new(&format!("FROM python:3.12\n{app}"), Some(toml.as_str()));
    project.write("other/Dockerfile", &format!("FROM python:3.12\n{app}"));
    project.write("missing/Dockerfile", &format!("FROM python:3.13\n{app}"));
    let out = run(project.dfix_select("slim-base", &["--unsafe-fixes", "--apply", "."]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(project.read("Dockerfile"), format!("FROM python:3.12-slim\n{app}"));
    assert_eq!(project.read("other/Dockerfile"), format!("FROM python:3.12-slim\n{app}"));
    assert_eq!(project.read("missing/Dockerfile"), format!("FROM python:3.13\n{app}"), "3.13-slim was not pushed");
    assert!(out.stderr.contains("the registry has no such tag"), "{}", out.stderr);
    assert!(out.stderr.contains("has no tag `3.13-slim` in `library/python`"), "{}", out.stderr);
    assert_eq!(registry.manifest_requests("library/python", "3.12-slim"), 1, "one request per distinct tag");
    assert_eq!(registry.manifest_requests("library/python", "3.13-slim"), 1);
    assert_eq!(registry.manifest_requests("library/python", "3.12"), 0, "the original is not asked about");
    // Nothing is pinned, so `lock = true` records nothing.
    assert!(!project.path("dfix.lock").exists(), "{}", project.read("dfix.lock"));
}

/// With `pin-digest` in the same run, the new tag is pinned to its own digest, whether the original was pinned
/// (the full image's digest is replaced) or not; `dfix.lock` records the slim tag's digest, which was pinned.
#[test]
fn slim_base_with_pin_digest_pins_the_slim_tag() {
    let Some(registry) = Registry::start(Options::default()) else { return };
    let full = registry.push_index("library/python", "3.12", true);
    let slim = registry.push_index("library/python", "3.12-slim", false);
    let (node_slim, _) = registry.push_image("library/node", "20-slim", true, "amd64");
    let toml = format!("[registry]\nlock = true\nmirrors = {{ \"docker.io\" = \"{}\" }}\n", registry.addr);
    let input = format!("FROM python:3.12@{full} AS app\nCMD [\"python\"]\n");
    let project = Project::new(&input, Some(toml.as_str()));
    project.write("node/Dockerfile", "FROM node:20\nCMD [\"node\", \"x.js\"]\n");
    let out = run(project.dfix_select("slim-base,pin-digest", &["--unsafe-fixes", "--apply", "."]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(project.read("Dockerfile"), format!("FROM python:3.12-slim@{slim} AS app\nCMD [\"python\"]\n"));
    assert_eq!(project.read("node/Dockerfile"), format!("FROM node:20-slim@{node_slim}\nCMD [\"node\", \"x.js\"]\n"));
    let lock = project.read("dfix.lock");
    assert!(lock.contains(&slim) && lock.contains(&node_slim), "{lock}");
    assert!(!lock.contains(&full), "the full image was never pinned by this run: {lock}");
}

/// A registry that cannot be reached leaves the table to decide, the fix's message says so and why (shown by
/// `--format json`), and nothing hangs.
#[test]
fn slim_base_without_a_registry_decides_from_the_table() {
    let closed = harness::free_port();
    let silent = Scripted::start(|_, _| None);
    for (mirror, why) in [
        (format!("127.0.0.1:{closed}"), "connection refused".to_string()),
        (silent.addr.clone(), "within 2s".to_string()),
    ] {
        let toml = format!(
            "[registry]\ntimeout = \"2s\"\nconnect-timeout = \"2s\"\nmirrors = {{ \"docker.io\" = \"{mirror}\" }}\n"
        );
        let project = Project::new("FROM node:20\nCMD [\"node\", \"x.js\"]\n", Some(toml.as_str()));
        let report = run(project.dfix_select("slim-base", &["--unsafe-fixes", "--format", "json"]));
        assert!(report.stdout.contains("so the table alone decides"), "{}", report.stdout);
        assert!(report.stdout.contains(&why), "{why}: {}", report.stdout);
        let out = run(project.dfix_select("slim-base", &["--unsafe-fixes", "--apply"]));
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert_eq!(project.read("Dockerfile"), "FROM node:20-slim\nCMD [\"node\", \"x.js\"]\n", "{mirror}");
        assert!(out.took < Duration::from_secs(30), "took {:?}", out.took);
        if mirror == silent.addr {
            assert!(silent.requests.load(Ordering::Relaxed) >= 1, "the silent registry was asked");
        }
    }
    // --offline asks nothing: the silent registry sees no new request.
    let before = silent.requests.load(Ordering::Relaxed);
    let toml = format!("[registry]\nmirrors = {{ \"docker.io\" = \"{}\" }}\n", silent.addr);
    let project = Project::new("FROM node:20\nCMD [\"node\", \"x.js\"]\n", Some(toml.as_str()));
    let out = run(project.dfix_select("slim-base", &["--unsafe-fixes", "--apply", "--offline"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(project.read("Dockerfile"), "FROM node:20-slim\nCMD [\"node\", \"x.js\"]\n");
    assert_eq!(silent.requests.load(Ordering::Relaxed), before);
}

/// As a filter, slim-base stays off the network unless `stdin-network = true`: the table decides; with the network,
/// the registry's answer does (here: no such tag, so nothing changes and a note says why).
#[test]
fn slim_base_in_stdin_mode_asks_only_when_configured() {
    let Some(registry) = Registry::start(Options::default()) else { return };
    registry.push_index("library/python", "3.12", true);
    let mirror = format!("mirrors = {{ \"docker.io\" = \"{}\" }}\n", registry.addr);
    let input = "FROM python:3.12\nCMD [\"python\"]\n";
    let project = Project::new(input, Some(&format!("[registry]\n{mirror}")));
    let mut cmd = project.dfix_select("slim-base", &["--unsafe-fixes", "--stdin-filename", "Dockerfile"]);
    cmd.write_stdin(input);
    let out = run(cmd);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, "FROM python:3.12-slim\nCMD [\"python\"]\n");
    assert_eq!(registry.all_manifest_requests(), 0);

    project.write("dfix.toml", &format!("[registry]\nstdin-network = true\n{mirror}"));
    let mut cmd = project.dfix_select("slim-base", &["--unsafe-fixes", "--stdin-filename", "Dockerfile"]);
    cmd.write_stdin(input);
    let out = run(cmd);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, input, "the registry has no 3.12-slim");
    assert!(out.stderr.contains("the registry has no such tag"), "{}", out.stderr);
    assert_eq!(registry.manifest_requests("library/python", "3.12-slim"), 1);
}

/// `eol-base` with `pin-digest`: the tags it would move to are looked up with the others, so a tag the registry has
/// is moved to and pinned in the same run, and one it lacks is not proposed.
#[test]
fn end_of_life_bases_move_only_to_tags_the_registry_has_and_are_pinned() {
    let Some(registry) = Registry::start(Options::default()) else { return };
    let trixie = registry.push_index("library/debian", "trixie-slim", true);
    let toml = format!("[registry]\nmirrors = {{ \"docker.io\" = \"{}\" }}\n", registry.addr);
    let project = Project::new("FROM debian:stretch-slim AS build\nFROM alpine:3.10\n", Some(toml.as_str()));
    let out = run(project.dfix(&["--extend-select", "eol-base", "--unsafe-fixes", "--as-of", "2026-12-04", "--apply"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(project.read("Dockerfile"), format!("FROM debian:trixie-slim@{trixie} AS build\nFROM alpine:3.10\n"));
    assert!(out.stderr.contains("no fix: the registry does not have `alpine:3.24`"), "{}", out.stderr);
    assert_eq!(registry.manifest_requests("library/debian", "trixie-slim"), 1);
    assert_eq!(registry.manifest_requests("library/alpine", "3.24"), 1);
}

/// On by default, `eol-base` alone keeps a run off the network: the table decides that the new tag exists.
#[test]
fn end_of_life_bases_alone_ask_no_registry() {
    let Some(registry) = Registry::start(Options::default()) else { return };
    let toml = format!("[registry]\nmirrors = {{ \"docker.io\" = \"{}\" }}\n", registry.addr);
    let project = Project::new("FROM debian:stretch-slim\n", Some(toml.as_str()));
    let args = ["--ignore", "pin-digest", "--extend-select", "eol-base", "--unsafe-fixes", "--as-of", "2026-12-04"];
    let out = run(project.dfix(&[&args[..], &["--apply"]].concat()));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(project.read("Dockerfile"), "FROM debian:trixie-slim\n");
    assert_eq!(registry.all_manifest_requests(), 0, "{}", out.stderr);
}
