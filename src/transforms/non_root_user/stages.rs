//! Stages and what they are built on: the chain of `FROM <earlier stage>` back to an image, the instructions of a
//! chain in build order, the USER in effect at its end, and whether it is a Windows image. `slim-base` reads the
//! same chains.

use std::ops::Range;

use crate::knowledge::is_root_user;
use crate::syntax::words::unquote;
use crate::syntax::{Dockerfile, Instruction, InstructionKind, Stage, StageBase};

/// The stage and the earlier stages it is built on, from the stage itself back to the one built on an image.
pub(crate) fn chain<'a>(file: &'a Dockerfile, stage: &'a Stage) -> Vec<&'a Stage> {
    let mut out = vec![stage];
    let mut current = stage;
    while let StageBase::Stage(i) = current.base {
        if i >= current.index || out.iter().any(|s| s.index == i) {
            break;
        }
        current = &file.stages()[i];
        out.push(current);
    }
    out
}

/// A later stage built on `stage` (directly or through others) that has a RUN.
pub(crate) fn later_stage_that_runs<'a>(file: &'a Dockerfile, stage: &Stage) -> Option<&'a Stage> {
    file.stages()[stage.index + 1..].iter().find(|later| {
        chain(file, later).iter().any(|s| s.index == stage.index)
            && file.instructions()[later.instructions.clone()].iter().any(|i| i.kind == InstructionKind::Run)
    })
}

/// The chain's instructions in build order, FROM lines excluded.
pub(crate) fn chain_instructions<'a>(file: &'a Dockerfile, chain: &[&Stage]) -> impl Iterator<Item = &'a Instruction> {
    let ranges: Vec<Range<usize>> = chain.iter().rev().map(|s| s.instructions.start + 1..s.instructions.end).collect();
    ranges.into_iter().flat_map(move |r| file.instructions()[r].iter())
}

/// The last USER of the chain, its user, and whether an earlier USER named another user.
pub(crate) fn last_user<'a>(file: &'a Dockerfile, chain: &[&Stage]) -> Option<(&'a Instruction, String, bool)> {
    let users: Vec<(&Instruction, String)> = chain_instructions(file, chain)
        .filter(|i| i.kind == InstructionKind::User)
        .filter_map(|i| i.whitespace_words().first().map(|w| (i, unquote(&w.raw, file.escape()))))
        .collect();
    let (last, user) = users.last()?.clone();
    let after_other = users.iter().any(|(_, u)| !is_root_user(u));
    Some((last, user, after_other))
}

pub(crate) fn is_windows(file: &Dockerfile, chain: &[&Stage]) -> bool {
    let platform =
        chain.iter().any(|s| s.platform.as_deref().is_some_and(|p| p.to_ascii_lowercase().contains("windows")));
    let shell = chain_instructions(file, chain).any(|i| {
        i.kind == InstructionKind::Shell
            && i.exec.as_ref().and_then(|e| e.first()).is_some_and(|s| {
                let s = s.to_ascii_lowercase();
                s.contains("powershell") || s.contains("pwsh") || s.starts_with("cmd")
            })
    });
    platform || shell
}
