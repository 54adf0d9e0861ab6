//! An index on disk: writing a built index atomically, and reading one back, verified.
//!
//! Writing goes to a fresh sibling directory that replaces the old one only when complete,
//! so a failed build keeps the previous good index. Reading checks every file against the
//! manifest's SHA-256 before decoding it.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use playlike_core::build::BuiltIndex;
use playlike_core::format::{open_part, FileRole, Manifest, ManifestFile, Part};
use playlike_core::Library;

/// Writes `built` to `out`, replacing any previous index there only once all files are written.
pub fn write_index(built: &BuiltIndex, out: &Path) -> Result<()> {
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent)
        .with_context(|| format!("cannot create {}", parent.display()))?;
    let name = out
        .file_name()
        .context("--out must name a directory")?
        .to_string_lossy();
    let staging = parent.join(format!(".{name}.staging-{}", std::process::id()));
    if staging.exists() {
        std::fs::remove_dir_all(&staging)?;
    }
    for (path, bytes) in &built.files {
        let target = staging.join(path);
        std::fs::create_dir_all(target.parent().expect("file paths have a parent"))?;
        std::fs::write(&target, bytes)
            .with_context(|| format!("cannot write {}", target.display()))?;
    }
    std::fs::write(staging.join("manifest.json"), built.manifest.to_json())?;
    let retired = parent.join(format!(".{name}.old-{}", std::process::id()));
    if out.exists() {
        std::fs::rename(out, &retired)
            .with_context(|| format!("cannot move the old index {} aside", out.display()))?;
    }
    std::fs::rename(&staging, out)
        .with_context(|| format!("cannot move the new index into {}", out.display()))?;
    if retired.exists() {
        std::fs::remove_dir_all(&retired)?;
    }
    Ok(())
}

/// Reads and validates `DIR/manifest.json`.
pub fn read_manifest(dir: &Path) -> Result<Manifest> {
    let path = dir.join("manifest.json");
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    Manifest::from_json(&text).with_context(|| format!("{}", path.display()))
}

/// Reads one listed file and opens it with every check a reader makes (size, hash, decode,
/// games covered; see [`open_part`]).
pub fn read_part(dir: &Path, entry: &ManifestFile) -> Result<Part> {
    let path: PathBuf = dir.join(&entry.path);
    let stored = std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
    open_part(entry, &stored).with_context(|| format!("{}", path.display()))
}

/// Loads the search and recommend parts of an index into a [`Library`].
pub fn load_library(dir: &Path) -> Result<(Manifest, Library)> {
    let manifest = read_manifest(dir)?;
    let mut shards = Vec::new();
    let mut features = Vec::new();
    for entry in manifest
        .files
        .iter()
        .filter(|f| f.role != FileRole::Details)
    {
        match read_part(dir, entry)? {
            Part::Titles(shard) => shards.push(shard),
            Part::Features(part) => features.push(part),
            Part::Details(_) => {}
        }
    }
    let mut library = Library::new();
    library.add_title_shards(shards)?;
    for part in features {
        library.set_features(part)?;
    }
    if !library.can_recommend() {
        bail!(
            "{}: the index is incomplete (titles for {} games, features for {:?})",
            dir.display(),
            library.loaded_titles(),
            library.total_games()
        );
    }
    Ok((manifest, library))
}

/// Verifies every file of an index: size, hash, envelope, decode, games covered. Returns
/// per-file problems.
pub fn verify_index(dir: &Path, manifest: &Manifest) -> Vec<String> {
    manifest
        .files
        .iter()
        .filter_map(|entry| read_part(dir, entry).err())
        .map(|e| format!("{e:#}"))
        .collect()
}
