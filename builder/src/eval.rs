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

use std::collections::HashSet;
use std::path::PathBuf;

use anyhow::Result;
use playlike_core::features::{series_key, Family};
use playlike_core::recommend::POPULARITY_WITHOUT_PRIOR;
use playlike_core::{Knobs, Library, Request};
use rayon::prelude::*;

use crate::index_dir;

#[derive(clap::Args)]
pub struct EvalArgs {
    /// Index directory (holding manifest.json).
    #[arg(long)]
    pub index: PathBuf,
    /// Query games in the sample.
    #[arg(long, default_value_t = 3000)]
    pub queries: usize,
}

/// A weighting to compare: family → weight, and the popularity knob.
struct Variant {
    name: &'static str,
    weight: fn(Family) -> f32,
    popularity: f32,
}

fn variants() -> Vec<Variant> {
    vec![
        Variant {
            name: "genres + platforms (old system's signal)",
            weight: |f| match f {
                Family::Genre | Family::Platform => 1.0,
                _ => 0.0,
            },
            popularity: POPULARITY_WITHOUT_PRIOR,
        },
        Variant {
            name: "+ companies",
            weight: |f| match f {
                Family::Genre | Family::Platform | Family::Developer | Family::Publisher => {
                    f.weight()
                }
                _ => 0.0,
            },
            popularity: POPULARITY_WITHOUT_PRIOR,
        },
        Variant {
            name: "+ summary terms",
            weight: |f| match f {
                Family::TitleWord => 0.0,
                f => f.weight(),
            },
            popularity: POPULARITY_WITHOUT_PRIOR,
        },
        Variant {
            name: "+ title words",
            weight: Family::weight,
            popularity: POPULARITY_WITHOUT_PRIOR,
        },
        Variant {
            name: "+ notability prior (shipped default)",
            weight: Family::weight,
            popularity: 0.0,
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
    recommended: HashSet<u32>,
    queries: usize,
}

pub fn run(args: EvalArgs) -> Result<()> {
    let (manifest, mut library) = index_dir::load_library(&args.index)?;
    let queries = sample_queries(&library, args.queries);
    let main_games = (0..library.loaded_titles() as u32)
        .filter(|&g| library.card(g).is_some_and(|c| c.main_game))
        .count();
    println!(
        "index {} ({} games, {} main); {} query games (main, with a genre), k = 10\n",
        manifest.version,
        manifest.games,
        main_games,
        queries.len()
    );
    println!("| variant | genre P@10 | same developer | same series | held-out developer | distinct devs | distinct series | coverage |");
    println!("| --- | --- | --- | --- | --- | --- | --- | --- |");
    for variant in variants() {
        library.reweight(&variant.weight);
        let scores = evaluate(&library, &queries, variant.popularity);
        let weight = variant.weight;
        library.reweight(&|f| match f {
            Family::Developer | Family::Publisher => 0.0,
            f => weight(f),
        });
        let held_out = evaluate(&library, &queries, variant.popularity);
        let n = scores.queries.max(1) as f64;
        println!(
            "| {} | {:.3} | {} | {} | {} | {:.2} | {:.2} | {:.1}% |",
            variant.name,
            scores.genre_precision / n,
            rate(scores.developer_hits),
            rate(scores.series_hits),
            rate(held_out.developer_hits),
            scores.distinct_developers / n,
            scores.distinct_series / n,
            100.0 * scores.recommended.len() as f64 / main_games.max(1) as f64
        );
    }
    library.reweight(&Family::weight);
    Ok(())
}

fn rate((hits, eligible): (usize, usize)) -> String {
    if eligible == 0 {
        "n/a".into()
    } else {
        format!("{:.3} (n={eligible})", hits as f64 / eligible as f64)
    }
}

/// Every `step`-th main game with a genre, for a spread over all tiers.
fn sample_queries(library: &Library, wanted: usize) -> Vec<u32> {
    let eligible: Vec<u32> = (0..library.loaded_titles() as u32)
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
    recommended: Vec<u32>,
}

fn evaluate(library: &Library, queries: &[u32], popularity: f32) -> Scores {
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
            let request = Request {
                knobs: Knobs {
                    popularity,
                    recency: 0.0,
                },
                ..Request::like(q)
            };
            let recs = library.recommend(&request).ok()?;
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
    keys: impl Fn(&Library, u32) -> Vec<String>,
) -> std::collections::HashMap<String, usize> {
    let mut counts = std::collections::HashMap::new();
    for g in 0..library.loaded_titles() as u32 {
        if library.card(g).is_some_and(|c| c.main_game) {
            for key in keys(library, g) {
                *counts.entry(key).or_insert(0) += 1;
            }
        }
    }
    counts
}
