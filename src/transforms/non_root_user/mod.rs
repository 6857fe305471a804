//! `non-root-user`: the final stage runs as root; create a user with a fixed numeric id and switch to it.

//!
//! The steps live in submodules named after them: [`settings`] (options), [`stages`] (FROM chains, shared with
//! `slim-base`), [`commands`] (command words in RUN, ENTRYPOINT and CMD texts), [`privileges`] (what shows the
//! container starts as root by design), [`workdir`], [`plan`] (the user and the inserted lines) and [`warnings`].

use std::ops::Range;

use crate::fix::{Applicability, Edit};
use crate::knowledge::{ImageFacts, is_root_user};
use crate::syntax::StageBase;
use crate::transforms::edits::shell_quote;
use crate::transforms::{Context, Proposals, Transform, TransformMeta, declare_transform};

pub(crate) mod commands;
mod plan;
mod privileges;
mod settings;
pub(crate) mod stages;
#[cfg(test)]
mod tests;
mod warnings;
mod workdir;

use plan::{Plan, chown_copies, insertion_point, insertion_text, ours};
use privileges::{creates_a_user, infer_family, starts_as_root_by_design};
use settings::Settings;
use stages::{chain, is_windows, last_user, later_stage_that_runs};
use warnings::run_time_warnings;
use workdir::{WorkdirState, is_system_dir, workdirs};

declare_transform! {
    /// ## What it does
    /// When the final stage would run as root, inserts before its first CMD or ENTRYPOINT (or at its end) a RUN
    /// that creates a system user and group with a fixed numeric id and no login shell, and gives that user the
    /// stage's WORKDIR, followed by `USER 10001:10001`.
    ///
    /// ## Why
    /// A process that runs as root in a container is root on the host's kernel: any escape or writable mount is a
    /// root compromise. Most images never leave root. Inserting `USER app` alone, as other tools do, makes the
    /// container fail to start when `app` does not exist; the numeric form lets Kubernetes verify `runAsNonRoot`.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// WORKDIR /app
    /// COPY . .
    /// CMD ["python", "main.py"]
    /// ```
    /// Becomes:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// WORKDIR /app
    /// COPY . .
    /// RUN groupadd --system --gid 10001 app && useradd --system --uid 10001 --gid 10001 --no-log-init --no-create-home --shell /usr/sbin/nologin app && chown 10001:10001 /app
    /// USER 10001:10001
    /// CMD ["python", "main.py"]
    /// ```
    ///
    /// The command depends on the base image's family, followed through `FROM <earlier stage>` chains:
    /// `groupadd` and `useradd --no-log-init` on Debian, Ubuntu and RHEL-like images; BusyBox `addgroup -S` and
    /// `adduser -S -D -H` on Alpine and BusyBox; entries appended to `/etc/passwd` and `/etc/group` on RHEL-like
    /// images without shadow-utils (ubi-minimal). Images without a shell (distroless, scratch) get only
    /// `USER 65532:65532`; images that ship a user (node's `node`, distroless `nonroot`, .NET's `app`) reuse it.
    /// The WORKDIR itself is given to the user (not recursively, so no layer is copied); system directories and
    /// `/` never are. The RUN follows the file's keyword casing, line endings and continuation style.
    ///
    /// Nothing is changed, and a note says why, when: the family is unknown (neither the image tables nor a
    /// package manager used in RUN tell it); the image is a Windows one; the image or its entrypoint starts as
    /// root by design (`gosu`, `su-exec`, `setpriv`, `runuser`, `chroot --userspec`, s6, supervisord, init
    /// systems; postgres, nginx and similar official images); the stage already creates a user without switching
    /// to it; the WORKDIR is under `/root`; or a `USER root` is in effect at the end (a deliberate choice). A port
    /// below 1024 in EXPOSE and a VOLUME get a note next to the fix.
    ///
    /// ## Fix safety
    /// Unsafe: the application may write to paths owned by root (other than its WORKDIR), bind a port below 1024,
    /// or read files only root can read, and then fail at run time. The build itself does not break: only
    /// families whose tools are known are handled, and no RUN is left after the inserted `USER`.
    /// `applicability = "safe"` in `dfix.toml` makes it safe for a repository that has checked this.
    ///
    /// ## Knowledge
    /// `transforms/images.toml`: `[families]` (how to create a user, or the user a family ships), `[[rules]]`
    /// (repository and tag patterns mapped to a family, a shipped user, the default user, or a reason to skip),
    /// `[package-managers]` (families told by RUN commands), `[privileges]` (commands that show the container
    /// starts as root by design).
    ///
    /// ## Options
    /// In `dfix.toml`, `[transforms.non-root-user]`:
    /// - `user` (default `"app"`): the name of the created user and group;
    /// - `uid`, `gid` (default `10001`; `gid` defaults to `uid`): their numeric ids;
    /// - `chown-app` (default `false`): also add `--chown=<uid>:<gid>` to the final stage's COPY and ADD
    ///   instructions that write into its WORKDIR;
    /// - `target`: the name of the stage that is built (as with `docker build --target`), default the last one;
    /// - `applicability`: `"safe"` to apply it without `--unsafe-fixes`.
    ///
    /// ## References
    /// - hadolint DL3002 (last USER should not be root), DL3046 (`useradd` without `--no-log-init`)
    pub NonRootUser {
        id: "non-root-user",
        summary: "Create a non-root user in the final stage and switch to it",
        applicability: Applicability::Unsafe,
        default_enabled: true,
        aliases: ["DL3002"],
        since: "0.1.0",
    }
}

pub(crate) const ID: &str = "non-root-user";

impl Transform for NonRootUser {
    fn meta(&self) -> &'static TransformMeta {
        &Self::META
    }

    fn check_option(&self, key: &str, value: &toml::Value) -> Result<(), String> {
        Settings::check(key, value)
    }

    fn run(&self, cx: &Context<'_>, out: &mut Proposals) {
        let file = cx.file;
        let images = &cx.knowledge.images;
        let settings = match Settings::read(cx.config) {
            Ok(s) => s,
            Err(message) => {
                out.propose(0..0, message);
                return;
            }
        };
        let stage = match &settings.target {
            Some(name) => match file.stage_by_name(name) {
                Some(s) => s,
                None => {
                    out.propose(0..0, format!("[transforms.{ID}] target `{name}` names no stage of this file"));
                    return;
                }
            },
            None => match file.final_stage() {
                Some(s) => s,
                None => return,
            },
        };
        let at = file.instructions()[stage.from].range.clone();
        let chain = chain(file, stage);
        let mut note = |range: Range<usize>, why: &str| {
            out.propose(range, format!("the final stage runs as root; not fixed: {why}"));
        };
        let root = chain.last().expect("the chain holds the stage itself");
        let facts = match &root.base {
            StageBase::Image(r) => images.facts(r),
            StageBase::Scratch => ImageFacts { family: Some("scratch"), ..ImageFacts::default() },
            _ => ImageFacts::default(),
        };
        // A USER in effect at the end: a non-root one is the goal, a root one is a deliberate choice.
        if let Some((instr, user, after_other)) = last_user(file, &chain) {
            if !is_root_user(&user) {
                // The user this transform switches to: keep warning about what may fail at run time.
                if let Some(uid) = ours(&user, &settings, &facts, images) {
                    for (range, text) in run_time_warnings(file, &chain, &workdirs(file, &chain), uid) {
                        out.propose(range, text);
                    }
                }
                return;
            }
            let why =
                if after_other { "it switches back to root on purpose" } else { "it switches to root on purpose" };
            let line = file.line_col(instr.range.start).0;
            note(instr.range.clone(), &format!("`USER {user}` (line {line}) is in effect at the end; {why}"));
            return;
        }
        // The image already runs as a non-root user.
        if facts.non_root_user().is_some() {
            return;
        }
        // A later stage built on this one would run its RUN instructions as the new user.
        if let Some(later) = later_stage_that_runs(file, stage) {
            let name = later.name.as_deref().map_or_else(|| format!("{}", later.index), |n| format!("`{n}`"));
            note(at, &format!("stage {name} is built on it and its RUN instructions would no longer run as root"));
            return;
        }
        // Windows images: the backtick escape, a Windows platform or a Windows shell.
        if file.escape() == '`' || is_windows(file, &chain) || facts.family == Some("windows") {
            note(at, "a Windows image; Linux user ids do not apply");
            return;
        }
        if let Some(reason) = facts.skip {
            note(at, reason);
            return;
        }
        // The entrypoint or the services of the image drop privileges themselves.
        if let Some((range, why)) = starts_as_root_by_design(file, images, &chain) {
            note(range, &why);
            return;
        }
        // A user made by the Dockerfile but never switched to: only its author knows which to use.
        if let Some((range, command)) = creates_a_user(file, &chain) {
            let line = file.line_col(range.start).0;
            note(
                range,
                &format!("RUN at line {line} creates a user (`{command}`) but never switches to it; add a USER"),
            );
            return;
        }
        let (family_name, inferred) = match facts.family {
            Some(f) => (f, None),
            None => match infer_family(file, images, &chain) {
                Some((f, how)) => (f, Some(how)),
                None => {
                    let image =
                        if root.image.is_empty() { "the base image".to_string() } else { format!("`{}`", root.image) };
                    note(
                        at,
                        &format!(
                            "the family of {image} is unknown, so how to create a user in it is too; \
                         add a rule for it under [knowledge.images] in dfix.toml"
                        ),
                    );
                    return;
                }
            },
        };
        let Some(family) = images.families.get(family_name) else { return };
        if let Some(reason) = &family.skip {
            note(at, reason);
            return;
        }
        let Some(plan) = Plan::new(&settings, &facts, family) else {
            note(at, &format!("the {family_name} family neither ships a user nor says how to create one"));
            return;
        };
        let workdir = workdirs(file, &chain);
        if let Some(WorkdirState::Known(path)) = &workdir.last
            && (path == "/root" || path.starts_with("/root/"))
        {
            note(
                at,
                &match path.as_str() {
                    "/root" => "its WORKDIR is /root, which only root may enter".to_string(),
                    _ => format!("its WORKDIR {path} is inside /root, which only root may enter"),
                },
            );
            return;
        }
        let Some(point) = insertion_point(file, stage) else {
            note(at, "its last instruction ends with a line continuation, which would swallow an added line");
            return;
        };
        let chown_dir = match &workdir.last {
            Some(WorkdirState::Known(path)) if !is_system_dir(path) => Some(path.as_str()),
            _ => None,
        };
        let mut commands = plan.commands.clone();
        if family.create.is_some()
            && let Some(dir) = chown_dir
        {
            commands.push(format!("chown {}:{} {}", plan.uid, plan.gid, shell_quote(dir)));
        }
        let mut edits = vec![Edit::insertion(insertion_text(file, &commands, &plan, point.newline_first), point.at)];
        if settings.chown_app
            && let Some(dir) = chown_dir
        {
            edits.extend(chown_copies(file, stage, &workdir.at, dir, &plan));
        }
        let mut message = "the final stage runs as root".to_string();
        if let Some(how) = inferred {
            message.push_str(&format!(" (the image is taken to be {family_name}: {how})"));
        }
        out.fix(at, message, plan.title(), edits);
        for (range, text) in run_time_warnings(file, &chain, &workdir, plan.uid) {
            out.propose(range, text);
        }
    }
}
