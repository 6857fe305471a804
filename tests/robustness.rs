//! Bad input and crash safety: whatever the input, dfix never panics, never loses or corrupts a file, and says
//! what it did not do and why. Each test runs the real binary in its own temporary directory.
//!
//! - Bad input, in file mode and in stdin mode: empty, only comments, binary, invalid UTF-8, NUL bytes, a byte order
//!   mark, unknown instructions, an unterminated heredoc, very long lines, a 10,000-line continuation, a 10 MB file,
//!   12,000 RUNs merged into one chain.
//! - The file system: symbolic links (written through when named, skipped when met in a search), read-only files, a
//!   directory named Dockerfile, a file that changes between read and write (through the writer's test hook,
//!   `DFIX_TEST_BEFORE_REPLACE`, compiled into debug builds only).
//! - Crash safety: `--apply` over 2,000 files killed with SIGKILL at spread-out moments leaves every file exactly old
//!   or exactly new, and the next run finishes the job and leaves no temporary file behind.

use std::fs;
use std::hash::{BuildHasher, Hasher};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

const FIXABLE: &str = "FROM debian:12\nMAINTAINER someone\nADD app.py /app/\n";
const FIXED: &str = "FROM debian:12\nLABEL maintainer=\"someone\"\nCOPY app.py /app/\n";

fn dfix(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_dfix"));
    cmd.current_dir(dir).env("NO_COLOR", "1").stdin(Stdio::null());
    cmd
}

struct Run {
    code: Option<i32>,
    stdout: Vec<u8>,
    stderr: String,
}

fn run(cmd: &mut Command, stdin: Option<&[u8]>) -> Run {
    use std::io::Write;
    if stdin.is_some() {
        cmd.stdin(Stdio::piped());
    }
    let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("dfix runs");
    if let Some(input) = stdin {
        let mut pipe = child.stdin.take().unwrap();
        let input = input.to_vec();
        std::thread::spawn(move || pipe.write_all(&input));
    }
    let out = child.wait_with_output().unwrap();
    let run = Run { code: out.status.code(), stdout: out.stdout, stderr: String::from_utf8_lossy(&out.stderr).into() };
    assert!(!run.stderr.contains("panicked"), "dfix panicked:\n{}", run.stderr);
    assert!(run.code.is_some_and(|c| c <= 2), "unexpected exit {:?}:\n{}", run.code, run.stderr);
    run
}

/// What dfix must do with an input.
enum Expect {
    /// Refuse it with a message containing this text; the file stays as it is.
    Error(&'static str),
    /// Leave it as it is, without an error.
    Unchanged,
    /// Fix it into exactly these bytes.
    Fixed(Vec<u8>),
}

fn bad_inputs() -> Vec<(&'static str, Vec<u8>, Expect)> {
    let long_word = "x".repeat(2_000_000);
    let mut nul_after_probe = format!("FROM a\nRUN echo {}", "y".repeat(10_000)).into_bytes();
    nul_after_probe.extend_from_slice(b"\0z\nMAINTAINER me\n");
    let mut nul_fixed = format!("FROM a\nRUN echo {}", "y".repeat(10_000)).into_bytes();
    nul_fixed.extend_from_slice(b"\0z\nLABEL maintainer=\"me\"\n");
    let continuation: String = std::iter::once("FROM debian:12\nRUN apt install -y \\\n".to_string())
        .chain((0..10_000).map(|i| format!("    pkg{i} \\\n")))
        .chain(std::iter::once("    last\n".to_string()))
        .collect();
    vec![
        ("empty", Vec::new(), Expect::Error(":1:1: ")),
        ("only comments", b"# a comment\n# another\n".to_vec(), Expect::Error("file with no instructions")),
        ("only blank lines", b"\n\n  \n".to_vec(), Expect::Error(": ")),
        ("binary", (0..=255u8).cycle().take(4096).collect(), Expect::Error("looks binary")),
        ("NUL byte", b"FROM a\0\nRUN x\n".to_vec(), Expect::Error("looks binary (NUL byte at byte offset 6)")),
        // A NUL past the 8 KiB probe is text as far as UTF-8 goes: kept as it is, and the file is fixed around it.
        ("NUL byte after 8 KiB", nul_after_probe, Expect::Fixed(nul_fixed)),
        (
            "invalid UTF-8",
            b"FROM a\nLABEL x=\xff\xfe\xfd\n".to_vec(),
            Expect::Error("not valid UTF-8 (byte offset 15)"),
        ),
        ("UTF-16", b"\xff\xfeF\0R\0O\0M\0".to_vec(), Expect::Error("encoded as UTF-16")),
        (
            "byte order mark",
            format!("\u{feff}{FIXABLE}").into_bytes(),
            Expect::Fixed(format!("\u{feff}{FIXED}").into_bytes()),
        ),
        ("unknown instruction", b"FROM a\nFOO bar\nMAINTAINER me\n".to_vec(), Expect::Error(":2:1: ")),
        (
            "unterminated heredoc",
            b"FROM a\nRUN <<EOF\necho hi\nMAINTAINER me\n".to_vec(),
            Expect::Error("unterminated heredoc"),
        ),
        // BuildKit's parser takes a file without FROM (the build fails later); the fix does not depend on it.
        ("no FROM", b"MAINTAINER me\n".to_vec(), Expect::Fixed(b"LABEL maintainer=\"me\"\n".to_vec())),
        (
            "very long lines",
            format!("FROM a\nRUN echo {long_word}\nLABEL a=\"{long_word}\"\nMAINTAINER me\n").into_bytes(),
            Expect::Fixed(
                format!("FROM a\nRUN echo {long_word}\nLABEL a=\"{long_word}\"\nLABEL maintainer=\"me\"\n")
                    .into_bytes(),
            ),
        ),
        (
            "10,000-line continuation",
            continuation.clone().into_bytes(),
            Expect::Fixed(continuation.replacen("RUN apt install", "RUN apt-get install", 1).into_bytes()),
        ),
        ("carriage returns only", b"FROM a\rRUN x\r".to_vec(), Expect::Unchanged),
    ]
}

#[test]
fn bad_input_in_a_file_is_refused_or_fixed_never_damaged() {
    for (name, bytes, expect) in bad_inputs() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("Dockerfile");
        fs::write(&path, &bytes).unwrap();
        fs::write(dir.path().join("ok.Dockerfile"), FIXABLE).unwrap();
        let out = run(dfix(dir.path()).arg("--apply"), None);
        let now = fs::read(&path).unwrap();
        match &expect {
            Expect::Error(message) => {
                assert_eq!(out.code, Some(2), "{name}: {}", out.stderr);
                assert!(out.stderr.contains("Dockerfile"), "{name}: the message names no file: {}", out.stderr);
                assert!(out.stderr.contains(message), "{name}: expected {message:?} in:\n{}", out.stderr);
                assert!(now == bytes, "{name}: the file was changed");
            }
            Expect::Unchanged => {
                assert!(now == bytes, "{name}: the file was changed");
            }
            Expect::Fixed(fixed) => {
                assert_eq!(out.code, Some(0), "{name}: {}", out.stderr);
                assert!(now == *fixed, "{name}: not fixed as expected");
            }
        }
        // One bad file never keeps the others from being fixed.
        assert_eq!(fs::read_to_string(dir.path().join("ok.Dockerfile")).unwrap(), FIXED, "{name}");
        assert!(leftovers(dir.path()).is_empty(), "{name}: temporary files left");
    }
}

#[test]
fn bad_input_on_stdin_comes_back_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes, expect) in bad_inputs() {
        let out = run(dfix(dir.path()).args(["--stdin-filename", "Dockerfile"]), Some(&bytes));
        match &expect {
            Expect::Error(message) => {
                assert_eq!(out.code, Some(2), "{name}: {}", out.stderr);
                assert!(out.stderr.contains(message), "{name}: expected {message:?} in:\n{}", out.stderr);
                assert!(out.stdout == bytes, "{name}: stdin mode did not give the input back");
            }
            Expect::Unchanged => assert!(out.stdout == bytes, "{name}: changed"),
            Expect::Fixed(fixed) => {
                assert_eq!(out.code, Some(0), "{name}: {}", out.stderr);
                assert!(out.stdout == *fixed, "{name}: not fixed as expected");
            }
        }
    }
}

/// Peak resident memory of a child process, in bytes, sampled from `/proc` until it exits (the high-water mark
/// only grows, so a late sample sees the peak unless the process ends right after reaching it).
fn wait_with_peak_memory(mut child: std::process::Child) -> (std::process::ExitStatus, Option<u64>) {
    let status_path = format!("/proc/{}/status", child.id());
    let mut peak = None;
    loop {
        if let Ok(status) = fs::read_to_string(&status_path)
            && let Some(kb) = status
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        {
            peak = Some(peak.unwrap_or(0).max(kb * 1024));
        }
        if let Some(status) = child.try_wait().unwrap() {
            return (status, peak);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A 10 MB Dockerfile is fixed, with memory bounded by a generous multiple of its size. The bound is a correctness
/// property, not a speed one: it fails when something holds many copies of the file or its trees. The file is 200
/// blocks of a RUN with a 2,500-line continuation, a legacy ENV, an ADD and a comment (tens of thousands of tiny
/// instructions would measure how transforms scale with the number of instructions, not with the size).
#[test]
fn a_10_mb_dockerfile_is_fixed_with_bounded_memory() {
    const BLOCKS: usize = 200;
    const PACKAGES: usize = 2_500;
    let block: String = std::iter::once("RUN apt-get update && apt-get install -y \\\n".to_string())
        .chain((0..PACKAGES).map(|i| format!("    package-{i:05} \\\n")))
        .chain(std::iter::once(
            "    && rm -rf /var/lib/apt/lists/*\nENV A 1\nADD app.py /app/\n# comment\n".to_string(),
        ))
        .collect();
    let input = format!("FROM debian:12\n{}", block.repeat(BLOCKS));
    assert!(input.len() > 10_000_000, "{} bytes", input.len());
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("Dockerfile"), &input).unwrap();
    let child = dfix(dir.path()).arg("--apply").stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
    let (status, peak) = wait_with_peak_memory(child);
    assert_eq!(status.code(), Some(0));
    let output = fs::read_to_string(dir.path().join("Dockerfile")).unwrap();
    assert_eq!(output.matches("\nENV A=1\n").count(), BLOCKS, "legacy ENV left");
    assert_eq!(output.matches("\nCOPY app.py /app/\n").count(), BLOCKS, "ADD left");
    assert_eq!(output.matches("    package-").count(), BLOCKS * PACKAGES, "package lines lost");
    if let Some(peak) = peak {
        eprintln!("10 MB file: peak RSS {} MiB", peak / 1024 / 1024);
        assert!(peak < 250 * input.len() as u64, "peak RSS {} MiB for a {} MiB file", peak >> 20, input.len() >> 20);
    }
}

/// 12,000 RUNs that `merge-runs` joins into one `&&` chain of 12,000 commands: the shell parser nests such a chain
/// 12,000 levels deep, and walking it must not need a stack frame per level (it once overflowed the stack).
#[test]
fn twelve_thousand_runs_merge_into_one_chain() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("Dockerfile");
    let mut input = String::from("FROM debian:12\n");
    for i in 0..12_000 {
        input.push_str(&format!("RUN echo {i}\n"));
    }
    fs::write(&path, &input).unwrap();
    let out = run(dfix(dir.path()).args(["--apply", "--select", "merge-runs", "Dockerfile"]), None);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let fixed = fs::read_to_string(&path).unwrap();
    assert_eq!(fixed.lines().filter(|l| l.starts_with("RUN ")).count(), 1, "one RUN is left");
    let body = fixed.strip_prefix("FROM debian:12\nRUN ").expect("the RUN follows the FROM");
    let commands: Vec<&str> = body.split("&&").map(|c| c.trim().trim_end_matches('\\').trim()).collect();
    assert_eq!(commands.len(), 12_000);
    assert!(commands.iter().enumerate().all(|(i, c)| *c == format!("echo {i}")), "every command, in order");
    // A second run changes nothing.
    let again = run(dfix(dir.path()).args(["--check", "--select", "merge-runs", "Dockerfile"]), None);
    assert_eq!(again.code, Some(0), "{}", again.stderr);
}

fn leftovers(root: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if entry.file_type().unwrap().is_dir() {
                stack.push(path);
            } else if path.to_string_lossy().ends_with(".dfix-tmp") {
                found.push(path);
            }
        }
    }
    found
}

// The file system.

#[cfg(unix)]
#[test]
fn a_named_symlink_is_written_through_and_one_met_in_a_search_is_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir_all(root.join("real")).unwrap();
    fs::create_dir_all(root.join("search")).unwrap();
    fs::write(root.join("real/app.Dockerfile"), FIXABLE).unwrap();
    std::os::unix::fs::symlink("../real/app.Dockerfile", root.join("search/Dockerfile")).unwrap();

    // Met while searching a directory: skipped, so the target outside the search is left alone.
    let out = run(dfix(root).args(["--apply", "search"]), None);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(out.stderr.contains("no Dockerfiles found"), "{}", out.stderr);
    assert_eq!(fs::read_to_string(root.join("real/app.Dockerfile")).unwrap(), FIXABLE);

    // Named on the command line: the target is fixed and the link stays a link.
    let out = run(dfix(root).args(["--apply", "search/Dockerfile"]), None);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(fs::read_to_string(root.join("real/app.Dockerfile")).unwrap(), FIXED);
    assert!(fs::symlink_metadata(root.join("search/Dockerfile")).unwrap().file_type().is_symlink());
    assert!(leftovers(root).is_empty());

    // A dangling link is named as an error.
    std::os::unix::fs::symlink("missing", root.join("dangling.Dockerfile")).unwrap();
    let out = run(dfix(root).args(["--apply", "dangling.Dockerfile"]), None);
    assert_eq!(out.code, Some(2));
    assert!(out.stderr.contains("dangling.Dockerfile: no such file or directory"), "{}", out.stderr);
}

#[test]
fn a_read_only_file_is_left_alone_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("Dockerfile");
    fs::write(&path, FIXABLE).unwrap();
    fs::write(dir.path().join("ok.Dockerfile"), FIXABLE).unwrap();
    let mut perms = fs::metadata(&path).unwrap().permissions();
    perms.set_readonly(true);
    fs::set_permissions(&path, perms).unwrap();
    let out = run(dfix(dir.path()).arg("--apply"), None);
    assert_eq!(out.code, Some(2));
    assert!(
        out.stderr.contains("Dockerfile: the file is read-only; dfix leaves read-only files alone"),
        "{}",
        out.stderr
    );
    assert_eq!(fs::read_to_string(&path).unwrap(), FIXABLE);
    assert_eq!(fs::read_to_string(dir.path().join("ok.Dockerfile")).unwrap(), FIXED);
    assert!(leftovers(dir.path()).is_empty());
}

#[test]
fn a_directory_named_dockerfile_is_searched() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("Dockerfile/inner")).unwrap();
    fs::write(dir.path().join("Dockerfile/inner/Dockerfile"), FIXABLE).unwrap();
    fs::create_dir_all(dir.path().join("empty/Dockerfile")).unwrap();
    let out = run(dfix(dir.path()).args(["--apply", "Dockerfile", "empty"]), None);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(fs::read_to_string(dir.path().join("Dockerfile/inner/Dockerfile")).unwrap(), FIXED);
    let out = run(dfix(dir.path()).args(["--apply", "empty/Dockerfile"]), None);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(out.stderr.contains("no Dockerfiles found"), "{}", out.stderr);
}

/// Another program changes the file after dfix read it and before it is replaced: detected, not overwritten. The
/// writer's debug-build hook makes the change at exactly that moment; once with another size, once with the same
/// size and modification time, which only the comparison of contents can see.
#[test]
fn a_file_changed_between_read_and_write_is_not_overwritten() {
    if !cfg!(debug_assertions) {
        eprintln!("skipped: the writer's test hook exists in debug builds only");
        return;
    }
    let same_size: String = FIXABLE.replace("someone", "SOMEONE");
    for theirs in ["FROM theirs\n", same_size.as_str()] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("Dockerfile");
        fs::write(&path, FIXABLE).unwrap();
        let out = run(dfix(dir.path()).arg("--apply").env("DFIX_TEST_BEFORE_REPLACE", theirs), None);
        assert_eq!(out.code, Some(2), "{}", out.stderr);
        assert!(
            out.stderr
                .contains("Dockerfile: the file changed on disk while dfix was fixing it; it was not overwritten"),
            "{}",
            out.stderr
        );
        assert_eq!(fs::read_to_string(&path).unwrap(), theirs);
        assert!(leftovers(dir.path()).is_empty());
    }
}

// Crash safety.

const TREE_FILES: usize = 2_000;

fn old_content(i: usize) -> String {
    format!("# file {i}\n{FIXABLE}")
}

fn new_content(i: usize) -> String {
    format!("# file {i}\n{FIXED}")
}

fn file_path(root: &Path, i: usize) -> PathBuf {
    root.join(format!("d{:02}/s{}/f{i}.Dockerfile", i % 40, i % 3))
}

fn make_tree(root: &Path) {
    for i in 0..TREE_FILES {
        let path = file_path(root, i);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, old_content(i)).unwrap();
    }
}

/// How many files are new; panics on a file that is neither exactly old nor exactly new.
fn count_new(root: &Path) -> usize {
    let mut new = 0;
    for i in 0..TREE_FILES {
        let path = file_path(root, i);
        let now = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        if now == new_content(i) {
            new += 1;
        } else {
            assert_eq!(now, old_content(i), "{} is neither the old nor the new content", path.display());
        }
    }
    new
}

fn random_u64() -> u64 {
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(Instant::now().elapsed().as_nanos());
    h.finish()
}

#[cfg(unix)]
#[test]
fn apply_killed_at_random_points_leaves_every_file_old_or_new() {
    // How long an uninterrupted run takes, to spread the kills over it.
    let dir = tempfile::tempdir().unwrap();
    make_tree(dir.path());
    let start = Instant::now();
    let out = run(dfix(dir.path()).arg("--apply"), None);
    let full = start.elapsed();
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(count_new(dir.path()), TREE_FILES);
    drop(dir);

    const KILLS: u32 = 6;
    let mut partial = 0;
    for k in 0..KILLS {
        let dir: TempDir = tempfile::tempdir().unwrap();
        let root = dir.path();
        make_tree(root);
        // Kill k lands somewhere in the k-th sixth of an uninterrupted run.
        let slot = full / KILLS;
        let delay = slot * k + Duration::from_nanos(random_u64() % slot.as_nanos().max(1) as u64);
        let mut child = dfix(root).arg("--apply").stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
        std::thread::sleep(delay);
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();

        let new = count_new(root);
        if new > 0 && new < TREE_FILES {
            partial += 1;
        }
        // A temporary file of a run that is gone, as a kill between creating and renaming it leaves.
        let stale = root.join("d00/s0/.f0.Dockerfile.4194305.AbCdEf.dfix-tmp");
        fs::write(&stale, "half of a file").unwrap();

        let out = run(dfix(root).arg("--apply"), None);
        assert_eq!(out.code, Some(0), "{}", out.stderr);
        assert_eq!(count_new(root), TREE_FILES, "the run after the kill did not finish the job");
        assert_eq!(leftovers(root), Vec::<PathBuf>::new(), "temporary files remain after a full run");
        eprintln!("kill {k} after {delay:?} (full run {full:?}): {new} of {TREE_FILES} files were new");
    }
    assert!(partial > 0, "no kill landed while files were being written; the test proves nothing");
}
