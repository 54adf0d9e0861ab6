//! The title shard decoder on arbitrary payloads sealed in a valid envelope (so the bytes get
//! past the checksum and reach the decoder), then what a reader does with a shard it accepts:
//! add it to a library, search it, show a card.
#![no_main]

use libfuzzer_sys::fuzz_target;
use playlike_core::format::envelope::{seal, PartKind};
use playlike_core::format::TitleShard;
use playlike_core::Library;

fuzz_target!(|payload: &[u8]| {
    let Ok(shard) = TitleShard::decode(&seal(PartKind::Titles, payload)) else {
        return;
    };
    let first = shard.first_game;
    let mut library = Library::new();
    if library.add_titles(shard).is_ok() {
        let _ = library.search("the a 2", 5);
        let _ = library.card(first);
    }
});
