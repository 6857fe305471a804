//! What the instructions of a chain show about users: an entrypoint or service that starts as root by design, a
//! user created without being switched to, and the image family a package manager tells.

use std::ops::Range;

use crate::knowledge::Images;
use crate::syntax::{Dockerfile, Instruction, InstructionKind, Stage};

use super::commands::{basename, entry_matches, run_texts, words};
use super::stages::chain_instructions;

/// An ENTRYPOINT, CMD, RUN or STOPSIGNAL that shows the container starts as root by design.
pub(crate) fn starts_as_root_by_design(
    file: &Dockerfile,
    images: &Images,
    chain: &[&Stage],
) -> Option<(Range<usize>, String)> {
    let privileges = &images.privileges;
    let mut last_entry: [Option<&Instruction>; 2] = [None, None];
    for instr in chain_instructions(file, chain) {
        match instr.kind {
            InstructionKind::Entrypoint => last_entry[0] = Some(instr),
            InstructionKind::Cmd => last_entry[1] = Some(instr),
            InstructionKind::Stopsignal => {
                let signal = instr.args.as_str().trim();
                if privileges.stop_signals.iter().any(|s| s.eq_ignore_ascii_case(signal)) {
                    return Some((instr.range.clone(), format!("STOPSIGNAL {signal} is an init system's")));
                }
            }
            InstructionKind::Run => {
                for text in run_texts(file, instr) {
                    let hit = words(text)
                        .into_iter()
                        .flat_map(|(w, _)| w.split(['/', '=']))
                        .find(|segment| privileges.run.iter().any(|e| entry_matches(e, segment)));
                    if let Some(name) = hit {
                        let line = file.line_col(instr.range.start).0;
                        let why =
                            format!("RUN at line {line} uses `{name}`, so the container is meant to start as root");
                        return Some((instr.range.clone(), why));
                    }
                }
            }
            _ => {}
        }
    }
    for instr in last_entry.into_iter().flatten() {
        let text = match &instr.exec {
            Some(items) => items.join(" "),
            None => instr.args.as_str().to_string(),
        };
        let words = words(&text);
        for (i, &(word, command_position)) in words.iter().enumerate() {
            let name = basename(word);
            let hit = privileges.entrypoint.iter().find(|entry| {
                let (command, option) = entry.split_once(' ').unwrap_or((entry, ""));
                (command_position || word.contains('/'))
                    && entry_matches(command, name)
                    && (option.is_empty() || words[i + 1..].iter().any(|(w, _)| w.starts_with(option)))
            });
            if let Some(entry) = hit {
                let keyword = instr.kind.as_str().to_ascii_uppercase();
                return Some((instr.range.clone(), format!("its {keyword} starts as root by design (`{entry}`)")));
            }
        }
    }
    None
}

/// A RUN of the chain that creates a user or group itself.
pub(crate) fn creates_a_user(file: &Dockerfile, chain: &[&Stage]) -> Option<(Range<usize>, String)> {
    const TOOLS: &[&str] = &["useradd", "adduser", "groupadd", "addgroup", "usermod"];
    for instr in chain_instructions(file, chain).filter(|i| i.kind == InstructionKind::Run) {
        for text in run_texts(file, instr) {
            if text.contains("/etc/passwd") {
                return Some((instr.range.clone(), "/etc/passwd".into()));
            }
            if let Some((w, _)) = words(text).into_iter().find(|(w, _)| TOOLS.contains(&basename(w))) {
                return Some((instr.range.clone(), basename(w).to_string()));
            }
        }
    }
    None
}

/// The family shown by the package managers RUN uses, when they all agree.
pub(crate) fn infer_family<'a>(file: &Dockerfile, images: &'a Images, chain: &[&Stage]) -> Option<(&'a str, String)> {
    let mut found: Option<(&'a str, String)> = None;
    for instr in chain_instructions(file, chain).filter(|i| i.kind == InstructionKind::Run) {
        for text in run_texts(file, instr) {
            for (word, command_position) in words(text) {
                let Some((command, family)) = images.package_managers.get_key_value(basename(word)) else {
                    continue;
                };
                if !command_position {
                    continue;
                }
                match &found {
                    Some((f, _)) if *f != family.as_str() => return None,
                    Some(_) => {}
                    None => {
                        let line = file.line_col(instr.range.start).0;
                        found = Some((family, format!("RUN at line {line} uses `{command}`")));
                    }
                }
            }
        }
    }
    found
}
