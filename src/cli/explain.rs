//! `dfix explain ID`: one transform's metadata and documentation.

use std::io::{self, Write};

use crate::cli::args::{ExplainArgs, Format};
use crate::cli::rules::RuleInfo;
use crate::cli::select;
use crate::cli::{ExitStatus, with_hint};
use crate::transforms::TransformMeta;

pub fn run(args: &ExplainArgs) -> anyhow::Result<ExitStatus> {
    let meta = select::resolve(&args.id).map_err(|e| with_hint(&e, e.hint()))?.meta();
    let mut out = io::stdout().lock();
    match args.format {
        Format::Text => out.write_all(render(meta).as_bytes())?,
        Format::Json => {
            let info = RuleInfo { docs: Some(docs(meta)), ..RuleInfo::new(meta) };
            serde_json::to_writer_pretty(&mut out, &info)?;
            writeln!(out)?;
        }
    }
    out.flush()?;
    Ok(ExitStatus::Success)
}

/// The text form: a Markdown heading, the metadata, then the docs.
pub fn render(meta: &TransformMeta) -> String {
    let aliases = if meta.aliases.is_empty() { "none".to_string() } else { meta.aliases.join(", ") };
    let default = if meta.default_enabled { "on" } else { "off (enable with --select or --extend-select)" };
    format!(
        "# {id}\n\n{summary}\n\nApplicability: {applicability}\nDefault: {default}\nAliases: {aliases}\nSince: {since}\n\n{docs}",
        id = meta.id,
        summary = meta.summary,
        applicability = meta.applicability,
        since = meta.since,
        docs = docs(meta),
    )
}

fn docs(meta: &TransformMeta) -> String {
    meta.help()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transforms::lookup;

    #[test]
    fn renders_heading_metadata_and_docs() {
        let meta = lookup("maintainer-label").unwrap().meta();
        let text = render(meta);
        assert!(text.starts_with("# maintainer-label\n\n"), "{text}");
        assert!(text.contains("\nAliases: DL4000"), "{text}");
        assert!(text.contains("\n## What it does\n"), "{text}");
        assert!(text.ends_with('\n') && !text.ends_with("\n\n"));
    }
}
