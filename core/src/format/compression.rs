//! How stored files are compressed: gzip, which every platform inflates natively, or LZMA,
//! decoded here (pure Rust, `lzma-rust2`) where its bytes are worth the decoding time.
//!
//! The later title tiers are LZMA: on the full catalogue they shrink from 3.45 MB (gzip) to
//! 2.94 MB, titles being short texts whose shared words and series names an LZMA model codes
//! far better than deflate's 32 KB window and static Huffman tables. They decode at
//! ~50 MB/s in wasm (45 ms a 2.2 MB shard), in the worker, while the next one downloads. The
//! first tier and the feature parts stay gzip: the first answers wait for them, and LZMA
//! saves under 4 % on them (feature postings are already entropy-coded). The decoder adds
//! ~17 KB (gzip) to the engine's wasm. See docs/BENCHMARKS.md.

use std::io::{Read, Write};

use serde::{Deserialize, Serialize};

use super::{FormatError, MAX_RAW_BYTES};

/// The compression of a stored file, as its manifest entry names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Encoding {
    /// A gzip stream (RFC 1952).
    Gzip,
    /// An LZMA stream in the `.lzma` ("LZMA alone") layout: properties, dictionary size and
    /// decompressed size, then the range-coded data.
    Lzma,
}

impl Encoding {
    /// The file extension after `.bin`.
    pub fn extension(self) -> &'static str {
        match self {
            Encoding::Gzip => "gz",
            Encoding::Lzma => "lzma",
        }
    }
}

impl std::fmt::Display for Encoding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Encoding::Gzip => "gzip",
            Encoding::Lzma => "lzma",
        })
    }
}

/// Gzip-compresses bytes (best compression: files are built once, downloaded often).
pub fn gzip(raw: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(raw).expect("writing to a Vec cannot fail");
    enc.finish().expect("writing to a Vec cannot fail")
}

/// Decompresses a gzip stream, refusing more than [`MAX_RAW_BYTES`].
pub fn gunzip(stored: &[u8]) -> Result<Vec<u8>, FormatError> {
    decompress_at_most(Encoding::Gzip, stored, MAX_RAW_BYTES)
}

/// Largest LZMA dictionary the builder writes: a title shard's repeats are mostly within a
/// megabyte (a 4 MiB dictionary saves 0.3 % more), and the decoder holds the whole
/// dictionary while it works.
const LZMA_DICTIONARY: u32 = 1 << 20;

/// LZMA-compresses bytes at the strongest preset, in the `.lzma` layout with the
/// decompressed size in the header. Four literal context bits and no position bits suit
/// byte-oriented text and varints (0.3 % smaller than the defaults on title shards).
pub fn lzma(raw: &[u8]) -> Vec<u8> {
    let mut options = lzma_rust2::LzmaOptions::with_preset(9);
    let needed = (raw.len() as u32).next_power_of_two().max(4096);
    options.dict_size = needed.min(LZMA_DICTIONARY);
    options.lc = 4;
    options.pb = 0;
    let mut writer =
        lzma_rust2::LzmaWriter::new_use_header(Vec::new(), &options, Some(raw.len() as u64))
            .expect("the options are valid");
    writer.write_all(raw).expect("writing to a Vec cannot fail");
    writer.finish().expect("writing to a Vec cannot fail")
}

/// Most memory the LZMA decoder may use for its dictionary and tables, in KiB: twice what
/// the builder's largest dictionary needs, so a hostile header cannot make it allocate more.
const LZMA_MEMORY_KIB: u32 = 2 * (LZMA_DICTIONARY >> 10) + 1024;

/// Most output reserved before decompressing: the largest file an index holds is a few
/// megabytes, and a caller with only a generous cap ([`gunzip`]) must not reserve all of it.
const PREALLOCATE_AT_MOST: u64 = 1 << 25;

/// Decompresses `stored`, stopping with an error past `limit` bytes of output.
pub fn decompress_at_most(
    encoding: Encoding,
    stored: &[u8],
    limit: u64,
) -> Result<Vec<u8>, FormatError> {
    match encoding {
        Encoding::Gzip => read_at_most(encoding, flate2::read::GzDecoder::new(stored), limit),
        Encoding::Lzma => unlzma_at_most(stored, limit),
    }
}

/// Decompresses an LZMA stream, stopping with an error past `limit` bytes of output: what
/// the browser engine calls itself (it leaves gzip to the platform, so this keeps the gzip
/// decoder out of its wasm).
pub fn unlzma_at_most(stored: &[u8], limit: u64) -> Result<Vec<u8>, FormatError> {
    let reader = lzma_rust2::LzmaReader::new_mem_limit(stored, LZMA_MEMORY_KIB, None)
        .map_err(|e| corrupt(Encoding::Lzma, e))?;
    read_at_most(Encoding::Lzma, reader, limit)
}

/// All of a decompressing reader's output, stopping with an error past `limit` bytes.
fn read_at_most(encoding: Encoding, reader: impl Read, limit: u64) -> Result<Vec<u8>, FormatError> {
    // A manifest's files announce their exact size: one allocation, no doubling.
    let mut out = Vec::with_capacity(limit.min(PREALLOCATE_AT_MOST) as usize);
    reader
        .take(limit + 1)
        .read_to_end(&mut out)
        .map_err(|e| corrupt(encoding, e))?;
    if out.len() as u64 > limit {
        return Err(FormatError::TooLarge { limit });
    }
    Ok(out)
}

fn corrupt(encoding: Encoding, error: std::io::Error) -> FormatError {
    FormatError::Stream {
        encoding,
        reason: error.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample_text() -> Vec<u8> {
        (0..4000)
            .map(|i| format!("Super Game {} Deluxe Edition\n", i % 97))
            .collect::<String>()
            .into_bytes()
    }

    #[test]
    fn both_encodings_round_trip_and_lzma_is_smaller_on_text() {
        let raw = sample_text();
        for (encoding, stored) in [(Encoding::Gzip, gzip(&raw)), (Encoding::Lzma, lzma(&raw))] {
            let back = decompress_at_most(encoding, &stored, raw.len() as u64).unwrap();
            assert_eq!(back, raw, "{encoding}");
        }
        assert!(lzma(&raw).len() < gzip(&raw).len());
        assert_eq!(
            decompress_at_most(Encoding::Lzma, &lzma(b""), 0).unwrap(),
            b""
        );
    }

    #[test]
    fn output_past_the_limit_is_refused() {
        let raw = sample_text();
        for (encoding, stored) in [(Encoding::Gzip, gzip(&raw)), (Encoding::Lzma, lzma(&raw))] {
            let err = decompress_at_most(encoding, &stored, 100).unwrap_err();
            assert!(matches!(err, FormatError::TooLarge { limit: 100 }), "{err}");
        }
    }

    #[test]
    fn truncated_or_damaged_lzma_is_an_error_naming_the_encoding() {
        let raw = sample_text();
        let stored = lzma(&raw);
        let limit = raw.len() as u64;
        for cut in [0, 5, 13, stored.len() / 2, stored.len() - 1] {
            let err = decompress_at_most(Encoding::Lzma, &stored[..cut], limit).unwrap_err();
            assert!(
                err.to_string().contains("lzma stream is corrupt"),
                "{cut}: {err}"
            );
        }
        // A header asking for a dictionary past the decoder's memory cap.
        let mut greedy = stored.clone();
        greedy[1..5].copy_from_slice(&(1u32 << 30).to_le_bytes());
        assert!(decompress_at_most(Encoding::Lzma, &greedy, limit).is_err());
        // Flipped bits in the data: an error or different bytes, never a panic.
        for at in (13..stored.len()).step_by(stored.len() / 20 + 1) {
            let mut bad = stored.clone();
            bad[at] ^= 0x55;
            if let Ok(out) = decompress_at_most(Encoding::Lzma, &bad, limit) {
                assert_ne!(out, raw, "flipping byte {at} changed nothing");
            }
        }
    }

    #[test]
    fn encodings_are_named_in_manifests_and_file_names() {
        assert_eq!(serde_json::to_string(&Encoding::Lzma).unwrap(), "\"lzma\"");
        let parsed: Encoding = serde_json::from_str("\"gzip\"").unwrap();
        assert_eq!(parsed, Encoding::Gzip);
        assert!(serde_json::from_str::<Encoding>("\"br\"").is_err());
        assert_eq!(Encoding::Lzma.extension(), "lzma");
    }
}
