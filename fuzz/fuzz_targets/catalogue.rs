//! The catalogue record parser on arbitrary lines (the flat dump shape and the IGDB API shape),
//! and what the builder derives from an accepted record.
//! The body is `playlike_core::fuzzing::catalogue`, which `core/tests/fuzz_corpora.rs` also runs
//! on the committed corpus.
#![no_main]

use libfuzzer_sys::fuzz_target;
// Links in the allocation cap.
use playlike_fuzz as _;

fuzz_target!(|data: &[u8]| {
    playlike_core::fuzzing::catalogue(data);
});
