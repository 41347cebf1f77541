//! The memory ceiling for the whole scan: a counting allocator that keeps
//! the number of live heap bytes, and the checks that compare it with the
//! ceiling at the places where a scan grows (each file parsed, each value
//! and instance the Terraform evaluator builds, each bundle evaluated).
//!
//! The allocator never refuses: an allocation that fails aborts the process
//! (exit 134, no report), which is exactly what the ceiling is there to
//! prevent. Instead the work that pushed memory over the ceiling is given up
//! at the next check and reported, and the rest of the scan goes on once
//! that work's data is dropped.

use std::alloc::{GlobalAlloc, Layout};
use std::cell::Cell;
use std::sync::atomic::{AtomicIsize, AtomicUsize, Ordering};

/// The ceiling when `--max-memory` is not given: 2 GiB, below the memory of
/// a common CI runner (7 GB on GitHub's) with room for the policy engine's
/// own peaks between checks.
pub const DEFAULT_CEILING: usize = 2 * 1024 * 1024 * 1024;

/// The lowest ceiling `--max-memory` accepts. The built-in policy engine and
/// the process's own tables take about 10 MiB before the first file is read;
/// below this a scan of a one-file repository would give up that file.
pub const MIN_CEILING: usize = 64 * 1024 * 1024;

/// Live heap bytes, counted by [`CountingAllocator`]: the sum of what every
/// thread has flushed (see [`PENDING`]), so it may be short by up to
/// [`BATCH`] bytes a thread, or briefly negative when one thread frees what
/// another allocated. Relaxed ordering: the figure is compared with a
/// ceiling, never used to synchronise.
static LIVE: AtomicIsize = AtomicIsize::new(0);

/// Bytes a thread counts on its own before adding them to [`LIVE`]. One
/// shared counter touched on every allocation cost the corpus scan half its
/// time again (both cores fighting over its cache line); 256 KiB a thread is
/// nothing beside a ceiling of at least 64 MiB.
const BATCH: isize = 256 * 1024;

thread_local! {
    /// This thread's allocations and frees not yet in [`LIVE`]. A `const`
    /// `Cell` of a plain integer: no lazy initialisation and no destructor,
    /// so the allocator may touch it at any time without allocating.
    static PENDING: Cell<isize> = const { Cell::new(0) };
}

/// Counts `delta` bytes (negative: freed) for this thread, and flushes the
/// thread's count to [`LIVE`] once it reaches [`BATCH`] either way.
fn count(delta: isize) {
    let flushed = PENDING.try_with(|pending| {
        let total = pending.get() + delta;
        if total.abs() >= BATCH {
            LIVE.fetch_add(total, Ordering::Relaxed);
            pending.set(0);
        } else {
            pending.set(total);
        }
    });
    if flushed.is_err() {
        // The thread is exiting and its local is gone: count directly.
        LIVE.fetch_add(delta, Ordering::Relaxed);
    }
}

static CEILING: AtomicUsize = AtomicUsize::new(DEFAULT_CEILING);

/// A global allocator that counts live bytes around another one.
///
/// The binary declares it as `#[global_allocator]`; in a process where it is
/// not the global allocator (unit tests) [`live_bytes`] stays 0 and no
/// ceiling is ever reached.
pub struct CountingAllocator<A>(pub A);

// SAFETY: every method forwards to the wrapped allocator unchanged and only
// updates a counter that never allocates, so the wrapped allocator's
// guarantees hold. Sizes fit `isize`: `Layout` guarantees it.
unsafe impl<A: GlobalAlloc> GlobalAlloc for CountingAllocator<A> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let ptr = self.0.alloc(layout);
        if !ptr.is_null() {
            count(layout.size() as isize);
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let ptr = self.0.alloc_zeroed(layout);
        if !ptr.is_null() {
            count(layout.size() as isize);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        self.0.dealloc(ptr, layout);
        count(-(layout.size() as isize));
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let new = self.0.realloc(ptr, layout, new_size);
        if !new.is_null() {
            count(new_size as isize - layout.size() as isize);
        }
        new
    }
}

/// Heap bytes live now (0 when [`CountingAllocator`] is not the global
/// allocator).
pub fn live_bytes() -> usize {
    usize::try_from(LIVE.load(Ordering::Relaxed)).unwrap_or(0)
}

/// Sets the ceiling for the rest of the process (`--max-memory`).
pub fn set_ceiling(bytes: usize) {
    CEILING.store(bytes, Ordering::Relaxed);
}

/// The ceiling in force.
pub fn ceiling() -> usize {
    CEILING.load(Ordering::Relaxed)
}

/// `Some(message)` when live memory is over the ceiling: the message names
/// the ceiling and how to raise it, for the finding or notification that
/// reports the work given up.
pub fn over_ceiling() -> Option<String> {
    let ceiling = ceiling();
    if live_bytes() <= ceiling {
        return None;
    }
    Some(format!(
        "memory ceiling of {} reached; not checked (raise it with --max-memory)",
        show_size(ceiling)
    ))
}

/// A size as a user would write it back to `--max-memory`: `2G`, `512M`,
/// `100K`, or bytes.
pub fn show_size(bytes: usize) -> String {
    for (unit, factor) in [("G", 1 << 30), ("M", 1 << 20), ("K", 1 << 10)] {
        if bytes >= factor && bytes.is_multiple_of(factor) {
            return format!("{}{unit}", bytes / factor);
        }
    }
    format!("{bytes} bytes")
}

/// Parses a `--max-memory` value: a whole number of bytes, or with a `K`,
/// `M` or `G` suffix (powers of 1024, `B`/`iB` accepted after it).
pub fn parse_size(text: &str) -> Result<usize, String> {
    let bad = || {
        format!("--max-memory {text:?} is not a size; write bytes or a number with K, M or G, e.g. 2G or 512M")
    };
    let trimmed = text.trim();
    let upper = trimmed.to_ascii_uppercase();
    let unit_start = upper
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(upper.len());
    let (digits, unit) = upper.split_at(unit_start);
    if digits.is_empty() {
        return Err(bad());
    }
    let factor: usize = match unit {
        "" | "B" => 1,
        "K" | "KB" | "KIB" => 1 << 10,
        "M" | "MB" | "MIB" => 1 << 20,
        "G" | "GB" | "GIB" => 1 << 30,
        _ => return Err(bad()),
    };
    let number: usize = digits.parse().map_err(|_| bad())?;
    let bytes = number.checked_mul(factor).ok_or_else(bad)?;
    if bytes < MIN_CEILING {
        return Err(format!(
            "--max-memory {text:?} is below the least a scan needs ({}), e.g. 512M",
            show_size(MIN_CEILING)
        ));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_with_and_without_units() {
        assert_eq!(parse_size("2G"), Ok(2 << 30));
        assert_eq!(parse_size("512m"), Ok(512 << 20));
        assert_eq!(parse_size("64MiB"), Ok(64 << 20));
        assert_eq!(parse_size("65536K"), Ok(64 << 20));
        assert_eq!(parse_size("67108864"), Ok(64 << 20));
    }

    #[test]
    fn bad_sizes_are_refused_with_an_example() {
        for text in ["", "G", "2T", "-1", "1.5G", "lots", "99999999999999999999G"] {
            let error = parse_size(text).unwrap_err();
            assert!(error.contains("e.g. 2G or 512M"), "{text}: {error}");
        }
        for text in ["0", "63M", "1048576"] {
            let error = parse_size(text).unwrap_err();
            assert!(
                error.contains("below the least a scan needs (64M)"),
                "{text}: {error}"
            );
        }
    }

    #[test]
    fn sizes_show_in_the_unit_they_were_written_in() {
        assert_eq!(show_size(2 << 30), "2G");
        assert_eq!(show_size(64 << 20), "64M");
        assert_eq!(show_size(1536), "1536 bytes");
        assert_eq!(show_size(3 << 10), "3K");
    }

    #[test]
    fn no_ceiling_is_reached_without_the_counting_allocator() {
        // Unit tests run on the system allocator: nothing is counted.
        assert_eq!(live_bytes(), 0);
        assert_eq!(over_ceiling(), None);
    }
}
