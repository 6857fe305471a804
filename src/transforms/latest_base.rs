//! `latest-base`: base images without a tag, or tagged `latest`, and not pinned to a digest (a note).

use crate::fix::Applicability;
use crate::syntax::StageBase;
use crate::transforms::{Context, Proposals, Transform, TransformMeta, declare_transform};

declare_transform! {
    /// ## What it does
    /// Reports each FROM whose image has no tag or the tag `latest` and no digest (`FROM python`,
    /// `FROM node:latest`, `FROM $BASE` whose global ARG default is such an image). It is a note: the version to
    /// use is the author's choice. `pin-digest` (`dfix --select pin-digest`) then pins the tag chosen to its
    /// digest.
    ///
    /// ## Why
    /// `latest` moves with every release of the image: the next build may get a new major version of the
    /// operating system or the runtime, and two builds of the same commit may differ.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node
    /// ```
    /// Reported: "`node` has no tag, so it follows `latest` …; name a version tag (`node:22-slim`) and pin it with
    /// `pin-digest`".
    ///
    /// ## Options
    /// None. Suppress it with `ignore = ["latest-base"]`.
    ///
    /// ## References
    /// - hadolint DL3006 (always tag the version of an image explicitly), DL3007 (using `latest` is prone to errors)
    pub LatestBase {
        id: "latest-base",
        summary: "Report base images that follow `latest` without a digest",
        applicability: Applicability::DisplayOnly,
        default_enabled: true,
        aliases: ["DL3006", "DL3007"],
        since: "0.1.0",
    }
}

impl Transform for LatestBase {
    fn meta(&self) -> &'static TransformMeta {
        &Self::META
    }

    fn run(&self, cx: &Context<'_>, out: &mut Proposals) {
        for stage in cx.file.stages() {
            let StageBase::Image(image) = &stage.base else { continue };
            if image.digest.is_some() {
                continue;
            }
            let follows = match image.tag.as_deref() {
                None => "has no tag, so it follows `latest`",
                Some(t) if t.eq_ignore_ascii_case("latest") => "follows the moving tag `latest`",
                Some(_) => continue,
            };
            out.propose(
                stage.image_range.clone(),
                format!(
                    "`{}` {follows}: builds are not reproducible; name a version tag and pin it with `pin-digest` \
                     (`dfix --select pin-digest`)",
                    stage.image
                ),
            );
        }
    }
}
