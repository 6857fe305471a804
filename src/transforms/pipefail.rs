//! `pipefail`: a RUN with a pipe fails when any command of the pipe fails, not only the last one.

use crate::fix::{Applicability, Edit};
use crate::syntax::shell::Terminator;
use crate::syntax::{Dockerfile, Instruction, InstructionKind, ShellScript, StageBase};
use crate::transforms::{Context, Proposals, Transform, TransformMeta, declare_transform, run_context};

declare_transform! {
    /// ## What it does
    /// Turns on `pipefail` for RUN instructions with a pipe (`a | b`), where the shell of the base image is known:
    /// `SHELL [<shell>, "-o", "pipefail", "-c"]` goes before the stage's first RUN with a pipe, with the shell the
    /// image family has. Debian's and Ubuntu's `/bin/sh` is dash, which has no pipefail, so bash (always installed
    /// there); BusyBox `ash` in Alpine and BusyBox images; bash in RHEL-like images. Families can instead be set to
    /// get `set -o pipefail && ` at the start of each such RUN (`set-prefix`).
    ///
    /// ## Why
    /// A pipe's status is the status of its last command: in `RUN wget -qO- $URL | tar -xz`, a failed download
    /// gives tar an empty input, and whether the build stops depends on tar. With `pipefail` the RUN fails when any
    /// command of the pipe fails.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN wget -qO- https://example.com/tool.tar.gz | tar -xz -C /opt
    /// ```
    /// Becomes:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// SHELL ["/bin/ash", "-o", "pipefail", "-c"]
    /// RUN wget -qO- https://example.com/tool.tar.gz | tar -xz -C /opt
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe. A pipe that used to hide a failure now fails the build (`grep` finding nothing in `... | grep x`
    /// fails too). The SHELL also applies to every later RUN, and to the shell forms of CMD, ENTRYPOINT and
    /// HEALTHCHECK, of the stage and of the stages built on it: in Debian and Ubuntu they run in bash instead of
    /// dash, which differ in details (`echo` and backslashes, for example). Nothing is changed where a SHELL
    /// instruction is already in effect, where the base image's family is unknown (a stage built on another stage
    /// follows it to its image), in Windows images, or for pipes only inside heredocs, quoted strings or exec form;
    /// a body that already mentions `pipefail` is left alone, and so is a pipe into `head` or from `yes`, whose
    /// writer is routinely killed by SIGPIPE (pipefail would fail the build every time).
    ///
    /// ## Knowledge
    /// `transforms/shell.toml`: `[pipefail]` (`shells`, `set-prefix`); `transforms/images.toml`: the family of
    /// each image.
    ///
    /// ## References
    /// - hadolint DL4006
    pub Pipefail {
        id: "pipefail",
        summary: "Make RUN instructions with a pipe fail when any command of the pipe fails",
        applicability: Applicability::Unsafe,
        default_enabled: true,
        aliases: ["DL4006"],
        since: "0.1.0",
    }
}

impl Transform for Pipefail {
    fn meta(&self) -> &'static TransformMeta {
        &Self::META
    }

    fn run(&self, cx: &Context<'_>, out: &mut Proposals) {
        let file = cx.file;
        let knowledge = &cx.knowledge.shell.pipefail;
        // Stages that get a SHELL in this pass: the stages built on them are covered by it.
        let mut shell_added: Vec<usize> = Vec::new();
        for stage in file.stages() {
            if chain(file, stage.index).iter().any(|s| shell_added.contains(s)) {
                continue;
            }
            let runs = file.instructions()[stage.instructions.clone()]
                .iter()
                .filter(|i| i.kind == InstructionKind::Run && i.args.as_str().contains('|'));
            let mut first_shell = true;
            for instr in runs {
                if file.shell_instruction(instr.index).is_some() || !run_context::posix_shell(file, instr.index) {
                    continue;
                }
                let Some(script) = file.shell(instr.index) else { continue };
                if script.error_count() > 0 || instr.args.as_str().contains("pipefail") || !has_pipe(script) {
                    continue;
                }
                // `yes | cmd` and `cmd | head` end with a writer killed by SIGPIPE, which pipefail turns into a
                // failed build.
                if script
                    .command_list()
                    .iter()
                    .any(|c| c.placement.in_pipeline && c.words.first().is_some_and(|w| w.is("yes") || w.is("head")))
                {
                    continue;
                }
                // `set -o pipefail && a | b &` would only set it in the background job.
                if script.statements().first().is_none_or(|s| s.terminator == Terminator::Background) {
                    continue;
                }
                let Some(family) = family(cx, instr) else { continue };
                if knowledge.set_prefix.iter().any(|f| f == family) {
                    out.fix(
                        instr.range.clone(),
                        format!(
                            "a pipe in RUN fails only when its last command fails; `/bin/sh` of {family} images \
                             supports `set -o pipefail`, which fails the build when any command of the pipe fails \
                             (a pipe that hid a failure will now stop the build)"
                        ),
                        "Start the body with `set -o pipefail && `",
                        vec![Edit::insertion("set -o pipefail && ", instr.args.to_file(0))],
                    );
                    continue;
                }
                let Some(shell) = knowledge.shells.get(family) else { continue };
                if !first_shell {
                    continue;
                }
                first_shell = false;
                let array = serde_json::to_string(shell).expect("strings serialize").replace("\",\"", "\", \"");
                let (at, indent) = line_above_comments(file, instr);
                let le = file.line_ending();
                // One edit from the new line through the RUN's keyword: a fix that joins this RUN with the one
                // before it (and so edits its keyword) cannot also apply in the same pass, which would leave the
                // SHELL line inside the joined RUN.
                let text = format!("{indent}{} {array}{le}{}", file.keyword("SHELL"), file.text(at..instr.keyword.end));
                shell_added.push(stage.index);
                let program = shell[0].rsplit('/').next().unwrap_or(&shell[0]);
                let other = match program {
                    "bash" if matches!(family, "debian" | "ubuntu") => {
                        "; the stage's `/bin/sh` is dash, which has no pipefail, so later RUN, CMD, ENTRYPOINT and \
                         HEALTHCHECK shell forms of this stage and of stages built on it run in bash instead of dash"
                    }
                    _ => {
                        "; later RUN, CMD, ENTRYPOINT and HEALTHCHECK shell forms of this stage and of stages built on \
                         it run with this shell and option too"
                    }
                };
                out.fix(
                    instr.range.clone(),
                    format!(
                        "a pipe in RUN fails only when its last command fails; the SHELL `{program} -o pipefail` \
                         ({family} images) fails the build when any command of the pipe fails (a pipe that hid a \
                         failure will now stop the build){other}"
                    ),
                    format!("Add `SHELL {array}`"),
                    vec![Edit::replacement(text, at..instr.keyword.end)],
                );
            }
        }
    }
}

/// The stages of the FROM chain of stage `index`: itself, then its base stage, and so on.
fn chain(file: &Dockerfile, index: usize) -> Vec<usize> {
    let mut out = vec![index];
    let mut stage = index;
    for _ in 0..file.stages().len() {
        match file.stages()[stage].base {
            StageBase::Stage(b) if b < stage => {
                out.push(b);
                stage = b;
            }
            _ => break,
        }
    }
    out
}

/// The family of the image the RUN's stage is built on (at the start of its FROM chain).
fn family<'a>(cx: &'a Context<'_>, instr: &Instruction) -> Option<&'a str> {
    let StageBase::Image(image) = run_context::chain_base(cx.file, instr.index)? else { return None };
    if image.has_variable {
        return None;
    }
    cx.knowledge.images.facts(image).family
}

/// Whether the body has a pipe (`a | b`, `a |& b`) that its shell runs, in command substitutions too; pipes in
/// quoted strings are text to the shell.
fn has_pipe(script: &ShellScript) -> bool {
    let mut stack = vec![script.tree().root_node()];
    while let Some(node) = stack.pop() {
        if node.kind() == "pipeline" {
            return true;
        }
        let mut c = node.walk();
        stack.extend(node.named_children(&mut c));
    }
    false
}

/// Where a line goes before an instruction: the start of the comment lines right above it, or of its own line;
/// and the indentation of the instruction's line.
pub(crate) fn line_above_comments<'a>(file: &'a Dockerfile, instr: &Instruction) -> (usize, &'a str) {
    let line = file.line_start(instr.range.start);
    let indent = file.text(line..instr.range.start);
    let indent = if indent.chars().all(|c| c == ' ' || c == '\t') { indent } else { "" };
    let floor = match instr.index.checked_sub(1) {
        Some(prev) => file.next_line_start(file.instructions()[prev].range.end),
        None => file.directives().last().map_or(0, |d| file.next_line_start(d.range.end)),
    };
    let mut at = line;
    while at > floor {
        let above = file.line_start(at - 1);
        if above < floor || !file.text(above..at).trim_start().starts_with('#') {
            break;
        }
        at = above;
    }
    (at, indent)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pipes_are_found_where_the_shell_runs_them() {
        let pipe = |body: &str| {
            let f = Dockerfile::parse(&format!("FROM alpine\nRUN {body}\n"));
            has_pipe(f.shell(1).unwrap())
        };
        assert!(pipe("a | b"));
        assert!(pipe("x=$(a | b) && c"));
        assert!(!pipe("a || b"));
        assert!(!pipe("sh -c 'a | b'"));
        assert!(!pipe("echo \"a|b\""));
    }

    /// The `## Example` of the docs: the first block becomes the second (unsafe fixes applied).
    #[test]
    fn docs_example_holds() {
        let blocks: Vec<String> = Pipefail::META
            .docs
            .split("```dockerfile\n")
            .skip(1)
            .map(|b| {
                let body = b.split("```").next().unwrap();
                body.lines().map(|l| l.strip_prefix(' ').unwrap_or(l)).collect::<Vec<_>>().join("\n") + "\n"
            })
            .collect();
        let config = crate::config::Config::default();
        let options = crate::engine::Options {
            required: crate::fix::Applicability::Unsafe,
            max_passes: 10,
            ..crate::engine::Options::new(vec![&Pipefail], &config, crate::knowledge::Knowledge::builtin())
        };
        let input = blocks[0].clone();
        let outcome = crate::engine::fix(&input, &options).unwrap();
        assert_eq!(outcome.output, blocks[1]);
    }
}
