//! `secret-mount`: build secrets passed as ARG or ENV, or copied in as credential files, move into BuildKit secret
//! mounts, so their values never reach a layer or the image history.

use std::collections::BTreeMap;
use std::ops::Range;

use crate::fix::{Applicability, Edit, Fix};
use crate::knowledge::{SecretName, Secrets};
use crate::syntax::words::{Word, split_whitespace, split_words, unquote};
use crate::syntax::{Dockerfile, Instruction, InstructionKind, ShellScript};
use crate::transforms::edits::{flags_edit, has_comment_in, instruction_lines};
use crate::transforms::packages::basename;
use crate::transforms::run_context::{self, RunsAs};
use crate::transforms::{Context, Proposals, Transform, TransformMeta, declare_transform};

declare_transform! {
    /// ## What it does
    /// Finds build secrets and moves them into BuildKit secret mounts:
    /// - an `ARG` (without a default) or an `ENV` taken from one (`ENV NPM_TOKEN=$NPM_TOKEN`) whose name is
    ///   secret-like (`*_TOKEN`, `*_PASSWORD`, `*_SECRET`, `*_API_KEY`, `AWS_SECRET_ACCESS_KEY`, `*_CREDENTIALS`,
    ///   `PIP_INDEX_URL`, ...; not `*_KEY_ID`, `*PUBLIC*`, `*KEYRING*`, `*_TOKEN_URL`, `*_FILE`) and that only RUN
    ///   instructions use: each RUN that names it, or runs a command known to read it from the environment (`npm`
    ///   for `NPM_TOKEN`, `pip` for `PIP_INDEX_URL`), gets `--mount=type=secret,id=<name>,env=<NAME>` (or, where the
    ///   `env=` option is not available, the file form: `--mount=type=secret,id=<name>` and
    ///   `export NAME="$(cat /run/secrets/<name>)" && ` before the body); the `ARG` and `ENV` go;
    /// - a credential file (`.npmrc`, `.pypirc`, `.netrc`, `.git-credentials`, Maven's `settings.xml`,
    ///   `.aws/credentials`, `.docker/config.json`, `*.key`, SSH keys) that is copied in, used by a later RUN and
    ///   deleted there: the RUNs from the COPY to the deleting one mount it with `target=` at the path it was copied
    ///   to (an SSH key used only by `git`, `ssh` and the like becomes `--mount=type=ssh`); the COPY and the `rm`
    ///   (and a `chmod` of the key) go.
    ///
    /// Each message names what the build now needs, such as `docker build --secret id=npm_token,env=NPM_TOKEN .`
    /// (the README has the Compose and GitHub Actions equivalents).
    ///
    /// Nothing is changed, and a note says why, when the value is needed outside RUN: CMD, ENTRYPOINT or another
    /// instruction names it, a later ENV copies it, or an ENV reaches the final image and a CMD or ENTRYPOINT
    /// follows it (the application may read it); when a global ARG of that name is used in FROM; when a RUN that
    /// would need it cannot be rewritten (exec form, heredoc, a shell that is not POSIX, a body that does not
    /// parse); when no RUN visibly uses it; when a copied credential file is never deleted (it stays in the image);
    /// or when the copy cannot be followed (variables, `--chown`, an unknown WORKDIR). An ARG with a default or an
    /// ENV with a literal value is not a build input: `secret-literal` reports literal secrets.
    ///
    /// ## Why
    /// Build arguments and ENV values are stored in the image: `docker history` shows them, and ENV stays in the
    /// container's environment. A file copied in and deleted by a later instruction stays in the layer of the COPY.
    /// A secret mount exists only while its RUN runs; nothing of it is committed.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:20
    /// ARG NPM_TOKEN
    /// COPY package.json package-lock.json ./
    /// RUN npm ci
    /// ```
    /// Becomes (with `# syntax=docker/dockerfile:1` or `form = "env"`):
    /// ```dockerfile
    /// FROM node:20
    /// COPY package.json package-lock.json ./
    /// RUN --mount=type=secret,id=npm_token,env=NPM_TOKEN npm ci
    /// ```
    /// Build it with `docker build --secret id=npm_token,env=NPM_TOKEN .`.
    ///
    /// ## Fix safety
    /// Unsafe: the build command changes (`--secret` instead of `--build-arg`), and a script or program that reads
    /// the variable from the environment without the RUN naming it (and that the `env-readers` table does not
    /// know) no longer sees it. The file form exports the value before the body; a secret that is not passed gives
    /// an empty value, as an unset ARG did.
    ///
    /// ## Knowledge
    /// `transforms/secrets.toml`: `secret-names`, `non-secret-names`, `credential-url-names`, `env-readers`,
    /// `credential-files`, `ssh-commands`.
    ///
    /// ## Options
    /// In `dfix.toml`, `[transforms.secret-mount]`:
    /// - `form`: `"env"` (`--mount=type=secret,id=x,env=X`, Dockerfile syntax 1.10 and later) or `"file"`
    ///   (`$(cat /run/secrets/x)`, every BuildKit). The default is `"env"` when the file declares
    ///   `# syntax=docker/dockerfile:1` (or a version from 1.10), `"file"` otherwise, since the frontend built into
    ///   the builder may be older. With `form = "env"` and no `# syntax=` line, `# syntax=docker/dockerfile:1` is
    ///   added.
    ///
    /// ## References
    /// - BuildKit check `SecretsUsedInArgOrEnv`; Docker's build secrets documentation
    pub SecretMount {
        id: "secret-mount",
        summary: "Move build secrets from ARG, ENV and copied credential files into BuildKit secret mounts",
        applicability: Applicability::Unsafe,
        default_enabled: true,
        aliases: ["SecretsUsedInArgOrEnv"],
        since: "0.1.0",
    }
}

const ID: &str = "secret-mount";

/// How a RUN receives the secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    /// `--mount=type=secret,id=x,env=X`.
    Env,
    /// `--mount=type=secret,id=x` and `export X="$(cat /run/secrets/x)" && `.
    File,
}

impl Transform for SecretMount {
    fn meta(&self) -> &'static TransformMeta {
        &Self::META
    }

    fn run(&self, cx: &Context<'_>, out: &mut Proposals) {
        let file = cx.file;
        let secrets = &cx.knowledge.secrets;
        let (form, add_syntax) = match form(cx) {
            Ok(f) => f,
            Err(message) => {
                out.propose(0..0, message);
                return;
            }
        };
        for (name, decls) in declarations(file, secrets) {
            match variable_fix(cx, &name, &decls, form, add_syntax) {
                Ok(Some((range, message, title, edits, command))) => {
                    let fix = Fix::new(title, edits, out.default_applicability()).with_follow_up(build_with(&command));
                    out.propose(range, message).fix = Some(fix);
                }
                Ok(None) => {}
                Err((range, why)) => {
                    out.propose(range, why);
                }
            }
        }
        for instr in
            file.instructions().iter().filter(|i| matches!(i.kind, InstructionKind::Copy | InstructionKind::Add))
        {
            match file_fix(cx, instr) {
                Ok(Some((message, title, edits, command))) => {
                    let fix = Fix::new(title, edits, out.default_applicability()).with_follow_up(build_with(&command));
                    out.propose(instr.range.clone(), message).fix = Some(fix);
                }
                Ok(None) => {}
                Err(why) => {
                    out.propose(instr.range.clone(), why);
                }
            }
        }
    }
}

/// The form of the secret mounts, and whether a `# syntax=` line must be added for it.
fn form(cx: &Context<'_>) -> Result<(Form, bool), String> {
    let declared = cx.file.directive("syntax").map(|d| d.value.clone());
    match cx.config.option::<String>(ID, "form").as_deref() {
        Some("env") => Ok((Form::Env, declared.is_none())),
        Some("file") => Ok((Form::File, false)),
        Some(other) => Err(format!("[transforms.{ID}] form must be \"env\" or \"file\", not \"{other}\"")),
        None if cx.config.transform(ID).is_some_and(|t| t.contains_key("form")) => {
            Err(format!("[transforms.{ID}] form must be \"env\" or \"file\""))
        }
        None => Ok((if declared.as_deref().is_some_and(supports_env) { Form::Env } else { Form::File }, false)),
    }
}

/// Whether a `# syntax=` value names a Dockerfile frontend with `--mount=type=secret,env=` (1.10 and later).
fn supports_env(syntax: &str) -> bool {
    let image = syntax.split('@').next().unwrap_or(syntax);
    let Some((repo, tag)) = image.rsplit_once(':') else { return false };
    let repo = repo.trim_start_matches("docker.io/");
    if repo != "docker/dockerfile" && repo != "docker/dockerfile-upstream" {
        return false;
    }
    let version = tag.split('-').next().unwrap_or(tag);
    let mut parts = version.split('.');
    match (parts.next(), parts.next()) {
        (Some("latest" | "labs"), _) => true,
        (Some(major), minor) => match major.parse::<u32>() {
            Ok(m) if m > 1 => true,
            Ok(1) => minor.is_none_or(|n| n.parse::<u32>().is_ok_and(|n| n >= 10)),
            _ => false,
        },
        (None, _) => false,
    }
}

/// One declaration of a secret-like variable.
#[derive(Debug, Clone)]
struct Decl {
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
fn declarations(file: &Dockerfile, secrets: &Secrets) -> BTreeMap<String, Vec<Decl>> {
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

type Refusal = (Range<usize>, String);
/// The range, message, title and edits of a fix, and the build command it needs.
type VariableFix = (Range<usize>, String, String, Vec<Edit>, String);

/// The fix for one secret-like name, `None` when it is not a build input, or why it is not fixed.
fn variable_fix(
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
    for d in decls {
        let instr = &instrs[d.instr];
        if d.kind == InstructionKind::Arg
            && instr.stage.is_none()
            && instrs.iter().any(|i| {
                i.kind == InstructionKind::Arg
                    && i.stage.is_some()
                    && declared(file, i).iter().any(|(n, ..)| n == name)
                    && !declaring.contains(&i.index)
            })
        {
            continue;
        }
        edits.push(remove_declaration(file, instr, d).ok_or_else(|| {
            (range.clone(), format!("`{what}` looks like a build secret; not moved to a secret mount: its declaration on line {} cannot be removed cleanly", file.line_col(instr.range.start).0))
        })?);
    }
    let id = name.to_ascii_lowercase();
    for &i in &runs {
        let instr = &instrs[i];
        match form {
            Form::Env => edits.push(flags_edit(file, instr, &[format!("--mount=type=secret,id={id},env={name}")])),
            Form::File => {
                edits.push(flags_edit(file, instr, &[format!("--mount=type=secret,id={id}")]));
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
fn is_reference_to(value: &str, name: &str) -> bool {
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

/// The message, title and edits of a fix, and the build command it needs.
type FileFix = (String, String, Vec<Edit>, String);

/// The fix for a COPY or ADD of a credential file: `None` when it copies none, or why it is not fixed.
fn file_fix(cx: &Context<'_>, copy: &Instruction) -> Result<Option<FileFix>, String> {
    let file = cx.file;
    let secrets = &cx.knowledge.secrets;
    let words: Vec<String> = match &copy.exec {
        Some(exec) => exec.clone(),
        None => copy.whitespace_words().into_iter().map(|w| w.raw).collect(),
    };
    let [source, dest] = words.as_slice() else { return Ok(None) };
    if source.contains("://") || source.starts_with("git@") || copy.flag("from").is_some() {
        return Ok(None);
    }
    let Some(kind) = secrets.credential_file(source) else { return Ok(None) };
    let ssh = kind.kind.as_deref() == Some("ssh");
    let keyword = copy.kind.as_str().to_ascii_uppercase();
    let refuse = |why: &str| {
        Err(format!(
            "{keyword} of the credential file `{source}` puts it in a layer; not moved to a secret mount: {why}"
        ))
    };
    if source.contains(['$', '*', '?', '[']) || dest.contains('$') {
        return refuse("the paths use variables or wildcards");
    }
    if copy.flag("chown").is_some() || copy.flag("chmod").is_some() {
        return refuse("it has --chown or --chmod");
    }
    let Some(stage) = copy.stage else { return Ok(None) };
    // Where the file lands.
    let name = basename(source.trim_end_matches('/'));
    let target = if dest.ends_with('/') || dest == "." {
        format!("{}/{name}", dest.trim_end_matches('/'))
    } else if basename(dest) == name {
        dest.clone()
    } else {
        return refuse("it is copied under another name, or into a directory written without a trailing `/`");
    };
    let Some(target) = absolute(file, copy.index, &target) else {
        return refuse("the WORKDIR it is copied into is not known");
    };
    // The RUN that deletes it, and the RUNs before that may read it.
    let end = file.stages()[stage].instructions.end;
    let mut runs = Vec::new();
    let mut deleter = None;
    // A RUN that cannot be read only matters when a RUN deletes the file after it (the file stays otherwise).
    let mut unreadable: Option<String> = None;
    for instr in &file.instructions()[copy.index + 1..end] {
        if instr.kind != InstructionKind::Run {
            continue;
        }
        let line = file.line_col(instr.range.start).0;
        if unreadable.is_some() {
            if file.text(instr.range.clone()).contains(name) {
                deleter = Some(instr.index);
                break;
            }
            continue;
        }
        let body = file.shell(instr.index).filter(|_| run_context::posix_shell(file, instr.index));
        let Some(body) = body else {
            unreadable = Some(format!("the RUN on line {line} cannot be rewritten"));
            continue;
        };
        if body.error_count() > 0 || body.has_split_words() {
            unreadable = Some(format!("the body of the RUN on line {line} does not parse"));
            continue;
        }
        let workdir = absolute(file, instr.index, ".");
        let removes = body.command_list().iter().any(|c| is_removal(c, "rm", &target, workdir.as_deref()));
        runs.push(instr.index);
        if removes {
            deleter = Some(instr.index);
            break;
        }
    }
    let Some(deleter) = deleter else {
        return refuse("no later RUN of its stage deletes it, so it stays in the image (the application may need it)");
    };
    if let Some(why) = unreadable {
        return refuse(&why);
    }
    if run_context::runs_as(file, deleter, cx.knowledge) == RunsAs::NotRoot && !ssh {
        return refuse("the RUN that uses it does not run as root, and a secret mount belongs to root");
    }
    let id = secret_id(source);
    let mut edits = vec![Edit::deletion(instruction_lines(file, copy))];
    let ssh_commands: Vec<&str> = secrets.ssh_commands.iter().map(String::as_str).collect();
    // An SSH key that only git, ssh and the like use: the agent is enough.
    let agent = ssh
        && runs.iter().all(|&i| {
            let body = file.shell(i).expect("checked");
            let workdir = absolute(file, i, ".");
            body.command_list().iter().all(|c| {
                let touches = c.assignments.iter().chain(c.args()).any(|w| {
                    names_path(w.value.as_deref().unwrap_or(&w.raw), &target, workdir.as_deref())
                        || w.raw.contains(&target)
                });
                !touches
                    || is_removal(c, "rm", &target, workdir.as_deref())
                    || is_removal(c, "chmod", &target, workdir.as_deref())
            })
        });
    let mut mounted = 0;
    for &i in &runs {
        let instr = &file.instructions()[i];
        let body = file.shell(i).expect("checked");
        let workdir = absolute(file, i, ".");
        let mut removed_all = true;
        let mut body_edits = Vec::new();
        for cmd in body.command_list() {
            let found = removal(cmd, "rm", &target, workdir.as_deref())
                .map(|r| (r, "rm"))
                .or_else(|| removal(cmd, "chmod", &target, workdir.as_deref()).map(|r| (r, "chmod")));
            let Some((how, program)) = found else {
                removed_all = false;
                continue;
            };
            match how {
                Removal::Word(range) => {
                    removed_all = false;
                    body_edits.push(range);
                }
                Removal::Command => match remove_command(body, cmd) {
                    Some(r) => body_edits.push(r),
                    None if body.command_list().len() == 1 => {}
                    None => {
                        let line = file.line_col(body.file_range(cmd.range.clone()).start).0;
                        return refuse(&format!("the `{program}` of it on line {line} cannot be removed cleanly"));
                    }
                },
            }
        }
        if removed_all && !body_edits.is_empty() {
            // The RUN only deleted the file: it goes.
            edits.push(Edit::deletion(instruction_lines(file, instr)));
            continue;
        }
        for r in body_edits {
            let range = body.file_range(r);
            if has_comment_in(file, &range) {
                return refuse("a comment line sits in the command that deletes it");
            }
            edits.push(Edit::deletion(range));
        }
        let uses_agent = body.command_list().iter().any(|c| {
            c.words
                .get(c.unwrapped_start())
                .and_then(|w| w.value.as_deref())
                .is_some_and(|n| ssh_commands.contains(&basename(n)))
        });
        let flag = if agent {
            if !uses_agent {
                continue;
            }
            "--mount=type=ssh".to_string()
        } else {
            format!("--mount=type=secret,id={id},target={target}")
        };
        edits.push(flags_edit(file, instr, &[flag]));
        mounted += 1;
    }
    let command = if agent {
        format!("docker build --ssh default={source} .")
    } else {
        format!("docker build --secret id={id},src={source} .")
    };
    let message = format!(
        "{keyword} of the credential file `{source}` leaves it in a layer, though a later RUN deletes it; build with `{command}`"
    );
    let title = if agent {
        format!("Use the SSH agent (`--mount=type=ssh`) in {mounted} RUN instruction(s) instead of copying `{source}`")
    } else {
        format!("Mount `{source}` as a secret at {target} in {mounted} RUN instruction(s) instead of copying it")
    };
    Ok(Some((message, title, edits, command)))
}

/// The follow-up of a fix: the build command it needs.
fn build_with(command: &str) -> String {
    format!("build with `{command}` from now on (the README shows the Compose and GitHub Actions equivalents)")
}

/// A secret id for a file: its path without leading dots, other characters than letters and digits as `_`.
fn secret_id(source: &str) -> String {
    let trimmed = source.trim_start_matches(['.', '/']);
    let id: String =
        trimmed.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' }).collect();
    id.trim_start_matches('_').to_string()
}

/// `path` made absolute against the WORKDIR in effect for instruction `index` (only WORKDIRs of its stage and the
/// stages it is built on count; `/` when there is none and the stage starts from `scratch`).
fn absolute(file: &Dockerfile, index: usize, path: &str) -> Option<String> {
    if path.starts_with('/') {
        return Some(normalize(path));
    }
    let mut dir: Option<String> = None;
    let mut at = index;
    let mut stage = file.instructions()[index].stage?;
    let mut parts: Vec<String> = Vec::new();
    'chain: for _ in 0..=file.stages().len() {
        let s = &file.stages()[stage];
        for i in (s.instructions.start..at).rev() {
            let instr = &file.instructions()[i];
            if instr.kind != InstructionKind::Workdir {
                continue;
            }
            let w = instr.args.as_str().trim();
            let w = unquote(w, file.escape());
            if w.contains('$') {
                return None;
            }
            parts.push(w.clone());
            if w.starts_with('/') {
                dir = Some(String::new());
                break 'chain;
            }
        }
        match s.base {
            crate::syntax::StageBase::Stage(b) if b < stage => {
                stage = b;
                at = file.stages()[b].instructions.end;
            }
            crate::syntax::StageBase::Scratch => {
                dir = Some(String::new());
                break;
            }
            _ => break,
        }
    }
    dir?;
    let mut full = String::new();
    for p in parts.iter().rev() {
        if p.starts_with('/') {
            full = p.clone();
        } else {
            full = format!("{full}/{p}");
        }
    }
    Some(normalize(&format!("{full}/{path}")))
}

/// `/a/./b//c/` -> `/a/b/c`.
fn normalize(path: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                out.pop();
            }
            p => out.push(p),
        }
    }
    format!("/{}", out.join("/"))
}

/// Whether a word of a command names `target` (absolute, or relative to `workdir`, or `~/...` for root).
fn names_path(word: &str, target: &str, workdir: Option<&str>) -> bool {
    let word = word.trim_matches(['"', '\'']);
    if word.starts_with('/') {
        return normalize(word) == target;
    }
    if let Some(rest) = word.strip_prefix("~/").or_else(|| word.strip_prefix("$HOME/")) {
        return normalize(&format!("/root/{rest}")) == target;
    }
    workdir.is_some_and(|w| normalize(&format!("{w}/{word}")) == target)
}

/// How a command that removes (`rm`) or changes (`chmod`) the file is taken out.
enum Removal {
    /// The file is its only path: the whole command goes.
    Command,
    /// One of several paths of `rm`: the word goes (a script range, with the blanks before it).
    Word(Range<usize>),
}

/// Whether `cmd` is `program` (such as `rm` or `chmod`) with `target` among its path arguments, and how to take it
/// out.
fn removal(cmd: &crate::syntax::Command, program: &str, target: &str, workdir: Option<&str>) -> Option<Removal> {
    let name = cmd.name().and_then(|w| w.value.as_deref())?;
    if basename(name) != program || cmd.placement.in_substitution || cmd.placement.in_function {
        return None;
    }
    let mut paths = cmd.args().iter().filter(|w| !w.raw.starts_with('-')).peekable();
    if program == "chmod" {
        paths.next(); // the mode
    }
    let paths: Vec<_> = paths.collect();
    let hit = paths.iter().position(|w| names_path(w.value.as_deref().unwrap_or(&w.raw), target, workdir))?;
    if paths.len() == 1 {
        return Some(Removal::Command);
    }
    if program != "rm" || cmd.has_split_words() {
        return None;
    }
    let word = paths[hit];
    let before = cmd.words.iter().rposition(|w| w.range.end <= word.range.start)?;
    Some(Removal::Word(cmd.words[before].range.end..word.range.end))
}

/// Whether `cmd` is `program` with `target` among its paths.
fn is_removal(cmd: &crate::syntax::Command, program: &str, target: &str, workdir: Option<&str>) -> bool {
    removal(cmd, program, target, workdir).is_some()
}

/// The script range that removes a command from its `&&` list: with the `&&` before it (or after it, when it is the
/// first). `None` when it is not a simple link of a top-level `&&` list or a statement of its own.
fn remove_command(script: &ShellScript, cmd: &crate::syntax::Command) -> Option<Range<usize>> {
    let statements = script.statements();
    let (si, st) = statements
        .iter()
        .enumerate()
        .find(|(_, s)| s.range.start <= cmd.range.start && cmd.range.end <= s.range.end)?;
    let k = st.pipelines.iter().position(|p| *p == cmd.range)?;
    if st.operators.iter().any(|o| *o != crate::syntax::shell::AndOr::And) {
        return None;
    }
    if st.pipelines.len() > 1 {
        return Some(if k == 0 {
            st.pipelines[0].start..st.pipelines[1].start
        } else {
            st.pipelines[k - 1].end..st.pipelines[k].end
        });
    }
    // A statement of its own: with the separator before it, or after it when it is the first.
    match si {
        0 => statements.get(1).map(|next| st.range.start..next.range.start),
        _ => Some(statements[si - 1].pipelines.last()?.end..st.range.end),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_versions_with_env_secrets() {
        for yes in [
            "docker/dockerfile:1",
            "docker/dockerfile:1.10",
            "docker/dockerfile:1.12-labs",
            "docker.io/docker/dockerfile:1@sha256:ab",
        ] {
            assert!(supports_env(yes), "{yes}");
        }
        for no in ["docker/dockerfile:1.4", "docker/dockerfile:1.9.0", "example.com/frontend:1", "docker/dockerfile"] {
            assert!(!supports_env(no), "{no}");
        }
    }

    #[test]
    fn variables_paths_and_ids() {
        assert!(mentions_variable("echo $NPM_TOKEN;", "NPM_TOKEN"));
        assert!(mentions_variable("x=${NPM_TOKEN:-}", "NPM_TOKEN"));
        assert!(!mentions_variable("echo $NPM_TOKEN_X ${NPM_TOKENS}", "NPM_TOKEN"));
        assert!(is_reference_to("\"${A}\"", "A") && !is_reference_to("x$A", "A"));
        assert_eq!(normalize("/app/./x//y/../z"), "/app/x/z");
        assert_eq!(secret_id(".aws/credentials"), "aws_credentials");
        assert_eq!(secret_id("./.npmrc"), "npmrc");
        let f = Dockerfile::parse(
            "FROM scratch AS a\nWORKDIR /app\nWORKDIR src\nFROM a\nCOPY x y\nFROM debian\nCOPY x y\n",
        );
        assert_eq!(absolute(&f, 4, ".npmrc").as_deref(), Some("/app/src/.npmrc"));
        assert_eq!(absolute(&f, 6, ".npmrc"), None);
        assert_eq!(absolute(&f, 6, "/root/.npmrc").as_deref(), Some("/root/.npmrc"));
    }
}
