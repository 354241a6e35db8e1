//! Shared helpers for heapsim's criterion benchmarks (the benches themselves live in
//! `benches/benches/`) and the one-shot timing example (`examples/domtime.rs`).

use analyzer::dominators::families::{self, Graph};
use analyzer::snapshot::HeapSnapshot;
use std::path::Path;

/// A graph to run dominator algorithms on, with the self sizes retained sizes sum.
pub struct BenchGraph {
    pub name: String,
    pub graph: Graph,
    pub self_size: Vec<u64>,
}

impl BenchGraph {
    /// DevTools' dominator graph of a real snapshot: essential edges, virtual root over the
    /// root and every node without an essential retainer (what `heapsim dominators` times).
    pub fn from_snapshot(path: &Path) -> Result<BenchGraph, String> {
        let opts = analyzer::reader::ReadOptions { progress: false };
        let s = analyzer::reader::read_path(path, &opts)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(Self::from_heap(
            path.file_name()
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_default(),
            s,
        ))
    }

    pub fn from_heap(name: String, s: HeapSnapshot) -> BenchGraph {
        let eph = analyzer::devtools::ephemeron::EphemeronNames::build(&s.strings);
        let page = analyzer::devtools::essential::page_owned(&s);
        let essential = analyzer::devtools::essential::essential_edges(&s, &eph, &page);
        let roots = analyzer::domtree::virtual_root_children(&s, &essential);
        let HeapSnapshot { nodes, edges, .. } = s;
        BenchGraph {
            name,
            graph: Graph {
                first_edge: nodes.first_edge,
                to: edges.to,
                keep: Some(essential),
                roots,
            },
            self_size: nodes.self_size,
        }
    }

    /// [`families::heap_like`] with V8-like self sizes (16–112 bytes).
    pub fn synthetic(n: u32) -> BenchGraph {
        let graph = families::heap_like(n, 0x5eed);
        let self_size = (0..graph.node_count() as u64)
            .map(|v| 16 + (v * 2654435761 % 97))
            .collect();
        BenchGraph {
            name: format!("synthetic-{}", short(n as u64)),
            graph,
            self_size,
        }
    }

    /// A family member with unit self sizes.
    pub fn family(name: &str, graph: Graph) -> BenchGraph {
        let self_size = vec![1; graph.node_count()];
        BenchGraph {
            name: name.to_string(),
            graph,
            self_size,
        }
    }

    /// Kept edges only, plus one edge from the virtual root (numbered `n`) to each root:
    /// the single-rooted graph an outside library such as petgraph needs.
    pub fn rooted_edge_list(&self) -> (u32, Vec<(u32, u32)>) {
        let g = &self.graph;
        let n = g.node_count() as u32;
        let mut out: Vec<(u32, u32)> = g.roots.iter().map(|&r| (n, r)).collect();
        for v in 0..g.node_count() {
            for e in g.first_edge[v] as usize..g.first_edge[v + 1] as usize {
                if g.is_kept(e) {
                    out.push((v as u32, g.to[e]));
                }
            }
        }
        (n, out)
    }
}

/// `1000000` → `1M`, `12000` → `12k`.
pub fn short(n: u64) -> String {
    if n >= 1_000_000 && n.is_multiple_of(1_000_000) {
        format!("{}M", n / 1_000_000)
    } else if n >= 1000 && n.is_multiple_of(1000) {
        format!("{}k", n / 1000)
    } else {
        n.to_string()
    }
}

/// CPU time of the calling thread in seconds, from `/proc/thread-self/schedstat` (0 when
/// unavailable). The benchmark machine is shared, so reports give CPU time next to wall.
pub fn thread_cpu_seconds() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<u64>().ok())
        .map_or(0.0, |ns| ns as f64 / 1e9)
}
