//! `dfix rules`: the transforms as an aligned table, or as JSON.

use std::io::{self, Write};

use serde::Serialize;

use crate::cli::ExitStatus;
use crate::cli::args::{Format, RulesArgs};
use crate::fix::Applicability;
use crate::transforms::{TRANSFORMS, TransformMeta};

/// One transform, as `--format json` prints it (also used by `dfix explain --format json`).
#[derive(Debug, Serialize)]
pub struct RuleInfo {
    pub id: &'static str,
    pub summary: &'static str,
    pub applicability: Applicability,
    pub default_enabled: bool,
    pub aliases: &'static [&'static str],
    pub since: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub docs: Option<String>,
}

impl RuleInfo {
    pub fn new(meta: &'static TransformMeta) -> Self {
        Self {
            id: meta.id,
            summary: meta.summary,
            applicability: meta.applicability,
            default_enabled: meta.default_enabled,
            aliases: meta.aliases,
            since: meta.since,
            docs: None,
        }
    }
}

pub fn run(args: &RulesArgs) -> anyhow::Result<ExitStatus> {
    let metas: Vec<&'static TransformMeta> = TRANSFORMS.iter().map(|t| t.meta()).collect();
    let mut out = io::stdout().lock();
    match args.format {
        Format::Text => out.write_all(table(&metas).as_bytes())?,
        Format::Json => {
            let rules: Vec<RuleInfo> = metas.into_iter().map(RuleInfo::new).collect();
            serde_json::to_writer_pretty(&mut out, &rules)?;
            writeln!(out)?;
        }
    }
    out.flush()?;
    Ok(ExitStatus::Success)
}

/// Columns padded to their widest cell; the summary, last, is not padded.
fn table(metas: &[&'static TransformMeta]) -> String {
    let header = ["ID", "APPLICABILITY", "DEFAULT", "ALIASES", "SUMMARY"].map(String::from);
    let rows: Vec<[String; 5]> = std::iter::once(header)
        .chain(metas.iter().map(|m| {
            let aliases = if m.aliases.is_empty() { "-".to_string() } else { m.aliases.join(",") };
            let default = if m.default_enabled { "on" } else { "off" };
            [m.id.to_string(), m.applicability.to_string(), default.to_string(), aliases, m.summary.to_string()]
        }))
        .collect();
    let mut widths = [0; 4];
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in &rows {
        for (cell, width) in row.iter().zip(widths) {
            out.push_str(&format!("{cell:<width$}  "));
        }
        out.push_str(&row[4]);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_aligns_columns() {
        let metas: Vec<_> = TRANSFORMS.iter().map(|t| t.meta()).collect();
        let text = table(&metas);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), TRANSFORMS.len() + 1);
        let column = lines[0].find("APPLICABILITY").unwrap();
        for (line, meta) in lines[1..].iter().zip(&metas) {
            assert!(line.starts_with(meta.id));
            assert_eq!(line[column..].split_whitespace().next(), Some(meta.applicability.as_str()), "{line}");
        }
    }
}
