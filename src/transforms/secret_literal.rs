//! `secret-literal`: secrets written into the Dockerfile itself (a note; nothing can fix a leaked secret).

use std::ops::Range;

use crate::fix::Applicability;
use crate::knowledge::SecretName;
use crate::syntax::InstructionKind;
use crate::syntax::words::{split_words, unquote};
use crate::transforms::{Context, Proposals, Transform, TransformMeta, declare_transform};

declare_transform! {
    /// ## What it does
    /// Reports secrets written literally in the Dockerfile: values in a known token format anywhere in an
    /// instruction (AWS access key ids `AKIA…`, GitHub tokens `ghp_…` and `github_pat_…`, GitLab `glpat-…`, Slack
    /// `xox[abpr]-…`, Stripe `sk_live_…`, npm `npm_…`, `-----BEGIN … PRIVATE KEY-----`, URLs with
    /// `user:password@`), and high-entropy values assigned by ARG or ENV to a secret-like name
    /// (`ENV API_KEY=q8Zr2LxV9mT4pK7wN3bY`). It is a note: there is no fix.
    ///
    /// ## Why
    /// A secret in a Dockerfile is in the repository, in every image built from it and in the image history. Removing
    /// it from the file does not remove it from those: rotate it (revoke it and issue a new one), then pass the new
    /// one as a build secret (`secret-mount` shows how).
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ENV GITHUB_TOKEN=ghp_0123456789abcdefghijABCDEFGHIJ012345
    /// ```
    /// Reported: "a GitHub token is written in the Dockerfile …; rotate it".
    ///
    /// ## Knowledge
    /// `transforms/secrets.toml`: `token-formats` (name and regular expression), `high-entropy` (minimum length and
    /// bits per character), `secret-names`, `non-secret-names`, `credential-url-names`.
    ///
    /// ## Options
    /// None. Suppress it with `ignore = ["secret-literal"]` for a file of test fixtures.
    pub SecretLiteral {
        id: "secret-literal",
        summary: "Report secrets written literally in the Dockerfile (rotate them)",
        applicability: Applicability::DisplayOnly,
        default_enabled: true,
        aliases: [],
        since: "0.1.0",
    }
}

const ROTATE: &str =
    "it is in the repository and the image history: rotate it, then pass the new one as a build secret";

impl Transform for SecretLiteral {
    fn meta(&self) -> &'static TransformMeta {
        &Self::META
    }

    fn run(&self, cx: &Context<'_>, out: &mut Proposals) {
        let file = cx.file;
        let secrets = &cx.knowledge.secrets;
        for instr in file.instructions() {
            let start = instr.range.start;
            let mut reported: Vec<Range<usize>> = Vec::new();
            for (format, range) in secrets.tokens_in(file.text(instr.range.clone())) {
                let range = start + range.start..start + range.end;
                out.propose(range.clone(), format!("a secret ({format}) is written in the Dockerfile; {ROTATE}"));
                reported.push(range);
            }
            // High-entropy values of secret-like ARG and ENV names.
            if !matches!(instr.kind, InstructionKind::Arg | InstructionKind::Env) {
                continue;
            }
            let words = split_words(instr.args.as_str(), file.escape());
            let legacy = instr.kind == InstructionKind::Env && words.first().is_some_and(|w| !w.raw.contains('='));
            let pairs: Vec<(String, String, Range<usize>)> = if legacy {
                let Some(first) = words.first() else { continue };
                let value = unquote(instr.args.as_str()[first.range.end..].trim(), file.escape());
                vec![(first.raw.clone(), value, 0..instr.args.len())]
            } else {
                words
                    .iter()
                    .filter_map(|w| {
                        let (k, v) = w.raw.split_once('=')?;
                        Some((k.to_string(), unquote(v, file.escape()), w.range.clone()))
                    })
                    .collect()
            };
            for (name, value, range) in pairs {
                let range = instr.args.range_to_file(range);
                if reported.iter().any(|r| r.start < range.end && range.start < r.end) {
                    continue;
                }
                if value.contains('$') || secrets.classify(&name) != SecretName::Secret {
                    continue;
                }
                if secrets.is_high_entropy(&value) {
                    out.propose(
                        range,
                        format!(
                            "{} {name} assigns what looks like a real secret in the Dockerfile; {ROTATE}",
                            instr.kind.as_str().to_ascii_uppercase()
                        ),
                    );
                }
            }
        }
    }
}
