//! How reports name objects and groups of objects.
//!
//! A leak report groups thousands of dominated objects into rows like
//! `20000 × closure "onError" home.js:12`, so the grouping key must tell apart what a user
//! would tell apart: objects by constructor name (V8 writes it as the node name), closures by
//! function name *and* the place they were defined (the same name in two files is two
//! different leaks), strings, numbers and V8 internals by type. The key is a few integers
//! (`kind`, name string index, script node, line), mapped once per distinct key to a label
//! index — no per-node string allocation, so labelling 12 M nodes is one hash lookup each.
//!
//! A closure's file comes from the graph itself: V8 links `closure —shared→
//! SharedFunctionInfo —script_or_debug_info→ Script`, and writes the script node under its
//! file name (seen in Node 16–24 snapshots; older V8 names the edge `script`). Its line comes
//! from the snapshot's `locations` (zero-based there, one-based here, as editors count).

use std::collections::HashMap;

use crate::snapshot::{HeapSnapshot, NodeIx};
use format::{EdgeKind, NodeKind};

/// Index into [`Labeler::label`].
pub type LabelIx = u32;

/// V8's internal backing stores and bookkeeping objects: not what a user allocated, so
/// reports step over them when naming where memory accumulates.
pub fn is_internal(s: &HeapSnapshot, n: NodeIx) -> bool {
    match s.node_kind(n) {
        NodeKind::Array | NodeKind::Hidden | NodeKind::Code | NodeKind::ObjectShape => true,
        NodeKind::Synthetic => true,
        NodeKind::Object | NodeKind::Native => s.node_name(n).starts_with("system / "),
        _ => false,
    }
}

/// The file and one-based line a closure was defined at, when the snapshot records them.
pub fn closure_site(s: &HeapSnapshot, n: NodeIx) -> Option<(NodeIx, u32)> {
    let line = s.location(n).map(|l| l.line + 1).unwrap_or(0);
    let shared = named_edge(s, n, "shared")?;
    let script = named_edge(s, shared, "script_or_debug_info")
        .or_else(|| named_edge(s, shared, "script"))?;
    Some((script, line))
}

fn named_edge(s: &HeapSnapshot, n: NodeIx, name: &str) -> Option<NodeIx> {
    s.edge_range(n)
        .find(|&e| s.edge_kind(e) == EdgeKind::Internal && s.edge_name_str(e) == Some(name))
        .map(|e| s.edge_to(e))
}

/// An edge as a step of a property path: `name` for properties, variables and internal
/// links, `[17]` for elements and hidden links.
pub fn edge_label(s: &HeapSnapshot, e: crate::snapshot::EdgeIx) -> String {
    if s.edge_kind(e).has_index_name() {
        return format!("[{}]", s.edges.name_or_index[e as usize]);
    }
    let name = s.edge_name_str(e).unwrap_or("");
    // V8 names some root links by number (`(Stack roots)` slots): index syntax reads better.
    if !name.is_empty() && name.bytes().all(|b| b.is_ascii_digit()) {
        format!("[{name}]")
    } else {
        shorten(name, 60)
    }
}

/// The last path component of a script name (`/srv/app/home.js` → `home.js`).
pub fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max).collect();
        t.push('…');
        t
    }
}

/// How a single object is called in a sentence: `"Client"` for objects, the function name
/// for closures, the type in parentheses for everything else.
pub fn object_name(s: &HeapSnapshot, n: NodeIx) -> String {
    let name = s.node_name(n);
    match s.node_kind(n) {
        NodeKind::Object | NodeKind::Native | NodeKind::Closure if !name.is_empty() => {
            shorten(name, 80)
        }
        NodeKind::Closure => "(anonymous)".to_string(),
        NodeKind::Array | NodeKind::Hidden | NodeKind::Synthetic if !name.is_empty() => {
            shorten(name, 80)
        }
        _ => format!("({})", s.node_type_name(n)),
    }
}

/// Labels nodes by group key, caching one label per distinct key.
#[derive(Debug, Default)]
pub struct Labeler {
    keys: HashMap<(u8, u32, u32, u32), LabelIx>,
    labels: Vec<String>,
}

impl Labeler {
    pub fn new() -> Labeler {
        Labeler::default()
    }

    /// The group of node `n`.
    pub fn of(&mut self, s: &HeapSnapshot, n: NodeIx) -> LabelIx {
        let kind = s.node_kind(n);
        let raw = s.nodes.kind[n as usize];
        let key = match kind {
            NodeKind::Closure => {
                let (script, line) = closure_site(s, n).unwrap_or((u32::MAX, 0));
                (raw, s.nodes.name[n as usize], script, line)
            }
            // Strings and numbers group by type: their "name" is their content.
            NodeKind::String
            | NodeKind::ConsString
            | NodeKind::SlicedString
            | NodeKind::Number
            | NodeKind::BigInt
            | NodeKind::Symbol
            | NodeKind::Regexp => (raw, 0, 0, 0),
            _ => (raw, s.nodes.name[n as usize], 0, 0),
        };
        if let Some(&l) = self.keys.get(&key) {
            return l;
        }
        let text = Self::render(s, n, kind, key.2, key.3);
        let l = self.labels.len() as LabelIx;
        self.labels.push(text);
        self.keys.insert(key, l);
        l
    }

    fn render(s: &HeapSnapshot, n: NodeIx, kind: NodeKind, script: u32, line: u32) -> String {
        match kind {
            NodeKind::Closure => {
                let name = s.node_name(n);
                let name = if name.is_empty() { "(anonymous)" } else { name };
                let mut t = format!("closure \"{}\"", shorten(name, 60));
                if script != u32::MAX {
                    let file = file_name(s.node_name(script));
                    if !file.is_empty() {
                        t.push(' ');
                        t.push_str(file);
                        if line > 0 {
                            t.push_str(&format!(":{line}"));
                        }
                    }
                }
                t
            }
            NodeKind::String | NodeKind::ConsString | NodeKind::SlicedString => "(string)".into(),
            NodeKind::Number => "(number)".into(),
            NodeKind::BigInt => "(bigint)".into(),
            NodeKind::Symbol => "(symbol)".into(),
            NodeKind::Regexp => "(regexp)".into(),
            NodeKind::Object | NodeKind::Native => object_name(s, n),
            _ => {
                let name = s.node_name(n);
                if name.is_empty() {
                    format!("({})", s.node_type_name(n))
                } else {
                    shorten(name, 60)
                }
            }
        }
    }

    pub fn label(&self, l: LabelIx) -> &str {
        &self.labels[l as usize]
    }

    pub fn len(&self) -> usize {
        self.labels.len()
    }

    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::SnapshotBuilder;

    #[test]
    fn closures_group_by_name_and_definition_site() {
        let mut b = SnapshotBuilder::new();
        let _root = b.node(NodeKind::Synthetic, "", 0);
        let script = b.node(NodeKind::Code, "/srv/app/home.js", 100);
        let other = b.node(NodeKind::Code, "/srv/app/api.js", 100);
        let sfi = b.node(NodeKind::Code, "onError", 40);
        let sfi2 = b.node(NodeKind::Code, "onError", 40);
        b.edge(sfi, EdgeKind::Internal, "script_or_debug_info", script);
        b.edge(sfi2, EdgeKind::Internal, "script_or_debug_info", other);
        let f1 = b.node(NodeKind::Closure, "onError", 32);
        let f2 = b.node(NodeKind::Closure, "onError", 32);
        let f3 = b.node(NodeKind::Closure, "onError", 32);
        b.edge(f1, EdgeKind::Internal, "shared", sfi);
        b.edge(f2, EdgeKind::Internal, "shared", sfi);
        b.edge(f3, EdgeKind::Internal, "shared", sfi2);
        b.location(f1, 3, 11, 4);
        b.location(f2, 3, 11, 4);
        b.location(f3, 4, 0, 0);
        let o = b.node(NodeKind::Object, "Client", 10);
        let s = b.finish();
        let mut l = Labeler::new();
        let (a, b2, c) = (l.of(&s, f1), l.of(&s, f2), l.of(&s, f3));
        assert_eq!(a, b2);
        assert_ne!(a, c);
        assert_eq!(l.label(a), "closure \"onError\" home.js:12");
        assert_eq!(l.label(c), "closure \"onError\" api.js:1");
        let lo = l.of(&s, o);
        assert_eq!(l.label(lo), "Client");
        assert!(is_internal(&s, sfi));
        assert!(!is_internal(&s, o));
    }
}
