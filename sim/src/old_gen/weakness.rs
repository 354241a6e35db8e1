//! Weak references and ephemerons in the full GC, after V8's `MarkCompactCollector::
//! ClearNonLiveReferences` / `ClearWeakReferences` / `ClearWeakCollections` and its
//! ephemeron processing (`ProcessEphemeronMarking`, `src/heap/mark-compact.cc`).
//!
//! * A **weak slot** holds a weak pointer (tag `...11`, [`crate::heap::tagged`]): the marker does
//!   not trace it but remembers the slot (the incremental barrier does too for weak stores
//!   into black objects). After marking, each remembered slot whose weak target stayed
//!   white is overwritten with the cleared-weak value — a `WeakRef` whose target died.
//! * An **ephemeron** (B. Hayes, "Ephemerons: a new finalization mechanism", OOPSLA 1997) is
//!   a WeakMap entry: its value is live only while both the table (the WeakMap) and the key
//!   are. The marker visits an `EphemeronHashTable` without tracing keys or values; after the
//!   worklist drains, every visited table is scanned for entries whose key is marked and
//!   whose value is white, those values are greyed and drained, and this repeats until a
//!   round marks nothing (the fixpoint; a value may be another entry's key). Entries whose
//!   key stayed white are then removed: key and value become the hole, as a `delete` would.

use crate::heap::managed::ManagedHeap;
use crate::heap::tagged::{Address, Tagged, CLEARED_WEAK};
use crate::object::collections::{
    BUCKETS, NUMBER_OF_BUCKETS, NUMBER_OF_DELETED, NUMBER_OF_ELEMENTS,
};
use crate::old_gen::mark_compact::MarkCompactCollector;
use crate::old_gen::marking_trace::GreySource;

/// Entries of ephemeron table `t`: `(key word index, key)` for every used, non-deleted
/// entry.
fn ephemeron_entries(heap: &ManagedHeap, t: Address) -> impl Iterator<Item = (usize, Tagged)> + '_ {
    let nb = heap.word(t, NUMBER_OF_BUCKETS).smi_value() as usize;
    let used = (heap.word(t, NUMBER_OF_ELEMENTS).smi_value()
        + heap.word(t, NUMBER_OF_DELETED).smi_value()) as usize;
    let hole = heap.the_hole();
    (0..used).filter_map(move |e| {
        let w = BUCKETS + nb + 3 * e;
        let k = heap.word(t, w);
        (k != hole && k.is_heap_object()).then_some((w, k))
    })
}

impl MarkCompactCollector {
    /// Marks ephemeron values whose table and key are marked, to a fixpoint.
    pub(crate) fn ephemeron_fixpoint(&mut self, heap: &ManagedHeap) {
        loop {
            self.cycle.ephemeron_rounds += 1;
            let mut greyed = false;
            let mut i = 0;
            while i < self.ephemeron_tables.len() {
                let t = self.ephemeron_tables[i];
                i += 1;
                let live: Vec<Tagged> = ephemeron_entries(heap, t)
                    .filter(|&(_, k)| self.marks.is_marked(k.addr()))
                    .map(|(w, _)| heap.word(t, w + 1))
                    .filter(|v| v.is_strong())
                    .collect();
                for v in live {
                    greyed |= self.grey_and_push(v.addr(), GreySource::Ephemeron);
                }
            }
            if !greyed {
                break;
            }
            self.drain_marking(heap, None, false);
        }
    }

    /// Clears weak slots whose target died and removes WeakMap entries whose key died.
    pub(crate) fn clear_dead_weak_references(&mut self, heap: &mut ManagedHeap) {
        for &s in &self.weak_slots {
            let v = Tagged(heap.mem.read(s));
            if v.is_weak() && !self.marks.is_marked(v.addr()) {
                heap.mem.write(s, CLEARED_WEAK);
                self.cycle.weak_cleared += 1;
            }
        }
        self.weak_slots.clear();
        let hole = heap.the_hole().0;
        for &t in &self.ephemeron_tables {
            let dead: Vec<usize> = ephemeron_entries(heap, t)
                .filter(|&(_, k)| !self.marks.is_marked(k.addr()))
                .map(|(w, _)| w)
                .collect();
            if dead.is_empty() {
                continue;
            }
            for &w in &dead {
                heap.mem.write(t + 8 * w as u64, hole);
                heap.mem.write(t + 8 * (w + 1) as u64, hole);
            }
            let n = heap.word(t, NUMBER_OF_ELEMENTS).smi_value() - dead.len() as i32;
            let d = heap.word(t, NUMBER_OF_DELETED).smi_value() + dead.len() as i32;
            heap.mem
                .write(t + 8 * NUMBER_OF_ELEMENTS as u64, Tagged::smi(n).0);
            heap.mem
                .write(t + 8 * NUMBER_OF_DELETED as u64, Tagged::smi(d).0);
            self.cycle.ephemerons_cleared += dead.len();
        }
    }
}
