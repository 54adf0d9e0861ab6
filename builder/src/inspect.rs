//! `playlike inspect`: what an index holds, and whether every file checks out.

use std::path::PathBuf;

use anyhow::{bail, Result};
use playlike_core::features::Family;
use playlike_core::format::FileRole;

use crate::build_cmd::{gzip_best, human};
use crate::index_dir;

#[derive(clap::Args)]
pub struct InspectArgs {
    /// Index directory (holding manifest.json).
    pub dir: PathBuf,
    /// Also print the compressed bytes of every column of every file but the details shards
    /// (up-front files and cover blocks).
    #[arg(long)]
    pub sizes: bool,
}

pub fn run(args: InspectArgs) -> Result<()> {
    let manifest = index_dir::read_manifest(&args.dir)?;
    println!(
        "index {} (format {}), built {} from {}",
        manifest.version, manifest.format_version, manifest.built_at, manifest.source
    );
    println!("games: {}  | {}", manifest.games, manifest.attribution);
    for role in [
        FileRole::Search,
        FileRole::Recommend,
        FileRole::Covers,
        FileRole::Details,
    ] {
        let files: Vec<_> = manifest.files_with_role(role).collect();
        let stored: u64 = files.iter().map(|f| f.bytes).sum();
        let raw: u64 = files.iter().map(|f| f.raw_bytes).sum();
        println!(
            "{:<9} {:>4} files {:>10} stored {:>10} raw",
            format!("{role:?}").to_lowercase(),
            files.len(),
            human(stored),
            human(raw)
        );
        if role.is_upfront() {
            for f in files {
                println!(
                    "    {:<44} {:>10}  games {}..{}",
                    f.path,
                    human(f.bytes),
                    f.first_game,
                    u64::from(f.first_game) + u64::from(f.game_count)
                );
            }
        }
    }
    let (search, upfront) = manifest.upfront_bytes();
    let first = manifest
        .files_with_role(FileRole::Search)
        .next()
        .map_or(0, |f| f.bytes);
    println!(
        "before first search: {} | all search: {} | up front (search + recommend + manifest): {}",
        human(first),
        human(search),
        human(upfront + manifest.to_json().len() as u64),
    );
    print_on_demand(&manifest, FileRole::Covers, "later tiers' covers");
    print_on_demand(&manifest, FileRole::Details, "details");
    let problems = index_dir::verify_index(&args.dir, &manifest);
    if !problems.is_empty() {
        for p in &problems {
            println!("BAD  {p}");
        }
        bail!(
            "{} of {} files failed verification",
            problems.len(),
            manifest.files.len()
        );
    }
    println!("checksums: all {} files verified", manifest.files.len());
    print_feature_bytes(&args.dir, &manifest)?;
    if args.sizes {
        print_column_bytes(&args.dir, &manifest)?;
    }
    let (_, library) = index_dir::load_library(&args.dir)?;
    if let Some(features) = library.features() {
        println!("features by family (count, top by games):");
        for family in Family::ALL {
            let names = features.vocabulary(&[family]);
            if names.is_empty() {
                continue;
            }
            let top: Vec<&str> = names.iter().take(6).copied().collect();
            println!(
                "  {:<12} {:>8}  {}",
                family.label(),
                names.len(),
                top.join(", ")
            );
        }
    }
    Ok(())
}

/// What is fetched only when asked for, by role: total, file count, smallest, median and
/// largest file.
fn print_on_demand(manifest: &playlike_core::format::Manifest, role: FileRole, what: &str) {
    let mut sizes: Vec<u64> = manifest.files_with_role(role).map(|f| f.bytes).collect();
    sizes.sort_unstable();
    let (Some(&smallest), Some(&largest)) = (sizes.first(), sizes.last()) else {
        return;
    };
    println!(
        "on demand, {what}: {} in {} files (smallest {}, median {}, largest {})",
        human(sizes.iter().sum()),
        sizes.len(),
        human(smallest),
        human(sizes[sizes.len() / 2]),
        human(largest)
    );
}

/// Bytes of every column of every file but the details shards, each compressed on its own as the builder
/// compresses files (so the sum is a little above the file: one stream shares its context).
fn print_column_bytes(
    dir: &std::path::Path,
    manifest: &playlike_core::format::Manifest,
) -> Result<()> {
    use playlike_core::format::Part;
    let mut totals: Vec<(&str, u64)> = Vec::new();
    println!("column bytes (each gzip'd alone; raw in parentheses):");
    for entry in manifest
        .files
        .iter()
        .filter(|f| f.role != FileRole::Details)
    {
        let columns = match index_dir::read_part(dir, entry)? {
            Part::Titles(shard) => shard.stored_columns(),
            Part::Features(part) => part.stored_columns(),
            Part::Covers(shard) => shard.stored_columns(),
            Part::Details(_) => continue,
        };
        let mut row = Vec::new();
        for (name, raw) in columns {
            let packed = gzip_best(&raw).len() as u64;
            row.push(format!(
                "{name} {} ({})",
                human(packed),
                human(raw.len() as u64)
            ));
            match totals.iter_mut().find(|(n, _)| *n == name) {
                Some((_, total)) => *total += packed,
                None => totals.push((name, packed)),
            }
        }
        println!("  {:<40} {}", entry.path, row.join(" | "));
    }
    let totals: Vec<String> = totals
        .iter()
        .map(|(name, bytes)| format!("{name} {}", human(*bytes)))
        .collect();
    println!("  all up-front files: {}", totals.join(" | "));
    Ok(())
}

/// Compressed bytes of each feature family (names and postings, gzip each): where the
/// recommend part's bytes go.
fn print_feature_bytes(
    dir: &std::path::Path,
    manifest: &playlike_core::format::Manifest,
) -> Result<()> {
    use playlike_core::format::{decode_postings, gzip, Part, PostingsWriter};
    // Feature ids are global: a later part has postings for the features earlier parts define.
    let mut families: Vec<u8> = Vec::new();
    for entry in manifest.files_with_role(FileRole::Recommend) {
        let Part::Features(part) = index_dir::read_part(dir, entry)? else {
            continue;
        };
        families.extend(part.features.iter().map(|d| d.family));
        let mut names = vec![String::new(); Family::ALL.len()];
        for def in &part.features {
            let at = Family::ALL.iter().position(|&f| f as u8 == def.family);
            if let Some(at) = at {
                names[at].push_str(&def.name);
                names[at].push('\n');
            }
        }
        let mut postings: Vec<PostingsWriter> = Family::ALL
            .iter()
            .map(|_| PostingsWriter::default())
            .collect();
        let mut pos = 0;
        for (&count, family) in part.counts.iter().zip(&families) {
            let mut ids = Vec::new();
            decode_postings(
                &part.postings,
                &mut pos,
                count as usize,
                part.games,
                &mut ids,
            )?;
            if let Some(at) = Family::ALL.iter().position(|&f| f as u8 == *family) {
                postings[at].push(&ids, part.games);
            }
        }
        let postings: Vec<Vec<u8>> = postings.into_iter().map(PostingsWriter::finish).collect();
        let rows: Vec<String> = Family::ALL
            .iter()
            .enumerate()
            .filter(|(at, _)| !names[*at].is_empty() || !postings[*at].is_empty())
            .map(|(at, family)| {
                format!(
                    "{} names {} postings {}",
                    family.label(),
                    human(gzip(names[at].as_bytes()).len() as u64),
                    human(gzip(&postings[at]).len() as u64)
                )
            })
            .collect();
        println!(
            "recommend bytes by family (gzip each): {}",
            rows.join(" | ")
        );
    }
    Ok(())
}
