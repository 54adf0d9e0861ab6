//! `manifest.json` parsing and layout checking on arbitrary text, then what a reader asks of an
//! accepted manifest; it must write out and parse back to itself.
//! The body is `playlike_core::fuzzing::manifest`, which `core/tests/fuzz_corpora.rs` also runs
//! on the committed corpus.
#![no_main]

use libfuzzer_sys::fuzz_target;
// Links in the allocation cap.
use playlike_fuzz as _;

fuzz_target!(|data: &[u8]| {
    playlike_core::fuzzing::manifest(data);
});
