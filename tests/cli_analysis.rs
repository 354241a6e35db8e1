//! The analysis subcommands (`summary`, `stats`, `show`, `path`, `export`) end to end on a
//! small hand-written Node 20 snapshot whose DevTools numbers are worked out below.
//!
//! Graph: root →(element) (GC roots); root →(shortcut) global; global.client → Client;
//! global.s → string `a,b "q"`; Client._events → Array; Array →(internal elements)
//! (object elements) [64 B, moved into the Array by DevTools' shallow sizes];
//! Array[17] → closure onError. The expected numbers were checked against DevTools' own
//! worker (`devtools-ref.mjs dump/summary`, chrome-devtools-frontend 1.0.1705227).

#[path = "common/cli.rs"]
#[allow(dead_code)] // shared with other suites; each uses a part
mod cli;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const SNAPSHOT: &str = r#"{"snapshot":{"meta":{"node_fields":["type","name","id","self_size","edge_count","trace_node_id","detachedness"],"node_types":[["hidden","array","string","object","code","closure","regexp","number","native","synthetic","concatenated string","sliced string","symbol","bigint","object shape"],"string","number","number","number","number","number"],"edge_fields":["type","name_or_index","to_node"],"edge_types":[["context","element","property","internal","hidden","shortcut","weak"],"string_or_number","node"],"trace_function_info_fields":["function_id","name","script_name","script_id","line","column"],"trace_node_fields":["id","function_info_index","count","size","children"],"sample_fields":["timestamp_us","last_assigned_id"],"location_fields":["object_index","script_id","line","column"]},"node_count":8,"edge_count":7,"trace_function_count":0},
"nodes":[9,1,1,0,2,0,0
,9,2,3,0,0,0,0
,3,3,5,100,2,0,0
,3,4,7,40,1,0,0
,3,5,9,32,2,0,0
,1,6,11,64,0,0,0
,5,7,13,56,0,0,0
,2,8,15,24,0,0,0],
"edges":[1,1,7
,5,3,14
,2,9,21
,2,10,49
,2,11,28
,3,12,35
,1,17,42],
"trace_function_infos":[],"trace_tree":[],"samples":[],"locations":[],
"strings":["<dummy>","","(GC roots)","global","Client","Array","(object elements)","onError","a,b \"q\"","client","s","_events","elements"]}"#;

fn heapsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_heapsim"))
        .args(args)
        .output()
        .expect("run heapsim")
}

fn fixture(dir: &Path) -> PathBuf {
    let p = dir.join("small.heapsnapshot");
    std::fs::write(&p, SNAPSHOT).unwrap();
    p
}

fn json(out: &Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("valid JSON")
}

#[test]
fn summary_json_has_devtools_classes() {
    let dir = tempfile::tempdir().unwrap();
    let f = fixture(dir.path());
    let v = json(&heapsim(&["summary", f.to_str().unwrap(), "--json"]));
    assert_eq!(v["node_count"], 8);
    assert_eq!(v["edge_count"], 7);
    assert_eq!(v["total_size"], 316);
    let rows: Vec<(String, u64, u64, u64, i64)> = v["classes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["class"].as_str().unwrap().to_string(),
                c["count"].as_u64().unwrap(),
                c["self_size"].as_u64().unwrap(),
                c["retained_size"].as_u64().unwrap(),
                c["distance"].as_i64().unwrap(),
            )
        })
        .collect();
    let expect = [
        ("global", 1, 100, 316, 1),
        ("Client", 1, 40, 192, 2),
        ("Array", 1, 96, 152, 3),
        ("Function", 1, 56, 56, 4),
        ("(string)", 1, 24, 24, 2),
    ];
    let expect: Vec<_> = expect
        .iter()
        .map(|&(n, c, s, r, d)| (n.to_string(), c, s, r, d))
        .collect();
    assert_eq!(rows, expect);

    let top = json(&heapsim(&[
        "summary",
        f.to_str().unwrap(),
        "--json",
        "--top",
        "2",
        "--sort",
        "count",
    ]));
    assert_eq!(top["classes"].as_array().unwrap().len(), 2);
    let text = heapsim(&["summary", f.to_str().unwrap(), "--sort", "self"]);
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains("Class") && text.contains("Client"), "{text}");
}

#[test]
fn stats_json_matches_devtools_categories() {
    let dir = tempfile::tempdir().unwrap();
    let f = fixture(dir.path());
    let v = json(&heapsim(&["stats", f.to_str().unwrap(), "--json"]));
    assert_eq!(v["total"], 316);
    assert_eq!(v["js_arrays"], 96);
    assert_eq!(v["strings"], 24);
    assert_eq!(v["code"], 0);
    assert_eq!(v["native"], 0);
    assert_eq!(v["other"], 316 - 96 - 24);
}

#[test]
fn show_lists_fields_and_retainers() {
    let dir = tempfile::tempdir().unwrap();
    let f = fixture(dir.path());
    let v = json(&heapsim(&[
        "show",
        f.to_str().unwrap(),
        "@7",
        "--depth",
        "2",
        "--json",
    ]));
    assert_eq!(v["node"]["name"], "Client");
    assert_eq!(v["node"]["retained_size"], 192);
    assert_eq!(v["node"]["dominator_id"], 5);
    let field = &v["fields"][0];
    assert_eq!(field["edge"], "_events");
    assert_eq!(field["node"]["id"], 9);
    let inner: Vec<&str> = field["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["edge"].as_str().unwrap())
        .collect();
    assert_eq!(inner, vec!["elements", "17"]);
    assert_eq!(v["retainers"][0]["edge"], "client");
    assert_eq!(v["retainers"][0]["node"]["id"], 5);
}

#[test]
fn path_prints_the_retainer_path_as_analyze_does() {
    let dir = tempfile::tempdir().unwrap();
    let f = fixture(dir.path());
    let out = heapsim(&["path", f.to_str().unwrap(), "@13"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("global → client → _events → [17]\n"),
        "{text}"
    );
    let v = json(&heapsim(&["path", f.to_str().unwrap(), "@13", "--json"]));
    let ids: Vec<u64> = v["paths"][0]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_u64().unwrap())
        .collect();
    assert_eq!(ids, vec![5, 7, 9, 13]);
    assert_eq!(v["paths"][0]["text"], "global → client → _events → [17]");
}

#[test]
fn export_csv_quotes_and_refuses_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let f = fixture(dir.path());
    let out = dir.path().join("nodes.csv");
    let o = heapsim(&["export", f.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert!(o.status.success());
    let csv = std::fs::read_to_string(&out).unwrap();
    let lines: Vec<&str> = csv.split("\r\n").collect();
    assert_eq!(
        lines[0],
        "id,type,name,self_size,retained_size,distance,dominator_id"
    );
    assert_eq!(lines[1], "1,synthetic,,0,316,100000000,1");
    assert_eq!(lines[6], "11,array,(object elements),0,0,4,9");
    assert_eq!(lines[8], "15,string,\"a,b \"\"q\"\"\",24,24,2,5");
    assert_eq!(lines.len(), 10, "header, 8 rows, empty tail");

    let again = heapsim(&["export", f.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(2));
    let err = String::from_utf8(again.stderr).unwrap();
    assert!(
        err.contains("already exists") && err.lines().count() == 1,
        "{err}"
    );
    let forced = heapsim(&[
        "export",
        f.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--force",
        "--format",
        "jsonl",
    ]);
    assert!(forced.status.success());
    let jsonl = std::fs::read_to_string(&out).unwrap();
    let first: serde_json::Value = serde_json::from_str(jsonl.lines().nth(2).unwrap()).unwrap();
    assert_eq!(first["name"], "global");
    assert_eq!(first["retained_size"], 316);
}

#[test]
fn bad_ids_and_files_exit_2_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let f = fixture(dir.path());
    for args in [
        vec!["show", f.to_str().unwrap(), "@999"],
        vec!["path", f.to_str().unwrap(), "@nope"],
        vec!["summary", dir.path().to_str().unwrap()],
    ] {
        let o = heapsim(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8(o.stderr).unwrap();
        assert!(!err.trim().is_empty(), "{args:?}");
    }
    let o = heapsim(&["show", f.to_str().unwrap(), "@999"]);
    let err = String::from_utf8(o.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("no node with id @999"), "{err}");
}

/// Runs heapsim with its stdout a pipe whose reading end is already closed, as
/// `heapsim … | head -0` would leave it, deterministically.
#[test]
fn a_closed_stdout_ends_every_command_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let f = fixture(dir.path());
    let f = f.to_str().unwrap();
    let commands: &[&[&str]] = &[
        &["analyze", f],
        &["analyze", f, "--json"],
        &["summary", f],
        &["summary", f, "--json"],
        &["stats", f],
        &["show", f, "@7"],
        &["show", f, "@7", "--json"],
        &["path", f, "@13"],
        &["tree", f],
        &["tree", f, "--json"],
        &["diff", f, f],
        &["diff", f, f, f],
        &["strings", f],
        &["export", f],
        &["dominators", f],
        &["run", "--list"],
        &["growth", f, f],
        &["summary", f, "--class", "Client"],
        &["stress", "--ops", "200"],
    ];
    for args in commands {
        let o = cli::into_closed_pipe(args);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {err}");
        // `diff` always says on stderr what it compares, and warns about FILE against
        // itself; nothing else may appear.
        let diff_report = |l: &&str| {
            args[0] == "diff"
                && [
                    "heapsim: comparing ",
                    "heapsim: leaked = ",
                    "heapsim: warning: ",
                ]
                .iter()
                .any(|p| l.starts_with(p))
        };
        let noise: Vec<&str> = err.lines().filter(|l| !diff_report(l)).collect();
        assert!(noise.is_empty(), "{args:?} wrote to stderr: {err}");
    }
}

#[test]
fn no_command_writes_over_its_input_even_with_force() {
    let dir = tempfile::tempdir().unwrap();
    let f = fixture(dir.path());
    let link = dir.path().join("link.heapsnapshot");
    std::os::unix::fs::symlink(&f, &link).unwrap();
    let hard = dir.path().join("hard.heapsnapshot");
    std::fs::hard_link(&f, &hard).unwrap();
    let relative = dir.path().join(".").join("small.heapsnapshot");
    for out in [&f, &link, &hard, &relative] {
        let o = heapsim(&[
            "export",
            f.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--force",
        ]);
        assert_eq!(o.status.code(), Some(2), "{out:?}");
        let err = String::from_utf8(o.stderr).unwrap();
        assert!(
            err.contains("is the input") && err.lines().count() == 1,
            "{err}"
        );
        assert_eq!(
            std::fs::read_to_string(&f).unwrap(),
            SNAPSHOT,
            "input harmed"
        );
    }
}

#[test]
fn a_failed_run_leaves_no_output_and_keeps_the_old_one() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.heapsnapshot");
    std::fs::write(&bad, &SNAPSHOT[..SNAPSHOT.len() / 2]).unwrap();
    let out = dir.path().join("nodes.csv");
    let o = heapsim(&["export", bad.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(!out.exists(), "a truncated output was left behind");
    std::fs::write(&out, "precious").unwrap();
    let o = heapsim(&[
        "export",
        bad.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--force",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "precious");
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names.len(), 2, "temporary files left: {names:?}");
}
