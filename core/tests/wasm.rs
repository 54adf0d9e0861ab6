//! playlike-core on wasm32, in a real browser (headless Chromium via wasm-bindgen-test):
//! build a tiny index in memory, load it through the same path the web app uses (verify,
//! gunzip, decode, add to a `Library`), then search and recommend.
//!
//! Run: `scripts/test` (stage "wasm tests"), or
//! `CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
//!  CHROMEDRIVER=/usr/bin/chromedriver cargo test -p playlike-core --target wasm32-unknown-unknown --test wasm`
#![cfg(target_arch = "wasm32")]

use playlike_core::build::{build_index, BuildOptions};
use playlike_core::format::{open_stored, DetailsShard, FileRole};
use playlike_core::{Game, IgdbId, Library, Request};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn game(id: u64, name: &str, genres: &[&str], developer: &str, year: i64, links: usize) -> Game {
    Game {
        igdb_id: id,
        name: name.into(),
        genres: genres.iter().map(|s| s.to_string()).collect(),
        platforms: vec!["PC".into(), "Nintendo Switch".into()],
        developers: vec![developer.into()],
        // Mid-year of `year`, Unix seconds.
        release_date: Some((year - 1970) * 31_556_952 + 15_000_000),
        critic_rating: Some(85.0),
        links: (0..links)
            .map(|i| format!("https://example.org/{id}/{i}"))
            .collect(),
        category: Some(0),
        ..Game::default()
    }
}

fn catalogue() -> Vec<Game> {
    vec![
        game(
            113112,
            "Hades",
            &["Roguelike", "Action", "Indie"],
            "Supergiant Games",
            2020,
            9,
        ),
        game(
            1983,
            "Bastion",
            &["Action", "Indie", "Role-playing (RPG)"],
            "Supergiant Games",
            2011,
            6,
        ),
        game(
            26855,
            "Dead Cells",
            &["Roguelike", "Action", "Platform", "Indie"],
            "Motion Twin",
            2018,
            7,
        ),
        game(
            17000,
            "Stardew Valley",
            &["Simulation", "Role-playing (RPG)", "Indie"],
            "ConcernedApe",
            2016,
            8,
        ),
        game(
            26226,
            "Celeste",
            &["Platform", "Indie"],
            "Maddy Makes Games",
            2018,
            5,
        ),
        game(
            1020,
            "Grand Theft Auto V",
            &["Shooter", "Racing"],
            "Rockstar North",
            2013,
            4,
        ),
        game(
            7346,
            "The Legend of Zelda: Breath of the Wild",
            &["Adventure", "Role-playing (RPG)"],
            "Nintendo EPD",
            2017,
            3,
        ),
    ]
}

/// Loads every search and recommend file the way the web app does.
fn load(built: &playlike_core::build::BuiltIndex) -> Library {
    let mut lib = Library::new();
    let stored = |path: &str| {
        &built
            .files
            .iter()
            .find(|(p, _)| p == path)
            .unwrap_or_else(|| panic!("{path} is listed but was not built"))
            .1
    };
    for entry in built.manifest.files_with_role(FileRole::Search) {
        lib.add_file(entry, stored(&entry.path))
            .expect("title shard verifies, decodes and joins");
    }
    assert!(!lib.can_recommend(), "titles alone cannot recommend");
    for entry in built.manifest.files_with_role(FileRole::Recommend) {
        lib.add_file(entry, stored(&entry.path))
            .expect("feature part verifies, decodes and joins");
    }
    lib
}

#[wasm_bindgen_test]
fn builds_loads_searches_and_recommends_in_the_browser() {
    let built = build_index(catalogue(), &BuildOptions::default());
    let lib = load(&built);
    assert!(lib.can_recommend());
    assert_eq!(lib.loaded_titles(), 7);

    // Search: exact and prefix queries find the right game first.
    let name_of = |game| lib.card(game).unwrap().name.to_string();
    let hits = lib.search("hades", 5);
    assert_eq!(name_of(hits[0].game), "Hades");
    let hits = lib.search("stardew", 5);
    assert_eq!(name_of(hits[0].game), "Stardew Valley");
    let hits = lib.search("breath of the wild", 5);
    assert_eq!(
        name_of(hits[0].game),
        "The Legend of Zelda: Breath of the Wild"
    );

    // Recommend: games like Hades are the roguelike / same-studio action games, explained.
    let hades = lib
        .find_igdb(IgdbId(113112))
        .expect("Hades is in the index");
    let recs = lib
        .recommend(&Request::like(hades))
        .expect("recommendations work");
    assert!(!recs.is_empty());
    assert!(
        recs.iter().all(|r| r.game != hades),
        "never recommends the liked game"
    );
    let top: Vec<String> = recs.iter().take(2).map(|r| name_of(r.game)).collect();
    assert!(
        top.contains(&"Dead Cells".to_string()) && top.contains(&"Bastion".to_string()),
        "top two for Hades should be Dead Cells and Bastion, got {top:?}"
    );
    assert!(
        recs.iter().all(|r| !r.explanation.text().is_empty()),
        "every recommendation carries an explanation"
    );
    let bastion = recs.iter().find(|r| name_of(r.game) == "Bastion").unwrap();
    assert!(
        bastion.explanation.text().contains("Supergiant Games"),
        "Bastion is explained by its developer: {}",
        bastion.explanation.text()
    );
}

#[wasm_bindgen_test]
fn details_shards_and_corruption_checks_work_in_the_browser() {
    let built = build_index(catalogue(), &BuildOptions::default());
    let lib = load(&built);
    let celeste = lib.find_igdb(IgdbId(26226)).unwrap();
    let entry = built
        .manifest
        .details_file_for(celeste)
        .expect("every game has a details shard");
    let stored = &built
        .files
        .iter()
        .find(|(p, _)| *p == entry.path)
        .unwrap()
        .1;
    let shard = DetailsShard::decode(&open_stored(entry, stored).unwrap()).unwrap();
    let details = shard
        .get(celeste)
        .expect("Celeste's details are in its shard");
    assert_eq!(details.developers, vec!["Maddy Makes Games".to_string()]);

    // One flipped byte: the SHA-256 check refuses the file.
    let mut corrupt = stored.clone();
    let last = corrupt.len() - 1;
    corrupt[last] ^= 0xff;
    let err = open_stored(entry, &corrupt).unwrap_err();
    assert!(err.to_string().contains("sha256"), "{err}");
}
