//! Every kind of bad input gives one clear line naming what and where — never a panic, a
//! hang or an allocation the file cannot justify. One test per case of issue 2, item 6.

mod common;

use analyzer::reader::{
    read_bytes, read_bytes_chunked, read_path, ReadError, ReadErrorKind, ReadOptions,
};
use common::*;
use proptest::prelude::*;

const META: &str = r#"{"node_fields":["type","name","id","self_size","edge_count","trace_node_id","detachedness"],"node_types":[["hidden","array","string","object","code","closure","regexp","number","native","synthetic","concatenated string","sliced string","symbol","bigint","object shape"],"string","number","number","number","number","number"],"edge_fields":["type","name_or_index","to_node"],"edge_types":[["context","element","property","internal","hidden","shortcut","weak"],"string_or_number","node"],"trace_function_info_fields":["function_id","name","script_name","script_id","line","column"],"trace_node_fields":["id","function_info_index","count","size","children"],"sample_fields":["timestamp_us","last_assigned_id"],"location_fields":["object_index","script_id","line","column"]}"#;

/// A Node 20-layout snapshot from its parts.
fn snap(node_count: u64, edge_count: u64, nodes: &str, edges: &str, strings: &str) -> String {
    format!(
        "{{\"snapshot\":{{\"meta\":{META},\"node_count\":{node_count},\"edge_count\":{edge_count},\"trace_function_count\":0}},\n\"nodes\":[{nodes}],\n\"edges\":[{edges}],\n\"trace_function_infos\":[],\n\"trace_tree\":[],\n\"samples\":[],\n\"locations\":[],\n\"strings\":[{strings}]}}"
    )
}

const ROOT: &str = "9,1,1,0,1,0,0";
const OBJ: &str = "3,2,3,16,0,0,0";
const STRINGS: &str = r#""<dummy>","","Obj""#;

fn good() -> String {
    snap(2, 1, &format!("{ROOT}\n,{OBJ}"), "1,1,7", STRINGS)
}

/// Reads `text` whole and in 5-byte chunks; both must fail with the same one-line error.
/// (Only the message is compared: a record cut by a chunk boundary may be checked after its
/// first bytes are gone, and then the error names the array position alone.)
fn fails(text: impl AsRef<[u8]>) -> ReadError {
    let b = text.as_ref();
    let e = read_bytes(b).expect_err("bad input was accepted");
    let e2 = read_bytes_chunked(b, 5).expect_err("bad input was accepted in chunks");
    assert_eq!(e.message(), e2.message(), "chunking changed the error");
    assert!(!e.to_string().contains('\n'), "error is one line: {e}");
    e
}

fn assert_msg(e: &ReadError, parts: &[&str]) {
    for p in parts {
        assert!(e.to_string().contains(p), "{e:?} lacks {p:?}");
    }
}

/// Byte offset of the first `needle` after `after` in `text`.
fn offset_of(text: &str, after: &str, needle: &str) -> u64 {
    let a = text.find(after).unwrap();
    (a + text[a..].find(needle).unwrap()) as u64
}

#[test]
fn the_good_base_case_reads() {
    let s = read_bytes(good().as_bytes()).unwrap();
    assert_eq!((s.node_count(), s.edge_count()), (2, 1));
}

#[test]
fn empty_file() {
    assert_msg(&fails(""), &["empty file", "(byte 0)"]);
    assert_msg(&fails(" \n\t"), &["empty file"]);
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("empty.heapsnapshot");
    std::fs::write(&p, "").unwrap();
    let e = read_path(&p, &ReadOptions::default()).unwrap_err();
    assert_msg(&e, &["empty file"]);
}

#[test]
fn not_json() {
    assert_msg(
        &fails("hello world"),
        &["expected '{'", "found 'h'", "(byte 0)"],
    );
    assert_msg(&fails("\u{1}\u{2}"), &["found byte 0x01"]);
    assert_msg(&fails("[1,2,3]"), &["found '['"]);
    assert_msg(&fails("{\"a\":1}"), &["\"snapshot\" header", "missing"]);
    assert_msg(&fails("{\"a\" 1}"), &["expected ':'"]);
    assert_msg(&fails("{a:1}"), &["a key of the snapshot object"]);
    assert_msg(&fails("{\"a\":[1,2}"), &["a value in \"a\""]);
    let g = good();
    assert_msg(
        &fails(format!("{g} x")),
        &["end of the file after the snapshot object"],
    );
    assert_msg(&fails(format!("{g}{g}")), &["end of the file after"]);
    let dup = g.replacen("\"samples\":[]", "\"nodes\":[]", 1);
    assert_msg(&fails(dup), &["duplicate key \"nodes\""]);
}

#[test]
fn missing_parts() {
    for (key, needle) in [
        ("nodes", "\"nodes\" array is missing"),
        ("edges", "\"edges\" array is missing"),
        ("strings", "\"strings\" array is missing"),
    ] {
        let g = good().replacen(&format!("\"{key}\""), "\"renamed\"", 1);
        assert_msg(&fails(g), &[needle]);
    }
    let e = fails(snap(0, 0, "", "", STRINGS));
    assert_msg(&e, &["nodes: the array is empty"]);
    let e = fails(good().replacen("\"meta\"", "\"metaX\"", 1));
    assert_msg(&e, &["snapshot.meta is missing"]);
    let e = fails(good().replacen("\"edge_count\",", "", 1));
    assert_msg(&e, &["node_fields lacks \"edge_count\""]);
    let e = fails(good().replacen("\"nodes\":[", "\"nodes\":{", 1));
    assert_msg(&e, &["\"nodes\" must be an array"]);
}

fn truncations(bytes: &[u8], chunk: usize, positions: impl Iterator<Item = usize>) {
    let end = bytes.iter().rposition(|&b| b == b'}').unwrap() + 1;
    for cut in positions.filter(|&c| c < end) {
        let e = read_bytes(&bytes[..cut])
            .err()
            .unwrap_or_else(|| panic!("cut at {cut} read"));
        assert!(!e.to_string().contains('\n'));
        assert!(
            read_bytes_chunked(&bytes[..cut], chunk).is_err(),
            "cut at {cut} read in chunks"
        );
    }
}

#[test]
fn truncated_at_every_position() {
    for name in ["node8-style.heapsnapshot", "node24-style.heapsnapshot"] {
        let bytes = std::fs::read(data(name)).unwrap();
        truncations(&bytes, 3, 0..bytes.len());
    }
    let g = good();
    truncations(g.as_bytes(), 3, 0..g.len());
    let e = fails(&g[..g.find("0,0,0").unwrap() + 3]);
    assert_msg(&e, &["truncated file", "\"nodes\" array is not closed"]);
    let e = fails(&g[..g.find("Obj").unwrap()]);
    assert_msg(&e, &["truncated file", "not closed"]);
}

#[test]
fn truncated_real_snapshot_sampled() {
    if !have_node() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let p = node_snapshot(
        dir.path(),
        "t.heapsnapshot",
        "globalThis.a = [1, 'x', {y: 2}];",
    );
    let bytes = std::fs::read(&p).unwrap();
    // Dense over the header, then spread over the file, then the last bytes.
    let n = bytes.len();
    let positions = (0..1200)
        .step_by(5)
        .chain((0..150).map(|i| i * n / 150))
        .chain(n - 100..n);
    truncations(&bytes, 65_521, positions);
}

#[test]
fn wrong_node_count() {
    let e = fails(snap(3, 1, &format!("{ROOT},{OBJ}"), "1,1,7", STRINGS));
    assert_msg(
        &e,
        &["snapshot.node_count is 3 but the nodes array holds 2 nodes"],
    );
    // A header claiming 10^12 nodes in a tiny file: an error, not an allocation.
    let e = fails(snap(
        1_000_000_000_000,
        1,
        &format!("{ROOT},{OBJ}"),
        "1,1,7",
        STRINGS,
    ));
    assert_msg(&e, &["node_count is 1000000000000"]);
    let e = fails(snap(2, 1, &format!("{ROOT},{OBJ},3"), "1,1,7", STRINGS));
    assert_msg(&e, &["15 numbers is not a multiple of the node width 7"]);
}

#[test]
fn wrong_edge_count() {
    let e = fails(snap(2, 7, &format!("{ROOT},{OBJ}"), "1,1,7", STRINGS));
    assert_msg(
        &e,
        &["snapshot.edge_count is 7 but the edges array holds 1 edges"],
    );
    let e = fails(snap(
        2,
        u64::MAX,
        &format!("{ROOT},{OBJ}"),
        "1,1,7",
        STRINGS,
    ));
    assert_msg(&e, &["edge_count is 18446744073709551615"]);
    let e = fails(snap(2, 1, &format!("{ROOT},{OBJ}"), "1,1,7,2", STRINGS));
    assert_msg(&e, &["4 numbers is not a multiple of the edge width 3"]);
}

#[test]
fn edge_counts_overrun_the_edges_array() {
    let root = "9,1,1,0,1,0,0";
    let obj = "3,2,3,16,4,0,0";
    let e = fails(snap(2, 1, &format!("{root},{obj}"), "1,1,7", STRINGS));
    assert_msg(
        &e,
        &[
            "nodes[11]: edge_count of node 1 (@3) runs past the end of the edges array",
            "sum to 5",
        ],
    );
    let e = fails(snap(2, 2, &format!("{ROOT},{OBJ}"), "1,1,7,1,2,0", STRINGS));
    assert_msg(
        &e,
        &["the edge_count values sum to 1 but the edges array holds 2 edges"],
    );
    let big = "3,2,3,16,4294967295,0,0";
    let e = fails(snap(2, 1, &format!("{root},{big}"), "1,1,7", STRINGS));
    assert_msg(&e, &["more than 4294967295 edges"]);
}

#[test]
fn to_node_out_of_range() {
    let text = snap(2, 1, &format!("{ROOT},{OBJ}"), "1,1,14", STRINGS);
    let e = fails(&text);
    assert_msg(
        &e,
        &["edges[2]: to_node 14 of edge 0 points past the last node (node 2 of 2)"],
    );
    assert_eq!(e.offset(), Some(offset_of(&text, "\"edges\"", "14")));
    assert_eq!(e.kind(), ReadErrorKind::Invalid);
}

#[test]
fn to_node_not_a_multiple_of_the_node_width() {
    let text = snap(
        2,
        2,
        &format!("9,1,1,0,2,0,0,{OBJ}"),
        "1,1,7,1,2,8",
        STRINGS,
    );
    let e = fails(&text);
    assert_msg(
        &e,
        &["edges[5]: to_node 8 of edge 1 is not a multiple of the node width 7"],
    );
    assert_eq!(e.offset(), Some(offset_of(&text, "\"edges\"", ",8") + 1));
}

#[test]
fn to_node_checked_when_edges_come_before_nodes() {
    let text = snap(2, 1, &format!("{ROOT},{OBJ}"), "1,1,14", STRINGS);
    let nodes_line = text
        .lines()
        .find(|l| l.starts_with("\"nodes\""))
        .unwrap()
        .to_string();
    let edges_line = text
        .lines()
        .find(|l| l.starts_with("\"edges\""))
        .unwrap()
        .to_string();
    let swapped = text
        .replace(&nodes_line, "@@")
        .replace(&edges_line, &nodes_line)
        .replace("@@", &edges_line);
    let e = fails(swapped);
    assert_msg(
        &e,
        &["edges[2]: to_node 14 of edge 0 points past the last node"],
    );
}

#[test]
fn string_index_out_of_range() {
    let e = fails(snap(
        2,
        1,
        &format!("{ROOT},3,99,3,16,0,0,0"),
        "1,1,7",
        STRINGS,
    ));
    assert_msg(
        &e,
        &["nodes[8]: name 99 of node 1 is not a string index (there are 3 strings)"],
    );
    let e = fails(snap(2, 1, &format!("{ROOT},{OBJ}"), "2,50,7", STRINGS));
    assert_msg(
        &e,
        &["edges[1]: name_or_index 50 of property edge 0 is not a string index"],
    );
    // Element edges carry indices, which may be anything.
    read_bytes(snap(2, 1, &format!("{ROOT},{OBJ}"), "1,50,7", STRINGS).as_bytes()).unwrap();
    let e = fails(snap(
        2,
        1,
        &format!("{ROOT},{OBJ}"),
        "1,5000000000,7",
        STRINGS,
    ));
    assert_msg(
        &e,
        &["name_or_index 5000000000 of edge 0 does not fit in 32 bits"],
    );
}

#[test]
fn unknown_node_type_index() {
    let text = snap(2, 1, &format!("{ROOT},15,2,3,16,0,0,0"), "1,1,7", STRINGS);
    let e = fails(&text);
    assert_msg(
        &e,
        &["nodes[7]: type 15 of node 1 is not a node type (the meta lists 15)"],
    );
    assert_eq!(e.offset(), Some(offset_of(&text, "\"nodes\"", ",15,") + 1));
}

#[test]
fn unknown_edge_type_index() {
    let e = fails(snap(2, 1, &format!("{ROOT},{OBJ}"), "7,1,7", STRINGS));
    assert_msg(
        &e,
        &["edges[0]: type 7 of edge 0 is not an edge type (the meta lists 7)"],
    );
}

#[test]
fn numbers_v8_never_writes() {
    let e = fails(snap(
        2,
        1,
        &format!("{ROOT},3,2,3,-16,0,0,0"),
        "1,1,7",
        STRINGS,
    ));
    assert_msg(
        &e,
        &["nodes[10]: expected a non-negative integer, found a negative number"],
    );
    let e = fails(snap(
        2,
        1,
        &format!("{ROOT},3,2,3,1.5,0,0,0"),
        "1,1,7",
        STRINGS,
    ));
    assert_msg(&e, &["expected ',' or ']' after a number, found '.'"]);
    let e = fails(snap(
        2,
        1,
        &format!("{ROOT},3,2,3,99999999999999999999,0,0,0"),
        "1,1,7",
        STRINGS,
    ));
    assert_msg(&e, &["does not fit in 64 bits"]);
    let e = fails(snap(
        2,
        1,
        &format!("{ROOT},3,2,4294967296,1,0,0,0"),
        "1,1,7",
        STRINGS,
    ));
    assert_msg(&e, &["id 4294967296 of node 1 does not fit in 32 bits"]);
    let e = fails(snap(2, 1, &format!("{ROOT},{OBJ},"), "1,1,7", STRINGS));
    assert_msg(&e, &["expected a non-negative integer, found ']'"]);
}

#[test]
fn non_utf8_bytes() {
    let mut b = good().into_bytes();
    let at = b.windows(3).position(|w| w == b"Obj").unwrap();
    b[at + 1] = 0xff;
    let e = fails(&b);
    assert_msg(&e, &["strings[2]: invalid UTF-8 in string"]);
    assert_eq!(e.offset(), Some(at as u64 + 1));
    // After an escape, in a multi-byte sequence cut short, in a key.
    let t = good().replacen("\"Obj\"", "\"\\n\\u00e9ab\u{e9}\"", 1);
    let mut b = t.into_bytes();
    let at = b
        .windows(2)
        .rposition(|w| w == "\u{e9}".as_bytes())
        .unwrap();
    b[at + 1] = b'x';
    let e = fails(&b);
    assert_eq!(e.offset(), Some(at as u64));
    let mut b = good().into_bytes();
    let at = b.windows(7).position(|w| w == b"samples").unwrap();
    b[at] = 0xc3;
    assert_msg(
        &fails(&b),
        &["invalid UTF-8 in a key", &format!("(byte {at})")],
    );
}

#[test]
fn bad_escapes() {
    let e = fails(good().replacen("\"Obj\"", "\"O\\xbj\"", 1));
    assert_msg(&e, &["strings[2]: invalid escape '\\x' in string"]);
    let e = fails(good().replacen("\"Obj\"", "\"O\\u12G4\"", 1));
    assert_msg(&e, &["invalid \\u escape"]);
    let e = fails(good().replacen("\"Obj\"]", "\"O", 1));
    assert_msg(&e, &["truncated file"]);
}

#[test]
fn a_directory() {
    let dir = tempfile::tempdir().unwrap();
    let e = read_path(dir.path(), &ReadOptions::default()).unwrap_err();
    assert_eq!(e.kind(), ReadErrorKind::Io);
    assert_msg(&e, &["is a directory"]);
}

#[test]
fn nonexistent_file() {
    let dir = tempfile::tempdir().unwrap();
    let e = read_path(
        &dir.path().join("nope.heapsnapshot"),
        &ReadOptions::default(),
    )
    .unwrap_err();
    assert_eq!(e.kind(), ReadErrorKind::Io);
    assert_msg(&e, &["cannot open", "No such file"]);
}

#[test]
fn unreadable_file() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("secret.heapsnapshot");
    std::fs::write(&p, good()).unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::File::open(&p).is_ok() {
        eprintln!("skipped: running with privileges that bypass file permissions (root)");
        return;
    }
    let e = read_path(&p, &ReadOptions::default()).unwrap_err();
    assert_eq!(e.kind(), ReadErrorKind::Io);
    assert_msg(&e, &["cannot open", "ermission denied"]);
}

#[test]
fn read_path_matches_read_bytes_on_errors() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("bad.heapsnapshot");
    let text = snap(2, 1, &format!("{ROOT},{OBJ}"), "1,1,8", STRINGS);
    std::fs::write(&p, &text).unwrap();
    let e = read_path(&p, &ReadOptions::default()).unwrap_err();
    assert_eq!(
        e.to_string(),
        read_bytes(text.as_bytes()).unwrap_err().to_string()
    );
}

fn mutate(base: &[u8], edits: &[(usize, u8, u8)]) -> Vec<u8> {
    let mut b = base.to_vec();
    for &(pos, op, byte) in edits {
        if b.is_empty() {
            break;
        }
        let i = pos % b.len();
        match op % 4 {
            0 => b[i] = byte,
            1 => {
                b.remove(i);
            }
            2 => b.insert(i, byte),
            _ => b[i] = b"0123456789,[]{}\"\\:-"[byte as usize % 19],
        }
    }
    b
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(testkit::proptest_cases(500)))]

    /// Random byte edits of valid snapshots never panic; whatever reads must be consistent.
    #[test]
    fn random_mutations_never_panic(
        which in 0usize..3,
        edits in prop::collection::vec((any::<usize>(), any::<u8>(), any::<u8>()), 1..6),
        chunk in 1usize..40,
    ) {
        let base = match which {
            0 => std::fs::read(data("node8-style.heapsnapshot")).unwrap(),
            1 => std::fs::read(data("node24-style.heapsnapshot")).unwrap(),
            _ => good().into_bytes(),
        };
        let b = mutate(&base, &edits);
        let whole = read_bytes(&b);
        let chunked = read_bytes_chunked(&b, chunk);
        match (&whole, &chunked) {
            (Ok(s), Ok(c)) => {
                prop_assert_eq!(s.node_count(), c.node_count());
                prop_assert_eq!(&s.edges.to, &c.edges.to);
                // What the reader accepts, analyses may index without checks.
                let n = s.node_count() as u32;
                prop_assert!(s.edges.to.iter().all(|&t| t < n));
                prop_assert_eq!(*s.nodes.first_edge.last().unwrap() as usize, s.edge_count());
                for i in 0..n {
                    let _ = s.node_name(i);
                }
            }
            (Err(a), Err(b)) => prop_assert_eq!(a.message(), b.message()),
            _ => prop_assert!(false, "chunking changed the outcome: {:?} vs {:?}", whole.is_ok(), chunked.is_ok()),
        }
    }
}

#[test]
fn allocation_traces_are_kept_and_checked() {
    let with = |functions: &str, tree: &str| {
        good()
            .replace(
                "\"trace_function_infos\":[]",
                &format!("\"trace_function_infos\":[{functions}]"),
            )
            .replace("\"trace_tree\":[]", &format!("\"trace_tree\":[{tree}]"))
            .replace(OBJ, "3,2,3,16,0,2,0")
    };
    // (root) and `Obj` at line 4, column 2 of the script named "" (string 1).
    let ok = with("1,1,1,0,0,0,2,2,1,3,4,2", "1,0,0,0,[2,1,1,16,[]]");
    let s = read_bytes(ok.as_bytes()).unwrap();
    let stack = s.traces.stack_of(&s.strings, &s.nodes.trace_node_id, 1);
    assert_eq!(stack, ["Obj"]);
    let s2 = read_bytes_chunked(ok.as_bytes(), 5).unwrap();
    assert_eq!(s2.traces.ids, s.traces.ids);

    let e = fails(with("1,1,1,0,0,0", "1,0,0,0,[2,1,1,16,[]]"));
    assert_msg(
        &e,
        &["trace_tree", "function_info_index 1", "not a function"],
    );
    let e = fails(with("1,9,1,0,0,0", "1,0,0,0,[]"));
    assert_msg(&e, &["trace_function_infos[1]", "not a string index"]);
    let e = fails(with("1,1,1,0,0", "1,0,0,0,[]"));
    assert_msg(&e, &["trace_function_infos", "not a multiple"]);
    let e = fails(with("1,1,1,0,0,0", "1,0,0,0"));
    assert_msg(&e, &["trace_tree", "without its child list"]);
}

/// A snapshot whose root has `m` element edges to one object, as one edge string with edge
/// `k`'s `to_node` replaced by `bad` (megabytes of edges: one segment of the reader, shared
/// with its scan helper, `analyzer/src/reader/helper.rs`).
fn wide(m: usize, k: usize, bad: &str) -> String {
    let edges: Vec<String> = (0..m)
        .map(|i| format!("1,{i},{}", if i == k { bad } else { "7" }))
        .collect();
    let root = format!("9,1,1,0,{m},0,0");
    snap(
        2,
        m as u64,
        &format!("{root},{OBJ}"),
        &edges.join(","),
        STRINGS,
    )
}

#[test]
fn errors_deep_in_a_shared_segment_are_reported_where_they_are() {
    let (m, k) = (300_000, 280_000);
    let cases = [
        (
            "x",
            "expected a non-negative integer, found 'x'".to_string(),
        ),
        (
            "8",
            format!("to_node 8 of edge {k} is not a multiple of the node width 7"),
        ),
    ];
    for (bad, what) in cases {
        let text = wide(m, k, bad);
        let before = format!(",1,{k},");
        let at = (text.find(&before).unwrap() + before.len()) as u64;
        // Whole (the helper scans the back of the array) and in chunks too small to share.
        for e in [
            read_bytes(text.as_bytes()).unwrap_err(),
            read_bytes_chunked(text.as_bytes(), 65_536).unwrap_err(),
        ] {
            assert_eq!(e.message(), format!("edges[{}]: {what}", 3 * k + 2));
            assert_eq!(e.offset(), Some(at), "{e}");
        }
    }
    let s = read_bytes(wide(m, m, "").as_bytes()).unwrap();
    assert_eq!(s.edge_count(), m);
    assert!(s.edges.to.iter().all(|&t| t == 1));
}
