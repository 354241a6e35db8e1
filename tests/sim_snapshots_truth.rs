//! The simulator's ground truth against DevTools: for every live object, the truth file's
//! `devtools_retained` (the oracle under DevTools' rules) equals DevTools' retained size
//! and heapsim's analyzer's exactly, and `retained_by_gc` equals an independent marking of
//! the snapshot graph (see [`check_truth`]). Every heap of `common`, written after the GC.
//!
//! Tools come from `scripts/setup-interop.sh`; without them each test prints a `SKIPPED`
//! line — unless under CI, where it fails (`testkit`).

mod common;

// Shared with tests/interop.rs, which uses all of it; this suite needs only a part.
#[allow(dead_code)]
#[path = "interop/common/mod.rs"]
mod interop;

use std::collections::HashMap;

use format::Format;
use interop::Toolchain;
use sim::oracle::devtools::DevtoolsOracle;
use sim::snapshot::graph::snapshot_id;
use sim::Heap;

/// The two retained-size oracles of the truth file against the tools, object by object.
///
/// `retained_by_gc` (`Heap::retained_by_gc_many`, marking the heap's words) is first
/// checked against an independent marking of the snapshot's own graph
/// ([`sim::snapshot::reach::GcGraph::mark`]): equal for every live object except JS objects' property/element
/// backing stores, which V8's snapshot bypasses (it shows properties and elements as edges
/// from the object itself, while the collector reaches them through the store).
/// Then `devtools_retained` (`sim::oracle::devtools`, DevTools' rules applied by marking
/// the simulator's graph) must equal both DevTools' own retained size and heapsim's
/// analyzer's on every live object, or be undefined with a reason.
fn check_truth(
    what: &str,
    heap: &Heap,
    p: &sim::snapshot::Prepared,
    devtools: &[interop::NodeRow],
    analysis: &analyzer::analysis::Analysis,
) {
    let g = &p.graph;
    let addrs: Vec<sim::Address> = heap.objects().collect();
    let id = |o: u32| {
        snapshot_id(
            p.format,
            heap.existing_object_id(addrs[o as usize]).unwrap(),
        )
    };
    let live: Vec<u32> = (0..g.len()).filter(|&o| p.live.get(o)).collect();
    let live_addrs: Vec<sim::Address> = live.iter().map(|&o| addrs[o as usize]).collect();
    let oracle = heap.retained_by_gc_many(&live_addrs);
    let mut stores = 0;
    for (&o, r) in live.iter().zip(&oracle) {
        let graph_bytes = p.live_bytes - g.mark(Some(o)).1;
        if g.properties_store.get(o) || g.elements_store.get(o) {
            assert!(
                r.bytes >= graph_bytes,
                "{what}: @{}: store oracle below graph",
                id(o)
            );
            stores += 1;
            continue;
        }
        assert_eq!(
            graph_bytes,
            r.bytes,
            "{what}: @{}: snapshot-graph marking and Heap::retained_by_gc disagree",
            id(o)
        );
    }

    let by_devtools: HashMap<u32, u64> = devtools.iter().map(|r| (r.id, r.retained_size)).collect();
    let s = &analysis.snapshot;
    let dt = DevtoolsOracle::new(heap, p).retained_many(&live);
    let (mut checked, mut literal, mut undefined) = (0, 0, 0);
    for ((&o, d), r) in live.iter().zip(&dt).zip(&oracle) {
        let id = id(o);
        let Ok(expected) = *d else {
            undefined += 1;
            continue;
        };
        let node = s.find_id(id).expect("object in snapshot");
        assert_eq!(
            (by_devtools[&id], analysis.tree.retained[node as usize]),
            (expected, expected),
            "{what}: @{id}: (DevTools, heapsim) retained vs devtools_retained; retained_by_gc {}",
            r.bytes
        );
        literal += (expected == r.bytes) as u32;
        checked += 1;
    }
    assert!(checked > 0, "{what}: no live objects checked");
    eprintln!(
        "{what}: devtools_retained equals DevTools and heapsim on {checked} objects \
         ({literal} equal to retained_by_gc too), {undefined} undefined; {stores} backing stores"
    );
}

/// The truth check of one heap, written after the GC (`gc`: the oracle is about live objects).
fn truth_case(tc: &Toolchain, name: &str, mut heap: Heap, format: Format, gc: bool) {
    let w = common::write(name, &mut heap, format, gc);
    let devtools = interop::devtools_dump(tc, &w.file);
    let analysis = interop::heapsim::analyse(&w.file);
    check_truth(&w.what, &heap, &w.prepared, &devtools, &analysis);
}

common::toolchain_tests!(truth_case, [true]);
