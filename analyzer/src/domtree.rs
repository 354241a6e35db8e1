//! DevTools' dominator tree: which graph it is computed on, and its children lists.
//!
//! Source: Chrome DevTools `HeapSnapshot.ts`, `calculateDominatorsAndRetainedSizes` and
//! `buildDominatedNodes` (version 1.0.1705227). DevTools runs Lengauer–Tarjan over the
//! essential edges ([`crate::devtools::essential`]) from the root, then
//! (a) starts a further depth-first search, parented at the root, from every unvisited node
//!     that has no essential retainer at all (objects retained only weakly), and treats such
//!     nodes as having the root as their only predecessor;
//! (b) gives every node still unvisited (cliques that only retain each other) the root as
//!     immediate dominator, and counts their sizes into the root's retained size.
//!
//! Dominators are unique, so the same tree comes out of any correct algorithm run on the
//! graph "virtual root → {root} ∪ {v ≠ root without essential in-edge}", with the virtual
//! root and unreachable nodes mapped to the root. [`DomGraph`] is that graph,
//! [`DomTree::build`] the tree, with [`crate::dominators::compute_with_retained`] doing the
//! work. `DomTree` is the analyzer's one dominator tree: the analyses, the reports and the
//! views all read it.

use crate::bitset::BitSet;
use crate::devtools::ephemeron::EphemeronNames;
use crate::dominators::{self, DomInput, UNREACHABLE, VIRTUAL_ROOT};
use crate::snapshot::{HeapSnapshot, NodeIx};

/// DevTools' dominator graph of a snapshot: its forward CSR with only the `essential`
/// edges followed, under a virtual root whose children (`roots`) are the root, then every
/// other node without an essential in-edge, in ordinal order (DevTools' order of its extra
/// searches). The one place that graph is assembled: the analysis, `heapsim dominators`
/// and the benchmarks all read it from here.
#[derive(Clone, Debug)]
pub struct DomGraph {
    /// The edges followed (one bit per edge).
    pub essential: BitSet,
    /// Children of the virtual root; empty for an empty snapshot.
    pub roots: Vec<u32>,
}

impl DomGraph {
    /// Essential edges computed as DevTools does ([`crate::devtools::essential`]), for callers that
    /// have only the snapshot.
    pub fn of(s: &HeapSnapshot) -> DomGraph {
        let eph = EphemeronNames::build(&s.strings);
        let page = crate::devtools::essential::page_owned(s);
        DomGraph::over(
            s,
            crate::devtools::essential::essential_edges(s, &eph, &page),
        )
    }

    /// The graph over edges already chosen (DevTools' essential edges, or any filter).
    pub fn over(s: &HeapSnapshot, essential: BitSet) -> DomGraph {
        let n = s.node_count();
        if n == 0 {
            return DomGraph {
                essential,
                roots: Vec::new(),
            };
        }
        let mut has_in = BitSet::new(n);
        for (e, &t) in s.edges.to.iter().enumerate() {
            if essential.get(e) {
                has_in.set(t as usize);
            }
        }
        let root = s.root();
        let mut roots = vec![root];
        roots.extend((0..n as u32).filter(|&v| v != root && !has_in.get(v as usize)));
        DomGraph { essential, roots }
    }

    /// The input every algorithm of [`crate::dominators`] reads.
    pub fn input<'a>(&'a self, s: &'a HeapSnapshot) -> DomInput<'a> {
        DomInput {
            first_edge: &s.nodes.first_edge,
            to: &s.edges.to,
            keep: Some(&self.essential),
            roots: &self.roots,
        }
    }
}

/// The dominator tree in DevTools' form: it spans every node (weakly held trees and
/// cliques hang off the root), with retained sizes and the children lists.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DomTree {
    /// The root (node 0 in every V8 snapshot).
    pub root: NodeIx,
    /// Immediate dominator ordinal per node; `idom[root] == root`.
    pub idom: Vec<u32>,
    /// Retained size per node (subtree sums of the self sizes given to [`DomTree::build`]).
    pub retained: Vec<u64>,
    /// Children CSR: node `v` dominates `children[first[v]..first[v + 1]]`, ascending.
    pub first: Vec<u32>,
    pub children: Vec<u32>,
}

impl DomTree {
    /// Dominators, retained sizes and children of `g`, sizes from `self_size`.
    pub fn build(s: &HeapSnapshot, g: &DomGraph, self_size: &[u64]) -> DomTree {
        let root = s.root();
        if s.node_count() == 0 {
            return DomTree {
                root,
                first: vec![0],
                ..DomTree::default()
            };
        }
        let (mut idom, mut retained) = dominators::compute_with_retained(&g.input(s), self_size);
        for (v, d) in idom.iter_mut().enumerate() {
            if *d == UNREACHABLE {
                // A clique member: a leaf under the root in DevTools.
                retained[v] = self_size[v];
            }
            if *d == VIRTUAL_ROOT || *d == UNREACHABLE {
                *d = root;
            }
        }
        idom[root as usize] = root;
        // Weakly held trees and cliques hang off the root too, so it retains everything.
        retained[root as usize] = self_size.iter().sum();
        let (first, children) = dominators::children_csr(&idom);
        DomTree {
            root,
            idom,
            retained,
            first,
            children,
        }
    }

    /// The nodes `v` immediately dominates, ascending.
    #[inline]
    pub fn children(&self, v: NodeIx) -> &[u32] {
        &self.children[self.first[v as usize] as usize..self.first[v as usize + 1] as usize]
    }

    /// Everything the root retains: the whole heap as DevTools counts it (0 when empty).
    pub fn total(&self) -> u64 {
        self.retained.get(self.root as usize).copied().unwrap_or(0)
    }

    /// `100 · bytes / total`, 0 for an empty heap.
    pub fn percent(&self, bytes: u64) -> f64 {
        match self.total() {
            0 => 0.0,
            total => bytes as f64 * 100.0 / total as f64,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::SnapshotBuilder;
    use format::{EdgeKind, NodeKind};

    fn tree(s: &HeapSnapshot) -> DomTree {
        DomTree::build(s, &DomGraph::of(s), &s.nodes.self_size)
    }

    #[test]
    fn weakly_held_nodes_hang_off_the_root_and_cliques_count_into_it() {
        let mut b = SnapshotBuilder::new();
        let root = b.node(NodeKind::Synthetic, "", 0);
        let g = b.node(NodeKind::Object, "global", 10);
        let a = b.node(NodeKind::Object, "A", 20);
        let w = b.node(NodeKind::Object, "W", 5); // only weakly held
        let wc = b.node(NodeKind::Object, "WChild", 7); // held by W and by A
        let wo = b.node(NodeKind::Object, "WOnly", 3); // held by W only
        let c1 = b.node(NodeKind::Object, "C1", 100); // clique
        let c2 = b.node(NodeKind::Object, "C2", 200);
        b.edge(root, EdgeKind::Shortcut, "global", g);
        b.edge(g, EdgeKind::Property, "a", a);
        b.edge(g, EdgeKind::Weak, "w", w);
        b.edge(w, EdgeKind::Property, "c", wc);
        b.edge(a, EdgeKind::Property, "c", wc);
        b.edge(w, EdgeKind::Property, "o", wo);
        b.edge(c1, EdgeKind::Property, "n", c2);
        b.edge(c2, EdgeKind::Property, "n", c1);
        let s = b.finish();
        let t = tree(&s);
        assert_eq!(t.idom[root as usize], root);
        assert_eq!(t.idom[a as usize], g);
        assert_eq!(t.idom[w as usize], root);
        // W is not page-owned (only a weak edge leads to it from global) while WChild is,
        // so the edge W → WChild is not essential: A alone dominates WChild.
        assert_eq!(t.idom[wc as usize], a);
        assert_eq!(t.idom[wo as usize], w);
        assert_eq!(t.idom[c1 as usize], root);
        assert_eq!(t.idom[c2 as usize], root);
        assert_eq!(t.retained[root as usize], 345);
        assert_eq!(t.retained[g as usize], 37);
        assert_eq!(t.retained[w as usize], 8);
        assert_eq!(t.children(root), &[g, w, c1, c2]);
        assert_eq!(t.children(g), &[a]);
        assert_eq!(t.children(a), &[wc]);
    }

    #[test]
    fn weakmap_value_is_dominated_by_its_key() {
        let mut b = SnapshotBuilder::new();
        let root = b.node(NodeKind::Synthetic, "", 0);
        let g = b.node(NodeKind::Object, "global", 10);
        let table = b.node_with_id(NodeKind::Array, "(object elements)", 32, 41);
        let key = b.node_with_id(NodeKind::Object, "K", 16, 43);
        let val = b.node_with_id(NodeKind::Object, "V", 64, 45);
        b.edge(root, EdgeKind::Shortcut, "global", g);
        b.edge(g, EdgeKind::Property, "wm", table);
        b.edge(g, EdgeKind::Property, "k", key);
        let name = "1 / part of key (K @43) -> value (V @45) pair in WeakMap (table @41)";
        b.edge(table, EdgeKind::Internal, name, val);
        b.edge(key, EdgeKind::Internal, name, val);
        let s = b.finish();
        let t = tree(&s);
        assert_eq!(t.idom[val as usize], key);
        assert_eq!(t.retained[key as usize], 80);
    }
}
