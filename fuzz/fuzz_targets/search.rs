//! The search query path: arbitrary queries against a fixed library, and arbitrary titles
//! indexed and searched (the first line of the input is the query, the rest are titles).
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use playlike_core::build::{build_index, BuildOptions};
use playlike_core::search::TitleIndex;
use playlike_core::{Game, Library};

/// A small library whose titles exercise the normaliser: punctuation, diacritics, roman
/// numerals, digits, stop words, long and one-letter titles.
fn library() -> &'static Library {
    static LIBRARY: OnceLock<Library> = OnceLock::new();
    LIBRARY.get_or_init(|| {
        let names = [
            "Final Fantasy VII", "Final Fantasy VII Remake", "Half-Life 2", "Pokémon Red",
            "The Legend of Zelda: Breath of the Wild", "Baldur's Gate 3", "Hades", "Hades II",
            "Celeste", "NieR:Automata", "Ōkami", "Ys VIII: Lacrimosa of Dana", "X", "1979",
            "Beneath the Surface", "S.T.A.L.K.E.R.: Shadow of Chernobyl", "Déjà Vu",
        ];
        let games: Vec<Game> = (0..200)
            .map(|i| Game {
                igdb_id: i as u64 + 1,
                name: format!("{} {}", names[i % names.len()], i / names.len()),
                platforms: vec!["PC".into()],
                ..Game::default()
            })
            .collect();
        build_index(games, &BuildOptions::default())
            .load()
            .expect("the built index loads")
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = library().search(text, 10);
    let mut lines = text.lines();
    let query = lines.next().unwrap_or_default();
    let titles: Vec<Option<&str>> = lines.take(64).map(Some).collect();
    let main = vec![true; titles.len()];
    let notability = vec![128; titles.len()];
    let index = TitleIndex::build(&titles, &main, &notability);
    let _ = index.search(query, 10);
});
