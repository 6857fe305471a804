//! `dfix --verify` against a real Docker engine, with the classic builder and with BuildKit: the fixtures in
//! `tests/verify/` are Debian bookworm images that install real packages from Debian's mirror (`--network host`),
//! copy a small application and run it (`--verify-run ''`, the default command).
//!
//! - `apt-app`: every fix builds and the application prints the same; the fixed image is smaller by at least the
//!   size of apt's package lists and has fewer layers;
//! - `breaks`: `apt-no-recommends` (unsafe, on in its `dfix.toml`) drops `ca-certificates`, which the next step
//!   needs: that one fix is found and dropped, while the same transform's fix of a later install and every other
//!   fix stay;
//! - `broken`: does not build as it is: its fixes are kept, unverified;
//! - `whoami`: its command prints the user id, which the (unsafe) non-root user changes: `--verify-run` sees the
//!   difference and drops that fix;
//! - `cache-mount`: `cache = "mount"` makes `RUN --mount=type=cache` fixes: BuildKit builds them, the classic
//!   builder cannot, so there the fix is dropped.
//!
//! The suite prints, per builder, the summary table and the totals: fixes kept, fixes dropped, bytes saved and
//! builds needed. The engine is the one `tests/support/builder.sh start` sets up (see `tests/common/docker.rs`);
//! without it the test is skipped loudly, or fails when `DFIX_REQUIRE_BUILDER=1`.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::docker::{Docker, stdout};
use serde_json::Value;

/// Debian's docker client when installed (its `docker build` has both builders without buildx), else `docker`.
fn client() -> &'static str {
    if Path::new("/usr/bin/docker").exists() { "/usr/bin/docker" } else { "docker" }
}

fn dfix(docker: &Docker, buildkit: bool, dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_dfix"));
    cmd.current_dir(dir)
        .env("DOCKER_HOST", &docker.host)
        .env("DOCKER_BUILDKIT", if buildkit { "1" } else { "0" })
        .args(["--verify", "--builder", client(), "--network", "host"]);
    cmd
}

/// The size of apt's package lists after `apt-get update` on the base image, as the engine counts image sizes:
/// an image with `RUN apt-get update` minus one where the same RUN removes them.
fn apt_lists_size(docker: &Docker) -> i64 {
    let size = |body: &str, tag: &str| -> i64 {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("Dockerfile"), format!("FROM debian:bookworm\n{body}\n")).unwrap();
        let out = docker.command_in(&["build", "--network", "host", "-q", "-t", tag, "."], Some(dir.path()), &[]);
        assert!(out.status.success(), "{body} fails on the base image: {}", common::docker::stderr(&out));
        let out = docker.command(&["image", "inspect", "--format", "{{.Size}}", tag]);
        docker.command(&["image", "rm", "--force", tag]);
        stdout(&out).parse().expect("a size")
    };
    size("RUN apt-get update", "dfix-test/apt-lists")
        - size("RUN apt-get update && rm -rf /var/lib/apt/lists/*", "dfix-test/no-apt-lists")
}

fn file<'a>(report: &'a Value, path: &str) -> &'a Value {
    report["files"].as_array().unwrap().iter().find(|f| f["path"] == path).unwrap_or_else(|| panic!("{path} missing"))
}

/// The fixed and dropped findings of a file: (line, transform, status, verification).
fn fixes(file: &Value) -> Vec<(u64, String, String, String)> {
    file["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "fixed" || f["status"] == "dropped")
        .map(|f| {
            (
                f["range"]["start"]["line"].as_u64().unwrap(),
                f["transform"].as_str().unwrap().to_string(),
                f["status"].as_str().unwrap().to_string(),
                f["verification"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

/// The input with the edits of the fixed findings applied.
fn apply_fixed(input: &str, file: &Value) -> String {
    let mut edits: Vec<(usize, usize, String)> = file["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "fixed")
        .flat_map(|f| f["fix"]["edits"].as_array().unwrap().clone())
        .map(|e| {
            let offset = |p: &str| e["range"][p]["offset"].as_u64().unwrap() as usize;
            (offset("start"), offset("end"), e["content"].as_str().unwrap().to_string())
        })
        .collect();
    edits.sort();
    let mut out = String::new();
    let mut last = 0;
    for (start, end, content) in edits {
        out.push_str(&input[last..start]);
        out.push_str(&content);
        last = end;
    }
    out.push_str(&input[last..]);
    out
}

fn leftover_images(docker: &Docker, prefix: &str) -> Vec<String> {
    let out = docker.command(&["images", "--format", "{{.Repository}}"]);
    stdout(&out).lines().filter(|l| l.starts_with(prefix)).map(str::to_string).collect()
}

#[test]
fn verify_keeps_the_fixes_that_build_with_the_classic_builder_and_with_buildkit() {
    let Some(docker) = common::docker::engine_or_skip(false) else { return };
    let fixtures = common::manifest_dir().join("tests/verify");
    let lists = apt_lists_size(&docker);
    common::say(&format!("apt's package lists on the base image: {lists} bytes"));
    let mut failures = Vec::new();
    for buildkit in [false, true] {
        let name = if buildkit { "BuildKit" } else { "classic builder" };
        let start = Instant::now();
        let child = dfix(&docker, buildkit, &fixtures)
            .args(["--verify-run", "", "--verify-jobs", "2", "--format", "json", "."])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Its temporary images; other tests run at the same time.
        let prefix = format!("dfix-verify-{}-", child.id());
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        common::say(&format!("--- dfix --verify with the {name} ({:.0} s):\n{stderr}", start.elapsed().as_secs_f64()));
        assert_eq!(out.status.code(), Some(1), "{name}: changes expected, no errors:\n{stderr}");
        assert!(stderr.contains(if buildkit { "(BuildKit)" } else { "(classic builder)" }), "{stderr}");
        let report: Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
        let mut check = |ok: bool, what: String| {
            if !ok {
                failures.push(format!("{name}: {what}"));
            }
        };

        // apt-app: everything kept, smaller by at least the package lists, fewer layers.
        let app = file(&report, "apt-app/Dockerfile");
        let v = &app["verification"];
        check(v["status"] == "verified", format!("apt-app: {v}"));
        check(v["fixes_dropped"] == 0 && v["fixes_kept"].as_u64() >= Some(4), format!("apt-app: {v}"));
        check(v["bytes_saved"].as_i64().unwrap_or(0) >= lists, format!("apt-app saves less than {lists}: {v}"));
        check(v["after"]["layers"].as_u64() < v["before"]["layers"].as_u64(), format!("apt-app layers: {v}"));
        check(fixes(app).iter().all(|f| f.2 == "fixed" && f.3 == "verified"), format!("apt-app: {:?}", fixes(app)));

        // breaks: exactly the first install's apt-no-recommends dropped.
        let breaks = file(&report, "breaks/Dockerfile");
        let v = &breaks["verification"];
        let found = fixes(breaks);
        let dropped: Vec<_> = found.iter().filter(|f| f.2 == "dropped").collect();
        check(v["status"] == "fixes-dropped", format!("breaks: {v}"));
        check(
            dropped.len() == 1 && dropped[0].0 == 6 && dropped[0].1 == "apt-no-recommends" && dropped[0].3 == "dropped",
            format!("breaks: only line 6's apt-no-recommends should be dropped: {found:?}"),
        );
        for (line, transform) in
            [(4, "maintainer-label"), (5, "env-key-value"), (6, "apt-cleanup"), (9, "apt-no-recommends")]
        {
            check(
                found.iter().any(|f| f.0 == line && f.1 == transform && f.2 == "fixed" && f.3 == "verified"),
                format!("breaks: {transform} on line {line} should be kept: {found:?}"),
            );
        }
        check(v["dropped_transforms"] == serde_json::json!(["apt-no-recommends"]), format!("breaks: {v}"));
        check(
            stderr.contains("this is a bug in dfix: please report it"),
            "breaks: no word on reporting the bug".into(),
        );
        check(v["bytes_saved"].as_i64().unwrap_or(0) > 0, format!("breaks saves nothing: {v}"));

        // broken: the original fails; fixes kept unverified.
        let broken = file(&report, "broken/Dockerfile");
        let v = &broken["verification"];
        check(v["status"] == "original-fails", format!("broken: {v}"));
        check(v["builder_error"].to_string().contains("dfix-no-such-package"), format!("broken: {v}"));
        check(
            !fixes(broken).is_empty() && fixes(broken).iter().all(|f| f.2 == "fixed" && f.3 == "unverified"),
            format!("broken: {:?}", fixes(broken)),
        );

        // cache-mount: only BuildKit builds cache mounts.
        let mount = file(&report, "cache-mount/Dockerfile");
        let v = &mount["verification"];
        let mount_fix =
            mount["findings"].as_array().unwrap().iter().any(|f| {
                f["transform"] == "apt-cleanup" && f["fix"]["edits"].to_string().contains("--mount=type=cache")
            });
        check(mount_fix, format!("cache-mount: no cache mount fix: {mount}"));
        if buildkit {
            check(v["status"] == "verified" && v["fixes_kept"].as_u64() >= Some(1), format!("cache-mount: {v}"));
        } else {
            check(
                v["status"] == "fixes-dropped" && v["dropped_transforms"] == serde_json::json!(["apt-cleanup"]),
                format!("cache-mount (classic): the cache mount must be dropped: {v}"),
            );
        }

        // whoami: the non-root user changes what the command prints; --verify-run drops it.
        let whoami = file(&report, "whoami/Dockerfile");
        let v = &whoami["verification"];
        check(
            v["status"] == "fixes-dropped" && v["dropped_transforms"] == serde_json::json!(["non-root-user"]),
            format!("whoami: non-root-user must be dropped: {v}"),
        );
        check(
            fixes(whoami).iter().any(|f| f.1 == "maintainer-label" && f.2 == "fixed" && f.3 == "verified"),
            format!("whoami: {:?}", fixes(whoami)),
        );
        check(stderr.contains("behaves differently under --verify-run"), "whoami: no word on --verify-run".into());

        let files = report["files"].as_array().unwrap();
        let total = |key: &str| files.iter().map(|f| f["verification"][key].as_i64().unwrap_or(0)).sum::<i64>();
        common::say(&format!(
            "{name}: {} files verified; fixes kept {}, fixes dropped {}, bytes saved {}, builds {}",
            files.len(),
            total("fixes_kept"),
            total("fixes_dropped"),
            total("bytes_saved"),
            total("builds"),
        ));
        check(leftover_images(&docker, &prefix).is_empty(), "temporary images left behind".into());

        // --apply writes what the report says: the fixed findings' edits on the input, without the dropped fix.
        let copy = tempfile::tempdir().unwrap();
        for name in ["Dockerfile", "dfix.toml"] {
            std::fs::copy(fixtures.join("breaks").join(name), copy.path().join(name)).unwrap();
        }
        let out = dfix(&docker, buildkit, copy.path())
            .args(["--verify-run", "", "--apply", "--format", "json", "."])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        check(out.status.code() == Some(0), format!("--verify --apply: {stderr}"));
        let report: Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
        let written = std::fs::read_to_string(copy.path().join("Dockerfile")).unwrap();
        let input = std::fs::read_to_string(fixtures.join("breaks/Dockerfile")).unwrap();
        check(
            apply_fixed(&input, file(&report, "Dockerfile")) == written,
            format!("--apply wrote what the fixed findings do not say:\n{written}"),
        );
        check(
            written.contains("apt-get install -y wget")
                && written.contains("apt-get install --no-install-recommends -y hello"),
            format!("--verify --apply: only the second install gets --no-install-recommends:\n{written}"),
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn ctrl_c_stops_the_builds_and_removes_the_temporary_images() {
    let Some(docker) = common::docker::engine_or_skip(true) else { return };
    let dir = tempfile::tempdir().unwrap();
    // A build that takes long enough to be interrupted; the MAINTAINER makes it a file dfix changes.
    std::fs::write(
        dir.path().join("Dockerfile"),
        "FROM debian:bookworm\nMAINTAINER x\nRUN echo quick > /quick\nRUN sleep 60\n",
    )
    .unwrap();
    let mut child =
        dfix(&docker, true, dir.path()).arg("--check").stdout(Stdio::null()).stderr(Stdio::piped()).spawn().unwrap();
    let prefix = format!("dfix-verify-{}-", child.id());
    std::thread::sleep(Duration::from_secs(5));
    let start = Instant::now();
    let kill = Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(kill.success());
    let status = child.wait().unwrap();
    let mut stderr = String::new();
    std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut stderr).unwrap();
    assert_eq!(status.code(), Some(130), "{stderr}");
    assert!(start.elapsed() < Duration::from_secs(30), "Ctrl-C took {:?}", start.elapsed());
    assert!(stderr.contains("interrupted"), "{stderr}");
    // The daemon may finish a step after its client is gone; give it a moment, then nothing of dfix's may be left.
    std::thread::sleep(Duration::from_secs(2));
    let left = leftover_images(&docker, &prefix);
    assert!(left.is_empty(), "left behind: {left:?}");
}

#[test]
fn without_a_working_builder_verify_says_so() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("Dockerfile"), "FROM debian:bookworm\nMAINTAINER x\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_dfix"))
        .current_dir(dir.path())
        .env("DOCKER_HOST", "unix:///nonexistent/docker.sock")
        .args(["--verify", "--builder", "/nonexistent/podman", "."])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("no image builder works") && stderr.contains("--builder"), "{stderr}");
    let out = Command::new(env!("CARGO_BIN_EXE_dfix"))
        .current_dir(dir.path())
        .args(["--verify", "--builder", "kaniko", "."])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("docker") && stderr.contains("podman") && stderr.contains("buildah"), "{stderr}");
}

#[test]
fn context_build_args_and_target_reach_the_builder() {
    let Some(docker) = common::docker::engine_or_skip(true) else { return };
    let root = tempfile::tempdir().unwrap();
    std::fs::create_dir(root.path().join("docker")).unwrap();
    std::fs::write(root.path().join("greeting.txt"), "from the context\n").unwrap();
    // Each option is needed: without --context the COPY fails, without --build-arg the test, without --target the
    // last stage.
    std::fs::write(
        root.path().join("docker/Dockerfile"),
        "FROM debian:bookworm AS app\nMAINTAINER x\nARG GREETING\nCOPY greeting.txt /greeting.txt\n\
         RUN test -n \"$GREETING\" && echo \"$GREETING\" >> /greeting.txt\nCMD [\"cat\", \"/greeting.txt\"]\n\
         FROM app AS broken\nRUN false\n",
    )
    .unwrap();
    let out = dfix(&docker, true, root.path())
        .args(["--context", ".", "--build-arg", "GREETING=hello", "--target", "app", "--verify-run", ""])
        .args(["--format", "json", "docker/Dockerfile"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let v = &file(&report, "docker/Dockerfile")["verification"];
    assert_eq!(v["status"], "verified", "{v}\n{stderr}");
    assert_eq!(v["before"]["layers"], v["after"]["layers"], "{v}");
}

#[test]
fn a_build_past_the_timeout_is_stopped_and_counted_as_failed() {
    let Some(docker) = common::docker::engine_or_skip(true) else { return };
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("Dockerfile"), "FROM debian:bookworm\nMAINTAINER x\nRUN sleep 60\n").unwrap();
    let start = Instant::now();
    let out =
        dfix(&docker, true, dir.path()).args(["--verify-timeout", "3", "--format", "json", "."]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(start.elapsed() < Duration::from_secs(40), "took {:?}", start.elapsed());
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let v = &file(&report, "Dockerfile")["verification"];
    assert_eq!(v["status"], "original-fails", "{v}");
    assert!(v["builder_error"].to_string().contains("--verify-timeout"), "{v}\n{stderr}");
}
