//! Resolving many references at once: lock file first ([`locked`]), then the registry, or, without network, the
//! cache ([`resolve`]).
//!
//! Each distinct reference is looked up once. Lookups run on a bounded pool of threads (`[registry] parallel`,
//! 8 by default), with at most [`PER_REGISTRY`] in flight to any one host, so different registries are asked in
//! parallel and none is flooded.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::{Condvar, Mutex};
use std::time::Duration;

use super::cache::Cache;
use super::client::Client;
use super::config::RegistryConfig;
use super::lock::LockFile;
use super::reference::Reference;

/// Requests in flight to one registry host at most.
pub const PER_REGISTRY: usize = 4;

/// Where a digest came from; decides how sure a pin is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// Asked of the registry in this run.
    Registry,
    /// Read from `dfix.lock`, which the user committed.
    Lock,
    /// Read from dfix's cache, resolved `age` ago.
    Cache { age: Duration },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    Resolved {
        digest: String,
        origin: Origin,
        /// Why the registry was not used, when it was asked and failed (the digest then comes from the cache).
        fallback: Option<String>,
    },
    /// The registry answered that the tag does not exist (HTTP 404): a fact, not a failure to ask.
    Missing(String),
    /// Why the reference could not be resolved (the registry could not be asked, or refused).
    Failed(String),
}

/// The digests of one run, by reference key (`docker.io/library/python:3.12`). Read-only for transforms.
#[derive(Debug, Clone, Default)]
pub struct Resolutions {
    map: HashMap<String, Resolution>,
    /// `--update-digests`: images already pinned were re-resolved, and pins that moved are rewritten.
    pub update: bool,
}

impl Resolutions {
    pub fn new(update: bool) -> Self {
        Self { map: HashMap::new(), update }
    }

    pub fn get(&self, reference: &Reference) -> Option<&Resolution> {
        self.map.get(&reference.key())
    }

    pub fn insert(&mut self, reference: &Reference, resolution: Resolution) {
        self.map.insert(reference.key(), resolution);
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// The digests that came from the registry in this run, by key (what a lock file records).
    pub fn from_registry(&self) -> BTreeMap<String, String> {
        self.map
            .iter()
            .filter_map(|(k, r)| match r {
                Resolution::Resolved { digest, origin: Origin::Registry, .. } => Some((k.clone(), digest.clone())),
                _ => None,
            })
            .collect()
    }
}

/// How one group of references (those governed by one `[registry]` configuration) is resolved.
pub struct Request<'a> {
    pub config: &'a RegistryConfig,
    /// The directory of the dfix.toml, for relative CA paths.
    pub config_dir: Option<&'a Path>,
    /// `None` when the network may be used; otherwise why not (ends the "could not resolve" note).
    pub offline: Option<&'a str>,
    pub update: bool,
    pub cache: Option<&'a Cache>,
}

/// What a run of [`resolve`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    /// HTTP requests made, token requests included.
    pub requests: usize,
    /// References looked up in a registry.
    pub looked_up: usize,
}

/// Split `references` into those `lock` pins (unless `update` asks to look again) and the rest.
pub fn locked(
    references: Vec<Reference>,
    lock: Option<&LockFile>,
    update: bool,
) -> (Vec<(Reference, Resolution)>, Vec<Reference>) {
    let mut found = Vec::new();
    let mut rest = Vec::new();
    for reference in references {
        match lock.filter(|_| !update).and_then(|l| l.get(&reference.key())) {
            Some(digest) => {
                let resolution =
                    Resolution::Resolved { digest: digest.to_string(), origin: Origin::Lock, fallback: None };
                found.push((reference, resolution));
            }
            None => rest.push(reference),
        }
    }
    (found, rest)
}

/// Resolve every reference (duplicates are looked up once) in the registry, or without network in the cache.
pub fn resolve(references: &[Reference], request: &Request<'_>) -> (Resolutions, Stats) {
    let mut resolutions = Resolutions::new(request.update);
    let mut distinct: Vec<&Reference> = references.iter().collect();
    distinct.sort_by_key(|r| r.key());
    distinct.dedup_by_key(|r| r.key());

    let mut to_fetch = Vec::new();
    for reference in distinct {
        match request.offline {
            Some(why) => {
                let resolution = from_cache(request, reference, None)
                    .unwrap_or_else(|| Resolution::Failed(format!("not in dfix.lock or dfix's cache, and {why}")));
                resolutions.insert(reference, resolution);
            }
            None => to_fetch.push(reference),
        }
    }
    if to_fetch.is_empty() {
        return (resolutions, Stats::default());
    }

    let client = Client::new(request.config, request.config_dir);
    let results = run_pool(&client, &to_fetch, request.config.parallel());
    for (reference, result) in to_fetch.iter().zip(results) {
        let resolution = match result {
            Ok(digest) => {
                if let Some(cache) = request.cache {
                    cache.put(&reference.key(), &digest);
                }
                Resolution::Resolved { digest, origin: Origin::Registry, fallback: None }
            }
            // A tag the registry says is not there is not taken from the cache: it was removed, or never existed.
            Err(e @ super::client::ResolveError::NotFound { .. }) => Resolution::Missing(e.to_string()),
            Err(e) => {
                let why = e.to_string();
                from_cache(request, reference, Some(why.clone())).unwrap_or(Resolution::Failed(why))
            }
        };
        resolutions.insert(reference, resolution);
    }
    if let Some(cache) = request.cache {
        let _ = cache.save();
    }
    let stats = Stats { requests: client.requests(), looked_up: to_fetch.len() };
    (resolutions, stats)
}

fn from_cache(request: &Request<'_>, reference: &Reference, fallback: Option<String>) -> Option<Resolution> {
    let (digest, age) = request.cache?.get(&reference.key(), request.config.cache_ttl())?;
    Some(Resolution::Resolved { digest, origin: Origin::Cache { age }, fallback })
}

/// Look every reference up on at most `parallel` threads, at most [`PER_REGISTRY`] per host. Results come back in
/// the order of `references`.
fn run_pool(
    client: &Client,
    references: &[&Reference],
    parallel: usize,
) -> Vec<Result<String, super::client::ResolveError>> {
    struct State {
        next: Vec<usize>,
        busy: HashMap<String, usize>,
    }
    let hosts: Vec<String> = references.iter().map(|r| client.endpoint(&r.registry).host).collect();
    let state = Mutex::new(State { next: (0..references.len()).rev().collect(), busy: HashMap::new() });
    let wake = Condvar::new();
    let results: Mutex<Vec<Option<Result<String, super::client::ResolveError>>>> =
        Mutex::new(vec![None; references.len()]);
    let workers = parallel.min(references.len()).max(1);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    // Take the next reference whose host has room, or wait for one to free up.
                    let index = {
                        let mut s = state.lock().unwrap_or_else(|e| e.into_inner());
                        loop {
                            if s.next.is_empty() {
                                return;
                            }
                            let pick = s
                                .next
                                .iter()
                                .rposition(|&i| s.busy.get(&hosts[i]).copied().unwrap_or(0) < PER_REGISTRY);
                            if let Some(pos) = pick {
                                let i = s.next.remove(pos);
                                *s.busy.entry(hosts[i].clone()).or_default() += 1;
                                break i;
                            }
                            s = wake.wait(s).unwrap_or_else(|e| e.into_inner());
                        }
                    };
                    let result = client.resolve(references[index]);
                    results.lock().unwrap_or_else(|e| e.into_inner())[index] = Some(result);
                    let mut s = state.lock().unwrap_or_else(|e| e.into_inner());
                    if let Some(n) = s.busy.get_mut(&hosts[index]) {
                        *n -= 1;
                    }
                    drop(s);
                    wake.notify_all();
                }
            });
        }
    });
    results.into_inner().unwrap_or_else(|e| e.into_inner()).into_iter().map(|r| r.expect("every index ran")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reference(text: &str) -> Reference {
        Reference::parse(text).unwrap()
    }

    #[test]
    fn offline_uses_the_lock_then_the_cache_and_names_what_is_missing() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (format!("sha256:{}", "a".repeat(64)), format!("sha256:{}", "b".repeat(64)));
        let mut lock = LockFile::default();
        lock.digests.insert(reference("python:3").key(), a.clone());
        let cache = Cache::open(dir.path());
        cache.put(&reference("node:20").key(), &b);
        let config = RegistryConfig::default();
        let request = Request {
            config: &config,
            config_dir: None,
            offline: Some("--offline keeps dfix off the network"),
            update: false,
            cache: Some(&cache),
        };
        let refs = [reference("python:3"), reference("node:20"), reference("debian:12"), reference("python:3")];
        let (from_lock, rest) = locked(refs.to_vec(), Some(&lock), false);
        assert_eq!(from_lock.len(), 2, "both python:3 are in the lock");
        assert!(matches!(&from_lock[0].1, Resolution::Resolved { origin: Origin::Lock, digest, .. } if *digest == a));
        let (found, stats) = resolve(&rest, &request);
        assert_eq!(stats, Stats::default());
        assert_eq!(found.len(), 2);
        assert!(
            matches!(found.get(&refs[1]), Some(Resolution::Resolved { origin: Origin::Cache { .. }, digest, .. }) if *digest == b)
        );
        match found.get(&refs[2]) {
            Some(Resolution::Failed(why)) => assert!(why.contains("--offline"), "{why}"),
            other => panic!("{other:?}"),
        }
        assert_eq!(found.from_registry().len(), 0);
    }

    #[test]
    fn update_skips_the_lock() {
        let mut lock = LockFile::default();
        lock.digests.insert(reference("python:3").key(), format!("sha256:{}", "a".repeat(64)));
        let (found, rest) = locked(vec![reference("python:3")], Some(&lock), true);
        assert!(found.is_empty());
        assert_eq!(rest, [reference("python:3")]);
    }
}
