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
//! Steps 1 and 2 run alongside each other, and so do 3 and 4–5 (two threads): they only
//! read the snapshot.
//!
//! The Summary ([`crate::devtools::summary`]) and Statistics
//! ([`crate::devtools::statistics`]) views and retainer paths ([`crate::paths`]) are
//! computed on demand from an `Analysis`.

use crate::bitset::BitSet;
use crate::devtools::classes::Classes;
use crate::devtools::ephemeron::EphemeronNames;
use crate::domtree::DomTree;
use crate::snapshot::{HeapSnapshot, NodeIx, StringTable};

/// A snapshot with DevTools' analyses.
#[derive(Clone, Debug)]
pub struct Analysis {
    /// The snapshot; `nodes.self_size` holds DevTools' redistributed shallow sizes.
    pub snapshot: HeapSnapshot,
    /// DevTools' essential edges (one bit per edge).
    pub essential: BitSet,
    /// Immediate dominator ordinal per node; `idom[root] == root`.
    pub idom: Vec<u32>,
    /// Retained size per node.
    pub retained: Vec<u64>,
    /// DevTools' distance per node ([`crate::devtools::distances::NO_DISTANCE`] when unreachable).
    pub distance: Vec<i32>,
    /// Dominator-tree children CSR: `dom_children[dom_first[v]..dom_first[v + 1]]`.
    pub dom_first: Vec<u32>,
    pub dom_children: Vec<u32>,
    /// Class key of every node.
    pub classes: Classes,
}

impl Analysis {
    /// Analyses `snapshot` the way DevTools does when it loads it.
    pub fn new(mut snapshot: HeapSnapshot) -> Analysis {
        crate::devtools::detachedness::propagate(&mut snapshot);
        // Two read-only phases, each split over two threads (the machine's two cores);
        // the size redistribution between them is the only write.
        let eph = EphemeronNames::build(&snapshot.strings);
        let (essential, owners) = std::thread::scope(|sc| {
            let s = &snapshot;
            let owners = sc.spawn(move || crate::devtools::shallow::owners_if_needed(s));
            let page = crate::devtools::essential::page_owned(s);
            let essential = crate::devtools::essential::essential_edges(s, &eph, &page);
            (
                essential,
                owners.join().expect("shallow-size owners panicked"),
            )
        });
        if let Some(owners) = owners {
            crate::devtools::shallow::apply(&mut snapshot, &owners);
        }
        let (tree, (distance, classes)) = std::thread::scope(|sc| {
            let s = &snapshot;
            let eph = &eph;
            let side = sc.spawn(move || {
                (
                    crate::devtools::distances::distances(s, eph),
                    Classes::build(s),
                )
            });
            let tree = DomTree::build(s, &essential, &s.nodes.self_size);
            (tree, side.join().expect("distances/classes panicked"))
        });
        Analysis {
            snapshot,
            essential,
            idom: tree.idom,
            retained: tree.retained,
            distance,
            dom_first: tree.first,
            dom_children: tree.children,
            classes,
        }
    }

    /// The same analysis for views that read only per-node results (the Summary): the
    /// snapshot data nothing after the class and distance passes reads — edge kinds and
    /// names, node names, `trace_node_id`, `detachedness`, the string table and the
    /// locations (class keys own their names) — is freed before the dominator pass, the
    /// step with the largest working set, which then runs alone. The returned snapshot
    /// keeps `meta`, node kinds, ids, self sizes and the forward CSR (`first_edge`,
    /// `edges.to`), so `node_count`, `edge_count`, `find_id` and the dominator tree work;
    /// those freed columns are empty. Every result field equals [`Analysis::new`]'s
    /// (`tests/analysis_lean.rs`). Classes and distances do not read self sizes, so they
    /// run in the first phase beside the essential edges and shallow owners (two
    /// threads), before the redistribution is written.
    pub fn new_lean(mut snapshot: HeapSnapshot) -> Analysis {
        crate::devtools::detachedness::propagate(&mut snapshot);
        let eph = EphemeronNames::build(&snapshot.strings);
        let ((essential, distance), (owners, classes)) = std::thread::scope(|sc| {
            let s = &snapshot;
            let eph = &eph;
            let side = sc.spawn(move || {
                (
                    crate::devtools::shallow::owners_if_needed(s),
                    Classes::build(s),
                )
            });
            let page = crate::devtools::essential::page_owned(s);
            let essential = crate::devtools::essential::essential_edges(s, eph, &page);
            drop(page);
            let distance = crate::devtools::distances::distances(s, eph);
            (
                (essential, distance),
                side.join().expect("shallow-size owners/classes panicked"),
            )
        });
        drop(eph);
        if let Some(owners) = owners {
            crate::devtools::shallow::apply(&mut snapshot, &owners);
        }
        // Read by nothing from here on: class keys own their names, detachedness is done.
        snapshot.edges.kind = Vec::new();
        snapshot.edges.name_or_index = Vec::new();
        snapshot.nodes.trace_node_id = Vec::new();
        snapshot.nodes.name = Vec::new();
        snapshot.nodes.detachedness = Vec::new();
        snapshot.strings = StringTable::new();
        snapshot.locations = Vec::new();
        let tree = DomTree::build(&snapshot, &essential, &snapshot.nodes.self_size);
        Analysis {
            snapshot,
            essential,
            idom: tree.idom,
            retained: tree.retained,
            distance,
            dom_first: tree.first,
            dom_children: tree.children,
            classes,
        }
    }

    /// The nodes `n` immediately dominates, ascending.
    #[inline]
    pub fn children(&self, n: NodeIx) -> &[u32] {
        &self.dom_children
            [self.dom_first[n as usize] as usize..self.dom_first[n as usize + 1] as usize]
    }

    /// Total heap size as DevTools reports it: the root's retained size plus
    /// `extra_native_bytes`.
    pub fn total_size(&self) -> u64 {
        self.retained.first().copied().unwrap_or(0)
            + self.snapshot.meta.extra_native_bytes.unwrap_or(0)
    }

    /// The class name DevTools shows for node `n`.
    #[inline]
    pub fn class_name(&self, n: NodeIx) -> &str {
        self.classes.name(n)
    }

    /// Ordinal of the node with V8 id `id`.
    pub fn find_id(&self, id: u32) -> Option<NodeIx> {
        self.snapshot.find_id(id)
    }
}
