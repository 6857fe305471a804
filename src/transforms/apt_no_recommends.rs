//! `apt-no-recommends`: `apt-get install` gets `--no-install-recommends` (unsafe).

use crate::fix::Applicability;
use crate::syntax::InstructionKind;
use crate::transforms::packages;
use crate::transforms::run_context;
use crate::transforms::{Context, Proposals, Transform, TransformMeta, declare_transform};

declare_transform! {
    /// ## What it does
    /// Adds `--no-install-recommends` to `apt-get install` (and `build-dep`, `satisfy`).
    ///
    /// ## Why
    /// By default apt-get also installs the packages the requested ones only recommend: documentation, extra
    /// tools, sometimes a whole X11 or Perl stack. Images are often far smaller without them.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y curl
    /// ```
    /// Becomes (with `--unsafe-fixes`):
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe, and only applied with `--unsafe-fixes`: the build or the application may rely on a recommended
    /// package without naming it (`curl` recommends `ca-certificates`, without which HTTPS downloads fail). The
    /// transform is on by default so that the finding is shown; `--unsafe-fixes` applies it. Nothing is proposed
    /// when the stage already mentions `Install-Recommends` (an apt.conf snippet or `-o
    /// APT::Install-Recommends=false`): the author has chosen.
    ///
    /// ## Knowledge
    /// `transforms/package-managers.toml`: `[apt]` (recognising apt-get) and `[apt.no-recommends]`.
    ///
    /// ## References
    /// - hadolint DL3015 (avoid additional packages by specifying `--no-install-recommends`)
    pub AptNoRecommends {
        id: "apt-no-recommends",
        summary: "Install with `apt-get install --no-install-recommends`",
        applicability: Applicability::Unsafe,
        default_enabled: true,
        aliases: ["DL3015"],
        since: "0.1.0",
    }
}

impl Transform for AptNoRecommends {
    fn meta(&self) -> &'static TransformMeta {
        &Self::META
    }

    fn run(&self, cx: &Context<'_>, out: &mut Proposals) {
        let apt = &cx.knowledge.package_managers.apt;
        let spec = &apt.no_recommends;
        for instr in cx.file.instructions().iter().filter(|i| i.kind == InstructionKind::Run) {
            // Parsing the shell body is the costly part: skip bodies that cannot mention apt.
            if !instr.args.as_str().contains("apt") {
                continue;
            }
            // The author already chose, for the stage or this RUN.
            if run_context::mentions(cx.file, instr.index, &spec.stage_mentions) {
                continue;
            }
            let Some(units) = packages::units(cx.file, instr, &apt.shells) else { continue };
            for f in packages::commands(&units) {
                let Some(call) = packages::recognise(&apt.command, f.command) else { continue };
                let Some(sub) = packages::sub_value(f.command, call) else { continue };
                if !spec.subcommands.iter().any(|s| s == sub) || packages::has_flag(f.command, spec) {
                    continue;
                }
                let script = units[f.unit].script();
                let word = &f.command.words[call.sub.expect("has a value")];
                let Some(edit) = packages::insert_after_word(script, word, &spec.flag) else { continue };
                out.fix(
                    script.file_range(f.command.range.clone()),
                    format!("`{} {sub}` also installs recommended packages", f.command.words[call.name].raw),
                    format!("Add `{}`", spec.flag),
                    vec![edit],
                );
            }
        }
    }
}
