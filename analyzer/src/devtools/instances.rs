//! A Summary row opened: the instances of a class, as DevTools lists them under a row of
//! the Summary view.
//!
//! Source: Chrome DevTools `HeapSnapshot.ts` (`createNodesProviderForClass`: the row's
//! members, the nodes [`super::summary`] counts) and `HeapSnapshotGridNodes.ts`
//! (`HeapSnapshotConstructorNode.comparator`): instances follow the grid's sort column —
//! retained size by default, or shallow size — descending, ties by id ascending.
//!
//! A class is named as the Summary names it; several rows may carry one name (objects
//! split by source location, or two constructors of one name), and then the instances of
//! all of them are listed together.

use crate::analysis::NodeResults;
use crate::devtools::summary::{members, ClassRow};
use crate::snapshot::NodeIx;

/// One instance of a class.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Instance {
    pub node: NodeIx,
    pub self_size: u64,
    pub retained_size: u64,
    pub distance: i32,
}

/// The grid column instances are sorted by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InstanceOrder {
    Retained,
    SelfSize,
}

/// The Summary rows called `name`.
pub fn rows_named<'r>(rows: &'r [ClassRow], name: &str) -> Vec<&'r ClassRow> {
    rows.iter().filter(|r| r.name == name).collect()
}

/// The instances of `rows`, in DevTools' order for `order`; `id` gives a node's V8 id
/// (the tie-breaker).
pub fn instances(
    a: &impl NodeResults,
    rows: &[&ClassRow],
    order: InstanceOrder,
    id: impl Fn(NodeIx) -> u32,
) -> Vec<Instance> {
    let mut out: Vec<Instance> = rows
        .iter()
        .flat_map(|r| members(a, r.class))
        .map(|v| Instance {
            node: v,
            self_size: a.self_sizes()[v as usize],
            retained_size: a.tree().retained[v as usize],
            distance: a.distances()[v as usize],
        })
        .collect();
    let key = |i: &Instance| match order {
        InstanceOrder::Retained => i.retained_size,
        InstanceOrder::SelfSize => i.self_size,
    };
    out.sort_by(|x, y| {
        key(y)
            .cmp(&key(x))
            .then_with(|| id(x.node).cmp(&id(y.node)))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::Analysis;
    use crate::devtools::summary::summary;
    use crate::snapshot::SnapshotBuilder;
    use format::{EdgeKind, NodeKind};

    #[test]
    fn instances_by_retained_then_id_and_by_shallow() {
        let mut b = SnapshotBuilder::new();
        let root = b.node(NodeKind::Synthetic, "", 0);
        let g = b.node(NodeKind::Object, "global", 10);
        let small = b.node_with_id(NodeKind::Object, "Client", 40, 109);
        let big = b.node_with_id(NodeKind::Object, "Client", 20, 107);
        let twin = b.node_with_id(NodeKind::Object, "Client", 40, 105);
        let payload = b.node(NodeKind::String, "payload", 100);
        b.edge(root, EdgeKind::Shortcut, "global", g);
        for c in [small, big, twin] {
            b.edge(g, EdgeKind::Property, "c", c);
        }
        b.edge(big, EdgeKind::Property, "data", payload);
        let a = Analysis::new(b.finish());
        let rows = summary(&a);
        let client = rows_named(&rows, "Client");
        assert_eq!(client.len(), 1);
        let id = |v| a.snapshot.node_id(v);
        let by_retained: Vec<u32> = instances(&a, &client, InstanceOrder::Retained, id)
            .iter()
            .map(|i| id(i.node))
            .collect();
        assert_eq!(by_retained, [107, 105, 109]);
        let by_self: Vec<u32> = instances(&a, &client, InstanceOrder::SelfSize, id)
            .iter()
            .map(|i| id(i.node))
            .collect();
        assert_eq!(by_self, [105, 109, 107]);
        let first = instances(&a, &client, InstanceOrder::Retained, id)[0];
        assert_eq!(
            (first.self_size, first.retained_size, first.distance),
            (20, 120, 2)
        );
        assert!(rows_named(&rows, "Nope").is_empty());
    }
}
