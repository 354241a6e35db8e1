//! Helpers shared by the reader's integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

pub fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

/// Whether Node.js can be run. Without it the caller skips, after a `SKIPPED` line —
/// except under CI, where a missing `node` is a failure (`testkit::tool_missing`).
pub fn have_node() -> bool {
    let ok = Command::new("node")
        .arg("--version")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !ok {
        testkit::tool_missing(
            "`node` on PATH (real snapshots are generated with it)",
            "Node.js from https://nodejs.org, or scripts/setup-interop.sh",
        );
    }
    ok
}

/// Runs `script` (which sets up a heap) in Node and writes a snapshot of it to `dir/name`.
pub fn node_snapshot(dir: &Path, name: &str, script: &str) -> PathBuf {
    let out = dir.join(name);
    let program = format!(
        "{script}\nrequire('v8').writeHeapSnapshot({});",
        serde_json::to_string(out.to_str().unwrap()).unwrap()
    );
    let st = Command::new("node")
        .arg("-e")
        .arg(&program)
        .status()
        .expect("run node");
    assert!(st.success(), "node failed on: {program}");
    out
}

/// An independent reading of `path` by `JSON.parse` in Node, for comparison.
pub fn node_reference(path: &Path) -> serde_json::Value {
    let script = r#"
const s = JSON.parse(require('fs').readFileSync(process.argv[1], 'utf8'));
const m = s.snapshot.meta, nw = m.node_fields.length, ew = m.edge_fields.length;
const f = n => m.node_fields.indexOf(n), g = n => m.edge_fields.indexOf(n);
const n = s.nodes.length / nw, e = s.edges.length / ew;
let total = 0, idsum = 0;
for (let i = 0; i < n; i++) { total += s.nodes[i * nw + f('self_size')]; idsum += s.nodes[i * nw + f('id')]; }
const pick = k => Array.from({length: 64}, (_, j) => Math.floor(j * (k - 1) / 63));
console.log(JSON.stringify({
  node_count: n, edge_count: e, strings: s.strings.length, total, idsum,
  nodes: pick(n).map(i => [i, s.strings[s.nodes[i * nw + f('name')]], m.node_types[0][s.nodes[i * nw + f('type')]], s.nodes[i * nw + f('id')]]),
  edges: pick(e).map(i => [i, s.edges[i * ew + g('to_node')] / nw, m.edge_types[0][s.edges[i * ew + g('type')]]]),
  gc_roots: Array.from({length: n}, (_, i) => i).find(i => s.strings[s.nodes[i * nw + f('name')]] === '(GC roots)'),
  locations: s.locations.length / m.location_fields.length,
  // Lone surrogates become U+FFFD, as the reader stores them.
  unusual: s.strings.filter(x => /[^\x20-\x7e]/.test(x)).map(x => x.toWellFormed()),
}));
"#;
    let out = Command::new("node")
        .arg("--max-old-space-size=4000")
        .arg("-e")
        .arg(script)
        .arg(path)
        .output()
        .expect("run node");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}
