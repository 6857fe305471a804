//! `buildkit-style`: the cosmetic checks BuildKit reports that have one mechanical fix (keyword and name casing,
//! protocol casing, a redundant `--platform`, blank lines inside continuations).

use std::ops::Range;

use crate::fix::{Applicability, Edit};
use crate::syntax::{Dockerfile, Instruction, InstructionKind, StageBase};
use crate::transforms::{Context, Proposals, Transform, TransformMeta, declare_transform};

declare_transform! {
    /// ## What it does
    /// Fixes the style checks BuildKit reports whose fix is mechanical and cannot change the build:
    /// - `ConsistentInstructionCasing`: instruction keywords follow the casing most of the file's keywords use
    ///   (uppercase on a tie), so `run` among `FROM` and `COPY` becomes `RUN`; the keyword of an `ONBUILD`
    ///   trigger too;
    /// - `FromAsCasing`: the `AS` of `FROM ... AS name` follows the casing of its `FROM`;
    /// - `StageNameCasing`: stage names become lowercase, in `AS` and where they are used (`FROM`, `COPY --from=`,
    ///   `RUN --mount=...,from=`);
    /// - `ExposeProtoCasing`: `EXPOSE 80/TCP` becomes `EXPOSE 80/tcp`;
    /// - `RedundantTargetPlatform`: `FROM --platform=$TARGETPLATFORM` loses the flag;
    /// - `NoEmptyContinuation`: blank lines inside a line continuation are removed.
    ///
    /// ## Why
    /// BuildKit warns about each of them on every build. The blank line inside a continuation is deprecated and
    /// will become an error; the others make a file harder to read or suggest a difference that is not there
    /// (`--platform=$TARGETPLATFORM` is what FROM does anyway).
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM --platform=$TARGETPLATFORM golang:1.22 as Builder
    /// run go build -o /app \
    ///
    ///     ./cmd/app
    /// FROM debian:12
    /// COPY --from=Builder /app /app
    /// EXPOSE 8080/TCP
    /// ```
    /// Becomes:
    /// ```dockerfile
    /// FROM golang:1.22 AS builder
    /// RUN go build -o /app \
    ///     ./cmd/app
    /// FROM debian:12
    /// COPY --from=builder /app /app
    /// EXPOSE 8080/tcp
    /// ```
    ///
    /// ## Fix safety
    /// Safe. BuildKit reads keywords, the `AS` keyword, stage names (in `AS`, `FROM`, `--from` and mounts, and
    /// `--target`) and protocols without regard to case, skips blank lines inside continuations, and builds
    /// FROM for the target platform unless told otherwise. The casing fixes touch keywords and names only, never
    /// arguments or heredoc bodies. `--platform=$TARGETPLATFORM` is kept when a global `ARG TARGETPLATFORM=...`
    /// gives the variable a value of its own; stage names written with variables are left alone.
    ///
    /// The six checks are one transform, but each check's id names that check alone: in `--select`, `--ignore`,
    /// `dfix.toml` and `# check=skip=...` and suppression comments (`# check=skip=FromAsCasing` keeps `as` as
    /// written and still fixes the rest), while `buildkit-style` names all six.
    ///
    /// ## References
    /// - BuildKit checks `ConsistentInstructionCasing`, `FromAsCasing`, `StageNameCasing`, `ExposeProtoCasing`,
    ///   `RedundantTargetPlatform`, `NoEmptyContinuation`
    pub BuildkitStyle {
        id: "buildkit-style",
        summary: "Fix BuildKit's style checks: keyword, stage name and protocol casing, redundant `--platform`, \
                  blank lines in continuations",
        applicability: Applicability::Safe,
        default_enabled: true,
        aliases: [
            "ConsistentInstructionCasing",
            "FromAsCasing",
            "StageNameCasing",
            "ExposeProtoCasing",
            "RedundantTargetPlatform",
            "NoEmptyContinuation",
        ],
        since: "0.1.0",
    }
}

impl Transform for BuildkitStyle {
    fn meta(&self) -> &'static TransformMeta {
        &Self::META
    }

    fn run(&self, cx: &Context<'_>, out: &mut Proposals) {
        let file = cx.file;
        let lower = majority_lower(file);
        for instr in file.instructions() {
            let keyword = file.text(instr.keyword.clone());
            let wanted = if lower { keyword.to_ascii_lowercase() } else { keyword.to_ascii_uppercase() };
            if keyword != wanted {
                out.fix(
                    instr.keyword.clone(),
                    format!(
                        "`{keyword}` does not follow the casing of most instructions ({})",
                        if lower { "lowercase" } else { "uppercase" }
                    ),
                    format!("Write `{wanted}`"),
                    vec![Edit::replacement(wanted.clone(), instr.keyword.clone())],
                )
                .check = Some("ConsistentInstructionCasing");
            }
            match instr.kind {
                InstructionKind::Onbuild => onbuild_keyword(instr, lower, out),
                InstructionKind::From => {
                    from_as_casing(instr, &wanted, out);
                    redundant_platform(file, instr, out);
                }
                InstructionKind::Expose => expose_proto_casing(instr, out),
                _ => {}
            }
            empty_continuations(file, instr, out);
        }
        stage_name_casing(file, out);
    }
}

/// Whether most stage instructions' keywords are lowercase, as BuildKit counts: keywords in one casing only, the
/// global ARGs before the first FROM left out; uppercase wins a tie.
fn majority_lower(file: &Dockerfile) -> bool {
    let (mut lower, mut upper) = (0, 0);
    for instr in file.instructions().iter().filter(|i| i.stage.is_some()) {
        let keyword = file.text(instr.keyword.clone());
        if keyword == keyword.to_ascii_lowercase() {
            lower += 1;
        } else if keyword == keyword.to_ascii_uppercase() {
            upper += 1;
        }
    }
    lower > upper
}

/// `ONBUILD run make`: the trigger's keyword in the file's casing too.
fn onbuild_keyword(instr: &Instruction, lower: bool, out: &mut Proposals) {
    let words = instr.whitespace_words();
    let Some(word) = words.first() else { return };
    if InstructionKind::from_keyword(&word.raw) == InstructionKind::Unknown
        || !instr.args.is_contiguous_range(word.range.clone())
    {
        return;
    }
    let wanted = if lower { word.raw.to_ascii_lowercase() } else { word.raw.to_ascii_uppercase() };
    if word.raw != wanted {
        let range = instr.args.range_to_file(word.range.clone());
        out.fix(
            range.clone(),
            format!(
                "`{}` does not follow the casing of most instructions ({})",
                word.raw,
                if lower { "lowercase" } else { "uppercase" }
            ),
            format!("Write `{wanted}`"),
            vec![Edit::replacement(wanted, range)],
        )
        .check = Some("ConsistentInstructionCasing");
    }
}

/// `FROM image as name`: `AS` in the casing `from` (the keyword as it will be) has.
fn from_as_casing(instr: &Instruction, from: &str, out: &mut Proposals) {
    let words = instr.whitespace_words();
    let (Some(as_word), Some(_)) = (words.get(1), words.get(2)) else { return };
    if !as_word.raw.eq_ignore_ascii_case("as") || !instr.args.is_contiguous_range(as_word.range.clone()) {
        return;
    }
    let wanted = if from == from.to_ascii_lowercase() { "as" } else { "AS" };
    if as_word.raw != wanted {
        let range = instr.args.range_to_file(as_word.range.clone());
        out.fix(
            range.clone(),
            format!("`{}` does not match the casing of `{from}`", as_word.raw),
            format!("Write `{wanted}`"),
            vec![Edit::replacement(wanted, range)],
        )
        .check = Some("FromAsCasing");
    }
}

/// `FROM --platform=$TARGETPLATFORM`: the flag says what FROM does without it.
fn redundant_platform(file: &Dockerfile, instr: &Instruction, out: &mut Proposals) {
    let Some(flag) = instr.flag("platform") else { return };
    if !matches!(flag.value.as_deref(), Some("$TARGETPLATFORM" | "${TARGETPLATFORM}")) {
        return;
    }
    // A global ARG with a value of its own makes the variable something else than the target platform.
    if file.global_arg_defaults().iter().any(|(name, value)| name == "TARGETPLATFORM" && value.is_some()) {
        return;
    }
    // The flag and the blanks after it on its line.
    let rest = &file.source()[flag.range.end..];
    let blanks = rest.len() - rest.trim_start_matches([' ', '\t']).len();
    let range = flag.range.start..flag.range.end + blanks;
    out.fix(
        flag.range.clone(),
        "`--platform=$TARGETPLATFORM` is redundant: FROM builds for the target platform by default",
        "Remove the `--platform` flag",
        vec![Edit::deletion(range)],
    )
    .check = Some("RedundantTargetPlatform");
}

/// `EXPOSE 80/TCP`: the protocol in lowercase.
fn expose_proto_casing(instr: &Instruction, out: &mut Proposals) {
    for word in instr.whitespace_words() {
        let Some(slash) = word.raw.rfind('/') else { continue };
        let proto = &word.raw[slash + 1..];
        if proto.is_empty() || !proto.chars().all(|c| c.is_ascii_alphabetic()) || proto == proto.to_ascii_lowercase() {
            continue;
        }
        let local = word.range.start + slash + 1..word.range.end;
        if !instr.args.is_contiguous_range(local.clone()) {
            continue;
        }
        let range = instr.args.range_to_file(local);
        out.fix(
            range.clone(),
            format!("the protocol `{proto}` is written in uppercase"),
            format!("Write `{}`", proto.to_ascii_lowercase()),
            vec![Edit::replacement(proto.to_ascii_lowercase(), range)],
        )
        .check = Some("ExposeProtoCasing");
    }
}

/// Blank lines between a line continuation and the rest of the instruction (not those of heredoc bodies, nor the
/// blank lines after a continuation that ends the instruction).
fn empty_continuations(file: &Dockerfile, instr: &Instruction, out: &mut Proposals) {
    if instr.continuations.is_empty() {
        return;
    }
    let src = file.source();
    let mut limit = instr.heredocs.first().map_or(instr.range.end, |h| h.body.start.min(h.end.start));
    limit = src[..limit].trim_end().len().max(instr.keyword.end);
    let mut at = file.next_line_start(instr.keyword.start);
    while at < limit {
        let next = file.next_line_start(at);
        if src[at..next].trim().is_empty() {
            out.fix(
                at..next,
                "an empty line inside a continuation is deprecated",
                "Remove the empty line",
                vec![Edit::deletion(at..next)],
            )
            .check = Some("NoEmptyContinuation");
        }
        at = next;
    }
}

/// `AS Builder`: stage names in lowercase, where they are defined and where they are used.
fn stage_name_casing(file: &Dockerfile, out: &mut Proposals) {
    for stage in file.stages() {
        let (Some(name), Some(name_range)) = (&stage.name, &stage.name_range) else { continue };
        let written = file.text(name_range.clone());
        if written == name.as_str() || !written.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)) {
            continue;
        }
        let mut edits = vec![Edit::replacement(name.clone(), name_range.clone())];
        for later in file.stages()[stage.index + 1..].iter().filter(|s| s.base == StageBase::Stage(stage.index)) {
            push_reference(file, later.image_range.clone(), name, &mut edits);
        }
        for instr in &file.instructions()[stage.from + 1..] {
            for flag in &instr.flags {
                let Some(value) = flag.value_range.clone() else { continue };
                if flag.name.eq_ignore_ascii_case("from") {
                    push_reference(file, value, name, &mut edits);
                } else if flag.name.eq_ignore_ascii_case("mount") {
                    let text = file.text(value.clone());
                    let mut start = value.start;
                    for item in text.split(',') {
                        let end = start + item.len();
                        if item.len() > 5 && item[..5].eq_ignore_ascii_case("from=") {
                            push_reference(file, start + 5..end, name, &mut edits);
                        }
                        start = end + 1;
                    }
                }
            }
        }
        out.fix(
            name_range.clone(),
            format!("the stage name `{written}` is not lowercase"),
            format!("Rename the stage `{name}`"),
            edits,
        )
        .check = Some("StageNameCasing");
    }
}

/// A use of stage `name` at `range`, written in another casing, becomes `name`.
fn push_reference(file: &Dockerfile, range: Range<usize>, name: &str, edits: &mut Vec<Edit>) {
    let text = file.text(range.clone());
    if text != name && text.eq_ignore_ascii_case(name) {
        edits.push(Edit::replacement(name, range));
    }
}
