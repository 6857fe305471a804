//! Real image builds for `slim-base`, with the engine of `tests/image_build.rs`.
//!
//! Two stand-in bases are built once per run from the engine's `debian:bookworm` (debootstrap minbase): a "full"
//! one, with the toolchain and download tools the default language images have (gcc, libc6-dev, make, curl,
//! installed with apt over `--network host`), and a "slim" one, minbase as is. They are tagged as the image table
//! expects the default and slim tags of `python` to be named (`<repository>:3.12` and `<repository>:3.12-slim`),
//! under a repository unique to the run (and with a label of the run, so that every image built on them, untagged
//! stages and cache layers included, is removed at the end) so that no other image on the shared engine is touched; the test's
//! `dfix.toml` gives that repository python's built-in entry of the table. The builds use the tags present
//! locally and never pull.
//!
//! Each `corpus/slim-base/build-*` fixture that dfix changes is built as it is and as fixed: the fixed one must
//! build, its command must print what the original's prints, and its image must be smaller (the sizes are
//! printed). Each fixture dfix refuses is built with the swap forced, and that build must fail: the refusal is
//! needed.
//!
//! Environment: `DFIX_DOCKER_HOST` (default `unix:///tmp/dfix-builder/docker.sock` when it exists);
//! `DFIX_REQUIRE_BUILDER=1` turns a missing engine from a loud skip into a failure (set by `.ci/run`).

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::docker::{BASE_IMAGE, Docker, stderr, stdout};
use dfix::config::Config;
use dfix::engine::{self, Options};
use dfix::fix::Applicability;
use dfix::knowledge::Knowledge;
use dfix::transforms::lookup;

impl Docker {
    /// Build `dockerfile` with an empty context and no pull; the error is the build's output.
    fn build(&self, dockerfile: &str, tag: &str) -> Result<(), String> {
        let context = tempfile::tempdir().unwrap();
        let path = context.path().join("Dockerfile");
        std::fs::write(&path, dockerfile).unwrap();
        let (path, context) = (path.to_str().unwrap(), context.path().to_str().unwrap());
        // --force-rm: a failed step leaves no container behind.
        let out =
            self.command(&["build", "--force-rm", "--network", "host", "--quiet", "-t", tag, "-f", path, context]);
        if out.status.success() { Ok(()) } else { Err(format!("{}{}", stdout(&out), stderr(&out))) }
    }

    fn run(&self, tag: &str) -> Output {
        self.command(&["run", "--rm", "--network", "none", tag])
    }

    fn size(&self, tag: &str) -> u64 {
        stdout(&self.command(&["image", "inspect", "--format", "{{.Size}}", tag])).parse().unwrap_or(0)
    }
}

/// The images a run made, removed when it ends (also when it fails): its tags, then every image built on one of its
/// two bases (the untagged stages and cache layers the classic builder keeps), children first. Both bases carry a
/// label unique to the run, so no other image on the shared engine descends from them.
struct Images<'a> {
    docker: &'a Docker,
    tags: Vec<String>,
    bases: Vec<String>,
}

impl Drop for Images<'_> {
    fn drop(&mut self) {
        if !self.tags.is_empty() {
            let mut args = vec!["image", "rm", "--force"];
            args.extend(self.tags.iter().map(String::as_str));
            self.docker.command(&args);
        }
        let ids = stdout(&self.docker.command(&["image", "ls", "--all", "--quiet", "--no-trunc"]));
        let ids: Vec<&str> = ids.lines().collect();
        let mut parent = std::collections::HashMap::new();
        for id in &ids {
            let p = stdout(&self.docker.command(&["image", "inspect", "--format", "{{.Parent}}", id]));
            parent.insert(id.to_string(), p);
        }
        // Depth below a base of this run, for the images that have one.
        let depth = |id: &str| {
            let (mut at, mut n) = (id.to_string(), 0);
            while n < 1000 {
                if self.bases.contains(&at) {
                    return Some(n);
                }
                at = parent.get(&at).cloned().filter(|p| !p.is_empty())?;
                n += 1;
            }
            None
        };
        let mut ours: Vec<(usize, &str)> = ids.iter().filter_map(|id| depth(id).map(|d| (d, *id))).collect();
        ours.sort_by_key(|o| std::cmp::Reverse(o.0));
        for (_, id) in ours {
            self.docker.command(&["image", "rm", id]);
        }
    }
}

fn fixtures() -> Vec<PathBuf> {
    let root = common::manifest_dir().join("corpus/slim-base");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("build-")))
        .collect();
    dirs.sort();
    dirs
}

/// A `dfix.toml` that gives `repository` the built-in table entry of `python` and its family.
fn config_for(repository: &str) -> String {
    let python = &Knowledge::builtin().images.slim.images["python"];
    let list = |items: &[String]| items.iter().map(|i| format!("{i:?}")).collect::<Vec<_>>().join(", ");
    format!(
        "[[knowledge.images.rules]]\nrepository = {repository:?}\nfamily = \"debian\"\n\n\
         [knowledge.images.slim.images.{repository:?}]\nbefore = [{}]\nlatest = {:?}\nlacks = [{}]\npaths = [{}]\n",
        list(&python.before),
        python.latest.as_deref().unwrap_or("slim"),
        list(&python.lacks),
        list(&python.paths),
    )
}

/// dfix with only `slim-base`, unsafe fixes on, no registry: the output and the notes.
fn fix(input: &str, config: &str) -> (String, Vec<String>) {
    let config = Config::from_str(config, Path::new("dfix.toml")).unwrap();
    let knowledge = Knowledge::with_extensions(&config.knowledge).unwrap();
    let options = Options {
        required: Applicability::Unsafe,
        ..Options::new(vec![lookup("slim-base").unwrap()], &config, &knowledge)
    };
    let outcome = engine::fix(input, &options).expect("fixture parses");
    let notes = outcome.remaining.iter().filter(|p| p.fix.is_none()).map(|p| p.message.clone()).collect();
    (outcome.output, notes)
}

#[test]
fn slim_bases_build_run_the_same_and_are_smaller_and_refusals_are_needed() {
    let Some(docker) = common::docker::engine_or_skip(false) else { return };
    let repository = format!("dfix-slim-test-{}", std::process::id());
    let (full, slim) = (format!("{repository}:3.12"), format!("{repository}:3.12-slim"));
    let mut images = Images { docker: &docker, tags: Vec::new(), bases: Vec::new() };

    // The two bases, once per run, each with a label of this run so that everything built on them is this run's.
    let label = format!("LABEL dfix.test.run={repository:?}\n");
    let full_base = format!(
        "FROM {BASE_IMAGE}\n{label}RUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev \
         make curl ca-certificates && rm -rf /var/lib/apt/lists/*\n"
    );
    let slim_base = format!("FROM {BASE_IMAGE}\n{label}");
    for (dockerfile, tag) in [(&full_base, &full), (&slim_base, &slim)] {
        images.tags.push(tag.clone());
        docker.build(dockerfile, tag).unwrap_or_else(|e| panic!("the base {tag} does not build:\n{e}"));
        let id = stdout(&docker.command(&["image", "inspect", "--format", "{{.Id}}", tag]));
        images.bases.push(id);
    }
    // The label layer under the full base is this run's too.
    let first = stdout(&docker.command(&["image", "inspect", "--format", "{{.Parent}}", &full]));
    images.bases.push(first);
    common::say(&format!(
        "stand-in bases: {full} {} MB, {slim} {} MB",
        docker.size(&full) / 1_000_000,
        docker.size(&slim) / 1_000_000
    ));

    let config = config_for(&repository);
    let fixtures = fixtures();
    assert!(fixtures.len() >= 4, "expected several build-* fixtures, found {}", fixtures.len());
    let (mut swapped, mut refused, mut failures) = (0, 0, Vec::new());
    for dir in &fixtures {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let input = std::fs::read_to_string(dir.join("input.Dockerfile"))
            .unwrap()
            .replace("python:", &format!("{repository}:"));
        let (fixed, notes) = fix(&input, &config);
        let (original_tag, fixed_tag) = (format!("{repository}-{name}:original"), format!("{repository}-{name}:fixed"));
        images.tags.extend([original_tag.clone(), fixed_tag.clone()]);
        let result = if fixed != input {
            swapped += 1;
            check_swap(&docker, &input, &fixed, &original_tag, &fixed_tag)
        } else {
            refused += 1;
            // Force the swap dfix refused: the slim base must really lack what the stage needs.
            let forced = input.replace(&format!("FROM {full}\n"), &format!("FROM {slim}\n"));
            assert_ne!(forced, input, "{name}: no final FROM {full} to force");
            match docker.build(&forced, &fixed_tag) {
                Ok(()) => Err(format!("dfix refused ({notes:?}), but the forced swap builds:\n{forced}")),
                Err(output) => {
                    let last =
                        output.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("").replace("\u{1b}[0m", "");
                    Ok(format!("refused ({}), and the forced swap fails to build: {last}", notes.join("; ")))
                }
            }
        };
        match result {
            Ok(report) => common::say(&format!("{name}: {report}")),
            Err(e) => failures.push(format!("{name}: {e}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert!(swapped >= 2 && refused >= 2, "{swapped} swapped and {refused} refused fixtures");
}

/// Build both, run both: the same output, and the swapped image smaller.
fn check_swap(
    docker: &Docker,
    input: &str,
    fixed: &str,
    original_tag: &str,
    fixed_tag: &str,
) -> Result<String, String> {
    docker.build(input, original_tag).map_err(|e| format!("the original does not build:\n{e}"))?;
    docker.build(fixed, fixed_tag).map_err(|e| format!("the swapped Dockerfile does not build:\n{e}\n{fixed}"))?;
    let (before, after) = (docker.run(original_tag), docker.run(fixed_tag));
    if !before.status.success() {
        return Err(format!("the original's command fails: {}", stderr(&before)));
    }
    if !after.status.success() {
        return Err(format!("the swapped image's command fails: {}", stderr(&after)));
    }
    if stdout(&after) != stdout(&before) {
        return Err(format!("the swapped image prints {:?}, the original {:?}", stdout(&after), stdout(&before)));
    }
    let (big, small) = (docker.size(original_tag), docker.size(fixed_tag));
    if small >= big {
        return Err(format!("the swapped image is not smaller: {small} bytes, the original {big}"));
    }
    Ok(format!("swapped; both print {:?}; {} MB instead of {} MB", stdout(&after), small / 1_000_000, big / 1_000_000))
}
