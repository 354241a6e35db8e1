//! Where the time of the default algorithm (`snca-pre`) goes, phase by phase, in wall and
//! thread-CPU time, after the analysis path's whole run (`compute_with_retained`, the lean
//! SEMI-NCA the analysis calls: issue 16's goal 3): `domphases (--snapshot FILE | --synthetic N)`.
use analyzer::dominators::preorder::{NodePreds, NumPreds, Preorder};
use analyzer::dominators::snca;
use heapsim_benches::{thread_cpu_seconds, BenchGraph};
use std::time::Instant;

fn phase<T>(name: &str, f: impl FnOnce() -> T) -> T {
    let (c, t) = (thread_cpu_seconds(), Instant::now());
    let out = f();
    println!(
        "{name:<28} wall {:8.3} s  cpu {:8.3} s",
        t.elapsed().as_secs_f64(),
        thread_cpu_seconds() - c
    );
    out
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let b = match (args.first().map(String::as_str), args.get(1)) {
        (Some("--snapshot"), Some(p)) => {
            BenchGraph::from_snapshot(p.as_ref()).unwrap_or_else(|e| {
                eprintln!("domphases: {e}");
                std::process::exit(2)
            })
        }
        (Some("--synthetic"), Some(n)) => BenchGraph::synthetic(n.parse().unwrap_or(1_000_000)),
        _ => {
            eprintln!("usage: domphases (--snapshot FILE | --synthetic N)");
            std::process::exit(2)
        }
    };
    let g = b.graph.input();
    println!(
        "{}: {} nodes, {} edges",
        b.name,
        b.graph.node_count(),
        b.graph.edge_count()
    );
    drop(phase("analysis path (lean, whole)", || {
        analyzer::dominators::compute_with_retained(&g, &b.self_size)
    }));
    let (pre, preds) = phase("dfs + renumbered preds", || NumPreds::with_preorder(&g));
    let d = phase("snca (semi + nca)", || snca::run(&pre, &preds));
    drop(preds);
    let _r = phase("retained (DFS order)", || pre.retained(&d, &b.self_size));
    let _i = phase("idom to node ordinals", || pre.to_nodes(&d));
    let pre2 = phase("plain: dfs", || Preorder::build(&g));
    let np = phase("plain: reverse csr", || NodePreds::build(&g, &pre2));
    let _d2 = phase("plain: snca", || snca::run(&pre2, &np));
}
