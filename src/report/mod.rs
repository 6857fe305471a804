//! Output: diffs, per-file messages and the end-of-run summary. One file per kind of output.
//!
//! Reporters work on [`crate::engine`] and [`crate::fix`] types only, never on individual transforms, and never
//! write files: only the apply path does.

pub mod diff;
pub mod problems;
pub mod summary;
