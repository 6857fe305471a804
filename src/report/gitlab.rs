//! `--format gitlab`: GitLab's Code Quality report (a JSON array of issues), shown in merge requests.
//!
//! Each finding is an issue with `check_name` the transform id, `severity` `minor` (fix in dfix's output) or `info`
//! (anything else), the path and its lines, and a `fingerprint` that identifies it across runs: a hash of the path,
//! the transform, the message and how many identical findings come before it in the file, so a finding keeps its
//! fingerprint when lines are added above it.

use serde_json::{Value, json};

use super::findings::{FileFindings, Status};

/// 64-bit FNV-1a, as hex: small, stable across versions and platforms.
fn fingerprint(parts: &[&str]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.bytes().chain([0]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

pub fn render(files: &[FileFindings]) -> String {
    let mut issues: Vec<Value> = Vec::new();
    for file in files {
        let mut seen: std::collections::HashMap<(&str, &str), usize> = std::collections::HashMap::new();
        for f in &file.findings {
            let n = seen.entry((f.transform, &f.message)).or_default();
            let print = fingerprint(&[&file.path, f.transform, &f.message, &n.to_string()]);
            *n += 1;
            let description = match (f.status, f.fix.as_ref()) {
                (Status::Fixed, Some(fix)) => format!("{} (dfix fixes this: {})", f.message, fix.title),
                (Status::HeldBack, Some(fix)) => format!("{} (dfix --unsafe-fixes: {})", f.message, fix.title),
                (Status::DisplayOnly, Some(fix)) => format!("{} (suggestion: {})", f.message, fix.title),
                _ => f.message.clone(),
            };
            issues.push(json!({
                "description": description,
                "check_name": f.transform,
                "fingerprint": print,
                "severity": if f.status == Status::Fixed { "minor" } else { "info" },
                "location": {
                    "path": file.path,
                    "lines": { "begin": f.range.start.line, "end": f.range.end.line.max(f.range.start.line) },
                },
            }));
        }
    }
    let mut out = serde_json::to_string_pretty(&Value::Array(issues)).expect("serializes");
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_are_stable_and_distinct() {
        assert_eq!(fingerprint(&["a", "b"]), fingerprint(&["a", "b"]));
        assert_ne!(fingerprint(&["a", "b"]), fingerprint(&["ab", ""]));
    }
}
