//! The index format, defined once: the builder writes it and the web app reads it with these
//! same types.
//!
//! An index is a directory of immutable, content-hashed, compressed files ([`compression`]:
//! gzip, or LZMA for the later title tiers) plus one
//! `manifest.json` ([`manifest`]). Each binary file is wrapped in an [`envelope`] (magic,
//! version, kind, checksum) around a payload encoded with `postcard` (varint integers,
//! length-prefixed strings):
//! - [`TitleShard`] (role `search`): names, ids, years, platforms and covers of a contiguous
//!   range of games — enough for title search and result cards. The first shard holds the
//!   most notable games so search starts before the rest arrives.
//! - [`FeaturePart`] (role `recommend`): the sparse feature vocabulary, Rice-coded postings
//!   and the numeric columns the recommender scores with.
//! - [`DetailsShard`] (role `details`): what only a game page shows, fetched on demand.
//! - [`CoverShard`] (role `covers`): the cover ids of the tiers after the first, in blocks a
//!   reader fetches when a card needs one.
//!
//! Games are addressed by dense ids `0..n`: title shards are tiers of notability (the first
//! holds the best-known games), and within a shard games follow IGDB id order, which makes
//! the id and cover columns nearly sorted and so tiny once delta-coded and compressed. The
//! IGDB id is a column; a notability byte per game gives the ranking prior.

mod columns;
mod compression;
mod covers;
pub mod envelope;
mod feature_defs;
pub mod manifest;
mod postings;

use serde::{de::DeserializeOwned, Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::ids::GameId;

pub use columns::{ListColumn, StrColumn};
pub use compression::{decompress_at_most, gunzip, gzip, lzma, unlzma_at_most, Encoding};
pub use covers::{cover_code, cover_image_id, CoverShard, Covers};
pub use envelope::{Checksum, PartKind};
pub use manifest::{
    FileRole, Manifest, ManifestError, ManifestFile, RangeMismatch, Rollout, MAX_GAMES,
};
pub use postings::{
    decode_ascending, decode_postings, encode_ascending, postings_end_at, read_varint,
    write_varint, PostingsWriter,
};

/// Version of every file this crate writes; readers reject any other.
/// 3: payloads encoded with postcard instead of bincode.
/// 4: feature families 11 (store) and 12 (summary descriptor); format-3 readers reject them.
/// 5: title names stored as one `'\n'`-joined text.
/// 6: title parts carry alternative names (searched, never shown).
/// 7: the later tiers' covers in cover shards (role `covers`), fetched last.
/// 8: Rice-coded postings; feature definitions column by column, names front-coded.
/// 9: the later title tiers LZMA-compressed (manifest encoding `lzma`, files `.bin.lzma`).
pub const FORMAT_VERSION: u32 = 9;
/// Longest alternative name kept, in bytes (as the catalogue's longest title).
pub const MAX_ALIAS_BYTES: usize = 512;
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
    #[error("{encoding} stream is corrupt: {reason}")]
    Stream { encoding: Encoding, reason: String },
    #[error("decompressed data exceeds {limit} bytes")]
    TooLarge { limit: u64 },
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
    #[error("{path}: the manifest lists {expected} bytes {stage}, found {found}")]
    Size {
        path: String,
        stage: &'static str,
        expected: u64,
        found: u64,
    },
    #[error(transparent)]
    Range(#[from] RangeMismatch),
}

/// Lowercase hex SHA-256 of some bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Checks downloaded bytes against the manifest entry that lists them: size, then SHA-256.
pub fn verify_file(entry: &ManifestFile, stored: &[u8]) -> Result<(), FormatError> {
    verify_file_by(entry, stored, sha256_hex)
}

/// [`verify_file`] with the lowercase hex SHA-256 computed by `sha256`: a platform's native
/// digest where it has one (the npm package in Node, whose cold `open` would otherwise hash in
/// wasm that is not optimised yet).
pub fn verify_file_by(
    entry: &ManifestFile,
    stored: &[u8],
    sha256: impl FnOnce(&[u8]) -> String,
) -> Result<(), FormatError> {
    check_size(entry, "stored", entry.bytes, stored.len())?;
    let actual = sha256(stored);
    if actual != entry.sha256 {
        return Err(FormatError::Hash {
            path: entry.path.clone(),
            expected: entry.sha256.clone(),
            actual,
        });
    }
    Ok(())
}

/// `found` bytes of `entry` must be the `expected` its manifest lists at that `stage`.
fn check_size(
    entry: &ManifestFile,
    stage: &'static str,
    expected: u64,
    found: usize,
) -> Result<(), FormatError> {
    if found as u64 == expected {
        return Ok(());
    }
    Err(FormatError::Size {
        path: entry.path.clone(),
        stage,
        expected,
        found: found as u64,
    })
}

/// Verifies stored bytes against their manifest entry, then decompresses them (never past
/// the size the entry lists): the one way a reader should turn a downloaded file into a
/// part's bytes.
pub fn open_stored(entry: &ManifestFile, stored: &[u8]) -> Result<Vec<u8>, FormatError> {
    verify_file(entry, stored)?;
    let raw = decompress_at_most(entry.encoding, stored, entry.raw_bytes.min(MAX_RAW_BYTES))?;
    check_size(entry, "decompressed", entry.raw_bytes, raw.len())?;
    Ok(raw)
}

/// A decoded index file.
#[derive(Debug, Clone, PartialEq)]
pub enum Part {
    Titles(TitleShard),
    Features(FeaturePart),
    Details(DetailsShard),
    Covers(CoverShard),
}

/// Everything a reader checks about one stored file before using it: size and SHA-256
/// against its manifest entry, decompression, the envelope and the decode of the part its
/// role names, and that the part covers the games the entry lists.
pub fn open_part(entry: &ManifestFile, stored: &[u8]) -> Result<Part, FormatError> {
    decode_raw_part(entry, &open_stored(entry, stored)?)
}

/// The checks of [`open_part`] after verification and decompression — the raw size, the
/// envelope, the decode and the games covered — for a reader that decompresses elsewhere
/// (the browser engine uses the platform's gzip). The caller has checked the stored bytes
/// against `entry` ([`verify_file`]): that SHA-256 covers the payload, so the envelope's own
/// is not computed again ([`Checksum::CoveredByManifest`]).
pub fn decode_raw_part(entry: &ManifestFile, raw: &[u8]) -> Result<Part, FormatError> {
    check_size(entry, "decompressed", entry.raw_bytes, raw.len())?;
    let checksum = Checksum::CoveredByManifest;
    let part = match entry.role {
        FileRole::Search => {
            let shard = TitleShard::decode_with(raw, checksum)?;
            entry.check_range(shard.first_game, shard.len())?;
            Part::Titles(shard)
        }
        FileRole::Recommend => {
            let part = FeaturePart::decode_with(raw, checksum)?;
            entry.check_range(part.first_game, part.games as usize)?;
            Part::Features(part)
        }
        FileRole::Details => {
            let shard = DetailsShard::decode_with(raw, checksum)?;
            entry.check_range(shard.first_game, shard.games.len())?;
            Part::Details(shard)
        }
        FileRole::Covers => {
            let shard = CoverShard::decode_with(raw, checksum)?;
            entry.check_range(shard.first_game, shard.len())?;
            Part::Covers(shard)
        }
    };
    Ok(part)
}

/// Encodes a part's payload with postcard and seals it in the envelope.
fn encode_part<T: Serialize>(kind: PartKind, part: &T) -> Vec<u8> {
    let payload = postcard::to_allocvec(part).expect("parts encode into a Vec");
    envelope::seal(kind, &payload)
}

/// Postcard bytes of any serializable column, through a trait object so a list of columns
/// of different types can be encoded one by one.
mod erased {
    pub trait Encode {
        fn postcard(&self) -> Vec<u8>;
    }

    impl<T: serde::Serialize> Encode for T {
        fn postcard(&self) -> Vec<u8> {
            postcard::to_allocvec(self).expect("columns encode into a Vec")
        }
    }
}

/// Opens the envelope and decodes the whole payload. Postcard allocates only as the bytes
/// really hold elements (serde caps the preallocation for a claimed length), so a lying
/// length fails on the missing bytes instead of reserving memory; the payload itself is
/// bounded by [`MAX_RAW_BYTES`].
fn decode_part<T: DeserializeOwned>(
    kind: PartKind,
    bytes: &[u8],
    checksum: Checksum,
) -> Result<T, FormatError> {
    let payload = envelope::open_with(bytes, kind, checksum)?;
    let (part, rest) =
        postcard::take_from_bytes(payload).map_err(|e| FormatError::Decode(e.to_string()))?;
    if !rest.is_empty() {
        return Err(FormatError::Decode(format!(
            "{} trailing bytes",
            rest.len()
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
#[derive(Debug, Clone, PartialEq)]
pub struct TitleShard {
    pub first_game: u32,
    /// Platform names; `platforms` entries index into this table. Same in every shard.
    pub platform_names: Vec<String>,
    pub names: StrColumn,
    pub igdb_ids: Vec<u32>,
    /// Release year, 0 when unknown.
    pub years: Vec<u16>,
    /// Per game, indexes into `platform_names`.
    pub platforms: ListColumn<u16>,
    /// Cover image ids: one per game in the first shard, none (`covers.is_empty()`) in a shard
    /// whose covers are in a [`CoverShard`].
    pub covers: Covers,
    pub flags: Vec<u8>,
    /// Notability prior on a log-rank scale: 255 for the best-known game, falling with
    /// `ln(rank)` (see [`notability_byte`]).
    pub notability: Vec<u8>,
    /// `(row, name)`: other names of the games (IGDB alternative names, a former title),
    /// searched but never shown as the title. Rows ascend; a row may have several.
    pub aliases: Vec<(u32, String)>,
}

/// How a title shard is stored: the same columns, packed. Names as one `'\n'`-joined text
/// (no length bytes between them, which gzip compresses worse); IGDB ids (ascending within a
/// shard) as varint deltas; covers as in a [`CoverShard`], or empty.
#[derive(Serialize, Deserialize)]
struct StoredTitles {
    first_game: u32,
    games: u32,
    platform_names: Vec<String>,
    names: String,
    igdb_id_deltas: Vec<u8>,
    /// Release year minus [`YEAR_BASE`], 0 when unknown: one byte each.
    year_offsets: Vec<u8>,
    /// Per game, the number of platforms then their indexes, as varints.
    platform_lists: Vec<u8>,
    /// Rows `0..games`, or no rows at all.
    covers: covers::StoredCovers,
    flags: Vec<u8>,
    notability: Vec<u8>,
    aliases: Vec<(u32, String)>,
}

/// Stored years are offsets from this (1900 is offset 1).
const YEAR_BASE: u16 = 1899;

/// A year as its stored byte: 0 for unknown; years outside 1900–2154 are clamped.
fn year_offset(year: u16) -> u8 {
    if year == 0 {
        0
    } else {
        year.saturating_sub(YEAR_BASE).clamp(1, 255) as u8
    }
}

/// Notability byte of the game at `rank` (0 = best known) among `games`.
pub fn notability_byte(rank: usize, games: usize) -> u8 {
    let scale = ((games + 1) as f64).ln().max(f64::MIN_POSITIVE);
    (255.0 * (1.0 - ((rank + 1) as f64).ln() / scale))
        .round()
        .clamp(0.0, 255.0) as u8
}

impl TitleShard {
    /// Cover image id of row `i`, if this shard holds covers.
    pub fn cover(&self, i: usize) -> Option<String> {
        self.covers.get(i)
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// Envelope-wrapped bytes (not yet compressed). IGDB ids must ascend within a shard.
    pub fn encode(&self) -> Vec<u8> {
        encode_part(PartKind::Titles, &self.stored())
    }

    /// Each stored column on its own (postcard bytes, before compression), to see where a
    /// shard's bytes go.
    pub fn stored_columns(&self) -> Vec<(&'static str, Vec<u8>)> {
        let s = self.stored();
        let bytes = |value: &dyn erased::Encode| value.postcard();
        let covers = CoverShard {
            first_game: self.first_game,
            covers: self.covers.clone(),
        };
        let mut columns = vec![
            ("platform_names", bytes(&s.platform_names)),
            ("names", bytes(&s.names)),
            ("igdb_ids", bytes(&s.igdb_id_deltas)),
            ("years", bytes(&s.year_offsets)),
            ("platforms", bytes(&s.platform_lists)),
            ("flags", bytes(&s.flags)),
            ("notability", bytes(&s.notability)),
            ("aliases", bytes(&s.aliases)),
        ];
        columns.extend(covers.stored_columns());
        columns
    }

    fn stored(&self) -> StoredTitles {
        let mut igdb_id_deltas = Vec::new();
        encode_ascending(&self.igdb_ids, &mut igdb_id_deltas);
        let mut platform_lists = Vec::new();
        for list in self.platforms.iter() {
            write_varint(list.len() as u32, &mut platform_lists);
            for &p in list {
                write_varint(u32::from(p), &mut platform_lists);
            }
        }
        StoredTitles {
            first_game: self.first_game,
            games: self.len() as u32,
            platform_names: self.platform_names.clone(),
            names: self.names.joined().to_string(),
            igdb_id_deltas,
            year_offsets: self.years.iter().map(|&y| year_offset(y)).collect(),
            platform_lists,
            covers: self.covers.stored(),
            flags: self.flags.clone(),
            notability: self.notability.clone(),
            aliases: self.aliases.clone(),
        }
    }

    /// Decodes and checks column lengths and platform references.
    pub fn decode(bytes: &[u8]) -> Result<Self, FormatError> {
        Self::decode_with(bytes, Checksum::Check)
    }

    fn decode_with(bytes: &[u8], checksum: Checksum) -> Result<Self, FormatError> {
        let stored: StoredTitles = decode_part(PartKind::Titles, bytes, checksum)?;
        // Every column must hold this many rows; the byte columns are checked first, so a
        // lying count fails before anything is sized by it.
        let n = stored.games as usize;
        let byte_columns = [
            ("years", stored.year_offsets.len()),
            ("flags", stored.flags.len()),
            ("notability", stored.notability.len()),
        ];
        if let Some((name, len)) = byte_columns.iter().find(|(_, len)| *len != n) {
            return Err(FormatError::Inconsistent(format!(
                "title column `{name}` has {len} rows for {n} games"
            )));
        }
        let in_column = |name: &str, e: FormatError| {
            FormatError::Inconsistent(format!("title column `{name}`: {e}"))
        };
        let names = StrColumn::from_joined(stored.names, n).map_err(|e| in_column("names", e))?;
        let mut igdb_ids = Vec::with_capacity(n);
        let mut pos = 0;
        decode_ascending(&stored.igdb_id_deltas, &mut pos, n, u32::MAX, &mut igdb_ids)
            .map_err(|e| in_column("igdb_ids", e))?;
        if pos != stored.igdb_id_deltas.len() {
            return Err(FormatError::Inconsistent("trailing IGDB id bytes".into()));
        }
        let platforms =
            decode_platform_lists(&stored.platform_lists, n, stored.platform_names.len())
                .map_err(|e| in_column("platforms", e))?;
        let cover_rows = if stored.covers.is_empty() { 0 } else { n };
        let covers =
            Covers::from_stored(stored.covers, cover_rows).map_err(|e| in_column("covers", e))?;
        let shard = TitleShard {
            first_game: stored.first_game,
            platform_names: stored.platform_names,
            names,
            igdb_ids,
            years: stored
                .year_offsets
                .iter()
                .map(|&o| if o == 0 { 0 } else { YEAR_BASE + u16::from(o) })
                .collect(),
            platforms,
            covers,
            flags: stored.flags,
            notability: stored.notability,
            aliases: stored.aliases,
        };
        check_aliases(&shard.aliases, n)?;
        Ok(shard)
    }
}

/// Reads `games` platform lists (a count, then that many indexes below `platform_count`).
fn decode_platform_lists(
    bytes: &[u8],
    games: usize,
    platform_count: usize,
) -> Result<ListColumn<u16>, FormatError> {
    let mut lists = ListColumn::default();
    let (mut pos, mut list) = (0, Vec::new());
    for _ in 0..games {
        let count = read_varint(bytes, &mut pos)? as usize;
        list.clear();
        for _ in 0..count.min(bytes.len()) {
            let p = read_varint(bytes, &mut pos)?;
            if p as usize >= platform_count {
                return Err(FormatError::Inconsistent(
                    "a platform index is out of range".into(),
                ));
            }
            list.push(p as u16);
        }
        lists.push(&list);
    }
    if pos != bytes.len() {
        return Err(FormatError::Inconsistent(
            "trailing platform list bytes".into(),
        ));
    }
    Ok(lists)
}

/// Alias rows must ascend and lie in the shard; names must be non-empty and short.
fn check_aliases(aliases: &[(u32, String)], rows: usize) -> Result<(), FormatError> {
    let mut previous = 0;
    for (row, name) in aliases {
        if *row as usize >= rows || *row < previous {
            return Err(FormatError::Inconsistent(format!(
                "alias row {row} is out of order or range"
            )));
        }
        if name.trim().is_empty() || name.len() > MAX_ALIAS_BYTES {
            return Err(FormatError::Inconsistent(format!(
                "alias of row {row} is empty or longer than {MAX_ALIAS_BYTES} bytes"
            )));
        }
        previous = *row;
    }
    Ok(())
}

/// One sparse feature: its family and display name, and how many games have it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeatureDef {
    pub family: u8,
    pub name: String,
    pub df: u32,
}

/// What the recommender needs besides titles, for the games
/// `first_game .. first_game + games`.
///
/// An index ships its features in parts that follow the notability tiers: the first part
/// covers the best-known games and defines the features they have, so recommendations can
/// start from it alone; a later part covers later games and defines the features that only
/// they have. Feature ids are global: part `k` defines ids `first_feature ..` and has postings
/// for every id defined so far. Document frequencies (`df`) and `total_games` are those of the
/// whole index, so a game's weights are the same whichever parts are loaded.
#[derive(Debug, Clone, PartialEq)]
pub struct FeaturePart {
    pub first_game: u32,
    pub games: u32,
    /// Games in the whole index (the `N` of idf).
    pub total_games: u32,
    /// Id of the first feature this part defines.
    pub first_feature: u32,
    /// The features this part defines, with their df over the whole index.
    pub features: Vec<FeatureDef>,
    /// For each feature id `0 .. first_feature + features.len()`, how many of this part's
    /// games have it.
    pub counts: Vec<u32>,
    /// For each feature in id order, `counts[f]` ascending game ids relative to
    /// `first_game`, Rice-coded into one bit stream (see [`PostingsWriter`]).
    pub postings: Vec<u8>,
    /// Critic rating of this part's games: 0 = none, otherwise rating 0–100 stored as value + 1.
    pub critic: Vec<u8>,
}

/// How a feature part is stored: the same fields, definitions column by column (see
/// [`feature_defs`]).
#[derive(Serialize, Deserialize)]
struct StoredFeatures {
    first_game: u32,
    games: u32,
    total_games: u32,
    first_feature: u32,
    features: feature_defs::StoredDefs,
    counts: Vec<u32>,
    postings: Vec<u8>,
    critic: Vec<u8>,
}

impl FeaturePart {
    pub fn encode(&self) -> Vec<u8> {
        let stored = StoredFeatures {
            first_game: self.first_game,
            games: self.games,
            total_games: self.total_games,
            first_feature: self.first_feature,
            features: feature_defs::StoredDefs::new(&self.features),
            counts: self.counts.clone(),
            postings: self.postings.clone(),
            critic: self.critic.clone(),
        };
        encode_part(PartKind::Features, &stored)
    }

    /// Each stored column on its own (postcard bytes, before compression).
    pub fn stored_columns(&self) -> Vec<(&'static str, Vec<u8>)> {
        let bytes = |value: &dyn erased::Encode| value.postcard();
        vec![
            (
                "features",
                bytes(&feature_defs::StoredDefs::new(&self.features)),
            ),
            ("counts", bytes(&self.counts)),
            ("postings", bytes(&self.postings)),
            ("critic", bytes(&self.critic)),
        ]
    }

    /// Decodes and checks ranges and column lengths; postings are checked when expanded.
    pub fn decode(bytes: &[u8]) -> Result<Self, FormatError> {
        Self::decode_with(bytes, Checksum::Check)
    }

    fn decode_with(bytes: &[u8], checksum: Checksum) -> Result<Self, FormatError> {
        let stored: StoredFeatures = decode_part(PartKind::Features, bytes, checksum)?;
        let part = FeaturePart {
            first_game: stored.first_game,
            games: stored.games,
            total_games: stored.total_games,
            first_feature: stored.first_feature,
            features: stored.features.load()?,
            counts: stored.counts,
            postings: stored.postings,
            critic: stored.critic,
        };
        let inconsistent = |what: String| Err(FormatError::Inconsistent(what));
        let n = part.games as usize;
        if u64::from(part.first_game) + u64::from(part.games) > u64::from(part.total_games) {
            return inconsistent(format!(
                "feature part covers games {}..+{} of {}",
                part.first_game, part.games, part.total_games
            ));
        }
        if part.critic.len() != n {
            return inconsistent(format!(
                "critic column has {} rows for {n} games",
                part.critic.len()
            ));
        }
        let known = u64::from(part.first_feature) + part.features.len() as u64;
        if part.counts.len() as u64 != known {
            return inconsistent(format!(
                "{} posting counts for {known} features",
                part.counts.len()
            ));
        }
        let total: u64 = part.counts.iter().map(|&c| u64::from(c)).sum();
        // Every posting takes at least one bit.
        if total > 8 * part.postings.len() as u64 || part.counts.iter().any(|&c| c > part.games) {
            return inconsistent(format!(
                "{total} postings cannot fit in {} bytes for {n} games",
                part.postings.len()
            ));
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
        Self::decode_with(bytes, Checksum::Check)
    }

    fn decode_with(bytes: &[u8], checksum: Checksum) -> Result<Self, FormatError> {
        decode_part(PartKind::Details, bytes, checksum)
    }

    /// Details of `game`, if this shard holds it.
    pub fn get(&self, game: GameId) -> Option<&GameDetails> {
        let offset = game.get().checked_sub(self.first_game)?;
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
            names: ["Hades", "Celeste"].into_iter().collect(),
            igdb_ids: vec![26226, 113112],
            years: vec![2020, 2018],
            platforms: [vec![0, 1], vec![1]].into_iter().collect(),
            covers: Covers::from_ids([Some("co39vc"), Some("sc_odd")]),
            flags: vec![flags::MAIN_GAME, flags::MAIN_GAME],
            notability: vec![255, 200],
            aliases: vec![
                (0, "Hades: Battle Out of Hell".into()),
                (1, "Celeste Classic".into()),
            ],
        }
    }

    #[test]
    fn alias_rows_are_checked() {
        for aliases in [
            vec![(2, "Out of range".to_string())],
            vec![(1, "b".to_string()), (0, "a".to_string())],
            vec![(0, " ".to_string())],
            vec![(0, "x".repeat(MAX_ALIAS_BYTES + 1))],
        ] {
            let shard = TitleShard {
                aliases,
                ..tiny_titles()
            };
            let err = TitleShard::decode(&shard.encode()).unwrap_err();
            assert!(err.to_string().contains("alias"), "{err}");
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
    fn notability_bytes_fall_with_log_rank() {
        assert_eq!(notability_byte(0, 1000), 255);
        assert!(notability_byte(1, 1000) > notability_byte(10, 1000));
        assert!(notability_byte(999, 1000) <= 1);
        assert_eq!(notability_byte(0, 0), 255);
    }

    #[test]
    fn title_shards_hold_covers_or_leave_them_to_a_cover_shard() {
        let shard = tiny_titles();
        assert_eq!(shard.cover(0).as_deref(), Some("co39vc"));
        assert_eq!(shard.cover(1).as_deref(), Some("sc_odd"));
        assert_eq!(shard.cover(5), None);
        let mut coverless = tiny_titles();
        coverless.covers = Covers::default();
        let back = TitleShard::decode(&coverless.encode()).unwrap();
        assert_eq!((back.len(), back.cover(0)), (2, None));
        let mut short = tiny_titles();
        short.covers.codes.pop();
        let err = TitleShard::decode(&short.encode()).unwrap_err();
        assert!(err.to_string().contains("covers"), "{err}");
    }

    #[test]
    fn inconsistent_columns_are_rejected() {
        let mut shard = tiny_titles();
        shard.years.pop();
        let err = TitleShard::decode(&shard.encode()).unwrap_err();
        assert!(err.to_string().contains("years"), "{err}");
        let mut shard = tiny_titles();
        shard.platforms = [vec![0, 1], vec![7]].into_iter().collect();
        let err = TitleShard::decode(&shard.encode()).unwrap_err();
        assert!(err.to_string().contains("platform"), "{err}");
        let mut shard = tiny_titles();
        shard.names.push("a third name");
        let err = TitleShard::decode(&shard.encode()).unwrap_err();
        assert!(err.to_string().contains("rows for 3 games"), "{err}");
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
        assert!(matches!(
            gunzip(b"\x1f\x8bnope"),
            Err(FormatError::Stream {
                encoding: Encoding::Gzip,
                ..
            })
        ));
        let entry = ManifestFile {
            path: "a.bin.gz".into(),
            role: FileRole::Search,
            sha256: sha256_hex(b"abc"),
            bytes: 3,
            raw_bytes: 3,
            encoding: Encoding::Gzip,
            first_game: 0,
            game_count: 0,
        };
        assert!(verify_file(&entry, b"abc").is_ok());
        let err = verify_file(&entry, b"abd").unwrap_err();
        assert!(err.to_string().contains("a.bin.gz"), "{err}");
        // Another digest function: its answer is what is compared, after the size.
        let same = |_: &[u8]| sha256_hex(b"abc");
        assert!(verify_file_by(&entry, b"xyz", same).is_ok());
        let other = |_: &[u8]| sha256_hex(b"xyz");
        assert!(matches!(
            verify_file_by(&entry, b"abc", other),
            Err(FormatError::Hash { .. })
        ));
        assert!(matches!(
            verify_file_by(&entry, b"abcd", same),
            Err(FormatError::Size { .. })
        ));
    }

    /// A stored title shard and the manifest entry a builder would write for it.
    fn stored_titles(shard: &TitleShard) -> (ManifestFile, Vec<u8>) {
        let raw = shard.encode();
        let stored = gzip(&raw);
        let entry = ManifestFile {
            path: "titles-0.bin.gz".into(),
            role: FileRole::Search,
            sha256: sha256_hex(&stored),
            bytes: stored.len() as u64,
            raw_bytes: raw.len() as u64,
            encoding: Encoding::Gzip,
            first_game: shard.first_game,
            game_count: shard.len() as u32,
        };
        (entry, stored)
    }

    /// The manifest's SHA-256 of the stored file is what a reader of a listed file trusts: it
    /// determines the payload, so the envelope's checksum is not computed again; bytes of
    /// unknown origin still have it checked.
    #[test]
    fn the_envelope_checksum_is_checked_unless_the_manifest_covers_it() {
        let mut raw = tiny_titles().encode();
        raw[20] ^= 0xff; // inside the envelope's SHA-256 of the payload
        assert!(matches!(
            TitleShard::decode(&raw),
            Err(FormatError::Checksum)
        ));
        let stored = gzip(&raw);
        let (mut entry, _) = stored_titles(&tiny_titles());
        entry.sha256 = sha256_hex(&stored);
        entry.bytes = stored.len() as u64;
        assert_eq!(
            open_part(&entry, &stored).unwrap(),
            Part::Titles(tiny_titles())
        );
        let mut damaged = stored.clone();
        let last = damaged.len() - 1;
        damaged[last] ^= 1;
        assert!(matches!(
            open_part(&entry, &damaged),
            Err(FormatError::Hash { .. })
        ));
    }

    #[test]
    fn open_part_checks_sizes_and_ranges_against_the_entry() {
        let (entry, stored) = stored_titles(&tiny_titles());
        assert_eq!(
            open_part(&entry, &stored).unwrap(),
            Part::Titles(tiny_titles())
        );
        // A shard whose hashes are right but whose first game is absurd.
        let mut absurd = tiny_titles();
        absurd.first_game = 4_000_000_000;
        let (mut lying, stored) = stored_titles(&absurd);
        lying.first_game = 0;
        let err = open_part(&lying, &stored).unwrap_err();
        assert!(matches!(err, FormatError::Range(_)), "{err}");
        let mut wrong_bytes = entry.clone();
        wrong_bytes.bytes += 1;
        let err = open_part(&wrong_bytes, &stored_titles(&tiny_titles()).1).unwrap_err();
        assert!(
            err.to_string().contains("lists 1"),
            "stored size is checked first: {err}"
        );
        let mut wrong_raw = entry.clone();
        wrong_raw.raw_bytes -= 1;
        let err = open_part(&wrong_raw, &stored_titles(&tiny_titles()).1).unwrap_err();
        assert!(
            matches!(err, FormatError::TooLarge { .. }),
            "decompression stops at the listed size: {err}"
        );
        let mut details_role = entry;
        details_role.role = FileRole::Details;
        let err = open_part(&details_role, &stored_titles(&tiny_titles()).1).unwrap_err();
        assert!(matches!(err, FormatError::WrongKind { .. }), "{err}");
    }

    #[test]
    fn raw_parts_decompressed_elsewhere_get_the_same_checks() {
        let (entry, _) = stored_titles(&tiny_titles());
        let raw = tiny_titles().encode();
        assert_eq!(
            decode_raw_part(&entry, &raw).unwrap(),
            Part::Titles(tiny_titles())
        );
        let err = decode_raw_part(&entry, &raw[..raw.len() - 1]).unwrap_err();
        assert!(matches!(err, FormatError::Size { .. }), "{err}");
        let mut absurd = tiny_titles();
        absurd.first_game = 7;
        let err = decode_raw_part(&entry, &absurd.encode()).unwrap_err();
        assert!(matches!(err, FormatError::Range(_)), "{err}");
    }

    #[test]
    fn files_of_older_formats_are_rejected() {
        for old in [2u32, 3, 4, 5, 6, 7] {
            let mut bytes = tiny_titles().encode();
            bytes[4..8].copy_from_slice(&old.to_le_bytes());
            let err = TitleShard::decode(&bytes).unwrap_err();
            assert!(matches!(err, FormatError::Version { found } if found == old));
            assert!(
                err.to_string()
                    .contains(&format!("this reader understands {FORMAT_VERSION}")),
                "{err}"
            );
        }
    }

    proptest::proptest! {
        /// Sealed payloads pass the envelope's checksum, so this reaches each decoder.
        #[test]
        fn arbitrary_sealed_payloads_never_panic(payload in proptest::collection::vec(proptest::num::u8::ANY, 0..300)) {
            let _ = TitleShard::decode(&envelope::seal(PartKind::Titles, &payload));
            let _ = FeaturePart::decode(&envelope::seal(PartKind::Features, &payload));
            let _ = DetailsShard::decode(&envelope::seal(PartKind::Details, &payload));
        }

        #[test]
        fn truncated_payloads_are_rejected(cut in 0usize..300) {
            let sealed = tiny_titles().encode();
            let payload = envelope::open(&sealed, PartKind::Titles).unwrap();
            let cut = cut.min(payload.len() - 1);
            let resealed = envelope::seal(PartKind::Titles, &payload[..cut]);
            proptest::prop_assert!(TitleShard::decode(&resealed).is_err());
        }

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
