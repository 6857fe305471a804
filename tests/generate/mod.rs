//! A proptest generator of Dockerfiles drawing from the whole syntax, for the property tests.
//!
//! A file is generated as an abstract [`Spec`]: directives, then stages of instructions, blank lines and comments.
//! Each instruction is a keyword and a list of [`Tok`]ens: words, continuations (plain, with trailing blanks, with
//! comment lines or blank lines inside), and heredoc markers. [`render`] turns a spec into text in one of the file
//! styles: `\n` or `\r\n` line endings, `\` or `` ` `` as escape character, with or without a byte order mark, and
//! upper, lower or mixed keyword casing. Words never contain either escape character, so a spec means the same
//! thing in every style.
//!
//! RUN bodies are chains of real package-manager commands (apt-get, apt, apk, pip, npm, yarn, yum, dnf) and shell
//! constructs (`&&`, `||`, `;`, pipes, subshells, groups, `cd`, `export`, `set -e`, `sudo`, `if`, `for`), so the
//! transforms that work on shell bodies find something to do. Shrinking works on the spec, so a failing case
//! shrinks to a few short instructions.

#![allow(dead_code)]

use proptest::prelude::*;
use proptest::sample::select;

/// One token of an instruction after its keyword.
#[derive(Debug, Clone)]
pub enum Tok {
    /// Words, written as they are, separated from the previous token by a space.
    Word(String),
    /// A line continuation.
    Cont(Cont),
    /// A heredoc marker (`<<EOF`, `<<-"EOF"`, ...); its body follows the instruction's line.
    Heredoc(Heredoc),
}

#[derive(Debug, Clone, Copy)]
pub enum Cont {
    Plain,
    /// Blanks between the escape character and the line end.
    TrailingBlanks,
    /// Comment lines right after the continued line.
    Comment(&'static str),
    /// An empty line right after the continued line.
    Blank,
}

#[derive(Debug, Clone)]
pub struct Heredoc {
    pub name: &'static str,
    /// `<<-`: tabs before the body lines and the terminator are stripped.
    pub chomp: bool,
    /// 0: unquoted, 1: single quotes, 2: double quotes.
    pub quote: u8,
    pub body: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Instr {
    pub keyword: &'static str,
    pub toks: Vec<Tok>,
}

#[derive(Debug, Clone)]
pub enum Line {
    Instr(Instr),
    Comment(&'static str),
    Blank,
}

#[derive(Debug, Clone, Copy)]
pub enum Case {
    Upper,
    Lower,
    /// Each keyword in a casing of its own (`Run`, `rUN`, ...), chosen from its position.
    Mixed,
}

#[derive(Debug, Clone)]
pub struct Style {
    pub crlf: bool,
    pub backtick: bool,
    pub bom: bool,
    pub case: Case,
    pub indent: &'static str,
    /// A `# syntax=` directive first.
    pub syntax_directive: bool,
    /// Whether the file ends with a line ending.
    pub final_newline: bool,
}

#[derive(Debug, Clone)]
pub struct Spec {
    pub style: Style,
    pub lines: Vec<Line>,
}

fn w(s: impl Into<String>) -> Tok {
    Tok::Word(s.into())
}

/// Render a spec as a Dockerfile.
pub fn render(spec: &Spec) -> String {
    let s = &spec.style;
    let nl = if s.crlf { "\r\n" } else { "\n" };
    let esc = if s.backtick { '`' } else { '\\' };
    let mut out = String::new();
    if s.bom {
        out.push('\u{feff}');
    }
    if s.syntax_directive {
        out.push_str("# syntax=docker/dockerfile:1");
        out.push_str(nl);
    }
    if s.backtick {
        out.push_str("# escape=`");
        out.push_str(nl);
    }
    for (n, line) in spec.lines.iter().enumerate() {
        match line {
            Line::Blank => {}
            Line::Comment(c) => out.push_str(c),
            Line::Instr(instr) => render_instr(&mut out, instr, s, n, nl, esc),
        }
        out.push_str(nl);
    }
    if !s.final_newline && out.ends_with(nl) && !ends_with_heredoc(spec) {
        out.truncate(out.len() - nl.len());
    }
    out
}

fn ends_with_heredoc(spec: &Spec) -> bool {
    matches!(spec.lines.last(), Some(Line::Instr(i)) if i.toks.iter().any(|t| matches!(t, Tok::Heredoc(_))))
}

fn cased(keyword: &str, case: Case, n: usize) -> String {
    match case {
        Case::Upper => keyword.to_ascii_uppercase(),
        Case::Lower => keyword.to_ascii_lowercase(),
        Case::Mixed => keyword
            .chars()
            .enumerate()
            .map(|(i, c)| if (i + n).is_multiple_of(3) { c.to_ascii_uppercase() } else { c.to_ascii_lowercase() })
            .collect(),
    }
}

fn render_instr(out: &mut String, instr: &Instr, s: &Style, n: usize, nl: &str, esc: char) {
    out.push_str(&cased(instr.keyword, s.case, n));
    // ONBUILD's trigger keyword follows the same casing.
    let mut after_cont = false;
    let mut heredocs = Vec::new();
    for tok in &instr.toks {
        match tok {
            Tok::Word(word) => {
                if !after_cont {
                    out.push(' ');
                }
                out.push_str(word);
                after_cont = false;
            }
            Tok::Cont(cont) => {
                out.push(' ');
                out.push(esc);
                match cont {
                    Cont::Plain => out.push_str(nl),
                    Cont::TrailingBlanks => {
                        out.push_str(" \t");
                        out.push_str(nl);
                    }
                    Cont::Comment(c) => {
                        out.push_str(nl);
                        out.push_str(s.indent);
                        out.push_str(c);
                        out.push_str(nl);
                    }
                    Cont::Blank => {
                        out.push_str(nl);
                        out.push_str(nl);
                    }
                }
                out.push_str(s.indent);
                after_cont = true;
            }
            Tok::Heredoc(h) => {
                if !after_cont {
                    out.push(' ');
                }
                out.push_str(if h.chomp { "<<-" } else { "<<" });
                match h.quote {
                    1 => out.push_str(&format!("'{}'", h.name)),
                    2 => out.push_str(&format!("\"{}\"", h.name)),
                    _ => out.push_str(h.name),
                }
                heredocs.push(h);
                after_cont = false;
            }
        }
    }
    for h in heredocs {
        out.push_str(nl);
        let tab = if h.chomp { "\t" } else { "" };
        for line in &h.body {
            out.push_str(tab);
            out.push_str(line);
            out.push_str(nl);
        }
        out.push_str(tab);
        out.push_str(h.name);
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Strategies.

fn style() -> impl Strategy<Value = Style> {
    (
        prop::bool::weighted(0.2),
        prop::bool::weighted(0.15),
        prop::bool::weighted(0.1),
        prop_oneof![6 => Just(Case::Upper), 2 => Just(Case::Lower), 1 => Just(Case::Mixed)],
        select(&["    ", "  ", "\t", "", "        "][..]),
        prop::bool::weighted(0.2),
        prop::bool::weighted(0.9),
    )
        .prop_map(|(crlf, backtick, bom, case, indent, syntax_directive, final_newline)| Style {
            crlf,
            backtick,
            bom,
            case,
            indent,
            syntax_directive,
            final_newline,
        })
}

const COMMENTS: &[&str] = &["# a comment", "# install dependencies", "#no space", "  # indented comment", "#"];

fn cont() -> impl Strategy<Value = Cont> {
    prop_oneof![
        8 => Just(Cont::Plain),
        1 => Just(Cont::TrailingBlanks),
        2 => select(COMMENTS).prop_map(Cont::Comment),
        1 => Just(Cont::Blank),
    ]
}

const IMAGES: &[&str] = &[
    "ubuntu:22.04",
    "ubuntu",
    "debian:bookworm-slim",
    "debian:12",
    "alpine:3.19",
    "alpine",
    "python:3.12-slim",
    "node:20-alpine",
    "golang:1.22",
    "centos:7",
    "fedora:39",
    "redhat/ubi9-minimal",
    "docker.io/library/nginx:1.25",
    "ghcr.io/org/app:latest",
    "registry.example.com:5000/team/img:v1",
    "$BASE",
    "${BASE}:${VERSION}",
    "ubuntu@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    "scratch",
];

const STAGE_NAMES: &[&str] = &["build", "builder", "deps", "runtime", "final", "Builder"];

fn from() -> impl Strategy<Value = Instr> {
    (
        select(IMAGES),
        prop::option::weighted(
            0.2,
            select(&["--platform=$BUILDPLATFORM", "--platform=linux/amd64", "--platform=$TARGETPLATFORM"][..]),
        ),
        prop::option::weighted(0.5, (select(&["AS", "as"][..]), select(STAGE_NAMES))),
    )
        .prop_map(|(image, platform, alias)| {
            let mut toks = Vec::new();
            if let Some(p) = platform {
                toks.push(w(p));
            }
            toks.push(w(image));
            if let Some((kw, name)) = alias {
                toks.push(w(kw));
                toks.push(w(name));
            }
            Instr { keyword: "FROM", toks }
        })
}

/// Shell commands, as whole words (no escape characters, no newlines).
const COMMANDS: &[&str] = &[
    "apt-get update",
    "apt-get install -y curl ca-certificates",
    "apt-get install -y --no-install-recommends git",
    "apt-get -y install python3 python3-pip",
    "apt-get -qq update",
    "apt-get upgrade -y",
    "apt-get dist-upgrade -y",
    "apt-get clean",
    "apt-get autoremove -y",
    "rm -rf /var/lib/apt/lists/*",
    "DEBIAN_FRONTEND=noninteractive apt-get install -yq tzdata",
    "apt update",
    "apt install -y vim",
    "apt -y upgrade",
    "apt-get install -y nginx=1.22.*",
    "apk update",
    "apk add curl",
    "apk add --no-cache bash git",
    "apk add --virtual .build-deps gcc musl-dev",
    "apk del .build-deps",
    "apk upgrade",
    "pip install flask",
    "pip install --no-cache-dir -r requirements.txt",
    "pip3 install --upgrade pip",
    "python -m pip install requests==2.31.0",
    "pip install -e .",
    "npm install",
    "npm ci --only=production",
    "npm install -g yarn",
    "npm cache clean --force",
    "yarn install --frozen-lockfile",
    "yum install -y httpd",
    "yum -y update",
    "yum clean all",
    "dnf install -y nginx",
    "dnf clean all",
    "microdnf install -y jq",
    "rm -rf /var/cache/yum",
    "cd /app",
    "cd /src",
    "cd /tmp",
    "cd build",
    "mkdir -p /opt/app",
    "cd /opt/app",
    "export PATH=$PATH:/opt/bin",
    "export DEBIAN_FRONTEND=noninteractive",
    "set -e",
    "set -eux",
    "echo \"$HOME\"",
    "echo 'single quoted $HOME'",
    "mkdir -p /var/run/app",
    "curl -fsSL https://example.com/install.sh | sh",
    "wget -qO- https://example.com/a.tgz | tar xz -C /opt",
    "wget https://example.com/b.tgz",
    "wget -O /tmp/c.tgz https://example.com/c.tgz",
    "chmod +x /entrypoint.sh",
    "useradd -m -u 1000 app",
    "groupadd -r app && useradd -r -g app app",
    "true",
    "make -j\"$(nproc)\"",
    "ln -s /usr/bin/python3 /usr/bin/python",
    "tar -xzf /tmp/a.tar.gz -C /opt",
    "rm -rf /tmp/*",
    "go build -o /out/app ./cmd/app",
    "./configure --prefix=/usr/local",
    "ls -la | grep app || true",
];

const SUDO: &[&str] = &["sudo ", "sudo -E ", "sudo -u root "];

fn command() -> impl Strategy<Value = String> {
    let simple = (prop::option::weighted(0.1, select(SUDO)), select(COMMANDS))
        .prop_map(|(sudo, cmd)| format!("{}{cmd}", sudo.unwrap_or("")));
    simple.prop_recursive(2, 6, 3, |inner| {
        prop_oneof![
            4 => inner.clone(),
            1 => (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("( {a} && {b} )")),
            1 => (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{{ {a}; {b}; }}")),
            1 => inner.clone().prop_map(|a| format!("if [ -f /etc/os-release ]; then {a}; fi")),
            1 => inner.clone().prop_map(|a| format!("for p in a b; do {a}; done")),
            1 => inner.prop_map(|a| format!("{a} | tee /tmp/log")),
        ]
    })
}

const OPS: &[&str] = &["&&", "&&", "&&", "||", ";", "|"];

/// A shell body: commands joined by operators, with continuations around the operators.
fn shell_body() -> impl Strategy<Value = Vec<Tok>> {
    (
        command(),
        prop::collection::vec((select(OPS), prop::option::weighted(0.6, (cont(), any::<bool>())), command()), 0..5),
    )
        .prop_map(|(first, rest)| {
            let mut toks = vec![w(first)];
            for (op, cont, cmd) in rest {
                match cont {
                    // `cmd && \` then the next command.
                    Some((c, true)) => {
                        toks.push(w(op));
                        toks.push(Tok::Cont(c));
                    }
                    // `cmd \` then `&& next`.
                    Some((c, false)) => {
                        toks.push(Tok::Cont(c));
                        toks.push(w(op));
                    }
                    None => toks.push(w(op)),
                }
                toks.push(w(cmd));
            }
            toks
        })
}

const RUN_FLAGS: &[&str] = &[
    "--mount=type=cache,target=/var/cache/apt",
    "--mount=type=cache,target=/root/.cache/pip",
    "--network=none",
    "--mount=type=secret,id=token",
    "--mount=type=bind,source=.,target=/src",
];

const HEREDOC_NAMES: &[&str] = &["EOF", "EOT", "SCRIPT", "END_OF_FILE"];

fn heredoc_body() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(
        prop_oneof![
            4 => command(),
            1 => Just(String::new()),
            1 => select(&["#!/bin/sh", "# a comment in the body", "echo $HOME ${PATH}", "key=value"][..])
                .prop_map(str::to_string),
        ],
        0..4,
    )
}

fn heredoc() -> impl Strategy<Value = Heredoc> {
    (select(HEREDOC_NAMES), prop::bool::weighted(0.3), 0u8..3, heredoc_body())
        .prop_map(|(name, chomp, quote, body)| Heredoc { name, chomp, quote, body })
}

fn run() -> impl Strategy<Value = Instr> {
    let flags = prop::collection::vec(select(RUN_FLAGS), 0..2);
    let shell = (flags.clone(), shell_body()).prop_map(|(flags, body)| {
        let mut toks: Vec<Tok> = flags.into_iter().map(w).collect();
        toks.extend(body);
        Instr { keyword: "RUN", toks }
    });
    let exec = select(
        &[
            r#"["apt-get", "install", "-y", "curl"]"#,
            r#"["/bin/sh", "-c", "apt-get update && apt-get install -y git"]"#,
            r#"["pip", "install", "flask"]"#,
            r#"["echo", "hello world"]"#,
        ][..],
    )
    .prop_map(|e| Instr { keyword: "RUN", toks: vec![w(e)] });
    let heredoc_run = (flags, heredoc(), prop::option::weighted(0.3, select(&["bash", "python3", "sh -ex"][..])))
        .prop_map(|(flags, h, interpreter)| {
            let mut toks: Vec<Tok> = flags.into_iter().map(w).collect();
            toks.push(Tok::Heredoc(h));
            if let Some(i) = interpreter {
                toks.push(w(i));
            }
            Instr { keyword: "RUN", toks }
        });
    let heredoc_to_file = (heredoc(), select(&["/etc/app.conf", "/tmp/x"][..]))
        .prop_map(|(h, dst)| Instr { keyword: "RUN", toks: vec![w("cat"), Tok::Heredoc(h), w(format!("> {dst}"))] });
    prop_oneof![10 => shell, 2 => exec, 2 => heredoc_run, 1 => heredoc_to_file]
}

const ENV_KEYS: &[&str] = &["PATH", "APP_HOME", "NODE_ENV", "LANG", "PYTHONUNBUFFERED", "VERSION", "MSG"];
const ENV_VALUES: &[&str] = &[
    "/usr/local/bin:$PATH",
    "${PATH}:/opt/bin",
    "production",
    "C.UTF-8",
    "1",
    "hello world",
    "\"quoted value\"",
    "'single quoted'",
    "a=b",
    "${VERSION:-1.0}",
    "value # not a comment",
    "\"\"",
];

fn env() -> impl Strategy<Value = Instr> {
    let legacy = (select(ENV_KEYS), select(ENV_VALUES), prop::option::weighted(0.2, cont())).prop_map(|(k, v, c)| {
        let mut toks = vec![w(k)];
        if let Some(c) = c {
            toks.push(Tok::Cont(c));
        }
        toks.push(w(v));
        Instr { keyword: "ENV", toks }
    });
    let pairs = prop::collection::vec(
        (
            select(ENV_KEYS),
            select(&["production", "\"a b\"", "$HOME/x", "'1'", "${PATH}:/x", "\"\""][..]),
            prop::option::weighted(0.3, cont()),
        ),
        1..4,
    )
    .prop_map(|pairs| {
        let mut toks = Vec::new();
        for (i, (k, v, c)) in pairs.into_iter().enumerate() {
            if i > 0
                && let Some(c) = c
            {
                toks.push(Tok::Cont(c));
            }
            toks.push(w(format!("{k}={v}")));
        }
        Instr { keyword: "ENV", toks }
    });
    prop_oneof![legacy, pairs]
}

fn arg() -> impl Strategy<Value = Instr> {
    select(&["BASE=ubuntu:22.04", "VERSION=1.0", "VERSION", "TARGETPLATFORM", "HTTP_PROXY", "N=\"a b\""][..])
        .prop_map(|a| Instr { keyword: "ARG", toks: vec![w(a)] })
}

fn copy_or_add() -> impl Strategy<Value = Instr> {
    const SOURCES: &[&str] = &[
        ".",
        "app.py",
        "src/",
        "requirements.txt",
        "config.json",
        "*.sh",
        "app.tar.gz",
        "vendor.tgz",
        "archive.zip",
        "https://example.com/file.txt",
        "https://example.com/release.tar.gz",
        "git@github.com:org/repo.git",
        "$SRC",
        "${FILE}.conf",
        "\"with space.txt\"",
    ];
    const DESTS: &[&str] = &["/app/", "/app", "/usr/local/bin/", ".", "/opt/$NAME/", "/etc/app/config.json"];
    const FLAGS: &[&str] =
        &["--chown=app:app", "--chown=1000", "--chmod=755", "--from=build", "--link", "--checksum=sha256:0123"];
    let shell_form = (
        select(&["ADD", "ADD", "COPY"][..]),
        prop::collection::vec(select(FLAGS), 0..2),
        prop::collection::vec(select(SOURCES), 1..3),
        prop::option::weighted(0.15, cont()),
        select(DESTS),
    )
        .prop_map(|(keyword, flags, sources, c, dest)| {
            let mut toks: Vec<Tok> = flags.into_iter().map(w).collect();
            toks.extend(sources.into_iter().map(w));
            if let Some(c) = c {
                toks.push(Tok::Cont(c));
            }
            toks.push(w(dest));
            Instr { keyword, toks }
        });
    let exec_form = (
        select(&["ADD", "COPY"][..]),
        select(&[r#"["app.py", "/app/"]"#, r#"["a b.txt", "/dst/"]"#, r#"["https://example.com/x", "/x"]"#][..]),
    )
        .prop_map(|(keyword, e)| Instr { keyword, toks: vec![w(e)] });
    let heredoc_form = (select(&["ADD", "COPY"][..]), heredoc(), select(&["/etc/motd", "/app/run.sh"][..]))
        .prop_map(|(keyword, h, dest)| Instr { keyword, toks: vec![Tok::Heredoc(h), w(dest)] });
    prop_oneof![8 => shell_form, 1 => exec_form, 1 => heredoc_form]
}

fn simple(keyword: &'static str, args: &'static [&'static str]) -> impl Strategy<Value = Instr> {
    select(args).prop_map(move |a| Instr { keyword, toks: vec![w(a)] })
}

fn other() -> impl Strategy<Value = Instr> {
    prop_oneof![
        simple("MAINTAINER", &["John Doe <john@example.com>", "\"Jane\"", "someone", "a@b.c"]),
        simple(
            "LABEL",
            &["version=\"1.0\"", "a=b \"c d\"=\"e f\"", "org.opencontainers.image.source=https://example.com"]
        ),
        simple("USER", &["app", "1000:1000", "root", "$UID", "nobody"]),
        simple("WORKDIR", &["/app", "/src", "$APP_HOME", "/opt/app dir", "build", "/tmp"]),
        simple("EXPOSE", &["80", "80 443/tcp", "$PORT", "53/udp", "8080/TCP"]),
        simple("VOLUME", &["[\"/data\"]", "/data /logs", "/var/lib/app"]),
        simple(
            "CMD",
            &[
                "[\"python\", \"app.py\"]",
                "npm start",
                "[\"sh\", \"-c\", \"echo $HOME\"]",
                "nginx -g 'daemon off;'",
                "gunicorn -b 0.0.0.0:80 app:app"
            ]
        ),
        simple("ENTRYPOINT", &["[\"/entrypoint.sh\"]", "/docker-entrypoint.sh", "[\"tini\", \"--\"]", "app --serve"]),
        simple("SHELL", &["[\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]", "[\"/bin/sh\", \"-c\"]"]),
        simple(
            "HEALTHCHECK",
            &[
                "--interval=30s CMD curl -f http://localhost/ || exit 1",
                "NONE",
                "CMD [\"true\"]",
                "CMD curl -f http://localhost/"
            ]
        ),
        simple("STOPSIGNAL", &["SIGTERM", "9"]),
        simple("ONBUILD", &["RUN npm install", "ADD . /app/src", "COPY . /src", "RUN apt-get update"]),
    ]
}

fn instruction() -> impl Strategy<Value = Instr> {
    prop_oneof![
        10 => run(),
        3 => env(),
        2 => arg(),
        4 => copy_or_add(),
        4 => other(),
    ]
}

fn line() -> impl Strategy<Value = Line> {
    prop_oneof![
        12 => instruction().prop_map(Line::Instr),
        2 => Just(Line::Blank),
        2 => select(COMMENTS).prop_map(Line::Comment),
    ]
}

/// A stage: FROM, then lines.
fn stage() -> impl Strategy<Value = Vec<Line>> {
    (from(), prop::collection::vec(line(), 0..10)).prop_map(|(from, mut lines)| {
        lines.insert(0, Line::Instr(from));
        lines
    })
}

/// A whole Dockerfile spec: global ARGs and comments, then one to three stages.
pub fn spec() -> impl Strategy<Value = Spec> {
    (
        style(),
        prop::collection::vec(prop_oneof![arg().prop_map(Line::Instr), select(COMMENTS).prop_map(Line::Comment)], 0..3),
        prop::collection::vec(stage(), 1..4),
    )
        .prop_map(|(style, mut lines, stages)| {
            lines.extend(stages.into_iter().flatten());
            Spec { style, lines }
        })
}

/// Generated Dockerfile texts.
pub fn dockerfile() -> impl Strategy<Value = String> {
    spec().prop_map(|s| render(&s))
}
