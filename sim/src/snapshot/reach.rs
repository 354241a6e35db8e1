//! The heap's reference graph as the collector sees it, and marking over it.
//!
//! [`GcGraph::build`] walks every object's [`Heap::fields`] once and stores the targets as
//! a CSR (`first`/`to`, target ordinals from [`ObjectIndex`]), flagging each edge with how
//! a full mark-sweep treats it:
//!
//! * **strong** — traced;
//! * **weak** (weak pointers, ephemeron keys) — not traced;
//! * **ephemeron value** — traced only once both its table and its key are marked
//!   (Hayes, "Ephemerons: a new finalization mechanism", OOPSLA 1997; V8's
//!   `MarkCompactCollector::ProcessEphemerons`). The `(table, key, value)` triples are kept
//!   sorted by key and by table, so whichever of table and key is marked second releases
//!   the value — no fixpoint rescans.
//!
//! [`GcGraph::mark`] is a plain worklist marking from the roots (no recursion: heaps have
//! million-deep chains) that can pretend one object has no incoming references — the
//! definition of issue 6's `retained_by_gc` oracle, used by [`super::truth`] — and is also
//! the reachability filter the snapshot applies in place of a full GC (see
//! [`super::SnapshotOptions::gc`]).

use std::collections::HashMap;

use super::index::{Bits, ObjectIndex};
use crate::heap::tagged::Address;
use crate::heap::Heap;
use crate::object::{FieldKind, FieldName};

const WEAK: u32 = 1 << 31;

/// Reference graph of every object in a heap, with GC semantics per edge.
pub struct GcGraph {
    pub index: ObjectIndex,
    /// CSR offsets, `len + 1` entries.
    first: Vec<u32>,
    /// Target ordinal; bit 31 set = not traced (weak or ephemeron slot).
    to: Vec<u32>,
    /// Object sizes in bytes.
    pub size: Vec<u32>,
    /// Root slots in root-kind order: `(root kind index, ordinal)`.
    pub roots: Vec<(u8, u32)>,
    /// `(key, value, table)` sorted by key.
    eph_by_key: Vec<(u32, u32, u32)>,
    /// `(table, key, value)` sorted by table.
    eph_by_table: Vec<(u32, u32, u32)>,
    is_key: Bits,
    is_table: Bits,
    /// Addresses of the objects in WeakMap entries (for V8's edge names).
    eph_addrs: HashMap<u32, Address>,
    /// Arrays that are some JS object's `properties` / `elements` store (V8 names them
    /// `(object properties)` / `(object elements)`).
    pub properties_store: Bits,
    pub elements_store: Bits,
}

impl GcGraph {
    /// Walks every object of `heap` once.
    pub fn build(heap: &Heap) -> GcGraph {
        let index = ObjectIndex::build(heap);
        let n = index.len() as usize;
        let mut first = Vec::with_capacity(n + 1);
        let mut to = Vec::with_capacity(n * 3);
        let mut size = Vec::with_capacity(n);
        let mut eph = Vec::new();
        let mut eph_addrs = HashMap::new();
        let mut properties_store = Bits::new(n);
        let mut elements_store = Bits::new(n);
        first.push(0u32);
        for (o, a) in heap.objects().enumerate() {
            let o = o as u32;
            size.push(u32::try_from(heap.size_of(a)).expect("objects are smaller than 4 GiB"));
            let is_js = heap.instance_type(a).is_js_object();
            for f in heap.fields(a) {
                let Some(t) = index.ordinal(f.value.addr()) else {
                    // A pointer to no object start would be a heap corruption the verifier
                    // reports; the snapshot cannot show it, so it is left out.
                    continue;
                };
                let untraced = match f.name {
                    FieldName::EphemeronKey { .. } => true,
                    FieldName::EphemeronValue { key, .. } => {
                        if let Some(k) = index.ordinal(key.addr()) {
                            eph.push((k, t, o));
                            eph_addrs.insert(k, key.addr());
                            eph_addrs.insert(t, f.value.addr());
                            eph_addrs.insert(o, a);
                        }
                        true
                    }
                    _ => f.kind == FieldKind::Weak,
                };
                if is_js && f.kind == FieldKind::Internal {
                    match f.name {
                        FieldName::Static("properties") => properties_store.set(t),
                        FieldName::Static("elements") => elements_store.set(t),
                        _ => {}
                    }
                }
                to.push(if untraced { t | WEAK } else { t });
            }
            first.push(u32::try_from(to.len()).expect("fewer than 2^32 references in a heap"));
        }
        let mut is_key = Bits::new(n);
        let mut is_table = Bits::new(n);
        for &(k, _, t) in &eph {
            is_key.set(k);
            is_table.set(t);
        }
        let mut eph_by_key = eph.clone();
        eph_by_key.sort_unstable();
        let mut eph_by_table: Vec<(u32, u32, u32)> =
            eph.into_iter().map(|(k, v, t)| (t, k, v)).collect();
        eph_by_table.sort_unstable();
        let mut roots = Vec::new();
        for (ki, kind) in crate::heap::roots::RootKind::ALL.iter().enumerate() {
            for slot in heap.roots().list(*kind) {
                if slot.is_heap_object() && !slot.is_weak() {
                    if let Some(o) = index.ordinal(slot.addr()) {
                        roots.push((ki as u8, o));
                    }
                }
            }
        }
        GcGraph {
            index,
            first,
            to,
            size,
            roots,
            eph_by_key,
            eph_by_table,
            is_key,
            is_table,
            eph_addrs,
            properties_store,
            elements_store,
        }
    }

    /// Number of objects.
    pub fn len(&self) -> u32 {
        self.index.len()
    }

    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }

    /// Targets of `o`'s references with their "traced" flag (`false` = weak/ephemeron slot).
    pub fn targets(&self, o: u32) -> impl Iterator<Item = (u32, bool)> + '_ {
        self.to[self.first[o as usize] as usize..self.first[o as usize + 1] as usize]
            .iter()
            .map(|&t| (t & !WEAK, t & WEAK == 0))
    }

    /// Address of an object that takes part in a WeakMap entry.
    pub fn ephemeron_address(&self, o: u32) -> Option<Address> {
        self.eph_addrs.get(&o).copied()
    }

    /// Ephemeron entries `(table, key, value)` of table `t`.
    pub fn entries_of_table(&self, t: u32) -> &[(u32, u32, u32)] {
        if !self.is_table.get(t) {
            return &[];
        }
        let lo = self.eph_by_table.partition_point(|e| e.0 < t);
        let hi = self.eph_by_table.partition_point(|e| e.0 <= t);
        &self.eph_by_table[lo..hi]
    }

    /// Ephemeron entries `(key, value, table)` whose key is `k`.
    pub fn entries_of_key(&self, k: u32) -> &[(u32, u32, u32)] {
        if !self.is_key.get(k) {
            return &[];
        }
        let lo = self.eph_by_key.partition_point(|e| e.0 < k);
        let hi = self.eph_by_key.partition_point(|e| e.0 <= k);
        &self.eph_by_key[lo..hi]
    }

    /// Marks everything a full GC would keep, as if `excluded` (if any) had no incoming
    /// references. Returns the marked set and its total size in bytes.
    pub fn mark(&self, excluded: Option<u32>) -> (Bits, u64) {
        let n = self.len();
        let mut marked = Bits::new(n as usize);
        let mut bytes = 0u64;
        let mut stack: Vec<u32> = Vec::new();
        let mut visit = |o: u32, marked: &mut Bits, stack: &mut Vec<u32>| {
            if Some(o) != excluded && !marked.get(o) {
                marked.set(o);
                bytes += self.size[o as usize] as u64;
                stack.push(o);
            }
        };
        for &(_, o) in &self.roots {
            visit(o, &mut marked, &mut stack);
        }
        while let Some(o) = stack.pop() {
            let (lo, hi) = (self.first[o as usize], self.first[o as usize + 1]);
            for &t in &self.to[lo as usize..hi as usize] {
                if t & WEAK == 0 {
                    visit(t, &mut marked, &mut stack);
                }
            }
            for &(_, k, v) in self.entries_of_table(o) {
                if marked.get(k) {
                    visit(v, &mut marked, &mut stack);
                }
            }
            for &(_, v, t) in self.entries_of_key(o) {
                if marked.get(t) {
                    visit(v, &mut marked, &mut stack);
                }
            }
        }
        (marked, bytes)
    }

    /// Bytes held by the graph.
    pub fn heap_bytes(&self) -> usize {
        self.index.heap_bytes()
            + self.first.capacity() * 4
            + self.to.capacity() * 4
            + self.size.capacity() * 4
            + (self.eph_by_key.capacity() + self.eph_by_table.capacity()) * 12
            + self.properties_store.heap_bytes() * 4
    }
}
