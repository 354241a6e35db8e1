//! Leak reports: what is leaking, and where its memory accumulates.
//!
//! Everything here reads the dominator tree of one snapshot (or the matched node ids of
//! several) through [`DomView`]: the snapshot and its [`DomTree`], flat columns — `idom`,
//! retained sizes and the dominator tree's children in CSR form — so each report is a handful of linear passes
//! over `u32`/`u64` vectors, never a pointer graph and never recursion (heap graphs have
//! million-deep dominator chains).
//!
//! * [`suspects`] — Eclipse MAT's "Leak Suspects" idea applied to V8 snapshots;
//! * [`accumulation`] — where a suspect's memory piles up (MAT's accumulation point);
//! * [`allocation_stacks`] — where a report's objects were allocated (DevTools' Allocation
//!   stack);
//! * [`chains`] — repeating patterns of edges (linked lists, closure-context chains), found
//!   and folded;
//! * [`labels`] — how reports name objects and groups of objects (DevTools' classes);
//! * [`retainer_path`] — how every command writes a retainer path;
//! * [`cluster_tree`] — the dominator tree with same-class siblings folded;
//! * [`diff`] — DevTools' Comparison view and memlab's three-snapshot leak grouping;
//! * [`lineage`] — whether two snapshots can be from one process, in that order;
//! * [`growth`] — collections and classes that grew in every step of N snapshots (memlab's
//!   unbound-collection analysis);
//! * [`strings`] — duplicated strings and the bytes they waste;
//! * [`text`] — the plain-text rendering users read, including the talk's suspect sentence.

use crate::devtools::classes::Classes;
use crate::domtree::DomTree;
use crate::snapshot::HeapSnapshot;

pub mod accumulation;
pub mod allocation_stacks;
pub mod chains;
pub mod cluster_tree;
pub mod diff;
pub mod growth;
pub mod json;
pub mod labels;
pub mod lineage;
pub mod retainer_path;
pub mod strings;
pub mod suspects;
pub mod text;

/// What every report reads: one snapshot, its dominator tree ([`DomTree`]) and DevTools'
/// class of every node ([`Classes`], the names reports use, see [`labels`]).
///
/// The tree spans all nodes: `idom[root] == root`, and DevTools attaches weakly-retained
/// and unreachable nodes to the root.
#[derive(Clone, Copy, Debug)]
pub struct DomView<'a> {
    pub snapshot: &'a HeapSnapshot,
    pub tree: &'a DomTree,
    pub classes: &'a Classes,
}

impl<'a> DomView<'a> {
    /// The view of a DevTools-exact analysis.
    pub fn of(a: &'a crate::analysis::Analysis) -> DomView<'a> {
        DomView {
            snapshot: &a.snapshot,
            tree: &a.tree,
            classes: &a.classes,
        }
    }

    /// The dominator-tree child of `n` retaining most (ties: the first), if any.
    pub fn heaviest_child(&self, n: crate::snapshot::NodeIx) -> Option<crate::snapshot::NodeIx> {
        self.tree
            .children(n)
            .iter()
            .copied()
            .max_by_key(|&c| (self.tree.retained[c as usize], std::cmp::Reverse(c)))
    }
}

/// For unit tests that have only a snapshot: the dominator tree over all non-weak edges
/// (DevTools' virtual-root rule on that filter) — the analysis' tree whenever the graph has
/// no shortcut, WeakMap or page-owned edges, without the size redistribution.
#[cfg(test)]
pub(crate) fn non_weak_tree(s: &HeapSnapshot) -> DomTree {
    use crate::bitset::BitSet;
    use crate::domtree::DomGraph;
    use format::EdgeKind;
    let mut keep = BitSet::new(s.edge_count());
    for e in 0..s.edge_count() as u32 {
        if s.edge_kind(e) != EdgeKind::Weak {
            keep.set(e as usize);
        }
    }
    DomTree::build(s, &DomGraph::over(s, keep), &s.nodes.self_size)
}
