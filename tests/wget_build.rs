//! Real image builds for `wget-progress`: a file of 400 KB of pseudo-random bytes is served over HTTP on
//! 127.0.0.1 by the test, and Dockerfiles that download it with `wget` are built as written and after dfix's safe
//! fix (only `wget-progress` selected), with the host network.
//!
//! - GNU wget (`FROM debian:bookworm`, `apt-get install wget`): the fix adds `--progress=dot:giga`. Both builds
//!   succeed, request the file once each, and leave a file with the served file's SHA-256 at the same path; the
//!   original log has a line of ten-dot clusters per 50 KB, the fixed one no ten-dot cluster and at most one
//!   progress line, and still the `saved [N/N]` line. A URL that answers 404 fails both builds with the same exit
//!   status, and the fixed log still says `ERROR 404`.
//! - BusyBox wget (a local image tagged `busybox:…`, which dfix takes for a BusyBox image: Debian's `busybox`
//!   package with `/usr/local/bin/wget` linked to it, checked to be BusyBox's): the fix adds `-q`. Same download
//!   checks; the original log has BusyBox's `Connecting to` line, progress bar and `saved` line, the fixed one none
//!   of them. A URL that answers 404 fails both builds with the same exit status, and the fixed log still has
//!   `server returned error: HTTP/1.0 404`.
//!
//! Fixing a fixed Dockerfile again changes nothing. The images are removed at the end with `--no-prune`: their
//! intermediate layers (the `apt-get install` steps) stay as the build cache of the next run.
//!
//! The builder is Debian's docker.io engine on a private socket with a `debian:bookworm` image imported from
//! `debootstrap --variant=minbase`; `tests/support/builder.sh start` (as root) sets it up. The classic builder is
//! used; its `apt-get` steps reach Debian's mirror.
//!
//! Environment:
//! - `DFIX_DOCKER_HOST`: the engine's address (default `unix:///tmp/dfix-builder/docker.sock` when that socket
//!   exists, as `builder.sh` leaves it).
//! - `DFIX_REQUIRE_BUILDER=1`: a missing builder fails the test instead of skipping it (set by `.ci/run`).

mod common;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::docker::{Docker, Images, stderr, stdout};
use dfix::config::Config;
use dfix::engine::{self, Options};
use dfix::knowledge::Knowledge;
use dfix::transforms::lookup;
use sha2::{Digest, Sha256};

/// The size of the served file: a few hundred dots of GNU wget's default progress output.
const FILE_SIZE: usize = 400 * 1024;

/// What a `docker build` did.
struct Build {
    success: bool,
    /// Its output (standard output and error, without colour escapes).
    log: String,
    /// The exit status of the failed RUN, as the classic builder reports it.
    exit: Option<i32>,
}

impl Docker {
    /// Build `dockerfile` with an empty context and the host network.
    fn build(&self, dockerfile: &str, tag: &str) -> Build {
        let context = tempfile::tempdir().unwrap();
        let path = context.path().join("Dockerfile");
        std::fs::write(&path, dockerfile).unwrap();
        let (path, context) = (path.to_str().unwrap(), context.path().to_str().unwrap());
        // --force-rm: a failed RUN leaves no container behind.
        let out = self.command(&["build", "--network", "host", "--force-rm", "-t", tag, "-f", path, context]);
        let log = strip_escapes(&format!(
            "{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ));
        let exit = log
            .split("returned a non-zero code: ")
            .nth(1)
            .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next().and_then(|code| code.parse().ok()));
        Build { success: out.status.success(), log, exit }
    }

    /// The `sha256sum` line the image's RUN wrote to /data/sum.
    fn recorded_sum(&self, tag: &str) -> String {
        let out = self.command(&["run", "--rm", "--network", "none", tag, "cat", "/data/sum"]);
        assert!(out.status.success(), "cannot read /data/sum in {tag}: {}", stderr(&out));
        stdout(&out)
    }
}

/// An HTTP/1.0 server on 127.0.0.1: any path ending in `/file` gets the file, any other a 404. It records the
/// paths requested.
struct Server {
    port: u16,
    requests: Arc<Mutex<Vec<String>>>,
}

impl Server {
    fn start(file: Vec<u8>) -> Server {
        let listener = TcpListener::bind(("127.0.0.1", 0)).unwrap();
        let port = listener.local_addr().unwrap().port();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let (file, log) = (Arc::new(file), Arc::clone(&requests));
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (file, log) = (Arc::clone(&file), Arc::clone(&log));
                std::thread::spawn(move || respond(stream, &file, &log));
            }
        });
        Server { port, requests }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// How many times `path` was requested.
    fn hits(&self, path: &str) -> usize {
        self.requests.lock().unwrap().iter().filter(|p| *p == path).count()
    }
}

fn respond(mut stream: TcpStream, file: &[u8], log: &Mutex<Vec<String>>) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
    let mut request = Vec::new();
    let mut buf = [0u8; 4096];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => request.extend_from_slice(&buf[..n]),
        }
    }
    let request = String::from_utf8_lossy(&request);
    let path = request.split_whitespace().nth(1).unwrap_or("").to_string();
    let (status, body): (&str, &[u8]) =
        if path.ends_with("/file") { ("200 OK", file) } else { ("404 Not Found", b"not found\n") };
    log.lock().unwrap().push(path);
    let head = format!(
        "HTTP/1.0 {status}\r\nContent-Type: application/octet-stream\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(body);
}

/// Pseudo-random bytes (xorshift64*) from `seed`.
fn pseudo_random(seed: u64, len: usize) -> Vec<u8> {
    let mut state = seed | 1;
    let mut bytes = Vec::with_capacity(len + 8);
    while bytes.len() < len {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        bytes.extend_from_slice(&state.wrapping_mul(0x2545_f491_4f6c_dd1d).to_le_bytes());
    }
    bytes.truncate(len);
    bytes
}

fn hex_sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// The log without ANSI escape sequences (the client colours a RUN's standard error).
fn strip_escapes(log: &str) -> String {
    let mut out = String::with_capacity(log.len());
    let mut chars = log.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            if chars.next() == Some('[') {
                for c in chars.by_ref() {
                    if c.is_ascii_alphabetic() {
                        break;
                    }
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The Dockerfile with dfix's safe `wget-progress` fixes applied.
fn fix(input: &str) -> String {
    let config = Config::default();
    let knowledge = Knowledge::with_extensions(&config.knowledge).unwrap();
    let options = Options::new(vec![lookup("wget-progress").unwrap()], &config, &knowledge);
    engine::fix(input, &options).expect("the Dockerfile parses").output
}

/// Fix `input` and check that the fix is exactly `wget` becoming `wget {option}`, and that it is idempotent.
fn fix_checked(input: &str, option: &str) -> String {
    let fixed = fix(input);
    let expected = input.replace("wget -O", &format!("wget {option} -O"));
    assert_ne!(expected, input, "the Dockerfile has no `wget -O`:\n{input}");
    assert_eq!(fixed, expected, "dfix's safe fix is not `wget {option}`");
    assert_eq!(fix(&fixed), fixed, "fixing the fixed Dockerfile again changes it");
    fixed
}

/// GNU wget's progress lines (`    50K .......... ..........  25% ...`): how many, and how many dots they hold.
fn gnu_progress(log: &str) -> (usize, usize) {
    let lines: Vec<&str> = log
        .lines()
        .map(str::trim_start)
        .filter(|l| {
            let digits = l.bytes().take_while(u8::is_ascii_digit).count();
            digits > 0 && l[digits..].starts_with('K') && l[digits + 1..].starts_with([' ', '\t'])
        })
        .collect();
    (lines.len(), lines.iter().map(|l| l.matches('.').count()).sum())
}

/// A value unique to this run, so that no RUN is taken from the build cache of another run.
fn unique() -> (String, u64) {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64;
    (format!("{}-{nanos}", std::process::id()), nanos ^ u64::from(std::process::id()) << 32)
}

/// Build the original and the fixed Dockerfile that download `path` (served as `file`); both must succeed, each
/// with one request, and hold the served file's SHA-256 in /data/sum. The logs of both builds.
fn build_download_pair(
    docker: &Docker,
    images: &mut Images<'_>,
    server: &Server,
    path: &str,
    (original, fixed): (&str, &str),
    (original_tag, fixed_tag): (&str, &str),
    file: &[u8],
) -> (String, String) {
    let expected = format!("{}  /data/file", hex_sha256(file));
    let mut logs = Vec::new();
    for (what, dockerfile, tag) in [("original", original, original_tag), ("fixed", fixed, fixed_tag)] {
        let hits = server.hits(path);
        let tag = images.push(tag);
        let build = docker.build(dockerfile, &tag);
        assert!(build.success, "the {what} Dockerfile does not build:\n{dockerfile}\n{}", build.log);
        assert_eq!(server.hits(path), hits + 1, "the {what} build did not download {path} once:\n{}", build.log);
        assert_eq!(docker.recorded_sum(&tag), expected, "the {what} image holds another file than the one served");
        logs.push(build.log);
    }
    let fixed_log = logs.pop().unwrap();
    (logs.pop().unwrap(), fixed_log)
}

/// Build the original and the fixed Dockerfile that download a path answering 404: both must fail, with the same
/// exit status. The logs of both builds, and that status.
fn build_missing_pair(docker: &Docker, (original, fixed): (&str, &str), tag: &str) -> (String, String, i32) {
    let (before, after) = (docker.build(original, tag), docker.build(fixed, tag));
    assert!(!before.success, "the original build succeeds although the URL answers 404:\n{}", before.log);
    assert!(!after.success, "the fixed build succeeds although the URL answers 404:\n{}", after.log);
    let Some(status) = before.exit.filter(|&c| c != 0) else {
        panic!("no exit status of the failed RUN in the original's log:\n{}", before.log)
    };
    assert_eq!(after.exit, Some(status), "the fixed RUN fails with another exit status:\n{}", after.log);
    (before.log, after.log, status)
}

#[test]
fn gnu_wget_gets_the_same_file_with_a_short_log() {
    let Some(docker) = common::docker::engine_or_skip(false) else { return };
    let (unique, seed) = unique();
    let file = pseudo_random(seed, FILE_SIZE);
    let server = Server::start(file.clone());
    let mut images = Images::new(&docker);
    let dockerfile = |path: &str| {
        format!(
            "FROM debian:bookworm\n\
             RUN apt-get update && apt-get install -y --no-install-recommends wget\n\
             RUN mkdir /data && wget -O /data/file {} && sha256sum /data/file > /data/sum\n",
            server.url(path)
        )
    };

    let path = format!("/{unique}/gnu/file");
    let original = dockerfile(&path);
    let fixed = fix_checked(&original, "--progress=dot:giga");
    let tags = (format!("dfix-test/wget-gnu-{unique}:original"), format!("dfix-test/wget-gnu-{unique}:fixed"));
    let (before, after) =
        build_download_pair(&docker, &mut images, &server, &path, (&original, &fixed), (&tags.0, &tags.1), &file);
    let ((lines_before, dots_before), (lines_after, dots_after)) = (gnu_progress(&before), gnu_progress(&after));
    assert!(
        lines_before >= FILE_SIZE / 1024 / 50 && dots_before >= FILE_SIZE / 1024,
        "the original log has {lines_before} progress lines with {dots_before} dots, not a dot per KB:\n{before}"
    );
    assert!(
        before.contains("0K .......... .......... ..........") && !after.contains(".........."),
        "the fixed log still has wget's default ten-dot clusters:\n{after}"
    );
    assert!(
        lines_after <= 1 && dots_after * 10 < dots_before,
        "the fixed log has {lines_after} progress lines with {dots_after} dots (the original: {lines_before} with \
         {dots_before}):\n{after}"
    );
    let saved = format!("saved [{FILE_SIZE}/{FILE_SIZE}]");
    assert!(after.contains(&saved), "the fixed log lost wget's `{saved}` line:\n{after}");

    let path = format!("/{unique}/gnu/missing");
    let original = dockerfile(&path);
    let fixed = fix_checked(&original, "--progress=dot:giga");
    let (_, after, status) =
        build_missing_pair(&docker, (&original, &fixed), &format!("dfix-test/wget-gnu-{unique}:missing"));
    assert!(after.contains("ERROR 404"), "the fixed log does not report the 404:\n{after}");
    assert_eq!(server.hits(&path), 2, "the failing builds did not both request {path}");
    common::say(&format!(
        "GNU wget: both builds downloaded the same {FILE_SIZE} bytes; progress lines {lines_before} ({dots_before} \
         dots) before, {lines_after} ({dots_after} dots) after; a 404 fails both with exit status {status}"
    ));
}

#[test]
fn busybox_wget_gets_the_same_file_quietly_and_still_reports_errors() {
    let Some(docker) = common::docker::engine_or_skip(false) else { return };
    let (unique, seed) = unique();
    let file = pseudo_random(seed, FILE_SIZE);
    let server = Server::start(file.clone());
    let mut images = Images::new(&docker);

    // A BusyBox image, as far as dfix can tell from its name, whose `wget` is BusyBox's.
    let base = images.push(&format!("busybox:dfix-wget-test-{unique}"));
    let build = docker.build(
        "FROM debian:bookworm\n\
         RUN apt-get update && apt-get install -y --no-install-recommends busybox\n\
         RUN ln -s /bin/busybox /usr/local/bin/wget\n",
        &base,
    );
    assert!(build.success, "the BusyBox image does not build:\n{}", build.log);
    let help = docker.command(&["run", "--rm", "--network", "none", &base, "sh", "-c", "wget --help 2>&1"]);
    assert!(stdout(&help).starts_with("BusyBox"), "the image's wget is not BusyBox's: {}", stdout(&help));

    let dockerfile = |path: &str| {
        format!(
            "FROM {base}\nRUN mkdir /data && wget -O /data/file {} && sha256sum /data/file > /data/sum\n",
            server.url(path)
        )
    };
    let path = format!("/{unique}/busybox/file");
    let original = dockerfile(&path);
    let fixed = fix_checked(&original, "-q");
    let tags = (format!("dfix-test/wget-busybox-{unique}:original"), format!("dfix-test/wget-busybox-{unique}:fixed"));
    let (before, after) =
        build_download_pair(&docker, &mut images, &server, &path, (&original, &fixed), (&tags.0, &tags.1), &file);
    for chatter in ["Connecting to 127.0.0.1", "100% |", "'/data/file' saved"] {
        assert!(before.contains(chatter), "the original log has no `{chatter}`: nothing to quieten:\n{before}");
        assert!(!after.contains(chatter), "the fixed log still has `{chatter}`:\n{after}");
    }

    let path = format!("/{unique}/busybox/missing");
    let original = dockerfile(&path);
    let fixed = fix_checked(&original, "-q");
    let tag = format!("dfix-test/wget-busybox-{unique}:missing");
    let (before, after, status) = build_missing_pair(&docker, (&original, &fixed), &tag);
    let error = "server returned error: HTTP/1.0 404";
    assert!(before.contains(error), "the original log has no `{error}`:\n{before}");
    assert!(after.contains(error), "with -q, the fixed log lost BusyBox's `{error}`:\n{after}");
    assert_eq!(server.hits(&path), 2, "the failing builds did not both request {path}");
    common::say(&format!(
        "BusyBox wget: both builds downloaded the same {FILE_SIZE} bytes; `Connecting to`, the progress bar and \
         `saved` gone with -q; a 404 fails both with exit status {status} and `{error}` in the log"
    ));
}
