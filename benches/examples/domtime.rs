//! One-shot timing of the dominator algorithms (dominators + retained sizes) and petgraph's
//! `simple_fast`, for inputs too large for criterion's ten samples per algorithm:
//!
//! ```text
//! cargo run --release -p heapsim-benches --example domtime -- \
//!     (--snapshot FILE | --synthetic N | --family NAME K) [--reps R] [--petgraph] [--algorithms a,b]
//! ```
//!
//! Prints one JSON object per line: `{"input", "nodes", "edges", "kept", "algorithm",
//! "seconds", "cpu_seconds"}` with the best of `R` runs (default 3); `cpu_seconds` is the
//! thread's CPU time, which matters on a shared machine. Exits 1 if the algorithms disagree.
use analyzer::dominators::{families, Algorithm};
use heapsim_benches::{thread_cpu_seconds, BenchGraph};
use petgraph::graph::DiGraph;
use std::time::Instant;

fn usage() -> ! {
    eprintln!("usage: domtime (--snapshot FILE | --synthetic N | --family NAME K) [--reps R] [--petgraph] [--algorithms a,b]");
    std::process::exit(2)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut it = args.iter();
    let mut input: Option<BenchGraph> = None;
    let mut reps = 3;
    let mut petgraph = false;
    let mut algos = Algorithm::ALL.to_vec();
    while let Some(a) = it.next() {
        let mut val = || it.next().cloned().unwrap_or_else(|| usage());
        match a.as_str() {
            "--snapshot" => {
                let p = val();
                input = Some(BenchGraph::from_snapshot(p.as_ref()).unwrap_or_else(|e| {
                    eprintln!("domtime: {e}");
                    std::process::exit(2)
                }))
            }
            "--synthetic" => {
                input = Some(BenchGraph::synthetic(
                    val().parse().unwrap_or_else(|_| usage()),
                ))
            }
            "--family" => {
                let name = val();
                let k: u32 = val().parse().unwrap_or_else(|_| usage());
                let g = match name.as_str() {
                    "itworst" => families::itworst(k),
                    "idfsquad" => families::idfsquad(k),
                    "ibfsquad" => families::ibfsquad(k),
                    "sncaworst" => families::sncaworst(k),
                    "backchain" => families::chain_with_back_edges(k),
                    "dlist" => families::doubly_linked_list(k),
                    _ => usage(),
                };
                input = Some(BenchGraph::family(&format!("{name}-{k}"), g));
            }
            "--reps" => reps = val().parse().unwrap_or_else(|_| usage()),
            "--petgraph" => petgraph = true,
            "--algorithms" => {
                algos = val()
                    .split(',')
                    .map(|s| {
                        s.parse().unwrap_or_else(|e: String| {
                            eprintln!("domtime: {e}");
                            std::process::exit(2)
                        })
                    })
                    .collect()
            }
            _ => usage(),
        }
    }
    let Some(b) = input else { usage() };
    let g = &b.graph;
    let kept = (0..g.edge_count()).filter(|&e| g.is_kept(e)).count();
    let line = |alg: &str, wall: f64, cpu: f64| {
        println!(
            "{{\"input\": \"{}\", \"nodes\": {}, \"edges\": {}, \"kept\": {}, \"algorithm\": \"{}\", \"seconds\": {:.6}, \"cpu_seconds\": {:.6}}}",
            b.name,
            g.node_count(),
            g.edge_count(),
            kept,
            alg,
            wall,
            cpu
        )
    };
    let mut reference: Option<(Vec<u32>, Vec<u64>)> = None;
    let mut disagree = false;
    for a in algos {
        let (mut best, mut best_cpu) = (f64::MAX, f64::MAX);
        for _ in 0..reps.max(1) {
            let c = thread_cpu_seconds();
            let t = Instant::now();
            let out = a.run_with_retained(&g.input(), &b.self_size);
            best = best.min(t.elapsed().as_secs_f64());
            best_cpu = best_cpu.min(thread_cpu_seconds() - c);
            match &reference {
                None => reference = Some(out),
                Some(r) => {
                    if *r != out {
                        eprintln!("domtime: {} disagrees on {}", a.name(), b.name);
                        disagree = true;
                    }
                }
            }
        }
        line(a.name(), best, best_cpu);
    }
    if petgraph {
        let (vroot, edges) = b.rooted_edge_list();
        let pg: DiGraph<(), (), u32> = DiGraph::from_edges(edges);
        let (mut best, mut best_cpu) = (f64::MAX, f64::MAX);
        for _ in 0..reps.max(1) {
            let c = thread_cpu_seconds();
            let t = Instant::now();
            let d = petgraph::algo::dominators::simple_fast(&pg, vroot.into());
            best = best.min(t.elapsed().as_secs_f64());
            best_cpu = best_cpu.min(thread_cpu_seconds() - c);
            std::hint::black_box(d);
        }
        line("petgraph", best, best_cpu);
    }
    if disagree {
        std::process::exit(1);
    }
}
