//! DevTools' shallow sizes: the sizes of internal backing stores moved to their single owner.
//!
//! Source: Chrome DevTools `HeapSnapshot.ts`, `JSHeapSnapshot.calculateShallowSizes`
//! (version 1.0.1705227). DevTools runs it right after building the essential edges and
//! *before* the retained sizes, so every size it shows — self, retained, Summary,
//! Statistics — is computed from the adjusted sizes.
//!
//! Rule: nodes of type `hidden` or `array`, and `native` nodes named
//! `system / ExternalStringData`, are *ownable*; every other node owns itself. The owner of
//! an ownable node is the one self-owning node that reaches it over non-weak edges whose
//! intermediate nodes are all ownable — or nobody, when no such node or several exist. An
//! ownable node with an owner gives its self size to that owner and keeps 0, except that
//! synthetic nodes and the root never receive sizes. The whole step is skipped when the
//! root has no user root among its children (snapshots taken with "expose internals").
//!
//! The owner is a fixpoint over the lattice unvisited < one owner < many owners; DevTools
//! reaches it with a work list in which each node enters at most twice, and so does this
//! module (iteratively, with flat arrays). The fixpoint is independent of visiting order.

use crate::snapshot::{HeapSnapshot, NodeIx};
use format::{EdgeKind, NodeKind};

const UNVISITED: u32 = u32::MAX;
const MANY: u32 = u32::MAX - 1;

/// DevTools' user-root test for a child of the root (`JSHeapSnapshot.isUserRoot`):
/// any non-synthetic node, or the synthetic `(Document DOM trees)`.
pub fn is_user_root(s: &HeapSnapshot, n: NodeIx) -> bool {
    s.node_kind(n) != NodeKind::Synthetic || super::essential::is_document_dom_trees_root(s, n)
}

/// Whether some child of the root is a user root.
pub fn has_user_roots(s: &HeapSnapshot) -> bool {
    s.node_count() > 0
        && s.edge_range(s.root())
            .any(|e| is_user_root(s, s.edge_to(e)))
}

fn ownable(s: &HeapSnapshot, n: NodeIx) -> bool {
    match s.node_kind(n) {
        NodeKind::Hidden | NodeKind::Array => true,
        NodeKind::Native => s.node_name_is(n, "system / ExternalStringData"),
        _ => false,
    }
}

/// The owner of every node: itself, another node's ordinal, or `None` (no or many owners).
pub fn owners(s: &HeapSnapshot) -> Vec<u32> {
    let n = s.node_count();
    let mut owner = vec![UNVISITED; n];
    let mut work: Vec<NodeIx> = Vec::new();
    for v in 0..n as NodeIx {
        if !ownable(s, v) {
            owner[v as usize] = v;
            work.push(v);
        }
    }
    while let Some(v) = work.pop() {
        let o = owner[v as usize];
        for e in s.edge_range(v) {
            if s.edge_kind(e) == EdgeKind::Weak {
                continue;
            }
            let t = s.edge_to(e);
            let cur = owner[t as usize];
            if cur == UNVISITED {
                owner[t as usize] = o;
                work.push(t);
            } else if cur != t && cur != o && cur != MANY {
                owner[t as usize] = MANY;
                work.push(t);
            }
        }
    }
    owner
}

/// Applies the redistribution to `s.nodes.self_size` in place (as DevTools does).
pub fn redistribute(s: &mut HeapSnapshot) {
    if let Some(owner) = owners_if_needed(s) {
        apply(s, &owner);
    }
}

/// [`owners`] when the redistribution applies (the root has a user root), else `None`.
/// Read-only, so it can run alongside other analyses; [`apply`] then moves the sizes.
pub fn owners_if_needed(s: &HeapSnapshot) -> Option<Vec<u32>> {
    has_user_roots(s).then(|| owners(s))
}

/// Moves each owned node's self size to its owner (`owner` from [`owners`]).
pub fn apply(s: &mut HeapSnapshot, owner: &[u32]) {
    let root = s.root();
    for (i, &o) in owner.iter().enumerate() {
        if o == UNVISITED || o == MANY || o as usize == i {
            continue;
        }
        if o == root || s.node_kind(o) == NodeKind::Synthetic {
            continue;
        }
        let size = std::mem::take(&mut s.nodes.self_size[i]);
        s.nodes.self_size[o as usize] += size;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::SnapshotBuilder;

    #[test]
    fn single_owner_receives_hidden_and_array_sizes() {
        let mut b = SnapshotBuilder::new();
        let root = b.node(NodeKind::Synthetic, "", 0);
        let g = b.node(NodeKind::Object, "global", 10);
        let arr = b.node(NodeKind::Object, "Array", 32);
        let elems = b.node(NodeKind::Array, "(object elements)", 800);
        let inner = b.node(NodeKind::Hidden, "system / Foo", 8); // reached through elems
        let shared = b.node(NodeKind::Array, "(shared)", 100);
        let other = b.node(NodeKind::Object, "Other", 16);
        let weakly = b.node(NodeKind::Hidden, "system / W", 4);
        let ext = b.node(NodeKind::Native, "system / ExternalStringData", 50);
        let s1 = b.node(NodeKind::String, "abc", 20);
        b.edge(root, EdgeKind::Shortcut, "global", g);
        b.edge(g, EdgeKind::Property, "a", arr);
        b.edge(g, EdgeKind::Property, "o", other);
        b.edge(arr, EdgeKind::Internal, "elements", elems);
        b.edge(elems, EdgeKind::Hidden, "0", inner);
        b.edge(arr, EdgeKind::Internal, "x", shared);
        b.edge(other, EdgeKind::Internal, "x", shared);
        b.edge(other, EdgeKind::Weak, "w", weakly);
        b.edge(s1, EdgeKind::Internal, "data", ext);
        let mut s = b.finish();
        redistribute(&mut s);
        let sz = &s.nodes.self_size;
        assert_eq!(sz[arr as usize], 32 + 800 + 8);
        assert_eq!((sz[elems as usize], sz[inner as usize]), (0, 0));
        assert_eq!(sz[shared as usize], 100, "two owners: stays");
        assert_eq!(sz[weakly as usize], 4, "weak edges do not own");
        assert_eq!((sz[s1 as usize], sz[ext as usize]), (70, 0));
        assert_eq!(
            s.total_self_size(),
            10 + 32 + 800 + 8 + 100 + 16 + 4 + 50 + 20
        );
    }

    #[test]
    fn synthetic_owners_receive_nothing_and_no_user_roots_means_no_change() {
        let mut b = SnapshotBuilder::new();
        let root = b.node(NodeKind::Synthetic, "", 0);
        let gc = b.node(NodeKind::Synthetic, "(GC roots)", 0);
        let h = b.node(NodeKind::Hidden, "system / X", 40);
        b.edge(root, EdgeKind::Element, "1", gc);
        b.edge(gc, EdgeKind::Element, "1", h);
        let mut s = b.finish();
        assert!(!has_user_roots(&s));
        redistribute(&mut s);
        assert_eq!(s.nodes.self_size[h as usize], 40);
        // With a user root the step runs, but a synthetic owner still gets nothing.
        let mut b = SnapshotBuilder::new();
        let root = b.node(NodeKind::Synthetic, "", 0);
        let gc = b.node(NodeKind::Synthetic, "(GC roots)", 0);
        let h = b.node(NodeKind::Hidden, "system / X", 40);
        let g = b.node(NodeKind::Object, "global", 1);
        b.edge(root, EdgeKind::Element, "1", gc);
        b.edge(root, EdgeKind::Shortcut, "g", g);
        b.edge(gc, EdgeKind::Element, "1", h);
        let mut s = b.finish();
        redistribute(&mut s);
        assert_eq!(s.nodes.self_size[h as usize], 40);
        assert_eq!(owners(&s)[h as usize], gc);
    }
}
