//! The image builder on this machine: found, asked to build and run images under temporary tags, and told to
//! remove them. Docker (BuildKit when the client and engine have it, else the classic builder), Podman or Buildah,
//! always through their command-line clients. Images are never pushed.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Set on Ctrl-C: running builder commands are killed, and no new one starts.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);
/// Builder commands running now.
static RUNNING: AtomicUsize = AtomicUsize::new(0);

/// Stop every builder command this process runs (for Ctrl-C), waiting up to `wait` for them to end.
pub fn interrupt(wait: Duration) {
    INTERRUPTED.store(true, Ordering::SeqCst);
    let start = Instant::now();
    while RUNNING.load(Ordering::SeqCst) > 0 && start.elapsed() < wait {
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Whether Ctrl-C was pressed.
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

/// The kinds of builder dfix can drive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Docker,
    Podman,
    Buildah,
}

impl Kind {
    fn from_name(name: &str) -> Option<Kind> {
        let file = Path::new(name).file_name()?.to_str()?;
        match file {
            "docker" => Some(Kind::Docker),
            "podman" => Some(Kind::Podman),
            "buildah" => Some(Kind::Buildah),
            _ => None,
        }
    }
}

/// What a build is given besides its Dockerfile.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// The build context; `None`: the Dockerfile's directory.
    pub context: Option<PathBuf>,
    pub build_args: Vec<String>,
    pub target: Option<String>,
    pub platform: Option<String>,
    pub network: Option<String>,
    pub timeout: Duration,
}

/// What a builder said.
#[derive(Debug, Clone)]
pub struct Run {
    pub success: bool,
    /// Exit code, `None` when killed (by the timeout) or not started.
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    pub timed_out: bool,
    pub seconds: f64,
}

impl Run {
    /// The last `n` non-empty lines of the output, for messages.
    pub fn last_lines(&self, n: usize) -> Vec<String> {
        let text = format!("{}\n{}", self.stdout, self.stderr);
        // BuildKit frames its error with lines of dashes: they say nothing.
        let lines: Vec<&str> = text
            .lines()
            .map(str::trim_end)
            .filter(|l| !l.trim().is_empty() && !l.trim().chars().all(|c| c == '-'))
            .collect();
        let mut last: Vec<String> = lines[lines.len().saturating_sub(n)..].iter().map(|l| l.to_string()).collect();
        if self.timed_out {
            last.push("(stopped: the build took longer than --verify-timeout)".to_string());
        }
        last
    }
}

/// An image as built.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct ImageFacts {
    /// Bytes, as the builder counts them (`None` when it does not say).
    pub size: Option<u64>,
    pub layers: usize,
    /// The user the image runs as (`""`: root by default).
    pub user: String,
}

/// A builder found on this machine.
#[derive(Debug)]
pub struct Builder {
    pub kind: Kind,
    pub program: String,
    /// Docker: builds go through BuildKit (`DOCKER_BUILDKIT=1`, or `docker buildx build`).
    pub buildkit: bool,
    /// Docker: the client has the buildx plugin.
    buildx: bool,
    /// Tags this run created and has not removed yet (removed on Ctrl-C too).
    tags: Mutex<Vec<String>>,
    counter: AtomicUsize,
}

/// Why no builder can be used.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct NoBuilder(pub String);

impl Builder {
    /// The builder named by `--builder` (`docker`, `podman`, `buildah`, or a path to one of them), or the first of
    /// those that works.
    pub fn find(name: Option<&str>) -> Result<Builder, NoBuilder> {
        let candidates: Vec<String> = match name {
            Some(name) => vec![name.to_string()],
            None => ["docker", "podman", "buildah"].iter().map(|s| s.to_string()).collect(),
        };
        let mut why = Vec::new();
        for program in candidates {
            let Some(kind) = Kind::from_name(&program) else {
                return Err(NoBuilder(format!(
                    "--builder {program}: dfix can drive `docker`, `podman` or `buildah` (or a path to one of them)"
                )));
            };
            match Self::probe(kind, &program) {
                Ok(builder) => return Ok(builder),
                Err(e) => why.push(format!("{program}: {e}")),
            }
        }
        Err(NoBuilder(format!(
            "no image builder works on this machine, so the fixes cannot be verified:\n  {}\n  hint: install Docker, \
             Podman or Buildah, start its engine (and set DOCKER_HOST if it listens elsewhere), or name one with \
             --builder",
            why.join("\n  ")
        )))
    }

    fn probe(kind: Kind, program: &str) -> Result<Builder, String> {
        let (args, env): (&[&str], &[(&str, &str)]) = match kind {
            Kind::Docker => (&["version", "--format", "{{.Client.Version}} {{.Server.Version}}"], &[]),
            Kind::Podman => (&["version", "--format", "{{.Client.Version}}"], &[]),
            Kind::Buildah => (&["version"], &[]),
        };
        let out = quick(program, args, env)?;
        if !out.success {
            let mut last = out.last_lines(2).join(" ");
            if last.is_empty() {
                last = "it fails".into();
            }
            return Err(last);
        }
        let mut builder = Builder {
            kind,
            program: program.to_string(),
            buildkit: false,
            buildx: false,
            tags: Mutex::new(Vec::new()),
            counter: AtomicUsize::new(0),
        };
        if kind == Kind::Docker {
            let client_major: u32 = out
                .stdout
                .split_whitespace()
                .next()
                .and_then(|v| v.split('.').next())
                .and_then(|m| m.parse().ok())
                .unwrap_or(0);
            builder.buildx = quick(program, &["buildx", "version"], &[]).is_ok_and(|o| o.success);
            // `DOCKER_BUILDKIT=0` asks for the classic builder; otherwise BuildKit when the client can reach it:
            // through buildx, or (clients before 23) through `DOCKER_BUILDKIT=1 docker build`.
            let refused = std::env::var("DOCKER_BUILDKIT").is_ok_and(|v| v == "0" || v.eq_ignore_ascii_case("false"));
            builder.buildkit = !refused && (builder.buildx || (client_major > 0 && client_major < 23));
        }
        Ok(builder)
    }

    /// A description for messages: `docker (BuildKit)`.
    pub fn describe(&self) -> String {
        match (self.kind, self.buildkit) {
            (Kind::Docker, true) => format!("{} (BuildKit)", self.program),
            (Kind::Docker, false) => format!("{} (classic builder)", self.program),
            _ => self.program.clone(),
        }
    }

    /// A fresh temporary tag, `dfix-verify-<pid>-<n>`, recorded for removal.
    pub fn new_tag(&self) -> String {
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        let tag = format!("dfix-verify-{}-{n}", std::process::id());
        self.tags.lock().unwrap_or_else(|e| e.into_inner()).push(tag.clone());
        tag
    }

    /// Build `dockerfile` (its text) as `tag`.
    pub fn build(&self, dockerfile: &str, original: &Path, tag: &str, options: &BuildOptions) -> Run {
        // The text goes to a temporary file beside nothing: the context is given explicitly, and builders read a
        // `-f` file outside the context. The original's `.dockerignore` stays the context's.
        let dir = match tempfile::tempdir() {
            Ok(dir) => dir,
            Err(e) => return failed(format!("cannot create a temporary directory: {e}")),
        };
        let file = dir.path().join("Dockerfile");
        if let Err(e) = std::fs::write(&file, dockerfile) {
            return failed(format!("cannot write {}: {e}", file.display()));
        }
        // `Dockerfile.dockerignore` beside the Dockerfile wins over the context's `.dockerignore` for BuildKit.
        let ignore = original.with_file_name(format!(
            "{}.dockerignore",
            original.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
        ));
        if ignore.is_file() {
            let _ = std::fs::copy(&ignore, dir.path().join("Dockerfile.dockerignore"));
        }
        let context = options.context.clone().unwrap_or_else(|| match original.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        });
        let mut args: Vec<String> = match (self.kind, self.buildx) {
            (Kind::Docker, true) if self.buildkit => vec!["buildx".into(), "build".into(), "--load".into()],
            // One layer per instruction, and the cache that comes with it (buildah squashes them by default).
            (Kind::Buildah, _) => vec!["bud".into(), "--layers".into()],
            _ => vec!["build".into()],
        };
        args.extend(["-t".into(), tag.into(), "-f".into(), file.to_string_lossy().into_owned()]);
        for arg in &options.build_args {
            args.extend(["--build-arg".into(), arg.clone()]);
        }
        if let Some(target) = &options.target {
            args.extend(["--target".into(), target.clone()]);
        }
        if let Some(platform) = &options.platform {
            args.extend(["--platform".into(), platform.clone()]);
        }
        if let Some(network) = &options.network {
            args.extend(["--network".into(), network.clone()]);
        }
        if self.kind == Kind::Docker && self.buildkit {
            args.push("--progress=plain".into());
        }
        args.push(context.to_string_lossy().into_owned());
        let env: Vec<(&str, &str)> = match self.kind {
            Kind::Docker => vec![("DOCKER_BUILDKIT", if self.buildkit { "1" } else { "0" })],
            _ => Vec::new(),
        };
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        run(&self.program, &args, &env, options.timeout)
    }

    /// Size, layers and user of a built image.
    pub fn inspect(&self, tag: &str) -> Option<ImageFacts> {
        match self.kind {
            Kind::Docker | Kind::Podman => {
                let out = quick(
                    &self.program,
                    &["image", "inspect", "--format", "{{.Size}}|{{len .RootFS.Layers}}|{{.Config.User}}", tag],
                    &[],
                )
                .ok()?;
                if !out.success {
                    return None;
                }
                let line = out.stdout.trim();
                let mut parts = line.splitn(3, '|');
                let size = parts.next()?.trim().parse().ok();
                let layers = parts.next()?.trim().parse().ok()?;
                let user = parts.next().unwrap_or("").trim().to_string();
                Some(ImageFacts { size, layers, user })
            }
            Kind::Buildah => {
                let out = quick(&self.program, &["inspect", "--type", "image", tag], &[]).ok()?;
                let json: serde_json::Value = serde_json::from_str(&out.stdout).ok()?;
                let oci = &json["OCIv1"];
                // `buildah images` gives the size only rounded, as "204 MB".
                let size = quick(&self.program, &["images", "--json", tag], &[])
                    .ok()
                    .and_then(|out| serde_json::from_str::<serde_json::Value>(&out.stdout).ok())
                    .and_then(|images| images[0]["size"].as_str().and_then(human_size));
                Some(ImageFacts {
                    size,
                    layers: oci["rootfs"]["diff_ids"].as_array().map_or(0, Vec::len),
                    user: oci["config"]["User"].as_str().unwrap_or("").to_string(),
                })
            }
        }
    }

    /// Run `args` in the image as `<builder> run --rm --network none IMAGE ARGS...`: an empty `args` runs its
    /// default command, arguments go to its entrypoint (or replace its CMD), as `docker run` does.
    pub fn run_in(&self, tag: &str, args: &[String], timeout: Duration) -> Run {
        let mut all: Vec<&str> = match self.kind {
            Kind::Buildah => vec!["run"],
            _ => vec!["run", "--rm", "--network", "none"],
        };
        if self.kind == Kind::Buildah {
            // Buildah runs commands in containers, not images: make one for this run.
            let Ok(out) = quick(&self.program, &["from", tag], &[]) else {
                return failed("buildah from failed".into());
            };
            let container = out.stdout.trim().to_string();
            let mut argv = vec!["run", container.as_str(), "--"];
            argv.extend(args.iter().map(String::as_str));
            let result = run(&self.program, &argv, &[], timeout);
            let _ = quick(&self.program, &["rm", &container], &[]);
            return result;
        }
        all.push(tag);
        all.extend(args.iter().map(String::as_str));
        run(&self.program, &all, &[], timeout)
    }

    /// Remove these tags (and forget them).
    pub fn remove(&self, tags: &[String]) {
        if tags.is_empty() {
            return;
        }
        let mut args: Vec<&str> = match self.kind {
            Kind::Docker | Kind::Podman => vec!["image", "rm", "--force"],
            Kind::Buildah => vec!["rmi", "--force"],
        };
        args.extend(tags.iter().map(String::as_str));
        // Even after Ctrl-C: removing is what the interruption waits for.
        let _ = run_counted_always(&self.program, &args);
        self.tags.lock().unwrap_or_else(|e| e.into_inner()).retain(|t| !tags.contains(t));
    }

    /// Remove every tag this run made that is still there.
    pub fn remove_all(&self) {
        let tags = std::mem::take(&mut *self.tags.lock().unwrap_or_else(|e| e.into_inner()));
        self.remove(&tags);
    }
}

/// Run a removal to its end, Ctrl-C or not (a minute at most).
fn run_counted_always(program: &str, args: &[&str]) -> std::io::Result<std::process::ExitStatus> {
    Command::new(program).args(args).stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null()).status()
}

/// "204 MB", "1.5 GB", "512 kB": bytes (decimal units, as the containers tools print them).
fn human_size(text: &str) -> Option<u64> {
    let (number, unit) = text.trim().split_once(' ')?;
    let number: f64 = number.parse().ok()?;
    let factor = match unit.to_ascii_lowercase().as_str() {
        "b" => 1.0,
        "kb" => 1e3,
        "mb" => 1e6,
        "gb" => 1e9,
        "tb" => 1e12,
        _ => return None,
    };
    Some((number * factor).round() as u64)
}

fn failed(message: String) -> Run {
    Run { success: false, code: None, stdout: String::new(), stderr: message, timed_out: false, seconds: 0.0 }
}

/// A short command (version, inspect, rm): a minute at most.
fn quick(program: &str, args: &[&str], env: &[(&str, &str)]) -> Result<Run, String> {
    let out = run(program, args, env, Duration::from_secs(60));
    if out.code.is_none() && !out.timed_out && !out.success {
        return Err(out.stderr);
    }
    Ok(out)
}

/// Run a command with a deadline, capturing its output; killed when the deadline passes (or on Ctrl-C).
fn run(program: &str, args: &[&str], env: &[(&str, &str)], timeout: Duration) -> Run {
    RUNNING.fetch_add(1, Ordering::SeqCst);
    let run = run_counted(program, args, env, timeout);
    RUNNING.fetch_sub(1, Ordering::SeqCst);
    run
}

fn run_counted(program: &str, args: &[&str], env: &[(&str, &str)], timeout: Duration) -> Run {
    let start = Instant::now();
    if INTERRUPTED.load(Ordering::SeqCst) {
        return failed("interrupted".into());
    }
    let mut child = match Command::new(program)
        .args(args)
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(child) => child,
        Err(e) => return failed(format!("cannot run {program}: {e}")),
    };
    // Read both pipes on threads, so a chatty build never blocks on a full pipe.
    let mut out_pipe = child.stdout.take().expect("piped");
    let mut err_pipe = child.stderr.take().expect("piped");
    let out_thread = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = out_pipe.read_to_end(&mut s);
        s
    });
    let err_thread = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = err_pipe.read_to_end(&mut s);
        s
    });
    let mut timed_out = false;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if start.elapsed() >= timeout => {
                timed_out = true;
                let _ = child.kill();
                break child.wait().ok();
            }
            Ok(None) if INTERRUPTED.load(Ordering::SeqCst) => {
                let _ = child.kill();
                break child.wait().ok();
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            Err(_) => break None,
        }
    };
    let stdout = String::from_utf8_lossy(&out_thread.join().unwrap_or_default()).into_owned();
    let stderr = String::from_utf8_lossy(&err_thread.join().unwrap_or_default()).into_owned();
    Run {
        success: !timed_out && status.is_some_and(|s| s.success()),
        code: if timed_out { None } else { status.and_then(|s| s.code()) },
        stdout,
        stderr,
        timed_out,
        seconds: start.elapsed().as_secs_f64(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_as_the_containers_tools_print_them() {
        assert_eq!(human_size("204 MB"), Some(204_000_000));
        assert_eq!(human_size("1.5 GB"), Some(1_500_000_000));
        assert_eq!(human_size("512 kB"), Some(512_000));
        assert_eq!(human_size("12 B"), Some(12));
        assert_eq!(human_size("lots"), None);
    }

    #[test]
    fn builders_are_known_by_their_file_name() {
        assert_eq!(Kind::from_name("/usr/bin/docker"), Some(Kind::Docker));
        assert_eq!(Kind::from_name("podman"), Some(Kind::Podman));
        assert_eq!(Kind::from_name("/opt/bin/buildah"), Some(Kind::Buildah));
        assert_eq!(Kind::from_name("kaniko"), None);
    }

    #[test]
    fn the_last_lines_skip_blank_ones_and_say_when_time_ran_out() {
        let run = Run {
            success: false,
            code: None,
            stdout: "a\n\nb\n------\n".into(),
            stderr: "c\n".into(),
            timed_out: true,
            seconds: 1.0,
        };
        assert_eq!(run.last_lines(2), ["b", "c", "(stopped: the build took longer than --verify-timeout)"]);
    }
}
