//! Work on many files at once, report them one at a time, in order.
//!
//! Results are handed to the reporting closure on the calling thread in the order of the input, as soon as every
//! earlier item is done: output streams while the work goes on, yet is the same from run to run.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;

use rayon::prelude::*;

/// Run `work` on every item in parallel and `report` on the results, in input order. When `report` fails, the
/// remaining items are skipped and its error is returned.
pub fn map_in_order<T, R, E>(
    items: Vec<T>,
    work: impl Fn(T) -> R + Sync,
    mut report: impl FnMut(R) -> Result<(), E>,
) -> Result<(), E>
where
    T: Send,
    R: Send,
{
    let stop = AtomicBool::new(false);
    let (tx, rx) = mpsc::channel();
    std::thread::scope(|scope| {
        let (stop, work) = (&stop, &work);
        scope.spawn(move || {
            items.into_par_iter().enumerate().for_each_with(tx, |tx, (i, item)| {
                if !stop.load(Ordering::Relaxed) {
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
                if let Err(e) = report(result) {
                    stop.store(true, Ordering::Relaxed);
                    return Err(e);
                }
            }
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_in_input_order() {
        let mut seen = Vec::new();
        let items: Vec<u64> = (0..200).collect();
        map_in_order(
            items,
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
            (0..100).collect(),
            |i: i32| i,
            |r| {
                seen += 1;
                if r == 5 { Err("stop") } else { Ok(()) }
            },
        );
        assert_eq!(result, Err("stop"));
        assert_eq!(seen, 6);
    }
}
