//! Postings lists: ascending dense game ids stored as LEB128 varint deltas.
//! Small ids dominate (notable games come first), so most deltas fit one byte. The varint
//! itself is also how other small-integer columns are packed.

use super::FormatError;

/// Appends `ids` (strictly ascending) to `out` as varint deltas.
pub fn encode_postings(ids: &[u32], out: &mut Vec<u8>) {
    let mut previous = 0u32;
    for (i, &id) in ids.iter().enumerate() {
        debug_assert!(
            i == 0 || id > previous,
            "postings must be strictly ascending"
        );
        write_varint(if i == 0 { id } else { id - previous }, out);
        previous = id;
    }
}

/// Appends `value` as a LEB128 varint (7 bits a byte, low bits first).
pub fn write_varint(mut value: u32, out: &mut Vec<u8>) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            break;
        }
        out.push(byte | 0x80);
    }
}

/// Reads a varint written by [`write_varint`] at `bytes[*pos..]`, advancing `pos`.
pub fn read_varint(bytes: &[u8], pos: &mut usize) -> Result<u32, FormatError> {
    let mut value: u64 = 0;
    let mut shift = 0;
    loop {
        let byte = *bytes
            .get(*pos)
            .ok_or_else(|| FormatError::Inconsistent("a varint column ends early".into()))?;
        *pos += 1;
        value |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            break;
        }
        shift += 7;
        if shift > 28 {
            return Err(FormatError::Inconsistent("varint too long".into()));
        }
    }
    u32::try_from(value).map_err(|_| FormatError::Inconsistent("varint past 32 bits".into()))
}

/// Decodes `count` ids from `bytes[*pos..]`, advancing `pos`; every id must be `< limit`.
pub fn decode_postings(
    bytes: &[u8],
    pos: &mut usize,
    count: usize,
    limit: u32,
    out: &mut Vec<u32>,
) -> Result<(), FormatError> {
    let mut previous: u64 = 0;
    for i in 0..count {
        let value = u64::from(read_varint(bytes, pos)?);
        let id = if i == 0 { value } else { previous + value };
        if (i > 0 && value == 0) || id >= u64::from(limit) {
            return Err(FormatError::Inconsistent(format!(
                "posting {id} is out of order or past {limit} games"
            )));
        }
        previous = id;
        out.push(id as u32);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn round_trips(mut ids in proptest::collection::btree_set(0u32..5_000_000, 0..300)) {
            let ids: Vec<u32> = std::mem::take(&mut ids).into_iter().collect();
            let mut bytes = Vec::new();
            encode_postings(&ids, &mut bytes);
            let mut out = Vec::new();
            let mut pos = 0;
            decode_postings(&bytes, &mut pos, ids.len(), 5_000_000, &mut out).unwrap();
            proptest::prop_assert_eq!(out, ids);
            proptest::prop_assert_eq!(pos, bytes.len());
        }
    }

    #[test]
    fn rejects_out_of_range_and_short_input() {
        let mut bytes = Vec::new();
        encode_postings(&[3, 10], &mut bytes);
        let mut pos = 0;
        assert!(decode_postings(&bytes, &mut pos, 2, 5, &mut Vec::new()).is_err());
        let mut pos = 0;
        assert!(decode_postings(&bytes, &mut pos, 3, 100, &mut Vec::new()).is_err());
    }
}
