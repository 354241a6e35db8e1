//! The heap verifier's full-GC half (V8's `--verify-heap` around mark-compact): what a full
//! GC must preserve, checked against an independent reachability computation.
//!
//! [`PreFullGc::capture`] computes, before the GC, the objects that must survive — strong
//! reachability from the roots with the ephemeron rule, by a plain breadth-first search over
//! the verifier's own address set (deliberately not the collector's mark bits or worklist) —
//! assigns them ids and records their contents with pointers replaced by target ids (flat:
//! records found by id in a sorted index, contents in one word arena). [`check_after_full_gc`]
//! then requires:
//! * the structural checks of [`crate::verify::verifier`] (every pointer at a live object, the
//!   remembered set complete, every page walkable) — so a weak slot or WeakMap entry whose
//!   target died must have been cleared, or it would dangle;
//! * every reachable object still there, unchanged, wherever it moved;
//! * after an atomic GC, nothing else: every unreachable object was freed. After a GC that
//!   finalized incremental marking, objects that died during marking may survive (floating
//!   garbage); they are freed by the next full GC.
//!
//! Contents are compared modulo what the GC may legitimately change: a weak pointer to an
//! unreachable object (cleared, or kept while its target floats), and WeakMap entries whose
//! key is unreachable (removed) together with the table's element counts.

use crate::heap::roots::RootKind;
use crate::heap::tagged::{Address, Tagged};
use crate::heap::Heap;
use crate::object::collections::{
    BUCKETS, NUMBER_OF_BUCKETS, NUMBER_OF_DELETED, NUMBER_OF_ELEMENTS,
};
use crate::object::InstanceType;
use crate::verify::verifier::{AddrSet, IdIndex, VerifyError};

const MAY_CHANGE: u64 = u64::MAX;

/// What a full GC must preserve, captured before it.
#[derive(Clone, Debug)]
pub struct PreFullGc {
    index: IdIndex,
    /// Per record: its type and where its words start in `words` (they end where the next
    /// record's start).
    records: Vec<(InstanceType, usize)>,
    words: Vec<u64>,
    /// Whether the GC is atomic (no incremental marking ran): then nothing else survives.
    exact: bool,
}

/// Objects reachable from the roots with the ephemeron rule (independent of the marker),
/// in address order.
pub fn reachable(heap: &Heap) -> Vec<Address> {
    let (mut live, _) = reachable_set(heap);
    live.sort_unstable();
    live
}

/// [`reachable`] in discovery order, and as a set.
fn reachable_set(heap: &Heap) -> (Vec<Address>, AddrSet) {
    let mut seen = AddrSet::default();
    let mut queue: Vec<Address> = Vec::new();
    for kind in RootKind::ALL {
        for &v in heap.managed.roots.list(kind) {
            if v.is_heap_object() && seen.insert(heap, v.addr()) {
                queue.push(v.addr());
            }
        }
    }
    let mut tables: Vec<Address> = Vec::new();
    let mut qi = 0;
    loop {
        while qi < queue.len() {
            let a = queue[qi];
            qi += 1;
            let b = heap.body(a);
            let mut end = b.tagged_end;
            if b.ty == InstanceType::EphemeronHashTable {
                end = end.min(BUCKETS + heap.word(a, NUMBER_OF_BUCKETS).smi_value() as usize);
                tables.push(a);
            }
            for &w in heap.words_at(a, end) {
                let v = Tagged(w);
                if v.is_strong() && seen.insert(heap, v.addr()) {
                    queue.push(v.addr());
                }
            }
        }
        let before = queue.len();
        for &t in &tables {
            for (k, v) in entries(heap, t) {
                if seen.contains(k.addr()) && v.is_strong() && seen.insert(heap, v.addr()) {
                    queue.push(v.addr());
                }
            }
        }
        if queue.len() == before {
            return (queue, seen);
        }
    }
}

fn entries(heap: &Heap, t: Address) -> Vec<(Tagged, Tagged)> {
    let nb = heap.word(t, NUMBER_OF_BUCKETS).smi_value() as usize;
    let used = (heap.word(t, NUMBER_OF_ELEMENTS).smi_value()
        + heap.word(t, NUMBER_OF_DELETED).smi_value()) as usize;
    (0..used)
        .map(|e| {
            let w = BUCKETS + nb + 3 * e;
            (heap.word(t, w), heap.word(t, w + 1))
        })
        .filter(|(k, _)| k.is_heap_object())
        .collect()
}

/// Appends the contents of `a` to `out`, pointers as `id << 2 | tag`, and [`MAY_CHANGE`]
/// where the GC may change a word (see the module doc). `live_id` gives a reachable
/// target's id.
fn canonical(
    heap: &Heap,
    a: Address,
    live_id: impl Fn(Address) -> Option<u32>,
    out: &mut Vec<u64>,
) {
    let b = heap.body(a);
    let base = out.len();
    for (i, &w) in heap.words_at(a, b.size_words).iter().enumerate() {
        let v = Tagged(w);
        if i >= b.tagged_end {
            out.push(v.0);
        } else if v.is_heap_object() {
            out.push(match live_id(v.addr()) {
                Some(id) => ((id as u64) << 2) | (v.0 & 3),
                None => MAY_CHANGE,
            });
        } else if v.is_cleared() {
            out.push(MAY_CHANGE);
        } else {
            out.push(v.0);
        }
    }
    if b.ty == InstanceType::EphemeronHashTable {
        let out = &mut out[base..];
        out[NUMBER_OF_ELEMENTS] = MAY_CHANGE;
        out[NUMBER_OF_DELETED] = MAY_CHANGE;
        let nb = heap.word(a, NUMBER_OF_BUCKETS).smi_value() as usize;
        let hole = heap.the_hole();
        let mut w = BUCKETS + nb;
        while w + 1 < b.tagged_end {
            let k = heap.word(a, w);
            if k == hole || (k.is_heap_object() && live_id(k.addr()).is_none()) {
                out[w] = MAY_CHANGE;
                out[w + 1] = MAY_CHANGE;
            }
            w += 3;
        }
    }
}

impl PreFullGc {
    pub fn capture(heap: &mut Heap) -> PreFullGc {
        let (mut live, set) = reachable_set(heap);
        // Ids in address order, as a sorted set would hand them out.
        live.sort_unstable();
        let index = IdIndex::assign(heap, &live);
        let live_id = |t: Address| {
            if set.contains(t) {
                heap.existing_object_id(t)
            } else {
                None
            }
        };
        let mut words = Vec::new();
        let records = live
            .iter()
            .map(|&a| {
                let start = words.len();
                canonical(heap, a, live_id, &mut words);
                (heap.instance_type(a), start)
            })
            .collect();
        PreFullGc {
            index,
            records,
            words,
            exact: !heap.is_marking(),
        }
    }

    pub fn live_objects(&self) -> usize {
        self.records.len()
    }

    /// The type and canonical words of record `r`.
    fn get(&self, r: usize) -> (InstanceType, &[u64]) {
        let (ty, start) = self.records[r];
        let end = self.records.get(r + 1).map_or(self.words.len(), |e| e.1);
        (ty, &self.words[start..end])
    }
}

/// Checks the heap right after a full GC against the capture made before it.
pub fn check_after_full_gc(heap: &Heap, pre: &PreFullGc) -> Result<(), VerifyError> {
    let gc = heap.events.len();
    let err = |message: String| VerifyError { gc, message };
    crate::verify::verifier::verify_structure(heap, gc)?;
    // Each survivor's record, found once per object rather than once per pointer to it.
    let survivors: Vec<(Address, Option<usize>)> = heap
        .objects()
        .map(|a| {
            (
                a,
                heap.existing_object_id(a).and_then(|id| pre.index.get(id)),
            )
        })
        .collect();
    let mut recorded = AddrSet::default();
    for &(a, r) in &survivors {
        if r.is_some() {
            recorded.insert(heap, a);
        }
    }
    let live_id = |t: Address| {
        if recorded.contains(t) {
            heap.existing_object_id(t)
        } else {
            None
        }
    };
    let mut found = 0usize;
    let mut now = Vec::new();
    for &(a, r) in &survivors {
        let ty = heap.instance_type(a);
        let Some((rty, words)) = r.map(|r| pre.get(r)) else {
            if pre.exact {
                return Err(err(format!(
                    "{} {a:#x} in {} was unreachable before the full GC but survived it",
                    ty.v8_name(),
                    heap.space_of(a).map_or("no space", |s| s.v8_name())
                )));
            }
            continue;
        };
        found += 1;
        now.clear();
        canonical(heap, a, live_id, &mut now);
        if rty != ty || words != &now[..] {
            let i = words
                .iter()
                .zip(&now)
                .position(|(x, y)| x != y)
                .unwrap_or(0);
            return Err(err(format!(
                "{} @{} at {a:#x} changed across the full GC (first difference at word {i})",
                ty.v8_name(),
                heap.existing_object_id(a).unwrap_or(0)
            )));
        }
    }
    if found != pre.records.len() {
        return Err(err(format!(
            "{} objects reachable before the full GC, {} after: reachable objects were freed",
            pre.records.len(),
            found
        )));
    }
    Ok(())
}
