//! The feature part decoder on arbitrary sealed payloads, then expanding an accepted part in
//! a library (next to titles for as many games as it claims) and recommending from it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use playlike_core::format::envelope::{seal, PartKind};
use playlike_core::format::{Covers, FeaturePart, TitleShard};
use playlike_core::{Library, Request};

/// Titles for `games` games, so a feature part can be completed.
fn titles(games: u32) -> TitleShard {
    let n = games as usize;
    TitleShard {
        first_game: 0,
        platform_names: vec!["PC".into()],
        names: (0..n).map(|i| format!("game {i}")).collect(),
        igdb_ids: (1..=games).collect(),
        years: vec![2000; n],
        platforms: vec![[0]; n].into_iter().collect(),
        covers: Covers::from_ids(vec![None; n]),
        flags: vec![1; n],
        notability: vec![100; n],
        aliases: Vec::new(),
    }
}

fuzz_target!(|payload: &[u8]| {
    let Ok(part) = FeaturePart::decode(&seal(PartKind::Features, payload)) else {
        return;
    };
    // The part's columns already hold a byte per game, so this bound is only about time.
    if part.games == 0 || part.games > 4096 {
        return;
    }
    let mut library = Library::new();
    library.add_titles(titles(part.games)).expect("well-formed titles");
    if library.add_features(part).is_ok() && library.can_recommend() {
        let _ = library.recommend(&Request::like(0));
        let _ = library.card(0);
        let _ = library.genre_names();
    }
});
