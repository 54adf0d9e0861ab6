//! What every fuzz target links in besides its body (`playlike_core::fuzzing`): an allocator
//! that refuses any single allocation over [`MAX_ALLOCATION`], so an input that makes a
//! reader over-allocate is a crash libFuzzer saves ("memory allocation of N bytes failed"),
//! even in builds without AddressSanitizer's malloc limit (`scripts/fuzz` uses `-s none`).

use std::alloc::{GlobalAlloc, Layout, System};

/// Largest single allocation a reader may make on a fuzz input (inputs are at most a few KB;
/// the readers' own caps are far below this).
pub const MAX_ALLOCATION: usize = 256 << 20;

/// The system allocator, failing allocations over [`MAX_ALLOCATION`].
pub struct CappedAllocator;

// SAFETY: every call is forwarded to the system allocator unchanged, except that oversized
// requests return null, which `GlobalAlloc` allows (the caller handles allocation failure).
unsafe impl GlobalAlloc for CappedAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if layout.size() > MAX_ALLOCATION {
            return std::ptr::null_mut();
        }
        System.alloc(layout)
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if layout.size() > MAX_ALLOCATION {
            return std::ptr::null_mut();
        }
        System.alloc_zeroed(layout)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size > MAX_ALLOCATION {
            return std::ptr::null_mut();
        }
        System.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static ALLOCATOR: CappedAllocator = CappedAllocator;
