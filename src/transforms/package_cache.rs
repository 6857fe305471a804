//! `package-cache`: package managers other than apt keep their caches out of the layer (apk, pip, yum, dnf,
//! microdnf, zypper, yarn, npm, gem), and answer their prompts.

use crate::fix::Applicability;
use crate::knowledge::{FlagSpec, Manager};
use crate::syntax::{Instruction, InstructionKind};
use crate::transforms::packages::{self, CacheMode, Call, Found, Unit};
use crate::transforms::run_context::{self, RunsAs};
use crate::transforms::{Context, Proposals, Transform, TransformMeta, declare_transform};

declare_transform! {
    /// ## What it does
    /// Keeps package managers' download caches out of the image:
    /// - `apk add` gets `--no-cache`;
    /// - `pip install` (`pip3`, `python -m pip`) gets `--no-cache-dir`, unless `PIP_NO_CACHE_DIR` is set;
    /// - `yum`, `dnf` and `microdnf` installs get `-y`, and `<manager> clean all` after the manager's last
    ///   command in the RUN;
    /// - `zypper` gets `-n` and `zypper clean`;
    /// - `yarn install` gets `yarn cache clean`, `npm ci` / `npm install` get `npm cache clean --force`;
    /// - `gem install` gets `--no-document`.
    ///
    /// ## Why
    /// The caches hold every downloaded package (or its index) a second time, in a layer that nothing reads
    /// again; a later RUN cannot shrink it. The yes switches answer prompts that would abort the build.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apk add curl && pip install -r requirements.txt
    /// RUN dnf install httpd
    /// ```
    /// Becomes:
    /// ```dockerfile
    /// RUN apk add --no-cache curl && pip install --no-cache-dir -r requirements.txt
    /// RUN dnf install -y httpd && dnf clean all
    /// ```
    ///
    /// ## Fix safety
    /// Safe. Each fix only changes what is cached, never what is installed: `--no-cache` makes apk read a fresh
    /// index instead of a stored one and store nothing; `--no-cache-dir` makes pip download instead of reusing
    /// wheels; the clean commands run after the manager's last command in the RUN, joined with `&&`, and these
    /// managers download what they need again when a later RUN runs them; `--no-document` skips generating gem
    /// documentation. A cleanup runs with `sudo` when the manager does. Yarn is left alone when the stage shows
    /// signs of Yarn 2 or later (corepack, `.yarnrc.yml`, `yarn set version`, `--immutable`): its cache may hold
    /// the packages the application loads. Nothing is added when a cache mount already covers the cache, or
    /// when the author already cleans it.
    ///
    /// ## Knowledge
    /// `transforms/package-managers.toml`, tables `[managers.<name>]`: how to recognise each manager, its
    /// installing subcommands, the options to add, its cleanup command and its cache directories. A new manager
    /// is a new table.
    ///
    /// ## Options
    /// - `cache = "cleanup"` (default) or `"mount"`: with `"mount"`, instead of cache options and cleanup
    ///   commands the RUN gets BuildKit cache mounts on the managers' cache directories (`/var/cache/apk`,
    ///   `/root/.cache/pip`, `/var/cache/dnf`, ...). Caches in root's home are mounted only for RUNs known to run
    ///   as root; others keep the cleanup fixes. Needs BuildKit.
    ///
    /// ## References
    /// - hadolint DL3019 (apk `--no-cache`), DL3042 (pip `--no-cache-dir`), DL3030 and DL3032 (yum), DL3038 and
    ///   DL3040 (dnf, microdnf), DL3034 and DL3036 (zypper), DL3060 (yarn)
    pub PackageCache {
        id: "package-cache",
        summary: "Keep package managers' caches (apk, pip, yum, dnf, zypper, yarn, npm, gem) out of the layer",
        applicability: Applicability::Safe,
        default_enabled: true,
        aliases: ["DL3019", "DL3042", "DL3030", "DL3032", "DL3038", "DL3040", "DL3034", "DL3036", "DL3060"],
        since: "0.1.0",
    }
}

impl Transform for PackageCache {
    fn meta(&self) -> &'static TransformMeta {
        &Self::META
    }

    fn check_option(&self, key: &str, value: &toml::Value) -> Result<(), String> {
        crate::transforms::packages::check_cache_option(self.meta().id, key, value)
    }

    fn run(&self, cx: &Context<'_>, out: &mut Proposals) {
        let knowledge = &cx.knowledge.package_managers;
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
            let Some(units) = packages::units(cx.file, instr, &knowledge.apt.shells) else { continue };
            let found = packages::commands(&units);
            for (name, manager) in &knowledge.managers {
                let calls: Vec<(&Found, Call)> = found
                    .iter()
                    .filter_map(|f| packages::recognise(&manager.command, f.command).map(|c| (f, c)))
                    .collect();
                let installs: Vec<&(&Found, Call)> = calls.iter().filter(|(f, c)| installs(manager, f, *c)).collect();
                if installs.is_empty() {
                    continue;
                }
                // Signs that a fix could change the build (Yarn 2 and later keep packages in the cache).
                if run_context::mentions(cx.file, instr.index, &manager.skip_if_stage_mentions) {
                    continue;
                }
                let mut run = ManagerRun { cx, instr, units: &units, found: &found, name, manager, out };
                let mount = run.mounts(mode);
                for &&(f, call) in &installs {
                    for flag in &manager.flags {
                        // In mount mode the cache goes to the mount instead.
                        if !(flag.cache && mount) {
                            run.add_flag(f, call, flag);
                        }
                    }
                }
                if !mount {
                    run.cleanup(&calls);
                }
            }
        }
    }
}

/// Whether a call installs packages.
fn installs(manager: &Manager, f: &Found, call: Call) -> bool {
    // `pip install --help`, `yarn --version`: only print.
    let info = f.command.words[call.name..].iter().any(|w| manager.info_options.iter().any(|o| w.is(o)));
    !info
        && match packages::sub_value(f.command, call) {
            Some(sub) => manager.install.iter().any(|i| i == sub),
            None => manager.bare_install && call.sub.is_none(),
        }
}

/// One manager's fixes in one RUN.
struct ManagerRun<'a, 'c> {
    cx: &'a Context<'c>,
    instr: &'a Instruction,
    units: &'a [Unit<'c>],
    found: &'a [Found<'a>],
    name: &'a str,
    manager: &'a Manager,
    out: &'a mut Proposals,
}

impl ManagerRun<'_, '_> {
    /// Whether the manager's cache is, or in mount mode becomes, a cache mount (proposing the mounts it lacks).
    fn mounts(&mut self, mode: CacheMode) -> bool {
        let targets = packages::cache_mount_targets(self.instr);
        let covered = |m: &&crate::knowledge::CacheMount| packages::mounted(&targets, &m.target);
        if !self.manager.mounts.is_empty() && self.manager.mounts.iter().all(|m| covered(&m)) {
            return true;
        }
        if mode != CacheMode::Mount || self.manager.mounts.is_empty() {
            return false;
        }
        // A cache in root's home is only the manager's cache when the RUN runs as root.
        let root = run_context::runs_as(self.cx.file, self.instr.index, self.cx.knowledge) == RunsAs::Root;
        if self.manager.mounts.iter().any(|m| m.root) && !root {
            return false;
        }
        let missing: Vec<_> = self.manager.mounts.iter().filter(|m| !covered(m)).collect();
        if let Some(edit) = packages::mount_edit(self.cx.file, self.instr, &missing) {
            self.out.fix(
                self.instr.range.clone(),
                format!("{}'s cache would be stored in the layer", self.name),
                format!("Keep {}'s cache in a BuildKit cache mount", self.name),
                vec![edit],
            );
        }
        true
    }

    /// Add an option the install call lacks.
    fn add_flag(&mut self, f: &Found, call: Call, flag: &FlagSpec) {
        let cmd = &f.command;
        if packages::has_flag(cmd, flag) {
            return;
        }
        let sub = packages::sub_value(cmd, call).unwrap_or("");
        if !flag.subcommands.is_empty() && !flag.subcommands.iter().any(|s| s == sub) {
            return;
        }
        // An environment variable set for the stage, or earlier in the RUN, does the same.
        let file = self.cx.file;
        if flag.env.iter().any(|e| run_context::env_is_set(file, self.instr.index, e) || self.set_before(f, e)) {
            return;
        }
        // A cache mount on the cache directory keeps it out of the layer already.
        let targets = packages::cache_mount_targets(self.instr);
        if flag.cache && self.manager.mounts.iter().any(|m| packages::mounted(&targets, &m.target)) {
            return;
        }
        let after = match (flag.position.as_deref(), call.sub) {
            (Some("command"), _) | (_, None) => call.name,
            (_, Some(s)) => s,
        };
        let script = self.units[f.unit].script();
        let Some(edit) = packages::insert_after_word(script, &cmd.words[after], &flag.flag) else { return };
        let shown: Vec<&str> = cmd.words[call.name..=after].iter().map(|w| w.raw.as_str()).collect();
        self.out.fix(
            script.file_range(cmd.range.clone()),
            format!("`{}` without `{}`", shown.join(" "), flag.flag),
            format!("Add `{}`", flag.flag),
            vec![edit],
        );
    }

    /// Whether an earlier command of the RUN sets or exports `name` (`export PIP_NO_CACHE_DIR=1`).
    fn set_before(&self, f: &Found, name: &str) -> bool {
        self.found.iter().filter(|g| g.at < f.at).any(|g| {
            g.command.assignments.iter().chain(&g.command.words).any(|w| w.raw.split('=').next() == Some(name))
        })
    }

    /// Chain the cleanup command after the manager's last command, unless the cache is already cleaned.
    fn cleanup(&mut self, calls: &[(&Found, Call)]) {
        let Some(cleanup) = &self.manager.cleanup else { return };
        let cleans = |g: &Found| {
            let by_manager = packages::recognise(&self.manager.command, g.command)
                .and_then(|c| packages::sub_value(g.command, c))
                .is_some_and(|sub| cleanup.cleaned_by.iter().any(|c| c == sub));
            by_manager || packages::removes_any(g.command, &cleanup.removes)
        };
        let Some(&(last, _)) = calls.iter().rev().find(|(f, _)| !cleans(f)) else { return };
        if self.found.iter().any(|g| g.at > last.at && cleans(g)) {
            return;
        }
        let sudo = if packages::uses_sudo(last.command) { "sudo " } else { "" };
        let command = format!("{sudo}{}", cleanup.command);
        let message = format!("{} leaves its cache in the layer", self.name);
        let Some(edit) = packages::chain_after(self.cx.file, self.instr, self.units, last, false, &command) else {
            self.out.propose(self.instr.range.clone(), format!("{message}; dfix cannot tell where to clean it"));
            return;
        };
        self.out.fix(self.instr.range.clone(), message, format!("Add `{}`", cleanup.command), vec![edit]);
    }
}
