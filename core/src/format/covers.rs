//! Cover image ids, and the cover shards that hold them for the later tiers.
//!
//! A card needs its game's cover id. The first title shard carries its games' covers (first
//! answers show them), but nothing about search or recommendations needs the covers of the
//! other 300,000 games, and they are 0.8 MB of the index (about 20,000 of them are random
//! strings that no coder shrinks) — while the images themselves come from IGDB's CDN, so the
//! ids buy nothing offline. So the builder puts the later tiers' covers in cover shards (role
//! `covers`) of a few thousand games each, which a reader fetches only when a card of one of
//! their games needs its cover (the card shows its placeholder until then).
//!
//! Most ids have the shape `co` + base 36, stored as a number ([`cover_code`]) in byte planes
//! (all low bytes, then the next…), which gzip compresses far better than interleaved integers;
//! the others are kept as text.

use serde::{Deserialize, Serialize};

use super::{decode_part, encode_part, erased, Checksum, FormatError, PartKind};

/// `co1w60` → a number (base 36 after `co`, plus one so 0 means none). `None` for ids of
/// any other shape, which are stored as text.
pub fn cover_code(image_id: &str) -> Option<u32> {
    let digits = image_id.strip_prefix("co")?;
    if digits.is_empty() || digits.len() > 6 || digits.starts_with('0') {
        return None;
    }
    let value = u64::from_str_radix(digits, 36).ok()?;
    if digits.bytes().any(|b| b.is_ascii_uppercase()) {
        return None;
    }
    u32::try_from(value + 1).ok()
}

/// The image id behind a [`cover_code`].
pub fn cover_image_id(code: u32) -> Option<String> {
    let mut value = code.checked_sub(1)?;
    let mut digits = Vec::new();
    loop {
        digits.push(char::from_digit(value % 36, 36).expect("base 36 digit"));
        value /= 36;
        if value == 0 {
            break;
        }
    }
    Some(format!("co{}", digits.iter().rev().collect::<String>()))
}

/// Cover ids of a run of games (rows `0..len`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Covers {
    /// Per row, the [`cover_code`] of its id; 0 = no cover, or one listed in `other`.
    pub codes: Vec<u32>,
    /// `(row, image id)` of covers whose id has another shape, ascending by row.
    pub other: Vec<(u32, String)>,
}

/// How [`Covers`] are stored: codes as byte planes.
#[derive(Serialize, Deserialize)]
pub(super) struct StoredCovers {
    planes: Vec<u8>,
    other: Vec<(u32, String)>,
}

impl StoredCovers {
    pub(super) fn is_empty(&self) -> bool {
        self.planes.is_empty() && self.other.is_empty()
    }
}

impl Covers {
    /// Covers from each row's image id, if it has one.
    pub fn from_ids<'a>(ids: impl IntoIterator<Item = Option<&'a str>>) -> Covers {
        let mut covers = Covers::default();
        for (row, id) in ids.into_iter().enumerate() {
            let code = id.and_then(cover_code);
            covers.codes.push(code.unwrap_or(0));
            if let (Some(id), None) = (id, code) {
                covers.other.push((row as u32, id.to_string()));
            }
        }
        covers
    }

    /// Image id of the cover of `row`.
    pub fn get(&self, row: usize) -> Option<String> {
        match self.codes.get(row) {
            Some(&code) if code > 0 => cover_image_id(code),
            Some(_) => self
                .other
                .binary_search_by_key(&(row as u32), |(r, _)| *r)
                .ok()
                .map(|at| self.other[at].1.clone()),
            None => None,
        }
    }

    /// Rows covered (0 for a title shard whose covers are in a cover shard).
    pub fn len(&self) -> usize {
        self.codes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
    }

    pub(super) fn stored(&self) -> StoredCovers {
        StoredCovers {
            planes: to_planes(&self.codes),
            other: self.other.clone(),
        }
    }

    /// Checks stored covers for `rows` rows: plane size, rows of the other ids in range and
    /// ascending, ids of a plausible shape.
    pub(super) fn from_stored(stored: StoredCovers, rows: usize) -> Result<Covers, FormatError> {
        let codes = from_planes(&stored.planes, rows)?;
        let mut previous = None;
        for (row, id) in &stored.other {
            if *row as usize >= rows || previous >= Some(*row) || !crate::catalogue::is_image_id(id)
            {
                return Err(FormatError::Inconsistent(format!(
                    "bad cover entry for row {row}"
                )));
            }
            previous = Some(*row);
        }
        Ok(Covers {
            codes,
            other: stored.other,
        })
    }
}

/// Splits `u32`s into 4 byte planes.
fn to_planes(values: &[u32]) -> Vec<u8> {
    (0..4)
        .flat_map(|plane| values.iter().map(move |v| (v >> (8 * plane)) as u8))
        .collect()
}

fn from_planes(bytes: &[u8], n: usize) -> Result<Vec<u32>, FormatError> {
    if bytes.len() as u64 != 4 * n as u64 {
        return Err(FormatError::Inconsistent(format!(
            "cover planes hold {} bytes for {n} rows",
            bytes.len()
        )));
    }
    Ok((0..n)
        .map(|i| {
            (0..4).fold(0u32, |v, plane| {
                v | u32::from(bytes[plane * n + i]) << (8 * plane)
            })
        })
        .collect())
}

/// Covers of games `first_game .. first_game + covers.len()`.
#[derive(Debug, Clone, PartialEq)]
pub struct CoverShard {
    pub first_game: u32,
    pub covers: Covers,
}

#[derive(Serialize, Deserialize)]
struct StoredCoverShard {
    first_game: u32,
    games: u32,
    covers: StoredCovers,
}

impl CoverShard {
    pub fn len(&self) -> usize {
        self.covers.len()
    }

    pub fn is_empty(&self) -> bool {
        self.covers.is_empty()
    }

    /// Envelope-wrapped bytes (not yet compressed).
    pub fn encode(&self) -> Vec<u8> {
        let stored = StoredCoverShard {
            first_game: self.first_game,
            games: self.len() as u32,
            covers: self.covers.stored(),
        };
        encode_part(PartKind::Covers, &stored)
    }

    /// Decodes and checks the columns against the game count.
    pub fn decode(bytes: &[u8]) -> Result<Self, FormatError> {
        Self::decode_with(bytes, Checksum::Check)
    }

    pub(super) fn decode_with(bytes: &[u8], checksum: Checksum) -> Result<Self, FormatError> {
        let stored: StoredCoverShard = decode_part(PartKind::Covers, bytes, checksum)?;
        Ok(CoverShard {
            first_game: stored.first_game,
            covers: Covers::from_stored(stored.covers, stored.games as usize)?,
        })
    }

    /// Each stored column on its own (postcard bytes, before compression).
    pub fn stored_columns(&self) -> Vec<(&'static str, Vec<u8>)> {
        let stored = self.covers.stored();
        let bytes = |value: &dyn erased::Encode| value.postcard();
        vec![
            ("covers", bytes(&stored.planes)),
            ("other_covers", bytes(&stored.other)),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cover_ids_pack_into_numbers() {
        for id in ["co1w60", "co39vc", "co1", "cozzzzzz"] {
            assert_eq!(cover_image_id(cover_code(id).unwrap()).as_deref(), Some(id));
        }
        for odd in ["co01ab", "sc1234", "co", "coABC", "co1234567"] {
            assert_eq!(cover_code(odd), None, "{odd}");
        }
    }

    fn shard() -> CoverShard {
        CoverShard {
            first_game: 30_000,
            covers: Covers::from_ids([Some("co39vc"), None, Some("sc_odd")]),
        }
    }

    #[test]
    fn cover_shards_round_trip_and_name_every_row() {
        let back = CoverShard::decode(&shard().encode()).unwrap();
        assert_eq!(back, shard());
        let ids: Vec<Option<String>> = (0..4).map(|row| back.covers.get(row)).collect();
        assert_eq!(
            ids,
            [Some("co39vc".into()), None, Some("sc_odd".into()), None]
        );
    }

    #[test]
    fn inconsistent_cover_shards_are_rejected() {
        // The odd id of row 2 now points past the last row.
        let mut short = shard();
        short.covers.codes.pop();
        let err = CoverShard::decode(&short.encode()).unwrap_err();
        assert!(err.to_string().contains("row 2"), "{err}");
        let mut unordered = shard();
        unordered.covers.other.insert(0, (2, "sc_late".into()));
        let err = CoverShard::decode(&unordered.encode()).unwrap_err();
        assert!(err.to_string().contains("row 2"), "{err}");
        let bytes = shard().encode();
        for cut in [0, 10, bytes.len() - 1] {
            assert!(CoverShard::decode(&bytes[..cut]).is_err());
        }
    }
}
