//! Scoring recommendations against a truth file of "games like this" lists.
//!
//! A truth file has one JSON object per line, `{"id": igdb_id, "similar": [igdb_id, …]}`
//! (the shape of the Steam "More like this" evaluation set). The metrics are exactly those of
//! that set's `score.py`, so figures printed here and figures from its script agree:
//!
//! - recall@k: hits in the first k recommendations / min(k, list length);
//! - ndcg@k: DCG with gain 1 and discount 1/log2(rank + 1), over the ideal DCG of
//!   min(k, list length) hits;
//! - hit@k: whether there is at least one hit.
//!
//! The query itself and repeated ids are dropped from the recommendations first. In the
//! *universe* mode, recommendations outside the truth file's universe (every id it mentions,
//! as query or as similar game) are dropped too before taking the first k: it judges how the
//! engine orders the games the truth knows, apart from how many other games it picks.
//!
//! [`Truth::split`] cuts the queries into a part to fit parameters on and a held-out part,
//! by a seeded hash of each id, so the same seed gives the same parts on any machine and for
//! any order of the file.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use anyhow::{bail, Context, Result};
use playlike_core::bench::SplitMix;

/// Cut-off of every truth metric.
pub const K: usize = 10;

/// The truth lists and their universe.
#[derive(Debug)]
pub struct Truth {
    lists: BTreeMap<u64, Vec<u64>>,
    universe: HashSet<u64>,
}

/// Which of a truth file's queries to score.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    /// Every query.
    All,
    /// The part parameters are fitted on.
    Fit,
    /// The held-out rest.
    Held,
}

impl Truth {
    /// Reads a truth file; a bad line is an error naming the file and line.
    pub fn read(path: &Path) -> Result<Truth> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read truth file {}", path.display()))?;
        Truth::parse(&text, &path.display().to_string())
    }

    /// Parses truth lines; `origin` names the source in errors.
    pub fn parse(text: &str, origin: &str) -> Result<Truth> {
        #[derive(serde::Deserialize)]
        struct Line {
            id: u64,
            similar: Vec<u64>,
        }
        let mut lists = BTreeMap::new();
        for (number, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let row: Line = serde_json::from_str(line)
                .with_context(|| format!("{origin}:{}: not a truth line", number + 1))?;
            if row.similar.is_empty() {
                bail!(
                    "{origin}:{}: game {} has no similar games",
                    number + 1,
                    row.id
                );
            }
            if lists.insert(row.id, row.similar).is_some() {
                bail!("{origin}:{}: game {} listed twice", number + 1, row.id);
            }
        }
        if lists.is_empty() {
            bail!("{origin}: no truth lines");
        }
        let universe = lists
            .iter()
            .flat_map(|(&q, similar)| std::iter::once(q).chain(similar.iter().copied()))
            .collect();
        Ok(Truth { lists, universe })
    }

    /// Query ids of a part: `share` of them (by a hash of the id and `seed`) are the fit
    /// part, the others the held-out part. Ascending.
    pub fn queries(&self, part: Part, share: f64, seed: u64) -> Vec<u64> {
        self.lists
            .keys()
            .copied()
            .filter(|&id| match part {
                Part::All => true,
                Part::Fit => in_fit_part(id, share, seed),
                Part::Held => !in_fit_part(id, share, seed),
            })
            .collect()
    }

    /// Recall, ndcg and hit at [`K`] of one query's recommendations (IGDB ids, best first),
    /// or `None` when the query is not in the truth file.
    pub fn score(&self, query: u64, recs: &[u64], universe: bool) -> Option<QueryScore> {
        let truth = self.lists.get(&query)?;
        let mut seen = HashSet::new();
        let ranked: Vec<u64> = recs
            .iter()
            .copied()
            .filter(|&r| r != query && (!universe || self.universe.contains(&r)))
            .filter(|&r| seen.insert(r))
            .take(K)
            .collect();
        let relevant: HashSet<u64> = truth.iter().copied().collect();
        let ideal = K.min(relevant.len());
        let discount = |rank: usize| 1.0 / ((rank + 2) as f64).log2();
        let hits: Vec<usize> = (0..ranked.len())
            .filter(|&rank| relevant.contains(&ranked[rank]))
            .collect();
        Some(QueryScore {
            recall: hits.len() as f64 / ideal as f64,
            ndcg: hits.iter().map(|&r| discount(r)).sum::<f64>()
                / (0..ideal).map(discount).sum::<f64>(),
            hit: !hits.is_empty(),
        })
    }
}

/// Whether a query id falls in the fit part.
fn in_fit_part(id: u64, share: f64, seed: u64) -> bool {
    let hash = SplitMix(seed ^ id.wrapping_mul(0x9E37_79B9_7F4A_7C15)).next_u64();
    (hash >> 11) as f64 / (1u64 << 53) as f64 <= share
}

/// The truth metrics of one query.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QueryScore {
    pub recall: f64,
    pub ndcg: f64,
    pub hit: bool,
}

/// Truth metrics averaged over queries.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct TruthScores {
    recall: f64,
    ndcg: f64,
    hits: usize,
    pub queries: usize,
}

impl TruthScores {
    pub fn add(&mut self, score: QueryScore) {
        self.recall += score.recall;
        self.ndcg += score.ndcg;
        self.hits += usize::from(score.hit);
        self.queries += 1;
    }

    pub fn recall(&self) -> f64 {
        self.recall / self.queries.max(1) as f64
    }

    pub fn ndcg(&self) -> f64 {
        self.ndcg / self.queries.max(1) as f64
    }

    pub fn hit_rate(&self) -> f64 {
        self.hits as f64 / self.queries.max(1) as f64
    }

    /// "recall@10 0.0312 ndcg@10 0.0401 hit@10 0.2210 (n=6911)"
    pub fn summary(&self) -> String {
        format!(
            "recall@{K} {:.4} ndcg@{K} {:.4} hit@{K} {:.4} (n={})",
            self.recall(),
            self.ndcg(),
            self.hit_rate(),
            self.queries
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXTURE: &str = include_str!("../../tests/fixtures/truth.jsonl");

    fn truth() -> Truth {
        Truth::parse(FIXTURE, "truth.jsonl").unwrap()
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn recall_ndcg_and_hit_follow_score_py() {
        let truth = truth();
        // Game 1's list is [2, 3, 4]: hits at ranks 0 and 2 of three relevant games.
        let s = truth.score(1, &[2, 9, 4, 8], false).unwrap();
        assert!(close(s.recall, 2.0 / 3.0), "{s:?}");
        let dcg = 1.0 + 1.0 / 4f64.log2();
        let ideal = 1.0 + 1.0 / 3f64.log2() + 1.0 / 4f64.log2();
        assert!(close(s.ndcg, dcg / ideal), "{s:?}");
        assert!(s.hit);
        // The query itself and repeats are dropped before the cut.
        let s = truth.score(1, &[1, 2, 2, 3, 4], false).unwrap();
        assert!(close(s.recall, 1.0) && close(s.ndcg, 1.0), "{s:?}");
        let miss = truth.score(1, &[7, 8], false).unwrap();
        assert_eq!((miss.recall, miss.ndcg, miss.hit), (0.0, 0.0, false));
        assert_eq!(truth.score(99, &[1], false), None, "not a truth query");
    }

    #[test]
    fn long_lists_are_judged_at_ten() {
        let truth = truth();
        // Game 5 has twelve similar games (10..=21): ten hits is a perfect score.
        let recs: Vec<u64> = (10..=21).collect();
        let s = truth.score(5, &recs, false).unwrap();
        assert!(close(s.recall, 1.0) && close(s.ndcg, 1.0), "{s:?}");
        let late: Vec<u64> = (100..109).chain([10]).collect();
        let s = truth.score(5, &late, false).unwrap();
        assert!(close(s.recall, 0.1), "one hit at rank ten: {s:?}");
    }

    #[test]
    fn the_universe_mode_drops_games_the_truth_never_mentions() {
        let truth = truth();
        // 500 is in no list: dropped in the universe mode, so 4 moves up into the ten.
        let mut recs = vec![500; 1];
        recs.extend(600..609);
        recs.push(4);
        assert!(!truth.score(1, &recs, false).unwrap().hit);
        let s = truth.score(1, &[500, 601, 4, 3], true).unwrap();
        assert!(close(s.recall, 2.0 / 3.0), "{s:?}");
        let mut averaged = TruthScores::default();
        averaged.add(s);
        averaged.add(truth.score(1, &[], true).unwrap());
        assert!(close(averaged.recall(), 1.0 / 3.0));
        assert!(close(averaged.hit_rate(), 0.5));
        assert!(averaged.summary().contains("(n=2)"));
    }

    #[test]
    fn parts_split_every_query_once_and_follow_the_seed() {
        let text: String = (1..=400)
            .map(|id| format!("{{\"id\": {id}, \"similar\": [{}]}}\n", id + 1000))
            .collect();
        let truth = Truth::parse(&text, "t").unwrap();
        let fit = truth.queries(Part::Fit, 0.5, 1);
        let held = truth.queries(Part::Held, 0.5, 1);
        assert_eq!(fit.len() + held.len(), 400);
        assert!(fit.iter().all(|id| !held.contains(id)));
        assert!((150..250).contains(&fit.len()), "about half: {}", fit.len());
        assert_eq!(fit, truth.queries(Part::Fit, 0.5, 1), "deterministic");
        assert_ne!(fit, truth.queries(Part::Fit, 0.5, 2), "the seed matters");
        assert_eq!(truth.queries(Part::All, 0.5, 1).len(), 400);
    }

    #[test]
    fn bad_lines_are_named() {
        let err = Truth::parse("{\"id\": 1, \"similar\": [2]}\nnope\n", "t.jsonl").unwrap_err();
        assert!(format!("{err:#}").contains("t.jsonl:2"), "{err:#}");
        let err = Truth::parse("{\"id\": 1, \"similar\": []}\n", "t.jsonl").unwrap_err();
        assert!(format!("{err:#}").contains("t.jsonl:1"), "{err:#}");
        let twice = "{\"id\": 1, \"similar\": [2]}\n{\"id\": 1, \"similar\": [3]}\n";
        assert!(Truth::parse(twice, "t").is_err());
        assert!(Truth::parse("", "t").is_err());
    }
}
