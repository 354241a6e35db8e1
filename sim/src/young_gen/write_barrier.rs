//! The generational write barrier, after V8's `WriteBarrier` / `Heap::RecordWrite`
//! (`src/heap/heap-write-barrier-inl.h`).
//!
//! A scavenge traces only from the roots and from the old-to-new remembered set
//! ([`crate::young_gen::remembered_set`]); it never scans old space. So every store that makes an
//! old-generation object point into new space must record the slot, or the scavenger would
//! miss a live young object. The test is V8's: the host is not in new space and the value
//! is. Stores into new-space hosts need nothing (the scavenger scans every survivor).
//!
//! The marking half of the barrier (Dijkstra: grey a white value stored into a black host
//! while incremental marking runs) is [`crate::old_gen::incremental_marking`]'s, called first.

use crate::heap::memory::{chunk_of, word_offset};
use crate::heap::tagged::{Address, Tagged};
use crate::heap::Heap;

impl Heap {
    /// Records `slot` (inside `host`) if the store of `value` created an old-to-new pointer.
    #[inline]
    pub(crate) fn record_write(&mut self, host: Address, slot: Address, value: Tagged) {
        let young = value.is_heap_object() && self.managed.new_space.contains(value.addr());
        if !self.in_gc {
            self.incremental
                .barrier(&mut self.mark_compact, host, slot, value, young);
        }
        if young && !self.managed.new_space.contains(host) {
            self.managed.record_slot(slot);
        }
    }

    /// Whether `slot` is in the old-to-new remembered set.
    pub fn is_remembered(&self, slot: Address) -> bool {
        self.managed
            .mem
            .chunk(chunk_of(slot))
            .slots
            .contains(word_offset(slot))
    }

    /// Number of remembered slots, over all chunks.
    pub fn remembered_set_size(&self) -> usize {
        self.managed
            .mem
            .chunk_indices()
            .map(|c| self.managed.mem.chunk(c).slots.len())
            .sum()
    }
}
