//! The envelope every binary index file shares: magic, format version, part kind, length and
//! checksum, so a reader rejects a truncated, corrupt or foreign file before decoding it.
//!
//! Layout (little endian): `PLIX` · u32 format version · u8 kind · u64 payload length ·
//! 32-byte SHA-256 of the payload · payload.

use sha2::{Digest, Sha256};

use super::{FormatError, FORMAT_VERSION};

/// First four bytes of every Playlike index file.
pub const MAGIC: [u8; 4] = *b"PLIX";
const HEADER_LEN: usize = 4 + 4 + 1 + 8 + 32;

/// Which part of the index a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum PartKind {
    Titles = 1,
    Features = 2,
    Details = 3,
    Covers = 4,
}

impl PartKind {
    fn from_byte(byte: u8) -> Option<Self> {
        match byte {
            1 => Some(Self::Titles),
            2 => Some(Self::Features),
            3 => Some(Self::Details),
            4 => Some(Self::Covers),
            _ => None,
        }
    }
}

/// Wraps a payload in the envelope.
pub fn seal(kind: PartKind, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER_LEN + payload.len());
    out.extend_from_slice(&MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.push(kind as u8);
    out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    out.extend_from_slice(&Sha256::digest(payload));
    out.extend_from_slice(payload);
    out
}

/// Whether [`open_with`] checks the payload's SHA-256.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checksum {
    /// Always, for bytes of unknown origin.
    Check,
    /// Not again: the caller has checked the SHA-256 of the stored file that holds these bytes
    /// against its manifest entry, and decompression is deterministic, so the payload is the
    /// one the builder sealed. Hashing it again cost a reader ~10–20 ms per first-tier file
    /// in not-yet-optimised wasm (13 MB over a full load).
    CoveredByManifest,
}

/// Checks the envelope, its checksum included, and returns the payload.
pub fn open(bytes: &[u8], expected: PartKind) -> Result<&[u8], FormatError> {
    open_with(bytes, expected, Checksum::Check)
}

/// Checks the envelope (the payload's SHA-256 as `checksum` says) and returns the payload.
pub fn open_with(
    bytes: &[u8],
    expected: PartKind,
    checksum: Checksum,
) -> Result<&[u8], FormatError> {
    if bytes.len() < HEADER_LEN {
        return Err(FormatError::Truncated {
            expected: HEADER_LEN as u64,
            found: bytes.len() as u64,
        });
    }
    if bytes[..4] != MAGIC {
        return Err(FormatError::NotAnIndexFile);
    }
    let version = u32::from_le_bytes(bytes[4..8].try_into().expect("4 bytes"));
    if version != FORMAT_VERSION {
        return Err(FormatError::Version { found: version });
    }
    let kind = PartKind::from_byte(bytes[8]).ok_or(FormatError::UnknownKind(bytes[8]))?;
    if kind != expected {
        return Err(FormatError::WrongKind {
            expected,
            found: kind,
        });
    }
    let len = u64::from_le_bytes(bytes[9..17].try_into().expect("8 bytes"));
    let payload = &bytes[HEADER_LEN..];
    if payload.len() as u64 != len {
        return Err(FormatError::Truncated {
            expected: (HEADER_LEN as u64).saturating_add(len),
            found: bytes.len() as u64,
        });
    }
    if checksum == Checksum::Check && Sha256::digest(payload).as_slice() != &bytes[17..49] {
        return Err(FormatError::Checksum);
    }
    Ok(payload)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by `cargo fuzz`: a length field near `u64::MAX` overflowed the error message.
    #[test]
    fn an_absurd_length_is_an_error_not_an_overflow() {
        let mut bytes = seal(PartKind::Details, b"x");
        bytes[9..17].copy_from_slice(&u64::MAX.to_le_bytes());
        assert!(matches!(
            open(&bytes, PartKind::Details),
            Err(FormatError::Truncated {
                expected: u64::MAX,
                ..
            })
        ));
    }

    #[test]
    fn round_trips_and_rejects_damage() {
        let sealed = seal(PartKind::Titles, b"hello");
        assert_eq!(open(&sealed, PartKind::Titles).unwrap(), b"hello");
        assert!(matches!(
            open(&sealed, PartKind::Features),
            Err(FormatError::WrongKind { .. })
        ));
        assert!(matches!(
            open(&sealed[..sealed.len() - 1], PartKind::Titles),
            Err(FormatError::Truncated { .. })
        ));
        let mut flipped = sealed.clone();
        *flipped.last_mut().unwrap() ^= 1;
        assert!(matches!(
            open(&flipped, PartKind::Titles),
            Err(FormatError::Checksum)
        ));
        let mut old = sealed.clone();
        old[4] = 0;
        assert!(matches!(
            open(&old, PartKind::Titles),
            Err(FormatError::Version { found: 0 })
        ));
        assert!(matches!(
            open(b"GIF89a", PartKind::Titles),
            Err(FormatError::Truncated { .. })
        ));
        let mut foreign = sealed;
        foreign[0] = b'X';
        assert!(matches!(
            open(&foreign, PartKind::Titles),
            Err(FormatError::NotAnIndexFile)
        ));
    }
}
