//! Lengauer–Tarjan, simple version (path compression, no balancing): O(m log n).
//!
//! T. Lengauer, R. E. Tarjan, "A Fast Algorithm for Finding Dominators in a Flowgraph",
//! ACM TOPLAS 1(1), 1979, section 3 ("simple" LINK and EVAL).
//!
//! Backward over DFS numbers: compute `semi(w)` from the predecessors, put `w` in the bucket
//! of `semi(w)`, link `w` to its parent, then for each `v` in the parent's bucket decide
//! `idom(v)` or defer it to `idom(eval(v))`; a forward pass resolves the deferred ones.
//! Semidominators and the (free) link/eval come from [`super::linkeval`].
//! Buckets are intrusive singly linked lists in two flat arrays (each node sits in exactly
//! one bucket).

use super::linkeval::{eval, new_info, semidominator, SEMI};
use super::preorder::{PredSource, Preorder, NULL};

/// The algorithm proper, in DFS-number space; returns `idom` by number.
pub fn run<P: PredSource>(pre: &Preorder, preds: &P) -> Vec<u32> {
    let len = pre.len();
    let mut info = new_info(&pre.parent);
    let mut bucket_head = vec![NULL; len];
    let mut bucket_next = vec![NULL; len];
    let mut idom = vec![0u32; len];
    if len > 1 {
        idom[1] = 1;
    }
    let mut stack: Vec<u32> = Vec::new();
    for i in (2..len).rev() {
        let s = semidominator(i as u32, preds, &mut info, &mut stack);
        bucket_next[i] = bucket_head[s as usize];
        bucket_head[s as usize] = i as u32;
        // LINK(parent, i) is implicit: from now on `i` counts as linked (last = i).
        let p = pre.parent[i];
        let mut v = std::mem::replace(&mut bucket_head[p as usize], NULL);
        while v != NULL {
            let u = eval(v, i as u32, &mut info, &mut stack);
            idom[v as usize] = if info[u as usize][SEMI] < info[v as usize][SEMI] {
                u
            } else {
                p
            };
            v = bucket_next[v as usize];
        }
    }
    for i in 2..len {
        if idom[i] != info[i][SEMI] {
            idom[i] = idom[idom[i] as usize];
        }
    }
    idom
}
