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
//! root and unreachable nodes mapped to the root. That is what [`DomTree::build`] does,
//! with [`crate::dominators::compute_with_retained`] doing the work.

use crate::bitset::BitSet;
use crate::dominators::{self, DomInput, UNREACHABLE, VIRTUAL_ROOT};
use crate::snapshot::{HeapSnapshot, NodeIx};

/// The dominator tree in DevTools' form.
#[derive(Clone, Debug, Default)]
pub struct DomTree {
    /// Immediate dominator ordinal per node; `idom[root] == root`.
    pub idom: Vec<u32>,
    /// Retained size per node (subtree sums of the self sizes given to [`DomTree::build`]).
    pub retained: Vec<u64>,
    /// Children CSR: node `v` dominates `children[first[v]..first[v + 1]]`, ascending.
    pub first: Vec<u32>,
    pub children: Vec<u32>,
}

/// The children of the virtual root: the root, then every other node without an essential
/// in-edge, in ordinal order (DevTools' order of its extra searches).
pub fn virtual_root_children(s: &HeapSnapshot, essential: &BitSet) -> Vec<u32> {
    let n = s.node_count();
    let mut has_in = BitSet::new(n);
    for (e, &t) in s.edges.to.iter().enumerate() {
        if essential.get(e) {
            has_in.set(t as usize);
        }
    }
    let root = s.root();
    let mut roots = vec![root];
    roots.extend((0..n as u32).filter(|&v| v != root && !has_in.get(v as usize)));
    roots
}

impl DomTree {
    /// Dominators, retained sizes and children over `essential`, sizes from `self_size`.
    pub fn build(s: &HeapSnapshot, essential: &BitSet, self_size: &[u64]) -> DomTree {
        let n = s.node_count();
        if n == 0 {
            return DomTree {
                first: vec![0],
                ..DomTree::default()
            };
        }
        let root = s.root();
        let roots = virtual_root_children(s, essential);
        let input = DomInput {
            first_edge: &s.nodes.first_edge,
            to: &s.edges.to,
            keep: Some(essential),
            roots: &roots,
        };
        let (mut idom, mut retained) = dominators::compute_with_retained(&input, self_size);
        drop(roots);
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
        let (first, children) = children_csr(&idom, root);
        DomTree {
            idom,
            retained,
            first,
            children,
        }
    }

    /// The nodes `v` immediately dominates.
    #[inline]
    pub fn children(&self, v: NodeIx) -> &[u32] {
        &self.children[self.first[v as usize] as usize..self.first[v as usize + 1] as usize]
    }
}

/// Counting sort of nodes by immediate dominator (the root excluded).
fn children_csr(idom: &[u32], root: u32) -> (Vec<u32>, Vec<u32>) {
    let n = idom.len();
    let mut first = vec![0u32; n + 1];
    for (v, &d) in idom.iter().enumerate() {
        if v as u32 != root {
            first[d as usize + 1] += 1;
        }
    }
    for i in 0..n {
        first[i + 1] += first[i];
    }
    let mut children = vec![0u32; first[n] as usize];
    let mut fill = first.clone();
    for (v, &d) in idom.iter().enumerate() {
        if v as u32 != root {
            children[fill[d as usize] as usize] = v as u32;
            fill[d as usize] += 1;
        }
    }
    (first, children)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::devtools::ephemeron::EphemeronNames;
    use crate::devtools::essential::{essential_edges, page_owned};
    use crate::snapshot::SnapshotBuilder;
    use format::{EdgeKind, NodeKind};

    fn tree(s: &HeapSnapshot) -> DomTree {
        let eph = EphemeronNames::build(&s.strings);
        let keep = essential_edges(s, &eph, &page_owned(s));
        DomTree::build(s, &keep, &s.nodes.self_size)
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
