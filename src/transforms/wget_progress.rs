//! `wget-progress`: `wget` in RUN gets `--progress=dot:giga` (BusyBox's `wget`: `-q`), so its progress bar does not
//! flood the build log.

use crate::fix::{Applicability, Edit, Fix};
use crate::knowledge::Wget;
use crate::syntax::{Command, Dockerfile, InstructionKind, ShellWord, StageBase};
use crate::transforms::edits::shell_word_range;
use crate::transforms::packages::basename;
use crate::transforms::run_context;
use crate::transforms::{Context, Proposals, Transform, TransformMeta, declare_transform};

declare_transform! {
    /// ## What it does
    /// Adds `--progress=dot:giga` after `wget` in RUN when the command has none of the options that quieten it
    /// (`-q`, `--quiet`, `-nv`, `--no-verbose`, `--progress`, or a log file with `-o` / `-a`); where the `wget` is
    /// BusyBox's (Alpine and BusyBox images), which has no `--progress`, adds `-q`.
    ///
    /// ## Why
    /// Without a terminal, wget prints its progress as one dot per kilobyte: a download of a few hundred megabytes
    /// fills the build log with tens of thousands of lines and hides what matters. `dot:giga` prints one dot per
    /// 64 KB and a line per 3 MB, and keeps the messages about errors and redirects that `-q` would hide.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN wget https://example.com/tool.tar.gz
    /// ```
    /// Becomes:
    /// ```dockerfile
    /// FROM debian:12
    /// RUN wget --progress=dot:giga https://example.com/tool.tar.gz
    /// ```
    ///
    /// ## Fix safety
    /// Safe: the option changes only what wget writes to the log (standard error); what it downloads, where, and its
    /// exit status stay the same; that holds when the download goes to standard output too (`wget -O- URL | tar x`),
    /// since the progress goes to standard error. Only GNU wget knows the option; BusyBox wget, the `wget` of Alpine
    /// and BusyBox images, rejects it and the build would fail. So the option is added as a safe fix only where the
    /// `wget` is GNU wget: a base image of a family known to ship it (Debian, Ubuntu, RHEL-like), or one where an
    /// earlier command of the image installs the `wget` package (`apk add wget` replaces BusyBox's). On an Alpine or
    /// BusyBox image without that, the `wget` is BusyBox's and gets `-q` instead, also safe: BusyBox's `-q` hides
    /// only the progress bar and the `Connecting to` and `saved` lines, while its error messages (`server returned
    /// error: HTTP/1.1 404`, `can't connect to remote host`) and its exit status stay; should the image hold GNU
    /// wget after all (installed by a parent image), `-q` is one of its options too and changes only the log. When
    /// the base image's family is not known, an earlier command of the image that runs a package manager tells the
    /// kind of distribution (`apt-get`, `yum`, `dnf`: GNU wget; `apk`: BusyBox); without one, the fix is unsafe.
    /// Commands in `sh -c` strings, Windows shells, exec-form and heredoc bodies are left alone.
    ///
    /// ## Knowledge
    /// `transforms/shell.toml`: `[wget]` (the options, the families and the installers);
    /// `transforms/images.toml`: the `family` of base images.
    ///
    /// ## References
    /// - hadolint DL3047
    pub WgetProgress {
        id: "wget-progress",
        summary: "Keep `wget`'s progress bar out of the build log: `--progress=dot:giga`, or `-q` for BusyBox's `wget`",
        applicability: Applicability::Safe,
        default_enabled: true,
        aliases: ["DL3047"],
        since: "0.1.0",
    }
}

/// What the `wget` of a RUN is, as far as the base image and earlier commands tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flavour {
    Gnu,
    Busybox,
    Unknown,
}

impl Transform for WgetProgress {
    fn meta(&self) -> &'static TransformMeta {
        &Self::META
    }

    fn run(&self, cx: &Context<'_>, out: &mut Proposals) {
        let wget = &cx.knowledge.shell.wget;
        for instr in cx.file.instructions().iter().filter(|i| i.kind == InstructionKind::Run) {
            if !instr.args.as_str().contains("wget") {
                continue;
            }
            // PowerShell and cmd bodies parse as something else than what runs.
            if !run_context::posix_shell(cx.file, instr.index) {
                continue;
            }
            let Some(script) = cx.file.shell(instr.index) else { continue };
            // A body with syntax errors is not understood well enough to edit.
            if script.error_count() > 0 {
                continue;
            }
            for cmd in script.command_list() {
                let start = cmd.unwrapped_start();
                let words = &cmd.words[start..];
                let Some(name) = words.first() else { continue };
                // A word the parser split in two (`` wget`x`y ``) around the command name: the name cannot be
                // trusted. Split words among the arguments (long URLs with variables) do not matter here.
                let touches = |a: Option<&ShellWord>, b: Option<&ShellWord>| {
                    a.zip(b).is_some_and(|(a, b)| a.range.end == b.range.start)
                };
                if touches(start.checked_sub(1).and_then(|i| cmd.words.get(i)), Some(name))
                    || touches(Some(name), words.get(1))
                {
                    continue;
                }
                if name.value.as_deref().map(basename) != Some("wget") {
                    continue;
                }
                if is_quiet(&words[1..], wget) {
                    continue;
                }
                let Some(name_range) = shell_word_range(script, name) else { continue };
                let range = script.file_range(cmd.range.clone());
                let message = "`wget` without `--progress` fills the build log with its progress bar";
                let (option, applicability, message) = match flavour(cx, instr.index, cmd.range.start) {
                    Flavour::Gnu => (&wget.progress, out.default_applicability(), message.to_string()),
                    Flavour::Unknown => (
                        &wget.progress,
                        out.default_applicability().min(Applicability::Unsafe),
                        format!(
                            "{message}; unsafe: dfix does not know whether this image's `wget` is GNU wget (BusyBox \
                             wget rejects `--progress`)"
                        ),
                    ),
                    // BusyBox wget has no `--progress`; its `-q` hides the progress bar and the chatter around it,
                    // and keeps its error messages.
                    Flavour::Busybox => (
                        &wget.busybox_quiet,
                        out.default_applicability(),
                        format!(
                            "{message}; this image's `wget` is BusyBox's, which has no `--progress`: `{}` keeps the \
                             progress bar out and still reports errors",
                            wget.busybox_quiet
                        ),
                    ),
                };
                let edit = Edit::insertion(format!(" {option}"), name_range.end);
                let fix = Fix::new(format!("Add `{option}`"), vec![edit], applicability);
                out.propose(range, message).fix = Some(fix);
            }
        }
    }
}

/// Whether the options keep wget's progress bar out of the log: one of `quiet`, as a word, as `--long=value`, or
/// inside a group of short options (`-qO-`).
fn is_quiet(args: &[ShellWord], wget: &Wget) -> bool {
    for word in args {
        // A word built from variables may hold anything; adding the option next to it is harmless either way.
        let Some(v) = word.value.as_deref() else { continue };
        if v == "--" {
            break;
        }
        if let Some(long) = v.strip_prefix("--") {
            let name = long.split('=').next().unwrap_or(long);
            if wget.quiet.iter().any(|q| q.strip_prefix("--") == Some(name)) {
                return true;
            }
            continue;
        }
        let Some(group) = v.strip_prefix('-') else { continue };
        if wget.quiet.iter().any(|q| q == v) {
            return true;
        }
        let mut chars = group.chars();
        while let Some(c) = chars.next() {
            let short = format!("-{c}");
            if wget.quiet.contains(&short) {
                return true;
            }
            // `-n` takes the next letter: `-nv` is --no-verbose.
            if c == 'n' {
                let next = chars.next().map(|n| format!("-n{n}"));
                if next.is_some_and(|n| wget.quiet.contains(&n)) {
                    return true;
                }
                break;
            }
            if wget.short_with_value.iter().any(|s| s.len() == c.len_utf8() && s.starts_with(c)) {
                break;
            }
        }
    }
    false
}

/// Which `wget` runs in instruction `index` at the command starting at `at` (in its shell body).
fn flavour(cx: &Context<'_>, index: usize, at: usize) -> Flavour {
    let wget = &cx.knowledge.shell.wget;
    let earlier: Vec<usize> = run_context::stretches(cx.file, index).into_iter().flatten().collect();
    if installs_wget(cx.file, index, Some(at), wget) || earlier.iter().any(|&i| installs_wget(cx.file, i, None, wget)) {
        return Flavour::Gnu;
    }
    let family = match run_context::chain_base(cx.file, index) {
        Some(StageBase::Image(image)) if !image.has_variable => cx.knowledge.images.facts(image).family,
        _ => None,
    };
    if let Some(family) = family {
        if wget.gnu_families.iter().any(|f| f == family) {
            return Flavour::Gnu;
        }
        if wget.busybox_families.iter().any(|f| f == family) {
            return Flavour::Busybox;
        }
        return Flavour::Unknown;
    }
    // No family known: the package managers the image's commands run tell the kind of distribution.
    let mut managers: Vec<String> = Vec::new();
    for (i, before) in std::iter::once((index, Some(at))).chain(earlier.iter().map(|&i| (i, None))) {
        let Some(instr) = cx.file.instructions().get(i) else { continue };
        if instr.kind != InstructionKind::Run {
            continue;
        }
        let Some(script) = cx.file.shell(i) else { continue };
        for c in script.command_list().iter().filter(|c| before.is_none_or(|b| c.range.start < b)) {
            if let Some(name) = c.words.get(c.unwrapped_start()).and_then(|w| w.value.as_deref()) {
                managers.push(basename(name).to_string());
            }
        }
    }
    if managers.iter().any(|m| wget.gnu_package_managers.contains(m)) {
        Flavour::Gnu
    } else if managers.iter().any(|m| wget.busybox_package_managers.contains(m)) {
        Flavour::Busybox
    } else {
        Flavour::Unknown
    }
}

/// Whether RUN instruction `index` installs the `wget` package with a package manager (only in commands that
/// start before `before`, when given).
fn installs_wget(file: &Dockerfile, index: usize, before: Option<usize>, wget: &Wget) -> bool {
    let Some(instr) = file.instructions().get(index) else { return false };
    if instr.kind != InstructionKind::Run || !instr.args.as_str().contains("wget") {
        return false;
    }
    let Some(script) = file.shell(index) else { return false };
    script.command_list().iter().filter(|c| before.is_none_or(|b| c.range.start < b)).any(|c| installs(c, wget))
}

fn installs(cmd: &Command, wget: &Wget) -> bool {
    let words = &cmd.words[cmd.unwrapped_start()..];
    let Some(name) = words.first().and_then(|w| w.value.as_deref()).map(basename) else { return false };
    let mut rest = words[1..].iter().filter_map(|w| w.value.as_deref()).filter(|v| !v.starts_with('-'));
    let Some(sub) = rest.next() else { return false };
    let call = format!("{name} {sub}");
    wget.installers.contains(&call) && rest.any(|p| p == "wget" || p.starts_with("wget=") || p.starts_with("wget-1"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::knowledge::Knowledge;

    fn quiet(line: &str) -> bool {
        let file = Dockerfile::parse(&format!("FROM debian\nRUN {line}\n"));
        let script = file.shell(1).unwrap();
        let cmd = &script.command_list()[0];
        is_quiet(&cmd.words[1..], &Knowledge::builtin().shell.wget)
    }

    #[test]
    fn quiet_options_in_every_spelling() {
        for line in [
            "wget -q x",
            "wget --quiet x",
            "wget -nv x",
            "wget --no-verbose x",
            "wget --progress=bar x",
            "wget --progress bar x",
            "wget -qO- x",
            "wget -Oq -q x",
            "wget -o log x",
            "wget --output-file=log x",
            "wget -cnv x",
        ] {
            assert!(quiet(line), "{line}");
        }
        for line in ["wget x", "wget -O q x", "wget -Oq x", "wget -nc x", "wget -- -q", "wget -O- x", "wget $OPTS x"] {
            assert!(!quiet(line), "{line}");
        }
    }
}
