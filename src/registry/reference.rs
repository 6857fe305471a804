//! Image references normalised the way Docker does it: `python` is `docker.io/library/python:latest`.
//!
//! The rules (from the distribution project's `reference` package): the first path component names a registry
//! when it contains a dot or a colon, or is `localhost`; otherwise the image is on Docker Hub (`docker.io`), where a
//! single-component name gets the `library/` prefix. `index.docker.io` is another name for `docker.io`. No tag means
//! `latest`. Repository components are lowercase; a tag is at most 128 characters of `[A-Za-z0-9_.-]`.

use std::fmt;

/// Docker Hub's registry name, as used in normalised references.
pub const DOCKER_HUB: &str = "docker.io";
/// The host that serves Docker Hub's registry API.
pub const DOCKER_HUB_API: &str = "registry-1.docker.io";

/// A normalised image reference.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Reference {
    /// `docker.io`, `ghcr.io`, `localhost:5000`, `[::1]:5000`.
    pub registry: String,
    /// The path on the registry: `library/python`, `user/app`.
    pub repository: String,
    /// The tag (`latest` when none was written).
    pub tag: String,
    /// Whether the tag was written (`python` has none; `python:latest` has one).
    pub tag_written: bool,
    /// The digest written after `@`, if any.
    pub digest: Option<String>,
}

/// Text that is not a valid image reference.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{text}` is not a valid image reference: {reason}")]
pub struct ReferenceError {
    pub text: String,
    pub reason: &'static str,
}

impl Reference {
    /// Normalise `text` (`[registry/]repository[:tag][@digest]`).
    pub fn parse(text: &str) -> Result<Reference, ReferenceError> {
        let fail = |reason| Err(ReferenceError { text: text.to_string(), reason });
        if text.is_empty() || text.len() > 1024 {
            return fail("empty or too long");
        }
        let (name_tag, digest) = match text.split_once('@') {
            Some((n, d)) => {
                if !is_digest(d) {
                    return fail("the digest is not `algorithm:hex`");
                }
                (n, Some(d.to_string()))
            }
            None => (text, None),
        };
        let last_slash = name_tag.rfind('/').map_or(0, |i| i + 1);
        let (name, tag) = match name_tag[last_slash..].rfind(':') {
            Some(i) => (&name_tag[..last_slash + i], Some(&name_tag[last_slash + i + 1..])),
            None => (name_tag, None),
        };
        if let Some(tag) = tag
            && !is_tag(tag)
        {
            return fail("the tag has characters other than letters, digits, `_`, `.` and `-`");
        }
        let (registry, path) = match name.split_once('/') {
            Some((first, rest)) if first.contains(['.', ':']) || first == "localhost" => (first, rest),
            _ => (DOCKER_HUB, name),
        };
        if !is_host(registry) {
            return fail("the registry is not a host name with an optional port");
        }
        if path.is_empty() || !path.split('/').all(is_path_component) {
            return fail("repository names are lowercase letters, digits and single separators (`.`, `_`, `-`)");
        }
        let registry = if registry == "index.docker.io" { DOCKER_HUB } else { registry };
        let repository =
            if registry == DOCKER_HUB && !path.contains('/') { format!("library/{path}") } else { path.to_string() };
        Ok(Reference {
            registry: registry.to_string(),
            repository,
            tag: tag.unwrap_or("latest").to_string(),
            tag_written: tag.is_some(),
            digest,
        })
    }

    /// `docker.io/library/python:3.12` (no digest): the key resolutions, the cache and the lock file use.
    pub fn key(&self) -> String {
        format!("{}/{}:{}", self.registry, self.repository, self.tag)
    }

    /// `docker.io/library/python`.
    pub fn repository_key(&self) -> String {
        format!("{}/{}", self.registry, self.repository)
    }
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.key())?;
        if let Some(d) = &self.digest {
            write!(f, "@{d}")?;
        }
        Ok(())
    }
}

/// `sha256:<64 hex>` or `sha512:<128 hex>`, lowercase.
pub fn is_digest(text: &str) -> bool {
    let hex = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    match text.split_once(':') {
        Some(("sha256", h)) => hex(h, 64),
        Some(("sha512", h)) => hex(h, 128),
        _ => false,
    }
}

fn is_tag(tag: &str) -> bool {
    let mut bytes = tag.bytes();
    let first_ok = bytes.next().is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_');
    first_ok && tag.len() <= 128 && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
}

fn is_host(host: &str) -> bool {
    let port_ok =
        |p: Option<&str>| p.is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()));
    if let Some(rest) = host.strip_prefix('[') {
        // An IPv6 address in brackets.
        let Some((addr, after)) = rest.split_once(']') else {
            return false;
        };
        let addr_ok = !addr.is_empty() && addr.bytes().all(|b| b.is_ascii_hexdigit() || b == b':');
        return addr_ok && (after.is_empty() || (after.starts_with(':') && port_ok(Some(&after[1..]))));
    }
    let (name, port) = match host.split_once(':') {
        Some((n, p)) => (n, Some(p)),
        None => (host, None),
    };
    let label_ok = |label: &str| {
        !label.is_empty()
            && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !label.starts_with('-')
            && !label.ends_with('-')
    };
    name.split('.').all(label_ok) && port_ok(port)
}

/// `[a-z0-9]+` joined by `.`, `_`, `__` or runs of `-`.
fn is_path_component(component: &str) -> bool {
    let bytes = component.as_bytes();
    if bytes.is_empty() || !bytes[0].is_ascii_alphanumeric() || !bytes[bytes.len() - 1].is_ascii_alphanumeric() {
        return false;
    }
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii_lowercase() || b.is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && matches!(bytes[i], b'.' | b'_' | b'-') {
            i += 1;
        }
        let sep = &component[start..i];
        let ok = sep == "." || sep == "_" || sep == "__" || sep.bytes().all(|b| b == b'-');
        if !ok || start == i {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(text: &str) -> String {
        Reference::parse(text).unwrap().key()
    }

    #[test]
    fn normalises_like_docker() {
        assert_eq!(key("python"), "docker.io/library/python:latest");
        assert_eq!(key("python:3.12-slim"), "docker.io/library/python:3.12-slim");
        assert_eq!(key("user/app:1"), "docker.io/user/app:1");
        assert_eq!(key("docker.io/library/node:20"), "docker.io/library/node:20");
        assert_eq!(key("index.docker.io/library/node:20"), "docker.io/library/node:20");
        assert_eq!(key("docker.io/node"), "docker.io/library/node:latest");
        assert_eq!(key("ghcr.io/org/team/app:v1"), "ghcr.io/org/team/app:v1");
        assert_eq!(key("localhost/app"), "localhost/app:latest");
        assert_eq!(key("localhost:5000/app:2"), "localhost:5000/app:2");
        assert_eq!(key("127.0.0.1:5000/a/b:c"), "127.0.0.1:5000/a/b:c");
        assert_eq!(key("[::1]:5000/app:1"), "[::1]:5000/app:1");
        // A first component without a dot, colon or `localhost` is a Docker Hub user, not a host.
        assert_eq!(key("myregistry/app"), "docker.io/myregistry/app:latest");
    }

    #[test]
    fn tags_and_digests() {
        let r = Reference::parse("python").unwrap();
        assert!(!r.tag_written);
        let d = format!("sha256:{}", "a".repeat(64));
        let r = Reference::parse(&format!("python:3.12@{d}")).unwrap();
        assert_eq!((r.tag.as_str(), r.tag_written, r.digest.as_deref()), ("3.12", true, Some(d.as_str())));
        let r = Reference::parse(&format!("localhost:5000/app@{d}")).unwrap();
        assert_eq!((r.registry.as_str(), r.tag.as_str(), r.tag_written), ("localhost:5000", "latest", false));
    }

    #[test]
    fn rejects_what_docker_rejects() {
        for bad in [
            "",
            "Python:3",
            "python:",
            "python:-x",
            "python@sha256:abc",
            "a//b",
            "-a/b",
            "a/b-",
            "a..b",
            "$BASE",
            "ex ample",
            "host:port/app",
            "python:3.12 ",
        ] {
            assert!(Reference::parse(bad).is_err(), "{bad:?} was accepted");
        }
        assert!(Reference::parse("a__b/c-d--e.f:1").is_ok());
    }
}
