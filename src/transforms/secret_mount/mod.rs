//! `secret-mount`: build secrets passed as ARG or ENV, or copied in as credential files, move into BuildKit secret
//! mounts, so their values never reach a layer or the image history.//!
//! - [`variables`]: ARG and ENV declarations of secret-like names, and the RUNs that read them;
//! - [`files`]: credential files copied in and deleted later;
//! - [`paths`]: where a copied file lands, and the shell commands that remove it.

mod files;
mod paths;
mod variables;

use crate::fix::{Applicability, Fix};
use crate::syntax::InstructionKind;
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
    /// # syntax=docker/dockerfile:1
    /// FROM node:20
    /// ARG NPM_TOKEN
    /// COPY package.json package-lock.json ./
    /// RUN npm ci
    /// ```
    /// Becomes:
    /// ```dockerfile
    /// # syntax=docker/dockerfile:1
    /// FROM node:20
    /// COPY package.json package-lock.json ./
    /// RUN --mount=type=secret,id=npm_token,env=NPM_TOKEN npm ci
    /// ```
    /// Build it with `docker build --secret id=npm_token,env=NPM_TOKEN .`. Without the `# syntax=` line, the RUN
    /// becomes `RUN --mount=type=secret,id=npm_token export NPM_TOKEN="$(cat /run/secrets/npm_token)" && npm ci`.
    ///
    /// ## Fix safety
    /// Unsafe: the build command changes (`--secret` instead of `--build-arg`), and a script or program that reads
    /// the variable from the environment without the RUN naming it (and that the `env-readers` table does not
    /// know) no longer sees it. The file form exports the value before the body; a secret that is not passed gives
    /// an empty value, as an unset ARG did. A RUN that runs as another user than root gets `mode=0444` on its secret
    /// mounts (`mode=0666` on the SSH agent's socket), since mounts belong to root.
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
pub(super) enum Form {
    /// `--mount=type=secret,id=x,env=X`.
    Env,
    /// `--mount=type=secret,id=x` and `export X="$(cat /run/secrets/x)" && `.
    File,
}

impl Transform for SecretMount {
    fn meta(&self) -> &'static TransformMeta {
        &Self::META
    }

    fn check_option(&self, key: &str, value: &toml::Value) -> Result<(), String> {
        match key {
            "form" if matches!(value.as_str(), Some("env" | "file")) => Ok(()),
            "form" => Err("must be \"env\" or \"file\"".to_string()),
            _ => Err(format!("is not an option of {ID} (it has `form` and `applicability`)")),
        }
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
        for (name, decls) in variables::declarations(file, secrets) {
            match variables::variable_fix(cx, &name, &decls, form, add_syntax) {
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
            match files::file_fix(cx, instr) {
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

/// Whether instruction `index` may run as a user other than root: a USER in effect that is not root, or a base
/// image known to run as another user.
fn may_run_as_other_user(cx: &Context<'_>, index: usize) -> bool {
    match crate::transforms::run_context::runs_as(cx.file, index, cx.knowledge) {
        crate::transforms::run_context::RunsAs::Root => false,
        crate::transforms::run_context::RunsAs::NotRoot => true,
        crate::transforms::run_context::RunsAs::Unknown => cx.file.user_instruction(index).is_some(),
    }
}

/// The follow-up of a fix: the build command it needs.
fn build_with(command: &str) -> String {
    format!("build with `{command}` from now on (the README shows the Compose and GitHub Actions equivalents)")
}

#[cfg(test)]
mod tests;
