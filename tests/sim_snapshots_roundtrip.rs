//! Byte-identical serialisation: the simulator's snapshot writer reproduces V8's bytes.
//!
//! * Real snapshots written by Node 20/22/24 are parsed and re-serialized by heapsim's
//!   writer: the bytes must be identical (this pins meta, key order, separators, newlines,
//!   string ids and escaping to what V8 really writes).
//! * The simulator's snapshots (`common`'s heaps, every case) go write → read (heapsim's
//!   reader) → write, byte-identically; this needs no tool.
//!
//! Node comes from `scripts/setup-interop.sh` (its env file: `NODE20`, `NODE22`, `NODE24`),
//! `HEAPSIM_NODE20`…, or `node` on `PATH` for Node 20. A missing Node skips the first test
//! loudly — or fails it under CI (`testkit`).

mod common;

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;

use analyzer::anonymize::{Replace, Rewrite};
use format::{
    write_snapshot, EdgeKind, EdgeName, EdgeRecord, EdgeSink, Format, LocationRecord, LocationSink,
    NodeKind, NodeRecord, NodeSink, SnapshotSource,
};
use sim::Heap;

// ---------------------------------------------------------------------------------------
// Tool discovery

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
    node_kinds: Vec<NodeKind>,
    edge_kinds: Vec<EdgeKind>,
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
        let type_names = |k: &str| -> Vec<String> {
            meta[k][0]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t.as_str().unwrap().to_string())
                .collect()
        };
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
            node_kinds: type_names("node_types")
                .iter()
                .map(|t| NodeKind::from_name(t))
                .collect(),
            edge_kinds: type_names("edge_types")
                .iter()
                .map(|t| EdgeKind::from_name(t))
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
                kind: self.node_kinds[r[0] as usize],
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
            let kind = self.edge_kinds[r[0] as usize];
            let name = if kind.has_index_name() {
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
        let found = node_for(format).ok_or_else(|| format!("no Node binary for {format}"));
        let Some(node) = testkit::require(
            found,
            &format!("Node for {format}"),
            "scripts/setup-interop.sh",
        ) else {
            return;
        };
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

// ---------------------------------------------------------------------------------------
// Simulator snapshots

/// write → read → write is byte-identical.
fn round_trip(name: &str, mut heap: Heap, format: Format, gc: bool) {
    let w = common::write(name, &mut heap, format, gc);
    let what = &w.what;
    let original = std::fs::read(&w.file).unwrap();
    let read = analyzer::reader::read_bytes(&original).unwrap();
    let mut again = Vec::new();
    write_snapshot(
        &mut again,
        &mut Rewrite::new(&read, Replace::Nothing),
        format,
        None,
    )
    .unwrap();
    assert!(
        original == again,
        "{what}: round trip: {}",
        first_difference(&original, &again)
    );
}

#[test]
fn hand_built_heaps_round_trip() {
    for (name, build) in common::HAND_BUILT {
        for format in Format::ALL {
            for gc in [true, false] {
                round_trip(name, build(), format, gc);
            }
        }
    }
}

#[test]
fn random_heaps_round_trip() {
    for h in common::random_heaps() {
        for gc in [true, false] {
            round_trip(&h.name(), h.build(), h.format, gc);
        }
    }
}
