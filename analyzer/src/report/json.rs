//! The JSON forms of the reports (`--json`), documented in `docs/json.md` and
//! `docs/leak-report.md`.
//!
//! One vocabulary for every command: `id` is the node a record is about, `sample_id` one
//! member of a group standing for the rest, `name` DevTools' display name of a node, `class`
//! the class a node or group is counted under ([`super::labels`]), `type` V8's node type;
//! sizes are exact bytes, field names snake_case. Every document starts with
//! `schema_version` and the input `files` ([`Document`]). Shapes are pinned by tests
//! (`tests/json_schema.rs`): add fields only with a doc update, and bump [`SCHEMA_VERSION`]
//! when a field changes meaning or goes away.

use serde::Serialize;

use super::allocation_stacks::Stack;
use super::cluster_tree::{Row, RowKind};
use super::diff::{ClassDelta, LeakGroup};
use super::retainer_path::{self, PathJson, PathStep};
use super::strings::DuplicateString;
use super::suspects::{Suspect, SuspectKind};
use super::{labels, DomView};
use crate::devtools::names::display_name;
use crate::snapshot::{HeapSnapshot, NodeIx};

/// Version of the JSON vocabulary below (1 was the unversioned output before it).
pub const SCHEMA_VERSION: u32 = 2;

/// A JSON document: the version and the inputs, then the command's own fields.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Document<T: Serialize> {
    pub schema_version: u32,
    /// The input files as given on the command line, in order (empty for the built-in demo).
    pub files: Vec<String>,
    #[serde(flatten)]
    pub body: T,
}

impl<T: Serialize> Document<T> {
    pub fn new(files: &[&std::path::Path], body: T) -> Document<T> {
        Document {
            schema_version: SCHEMA_VERSION,
            files: files.iter().map(|f| f.display().to_string()).collect(),
            body,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NodeRef {
    pub id: u32,
    #[serde(rename = "type")]
    pub kind: String,
    pub name: String,
    pub class: String,
    pub retained_size: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GroupJson {
    pub class: String,
    pub count: u64,
    pub retained_size: u64,
    pub sample_id: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SuspectJson {
    /// The object; for a class-group suspect its largest instance.
    pub id: u32,
    /// The node's V8 type (`object`, `closure`, ...), or `class group`.
    #[serde(rename = "type")]
    pub kind: String,
    pub name: String,
    pub class: String,
    pub retained_size: u64,
    pub percent: f64,
    pub accumulation: NodeRef,
    /// The repeating chain the memory accumulates in (then `accumulation` is its head);
    /// absent when there is none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chain: Option<ChainJson>,
    pub path: PathJson,
    pub groups: Vec<GroupJson>,
    /// The accumulated objects by allocation stack; absent without allocation tracking.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stacks: Option<Vec<Stack>>,
}

/// A chain of one repeating pattern of edges ([`super::chains::Chain`]).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ChainJson {
    pub head: NodeRef,
    /// One link's steps, in order, as retainer paths write them ([`retainer_path`]:
    /// `["someMethod", "context of someMethod (app.js:5)", "originalThing"]`, indices `[]`).
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
        kind: s.node_type_name(n).to_string(),
        name: display_name(s, n).into_owned(),
        class: labels::object_name(view, n),
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
                let node = node_ref(view, x.node);
                let (kind, class) = match &x.kind {
                    SuspectKind::Object => (node.kind, node.class),
                    SuspectKind::ClassGroup { label, .. } => {
                        ("class group".to_string(), label.clone())
                    }
                };
                SuspectJson {
                    id: node.id,
                    kind,
                    name: node.name,
                    class,
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
                    path: PathJson::new(paths.get(i).cloned().unwrap_or_default()),
                    groups: x
                        .groups
                        .iter()
                        .map(|g| GroupJson {
                            class: g.label.clone(),
                            count: g.count,
                            retained_size: g.retained_size,
                            sample_id: s.node_id(g.largest),
                        })
                        .collect(),
                    stacks: x.stacks.clone(),
                }
            })
            .collect(),
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TreeRowJson {
    pub depth: u32,
    /// `object` for one node, `group` for folded siblings, `chain` for a repeating chain
    /// (`pattern` one link, `count` its links, `id` its last node), `more` for rows cut off.
    pub row: &'static str,
    /// The node of an `object` row; a `chain` row's last link (the rows below it are that
    /// node's children).
    pub id: Option<u32>,
    /// The largest member of a `group` row.
    pub sample_id: Option<u32>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// DevTools' display name of an `object` row's node.
    pub name: Option<String>,
    /// The class of an `object` or `group` row, the links' class of a `chain` row.
    pub class: Option<String>,
    /// A `chain` row's repeating steps (`next → []`); absent on other rows.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
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
                sample_id: None,
                kind: Some(s.node_type_name(*node).to_string()),
                name: Some(display_name(s, *node).into_owned()),
                class: Some(labels::object_name(view, *node)),
                pattern: None,
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
                id: None,
                sample_id: Some(s.node_id(*largest)),
                kind: Some(s.node_type_name(*largest).to_string()),
                name: None,
                class: Some(label.clone()),
                pattern: None,
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
                sample_id: None,
                kind: Some(s.node_type_name(*last).to_string()),
                name: None,
                class: Some(labels::object_name(view, *last)),
                pattern: Some(pattern.clone()),
                count: *links,
                self_size: None,
                retained_size: r.retained_size,
            },
            RowKind::More { count } => TreeRowJson {
                depth: r.depth,
                row: "more",
                id: None,
                sample_id: None,
                kind: None,
                name: None,
                class: None,
                pattern: None,
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
    pub sample_id: u32,
    pub path: PathJson,
    /// The members by allocation stack; absent without allocation tracking.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stacks: Option<Vec<Stack>>,
}

pub fn leak_group(view: &DomView, g: &LeakGroup) -> LeakGroupJson {
    LeakGroupJson {
        class: g.class.clone(),
        count: g.count,
        retained_size: g.retained_size,
        sample_id: view.snapshot.node_id(g.representative),
        path: PathJson::new(path_steps(view, &g.path)),
        stacks: g.stacks.clone(),
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DuplicateStringJson {
    pub value: String,
    pub count: u64,
    pub total_size: u64,
    pub wasted_size: u64,
    pub sample_id: u32,
    pub truncated: bool,
}

pub fn duplicate(s: &HeapSnapshot, d: &DuplicateString) -> DuplicateStringJson {
    DuplicateStringJson {
        value: d.value.clone(),
        count: d.count,
        total_size: d.total_size,
        wasted_size: d.wasted_size,
        sample_id: s.node_id(d.example),
        truncated: d.truncated,
    }
}

/// Steps of a BFS-tree path ([`super::diff::tree_path`]), without the synthetic root.
pub fn path_steps(view: &DomView, path: &[super::diff::Step]) -> Vec<PathStep> {
    retainer_path::steps(view, path.iter().skip(1).map(|st| (st.edge, st.node)))
}

/// Steps of one of [`crate::paths`]' shortest retainer paths.
pub fn retainer_steps(view: &DomView, path: &crate::paths::RetainerPath) -> Vec<PathStep> {
    retainer_path::steps(view, path.steps.iter().map(|st| (st.edge, st.node)))
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
        let c = crate::devtools::classes::Classes::build(&s);
        let v = DomView {
            snapshot: &s,
            tree: &d,
            classes: &c,
        };
        let found = suspects::find(&v, &suspects::Params::default());
        let path = retainer_path::steps(&v, [(None, client)]);
        let r = Document::new(
            &[std::path::Path::new("app.heapsnapshot")],
            leak_report(&v, &found, &[path]),
        );
        let text = serde_json::to_string(&r).unwrap();
        assert_eq!(
            text,
            r#"{"schema_version":2,"files":["app.heapsnapshot"],"total_size":472,"node_count":7,"suspects":[{"id":3,"type":"object","name":"Client","class":"Client","retained_size":472,"percent":100.0,"accumulation":{"id":5,"type":"object","name":"Array","class":"Array","retained_size":432},"path":{"text":"Client","steps":[{"edge":null,"edge_type":null,"id":3,"type":"object","name":"Client","class":"Client"}]},"groups":[{"class":"closure \"onError\"","count":4,"retained_size":400,"sample_id":7}]}]}"#
        );
    }
}
