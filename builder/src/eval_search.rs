//! `playlike eval-search`: how often title search finds the wanted game, per kind of query.
//!
//! Runs every query of a `playlike queries` file through [`Library::search`] (the same call
//! the web app's typeahead makes, through the engine) and counts, per kind, the queries whose
//! game (or a game with the very same title) is first (found@1) or in the top ten
//! (found@10), and the queries that got no result at all.

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::Result;
use playlike_core::Library;
use rayon::prelude::*;

use crate::index_dir;
use crate::queries::{self, Kind, Query};

/// Results looked at per query.
const K: usize = 10;

#[derive(clap::Args)]
pub struct EvalSearchArgs {
    /// Index directory (holding manifest.json).
    #[arg(long)]
    pub index: PathBuf,
    /// Query file written by `playlike queries`.
    #[arg(long)]
    pub queries: PathBuf,
    /// Also print up to this many missed queries per kind, with what came first instead.
    #[arg(long, default_value_t = 0)]
    pub misses: usize,
}

/// Counts for one kind of query (or all of them).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Score {
    pub queries: usize,
    pub found_at_1: usize,
    pub found_at_10: usize,
    pub empty: usize,
}

impl Score {
    fn add(&mut self, other: &Score) {
        self.queries += other.queries;
        self.found_at_1 += other.found_at_1;
        self.found_at_10 += other.found_at_10;
        self.empty += other.empty;
    }

    pub fn share_at_1(&self) -> f64 {
        self.found_at_1 as f64 / self.queries.max(1) as f64
    }

    pub fn share_at_10(&self) -> f64 {
        self.found_at_10 as f64 / self.queries.max(1) as f64
    }

    fn markdown_row(&self, label: &str) -> String {
        format!(
            "| {label} | {} | {:.3} | {:.3} | {} |",
            self.queries,
            self.share_at_1(),
            self.share_at_10(),
            self.empty
        )
    }
}

/// A query whose game was not first.
#[derive(Debug, Clone)]
pub struct Miss {
    pub query: Query,
    /// Rank of the wanted game (1-based) if it is in the top ten.
    pub rank: Option<usize>,
    /// Title that came first, if any.
    pub first: Option<String>,
}

/// Scores per kind, the total, and the misses.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub kinds: BTreeMap<Kind, Score>,
    pub total: Score,
    pub misses: Vec<Miss>,
}

impl Report {
    pub fn markdown(&self) -> String {
        let mut lines = vec![
            "| kind | queries | found@1 | found@10 | empty |".to_string(),
            "| --- | --- | --- | --- | --- |".to_string(),
        ];
        for (kind, score) in &self.kinds {
            lines.push(score.markdown_row(kind.label()));
        }
        lines.push(self.total.markdown_row("**all**"));
        lines.join("\n")
    }
}

pub fn run(args: EvalSearchArgs) -> Result<()> {
    let queries = queries::read(&args.queries)?;
    queries::check(&queries)?;
    let (_, library) = index_dir::load_library(&args.index)?;
    let report = evaluate(&library, &queries);
    println!(
        "{} queries from {} on {} ({} games)\n",
        queries.len(),
        args.queries.display(),
        args.index.display(),
        library.loaded_titles()
    );
    println!("{}", report.markdown());
    if args.misses > 0 {
        print_misses(&report, args.misses);
    }
    Ok(())
}

fn print_misses(report: &Report, per_kind: usize) {
    for kind in Kind::ALL {
        let misses: Vec<&Miss> = report
            .misses
            .iter()
            .filter(|m| m.query.kind == kind)
            .take(per_kind)
            .collect();
        if misses.is_empty() {
            continue;
        }
        println!("\n{}:", kind.label());
        for miss in misses {
            println!(
                "  {:<44} want {:<40} rank {:<4} first {}",
                format!("{:?}", miss.query.q),
                format!("{:?}", miss.query.title),
                miss.rank.map_or("-".into(), |r| r.to_string()),
                miss.first.as_deref().unwrap_or("(nothing)")
            );
        }
    }
}

/// Runs every query and counts what was found.
pub fn evaluate(library: &Library, queries: &[Query]) -> Report {
    let outcomes: Vec<(Score, Option<Miss>)> = queries
        .par_iter()
        .map(|query| judge(library, query))
        .collect();
    let mut report = Report::default();
    for (query, (score, miss)) in queries.iter().zip(outcomes) {
        report.kinds.entry(query.kind).or_default().add(&score);
        report.total.add(&score);
        report.misses.extend(miss);
    }
    report
}

fn judge(library: &Library, query: &Query) -> (Score, Option<Miss>) {
    let hits = library.search(&query.q, K);
    let ids: Vec<u64> = hits
        .iter()
        .filter_map(|h| library.card(h.game))
        .map(|c| c.igdb_id.0)
        .collect();
    let rank = ids.iter().position(|id| query.accept.contains(id));
    let score = Score {
        queries: 1,
        found_at_1: usize::from(rank == Some(0)),
        found_at_10: usize::from(rank.is_some()),
        empty: usize::from(ids.is_empty()),
    };
    let miss = (rank != Some(0)).then(|| Miss {
        query: query.clone(),
        rank: rank.map(|r| r + 1),
        first: hits
            .first()
            .and_then(|h| library.card(h.game))
            .map(|c| c.name.to_string()),
    });
    (score, miss)
}
