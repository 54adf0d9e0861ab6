//! `playlike inspect`: what an index holds, and whether every file checks out.

use std::path::PathBuf;

use anyhow::{bail, Result};
use playlike_core::features::Family;
use playlike_core::format::FileRole;

use crate::build_cmd::human;
use crate::index_dir;

#[derive(clap::Args)]
pub struct InspectArgs {
    /// Index directory (holding manifest.json).
    pub dir: PathBuf,
}

pub fn run(args: InspectArgs) -> Result<()> {
    let manifest = index_dir::read_manifest(&args.dir)?;
    println!(
        "index {} (format {}), built {} from {}",
        manifest.version, manifest.format_version, manifest.built_at, manifest.source
    );
    println!("games: {}  | {}", manifest.games, manifest.attribution);
    for role in [FileRole::Search, FileRole::Recommend, FileRole::Details] {
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
        if role != FileRole::Details {
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
        human(upfront + manifest.to_json().len() as u64)
    );
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

/// Compressed bytes of each feature family (names and postings, gzip each): where the
/// recommend part's bytes go.
fn print_feature_bytes(
    dir: &std::path::Path,
    manifest: &playlike_core::format::Manifest,
) -> Result<()> {
    use playlike_core::format::{decode_postings, gzip, Part};
    for entry in manifest.files_with_role(FileRole::Recommend) {
        let Part::Features(part) = index_dir::read_part(dir, entry)? else {
            continue;
        };
        let mut pos = 0;
        let mut rows = Vec::new();
        for family in Family::ALL {
            let mut names = String::new();
            let mut postings = Vec::new();
            for def in part.features.iter().filter(|d| d.family == family as u8) {
                names.push_str(&def.name);
                names.push('\n');
                let mut ids = Vec::new();
                decode_postings(
                    &part.postings,
                    &mut pos,
                    def.df as usize,
                    part.games,
                    &mut ids,
                )?;
                playlike_core::format::encode_postings(&ids, &mut postings);
            }
            if !names.is_empty() {
                rows.push(format!(
                    "{} names {} postings {}",
                    family.label(),
                    human(gzip(names.as_bytes()).len() as u64),
                    human(gzip(&postings).len() as u64)
                ));
            }
        }
        println!(
            "recommend bytes by family (gzip each): {}",
            rows.join(" | ")
        );
    }
    Ok(())
}
