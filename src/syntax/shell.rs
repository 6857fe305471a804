//! Shell bodies of RUN, CMD and ENTRYPOINT, parsed with tree-sitter-bash.
//!
//! The text handed to bash is what the builder's shell receives: the instruction's logical arguments, with line
//! continuations removed and comment lines inside continuations dropped ([`MappedText`]). Every position found in
//! the bash tree is relative to that text; [`ShellScript::file_range`] turns it into a range of the Dockerfile.

use std::cell::RefCell;
use std::ops::Range;

use tree_sitter::{Node, Parser, Tree};

use super::mapped::MappedText;

thread_local! {
    static BASH: RefCell<Parser> = RefCell::new({
        let mut parser = Parser::new();
        parser.set_language(&tree_sitter_bash::LANGUAGE.into()).expect("the bash grammar loads");
        parser
    });
}

pub struct ShellScript {
    text: MappedText,
    tree: Tree,
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

    /// The command after wrappers that run it unchanged for our purposes: `sudo` (with its options), `env`
    /// (with its assignments). Returns the index in `words` where the real command starts.
    pub fn unwrapped_start(&self) -> usize {
        let mut i = 0;
        loop {
            let Some(w) = self.words.get(i) else { return i };
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

impl ShellScript {
    pub fn parse(text: MappedText) -> ShellScript {
        let tree = BASH
            .with(|p| p.borrow_mut().parse(text.as_str(), None))
            .expect("parsing without a timeout or cancellation flag always returns a tree");
        ShellScript { text, tree }
    }

    pub fn text(&self) -> &MappedText {
        &self.text
    }

    pub fn source(&self) -> &str {
        self.text.as_str()
    }

    pub fn tree(&self) -> &Tree {
        &self.tree
    }

    /// The file range of a range of the script text.
    pub fn file_range(&self, range: Range<usize>) -> Range<usize> {
        self.text.range_to_file(range)
    }

    /// ERROR and MISSING nodes in the bash tree.
    pub fn error_count(&self) -> usize {
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

    /// All simple commands, in source order, with where they sit.
    pub fn commands(&self) -> Vec<Command> {
        let mut out = Vec::new();
        self.collect(self.tree.root_node(), Placement::default(), &mut out);
        out
    }

    fn collect(&self, node: Node, placement: Placement, out: &mut Vec<Command>) {
        match node.kind() {
            "command" => {
                if let Some(cmd) = self.command(node, placement) {
                    out.push(cmd);
                }
            }
            "declaration_command" | "unset_command" => {
                let words = self.child_words(node);
                out.push(Command {
                    range: node.byte_range(),
                    assignments: Vec::new(),
                    words,
                    placement,
                    is_declaration: true,
                });
                return;
            }
            _ => {}
        }
        let mut inner = placement;
        match node.kind() {
            "subshell" => inner.in_subshell = true,
            "command_substitution" | "process_substitution" => inner.in_substitution = true,
            "function_definition" => inner.in_function = true,
            "pipeline" => inner.in_pipeline = true,
            "if_statement"
            | "while_statement"
            | "for_statement"
            | "c_style_for_statement"
            | "case_statement"
            | "compound_statement" => inner.in_compound = true,
            _ => {}
        }
        let mut c = node.walk();
        for child in node.named_children(&mut c) {
            self.collect(child, inner, out);
        }
    }

    fn command(&self, node: Node, placement: Placement) -> Option<Command> {
        let mut assignments = Vec::new();
        let mut words = Vec::new();
        let mut c = node.walk();
        if c.goto_first_child() {
            loop {
                let child = c.node();
                match (c.field_name(), child.kind()) {
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
            if child.kind().ends_with("redirect") {
                continue;
            }
            words.push(self.word(child));
        }
        words
    }

    fn word(&self, node: Node) -> ShellWord {
        let raw = self.source()[node.byte_range()].to_string();
        ShellWord { range: node.byte_range(), value: static_value(node, self.source()), raw }
    }
}

/// The value of a word without expansions, or `None` when it has any.
fn static_value(node: Node, src: &str) -> Option<String> {
    let text = &src[node.byte_range()];
    match node.kind() {
        "word" | "number" | "command_name" | "variable_name" => {
            if node.named_child_count() > 0 && node.kind() == "command_name" {
                return static_value(node.named_child(0)?, src);
            }
            Some(unescape(text))
        }
        "raw_string" => Some(text.trim_start_matches('\'').trim_end_matches('\'').to_string()),
        "string" => {
            let mut c = node.walk();
            if node.named_children(&mut c).any(|n| n.kind() != "string_content") {
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
    fn dynamic_words_have_no_value() {
        let s = script("apt-get install $PKGS \"a$B\" c");
        let w = &s.commands()[0].words;
        assert_eq!(w[2].value, None);
        assert_eq!(w[3].value, None);
        assert!(w[4].is("c"));
        assert!(script("echo 'unterminated").error_count() > 0);
    }
}
