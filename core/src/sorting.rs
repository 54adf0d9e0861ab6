//! The engine's orderings, through one sort routine over `u64` keys.
//!
//! Each distinct `sort` or `select_nth` call — element type × comparison — is its own copy of
//! the standard library's sort code, 3–10 KB each in the wasm, and the npm package has a size
//! budget. So search and recommendation pack what they order by into a `u64` key — the order in
//! the high 32 bits ([`descending`] turns a score into such bits), a tie-break in the low ones
//! (an id, or the position, which makes the order stable) — and sort plain integers, which is
//! also cheaper than comparing tuples through a closure. Lists of `u32` ids and hashes are the
//! one other thing sorted (`sort_unstable`, a single copy too).

/// A sort key: `high` decides, `low` breaks ties.
pub(crate) fn key(high: u32, low: u32) -> u64 {
    u64::from(high) << 32 | u64::from(low)
}

/// The high half of a key.
pub(crate) fn high(key: u64) -> u32 {
    (key >> 32) as u32
}

/// The low half of a key.
pub(crate) fn low(key: u64) -> u32 {
    key as u32
}

/// Bits of `x` that sort as unsigned integers in descending [`f32::total_cmp`] order: the
/// highest score (NaN above infinity, as `total_cmp` has it) gets the smallest bits.
pub(crate) fn descending(x: f32) -> u32 {
    let bits = x.to_bits();
    // Negative floats order backwards by their bits: flip all but the sign, as total_cmp
    // does, then move the sign so negatives come first.
    let ascending = if bits >> 31 == 1 {
        !bits
    } else {
        bits | 1 << 31
    };
    !ascending
}

/// The float that [`descending`] turned into `bits` (the same bits, NaN payloads included).
pub(crate) fn from_descending(bits: u32) -> f32 {
    let ascending = !bits;
    f32::from_bits(if ascending >> 31 == 1 {
        ascending & !(1 << 31)
    } else {
        !ascending
    })
}

/// Sorts keys ascending.
pub(crate) fn sort(keys: &mut [u64]) {
    keys.sort_unstable();
}

/// Moves the `n` smallest keys to the front, ascending, and returns them (all of them, sorted,
/// when there are at most `n`); the rest stay behind them in no order.
pub(crate) fn smallest(keys: &mut [u64], n: usize) -> &[u64] {
    let n = n.min(keys.len());
    if n < keys.len() {
        keys.select_nth_unstable(n);
    }
    sort(&mut keys[..n]);
    &keys[..n]
}

/// Positions `0..` of `orders` by ascending order, equal orders by position: a stable sort,
/// as `u32` positions (lists here hold at most a shard's rows).
pub(crate) fn stable_order(orders: impl Iterator<Item = u32>) -> Vec<u32> {
    let mut keys: Vec<u64> = orders.zip(0..).map(|(order, at)| key(order, at)).collect();
    sort(&mut keys);
    keys.into_iter().map(low).collect()
}

/// The first `n` of `items` in ascending order of `key_of`, equal keys in their order in
/// `items` — what a stable sort and a truncation give. Each item is placed by a binary search
/// among the `n` smallest keys, so a run of equal keys costs a probe per item before it: meant
/// for keys that are rarely equal (a score and an id).
pub(crate) fn first_by_key<T: Copy>(items: &[T], n: usize, key_of: impl Fn(&T) -> u64) -> Vec<T> {
    let mut keys: Vec<u64> = items.iter().map(&key_of).collect();
    let kept = smallest(&mut keys, n);
    let mut placed: Vec<Option<T>> = vec![None; kept.len()];
    for item in items {
        let item_key = key_of(item);
        let mut at = kept.partition_point(|&k| k < item_key);
        while at < kept.len() && kept[at] == item_key && placed[at].is_some() {
            at += 1;
        }
        if at < kept.len() && kept[at] == item_key {
            placed[at] = Some(*item);
        }
    }
    placed.into_iter().flatten().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Floats of every kind: signs, zeros, subnormals, infinities, NaNs (both signs).
    fn floats() -> Vec<f32> {
        let mut xs = vec![
            0.0,
            -0.0,
            1.0,
            -1.0,
            0.5,
            -0.5,
            f32::MIN_POSITIVE,
            -f32::MIN_POSITIVE,
            f32::from_bits(1),
            -f32::from_bits(1),
            f32::MAX,
            f32::MIN,
            f32::INFINITY,
            f32::NEG_INFINITY,
            f32::NAN,
            -f32::NAN,
            f32::from_bits(0x7fc0_0001),
        ];
        let mut state = 0x2545_f491_u32;
        for _ in 0..500 {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            xs.push(f32::from_bits(state));
            xs.push((state % 2000) as f32 / 100.0 - 10.0);
        }
        xs
    }

    #[test]
    fn descending_bits_order_floats_as_total_cmp_reversed() {
        let xs = floats();
        for &a in &xs {
            for &b in xs.iter().step_by(7) {
                assert_eq!(
                    descending(a).cmp(&descending(b)),
                    b.total_cmp(&a),
                    "{a:?} vs {b:?}"
                );
            }
        }
    }

    #[test]
    fn descending_bits_give_back_the_same_float() {
        for x in floats() {
            assert_eq!(from_descending(descending(x)).to_bits(), x.to_bits());
        }
    }

    #[test]
    fn smallest_keeps_the_n_smallest_sorted() {
        let mut keys: Vec<u64> = (0..1000u64).map(|i| i * 7919 % 1009).collect();
        let mut expected = keys.clone();
        expected.sort();
        assert_eq!(smallest(&mut keys.clone(), 10), &expected[..10]);
        assert_eq!(smallest(&mut keys, 5000), &expected[..]);
        assert!(smallest(&mut [], 3).is_empty());
    }

    #[test]
    fn stable_order_is_a_stable_sort() {
        let orders: Vec<u32> = (0..500u32).map(|i| i * 31 % 17).collect();
        let mut expected: Vec<u32> = (0..500).collect();
        expected.sort_by_key(|&at| orders[at as usize]);
        assert_eq!(stable_order(orders.iter().copied()), expected);
    }

    #[test]
    fn first_by_key_is_a_stable_sort_then_a_truncation() {
        // (key, tag): keys repeat, tags tell equal keys apart.
        let items: Vec<(u64, u32)> = (0..300u32).map(|i| (u64::from(i * 13 % 11), i)).collect();
        let mut expected = items.clone();
        expected.sort_by_key(|&(k, _)| k);
        for n in [0, 1, 5, 27, 28, 29, 299, 300, 400] {
            let first = first_by_key(&items, n, |&(k, _)| k);
            assert_eq!(first, &expected[..n.min(items.len())], "n = {n}");
        }
    }
}
