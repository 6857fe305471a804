//! Documentation pages the diagnostics link to (`codeDescription.href`) when neither the editor (`docsUrl`) nor the
//! package (its `repository`) names a web page: `dfix explain`'s text for every transform, written once as
//! Markdown files under dfix's cache directory (`<cache>/docs/<version>/<id>.md`), linked as `file://` URIs, which
//! editors open in a buffer. A file is rewritten only when its text differs (another version of dfix writes its own
//! directory). When no directory can be written, diagnostics carry no link.

use std::fs;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::OnceLock;

use lsp_types::Uri;

use crate::registry::cache::Cache;
use crate::transforms::TRANSFORMS;

/// The link for transform `id`'s page, writing the pages on first use.
pub fn href(id: &str) -> Option<Uri> {
    static DIR: OnceLock<Option<PathBuf>> = OnceLock::new();
    let dir = DIR.get_or_init(|| {
        let dir = Cache::dir()?.join("docs").join(env!("CARGO_PKG_VERSION"));
        write_pages(&dir).ok()?;
        Some(dir)
    });
    let path = dir.as_ref()?.join(format!("{id}.md"));
    path.is_file().then(|| file_uri(&path)).flatten()
}

/// Write every transform's page into `dir`.
pub fn write_pages(dir: &Path) -> std::io::Result<()> {
    fs::create_dir_all(dir)?;
    for t in TRANSFORMS.iter() {
        let meta = t.meta();
        let path = dir.join(format!("{}.md", meta.id));
        let text = crate::cli::explain::render(meta);
        if fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            // Through a temporary file, so a concurrent server never reads half a page.
            let tmp = dir.join(format!(".{}.md.{}", meta.id, std::process::id()));
            fs::write(&tmp, &text)?;
            fs::rename(&tmp, &path)?;
        }
    }
    Ok(())
}

/// `file://` URI of an absolute path, with the characters a URI path cannot hold percent-encoded.
fn file_uri(path: &Path) -> Option<Uri> {
    let path = path.canonicalize().ok()?;
    let mut uri = String::from("file://");
    for b in path.to_str()?.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'.' | b'_' | b'~' => uri.push(b as char),
            _ => uri.push_str(&format!("%{b:02X}")),
        }
    }
    Uri::from_str(&uri).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_hold_explain_text_and_links_are_file_uris() {
        let dir = std::env::temp_dir().join(format!("dfix-docs-test-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        write_pages(&dir).unwrap();
        let meta = TRANSFORMS.iter().map(|t| t.meta()).find(|m| m.id == "merge-runs").unwrap();
        let page = fs::read_to_string(dir.join("merge-runs.md")).unwrap();
        assert_eq!(page, crate::cli::explain::render(meta));
        assert!(page.starts_with("# merge-runs\n"));
        let spaced = dir.join("a b");
        fs::create_dir_all(&spaced).unwrap();
        let uri = file_uri(&spaced).unwrap();
        assert!(uri.as_str().starts_with("file:///"), "{}", uri.as_str());
        assert!(uri.as_str().ends_with("/a%20b"), "{}", uri.as_str());
        fs::remove_dir_all(&dir).unwrap();
    }
}
