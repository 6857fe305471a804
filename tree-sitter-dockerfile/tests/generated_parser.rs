//! `src/parser.c` (and the JSON files generated with it) must be what `tree-sitter generate` makes of `grammar.js`.
//! CI has no tree-sitter CLI: without it on PATH (or without the JavaScript runtime it needs) the test is skipped.

use std::path::{Path, PathBuf};
use std::process::Command;

const GENERATED: [&str; 3] = ["src/parser.c", "src/grammar.json", "src/node-types.json"];

/// A scratch directory, removed when dropped.
struct ScratchDir(PathBuf);

impl ScratchDir {
    fn new() -> Self {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        let dir = std::env::temp_dir().join(format!("tree-sitter-dockerfile-generate-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("create a scratch directory");
        ScratchDir(dir)
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn parser_c_is_up_to_date() {
    let version = match Command::new("tree-sitter").arg("--version").output() {
        Ok(out) if out.status.success() => String::from_utf8_lossy(&out.stdout).trim().to_string(),
        _ => {
            eprintln!("skipped: the tree-sitter CLI is not on PATH, so src/parser.c is not checked against grammar.js");
            return;
        }
    };
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let scratch = ScratchDir::new();
    for file in ["grammar.js", "tree-sitter.json", "package.json"] {
        std::fs::copy(crate_dir.join(file), scratch.0.join(file)).unwrap_or_else(|e| panic!("copy {file}: {e}"));
    }
    let out =
        Command::new("tree-sitter").arg("generate").current_dir(&scratch.0).output().expect("run tree-sitter generate");
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        if stderr.contains("Failed to run `") {
            eprintln!("skipped: tree-sitter generate cannot run its JavaScript runtime:\n{stderr}");
            return;
        }
        panic!("tree-sitter generate fails on grammar.js ({version}):\n{stderr}");
    }
    let stale: Vec<&str> = GENERATED
        .into_iter()
        .filter(|file| {
            let committed = std::fs::read(crate_dir.join(file)).unwrap_or_default();
            let fresh =
                std::fs::read(scratch.0.join(file)).unwrap_or_else(|e| panic!("read the generated {file}: {e}"));
            committed != fresh
        })
        .collect();
    assert!(
        stale.is_empty(),
        "{} differ from what `tree-sitter generate` makes of grammar.js ({version}); \
         run `tree-sitter generate` in tree-sitter-dockerfile/ and commit the result",
        stale.join(", ")
    );
}
