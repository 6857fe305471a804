//! `no-sudo`: `sudo cmd` becomes `cmd` in a RUN that already runs as root.

use crate::fix::{Applicability, Edit, Fix};
use crate::syntax::InstructionKind;
use crate::transforms::edits::shell_word_range;
use crate::transforms::packages::basename;
use crate::transforms::run_context::{self, RunsAs};
use crate::transforms::{Context, Proposals, Transform, TransformMeta, declare_transform};

declare_transform! {
    /// ## What it does
    /// Removes `sudo` (with the options `-E`, `-H`, `-n`) before a command in a RUN that runs as root: no USER in
    /// effect and a base image known to run as root, or `USER root` / `USER 0`, following `FROM <stage>` chains.
    ///
    /// ## Why
    /// As root, sudo changes nothing but the environment, and it must be installed for nothing; it also reads as
    /// if the build ran as another user. hadolint flags it.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN sudo apt-get update && sudo apt-get install -y curl
    /// ```
    /// Becomes:
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update && apt-get install -y curl
    /// ```
    ///
    /// ## Fix safety
    /// Safe for commands whose result does not depend on the environment (package managers, file and user
    /// commands). sudo resets the environment, so any other command would start seeing the variables set with ENV
    /// and ARG that sudo hid from it (`GOPATH`, `PIP_INDEX_URL`, ...): for those the fix is unsafe. `sudo -u`
    /// and other options that change the user or the shell are left alone. When the stage runs as another user,
    /// or its base image is not known to run as root, nothing is changed; the latter is reported.
    ///
    /// ## Knowledge
    /// `transforms/images.toml`: the `runs-as` of the image rules (which base images run as root, which as another
    /// user); `transforms/shell.toml`: `sudo-env-independent`.
    ///
    /// ## References
    /// - hadolint DL3004 (do not use sudo)
    pub NoSudo {
        id: "no-sudo",
        summary: "Remove `sudo` from RUN commands that already run as root",
        applicability: Applicability::Safe,
        default_enabled: true,
        aliases: ["DL3004"],
        since: "0.1.0",
    }
}

/// Options of sudo that do not change who runs the command or how.
const HARMLESS_OPTIONS: &[&str] = &["-E", "-H", "-n", "--preserve-env", "--set-home", "--non-interactive"];

impl Transform for NoSudo {
    fn meta(&self) -> &'static TransformMeta {
        &Self::META
    }

    fn run(&self, cx: &Context<'_>, out: &mut Proposals) {
        let shell = &cx.knowledge.shell;
        for instr in cx.file.instructions().iter().filter(|i| i.kind == InstructionKind::Run) {
            if !instr.args.as_str().contains("sudo") {
                continue;
            }
            // PowerShell and cmd bodies parse as something else than what runs.
            if !run_context::posix_shell(cx.file, instr.index) {
                continue;
            }
            let Some(script) = cx.file.shell(instr.index) else { continue };
            // A body with syntax errors is not understood well enough to edit.
            if script.error_count() > 0 {
                continue;
            }
            let sudos: Vec<_> = script
                .command_list()
                .iter()
                .filter(|c| c.words.first().and_then(|w| w.value.as_deref()).is_some_and(|v| basename(v) == "sudo"))
                .collect();
            if sudos.is_empty() {
                continue;
            }
            match run_context::runs_as(cx.file, instr.index, cx.knowledge) {
                RunsAs::Root => {}
                // sudo is how a non-root user installs: it is needed.
                RunsAs::NotRoot => continue,
                RunsAs::Unknown => {
                    out.propose(
                        instr.range.clone(),
                        "`sudo` in RUN; dfix cannot tell whether this stage runs as root (the knowledge table \
                         `images` gives no `runs-as` for its base image)",
                    );
                    continue;
                }
            }
            for cmd in sudos {
                // A word the parser split in two (`` sudo a`b`c ``): what follows `sudo` cannot be trusted.
                if cmd.has_split_words() {
                    continue;
                }
                // Only options that keep the user, the shell and the command the same.
                let Some(pos) = cmd.words.iter().skip(1).position(|w| !w.raw.starts_with('-')) else { continue };
                let target = &cmd.words[pos + 1];
                if !cmd.words[1..=pos].iter().all(|w| HARMLESS_OPTIONS.contains(&w.raw.as_str())) {
                    continue;
                }
                let Some(name) = target.value.as_deref() else { continue };
                // A command name with other characters (`ap@-get`) can make the body unreadable for the shell
                // parser once it starts the command; such names are rare enough to leave alone.
                if !target.raw.chars().all(|c| c.is_ascii_alphanumeric() || "_./+-".contains(c)) {
                    continue;
                }
                // The removed text must be one piece of the file: no continuation or comment line inside it.
                let range = cmd.words[0].range.start..target.range.start;
                if !script.text().is_contiguous_range(range.clone()) || shell_word_range(script, target).is_none() {
                    continue;
                }
                let env_independent = shell.sudo_env_independent.iter().any(|c| c == basename(name));
                let applicability = if env_independent {
                    out.default_applicability()
                } else {
                    out.default_applicability().min(Applicability::Unsafe)
                };
                let fix = Fix::new("Remove `sudo`", vec![Edit::deletion(script.file_range(range))], applicability);
                let message = "`sudo` in a RUN that already runs as root";
                out.propose(script.file_range(cmd.range.clone()), message).fix = Some(fix);
            }
        }
    }
}
