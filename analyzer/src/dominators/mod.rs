//! Immediate dominators of a heap graph, and retained sizes from them.
//!
//! An object `d` *dominates* `v` when every path from the roots to `v` passes through `d`;
//! the retained size of `d` is the total self size of everything it dominates — the memory
//! a garbage collector would free if `d` became unreachable.
//!
//! Every algorithm here takes the same flat input, [`DomInput`]: the snapshot's forward CSR,
//! an edge filter (DevTools' essential edges; unset bits are ignored) and the children of a
//! *virtual root* — several real roots under one imaginary node, which is how the analyzer
//! models DevTools' treatment of objects retained only through weak edges. Each algorithm
//! returns `idom`, one `u32` per node ([`VIRTUAL_ROOT`] / [`UNREACHABLE`] for the special
//! cases); [`retained_sizes`] then turns any `idom` into retained sizes by one post-order
//! accumulation over the dominator tree.

use crate::bitset::BitSet;

pub mod chk;

/// `idom[v]` for the children of the virtual root: dominated by nothing but the virtual root.
pub const VIRTUAL_ROOT: u32 = u32::MAX;
/// `idom[v]` for nodes the virtual root cannot reach.
pub const UNREACHABLE: u32 = u32::MAX - 1;

/// The graph every dominator algorithm reads.
#[derive(Clone, Copy, Debug)]
pub struct DomInput<'a> {
    /// CSR offsets: node `v`'s edges are `first_edge[v]..first_edge[v + 1]`; `len = n + 1`.
    pub first_edge: &'a [u32],
    /// Edge targets.
    pub to: &'a [u32],
    /// Edges whose bit is clear are not followed. `None` follows all edges.
    pub keep: Option<&'a BitSet>,
    /// Children of the virtual root, in visiting order.
    pub roots: &'a [u32],
}

impl<'a> DomInput<'a> {
    pub fn node_count(&self) -> usize {
        self.first_edge.len() - 1
    }

    /// The kept successors of `v`.
    #[inline]
    pub fn successors(&self, v: u32) -> impl Iterator<Item = u32> + 'a {
        let (a, b) = (
            self.first_edge[v as usize] as usize,
            self.first_edge[v as usize + 1] as usize,
        );
        let keep = self.keep;
        let to = self.to;
        (a..b)
            .filter(move |&e| keep.is_none_or(|k| k.get(e)))
            .map(move |e| to[e])
    }
}

/// Immediate dominators with the analyzer's default algorithm.
pub fn compute(g: &DomInput) -> Vec<u32> {
    chk::idom(g)
}

/// Retained sizes: `retained[v] = self_size[v] + Σ retained[c]` over `v`'s dominator-tree
/// children. Iterative (heap graphs have million-deep dominator chains). Unreachable nodes
/// keep their self size.
pub fn retained_sizes(idom: &[u32], self_size: &[u64]) -> Vec<u64> {
    let n = idom.len();
    // Children CSR of the dominator tree.
    let mut first = vec![0u32; n + 1];
    for &d in idom {
        if (d as usize) < n {
            first[d as usize + 1] += 1;
        }
    }
    for i in 0..n {
        first[i + 1] += first[i];
    }
    let mut child = vec![0u32; first[n] as usize];
    let mut fill = first.clone();
    for (v, &d) in idom.iter().enumerate() {
        if (d as usize) < n {
            child[fill[d as usize] as usize] = v as u32;
            fill[d as usize] += 1;
        }
    }
    let mut retained = self_size.to_vec();
    // Post-order over each tree hanging from the virtual root.
    let mut stack: Vec<(u32, u32)> = Vec::new();
    for top in 0..n as u32 {
        if idom[top as usize] != VIRTUAL_ROOT {
            continue;
        }
        stack.push((top, first[top as usize]));
        while let Some(&mut (v, ref mut next)) = stack.last_mut() {
            if *next < first[v as usize + 1] {
                let c = child[*next as usize];
                *next += 1;
                stack.push((c, first[c as usize]));
            } else {
                stack.pop();
                if let Some(&(parent, _)) = stack.last() {
                    retained[parent as usize] += retained[v as usize];
                }
            }
        }
    }
    retained
}
