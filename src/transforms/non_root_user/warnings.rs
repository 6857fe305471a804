//! Notes on what may fail at run time once the stage no longer runs as root.

use std::ops::Range;

use crate::syntax::{Dockerfile, InstructionKind, Stage};

use super::stages::chain_instructions;
use super::workdir::{WorkdirState, Workdirs};

pub(crate) fn run_time_warnings(
    file: &Dockerfile,
    chain: &[&Stage],
    workdir: &Workdirs,
    uid: u32,
) -> Vec<(Range<usize>, String)> {
    let mut out = Vec::new();
    if workdir.last == Some(WorkdirState::Unknown) {
        let at = file.instructions()[chain[0].from].range.clone();
        out.push((
            at,
            format!("the WORKDIR could not be resolved; if the application writes there, give it to uid {uid}"),
        ));
    }
    for instr in chain_instructions(file, chain) {
        match instr.kind {
            InstructionKind::Expose => {
                let low = instr.whitespace_words().iter().find_map(|w| {
                    let port: u32 = w.raw.split(['/', '-']).next()?.parse().ok()?;
                    (port < 1024).then_some(port)
                });
                if let Some(port) = low {
                    out.push((
                        instr.range.clone(),
                        format!("port {port} is below 1024: some runtimes do not let a non-root user bind it"),
                    ));
                }
            }
            InstructionKind::Volume => out.push((
                instr.range.clone(),
                format!("a new volume here belongs to root unless the image gives the path to uid {uid} first"),
            )),
            _ => {}
        }
    }
    out
}
