//! The engine end to end on a small hand-made catalogue: build the index, load it as a
//! reader would, then check concrete orderings, filters, exclusions and explanations.

use playlike_core::build::{build_index, BuildOptions};
use playlike_core::recommend::Scoring;
use playlike_core::{Family, Filters, Game, GameId, IgdbId, Knobs, Library, Request};

struct Spec {
    id: u64,
    name: &'static str,
    genres: &'static [&'static str],
    developer: &'static str,
    platforms: &'static [&'static str],
    year: i64,
    terms: &'static [&'static str],
    rating: Option<f32>,
    links: usize,
}

const CATALOGUE: &[Spec] = &[
    Spec {
        id: 1,
        name: "Hades",
        genres: &["Role-playing (RPG)", "Hack and slash", "Indie"],
        developer: "Supergiant Games",
        platforms: &["PC", "Switch", "PS5"],
        year: 2020,
        terms: &["roguelike", "underworld", "greek mythology", "dungeon"],
        rating: Some(93.0),
        links: 9,
    },
    Spec {
        id: 2,
        name: "Bastion",
        genres: &["Role-playing (RPG)", "Indie"],
        developer: "Supergiant Games",
        platforms: &["PC", "Switch"],
        year: 2011,
        terms: &["isometric", "narrator"],
        rating: Some(86.0),
        links: 7,
    },
    Spec {
        id: 3,
        name: "Transistor",
        genres: &["Role-playing (RPG)", "Strategy", "Indie"],
        developer: "Supergiant Games",
        platforms: &["PC", "PS4"],
        year: 2014,
        terms: &["cyberpunk", "narrator"],
        rating: Some(83.0),
        links: 6,
    },
    Spec {
        id: 4,
        name: "Dead Cells",
        genres: &["Platform", "Hack and slash", "Indie"],
        developer: "Motion Twin",
        platforms: &["PC", "Switch", "PS4"],
        year: 2018,
        terms: &["roguelike", "dungeon", "metroidvania"],
        rating: Some(89.0),
        links: 8,
    },
    Spec {
        id: 5,
        name: "Enter the Gungeon",
        genres: &["Shooter", "Indie"],
        developer: "Dodge Roll",
        platforms: &["PC", "Switch"],
        year: 2016,
        terms: &["roguelike", "dungeon", "bullet hell"],
        rating: None,
        links: 6,
    },
    Spec {
        id: 6,
        name: "Celeste",
        genres: &["Platform", "Indie"],
        developer: "Maddy Makes Games",
        platforms: &["PC", "Switch", "PS4"],
        year: 2018,
        terms: &["pixel art", "mountain", "climbing"],
        rating: Some(92.0),
        links: 8,
    },
    Spec {
        id: 7,
        name: "Hollow Knight",
        genres: &["Platform", "Adventure", "Indie"],
        developer: "Team Cherry",
        platforms: &["PC", "Switch"],
        year: 2017,
        terms: &["metroidvania", "insect", "pixel art"],
        rating: Some(87.0),
        links: 8,
    },
    Spec {
        id: 8,
        name: "FIFA 23",
        genres: &["Sport", "Simulator"],
        developer: "EA Vancouver",
        platforms: &["PC", "PS5"],
        year: 2022,
        terms: &["football", "club", "league"],
        rating: Some(77.0),
        links: 8,
    },
    Spec {
        id: 9,
        name: "FIFA 22",
        genres: &["Sport", "Simulator"],
        developer: "EA Vancouver",
        platforms: &["PC", "PS5"],
        year: 2021,
        terms: &["football", "club", "league"],
        rating: Some(78.0),
        links: 7,
    },
    Spec {
        id: 10,
        name: "eFootball PES 2021",
        genres: &["Sport"],
        developer: "Konami",
        platforms: &["PC", "PS4"],
        year: 2020,
        terms: &["football", "league"],
        rating: None,
        links: 5,
    },
    Spec {
        id: 11,
        name: "Hades Original Soundtrack",
        genres: &["Indie"],
        developer: "Supergiant Games",
        platforms: &["PC"],
        year: 2020,
        terms: &["underworld"],
        rating: None,
        links: 1,
    },
    Spec {
        id: 12,
        name: "Hades II",
        genres: &["Role-playing (RPG)", "Hack and slash", "Indie"],
        developer: "Supergiant Games",
        platforms: &["PC", "Switch"],
        year: 2024,
        terms: &["roguelike", "underworld", "greek mythology"],
        rating: None,
        links: 6,
    },
    Spec {
        id: 13,
        name: "Hades: Collector's Edition",
        genres: &["Role-playing (RPG)", "Hack and slash", "Indie"],
        developer: "Supergiant Games",
        platforms: &["PC"],
        year: 2021,
        terms: &["roguelike", "underworld", "greek mythology"],
        rating: None,
        links: 1,
    },
    Spec {
        id: 14,
        name: "Stardew Valley",
        genres: &["Simulator", "Role-playing (RPG)", "Indie"],
        developer: "ConcernedApe",
        platforms: &["PC", "Switch"],
        year: 2016,
        terms: &["farming", "pixel art"],
        rating: Some(89.0),
        links: 9,
    },
    Spec {
        id: 15,
        name: "Children of Morta",
        genres: &["Role-playing (RPG)", "Hack and slash", "Indie"],
        developer: "Dead Mage",
        platforms: &["PC", "PS4"],
        year: 2019,
        terms: &["roguelike", "dungeon", "family"],
        rating: None,
        links: 5,
    },
    Spec {
        id: 16,
        name: "Pyre",
        genres: &["Role-playing (RPG)", "Indie"],
        developer: "Supergiant Games",
        platforms: &["PC", "PS4"],
        year: 2017,
        terms: &["narrator", "underworld"],
        rating: Some(85.0),
        links: 6,
    },
    Spec {
        id: 17,
        name: "Rogue Legacy",
        genres: &["Platform", "Role-playing (RPG)", "Indie"],
        developer: "Cellar Door Games",
        platforms: &["PC", "Switch"],
        year: 2013,
        terms: &["roguelike", "dungeon", "family"],
        rating: None,
        links: 5,
    },
];

fn game(spec: &Spec) -> Game {
    let strings = |items: &[&str]| items.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    Game {
        igdb_id: spec.id,
        name: spec.name.into(),
        genres: strings(spec.genres),
        developers: vec![spec.developer.into()],
        platforms: strings(spec.platforms),
        release_date: Some((spec.year - 1970) * 31_557_600 + 86_400 * 100),
        terms: strings(spec.terms),
        critic_rating: spec.rating,
        links: (0..spec.links)
            .map(|i| format!("https://example.org/{}/{i}", spec.id))
            .collect(),
        ..Game::default()
    }
}

fn library() -> Library {
    let games = CATALOGUE.iter().map(game).collect();
    let options = BuildOptions {
        head_titles: 5,
        title_shard_size: 6,
        tail_terms: 8,
        ..BuildOptions::default()
    };
    build_index(games, &options)
        .load()
        .expect("the built index loads")
}

fn id(lib: &Library, igdb: u64) -> GameId {
    lib.find_igdb(IgdbId(igdb)).expect("game is in the index")
}

fn names(lib: &Library, request: &Request) -> Vec<String> {
    lib.recommend(request)
        .expect("recommendations")
        .iter()
        .map(|r| lib.card(r.game).unwrap().name.to_string())
        .collect()
}

#[test]
fn games_like_hades_are_games_not_hades_or_its_add_ons() {
    let lib = library();
    let recs = names(&lib, &Request::like(id(&lib, 1)));
    assert_eq!(recs[0], "Hades II", "same developer, same terms: {recs:?}");
    for banned in [
        "Hades",
        "Hades Original Soundtrack",
        "Hades: Collector's Edition",
    ] {
        assert!(!recs.contains(&banned.to_string()), "{banned} in {recs:?}");
    }
    let position = |name: &str| recs.iter().position(|r| r == name).unwrap_or(usize::MAX);
    assert!(
        position("Children of Morta") < position("FIFA 23"),
        "{recs:?}"
    );
    assert!(
        position("Dead Cells") < position("Stardew Valley"),
        "{recs:?}"
    );
}

#[test]
fn a_page_caps_games_from_one_developer() {
    let lib = library();
    let recs = lib.recommend(&Request::like(id(&lib, 1))).unwrap();
    let supergiant = recs
        .iter()
        .filter(|r| {
            lib.card(r.game)
                .unwrap()
                .developers
                .contains(&"Supergiant Games")
        })
        .count();
    assert_eq!(
        supergiant, 3,
        "Hades II, Bastion, Transistor and Pyre all qualify; three make it"
    );
}

#[test]
fn explanations_name_the_shared_features() {
    let lib = library();
    let recs = lib.recommend(&Request::like(id(&lib, 1))).unwrap();
    let hades2 = recs.iter().find(|r| r.game == id(&lib, 12)).unwrap();
    let text = hades2.explanation.text();
    assert!(text.contains("same developer Supergiant Games"), "{text}");
    assert!(
        text.contains("greek mythology") || text.contains("underworld"),
        "{text}"
    );
    let morta = recs.iter().find(|r| r.game == id(&lib, 15)).unwrap();
    let text = morta.explanation.text();
    assert!(
        text.contains("shares") && text.contains("Hack and slash"),
        "{text}"
    );
    assert!(text.contains("both 2019–2020"), "{text}");
    // Every game is on PC: sharing it says nothing, so no explanation names it.
    for rec in &recs {
        let said: Vec<&String> = rec
            .explanation
            .reasons
            .iter()
            .flat_map(|r| &r.items)
            .collect();
        assert!(!said.iter().any(|item| *item == "PC"), "{said:?}");
    }
}

#[test]
fn explanations_say_what_games_share_before_where_they_run() {
    // Two pinball games on the same three rare platforms, in a catalogue where pinball is
    // common: the platforms weigh more than the genre, yet the genre is said first.
    let game = |id: u64, name: &str, genre: &str, platforms: &[&str]| Game {
        igdb_id: id,
        name: name.into(),
        genres: vec![genre.into()],
        platforms: platforms.iter().map(|p| p.to_string()).collect(),
        developers: vec![format!("Studio {id}")],
        release_date: Some(1_300_000_000 + id as i64 * 40_000_000),
        ..Game::default()
    };
    let rare = ["Ouya", "PS Vita", "Wii U"];
    let mut games = vec![
        game(1, "Flipper Night", "Pinball", &rare),
        game(2, "Bumper Rush", "Pinball", &rare),
    ];
    games.extend((3..12).map(|i| game(i, &format!("Tilt Table {i}"), "Pinball", &["PC"])));
    games.extend((12..40).map(|i| game(i, &format!("Filler {i}"), "Puzzle", &["PC"])));
    let lib = build_index(games, &BuildOptions::default())
        .load()
        .expect("the built index loads");
    let recs = lib.recommend(&Request::like(id(&lib, 1))).unwrap();
    let twin = recs.iter().find(|r| r.game == id(&lib, 2)).unwrap();
    let labels: Vec<&str> = twin.explanation.reasons.iter().map(|r| r.label).collect();
    assert_eq!(
        labels[..2],
        ["shares", "also on"],
        "{}",
        twin.explanation.text()
    );
}

#[test]
fn filters_restrict_results() {
    let lib = library();
    let hades = id(&lib, 1);
    let with = |filters: Filters| {
        names(
            &lib,
            &Request {
                like: vec![hades],
                filters,
                k: 20,
                ..Request::default()
            },
        )
    };
    let ps4 = with(Filters {
        platform: vec!["PS4".into()],
        ..Filters::default()
    });
    assert!(!ps4.is_empty());
    for name in &ps4 {
        let spec = CATALOGUE.iter().find(|s| s.name == name).unwrap();
        assert!(spec.platforms.contains(&"PS4"), "{name} is not on PS4");
    }
    let recent = with(Filters {
        from: Some(2018),
        to: Some(2019),
        ..Filters::default()
    });
    for name in &recent {
        let spec = CATALOGUE.iter().find(|s| s.name == name).unwrap();
        assert!(
            (2018..=2019).contains(&spec.year),
            "{name} is from {}",
            spec.year
        );
    }
    assert!(
        recent.contains(&"Dead Cells".to_string())
            && recent.contains(&"Children of Morta".to_string())
    );
    let rated = with(Filters {
        min_rating: Some(88),
        ..Filters::default()
    });
    assert!(
        rated.iter().all(|n| CATALOGUE
            .iter()
            .any(|s| s.name == n && s.rating.unwrap_or(0.0) >= 88.0)),
        "{rated:?}"
    );
    let no_platformers = with(Filters {
        not_genre: vec!["platform".into()],
        ..Filters::default()
    });
    assert!(
        !no_platformers
            .iter()
            .any(|n| n == "Dead Cells" || n == "Celeste"),
        "{no_platformers:?}"
    );
    let shooters = with(Filters {
        genre: vec!["Shooter".into()],
        ..Filters::default()
    });
    assert_eq!(shooters, vec!["Enter the Gungeon"]);
    let owned = with(Filters {
        exclude_games: vec![id(&lib, 12)],
        ..Filters::default()
    });
    assert!(!owned.contains(&"Hades II".to_string()));
    let everything = with(Filters {
        all_types: true,
        ..Filters::default()
    });
    assert!(
        everything.contains(&"Hades II".to_string()),
        "a sequel is a game of its own"
    );
    assert!(
        !everything
            .iter()
            .any(|n| n.starts_with("Hades") && n != "Hades II"),
        "versions and add-ons of the liked game stay out: {everything:?}"
    );
}

#[test]
fn taste_pulls_toward_likes_and_away_from_dislikes() {
    let lib = library();
    let like = vec![id(&lib, 1), id(&lib, 6)];
    let open = names(
        &lib,
        &Request {
            like: like.clone(),
            k: 20,
            ..Request::default()
        },
    );
    assert!(
        open.contains(&"FIFA 22".to_string()),
        "shares a platform, so it qualifies: {open:?}"
    );
    assert!(open.contains(&"Hollow Knight".to_string()) && open.contains(&"Hades II".to_string()));
    let picky = names(
        &lib,
        &Request {
            like,
            dislike: vec![id(&lib, 8)],
            k: 20,
            ..Request::default()
        },
    );
    assert!(
        !picky
            .iter()
            .any(|n| n.starts_with("FIFA") || n.contains("PES")),
        "{picky:?}"
    );
    assert!(!picky.contains(&"Celeste".to_string()) && !picky.contains(&"FIFA 23".to_string()));
}

#[test]
fn knobs_move_popular_and_recent_games() {
    let lib = library();
    let base = Request {
        like: vec![id(&lib, 6)],
        k: 20,
        ..Request::default()
    };
    let score_of = |request: &Request, igdb: u64| {
        lib.recommend(request)
            .unwrap()
            .iter()
            .find(|r| r.game == id(&lib, igdb))
            .map(|r| r.score)
            .unwrap()
    };
    let popular = Request {
        knobs: Knobs {
            popularity: 1.0,
            recency: 0.0,
        },
        ..base.clone()
    };
    let gems = Request {
        knobs: Knobs {
            popularity: -1.0,
            recency: 0.0,
        },
        ..base.clone()
    };
    // Stardew Valley (9 links) is better known than Rogue Legacy (5 links).
    let gap = |r: &Request| score_of(r, 14) - score_of(r, 17);
    assert!(gap(&popular) > gap(&gems));
    let newer = Request {
        knobs: Knobs {
            popularity: 0.0,
            recency: 1.0,
        },
        ..base.clone()
    };
    let older = Request {
        knobs: Knobs {
            popularity: 0.0,
            recency: -1.0,
        },
        ..base
    };
    let age_gap = |r: &Request| score_of(r, 4) - score_of(r, 17); // 2018 vs 2013
    assert!(age_gap(&newer) > age_gap(&older));
}

#[test]
fn bad_requests_are_errors() {
    let lib = library();
    assert!(lib.recommend(&Request::default()).is_err(), "nothing liked");
    assert!(
        lib.recommend(&Request::like(GameId::new(9_999))).is_err(),
        "unknown dense id"
    );
    let empty = Library::new();
    assert!(
        empty.recommend(&Request::like(GameId::new(0))).is_err(),
        "nothing loaded"
    );
}

#[test]
fn search_over_the_built_index_tolerates_typos() {
    let lib = library();
    let top = |q: &str| {
        lib.search(q, 3)
            .first()
            .map(|h| lib.card(h.game).unwrap().name.to_string())
    };
    assert_eq!(top("hadse").as_deref(), Some("Hades"));
    assert_eq!(top("gungeon").as_deref(), Some("Enter the Gungeon"));
    assert_eq!(top("hollow kn").as_deref(), Some("Hollow Knight"));
    assert_eq!(top("stardew valey").as_deref(), Some("Stardew Valley"));
    let card = lib.card(id(&lib, 6)).unwrap();
    assert_eq!(card.year, Some(2018));
    assert_eq!(card.platforms, vec!["PC", "Switch", "PS4"]);
    assert_eq!(card.critic_rating, Some(92));
    assert_eq!(card.genres.len(), 2);
}

/// The index of [`library`], loaded only up to (and including) its first feature part, the
/// way a reader has it when the first answers are due.
fn first_part_library() -> (Library, GameId) {
    let games = CATALOGUE.iter().map(game).collect();
    let options = BuildOptions {
        head_titles: 5,
        title_shard_size: 6,
        tail_terms: 8,
        ..BuildOptions::default()
    };
    let built = build_index(games, &options);
    let mut lib = Library::new();
    for (entry, (_, stored)) in built.manifest.files.iter().zip(&built.files) {
        lib.add_file(entry, stored).expect("a built file joins");
        if lib.can_recommend() {
            return (lib, GameId::new(entry.first_game + entry.game_count));
        }
    }
    panic!("the index never became able to recommend");
}

#[test]
fn first_answers_come_from_the_first_part_with_the_final_weights() {
    let (mut partial, first_tier) = first_part_library();
    let mut full = library();
    assert!(partial.can_recommend() && !partial.recommendations_complete());
    assert!(full.recommendations_complete());
    // Title words and platforms are counted over the loaded games only; every other family
    // weighs exactly what it weighs in the full index.
    let without_derived = Scoring::default().with_weights(|family, weight| match family {
        Family::Platform | Family::TitleWord => 0.0,
        _ => weight,
    });
    partial.set_scoring(without_derived.clone());
    full.set_scoring(without_derived);
    for liked in (0..first_tier.get()).map(GameId::new) {
        let request = Request {
            k: 50,
            ..Request::like(liked)
        };
        let first = partial.recommend(&request).expect("first answers");
        let last = full.recommend(&request).expect("final answers");
        assert!(!first.is_empty());
        for rec in &first {
            assert!(
                rec.game < first_tier,
                "only first-tier games are candidates"
            );
            if let Some(same) = last.iter().find(|r| r.game == rec.game) {
                assert!(
                    (same.score - rec.score).abs() < 1e-5,
                    "game {} scores {} first, {} at last",
                    rec.game,
                    rec.score,
                    same.score
                );
            }
        }
    }
}

#[test]
fn a_game_of_a_later_part_waits_for_that_part() {
    let (partial, first_tier) = first_part_library();
    let late = first_tier; // the first game of the second part
    assert!(partial.card(late).is_none() || !partial.has_features(late));
    let err = partial.recommend(&Request::like(late)).unwrap_err();
    assert!(err.to_string().contains("not loaded"), "{err}");
    assert!(library().recommend(&Request::like(late)).is_ok());
}

/// A made-up one-word title per number ("bacaxu"), so no two fillers look like versions of
/// one game.
fn filler_name(i: u64) -> String {
    let syllable = |n: u64| {
        [
            "ba", "ca", "du", "fe", "go", "hi", "ju", "ko", "lu", "mo", "xu",
        ][n as usize % 11]
    };
    format!("{}{}{}", syllable(i), syllable(i / 11), syllable(i / 121))
}

/// A catalogue of 1,200 fillers made of the most common features (the centroid the hub
/// penalty measures against needs at least 1,000 games), a game with those and the query's
/// evidence, and a game with the query's evidence and rarer features.
fn hub_library() -> Library {
    let spec = |id: u64,
                name: &'static str,
                genres: &'static [&'static str],
                platforms: &'static [&'static str],
                terms: &'static [&'static str]| Spec {
        id,
        name,
        genres,
        developer: "Studio",
        platforms,
        year: 2015,
        terms,
        rating: None,
        links: 3,
    };
    let filler_genres: [&'static [&'static str]; 3] = [
        &["Adventure", "Indie"],
        &["Adventure", "Puzzle"],
        &["Indie", "Platform"],
    ];
    let mut games: Vec<Game> = (0..1_200u64)
        .map(|i| Game {
            name: filler_name(i),
            developers: vec![format!("Filler studio {i}")],
            ..game(&spec(
                1_000 + i,
                "",
                filler_genres[i as usize % 3],
                &["PC", "Switch"],
                &[],
            ))
        })
        .collect();
    for (i, s) in [
        spec(
            1,
            "Colony Builder",
            &["Strategy", "Indie"],
            &["PC"],
            &["colony"],
        ),
        spec(
            2,
            "Everything Game",
            &["Adventure", "Indie", "Strategy", "Puzzle", "Platform"],
            &["PC", "Switch"],
            &["colony"],
        ),
        spec(
            3,
            "Colony Niche",
            &["Strategy"],
            &["Mac"],
            &["colony", "trains", "rails"],
        ),
        spec(
            4,
            "Mac Strategy",
            &["Strategy"],
            &["Mac"],
            &["trains", "rails"],
        ),
    ]
    .iter()
    .enumerate()
    {
        games.push(Game {
            developers: vec![format!("Studio {i}")],
            ..game(s)
        });
    }
    build_index(games, &BuildOptions::default())
        .load()
        .expect("the built index loads")
}

#[test]
fn the_hub_penalty_takes_most_from_games_made_of_common_features() {
    let (lib, before) = library_scores(hub_library(), 0.0);
    let (_, after) = library_scores(lib, 2.0);
    let drop = |name: &str| before[name] - after[name];
    // Fillers of one kind tie, so which of them make the page varies: compare the best.
    let best_filler = |scores: &std::collections::HashMap<String, f32>| {
        (0..1_200)
            .filter_map(|i| scores.get(&filler_name(i)).copied())
            .fold(f32::MIN, f32::max)
    };
    let filler_drop = best_filler(&before) - best_filler(&after);
    assert!(
        filler_drop > drop("Colony Niche") && drop("Everything Game") > drop("Colony Niche"),
        "{before:?} {after:?}"
    );
    // Without the penalty the hub is ahead; with it, the game sharing rarer evidence is.
    assert!(
        before["Everything Game"] > before["Colony Niche"],
        "{before:?}"
    );
    assert!(
        after["Colony Niche"] > after["Everything Game"],
        "{after:?}"
    );
}

#[test]
fn a_small_first_part_turns_the_hub_penalty_off() {
    // Five games in the first part: their centroid is those games, not a catalogue's breadth.
    let mut lib = library();
    let hades = Request {
        k: 16,
        ..Request::like(id(&lib, 1))
    };
    let plain = lib.recommend(&hades).unwrap();
    lib.set_scoring(Scoring {
        hub_penalty: 0.0,
        ..Scoring::default()
    });
    let games = |recs: Vec<playlike_core::Recommendation>| -> Vec<GameId> {
        recs.iter().map(|r| r.game).collect()
    };
    assert_eq!(games(lib.recommend(&hades).unwrap()), games(plain));
}

/// The library with `hub_penalty` set (and no notability prior, to compare similarities), and
/// the scores of every game recommended like "Colony Builder", by name.
fn library_scores(
    mut lib: Library,
    hub_penalty: f32,
) -> (Library, std::collections::HashMap<String, f32>) {
    lib.set_scoring(Scoring {
        hub_penalty,
        prior: 0.0,
        ..Scoring::default()
    });
    let request = Request {
        k: 200,
        ..Request::like(id(&lib, 1))
    };
    let scores = lib
        .recommend(&request)
        .expect("recommendations")
        .iter()
        .map(|r| (lib.card(r.game).unwrap().name.to_string(), r.score))
        .collect();
    (lib, scores)
}
