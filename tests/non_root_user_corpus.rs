//! `non-root-user` over the shared corpus of real Dockerfiles (`DFIX_CORPUS`, default `../shared/corpus`; skipped
//! with a notice when absent), with unsafe fixes. Every file it changes must parse, end with a numeric non-root
//! `USER uid:gid` in its final stage, and that user must exist: created by a RUN of the stage chain, or shipped by
//! the base image according to the knowledge table. BuildKit's parser (the oracle of `tests/common`) must accept
//! every output whose input it accepts, and a second run must change nothing. Prints how many files were fixed and why the others were
//! left alone.

mod common;

use std::collections::BTreeMap;
use std::sync::Mutex;

use dfix::config::Config;
use dfix::engine::{self, Options};
use dfix::fix::Applicability;
use dfix::knowledge::Knowledge;
use dfix::syntax::{Dockerfile, InstructionKind, StageBase};
use dfix::transforms::lookup;
use rayon::prelude::*;

#[derive(Default)]
struct Tally {
    files: usize,
    fixed: usize,
    /// Notes of unchanged files, by the reason's first words.
    reasons: BTreeMap<String, usize>,
    failures: Vec<String>,
    /// (name, input, output) of the fixed files, for BuildKit's parser.
    outputs: Vec<(String, String, String)>,
}

#[test]
fn every_fixed_file_ends_with_a_user_that_exists() {
    let Some(dir) = common::corpus_dir() else {
        common::skip("shared corpus not found (set DFIX_CORPUS)");
        return;
    };
    let files = common::corpus_files(&dir);
    let config = Config::default();
    let knowledge = Knowledge::builtin();
    let transform = lookup("non-root-user").expect("registered");
    let tally = Mutex::new(Tally::default());
    files.par_iter().for_each(|path| {
        let Ok(input) = std::fs::read_to_string(path) else { return };
        let options = Options { required: Applicability::Unsafe, ..Options::new(vec![transform], &config, knowledge) };
        let Ok(outcome) = engine::fix(&input, &options) else { return };
        let name = path.strip_prefix(&dir).unwrap_or(path).display().to_string();
        let mut t = Tally { files: 1, ..Tally::default() };
        if outcome.output == input {
            for p in outcome.remaining.iter().filter(|p| p.fix.is_none()) {
                if let Some(why) = p.message.split("not fixed: ").nth(1) {
                    *t.reasons.entry(category(why)).or_default() += 1;
                }
            }
        } else {
            t.fixed = 1;
            t.outputs.push((name.clone(), input.clone(), outcome.output.clone()));
            if let Err(e) = check_output(&outcome.output, knowledge) {
                t.failures.push(format!("{name}: {e}\n{}", outcome.output));
            }
            match engine::fix(&outcome.output, &options) {
                Ok(again) if again.output != outcome.output => t.failures.push(format!("{name}: not idempotent")),
                Err(e) => t.failures.push(format!("{name}: output does not parse: {e:?}")),
                _ => {}
            }
        }
        t.failures.extend(outcome.internal_errors.iter().map(|e| format!("{name}: {}", e.message)));
        let mut all = tally.lock().unwrap();
        all.files += t.files;
        all.fixed += t.fixed;
        for (k, n) in t.reasons {
            *all.reasons.entry(k).or_default() += n;
        }
        all.failures.extend(t.failures);
        all.outputs.extend(t.outputs);
    });
    let t = tally.into_inner().unwrap();
    let mut reasons: Vec<_> = t.reasons.iter().collect();
    reasons.sort_by(|a, b| b.1.cmp(a.1));
    let top: Vec<String> = reasons.iter().take(25).map(|(k, n)| format!("  {n:5}  {k}")).collect();
    common::say(&format!(
        "non-root-user over the shared corpus: {} files parsed, {} fixed; reasons for leaving the others:\n{}",
        t.files,
        t.fixed,
        top.join("\n")
    ));
    assert!(t.fixed > 0, "no file was fixed");
    let mut failures = t.failures;
    // BuildKit's own parser accepts every output whose input it accepts (when the oracle is available).
    if let Some(oracle) = common::Oracle::locate_or_skip() {
        let texts = |pick: fn(&(String, String, String)) -> &String| -> Vec<(String, String)> {
            t.outputs.iter().map(|o| (o.0.clone(), pick(o).clone())).collect()
        };
        let before = oracle.dump_texts(&texts(|o| &o.1));
        let after = oracle.dump_texts(&texts(|o| &o.2));
        for ((name, _, _), (b, a)) in t.outputs.iter().zip(before.iter().zip(&after)) {
            if b.ok && !a.ok {
                failures.push(format!("{name}: BuildKit rejects the output: {:?}", a.error));
            }
        }
    }
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n\n"));
}

/// The output parses and its final stage ends as a numeric non-root user that exists.
fn check_output(output: &str, knowledge: &Knowledge) -> Result<(), String> {
    let file = Dockerfile::parse(output);
    if let Some(e) = file.errors().first() {
        return Err(format!("output does not parse: {e}"));
    }
    // The final stage and the stages it is built on.
    let mut chain = vec![file.final_stage().ok_or("no stage")?];
    while let StageBase::Stage(i) = chain.last().unwrap().base {
        chain.push(&file.stages()[i]);
    }
    let instructions: Vec<_> =
        chain.iter().rev().flat_map(|s| file.instructions()[s.instructions.clone()].iter()).collect();
    let user = instructions
        .iter()
        .rev()
        .find(|i| i.kind == InstructionKind::User)
        .map(|i| i.args.as_str().trim().to_string())
        .ok_or("the final stage has no USER")?;
    let (uid, gid) = user.split_once(':').ok_or_else(|| format!("USER {user} is not uid:gid"))?;
    let (uid, gid): (u32, u32) =
        (uid.parse().map_err(|_| format!("USER {user} is not numeric"))?, gid.parse().map_err(|_| "bad gid")?);
    if uid == 0 || gid == 0 {
        return Err(format!("USER {user} is root"));
    }
    // Created in the file: a RUN of the chain gives the uid to a new user.
    let created = instructions.iter().filter(|i| i.kind == InstructionKind::Run).any(|i| {
        let text = i.args.as_str();
        text.contains(&format!("--uid {uid} "))
            || text.contains(&format!("-u {uid} "))
            || text.contains(&format!(":x:{uid}:"))
    });
    // Or known in the table: shipped by the base image, or the family's user.
    let images = &knowledge.images;
    let known = match &chain.last().unwrap().base {
        StageBase::Image(r) => {
            let facts = images.facts(r);
            let family = facts.family.and_then(|f| images.families.get(f));
            facts.user.is_some_and(|u| (u.uid, u.gid) == (uid, gid))
                || family.is_some_and(|f| f.uid == Some(uid) && f.gid == Some(gid))
        }
        StageBase::Scratch => images.families["scratch"].uid == Some(uid),
        _ => false,
    };
    if created || known { Ok(()) } else { Err(format!("USER {user}: no such user is created or known")) }
}

/// A note's reason with the specifics (quoted names, numbers) blanked, so alike reasons count together.
fn category(why: &str) -> String {
    let mut out = String::new();
    let mut quoted = false;
    for c in why.chars() {
        match c {
            '`' => {
                if !quoted {
                    out.push_str("`…`");
                }
                quoted = !quoted;
            }
            _ if quoted => {}
            '0'..='9' => {
                if !out.ends_with('#') {
                    out.push('#');
                }
            }
            _ => out.push(c),
        }
    }
    out.chars().take(90).collect()
}
