//! `add-checksum`: `ADD` of a URL without `--checksum` (a note).

use crate::fix::Applicability;
use crate::syntax::InstructionKind;
use crate::transforms::{Context, Proposals, Transform, TransformMeta, declare_transform};

declare_transform! {
    /// ## What it does
    /// Reports `ADD https://…` (and `http://`) without `--checksum=sha256:…`. Git sources are not reported (a
    /// commit pins them). It is a note: dfix does not download the file to learn its checksum.
    ///
    /// ## Why
    /// Without a checksum the build takes whatever the server returns: a changed release, a compromised mirror or
    /// an error page. `ADD --checksum` (Dockerfile syntax 1.6 and later) fails the build when the bytes differ.
    ///
    /// ## Example
    /// ```dockerfile
    /// ADD https://example.com/tool-1.2.tar.gz /tmp/
    /// ```
    /// Reported; the fix by hand: `ADD --checksum=sha256:<hash> https://example.com/tool-1.2.tar.gz /tmp/`, with
    /// `# syntax=docker/dockerfile:1` at the top of the file.
    ///
    /// ## Options
    /// None. Suppress it with `ignore = ["add-checksum"]`.
    ///
    /// ## References
    /// - Docker's documentation of `ADD --checksum`; hadolint DL3020 is about `ADD` for local files
    pub AddChecksum {
        id: "add-checksum",
        summary: "Report `ADD` of a URL without `--checksum`",
        applicability: Applicability::DisplayOnly,
        default_enabled: true,
        aliases: [],
        since: "0.1.0",
    }
}

impl Transform for AddChecksum {
    fn meta(&self) -> &'static TransformMeta {
        &Self::META
    }

    fn run(&self, cx: &Context<'_>, out: &mut Proposals) {
        let file = cx.file;
        for instr in file.instructions().iter().filter(|i| i.kind == InstructionKind::Add) {
            if instr.flag("checksum").is_some() {
                continue;
            }
            let sources: Vec<String> = match &instr.exec {
                Some(exec) => exec.iter().rev().skip(1).cloned().collect(),
                None => instr.whitespace_words().iter().rev().skip(1).map(|w| w.raw.clone()).collect(),
            };
            for source in sources.iter().rev() {
                let lower = source.to_ascii_lowercase();
                if !(lower.starts_with("https://") || lower.starts_with("http://")) {
                    continue;
                }
                // A git URL is pinned by its ref, not a checksum.
                if lower.contains(".git#") || lower.ends_with(".git") {
                    continue;
                }
                out.propose(
                    instr.range.clone(),
                    format!(
                        "ADD downloads {source} without --checksum, so a changed or tampered file goes unnoticed; add \
                         `--checksum=sha256:<hash>` (Dockerfile syntax 1.6 or later)"
                    ),
                );
            }
        }
    }
}
