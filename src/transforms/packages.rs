//! Package-manager commands in RUN bodies, for `apt-cleanup`, `apt-no-recommends` and `package-cache`: finding
//! them (after `sudo`, `env` and `VAR=value`, with options before the subcommand, inside `sh -c '...'`), and the
//! edits that add an option to them or a command after them in the file's style.
//!
//! Offsets are in the text of the shell script a command was found in; every edit goes through that script's map
//! to the file, so line continuations and comment lines inside the RUN are never touched.

use std::ops::Range;

use tree_sitter::Node;

use crate::fix::Edit;
use crate::knowledge::{CacheMount, CommandSpec, FlagSpec};
use crate::syntax::shell::{Command, ShellScript, ShellWord};
use crate::syntax::{Dockerfile, Instruction};
use crate::transforms::edits::shell_word_range;
use crate::transforms::run_context::{self, glob};

/// A shell script of a RUN: its body, or the string of a `sh -c '...'` inside it.
pub struct Unit<'a> {
    script: UnitScript<'a>,
    /// For a `sh -c` string: where the `sh` command starts in the file.
    pub host: Option<usize>,
}

enum UnitScript<'a> {
    Body(&'a ShellScript),
    Inner(ShellScript),
}

impl Unit<'_> {
    pub fn script(&self) -> &ShellScript {
        match &self.script {
            UnitScript::Body(s) => s,
            UnitScript::Inner(s) => s,
        }
    }

    /// Whether this is the RUN's body (not a string inside it).
    pub fn is_body(&self) -> bool {
        matches!(self.script, UnitScript::Body(_))
    }
}

/// A command of a RUN, in one of its units.
pub struct Found<'u> {
    pub unit: usize,
    pub command: &'u Command,
    /// Where the command starts in the file (orders commands across units).
    pub at: usize,
}

/// The shell scripts of a shell-form RUN: its body, then every simple string run with `<shell> -c`. `None` when the
/// RUN has no parsed body (exec form, heredocs, backtick escape), its shell is not a POSIX shell, or the body does
/// not parse cleanly.
pub fn units<'a>(file: &'a Dockerfile, instr: &Instruction, shells: &[String]) -> Option<Vec<Unit<'a>>> {
    // PowerShell and cmd bodies parse as something else than what runs.
    if !run_context::posix_shell(file, instr.index) {
        return None;
    }
    let body = file.shell(instr.index)?;
    // Package commands are read word by word: a body whose words the parser may have split is left alone.
    if body.error_count() > 0 || body.has_split_words() {
        return None;
    }
    let mut out = vec![Unit { script: UnitScript::Body(body), host: None }];
    for cmd in body.command_list() {
        let words = &cmd.words[cmd.unwrapped_start()..];
        let Some(name) = words.first().and_then(|w| w.value.as_deref()) else { continue };
        if !shells.iter().any(|s| s == basename(name)) {
            continue;
        }
        let (Some(flag), Some(arg)) = (words.get(1), words.get(2)) else { continue };
        if !flag.is("-c") {
            continue;
        }
        let Some(inner) = simple_string(&arg.raw) else { continue };
        let range = arg.range.start + 1..arg.range.start + 1 + inner.len();
        let Some(script) = file.inner_shell(instr.index, range) else { continue };
        if script.error_count() == 0 && !script.has_split_words() {
            out.push(Unit { script: UnitScript::Inner(script), host: Some(body.file_range(cmd.range.clone()).start) });
        }
    }
    Some(out)
}

/// The content of a quoted shell word that another shell can run as it is, and our inserted text can go into:
/// `'...'`, or `"..."` without expansions or escapes.
fn simple_string(raw: &str) -> Option<&str> {
    if let Some(inner) = raw.strip_prefix('\'').and_then(|r| r.strip_suffix('\'')) {
        return (!inner.contains('\'')).then_some(inner);
    }
    let inner = raw.strip_prefix('"').and_then(|r| r.strip_suffix('"'))?;
    (!inner.contains(['"', '$', '`', '\\'])).then_some(inner)
}

/// All commands of all units, in file order.
pub fn commands<'u>(units: &'u [Unit<'_>]) -> Vec<Found<'u>> {
    let mut out = Vec::new();
    for (i, u) in units.iter().enumerate() {
        for command in u.script().command_list() {
            let at = u.script().file_range(command.range.clone()).start;
            out.push(Found { unit: i, command, at });
        }
    }
    out.sort_by_key(|f| f.at);
    out
}

pub fn basename(name: &str) -> &str {
    name.rsplit('/').next().unwrap_or(name)
}

/// A call of a package manager: where its name is, and its subcommand if it has a static one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Call {
    /// Index in `words` of the word after which global options may go (the command name, or `pip` of
    /// `python -m pip`).
    pub name: usize,
    /// Index in `words` of the subcommand; `None` when there is none (only options).
    pub sub: Option<usize>,
}

/// Recognise a command as a call of the manager `spec` describes. `None` when it is not one, or when a word
/// before the subcommand is built from variables (it could be an option or the subcommand).
pub fn recognise(spec: &CommandSpec, cmd: &Command) -> Option<Call> {
    let start = cmd.unwrapped_start();
    let first = cmd.words.get(start)?.value.as_deref()?;
    let first = basename(first);
    let name = if spec.commands.iter().any(|p| glob(p, first)) {
        start
    } else {
        let module = spec.module.as_ref()?;
        if !module.interpreters.iter().any(|p| glob(p, first)) {
            return None;
        }
        // `python -m pip`, possibly with interpreter options such as `-u` first.
        let m = (start + 1..cmd.words.len())
            .find(|&i| cmd.words[i].is("-m") || !cmd.words[i].value.as_deref().is_some_and(|v| v.starts_with('-')))?;
        if !cmd.words[m].is("-m") || !cmd.words.get(m + 1)?.is(&module.name) {
            return None;
        }
        m + 1
    };
    let mut i = name + 1;
    while let Some(w) = cmd.words.get(i) {
        let value = w.value.as_deref()?;
        if !value.starts_with('-') || value == "-" {
            return Some(Call { name, sub: Some(i) });
        }
        let takes_value = spec.options_with_value.iter().any(|o| o == value);
        i += if takes_value { 2 } else { 1 };
    }
    Some(Call { name, sub: None })
}

/// The subcommand's value.
pub fn sub_value(cmd: &Command, call: Call) -> Option<&str> {
    call.sub.and_then(|s| cmd.words[s].value.as_deref())
}

/// Whether the command's words show the option (or its effect) is there.
pub fn has_flag(cmd: &Command, spec: &FlagSpec) -> bool {
    cmd.words.iter().any(|w| {
        let Some(v) = w.value.as_deref() else { return false };
        if spec.present.iter().any(|p| p == v) || spec.present_prefix.iter().any(|p| v.starts_with(p.as_str())) {
            return true;
        }
        // A cluster of short options: `-qy`.
        let cluster = v.len() > 2 && v.starts_with('-') && !v.starts_with("--");
        cluster
            && v[1..].chars().all(|c| c.is_ascii_alphabetic())
            && v[1..].chars().any(|c| spec.short_letters.contains(c))
    }) || cmd.assignments.iter().any(|a| spec.env.iter().any(|e| a.raw.split('=').next() == Some(e.as_str())))
}

/// Insert ` <flag>` after a word, if the word is one piece of the file.
pub fn insert_after_word(script: &ShellScript, word: &ShellWord, flag: &str) -> Option<Edit> {
    let range = shell_word_range(script, word)?;
    Some(Edit::insertion(format!(" {flag}"), range.end))
}

/// The statement a command belongs to, after which a command can be chained with `&&` without changing what
/// runs: the command with its redirections and pipeline, or the whole `if`, `case` or loop it is inside (a command
/// inside a loop body runs more than once; one in a branch may not run). `None` inside a function or a command
/// substitution, in the background, or with a heredoc.
pub fn statement_after(script: &ShellScript, cmd: &Command) -> Option<Range<usize>> {
    let root = script.tree().root_node();
    let mut node = root.descendant_for_byte_range(cmd.range.start, cmd.range.end)?;
    while !matches!(node.kind(), "command" | "declaration_command" | "unset_command") {
        node = node.parent()?;
    }
    let mut anchor = node;
    let mut ancestor = node;
    while let Some(parent) = ancestor.parent() {
        if backgrounded(ancestor) {
            return None;
        }
        match parent.kind() {
            "program" | "list" | "subshell" | "compound_statement" | "do_group" | "else_clause" | "elif_clause"
            | "case_item" => {}
            // Redirections and pipes belong to the statement they wrap.
            "redirected_statement" | "pipeline" | "negated_command" => {
                if has_child(parent, "heredoc_redirect") || has_child(parent, "herestring_redirect") {
                    return None;
                }
                if anchor == ancestor {
                    anchor = parent;
                }
            }
            // A loop body may run many times, a branch not at all: chain after the whole statement.
            "if_statement" | "case_statement" | "for_statement" | "c_style_for_statement" | "while_statement" => {
                anchor = parent;
            }
            // Functions may run any number of times, substitutions elsewhere; anything else is unknown.
            _ => return None,
        }
        ancestor = parent;
    }
    let end = extend_over_pipes(script, anchor.end_byte())?;
    Some(anchor.start_byte()..end)
}

/// The end of the pipeline and redirections that follow a statement ending at `end`, read from the tokens: the
/// bash grammar sometimes groups `a && b 2>&1 | tee log` as `(a && b) 2>&1 | tee log`, where bash runs
/// `a && (b 2>&1 | tee log)`. `None` when a heredoc follows.
fn extend_over_pipes(script: &ShellScript, mut end: usize) -> Option<usize> {
    let src = script.source();
    let root = script.tree().root_node();
    loop {
        let rest = &src[end..];
        let pos = end + (rest.len() - rest.trim_start_matches([' ', '\t']).len());
        let next = &src[pos..];
        let redirect = next.starts_with(['>', '<'])
            || next.starts_with("&>")
            || (next.starts_with(|c: char| c.is_ascii_digit())
                && next.trim_start_matches(|c: char| c.is_ascii_digit()).starts_with(['>', '<']));
        let pipe = next.starts_with('|') && !next.starts_with("||");
        if !redirect && !pipe {
            return Some(end);
        }
        let start = if pipe {
            let after = pos + if next.starts_with("|&") { 2 } else { 1 };
            let rest = &src[after..];
            after + (rest.len() - rest.trim_start_matches([' ', '\t', '\n']).len())
        } else {
            pos
        };
        // The largest node that starts there: the redirect, or the next command of the pipeline.
        let mut node = root.descendant_for_byte_range(start, start)?;
        while let Some(parent) = node.parent() {
            if parent.start_byte() != start || matches!(parent.kind(), "list" | "pipeline" | "program") {
                break;
            }
            node = parent;
        }
        if node.kind().starts_with("heredoc") || node.kind() == "herestring_redirect" {
            return None;
        }
        if node.end_byte() <= end {
            return None;
        }
        end = node.end_byte();
    }
}

/// The last top-level statement of a script: chaining after it runs last.
pub fn last_statement(script: &ShellScript) -> Option<Range<usize>> {
    let root = script.tree().root_node();
    let mut c = root.walk();
    let last = root.named_children(&mut c).filter(|n| n.kind() != "comment").last()?;
    if backgrounded(last) {
        return None;
    }
    Some(last.byte_range())
}

fn has_child(node: Node, kind: &str) -> bool {
    let mut c = node.walk();
    node.children(&mut c).any(|n| n.kind() == kind)
}

fn backgrounded(node: Node) -> bool {
    node.next_sibling().is_some_and(|n| n.kind() == "&")
}

/// The text that chains `command` after a statement with `&&`, in the style of the instruction: on the same line
/// for a one-line RUN (or inside a `sh -c` string), else on a new continuation line with `&&` at the start or the
/// end of the line as the instruction (or the file) does, indented like its other `&&` lines.
pub fn chain_text(file: &Dockerfile, instr: &Instruction, in_body: bool, command: &str) -> String {
    if !in_body || instr.continuations.is_empty() {
        return format!(" && {command}");
    }
    let eol = file.line_ending();
    let esc = file.escape();
    let style = and_style(file, std::slice::from_ref(instr))
        .or_else(|| and_style(file, file.instructions()))
        .unwrap_or(AndStyle::Leading(file.continuation_indent()));
    match style {
        AndStyle::Leading(indent) => format!(" {esc}{eol}{indent}&& {command}"),
        AndStyle::Trailing(indent) => format!(" && {esc}{eol}{indent}{command}"),
    }
}

enum AndStyle {
    Leading(String),
    Trailing(String),
}

/// How continuation lines join commands with `&&` in these instructions: the last instance wins.
fn and_style(file: &Dockerfile, instrs: &[Instruction]) -> Option<AndStyle> {
    let src = file.source();
    let mut found = None;
    for instr in instrs {
        for c in &instr.continuations {
            let before = src[file.line_start(c.start)..c.start].trim_end();
            // The next line that is not a comment or blank line inside the continuation.
            let mut pos = c.end;
            while pos < src.len() {
                let end = file.next_line_start(pos);
                let trimmed = src[pos..end].trim_start();
                if trimmed.trim().is_empty() || trimmed.starts_with('#') {
                    pos = end;
                } else {
                    break;
                }
            }
            let line = &src[pos..file.line_end(pos)];
            let indent_len = line.len() - line.trim_start().len();
            let indent = line[..indent_len].to_string();
            if line.trim_start().starts_with("&&") {
                found = Some(AndStyle::Leading(indent));
            } else if before.ends_with("&&") {
                found = Some(AndStyle::Trailing(indent));
            }
        }
    }
    found
}

/// The targets of the RUN's cache mounts.
pub fn cache_mount_targets(instr: &Instruction) -> Vec<String> {
    let mut out = Vec::new();
    for flag in instr.flags.iter().filter(|f| f.name.eq_ignore_ascii_case("mount")) {
        let Some(value) = &flag.value else { continue };
        let fields: Vec<(&str, &str)> = value.split(',').filter_map(|kv| kv.split_once('=')).collect();
        if !fields.iter().any(|&(k, v)| k == "type" && v == "cache") {
            continue;
        }
        if let Some(&(_, t)) = fields.iter().find(|(k, _)| matches!(*k, "target" | "dst" | "destination")) {
            out.push(t.trim_end_matches('/').to_string());
        }
    }
    out
}

/// Whether a cache mount covers `path` (is it, or a directory above it).
pub fn mounted(targets: &[String], path: &str) -> bool {
    let path = path.trim_end_matches('/');
    targets.iter().any(|t| path == t || path.starts_with(&format!("{t}/")))
}

/// The `--mount=type=cache,...` flags for `mounts`, and the edit that adds them before the RUN's arguments: on the
/// RUN line for a one-line RUN, each on its own continuation line otherwise.
pub fn mount_edit(file: &Dockerfile, instr: &Instruction, mounts: &[&CacheMount]) -> Option<Edit> {
    if mounts.is_empty() {
        return None;
    }
    let at = instr.args.to_file(0);
    let flags: Vec<String> = mounts
        .iter()
        .map(|m| match &m.sharing {
            Some(s) => format!("--mount=type=cache,target={},sharing={s}", m.target),
            None => format!("--mount=type=cache,target={}", m.target),
        })
        .collect();
    let text = if instr.continuations.is_empty() {
        flags.iter().map(|f| format!("{f} ")).collect::<String>()
    } else {
        let sep = format!(" {}{}{}", file.escape(), file.line_ending(), file.continuation_indent());
        flags.iter().map(|f| format!("{f}{sep}")).collect::<String>()
    };
    Some(Edit::insertion(text, at))
}

/// Whether a command removes one of `paths` (names it as an argument, `rm -rf /var/lib/apt/lists/*`), or is the
/// manager's own cleanup.
pub fn removes_any(cmd: &Command, paths: &[String]) -> bool {
    cmd.args().iter().any(|w| {
        let raw = w.raw.trim_matches(['"', '\'']);
        paths.iter().any(|p| raw.starts_with(p.as_str()) || raw.trim_end_matches(['/', '*']) == p.trim_end_matches('/'))
    })
}

/// `cache = "cleanup" | "mount"` of a transform's options: remove caches after use, or keep them in BuildKit cache
/// mounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheMode {
    Cleanup,
    Mount,
}

/// The cache mode configured for a transform; an error message naming the setting when it is not a known value.
/// The per-transform `[transforms.<id>] cache` wins over the top-level `cache`.
pub fn cache_mode(config: &crate::config::Config, id: &str) -> Result<CacheMode, String> {
    let (value, key) = match config.transform(id).and_then(|t| t.get("cache")) {
        Some(v) => (v, format!("transforms.{id}.cache")),
        None => match &config.cache {
            Some(v) => (v, "cache".to_string()),
            None => return Ok(CacheMode::Cleanup),
        },
    };
    match value.as_str() {
        Some("cleanup") => Ok(CacheMode::Cleanup),
        Some("mount") => Ok(CacheMode::Mount),
        _ => {
            let file = config.path.as_ref().map_or("dfix.toml".to_string(), |p| p.display().to_string());
            Err(format!(
                "{file}: `{key}` is {value}; it must be \"cleanup\" or \"mount\" (no fixes from {id} until it is)"
            ))
        }
    }
}

/// [`crate::transforms::Transform::check_option`] for the transforms whose only option is `cache`.
pub fn check_cache_option(id: &str, key: &str, value: &toml::Value) -> Result<(), String> {
    match (key, value.as_str()) {
        ("cache", Some("cleanup" | "mount")) => Ok(()),
        ("cache", _) => Err(format!("is {value}; it must be \"cleanup\" or \"mount\"")),
        _ => Err(format!("is not an option of {id} (its options: `applicability`, `cache`)")),
    }
}

/// Whether the command runs through `sudo` (its cleanup must too, when the RUN does not run as root).
pub fn uses_sudo(cmd: &Command) -> bool {
    cmd.words[..cmd.unwrapped_start()].iter().any(|w| w.value.as_deref().is_some_and(|v| basename(v) == "sudo"))
}

/// Whether any command in `found` after position `after` is a script runner.
pub fn runner_after(found: &[Found], units: &[Unit<'_>], after: usize, runners: &[String]) -> bool {
    found.iter().filter(|f| f.at > after).any(|f| is_runner(f, units, runners))
}

/// Whether a command could run a package manager where we cannot see it (`sh script.sh`, `./install.sh`).
/// A `sh -c` whose string is one of `units` is not one: its commands are seen.
pub fn is_runner(f: &Found, units: &[Unit<'_>], runners: &[String]) -> bool {
    let words = &f.command.words[f.command.unwrapped_start()..];
    let Some(name) = words.first() else { return false };
    if f.command.is_declaration || units.iter().any(|u| u.host == Some(f.at)) {
        return false;
    }
    let Some(value) = name.value.as_deref() else { return true };
    runners.iter().any(|r| r == basename(value)) || value.ends_with(".sh")
}

/// The edit that chains `command` with `&&` after the statement of `found` (or, when `at_end`, after the last
/// statement of the RUN body), in the file's style.
pub fn chain_after(
    file: &Dockerfile,
    instr: &Instruction,
    units: &[Unit<'_>],
    found: &Found,
    at_end: bool,
    command: &str,
) -> Option<Edit> {
    let (unit, range) = if at_end {
        (&units[0], last_statement(units[0].script())?)
    } else {
        let unit = &units[found.unit];
        (unit, statement_after(unit.script(), found.command)?)
    };
    let at = unit.script().text().to_file_end(range.end);
    Some(Edit::insertion(chain_text(file, instr, unit.is_body(), command), at))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::knowledge::Knowledge;
    use crate::syntax::MappedText;

    fn script(s: &str) -> ShellScript {
        ShellScript::parse(MappedText::from_ranges(s, std::iter::once(0..s.len())))
    }

    #[test]
    fn recognises_managers_with_wrappers_and_options() {
        let k = Knowledge::builtin();
        let pip = &k.package_managers.managers["pip"].command;
        let apt = &k.package_managers.apt.command;
        let s = script(
            "sudo -E apt-get -o Debug::X=1 -q install -y curl; python3 -u -m pip install x; /opt/venv/bin/pip3.12 install y; apt-get $OPT install z",
        );
        let c = s.commands();
        let call = recognise(apt, &c[0]).unwrap();
        assert_eq!(sub_value(&c[0], call), Some("install"));
        assert_eq!(c[0].words[call.name].raw, "apt-get");
        let call = recognise(pip, &c[1]).unwrap();
        assert_eq!(sub_value(&c[1], call), Some("install"));
        assert_eq!(sub_value(&c[2], recognise(pip, &c[2]).unwrap()), Some("install"));
        assert!(recognise(apt, &c[3]).is_none(), "a variable before the subcommand hides it");
        assert!(recognise(pip, &c[0]).is_none());
    }

    #[test]
    fn flags_in_clusters_and_assignments() {
        let k = Knowledge::builtin();
        let yes = &k.package_managers.apt.yes;
        let s = script("apt-get install -qy a; apt-get install -qq b; apt-get install c; apt-get install -q d");
        let has: Vec<bool> = s.commands().iter().map(|c| has_flag(c, yes)).collect();
        assert_eq!(has, [true, true, false, false]);
        let pip = &k.package_managers.managers["pip"].flags[0];
        let s = script("PIP_NO_CACHE_DIR=1 pip install a");
        assert!(has_flag(&s.commands()[0], pip));
    }

    #[test]
    fn statements_to_chain_after() {
        let src = "apt-get install a > /dev/null 2>&1 | tee x && echo; for p in a b; do apt-get install $p; done; f() { apt-get install c; }; apt-get install d &";
        let s = script(src);
        let c = s.commands();
        let at = |i: usize| statement_after(&s, &c[i]).map(|r| &src[r]);
        assert_eq!(at(0), Some("apt-get install a > /dev/null 2>&1 | tee x"));
        assert_eq!(at(3), Some("for p in a b; do apt-get install $p; done"));
        assert_eq!(at(4), None, "inside a function");
        assert_eq!(at(5), None, "in the background");
        // The grammar groups this as `(update && install) 2>&1 | tee ...`; bash pipes only the install.
        let src = "apt-get update && apt-get install -y curl 2>&1 | tee /tmp/log > /dev/null && echo ok";
        let s = script(src);
        let c = s.commands();
        assert_eq!(
            statement_after(&s, &c[1]).map(|r| &src[r]),
            Some("apt-get install -y curl 2>&1 | tee /tmp/log > /dev/null")
        );
    }

    #[test]
    fn cache_mode_names_a_bad_setting() {
        use crate::config::Config;
        let path = std::path::Path::new("repo/dfix.toml");
        let ok = Config::from_str("[transforms.apt-cleanup]\ncache = \"mount\"\n", path).unwrap();
        assert_eq!(cache_mode(&ok, "apt-cleanup"), Ok(CacheMode::Mount));
        assert_eq!(cache_mode(&ok, "package-cache"), Ok(CacheMode::Cleanup));
        // dfix.toml refuses bad values when it is read, naming the line...
        let err = Config::from_str("[transforms.apt-cleanup]\ncache = \"mnt\"\n", path).unwrap_err().to_string();
        assert!(err.starts_with("repo/dfix.toml:2:9: `transforms.apt-cleanup.cache` is \"mnt\""), "{err}");
        let err = Config::from_str("cache = 1\n", path).unwrap_err().to_string();
        assert!(err.starts_with("repo/dfix.toml:1:9: `cache` is 1"), "{err}");
        // ... and a configuration built otherwise still gets the transform's message.
        let unchecked = |text: &str| Config { path: Some(path.into()), ..toml::from_str::<Config>(text).unwrap() };
        let err = cache_mode(&unchecked("[transforms.apt-cleanup]\ncache = \"mnt\"\n"), "apt-cleanup").unwrap_err();
        assert!(err.contains("repo/dfix.toml") && err.contains("transforms.apt-cleanup.cache"), "{err}");
        let top =
            Config::from_str("cache = \"mount\"\n[transforms.package-cache]\ncache = \"cleanup\"\n", path).unwrap();
        assert_eq!(cache_mode(&top, "apt-cleanup"), Ok(CacheMode::Mount));
        assert_eq!(cache_mode(&top, "package-cache"), Ok(CacheMode::Cleanup));
        assert!(cache_mode(&unchecked("cache = 1\n"), "package-cache").unwrap_err().contains("`cache` is 1"));
    }

    #[test]
    fn sh_c_strings_are_units_mapped_to_the_file() {
        let src = "FROM a\nRUN sh -c 'apt-get update && \\\n  apt-get install -y x' && bash -c \"$X\"\n";
        let f = Dockerfile::parse(src);
        let u = units(&f, &f.instructions()[1], &["sh".into(), "bash".into()]).unwrap();
        assert_eq!(u.len(), 2);
        let inner = u[1].script();
        let cmds = inner.commands();
        let x = cmds[1].words.last().unwrap();
        assert_eq!(&src[inner.file_range(x.range.clone())], "x");
    }
}
