//! `--format sarif`: SARIF 2.1.0, for GitHub code scanning, GitLab and other SARIF viewers.
//!
//! One run. `tool.driver.rules` lists every transform: its id, summary, the text `dfix explain` prints as help,
//! its default applicability, and its hadolint/BuildKit aliases (in `properties`). One result per finding, level
//! `warning` when its fix is in dfix's output and `note` otherwise, with its region (lines, and columns in Unicode
//! code points as `columnKind` says, plus byte offsets) and, when it has edits, one fix whose
//! `artifactChanges[].replacements` give each `deletedRegion` (byte offset and length) and `insertedContent`.
//! `properties` of a result say what became of the fix (`status`) and its `applicability`. Paths are relative to
//! `%SRCROOT%`, the directory dfix ran in. File errors are tool execution notifications.

use serde_json::{Value, json};

use super::findings::{FileFindings, Span, Status};
use crate::transforms::TRANSFORMS;

fn region(span: &Span) -> Value {
    json!({
        "startLine": span.start.line,
        "startColumn": span.start.char_column,
        "endLine": span.end.line,
        "endColumn": span.end.char_column,
        "byteOffset": span.start.offset,
        "byteLength": span.end.offset - span.start.offset,
    })
}

fn artifact(path: &str) -> Value {
    json!({ "uri": path, "uriBaseId": "%SRCROOT%" })
}

fn rules() -> Vec<Value> {
    TRANSFORMS
        .iter()
        .map(|t| {
            let m = t.meta();
            let mut rule = json!({
                "id": m.id,
                "shortDescription": { "text": m.summary },
                "fullDescription": { "text": m.summary },
                "help": { "text": m.help(), "markdown": m.help() },
                "defaultConfiguration": { "enabled": m.default_enabled, "level": "warning" },
                "properties": { "aliases": m.aliases, "applicability": m.applicability.as_str(), "since": m.since },
            });
            if let Some(url) = super::docs_url(m) {
                rule["helpUri"] = json!(url);
            }
            rule
        })
        .collect()
}

pub fn render(files: &[FileFindings], succeeded: bool) -> String {
    let index = |id: &str| TRANSFORMS.iter().position(|t| t.meta().id == id);
    let mut results = Vec::new();
    let mut notifications = Vec::new();
    for file in files {
        for error in &file.errors {
            notifications.push(json!({
                "level": "error",
                "message": { "text": error },
                "locations": [{ "physicalLocation": { "artifactLocation": artifact(&file.path) } }],
            }));
        }
        for f in &file.findings {
            let mut result = json!({
                "ruleId": f.transform,
                "level": if f.status == Status::Fixed { "warning" } else { "note" },
                "message": { "text": f.message },
                "locations": [{
                    "physicalLocation": { "artifactLocation": artifact(&file.path), "region": region(&f.range) },
                }],
                "properties": { "status": f.status.as_str() },
            });
            if let Some(i) = index(f.transform) {
                result["ruleIndex"] = json!(i);
            }
            if let Some(check) = f.check {
                result["properties"]["check"] = json!(check);
            }
            if let Some(fix) = &f.fix {
                result["properties"]["applicability"] = json!(fix.applicability.as_str());
                result["properties"]["fixTitle"] = json!(fix.title);
                if let Some(c) = fix.combined_with {
                    result["properties"]["combinedWith"] = json!(c);
                }
                if !fix.edits.is_empty() {
                    let replacements: Vec<Value> = fix
                        .edits
                        .iter()
                        .map(|e| {
                            json!({
                                "deletedRegion": {
                                    "byteOffset": e.range.start.offset,
                                    "byteLength": e.range.end.offset - e.range.start.offset,
                                },
                                "insertedContent": { "text": e.content },
                            })
                        })
                        .collect();
                    result["fixes"] = json!([{
                        "description": { "text": fix.title },
                        "artifactChanges": [{ "artifactLocation": artifact(&file.path), "replacements": replacements }],
                    }]);
                }
            }
            results.push(result);
        }
    }
    let mut driver = json!({ "name": "dfix", "semanticVersion": env!("CARGO_PKG_VERSION"), "rules": rules() });
    if let Some(repository) = option_env!("CARGO_PKG_REPOSITORY").filter(|r| !r.is_empty()) {
        driver["informationUri"] = json!(repository);
    }
    let sarif = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": driver },
            "invocations": [{
                "executionSuccessful": succeeded,
                "toolExecutionNotifications": notifications,
            }],
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    let mut out = serde_json::to_string_pretty(&sarif).expect("serializes");
    out.push('\n');
    out
}
