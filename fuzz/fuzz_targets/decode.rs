//! Feeds arbitrary bytes to every index reader: none may panic, hang or over-allocate; each
//! must return a value or a `FormatError`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use playlike_core::format::{gunzip, CoverShard, DetailsShard, FeaturePart, Manifest, TitleShard};
use playlike_core::Library;

fuzz_target!(|data: &[u8]| {
    let raw = gunzip(data).unwrap_or_else(|_| data.to_vec());
    if let Ok(shard) = TitleShard::decode(&raw) {
        let mut library = Library::new();
        if library.add_titles(shard).is_ok() {
            let _ = library.search("a", 5);
        }
    }
    if let Ok(part) = FeaturePart::decode(&raw) {
        let mut library = Library::new();
        let _ = library.add_features(part);
    }
    let _ = DetailsShard::decode(&raw);
    if let Ok(shard) = CoverShard::decode(&raw) {
        let mut library = Library::new();
        if library.add_covers(shard).is_ok() {
            let _ = library.card(0);
        }
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = Manifest::from_json(text);
    }
});
