//! Quick wall-clock timing of every dominator algorithm on a synthetic heap-shaped graph:
//! `cargo run --release -p heapsim-benches --example domtime -- NODES [ALGO...]`.
use analyzer::dominators::{families, Algorithm};
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n: u32 = args
        .get(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let algos: Vec<Algorithm> = if args.len() > 2 {
        args[2..].iter().map(|s| s.parse().unwrap()).collect()
    } else {
        Algorithm::ALL.to_vec()
    };
    let t = Instant::now();
    let g = families::heap_like(n, 42);
    eprintln!(
        "heap_like({n}): {} nodes, {} edges, {} roots, generated in {:.2?}",
        g.node_count(),
        g.edge_count(),
        g.roots.len(),
        t.elapsed()
    );
    let sizes: Vec<u64> = (0..g.node_count() as u64).map(|v| 16 + v % 97).collect();
    let mut reference: Option<Vec<u64>> = None;
    for a in algos {
        let t = Instant::now();
        let (_, r) = a.run_with_retained(&g.input(), &sizes);
        let dt = t.elapsed();
        let ok = match &reference {
            None => {
                reference = Some(r);
                true
            }
            Some(x) => *x == r,
        };
        println!(
            "{:10} {:8.3} s  {:6.1} ns/edge  agrees={ok}",
            a.name(),
            dt.as_secs_f64(),
            dt.as_secs_f64() * 1e9 / g.edge_count() as f64
        );
    }
}
