//! The grammar's corpus (`test/corpus/*.txt`, in tree-sitter's test format) run under `cargo test`, so that it
//! runs without the tree-sitter CLI; what that format cannot hold (CRLF line endings, lone CRs); and invariants
//! of the tree, checked on the corpus and on many generated inputs.
//!
//! The corpus format is the CLI's: a header of `=` lines around the case name (and attributes such as `:error`),
//! the input, a `---` line, and the expected tree as an S-expression. Trees are compared the way `tree-sitter test`
//! compares them: whitespace is normalised, `;` comment lines are dropped, and field names are compared only when
//! the expected tree has some. `tree-sitter test --update --show-fields` writes the expected trees.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use tree_sitter::{InputEdit, Node, Parser, Point, Tree};

fn parser() -> Parser {
    let mut parser = Parser::new();
    parser.set_language(&tree_sitter_dockerfile::LANGUAGE.into()).expect("load the Dockerfile grammar");
    parser
}

fn parse(parser: &mut Parser, src: &str) -> Tree {
    parser.parse(src, None).expect("parse")
}

// ---------------------------------------------------------------------------------------------------------------
// The corpus format

#[derive(Debug)]
struct Case {
    file: String,
    /// 1-based line of the case's header.
    line: usize,
    name: String,
    input: String,
    expected: String,
    error: bool,
    skip: bool,
    unsupported: Option<String>,
}

/// `Some((length, suffix))` for a line made of at least three `c` followed by an optional suffix.
fn delimiter(line: &str, c: char) -> Option<(usize, &str)> {
    let len = line.len() - line.trim_start_matches(c).len();
    (len >= 3).then(|| (len, line[len..].trim_end_matches(['\r', '\n'])))
}

fn suffix_matches(first: Option<&str>, suffix: &str) -> bool {
    match first {
        None => suffix.is_empty(),
        Some(first) => first == suffix,
    }
}

struct Header {
    line: usize,
    name: String,
    error: bool,
    skip: bool,
    unsupported: Option<String>,
    body_start: usize,
}

fn parse_header(lines: &[&str], first_suffix: Option<&str>, start: usize) -> Option<Header> {
    let (_, suffix) = delimiter(lines[start], '=')?;
    if !suffix_matches(first_suffix, suffix) {
        return None;
    }
    let mut name = String::new();
    let (mut error, mut skip, mut marker, mut unsupported) = (false, false, false, None);
    let mut i = start + 1;
    while i < lines.len() {
        if delimiter(lines[i], '=').is_some_and(|(_, s)| suffix_matches(first_suffix, s)) {
            break;
        }
        let trimmed = lines[i].trim();
        match trimmed.split('(').next().unwrap_or("") {
            ":error" => (marker, error) = (true, true),
            ":skip" => (marker, skip) = (true, true),
            ":fail-fast" | ":language" => marker = true,
            ":platform" => {
                marker = true;
                let os = trimmed.trim_start_matches(":platform(").trim_end_matches(')').trim();
                skip |= os != std::env::consts::OS;
            }
            ":cst" => (marker, unsupported) = (true, Some("the `:cst` attribute".to_string())),
            _ if !marker => name.push_str(lines[i]),
            _ => {}
        }
        i += 1;
    }
    (i < lines.len()).then(|| Header {
        line: start + 1,
        name: name.trim().to_string(),
        error,
        skip,
        unsupported,
        body_start: i + 1,
    })
}

fn parse_corpus(file: &str, content: &str) -> Vec<Case> {
    let lines: Vec<&str> = content.split_inclusive('\n').collect();
    let first_suffix = lines.iter().find_map(|l| delimiter(l, '=').map(|(_, s)| s).filter(|s| !s.is_empty()));
    let mut headers = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        match parse_header(&lines, first_suffix, i) {
            Some(h) => {
                i = h.body_start;
                headers.push((h, i));
            }
            None => i += 1,
        }
    }
    let mut cases = Vec::new();
    for (n, (header, body_start)) in headers.iter().enumerate() {
        // The body runs up to the next header's opening line.
        let body_end = headers.get(n + 1).map_or(lines.len(), |(next, _)| next.line - 1);
        let body = &lines[*body_start..body_end];
        // The divider is the longest `---` line (so that inputs may hold shorter ones).
        let divider = body
            .iter()
            .enumerate()
            .filter_map(|(j, l)| {
                delimiter(l, '-').filter(|(_, s)| suffix_matches(first_suffix, s)).map(|(len, s)| (len + s.len(), j))
            })
            .max_by_key(|&(len, j)| (len, std::cmp::Reverse(j)))
            .map(|(_, j)| j);
        let Some(divider) = divider else {
            panic!("{file}:{}: case {:?} has no `---` divider", header.line, header.name);
        };
        let mut input: String = body[..divider].concat();
        if input.ends_with('\n') {
            input.pop();
        }
        if input.ends_with('\r') {
            input.pop();
        }
        cases.push(Case {
            file: file.to_string(),
            line: header.line,
            name: header.name.clone(),
            input,
            expected: body[divider + 1..].concat(),
            error: header.error,
            skip: header.skip,
            unsupported: header.unsupported.clone(),
        });
    }
    cases
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("test").join("corpus")
}

fn read_corpus() -> Vec<Case> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus_dir())
        .expect("read test/corpus")
        .map(|e| e.expect("read test/corpus").path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    let mut cases = Vec::new();
    for path in files {
        let content = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let name = format!("test/corpus/{}", path.file_name().unwrap().to_string_lossy());
        cases.extend(parse_corpus(&name, &content));
    }
    cases
}

// ---------------------------------------------------------------------------------------------------------------
// S-expressions

/// The CLI's normalisation of an expected tree: drop `;` comment lines, collapse whitespace, no blank before `)`.
fn normalize_sexp(raw: &str) -> String {
    let mut out = String::new();
    for line in raw.lines().filter(|l| !l.trim_start().starts_with(';')) {
        for c in line.chars() {
            if c.is_whitespace() {
                if !out.is_empty() && !out.ends_with(' ') {
                    out.push(' ');
                }
            } else {
                if c == ')' && out.ends_with(' ') {
                    out.pop();
                }
                out.push(c);
            }
        }
        if !out.is_empty() && !out.ends_with(' ') {
            out.push(' ');
        }
    }
    out.trim_end().to_string()
}

/// Remove field names (` name: (` becomes ` (`), as the CLI does when the expected tree has none.
fn strip_fields(sexp: &str) -> String {
    let mut out = String::new();
    for (i, word) in sexp.split(' ').enumerate() {
        let is_field = word.len() > 1
            && word.ends_with(':')
            && word[..word.len() - 1].bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        if is_field {
            continue;
        }
        if i > 0 && !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

fn sexp_tokens(sexp: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    let mut chars = sexp.chars().peekable();
    while let Some(&c) = chars.peek() {
        match c {
            '(' | ')' => {
                tokens.push(c.to_string());
                chars.next();
            }
            c if c.is_whitespace() => {
                chars.next();
            }
            '"' => {
                let mut s = String::new();
                s.push(c);
                chars.next();
                while let Some(c) = chars.next() {
                    s.push(c);
                    if c == '\\' {
                        s.extend(chars.next());
                    } else if c == '"' {
                        break;
                    }
                }
                tokens.push(s);
            }
            _ => {
                let mut s = String::new();
                while let Some(&c) = chars.peek() {
                    if c == '(' || c == ')' || c.is_whitespace() {
                        break;
                    }
                    s.push(c);
                    chars.next();
                }
                tokens.push(s);
            }
        }
    }
    tokens
}

/// One node per line, indented, with its field name: the layout `tree-sitter test --update` writes.
fn pretty_sexp(sexp: &str) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    let mut after_field = false;
    let mut after_open = false;
    for token in sexp_tokens(sexp) {
        match token.as_str() {
            "(" => {
                if !after_field {
                    if !out.is_empty() {
                        out.push('\n');
                    }
                    out.push_str(&"  ".repeat(depth));
                }
                out.push('(');
                depth += 1;
                after_field = false;
                after_open = true;
            }
            ")" => {
                out.push(')');
                depth = depth.saturating_sub(1);
                after_open = false;
            }
            t if t.ends_with(':') && !t.starts_with('"') => {
                if !out.is_empty() {
                    out.push('\n');
                }
                out.push_str(&"  ".repeat(depth));
                out.push_str(t);
                out.push(' ');
                after_field = true;
            }
            t => {
                if !after_open {
                    out.push(' ');
                }
                out.push_str(t);
                after_open = false;
            }
        }
    }
    out
}

/// A line diff (longest common subsequence), `-` for expected lines, `+` for actual ones.
fn line_diff(expected: &str, actual: &str) -> String {
    let a: Vec<&str> = expected.lines().collect();
    let b: Vec<&str> = actual.lines().collect();
    let mut lcs = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] { lcs[i + 1][j + 1] + 1 } else { lcs[i + 1][j].max(lcs[i][j + 1]) };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, String::new());
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            let _ = writeln!(out, "    {}", a[i]);
            i += 1;
            j += 1;
        } else if j < b.len() && (i == a.len() || lcs[i][j + 1] >= lcs[i + 1][j]) {
            let _ = writeln!(out, "  + {}", b[j]);
            j += 1;
        } else {
            let _ = writeln!(out, "  - {}", a[i]);
            i += 1;
        }
    }
    out
}

fn show_input(input: &str) -> String {
    let mut out = String::new();
    for line in input.split('\n') {
        let _ = writeln!(out, "  | {}", line.replace('\r', "\\r").replace('\t', "\\t"));
    }
    out
}

// ---------------------------------------------------------------------------------------------------------------
// Invariants

/// White space that may lie outside every token: Go's `unicode.IsSpace` for the characters of a line, line ends,
/// and a byte order mark at the start of the file.
fn is_white(c: char, at: usize) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\u{0b}' | '\u{0c}' | '\u{85}' | '\u{a0}') || (c == '\u{feff}' && at == 0)
}

fn line_of(src: &str, byte: usize) -> usize {
    src[..byte].matches('\n').count() + 1
}

/// Checks that hold for every input: the tree covers the input, nodes nest, tokens do not overlap and are not
/// empty (unless missing), and every byte that is not white space belongs to a named token (comments and parser
/// directives are tokens too).
fn check_invariants(src: &str, tree: &Tree) -> Result<(), String> {
    let root = tree.root_node();
    if root.end_byte() > src.len() || root.start_byte() > root.end_byte() {
        return Err(format!("the root spans {:?} in an input of {} bytes", root.byte_range(), src.len()));
    }
    for (i, c) in src.char_indices() {
        if (i < root.start_byte() || i >= root.end_byte()) && !is_white(c, i) {
            return Err(format!("{c:?} at byte {i} (line {}) is outside the tree", line_of(src, i)));
        }
    }
    // Leaves in document order, each with whether it may be empty: the body of a heredoc that the file ends
    // before, whose terminator is MISSING.
    let mut leaves: Vec<(Node, bool)> = Vec::new();
    let mut stack = vec![(root, false)];
    while let Some((node, may_be_empty)) = stack.pop() {
        let mut cursor = node.walk();
        let children: Vec<Node> = node.children(&mut cursor).collect();
        if children.is_empty() {
            leaves.push((node, may_be_empty));
        }
        for (i, child) in children.iter().enumerate().rev() {
            let unterminated_body =
                child.kind() == "heredoc_body" && children.get(i + 1).is_some_and(|n| n.is_missing());
            if child.start_byte() < node.start_byte() || child.end_byte() > node.end_byte() {
                return Err(format!(
                    "{} {:?} lies outside its parent {} {:?}",
                    child.kind(),
                    child.byte_range(),
                    node.kind(),
                    node.byte_range()
                ));
            }
            stack.push((*child, unterminated_body));
        }
    }
    let mut covered = vec![false; src.len()];
    let mut prev: Option<Node> = None;
    for (leaf, may_be_empty) in &leaves {
        if let Some(p) = prev
            && leaf.start_byte() < p.end_byte()
        {
            return Err(format!("{} {:?} overlaps {} {:?}", leaf.kind(), leaf.byte_range(), p.kind(), p.byte_range()));
        }
        prev = Some(*leaf);
        if leaf.is_missing() {
            continue;
        }
        if leaf.is_named() && !leaf.is_error() && leaf.start_byte() == leaf.end_byte() && *leaf != root && !may_be_empty
        {
            return Err(format!("empty {} token at byte {}", leaf.kind(), leaf.start_byte()));
        }
        if leaf.is_named() && !leaf.is_error() {
            covered[leaf.byte_range()].iter_mut().for_each(|b| *b = true);
        }
        if matches!(leaf.kind(), "keyword" | "comment" | "parser_directive" | "continuation_comment") {
            let text = &src[leaf.byte_range()];
            if text.starts_with([' ', '\t']) || text.ends_with([' ', '\t', '\r', '\n']) {
                return Err(format!("{} token {text:?} starts or ends with white space", leaf.kind()));
            }
        }
    }
    for (i, c) in src.char_indices() {
        if !is_white(c, i) && !covered[i] {
            return Err(format!("{c:?} at byte {i} (line {}) belongs to no token", line_of(src, i)));
        }
    }
    Ok(())
}

/// The only syntax errors: a heredoc that the file ends before (its terminator MISSING), and lines holding only a
/// line continuation at the end of the file, with no instruction to continue (an ERROR, as BuildKit rejects it).
fn check_errors(tree: &Tree) -> Result<(), String> {
    let root = tree.root_node();
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        if node.is_missing() && node.kind() != "heredoc_end" {
            return Err(format!("unexpected MISSING {} at byte {}", node.kind(), node.start_byte()));
        }
        if node.is_error() {
            let mut cursor = node.walk();
            let lone_continuation = node.parent() == Some(root)
                && node.next_sibling().is_none()
                && node.children(&mut cursor).all(|c| matches!(c.kind(), "line_continuation" | "continuation_comment"));
            if !lone_continuation {
                return Err(format!("unexpected ERROR {:?}: {}", node.byte_range(), node.to_sexp()));
            }
        }
        if node.has_error() {
            let mut cursor = node.walk();
            stack.extend(node.children(&mut cursor));
        }
    }
    Ok(())
}

/// Every node with its kind, byte range and flags, to compare two trees exactly.
fn dump(tree: &Tree) -> String {
    fn walk(node: Node, depth: usize, out: &mut String) {
        let _ = writeln!(
            out,
            "{}{}{} {:?}{}",
            "  ".repeat(depth),
            node.kind(),
            if node.is_missing() { " MISSING" } else { "" },
            node.byte_range(),
            node.parent()
                .and_then(|p| {
                    let mut c = p.walk();
                    let index = p.children(&mut c).position(|n| n == node)?;
                    p.field_name_for_child(index as u32).map(|f| format!(" field={f}"))
                })
                .unwrap_or_default()
        );
        let mut cursor = node.walk();
        for child in node.children(&mut cursor) {
            walk(child, depth + 1, out);
        }
    }
    let mut out = String::new();
    walk(tree.root_node(), 0, &mut out);
    out
}

// ---------------------------------------------------------------------------------------------------------------
// The corpus

#[test]
fn corpus() {
    let cases = read_corpus();
    assert!(cases.len() >= 100, "expected the whole corpus under test/corpus, found {} cases", cases.len());
    let mut parser = parser();
    let mut failures = Vec::new();
    let mut run = 0;
    for case in &cases {
        let title = format!("{}:{}: {:?}", case.file, case.line, case.name);
        if case.skip {
            continue;
        }
        if let Some(what) = &case.unsupported {
            failures.push(format!("{title}\n  uses {what}, which this runner does not support\n"));
            continue;
        }
        run += 1;
        let tree = parse(&mut parser, &case.input);
        let root = tree.root_node();
        if let Err(e) = check_invariants(&case.input, &tree) {
            failures.push(format!("{title}\n  broken invariant: {e}\n  input:\n{}", show_input(&case.input)));
        }
        if case.error {
            if !root.has_error() {
                failures.push(format!(
                    "{title}\n  expected a syntax error (`:error`), got none\n  input:\n{}  tree:\n{}\n",
                    show_input(&case.input),
                    pretty_sexp(&root.to_sexp())
                ));
            }
            continue;
        }
        let expected = normalize_sexp(&case.expected);
        let mut actual = root.to_sexp();
        if !expected.contains(": (") {
            actual = strip_fields(&actual);
        }
        if actual != expected {
            failures.push(format!(
                "{title}\n  input:\n{}  tree (- expected, + actual):\n{}",
                show_input(&case.input),
                line_diff(&pretty_sexp(&expected), &pretty_sexp(&actual))
            ));
        }
    }
    assert!(failures.is_empty(), "{} of {run} corpus cases failed:\n\n{}", failures.len(), failures.join("\n"));
}

/// The corpus runner reads the format as the CLI does.
#[test]
fn corpus_format() {
    let content = "===\nFirst\n===\nFROM a\n\n---\n\n(source_file\n  ; a comment\n  (instruction keyword: (keyword) ))\n\n\
                   ======\nSecond\n:error\n======\nRUN\n---\n-----\n(source_file)\n";
    let cases = parse_corpus("x.txt", content);
    assert_eq!(cases.len(), 2);
    assert_eq!((cases[0].name.as_str(), cases[0].input.as_str(), cases[0].line), ("First", "FROM a\n", 1));
    assert_eq!(normalize_sexp(&cases[0].expected), "(source_file (instruction keyword: (keyword)))");
    assert_eq!((cases[1].name.as_str(), cases[1].line), ("Second", 12));
    assert!(!cases[0].error && cases[1].error);
    // the longest divider wins, so the input may hold a shorter one
    assert_eq!(cases[1].input, "RUN\n---");
    assert_eq!(strip_fields("(a (b) f: (c) g_2: (d))"), "(a (b) (c) (d))");
    assert_eq!(pretty_sexp("(a f: (b) (c (MISSING d)))"), "(a\n  f: (b)\n  (c\n    (MISSING d)))");
}

// ---------------------------------------------------------------------------------------------------------------
// CRLF, lone CRs and the byte order mark, which the corpus format cannot hold or hides

fn leaf_texts(src: &str, tree: &Tree) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![tree.root_node()];
    while let Some(node) = stack.pop() {
        let mut cursor = node.walk();
        let children: Vec<Node> = node.children(&mut cursor).collect();
        if children.is_empty() {
            out.push((node.kind().to_string(), src[node.byte_range()].to_string()));
        }
        stack.extend(children.into_iter().rev());
    }
    out
}

/// Every corpus case parses the same with CRLF line endings: the same tree, and the same tokens but for the CRs.
#[test]
fn crlf_line_endings_give_the_same_trees() {
    let mut parser = parser();
    let mut failures = Vec::new();
    for case in read_corpus().iter().filter(|c| !c.skip && !c.input.contains('\r')) {
        let crlf = case.input.replace('\n', "\r\n");
        let lf_tree = parse(&mut parser, &case.input);
        let crlf_tree = parse(&mut parser, &crlf);
        let title = format!("{}:{}: {:?}", case.file, case.line, case.name);
        if let Err(e) = check_invariants(&crlf, &crlf_tree) {
            failures.push(format!("{title} (CRLF)\n  broken invariant: {e}\n"));
        }
        let (lf_sexp, crlf_sexp) = (lf_tree.root_node().to_sexp(), crlf_tree.root_node().to_sexp());
        if lf_sexp != crlf_sexp {
            failures.push(format!(
                "{title} (CRLF)\n  tree (- LF, + CRLF):\n{}",
                line_diff(&pretty_sexp(&lf_sexp), &pretty_sexp(&crlf_sexp))
            ));
            continue;
        }
        let lf_tokens = leaf_texts(&case.input, &lf_tree);
        let crlf_tokens: Vec<(String, String)> =
            leaf_texts(&crlf, &crlf_tree).into_iter().map(|(k, t)| (k, t.replace('\r', ""))).collect();
        if lf_tokens != crlf_tokens {
            failures
                .push(format!("{title} (CRLF)\n  tokens differ:\n  LF:   {lf_tokens:?}\n  CRLF: {crlf_tokens:?}\n"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The named tokens, as (kind, text) pairs in document order.
fn tokens(src: &str) -> Vec<(String, String)> {
    let tree = parse(&mut parser(), src);
    check_invariants(src, &tree).unwrap_or_else(|e| panic!("{src:?}: {e}"));
    assert!(!tree.root_node().has_error(), "{src:?}: {}", tree.root_node().to_sexp());
    leaf_texts(src, &tree)
}

fn t(kind: &str, text: &str) -> (String, String) {
    (kind.to_string(), text.to_string())
}

#[test]
fn crlf_tokens() {
    assert_eq!(
        tokens("FROM a\r\nRUN b \\\r\n  # c\r\n\r\n  d\r\n"),
        [
            t("keyword", "FROM"),
            t("text", "a"),
            t("keyword", "RUN"),
            t("text", "b"),
            t("line_continuation", "\\\r\n"),
            t("continuation_comment", "# c"),
            t("text", "d"),
        ]
    );
    assert_eq!(
        tokens("# escape=`\r\nRUN a `\r\n  b\r\n"),
        [
            t("parser_directive", "# escape=`"),
            t("keyword", "RUN"),
            t("text", "a"),
            t("line_continuation", "`\r\n"),
            t("text", "b"),
        ]
    );
    assert_eq!(
        tokens("RUN <<EOF\r\nx\r\nEOF\r\nRUN <<-EOF\r\n\ty\r\n\tEOF\r\n"),
        [
            t("keyword", "RUN"),
            t("heredoc_marker", "<<EOF"),
            t("heredoc_body", "x\r\n"),
            t("heredoc_end", "EOF"),
            t("keyword", "RUN"),
            t("heredoc_marker", "<<-EOF"),
            t("heredoc_body", "\ty\r\n"),
            t("heredoc_end", "\tEOF"),
        ]
    );
    // An escaped escape before CRLF is no continuation either.
    assert_eq!(
        tokens("RUN a\\\\\r\nRUN b\r\n"),
        [t("keyword", "RUN"), t("text", "a\\\\"), t("keyword", "RUN"), t("text", "b")]
    );
    // A directive followed by a CRLF blank line: the blank line ends the directives.
    assert_eq!(
        tokens("# syntax=x\r\n\r\n# escape=`\r\nFROM a\r\n"),
        [t("parser_directive", "# syntax=x"), t("comment", "# escape=`"), t("keyword", "FROM"), t("text", "a")]
    );
}

#[test]
fn lone_carriage_returns() {
    // BuildKit splits lines at LF only and trims trailing CRs: a lone CR inside a line is text.
    assert_eq!(tokens("RUN echo a\rb\n"), [t("keyword", "RUN"), t("text", "echo a\rb")]);
    // Several CRs before the LF still end the line, also after a line continuation.
    assert_eq!(
        tokens("RUN a \\\r\r\n  b\r\r\n"),
        [t("keyword", "RUN"), t("text", "a"), t("line_continuation", "\\\r\r\n"), t("text", "b")]
    );
    // CRs at the end of the file end the line too.
    assert_eq!(tokens("RUN a \\\r"), [t("keyword", "RUN"), t("text", "a"), t("line_continuation", "\\\r")]);
    // A CR is not a blank after the escape character: this is no continuation.
    assert_eq!(tokens("RUN a \\\r b\nRUN c\n").iter().filter(|(k, _)| k == "keyword").count(), 2);
    // A heredoc terminator followed by CRs is still the terminator.
    assert_eq!(
        tokens("RUN <<EOF\nx\r\nEOF\r\r\n"),
        [t("keyword", "RUN"), t("heredoc_marker", "<<EOF"), t("heredoc_body", "x\r\n"), t("heredoc_end", "EOF")]
    );
    // A lone CR ends the keyword, as BuildKit splits the keyword at `[\t\v\f\r ]`.
    assert_eq!(tokens("RUN\recho\n")[0], t("keyword", "RUN"));
}

#[test]
fn byte_order_mark() {
    // At the start of the file, the byte order mark belongs to no token, and a directive may follow it.
    assert_eq!(tokens("\u{feff}FROM a\n"), [t("keyword", "FROM"), t("text", "a")]);
    assert_eq!(
        tokens("\u{feff}# escape=`\nRUN a `\n  b\n"),
        [
            t("parser_directive", "# escape=`"),
            t("keyword", "RUN"),
            t("text", "a"),
            t("line_continuation", "`\n"),
            t("text", "b"),
        ]
    );
    // A byte order mark then a blank line: the blank line ends the directives.
    assert_eq!(tokens("\u{feff}\n# escape=`\nFROM a\n")[0], t("comment", "# escape=`"));
    // Elsewhere it is an ordinary character (BuildKit strips it from the first line only).
    assert_eq!(tokens("FROM a\n\u{feff}RUN b\n")[2], t("keyword", "\u{feff}RUN"));
    assert_eq!(tokens("\u{feff}\u{feff}FROM a\n")[0], t("keyword", "\u{feff}FROM"));
}

// ---------------------------------------------------------------------------------------------------------------
// Generated inputs

/// A small deterministic generator (xorshift64*), so that failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Lines to build inputs from: every line of the corpus, and lines that stress the scanner's states.
fn line_pool() -> Vec<String> {
    let mut pool: Vec<String> = read_corpus().iter().flat_map(|c| c.input.split('\n').map(str::to_string)).collect();
    for extra in [
        "\\",
        "`",
        "  \\  ",
        "\\\\",
        "# escape=`",
        "# escape=\\",
        "# syntax=docker/dockerfile:1",
        "# check=error=true",
        "#",
        "",
        "   ",
        "\t",
        "RUN <<EOF",
        "RUN <<-EOF",
        "RUN cat <<A <<'B'",
        "COPY <<EOF /x",
        "ONBUILD RUN <<EOF cat",
        "ONBUILD",
        "EOF",
        "\tEOF",
        "A",
        "B",
        "RUN echo \"unterminated",
        "RUN echo 'unterminated",
        "RUN --mount=\"unterminated",
        "RUN --",
        "RUN -",
        "RUN - <<EOF",
        "RUN echo a\\\\\\",
        "RUN echo a `",
        "RUN 3<<EOF 4<<-\"X\"",
        "X",
        "RUN <<<x \\",
        "RUN cat <<EOF\\",
        "RUN x <<E\\ F",
        "RUN\u{a0}x",
        "\u{feff}FROM a",
        "RUN a\rb",
        "RUN \r",
        "\r",
        "RUN <<\u{e9}",
        "\u{e9}",
        "--flag",
        "-",
    ] {
        pool.push(extra.to_string());
    }
    pool
}

fn generate(rng: &mut Rng, pool: &[String]) -> String {
    let lines = rng.below(14);
    let newline = if rng.below(4) == 0 { "\r\n" } else { "\n" };
    let mut src = String::new();
    for i in 0..lines {
        if i > 0 {
            src.push_str(newline);
        }
        let line: &String = rng.pick(pool);
        src.push_str(line);
    }
    if rng.below(3) != 0 {
        src.push_str(newline);
    }
    // Splice in characters that matter to the scanner.
    const SPECIAL: [char; 16] =
        ['\\', '`', '\r', '\n', ' ', '\t', '"', '\'', '<', '#', '-', '=', '\u{a0}', '\u{feff}', '\u{e9}', '3'];
    for _ in 0..rng.below(4) {
        let boundaries: Vec<usize> = src.char_indices().map(|(i, _)| i).chain([src.len()]).collect();
        let at = *rng.pick(&boundaries);
        if rng.below(3) == 0 && at < src.len() {
            let len = src[at..].chars().next().map_or(0, char::len_utf8);
            src.replace_range(at..at + len, "");
        } else {
            src.insert(at, *rng.pick(&SPECIAL));
        }
    }
    src
}

fn point_at(src: &str, byte: usize) -> Point {
    let before = &src[..byte];
    let row = before.matches('\n').count();
    let column = byte - before.rfind('\n').map_or(0, |i| i + 1);
    Point { row, column }
}

/// Invariants on generated inputs; and an incremental reparse after an edit gives the same tree as a fresh parse,
/// which checks that the scanner's state is fully serialised. `TS_DOCKERFILE_GENERATED_CASES` and
/// `TS_DOCKERFILE_SEED` change how many inputs, and which.
#[test]
fn generated_inputs_keep_the_invariants() {
    let env = |name: &str| std::env::var(name).ok().and_then(|v| v.parse::<u64>().ok());
    let count = env("TS_DOCKERFILE_GENERATED_CASES").unwrap_or(3000);
    let pool = line_pool();
    let mut rng = Rng(env("TS_DOCKERFILE_SEED").unwrap_or(0x9e37_79b9_7f4a_7c15) | 1);
    let mut parser = parser();
    let mut failures = Vec::new();
    for n in 0..count {
        let src = generate(&mut rng, &pool);
        let tree = parse(&mut parser, &src);
        if let Err(e) = check_invariants(&src, &tree).and_then(|()| check_errors(&tree)) {
            failures.push(format!("case {n}: {e}\n  input: {src:?}\n  tree: {}\n", tree.root_node().to_sexp()));
            continue;
        }
        // Edit: insert or delete a character, then reparse incrementally.
        let boundaries: Vec<usize> = src.char_indices().map(|(i, _)| i).chain([src.len()]).collect();
        let at = *rng.pick(&boundaries);
        let mut edited = src.clone();
        let old_end = if rng.below(2) == 0 && at < src.len() {
            let len = src[at..].chars().next().map_or(0, char::len_utf8);
            edited.replace_range(at..at + len, "");
            at + len
        } else {
            edited.insert(at, *rng.pick(&['\\', '\n', '<', '#', ' ', 'x', '`', '"']));
            at
        };
        let new_end = old_end + edited.len() - src.len();
        let mut old_tree = tree.clone();
        old_tree.edit(&InputEdit {
            start_byte: at,
            old_end_byte: old_end,
            new_end_byte: new_end,
            start_position: point_at(&src, at),
            old_end_position: point_at(&src, old_end),
            new_end_position: point_at(&edited, new_end),
        });
        let incremental = parser.parse(&edited, Some(&old_tree)).expect("parse");
        let fresh = parse(&mut parser, &edited);
        let (a, b) = (dump(&fresh), dump(&incremental));
        if a != b {
            failures.push(format!(
                "case {n}: an incremental reparse differs from a fresh parse\n  before: {src:?}\n  after:  {edited:?}\n\
                 {}",
                line_diff(&a, &b)
            ));
        }
        if failures.len() >= 10 {
            break;
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
