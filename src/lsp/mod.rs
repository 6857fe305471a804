//! `dfix server`: a language server on stdio, for editors.
//!
//! It publishes dfix's findings as diagnostics while the user types, offers a quick fix per finding and
//! `source.fixAll.dfix`, and formats a document (whole or a range) by applying its fixes, all computed by the
//! same engine and settings as the command line ([`analysis`]).
//!
//! # Threads
//! - A reader thread frames messages from stdin and a writer thread writes them to stdout ([`transport`]); a bad
//!   message is answered with an error and never stops the server.
//! - The main thread (this module) owns the open documents. It applies text changes (cheap), answers
//!   `initialize`/`shutdown` and bookkeeping itself, and hands everything that runs the engine to the
//!   [`worker`] pool as a job over a [`analysis::Snapshot`]: an immutable copy of the text and its settings.
//!   So typing is never held up by the engine, and a request always sees the text as of its arrival.
//! - Diagnostics are scheduled per document, latest wins: a new change replaces the job still waiting for that
//!   document, and a document has at most one job running, so a burst of 200 changes costs a run or two on the
//!   newest text. With the default `debounceMs = 0` the first change after a pause runs at once (the latency the
//!   benchmark measures); a positive value delays each run until the typing pauses that long.
//! - Before publishing, a job checks under a lock that its version is still the document's newest and that the
//!   document is still open, so diagnostics of an older text never overwrite newer ones and a closed document's
//!   diagnostics stay cleared.
//! - Several workers (two to four), so one slow document never blocks another document or a request.
//! - A request cancelled (`$/cancelRequest`) before a worker starts on it is answered with `RequestCanceled`.
//!
//! Settings: each document gets the nearest `dfix.toml` above it (or hadolint's configuration), exactly as on the
//! command line ([`crate::cli::settings`]), reloaded when the client reports a changed `dfix.toml`, `dfix.lock` or
//! hadolint configuration (`workspace/didChangeWatchedFiles`, registered dynamically when the client allows) or
//! one is saved in the editor. The few editor-side settings ([`config`]) come from `initializationOptions` and
//! `workspace/configuration`. The server never uses the network unless its `network` setting is true:
//! `pin-digest` then pins from `dfix.lock` and the cache only.

pub mod analysis;
pub mod config;
pub mod docs;
pub mod text;
pub mod transport;
pub mod worker;

use std::collections::{HashMap, HashSet};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender};
use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{self as notif, Notification as _};
use lsp_types::request::{self as req, Request as _};
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionProviderCapability, ConfigurationItem, ConfigurationParams,
    DidChangeWatchedFilesRegistrationOptions, FileSystemWatcher, GlobPattern, InitializeParams, InitializeResult,
    OneOf, PublishDiagnosticsParams, Registration, RegistrationParams, ServerCapabilities, ServerInfo,
    TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions, TextDocumentSyncSaveOptions, Uri,
};
use serde_json::Value;

use crate::cli::ExitStatus;
use crate::cli::hinted;
use crate::cli::settings::{Overrides, Settings, SettingsCache};
use crate::config::Config;
use analysis::{FIX_ALL, Snapshot};
use config::EditorSettings;
use text::{Encoding, LineIndex};
use worker::Pool;

/// Serve on stdin and stdout until the client says `exit` or closes stdin.
pub fn run() -> anyhow::Result<ExitStatus> {
    let stdio = transport::Stdio::start();
    let status = serve(&stdio.receiver, stdio.sender.clone(), Pool::default_size());
    stdio.finish();
    Ok(status)
}

/// Serve messages from `incoming`, answering on `outgoing`, with `workers` threads running the engine.
pub fn serve(incoming: &Receiver<Message>, outgoing: Sender<Message>, workers: usize) -> ExitStatus {
    let mut server = match initialize(incoming, &outgoing, workers) {
        Ok(server) => server,
        Err(status) => return status,
    };
    let status = loop {
        let Ok(message) = incoming.recv() else {
            // stdin closed without `exit`.
            break if server.shutdown { ExitStatus::Success } else { ExitStatus::Error };
        };
        if let Message::Notification(n) = &message
            && n.method == notif::Exit::METHOD
        {
            // The protocol asks for exit code 1 when `exit` comes without `shutdown` first.
            break if server.shutdown { ExitStatus::Success } else { ExitStatus::Changes };
        }
        let id = match &message {
            Message::Request(r) => Some(r.id.clone()),
            _ => None,
        };
        if catch_unwind(AssertUnwindSafe(|| server.handle(message))).is_err()
            && let Some(id) = id
        {
            server.respond(Response::new_err(
                id,
                ErrorCode::InternalError as i32,
                "dfix server: internal error".into(),
            ));
        }
    };
    server.pool.stop();
    status
}

/// Wait for `initialize` and answer it; requests before it get an error, notifications are dropped. Without
/// it, the exit status: 1 for `exit` (never shut down), 2 when stdin closes.
fn initialize(incoming: &Receiver<Message>, outgoing: &Sender<Message>, workers: usize) -> Result<Server, ExitStatus> {
    loop {
        let Ok(message) = incoming.recv() else {
            return Err(ExitStatus::Error);
        };
        match message {
            Message::Request(request) if request.method == req::Initialize::METHOD => {
                let raw = request.params.clone();
                let params: InitializeParams = match serde_json::from_value(request.params) {
                    Ok(params) => params,
                    Err(e) => {
                        let message = format!("invalid initialize parameters: {e}");
                        let _ = outgoing
                            .send(Response::new_err(request.id, ErrorCode::InvalidParams as i32, message).into());
                        continue;
                    }
                };
                let (server, result) = Server::new(&params, &raw, outgoing.clone(), workers);
                let _ = outgoing.send(Response::new_ok(request.id, result).into());
                return Ok(server);
            }
            Message::Request(request) => {
                let message = "the server is not initialized yet".to_string();
                let _ = outgoing
                    .send(Response::new_err(request.id, ErrorCode::ServerNotInitialized as i32, message).into());
            }
            Message::Notification(n) if n.method == notif::Exit::METHOD => return Err(ExitStatus::Changes),
            _ => {}
        }
    }
}

struct Document {
    version: i32,
    text: Arc<str>,
    index: Arc<LineIndex>,
    path: PathBuf,
}

/// What the client can do, from its capabilities.
#[derive(Default)]
struct Client {
    configuration: bool,
    watch_registration: bool,
    document_changes: bool,
}

struct Server {
    sender: Sender<Message>,
    pool: Pool,
    encoding: Encoding,
    client: Client,
    /// Settings from `initializationOptions`; `workspace/configuration` answers are laid over them.
    initial: EditorSettings,
    editor: Arc<EditorSettings>,
    documents: HashMap<Uri, Document>,
    /// The newest version of each open document; publishing checks it under this lock.
    latest: Arc<Mutex<HashMap<Uri, i32>>>,
    settings: SettingsCache,
    /// With the editor's `unsafeFixes`, when set.
    fix_all_settings: Option<SettingsCache>,
    /// Where unsaved documents are taken to be.
    root: PathBuf,
    next_id: i32,
    configuration_requests: HashSet<RequestId>,
    /// Requests the client cancelled (`$/cancelRequest`) before a worker started on them.
    cancelled: Arc<Mutex<HashSet<RequestId>>>,
    shutdown: bool,
}

impl Server {
    fn new(
        params: &InitializeParams,
        raw: &Value,
        sender: Sender<Message>,
        workers: usize,
    ) -> (Self, InitializeResult) {
        let caps = &params.capabilities;
        let offered = caps.general.as_ref().and_then(|g| g.position_encodings.clone()).unwrap_or_default();
        let encoding = Encoding::negotiate(&offered);
        let workspace = caps.workspace.as_ref();
        let client = Client {
            configuration: workspace.and_then(|w| w.configuration).unwrap_or(false),
            watch_registration: workspace
                .and_then(|w| w.did_change_watched_files.as_ref())
                .and_then(|w| w.dynamic_registration)
                .unwrap_or(false),
            document_changes: workspace
                .and_then(|w| w.workspace_edit.as_ref())
                .and_then(|e| e.document_changes)
                .unwrap_or(false),
        };
        let initial = EditorSettings::default().merged(raw.get("initializationOptions").unwrap_or(&Value::Null));
        #[allow(deprecated)] // root_uri: older clients send only it.
        let root = params
            .workspace_folders
            .as_ref()
            .and_then(|f| f.first())
            .map(|f| f.uri.clone())
            .or_else(|| params.root_uri.clone())
            .and_then(|uri| file_path(&uri))
            .or_else(|| std::env::current_dir().ok())
            .unwrap_or_else(|| PathBuf::from("."));
        let (settings, fix_all_settings) = caches(&initial);
        let server = Server {
            sender,
            pool: Pool::new(workers),
            encoding,
            client,
            editor: Arc::new(initial.clone()),
            initial,
            documents: HashMap::new(),
            latest: Arc::default(),
            settings,
            fix_all_settings,
            root,
            next_id: 0,
            configuration_requests: HashSet::new(),
            cancelled: Arc::default(),
            shutdown: false,
        };
        let capabilities = ServerCapabilities {
            position_encoding: Some(encoding.kind()),
            text_document_sync: Some(TextDocumentSyncCapability::Options(TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                ..TextDocumentSyncOptions::default()
            })),
            code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
                code_action_kinds: Some(vec![CodeActionKind::QUICKFIX, CodeActionKind::new(FIX_ALL)]),
                resolve_provider: Some(false),
                ..CodeActionOptions::default()
            })),
            document_formatting_provider: Some(OneOf::Left(true)),
            document_range_formatting_provider: Some(OneOf::Left(true)),
            ..ServerCapabilities::default()
        };
        let result = InitializeResult {
            capabilities,
            server_info: Some(ServerInfo { name: "dfix".into(), version: Some(env!("CARGO_PKG_VERSION").into()) }),
        };
        (server, result)
    }

    fn respond(&self, response: Response) {
        let _ = self.sender.send(response.into());
    }

    fn handle(&mut self, message: Message) {
        match message {
            Message::Request(request) => self.request(request),
            Message::Notification(n) => self.notification(n),
            Message::Response(response) => self.response(response),
        }
    }

    fn request(&mut self, request: Request) {
        if self.shutdown {
            let message = "the server is shutting down".to_string();
            return self.respond(Response::new_err(request.id, ErrorCode::InvalidRequest as i32, message));
        }
        let id = request.id.clone();
        let result = match request.method.as_str() {
            req::Shutdown::METHOD => {
                self.shutdown = true;
                return self.respond(Response::new_ok(id, ()));
            }
            req::Initialize::METHOD => {
                let message = "the server is already initialized".to_string();
                return self.respond(Response::new_err(id, ErrorCode::InvalidRequest as i32, message));
            }
            req::CodeActionRequest::METHOD => self.code_action(request),
            req::Formatting::METHOD => self.formatting(request),
            req::RangeFormatting::METHOD => self.range_formatting(request),
            _ => {
                let message = format!("dfix server does not handle {}", request.method);
                return self.respond(Response::new_err(id, ErrorCode::MethodNotFound as i32, message));
            }
        };
        if let Err(e) = result {
            self.respond(Response::new_err(id, ErrorCode::InvalidParams as i32, format!("invalid parameters: {e}")));
        }
    }

    /// Answer `id` on a worker with what `answer` computes from the snapshot of `uri` (`null` when the
    /// document is not open here).
    fn on_worker<R: serde::Serialize>(
        &mut self,
        id: RequestId,
        uri: &Uri,
        answer: impl FnOnce(&Snapshot) -> R + Send + 'static,
    ) {
        let Some(snapshot) = self.snapshot(uri) else {
            return self.respond(Response::new_ok(id, ()));
        };
        let sender = self.sender.clone();
        let cancelled = self.cancelled.clone();
        self.pool.request(move || {
            if cancelled.lock().unwrap_or_else(|e| e.into_inner()).remove(&id) {
                let message = "cancelled".to_string();
                let _ = sender.send(Response::new_err(id, ErrorCode::RequestCanceled as i32, message).into());
                return;
            }
            let response = match catch_unwind(AssertUnwindSafe(|| answer(&snapshot))) {
                Ok(result) => Response::new_ok(id, result),
                Err(_) => Response::new_err(id, ErrorCode::InternalError as i32, "dfix server: internal error".into()),
            };
            let _ = sender.send(response.into());
        });
    }

    fn code_action(&mut self, request: Request) -> Result<(), serde_json::Error> {
        let params: lsp_types::CodeActionParams = serde_json::from_value(request.params)?;
        let versioned = self.client.document_changes;
        let (range, only) = (params.range, params.context.only);
        self.on_worker(request.id, &params.text_document.uri, move |s| {
            s.code_actions(range, only.as_deref(), versioned)
        });
        Ok(())
    }

    fn formatting(&mut self, request: Request) -> Result<(), serde_json::Error> {
        let params: lsp_types::DocumentFormattingParams = serde_json::from_value(request.params)?;
        self.on_worker(request.id, &params.text_document.uri, |s| s.format());
        Ok(())
    }

    fn range_formatting(&mut self, request: Request) -> Result<(), serde_json::Error> {
        let params: lsp_types::DocumentRangeFormattingParams = serde_json::from_value(request.params)?;
        let range = params.range;
        self.on_worker(request.id, &params.text_document.uri, move |s| s.format_range(range));
        Ok(())
    }

    fn notification(&mut self, n: Notification) {
        let method = n.method.clone();
        let result = match method.as_str() {
            notif::Initialized::METHOD => {
                self.initialized();
                Ok(())
            }
            notif::DidOpenTextDocument::METHOD => self.did_open(n),
            notif::DidChangeTextDocument::METHOD => self.did_change(n),
            notif::DidCloseTextDocument::METHOD => self.did_close(n),
            notif::DidSaveTextDocument::METHOD => self.did_save(n),
            notif::DidChangeWatchedFiles::METHOD => self.did_change_watched_files(n),
            notif::DidChangeConfiguration::METHOD => self.did_change_configuration(n),
            notif::Cancel::METHOD => self.cancel(n),
            _ => Ok(()),
        };
        if let Err(e) = result {
            eprintln!("dfix server: ignored {method}: invalid parameters: {e}");
        }
    }

    /// Remember a cancelled request, so a worker that has not started on it answers "cancelled" instead. A
    /// request already running is answered normally (each takes milliseconds).
    fn cancel(&mut self, n: Notification) -> Result<(), serde_json::Error> {
        let params: lsp_types::CancelParams = serde_json::from_value(n.params)?;
        let id = match params.id {
            lsp_types::NumberOrString::Number(n) => RequestId::from(n),
            lsp_types::NumberOrString::String(s) => RequestId::from(s),
        };
        let mut cancelled = self.cancelled.lock().unwrap_or_else(|e| e.into_inner());
        // Ids of requests already answered would pile up: keep the set small.
        if cancelled.len() > 1000 {
            cancelled.clear();
        }
        cancelled.insert(id);
        Ok(())
    }

    fn initialized(&mut self) {
        if self.client.watch_registration {
            let watchers = SETTINGS_GLOBS
                .map(|glob| FileSystemWatcher { glob_pattern: GlobPattern::String(glob.into()), kind: None })
                .to_vec();
            let registration = Registration {
                id: "dfix-watch-config".into(),
                method: notif::DidChangeWatchedFiles::METHOD.into(),
                register_options: serde_json::to_value(DidChangeWatchedFilesRegistrationOptions { watchers }).ok(),
            };
            let params = RegistrationParams { registrations: vec![registration] };
            let id = self.next_request_id();
            let _ = self.sender.send(Request::new(id, req::RegisterCapability::METHOD.into(), params).into());
        }
        self.request_configuration();
    }

    fn next_request_id(&mut self) -> RequestId {
        self.next_id += 1;
        RequestId::from(format!("dfix-{}", self.next_id))
    }

    fn request_configuration(&mut self) {
        if !self.client.configuration {
            return;
        }
        let id = self.next_request_id();
        self.configuration_requests.insert(id.clone());
        let params =
            ConfigurationParams { items: vec![ConfigurationItem { scope_uri: None, section: Some("dfix".into()) }] };
        let _ = self.sender.send(Request::new(id, req::WorkspaceConfiguration::METHOD.into(), params).into());
    }

    fn response(&mut self, response: Response) {
        if !self.configuration_requests.remove(&response.id) {
            return;
        }
        // One item was asked for; a client without a `dfix` section answers null, which changes nothing.
        let value = response.result.as_ref().and_then(|r| r.get(0)).cloned().unwrap_or(Value::Null);
        let editor = self.initial.merged(&value);
        self.apply_editor_settings(editor);
    }

    fn did_change_configuration(&mut self, n: Notification) -> Result<(), serde_json::Error> {
        let params: lsp_types::DidChangeConfigurationParams = serde_json::from_value(n.params)?;
        if self.client.configuration {
            // The pull model: ask for the current values.
            self.request_configuration();
        } else if let Some(section) = params.settings.get("dfix") {
            let editor = self.initial.merged(section);
            self.apply_editor_settings(editor);
        }
        Ok(())
    }

    fn apply_editor_settings(&mut self, editor: EditorSettings) {
        if *self.editor == editor {
            return;
        }
        self.editor = Arc::new(editor);
        self.reload();
    }

    /// Forget every loaded `dfix.toml` and recompute the diagnostics of every open document.
    fn reload(&mut self) {
        let (settings, fix_all) = caches(&self.editor);
        self.settings = settings;
        self.fix_all_settings = fix_all;
        let uris: Vec<Uri> = self.documents.keys().cloned().collect();
        for uri in uris {
            self.schedule(&uri, Duration::ZERO);
        }
    }

    fn did_open(&mut self, n: Notification) -> Result<(), serde_json::Error> {
        let params: lsp_types::DidOpenTextDocumentParams = serde_json::from_value(n.params)?;
        let doc = params.text_document;
        let path = file_path(&doc.uri).unwrap_or_else(|| self.root.join("Dockerfile"));
        if !is_dockerfile(&path, &doc.language_id) {
            return Ok(());
        }
        let text: Arc<str> = doc.text.into();
        let index = Arc::new(LineIndex::new(&text));
        self.documents.insert(doc.uri.clone(), Document { version: doc.version, text, index, path });
        self.lock_latest().insert(doc.uri.clone(), doc.version);
        self.schedule(&doc.uri, Duration::ZERO);
        Ok(())
    }

    fn did_change(&mut self, n: Notification) -> Result<(), serde_json::Error> {
        let params: lsp_types::DidChangeTextDocumentParams = serde_json::from_value(n.params)?;
        let uri = params.text_document.uri;
        let encoding = self.encoding;
        let Some(doc) = self.documents.get_mut(&uri) else {
            return Ok(());
        };
        let mut text = doc.text.to_string();
        let mut index = (*doc.index).clone();
        for change in params.content_changes {
            match change.range {
                Some(range) => {
                    let bytes = index.byte_range(&text, range, encoding);
                    text.replace_range(bytes, &change.text);
                }
                None => text = change.text,
            }
            index = LineIndex::new(&text);
        }
        doc.text = text.into();
        doc.index = Arc::new(index);
        doc.version = params.text_document.version;
        self.lock_latest().insert(uri.clone(), params.text_document.version);
        let delay = Duration::from_millis(self.editor.debounce_ms);
        self.schedule(&uri, delay);
        Ok(())
    }

    fn did_close(&mut self, n: Notification) -> Result<(), serde_json::Error> {
        let params: lsp_types::DidCloseTextDocumentParams = serde_json::from_value(n.params)?;
        let uri = params.text_document.uri;
        if self.documents.remove(&uri).is_none() {
            return Ok(());
        }
        self.pool.cancel_diagnostics(&uri);
        let mut latest = self.lock_latest();
        latest.remove(&uri);
        publish(&self.sender, uri, Vec::new(), None);
        drop(latest);
        Ok(())
    }

    fn did_save(&mut self, n: Notification) -> Result<(), serde_json::Error> {
        let params: lsp_types::DidSaveTextDocumentParams = serde_json::from_value(n.params)?;
        if file_path(&params.text_document.uri).is_some_and(|p| is_settings_file(&p)) {
            self.reload();
        }
        Ok(())
    }

    fn did_change_watched_files(&mut self, n: Notification) -> Result<(), serde_json::Error> {
        let params: lsp_types::DidChangeWatchedFilesParams = serde_json::from_value(n.params)?;
        if params.changes.iter().any(|c| file_path(&c.uri).is_some_and(|p| is_settings_file(&p))) {
            self.reload();
        }
        Ok(())
    }

    fn lock_latest(&self) -> std::sync::MutexGuard<'_, HashMap<Uri, i32>> {
        self.latest.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn snapshot(&mut self, uri: &Uri) -> Option<Snapshot> {
        let doc = self.documents.get(uri)?;
        let (version, text, index, path) = (doc.version, doc.text.clone(), doc.index.clone(), doc.path.clone());
        let settings = settings_for(&mut self.settings, &path);
        let fix_all = match &mut self.fix_all_settings {
            Some(cache) => settings_for(cache, &path),
            None => settings.clone(),
        };
        Some(Snapshot {
            uri: uri.clone(),
            version,
            text,
            index,
            path,
            encoding: self.encoding,
            editor: self.editor.clone(),
            settings,
            fix_all,
        })
    }

    /// Compute and publish `uri`'s diagnostics after `delay`, replacing a computation still waiting for it.
    fn schedule(&mut self, uri: &Uri, delay: Duration) {
        let Some(snapshot) = self.snapshot(uri) else {
            return;
        };
        let sender = self.sender.clone();
        let latest = self.latest.clone();
        self.pool.diagnostics(uri.clone(), Instant::now() + delay, move || {
            let diagnostics = snapshot.diagnostics();
            let latest = latest.lock().unwrap_or_else(|e| e.into_inner());
            // A newer text has its own job coming; a closed document keeps its diagnostics cleared.
            if latest.get(&snapshot.uri) == Some(&snapshot.version) {
                publish(&sender, snapshot.uri, diagnostics, Some(snapshot.version));
            }
        });
    }
}

fn publish(sender: &Sender<Message>, uri: Uri, diagnostics: Vec<lsp_types::Diagnostic>, version: Option<i32>) {
    let params = PublishDiagnosticsParams { uri, diagnostics, version };
    let _ = sender.send(Notification::new(notif::PublishDiagnostics::METHOD.into(), params).into());
}

/// The settings caches for the editor settings: `dfix.toml` as the command line reads it (offline unless the
/// editor allows the network), and, when the editor sets `unsafeFixes`, a second one for fix-all.
fn caches(editor: &EditorSettings) -> (SettingsCache, Option<SettingsCache>) {
    let base = Overrides { offline: !editor.network, ..Overrides::default() };
    let new = |overrides: Overrides| SettingsCache::new(overrides, None).expect("no explicit config to load");
    let fix_all =
        editor.unsafe_fixes.map(|unsafe_fixes| new(Overrides { unsafe_fixes: Some(unsafe_fixes), ..base.clone() }));
    (new(base), fix_all)
}

fn settings_for(cache: &mut SettingsCache, path: &Path) -> Result<Arc<Settings>, String> {
    cache.for_file(path).map_err(|e| hinted(&e.error, e.error.hint()))
}

/// Whether a document is a Dockerfile: by the language id the editor gives it, or by its name.
fn is_dockerfile(path: &Path, language_id: &str) -> bool {
    ["dockerfile", "containerfile"].iter().any(|id| language_id.eq_ignore_ascii_case(id))
        || path.file_name().is_some_and(crate::walk::is_dockerfile_name)
}

/// The files whose change can change what dfix does to a document: its settings (`dfix.toml`, or hadolint's
/// configuration when no `dfix.toml` applies) and the digests pinned in `dfix.lock`.
const SETTINGS_FILES: [&str; 5] =
    [Config::FILE_NAME, crate::registry::lock::FILE_NAME, ".hadolint.yaml", ".hadolint.yml", "hadolint.yaml"];
const SETTINGS_GLOBS: [&str; 5] =
    ["**/dfix.toml", "**/dfix.lock", "**/.hadolint.yaml", "**/.hadolint.yml", "**/hadolint.yaml"];

fn is_settings_file(path: &Path) -> bool {
    path.file_name().is_some_and(|n| SETTINGS_FILES.iter().any(|f| n == *f))
}

/// The local path of a `file:` URI.
fn file_path(uri: &Uri) -> Option<PathBuf> {
    let rest = uri.as_str().strip_prefix("file://")?;
    // An authority (`file://localhost/...`) is skipped; the path starts at the next slash.
    let path = &rest[rest.find('/')?..];
    let mut bytes = Vec::with_capacity(path.len());
    let raw = path.as_bytes();
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'%'
            && let Some(byte) = raw
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            bytes.push(byte);
            i += 3;
            continue;
        }
        bytes.push(raw[i]);
        i += 1;
    }
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStringExt;
        Some(PathBuf::from(std::ffi::OsString::from_vec(bytes)))
    }
    #[cfg(not(unix))]
    {
        Some(PathBuf::from(String::from_utf8_lossy(&bytes).into_owned()))
    }
}

/// A `file:` URI for a path (for tests and clients of the library).
pub fn file_uri(path: &Path) -> Uri {
    let mut out = String::from("file://");
    for byte in path.to_string_lossy().bytes() {
        if byte.is_ascii_alphanumeric() || b"/-._~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    Uri::from_str(&out).expect("a percent-encoded file URI parses")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_uris_round_trip_with_spaces_and_non_ascii() {
        let path = Path::new("/tmp/my dir/çà/Dockerfile");
        let uri = file_uri(path);
        assert_eq!(uri.as_str(), "file:///tmp/my%20dir/%C3%A7%C3%A0/Dockerfile");
        assert_eq!(file_path(&uri).unwrap(), path);
        let localhost = Uri::from_str("file://localhost/x/Dockerfile").unwrap();
        assert_eq!(file_path(&localhost).unwrap(), Path::new("/x/Dockerfile"));
        assert!(file_path(&Uri::from_str("untitled:Untitled-1").unwrap()).is_none());
    }

    #[test]
    fn documents_are_dockerfiles_by_language_id_or_name() {
        assert!(is_dockerfile(Path::new("/x/build.txt"), "dockerfile"));
        assert!(is_dockerfile(Path::new("/x/Containerfile"), "plaintext"));
        assert!(!is_dockerfile(Path::new("/x/dfix.toml"), "toml"));
    }
}
