//! Graph generators for testing and benchmarking dominator algorithms: the known worst-case
//! families, heap shapes that stress real tools, and synthetic heap-shaped graphs.
//!
//! Worst-case families (L. Georgiadis, "Linear-Time Algorithms for Dominators and Related
//! Problems", PhD thesis, Princeton TR-737-05, 2005, fig. 2.9; L. Georgiadis, R. E. Tarjan,
//! R. F. Werneck, "Finding Dominators in Practice", JGAA 10(1), 2006), each parameterised
//! by `k`:
//!
//! * [`itworst`] — the iterative algorithm ([`super::chk`]) needs Θ(k) passes over Θ(k²)
//!   edges; `r → w₁, x₁, z_k`, chains `w`, `x`, `x_k → y₁`, every `y_i → w_j`, chain `y`,
//!   `y_k → z₁`, and `z` a chain of two-cycles.
//! * [`idfsquad`] — CHK with DFS order is quadratic on a sparse graph: `r → x₁, z₁`,
//!   `x_i → y_i, x_{i+1}`, `y_i → z_i, z_{i+1}`, `z_i → y_i`.
//! * [`ibfsquad`] — the same for BFS order: `r → w, y`, `w → x_i` for all `i`, `y → z → x_k`,
//!   `x_{i+1} → x_i`.
//! * [`sncaworst`] — SEMI-NCA's NCA walk is quadratic: `r → x₁` and `r → y_i` for all `i`,
//!   a chain `x₁ … x_k`, and `x_k → y_i` for all `i`. Every `y_i` has DFS parent `x_k` and
//!   semidominator `r`, so each walks the whole `x` chain.
//!
//! Heap shapes: [`chain`] (a million-deep one must not overflow any stack),
//! [`chain_with_back_edges`], [`doubly_linked_list`], [`weak_retained`] (objects held only
//! through filtered edges, as DevTools' weak edges), [`orphan_cycles`] (garbage cycles that
//! only retain each other) and [`heap_like`], a seeded random graph with the statistics of a
//! V8 heap (see its doc).
//!
//! Every generator returns a [`Graph`] whose roots follow DevTools' rule (node 0, then every
//! node with no kept in-edge; see `BRIEF`/`HeapSnapshot.ts`), unless stated otherwise.

use super::DomInput;
use crate::bitset::BitSet;

/// An owned graph in the [`DomInput`] layout.
#[derive(Clone, PartialEq, Eq)]
pub struct Graph {
    pub first_edge: Vec<u32>,
    pub to: Vec<u32>,
    /// Kept edges (`None` = all).
    pub keep: Option<BitSet>,
    pub roots: Vec<u32>,
}

impl Graph {
    /// From an edge list `(from, to, kept)`, grouped by source (stable within a source).
    pub fn from_edges(n: usize, edges: &[(u32, u32, bool)], roots: Vec<u32>) -> Graph {
        let mut first_edge = vec![0u32; n + 1];
        for &(a, _, _) in edges {
            first_edge[a as usize + 1] += 1;
        }
        for i in 0..n {
            first_edge[i + 1] += first_edge[i];
        }
        let mut fill = first_edge.clone();
        let mut to = vec![0u32; edges.len()];
        let all_kept = edges.iter().all(|e| e.2);
        let mut keep = BitSet::new(edges.len());
        for &(a, b, k) in edges {
            let slot = fill[a as usize] as usize;
            fill[a as usize] += 1;
            to[slot] = b;
            if k {
                keep.set(slot);
            }
        }
        Graph {
            first_edge,
            to,
            keep: if all_kept { None } else { Some(keep) },
            roots,
        }
    }

    pub fn input(&self) -> DomInput<'_> {
        DomInput {
            first_edge: &self.first_edge,
            to: &self.to,
            keep: self.keep.as_ref(),
            roots: &self.roots,
        }
    }

    pub fn node_count(&self) -> usize {
        self.first_edge.len() - 1
    }

    pub fn edge_count(&self) -> usize {
        self.to.len()
    }

    pub fn is_kept(&self, e: usize) -> bool {
        self.keep.as_ref().is_none_or(|k| k.get(e))
    }

    /// Replaces the roots by DevTools' rule: node 0, then every other node without a kept
    /// in-edge (self edges count as in-edges here; the analyzer drops them before).
    pub fn with_devtools_roots(mut self) -> Graph {
        let n = self.node_count();
        let mut has_in = BitSet::new(n);
        for e in 0..self.to.len() {
            if self.is_kept(e) {
                has_in.set(self.to[e] as usize);
            }
        }
        self.roots = std::iter::once(0)
            .chain((1..n as u32).filter(|&v| !has_in.get(v as usize)))
            .collect();
        self
    }

    /// The edge list `(from, to, kept)`.
    pub fn edges(&self) -> Vec<(u32, u32, bool)> {
        let mut out = Vec::with_capacity(self.to.len());
        for v in 0..self.node_count() {
            for e in self.first_edge[v] as usize..self.first_edge[v + 1] as usize {
                out.push((v as u32, self.to[e], self.is_kept(e)));
            }
        }
        out
    }
}

/// Prints the graph as an edge list, so shrunk proptest counterexamples can be read and
/// pasted into a unit test: `n=4 roots=[0] 0->1 1->2 2-x>3` (`-x>` = filtered edge).
impl std::fmt::Debug for Graph {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "n={} roots={:?}", self.node_count(), self.roots)?;
        for (a, b, k) in self.edges() {
            write!(f, " {a}{}{b}", if k { "->" } else { "-x>" })?;
        }
        Ok(())
    }
}

fn all(n: usize, edges: &[(u32, u32)]) -> Graph {
    let e: Vec<(u32, u32, bool)> = edges.iter().map(|&(a, b)| (a, b, true)).collect();
    Graph::from_edges(n, &e, vec![0])
}

/// itworst(k): 4k + 1 nodes, k² + 5k edges (see the module doc). Root 0.
pub fn itworst(k: u32) -> Graph {
    let (w, x, y, z) = (1, 1 + k, 1 + 2 * k, 1 + 3 * k);
    let mut e = vec![(0, w), (0, x), (0, z + k - 1)];
    for i in 0..k - 1 {
        e.push((w + i, w + i + 1));
        e.push((x + i, x + i + 1));
    }
    e.push((x + k - 1, y));
    for i in 0..k {
        for j in 0..k {
            e.push((y + i, w + j));
        }
        e.push((y + i, if i + 1 < k { y + i + 1 } else { z }));
    }
    for i in 0..k - 1 {
        e.push((z + i, z + i + 1));
        e.push((z + i + 1, z + i));
    }
    all(4 * k as usize + 1, &e)
}

/// idfsquad(k): 3k + 1 nodes, 5k edges (see the module doc). Root 0.
pub fn idfsquad(k: u32) -> Graph {
    let (x, y, z) = (1, 1 + k, 1 + 2 * k);
    let mut e = vec![(0, x), (0, z)];
    for i in 0..k {
        e.push((x + i, y + i));
        if i + 1 < k {
            e.push((x + i, x + i + 1));
        }
        e.push((y + i, z + i));
        if i + 1 < k {
            e.push((y + i, z + i + 1));
        }
        e.push((z + i, y + i));
    }
    all(3 * k as usize + 1, &e)
}

/// ibfsquad(k): k + 4 nodes, 2k + 3 edges (see the module doc). Root 0.
pub fn ibfsquad(k: u32) -> Graph {
    let (w, x, y, z) = (1, 2, 2 + k, 3 + k);
    let mut e = vec![(0, w), (0, y)];
    for i in 0..k {
        e.push((w, x + i));
    }
    e.push((y, z));
    e.push((z, x + k - 1));
    for i in (1..k).rev() {
        e.push((x + i, x + i - 1));
    }
    all(k as usize + 4, &e)
}

/// sncaworst(k): 2k + 1 nodes, 3k edges (see the module doc). Root 0.
pub fn sncaworst(k: u32) -> Graph {
    let (x, y) = (1, 1 + k);
    let mut e = vec![(0, x)];
    for i in 0..k {
        e.push((0, y + i));
    }
    for i in 0..k - 1 {
        e.push((x + i, x + i + 1));
    }
    for i in 0..k {
        e.push((x + k - 1, y + i));
    }
    all(2 * k as usize + 1, &e)
}

/// A chain `0 → 1 → … → n-1`: DFS and dominator tree both n deep.
pub fn chain(n: u32) -> Graph {
    let e: Vec<(u32, u32)> = (1..n).map(|i| (i - 1, i)).collect();
    all(n as usize, &e)
}

/// A chain with a back edge from every node to an earlier one (`i → i - 1 - i % 7`, and
/// `i → 0` every 1000 nodes): deep DFS, many non-tree edges, dominator tree still the chain.
pub fn chain_with_back_edges(n: u32) -> Graph {
    let mut e = Vec::with_capacity(2 * n as usize);
    for i in 1..n {
        e.push((i - 1, i));
        e.push((i, i - 1 - (i - 1).min(i % 7)));
        if i % 1000 == 0 {
            e.push((i, 0));
        }
    }
    all(n as usize, &e)
}

/// A doubly linked list hanging from the root: `0 → 1`, `i ⇄ i + 1`.
pub fn doubly_linked_list(n: u32) -> Graph {
    let mut e = Vec::with_capacity(2 * n as usize);
    for i in 1..n {
        e.push((i - 1, i));
        if i >= 2 {
            e.push((i, i - 1));
        }
    }
    all(n as usize, &e)
}

/// `k` groups of a holder reached strongly from the root and an object behind it reached
/// only through a filtered (weak) edge, which itself retains a chain of `depth` nodes.
/// With DevTools' roots the weakly held objects become roots of their own.
pub fn weak_retained(k: u32, depth: u32) -> Graph {
    let per = 2 + depth;
    let n = 1 + k * per;
    let mut e = Vec::new();
    for g in 0..k {
        let holder = 1 + g * per;
        let weak = holder + 1;
        e.push((0, holder, true));
        e.push((holder, weak, false));
        let mut prev = weak;
        for d in 0..depth {
            e.push((prev, weak + 1 + d, true));
            prev = weak + 1 + d;
        }
        // A weak edge back up must not change anything either.
        e.push((prev, holder, false));
    }
    Graph::from_edges(n as usize, &e, vec![0]).with_devtools_roots()
}

/// A chain of `live` nodes from the root plus `k` cycles of `len` nodes that only retain
/// each other (and point into the live part). Unreachable under DevTools' rule: every
/// cycle member has a retainer.
pub fn orphan_cycles(live: u32, k: u32, len: u32) -> Graph {
    let n = live + k * len;
    let mut e = Vec::new();
    for i in 1..live {
        e.push((i - 1, i, true));
    }
    for c in 0..k {
        let base = live + c * len;
        for j in 0..len {
            e.push((base + j, base + (j + 1) % len, true));
        }
        if live > 0 {
            e.push((base, (c * 7919) % live, true));
        }
    }
    Graph::from_edges(n as usize, &e, vec![0]).with_devtools_roots()
}

/// SplitMix64: a tiny deterministic generator, so families need no dependency.
#[derive(Clone, Debug)]
pub struct SplitMix64(pub u64);

impl SplitMix64 {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0), by multiply-shift.
    pub fn below(&mut self, n: u32) -> u32 {
        (((self.next_u64() >> 32) * n as u64) >> 32) as u32
    }
}

/// A seeded random graph shaped like a V8 heap of `n` nodes, about 2.7 edges per node
/// (the 12 M-node / 32 M-edge real snapshot of the benchmarks has that ratio):
///
/// * node 0 is the synthetic root, node 1 `(GC roots)`, nodes 2..18 sub-roots, each with a
///   handful of edges to global objects;
/// * every other node `v` has an *owner* that points to it: usually a recent node
///   (allocation locality: objects are created by and stored into their neighbours), else
///   any older one — so the graph has a spanning forest but node order is not DFS order;
/// * 1 % of the nodes are maps (hidden classes), and most objects point to one: the
///   high-in-degree shared nodes of real heaps, dominated by the root;
/// * about one more edge per node to a random node (cross links, back pointers, sharing),
///   of which 10 % are weak (filtered) — as are 5 % of the owner edges, so some objects are
///   held only weakly and become DevTools roots of their own;
/// * one garbage cycle of 3 nodes per 20 000 (numbered last) that only the cycle retains.
pub fn heap_like(n: u32, seed: u64) -> Graph {
    let n = n.max(64);
    let mut rng = SplitMix64(seed);
    let maps = (n / 100).max(1);
    let first_obj = 18u32;
    let mut e: Vec<(u32, u32, bool)> = Vec::with_capacity(n as usize * 3);
    e.push((0, 1, true));
    for s in 2..first_obj {
        e.push((1, s, true));
    }
    // Maps occupy first_obj..first_obj+maps, owned by the sub-roots.
    for m in 0..maps {
        e.push((2 + m % 16, first_obj + m, true));
    }
    // Garbage cycles live at the top of the numbering, where no random edge points.
    let cycles = n / 20_000;
    let live_end = n - 3 * cycles;
    for v in first_obj + maps..live_end {
        let span = v - first_obj - maps;
        let owner = if span == 0 || rng.below(50) == 0 {
            2 + rng.below(16)
        } else if rng.below(10) < 7 {
            v - 1 - rng.below(span.min(64))
        } else {
            first_obj + maps + rng.below(span)
        };
        e.push((owner, v, rng.below(20) != 0));
        if rng.below(10) < 8 {
            e.push((v, first_obj + rng.below(maps), true));
        }
        let extra = rng.below(3); // 0, 1 or 2: one on average
        for _ in 0..extra {
            let t = rng.below(live_end);
            e.push((v, t, rng.below(10) != 0));
        }
    }
    for c in 0..cycles {
        let b = live_end + 3 * c;
        e.push((b, b + 1, true));
        e.push((b + 1, b + 2, true));
        e.push((b + 2, b, true));
        e.push((b, rng.below(live_end), true));
    }
    Graph::from_edges(n as usize, &e, vec![0]).with_devtools_roots()
}
