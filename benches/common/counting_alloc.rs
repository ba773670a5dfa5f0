//! A global allocator that counts heap allocations per thread, for `benches/alloc.rs` and
//! `tests/alloc_count.rs`.
//!
//! Implementing `GlobalAlloc` needs `unsafe impl`: there is no safe way to observe the
//! allocator. The library keeps `#![forbid(unsafe_code)]`; this file is only compiled
//! into the two measurement binaries, and it only forwards to `System` after bumping a
//! counter. Counters are per thread (test threads run in parallel) and const-initialised
//! without a destructor, so reading them never allocates and never recurses into the
//! allocator.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

pub struct Counting;

thread_local! {
    static ALLOCS: Cell<u64> = const { Cell::new(0) };
    static BYTES: Cell<u64> = const { Cell::new(0) };
}

fn count(size: usize) {
    // `try_with`: during thread teardown the slot may be gone; skip counting then.
    let _ = ALLOCS.try_with(|c| c.set(c.get() + 1));
    let _ = BYTES.try_with(|c| c.set(c.get() + size as u64));
}

// SAFETY: every method forwards to `System` with the caller's arguments unchanged; the
// counting touches only const thread-locals and cannot allocate.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count(layout.size());
        // SAFETY: same contract as our caller's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count(layout.size());
        // SAFETY: same contract as our caller's.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as our caller's.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // A reallocation is a new heap request as far as cost goes: count it.
        count(new_size);
        // SAFETY: same contract as our caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

/// (allocations including reallocations, bytes requested) on this thread while `f` runs.
pub fn measure<R>(f: impl FnOnce() -> R) -> (u64, u64, R) {
    let a0 = ALLOCS.with(Cell::get);
    let b0 = BYTES.with(Cell::get);
    let r = f();
    let a1 = ALLOCS.with(Cell::get);
    let b1 = BYTES.with(Cell::get);
    (a1 - a0, b1 - b0, r)
}
