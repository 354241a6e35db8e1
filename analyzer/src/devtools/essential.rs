//! DevTools' *essential edges*: the edges its dominator computation follows.
//!
//! Source: Chrome DevTools `HeapSnapshot.ts` (`computeIsEssentialEdge`, `initEssentialEdges`,
//! `JSHeapSnapshot.markPageOwnedNodes`, `userObjectsMapAndFlag`), version 1.0.1705227.
//! An edge `src → dst` is essential unless one of these holds, checked in this order:
//!
//! 1. it is an `internal` edge whose name is a WeakMap ephemeron name
//!    ([`super::ephemeron`]) and `src`'s id is the table id in that name — a WeakMap value
//!    is kept alive by key and table together, and DevTools chooses the key's edge;
//! 2. it is `weak`;
//! 3. it is a self edge (`src == dst`);
//! 4. `src` is not the root and the edge is a `shortcut` (only the root's shortcuts mean
//!    something: they mark the user's global objects);
//! 5. `src` is not the root, `dst` is *page-owned* and `src` is not — so objects the page
//!    holds are not dominated by debugger or embedder structures that also point at them.
//!
//! Page-owned nodes: everything reachable over non-weak edges from the targets of the
//! root's `shortcut` edges and of its `element` edges to a synthetic `(Document DOM trees)`
//! node. DevTools computes this for every JavaScript snapshot, Node's included (in Node the
//! root's shortcut leads to the `global` object), so the rule applies here too.

use super::ephemeron::EphemeronNames;
use crate::bitset::BitSet;
use crate::snapshot::{HeapSnapshot, NodeIx};
use format::{EdgeKind, NodeKind};

/// Name of the synthetic node DevTools treats as a user root in browser snapshots.
pub const DOCUMENT_DOM_TREES: &str = "(Document DOM trees)";

/// Whether `n` is DevTools' `(Document DOM trees)` root.
pub fn is_document_dom_trees_root(s: &HeapSnapshot, n: NodeIx) -> bool {
    s.node_kind(n) == NodeKind::Synthetic && s.node_name_is(n, DOCUMENT_DOM_TREES)
}

/// Page-owned nodes (one bit per node), by an iterative depth-first marking.
pub fn page_owned(s: &HeapSnapshot) -> BitSet {
    let n = s.node_count();
    let mut owned = BitSet::new(n);
    if n == 0 {
        return owned;
    }
    let root = s.root();
    let mut stack: Vec<NodeIx> = Vec::new();
    for e in s.edge_range(root) {
        let t = s.edge_to(e);
        let entry = match s.edge_kind(e) {
            EdgeKind::Element => is_document_dom_trees_root(s, t),
            EdgeKind::Shortcut => true,
            _ => false,
        };
        if entry {
            owned.set(t as usize);
            stack.push(t);
        }
    }
    while let Some(v) = stack.pop() {
        for e in s.edge_range(v) {
            let t = s.edge_to(e);
            if owned.get(t as usize) || s.edge_kind(e) == EdgeKind::Weak {
                continue;
            }
            owned.set(t as usize);
            stack.push(t);
        }
    }
    owned
}

/// The essential-edge bit set (one bit per edge) by the rules in the module docs.
pub fn essential_edges(s: &HeapSnapshot, eph: &EphemeronNames, page: &BitSet) -> BitSet {
    let m = s.edge_count();
    let mut keep = BitSet::new(m);
    let root = s.root();
    for src in 0..s.node_count() as NodeIx {
        let src_page = page.get(src as usize);
        let src_id = s.node_id(src) as u64;
        for e in s.edge_range(src) {
            let kind = s.edge_kind(e);
            if kind == EdgeKind::Internal {
                if let Some(p) = eph.pair(s.edges.name_or_index[e as usize]) {
                    if eph.table_id(p) == src_id {
                        continue;
                    }
                }
            }
            if kind == EdgeKind::Weak {
                continue;
            }
            let dst = s.edge_to(e);
            if dst == src {
                continue;
            }
            if src != root {
                if kind == EdgeKind::Shortcut {
                    continue;
                }
                if page.get(dst as usize) && !src_page {
                    continue;
                }
            }
            keep.set(e as usize);
        }
    }
    keep
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::SnapshotBuilder;

    fn bits(s: &HeapSnapshot) -> Vec<bool> {
        let eph = EphemeronNames::build(&s.strings);
        let page = page_owned(s);
        let k = essential_edges(s, &eph, &page);
        (0..s.edge_count()).map(|e| k.get(e)).collect()
    }

    #[test]
    fn weak_self_and_non_root_shortcut_edges_are_not_essential() {
        let mut b = SnapshotBuilder::new();
        let root = b.node(NodeKind::Synthetic, "", 0);
        let g = b.node(NodeKind::Object, "global", 10);
        let a = b.node(NodeKind::Object, "A", 10);
        b.edge(root, EdgeKind::Shortcut, "global", g); // e0: root shortcut: essential
        b.edge(g, EdgeKind::Property, "a", a); // e1
        b.edge(g, EdgeKind::Weak, "w", a); // e2
        b.edge(a, EdgeKind::Property, "self", a); // e3
        b.edge(a, EdgeKind::Shortcut, "s", g); // e4
        let s = b.finish();
        assert_eq!(bits(&s), vec![true, true, false, false, false]);
    }

    #[test]
    fn weakmap_table_edge_is_dropped_and_key_edge_kept() {
        let mut b = SnapshotBuilder::new();
        let root = b.node(NodeKind::Synthetic, "", 0);
        let g = b.node(NodeKind::Object, "global", 10);
        let table = b.node_with_id(NodeKind::Array, "(object elements)", 32, 41);
        let key = b.node_with_id(NodeKind::Object, "K", 16, 43);
        let val = b.node_with_id(NodeKind::Object, "V", 16, 45);
        let name_t = "1 / part of key (K @43) -> value (V @45) pair in WeakMap (table @41)";
        let name_k = "2 / part of key (K @43) -> value (V @45) pair in WeakMap (table @41)";
        b.edge(root, EdgeKind::Shortcut, "global", g);
        b.edge(g, EdgeKind::Property, "wm", table);
        b.edge(g, EdgeKind::Property, "k", key);
        b.edge(table, EdgeKind::Internal, name_t, val); // e3: from the table: dropped
        b.edge(key, EdgeKind::Internal, name_k, val); // e4: from the key: kept
        let s = b.finish();
        assert_eq!(bits(&s), vec![true, true, true, false, true]);
    }

    #[test]
    fn edges_from_non_page_nodes_into_page_nodes_are_dropped() {
        let mut b = SnapshotBuilder::new();
        let root = b.node(NodeKind::Synthetic, "", 0);
        let gc = b.node(NodeKind::Synthetic, "(GC roots)", 0);
        let g = b.node(NodeKind::Object, "global", 10);
        let h = b.node(NodeKind::Object, "Handle", 10);
        let x = b.node(NodeKind::Object, "X", 10);
        b.edge(root, EdgeKind::Element, "1", gc); // e0 root: essential
        b.edge(root, EdgeKind::Shortcut, "global", g); // e1 root: essential
        b.edge(gc, EdgeKind::Element, "1", h); // e2 non-page → non-page
        b.edge(h, EdgeKind::Property, "x", x); // e3 non-page → page: dropped
        b.edge(g, EdgeKind::Property, "x", x); // e4 page → page
        b.edge(x, EdgeKind::Property, "h", h); // e5 page → non-page... h is now page-owned
        let s = b.finish();
        let page = page_owned(&s);
        assert!(page.get(x as usize) && page.get(h as usize) && !page.get(gc as usize));
        // h is reachable from global through x, so gc → h is dropped as well.
        assert_eq!(bits(&s), vec![true, true, false, true, true, true]);
    }

    #[test]
    fn document_dom_trees_is_a_page_entry_point() {
        let mut b = SnapshotBuilder::new();
        let root = b.node(NodeKind::Synthetic, "", 0);
        let d = b.node(NodeKind::Synthetic, DOCUMENT_DOM_TREES, 0);
        let other = b.node(NodeKind::Synthetic, "(Other)", 0);
        let x = b.node(NodeKind::Native, "div", 10);
        b.edge(root, EdgeKind::Element, "1", d);
        b.edge(root, EdgeKind::Element, "2", other);
        b.edge(d, EdgeKind::Element, "1", x);
        let s = b.finish();
        let page = page_owned(&s);
        assert!(page.get(d as usize) && page.get(x as usize) && !page.get(other as usize));
    }
}
