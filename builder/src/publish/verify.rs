//! Verification of an index before it may go live: the manifest parses, every listed file
//! exists with the listed size and SHA-256, decompresses, and decodes as the part its role
//! says; the title shards cover games `0..games` without gaps and the feature part covers
//! every game. The same checks apply to a local index directory and to a published version
//! (through any [`Store`]).

use playlike_core::format::{
    open_stored, DetailsShard, FeaturePart, FileRole, FormatError, Manifest, ManifestError,
    ManifestFile, TitleShard,
};

use super::store::{Store, StoreError};

/// Why an index may not be published.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error("{location}: no manifest.json")]
    NoManifest { location: String },
    #[error("{location}: {source}")]
    Manifest {
        location: String,
        #[source]
        source: ManifestError,
    },
    #[error("{location}: listed in the manifest but missing")]
    Missing { location: String },
    #[error("{location}: expected {expected} bytes, found {found}")]
    Size {
        location: String,
        expected: u64,
        found: u64,
    },
    #[error("{location}: {source}")]
    Part {
        location: String,
        #[source]
        source: FormatError,
    },
    #[error("{location}: {reason}")]
    Inconsistent { location: String, reason: String },
    #[error("version name `{0}` is not a safe path segment (letters, digits, `-`, `_`, `.`)")]
    BadVersion(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A verified index: its manifest and every file's stored bytes, in manifest order.
pub struct VerifiedIndex {
    pub manifest: Manifest,
    pub manifest_bytes: Vec<u8>,
    pub files: Vec<(ManifestFile, Vec<u8>)>,
}

/// Whether a version name can be used as one path segment of object keys and URLs.
pub fn is_safe_version(version: &str) -> bool {
    !version.is_empty()
        && version.len() <= 128
        && !version.starts_with('.')
        && version
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// Reads `dir/manifest.json` and every listed file from `store`, verifying all of it.
/// `dir` is `""` for the store's root or a prefix ending with `/`.
pub fn verify_in_store(store: &dyn Store, dir: &str) -> Result<VerifiedIndex, VerifyError> {
    let manifest_key = format!("{dir}manifest.json");
    let location = store.locate(&manifest_key);
    let fetched = store
        .get(&manifest_key)?
        .ok_or_else(|| VerifyError::NoManifest {
            location: store.locate(dir),
        })?;
    let text = String::from_utf8_lossy(&fetched.bytes);
    let manifest = Manifest::from_json(&text).map_err(|source| VerifyError::Manifest {
        location: location.clone(),
        source,
    })?;
    if !is_safe_version(&manifest.version) {
        return Err(VerifyError::BadVersion(manifest.version));
    }
    let mut files = Vec::with_capacity(manifest.files.len());
    for entry in &manifest.files {
        let key = format!("{dir}{}", entry.path);
        let bytes = store
            .get(&key)?
            .ok_or_else(|| VerifyError::Missing {
                location: store.locate(&key),
            })?
            .bytes;
        verify_file(entry, &bytes, &store.locate(&key))?;
        files.push((entry.clone(), bytes));
    }
    check_coverage(&manifest, &files, &location)?;
    Ok(VerifiedIndex {
        manifest,
        manifest_bytes: fetched.bytes,
        files,
    })
}

/// Checks size and hash, then decodes the part its role names.
pub fn verify_file(entry: &ManifestFile, bytes: &[u8], location: &str) -> Result<(), VerifyError> {
    if bytes.len() as u64 != entry.bytes {
        return Err(VerifyError::Size {
            location: location.to_string(),
            expected: entry.bytes,
            found: bytes.len() as u64,
        });
    }
    let part_err = |source| VerifyError::Part {
        location: location.to_string(),
        source,
    };
    let raw = open_stored(entry, bytes).map_err(part_err)?;
    match entry.role {
        FileRole::Search => {
            let shard = TitleShard::decode(&raw).map_err(part_err)?;
            if entry.game_count != 0
                && (shard.first_game != entry.first_game || shard.len() as u32 != entry.game_count)
            {
                return Err(VerifyError::Inconsistent {
                    location: location.to_string(),
                    reason: format!(
                        "manifest says games {}..+{}, the shard holds {}..+{}",
                        entry.first_game,
                        entry.game_count,
                        shard.first_game,
                        shard.len()
                    ),
                });
            }
        }
        FileRole::Recommend => {
            FeaturePart::decode(&raw).map_err(part_err)?;
        }
        FileRole::Details => {
            DetailsShard::decode(&raw).map_err(part_err)?;
        }
    }
    Ok(())
}

/// Title shards must tile `0..games`; the feature part must cover `games`.
fn check_coverage(
    manifest: &Manifest,
    files: &[(ManifestFile, Vec<u8>)],
    location: &str,
) -> Result<(), VerifyError> {
    let inconsistent = |reason: String| VerifyError::Inconsistent {
        location: location.to_string(),
        reason,
    };
    let mut shards: Vec<(u32, u32)> = files
        .iter()
        .filter(|(e, _)| e.role == FileRole::Search)
        .map(|(e, _)| (e.first_game, e.game_count))
        .collect();
    shards.sort();
    let mut next = 0u32;
    for (first, count) in shards {
        if first != next {
            return Err(inconsistent(format!(
                "title shards leave a gap or overlap at game {next} (next shard starts at {first})"
            )));
        }
        next = first + count;
    }
    if next != manifest.games {
        return Err(inconsistent(format!(
            "title shards cover {next} games, the manifest says {}",
            manifest.games
        )));
    }
    if manifest.games > 0 && !files.iter().any(|(e, _)| e.role == FileRole::Recommend) {
        return Err(inconsistent("no recommend (feature) part".into()));
    }
    Ok(())
}
