//! Output: diffs, per-file messages, the end-of-run summary and the machine formats. One file per kind of output.
//!
//! Reporters work on [`crate::engine`] and [`crate::fix`] types (through [`findings`], the per-file model every
//! machine format renders) and on the transforms' metadata, never on individual transforms, and never write files:
//! only the apply path does.

pub mod diff;
pub mod findings;
pub mod github;
pub mod gitlab;
pub mod json;
pub mod problems;
pub mod rdjson;
pub mod sarif;
pub mod summary;

use findings::FileFindings;

use crate::transforms::{TRANSFORMS, TransformMeta};

/// What the run did with the fixes, as the machine formats state it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunMode {
    /// Nothing written; the fixes are what `--apply` would write.
    Diff,
    /// `--check`: nothing written.
    Check,
    /// `--apply`: the fixed findings were written.
    Apply,
}

impl RunMode {
    pub fn as_str(self) -> &'static str {
        match self {
            RunMode::Diff => "diff",
            RunMode::Check => "check",
            RunMode::Apply => "apply",
        }
    }
}

/// Sort files by path (the order every machine format lists them in).
pub fn sort_files(files: &mut [FileFindings]) {
    files.sort_by(|a, b| a.path.cmp(&b.path));
}

/// Where a transform's documentation is: its source, where the doc comment `dfix explain` prints lives, in the
/// repository named by the package's `repository` field, at this version's tag. `None` while the package names no
/// repository.
pub fn docs_url(meta: &TransformMeta) -> Option<String> {
    let repository = option_env!("CARGO_PKG_REPOSITORY").filter(|r| !r.is_empty())?;
    Some(format!(
        "{}/blob/v{}/{}#L{}",
        repository.trim_end_matches('/'),
        env!("CARGO_PKG_VERSION"),
        meta.file,
        meta.line
    ))
}

/// The metadata of the transform with this id.
pub fn meta(id: &str) -> Option<&'static TransformMeta> {
    TRANSFORMS.iter().map(|t| t.meta()).find(|m| m.id == id)
}
