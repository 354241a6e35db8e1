//! Compressed sparse rows built by counting sort: the one way the analyzer groups items by
//! a small integer key (edges by target, nodes by dominator, predecessors by DFS number).
//!
//! Counting sort (Knuth, TAOCP vol. 3, §5.2, Algorithm D): count each key's items, turn the
//! counts into bucket starts by a prefix sum, then place every item at its bucket's cursor.
//! It is stable — a bucket holds its items in the order they were placed — and needs no
//! per-bucket allocation. The cursors are the offsets themselves: once every bucket is full
//! each cursor sits at its bucket's end, the next bucket's start, so one shift turns them
//! back into the offsets (no second `n`-sized array, which matters on 12 M-node graphs).

/// A counting sort in progress: one cursor per bucket, plus the total at the end.
#[derive(Clone, Debug)]
pub struct CountingSort {
    next: Vec<u32>,
}

impl CountingSort {
    /// Buckets `0..buckets` sized by counting `keys` (one key per item to be placed).
    pub fn by_keys(buckets: usize, keys: impl IntoIterator<Item = u32>) -> CountingSort {
        CountingSort {
            next: offsets(buckets, keys),
        }
    }

    /// Buckets of the given sizes, in bucket order.
    pub fn with_counts(counts: impl ExactSizeIterator<Item = u32>) -> CountingSort {
        let mut next = Vec::with_capacity(counts.len() + 1);
        let mut acc = 0u32;
        for c in counts {
            next.push(acc);
            acc += c;
        }
        next.push(acc);
        CountingSort { next }
    }

    /// Items in all buckets together (the length of the target array).
    pub fn total(&self) -> usize {
        self.next[self.next.len() - 1] as usize
    }

    /// The slot of the next item of bucket `key`.
    #[inline]
    pub fn place(&mut self, key: u32) -> usize {
        let slot = &mut self.next[key as usize];
        let at = *slot;
        *slot += 1;
        at as usize
    }

    /// The CSR offsets (`len = buckets + 1`): bucket `k` is `offsets[k]..offsets[k + 1]`.
    /// Every bucket must have been filled to the size it was given.
    pub fn into_offsets(mut self) -> Vec<u32> {
        let buckets = self.next.len() - 1;
        debug_assert!(buckets == 0 || self.next[buckets - 1] == self.next[buckets]);
        for k in (1..=buckets).rev() {
            self.next[k] = self.next[k - 1];
        }
        self.next[0] = 0;
        self.next
    }
}

/// CSR offsets alone (`len = buckets + 1`) from one key per item: counts, prefix-summed.
pub fn offsets(buckets: usize, keys: impl IntoIterator<Item = u32>) -> Vec<u32> {
    let mut first = vec![0u32; buckets + 1];
    for k in keys {
        first[k as usize + 1] += 1;
    }
    for k in 0..buckets {
        first[k + 1] += first[k];
    }
    first
}

/// `(offsets, targets)` grouping the `(key, target)` pairs `items()` yields by key, in
/// yield order within a key. `items` is called twice: once to count, once to place.
pub fn group_by_key<I>(buckets: usize, items: impl Fn() -> I) -> (Vec<u32>, Vec<u32>)
where
    I: Iterator<Item = (u32, u32)>,
{
    let mut sort = CountingSort::by_keys(buckets, items().map(|(k, _)| k));
    let mut targets = vec![0u32; sort.total()];
    for (k, t) in items() {
        targets[sort.place(k)] = t;
    }
    (sort.into_offsets(), targets)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_are_stable_and_empty_buckets_have_empty_ranges() {
        let pairs = [(2, 10), (0, 11), (2, 12), (3, 13), (0, 14)];
        let (first, targets) = group_by_key(5, || pairs.iter().copied());
        assert_eq!(first, vec![0, 2, 2, 4, 5, 5]);
        assert_eq!(targets, vec![11, 14, 10, 12, 13]);
    }

    #[test]
    fn counts_and_keys_give_the_same_offsets() {
        let by_counts = CountingSort::with_counts([2u32, 0, 2, 1, 0].into_iter());
        let by_keys = CountingSort::by_keys(5, [2, 0, 2, 3, 0]);
        assert_eq!(by_counts.next, by_keys.next);
        assert_eq!(by_keys.total(), 5);
        assert_eq!(offsets(0, []), vec![0]);
        assert_eq!(CountingSort::by_keys(0, []).into_offsets(), vec![0]);
    }
}
