//! A real editor: headless Neovim with dfix as its language server opens a copy of `examples/legacy/Dockerfile`,
//! waits for dfix's diagnostics, formats the buffer through LSP and writes it. The written file must equal what
//! `dfix --apply` writes.
//!
//! Needs `nvim` (Debian's `neovim`). Without it the test is skipped with a loud message, unless
//! `DFIX_REQUIRE_EDITOR=1` (set by CI), when it fails.

use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// The editor's configuration: start dfix for the buffer, wait for diagnostics, format, write, quit. Any
/// failure is written to `result.txt` and ends Neovim with a non-zero status.
const INIT_LUA: &str = r#"
local dir = os.getenv('DFIX_TEST_DIR')
local function finish(message)
  local f = io.open(dir .. '/result.txt', 'w')
  f:write(message)
  f:close()
  vim.cmd(message == 'ok' and 'qall!' or 'cquit! 3')
end
local ok, err = pcall(function()
  vim.cmd('filetype on')
  vim.cmd('edit ' .. vim.fn.fnameescape(dir .. '/Dockerfile'))
  local buf = vim.api.nvim_get_current_buf()
  assert(vim.bo[buf].filetype == 'dockerfile', 'filetype is ' .. vim.bo[buf].filetype)
  local id = vim.lsp.start_client({ name = 'dfix', cmd = { os.getenv('DFIX_BIN'), 'server', '--stdio' }, root_dir = dir })
  assert(id, 'the client did not start')
  vim.lsp.buf_attach_client(buf, id)
  assert(vim.wait(20000, function() return #vim.diagnostic.get(buf) > 0 end, 20), 'no diagnostics from dfix')
  local codes = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    codes[#codes + 1] = tostring(d.source) .. ':' .. tostring(d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code))
  end
  local f = io.open(dir .. '/diagnostics.txt', 'w')
  f:write(table.concat(codes, '\n'))
  f:close()
  if vim.lsp.buf.format then
    vim.lsp.buf.format({ bufnr = buf, timeout_ms = 20000 })
  else
    vim.lsp.buf.formatting_sync(nil, 20000)
  end
  vim.cmd('write')
end)
finish(ok and 'ok' or tostring(err))
"#;

#[test]
fn neovim_formats_the_legacy_example_like_dfix_apply() {
    let nvim = std::env::var("DFIX_NVIM").unwrap_or_else(|_| "nvim".into());
    let required = std::env::var_os("DFIX_REQUIRE_EDITOR").is_some_and(|v| v == "1");
    if Command::new(&nvim).arg("--version").output().is_err() {
        assert!(!required, "DFIX_REQUIRE_EDITOR=1 but Neovim (`{nvim}`) cannot be run; install Debian's `neovim`");
        eprintln!(
            "\n!!! SKIPPED neovim_formats_the_legacy_example_like_dfix_apply: `{nvim}` not found (apt-get install neovim)\n"
        );
        return;
    }
    let bin = env!("CARGO_BIN_EXE_dfix");
    let legacy = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/legacy/Dockerfile")).unwrap();
    let editor = tempfile::tempdir().unwrap();
    fs::write(editor.path().join("Dockerfile"), &legacy).unwrap();
    fs::write(editor.path().join("init.lua"), INIT_LUA).unwrap();

    // What the command line writes, in a directory of its own (no dfix.toml in either).
    let cli = tempfile::tempdir().unwrap();
    fs::write(cli.path().join("Dockerfile"), &legacy).unwrap();
    let status = Command::new(bin).arg("--apply").arg(cli.path().join("Dockerfile")).output().unwrap().status;
    assert_eq!(status.code(), Some(0));
    let expected = fs::read_to_string(cli.path().join("Dockerfile")).unwrap();
    assert_ne!(expected, legacy);

    let home = editor.path().join("home");
    let mut child = Command::new(&nvim)
        .args(["--headless", "-n", "-i", "NONE", "-u"])
        .arg(editor.path().join("init.lua"))
        .current_dir(editor.path())
        .env("DFIX_TEST_DIR", editor.path())
        .env("DFIX_BIN", bin)
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(90);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("Neovim did not finish within 90 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let result = fs::read_to_string(editor.path().join("result.txt")).unwrap_or_default();
    assert!(status.success() && result == "ok", "Neovim failed ({status}): {result}");

    let diagnostics = fs::read_to_string(editor.path().join("diagnostics.txt")).unwrap();
    assert!(diagnostics.lines().any(|l| l == "dfix:maintainer-label"), "{diagnostics}");
    let written = fs::read_to_string(editor.path().join("Dockerfile")).unwrap();
    assert_eq!(written, expected, "the file Neovim wrote differs from `dfix --apply`");
}
