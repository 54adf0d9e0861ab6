//! The title shard decoder on arbitrary payloads sealed in a valid envelope (so they get past
//! the checksum), then what a reader does with an accepted shard: add it, search it, show a card.
//! The body is `playlike_core::fuzzing::titles`, which `core/tests/fuzz_corpora.rs` also runs
//! on the committed corpus.
#![no_main]

use libfuzzer_sys::fuzz_target;
// Links in the allocation cap.
use playlike_fuzz as _;

fuzz_target!(|data: &[u8]| {
    playlike_core::fuzzing::titles(data);
});
