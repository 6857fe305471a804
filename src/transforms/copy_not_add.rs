//! `copy-not-add`: ADD of plain local files becomes COPY.

use crate::fix::Applicability;
use crate::knowledge::Files;
use crate::syntax::InstructionKind;
use crate::syntax::words::unquote;
use crate::transforms::edits::replace_keyword;
use crate::transforms::{Context, Proposals, Transform, TransformMeta, declare_transform};

declare_transform! {
    /// ## What it does
    /// Replaces `ADD` with `COPY` when every source is a local file or directory that ADD would copy as it is:
    /// not a URL or Git repository, and not a local archive (which ADD would extract).
    ///
    /// ## Why
    /// ADD downloads URLs and unpacks archives; COPY only copies. Using COPY where nothing else is meant makes
    /// the Dockerfile say what it does, and an archive added later to the context is not silently unpacked.
    ///
    /// ## Example
    /// ```dockerfile
    /// ADD requirements.txt /app/
    /// ```
    /// Becomes:
    /// ```dockerfile
    /// COPY requirements.txt /app/
    /// ```
    ///
    /// ## Fix safety
    /// Safe. Sources are judged by name: a name with an archive suffix, a variable (`$X`), or a wildcard that
    /// could match an archive keeps ADD, and so do ADD-only flags (`--checksum`, `--keep-git-dir`, `--unpack`)
    /// and heredocs. A file without an archive suffix whose content is a tar archive would be unpacked by ADD
    /// and copied by COPY; such names are not used in practice.
    ///
    /// ## Knowledge
    /// `transforms/files.toml`: `archive-suffixes`, `remote-prefixes`.
    ///
    /// ## References
    /// - hadolint DL3020
    pub CopyNotAdd {
        id: "copy-not-add",
        summary: "Use COPY instead of ADD for local files that ADD would not unpack",
        applicability: Applicability::Safe,
        default_enabled: true,
        aliases: ["DL3020"],
        since: "0.1.0",
    }
}

/// Flags COPY accepts with the same meaning.
const SHARED_FLAGS: &[&str] = &["chown", "chmod", "link", "exclude", "parents"];

impl Transform for CopyNotAdd {
    fn meta(&self) -> &'static TransformMeta {
        &Self::META
    }

    fn run(&self, cx: &Context<'_>, out: &mut Proposals) {
        let file = cx.file;
        let files = &cx.knowledge.files;
        for instr in file.instructions().iter().filter(|i| i.kind == InstructionKind::Add) {
            // ADD-only flags (--checksum, --keep-git-dir, --unpack) have no COPY equivalent.
            if instr.flags.iter().any(|f| !SHARED_FLAGS.iter().any(|s| f.name.eq_ignore_ascii_case(s))) {
                continue;
            }
            // Heredoc sources are left to the author.
            if !instr.heredocs.is_empty() {
                continue;
            }
            let sources: Vec<String> = match &instr.exec {
                Some(items) => items.clone(),
                None => instr.whitespace_words().iter().map(|w| unquote(&w.raw, file.escape())).collect(),
            };
            // ADD needs at least one source and a destination.
            if sources.len() < 2 {
                continue;
            }
            let sources = &sources[..sources.len() - 1];
            if !sources.iter().all(|s| is_plain_local(s, files)) {
                continue;
            }
            out.fix(
                instr.range.clone(),
                "`ADD` of local files that it would not unpack; `COPY` says what it does",
                "Replace `ADD` with `COPY`",
                vec![replace_keyword(file, instr, "copy")],
            );
        }
    }
}

/// A source that ADD copies as it is: local, not an archive by name, no variable, no wildcard that could match
/// an archive.
fn is_plain_local(source: &str, files: &Files) -> bool {
    let lower = source.to_ascii_lowercase();
    if source.is_empty() || source.contains('$') {
        return false;
    }
    if files.remote_prefixes.iter().any(|p| lower.starts_with(p.as_str())) || lower.contains("://") {
        return false;
    }
    let name = lower.trim_end_matches('/').rsplit('/').next().unwrap_or("");
    // A directory's contents are copied, never unpacked.
    if lower.ends_with('/') || name.is_empty() || name == "." || name == ".." {
        return true;
    }
    if files.archive_suffixes.iter().any(|s| name.ends_with(s.as_str())) {
        return false;
    }
    match name.rfind(['*', '?', '[']) {
        // The literal tail after the last wildcard decides what the pattern can match: `*.py` cannot match an
        // archive, `*` or `app-*` can.
        Some(i) => {
            let tail = &name[i + 1..];
            let tail = tail.trim_start_matches(']');
            tail.contains('.')
                && !files.archive_suffixes.iter().any(|s| s.ends_with(tail) || tail.ends_with(s.as_str()))
        }
        None => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::knowledge::Knowledge;

    #[test]
    fn plain_local_sources() {
        let f = &Knowledge::builtin().files;
        for ok in ["app.py", ".", "src/", "conf/nginx.conf", "*.py", "requirements*.txt", "bin/app"] {
            assert!(is_plain_local(ok, f), "{ok}");
        }
        for no in [
            "app.tar.gz",
            "x.tgz",
            "https://e.com/a",
            "git@github.com:a/b.git",
            "$SRC",
            "*",
            "app-*",
            "*.gz",
            "dist/*.tar",
        ] {
            assert!(!is_plain_local(no, f), "{no}");
        }
    }
}
