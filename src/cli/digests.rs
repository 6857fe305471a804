//! Looking images up before fixing: the registry's answers that transforms need (`pin-digest`'s digests,
//! `slim-base`'s candidate tags, which exist or not), asked for before any file is fixed.
//!
//! The engine never does I/O, so the command line does it first. Every selected transform that
//! [`looks_up_images`](crate::transforms::Transform::looks_up_images) names, for every file it will process, the
//! references it needs ([`Transform::image_lookups`]: FROM lines, the global ARG defaults they use, or tags a
//! rewrite would move to). Each distinct reference is resolved once per registry configuration, in parallel (at
//! most `[registry] parallel` at once, a few per host), with mirrors and credentials applied: `dfix.lock` first,
//! then the registry, or dfix's cache without network (`--offline`, stdin). Each file gets a read-only
//! [`Resolutions`] map ([`Context::digests`](crate::transforms::Context::digests)) in which a reference is
//! resolved (a digest, with where it came from), missing (the registry said the tag does not exist) or failed (the
//! registry could not be asked; why). `dfix.lock` records only the digests of references some transform pins.
//! Files whose settings select no such transform cost nothing here.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::cli::input;
use crate::cli::settings::{LookupError, Settings};
use crate::registry::cache::Cache;
use crate::registry::lock::{self, LockFile};
use crate::registry::resolve::{self, Request};
use crate::registry::{Reference, RegistryConfig, Resolutions};
use crate::syntax::Dockerfile;
use crate::transforms::LookupContext;

/// Why the network is off, when it is.
pub const OFFLINE: &str = "--offline keeps dfix off the network";
pub const STDIN: &str =
    "--stdin-filename runs stay off the network unless dfix.toml sets `stdin-network = true` under [registry]";
pub const SERVER: &str = "the language server stays off the network unless its `network` setting is true";

/// The digests of a run, per settings, and the lock files to write on `--apply`.
#[derive(Default)]
pub struct Lookups {
    /// Settings (by address) -> the resolutions of its files.
    by_settings: HashMap<usize, Arc<Resolutions>>,
    locks: Vec<(LockFile, bool)>,
    /// Lock files that could not be read, each a line for stderr.
    pub errors: Vec<String>,
}

impl Lookups {
    pub fn for_settings(&self, settings: &Arc<Settings>) -> Option<Arc<Resolutions>> {
        self.by_settings.get(&key(settings)).cloned()
    }

    /// Record what the registry said in each lock file that exists or that `[registry] lock = true` asks for.
    /// Returns the lines to print: one per lock file written or failed.
    pub fn write_locks(&self) -> Vec<String> {
        let mut lines = Vec::new();
        for (lock, changed) in &self.locks {
            if !changed {
                continue;
            }
            match lock.save() {
                Ok(()) => lines.push(format!("{}: updated", lock.path.display())),
                Err(e) => lines.push(format!("{}: failed to write: {e}", lock.path.display())),
            }
        }
        lines
    }
}

fn key(settings: &Arc<Settings>) -> usize {
    Arc::as_ptr(settings) as usize
}

/// Look up the digests for the files of a run. `offline` is `--offline`.
pub fn for_files(jobs: &[(Result<Arc<Settings>, LookupError>, PathBuf)], offline: bool) -> Lookups {
    if !jobs.iter().any(|(s, _)| s.as_ref().is_ok_and(|s| s.looks_up_images())) {
        return Lookups::default();
    }
    let wanted: Vec<(Arc<Settings>, Vec<Wanted>)> = jobs
        .par_iter()
        .filter_map(|(settings, path)| {
            let settings = settings.as_ref().ok().filter(|s| s.looks_up_images())?;
            // Unreadable files are reported when they are processed.
            let source = input::read_file(path).ok()?;
            Some((settings.clone(), references(settings, source.body())))
        })
        .collect();
    resolve_all(wanted, offline.then_some(OFFLINE))
}

/// Look up the digests for one text (`--stdin-filename`).
pub fn for_text(settings: &Arc<Settings>, text: &str) -> Lookups {
    if !settings.looks_up_images() {
        return Lookups::default();
    }
    let network = settings.config.registry.stdin_network == Some(true) && !settings.offline;
    let reason = if settings.offline {
        Some(OFFLINE)
    } else if network {
        None
    } else {
        Some(STDIN)
    };
    resolve_all(vec![(settings.clone(), references(settings, text))], reason)
}

/// Look up the digests for a document open in an editor (`dfix server`): the network only when the server's
/// settings allow it (its settings are then not offline), else `dfix.lock` and the cache.
pub fn for_editor(settings: &Arc<Settings>, text: &str) -> Lookups {
    if !settings.looks_up_images() {
        return Lookups::default();
    }
    let reason = settings.offline.then_some(SERVER);
    resolve_all(vec![(settings.clone(), references(settings, text))], reason)
}

/// What the selected transforms want looked up in `text`, each reference once: with `pins` when any of them pins it.
fn references(settings: &Settings, text: &str) -> Vec<Wanted> {
    let file = Dockerfile::parse(text);
    if !file.errors().is_empty() {
        return Vec::new();
    }
    let cx = LookupContext {
        file: &file,
        config: &settings.config,
        knowledge: settings.knowledge(),
        update: settings.update_digests,
        pinning: settings.transforms.iter().any(|t| t.meta().id == "pin-digest"),
    };
    let mut out: Vec<Wanted> = Vec::new();
    // Once a run looks images up, every selected transform may name some: `eol-base` names the tags it would move
    // to only then, so that its default runs stay off the network.
    for transform in &settings.transforms {
        for lookup in transform.image_lookups(&cx) {
            let reference = Reference { digest: None, ..lookup.reference };
            match out.iter_mut().find(|w| w.reference.key() == reference.key()) {
                Some(w) => w.pins |= lookup.pins,
                None => out.push(Wanted { reference, pins: lookup.pins }),
            }
        }
    }
    out
}

/// A reference to look up, and whether a transform pins it (so `dfix.lock` records its digest).
#[derive(Clone)]
struct Wanted {
    reference: Reference,
    pins: bool,
}

/// Files whose registry configuration (CA paths made absolute) and `--update-digests` agree share their lookups,
/// whatever dfix.toml they come from: each distinct reference is asked once per run.
#[derive(PartialEq, Eq, Hash)]
struct NetworkKey {
    registry: RegistryConfig,
    update: bool,
}

/// The files of one network group that share a lock file (their dfix.toml's directory).
#[derive(Default)]
struct LockGroup {
    members: Vec<Arc<Settings>>,
    references: Vec<Reference>,
    /// Keys of the references some transform pins: the only ones the lock file records.
    pinned: std::collections::HashSet<String>,
}

fn resolve_all(wanted: Vec<(Arc<Settings>, Vec<Wanted>)>, offline: Option<&str>) -> Lookups {
    let mut groups: HashMap<NetworkKey, HashMap<PathBuf, LockGroup>> = HashMap::new();
    for (settings, references) in wanted {
        let config_dir = settings.config.path.as_deref().and_then(Path::parent).map(Path::to_path_buf);
        let mut registry = settings.config.registry.clone();
        registry.ca_certificates = registry.ca_paths(config_dir.as_deref());
        let network = NetworkKey { registry, update: settings.update_digests };
        let lock_dir = config_dir.unwrap_or_else(|| PathBuf::from("."));
        let group = groups.entry(network).or_default().entry(lock_dir).or_default();
        if !group.members.iter().any(|s| Arc::ptr_eq(s, &settings)) {
            group.members.push(settings);
        }
        for w in references {
            if w.pins {
                group.pinned.insert(w.reference.key());
            }
            group.references.push(w.reference);
        }
    }
    let cache = Cache::dir().map(|dir| Cache::open(&dir));
    let mut lookups = Lookups::default();
    for (network, lock_groups) in groups {
        // The lock file of each group first; what no lock file pins is asked of the registry once.
        let mut pending = Vec::new();
        let mut unlocked = Vec::new();
        for (lock_dir, group) in lock_groups {
            let lock_path = lock_dir.join(lock::FILE_NAME);
            let existing = match LockFile::load(&lock_path) {
                Ok(found) => found,
                Err(e) => {
                    lookups.errors.push(format!("{e}\n  hint: fix or delete the lock file; it was not used"));
                    None
                }
            };
            let (from_lock, rest) = resolve::locked(group.references.clone(), existing.as_ref(), network.update);
            unlocked.extend(rest.iter().cloned());
            let lock = if existing.is_some() || network.registry.lock == Some(true) {
                Some(existing.unwrap_or(LockFile { path: lock_path, ..LockFile::default() }))
            } else {
                None
            };
            pending.push((group, from_lock, rest, lock));
        }
        let request = Request {
            config: &network.registry,
            config_dir: None,
            offline,
            update: network.update,
            cache: cache.as_ref(),
        };
        let (resolved, _stats) = resolve::resolve(&unlocked, &request);
        for (group, from_lock, rest, lock) in pending {
            let mut resolutions = Resolutions::new(network.update);
            for (reference, resolution) in from_lock {
                resolutions.insert(&reference, resolution);
            }
            for reference in &rest {
                if let Some(resolution) = resolved.get(reference) {
                    resolutions.insert(reference, resolution.clone());
                }
            }
            if let Some(mut lock) = lock {
                let mut changed = false;
                for (k, digest) in resolutions.from_registry() {
                    if !group.pinned.contains(&k) {
                        continue;
                    }
                    if lock.digests.get(&k) != Some(&digest) {
                        lock.digests.insert(k, digest);
                        changed = true;
                    }
                }
                lookups.locks.push((lock, changed));
            }
            let resolutions = Arc::new(resolutions);
            for settings in group.members {
                lookups.by_settings.insert(key(&settings), resolutions.clone());
            }
        }
    }
    lookups
}
