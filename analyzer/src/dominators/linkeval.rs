//! The simple LINK/EVAL forest of Lengauer–Tarjan (path compression, no balancing) and the
//! semidominator step built on it, shared by [`super::lt`] and [`super::snca`].
//!
//! T. Lengauer, R. E. Tarjan, "A Fast Algorithm for Finding Dominators in a Flowgraph",
//! ACM TOPLAS 1(1), 1979, section 3. Semidominators are computed backward over DFS
//! numbers: `semi(w)` is the smallest of `v` over predecessors `v ≤ w` and
//! `semi(eval(v))` over predecessors `v > w`. A node is *linked* to its DFS parent as soon
//! as it has been processed, so "linked" is just "number greater than the current one"
//! and the ancestor array starts as a copy of the parent array: LINK costs nothing.
//!
//! The state of one number is interleaved in one 12-byte record, `[ancestor, label, semi]`,
//! so one path-compression step touches one cache line. Once the semidominators are done
//! the label is dead, and the DFS parent, which the next step needs, takes its slot
//! ([`PARENT`], [`park_parents`]): the parent need not be kept beside the records while the
//! semidominators are computed (on a 12 M-node heap that is 48 MB less at the analysis's
//! peak, `docs/performance.md`).

use super::preorder::PredSource;

/// Per-number link/eval state: `[ancestor, label, semi]`; after pass 1 `[…, parent, semi]`.
pub(crate) type Info = [u32; 3];
pub(crate) const ANC: usize = 0;
pub(crate) const LABEL: usize = 1;
pub(crate) const SEMI: usize = 2;
/// The DFS parent's slot once the semidominators are done (see [`park_parents`]).
pub(crate) const PARENT: usize = LABEL;

/// Fresh state for `len` numbers from the DFS parent of each: ancestor = parent (linked
/// lazily, see the module doc), label = self, semi = own number.
pub(crate) fn new_info(len: usize, parent: impl Fn(usize) -> u32) -> Vec<Info> {
    (0..len).map(|i| [parent(i), i as u32, i as u32]).collect()
}

/// After [`semidominators`]: moves the DFS parents into the dead label slots.
pub(crate) fn park_parents(info: &mut [Info], parent: impl Fn(usize) -> u32) {
    for (i, x) in info.iter_mut().enumerate() {
        x[PARENT] = parent(i);
    }
}

/// Computes `semi(i)` from the predecessors of number `i`, stores it and returns it. Every
/// number above `i` must be done (and so linked); the ones at or below still have
/// `semi = own number`.
#[inline]
pub(crate) fn semidominator<P: PredSource>(
    i: u32,
    preds: &P,
    info: &mut [Info],
    stack: &mut Vec<u32>,
) -> u32 {
    let mut s = i;
    let last = i + 1;
    preds.for_each(i, |p| {
        let sp = if p < last {
            p
        } else {
            let u = eval(p, last, info, stack);
            info[u as usize][SEMI]
        };
        s = s.min(sp);
    });
    info[i as usize][SEMI] = s;
    s
}

/// Every semidominator, numbers `len - 1` down to 2 (0 is null, 1 the virtual root).
pub(crate) fn semidominators<P: PredSource>(preds: &P, info: &mut [Info]) {
    let mut stack = Vec::new();
    for i in (2..info.len() as u32).rev() {
        semidominator(i, preds, info, &mut stack);
    }
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
