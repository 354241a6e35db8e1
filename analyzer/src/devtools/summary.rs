//! The Summary view: one row per class with count, shallow size, retained size, distance.
//!
//! Source: Chrome DevTools `HeapSnapshot.ts` (version 1.0.1705227): `buildAggregates`,
//! `calculateClassesRetainedSize`, `getAggregatesByClassKey` — what DevTools' Summary shows
//! for "All objects".
//!
//! * Members: every node whose (redistributed, see [`super::shallow`]) self size is not
//!   zero, whatever its distance — unreachable and system nodes included.
//! * count, self size: over the members; distance: their minimum.
//! * retained size: a depth-first walk down the dominator tree from the root adds the
//!   retained size of each member that has no member of the same class among its
//!   dominators, so nothing is counted twice.
//! * Rows are keyed by [`super::classes::ClassKey::public_key`]; when two class keys share
//!   one public key, DevTools' record keeps the one whose first member comes later and
//!   drops the other — reproduced here.
//!
//! Flat per-class arrays and an explicit stack (dominator trees are millions deep).

use crate::analysis::NodeResults;
use crate::snapshot::NodeIx;
use serde::Serialize;
use std::collections::HashMap;

/// One Summary row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ClassRow {
    /// DevTools' class name (`class` in JSON, as in every other report).
    #[serde(rename = "class")]
    pub name: String,
    pub count: u64,
    pub self_size: u64,
    pub retained_size: u64,
    pub distance: i32,
    /// DevTools' public class key (`,Client` or `12,3,4,Client`): stable across snapshots
    /// of one process, and distinct for two classes of one name (split by location).
    #[serde(rename = "class_key")]
    pub key: String,
    /// The class key id ([`super::classes::Classes::keys`]) behind the row.
    #[serde(skip)]
    pub class: u32,
    /// Ordinal of the row's first member (in node order).
    #[serde(skip)]
    pub first: NodeIx,
}

/// The class name DevTools shows for node `n`.
pub fn class_name(a: &impl NodeResults, n: NodeIx) -> &str {
    a.class_name(n)
}

/// The Summary rows, sorted by retained size (descending), then name.
pub fn summary(a: &impl NodeResults) -> Vec<ClassRow> {
    let (sizes, classes) = (a.self_sizes(), a.classes());
    let k = classes.len();
    const NONE: u32 = u32::MAX;
    let mut count = vec![0u64; k];
    let mut self_size = vec![0u64; k];
    let mut distance = vec![i32::MAX; k];
    let mut first = vec![NONE; k];
    let mut order: Vec<u32> = Vec::new();
    for (v, &sz) in sizes.iter().enumerate() {
        if sz == 0 {
            continue;
        }
        let c = classes.of[v] as usize;
        if first[c] == NONE {
            first[c] = v as u32;
            order.push(c as u32);
        }
        count[c] += 1;
        self_size[c] += sz;
        distance[c] = distance[c].min(a.distances()[v]);
    }
    let retained = class_retained(a);

    // Public keys: a later class key replaces an earlier one with the same public key.
    let mut rows: Vec<ClassRow> = Vec::with_capacity(order.len());
    let mut slot: HashMap<String, usize> = HashMap::new();
    for &c in &order {
        let c = c as usize;
        let key = classes.keys[c].public_key();
        let row = ClassRow {
            name: classes.keys[c].name.clone(),
            count: count[c],
            self_size: self_size[c],
            retained_size: retained[c],
            distance: distance[c],
            key: key.clone(),
            class: c as u32,
            first: first[c],
        };
        match slot.get(&key) {
            Some(&i) => rows[i] = row,
            None => {
                slot.insert(key, rows.len());
                rows.push(row);
            }
        }
    }
    rows.sort_by(|x, y| {
        y.retained_size
            .cmp(&x.retained_size)
            .then_with(|| x.name.cmp(&y.name))
            .then_with(|| x.key.cmp(&y.key))
    });
    rows
}

/// Retained size per class key without double counting (`calculateClassesRetainedSize`).
pub fn class_retained(a: &impl NodeResults) -> Vec<u64> {
    let (sizes, classes, tree) = (a.self_sizes(), a.classes(), a.tree());
    let mut retained = vec![0u64; classes.len()];
    if a.node_count() == 0 {
        return retained;
    }
    // `open[c]`: a member of class c is on the current dominator path.
    let mut open = vec![false; classes.len()];
    // Stack entries: (node, next child position, whether this node opened its class).
    let mut stack: Vec<(NodeIx, u32, bool)> = Vec::new();
    let enter = |v: NodeIx, open: &mut Vec<bool>, retained: &mut Vec<u64>| -> bool {
        let c = classes.of[v as usize] as usize;
        if open[c] || sizes[v as usize] == 0 {
            return false;
        }
        retained[c] += tree.retained[v as usize];
        if tree.children(v).is_empty() {
            return false; // a leaf cannot hide a descendant
        }
        open[c] = true;
        true
    };
    let root = tree.root;
    let opened = enter(root, &mut open, &mut retained);
    stack.push((root, tree.first[root as usize], opened));
    while let Some(top) = stack.last_mut() {
        let (v, next, opened) = *top;
        if next < tree.first[v as usize + 1] {
            top.1 += 1;
            let c = tree.children[next as usize];
            let o = enter(c, &mut open, &mut retained);
            stack.push((c, tree.first[c as usize], o));
        } else {
            stack.pop();
            if opened {
                open[classes.of[v as usize] as usize] = false;
            }
        }
    }
    retained
}

/// Ordinals of the members of class key `class` (nodes with non-zero self size).
pub fn members(a: &impl NodeResults, class: u32) -> Vec<NodeIx> {
    let (sizes, classes) = (a.self_sizes(), a.classes());
    (0..a.node_count() as NodeIx)
        .filter(|&v| classes.of[v as usize] == class && sizes[v as usize] != 0)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::Analysis;
    use crate::snapshot::SnapshotBuilder;
    use format::{EdgeKind, NodeKind};

    #[test]
    fn nested_same_class_is_not_counted_twice() {
        let mut b = SnapshotBuilder::new();
        let root = b.node(NodeKind::Synthetic, "", 0);
        let g = b.node(NodeKind::Object, "global", 10);
        let n1 = b.node(NodeKind::Object, "Node", 10);
        let n2 = b.node(NodeKind::Object, "Node", 10);
        let n3 = b.node(NodeKind::Object, "Node", 10);
        let leaf = b.node(NodeKind::Object, "Leaf", 5);
        let zero = b.node(NodeKind::Object, "Zero", 0);
        b.edge(root, EdgeKind::Shortcut, "global", g);
        b.edge(g, EdgeKind::Property, "a", n1);
        b.edge(n1, EdgeKind::Property, "next", n2);
        b.edge(n2, EdgeKind::Property, "leaf", leaf);
        b.edge(g, EdgeKind::Property, "z", zero);
        b.edge(zero, EdgeKind::Property, "n", n3);
        let a = Analysis::new(b.finish());
        let rows = summary(&a);
        let node = rows.iter().find(|r| r.name == "Node").unwrap();
        assert_eq!(node.count, 3);
        assert_eq!(node.self_size, 30);
        // n1 retains n1+n2+leaf = 25; n2 is below n1; n3 counts on its own (10).
        assert_eq!(node.retained_size, 35);
        assert_eq!(node.distance, 2);
        assert!(
            rows.iter().all(|r| r.name != "Zero"),
            "zero-size nodes are no members"
        );
        assert!(rows.iter().all(|r| r.name != "(synthetic)"));
        let global = rows.iter().find(|r| r.name == "global").unwrap();
        assert_eq!(global.retained_size, 45);
        assert_eq!(rows[0].name, "global");
    }

    #[test]
    fn hidden_sizes_move_to_their_owner_before_summing() {
        let mut b = SnapshotBuilder::new();
        let root = b.node(NodeKind::Synthetic, "", 0);
        let g = b.node(NodeKind::Object, "global", 10);
        let arr = b.node(NodeKind::Object, "Array", 32);
        let el = b.node(NodeKind::Array, "(object elements)", 100);
        b.edge(root, EdgeKind::Shortcut, "global", g);
        b.edge(g, EdgeKind::Property, "a", arr);
        b.edge(arr, EdgeKind::Internal, "elements", el);
        let a = Analysis::new(b.finish());
        let rows = summary(&a);
        let arr_row = rows.iter().find(|r| r.name == "Array").unwrap();
        assert_eq!(
            (arr_row.count, arr_row.self_size, arr_row.retained_size),
            (1, 132, 132)
        );
        assert!(rows.iter().all(|r| r.name != "(array)"));
        assert_eq!(members(&a, arr_row.class), vec![arr]);
    }

    #[test]
    fn unreachable_members_count_with_their_distance() {
        let mut b = SnapshotBuilder::new();
        let root = b.node(NodeKind::Synthetic, "", 0);
        let g = b.node(NodeKind::Object, "global", 10);
        let lost = b.node(NodeKind::Object, "Lost", 7);
        b.edge(root, EdgeKind::Shortcut, "global", g);
        let _ = lost;
        let a = Analysis::new(b.finish());
        let rows = summary(&a);
        let row = rows.iter().find(|r| r.name == "Lost").unwrap();
        assert_eq!((row.count, row.retained_size, row.distance), (1, 7, -5));
    }

    #[test]
    fn equal_public_keys_keep_the_later_class_like_devtools() {
        // An object whose constructor is literally named "Function" and real closures
        // (class "Function", a name DevTools adds) share the public key ",Function".
        let mut b = SnapshotBuilder::new();
        let root = b.node(NodeKind::Synthetic, "", 0);
        let g = b.node(NodeKind::Object, "global", 10);
        let obj = b.node(NodeKind::Object, "Function", 7);
        let f1 = b.node(NodeKind::Closure, "f", 20);
        let f2 = b.node(NodeKind::Closure, "g", 20);
        b.edge(root, EdgeKind::Shortcut, "global", g);
        for t in [obj, f1, f2] {
            b.edge(g, EdgeKind::Property, "p", t);
        }
        let a = Analysis::new(b.finish());
        assert_ne!(a.classes.of[obj as usize], a.classes.of[f1 as usize]);
        let rows: Vec<_> = summary(&a)
            .into_iter()
            .filter(|r| r.name == "Function")
            .collect();
        assert_eq!(rows.len(), 1);
        assert_eq!((rows[0].count, rows[0].self_size), (2, 40));
    }

    #[test]
    fn located_objects_form_separate_rows() {
        let mut b = SnapshotBuilder::new();
        let root = b.node(NodeKind::Synthetic, "", 0);
        let g = b.node(NodeKind::Object, "global", 10);
        let a1 = b.node(NodeKind::Object, "Client", 8);
        let a2 = b.node(NodeKind::Object, "Client", 8);
        let a3 = b.node(NodeKind::Object, "Client", 8);
        b.edge(root, EdgeKind::Shortcut, "global", g);
        for t in [a1, a2, a3] {
            b.edge(g, EdgeKind::Property, "c", t);
        }
        b.location(a1, 7, 1, 2);
        b.location(a2, 7, 1, 2);
        b.location(a3, 9, 0, 0);
        let a = Analysis::new(b.finish());
        let mut rows: Vec<_> = summary(&a)
            .into_iter()
            .filter(|r| r.name == "Client")
            .map(|r| (r.key, r.count))
            .collect();
        rows.sort();
        assert_eq!(
            rows,
            vec![
                ("7,1,2,Client".to_string(), 2),
                ("9,0,0,Client".to_string(), 1)
            ]
        );
    }
}
