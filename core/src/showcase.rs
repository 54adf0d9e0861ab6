//! The home page's "well-known games to start from": a spread of the catalogue's best-known
//! main games across eras and platforms, chosen from the index's own data only — each game's
//! notability byte, release year, platforms and title — with no hand-picked list.
//!
//! Why not simply the most notable games: notability favours one era (the catalogue's most
//! linked games are mostly recent PC releases) and whole series (five Zelda games in a row).
//! So the best-known games with a cover are grouped by release decade, the decades take turns
//! (newest first), and each turn takes its decade's best-known game that is neither from a
//! series nor by a developer already shown, preferring, among the next few, one that brings a
//! platform not yet shown. (Developers are known once the game's feature part is loaded.)
//!
//! The home page also offers genre entry points: the genres most shared among a wider pool of
//! such games, each narrowing the showcase to that genre. Both are answered here, in one call,
//! so the page needs one engine round trip, not one per game.

use std::collections::HashSet;

use crate::features::series_key;
use crate::ids::GameId;
use crate::library::Library;

/// How many of the best-known candidates each pick looks at for a new platform.
const PLATFORM_LOOKAHEAD: usize = 4;
/// How deep into the notability ranking the showcase looks, per game asked for: past this,
/// a decade's best game is not well known enough to start from.
const DEPTH_PER_GAME: usize = 50;

/// How many times the games shown the pool of a genre view and its entry points draws from.
const POOL_FACTOR: usize = 4;
/// A genre is offered as an entry point when at least this share of the pool has it.
const ENTRY_POINT_MIN_SHARE: usize = 16;
/// Genre entry points offered at most.
const ENTRY_POINTS: usize = 8;

/// The games to show and the genres to offer as entry points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShowcaseChoice {
    pub games: Vec<GameId>,
    /// Genre names, most shared first; empty until the feature part (genres) is loaded.
    pub genres: Vec<String>,
}

/// A candidate with what the choice needs.
#[derive(Debug)]
struct Candidate {
    game: GameId,
    series: String,
    developers: Vec<String>,
    platforms: Vec<String>,
}

impl Library {
    /// Up to `n` well-known main games spread across release decades and platforms, in the
    /// order to show them (decades taking turns, newest first); see the module doc.
    /// Deterministic for a given index; works from the first title shard on.
    pub fn showcase(&self, n: usize) -> Vec<GameId> {
        let mut eras = self.candidates_by_decade(n);
        let mut picked = Vec::with_capacity(n);
        let mut series = HashSet::new();
        let mut developers = HashSet::new();
        let mut platforms = HashSet::new();
        while picked.len() < n && eras.iter().any(|era| !era.is_empty()) {
            for era in eras.iter_mut().rev() {
                if picked.len() == n {
                    break;
                }
                era.retain(|c| {
                    !series.contains(&c.series)
                        && !c.developers.iter().any(|d| developers.contains(d))
                });
                let Some(at) = pick_in_era(era, &platforms) else {
                    continue;
                };
                let chosen = era.remove(at);
                series.insert(chosen.series);
                developers.extend(chosen.developers);
                platforms.extend(chosen.platforms);
                picked.push(chosen.game);
            }
        }
        picked
    }

    /// Up to `n` well-known games, of `genre` when given (case-insensitive), drawn from a pool
    /// of `n * POOL_FACTOR` showcase games, with the genres most shared in that pool.
    pub fn showcase_choice(&self, n: usize, genre: Option<&str>) -> ShowcaseChoice {
        let pool = self.showcase(n.saturating_mul(POOL_FACTOR));
        let genres_of = |game: GameId| self.card(game).map(|c| c.genres).unwrap_or_default();
        let per_game: Vec<Vec<&str>> = pool.iter().map(|&g| genres_of(g)).collect();
        let min_games = (pool.len() / ENTRY_POINT_MIN_SHARE).max(2);
        let genres = common_genres(&per_game, min_games, ENTRY_POINTS);
        let games = match genre {
            None => pool.into_iter().take(n).collect(),
            Some(wanted) => pool
                .into_iter()
                .zip(&per_game)
                .filter(|(_, genres)| genres.iter().any(|g| g.eq_ignore_ascii_case(wanted)))
                .map(|(game, _)| game)
                .take(n)
                .collect(),
        };
        ShowcaseChoice { games, genres }
    }

    /// The best-known main games with a release year and a cover, most notable first, grouped
    /// by decade, oldest decade first; at most `n` per decade, from the `n * DEPTH_PER_GAME`
    /// best-known main games with a year.
    fn candidates_by_decade(&self, n: usize) -> Vec<Vec<Candidate>> {
        let facts = self.facts();
        let mut ranked: Vec<GameId> = self
            .loaded_games()
            .filter(|&g| facts.main[g.index()] && facts.year[g.index()] > 0)
            .collect();
        // Stable: equal notability keeps dense id order (tier, then IGDB id).
        ranked.sort_by_key(|&g| std::cmp::Reverse(facts.notability[g.index()]));
        let mut decades: Vec<(u16, Vec<Candidate>)> = Vec::new();
        for game in ranked.into_iter().take(n.saturating_mul(DEPTH_PER_GAME)) {
            let decade = facts.year[game.index()] / 10;
            let at = match decades.binary_search_by_key(&decade, |(d, _)| *d) {
                Ok(at) => at,
                Err(at) => {
                    decades.insert(at, (decade, Vec::new()));
                    at
                }
            };
            let era = &mut decades[at].1;
            let owned = |names: &[&str]| names.iter().map(|n| n.to_string()).collect();
            match self.card(game) {
                Some(card) if era.len() < n && card.cover.is_some() => era.push(Candidate {
                    game,
                    series: series_key(card.name),
                    developers: owned(&card.developers),
                    platforms: owned(&card.platforms),
                }),
                _ => {}
            }
        }
        decades.into_iter().map(|(_, era)| era).collect()
    }
}

/// Index of the era's next pick: among its first few candidates, the first that brings a
/// platform not shown yet, else its best-known candidate.
fn pick_in_era(era: &[Candidate], shown: &HashSet<String>) -> Option<usize> {
    if era.is_empty() {
        return None;
    }
    let fresh = era
        .iter()
        .take(PLATFORM_LOOKAHEAD)
        .position(|c| c.platforms.iter().any(|p| !shown.contains(p)));
    Some(fresh.unwrap_or(0))
}

/// The genres shared by at least `min_games` of these games (one genre list per game), most
/// shared first (ties in first-seen order), at most `max`.
fn common_genres(genres_per_game: &[Vec<&str>], min_games: usize, max: usize) -> Vec<String> {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for genres in genres_per_game {
        for genre in genres {
            match counts.iter_mut().find(|(name, _)| name == genre) {
                Some((_, n)) => *n += 1,
                None => counts.push((genre, 1)),
            }
        }
    }
    counts.retain(|&(_, n)| n >= min_games.max(1));
    counts.sort_by_key(|&(_, n)| std::cmp::Reverse(n));
    counts
        .into_iter()
        .take(max)
        .map(|(name, _)| name.to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::build::{build_index, BuildOptions};
    use crate::catalogue::Game;

    /// Unix seconds of 1 July of `year`.
    fn mid_year(year: i64) -> i64 {
        (year - 1970) * 31_556_952 + 15_778_476
    }

    /// A main game whose notability grows with `ratings`.
    fn game(id: u64, name: &str, year: i64, platform: &str, ratings: u32) -> Game {
        Game {
            igdb_id: id,
            name: name.into(),
            genres: vec!["Adventure".into()],
            platforms: vec![platform.into()],
            release_date: Some(mid_year(year)),
            rating_count: Some(ratings),
            cover_image_id: Some(format!("co{id}")),
            developers: vec![format!("Studio {id}")],
            category: Some(0),
            ..Game::default()
        }
    }

    fn library(games: Vec<Game>) -> Library {
        build_index(games, &BuildOptions::default())
            .load()
            .expect("index loads")
    }

    fn names(library: &Library, games: &[GameId]) -> Vec<String> {
        games
            .iter()
            .map(|&g| library.card(g).expect("loaded").name.to_string())
            .collect()
    }

    fn year(library: &Library, game: GameId) -> u16 {
        library.card(game).and_then(|c| c.year).expect("has a year")
    }

    /// Ten famous 2010s games and one good game per older decade: the showcase is not ten
    /// 2010s games but takes the decades in turns, newest first, best-known first within each.
    #[test]
    fn decades_take_turns_newest_first() {
        let mut games: Vec<Game> = (0..10)
            .map(|i| {
                game(
                    100 + i,
                    &format!("Modern{i}"),
                    2015,
                    "PC",
                    5000 - i as u32 * 10,
                )
            })
            .collect();
        games.push(game(1, "Old Classic", 1985, "NES", 300));
        games.push(game(2, "Nineties Hit", 1996, "PlayStation", 400));
        games.push(game(3, "Noughties Hit", 2004, "PlayStation 2", 500));
        let lib = library(games);
        let picks = lib.showcase(6);
        let decades: Vec<u16> = picks.iter().map(|&g| year(&lib, g) / 10).collect();
        assert_eq!(
            decades,
            [201, 200, 199, 198, 201, 201],
            "{:?}",
            names(&lib, &picks)
        );
        assert_eq!(
            names(&lib, &picks)[0],
            "Modern0",
            "best-known first in its decade"
        );
    }

    #[test]
    fn one_game_per_series() {
        let lib = library(vec![
            game(1, "Quest Saga: The Beginning", 2012, "PC", 900),
            game(2, "Quest Saga 2", 2014, "PC", 800),
            game(3, "Quest Saga III", 2016, "PC", 700),
            game(4, "Lonely Planet Runner", 2013, "PC", 100),
        ]);
        let picks = names(&lib, &lib.showcase(4));
        assert_eq!(picks, ["Quest Saga: The Beginning", "Lonely Planet Runner"]);
    }

    /// Among a decade's next few, a game on a platform not shown yet goes first.
    #[test]
    fn prefers_a_platform_not_shown_yet() {
        let lib = library(vec![
            game(1, "Alpha", 2011, "PC", 900),
            game(2, "Beta", 2012, "PC", 800),
            game(3, "Gamma", 2013, "Switch", 700),
            game(4, "Delta", 2014, "PC", 600),
        ]);
        let picks = names(&lib, &lib.showcase(3));
        assert_eq!(picks, ["Alpha", "Gamma", "Beta"]);
    }

    #[test]
    fn one_game_per_developer() {
        let by = |mut g: Game, studio: &str| {
            g.developers = vec![studio.into()];
            g
        };
        let lib = library(vec![
            by(game(1, "Brick Heroes", 2012, "PC", 900), "Toy Works"),
            by(game(2, "Brick Pirates", 2013, "PC", 800), "Toy Works"),
            by(game(3, "Sky Lanterns", 2014, "PC", 700), "Other Works"),
            by(game(4, "Sea Lanterns", 2015, "PC", 600), "Other Works"),
        ]);
        let picks = names(&lib, &lib.showcase(4));
        assert_eq!(picks, ["Brick Heroes", "Sky Lanterns"]);
    }

    #[test]
    fn leaves_out_add_ons_and_games_without_a_year_or_cover() {
        let mut dlc = game(1, "Big Game: Expansion", 2015, "PC", 5000);
        dlc.category = Some(1);
        dlc.parent_game = Some(2);
        let mut undated = game(3, "Timeless", 2015, "PC", 4000);
        undated.release_date = None;
        let mut coverless = game(4, "Faceless", 2016, "PC", 3500);
        coverless.cover_image_id = None;
        let lib = library(vec![
            dlc,
            game(2, "Big Game", 2014, "PC", 3000),
            undated,
            coverless,
        ]);
        assert_eq!(names(&lib, &lib.showcase(5)), ["Big Game"]);
    }

    #[test]
    fn common_genres_counts_games_and_keeps_the_shared_ones() {
        let games: Vec<Vec<&str>> = vec![
            vec!["Shooter", "Indie"],
            vec!["Shooter"],
            vec!["Platform", "Indie"],
            vec!["Indie"],
            vec!["Puzzle"],
        ];
        assert_eq!(common_genres(&games, 2, 10), ["Indie", "Shooter"]);
        assert_eq!(common_genres(&games, 1, 2), ["Indie", "Shooter"]);
        assert!(common_genres(&games, 4, 10).is_empty());
    }

    /// A genre view keeps the showcase's order and only games of that genre; the entry points
    /// are the genres the pool shares.
    #[test]
    fn a_genre_narrows_the_showcase_and_entry_points_come_from_the_pool() {
        let games: Vec<Game> = (0..12)
            .map(|i| {
                let mut g = game(
                    i + 1,
                    &format!("Title{i}"),
                    1990 + i as i64,
                    "PC",
                    900 - i as u32,
                );
                g.genres = vec![if i % 3 == 0 { "Puzzle" } else { "Shooter" }.into()];
                g
            })
            .collect();
        let lib = library(games);
        let all = lib.showcase_choice(3, None);
        assert_eq!(all.games.len(), 3);
        assert_eq!(all.genres, ["Shooter", "Puzzle"]);
        let puzzles = lib.showcase_choice(3, Some("puzzle"));
        assert_eq!(puzzles.games.len(), 3);
        for &g in &puzzles.games {
            assert_eq!(lib.card(g).expect("loaded").genres, ["Puzzle"]);
        }
        let pool = lib.showcase(12);
        let order: Vec<usize> = puzzles
            .games
            .iter()
            .map(|g| pool.iter().position(|p| p == g).expect("from the pool"))
            .collect();
        assert!(order.windows(2).all(|w| w[0] < w[1]), "showcase order kept");
        assert!(lib.showcase_choice(3, Some("Racing")).games.is_empty());
    }

    #[test]
    fn never_more_than_asked_never_twice_and_stable() {
        let games: Vec<Game> = (0..40)
            .map(|i| {
                let platform = ["PC", "Switch", "PS4"][i % 3];
                game(
                    i as u64 + 1,
                    &format!("Title{i}"),
                    1980 + i as i64,
                    platform,
                    1000 - i as u32,
                )
            })
            .collect();
        let lib = library(games);
        let picks = lib.showcase(12);
        assert_eq!(picks.len(), 12);
        assert_eq!(picks.iter().collect::<HashSet<_>>().len(), 12);
        assert_eq!(picks, lib.showcase(12));
        assert!(lib.showcase(0).is_empty());
        assert!(Library::new().showcase(12).is_empty());
    }
}
