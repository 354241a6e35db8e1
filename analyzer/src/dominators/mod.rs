//! Immediate dominators of a heap graph, and retained sizes from them.
//!
//! An object `d` *dominates* `v` when every path from the roots to `v` passes through `d`;
//! the retained size of `d` is the total self size of everything it dominates — the memory
//! a garbage collector would free if `d` became unreachable.
//!
//! Every algorithm here takes the same flat input, [`DomInput`]: the snapshot's forward CSR,
//! an edge filter (DevTools' essential edges; unset bits are ignored) and the children of a
//! *virtual root* — several real roots under one imaginary node, which is how the analyzer
//! models DevTools' treatment of objects retained only through weak edges. Each algorithm
//! returns `idom`, one `u32` per node ([`VIRTUAL_ROOT`] / [`UNREACHABLE`] for the special
//! cases); [`retained_sizes`] then turns any `idom` into retained sizes by one post-order
//! accumulation over the dominator tree.
//!
//! One file per algorithm, each citing its paper: [`chk`] (Cooper–Harvey–Kennedy),
//! [`lt`] (Lengauer–Tarjan, simple), [`slt`] (Lengauer–Tarjan, sophisticated), [`snca`]
//! (SEMI-NCA), and [`naive`] (the definition, for tests). The Lengauer–Tarjan family shares
//! the DFS numbering and predecessor layouts of [`preorder`] and the link/eval of
//! [`linkeval`] (`slt` has its own balanced one); each file's `run` works in DFS-number
//! space over any layout, and [`Algorithm`] pairs it with the plain layout or the
//! *renumbered* one, whose predecessor lists are built in DFS order before the
//! semidominator pass. [`Algorithm`] names them all; [`families`] generates the worst-case
//! and heap-shaped graphs the tests and benchmarks use. Measurements: `docs/dominators.md`.

use crate::bitset::BitSet;

pub mod chk;
pub mod families;
pub mod linkeval;
pub mod lt;
pub mod naive;
pub mod preorder;
pub mod slt;
pub mod snca;

/// `idom[v]` for the children of the virtual root: dominated by nothing but the virtual root.
pub const VIRTUAL_ROOT: u32 = u32::MAX;
/// `idom[v]` for nodes the virtual root cannot reach.
pub const UNREACHABLE: u32 = u32::MAX - 1;

/// The graph every dominator algorithm reads.
#[derive(Clone, Copy, Debug)]
pub struct DomInput<'a> {
    /// CSR offsets: node `v`'s edges are `first_edge[v]..first_edge[v + 1]`; `len = n + 1`.
    pub first_edge: &'a [u32],
    /// Edge targets.
    pub to: &'a [u32],
    /// Edges whose bit is clear are not followed. `None` follows all edges.
    pub keep: Option<&'a BitSet>,
    /// Children of the virtual root, in visiting order.
    pub roots: &'a [u32],
}

impl<'a> DomInput<'a> {
    pub fn node_count(&self) -> usize {
        self.first_edge.len() - 1
    }

    /// The kept successors of `v`.
    #[inline]
    pub fn successors(&self, v: u32) -> impl Iterator<Item = u32> + 'a {
        let (a, b) = (
            self.first_edge[v as usize] as usize,
            self.first_edge[v as usize + 1] as usize,
        );
        let keep = self.keep;
        let to = self.to;
        (a..b)
            .filter(move |&e| keep.is_none_or(|k| k.get(e)))
            .map(move |e| to[e])
    }
}

/// Immediate dominators with the analyzer's default algorithm ([`Algorithm::DEFAULT`]).
pub fn compute(g: &DomInput) -> Vec<u32> {
    Algorithm::DEFAULT.run(g)
}

/// Immediate dominators and retained sizes with the default algorithm (SEMI-NCA over
/// renumbered predecessors), using its DFS numbering for the accumulation (faster than
/// [`retained_sizes`]). This is the analysis path on snapshots of a gigabyte, so it runs
/// the memory-lean form, [`snca::idom_retained_lean`]: same results as
/// `Algorithm::DEFAULT.run_with_retained`, about half the working set.
pub fn compute_with_retained(g: &DomInput, self_size: &[u64]) -> (Vec<u32>, Vec<u64>) {
    snca::idom_retained_lean(g, self_size)
}

/// The dominator algorithms, by name (`heapsim dominators --algorithm NAME`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Algorithm {
    /// [`chk`]: iterative Cooper–Harvey–Kennedy.
    Chk,
    /// [`lt`]: simple Lengauer–Tarjan, plain predecessor layout.
    Lt,
    /// [`slt`]: sophisticated Lengauer–Tarjan, plain predecessor layout.
    Slt,
    /// [`snca`]: SEMI-NCA, plain predecessor layout.
    Snca,
    /// [`lt`] with predecessors renumbered into DFS order.
    LtPre,
    /// [`slt`] with predecessors renumbered into DFS order.
    SltPre,
    /// [`snca`] with predecessors renumbered into DFS order.
    SncaPre,
    /// [`snca`] renumbered, using two threads: DFS alongside the reverse CSR, then
    /// retained sizes alongside the translation back to node ordinals.
    SncaPar,
}

impl Algorithm {
    /// Every algorithm, in the order reports list them. ([`naive`] is not here: O(n·m).)
    pub const ALL: [Algorithm; 8] = [
        Algorithm::Chk,
        Algorithm::Lt,
        Algorithm::Slt,
        Algorithm::Snca,
        Algorithm::LtPre,
        Algorithm::SltPre,
        Algorithm::SncaPre,
        Algorithm::SncaPar,
    ];

    /// What [`compute`] uses: the fastest in `docs/dominators.md` that is never quadratic
    /// in practice.
    pub const DEFAULT: Algorithm = Algorithm::SncaPre;

    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Chk => "chk",
            Algorithm::Lt => "lt",
            Algorithm::Slt => "slt",
            Algorithm::Snca => "snca",
            Algorithm::LtPre => "lt-pre",
            Algorithm::SltPre => "slt-pre",
            Algorithm::SncaPre => "snca-pre",
            Algorithm::SncaPar => "snca-par",
        }
    }

    pub fn from_name(s: &str) -> Option<Algorithm> {
        Algorithm::ALL.into_iter().find(|a| a.name() == s)
    }

    /// Immediate dominators of `g` (see [`DomInput`] for the encoding).
    pub fn run(self, g: &DomInput) -> Vec<u32> {
        if self == Algorithm::Chk {
            return chk::idom(g);
        }
        let (pre, by_num) = self.numbered(g);
        pre.to_nodes(&by_num)
    }

    /// Immediate dominators and retained sizes. The Lengauer–Tarjan family accumulates in
    /// its DFS numbering (one backward sweep); CHK goes through [`retained_sizes`].
    pub fn run_with_retained(self, g: &DomInput, self_size: &[u64]) -> (Vec<u32>, Vec<u64>) {
        if self == Algorithm::Chk {
            let idom = chk::idom(g);
            let r = retained_sizes(&idom, self_size);
            return (idom, r);
        }
        let (pre, by_num) = self.numbered(g);
        if self == Algorithm::SncaPar {
            return preorder::nodes_and_retained(&pre.vertex, &by_num, self_size);
        }
        let retained = pre.retained(&by_num, self_size);
        (pre.to_nodes(&by_num), retained)
    }

    /// A Lengauer–Tarjan-family algorithm over its predecessor layout: the DFS numbering
    /// and `idom` by number.
    fn numbered(self, g: &DomInput) -> (preorder::Preorder, Vec<u32>) {
        use preorder::{NodePreds, NumPreds, Preorder};
        match self {
            Algorithm::Lt | Algorithm::Slt | Algorithm::Snca => {
                let pre = Preorder::build(g);
                let by_num = self.pass(&pre, &NodePreds::build(g, &pre));
                (pre, by_num)
            }
            Algorithm::SncaPar => {
                let (pre, preds) = NumPreds::with_preorder_parallel(g);
                let by_num = self.pass(&pre, &preds);
                (pre, by_num)
            }
            _ => {
                let (pre, preds) = NumPreds::with_preorder(g);
                let by_num = self.pass(&pre, &preds);
                (pre, by_num)
            }
        }
    }

    /// The algorithm proper, in DFS-number space.
    fn pass<P: preorder::PredSource>(self, pre: &preorder::Preorder, preds: &P) -> Vec<u32> {
        match self {
            Algorithm::Lt | Algorithm::LtPre => lt::run(pre, preds),
            Algorithm::Slt | Algorithm::SltPre => slt::run(pre, preds),
            _ => snca::run(pre, preds),
        }
    }
}

impl std::fmt::Display for Algorithm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Algorithm {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Algorithm::from_name(s).ok_or_else(|| {
            let names: Vec<&str> = Algorithm::ALL.iter().map(|a| a.name()).collect();
            format!(
                "unknown dominator algorithm {s:?} (expected one of {})",
                names.join(", ")
            )
        })
    }
}

/// Retained sizes: `retained[v] = self_size[v] + Σ retained[c]` over `v`'s dominator-tree
/// children. Iterative (heap graphs have million-deep dominator chains). Unreachable nodes
/// keep their self size.
pub fn retained_sizes(idom: &[u32], self_size: &[u64]) -> Vec<u64> {
    let n = idom.len();
    let (first, child) = children_csr(idom);
    let mut retained = self_size.to_vec();
    // Post-order over each tree hanging from the virtual root.
    let mut stack: Vec<(u32, u32)> = Vec::new();
    for top in 0..n as u32 {
        if idom[top as usize] != VIRTUAL_ROOT {
            continue;
        }
        stack.push((top, first[top as usize]));
        while let Some(&mut (v, ref mut next)) = stack.last_mut() {
            if *next < first[v as usize + 1] {
                let c = child[*next as usize];
                *next += 1;
                stack.push((c, first[c as usize]));
            } else {
                stack.pop();
                if let Some(&(parent, _)) = stack.last() {
                    retained[parent as usize] += retained[v as usize];
                }
            }
        }
    }
    retained
}

/// The dominator tree's children CSR: node `d` dominates `children[first[d]..first[d + 1]]`,
/// ascending (a stable counting sort by `idom`, [`crate::csr`]). Nodes whose `idom` is
/// themselves (a tree's root) or no node ([`VIRTUAL_ROOT`], [`UNREACHABLE`]) are nobody's
/// child.
pub fn children_csr(idom: &[u32]) -> (Vec<u32>, Vec<u32>) {
    let n = idom.len();
    let parented = || {
        idom.iter()
            .enumerate()
            .filter(move |&(v, &d)| (d as usize) < n && d as usize != v)
            .map(|(v, &d)| (d, v as u32))
    };
    crate::csr::group_by_key(n, parented)
}
