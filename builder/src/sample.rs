//! `playlike sample`: the small real catalogue the project commits for its demo and tests.
//!
//! Rule: the `--games` most notable games (by `playlike_core::features::notability`, ties by
//! IGDB id), written in IGDB id order. Facts only: ids, names, genres, platforms, companies,
//! dates, ratings, cover image ids, up to two store links; and what a build would derive from
//! the parts left out, derived here from the whole record so the demo index ranks and links
//! games as the full one does: the descriptive terms (chosen over the *whole* input), the
//! descriptors found in the summary, and the notability (its evidence includes every link
//! and the summary). No summary text; empty fields are left out. 18,000 games keep the file
//! under 2 MB.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result};
use playlike_core::build::descriptive_terms;
use playlike_core::terms::TermOptions;
use playlike_core::{descriptors, features};
use serde_json::json;

use crate::ingest;

/// Links kept per game: enough for notability, few enough to stay small.
const MAX_LINKS: usize = 2;

#[derive(clap::Args)]
pub struct SampleArgs {
    /// The full catalogue (e.g. ../shared/data/igdb-unifidb/games.jsonl.zst).
    #[arg(long, num_args = 1.., required = true)]
    pub input: Vec<PathBuf>,
    /// How many games to keep.
    #[arg(long, default_value_t = 18_000)]
    pub games: usize,
    /// Output file (.jsonl or .jsonl.gz).
    #[arg(long)]
    pub out: PathBuf,
}

pub fn run(args: SampleArgs) -> Result<()> {
    let (games, report) = ingest::read_games(&args.input, ingest::ReadOptions::default())?;
    eprintln!("{}", report.summary());
    let terms = descriptive_terms(&games, &TermOptions::default());
    let mut ranked: Vec<(f32, usize)> = games
        .iter()
        .enumerate()
        .map(|(i, g)| (features::notability(g), i))
        .collect();
    ranked.sort_by(|a, b| {
        b.0.total_cmp(&a.0)
            .then(games[a.1].igdb_id.cmp(&games[b.1].igdb_id))
    });
    let mut keep: Vec<(f32, usize)> = ranked.into_iter().take(args.games).collect();
    keep.sort_by_key(|&(_, i)| games[i].igdb_id);
    let mut out = Vec::new();
    for &(notability, i) in &keep {
        let g = &games[i];
        let mut record = json!({
            "igdb_id": g.igdb_id,
            "name": g.name,
            "genres": g.genres,
            "platforms": g.platforms,
            "developers": g.developers,
            "publishers": g.publishers,
            "release_date": g.release_date,
            "aggregated_rating": g.critic_rating.map(|r| (r * 10.0).round() / 10.0),
            "cover": g.cover_image_id.as_ref().map(|id| json!({"image_id": id})),
            "websites": g.links.iter().take(MAX_LINKS).map(|url| json!({"url": url})).collect::<Vec<_>>(),
            "terms": terms[i],
            "descriptors": g.summary.as_deref().map(descriptors::descriptors).unwrap_or_default(),
            "notability": (notability * 1000.0).round() / 1000.0,
        });
        if let Some(fields) = record.as_object_mut() {
            fields.retain(|_, v| !(v.is_null() || v.as_array().is_some_and(Vec::is_empty)));
        }
        writeln!(out, "{record}")?;
    }
    let bytes = if args.out.to_string_lossy().ends_with(".gz") {
        playlike_core::format::gzip(&out)
    } else {
        out
    };
    if let Some(parent) = args.out.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(&args.out, &bytes)
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    println!(
        "wrote {} of {} games to {} ({} bytes). Data from IGDB.com.",
        keep.len(),
        games.len(),
        args.out.display(),
        bytes.len()
    );
    Ok(())
}
