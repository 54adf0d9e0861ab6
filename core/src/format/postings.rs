//! Postings lists: ascending dense game ids stored as LEB128 varint deltas.
//! Small ids dominate (notable games come first), so most deltas fit one byte.

use super::FormatError;

/// Appends `ids` (strictly ascending) to `out` as varint deltas.
pub fn encode_postings(ids: &[u32], out: &mut Vec<u8>) {
    let mut previous = 0u32;
    for (i, &id) in ids.iter().enumerate() {
        debug_assert!(
            i == 0 || id > previous,
            "postings must be strictly ascending"
        );
        let mut delta = if i == 0 { id } else { id - previous };
        previous = id;
        loop {
            let byte = (delta & 0x7f) as u8;
            delta >>= 7;
            if delta == 0 {
                out.push(byte);
                break;
            }
            out.push(byte | 0x80);
        }
    }
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
        let mut value: u64 = 0;
        let mut shift = 0;
        loop {
            let byte = *bytes
                .get(*pos)
                .ok_or_else(|| FormatError::Inconsistent("postings end early".into()))?;
            *pos += 1;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                break;
            }
            shift += 7;
            if shift > 35 {
                return Err(FormatError::Inconsistent("varint too long".into()));
            }
        }
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
