//! Work shared by a fixed number of threads, each taking the next item when it is free.

use std::collections::VecDeque;
use std::sync::Mutex;

/// Runs `worker` on `jobs` threads (at least one) until `items` run out. Each worker pulls its items with the
/// `next` it is given, so it can set itself up once (a progress bar) before its first item.
pub fn run_queue<T: Send>(items: impl IntoIterator<Item = T>, jobs: usize, worker: impl Fn(&dyn Fn() -> Option<T>) + Sync) {
    let queue = Mutex::new(items.into_iter().collect::<VecDeque<T>>());
    // A function, not `queue.lock()` in a `while let` at the call site: there the guard would live through the
    // loop body, and the other workers would wait for each item to finish.
    let next = || queue.lock().expect("work queue").pop_front();
    std::thread::scope(|scope| {
        for _ in 0..jobs.max(1) {
            scope.spawn(|| worker(&next));
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::{Duration, Instant};

    #[test]
    fn two_jobs_work_on_two_items_at_the_same_time() {
        let started = AtomicUsize::new(0);
        let saw_both = AtomicUsize::new(0);
        run_queue([1, 2], 2, |next| {
            while next().is_some() {
                started.fetch_add(1, Ordering::SeqCst);
                let deadline = Instant::now() + Duration::from_secs(10);
                while started.load(Ordering::SeqCst) < 2 && Instant::now() < deadline {
                    std::thread::sleep(Duration::from_millis(1));
                }
                if started.load(Ordering::SeqCst) == 2 {
                    saw_both.fetch_add(1, Ordering::SeqCst);
                }
            }
        });
        assert_eq!(saw_both.load(Ordering::SeqCst), 2, "each item should run while the other one runs");
    }

    #[test]
    fn every_item_is_taken_once() {
        let done = Mutex::new(Vec::new());
        run_queue(0..100, 3, |next| {
            while let Some(item) = next() {
                done.lock().unwrap().push(item);
            }
        });
        let mut done = done.into_inner().unwrap();
        done.sort_unstable();
        assert_eq!(done, (0..100).collect::<Vec<_>>());
    }
}
