//! Interop proof for the simulator's snapshot writer (issue 7).
//!
//! * Real snapshots written by Node 20/22/24 are parsed and re-serialized by heapsim's
//!   writer: the bytes must be identical (this pins meta, key order, separators, newlines,
//!   string ids and escaping to what V8 really writes).
//!
//! Tools come from `scripts/setup-interop.sh` (its env file: `NODE20`, `NODE22`, `NODE24`,
//! `DEVTOOLS_REF`, `MEMLAB_CHECK`); without it, `node` on `PATH` serves as Node 20 and
//! `/root/.cache/devtools-ref/devtools-ref.mjs` as DevTools' runner. A missing tool skips
//! its check with a printed reason — unless `CI=true`, where it fails.

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;

use sim::snapshot::{
    write_snapshot, EdgeName, EdgeRecord, EdgeSink, Format, LocationRecord, LocationSink,
    NodeRecord, NodeSink, SnapshotSource,
};

// ---------------------------------------------------------------------------------------
// Tool discovery

fn in_ci() -> bool {
    std::env::var("CI").map(|v| v == "true").unwrap_or(false)
}

/// Skips (prints why and returns) locally, fails under CI.
macro_rules! require {
    ($opt:expr, $why:expr) => {
        match $opt {
            Some(v) => v,
            None => {
                if in_ci() {
                    panic!("CI=true but {}", $why);
                }
                eprintln!("SKIP: {}", $why);
                return;
            }
        }
    };
}

fn interop_env() -> HashMap<String, String> {
    let home = std::env::var("HEAPSIM_INTEROP_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|_| {
            PathBuf::from(std::env::var("HOME").unwrap_or_else(|_| "/root".into()))
                .join(".cache/heapsim-interop")
        });
    let mut env = HashMap::new();
    if let Ok(text) = std::fs::read_to_string(home.join("env")) {
        for line in text.lines() {
            if let Some((k, v)) = line.split_once('=') {
                env.insert(k.trim().to_string(), v.trim().to_string());
            }
        }
    }
    env
}

fn runs(bin: &str) -> bool {
    Command::new(bin)
        .arg("--version")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

/// The Node binary for a format, if available.
fn node_for(format: Format) -> Option<String> {
    let env = interop_env();
    let key = match format {
        Format::Node20 => "NODE20",
        Format::Node22 => "NODE22",
        Format::Node24 => "NODE24",
    };
    if let Some(p) = env.get(key).filter(|p| runs(p)) {
        return Some(p.clone());
    }
    if let Ok(p) = std::env::var(format!("HEAPSIM_{key}")) {
        if runs(&p) {
            return Some(p);
        }
    }
    if format == Format::Node20 {
        let out = Command::new("node").arg("--version").output().ok()?;
        if String::from_utf8_lossy(&out.stdout).starts_with("v20.") {
            return Some("node".into());
        }
    }
    None
}

// ---------------------------------------------------------------------------------------
// A SnapshotSource over a parsed JSON snapshot (serde_json; test-sized files only).

struct JsonSnapshot {
    nf: usize,
    trace_ix: Option<usize>,
    det_ix: usize,
    nodes: Vec<u64>,
    edges: Vec<u64>,
    locations: Vec<u64>,
    strings: Vec<String>,
    index_kinds: Vec<bool>,
}

impl JsonSnapshot {
    fn parse(bytes: &[u8]) -> JsonSnapshot {
        let v: serde_json::Value = serde_json::from_slice(bytes).expect("snapshot is JSON");
        let meta = &v["snapshot"]["meta"];
        let fields: Vec<&str> = meta["node_fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f.as_str().unwrap())
            .collect();
        let pos = |n: &str| fields.iter().position(|f| *f == n);
        let nums = |k: &str| -> Vec<u64> {
            v[k].as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_u64().unwrap())
                .collect()
        };
        let edge_types = meta["edge_types"][0].as_array().unwrap();
        JsonSnapshot {
            nf: fields.len(),
            trace_ix: pos("trace_node_id"),
            det_ix: pos("detachedness").unwrap(),
            nodes: nums("nodes"),
            edges: nums("edges"),
            locations: nums("locations"),
            strings: v["strings"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s.as_str().unwrap().to_string())
                .collect(),
            index_kinds: edge_types
                .iter()
                .map(|t| t == "element" || t == "hidden")
                .collect(),
        }
    }
}

impl SnapshotSource for JsonSnapshot {
    fn node_count(&self) -> u64 {
        (self.nodes.len() / self.nf) as u64
    }
    fn edge_count(&self) -> u64 {
        (self.edges.len() / 3) as u64
    }
    fn visit_nodes(&mut self, sink: NodeSink<'_>) -> io::Result<()> {
        for r in self.nodes.chunks_exact(self.nf) {
            sink(NodeRecord {
                kind: r[0] as u8,
                name: &self.strings[r[1] as usize],
                id: r[2] as u32,
                self_size: r[3],
                edge_count: r[4] as u32,
                trace_node_id: self.trace_ix.map(|i| r[i] as u32).unwrap_or(0),
                detachedness: r[self.det_ix] as u8,
            })?;
        }
        Ok(())
    }
    fn visit_edges(&mut self, sink: EdgeSink<'_>) -> io::Result<()> {
        for r in self.edges.chunks_exact(3) {
            let kind = r[0] as u8;
            let name = if self.index_kinds[kind as usize] {
                EdgeName::Index(r[1] as u32)
            } else {
                EdgeName::Name(&self.strings[r[1] as usize])
            };
            sink(EdgeRecord {
                kind,
                name,
                to: r[2] / self.nf as u64,
            })?;
        }
        Ok(())
    }
    fn visit_locations(&mut self, sink: LocationSink<'_>) -> io::Result<()> {
        for r in self.locations.chunks_exact(4) {
            sink(LocationRecord {
                node: r[0] / self.nf as u64,
                script_id: r[1] as u32,
                line: r[2] as u32,
                column: r[3] as u32,
            })?;
        }
        Ok(())
    }
}

/// A Node program whose heap exercises escaping, the name cap, closures with locations,
/// WeakMaps and WeakRefs.
const NODE_PROGRAM: &str = r#"
const wm = new WeakMap(); const keys = [];
for (let i = 0; i < 3; i++) { const k = {k: i}; keys.push(k); wm.set(k, {v: i}); }
function mk(x) { let cap = {x}; return function inner() { return cap; }; }
globalThis.fns = [mk(1), mk(2)];
let s = 'ESC';
for (let i = 1; i < 0x80; i++) s += String.fromCharCode(i);
s += '\u0080\u00ff\u07ff\u0800\uffff' + String.fromCodePoint(0x1F600);
globalThis.esc = s.split('').join('');
const parts = []; for (let i = 0; i < 1500; i++) parts.push(String.fromCharCode(97 + i % 26));
globalThis.long = parts.join('');
globalThis['p' + 'LONG'.repeat(300)] = 1;
globalThis.ws = new WeakRef(keys[0]);
require('v8').writeHeapSnapshot(process.argv[1]);
"#;

fn node_snapshot(node: &str, dir: &Path, tag: &str) -> PathBuf {
    let file = dir.join(format!("{tag}.heapsnapshot"));
    let st = Command::new(node)
        .arg("-e")
        .arg(NODE_PROGRAM)
        .arg(&file)
        .status()
        .expect("node runs");
    assert!(st.success(), "{node} failed to write a snapshot");
    file
}

fn first_difference(a: &[u8], b: &[u8]) -> String {
    let i = a
        .iter()
        .zip(b)
        .position(|(x, y)| x != y)
        .unwrap_or(a.len().min(b.len()));
    let lo = i.saturating_sub(80);
    format!(
        "first difference at byte {i} (lengths {} vs {}):\n node: {:?}\n ours: {:?}",
        a.len(),
        b.len(),
        String::from_utf8_lossy(&a[lo..(i + 80).min(a.len())]),
        String::from_utf8_lossy(&b[lo..(i + 80).min(b.len())])
    )
}

#[test]
fn real_node_snapshots_reserialize_byte_identically() {
    let dir = tempfile::tempdir().unwrap();
    for format in Format::ALL {
        let node = require!(
            node_for(format),
            format!("no Node binary for {format} (run scripts/setup-interop.sh)")
        );
        let file = node_snapshot(&node, dir.path(), format.name());
        let original = std::fs::read(&file).unwrap();
        let mut src = JsonSnapshot::parse(&original);
        let mut ours = Vec::new();
        write_snapshot(&mut ours, &mut src, format, None).unwrap();
        assert!(
            original == ours,
            "{format}: {}",
            first_difference(&original, &ours)
        );
    }
}
