//! What `--verify` reports: the verification of each file and fix (in the machine formats), and the summary
//! table at the end of the run.

use serde::Serialize;

use super::builder::ImageFacts;

/// What became of a file under `--verify`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FileStatus {
    /// The original and the fixed file build (and behave alike under `--verify-run`): every fix is kept.
    Verified,
    /// The fixed file did not build; the fixes that broke it were dropped and the rest verified.
    FixesDropped,
    /// The original does not build as it is: the fixes are kept as dfix made them, unverified.
    OriginalFails,
}

impl FileStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            FileStatus::Verified => "verified",
            FileStatus::FixesDropped => "fixes-dropped",
            FileStatus::OriginalFails => "original-fails",
        }
    }
}

/// An image that was built, as the report shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImageReport {
    /// Bytes; `null` when the builder does not say.
    pub size: Option<u64>,
    pub layers: usize,
    /// The user the image runs as (`""`: root, the default).
    pub user: String,
    /// Seconds the build took (cached steps make a rebuild fast).
    pub build_seconds: f64,
}

impl ImageReport {
    pub fn new(facts: &ImageFacts, build_seconds: f64) -> Self {
        ImageReport {
            size: facts.size,
            layers: facts.layers,
            user: facts.user.clone(),
            build_seconds: (build_seconds * 10.0).round() / 10.0,
        }
    }
}

/// The verification of one file (`files[].verification` in `--format json`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FileVerification {
    pub status: FileStatus,
    /// The builder, as `docker (BuildKit)`.
    pub builder: String,
    /// The original image; `null` when it does not build.
    pub before: Option<ImageReport>,
    /// The image with the kept fixes; `null` when nothing was kept or the original does not build.
    pub after: Option<ImageReport>,
    /// `before.size - after.size`, when both are known.
    pub bytes_saved: Option<i64>,
    pub fixes_kept: usize,
    pub fixes_dropped: usize,
    /// Transforms with a dropped fix.
    pub dropped_transforms: Vec<String>,
    /// Builds made for this file.
    pub builds: usize,
    /// The last lines the builder printed for the failing build (the original's, or the first fixed build that
    /// failed).
    pub builder_error: Vec<String>,
}

// Build times are never NaN.
impl Eq for ImageReport {}
impl Eq for FileVerification {}

/// What a build said about one fix (`findings[].verification`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FixVerification {
    /// The image built with it.
    Verified,
    /// The image did not build (or behaved differently) with it: left out.
    Dropped,
    /// Kept without proof: the original does not build.
    Unverified,
}

/// A size in megabytes with one decimal (as `docker images` counts them), for the table.
pub fn megabytes(bytes: Option<u64>) -> String {
    bytes.map_or_else(|| "-".to_string(), |b| format!("{:.1} MB", b as f64 / 1e6))
}

fn signed_megabytes(bytes: Option<i64>) -> String {
    // No "-0.0 MB" for a few bytes more.
    bytes.map_or_else(|| "-".to_string(), |b| format!("{:.1} MB", if b.abs() < 50_000 { 0.0 } else { b as f64 / 1e6 }))
}

/// The table that ends a `--verify` run: one row per verified file, and totals.
pub fn table(rows: &[(String, &FileVerification)]) -> String {
    let header =
        ["file", "fixes kept", "dropped", "size before", "after", "saved", "layers", "builds", "user", "status"];
    let mut lines: Vec<[String; 10]> = Vec::new();
    let (mut kept, mut dropped, mut saved, mut builds) = (0, 0, 0i64, 0);
    for (path, v) in rows {
        kept += v.fixes_kept;
        dropped += v.fixes_dropped;
        saved += v.bytes_saved.unwrap_or(0);
        builds += v.builds;
        let layers = match (&v.before, &v.after) {
            (Some(b), Some(a)) => format!("{} -> {}", b.layers, a.layers),
            (Some(b), None) => b.layers.to_string(),
            _ => "-".to_string(),
        };
        let name = |u: &str| if u.is_empty() { "root".to_string() } else { u.to_string() };
        let user = match (&v.before, &v.after) {
            (Some(b), Some(a)) if a.user != b.user => format!("{} -> {}", name(&b.user), name(&a.user)),
            (Some(b), _) => name(&b.user),
            _ => "-".to_string(),
        };
        lines.push([
            path.clone(),
            v.fixes_kept.to_string(),
            v.fixes_dropped.to_string(),
            megabytes(v.before.as_ref().and_then(|b| b.size)),
            megabytes(v.after.as_ref().and_then(|a| a.size)),
            signed_megabytes(v.bytes_saved),
            layers,
            v.builds.to_string(),
            user,
            v.status.as_str().to_string(),
        ]);
    }
    lines.push([
        format!("total ({} file{})", rows.len(), if rows.len() == 1 { "" } else { "s" }),
        kept.to_string(),
        dropped.to_string(),
        String::new(),
        String::new(),
        signed_megabytes(Some(saved)),
        String::new(),
        builds.to_string(),
        String::new(),
        String::new(),
    ]);
    let mut widths = header.map(str::len);
    for line in &lines {
        for (w, cell) in widths.iter_mut().zip(line) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let row = |cells: &[String], out: &mut String| {
        out.push('|');
        for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
            // Numbers right-aligned, words left-aligned.
            if (1..=7).contains(&i) {
                out.push_str(&format!(" {cell:>w$} |"));
            } else {
                out.push_str(&format!(" {cell:<w$} |"));
            }
        }
        out.push('\n');
    };
    row(&header.map(String::from), &mut out);
    out.push('|');
    for (i, w) in widths.iter().enumerate() {
        let dashes = "-".repeat(*w);
        out.push_str(&if (1..=7).contains(&i) { format!("-{dashes}:|") } else { format!("-{dashes}-|") });
    }
    out.push('\n');
    for line in &lines {
        row(line, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_totals_the_files() {
        let v = FileVerification {
            status: FileStatus::Verified,
            builder: "docker".into(),
            before: Some(ImageReport { size: Some(250_000_000), layers: 5, user: String::new(), build_seconds: 1.0 }),
            after: Some(ImageReport { size: Some(230_000_000), layers: 3, user: String::new(), build_seconds: 1.0 }),
            bytes_saved: Some(20_000_000),
            fixes_kept: 4,
            fixes_dropped: 1,
            dropped_transforms: vec!["apt-no-recommends".into()],
            builds: 5,
            builder_error: vec![],
        };
        let table = table(&[("a/Dockerfile".into(), &v), ("b/Dockerfile".into(), &v)]);
        assert!(table.contains("| a/Dockerfile "), "{table}");
        assert!(table.contains("250.0 MB"), "{table}");
        assert!(table.contains("5 -> 3"), "{table}");
        let total = table.lines().last().unwrap();
        assert!(total.contains("total (2 files)") && total.contains("40.0 MB") && total.contains(" 8 "), "{total}");
    }
}
