//! Ground truth for heap tools: `retained_by_gc` and `devtools_retained` for a sample of
//! objects.
//!
//! Definition (issue 6): the bytes a full GC would free if the object's incoming
//! references were dropped. The values written come from the simulator's own oracle,
//! [`Heap::retained_by_gc_many`] (`sim/src/oracle.rs`), which marks the heap with the
//! object excluded. [`retained_by_gc`] here computes the same thing a second, independent
//! way — marking the snapshot's [`GcGraph`] CSR (strong references traced, weak ones not,
//! WeakMap values only while table and key live) — and `tests/sim_snapshots_truth.rs` checks the
//! two agree on every live object. No dominator tree is involved, which is what makes it an
//! independent check of DevTools' and heapsim's dominator-based retained sizes.
//!
//! It agrees with a dominator-based retained size wherever GC reachability and dominance
//! coincide, i.e. except around WeakMaps: dropping a WeakMap's table frees values whose
//! keys stay alive, while DevTools attributes such a value to its key alone.
//!
//! Beside it each entry carries `devtools_retained`, what Chrome DevTools shows as the
//! retained size: the same definition under DevTools' graph rules
//! ([`crate::oracle::devtools`]), `None` with a reason where a rule leaves it undefined.
//!
//! The oracle answers 64 objects per traversal of the live heap (its bit-parallel lanes,
//! `sim/src/oracle/lanes.rs`), so a sample of hundreds costs a few markings;
//! [`retained_by_gc`] here marks once per object and is meant for checking.

use super::graph::{describe_node, snapshot_id};
use super::index::Bits;
use super::reach::GcGraph;
use super::Prepared;
use crate::heap::Heap;
use crate::oracle::devtools::DevtoolsOracle;

/// One object's truth record, an entry of `FILE.truth.json`'s `objects` (the file is
/// written by the `scenarios` crate's `truth` module).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TruthEntry {
    pub id: u32,
    pub name: String,
    pub retained_by_gc: u64,
    /// `None` where DevTools' rules leave it undefined ([`TruthEntry::reason`] says why).
    pub devtools_retained: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// `retained_by_gc` of object ordinal `o`: 0 for an object a full GC frees anyway.
pub fn retained_by_gc(g: &GcGraph, live: &Bits, live_bytes: u64, o: u32) -> u64 {
    if !live.get(o) {
        return 0;
    }
    live_bytes - g.mark(Some(o)).1
}

/// Truth for up to `max` live objects of snapshot `p` chosen uniformly with `seed` (all of
/// them when `max` ≥ the live count), in heap order, plus the objects of `also` (ordinals)
/// whether chosen or not. Ids and names are the snapshot's.
pub fn sample(heap: &Heap, p: &Prepared, max: usize, seed: u64, also: &[u32]) -> Vec<TruthEntry> {
    let (g, live, format) = (&p.graph, &p.live, p.format);
    let live_count = live.count_ones() as usize;
    let mut chosen = Bits::new(g.len() as usize);
    if max >= live_count {
        for o in 0..g.len() {
            if live.get(o) {
                chosen.set(o);
            }
        }
    } else {
        // Floyd's algorithm over live ranks: exactly `max` distinct picks, O(max) memory.
        let mut x = seed ^ 0x9E37_79B9_7F4A_7C15;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let mut picked = std::collections::HashSet::new();
        for j in live_count - max..live_count {
            let r = (next() % (j as u64 + 1)) as usize;
            if !picked.insert(r) {
                picked.insert(j);
            }
        }
        let mut rank = 0usize;
        for o in 0..g.len() {
            if live.get(o) {
                if picked.contains(&rank) {
                    chosen.set(o);
                }
                rank += 1;
            }
        }
    }
    for &o in also {
        chosen.set(o);
    }
    let mut picked = Vec::new();
    let mut scratch = String::new();
    for (o, a) in heap.objects().enumerate() {
        let o = o as u32;
        if !chosen.get(o) {
            continue;
        }
        let Some(sim_id) = heap.existing_object_id(a) else {
            continue;
        };
        let (_, name) = describe_node(heap, g, format, o, a, &mut scratch);
        picked.push((a, o, snapshot_id(format, sim_id), name));
    }
    let addrs: Vec<_> = picked.iter().map(|p| p.0).collect();
    let ordinals: Vec<_> = picked.iter().map(|p| p.1).collect();
    let oracle = heap.retained_by_gc_many(&addrs);
    let devtools = DevtoolsOracle::new(heap, p).retained_many(&ordinals);
    picked
        .into_iter()
        .zip(oracle)
        .zip(devtools)
        .map(|(((_, _, id, name), r), d)| TruthEntry {
            id,
            name,
            retained_by_gc: r.bytes,
            devtools_retained: d.ok(),
            reason: d.err().map(|u| u.reason().to_string()),
        })
        .collect()
}
