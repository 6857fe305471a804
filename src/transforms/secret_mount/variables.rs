//! ARG and ENV declarations of secret-like names: which RUNs read them, why one cannot move, and the edits that
//! move it into a secret mount.

use std::collections::BTreeMap;
use std::ops::Range;

use crate::fix::Edit;
use crate::knowledge::{SecretName, Secrets};
use crate::syntax::words::{Word, split_whitespace, split_words, unquote};
use crate::syntax::{Dockerfile, Instruction, InstructionKind};
use crate::transforms::Context;
use crate::transforms::edits::{flags_edit, has_comment_in, instruction_lines};
use crate::transforms::packages::basename;
use crate::transforms::run_context;

use super::Form;

/// One declaration of a secret-like variable.
#[derive(Debug, Clone)]
pub(super) struct Decl {
    instr: usize,
    kind: InstructionKind,
    /// The word declaring it, relative to the instruction's arguments (the whole arguments for legacy `ENV k v`).
    word: Range<usize>,
    /// The value: `None` for `ARG NAME`.
    value: Option<String>,
    /// Whether the instruction declares other variables too.
    shared: bool,
}

/// The ARG and ENV declarations of each secret-like name, in file order.
pub(super) fn declarations(file: &Dockerfile, secrets: &Secrets) -> BTreeMap<String, Vec<Decl>> {
    let mut out: BTreeMap<String, Vec<Decl>> = BTreeMap::new();
    for instr in file.instructions() {
        if !matches!(instr.kind, InstructionKind::Arg | InstructionKind::Env) {
            continue;
        }
        for (name, word, value, shared) in declared(file, instr) {
            if secrets.classify(&name) == SecretName::No {
                continue;
            }
            out.entry(name).or_default().push(Decl { instr: instr.index, kind: instr.kind, word, value, shared });
        }
    }
    out
}

/// `(name, word range, value, shared)` for each variable an ARG or ENV declares.
fn declared(file: &Dockerfile, instr: &Instruction) -> Vec<(String, Range<usize>, Option<String>, bool)> {
    let words = split_words(instr.args.as_str(), file.escape());
    let legacy = instr.kind == InstructionKind::Env && words.first().is_some_and(|w| !w.raw.contains('='));
    if legacy {
        let Some(first) = words.first() else { return Vec::new() };
        let value = instr.args.as_str()[first.range.end..].trim().to_string();
        return vec![(first.raw.clone(), 0..instr.args.len(), Some(value), false)];
    }
    let shared = words.len() > 1;
    words
        .iter()
        .map(|w: &Word| match w.raw.split_once('=') {
            Some((k, v)) => (k.to_string(), w.range.clone(), Some(unquote(v, file.escape())), shared),
            None => (w.raw.clone(), w.range.clone(), None, shared),
        })
        .collect()
}

pub(super) type Refusal = (Range<usize>, String);
/// The range, message, title and edits of a fix, and the build command it needs.
pub(super) type VariableFix = (Range<usize>, String, String, Vec<Edit>, String);

/// The fix for one secret-like name, `None` when it is not a build input, or why it is not fixed.
pub(super) fn variable_fix(
    cx: &Context<'_>,
    name: &str,
    decls: &[Decl],
    form: Form,
    add_syntax: bool,
) -> Result<Option<VariableFix>, Refusal> {
    let file = cx.file;
    let instrs = file.instructions();
    let first = &decls[0];
    let range = instrs[first.instr].args.range_to_file(first.word.clone());
    let what = format!("{} {name}", instrs[first.instr].kind.as_str().to_ascii_uppercase());
    let refuse = |range: Range<usize>, why: String| -> Result<Option<VariableFix>, Refusal> {
        Err((
            range,
            format!(
                "`{what}` looks like a build secret, kept in the image history; not moved to a secret mount: {why}"
            ),
        ))
    };
    // A literal value is not a build input (`secret-literal` reports leaked ones); neither is an ENV built from
    // other text.
    for d in decls {
        match (&d.kind, d.value.as_deref()) {
            (InstructionKind::Arg, None | Some("")) => {}
            (InstructionKind::Env, Some(v)) if is_reference_to(v, name) => {}
            (InstructionKind::Env, Some(v)) if v.contains('$') => {
                let r = instrs[d.instr].args.range_to_file(d.word.clone());
                return refuse(r, format!("ENV {name} is built from other values ({v})"));
            }
            _ => return Ok(None),
        }
    }
    // Only stage ARGs pass a value to RUN; a global one alone does not.
    let stage_args: Vec<&Decl> =
        decls.iter().filter(|d| d.kind == InstructionKind::Arg && instrs[d.instr].stage.is_some()).collect();
    if stage_args.is_empty() {
        return Ok(None);
    }
    // A global ARG used in FROM names an image, not a secret a RUN reads.
    let global = decls.iter().any(|d| d.kind == InstructionKind::Arg && instrs[d.instr].stage.is_none());
    if global && file.stages().iter().any(|s| mentions_variable(&s.image, name)) {
        return refuse(range, format!("the global ARG {name} is used in FROM"));
    }
    // An ENV that is not taken from an ARG in its stage would be empty anyway.
    for d in decls.iter().filter(|d| d.kind == InstructionKind::Env) {
        let stage = instrs[d.instr].stage;
        if !stage_args.iter().any(|a| instrs[a.instr].stage == stage && a.instr < d.instr) {
            return Ok(None);
        }
    }

    // Where the value is visible: the rest of the stage after an ARG; after an ENV, also the stages built on it.
    let mut scope: Vec<usize> = Vec::new();
    for d in decls {
        let instr = &instrs[d.instr];
        let Some(stage) = instr.stage else { continue };
        let seen: Vec<usize> = match d.kind {
            InstructionKind::Env => run_context::after(file, d.instr).iter().map(|i| i.index).collect(),
            _ => (d.instr + 1..file.stages()[stage].instructions.end).collect(),
        };
        scope.extend(seen);
    }
    scope.sort_unstable();
    scope.dedup();
    let declaring: Vec<usize> = decls.iter().map(|d| d.instr).collect();
    let readers = cx.knowledge.secrets.env_readers(name);
    let mut runs: Vec<usize> = Vec::new();
    for &i in &scope {
        let instr = &instrs[i];
        let text = file.text(instr.range.clone());
        let named = if declaring.contains(&i) {
            // The declaring ENV itself names it; any other pair that does is another use.
            declared(file, instr)
                .iter()
                .any(|(n, _, v, _)| n != name && v.as_deref().is_some_and(|v| mentions_variable(v, name)))
        } else {
            mentions_variable(text, name)
        };
        let line = file.line_col(instr.range.start).0;
        match instr.kind {
            InstructionKind::Run => {
                let reads = named || runs_reader(file, instr, &readers);
                if !reads {
                    continue;
                }
                if instr.is_exec_form() || !instr.heredocs.is_empty() {
                    return refuse(range, format!("the RUN on line {line} cannot be rewritten (exec form or heredoc)"));
                }
                let Some(body) = file.shell(i) else {
                    return refuse(range, format!("the RUN on line {line} cannot be rewritten"));
                };
                if body.error_count() > 0 {
                    return refuse(range, format!("the body of the RUN on line {line} does not parse"));
                }
                if form == Form::File && !run_context::posix_shell(file, i) {
                    return refuse(range, format!("the RUN on line {line} does not run a POSIX shell"));
                }
                runs.push(i);
            }
            _ if !named => {}
            InstructionKind::Cmd | InstructionKind::Entrypoint | InstructionKind::Healthcheck => {
                return refuse(
                    range,
                    format!(
                        "it is needed at run time ({} on line {line} uses it)",
                        instr.kind.as_str().to_ascii_uppercase()
                    ),
                );
            }
            kind => {
                return refuse(range, format!("{} on line {line} uses it", kind.as_str().to_ascii_uppercase()));
            }
        }
    }
    // An ENV that reaches the final image stays in the application's environment when it is started after it.
    let final_stage = file.final_stage().map(|s| s.index);
    for d in decls.iter().filter(|d| d.kind == InstructionKind::Env) {
        let after = run_context::after(file, d.instr);
        let reaches_final = instrs[d.instr].stage == final_stage || after.iter().any(|i| i.stage == final_stage);
        if let Some(start) = after.iter().find(|i| matches!(i.kind, InstructionKind::Cmd | InstructionKind::Entrypoint))
            && reaches_final
        {
            let line = file.line_col(start.range.start).0;
            return refuse(
                range,
                format!(
                    "ENV {name} stays in the final image's environment, where the application started on line {line} \
                     may read it"
                ),
            );
        }
    }
    if runs.is_empty() {
        return refuse(range, "no RUN visibly uses it (a script may read it from the environment)".to_string());
    }

    // The edits: declarations go, each RUN gets the mount.
    let mut edits = Vec::new();
    // Every declaration goes, a global ARG too: without a default and unused in FROM, nothing else reads it.
    for d in decls {
        let instr = &instrs[d.instr];
        edits.push(remove_declaration(file, instr, d).ok_or_else(|| {
            let line = file.line_col(instr.range.start).0;
            let why = format!("its declaration on line {line} cannot be removed cleanly");
            (
                range.clone(),
                format!(
                    "`{what}` looks like a build secret, kept in the image history; not moved to a secret mount: {why}"
                ),
            )
        })?);
    }
    let id = name.to_ascii_lowercase();
    for &i in &runs {
        let instr = &instrs[i];
        match form {
            Form::Env => edits.push(flags_edit(file, instr, &[format!("--mount=type=secret,id={id},env={name}")])),
            Form::File => {
                // The file belongs to root and only root may read it, unless the RUN runs as another user.
                let mode = if super::may_run_as_other_user(cx, i) { ",mode=0444" } else { "" };
                edits.push(flags_edit(file, instr, &[format!("--mount=type=secret,id={id}{mode}")]));
                let body = instr.args.to_file(0);
                edits.push(Edit::insertion(format!("export {name}=\"$(cat /run/secrets/{id})\" && "), body));
            }
        }
    }
    if add_syntax {
        let at = if file.source().starts_with('\u{feff}') { 3 } else { 0 };
        edits.push(Edit::insertion(format!("# syntax=docker/dockerfile:1{}", file.line_ending()), at));
    }
    let command = format!("docker build --secret id={id},env={name} .");
    let message = format!("`{what}` passes a build secret, kept in the image history; build with `{command}`");
    let title = format!(
        "Take {name} from a secret mount in {} RUN instruction{} and remove its {}",
        runs.len(),
        if runs.len() == 1 { "" } else { "s" },
        if decls.iter().any(|d| d.kind == InstructionKind::Env) { "ARG and ENV" } else { "ARG" }
    );
    Ok(Some((range, message, title, edits, command)))
}

/// Whether `value` is exactly `$name` or `${name}` (quotes allowed).
pub(super) fn is_reference_to(value: &str, name: &str) -> bool {
    let v = value.trim_matches(['"', '\'']);
    v == format!("${name}") || v == format!("${{{name}}}")
}

/// Whether `text` expands the variable `name` (`$NAME`, `${NAME}`, `${NAME:-x}`; PowerShell's `$env:NAME` and
/// cmd's `%NAME%`).
pub(crate) fn mentions_variable(text: &str, name: &str) -> bool {
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    if text.contains(&format!("%{name}%")) {
        return true;
    }
    let windows = format!("$env:{name}");
    if text.match_indices(&windows).any(|(at, _)| !text[at + windows.len()..].starts_with(ident)) {
        return true;
    }
    text.match_indices('$').any(|(at, _)| {
        let rest = &text[at + 1..];
        let (inner, braced) = match rest.strip_prefix('{') {
            Some(r) => (r, true),
            None => (rest, false),
        };
        inner.strip_prefix(name).is_some_and(|after| match after.chars().next() {
            None => !braced,
            Some(c) => !ident(c) && (!braced || matches!(c, '}' | ':' | '-' | '+' | '?' | '=' | '#' | '%' | '/')),
        })
    })
}

/// Whether a RUN runs one of `readers` (after `sudo` and `env`).
fn runs_reader(file: &Dockerfile, instr: &Instruction, readers: &[&str]) -> bool {
    if readers.is_empty() {
        return false;
    }
    if let Some(exec) = &instr.exec {
        return exec.first().is_some_and(|c| readers.contains(&basename(c)));
    }
    let Some(body) = file.shell(instr.index) else {
        // Unparsed bodies (heredocs): any word.
        return split_whitespace(instr.args.as_str()).iter().any(|w| readers.contains(&basename(&w.raw)));
    };
    body.command_list().iter().any(|cmd| {
        cmd.words
            .get(cmd.unwrapped_start())
            .and_then(|w| w.value.as_deref())
            .is_some_and(|n| readers.contains(&basename(n)))
    })
}

/// The edit that removes one declaration: the whole instruction, or the word with its separating blanks.
fn remove_declaration(file: &Dockerfile, instr: &Instruction, d: &Decl) -> Option<Edit> {
    if !d.shared {
        let lines = instruction_lines(file, instr);
        return (!has_comment_in(file, &lines) || instr.comments.is_empty()).then(|| Edit::deletion(lines));
    }
    if !instr.args.is_contiguous_range(d.word.clone()) {
        return None;
    }
    let text = instr.args.as_str();
    let after = text[d.word.end..].len() - text[d.word.end..].trim_start_matches([' ', '\t']).len();
    let range = if d.word.end + after < text.len() {
        d.word.start..d.word.end + after
    } else {
        let before = text[..d.word.start].len() - text[..d.word.start].trim_end_matches([' ', '\t']).len();
        d.word.start - before..d.word.end
    };
    instr.args.is_contiguous_range(range.clone()).then(|| Edit::deletion(instr.args.range_to_file(range)))
}
