//! `transforms/releases.toml`: the releases of base-image families, when their security support ends, how tags
//! name them, and which tags exist (`eol-base`). Part of [`crate::knowledge::Knowledge`], extendable from
//! `dfix.toml` under `[knowledge.releases]`.

use std::collections::BTreeMap;
use std::ops::Range;

use serde::Deserialize;

use crate::knowledge::glob_match;

/// A calendar day (proleptic Gregorian), written `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(try_from = "String")]
pub struct Date {
    /// Days since 1970-01-01.
    days: i64,
}

impl Date {
    /// `YYYY-MM-DD`, a day that exists.
    pub fn parse(text: &str) -> Option<Date> {
        let b = text.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let digits = |r: Range<usize>| -> Option<i64> {
            let s = &text[r];
            s.bytes().all(|c| c.is_ascii_digit()).then(|| s.parse().ok())?
        };
        let (y, m, d) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
        if !(1..=12).contains(&m) || d < 1 || d > days_in_month(y, m) {
            return None;
        }
        Some(Date { days: days_from_civil(y, m, d) })
    }

    /// Today by the system clock (UTC).
    pub fn today() -> Date {
        let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64);
        Date { days: secs.div_euclid(86_400) }
    }

    /// The date `days` days later.
    pub fn plus_days(self, days: i64) -> Date {
        Date { days: self.days + days }
    }
}

impl TryFrom<String> for Date {
    type Error = String;
    fn try_from(text: String) -> Result<Self, String> {
        Date::parse(&text).ok_or_else(|| format!("`{text}` is not a date (YYYY-MM-DD)"))
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (y, m, d) = civil_from_days(self.days);
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// Tags start with one of its releases: `debian:stretch-slim`.
    Distro,
    /// Tags start with a version of it and may name a distro release: `python:3.7-slim-buster`.
    Runtime,
    /// Tags name only a distro release: `buildpack-deps:stretch-curl`.
    DistroTags,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Releases {
    /// When the table was last compared with its sources.
    pub checked: Date,
    pub families: BTreeMap<String, ReleaseFamily>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ReleaseFamily {
    pub name: String,
    pub kind: Kind,
    pub source: String,
    pub repositories: Vec<String>,
    #[serde(default)]
    pub releases: Vec<Release>,
    #[serde(default)]
    pub variants: Vec<String>,
    #[serde(default)]
    pub tag_prefix: Option<String>,
    #[serde(default)]
    pub distros: Vec<String>,
    #[serde(default)]
    pub on: Vec<String>,
    #[serde(default)]
    pub discontinued: Option<Date>,
    #[serde(default)]
    pub successors: Option<String>,
    #[serde(default)]
    pub exempt: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Release {
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub released: Option<Date>,
    /// The last day of free security support.
    pub end: Date,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub on: Vec<String>,
    #[serde(default)]
    pub dropped: Vec<String>,
}

impl Release {
    /// `stretch (9)`, `3.7`.
    pub fn label(&self) -> String {
        match self.aliases.first() {
            Some(alias) => format!("{} ({alias})", self.name),
            None => self.name.clone(),
        }
    }

    /// Whether it gets security fixes on `day`.
    pub fn supported_on(&self, day: Date) -> bool {
        self.end >= day && self.released.is_none_or(|r| r <= day)
    }

    pub fn ended_by(&self, day: Date) -> bool {
        self.end < day
    }

    /// Its name and aliases.
    pub fn spellings(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.name.as_str()).chain(self.aliases.iter().map(String::as_str))
    }
}

/// A distro release named inside a tag: `buster` in `3.11-slim-buster`, `alpine3.12` in `14-alpine3.12`.
#[derive(Debug, Clone)]
pub struct DistroPart<'a> {
    pub family_id: &'a str,
    pub family: &'a ReleaseFamily,
    pub release: &'a Release,
    /// The release's text in the tag (`buster`, `3.12` after `alpine` or `alpine-`, `2` after `al`).
    pub range: Range<usize>,
}

/// What a tag says about its family's releases.
#[derive(Debug, Clone, Default)]
pub struct TagReading<'a> {
    /// The family's own release and its text in the tag.
    pub release: Option<(&'a Release, Range<usize>)>,
    pub distro: Option<DistroPart<'a>>,
}

impl Releases {
    /// The family whose repositories match `repository` (as written in FROM, with its registry when that is not
    /// Docker Hub, without `library/`).
    pub fn family_for(&self, repository: &str) -> Option<(&str, &ReleaseFamily)> {
        self.families
            .iter()
            .find(|(_, f)| f.repositories.iter().any(|r| glob_match(r, repository)))
            .map(|(id, f)| (id.as_str(), f))
    }

    pub fn family(&self, id: &str) -> Option<&ReleaseFamily> {
        self.families.get(id)
    }

    /// Read `tag` of an image of `family`.
    pub fn read<'a>(&'a self, family: &'a ReleaseFamily, tag: &str) -> TagReading<'a> {
        let mut reading = TagReading::default();
        let first_end = tag.find('-').unwrap_or(tag.len());
        let distro_from = match family.kind {
            Kind::Distro => {
                reading.release = own_release_prefix(family, tag);
                return reading;
            }
            Kind::Runtime => {
                reading.release = own_version(family, &tag[..first_end]).map(|r| (r, 0..first_end));
                first_end
            }
            Kind::DistroTags => 0,
        };
        reading.distro = self.distro_part(family, tag, distro_from);
        reading
    }

    /// The first `-`-separated part of `tag` at or after `from` that names a release of one of `family.distros`.
    fn distro_part<'a>(&'a self, family: &'a ReleaseFamily, tag: &str, from: usize) -> Option<DistroPart<'a>> {
        let mut start = from;
        while start < tag.len() {
            if tag.as_bytes()[start] == b'-' {
                start += 1;
                continue;
            }
            let end = tag[start..].find('-').map_or(tag.len(), |i| start + i);
            let part = &tag[start..end];
            for id in &family.distros {
                let Some((id, distro)) = self.families.get_key_value(id) else { continue };
                let prefix = distro.tag_prefix.as_deref().unwrap_or("");
                let Some(rest) = part.strip_prefix(prefix) else { continue };
                // `alpine-3.12`: the release is the next part.
                let (text, range) = if rest.is_empty() && !prefix.is_empty() && end < tag.len() {
                    let next_end = tag[end + 1..].find('-').map_or(tag.len(), |i| end + 1 + i);
                    (&tag[end + 1..next_end], end + 1..next_end)
                } else {
                    (rest, start + prefix.len()..end)
                };
                // Runtime tags name a distro release by its name (`buster`, `alpine3.12`), not its number.
                let found = distro.releases.iter().find(|r| r.name == text);
                if let Some(release) = found {
                    return Some(DistroPart { family_id: id, family: distro, release, range });
                }
            }
            start = end;
        }
        None
    }

    /// The release a fix moves a distro family's own images to on `day`: the newest release that is supported
    /// and whose tags the table lists.
    pub fn distro_target(family: &ReleaseFamily, day: Date) -> Option<&Release> {
        family.releases.iter().find(|r| !r.tags.is_empty() && r.supported_on(day))
    }

    /// The distro release of `distro` a runtime tag moves to on `day`: the newest supported one its images are
    /// published on (`on`).
    pub fn distro_part_target<'a>(distro: &'a ReleaseFamily, on: &[String], day: Date) -> Option<&'a Release> {
        let prefix = distro.tag_prefix.as_deref().unwrap_or("");
        distro.releases.iter().find(|r| r.supported_on(day) && on.iter().any(|o| *o == format!("{prefix}{}", r.name)))
    }

    /// The releases supported on `day`, oldest first.
    pub fn supported(family: &ReleaseFamily, day: Date) -> Vec<&Release> {
        family.releases.iter().rev().filter(|r| r.supported_on(day)).collect()
    }

    /// A release listed again (from `dfix.toml`, whose arrays append) replaces the earlier entry of that name.
    pub fn apply_overrides(&mut self) {
        for family in self.families.values_mut() {
            let mut kept: Vec<Release> = Vec::with_capacity(family.releases.len());
            for release in std::mem::take(&mut family.releases) {
                match kept.iter_mut().find(|k| k.name == release.name) {
                    Some(earlier) => *earlier = release,
                    None => kept.push(release),
                }
            }
            family.releases = kept;
        }
    }

    /// Every release has a unique name and unique spellings; distro lists name known distro families; `on`
    /// names releases of those; every release with tags proposes only tags it lists.
    pub fn validate(&self) -> Result<(), String> {
        for (id, family) in &self.families {
            let mut seen = std::collections::HashSet::new();
            for release in &family.releases {
                for spelling in release.spellings() {
                    if !seen.insert(spelling) {
                        return Err(format!("families.{id}: `{spelling}` names two releases"));
                    }
                }
                if let Some(released) = release.released
                    && released > release.end
                {
                    return Err(format!("families.{id}: release {} ends before it is released", release.name));
                }
            }
            for distro in &family.distros {
                if self.families.get(distro).is_none_or(|d| d.kind != Kind::Distro) {
                    return Err(format!("families.{id}.distros: `{distro}` is not a distro family"));
                }
            }
            let ons = family.on.iter().chain(family.releases.iter().flat_map(|r| r.on.iter()));
            for on in ons {
                let known = family.distros.iter().filter_map(|d| self.families.get(d)).any(|d| {
                    let prefix = d.tag_prefix.as_deref().unwrap_or("");
                    d.releases.iter().any(|r| *on == format!("{prefix}{}", r.name))
                });
                if !known {
                    return Err(format!("families.{id}: `{on}` in `on` is no release of its distros"));
                }
            }
            if family.discontinued.is_some() && family.successors.is_none() {
                return Err(format!("families.{id}: a discontinued family names its successors"));
            }
        }
        Ok(())
    }
}

/// A distro tag's leading release: the longest spelling that is the whole tag or is followed by `-` or `.`.
fn own_release_prefix<'a>(family: &'a ReleaseFamily, tag: &str) -> Option<(&'a Release, Range<usize>)> {
    let mut best: Option<(&Release, usize)> = None;
    for release in &family.releases {
        for spelling in release.spellings() {
            let fits = tag.strip_prefix(spelling).is_some_and(|rest| rest.is_empty() || rest.starts_with(['-', '.']));
            if fits && best.is_none_or(|(_, len)| spelling.len() > len) {
                best = Some((release, spelling.len()));
            }
        }
    }
    best.map(|(r, len)| (r, 0..len))
}

/// A runtime version (`3.7`, `3.7.4`, `8u302`, `11.0.12_7`, `14`, `fermium`): the release whose spelling is the
/// whole text or is followed by `.`, `u` or `_` (the longest when several fit).
fn own_version<'a>(family: &'a ReleaseFamily, text: &str) -> Option<&'a Release> {
    let mut best: Option<(&Release, usize)> = None;
    for release in &family.releases {
        for spelling in release.spellings() {
            let fits =
                text.strip_prefix(spelling).is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', 'u', '_']));
            if fits && best.is_none_or(|(_, len)| spelling.len() > len) {
                best = Some((release, spelling.len()));
            }
        }
    }
    best.map(|(r, _)| r)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::knowledge::Knowledge;

    #[test]
    fn dates_parse_print_and_compare() {
        let d = Date::parse("2024-02-29").unwrap();
        assert_eq!(d.to_string(), "2024-02-29");
        assert_eq!(Date::parse("1970-01-01").unwrap().days, 0);
        assert_eq!(d.plus_days(1).to_string(), "2024-03-01");
        assert!(Date::parse("2023-02-29").is_none());
        assert!(Date::parse("2023-13-01").is_none());
        assert!(Date::parse("2023-1-01").is_none());
        assert!(Date::parse("2023-01-01").unwrap() < Date::parse("2023-01-02").unwrap());
        assert!(Date::today() > Date::parse("2024-01-01").unwrap());
    }

    #[test]
    fn tags_are_read_per_family() {
        let r = &Knowledge::builtin().releases;
        let read = |repo: &str, tag: &str| {
            let (_, f) = r.family_for(repo).unwrap();
            let reading = r.read(f, tag);
            (
                reading.release.map(|(r, _)| r.name.clone()),
                reading.distro.map(|d| (d.family_id, d.release.name.clone(), tag[d.range].to_string())),
            )
        };
        assert_eq!(read("debian", "stretch-slim").0.as_deref(), Some("stretch"));
        assert_eq!(read("debian", "9.13-slim").0.as_deref(), Some("stretch"));
        assert_eq!(read("alpine", "3.10.4").0.as_deref(), Some("3.10"));
        assert_eq!(read("alpine", "3.1").0.as_deref(), Some("3.1"));
        assert_eq!(read("ubuntu", "16.04").0.as_deref(), Some("xenial"));
        assert_eq!(read("centos", "centos7.9.2009").0.as_deref(), Some("7"));
        assert_eq!(
            read("python", "3.11-slim-buster"),
            (Some("3.11".into()), Some(("debian", "buster".into(), "buster".into())))
        );
        assert_eq!(read("node", "14-alpine3.12"), (Some("14".into()), Some(("alpine", "3.12".into(), "3.12".into()))));
        assert_eq!(read("eclipse-temurin", "17-jdk-alpine-3.16").1, Some(("alpine", "3.16".into(), "3.16".into())));
        assert_eq!(read("amazoncorretto", "17-al2-jdk").1, Some(("amazonlinux", "2".into(), "2".into())));
        assert_eq!(read("golang", "1.16-stretch").0.as_deref(), Some("1.16"));
        assert_eq!(read("buildpack-deps", "stretch-curl").1, Some(("debian", "stretch".into(), "stretch".into())));
        assert_eq!(read("openjdk", "8u212-jre-alpine").0.as_deref(), Some("8"));
        assert_eq!(read("node", "fermium-slim").0.as_deref(), Some("14"));
        assert_eq!(read("mcr.microsoft.com/dotnet/aspnet", "3.1-buster-slim").0.as_deref(), Some("3.1"));
        assert_eq!(read("python", "3").0, None);
        assert_eq!(read("python", "slim").1.map(|d| d.1), None);
    }
}
