//! `manifest.json`: the one small, mutable file that names an index's immutable parts.
//!
//! A reader fetches the manifest first, then each listed file, verifying its SHA-256 before
//! use. Publishing replaces the manifest last, so a reader always sees a complete snapshot.
//! File paths are relative to the directory that holds the manifest.
//!
//! Parsing also checks the layout ([`Manifest::check_layout`]): every file's size, hash and
//! encoding fields are plausible, and the files of each role tile the games `0..games` with
//! no gap or overlap. Readers can then trust the ranges (a shard claiming games 4 billion
//! onwards never reaches an allocation), and a decoded part is checked against its entry
//! with [`ManifestFile::check_range`]. The builder, the publisher and the app all read
//! manifests through [`Manifest::from_json`], so this is the one verification of a layout.

use serde::{Deserialize, Serialize};

use super::{Encoding, FORMAT_VERSION, MAX_RAW_BYTES};
use crate::ids::GameId;
use crate::sorting;

/// Most games an index may hold (50 times today's catalogue): a bound on every per-game
/// allocation a reader makes from numbers in an index.
pub const MAX_GAMES: u32 = 1 << 24;

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
    /// Cover ids of the later tiers in small blocks, fetched on demand when a card needs one
    /// (it shows a placeholder until then). The first title shard holds its own covers.
    Covers,
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
    /// How the stored bytes are compressed; either way they are served as stored (no
    /// Content-Encoding), so the SHA-256 is checked on exactly what was published.
    pub encoding: Encoding,
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
    #[error("manifest.json: {0}")]
    Layout(String),
}

/// Why a decoded part does not match the manifest entry that listed it.
#[derive(Debug, thiserror::Error)]
#[error("{path}: the manifest lists games {listed_first}..+{listed_count}, the file holds {found_first}..+{found_count}")]
pub struct RangeMismatch {
    pub path: String,
    pub listed_first: u32,
    pub listed_count: u32,
    pub found_first: u32,
    pub found_count: u64,
}

impl Manifest {
    /// Parses and validates a manifest: version, then [`Manifest::check_layout`].
    pub fn from_json(text: &str) -> Result<Self, ManifestError> {
        serde_json::from_str::<Manifest>(text)?.checked()
    }

    /// A manifest parsed some other way (the browser engine uses `JSON.parse`, which keeps a
    /// JSON parser out of its wasm), accepted on the same terms as [`Manifest::from_json`]:
    /// this format version and a sound layout.
    pub fn checked(self) -> Result<Self, ManifestError> {
        if self.format_version != FORMAT_VERSION {
            return Err(ManifestError::Version {
                found: self.format_version,
            });
        }
        self.check_layout()?;
        Ok(self)
    }

    /// Checks what can be checked without the files: safe, distinct paths; plausible sizes,
    /// hashes and encodings; a game count within [`MAX_GAMES`]; the files of each role
    /// covering games `0..games` exactly once; a sane rollout.
    pub fn check_layout(&self) -> Result<(), ManifestError> {
        let layout = |reason: String| Err(ManifestError::Layout(reason));
        if self.games > MAX_GAMES {
            return layout(format!(
                "{} games is more than an index may hold ({MAX_GAMES})",
                self.games
            ));
        }
        let mut paths = std::collections::HashSet::new();
        for file in &self.files {
            file.check_fields()?;
            if !paths.insert(file.path.as_str()) {
                return layout(format!("`{}` is listed twice", file.path));
            }
        }
        for role in [FileRole::Search, FileRole::Recommend, FileRole::Details] {
            self.check_tiling(role, 0)?;
        }
        // Cover shards hold the covers of the tiers after the first, which keeps its own.
        let covers_from = self
            .files_with_role(FileRole::Covers)
            .map(|f| f.first_game)
            .min()
            .unwrap_or(self.games);
        self.check_tiling(FileRole::Covers, covers_from)?;
        if self.details_shard_size == 0 {
            return layout("details_shard_size is 0".into());
        }
        if let Some(rollout) = &self.rollout {
            if rollout.percent > 100 || !is_safe_relative_path(&rollout.manifest) {
                return layout(format!(
                    "bad rollout ({}% of `{}`)",
                    rollout.percent, rollout.manifest
                ));
            }
        }
        Ok(())
    }

    /// The files of `role`, sorted by first game, must cover `from..games` without a gap or an
    /// overlap (and without empty files, unless the index is empty).
    fn check_tiling(&self, role: FileRole, from: u32) -> Result<(), ManifestError> {
        let mut ranges: Vec<u64> = self
            .files_with_role(role)
            .map(|f| sorting::key(f.first_game, f.game_count))
            .collect();
        sorting::sort(&mut ranges);
        let role_name = role.name();
        let mut next = u64::from(from);
        for (first, count) in ranges
            .into_iter()
            .map(|r| (sorting::high(r), sorting::low(r)))
        {
            let (first, count) = (u64::from(first), u64::from(count));
            if first != next || (count == 0 && self.games > 0) {
                return Err(ManifestError::Layout(format!(
                    "{role_name} files leave a gap or overlap at game {next} (a file lists \
                     games {first}..+{count})"
                )));
            }
            next = first + count;
        }
        if next != u64::from(self.games) {
            return Err(ManifestError::Layout(format!(
                "{role_name} files cover {next} games, the manifest says {}",
                self.games
            )));
        }
        Ok(())
    }

    /// Compact JSON, as published (every byte of it is downloaded before anything else).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("manifest serializes")
    }

    /// Files with one role, in listed order.
    pub fn files_with_role(&self, role: FileRole) -> impl Iterator<Item = &ManifestFile> {
        self.files.iter().filter(move |f| f.role == role)
    }

    /// The details shard holding `game`.
    pub fn details_file_for(&self, game: GameId) -> Option<&ManifestFile> {
        self.file_for(FileRole::Details, game)
    }

    /// The cover block holding `game` (`None` for the first tier, whose covers are in its
    /// title shard).
    pub fn covers_file_for(&self, game: GameId) -> Option<&ManifestFile> {
        self.file_for(FileRole::Covers, game)
    }

    /// The file of `role` whose games include `game`.
    fn file_for(&self, role: FileRole, game: GameId) -> Option<&ManifestFile> {
        self.files_with_role(role).find(|f| {
            (u64::from(f.first_game)..u64::from(f.first_game) + u64::from(f.game_count))
                .contains(&u64::from(game.get()))
        })
    }

    /// The files a reader loads before answering (title shards and feature parts), in the
    /// listed order; details shards and cover blocks are fetched on demand.
    pub fn upfront_files(&self) -> impl Iterator<Item = &ManifestFile> {
        self.files.iter().filter(|f| f.role.is_upfront())
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

impl FileRole {
    /// Whether a reader loads files of this role before answering (the others on demand).
    pub fn is_upfront(self) -> bool {
        matches!(self, FileRole::Search | FileRole::Recommend)
    }

    /// The role as written in `manifest.json`.
    pub fn name(self) -> &'static str {
        match self {
            FileRole::Search => "search",
            FileRole::Recommend => "recommend",
            FileRole::Details => "details",
            FileRole::Covers => "covers",
        }
    }
}

impl ManifestFile {
    /// One entry's own fields: a safe path, a SHA-256 in lowercase hex, sizes
    /// within what a reader accepts.
    fn check_fields(&self) -> Result<(), ManifestError> {
        if !is_safe_relative_path(&self.path) {
            return Err(ManifestError::UnsafePath(self.path.clone()));
        }
        let bad = |what: String| Err(ManifestError::Layout(format!("`{}`: {what}", self.path)));
        if self.sha256.len() != 64
            || !self
                .sha256
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        {
            return bad(format!("`{}` is not a SHA-256", self.sha256));
        }
        if self.raw_bytes > MAX_RAW_BYTES || self.bytes > MAX_RAW_BYTES {
            return bad(format!(
                "{} bytes stored, {} raw: more than a reader accepts ({MAX_RAW_BYTES})",
                self.bytes, self.raw_bytes
            ));
        }
        Ok(())
    }

    /// Checks that a decoded part covers the games this entry lists.
    pub fn check_range(&self, first_game: u32, games: usize) -> Result<(), RangeMismatch> {
        if first_game == self.first_game && games as u64 == u64::from(self.game_count) {
            return Ok(());
        }
        Err(RangeMismatch {
            path: self.path.clone(),
            listed_first: self.first_game,
            listed_count: self.game_count,
            found_first: first_game,
            found_count: games as u64,
        })
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

    fn file(path: &str, role: FileRole, first_game: u32, game_count: u32) -> ManifestFile {
        ManifestFile {
            path: path.into(),
            role,
            sha256: "ab".repeat(32),
            bytes: 10,
            raw_bytes: 20,
            encoding: Encoding::Gzip,
            first_game,
            game_count,
        }
    }

    fn sample() -> Manifest {
        Manifest {
            format_version: FORMAT_VERSION,
            version: "v1".into(),
            built_at: "2026-11-30T00:00:00Z".into(),
            source: "test".into(),
            games: 2,
            details_shard_size: 1,
            files: vec![
                file("titles-0-abcd.bin.gz", FileRole::Search, 0, 2),
                file("features-12.bin.gz", FileRole::Recommend, 0, 2),
                file("details/0-cd.bin.gz", FileRole::Details, 0, 1),
                file("details/1-ef.bin.gz", FileRole::Details, 1, 1),
            ],
            rollout: None,
            attribution: "Data from IGDB.com".into(),
        }
    }

    /// The layout error of `sample()` after `damage`, as text.
    fn layout_error(damage: impl FnOnce(&mut Manifest)) -> String {
        let mut m = sample();
        damage(&mut m);
        match Manifest::from_json(&m.to_json()) {
            Err(ManifestError::Layout(reason)) => reason,
            other => panic!("expected a layout error, got {other:?}"),
        }
    }

    #[test]
    fn round_trips_and_finds_details_shards() {
        let m = sample();
        let back = Manifest::from_json(&m.to_json()).unwrap();
        assert_eq!(back, m);
        assert_eq!(
            back.details_file_for(GameId::new(1)).unwrap().path,
            "details/1-ef.bin.gz"
        );
        assert!(back.details_file_for(GameId::new(2)).is_none());
        assert_eq!(back.upfront_bytes(), (10, 20));
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

    #[test]
    fn shard_ranges_must_tile_the_games() {
        let absurd = layout_error(|m| m.files[0].first_game = 4_000_000_000);
        assert!(absurd.contains("search files leave a gap"), "{absurd}");
        let short = layout_error(|m| m.files[0].game_count = 1);
        assert!(short.contains("search files cover 1 games"), "{short}");
        let overlap = layout_error(|m| m.files[3].first_game = 0);
        assert!(overlap.contains("details files leave a gap"), "{overlap}");
        let wrapping = layout_error(|m| {
            m.files[3].first_game = 1;
            m.files[3].game_count = u32::MAX;
        });
        assert!(
            wrapping.contains("details files cover 4294967296"),
            "{wrapping}"
        );
        let missing = layout_error(|m| m.files.retain(|f| f.role != FileRole::Recommend));
        assert!(
            missing.contains("recommend files cover 0 games"),
            "{missing}"
        );
        let more = layout_error(|m| m.games = 3);
        assert!(
            more.contains("cover 2 games, the manifest says 3"),
            "{more}"
        );
        let huge = layout_error(|m| m.games = MAX_GAMES + 1);
        assert!(huge.contains("more than an index may hold"), "{huge}");
    }

    #[test]
    fn entry_fields_must_be_plausible() {
        let hash = layout_error(|m| m.files[1].sha256 = "00".into());
        assert!(
            hash.contains("features-12.bin.gz") && hash.contains("SHA-256"),
            "{hash}"
        );
        let upper = layout_error(|m| m.files[1].sha256 = "AB".repeat(32));
        assert!(upper.contains("not a SHA-256"), "{upper}");
        let size = layout_error(|m| m.files[2].raw_bytes = u64::MAX);
        assert!(size.contains("more than a reader accepts"), "{size}");
        let json = sample().to_json().replacen("\"gzip\"", "\"br\"", 1);
        let encoding = Manifest::from_json(&json).unwrap_err().to_string();
        assert!(encoding.contains("unknown variant `br`"), "{encoding}");
        let twice = layout_error(|m| m.files[3].path = m.files[2].path.clone());
        assert!(twice.contains("listed twice"), "{twice}");
        let shard_size = layout_error(|m| m.details_shard_size = 0);
        assert!(shard_size.contains("details_shard_size"), "{shard_size}");
        let rollout = layout_error(|m| {
            m.rollout = Some(Rollout {
                version: "v2".into(),
                manifest: "v/v2/manifest.json".into(),
                percent: 101,
            })
        });
        assert!(rollout.contains("bad rollout"), "{rollout}");
    }

    #[test]
    fn an_empty_index_may_have_empty_parts() {
        let mut m = sample();
        m.games = 0;
        m.files = vec![
            file("titles-0.bin.gz", FileRole::Search, 0, 0),
            file("features.bin.gz", FileRole::Recommend, 0, 0),
        ];
        assert!(m.check_layout().is_ok());
    }

    #[test]
    fn decoded_parts_are_checked_against_their_entry() {
        let m = sample();
        assert!(m.files[0].check_range(0, 2).is_ok());
        let err = m.files[0].check_range(7, 2).unwrap_err().to_string();
        assert!(
            err.contains(
                "titles-0-abcd.bin.gz: the manifest lists games 0..+2, the file holds 7..+2"
            ),
            "{err}"
        );
        assert!(m.files[0].check_range(0, usize::MAX).is_err());
    }
}
