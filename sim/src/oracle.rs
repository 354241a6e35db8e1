//! The ground-truth oracle for retained sizes: `retained_by_gc(o)` = the bytes a full GC
//! would free if every reference to `o` (from objects and roots) were dropped.
//!
//! It is computed the way the collector decides liveness, not from a dominator tree: mark
//! from the roots once normally and once refusing to mark `o` (weak slots are not traced;
//! a WeakMap value is marked only when its table and its key are, to a fixpoint — the
//! rules of [`crate::old_gen::mark_compact`] and [`crate::old_gen::weakness`]); the answer is the difference
//! of the marked bytes. Where the heap is a plain reachability graph this is exactly the
//! size of the set `o` dominates (Lengauer & Tarjan's dominance: every path from a root to
//! the object passes through `o`), which is what heap-snapshot tools report as the retained
//! size; the oracle is the independent check of those tools.
//!
//! Ephemerons are where the two views can part: a WeakMap value needs its table *and* its
//! key, a conjunction no dominator tree expresses. [`Retained::ephemeron_dependent`] says
//! whether removing `o` killed exactly one of a live entry's table and key; only then may a
//! dominator-based answer differ.
//!
//! [`Heap::retained_by_gc_many`] answers 64 objects per traversal with one bit per object
//! in a mask ([`lanes`]); [`Heap::retained_by_gc_each`] is the definition above taken
//! literally, one marking per object, which the property tests check the lanes against.
//!
//! The marking here uses its own bitmap and an unbounded stack, so it runs at any quiescent
//! point without disturbing a GC cycle in progress. [`Heap::live_graph`] exports the live
//! object graph as flat CSR (strong edges, WeakMap values as edges from both the table and
//! the key) for dominator algorithms to be checked against the oracle.

pub mod devtools;
mod lanes;

use std::collections::HashMap;

use crate::heap::roots::RootKind;
use crate::heap::tagged::{Address, Tagged};
use crate::heap::Heap;
use crate::object::collections::{
    BUCKETS, NUMBER_OF_BUCKETS, NUMBER_OF_DELETED, NUMBER_OF_ELEMENTS,
};
use crate::object::InstanceType;
use crate::old_gen::mark_bits::MarkBits;

/// The oracle's answer for one object.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Retained {
    /// Bytes a full GC would free with the object's incoming references dropped (0 for an
    /// object that is garbage already).
    pub bytes: u64,
    /// Removing the object killed the table or the key, but not both, of a live WeakMap
    /// entry (see the module doc).
    pub ephemeron_dependent: bool,
}

/// One reachability marking.
struct Reach {
    marks: MarkBits,
    bytes: u64,
    tables: Vec<Address>,
}

/// The live object graph as CSR; node `i` is the object at `addrs[i]`.
#[derive(Clone, Debug, Default)]
pub struct LiveGraph {
    pub addrs: Vec<Address>,
    /// Stable ids (0 for objects that never needed one).
    pub ids: Vec<u32>,
    pub sizes: Vec<u64>,
    /// `first_edge[i]..first_edge[i + 1]` index `to`; length `n + 1`.
    pub first_edge: Vec<u32>,
    pub to: Vec<u32>,
    /// Nodes referenced by a root slot (the children of a virtual root), no duplicates.
    pub roots: Vec<u32>,
}

impl Heap {
    fn ephemeron_table_entries(&self, t: Address) -> Vec<(Tagged, Tagged)> {
        let nb = self.word(t, NUMBER_OF_BUCKETS).smi_value() as usize;
        let used = (self.word(t, NUMBER_OF_ELEMENTS).smi_value()
            + self.word(t, NUMBER_OF_DELETED).smi_value()) as usize;
        let hole = self.the_hole();
        (0..used)
            .filter_map(|e| {
                let w = BUCKETS + nb + 3 * e;
                let k = self.word(t, w);
                (k != hole && k.is_heap_object()).then(|| (k, self.word(t, w + 1)))
            })
            .collect()
    }

    /// Strong targets of an object, ephemeron entries excluded (their table is recorded).
    fn strong_targets(&self, a: Address, tables: &mut Vec<Address>, out: &mut Vec<Address>) {
        let b = self.body(a);
        let mut end = b.tagged_end;
        if b.ty == InstanceType::EphemeronHashTable {
            let nb = self.word(a, NUMBER_OF_BUCKETS).smi_value() as usize;
            end = end.min(BUCKETS + nb);
            tables.push(a);
        }
        for i in 0..end {
            let v = self.word(a, i);
            if v.is_strong() {
                out.push(v.addr());
            }
        }
    }

    /// The objects the root slots reference, in root order (repeats included).
    fn root_objects(&self) -> impl Iterator<Item = Address> + '_ {
        RootKind::ALL.into_iter().flat_map(move |kind| {
            self.managed
                .roots
                .list(kind)
                .iter()
                .filter(|v| v.is_heap_object())
                .map(|v| v.addr())
        })
    }

    fn reach(&self, exclude: Option<Address>) -> Reach {
        let mut r = Reach {
            marks: MarkBits::default(),
            bytes: 0,
            tables: Vec::new(),
        };
        let mut stack: Vec<Address> = Vec::new();
        let mark = |r: &mut Reach, stack: &mut Vec<Address>, t: Address| {
            if Some(t) != exclude && r.marks.white_to_black(t) {
                stack.push(t);
            }
        };
        for v in self.root_objects() {
            mark(&mut r, &mut stack, v);
        }
        let mut targets = Vec::new();
        loop {
            while let Some(a) = stack.pop() {
                r.bytes += self.size_of(a) as u64;
                targets.clear();
                self.strong_targets(a, &mut r.tables, &mut targets);
                for &t in &targets {
                    mark(&mut r, &mut stack, t);
                }
            }
            let mut grew = false;
            for i in 0..r.tables.len() {
                for (k, v) in self.ephemeron_table_entries(r.tables[i]) {
                    if v.is_strong() && r.marks.is_marked(k.addr()) && !r.marks.is_marked(v.addr())
                    {
                        let before = stack.len();
                        mark(&mut r, &mut stack, v.addr());
                        grew |= stack.len() > before;
                    }
                }
            }
            if !grew {
                return r;
            }
        }
    }

    /// Bytes of the objects a full GC would keep now (strong reachability with the
    /// ephemeron rule).
    pub fn live_bytes_by_marking(&self) -> u64 {
        self.reach(None).bytes
    }

    /// `retained_by_gc` of `obj` (see the module doc).
    pub fn retained_by_gc(&self, obj: Address) -> u64 {
        self.retained_by_gc_many(&[obj])[0].bytes
    }

    /// The oracle for several objects: the normal marking once, then one bit-parallel
    /// traversal per 64 live objects ([`lanes`]).
    pub fn retained_by_gc_many(&self, objs: &[Address]) -> Vec<Retained> {
        let full = self.reach(None);
        let ranks = lanes::Ranks::new(&full.marks);
        let live: Vec<Address> = objs
            .iter()
            .copied()
            .filter(|&o| full.marks.is_marked(o))
            .collect();
        let mut answers = live
            .chunks(lanes::LANES)
            .flat_map(|batch| self.retained_in_lanes(&full, &ranks, batch))
            .collect::<Vec<_>>()
            .into_iter();
        objs.iter()
            .map(|&o| match full.marks.is_marked(o) {
                true => answers.next().expect("one answer per live object"),
                false => Retained {
                    bytes: 0,
                    ephemeron_dependent: false,
                },
            })
            .collect()
    }

    /// The oracle for several objects, one marking each (the module doc's definition
    /// literally; [`Heap::retained_by_gc_many`] gives the same answers in 1/64 of the
    /// markings).
    pub fn retained_by_gc_each(&self, objs: &[Address]) -> Vec<Retained> {
        let full = self.reach(None);
        objs.iter()
            .map(|&o| {
                if !full.marks.is_marked(o) {
                    return Retained {
                        bytes: 0,
                        ephemeron_dependent: false,
                    };
                }
                let ex = self.reach(Some(o));
                let mut dependent = false;
                for &t in &full.tables {
                    let table_live = ex.marks.is_marked(t);
                    for (k, _) in self.ephemeron_table_entries(t) {
                        if full.marks.is_marked(k.addr())
                            && table_live != ex.marks.is_marked(k.addr())
                        {
                            dependent = true;
                        }
                    }
                }
                Retained {
                    bytes: full.bytes - ex.bytes,
                    ephemeron_dependent: dependent,
                }
            })
            .collect()
    }

    /// The live object graph as CSR (see [`LiveGraph`]).
    pub fn live_graph(&self) -> LiveGraph {
        let full = self.reach(None);
        let mut g = LiveGraph::default();
        let mut index: HashMap<Address, u32> = HashMap::new();
        for a in self.objects() {
            if full.marks.is_marked(a) {
                index.insert(a, g.addrs.len() as u32);
                g.addrs.push(a);
                g.ids.push(self.existing_object_id(a).unwrap_or(0));
                g.sizes.push(self.size_of(a) as u64);
            }
        }
        let mut edges: Vec<(u32, u32)> = Vec::new();
        let (mut tables, mut targets) = (Vec::new(), Vec::new());
        for (i, &a) in g.addrs.iter().enumerate() {
            targets.clear();
            self.strong_targets(a, &mut tables, &mut targets);
            edges.extend(targets.iter().map(|t| (i as u32, index[t])));
        }
        for &t in &tables {
            for (k, v) in self.ephemeron_table_entries(t) {
                if v.is_strong() && full.marks.is_marked(k.addr()) {
                    let vi = index[&v.addr()];
                    edges.push((index[&t], vi));
                    edges.push((index[&k.addr()], vi));
                }
            }
        }
        edges.sort_unstable();
        g.first_edge = vec![0; g.addrs.len() + 1];
        for &(s, _) in &edges {
            g.first_edge[s as usize + 1] += 1;
        }
        for i in 0..g.addrs.len() {
            g.first_edge[i + 1] += g.first_edge[i];
        }
        g.to = edges.iter().map(|&(_, t)| t).collect();
        let mut seen = vec![false; g.addrs.len()];
        for v in self.root_objects() {
            let i = index[&v];
            if !std::mem::replace(&mut seen[i as usize], true) {
                g.roots.push(i);
            }
        }
        g
    }
}
