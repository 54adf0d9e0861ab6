//! The details shard decoder on arbitrary sealed payloads, and lookups in an accepted shard.
//! The body is `playlike_core::fuzzing::details`, which `core/tests/fuzz_corpora.rs` also runs
//! on the committed corpus.
#![no_main]

use libfuzzer_sys::fuzz_target;
// Links in the allocation cap.
use playlike_fuzz as _;

fuzz_target!(|data: &[u8]| {
    playlike_core::fuzzing::details(data);
});
