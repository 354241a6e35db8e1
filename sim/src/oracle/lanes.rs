//! Bit-parallel oracle: up to 64 `retained_by_gc` markings in one traversal of the heap.
//!
//! Every object reached by the normal marking gets a 64-bit mask; lane `i` set means "marked
//! when every reference to sample `i` is dropped". The masks are the least fixpoint of the
//! oracle's own marking rules applied lane-wise:
//!
//! * a root object gets every lane except those whose sample it is;
//! * a strong reference `a → t` gives `t` the lanes of `a`, minus those whose sample `t` is;
//! * a WeakMap entry `(k, v)` of table `T` gives `v` the lanes of `T` **and** `k`, minus `v`'s.
//!
//! Each lane alone is exactly [`Heap::reach`] with its sample excluded, and every rule is
//! monotone, so a worklist that re-pushes an object whenever its mask gains lanes reaches that
//! fixpoint — the bit-vector dataflow of Kildall ("A unified approach to global program
//! optimization", POPL 1973). An object is pushed once per distinct growth of its mask, in
//! practice once or twice, so 64 samples cost a few markings instead of 64.
//!
//! Masks live in a flat array indexed by the object's rank among the marked objects, read off
//! the normal marking's bitmap with per-block prefix counts ([`Ranks`]); the retained bytes of
//! a lane are the sizes of the marked objects it misses.

use super::{Reach, Retained};
use crate::heap::memory::{chunk_of, word_offset};
use crate::heap::tagged::Address;
use crate::heap::Heap;
use crate::old_gen::mark_bits::MarkBits;

/// Samples per traversal: one per bit of a mask.
pub(super) const LANES: usize = 64;

/// Rank of a marked object among all marked objects (chunk by chunk, in address order).
pub(super) struct Ranks<'m> {
    maps: &'m [Vec<u64>],
    /// `bits_before[c][b]`: mark bits set in every chunk before `c` and in blocks `0..b` of `c`.
    bits_before: Vec<Vec<u64>>,
    count: usize,
}

impl<'m> Ranks<'m> {
    pub(super) fn new(marks: &'m MarkBits) -> Self {
        let maps = marks.chunk_bitmaps();
        let mut total = 0u64;
        let bits_before = maps
            .iter()
            .map(|m| {
                m.iter()
                    .map(|b| {
                        let before = total;
                        total += u64::from(b.count_ones());
                        before
                    })
                    .collect()
            })
            .collect();
        // A marked object is black: two bits, those of its first two words.
        let count = (total / 2) as usize;
        Ranks {
            maps,
            bits_before,
            count,
        }
    }

    /// The rank of the marked object starting at `a`. Objects are at least two words long, so
    /// the bits before `a`'s first word are exactly two per marked object before it.
    #[inline]
    fn of(&self, a: Address) -> usize {
        let (c, w) = (chunk_of(a), word_offset(a));
        let below = self.maps[c][w / 64] & ((1u64 << (w % 64)) - 1);
        ((self.bits_before[c][w / 64] + u64::from(below.count_ones())) / 2) as usize
    }
}

/// The samples of one batch: which lanes each sampled object is excluded from, by the
/// object's index in the traversal's mask array — as many entries as samples, not a mask
/// per object.
pub(super) struct Excluded {
    /// `(index, lanes)` sorted by index; a sample listed twice has both lanes.
    by_index: Vec<(usize, u64)>,
}

impl Excluded {
    /// Sample `i` of the batch, at mask index `indices[i]`, is excluded from lane `i`.
    pub(super) fn new(indices: impl Iterator<Item = usize>) -> Self {
        let mut by_index: Vec<(usize, u64)> = indices
            .enumerate()
            .map(|(lane, index)| (index, 1 << lane))
            .collect();
        by_index.sort_unstable();
        by_index.dedup_by(|later, first| {
            let same = later.0 == first.0;
            if same {
                first.1 |= later.1;
            }
            same
        });
        Excluded { by_index }
    }

    #[inline]
    pub(super) fn lanes_of(&self, index: usize) -> u64 {
        self.by_index
            .binary_search_by_key(&index, |e| e.0)
            .map_or(0, |i| self.by_index[i].1)
    }
}

/// One batch's traversal state.
struct Lanes<'a> {
    ranks: &'a Ranks<'a>,
    excluded: Excluded,
    masks: Vec<u64>,
    stack: Vec<Address>,
}

impl Lanes<'_> {
    /// Gives `t` the lanes `from` (minus its own) and queues it if its mask grew.
    #[inline]
    fn give(&mut self, t: Address, from: u64) {
        let r = self.ranks.of(t);
        let new = from & !self.excluded.lanes_of(r) & !self.masks[r];
        if new != 0 {
            self.masks[r] |= new;
            self.stack.push(t);
        }
    }
}

impl Heap {
    /// The oracle for `batch` (at most [`LANES`] objects, each marked in `full`) in one
    /// traversal; see the module doc.
    pub(super) fn retained_in_lanes(
        &self,
        full: &Reach,
        ranks: &Ranks,
        batch: &[Address],
    ) -> Vec<Retained> {
        debug_assert!(batch.len() <= LANES);
        let all = u64::MAX >> (LANES - batch.len());
        let mut l = Lanes {
            ranks,
            excluded: Excluded::new(batch.iter().map(|&o| ranks.of(o))),
            masks: vec![0; ranks.count],
            stack: Vec::new(),
        };
        for v in self.root_objects() {
            l.give(v, all);
        }
        let mut targets = Vec::new();
        let mut tables = Vec::new();
        loop {
            while let Some(a) = l.stack.pop() {
                let m = l.masks[ranks.of(a)];
                targets.clear();
                self.strong_targets(a, &mut tables, &mut targets);
                for &t in &targets {
                    l.give(t, m);
                }
            }
            if !self.lanes_through_ephemerons(full, &mut l) {
                break;
            }
        }
        self.lane_answers(full, &l, batch.len())
    }

    /// One pass over the live WeakMap entries; whether any value gained lanes.
    fn lanes_through_ephemerons(&self, full: &Reach, l: &mut Lanes) -> bool {
        let before = l.stack.len();
        for &t in &full.tables {
            let mt = l.masks[l.ranks.of(t)];
            for (k, v) in self.ephemeron_table_entries(t) {
                if v.is_strong() && full.marks.is_marked(k.addr()) {
                    let mk = l.masks[l.ranks.of(k.addr())];
                    l.give(v.addr(), mt & mk);
                }
            }
        }
        l.stack.len() > before
    }

    /// Retained bytes (the sizes of marked objects a lane misses) and ephemeron dependence
    /// (a lane that has exactly one of a live entry's table and key) per lane.
    fn lane_answers(&self, full: &Reach, l: &Lanes, n: usize) -> Vec<Retained> {
        let all = u64::MAX >> (LANES - n);
        let mut bytes = vec![0u64; n];
        for a in self.objects() {
            if !full.marks.is_marked(a) {
                continue;
            }
            let mut missed = all & !l.masks[l.ranks.of(a)];
            if missed != 0 {
                let size = self.size_of(a) as u64;
                while missed != 0 {
                    bytes[missed.trailing_zeros() as usize] += size;
                    missed &= missed - 1;
                }
            }
        }
        let mut dependent = 0u64;
        for &t in &full.tables {
            let mt = l.masks[l.ranks.of(t)];
            for (k, _) in self.ephemeron_table_entries(t) {
                if full.marks.is_marked(k.addr()) {
                    dependent |= mt ^ l.masks[l.ranks.of(k.addr())];
                }
            }
        }
        (0..n)
            .map(|lane| Retained {
                bytes: bytes[lane],
                ephemeron_dependent: dependent >> lane & 1 != 0,
            })
            .collect()
    }
}
