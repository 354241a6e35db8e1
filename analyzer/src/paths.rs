//! Shortest retainer paths from the root to some objects, as property chains.
//!
//! A breadth-first search from the root over non-weak edges puts every node on a level
//! (its depth); the shortest paths to a target are the retainer chains that step back one
//! level at a time, enumerated depth-first from the target (retainers in file order) until
//! `max` paths are found. (DevTools' Retainers view orders retainers by its own distances
//! instead; heapsim wants *all* short ways in.)
//!
//! Those chains use only *level edges* — non-weak edges from a node on level `d` to one on
//! level `d + 1` — and only nodes that reach a target along level edges: the targets'
//! *cone*. [`ShortestPaths::to`] indexes just that, never a reverse index of the whole
//! graph ([`crate::snapshot::Retainers`]: 174 MB on a 33 M-edge snapshot) nor a depth per
//! node:
//! 1. the search runs level by level and stops at the deepest target's level; a level is
//!    kept as its nodes, ascending, or as a bit per node once that is smaller ([`Level`]),
//!    so the levels of a 12 M-node snapshot take a few megabytes (`docs/performance.md`,
//!    issue 16);
//! 2. one pass up the levels, deepest first, marks the cone: the reachable targets, then
//!    every node with a level edge into a marked node (the level below is decided);
//! 3. the cone's level edges are grouped by the node they lead to, sources ascending, so
//!    each group is in file order: the order the full reverse index lists them in, and so
//!    the same paths in the same order.
//!
//! Rendering: [`RetainerPath::chain`] writes a path the way every report does
//! ([`crate::report::retainer_path`]): `global → client → _events → error → [17]`.
//! [`edge_accessor`] writes one edge as JavaScript would access it (`.name`, `["a b"]`,
//! `[3]`), for `heapsim show`'s field lists.

use crate::analysis::Analysis;
use crate::bitset::BitSet;
use crate::csr;
use crate::snapshot::{EdgeIx, HeapSnapshot, NodeIx};
use format::EdgeKind;

/// One step of a path: the edge taken and the node it leads to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// `None` for the first node (entered from the root).
    pub edge: Option<EdgeIx>,
    pub node: NodeIx,
}

/// A path from the root (excluded) to the target (included).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetainerPath {
    pub steps: Vec<Step>,
}

/// The nodes of one level of the search.
enum Level {
    /// Ascending, while four bytes a node take less than a bit per node of the snapshot.
    Few(Vec<NodeIx>),
    Many(BitSet),
}

impl Level {
    fn contains(&self, v: NodeIx) -> bool {
        match self {
            Level::Few(nodes) => nodes.binary_search(&v).is_ok(),
            Level::Many(bits) => bits.get(v as usize),
        }
    }

    /// The nodes, ascending.
    fn nodes(&self) -> Box<dyn Iterator<Item = NodeIx> + '_> {
        match self {
            Level::Few(nodes) => Box::new(nodes.iter().copied()),
            Level::Many(bits) => Box::new(bits.ones().map(|v| v as NodeIx)),
        }
    }
}

/// A level being found: a list until it would outgrow a bit per node.
struct NextLevel {
    nodes: Vec<NodeIx>,
    bits: Option<BitSet>,
    cap: usize,
}

impl NextLevel {
    fn new(node_count: usize) -> NextLevel {
        NextLevel {
            nodes: Vec::new(),
            bits: None,
            cap: node_count / 32,
        }
    }

    fn add(&mut self, v: NodeIx, node_count: usize) {
        match &mut self.bits {
            Some(bits) => bits.set(v as usize),
            None if self.nodes.len() < self.cap => self.nodes.push(v),
            None => {
                let mut bits = BitSet::new(node_count);
                for &u in self.nodes.iter().chain([&v]) {
                    bits.set(u as usize);
                }
                self.nodes = Vec::new();
                self.bits = Some(bits);
            }
        }
    }

    /// The level, or `None` when it is empty.
    fn finish(mut self) -> Option<Level> {
        match self.bits {
            Some(bits) => Some(Level::Many(bits)),
            None if self.nodes.is_empty() => None,
            None => {
                self.nodes.sort_unstable();
                Some(Level::Few(self.nodes))
            }
        }
    }
}

/// The levels of the search from the root over non-weak edges, down to the deepest
/// reachable target's (`levels[d]`: the nodes at depth `d`), and the targets reached.
fn search(s: &HeapSnapshot, targets: &[NodeIx]) -> (Vec<Level>, BitSet) {
    let n = s.node_count();
    let mut seen = BitSet::new(n);
    let mut wanted = BitSet::new(n);
    for &t in targets {
        wanted.set(t as usize);
    }
    let mut unseen = wanted.count_ones();
    let root = s.root();
    seen.set(root as usize);
    unseen -= usize::from(wanted.get(root as usize));
    let mut deepest = 0;
    let mut levels = vec![Level::Few(vec![root])];
    while unseen > 0 {
        let mut next = NextLevel::new(n);
        for v in levels[levels.len() - 1].nodes() {
            for e in s.edge_range(v) {
                let t = s.edge_to(e);
                if !seen.get(t as usize) && s.edge_kind(e) != EdgeKind::Weak {
                    seen.set(t as usize);
                    next.add(t, n);
                    if wanted.get(t as usize) {
                        unseen -= 1;
                        deepest = levels.len();
                    }
                }
            }
        }
        match next.finish() {
            Some(level) => levels.push(level),
            None => break,
        }
    }
    levels.truncate(deepest + 1);
    for (w, seen) in wanted.words_mut().iter_mut().zip(seen.words_mut()) {
        *w &= *seen;
    }
    (levels, wanted)
}

/// Whether `e` is a non-weak edge into a node of both `cone` and `below`.
#[inline]
fn leads_into(s: &HeapSnapshot, cone: &BitSet, below: &Level, e: EdgeIx) -> bool {
    let t = s.edge_to(e);
    cone.get(t as usize) && s.edge_kind(e) != EdgeKind::Weak && below.contains(t)
}

/// The reached targets (`reached`), and every node with a level edge into the cone,
/// deepest level first: a node's level edges lead one level down, where every node is
/// decided.
fn cone(s: &HeapSnapshot, levels: &[Level], reached: BitSet) -> BitSet {
    let mut cone = reached;
    for d in (0..levels.len() - 1).rev() {
        let below = &levels[d + 1];
        let up: Vec<NodeIx> = levels[d]
            .nodes()
            .filter(|&u| !cone.get(u as usize))
            .filter(|&u| s.edge_range(u).any(|e| leads_into(s, &cone, below, e)))
            .collect();
        for u in up {
            cone.set(u as usize);
        }
    }
    cone
}

/// The shortest non-weak paths from the root into a set of targets (see the module doc):
/// for each node of the targets' cone, the level edges into it, in file order.
#[derive(Clone, Debug, Default)]
pub struct ShortestPaths {
    /// The cone's nodes, ascending.
    cone: Vec<NodeIx>,
    /// `first[k]..first[k + 1]` indexes `edge` for `cone[k]`.
    first: Vec<u32>,
    /// Level edges from cone nodes, grouped by the node they lead to.
    edge: Vec<EdgeIx>,
}

impl ShortestPaths {
    /// The index of the shortest paths to `targets` (unreachable ones have none).
    pub fn to(s: &HeapSnapshot, targets: &[NodeIx]) -> ShortestPaths {
        if targets.is_empty() || s.node_count() == 0 {
            return ShortestPaths::default();
        }
        let (levels, reached) = search(s, targets);
        let marked = cone(s, &levels, reached);
        let cone: Vec<NodeIx> = marked.ones().map(|v| v as NodeIx).collect();
        let slot = |v: NodeIx| cone.binary_search(&v).expect("a cone node") as u32;
        // Each group's edges come from the level above it, read sources ascending.
        let level_edges = || {
            levels.windows(2).flat_map(|pair| {
                let marked = &marked;
                pair[0]
                    .nodes()
                    .filter(move |&u| marked.get(u as usize))
                    .flat_map(move |u| s.edge_range(u))
                    .filter(move |&e| leads_into(s, marked, &pair[1], e))
                    .map(move |e| (slot(s.edge_to(e)), e))
            })
        };
        let (first, edge) = csr::group_by_key(cone.len(), level_edges);
        ShortestPaths { cone, first, edge }
    }

    /// The index of the shortest paths to every node (for a caller that asks for the paths
    /// of nodes it cannot name in advance).
    pub fn to_every_node(s: &HeapSnapshot) -> ShortestPaths {
        let every: Vec<NodeIx> = (0..s.node_count() as NodeIx).collect();
        ShortestPaths::to(s, &every)
    }

    /// The level edges into `v`, if `v` is in the cone.
    fn into(&self, v: NodeIx) -> Option<&[EdgeIx]> {
        let k = self.cone.binary_search(&v).ok()?;
        Some(&self.edge[self.first[k] as usize..self.first[k + 1] as usize])
    }

    /// Up to `max` shortest non-weak paths from the root to `target`, one of the targets
    /// the index was built for (or any node of their cone); none if it is unreachable.
    pub fn paths(&self, s: &HeapSnapshot, target: NodeIx, max: usize) -> Vec<RetainerPath> {
        let root = s.root();
        let mut out = Vec::new();
        let Some(first) = self.into(target).filter(|_| max > 0) else {
            return out;
        };
        if target == root {
            out.push(RetainerPath { steps: Vec::new() });
            return out;
        }
        // DFS over (node, its level edges, the next one, the edge taken from it); the
        // stack *is* the current partial path.
        let mut stack: Vec<(NodeIx, &[EdgeIx], usize, Option<EdgeIx>)> =
            vec![(target, first, 0, None)];
        while let Some(&mut (_, edges, ref mut next, _)) = stack.last_mut() {
            let Some(&e) = edges.get(*next) else {
                stack.pop();
                continue;
            };
            *next += 1;
            let src = s.edge_source(e);
            if src == root {
                // The stack holds target … first node; entry k's edge leads from entry
                // k + 1 into it. The first node is entered from the root.
                let last = stack.len() - 1;
                let steps = stack
                    .iter()
                    .enumerate()
                    .rev()
                    .map(|(k, &(node, _, _, edge))| Step {
                        edge: if k == last { None } else { edge },
                        node,
                    })
                    .collect();
                out.push(RetainerPath { steps });
                if out.len() >= max {
                    break;
                }
            } else {
                stack.last_mut().expect("non-empty").3 = Some(e);
                let above = self.into(src).expect("a level edge comes from the cone");
                stack.push((src, above, 0, None));
            }
        }
        out
    }
}

/// Whether `name` can follow a dot in JavaScript.
fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_alphanumeric() || c == '_' || c == '$')
}

/// `.name`, `["a b"]` or `[3]` for edge `e`.
pub fn edge_accessor(s: &HeapSnapshot, e: EdgeIx) -> String {
    match s.edge_kind(e) {
        EdgeKind::Element | EdgeKind::Hidden => format!("[{}]", s.edges.name_or_index[e as usize]),
        _ => {
            let name = s.edge_name(e);
            if is_identifier(&name) {
                format!(".{name}")
            } else {
                format!("[{}]", serde_json::to_string(&*name).unwrap_or_default())
            }
        }
    }
}

impl RetainerPath {
    /// The path's text, as every report writes it ([`crate::report::retainer_path::text`]).
    pub fn chain(&self, a: &Analysis) -> String {
        let view = crate::report::DomView::of(a);
        let steps = crate::report::json::retainer_steps(&view, self);
        crate::report::retainer_path::text(&steps)
    }
}

/// Up to `max` shortest paths to `target` (an index of its cone alone).
pub fn paths_to(a: &Analysis, target: NodeIx, max: usize) -> Vec<RetainerPath> {
    let s = &a.snapshot;
    ShortestPaths::to(s, &[target]).paths(s, target, max)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::SnapshotBuilder;
    use format::NodeKind;

    #[test]
    fn listener_chain_renders_like_javascript() {
        let mut b = SnapshotBuilder::new();
        let root = b.node(NodeKind::Synthetic, "", 0);
        let gc = b.node(NodeKind::Synthetic, "(GC roots)", 0);
        let hs = b.node(NodeKind::Synthetic, "(Handle scope)", 0);
        let g = b.node(NodeKind::Object, "global", 10);
        let client = b.node(NodeKind::Object, "Client", 10);
        let events = b.node(NodeKind::Object, "Object", 10);
        let arr = b.node(NodeKind::Object, "Array", 10);
        let f = b.node(NodeKind::Closure, "onError", 10);
        let weird = b.node(NodeKind::Object, "W", 10);
        let o = b.node(NodeKind::Object, "O", 10);
        b.edge(root, EdgeKind::Element, "1", gc);
        b.edge(root, EdgeKind::Shortcut, "global", g);
        b.edge(gc, EdgeKind::Element, "1", hs);
        b.edge(hs, EdgeKind::Element, "4", weird);
        b.edge(g, EdgeKind::Property, "client", client);
        b.edge(g, EdgeKind::Weak, "direct", f);
        b.edge(client, EdgeKind::Property, "_events", events);
        b.edge(events, EdgeKind::Property, "error", arr);
        b.edge(arr, EdgeKind::Element, "17", f);
        b.edge(weird, EdgeKind::Property, "a b", o);
        let a = Analysis::new(b.finish());
        let paths = paths_to(&a, f, 5);
        assert_eq!(
            paths.len(),
            1,
            "only shortest paths; the weak edge does not count"
        );
        assert_eq!(
            paths[0].chain(&a),
            "global → client → _events → error → [17]"
        );
        let steps: Vec<NodeIx> = paths[0].steps.iter().map(|s| s.node).collect();
        assert_eq!(steps, vec![g, client, events, arr, f]);
        let w = paths_to(&a, o, 5);
        assert_eq!(w[0].chain(&a), "(Handle scope) → [4] → a b");
        assert_eq!(paths_to(&a, f, 0), vec![]);
    }

    #[test]
    fn several_shortest_paths_and_unreachable_targets() {
        let mut b = SnapshotBuilder::new();
        let root = b.node(NodeKind::Synthetic, "", 0);
        let g = b.node(NodeKind::Object, "global", 10);
        let x = b.node(NodeKind::Object, "X", 10);
        let y = b.node(NodeKind::Object, "Y", 10);
        let t = b.node(NodeKind::Object, "T", 10);
        let lost = b.node(NodeKind::Object, "Lost", 10);
        b.edge(root, EdgeKind::Shortcut, "global", g);
        b.edge(g, EdgeKind::Property, "x", x);
        b.edge(g, EdgeKind::Property, "y", y);
        b.edge(x, EdgeKind::Property, "t", t);
        b.edge(y, EdgeKind::Context, "t", t);
        b.edge(lost, EdgeKind::Property, "t", t);
        let a = Analysis::new(b.finish());
        let chains: Vec<String> = paths_to(&a, t, 10).iter().map(|p| p.chain(&a)).collect();
        assert_eq!(chains, vec!["global → x → t", "global → y → t"]);
        assert_eq!(paths_to(&a, t, 1).len(), 1);
        assert!(paths_to(&a, lost, 3).is_empty());
    }

    /// The paths as a whole reverse index and a depth per node give them (the way before
    /// [`ShortestPaths`]): the oracle the cone index must match, order included.
    fn by_full_index(
        s: &HeapSnapshot,
        target: NodeIx,
        max: usize,
    ) -> Vec<Vec<(Option<EdgeIx>, NodeIx)>> {
        let n = s.node_count();
        let mut depth = vec![u32::MAX; n];
        let mut queue = vec![s.root()];
        depth[0] = 0;
        let mut head = 0;
        while let Some(&v) = queue.get(head) {
            head += 1;
            for e in s.edge_range(v) {
                let t = s.edge_to(e) as usize;
                if depth[t] == u32::MAX && s.edge_kind(e) != EdgeKind::Weak {
                    depth[t] = depth[v as usize] + 1;
                    queue.push(t as NodeIx);
                }
            }
        }
        let r = crate::snapshot::Retainers::build(s);
        let mut out = Vec::new();
        if depth[target as usize] == u32::MAX || max == 0 {
            return out;
        }
        // Depth-first over the retainers one level up, in file order.
        fn walk(
            s: &HeapSnapshot,
            r: &crate::snapshot::Retainers,
            depth: &[u32],
            path: &mut Vec<(Option<EdgeIx>, NodeIx)>,
            out: &mut Vec<Vec<(Option<EdgeIx>, NodeIx)>>,
            max: usize,
        ) {
            let v = path.last().expect("non-empty").1;
            if v == s.root() {
                let mut p: Vec<_> = path[..path.len() - 1].to_vec();
                p.reverse();
                // Each entry's edge leads into its node; the first node is entered from the root.
                let steps = p
                    .iter()
                    .enumerate()
                    .map(|(k, &(e, node))| (if k == 0 { None } else { e }, node))
                    .collect();
                out.push(steps);
                return;
            }
            for i in r.range(v) {
                if out.len() >= max {
                    return;
                }
                let e = r.edge[i];
                let src = s.edge_source(e);
                if depth[src as usize] == depth[v as usize] - 1 && s.edge_kind(e) != EdgeKind::Weak
                {
                    path.last_mut().expect("non-empty").0 = Some(e);
                    path.push((None, src));
                    walk(s, r, depth, path, out, max);
                    path.pop();
                }
            }
        }
        walk(s, &r, &depth, &mut vec![(None, target)], &mut out, max);
        out
    }

    proptest::proptest! {
        /// Random graphs with weak edges, cycles, unreachable parts and several targets:
        /// the cone index gives each target the same paths, in the same order.
        #[test]
        fn the_cone_gives_the_paths_of_a_full_reverse_index(
            nodes in 2usize..40,
            edges in proptest::collection::vec((0usize..40, 0usize..40, 0u8..6), 0..120),
            targets in proptest::collection::vec(0usize..40, 1..5),
            max in 1usize..6,
        ) {
            let mut b = SnapshotBuilder::new();
            let ids: Vec<NodeIx> = (0..nodes)
                .map(|i| b.node(NodeKind::Object, &format!("N{i}"), 1))
                .collect();
            for (from, to, kind) in edges {
                let kind = if kind == 0 { EdgeKind::Weak } else { EdgeKind::Property };
                b.edge(ids[from % nodes], kind, "p", ids[to % nodes]);
            }
            let s = b.finish();
            let targets: Vec<NodeIx> = targets.iter().map(|&t| ids[t % nodes]).collect();
            let index = ShortestPaths::to(&s, &targets);
            let every = ShortestPaths::to_every_node(&s);
            for &t in &targets {
                let want = by_full_index(&s, t, max);
                for got in [index.paths(&s, t, max), every.paths(&s, t, max)] {
                    let got: Vec<Vec<(Option<EdgeIx>, NodeIx)>> = got
                        .iter()
                        .map(|p| p.steps.iter().map(|st| (st.edge, st.node)).collect())
                        .collect();
                    proptest::prop_assert_eq!(&got, &want);
                }
            }
        }
    }
}
