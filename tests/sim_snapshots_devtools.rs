//! The simulator's snapshots in the reference tools: Chrome DevTools' own worker loads them
//! with no problem report and the same node/edge counts; heapsim's analyzer agrees with
//! DevTools on every node (id, type, name, self size, retained size, distance, dominator);
//! memlab loads them with the same counts and total self size. Every heap of `common`, in
//! every case.
//!
//! Tools come from `scripts/setup-interop.sh`; without them each test prints a `SKIPPED`
//! line — unless under CI, where it fails (`testkit`).

mod common;

// Shared with tests/interop.rs, which uses all of it; this suite needs only a part.
#[allow(dead_code)]
#[path = "interop/common/mod.rs"]
mod interop;

use format::Format;
use interop::Toolchain;
use sim::Heap;

fn check_heap(tc: &Toolchain, name: &str, mut heap: Heap, format: Format, gc: bool) {
    let w = common::write(name, &mut heap, format, gc);
    let (file, stats, what) = (&w.file, &w.stats, &w.what);

    // DevTools loads it without complaint and counts what we wrote (one load gives the
    // summary and the per-node dump).
    let (summary, devtools) = interop::devtools_both(tc, file);
    assert!(
        summary.problems.is_empty(),
        "{what}: DevTools problems: {:?}",
        summary.problems
    );
    assert_eq!(
        summary.node_count, stats.nodes,
        "{what}: DevTools node count"
    );
    assert_eq!(
        summary.edge_count, stats.edges,
        "{what}: DevTools edge count"
    );

    // heapsim's analyzer agrees with DevTools on every node.
    let analysis = interop::heapsim::analyse(file);
    let report =
        interop::compare::compare_nodes(&devtools, &interop::heapsim::node_rows(&analysis));
    assert!(
        report.is_clean(),
        "{what}: heapsim vs DevTools:\n{}",
        interop::compare::describe_nodes(&report, &|_| String::new())
    );

    // memlab loads it and sees the same graph.
    let m = interop::memlab(tc, file);
    assert_eq!(
        (m.node_count, m.edge_count),
        (stats.nodes, stats.edges),
        "{what}: memlab counts"
    );
    let self_total: u64 = (0..analysis.snapshot.node_count() as u32)
        .map(|v| devtools[v as usize].self_size)
        .sum();
    assert_eq!(
        m.self_size_total, self_total,
        "{what}: memlab total self size"
    );
}

common::toolchain_tests!(check_heap, [true, false]);
