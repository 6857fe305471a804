//! What an instruction inherits from the instructions that run before it: the user it runs as, the environment
//! variables set for it, and what later instructions of the same image still expect.
//!
//! A stage built `FROM` an earlier stage starts from that stage's end, so "before" follows `FROM <stage>` chains;
//! a stage built on an image starts from the image, which dfix only knows through the knowledge tables.

use std::ops::Range;

use crate::knowledge::Knowledge;
use crate::syntax::{Dockerfile, Instruction, StageBase};

/// The user an instruction runs as, as far as the file and the knowledge tables tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunsAs {
    Root,
    NotRoot,
    Unknown,
}

/// The instructions that ran before instruction `index` in its image, as ranges of instruction indices, nearest
/// first: the earlier instructions of its stage, then those of the stage it is built on, and so on.
pub fn stretches(file: &Dockerfile, index: usize) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let Some(mut stage) = file.instructions().get(index).and_then(|i| i.stage) else {
        return out;
    };
    let mut end = index;
    // A FROM chain cannot loop (a stage only names earlier ones), but stay bounded anyway.
    for _ in 0..=file.stages().len() {
        let s = &file.stages()[stage];
        out.push(s.instructions.start..end);
        match s.base {
            StageBase::Stage(b) if b < stage => {
                stage = b;
                end = file.stages()[b].instructions.end;
            }
            _ => break,
        }
    }
    out
}

/// The instructions that run after instruction `index` on top of its file system: the rest of its stage, then
/// every stage built `FROM` it (directly or through other stages), in file order.
pub fn after(file: &Dockerfile, index: usize) -> Vec<&Instruction> {
    let Some(stage) = file.instructions().get(index).and_then(|i| i.stage) else {
        return Vec::new();
    };
    let mut descendants = vec![stage];
    for s in file.stages().iter().skip(stage + 1) {
        if let StageBase::Stage(b) = s.base
            && descendants.contains(&b)
        {
            descendants.push(s.index);
        }
    }
    let mut out: Vec<&Instruction> =
        file.instructions()[index + 1..file.stages()[stage].instructions.end].iter().collect();
    for &d in &descendants[1..] {
        out.extend(&file.instructions()[file.stages()[d].instructions.clone()]);
    }
    out
}

/// The base image of the chain instruction `index` sits in (the first stage of its FROM chain), if it is an image.
pub fn chain_base(file: &Dockerfile, index: usize) -> Option<&StageBase> {
    let mut stage = file.instructions().get(index)?.stage?;
    for _ in 0..=file.stages().len() {
        match &file.stages()[stage].base {
            StageBase::Stage(b) if *b < stage => stage = *b,
            other => return Some(other),
        }
    }
    None
}

/// The user instruction `index` runs as: the last USER before it, or the base image's user.
pub fn runs_as(file: &Dockerfile, index: usize, knowledge: &Knowledge) -> RunsAs {
    if let Some(user) = file.user_instruction(index) {
        let text = user.args.as_str().trim();
        let name = text.split(':').next().unwrap_or("").trim();
        return match name {
            "root" | "0" => RunsAs::Root,
            _ if name.contains('$') || name.is_empty() => RunsAs::Unknown,
            _ => RunsAs::NotRoot,
        };
    }
    match chain_base(file, index) {
        Some(StageBase::Scratch) => RunsAs::Root,
        Some(StageBase::Image(image)) => {
            let facts = knowledge.images.facts(image);
            match facts.runs_as {
                _ if image.has_variable => RunsAs::Unknown,
                Some(_) if facts.runs_as_root() => RunsAs::Root,
                Some(_) => RunsAs::NotRoot,
                None => RunsAs::Unknown,
            }
        }
        _ => RunsAs::Unknown,
    }
}

/// Whether an environment variable is set for instruction `index` by an ENV or ARG before it.
pub fn env_is_set(file: &Dockerfile, index: usize, name: &str) -> bool {
    stretches(file, index).into_iter().any(|r| file.sets_variable_in(name, r))
}

/// Whether any instruction before `index` in its image, or `index` itself, contains one of `needles`.
pub fn mentions(file: &Dockerfile, index: usize, needles: &[String]) -> bool {
    if needles.is_empty() || index >= file.instructions().len() {
        return false;
    }
    let ranges: Vec<Range<usize>> = std::iter::once(index..index + 1).chain(stretches(file, index)).collect();
    needles.iter().any(|n| ranges.iter().any(|r| file.mentioned_in(n, r.clone())))
}

/// Whether the shell that runs instruction `index`'s shell form is a POSIX shell: the last SHELL before it names
/// one (`sh`, `bash`, ...), or there is none and the base image is not a Windows image (whose default is `cmd`).
pub fn posix_shell(file: &Dockerfile, index: usize) -> bool {
    const POSIX: &[&str] = &["sh", "bash", "dash", "ash", "zsh", "ksh", "mksh", "busybox"];
    if let Some(shell) = file.shell_instruction(index) {
        let program = shell.exec.as_ref().and_then(|e| e.first()).map(|p| p.rsplit('/').next().unwrap_or(p));
        return program.is_some_and(|p| POSIX.contains(&p));
    }
    let windows = |text: &str| {
        let lower = text.to_ascii_lowercase();
        ["windows", "nanoserver", "servercore"].iter().any(|w| lower.contains(w))
    };
    let Some(stage) = file.instructions().get(index).and_then(|i| i.stage) else { return true };
    // The first stage of the FROM chain says which image the shell comes from.
    let mut s = &file.stages()[stage];
    for _ in 0..=file.stages().len() {
        match s.base {
            StageBase::Stage(b) if b < s.index => s = &file.stages()[b],
            _ => break,
        }
    }
    !windows(&s.image) && !s.platform.as_deref().is_some_and(windows)
}

/// A name matches a pattern: equal, or the pattern ends with `*` and the name starts with the rest.
pub fn glob(pattern: &str, name: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => name.starts_with(prefix),
        None => pattern == name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_follows_from_chains_and_images() {
        let k = Knowledge::builtin();
        let f = Dockerfile::parse(
            "FROM debian AS a\nRUN x\nUSER app\nRUN y\nFROM a AS b\nRUN z\nUSER 0:0\nRUN w\nFROM cimg/base\nRUN v\n",
        );
        let runs = |i| runs_as(&f, i, k);
        assert_eq!(runs(1), RunsAs::Root);
        assert_eq!(runs(3), RunsAs::NotRoot);
        assert_eq!(runs(5), RunsAs::NotRoot);
        assert_eq!(runs(7), RunsAs::Root);
        assert_eq!(runs(9), RunsAs::Unknown);
        let v = Dockerfile::parse("FROM python:3.12\nUSER $U\nRUN x\n");
        assert!(posix_shell(&v, 2));
        let w = Dockerfile::parse("FROM mcr.microsoft.com/windows/servercore AS a\nFROM a\nRUN x\n");
        assert!(!posix_shell(&w, 2));
        let ps =
            Dockerfile::parse("FROM debian\nSHELL [\"pwsh\", \"-c\"]\nRUN x\nSHELL [\"/bin/bash\", \"-c\"]\nRUN y\n");
        assert!(!posix_shell(&ps, 2));
        assert!(posix_shell(&ps, 4));
        assert_eq!(runs_as(&v, 2, k), RunsAs::Unknown);
    }

    #[test]
    fn env_and_later_instructions_follow_chains() {
        let f = Dockerfile::parse(
            "FROM python AS a\nENV PIP_NO_CACHE_DIR=1\nFROM a AS b\nRUN pip install x\nFROM python\nRUN pip install y\nFROM b\nRUN z\n",
        );
        assert!(env_is_set(&f, 3, "PIP_NO_CACHE_DIR"));
        assert!(!env_is_set(&f, 5, "PIP_NO_CACHE_DIR"));
        let later: Vec<usize> = after(&f, 1).iter().map(|i| i.index).collect();
        assert_eq!(later, [2, 3, 6, 7]);
        let legacy = Dockerfile::parse("FROM a\nENV PIP_NO_CACHE_DIR 1\nRUN x\n");
        assert!(env_is_set(&legacy, 2, "PIP_NO_CACHE_DIR"));
    }
}
