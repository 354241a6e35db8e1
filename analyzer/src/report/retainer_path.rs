//! How every command writes a retainer path: one format for `analyze`, `diff` and `path`.
//!
//! A path runs from the root's child it enters by to the object, and reads
//! `global → app → client → _events → error → [17]`: the first node by its name (a leading
//! run of synthetic roots collapsed to the last one, `(Handle scope) → [3] → next`), then one
//! step per edge —
//! * property, context-variable, internal and shortcut edges by their name (`client`);
//! * element and hidden edges, and root slots V8 numbers (`(Stack roots)`' `"34"`), as an
//!   index (`[17]`);
//! * an edge into a closure's scope (`closure —context→ system / Context`) as the function
//!   that scope belongs to, with where it is defined: `context of handler (server.js:12)` —
//!   the variable that follows (`→ client`) is then one of that function's free variables,
//!   which a bare `context` step does not say.
//!
//! A block of steps repeated [`chains::MIN_REPEATS`] times or more (a linked list, the
//! closure-context chain of [`super::chains`]) is written once with its count, indices as
//! `[]`: `global → list → (next → []) ×40000 → value` ([`fold`]). Two steps repeat each
//! other when their edges' types and text (all indices alike) and the classes reached are
//! equal. Paths longer than [`MAX_STEPS`] parts after folding keep their first 3 and last 8
//! around a `…`.
//! JSON gives the steps one by one ([`PathStep`]) next to the text (`{"text", "steps"}`).

use serde::Serialize;

use super::chains::{self, Segment};
use super::labels;
use super::DomView;
use crate::paths::ShortestPaths;
use crate::snapshot::{EdgeIx, HeapSnapshot, NodeIx};
use format::{EdgeKind, NodeKind};

/// Longer paths are shortened in the middle.
pub const MAX_STEPS: usize = 12;

/// One step of a retainer path: the edge taken and the node it reaches.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PathStep {
    /// The edge's name as the snapshot has it (an index as a string); `None` for the first
    /// node (a child of the synthetic root).
    pub edge: Option<String>,
    /// V8's edge type (`property`, `element`, `context`, …); `None` for the first node.
    pub edge_type: Option<&'static str>,
    pub id: u32,
    #[serde(rename = "type")]
    pub kind: String,
    /// DevTools' display name of the node.
    pub name: String,
    /// The node's class, as every report names it ([`labels::object_name`]).
    pub class: String,
    /// The edge as the text form writes it (`client`, `[17]`, `context of f (a.js:3)`);
    /// empty for the first node.
    #[serde(skip)]
    pub label: String,
    /// The node is synthetic (`(GC roots)`, `(Handle scope)`, …).
    #[serde(skip)]
    pub synthetic: bool,
}

/// A path in JSON: its text and its steps.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PathJson {
    pub text: String,
    pub steps: Vec<PathStep>,
}

impl PathJson {
    pub fn new(steps: Vec<PathStep>) -> PathJson {
        PathJson {
            text: text(&steps),
            steps,
        }
    }
}

/// The steps of a path given as (edge into the node, node) pairs, root's child first.
pub fn steps(
    view: &DomView,
    path: impl IntoIterator<Item = (Option<EdgeIx>, NodeIx)>,
) -> Vec<PathStep> {
    let s = view.snapshot;
    let mut out: Vec<PathStep> = Vec::new();
    let mut prev: Option<NodeIx> = None;
    for (edge, node) in path {
        let edge = edge.filter(|_| prev.is_some());
        out.push(PathStep {
            edge: edge.map(|e| s.edge_name(e).into_owned()),
            edge_type: edge.map(|e| s.edge_kind(e).v8_name()),
            id: s.node_id(node),
            kind: s.node_type_name(node).to_string(),
            name: crate::devtools::names::display_name(s, node).into_owned(),
            class: labels::object_name(view, node),
            label: match (edge, prev) {
                (Some(e), Some(from)) => step_label(view, e, from),
                _ => String::new(),
            },
            synthetic: s.node_kind(node) == NodeKind::Synthetic,
        });
        prev = Some(node);
    }
    out
}

/// The path every report shows for each suspect: among its shortest retainer paths (the
/// first 16 found) one from a user root (`global → app → client`) rather than through a
/// transient GC root such as `(Handle scope)`, and of those the first by edge labels, so
/// reports do not change from run to run with the order of retainers in the file.
pub fn suspect_paths(view: &DomView, suspects: &[super::suspects::Suspect]) -> Vec<Vec<PathStep>> {
    let nodes: Vec<NodeIx> = suspects.iter().map(|x| x.node).collect();
    let paths = ShortestPaths::to(view.snapshot, &nodes);
    nodes
        .iter()
        .map(|&n| shortest_shown(view, &paths, n))
        .collect()
}

/// The path [`suspect_paths`] shows for `node`, one of the targets of `paths`.
pub fn shortest_shown(view: &DomView, paths: &ShortestPaths, node: NodeIx) -> Vec<PathStep> {
    fn key(p: &[PathStep]) -> (bool, Vec<&str>) {
        let synthetic_start = !matches!(p.first(), Some(st) if !st.synthetic);
        (
            synthetic_start,
            p.iter().map(|st| st.label.as_str()).collect(),
        )
    }
    paths
        .paths(view.snapshot, node, 16)
        .iter()
        .map(|p| super::json::retainer_steps(view, p))
        .min_by(|a, b| key(a).cmp(&key(b)))
        .unwrap_or_default()
}

/// One edge from `from` as a step of the text form (`client`, `[17]`, `context of f (a.js:3)`).
pub fn step_label(view: &DomView, e: EdgeIx, from: NodeIx) -> String {
    let s = view.snapshot;
    if s.edge_kind(e).has_index_name() {
        return format!("[{}]", s.edges.name_or_index[e as usize]);
    }
    let name = s.edge_name_str(e).unwrap_or("");
    if is_scope_link(s, e, from) {
        let function = labels::object_name(view, from);
        return match labels::closure_location(s, from) {
            Some(at) => format!("context of {function} ({at})"),
            None => format!("context of {function}"),
        };
    }
    // V8 names some root links by number (`(Stack roots)` slots): index syntax reads better.
    if !name.is_empty() && name.bytes().all(|b| b.is_ascii_digit()) {
        format!("[{name}]")
    } else {
        labels::shorten(name, 60)
    }
}

/// `closure —context→ Context`: the closure's scope.
fn is_scope_link(s: &HeapSnapshot, e: EdgeIx, from: NodeIx) -> bool {
    s.node_kind(from) == NodeKind::Closure
        && s.edge_kind(e) == EdgeKind::Internal
        && s.edge_name_str(e) == Some("context")
}

/// The text form (see the module docs); a path without steps is an object only weakly held.
pub fn text(steps: &[PathStep]) -> String {
    if steps.is_empty() {
        return "(no strong path from a GC root: retained through weak references only)".into();
    }
    let lead = steps.iter().take_while(|s| s.synthetic).count();
    let start = lead.saturating_sub(1).min(steps.len() - 1);
    // The first node shown by its name, every later one by the edge into it.
    let mut parts: Vec<String> = vec![steps[start].class.clone()];
    let rest = &steps[start + 1..];
    parts.extend(fold(rest).into_iter().map(|seg| match seg {
        Segment::One(i) => rest[i].label.clone(),
        Segment::Repeat(r) => {
            let block: Vec<&str> = rest[r.start..r.start + r.period]
                .iter()
                .map(|st| repeated_label(&st.label))
                .collect();
            format!("({}) ×{}", block.join(" → "), r.times)
        }
    }));
    if parts.len() > MAX_STEPS {
        let tail = parts.split_off(parts.len() - 8);
        parts.truncate(3);
        parts.push("…".into());
        parts.extend(tail);
    }
    parts.join(" → ")
}

/// `steps` cut into single steps and repeated blocks ([`chains::segments`]), as the text
/// form writes them.
pub fn fold(steps: &[PathStep]) -> Vec<Segment> {
    let keys: Vec<(Option<&str>, &str, &str)> = steps
        .iter()
        .map(|st| (st.edge_type, repeated_label(&st.label), st.class.as_str()))
        .collect();
    chains::segments(&keys)
}

/// A step's text inside a repeated block: every index is `[]`.
pub fn repeated_label(label: &str) -> &str {
    let index = label
        .strip_prefix('[')
        .and_then(|l| l.strip_suffix(']'))
        .is_some_and(|i| !i.is_empty() && i.bytes().all(|b| b.is_ascii_digit()));
    if index {
        "[]"
    } else {
        label
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::devtools::classes::Classes;
    use crate::report::non_weak_tree;
    use crate::snapshot::SnapshotBuilder;

    #[test]
    fn steps_name_indices_root_slots_and_closure_scopes() {
        let mut b = SnapshotBuilder::new();
        let root = b.node(NodeKind::Synthetic, "", 0);
        let gc = b.node(NodeKind::Synthetic, "(GC roots)", 0);
        let stack = b.node(NodeKind::Synthetic, "(Stack roots)", 0);
        let script = b.node(NodeKind::Code, "/srv/server.js", 10);
        let sfi = b.node(NodeKind::Code, "handler", 10);
        b.edge(sfi, EdgeKind::Internal, "script_or_debug_info", script);
        let f = b.node(NodeKind::Closure, "handler", 10);
        b.edge(f, EdgeKind::Internal, "shared", sfi);
        b.location(f, 1, 11, 0);
        let ctx = b.node(NodeKind::Hidden, "system / Context", 10);
        let client = b.node(NodeKind::Object, "Client", 10);
        let arr = b.node(NodeKind::Object, "Array", 10);
        b.edge(root, EdgeKind::Element, "1", gc);
        b.edge(gc, EdgeKind::Element, "1", stack);
        b.edge(stack, EdgeKind::Internal, "34", f);
        b.edge(f, EdgeKind::Internal, "context", ctx);
        b.edge(ctx, EdgeKind::Context, "client", client);
        b.edge(client, EdgeKind::Element, "7", arr);
        let s = b.finish();
        let (d, c) = (non_weak_tree(&s), Classes::build(&s));
        let v = DomView {
            snapshot: &s,
            tree: &d,
            classes: &c,
        };
        let into = |from: NodeIx, to: NodeIx| s.edge_range(from).find(|&e| s.edge_to(e) == to);
        let path = [gc, stack, f, ctx, client, arr];
        let edges = [
            None,
            into(gc, stack),
            into(stack, f),
            into(f, ctx),
            into(ctx, client),
            into(client, arr),
        ];
        let st = steps(&v, edges.into_iter().zip(path));
        assert_eq!(
            text(&st),
            "(Stack roots) → [34] → context of handler (server.js:12) → client → [7]"
        );
        assert_eq!(st[0].edge, None);
        assert_eq!(st[4].edge.as_deref(), Some("client"));
        assert_eq!(st[4].edge_type, Some("context"));
        assert_eq!(st[5].edge.as_deref(), Some("7"));
        assert_eq!(st[2].class, "handler");
        let long: Vec<PathStep> = (0..20)
            .map(|i| PathStep {
                label: format!("p{i}"),
                ..st[4].clone()
            })
            .collect();
        assert_eq!(text(&long).split(" → ").count(), 12);
        assert!(text(&[]).starts_with("(no strong path"));
    }

    #[test]
    fn a_repeated_block_is_written_once_with_its_count() {
        let step = |label: &str, class: &str| PathStep {
            edge: Some(label.into()),
            edge_type: Some("property"),
            id: 1,
            kind: "object".into(),
            name: class.into(),
            class: class.into(),
            label: label.into(),
            synthetic: false,
        };
        let mut steps = vec![step("", "global"), step("list", "Node")];
        for i in 0..40 {
            steps.push(step("next", "Node"));
            steps.push(step(&format!("[{i}]"), "Item"));
        }
        steps.push(step("value", "Object"));
        assert_eq!(text(&steps), "global → list → (next → []) ×40 → value");
        // Two copies are not a repeat.
        steps.truncate(6);
        assert_eq!(text(&steps), "global → list → next → [0] → next → [1]");
    }
}
