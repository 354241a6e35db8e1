//! heapsim's side of the comparison: the same rows as DevTools' dump and Summary, computed
//! by the analyzer from the same file.

use super::{ClassRow, NodeRow};
use analyzer::analysis::Analysis;
use std::path::Path;

/// Reads and analyses `path` as `heapsim` does; a read error fails the test, naming it.
pub fn analyse(path: &Path) -> Analysis {
    let snap = analyzer::reader::read_path(path, &Default::default())
        .unwrap_or_else(|e| panic!("heapsim cannot read {}: {e}", path.display()));
    Analysis::new(snap)
}

/// One row per node, in node order, with DevTools' field meanings.
pub fn node_rows(a: &Analysis) -> Vec<NodeRow> {
    let s = &a.snapshot;
    (0..s.node_count() as u32)
        .map(|v| NodeRow {
            id: s.node_id(v),
            kind: s.node_type_name(v).to_string(),
            // DevTools' dump prints `node.name()`: inferred `{a, b}` names, flattened cons strings.
            name: analyzer::devtools::names::display_name(s, v).into_owned(),
            self_size: s.self_size(v),
            retained_size: a.retained[v as usize],
            distance: i64::from(a.distance[v as usize]),
            dominator_id: s.node_id(a.idom[v as usize]),
        })
        .collect()
}

/// The Summary view's classes.
pub fn class_rows(a: &Analysis) -> Vec<ClassRow> {
    analyzer::devtools::summary::summary(a)
        .into_iter()
        .map(|c| ClassRow {
            name: c.name,
            count: c.count,
            self_size: c.self_size,
            retained_size: c.retained_size,
            distance: i64::from(c.distance),
        })
        .collect()
}

/// The Statistics view as `(category, bytes)` in the shape of DevTools' `getStatistics()`
/// JSON paths, for a field-by-field comparison.
pub fn statistics(a: &Analysis) -> Vec<(&'static str, u64)> {
    let st = analyzer::devtools::statistics::statistics(a);
    vec![
        ("total", st.total),
        ("v8heap.total", st.v8_heap),
        ("v8heap.code", st.code),
        ("v8heap.strings", st.strings),
        ("v8heap.jsArrays", st.js_arrays),
        ("v8heap.system", st.system),
        ("native.total", st.native),
        ("native.typedArrays", st.typed_arrays),
    ]
}

/// The shortest retainer path from a GC root to node `target` (an ordinal), by
/// `analyzer::paths`, as a property chain; for failure messages.
pub fn retainer_path(a: &Analysis, target: u32) -> String {
    if target as usize >= a.snapshot.node_count() {
        return format!("(node #{target} is not in heapsim's graph)");
    }
    match analyzer::paths::paths_to(a, target, 1).first() {
        Some(p) => p.chain(a),
        None => "(no path from a GC root)".to_string(),
    }
}
