//! Largest job first: how the parallel stages hand out files and bundles.
//!
//! rayon splits a slice into runs of neighbouring items, one per worker.
//! When a few items cost many times the others (the custom resource
//! definitions of an operator, the one directory holding a hundred
//! manifests), the run holding them finishes long after the rest, and the
//! other workers wait. Here every worker takes the costliest item not yet
//! started, the longest-processing-time rule of scheduling: the stage ends
//! at most one item's time after the ideal.

use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

/// `work` on every item, with its cost, on the current rayon pool,
/// costliest first by `cost`; each worker keeps the state `init` gives it.
/// The results are in the order of `items`, whatever the scheduling.
pub(super) fn costliest_first<T, S, R>(
    items: &[T],
    cost: impl Fn(&T) -> u64 + Sync,
    init: impl Fn() -> S + Sync,
    work: impl Fn(&mut S, &T, u64) -> R + Sync,
) -> Vec<R>
where
    T: Sync,
    R: Send,
{
    let costs: Vec<u64> = items.par_iter().map(&cost).collect();
    let mut order: Vec<usize> = (0..items.len()).collect();
    // Stable, so that equal costs keep their order.
    order.sort_by_key(|&i| std::cmp::Reverse(costs[i]));
    let next = AtomicUsize::new(0);
    let mut done: Vec<(usize, R)> = (0..rayon::current_num_threads())
        .into_par_iter()
        .with_max_len(1)
        .flat_map_iter(|_| {
            let mut state = init();
            let mut mine = Vec::new();
            while let Some(&i) = order.get(next.fetch_add(1, Ordering::Relaxed)) {
                mine.push((i, work(&mut state, &items[i], costs[i])));
            }
            mine
        })
        .collect();
    done.sort_unstable_by_key(|&(i, _)| i);
    done.into_iter().map(|(_, result)| result).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pool(threads: usize) -> rayon::ThreadPool {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("a pool")
    }

    #[test]
    fn results_come_back_in_the_order_of_the_items() {
        let items: Vec<u64> = vec![3, 90, 1, 7, 90, 0, 42];
        for threads in [1, 2, 4] {
            let squares =
                pool(threads).install(|| costliest_first(&items, |&n| n, || (), |_, &n, _| n * n));
            assert_eq!(
                squares,
                vec![9, 8100, 1, 49, 8100, 0, 1764],
                "{threads} threads"
            );
        }
    }

    #[test]
    fn one_worker_takes_the_items_costliest_first_with_their_costs() {
        let items = ["b", "dddd", "a", "ccc"];
        let started = std::sync::Mutex::new(Vec::new());
        pool(1).install(|| {
            costliest_first(
                &items,
                |s| s.len() as u64,
                || (),
                |_, s, cost| started.lock().expect("not poisoned").push((*s, cost)),
            )
        });
        assert_eq!(
            started.into_inner().expect("not poisoned"),
            vec![("dddd", 4), ("ccc", 3), ("b", 1), ("a", 1)]
        );
    }

    #[test]
    fn each_worker_initialises_its_state_once() {
        let inits = AtomicUsize::new(0);
        let items: Vec<u64> = (0..100).collect();
        let counted = pool(2).install(|| {
            costliest_first(
                &items,
                |&n| n,
                || {
                    inits.fetch_add(1, Ordering::Relaxed);
                    0usize
                },
                |seen, _, _| {
                    *seen += 1;
                    *seen
                },
            )
        });
        assert_eq!(counted.len(), 100);
        assert!(inits.load(Ordering::Relaxed) <= 2, "{inits:?}");
    }

    #[test]
    fn no_items_give_no_results() {
        let none: Vec<u64> = Vec::new();
        assert!(pool(2)
            .install(|| costliest_first(&none, |&n| n, || (), |_, &n, _| n))
            .is_empty());
    }
}
