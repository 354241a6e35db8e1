//! Interop proof for the simulator's snapshot writer (issue 7).
//!
//! * Real snapshots written by Node 20/22/24 are parsed and re-serialized by heapsim's
//!   writer: the bytes must be identical (this pins meta, key order, separators, newlines,
//!   string ids and escaping to what V8 really writes).
//! * Snapshots written by the simulator — random heaps (`shapes`) and hand-built ones with
//!   WeakMaps/WeakSets, closures over context chains, large objects and garbage — in all
//!   three formats, with and without the GC: Chrome DevTools' own worker loads them with no
//!   problem report and the same node/edge counts; memlab loads them with the same counts
//!   and total size; heapsim's analyzer agrees with DevTools on every node (id, type, name,
//!   self size, retained size, distance, dominator); DevTools' retained size of every live
//!   object equals the simulator's `retained_by_gc` (see `check_truth` for the two
//!   DevTools rules that make them differ by design); and write → read (heapsim's reader)
//!   → write is byte-identical.
//!
//! Tools come from `scripts/setup-interop.sh` (its env file: `NODE20`, `NODE22`, `NODE24`,
//! `DEVTOOLS_REF`, `MEMLAB_CHECK`); without it, `node` on `PATH` serves as Node 20 and
//! `/root/.cache/devtools-ref/devtools-ref.mjs` as DevTools' runner. A missing tool skips
//! its check with a printed reason — unless `CI=true`, where it fails.

// Shared with tests/interop.rs, which uses all of it; this suite needs only the toolchain.
#[allow(dead_code)]
#[path = "interop/common/mod.rs"]
mod common;

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;

use format::{
    write_snapshot, EdgeKind, EdgeName, EdgeRecord, EdgeSink, Format, LocationRecord, LocationSink,
    NodeKind, NodeRecord, NodeSink, SnapshotSource,
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

// ---------------------------------------------------------------------------------------
// Simulator snapshots

use analyzer::snapshot::HeapSnapshot;
use scenarios::shapes::{self, Shape};
use sim::snapshot::index::Bits;
use sim::snapshot::reach::GcGraph;
use sim::snapshot::{graph::snapshot_id, write_heap_snapshot, SnapshotOptions};
use sim::{Heap, Profile, Tagged};

/// heapsim's reader output as a writer source (for the write → read → write round trip).
struct ReadBack<'a>(&'a HeapSnapshot);

impl SnapshotSource for ReadBack<'_> {
    fn node_count(&self) -> u64 {
        self.0.node_count() as u64
    }
    fn edge_count(&self) -> u64 {
        self.0.edge_count() as u64
    }
    fn visit_nodes(&mut self, sink: NodeSink<'_>) -> io::Result<()> {
        let s = self.0;
        for v in 0..s.node_count() as u32 {
            let r = s.edge_range(v);
            sink(NodeRecord {
                kind: s.node_kind(v),
                name: s.strings.get(s.nodes.name[v as usize]),
                id: s.node_id(v),
                self_size: s.self_size(v),
                edge_count: r.end - r.start,
                trace_node_id: s.nodes.trace_node_id.get(v as usize).copied().unwrap_or(0),
                detachedness: s.nodes.detachedness.get(v as usize).copied().unwrap_or(0),
            })?;
        }
        Ok(())
    }
    fn visit_edges(&mut self, sink: EdgeSink<'_>) -> io::Result<()> {
        let s = self.0;
        for e in 0..s.edge_count() as u32 {
            let kind = s.edge_kind(e);
            let n = s.edges.name_or_index[e as usize];
            let name = if kind.has_index_name() {
                EdgeName::Index(n)
            } else {
                EdgeName::Name(s.strings.get(n))
            };
            sink(EdgeRecord {
                kind,
                name,
                to: s.edges.to[e as usize] as u64,
            })?;
        }
        Ok(())
    }
    fn visit_locations(&mut self, sink: LocationSink<'_>) -> io::Result<()> {
        for l in &self.0.locations {
            sink(LocationRecord {
                node: l.node as u64,
                script_id: l.script_id,
                line: l.line,
                column: l.column,
            })?;
        }
        Ok(())
    }
}

fn small_heap() -> Heap {
    Heap::new(Profile::modern())
}

/// Hand-built: WeakMaps whose keys live, die, or are held only by another WeakMap's value;
/// a WeakSet; a value that points back at its own key.
fn weakmaps() -> Heap {
    let mut h = small_heap();
    let global = h.global();
    let wm = h.alloc_js_weak_map().unwrap();
    h.set_property(global, "wm", wm).unwrap();
    let keep = h.alloc_array(0).unwrap();
    let global = h.global();
    h.set_property(global, "keep", keep).unwrap();
    for i in 0..12 {
        let scope = h.open_handle_scope();
        let k = h.alloc_object_of_class("Key", 1).unwrap();
        let hk = h.handle(k);
        let v = h.alloc_object_of_class("Value", 2).unwrap();
        let hv = h.handle(v);
        let payload = h.alloc_string(&format!("payload number {i}")).unwrap();
        h.set_property(h.get(hv), "payload", payload).unwrap();
        if i % 4 == 3 {
            // The value refers to its own key: only the ephemeron keeps either alive.
            h.set_property(h.get(hv), "key", h.get(hk)).unwrap();
        }
        let wm = h.get_property(h.global(), "wm").unwrap();
        h.collection_set(wm, h.get(hk), h.get(hv)).unwrap();
        if i % 2 == 0 {
            let keep = h.get_property(h.global(), "keep").unwrap();
            h.array_push(keep, h.get(hk)).unwrap();
        }
        h.close_handle_scope(scope);
    }
    let ws = h.alloc_js_weak_set().unwrap();
    let hws = h.handle(ws);
    let member = h.alloc_object_of_class("Member", 1).unwrap();
    h.collection_set(h.get(hws), member, h.true_value())
        .unwrap();
    let global = h.global();
    h.set_property(global, "ws", h.get(hws)).unwrap();
    h
}

/// Hand-built: closures over a chain of contexts (with source positions), sharing one
/// captured object, plus garbage closures.
fn closures() -> Heap {
    use sim::object::closure::SourcePosition;
    let mut h = small_heap();
    let listeners = h.alloc_array(0).unwrap();
    let global = h.global();
    h.set_property(global, "listeners", listeners).unwrap();
    let shared = h.alloc_object_of_class("Shared", 1).unwrap();
    let hs = h.handle(shared);
    let big = h.alloc_string(&"x".repeat(3000)).unwrap();
    h.set_property(h.get(hs), "big", big).unwrap();
    let nc = h.native_context();
    let outer = h.alloc_context(nc, &["shared", "count"]).unwrap();
    let ho = h.handle(outer);
    h.context_set(h.get(ho), 0, h.get(hs));
    for i in 0..6u32 {
        let scope = h.open_handle_scope();
        let inner = h.alloc_context(h.get(ho), &["own"]).unwrap();
        let hi = h.handle(inner);
        let own = h.alloc_object_of_class("Own", 1).unwrap();
        h.context_set(h.get(hi), 0, own);
        let sfi = h
            .alloc_shared_function_info(
                &format!("onEvent{i}"),
                "/srv/app/events.js",
                SourcePosition {
                    line: 12 + i,
                    column: 4,
                },
                1,
            )
            .unwrap();
        let f = h.alloc_closure(sfi, h.get(hi)).unwrap();
        if i < 4 {
            let l = h.get_property(h.global(), "listeners").unwrap();
            h.array_push(l, f).unwrap();
        }
        h.close_handle_scope(scope);
    }
    h
}

/// Hand-built: large objects (an array and a string past the large-object threshold) and
/// a deep chain.
fn large_objects() -> Heap {
    let mut h = small_heap();
    let arr = h.alloc_array(70_000).unwrap();
    let global = h.global();
    h.set_property(global, "big", arr).unwrap();
    let s = h.alloc_string(&"y".repeat(300_000)).unwrap();
    let global = h.global();
    h.set_property(global, "text", s).unwrap();
    let head = h.alloc_object_of_class("Node", 2).unwrap();
    let global = h.global();
    h.set_property(global, "chain", head).unwrap();
    let mut last = h.handle(head);
    for i in 0..2000 {
        let n = h.alloc_object_of_class("Node", 2).unwrap();
        h.set_property(n, "v", Tagged::smi(i)).unwrap();
        let hn = h.handle(n);
        h.set_property(h.get(last), "next", h.get(hn)).unwrap();
        h.set_element(
            h.get_property(h.global(), "big").unwrap(),
            i as usize * 30,
            h.get(hn),
        )
        .unwrap();
        last = hn;
    }
    h
}

fn shaped(shape: Shape, objects: u64, seed: u64) -> Heap {
    let mut h = small_heap();
    shapes::build(&mut h, shape, objects, seed).unwrap();
    h
}

/// Per live object: the set a full GC frees when it loses its incoming references, as
/// snapshot ids, and whether DevTools' model of the same heap frees exactly that set.
struct Freed {
    id: u32,
    members: Vec<u32>,
    retained_by_gc: u64,
    /// DevTools' graph rules give a different freed set (see [`devtools_view`]).
    differs_in_devtools: bool,
}

/// Marking under DevTools' essential-edge rules instead of the collector's
/// (`HeapSnapshot.ts`: `markPageOwnedNodes`, `computeIsEssentialEdge`): objects reachable
/// from the global object through non-weak edges are "page-owned", and edges from
/// non-page-owned nodes — `(GC roots)` sub-roots included — to page-owned ones do not
/// count; the root's shortcut to the global object does; a WeakMap value is held by its key
/// (the key → value edge), not by the table, and needs no live table.
fn devtools_view(g: &GcGraph, page: &Bits, global: u32, excluded: Option<u32>) -> Bits {
    let mut marked = Bits::new(g.len() as usize);
    let mut stack = Vec::new();
    let visit = |o: u32, marked: &mut Bits, stack: &mut Vec<u32>| {
        if Some(o) != excluded && !marked.get(o) {
            marked.set(o);
            stack.push(o);
        }
    };
    visit(global, &mut marked, &mut stack);
    for &(_, o) in &g.roots {
        if !page.get(o) {
            visit(o, &mut marked, &mut stack);
        }
    }
    while let Some(o) = stack.pop() {
        let from_page = page.get(o);
        for (t, traced) in g.targets(o) {
            if traced && t != o && (from_page || !page.get(t)) {
                visit(t, &mut marked, &mut stack);
            }
        }
        for &(_, v, _) in g.entries_of_key(o) {
            if from_page || !page.get(v) {
                visit(v, &mut marked, &mut stack);
            }
        }
    }
    marked
}

/// Objects reachable from the global object through non-weak snapshot edges.
fn page_owned(g: &GcGraph, global: u32) -> Bits {
    let mut page = Bits::new(g.len() as usize);
    let mut stack = vec![global];
    page.set(global);
    while let Some(o) = stack.pop() {
        let next = g
            .targets(o)
            .filter(|&(_, traced)| traced)
            .map(|(t, _)| t)
            .chain(g.entries_of_table(o).iter().map(|&(_, _, v)| v))
            .chain(g.entries_of_key(o).iter().map(|&(_, v, _)| v))
            .collect::<Vec<_>>();
        for t in next {
            if !page.get(t) {
                page.set(t);
                stack.push(t);
            }
        }
    }
    page
}

fn freed_sets(heap: &Heap, p: &sim::snapshot::Prepared) -> Vec<Freed> {
    let g = &p.graph;
    let addrs: Vec<sim::Address> = heap.objects().collect();
    let id = |o: u32| {
        snapshot_id(
            p.format,
            heap.existing_object_id(addrs[o as usize]).unwrap(),
        )
    };
    let global = g
        .index
        .ordinal(heap.global().addr())
        .expect("global object indexed");
    let page = page_owned(g, global);
    let dt_live = devtools_view(g, &page, global, None);
    let mut out = Vec::new();
    for o in 0..g.len() {
        if !p.live.get(o) {
            continue;
        }
        let (marked, bytes) = g.mark(Some(o));
        let dt_marked = devtools_view(g, &page, global, Some(o));
        let mut members = Vec::new();
        let mut differs = false;
        for u in 0..g.len() {
            let gc_freed = p.live.get(u) && !marked.get(u);
            let dt_freed = dt_live.get(u) && !dt_marked.get(u);
            differs |= gc_freed != dt_freed;
            if gc_freed {
                members.push(id(u));
            }
        }
        out.push(Freed {
            id: id(o),
            members,
            retained_by_gc: p.live_bytes - bytes,
            differs_in_devtools: differs,
        });
    }
    out
}

fn check_heap(tc: &common::Toolchain, name: &str, mut heap: Heap, format: Format, gc: bool) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(format!("{name}-{format}.heapsnapshot"));
    let opts = SnapshotOptions { format, gc };
    let f = std::fs::File::create(&file).unwrap();
    let (stats, prepared) = write_heap_snapshot(&mut heap, f, &opts, None).unwrap();
    let what = format!("{name} ({format}, gc={gc})");
    if let Ok(keep) = std::env::var("HEAPSIM_KEEP_SNAPSHOTS") {
        // For debugging a failure: keep a copy of every snapshot written.
        std::fs::copy(&file, Path::new(&keep).join(file.file_name().unwrap())).unwrap();
    }

    // DevTools loads it without complaint and counts what we wrote.
    let summary = common::devtools_summary(tc, &file);
    assert!(
        summary.problems.is_empty(),
        "{what}: DevTools problems: {:?}",
        summary.problems
    );
    assert_eq!(
        summary.node_count, stats.nodes,
        "{what}: DevTools node count"
    );
    assert_eq!(
        summary.edge_count, stats.edges,
        "{what}: DevTools edge count"
    );

    // heapsim's analyzer agrees with DevTools on every node.
    let devtools = common::devtools_dump(tc, &file);
    let analysis = common::heapsim::analyse(&file);
    let report = common::compare::compare_nodes(&devtools, &common::heapsim::node_rows(&analysis));
    assert!(
        report.is_clean(),
        "{what}: heapsim vs DevTools:\n{}",
        common::compare::describe_nodes(&report, &|_| String::new())
    );

    // memlab loads it and sees the same graph.
    let m = common::memlab(tc, &file);
    assert_eq!(
        (m.node_count, m.edge_count),
        (stats.nodes, stats.edges),
        "{what}: memlab counts"
    );
    let self_total: u64 = (0..analysis.snapshot.node_count() as u32)
        .map(|v| devtools[v as usize].self_size)
        .sum();
    assert_eq!(
        m.self_size_total, self_total,
        "{what}: memlab total self size"
    );

    // write → read → write is byte-identical.
    let original = std::fs::read(&file).unwrap();
    let read = analyzer::reader::read_bytes(&original).unwrap();
    let mut again = Vec::new();
    write_snapshot(&mut again, &mut ReadBack(&read), format, None).unwrap();
    assert!(
        original == again,
        "{what}: round trip: {}",
        first_difference(&original, &again)
    );

    if gc {
        check_truth(&what, &heap, &prepared, &devtools, &analysis);
    }
}

/// DevTools' retained size against the GC oracle, object by object.
///
/// First the oracle (`Heap::retained_by_gc_many`, issue 6, marking the heap's words) is
/// checked against an independent marking of the snapshot's own graph ([`GcGraph::mark`]):
/// equal for every live object except backing stores, which V8's snapshot bypasses.
/// Then DevTools against the snapshot graph's freed sets. DevTools' rules differ from the
/// collector's in three documented ways, handled here rather than ignored: (1) it moves the self size of `hidden`/`array` nodes with a single
/// owner onto that owner (`calculateShallowSizes`), so the expected value is the oracle's
/// freed set summed over DevTools' *redistributed* self sizes (taken from heapsim's
/// analyzer, which the comparison above proves equal to DevTools'); (2) it ignores edges
/// from system roots into objects reachable from the global object ("page-owned"), and
/// (3) credits WeakMap values to their keys. Objects whose freed set changes under (2) or
/// (3) ([`devtools_view`]) are counted and skipped; every other live object must match
/// exactly.
fn check_truth(
    what: &str,
    heap: &Heap,
    p: &sim::snapshot::Prepared,
    devtools: &[common::NodeRow],
    analysis: &analyzer::analysis::Analysis,
) {
    let retained: HashMap<u32, u64> = devtools.iter().map(|r| (r.id, r.retained_size)).collect();
    let freed = freed_sets(heap, p);
    // The oracle of issue 6 (`Heap::retained_by_gc_many`, marking the heap itself) and the
    // snapshot graph's own marking are independent implementations of one definition.
    let live_addrs: Vec<sim::Address> = heap
        .objects()
        .enumerate()
        .filter(|&(o, _)| p.live.get(o as u32))
        .map(|(_, a)| a)
        .collect();
    let oracle = heap.retained_by_gc_many(&live_addrs);
    assert_eq!(oracle.len(), freed.len());
    // They must agree except on JS objects' property/element backing stores: V8's snapshot
    // (and so the snapshot graph) shows properties and elements as edges from the object
    // itself, bypassing the store, while the collector reaches them only through the store.
    let live_ordinals: Vec<u32> = (0..p.graph.len()).filter(|&o| p.live.get(o)).collect();
    let mut stores = 0;
    for ((f, r), &o) in freed.iter().zip(&oracle).zip(&live_ordinals) {
        if p.graph.properties_store.get(o) || p.graph.elements_store.get(o) {
            assert!(
                r.bytes >= f.retained_by_gc,
                "{what}: @{}: store oracle below graph",
                f.id
            );
            stores += 1;
            continue;
        }
        assert_eq!(
            f.retained_by_gc, r.bytes,
            "{what}: @{}: snapshot-graph marking and Heap::retained_by_gc disagree",
            f.id
        );
    }
    let oracle_of: HashMap<u32, u64> = freed
        .iter()
        .zip(&oracle)
        .map(|(f, r)| (f.id, r.bytes))
        .collect();
    let s = &analysis.snapshot;
    let shallow = |id: u32| s.self_size(s.find_id(id).expect("object in snapshot"));
    let (mut checked, mut skipped, mut literal) = (0, 0, 0);
    for f in freed {
        if f.differs_in_devtools {
            skipped += 1;
            continue;
        }
        let expected: u64 = f.members.iter().map(|&u| shallow(u)).sum();
        let got = retained[&f.id];
        assert_eq!(
            got, expected,
            "{what}: @{}: DevTools retained {got}, GC oracle (redistributed sizes) {expected}, retained_by_gc {}",
            f.id, f.retained_by_gc
        );
        literal += (got == oracle_of[&f.id]) as u32;
        checked += 1;
    }
    assert!(checked > 0, "{what}: no live objects checked");
    eprintln!(
        "{what}: {checked} objects match the GC oracle ({literal} equal to \
         Heap::retained_by_gc itself, the rest differ only by DevTools' size redistribution \
         or are backing stores), {skipped} skipped (DevTools' page-owned or WeakMap rule \
         changes their freed set); {stores} backing stores"
    );
}

fn sim_case(build: fn() -> Heap, name: &str) {
    let Some(tc) = common::Toolchain::require(name) else {
        return;
    };
    for format in Format::ALL {
        for gc in [true, false] {
            check_heap(&tc, name, build(), format, gc);
        }
    }
}

#[test]
fn sim_weakmaps() {
    sim_case(weakmaps, "sim_weakmaps");
}

#[test]
fn sim_closures() {
    sim_case(closures, "sim_closures");
}

#[test]
fn sim_large_objects() {
    sim_case(large_objects, "sim_large_objects");
}

#[test]
fn sim_random_heaps() {
    let Some(tc) = common::Toolchain::require("sim_random_heaps") else {
        return;
    };
    for (i, shape) in [
        Shape::Heap,
        Shape::Mixed,
        Shape::Weak,
        Shape::Chains,
        Shape::Wide,
    ]
    .into_iter()
    .enumerate()
    {
        let format = Format::ALL[i % 3];
        for gc in [true, false] {
            check_heap(
                &tc,
                &format!("{shape:?}"),
                shaped(shape, 3000, 11 + i as u64),
                format,
                gc,
            );
        }
    }
}

// ---------------------------------------------------------------------------------------
// `heapsim generate`

fn heapsim(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_heapsim"))
        .args(args)
        .output()
        .expect("heapsim runs")
}

#[test]
fn generate_writes_snapshot_and_truth_and_refuses_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("g.heapsnapshot");
    let o = out.to_str().unwrap();
    let r = heapsim(&[
        "generate",
        "--objects",
        "3000",
        "--shape",
        "mixed",
        "--format",
        "node24",
        "--truth-sample",
        "25",
        "-o",
        o,
    ]);
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let bytes = std::fs::read(&out).unwrap();
    let read = analyzer::reader::read_bytes(&bytes).unwrap();
    assert_eq!(read.meta.node_fields.len(), 6, "node24 layout");
    let truth: serde_json::Value = serde_json::from_slice(
        &std::fs::read(dir.path().join("g.heapsnapshot.truth.json")).unwrap(),
    )
    .unwrap();
    let objects = truth["objects"].as_array().unwrap();
    assert_eq!(objects.len(), 25);
    for t in objects {
        let id = t["id"].as_u64().unwrap() as u32;
        let v = read
            .find_id(id)
            .unwrap_or_else(|| panic!("truth id @{id} not in the snapshot"));
        assert_eq!(read.node_name(v), t["name"].as_str().unwrap());
        assert!(t["retained_by_gc"].as_u64().unwrap() >= read.self_size(v));
    }
    // Same seed, same bytes.
    let out2 = dir.path().join("g2.heapsnapshot");
    let r = heapsim(&[
        "generate",
        "--objects",
        "3000",
        "--shape",
        "mixed",
        "--format",
        "node24",
        "--truth-sample",
        "0",
        "-o",
        out2.to_str().unwrap(),
    ]);
    assert!(r.status.success());
    assert!(
        std::fs::read(&out2).unwrap() == bytes,
        "generate is deterministic per seed"
    );

    let r = heapsim(&["generate", "--objects", "100", "-o", o]);
    assert_eq!(r.status.code(), Some(2));
    let err = String::from_utf8_lossy(&r.stderr);
    assert!(err.contains("exists (use --force to overwrite)"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    let r = heapsim(&["generate", "--objects", "100", "--force", "-o", o]);
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));

    let r = heapsim(&["generate", "--format", "node18", "-o", o]);
    assert_eq!(r.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&r.stderr).contains("node18"));
    let r = heapsim(&["generate", "--objects", "0", "-o", o, "--force"]);
    assert_eq!(r.status.code(), Some(2));
    let r = heapsim(&["generate", "-o", "/nonexistent-dir/x.heapsnapshot"]);
    assert_eq!(r.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&r.stderr).contains("cannot create"));
}
