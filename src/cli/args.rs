//! The command line, declared with clap's derive API. The doc comments on these items are the `--help` text.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

const LONG_ABOUT: &str = "\
Rewrites Dockerfiles to make the images they build smaller and safer, without breaking them.

By default dfix prints a unified diff of the fixes it would make and changes nothing. Use --apply to write the \
fixes, --check to only learn whether anything would change, or --stdin-filename to use dfix as a filter.

Directories are searched for Dockerfile, Containerfile, *.Dockerfile, *.dockerfile, *.containerfile, \
Dockerfile.* and Containerfile.* (names compared case-insensitively), skipping hidden files and whatever \
.gitignore and .ignore exclude. Symbolic links found while searching are not followed. A file named on the \
command line is always read, whatever its name.";

const AFTER_HELP: &str = "\
Examples:
  dfix                                 show what would change under the current directory
  dfix --apply services/               fix the Dockerfiles under services/ in place
  dfix --check                         exit 1 if any Dockerfile would change (for CI)
  dfix --select maintainer-label,DL3020 Dockerfile
                                       run only these transforms (ids or hadolint ids)
  dfix --format sarif --output dfix.sarif
                                       write every finding as SARIF (also json, rdjson, github, gitlab, ...)
  dfix --stdin-filename Dockerfile < Dockerfile
                                       read stdin, print the fixed file (for editors)
  dfix --extend-select pin-digest --apply
                                       also pin base images to digests (asks their registries)
  dfix rules                           list the transforms
  dfix explain copy-not-add            explain one transform
  dfix server                          run the language server (for editors)

Exit status: 0 when nothing would change (or --apply/--stdin-filename succeeded), 1 when the diff or --check \
found changes, 2 on a usage error or when any file could not be read, parsed or written.

Settings come from the nearest dfix.toml above each Dockerfile (or from --config); without one, from the nearest \
.hadolint.yaml, else from $XDG_CONFIG_HOME/hadolint.yaml (--isolated reads none). Options given here win. \
Comments such as `# dfix ignore=merge-runs` above an instruction, `# dfix global ignore=...`, `# hadolint \
ignore=...` and `# check=skip=...` suppress findings. To name a path that is also a subcommand, write it as ./rules \
or after --.";

#[derive(Debug, Parser)]
#[command(
    name = "dfix",
    version,
    about = "Rewrites Dockerfiles to make the images they build smaller and safer",
    long_about = LONG_ABOUT,
    after_help = "See 'dfix --help' for examples, exit codes and settings.",
    after_long_help = AFTER_HELP,
    args_conflicts_with_subcommands = true,
    max_term_width = 100
)]
pub struct Args {
    #[command(subcommand)]
    pub command: Option<Command>,

    #[command(flatten)]
    pub fix: FixArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the transforms: id, applicability, whether on by default, aliases and summary.
    Rules(RulesArgs),
    /// Explain one transform: what it does, why, an example and how safe its fix is.
    Explain(ExplainArgs),
    /// Run a language server on stdin and stdout, for editors: diagnostics, quick fixes, fix-all, formatting.
    Server(ServerArgs),
}

#[derive(Debug, clap::Args)]
pub struct ServerArgs {
    /// Talk over stdin and stdout (the only transport, and the default; accepted because editors pass it).
    #[arg(long)]
    pub stdio: bool,
}

#[derive(Debug, clap::Args)]
pub struct RulesArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// A transform id (such as copy-not-add) or alias (such as DL3020).
    #[arg(value_name = "ID")]
    pub id: String,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// How the default command reports what it found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum OutputFormat {
    /// A unified diff of the fixes (with --check or --apply: one line per changed file).
    #[default]
    Diff,
    /// Findings counted by status, per file and per transform.
    Summary,
    /// Every finding with its fix and edits (versioned schema, see the README).
    Json,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// reviewdog's Diagnostic Format, one JSON document.
    Rdjson,
    /// reviewdog's Diagnostic Format, one diagnostic per line.
    Rdjsonl,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// GitLab Code Quality report.
    Gitlab,
}

impl OutputFormat {
    /// Formats that a program reads: they list every finding, and nothing else goes to their output.
    pub fn is_machine(self) -> bool {
        !matches!(self, OutputFormat::Diff | OutputFormat::Summary)
    }
}

/// The options of the default command: fixing files.
#[derive(Debug, Default, clap::Args)]
pub struct FixArgs {
    /// Files or directories to fix [default: .]
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Write the fixes to the files instead of printing a diff.
    ///
    /// Each changed file is replaced atomically: the new contents go to a temporary file in the same directory,
    /// which is flushed to disk, given the original's permissions, and renamed over the original. A file that
    /// changed on disk while dfix was working is not overwritten, and read-only files are refused. A symbolic link
    /// is written through: its target is replaced and the link is kept. Unchanged files are never touched.
    #[arg(long, conflicts_with = "check")]
    pub apply: bool,

    /// Print only a summary of what would change; exit 1 if anything would.
    #[arg(long)]
    pub check: bool,

    /// Read a Dockerfile from stdin and write the whole fixed file to stdout.
    ///
    /// PATH names the file in messages and is where the search for dfix.toml starts; it need not exist. On an
    /// error the input is written back unchanged and the exit status is 2.
    #[arg(long, value_name = "PATH", conflicts_with_all = ["paths", "apply", "check", "format", "output", "verify"])]
    pub stdin_filename: Option<PathBuf>,

    /// How to report the findings: diff, summary, json, sarif, rdjson, rdjsonl, github or gitlab.
    ///
    /// Every format but diff lists all findings, including unsafe fixes held back and display-only fixes, each
    /// marked, whatever --unsafe-fixes says; their edits are byte ranges of the input. Combines with --apply (the
    /// report says what was written) and --check; the exit status is the same whatever the format.
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = OutputFormat::Diff)]
    pub format: OutputFormat,

    /// Write the report (diff or --format output) to FILE instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Also apply fixes that may change what the image does.
    #[arg(long, overrides_with = "no_unsafe_fixes")]
    pub unsafe_fixes: bool,

    /// Apply only safe fixes, even if dfix.toml sets unsafe-fixes = true.
    #[arg(long, overrides_with = "unsafe_fixes")]
    pub no_unsafe_fixes: bool,

    /// Run only these transforms (comma-separated ids or aliases, or ALL); replaces dfix.toml's selection.
    #[arg(long, value_name = "ID,...", value_delimiter = ',')]
    pub select: Option<Vec<String>>,

    /// Run these transforms in addition to the selected ones.
    #[arg(long, value_name = "ID,...", value_delimiter = ',')]
    pub extend_select: Vec<String>,

    /// Do not run these transforms.
    #[arg(long, value_name = "ID,...", value_delimiter = ',')]
    pub ignore: Vec<String>,

    /// Never use the network (for transforms that would look things up in a registry).
    ///
    /// pin-digest then pins only from dfix.lock and from dfix's cache of earlier lookups.
    #[arg(long)]
    pub offline: bool,

    /// Re-resolve images already pinned to a digest, and rewrite the pins whose tag has moved (pin-digest).
    ///
    /// Without it, pinned images are left alone. With --apply, dfix.lock is updated too. Same as
    /// update-digests = true in dfix.toml.
    #[arg(long)]
    pub update_digests: bool,

    /// Compare end-of-life dates with this day instead of today (eol-base), for reproducible runs.
    ///
    /// Same as as-of = "YYYY-MM-DD" in dfix.toml.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_day)]
    pub as_of: Option<crate::releases::Date>,

    /// Use this dfix.toml for every file instead of searching for the nearest one.
    ///
    /// A file named `*.yaml` or `*.yml` is read as a hadolint configuration.
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,

    /// Read no configuration file: no dfix.toml, no .hadolint.yaml, no $XDG_CONFIG_HOME/hadolint.yaml.
    #[arg(long, conflicts_with = "config")]
    pub isolated: bool,

    /// Report suppression comments (`# dfix ignore=`, `# hadolint ignore=`, `# check=skip=`) that suppress nothing.
    #[arg(long)]
    pub warn_unused_ignores: bool,

    /// Build each Dockerfile that would change before and after its fixes, and keep only the fixes that build.
    ///
    /// Uses docker (BuildKit when available, else the classic builder), podman or buildah, under temporary tags
    /// (dfix-verify-<pid>-<n>) that are removed afterwards; nothing is pushed. A fix that breaks the build is
    /// dropped, the others are kept, and a table of image sizes and layers before and after ends the run.
    #[arg(long, help_heading = "Verifying fixes")]
    pub verify: bool,

    /// The builder to use: docker, podman, buildah, or a path to one of them [default: the first that works].
    #[arg(long, value_name = "NAME", requires = "verify", help_heading = "Verifying fixes")]
    pub builder: Option<String>,

    /// The build context for every Dockerfile [default: the Dockerfile's directory].
    #[arg(long, value_name = "DIR", requires = "verify", help_heading = "Verifying fixes")]
    pub context: Option<PathBuf>,

    /// A build argument, passed to every build (repeat for more).
    #[arg(long, value_name = "NAME=VALUE", requires = "verify", help_heading = "Verifying fixes")]
    pub build_arg: Vec<String>,

    /// The stage to build.
    #[arg(long, value_name = "STAGE", requires = "verify", help_heading = "Verifying fixes")]
    pub target: Option<String>,

    /// The platform to build for (such as linux/amd64).
    #[arg(long, value_name = "PLATFORM", requires = "verify", help_heading = "Verifying fixes")]
    pub platform: Option<String>,

    /// The network of RUN instructions during builds (such as host).
    #[arg(long, value_name = "MODE", requires = "verify", help_heading = "Verifying fixes")]
    pub network: Option<String>,

    /// Seconds a build (or a --verify-run command) may take before it is stopped and counted as failed.
    #[arg(long, value_name = "SECONDS", default_value_t = 900, requires = "verify", help_heading = "Verifying fixes")]
    pub verify_timeout: u64,

    /// Builds to run at the same time.
    #[arg(long, value_name = "N", default_value_t = 2, value_parser = clap::value_parser!(u64).range(1..),
          requires = "verify", help_heading = "Verifying fixes")]
    pub verify_jobs: u64,

    /// Also run this in both images (`docker run IMAGE ARGS`: '' runs the default command, '--version' passes it
    /// to the entrypoint); a different exit status or output counts as a failure of the fixes.
    #[arg(long, value_name = "'CMD ARGS'", requires = "verify", help_heading = "Verifying fixes")]
    pub verify_run: Option<String>,

    /// Most builds to spend on one file while looking for the fixes that break it.
    #[arg(long, value_name = "N", default_value_t = 16, requires = "verify", help_heading = "Verifying fixes")]
    pub verify_max_builds: usize,
}

fn parse_day(text: &str) -> Result<crate::releases::Date, String> {
    crate::releases::Date::parse(text).ok_or_else(|| "not a date; write it as YYYY-MM-DD".to_string())
}

impl FixArgs {
    /// `Some(true)` for `--unsafe-fixes`, `Some(false)` for `--no-unsafe-fixes`, `None` to defer to dfix.toml.
    pub fn unsafe_fixes(&self) -> Option<bool> {
        match (self.unsafe_fixes, self.no_unsafe_fixes) {
            (true, _) => Some(true),
            (_, true) => Some(false),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn command_is_well_formed() {
        Args::command().debug_assert();
    }

    #[test]
    fn paths_and_subcommands_coexist() {
        let a = Args::try_parse_from(["dfix", ".", "x/Dockerfile"]).unwrap();
        assert!(a.command.is_none());
        assert_eq!(a.fix.paths.len(), 2);
        let a = Args::try_parse_from(["dfix", "rules", "--format", "json"]).unwrap();
        assert!(matches!(a.command, Some(Command::Rules(RulesArgs { format: Format::Json }))));
    }

    #[test]
    fn lists_split_on_commas_and_repeat() {
        let a = Args::try_parse_from(["dfix", "--select", "a,b", "--select", "c"]).unwrap();
        assert_eq!(a.fix.select.unwrap(), ["a", "b", "c"]);
    }

    #[test]
    fn last_unsafe_flag_wins() {
        let a = Args::try_parse_from(["dfix", "--unsafe-fixes", "--no-unsafe-fixes"]).unwrap();
        assert_eq!(a.fix.unsafe_fixes(), Some(false));
        let a = Args::try_parse_from(["dfix", "--no-unsafe-fixes", "--unsafe-fixes"]).unwrap();
        assert_eq!(a.fix.unsafe_fixes(), Some(true));
        assert_eq!(Args::try_parse_from(["dfix"]).unwrap().fix.unsafe_fixes(), None);
    }

    #[test]
    fn server_accepts_stdio() {
        let a = Args::try_parse_from(["dfix", "server", "--stdio"]).unwrap();
        assert!(matches!(a.command, Some(Command::Server(ServerArgs { stdio: true }))));
        assert!(Args::try_parse_from(["dfix", "server"]).is_ok());
    }

    #[test]
    fn modes_conflict() {
        assert!(Args::try_parse_from(["dfix", "--apply", "--check"]).is_err());
        assert!(Args::try_parse_from(["dfix", "--stdin-filename", "D", "x"]).is_err());
        assert!(Args::try_parse_from(["dfix", "--stdin-filename", "D", "--apply"]).is_err());
        assert!(Args::try_parse_from(["dfix", "--stdin-filename", "D", "--format", "json"]).is_err());
    }

    #[test]
    fn verify_options_need_verify() {
        let a =
            Args::try_parse_from(["dfix", "--verify", "--check", "--build-arg", "A=1", "--build-arg", "B=2"]).unwrap();
        assert!(a.fix.verify && a.fix.check);
        assert_eq!(a.fix.build_arg, ["A=1", "B=2"]);
        assert_eq!((a.fix.verify_timeout, a.fix.verify_jobs, a.fix.verify_max_builds), (900, 2, 16));
        assert!(Args::try_parse_from(["dfix", "--builder", "docker"]).is_err());
        assert!(Args::try_parse_from(["dfix", "--verify-run", "--version"]).is_err());
        assert!(Args::try_parse_from(["dfix", "--verify", "--verify-jobs", "0"]).is_err());
        assert!(Args::try_parse_from(["dfix", "--verify", "--stdin-filename", "D"]).is_err());
        let a = Args::try_parse_from(["dfix", "--verify", "--verify-run=--version"]).unwrap();
        assert_eq!(a.fix.verify_run.as_deref(), Some("--version"));
    }

    #[test]
    fn formats_parse_and_combine_with_modes() {
        let a = Args::try_parse_from(["dfix", "--format", "sarif", "--apply", "--output", "x.sarif"]).unwrap();
        assert_eq!(a.fix.format, OutputFormat::Sarif);
        assert!(a.fix.apply && a.fix.output.is_some());
        assert_eq!(Args::try_parse_from(["dfix"]).unwrap().fix.format, OutputFormat::Diff);
        assert!(OutputFormat::Rdjsonl.is_machine() && !OutputFormat::Summary.is_machine());
    }
}
