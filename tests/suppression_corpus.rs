//! Suppressions over every file of the shared corpus of real Dockerfiles (`DFIX_CORPUS`, default `../shared/corpus`;
//! skipped with a notice when absent), with every transform and unsafe fixes:
//! - `# dfix global ignore=ALL` appended to a file suppresses everything: the output is the input, byte for byte,
//!   and no finding is left;
//! - `# dfix ignore=ALL` above every instruction suppresses every finding that starts in an instruction: the output
//!   is the input, and the only findings left start outside every instruction;
//! - a suppression of one transform above every instruction keeps that transform's fixes out of the output (for
//!   each transform that fixes something in a file; on every third file, to keep the test's time down).

mod common;

use dfix::config::Config;
use dfix::engine::{self, Options};
use dfix::fix::Applicability;
use dfix::knowledge::Knowledge;
use dfix::syntax::Dockerfile;
use dfix::transforms::TRANSFORMS;
use rayon::prelude::*;
use std::sync::atomic::{AtomicUsize, Ordering};

/// `text` with `comment` on its own line above every instruction (in the file's line ending).
fn above_every_instruction(text: &str, comment: &str) -> String {
    let file = Dockerfile::parse(text);
    let eol = file.line_ending();
    let mut out = String::with_capacity(text.len() * 2);
    let mut last = 0;
    for instr in file.instructions() {
        let at = file.line_start(instr.range.start);
        out.push_str(&text[last..at]);
        out.push_str(comment);
        out.push_str(eol);
        last = at;
    }
    out.push_str(&text[last..]);
    out
}

#[test]
fn suppressions_hold_over_the_shared_corpus() {
    let Some(dir) = common::corpus_dir() else {
        common::skip("shared corpus not found (set DFIX_CORPUS)");
        return;
    };
    let files = common::corpus_files(&dir);
    let config = Config::default();
    let options =
        Options { required: Applicability::Unsafe, ..Options::new(TRANSFORMS.to_vec(), &config, Knowledge::builtin()) };
    let (checked, one_by_one) = (AtomicUsize::new(0), AtomicUsize::new(0));
    let failures: Vec<String> = files
        .par_iter()
        .enumerate()
        .filter_map(|(n, path)| {
            let text = String::from_utf8(std::fs::read(path).ok()?).ok()?;
            // A byte order mark must stay first; a file that does not parse has nothing to suppress.
            if text.starts_with('\u{feff}') || !Dockerfile::parse(&text).errors().is_empty() {
                return None;
            }
            checked.fetch_add(1, Ordering::Relaxed);
            let name = path.display();
            let eol = if text.contains("\r\n") { "\r\n" } else { "\n" };
            let sep = if text.ends_with('\n') { "" } else { eol };

            let global = format!("{text}{sep}# dfix global ignore=ALL{eol}");
            let out = engine::fix(&global, &options).ok()?;
            if out.output != global || !out.remaining.is_empty() {
                return Some(format!(
                    "{name}: a global ignore=ALL left {} findings or changed it",
                    out.remaining.len()
                ));
            }

            let local = above_every_instruction(&text, "# dfix ignore=ALL");
            let out = match engine::fix(&local, &options) {
                Ok(out) => out,
                Err(e) => return Some(format!("{name}: comments above instructions broke the parse: {e:?}")),
            };
            if out.output != local {
                return Some(format!("{name}: ignore=ALL above every instruction still changed it"));
            }
            let file = Dockerfile::parse(&local);
            let inside = |offset: usize| file.instructions().iter().any(|i| i.range.contains(&offset));
            if let Some(p) = out.remaining.iter().find(|p| inside(p.range.start)) {
                return Some(format!("{name}: a suppressed finding of {} was left: {}", p.transform, p.message));
            }

            // Each transform that fixes something, suppressed alone: its fixes go.
            if n % 3 != 0 {
                return None;
            }
            let plain = engine::fix(&text, &options).ok()?;
            for (id, _) in plain.applied_by_transform() {
                one_by_one.fetch_add(1, Ordering::Relaxed);
                let one = above_every_instruction(&text, &format!("# dfix ignore={id}"));
                let out = engine::fix(&one, &options).ok()?;
                let applied = out.applied_by_transform();
                if applied.contains_key(id) {
                    return Some(format!("{name}: `# dfix ignore={id}` above every instruction, yet {id} applied"));
                }
            }
            None
        })
        .collect();
    let (checked, one_by_one) = (checked.into_inner(), one_by_one.into_inner());
    common::say(&format!(
        "suppressions over {checked} parsed shared-corpus files ({one_by_one} single-transform checks): {} failures",
        failures.len()
    ));
    assert!(checked > files.len() / 2 && one_by_one > 0, "too few files checked: {checked} of {}", files.len());
    let shown: Vec<&str> = failures.iter().take(30).map(String::as_str).collect();
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), shown.join("\n"));
}
