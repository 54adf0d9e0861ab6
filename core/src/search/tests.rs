use super::*;

/// Earlier titles are more notable.
fn index(titles: &[&str]) -> TitleIndex {
    let titles: Vec<Option<&str>> = titles.iter().map(|t| Some(*t)).collect();
    let notability: Vec<u8> = (0..titles.len())
        .map(|i| crate::format::notability_byte(i, titles.len()))
        .collect();
    TitleIndex::build(&titles, &vec![true; titles.len()], &notability)
}

fn names<'a>(titles: &[&'a str], hits: &[TitleHit]) -> Vec<&'a str> {
    hits.iter().map(|h| titles[h.game as usize]).collect()
}

const TITLES: &[&str] = &[
    "Half-Life 2",
    "Pokémon Red",
    "Final Fantasy VII",
    "Hades",
    "The Witcher 3: Wild Hunt",
    "Half-Life",
    "Hades II",
    "Celeste",
    "Final Fantasy X",
    "Portal",
    "Spider-Man",
    "Hadesia Chronicles",
];

fn top(query: &str) -> Vec<&'static str> {
    let idx = index(TITLES);
    names(TITLES, &idx.search(query, 5))
}

#[test]
fn finds_exact_titles_first() {
    assert_eq!(top("hades")[0], "Hades");
    assert_eq!(top("Celeste")[0], "Celeste");
}

#[test]
fn ignores_punctuation_case_and_diacritics() {
    assert_eq!(top("pokemon")[0], "Pokémon Red");
    assert_eq!(top("halflife")[0], "Half-Life");
    assert_eq!(top("half life 2")[0], "Half-Life 2");
    assert_eq!(top("spiderman")[0], "Spider-Man");
}

#[test]
fn arabic_and_roman_numerals_meet() {
    assert_eq!(top("final fantasy 7")[0], "Final Fantasy VII");
    assert_eq!(top("final fantasy vii")[0], "Final Fantasy VII");
    assert_eq!(top("hades 2")[0], "Hades II");
}

#[test]
fn tolerates_typos_and_a_missing_the() {
    assert_eq!(top("celsete")[0], "Celeste", "transposition");
    assert_eq!(top("portl")[0], "Portal", "deletion while typing");
    assert_eq!(top("witcher 3")[0], "The Witcher 3: Wild Hunt");
    assert_eq!(top("the witcher")[0], "The Witcher 3: Wild Hunt");
    assert_eq!(top("fnial fantasy x")[0], "Final Fantasy X");
}

#[test]
fn prefixes_match_while_typing() {
    let hits = top("fin");
    assert!(hits.contains(&"Final Fantasy VII") && hits.contains(&"Final Fantasy X"));
    assert_eq!(top("wild h")[0], "The Witcher 3: Wild Hunt");
    // A finished word (trailing space) is no longer a prefix.
    assert_eq!(
        top("hade "),
        vec!["Hades", "Hades II"],
        "typo matches only, no prefixes"
    );
}

#[test]
fn a_roman_numeral_being_typed_may_start_a_word() {
    let titles = ["Monster Viator", "Monster 5"];
    let idx = index(&titles);
    let hits = names(&titles, &idx.search("monster v", 2));
    assert_eq!(hits.len(), 2, "{hits:?}");
    assert_eq!(names(&titles, &idx.search("monster v ", 2))[0], "Monster 5");
}

#[test]
fn a_the_inside_a_title_still_makes_an_exact_match() {
    let titles = [
        "Beneath the Surface: Deluxe",
        "Surface Beneath",
        "Beneath the Surface",
    ];
    let idx = index(&titles);
    let hits = idx.search("beneath the surface", 3);
    assert_eq!(titles[hits[0].game as usize], "Beneath the Surface");
}

#[test]
fn unknown_words_find_nothing() {
    assert!(top("zzzzqqq").is_empty());
    assert!(top("").is_empty());
    assert!(top("   ").is_empty());
}

#[test]
fn notability_breaks_ties() {
    // Two games with the same title: the lower dense id (more notable) wins.
    let titles = ["Tetris", "Tetris"];
    let idx = index(&titles);
    let hits = idx.search("tetris", 2);
    assert_eq!(hits[0].game, 0);
}

#[test]
fn common_prefixes_scan_in_notability_order() {
    let titles: Vec<String> = (0..(SCAN_THRESHOLD + 100))
        .map(|i| format!("Super Game {i}"))
        .collect();
    let refs: Vec<Option<&str>> = titles.iter().map(|t| Some(t.as_str())).collect();
    // The last games are the most notable here: the scan must find them first.
    let notability: Vec<u8> = (0..refs.len())
        .map(|i| u8::from(i >= refs.len() - 10) * 200)
        .collect();
    let idx = TitleIndex::build(&refs, &[], &notability);
    let hits = idx.search("s", 10);
    assert_eq!(hits.len(), 10);
    assert!(
        hits.iter().all(|h| (h.game as usize) >= refs.len() - 10),
        "{hits:?}"
    );
}

const STORE: &[&str] = &[
    "Farmtown 3",
    "Farmtown 2",
    "Skyfort",
    "Rally 2",
    "Heroes & Villains",
    "Night Shift",
    "BrickForce",
    "Dead Cells",
    "Alan Wake",
    "Alan Wake 2",
    "Disc Room",
    "Grand Theft Auto V",
    "Call of Duty: Black Ops",
    "Steel Rats",
    "Steel Division",
    "Star Wars: Squadrons",
    "StarCraft",
];

fn store_top(query: &str) -> &'static str {
    let idx = index(STORE);
    let hits = idx.search(query, 5);
    assert!(!hits.is_empty(), "nothing for {query:?}");
    STORE[hits[0].game as usize]
}

#[test]
fn store_titles_find_the_shorter_igdb_title() {
    assert_eq!(store_top("Farmtown 3 Steam Edition"), "Farmtown 3");
    assert_eq!(store_top("Skyfort: Complete Collection"), "Skyfort");
    assert_eq!(store_top("Rally 2 free2play"), "Rally 2");
    assert_eq!(store_top("Rally 2 [Early Access]"), "Rally 2");
    assert_eq!(
        store_top("Alan Wake: The Attack Squad"),
        "Alan Wake",
        "extra subtitle"
    );
}

#[test]
fn symbols_entities_and_bilingual_halves_are_cleaned_up() {
    assert_eq!(store_top("Heroes &amp; Villains"), "Heroes & Villains");
    assert_eq!(store_top("Heroes and Villains™"), "Heroes & Villains");
    assert_eq!(store_top("Night Shift / ナイトシフト"), "Night Shift");
    assert_eq!(store_top("ナイトシフト / Night Shift"), "Night Shift");
}

#[test]
fn compounds_split_or_joined_and_acronyms_match() {
    assert_eq!(store_top("Brick-Force"), "BrickForce");
    assert_eq!(store_top("brick force"), "BrickForce");
    assert_eq!(store_top("Star Craft"), "StarCraft");
    assert_eq!(store_top("DeadCells"), "Dead Cells");
    // Every way to split is tried: "lunark" + "nights" is words too.
    let titles = ["Lunark", "Lunar Knights", "Touhou Luna Nights"];
    let idx = index(&titles);
    assert_eq!(
        names(&titles, &idx.search("LunarKnights", 3))[0],
        "Lunar Knights"
    );
    assert_eq!(store_top("GTA V"), "Grand Theft Auto V");
    assert_eq!(store_top("COD Black Ops"), "Call of Duty: Black Ops");
}

#[test]
fn typos_in_short_and_half_typed_words_are_found_by_partial_matching() {
    assert_eq!(store_top("Disc Rooj"), "Disc Room");
    assert_eq!(store_top("Steel aRts"), "Steel Rats");
    assert_eq!(store_top("Dead Celsl"), "Dead Cells");
}

#[test]
fn full_matches_rank_above_partial_ones() {
    let idx = index(STORE);
    let prepared = idx.prepare("alan wake 2");
    let (full, partial) = (prepared.full(5), prepared.partial(5));
    assert_eq!(names(STORE, &full), vec!["Alan Wake 2"]);
    assert!(full[0].score > FULL_MATCH);
    assert!(partial.iter().all(|h| h.score < FULL_MATCH), "{partial:?}");
    assert_eq!(
        idx.search("alan wake 2", 5),
        full,
        "partial matches only when no full one"
    );
    assert!(idx.prepare("alan wake 3").full(5).is_empty());
    let partial = idx.search("alan wake 3", 5);
    assert_eq!(
        names(STORE, &partial[..2]),
        vec!["Alan Wake", "Alan Wake 2"]
    );
}

#[test]
fn a_known_word_never_comes_back_empty() {
    // Every word unknown except one, or one near spelling.
    assert_eq!(store_top("qqqq zzzz cells"), "Dead Cells");
    assert_eq!(store_top("xxxx farmtovn"), "Farmtown 3");
    assert!(index(STORE).search("qqqq zzzz", 5).is_empty());
}

#[test]
fn aliases_are_searched_and_reported() {
    let titles = [Some("PlayerUnknown's Battlegrounds"), Some("Battlefield 1")];
    let aliases = [(0, "PUBG: Battlegrounds"), (1, "BF1")];
    let idx = TitleIndex::build_with_aliases(&titles, &aliases, &[], &[200, 100]);
    let hits = idx.search("pubg", 5);
    assert_eq!((hits[0].game, hits[0].alias), (0, Some(0)));
    let hits = idx.search("playerunknowns battlegrounds", 5);
    assert_eq!(
        (hits[0].game, hits[0].alias),
        (0, None),
        "the title matched best"
    );
    assert_eq!(hits.len(), 1, "one hit per game");
    // Alias words are not title words (they are not features of the game).
    assert!(idx.words().all(|(w, _)| w != "pubg"));
    // An alias of a game out of range is ignored.
    let idx = TitleIndex::build_with_aliases(&titles, &[(9, "Ghost")], &[], &[]);
    assert!(idx.search("ghost", 5).is_empty());
}

#[test]
fn partial_work_is_bounded_on_common_words() {
    // 20,000 titles share both words; none has the third.
    let titles: Vec<String> = (0..20_000).map(|i| format!("Super Game {i}")).collect();
    let refs: Vec<Option<&str>> = titles.iter().map(|t| Some(t.as_str())).collect();
    let idx = TitleIndex::build(&refs, &[], &[]);
    let hits = idx.search("super game qqqq", 10);
    assert_eq!(hits.len(), 10, "partial matches of the common words");
    assert!(hits.iter().all(|h| h.score < FULL_MATCH));
}

#[test]
fn a_fraction_is_no_bilingual_title() {
    let titles = [
        "Little Nightmares II",
        "Touch Detective 2 1/2",
        "Touch Detective",
    ];
    let idx = index(&titles);
    for query in ["Touch Detective 2 1/2", "Touvh Detective 2 1/2"] {
        assert_eq!(
            names(&titles, &idx.search(query, 3))[0],
            "Touch Detective 2 1/2",
            "{query}"
        );
    }
}
