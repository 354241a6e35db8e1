//! The oracle check of `heapsim stress`: the simulator's `retained_by_gc` (bytes a full GC
//! would free without the object, found by marking) against the analyzer's dominator-based
//! retained size of the same object in the live heap graph. The two come from unrelated
//! code — collector marking in `sim::oracle`, the dominator algorithm in
//! `analyzer::dominators` — so agreement checks both. The check lives here, in the CLI
//! layer, because the simulator must not depend on the analyzer.
//!
//! Objects whose removal kills exactly one of a live WeakMap entry's table and key are
//! skipped: an ephemeron needs both, a conjunction a dominator tree cannot express (see
//! `sim::oracle`). They are counted as `oracle_skipped`.

use analyzer::dominators::{compute, retained_sizes, DomInput};
use sim::mutator::SplitMix64;
use sim::stress::OracleCheck;
use sim::Heap;

/// Compares the oracle with dominator retained sizes on `samples` live objects drawn from
/// `seed` (all of them when the heap has fewer).
pub fn check(heap: &Heap, samples: usize, seed: u64) -> OracleCheck {
    let g = heap.live_graph();
    let n = g.addrs.len();
    let mut out = OracleCheck::default();
    if n == 0 || samples == 0 {
        return out;
    }
    let input = DomInput {
        first_edge: &g.first_edge,
        to: &g.to,
        keep: None,
        roots: &g.roots,
    };
    let idom = compute(&input);
    let retained = retained_sizes(&idom, &g.sizes);
    let mut rng = SplitMix64(seed);
    let picks: Vec<usize> = if samples >= n {
        (0..n).collect()
    } else {
        (0..samples)
            .map(|_| (rng.next_u64() % n as u64) as usize)
            .collect()
    };
    let addrs: Vec<u64> = picks.iter().map(|&i| g.addrs[i]).collect();
    let oracle = heap.retained_by_gc_many(&addrs);
    for (&i, r) in picks.iter().zip(&oracle) {
        if r.ephemeron_dependent {
            out.skipped += 1;
            continue;
        }
        out.checked += 1;
        if r.bytes != retained[i] && out.mismatch.is_none() {
            let ty = heap.instance_type(g.addrs[i]).v8_name();
            out.mismatch = Some(format!(
                "{ty} at {:#x} (id {}): retained_by_gc {} bytes, dominator retained size {} bytes",
                g.addrs[i], g.ids[i], r.bytes, retained[i]
            ));
        }
    }
    out
}
