//! `manifest.json` parsing and layout checking on arbitrary text, then what a reader asks of
//! an accepted manifest (details shard lookup, sizes, and opening a file against an entry).
#![no_main]

use libfuzzer_sys::fuzz_target;
use playlike_core::format::{open_part, Manifest};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(manifest) = Manifest::from_json(text) else {
        return;
    };
    let _ = manifest.upfront_bytes();
    let _ = manifest.details_file_for(0);
    let _ = manifest.details_file_for(manifest.games.saturating_sub(1));
    if let Some(entry) = manifest.files.first() {
        let _ = open_part(entry, data);
    }
    let again = Manifest::from_json(&manifest.to_json()).expect("a checked manifest re-parses");
    assert_eq!(again, manifest);
});
