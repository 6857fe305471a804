//! `pipe-to-shell`: a download piped straight into a shell or interpreter (a note).

use crate::fix::Applicability;
use crate::syntax::{Command, InstructionKind};
use crate::transforms::packages::basename;
use crate::transforms::{Context, Proposals, Transform, TransformMeta, declare_transform};

declare_transform! {
    /// ## What it does
    /// Reports RUN instructions that pipe a download into a shell or an interpreter that reads its program from
    /// standard input: `curl -fsSL https://… | sh`, `wget -qO- … | bash -s -- --flag`, `curl … | sudo python3 -`.
    /// An interpreter given a script file or `-c` code (`curl … | python3 -c 'import json…'`) only reads data, and
    /// is not reported. It is a note: there is no fix.
    ///
    /// ## Why
    /// What runs is whatever the server sends at build time: it is not reviewed, not pinned, and a truncated
    /// download runs half a script. Download the script to a file, check its checksum, then run it (or use a
    /// package).
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN curl -fsSL https://example.com/install.sh | sh
    /// ```
    /// Reported: "`curl` pipes a download into `sh` …".
    ///
    /// ## Knowledge
    /// `transforms/secrets.toml`: `downloaders` and `shells`.
    ///
    /// ## Options
    /// None. Suppress it with `ignore = ["pipe-to-shell"]`.
    ///
    /// ## References
    /// - hadolint DL4006 is about `pipefail`; this is the practice the Docker and OWASP guides warn about
    pub PipeToShell {
        id: "pipe-to-shell",
        summary: "Report downloads piped into a shell",
        applicability: Applicability::DisplayOnly,
        default_enabled: true,
        aliases: [],
        since: "0.1.0",
    }
}

impl Transform for PipeToShell {
    fn meta(&self) -> &'static TransformMeta {
        &Self::META
    }

    fn run(&self, cx: &Context<'_>, out: &mut Proposals) {
        let file = cx.file;
        let secrets = &cx.knowledge.secrets;
        for instr in file.instructions().iter().filter(|i| i.kind == InstructionKind::Run) {
            let Some(body) = file.shell(instr.index) else { continue };
            let commands = body.command_list();
            let mut pipelines = Vec::new();
            let mut cursor = body.tree().walk();
            let mut stack = vec![body.tree().root_node()];
            while let Some(node) = stack.pop() {
                if node.kind() == "pipeline" {
                    pipelines.push(node);
                }
                stack.extend(node.named_children(&mut cursor));
            }
            for pipeline in pipelines {
                let mut c = pipeline.walk();
                let stages: Vec<&Command> = pipeline
                    .named_children(&mut c)
                    .filter(|n| n.kind() != "comment")
                    .filter_map(|n| {
                        let r = n.byte_range();
                        commands
                            .iter()
                            .filter(|cmd| r.start <= cmd.range.start && cmd.range.end <= r.end)
                            .min_by_key(|cmd| cmd.range.start)
                    })
                    .collect();
                let Some(download) =
                    stages.iter().position(|cmd| name(cmd).is_some_and(|n| secrets.downloaders.iter().any(|d| d == n)))
                else {
                    continue;
                };
                let Some(shell) =
                    stages[download + 1..].iter().find(|cmd| reads_program_from_stdin(cmd, &secrets.shells))
                else {
                    continue;
                };
                out.propose(
                    body.file_range(pipeline.byte_range()),
                    format!(
                        "`{}` pipes a download into `{}`, which runs whatever the server sends; download to a file, \
                         verify its checksum, then run it",
                        name(stages[download]).unwrap_or("download"),
                        name(shell).unwrap_or("a shell")
                    ),
                );
            }
        }
    }
}

/// The command's name after `sudo` and `env`, without its directory.
fn name(cmd: &Command) -> Option<&str> {
    cmd.words.get(cmd.unwrapped_start()).and_then(|w| w.value.as_deref()).map(basename)
}

/// Whether a command is a shell or interpreter that reads its program from standard input: no `-c` (or `-e`, `-m`
/// for other interpreters) and no script file, or `-` / `-s`.
fn reads_program_from_stdin(cmd: &Command, shells: &[String]) -> bool {
    let Some(program) = name(cmd) else { return false };
    let program = program.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
    if !shells.iter().any(|s| s.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.') == program) {
        return false;
    }
    let posix = matches!(program, "sh" | "bash" | "dash" | "ash" | "zsh" | "ksh");
    let mut args = cmd.words[cmd.unwrapped_start() + 1..].iter();
    while let Some(w) = args.next() {
        let Some(v) = w.value.as_deref() else { return false };
        match v {
            "-" | "-s" => return true,
            "--" => return false,
            "-o" | "+o" if posix => {
                args.next();
            }
            _ if v.starts_with("--") => {}
            _ if v.starts_with('-') && posix => {
                if v.contains('c') {
                    return false;
                }
                if v.contains('s') {
                    return true;
                }
            }
            _ if v.starts_with('-') => {
                if v.contains(['c', 'e', 'm', 'E', 'r']) {
                    return false;
                }
            }
            // A script file.
            _ => return false,
        }
    }
    true
}
