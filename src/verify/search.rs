//! Finding the fixes that break a build, with as few builds as possible. Pure code: the build is a callback.
//!
//! The model: a set of *items* (transforms, or single fixes) applied on top of a *base* that is known to build.
//! The build with every item fails. Assuming that a build fails exactly when it contains at least one guilty item
//! (guilty items break the build on their own, and good items do not), adaptive group testing finds them:
//! build a half; if it builds, the whole half is good, and the other half is known to fail without a build of its
//! own; if it fails, split it again. With `d` guilty items among `n`, that takes about `2 d log2 n` builds instead
//! of `n`. Builds are limited by a budget: what is left untested when it runs out is counted as guilty (a fix
//! dfix could not prove is dropped, never kept).

/// The budget of builds a search may spend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    pub left: usize,
}

impl Budget {
    pub fn new(builds: usize) -> Self {
        Budget { left: builds }
    }

    fn take(&mut self) -> bool {
        if self.left == 0 {
            return false;
        }
        self.left -= 1;
        true
    }
}

/// The result of a search.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Guilty<T> {
    /// The items found guilty, in the order given; with `exhausted`, also those never tested.
    pub items: Vec<T>,
    /// The budget ran out before every item was decided.
    pub exhausted: bool,
}

/// The guilty items among `items`, given that building all of them (on the base) fails. `builds(subset)` builds
/// the base with `subset` and says whether that built; it is only called with non-empty proper subsets.
pub fn find_guilty<T: Clone>(items: &[T], budget: &mut Budget, builds: &mut dyn FnMut(&[T]) -> bool) -> Guilty<T> {
    let mut found = Guilty { items: Vec::new(), exhausted: false };
    search(items, true, budget, builds, &mut found);
    found
}

fn search<T: Clone>(
    items: &[T],
    known_to_fail: bool,
    budget: &mut Budget,
    builds: &mut dyn FnMut(&[T]) -> bool,
    found: &mut Guilty<T>,
) {
    if items.is_empty() {
        return;
    }
    if !known_to_fail {
        if !budget.take() {
            found.exhausted = true;
            found.items.extend_from_slice(items);
            return;
        }
        if builds(items) {
            return;
        }
    }
    if items.len() == 1 {
        found.items.push(items[0].clone());
        return;
    }
    let (left, right) = items.split_at(items.len() / 2);
    let before = found.items.len();
    search(left, false, budget, builds, found);
    // When the left half built, the right half holds the culprit: no need to build it to know it fails.
    let left_clean = found.items.len() == before;
    search(right, left_clean, budget, builds, found);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Run a search where `guilty` are the culprits; returns what it found and the builds it made.
    fn run(n: usize, guilty: &[usize], budget: usize) -> (Guilty<usize>, usize) {
        let items: Vec<usize> = (0..n).collect();
        let mut count = 0;
        let mut budget = Budget::new(budget);
        let found = find_guilty(&items, &mut budget, &mut |subset| {
            count += 1;
            assert!(!subset.is_empty() && subset.len() < n, "only proper, non-empty subsets are built");
            !subset.iter().any(|i| guilty.contains(i))
        });
        (found, count)
    }

    #[test]
    fn a_single_item_that_fails_is_guilty_without_a_build() {
        let (found, builds) = run(1, &[0], 10);
        assert_eq!(found.items, [0]);
        assert_eq!(builds, 0);
    }

    #[test]
    fn finds_one_culprit_in_logarithmic_builds() {
        for culprit in 0..16 {
            let (found, builds) = run(16, &[culprit], 100);
            assert_eq!(found.items, [culprit]);
            assert!(!found.exhausted);
            assert!(builds <= 8, "{builds} builds for one culprit among 16");
        }
        let (found, builds) = run(1000, &[617], 100);
        assert_eq!(found.items, [617]);
        assert!(builds <= 20, "{builds} builds for one culprit among 1000");
    }

    #[test]
    fn finds_every_culprit() {
        for guilty in [&[0, 1][..], &[3, 9], &[0, 5, 9], &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]] {
            let (found, _) = run(10, guilty, 100);
            assert_eq!(found.items, guilty);
        }
    }

    #[test]
    fn two_items_one_guilty() {
        assert_eq!(run(2, &[0], 10), (Guilty { items: vec![0], exhausted: false }, 2));
        assert_eq!(run(2, &[1], 10), (Guilty { items: vec![1], exhausted: false }, 1));
        assert_eq!(run(2, &[0, 1], 10), (Guilty { items: vec![0, 1], exhausted: false }, 2));
    }

    #[test]
    fn a_spent_budget_counts_the_rest_as_guilty() {
        let (found, builds) = run(16, &[15], 2);
        assert_eq!(builds, 2);
        assert!(found.exhausted);
        assert!(found.items.contains(&15), "the culprit is never kept: {:?}", found.items);
        let (found, builds) = run(8, &[3], 0);
        assert_eq!(builds, 0);
        assert!(found.exhausted);
        assert_eq!(found.items, (0..8).collect::<Vec<_>>());
    }
}
