//! Finding the Dockerfiles to work on.
//!
//! A path named on the command line is taken as it is when it is a file, whatever its name, and searched when it
//! is a directory (even one called `Dockerfile`). Searching uses the `ignore` crate, like ripgrep: hidden files and
//! directories are skipped, and so is whatever `.gitignore`, `.ignore` and git's exclude files exclude; those are
//! honoured outside git repositories too. Symbolic links met while searching are skipped (not followed), so a file
//! is never reached twice through a link; a link named on the command line is taken, and `--apply` writes through it
//! to its target (see [`crate::write`]). Files are yielded as they are found ([`Walk`]), in sorted order and free of
//! duplicates, which is what makes the output order stable without holding every path of a large tree.

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

/// One thing met by [`Walk`].
#[derive(Debug)]
pub enum Entry {
    /// A Dockerfile to work on.
    File(PathBuf),
    /// A temporary file left beside a Dockerfile by an interrupted `--apply` (only with [`Walk::with_temps`]).
    Temp(PathBuf),
    /// A path that could not be searched; the walk goes on.
    Error(WalkError),
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

/// Find the Dockerfiles named by or under `paths`, all at once.
pub fn collect(paths: &[PathBuf]) -> Found {
    let mut found = Found::default();
    for entry in Walk::new(paths) {
        match entry {
            Entry::File(path) => found.files.push(path),
            Entry::Temp(_) => {}
            Entry::Error(e) => found.errors.push(e),
        }
    }
    found
}

/// The Dockerfiles named by or under some paths, found one at a time, so that a run over a huge tree never holds
/// the whole list. The paths are taken in sorted order and each directory is searched in sorted order, which gives
/// the same order as sorting every path found. A file reached twice (named twice, or through a link) is yielded
/// once; only a walk over several paths needs to remember what it yielded for that.
pub struct Walk {
    roots: std::vec::IntoIter<PathBuf>,
    current: Option<ignore::Walk>,
    seen: Option<HashSet<FileId>>,
    temps: bool,
    /// The temporary files of each directory holding a file named on the command line, read once per directory
    /// (a command line can name thousands of files of one directory).
    dir_temps: std::collections::HashMap<PathBuf, Vec<PathBuf>>,
    pending: std::collections::VecDeque<Entry>,
}

impl Walk {
    pub fn new(paths: &[PathBuf]) -> Self {
        let mut roots: Vec<PathBuf> = paths.iter().map(|p| tidy(p)).collect();
        roots.sort();
        roots.dedup();
        let seen = (roots.len() > 1).then(HashSet::new);
        Self {
            roots: roots.into_iter(),
            current: None,
            seen,
            temps: false,
            dir_temps: Default::default(),
            pending: Default::default(),
        }
    }

    /// Also yield the temporary files an interrupted `--apply` left beside the Dockerfiles (see
    /// [`crate::write::is_temp_name`]), so that they can be cleaned up.
    pub fn with_temps(mut self) -> Self {
        self.temps = true;
        self
    }

    fn start(&mut self, root: PathBuf) {
        match std::fs::metadata(&root) {
            Ok(meta) if meta.is_dir() => {
                let temps = self.temps;
                let walker = ignore::WalkBuilder::new(&root)
                    .standard_filters(true)
                    .hidden(false)
                    .require_git(false)
                    .follow_links(false)
                    .sort_by_file_name(|a, b| a.cmp(b))
                    // Hidden files and directories are skipped, as by the `hidden` filter, except our temporary
                    // files when they are wanted.
                    .filter_entry(move |e| {
                        let hidden = e.file_name().to_str().is_some_and(|n| n.starts_with('.'));
                        e.depth() == 0
                            || !hidden
                            || (temps
                                && e.file_type().is_some_and(|t| t.is_file())
                                && crate::write::is_temp_name(e.file_name()))
                    })
                    .build();
                self.current = Some(walker);
            }
            Ok(meta) => {
                // A file named twice (through a link, say) is taken once.
                if let Some(seen) = &mut self.seen
                    && !seen.insert(FileId::from_metadata(&root, &meta))
                {
                    return;
                }
                if self.temps {
                    let dir = crate::write::dir_of(&root).to_path_buf();
                    let temps = self.dir_temps.entry(dir).or_insert_with_key(|d| crate::write::temps_in(d));
                    if !temps.is_empty() {
                        self.pending.extend(crate::write::temps_for(&root, temps).into_iter().map(Entry::Temp));
                    }
                }
                self.pending.push_back(Entry::File(root));
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                self.pending.push_back(Entry::Error(WalkError::NotFound { path: root }))
            }
            Err(source) => self.pending.push_back(Entry::Error(WalkError::Stat { path: root, source })),
        }
    }

    /// The next entry of the directory being searched, if any.
    fn next_in_dir(&mut self) -> Option<Entry> {
        let walker = self.current.as_mut()?;
        for entry in walker.by_ref() {
            match entry {
                Ok(entry) => {
                    let is_file = entry.file_type().is_some_and(|t| t.is_file());
                    if !is_file || entry.depth() == 0 {
                        continue;
                    }
                    if crate::write::is_temp_name(entry.file_name()) {
                        return Some(Entry::Temp(entry.into_path()));
                    }
                    if is_dockerfile_name(entry.file_name()) {
                        return Some(Entry::File(tidy(entry.path())));
                    }
                }
                Err(e) => return Some(Entry::Error(e.into())),
            }
        }
        self.current = None;
        None
    }

    /// Whether `path` was not yielded before.
    fn first_time(&mut self, path: &Path) -> bool {
        match &mut self.seen {
            Some(seen) => seen.insert(FileId::of(path)),
            None => true,
        }
    }
}

/// What identifies a file however it is reached: on Unix its device and inode (one `stat`, where resolving the
/// path would read every component of it), elsewhere its canonical path. A path that cannot be resolved stands for
/// itself.
#[derive(PartialEq, Eq, Hash)]
enum FileId {
    #[cfg(unix)]
    Inode(u64, u64),
    Path(PathBuf),
}

impl FileId {
    fn of(path: &Path) -> FileId {
        match std::fs::metadata(path) {
            Ok(meta) => FileId::from_metadata(path, &meta),
            Err(_) => FileId::Path(path.to_path_buf()),
        }
    }

    /// The identity of the file at `path`, whose metadata (following links) is `meta`.
    #[cfg_attr(unix, allow(unused_variables))]
    fn from_metadata(path: &Path, meta: &std::fs::Metadata) -> FileId {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            FileId::Inode(meta.dev(), meta.ino())
        }
        #[cfg(not(unix))]
        FileId::Path(path.canonicalize().unwrap_or_else(|_| path.to_path_buf()))
    }
}

impl Iterator for Walk {
    type Item = Entry;

    fn next(&mut self) -> Option<Entry> {
        loop {
            // Files named as roots were checked against those seen when their root was started.
            if let Some(entry) = self.pending.pop_front() {
                return Some(entry);
            }
            let Some(entry) = self.next_in_dir() else {
                let root = self.roots.next()?;
                self.start(root);
                continue;
            };
            if let Entry::File(path) = &entry
                && !self.first_time(path)
            {
                continue;
            }
            return Some(entry);
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

    /// A file named on the command line both directly and through a link is taken once, under the first name.
    #[cfg(unix)]
    #[test]
    fn a_file_named_twice_is_taken_once() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        std::fs::write(root.join("Dockerfile"), "FROM a\n").unwrap();
        std::os::unix::fs::symlink(root.join("Dockerfile"), root.join("link.Dockerfile")).unwrap();
        std::fs::write(root.join("other"), "FROM a\n").unwrap();
        let found = collect(&[root.join("link.Dockerfile"), root.join("other"), root.join("Dockerfile")]);
        assert_eq!(found.files, [root.join("Dockerfile"), root.join("other")]);
    }

    #[test]
    fn missing_paths_are_errors() {
        let found = collect(&[PathBuf::from("/definitely/not/here/Dockerfile")]);
        assert!(found.files.is_empty());
        assert_eq!(found.errors[0].to_string(), "/definitely/not/here/Dockerfile: no such file or directory");
    }
}
