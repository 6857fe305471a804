//! `--format json`: every file with its findings, their fixes and edits on the input, and its errors.
//!
//! The schema is documented in the README ("JSON output") and versioned by the top-level `version`: fields may be
//! added within a version; a field removed, renamed or changed in meaning raises it.

use serde::Serialize;

use super::RunMode;
use super::findings::FileFindings;

/// The version of the JSON schema.
pub const VERSION: u32 = 1;

#[derive(Serialize)]
struct Report<'a> {
    version: u32,
    tool: Tool,
    mode: &'static str,
    files: &'a [FileFindings],
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

/// The report as pretty-printed JSON, ending in a newline.
pub fn render(files: &[FileFindings], mode: RunMode) -> String {
    let report = Report {
        version: VERSION,
        tool: Tool { name: "dfix", version: env!("CARGO_PKG_VERSION") },
        mode: mode.as_str(),
        files,
    };
    let mut out = serde_json::to_string_pretty(&report).expect("the report serializes");
    out.push('\n');
    out
}
