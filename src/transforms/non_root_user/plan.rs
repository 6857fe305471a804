//! Who the final stage will run as, the commands that create that user, and the edits that insert them: the RUN and
//! USER lines (in the file's casing, line endings and continuation style) and `--chown` on COPY and ADD.

use std::collections::HashMap;

use crate::fix::Edit;
use crate::knowledge::{Family, ImageFacts, Images};
use crate::syntax::words::unquote;
use crate::syntax::{Dockerfile, InstructionKind, Stage};

use super::settings::Settings;
use super::workdir::{WorkdirState, normalize};

/// Who the final stage will run as, and the commands that make that user exist.
pub(crate) struct Plan {
    pub(crate) name: Option<String>,
    pub(crate) uid: u32,
    pub(crate) gid: u32,
    /// The commands that create the user (empty when the image ships it).
    pub(crate) commands: Vec<String>,
}

impl Plan {
    pub(crate) fn new(settings: &Settings, facts: &ImageFacts<'_>, family: &Family) -> Option<Plan> {
        if let Some(u) = facts.user {
            return Some(Plan { name: u.name.map(str::to_string), uid: u.uid, gid: u.gid, commands: Vec::new() });
        }
        if let (Some(uid), Some(gid)) = (family.uid, family.gid) {
            return Some(Plan { name: family.user.clone(), uid, gid, commands: Vec::new() });
        }
        let create = family.create.as_ref()?;
        let script = create
            .replace("{user}", &settings.user)
            .replace("{uid}", &settings.uid.to_string())
            .replace("{gid}", &settings.gid.to_string());
        let commands = script.split(" && ").map(str::to_string).collect();
        Some(Plan { name: Some(settings.user.clone()), uid: settings.uid, gid: settings.gid, commands })
    }

    pub(crate) fn title(&self) -> String {
        let ids = format!("{}:{}", self.uid, self.gid);
        match (&self.name, self.commands.is_empty()) {
            (Some(name), false) => format!("Create user `{name}` ({ids}) and switch to it with `USER {ids}`"),
            (Some(name), true) => format!("Switch to the image's user `{name}` with `USER {ids}`"),
            (None, _) => format!("Switch to `USER {ids}`"),
        }
    }
}

/// The uid of `user` when it is `uid:gid` of a user this transform switches to.
pub(crate) fn ours(user: &str, settings: &Settings, facts: &ImageFacts<'_>, images: &Images) -> Option<u32> {
    let (uid, gid) = user.split_once(':')?;
    let ids: (u32, u32) = (uid.parse().ok()?, gid.parse().ok()?);
    let family = facts.family.and_then(|f| images.families.get(f));
    let candidates = [
        Some((settings.uid, settings.gid)),
        facts.user.map(|u| (u.uid, u.gid)),
        family.and_then(|f| Some((f.uid?, f.gid?))),
    ];
    candidates.contains(&Some(ids)).then_some(ids.0)
}

pub(crate) struct InsertionPoint {
    pub(crate) at: usize,
    /// The file does not end with a line ending there.
    pub(crate) newline_first: bool,
}

/// Before the first CMD or ENTRYPOINT that no RUN or WORKDIR follows (and the comment lines right above it), or
/// after the stage's last instruction (`None` when that one ends with a dangling line continuation).
pub(crate) fn insertion_point(file: &Dockerfile, stage: &Stage) -> Option<InsertionPoint> {
    let instrs = &file.instructions()[stage.instructions.clone()];
    for (k, instr) in instrs.iter().enumerate().skip(1) {
        let later = &instrs[k + 1..];
        if matches!(instr.kind, InstructionKind::Cmd | InstructionKind::Entrypoint)
            && !later.iter().any(|j| matches!(j.kind, InstructionKind::Run | InstructionKind::Workdir))
        {
            let floor = file.next_line_start(instrs[k - 1].range.end);
            let mut at = file.line_start(instr.range.start);
            while at > floor {
                let above = file.line_start(at - 1);
                if above < floor || !file.text(above..at).trim_start().starts_with('#') {
                    break;
                }
                at = above;
            }
            return Some(InsertionPoint { at, newline_first: false });
        }
    }
    let last = instrs.last().expect("a stage has its FROM");
    let args_end = last.args.file_span().map_or(last.keyword.end, |s| s.end);
    if last.heredocs.is_empty() && last.continuations.last().is_some_and(|c| c.start >= args_end) {
        return None;
    }
    let at = file.next_line_start(last.range.end);
    Some(InsertionPoint { at, newline_first: !file.source()[..at].ends_with('\n') })
}

/// How the file continues an `&&` chain over lines.
pub(crate) enum Style {
    OneLine,
    /// `\` at the end of the line, `&& ` at the start of the next.
    Leading(String),
    /// `&& \` at the end of the line.
    Trailing(String),
}

pub(crate) fn continuation_style(file: &Dockerfile) -> Style {
    let (mut leading, mut trailing, mut runs) = (0, 0, 0);
    for instr in file.instructions().iter().filter(|i| i.kind == InstructionKind::Run && !i.continuations.is_empty()) {
        runs += 1;
        for c in &instr.continuations {
            let before = file.text(file.line_start(c.start)..c.start).trim_end();
            trailing += usize::from(before.ends_with("&&") || before.ends_with(';'));
            let next = file.text(c.end..file.line_end(c.end)).trim_start();
            leading += usize::from(next.starts_with("&&") || next.starts_with(';'));
        }
    }
    let indent = file.continuation_indent();
    match runs {
        0 => Style::OneLine,
        _ if trailing > leading => Style::Trailing(indent),
        _ => Style::Leading(indent),
    }
}

pub(crate) fn insertion_text(file: &Dockerfile, commands: &[String], plan: &Plan, newline_first: bool) -> String {
    let le = file.line_ending();
    let mut text = String::new();
    if newline_first {
        text.push_str(le);
    }
    if !commands.is_empty() {
        let escape = file.escape();
        let joiner = match continuation_style(file) {
            _ if commands.len() == 1 => " && ".to_string(),
            Style::OneLine => " && ".to_string(),
            Style::Leading(indent) => format!(" {escape}{le}{indent}&& "),
            Style::Trailing(indent) => format!(" && {escape}{le}{indent}"),
        };
        text.push_str(&format!("{} {}{le}", file.keyword("RUN"), commands.join(&joiner)));
    }
    text.push_str(&format!("{} {}:{}{le}", file.keyword("USER"), plan.uid, plan.gid));
    text
}

/// `--chown=<uid>:<gid>` for the stage's COPY and ADD instructions that write into `dir`.
pub(crate) fn chown_copies(
    file: &Dockerfile,
    stage: &Stage,
    at: &HashMap<usize, WorkdirState>,
    dir: &str,
    plan: &Plan,
) -> Vec<Edit> {
    let mut edits = Vec::new();
    for instr in &file.instructions()[stage.instructions.clone()] {
        if !matches!(instr.kind, InstructionKind::Copy | InstructionKind::Add) || instr.flag("chown").is_some() {
            continue;
        }
        let dest = match &instr.exec {
            Some(items) => items.last().cloned(),
            None => instr.whitespace_words().last().map(|w| unquote(&w.raw, file.escape())),
        };
        let Some(dest) = dest else { continue };
        let absolute = match (dest.starts_with('/'), at.get(&instr.index)) {
            (true, _) => normalize(&dest),
            (false, Some(WorkdirState::Known(base))) => normalize(&format!("{base}/{dest}")),
            _ => continue,
        };
        if absolute == dir || absolute.starts_with(&format!("{dir}/")) {
            edits.push(Edit::insertion(format!(" --chown={}:{}", plan.uid, plan.gid), instr.keyword.end));
        }
    }
    edits
}
