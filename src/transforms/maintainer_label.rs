//! `maintainer-label`: the deprecated MAINTAINER instruction becomes a `maintainer` label.

use crate::fix::{Applicability, Edit};
use crate::syntax::InstructionKind;
use crate::transforms::edits::{double_quote_literal, has_comment_in, keyword_like};
use crate::transforms::{Context, Proposals, Transform, TransformMeta, declare_transform};

declare_transform! {
    /// ## What it does
    /// Replaces `MAINTAINER name` with `LABEL maintainer="name"`.
    ///
    /// ## Why
    /// MAINTAINER is deprecated. A label is what registries, `docker inspect` and SBOM tools read, and it can
    /// be combined with the OCI annotation labels.
    ///
    /// ## Example
    /// ```dockerfile
    /// MAINTAINER Jane Doe <jane@example.com>
    /// ```
    /// Becomes:
    /// ```dockerfile
    /// LABEL maintainer="Jane Doe <jane@example.com>"
    /// ```
    ///
    /// ## Fix safety
    /// Safe. The value is quoted literally (`"`, `\` and `$` are escaped), so it is not expanded. The image's
    /// deprecated `Author` field is no longer set; nothing at run time reads it.
    ///
    /// ## References
    /// - hadolint DL4000, BuildKit check `MaintainerDeprecated`
    pub MaintainerLabel {
        id: "maintainer-label",
        summary: "Replace the deprecated MAINTAINER instruction with a `maintainer` label",
        applicability: Applicability::Safe,
        default_enabled: true,
        aliases: ["DL4000", "MaintainerDeprecated"],
        since: "0.1.0",
    }
}

impl Transform for MaintainerLabel {
    fn meta(&self) -> &'static TransformMeta {
        &Self::META
    }

    fn run(&self, cx: &Context<'_>, out: &mut Proposals) {
        let file = cx.file;
        for instr in file.instructions().iter().filter(|i| i.kind == InstructionKind::Maintainer) {
            let value = instr.args.as_str().trim();
            // An empty MAINTAINER has nothing to keep.
            if value.is_empty() {
                continue;
            }
            let range = instr.keyword.start..instr.range.end;
            let message = "`MAINTAINER` is deprecated";
            // Rewriting the whole instruction would delete comment lines inside its continuations.
            if has_comment_in(file, &range) {
                out.propose(range, message);
                continue;
            }
            let keyword = keyword_like(file.text(instr.keyword.clone()), "label");
            let content = format!("{keyword} maintainer={}", double_quote_literal(value, file.escape()));
            out.fix(
                range.clone(),
                message,
                "Replace with a `maintainer` label",
                vec![Edit::replacement(content, range)],
            );
        }
    }
}
