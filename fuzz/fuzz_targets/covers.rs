//! The cover shard decoder on arbitrary sealed payloads, then every row read and a card shown.
//! The body is `playlike_core::fuzzing::covers`, which `core/tests/fuzz_corpora.rs` also runs
//! on the committed corpus.
#![no_main]

use libfuzzer_sys::fuzz_target;
// Links in the allocation cap.
use playlike_fuzz as _;

fuzz_target!(|data: &[u8]| {
    playlike_core::fuzzing::covers(data);
});
