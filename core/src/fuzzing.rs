//! The bodies of the fuzz targets in `fuzz/`, one function per target, so the `cargo fuzz`
//! binaries (nightly, libFuzzer) and the corpus replay test (`core/tests/fuzz_corpora.rs`,
//! stable, part of `cargo test`) run the very same code on the same inputs.
//!
//! Each entry takes arbitrary bytes, must never panic, hang or over-allocate on them, and
//! asserts the invariants a reader relies on in whatever it accepts. Payload targets seal
//! their input in a valid envelope first, so the bytes get past the SHA-256 and reach the
//! part decoder. Each returns whether the input was accepted (decoded, parsed or answered),
//! which the replay test uses to check that a corpus reaches past the parsers.
//!
//! Not part of the public API: hidden from the docs, no stability promise.

use std::collections::HashSet;
use std::sync::OnceLock;

use crate::build::{build_index, BuildOptions};
use crate::catalogue::parse_game_line;
use crate::format::envelope::{seal, PartKind};
use crate::format::{
    decompress_at_most, open_part, CoverShard, Covers, DetailsShard, Encoding, FeaturePart,
    Manifest, TitleShard,
};
use crate::recommend::MAX_K;
use crate::search::TitleIndex;
use crate::{Filters, Game, GameId, Knobs, Library, Request};

/// A target's body: whether it accepted the input.
pub type Entry = fn(&[u8]) -> bool;

/// Every target: its name (its folder under `fuzz/corpus/`) and its entry.
pub const TARGETS: [(&str, Entry); 9] = [
    ("decode", decode),
    ("titles", titles),
    ("features", features),
    ("details", details),
    ("covers", covers),
    ("manifest", manifest),
    ("catalogue", catalogue),
    ("search", search),
    ("recommend", recommend),
];

/// Most bytes a fuzz input may decompress to: enough for any seed, small enough to stay fast.
const MAX_FUZZ_RAW_BYTES: u64 = 1 << 24;

/// Arbitrary bytes (decompressed when they are gzip or LZMA) through every reader: the
/// envelope stops nearly all of them, which is what this target checks; the payload targets
/// go further.
pub fn decode(data: &[u8]) -> bool {
    let raw = [Encoding::Gzip, Encoding::Lzma]
        .into_iter()
        .find_map(|encoding| decompress_at_most(encoding, data, MAX_FUZZ_RAW_BYTES).ok())
        .unwrap_or_else(|| data.to_vec());
    let titles = TitleShard::decode(&raw).map(use_titles).is_ok();
    let features = FeaturePart::decode(&raw).map(use_features).is_ok();
    let details = DetailsShard::decode(&raw).map(use_details).is_ok();
    let covers = CoverShard::decode(&raw).map(use_covers).is_ok();
    let manifest = std::str::from_utf8(data).is_ok_and(|text| Manifest::from_json(text).is_ok());
    titles || features || details || covers || manifest
}

/// A title shard payload: decoded, checked, added to a library, searched, shown on a card.
pub fn titles(payload: &[u8]) -> bool {
    TitleShard::decode(&seal(PartKind::Titles, payload))
        .map(use_titles)
        .is_ok()
}

/// A feature part payload: decoded, expanded next to titles for its games, recommended from.
pub fn features(payload: &[u8]) -> bool {
    FeaturePart::decode(&seal(PartKind::Features, payload))
        .map(use_features)
        .is_ok()
}

/// A details shard payload: decoded and looked up.
pub fn details(payload: &[u8]) -> bool {
    DetailsShard::decode(&seal(PartKind::Details, payload))
        .map(use_details)
        .is_ok()
}

/// A cover shard payload: decoded, every row read, added to a library and shown on a card.
pub fn covers(payload: &[u8]) -> bool {
    CoverShard::decode(&seal(PartKind::Covers, payload))
        .map(use_covers)
        .is_ok()
}

/// `manifest.json` text: parsed and layout-checked, then what a reader asks of it; an
/// accepted manifest must write out and parse back to itself.
pub fn manifest(data: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(data) else {
        return false;
    };
    let Ok(manifest) = Manifest::from_json(text) else {
        return false;
    };
    let _ = manifest.upfront_bytes();
    let _ = manifest.details_file_for(GameId::new(0));
    let _ = manifest.details_file_for(GameId::new(manifest.games.saturating_sub(1)));
    if let Some(entry) = manifest.files.first() {
        let _ = open_part(entry, data);
    }
    let again = Manifest::from_json(&manifest.to_json()).expect("a checked manifest re-parses");
    assert_eq!(again, manifest);
    true
}

/// One catalogue line (the flat dump shape or the IGDB API shape), and what the builder
/// derives from an accepted record.
pub fn catalogue(data: &[u8]) -> bool {
    let Ok(line) = std::str::from_utf8(data) else {
        return false;
    };
    let mut warnings = Vec::new();
    let Ok(game) = parse_game_line(line, &mut warnings) else {
        return false;
    };
    let _ = game.release_year();
    let _ = crate::features::notability(&game);
    let _ = crate::features::is_main_game(&game);
    true
}

/// The search query path: the input's first line as a query against a fixed library, then
/// against a title index built from the input's other lines (up to 64 titles).
pub fn search(data: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(data) else {
        return false;
    };
    let mut lines = text.lines();
    let query = lines.next().unwrap_or_default();
    let hits = fixture().search(query, 10);
    assert_ranked(
        hits.iter().map(|h| (h.game.get(), h.score)),
        10,
        fixture_games(),
    );
    let titles: Vec<Option<&str>> = lines.take(64).map(Some).collect();
    let main = vec![true; titles.len()];
    let notability = vec![128; titles.len()];
    let index = TitleIndex::build(&titles, &main, &notability);
    let own = index.search(query, 10);
    assert_ranked(own.iter().map(|h| (h.game, h.score)), 10, titles.len());
    !hits.is_empty() || !own.is_empty()
}

/// Recommendations for a request read from the bytes (liked and disliked ids in and out of
/// range, any page size, any knob value including NaN and infinities, filters naming known
/// and unknown platforms, stores and genres) against a fixed library.
pub fn recommend(data: &[u8]) -> bool {
    let library = fixture();
    let request = read_request(&mut Choices(data), library);
    let Ok(recs) = library.recommend(&request) else {
        return false;
    };
    assert!(recs.len() <= request.k.min(MAX_K), "{} results", recs.len());
    let mut seen = HashSet::new();
    for rec in &recs {
        assert!(rec.game.index() < fixture_games(), "game {}", rec.game);
        assert!(seen.insert(rec.game), "game {} twice", rec.game);
        assert!(!request.filters.exclude_games.contains(&rec.game));
    }
    true
}

/// What a reader relies on in a title shard it accepted: every column as long as the names,
/// every platform index inside the platform table, every cover readable.
pub fn check_title_shard(shard: &TitleShard) {
    let n = shard.len();
    assert_eq!(shard.igdb_ids.len(), n);
    assert_eq!(shard.years.len(), n);
    assert_eq!(shard.platforms.len(), n);
    assert_eq!(shard.flags.len(), n);
    assert_eq!(shard.notability.len(), n);
    let platforms = shard.platform_names.len();
    assert!(shard
        .platforms
        .flat()
        .iter()
        .all(|&p| (p as usize) < platforms));
    for row in 0..n {
        let _ = shard.cover(row);
    }
}

fn use_titles(shard: TitleShard) {
    check_title_shard(&shard);
    let first = shard.first_game;
    let mut library = Library::new();
    if library.add_titles(shard).is_ok() {
        let hits = library.search("the a 2", 5);
        assert!(hits.len() <= 5);
        let _ = library.card(GameId::new(first));
    }
}

fn use_features(part: FeaturePart) {
    assert_eq!(part.critic.len(), part.games as usize);
    // The part's columns already hold a byte per game, so this bound is only about time.
    if part.games == 0 || part.games > 4096 {
        return;
    }
    let mut library = Library::new();
    library
        .add_titles(titles_for(0, part.games))
        .expect("well-formed titles");
    if library.add_features(part).is_ok() && library.can_recommend() {
        let _ = library.recommend(&Request::like(GameId::new(0)));
        let _ = library.card(GameId::new(0));
        let _ = library.genre_names();
        let _ = library.store_names();
    }
}

fn use_details(shard: DetailsShard) {
    let first = shard.first_game;
    assert_eq!(
        shard.get(GameId::new(first)).is_some(),
        !shard.games.is_empty()
    );
    let middle = first.saturating_add(shard.games.len() as u32 / 2);
    let _ = shard.get(GameId::new(middle));
    if let Some(before) = first.checked_sub(1) {
        assert!(shard.get(GameId::new(before)).is_none());
    }
}

fn use_covers(shard: CoverShard) {
    for row in 0..shard.len().min(256) {
        let _ = shard.covers.get(row);
    }
    let (first, shown) = (shard.first_game, shard.len().min(4) as u32);
    let mut library = Library::new();
    if library.add_covers(shard).is_ok() && first.checked_add(shown).is_some() {
        library
            .add_titles(titles_for(first, shown))
            .expect("well-formed titles");
        let _ = library.card(GameId::new(first));
    }
}

/// Titles without covers for `games` games from `first_game` on, so a feature part can be
/// expanded or a cover shard shown.
fn titles_for(first_game: u32, games: u32) -> TitleShard {
    let n = games as usize;
    TitleShard {
        first_game,
        platform_names: vec!["PC".into()],
        names: (0..n).map(|i| format!("game {i}")).collect(),
        igdb_ids: (1..=games).collect(),
        years: vec![2000; n],
        platforms: vec![[0]; n].into_iter().collect(),
        covers: Covers::from_ids(Vec::<Option<&str>>::new()),
        flags: vec![1; n],
        notability: vec![100; n],
        aliases: Vec::new(),
    }
}

/// At most `k` hits, best first, each a game below `games`.
fn assert_ranked(hits: impl Iterator<Item = (u32, f32)>, k: usize, games: usize) {
    let hits: Vec<(u32, f32)> = hits.collect();
    assert!(hits.len() <= k, "{} hits", hits.len());
    assert!(hits.iter().all(|&(game, _)| (game as usize) < games));
    assert!(hits.windows(2).all(|w| w[0].1 >= w[1].1), "{hits:?}");
}

/// Games in the fixture library.
const FIXTURE_GAMES: usize = 60;

fn fixture_games() -> usize {
    fixture().loaded_titles()
}

/// A small library built once: titles that exercise the normaliser (punctuation,
/// diacritics, roman numerals, digits, stop words, one-letter titles) and enough genres,
/// platforms, developers, stores, years and ratings for every filter to bite.
fn fixture() -> &'static Library {
    static LIBRARY: OnceLock<Library> = OnceLock::new();
    LIBRARY.get_or_init(|| {
        build_index(fixture_games_list(), &BuildOptions::default())
            .load()
            .expect("the fixture index loads")
    })
}

fn fixture_games_list() -> Vec<Game> {
    let names = [
        "Final Fantasy VII",
        "Final Fantasy VII Remake",
        "Half-Life 2",
        "Pokémon Red",
        "The Legend of Zelda: Breath of the Wild",
        "Baldur's Gate 3",
        "Hades",
        "Hades II",
        "Celeste",
        "NieR:Automata",
        "Ōkami",
        "Ys VIII: Lacrimosa of Dana",
        "X",
        "1979",
        "Beneath the Surface",
        "S.T.A.L.K.E.R.: Shadow of Chernobyl",
        "Déjà Vu",
    ];
    let genres = [
        "Indie",
        "Puzzle",
        "Shooter",
        "Role-playing (RPG)",
        "Adventure",
    ];
    let platforms = ["PC (Microsoft Windows)", "Nintendo Switch", "PlayStation 4"];
    let stores = [
        "https://store.steampowered.com/app/",
        "https://www.gog.com/game/",
    ];
    // Few games, so that a run stays cheap: each name comes back about three times.
    (0..FIXTURE_GAMES)
        .map(|i| Game {
            igdb_id: i as u64 + 1,
            name: format!("{} {}", names[i % names.len()], i / names.len()),
            genres: vec![genres[i % genres.len()].into(), genres[i / 13].into()],
            platforms: vec![platforms[i % platforms.len()].into()],
            developers: vec![format!("Studio {}", i % 7)],
            series: (i % 5 == 0)
                .then(|| "Saga".to_string())
                .into_iter()
                .collect(),
            links: vec![format!("{}{i}", stores[i % stores.len()])],
            release_date: Some(946_684_800 + i as i64 * 31_536_000 / 2),
            critic_rating: (i % 3 != 0).then_some(40.0 + (i % 60) as f32),
            category: Some(if i % 11 == 0 { 1 } else { 0 }),
            summary: Some("A puzzle about time, doors and a lighthouse.".into()),
            ..Game::default()
        })
        .collect()
}

/// The fuzzer's bytes read as a sequence of choices; past the end every read is 0.
struct Choices<'a>(&'a [u8]);

impl Choices<'_> {
    fn byte(&mut self) -> u8 {
        let Some((&first, rest)) = self.0.split_first() else {
            return 0;
        };
        self.0 = rest;
        first
    }

    fn u16(&mut self) -> u16 {
        u16::from_le_bytes([self.byte(), self.byte()])
    }

    /// Any bit pattern: NaN, infinities and subnormals included.
    fn f32(&mut self) -> f32 {
        f32::from_bits(u32::from_le_bytes([
            self.byte(),
            self.byte(),
            self.byte(),
            self.byte(),
        ]))
    }

    /// A dense id: mostly in the fixture's range or just past it, sometimes far past.
    fn game(&mut self) -> GameId {
        GameId::new(match self.byte() {
            255 => u32::MAX,
            254 => u32::from(u16::MAX),
            id => u32::from(id & 0x3f),
        })
    }

    fn games(&mut self, most: u8) -> Vec<GameId> {
        let n = self.byte() % (most + 1);
        (0..n).map(|_| self.game()).collect()
    }

    /// Up to `most` of `names`, or a name no game has.
    fn names(&mut self, names: &[&str], most: u8) -> Vec<String> {
        let n = self.byte() % (most + 1);
        (0..n)
            .map(|_| {
                let at = usize::from(self.byte()) % (names.len() + 1);
                names.get(at).copied().unwrap_or("No Such Name").to_string()
            })
            .collect()
    }
}

fn read_request(choices: &mut Choices, library: &Library) -> Request {
    let like = choices.games(3);
    let dislike = choices.games(2);
    // Mostly short pages (a long one explains every game of the fixture, which is slow),
    // sometimes the largest page, one past it, or the largest number.
    let k = match choices.byte() {
        255 => usize::MAX,
        254 => MAX_K + 1,
        253 => MAX_K,
        k => usize::from(k % 24),
    };
    let knobs = Knobs {
        popularity: choices.f32(),
        recency: choices.f32(),
    };
    let set = choices.byte();
    let platforms: Vec<&str> = library
        .platform_names()
        .iter()
        .map(String::as_str)
        .collect();
    let filters = Filters {
        platform: choices.names(&platforms, 2),
        store: choices.names(&library.store_names(), 2),
        from: (set & 1 != 0).then(|| choices.u16()),
        to: (set & 2 != 0).then(|| choices.u16()),
        min_rating: (set & 4 != 0).then(|| choices.byte()),
        genre: choices.names(&library.genre_names(), 2),
        not_genre: choices.names(&library.genre_names(), 2),
        exclude_games: choices.games(3),
        all_types: set & 8 != 0,
    };
    Request {
        like,
        dislike,
        filters,
        knobs,
        k,
    }
}
