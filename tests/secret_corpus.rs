//! `secret-mount` and `secret-literal` over the shared corpus of real Dockerfiles (`DFIX_CORPUS`, default
//! `../shared/corpus`; skipped with a notice when absent), with unsafe fixes. Every finding is printed, so a reviewer
//! can read them all; none may be about a name from [`NOT_SECRETS`], names that are known not to hold secrets and
//! that naive checks (BuildKit's `SecretsUsedInArgOrEnv` among them) report. Every changed file must parse, and a
//! second run must change nothing.

mod common;

use std::sync::Mutex;

use dfix::config::Config;
use dfix::engine::{self, Options};
use dfix::fix::Applicability;
use dfix::knowledge::Knowledge;
use dfix::transforms::lookup;
use rayon::prelude::*;

/// Variable names that hold no secret: key ids and fingerprints, public keys, keyrings, URLs of token services,
/// file paths and settings.
const NOT_SECRETS: &[&str] = &[
    "GPG_KEY",
    "GPG_KEYS",
    "NODE_GPG_KEY",
    "AWS_ACCESS_KEY_ID",
    "AWS_KEY_ID",
    "KEY_ID",
    "SSH_PUBLIC_KEY",
    "PUBLIC_KEY",
    "APT_KEYRING",
    "KEYRING",
    "OAUTH_TOKEN_URL",
    "TOKEN_URL",
    "PASSWORD_FILE",
    "POSTGRES_PASSWORD_FILE",
    "MYSQL_ROOT_PASSWORD_FILE",
    "SECRET_KEY_FILE",
    "TOKEN_FILE",
    "PYTHON_SHA256",
    "PYTHON_GET_PIP_SHA256",
    "NODE_VERSION",
    "YARN_VERSION",
    "JAVA_HOME",
    "GOSU_VERSION",
];

#[derive(Default)]
struct Tally {
    files: usize,
    changed: usize,
    findings: Vec<String>,
    failures: Vec<String>,
}

#[test]
fn secret_findings_over_the_shared_corpus() {
    let Some(dir) = common::corpus_dir() else {
        common::skip("shared corpus not found (set DFIX_CORPUS)");
        return;
    };
    let files = common::corpus_files(&dir);
    let config = Config::default();
    let knowledge = Knowledge::builtin();
    let transforms = vec![lookup("secret-mount").unwrap(), lookup("secret-literal").unwrap()];
    let tally = Mutex::new(Tally::default());
    files.par_iter().for_each(|path| {
        let Ok(input) = std::fs::read_to_string(path) else { return };
        let options =
            Options { required: Applicability::Unsafe, ..Options::new(transforms.clone(), &config, knowledge) };
        let name = path.strip_prefix(&dir).unwrap_or(path).display().to_string();
        let mut t = Tally { files: 1, ..Tally::default() };
        let Ok(found) = engine::propose_once(&input, &options) else { return };
        for p in &found {
            let subject = &input[p.range.clone()];
            let line = input[..p.range.start].matches('\n').count() + 1;
            let name_in = subject.split(['=', ' ']).next().unwrap_or(subject).trim();
            t.findings.push(format!("{name}:{line}: [{}] {}", p.transform, p.message));
            if NOT_SECRETS.iter().any(|n| n.eq_ignore_ascii_case(name_in)) {
                t.failures
                    .push(format!("{name}:{line}: [{}] fires on the non-secret {name_in}: {}", p.transform, p.message));
            }
        }
        let Ok(outcome) = engine::fix(&input, &options) else { return };
        if outcome.output != input {
            t.changed = 1;
            match engine::fix(&outcome.output, &options) {
                Ok(again) if again.output != outcome.output => t.failures.push(format!("{name}: not idempotent")),
                Err(e) => t.failures.push(format!("{name}: output does not parse: {e:?}")),
                _ => {}
            }
        }
        t.failures.extend(outcome.internal_errors.iter().map(|e| format!("{name}: {}", e.message)));
        let mut all = tally.lock().unwrap();
        all.files += t.files;
        all.changed += t.changed;
        all.findings.extend(t.findings);
        all.failures.extend(t.failures);
    });
    let mut t = tally.into_inner().unwrap();
    t.findings.sort();
    common::say(&format!(
        "secret findings over {} files ({} changed by secret-mount with unsafe fixes):\n{}",
        t.files,
        t.changed,
        t.findings.join("\n")
    ));
    assert!(t.failures.is_empty(), "{}", t.failures.join("\n"));
}
