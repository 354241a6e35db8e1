//! A fixed-size bit set over edge or node indices (one bit each, 64 to a word).

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BitSet {
    words: Vec<u64>,
    len: usize,
}

impl BitSet {
    /// `len` bits, all clear.
    pub fn new(len: usize) -> BitSet {
        BitSet {
            words: vec![0; len.div_ceil(64)],
            len,
        }
    }

    /// `len` bits, all set.
    pub fn full(len: usize) -> BitSet {
        let mut s = BitSet {
            words: vec![u64::MAX; len.div_ceil(64)],
            len,
        };
        if !len.is_multiple_of(64) {
            if let Some(last) = s.words.last_mut() {
                *last = (1u64 << (len % 64)) - 1;
            }
        }
        s
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    #[inline]
    pub fn get(&self, i: usize) -> bool {
        self.words[i >> 6] >> (i & 63) & 1 != 0
    }

    #[inline]
    pub fn set(&mut self, i: usize) {
        self.words[i >> 6] |= 1 << (i & 63);
    }

    #[inline]
    pub fn clear(&mut self, i: usize) {
        self.words[i >> 6] &= !(1 << (i & 63));
    }

    pub fn count_ones(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// The backing words, for bulk operations (bit `i` is bit `i % 64` of word `i / 64`).
    pub fn words_mut(&mut self) -> &mut [u64] {
        &mut self.words
    }

    /// The set bits, ascending (a word at a time, so clear stretches cost little).
    pub fn ones(&self) -> impl Iterator<Item = usize> + '_ {
        self.words.iter().enumerate().flat_map(|(k, &w)| {
            let mut rest = w;
            std::iter::from_fn(move || {
                (rest != 0).then(|| {
                    let bit = rest.trailing_zeros() as usize;
                    rest &= rest - 1;
                    k * 64 + bit
                })
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_get_clear_and_full() {
        let mut b = BitSet::new(130);
        assert!(!b.get(129));
        b.set(129);
        b.set(0);
        assert!(b.get(129) && b.get(0) && !b.get(64));
        b.clear(129);
        assert_eq!(b.count_ones(), 1);
        b.set(64);
        assert_eq!(b.ones().collect::<Vec<_>>(), vec![0, 64]);
        let f = BitSet::full(130);
        assert_eq!(f.count_ones(), 130);
        assert_eq!(BitSet::full(128).count_ones(), 128);
    }
}
