//! A retainer path for failure messages: breadth-first search from the root over
//! non-weak edges (so the path is one of the shortest strong ones, like DevTools'
//! Retainers view shows first), parents kept in one flat array, no recursion.
//! Only for printing where a differing node sits; the suite asserts nothing about it.

use analyzer::meta::EdgeKind;
use analyzer::snapshot::HeapSnapshot;
use std::collections::VecDeque;
use std::fmt::Write;

const NONE: u32 = u32::MAX;

/// `(root) -[kind name]-> "Name" @id -> …` from the root to node `target` (an ordinal), or
/// a note that no strong path exists.
pub fn retainer_path(s: &HeapSnapshot, target: u32) -> String {
    let n = s.node_count();
    if target as usize >= n {
        return format!("(node #{target} is not in heapsim's graph of {n} nodes)");
    }
    // parent_edge[v] = the edge that first reached v; the root is its own sentinel.
    let mut parent_edge = vec![NONE; n];
    let mut parent = vec![NONE; n];
    let root = s.root();
    parent[root as usize] = root;
    let mut queue = VecDeque::from([root]);
    while let Some(v) = queue.pop_front() {
        if v == target {
            break;
        }
        for e in s.edge_range(v) {
            if s.edge_kind(e) == EdgeKind::Weak {
                continue;
            }
            let t = s.edge_to(e);
            if parent[t as usize] == NONE {
                parent[t as usize] = v;
                parent_edge[t as usize] = e;
                queue.push_back(t);
            }
        }
    }
    if parent[target as usize] == NONE {
        return format!(
            "\"{}\" @{} has no strong path from the root",
            super::compare::truncate(s.node_name(target), 40),
            s.node_id(target)
        );
    }
    let mut steps = Vec::new();
    let mut v = target;
    while v != root {
        steps.push(v);
        v = parent[v as usize];
    }
    let mut out = format!("(root) @{}", s.node_id(root));
    for &v in steps.iter().rev() {
        let e = parent_edge[v as usize];
        let _ = write!(
            out,
            " -[{} {}]-> \"{}\" @{}",
            s.edge_kind(e).v8_name(),
            super::compare::truncate(&s.edge_name(e), 40),
            super::compare::truncate(s.node_name(v), 40),
            s.node_id(v)
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use analyzer::meta::NodeKind;
    use analyzer::snapshot::SnapshotBuilder;

    #[test]
    fn shortest_strong_path_skips_weak_edges() {
        let mut b = SnapshotBuilder::new();
        let root = b.node(NodeKind::Synthetic, "", 0);
        let a = b.node(NodeKind::Object, "A", 8);
        let c = b.node(NodeKind::Object, "C", 8);
        let t = b.node(NodeKind::Object, "T", 8);
        b.edge(root, EdgeKind::Element, "1", a);
        b.edge(root, EdgeKind::Element, "2", c);
        b.edge(a, EdgeKind::Weak, "w", t);
        b.edge(c, EdgeKind::Property, "strong", t);
        let s = b.finish();
        let p = retainer_path(&s, t);
        assert!(p.contains("-[property strong]-> \"T\""), "{p}");
        assert!(!p.contains("\"A\""), "{p}");
        let lone = retainer_path(&s, 99);
        assert!(lone.contains("not in heapsim's graph"), "{lone}");
    }
}
