//! Shortest retainer paths from the root to an object, as property chains.
//!
//! A breadth-first search from the root over non-weak edges gives every node its depth;
//! the shortest paths to a target are then the retainer chains that step back one depth at
//! a time, enumerated depth-first from the target (retainers in file order) until `max`
//! paths are found. Both passes are iterative over flat arrays. (DevTools' Retainers view
//! orders retainers by its own distances instead; heapsim wants *all* short ways in.)
//!
//! Rendering: [`RetainerPath::chain`] writes a path the way every report does
//! ([`crate::report::retainer_path`]): `global → client → _events → error → [17]`.
//! [`edge_accessor`] writes one edge as JavaScript would access it (`.name`, `["a b"]`,
//! `[3]`), for `heapsim show`'s field lists.

use crate::analysis::Analysis;
use crate::snapshot::{EdgeIx, HeapSnapshot, NodeIx, Retainers};
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

/// Depth of every node from the root over non-weak edges (`u32::MAX`: not reachable).
pub fn depths(s: &HeapSnapshot) -> Vec<u32> {
    let n = s.node_count();
    let mut depth = vec![u32::MAX; n];
    if n == 0 {
        return depth;
    }
    let mut queue = Vec::with_capacity(1024);
    depth[s.root() as usize] = 0;
    queue.push(s.root());
    let mut head = 0;
    while head < queue.len() {
        let v = queue[head];
        head += 1;
        let d = depth[v as usize] + 1;
        for e in s.edge_range(v) {
            let t = s.edge_to(e);
            if depth[t as usize] == u32::MAX && s.edge_kind(e) != EdgeKind::Weak {
                depth[t as usize] = d;
                queue.push(t);
            }
        }
    }
    depth
}

/// Up to `max` shortest non-weak paths from the root to `target` (none if unreachable).
pub fn shortest_paths(
    s: &HeapSnapshot,
    depth: &[u32],
    retainers: &Retainers,
    target: NodeIx,
    max: usize,
) -> Vec<RetainerPath> {
    let root = s.root();
    let mut out = Vec::new();
    if max == 0 || depth[target as usize] == u32::MAX {
        return out;
    }
    if target == root {
        out.push(RetainerPath { steps: Vec::new() });
        return out;
    }
    // DFS over (node, next retainer slot); the stack *is* the current partial path.
    let mut stack: Vec<(NodeIx, usize, Option<EdgeIx>)> =
        vec![(target, retainers.range(target).start, None)];
    while let Some(&mut (v, ref mut next, _)) = stack.last_mut() {
        let end = retainers.range(v).end;
        let want = depth[v as usize].wrapping_sub(1);
        let mut found = None;
        while *next < end {
            let i = *next;
            *next += 1;
            let e = retainers.edge[i];
            let src = s.edge_source(e);
            if depth[src as usize] == want && s.edge_kind(e) != EdgeKind::Weak {
                found = Some((src, e));
                break;
            }
        }
        match found {
            Some((src, _)) if src == root => {
                // The stack holds target … first node; entry k's edge leads from entry
                // k + 1 into it. The first node is entered from the root.
                let last = stack.len() - 1;
                let steps = stack
                    .iter()
                    .enumerate()
                    .rev()
                    .map(|(k, &(node, _, edge))| Step {
                        edge: if k == last { None } else { edge },
                        node,
                    })
                    .collect();
                out.push(RetainerPath { steps });
                if out.len() >= max {
                    break;
                }
            }
            Some((src, e)) => {
                stack.last_mut().expect("non-empty").2 = Some(e);
                stack.push((src, retainers.range(src).start, None));
            }
            None => {
                stack.pop();
            }
        }
    }
    out
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

/// Convenience: up to `max` shortest paths to `target`, building the indexes it needs.
pub fn paths_to(a: &Analysis, target: NodeIx, max: usize) -> Vec<RetainerPath> {
    let s = &a.snapshot;
    let depth = depths(s);
    let retainers = Retainers::build(s);
    shortest_paths(s, &depth, &retainers, target, max)
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
}
