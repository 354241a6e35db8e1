//! `heapsim dominators FILE [--algorithm NAME|all] [--json]`: times the dominator
//! algorithms of `analyzer::dominators` (immediate dominators + retained sizes, after
//! loading) on a real snapshot, over DevTools' dominator graph (essential edges, virtual
//! root over the root and every node without an essential retainer), and checks that they
//! agree. A disagreement names the first differing node and exits 1.

use super::output::outln;
use std::path::PathBuf;
use std::time::Instant;

use analyzer::dominators::{Algorithm, UNREACHABLE, VIRTUAL_ROOT};
use analyzer::domtree::DomGraph;
use analyzer::snapshot::HeapSnapshot;
use analyzer::units::thousands;
use serde::Serialize;

#[derive(clap::Args, Debug)]
#[command(after_help = "Examples:\n  heapsim dominators app.heapsnapshot\n  \
    heapsim dominators app.heapsnapshot --algorithm snca-pre --json\n\n\
    Algorithms: chk, lt, slt, snca (plain predecessor layout), lt-pre, slt-pre, snca-pre \
    (predecessors renumbered into DFS order), snca-par (renumbered, two threads), or all \
    (comma-separated lists work too). See docs/dominators.md.")]
pub struct Args {
    /// The .heapsnapshot file (`-`: standard input; .gz and .zst are read as they are).
    pub file: PathBuf,
    /// Which algorithms to time: chk, lt, slt, snca, lt-pre, slt-pre, snca-pre, snca-par, a
    /// comma-separated list of them, or all.
    #[arg(long, short, default_value = "all")]
    pub algorithm: String,
    /// Print JSON: {"nodes", "edges", "algorithms": [{"name", "seconds", "agrees"}]}.
    #[arg(long)]
    pub json: bool,
}

#[derive(Serialize)]
struct Report {
    nodes: usize,
    edges: usize,
    algorithms: Vec<Timing>,
}

#[derive(Serialize)]
struct Timing {
    name: &'static str,
    seconds: f64,
    agrees: bool,
}

fn parse_algorithms(s: &str) -> anyhow::Result<Vec<Algorithm>> {
    if s == "all" {
        return Ok(Algorithm::ALL.to_vec());
    }
    s.split(',')
        .map(|a| a.trim().parse::<Algorithm>().map_err(anyhow::Error::msg))
        .collect()
}

pub fn run(args: Args) -> anyhow::Result<i32> {
    let algorithms = parse_algorithms(&args.algorithm)?;
    let snapshot = super::load::load(&args.file)?;
    let report = time_algorithms(&snapshot, &algorithms);
    if args.json {
        let out = analyzer::report::json::Document::new(&[&args.file], &report.0);
        outln!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        print_text(&args, &report.0)?;
    }
    match report.1 {
        None => Ok(0),
        Some(msg) => {
            eprintln!("heapsim: error: {}: {msg}", args.file.display());
            Ok(1)
        }
    }
}

/// Runs each algorithm once; the second value describes the first disagreement, if any.
fn time_algorithms(s: &HeapSnapshot, algorithms: &[Algorithm]) -> (Report, Option<String>) {
    let graph = DomGraph::of(s);
    let input = graph.input(s);
    let mut reference: Option<(Algorithm, Vec<u32>, Vec<u64>)> = None;
    let mut problem = None;
    let mut timings = Vec::new();
    for &a in algorithms {
        let t = Instant::now();
        let (idom, retained) = a.run_with_retained(&input, &s.nodes.self_size);
        let seconds = t.elapsed().as_secs_f64();
        let agrees = match &reference {
            None => true,
            Some((ra, ri, rr)) => match first_difference(s, &idom, &retained, ri, rr) {
                None => true,
                Some(what) => {
                    problem.get_or_insert_with(|| {
                        format!("{} and {} disagree at {what}", ra.name(), a.name())
                    });
                    false
                }
            },
        };
        timings.push(Timing {
            name: a.name(),
            seconds,
            agrees,
        });
        if reference.is_none() {
            reference = Some((a, idom, retained));
        }
    }
    (
        Report {
            nodes: s.node_count(),
            edges: s.edge_count(),
            algorithms: timings,
        },
        problem,
    )
}

fn node_label(s: &HeapSnapshot, v: u32) -> String {
    match v {
        VIRTUAL_ROOT => "(virtual root)".into(),
        UNREACHABLE => "(unreachable)".into(),
        v => format!("@{} {:?}", s.node_id(v), s.node_name(v)),
    }
}

fn first_difference(
    s: &HeapSnapshot,
    idom: &[u32],
    retained: &[u64],
    ref_idom: &[u32],
    ref_retained: &[u64],
) -> Option<String> {
    let v = (0..idom.len()).find(|&v| idom[v] != ref_idom[v] || retained[v] != ref_retained[v])?;
    let v32 = v as u32;
    Some(format!(
        "node {}: dominator {} vs {}, retained size {} vs {}",
        node_label(s, v32),
        node_label(s, ref_idom[v]),
        node_label(s, idom[v]),
        ref_retained[v],
        retained[v]
    ))
}

fn print_text(args: &Args, r: &Report) -> std::io::Result<()> {
    outln!(
        "{}: {} nodes, {} edges",
        args.file.display(),
        thousands(r.nodes as u64),
        thousands(r.edges as u64)
    );
    outln!(
        "{:<10} {:>10} {:>9}  agrees",
        "algorithm",
        "seconds",
        "ns/edge"
    );
    for t in &r.algorithms {
        outln!(
            "{:<10} {:>10.3} {:>9.1}  {}",
            t.name,
            t.seconds,
            t.seconds * 1e9 / r.edges.max(1) as f64,
            if t.agrees { "yes" } else { "NO" }
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use analyzer::snapshot::SnapshotBuilder;
    use format::{EdgeKind, NodeKind};

    fn small() -> HeapSnapshot {
        let mut b = SnapshotBuilder::new();
        let root = b.node(NodeKind::Synthetic, "", 0);
        let a = b.node(NodeKind::Object, "A", 10);
        let c = b.node(NodeKind::Object, "C", 20);
        let w = b.node(NodeKind::Object, "W", 30);
        b.edge(root, EdgeKind::Element, "1", a);
        b.edge(a, EdgeKind::Property, "c", c);
        b.edge(root, EdgeKind::Weak, "1", w);
        b.finish()
    }

    #[test]
    fn all_algorithms_agree_on_a_snapshot() {
        let s = small();
        let (r, problem) = time_algorithms(&s, &Algorithm::ALL);
        assert!(problem.is_none());
        assert_eq!(r.algorithms.len(), Algorithm::ALL.len());
        assert!(r.algorithms.iter().all(|t| t.agrees));
        assert_eq!((r.nodes, r.edges), (4, 3));
    }

    #[test]
    fn a_difference_names_the_node() {
        let s = small();
        let msg = first_difference(
            &s,
            &[VIRTUAL_ROOT, 0, 0, VIRTUAL_ROOT],
            &[60, 30, 20, 30],
            &[VIRTUAL_ROOT, 0, 1, VIRTUAL_ROOT],
            &[60, 30, 20, 30],
        )
        .unwrap();
        assert!(msg.contains("\"C\""), "{msg}");
        assert!(msg.contains(&format!("@{}", s.node_id(2))), "{msg}");
    }

    #[test]
    fn algorithm_names_parse() {
        assert_eq!(parse_algorithms("all").unwrap().len(), Algorithm::ALL.len());
        assert_eq!(
            parse_algorithms("snca,chk").unwrap(),
            vec![Algorithm::Snca, Algorithm::Chk]
        );
        assert!(parse_algorithms("fast")
            .unwrap_err()
            .to_string()
            .contains("unknown dominator algorithm"));
    }
}
