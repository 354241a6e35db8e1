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
//! Lengauer–Tarjan in practice.
//!
//! Pass 2 is O(n²) in the worst case (the `sncaworst` family: every node walks the same
//! long chain), while on heap graphs the walk averages a step or two per node. So the walk
//! is bounded: once it has taken [`WALK_STEPS_PER_NUMBER`] steps per number in total it
//! stops, and the immediate dominators come instead from Lengauer–Tarjan's buckets over
//! the finished semidominators ([`super::lt::idoms_from_semidominators`], O(m log n)).
//! Dominators are unique, so both ways give the same tree; no input makes SEMI-NCA
//! quadratic, and real heaps never pay for the fallback.

use super::linkeval::{new_info, park_parents, semidominators, Info, ANC, PARENT, SEMI};
use super::preorder::{nodes_and_retained, LeanNumbering, NumPreds, PredSource, Preorder};
use super::DomInput;

/// The algorithm proper, in DFS-number space; returns `idom` by number (`idom[v] < v`).
pub fn run<P: PredSource>(pre: &Preorder, preds: &P) -> Vec<u32> {
    let parent = |i: usize| pre.parent[i];
    let mut info = new_info(pre.len(), parent);
    semidominators(preds, &mut info);
    park_parents(&mut info, parent);
    nearest_common_ancestors(&mut info)
}

/// Total NCA-walk steps allowed per DFS number before pass 2 falls back to
/// Lengauer–Tarjan's buckets. Heap snapshots take about one step per number (the walk stops
/// at once when the DFS parent is the semidominator); `sncaworst(k)` takes k² / 2.
pub const WALK_STEPS_PER_NUMBER: usize = 8;

/// Pass 2 over finished semidominators: `idom` by number, built in the ancestor slot, with
/// the walk bounded by [`WALK_STEPS_PER_NUMBER`].
fn nearest_common_ancestors(info: &mut [Info]) -> Vec<u32> {
    nearest_common_ancestors_within(info, WALK_STEPS_PER_NUMBER * info.len())
}

/// [`nearest_common_ancestors`] with a total walk budget of `budget` steps (tests force the
/// fallback with 0).
pub(crate) fn nearest_common_ancestors_within(info: &mut [Info], budget: usize) -> Vec<u32> {
    if !walk_within(info, budget) {
        return super::lt::idoms_from_semidominators(info);
    }
    let mut idom: Vec<u32> = info.iter().map(|x| x[ANC]).collect();
    if !idom.is_empty() {
        idom[0] = 0;
    }
    idom
}

/// The NCA walk, writing `idom` over the ancestor slot; `false` (the slots half written)
/// when it would take more than `budget` steps.
fn walk_within(info: &mut [Info], budget: usize) -> bool {
    // The virtual root dominates itself.
    if info.len() > 1 {
        info[1][ANC] = 1;
    }
    let mut left = budget;
    for i in 2..info.len() {
        let mut d = info[i][PARENT];
        while d > info[i][SEMI] {
            if left == 0 {
                return false;
            }
            left -= 1;
            d = info[d as usize][ANC];
        }
        info[i][ANC] = d;
    }
    true
}

/// Immediate dominators (node ordinals) and retained sizes with the smallest working set:
/// the path [`super::compute_with_retained`] takes. Same algorithm as [`run`] over
/// [`NumPreds::lean`]; every temporary is freed before the next large one is allocated,
/// the DFS parent is read from the head of each predecessor list (so no parent array sits
/// beside the link/eval state) and parked in the dead label slot for pass 2, which writes
/// `idom` over the ancestor slot (dead once pass 1 is done). Peak over the input: 12 bytes
/// per node for the state, 8 for `vertex` and the predecessor offsets, 4 per kept edge.
/// The predecessor fill and the last step (retained sizes beside the translation back to
/// node ordinals, [`nodes_and_retained`]) use both cores; the DFS and the two passes are
/// sequential.
pub fn idom_retained_lean(g: &DomInput, self_size: &[u64]) -> (Vec<u32>, Vec<u64>) {
    let LeanNumbering { vertex, preds } = NumPreds::lean(g);
    let parent = |i: usize| preds.dfs_parent(i);
    let mut info = new_info(vertex.len(), parent);
    semidominators(&preds, &mut info);
    park_parents(&mut info, parent);
    drop(preds);
    let idom = nearest_common_ancestors(&mut info);
    drop(info);
    nodes_and_retained(&vertex, &idom, self_size)
}

#[cfg(test)]
mod tests {
    use super::super::families::{self, Graph};
    use super::super::preorder::NumPreds;
    use super::*;

    /// The link/eval state after pass 1.
    fn semis(g: &Graph) -> Vec<Info> {
        let (pre, preds) = NumPreds::with_preorder(&g.input());
        let parent = |i: usize| pre.parent[i];
        let mut info = new_info(pre.len(), parent);
        semidominators(&preds, &mut info);
        park_parents(&mut info, parent);
        info
    }

    /// Pass 2 both ways over the same semidominators: the walk unbounded, and the
    /// Lengauer–Tarjan fallback from the first step (budget 0).
    fn both_ways(g: &Graph) -> (Vec<u32>, Vec<u32>) {
        let mut info = semis(g);
        let mut again = info.clone();
        (
            nearest_common_ancestors_within(&mut info, usize::MAX),
            nearest_common_ancestors_within(&mut again, 0),
        )
    }

    #[test]
    fn the_fallback_gives_the_walks_dominators() {
        let graphs = [
            families::sncaworst(300),
            families::itworst(40),
            families::idfsquad(300),
            families::ibfsquad(300),
            families::chain_with_back_edges(500),
            families::doubly_linked_list(500),
            families::weak_retained(5, 4),
            families::orphan_cycles(20, 4, 5),
            families::heap_like(5000, 3),
            families::heap_like(5000, 11),
        ];
        for g in &graphs {
            let (walk, fallback) = both_ways(g);
            assert_eq!(walk, fallback);
        }
    }

    #[test]
    fn sncaworst_exhausts_the_walk_budget_and_heap_shapes_do_not() {
        // Whether the default pass walks within its budget.
        let within = |g: &Graph| {
            let mut info = semis(g);
            let budget = WALK_STEPS_PER_NUMBER * info.len();
            walk_within(&mut info, budget)
        };
        assert!(!within(&families::sncaworst(1000)));
        for seed in [3, 11] {
            assert!(within(&families::heap_like(20_000, seed)));
        }
    }
}
