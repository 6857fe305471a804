//! `apt-cleanup`: a RUN that downloads apt's package lists and installs removes them in the same layer; `apt-get
//! install` gets `-y`.

use crate::fix::{Applicability, Edit};
use crate::knowledge::Apt;
use crate::syntax::{Dockerfile, Instruction, InstructionKind};
use crate::transforms::packages::{self, CacheMode, Found, Unit};
use crate::transforms::run_context;
use crate::transforms::{Context, Proposals, Transform, TransformMeta, declare_transform};

declare_transform! {
    /// ## What it does
    /// In a RUN that runs `apt-get update` and then installs, adds `rm -rf /var/lib/apt/lists/*` after the last
    /// command that reads the package lists, joined with `&&` in the file's continuation style. Adds `-y` to
    /// `apt-get install` (and the other installing subcommands) when nothing answers its prompts. Merges a RUN
    /// that only runs `apt-get update` into the RUN right after it when that one installs.
    ///
    /// ## Why
    /// The lists are tens of megabytes that nothing in the image needs once the packages are installed; removed
    /// in a later RUN they would still be in the earlier layer. Without `-y` (or `--yes`, `--assume-yes`, `-qq`),
    /// apt-get asks before installing extra packages, and the build aborts on the question. A lone
    /// `RUN apt-get update` is cached by the builder on its own: a later change to the install line reuses lists
    /// that may be months old.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update \
    ///     && apt-get install curl
    /// ```
    /// Becomes:
    /// ```dockerfile
    /// RUN apt-get update \
    ///     && apt-get install -y curl \
    ///     && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// ## Fix safety
    /// Safe. The lists are removed after every command of the RUN that reads them (apt-get, apt-cache,
    /// aptitude); when a later command could run apt-get from a script (`sh x.sh`, `./install`, `make`), they are
    /// removed at the end of the RUN instead. Nothing is added when a later RUN of the same image (the rest of
    /// the stage, and stages built `FROM` it) reads the lists without downloading them again, since it would then
    /// fail: that case is reported instead. A RUN that installs without `apt-get update` gets nothing either: its
    /// lists are in an earlier layer, where removing them would not shrink the image. The removal runs with `sudo`
    /// when apt-get does. `-y` only answers prompts that would otherwise abort the build. The lone update is
    /// merged with the shared RUN-joining edit of `merge-runs`, which refuses (with a note) whenever joining could
    /// change what runs: different flags, anything but comments between them, state that would leak, and so on.
    ///
    /// Commands are recognised after `sudo`, `env` and `VAR=value`, with options before the subcommand, and inside
    /// `sh -c '...'` when the string is simple. Commands inside functions, in the background or with a heredoc are
    /// left alone, and so are RUNs with heredocs or in exec form.
    ///
    /// ## Knowledge
    /// `transforms/package-managers.toml`, table `[apt]`: `commands`, `options-with-value`, `install`, `update`,
    /// `list-readers`, `list-writers`, `lists-removed-by`, `cleanup`, `script-runners`, `shells`, `[apt.yes]` and
    /// `[apt.mount]`.
    ///
    /// ## Options
    /// - `cache = "cleanup"` (default) or `"mount"`: with `"mount"`, instead of removing the lists the RUN gets
    ///   BuildKit cache mounts for `/var/cache/apt` and `/var/lib/apt/lists` (`sharing=locked`, since apt locks
    ///   them), and its body first removes `/etc/apt/apt.conf.d/docker-clean`, the hook of Debian and Ubuntu
    ///   images that deletes downloaded packages (and would empty the cache). Needs BuildKit. The image then
    ///   lacks that hook, so apt-get run in a container keeps downloaded packages until `apt-get clean`.
    ///
    /// ## References
    /// - hadolint DL3009 (delete the apt-get lists after installing something)
    /// - hadolint DL3014 (use the `-y` switch)
    pub AptCleanup {
        id: "apt-cleanup",
        summary: "Remove apt's package lists in the RUN that downloads them; answer apt-get's prompts with `-y`",
        applicability: Applicability::Safe,
        default_enabled: true,
        aliases: ["DL3009", "DL3014"],
        since: "0.1.0",
    }
}

/// How a command of a RUN uses apt's lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Use {
    /// `apt-get update`, `add-apt-repository`: downloads them.
    Writes,
    /// `apt-get install`: reads them to install.
    Installs,
    /// `apt-cache policy`, `apt-get source`: reads them.
    Reads,
    /// `apt-get purge`, `apt-get clean`: works without them.
    Maintains,
}

impl Transform for AptCleanup {
    fn meta(&self) -> &'static TransformMeta {
        &Self::META
    }

    fn check_option(&self, key: &str, value: &toml::Value) -> Result<(), String> {
        crate::transforms::packages::check_cache_option(self.meta().id, key, value)
    }

    fn run(&self, cx: &Context<'_>, out: &mut Proposals) {
        let apt = &cx.knowledge.package_managers.apt;
        let mode = match packages::cache_mode(cx.config, Self::META.id) {
            Ok(mode) => mode,
            Err(message) => {
                if let Some(first) = cx.file.instructions().iter().find(|i| i.kind == InstructionKind::Run) {
                    out.propose(first.range.clone(), message);
                }
                return;
            }
        };
        for instr in cx.file.instructions().iter().filter(|i| i.kind == InstructionKind::Run) {
            // Parsing the shell body is the costly part: skip bodies that cannot mention apt.
            if !instr.args.as_str().contains("apt") {
                continue;
            }
            let Some(units) = packages::units(cx.file, instr, &apt.shells) else { continue };
            let found = packages::commands(&units);
            let uses: Vec<(usize, Use)> =
                found.iter().enumerate().filter_map(|(i, f)| list_use(apt, f.command).map(|u| (i, u))).collect();
            add_yes(apt, &units, &found, &uses, out);
            if !merge_lone_update(cx, instr, &units, &found, &uses, out) {
                cleanup(cx, mode, instr, &units, &found, &uses, out);
            }
        }
    }
}

/// `-y` for every installing apt-get without an answer to its prompts.
fn add_yes(apt: &Apt, units: &[Unit<'_>], found: &[Found], uses: &[(usize, Use)], out: &mut Proposals) {
    for &(i, u) in uses {
        let f = &found[i];
        if u != Use::Installs || packages::has_flag(f.command, &apt.yes) {
            continue;
        }
        let Some(call) = packages::recognise(&apt.command, f.command) else { continue };
        let Some(sub) = call.sub.map(|s| &f.command.words[s]) else { continue };
        let script = units[f.unit].script();
        let Some(edit) = packages::insert_after_word(script, sub, &apt.yes.flag) else { continue };
        let name = f.command.words[call.name].raw.clone();
        out.fix(
            script.file_range(f.command.range.clone()),
            format!("`{name} {}` without `-y` aborts the build at its first question", sub.raw),
            format!("Add `{}`", apt.yes.flag),
            vec![edit],
        );
    }
}

/// A RUN that only runs `apt-get update`, followed by a RUN that installs: the two become one, so the install
/// never uses lists the build cache kept from an earlier build. Returns whether the RUN is such a lone update.
fn merge_lone_update(
    cx: &Context<'_>,
    instr: &Instruction,
    units: &[Unit<'_>],
    found: &[Found],
    uses: &[(usize, Use)],
    out: &mut Proposals,
) -> bool {
    let apt = &cx.knowledge.package_managers.apt;
    // Only `apt-get update` commands, in the body itself.
    let lone = units.len() == 1
        && !found.is_empty()
        && uses.len() == found.len()
        && uses.iter().all(|&(i, u)| u == Use::Writes && packages::recognise(&apt.command, found[i].command).is_some());
    if !lone {
        return false;
    }
    let Some(next) = cx.file.instructions().get(instr.index + 1) else { return true };
    // The next instruction must be a RUN that installs with apt.
    if next.kind != InstructionKind::Run || next.stage != instr.stage {
        return true;
    }
    let Some(next_units) = packages::units(cx.file, next, &apt.shells) else { return true };
    let installs = packages::commands(&next_units).iter().any(|f| list_use(apt, f.command) == Some(Use::Installs));
    if !installs {
        return true;
    }
    let message = "`apt-get update` alone in a RUN: the build cache can keep its lists while the next RUN installs";
    match crate::transforms::edits::join_runs(cx.file, cx.knowledge, instr, next) {
        Ok(edits) => {
            out.fix(instr.range.clone(), message, "Merge it into the RUN that installs", edits);
        }
        Err(why) => {
            out.propose(instr.range.clone(), format!("{message}; they cannot be merged: {why}"));
        }
    }
    true
}

/// Remove the lists after their last reader, or keep them in cache mounts.
fn cleanup(
    cx: &Context<'_>,
    mode: CacheMode,
    instr: &Instruction,
    units: &[Unit<'_>],
    found: &[Found],
    uses: &[(usize, Use)],
    out: &mut Proposals,
) {
    let apt = &cx.knowledge.package_managers.apt;
    let file = cx.file;
    // The lists are only in this layer when this RUN downloads them, and only worth removing when it installs.
    let Some(&(first_write, _)) = uses.iter().find(|(_, u)| *u == Use::Writes) else { return };
    if !uses.iter().any(|&(i, u)| u == Use::Installs && i > first_write) {
        return;
    }
    let &(last, _) = uses.last().expect("a writer was found");
    let last = &found[last];
    // A cache mount already keeps them out of the layer.
    let targets = packages::cache_mount_targets(instr);
    if packages::mounted(&targets, "/var/lib/apt/lists") {
        return;
    }
    // Already removed after the last download (what reads them later does without: `apt-get purge`).
    let &(last_write, _) = uses.iter().rev().find(|(_, u)| *u == Use::Writes).expect("a writer was found");
    let last_write = found[last_write].at;
    let removes = |f: &Found| {
        packages::removes_any(f.command, &apt.lists_removed_by)
            || packages::recognise(&apt.command, f.command)
                .and_then(|c| packages::sub_value(f.command, c))
                .is_some_and(|sub| apt.lists_removed_by_subcommands.iter().any(|r| r == sub))
    };
    if found.iter().any(|f| f.at > last_write && removes(f)) {
        return;
    }
    let message = "`apt-get update` leaves the package lists in the layer";
    // A later RUN of this image that reads the lists without downloading them would fail without them.
    if let Some(later) = later_reader(cx.file, apt, instr.index) {
        let line = file.line_col(later.range.start).0;
        out.propose(
            instr.range.clone(),
            format!(
                "{message}; they stay, because the RUN on line {line} may read them (it installs or runs a script \
                 before any `apt-get update`)"
            ),
        );
        return;
    }
    let sudo = if packages::uses_sudo(last.command) { "sudo " } else { "" };
    if mode == CacheMode::Mount {
        let mounts: Vec<_> = apt.mount.mounts.iter().filter(|m| !packages::mounted(&targets, &m.target)).collect();
        let Some(mount) = packages::mount_edit(file, instr, &mounts) else { return };
        let mut text = mount.content().to_string();
        if !run_context::mentions(file, instr.index, std::slice::from_ref(&apt.mount.hook_name)) {
            text.push_str(&format!("{sudo}{} && ", apt.mount.remove_hook));
        }
        out.fix(
            instr.range.clone(),
            message,
            "Keep apt's lists and downloaded packages in BuildKit cache mounts",
            vec![Edit::insertion(text, mount.start())],
        );
        return;
    }
    let at_end = packages::runner_after(found, units, last.at, &apt.script_runners);
    let command = format!("{sudo}{}", apt.cleanup);
    let Some(edit) = packages::chain_after(file, instr, units, last, at_end, &command) else {
        out.propose(instr.range.clone(), format!("{message}; dfix cannot tell where to remove them in this RUN"));
        return;
    };
    out.fix(instr.range.clone(), message, "Remove /var/lib/apt/lists in the same RUN", vec![edit]);
}

/// How a command uses the lists, if it is an apt command.
fn list_use(apt: &Apt, cmd: &crate::syntax::Command) -> Option<Use> {
    let name = cmd.words.get(cmd.unwrapped_start())?.value.as_deref().map(packages::basename)?;
    if apt.list_writers.iter().any(|w| w == name) {
        return Some(Use::Writes);
    }
    if apt.list_readers.iter().any(|r| r == name) {
        return Some(Use::Reads);
    }
    let call = packages::recognise(&apt.command, cmd)?;
    let sub = packages::sub_value(cmd, call)?;
    if apt.update.iter().any(|u| u == sub) {
        Some(Use::Writes)
    } else if apt.install.iter().any(|u| u == sub) {
        Some(Use::Installs)
    } else if apt.without_lists.iter().any(|u| u == sub) {
        Some(Use::Maintains)
    } else {
        Some(Use::Reads)
    }
}

/// The first later RUN of the image (rest of the stage, stages built on it) that may read the lists before
/// downloading them itself: one whose first apt command reads them, or that runs a script first (it could run
/// apt-get). RUNs whose body is not parsed (exec form, heredocs) count when they mention apt, and so do ONBUILD
/// instructions.
fn later_reader<'f>(file: &'f Dockerfile, apt: &Apt, index: usize) -> Option<&'f Instruction> {
    run_context::after(file, index).into_iter().find(|i| {
        let mentions_apt = file.text(i.range.clone()).contains("apt");
        match i.kind {
            InstructionKind::Onbuild => return mentions_apt,
            InstructionKind::Run => {}
            _ => return false,
        }
        let Some(units) = packages::units(file, i, &apt.shells) else { return mentions_apt };
        let found = packages::commands(&units);
        for f in &found {
            // Removing or downloading them first: the RUN does not rely on this one's.
            if packages::removes_any(f.command, &apt.lists_removed_by) {
                return false;
            }
            match list_use(apt, f.command) {
                Some(Use::Writes) => return false,
                Some(Use::Installs | Use::Reads) => return true,
                Some(Use::Maintains) => {}
                None if packages::is_runner(f, &units, &apt.script_runners) => return true,
                None => {}
            }
        }
        false
    })
}
