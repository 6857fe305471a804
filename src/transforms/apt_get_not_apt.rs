//! `apt-get-not-apt`: `apt` in RUN becomes `apt-get`, which has a stable interface for scripts.

use crate::fix::Applicability;
use crate::syntax::InstructionKind;
use crate::transforms::edits::replace_shell_word;
use crate::transforms::{Context, Proposals, Transform, TransformMeta, declare_transform};

declare_transform! {
    /// ## What it does
    /// Replaces `apt <subcommand>` in RUN with the `apt-get` command that does the same (`apt install` becomes
    /// `apt-get install`, `apt full-upgrade` becomes `apt-get dist-upgrade`).
    ///
    /// ## Why
    /// `apt` is made for people at a terminal: it warns "apt does not have a stable CLI interface. Use with
    /// caution in scripts", and its output and behaviour may change between releases. `apt-get` is the
    /// interface meant for scripts such as a Dockerfile.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt update && apt install -y curl
    /// ```
    /// Becomes:
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y curl
    /// ```
    ///
    /// ## Fix safety
    /// Safe. Only subcommands with an equivalent are rewritten; `apt upgrade`, which may install new
    /// dependencies, becomes `apt-get upgrade --with-new-pkgs`, which does the same. Subcommands without an
    /// equivalent (`apt list`, `apt show`, `apt search`) are left alone, and so are commands whose words are
    /// built from variables.
    ///
    /// ## Knowledge
    /// `transforms/package-managers.toml`: `[apt.script-equivalents]`.
    ///
    /// ## References
    /// - hadolint DL3027
    pub AptGetNotApt {
        id: "apt-get-not-apt",
        summary: "Use `apt-get` instead of `apt` in RUN",
        applicability: Applicability::Safe,
        default_enabled: true,
        aliases: ["DL3027"],
        since: "0.1.0",
    }
}

impl Transform for AptGetNotApt {
    fn meta(&self) -> &'static TransformMeta {
        &Self::META
    }

    fn run(&self, cx: &Context<'_>, out: &mut Proposals) {
        let equivalents = &cx.knowledge.package_managers.apt.script_equivalents;
        for instr in cx.file.instructions().iter().filter(|i| i.kind == InstructionKind::Run) {
            // Parsing the shell body is the costly part: skip bodies that cannot mention apt.
            if !instr.args.as_str().contains("apt") {
                continue;
            }
            // Exec form, heredocs and Windows shells have no parsed shell body.
            let Some(script) = cx.file.shell(instr.index) else {
                continue;
            };
            // A body with syntax errors is not understood well enough to edit.
            if script.error_count() > 0 {
                continue;
            }
            for command in script.command_list() {
                // A word the parser split in two (`` apt`x`y ``): the command name cannot be trusted.
                if command.has_split_words() {
                    continue;
                }
                let words = &command.words[command.unwrapped_start()..];
                let Some(name) = words.first() else { continue };
                // Only the literal word `apt` is a call of apt.
                if name.raw != "apt" {
                    continue;
                }
                // The subcommand is the first word that is not an option.
                let Some(sub) = words[1..].iter().find(|w| !w.raw.starts_with('-')) else {
                    continue;
                };
                let Some(value) = sub.value.as_deref() else {
                    continue;
                };
                let Some(replacement) = equivalents.get(value) else {
                    continue;
                };
                let (tool, new_sub) = replacement.split_once(' ').unwrap_or((replacement.as_str(), value));
                let mut edits = Vec::new();
                let Some(e) = replace_shell_word(script, name, tool) else {
                    continue;
                };
                edits.push(e);
                if new_sub != sub.raw {
                    let Some(e) = replace_shell_word(script, sub, new_sub) else {
                        continue;
                    };
                    edits.push(e);
                }
                out.fix(
                    script.file_range(name.range.start..sub.range.end),
                    format!("`apt {value}` in a script; apt has no stable command-line interface"),
                    format!("Replace with `{replacement}`"),
                    edits,
                );
            }
        }
    }
}
