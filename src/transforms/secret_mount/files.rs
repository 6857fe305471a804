//! Credential files (`.npmrc`, `.netrc`, SSH keys, ...) copied in, used by later RUNs and deleted: the copy becomes
//! a secret mount at the same path (or the SSH agent), and the deletion goes.

use crate::fix::Edit;
use crate::syntax::{Instruction, InstructionKind};
use crate::transforms::Context;
use crate::transforms::edits::{flags_edit, has_comment_in, instruction_lines};
use crate::transforms::packages::basename;
use crate::transforms::run_context;

use super::paths::{Removal, absolute, is_removal, names_path, removal, remove_command};

/// The message, title and edits of a fix, and the build command it needs.
pub(super) type FileFix = (String, String, Vec<Edit>, String);

/// The fix for a COPY or ADD of a credential file: `None` when it copies none, or why it is not fixed.
pub(super) fn file_fix(cx: &Context<'_>, copy: &Instruction) -> Result<Option<FileFix>, String> {
    let file = cx.file;
    let secrets = &cx.knowledge.secrets;
    let words: Vec<String> = match &copy.exec {
        Some(exec) => exec.clone(),
        None => copy.whitespace_words().into_iter().map(|w| w.raw).collect(),
    };
    let [source, dest] = words.as_slice() else { return Ok(None) };
    if source.contains("://") || source.starts_with("git@") || copy.flag("from").is_some() {
        return Ok(None);
    }
    let Some(kind) = secrets.credential_file(source) else { return Ok(None) };
    let ssh = kind.kind.as_deref() == Some("ssh");
    let keyword = copy.kind.as_str().to_ascii_uppercase();
    let refuse = |why: &str| {
        Err(format!(
            "{keyword} of the credential file `{source}` puts it in a layer; not moved to a secret mount: {why}"
        ))
    };
    if source.contains(['$', '*', '?', '[']) || dest.contains('$') {
        return refuse("the paths use variables or wildcards");
    }
    if copy.flag("chown").is_some() || copy.flag("chmod").is_some() {
        return refuse("it has --chown or --chmod");
    }
    let Some(stage) = copy.stage else { return Ok(None) };
    // Where the file lands.
    let name = basename(source.trim_end_matches('/'));
    let target = if dest.ends_with('/') || dest == "." {
        format!("{}/{name}", dest.trim_end_matches('/'))
    } else if basename(dest) == name {
        dest.clone()
    } else {
        return refuse("it is copied under another name, or into a directory written without a trailing `/`");
    };
    let Some(target) = absolute(file, copy.index, &target) else {
        return refuse("the WORKDIR it is copied into is not known");
    };
    // The RUN that deletes it, and the RUNs before that may read it.
    let end = file.stages()[stage].instructions.end;
    let mut runs = Vec::new();
    let mut deleter = None;
    // A RUN that cannot be read only matters when a RUN deletes the file after it (the file stays otherwise).
    let mut unreadable: Option<String> = None;
    for instr in &file.instructions()[copy.index + 1..end] {
        if instr.kind != InstructionKind::Run {
            continue;
        }
        let line = file.line_col(instr.range.start).0;
        if unreadable.is_some() {
            if file.text(instr.range.clone()).contains(name) {
                deleter = Some(instr.index);
                break;
            }
            continue;
        }
        let body = file.shell(instr.index).filter(|_| run_context::posix_shell(file, instr.index));
        let Some(body) = body else {
            unreadable = Some(format!("the RUN on line {line} cannot be rewritten"));
            continue;
        };
        if body.error_count() > 0 || body.has_split_words() {
            unreadable = Some(format!("the body of the RUN on line {line} does not parse"));
            continue;
        }
        let workdir = absolute(file, instr.index, ".");
        let removes = body.command_list().iter().any(|c| is_removal(c, "rm", &target, workdir.as_deref()));
        runs.push(instr.index);
        if removes {
            deleter = Some(instr.index);
            break;
        }
    }
    if deleter.is_none() {
        return refuse("no later RUN of its stage deletes it, so it stays in the image (the application may need it)");
    }
    if let Some(why) = unreadable {
        return refuse(&why);
    }
    let id = secret_id(source);
    let mut edits = vec![Edit::deletion(instruction_lines(file, copy))];
    let ssh_commands: Vec<&str> = secrets.ssh_commands.iter().map(String::as_str).collect();
    // An SSH key that only git, ssh and the like use: the agent is enough.
    let agent = ssh
        && runs.iter().all(|&i| {
            let body = file.shell(i).expect("checked");
            let workdir = absolute(file, i, ".");
            body.command_list().iter().all(|c| {
                let touches = c.assignments.iter().chain(c.args()).any(|w| {
                    names_path(w.value.as_deref().unwrap_or(&w.raw), &target, workdir.as_deref())
                        || w.raw.contains(&target)
                });
                !touches
                    || is_removal(c, "rm", &target, workdir.as_deref())
                    || is_removal(c, "chmod", &target, workdir.as_deref())
            })
        });
    let mut mounted = 0;
    for &i in &runs {
        let instr = &file.instructions()[i];
        let body = file.shell(i).expect("checked");
        let workdir = absolute(file, i, ".");
        let mut removed_all = true;
        let mut body_edits = Vec::new();
        for cmd in body.command_list() {
            let found = removal(cmd, "rm", &target, workdir.as_deref())
                .map(|r| (r, "rm"))
                .or_else(|| removal(cmd, "chmod", &target, workdir.as_deref()).map(|r| (r, "chmod")));
            let Some((how, program)) = found else {
                removed_all = false;
                continue;
            };
            match how {
                Removal::Word(range) => {
                    removed_all = false;
                    body_edits.push(range);
                }
                Removal::Command => match remove_command(body, cmd) {
                    Some(r) => body_edits.push(r),
                    None if body.command_list().len() == 1 => {}
                    None => {
                        let line = file.line_col(body.file_range(cmd.range.clone()).start).0;
                        return refuse(&format!("the `{program}` of it on line {line} cannot be removed cleanly"));
                    }
                },
            }
        }
        if removed_all && !body_edits.is_empty() {
            // The RUN only deleted the file: it goes.
            edits.push(Edit::deletion(instruction_lines(file, instr)));
            continue;
        }
        for r in body_edits {
            let range = body.file_range(r);
            if has_comment_in(file, &range) {
                return refuse("a comment line sits in the command that deletes it");
            }
            edits.push(Edit::deletion(range));
        }
        let uses_agent = body.command_list().iter().any(|c| {
            c.words
                .get(c.unwrapped_start())
                .and_then(|w| w.value.as_deref())
                .is_some_and(|n| ssh_commands.contains(&basename(n)))
        });
        let flag = if agent {
            if !uses_agent {
                continue;
            }
            "--mount=type=ssh".to_string()
        } else {
            format!("--mount=type=secret,id={id},target={target}")
        };
        // Mounts belong to root and only root may use them, unless the RUN runs as another user.
        let flag = match (super::may_run_as_other_user(cx, i), agent) {
            (false, _) => flag,
            (true, true) => format!("{flag},mode=0666"),
            (true, false) => format!("{flag},mode=0444"),
        };
        edits.push(flags_edit(file, instr, &[flag]));
        mounted += 1;
    }
    let command = if agent {
        format!("docker build --ssh default={source} .")
    } else {
        format!("docker build --secret id={id},src={source} .")
    };
    let message = format!(
        "{keyword} of the credential file `{source}` leaves it in a layer, though a later RUN deletes it; build with `{command}`"
    );
    let title = if agent {
        format!("Use the SSH agent (`--mount=type=ssh`) in {mounted} RUN instruction(s) instead of copying `{source}`")
    } else {
        format!("Mount `{source}` as a secret at {target} in {mounted} RUN instruction(s) instead of copying it")
    };
    Ok(Some((message, title, edits, command)))
}

/// A secret id for a file: its path without leading dots, other characters than letters and digits as `_`.
pub(super) fn secret_id(source: &str) -> String {
    let trimmed = source.trim_start_matches(['.', '/']);
    let id: String =
        trimmed.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' }).collect();
    id.trim_start_matches('_').to_string()
}
