//! DevTools' attached/detached state of embedder (`native`) objects, and the `Detached `
//! name prefix it implies.
//!
//! Source: Chrome DevTools `HeapSnapshot.ts`, `initDetachednessAndClassIndex` and
//! `propagateDOMState` (version 1.0.1705227). It runs first, before anything else reads a
//! name, and only when the file has a `detachedness` node field (Node writes one: its
//! binding objects report detached states too).
//!
//! 1. Every node whose file state is attached (1) or detached (2) is processed with that
//!    state, in node order.
//! 2. Attached nodes pass "attached" to their children, then detached nodes pass
//!    "detached" (skipping any that ended up attached), each over edges that are not
//!    `hidden` or `weak`, from a stack.
//! 3. Processing a node happens at most once: a non-`native` node is only marked as seen
//!    (state never flows through JavaScript objects); a native node takes the state, and a
//!    detached one is renamed `Detached <name>` — with a *new* string, as DevTools appends
//!    to its string table, so the class key differs from an equal string in the file.

use crate::snapshot::{HeapSnapshot, NodeIx};
use format::{EdgeKind, NodeKind};
use std::collections::HashMap;

const UNKNOWN: u8 = 0;
const ATTACHED: u8 = 1;
const DETACHED: u8 = 2;

/// Applies DevTools' state propagation to `s` in place (names and `detachedness`).
pub fn propagate(s: &mut HeapSnapshot) {
    let n = s.node_count();
    if s.nodes.detachedness.len() != n || n == 0 {
        return;
    }
    let mut visited = vec![false; n];
    let mut attached: Vec<NodeIx> = Vec::new();
    let mut detached: Vec<NodeIx> = Vec::new();
    let mut renamed: HashMap<u32, u32> = HashMap::new();

    let mut process = |s: &mut HeapSnapshot,
                       v: NodeIx,
                       state: u8,
                       attached: &mut Vec<NodeIx>,
                       detached: &mut Vec<NodeIx>| {
        let i = v as usize;
        if visited[i] {
            return;
        }
        visited[i] = true;
        if s.node_kind(v) != NodeKind::Native {
            return;
        }
        s.nodes.detachedness[i] = state;
        if state == ATTACHED {
            attached.push(v);
        } else if state == DETACHED {
            let old = s.nodes.name[i];
            let new = match renamed.get(&old) {
                Some(&x) => x,
                None => {
                    let text = format!("Detached {}", s.strings.get(old));
                    let x = s.strings.push(&text);
                    renamed.insert(old, x);
                    x
                }
            };
            s.nodes.name[i] = new;
            detached.push(v);
        }
    };

    for v in 0..n as NodeIx {
        let state = s.nodes.detachedness[v as usize];
        if state != UNKNOWN {
            process(s, v, state, &mut attached, &mut detached);
        }
    }
    let mut children: Vec<NodeIx> = Vec::new();
    let collect = |s: &HeapSnapshot, v: NodeIx, out: &mut Vec<NodeIx>| {
        out.clear();
        for e in s.edge_range(v) {
            if !matches!(s.edge_kind(e), EdgeKind::Hidden | EdgeKind::Weak) {
                out.push(s.edge_to(e));
            }
        }
    };
    while let Some(v) = attached.pop() {
        collect(s, v, &mut children);
        for &c in &children {
            process(s, c, ATTACHED, &mut attached, &mut detached);
        }
    }
    while let Some(v) = detached.pop() {
        if s.nodes.detachedness[v as usize] == ATTACHED {
            continue;
        }
        collect(s, v, &mut children);
        for &c in &children {
            process(s, c, DETACHED, &mut attached, &mut detached);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::SnapshotBuilder;

    #[test]
    fn detached_state_flows_through_natives_only() {
        let mut b = SnapshotBuilder::new();
        let root = b.node(NodeKind::Synthetic, "", 0);
        let d = b.node(NodeKind::Native, "Node / BindingData", 10);
        let kid = b.node(NodeKind::Native, "Node / AliasedFloat64Array", 10);
        let kid2 = b.node(NodeKind::Native, "Node / AliasedFloat64Array", 10);
        let js = b.node(NodeKind::Object, "Foo", 10);
        let behind_js = b.node(NodeKind::Native, "Node / Behind", 10);
        let att = b.node(NodeKind::Native, "Node / Env", 10);
        let shared = b.node(NodeKind::Native, "Node / Shared", 10);
        let weak_kid = b.node(NodeKind::Native, "Node / Weak", 10);
        b.edge(root, EdgeKind::Element, "1", d);
        b.edge(d, EdgeKind::Internal, "a", kid);
        b.edge(d, EdgeKind::Internal, "b", kid2);
        b.edge(d, EdgeKind::Internal, "js", js);
        b.edge(js, EdgeKind::Internal, "n", behind_js);
        b.edge(d, EdgeKind::Internal, "s", shared);
        b.edge(d, EdgeKind::Weak, "w", weak_kid);
        b.edge(att, EdgeKind::Internal, "s", shared);
        let mut s = b.finish();
        s.nodes.detachedness[d as usize] = DETACHED;
        s.nodes.detachedness[att as usize] = ATTACHED;
        propagate(&mut s);
        assert_eq!(s.node_name(d), "Detached Node / BindingData");
        assert_eq!(s.node_name(kid), "Detached Node / AliasedFloat64Array");
        assert_eq!(s.nodes.name[kid as usize], s.nodes.name[kid2 as usize]);
        assert_eq!(s.node_name(js), "Foo");
        assert_eq!(s.node_name(behind_js), "Node / Behind");
        assert_eq!(s.node_name(shared), "Node / Shared", "attached wins");
        assert_eq!(s.nodes.detachedness[shared as usize], ATTACHED);
        assert_eq!(s.node_name(weak_kid), "Node / Weak");
    }
}
