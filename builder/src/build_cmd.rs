//! `playlike build`: catalogue files in, index directory out.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{bail, Result};
use playlike_core::build::{build_index, BuildOptions};
use playlike_core::format::FileRole;

use crate::{index_dir, ingest};

#[derive(clap::Args)]
pub struct BuildArgs {
    /// Catalogue files: .jsonl or .json arrays, optionally .gz or .zst compressed.
    #[arg(long, num_args = 1.., required = true)]
    pub input: Vec<PathBuf>,
    /// Index directory to write: a new path, an empty directory or an earlier index (replaced
    /// only when the new index is complete; any other directory is refused).
    #[arg(long)]
    pub out: PathBuf,
    /// Fail on any skipped record instead of reporting it.
    #[arg(long)]
    pub strict: bool,
    /// Games in the first title shard, which the page needs before its first search.
    #[arg(long, default_value_t = BuildOptions::default().head_titles)]
    pub head_titles: usize,
    /// Games per cover block (the later tiers' cover ids, fetched when a card needs one).
    #[arg(long, default_value_t = BuildOptions::default().cover_block_size)]
    pub cover_block: usize,
    /// Leave summary text out of the details shards.
    #[arg(long)]
    pub no_summaries: bool,
    /// Refuse to build an index with fewer games than this.
    #[arg(long, default_value_t = 1)]
    pub min_games: usize,
    /// Longest record (JSONL line or JSON array element) read, in bytes; longer lines are
    /// skipped and reported, a longer array element fails its file.
    #[arg(long, default_value_t = ingest::DEFAULT_MAX_RECORD_BYTES)]
    pub max_record_bytes: usize,
    /// Refuse to build when more than this percentage of the records read were skipped.
    #[arg(long, default_value_t = 50.0)]
    pub max_skipped: f64,
    /// Refuse to replace an earlier index at --out with one this many percent smaller.
    #[arg(long, default_value_t = 5.0)]
    pub max_shrink: f64,
    /// Build even past --max-skipped and --max-shrink.
    #[arg(long)]
    pub force: bool,
}

/// Share of skipped records above which a build warns, even when it goes ahead.
const WARN_SKIPPED_PERCENT: f64 = 1.0;

pub fn run(args: BuildArgs) -> Result<()> {
    let started = Instant::now();
    index_dir::check_replaceable(&args.out)?;
    let options = ingest::ReadOptions {
        strict: args.strict,
        max_record_bytes: args.max_record_bytes,
    };
    let (games, report) = ingest::read_games(&args.input, options)?;
    eprintln!("{}", report.summary());
    check_read(&args, games.len(), &report)?;
    let read = started.elapsed();
    let options = BuildOptions {
        head_titles: args.head_titles,
        cover_block_size: args.cover_block.max(1),
        keep_summaries: !args.no_summaries,
        compress: gzip_best,
        built_at: crate::clock::now_rfc3339(),
        source: args
            .input
            .iter()
            .filter_map(|p| p.file_name())
            .map(|n| n.to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join(", "),
        ..BuildOptions::default()
    };
    let built = build_index(games, &options);
    if built.stats.platforms_dropped > 0 {
        eprintln!(
            "WARNING: {} rare platform names left out (an index names at most {})",
            built.stats.platforms_dropped,
            playlike_core::build::MAX_PLATFORMS
        );
    }
    index_dir::write_index(&built, &args.out)?;
    let m = &built.manifest;
    let size = |role| -> u64 { m.files_with_role(role).map(|f| f.bytes).sum() };
    let head = m
        .files_with_role(FileRole::Search)
        .next()
        .map_or(0, |f| f.bytes);
    println!(
        "built {} ({} games, {} main) into {} in {:.1}s (reading {:.1}s)",
        m.version,
        m.games,
        built.stats.main_games,
        args.out.display(),
        started.elapsed().as_secs_f64(),
        read.as_secs_f64()
    );
    println!(
        "  first search shard {} | search {} | recommend {} | up front {} | on demand: covers {} \
         in {} blocks, details {} in {} files",
        human(head),
        human(size(FileRole::Search)),
        human(size(FileRole::Recommend)),
        human(m.upfront_bytes().1),
        human(size(FileRole::Covers)),
        m.files_with_role(FileRole::Covers).count(),
        human(size(FileRole::Details)),
        m.files_with_role(FileRole::Details).count()
    );
    for (family, features, postings) in &built.stats.families {
        println!(
            "  {:<12} {features:>8} features {postings:>10} postings",
            family.label()
        );
    }
    Ok(())
}

/// Refuses a read that would make a suspicious index: too few games, mostly bad records,
/// or far fewer games than the index it would replace (the last two unless `--force`).
fn check_read(args: &BuildArgs, games: usize, report: &ingest::IngestReport) -> Result<()> {
    if games < args.min_games {
        bail!(
            "only {games} games read (--min-games {}); the previous index is kept",
            args.min_games
        );
    }
    let skipped = 100.0 * report.skipped as f64 / report.records.max(1) as f64;
    if skipped > args.max_skipped && !args.force {
        bail!(
            "{skipped:.1}% of the records read were skipped, more than --max-skipped {}%; the \
             previous index is kept (pass --force to build anyway)",
            args.max_skipped
        );
    }
    if skipped > WARN_SKIPPED_PERCENT {
        eprintln!("WARNING: {skipped:.1}% of the records read were skipped (see above)");
    }
    let Some(earlier) = earlier_games(&args.out) else {
        return Ok(());
    };
    let shrink = 100.0 * (earlier as f64 - games as f64) / (earlier.max(1) as f64);
    if shrink > args.max_shrink && !args.force {
        bail!(
            "{games} games read, {earlier} in the index at {}: {shrink:.1}% fewer, more than \
             --max-shrink {}%; the previous index is kept (pass --force to replace it)",
            args.out.display(),
            args.max_shrink
        );
    }
    Ok(())
}

/// Games in the index at `out`, if it holds a readable one.
fn earlier_games(out: &std::path::Path) -> Option<usize> {
    let manifest = index_dir::read_manifest(out).ok()?;
    Some(manifest.games as usize)
}

/// The strongest standard gzip we know how to write quickly: libdeflate at level 12.
pub fn gzip_best(raw: &[u8]) -> Vec<u8> {
    let level = libdeflater::CompressionLvl::new(12).expect("12 is a valid libdeflate level");
    let mut compressor = libdeflater::Compressor::new(level);
    let mut out = vec![0; compressor.gzip_compress_bound(raw.len())];
    let written = compressor
        .gzip_compress(raw, &mut out)
        .expect("the output buffer is the compressor's own bound");
    out.truncate(written);
    out
}

/// Bytes as a short human string.
pub fn human(bytes: u64) -> String {
    match bytes {
        0..1_000 => format!("{bytes} B"),
        1_000..1_000_000 => format!("{:.1} KB", bytes as f64 / 1e3),
        _ => format!("{:.2} MB", bytes as f64 / 1e6),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gzip_best_is_plain_gzip() {
        let raw = b"hello hello hello hello".repeat(100);
        assert_eq!(
            playlike_core::format::gunzip(&gzip_best(&raw)).unwrap(),
            raw
        );
    }

    #[test]
    fn human_sizes() {
        assert_eq!(human(999), "999 B");
        assert_eq!(human(1_500), "1.5 KB");
        assert_eq!(human(2_500_000), "2.50 MB");
    }
}
