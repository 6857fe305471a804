//! A real editor: batch Emacs with eglot (Debian's `emacs-nox`, `elpa-eglot` and `elpa-dockerfile-mode`), set up
//! with the README's eglot configuration, read from the README itself. It opens a copy of
//! `examples/legacy/Dockerfile`, waits for dfix's diagnostics (through flymake), saves, which formats through eglot
//! on `before-save-hook`, and the written file must equal what `dfix --apply` writes.
//!
//! Without Emacs, eglot or dockerfile-mode the test is skipped with a loud message, unless `DFIX_REQUIRE_EDITOR=1`
//! (set by CI), when it fails.

#[path = "support/readme_blocks.rs"]
mod readme_blocks;

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The harness around the README's configuration: what an interactive Emacs does by itself (activate the installed
/// packages, run `post-command-hook` after the command that opened the file, which is when `eglot-ensure`
/// connects), then wait for diagnostics, save as after an edit, and report.
const TEST_EL: &str = r#"
(let ((dir (getenv "DFIX_TEST_DIR")))
  (condition-case err
      (progn
        (package-initialize)
        (require 'eglot)
        (require 'dockerfile-mode)
        (load (expand-file-name "readme.el" dir) nil t)
        (find-file (expand-file-name "Dockerfile" dir))
        (unless (eq major-mode 'dockerfile-mode) (error "major mode is %s" major-mode))
        (run-hooks 'post-command-hook)
        (unless (eglot-current-server) (error "eglot did not connect"))
        (let ((deadline (+ (float-time) 30)))
          (while (and (null (flymake-diagnostics)) (< (float-time) deadline))
            (accept-process-output nil 0.05)))
        (let ((texts (mapcar #'flymake-diagnostic-text (flymake-diagnostics))))
          (with-temp-file (expand-file-name "diagnostics.txt" dir)
            (dolist (text texts) (insert text "\n"))))
        (set-buffer-modified-p t)
        (save-buffer)
        (with-temp-file (expand-file-name "result.txt" dir) (insert "ok"))
        (kill-emacs 0))
    (error
     (with-temp-file (expand-file-name "result.txt" dir) (insert (format "%S" err)))
     (kill-emacs 3))))
"#;

/// Whether `emacs` runs and has eglot and dockerfile-mode.
fn emacs_ready(emacs: &str) -> Result<(), String> {
    let probe = Command::new(emacs)
        .args(["--batch", "--eval", "(progn (package-initialize) (require 'eglot) (require 'dockerfile-mode))"])
        .output()
        .map_err(|e| format!("`{emacs}` cannot be run ({e})"))?;
    if probe.status.success() {
        Ok(())
    } else {
        Err(format!("`{emacs}` lacks eglot or dockerfile-mode: {}", String::from_utf8_lossy(&probe.stderr).trim()))
    }
}

#[test]
fn emacs_eglot_with_the_readme_configuration_formats_on_save_like_dfix_apply() {
    let emacs = std::env::var("DFIX_EMACS").unwrap_or_else(|_| "emacs".into());
    let required = std::env::var_os("DFIX_REQUIRE_EDITOR").is_some_and(|v| v == "1");
    if let Err(why) = emacs_ready(&emacs) {
        assert!(
            !required,
            "DFIX_REQUIRE_EDITOR=1 but {why}; install Debian's emacs-nox elpa-eglot elpa-dockerfile-mode"
        );
        eprintln!("\n!!! SKIPPED emacs_eglot_with_the_readme_configuration_formats_on_save_like_dfix_apply: {why}\n");
        return;
    }
    let bin = Path::new(env!("CARGO_BIN_EXE_dfix"));
    let legacy = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/legacy/Dockerfile")).unwrap();
    let editor = tempfile::tempdir().unwrap();
    fs::write(editor.path().join("Dockerfile"), &legacy).unwrap();
    fs::write(editor.path().join("test.el"), TEST_EL).unwrap();
    let config = readme_blocks::block("Emacs with eglot", "elisp");
    assert!(config.contains("(\"dfix\" \"server\")"), "{config}");
    fs::write(editor.path().join("readme.el"), config).unwrap();

    // What the command line writes, in a directory of its own (no dfix.toml in either).
    let cli = tempfile::tempdir().unwrap();
    fs::write(cli.path().join("Dockerfile"), &legacy).unwrap();
    let status = Command::new(bin).arg("--apply").arg(cli.path().join("Dockerfile")).output().unwrap().status;
    assert_eq!(status.code(), Some(0));
    let expected = fs::read_to_string(cli.path().join("Dockerfile")).unwrap();
    assert_ne!(expected, legacy);

    // The README's configuration starts `dfix` from PATH.
    let path = std::env::join_paths(
        std::iter::once(bin.parent().unwrap().to_path_buf())
            .chain(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())),
    )
    .unwrap();
    let home = editor.path().join("home");
    let mut child = Command::new(&emacs)
        .args(["--batch", "-l"])
        .arg(editor.path().join("test.el"))
        .current_dir(editor.path())
        .env("DFIX_TEST_DIR", editor.path())
        .env("PATH", path)
        .env("HOME", &home)
        .env("XDG_CACHE_HOME", home.join("cache"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(90);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("Emacs did not finish within 90 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let result = fs::read_to_string(editor.path().join("result.txt")).unwrap_or_default();
    assert!(status.success() && result == "ok", "Emacs failed ({status}): {result}");

    // eglot shows each diagnostic as "dfix [code]: message".
    let diagnostics = fs::read_to_string(editor.path().join("diagnostics.txt")).unwrap();
    assert!(diagnostics.lines().any(|l| l.starts_with("dfix [maintainer-label]: ")), "{diagnostics}");
    let written = fs::read_to_string(editor.path().join("Dockerfile")).unwrap();
    assert_eq!(written, expected, "the file Emacs wrote differs from `dfix --apply`");
}
