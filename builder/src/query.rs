//! `playlike query` and `playlike search`: the engine on the command line, for scripting
//! and evaluation. Ids on the command line and in JSON are IGDB ids.

use std::io::{BufRead, BufWriter, Write};
use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use playlike_core::protocol::GameSummary;
use playlike_core::{Filters, GameId, IgdbId, Library, Request, View};
use rayon::prelude::*;
use serde_json::json;

use crate::index_dir;

#[derive(clap::Args)]
pub struct QueryArgs {
    /// Index directory (holding manifest.json).
    #[arg(long)]
    pub index: PathBuf,
    /// IGDB ids of liked games, comma separated.
    #[arg(long, value_delimiter = ',')]
    pub like: Vec<IgdbId>,
    /// IGDB ids of disliked games, comma separated.
    #[arg(long, value_delimiter = ',')]
    pub dislike: Vec<IgdbId>,
    /// A file of IGDB ids, one per line: one JSON line of recommendations per id.
    #[arg(long, conflicts_with_all = ["like", "dislike"])]
    pub ids_file: Option<PathBuf>,
    #[command(flatten)]
    pub filters: FilterArgs,
    /// Number of results.
    #[arg(long, default_value_t = 10)]
    pub k: usize,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// Filters and knobs (core's one vocabulary, [`View`]: `--platform`, `--from`, `--not-genre`,
/// `--all-types`, `--popularity`, …) and the games never to recommend.
#[derive(clap::Args, Clone, Default)]
pub struct FilterArgs {
    #[command(flatten)]
    pub view: View,
    /// IGDB ids never to recommend (e.g. owned), comma separated.
    #[arg(long, value_delimiter = ',')]
    pub exclude: Vec<IgdbId>,
}

impl FilterArgs {
    pub fn request(
        &self,
        library: &Library,
        like: Vec<GameId>,
        dislike: Vec<GameId>,
        k: usize,
    ) -> Request {
        let exclude_games = self
            .exclude
            .iter()
            .filter_map(|&id| library.find_igdb(id))
            .collect();
        Request {
            like,
            dislike,
            filters: Filters {
                exclude_games,
                ..self.view.filters.clone()
            },
            knobs: self.view.knobs,
            k,
        }
    }
}

fn dense_ids(library: &Library, ids: &[IgdbId]) -> Result<Vec<GameId>> {
    ids.iter()
        .map(|&id| {
            library
                .find_igdb(id)
                .with_context(|| format!("IGDB id {id} is not in the index"))
        })
        .collect()
}

pub fn run_query(args: QueryArgs) -> Result<()> {
    let (_, library) = index_dir::load_library(&args.index)?;
    if let Some(path) = &args.ids_file {
        return batch_query(&library, &args, path);
    }
    if args.like.is_empty() {
        bail!("give --like IDS or --ids-file FILE");
    }
    let like = dense_ids(&library, &args.like)?;
    let dislike = dense_ids(&library, &args.dislike)?;
    let request = args.filters.request(&library, like, dislike, args.k);
    let recs = library.recommend(&request)?;
    if args.json {
        let items: Vec<_> = recs
            .iter()
            .map(|r| {
                let card = library.card(r.game).expect("recommended games are loaded");
                json!({"id": card.igdb_id, "name": card.name, "year": card.year, "score": r.score, "why": r.explanation.text()})
            })
            .collect();
        println!(
            "{}",
            json!({"like": args.like, "dislike": args.dislike, "recs": items})
        );
    } else {
        for (rank, r) in recs.iter().enumerate() {
            let card = library.card(r.game).expect("recommended games are loaded");
            println!(
                "{:>3}. {:<48} {:>4} {:>8}  {:.3}  {}",
                rank + 1,
                truncate(card.name, 48),
                card.year.map_or("----".into(), |y| y.to_string()),
                card.igdb_id,
                r.score,
                r.explanation.text()
            );
        }
    }
    Ok(())
}

fn batch_query(library: &Library, args: &QueryArgs, path: &PathBuf) -> Result<()> {
    let ids = read_lines(path)?
        .iter()
        .enumerate()
        .map(|(i, line)| {
            line.parse::<IgdbId>()
                .with_context(|| format!("{}:{}: not an IGDB id: {line:?}", path.display(), i + 1))
        })
        .collect::<Result<Vec<IgdbId>>>()?;
    let lines: Vec<String> = ids
        .par_iter()
        .map(|&id| {
            let Some(game) = library.find_igdb(id) else {
                return json!({"id": id, "recs": [], "error": "not in the index"}).to_string();
            };
            let request = args
                .filters
                .request(library, vec![game], Vec::new(), args.k);
            match library.recommend(&request) {
                Ok(recs) => {
                    let ids: Vec<IgdbId> = recs
                        .iter()
                        .filter_map(|r| library.card(r.game))
                        .map(|c| c.igdb_id)
                        .collect();
                    json!({"id": id, "recs": ids}).to_string()
                }
                Err(e) => json!({"id": id, "recs": [], "error": e.to_string()}).to_string(),
            }
        })
        .collect();
    print_lines(&lines)
}

#[derive(clap::Args)]
pub struct SearchArgs {
    /// Index directory (holding manifest.json).
    #[arg(long)]
    pub index: PathBuf,
    /// What a person would type.
    pub query: Option<String>,
    /// A file of queries, one per line: one JSON line of hits per query.
    #[arg(long, conflicts_with = "query")]
    pub queries_file: Option<PathBuf>,
    #[arg(long, default_value_t = 10)]
    pub k: usize,
    #[arg(long)]
    pub json: bool,
}

pub fn run_search(args: SearchArgs) -> Result<()> {
    let (_, library) = index_dir::load_library(&args.index)?;
    if let Some(path) = &args.queries_file {
        let lines: Vec<String> = read_lines(path)?
            .par_iter()
            .map(|q| search_json(q, &GameSummary::search(&library, q, args.k)).to_string())
            .collect();
        return print_lines(&lines);
    }
    let query = args.query.context("give a query or --queries-file FILE")?;
    let hits = GameSummary::search(&library, &query, args.k);
    if args.json {
        println!("{}", search_json(&query, &hits));
        return Ok(());
    }
    for (rank, hit) in hits.iter().enumerate() {
        let aka = hit
            .also_known_as
            .as_ref()
            .map_or(String::new(), |name| format!("  (also known as {name})"));
        println!(
            "{:>3}. {:<52} {:>4} {:>8}  {}{aka}",
            rank + 1,
            truncate(&hit.name, 52),
            hit.year.map_or("----".into(), |y| y.to_string()),
            hit.igdb_id,
            hit.platforms
                .iter()
                .take(3)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    Ok(())
}

/// `{"q", "hits": [IGDB ids], "also_known_as": {id: name}}`, the last only when an
/// alternative name matched.
fn search_json(query: &str, hits: &[GameSummary]) -> serde_json::Value {
    let ids: Vec<IgdbId> = hits.iter().map(|h| h.igdb_id).collect();
    let mut out = json!({"q": query, "hits": ids});
    let aka: serde_json::Map<String, serde_json::Value> = hits
        .iter()
        .filter_map(|h| Some((h.igdb_id.to_string(), json!(h.also_known_as.as_ref()?))))
        .collect();
    if !aka.is_empty() {
        out["also_known_as"] = serde_json::Value::Object(aka);
    }
    out
}

fn read_lines(path: &PathBuf) -> Result<Vec<String>> {
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    std::io::BufReader::new(file)
        .lines()
        .map(|l| l.with_context(|| format!("cannot read {}", path.display())))
        .filter(|l| l.as_ref().map_or(true, |l| !l.trim().is_empty()))
        .map(|l| l.map(|l| l.trim().to_string()))
        .collect()
}

fn print_lines(lines: &[String]) -> Result<()> {
    let mut out = BufWriter::new(std::io::stdout().lock());
    for line in lines {
        writeln!(out, "{line}")?;
    }
    Ok(out.flush()?)
}

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let cut: String = text.chars().take(max - 1).collect();
        format!("{cut}…")
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;
    use playlike_core::{Knobs, View};

    use super::*;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        filters: FilterArgs,
    }

    /// The flags for `view` under the one vocabulary: `--name value` per list item, a bare
    /// `--name` for a flag.
    fn flags(view: &View) -> Vec<String> {
        let defaults = serde_json::to_value(View::default()).unwrap();
        let mut args = vec!["playlike".to_string()];
        for (key, value) in view.to_query() {
            let flag = format!("--{}", key.replace('_', "-"));
            if defaults[key].is_boolean() {
                args.push(flag);
                continue;
            }
            let items: Vec<&str> = if defaults[key].is_array() {
                value.split(',').collect()
            } else {
                vec![value.as_str()]
            };
            for item in items {
                args.push(flag.clone());
                args.push(item.to_string());
            }
        }
        args
    }

    #[test]
    fn a_view_round_trips_through_the_command_line() {
        // Every filter and knob set (read from a link, so the two spellings meet here too).
        let view = View::from_query([
            ("platform", "PC (Microsoft Windows),Nintendo Switch"),
            ("store", "GOG"),
            ("from", "2001"),
            ("to", "2019"),
            ("min_rating", "75"),
            ("genre", "Role-playing (RPG)"),
            ("not_genre", "Indie,Puzzle"),
            ("all_types", "1"),
            ("popularity", "-0.3"),
            ("recency", "1"),
        ]);
        assert_eq!(
            view.to_query().len(),
            Filters::KEYS.len() + Knobs::KEYS.len()
        );
        let args = flags(&view);
        assert!(args.contains(&"--not-genre".to_string()) && args.contains(&"--all-types".into()));
        let parsed = Cli::try_parse_from(&args).unwrap();
        assert_eq!(parsed.filters.view, view);
        let none = Cli::try_parse_from(["playlike"]).unwrap();
        assert_eq!(none.filters.view, View::default());
    }

    #[test]
    fn store_names_are_checked_and_spelt_as_the_index_does() {
        let parsed = Cli::try_parse_from(["playlike", "--store", "gog"]).unwrap();
        assert_eq!(parsed.filters.view.filters.store, ["GOG"]);
        let Err(error) = Cli::try_parse_from(["playlike", "--store", "Nowhere"]) else {
            panic!("an unknown store was accepted");
        };
        assert!(error.to_string().contains("unknown store"), "{error}");
    }
}
