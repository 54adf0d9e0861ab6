//! An index on disk: writing a built index atomically, and reading one back, verified.
//!
//! Writing goes to a fresh sibling directory that replaces the old one only when complete,
//! so a failed build keeps the previous good index. Only a new path, an empty directory or
//! an earlier index (a `manifest.json` and the files it lists, nothing else) is ever
//! replaced: a folder of anything else is refused, never deleted. Reading checks every file
//! against the manifest's SHA-256 before decoding it.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use playlike_core::build::BuiltIndex;
use playlike_core::format::{open_part, FileRole, Manifest, ManifestFile, Part};
use playlike_core::Library;

/// Unexpected entries named in a refusal.
const NAMED_STRANGERS: usize = 5;

/// Checks that `out` may be replaced by a new index: it does not exist, or it is an empty
/// directory, or it holds an earlier index and nothing else.
pub fn check_replaceable(out: &Path) -> Result<()> {
    let meta = match std::fs::symlink_metadata(out) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        other => other.with_context(|| format!("cannot read {}", out.display()))?,
    };
    if !meta.is_dir() {
        bail!(
            "--out {} is not a directory; it must be an index directory or a new path",
            out.display()
        );
    }
    let mut found = Vec::new();
    list_files(out, Path::new(""), &mut found)?;
    if found.is_empty() {
        return Ok(());
    }
    let listed = listed_paths(out);
    let strangers: Vec<String> = found
        .iter()
        .filter(|f| !listed.contains(f.as_str()))
        .map(|f| f.to_string())
        .collect();
    if !strangers.is_empty() {
        let shown = strangers[..strangers.len().min(NAMED_STRANGERS)].join(", ");
        bail!(
            "--out {} holds {} file(s) that are not part of an index ({shown}); a build only \
             replaces an earlier index or an empty directory, so nothing was changed",
            out.display(),
            strangers.len()
        );
    }
    Ok(())
}

/// Files under `dir` as `/`-separated paths relative to it; symbolic links count as files.
fn list_files(root: &Path, relative: &Path, found: &mut Vec<String>) -> Result<()> {
    let dir = root.join(relative);
    let entries =
        std::fs::read_dir(&dir).with_context(|| format!("cannot list {}", dir.display()))?;
    for entry in entries {
        let entry = entry.with_context(|| format!("cannot list {}", dir.display()))?;
        let path = relative.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            list_files(root, &path, found)?;
        } else {
            found.push(path.to_string_lossy().replace('\\', "/"));
        }
    }
    Ok(())
}

/// `manifest.json` and the paths it lists, read leniently (an index of another format
/// version may be replaced too); empty when there is no readable manifest.
fn listed_paths(dir: &Path) -> HashSet<String> {
    let Ok(text) = std::fs::read_to_string(dir.join("manifest.json")) else {
        return HashSet::new();
    };
    #[derive(serde::Deserialize)]
    struct Listed {
        path: String,
    }
    #[derive(serde::Deserialize)]
    struct Files {
        files: Vec<Listed>,
    }
    let Ok(files) = serde_json::from_str::<Files>(&text) else {
        return HashSet::new();
    };
    let mut listed: HashSet<String> = files.files.into_iter().map(|f| f.path).collect();
    listed.insert("manifest.json".into());
    listed
}

/// Writes `built` to `out`, replacing any previous index there only once all files are
/// written, and only if [`check_replaceable`] allows it.
pub fn write_index(built: &BuiltIndex, out: &Path) -> Result<()> {
    check_replaceable(out)?;
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

/// Loads the search and recommend parts of an index and every cover block into a [`Library`].
pub fn load_library(dir: &Path) -> Result<(Manifest, Library)> {
    let manifest = read_manifest(dir)?;
    let mut shards = Vec::new();
    let mut features = Vec::new();
    let mut covers = Vec::new();
    for entry in manifest
        .files
        .iter()
        .filter(|f| f.role != FileRole::Details)
    {
        match read_part(dir, entry)? {
            Part::Titles(shard) => shards.push(shard),
            Part::Features(part) => features.push(part),
            Part::Covers(shard) => covers.push(shard),
            Part::Details(_) => {}
        }
    }
    let mut library = Library::new();
    library.add_title_shards(shards)?;
    for shard in covers {
        library.add_covers(shard)?;
    }
    for part in features {
        library.add_features(part)?;
    }
    if !library.recommendations_complete() {
        bail!(
            "{}: the index is incomplete (titles for {} games, features for {:?})",
            dir.display(),
            library.loaded_titles(),
            library.total_games()
        );
    }
    Ok((manifest, library))
}

/// Loads an index's up-front files in the manifest's order only until it can recommend:
/// what a reader has when the first answers are due.
pub fn load_first_part(dir: &Path) -> Result<Library> {
    let manifest = read_manifest(dir)?;
    let mut library = Library::new();
    for entry in manifest.upfront_files() {
        library.add_part(read_part(dir, entry)?)?;
        if library.can_recommend() {
            return Ok(library);
        }
    }
    bail!(
        "{}: the index never becomes able to recommend",
        dir.display()
    )
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
