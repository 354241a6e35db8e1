//! The analysed snapshot: everything DevTools computes when it opens a file.
//!
//! [`Analysis::new`] runs DevTools' initialisation (`HeapSnapshot.initialize` in
//! `HeapSnapshot.ts`, version 1.0.1705227) in its order, each step in its own module:
//! 0. attached/detached state of native objects, renaming detached ones
//!    ([`crate::devtools::detachedness`]; names in `snapshot` change in place);
//! 1. page-owned nodes and essential edges ([`crate::devtools::essential`], with WeakMap
//!    edge names from [`crate::devtools::ephemeron`]);
//! 2. shallow-size redistribution ([`crate::devtools::shallow`]) — applied to
//!    `snapshot.nodes.self_size` **in place**, as DevTools does, so every size read from
//!    the analysis afterwards is the one DevTools shows;
//! 3. dominators, retained sizes and the dominator tree ([`crate::domtree`]);
//! 4. distances ([`crate::devtools::distances`]);
//! 5. class keys ([`crate::devtools::classes`]).
//!
//! Steps 1 and 4 run alongside 2 (its owner search), 5 and the assembly of step 3's graph
//! (two threads): they only read the snapshot, and none reads self sizes, so the
//! redistribution is written after them;
//! the dominator pass (3) runs last, alone, so that their temporaries are gone by then,
//! with the node ids and names and the edge names packed while it runs ([`Parked`]).
//!
//! The Summary ([`crate::devtools::summary`]) and Statistics ([`crate::devtools::statistics`]) views and
//! retainer paths ([`crate::paths`]) are computed on demand from an `Analysis`. The
//! Summary reads only per-node results ([`NodeResults`]), so it can also run on a
//! [`SummaryAnalysis`]: the same steps, with the graph and names freed before the
//! dominator pass (the memory-lean path of `heapsim summary`).

use crate::bitset::BitSet;
use crate::devtools::classes::Classes;
use crate::devtools::ephemeron::EphemeronNames;
use crate::domtree::{DomGraph, DomTree};
use crate::packed::PackedColumn;
use crate::snapshot::{HeapSnapshot, NodeIx, StringTable};

/// A snapshot with DevTools' analyses.
#[derive(Clone, Debug)]
pub struct Analysis {
    /// The snapshot; `nodes.self_size` holds DevTools' redistributed shallow sizes.
    pub snapshot: HeapSnapshot,
    /// DevTools' essential edges (one bit per edge).
    pub essential: BitSet,
    /// DevTools' distance per node ([`crate::devtools::distances::NO_DISTANCE`] when unreachable).
    pub distance: Vec<i32>,
    /// Class key of every node.
    pub classes: Classes,
    /// The dominator tree with retained sizes.
    pub tree: DomTree,
}

/// What the Summary view ([`crate::devtools::summary`]) reads, and nothing else: DevTools' per-node
/// results without the graph, the names or the strings. [`SummaryAnalysis::new`] frees
/// those before the dominator pass, which is what makes it lean (`docs/dominators.md`).
#[derive(Clone, Debug)]
pub struct SummaryAnalysis {
    /// Edges in the snapshot (the graph itself is gone).
    pub edge_count: usize,
    /// The snapshot's `extra_native_bytes`, 0 when absent.
    pub extra_native_bytes: u64,
    /// DevTools' redistributed shallow size per node.
    pub self_size: Vec<u64>,
    /// DevTools' distance per node.
    pub distance: Vec<i32>,
    /// Class key of every node (the keys own their names).
    pub classes: Classes,
    /// The dominator tree with retained sizes.
    pub tree: DomTree,
}

/// DevTools' per-node results, as the views that read neither edges nor names (the
/// Summary) take them from an [`Analysis`] or a [`SummaryAnalysis`].
pub trait NodeResults {
    /// Redistributed shallow size per node.
    fn self_sizes(&self) -> &[u64];
    /// DevTools' distance per node.
    fn distances(&self) -> &[i32];
    /// Class key of every node.
    fn classes(&self) -> &Classes;
    /// The dominator tree with retained sizes.
    fn tree(&self) -> &DomTree;
    /// The snapshot's `extra_native_bytes`, 0 when absent.
    fn extra_native_bytes(&self) -> u64;

    fn node_count(&self) -> usize {
        self.self_sizes().len()
    }

    /// Total heap size as DevTools reports it: the root's retained size plus
    /// `extra_native_bytes`.
    fn total_size(&self) -> u64 {
        self.tree().total() + self.extra_native_bytes()
    }

    /// The class name DevTools shows for node `n`.
    fn class_name(&self, n: NodeIx) -> &str {
        self.classes().name(n)
    }
}

impl Analysis {
    /// Analyses `snapshot` the way DevTools does when it loads it.
    pub fn new(mut snapshot: HeapSnapshot) -> Analysis {
        let PerNode {
            graph,
            distance,
            classes,
        } = per_node_passes(&mut snapshot);
        let parked = Parked::take(&mut snapshot);
        let tree = DomTree::build(&snapshot, &graph, &snapshot.nodes.self_size);
        parked.restore(&mut snapshot);
        Analysis {
            snapshot,
            essential: graph.essential,
            distance,
            classes,
            tree,
        }
    }

    /// Ordinal of the node with V8 id `id`.
    pub fn find_id(&self, id: u32) -> Option<NodeIx> {
        self.snapshot.find_id(id)
    }
}

/// The snapshot's largest columns that the dominator pass does not read (node ids and
/// names, edge names), packed ([`PackedColumn`]) while it runs: they would otherwise sit
/// under its working set, the largest of the analysis (`docs/performance.md`, issue 16).
/// The Summary's path frees them instead ([`SummaryAnalysis::new`]).
struct Parked {
    node_id: PackedColumn,
    node_name: PackedColumn,
    edge_name: PackedColumn,
}

impl Parked {
    fn take(s: &mut HeapSnapshot) -> Parked {
        Parked {
            node_id: PackedColumn::pack(std::mem::take(&mut s.nodes.id)),
            node_name: PackedColumn::pack(std::mem::take(&mut s.nodes.name)),
            edge_name: PackedColumn::pack(std::mem::take(&mut s.edges.name_or_index)),
        }
    }

    /// Largest first: each unpacked column then lands where the dominator pass's
    /// temporaries were, and the peak of the restore stays below the pass's.
    fn restore(self, s: &mut HeapSnapshot) {
        s.edges.name_or_index = self.edge_name.unpack();
        s.nodes.name = self.node_name.unpack();
        s.nodes.id = self.node_id.unpack();
    }
}

/// What the passes before the dominators leave: the graph the dominator pass runs on, and
/// the per-node results that do not depend on it.
struct PerNode {
    graph: DomGraph,
    distance: Vec<i32>,
    classes: Classes,
}

/// Steps 0–2, 4 and 5 of DevTools' initialisation (see the module doc), on two threads:
/// the essential edges and then the distances on one, the shallow-size owners, the class
/// keys and then the dominator graph over the essential edges ([`DomGraph::over`], handed
/// over by the first thread) on the other, so that the dominator pass need not assemble
/// it alone afterwards; none of them reads self sizes, so the redistribution is
/// written only after both are done. Running them all before the dominator pass, rather
/// than beside it, keeps their temporaries (search queues, name tables) out of the
/// dominator pass's working set, the largest of the analysis.
fn per_node_passes(snapshot: &mut HeapSnapshot) -> PerNode {
    crate::devtools::detachedness::propagate(snapshot);
    let eph = EphemeronNames::build(&snapshot.strings);
    let (distance, (owners, classes, graph)) = std::thread::scope(|sc| {
        let s = &*snapshot;
        let eph = &eph;
        let (essential_tx, essential_rx) = std::sync::mpsc::channel();
        let side = sc.spawn(move || {
            let owners = crate::devtools::shallow::owners_if_needed(s);
            let classes = Classes::build(s);
            let essential = essential_rx
                .recv()
                .expect("essential edges thread panicked");
            (owners, classes, DomGraph::over(s, essential))
        });
        let page = crate::devtools::essential::page_owned(s);
        let essential = crate::devtools::essential::essential_edges(s, eph, &page);
        drop(page);
        // The other thread assembles the dominator graph once its own passes are done.
        essential_tx
            .send(essential)
            .expect("shallow-size owners/classes thread panicked");
        let distance = crate::devtools::distances::distances(s, eph);
        (
            distance,
            side.join()
                .expect("shallow-size owners/classes/dominator graph panicked"),
        )
    });
    if let Some(owners) = owners {
        crate::devtools::shallow::apply(snapshot, &owners);
    }
    PerNode {
        graph,
        distance,
        classes,
    }
}

impl SummaryAnalysis {
    /// The analysis for the Summary, with the same results as [`Analysis::new`]
    /// (`tests/analysis_lean.rs`) and a smaller peak: the snapshot data nothing after the
    /// class and distance passes reads — edge kinds and names, node names and ids,
    /// `trace_node_id`, `detachedness`, the string table, the locations and the allocation
    /// traces — is freed before the dominator pass, the step with the largest working set,
    /// which then runs alone; the rest of the snapshot goes after it.
    pub fn new(mut snapshot: HeapSnapshot) -> SummaryAnalysis {
        let PerNode {
            graph,
            distance,
            classes,
        } = per_node_passes(&mut snapshot);
        // Read by nothing from here on: class keys own their names, domstate is done, and
        // the dominator pass reads only the forward CSR, node kinds (the count) and sizes.
        snapshot.edges.kind = Vec::new();
        snapshot.edges.name_or_index = Vec::new();
        snapshot.nodes.trace_node_id = Vec::new();
        snapshot.nodes.name = Vec::new();
        snapshot.nodes.id = Vec::new();
        snapshot.nodes.detachedness = Vec::new();
        snapshot.strings = StringTable::new();
        snapshot.locations = Vec::new();
        snapshot.traces = Default::default();
        let tree = DomTree::build(&snapshot, &graph, &snapshot.nodes.self_size);
        SummaryAnalysis {
            edge_count: snapshot.edge_count(),
            extra_native_bytes: snapshot.meta.extra_native_bytes.unwrap_or(0),
            self_size: snapshot.nodes.self_size,
            distance,
            classes,
            tree,
        }
    }
}

impl NodeResults for Analysis {
    fn self_sizes(&self) -> &[u64] {
        &self.snapshot.nodes.self_size
    }
    fn distances(&self) -> &[i32] {
        &self.distance
    }
    fn classes(&self) -> &Classes {
        &self.classes
    }
    fn tree(&self) -> &DomTree {
        &self.tree
    }
    fn extra_native_bytes(&self) -> u64 {
        self.snapshot.meta.extra_native_bytes.unwrap_or(0)
    }
}

impl NodeResults for SummaryAnalysis {
    fn self_sizes(&self) -> &[u64] {
        &self.self_size
    }
    fn distances(&self) -> &[i32] {
        &self.distance
    }
    fn classes(&self) -> &Classes {
        &self.classes
    }
    fn tree(&self) -> &DomTree {
        &self.tree
    }
    fn extra_native_bytes(&self) -> u64 {
        self.extra_native_bytes
    }
}

/// DevTools' class keys of `snapshot`, with its shallow sizes redistributed in place: the
/// per-node passes of [`Analysis::new`] without the dominator pass, for a view that reads
/// nothing else (the Comparison, [`crate::report::diff::Census`]).
pub fn classes_and_sizes(snapshot: &mut HeapSnapshot) -> Classes {
    per_node_passes(snapshot).classes
}
