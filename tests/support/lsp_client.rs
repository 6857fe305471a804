//! A small language client for tests and benchmarks: starts the real `dfix server` process and speaks
//! JSON-RPC to it over its stdin and stdout. Positions are converted here independently of the server's code.

#![allow(dead_code)]

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

pub const TIMEOUT: Duration = Duration::from_secs(30);

pub struct Client {
    child: Child,
    stdin: ChildStdin,
    incoming: Receiver<Value>,
    /// Notifications and server requests read while waiting for something else, in arrival order.
    backlog: VecDeque<Value>,
    next_id: i64,
    /// What `workspace/configuration` is answered with (one value per item asked for).
    pub configuration: Value,
    /// Units of columns, as the server chose: "utf-8", "utf-16" or "utf-32".
    pub encoding: String,
}

impl Client {
    /// Start `dfix server --stdio` in `dir`.
    pub fn start(bin: &Path, dir: &Path) -> Self {
        Self::start_with_env(bin, dir, &[])
    }

    /// [`Client::start`] with extra environment variables for the server.
    pub fn start_with_env(bin: &Path, dir: &Path, env: &[(&str, &Path)]) -> Self {
        Self::start_command(bin, &["server", "--stdio"], dir, env)
    }

    /// A server started as `bin args...` (an editor's configured command line), in `dir`, with `env` added.
    pub fn start_command(bin: &Path, args: &[&str], dir: &Path, env: &[(&str, &Path)]) -> Self {
        let mut child = Command::new(bin)
            .args(args)
            .envs(env.iter().copied())
            .current_dir(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start dfix server");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(body) = read_frame(&mut reader) {
                let value: Value = serde_json::from_slice(&body).expect("the server writes JSON");
                if tx.send(value).is_err() {
                    return;
                }
            }
        });
        Client {
            child,
            stdin,
            incoming: rx,
            backlog: VecDeque::new(),
            next_id: 0,
            configuration: Value::Null,
            encoding: "utf-16".into(),
        }
    }

    pub fn send_raw(&mut self, bytes: &[u8]) {
        self.stdin.write_all(bytes).unwrap();
        self.stdin.flush().unwrap();
    }

    pub fn send(&mut self, value: &Value) {
        let body = serde_json::to_vec(value).unwrap();
        let mut frame = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
        frame.extend(body);
        self.send_raw(&frame);
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Send a request and wait for its whole response (`result` or `error`).
    pub fn request_full(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        self.response(&json!(id))
    }

    /// Send a request and return its result, panicking on an error response.
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let response = self.request_full(method, params);
        assert!(response.get("error").is_none(), "{method} failed: {response}");
        response["result"].clone()
    }

    /// Wait for the response to `id`.
    pub fn response(&mut self, id: &Value) -> Value {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let message = self.next_incoming(deadline).unwrap_or_else(|| panic!("no response to request {id}"));
            if message.get("method").is_none() && message.get("id") == Some(id) {
                return message;
            }
            self.backlog.push_back(message);
        }
    }

    /// The next message; the server's own requests are answered before they are returned.
    fn next_incoming(&mut self, deadline: Instant) -> Option<Value> {
        let wait = deadline.saturating_duration_since(Instant::now());
        let message = match self.incoming.recv_timeout(wait) {
            Ok(message) => message,
            Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => return None,
        };
        if let (Some(method), Some(id)) = (message.get("method").and_then(Value::as_str), message.get("id")) {
            let result = match method {
                "workspace/configuration" => {
                    let items = message["params"]["items"].as_array().map(Vec::len).unwrap_or(0);
                    Value::Array(vec![self.configuration.clone(); items])
                }
                _ => Value::Null,
            };
            let id = id.clone();
            self.send(&json!({"jsonrpc": "2.0", "id": id, "result": result}));
        }
        Some(message)
    }

    /// Take notifications (from the backlog first) until one named `method` satisfies `accept`.
    pub fn wait_for(&mut self, method: &str, timeout: Duration, accept: impl Fn(&Value) -> bool) -> Option<Value> {
        let deadline = Instant::now() + timeout;
        while let Some(message) = self.backlog.pop_front() {
            if message["method"] == method && accept(&message["params"]) {
                return Some(message["params"].clone());
            }
        }
        loop {
            let message = self.next_incoming(deadline)?;
            if message["method"] == method && accept(&message["params"]) {
                return Some(message["params"].clone());
            }
        }
    }

    /// The diagnostics published for `uri` at `version`.
    pub fn diagnostics(&mut self, uri: &str, version: i64) -> Vec<Value> {
        let params = self
            .wait_for("textDocument/publishDiagnostics", TIMEOUT, |p| p["uri"] == uri && p["version"] == version)
            .unwrap_or_else(|| panic!("no diagnostics for {uri} version {version}"));
        params["diagnostics"].as_array().unwrap().clone()
    }

    /// What arrived while waiting for responses and was not taken yet.
    pub fn pending(&self) -> Vec<Value> {
        self.backlog.iter().cloned().collect()
    }

    /// Every diagnostics notification for `uri` up to the one for `version`, in arrival order.
    pub fn diagnostics_until(&mut self, uri: &str, version: i64) -> Vec<Value> {
        let seen = std::cell::RefCell::new(Vec::new());
        self.wait_for("textDocument/publishDiagnostics", TIMEOUT, |p| {
            if p["uri"] == uri {
                seen.borrow_mut().push(p.clone());
            }
            p["uri"] == uri && p["version"] == version
        })
        .unwrap_or_else(|| panic!("no diagnostics for {uri} version {version}"));
        seen.into_inner()
    }

    /// Every notification that arrives within `quiet` of the previous one, after draining the backlog.
    pub fn drain(&mut self, quiet: Duration) -> Vec<Value> {
        let mut all: Vec<Value> = self.backlog.drain(..).collect();
        while let Some(message) = self.next_incoming(Instant::now() + quiet) {
            all.push(message);
        }
        all
    }

    /// `initialize` with `capabilities` and `options`, then `initialized`. Returns the result.
    pub fn initialize(&mut self, root: &Path, capabilities: Value, options: Value) -> Value {
        let result = self.request(
            "initialize",
            json!({"processId": null, "rootUri": uri(root), "capabilities": capabilities,
                   "initializationOptions": options}),
        );
        if let Some(encoding) = result["capabilities"]["positionEncoding"].as_str() {
            self.encoding = encoding.to_string();
        }
        self.notify("initialized", json!({}));
        result
    }

    pub fn open(&mut self, uri: &str, language: &str, version: i64, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": language, "version": version, "text": text}}),
        );
    }

    pub fn shutdown_and_exit(mut self) -> ExitStatus {
        assert_eq!(self.request("shutdown", Value::Null), Value::Null);
        self.notify("exit", Value::Null);
        self.wait()
    }

    pub fn wait(mut self) -> ExitStatus {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "the server did not exit");
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Apply LSP text edits (non-overlapping) to `text`, counting columns in the negotiated encoding.
    pub fn apply(&self, text: &str, edits: &[Value]) -> String {
        let mut ranges: Vec<(usize, usize, String)> = edits
            .iter()
            .map(|e| {
                let start = offset(text, &e["range"]["start"], &self.encoding);
                let end = offset(text, &e["range"]["end"], &self.encoding);
                (start, end, e["newText"].as_str().unwrap().to_string())
            })
            .collect();
        ranges.sort_by_key(|r| (r.0, r.1));
        let mut out = String::new();
        let mut last = 0;
        for (start, end, new) in ranges {
            assert!(start >= last, "overlapping edits: {edits:?}");
            out.push_str(&text[last..start]);
            out.push_str(&new);
            last = end;
        }
        out.push_str(&text[last..]);
        out
    }

    /// The text edits of a code action's workspace edit for `uri` (`changes` or `documentChanges`).
    pub fn action_edits(action: &Value, uri: &str) -> Vec<Value> {
        let edit = &action["edit"];
        if let Some(edits) = edit["changes"][uri].as_array() {
            return edits.clone();
        }
        edit["documentChanges"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|d| d["textDocument"]["uri"] == uri)
            .flat_map(|d| d["edits"].as_array().cloned().unwrap_or_default())
            .collect()
    }

    /// The byte offset of an LSP position in `text`.
    pub fn offset(&self, text: &str, position: &Value) -> usize {
        offset(text, position, &self.encoding)
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Byte offset of `{line, character}`: lines end at `\n` (a `\r` before it is part of the ending).
fn offset(text: &str, position: &Value, encoding: &str) -> usize {
    let line = position["line"].as_u64().unwrap() as usize;
    let character = position["character"].as_u64().unwrap() as usize;
    let mut start = 0;
    for _ in 0..line {
        match text[start..].find('\n') {
            Some(i) => start += i + 1,
            None => return text.len(),
        }
    }
    let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let content = text[start..end].strip_suffix('\r').unwrap_or(&text[start..end]);
    let mut units = 0;
    for (i, c) in content.char_indices() {
        if units >= character {
            return start + i;
        }
        units += match encoding {
            "utf-8" => c.len_utf8(),
            "utf-32" => 1,
            _ => c.len_utf16(),
        };
    }
    start + content.len()
}

/// A `file:` URI for a path made of URI-safe characters.
pub fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

fn read_frame(reader: &mut impl BufRead) -> Option<Vec<u8>> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(value) = line.strip_prefix("Content-Length: ") {
            length = value.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length.expect("the server sends Content-Length")];
    reader.read_exact(&mut body).ok()?;
    Some(body)
}

/// The `dfix` binary of this build.
pub fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_dfix"))
}
