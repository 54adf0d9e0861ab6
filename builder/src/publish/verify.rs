//! Verification of an index before it may go live: the manifest parses and its layout holds
//! (core's [`Manifest::check_layout`]: the files of each role cover games `0..games` without
//! gaps), and every listed file exists and opens with all of a reader's checks (core's
//! [`open_part`]: size, SHA-256, decode, games covered). The same checks apply to a local
//! index directory and to a published version (through any [`Store`]).

use playlike_core::format::{open_part, FormatError, Manifest, ManifestError, ManifestFile};

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
    #[error("{location}: {source}")]
    Part {
        location: String,
        #[source]
        source: FormatError,
    },
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
    Ok(VerifiedIndex {
        manifest,
        manifest_bytes: fetched.bytes,
        files,
    })
}

/// Opens the file with every check a reader makes (size, hash, decode, games covered).
pub fn verify_file(entry: &ManifestFile, bytes: &[u8], location: &str) -> Result<(), VerifyError> {
    open_part(entry, bytes)
        .map(drop)
        .map_err(|source| VerifyError::Part {
            location: location.to_string(),
            source,
        })
}
