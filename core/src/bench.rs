//! The benchmark suite, shared by `playlike bench` (native) and the browser bench (wasm32 in
//! Chromium), so both time exactly the same work.
//!
//! The suite is deterministic for a seed: it picks games across the whole index, types each
//! one's title keystroke by keystroke (every prefix is a search, as in the typeahead), adds a
//! one-typo variant of each title, and asks for "games like" each game, plain and filtered.
//! The clock is passed in, because `std::time::Instant` does not exist on wasm32.

use crate::filters::Filters;
use crate::ids::GameId;
use crate::library::Library;
use crate::recommend::Request;

/// What to run.
#[derive(Debug, Clone)]
pub struct Suite {
    /// Every keystroke's query text, in typing order.
    pub keystrokes: Vec<String>,
    /// Whole titles with one swapped pair of letters.
    pub typos: Vec<String>,
    /// Games to recommend from (dense ids).
    pub games: Vec<GameId>,
}

/// Milliseconds per operation of one kind.
#[derive(Debug, Clone)]
pub struct Timings {
    pub name: &'static str,
    pub samples_ms: Vec<f64>,
}

impl Timings {
    /// The `q`-quantile (0–1) in milliseconds.
    pub fn quantile(&self, q: f64) -> f64 {
        if self.samples_ms.is_empty() {
            return f64::NAN;
        }
        let mut sorted = self.samples_ms.clone();
        sorted.sort_by(f64::total_cmp);
        let at = ((sorted.len() - 1) as f64 * q).round() as usize;
        sorted[at]
    }

    /// `| name | n | p50 | p95 | p99 | max |` as a Markdown table row.
    pub fn markdown_row(&self) -> String {
        format!(
            "| {} | {} | {:.3} | {:.3} | {:.3} | {:.3} |",
            self.name,
            self.samples_ms.len(),
            self.quantile(0.5),
            self.quantile(0.95),
            self.quantile(0.99),
            self.quantile(1.0)
        )
    }
}

/// Header for [`Timings::markdown_row`].
pub const MARKDOWN_HEADER: &str =
    "| operation | n | p50 ms | p95 ms | p99 ms | max ms |\n| --- | --- | --- | --- | --- | --- |";

/// A small deterministic generator (SplitMix64): the same numbers on every machine, no
/// dependency. Used by the suite and by `playlike synth`.
pub struct SplitMix(pub u64);

impl SplitMix {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
}

/// Builds the suite for `games` random games of a loaded library.
pub fn suite(library: &Library, games: usize, seed: u64) -> Suite {
    let mut rng = SplitMix(seed);
    let total = library.loaded_titles();
    let mut suite = Suite {
        keystrokes: Vec::new(),
        typos: Vec::new(),
        games: Vec::new(),
    };
    if total == 0 {
        return suite;
    }
    while suite.games.len() < games {
        let game = GameId::new(rng.below(total) as u32);
        let Some(card) = library.card(game) else {
            continue;
        };
        let title: Vec<char> = card.name.chars().take(24).collect();
        for end in 1..=title.len() {
            suite.keystrokes.push(title[..end].iter().collect());
        }
        let mut typo = title.clone();
        if typo.len() >= 4 {
            let at = 1 + rng.below(typo.len() - 2);
            typo.swap(at, at + 1);
        }
        suite.typos.push(typo.into_iter().collect());
        suite.games.push(game);
    }
    suite
}

/// Runs the suite; `now` returns milliseconds from any fixed origin.
pub fn run(library: &Library, suite: &Suite, now: &dyn Fn() -> f64) -> Vec<Timings> {
    let mut out = Vec::new();
    let mut time = |name: &'static str, count: usize, op: &mut dyn FnMut(usize)| {
        let mut samples = Vec::with_capacity(count);
        for i in 0..count {
            let start = now();
            op(i);
            samples.push(now() - start);
        }
        out.push(Timings {
            name,
            samples_ms: samples,
        });
    };
    let mut sink = 0usize;
    time("search, per keystroke", suite.keystrokes.len(), &mut |i| {
        sink += library.search(&suite.keystrokes[i], 10).len();
    });
    time("search, title with a typo", suite.typos.len(), &mut |i| {
        sink += library.search(&suite.typos[i], 10).len();
    });
    if library.can_recommend() {
        time("recommend, games like X", suite.games.len(), &mut |i| {
            sink += library
                .recommend(&Request::like(suite.games[i]))
                .map_or(0, |r| r.len());
        });
        let platforms: Vec<String> = library.platform_names().iter().take(1).cloned().collect();
        time("recommend, filtered", suite.games.len(), &mut |i| {
            let request = Request {
                like: vec![suite.games[i]],
                filters: Filters {
                    platform: platforms.clone(),
                    from: Some(2010),
                    ..Filters::default()
                },
                ..Request::default()
            };
            sink += library.recommend(&request).map_or(0, |r| r.len());
        });
        time(
            "recommend, taste of 3 liked + 1 disliked",
            suite.games.len() / 4,
            &mut |i| {
                let g = &suite.games[4 * i..4 * i + 4];
                let request = Request {
                    like: g[..3].to_vec(),
                    dislike: vec![g[3]],
                    ..Request::default()
                };
                sink += library.recommend(&request).map_or(0, |r| r.len());
            },
        );
    }
    // Keep the results observable so the work cannot be optimised away.
    if sink == usize::MAX {
        out.clear();
    }
    out
}

/// How close first answers (from the first part of an index) are to the final ones: over
/// `games` random main games that `first` can already answer for, the mean share of the
/// final top ten that the first top ten already holds (overlap@10), and how many games
/// were compared.
pub fn first_answer_overlap(
    first: &Library,
    last: &Library,
    games: usize,
    seed: u64,
) -> (f64, usize) {
    let mut rng = SplitMix(seed);
    let pool: Vec<GameId> = first
        .loaded_games()
        .filter(|&g| first.has_features(g) && first.card(g).is_some_and(|c| c.main_game))
        .collect();
    if pool.is_empty() {
        return (0.0, 0);
    }
    let (mut sum, mut compared) = (0.0, 0);
    for _ in 0..games {
        let request = Request::like(pool[rng.below(pool.len())]);
        let (Ok(a), Ok(b)) = (first.recommend(&request), last.recommend(&request)) else {
            continue;
        };
        if b.is_empty() {
            continue;
        }
        let shared = a
            .iter()
            .filter(|r| b.iter().any(|s| s.game == r.game))
            .count();
        sum += shared as f64 / b.len() as f64;
        compared += 1;
    }
    (sum / compared.max(1) as f64, compared)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::build::{build_index, BuildOptions};
    use crate::catalogue::Game;

    #[test]
    fn the_suite_is_deterministic_and_runs() {
        let games = (1..=40u64)
            .map(|id| Game {
                igdb_id: id,
                name: format!("Game number {id}"),
                genres: vec![["Puzzle", "Shooter"][id as usize % 2].into()],
                ..Game::default()
            })
            .collect();
        let library = build_index(games, &BuildOptions::default()).load().unwrap();
        let a = suite(&library, 8, 7);
        let b = suite(&library, 8, 7);
        assert_eq!(a.keystrokes, b.keystrokes);
        assert_eq!(a.games.len(), 8);
        let clock = std::cell::Cell::new(0.0);
        let now = || {
            clock.set(clock.get() + 1.0);
            clock.get()
        };
        let timings = run(&library, &a, &now);
        assert_eq!(timings.len(), 5);
        assert_eq!(timings[0].samples_ms.len(), a.keystrokes.len());
        assert!(timings.iter().all(|t| t.quantile(0.5) == 1.0));
        assert!(timings[0]
            .markdown_row()
            .starts_with("| search, per keystroke |"));
    }
}
