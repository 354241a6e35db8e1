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
//!
//! The bucket step reads only semidominators of numbers already passed, so it can also run
//! as a second backward pass once every semidominator is known
//! ([`idoms_from_semidominators`]): SEMI-NCA's fallback ([`super::snca`]).

use super::linkeval::{eval, new_info, semidominator, Info, ANC, LABEL, PARENT, SEMI};
use super::preorder::{PredSource, Preorder, NULL};

/// The algorithm proper, in DFS-number space; returns `idom` by number.
pub fn run<P: PredSource>(pre: &Preorder, preds: &P) -> Vec<u32> {
    let len = pre.len();
    let mut info = new_info(len, |i| pre.parent[i]);
    let mut steps = BucketSteps::new(len);
    for i in (2..len).rev() {
        let s = semidominator(i as u32, preds, &mut info, &mut steps.stack);
        steps.visit(i as u32, s, pre.parent[i], &mut info);
    }
    steps.finish(&info)
}

/// `idom` by number from finished semidominators (the `SEMI` and `PARENT` slots of
/// `info`; the slots are reset and then overwritten): the bucket steps of [`run`] as a
/// pass of their own.
pub(crate) fn idoms_from_semidominators(info: &mut [Info]) -> Vec<u32> {
    let len = info.len();
    // The parents leave the label slots, which the fresh forest needs: every node's
    // ancestor is its DFS parent (linked lazily), its label itself.
    let parent: Vec<u32> = info.iter().map(|x| x[PARENT]).collect();
    for (i, x) in info.iter_mut().enumerate() {
        x[ANC] = parent[i];
        x[LABEL] = i as u32;
    }
    let mut steps = BucketSteps::new(len);
    for i in (2..len).rev() {
        let (s, p) = (info[i][SEMI], parent[i]);
        steps.visit(i as u32, s, p, info);
    }
    steps.finish(info)
}

/// Steps 3 and 4 of the paper: buckets of nodes by semidominator, and `idom` (by number)
/// decided or deferred as each number is linked to its parent.
struct BucketSteps {
    bucket_head: Vec<u32>,
    bucket_next: Vec<u32>,
    idom: Vec<u32>,
    stack: Vec<u32>,
}

impl BucketSteps {
    fn new(len: usize) -> BucketSteps {
        let mut idom = vec![0u32; len];
        if len > 1 {
            idom[1] = 1;
        }
        BucketSteps {
            bucket_head: vec![NULL; len],
            bucket_next: vec![NULL; len],
            idom,
            stack: Vec::new(),
        }
    }

    /// Number `i` with semidominator `s` and DFS parent `p`: bucket it, link it (implicit:
    /// from now on `i` counts as linked, `last = i`), then empty the parent's bucket.
    fn visit(&mut self, i: u32, s: u32, p: u32, info: &mut [Info]) {
        self.bucket_next[i as usize] = self.bucket_head[s as usize];
        self.bucket_head[s as usize] = i;
        let mut v = std::mem::replace(&mut self.bucket_head[p as usize], NULL);
        while v != NULL {
            let u = eval(v, i, info, &mut self.stack);
            self.idom[v as usize] = if info[u as usize][SEMI] < info[v as usize][SEMI] {
                u
            } else {
                p
            };
            v = self.bucket_next[v as usize];
        }
    }

    /// Step 4: the deferred ones take their stand-in's dominator, in increasing order.
    fn finish(self, info: &[Info]) -> Vec<u32> {
        let mut idom = self.idom;
        let len = idom.len();
        for i in 2..len {
            if idom[i] != info[i][SEMI] {
                idom[i] = idom[idom[i] as usize];
            }
        }
        idom
    }
}
