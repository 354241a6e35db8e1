//! The heap verifier's full-GC half (V8's `--verify-heap` around mark-compact): what a full
//! GC must preserve, checked against an independent reachability computation.
//!
//! [`PreFullGc::capture`] computes, before the GC, the objects that must survive — strong
//! reachability from the roots with the ephemeron rule, by a plain breadth-first search over
//! a hash set (deliberately not the collector's mark bits or worklist) — assigns them ids
//! and records their contents with pointers replaced by target ids. [`check_after_full_gc`]
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

use std::collections::{HashMap, HashSet};

use crate::heap::roots::RootKind;
use crate::heap::tagged::{Address, Tagged};
use crate::heap::Heap;
use crate::object::collections::{
    BUCKETS, NUMBER_OF_BUCKETS, NUMBER_OF_DELETED, NUMBER_OF_ELEMENTS,
};
use crate::object::InstanceType;
use crate::verify::verifier::VerifyError;

const MAY_CHANGE: u64 = u64::MAX;

/// What a full GC must preserve, captured before it.
#[derive(Clone, Debug)]
pub struct PreFullGc {
    records: HashMap<u32, (InstanceType, Vec<u64>)>,
    /// Whether the GC is atomic (no incremental marking ran): then nothing else survives.
    exact: bool,
}

/// Objects reachable from the roots with the ephemeron rule (independent of the marker).
pub fn reachable(heap: &Heap) -> HashSet<Address> {
    let mut seen: HashSet<Address> = HashSet::new();
    let mut queue: Vec<Address> = Vec::new();
    for kind in RootKind::ALL {
        for &v in heap.managed.roots.list(kind) {
            if v.is_heap_object() && seen.insert(v.addr()) {
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
            for i in 0..end {
                let v = heap.word(a, i);
                if v.is_strong() && seen.insert(v.addr()) {
                    queue.push(v.addr());
                }
            }
        }
        let before = queue.len();
        for &t in &tables {
            for (k, v) in entries(heap, t) {
                if seen.contains(&k.addr()) && v.is_strong() && seen.insert(v.addr()) {
                    queue.push(v.addr());
                }
            }
        }
        if queue.len() == before {
            return seen;
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

/// Contents of `a` with pointers as `id << 2 | tag`, and [`MAY_CHANGE`] where the GC may
/// change a word (see the module doc). `live_id` says whether a target is reachable.
fn canonical(heap: &Heap, a: Address, live_id: &dyn Fn(Address) -> Option<u32>) -> Vec<u64> {
    let b = heap.body(a);
    let mut out = Vec::with_capacity(b.size_words);
    for i in 0..b.size_words {
        let v = heap.word(a, i);
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
    out
}

impl PreFullGc {
    pub fn capture(heap: &mut Heap) -> PreFullGc {
        let live = reachable(heap);
        let mut live: Vec<Address> = live.into_iter().collect();
        live.sort_unstable();
        for &a in &live {
            heap.object_id(a);
        }
        let set: HashSet<Address> = live.iter().copied().collect();
        let live_id = |t: Address| {
            if set.contains(&t) {
                heap.existing_object_id(t)
            } else {
                None
            }
        };
        let records = live
            .iter()
            .map(|&a| {
                let id = heap.existing_object_id(a).expect("assigned above");
                (id, (heap.instance_type(a), canonical(heap, a, &live_id)))
            })
            .collect();
        PreFullGc {
            records,
            exact: !heap.is_marking(),
        }
    }

    pub fn live_objects(&self) -> usize {
        self.records.len()
    }
}

/// Checks the heap right after a full GC against the capture made before it.
pub fn check_after_full_gc(heap: &Heap, pre: &PreFullGc) -> Result<(), VerifyError> {
    let gc = heap.events.len();
    let err = |message: String| VerifyError { gc, message };
    crate::verify::verifier::verify_structure(heap, gc)?;
    let live_id = |t: Address| {
        heap.existing_object_id(t)
            .filter(|id| pre.records.contains_key(id))
    };
    let mut found = 0usize;
    for a in heap.objects() {
        let ty = heap.instance_type(a);
        let Some((rty, words)) = heap
            .existing_object_id(a)
            .and_then(|id| pre.records.get(&id))
        else {
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
        let now = canonical(heap, a, &live_id);
        if *rty != ty || *words != now {
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
