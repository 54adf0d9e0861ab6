//! The feature model: what makes two games similar, and how much each kind of evidence counts.
//!
//! Every game gets a sparse set of binary features, each in a [`Family`] (genre, theme,
//! developer, a descriptive term from the summary, …). A feature's weight is
//! `family weight × idf`, `idf = ln(N / df)`: a shared rare developer says far more than a
//! shared "PC" platform. Similarity is the cosine of those weighted vectors (see
//! [`crate::recommend`]). Besides features, a game carries a notability prior (how well known
//! it is, from whatever the source offers) and a main-game flag (DLC, soundtracks, editions
//! are not recommended as games).

use crate::catalogue::Game;
use crate::{descriptors, text};

/// A kind of feature. The discriminant is stored in the index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum Family {
    Genre = 0,
    Theme = 1,
    Keyword = 2,
    Platform = 3,
    Developer = 4,
    Publisher = 5,
    Series = 6,
    Mode = 7,
    Perspective = 8,
    /// A distinctive word or phrase from the summary, chosen at build time.
    Term = 9,
    /// A distinctive word of the title (links series when the source has no series field).
    TitleWord = 10,
    /// A store the game is sold on (from its links; see [`crate::catalogue::Store`]).
    Store = 11,
    /// A sub-genre or mechanic named in the summary (see [`crate::descriptors`]).
    Descriptor = 12,
}

impl Family {
    pub const ALL: [Family; 13] = [
        Family::Genre,
        Family::Theme,
        Family::Keyword,
        Family::Platform,
        Family::Developer,
        Family::Publisher,
        Family::Series,
        Family::Mode,
        Family::Perspective,
        Family::Term,
        Family::TitleWord,
        Family::Store,
        Family::Descriptor,
    ];

    pub fn from_u8(value: u8) -> Option<Family> {
        Family::ALL.get(usize::from(value)).copied()
    }

    /// Lowercase name used in reports.
    pub fn label(self) -> &'static str {
        match self {
            Family::Genre => "genre",
            Family::Theme => "theme",
            Family::Keyword => "keyword",
            Family::Platform => "platform",
            Family::Developer => "developer",
            Family::Publisher => "publisher",
            Family::Series => "series",
            Family::Mode => "mode",
            Family::Perspective => "perspective",
            Family::Term => "term",
            Family::TitleWord => "title word",
            Family::Store => "store",
            Family::Descriptor => "descriptor",
        }
    }
}

/// Families a reader derives from the title shards (platform lists and titles) instead of
/// downloading the same facts twice.
pub const DERIVED_FAMILIES: [Family; 2] = [Family::Platform, Family::TitleWord];

/// Families kept out of the index's feature part: measured to add too little for their bytes
/// (publishers: about one point of same-developer and same-series hit rate for 0.33 MB; see
/// docs/QUALITY.md). The game page still shows them from the details shards.
pub const UNSHIPPED_FAMILIES: [Family; 1] = [Family::Publisher];

/// A feature derived at load time: family, name and the ascending games that have it.
pub type DerivedFeature = (Family, String, Vec<u32>);

/// A derived feature needs this many games: one held by a single game links no two games.
pub const MIN_DERIVED_GAMES: usize = 2;

/// Platform and title-word features of every game (by dense id), kept when at least two
/// games share them. `title_words` are the title search dictionary's normalised words with
/// their ascending games (the reader has split every title already).
pub fn derived_features<'a>(
    title_words: Vec<(&str, Vec<u32>)>,
    platforms: impl Iterator<Item = &'a [u16]>,
    platform_names: &[String],
) -> Vec<DerivedFeature> {
    let mut by_platform: Vec<Vec<u32>> = vec![Vec::new(); platform_names.len()];
    for (game, list) in platforms.enumerate() {
        for &p in list {
            if let Some(games) = by_platform.get_mut(usize::from(p)) {
                if games.last() != Some(&(game as u32)) {
                    games.push(game as u32);
                }
            }
        }
    }
    let mut out: Vec<DerivedFeature> = platform_names
        .iter()
        .zip(by_platform)
        .filter(|(_, games)| games.len() >= MIN_DERIVED_GAMES)
        .map(|(name, games)| (Family::Platform, name.clone(), games))
        .collect();
    out.extend(
        title_words
            .into_iter()
            .filter(|(word, games)| games.len() >= MIN_DERIVED_GAMES && is_title_word(word))
            .map(|(word, games)| (Family::TitleWord, word.to_string(), games)),
    );
    out
}

/// Inverse document frequency of a feature held by `df` of `games` games.
pub fn idf(df: u32, games: u32) -> f32 {
    ((games.max(1) as f32) / (df.max(1) as f32)).ln().max(0.05)
}

/// Features that come straight from a game's fields (not the summary terms, which need
/// corpus statistics; see [`crate::build`]).
pub fn direct_features(game: &Game) -> Vec<(Family, String)> {
    let mut out = Vec::new();
    let lists: [(Family, &Vec<String>); 9] = [
        (Family::Genre, &game.genres),
        (Family::Theme, &game.themes),
        (Family::Keyword, &game.keywords),
        (Family::Platform, &game.platforms),
        (Family::Developer, &game.developers),
        (Family::Publisher, &game.publishers),
        (Family::Series, &game.series),
        (Family::Mode, &game.game_modes),
        (Family::Perspective, &game.perspectives),
    ];
    for (family, names) in lists {
        out.extend(names.iter().map(|n| (family, n.clone())));
    }
    for word in title_words(&game.name) {
        out.push((Family::TitleWord, word));
    }
    for store in game.stores() {
        out.push((Family::Store, store.name().to_string()));
    }
    // Sources without summaries (the committed sample) carry the descriptors found in them.
    match &game.summary {
        Some(summary) => out.extend(
            descriptors::descriptors(summary)
                .into_iter()
                .map(|d| (Family::Descriptor, d.to_string())),
        ),
        None => out.extend(
            game.descriptors
                .iter()
                .map(|d| (Family::Descriptor, d.clone())),
        ),
    }
    out.sort();
    out.dedup();
    out
}

/// Words of a title worth linking games by: not stop words, not numbers, not edition words.
pub fn title_words(name: &str) -> Vec<String> {
    text::tokens(name)
        .into_iter()
        .filter(|w| is_title_word(w))
        .collect()
}

/// Whether a normalised title word links games: not short, a stop word, a number or an
/// edition word.
pub fn is_title_word(word: &str) -> bool {
    word.chars().count() >= 3
        && !text::is_stop_word(word)
        && !word.chars().all(|c| c.is_ascii_digit())
        && !EDITION_WORDS.contains(&word)
}

/// Words that mark a version of a game rather than a different game.
const EDITION_WORDS: &[&str] = &[
    "anniversary",
    "collection",
    "complete",
    "definitive",
    "deluxe",
    "directors",
    "cut",
    "edition",
    "enhanced",
    "goty",
    "hd",
    "remake",
    "remaster",
    "remastered",
    "redux",
    "ultimate",
    "gold",
    "premium",
    "special",
    "standard",
    "year",
];

/// Title words that mark add-ons and other non-games.
const NON_GAME_WORDS: &[&str] = &[
    "soundtrack",
    "ost",
    "dlc",
    "pack",
    "bundle",
    "demo",
    "costume",
    "costumes",
    "skin",
    "skins",
    "artbook",
    "addon",
    "upgrade",
    "booster",
    "coins",
    "currency",
    "outfit",
    "outfits",
    "wallpaper",
    "wallpapers",
    "season",
    "expansion",
    "prologue",
    "trial",
    "beta",
    "supporter",
];

/// IGDB `game_type`/`category` values of add-ons, bundles, mods, episodes, seasons, packs,
/// updates and forks.
const NON_MAIN_CATEGORIES: &[u32] = &[1, 2, 3, 5, 6, 7, 12, 13, 14];

/// Whether a game is a game in its own right (not a DLC, pack, edition, soundtrack, demo, mod).
pub fn is_main_game(game: &Game) -> bool {
    if let Some(category) = game.category {
        return !NON_MAIN_CATEGORIES.contains(&category) && game.version_parent.is_none();
    }
    if game.parent_game.is_some() || game.version_parent.is_some() {
        return false;
    }
    let words = text::tokens(&game.name);
    if words.iter().any(|w| NON_GAME_WORDS.contains(&w.as_str())) {
        return false;
    }
    // "Edition"/"Pass" after a colon or dash is a re-release or an add-on.
    let lower = game.name.to_lowercase();
    !(lower.contains(" edition")
        || lower.contains("season pass")
        || lower.contains(" pass")
        || lower.contains("add-on"))
}

/// The title with edition words and subtitles after a colon dropped: two games with the same
/// base title are versions of one game ("Hades" / "Hades: Deluxe Edition").
pub fn base_title(name: &str) -> String {
    let head = name.split([':', '(', '[']).next().unwrap_or(name);
    let head = head.split(" - ").next().unwrap_or(head);
    text::tokens(head)
        .into_iter()
        .filter(|w| !EDITION_WORDS.contains(&w.as_str()))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The series a title belongs to, by name: the base title up to its first number
/// ("Final Fantasy VII" and "Final Fantasy X" → "final fantasy").
pub fn series_key(name: &str) -> String {
    let base = base_title(name);
    let words: Vec<&str> = base
        .split(' ')
        .take_while(|w| !w.chars().all(|c| c.is_ascii_digit()))
        .collect();
    if words.is_empty() {
        base
    } else {
        words.join(" ")
    }
}

/// How well known a game is, from whatever the source offers. Higher is better known.
/// API sources give rating counts and hypes; the dump only gives proxies (links to stores
/// and sites, platforms, a critic score, a cover, a summary, known companies). A record may
/// carry it already: the committed sample's do, computed before its fields were cut.
pub fn notability(game: &Game) -> f32 {
    game.notability
        .unwrap_or_else(|| notability_of_record(game))
}

/// Notability from the evidence in a record: ratings and follows, links, platforms, a critic
/// score, a cover, a summary, known companies and genres; less for a non-main game.
fn notability_of_record(game: &Game) -> f32 {
    let ln = |x: f32| (1.0 + x).ln();
    let mut score = 0.0;
    score += 1.2 * ln(game.rating_count.unwrap_or(0) as f32);
    score += 0.6 * ln(game.hypes.unwrap_or(0) as f32);
    score += 1.0 * ln(game.links.len() as f32);
    score += 0.8 * ln(game.platforms.len() as f32);
    let steam = game
        .links
        .iter()
        .any(|l| l.contains("store.steampowered.com"));
    let twitch = game.links.iter().any(|l| l.contains("twitch.tv"));
    let wiki = game.links.iter().any(|l| l.contains("giantbomb.com"));
    score += 0.5 * f32::from(u8::from(steam));
    score += 0.6 * f32::from(u8::from(twitch));
    score += 0.9 * f32::from(u8::from(wiki));
    if let Some(rating) = game.critic_rating {
        score += 1.5 + rating / 100.0;
    }
    score += 0.3 * f32::from(u8::from(game.cover_image_id.is_some()));
    score += 0.1 * ln(game.summary.as_ref().map_or(0, |s| s.len()) as f32 / 50.0);
    score += 0.3 * f32::from(u8::from(!game.developers.is_empty()));
    score += 0.2 * f32::from(u8::from(!game.genres.is_empty()));
    if !is_main_game(game) {
        score -= 1.5;
    }
    score
}

#[cfg(test)]
mod tests {
    use super::*;

    fn game(name: &str) -> Game {
        Game {
            igdb_id: 1,
            name: name.into(),
            ..Game::default()
        }
    }

    #[test]
    fn add_ons_and_editions_are_not_main_games() {
        assert!(is_main_game(&game("Hades")));
        assert!(is_main_game(&game("Hollow Knight: Silksong")));
        assert!(!is_main_game(&game("Hades Original Soundtrack")));
        assert!(!is_main_game(&game("Destiny 2: Season of the Lost")));
        assert!(!is_main_game(&game("Dark Souls III: Deluxe Edition")));
        assert!(!is_main_game(&game("Rocket League - Season Pass")));
        let mut dlc = game("Blood and Wine");
        dlc.category = Some(2);
        assert!(!is_main_game(&dlc));
        let mut remake = game("Resident Evil 2 Edition");
        remake.category = Some(8);
        assert!(is_main_game(&remake), "category beats name heuristics");
    }

    #[test]
    fn base_titles_and_series_keys() {
        assert_eq!(base_title("Hades: Deluxe Edition"), "hades");
        assert_eq!(base_title("Hades II"), "hades 2");
        assert_eq!(base_title("Half-Life 2 (GOTY)"), "half life 2");
        assert_eq!(series_key("Final Fantasy VII Remake"), "final fantasy");
        assert_eq!(
            series_key("Baldur's Gate II: Shadows of Amn"),
            "baldurs gate"
        );
        assert_eq!(series_key("2064: Read Only Memories"), "2064");
    }

    #[test]
    fn rarer_features_weigh_more() {
        assert!(idf(10, 1000) > idf(500, 1000));
        assert!(idf(1000, 1000) > 0.0);
    }

    #[test]
    fn notability_rewards_evidence_of_fame() {
        let obscure = game("Obscure");
        let mut famous = game("Famous");
        famous.links = vec![
            "https://store.steampowered.com/app/1/".into(),
            "https://www.twitch.tv/directory/game/Famous".into(),
        ];
        famous.platforms = vec!["PC".into(), "Switch".into()];
        famous.critic_rating = Some(90.0);
        assert!(notability(&famous) > notability(&obscure));
    }

    #[test]
    fn a_record_may_carry_its_notability_and_descriptors() {
        let mut cut = game("Cut Down");
        cut.notability = Some(12.5);
        assert_eq!(notability(&cut), 12.5);
        assert!(notability_of_record(&cut) < 12.5);
        // Without a summary, the record's descriptors are its features; with one, the
        // summary's.
        cut.descriptors = vec!["roguelike".into()];
        let descriptors = |g: &Game| -> Vec<String> {
            direct_features(g)
                .into_iter()
                .filter(|(family, _)| *family == Family::Descriptor)
                .map(|(_, name)| name)
                .collect()
        };
        assert_eq!(descriptors(&cut), ["roguelike"]);
        cut.summary = Some("A metroidvania with a grappling hook.".into());
        assert_eq!(descriptors(&cut), ["grappling hook", "metroidvania"]);
    }

    #[test]
    fn derived_features_come_from_titles_and_platform_lists() {
        let names = [
            Some("Super Mario Odyssey"),
            Some("Super Mario Galaxy"),
            Some("Celeste"),
        ];
        let titles = crate::search::TitleIndex::build(&names, &[], &[]);
        let words = titles.words().map(|(w, g)| (w, g.to_vec())).collect();
        let platforms = [vec![0, 1], vec![1], vec![0]];
        let table = vec!["PC".to_string(), "Switch".to_string(), "Amiga".to_string()];
        let derived = derived_features(words, platforms.iter().map(Vec::as_slice), &table);
        assert!(derived.contains(&(Family::Platform, "PC".into(), vec![0, 2])));
        assert!(derived.contains(&(Family::Platform, "Switch".into(), vec![0, 1])));
        assert!(derived.contains(&(Family::TitleWord, "mario".into(), vec![0, 1])));
        assert!(derived.contains(&(Family::TitleWord, "super".into(), vec![0, 1])));
        assert!(
            !derived.iter().any(|d| d.1 == "Amiga" || d.1 == "celeste"),
            "unshared features are dropped"
        );
    }

    #[test]
    fn direct_features_cover_each_family_once() {
        let mut g = game("Hades");
        g.genres = vec!["Roguelike".into(), "Roguelike".into()];
        g.developers = vec!["Supergiant Games".into()];
        let features = direct_features(&g);
        assert_eq!(
            features,
            vec![
                (Family::Genre, "Roguelike".to_string()),
                (Family::Developer, "Supergiant Games".to_string()),
                (Family::TitleWord, "hades".to_string()),
            ]
        );
    }
}
