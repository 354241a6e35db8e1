//! The definition of dominance, executed literally: `v` dominates `w` iff `w` is reachable
//! from the virtual root but not once `v` is removed. One graph search per node, O(n·m):
//! the oracle for the property tests (`analyzer/tests/dominators_prop.rs`), not for use on
//! real snapshots.
//!
//! The immediate dominator of `w` is then the strict dominator of `w` that is itself
//! dominated by all the others — the one with the most strict dominators of its own, since
//! the dominators of `w` form a chain. Two passes over the nodes keep that in flat arrays:
//! the first counts each node's strict dominators, the second picks, for each `w`, the
//! dominator with the largest count.

use super::{DomInput, UNREACHABLE, VIRTUAL_ROOT};

/// Immediate dominators by the definition. O(n·m): tests only.
pub fn idom(g: &DomInput) -> Vec<u32> {
    let n = g.node_count();
    let mut mark = vec![0u32; n];
    let mut stack = Vec::new();
    // Reachable set with nothing removed: generation 1.
    let reach = |removed: u32, gen: u32, mark: &mut [u32], stack: &mut Vec<u32>| {
        for &r in g.roots {
            if r != removed && mark[r as usize] != gen {
                mark[r as usize] = gen;
                stack.push(r);
            }
        }
        while let Some(v) = stack.pop() {
            for w in g.successors(v) {
                if w != removed && mark[w as usize] != gen {
                    mark[w as usize] = gen;
                    stack.push(w);
                }
            }
        }
    };
    reach(u32::MAX, 1, &mut mark, &mut stack);
    let reached: Vec<bool> = mark.iter().map(|&m| m == 1).collect();
    let mut count = vec![0u32; n];
    let mut best = vec![VIRTUAL_ROOT; n];
    for pass in 0..2 {
        for v in 0..n as u32 {
            if !reached[v as usize] {
                continue;
            }
            // Fresh generation per search; 2 + 2v + pass never repeats and never equals 1.
            let gen = 2 + 2 * v + pass;
            reach(v, gen, &mut mark, &mut stack);
            for w in 0..n {
                if w as u32 == v || !reached[w] || mark[w] == gen {
                    continue;
                }
                // `v` strictly dominates `w`.
                if pass == 0 {
                    count[w] += 1;
                } else if best[w] == VIRTUAL_ROOT || count[v as usize] > count[best[w] as usize] {
                    best[w] = v;
                }
            }
        }
    }
    for w in 0..n {
        if !reached[w] {
            best[w] = UNREACHABLE;
        }
    }
    best
}
