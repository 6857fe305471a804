//! The command line: arguments, settings, finding and reading files, and the commands themselves.
//!
//! This is the binary side of the crate: errors are `anyhow` errors with context, printed by `main`. Everything
//! that must be reusable elsewhere (walking, writing, reporting) lives in its own module outside `cli`.

use std::fmt::Display;

pub mod args;
pub mod digests;
pub mod explain;
pub mod files;
pub mod input;
pub mod parallel;
pub mod process;
pub mod rules;
pub mod select;
pub mod settings;
pub mod stdin;

pub use args::{Args, Command};

/// How a run ended; the process exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// Nothing to change, or everything asked for was done.
    Success,
    /// The diff or `--check` found changes to make.
    Changes,
    /// A usage error, or a file that could not be read, parsed or written.
    Error,
}

impl ExitStatus {
    pub fn code(self) -> u8 {
        match self {
            ExitStatus::Success => 0,
            ExitStatus::Changes => 1,
            ExitStatus::Error => 2,
        }
    }
}

impl From<ExitStatus> for std::process::ExitCode {
    fn from(status: ExitStatus) -> Self {
        std::process::ExitCode::from(status.code())
    }
}

/// An error followed by an indented hint line telling the user what to do.
pub fn with_hint(error: &impl Display, hint: impl Display) -> anyhow::Error {
    anyhow::anyhow!("{}", hinted(error, hint))
}

/// `error` (without trailing blank lines, which some parsers' messages have) and an indented hint line.
pub fn hinted(error: &impl Display, hint: impl Display) -> String {
    format!("{}\n  hint: {hint}", error.to_string().trim_end())
}

/// Whether the error comes from writing to a closed pipe (`dfix | head`), which is not a failure.
pub fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error
        .chain()
        .any(|e| e.downcast_ref::<std::io::Error>().is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe))
}
