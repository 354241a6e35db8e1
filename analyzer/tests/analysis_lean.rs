//! `Analysis::new_lean` (edge names/kinds freed before dominators) must give exactly the
//! results of `Analysis::new`, on fixtures and on a real Node snapshot with WeakMaps,
//! classes, closures and detached-looking natives.

mod common;

use analyzer::analysis::Analysis;
use analyzer::reader::{read_path, ReadOptions};
use analyzer::snapshot::NodeIx;
use common::{data, have_node, node_snapshot};
use std::path::Path;

fn same_results(path: &Path) {
    let s = read_path(path, &ReadOptions::default()).unwrap();
    let full = Analysis::new(s.clone());
    let lean = Analysis::new_lean(s);
    let name = path.display();
    assert_eq!(lean.idom, full.idom, "{name}: idom");
    assert_eq!(lean.retained, full.retained, "{name}: retained");
    assert_eq!(lean.distance, full.distance, "{name}: distance");
    assert_eq!(lean.dom_first, full.dom_first, "{name}: dom_first");
    assert_eq!(lean.dom_children, full.dom_children, "{name}: dom_children");
    assert_eq!(lean.essential, full.essential, "{name}: essential");
    assert_eq!(lean.snapshot.nodes.self_size, full.snapshot.nodes.self_size);
    assert_eq!(lean.classes.of, full.classes.of, "{name}: class of node");
    for v in 0..full.snapshot.node_count() as NodeIx {
        assert_eq!(
            lean.class_name(v),
            full.class_name(v),
            "{name}: class name of {v}"
        );
    }
    assert_eq!(lean.total_size(), full.total_size());
    assert_eq!(
        analyzer::devtools::summary::summary(&lean),
        analyzer::devtools::summary::summary(&full),
        "{name}: summary rows"
    );
    assert!(lean.snapshot.edges.name_or_index.is_empty() && lean.snapshot.edges.kind.is_empty());
    assert_eq!(lean.snapshot.edge_count(), full.snapshot.edge_count());
}

#[test]
fn lean_analysis_equals_the_full_one_on_fixtures() {
    same_results(&data("node8-style.heapsnapshot"));
    same_results(&data("node24-style.heapsnapshot"));
}

#[test]
fn lean_analysis_equals_the_full_one_on_a_real_snapshot() {
    if !have_node() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = node_snapshot(
        dir.path(),
        "lean.heapsnapshot",
        r#"
class Client { constructor(i) { this.i = i; this.buf = new Array(i % 7).fill(i); } }
globalThis.clients = Array.from({length: 3000}, (_, i) => new Client(i));
const wm = new WeakMap();
globalThis.keys = clients.slice(0, 500).map(c => { const k = {c}; wm.set(k, {v: c.i}); return k; });
globalThis.wm = wm;
globalThis.fns = clients.slice(0, 200).map(c => () => c.i + 1);
globalThis.shapes = Array.from({length: 1000}, (_, i) => ({a: i, b: String(i)}));
let weakOnly = new WeakRef({lonely: true});
globalThis.weakOnly = weakOnly;
"#,
    );
    same_results(&path);
}
