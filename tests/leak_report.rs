//! Leak reports on real heap snapshots, written at test time by Node.js running the
//! programs in `tests/leaks/` — the talk's three cases and a control:
//!
//! * `listeners.js`: a listener added to a long-lived EventEmitter subclass per request →
//!   suspect `Client`, accumulated in the listener `Array`, 20 000 `onError` closures;
//! * `hot_reload.js`: `require.cache` entries deleted while the parent keeps `children` →
//!   suspect `Module`, accumulated in its `children` `Array` of `Module`s;
//! * `vue_ssr.js`: Vue 2 SSR whose `created()` starts an interval → suspect `TimersList`
//!   holding the `Timeout` group;
//! * `control.js`: the same work done correctly → no suspect;
//! * `listeners.js --three`: baseline/target/final → the listener closures are the top
//!   leak group of `heapsim diff`;
//! * `sessions.js map|array`: 5 000 `Session`s kept in a `Map` or an array over
//!   baseline/target/final → one leak group of 5 000, ranked first, 5 000 × one's size;
//! * `listeners.js --three` again, for `diff`'s warnings: swapped order, a file with
//!   itself, two processes, two Node versions;
//! * `replace_thing.js`: the closure-context leak → a chain of 2 999 ×
//!   `someMethod → context → originalThing` from its head, folded in `tree` and `path`
//!   (and `generate --shape chains`: a chain of `next`).
//!
//! Node: `node` on PATH, plus Node 22 and 24 when `scripts/setup-interop.sh` has installed
//! them (its env file, `${HEAPSIM_INTEROP_HOME:-~/.cache/heapsim-interop}/env`). Vue 2 comes
//! from that env file's `INTEROP_NODE_MODULES`, or from `tests/leaks/node_modules`
//! (`npm install --prefix tests/leaks vue@2 vue-server-renderer@2`). When Node or Vue is
//! missing a test prints a `SKIPPED` line and passes — except under CI, where it fails
//! (`testkit::tool_missing`). JSON shapes are pinned by `tests/json_schema.rs`.
//!
//! Text reports are pinned with insta (`tests/snapshots/`) for the PATH Node, with ids and
//! sizes redacted (they change from run to run); everything else is asserted structurally.

#[path = "common/cli.rs"]
#[allow(dead_code)] // shared with other suites; each uses a part
mod cli;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use cli::{json, stdout as heapsim};
use serde_json::Value;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn program(name: &str) -> PathBuf {
    repo().join("tests/leaks").join(name)
}

/// The test cannot run without Node: it skips loudly, or fails under CI (`testkit`).
fn no_node() {
    testkit::tool_missing(
        "`node` on PATH",
        "Node.js from https://nodejs.org, or scripts/setup-interop.sh",
    );
}

/// The interop env file's `KEY=VALUE` lines, if `setup-interop.sh` has run.
fn interop_env() -> HashMap<String, String> {
    let home = std::env::var("HEAPSIM_INTEROP_HOME")
        .map(PathBuf::from)
        .or_else(|_| {
            std::env::var("HOME").map(|h| PathBuf::from(h).join(".cache/heapsim-interop"))
        });
    let Ok(home) = home else {
        return HashMap::new();
    };
    std::fs::read_to_string(home.join("env"))
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect()
}

fn node_version(bin: &str) -> Option<String> {
    let out = Command::new(bin).arg("--version").output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// Node binaries to test with, PATH's first; each version once.
fn nodes() -> Vec<(String, String)> {
    let env = interop_env();
    let mut out: Vec<(String, String)> = Vec::new();
    let mut candidates = vec!["node".to_string()];
    for k in ["NODE20", "NODE22", "NODE24"] {
        if let Some(p) = env.get(k) {
            candidates.push(p.clone());
        }
    }
    for bin in candidates {
        if let Some(v) = node_version(&bin) {
            if !out.iter().any(|(seen, _)| *seen == v) {
                out.push((v, bin));
            }
        }
    }
    out
}

/// A directory holding `vue` (2.x) and `vue-server-renderer`, for `NODE_PATH`.
fn vue_modules() -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> = Vec::new();
    if let Some(d) = interop_env().get("INTEROP_NODE_MODULES") {
        dirs.push(PathBuf::from(d));
    }
    dirs.push(repo().join("tests/leaks/node_modules"));
    dirs.into_iter().find(|d| {
        d.join("vue/package.json").is_file() && d.join("vue-server-renderer/package.json").is_file()
    })
}

/// Runs a leak program; `Err` carries the reason when Node itself failed.
fn run_node(
    node: &str,
    flags: &[&str],
    prog: &str,
    args: &[&Path],
    node_path: Option<&Path>,
) -> Result<(), String> {
    let mut cmd = Command::new(node);
    cmd.args(flags).arg(program(prog)).args(args);
    if let Some(p) = node_path {
        cmd.env("NODE_PATH", p);
    }
    let out = cmd.output().map_err(|e| format!("{node}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{node} {prog} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(())
}

/// Writes `prog`'s snapshot with `node` into `dir` and returns its path.
fn snapshot(node: &str, prog: &str, dir: &Path, node_path: Option<&Path>) -> PathBuf {
    let file = dir.join(format!("{prog}.heapsnapshot"));
    run_node(node, &[], prog, &[&file], node_path).unwrap_or_else(|e| panic!("{e}"));
    file
}

/// Runs `prog OUTDIR arg`, which writes memlab's base / target / final snapshots; returns
/// the directory (removed when dropped) and the three paths.
fn three_snapshots(node: &str, prog: &str, arg: &str) -> (tempfile::TempDir, [String; 3]) {
    three_snapshots_with(node, &[], prog, arg)
}

/// [`three_snapshots`] with Node `flags` (`--track-heap-objects`).
fn three_snapshots_with(
    node: &str,
    flags: &[&str],
    prog: &str,
    arg: &str,
) -> (tempfile::TempDir, [String; 3]) {
    let dir = tempfile::tempdir().unwrap();
    run_node(node, flags, prog, &[dir.path(), Path::new(arg)], None)
        .unwrap_or_else(|e| panic!("{e}"));
    let p = |n: &str| dir.path().join(n).to_str().unwrap().to_string();
    let files = [
        p("base.heapsnapshot"),
        p("target.heapsnapshot"),
        p("final.heapsnapshot"),
    ];
    (dir, files)
}

/// Ids and sizes vary between runs: `@123` → `@ID`, byte counts, sizes and percentages
/// → placeholders. Counts of objects (`20 000 ×`) stay.
fn redact(text: &str) -> String {
    let numeric = |s: &str| {
        s.starts_with(|c: char| c.is_ascii_digit())
            && s.chars()
                .all(|c| c.is_ascii_digit() || c == ',' || c == '.')
    };
    let unit = |s: &str| {
        ["B", "kB", "MB", "GB", "bytes", "%", "objects"]
            .iter()
            .any(|u| s.starts_with(u))
    };
    let mut out = String::new();
    for line in text.lines() {
        let toks: Vec<&str> = line.split(' ').collect();
        let words: Vec<String> = toks
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let next = toks.get(i + 1).copied().unwrap_or("");
                let bare = t.trim_start_matches('(');
                if let Some(rest) = t.strip_prefix('@') {
                    let digits = rest.chars().take_while(|c| c.is_ascii_digit()).count();
                    format!("@ID{}", &rest[digits..])
                } else if numeric(bare) && unit(next) {
                    format!("{}N", &t[..t.len() - bare.len()])
                } else {
                    t.to_string()
                }
            })
            .collect();
        out.push_str(&words.join(" "));
        out.push('\n');
    }
    out
}

/// The stable head of each suspect: sentence, keywords, path and the largest group.
fn report_head(text: &str) -> String {
    let mut out = String::new();
    let mut groups_seen = 0;
    for line in text.lines() {
        if line.starts_with("Suspect ") {
            groups_seen = 0;
        }
        let is_group = line.starts_with("    ");
        if is_group {
            groups_seen += 1;
            if groups_seen > 1 {
                continue;
            }
        }
        if let Some(path) = line.strip_prefix("  Path: ") {
            // Slot numbers of GC roots (`(Stack roots) → [46]`) change between runs.
            let steps: Vec<String> = path
                .split(" → ")
                .map(|st| {
                    let idx = st.strip_prefix('[').and_then(|x| x.strip_suffix(']'));
                    if idx.is_some_and(|x| x.bytes().all(|b| b.is_ascii_digit())) {
                        "[N]".to_string()
                    } else if let Some(site) = st.strip_prefix("context of ") {
                        // Lines in Node's own files (`node:timers:323`) change between
                        // releases.
                        let file = site.rsplit_once(':').map_or(site, |(f, _)| f);
                        format!("context of {file}:N)")
                    } else {
                        st.to_string()
                    }
                })
                .collect();
            out.push_str(&format!("  Path: {}\n", steps.join(" → ")));
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    redact(&out)
}

#[test]
fn redaction_keeps_counts_and_hides_ids_and_sizes() {
    let t = "Suspect 1: \"Client\" instance @234743 retains 14,111,888 bytes (82.8 %). Its memory is mostly accumulated in \"Array\" instance @236691.\n    20 000 × closure \"onError\" home.js:12 — 13.9 MB";
    assert_eq!(
        redact(t),
        "Suspect 1: \"Client\" instance @ID retains N bytes (N %). Its memory is mostly accumulated in \"Array\" instance @ID.\n    20 000 × closure \"onError\" home.js:12 — N MB\n"
    );
}

fn first_suspect(report: &Value) -> &Value {
    &report["suspects"][0]
}

#[test]
fn listener_leak_names_the_client_and_the_listener_array() {
    let nodes = nodes();
    if nodes.is_empty() {
        return no_node();
    }
    for (i, (version, node)) in nodes.iter().enumerate() {
        let dir = tempfile::tempdir().unwrap();
        let file = snapshot(node, "listeners.js", dir.path(), None);
        let f = file.to_str().unwrap();
        let r = json(&["analyze", f, "--json"]);
        let s = first_suspect(&r);
        assert_eq!(s["name"], "Client", "{version}: {r:#}");
        assert_eq!(s["type"], "object", "{version}");
        assert!(s["percent"].as_f64().unwrap() >= 50.0, "{version}: {s:#}");
        assert_eq!(s["accumulation"]["name"], "Array", "{version}: {s:#}");
        let g = &s["groups"][0];
        assert!(
            g["class"]
                .as_str()
                .unwrap()
                .starts_with("closure \"onError\" listeners.js:"),
            "{version}: {g}"
        );
        assert_eq!(g["count"], 20000, "{version}");
        let edges: Vec<Option<&str>> = s["path"]["steps"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["edge"].as_str())
            .collect();
        assert_eq!(edges.last(), Some(&Some("client")), "{version}: {edges:?}");
        assert_eq!(s["path"]["steps"][0]["name"], "global", "{version}: {s:#}");
        assert_eq!(
            s["path"]["text"], "global → app → client",
            "{version}: {s:#}"
        );
        if i == 0 {
            let text = heapsim(&["analyze", f]);
            insta::assert_snapshot!("analyze_listeners", report_head(&text));
            // The duplicated request bodies show up in `strings`.
            let d = json(&["strings", f, "--json", "--min-count", "1000"]);
            assert!(d["wasted_size"].as_u64().unwrap() > 0);
            assert!(d["strings"]
                .as_array()
                .unwrap()
                .iter()
                .all(|x| x["count"].as_u64().unwrap() >= 1000));
        }
    }
}

#[test]
fn hot_reload_names_the_module_and_its_children_array() {
    let nodes = nodes();
    if nodes.is_empty() {
        return no_node();
    }
    for (i, (version, node)) in nodes.iter().enumerate() {
        let dir = tempfile::tempdir().unwrap();
        let file = snapshot(node, "hot_reload.js", dir.path(), None);
        let f = file.to_str().unwrap();
        let r = json(&["analyze", f, "--json"]);
        let s = first_suspect(&r);
        assert_eq!(s["name"], "Module", "{version}: {r:#}");
        assert_eq!(s["accumulation"]["name"], "Array", "{version}: {s:#}");
        assert_eq!(s["groups"][0]["class"], "Module", "{version}: {s:#}");
        assert!(
            s["groups"][0]["count"].as_u64().unwrap() >= 999,
            "{version}"
        );
        if i == 0 {
            let text = heapsim(&["analyze", f]);
            insta::assert_snapshot!("analyze_hot_reload", report_head(&text));
            // Every reload keeps another copy of the module's source.
            let d = json(&["strings", f, "--json", "--min-count", "1000"]);
            let top = &d["strings"][0];
            assert!(
                top["value"].as_str().unwrap().contains("const rows = [];"),
                "{top}"
            );
        }
    }
}

#[test]
fn vue_ssr_names_the_timers_list_and_its_timeouts() {
    let nodes = nodes();
    if nodes.is_empty() {
        return no_node();
    }
    let Some(modules) = vue_modules() else {
        return testkit::tool_missing(
            "vue@2 and vue-server-renderer@2",
            "scripts/setup-interop.sh, or npm install --prefix tests/leaks vue@2 vue-server-renderer@2",
        );
    };
    for (i, (version, node)) in nodes.iter().enumerate() {
        let dir = tempfile::tempdir().unwrap();
        let file = snapshot(node, "vue_ssr.js", dir.path(), Some(&modules));
        let f = file.to_str().unwrap();
        let r = json(&["analyze", f, "--json"]);
        let s = first_suspect(&r);
        assert_eq!(s["name"], "TimersList", "{version}: {r:#}");
        assert_eq!(s["accumulation"]["id"], s["id"], "{version}: {s:#}");
        assert_eq!(s["groups"][0]["class"], "Timeout", "{version}: {s:#}");
        assert_eq!(s["groups"][0]["count"], 1000, "{version}");
        // The cluster view folds the 1000 timeouts under the list into one row.
        let id = format!("@{}", s["id"]);
        let t = json(&["tree", f, &id, "--depth", "1", "--json"]);
        let rows = t["rows"].as_array().unwrap();
        assert_eq!(rows[0]["name"], "TimersList");
        assert_eq!(
            (rows[1]["row"].as_str(), rows[1]["class"].as_str()),
            (Some("group"), Some("Timeout"))
        );
        assert_eq!(rows[1]["count"], 1000);
        if i == 0 {
            let text = heapsim(&["analyze", f]);
            insta::assert_snapshot!("analyze_vue_ssr", report_head(&text));
            let text = heapsim(&["tree", f, &id, "--depth", "1"]);
            insta::assert_snapshot!("tree_vue_ssr_timers_list", redact(&text));
        }
    }
}

#[test]
fn control_program_has_no_suspect() {
    let nodes = nodes();
    if nodes.is_empty() {
        return no_node();
    }
    for (i, (version, node)) in nodes.iter().enumerate() {
        let dir = tempfile::tempdir().unwrap();
        let file = snapshot(node, "control.js", dir.path(), None);
        let f = file.to_str().unwrap();
        let r = json(&["analyze", f, "--json"]);
        assert_eq!(r["suspects"], Value::Array(vec![]), "{version}: {r:#}");
        if i == 0 {
            let text = heapsim(&["analyze", f]);
            insta::assert_snapshot!("analyze_control", redact(&text));
        }
    }
}

#[test]
fn three_snapshots_put_the_listener_closures_in_the_top_leak_group() {
    let nodes = nodes();
    if nodes.is_empty() {
        return no_node();
    }
    for (i, (version, node)) in nodes.iter().enumerate() {
        let (_dir, [b, t, f]) = three_snapshots(node, "listeners.js", "--three");
        let r = json(&["diff", &b, &t, &f, "--json"]);
        let top = &r["groups"][0];
        assert!(
            top["class"]
                .as_str()
                .unwrap()
                .starts_with("closure \"onError\""),
            "{version}: {r:#}"
        );
        assert_eq!(top["count"], 10000, "{version}");
        if i == 0 {
            let text = heapsim(&["diff", &b, &t, &f, "--top", "1"]);
            let first: String = text.lines().take(2).map(|l| format!("{l}\n")).collect();
            insta::assert_snapshot!("diff_three_listeners", report_head(&first));
        }
        // The two-snapshot Comparison sees the same 10 000 new closures (DevTools' class
        // of every function is `Function`).
        let c = json(&["diff", &b, &t, "--json"]);
        let closures = c["classes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["class"] == "Function")
            .unwrap_or_else(|| panic!("{version}: no Function class in {c:#}"));
        assert!(
            closures["new_count"].as_u64().unwrap() >= 10000,
            "{version}: {closures}"
        );
    }
}

/// The chain of `analyze --json`'s first suspect, its pattern as one string.
fn chain_of_first_suspect(r: &Value) -> (&Value, String) {
    let c = &r["suspects"][0]["chain"];
    let pattern: Vec<&str> = c["pattern"]
        .as_array()
        .unwrap_or_else(|| panic!("no chain in {r:#}"))
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    (c, pattern.join(" → "))
}

#[test]
fn replace_thing_reports_the_closure_context_chain_not_its_last_link() {
    let nodes = nodes();
    if nodes.is_empty() {
        return no_node();
    }
    for (i, (version, node)) in nodes.iter().enumerate() {
        let dir = tempfile::tempdir().unwrap();
        let file = snapshot(node, "replace_thing.js", dir.path(), None);
        let f = file.to_str().unwrap();
        let r = json(&["analyze", f, "--json"]);
        let s = first_suspect(&r);
        let (c, pattern) = chain_of_first_suspect(&r);
        assert_eq!(
            pattern, "someMethod → context of someMethod (replace_thing.js:20) → originalThing",
            "{version}"
        );
        // 3 000 things, each but the first reached from the one after it.
        assert_eq!(c["links"], 2999, "{version}: {c:#}");
        assert_eq!(s["accumulation"]["id"], c["head"]["id"], "{version}: {s:#}");
        assert_eq!(c["head"]["class"], "{longStr, someMethod}", "{version}");
        assert_eq!(c["retained_size"], c["head"]["retained_size"], "{version}");
        assert!(
            c["retained_size"].as_u64().unwrap() >= 2999 * 400,
            "{version}: each link holds its own string: {c:#}"
        );
        let last = format!("@{}", c["last"]["id"]);
        let head = format!("@{}", c["head"]["id"]);
        // The cluster view prints the chain as one row under its head.
        let t = json(&["tree", f, &head, "--depth", "1", "--json"]);
        let row = &t["rows"][1];
        assert_eq!(
            (
                row["row"].as_str(),
                row["pattern"].as_str(),
                row["count"].as_u64()
            ),
            (Some("chain"), Some(pattern.as_str()), Some(2999)),
            "{version}: {t:#}"
        );
        assert_eq!(format!("@{}", row["id"]), last, "{version}");
        // Paths through the chain fold it: two short lines per path, not 100 000 characters.
        let text = heapsim(&["path", f, &last, "--max", "2"]);
        assert!(
            text.lines().all(|l| l.len() < 300) && text.lines().count() >= 2,
            "{version}: {text}"
        );
        assert!(
            text.contains(
                "(someMethod → context of someMethod (replace_thing.js:20) → originalThing) ×2999"
            ),
            "{version}: {text}"
        );
        if i == 0 {
            let text = heapsim(&["analyze", f]);
            insta::assert_snapshot!("analyze_replace_thing", report_head(&text));
        }
    }
}

/// `generate --shape chains` (linked lists of `Node`s under `app.chains`), needs no tool.
#[test]
fn generated_linked_lists_are_reported_as_a_chain_of_next() {
    let dir = tempfile::tempdir().unwrap();
    let f = &cli::generated_chains(dir.path());
    let r = json(&["analyze", f, "--json"]);
    let (c, pattern) = chain_of_first_suspect(&r);
    assert_eq!(pattern, "next", "{r:#}");
    assert!(c["links"].as_u64().unwrap() > 10_000, "{c:#}");
    assert_eq!(c["head"]["class"], "Node");
    assert_eq!(r["suspects"][0]["accumulation"]["id"], c["head"]["id"]);
    let text = heapsim(&["analyze", f]);
    assert!(
        text.contains("Its memory is mostly accumulated in a chain of ")
            && text.contains(" × (next) from \"Node\" instance @"),
        "{text}"
    );
    let tree = heapsim(&["tree", f, &format!("@{}", c["head"]["id"]), "--depth", "1"]);
    assert!(
        tree.lines()
            .nth(1)
            .is_some_and(|l| l.trim_start().starts_with("(next) ×")),
        "{tree}"
    );
}

#[test]
fn three_snapshots_put_sessions_in_a_map_or_an_array_in_one_group() {
    let nodes = nodes();
    if nodes.is_empty() {
        return no_node();
    }
    for (version, node) in &nodes {
        for (store, step) in [("map", "table"), ("array", "log")] {
            let (_dir, [b, t, f]) = three_snapshots(node, "sessions.js", store);
            let r = json(&["diff", &b, &t, &f, "--json"]);
            let top = &r["groups"][0];
            assert_eq!(
                (top["class"].as_str(), top["count"].as_u64()),
                (Some("Session"), Some(5000)),
                "{version} {store}: {r:#}"
            );
            let edges: Vec<Option<&str>> = top["path"]["steps"]
                .as_array()
                .unwrap()
                .iter()
                .map(|st| st["edge"].as_str())
                .collect();
            assert!(edges.contains(&Some(step)), "{version} {store}: {edges:?}");
            // All sessions are alike and own their strings: the group retains 5 000 times
            // what one retains, as DevTools counts it.
            let rep = format!("@{}", top["sample_id"]);
            let one = json(&["show", &f, &rep, "--json"])["node"]["retained_size"]
                .as_u64()
                .unwrap();
            assert!(one > 0, "{version} {store}");
            assert_eq!(
                top["retained_size"].as_u64(),
                Some(5000 * one),
                "{version} {store}: {top:#}"
            );
        }
    }
}

/// The frames of a JSON stack (`{"count", "self_size", "frames"}`).
fn frames(stack: &Value) -> Vec<&str> {
    stack["frames"]
        .as_array()
        .unwrap_or_else(|| panic!("no frames in {stack:#}"))
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect()
}

/// Whether some stack of `stacks` (a JSON array) allocated a Session in `login`: its
/// innermost frames are `login sessions.js:…` or the inlined `Session sessions.js:… ←
/// login sessions.js:…`.
fn a_stack_in_login(stacks: &Value) -> bool {
    stacks.as_array().into_iter().flatten().any(|st| {
        let f = frames(st);
        let at = |i: usize, name: &str| {
            f.get(i)
                .is_some_and(|x| x.starts_with(&format!("{name} ")) && x.contains("sessions.js:"))
        };
        st["count"].as_u64().is_some_and(|c| c > 0)
            && (at(0, "login") || (at(0, "Session") && at(1, "login")))
    })
}

#[test]
fn allocation_stacks_per_suspect_and_per_leak_group() {
    let nodes = nodes();
    if nodes.is_empty() {
        return no_node();
    }
    for (version, node) in &nodes {
        let tracked = ["--track-heap-objects"];
        let (_dir, [b, t, f]) = three_snapshots_with(node, &tracked, "sessions.js", "map");
        // The suspect's accumulated objects (the Map's sessions), by allocation stack.
        let r = json(&["analyze", &f, "--json"]);
        let s = first_suspect(&r);
        assert_eq!(s["groups"][0]["class"], "Session", "{version}: {s:#}");
        assert!(a_stack_in_login(&s["stacks"]), "{version}: {s:#}");
        let text = heapsim(&["analyze", &f]);
        let lines: Vec<&str> = text.lines().collect();
        let at = lines
            .iter()
            .position(|l| *l == "  Allocated at:")
            .unwrap_or_else(|| panic!("{version}: {text}"));
        assert!(
            lines[at + 1].contains(" at ") && lines[at + 1].contains("sessions.js:"),
            "{version}: {text}"
        );
        // The three-snapshot leak group of the same sessions.
        let d = json(&["diff", &b, &t, &f, "--json"]);
        let top = &d["groups"][0];
        assert_eq!(top["class"], "Session", "{version}: {d:#}");
        assert!(a_stack_in_login(&top["stacks"]), "{version}: {top:#}");
        let text = heapsim(&["diff", &b, &t, &f, "--top", "1"]);
        assert!(
            text.contains("\n  Allocated at:\n    "),
            "{version}: {text}"
        );
    }
    // Without allocation tracking the reports have no stacks at all.
    let (version, node) = &nodes[0];
    let (_dir, [b, t, f]) = three_snapshots(node, "sessions.js", "map");
    let r = json(&["analyze", &f, "--json"]);
    assert!(r["suspects"][0].get("stacks").is_none(), "{version}: {r:#}");
    let d = json(&["diff", &b, &t, &f, "--json"]);
    assert!(d["groups"][0].get("stacks").is_none(), "{version}: {d:#}");
    assert!(!heapsim(&["analyze", &f]).contains("Allocated at"));
}

/// `heapsim ARGS` that must succeed: its standard output as JSON, and its standard error.
fn json_and_stderr(args: &[&str]) -> (Value, String) {
    let out = cli::run_ok(args);
    let v = serde_json::from_slice(&out.stdout).expect("valid JSON");
    (v, String::from_utf8(out.stderr).expect("UTF-8"))
}

/// `diff`'s warnings: the JSON array, checked to match standard error line by line.
fn diff_warnings(args: &[&str]) -> Vec<String> {
    let (v, err) = json_and_stderr(args);
    assert!(
        err.starts_with("heapsim: comparing ") || err.starts_with("heapsim: leaked = "),
        "{err}"
    );
    let warnings: Vec<String> = v["warnings"]
        .as_array()
        .unwrap_or_else(|| panic!("no warnings array: {v:#}"))
        .iter()
        .map(|w| w.as_str().unwrap().to_string())
        .collect();
    let printed: Vec<&str> = err
        .lines()
        .filter_map(|l| l.strip_prefix("heapsim: warning: "))
        .collect();
    assert_eq!(printed, warnings, "{err}");
    warnings
}

#[test]
fn diff_warns_when_the_snapshots_cannot_be_one_process_in_that_order() {
    let nodes = nodes();
    if nodes.is_empty() {
        return no_node();
    }
    let (version, node) = &nodes[0];
    let (_a, [base, target, fin]) = three_snapshots(node, "listeners.js", "--three");
    let (_b, [other_base, other_target, _]) = three_snapshots(node, "listeners.js", "--three");
    let (b, t, f) = (base.as_str(), target.as_str(), fin.as_str());
    let none: Vec<String> = Vec::new();
    assert_eq!(diff_warnings(&["diff", b, t, "--json"]), none, "{version}");
    assert_eq!(
        diff_warnings(&["diff", b, t, f, "--json"]),
        none,
        "{version}"
    );
    let has = |w: &[String], what: &str| w.iter().any(|x| x.contains(what));
    let swapped = diff_warnings(&["diff", t, b, "--json"]);
    assert!(
        has(&swapped, "TARGET was taken before BASE (swap them?)"),
        "{swapped:?}"
    );
    let swapped = diff_warnings(&["diff", b, f, t, "--json"]);
    assert!(
        has(&swapped, "FINAL was taken before TARGET"),
        "{swapped:?}"
    );
    let itself = diff_warnings(&["diff", b, b, "--json"]);
    assert!(has(&itself, "are the same snapshot"), "{itself:?}");
    for (x, y) in [(b, other_target.as_str()), (t, other_base.as_str())] {
        let w = diff_warnings(&["diff", x, y, "--json"]);
        assert!(has(&w, "the snapshots are not from one process"), "{w:?}");
    }
    // Another Node version: another layout (and other objects behind the ids).
    let Some((v2, node2)) = nodes
        .iter()
        .find(|(v, _)| v.split('.').next() != version.split('.').next())
    else {
        return testkit::tool_missing(
            "a second Node.js major version",
            "scripts/setup-interop.sh (Node 20, 22 and 24)",
        );
    };
    let (_c, [_, target2, _]) = three_snapshots(node2, "listeners.js", "--three");
    let w = diff_warnings(&["diff", b, &target2, "--json"]);
    assert!(
        has(&w, "different snapshot layouts") && has(&w, "not from one process"),
        "{version} vs {v2}: {w:?}"
    );
    // The text output warns on standard error too, and keeps its table.
    let out = Command::new(env!("CARGO_BIN_EXE_heapsim"))
        .args(["diff", t, b])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("heapsim: warning: "), "{err}");
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("Class "));
}

#[test]
fn bad_arguments_exit_2_with_one_line() {
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_heapsim"))
            .args(args)
            .output()
            .unwrap()
    };
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.heapsnapshot");
    let m = missing.to_str().unwrap();
    for args in [
        vec!["analyze", m],
        vec!["analyze", m, "--threshold", "0"],
        vec!["tree", m, "@x"],
        vec!["strings", m, "--min-count", "1"],
        vec!["diff", m, m],
    ] {
        let out = run(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
    }
}
