//! No fix may drop a package from an install command: for every fixture input of the package transforms and
//! every file of the shared corpus, each word after an installing subcommand (`apt-get install`, `apk add`,
//! `pip install`, ...) in the input is still one in the output, as often. The recognition here is deliberately
//! simpler than the transforms' own, so that it checks them rather than repeats them.

mod common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use dfix::config::Config;
use dfix::engine::{self, Options};
use dfix::fix::Applicability;
use dfix::knowledge::Knowledge;
use dfix::syntax::Dockerfile;
use dfix::transforms::{TRANSFORMS, Transform};
use rayon::prelude::*;

const TRANSFORMS_UNDER_TEST: &[&str] = &["apt-cleanup", "apt-no-recommends", "package-cache", "no-sudo"];

/// Package managers and the subcommands that take package names.
const INSTALLERS: &[(&str, &[&str])] = &[
    ("apt-get", &["install", "reinstall", "build-dep"]),
    ("apt", &["install", "reinstall"]),
    ("apk", &["add"]),
    ("pip", &["install"]),
    ("pip3", &["install"]),
    ("yum", &["install"]),
    ("dnf", &["install"]),
    ("microdnf", &["install"]),
    ("zypper", &["install", "in"]),
    ("gem", &["install"]),
    ("npm", &["install", "i", "ci"]),
    ("yarn", &["add", "install"]),
];

/// Every non-option word after an installing subcommand, with how often it occurs in the file.
fn package_words(source: &str) -> HashMap<String, usize> {
    let file = Dockerfile::parse(source);
    let mut words = HashMap::new();
    for i in 0..file.instructions().len() {
        let Some(script) = file.shell(i) else { continue };
        for cmd in script.commands() {
            let values: Vec<&str> = cmd.words.iter().map(|w| w.value.as_deref().unwrap_or(&w.raw)).collect();
            let Some(start) =
                values.iter().position(|v| INSTALLERS.iter().any(|(m, _)| v.rsplit('/').next() == Some(m)))
            else {
                continue;
            };
            let name = values[start].rsplit('/').next().unwrap_or_default();
            let subs = INSTALLERS.iter().find(|(m, _)| *m == name).map(|(_, s)| *s).unwrap_or_default();
            let Some(sub) = values[start + 1..].iter().position(|v| !v.starts_with('-')) else { continue };
            if !subs.contains(&values[start + 1 + sub]) {
                continue;
            }
            for w in &cmd.words[start + 2 + sub..] {
                if !w.raw.starts_with('-') {
                    *words.entry(w.raw.clone()).or_default() += 1;
                }
            }
        }
    }
    words
}

fn check(path: &Path, input: &str) -> Result<(), String> {
    let transforms: Vec<&'static dyn Transform> =
        TRANSFORMS.iter().copied().filter(|t| TRANSFORMS_UNDER_TEST.contains(&t.meta().id)).collect();
    assert_eq!(transforms.len(), TRANSFORMS_UNDER_TEST.len(), "a transform under test is not registered");
    let config = Config::default();
    let options =
        Options { required: Applicability::Unsafe, ..Options::new(transforms, &config, Knowledge::builtin()) };
    let Ok(outcome) = engine::fix(input, &options) else { return Ok(()) };
    let before = package_words(input);
    let after = package_words(&outcome.output);
    for (word, n) in &before {
        let m = after.get(word).copied().unwrap_or(0);
        if m < *n {
            return Err(format!(
                "{}: package word `{word}` occurs {n} times before the fixes, {m} after",
                path.display()
            ));
        }
    }
    Ok(())
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn the_word_counter_sees_packages() {
    let words = package_words("FROM a\nRUN sudo apt-get -q install -y curl $EXTRA && pip3 install -r r.txt flask\n");
    assert_eq!(words.get("curl"), Some(&1));
    assert_eq!(words.get("$EXTRA"), Some(&1));
    assert_eq!(words.get("flask"), Some(&1));
    assert_eq!(words.get("-y"), None);
}

#[test]
fn fixture_inputs_keep_every_package() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let mut checked = 0;
    for id in TRANSFORMS_UNDER_TEST {
        for path in files_under(&root.join(id)).into_iter().filter(|p| p.ends_with("input.Dockerfile")) {
            let input = std::fs::read_to_string(&path).unwrap();
            check(&path, &input).unwrap();
            checked += usize::from(!package_words(&input).is_empty());
        }
    }
    assert!(checked > 20, "only {checked} fixtures install packages");
}

#[test]
fn shared_corpus_keeps_every_package() {
    let Some(dir) = common::corpus_dir() else {
        common::skip("shared corpus not found (set DFIX_CORPUS)");
        return;
    };
    let files = files_under(&dir);
    let failures: Vec<String> = files
        .par_iter()
        .filter_map(|p| {
            let input = std::fs::read_to_string(p).ok()?;
            let installs = ["install", "apk add", "yarn add"].iter().any(|w| input.contains(w));
            if !installs {
                return None;
            }
            check(p, &input).err()
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
