//! Lints `transforms/releases.toml`, the table `eol-base` decides with: every release has parseable dates and its
//! family a source; no release or alias is listed twice; releases are newest first and their numbers agree with
//! that order (and with the release month, for Ubuntu); every tag a fix can propose is one the table says exists,
//! and every existing tag of a target release can be reached.

use std::collections::HashSet;

use dfix::config::Config;
use dfix::engine::{self, Options};
use dfix::fix::Applicability;
use dfix::knowledge::Knowledge;
use dfix::releases::{Date, Kind, Releases};
use dfix::transforms::{Transform, eol_base};

const TABLE: &str = include_str!("../transforms/releases.toml");

/// `3.10` > `3.9`; codenames compare as nothing (`None`).
fn version(text: &str) -> Option<Vec<u64>> {
    text.split('.').map(|p| p.parse().ok()).collect()
}

#[test]
fn raw_table_lists_each_release_once_with_dates_and_a_source() {
    let raw: toml::Table = TABLE.parse().unwrap();
    let checked = raw["checked"].as_str().unwrap();
    assert!(Date::parse(checked).is_some(), "checked = {checked:?}");
    assert!(Date::parse(checked).unwrap() <= Date::today(), "checked lies in the future");
    for (id, family) in raw["families"].as_table().unwrap() {
        let source = family.get("source").and_then(|s| s.as_str()).unwrap_or("");
        assert!(source.contains("https://"), "{id}: no source");
        let releases = family.get("releases").and_then(|r| r.as_array()).cloned().unwrap_or_default();
        let mut seen = HashSet::new();
        for release in &releases {
            let name = release["name"].as_str().unwrap();
            let end = release.get("end").and_then(|e| e.as_str()).unwrap_or("");
            assert!(Date::parse(end).is_some(), "{id} {name}: end {end:?} is not a date");
            if let Some(released) = release.get("released") {
                assert!(Date::parse(released.as_str().unwrap()).is_some(), "{id} {name}: released is not a date");
            }
            let aliases = release.get("aliases").and_then(|a| a.as_array()).cloned().unwrap_or_default();
            for spelling in std::iter::once(name).chain(aliases.iter().map(|a| a.as_str().unwrap())) {
                assert!(seen.insert(spelling.to_string()), "{id}: `{spelling}` is listed twice");
            }
        }
    }
}

#[test]
fn releases_are_newest_first_and_their_numbers_agree() {
    let table = &Knowledge::builtin().releases;
    for (id, family) in &table.families {
        for pair in family.releases.windows(2) {
            let (newer, older) = (&pair[0], &pair[1]);
            // Targets are picked newest first, so the order matters for distributions.
            if family.kind == Kind::Distro
                && let (Some(a), Some(b)) = (newer.released, older.released)
            {
                assert!(a >= b, "{id}: {} is listed before {} but released earlier", newer.name, older.name);
            }
            // The number of a release (its name or first alias) grows with its release date.
            let number =
                |r: &dfix::releases::Release| std::iter::once(&r.name).chain(&r.aliases).find_map(|s| version(s));
            // Amazon Linux 1 was numbered by year (`2018.03`), before Amazon Linux 2.
            if id != "amazonlinux"
                && let (Some(a), Some(b)) = (number(newer), number(older))
            {
                assert!(a > b, "{id}: {} is listed before {} but numbered lower", newer.name, older.name);
            }
        }
        if id == "ubuntu" {
            // `16.04` was released in April 2016.
            for r in &family.releases {
                let released = r.released.unwrap().to_string();
                let alias = &r.aliases[0];
                assert_eq!(format!("{}.{}", &released[2..4], &released[5..7]), *alias, "ubuntu {}", r.name);
            }
        }
    }
}

/// Every spelling of every ended release, with every variant, either moves to a tag the target release lists or
/// is refused with a reason; and every tag a target lists is reached from some ended release.
#[test]
fn every_proposed_tag_is_listed_as_published() {
    let knowledge = Knowledge::builtin();
    let table = &knowledge.releases;
    let days = ["2024-01-01", "2026-12-04", "2029-06-01", "2031-01-01"].map(|d| Date::parse(d).unwrap());
    let transforms: Vec<&'static dyn Transform> = vec![&eol_base::EolBase];
    let mut reached: HashSet<String> = HashSet::new();
    for day in days {
        let config = Config { as_of: Some(day.to_string()), ..Config::default() };
        let opts = Options { required: Applicability::Unsafe, ..Options::new(transforms.clone(), &config, knowledge) };
        for (id, family) in &table.families {
            if family.kind != Kind::Distro || family.discontinued.is_some() {
                continue;
            }
            let repository = &family.repositories[0];
            let target = Releases::distro_target(family, day);
            for release in family.releases.iter().filter(|r| r.ended_by(day)) {
                for spelling in release.spellings() {
                    for variant in std::iter::once("").chain(family.variants.iter().map(String::as_str)) {
                        let tag =
                            if variant.is_empty() { spelling.to_string() } else { format!("{spelling}-{variant}") };
                        let input = format!("FROM {repository}:{tag}\n");
                        let outcome = engine::fix(&input, &opts).unwrap();
                        let Some(to) = target else {
                            assert_eq!(outcome.output, input, "{id} on {day}: no target, but {tag} moved");
                            continue;
                        };
                        if outcome.output == input {
                            let refused = outcome.remaining.iter().any(|p| p.message.contains("; no fix"));
                            assert!(refused, "{id} on {day}: {tag} neither moved nor refused: {:?}", outcome.remaining);
                            continue;
                        }
                        let new_tag = outcome.output.trim_end().rsplit(':').next().unwrap().to_string();
                        assert!(
                            to.tags.contains(&new_tag),
                            "{id} on {day}: {tag} moved to {new_tag}, which {} does not list; {:?}",
                            to.name,
                            outcome.remaining
                        );
                        reached.insert(format!("{id}:{new_tag}"));
                    }
                }
            }
        }
    }
    // The tags of the releases that are targets now are all reachable: none is listed with a spelling or variant
    // the fix cannot produce.
    let today = Date::parse("2026-12-04").unwrap();
    for (id, family) in &table.families {
        if family.kind != Kind::Distro {
            continue;
        }
        if let Some(to) = Releases::distro_target(family, today) {
            for tag in &to.tags {
                assert!(reached.contains(&format!("{id}:{tag}")), "{id}: `{tag}` is never proposed");
            }
        }
    }
}

/// Runtime tags move their distro part only to releases their version is listed as published on.
#[test]
fn runtime_targets_are_published_on() {
    let table = &Knowledge::builtin().releases;
    let day = Date::parse("2026-12-04").unwrap();
    for (id, family) in &table.families {
        for release in &family.releases {
            for distro_id in &family.distros {
                let distro = table.family(distro_id).unwrap();
                let Some(to) = Releases::distro_part_target(distro, &release.on, day) else { continue };
                let prefix = distro.tag_prefix.as_deref().unwrap_or("");
                let token = format!("{prefix}{}", to.name);
                assert!(release.on.contains(&token), "{id} {}: target {token} not in `on`", release.name);
                assert!(to.supported_on(day), "{id} {}: target {token} is not supported", release.name);
            }
        }
    }
}
