//! Leak reports: what is leaking, and where its memory accumulates.
//!
//! Everything here reads the dominator tree of one snapshot (or the matched node ids of
//! several) through [`DomView`], a borrowed view of flat columns — `idom`, retained sizes and
//! the dominator tree's children in CSR form — so each report is a handful of linear passes
//! over `u32`/`u64` vectors, never a pointer graph and never recursion (heap graphs have
//! million-deep dominator chains).
//!
//! * [`suspects`] — Eclipse MAT's "Leak Suspects" idea applied to V8 snapshots;
//! * [`accumulation`] — where a suspect's memory piles up (MAT's accumulation point);
//! * [`labels`] — how reports name objects and groups of objects;
//! * [`cluster_tree`] — the dominator tree with same-class siblings folded;
//! * [`diff`] — DevTools' Comparison view and memlab's three-snapshot leak grouping;
//! * [`strings`] — duplicated strings and the bytes they waste;
//! * [`text`] — the plain-text rendering users read, including the talk's suspect sentence.

use crate::snapshot::{HeapSnapshot, NodeIx};

pub mod accumulation;
pub mod cluster_tree;
pub mod diff;
pub mod json;
pub mod labels;
pub mod strings;
pub mod suspects;
pub mod text;

/// A borrowed view of one snapshot's dominator tree.
///
/// `idom[0] == 0` (the synthetic root dominates itself); every other node has an ordinal
/// parent — DevTools attaches weakly-retained and unreachable nodes to the root, so the tree
/// spans all nodes. `first`/`children` are the tree's children CSR: the children of `v` are
/// `children[first[v]..first[v + 1]]`.
#[derive(Clone, Copy, Debug)]
pub struct DomView<'a> {
    pub snapshot: &'a HeapSnapshot,
    pub idom: &'a [u32],
    pub retained: &'a [u64],
    pub first: &'a [u32],
    pub children: &'a [u32],
}

impl<'a> DomView<'a> {
    /// The view of a DevTools-exact analysis.
    pub fn of(a: &'a crate::analysis::Analysis) -> DomView<'a> {
        DomView {
            snapshot: &a.snapshot,
            idom: &a.idom,
            retained: &a.retained,
            first: &a.dom_first,
            children: &a.dom_children,
        }
    }

    /// The dominator-tree children of `v`.
    #[inline]
    pub fn children(&self, v: NodeIx) -> &'a [u32] {
        &self.children[self.first[v as usize] as usize..self.first[v as usize + 1] as usize]
    }

    /// Everything the root retains: the whole heap as DevTools counts it.
    pub fn total(&self) -> u64 {
        self.retained.first().copied().unwrap_or(0)
    }

    /// `100 · retained / total`, 0 for an empty heap.
    pub fn percent(&self, bytes: u64) -> f64 {
        let total = self.total();
        if total == 0 {
            0.0
        } else {
            bytes as f64 * 100.0 / total as f64
        }
    }
}

/// The dominator tree's children CSR from `idom` (counting sort; children keep node order).
/// Nodes whose `idom` is themselves (the root) or out of range have no parent.
pub fn children_csr(idom: &[u32]) -> (Vec<u32>, Vec<u32>) {
    let n = idom.len();
    let parent = |v: usize| {
        let d = idom[v] as usize;
        (d < n && d != v).then_some(d)
    };
    let mut first = vec![0u32; n + 1];
    for v in 0..n {
        if let Some(d) = parent(v) {
            first[d + 1] += 1;
        }
    }
    for i in 0..n {
        first[i + 1] += first[i];
    }
    let mut fill = first.clone();
    let mut children = vec![0u32; first[n] as usize];
    for v in 0..n {
        if let Some(d) = parent(v) {
            children[fill[d] as usize] = v as u32;
            fill[d] += 1;
        }
    }
    (first, children)
}

/// Owned dominator data for callers that have only a snapshot (unit tests, tools):
/// dominators over all non-weak edges with DevTools' virtual-root rule (the root plus every
/// node without a non-weak retainer), unreachable nodes attached to the root.
///
/// The CLI uses the analyzer's full DevTools semantics instead (essential edges, distances);
/// this is the same tree whenever the graph has no shortcut, WeakMap or page-owned edges.
#[derive(Clone, Debug)]
pub struct OwnedDom {
    pub idom: Vec<u32>,
    pub retained: Vec<u64>,
    pub first: Vec<u32>,
    pub children: Vec<u32>,
}

impl OwnedDom {
    pub fn non_weak(s: &HeapSnapshot) -> OwnedDom {
        use crate::bitset::BitSet;
        use crate::dominators::{self, DomInput, UNREACHABLE, VIRTUAL_ROOT};
        use format::EdgeKind;
        let n = s.node_count();
        let m = s.edge_count();
        let mut keep = BitSet::new(m);
        let mut has_in = vec![false; n];
        for e in 0..m as u32 {
            if s.edge_kind(e) != EdgeKind::Weak {
                keep.set(e as usize);
                has_in[s.edge_to(e) as usize] = true;
            }
        }
        let mut roots = vec![0u32];
        roots.extend((1..n as u32).filter(|&v| !has_in[v as usize]));
        let g = DomInput {
            first_edge: &s.nodes.first_edge,
            to: &s.edges.to,
            keep: Some(&keep),
            roots: &roots,
        };
        let raw = dominators::compute(&g);
        let mut idom: Vec<u32> = raw
            .iter()
            .map(|&d| {
                if d == VIRTUAL_ROOT || d == UNREACHABLE {
                    0
                } else {
                    d
                }
            })
            .collect();
        if n > 0 {
            idom[0] = 0;
        }
        let mut as_tree = idom.clone();
        if n > 0 {
            as_tree[0] = VIRTUAL_ROOT;
        }
        let retained = dominators::retained_sizes(&as_tree, &s.nodes.self_size);
        let (first, children) = children_csr(&idom);
        OwnedDom {
            idom,
            retained,
            first,
            children,
        }
    }

    pub fn view<'a>(&'a self, s: &'a HeapSnapshot) -> DomView<'a> {
        DomView {
            snapshot: s,
            idom: &self.idom,
            retained: &self.retained,
            first: &self.first,
            children: &self.children,
        }
    }
}
