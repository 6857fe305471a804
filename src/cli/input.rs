//! Reading a Dockerfile into text: refusing binary files and anything that is not UTF-8, and setting aside a
//! byte order mark so the parser never sees it (it is put back on output).

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use crate::write::Stamp;

/// How much of a file is searched for a NUL byte to decide it is binary, as git and ripgrep do.
const BINARY_PROBE: usize = 8 * 1024;
const BOM: &str = "\u{feff}";

/// A decoded Dockerfile.
#[derive(Debug, Clone)]
pub struct Source {
    /// The whole file, byte order mark included.
    pub text: String,
    /// Size and modification time when read (`None` for stdin).
    pub stamp: Option<Stamp>,
}

impl Source {
    /// The text the parser sees: without the byte order mark.
    pub fn body(&self) -> &str {
        self.text.strip_prefix(BOM).unwrap_or(&self.text)
    }

    /// A new body with the original's byte order mark, if it had one.
    pub fn restore(&self, body: &str) -> String {
        if self.text.starts_with(BOM) { format!("{BOM}{body}") } else { body.to_string() }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error(
        "{}: permission denied; check the file's permissions, or run dfix as a user who can read it",
        .path.display()
    )]
    PermissionDenied { path: PathBuf },
    #[error("{}: failed to read: {source}", .path.display())]
    Read { path: PathBuf, source: io::Error },
    #[error("{}: looks binary (NUL byte at byte offset {offset}); dfix only reads text Dockerfiles", .path.display())]
    Binary { path: PathBuf, offset: usize },
    #[error("{}: encoded as UTF-16; dfix only reads UTF-8 Dockerfiles", .path.display())]
    Utf16 { path: PathBuf },
    #[error("{}: not valid UTF-8 (byte offset {offset}); dfix only reads UTF-8 Dockerfiles", .path.display())]
    NotUtf8 { path: PathBuf, offset: usize },
}

/// Read and decode the file at `path`.
pub fn read_file(path: &Path) -> Result<Source, InputError> {
    let read = || -> io::Result<(Vec<u8>, Stamp)> {
        let mut file = File::open(path)?;
        let stamp = Stamp::of(&file.metadata()?);
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes)?;
        Ok((bytes, stamp))
    };
    let (bytes, stamp) = read().map_err(|source| match source.kind() {
        io::ErrorKind::PermissionDenied => InputError::PermissionDenied { path: path.into() },
        _ => InputError::Read { path: path.into(), source },
    })?;
    Ok(Source { text: decode(path, bytes)?, stamp: Some(stamp) })
}

/// Decode `bytes` read from `path` (which is only used in messages).
pub fn decode(path: &Path, bytes: Vec<u8>) -> Result<String, InputError> {
    if bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]) {
        return Err(InputError::Utf16 { path: path.into() });
    }
    let probe = &bytes[..bytes.len().min(BINARY_PROBE)];
    if let Some(offset) = memchr::memchr(0, probe) {
        return Err(InputError::Binary { path: path.into(), offset });
    }
    String::from_utf8(bytes)
        .map_err(|e| InputError::NotUtf8 { path: path.into(), offset: e.utf8_error().valid_up_to() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_binary_utf16_and_invalid_utf8() {
        let p = Path::new("Dockerfile");
        assert_eq!(
            decode(p, b"FROM a\n\0".to_vec()).unwrap_err().to_string(),
            "Dockerfile: looks binary (NUL byte at byte offset 7); dfix only reads text Dockerfiles"
        );
        assert_eq!(
            decode(p, b"FROM caf\xe9\n".to_vec()).unwrap_err().to_string(),
            "Dockerfile: not valid UTF-8 (byte offset 8); dfix only reads UTF-8 Dockerfiles"
        );
        assert!(matches!(decode(p, b"\xff\xfeF\0".to_vec()), Err(InputError::Utf16 { .. })));
        assert_eq!(decode(p, "FROM café\n".into()).unwrap(), "FROM café\n");
    }

    #[test]
    fn keeps_the_byte_order_mark_out_of_the_body() {
        let source = Source { text: format!("{BOM}FROM a\n"), stamp: None };
        assert_eq!(source.body(), "FROM a\n");
        assert_eq!(source.restore("FROM b\n"), format!("{BOM}FROM b\n"));
        let plain = Source { text: "FROM a\n".into(), stamp: None };
        assert_eq!(plain.restore("FROM b\n"), "FROM b\n");
    }
}
