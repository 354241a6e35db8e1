//! The dominator tree with same-class siblings folded: the talk's "object cluster view".
//!
//! A leak shows in the dominator tree as one parent with thousands of similar children
//! (`TimersList` → 20 000 × `Timeout`). Listing them one per line hides the shape, so the
//! children of each shown node are grouped by class ([`super::labels`]); a class with at
//! least [`FOLD_MIN`] members becomes one row — `Timeout ×20000, 4.1 MB` — carrying its
//! largest member's id, which `heapsim tree FILE @ID` expands. A member that alone retains
//! at least 1/[`OWN_ROW_DIVISOR`] of its parent keeps its own row: folding it would hide
//! exactly the object a user is looking for (`global` → one huge `Object` among 80 small). Rows below `min_size` are
//! dropped, and at most `max_rows` rows are shown per parent (the rest summed in one line).
//!
//! A node that starts a chain of one repeating pattern of edges (a linked list:
//! [`super::chains`]) gets a single `Chain` row below it — `(next) ×40000, 3.1 MB` — and
//! the rows below that are the children of the chain's last node; `fold: false` lists the
//! chain link by link instead.
//!
//! Rendering order is a pre-order walk with an explicit stack; each parent's rows are sorted
//! by retained size, largest first.

use std::collections::HashMap;

use super::chains;
use super::labels::{LabelIx, Labeler};
use super::DomView;
use crate::snapshot::NodeIx;

/// Siblings of one class are folded from this many on.
pub const FOLD_MIN: u64 = 2;

/// Members retaining at least `parent / OWN_ROW_DIVISOR` (5 %) are never folded.
pub const OWN_ROW_DIVISOR: u64 = 20;

#[derive(Clone, Copy, Debug)]
pub struct Params {
    /// Levels below the start node to show (the start node is depth 0).
    pub depth: u32,
    /// Rows retaining less are not shown.
    pub min_size: u64,
    /// At most this many rows per parent.
    pub max_rows: usize,
    /// Fold same-class siblings.
    pub fold: bool,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            depth: 4,
            min_size: 0,
            max_rows: 25,
            fold: true,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum RowKind {
    /// One object.
    Node { node: NodeIx },
    /// `count` siblings of one class; `largest` expands the group.
    Folded {
        label: String,
        count: u64,
        largest: NodeIx,
    },
    /// A chain of `links` copies of `pattern` (`someMethod → context → originalThing`)
    /// ending at `last`, whose children are the rows below it.
    Chain {
        pattern: String,
        links: u64,
        last: NodeIx,
    },
    /// Rows cut by `max_rows`.
    More { count: u64 },
}

#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub depth: u32,
    pub kind: RowKind,
    pub retained_size: u64,
}

/// The folded tree below `start`, as rows in display order.
pub fn build(view: &DomView, start: NodeIx, p: &Params) -> Vec<Row> {
    let mut labeler = Labeler::new(view.classes);
    let mut rows = Vec::new();
    let mut pending: Vec<Row> = Vec::new();
    // Rows still to emit; children are pushed in reverse so the largest pops first.
    let mut stack = vec![Row {
        depth: 0,
        kind: RowKind::Node { node: start },
        retained_size: view.tree.retained[start as usize],
    }];
    while let Some(row) = stack.pop() {
        if row.depth < p.depth {
            let chain = match row.kind {
                RowKind::Node { node } if p.fold => chains::starting_at(view, node, &mut labeler),
                _ => None,
            };
            match (&row.kind, chain) {
                (_, Some(c)) => pending.push(Row {
                    depth: row.depth + 1,
                    retained_size: view.tree.retained[c.first as usize],
                    kind: RowKind::Chain {
                        pattern: c.pattern_text(),
                        links: c.links,
                        last: c.last,
                    },
                }),
                (RowKind::Node { node: n } | RowKind::Chain { last: n, .. }, None) => {
                    child_rows(view, *n, row.depth + 1, p, &mut labeler, &mut pending);
                }
                _ => {}
            }
            stack.extend(pending.drain(..).rev());
        }
        rows.push(row);
    }
    rows
}

/// The rows for the children of `node`: grouped, filtered, sorted, capped.
fn child_rows(
    view: &DomView,
    node: NodeIx,
    depth: u32,
    p: &Params,
    labeler: &mut Labeler,
    out: &mut Vec<Row>,
) {
    out.clear();
    let mut groups: HashMap<LabelIx, (u64, u64, NodeIx)> = HashMap::new();
    let big = view.tree.retained[node as usize] / OWN_ROW_DIVISOR;
    for &c in view.tree.children(node) {
        let r = view.tree.retained[c as usize];
        if !p.fold || (r >= big && r > 0) {
            out.push(Row {
                depth,
                kind: RowKind::Node { node: c },
                retained_size: r,
            });
            continue;
        }
        let g = groups
            .entry(labeler.of(view.snapshot, c))
            .or_insert((0, 0, c));
        g.0 += 1;
        g.1 += r;
        if r > view.tree.retained[g.2 as usize] {
            g.2 = c;
        }
    }
    for (l, (count, sum, largest)) in groups {
        let kind = if count >= FOLD_MIN {
            RowKind::Folded {
                label: labeler.label(l).to_string(),
                count,
                largest,
            }
        } else {
            RowKind::Node { node: largest }
        };
        out.push(Row {
            depth,
            kind,
            retained_size: sum,
        });
    }
    out.retain(|r| r.retained_size >= p.min_size);
    out.sort_by(|a, b| {
        b.retained_size
            .cmp(&a.retained_size)
            .then_with(|| key(&a.kind).cmp(&key(&b.kind)))
    });
    if out.len() > p.max_rows {
        let rest = out.split_off(p.max_rows);
        out.push(Row {
            depth,
            kind: RowKind::More {
                count: rest.len() as u64,
            },
            retained_size: rest.iter().map(|r| r.retained_size).sum(),
        });
    }
}

fn key(k: &RowKind) -> (u8, NodeIx) {
    match *k {
        RowKind::Node { node } => (0, node),
        RowKind::Folded { largest, .. } => (1, largest),
        RowKind::Chain { last, .. } => (2, last),
        RowKind::More { .. } => (3, 0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::non_weak_tree;
    use crate::snapshot::SnapshotBuilder;
    use format::{EdgeKind, NodeKind};

    #[test]
    fn folds_same_class_siblings_and_walks_in_pre_order() {
        let mut b = SnapshotBuilder::new();
        let root = b.node(NodeKind::Synthetic, "", 0);
        let list = b.node(NodeKind::Object, "TimersList", 10);
        let other = b.node(NodeKind::Object, "Other", 5);
        b.edge(root, EdgeKind::Element, "1", list);
        b.edge(root, EdgeKind::Element, "2", other);
        let mut ts = Vec::new();
        for i in 0..30 {
            let t = b.node(NodeKind::Object, "Timeout", 20 + i % 5);
            b.edge(list, EdgeKind::Property, &format!("t{i}"), t);
            ts.push(t);
        }
        let lone = b.node(NodeKind::Object, "Lone", 1);
        b.edge(list, EdgeKind::Property, "lone", lone);
        // 30 small siblings of one class and one big one: the big one keeps its row.
        let holder = b.node(NodeKind::Object, "Holder", 1);
        b.edge(root, EdgeKind::Element, "3", holder);
        let mut small = Vec::new();
        for i in 0..30 {
            let o = b.node(NodeKind::Object, "Object", 1);
            b.edge(holder, EdgeKind::Property, &format!("s{i}"), o);
            small.push(o);
        }
        let huge = b.node(NodeKind::Object, "Object", 1000);
        b.edge(holder, EdgeKind::Property, "huge", huge);
        let s = b.finish();
        let d = non_weak_tree(&s);
        let c = crate::devtools::classes::Classes::build(&s);
        let v = DomView {
            snapshot: &s,
            tree: &d,
            classes: &c,
        };
        let rows = build(&v, holder, &Params::default());
        let shape: Vec<(u32, RowKind, u64)> = rows
            .iter()
            .map(|r| (r.depth, r.kind.clone(), r.retained_size))
            .collect();
        assert_eq!(
            shape,
            vec![
                (0, RowKind::Node { node: holder }, 1031),
                (1, RowKind::Node { node: huge }, 1000),
                (
                    1,
                    RowKind::Folded {
                        label: "Object".into(),
                        count: 30,
                        largest: small[0]
                    },
                    30
                ),
            ]
        );
        let rows = build(
            &v,
            root,
            &Params {
                depth: 2,
                ..Params::default()
            },
        );
        let shape: Vec<(u32, RowKind, u64)> = rows
            .iter()
            .map(|r| (r.depth, r.kind.clone(), r.retained_size))
            .collect();
        assert_eq!(
            shape,
            vec![
                (0, RowKind::Node { node: root }, 1707),
                (1, RowKind::Node { node: holder }, 1031),
                (2, RowKind::Node { node: huge }, 1000),
                (
                    2,
                    RowKind::Folded {
                        label: "Object".into(),
                        count: 30,
                        largest: small[0]
                    },
                    30
                ),
                (1, RowKind::Node { node: list }, 671),
                (
                    2,
                    RowKind::Folded {
                        label: "Timeout".into(),
                        count: 30,
                        largest: ts[4]
                    },
                    660
                ),
                (2, RowKind::Node { node: lone }, 1),
                (1, RowKind::Node { node: other }, 5),
            ]
        );
        let p = Params {
            depth: 1,
            min_size: 6,
            max_rows: 25,
            fold: true,
        };
        let rows = build(&v, root, &p);
        assert_eq!(rows.len(), 3);
        let p = Params {
            depth: 2,
            max_rows: 1,
            fold: false,
            ..Params::default()
        };
        let rows = build(&v, list, &p);
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[2].kind, RowKind::More { count: 30 });
        assert_eq!(rows[2].retained_size, 660 - 24 + 1);
    }
}
