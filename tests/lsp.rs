//! `dfix server` against the real process over JSON-RPC: diagnostics, code actions and formatting on real
//! documents, compared with what the command line does to the same text.

#[path = "support/lsp_client.rs"]
mod lsp_client;

use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use lsp_client::{Client, binary, uri};
use serde_json::{Value, json};
use tempfile::TempDir;

const LEGACY: &str = include_str!("../examples/legacy/Dockerfile");

/// A client capable of what editors usually are, without `positionEncodings` (so UTF-16, the default).
fn capabilities() -> Value {
    json!({"textDocument": {"codeAction": {}, "formatting": {}, "publishDiagnostics": {}}})
}

fn start(dir: &Path, capabilities: Value, options: Value) -> Client {
    let mut client = Client::start(&binary(), dir);
    client.initialize(dir, capabilities, options);
    client
}

/// What `dfix --stdin-filename` writes for `text` at `path` (with `args`).
fn cli_filter(path: &Path, text: &str, args: &[&str]) -> String {
    let output = assert_cmd::Command::new(binary())
        .current_dir(path.parent().unwrap())
        .arg("--stdin-filename")
        .arg(path)
        .args(args)
        .write_stdin(text)
        .output()
        .unwrap();
    String::from_utf8(output.stdout).unwrap()
}

/// What `dfix --apply` writes to a copy of `text` at `path` (with `args`).
fn cli_apply(path: &Path, text: &str, args: &[&str]) -> String {
    fs::write(path, text).unwrap();
    let output =
        Command::new(binary()).current_dir(path.parent().unwrap()).arg("--apply").args(args).arg(path).output();
    let output = output.unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    fs::read_to_string(path).unwrap()
}

fn whole(text: &str) -> Value {
    json!({"start": {"line": 0, "character": 0}, "end": {"line": text.lines().count() + 1, "character": 0}})
}

fn code_actions(client: &mut Client, uri: &str, range: Value, only: Option<&[&str]>) -> Vec<Value> {
    let mut context = json!({"diagnostics": []});
    if let Some(only) = only {
        context["only"] = json!(only);
    }
    let result = client
        .request("textDocument/codeAction", json!({"textDocument": {"uri": uri}, "range": range, "context": context}));
    result.as_array().cloned().unwrap_or_default()
}

fn format(client: &mut Client, uri: &str) -> Vec<Value> {
    let params = json!({"textDocument": {"uri": uri}, "options": {"tabSize": 4, "insertSpaces": true}});
    client.request("textDocument/formatting", params).as_array().cloned().unwrap_or_default()
}

/// `text` with the formatting edits of the server's copy of it applied.
fn format_text(client: &mut Client, uri: &str, text: &str) -> String {
    let edits = format(client, uri);
    client.apply(text, &edits)
}

fn codes(diagnostics: &[Value]) -> Vec<String> {
    let mut codes: Vec<String> = diagnostics.iter().map(|d| d["code"].as_str().unwrap().to_string()).collect();
    codes.sort();
    codes.dedup();
    codes
}

/// A directory whose dfix.toml leaves out the transforms that would report on every small test file.
fn tmp() -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("dfix.toml"), QUIET).unwrap();
    dir
}

const QUIET: &str = "ignore = [\"non-root-user\", \"merge-runs\"]\n";

#[test]
fn legacy_dockerfile_diagnostics_quick_fixes_fix_all_and_formatting_match_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("Dockerfile");
    fs::write(&path, LEGACY).unwrap();
    let uri = uri(&path);
    let mut client = start(dir.path(), capabilities(), Value::Null);
    client.open(&uri, "dockerfile", 1, LEGACY);

    let diagnostics = client.diagnostics(&uri, 1);
    let codes = codes(&diagnostics);
    for expected in ["maintainer-label", "env-key-value", "copy-not-add", "merge-runs", "apt-cleanup", "non-root-user"]
    {
        assert!(codes.iter().any(|c| c == expected), "no {expected} in {codes:?}");
    }
    for d in &diagnostics {
        assert_eq!(d["source"], "dfix");
        assert!(!d["message"].as_str().unwrap().is_empty());
        assert!(d["range"]["start"]["line"].as_u64().unwrap() < 16);
    }
    // Severity follows the fix: warning (2) for safe fixes, information (3) for unsafe ones and notes.
    let maintainer = diagnostics.iter().find(|d| d["code"] == "maintainer-label").unwrap();
    assert_eq!(maintainer["severity"], 2);
    assert_eq!(maintainer["range"]["start"], json!({"line": 1, "character": 0}));
    let non_root = diagnostics.iter().find(|d| d["code"] == "non-root-user").unwrap();
    assert_eq!(non_root["severity"], 3);

    // One quick fix per finding at the cursor: MAINTAINER's.
    let cursor = json!({"start": {"line": 1, "character": 3}, "end": {"line": 1, "character": 3}});
    let actions = code_actions(&mut client, &uri, cursor, Some(&["quickfix"]));
    assert_eq!(actions.len(), 1, "{actions:#?}");
    assert_eq!(actions[0]["kind"], "quickfix");
    assert_eq!(actions[0]["diagnostics"][0]["code"], "maintainer-label");
    let fixed = client.apply(LEGACY, &Client::action_edits(&actions[0], &uri));
    assert!(fixed.contains("LABEL maintainer=\"Ops Team <ops@example.com>\"\n"), "{fixed}");
    assert_eq!(
        fixed.replace("LABEL maintainer=\"Ops Team <ops@example.com>\"", "MAINTAINER Ops Team <ops@example.com>"),
        LEGACY
    );

    // Every quick fix on the whole file applies alone and leaves a file that parses.
    let all = code_actions(&mut client, &uri, whole(LEGACY), Some(&["quickfix"]));
    assert!(all.len() >= 5, "{all:#?}");
    for action in &all {
        let text = client.apply(LEGACY, &Client::action_edits(action, &uri));
        assert_ne!(text, LEGACY);
        assert!(dfix::syntax::Dockerfile::parse(&text).errors().is_empty(), "{}: {text}", action["title"]);
    }
    // Unsafe quick fixes say so.
    let unsafe_titles: Vec<&str> =
        all.iter().filter(|a| a["diagnostics"][0]["severity"] == 3).map(|a| a["title"].as_str().unwrap()).collect();
    assert!(!unsafe_titles.is_empty() && unsafe_titles.iter().all(|t| t.contains("unsafe")), "{unsafe_titles:?}");

    // Fix-all equals `dfix --apply`, formatting equals `--stdin-filename`: same engine, same settings.
    let fix_all = code_actions(&mut client, &uri, whole(LEGACY), Some(&["source.fixAll"]));
    assert_eq!(fix_all.len(), 1);
    assert_eq!(fix_all[0]["kind"], "source.fixAll.dfix");
    let edits = Client::action_edits(&fix_all[0], &uri);
    let applied = cli_apply(&dir.path().join("copy.Dockerfile"), LEGACY, &[]);
    assert_ne!(applied, LEGACY);
    assert_eq!(client.apply(LEGACY, &edits), applied);
    // The edits are minimal: the untouched lines (FROM, the second ADD, WORKDIR, CMD) are in none.
    assert!(edits.len() > 1);
    assert!(edits.iter().all(|e| e["range"]["start"]["line"].as_u64().unwrap() > 0));
    let formatted = format_text(&mut client, &uri, LEGACY);
    assert_eq!(formatted, cli_filter(&path, LEGACY, &[]));
    assert_eq!(formatted, applied);

    // After the document changes to the formatted text, nothing is left to fix but the notes and unsafe fixes.
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": formatted}]}),
    );
    let after = client.diagnostics(&uri, 2);
    assert!(after.iter().all(|d| d["severity"] != 2), "{after:#?}");
    assert!(format(&mut client, &uri).is_empty());
    assert!(client.shutdown_and_exit().success());
}

#[test]
fn incremental_changes_are_applied_in_order() {
    let dir = tmp();
    let path = dir.path().join("Dockerfile");
    let uri = uri(&path);
    let mut client = start(dir.path(), capabilities(), Value::Null);
    let text = "FROM debian:12\nCOPY a /a\n";
    client.open(&uri, "dockerfile", 1, text);
    assert!(client.diagnostics(&uri, 1).is_empty());

    // Insert a line, then turn its COPY into ADD in the middle of the line, in one notification.
    let insert = json!({"range": {"start": {"line": 1, "character": 0}, "end": {"line": 1, "character": 0}},
                        "text": "MAINTAINER me\n"});
    let replace = json!({"range": {"start": {"line": 2, "character": 0}, "end": {"line": 2, "character": 4}},
                         "text": "ADD"});
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [insert, replace]}),
    );
    let diagnostics = client.diagnostics(&uri, 2);
    assert_eq!(codes(&diagnostics), ["copy-not-add", "maintainer-label"]);
    let add = diagnostics.iter().find(|d| d["code"] == "copy-not-add").unwrap();
    assert_eq!(add["range"]["start"]["line"], 2);

    // The server's text is exactly what the changes make: formatting it gives the CLI's result on that text.
    let current = "FROM debian:12\nMAINTAINER me\nADD a /a\n";
    let formatted = format_text(&mut client, &uri, current);
    assert_eq!(formatted, cli_filter(&path, current, &[]));
    assert_eq!(formatted, "FROM debian:12\nLABEL maintainer=\"me\"\nCOPY a /a\n");

    // Delete the MAINTAINER line again.
    let delete = json!({"range": {"start": {"line": 1, "character": 0}, "end": {"line": 2, "character": 0}},
                        "text": ""});
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 3}, "contentChanges": [delete]}),
    );
    assert_eq!(codes(&client.diagnostics(&uri, 3)), ["copy-not-add"]);

    // Closing clears the diagnostics.
    client.notify("textDocument/didClose", json!({"textDocument": {"uri": uri}}));
    let cleared = client
        .wait_for("textDocument/publishDiagnostics", lsp_client::TIMEOUT, |p| p["uri"] == uri && p["version"].is_null())
        .unwrap();
    assert_eq!(cleared["diagnostics"], json!([]));
    assert!(client.shutdown_and_exit().success());
}

#[test]
fn crlf_documents_round_trip() {
    let dir = tmp();
    let path = dir.path().join("Dockerfile");
    let uri = uri(&path);
    let text = "FROM debian:12\r\nMAINTAINER me\r\nENV A 1\r\nADD app /app\r\n";
    // A client that takes versioned edits (`documentChanges`).
    let mut caps = capabilities();
    caps["workspace"] = json!({"workspaceEdit": {"documentChanges": true}});
    let mut client = start(dir.path(), caps, Value::Null);
    client.open(&uri, "dockerfile", 1, text);
    let diagnostics = client.diagnostics(&uri, 1);
    let env = diagnostics.iter().find(|d| d["code"] == "env-key-value").unwrap();
    assert_eq!(env["range"]["start"]["line"], 2);
    let formatted = format_text(&mut client, &uri, text);
    assert_eq!(formatted, cli_filter(&path, text, &[]));
    assert_eq!(formatted, "FROM debian:12\r\nLABEL maintainer=\"me\"\r\nENV A=1\r\nCOPY app /app\r\n");
    let fix_all = code_actions(&mut client, &uri, whole(text), Some(&["source.fixAll.dfix"]));
    let change = &fix_all[0]["edit"]["documentChanges"][0];
    assert_eq!(change["textDocument"], json!({"uri": uri, "version": 1}));
    assert_eq!(client.apply(text, &Client::action_edits(&fix_all[0], &uri)), formatted);
    assert!(client.shutdown_and_exit().success());
}

/// A fix after non-ASCII text on the same line: `apt` after a whale (2 UTF-16 units, 4 bytes) and a `é`.
const NON_ASCII: &str = "FROM debian:12\nRUN echo \"🐳 café\" && apt install -y curl && rm -rf /var/lib/apt/lists/*\n";

#[test]
fn non_ascii_lines_under_utf16_and_utf8() {
    let dir = tmp();
    let path = dir.path().join("Dockerfile");
    let uri = uri(&path);
    let expected = NON_ASCII.replace("&& apt install", "&& apt-get install");
    let apt = NON_ASCII.find("apt install").unwrap();
    let line_start = NON_ASCII.find("RUN").unwrap();
    let prefix = &NON_ASCII[line_start..apt];
    for (offered, encoding, column) in
        [(None, "utf-16", prefix.encode_utf16().count()), (Some(json!(["utf-8", "utf-16"])), "utf-8", prefix.len())]
    {
        let mut caps = capabilities();
        if let Some(offered) = offered {
            caps["general"] = json!({"positionEncodings": offered});
        }
        let mut client = Client::start(&binary(), dir.path());
        let result = client.initialize(dir.path(), caps, Value::Null);
        assert_eq!(result["capabilities"]["positionEncoding"], encoding);
        client.open(&uri, "dockerfile", 1, NON_ASCII);
        let diagnostics = client.diagnostics(&uri, 1);
        let d = diagnostics.iter().find(|d| d["code"] == "apt-get-not-apt").expect("apt-get-not-apt finding");
        assert_eq!(d["range"]["start"], json!({"line": 1, "character": column}), "{encoding}");
        let actions = code_actions(&mut client, &uri, d["range"].clone(), Some(&["quickfix"]));
        let action = actions.iter().find(|a| a["diagnostics"][0]["code"] == "apt-get-not-apt").unwrap();
        assert_eq!(client.apply(NON_ASCII, &Client::action_edits(action, &uri)), expected, "{encoding}");
        let formatted = format_text(&mut client, &uri, NON_ASCII);
        assert_eq!(formatted, cli_filter(&path, NON_ASCII, &[]), "{encoding}");
        assert!(client.shutdown_and_exit().success());
    }
}

#[test]
fn a_syntax_error_is_a_diagnostic_with_no_actions() {
    let dir = tmp();
    let uri = uri(&dir.path().join("Dockerfile"));
    let text = "FROM debian:12\nMAINTAINER me\nRUN <<EOF\necho hi\n";
    let mut client = start(dir.path(), capabilities(), Value::Null);
    client.open(&uri, "dockerfile", 1, text);
    let diagnostics = client.diagnostics(&uri, 1);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    assert_eq!(diagnostics[0]["severity"], 1);
    assert_eq!(diagnostics[0]["code"], "syntax-error");
    assert!(diagnostics[0]["message"].as_str().unwrap().contains("heredoc"));
    assert_eq!(diagnostics[0]["range"]["start"]["line"], 2);
    assert!(code_actions(&mut client, &uri, whole(text), None).is_empty());
    assert!(format(&mut client, &uri).is_empty());
    assert!(client.shutdown_and_exit().success());
}

#[test]
fn a_burst_of_200_changes_leaves_only_the_last_texts_diagnostics() {
    let dir = tmp();
    let uri = uri(&dir.path().join("Dockerfile"));
    let mut client = start(dir.path(), capabilities(), Value::Null);
    client.open(&uri, "dockerfile", 0, "FROM debian:12\n");
    client.diagnostics(&uri, 0);
    // Even versions have a MAINTAINER finding, odd ones an ADD finding; the last (200) has MAINTAINER on line
    // 200 % 7 + 1.
    let text = |version: usize| {
        let filler = "RUN true\n".repeat(version % 7);
        if version.is_multiple_of(2) {
            format!("FROM debian:12\n{filler}MAINTAINER v{version}\n")
        } else {
            format!("FROM debian:12\n{filler}ADD a /a\n")
        }
    };
    for version in 1..=200 {
        client.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text(version)}]}),
        );
    }
    let published = client.diagnostics_until(&uri, 200);
    let versions: Vec<i64> = published.iter().map(|p| p["version"].as_i64().unwrap()).collect();
    assert!(versions.windows(2).all(|w| w[0] < w[1]), "published out of order: {versions:?}");
    assert!(versions.len() < 200, "every change was computed: the burst was not coalesced");
    let last = published.last().unwrap()["diagnostics"].as_array().unwrap().clone();
    assert_eq!(codes(&last), ["maintainer-label"]);
    assert_eq!(last[0]["range"]["start"]["line"], 200 % 7 + 1);
    assert!(last[0]["message"].as_str().is_some());
    // Nothing older arrives afterwards, and far fewer runs than changes were published.
    let later = client.drain(Duration::from_millis(500));
    let stale: Vec<&Value> = later.iter().filter(|m| m["method"] == "textDocument/publishDiagnostics").collect();
    assert!(stale.is_empty(), "diagnostics after the last text's: {stale:#?}");
    assert!(client.shutdown_and_exit().success());
}

#[test]
fn bad_messages_never_stop_the_server_and_shutdown_exit_follow_the_protocol() {
    let dir = tmp();
    let uri = uri(&dir.path().join("Dockerfile"));
    let mut client = Client::start(&binary(), dir.path());
    // Before initialize: an error, not a crash.
    let early = client.request_full("textDocument/formatting", json!({"textDocument": {"uri": uri}}));
    assert_eq!(early["error"]["code"], -32002);
    client.initialize(dir.path(), capabilities(), Value::Null);

    client.send_raw(b"Content-Length: 9\r\n\r\n{invalid}");
    client.send_raw(b"Content-Length: nine\r\n\r\n");
    client.send(&json!({"jsonrpc": "2.0", "id": 99}));
    let parse_error = client.response(&Value::Null);
    assert_eq!(parse_error["error"]["code"], -32700);
    assert_eq!(client.response(&json!(99))["error"]["code"], -32600);
    let unknown = client.request_full("textDocument/hover", json!({}));
    assert_eq!(unknown["error"]["code"], -32601);
    let bad_params = client.request_full("textDocument/codeAction", json!({"textDocument": 5}));
    assert_eq!(bad_params["error"]["code"], -32602);
    // A notification with bad parameters is ignored.
    client.notify("textDocument/didOpen", json!({"textDocument": {"uri": 3}}));
    // Requests about documents never opened answer null.
    assert_eq!(
        client.request(
            "textDocument/formatting",
            json!({"textDocument": {"uri": "file:///nowhere/Dockerfile"},
        "options": {"tabSize": 4, "insertSpaces": true}})
        ),
        Value::Null
    );

    // Still serving.
    client.open(&uri, "dockerfile", 1, "FROM debian:12\nMAINTAINER me\n");
    assert_eq!(codes(&client.diagnostics(&uri, 1)), ["maintainer-label"]);

    assert_eq!(client.request("shutdown", Value::Null), Value::Null);
    let after = client.request_full("textDocument/formatting", json!({"textDocument": {"uri": uri}}));
    assert_eq!(after["error"]["code"], -32600);
    client.notify("exit", Value::Null);
    assert_eq!(client.wait().code(), Some(0));

    // `exit` without `shutdown` exits with 1, as the protocol asks.
    let mut client = start(dir.path(), capabilities(), Value::Null);
    client.notify("exit", Value::Null);
    assert_eq!(client.wait().code(), Some(1));
}

#[test]
fn documents_are_served_by_language_id_or_name() {
    let dir = tmp();
    let mut client = start(dir.path(), capabilities(), Value::Null);
    let text = "FROM debian:12\nMAINTAINER me\n";
    let by_language = uri(&dir.path().join("build.txt"));
    client.open(&by_language, "dockerfile", 1, text);
    assert_eq!(codes(&client.diagnostics(&by_language, 1)), ["maintainer-label"]);
    let by_name = uri(&dir.path().join("web.Containerfile"));
    client.open(&by_name, "plaintext", 1, text);
    assert_eq!(codes(&client.diagnostics(&by_name, 1)), ["maintainer-label"]);
    // Neither: not served (formatting answers null, no diagnostics are published).
    let other = uri(&dir.path().join("notes.txt"));
    client.open(&other, "plaintext", 1, text);
    let params = json!({"textDocument": {"uri": other}, "options": {"tabSize": 4, "insertSpaces": true}});
    assert_eq!(client.request("textDocument/formatting", params), Value::Null);
    let published = client.drain(Duration::from_millis(300));
    assert!(published.iter().all(|m| m["params"]["uri"] != other.as_str()));
    // Unsaved documents are served too.
    client.open("untitled:Untitled-1", "dockerfile", 1, text);
    assert_eq!(codes(&client.diagnostics("untitled:Untitled-1", 1)), ["maintainer-label"]);
    assert!(client.shutdown_and_exit().success());
}

#[test]
fn the_nearest_dfix_toml_is_used_and_reloaded_when_it_changes() {
    let dir = tmp();
    let sub = dir.path().join("svc");
    fs::create_dir_all(&sub).unwrap();
    fs::write(dir.path().join("dfix.toml"), "ignore = [\"maintainer-label\", \"non-root-user\"]\n").unwrap();
    let path = sub.join("Dockerfile");
    let uri = uri(&path);
    let text = "FROM debian:12\nMAINTAINER me\nADD a /a\n";
    let caps = json!({"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}});
    let mut client = start(dir.path(), caps, Value::Null);
    let registration =
        client.wait_for("client/registerCapability", lsp_client::TIMEOUT, |_| true).expect("watchers registered");
    let watchers = &registration["registrations"][0]["registerOptions"]["watchers"];
    assert!(watchers.as_array().unwrap().iter().any(|w| w["globPattern"] == "**/dfix.toml"), "{registration}");
    client.open(&uri, "dockerfile", 1, text);
    assert_eq!(codes(&client.diagnostics(&uri, 1)), ["copy-not-add"]);
    assert_eq!(format_text(&mut client, &uri, text), cli_filter(&path, text, &[]));

    fs::write(dir.path().join("dfix.toml"), "ignore = [\"copy-not-add\", \"non-root-user\"]\n").unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri_of(&dir.path().join("dfix.toml")), "type": 2}]}),
    );
    assert_eq!(codes(&client.diagnostics(&uri, 1)), ["maintainer-label"]);
    assert_eq!(format_text(&mut client, &uri, text), cli_filter(&path, text, &[]));

    // A broken dfix.toml is reported on the document, like the command line reports it, and nothing is fixed.
    fs::write(dir.path().join("dfix.toml"), "select = [\"no-such-transform\"]\n").unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri_of(&dir.path().join("dfix.toml")), "type": 2}]}),
    );
    let broken = client.diagnostics(&uri, 1);
    assert_eq!(broken.len(), 1);
    assert_eq!(broken[0]["severity"], 1);
    assert!(broken[0]["message"].as_str().unwrap().contains("no-such-transform"), "{broken:#?}");
    assert!(format(&mut client, &uri).is_empty());
    assert!(client.shutdown_and_exit().success());
}

fn uri_of(path: &Path) -> String {
    uri(path)
}

#[test]
fn unsafe_fixes_in_fix_all_follow_dfix_toml_and_the_editor_setting() {
    let dir = tmp();
    let text = "FROM debian:12\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n";
    let path = dir.path().join("Dockerfile");
    let uri = uri(&path);
    let safe = cli_apply(&dir.path().join("a.Dockerfile"), text, &["--select", "apt-no-recommends"]);
    assert_eq!(safe, text, "apt-no-recommends is unsafe: not applied by default");
    fs::write(dir.path().join("dfix.toml"), "select = [\"apt-no-recommends\"]\n").unwrap();
    let unsafe_ = cli_apply(&dir.path().join("b.Dockerfile"), text, &["--unsafe-fixes"]);
    assert_ne!(unsafe_, text);

    let fix_all = |client: &mut Client| -> String {
        let actions = code_actions(client, &uri, whole(text), Some(&["source.fixAll"]));
        match actions.first() {
            Some(action) => client.apply(text, &Client::action_edits(action, &uri)),
            None => text.to_string(),
        }
    };

    // Default: safe fixes only; the unsafe finding is information and its quick fix says it is unsafe.
    let mut client = start(dir.path(), capabilities(), Value::Null);
    client.open(&uri, "dockerfile", 1, text);
    let diagnostics = client.diagnostics(&uri, 1);
    assert_eq!(diagnostics[0]["severity"], 3);
    assert_eq!(fix_all(&mut client), text);
    let quick = code_actions(&mut client, &uri, whole(text), Some(&["quickfix"]));
    assert!(quick[0]["title"].as_str().unwrap().contains("unsafe"));
    assert_eq!(client.apply(text, &Client::action_edits(&quick[0], &uri)), unsafe_);
    assert!(client.shutdown_and_exit().success());

    // The editor's `unsafeFixes` through initializationOptions, with a severity map and a docs link.
    let options =
        json!({"unsafeFixes": true, "severity": {"unsafe": "error"}, "docsUrl": "https://dfix.invalid/rules/{id}"});
    let mut client = start(dir.path(), capabilities(), options);
    client.open(&uri, "dockerfile", 1, text);
    let diagnostics = client.diagnostics(&uri, 1);
    assert_eq!(diagnostics[0]["severity"], 1);
    assert_eq!(diagnostics[0]["codeDescription"]["href"], "https://dfix.invalid/rules/apt-no-recommends");
    assert_eq!(fix_all(&mut client), unsafe_);
    // Formatting stays what --stdin-filename does.
    assert_eq!(format_text(&mut client, &uri, text), text);
    assert!(client.shutdown_and_exit().success());

    // The same through workspace/configuration, asked for after `initialized`.
    let mut client = Client::start(&binary(), dir.path());
    client.configuration = json!({"unsafeFixes": true});
    client.initialize(dir.path(), json!({"workspace": {"configuration": true}}), Value::Null);
    client.wait_for("workspace/configuration", lsp_client::TIMEOUT, |_| true).expect("configuration asked for");
    client.open(&uri, "dockerfile", 1, text);
    client.diagnostics(&uri, 1);
    assert_eq!(fix_all(&mut client), unsafe_);
    assert!(client.shutdown_and_exit().success());

    // dfix.toml's `unsafe-fixes = true`, as for `--apply`.
    fs::write(dir.path().join("dfix.toml"), "select = [\"apt-no-recommends\"]\nunsafe-fixes = true\n").unwrap();
    let mut client = start(dir.path(), capabilities(), Value::Null);
    client.open(&uri, "dockerfile", 1, text);
    client.diagnostics(&uri, 1);
    assert_eq!(fix_all(&mut client), cli_apply(&dir.path().join("c.Dockerfile"), text, &[]));
    assert_eq!(fix_all(&mut client), unsafe_);
    assert!(client.shutdown_and_exit().success());
}

#[test]
fn range_formatting_applies_only_the_fixes_inside_the_range() {
    let dir = tmp();
    let uri = uri(&dir.path().join("Dockerfile"));
    let text = "FROM debian:12\nMAINTAINER me\nENV A 1\nADD a /a\n";
    let mut client = start(dir.path(), capabilities(), Value::Null);
    client.open(&uri, "dockerfile", 1, text);
    client.diagnostics(&uri, 1);
    let range = json!({"start": {"line": 2, "character": 0}, "end": {"line": 4, "character": 0}});
    let params = json!({"textDocument": {"uri": uri}, "range": range, "options": {"tabSize": 4, "insertSpaces": true}});
    let edits = client.request("textDocument/rangeFormatting", params);
    let formatted = client.apply(text, edits.as_array().unwrap());
    assert_eq!(formatted, "FROM debian:12\nMAINTAINER me\nENV A=1\nCOPY a /a\n");
    assert!(client.shutdown_and_exit().success());
}

#[test]
fn pin_digest_stays_off_the_network() {
    // A registry that would be asked is on a port nothing listens on: with the network, resolving fails with a
    // connection error; offline (the server's default), the finding says the network is off.
    let dir = tmp();
    fs::write(dir.path().join("dfix.toml"), format!("extend-select = [\"pin-digest\"]\n{QUIET}")).unwrap();
    let uri = uri(&dir.path().join("Dockerfile"));
    let text = "FROM 127.0.0.1:9/team/app:1.0\n";
    let mut client = start(dir.path(), capabilities(), Value::Null);
    client.open(&uri, "dockerfile", 1, text);
    let diagnostics = client.diagnostics(&uri, 1);
    let pin = diagnostics.iter().find(|d| d["code"] == "pin-digest").expect("a pin-digest note");
    assert!(pin["message"].as_str().unwrap().contains("language server stays off the network"), "{pin:#?}");
    assert!(client.shutdown_and_exit().success());

    // With `network = true` the registry is asked (and cannot be reached).
    let mut client = start(dir.path(), capabilities(), json!({"network": true}));
    client.open(&uri, "dockerfile", 1, text);
    let diagnostics = client.diagnostics(&uri, 1);
    let pin = diagnostics.iter().find(|d| d["code"] == "pin-digest").expect("a pin-digest note");
    let message = pin["message"].as_str().unwrap();
    assert!(!message.contains("off the network") && message.contains("127.0.0.1:9"), "{pin:#?}");
    assert!(client.shutdown_and_exit().success());
}

#[test]
fn pushed_configuration_changes_republish_diagnostics() {
    let dir = tmp();
    let uri = uri(&dir.path().join("Dockerfile"));
    let mut client = start(dir.path(), capabilities(), json!({"severity": {"safe": "hint"}}));
    client.open(&uri, "dockerfile", 1, "FROM debian:12\nMAINTAINER me\n");
    assert_eq!(client.diagnostics(&uri, 1)[0]["severity"], 4);
    // A client without `workspace/configuration` pushes its settings; they are laid over initializationOptions.
    client.notify("workspace/didChangeConfiguration", json!({"settings": {"dfix": {"severity": {"safe": "error"}}}}));
    assert_eq!(client.diagnostics(&uri, 1)[0]["severity"], 1);
    assert!(client.shutdown_and_exit().success());
}

#[test]
fn a_slow_document_does_not_hold_up_another() {
    let dir = tmp();
    let big_uri = uri(&dir.path().join("big.Dockerfile"));
    let small_uri = uri(&dir.path().join("small.Dockerfile"));
    let big = format!("FROM debian:12\n{}", "MAINTAINER me\nENV A 1\nRUN apt install -y curl\nADD a /a\n".repeat(2500));
    let mut client = start(dir.path(), capabilities(), Value::Null);
    client.open(&big_uri, "dockerfile", 1, &big);
    client.open(&small_uri, "dockerfile", 1, "FROM debian:12\nMAINTAINER me\n");
    // A request about the small document is answered, and its diagnostics published, while the big one's are
    // still being computed.
    let params = json!({"textDocument": {"uri": small_uri}, "options": {"tabSize": 4, "insertSpaces": true}});
    assert!(!client.request("textDocument/formatting", params).as_array().unwrap().is_empty());
    assert!(
        !client.pending().iter().any(|m| m["params"]["uri"] == big_uri.as_str()),
        "the big document's diagnostics came before the answer about the small one"
    );
    let first = client.wait_for("textDocument/publishDiagnostics", lsp_client::TIMEOUT, |_| true).unwrap();
    let second = client.wait_for("textDocument/publishDiagnostics", lsp_client::TIMEOUT, |_| true).unwrap();
    assert_eq!(
        (first["uri"].as_str().unwrap(), second["uri"].as_str().unwrap()),
        (small_uri.as_str(), big_uri.as_str())
    );
    assert!(second["diagnostics"].as_array().unwrap().len() >= 4 * 2500);
    assert!(client.shutdown_and_exit().success());
}

#[test]
fn a_request_cancelled_before_it_runs_is_answered_as_cancelled() {
    let dir = tmp();
    let mut client = start(dir.path(), capabilities(), Value::Null);
    // Two big documents keep both workers busy for a while.
    let big = format!("FROM debian:12\n{}", "MAINTAINER me\nENV A 1\nRUN apt install -y curl\nADD a /a\n".repeat(2500));
    for name in ["a.Dockerfile", "b.Dockerfile"] {
        client.open(&uri(&dir.path().join(name)), "dockerfile", 1, &big);
    }
    let small = uri(&dir.path().join("Dockerfile"));
    client.open(&small, "dockerfile", 1, "FROM debian:12\nMAINTAINER me\n");
    let params = json!({"textDocument": {"uri": small}, "options": {"tabSize": 4, "insertSpaces": true}});
    client.send(&json!({"jsonrpc": "2.0", "id": "to-cancel", "method": "textDocument/formatting", "params": params}));
    client.notify("$/cancelRequest", json!({"id": "to-cancel"}));
    let response = client.response(&json!("to-cancel"));
    assert_eq!(response["error"]["code"], -32800, "{response}");
    // The server goes on.
    assert!(!client.request("textDocument/formatting", params).as_array().unwrap().is_empty());
    assert!(client.shutdown_and_exit().success());
}

#[test]
fn suppression_comments_hide_findings_as_on_the_command_line() {
    let dir = tmp();
    let path = dir.path().join("Dockerfile");
    let uri = uri(&path);
    let text = "FROM debian:12\n# dfix ignore=maintainer-label\nMAINTAINER me\nADD a /a\n";
    let mut client = start(dir.path(), capabilities(), Value::Null);
    client.open(&uri, "dockerfile", 1, text);
    assert_eq!(codes(&client.diagnostics(&uri, 1)), ["copy-not-add"]);
    let fix_all = code_actions(&mut client, &uri, whole(text), Some(&["source.fixAll"]));
    let fixed = client.apply(text, &Client::action_edits(&fix_all[0], &uri));
    assert_eq!(fixed, cli_filter(&path, text, &[]));
    assert!(fixed.contains("MAINTAINER me\nCOPY a /a\n"), "{fixed}");
    assert!(client.shutdown_and_exit().success());
}

#[test]
fn diagnostics_link_to_the_transforms_documentation_and_list_suppression_notes() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    fs::write(dir.path().join("dfix.toml"), format!("{QUIET}warn-unused-ignores = true\n")).unwrap();
    let path = dir.path().join("Dockerfile");
    let uri = uri(&path);
    let text = "FROM debian:12\n# dfix ignore=no-such-rule\nADD a /a\n# dfix ignore=maintainer-label\nRUN true\n";
    let mut client = Client::start_with_env(&binary(), dir.path(), &[("DFIX_CACHE_DIR", cache.as_path())]);
    client.initialize(dir.path(), capabilities(), Value::Null);
    client.open(&uri, "dockerfile", 1, text);
    let diagnostics = client.diagnostics(&uri, 1);
    assert_eq!(codes(&diagnostics), ["copy-not-add", "unknown-suppression", "unused-suppression"], "{diagnostics:?}");
    let finding = diagnostics.iter().find(|d| d["code"] == "copy-not-add").unwrap();
    // No docsUrl and no repository in the package: the link is the page `dfix explain` prints, in the cache.
    let href = finding["codeDescription"]["href"].as_str().unwrap();
    let page = cache.join("docs").join(env!("CARGO_PKG_VERSION")).join("copy-not-add.md");
    assert_eq!(href, format!("file://{}", page.canonicalize().unwrap().display()));
    let explain = Command::new(binary()).args(["explain", "copy-not-add"]).output().unwrap();
    assert_eq!(fs::read_to_string(&page).unwrap(), String::from_utf8(explain.stdout).unwrap());
    for (code, line) in [("unknown-suppression", 1), ("unused-suppression", 3)] {
        let note = diagnostics.iter().find(|d| d["code"] == code).unwrap();
        assert_eq!(note["range"]["start"]["line"], line, "{note}");
        assert_eq!(note["severity"], 3, "{note}");
        assert!(note.get("codeDescription").is_none(), "{note}");
    }
    // Notes have no fix: the only quick fix on the text is copy-not-add's.
    let actions = code_actions(&mut client, &uri, whole(text), Some(&["quickfix"]));
    assert_eq!(actions.len(), 1, "{actions:?}");
    assert!(client.shutdown_and_exit().success());
}

#[test]
fn with_a_debounce_a_burst_of_changes_is_computed_once_on_the_last_text() {
    let dir = tmp();
    let uri = uri(&dir.path().join("Dockerfile"));
    // A debounce far longer than sending the burst takes: only the text after the pause is computed.
    let mut client = start(dir.path(), capabilities(), json!({"debounceMs": 1500}));
    client.open(&uri, "dockerfile", 0, "FROM debian:12\n");
    client.diagnostics(&uri, 0);
    for version in 1..=20 {
        let text = format!("FROM debian:12\n{}ADD a /a\n", "RUN true\n".repeat(version));
        client.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
        );
    }
    let published = client.diagnostics_until(&uri, 20);
    assert_eq!(published.len(), 1, "more than the last text was computed: {published:#?}");
    let last = published[0]["diagnostics"].as_array().unwrap();
    assert_eq!(codes(last), ["copy-not-add"]);
    assert_eq!(last[0]["range"]["start"]["line"], 21);
    assert!(client.shutdown_and_exit().success());
}
