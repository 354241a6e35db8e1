//! Depth-first preorder numbering and predecessor lists, shared by the Lengauer–Tarjan
//! family ([`super::lt`], [`super::slt`], [`super::snca`]).
//!
//! Those algorithms work on DFS numbers: a node's semidominator is the smallest number
//! reachable by a particular kind of path, and the dominator of a node is always a DFS-tree
//! ancestor, i.e. has a smaller number. So every per-node array here is indexed by DFS
//! number, not by node ordinal:
//!
//! * number 0 is the *null* sentinel the sophisticated link/eval of Lengauer–Tarjan needs
//!   (`size[0] = 0`, `semi[0] = 0`), and means "unreached" in [`Preorder::num`];
//! * number 1 is the virtual root; the reached nodes are `2..len`.
//!
//! Predecessors come in two layouts, so the benefit of the layout can be measured
//! (`docs/dominators.md`):
//!
//! * [`NodePreds`] — the *plain* layout: the reverse CSR of the kept edges indexed by node
//!   ordinal, as one would build it from the snapshot's retainers. Visiting the predecessors
//!   of number `i` jumps to `vertex[i]`'s slot and translates each predecessor through
//!   `num[]`: two dependent random accesses per edge.
//! * [`NumPreds`] — the *renumbered* layout: the reverse CSR built directly in DFS-number
//!   space. The semidominator pass walks `i` from `len - 1` down to 2 and so reads this CSR
//!   strictly sequentially, and predecessors are already numbers. Heap graphs are far larger
//!   than the caches, so this turns the hot loop from latency-bound to bandwidth-bound.
//!
//! Everything is iterative (heap graphs have million-deep DFS paths) and allocated as a
//! handful of flat `u32` vectors.

use super::DomInput;
use crate::bitset::BitSet;
use crate::csr::CountingSort;
use std::sync::atomic::{AtomicU32, Ordering::Relaxed};

/// The null number (and "unreached" in [`Preorder::num`]).
pub const NULL: u32 = 0;
/// The virtual root's number.
pub const VROOT: u32 = 1;

/// A depth-first numbering of the nodes the virtual root reaches.
#[derive(Clone, Debug)]
pub struct Preorder {
    /// Node ordinal → DFS number, [`NULL`] when unreached.
    pub num: Vec<u32>,
    /// DFS number → node ordinal; entries 0 and 1 are `u32::MAX`.
    pub vertex: Vec<u32>,
    /// DFS number → the DFS-tree parent's number; `parent[VROOT] = NULL`.
    pub parent: Vec<u32>,
}

impl Preorder {
    /// Numbers in use, including the null and virtual-root slots.
    pub fn len(&self) -> usize {
        self.vertex.len()
    }

    pub fn is_empty(&self) -> bool {
        self.vertex.len() <= 2
    }

    /// Iterative DFS from the virtual root, whose children are `g.roots` in order.
    pub fn build(g: &DomInput) -> Preorder {
        let n = g.node_count();
        let mut num = vec![NULL; n];
        let mut vertex = Vec::with_capacity(n + 2);
        let mut parent = Vec::with_capacity(n + 2);
        vertex.extend_from_slice(&[u32::MAX, u32::MAX]);
        parent.extend_from_slice(&[NULL, NULL]);
        // (node, next edge to scan); one entry per node on the current DFS path.
        let mut stack: Vec<(u32, u32)> = Vec::new();
        let first = g.first_edge;
        for &r in g.roots {
            if num[r as usize] != NULL {
                continue;
            }
            num[r as usize] = vertex.len() as u32;
            vertex.push(r);
            parent.push(VROOT);
            stack.push((r, first[r as usize]));
            while let Some(top) = stack.last_mut() {
                let v = top.0;
                let end = first[v as usize + 1];
                let mut e = top.1;
                let mut next = None;
                while e < end {
                    let edge = e as usize;
                    e += 1;
                    if let Some(k) = g.keep {
                        if !k.get(edge) {
                            continue;
                        }
                    }
                    let w = g.to[edge];
                    if num[w as usize] == NULL {
                        next = Some(w);
                        break;
                    }
                }
                top.1 = e;
                match next {
                    Some(w) => {
                        num[w as usize] = vertex.len() as u32;
                        parent.push(num[v as usize]);
                        vertex.push(w);
                        stack.push((w, first[w as usize]));
                    }
                    None => {
                        stack.pop();
                    }
                }
            }
        }
        Preorder {
            num,
            vertex,
            parent,
        }
    }

    /// `idom` in DFS-number space → the public node-ordinal form.
    pub fn to_nodes(&self, idom: &[u32]) -> Vec<u32> {
        to_nodes_by_vertex(&self.vertex, idom, self.num.len())
    }

    /// Retained sizes from `idom` in DFS-number space. A dominator is a DFS ancestor, so it
    /// has a smaller number: one backward sweep over the numbers is a post-order of the
    /// dominator tree, with no tree to build and no stack.
    pub fn retained(&self, idom: &[u32], self_size: &[u64]) -> Vec<u64> {
        retained_by_vertex(&self.vertex, idom, self_size)
    }
}

/// Where an algorithm reads the predecessors of DFS number `i` from.
pub trait PredSource {
    /// Calls `f(p)` for each predecessor number `p` of number `i` (`p != NULL`), including
    /// [`VROOT`] when `vertex[i]` is among the roots (parallel edges may repeat a `p`).
    fn for_each(&self, i: u32, f: impl FnMut(u32));
}

/// Predecessors renumbered into DFS-number space (see the module doc).
#[derive(Clone, Debug)]
pub struct NumPreds {
    first: Vec<u32>,
    list: Vec<u32>,
}

impl NumPreds {
    /// The DFS numbering and the renumbered predecessor CSR in one search.
    ///
    /// Every kept edge `v → w` the DFS scans has a numbered target at that moment (either
    /// `w` was visited before, or the edge is the tree edge that numbers it), so the search
    /// appends `(num[w], num[v])` to a sequential buffer and counts `w`'s in-degree in the
    /// same cache line as `num[w]` (`state[w] = [num, indeg]`): one random access per edge,
    /// the unavoidable one. A gather and a scatter then bucket the buffer by target number.
    pub fn with_preorder(g: &DomInput) -> (Preorder, NumPreds) {
        let mut pairs: Vec<[u32; 2]> = Vec::with_capacity(g.to.len() + g.roots.len());
        let (state, vertex, parent) = counting_dfs(g, |t, p| pairs.push([t, p]), |_| {});
        let mut sort = buckets(&state, &vertex);
        let mut list = vec![0u32; sort.total()];
        for &[t, p] in &pairs {
            list[sort.place(t)] = p;
        }
        drop(pairs);
        let first = sort.into_offsets();
        let num = state.into_iter().map(|s| s[0]).collect();
        (
            Preorder {
                num,
                vertex,
                parent,
            },
            NumPreds { first, list },
        )
    }
}

impl NumPreds {
    /// The DFS numbering and the renumbered predecessor CSR on two threads: the DFS on
    /// this one while another builds the node-ordinal reverse CSR ([`reverse_csr`], which
    /// does not depend on the DFS), then one pass that walks the numbers in order and
    /// copies each node's predecessors translated into numbers (unreached ones dropped).
    /// On heap snapshots, whose node order has allocation locality, both halves stream
    /// well, where the fused single-thread build of [`NumPreds::with_preorder`] pays for a
    /// buffer as large as the edge list.
    pub fn with_preorder_parallel(g: &DomInput) -> (Preorder, NumPreds) {
        let (pre, (rfirst, rlist)) = std::thread::scope(|s| {
            let rev = s.spawn(|| reverse_csr(g));
            let pre = Preorder::build(g);
            (pre, rev.join().expect("reverse_csr thread panicked"))
        });
        let len = pre.len();
        let mut is_root = BitSet::new(g.node_count());
        for &r in g.roots {
            is_root.set(r as usize);
        }
        let mut first = vec![0u32; len + 1];
        let mut list = Vec::with_capacity(rlist.len() + g.roots.len());
        for (f, &w) in first[2..len].iter_mut().zip(&pre.vertex[2..]) {
            *f = list.len() as u32;
            let w = w as usize;
            if is_root.get(w) {
                list.push(VROOT);
            }
            for &u in &rlist[rfirst[w] as usize..rfirst[w + 1] as usize] {
                let p = pre.num[u as usize];
                if p != NULL {
                    list.push(p);
                }
            }
        }
        first[len] = list.len() as u32;
        (pre, NumPreds { first, list })
    }
}

impl PredSource for NumPreds {
    #[inline]
    fn for_each(&self, i: u32, mut f: impl FnMut(u32)) {
        let (a, b) = (
            self.first[i as usize] as usize,
            self.first[i as usize + 1] as usize,
        );
        for &p in &self.list[a..b] {
            f(p);
        }
    }
}

/// Predecessors in node-ordinal space plus the numbering to translate them (the plain
/// layout; see the module doc).
#[derive(Clone, Debug)]
pub struct NodePreds<'p> {
    first: Vec<u32>,
    list: Vec<u32>,
    is_root: BitSet,
    pre: &'p Preorder,
}

/// The node-ordinal reverse CSR of the kept edges: `(first, list)`, `first.len() = n + 1`.
/// Independent of the DFS, so it can be built on another core while the DFS runs.
pub fn reverse_csr(g: &DomInput) -> (Vec<u32>, Vec<u32>) {
    let kept = |e: usize| g.keep.is_none_or(|k| k.get(e));
    let keys = g.to.iter().enumerate().filter(|&(e, _)| kept(e));
    let mut sort = CountingSort::by_keys(g.node_count(), keys.map(|(_, &t)| t));
    let mut list = vec![0u32; sort.total()];
    for v in 0..g.node_count() {
        for e in g.first_edge[v] as usize..g.first_edge[v + 1] as usize {
            if kept(e) {
                list[sort.place(g.to[e])] = v as u32;
            }
        }
    }
    (sort.into_offsets(), list)
}

impl<'p> NodePreds<'p> {
    pub fn build(g: &DomInput, pre: &'p Preorder) -> NodePreds<'p> {
        let (first, list) = reverse_csr(g);
        Self::from_csr(g, pre, first, list)
    }

    pub fn from_csr(g: &DomInput, pre: &'p Preorder, first: Vec<u32>, list: Vec<u32>) -> Self {
        let mut is_root = BitSet::new(g.node_count());
        for &r in g.roots {
            is_root.set(r as usize);
        }
        NodePreds {
            first,
            list,
            is_root,
            pre,
        }
    }
}

impl PredSource for NodePreds<'_> {
    #[inline]
    fn for_each(&self, i: u32, mut f: impl FnMut(u32)) {
        let w = self.pre.vertex[i as usize] as usize;
        if self.is_root.get(w) {
            f(VROOT);
        }
        for &u in &self.list[self.first[w] as usize..self.first[w + 1] as usize] {
            let p = self.pre.num[u as usize];
            if p != NULL {
                f(p);
            }
        }
    }
}

/// The memory-lean numbering: DFS-number → node (`vertex`) and the renumbered
/// predecessors, each number's DFS parent first ([`NumPreds::dfs_parent`]); neither the
/// ordinal → number map nor a parent array survives the build.
pub struct LeanNumbering {
    pub vertex: Vec<u32>,
    pub preds: NumPreds,
}

impl NumPreds {
    /// The DFS numbering and the renumbered predecessor CSR with no edge-sized buffer
    /// besides the result (what the analysis path uses; [`NumPreds::with_preorder`] keeps
    /// an 8-byte pair per edge to save one sweep). The search counts each number's
    /// in-degree next to the number itself (`state[w] = [num, indeg]`, one cache line),
    /// so the offsets come from the counts without a counting pass, and marks the edge (or
    /// root entry) that numbered each node. The DFS parent then goes first into every
    /// bucket, so that it can be read back from the list, and the parent array becomes
    /// the offsets. The other kept edges from reached nodes are written into their
    /// targets' buckets by a sweep over the forward CSR on two threads
    /// ([`fill_from_both_ends`]). Peak: 8 bytes per node for `state`, 12 for `vertex`, the
    /// offsets and the front cursors, 4 per kept edge and a bit per edge: no more than the
    /// semidominator pass that follows (12 per node for its records, 8 for `vertex` and the
    /// offsets, 4 per kept edge).
    pub fn lean(g: &DomInput) -> LeanNumbering {
        let mut tree_edge = BitSet::new(g.to.len());
        let mut tree_root = BitSet::new(g.roots.len());
        let mut entries = 0usize;
        let (mut state, vertex, mut parent) = counting_dfs(
            g,
            |_, _| entries += 1,
            |link| match link {
                TreeLink::Edge(e) => tree_edge.set(e),
                TreeLink::Root(k) => tree_root.set(k),
            },
        );
        // The list's pages are faulted in on the other core while this one sizes the buckets.
        let (mut front, mut list) = std::thread::scope(|s| {
            let list = s.spawn(|| (0..entries).map(|_| AtomicU32::new(0)).collect::<Vec<_>>());
            let front = buckets_with_ends(&mut state, &vertex);
            (
                front,
                list.join().expect("predecessor list thread panicked"),
            )
        });
        debug_assert_eq!(front.total(), list.len());
        let state: Vec<[AtomicU32; 2]> = state.into_iter().map(|s| s.map(AtomicU32::new)).collect();
        // Each parent heads its bucket, so the slot it takes is the bucket's start: the
        // parent array turns into the offsets as it is read.
        for (i, p) in parent.iter_mut().enumerate().skip(2) {
            let at = front.place(i as u32);
            *list[at].get_mut() = *p;
            *p = at as u32;
        }
        let mut first = parent;
        // Numbers 0 and 1 have no predecessors: empty buckets at 0.
        first[..2].fill(0);
        first.push(list.len() as u32);
        for (k, &r) in g.roots.iter().enumerate() {
            if !tree_root.get(k) {
                *list[front.place(state[r as usize][0].load(Relaxed))].get_mut() = VROOT;
            }
        }
        fill_from_both_ends(g, &tree_edge, &state, &mut front, &list);
        LeanNumbering {
            vertex,
            preds: NumPreds {
                first,
                list: list.into_iter().map(AtomicU32::into_inner).collect(),
            },
        }
    }

    /// The DFS parent of number `i` ([`NULL`] for 0 and 1) in a [`NumPreds::lean`] layout,
    /// where it heads the list.
    #[inline]
    pub fn dfs_parent(&self, i: usize) -> u32 {
        if i < 2 {
            NULL
        } else {
            self.list[self.first[i] as usize]
        }
    }
}

/// How the DFS reached a node for the first time: through the edge with this index, or
/// as the root entry with this position in [`DomInput::roots`].
enum TreeLink {
    Edge(usize),
    Root(usize),
}

/// The share of the forward CSR's edges (in percent, by source order) whose predecessor
/// entries the front thread of [`fill_from_both_ends`] writes. The back thread's step is
/// cheaper (its cursor shares the target's cache line), so it takes the larger share.
const FRONT_SHARE_PERCENT: u64 = 45;

/// Writes every kept edge `v → w` from a reached `v` that did not number `w` into `w`'s
/// bucket, on two threads: this one sweeps the sources up to a split point and fills each
/// bucket forward from `front`'s cursors, a helper sweeps the rest and fills each bucket
/// backward from its end, whose cursor it keeps in `state[w][1]` (set by
/// [`buckets_with_ends`]). The buckets have room for exactly the items the DFS counted, so
/// the cursors meet and no slot is written twice; predecessors are unordered within a
/// bucket apart from the DFS parent at its head (a semidominator is a minimum over them).
fn fill_from_both_ends(
    g: &DomInput,
    tree_edge: &BitSet,
    state: &[[AtomicU32; 2]],
    front: &mut CountingSort,
    list: &[AtomicU32],
) {
    let n = g.node_count();
    let front_edges = g.to.len() as u64 * FRONT_SHARE_PERCENT / 100;
    let split = g.first_edge[..n].partition_point(|&e| u64::from(e) < front_edges);
    std::thread::scope(|s| {
        s.spawn(|| {
            for_each_non_tree_edge(g, tree_edge, state, split..n, |w, nv| {
                let end = &state[w as usize][1];
                let at = end.load(Relaxed) - 1;
                end.store(at, Relaxed);
                list[at as usize].store(nv, Relaxed);
            })
        });
        for_each_non_tree_edge(g, tree_edge, state, 0..split, |w, nv| {
            let at = front.place(state[w as usize][0].load(Relaxed));
            list[at].store(nv, Relaxed);
        });
    });
}

/// Calls `f(w, num[v])` for every kept edge `v → w` with `v` in `sources` reached and the
/// edge not the one that numbered `w`.
fn for_each_non_tree_edge(
    g: &DomInput,
    tree_edge: &BitSet,
    state: &[[AtomicU32; 2]],
    sources: std::ops::Range<usize>,
    mut f: impl FnMut(u32, u32),
) {
    for v in sources {
        let nv = state[v][0].load(Relaxed);
        if nv == NULL {
            continue;
        }
        for edge in g.first_edge[v] as usize..g.first_edge[v + 1] as usize {
            if g.keep.is_some_and(|k| !k.get(edge)) || tree_edge.get(edge) {
                continue;
            }
            f(g.to[edge], nv);
        }
    }
}

/// The DFS from the virtual root shared by the renumbering builders: returns
/// `state[v] = [num, kept in-degree]` (`num` is `NULL` when unreached), `vertex` (number →
/// node) and `parent` (by number), numbers 0 and 1 reserved. `on_edge(num[w], num[v])` is
/// called once for every kept edge `v → w` the search scans (including the tree edge that
/// numbers `w`), and `on_edge(num[r], VROOT)` for every root entry: exactly the
/// predecessor pairs, in scan order. `on_tree` hears which of them numbered a node.
fn counting_dfs(
    g: &DomInput,
    mut on_edge: impl FnMut(u32, u32),
    mut on_tree: impl FnMut(TreeLink),
) -> (Vec<[u32; 2]>, Vec<u32>, Vec<u32>) {
    let n = g.node_count();
    let mut state: Vec<[u32; 2]> = vec![[NULL, 0]; n];
    let mut vertex = Vec::with_capacity(n + 2);
    // One more than the numbers: [`NumPreds::lean`] turns it into offsets and appends the
    // total, which must not reallocate a 4-byte-per-node array at the analysis's peak.
    let mut parent = Vec::with_capacity(n + 3);
    vertex.extend_from_slice(&[u32::MAX, u32::MAX]);
    parent.extend_from_slice(&[NULL, NULL]);
    // (node, its number, next edge to scan).
    let mut stack: Vec<(u32, u32, u32)> = Vec::new();
    let first = g.first_edge;
    for (k, &r) in g.roots.iter().enumerate() {
        let s = &mut state[r as usize];
        s[1] += 1;
        if s[0] != NULL {
            on_edge(s[0], VROOT);
            continue;
        }
        let nr = vertex.len() as u32;
        s[0] = nr;
        on_edge(nr, VROOT);
        on_tree(TreeLink::Root(k));
        vertex.push(r);
        parent.push(VROOT);
        stack.push((r, nr, first[r as usize]));
        while let Some(top) = stack.last_mut() {
            let (v, nv) = (top.0, top.1);
            let end = first[v as usize + 1];
            let mut e = top.2;
            let mut next = None;
            while e < end {
                let edge = e as usize;
                e += 1;
                if let Some(k) = g.keep {
                    if !k.get(edge) {
                        continue;
                    }
                }
                let w = g.to[edge];
                let s = &mut state[w as usize];
                s[1] += 1;
                if s[0] == NULL {
                    let nw = vertex.len() as u32;
                    s[0] = nw;
                    on_edge(nw, nv);
                    on_tree(TreeLink::Edge(edge));
                    vertex.push(w);
                    parent.push(nv);
                    next = Some((w, nw));
                    break;
                }
                on_edge(s[0], nv);
            }
            top.2 = e;
            match next {
                Some((w, nw)) => stack.push((w, nw, first[w as usize])),
                None => {
                    stack.pop();
                }
            }
        }
    }
    (state, vertex, parent)
}

/// The counting sort of the renumbered predecessors, sized by the in-degrees
/// `counting_dfs` counted (numbers 0 and 1 have none).
fn buckets(state: &[[u32; 2]], vertex: &[u32]) -> CountingSort {
    let indegree = |i: usize| {
        if i < 2 {
            0
        } else {
            state[vertex[i] as usize][1]
        }
    };
    CountingSort::with_counts((0..vertex.len()).map(indegree))
}

/// [`buckets`], and each reached node's in-degree slot (`state[w][1]`) replaced by the end
/// of its bucket: the back cursor of [`fill_from_both_ends`].
fn buckets_with_ends(state: &mut [[u32; 2]], vertex: &[u32]) -> CountingSort {
    let mut end = 0u32;
    CountingSort::with_counts((0..vertex.len()).map(|i| {
        if i < 2 {
            return 0;
        }
        let slot = &mut state[vertex[i] as usize][1];
        let count = *slot;
        end += count;
        *slot = end;
        count
    }))
}

/// `idom` by number → node ordinals for `n` nodes, given `vertex` (see
/// [`Preorder::to_nodes`]).
pub fn to_nodes_by_vertex(vertex: &[u32], idom: &[u32], n: usize) -> Vec<u32> {
    let mut out = vec![super::UNREACHABLE; n];
    for i in 2..vertex.len() {
        let d = idom[i];
        out[vertex[i] as usize] = if d == VROOT {
            super::VIRTUAL_ROOT
        } else {
            vertex[d as usize]
        };
    }
    out
}

/// Retained sizes from `idom` by number, given `vertex` (see [`Preorder::retained`]).
pub fn retained_by_vertex(vertex: &[u32], idom: &[u32], self_size: &[u64]) -> Vec<u64> {
    let mut out = self_size.to_vec();
    scatter_by_vertex(
        &retained_by_number(vertex, idom, self_size),
        vertex,
        &mut out,
    );
    out
}

/// Node-ordinal idoms and retained sizes from `idom` by number, on two threads: a helper
/// translates the idoms ([`to_nodes_by_vertex`]) and copies the self sizes (the retained
/// size of every unreached node) while this thread accumulates in DFS order; then the
/// sums are scattered into the copy. The same results as [`to_nodes_by_vertex`] and
/// [`retained_by_vertex`].
pub fn nodes_and_retained(vertex: &[u32], idom: &[u32], self_size: &[u64]) -> (Vec<u32>, Vec<u64>) {
    std::thread::scope(|s| {
        let helper = s.spawn(|| {
            (
                to_nodes_by_vertex(vertex, idom, self_size.len()),
                self_size.to_vec(),
            )
        });
        let by_number = retained_by_number(vertex, idom, self_size);
        let (nodes, mut out) = helper.join().expect("idom translation thread panicked");
        scatter_by_vertex(&by_number, vertex, &mut out);
        (nodes, out)
    })
}

/// Retained size by DFS number: self sizes gathered, then one backward sweep (see
/// [`Preorder::retained`]).
fn retained_by_number(vertex: &[u32], idom: &[u32], self_size: &[u64]) -> Vec<u64> {
    let len = vertex.len();
    let mut r = vec![0u64; len];
    for i in 2..len {
        r[i] = self_size[vertex[i] as usize];
    }
    for i in (2..len).rev() {
        let d = idom[i] as usize;
        r[d] += r[i];
    }
    r
}

/// `out[vertex[i]] = by_number[i]` for every reached number.
fn scatter_by_vertex(by_number: &[u64], vertex: &[u32], out: &mut [u64]) {
    for i in 2..vertex.len() {
        out[vertex[i] as usize] = by_number[i];
    }
}
