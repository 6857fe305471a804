//! The editor-side settings: what `initializationOptions` and `workspace/configuration` (section `dfix`) may
//! set. Everything about fixing itself comes from `dfix.toml`, as for the command line.
//!
//! ```json
//! { "unsafeFixes": true, "severity": { "safe": "warning", "unsafe": "information", "displayOnly": "hint",
//!   "note": "information" }, "network": false, "debounceMs": 0, "docsUrl": "https://example.org/{id}" }
//! ```
//! Unknown keys and values of the wrong type are ignored (with a line on stderr), so an editor sending settings
//! meant for another version never stops the server.

use lsp_types::DiagnosticSeverity;
use serde_json::Value;

use crate::fix::Applicability;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct EditorSettings {
    /// Unsafe fixes in `source.fixAll.dfix`: `None` follows `dfix.toml`'s `unsafe-fixes`.
    pub unsafe_fixes: Option<bool>,
    pub severity: SeverityMap,
    /// Let `pin-digest` ask registries; off by default, when it uses only `dfix.lock` and the cache.
    pub network: bool,
    /// Milliseconds to wait after a change before computing diagnostics. Changes that arrive while a document's
    /// diagnostics are being computed are folded into one later run whatever this is.
    pub debounce_ms: u64,
    /// Where a diagnostic's code links to: `{id}` is replaced by the transform id. Without it, the link is the
    /// one the machine-readable formats give (the transform's source in the package's repository), when the
    /// package names a repository.
    pub docs_url: Option<String>,
}

/// The severity of a finding, by the applicability of its fix.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SeverityMap {
    pub safe: DiagnosticSeverity,
    pub unsafe_: DiagnosticSeverity,
    pub display_only: DiagnosticSeverity,
    /// Findings without a fix.
    pub note: DiagnosticSeverity,
}

impl Default for SeverityMap {
    fn default() -> Self {
        Self {
            safe: DiagnosticSeverity::WARNING,
            unsafe_: DiagnosticSeverity::INFORMATION,
            display_only: DiagnosticSeverity::HINT,
            note: DiagnosticSeverity::INFORMATION,
        }
    }
}

impl SeverityMap {
    pub fn of(&self, applicability: Option<Applicability>) -> DiagnosticSeverity {
        match applicability {
            Some(Applicability::Safe) => self.safe,
            Some(Applicability::Unsafe) => self.unsafe_,
            Some(Applicability::DisplayOnly) => self.display_only,
            None => self.note,
        }
    }
}

impl EditorSettings {
    /// These settings with the keys of `value` (an object, possibly wrapped in `{"dfix": ...}`) laid over them.
    pub fn merged(&self, value: &Value) -> Self {
        let mut out = self.clone();
        let value = value.get("dfix").filter(|v| v.is_object()).unwrap_or(value);
        let Some(map) = value.as_object() else {
            return out;
        };
        for (key, v) in map {
            let ok = match key.as_str() {
                "unsafeFixes" => match v {
                    Value::Null => {
                        out.unsafe_fixes = None;
                        true
                    }
                    Value::Bool(b) => {
                        out.unsafe_fixes = Some(*b);
                        true
                    }
                    _ => false,
                },
                "network" => v.as_bool().map(|b| out.network = b).is_some(),
                "debounceMs" => v.as_u64().map(|n| out.debounce_ms = n.min(10_000)).is_some(),
                "docsUrl" => match v {
                    Value::Null => {
                        out.docs_url = None;
                        true
                    }
                    Value::String(s) => {
                        out.docs_url = Some(s.clone());
                        true
                    }
                    _ => false,
                },
                "severity" => v.as_object().is_some_and(|m| {
                    m.iter().all(|(k, v)| {
                        let Some(level) = v.as_str().and_then(severity) else {
                            return false;
                        };
                        match k.as_str() {
                            "safe" => out.severity.safe = level,
                            "unsafe" => out.severity.unsafe_ = level,
                            "displayOnly" | "display-only" => out.severity.display_only = level,
                            "note" => out.severity.note = level,
                            _ => return false,
                        }
                        true
                    })
                }),
                _ => false,
            };
            if !ok {
                eprintln!("dfix server: ignored setting `{key}`: {v}");
            }
        }
        out
    }
}

fn severity(name: &str) -> Option<DiagnosticSeverity> {
    match name.to_ascii_lowercase().as_str() {
        "error" => Some(DiagnosticSeverity::ERROR),
        "warning" | "warn" => Some(DiagnosticSeverity::WARNING),
        "information" | "info" => Some(DiagnosticSeverity::INFORMATION),
        "hint" => Some(DiagnosticSeverity::HINT),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn settings_merge_over_defaults_and_ignore_nonsense() {
        let base = EditorSettings::default();
        let s = base.merged(&json!({"dfix": {"unsafeFixes": true, "severity": {"safe": "error", "note": "hint"},
            "debounceMs": 25, "bogus": 1, "network": "yes"}}));
        assert_eq!(s.unsafe_fixes, Some(true));
        assert_eq!(s.severity.safe, DiagnosticSeverity::ERROR);
        assert_eq!(s.severity.note, DiagnosticSeverity::HINT);
        assert_eq!(s.severity.unsafe_, DiagnosticSeverity::INFORMATION);
        assert_eq!(s.debounce_ms, 25);
        assert!(!s.network, "a string is not a boolean");
        assert_eq!(s.merged(&json!({"unsafeFixes": null})).unsafe_fixes, None);
        assert_eq!(base.merged(&json!(null)), base);
    }
}
