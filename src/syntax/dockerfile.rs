//! The Dockerfile: its tree-sitter tree and a read-only typed model over it.
//!
//! [`Dockerfile::parse`] never fails: problems are listed by [`Dockerfile::errors`], and a file with errors is never
//! modified. The model gives each instruction its byte ranges, flags, logical arguments (as the builder sees them,
//! mapped back to the file), heredocs and stage; stages know their base image or base stage and the stages they
//! build on. Shell bodies of RUN, CMD and ENTRYPOINT are parsed with tree-sitter-bash on demand.

use std::cell::{OnceCell, RefCell};
use std::ops::Range;

use tree_sitter::{InputEdit, Node, Parser, Point, Tree};

use super::image::ImageRef;
use super::mapped::MappedText;
use super::shell::ShellScript;
use super::words::{Word, split_whitespace, split_words, unquote};

/// A problem that keeps the file from being processed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub range: Range<usize>,
    /// 1-based.
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
    pub message: String,
}

impl std::fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.column, self.message)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InstructionKind {
    Add,
    Arg,
    Cmd,
    Copy,
    Entrypoint,
    Env,
    Expose,
    From,
    Healthcheck,
    Label,
    Maintainer,
    Onbuild,
    Run,
    Shell,
    Stopsignal,
    User,
    Volume,
    Workdir,
    Unknown,
}

impl InstructionKind {
    pub fn from_keyword(keyword: &str) -> Self {
        use InstructionKind::*;
        match keyword.to_ascii_lowercase().as_str() {
            "add" => Add,
            "arg" => Arg,
            "cmd" => Cmd,
            "copy" => Copy,
            "entrypoint" => Entrypoint,
            "env" => Env,
            "expose" => Expose,
            "from" => From,
            "healthcheck" => Healthcheck,
            "label" => Label,
            "maintainer" => Maintainer,
            "onbuild" => Onbuild,
            "run" => Run,
            "shell" => Shell,
            "stopsignal" => Stopsignal,
            "user" => User,
            "volume" => Volume,
            "workdir" => Workdir,
            _ => Unknown,
        }
    }

    /// The lowercase keyword ("unknown" for unknown instructions).
    pub fn as_str(self) -> &'static str {
        use InstructionKind::*;
        match self {
            Add => "add",
            Arg => "arg",
            Cmd => "cmd",
            Copy => "copy",
            Entrypoint => "entrypoint",
            Env => "env",
            Expose => "expose",
            From => "from",
            Healthcheck => "healthcheck",
            Label => "label",
            Maintainer => "maintainer",
            Onbuild => "onbuild",
            Run => "run",
            Shell => "shell",
            Stopsignal => "stopsignal",
            User => "user",
            Volume => "volume",
            Workdir => "workdir",
            Unknown => "unknown",
        }
    }

    /// Instructions whose arguments may be a JSON array (exec form).
    pub fn allows_exec_form(self) -> bool {
        use InstructionKind::*;
        matches!(self, Add | Cmd | Copy | Entrypoint | Run | Shell | Volume | Healthcheck)
    }
}

/// A parser directive at the top of the file (`# syntax=`, `# escape=`, `# check=`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    /// Lowercase.
    pub name: String,
    pub value: String,
    pub range: Range<usize>,
}

/// A `--name[=value]` flag before an instruction's arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flag {
    pub range: Range<usize>,
    pub name: String,
    /// The value with quotes removed.
    pub value: Option<String>,
    pub value_range: Option<Range<usize>>,
}

/// A heredoc attached to an instruction (`<<EOF` ... `EOF`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heredoc {
    /// The marker in the instruction line (`<<-"EOF"`).
    pub marker: Range<usize>,
    pub name: String,
    /// `<<-`: leading tabs are stripped.
    pub chomp: bool,
    /// The name was quoted: no variable expansion in the body.
    pub quoted: bool,
    /// The body lines with their line endings (empty range for an empty body).
    pub body: Range<usize>,
    /// The terminator line, without its line ending.
    pub end: Range<usize>,
}

#[derive(Debug, Clone)]
pub struct Instruction {
    /// Position in [`Dockerfile::instructions`].
    pub index: usize,
    pub kind: InstructionKind,
    /// From the keyword to the end of the instruction's last line (heredoc terminator included), line ending excluded.
    pub range: Range<usize>,
    pub keyword: Range<usize>,
    pub flags: Vec<Flag>,
    /// The arguments after the flags as the builder sees them: continuations removed, comment and blank lines
    /// inside continuations dropped.
    pub args: MappedText,
    pub heredocs: Vec<Heredoc>,
    /// The line continuations (escape character, trailing blanks and line ending).
    pub continuations: Vec<Range<usize>>,
    /// Comment lines inside continuations (without their line ending).
    pub comments: Vec<Range<usize>>,
    /// The JSON array of the exec form, when the arguments are one.
    pub exec: Option<Vec<String>>,
    /// The stage this instruction belongs to (`None` for global ARGs before the first FROM).
    pub stage: Option<usize>,
}

impl Instruction {
    pub fn is_exec_form(&self) -> bool {
        self.exec.is_some()
    }

    pub fn flag(&self, name: &str) -> Option<&Flag> {
        self.flags.iter().find(|f| f.name.eq_ignore_ascii_case(name))
    }

    /// Whether the instruction spans more than one physical line (continuations or heredocs).
    pub fn is_multiline(&self) -> bool {
        !self.continuations.is_empty() || !self.heredocs.is_empty()
    }

    /// The arguments split on whitespace (FROM, EXPOSE, shell-form COPY/ADD), ranges relative to `args`.
    pub fn whitespace_words(&self) -> Vec<Word> {
        split_whitespace(self.args.as_str())
    }
}

/// Where a stage's file system comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StageBase {
    /// An image from a registry.
    Image(ImageRef),
    /// An earlier stage of this file, by index.
    Stage(usize),
    /// `FROM scratch`: nothing.
    Scratch,
    /// A reference that cannot be resolved statically (a variable without a known value, malformed text).
    Unresolved,
}

#[derive(Debug, Clone)]
pub struct Stage {
    pub index: usize,
    /// Index of the FROM instruction.
    pub from: usize,
    /// Indices of the stage's instructions, FROM included.
    pub instructions: Range<usize>,
    /// The image text as written (`python:3.12-slim`, `$BASE`, `builder`).
    pub image: String,
    /// Its range in the file.
    pub image_range: Range<usize>,
    pub base: StageBase,
    /// `AS name` (lowercased, as BuildKit compares them) and its range in the file.
    pub name: Option<String>,
    pub name_range: Option<Range<usize>>,
    pub platform: Option<String>,
    /// Earlier stages this one builds on: its base stage, `COPY --from`, `RUN --mount=from=`.
    pub depends_on: Vec<usize>,
}

/// The casing of instruction keywords in a file, which inserted instructions follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeywordCase {
    Upper,
    Lower,
}

pub struct Dockerfile {
    source: String,
    tree: Tree,
    escape: char,
    line_starts: Vec<usize>,
    directives: Vec<Directive>,
    comments: Vec<Range<usize>>,
    instructions: Vec<Instruction>,
    stages: Vec<Stage>,
    errors: Vec<SyntaxError>,
    shells: Vec<OnceCell<Option<ShellScript>>>,
    /// For each instruction, the USER and SHELL instructions in effect for it (see [`Dockerfile::in_effect`]).
    in_effect: OnceCell<Vec<InEffect>>,
    /// For each variable name, the ENV and ARG instructions that set it, in order (see
    /// [`Dockerfile::sets_variable_in`]).
    setters: OnceCell<std::collections::HashMap<String, Vec<usize>>>,
    /// For each text asked about, the instructions that contain it, in order (see [`Dockerfile::mentioned_in`]).
    mentions: RefCell<std::collections::HashMap<String, Vec<usize>>>,
    /// Shell scripts inside shell bodies (`sh -c '...'`), by instruction and range in the body's text (see
    /// [`Dockerfile::inner_shell`]).
    inner_shells: RefCell<std::collections::HashMap<(usize, Range<usize>), ShellScript>>,
    /// Problems found while building, turned into errors once line numbers can be computed.
    pending_errors: Vec<(Range<usize>, String)>,
}

impl std::fmt::Debug for Dockerfile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dockerfile")
            .field("instructions", &self.instructions.len())
            .field("errors", &self.errors)
            .finish()
    }
}

thread_local! {
    static PARSER: RefCell<Parser> = RefCell::new({
        let mut parser = Parser::new();
        parser.set_language(&tree_sitter_dockerfile::LANGUAGE.into()).expect("the Dockerfile grammar loads");
        parser
    });
}

impl Dockerfile {
    pub fn parse(source: &str) -> Dockerfile {
        let tree = PARSER
            .with(|p| p.borrow_mut().parse(source, None))
            .expect("parsing without a timeout or cancellation flag always returns a tree");
        Dockerfile::from_tree(source, tree)
    }

    /// Parse `source`, which `edits` (sorted, not overlapping: a range of this file's text and its replacement)
    /// made from this file: the tree is re-parsed incrementally, reusing what the edits left unchanged, and the
    /// shell bodies whose text did not change keep their parses. The result is the same as [`Dockerfile::parse`].
    pub fn reparse(&self, source: &str, edits: &[(Range<usize>, &str)]) -> Dockerfile {
        let mut old = self.tree.clone();
        // From the last edit to the first, so that every edit's offsets are still those of this file's text.
        for (range, content) in edits.iter().rev() {
            let start_position = self.point(range.start);
            old.edit(&InputEdit {
                start_byte: range.start,
                old_end_byte: range.end,
                new_end_byte: range.start + content.len(),
                start_position,
                old_end_position: self.point(range.end),
                new_end_position: advance(start_position, content),
            });
        }
        let tree = PARSER
            .with(|p| p.borrow_mut().parse(source, Some(&old)))
            .expect("parsing without a timeout or cancellation flag always returns a tree");
        let file = Dockerfile::from_tree(source, tree);
        file.inherit_shells(self);
        file
    }

    /// The tree-sitter position (row, byte column) of a byte offset.
    fn point(&self, offset: usize) -> Point {
        let line = self.line_starts.partition_point(|&s| s <= offset);
        Point { row: line - 1, column: offset - self.line_starts[line - 1] }
    }

    fn from_tree(source: &str, tree: Tree) -> Dockerfile {
        let mut file = Dockerfile {
            source: source.to_string(),
            tree,
            escape: '\\',
            line_starts: line_starts(source),
            directives: Vec::new(),
            comments: Vec::new(),
            instructions: Vec::new(),
            stages: Vec::new(),
            errors: Vec::new(),
            shells: Vec::new(),
            in_effect: OnceCell::new(),
            setters: OnceCell::new(),
            mentions: RefCell::default(),
            inner_shells: RefCell::default(),
            pending_errors: Vec::new(),
        };
        file.build();
        file
    }

    pub fn source(&self) -> &str {
        &self.source
    }

    pub fn tree(&self) -> &Tree {
        &self.tree
    }

    /// The escape character: `\` unless a `# escape=` directive chose the backtick.
    pub fn escape(&self) -> char {
        self.escape
    }

    pub fn errors(&self) -> &[SyntaxError] {
        &self.errors
    }

    pub fn directives(&self) -> &[Directive] {
        &self.directives
    }

    pub fn directive(&self, name: &str) -> Option<&Directive> {
        self.directives.iter().find(|d| d.name == name)
    }

    /// All comment lines: top-level ones and those inside continuations, in file order.
    pub fn comments(&self) -> &[Range<usize>] {
        &self.comments
    }

    pub fn instructions(&self) -> &[Instruction] {
        &self.instructions
    }

    pub fn stages(&self) -> &[Stage] {
        &self.stages
    }

    /// The last stage: what `docker build` produces without `--target`.
    pub fn final_stage(&self) -> Option<&Stage> {
        self.stages.last()
    }

    /// A stage by `AS` name (case-insensitive) or by index written as a number.
    pub fn stage_by_name(&self, name: &str) -> Option<&Stage> {
        let lower = name.to_ascii_lowercase();
        self.stages
            .iter()
            .find(|s| s.name.as_deref() == Some(lower.as_str()))
            .or_else(|| name.parse::<usize>().ok().and_then(|i| self.stages.get(i)))
    }

    /// The text of a range of the file.
    pub fn text(&self, range: Range<usize>) -> &str {
        &self.source[range]
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.source.len());
        let line = self.line_starts.partition_point(|&s| s <= offset);
        let start = self.line_starts[line - 1];
        let column = self.source[start..offset].chars().count() + 1;
        (line, column)
    }

    /// Byte offset where the line holding `offset` starts.
    pub fn line_start(&self, offset: usize) -> usize {
        let line = self.line_starts.partition_point(|&s| s <= offset);
        self.line_starts[line - 1]
    }

    /// Byte offset of the end of the line holding `offset` (before its line ending).
    pub fn line_end(&self, offset: usize) -> usize {
        let end = self.source[offset..].find('\n').map_or(self.source.len(), |i| offset + i);
        if end > offset && self.source.as_bytes()[end - 1] == b'\r' { end - 1 } else { end }
    }

    /// Byte offset just after the line ending of the line holding `offset` (the end of the file if it has none).
    pub fn next_line_start(&self, offset: usize) -> usize {
        self.source[offset..].find('\n').map_or(self.source.len(), |i| offset + i + 1)
    }

    /// The file's line ending: CRLF when most lines end with it.
    pub fn line_ending(&self) -> &'static str {
        let lf = self.source.matches('\n').count();
        let crlf = self.source.matches("\r\n").count();
        if crlf * 2 > lf { "\r\n" } else { "\n" }
    }

    /// The casing of the file's keywords (lowercase only when most keywords are lowercase).
    pub fn keyword_case(&self) -> KeywordCase {
        let lower = self
            .instructions
            .iter()
            .filter(|i| self.source[i.keyword.clone()].chars().all(|c| !c.is_ascii_uppercase()))
            .count();
        if lower * 2 > self.instructions.len() { KeywordCase::Lower } else { KeywordCase::Upper }
    }

    /// A keyword written in the file's casing.
    pub fn keyword(&self, keyword: &str) -> String {
        match self.keyword_case() {
            KeywordCase::Upper => keyword.to_ascii_uppercase(),
            KeywordCase::Lower => keyword.to_ascii_lowercase(),
        }
    }

    /// The indentation most used on continuation lines (four spaces when the file has none).
    pub fn continuation_indent(&self) -> String {
        let mut counts: Vec<(&str, usize)> = Vec::new();
        for instr in &self.instructions {
            for c in &instr.continuations {
                let start = c.end;
                let rest = &self.source[start..];
                let indent_len = rest.find(|ch: char| ch != ' ' && ch != '\t').unwrap_or(rest.len());
                let indent = &rest[..indent_len];
                if indent_len == rest.len() || rest[indent_len..].starts_with(['\r', '\n', '#']) {
                    continue;
                }
                match counts.iter_mut().find(|(i, _)| *i == indent) {
                    Some((_, n)) => *n += 1,
                    None => counts.push((indent, 1)),
                }
            }
        }
        counts.into_iter().max_by_key(|&(_, n)| n).map_or_else(|| "    ".to_string(), |(i, _)| i.to_string())
    }

    /// The shell body of a shell-form RUN, CMD or ENTRYPOINT, parsed with tree-sitter-bash. `None` for exec form,
    /// for instructions with heredocs (their bodies are not parsed, so never edited), for other instructions and
    /// for files whose escape character is the backtick (Windows shells).
    pub fn shell(&self, index: usize) -> Option<&ShellScript> {
        let text = self.shell_text(index)?;
        self.shells[index].get_or_init(|| Some(ShellScript::parse(text.clone()))).as_ref()
    }

    /// The shell script that the text at `range` of instruction `index`'s shell body holds (a string run with
    /// `sh -c`), parsed once per file. `None` when the instruction has no shell body or the range is not in it.
    pub fn inner_shell(&self, index: usize, range: Range<usize>) -> Option<ShellScript> {
        let body = self.shell(index)?;
        body.source().get(range.clone())?;
        let key = (index, range);
        if let Some(script) = self.inner_shells.borrow().get(&key) {
            return Some(script.clone());
        }
        let script = ShellScript::parse(body.text().slice(key.1.clone()));
        self.inner_shells.borrow_mut().insert(key, script.clone());
        Some(script)
    }

    /// The text [`Dockerfile::shell`] parses, without parsing it.
    pub fn shell_text(&self, index: usize) -> Option<&MappedText> {
        let instr = self.instructions.get(index)?;
        let shell_form =
            matches!(instr.kind, InstructionKind::Run | InstructionKind::Cmd | InstructionKind::Entrypoint)
                && instr.exec.is_none()
                && instr.heredocs.is_empty()
                && self.escape == '\\';
        shell_form.then_some(&instr.args)
    }

    /// The SHELL instruction in effect for instruction `index`: the last SHELL before it in its stage, else in the
    /// stage it is built on (`FROM <stage>`), and so on. `None` when no SHELL applies: the base image's shell
    /// (`/bin/sh -c` on Linux).
    pub fn shell_instruction(&self, index: usize) -> Option<&Instruction> {
        self.in_effect().get(index)?.shell.map(|i| &self.instructions[i])
    }

    /// The USER instruction in effect for instruction `index`, found as [`Dockerfile::shell_instruction`] finds the
    /// SHELL. `None` when no USER applies: the base image's user.
    pub fn user_instruction(&self, index: usize) -> Option<&Instruction> {
        self.in_effect().get(index)?.user.map(|i| &self.instructions[i])
    }

    /// Whether an ENV or ARG instruction with an index in `range` sets the variable `name`. The setters of every
    /// variable are found once per file, so asking for many instructions stays linear.
    pub fn sets_variable_in(&self, name: &str, range: Range<usize>) -> bool {
        let setters = self.setters.get_or_init(|| {
            let mut map: std::collections::HashMap<String, Vec<usize>> = std::collections::HashMap::new();
            for i in self.instructions.iter().filter(|i| matches!(i.kind, InstructionKind::Env | InstructionKind::Arg))
            {
                let words = split_words(i.args.as_str(), self.escape);
                // The legacy form `ENV key value` sets one variable, named by its first word.
                let legacy = i.kind == InstructionKind::Env && words.first().is_some_and(|w| !w.raw.contains('='));
                let names: Vec<&str> = if legacy {
                    words.first().map(|w| w.raw.as_str()).into_iter().collect()
                } else {
                    words.iter().filter_map(|w| w.raw.split('=').next()).collect()
                };
                for n in names {
                    let list = map.entry(n.to_string()).or_default();
                    if list.last() != Some(&i.index) {
                        list.push(i.index);
                    }
                }
            }
            map
        });
        setters.get(name).is_some_and(|list| any_in(list, range))
    }

    /// Whether an instruction with an index in `range` contains `needle` in its text. The instructions holding a
    /// text are found once per file and text.
    pub fn mentioned_in(&self, needle: &str, range: Range<usize>) -> bool {
        if let Some(list) = self.mentions.borrow().get(needle) {
            return any_in(list, range);
        }
        let finder = memchr::memmem::Finder::new(needle.as_bytes());
        let list: Vec<usize> = self
            .instructions
            .iter()
            .filter(|i| finder.find(self.source[i.range.clone()].as_bytes()).is_some())
            .map(|i| i.index)
            .collect();
        let found = any_in(&list, range);
        self.mentions.borrow_mut().insert(needle.to_string(), list);
        found
    }

    /// What is in effect for each instruction, computed once for the whole file in one walk (a question per
    /// instruction would otherwise rescan the instructions before it).
    fn in_effect(&self) -> &[InEffect] {
        self.in_effect.get_or_init(|| {
            let mut out = vec![InEffect::default(); self.instructions.len()];
            let mut at_end: Vec<InEffect> = Vec::with_capacity(self.stages.len());
            for stage in &self.stages {
                let mut state = match stage.base {
                    StageBase::Stage(b) if b < stage.index => at_end[b],
                    _ => InEffect::default(),
                };
                for i in stage.instructions.clone() {
                    out[i] = state;
                    match self.instructions[i].kind {
                        InstructionKind::User => state.user = Some(i),
                        InstructionKind::Shell => state.shell = Some(i),
                        _ => {}
                    }
                }
                at_end.push(state);
            }
            out
        })
    }

    /// The number of syntax errors in all shell bodies.
    pub fn shell_error_count(&self) -> usize {
        (0..self.instructions.len()).filter_map(|i| self.shell(i)).map(ShellScript::error_count).sum()
    }

    /// Whether the shell bodies of this file have more syntax errors than those of `before`, counting only the
    /// bodies whose text differs (so unchanged bodies are never parsed for this).
    pub fn shell_errors_grew(&self, before: &Dockerfile) -> bool {
        let mut old: std::collections::HashMap<&str, Vec<usize>> = std::collections::HashMap::new();
        for i in 0..before.instructions.len() {
            if let Some(t) = before.shell_text(i) {
                old.entry(t.as_str()).or_default().push(i);
            }
        }
        let mut added = 0;
        for i in 0..self.instructions.len() {
            let Some(t) = self.shell_text(i) else { continue };
            match old.get_mut(t.as_str()).and_then(Vec::pop) {
                Some(_) => {}
                None => added += self.shell(i).map_or(0, ShellScript::error_count),
            }
        }
        let removed: usize = old.values().flatten().map(|&i| before.shell(i).map_or(0, ShellScript::error_count)).sum();
        added > removed
    }

    /// Take over the parsed shell bodies of `before` (an earlier version of this file) whose text is unchanged, so
    /// they are not parsed again.
    pub fn inherit_shells(&self, before: &Dockerfile) {
        let mut parsed: std::collections::HashMap<&str, &ShellScript> = std::collections::HashMap::new();
        for cell in &before.shells {
            if let Some(Some(script)) = cell.get() {
                parsed.entry(script.source()).or_insert(script);
            }
        }
        if parsed.is_empty() {
            return;
        }
        for (i, cell) in self.shells.iter().enumerate() {
            if cell.get().is_some() {
                continue;
            }
            if let Some(text) = self.shell_text(i)
                && let Some(old) = parsed.get(text.as_str())
            {
                let _ = cell.set(Some(old.relocated(text.clone())));
            }
        }
    }

    /// Build the model from the tree.
    fn build(&mut self) {
        // Tree clones share the same nodes; this one only frees `self` for the mutations below.
        let tree = self.tree.clone();
        let root = tree.root_node();
        let mut cursor = root.walk();
        let children: Vec<Node> = root.named_children(&mut cursor).collect();
        for node in children {
            match node.kind() {
                "parser_directive" => self.add_directive(node),
                "comment" => self.comments.push(node.byte_range()),
                "instruction" => self.add_instruction(node),
                _ => {}
            }
        }
        for (range, message) in std::mem::take(&mut self.pending_errors) {
            self.error(range, message);
        }
        self.collect_tree_errors(root);
        self.check_instructions();
        self.build_stages();
        self.shells = (0..self.instructions.len()).map(|_| OnceCell::new()).collect();
        self.errors.sort_by_key(|e| e.range.start);
        self.errors.dedup_by_key(|e| e.range.start);
    }

    fn add_directive(&mut self, node: Node) {
        let text = &self.source[node.byte_range()];
        let body = text.trim_start_matches(|c: char| c == '#' || c.is_whitespace());
        if let Some((name, value)) = body.split_once('=') {
            let name = name.trim().to_ascii_lowercase();
            let value = value.trim().to_string();
            if name == "escape" && value == "`" {
                self.escape = '`';
            }
            if name == "escape" && value != "`" && value != "\\" {
                self.pending_errors
                    .push((node.byte_range(), format!("invalid escape token '{value}' does not match ` or \\")));
            }
            if self.directives.iter().any(|d| d.name == name) {
                self.pending_errors.push((node.byte_range(), format!("only one {name} parser directive can be used")));
            }
            self.directives.push(Directive { name, value, range: node.byte_range() });
        }
    }

    fn add_instruction(&mut self, node: Node) {
        let src = self.source.as_str();
        let mut keyword = 0..0;
        let mut flags = Vec::new();
        let mut args_nodes: Vec<Range<usize>> = Vec::new();
        let mut markers = Vec::new();
        let mut heredoc_nodes = Vec::new();
        let mut continuations = Vec::new();
        let mut comments = Vec::new();
        let mut cursor = node.walk();
        for child in node.named_children(&mut cursor) {
            let r = child.byte_range();
            match child.kind() {
                "keyword" => keyword = r.clone(),
                // `--` ends the flags and is not one.
                "flag" if &src[r.clone()] == "--" => {}
                "flag" => flags.push(parse_flag(src, r.clone())),
                "text" => args_nodes.push(r.clone()),
                "heredoc_marker" => {
                    args_nodes.push(r.clone());
                    markers.push(r.clone());
                }
                "line_continuation" => continuations.push(r.clone()),
                "continuation_comment" => comments.push(r.clone()),
                "heredoc" => heredoc_nodes.push(child),
                _ => {}
            }
        }
        // The node ends with the instruction's line ending (unless heredocs follow); BuildKit counts blank lines
        // after a dangling line continuation as part of the instruction, so only that one line ending goes.
        let mut end = node.end_byte();
        if heredoc_nodes.is_empty() && src[..end].ends_with('\n') {
            end -= 1;
            while end > node.start_byte() && src.as_bytes()[end - 1] == b'\r' {
                end -= 1;
            }
        }
        if markers.len() > heredoc_nodes.len() {
            let marker = markers[heredoc_nodes.len()].clone();
            let (name, _, _) = heredoc_name(&src[marker.clone()]);
            self.pending_errors.push((marker, format!("unterminated heredoc: no line `{name}` ends it")));
        }
        let args = logical_args(src, &args_nodes, &continuations);
        let mut heredocs = Vec::new();
        for (marker, h) in markers.iter().zip(heredoc_nodes.iter()) {
            let (name, chomp, quoted) = heredoc_name(&src[marker.clone()]);
            let mut body = h.start_byte()..h.start_byte();
            let mut term = h.end_byte()..h.end_byte();
            let mut c = h.walk();
            for part in h.named_children(&mut c) {
                match part.kind() {
                    "heredoc_body" => body = part.byte_range(),
                    "heredoc_end" if part.is_missing() => self
                        .pending_errors
                        .push((marker.clone(), format!("unterminated heredoc: no line `{name}` ends it"))),
                    "heredoc_end" => term = part.byte_range(),
                    _ => {}
                }
            }
            heredocs.push(Heredoc { marker: marker.clone(), name, chomp, quoted, body, end: term });
        }
        let kind = InstructionKind::from_keyword(&src[keyword.clone()]);
        let exec = if kind.allows_exec_form() { parse_exec_form(args.as_str()) } else { None };
        self.comments.extend(comments.iter().cloned());
        let index = self.instructions.len();
        self.instructions.push(Instruction {
            index,
            kind,
            range: node.start_byte()..end,
            keyword,
            flags,
            args,
            heredocs,
            continuations,
            comments,
            exec,
            stage: None,
        });
    }

    fn error(&mut self, range: Range<usize>, message: impl Into<String>) {
        let (line, column) = self.line_col(range.start);
        self.errors.push(SyntaxError { range, line, column, message: message.into() });
    }

    fn collect_tree_errors(&mut self, root: Node) {
        if !root.has_error() {
            return;
        }
        let mut found = Vec::new();
        let mut stack = vec![root];
        while let Some(node) = stack.pop() {
            if node.is_missing() {
                // A missing heredoc terminator is reported at its marker by `add_instruction`.
                if node.kind() != "heredoc_end" {
                    found.push((node.byte_range(), format!("missing {}", node.kind())));
                }
            } else if node.is_error() {
                let text = &self.source[node.byte_range()];
                let first_line = text.lines().next().unwrap_or("").trim();
                found.push((node.byte_range(), format!("cannot parse `{}`", truncate(first_line, 40))));
            } else if node.has_error() {
                let mut c = node.walk();
                stack.extend(node.children(&mut c));
            }
        }
        for (range, message) in found {
            self.error(range, message);
        }
    }

    /// Checks BuildKit makes when it reads the instructions.
    fn check_instructions(&mut self) {
        let mut problems = Vec::new();
        if self.instructions.is_empty() && self.errors.is_empty() {
            problems.push((self.source.len()..self.source.len(), "file with no instructions".to_string()));
        }
        for instr in &self.instructions {
            let keyword = &self.source[instr.keyword.clone()];
            if instr.kind == InstructionKind::Unknown {
                problems.push((instr.keyword.clone(), format!("unknown instruction: {}", truncate(keyword, 40))));
            }
            if matches!(instr.kind, InstructionKind::Env | InstructionKind::Label) {
                let words = super::words::split_words(instr.args.as_str(), self.escape);
                let name = keyword.to_ascii_uppercase();
                match words.first() {
                    Some(first) if !first.raw.contains('=') && split_whitespace(instr.args.as_str()).len() < 2 => {
                        problems.push((instr.keyword.clone(), format!("{name} must have two arguments")));
                    }
                    Some(first) if !first.raw.contains('=') => {}
                    Some(_) => {
                        if let Some(w) = words.iter().find(|w| !w.raw.contains('=')) {
                            problems.push((
                                instr.args.range_to_file(w.range.clone()),
                                format!("{name}: can't find = in {:?}; must be of the form name=value", w.raw),
                            ));
                        }
                    }
                    None => {}
                }
            }
            if instr.kind.allows_exec_form() && instr.exec.is_none() && exec_array_of_non_strings(instr.args.as_str()) {
                problems.push((
                    instr.args.file_span().unwrap_or(instr.keyword.clone()),
                    "when using JSON array syntax, arrays must be comprised of strings only".to_string(),
                ));
            }
        }
        for (range, message) in problems {
            self.error(range, message);
        }
    }

    fn build_stages(&mut self) {
        let mut stages: Vec<Stage> = Vec::new();
        for i in 0..self.instructions.len() {
            if self.instructions[i].kind == InstructionKind::From {
                let stage = self.new_stage(i, &stages);
                if let Some(last) = stages.last_mut() {
                    last.instructions.end = i;
                }
                stages.push(stage);
            }
            if let Some(last) = stages.last() {
                let index = last.index;
                self.instructions[i].stage = Some(index);
            }
        }
        if let Some(last) = stages.last_mut() {
            last.instructions.end = self.instructions.len();
        }
        // Dependencies through COPY --from and RUN --mount=from=.
        for s in 0..stages.len() {
            let mut deps = stages[s].depends_on.clone();
            for instr in &self.instructions[stages[s].instructions.clone()] {
                let mut refs: Vec<String> = Vec::new();
                if let Some(f) = instr.flag("from").and_then(|f| f.value.clone()) {
                    refs.push(f);
                }
                for flag in instr.flags.iter().filter(|f| f.name.eq_ignore_ascii_case("mount")) {
                    if let Some(v) = &flag.value {
                        refs.extend(v.split(',').filter_map(|kv| kv.strip_prefix("from=")).map(str::to_string));
                    }
                }
                for r in refs {
                    let lower = r.to_ascii_lowercase();
                    let found = stages[..s]
                        .iter()
                        .find(|st| st.name.as_deref() == Some(lower.as_str()))
                        .map(|st| st.index)
                        .or_else(|| r.parse::<usize>().ok().filter(|&n| n < s));
                    if let Some(d) = found
                        && !deps.contains(&d)
                    {
                        deps.push(d);
                    }
                }
            }
            stages[s].depends_on = deps;
        }
        self.stages = stages;
    }

    fn new_stage(&self, from: usize, earlier: &[Stage]) -> Stage {
        let instr = &self.instructions[from];
        let words = instr.whitespace_words();
        let image_word = words.first();
        let image = image_word.map(|w| w.raw.clone()).unwrap_or_default();
        let image_range =
            image_word.map(|w| instr.args.range_to_file(w.range.clone())).unwrap_or(instr.keyword.clone());
        let (name, name_range) = match (words.get(1), words.get(2)) {
            (Some(as_kw), Some(n)) if as_kw.raw.eq_ignore_ascii_case("as") => {
                (Some(n.raw.to_ascii_lowercase()), Some(instr.args.range_to_file(n.range.clone())))
            }
            _ => (None, None),
        };
        let lower = image.to_ascii_lowercase();
        let base = if let Some(s) = earlier.iter().find(|s| s.name.as_deref() == Some(lower.as_str())) {
            StageBase::Stage(s.index)
        } else if lower == "scratch" {
            StageBase::Scratch
        } else {
            let resolved = self.resolve_global_args(&image);
            match resolved.as_deref().map(str::to_ascii_lowercase) {
                Some(r) if r == "scratch" => StageBase::Scratch,
                Some(r) if earlier.iter().any(|s| s.name.as_deref() == Some(r.as_str())) => StageBase::Stage(
                    earlier.iter().find(|s| s.name.as_deref() == Some(r.as_str())).expect("checked").index,
                ),
                Some(r) => ImageRef::parse(&r).map_or(StageBase::Unresolved, StageBase::Image),
                None => StageBase::Unresolved,
            }
        };
        let depends_on = match base {
            StageBase::Stage(s) => vec![s],
            _ => Vec::new(),
        };
        Stage {
            index: earlier.len(),
            from,
            instructions: from..from + 1,
            image,
            image_range,
            base,
            name,
            name_range,
            platform: instr.flag("platform").and_then(|f| f.value.clone()),
            depends_on,
        }
    }

    /// Substitute `$NAME` / `${NAME}` with the defaults of global ARGs (before the first FROM). `None` when a
    /// variable has no known default.
    pub fn resolve_global_args(&self, text: &str) -> Option<String> {
        if !text.contains('$') {
            return Some(text.to_string());
        }
        let defaults = self.global_arg_defaults();
        let mut out = String::new();
        let mut rest = text;
        while let Some(pos) = rest.find('$') {
            out.push_str(&rest[..pos]);
            rest = &rest[pos + 1..];
            let (name, after) = if let Some(inner) = rest.strip_prefix('{') {
                let close = inner.find('}')?;
                let body = &inner[..close];
                (body, &inner[close + 1..])
            } else {
                let len = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(rest.len());
                (&rest[..len], &rest[len..])
            };
            if name.is_empty() {
                return None;
            }
            let (var, default) = match name.split_once(":-") {
                Some((v, d)) => (v, Some(d)),
                None => (name, None),
            };
            if !var.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return None;
            }
            match defaults.iter().rev().find(|(k, _)| k == var).and_then(|(_, v)| v.clone()) {
                Some(v) if !(v.is_empty() && default.is_some()) => out.push_str(&v),
                _ => out.push_str(default?),
            }
            rest = after;
        }
        out.push_str(rest);
        Some(out)
    }

    /// Global ARGs (before the first FROM) with their defaults, in order.
    pub fn global_arg_defaults(&self) -> Vec<(String, Option<String>)> {
        let mut out = Vec::new();
        for instr in self.instructions.iter().take_while(|i| i.kind != InstructionKind::From) {
            if instr.kind != InstructionKind::Arg {
                continue;
            }
            for w in super::words::split_words(instr.args.as_str(), self.escape) {
                match w.raw.split_once('=') {
                    Some((k, v)) => out.push((k.to_string(), Some(unquote(v, self.escape)))),
                    None => out.push((w.raw.clone(), None)),
                }
            }
        }
        out
    }
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max { s.to_string() } else { format!("{}…", s.chars().take(max).collect::<String>()) }
}

fn line_starts(source: &str) -> Vec<usize> {
    std::iter::once(0).chain(memchr::memchr_iter(b'\n', source.as_bytes()).map(|i| i + 1)).collect()
}

/// The arguments as the builder sees them: from the first to the last argument token, without the line
/// continuations and without the comment and blank lines that follow a continuation.
fn logical_args(src: &str, args: &[Range<usize>], continuations: &[Range<usize>]) -> MappedText {
    let (Some(first), Some(last)) = (args.first(), args.last()) else {
        return MappedText::default();
    };
    let (start, end) = (first.start, last.end);
    let mut pieces = Vec::new();
    let mut pos = start;
    for c in continuations.iter().filter(|c| c.start >= start && c.start < end) {
        pieces.push(pos..c.start);
        pos = c.end;
        // Docker drops comment lines and blank lines inside a continuation.
        while pos < end {
            let line_end = src[pos..].find('\n').map_or(src.len(), |i| pos + i + 1);
            let trimmed = src[pos..line_end].trim_start();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                pos = line_end;
            } else {
                break;
            }
        }
    }
    pieces.push(pos..end);
    MappedText::from_ranges(src, pieces)
}

/// Whether the sorted `list` holds a value in `range`.
fn any_in(list: &[usize], range: Range<usize>) -> bool {
    let first = list.partition_point(|&i| i < range.start);
    list.get(first).is_some_and(|&i| i < range.end)
}

/// The USER and SHELL instructions in effect for an instruction, by index.
#[derive(Debug, Clone, Copy, Default)]
struct InEffect {
    user: Option<usize>,
    shell: Option<usize>,
}

/// The position after `text` when it starts at `at`.
fn advance(at: Point, text: &str) -> Point {
    match text.rfind('\n') {
        Some(last) => {
            Point { row: at.row + memchr::memchr_iter(b'\n', text.as_bytes()).count(), column: text.len() - last - 1 }
        }
        None => Point { row: at.row, column: at.column + text.len() },
    }
}

fn parse_flag(src: &str, range: Range<usize>) -> Flag {
    let text = &src[range.clone()];
    let body = text.strip_prefix("--").unwrap_or(text);
    match body.find('=') {
        Some(eq) => {
            let value_start = range.start + 2 + eq + 1;
            Flag {
                name: body[..eq].to_string(),
                value: Some(unquote(&body[eq + 1..], '\\')),
                value_range: Some(value_start..range.end),
                range,
            }
        }
        None => Flag { name: body.to_string(), value: None, value_range: None, range },
    }
}

/// Name, chomp and quoted of a heredoc marker (`<<-"EOF"`).
fn heredoc_name(marker: &str) -> (String, bool, bool) {
    let rest = marker.trim_start_matches(|c: char| c.is_ascii_digit()).trim_start_matches("<<");
    let (chomp, word) = match rest.strip_prefix('-') {
        Some(w) => (true, w),
        None => (false, rest),
    };
    let quoted = word.contains(['"', '\'']);
    (unquote(word, '\\'), chomp, quoted)
}

/// The exec form: the arguments start with a JSON array of strings (text after it is ignored, as BuildKit does).
fn parse_exec_form(args: &str) -> Option<Vec<String>> {
    let trimmed = args.trim_start();
    if !trimmed.starts_with('[') {
        return None;
    }
    let mut stream = serde_json::Deserializer::from_str(trimmed).into_iter::<Vec<String>>();
    stream.next()?.ok()
}

/// A JSON array that holds something else than strings: BuildKit rejects it.
fn exec_array_of_non_strings(args: &str) -> bool {
    let trimmed = args.trim_start();
    if !trimmed.starts_with('[') {
        return false;
    }
    let mut stream = serde_json::Deserializer::from_str(trimmed).into_iter::<Vec<serde_json::Value>>();
    matches!(stream.next(), Some(Ok(values)) if values.iter().any(|v| !v.is_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_of_a_multistage_file() {
        let src = "# syntax=docker/dockerfile:1\nARG BASE=python:3.12-slim\nFROM ${BASE} AS build\nRUN --mount=type=cache,target=/root/.cache \\\n    # fetch\n    pip install x\nFROM build\nCOPY --from=build /a /b\nCMD [\"run\"]\n";
        let f = Dockerfile::parse(src);
        assert!(f.errors().is_empty(), "{:?}", f.errors());
        assert_eq!(f.directive("syntax").unwrap().value, "docker/dockerfile:1");
        let kinds: Vec<_> = f.instructions().iter().map(|i| i.kind.as_str()).collect();
        assert_eq!(kinds, ["arg", "from", "run", "from", "copy", "cmd"]);
        let run = &f.instructions()[2];
        assert_eq!(run.flags[0].name, "mount");
        assert_eq!(run.flags[0].value.as_deref(), Some("type=cache,target=/root/.cache"));
        assert_eq!(run.args.as_str(), "pip install x");
        assert_eq!(run.comments.len(), 1);
        assert_eq!(f.stages().len(), 2);
        match &f.stages()[0].base {
            StageBase::Image(r) => assert_eq!((r.repository.as_str(), r.tag.as_deref()), ("python", Some("3.12-slim"))),
            other => panic!("{other:?}"),
        }
        assert_eq!(f.stages()[0].name.as_deref(), Some("build"));
        assert_eq!(f.stages()[1].base, StageBase::Stage(0));
        assert_eq!(f.stages()[1].depends_on, vec![0]);
        assert_eq!(f.instructions()[5].exec.as_deref(), Some(&["run".to_string()][..]));
        assert_eq!(f.final_stage().unwrap().index, 1);
    }

    #[test]
    fn logical_args_drop_comment_and_blank_lines() {
        let src = "FROM a\nRUN apt-get update \\\n  # comment\n\n  && apt-get install -y curl\n";
        let f = Dockerfile::parse(src);
        let run = &f.instructions()[1];
        assert_eq!(run.args.as_str(), "apt-get update   && apt-get install -y curl");
        let at = run.args.as_str().find("curl").unwrap();
        assert_eq!(&src[run.args.range_to_file(at..at + 4)], "curl");
        assert_eq!(&src[run.range.clone()], &src[7..src.len() - 1]);
    }

    #[test]
    fn backtick_escape_and_crlf() {
        let src =
            "# escape=`\r\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\r\nRUN dir c:\\ `\r\n    && echo hi\r\n";
        let f = Dockerfile::parse(src);
        assert!(f.errors().is_empty(), "{:?}", f.errors());
        assert_eq!(f.escape(), '`');
        assert_eq!(f.line_ending(), "\r\n");
        assert_eq!(f.instructions()[1].args.as_str(), "dir c:\\     && echo hi");
        assert_eq!(f.line_col(f.instructions()[1].range.end), (4, 15));
    }

    #[test]
    fn heredocs_and_errors() {
        let f = Dockerfile::parse("FROM a\nRUN <<EOF\necho hi\nEOF\n");
        assert!(f.errors().is_empty());
        let h = &f.instructions()[1].heredocs[0];
        assert_eq!(h.name, "EOF");
        assert_eq!(f.text(h.body.clone()), "echo hi\n");

        let bad = Dockerfile::parse("FROM a\nRUN <<EOF\necho hi\n");
        assert!(bad.errors()[0].message.contains("unterminated heredoc"), "{:?}", bad.errors());
        let unknown = Dockerfile::parse("FROM a\nFOO bar\n");
        assert_eq!(unknown.errors()[0].line, 2);
        assert!(unknown.errors()[0].message.contains("unknown instruction"));
        assert!(!Dockerfile::parse("").errors().is_empty());
        assert!(!Dockerfile::parse("# only a comment\n").errors().is_empty());
    }

    #[test]
    fn shell_in_effect_follows_base_stages() {
        let src = "FROM a AS one\nRUN x\nSHELL [\"/bin/bash\", \"-c\"]\nRUN y\nFROM one\nRUN z\nFROM b\nRUN w\n";
        let f = Dockerfile::parse(src);
        assert!(f.shell_instruction(1).is_none());
        assert_eq!(f.shell_instruction(3).map(|i| i.index), Some(2));
        assert_eq!(f.shell_instruction(5).map(|i| i.index), Some(2));
        assert!(f.shell_instruction(7).is_none());
    }

    #[test]
    fn conventions() {
        let f = Dockerfile::parse("from a\nrun x \\\n\ty\n");
        assert_eq!(f.keyword_case(), KeywordCase::Lower);
        assert_eq!(f.keyword("USER"), "user");
        assert_eq!(f.continuation_indent(), "\t");
        assert_eq!(f.line_ending(), "\n");
    }

    #[test]
    fn a_new_version_reuses_the_parses_of_unchanged_bodies_at_their_new_positions() {
        let before = Dockerfile::parse("FROM a\nRUN apt-get install -y curl\nRUN echo one\n");
        let _ = (before.shell(1).unwrap().commands(), before.shell(2).unwrap().commands());
        let after = Dockerfile::parse("FROM a\n# moved down\nRUN apt-get install -y curl\nRUN echo two\n");
        after.inherit_shells(&before);
        let kept = after.shell(1).unwrap();
        assert!(kept.shares_parse_with(before.shell(1).unwrap()));
        let curl = &kept.commands()[0].words[3];
        assert_eq!(&after.source()[kept.file_range(curl.range.clone())], "curl");
        assert_eq!(
            kept.file_range(curl.range.clone()).start,
            before.shell(1).unwrap().file_range(curl.range.clone()).start + 13
        );
        let changed = after.shell(2).unwrap();
        assert!(!changed.shares_parse_with(before.shell(2).unwrap()));
        assert_eq!(changed.commands()[0].words[1].value.as_deref(), Some("two"));
    }

    #[test]
    fn an_incremental_reparse_gives_the_tree_and_model_of_a_fresh_parse() {
        let before =
            "FROM a\r\nRUN apt-get update \\\r\n  # c\r\n  && apt-get install -y curl\r\nENV K V\r\nCMD [\"x\"]\r\n";
        let file = Dockerfile::parse(before);
        let edits: Vec<(Range<usize>, &str)> = vec![
            (0..0, "# syntax=docker/dockerfile:1\r\n"),
            (
                before.find("curl").unwrap() + 4..before.find("curl").unwrap() + 4,
                " \\\r\n  && rm -rf /var/lib/apt/lists/*",
            ),
            (before.find("K V").unwrap()..before.find("K V").unwrap() + 3, "K=\"V\""),
            (before.find("CMD").unwrap()..before.find("CMD").unwrap(), "USER 10001:10001\r\n"),
        ];
        let mut after = String::new();
        let mut last = 0;
        for (range, content) in &edits {
            after.push_str(&before[last..range.start]);
            after.push_str(content);
            last = range.end;
        }
        after.push_str(&before[last..]);
        let incremental = file.reparse(&after, &edits);
        let fresh = Dockerfile::parse(&after);
        assert_eq!(incremental.tree().root_node().to_sexp(), fresh.tree().root_node().to_sexp());
        let model = |f: &Dockerfile| {
            f.instructions().iter().map(|i| (i.kind, i.range.clone(), i.args.as_str().to_string())).collect::<Vec<_>>()
        };
        assert_eq!(model(&incremental), model(&fresh));
        assert_eq!(incremental.directive("syntax").map(|d| d.value.clone()), Some("docker/dockerfile:1".into()));
        assert!(incremental.errors().is_empty());
    }

    #[test]
    fn facts_in_effect_follow_stages_and_are_found_once() {
        let src = "ARG V=1\nFROM a AS one\nUSER app\nENV PIP_NO_CACHE_DIR=1 X=2\nENV LEGACY some value\nFROM one\nRUN yarn set version berry\nFROM b\nRUN x\n";
        let f = Dockerfile::parse(src);
        let kinds: Vec<_> = f.instructions().iter().map(|i| i.kind.as_str()).collect();
        assert_eq!(kinds, ["arg", "from", "user", "env", "env", "from", "run", "from", "run"]);
        assert_eq!(f.user_instruction(6).map(|i| i.index), Some(2), "through FROM one");
        assert!(f.user_instruction(8).is_none(), "another base");
        assert!(f.user_instruction(2).is_none(), "not the instruction itself");
        assert!(f.sets_variable_in("PIP_NO_CACHE_DIR", 0..4));
        assert!(!f.sets_variable_in("PIP_NO_CACHE_DIR", 0..3));
        assert!(f.sets_variable_in("X", 3..4) && f.sets_variable_in("V", 0..1));
        assert!(f.sets_variable_in("LEGACY", 4..5) && !f.sets_variable_in("some", 0..9));
        assert!(f.mentioned_in("berry", 6..7) && !f.mentioned_in("berry", 0..6));
        assert!(f.mentioned_in("berry", 0..9), "asked again, from the cache");
    }
}
