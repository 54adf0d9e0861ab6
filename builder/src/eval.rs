//! `playlike eval`: offline quality report of the recommender over an index.
//!
//! For a fixed sample of main games, each variant (a family weighting, with or without the
//! notability prior) recommends ten games and is scored on:
//! - genre precision@10: share of results sharing a genre with the query (a floor, not a
//!   target: one-hot genre cosine maxes it while recommending poorly);
//! - same-developer and same-series hit rates: share of queries whose developer (or series,
//!   by title) has other games, where at least one of them is in the ten;
//! - held-out developer recovery: the same hit rate with developer and publisher weights set
//!   to zero, so only the other evidence can find the studio's other games — a proxy for
//!   "a player would agree" that does not reward a feature for matching itself;
//! - diversity: distinct developers and series among the ten;
//! - coverage: share of main games recommended at least once over all queries.
//!
//! With `--truth FILE`, every row also gets recall, ndcg and hit rate at 10 against a truth
//! file of "games like this" lists ([`truth`]: exactly the metrics of the Steam evaluation
//! set's `score.py`), over all its queries or one part of a seeded split (`--part`), so the
//! part `playlike tune` never fitted on can be reported.

mod truth;

use std::collections::HashSet;
use std::path::PathBuf;

use anyhow::Result;
use playlike_core::features::{series_key, Family};
use playlike_core::recommend::{Scoring, MAX_K};
use playlike_core::{GameId, IgdbId, Library, Request};
use rayon::prelude::*;

use crate::index_dir;
pub use truth::{Part, Truth, TruthScores, K};

#[derive(clap::Args)]
pub struct EvalArgs {
    /// Index directory (holding manifest.json).
    #[arg(long)]
    pub index: PathBuf,
    /// Query games in the proxy sample.
    #[arg(long, default_value_t = 3000)]
    pub queries: usize,
    #[command(flatten)]
    pub truth: TruthArgs,
    /// With --truth: drop recommendations the truth file never mentions before scoring.
    #[arg(long, requires = "file")]
    pub universe: bool,
    /// Only the shipped default row (the others show what each family adds).
    #[arg(long)]
    pub default_only: bool,
}

/// A truth file and which of its queries to score.
#[derive(clap::Args)]
pub struct TruthArgs {
    /// Truth file: one `{"id": igdb_id, "similar": [igdb_id, ...]}` per line.
    #[arg(long = "truth", id = "file")]
    pub file: Option<PathBuf>,
    /// Share of the truth queries in the fit part (by a seeded hash of each id).
    #[arg(long, default_value_t = 0.5)]
    pub split: f64,
    /// Seed of the split.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Which part of the truth queries to score.
    #[arg(long, value_enum, default_value_t = Part::All)]
    pub part: Part,
}

/// A ranking to compare, made from the shipped one.
struct Variant {
    name: &'static str,
    scoring: fn(&Scoring) -> Scoring,
}

/// The shipped scoring without the notability prior.
fn without_prior(shipped: &Scoring) -> Scoring {
    Scoring {
        prior: 0.0,
        ..shipped.clone()
    }
}

fn variants() -> Vec<Variant> {
    vec![
        Variant {
            name: "genres + platforms (old system's signal)",
            scoring: |s| {
                without_prior(s).with_weights(|f, _| match f {
                    Family::Genre | Family::Platform => 1.0,
                    _ => 0.0,
                })
            },
        },
        Variant {
            name: "+ companies",
            scoring: |s| {
                without_prior(s).with_weights(|f, w| match f {
                    Family::Genre | Family::Platform | Family::Developer | Family::Publisher => w,
                    _ => 0.0,
                })
            },
        },
        Variant {
            name: "+ summary terms",
            scoring: |s| {
                without_prior(s).with_weights(|f, w| if f == Family::TitleWord { 0.0 } else { w })
            },
        },
        Variant {
            name: "+ title words",
            scoring: without_prior,
        },
        Variant {
            name: "+ notability prior (shipped default)",
            scoring: Scoring::clone,
        },
    ]
}

#[derive(Default)]
struct Scores {
    genre_precision: f64,
    developer_hits: (usize, usize),
    series_hits: (usize, usize),
    distinct_developers: f64,
    distinct_series: f64,
    recommended: HashSet<GameId>,
    queries: usize,
}

pub fn run(args: EvalArgs) -> Result<()> {
    let (manifest, mut library) = index_dir::load_library(&args.index)?;
    let queries = sample_queries(&library, args.queries);
    let truth = args.truth.file.as_deref().map(Truth::read).transpose()?;
    let truth_queries = truth
        .as_ref()
        .map(|t| t.queries(args.truth.part, args.truth.split, args.truth.seed))
        .unwrap_or_default();
    let main_games = library
        .loaded_games()
        .filter(|&g| library.card(g).is_some_and(|c| c.main_game))
        .count();
    println!(
        "index {} ({} games, {} main); {} query games (main, with a genre), k = 10",
        manifest.version,
        manifest.games,
        main_games,
        queries.len()
    );
    let mut header = "| variant | genre P@10 | same developer | same series | held-out developer | distinct devs | distinct series | coverage |".to_string();
    if let Some(path) = &args.truth.file {
        let mode = if args.universe {
            "universe"
        } else {
            "all candidates"
        };
        println!(
            "truth {} ({:?} part, split {} seed {}): {} queries, {mode}",
            path.display(),
            args.truth.part,
            args.truth.split,
            args.truth.seed,
            truth_queries.len()
        );
        header.push_str(" recall@10 | ndcg@10 | hit@10 |");
    }
    println!("\n{header}");
    println!("{}", "| --- ".repeat(header.matches(" |").count()) + "|");
    let shipped = library
        .features()
        .map(|f| f.scoring().clone())
        .unwrap_or_default();
    let mut rows = variants();
    if args.default_only {
        rows.drain(..rows.len() - 1);
    }
    for variant in rows {
        let scoring = (variant.scoring)(&shipped);
        library.set_scoring(scoring.clone());
        let scores = evaluate(&library, &queries);
        let truth_cells = truth.as_ref().map(|t| {
            let (all, universe) = truth_scores(&library, t, &truth_queries, args.universe);
            let s = if args.universe { universe } else { all };
            format!(
                " {:.4} | {:.4} | {:.4} |",
                s.recall(),
                s.ndcg(),
                s.hit_rate()
            )
        });
        library.set_scoring(scoring.with_weights(|f, w| match f {
            Family::Developer | Family::Publisher => 0.0,
            _ => w,
        }));
        let held_out = evaluate(&library, &queries);
        let n = scores.queries.max(1) as f64;
        println!(
            "| {} | {:.3} | {} | {} | {} | {:.2} | {:.2} | {:.1}% |{}",
            variant.name,
            scores.genre_precision / n,
            rate(scores.developer_hits),
            rate(scores.series_hits),
            rate(held_out.developer_hits),
            scores.distinct_developers / n,
            scores.distinct_series / n,
            100.0 * scores.recommended.len() as f64 / main_games.max(1) as f64,
            truth_cells.unwrap_or_default()
        );
    }
    library.set_scoring(shipped);
    Ok(())
}

/// Truth metrics of the library's default request for each query (IGDB ids), over all
/// candidates and, when `universe`, also within the truth's universe (which needs the longest
/// page, so that ten games the truth knows remain after dropping the others).
pub fn truth_scores(
    library: &Library,
    truth: &Truth,
    queries: &[u64],
    universe: bool,
) -> (TruthScores, TruthScores) {
    let k = if universe { MAX_K } else { K };
    let recs: Vec<(u64, Vec<u64>)> = queries
        .par_iter()
        .map(|&id| (id, recommend_ids(library, id, k)))
        .collect();
    let mut all = TruthScores::default();
    let mut within = TruthScores::default();
    for (id, recs) in recs {
        all.add(
            truth
                .score(id, &recs, false)
                .expect("queries come from the truth"),
        );
        if universe {
            within.add(
                truth
                    .score(id, &recs, true)
                    .expect("queries come from the truth"),
            );
        }
    }
    (all, within)
}

/// IGDB ids of the default recommendations for a game given by IGDB id; none when the game is
/// not in the index (as `playlike query --ids-file` prints it, so the truth scores it 0).
pub fn recommend_ids(library: &Library, igdb_id: u64, k: usize) -> Vec<u64> {
    let Some(game) = library.find_igdb(IgdbId(igdb_id)) else {
        return Vec::new();
    };
    let request = Request {
        k,
        ..Request::like(game)
    };
    library
        .recommend(&request)
        .map(|recs| {
            recs.iter()
                .filter_map(|r| library.card(r.game))
                .map(|c| c.igdb_id.0)
                .collect()
        })
        .unwrap_or_default()
}

fn rate((hits, eligible): (usize, usize)) -> String {
    if eligible == 0 {
        "n/a".into()
    } else {
        format!("{:.3} (n={eligible})", hits as f64 / eligible as f64)
    }
}

/// Every `step`-th main game with a genre, for a spread over all tiers.
fn sample_queries(library: &Library, wanted: usize) -> Vec<GameId> {
    let eligible: Vec<GameId> = library
        .loaded_games()
        .filter(|&g| {
            library
                .card(g)
                .is_some_and(|c| c.main_game && !c.genres.is_empty())
        })
        .collect();
    let step = (eligible.len() / wanted.max(1)).max(1);
    eligible.into_iter().step_by(step).take(wanted).collect()
}

struct QueryResult {
    genre_precision: f64,
    developer_hit: Option<bool>,
    series_hit: Option<bool>,
    distinct_developers: usize,
    distinct_series: usize,
    recommended: Vec<GameId>,
}

fn evaluate(library: &Library, queries: &[GameId]) -> Scores {
    let developer_games = games_by(library, |l, g| {
        l.card(g)
            .map(|c| c.developers.iter().map(|d| d.to_string()).collect())
            .unwrap_or_default()
    });
    let series_games = games_by(library, |l, g| {
        l.card(g)
            .map(|c| vec![series_key(c.name)])
            .unwrap_or_default()
    });
    let results: Vec<QueryResult> = queries
        .par_iter()
        .filter_map(|&q| {
            let recs = library.recommend(&Request::like(q)).ok()?;
            let query = library.card(q)?;
            let cards: Vec<_> = recs.iter().filter_map(|r| library.card(r.game)).collect();
            let shares_genre = cards
                .iter()
                .filter(|c| c.genres.iter().any(|g| query.genres.contains(g)))
                .count();
            let has_other = |map: &std::collections::HashMap<String, usize>, keys: &[String]| {
                keys.iter().any(|k| map.get(k).copied().unwrap_or(0) >= 2)
            };
            let query_devs: Vec<String> = query.developers.iter().map(|d| d.to_string()).collect();
            let query_series = vec![series_key(query.name)];
            Some(QueryResult {
                genre_precision: shares_genre as f64 / cards.len().max(1) as f64,
                developer_hit: has_other(&developer_games, &query_devs).then(|| {
                    cards
                        .iter()
                        .any(|c| c.developers.iter().any(|d| query.developers.contains(d)))
                }),
                series_hit: has_other(&series_games, &query_series)
                    .then(|| cards.iter().any(|c| series_key(c.name) == query_series[0])),
                distinct_developers: cards
                    .iter()
                    .filter_map(|c| c.developers.first())
                    .collect::<HashSet<_>>()
                    .len(),
                distinct_series: cards
                    .iter()
                    .map(|c| series_key(c.name))
                    .collect::<HashSet<_>>()
                    .len(),
                recommended: recs.iter().map(|r| r.game).collect(),
            })
        })
        .collect();
    let mut scores = Scores::default();
    for r in results {
        scores.queries += 1;
        scores.genre_precision += r.genre_precision;
        count(&mut scores.developer_hits, r.developer_hit);
        count(&mut scores.series_hits, r.series_hit);
        scores.distinct_developers += r.distinct_developers as f64;
        scores.distinct_series += r.distinct_series as f64;
        scores.recommended.extend(r.recommended);
    }
    scores
}

fn count(tally: &mut (usize, usize), hit: Option<bool>) {
    if let Some(hit) = hit {
        tally.1 += 1;
        tally.0 += usize::from(hit);
    }
}

/// How many main games carry each key (developer, series).
fn games_by(
    library: &Library,
    keys: impl Fn(&Library, GameId) -> Vec<String>,
) -> std::collections::HashMap<String, usize> {
    let mut counts = std::collections::HashMap::new();
    for g in library.loaded_games() {
        if library.card(g).is_some_and(|c| c.main_game) {
            for key in keys(library, g) {
                *counts.entry(key).or_insert(0) += 1;
            }
        }
    }
    counts
}
