//! Iterative dominators of Cooper, Harvey and Kennedy.
//!
//! K. D. Cooper, T. J. Harvey, K. Kennedy, "A Simple, Fast Dominance Algorithm",
//! Software Practice & Experience 4 (2001). Number the nodes in reverse post-order of a
//! depth-first search; then repeat until nothing changes: for each node in that order,
//! `idom = intersect` over its processed predecessors, where `intersect` walks the two
//! candidates up the current dominator tree by post-order number until they meet.
//! Simple and fast on shallow, reducible graphs; on adversarial graphs it needs many
//! passes (see `docs/dominators.md`).

use super::{DomInput, UNREACHABLE, VIRTUAL_ROOT};
use crate::csr::CountingSort;

/// Immediate dominators by the iterative CHK algorithm.
pub fn idom(g: &DomInput) -> Vec<u32> {
    let n = g.node_count();
    // Post-order numbers, with the virtual root numbered last (= n_reached).
    let (post, order) = post_order(g);
    let vroot = order.len() as u32; // post-order number of the virtual root
                                    // Predecessors in post-order-number space, CSR.
    let (pfirst, preds) = predecessors(g, &post);
    const UNDEF: u32 = u32::MAX;
    // doms indexed by post-order number; the virtual root dominates itself.
    let mut doms = vec![UNDEF; order.len() + 1];
    doms[vroot as usize] = vroot;
    let is_root_child = {
        let mut r = vec![false; order.len()];
        for &v in g.roots {
            if post[v as usize] != UNDEF {
                r[post[v as usize] as usize] = true;
            }
        }
        r
    };
    let mut changed = true;
    while changed {
        changed = false;
        for b in (0..order.len() as u32).rev() {
            let mut new_idom = if is_root_child[b as usize] {
                vroot
            } else {
                UNDEF
            };
            for &p in &preds[pfirst[b as usize] as usize..pfirst[b as usize + 1] as usize] {
                if doms[p as usize] == UNDEF {
                    continue;
                }
                new_idom = if new_idom == UNDEF {
                    p
                } else {
                    intersect(&doms, p, new_idom)
                };
            }
            if doms[b as usize] != new_idom {
                doms[b as usize] = new_idom;
                changed = true;
            }
        }
    }
    let mut out = vec![UNREACHABLE; n];
    for (b, &v) in order.iter().enumerate() {
        let d = doms[b];
        out[v as usize] = if d == vroot {
            VIRTUAL_ROOT
        } else {
            order[d as usize]
        };
    }
    out
}

fn intersect(doms: &[u32], mut a: u32, mut b: u32) -> u32 {
    while a != b {
        while a < b {
            a = doms[a as usize];
        }
        while b < a {
            b = doms[b as usize];
        }
    }
    a
}

/// Iterative DFS from the virtual root: `post[v]` (u32::MAX if unreached) and its inverse.
fn post_order(g: &DomInput) -> (Vec<u32>, Vec<u32>) {
    let n = g.node_count();
    let mut post = vec![u32::MAX; n];
    let mut seen = vec![false; n];
    let mut order = Vec::with_capacity(n);
    let mut stack: Vec<(u32, u32)> = Vec::new();
    for &r in g.roots {
        if seen[r as usize] {
            continue;
        }
        seen[r as usize] = true;
        stack.push((r, g.first_edge[r as usize]));
        while let Some(&mut (v, ref mut e)) = stack.last_mut() {
            let end = g.first_edge[v as usize + 1];
            let mut pushed = None;
            while *e < end {
                let edge = *e as usize;
                *e += 1;
                if g.keep.is_some_and(|k| !k.get(edge)) {
                    continue;
                }
                let w = g.to[edge];
                if !seen[w as usize] {
                    seen[w as usize] = true;
                    pushed = Some(w);
                    break;
                }
            }
            match pushed {
                Some(w) => stack.push((w, g.first_edge[w as usize])),
                None => {
                    post[v as usize] = order.len() as u32;
                    order.push(v);
                    stack.pop();
                }
            }
        }
    }
    (post, order)
}

/// Predecessor lists of reached nodes, in post-order-number space.
fn predecessors(g: &DomInput, post: &[u32]) -> (Vec<u32>, Vec<u32>) {
    let reached = post.iter().filter(|&&p| p != u32::MAX).count();
    let reached_nodes = || (0..g.node_count() as u32).filter(|&v| post[v as usize] != u32::MAX);
    let keys = reached_nodes().flat_map(|v| g.successors(v).map(|w| post[w as usize]));
    let mut sort = CountingSort::by_keys(reached, keys);
    let mut preds = vec![0u32; sort.total()];
    for v in reached_nodes() {
        for w in g.successors(v) {
            preds[sort.place(post[w as usize])] = post[v as usize];
        }
    }
    (sort.into_offsets(), preds)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dominators::retained_sizes;

    /// root(0) → a(1), root → b(2), a → c(3), b → c, c → d(4); e(5) unreachable.
    #[test]
    fn diamond_and_unreachable() {
        let first_edge = [0, 2, 3, 4, 5, 5, 5];
        let to = [1, 2, 3, 3, 4];
        let g = DomInput {
            first_edge: &first_edge,
            to: &to,
            keep: None,
            roots: &[0],
        };
        let d = idom(&g);
        assert_eq!(d, vec![VIRTUAL_ROOT, 0, 0, 0, 3, UNREACHABLE]);
        let r = retained_sizes(&d, &[1, 10, 100, 1000, 10000, 7]);
        assert_eq!(r, vec![11111, 10, 100, 11000, 10000, 7]);
    }
}
