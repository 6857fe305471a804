//! The WORKDIR in effect through a chain, with variables from ENV and ARG resolved, and the system directories that
//! must keep belonging to root.

use std::collections::HashMap;

use crate::syntax::words::{split_words, unquote};
use crate::syntax::{Dockerfile, InstructionKind, Stage};

use super::stages::chain_instructions;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum WorkdirState {
    Known(String),
    /// Set to something dfix cannot resolve (an unknown variable, a path relative to the image's WORKDIR).
    Unknown,
}

pub(crate) struct Workdirs {
    /// The WORKDIR in effect at the end (`None`: the image's own).
    pub(crate) last: Option<WorkdirState>,
    /// The WORKDIR in effect at each instruction of the chain, by instruction index.
    pub(crate) at: HashMap<usize, WorkdirState>,
}

/// Follow WORKDIR through the chain, resolving variables set by ENV and ARG with plain values.
pub(crate) fn workdirs(file: &Dockerfile, chain: &[&Stage]) -> Workdirs {
    let mut vars: HashMap<String, String> = HashMap::new();
    let mut current: Option<WorkdirState> = None;
    let mut at = HashMap::new();
    for instr in chain_instructions(file, chain) {
        if let Some(state) = &current {
            at.insert(instr.index, state.clone());
        }
        match instr.kind {
            InstructionKind::Env | InstructionKind::Arg => {
                let text = instr.args.as_str();
                let words = split_words(text, file.escape());
                match words.first() {
                    // The legacy form `ENV key value`: the value is the rest of the line.
                    Some(key) if !key.raw.contains('=') && instr.kind == InstructionKind::Env => {
                        vars.insert(key.raw.clone(), unquote(text[key.range.end..].trim(), file.escape()));
                    }
                    _ => {
                        for word in words {
                            if let Some((k, v)) = word.raw.split_once('=') {
                                vars.insert(k.to_string(), unquote(v, file.escape()));
                            }
                        }
                    }
                }
            }
            InstructionKind::Workdir => {
                let raw = unquote(instr.args.as_str().trim(), file.escape());
                let resolved = expand(&raw, &vars);
                current = Some(match (resolved, &current) {
                    (Some(p), _) if p.starts_with('/') => WorkdirState::Known(normalize(&p)),
                    (Some(p), Some(WorkdirState::Known(base))) => {
                        WorkdirState::Known(normalize(&format!("{base}/{p}")))
                    }
                    _ => WorkdirState::Unknown,
                });
            }
            _ => {}
        }
    }
    Workdirs { last: current, at }
}

/// `$NAME` and `${NAME}` replaced from `vars`; `None` when a variable is unknown or uses a modifier.
pub(crate) fn expand(text: &str, vars: &HashMap<String, String>) -> Option<String> {
    let mut out = String::new();
    let mut rest = text;
    while let Some(pos) = rest.find('$') {
        out.push_str(&rest[..pos]);
        rest = &rest[pos + 1..];
        let (name, after) = match rest.strip_prefix('{') {
            Some(inner) => {
                let close = inner.find('}')?;
                (&inner[..close], &inner[close + 1..])
            }
            None => {
                let len = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(rest.len());
                (&rest[..len], &rest[len..])
            }
        };
        out.push_str(vars.get(name)?);
        rest = after;
    }
    out.push_str(rest);
    Some(out)
}

/// An absolute path without `.`, `..`, repeated or trailing slashes.
pub(crate) fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    format!("/{}", parts.join("/"))
}

/// Directories of the system that must keep belonging to root.
pub(crate) fn is_system_dir(path: &str) -> bool {
    const SYSTEM: &[&str] = &[
        "/",
        "/bin",
        "/boot",
        "/dev",
        "/etc",
        "/home",
        "/lib",
        "/lib32",
        "/lib64",
        "/libx32",
        "/media",
        "/mnt",
        "/opt",
        "/proc",
        "/root",
        "/run",
        "/sbin",
        "/sys",
        "/tmp",
        "/usr",
        "/var",
        "/usr/bin",
        "/usr/sbin",
        "/usr/lib",
        "/usr/lib64",
        "/usr/libexec",
        "/usr/include",
        "/usr/share",
        "/usr/src",
        "/usr/local",
        "/usr/local/bin",
        "/usr/local/sbin",
        "/usr/local/lib",
        "/usr/local/share",
        "/usr/local/include",
        "/var/lib",
        "/var/log",
        "/var/cache",
        "/var/tmp",
        "/var/run",
        "/var/spool",
        "/var/mail",
    ];
    SYSTEM.contains(&path) || path.starts_with("/etc/") || path.starts_with("/proc/") || path.starts_with("/sys/")
}
