//! `env-key-value`: legacy `ENV key value` (and `LABEL key value`) becomes `key=value`.

use crate::fix::{Applicability, Edit};
use crate::syntax::InstructionKind;
use crate::syntax::words::{split_whitespace, split_words};
use crate::transforms::edits::has_comment_in;
use crate::transforms::{Context, Proposals, Transform, TransformMeta, declare_transform};

declare_transform! {
    /// ## What it does
    /// Rewrites the legacy whitespace form `ENV key value` as `ENV key=value`, and the same for LABEL. A value
    /// with spaces is quoted: `ENV PATH_LIST a b c` becomes `ENV PATH_LIST="a b c"`.
    ///
    /// ## Why
    /// The legacy form sets one variable to the whole rest of the line, which is easy to misread
    /// (`ENV A=1 B 2` does not mean what it looks like), and BuildKit warns about it.
    ///
    /// ## Example
    /// ```dockerfile
    /// ENV PYTHONDONTWRITEBYTECODE 1
    /// ENV JAVA_OPTS -Xms256m -Xmx1g
    /// ```
    /// Becomes:
    /// ```dockerfile
    /// ENV PYTHONDONTWRITEBYTECODE=1
    /// ENV JAVA_OPTS="-Xms256m -Xmx1g"
    /// ```
    ///
    /// ## Fix safety
    /// Safe. The value keeps its exact text: when it is one word it is appended after `=` as it is; when it has
    /// spaces it is wrapped in double quotes, which is only done when it holds no quote or escape character
    /// (variables expand the same inside double quotes). Other values are reported without a fix. A value on
    /// continuation lines keeps its lines; comment lines between the key and the value prevent the fix.
    ///
    /// ## References
    /// - BuildKit check `LegacyKeyValueFormat`
    pub EnvKeyValue {
        id: "env-key-value",
        summary: "Rewrite legacy `ENV key value` and `LABEL key value` as `key=value`",
        applicability: Applicability::Safe,
        default_enabled: true,
        aliases: ["LegacyKeyValueFormat"],
        since: "0.1.0",
    }
}

impl Transform for EnvKeyValue {
    fn meta(&self) -> &'static TransformMeta {
        &Self::META
    }

    fn run(&self, cx: &Context<'_>, out: &mut Proposals) {
        let file = cx.file;
        let escape = file.escape();
        for instr in file.instructions() {
            if !matches!(instr.kind, InstructionKind::Env | InstructionKind::Label) {
                continue;
            }
            let args = &instr.args;
            let text = args.as_str();
            // The modern form: the first word has an `=`.
            let Some(first) = split_words(text, escape).into_iter().next() else {
                continue;
            };
            if first.raw.contains('=') {
                continue;
            }
            // BuildKit splits the legacy form once on whitespace: key, then the rest of the line.
            let pieces = split_whitespace(text);
            let (Some(key), Some(value_start)) = (pieces.first(), pieces.get(1)) else {
                continue;
            };
            let value = &text[value_start.range.start..];
            let value = value.trim_end_matches(['\t', '\u{b}', '\u{c}', '\r', ' ']);
            let value_range = value_start.range.start..value_start.range.start + value.len();
            let keyword = file.text(instr.keyword.clone()).to_ascii_uppercase();
            let message = format!("legacy `{keyword} key value` form");
            let between = args.to_file_end(key.range.end)..args.to_file(value_range.start);
            // Replacing the gap between key and value would delete a comment line inside it.
            if has_comment_in(file, &between) {
                out.propose(instr.range.clone(), message);
                continue;
            }
            // A quote or escape in the key: `key=` would pair it with the value's quotes differently.
            if key.raw.contains(['"', '\'', escape, '\\']) {
                out.propose(instr.range.clone(), message);
                continue;
            }
            let one_word = split_words(value, escape).len() == 1;
            let plain = !value.contains(['"', '\'', escape, '\\']);
            let edits = if one_word {
                vec![Edit::replacement("=", between)]
            } else if plain {
                vec![Edit::replacement("=\"", between), Edit::insertion("\"", args.to_file_end(value_range.end))]
            } else {
                // Quotes or escapes inside a value with spaces: re-quoting could change it.
                out.propose(instr.range.clone(), message);
                continue;
            };
            out.fix(instr.range.clone(), message, "Use the `key=value` form", edits);
        }
    }
}
