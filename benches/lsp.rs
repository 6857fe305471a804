//! Latency of `dfix server`, against `dfix --stdin-filename`, on a 50-line and a 2,000-line Dockerfile.
//!
//! `cargo bench --bench lsp` starts the release server and measures, for each file:
//! - `didChange` to `publishDiagnostics`: a one-character incremental change (as typing sends), timed until
//!   the diagnostics of that version arrive;
//! - `textDocument/formatting`: request to response (the whole fix, to a fixed point, as minimal edits);
//! - `dfix --stdin-filename`: process start to exit, the formatter path of editors without LSP.
//!
//! Each is run `DFIX_BENCH_ROUNDS` times (default 200, 50 for the large file and the process) and reported as
//! median, 95th percentile and minimum.

#[path = "../tests/support/lsp_client.rs"]
mod lsp_client;

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use lsp_client::{Client, binary, uri};
use serde_json::{Value, json};

/// One stage of a legacy Dockerfile: 24 lines with findings for most transforms.
fn stage(i: usize) -> String {
    format!(
        "FROM ubuntu:22.04 AS stage{i}\n\
         MAINTAINER Ops Team <ops@example.com>\n\
         ENV APP_HOME /opt/app{i}\n\
         ENV JAVA_OPTS -Xms256m -Xmx1g\n\
         LABEL version {i}\n\
         \n\
         RUN apt-get update\n\
         RUN apt-get install -y openjdk-17-jre-headless curl \\\n\
         \x20   ca-certificates \\\n\
         \x20   tzdata\n\
         RUN apt install -y git\n\
         RUN sudo mkdir -p $APP_HOME\n\
         RUN pip install requests==2.31.0\n\
         \n\
         # the application\n\
         ADD app.jar $APP_HOME/\n\
         ADD config/ $APP_HOME/config/\n\
         ADD https://example.com/agent.tar.gz /opt/agent/\n\
         \n\
         WORKDIR $APP_HOME\n\
         EXPOSE 80{i:02}\n\
         RUN echo built {i} > /etc/build\n\
         COPY entrypoint.sh /entrypoint.sh\n\
         CMD java $JAVA_OPTS -jar app.jar\n"
    )
}

/// A Dockerfile of `lines` lines: a comment line that the benchmark edits, then stages.
fn dockerfile(lines: usize) -> String {
    let mut text = String::from("# build 0\n");
    let mut i = 0;
    while text.lines().count() + 24 <= lines {
        text.push_str(&stage(i));
        i += 1;
    }
    while text.lines().count() < lines {
        text.push_str("# padding\n");
    }
    text
}

struct Stats {
    median: Duration,
    p95: Duration,
    min: Duration,
}

fn stats(mut samples: Vec<Duration>) -> Stats {
    samples.sort();
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    Stats { median: at(0.5), p95: at(0.95), min: samples[0] }
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        println!("lsp benchmark: run it with `cargo bench --bench lsp`");
        return;
    }
    let rounds: usize = std::env::var("DFIX_BENCH_ROUNDS").ok().and_then(|r| r.parse().ok()).unwrap_or(200);
    let dir = tempfile::tempdir().unwrap();
    println!("{:<44} {:>10} {:>10} {:>10}", "", "median", "p95", "min");
    for lines in [50, 2000] {
        let text = dockerfile(lines);
        let path = dir.path().join(format!("{lines}.Dockerfile"));
        std::fs::write(&path, &text).unwrap();
        let n = if lines > 100 { rounds.div_ceil(4) } else { rounds };
        let (diagnostics, formatting, count) = server(&path, &text, n);
        let stdin = stdin_filename(&path, &text, rounds.div_ceil(4));
        let name = format!("{lines} lines ({} bytes, {count} findings)", text.len());
        println!("{name}");
        for (what, s) in [
            ("  didChange -> publishDiagnostics", diagnostics),
            ("  formatting request -> response", formatting),
            ("  --stdin-filename process start -> exit", stdin),
        ] {
            println!("{what:<44} {:>10} {:>10} {:>10}", ms(s.median), ms(s.p95), ms(s.min));
        }
    }
}

/// Diagnostics latency over `n` edits, formatting latency over `n` requests, and the number of findings.
fn server(path: &std::path::Path, text: &str, n: usize) -> (Stats, Stats, usize) {
    let mut client = Client::start(&binary(), path.parent().unwrap());
    client.initialize(path.parent().unwrap(), json!({"general": {"positionEncodings": ["utf-8"]}}), Value::Null);
    let uri = uri(path);
    client.open(&uri, "dockerfile", 0, text);
    let count = client.diagnostics(&uri, 0).len();
    let mut diagnostics = Vec::with_capacity(n);
    for version in 1..=n as i64 {
        // Type a digit over the one in `# build 0`.
        let change = json!({"range": {"start": {"line": 0, "character": 8}, "end": {"line": 0, "character": 9}},
                            "text": (version % 10).to_string()});
        let start = Instant::now();
        client.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]}),
        );
        client.diagnostics(&uri, version);
        diagnostics.push(start.elapsed());
    }
    let mut formatting = Vec::with_capacity(n);
    for _ in 0..n {
        let start = Instant::now();
        let edits = client.request(
            "textDocument/formatting",
            json!({"textDocument": {"uri": uri}, "options": {"tabSize": 4, "insertSpaces": true}}),
        );
        formatting.push(start.elapsed());
        assert!(!edits.as_array().unwrap().is_empty());
    }
    assert!(client.shutdown_and_exit().success());
    (stats(diagnostics), stats(formatting), count)
}

fn stdin_filename(path: &std::path::Path, text: &str, n: usize) -> Stats {
    let samples = (0..n)
        .map(|_| {
            let start = Instant::now();
            let mut child = Command::new(binary())
                .arg("--stdin-filename")
                .arg(path)
                .stdin(Stdio::piped())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap();
            child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
            child.wait().unwrap();
            start.elapsed()
        })
        .collect();
    stats(samples)
}
