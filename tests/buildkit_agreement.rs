//! dfix's Dockerfile model must see the same instructions as BuildKit's own parser.
//!
//! For every file BuildKit accepts (parses, and knows every instruction), dfix must parse it
//! without errors and report the same instructions: lowercase keyword, first and last line
//! (1-based, heredoc bodies and continuation lines included), and count. The oracle is
//! `tests/oracle/buildkit_dump.py`; see `tests/common/mod.rs` for the environment variables.

mod common;

use common::{AgreementReport, Oracle, check_files, check_texts, corpus_dir, corpus_files, skip};

/// The share of BuildKit-accepted corpus files that must parse and agree.
const REQUIRED_AGREEMENT: f64 = 0.999;
const MISMATCHES_SHOWN: usize = 30;

#[test]
fn corpus_agrees_with_buildkit() {
    let Some(dir) = corpus_dir() else {
        skip("shared corpus not found (set DFIX_CORPUS, or put it at ../shared/corpus)");
        return;
    };
    let Some(oracle) = Oracle::locate_or_skip() else {
        return;
    };
    let files = corpus_files(&dir);
    assert!(!files.is_empty(), "no files in the corpus at {}", dir.display());
    let report = check_files(&oracle, &dir, &files);
    report.print(&format!("BuildKit agreement on {}", dir.display()), MISMATCHES_SHOWN);
    assert!(report.buildkit_accepted > 0, "BuildKit accepted no corpus file: is the oracle broken?");
    assert!(
        report.agreement() >= REQUIRED_AGREEMENT,
        "dfix agrees with BuildKit on {:.3}% of the files BuildKit accepts, below {:.1}%: {}",
        report.agreement() * 100.0,
        REQUIRED_AGREEMENT * 100.0,
        report.summary()
    );
}

fn case(name: &str, text: &str) -> (String, String) {
    (name.to_string(), text.to_string())
}

/// Small hand-written files covering the line accounting rules; all must agree exactly.
fn hand_cases() -> Vec<(String, String)> {
    vec![
        case("simple", "FROM alpine\nRUN echo hi\n"),
        case("lowercase keywords", "from alpine\nrun echo hi\nOnBuild run make\n"),
        case("no final newline", "FROM alpine\nCMD [\"sh\"]"),
        case("leading blank and comments", "\n# a comment\n\nFROM alpine\n  # indented\n\tRUN x\n"),
        case("directives", "# syntax=docker/dockerfile:1\n# escape=\\\n\nFROM alpine\n"),
        case(
            "continuation",
            "FROM alpine\nRUN apt-get update \\\n    && apt-get install -y curl \\\n    && true\nCMD x\n",
        ),
        case("comment inside continuation", "FROM alpine\nRUN a \\\n# note\n    b\nUSER x\n"),
        case("blank line inside continuation", "FROM alpine\nRUN a \\\n\n    b\n"),
        case("backtick escape", "# escape=`\nFROM alpine\nRUN a `\n  b\n"),
        case("crlf", "FROM alpine\r\nRUN a \\\r\n  b\r\nCMD x\r\n"),
        case("heredoc", "FROM alpine\nRUN <<EOF\necho hi\nEOF\nCMD x\n"),
        case("heredoc chomp", "FROM alpine\nRUN <<-EOF\n\techo hi\n\tEOF\n"),
        case("heredoc quoted", "FROM alpine\nRUN <<'EOF' bash\necho $HOME\nEOF\n"),
        case("two heredocs", "FROM alpine\nCOPY <<A <<B /dst/\na\nA\nb\nB\nCMD x\n"),
        case("heredoc after command", "FROM alpine\nRUN cat <<EOF > /etc/x\nline\nEOF\n"),
        case("heredoc no final newline", "FROM alpine\nRUN <<EOF\nx\nEOF"),
        case("onbuild", "FROM alpine\nONBUILD RUN make\nONBUILD COPY --chown=1 . /src\n"),
        case("flags", "FROM --platform=$BUILDPLATFORM alpine AS b\nRUN --mount=type=cache,target=/c x\n"),
        case("exec form", "FROM alpine\nENTRYPOINT [\"/bin/sh\", \"-c\"]\nCMD [\"x\"]\n"),
        case("bom", "\u{feff}FROM alpine\nRUN x\n"),
        case("all keywords", ALL_KEYWORDS),
        // A line holding only the escape char starts the next instruction.
        case("lone escape line before an instruction", "FROM a\n\\\nRUN x\n"),
        case("lone escape line before FROM", "\\\nFROM a\n"),
        // ONBUILD triggers take heredocs too.
        case("onbuild heredoc", "FROM a\nONBUILD RUN <<EOF\nx\nEOF\n"),
        // A dangling continuation swallows the blank lines up to the end of the file.
        case("dangling continuation then blank lines", "FROM a\nRUN x \\\n\n"),
        case("dangling continuation then spaces", "FROM a\nRUN x \\\n   "),
        // `\\\` at the end of a line: the last escape is preceded by an escape, no continuation.
        case("three escapes at end of line", "FROM a\nRUN a\\\\\\\nCMD b\n"),
        // A blank line ends the parser directives: a later `# escape=` is a comment.
        case("escape directive after a blank line", "\n# escape=`\nFROM a\nRUN b `\nCMD c\n"),
    ]
}

const ALL_KEYWORDS: &str = "ARG BASE=alpine
FROM $BASE AS build
MAINTAINER someone
LABEL a=b
ENV A=1
ARG B
ADD a /a
COPY b /b
RUN make
SHELL [\"/bin/sh\", \"-c\"]
WORKDIR /src
USER nobody
VOLUME /data
EXPOSE 80
STOPSIGNAL SIGTERM
HEALTHCHECK CMD true
ONBUILD RUN x
ENTRYPOINT [\"x\"]
CMD [\"y\"]
";

#[test]
fn hand_written_cases_agree_with_buildkit() {
    let Some(oracle) = Oracle::locate_or_skip() else {
        return;
    };
    let cases = hand_cases();
    let report: AgreementReport = check_texts(&oracle, &cases);
    report.print("BuildKit agreement on hand-written cases", cases.len());
    assert_eq!(report.buildkit_accepted, cases.len(), "BuildKit rejects a hand-written case");
    assert!(report.mismatches.is_empty(), "dfix disagrees with BuildKit: {}", report.summary());
}
