//! Runs every fixture pair under `corpus/<transform>/<case>/`: `input.Dockerfile` fixed by that transform alone
//! must give `expected.Dockerfile`, and fixing `expected.Dockerfile` again must change nothing. Cases under
//! `corpus/_all/` and the other directories starting with `_` (such as `corpus/_suppressions/`) run the default
//! transform set. An optional `case.toml` holds `unsafe-fixes = true` and a `config` string (the content of a
//! `dfix.toml`); for `pin-digest`, `digests` (image as written -> digest, as if resolved before fixing),
//! `digest-origin` (`registry`, `lock` or `cache`) and `update-digests`; for suppression comments,
//! `warn-unused-ignores = true` and `notes`, the suppression notes expected on the output, each as
//! `"line:col: message"` (when `notes` is absent, there must be none); `findings`, the notes (findings without an
//! applicable fix) the case's transforms must leave on the output, each as a piece of its message, in file order.
//! A value `missing: why` in `digests` is a tag the registry does not have, any other value that is not a digest a
//! failed lookup. `also` names more transforms to run with the group's; `mentions` are texts that each must appear
//! in a finding left on the output or in the message of an applied fix, so that a case shows why it changed or not.
//! `no-findings = true`: no finding at all may be left on the output. `DFIX_BLESS=1` rewrites the expected files.

use std::path::{Path, PathBuf};

use dfix::config::Config;
use dfix::engine::{self, Options};
use dfix::fix::Applicability;
use dfix::knowledge::Knowledge;
use dfix::registry::{Origin, Reference, Resolution, Resolutions};
use dfix::transforms::{TRANSFORMS, Transform};
use libtest_mimic::{Arguments, Failed, Trial};

#[derive(serde::Deserialize, Default)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct CaseOptions {
    #[serde(default)]
    unsafe_fixes: bool,
    #[serde(default)]
    config: Option<String>,
    #[serde(default)]
    digests: Option<std::collections::BTreeMap<String, String>>,
    #[serde(default)]
    digest_origin: Option<String>,
    #[serde(default)]
    update_digests: bool,
    #[serde(default)]
    warn_unused_ignores: bool,
    #[serde(default)]
    notes: Vec<String>,
    #[serde(default)]
    also: Vec<String>,
    #[serde(default)]
    mentions: Vec<String>,
    #[serde(default)]
    findings: Option<Vec<String>>,
    /// No finding at all may be left on the output.
    #[serde(default)]
    no_findings: bool,
}

fn main() {
    let args = Arguments::from_args();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let mut trials = vec![Trial::test("corpus::layout", {
        let root = root.clone();
        move || check_layout(&root)
    })];
    let mut groups: Vec<PathBuf> = dirs(&root);
    groups.sort();
    for group in groups {
        let name = group.file_name().unwrap().to_string_lossy().to_string();
        let mut cases = dirs(&group);
        cases.sort();
        for case in cases {
            let case_name = case.file_name().unwrap().to_string_lossy().to_string();
            let transform = name.clone();
            trials.push(Trial::test(format!("{name}::{case_name}"), move || run_case(&transform, &case)));
        }
    }
    libtest_mimic::run(&args, trials).exit();
}

fn dirs(path: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(path)
        .map(|rd| rd.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.is_dir()).collect())
        .unwrap_or_default()
}

fn transforms_for(group: &str) -> Result<Vec<&'static dyn Transform>, Failed> {
    if group.starts_with('_') {
        return Ok(TRANSFORMS.iter().copied().filter(|t| t.meta().default_enabled).collect());
    }
    TRANSFORMS
        .iter()
        .copied()
        .find(|t| t.meta().id == group)
        .map(|t| vec![t])
        .ok_or_else(|| format!("corpus/{group} names no registered transform").into())
}

fn run_case(group: &str, dir: &Path) -> Result<(), Failed> {
    let mut transforms = transforms_for(group)?;
    let read = |name: &str| {
        std::fs::read_to_string(dir.join(name)).map_err(|e| Failed::from(format!("{}: {e}", dir.join(name).display())))
    };
    let input = read("input.Dockerfile")?;
    let expected_path = dir.join("expected.Dockerfile");
    let options: CaseOptions = match std::fs::read_to_string(dir.join("case.toml")) {
        Ok(text) => toml::from_str(&text).map_err(|e| format!("case.toml: {e}"))?,
        Err(_) => CaseOptions::default(),
    };
    for id in &options.also {
        let more = transforms_for(id)?;
        transforms.extend(more);
    }
    // In the order of TRANSFORMS, as the command line runs them.
    transforms.sort_by_key(|t| TRANSFORMS.iter().position(|u| u.meta().id == t.meta().id));
    let config = match &options.config {
        Some(text) => Config::from_str(text, &dir.join("case.toml")).map_err(|e| e.to_string())?,
        None => Config::default(),
    };
    let knowledge = Knowledge::with_extensions(&config.knowledge).map_err(|e| e.to_string())?;
    let digests = options.digests.as_ref().map(|d| resolutions(d, &options)).transpose()?;
    let opts = Options {
        required: if options.unsafe_fixes { Applicability::Unsafe } else { Applicability::Safe },
        max_passes: 10,
        digests: digests.as_ref(),
        warn_unused_ignores: options.warn_unused_ignores,
        ..Options::new(transforms, &config, &knowledge)
    };
    let outcome = engine::fix(&input, &opts).map_err(|errors| format!("input does not parse: {errors:?}"))?;
    if !outcome.internal_errors.is_empty() {
        return Err(format!("internal errors: {:?}", outcome.internal_errors).into());
    }
    if std::env::var_os("DFIX_BLESS").is_some() {
        std::fs::write(&expected_path, &outcome.output).map_err(|e| e.to_string())?;
    }
    let expected = read("expected.Dockerfile")?;
    if outcome.output != expected {
        return Err(format!(
            "output differs from expected.Dockerfile\n--- expected\n{}\n--- actual\n{}\n(DFIX_BLESS=1 rewrites it)",
            expected, outcome.output
        )
        .into());
    }
    for note in &options.mentions {
        let noted = outcome.remaining.iter().any(|p| p.message.contains(note.as_str()));
        if !noted && !outcome.applied.iter().any(|a| a.message.contains(note.as_str())) {
            let found: Vec<&str> = outcome
                .remaining
                .iter()
                .map(|p| p.message.as_str())
                .chain(outcome.applied.iter().map(|a| a.message.as_str()))
                .collect();
            return Err(format!("no finding says {note:?}; the findings: {found:#?}").into());
        }
    }
    let notes: Vec<String> = outcome
        .suppression_notes
        .iter()
        .map(|n| {
            let before = &outcome.output[..n.range.start];
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            format!("{line}:{column}: {}", n.message)
        })
        .collect();
    if notes != options.notes {
        return Err(
            format!("suppression notes differ\n--- expected\n{:#?}\n--- actual\n{notes:#?}", options.notes).into()
        );
    }
    let left: Vec<&str> = outcome.remaining.iter().map(|p| p.message.as_str()).collect();
    if options.no_findings && !left.is_empty() {
        return Err(format!("findings left where none are expected: {left:#?}").into());
    }
    if input == expected && !outcome.applied.is_empty() {
        return Err("an unchanged case applied fixes".into());
    }
    if let Some(wanted) = &options.findings {
        let mut found: Vec<&dfix::fix::Proposal> = outcome.remaining.iter().filter(|p| p.fix.is_none()).collect();
        found.sort_by_key(|p| p.range.start);
        let messages: Vec<&str> = found.iter().map(|p| p.message.as_str()).collect();
        let matches =
            messages.len() == wanted.len() && messages.iter().zip(wanted).all(|(m, w)| m.contains(w.as_str()));
        if !matches {
            return Err(format!(
                "findings differ from case.toml\n--- expected\n{wanted:#?}\n--- actual\n{messages:#?}"
            )
            .into());
        }
    }
    let again =
        engine::fix(&expected, &opts).map_err(|errors| format!("expected output does not parse: {errors:?}"))?;
    if again.output != expected {
        return Err(format!("not idempotent: a second run changes the output to\n{}", again.output).into());
    }
    Ok(())
}

/// The digests of a case, as the command line would have resolved them before fixing.
fn resolutions(
    digests: &std::collections::BTreeMap<String, String>,
    options: &CaseOptions,
) -> Result<Resolutions, Failed> {
    let origin = match options.digest_origin.as_deref().unwrap_or("registry") {
        "registry" => Origin::Registry,
        "lock" => Origin::Lock,
        "cache" => Origin::Cache { age: std::time::Duration::from_secs(3600) },
        other => return Err(format!("case.toml: unknown digest-origin `{other}`").into()),
    };
    let mut out = Resolutions::new(options.update_digests);
    for (image, digest) in digests {
        let reference = Reference::parse(image).map_err(|e| e.to_string())?;
        let resolution = if digest.starts_with("sha") {
            Resolution::Resolved { digest: digest.clone(), origin: origin.clone(), fallback: None }
        } else if let Some(why) = digest.strip_prefix("missing: ") {
            Resolution::Missing(why.to_string())
        } else {
            Resolution::Failed(digest.clone())
        };
        out.insert(&reference, resolution);
    }
    Ok(out)
}

/// Every transform has fixtures with at least one changed and one unchanged case; every directory names a
/// transform (or starts with `_`).
fn check_layout(root: &Path) -> Result<(), Failed> {
    let mut problems = Vec::new();
    for t in TRANSFORMS {
        let id = t.meta().id;
        let cases = dirs(&root.join(id));
        let unchanged = |c: &PathBuf| {
            let i = std::fs::read(c.join("input.Dockerfile")).ok();
            let e = std::fs::read(c.join("expected.Dockerfile")).ok();
            i.is_some() && i == e
        };
        // Transforms that only report notes never change a file.
        let notes_only = t.meta().applicability == Applicability::DisplayOnly;
        if !notes_only && !cases.iter().any(|c| !unchanged(c)) {
            problems.push(format!("corpus/{id} has no case that changes the input"));
        }
        if !cases.iter().any(unchanged) {
            problems.push(format!("corpus/{id} has no case that must stay unchanged"));
        }
    }
    for dir in dirs(root) {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        if !name.starts_with('_') && !TRANSFORMS.iter().any(|t| t.meta().id == name) {
            problems.push(format!("corpus/{name} names no registered transform"));
        }
    }
    if problems.is_empty() { Ok(()) } else { Err(problems.join("\n").into()) }
}
