//! DevTools' distances: breadth-first depth of every node, user objects first.
//!
//! Source: Chrome DevTools `HeapSnapshot.ts`, `HeapSnapshot.calculateDistances` / `bfs` and
//! `JSHeapSnapshot.calculateDistances` (the edge filter), version 1.0.1705227.
//!
//! 1. Every node starts at [`NO_DISTANCE`] (-5).
//! 2. Each child of the root that is a user root (non-synthetic, or `(Document DOM trees)`)
//!    gets distance 1 and is queued, in edge order — repeatedly if several root edges lead
//!    to it, as in DevTools; then a breadth-first search runs.
//! 3. The root gets [`BASE_SYSTEM_DISTANCE`] (or 0 when step 2 queued nothing) and a
//!    second search from it gives the nodes not reached so far `BASE + depth`.
//!
//! Both searches skip `weak` edges and edges to nodes that already have a distance; the
//! remaining edges pass DevTools' filter:
//! * a `hidden` node named `system / NativeContext` does not lead through its
//!   `sloppy_function_map` edge;
//! * an `array` node named `(map descriptors)` leads only through edges whose name, read
//!   as an integer the way JavaScript's `parseInt` does, is `< 2` or not `≡ 1 (mod 3)`
//!   (descriptor arrays are shared between maps; DevTools skips the per-descriptor links);
//! * WeakMap ephemeron edges ([`super::ephemeron`]) come in pairs; the first of a pair
//!   that the search meets is skipped and remembered, the second is followed — so a
//!   WeakMap value gets the larger of (table + 1, key + 1). The memory of pending pairs
//!   spans both searches, and an edge only consults the filter while its target has no
//!   distance yet; both details change results and are reproduced.
//!
//! The queue is a ring buffer of node ordinals (it holds one BFS frontier, not the whole
//! order); no recursion.

use super::ephemeron::EphemeronNames;
use super::shallow::is_user_root;
use crate::bitset::BitSet;
use crate::snapshot::{EdgeIx, HeapSnapshot, NodeIx};
use format::{EdgeKind, NodeKind};
use std::collections::VecDeque;

/// Distance of nodes no search reaches (DevTools' `noDistance`).
pub const NO_DISTANCE: i32 = -5;
/// Distance of the root when user roots exist; system-only nodes count up from it.
pub const BASE_SYSTEM_DISTANCE: i32 = 100_000_000;

/// What kind of filtering a source node needs (decided once per dequeued node).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Source {
    Plain,
    NativeContext,
    MapDescriptors,
}

struct Bfs<'a> {
    s: &'a HeapSnapshot,
    eph: &'a EphemeronNames,
    pending: BitSet,
    dist: Vec<i32>,
    queue: VecDeque<NodeIx>,
}

impl Bfs<'_> {
    fn source_kind(&self, n: NodeIx) -> Source {
        match self.s.node_kind(n) {
            NodeKind::Hidden if self.s.node_name_is(n, "system / NativeContext") => {
                Source::NativeContext
            }
            NodeKind::Array if self.s.node_name_is(n, "(map descriptors)") => {
                Source::MapDescriptors
            }
            _ => Source::Plain,
        }
    }

    /// DevTools' `filter(node, edge)`; may update the pending-pair memory.
    fn pass(&mut self, src: Source, e: EdgeIx, kind: EdgeKind) -> bool {
        let s = self.s;
        if src == Source::NativeContext && s.edge_name(e) == "sloppy_function_map" {
            return false;
        }
        if src == Source::MapDescriptors {
            let index = if kind.has_index_name() {
                Some(s.edges.name_or_index[e as usize] as f64)
            } else {
                js_parse_int(s.edge_name_str(e).unwrap_or(""))
            };
            return match index {
                Some(i) => i < 2.0 || i % 3.0 != 1.0,
                None => true, // NaN < 2 and NaN % 3 !== 1
            };
        }
        if kind == EdgeKind::Internal {
            if let Some(p) = self.eph.pair(s.edges.name_or_index[e as usize]) {
                if self.pending.get(p as usize) {
                    self.pending.clear(p as usize);
                } else {
                    self.pending.set(p as usize);
                    return false;
                }
            }
        }
        true
    }

    fn run(&mut self) {
        while let Some(v) = self.queue.pop_front() {
            let d = self.dist[v as usize] + 1;
            let src = self.source_kind(v);
            for e in self.s.edge_range(v) {
                let kind = self.s.edge_kind(e);
                if kind == EdgeKind::Weak {
                    continue;
                }
                let t = self.s.edge_to(e);
                if self.dist[t as usize] != NO_DISTANCE {
                    continue;
                }
                if !self.pass(src, e, kind) {
                    continue;
                }
                self.dist[t as usize] = d;
                self.queue.push_back(t);
            }
        }
    }
}

/// JavaScript `parseInt(s, 10)`: leading whitespace, optional sign, decimal digits.
fn js_parse_int(s: &str) -> Option<f64> {
    let t = s.trim_start();
    let (neg, t) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let digits = t.bytes().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 {
        return None;
    }
    let v: f64 = t[..digits].parse().ok()?;
    Some(if neg { -v } else { v })
}

/// DevTools' distance of every node.
pub fn distances(s: &HeapSnapshot, eph: &EphemeronNames) -> Vec<i32> {
    let n = s.node_count();
    let mut b = Bfs {
        s,
        eph,
        pending: BitSet::new(eph.pair_count()),
        dist: vec![NO_DISTANCE; n],
        queue: VecDeque::new(),
    };
    if n == 0 {
        return b.dist;
    }
    let root = s.root();
    for e in s.edge_range(root) {
        let t = s.edge_to(e);
        if is_user_root(s, t) {
            b.dist[t as usize] = 1;
            b.queue.push_back(t);
        }
    }
    let user_roots = b.queue.len();
    b.run();
    b.dist[root as usize] = if user_roots > 0 {
        BASE_SYSTEM_DISTANCE
    } else {
        0
    };
    b.queue.push_back(root);
    b.run();
    b.dist
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::SnapshotBuilder;

    #[test]
    fn user_roots_system_nodes_and_unreachable() {
        let mut b = SnapshotBuilder::new();
        let root = b.node(NodeKind::Synthetic, "", 0);
        let gc = b.node(NodeKind::Synthetic, "(GC roots)", 0);
        let g = b.node(NodeKind::Object, "global", 10);
        let a = b.node(NodeKind::Object, "A", 10);
        let sys = b.node(NodeKind::Hidden, "system / X", 10);
        let sys2 = b.node(NodeKind::Object, "Y", 10);
        let weak_only = b.node(NodeKind::Object, "W", 10);
        let lost = b.node(NodeKind::Object, "Lost", 10);
        b.edge(root, EdgeKind::Element, "1", gc);
        b.edge(root, EdgeKind::Shortcut, "global", g);
        b.edge(g, EdgeKind::Property, "a", a);
        b.edge(g, EdgeKind::Weak, "w", weak_only);
        b.edge(gc, EdgeKind::Element, "1", sys);
        b.edge(sys, EdgeKind::Element, "1", sys2);
        b.edge(sys2, EdgeKind::Property, "a", a);
        let s = b.finish();
        let d = distances(&s, &EphemeronNames::build(&s.strings));
        assert_eq!(d[g as usize], 1);
        assert_eq!(d[a as usize], 2);
        assert_eq!(d[root as usize], BASE_SYSTEM_DISTANCE);
        assert_eq!(d[gc as usize], BASE_SYSTEM_DISTANCE + 1);
        assert_eq!(d[sys as usize], BASE_SYSTEM_DISTANCE + 2);
        assert_eq!(d[sys2 as usize], BASE_SYSTEM_DISTANCE + 3);
        assert_eq!(d[weak_only as usize], NO_DISTANCE);
        assert_eq!(d[lost as usize], NO_DISTANCE);
    }

    #[test]
    fn without_user_roots_the_root_is_at_zero() {
        let mut b = SnapshotBuilder::new();
        let root = b.node(NodeKind::Synthetic, "", 0);
        let gc = b.node(NodeKind::Synthetic, "(GC roots)", 0);
        b.edge(root, EdgeKind::Element, "1", gc);
        let s = b.finish();
        let d = distances(&s, &EphemeronNames::build(&s.strings));
        assert_eq!(d, vec![0, 1]);
    }

    #[test]
    fn weakmap_value_takes_the_second_edge_of_its_pair() {
        let mut b = SnapshotBuilder::new();
        let root = b.node(NodeKind::Synthetic, "", 0);
        let g = b.node(NodeKind::Object, "global", 10);
        let table = b.node_with_id(NodeKind::Array, "(object elements)", 32, 41);
        let mid = b.node(NodeKind::Object, "Mid", 8);
        let key = b.node_with_id(NodeKind::Object, "K", 16, 43);
        let val = b.node_with_id(NodeKind::Object, "V", 16, 45);
        let name = "1 / part of key (K @43) -> value (V @45) pair in WeakMap (table @41)";
        b.edge(root, EdgeKind::Shortcut, "global", g);
        b.edge(g, EdgeKind::Property, "wm", table); // table at 2
        b.edge(g, EdgeKind::Property, "m", mid);
        b.edge(mid, EdgeKind::Property, "k", key); // key at 3
        b.edge(table, EdgeKind::Internal, name, val); // met first: skipped
        b.edge(key, EdgeKind::Internal, name, val); // met second: value at 4
        let s = b.finish();
        let d = distances(&s, &EphemeronNames::build(&s.strings));
        assert_eq!((d[table as usize], d[key as usize]), (2, 3));
        assert_eq!(d[val as usize], 4);
    }

    #[test]
    fn native_context_and_map_descriptor_links_are_skipped() {
        let mut b = SnapshotBuilder::new();
        let root = b.node(NodeKind::Synthetic, "", 0);
        let g = b.node(NodeKind::Object, "global", 10);
        let nc = b.node(NodeKind::Hidden, "system / NativeContext", 10);
        let sloppy = b.node(NodeKind::Object, "SloppyMap", 10);
        let other = b.node(NodeKind::Object, "Other", 10);
        let md = b.node(NodeKind::Array, "(map descriptors)", 10);
        let kids: Vec<_> = (0..8)
            .map(|i| b.node(NodeKind::Object, &format!("D{i}"), 1))
            .collect();
        b.edge(root, EdgeKind::Shortcut, "global", g);
        b.edge(g, EdgeKind::Internal, "native_context", nc);
        b.edge(nc, EdgeKind::Internal, "sloppy_function_map", sloppy);
        b.edge(nc, EdgeKind::Internal, "other", other);
        b.edge(g, EdgeKind::Internal, "md", md);
        for (i, &k) in kids.iter().enumerate() {
            b.edge(md, EdgeKind::Element, &i.to_string(), k);
        }
        let s = b.finish();
        let d = distances(&s, &EphemeronNames::build(&s.strings));
        assert_eq!(d[sloppy as usize], NO_DISTANCE);
        assert_eq!(d[other as usize], 3);
        let got: Vec<i32> = kids.iter().map(|&k| d[k as usize]).collect();
        // Indices 4 and 7 are ≡ 1 (mod 3) and ≥ 2: skipped.
        let n = NO_DISTANCE;
        assert_eq!(got, vec![3, 3, 3, 3, n, 3, 3, n]);
        assert_eq!(js_parse_int(" 12abc"), Some(12.0));
        assert_eq!(js_parse_int("-4"), Some(-4.0));
        assert_eq!(js_parse_int("x"), None);
    }

    #[test]
    fn pending_ephemeron_pairs_span_both_searches() {
        // The table is reachable only from the system side, the key from global: the key's
        // edge is met first (user search) and skipped, the table's edge second (system
        // search) and followed — so the value ends up with a system distance.
        let mut b = SnapshotBuilder::new();
        let root = b.node(NodeKind::Synthetic, "", 0);
        let gc = b.node(NodeKind::Synthetic, "(GC roots)", 0);
        let g = b.node(NodeKind::Object, "global", 10);
        let table = b.node_with_id(NodeKind::Array, "(object elements)", 32, 41);
        let key = b.node_with_id(NodeKind::Object, "K", 16, 43);
        let val = b.node_with_id(NodeKind::Object, "V", 16, 45);
        let name = "1 / part of key (K @43) -> value (V @45) pair in WeakMap (table @41)";
        b.edge(root, EdgeKind::Element, "1", gc);
        b.edge(root, EdgeKind::Shortcut, "global", g);
        b.edge(gc, EdgeKind::Element, "1", table);
        b.edge(g, EdgeKind::Property, "k", key);
        b.edge(table, EdgeKind::Internal, name, val);
        b.edge(key, EdgeKind::Internal, name, val);
        let s = b.finish();
        let d = distances(&s, &EphemeronNames::build(&s.strings));
        assert_eq!(d[key as usize], 2);
        assert_eq!(d[table as usize], BASE_SYSTEM_DISTANCE + 2);
        assert_eq!(d[val as usize], BASE_SYSTEM_DISTANCE + 3);
    }

    #[test]
    fn a_user_root_listed_twice_is_searched_twice() {
        // DevTools queues a root child once per root edge; the second visit lets the second
        // edge of an ephemeron pair from the same node through.
        let mut b = SnapshotBuilder::new();
        let root = b.node(NodeKind::Synthetic, "", 0);
        let g = b.node(NodeKind::Object, "global", 10);
        let val = b.node_with_id(NodeKind::Object, "V", 16, 45);
        let name = "1 / part of key (K @43) -> value (V @45) pair in WeakMap (table @41)";
        b.edge(root, EdgeKind::Shortcut, "global", g);
        b.edge(root, EdgeKind::Shortcut, "again", g);
        b.edge(g, EdgeKind::Internal, name, val);
        let s = b.finish();
        let d = distances(&s, &EphemeronNames::build(&s.strings));
        assert_eq!(d[val as usize], 2);
        // With one root edge the single ephemeron edge is skipped and the value only gets
        // reached by nothing: it stays at NO_DISTANCE.
        let mut b = SnapshotBuilder::new();
        let root = b.node(NodeKind::Synthetic, "", 0);
        let g = b.node(NodeKind::Object, "global", 10);
        let val = b.node_with_id(NodeKind::Object, "V", 16, 45);
        b.edge(root, EdgeKind::Shortcut, "global", g);
        b.edge(g, EdgeKind::Internal, name, val);
        let s = b.finish();
        let d = distances(&s, &EphemeronNames::build(&s.strings));
        assert_eq!(d[val as usize], NO_DISTANCE);
    }
}
