//! `manifest.json`: the one small, mutable file that names an index's immutable parts.
//!
//! A reader fetches the manifest first, then each listed file, verifying its SHA-256 before
//! use. Publishing replaces the manifest last, so a reader always sees a complete snapshot.
//! File paths are relative to the directory that holds the manifest.

use serde::{Deserialize, Serialize};

use super::FORMAT_VERSION;

/// What a file is for, so the web app knows what to fetch first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FileRole {
    /// Title shards: names, years, platforms, covers. Needed before the first search.
    Search,
    /// Feature postings and numeric columns. Needed for recommendations.
    Recommend,
    /// Per-game details, fetched on demand by the game page.
    Details,
}

/// One immutable file of an index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestFile {
    /// Path relative to the manifest; content-hashed, so it never changes once published.
    pub path: String,
    pub role: FileRole,
    /// Lowercase hex SHA-256 of the bytes as stored (compressed).
    pub sha256: String,
    /// Size as stored (compressed).
    pub bytes: u64,
    /// Size after decompression.
    pub raw_bytes: u64,
    /// `gzip`: the stored bytes are a gzip stream, served as-is (no Content-Encoding).
    pub encoding: String,
    /// First dense game id covered by this file (title and details shards).
    #[serde(default)]
    pub first_game: u32,
    /// Number of games covered by this file (title and details shards).
    #[serde(default)]
    pub game_count: u32,
}

/// A staged rollout: a share of browsers gets `canary` instead of this manifest's files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rollout {
    /// Version served to the canary share.
    pub version: String,
    /// Manifest of the canary version, relative to this manifest.
    pub manifest: String,
    /// Share of browsers (0–100) that use the canary, by a stable per-browser bucket.
    pub percent: u8,
}

/// The index's table of contents.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub format_version: u32,
    /// Unique version name, e.g. `20261130T044000Z-1a2b3c4d`.
    pub version: String,
    /// RFC 3339 build time (UTC).
    pub built_at: String,
    /// Where the catalogue came from (input file names or `igdb-api`).
    pub source: String,
    pub games: u32,
    /// Games per details shard (the shard of dense id `i` is `i / details_shard_size`).
    pub details_shard_size: u32,
    pub files: Vec<ManifestFile>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rollout: Option<Rollout>,
    /// Attribution shown in the app's footer.
    pub attribution: String,
}

/// Why a manifest cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    #[error("manifest.json is not valid: {0}")]
    Json(#[from] serde_json::Error),
    #[error("manifest.json has format version {found}, this reader understands {FORMAT_VERSION}")]
    Version { found: u32 },
    #[error("manifest.json lists an unsafe path `{0}`")]
    UnsafePath(String),
}

impl Manifest {
    /// Parses and validates a manifest.
    pub fn from_json(text: &str) -> Result<Self, ManifestError> {
        let manifest: Manifest = serde_json::from_str(text)?;
        if manifest.format_version != FORMAT_VERSION {
            return Err(ManifestError::Version {
                found: manifest.format_version,
            });
        }
        if let Some(bad) = manifest
            .files
            .iter()
            .find(|f| !is_safe_relative_path(&f.path))
        {
            return Err(ManifestError::UnsafePath(bad.path.clone()));
        }
        Ok(manifest)
    }

    /// Compact JSON, as published (every byte of it is downloaded before anything else).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("manifest serializes")
    }

    /// Files with one role, in listed order.
    pub fn files_with_role(&self, role: FileRole) -> impl Iterator<Item = &ManifestFile> {
        self.files.iter().filter(move |f| f.role == role)
    }

    /// The details shard holding dense game id `game`.
    pub fn details_file_for(&self, game: u32) -> Option<&ManifestFile> {
        self.files_with_role(FileRole::Details)
            .find(|f| (f.first_game..f.first_game + f.game_count).contains(&game))
    }

    /// Bytes a page downloads before it can search, and before it can recommend.
    pub fn upfront_bytes(&self) -> (u64, u64) {
        let search = self
            .files_with_role(FileRole::Search)
            .map(|f| f.bytes)
            .sum();
        let recommend: u64 = self
            .files_with_role(FileRole::Recommend)
            .map(|f| f.bytes)
            .sum();
        (search, search + recommend)
    }
}

/// A relative path with no `..`, no leading `/`, no scheme and only URL-safe characters.
pub fn is_safe_relative_path(path: &str) -> bool {
    !path.is_empty()
        && !path.starts_with('/')
        && path
            .split('/')
            .all(|seg| !seg.is_empty() && seg != "." && seg != "..")
        && path
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Manifest {
        Manifest {
            format_version: FORMAT_VERSION,
            version: "v1".into(),
            built_at: "2026-11-30T00:00:00Z".into(),
            source: "test".into(),
            games: 2,
            details_shard_size: 1,
            files: vec![
                ManifestFile {
                    path: "titles-0-abcd.bin.gz".into(),
                    role: FileRole::Search,
                    sha256: "00".into(),
                    bytes: 10,
                    raw_bytes: 20,
                    encoding: "gzip".into(),
                    first_game: 0,
                    game_count: 2,
                },
                ManifestFile {
                    path: "details/1-ef.bin.gz".into(),
                    role: FileRole::Details,
                    sha256: "11".into(),
                    bytes: 5,
                    raw_bytes: 9,
                    encoding: "gzip".into(),
                    first_game: 1,
                    game_count: 1,
                },
            ],
            rollout: None,
            attribution: "Data from IGDB.com".into(),
        }
    }

    #[test]
    fn round_trips_and_finds_details_shards() {
        let m = sample();
        let back = Manifest::from_json(&m.to_json()).unwrap();
        assert_eq!(back, m);
        assert_eq!(
            back.details_file_for(1).unwrap().path,
            "details/1-ef.bin.gz"
        );
        assert!(back.details_file_for(0).is_none());
        assert_eq!(back.upfront_bytes(), (10, 10));
    }

    #[test]
    fn rejects_wrong_versions_and_unsafe_paths() {
        let mut m = sample();
        m.format_version = 99;
        assert!(matches!(
            Manifest::from_json(&m.to_json()),
            Err(ManifestError::Version { found: 99 })
        ));
        let mut m = sample();
        m.files[0].path = "../etc/passwd".into();
        assert!(matches!(
            Manifest::from_json(&m.to_json()),
            Err(ManifestError::UnsafePath(_))
        ));
        assert!(!is_safe_relative_path("https://evil/x"));
        assert!(Manifest::from_json("{").is_err());
    }
}
