//! `eol-base` over the shared corpus of real Dockerfiles (`DFIX_CORPUS`, default `../shared/corpus`; skipped with a
//! notice when absent), on a fixed day so that the counts can be compared between runs. Prints the files and the
//! stages on end-of-life bases per family, the fixes offered and the refusals by reason; asserts that every output
//! parses, that a second run changes nothing, and that BuildKit's parser reads every changed output with the
//! stages and unedited instructions of its input. `DFIX_EOL_SAMPLE=N` also prints N notes, spread evenly over the
//! corpus, for reading by hand.

mod common;

use std::collections::BTreeMap;
use std::sync::Mutex;

use common::preserved::{self, Fixed};
use dfix::config::Config;
use dfix::engine::{self, Options};
use dfix::fix::Applicability;
use dfix::knowledge::Knowledge;
use dfix::syntax::ImageRef;
use dfix::transforms::{Transform, eol_base};
use rayon::prelude::*;

/// The day the measurement is made on.
const AS_OF: &str = "2026-12-04";

#[derive(Default)]
struct Counts {
    files: usize,
    files_on_eol: usize,
    /// Family -> files with a finding about it.
    files_by_family: BTreeMap<String, usize>,
    /// Family -> findings (one per stage, ARG default or image reference).
    findings_by_family: BTreeMap<String, usize>,
    fixes_offered: usize,
    refused_by_reason: BTreeMap<String, usize>,
    failures: Vec<String>,
    outputs: Vec<Fixed>,
    notes: Vec<String>,
}

/// The family a finding is about: the image is the first backquoted text of the message.
fn family_of(message: &str, knowledge: &Knowledge) -> String {
    let image = message.split('`').nth(1).unwrap_or("");
    let image = image.trim_end_matches("@…");
    ImageRef::parse(image)
        .and_then(|r| {
            let repository = eol_base::table_repository(&r, knowledge);
            knowledge.releases.family_for(&repository).map(|(id, _)| id.to_string())
        })
        .unwrap_or_else(|| "?".to_string())
}

/// The reason of a refusal, without the names in it.
fn reason_of(message: &str) -> Option<String> {
    let (_, why) = message.split_once("; no fix")?;
    let why = why.split_once(": ").map_or(why, |(_, w)| w);
    let kind = if why.contains("code change") {
        "the runtime itself reached its end"
    } else if why.contains("discontinued") {
        "the image is discontinued"
    } else if why.contains("no longer has") {
        "the stage installs a package the target dropped"
    } else if why.contains("used elsewhere") || why.contains("ARG") || why.contains("variables") {
        "the image comes from variables or a shared ARG"
    } else if why.contains("one build") {
        "the tag names one build"
    } else if why.contains("variant") {
        "a variant the table does not know"
    } else if why.contains("elsewhere (a package source") {
        "the stage names the old release elsewhere"
    } else if why.contains("patch release") {
        "the tag pins a patch release"
    } else if why.contains("published on") || why.contains("does not list") {
        "no target tag known to exist"
    } else if why.contains("--mount") {
        "the image is inside a --mount option"
    } else {
        why
    };
    Some(kind.to_string())
}

#[test]
fn eol_base_over_the_shared_corpus() {
    let Some(dir) = common::corpus_dir() else {
        common::skip("shared corpus not found (set DFIX_CORPUS)");
        return;
    };
    let files = common::corpus_files(&dir);
    let config = Config { as_of: Some(AS_OF.to_string()), ..Config::default() };
    let knowledge = Knowledge::builtin();
    let transforms: Vec<&'static dyn Transform> = vec![&eol_base::EolBase];
    let opts = Options { required: Applicability::Unsafe, ..Options::new(transforms, &config, knowledge) };
    let counts = Mutex::new(Counts::default());
    files.par_iter().for_each(|path| {
        let Some(input) = std::fs::read(path).ok().and_then(|b| String::from_utf8(b).ok()) else {
            return;
        };
        let name = path.strip_prefix(&dir).unwrap_or(path).display().to_string();
        let mut c = Counts { files: 1, ..Counts::default() };
        let Ok(outcome) = engine::fix(&input, &opts) else {
            merge(&counts, c);
            return;
        };
        if !outcome.internal_errors.is_empty() {
            c.failures.push(format!("{name}: {:?}", outcome.internal_errors));
        }
        let mut families = std::collections::BTreeSet::new();
        for applied in &outcome.applied {
            if applied.message.starts_with("move `") {
                c.fixes_offered += 1;
            }
        }
        for p in &outcome.remaining {
            if p.fix.is_some() {
                continue;
            }
            let family = family_of(&p.message, knowledge);
            *c.findings_by_family.entry(family.clone()).or_default() += 1;
            families.insert(family);
            if let Some(reason) = reason_of(&p.message) {
                *c.refused_by_reason.entry(reason).or_default() += 1;
            }
            let line = input[..p.range.start.min(input.len())].matches('\n').count() + 1;
            c.notes.push(format!("{name}:{line}: {}", p.message));
        }
        // What the applied fixes were about.
        for applied in outcome.applied.iter().filter(|a| a.message.starts_with("move `")) {
            let family = family_of(&applied.message, knowledge);
            *c.findings_by_family.entry(family.clone()).or_default() += 1;
            families.insert(family);
            c.notes.push(format!("{name}:{}: applied: {}", applied.line, applied.title));
        }
        c.files_on_eol = usize::from(!families.is_empty());
        for family in families {
            *c.files_by_family.entry(family).or_default() += 1;
        }
        if outcome.output != input {
            match engine::fix(&outcome.output, &opts) {
                Ok(again) if again.output == outcome.output => {}
                Ok(_) => c.failures.push(format!("{name}: a second run changes the output")),
                Err(e) => c.failures.push(format!("{name}: the output does not parse: {e:?}")),
            }
            c.outputs.push(Fixed { name, input, output: outcome.output, passes: outcome.passes });
        }
        merge(&counts, c);
    });
    let mut c = counts.into_inner().unwrap();
    let refused: usize = c.refused_by_reason.values().sum();
    common::say(&format!(
        "eol-base over the shared corpus as of {AS_OF}: {} files, {} on end-of-life bases; files by family: {:?}; \
         findings by family: {:?}; {} fixes applied (with --unsafe-fixes), {refused} refused: {:?}",
        c.files, c.files_on_eol, c.files_by_family, c.findings_by_family, c.fixes_offered, c.refused_by_reason
    ));
    if let Some(n) = std::env::var("DFIX_EOL_SAMPLE").ok().and_then(|n| n.parse::<usize>().ok()) {
        c.notes.sort();
        let step = (c.notes.len() / n.max(1)).max(1);
        for note in c.notes.iter().step_by(step).take(n) {
            common::say(note);
        }
    }
    assert!(c.files > 0, "the corpus has no files");
    assert!(c.failures.is_empty(), "{} failures:\n{}", c.failures.len(), c.failures.join("\n"));

    let Some(oracle) = common::Oracle::locate_or_skip() else {
        return;
    };
    c.outputs.sort_by(|a, b| a.name.cmp(&b.name));
    let disagreements = preserved::check_outputs(&oracle, &c.outputs);
    common::say(&format!(
        "eol-base: BuildKit read {} fixed outputs, {} disagreements",
        c.outputs.len(),
        disagreements.len()
    ));
    assert!(disagreements.is_empty(), "BuildKit disagrees on:\n{}", disagreements.join("\n"));
}

fn merge(into: &Mutex<Counts>, c: Counts) {
    let mut all = into.lock().unwrap();
    all.files += c.files;
    all.files_on_eol += c.files_on_eol;
    for (k, n) in c.files_by_family {
        *all.files_by_family.entry(k).or_default() += n;
    }
    for (k, n) in c.findings_by_family {
        *all.findings_by_family.entry(k).or_default() += n;
    }
    all.fixes_offered += c.fixes_offered;
    for (k, n) in c.refused_by_reason {
        *all.refused_by_reason.entry(k).or_default() += n;
    }
    all.failures.extend(c.failures);
    all.outputs.extend(c.outputs);
    all.notes.extend(c.notes);
}
