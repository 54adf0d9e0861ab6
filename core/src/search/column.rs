//! Compact storage helpers of the title index: many short strings in one allocation, the word
//! hash of the typo lookup and a bounded edit distance.

use crate::sorting::{self, high, low};

/// Many short strings in one allocation: a per-title `Box<str>` would cost more in allocator
/// overhead and pointers than the text itself.
#[derive(Debug, Default)]
pub(super) struct TextColumn {
    text: String,
    ends: Vec<u32>,
}

impl TextColumn {
    pub(super) fn push(&mut self, item: &str) {
        self.text.push_str(item);
        self.ends.push(self.text.len() as u32);
    }

    #[inline]
    pub(super) fn get(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.text[start..self.ends[i] as usize]
    }

    #[inline]
    pub(super) fn len(&self) -> usize {
        self.ends.len()
    }

    /// Gives back the spare capacity left by growing.
    pub(super) fn shrink_to_fit(&mut self) {
        self.text.shrink_to_fit();
        self.ends.shrink_to_fit();
    }

    /// First index at or after `from` whose item fails `pred`, for items where `pred` holds
    /// on a prefix of `from..` (as `slice::partition_point`).
    pub(super) fn partition_point(&self, from: usize, pred: impl Fn(&str) -> bool) -> usize {
        let (mut low, mut high) = (from, self.len());
        while low < high {
            let mid = low + (high - low) / 2;
            if pred(self.get(mid)) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        low
    }
}

/// FNV-1a over the characters of a word, leaving out the one at `skip` (`usize::MAX` keeps
/// them all).
#[inline]
pub(super) fn hash_chars(chars: &[char], skip: usize) -> u32 {
    let mut hash: u32 = 0x811c_9dc5;
    for (i, &c) in chars.iter().enumerate() {
        if i != skip {
            hash ^= c as u32;
            hash = hash.wrapping_mul(0x0100_0193);
        }
    }
    hash
}

/// The symmetric-delete table of a dictionary: word ids by the 32-bit hash of their spelling
/// whole or with one character left out. A hit is only a candidate (the caller checks the edit
/// distance), so an entry keeps just 9 more bits of the hash beside a 23-bit word id: 4 bytes
/// instead of 8, for about one false candidate in 50 lookups. Words with ids of 2^23 and above
/// (no title shard comes near) are left out.
#[derive(Debug, Default)]
pub(super) struct DeleteTable {
    /// `entries[starts[b]..starts[b + 1]]`: bucket `b`, the hash's top 15 bits.
    starts: Vec<u32>,
    /// `hash bits 8..17 << 23 | word id`, sorted within each bucket.
    entries: Vec<u32>,
}

const WORD_BITS: u32 = 23;
const BUCKET_SHIFT: u32 = 17;
const TAG_MASK: u32 = (1 << (BUCKET_SHIFT - 8)) - 1;

impl DeleteTable {
    /// The table of `(hash, word id)` pairs as sort keys (`sorting::key(hash, word)`), in any
    /// order.
    pub(super) fn new(mut pairs: Vec<u64>) -> DeleteTable {
        pairs.retain(|&pair| low(pair) < 1 << WORD_BITS);
        sorting::sort(&mut pairs);
        pairs.dedup();
        let mut starts = vec![0u32; (1 << (32 - BUCKET_SHIFT)) + 1];
        for &pair in &pairs {
            starts[(high(pair) >> BUCKET_SHIFT) as usize + 1] += 1;
        }
        for b in 1..starts.len() {
            starts[b] += starts[b - 1];
        }
        let entries = pairs
            .iter()
            .map(|&pair| (high(pair) >> 8 & TAG_MASK) << WORD_BITS | low(pair))
            .collect();
        DeleteTable { starts, entries }
    }

    /// Word ids filed under `hash` (and, rarely, under a hash that shares its top 24 bits).
    pub(super) fn words(&self, hash: u32) -> impl Iterator<Item = u32> + '_ {
        let bucket = (hash >> BUCKET_SHIFT) as usize;
        let (from, to) = match (self.starts.get(bucket), self.starts.get(bucket + 1)) {
            (Some(&from), Some(&to)) => (from as usize, to as usize),
            _ => (0, 0),
        };
        let tag = hash >> 8 & TAG_MASK;
        self.entries[from..to]
            .iter()
            .filter(move |&&entry| entry >> WORD_BITS == tag)
            .map(|&entry| entry & ((1 << WORD_BITS) - 1))
    }
}

/// Optimal-string-alignment distance if it is at most `max`.
pub(super) fn bounded_distance(a: &[char], b: &[char], max: usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    let width = b.len() + 1;
    let mut prev2 = vec![0usize; width];
    let mut prev: Vec<usize> = (0..width).collect();
    let mut current = vec![0usize; width];
    for i in 1..=a.len() {
        current[0] = i;
        let mut row_min = current[0];
        for j in 1..width {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut value = (prev[j] + 1)
                .min(current[j - 1] + 1)
                .min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                value = value.min(prev2[j - 2] + 1);
            }
            current[j] = value;
            row_min = row_min.min(value);
        }
        if row_min > max {
            return None;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut current);
    }
    Some(prev[b.len()]).filter(|&d| d <= max)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sorting::key;

    #[test]
    fn the_delete_table_finds_every_word_filed_under_a_hash() {
        let pairs = [
            (0xabcd_1234, 7),
            (0xabcd_1234, 3),
            (0xabcd_12ff, 9),
            (0xabcd_9934, 5),
            (0x0000_0001, 1),
            (0xabcd_1234, 7),
        ];
        let table = DeleteTable::new(pairs.iter().map(|&(hash, word)| key(hash, word)).collect());
        let found = |hash| table.words(hash).collect::<Vec<_>>();
        // Same top 24 bits: both 0x…12 hashes come back (the caller checks the distance).
        assert_eq!(found(0xabcd_1234), vec![3, 7, 9]);
        assert_eq!(found(0xabcd_9934), vec![5]);
        assert_eq!(found(0x0000_0001), vec![1]);
        assert!(found(0x1234_5678).is_empty());
        assert!(found(0xabcd_5634).is_empty());
        assert!(DeleteTable::default().words(0xabcd_1234).next().is_none());
    }

    #[test]
    fn distance_is_bounded() {
        let c = |s: &str| s.chars().collect::<Vec<_>>();
        assert_eq!(bounded_distance(&c("celeste"), &c("celsete"), 1), Some(1));
        assert_eq!(bounded_distance(&c("hades"), &c("hades"), 1), Some(0));
        assert_eq!(bounded_distance(&c("portal"), &c("mortar"), 1), None);
        assert_eq!(bounded_distance(&c("fantasy"), &c("fnatsay"), 2), Some(2));
    }

    #[test]
    fn a_text_column_finds_items_by_binary_search() {
        let mut column = TextColumn::default();
        for word in ["apple", "apricot", "banana"] {
            column.push(word);
        }
        assert_eq!(column.get(1), "apricot");
        assert_eq!(column.partition_point(0, |w| w < "b"), 2);
        assert_eq!(column.partition_point(0, |w| w.starts_with('a')), 2);
    }
}
