//! Image references as written in FROM: `[registry[:port]/]repository[:tag][@digest]`, split with their ranges.

use std::ops::Range;

/// An image reference split into its parts. Ranges are relative to the reference text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRef {
    /// `registry.example.com:5000`, `localhost:5000`; `None` for Docker Hub short names.
    pub registry: Option<String>,
    /// `library/python` is written `python`: this is the path as written (`python`, `user/app`, `org/team/app`).
    pub repository: String,
    pub tag: Option<String>,
    /// `sha256:...`
    pub digest: Option<String>,
    pub repository_range: Range<usize>,
    pub tag_range: Option<Range<usize>>,
    pub digest_range: Option<Range<usize>>,
    /// Whether the reference contains a variable (`$X`, `${X}`): its parts are then only what is written.
    pub has_variable: bool,
}

impl ImageRef {
    /// Split a reference. Returns `None` for text that cannot be one (empty, spaces).
    pub fn parse(text: &str) -> Option<ImageRef> {
        if text.is_empty() || text.chars().any(char::is_whitespace) {
            return None;
        }
        let (name_part, digest, digest_range) = match text.find('@') {
            Some(at) => (&text[..at], Some(text[at + 1..].to_string()), Some(at + 1..text.len())),
            None => (text, None, None),
        };
        // The tag is after the last ':' that follows the last '/'.
        let last_slash = name_part.rfind('/').map(|i| i + 1).unwrap_or(0);
        let (repo_full, tag, tag_range) = match name_part[last_slash..].rfind(':') {
            Some(i) => {
                let colon = last_slash + i;
                (&name_part[..colon], Some(name_part[colon + 1..].to_string()), Some(colon + 1..name_part.len()))
            }
            None => (name_part, None, None),
        };
        let (registry, repository, repository_range) = match repo_full.find('/') {
            Some(i) => {
                let first = &repo_full[..i];
                if first.contains('.') || first.contains(':') || first == "localhost" {
                    (Some(first.to_string()), repo_full[i + 1..].to_string(), i + 1..repo_full.len())
                } else {
                    (None, repo_full.to_string(), 0..repo_full.len())
                }
            }
            None => (None, repo_full.to_string(), 0..repo_full.len()),
        };
        if repository.is_empty() {
            return None;
        }
        Some(ImageRef {
            registry,
            repository,
            tag,
            digest,
            repository_range,
            tag_range,
            digest_range,
            has_variable: text.contains('$'),
        })
    }

    /// The repository without the implicit `library/` of Docker Hub official images (`python` for both
    /// `python` and `docker.io/library/python`).
    pub fn short_name(&self) -> &str {
        let on_hub =
            matches!(self.registry.as_deref(), None | Some("docker.io" | "index.docker.io" | "registry-1.docker.io"));
        if on_hub { self.repository.strip_prefix("library/").unwrap_or(&self.repository) } else { &self.repository }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_parts() {
        let r = ImageRef::parse("registry.example.com:5000/team/app:1.2@sha256:abc").unwrap();
        assert_eq!(r.registry.as_deref(), Some("registry.example.com:5000"));
        assert_eq!(r.repository, "team/app");
        assert_eq!(r.tag.as_deref(), Some("1.2"));
        assert_eq!(r.digest.as_deref(), Some("sha256:abc"));

        let r = ImageRef::parse("python:3.12-slim").unwrap();
        assert_eq!(
            (r.registry.as_deref(), r.repository.as_str(), r.tag.as_deref()),
            (None, "python", Some("3.12-slim"))
        );
        assert_eq!(r.tag_range, Some(7..16));

        let r = ImageRef::parse("localhost/app").unwrap();
        assert_eq!(r.registry.as_deref(), Some("localhost"));
        let r = ImageRef::parse("user/app").unwrap();
        assert_eq!((r.registry, r.repository.as_str(), r.tag), (None, "user/app", None));
        assert_eq!(ImageRef::parse("docker.io/library/node:20").unwrap().short_name(), "node");
        assert!(ImageRef::parse("${BASE}").unwrap().has_variable);
    }
}
