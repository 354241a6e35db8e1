//! The JSON of every command, pinned: one vocabulary (`docs/json.md`), every document with
//! `schema_version` and its input `files`, and `--top` obeyed wherever a command has it.
//!
//! Runs on the snapshots of one simulated run of the `listeners` scenario script (so
//! `diff` has a BASE, TARGET and FINAL of one process) and on the built-in
//! demo: no tool is needed. The names themselves are checked on real Node snapshots in
//! `tests/vocabulary.rs`.

#[path = "common/cli.rs"]
#[allow(dead_code)] // shared with other suites; each uses a part
mod cli;

use std::path::{Path, PathBuf};

use cli::json as heapsim;
use serde_json::{json, Value};

/// The keys and value types of a JSON value, arrays by their first element.
fn shape(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(m.iter().map(|(k, v)| (k.clone(), shape(v))).collect()),
        Value::Array(a) => Value::Array(a.first().map(shape).into_iter().collect()),
        Value::String(_) => "string".into(),
        Value::Number(n) if n.is_u64() || n.is_i64() => "integer".into(),
        Value::Number(_) => "number".into(),
        Value::Bool(_) => "bool".into(),
        Value::Null => "null".into(),
    }
}

/// The baseline, target and final snapshots of one simulated run of the listeners
/// scenario script (`heapsim run`, the script's own 5 000 requests: its leak must stand out
/// of a Node-sized heap).
fn listener_snapshots(dir: &Path) -> [PathBuf; 3] {
    let out = dir.to_str().expect("UTF-8 temp path");
    cli::run_ok(&["run", "listeners", "-o", out]);
    ["baseline", "target", "final"].map(|name| dir.join(format!("{name}.heapsnapshot")))
}

/// A path as every command writes it (`docs/json.md`): its text and its steps.
fn path_shape() -> Value {
    json!({"text": "string", "steps": [{"edge": "null", "edge_type": "null", "id": "integer",
        "type": "string", "name": "string", "class": "string"}]})
}

fn show_node() -> Value {
    json!({"id": "integer", "type": "string", "name": "string", "class": "string",
        "self_size": "integer", "retained_size": "integer", "distance": "integer",
        "dominator_id": "integer", "location": "null"})
}

#[test]
fn every_command_s_json_has_the_documented_shape_version_and_files() {
    let dir = tempfile::tempdir().unwrap();
    let [a, b, c] = listener_snapshots(dir.path());
    let (a, b, c) = (
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        c.to_str().unwrap(),
    );
    let head = |files: &[&str]| json!({"schema_version": "integer", "files": files.iter().map(|_| "string").take(1).collect::<Vec<_>>()});
    let cases: Vec<(Vec<&str>, Vec<&str>, Value)> = vec![
        (
            vec!["summary", c, "--top", "2"],
            vec![c],
            json!({"node_count": "integer", "edge_count": "integer", "total_size": "integer",
                "classes": [{"class": "string", "count": "integer", "self_size": "integer",
                    "retained_size": "integer", "distance": "integer", "class_key": "string"}],
                "more_classes": "integer"}),
        ),
        (
            vec!["stats", c],
            vec![c],
            json!({"total": "integer", "v8_heap": "integer", "code": "integer",
                "strings": "integer", "js_arrays": "integer", "typed_arrays": "integer",
                "system": "integer", "native": "integer", "other": "integer",
                "other_native": "integer"}),
        ),
        (
            vec!["show", c, "@63", "--limit", "1"],
            vec![c],
            json!({"node": show_node(), "edge_count": "integer", "retainer_count": "integer",
                "fields": [{"edge": "string", "edge_type": "string", "node": show_node()}],
                "more_fields": "integer",
                "retainers": [{"edge": "string", "edge_type": "string", "node": show_node()}],
                "more_retainers": "integer"}),
        ),
        (
            vec!["path", c, "@71", "--max", "1"],
            vec![c],
            json!({"id": "integer", "name": "string", "class": "string", "paths": [path_shape()]}),
        ),
        (
            vec!["tree", c, "--depth", "1"],
            vec![c],
            json!({"root": "integer", "total_size": "integer", "rows": [{"depth": "integer",
                "row": "string", "id": "integer", "sample_id": "null", "type": "string",
                "name": "string", "class": "string", "count": "integer",
                "self_size": "integer", "retained_size": "integer"}]}),
        ),
        (
            vec!["analyze", c],
            vec![c],
            json!({"total_size": "integer", "node_count": "integer", "suspects": [{
                "id": "integer", "type": "string", "name": "string", "class": "string",
                "retained_size": "integer", "percent": "number",
                "accumulation": {"id": "integer", "type": "string", "name": "string",
                    "class": "string", "retained_size": "integer"},
                "path": path_shape(),
                "groups": [{"class": "string", "count": "integer", "retained_size": "integer",
                    "sample_id": "integer"}]}]}),
        ),
        (
            vec!["diff", a, b, "--top", "2"],
            vec![a, b],
            json!({"classes": [{"class": "string", "new_count": "integer",
                "deleted_count": "integer", "delta_count": "integer", "alloc_size": "integer",
                "freed_size": "integer", "delta_size": "integer"}], "more_classes": "integer",
                "warnings": []}),
        ),
        (
            vec!["diff", a, b, c, "--top", "1"],
            vec![a, b, c],
            json!({"groups": [{"class": "string", "count": "integer", "retained_size": "integer",
                "sample_id": "integer", "path": path_shape()}], "more_groups": "integer",
                // The listeners script's `back()` frees nothing, so FINAL repeats TARGET.
                "warnings": ["string"]}),
        ),
        (
            vec!["summary", c, "--class", "Client", "--top", "1"],
            vec![c],
            json!({"class": "string", "count": "integer", "instances": [{"id": "integer",
                "self_size": "integer", "retained_size": "integer", "distance": "integer"}]}),
        ),
        (
            // BASE → TARGET: FINAL repeats TARGET, so nothing grows in that step.
            vec!["growth", a, b, "--top", "1"],
            vec![a, b],
            json!({"snapshots": ["string"], "collection_count": "integer",
                "collections": [{"id": "integer", "class": "string", "size_unit": "string",
                    "sizes": ["integer"], "growth": ["integer"], "retained_size": "integer",
                    "path": "string"}],
                "class_count": "integer",
                "classes": [{"class": "string", "counts": ["integer"], "growth": ["integer"]}]}),
        ),
        (
            vec!["dominators", c, "--algorithm", "lt"],
            vec![c],
            json!({"nodes": "integer", "edges": "integer",
                "algorithms": [{"name": "string", "seconds": "number", "agrees": "bool"}]}),
        ),
        (
            vec!["strings", c, "--top", "1"],
            vec![c],
            json!({"wasted_size": "integer", "strings": [{"value": "string", "count": "integer",
                "total_size": "integer", "wasted_size": "integer", "sample_id": "integer",
                "truncated": "bool"}], "more_strings": "integer"}),
        ),
    ];
    for (args, files, body) in cases {
        let mut args = args.clone();
        args.push("--json");
        let got = heapsim(&args);
        let mut want = head(&files);
        want.as_object_mut()
            .unwrap()
            .extend(body.as_object().unwrap().clone());
        assert_eq!(shape(&got), want, "{args:?}: {got:#}");
        assert_eq!(got["schema_version"], 2, "{args:?}");
        assert_eq!(got["files"], json!(files), "{args:?}");
    }
}

#[test]
fn top_is_obeyed_by_every_json_list_and_the_rest_counted() {
    let dir = tempfile::tempdir().unwrap();
    let [a, b, c] = listener_snapshots(dir.path());
    let (a, b, c) = (
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        c.to_str().unwrap(),
    );
    for (args, list, more) in [
        (vec!["summary", c], "classes", "more_classes"),
        (vec!["diff", a, b], "classes", "more_classes"),
        (vec!["diff", a, b, c], "groups", "more_groups"),
        (vec!["strings", c], "strings", "more_strings"),
    ] {
        let all = heapsim(&[args.as_slice(), &["--json", "--top", "100000"]].concat());
        let one = heapsim(&[args.as_slice(), &["--json", "--top", "1"]].concat());
        let total = all[list].as_array().unwrap().len() as u64;
        assert!(total >= 1, "{args:?}: {all:#}");
        assert_eq!(all[more], 0, "{args:?}");
        assert_eq!(one[list].as_array().unwrap().len(), 1, "{args:?}");
        assert_eq!(one[more].as_u64(), Some(total - 1), "{args:?}");
        assert_eq!(one[list][0], all[list][0], "{args:?}");
    }
    let top1 = heapsim(&["analyze", c, "--json", "--top", "1"]);
    assert!(top1["suspects"].as_array().unwrap().len() <= 1);
}

/// `stress` reads no file: the heap is the simulator's.
#[test]
fn stress_json_has_the_version_and_no_input_file() {
    let r = heapsim(&["stress", "--ops", "200", "--json"]);
    assert_eq!(r["schema_version"], 2);
    assert_eq!(r["files"], json!([]));
    assert_eq!(r["failures"], 0, "{r:#}");
}

/// On the built-in demo (`heapsim analyze` with no file): no input file.
#[test]
fn the_demo_report_has_no_input_file() {
    let r = heapsim(&["analyze", "--json"]);
    assert_eq!(r["schema_version"], 2);
    assert_eq!(r["files"], json!([]));
    assert_eq!(r["suspects"][0]["class"], "Client", "{r:#}");
}

#[test]
fn summary_class_keys_tell_every_row_apart() {
    let dir = tempfile::tempdir().unwrap();
    let [_, _, c] = listener_snapshots(dir.path());
    let s = heapsim(&["summary", c.to_str().unwrap(), "--json"]);
    let keys: Vec<&str> = s["classes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["class_key"].as_str().unwrap())
        .collect();
    let mut unique = keys.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), keys.len(), "{keys:?}");
    assert!(keys.contains(&",Client"), "{keys:?}");
}

/// A chain (`generate --shape chains`: linked lists of `Node`s): the suspect's `chain` and
/// tree's `chain` row, the fields only chains have.
#[test]
fn chains_have_the_documented_fields() {
    let dir = tempfile::tempdir().unwrap();
    let f = &cli::generated_chains(dir.path());
    let r = heapsim(&["analyze", f, "--json"]);
    let node_ref = json!({"id": "integer", "type": "string", "name": "string",
        "class": "string", "retained_size": "integer"});
    assert_eq!(
        shape(&r["suspects"][0]["chain"]),
        json!({"head": node_ref, "pattern": ["string"], "links": "integer",
            "last": node_ref, "retained_size": "integer"}),
        "{r:#}"
    );
    let head = format!("@{}", r["suspects"][0]["chain"]["head"]["id"]);
    let t = heapsim(&["tree", f, &head, "--depth", "1", "--json"]);
    assert_eq!(
        shape(&t["rows"][1]),
        json!({"depth": "integer", "row": "string", "id": "integer", "sample_id": "null",
            "type": "string", "name": "null", "class": "string", "pattern": "string",
            "count": "integer", "self_size": "null", "retained_size": "integer"}),
        "{t:#}"
    );
    assert_eq!(t["rows"][1]["row"], "chain");
    // Only chain rows have a pattern.
    assert!(t["rows"][0].get("pattern").is_none(), "{t:#}");
}
