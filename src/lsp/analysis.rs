//! What the server computes for one snapshot of a document: diagnostics, code actions and formatting edits.
//!
//! Diagnostics and quick fixes come from [`engine::propose_once`]: every finding of one pass on the text as it
//! is, with fixes relative to it. Fix-all and formatting run the command line's own path
//! ([`crate::cli::process::fix_source`], the same settings from `dfix.toml`), so their result is what
//! `dfix --apply` and `--stdin-filename` write for the same text; the whole-file result is sent back as the
//! minimal edits between the two texts.

use std::collections::HashMap;
use std::ops::Range;
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;

use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeDescription, Diagnostic, DiagnosticSeverity, NumberOrString,
    OptionalVersionedTextDocumentIdentifier, TextDocumentEdit, TextEdit, Uri, WorkspaceEdit,
};

use crate::cli::digests;
use crate::cli::input::Source;
use crate::cli::process::fix_source;
use crate::cli::settings::Settings;
use crate::engine;
use crate::fix::{Applicability, Proposal, apply_edits};
use crate::lsp::config::EditorSettings;
use crate::lsp::docs;
use crate::lsp::text::{self, Encoding, LineIndex};
use crate::suppress::SuppressionNote;
use crate::syntax::Dockerfile;

/// The code action kind of fix-all.
pub const FIX_ALL: &str = "source.fixAll.dfix";
const BOM: char = '\u{feff}';

/// A document as it was when a job was scheduled, with everything needed to answer about it.
pub struct Snapshot {
    pub uri: Uri,
    pub version: i32,
    pub text: Arc<str>,
    pub index: Arc<LineIndex>,
    /// Where the document is (or would be, for an unsaved one): where the search for `dfix.toml` starts.
    pub path: PathBuf,
    pub encoding: Encoding,
    pub editor: Arc<EditorSettings>,
    /// The settings of `dfix.toml`, as for `--apply`; or why they cannot be built.
    pub settings: Result<Arc<Settings>, String>,
    /// The same with the editor's `unsafeFixes`, for fix-all.
    pub fix_all: Result<Arc<Settings>, String>,
}

/// The findings on a snapshot, or the diagnostics that explain why there are none.
struct Findings {
    proposals: Vec<Proposal>,
    /// Notes about suppression comments (unknown ids; unused ones when `dfix.toml` warns of them).
    notes: Vec<SuppressionNote>,
    /// Bytes before the body the engine saw (a byte order mark).
    shift: usize,
}

impl Snapshot {
    fn body(&self) -> &str {
        self.text.strip_prefix(BOM).unwrap_or(&self.text)
    }

    fn shift(&self) -> usize {
        self.text.len() - self.body().len()
    }

    fn range(&self, range: Range<usize>) -> lsp_types::Range {
        let shift = self.shift();
        self.index.range(&self.text, range.start + shift..range.end + shift, self.encoding)
    }

    fn findings(&self) -> Result<Findings, Vec<Diagnostic>> {
        let settings = self.settings.as_ref().map_err(|message| vec![self.config_error(message)])?;
        let body = self.body();
        let lookups = digests::for_editor(settings, body);
        let found = lookups.for_settings(settings);
        let options = settings.engine_options(&self.path, found.as_deref());
        match engine::propose_once_with_notes(body, &options) {
            Ok((proposals, notes)) => Ok(Findings { proposals, notes, shift: self.shift() }),
            Err(errors) => Err(errors
                .iter()
                .map(|e| Diagnostic {
                    range: self.range(e.range.clone()),
                    severity: Some(DiagnosticSeverity::ERROR),
                    code: Some(NumberOrString::String("syntax-error".into())),
                    source: Some("dfix".into()),
                    message: format!("{}; dfix fixes nothing in this file until it parses", e.message),
                    ..Diagnostic::default()
                })
                .collect()),
        }
    }

    fn config_error(&self, message: &str) -> Diagnostic {
        Diagnostic {
            range: lsp_types::Range::default(),
            severity: Some(DiagnosticSeverity::ERROR),
            code: Some(NumberOrString::String("config".into())),
            source: Some("dfix".into()),
            message: message.to_string(),
            ..Diagnostic::default()
        }
    }

    fn diagnostic(&self, proposal: &Proposal) -> Diagnostic {
        let applicability = proposal.fix.as_ref().map(|f| f.applicability());
        // The editor's template, else where the machine formats link to (once the package names its repository),
        // else the page `dfix explain` prints, written to the cache directory.
        let url = match &self.editor.docs_url {
            Some(template) => Some(template.replace("{id}", proposal.transform)),
            None => crate::report::meta(proposal.transform).and_then(crate::report::docs_url),
        };
        let href = match url {
            Some(url) => Uri::from_str(&url).ok(),
            None => docs::href(proposal.transform),
        };
        Diagnostic {
            range: self.range(proposal.range.clone()),
            severity: Some(self.editor.severity.of(applicability)),
            code: Some(NumberOrString::String(proposal.transform.to_string())),
            code_description: href.map(|href| CodeDescription { href }),
            source: Some("dfix".into()),
            message: proposal.message.clone(),
            ..Diagnostic::default()
        }
    }

    /// A note about a suppression comment: no fix, the severity of notes.
    fn note(&self, note: &SuppressionNote) -> Diagnostic {
        Diagnostic {
            range: self.range(note.range.clone()),
            severity: Some(self.editor.severity.of(None)),
            code: Some(NumberOrString::String(note.kind.id().to_string())),
            source: Some("dfix".into()),
            message: note.message.clone(),
            ..Diagnostic::default()
        }
    }

    /// What the editor shows: every finding, or the syntax errors, or the reason `dfix.toml` cannot be used.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        match self.findings() {
            Ok(findings) => {
                let mut out: Vec<Diagnostic> = findings.proposals.iter().map(|p| self.diagnostic(p)).collect();
                out.extend(findings.notes.iter().map(|n| self.note(n)));
                out
            }
            Err(diagnostics) => diagnostics,
        }
    }

    /// Code actions for `range`: a quick fix per finding there whose fix can be applied and keeps the file
    /// parsing, and fix-all. `only` filters by kind, as the protocol says (a kind matches its sub-kinds).
    /// `versioned` returns edits tied to the document version (`documentChanges`).
    pub fn code_actions(
        &self,
        range: lsp_types::Range,
        only: Option<&[CodeActionKind]>,
        versioned: bool,
    ) -> Vec<CodeActionOrCommand> {
        let wanted = |kind: &str| {
            only.is_none_or(|only| {
                only.iter()
                    .any(|o| kind == o.as_str() || kind.strip_prefix(o.as_str()).is_some_and(|r| r.starts_with('.')))
            })
        };
        let Ok(findings) = self.findings() else {
            return Vec::new();
        };
        let mut actions = Vec::new();
        if wanted(CodeActionKind::QUICKFIX.as_str()) {
            let requested = self.index.byte_range(&self.text, range, self.encoding);
            let body = self.body();
            let parsed = Dockerfile::parse(body);
            for proposal in &findings.proposals {
                let Some(fix) = &proposal.fix else { continue };
                let at = proposal.range.start + findings.shift..proposal.range.end + findings.shift;
                // Only findings that touch the requested range; an empty range is the cursor.
                if at.start > requested.end || at.end < requested.start {
                    continue;
                }
                // Display-only fixes may not even parse, and a fix without edits has nothing to do.
                if fix.applicability() == Applicability::DisplayOnly || fix.edits().is_empty() {
                    continue;
                }
                // A fix that breaks the file alone is never offered.
                let edits: Vec<_> = fix.edits().iter().collect();
                let fixed = Dockerfile::parse(&apply_edits(body, &edits));
                if !fixed.errors().is_empty() || fixed.shell_errors_grew(&parsed) {
                    continue;
                }
                let title = match fix.applicability() {
                    Applicability::Unsafe => format!("{} (unsafe fix: may change the image)", fix.title()),
                    _ => fix.title().to_string(),
                };
                let text_edits = fix
                    .edits()
                    .iter()
                    .map(|e| TextEdit { range: self.range(e.range()), new_text: e.content().to_string() })
                    .collect();
                actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title,
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![self.diagnostic(proposal)]),
                    edit: Some(self.workspace_edit(text_edits, versioned)),
                    is_preferred: Some(fix.applicability() == Applicability::Safe),
                    ..CodeAction::default()
                }));
            }
        }
        if wanted(FIX_ALL) {
            let edits = self.fixed_edits(&self.fix_all);
            if !edits.is_empty() {
                actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title: "Fix all dfix findings".into(),
                    kind: Some(CodeActionKind::new(FIX_ALL)),
                    edit: Some(self.workspace_edit(edits, versioned)),
                    ..CodeAction::default()
                }));
            }
        }
        actions
    }

    fn workspace_edit(&self, edits: Vec<TextEdit>, versioned: bool) -> WorkspaceEdit {
        if versioned {
            let edits = edits.into_iter().map(lsp_types::OneOf::Left).collect();
            let doc = TextDocumentEdit {
                text_document: OptionalVersionedTextDocumentIdentifier {
                    uri: self.uri.clone(),
                    version: Some(self.version),
                },
                edits,
            };
            WorkspaceEdit {
                document_changes: Some(lsp_types::DocumentChanges::Edits(vec![doc])),
                ..WorkspaceEdit::default()
            }
        } else {
            WorkspaceEdit { changes: Some(HashMap::from([(self.uri.clone(), edits)])), ..WorkspaceEdit::default() }
        }
    }

    /// The whole text as the command line would fix it with `settings`, or `None` when nothing changes or the
    /// text cannot be fixed (it does not parse, or `dfix.toml` is broken).
    pub fn fixed(&self, settings: &Result<Arc<Settings>, String>) -> Option<String> {
        let settings = settings.as_ref().ok()?;
        let source = Source { text: self.text.to_string(), stamp: None };
        let lookups = digests::for_editor(settings, source.body());
        let found = lookups.for_settings(settings);
        fix_source(&self.path, &source, settings, found.as_deref(), false).output
    }

    fn fixed_edits(&self, settings: &Result<Arc<Settings>, String>) -> Vec<TextEdit> {
        match self.fixed(settings) {
            Some(output) => text::minimal_edits(&self.text, &output, &self.index, self.encoding),
            None => Vec::new(),
        }
    }

    /// `textDocument/formatting`: what `--stdin-filename` prints for this text, as edits.
    pub fn format(&self) -> Vec<TextEdit> {
        self.fixed_edits(&self.settings)
    }

    /// `textDocument/rangeFormatting`: the applicable fixes that lie wholly inside `range`, applied to a fixed
    /// point one at a time (each re-checked to parse, a transform whose fix would not is left out).
    pub fn format_range(&self, range: lsp_types::Range) -> Vec<TextEdit> {
        let Ok(settings) = &self.settings else {
            return Vec::new();
        };
        let shift = self.shift();
        let requested = self.index.byte_range(&self.text, range, self.encoding);
        let mut inside = requested.start.saturating_sub(shift)..requested.end.saturating_sub(shift);
        let body = self.body();
        let lookups = digests::for_editor(settings, body);
        let found = lookups.for_settings(settings);
        let options = settings.engine_options(&self.path, found.as_deref());
        let mut current = body.to_string();
        let mut left_out: Vec<&str> = Vec::new();
        for _ in 0..engine::MAX_PASSES {
            let Ok(proposals) = engine::propose_once(&current, &options) else { break };
            let next = proposals
                .iter()
                .filter(|p| !left_out.contains(&p.transform))
                .filter_map(|p| p.fix.as_ref().map(|f| (p.transform, f)))
                .filter(|(_, f)| f.applies(options.required) && !f.edits().is_empty())
                .filter(|(_, f)| f.span().start >= inside.start && f.span().end <= inside.end)
                .min_by_key(|(_, f)| f.span().start);
            let Some((transform, fix)) = next else { break };
            let edits: Vec<_> = fix.edits().iter().collect();
            let candidate = apply_edits(&current, &edits);
            let before = Dockerfile::parse(&current);
            let after = Dockerfile::parse(&candidate);
            if !after.errors().is_empty() || after.shell_errors_grew(&before) {
                left_out.push(transform);
                continue;
            }
            inside.end = (inside.end + candidate.len()).saturating_sub(current.len());
            current = candidate;
        }
        let fixed = format!("{}{current}", &self.text[..shift]);
        text::minimal_edits(&self.text, &fixed, &self.index, self.encoding)
    }
}
