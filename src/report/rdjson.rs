//! `--format rdjson` and `--format rdjsonl`: reviewdog's Diagnostic Format, one diagnostic per finding.
//!
//! Fixes become `suggestions` (a range of the input and its replacement text), which reviewdog's
//! `github-pr-review` reporter posts as suggested changes: one suggestion per diagnostic, a fix whose changes lie on
//! several lines giving several diagnostics (see `FixReport::suggestions` for how edits are shaped so that every
//! range starts and ends on an existing line). `code.value` is the transform id. Findings whose fix is
//! in dfix's output have severity `WARNING`; held-back unsafe fixes, display-only fixes and notes have severity
//! `INFO` and say so in their message, so a consumer can tell which suggestions `--apply` would make. Positions
//! are 1-based lines and UTF-8 byte columns, ends exclusive, as the format defines them.

use serde_json::{Value, json};

use super::findings::{FileFindings, Finding, Span, Status};

fn source() -> Value {
    json!({ "name": "dfix" })
}

fn range(span: &Span) -> Value {
    json!({
        "start": { "line": span.start.line, "column": span.start.column },
        "end": { "line": span.end.line, "column": span.end.column },
    })
}

/// The message, with what became of the fix when it is not in dfix's output.
fn message(f: &Finding) -> String {
    let fix = f.fix.as_ref();
    match f.status {
        Status::Fixed => format!("{} ({})", f.message, fix.map_or("", |x| x.title.as_str())),
        Status::HeldBack => {
            format!("{} (unsafe fix, applied only with --unsafe-fixes: {})", f.message, fix.map_or("", |x| &x.title))
        }
        Status::DisplayOnly => format!("{} (suggestion, never applied: {})", f.message, fix.map_or("", |x| &x.title)),
        Status::Note => f.message.clone(),
        Status::Dropped => format!("{} (dropped: the image did not build with this fix)", f.message),
    }
}

/// The diagnostics of one finding: one per suggestion (reviewdog posts a diagnostic's suggestions on the lines of
/// its first one, so each diagnostic carries one), or one without a suggestion.
fn diagnostics_of(file: &FileFindings, f: &Finding) -> Vec<Value> {
    let mut code = json!({ "value": f.transform });
    if let Some(url) = super::meta(f.transform).and_then(super::docs_url) {
        code["url"] = json!(url);
    }
    let diagnostic = |at: &Span| {
        json!({
            "message": message(f),
            "location": { "path": file.path, "range": range(at) },
            "severity": if f.status == Status::Fixed { "WARNING" } else { "INFO" },
            "source": source(),
            "code": code,
        })
    };
    let suggestions = f.fix.as_ref().map_or(&[][..], |x| &x.suggestions[..]);
    if suggestions.is_empty() {
        return vec![diagnostic(&f.range)];
    }
    suggestions
        .iter()
        .enumerate()
        .map(|(i, s)| {
            // The first keeps the finding's range; the others are located at their own change.
            let mut d = diagnostic(if i == 0 { &f.range } else { &s.range });
            d["suggestions"] = json!([{ "range": range(&s.range), "text": s.content }]);
            d
        })
        .collect()
}

fn diagnostics(files: &[FileFindings]) -> Vec<Value> {
    files.iter().flat_map(|file| file.findings.iter().flat_map(move |f| diagnostics_of(file, f))).collect()
}

/// One `DiagnosticResult`, pretty-printed, ending in a newline.
pub fn render(files: &[FileFindings]) -> String {
    let result = json!({ "source": source(), "diagnostics": diagnostics(files) });
    let mut out = serde_json::to_string_pretty(&result).expect("serializes");
    out.push('\n');
    out
}

/// One `Diagnostic` per line.
pub fn render_lines(files: &[FileFindings]) -> String {
    diagnostics(files).iter().map(|d| format!("{d}\n")).collect()
}
