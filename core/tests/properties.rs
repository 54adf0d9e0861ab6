//! Property tests of every reader on hostile input, the quick counterpart of the fuzz targets
//! in `fuzz/`: random payloads sealed in a valid envelope (so they get past the checksum and
//! reach the decoders), mutations of valid parts and manifests, arbitrary catalogue lines
//! and arbitrary search queries and recommendation requests. Nothing may panic; what is
//! accepted must hold the invariants readers rely on. Where a property feeds a fuzz target's
//! input, it calls that target's body (`playlike_core::fuzzing`), which checks them.
#![cfg(not(target_arch = "wasm32"))]

use std::sync::OnceLock;

use playlike_core::build::{build_index, BuildOptions, BuiltIndex};
use playlike_core::catalogue::parse_game_line;
use playlike_core::format::envelope::{open, seal, PartKind};
use playlike_core::format::{open_stored, FeaturePart, FileRole, Manifest, TitleShard};
use playlike_core::{fuzzing, Game, Library};
use proptest::prelude::*;

/// A small real index, built once.
fn built() -> &'static BuiltIndex {
    static BUILT: OnceLock<BuiltIndex> = OnceLock::new();
    BUILT.get_or_init(|| {
        let games: Vec<Game> = (0..60)
            .map(|i| Game {
                igdb_id: i + 1,
                name: format!("Game {i} of the Ages II"),
                genres: vec![["Indie", "Puzzle", "Shooter"][i as usize % 3].into()],
                platforms: vec![["PC", "Switch"][i as usize % 2].into()],
                developers: vec![format!("Studio {}", i % 7)],
                summary: Some("A puzzle about time, doors and a lighthouse.".into()),
                cover_image_id: Some(format!("co{}", i + 10)),
                ..Game::default()
            })
            .collect();
        let options = BuildOptions {
            head_titles: 20,
            title_shard_size: 20,
            details_shard_size: 16,
            ..BuildOptions::default()
        };
        build_index(games, &options)
    })
}

/// The payload (inside the envelope) of the first built file with `role`.
fn payload(role: FileRole, kind: PartKind) -> Vec<u8> {
    let built = built();
    let at = built
        .manifest
        .files
        .iter()
        .position(|f| f.role == role)
        .unwrap();
    let raw = open_stored(&built.manifest.files[at], &built.files[at].1).unwrap();
    open(&raw, kind).unwrap().to_vec()
}

fn library() -> &'static Library {
    static LIBRARY: OnceLock<Library> = OnceLock::new();
    LIBRARY.get_or_init(|| built().load().unwrap())
}

/// A few byte edits: overwrite, insert or delete at positions drawn from `edits`.
fn mutate(mut bytes: Vec<u8>, edits: &[(usize, u8, u8)]) -> Vec<u8> {
    for &(at, op, value) in edits {
        let at = at % (bytes.len() + 1);
        match op % 3 {
            0 if at < bytes.len() => bytes[at] = value,
            1 => bytes.insert(at, value),
            _ if at < bytes.len() => {
                bytes.remove(at);
            }
            _ => {}
        }
    }
    bytes
}

fn edits() -> impl Strategy<Value = Vec<(usize, u8, u8)>> {
    proptest::collection::vec((any::<usize>(), any::<u8>(), any::<u8>()), 1..8)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// The fuzz targets' bodies: each checks what it accepts (see `playlike_core::fuzzing`).
    #[test]
    fn sealed_random_payloads_never_panic_a_decoder(
        payload in proptest::collection::vec(any::<u8>(), 0..1024)
    ) {
        fuzzing::titles(&payload);
        fuzzing::features(&payload);
        fuzzing::details(&payload);
        fuzzing::covers(&payload);
    }

    #[test]
    fn mutated_cover_shards_decode_consistently_or_not_at_all(edits in edits()) {
        fuzzing::covers(&mutate(payload(FileRole::Covers, PartKind::Covers), &edits));
    }

    #[test]
    fn mutated_title_shards_decode_consistently_or_not_at_all(edits in edits()) {
        fuzzing::titles(&mutate(payload(FileRole::Search, PartKind::Titles), &edits));
    }

    #[test]
    fn mutated_feature_parts_never_panic_the_recommender(edits in edits()) {
        let bytes = mutate(payload(FileRole::Recommend, PartKind::Features), &edits);
        if let Ok(part) = FeaturePart::decode(&seal(PartKind::Features, &bytes)) {
            let mut library = Library::new();
            let shards: Vec<TitleShard> = built()
                .manifest
                .files
                .iter()
                .zip(&built().files)
                .filter(|(entry, _)| entry.role == FileRole::Search)
                .map(|(entry, (_, stored))| TitleShard::decode(&open_stored(entry, stored).unwrap()).unwrap())
                .collect();
            library.add_title_shards(shards).unwrap();
            if library.add_features(part).is_ok() && library.can_recommend() {
                let _ = library.recommend(&playlike_core::Request::like(playlike_core::GameId::new(0)));
            }
        }
    }

    #[test]
    fn mutated_details_shards_never_panic(edits in edits()) {
        fuzzing::details(&mutate(payload(FileRole::Details, PartKind::Details), &edits));
    }

    #[test]
    fn manifests_with_changed_numbers_are_refused_or_still_tile(
        file in 0usize..64,
        field in 0u8..5,
        value in prop_oneof![Just(0u64), Just(1), Just(u64::from(u32::MAX)), any::<u32>().prop_map(u64::from)],
    ) {
        let mut manifest = built().manifest.clone();
        let at = file % manifest.files.len();
        let entry = &mut manifest.files[at];
        match field {
            0 => entry.first_game = value as u32,
            1 => entry.game_count = value as u32,
            2 => entry.bytes = value,
            3 => entry.raw_bytes = value,
            _ => manifest.games = value as u32,
        }
        let text = serde_json::to_string(&manifest).unwrap();
        if let Ok(parsed) = Manifest::from_json(&text) {
            for role in [FileRole::Search, FileRole::Recommend, FileRole::Details] {
                let covered: u64 = parsed.files_with_role(role).map(|f| u64::from(f.game_count)).sum();
                prop_assert_eq!(covered, u64::from(parsed.games));
            }
            // Cover shards hold the games from the first one they list to the end.
            let covers: Vec<_> = parsed.files_with_role(FileRole::Covers).collect();
            let from = covers.iter().map(|f| f.first_game).min().unwrap_or(parsed.games);
            let covered: u64 = covers.iter().map(|f| u64::from(f.game_count)).sum();
            prop_assert_eq!(covered, u64::from(parsed.games - from));
        }
    }

    #[test]
    fn manifest_text_never_panics_the_parser(text in "\\PC{0,400}") {
        fuzzing::manifest(text.as_bytes());
    }

    #[test]
    fn arbitrary_requests_never_panic_the_recommender(
        bytes in proptest::collection::vec(any::<u8>(), 0..64)
    ) {
        fuzzing::recommend(&bytes);
    }

    #[test]
    fn catalogue_lines_never_panic_the_parser(
        field in prop_oneof![
            Just("igdb_id"), Just("name"), Just("release_date"), Just("first_release_date"),
            Just("aggregated_rating"), Just("genres"), Just("platforms"), Just("cover"),
            Just("cover_url"), Just("external_ids"), Just("websites"), Just("category"),
            Just("parent_game"), Just("involved_companies"), Just("terms"),
        ],
        value in prop_oneof![
            Just("null".to_string()), Just("-1".to_string()), Just("1e308".to_string()),
            Just("18446744073709551616".to_string()), Just("[{}]".to_string()),
            Just("[[[[1]]]]".to_string()), Just("{\"name\":7}".to_string()),
            "\\PC{0,40}".prop_map(|s| serde_json::to_string(&s).unwrap()),
            any::<i64>().prop_map(|n| n.to_string()),
        ],
        raw in "\\PC{0,200}",
    ) {
        let mut warnings = Vec::new();
        let line = format!("{{\"igdb_id\":5,\"name\":\"A\",\"{field}\":{value}}}");
        if let Ok(game) = parse_game_line(&line, &mut warnings) {
            let _ = game.release_year();
            let _ = playlike_core::features::notability(&game);
        }
        let _ = parse_game_line(&raw, &mut warnings);
    }

    #[test]
    fn any_query_is_answered_in_rank_order(query in "\\PC{0,80}") {
        let hits = library().search(&query, 10);
        prop_assert!(hits.len() <= 10);
        prop_assert!(hits.windows(2).all(|w| w[0].score >= w[1].score));
    }
}
