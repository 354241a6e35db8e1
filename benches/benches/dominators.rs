//! criterion benchmarks of the dominator algorithms (`analyzer::dominators`), each timed as
//! immediate dominators + retained sizes, next to petgraph's `simple_fast` (dominators only,
//! on the same kept edges under an explicit virtual root) as an outside baseline:
//!
//! * `real/*` — DevTools' dominator graph of the snapshots listed (colon-separated) in
//!   `HEAPSIM_DOM_SNAPSHOTS` (`scripts/bench-dominators.sh` makes a small one with Node);
//! * `synthetic/*` — [`analyzer::dominators::families::heap_like`] with 1 M and 10 M nodes
//!   when `HEAPSIM_DOM_SYNTHETIC=1`;
//! * `family/*` — the worst-case families at growing sizes, to read the growth off.
//!
//! CHK and petgraph are skipped where their known Θ(passes × edges) cost would take minutes
//! per sample (the skip is printed). `HEAPSIM_BENCH_INPUTS=FILE` appends
//! `name<TAB>nodes<TAB>edges<TAB>kept` per input, for the report script.
//! Run: `scripts/bench-dominators.sh` (or `cargo bench -p heapsim-benches --bench dominators`).

use analyzer::dominators::{families, Algorithm};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use heapsim_benches::BenchGraph;
use petgraph::graph::DiGraph;
use std::io::Write;

fn note_input(b: &BenchGraph) {
    let g = &b.graph;
    let kept = (0..g.edge_count()).filter(|&e| g.is_kept(e)).count();
    if let Ok(path) = std::env::var("HEAPSIM_BENCH_INPUTS") {
        if let Ok(mut f) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
        {
            let _ = writeln!(
                f,
                "{}\t{}\t{}\t{}",
                b.name,
                g.node_count(),
                g.edge_count(),
                kept
            );
        }
    }
}

/// Benchmarks every algorithm on `b`; `chk_ok` / `petgraph_ok` gate the iterative ones.
fn bench_graph(c: &mut Criterion, group: &str, b: &BenchGraph, chk_ok: bool, petgraph_ok: bool) {
    note_input(b);
    let mut grp = c.benchmark_group(format!("{group}/{}", b.name));
    grp.sample_size(10);
    let input = b.graph.input();
    for a in Algorithm::ALL {
        if a == Algorithm::Chk && !chk_ok {
            eprintln!("skipping chk on {} (quadratic here)", b.name);
            continue;
        }
        grp.bench_function(BenchmarkId::from_parameter(a.name()), |bench| {
            bench.iter(|| a.run_with_retained(&input, &b.self_size))
        });
    }
    if petgraph_ok {
        let (vroot, edges) = b.rooted_edge_list();
        let pg: DiGraph<(), (), u32> = DiGraph::from_edges(edges);
        grp.bench_function(BenchmarkId::from_parameter("petgraph"), |bench| {
            bench.iter(|| petgraph::algo::dominators::simple_fast(&pg, vroot.into()))
        });
    } else {
        eprintln!("skipping petgraph on {}", b.name);
    }
    grp.finish();
}

fn real(c: &mut Criterion) {
    let Ok(list) = std::env::var("HEAPSIM_DOM_SNAPSHOTS") else {
        eprintln!("HEAPSIM_DOM_SNAPSHOTS not set: no real-snapshot benchmarks");
        return;
    };
    for path in list.split(':').filter(|p| !p.is_empty()) {
        match BenchGraph::from_snapshot(path.as_ref()) {
            Ok(b) => bench_graph(c, "real", &b, true, true),
            Err(e) => eprintln!("skipping {path}: {e}"),
        }
    }
}

fn synthetic(c: &mut Criterion) {
    // Opt-in: on a shared 2-core machine ten samples of eight algorithms at 1 M nodes take
    // minutes; `scripts/bench-dominators.sh` times the 1 M and 10 M graphs one-shot instead.
    if std::env::var("HEAPSIM_DOM_SYNTHETIC").is_ok_and(|v| v == "1") {
        bench_graph(
            c,
            "synthetic",
            &BenchGraph::synthetic(1_000_000),
            true,
            true,
        );
        bench_graph(
            c,
            "synthetic",
            &BenchGraph::synthetic(10_000_000),
            true,
            false,
        );
    }
}

fn family(c: &mut Criterion) {
    // (name, generator, sizes, largest size for CHK and petgraph). CHK (and petgraph's
    // simple_fast, the same algorithm) takes minutes per sample on the published families
    // beyond tiny sizes (130 s of CPU on itworst(500) here); `examples/domtime.rs` measures
    // their growth one-shot at small sizes instead.
    type Gen = fn(u32) -> families::Graph;
    let fams: [(&str, Gen, [u32; 3], u32); 6] = [
        ("itworst", families::itworst, [250, 500, 1000], 0),
        ("idfsquad", families::idfsquad, [4000, 16000, 64000], 0),
        ("ibfsquad", families::ibfsquad, [4000, 16000, 64000], 0),
        ("sncaworst", families::sncaworst, [2000, 8000, 32000], 0),
        (
            "backchain",
            families::chain_with_back_edges,
            [100_000, 400_000, 1_600_000],
            100_000,
        ),
        (
            "dlist",
            families::doubly_linked_list,
            [100_000, 400_000, 1_600_000],
            100_000,
        ),
    ];
    for (name, gen, sizes, iter_max) in fams {
        for k in sizes {
            let b = BenchGraph::family(
                &format!("{name}-{}", heapsim_benches::short(k as u64)),
                gen(k),
            );
            bench_graph(c, "family", &b, k <= iter_max, k <= iter_max);
        }
    }
}

criterion_group!(benches, real, synthetic, family);
criterion_main!(benches);
