//! `merge-runs`: consecutive RUN instructions of a stage become one instruction, so one layer.

use crate::fix::Applicability;
use crate::syntax::InstructionKind;
use crate::transforms::edits::{JoinBody, JoinRefusal, join_edits, joined_body_parses};
use crate::transforms::{Context, Proposals, Transform, TransformMeta, declare_transform, workdir_not_cd};

declare_transform! {
    /// ## What it does
    /// Joins consecutive RUN instructions of a stage into one RUN, with `&&` between their shell bodies, so that
    /// they make one image layer instead of several.
    ///
    /// ## Why
    /// Each RUN adds a layer. Files a layer adds stay in the image even when a later RUN deletes them, so split
    /// RUNs make images bigger (`apt-get install` in one, `rm -rf /var/lib/apt/lists/*` in the next), and many
    /// layers make pulls and builds slower.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update
    /// # tools for the build
    /// RUN apt-get install -y make
    /// RUN cd /src && make
    /// RUN make install
    /// ```
    /// Becomes:
    /// ```dockerfile
    /// RUN apt-get update \
    /// # tools for the build
    ///     && apt-get install -y make \
    ///     && ( cd /src && make ) \
    ///     && make install
    /// ```
    ///
    /// ## Fix safety
    /// Safe: RUNs are only joined when the joined body does what the separate ones did.
    /// - Both are shell form without heredocs, in the same stage, with nothing but comments and blank lines
    ///   between them, the same flags written the same way (`--mount`, `--network`, `--security`) and the same
    ///   SHELL, which must be `sh`, `bash`, `dash` or `ash` with `-c`. A `--mount` whose writes each RUN discards
    ///   (`type=tmpfs`, a read-write bind mount) prevents the join. Files with `# escape=` set to a backtick and
    ///   stages built on Windows images are skipped.
    /// - State does not leak: a body that changes the shell's state (`cd`, `export`, `set`, `umask`, `ulimit`,
    ///   `source`/`.`, `alias`, functions, assignments, `trap`, `read`, `eval`...) runs in a subshell `( ... )`
    ///   when another body follows it. So does a body that may update a tool it runs (`pip install --upgrade
    ///   pip`, `npm install -g npm`, `gem update --system`; the `self-updating` table) when a later body runs that
    ///   tool again: the shell remembers where it found a command, and would run the old copy instead of the new
    ///   one installed earlier in `PATH`.
    /// - The exit status does not change: a body with top-level `;`, `||` or newlines is grouped `{ ...; }`, so
    ///   `&&` joins whole bodies. A body that may turn on `errexit` (`set -e`, an ERR trap, or a SHELL with `-e`)
    ///   only comes last, unless it is a plain `&&` chain of simple commands, because the shell ignores `errexit`
    ///   on the left of `&&`.
    /// - A comment between them that addresses a tool about the next instruction (`# hadolint ignore=...`,
    ///   `# dfix ignore=...`; the `pragma-comments` table) prevents the join, and a RUN under a suppression
    ///   comment is merged with neither neighbour (the merged RUN would widen what the comment suppresses).
    /// - A body with `exit`, `return`, `exec`, a background job (`&`, `coproc`), a service start (`service`,
    ///   `/etc/init.d/...`; the `daemon-starters` table) or a `#` comment is not joined.
    ///
    /// Not inspected: what scripts and sourced files do when they run; a RUN sourcing a file is still wrapped in a
    /// subshell, but a script that starts a daemon without one of the known commands would keep it running into
    /// the next body. A base image whose SHELL is not `/bin/sh -c` is assumed not to exist.
    ///
    /// Comment lines between the joined RUNs move inside the continuation, in order (the builder ignores them
    /// there); blank lines between them are dropped. The continuation follows the file: its escape character, the
    /// indentation of its continuation lines, `&&` at the start of a line unless the file puts it at the end.
    ///
    /// ## Knowledge
    /// `transforms/shell.toml`: `self-updating`, `daemon-starters`, `pragma-comments`.
    ///
    /// ## References
    /// - hadolint DL3059
    pub MergeRuns {
        id: "merge-runs",
        summary: "Merge consecutive RUN instructions into one layer",
        applicability: Applicability::Safe,
        default_enabled: true,
        aliases: ["DL3059"],
        since: "0.1.0",
    }
}

impl Transform for MergeRuns {
    fn meta(&self) -> &'static TransformMeta {
        &Self::META
    }

    fn run(&self, cx: &Context<'_>, out: &mut Proposals) {
        let file = cx.file;
        let instructions = file.instructions();
        let fixed_by_workdir = workdir_not_cd::fixed_runs(cx);
        let workdir_fixes = |i: usize| fixed_by_workdir.binary_search(&i).is_ok();
        let mut start = 0;
        while start < instructions.len() {
            // A RUN whose leading `cd` becomes a WORKDIR in this run is not joined first.
            if workdir_fixes(start) {
                start += 1;
                continue;
            }
            let first = match JoinBody::new(file, cx.knowledge, &instructions[start]) {
                Ok(body) => body,
                Err(refusal) => {
                    note_unknown_shell(cx, start, &refusal, out);
                    start += 1;
                    continue;
                }
            };
            // Extend the chain while the last body may be followed and the next RUN joins it.
            let mut chain = vec![first];
            while let Some(next) = instructions.get(start + chain.len()) {
                let last = chain.last().expect("never empty");
                if last.can_precede().is_err() {
                    break;
                }
                if workdir_fixes(next.index) {
                    break;
                }
                let Ok(body) = JoinBody::new(file, cx.knowledge, next) else { break };
                if last.can_join(file, cx.knowledge, &body).is_err() {
                    break;
                }
                chain.push(body);
            }
            // A RUN on its own: nothing to merge.
            if chain.len() < 2 {
                start += 1;
                continue;
            }
            if !joined_body_parses(file, &chain) {
                // Keep the longest start of the chain whose join the shell parser still reads.
                let full = chain.len();
                while chain.len() > 1 {
                    chain.pop();
                    if joined_body_parses(file, &chain) {
                        break;
                    }
                }
                if chain.len() < 2 {
                    let at = chain[0].instr.range.clone();
                    start += 1;
                    out.propose(
                        at,
                        format!(
                            "consecutive RUN instructions make separate layers; not merged: joined with the next \
                             {}, the shell body would not parse reliably",
                            if full > 2 { "ones" } else { "one" }
                        ),
                    );
                    continue;
                }
            }
            let range = chain[0].instr.range.start..chain[chain.len() - 1].instr.range.end;
            // A RUN under a suppression comment stays out of any merge: absorbing the next RUN would widen what the
            // comment suppresses (for dfix and for hadolint alike). When it suppresses merge-runs, the finding is
            // still made, for the engine to drop and count the suppression as used. No RUN after a suppression
            // comment joins the one before it either: the comment between them prevents that.
            if cx.suppressions.governs_instruction(chain[0].instr.index) {
                if cx.suppressions.suppresses(self.meta().id, range.start) {
                    out.propose(range, "consecutive RUN instructions make separate layers");
                }
                start += 1;
                continue;
            }
            start += chain.len();
            let n = chain.len();
            out.fix(
                range,
                format!("{n} consecutive RUN instructions make {n} layers"),
                format!("Merge the {n} RUN instructions into one"),
                join_edits(file, &chain),
            );
        }
    }
}

/// A note when two consecutive RUNs could be one but their SHELL is one dfix does not know.
fn note_unknown_shell(cx: &Context<'_>, index: usize, refusal: &JoinRefusal, out: &mut Proposals) {
    let JoinRefusal::UnknownShell(_) = refusal else { return };
    let instructions = cx.file.instructions();
    let (this, Some(next)) = (&instructions[index], instructions.get(index + 1)) else { return };
    let consecutive = next.kind == InstructionKind::Run && next.stage == this.stage;
    // Only the first of a series gets the note.
    let previous_too = index > 0 && instructions[index - 1].kind == InstructionKind::Run;
    if consecutive && !previous_too {
        out.propose(
            this.range.clone(),
            format!("consecutive RUN instructions make separate layers; not merged: {refusal}"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::engine::{self, Options};
    use crate::knowledge::Knowledge;

    /// The `## Example` of the docs: the first block becomes the second.
    #[test]
    fn docs_example_holds() {
        let blocks: Vec<String> = MergeRuns::META
            .docs
            .split("```dockerfile\n")
            .skip(1)
            .map(|b| {
                b.split("```")
                    .next()
                    .unwrap()
                    .lines()
                    .map(|l| l.strip_prefix(' ').unwrap_or(l))
                    .collect::<Vec<_>>()
                    .join("\n")
                    + "\n"
            })
            .collect();
        let config = Config::default();
        let options = Options { max_passes: 10, ..Options::new(vec![&MergeRuns], &config, Knowledge::builtin()) };
        let input = format!("FROM debian\n{}", blocks[0]);
        let outcome = engine::fix(&input, &options).unwrap();
        assert_eq!(outcome.output, format!("FROM debian\n{}", blocks[1]));
    }

    /// A join the shell parser would misread is cut short before the body that causes it, with a note, and the
    /// engine's guard is never reached.
    #[test]
    fn a_join_the_parser_misreads_is_cut_short_with_a_note() {
        let config = Config::default();
        let options = Options::new(vec![&MergeRuns], &config, Knowledge::builtin());
        // tree-sitter-bash reads `p`r`i` followed by `&& ` a`` as an error, though each body parses alone.
        let input = "FROM debian\nRUN echo first\nRUN p`r`i\nRUN ` a`\n";
        let outcome = engine::fix(input, &options).unwrap();
        assert!(outcome.internal_errors.is_empty(), "{:?}", outcome.internal_errors);
        assert_eq!(outcome.output, "FROM debian\nRUN echo first \\\n    && p`r`i\nRUN ` a`\n");
        let notes: Vec<&str> = outcome.remaining.iter().map(|p| p.message.as_str()).collect();
        assert!(notes.iter().any(|n| n.contains("would not parse reliably")), "{notes:?}");
    }
}
