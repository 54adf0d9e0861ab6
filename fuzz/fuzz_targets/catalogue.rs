//! The catalogue record parser on arbitrary lines (both the flat dump shape and the IGDB API
//! shape go through it), and what the builder derives from an accepted record.
#![no_main]

use libfuzzer_sys::fuzz_target;
use playlike_core::catalogue::parse_game_line;

fuzz_target!(|data: &[u8]| {
    let Ok(line) = std::str::from_utf8(data) else {
        return;
    };
    let mut warnings = Vec::new();
    if let Ok(game) = parse_game_line(line, &mut warnings) {
        let _ = game.release_year();
        let _ = playlike_core::features::notability(&game);
        let _ = playlike_core::features::is_main_game(&game);
    }
});
