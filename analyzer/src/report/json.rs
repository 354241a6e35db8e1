//! The JSON forms of the reports (`--json`), documented in `docs/leak-report.md`.
//!
//! Field names are snake_case, sizes exact bytes, ids V8's node ids. The leak report's
//! shape is pinned by a test (`tests/leak_report.rs`): add fields only with a doc update.

use serde::Serialize;

use super::cluster_tree::{Row, RowKind};
use super::diff::{ClassDelta, LeakGroup};
use super::strings::DuplicateString;
use super::suspects::{Suspect, SuspectKind};
use super::DomView;
use crate::snapshot::{HeapSnapshot, NodeIx};

/// One step of a retainer path: the edge taken and the node it reaches.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PathStep {
    /// The edge into this node as a property-path step (`_events`, `[17]`); empty for the
    /// first node (a child of the synthetic root).
    pub edge: String,
    pub id: u32,
    pub name: String,
    /// The node is synthetic (`(GC roots)`, `(Handle scope)`, ...): text output collapses a
    /// leading run of them to the last one.
    #[serde(skip)]
    pub synthetic: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NodeRef {
    pub id: u32,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub retained_size: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GroupJson {
    pub class: String,
    pub count: u64,
    pub retained_size: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SuspectJson {
    pub id: u32,
    pub name: String,
    /// The node's V8 type (`object`, `closure`, ...), or `class group` for a class-group
    /// suspect (then `id` is its largest instance and `name` the class).
    #[serde(rename = "type")]
    pub kind: String,
    pub retained_size: u64,
    pub percent: f64,
    pub accumulation: NodeRef,
    /// The repeating chain the memory accumulates in (then `accumulation` is its head);
    /// absent when there is none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chain: Option<ChainJson>,
    pub path: Vec<PathStep>,
    pub groups: Vec<GroupJson>,
}

/// A chain of one repeating pattern of edges ([`super::chains::Chain`]).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ChainJson {
    pub head: NodeRef,
    /// One link's edges, in order (`["someMethod", "context", "originalThing"]`).
    pub pattern: Vec<String>,
    pub links: u64,
    pub last: NodeRef,
    pub retained_size: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LeakReportJson {
    pub total_size: u64,
    pub node_count: u64,
    pub suspects: Vec<SuspectJson>,
}

pub fn node_ref(view: &DomView, n: NodeIx) -> NodeRef {
    let s = view.snapshot;
    NodeRef {
        id: s.node_id(n),
        name: super::labels::object_name(s, n),
        kind: s.node_type_name(n).to_string(),
        retained_size: view.tree.retained[n as usize],
    }
}

/// Percent rounded to two decimals, so JSON stays readable and stable.
fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// The leak report; `paths[i]` is the retainer path of `suspects[i]` (empty if unknown).
pub fn leak_report(
    view: &DomView,
    suspects: &[Suspect],
    paths: &[Vec<PathStep>],
) -> LeakReportJson {
    let s = view.snapshot;
    LeakReportJson {
        total_size: view.tree.total(),
        node_count: s.node_count() as u64,
        suspects: suspects
            .iter()
            .enumerate()
            .map(|(i, x)| {
                let (name, kind) = match &x.kind {
                    SuspectKind::Object => (
                        super::labels::object_name(s, x.node),
                        s.node_type_name(x.node).to_string(),
                    ),
                    SuspectKind::ClassGroup { label, .. } => {
                        (label.clone(), "class group".to_string())
                    }
                };
                SuspectJson {
                    id: s.node_id(x.node),
                    name,
                    kind,
                    retained_size: x.retained_size,
                    percent: round2(x.percent),
                    accumulation: node_ref(view, x.accumulation.point),
                    chain: x.accumulation.repeat.as_ref().map(|c| ChainJson {
                        head: node_ref(view, c.head),
                        pattern: c.pattern.clone(),
                        links: c.links,
                        last: node_ref(view, c.last),
                        retained_size: c.retained_size,
                    }),
                    path: paths.get(i).cloned().unwrap_or_default(),
                    groups: x
                        .groups
                        .iter()
                        .map(|g| GroupJson {
                            class: g.label.clone(),
                            count: g.count,
                            retained_size: g.retained_size,
                        })
                        .collect(),
                }
            })
            .collect(),
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TreeRowJson {
    pub depth: u32,
    /// `object` for one node, `group` for folded siblings, `chain` for a repeating chain
    /// (`name` its pattern, `count` its links, `id` its last node), `more` for rows cut off.
    pub row: &'static str,
    /// The node, the group's largest member, the chain's last node (absent for `more`).
    pub id: Option<u32>,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub count: u64,
    pub self_size: Option<u64>,
    pub retained_size: u64,
}

pub fn tree_rows(view: &DomView, rows: &[Row]) -> Vec<TreeRowJson> {
    let s = view.snapshot;
    rows.iter()
        .map(|r| match &r.kind {
            RowKind::Node { node } => TreeRowJson {
                depth: r.depth,
                row: "object",
                id: Some(s.node_id(*node)),
                name: super::labels::object_name(s, *node),
                kind: Some(s.node_type_name(*node).to_string()),
                count: 1,
                self_size: Some(s.self_size(*node)),
                retained_size: r.retained_size,
            },
            RowKind::Folded {
                label,
                count,
                largest,
            } => TreeRowJson {
                depth: r.depth,
                row: "group",
                id: Some(s.node_id(*largest)),
                name: label.clone(),
                kind: Some(s.node_type_name(*largest).to_string()),
                count: *count,
                self_size: None,
                retained_size: r.retained_size,
            },
            RowKind::Chain {
                pattern,
                links,
                last,
            } => TreeRowJson {
                depth: r.depth,
                row: "chain",
                id: Some(s.node_id(*last)),
                name: pattern.clone(),
                kind: Some(s.node_type_name(*last).to_string()),
                count: *links,
                self_size: None,
                retained_size: r.retained_size,
            },
            RowKind::More { count } => TreeRowJson {
                depth: r.depth,
                row: "more",
                id: None,
                name: String::new(),
                kind: None,
                count: *count,
                self_size: None,
                retained_size: r.retained_size,
            },
        })
        .collect()
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ClassDeltaJson {
    pub class: String,
    pub new_count: u64,
    pub deleted_count: u64,
    pub delta_count: i64,
    pub alloc_size: u64,
    pub freed_size: u64,
    pub delta_size: i64,
}

impl From<&ClassDelta> for ClassDeltaJson {
    fn from(d: &ClassDelta) -> Self {
        ClassDeltaJson {
            class: d.class.clone(),
            new_count: d.new_count,
            deleted_count: d.deleted_count,
            delta_count: d.delta_count,
            alloc_size: d.alloc_size,
            freed_size: d.freed_size,
            delta_size: d.delta_size,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LeakGroupJson {
    pub class: String,
    pub count: u64,
    pub retained_size: u64,
    pub representative: u32,
    pub path: Vec<PathStep>,
}

pub fn leak_group(s: &HeapSnapshot, g: &LeakGroup) -> LeakGroupJson {
    LeakGroupJson {
        class: g.class.clone(),
        count: g.count,
        retained_size: g.retained_size,
        representative: s.node_id(g.representative),
        path: path_steps(s, &g.path),
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DuplicateStringJson {
    pub value: String,
    pub count: u64,
    pub total_size: u64,
    pub wasted_size: u64,
    pub example_id: u32,
    pub truncated: bool,
}

pub fn duplicate(s: &HeapSnapshot, d: &DuplicateString) -> DuplicateStringJson {
    DuplicateStringJson {
        value: d.value.clone(),
        count: d.count,
        total_size: d.total_size,
        wasted_size: d.wasted_size,
        example_id: s.node_id(d.example),
        truncated: d.truncated,
    }
}

/// JSON steps of a BFS-tree path ([`super::diff::tree_path`]), without the synthetic root.
pub fn path_steps(s: &HeapSnapshot, path: &[super::diff::Step]) -> Vec<PathStep> {
    path.iter()
        .skip(1)
        .enumerate()
        .map(|(i, st)| PathStep {
            edge: if i == 0 {
                String::new()
            } else {
                st.edge.clone()
            },
            id: s.node_id(st.node),
            name: super::labels::object_name(s, st.node),
            synthetic: s.node_kind(st.node) == format::NodeKind::Synthetic,
        })
        .collect()
}

/// JSON steps of one of [`crate::paths`]' shortest retainer paths.
pub fn retainer_steps(s: &HeapSnapshot, path: &crate::paths::RetainerPath) -> Vec<PathStep> {
    path.steps
        .iter()
        .map(|st| PathStep {
            edge: st
                .edge
                .map(|e| super::labels::edge_label(s, e))
                .unwrap_or_default(),
            id: s.node_id(st.node),
            name: super::labels::object_name(s, st.node),
            synthetic: s.node_kind(st.node) == format::NodeKind::Synthetic,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{non_weak_tree, suspects};
    use crate::snapshot::SnapshotBuilder;
    use format::{EdgeKind, NodeKind};

    /// The documented shape of `heapsim analyze --json` (docs/leak-report.md), field by
    /// field and in order; the integration test pins the same shape on a real snapshot.
    #[test]
    fn leak_report_json_has_the_documented_fields() {
        let mut b = SnapshotBuilder::new();
        let root = b.node(NodeKind::Synthetic, "", 0);
        let client = b.node(NodeKind::Object, "Client", 40);
        b.edge(root, EdgeKind::Element, "1", client);
        let arr = b.node(NodeKind::Object, "Array", 32);
        b.edge(client, EdgeKind::Property, "listeners", arr);
        for i in 0..4 {
            let f = b.node(NodeKind::Closure, "onError", 100);
            b.edge(arr, EdgeKind::Element, &i.to_string(), f);
        }
        let s = b.finish();
        let d = non_weak_tree(&s);
        let v = DomView {
            snapshot: &s,
            tree: &d,
        };
        let found = suspects::find(&v, &suspects::Params::default());
        let path = vec![PathStep {
            edge: String::new(),
            id: s.node_id(client),
            name: "Client".into(),
            synthetic: false,
        }];
        let r = leak_report(&v, &found, &[path]);
        let text = serde_json::to_string(&r).unwrap();
        assert_eq!(
            text,
            r#"{"total_size":472,"node_count":7,"suspects":[{"id":3,"name":"Client","type":"object","retained_size":472,"percent":100.0,"accumulation":{"id":5,"name":"Array","type":"object","retained_size":432},"path":[{"edge":"","id":3,"name":"Client"}],"groups":[{"class":"closure \"onError\"","count":4,"retained_size":400}]}]}"#
        );
    }
}
