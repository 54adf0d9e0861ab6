//! The index format, defined once: the builder writes it and the web app reads it with these
//! same types.
//!
//! An index is a directory of immutable, content-hashed, gzip-compressed files plus one
//! `manifest.json` ([`manifest`]). Each binary file is wrapped in an [`envelope`] (magic,
//! version, kind, checksum) around a bincode payload:
//! - [`TitleShard`] (role `search`): names, ids, years, platforms and covers of a contiguous
//!   range of games — enough for title search and result cards. The first shard holds the
//!   most notable games so search starts before the rest arrives.
//! - [`FeaturePart`] (role `recommend`): the sparse feature vocabulary, delta-varint postings
//!   and the numeric columns the recommender scores with.
//! - [`DetailsShard`] (role `details`): what only a game page shows, fetched on demand.
//!
//! Games are addressed by dense ids `0..n` in notability order (most notable first); the IGDB
//! id is a column. That order makes postings compress well and lets search stop early.

pub mod envelope;
pub mod manifest;
mod postings;

use std::io::{Read, Write};

use serde::{de::DeserializeOwned, Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub use envelope::PartKind;
pub use manifest::{FileRole, Manifest, ManifestError, ManifestFile, Rollout};
pub use postings::{decode_postings, encode_postings};

/// Version of every file this crate writes; readers reject any other.
pub const FORMAT_VERSION: u32 = 1;
/// Decoding never allocates more than this for one part, whatever the bytes claim.
const DECODE_LIMIT: usize = 1 << 30;
/// Cap on decompressed size, so a gzip bomb cannot exhaust memory.
pub const MAX_RAW_BYTES: u64 = 1 << 30;

/// Why index bytes cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    #[error("not a Playlike index file (bad magic bytes)")]
    NotAnIndexFile,
    #[error("index file has format version {found}, this reader understands {FORMAT_VERSION}")]
    Version { found: u32 },
    #[error("unknown index part kind {0}")]
    UnknownKind(u8),
    #[error("expected a {expected:?} part, found {found:?}")]
    WrongKind { expected: PartKind, found: PartKind },
    #[error("truncated: expected {expected} bytes, found {found}")]
    Truncated { expected: u64, found: u64 },
    #[error("checksum mismatch: the file is corrupt")]
    Checksum,
    #[error("gzip stream is corrupt: {0}")]
    Gzip(String),
    #[error("decompressed data exceeds {MAX_RAW_BYTES} bytes")]
    TooLarge,
    #[error("payload does not decode: {0}")]
    Decode(String),
    #[error("payload is inconsistent: {0}")]
    Inconsistent(String),
    #[error("sha256 mismatch for {path}: expected {expected}, got {actual}")]
    Hash {
        path: String,
        expected: String,
        actual: String,
    },
}

/// Lowercase hex SHA-256 of some bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Checks downloaded bytes against the manifest entry that lists them.
pub fn verify_file(entry: &ManifestFile, stored: &[u8]) -> Result<(), FormatError> {
    let actual = sha256_hex(stored);
    if actual != entry.sha256 {
        return Err(FormatError::Hash {
            path: entry.path.clone(),
            expected: entry.sha256.clone(),
            actual,
        });
    }
    Ok(())
}

/// Verifies stored bytes against their manifest entry, then decompresses them: the one way
/// a reader should turn a downloaded file into a part's bytes.
pub fn open_stored(entry: &ManifestFile, stored: &[u8]) -> Result<Vec<u8>, FormatError> {
    verify_file(entry, stored)?;
    gunzip(stored)
}

/// Gzip-compresses bytes (best compression: files are built once, downloaded often).
pub fn gzip(raw: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(raw).expect("writing to a Vec cannot fail");
    enc.finish().expect("writing to a Vec cannot fail")
}

/// Decompresses a gzip stream, refusing more than [`MAX_RAW_BYTES`].
pub fn gunzip(stored: &[u8]) -> Result<Vec<u8>, FormatError> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(stored)
        .take(MAX_RAW_BYTES + 1)
        .read_to_end(&mut out)
        .map_err(|e| FormatError::Gzip(e.to_string()))?;
    if out.len() as u64 > MAX_RAW_BYTES {
        return Err(FormatError::TooLarge);
    }
    Ok(out)
}

fn bincode_config() -> impl bincode::config::Config {
    bincode::config::standard().with_limit::<DECODE_LIMIT>()
}

fn encode_part<T: Serialize>(kind: PartKind, part: &T) -> Vec<u8> {
    let payload = bincode::serde::encode_to_vec(part, bincode_config()).expect("part encodes");
    envelope::seal(kind, &payload)
}

fn decode_part<T: DeserializeOwned>(kind: PartKind, bytes: &[u8]) -> Result<T, FormatError> {
    let payload = envelope::open(bytes, kind)?;
    let (part, used) = bincode::serde::decode_from_slice(payload, bincode_config())
        .map_err(|e| FormatError::Decode(e.to_string()))?;
    if used != payload.len() {
        return Err(FormatError::Decode(format!(
            "{} trailing bytes",
            payload.len() - used
        )));
    }
    Ok(part)
}

/// Flag bits per game, stored in [`TitleShard::flags`].
pub mod flags {
    /// A main game, not a DLC, pack, edition, soundtrack, demo or mod.
    pub const MAIN_GAME: u8 = 1;
    /// Has a critic rating.
    pub const RATED: u8 = 2;
}

/// Titles and card data for games `first_game .. first_game + names.len()`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TitleShard {
    pub first_game: u32,
    /// Platform names; `platforms` entries index into this table. Same in every shard.
    pub platform_names: Vec<String>,
    pub names: Vec<String>,
    pub igdb_ids: Vec<u32>,
    /// Release year, 0 when unknown.
    pub years: Vec<u16>,
    pub platforms: Vec<Vec<u16>>,
    /// IGDB cover image id, empty when none.
    pub covers: Vec<String>,
    pub flags: Vec<u8>,
}

impl TitleShard {
    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// Envelope-wrapped bytes (not yet compressed).
    pub fn encode(&self) -> Vec<u8> {
        encode_part(PartKind::Titles, self)
    }

    /// Decodes and checks column lengths and platform references.
    pub fn decode(bytes: &[u8]) -> Result<Self, FormatError> {
        let shard: TitleShard = decode_part(PartKind::Titles, bytes)?;
        let n = shard.names.len();
        let columns = [
            ("igdb_ids", shard.igdb_ids.len()),
            ("years", shard.years.len()),
            ("platforms", shard.platforms.len()),
            ("covers", shard.covers.len()),
            ("flags", shard.flags.len()),
        ];
        if let Some((name, len)) = columns.iter().find(|(_, len)| *len != n) {
            return Err(FormatError::Inconsistent(format!(
                "title column `{name}` has {len} rows, `names` has {n}"
            )));
        }
        let platform_count = shard.platform_names.len();
        if shard
            .platforms
            .iter()
            .flatten()
            .any(|&p| usize::from(p) >= platform_count)
        {
            return Err(FormatError::Inconsistent(
                "a platform index is out of range".into(),
            ));
        }
        Ok(shard)
    }
}

/// One sparse feature: its family and display name, and how many games have it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeatureDef {
    pub family: u8,
    pub name: String,
    pub df: u32,
}

/// Everything the recommender needs besides titles.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeaturePart {
    pub games: u32,
    pub features: Vec<FeatureDef>,
    /// For each feature in order, `df` ascending dense game ids, delta-varint encoded.
    pub postings: Vec<u8>,
    /// Critic rating: 0 = none, otherwise rating 0–100 stored as value + 1.
    pub critic: Vec<u8>,
    /// Notability 0–255 (higher = better known), the prior used by ranking.
    pub notability: Vec<u8>,
}

impl FeaturePart {
    pub fn encode(&self) -> Vec<u8> {
        encode_part(PartKind::Features, self)
    }

    /// Decodes and checks column lengths; postings are checked when expanded.
    pub fn decode(bytes: &[u8]) -> Result<Self, FormatError> {
        let part: FeaturePart = decode_part(PartKind::Features, bytes)?;
        let n = part.games as usize;
        if part.critic.len() != n || part.notability.len() != n {
            return Err(FormatError::Inconsistent(format!(
                "numeric columns have {} and {} rows for {n} games",
                part.critic.len(),
                part.notability.len()
            )));
        }
        Ok(part)
    }
}

/// What only a game page shows.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GameDetails {
    pub summary: Option<String>,
    pub genres: Vec<String>,
    pub themes: Vec<String>,
    pub developers: Vec<String>,
    pub publishers: Vec<String>,
    pub series: Vec<String>,
    pub game_modes: Vec<String>,
    pub perspectives: Vec<String>,
    pub critic_rating: Option<f32>,
    pub release_date: Option<i64>,
    pub links: Vec<String>,
}

/// Details for games `first_game .. first_game + games.len()`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DetailsShard {
    pub first_game: u32,
    pub games: Vec<GameDetails>,
}

impl DetailsShard {
    pub fn encode(&self) -> Vec<u8> {
        encode_part(PartKind::Details, self)
    }

    pub fn decode(bytes: &[u8]) -> Result<Self, FormatError> {
        decode_part(PartKind::Details, bytes)
    }

    /// Details of dense game id `game`, if this shard holds it.
    pub fn get(&self, game: u32) -> Option<&GameDetails> {
        let offset = game.checked_sub(self.first_game)?;
        self.games.get(offset as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn tiny_titles() -> TitleShard {
        TitleShard {
            first_game: 0,
            platform_names: vec!["PC".into(), "Switch".into()],
            names: vec!["Hades".into(), "Celeste".into()],
            igdb_ids: vec![113112, 26226],
            years: vec![2020, 2018],
            platforms: vec![vec![0, 1], vec![1]],
            covers: vec!["co39vc".into(), String::new()],
            flags: vec![flags::MAIN_GAME, flags::MAIN_GAME],
        }
    }

    #[test]
    fn title_shards_round_trip_through_gzip() {
        let shard = tiny_titles();
        let stored = gzip(&shard.encode());
        let back = TitleShard::decode(&gunzip(&stored).unwrap()).unwrap();
        assert_eq!(back, shard);
    }

    #[test]
    fn inconsistent_columns_are_rejected() {
        let mut shard = tiny_titles();
        shard.years.pop();
        let err = TitleShard::decode(&shard.encode()).unwrap_err();
        assert!(err.to_string().contains("years"), "{err}");
        let mut shard = tiny_titles();
        shard.platforms[0].push(7);
        assert!(TitleShard::decode(&shard.encode()).is_err());
    }

    #[test]
    fn parts_of_the_wrong_kind_are_rejected() {
        let bytes = tiny_titles().encode();
        assert!(matches!(
            DetailsShard::decode(&bytes),
            Err(FormatError::WrongKind { .. })
        ));
    }

    #[test]
    fn corrupt_gzip_and_hash_mismatch_are_errors() {
        assert!(matches!(gunzip(b"\x1f\x8bnope"), Err(FormatError::Gzip(_))));
        let entry = ManifestFile {
            path: "a.bin.gz".into(),
            role: FileRole::Search,
            sha256: sha256_hex(b"abc"),
            bytes: 3,
            raw_bytes: 3,
            encoding: "gzip".into(),
            first_game: 0,
            game_count: 0,
        };
        assert!(verify_file(&entry, b"abc").is_ok());
        let err = verify_file(&entry, b"abd").unwrap_err();
        assert!(err.to_string().contains("a.bin.gz"), "{err}");
    }

    proptest::proptest! {
        #[test]
        fn decoding_arbitrary_bytes_never_panics(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..256)) {
            let _ = TitleShard::decode(&bytes);
            let _ = FeaturePart::decode(&bytes);
            let _ = DetailsShard::decode(&bytes);
            let _ = gunzip(&bytes);
        }

        #[test]
        fn truncated_title_shards_are_rejected(cut in 0usize..200) {
            let bytes = tiny_titles().encode();
            let cut = cut.min(bytes.len() - 1);
            proptest::prop_assert!(TitleShard::decode(&bytes[..cut]).is_err());
        }
    }
}
