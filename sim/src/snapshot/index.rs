//! Object ordinals: a dense number for every object of the heap, and the map from a
//! simulated address back to it.
//!
//! Ordinals follow [`Heap::objects`] order (new space, then the pages of old, code and map
//! space, then large objects). That order visits each chunk once, in increasing address
//! order inside the chunk, so an address's ordinal is the ordinal of its chunk's first
//! object plus the number of object starts below it in the chunk: a **rank query on a
//! per-chunk bitmap** of object starts (one bit per heap word, plus a `u32` running count
//! per 64-word block — the classic succinct rank structure, e.g. Jacobson, "Space-efficient
//! static trees and graphs", FOCS 1989). That costs about 1.5 bits per heap word instead of
//! a hash map entry per object, and answers in O(1) with two memory reads.

use crate::heap::tagged::Address;
use crate::heap::Heap;

const CHUNK_SHIFT: u32 = 32;

struct ChunkRank {
    first: u32,
    bits: Vec<u64>,
    /// Object starts in blocks before block `b` (relative to `first`).
    before: Vec<u32>,
}

/// Address → ordinal for every object of a heap at one point in time.
pub struct ObjectIndex {
    chunks: Vec<Option<ChunkRank>>,
    count: u32,
}

/// A fixed-size bit set (ordinals → flag).
#[derive(Clone, Debug)]
pub struct Bits {
    words: Vec<u64>,
}

impl Bits {
    pub fn new(n: usize) -> Bits {
        Bits {
            words: vec![0; n.div_ceil(64)],
        }
    }
    #[inline]
    pub fn get(&self, i: u32) -> bool {
        self.words[i as usize >> 6] >> (i & 63) & 1 != 0
    }
    #[inline]
    pub fn set(&mut self, i: u32) {
        self.words[i as usize >> 6] |= 1 << (i & 63);
    }
    pub fn words(&self) -> &[u64] {
        &self.words
    }
    pub fn count_ones(&self) -> u64 {
        self.words.iter().map(|w| w.count_ones() as u64).sum()
    }
    pub fn heap_bytes(&self) -> usize {
        self.words.capacity() * 8
    }
}

impl ObjectIndex {
    /// Indexes every object of `heap` (in [`Heap::objects`] order).
    pub fn build(heap: &Heap) -> ObjectIndex {
        let mut chunks: Vec<Option<ChunkRank>> = Vec::new();
        let mut count = 0u32;
        let mut current: Option<usize> = None;
        for a in heap.objects() {
            let c = (a >> CHUNK_SHIFT) as usize;
            let w = ((a & ((1 << CHUNK_SHIFT) - 1)) >> 3) as usize;
            if current != Some(c) {
                if chunks.len() <= c {
                    chunks.resize_with(c + 1, || None);
                }
                assert!(
                    chunks[c].is_none(),
                    "Heap::objects visited chunk {c} twice; ordinals need one run per chunk"
                );
                chunks[c] = Some(ChunkRank {
                    first: count,
                    bits: Vec::new(),
                    before: Vec::new(),
                });
                current = Some(c);
            }
            let r = chunks[c].as_mut().expect("just created");
            if r.bits.len() <= w >> 6 {
                r.bits.resize((w >> 6) + 1, 0);
            }
            r.bits[w >> 6] |= 1 << (w & 63);
            count = count
                .checked_add(1)
                .expect("fewer than 2^32 objects in a heap");
        }
        for r in chunks.iter_mut().flatten() {
            let mut acc = 0u32;
            r.before = r
                .bits
                .iter()
                .map(|b| {
                    let v = acc;
                    acc += b.count_ones();
                    v
                })
                .collect();
        }
        ObjectIndex { chunks, count }
    }

    /// Number of objects indexed.
    pub fn len(&self) -> u32 {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The ordinal of the object starting at `a`, or `None` if no indexed object starts
    /// there.
    #[inline]
    pub fn ordinal(&self, a: Address) -> Option<u32> {
        let c = (a >> CHUNK_SHIFT) as usize;
        let w = ((a & ((1 << CHUNK_SHIFT) - 1)) >> 3) as usize;
        let r = self.chunks.get(c)?.as_ref()?;
        let block = *r.bits.get(w >> 6)?;
        let bit = 1u64 << (w & 63);
        if block & bit == 0 {
            return None;
        }
        Some(r.first + r.before[w >> 6] + (block & (bit - 1)).count_ones())
    }

    /// Bytes held by the index.
    pub fn heap_bytes(&self) -> usize {
        self.chunks
            .iter()
            .flatten()
            .map(|r| r.bits.capacity() * 8 + r.before.capacity() * 4)
            .sum::<usize>()
            + self.chunks.capacity() * std::mem::size_of::<Option<ChunkRank>>()
    }
}
