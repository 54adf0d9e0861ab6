//! The search query path: arbitrary queries against a fixed library, and arbitrary titles
//! indexed and searched (the first line of the input is the query, the rest are titles).
//! The body is `playlike_core::fuzzing::search`, which `core/tests/fuzz_corpora.rs` also runs
//! on the committed corpus.
#![no_main]

use libfuzzer_sys::fuzz_target;
// Links in the allocation cap.
use playlike_fuzz as _;

fuzz_target!(|data: &[u8]| {
    playlike_core::fuzzing::search(data);
});
