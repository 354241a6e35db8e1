//! One object as DevTools' object inspector shows it (`heapsim show`): its fields — the
//! outgoing edges, expanded some levels deep — and its retainers, the incoming edges.
//!
//! Fields are listed in pre-order, each object's fields in edge order, at most `limit` per
//! object and [`MAX_FIELDS`] in total (a count of the left-out ones is kept). Because an
//! object's fields are appended together when it is expanded, every child list is a
//! contiguous range of [`ObjectView::fields`]: the tree needs no per-entry lists. The walk
//! uses an explicit stack (heap graphs are deep).
//!
//! The retainers of one object come from one scan of the edge column rather than from the
//! reverse CSR ([`crate::snapshot::Retainers`]): a pass over the targets costs a few tens of
//! milliseconds on a 32 M-edge snapshot, the CSR a quarter of a gigabyte.

use std::ops::Range;

use crate::snapshot::{EdgeIx, HeapSnapshot, NodeIx};

/// At most this many fields are listed in total, whatever the depth and limit: depth
/// multiplies the listing, so `--depth 20` must not explode.
pub const MAX_FIELDS: usize = 100_000;

/// One listed field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    pub edge: EdgeIx,
    /// The edge's target.
    pub node: NodeIx,
    /// 0 for the object's own fields.
    pub level: usize,
    /// The target's listed fields (empty unless the field is expanded).
    pub children: Range<usize>,
    /// The target's fields left out by the limits.
    pub more: usize,
}

/// One listed retainer: the retaining edge and its source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Retainer {
    pub edge: EdgeIx,
    pub node: NodeIx,
}

/// An object's fields and retainers, cut to the requested depth and limit.
#[derive(Clone, Debug)]
pub struct ObjectView {
    pub node: NodeIx,
    /// Levels of fields expanded.
    pub depth: usize,
    /// Every listed field, in pre-order.
    pub fields: Vec<Field>,
    /// The object's own listed fields.
    pub top: Range<usize>,
    /// The object's own fields left out by the limits.
    pub more_fields: usize,
    /// All the object's outgoing edges.
    pub edge_count: usize,
    /// The listed retainers (at most `limit`), in file order.
    pub retainers: Vec<Retainer>,
    /// All the object's retainers.
    pub retainer_count: usize,
}

impl ObjectView {
    /// The view of `node`, fields `depth` levels deep, at most `limit` fields per object and
    /// `limit` retainers.
    pub fn build(s: &HeapSnapshot, node: NodeIx, depth: usize, limit: usize) -> ObjectView {
        let (fields, top, more_fields) = list_fields(s, node, depth, limit);
        let (retainers, retainer_count) = retainers_of(s, node, limit);
        ObjectView {
            node,
            depth,
            fields,
            top,
            more_fields,
            edge_count: s.edge_range(node).len(),
            retainers,
            retainer_count,
        }
    }

    /// Whether `f`'s own fields are listed (it is above the depth limit).
    pub fn expanded(&self, f: &Field) -> bool {
        f.level + 1 < self.depth
    }

    /// Retainers left out by the limit.
    pub fn more_retainers(&self) -> usize {
        self.retainer_count - self.retainers.len()
    }
}

/// The first `limit` retainers of `node` in file order (source node, then edge, i.e. edge
/// order) and how many there are in all.
fn retainers_of(s: &HeapSnapshot, node: NodeIx, limit: usize) -> (Vec<Retainer>, usize) {
    let mut listed = Vec::new();
    let mut count = 0;
    for (e, &t) in s.edges.to.iter().enumerate() {
        if t != node {
            continue;
        }
        count += 1;
        if listed.len() < limit {
            let edge = e as EdgeIx;
            listed.push(Retainer {
                edge,
                node: s.edge_source(edge),
            });
        }
    }
    (listed, count)
}

/// Fields of `start` down to `depth` levels: the list, the start's own range and its
/// left-out count.
fn list_fields(
    s: &HeapSnapshot,
    start: NodeIx,
    depth: usize,
    limit: usize,
) -> (Vec<Field>, Range<usize>, usize) {
    let mut fields: Vec<Field> = Vec::new();
    let (mut top, mut more_top) = (0..0, 0);
    // (node, the field that leads to it — `None` for the start —, its level)
    let mut stack: Vec<(NodeIx, Option<usize>, usize)> = vec![(start, None, 0)];
    while let Some((v, parent, level)) = stack.pop() {
        if level >= depth {
            continue;
        }
        let edges = s.edge_range(v);
        let room = limit.min(MAX_FIELDS.saturating_sub(fields.len()));
        let hidden = edges.len().saturating_sub(room);
        let first = fields.len();
        fields.extend(edges.take(room).map(|e| Field {
            edge: e,
            node: s.edge_to(e),
            level,
            children: 0..0,
            more: 0,
        }));
        let children = first..fields.len();
        match parent {
            None => (top, more_top) = (children.clone(), hidden),
            Some(p) => (fields[p].children, fields[p].more) = (children.clone(), hidden),
        }
        // Pushed in reverse so the first field is expanded first (pre-order).
        for i in children.rev() {
            stack.push((fields[i].node, Some(i), level + 1));
        }
    }
    (fields, top, more_top)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::SnapshotBuilder;
    use format::{EdgeKind, NodeKind};

    /// root → a → {b, c}, b → d; a also retained by c.
    fn graph() -> HeapSnapshot {
        let mut g = SnapshotBuilder::new();
        let root = g.node(NodeKind::Synthetic, "", 0);
        let a = g.node(NodeKind::Object, "A", 10);
        let b = g.node(NodeKind::Object, "B", 10);
        let c = g.node(NodeKind::Object, "C", 10);
        let d = g.node(NodeKind::Object, "D", 10);
        g.edge(root, EdgeKind::Element, "0", a);
        g.edge(a, EdgeKind::Property, "b", b);
        g.edge(a, EdgeKind::Property, "c", c);
        g.edge(b, EdgeKind::Property, "d", d);
        g.edge(c, EdgeKind::Property, "back", a);
        g.finish()
    }

    #[test]
    fn fields_are_preorder_with_contiguous_child_ranges() {
        let s = graph();
        let v = ObjectView::build(&s, 1, 3, 10);
        let names: Vec<NodeIx> = v.fields.iter().map(|f| f.node).collect();
        // a's fields b, c; then b's field d, then c's field back → a, then a's fields again.
        assert_eq!(&names[..5], &[2, 3, 4, 1, 2]);
        assert_eq!(v.top, 0..2);
        assert_eq!(v.fields[0].children, 2..3, "b → d");
        assert_eq!(v.fields[1].children, 3..4, "c → a");
        assert_eq!(v.edge_count, 2);
        assert_eq!(v.retainer_count, 2, "root and c retain a");
        assert_eq!(v.more_retainers(), 0);
    }

    #[test]
    fn limits_count_what_they_leave_out() {
        let s = graph();
        let v = ObjectView::build(&s, 1, 2, 1);
        assert_eq!(v.top, 0..1);
        assert_eq!(v.more_fields, 1, "c left out");
        assert!(v.expanded(&v.fields[0]));
        assert_eq!(v.fields[0].children, 1..2);
        assert!(!v.expanded(&v.fields[1]), "depth 2 lists two levels");
        assert_eq!((v.retainers.len(), v.more_retainers()), (1, 1));
        let flat = ObjectView::build(&s, 1, 0, 10);
        assert!(flat.fields.is_empty() && flat.top.is_empty());
        assert_eq!(flat.more_fields, 0);
    }
}
