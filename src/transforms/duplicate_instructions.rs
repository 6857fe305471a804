//! `duplicate-instructions`: a CMD, ENTRYPOINT or HEALTHCHECK that a later one of its kind in the same stage
//! overrides has no effect and is removed.

use crate::fix::{Applicability, Edit};
use crate::syntax::InstructionKind;
use crate::transforms::edits::{has_comment_in, instruction_lines};
use crate::transforms::{Context, Proposals, Transform, TransformMeta, declare_transform};

declare_transform! {
    /// ## What it does
    /// In each stage, removes every CMD, ENTRYPOINT and HEALTHCHECK but the last of its kind.
    ///
    /// ## Why
    /// Each of these sets one field of the image's configuration, and the last one wins: the earlier ones do
    /// nothing but mislead whoever reads the Dockerfile into thinking the container runs them. BuildKit warns
    /// about them.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12
    /// CMD ["python", "-m", "http.server"]
    /// COPY app.py /app/
    /// CMD ["python", "/app/app.py"]
    /// ```
    /// Becomes:
    /// ```dockerfile
    /// FROM python:3.12
    /// COPY app.py /app/
    /// CMD ["python", "/app/app.py"]
    /// ```
    ///
    /// ## Fix safety
    /// Safe. BuildKit sets the image's command, entry point and health check when it reaches each instruction,
    /// each replacing the value before. An ENTRYPOINT also clears the command inherited from the base image, but
    /// only while the stage has set no CMD of its own, so a CMD written before an ENTRYPOINT is kept by it:
    /// removing an earlier CMD (or ENTRYPOINT) that a later one of its kind replaces leaves every field as the
    /// last instructions set it. Only stage instructions count: `ONBUILD CMD ...` is a trigger for images built
    /// on this one, and a stage built `FROM` this stage starts from its final configuration, which does not
    /// change. The whole instruction goes, continuation lines and heredoc included; comment lines above it stay
    /// (they may describe more than it, and what they say is for a person to reword). An instruction with a
    /// comment line inside its continuations is reported, not removed, since removing it would delete the
    /// comment.
    ///
    /// ## References
    /// - BuildKit check `MultipleInstructionsDisallowed`
    pub DuplicateInstructions {
        id: "duplicate-instructions",
        summary: "Remove CMD, ENTRYPOINT and HEALTHCHECK instructions that a later one in the stage overrides",
        applicability: Applicability::Safe,
        default_enabled: true,
        aliases: ["MultipleInstructionsDisallowed"],
        since: "0.1.0",
    }
}

impl Transform for DuplicateInstructions {
    fn meta(&self) -> &'static TransformMeta {
        &Self::META
    }

    fn run(&self, cx: &Context<'_>, out: &mut Proposals) {
        let file = cx.file;
        for stage in file.stages() {
            let instructions = &file.instructions()[stage.instructions.clone()];
            for kind in [InstructionKind::Cmd, InstructionKind::Entrypoint, InstructionKind::Healthcheck] {
                let of_kind: Vec<_> = instructions.iter().filter(|i| i.kind == kind).collect();
                let Some((last, earlier)) = of_kind.split_last() else { continue };
                let (line, _) = file.line_col(last.range.start);
                let keyword = kind.as_str().to_ascii_uppercase();
                for instr in earlier {
                    let message = format!("this {keyword} has no effect: the {keyword} on line {line} overrides it");
                    let lines = instruction_lines(file, instr);
                    if has_comment_in(file, &instr.range) {
                        out.propose(instr.range.clone(), format!("{message} (not removed: it holds comment lines)"));
                        continue;
                    }
                    out.fix(
                        instr.range.clone(),
                        message,
                        format!("Remove the overridden {keyword}"),
                        vec![Edit::deletion(lines)],
                    );
                }
            }
        }
    }
}
