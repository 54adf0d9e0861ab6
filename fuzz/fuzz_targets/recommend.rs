//! Recommendations for arbitrary requests (ids in and out of range, any page size and knob
//! value, known and unknown filter names) against a fixed library.
//! The body is `playlike_core::fuzzing::recommend`, which `core/tests/fuzz_corpora.rs` also runs
//! on the committed corpus.
#![no_main]

use libfuzzer_sys::fuzz_target;
// Links in the allocation cap.
use playlike_fuzz as _;

fuzz_target!(|data: &[u8]| {
    playlike_core::fuzzing::recommend(data);
});
