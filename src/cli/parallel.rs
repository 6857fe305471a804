//! Work on many files at once, report them one at a time, in order.
//!
//! Results are handed to the reporting closure on the calling thread in the order of the input, as soon as every
//! earlier item is done: output streams while the work goes on, yet is the same from run to run. Items are taken
//! from the input as workers become free, and never more than [`WINDOW`] ahead of the last one reported, so memory
//! stays bounded however many items there are and however long one of them takes.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex, mpsc};

use rayon::prelude::*;

/// How far the work may run ahead of the reporting.
pub const WINDOW: usize = 256;

/// Run `work` on every item in parallel and `report` on the results, in input order. When `report` fails, the
/// remaining items are skipped and its error is returned.
pub fn map_in_order<T, R, E>(
    items: impl Iterator<Item = T> + Send,
    work: impl Fn(T) -> R + Sync,
    mut report: impl FnMut(R) -> Result<(), E>,
) -> Result<(), E>
where
    T: Send,
    R: Send,
{
    let gate = Gate { reported: Mutex::new(0), moved: Condvar::new(), stop: AtomicBool::new(false) };
    let (tx, rx) = mpsc::channel();
    std::thread::scope(|scope| {
        let (gate, work) = (&gate, &work);
        scope.spawn(move || {
            items.enumerate().take_while(|(i, _)| gate.admit(*i)).par_bridge().for_each_with(tx, |tx, (i, item)| {
                if !gate.stop.load(Ordering::Relaxed) {
                    let _ = tx.send((i, work(item)));
                }
            });
        });
        let mut pending = BTreeMap::new();
        let mut next = 0;
        for (i, result) in rx.iter() {
            pending.insert(i, result);
            while let Some(result) = pending.remove(&next) {
                next += 1;
                gate.reported(next);
                if let Err(e) = report(result) {
                    gate.halt();
                    return Err(e);
                }
            }
        }
        Ok(())
    })
}

/// Holds the producer back while it is more than [`WINDOW`] items ahead of the reporting.
struct Gate {
    reported: Mutex<usize>,
    moved: Condvar,
    stop: AtomicBool,
}

impl Gate {
    /// Wait until item `i` may start; false when the run is stopping.
    fn admit(&self, i: usize) -> bool {
        let mut reported = self.reported.lock().unwrap_or_else(|e| e.into_inner());
        while i >= *reported + WINDOW && !self.stop.load(Ordering::Relaxed) {
            reported = self.moved.wait(reported).unwrap_or_else(|e| e.into_inner());
        }
        !self.stop.load(Ordering::Relaxed)
    }

    fn reported(&self, n: usize) {
        *self.reported.lock().unwrap_or_else(|e| e.into_inner()) = n;
        self.moved.notify_all();
    }

    fn halt(&self) {
        let _guard = self.reported.lock().unwrap_or_else(|e| e.into_inner());
        self.stop.store(true, Ordering::Relaxed);
        self.moved.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_in_input_order() {
        let mut seen = Vec::new();
        let items: Vec<u64> = (0..200).collect();
        map_in_order(
            items.into_iter(),
            |i| {
                std::thread::sleep(std::time::Duration::from_micros((200 - i) * 10));
                i * 2
            },
            |r| -> Result<(), ()> {
                seen.push(r);
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(seen, (0..200).map(|i| i * 2).collect::<Vec<_>>());
    }

    #[test]
    fn stops_at_the_first_reporting_error() {
        let mut seen = 0;
        let result = map_in_order(
            0..100,
            |i: i32| i,
            |r| {
                seen += 1;
                if r == 5 { Err("stop") } else { Ok(()) }
            },
        );
        assert_eq!(result, Err("stop"));
        assert_eq!(seen, 6);
    }

    #[test]
    fn never_runs_more_than_a_window_ahead_of_the_reporting() {
        use std::sync::atomic::AtomicUsize;
        let started = AtomicUsize::new(0);
        let mut most_ahead = 0;
        let mut reported = 0;
        map_in_order(
            0..(WINDOW * 4),
            |i: usize| {
                started.fetch_add(1, Ordering::SeqCst);
                // The first item is slow: without the window, every other item would finish and wait in memory.
                if i == 0 {
                    std::thread::sleep(std::time::Duration::from_millis(200));
                }
                i
            },
            |r| -> Result<(), ()> {
                assert_eq!(r, reported);
                most_ahead = most_ahead.max(started.load(Ordering::SeqCst) - reported);
                reported += 1;
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(reported, WINDOW * 4);
        assert!(most_ahead <= WINDOW + 1, "{most_ahead} items started ahead of the reporting");
    }
}
