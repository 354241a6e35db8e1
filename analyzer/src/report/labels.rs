//! How reports name objects and groups of objects: one vocabulary for every command.
//!
//! A leak report groups thousands of dominated objects into rows like
//! `20000 × closure "onError" home.js:12`, so the grouping key must tell apart what a user
//! would tell apart, in the words `heapsim summary` (DevTools' Summary view) uses:
//! objects by their DevTools class ([`crate::devtools::classes`]: constructor name, `{a, b}`
//! for plain objects of a common shape, `(string)`, `(system)` …), closures by function name
//! *and* the place they were defined (the same name in two files is two different leaks;
//! DevTools puts both under `Function`), compiled code as `(compiled code) "name"`. Objects
//! cost one array lookup (label per class key); closures and code one hash lookup of a few
//! integers (`kind`, name string index, script node, line) — no per-node string allocation.
//!
//! A closure's file comes from the graph itself: V8 links `closure —shared→
//! SharedFunctionInfo —script_or_debug_info→ Script`, and writes the script node under its
//! file name (seen in Node 16–24 snapshots; older V8 names the edge `script`). Its line comes
//! from the snapshot's `locations` (zero-based there, one-based here, as editors count).

use std::collections::HashMap;

use super::DomView;
use crate::devtools::classes::Classes;
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

/// The last path component of a script name (`/srv/app/home.js` → `home.js`).
pub fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// `s`, or its first `max` characters and `…` when it is longer.
pub fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max).collect();
        t.push('…');
        t
    }
}

/// How reports call one object: its DevTools class ([`crate::devtools::classes`], what
/// `heapsim summary` lists: `Client`, `{headers, html}`, `(string)`), except where the class
/// says less than the node's own name: a closure is called by its function name (every
/// closure's class is `Function`), compiled code by the function it belongs to, and V8's
/// backing stores and roots by their names (`(object elements)`, `(Handle scope)`).
pub fn object_name(view: &DomView, n: NodeIx) -> String {
    let s = view.snapshot;
    let name = s.node_name(n);
    match s.node_kind(n) {
        NodeKind::Closure if name.is_empty() => "(anonymous)".to_string(),
        NodeKind::Closure => shorten(name, 80),
        NodeKind::Code => code_label(s, n),
        NodeKind::Array | NodeKind::Synthetic if !name.is_empty() => shorten(name, 80),
        _ => shorten(view.classes.name(n), 80),
    }
}

/// Compiled code and SharedFunctionInfos under DevTools' class, with the function's name:
/// `(compiled code) "onError"`, so they never read as one more listener beside the
/// `closure "onError"` group.
fn code_label(s: &HeapSnapshot, n: NodeIx) -> String {
    let name = s.node_name(n);
    if name.is_empty() {
        CODE_CLASS.to_string()
    } else if name.starts_with("system / ") || name.starts_with('(') {
        // V8's own code objects (`system / ScopeInfo`, `(CompileLazy builtin handle)`).
        format!("{CODE_CLASS} {}", shorten(name, 60))
    } else {
        format!("{CODE_CLASS} \"{}\"", shorten(name, 60))
    }
}

/// DevTools' class of every `code` node.
const CODE_CLASS: &str = "(compiled code)";

/// Where a closure was defined, for one object: `listeners.js:30`, or `None` when the
/// snapshot links no script.
pub fn closure_location(s: &HeapSnapshot, n: NodeIx) -> Option<String> {
    let (script, line) = closure_site(s, n)?;
    let file = file_name(s.node_name(script));
    match (file.is_empty(), line) {
        (true, _) => None,
        (false, 0) => Some(file.to_string()),
        (false, l) => Some(format!("{file}:{l}")),
    }
}

/// Labels nodes by group, caching one label per distinct group: objects by DevTools class
/// name (one per class key, so a node costs an array lookup), closures by function name and
/// definition site, code by function name.
#[derive(Debug)]
pub struct Labeler<'a> {
    classes: &'a Classes,
    /// Label of each class key, `NONE` until first met.
    by_class: Vec<LabelIx>,
    /// Closures and code: (node type, name string, script node, line).
    keys: HashMap<(u8, u32, u32, u32), LabelIx>,
    /// Label of each text, so two class keys with one name (a class split by source
    /// location) share a group.
    by_text: HashMap<String, LabelIx>,
    labels: Vec<String>,
}

const NONE: LabelIx = LabelIx::MAX;

impl<'a> Labeler<'a> {
    pub fn new(classes: &'a Classes) -> Labeler<'a> {
        Labeler {
            classes,
            by_class: vec![NONE; classes.len()],
            keys: HashMap::new(),
            by_text: HashMap::new(),
            labels: Vec::new(),
        }
    }

    /// The group of node `n`.
    pub fn of(&mut self, s: &HeapSnapshot, n: NodeIx) -> LabelIx {
        let raw = s.nodes.kind[n as usize];
        let key = match s.node_kind(n) {
            NodeKind::Closure => {
                let (script, line) = closure_site(s, n).unwrap_or((u32::MAX, 0));
                (raw, s.nodes.name[n as usize], script, line)
            }
            NodeKind::Code => (raw, s.nodes.name[n as usize], 0, 0),
            _ => {
                let c = self.classes.of[n as usize] as usize;
                if self.by_class[c] == NONE {
                    self.by_class[c] = self.intern(self.classes.name(n).to_string());
                }
                return self.by_class[c];
            }
        };
        if let Some(&l) = self.keys.get(&key) {
            return l;
        }
        let text = match s.node_kind(n) {
            NodeKind::Code => code_label(s, n),
            _ => closure_label(s, n),
        };
        let l = self.intern(text);
        self.keys.insert(key, l);
        l
    }

    fn intern(&mut self, text: String) -> LabelIx {
        if let Some(&l) = self.by_text.get(&text) {
            return l;
        }
        let l = self.labels.len() as LabelIx;
        self.by_text.insert(text.clone(), l);
        self.labels.push(text);
        l
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

/// `closure "onError" listeners.js:30`.
fn closure_label(s: &HeapSnapshot, n: NodeIx) -> String {
    let name = s.node_name(n);
    let name = if name.is_empty() { "(anonymous)" } else { name };
    let mut t = format!("closure \"{}\"", shorten(name, 60));
    if let Some(at) = closure_location(s, n) {
        t.push(' ');
        t.push_str(&at);
    }
    t
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
        let p1 = b.node(NodeKind::Object, "Object", 10);
        let p2 = b.node(NodeKind::Object, "Object", 10);
        for p in [p1, p2] {
            b.edge(p, EdgeKind::Property, "headers", o);
            b.edge(p, EdgeKind::Property, "html", o);
        }
        let s = b.finish();
        let classes = Classes::build(&s);
        let mut l = Labeler::new(&classes);
        let (a, b2, c) = (l.of(&s, f1), l.of(&s, f2), l.of(&s, f3));
        assert_eq!(a, b2);
        assert_ne!(a, c);
        assert_eq!(l.label(a), "closure \"onError\" home.js:12");
        assert_eq!(l.label(c), "closure \"onError\" api.js:1");
        let lo = l.of(&s, o);
        assert_eq!(l.label(lo), "Client");
        // Plain objects by DevTools' interface name, code as code.
        let lp = l.of(&s, p1);
        assert_eq!(l.of(&s, p2), lp);
        assert_eq!(l.label(lp), "{headers, html}");
        let lc = l.of(&s, sfi);
        assert_eq!(l.label(lc), "(compiled code) \"onError\"");
        assert!(is_internal(&s, sfi));
        assert!(!is_internal(&s, o));
    }
}
