//! The old-to-new remembered set: one bit per word of each old-generation chunk.
//!
//! V8 keeps, per `MemoryChunk`, a `SlotSet` (`src/heap/slot-set.h`): a bitmap over the
//! chunk's tagged slots, split into buckets allocated on first use. A set bit says "this slot
//! may hold a pointer into new space"; the scavenger treats every such slot as a root and
//! afterwards keeps only the bits whose slot still points into new space
//! (`KEEP_SLOT`/`REMOVE_SLOT`). The simulator keeps the same bitmap, allocated whole on the
//! first insert: a 512 KB page costs 8 KB of bitmap, and chunks that never receive an
//! old-to-new store (all of new space, most code pages) cost nothing.

/// A bitmap of word offsets inside one chunk.
#[derive(Clone, Debug, Default)]
pub struct SlotSet {
    bits: Vec<u64>,
    count: usize,
}

impl SlotSet {
    /// Records the slot at word offset `word` of a chunk of `chunk_words` words.
    #[inline]
    pub fn insert(&mut self, word: usize, chunk_words: usize) {
        if self.bits.is_empty() {
            self.bits = vec![0; chunk_words.div_ceil(64)];
        }
        let (i, m) = (word / 64, 1u64 << (word % 64));
        if self.bits[i] & m == 0 {
            self.bits[i] |= m;
            self.count += 1;
        }
    }

    #[inline]
    pub fn contains(&self, word: usize) -> bool {
        self.bits
            .get(word / 64)
            .is_some_and(|b| b & (1 << (word % 64)) != 0)
    }

    pub fn remove(&mut self, word: usize) {
        if let Some(b) = self.bits.get_mut(word / 64) {
            let m = 1u64 << (word % 64);
            if *b & m != 0 {
                *b &= !m;
                self.count -= 1;
            }
        }
    }

    /// Forgets every slot in `start..end` (word offsets): the range was freed or overwritten.
    /// A bitmap word at a time, so sweeping a page's large free ranges costs 1/64 of a pass
    /// per word.
    pub fn remove_range(&mut self, start: usize, end: usize) {
        let end = end.min(self.bits.len() * 64);
        let mut w = start;
        while w < end {
            let (i, lo) = (w / 64, w % 64);
            let hi = (end - i * 64).min(64);
            let mask = (u64::MAX >> (64 - (hi - lo))) << lo;
            let b = &mut self.bits[i];
            self.count -= (*b & mask).count_ones() as usize;
            *b &= !mask;
            w = i * 64 + hi;
        }
    }

    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Set word offsets in increasing order.
    pub fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.bits.iter().enumerate().flat_map(|(i, &b)| {
            let mut rest = b;
            std::iter::from_fn(move || {
                (rest != 0).then(|| {
                    let t = rest.trailing_zeros() as usize;
                    rest &= rest - 1;
                    i * 64 + t
                })
            })
        })
    }

    /// Keeps only the slots for which `keep` returns true (the scavenger's slot callback).
    pub fn retain(&mut self, mut keep: impl FnMut(usize) -> bool) {
        let mut count = 0;
        for (i, b) in self.bits.iter_mut().enumerate() {
            let mut rest = *b;
            while rest != 0 {
                let t = rest.trailing_zeros() as usize;
                rest &= rest - 1;
                if keep(i * 64 + t) {
                    count += 1;
                } else {
                    *b &= !(1 << t);
                }
            }
        }
        self.count = count;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insert_remove_iterate_retain() {
        let mut s = SlotSet::default();
        assert!(s.is_empty() && !s.contains(5));
        for w in [5, 64, 63, 200, 5] {
            s.insert(w, 256);
        }
        assert_eq!(s.len(), 4, "duplicates are recorded once");
        assert_eq!(s.iter().collect::<Vec<_>>(), vec![5, 63, 64, 200]);
        s.remove(63);
        s.remove(63);
        assert_eq!(s.len(), 3);
        s.retain(|w| w != 64);
        assert_eq!(s.iter().collect::<Vec<_>>(), vec![5, 200]);
        assert_eq!(s.len(), 2);
        s.remove_range(0, 100);
        assert_eq!(s.iter().collect::<Vec<_>>(), vec![200]);
        assert!(s.contains(200) && !s.contains(5));
    }

    #[test]
    fn remove_range_clears_exactly_the_range() {
        let full = || {
            let mut s = SlotSet::default();
            for w in (0..300).filter(|w| w % 3 != 1) {
                s.insert(w, 300);
            }
            s
        };
        for (start, end) in [
            (0, 0),
            (0, 1),
            (5, 64),
            (63, 65),
            (64, 128),
            (1, 299),
            (130, 900),
        ] {
            let mut s = full();
            s.remove_range(start, end);
            let want: Vec<usize> = full()
                .iter()
                .filter(|w| !(start..end).contains(w))
                .collect();
            assert_eq!(s.iter().collect::<Vec<_>>(), want, "{start}..{end}");
            assert_eq!(s.len(), want.len(), "{start}..{end}");
        }
    }
}
