//! The feature part decoder on arbitrary sealed payloads, then expanding an accepted part next
//! to titles for its games and recommending from it.
//! The body is `playlike_core::fuzzing::features`, which `core/tests/fuzz_corpora.rs` also runs
//! on the committed corpus.
#![no_main]

use libfuzzer_sys::fuzz_target;
// Links in the allocation cap.
use playlike_fuzz as _;

fuzz_target!(|data: &[u8]| {
    playlike_core::fuzzing::features(data);
});
