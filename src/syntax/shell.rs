//! Shell bodies of RUN, CMD and ENTRYPOINT, parsed with tree-sitter-bash.
//!
//! The text handed to bash is what the builder's shell receives: the instruction's logical arguments, with line
//! continuations removed and comment lines inside continuations dropped ([`MappedText`]). Every position found in
//! the bash tree is relative to that text; [`ShellScript::file_range`] turns it into a range of the Dockerfile.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::ops::Range;
use std::sync::{Arc, OnceLock};

use tree_sitter::{Node, Parser, Tree};

use super::mapped::MappedText;

thread_local! {
    static BASH: RefCell<Parser> = RefCell::new({
        let mut parser = Parser::new();
        parser.set_language(&tree_sitter_bash::LANGUAGE.into()).expect("the bash grammar loads");
        parser
    });
    /// Parses made ahead of need, with their text: see [`ShellScript::parse_ahead`].
    static AHEAD: RefCell<VecDeque<(String, Arc<Parsed>)>> = const { RefCell::new(VecDeque::new()) };
}

/// How many parses [`ShellScript::parse_ahead`] keeps; the oldest goes first.
const AHEAD_LIMIT: usize = 16;

/// The kind of a bash tree node. `Node::kind` looks the name up and validates it as UTF-8 on every call, and the
/// shell model asks for kinds all the time: names are looked up once per kind instead.
fn kind(node: Node) -> &'static str {
    static KINDS: OnceLock<Vec<&'static str>> = OnceLock::new();
    let kinds = KINDS.get_or_init(|| {
        let language: tree_sitter::Language = tree_sitter_bash::LANGUAGE.into();
        (0..language.node_kind_count()).map(|id| language.node_kind_for_id(id as u16).unwrap_or("")).collect()
    });
    kinds.get(usize::from(node.kind_id())).copied().unwrap_or_else(|| node.kind())
}

#[derive(Clone)]
pub struct ShellScript {
    text: MappedText,
    /// What depends only on the text, shared by the scripts of equal text in successive versions of a file (a fix
    /// pass leaves most bodies as they were; they are not parsed again).
    parsed: Arc<Parsed>,
}

struct Parsed {
    tree: Tree,
    /// The commands, state changes, flow changes and comments, found once: several transforms ask for them, some
    /// more than once.
    facts: OnceLock<Facts>,
}

/// What one walk over the tree finds (see [`ShellScript::facts`]).
#[derive(Default)]
struct Facts {
    commands: Vec<Command>,
    state_changes: Vec<StateChange>,
    flow_changes: Vec<FlowChange>,
    has_comments: bool,
}

/// What holds for the children of a node in the walk of [`ShellScript::facts`].
struct Frame {
    /// They are looked at for commands.
    commands: bool,
    state: StateWalk,
    /// Where commands among them sit.
    placement: Placement,
}

/// How the walk of [`ShellScript::facts`] looks at nodes for state changes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum StateWalk {
    /// Not at all: they run in a child process, define a function, or are not named.
    Off,
    On,
    /// Children of a command: a prefix assignment itself is not a state change, but what its value expands is.
    InCommand,
}

impl Parsed {
    fn new(text: &str) -> Parsed {
        let tree = BASH
            .with(|p| p.borrow_mut().parse(text, None))
            .expect("parsing without a timeout or cancellation flag always returns a tree");
        Parsed { tree, facts: OnceLock::new() }
    }

    /// ERROR and MISSING nodes in the tree.
    fn error_count(&self) -> usize {
        let root = self.tree.root_node();
        if !root.has_error() {
            return 0;
        }
        let mut count = 0;
        let mut stack = vec![root];
        while let Some(node) = stack.pop() {
            if node.is_error() || node.is_missing() {
                count += 1;
            }
            if node.has_error() {
                let mut c = node.walk();
                stack.extend(node.children(&mut c));
            }
        }
        count
    }
}

/// A word of a command: its range in the script text, its raw text, and its value when it is static (no
/// expansion, no substitution): quotes removed and backslash escapes resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShellWord {
    pub range: Range<usize>,
    pub raw: String,
    pub value: Option<String>,
}

impl ShellWord {
    /// Whether the word is statically this string.
    pub fn is(&self, s: &str) -> bool {
        self.value.as_deref() == Some(s)
    }
}

/// How a command sits in the script.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Placement {
    /// Inside `( ... )`.
    pub in_subshell: bool,
    /// Inside `$( ... )` or backticks.
    pub in_substitution: bool,
    /// Inside a function body.
    pub in_function: bool,
    /// Part of a pipeline `a | b`.
    pub in_pipeline: bool,
    /// Inside `if`, `while`, `for`, `case` or `{ ... }`.
    pub in_compound: bool,
}

/// A simple command (`name args...`, possibly with leading `VAR=value` assignments).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    /// Range in the script text, redirections excluded.
    pub range: Range<usize>,
    pub assignments: Vec<ShellWord>,
    /// The command name followed by its arguments.
    pub words: Vec<ShellWord>,
    pub placement: Placement,
    /// For `export`, `declare`, `local`, `readonly`, `typeset`, `unset`: the builtin is `words[0]`.
    pub is_declaration: bool,
}

impl Command {
    pub fn name(&self) -> Option<&ShellWord> {
        self.words.first()
    }

    pub fn args(&self) -> &[ShellWord] {
        self.words.get(1..).unwrap_or(&[])
    }

    /// Whether two of its words touch: the parser split one shell word in two (see
    /// [`ShellScript::has_split_words`]).
    pub fn has_split_words(&self) -> bool {
        self.words.windows(2).any(|w| w[0].range.end == w[1].range.start)
    }

    /// The command after wrappers that run it unchanged for our purposes: `sudo` (with its options), `env`
    /// (with its assignments). Returns the index in `words` where the real command starts, at most the number of
    /// words (an option missing its value, as in `sudo -u`, cannot take the index past the end).
    pub fn unwrapped_start(&self) -> usize {
        let mut i = 0;
        loop {
            let Some(w) = self.words.get(i) else { return i.min(self.words.len()) };
            match w.value.as_deref() {
                Some("sudo") => {
                    i += 1;
                    while let Some(opt) = self.words.get(i).and_then(|w| w.value.as_deref()) {
                        if !opt.starts_with('-') {
                            break;
                        }
                        // options of sudo that take a value
                        let takes_value = matches!(opt, "-u" | "-g" | "-C" | "-D" | "-h" | "-p" | "-R" | "-T" | "-U");
                        i += if takes_value { 2 } else { 1 };
                    }
                }
                Some("env") => {
                    i += 1;
                    while let Some(v) = self.words.get(i).and_then(|w| w.value.as_deref()) {
                        if v.contains('=') || v == "-i" || v == "-" {
                            i += 1;
                        } else {
                            break;
                        }
                    }
                }
                _ => return i,
            }
        }
    }
}

/// How two pipelines of an and-or list are joined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AndOr {
    /// `&&`: the right side runs when the left side succeeded.
    And,
    /// `||`: the right side runs when the left side failed.
    Or,
}

/// What ends a top-level statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Terminator {
    /// `;`
    Semicolon,
    /// `&`: the statement runs in the background.
    Background,
    /// No token: another statement follows on a new line.
    Newline,
    /// The end of the script.
    End,
    /// Another token (such as `;;` outside `case`): the script is not a plain list.
    Other,
}

/// A top-level statement of a script: an and-or list of pipelines, and what ends it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    pub range: Range<usize>,
    /// The pipelines in order: simple commands, `a | b`, `! a`, subshells, groups, compound commands.
    pub pipelines: Vec<Range<usize>>,
    /// The operators between the pipelines (one fewer than `pipelines`).
    pub operators: Vec<AndOr>,
    pub terminator: Terminator,
}

/// A part of the shell's state that a command changes for the commands after it in the same shell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateKind {
    /// `cd`, `pushd`, `popd`.
    Directory,
    /// Assignments, `export`, `unset`, `declare`, `local`, `readonly`, `read`, `getopts`, `shift`, `for`
    /// variables, `${x:=y}`, arithmetic assignments.
    Variable,
    /// `set`, `shopt`, `hash`, `enable`.
    Option,
    /// `umask`, `ulimit`.
    Limit,
    /// `source` or `.`: whatever the file does.
    Source,
    /// `alias`, `unalias`.
    Alias,
    /// A function definition.
    Function,
    /// `trap`.
    Trap,
    /// `eval`, or a command whose name is not static: anything.
    Unknown,
}

/// A command or construct that changes the shell's state (outside subshells, command substitutions and pipelines,
/// whose changes end with them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateChange {
    pub range: Range<usize>,
    pub kind: StateKind,
}

/// A command that ends or replaces the shell, or leaves a process running behind the script.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlowKind {
    /// `exit`, `return`, `logout`.
    Exit,
    /// `exec`.
    Exec,
    /// `&` or `coproc`.
    Background,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlowChange {
    pub range: Range<usize>,
    pub kind: FlowKind,
}

impl ShellScript {
    pub fn parse(text: MappedText) -> ShellScript {
        let ahead = AHEAD.with(|ahead| {
            let mut ahead = ahead.borrow_mut();
            let i = ahead.iter().position(|(t, _)| t == text.as_str())?;
            ahead.remove(i).map(|(_, parsed)| parsed)
        });
        let parsed = ahead.unwrap_or_else(|| Arc::new(Parsed::new(text.as_str())));
        ShellScript { text, parsed }
    }

    /// Parse `text`, a script that this thread is about to parse again (the body a fix will make, checked before
    /// the fix is offered): the next [`ShellScript::parse`] of the same text in this thread takes this parse
    /// instead of parsing again. Only the last few such parses are kept, and [`ShellScript::forget_ahead`] drops
    /// them. Returns the number of ERROR and MISSING nodes.
    pub fn parse_ahead(text: String) -> usize {
        let parsed = Arc::new(Parsed::new(&text));
        let errors = parsed.error_count();
        AHEAD.with(|ahead| {
            let mut ahead = ahead.borrow_mut();
            if ahead.len() == AHEAD_LIMIT {
                ahead.pop_front();
            }
            ahead.push_back((text, parsed));
        });
        errors
    }

    /// Drop the parses [`ShellScript::parse_ahead`] keeps in this thread.
    pub fn forget_ahead() {
        AHEAD.with(|ahead| ahead.borrow_mut().clear());
    }

    /// This script's parse for `text`, which must be the same shell text at other file positions: the tree and
    /// the command list are shared, not recomputed.
    pub fn relocated(&self, text: MappedText) -> ShellScript {
        debug_assert_eq!(text.as_str(), self.text.as_str());
        ShellScript { text, parsed: Arc::clone(&self.parsed) }
    }

    pub fn text(&self) -> &MappedText {
        &self.text
    }

    pub fn source(&self) -> &str {
        self.text.as_str()
    }

    /// Whether `self` and `other` share one parse (see [`ShellScript::relocated`]).
    pub fn shares_parse_with(&self, other: &ShellScript) -> bool {
        Arc::ptr_eq(&self.parsed, &other.parsed)
    }

    pub fn tree(&self) -> &Tree {
        &self.parsed.tree
    }

    /// The file range of a range of the script text.
    pub fn file_range(&self, range: Range<usize>) -> Range<usize> {
        self.text.range_to_file(range)
    }

    /// Whether the parser split a shell word in two somewhere: two words of a command with nothing between them
    /// (tree-sitter-bash reads `x`uname`y` as `x` and `` `uname`y ``, and `scala-$V.rpm` in some URLs as
    /// `scala-$` and `V.rpm`), which the shell never does. The structure of the body is right, but the values of
    /// its words cannot be trusted.
    pub fn has_split_words(&self) -> bool {
        self.command_list().iter().any(Command::has_split_words)
    }

    /// ERROR and MISSING nodes in the bash tree.
    pub fn error_count(&self) -> usize {
        self.parsed.error_count()
    }

    /// All simple commands, in source order, with where they sit.
    pub fn commands(&self) -> Vec<Command> {
        self.command_list().to_vec()
    }

    /// [`ShellScript::commands`] without a copy.
    pub fn command_list(&self) -> &[Command] {
        &self.facts().commands
    }

    /// The top-level statements, in order. Comments are skipped (see [`ShellScript::has_comments`]).
    pub fn statements(&self) -> Vec<Statement> {
        let root = self.parsed.tree.root_node();
        let mut out: Vec<Statement> = Vec::new();
        let mut c = root.walk();
        for child in root.children(&mut c) {
            if kind(child) == "comment" {
                continue;
            }
            if child.is_named() {
                if let Some(last) = out.last_mut()
                    && last.terminator == Terminator::End
                {
                    last.terminator = Terminator::Newline;
                }
                let mut pipelines = Vec::new();
                let mut operators = Vec::new();
                and_or(child, &mut pipelines, &mut operators);
                out.push(Statement { range: child.byte_range(), pipelines, operators, terminator: Terminator::End });
            } else if let Some(last) = out.last_mut() {
                last.terminator = match kind(child) {
                    ";" => Terminator::Semicolon,
                    "&" => Terminator::Background,
                    _ => Terminator::Other,
                };
            }
        }
        out
    }

    /// Whether the script has a `#` comment (which runs to the end of the line, so text appended after the script
    /// on the same logical line would be commented out).
    pub fn has_comments(&self) -> bool {
        self.facts().has_comments
    }

    /// The commands and constructs that change the shell's state for what follows in the same shell.
    pub fn state_changes(&self) -> &[StateChange] {
        &self.facts().state_changes
    }

    /// Commands that end or replace the shell (`exit`, `return`, `exec`) and background jobs (`&`, `coproc`),
    /// anywhere in the script.
    pub fn flow_changes(&self) -> &[FlowChange] {
        &self.facts().flow_changes
    }

    /// Whether running the script may turn on `errexit` (`set -e`, `set -o errexit`) or set an ERR trap, which
    /// only act where the shell does not ignore them. Also true for anything that could run unknown commands in
    /// this shell: `eval`, `.`/`source`, a command whose name is not static.
    pub fn may_enable_errexit(&self) -> bool {
        self.command_list().iter().any(|cmd| {
            let Some(name) = builtin_name(cmd) else { return true };
            let args: Vec<Option<&str>> = cmd.words[cmd.words.iter().position(|w| w.is(&name)).map_or(1, |i| i + 1)..]
                .iter()
                .map(|w| w.value.as_deref())
                .collect();
            match name.as_str() {
                "eval" | "." | "source" => true,
                "set" => set_enables_errexit(&args),
                "shopt" => {
                    let o = args.iter().any(|a| a.is_none_or(|a| a.starts_with('-') && a.contains('o')));
                    o && args.iter().any(|a| a.is_none_or(|a| a == "errexit"))
                }
                "trap" => args.iter().any(|a| a.is_none_or(|a| a == "ERR" || a == "SIGERR")),
                _ => false,
            }
        })
    }

    /// Whether the script does the same whether the shell honours `errexit` or ignores it (as it does on the left
    /// of `&&`): a single and-or list joined by `&&` only, of simple commands and pipelines of simple commands
    /// (possibly negated or redirected), whose command substitutions are the same kind of list. On failure such a
    /// script stops at the failing command either way. Compound commands, subshells, functions, `eval` and sourced
    /// files could run commands after a failure, so they never count.
    pub fn is_errexit_neutral(&self) -> bool {
        self.neutral_list(self.parsed.tree.root_node())
    }

    fn neutral_list(&self, node: Node) -> bool {
        let mut statements = 0;
        let mut c = node.walk();
        for child in node.children(&mut c) {
            match kind(child) {
                "comment" | "$(" | ")" | "`" | ";" => {}
                _ if child.is_named() => {
                    statements += 1;
                    if statements > 1 || !self.neutral_and_or(child) {
                        return false;
                    }
                }
                _ => return false,
            }
        }
        true
    }

    fn neutral_and_or(&self, node: Node) -> bool {
        match kind(node) {
            "list" => {
                let mut c = node.walk();
                node.children(&mut c).all(|n| if n.is_named() { self.neutral_and_or(n) } else { kind(n) == "&&" })
            }
            _ => self.neutral_pipeline(node),
        }
    }

    fn neutral_pipeline(&self, node: Node) -> bool {
        let mut c = node.walk();
        let mut children = node.named_children(&mut c);
        match kind(node) {
            "command" => {
                let name = self.command(node, Placement::default()).and_then(|cmd| builtin_name(&cmd));
                matches!(name.as_deref(), Some(n) if !matches!(n, "eval" | "." | "source"))
                    && self.neutral_substitutions(node)
            }
            "variable_assignment"
            | "variable_assignments"
            | "declaration_command"
            | "unset_command"
            | "test_command" => self.neutral_substitutions(node),
            "pipeline" | "negated_command" => children.all(|n| self.neutral_pipeline(n)),
            "redirected_statement" => children.all(|n| match kind(n) {
                k if k.ends_with("redirect") => self.neutral_substitutions(n),
                _ => self.neutral_and_or(n),
            }),
            _ => false,
        }
    }

    fn neutral_substitutions(&self, node: Node) -> bool {
        let mut ok = true;
        visit(node, &mut |n| match kind(n) {
            "command_substitution" => {
                ok &= self.neutral_list(n);
                false
            }
            "process_substitution" | "subshell" | "compound_statement" | "function_definition" => {
                ok = false;
                false
            }
            _ => ok,
        });
        ok
    }

    /// Names of the commands the script runs by a `PATH` search in its own shell (not in subshells, command
    /// substitutions or pipelines): the shell remembers where it found them.
    pub fn hashed_commands(&self) -> Vec<String> {
        let outside: Vec<Range<usize>> = self.child_process_ranges();
        self.command_list()
            .iter()
            .filter(|cmd| !outside.iter().any(|r| r.start <= cmd.range.start && cmd.range.end <= r.end))
            .filter_map(|cmd| cmd.name().and_then(|w| w.value.clone()))
            .filter(|name| !name.contains('/') && !is_builtin(name))
            .collect()
    }

    /// Names of all commands the script runs, wherever they sit (statically known names only).
    pub fn command_names(&self) -> Vec<String> {
        self.command_list().iter().filter_map(|cmd| cmd.name().and_then(|w| w.value.clone())).collect()
    }

    fn child_process_ranges(&self) -> Vec<Range<usize>> {
        let mut out = Vec::new();
        visit(self.parsed.tree.root_node(), &mut |n| {
            let child = matches!(kind(n), "subshell" | "command_substitution" | "process_substitution" | "pipeline");
            if child {
                out.push(n.byte_range());
            }
            !child
        });
        out
    }

    /// The simple commands under `root` (named nodes only), in source order, with where they sit. One cursor walks
    /// the tree; `placements` holds the placement of each node on the path down to the cursor.
    /// The commands, state changes, flow changes and comments of the script, found in one walk over every node of
    /// the tree (each walk costs about as much as the others together).
    ///
    /// - Commands: simple commands and declarations, with where they sit; not inside declarations.
    /// - State changes: what changes the shell's state for what follows in the same shell. Subshells,
    ///   substitutions and pipelines run in a child process, so what they change ends with them and is not looked
    ///   at; nor are function bodies, which only define a function. A prefix assignment (`A=1 cmd`) lasts for one
    ///   command: only its expansions matter.
    /// - Flow changes: `exit`, `return`, `exec`, background jobs, anywhere.
    fn facts(&self) -> &Facts {
        self.parsed.facts.get_or_init(|| {
            let mut facts = Facts::default();
            let root = self.parsed.tree.root_node();
            let mut c = root.walk();
            // What holds for the children of each node on the path from the root to the cursor.
            let mut frames: Vec<Frame> = Vec::new();
            let mut frame = Frame { commands: true, state: StateWalk::On, placement: Placement::default() };
            // The root is visited as the child of a frame that looks at everything.
            loop {
                let node = c.node();
                let children = self.visit_node(node, &frame, &mut facts);
                if c.goto_first_child() {
                    frames.push(std::mem::replace(&mut frame, children));
                    continue;
                }
                while !c.goto_next_sibling() {
                    if !c.goto_parent() {
                        return facts;
                    }
                    frame = frames.pop().expect("one frame per level below the root");
                }
            }
        })
    }

    /// Record what `node` is for each fact, given what holds for it (`at`); returns what holds for its children.
    fn visit_node(&self, node: Node, at: &Frame, facts: &mut Facts) -> Frame {
        let kind = kind(node);
        let named = node.is_named();
        let mut children = Frame { commands: at.commands && named, state: StateWalk::Off, placement: at.placement };

        // Comments and flow changes: every node.
        facts.has_comments |= kind == "comment";
        let command = (kind == "command").then(|| self.command(node, at.placement)).flatten();
        let flow = match kind {
            "&" => Some(FlowKind::Background),
            "command" => command.as_ref().and_then(|cmd| match builtin_name(cmd)?.as_str() {
                "exit" | "return" | "logout" => Some(FlowKind::Exit),
                "exec" => Some(FlowKind::Exec),
                "coproc" => Some(FlowKind::Background),
                _ => None,
            }),
            _ => None,
        };
        if let Some(kind) = flow {
            facts.flow_changes.push(FlowChange { range: node.byte_range(), kind });
        }

        // State changes: named nodes, outside what runs in a child process.
        let mut push = |kind| facts.state_changes.push(StateChange { range: node.byte_range(), kind });
        match at.state {
            StateWalk::Off => {}
            _ if !named => {}
            StateWalk::InCommand if kind == "variable_assignment" => children.state = StateWalk::On,
            StateWalk::On | StateWalk::InCommand => {
                children.state = StateWalk::On;
                match kind {
                    "subshell" | "command_substitution" | "process_substitution" | "pipeline" => {
                        children.state = StateWalk::Off
                    }
                    "function_definition" => {
                        push(StateKind::Function);
                        children.state = StateWalk::Off;
                    }
                    "declaration_command" | "unset_command" | "variable_assignment" | "variable_assignments" => {
                        push(StateKind::Variable)
                    }
                    "for_statement" | "c_style_for_statement" | "select_statement" => push(StateKind::Variable),
                    "expansion" if has_token(node, &["=", ":="]) => push(StateKind::Variable),
                    "arithmetic_expansion" if arithmetic_assigns(node) => push(StateKind::Variable),
                    "compound_statement" if has_token(node, &["(("]) && arithmetic_assigns(node) => {
                        push(StateKind::Variable)
                    }
                    "command" => {
                        if let Some(kind) = command.as_ref().and_then(command_state) {
                            push(kind);
                        }
                        children.state = StateWalk::InCommand;
                    }
                    _ => {}
                }
            }
        }

        // Commands: named nodes, not inside declarations.
        if at.commands && named {
            match kind {
                "command" => facts.commands.extend(command),
                "declaration_command" | "unset_command" => {
                    let words = self.child_words(node);
                    facts.commands.push(Command {
                        range: node.byte_range(),
                        assignments: Vec::new(),
                        words,
                        placement: at.placement,
                        is_declaration: true,
                    });
                    children.commands = false;
                }
                "subshell" => children.placement.in_subshell = true,
                "command_substitution" | "process_substitution" => children.placement.in_substitution = true,
                "function_definition" => children.placement.in_function = true,
                "pipeline" => children.placement.in_pipeline = true,
                "if_statement"
                | "while_statement"
                | "for_statement"
                | "c_style_for_statement"
                | "case_statement"
                | "compound_statement" => children.placement.in_compound = true,
                _ => {}
            }
        }
        children
    }

    fn command(&self, node: Node, placement: Placement) -> Option<Command> {
        let mut assignments = Vec::new();
        let mut words = Vec::new();
        let mut c = node.walk();
        if c.goto_first_child() {
            loop {
                let child = c.node();
                match (c.field_name(), kind(child)) {
                    (Some("name"), _) => words.push(self.word(child)),
                    (Some("argument"), _) => words.push(self.word(child)),
                    (_, "variable_assignment") if words.is_empty() => assignments.push(self.word(child)),
                    _ => {}
                }
                if !c.goto_next_sibling() {
                    break;
                }
            }
        }
        let end = words.last().map(|w| w.range.end).or(assignments.last().map(|a| a.range.end))?;
        Some(Command { range: node.start_byte()..end, assignments, words, placement, is_declaration: false })
    }

    fn child_words(&self, node: Node) -> Vec<ShellWord> {
        let mut c = node.walk();
        let mut words = Vec::new();
        for child in node.children(&mut c) {
            if kind(child).ends_with("redirect") {
                continue;
            }
            let mut word = self.word(child);
            // The keyword itself (`export`, `local`, `unset`...).
            if !child.is_named() {
                word.value = Some(word.raw.clone());
            }
            words.push(word);
        }
        words
    }

    fn word(&self, node: Node) -> ShellWord {
        let raw = self.source()[node.byte_range()].to_string();
        ShellWord { range: node.byte_range(), value: static_value(node, self.source()), raw }
    }
}

/// Visit `node` and its descendants (named or not) depth first; `f` returns whether to descend into a node.
fn visit<'t>(node: Node<'t>, f: &mut impl FnMut(Node<'t>) -> bool) {
    // One cursor for the whole walk: a cursor per node costs an allocation each.
    let mut c = node.walk();
    loop {
        if f(c.node()) && c.goto_first_child() {
            continue;
        }
        // The cursor cannot leave `node`: at it, both moves fail.
        while !c.goto_next_sibling() {
            if !c.goto_parent() {
                return;
            }
        }
    }
}

/// Flatten an and-or list (`list` nodes are left-associative) into its pipelines and operators. Iterative: a chain
/// of thousands of `&&` nests as deep, which a recursion would need as many stack frames for.
fn and_or(node: Node, pipelines: &mut Vec<Range<usize>>, operators: &mut Vec<AndOr>) {
    enum Work<'t> {
        Node(Node<'t>),
        Operator(AndOr),
        /// Extend the last pipeline to this byte.
        ExtendLast(usize),
    }
    let mut stack = vec![Work::Node(node)];
    while let Some(work) = stack.pop() {
        let node = match work {
            Work::Node(node) => node,
            Work::Operator(op) => {
                operators.push(op);
                continue;
            }
            Work::ExtendLast(end) => {
                if let Some(last) = pipelines.last_mut() {
                    last.end = end;
                }
                continue;
            }
        };
        match kind(node) {
            "list" => {
                let mut c = node.walk();
                let children: Vec<Node> = node.children(&mut c).collect();
                // Pushed in reverse, so that they are taken in order.
                for child in children.into_iter().rev() {
                    match kind(child) {
                        "&&" => stack.push(Work::Operator(AndOr::And)),
                        "||" => stack.push(Work::Operator(AndOr::Or)),
                        _ if child.is_named() => stack.push(Work::Node(child)),
                        _ => {}
                    }
                }
            }
            // tree-sitter-bash hangs a redirection of the last pipeline (`a && b 2>&1`) on the whole list; the
            // shell gives it to the last pipeline.
            "redirected_statement" if node.child_by_field_name("body").is_some_and(|b| kind(b) == "list") => {
                let body = node.child_by_field_name("body").expect("checked");
                stack.push(Work::ExtendLast(node.end_byte()));
                stack.push(Work::Node(body));
            }
            _ => pipelines.push(node.byte_range()),
        }
    }
}

/// Whether `node` has a direct child token of one of these kinds.
fn has_token(node: Node, kinds: &[&str]) -> bool {
    let mut c = node.walk();
    node.children(&mut c).any(|n| !n.is_named() && kinds.contains(&kind(n)))
}

/// Whether an arithmetic expression assigns a variable (`x = 1`, `x += 1`, `i++`, `--i`).
fn arithmetic_assigns(node: Node) -> bool {
    const ASSIGN: &[&str] = &["=", "+=", "-=", "*=", "/=", "%=", "<<=", ">>=", "&=", "^=", "|=", "++", "--", "**="];
    let mut found = false;
    visit(node, &mut |n| {
        found |= !n.is_named() && ASSIGN.contains(&kind(n));
        !found
    });
    found
}

/// The name of the builtin or command `cmd` runs, looking through `command` and `builtin` (`None` when not
/// static).
fn builtin_name(cmd: &Command) -> Option<String> {
    let mut words = cmd.words.iter();
    loop {
        let name = words.next()?.value.clone()?;
        if name != "command" && name != "builtin" {
            return Some(name);
        }
        // `command -p cd`: skip options.
        let mut rest = words.clone().peekable();
        while rest.peek().is_some_and(|w| w.raw.starts_with('-')) {
            rest.next();
            words.next();
        }
        if rest.peek().is_none() {
            return Some(name);
        }
    }
}

/// What a simple command changes in the shell's state.
fn command_state(cmd: &Command) -> Option<StateKind> {
    let Some(name) = builtin_name(cmd) else {
        return Some(StateKind::Unknown);
    };
    let args: Vec<&str> = cmd.words.iter().skip(1).filter_map(|w| w.value.as_deref()).collect();
    let kind = match name.as_str() {
        "cd" | "pushd" | "popd" | "chdir" => StateKind::Directory,
        "export" | "readonly" | "declare" | "typeset" | "local" | "unset" | "read" | "readarray" | "mapfile"
        | "getopts" | "let" | "shift" => StateKind::Variable,
        "printf" if args.contains(&"-v") => StateKind::Variable,
        "set" | "shopt" | "setopt" | "unsetopt" | "emulate" | "enable" | "hash" => StateKind::Option,
        "umask" | "ulimit" => StateKind::Limit,
        "source" | "." => StateKind::Source,
        "alias" | "unalias" => StateKind::Alias,
        "trap" => StateKind::Trap,
        "eval" => StateKind::Unknown,
        // Assignments before a special builtin stay in the shell (POSIX).
        ":" | "break" | "continue" | "times" if !cmd.assignments.is_empty() => StateKind::Variable,
        _ => return None,
    };
    Some(kind)
}

/// Whether `set` with these arguments (`None`: not static) may turn `errexit` on.
fn set_enables_errexit(args: &[Option<&str>]) -> bool {
    let mut i = 0;
    while i < args.len() {
        let Some(arg) = args[i] else { return true };
        if arg == "--" || arg == "-" {
            return false;
        }
        let (on, flags) = match (arg.strip_prefix('-'), arg.strip_prefix('+')) {
            (Some(flags), _) => (true, flags),
            (_, Some(flags)) => (false, flags),
            // The positional parameters start here.
            _ => return false,
        };
        if on && flags.contains('e') {
            return true;
        }
        if flags.ends_with('o') {
            i += 1;
            if on && args.get(i).is_some_and(|a| a.is_none_or(|a| a == "errexit")) {
                return true;
            }
        }
        i += 1;
    }
    false
}

/// Shell builtins and keywords: the shell does not look them up in `PATH`.
fn is_builtin(name: &str) -> bool {
    matches!(
        name,
        "." | ":"
            | "["
            | "alias"
            | "bg"
            | "break"
            | "builtin"
            | "cd"
            | "command"
            | "continue"
            | "declare"
            | "echo"
            | "eval"
            | "exec"
            | "exit"
            | "export"
            | "false"
            | "fg"
            | "getopts"
            | "hash"
            | "jobs"
            | "kill"
            | "let"
            | "local"
            | "popd"
            | "printf"
            | "pushd"
            | "pwd"
            | "read"
            | "readonly"
            | "return"
            | "set"
            | "shift"
            | "shopt"
            | "source"
            | "test"
            | "times"
            | "trap"
            | "true"
            | "type"
            | "typeset"
            | "ulimit"
            | "umask"
            | "unalias"
            | "unset"
            | "wait"
    )
}

/// The value of a word without expansions, or `None` when it has any.
fn static_value(node: Node, src: &str) -> Option<String> {
    let text = &src[node.byte_range()];
    match kind(node) {
        "word" | "number" | "command_name" | "variable_name" => {
            if node.named_child_count() > 0 && kind(node) == "command_name" {
                return static_value(node.named_child(0)?, src);
            }
            Some(unescape(text))
        }
        "raw_string" => Some(text.trim_start_matches('\'').trim_end_matches('\'').to_string()),
        "string" => {
            let mut c = node.walk();
            if node.named_children(&mut c).any(|n| kind(n) != "string_content") {
                return None;
            }
            let inner = text.strip_prefix('"')?.strip_suffix('"')?;
            Some(unescape_double(inner))
        }
        "concatenation" => {
            let mut c = node.walk();
            let mut out = String::new();
            for part in node.children(&mut c) {
                out.push_str(&static_value(part, src)?);
            }
            Some(out)
        }
        "variable_assignment" => Some(text.to_string()),
        _ => None,
    }
}

fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(n) = chars.next() {
                out.push(n);
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn unescape_double(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' && matches!(chars.peek(), Some('"' | '\\' | '$' | '`')) {
            out.push(chars.next().expect("peeked"));
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn script(s: &str) -> ShellScript {
        ShellScript::parse(MappedText::from_ranges(s, std::iter::once(0..s.len())))
    }

    #[test]
    fn commands_with_words_and_placement() {
        let s = script("DEBIAN_FRONTEND=noninteractive sudo apt install -y 'curl' \"git\" && (cd /x; make) | tee log");
        let cmds = s.commands();
        assert_eq!(cmds.len(), 4);
        let apt = &cmds[0];
        assert_eq!(apt.assignments.len(), 1);
        let values: Vec<_> = apt.words.iter().map(|w| w.value.clone().unwrap()).collect();
        assert_eq!(values, ["sudo", "apt", "install", "-y", "curl", "git"]);
        assert_eq!(apt.unwrapped_start(), 1);
        assert!(cmds[1].placement.in_subshell && cmds[1].placement.in_pipeline);
        assert!(cmds[3].placement.in_pipeline && !cmds[3].placement.in_subshell);
        assert_eq!(s.error_count(), 0);
    }

    #[test]
    fn kinds_from_the_table_are_the_node_kinds() {
        let s = script("a=1 b && { c | d; } || (e) 2>/dev/null; f() { g \"$(h '$x')\"; }; case $y in z) ;; esac &");
        let mut seen = 0;
        visit(s.tree().root_node(), &mut |n| {
            assert_eq!(kind(n), n.kind());
            seen += 1;
            true
        });
        assert!(seen > 50, "{seen}");
    }

    #[test]
    fn words_the_parser_splits_are_detected() {
        assert!(script("echo x`uname`y").has_split_words());
        assert!(script("rpm -i http://example.com/scala/$V/scala-$V.rpm").has_split_words());
        assert!(!script("echo x$(uname)y \"a\"'b'c && ls -l").has_split_words());
        assert_eq!(script("echo x`uname`y").error_count(), 0, "the tree itself has no error");
    }

    #[test]
    fn unwrapping_stops_at_the_last_word() {
        let start = |src: &str| script(src).commands()[0].unwrapped_start();
        assert_eq!(start("sudo -u bob apt-get update"), 3);
        assert_eq!(start("sudo -p"), 2);
        assert_eq!(start("sudo -E -u"), 3);
        assert_eq!(start("env A=1"), 2);
    }

    #[test]
    fn dynamic_words_have_no_value() {
        let s = script("apt-get install $PKGS \"a$B\" c");
        let w = &s.commands()[0].words;
        assert_eq!(w[2].value, None);
        assert_eq!(w[3].value, None);
        assert!(w[4].is("c"));
        assert!(script("echo 'unterminated").error_count() > 0);
    }
    #[test]
    fn top_level_statements_and_operators() {
        let s = script("a; b && c || d & e\nf");
        let st = s.statements();
        assert_eq!(st.len(), 4);
        assert_eq!(st[0].terminator, Terminator::Semicolon);
        assert_eq!(st[1].operators, [AndOr::And, AndOr::Or]);
        assert_eq!(st[1].pipelines.len(), 3);
        assert_eq!(&s.source()[st[1].pipelines[2].clone()], "d");
        assert_eq!(st[1].terminator, Terminator::Background);
        assert_eq!(st[2].terminator, Terminator::Newline);
        assert_eq!(st[3].terminator, Terminator::End);
        let one = script("(cd x && make) | tee log && ! false 2>&1;");
        let st = one.statements();
        assert_eq!(st.len(), 1);
        assert_eq!(st[0].operators, [AndOr::And]);
        assert_eq!(&one.source()[st[0].pipelines[1].clone()], "! false 2>&1");
        assert_eq!(st[0].terminator, Terminator::Semicolon);
        assert!(script("a # note").has_comments());
        assert!(!script("echo a#b ${#x}").has_comments());
    }

    #[test]
    fn state_changes_outside_child_processes() {
        let kinds = |s: &str| script(s).state_changes().iter().map(|c| c.kind).collect::<Vec<_>>();
        use StateKind::*;
        assert_eq!(kinds("cd /x && make"), [Directory]);
        assert_eq!(kinds("export A=1"), [Variable, Variable]);
        assert_eq!(kinds("A=1"), [Variable]);
        assert_eq!(kinds("A=1 make && B=2 true"), []);
        assert_eq!(kinds("A=1 :"), [Variable]);
        assert_eq!(kinds("set -e; umask 022; ulimit -n 1"), [Option, Limit, Limit]);
        assert_eq!(kinds(". /etc/os-release && source x"), [Source, Source]);
        assert_eq!(kinds("alias l=ls; f() { cd /; }; trap 'rm x' EXIT"), [Alias, Function, Trap]);
        assert_eq!(kinds("$CMD x; eval \"$y\"; command cd /"), [Unknown, Unknown, Directory]);
        assert_eq!(kinds("echo ${A:=1} ${B:-2} $((i+=1)) $((j+1))"), [Variable, Variable]);
        assert_eq!(kinds("for f in a; do :; done; while read l; do :; done < f"), [Variable, Variable]);
        assert_eq!(kinds("(cd /x; export A=1) && echo $(cd y) | cd z && x=$(A=1)"), [Variable]);
        assert_eq!(kinds("if true; then cd /; fi"), [Directory]);
        assert_eq!(kinds("echo a && mkdir -p b && touch c"), []);
    }

    #[test]
    fn flow_changes_anywhere() {
        let kinds = |s: &str| script(s).flow_changes().iter().map(|c| c.kind).collect::<Vec<_>>();
        use FlowKind::*;
        assert_eq!(kinds("test -f x || exit 1"), [Exit]);
        assert_eq!(kinds("exec nginx"), [Exec]);
        assert_eq!(kinds("(sleep 1 &) && coproc x"), [Background, Background]);
        assert_eq!(kinds("if x; then return; fi; command exit"), [Exit, Exit]);
        assert_eq!(kinds("find . -exec rm {} + && a &>/dev/null && b && c |& d"), []);
    }

    #[test]
    fn errexit() {
        let enables = |s: &str| script(s).may_enable_errexit();
        assert!(enables("set -e"));
        assert!(enables("set -eux && a"));
        assert!(enables("set -o errexit"));
        assert!(enables("set -xo errexit"));
        assert!(enables("set +x -e"));
        assert!(enables("set $OPTS"));
        assert!(enables("(set -e; a)"));
        assert!(enables("trap 'echo failed' ERR"));
        assert!(enables("shopt -so errexit"));
        assert!(enables(". ./env.sh"));
        assert!(enables("$RUN x"));
        assert!(!enables("set -x; set -o pipefail; set +e; set -- -e; set +o errexit"));
        assert!(!enables("trap 'x' EXIT && echo -e x"));
        assert!(!enables("export A=\"$(echo b)\"; local c; unset d; readonly e"));

        let neutral = |s: &str| script(s).is_errexit_neutral();
        assert!(neutral("a && b | c && ! d > log 2>&1 && X=$(e && f) && export Y=1"));
        assert!(neutral("a;"));
        assert!(!neutral("a; b"));
        assert!(!neutral("a || b"));
        assert!(!neutral("(a; b)"));
        assert!(!neutral("a && { b; c; }"));
        assert!(!neutral("if a; then b; fi"));
        assert!(!neutral("echo $(a; b)"));
        assert!(!neutral(". x && a"));
        assert!(!neutral("$A && b"));
    }

    #[test]
    fn hashed_and_all_command_names() {
        let s = script("pip install -U pip && (npm i) && /usr/bin/env x && cd / && echo $(git rev-parse) | tee f");
        assert_eq!(s.hashed_commands(), ["pip"]);
        assert_eq!(s.command_names(), ["pip", "npm", "/usr/bin/env", "cd", "echo", "git", "tee"]);
    }
}
