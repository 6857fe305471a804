//! The worker pool: requests in arrival order, and diagnostics per document with the latest text winning.
//!
//! The main thread never runs the engine. It hands the pool two kinds of jobs:
//! - requests (code actions, formatting), run first-come first-served ahead of diagnostics, since a user waits
//!   for them;
//! - one diagnostics job per document, keyed by its URI. Scheduling a document that already has a job waiting
//!   replaces that job, so a burst of changes costs one run on the last text, not one per change. A job becomes
//!   runnable at its `due` time (the debounce), and at most one job per document runs at a time, so results are
//!   published in the order of the texts.
//!
//! Each worker takes the first request, or else the runnable diagnostics job that has waited longest, from any
//! document not already running. With two or more workers a slow document occupies one of them while the others
//! go on serving other documents and requests. A job that panics is caught; a request then gets an internal
//! error response.

use std::collections::{HashMap, HashSet, VecDeque};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread;
use std::time::Instant;

use lsp_types::Uri;

type Job = Box<dyn FnOnce() + Send>;

struct Pending {
    due: Instant,
    job: Job,
}

#[derive(Default)]
struct State {
    requests: VecDeque<Job>,
    diagnostics: HashMap<Uri, Pending>,
    running: HashSet<Uri>,
    stopped: bool,
}

#[derive(Default)]
struct Shared {
    state: Mutex<State>,
    wake: Condvar,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic never happens while the lock is held (jobs run outside it), but be robust anyway.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

pub struct Pool {
    shared: Arc<Shared>,
    threads: Vec<thread::JoinHandle<()>>,
}

impl Pool {
    pub fn new(workers: usize) -> Self {
        let shared = Arc::new(Shared::default());
        let threads = (0..workers.max(1))
            .map(|i| {
                let shared = shared.clone();
                thread::Builder::new()
                    .name(format!("lsp-worker-{i}"))
                    .spawn(move || work(&shared))
                    .expect("spawn worker thread")
            })
            .collect();
        Self { shared, threads }
    }

    /// The number of workers for this machine: at least two, so one slow document cannot hold up the rest.
    pub fn default_size() -> usize {
        thread::available_parallelism().map(|n| n.get()).unwrap_or(2).clamp(2, 4)
    }

    /// Run `job` as soon as a worker is free.
    pub fn request(&self, job: impl FnOnce() + Send + 'static) {
        self.shared.lock().requests.push_back(Box::new(job));
        self.shared.wake.notify_one();
    }

    /// Compute `uri`'s diagnostics with `job` at `due` or later, replacing any job still waiting for it.
    pub fn diagnostics(&self, uri: Uri, due: Instant, job: impl FnOnce() + Send + 'static) {
        self.shared.lock().diagnostics.insert(uri, Pending { due, job: Box::new(job) });
        self.shared.wake.notify_all();
    }

    /// Forget the waiting diagnostics job of `uri` (a closed document).
    pub fn cancel_diagnostics(&self, uri: &Uri) {
        self.shared.lock().diagnostics.remove(uri);
    }

    /// Finish the jobs already taken and stop.
    pub fn stop(self) {
        self.shared.lock().stopped = true;
        self.shared.wake.notify_all();
        for t in self.threads {
            let _ = t.join();
        }
    }
}

fn work(shared: &Shared) {
    let mut state = shared.lock();
    loop {
        if state.stopped {
            return;
        }
        if let Some(job) = state.requests.pop_front() {
            drop(state);
            run(job);
            state = shared.lock();
            continue;
        }
        let now = Instant::now();
        let next = state
            .diagnostics
            .iter()
            .filter(|(uri, _)| !state.running.contains(*uri))
            .min_by_key(|(_, p)| p.due)
            .map(|(uri, p)| (uri.clone(), p.due));
        match next {
            Some((uri, due)) if due <= now => {
                let pending = state.diagnostics.remove(&uri).expect("found above");
                state.running.insert(uri.clone());
                drop(state);
                run(pending.job);
                state = shared.lock();
                state.running.remove(&uri);
                // A newer job for this document may be waiting for this one to finish.
                shared.wake.notify_all();
            }
            Some((_, due)) => {
                state = shared.wake.wait_timeout(state, due - now).unwrap_or_else(|e| e.into_inner()).0;
            }
            None => {
                state = shared.wake.wait(state).unwrap_or_else(|e| e.into_inner());
            }
        }
    }
}

fn run(job: Job) {
    // Jobs that answer requests catch their own panics to send an error response; this keeps the worker alive
    // whatever happens.
    if catch_unwind(AssertUnwindSafe(job)).is_err() {
        eprintln!("dfix server: a job panicked; the server goes on");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;
    use std::sync::mpsc;
    use std::time::Duration;

    #[test]
    fn a_waiting_job_is_replaced_by_a_newer_one() {
        let pool = Pool::new(2);
        let uri = Uri::from_str("file:///a/Dockerfile").unwrap();
        let (tx, rx) = mpsc::channel();
        let later = Instant::now() + Duration::from_millis(200);
        for version in 0..50 {
            let tx = tx.clone();
            pool.diagnostics(uri.clone(), later, move || tx.send(version).unwrap());
        }
        assert_eq!(rx.recv_timeout(Duration::from_secs(5)).unwrap(), 49);
        assert!(rx.recv_timeout(Duration::from_millis(300)).is_err(), "only the last job runs");
        pool.stop();
    }

    #[test]
    fn a_slow_document_does_not_block_another_or_a_request() {
        let pool = Pool::new(2);
        let slow = Uri::from_str("file:///slow/Dockerfile").unwrap();
        let fast = Uri::from_str("file:///fast/Dockerfile").unwrap();
        let (tx, rx) = mpsc::channel();
        let (release_tx, release_rx) = mpsc::channel::<()>();
        let t = tx.clone();
        pool.diagnostics(slow, Instant::now(), move || {
            release_rx.recv().unwrap();
            t.send("slow").unwrap();
        });
        std::thread::sleep(Duration::from_millis(50));
        let t = tx.clone();
        pool.diagnostics(fast, Instant::now(), move || t.send("fast").unwrap());
        let t = tx.clone();
        pool.request(move || t.send("request").unwrap());
        let mut first_two =
            [rx.recv_timeout(Duration::from_secs(5)).unwrap(), rx.recv_timeout(Duration::from_secs(5)).unwrap()];
        first_two.sort();
        assert_eq!(first_two, ["fast", "request"]);
        release_tx.send(()).unwrap();
        assert_eq!(rx.recv_timeout(Duration::from_secs(5)).unwrap(), "slow");
        pool.stop();
    }

    #[test]
    fn a_panicking_job_does_not_kill_the_worker() {
        let pool = Pool::new(1);
        let (tx, rx) = mpsc::channel();
        pool.request(|| panic!("boom"));
        pool.request(move || tx.send(1).unwrap());
        assert_eq!(rx.recv_timeout(Duration::from_secs(5)).unwrap(), 1);
        pool.stop();
    }
}
