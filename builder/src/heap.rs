//! Heap accounting for `playlike bench`: a global allocator that wraps the system one and
//! counts the bytes live and the most live at once. The `playlike` binary installs it
//! (`main.rs`); anything else linking this library (tests) does not, and then the figures are
//! `None`.
//!
//! Native figures are an estimate of the engine's wasm heap: the same data structures, but
//! pointer-sized fields (`Vec`/`String` headers, `usize`) are twice as wide here, and the
//! wasm allocator's own overhead and fragmentation are not counted.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::Relaxed};

/// The counting allocator.
pub struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
static USED: AtomicBool = AtomicBool::new(false);

fn grew(bytes: usize) {
    let live = LIVE.fetch_add(bytes, Relaxed) + bytes;
    PEAK.fetch_max(live, Relaxed);
    USED.store(true, Relaxed);
}

// SAFETY: every call is forwarded to `System` unchanged; only counters are updated.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let ptr = System.alloc(layout);
        if !ptr.is_null() {
            grew(layout.size());
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let ptr = System.alloc_zeroed(layout);
        if !ptr.is_null() {
            grew(layout.size());
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout);
        LIVE.fetch_sub(layout.size(), Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let moved = System.realloc(ptr, layout, new_size);
        if !moved.is_null() {
            if new_size > layout.size() {
                grew(new_size - layout.size());
            } else {
                LIVE.fetch_sub(layout.size() - new_size, Relaxed);
            }
        }
        moved
    }
}

/// Bytes allocated and not yet freed, if the counting allocator is installed.
pub fn live() -> Option<usize> {
    USED.load(Relaxed).then(|| LIVE.load(Relaxed))
}

/// Most bytes live at once since the last [`reset_peak`], if the allocator is installed.
pub fn peak() -> Option<usize> {
    USED.load(Relaxed).then(|| PEAK.load(Relaxed))
}

/// Starts a new peak from what is live now.
pub fn reset_peak() {
    PEAK.store(LIVE.load(Relaxed), Relaxed);
}
