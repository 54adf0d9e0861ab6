//! The details shard decoder on arbitrary sealed payloads, and a lookup in an accepted shard.
#![no_main]

use libfuzzer_sys::fuzz_target;
use playlike_core::format::envelope::{seal, PartKind};
use playlike_core::format::DetailsShard;

fuzz_target!(|payload: &[u8]| {
    if let Ok(shard) = DetailsShard::decode(&seal(PartKind::Details, payload)) {
        let _ = shard.get(shard.first_game);
        let _ = shard.get(u32::MAX);
    }
});
