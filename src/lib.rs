//! dfix rewrites Dockerfiles to make the images they build smaller and safer, without breaking them.
//!
//! The pipeline: [`syntax`] reads a Dockerfile into a concrete syntax tree and a typed model; [`transforms`]
//! propose [`fix::Fix`]es; [`engine`] applies them to a fixed point with a re-parse guard; the command line
//! ([`cli`]) finds files ([`walk`]), and writes diffs and summaries ([`report`]) or fixed files ([`write`]); [`lsp`] serves editors.

pub mod cli;
pub mod config;
pub mod engine;
pub mod fix;
pub mod hadolint_config;
pub mod knowledge;
pub mod lsp;
pub mod registry;
pub mod releases;
pub mod report;
pub mod suppress;
pub mod syntax;
pub mod transforms;
pub mod verify;
pub mod walk;
pub mod write;

use cli::{Args, Command, ExitStatus};

/// Run dfix with parsed arguments: one branch per subcommand and mode.
pub fn run(args: Args) -> anyhow::Result<ExitStatus> {
    match &args.command {
        Some(Command::Rules(rules)) => cli::rules::run(rules),
        Some(Command::Explain(explain)) => cli::explain::run(explain),
        Some(Command::Server(_)) => lsp::run(),
        None if args.fix.verify => verify::run(&args.fix),
        None => match &args.fix.stdin_filename {
            Some(path) => cli::stdin::run(&args.fix, path),
            None => cli::files::run(&args.fix),
        },
    }
}
