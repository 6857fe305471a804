//! Finding the Dockerfiles to work on.
//!
//! A path named on the command line is taken as it is when it is a file, whatever its name, and searched when it
//! is a directory (even one called `Dockerfile`). Searching uses the `ignore` crate, like ripgrep: hidden files and
//! directories are skipped, and so is whatever `.gitignore`, `.ignore` and git's exclude files exclude; those are
//! honoured outside git repositories too. Symbolic links met while searching are not followed, so a file is never
//! reached twice through a link. The result is sorted and free of duplicates, which is what makes the output order
//! stable.

use std::collections::HashSet;
use std::ffi::OsStr;
use std::path::{Component, Path, PathBuf};

/// Whole file names that are Dockerfiles (compared case-insensitively).
const NAMES: &[&str] = &["dockerfile", "containerfile"];
/// Suffixes that make a Dockerfile: `api.Dockerfile`, `web.containerfile`.
const SUFFIXES: &[&str] = &[".dockerfile", ".containerfile"];
/// Prefixes that make a Dockerfile: `Dockerfile.dev`, `Containerfile.arm64`.
const PREFIXES: &[&str] = &["dockerfile.", "containerfile."];
/// Extensions after a `Dockerfile.` prefix that mean another kind of file: BuildKit's per-Dockerfile ignore files,
/// templates, source code about Dockerfiles, documentation and leftovers of merges and editors.
const NOT_DOCKERFILES: &[&str] = &[
    "dockerignore",
    "j2",
    "jinja",
    "jinja2",
    "tmpl",
    "tpl",
    "template",
    "rs",
    "go",
    "py",
    "js",
    "ts",
    "java",
    "rb",
    "md",
    "txt",
    "rst",
    "json",
    "yaml",
    "yml",
    "toml",
    "orig",
    "rej",
    "swp",
    "bak",
    "lock",
];

/// What [`collect`] found.
#[derive(Debug, Default)]
pub struct Found {
    /// The Dockerfiles, sorted, each once. Paths are as given, without `./` components.
    pub files: Vec<PathBuf>,
    /// Paths that do not exist and directories that could not be read. The rest of the search goes on.
    pub errors: Vec<WalkError>,
}

#[derive(Debug, thiserror::Error)]
pub enum WalkError {
    #[error("{}: no such file or directory", .path.display())]
    NotFound { path: PathBuf },
    #[error("{}: {source}", .path.display())]
    Stat { path: PathBuf, source: std::io::Error },
    #[error("{0}")]
    Search(#[from] ignore::Error),
}

/// Whether a file found while searching a directory is a Dockerfile, judging by its name.
pub fn is_dockerfile_name(name: &OsStr) -> bool {
    let Some(name) = name.to_str() else {
        return false;
    };
    let name = name.to_ascii_lowercase();
    if NAMES.contains(&name.as_str()) || SUFFIXES.iter().any(|s| name.ends_with(s) && name.len() > s.len()) {
        return true;
    }
    PREFIXES.iter().any(|prefix| {
        name.strip_prefix(prefix).is_some_and(|rest| {
            let extension = rest.rsplit('.').next().unwrap_or(rest);
            !rest.is_empty() && !NOT_DOCKERFILES.contains(&extension)
        })
    })
}

/// Find the Dockerfiles named by or under `paths`.
pub fn collect(paths: &[PathBuf]) -> Found {
    let mut found = Found::default();
    for path in paths {
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => search(path, &mut found),
            Ok(_) => found.files.push(path.clone()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                found.errors.push(WalkError::NotFound { path: path.clone() })
            }
            Err(source) => found.errors.push(WalkError::Stat { path: path.clone(), source }),
        }
    }
    found.files = found.files.iter().map(|p| tidy(p)).collect();
    found.files.sort();
    // The same file named twice, or through a link, is worked on once.
    let mut seen = HashSet::new();
    found.files.retain(|p| seen.insert(p.canonicalize().unwrap_or_else(|_| p.clone())));
    found
}

fn search(root: &Path, found: &mut Found) {
    let walker = ignore::WalkBuilder::new(root).standard_filters(true).require_git(false).follow_links(false).build();
    for entry in walker {
        match entry {
            Ok(entry) => {
                let is_file = entry.file_type().is_some_and(|t| t.is_file());
                if is_file && entry.depth() > 0 && is_dockerfile_name(entry.file_name()) {
                    found.files.push(entry.into_path());
                }
            }
            Err(e) => found.errors.push(e.into()),
        }
    }
}

/// Drop `.` components: `./Dockerfile` is shown, and put in diff headers, as `Dockerfile`.
fn tidy(path: &Path) -> PathBuf {
    let tidy: PathBuf = path.components().filter(|c| *c != Component::CurDir).collect();
    if tidy.as_os_str().is_empty() { path.to_path_buf() } else { tidy }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_dockerfile_names() {
        for name in [
            "Dockerfile",
            "dockerfile",
            "DOCKERFILE",
            "Containerfile",
            "api.Dockerfile",
            "api.dockerfile",
            "web.containerfile",
            "Dockerfile.dev",
            "dockerfile.prod",
            "Containerfile.arm64",
            "Dockerfile.prod.slim",
        ] {
            assert!(is_dockerfile_name(OsStr::new(name)), "{name} should match");
        }
        for name in [
            ".dockerignore",
            "Dockerfile.dockerignore",
            "api.Dockerfile.dockerignore",
            "dockerfile.rs",
            "Dockerfile.j2",
            "Dockerfile.orig",
            ".dockerfile",
            "Dockerfile.",
            "Dockerfiles",
            "my-dockerfile",
            "README.md",
            "docker-compose.yml",
        ] {
            assert!(!is_dockerfile_name(OsStr::new(name)), "{name} should not match");
        }
    }

    #[test]
    fn tidy_drops_current_dir_components() {
        assert_eq!(tidy(Path::new("./Dockerfile")), Path::new("Dockerfile"));
        assert_eq!(tidy(Path::new("./a/./Dockerfile")), Path::new("a/Dockerfile"));
        assert_eq!(tidy(Path::new("/abs/Dockerfile")), Path::new("/abs/Dockerfile"));
    }

    #[test]
    fn collects_sorted_unique_files() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        std::fs::create_dir_all(root.join("b/Dockerfile")).unwrap();
        std::fs::create_dir_all(root.join(".hidden")).unwrap();
        std::fs::write(root.join("b/Dockerfile/Containerfile"), "FROM a\n").unwrap();
        std::fs::write(root.join("a.Dockerfile"), "FROM a\n").unwrap();
        std::fs::write(root.join(".hidden/Dockerfile"), "FROM a\n").unwrap();
        std::fs::write(root.join("notes.txt"), "").unwrap();
        std::fs::write(root.join("odd-name"), "FROM a\n").unwrap();
        let found = collect(&[root.to_path_buf(), root.join("odd-name"), root.join("a.Dockerfile")]);
        assert!(found.errors.is_empty(), "{:?}", found.errors);
        let names: Vec<_> = found.files.iter().map(|p| p.strip_prefix(root).unwrap().to_path_buf()).collect();
        assert_eq!(names, [Path::new("a.Dockerfile"), Path::new("b/Dockerfile/Containerfile"), Path::new("odd-name")]);
    }

    #[test]
    fn missing_paths_are_errors() {
        let found = collect(&[PathBuf::from("/definitely/not/here/Dockerfile")]);
        assert!(found.files.is_empty());
        assert_eq!(found.errors[0].to_string(), "/definitely/not/here/Dockerfile: no such file or directory");
    }
}
