//! The README's editor configurations, read from the README itself, do what they promise with the real binary:
//! each language-server command starts a server whose formatting equals `dfix --apply`, and each formatter command
//! line (conform.nvim, VS Code's Custom Format, Zed) prints what `dfix --apply` writes. Neovim's built-in client and
//! Emacs' eglot also run in real editors (tests/neovim.rs, tests/emacs.rs); Helix, VS Code and Zed are not packaged
//! for the test machines, so their configurations are checked here by what they would run.

#[path = "support/lsp_client.rs"]
mod lsp_client;
#[path = "support/readme_blocks.rs"]
mod readme_blocks;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use lsp_client::{Client, binary, uri};
use serde_json::{Value, json};

const LEGACY: &str = include_str!("../examples/legacy/Dockerfile");

/// A directory holding a copy of the legacy example, and what `dfix --apply` makes of it.
fn fixture() -> (tempfile::TempDir, PathBuf, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("Dockerfile");
    let cli = tempfile::tempdir().unwrap();
    fs::write(cli.path().join("Dockerfile"), LEGACY).unwrap();
    let output = Command::new(binary()).arg("--apply").arg(cli.path().join("Dockerfile")).output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let expected = fs::read_to_string(cli.path().join("Dockerfile")).unwrap();
    assert_ne!(expected, LEGACY);
    fs::write(&path, LEGACY).unwrap();
    (dir, path, expected)
}

/// Run a formatter command line as an editor does: the program must be `dfix`, the buffer on stdin, the result
/// on stdout.
fn run_formatter(argv: &[String], dir: &Path) -> String {
    assert_eq!(argv[0], "dfix", "{argv:?}");
    let mut child = Command::new(binary())
        .args(&argv[1..])
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), LEGACY.as_bytes()).unwrap();
    drop(child.stdin.take());
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{argv:?}");
    String::from_utf8(output.stdout).unwrap()
}

/// Start a configured language-server command, open the example and format it as the editor would.
fn format_through_server(argv: &[String], dir: &Path, path: &Path) -> String {
    assert_eq!(argv[0], "dfix", "{argv:?}");
    let args: Vec<&str> = argv[1..].iter().map(String::as_str).collect();
    let mut client = Client::start_command(&binary(), &args, dir, &[]);
    client.initialize(dir, json!({"textDocument": {"formatting": {}, "publishDiagnostics": {}}}), Value::Null);
    let uri = uri(path);
    client.open(&uri, "dockerfile", 1, LEGACY);
    assert!(!client.diagnostics(&uri, 1).is_empty());
    let params = json!({"textDocument": {"uri": uri}, "options": {"tabSize": 4, "insertSpaces": true}});
    let edits = client.request("textDocument/formatting", params).as_array().cloned().unwrap();
    let formatted = client.apply(LEGACY, &edits);
    assert!(client.shutdown_and_exit().success());
    formatted
}

/// The single-quoted strings of the Lua table that follows `key = {` in `lua`.
fn lua_list(lua: &str, key: &str) -> Vec<String> {
    let start = lua.find(&format!("{key} = {{")).unwrap_or_else(|| panic!("no `{key} = {{` in {lua}"));
    let table = &lua[start..start + lua[start..].find('}').unwrap()];
    table.split('\'').skip(1).step_by(2).map(str::to_string).collect()
}

#[test]
fn neovim_configurations_start_the_server_and_the_formatter() {
    let (dir, path, expected) = fixture();
    let builtin = readme_blocks::block("Neovim's built-in client", "lua");
    let cmd = lua_list(&builtin, "cmd");
    assert_eq!(cmd, ["dfix", "server"]);
    assert_eq!(format_through_server(&cmd, dir.path(), &path), expected);

    let conform = readme_blocks::block("conform.nvim", "lua");
    assert!(conform.contains("stdin = true"), "{conform}");
    let args = lua_list(&conform, "args");
    let argv: Vec<String> = std::iter::once("dfix".to_string())
        .chain(args.iter().map(|a| a.replace("$FILENAME", path.to_str().unwrap())))
        .collect();
    assert_eq!(run_formatter(&argv, dir.path()), expected);
}

#[test]
fn helix_language_server_formats_like_dfix_apply() {
    let (dir, path, expected) = fixture();
    let config: toml::Value = toml::from_str(&readme_blocks::block("Helix", "toml")).unwrap();
    let server = &config["language-server"]["dfix"];
    let mut argv = vec![server["command"].as_str().unwrap().to_string()];
    argv.extend(server["args"].as_array().unwrap().iter().map(|a| a.as_str().unwrap().to_string()));
    let language = config["language"].as_array().unwrap().iter().find(|l| l["name"].as_str() == Some("dockerfile"));
    let language = language.expect("a [[language]] for dockerfile");
    assert_eq!(language["language-servers"][0].as_str(), Some("dfix"), "dfix first, so it formats");
    assert_eq!(language["auto-format"].as_bool(), Some(true));
    assert_eq!(format_through_server(&argv, dir.path(), &path), expected);
}

#[test]
fn vs_code_custom_format_command_formats_like_dfix_apply() {
    let (dir, path, expected) = fixture();
    let settings: Value = serde_json::from_str(&format!("{{{}}}", readme_blocks::block("VS Code", "jsonc"))).unwrap();
    let formatter = &settings["custom-format.formatters"][0];
    assert_eq!(formatter["language"], "dockerfile");
    assert_eq!(settings["[dockerfile]"]["editor.formatOnSave"], true);
    let argv: Vec<String> = formatter["command"]
        .as_str()
        .unwrap()
        .split_whitespace()
        .map(|a| a.replace("$FILE", path.to_str().unwrap()))
        .collect();
    assert_eq!(run_formatter(&argv, dir.path()), expected);
}

#[test]
fn zed_external_formatter_formats_like_dfix_apply() {
    let (dir, path, expected) = fixture();
    let settings: Value = serde_json::from_str(&format!("{{{}}}", readme_blocks::block("Zed", "json"))).unwrap();
    let language = &settings["languages"]["Dockerfile"];
    assert_eq!(language["format_on_save"], "on");
    let external = &language["formatter"]["external"];
    let mut argv = vec![external["command"].as_str().unwrap().to_string()];
    argv.extend(
        external["arguments"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap().replace("{buffer_path}", path.to_str().unwrap())),
    );
    assert_eq!(run_formatter(&argv, dir.path()), expected);
}
