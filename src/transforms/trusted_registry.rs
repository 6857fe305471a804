//! `trusted-registry`: base images from registries outside the configured `trusted-registries` (a note).

use crate::fix::Applicability;
use crate::knowledge::glob_match;
use crate::syntax::{ImageRef, StageBase};
use crate::transforms::{Context, Proposals, Transform, TransformMeta, declare_transform};

declare_transform! {
    /// ## What it does
    /// When `trusted-registries` is set in `dfix.toml`, reports each FROM whose image comes from a registry not in
    /// the list. An entry is a registry host (`docker.io`, `registry.example.com:5000`, `*.gcr.io`) or a host with
    /// a path prefix (`ghcr.io/acme`, `docker.io/library`); Docker Hub is `docker.io` (also written
    /// `index.docker.io`). Without the setting nothing is reported. `FROM $IMAGE` is checked when a global ARG
    /// default gives its value. It is a note: there is no fix.
    ///
    /// ## Why
    /// A base image runs with every permission the build and the container have. Organisations allow only the
    /// registries they mirror or scan; an image from elsewhere bypasses that review.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM quay.io/someone/tool:1.2
    /// ```
    /// With `trusted-registries = ["docker.io", "ghcr.io/acme"]`, reported: "`quay.io/someone/tool:1.2` comes from
    /// quay.io, which is not in trusted-registries".
    ///
    /// ## Options
    /// `trusted-registries` (top level of `dfix.toml`): the list of allowed registries and prefixes.
    ///
    /// ## References
    /// - hadolint DL3026 (use only an allowed registry in the FROM image)
    pub TrustedRegistry {
        id: "trusted-registry",
        summary: "Report base images from registries outside `trusted-registries`",
        applicability: Applicability::DisplayOnly,
        default_enabled: true,
        aliases: ["DL3026"],
        since: "0.1.0",
    }
}

impl Transform for TrustedRegistry {
    fn meta(&self) -> &'static TransformMeta {
        &Self::META
    }

    fn run(&self, cx: &Context<'_>, out: &mut Proposals) {
        let trusted = &cx.config.trusted_registries;
        // No list, no policy.
        if trusted.is_empty() {
            return;
        }
        for stage in cx.file.stages() {
            let StageBase::Image(image) = &stage.base else { continue };
            if is_trusted(image, trusted) {
                continue;
            }
            out.propose(
                stage.image_range.clone(),
                format!("`{}` comes from {}, which is not in trusted-registries", stage.image, registry_of(image)),
            );
        }
    }
}

/// The registry host of an image, Docker Hub as `docker.io`.
fn registry_of(image: &ImageRef) -> String {
    match image.registry.as_deref() {
        None | Some("index.docker.io" | "registry-1.docker.io" | "registry.hub.docker.com") => "docker.io".to_string(),
        Some(r) => r.to_ascii_lowercase(),
    }
}

/// Whether an entry of `trusted-registries` allows the image: the registry, or a path prefix of the full name.
fn is_trusted(image: &ImageRef, trusted: &[String]) -> bool {
    let registry = registry_of(image);
    let repository = match (&image.registry, image.repository.contains('/')) {
        (None, false) => format!("library/{}", image.repository),
        _ => image.repository.clone(),
    };
    let full = format!("{registry}/{repository}");
    trusted.iter().any(|entry| {
        let entry = entry.trim_end_matches('/').to_ascii_lowercase();
        let entry = match entry.split_once('/') {
            Some(("index.docker.io" | "registry-1.docker.io" | "hub.docker.com", rest)) => format!("docker.io/{rest}"),
            None if matches!(entry.as_str(), "index.docker.io" | "registry-1.docker.io" | "hub.docker.com") => {
                "docker.io".to_string()
            }
            _ => entry,
        };
        if entry.contains('/') {
            full.starts_with(&format!("{entry}/")) || full == entry
        } else {
            glob_match(&entry, &registry)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registries_and_prefixes() {
        let t = |image: &str, list: &[&str]| {
            let list: Vec<String> = list.iter().map(|s| s.to_string()).collect();
            is_trusted(&ImageRef::parse(image).unwrap(), &list)
        };
        assert!(t("python:3.12", &["docker.io"]));
        assert!(t("index.docker.io/library/python:3.12", &["docker.io/library"]));
        assert!(!t("someone/python:3.12", &["docker.io/library"]));
        assert!(t("ghcr.io/acme/app:1", &["ghcr.io/acme"]));
        assert!(!t("ghcr.io/acmecorp/app:1", &["ghcr.io/acme"]));
        assert!(t("eu.gcr.io/p/app:1", &["*.gcr.io"]));
        assert!(!t("quay.io/x/y:1", &["docker.io", "ghcr.io"]));
        assert!(t("localhost:5000/x:1", &["localhost:5000"]));
    }
}
