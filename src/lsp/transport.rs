//! The wire: `Content-Length` framed JSON-RPC messages on stdin and stdout.
//!
//! `lsp-server` has a stdio transport, but its reader thread stops at the first malformed header or body, which
//! ends the server. This one answers a body that is not JSON with a parse error, and a JSON value that is not a
//! request, response or notification with an invalid-request error (to its id, when it has one), skips a header
//! block without a usable `Content-Length`, and goes on reading. Only the end of stdin ends it.

use std::io::{self, BufRead, Write};
use std::thread;

use crossbeam_channel::{Receiver, Sender};
use lsp_server::{ErrorCode, Message, RequestId, Response};

/// Threads that move messages between stdio and channels.
pub struct Stdio {
    pub receiver: Receiver<Message>,
    pub sender: Sender<Message>,
    stop: Sender<()>,
    writer: thread::JoinHandle<()>,
}

impl Stdio {
    pub fn start() -> Self {
        let (out_tx, out_rx) = crossbeam_channel::unbounded::<Message>();
        let (in_tx, in_rx) = crossbeam_channel::unbounded::<Message>();
        let (stop_tx, stop_rx) = crossbeam_channel::bounded::<()>(1);
        let writer = thread::Builder::new()
            .name("lsp-writer".into())
            .spawn(move || {
                let stdout = io::stdout();
                let write = |message: Message| write_message(&mut stdout.lock(), &message);
                loop {
                    crossbeam_channel::select! {
                        recv(out_rx) -> message => match message {
                            // An error means the client is gone; nothing more can be said to it.
                            Ok(message) => if write(message).is_err() { return },
                            Err(_) => return,
                        },
                        recv(stop_rx) -> _ => {
                            // The reader thread keeps a sender (for its error replies) while it waits on stdin,
                            // so the channel never closes by itself: write what is queued and stop.
                            for message in out_rx.try_iter() {
                                if write(message).is_err() {
                                    return;
                                }
                            }
                            return;
                        }
                    }
                }
            })
            .expect("spawn writer thread");
        let errors = out_tx.clone();
        thread::Builder::new()
            .name("lsp-reader".into())
            .spawn(move || {
                let mut stdin = io::stdin().lock();
                read_loop(&mut stdin, &in_tx, &errors);
            })
            .expect("spawn reader thread");
        Self { receiver: in_rx, sender: out_tx, stop: stop_tx, writer }
    }

    /// Flush what is queued and stop writing. The reader thread is left to end with stdin.
    pub fn finish(self) {
        drop(self.sender);
        drop(self.receiver);
        let _ = self.stop.send(());
        let _ = self.writer.join();
    }
}

/// Read messages until the end of `input`, passing good ones to `messages` and answering bad ones on `replies`.
pub fn read_loop(input: &mut impl BufRead, messages: &Sender<Message>, replies: &Sender<Message>) {
    loop {
        let body = match read_frame(input) {
            Ok(Some(Frame::Body(body))) => body,
            Ok(Some(Frame::BadHeader(why))) => {
                eprintln!("dfix server: skipped a message with a bad header: {why}");
                continue;
            }
            Ok(None) | Err(_) => return,
        };
        match parse(&body) {
            Ok(message) => {
                if messages.send(message).is_err() {
                    return;
                }
            }
            Err(reply) => {
                eprintln!("dfix server: {}", reply.error.as_ref().map(|e| e.message.as_str()).unwrap_or(""));
                let _ = replies.send(Message::Response(reply));
            }
        }
    }
}

enum Frame {
    Body(Vec<u8>),
    BadHeader(String),
}

/// One header block and its body; `None` at the end of the input.
fn read_frame(input: &mut impl BufRead) -> io::Result<Option<Frame>> {
    let mut length: Option<Result<usize, String>> = None;
    let mut line = String::new();
    let mut saw_header = false;
    loop {
        line.clear();
        if input.read_line(&mut line)? == 0 {
            return Ok(None);
        }
        let trimmed = line.trim_end_matches(['\r', '\n']);
        if trimmed.is_empty() {
            if !saw_header {
                // Blank lines between messages.
                continue;
            }
            break;
        }
        saw_header = true;
        if let Some((name, value)) = trimmed.split_once(':')
            && name.trim().eq_ignore_ascii_case("content-length")
        {
            length = Some(value.trim().parse::<usize>().map_err(|_| format!("Content-Length {:?}", value.trim())));
        }
    }
    match length {
        Some(Ok(length)) => {
            let mut body = vec![0; length];
            input.read_exact(&mut body)?;
            Ok(Some(Frame::Body(body)))
        }
        Some(Err(why)) => Ok(Some(Frame::BadHeader(why))),
        None => Ok(Some(Frame::BadHeader("no Content-Length".into()))),
    }
}

/// A message, or the error response that a malformed one gets.
fn parse(body: &[u8]) -> Result<Message, Response> {
    let value: serde_json::Value = serde_json::from_slice(body)
        .map_err(|e| error_response(None, ErrorCode::ParseError, format!("message is not JSON: {e}")))?;
    let id = value.get("id").cloned();
    let invalid = |why: String| {
        let id = id.clone().and_then(|id| serde_json::from_value::<RequestId>(id).ok());
        error_response(id, ErrorCode::InvalidRequest, format!("not a JSON-RPC message: {why}"))
    };
    // Decide the kind by shape first: untagged deserialization alone would take anything with an id for a
    // response.
    let has = |key: &str| value.get(key).is_some();
    let message = match (value.get("method"), has("id")) {
        (Some(serde_json::Value::String(_)), true) => serde_json::from_value(value).map(Message::Request),
        (Some(serde_json::Value::String(_)), false) => serde_json::from_value(value).map(Message::Notification),
        (None, true) if has("result") || has("error") => serde_json::from_value(value).map(Message::Response),
        _ => return Err(invalid("neither a request, a response nor a notification".into())),
    };
    message.map_err(|e| invalid(e.to_string()))
}

/// An error response; without an id it is sent with `"id": null`, as JSON-RPC asks for unreadable requests.
fn error_response(id: Option<RequestId>, code: ErrorCode, message: String) -> Response {
    // `RequestId` cannot be null; the writer turns this marker back into `null`.
    let id = id.unwrap_or_else(|| RequestId::from(NULL_ID.to_string()));
    Response::new_err(id, code as i32, message)
}

/// Marks a response whose id is `null` on the wire.
const NULL_ID: &str = "\u{0}dfix-null-id";

pub fn write_message(out: &mut impl Write, message: &Message) -> io::Result<()> {
    let mut value = serde_json::to_value(message)?;
    if let Some(map) = value.as_object_mut() {
        map.insert("jsonrpc".into(), "2.0".into());
        if map.get("id").and_then(|id| id.as_str()) == Some(NULL_ID) {
            map.insert("id".into(), serde_json::Value::Null);
        }
    }
    let body = serde_json::to_vec(&value)?;
    write!(out, "Content-Length: {}\r\n\r\n", body.len())?;
    out.write_all(&body)?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    #[test]
    fn bad_messages_are_answered_and_reading_goes_on() {
        let input = [
            frame("{not json"),
            "X-Nonsense: 1\r\n\r\n".to_string(),
            "Content-Length: twelve\r\n\r\n".to_string(),
            frame(r#"{"jsonrpc":"2.0","id":7,"params":{}}"#),
            frame(r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#),
        ]
        .concat();
        let (tx, rx) = crossbeam_channel::unbounded();
        let (reply_tx, reply_rx) = crossbeam_channel::unbounded();
        read_loop(&mut input.as_bytes(), &tx, &reply_tx);
        let good: Vec<Message> = rx.try_iter().collect();
        assert!(matches!(&good[..], [Message::Notification(n)] if n.method == "initialized"));
        let replies: Vec<Message> = reply_rx.try_iter().collect();
        assert_eq!(replies.len(), 2);
        let mut wire = Vec::new();
        for reply in &replies {
            write_message(&mut wire, reply).unwrap();
        }
        let wire = String::from_utf8(wire).unwrap();
        assert!(wire.contains(r#""id":null"#) && wire.contains("-32700"), "{wire}");
        assert!(wire.contains(r#""id":7"#) && wire.contains("-32600"), "{wire}");
    }
}
