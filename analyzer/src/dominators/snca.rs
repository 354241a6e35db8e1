//! SEMI-NCA: semidominators as in Lengauer–Tarjan, immediate dominators by nearest common
//! ancestors in the DFS tree.
//!
//! L. Georgiadis, "Linear-Time Algorithms for Dominators and Related Problems", PhD thesis,
//! Princeton University, TR-737-05 (2005); L. Georgiadis, R. E. Tarjan, R. F. Werneck,
//! "Finding Dominators in Practice", JGAA 10(1) 2006. LLVM's dominator tree uses it.
//!
//! Pass 1 (backward over DFS numbers) computes each node's semidominator with the simple
//! link/eval of Lengauer–Tarjan ([`super::linkeval`]). Pass 2 (forward) sets `idom(w)` to
//! the nearest ancestor of `parent(w)` in the partially built dominator tree whose number
//! is at most `semi(w)`, writing it over the ancestor slot of the link/eval state (dead
//! once pass 1 is done). No buckets and no third pass, which is why it beats
//! Lengauer–Tarjan in practice; pass 2 is O(n²) in the worst case (the `sncaworst`
//! family), but the walk is
//! short on real graphs.

use super::linkeval::{new_info, semidominators, Info, ANC, PARENT, SEMI};
use super::preorder::{
    retained_by_vertex, to_nodes_by_vertex, LeanNumbering, NumPreds, PredSource, Preorder,
};
use super::DomInput;

/// The algorithm proper, in DFS-number space; returns `idom` by number (`idom[v] < v`).
pub fn run<P: PredSource>(pre: &Preorder, preds: &P) -> Vec<u32> {
    let mut info = new_info(&pre.parent);
    semidominators(preds, &mut info);
    nearest_common_ancestors(&mut info)
}

/// Pass 2 over finished semidominators: `idom` by number, built in the ancestor slot.
fn nearest_common_ancestors(info: &mut [Info]) -> Vec<u32> {
    let len = info.len();
    // The virtual root dominates itself.
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
    if len > 0 {
        idom[0] = 0;
    }
    idom
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
    let mut info = new_info(&parent);
    drop(parent);
    semidominators(&preds, &mut info);
    drop(preds);
    let idom = nearest_common_ancestors(&mut info);
    drop(info);
    let retained = retained_by_vertex(&vertex, &idom, self_size);
    let nodes = to_nodes_by_vertex(&vertex, &idom, g.node_count());
    (nodes, retained)
}
