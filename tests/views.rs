//! What DevTools, memlab and MAT users reach for, on real snapshots written at test time
//! by Node 20, 22 and 24 running `tests/views/growth.js` (four snapshots of a growing Map
//! and Array beside a control Map refilled to the same size, with allocation tracking on):
//!
//! * `summary --class NAME` lists a class's instances as DevTools opens a Summary row, and
//!   `show NAME` picks a class's only instance or says how many there are;
//! * `growth S1 … S4` lists the Map and the Array that grew in every step, not the control,
//!   and the classes whose count grew in every step;
//! * `summary --by-allocation` and `show` give the allocation stacks of the objects.
//!
//! Needs the interop toolchain (`scripts/setup-interop.sh`); without it each test prints a
//! `SKIPPED` line, and fails under CI (`testkit`).

#[path = "interop/common/mod.rs"]
#[allow(dead_code)] // shared with other suites; each uses a part
mod common;

#[path = "common/cli.rs"]
#[allow(dead_code)] // shared with other suites; each uses a part
mod cli;

use std::path::{Path, PathBuf};
use std::process::Command;

use analyzer::analysis::NodeResults;
use common::{Toolchain, NODE_VERSIONS};
use serde_json::Value;

/// The four snapshots of `growth.js` under Node `version`, oldest first.
fn growth_snapshots(tc: &Toolchain, version: u32, dir: &Path) -> Vec<PathBuf> {
    let last = common::generate(tc, "views/growth", version, dir, &[]);
    let mut files: Vec<PathBuf> = (1..4)
        .map(|k| PathBuf::from(format!("{}.{k}", last.display())))
        .collect();
    files.push(last);
    files
}

/// Runs `check(toolchain, version, temporary directory, the four snapshots)` for every Node
/// version; without the toolchain the test skips loudly (fails under CI).
fn on_every_node(check: impl Fn(&Toolchain, u32, &Path, &[PathBuf])) {
    let Some(tc) = Toolchain::require() else {
        return;
    };
    for version in NODE_VERSIONS {
        let dir = tempfile::tempdir().unwrap();
        let files = growth_snapshots(&tc, version, dir.path());
        check(&tc, version, dir.path(), &files);
    }
}

use cli::{json, run as heapsim};

fn path_str(p: &Path) -> &str {
    p.to_str().expect("UTF-8 temp path")
}

#[test]
fn summary_class_lists_instances_and_show_takes_a_unique_class() {
    on_every_node(|_, version, _, files| {
        let file = path_str(files.last().unwrap());
        let a = common::heapsim::analyse(Path::new(file));
        let doc = json(&["summary", file, "--class", "UserSession", "--json"]);
        let list = doc["instances"].as_array().unwrap();
        assert_eq!(doc["count"], 800, "Node {version}");
        assert_eq!(list.len(), 800, "Node {version}");
        // DevTools' order: retained size descending, ties by id ascending; each row is the
        // node's own DevTools numbers.
        let key = |i: &Value| {
            (
                std::cmp::Reverse(i["retained_size"].as_u64().unwrap()),
                i["id"].as_u64().unwrap(),
            )
        };
        assert!(
            list.windows(2).all(|w| key(&w[0]) < key(&w[1])),
            "Node {version}"
        );
        for i in list {
            let v = a.find_id(i["id"].as_u64().unwrap() as u32).unwrap();
            assert_eq!(a.class_name(v), "UserSession");
            assert_eq!(i["self_size"], a.snapshot.self_size(v));
            assert_eq!(i["retained_size"], a.tree.retained[v as usize]);
            assert_eq!(i["distance"], a.distance[v as usize]);
        }
        let top = json(&[
            "summary",
            file,
            "--class",
            "UserSession",
            "--top",
            "3",
            "--json",
        ]);
        assert_eq!(top["instances"].as_array().unwrap()[..], list[..3]);

        let shown = json(&["show", file, "Registry", "--json"]);
        assert_eq!(shown["node"]["class"], "Registry", "Node {version}");
        let many = heapsim(&["show", file, "UserSession"]);
        let err = String::from_utf8_lossy(&many.stderr);
        assert_eq!(many.status.code(), Some(2));
        assert!(err.contains("has 800 instances"), "{err}");
        let none = heapsim(&["summary", file, "--class", "NoSuchClass"]);
        assert_eq!(none.status.code(), Some(2));
        assert_eq!(String::from_utf8_lossy(&none.stderr).lines().count(), 1);
    });
}

#[test]
fn growth_lists_the_growing_map_and_array_but_not_the_control() {
    on_every_node(|_, version, _, files| {
        let mut args = vec!["growth"];
        args.extend(files.iter().map(|f| path_str(f)));
        args.push("--json");
        let doc = json(&args);
        let found: Vec<(String, String, Vec<u64>)> = doc["collections"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                let growth = c["growth"].as_array().unwrap();
                (
                    c["class"].as_str().unwrap().to_string(),
                    c["path"].as_str().unwrap().to_string(),
                    growth.iter().map(|g| g.as_u64().unwrap()).collect(),
                )
            })
            .collect();
        // A Map entry is a key and a value edge in its table.
        let want = [
            ("Map", "global → app → sessions", vec![400, 400, 400]),
            ("Array", "global → app → log", vec![200, 200, 200]),
        ];
        for (class, path, growth) in want {
            assert!(
                found
                    .iter()
                    .any(|f| f.0 == class && f.1 == path && f.2 == growth),
                "Node {version}: no {path} growing by {growth:?} in {found:?}"
            );
        }
        assert!(
            found.iter().all(|f| !f.1.ends_with(".lru")),
            "Node {version}: the control grew: {found:?}"
        );
        let classes: Vec<(&str, Vec<u64>)> = doc["classes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                let counts = c["counts"].as_array().unwrap();
                (
                    c["class"].as_str().unwrap(),
                    counts.iter().map(|n| n.as_u64().unwrap()).collect(),
                )
            })
            .collect();
        for class in ["UserSession", "LogEntry"] {
            assert!(
                classes.contains(&(class, vec![200, 400, 600, 800])),
                "Node {version}: {class} in {classes:?}"
            );
        }
        assert!(
            classes.iter().all(|c| c.0 != "Cached" && c.0 != "Registry"),
            "Node {version}: {classes:?}"
        );
        let text = heapsim(&args[..args.len() - 1]);
        let text = String::from_utf8_lossy(&text.stdout);
        assert!(text.contains("global → app → sessions"), "{text}");
    });
}

#[test]
fn allocation_stacks_per_class_and_per_object() {
    on_every_node(|tc, version, dir, files| {
        let file = path_str(files.last().unwrap());
        let doc = json(&["summary", file, "--by-allocation", "--json"]);
        assert_eq!(
            (&doc["schema_version"], &doc["files"]),
            (&serde_json::json!(2), &serde_json::json!([file])),
            "Node {version}"
        );
        let class = doc["classes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["class"] == "UserSession")
            .unwrap_or_else(|| panic!("Node {version}: no UserSession in {doc}"));
        // Every session comes from the one `new UserSession` in openSession, called from
        // the program's loop. Node 22's V8 loses the trace of the objects allocated in every
        // other step (their `trace_node_id` is 0), so only the last step's 200 are certain.
        let stacks = class["stacks"].as_array().unwrap();
        assert_eq!(stacks.len(), 1, "Node {version}: {class}");
        let top = &stacks[0];
        let count = top["count"].as_u64().unwrap();
        assert!((200..=800).contains(&count), "Node {version}: {class}");
        // Sessions are all of one size.
        let each = class["self_size"].as_u64().unwrap() / class["count"].as_u64().unwrap();
        assert_eq!(
            top["self_size"].as_u64().unwrap(),
            count * each,
            "Node {version}"
        );
        let frames: Vec<&str> = top["frames"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f.as_str().unwrap())
            .collect();
        assert!(
            frames[0].starts_with("openSession ") && frames[0].contains("growth.js:"),
            "Node {version}: {frames:?}"
        );
        assert!(
            frames[1].contains("growth.js:"),
            "Node {version}: {frames:?}"
        );

        // The newest session, allocated in the last step.
        let all = json(&["summary", file, "--class", "UserSession", "--json"]);
        let newest = all["instances"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_u64().unwrap())
            .max()
            .unwrap();
        let shown = json(&["show", file, &format!("@{newest}"), "--json"]);
        assert_eq!(
            shown["allocation_stack"].as_array().unwrap()[..],
            top["frames"].as_array().unwrap()[..],
            "Node {version}"
        );
        // A snapshot without tracking says what to do, in one line.
        let plain = dir.join("plain.heapsnapshot");
        let out = Command::new(tc.node(version))
            .args(["-e", "require('v8').writeHeapSnapshot(process.argv[1])"])
            .arg(&plain)
            .output()
            .unwrap();
        assert!(out.status.success());
        let err = heapsim(&["summary", path_str(&plain), "--by-allocation"]);
        assert_eq!(err.status.code(), Some(2));
        let msg = String::from_utf8_lossy(&err.stderr);
        assert!(
            msg.contains("allocation tracking") && msg.lines().count() == 1,
            "{msg}"
        );
    });
}
