//! Which transforms run: resolving ids and aliases, layering dfix.toml and command-line selections, and
//! "did you mean" suggestions for names that resolve to nothing.
//!
//! Selections are applied in layers, like ruff's: the built-in default set, then dfix.toml, then the command line.
//! In each layer `select` replaces the set so far, `extend-select` adds to it and `ignore` removes from it, so a
//! later layer always wins over an earlier one. The result keeps registry order, which the engine relies on.

use crate::transforms::{self, TRANSFORMS, Transform};

/// Selects every transform, on or off by default.
pub const ALL: &str = "ALL";

/// One layer of selection, as written in dfix.toml or on the command line.
#[derive(Debug, Default, Clone, Copy)]
pub struct Layer<'a> {
    pub select: Option<&'a [String]>,
    pub extend_select: &'a [String],
    pub ignore: &'a [String],
}

/// A name that is neither a transform id nor an alias.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown transform `{name}`")]
pub struct UnknownTransform {
    pub name: String,
    pub suggestion: Option<&'static str>,
}

impl UnknownTransform {
    /// The hint line shown under the error.
    pub fn hint(&self) -> String {
        match self.suggestion {
            Some(s) => format!("did you mean `{s}`? (`dfix rules` lists them all)"),
            None => "`dfix rules` lists the transforms".to_string(),
        }
    }
}

/// Find a transform by id or alias, ignoring case.
pub fn resolve(name: &str) -> Result<&'static dyn Transform, UnknownTransform> {
    let name = name.trim();
    transforms::lookup(&name.to_ascii_lowercase())
        .ok_or_else(|| UnknownTransform { name: name.to_string(), suggestion: did_you_mean(name) })
}

/// Check every name of a layer, so unknown names are reported even when a later layer would override them.
pub fn validate(layer: &Layer<'_>) -> Result<(), UnknownTransform> {
    let names = layer.select.unwrap_or_default().iter().chain(layer.extend_select).chain(layer.ignore);
    for name in names {
        expand(name)?;
    }
    Ok(())
}

/// The transforms selected by applying `layers` in order over the default set, in registry order.
pub fn select(layers: &[Layer<'_>]) -> Result<Vec<&'static dyn Transform>, UnknownTransform> {
    Ok(selection(layers)?.transforms)
}

/// What runs: the transforms, and the checks of transforms with several BuildKit checks that are left out.
#[derive(Clone)]
pub struct Selection {
    /// In registry order.
    pub transforms: Vec<&'static dyn Transform>,
    /// Checks of selected transforms (see [`transforms::separate_checks`]) whose findings are dropped.
    pub off_checks: Vec<&'static str>,
}

/// Apply `layers` in order over the default set. A transform with several BuildKit checks is selected check by
/// check: naming one of its checks selects or ignores that check, naming the transform all of them; it runs when
/// any of its checks is selected.
pub fn selection(layers: &[Layer<'_>]) -> Result<Selection, UnknownTransform> {
    let mut on: Vec<bool> = TRANSFORMS.iter().map(|t| t.meta().default_enabled).collect();
    let mut checks: Vec<Vec<(&'static str, bool)>> = TRANSFORMS
        .iter()
        .map(|t| transforms::separate_checks(*t).into_iter().map(|c| (c, t.meta().default_enabled)).collect())
        .collect();
    for layer in layers {
        if let Some(names) = layer.select {
            on.iter_mut().for_each(|b| *b = false);
            checks.iter_mut().flatten().for_each(|(_, b)| *b = false);
            set(&mut on, &mut checks, names, true)?;
        }
        set(&mut on, &mut checks, layer.extend_select, true)?;
        set(&mut on, &mut checks, layer.ignore, false)?;
    }
    let mut selection = Selection { transforms: Vec::new(), off_checks: Vec::new() };
    for ((t, on), checks) in TRANSFORMS.iter().zip(on).zip(checks) {
        let on = if checks.is_empty() { on } else { checks.iter().any(|(_, on)| *on) };
        if on {
            selection.transforms.push(*t);
            selection.off_checks.extend(checks.iter().filter(|(_, on)| !on).map(|(c, _)| *c));
        }
    }
    Ok(selection)
}

fn set(
    on: &mut [bool],
    checks: &mut [Vec<(&'static str, bool)>],
    names: &[String],
    value: bool,
) -> Result<(), UnknownTransform> {
    for name in names {
        for index in expand(name)? {
            match checks[index].iter_mut().find(|(c, _)| c.eq_ignore_ascii_case(name.trim())) {
                Some((_, check)) => *check = value,
                None => {
                    on[index] = value;
                    checks[index].iter_mut().for_each(|(_, b)| *b = value);
                }
            }
        }
    }
    Ok(())
}

/// Registry indices named by `name`: one transform, or all of them for `ALL`.
fn expand(name: &str) -> Result<Vec<usize>, UnknownTransform> {
    if name.trim().eq_ignore_ascii_case(ALL) {
        return Ok((0..TRANSFORMS.len()).collect());
    }
    let id = resolve(name)?.meta().id;
    Ok(TRANSFORMS.iter().position(|t| t.meta().id == id).into_iter().collect())
}

/// The id or alias closest to `name`, if any is close enough to be a plausible typo.
pub fn did_you_mean(name: &str) -> Option<&'static str> {
    let wanted = name.trim().to_ascii_lowercase();
    if wanted.is_empty() {
        return None;
    }
    let candidates = TRANSFORMS.iter().flat_map(|t| {
        let meta = t.meta();
        std::iter::once(meta.id).chain(meta.aliases.iter().copied())
    });
    candidates
        .filter_map(|c| {
            let lower = c.to_ascii_lowercase();
            let distance = levenshtein(&wanted, &lower);
            let close = distance <= (wanted.chars().count() / 3).max(1);
            let prefix = wanted.len() >= 3 && lower.starts_with(&wanted);
            (close || prefix).then_some((distance, c))
        })
        .min_by_key(|&(distance, _)| distance)
        .map(|(_, c)| c)
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut row = vec![i + 1; b.len() + 1];
        for (j, &cb) in b.iter().enumerate() {
            let substitute = prev[j] + usize::from(ca != cb);
            row[j + 1] = substitute.min(prev[j + 1] + 1).min(row[j] + 1);
        }
        prev = row;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(list: &[&'static dyn Transform]) -> Vec<&'static str> {
        list.iter().map(|t| t.meta().id).collect()
    }

    fn strings(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn default_set_is_the_default_enabled_transforms() {
        let expected: Vec<_> = TRANSFORMS.iter().filter(|t| t.meta().default_enabled).map(|t| t.meta().id).collect();
        assert_eq!(ids(&select(&[]).unwrap()), expected);
    }

    #[test]
    fn resolves_ids_and_aliases_case_insensitively() {
        assert_eq!(resolve("Maintainer-Label").unwrap().meta().id, "maintainer-label");
        assert_eq!(resolve("dl4000").unwrap().meta().id, "maintainer-label");
        assert_eq!(resolve(" DL4000 ").unwrap().meta().id, "maintainer-label");
    }

    #[test]
    fn later_layers_win() {
        let config_select = strings(&["copy-not-add"]);
        let config_ignore = strings(&["maintainer-label"]);
        let cli_select = strings(&["DL4000"]);
        let config = Layer { select: Some(&config_select), ignore: &config_ignore, ..Layer::default() };
        assert_eq!(ids(&select(&[config]).unwrap()), ["copy-not-add"]);
        let cli = Layer { select: Some(&cli_select), ..Layer::default() };
        assert_eq!(ids(&select(&[config, cli]).unwrap()), ["maintainer-label"]);
    }

    #[test]
    fn keeps_registry_order_and_expands_all() {
        let names = strings(&["copy-not-add", "maintainer-label"]);
        let layer = Layer { select: Some(&names), ..Layer::default() };
        assert_eq!(ids(&select(&[layer]).unwrap()), ["maintainer-label", "copy-not-add"]);
        let all = strings(&["all"]);
        let layer = Layer { select: Some(&all), ..Layer::default() };
        assert_eq!(select(&[layer]).unwrap().len(), TRANSFORMS.len());
    }

    #[test]
    fn checks_of_one_transform_are_selected_one_by_one() {
        let one = strings(&["FromAsCasing"]);
        let ignore = strings(&["stagenamecasing", "ExposeProtoCasing"]);
        let whole = strings(&["buildkit-style"]);
        // Ignoring two of the six: the transform runs, without them.
        let s = selection(&[Layer { ignore: &ignore, ..Layer::default() }]).unwrap();
        assert!(ids(&s.transforms).contains(&"buildkit-style"));
        assert_eq!(s.off_checks, ["StageNameCasing", "ExposeProtoCasing"]);
        // Selecting one: only it.
        let s = selection(&[Layer { select: Some(&one), ..Layer::default() }]).unwrap();
        assert_eq!(ids(&s.transforms), ["buildkit-style"]);
        assert_eq!(s.off_checks.len(), 5);
        assert!(!s.off_checks.contains(&"FromAsCasing"));
        // Ignoring all six one by one leaves the transform out; naming it brings all six back.
        let style = transforms::lookup("buildkit-style").unwrap();
        let six: Vec<String> = transforms::separate_checks(style).iter().map(|c| c.to_string()).collect();
        assert_eq!(six.len(), 6);
        let s = selection(&[Layer { ignore: &six, ..Layer::default() }]).unwrap();
        assert!(!ids(&s.transforms).contains(&"buildkit-style"));
        let later = Layer { extend_select: &whole, ..Layer::default() };
        let s = selection(&[Layer { ignore: &six, ..Layer::default() }, later]).unwrap();
        assert!(ids(&s.transforms).contains(&"buildkit-style") && s.off_checks.is_empty());
        // A transform with one BuildKit check is selected whole by it.
        let exec = strings(&["JSONArgsRecommended"]);
        let s = selection(&[Layer { ignore: &exec, ..Layer::default() }]).unwrap();
        assert!(!ids(&s.transforms).contains(&"exec-form") && s.off_checks.is_empty());
    }

    #[test]
    fn unknown_names_suggest_the_closest() {
        let err = resolve("maintainer-lable").map(|t| t.meta().id).unwrap_err();
        assert_eq!(err.suggestion, Some("maintainer-label"));
        assert!(err.hint().contains("did you mean `maintainer-label`?"));
        assert_eq!(did_you_mean("DL400"), Some("DL4000"));
        assert_eq!(did_you_mean("copy"), Some("copy-not-add"));
        assert_eq!(did_you_mean("zzzzzzzzzz"), None);
        let bad = strings(&["nope"]);
        assert!(validate(&Layer { ignore: &bad, ..Layer::default() }).is_err());
    }

    #[test]
    fn levenshtein_counts_edits() {
        assert_eq!(levenshtein("kitten", "sitting"), 3);
        assert_eq!(levenshtein("", "ab"), 2);
        assert_eq!(levenshtein("same", "same"), 0);
    }
}
