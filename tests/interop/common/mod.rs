//! Shared machinery of the interop suite: finds the reference toolchain installed by
//! `scripts/setup-interop.sh`, makes real snapshots by running the programs in
//! `tests/interop/programs/` under Node 20/22/24, and runs Chrome DevTools' own heap snapshot
//! worker (`devtools-ref.mjs`, built from `tests/interop/devtools-ref/entry.ts`) and memlab
//! (`memlab-check.js`) on them.
//!
//! Other interop tests (leak reports, simulator-written snapshots) reuse this module with
//! `#[path = "interop/common/mod.rs"] #[allow(dead_code)] mod common;` (each test crate uses
//! a different part of it).

pub mod compare;
pub mod heapsim;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Node versions whose snapshots the suite checks; those of `shared/reference/meta_*`.
pub const NODE_VERSIONS: [u32; 3] = [20, 22, 24];

/// Paths of the installed reference tools (the env file written by `setup-interop.sh`).
#[derive(Clone, Debug)]
pub struct Toolchain {
    /// `(major version, node binary)`.
    pub nodes: Vec<(u32, PathBuf)>,
    pub devtools_ref: PathBuf,
    pub memlab_check: PathBuf,
    /// `node_modules` with vue, vue-server-renderer, memlab: the programs' `NODE_PATH`.
    pub node_modules: PathBuf,
}

fn env_file() -> PathBuf {
    if let Some(h) = std::env::var_os("HEAPSIM_INTEROP_HOME") {
        return PathBuf::from(h).join("env");
    }
    let home = std::env::var_os("HOME").unwrap_or_else(|| "/root".into());
    PathBuf::from(home).join(".cache/heapsim-interop/env")
}

impl Toolchain {
    /// Reads the env file; a variable of the same name in the process environment wins.
    pub fn locate() -> Result<Toolchain, String> {
        let file = env_file();
        let text = std::fs::read_to_string(&file).map_err(|e| {
            format!(
                "{}: {e} (run scripts/setup-interop.sh to install the interop toolchain)",
                file.display()
            )
        })?;
        let mut vars: HashMap<String, String> = text
            .lines()
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
            .collect();
        for k in [
            "NODE20",
            "NODE22",
            "NODE24",
            "DEVTOOLS_REF",
            "MEMLAB_CHECK",
            "INTEROP_NODE_MODULES",
        ] {
            if let Ok(v) = std::env::var(k) {
                vars.insert(k.to_string(), v);
            }
        }
        let get = |k: &str| -> Result<PathBuf, String> {
            let p = PathBuf::from(
                vars.get(k)
                    .ok_or_else(|| format!("{}: no {k}=", file.display()))?,
            );
            if p.exists() {
                Ok(p)
            } else {
                Err(format!(
                    "{k}={} does not exist (run scripts/setup-interop.sh)",
                    p.display()
                ))
            }
        };
        let mut nodes = Vec::new();
        for v in NODE_VERSIONS {
            nodes.push((v, get(&format!("NODE{v}"))?));
        }
        Ok(Toolchain {
            nodes,
            devtools_ref: get("DEVTOOLS_REF")?,
            memlab_check: get("MEMLAB_CHECK")?,
            node_modules: get("INTEROP_NODE_MODULES")?,
        })
    }

    /// The toolchain, or `None` after the test is reported skipped — or failed under CI
    /// ([`testkit::require`]).
    pub fn require() -> Option<Toolchain> {
        testkit::require(
            Toolchain::locate(),
            "the interop toolchain",
            "scripts/setup-interop.sh",
        )
    }

    pub fn node(&self, version: u32) -> &Path {
        &self
            .nodes
            .iter()
            .find(|(v, _)| *v == version)
            .unwrap_or_else(|| panic!("no Node {version} in the toolchain"))
            .1
    }

    /// The Node that runs the reference tools (DevTools' worker, memlab).
    pub fn tool_node(&self) -> &Path {
        self.node(22)
    }
}

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `NAME` is `tests/interop/programs/NAME.js`; a name with a `/` is relative to `tests/`
/// (`leaks/listeners` is `tests/leaks/listeners.js`), for programs other suites own.
pub fn program_path(program: &str) -> PathBuf {
    let tests = repo_root().join("tests");
    if program.contains('/') {
        tests.join(format!("{program}.js"))
    } else {
        tests.join("interop/programs").join(format!("{program}.js"))
    }
}

/// Every program in `tests/interop/programs/` (file stems), sorted.
pub fn all_programs() -> Vec<String> {
    let dir = repo_root().join("tests/interop/programs");
    let mut v: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| {
            let p = e.ok()?.path();
            (p.extension()? == "js").then(|| p.file_stem().unwrap().to_string_lossy().into())
        })
        .collect();
    v.sort();
    v
}

/// Runs a command to completion; on failure panics with its stderr, naming `what`.
fn run(what: &str, cmd: &mut Command) -> Vec<u8> {
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("{what}: cannot start {cmd:?}: {e}"));
    if !out.status.success() {
        panic!(
            "{what}: {cmd:?} failed ({}):\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
    }
    out.stdout
}

/// Runs `program` (see [`program_path`]) under Node `version`, which writes
/// `dir/<file stem>-node<version>.heapsnapshot`. Extra `args` go to the program after the
/// output path.
pub fn generate(tc: &Toolchain, program: &str, version: u32, dir: &Path, args: &[&str]) -> PathBuf {
    let stem = program.rsplit('/').next().unwrap_or(program);
    let out = dir.join(format!("{stem}-node{version}.heapsnapshot"));
    run(
        &format!("{program} on Node {version}"),
        Command::new(tc.node(version))
            .arg(program_path(program))
            .arg(&out)
            .args(args)
            .env("NODE_PATH", &tc.node_modules)
            .current_dir(dir),
    );
    assert!(
        out.is_file(),
        "{program} on Node {version} wrote no {}",
        out.display()
    );
    out
}

/// One row of DevTools' per-node dump.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeRow {
    pub id: u32,
    pub kind: String,
    pub name: String,
    pub self_size: u64,
    pub retained_size: u64,
    /// DevTools' distance (`-5` unreachable, `>= 100000000` system-only).
    pub distance: i64,
    pub dominator_id: u32,
}

/// One class of the Summary view.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ClassRow {
    pub name: String,
    pub count: u64,
    pub self_size: u64,
    pub retained_size: u64,
    pub distance: i64,
}

/// What DevTools' `summary` mode reports.
#[derive(Clone, Debug)]
pub struct DevtoolsSummary {
    pub node_count: u64,
    pub edge_count: u64,
    pub total_size: u64,
    pub problems: Vec<String>,
    pub classes: Vec<ClassRow>,
    pub statistics: serde_json::Value,
}

fn devtools(tc: &Toolchain, mode: &str, snapshot: &Path) -> Vec<u8> {
    run(
        &format!("DevTools {mode} of {}", snapshot.display()),
        Command::new(tc.tool_node())
            .arg("--max-old-space-size=4096")
            .arg(&tc.devtools_ref)
            .arg(mode)
            .arg(snapshot),
    )
}

fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut it = s.chars();
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match it.next() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some(o) => out.push(o),
            None => out.push('\\'),
        }
    }
    out
}

/// Parses the TSV of `devtools-ref.mjs dump`.
pub fn parse_dump(text: &str) -> Vec<NodeRow> {
    text.lines()
        .enumerate()
        .map(|(i, line)| {
            let f: Vec<&str> = line.splitn(7, '\t').collect();
            assert_eq!(f.len(), 7, "DevTools dump line {}: {line:?}", i + 1);
            let num = |k: usize| -> i64 {
                f[k].parse()
                    .unwrap_or_else(|_| panic!("DevTools dump line {}: field {k}: {line:?}", i + 1))
            };
            NodeRow {
                id: num(0) as u32,
                kind: f[1].to_string(),
                self_size: num(2) as u64,
                retained_size: num(3) as u64,
                distance: num(4),
                dominator_id: num(5) as u32,
                name: unescape(f[6]),
            }
        })
        .collect()
}

pub fn devtools_dump(tc: &Toolchain, snapshot: &Path) -> Vec<NodeRow> {
    let out = devtools(tc, "dump", snapshot);
    parse_dump(&String::from_utf8_lossy(&out))
}

pub fn parse_summary(json: &str) -> DevtoolsSummary {
    let v: serde_json::Value = serde_json::from_str(json).expect("DevTools summary JSON");
    let u = |v: &serde_json::Value, k: &str| -> u64 {
        v[k].as_u64()
            .unwrap_or_else(|| panic!("DevTools summary: {k} is {}", v[k]))
    };
    let classes = v["classes"]
        .as_array()
        .expect("DevTools summary: classes")
        .iter()
        .map(|c| ClassRow {
            name: c["name"].as_str().unwrap_or_default().to_string(),
            count: u(c, "count"),
            self_size: u(c, "self_size"),
            retained_size: u(c, "retained_size"),
            distance: c["distance"].as_i64().expect("class distance"),
        })
        .collect();
    DevtoolsSummary {
        node_count: u(&v, "node_count"),
        edge_count: u(&v, "edge_count"),
        total_size: u(&v, "total_size"),
        problems: v["problems"]
            .as_array()
            .map(|a| a.iter().map(|p| p.to_string()).collect())
            .unwrap_or_default(),
        classes,
        statistics: v["statistics"].clone(),
    }
}

pub fn devtools_summary(tc: &Toolchain, snapshot: &Path) -> DevtoolsSummary {
    let out = devtools(tc, "summary", snapshot);
    parse_summary(&String::from_utf8_lossy(&out))
}

/// DevTools' summary and per-node dump from one load of `snapshot` (the worker's load is
/// the slow part; this halves it). The dump goes through a file beside the snapshot.
pub fn devtools_both(tc: &Toolchain, snapshot: &Path) -> (DevtoolsSummary, Vec<NodeRow>) {
    let dump = snapshot.with_extension("devtools.tsv");
    let out = run(
        &format!("DevTools summary+dump of {}", snapshot.display()),
        Command::new(tc.tool_node())
            .arg("--max-old-space-size=4096")
            .arg(&tc.devtools_ref)
            .arg("both")
            .arg(snapshot)
            .arg(&dump),
    );
    let summary = parse_summary(&String::from_utf8_lossy(&out));
    let text = std::fs::read(&dump).unwrap_or_else(|e| panic!("{}: {e}", dump.display()));
    (summary, parse_dump(&String::from_utf8_lossy(&text)))
}

/// What memlab's loader (`getFullHeapFromFile`) sees.
#[derive(Clone, Debug)]
pub struct MemlabCheck {
    pub node_count: u64,
    pub edge_count: u64,
    pub self_size_total: u64,
    pub root_retained_size: u64,
}

pub fn memlab(tc: &Toolchain, snapshot: &Path) -> MemlabCheck {
    let out = snapshot.with_extension("memlab.json");
    run(
        &format!("memlab on {}", snapshot.display()),
        Command::new(tc.tool_node())
            .arg("--max-old-space-size=4096")
            .arg(&tc.memlab_check)
            .arg(snapshot)
            .arg(&out)
            .stdout(Stdio::null()),
    );
    let text = std::fs::read_to_string(&out).unwrap_or_else(|e| panic!("{}: {e}", out.display()));
    let v: serde_json::Value = serde_json::from_str(&text).expect("memlab JSON");
    let u = |k: &str| {
        v[k].as_u64()
            .unwrap_or_else(|| panic!("memlab: {k} is {}", v[k]))
    };
    MemlabCheck {
        node_count: u("node_count"),
        edge_count: u("edge_count"),
        self_size_total: u("self_size_total"),
        root_retained_size: u("root_retained_size"),
    }
}

/// Whether heapsim reads `snapshot` as DevTools' worker does: the same graph (every node's
/// id, type, name, sizes, distance, dominator) and the same Summary classes. `Err` is the
/// failure text, for suites that check a snapshot they did not write with
/// [`generate`] (live captures).
pub fn devtools_agrees(tc: &Toolchain, snapshot: &Path) -> Result<(), String> {
    let (summary, nodes) = devtools_both(tc, snapshot);
    if !summary.problems.is_empty() {
        return Err(format!(
            "DevTools reports a broken snapshot: {:?}",
            summary.problems
        ));
    }
    let a = heapsim::analyse(snapshot);
    let nodes_report = compare::compare_nodes(&nodes, &heapsim::node_rows(&a));
    let classes_report = compare::compare_classes(&summary.classes, &heapsim::class_rows(&a));
    let mut failure = String::new();
    if !nodes_report.is_clean() {
        let path_of = |ordinal: usize| heapsim::retainer_path(&a, ordinal as u32);
        failure += &compare::describe_nodes(&nodes_report, &path_of);
    }
    if !classes_report.is_clean() {
        failure += &compare::describe_classes(&classes_report);
    }
    if failure.is_empty() {
        Ok(())
    } else {
        Err(failure)
    }
}
