//! One vocabulary across commands (issue 11, points 7, 8 and 10), on real heap snapshots
//! written at test time by Node 20, 22 and 24 running `tests/leaks/vocab.js`:
//!
//! * an object has one class in every command — `summary`'s DevTools class (`{headers,
//!   html}`), also in `analyze`'s groups and `tree`'s rows, never `Object` for it — and
//!   every Summary row a key of its own;
//! * compiled code is labelled as code (`(compiled code) "onError"`), never a bare name;
//! * `analyze` and `path` write retainer paths alike, through a function's scope as
//!   `context of onError (vocab.js:25)`;
//! * `show` gives a closure's definition site, in text and JSON.
//!
//! Needs the interop toolchain (`scripts/setup-interop.sh`): without it the test prints a
//! `SKIPPED` line, and fails under CI (`testkit`).

#[path = "interop/common/mod.rs"]
#[allow(dead_code)] // shared with other suites; each uses a part
mod common;

#[path = "common/cli.rs"]
#[allow(dead_code)] // shared with other suites; each uses a part
mod cli;

use std::path::Path;
use std::process::Command;

use common::{Toolchain, NODE_VERSIONS};
use serde_json::Value;

use cli::stdout as heapsim;

/// `heapsim ARGS --json`.
fn json(args: &[&str]) -> Value {
    cli::json(&[args, &["--json"]].concat())
}

fn vocab_snapshot(tc: &Toolchain, version: u32, dir: &Path) -> String {
    let file = dir.join("vocab.heapsnapshot");
    let out = Command::new(tc.node(version))
        .arg(common::program_path("leaks/vocab"))
        .arg(&file)
        .output()
        .expect("run node");
    assert!(
        out.status.success(),
        "Node {version}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    file.to_str().unwrap().to_string()
}

/// The first `analyze` suspect whose class is `class`.
fn suspect<'a>(report: &'a Value, class: &str) -> &'a Value {
    report["suspects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["class"] == class)
        .unwrap_or_else(|| panic!("no {class} suspect in {report:#}"))
}

#[test]
fn every_command_calls_an_object_by_its_devtools_class() {
    let Some(tc) = Toolchain::require() else {
        return;
    };
    for version in NODE_VERSIONS {
        let dir = tempfile::tempdir().unwrap();
        let f = vocab_snapshot(&tc, version, dir.path());
        let summary = json(&["summary", &f]);
        let has_class = |c: &str| {
            summary["classes"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r["class"] == c && r["count"].as_u64() >= Some(20000))
        };
        assert!(has_class("{headers, html}"), "Node {version}: {summary:#}");
        // Node's own classes split by source location share names (`TextEncoder` twice):
        // their keys still differ.
        let mut keys: Vec<&str> = summary["classes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["class_key"].as_str().unwrap())
            .collect();
        let rows = keys.len();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), rows, "Node {version}: duplicate class keys");

        let report = json(&["analyze", &f]);
        let cache = suspect(&report, "Cache");
        assert_eq!(
            cache["groups"][0]["class"], "{headers, html}",
            "Node {version}"
        );
        assert_eq!(cache["groups"][0]["count"], 20000, "Node {version}");
        let text = heapsim(&["analyze", &f]);
        assert!(
            text.contains("20 000 × {headers, html} — "),
            "Node {version}: {text}"
        );

        let id = format!("@{}", cache["accumulation"]["id"]);
        let tree = json(&["tree", &f, &id, "--depth", "1"]);
        let group = &tree["rows"][1];
        assert_eq!(
            (group["row"].as_str(), group["class"].as_str()),
            (Some("group"), Some("{headers, html}")),
            "Node {version}: {tree:#}"
        );
        let text = heapsim(&["tree", &f, &id, "--depth", "1"]);
        assert!(
            text.contains("{headers, html} ×20000"),
            "Node {version}: {text}"
        );
    }
}

#[test]
fn code_rows_are_labelled_as_code_and_paths_name_the_scope_s_function() {
    let Some(tc) = Toolchain::require() else {
        return;
    };
    for version in NODE_VERSIONS {
        let dir = tempfile::tempdir().unwrap();
        let f = vocab_snapshot(&tc, version, dir.path());
        let report = json(&["analyze", &f]);
        // `server` holds both closures, whose shared scope holds the Client.
        let server = suspect(&report, "Object");
        let server_id = format!("@{}", server["id"]);
        let tree = json(&["tree", &f, &server_id, "--depth", "4", "--min-size", "1"]);
        let rows = tree["rows"].as_array().unwrap();
        let code: Vec<&str> = rows
            .iter()
            .filter(|r| r["type"] == "code")
            .filter_map(|r| r["class"].as_str())
            .collect();
        assert!(!code.is_empty(), "Node {version}: {tree:#}");
        assert!(
            code.iter().all(|c| c.starts_with("(compiled code)")),
            "Node {version}: {code:?}"
        );
        let client = rows
            .iter()
            .find(|r| r["class"] == "Client")
            .unwrap_or_else(|| panic!("Node {version}: no Client row in {tree:#}"));
        let client_id = format!("@{}", client["id"]);

        // `path` and `analyze` write paths with one function: the same text for one path.
        let paths = json(&["path", &f, &client_id, "--max", "5"]);
        let texts: Vec<&str> = paths["paths"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["text"].as_str().unwrap())
            .collect();
        assert!(
            texts
                .contains(&"global → server → onError → context of onError (vocab.js:25) → client"),
            "Node {version}: {texts:?}"
        );
        assert!(
            texts.contains(
                &"global → server → handler → context of (anonymous) (vocab.js:24) → client"
            ),
            "Node {version}: {texts:?}"
        );
        let printed = heapsim(&["path", &f, &client_id]);
        for t in &texts {
            assert!(
                printed.lines().any(|l| l == *t),
                "Node {version}: {printed}"
            );
        }
        assert_eq!(server["path"]["text"], "global → server", "Node {version}");

        // `show` gives the anonymous closure's definition site.
        let steps = paths["paths"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|p| p["steps"].as_array().unwrap())
            .find(|s| s["edge"] == "handler")
            .unwrap_or_else(|| panic!("Node {version}: no handler step in {paths:#}"));
        let handler = format!("@{}", steps["id"]);
        let shown = json(&["show", &f, &handler]);
        assert_eq!(shown["node"]["type"], "closure", "Node {version}");
        assert_eq!(
            shown["node"]["location"], "vocab.js:24",
            "Node {version}: {shown:#}"
        );
        let text = heapsim(&["show", &f, &handler]);
        let first = text.lines().next().unwrap();
        assert!(
            first.starts_with(&format!("{handler} (anonymous) vocab.js:24 (closure)")),
            "Node {version}: {first}"
        );
    }
}
