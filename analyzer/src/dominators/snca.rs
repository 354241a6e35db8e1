//! SEMI-NCA: semidominators as in Lengauer–Tarjan, immediate dominators by nearest common
//! ancestors in the DFS tree.
//!
//! L. Georgiadis, "Linear-Time Algorithms for Dominators and Related Problems", PhD thesis,
//! Princeton University, TR-737-05 (2005); L. Georgiadis, R. E. Tarjan, R. F. Werneck,
//! "Finding Dominators in Practice", JGAA 10(1) 2006. LLVM's dominator tree uses it.
//!
//! Pass 1 (backward over DFS numbers) computes each node's semidominator with the simple
//! link/eval of Lengauer–Tarjan: a node is *linked* to its DFS parent as soon as it has been
//! processed, so "linked" is just "number greater than the current one" and the ancestor
//! array starts as a copy of the parent array. Pass 2 (forward) sets `idom(w)` to the
//! nearest ancestor of `parent(w)` in the partially built dominator tree whose number is at
//! most `semi(w)`. No buckets and no third pass, which is why it beats Lengauer–Tarjan in
//! practice; pass 2 is O(n²) in the worst case (the `sncaworst` family), but the walk is
//! short on real graphs.

use super::preorder::{
    retained_by_vertex, to_nodes_by_vertex, LeanNumbering, NodePreds, NumPreds, PredSource,
    Preorder,
};
use super::DomInput;

/// Immediate dominators, predecessors read in the plain node-ordinal layout.
pub fn idom(g: &DomInput) -> Vec<u32> {
    let pre = Preorder::build(g);
    let preds = NodePreds::build(g, &pre);
    pre.to_nodes(&run(&pre, &preds))
}

/// Immediate dominators, predecessors renumbered into DFS order first.
pub fn idom_renumbered(g: &DomInput) -> Vec<u32> {
    let (pre, preds) = NumPreds::with_preorder(g);
    pre.to_nodes(&run(&pre, &preds))
}

/// Per-number link/eval state, interleaved so that one eval step touches one cache line:
/// `[ancestor, label, semi, 0]`.
pub(crate) type Info = [u32; 4];
pub(crate) const ANC: usize = 0;
pub(crate) const LABEL: usize = 1;
pub(crate) const SEMI: usize = 2;
/// The DFS parent, in the spare slot (used by [`idom_retained_lean`] only).
const PARENT: usize = 3;

/// Fresh link/eval state: ancestor = DFS parent (linked lazily, see the module doc),
/// label = self, semi = own number.
pub(crate) fn new_info(pre: &Preorder) -> Vec<Info> {
    (0..pre.len() as u32)
        .map(|i| [pre.parent[i as usize], i, i, 0])
        .collect()
}

/// Immediate dominators, predecessors renumbered into DFS order, DFS and reverse CSR built
/// on two threads ([`NumPreds::with_preorder_parallel`]).
pub fn idom_parallel(g: &DomInput) -> Vec<u32> {
    let (pre, preds) = NumPreds::with_preorder_parallel(g);
    pre.to_nodes(&run(&pre, &preds))
}

/// The algorithm proper, in DFS-number space; returns `idom` by number (`idom[v] < v`).
pub fn run<P: PredSource>(pre: &Preorder, preds: &P) -> Vec<u32> {
    let len = pre.len();
    let mut info = new_info(pre);
    let mut stack: Vec<u32> = Vec::new();
    for i in (2..len).rev() {
        let mut s = pre.parent[i];
        let last = i as u32 + 1;
        preds.for_each(i as u32, |p| {
            // Unprocessed predecessors (p <= i) still have semi[p] = p.
            let sp = if p < last {
                p
            } else {
                let u = eval(p, last, &mut info, &mut stack);
                info[u as usize][SEMI]
            };
            if sp < s {
                s = sp;
            }
        });
        info[i][SEMI] = s;
    }
    let semi: Vec<u32> = info.iter().map(|x| x[SEMI]).collect();
    drop(info);
    // The virtual root dominates itself.
    let mut idom = vec![0u32; len];
    if len > 1 {
        idom[1] = 1;
    }
    for i in 2..len {
        let mut d = pre.parent[i];
        while d > semi[i] {
            d = idom[d as usize];
        }
        idom[i] = d;
    }
    idom
}

/// The node with the smallest semidominator on the linked path above `v` (inclusive),
/// compressing that path. Nodes numbered `>= last` are linked. Iterative.
#[inline]
pub(crate) fn eval(v: u32, last: u32, info: &mut [Info], stack: &mut Vec<u32>) -> u32 {
    if info[v as usize][ANC] < last {
        return info[v as usize][LABEL];
    }
    stack.clear();
    let mut x = v;
    while info[x as usize][ANC] >= last {
        stack.push(x);
        x = info[x as usize][ANC];
    }
    // `x` is the topmost linked node; its ancestor is the (unlinked) root of the tree.
    let mut p = x;
    let mut plabel = info[p as usize][LABEL];
    while let Some(y) = stack.pop() {
        let pa = info[p as usize][ANC];
        let ylabel = info[y as usize][LABEL];
        let better = info[plabel as usize][SEMI] < info[ylabel as usize][SEMI];
        let yi = &mut info[y as usize];
        yi[ANC] = pa;
        if better {
            yi[LABEL] = plabel;
        } else {
            plabel = ylabel;
        }
        p = y;
    }
    info[v as usize][LABEL]
}

/// Immediate dominators (node ordinals) and retained sizes with the smallest working set:
/// the path [`super::compute_with_retained`] takes. Same algorithm as [`run`] over
/// [`NumPreds::lean`]; every temporary is freed before the next large one is allocated,
/// the DFS parent rides in the spare fourth slot of the link/eval state, and pass 2 writes
/// `idom` over the ancestor slot (dead once pass 1 is done). Peak over the input: 16 bytes
/// per node for the state, 8 for `vertex` and the predecessor offsets, 4 per kept edge.
pub fn idom_retained_lean(g: &DomInput, self_size: &[u64]) -> (Vec<u32>, Vec<u64>) {
    let LeanNumbering {
        vertex,
        parent,
        preds,
    } = NumPreds::lean(g);
    let len = vertex.len();
    let mut info: Vec<Info> = parent
        .iter()
        .enumerate()
        .map(|(i, &p)| [p, i as u32, i as u32, p])
        .collect();
    drop(parent);
    let mut stack: Vec<u32> = Vec::new();
    for i in (2..len).rev() {
        let mut s = info[i][PARENT];
        let last = i as u32 + 1;
        preds.for_each(i as u32, |p| {
            let sp = if p < last {
                p
            } else {
                let u = eval(p, last, &mut info, &mut stack);
                info[u as usize][SEMI]
            };
            if sp < s {
                s = sp;
            }
        });
        info[i][SEMI] = s;
    }
    drop(stack);
    drop(preds);
    // Pass 2, idom in the ancestor slot; the virtual root dominates itself.
    if len > 1 {
        info[1][ANC] = 1;
    }
    for i in 2..len {
        let mut d = info[i][PARENT];
        while d > info[i][SEMI] {
            d = info[d as usize][ANC];
        }
        info[i][ANC] = d;
    }
    let mut idom: Vec<u32> = info.iter().map(|x| x[ANC]).collect();
    drop(info);
    if len > 0 {
        idom[0] = 0;
    }
    let retained = retained_by_vertex(&vertex, &idom, self_size);
    let nodes = to_nodes_by_vertex(&vertex, &idom, g.node_count());
    (nodes, retained)
}
